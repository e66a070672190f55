/*
 * HPKE against every RFC 9180 A.2 vector (all four modes), then the
 * properties the vectors do not cover: random round trips, wrong keys,
 * small-order points, PSK input rules, sequence exhaustion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "seal/hpke.h"
#include "showroom/office/hpke_open.h"
#include "vectors.h"

#define VECTORS	"tests/vectors/hpke-x25519-sha256-chacha20poly1305.txt"

/* What the vector file holds (its README): 4 modes x 6 encryptions, 3 exports. */
#define NMODES		4
#define ENC_PER_MODE	6
#define EXP_PER_MODE	3

#define FIELD_MAX	512

static const char *mode_names[NMODES] = { "Base", "PSK", "Auth", "AuthPSK" };

struct tally {
	int	vectors[NMODES];
	int	encryptions[NMODES];
	int	exports[NMODES];
};

static void
check_eq(const char *mode, const char *what, const uint8_t *got,
    const uint8_t *want, size_t len)
{
	if (memcmp(got, want, len) != 0) {
		print_error("%s: %s differs\n", mode, what);
		assert_memory_equal(got, want, len);
	}
}

/* Inputs and expected outputs of one mode's setup. */
struct setup {
	const char	*name;
	int		 mode;
	uint8_t		 info[FIELD_MAX], psk[FIELD_MAX], psk_id[FIELD_MAX];
	size_t		 infolen, psklen, psk_idlen;
	uint8_t		 skE[32], pkR[32], skR[32], pkS[32], skS[32];
	uint8_t		 enc[32], ss[32], key[32], base_nonce[12], exp[32];
};

static void
check_derive(struct vec_section *setup, const char *ikmk, const char *pkk,
    const char *skk, uint8_t pk[32], uint8_t sk[32], const char *mode)
{
	uint8_t ikm[FIELD_MAX], gpk[32], gsk[32];
	size_t ikmlen;

	ikmlen = vec_hex(setup, ikmk, ikm, sizeof(ikm));
	vec_hex_len(setup, pkk, pk, 32);
	vec_hex_len(setup, skk, sk, 32);
	assert_int_equal(hpke_derive_keypair(ikm, ikmlen, gpk, gsk), 0);
	check_eq(mode, pkk, gpk, pk, 32);
	check_eq(mode, skk, gsk, sk, 32);
}

/*
 * LabeledExtract and LabeledExpand (RFC 9180 4) written out over HMAC-SHA256,
 * so that key_schedule_context and secret, which the library keeps to itself,
 * are checked as well (5.1).
 */
static const uint8_t suite_id[] = {
	'H', 'P', 'K', 'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x03
};

static void
labeled_extract(uint8_t prk[32], const uint8_t *salt, size_t saltlen,
    const char *label, const uint8_t *ikm, size_t ikmlen)
{
	crypto_auth_hmacsha256_state st;
	static const uint8_t none[1];

	/* An empty salt is HMAC's empty key, the same as Nh zero bytes. */
	crypto_auth_hmacsha256_init(&st, saltlen ? salt : none, saltlen);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)"HPKE-v1", 7);
	crypto_auth_hmacsha256_update(&st, suite_id, sizeof(suite_id));
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)label,
	    strlen(label));
	crypto_auth_hmacsha256_update(&st, ikm, ikmlen);
	crypto_auth_hmacsha256_final(&st, prk);
}

/* L is at most 32 here, so HKDF-Expand is one HMAC block. */
static void
labeled_expand(uint8_t *out, size_t L, const uint8_t prk[32],
    const char *label, const uint8_t *info, size_t infolen)
{
	crypto_auth_hmacsha256_state st;
	uint8_t t[32], len[2] = { 0, (uint8_t)L }, one = 0x01;

	assert_true(L <= sizeof(t));
	crypto_auth_hmacsha256_init(&st, prk, 32);
	crypto_auth_hmacsha256_update(&st, len, sizeof(len));
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)"HPKE-v1", 7);
	crypto_auth_hmacsha256_update(&st, suite_id, sizeof(suite_id));
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)label,
	    strlen(label));
	crypto_auth_hmacsha256_update(&st, info, infolen);
	crypto_auth_hmacsha256_update(&st, &one, 1);
	crypto_auth_hmacsha256_final(&st, t);
	memcpy(out, t, L);
}

/* The vector's KeySchedule (5.1), from shared_secret down to its outputs. */
static void
check_key_schedule(struct vec_section *js, const struct setup *s)
{
	uint8_t ksc[65], want_ksc[65], secret[32], want_secret[32];
	uint8_t key[32], nonce[12], exp[32];

	vec_hex_len(js, "key_schedule_context", want_ksc, sizeof(want_ksc));
	vec_hex_len(js, "secret", want_secret, sizeof(want_secret));
	ksc[0] = (uint8_t)s->mode;
	labeled_extract(ksc + 1, NULL, 0, "psk_id_hash", s->psk_id,
	    s->psk_idlen);
	labeled_extract(ksc + 33, NULL, 0, "info_hash", s->info, s->infolen);
	check_eq(s->name, "key_schedule_context", ksc, want_ksc, sizeof(ksc));
	labeled_extract(secret, s->ss, sizeof(s->ss), "secret", s->psk,
	    s->psklen);
	check_eq(s->name, "secret", secret, want_secret, sizeof(secret));
	labeled_expand(key, sizeof(key), secret, "key", ksc, sizeof(ksc));
	check_eq(s->name, "key from secret", key, s->key, sizeof(key));
	labeled_expand(nonce, sizeof(nonce), secret, "base_nonce", ksc,
	    sizeof(ksc));
	check_eq(s->name, "base_nonce from secret", nonce, s->base_nonce,
	    sizeof(nonce));
	labeled_expand(exp, sizeof(exp), secret, "exp", ksc, sizeof(ksc));
	check_eq(s->name, "exporter_secret from secret", exp, s->exp,
	    sizeof(exp));
}

/* The section named after a mode must hold that mode. */
static void
load_setup(struct vec_section *js, int mode, struct setup *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = (int)vec_int(js, "mode");
	assert_int_equal(s->mode, mode);
	s->name = mode_names[s->mode];
	assert_int_equal(vec_int(js, "kem_id"), HPKE_KEM_ID);
	assert_int_equal(vec_int(js, "kdf_id"), HPKE_KDF_ID);
	assert_int_equal(vec_int(js, "aead_id"), HPKE_AEAD_ID);

	s->infolen = vec_hex(js, "info", s->info, sizeof(s->info));
	check_derive(js, "ikmE", "pkEm", "skEm", s->enc, s->skE, s->name);
	check_derive(js, "ikmR", "pkRm", "skRm", s->pkR, s->skR, s->name);
	if (s->mode & HPKE_MODE_AUTH)
		check_derive(js, "ikmS", "pkSm", "skSm", s->pkS, s->skS,
		    s->name);
	if (s->mode & HPKE_MODE_PSK) {
		s->psklen = vec_hex(js, "psk", s->psk, sizeof(s->psk));
		s->psk_idlen = vec_hex(js, "psk_id", s->psk_id,
		    sizeof(s->psk_id));
	}
	/* For DHKEM, enc is pkE: pkEm was loaded into enc above. */
	{
		uint8_t enc[32];

		vec_hex_len(js, "enc", enc, 32);
		check_eq(s->name, "enc vs pkEm", enc, s->enc, 32);
	}
	vec_hex_len(js, "shared_secret", s->ss, 32);
	vec_hex_len(js, "key", s->key, 32);
	vec_hex_len(js, "base_nonce", s->base_nonce, 12);
	vec_hex_len(js, "exporter_secret", s->exp, 32);
	check_key_schedule(js, s);
}

static void
check_ctx(const struct setup *s, const struct hpke_ctx *c, const char *who)
{
	char what[64];

	snprintf(what, sizeof(what), "%s key", who);
	check_eq(s->name, what, c->key, s->key, 32);
	snprintf(what, sizeof(what), "%s base_nonce", who);
	check_eq(s->name, what, c->base_nonce, s->base_nonce, 12);
	snprintf(what, sizeof(what), "%s exporter_secret", who);
	check_eq(s->name, what, c->exporter_secret, s->exp, 32);
	assert_true(c->seq == 0);
}

static int
setup_receiver(struct hpke_ctx *r, const struct setup *s)
{
	switch (s->mode) {
	case HPKE_MODE_BASE:
		return hpke_setup_base_r(r, s->enc, s->skR, s->info,
		    s->infolen);
	case HPKE_MODE_PSK:
		return hpke_setup_psk_r(r, s->enc, s->skR, s->info, s->infolen,
		    s->psk, s->psklen, s->psk_id, s->psk_idlen);
	case HPKE_MODE_AUTH:
		return hpke_setup_auth_r(r, s->enc, s->skR, s->info,
		    s->infolen, s->pkS);
	default:
		return hpke_setup_authpsk_r(r, s->enc, s->skR, s->info,
		    s->infolen, s->psk, s->psklen, s->psk_id, s->psk_idlen,
		    s->pkS);
	}
}

/* KEM alone, then the full sender (fixed skE) and receiver setups. */
static void
check_setup(const struct setup *s, struct hpke_ctx *sc, struct hpke_ctx *rc)
{
	int auth = s->mode & HPKE_MODE_AUTH;
	uint8_t ss[32], enc[32];

	assert_int_equal(hpke_encap_derand(ss, enc, s->pkR,
	    auth ? s->skS : NULL, s->skE), 0);
	check_eq(s->name, "encap enc", enc, s->enc, 32);
	check_eq(s->name, "encap shared_secret", ss, s->ss, 32);
	assert_int_equal(hpke_decap(ss, s->enc, s->skR,
	    auth ? s->pkS : NULL), 0);
	check_eq(s->name, "decap shared_secret", ss, s->ss, 32);

	memset(enc, 0, sizeof(enc));
	assert_int_equal(hpke_setup_s_derand(sc, (enum hpke_mode)s->mode, enc,
	    s->pkR, s->info, s->infolen, s->psk, s->psklen, s->psk_id,
	    s->psk_idlen, auth ? s->skS : NULL, s->skE), 0);
	check_eq(s->name, "setup enc", enc, s->enc, 32);
	check_ctx(s, sc, "sender");
	assert_int_equal(setup_receiver(rc, s), 0);
	check_ctx(s, rc, "receiver");
}

/* Moves both contexts one message on, for the sequence numbers not listed. */
static void
advance(struct hpke_ctx *sc, struct hpke_ctx *rc)
{
	uint8_t ct[HPKE_TAGLEN], pt[1];

	assert_int_equal(hpke_ctx_seal(sc, NULL, 0, NULL, 0, ct), 0);
	assert_int_equal(hpke_ctx_open(rc, NULL, 0, ct, sizeof(ct), pt), 0);
}

static void
check_encryption(const struct setup *s, struct vec_section *e,
    struct hpke_ctx *sc, struct hpke_ctx *rc)
{
	uint8_t pt[FIELD_MAX], aad[FIELD_MAX + 1], nonce[12], ct[FIELD_MAX];
	uint8_t got[FIELD_MAX + HPKE_TAGLEN], bad[FIELD_MAX];
	size_t ptlen, aadlen, ctlen, i;
	long long seq;

	seq = vec_int(e, "sequence_number");
	assert_true(seq >= 0 && (uint64_t)seq >= sc->seq);
	while (sc->seq < (uint64_t)seq)
		advance(sc, rc);
	assert_true(rc->seq == (uint64_t)seq);

	ptlen = vec_hex(e, "pt", pt, sizeof(pt));
	aadlen = vec_hex(e, "aad", aad, sizeof(aad) - 1);
	ctlen = vec_hex(e, "ct", ct, sizeof(ct));
	vec_hex_len(e, "nonce", nonce, sizeof(nonce));
	assert_int_equal(ctlen, ptlen + HPKE_TAGLEN);

	/* The vector's own nonce must be base_nonce XOR seq (5.2). */
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)((uint64_t)seq >> (8 * i));
	check_eq(s->name, "nonce", nonce, s->base_nonce, 12);

	assert_int_equal(hpke_ctx_seal(sc, aad, aadlen, pt, ptlen, got), 0);
	check_eq(s->name, "ct", got, ct, ctlen);

	/* Tampered ciphertext body, tampered tag, truncation, wrong aad. */
	memcpy(bad, ct, ctlen);
	bad[0] ^= 0x01;
	assert_int_equal(hpke_ctx_open(rc, aad, aadlen, bad, ctlen, got), -1);
	memcpy(bad, ct, ctlen);
	bad[ctlen - 1] ^= 0x80;
	assert_int_equal(hpke_ctx_open(rc, aad, aadlen, bad, ctlen, got), -1);
	assert_int_equal(hpke_ctx_open(rc, aad, aadlen, ct, ctlen - 1, got),
	    -1);
	aad[aadlen] = 'x';
	assert_int_equal(hpke_ctx_open(rc, aad, aadlen + 1, ct, ctlen, got),
	    -1);
	if (aadlen > 0) {
		aad[0] ^= 0x01;
		assert_int_equal(hpke_ctx_open(rc, aad, aadlen, ct, ctlen,
		    got), -1);
		aad[0] ^= 0x01;
	}
	/* Failures must not have used up the sequence number. */
	assert_true(rc->seq == (uint64_t)seq);

	memset(got, 0xaa, sizeof(got));
	assert_int_equal(hpke_ctx_open(rc, aad, aadlen, ct, ctlen, got), 0);
	check_eq(s->name, "opened pt", got, pt, ptlen);
	assert_true(rc->seq == (uint64_t)seq + 1);
	assert_true(sc->seq == (uint64_t)seq + 1);
}

static void
check_export(const struct setup *s, struct vec_section *x,
    const struct hpke_ctx *sc, const struct hpke_ctx *rc)
{
	uint8_t xc[FIELD_MAX], want[FIELD_MAX], got[FIELD_MAX];
	size_t xclen, L;

	xclen = vec_hex(x, "exporter_context", xc, sizeof(xc));
	L = (size_t)vec_int(x, "L");
	assert_true(L <= sizeof(want));
	vec_hex_len(x, "exported_value", want, L);
	assert_int_equal(hpke_ctx_export(sc, xc, xclen, got, L), 0);
	check_eq(s->name, "sender export", got, want, L);
	memset(got, 0, sizeof(got));
	assert_int_equal(hpke_ctx_export(rc, xc, xclen, got, L), 0);
	check_eq(s->name, "receiver export", got, want, L);
}

/*
 * One mode: its setup section, then "<mode> encryption 1", 2, ... and
 * "<mode> export 1", 2, ... for as long as they go on.  A section left
 * over after a gap is caught by vec_close(), a missing one by the tally.
 */
static void
run_mode(struct vec_file *f, int mode, struct tally *t)
{
	struct setup s;
	struct hpke_ctx sc, rc;
	struct vec_section *v;
	char name[64];
	int i;

	if ((v = vec_section(f, mode_names[mode])) == NULL)
		fail_msg("%s: no section [%s]", VECTORS, mode_names[mode]);
	load_setup(v, mode, &s);
	check_setup(&s, &sc, &rc);
	t->vectors[s.mode]++;

	for (i = 1;; i++) {
		snprintf(name, sizeof(name), "%s encryption %d", s.name, i);
		if ((v = vec_section(f, name)) == NULL)
			break;
		check_encryption(&s, v, &sc, &rc);
		t->encryptions[s.mode]++;
	}
	for (i = 1;; i++) {
		snprintf(name, sizeof(name), "%s export %d", s.name, i);
		if ((v = vec_section(f, name)) == NULL)
			break;
		check_export(&s, v, &sc, &rc);
		t->exports[s.mode]++;
	}
	hpke_ctx_free(&sc);
	hpke_ctx_free(&rc);
}

static void
test_rfc9180_vectors(void **state)
{
	struct vec_file *f;
	struct vec_section *suite;
	struct tally t;
	int k, nvec = 0, nenc = 0, nexp = 0;

	f = vec_load(VECTORS);
	if ((suite = vec_section(f, "suite")) == NULL)
		fail_msg("%s: no section [suite]", VECTORS);
	assert_int_equal(vec_int(suite, "kem_id"), HPKE_KEM_ID);
	assert_int_equal(vec_int(suite, "kdf_id"), HPKE_KDF_ID);
	assert_int_equal(vec_int(suite, "aead_id"), HPKE_AEAD_ID);

	memset(&t, 0, sizeof(t));
	for (k = 0; k < NMODES; k++)
		run_mode(f, k, &t);
	vec_close(f);

	for (k = 0; k < NMODES; k++) {
		print_message("hpke %-7s: %d vector, %d encryptions, "
		    "%d exports\n", mode_names[k], t.vectors[k],
		    t.encryptions[k], t.exports[k]);
		assert_int_equal(t.vectors[k], 1);
		assert_int_equal(t.encryptions[k], ENC_PER_MODE);
		assert_int_equal(t.exports[k], EXP_PER_MODE);
		nvec += t.vectors[k];
		nenc += t.encryptions[k];
		nexp += t.exports[k];
	}
	print_message("hpke RFC 9180 vectors: %d modes, %d encryptions, "
	    "%d exports checked\n", nvec, nenc, nexp);
	assert_int_equal(nvec, NMODES);
	assert_int_equal(nenc, NMODES * ENC_PER_MODE);
	assert_int_equal(nexp, NMODES * EXP_PER_MODE);
}

static void
test_single_shot_round_trip(void **state)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 256, 1024, 4099 };
	static const uint8_t info[] = "showroom test", aad[] = "rec-1|catalog";
	uint8_t pk[32], sk[32], enc[32];
	uint8_t pt[4099], ct[4099 + HPKE_TAGLEN], out[4099];
	size_t i;

	assert_int_equal(hpke_keypair(pk, sk), 0);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		randombytes_buf(pt, lens[i]);
		assert_int_equal(hpke_seal(pk, info, sizeof(info), aad,
		    sizeof(aad), pt, lens[i], enc, ct), 0);
		assert_int_equal(hpke_open(sk, enc, info, sizeof(info), aad,
		    sizeof(aad), ct, lens[i] + HPKE_TAGLEN, out), 0);
		assert_memory_equal(out, pt, lens[i]);
		/* Wrong info or aad: the record moved to another row. */
		assert_int_equal(hpke_open(sk, enc, info, sizeof(info) - 1,
		    aad, sizeof(aad), ct, lens[i] + HPKE_TAGLEN, out), -1);
		assert_int_equal(hpke_open(sk, enc, info, sizeof(info), aad,
		    sizeof(aad) - 1, ct, lens[i] + HPKE_TAGLEN, out), -1);
	}
	/* Each seal draws a fresh ephemeral key. */
	{
		uint8_t enc2[32], ct2[HPKE_TAGLEN];

		assert_int_equal(hpke_seal(pk, NULL, 0, NULL, 0, NULL, 0, enc,
		    ct), 0);
		assert_int_equal(hpke_seal(pk, NULL, 0, NULL, 0, NULL, 0, enc2,
		    ct2), 0);
		assert_memory_not_equal(enc, enc2, 32);
	}
	assert_int_equal(hpke_open(sk, enc, NULL, 0, NULL, 0, ct,
	    HPKE_TAGLEN - 1, out), -1);
}

static void
test_wrong_key_fails(void **state)
{
	uint8_t pk[32], sk[32], pk2[32], sk2[32], enc[32];
	uint8_t pt[64], ct[64 + HPKE_TAGLEN], out[64];

	assert_int_equal(hpke_keypair(pk, sk), 0);
	assert_int_equal(hpke_keypair(pk2, sk2), 0);
	randombytes_buf(pt, sizeof(pt));
	assert_int_equal(hpke_seal(pk, NULL, 0, NULL, 0, pt, sizeof(pt), enc,
	    ct), 0);
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(hpke_open(sk2, enc, NULL, 0, NULL, 0, ct, sizeof(ct),
	    out), -1);
	/* No partial plaintext leaks out of a failed open. */
	assert_true(sodium_is_zero(out, sizeof(out)));
	/* A different enc is a different shared secret. */
	enc[5] ^= 0x10;
	assert_int_equal(hpke_open(sk, enc, NULL, 0, NULL, 0, ct, sizeof(ct),
	    out), -1);
}

/* All four modes through the public setups, several messages each way. */
static void
test_modes_round_trip(void **state)
{
	static const uint8_t info[] = "info", psk_id[] = "hq-2025";
	uint8_t pkR[32], skR[32], pkS[32], skS[32], pkX[32], skX[32];
	uint8_t psk[32], enc[32], pt[100], ct[100 + HPKE_TAGLEN], out[100];
	uint8_t x1[42], x2[42];
	struct hpke_ctx s, r, r2;
	int mode, i;

	assert_int_equal(hpke_keypair(pkR, skR), 0);
	assert_int_equal(hpke_keypair(pkS, skS), 0);
	assert_int_equal(hpke_keypair(pkX, skX), 0);
	randombytes_buf(psk, sizeof(psk));
	for (mode = 0; mode < NMODES; mode++) {
		switch (mode) {
		case HPKE_MODE_BASE:
			assert_int_equal(hpke_setup_base_s(&s, enc, pkR, info,
			    sizeof(info)), 0);
			assert_int_equal(hpke_setup_base_r(&r, enc, skR, info,
			    sizeof(info)), 0);
			assert_int_equal(hpke_setup_base_r(&r2, enc, skX, info,
			    sizeof(info)), 0);
			break;
		case HPKE_MODE_PSK:
			assert_int_equal(hpke_setup_psk_s(&s, enc, pkR, info,
			    sizeof(info), psk, 32, psk_id, sizeof(psk_id)), 0);
			assert_int_equal(hpke_setup_psk_r(&r, enc, skR, info,
			    sizeof(info), psk, 32, psk_id, sizeof(psk_id)), 0);
			psk[0] ^= 1;
			assert_int_equal(hpke_setup_psk_r(&r2, enc, skR, info,
			    sizeof(info), psk, 32, psk_id, sizeof(psk_id)), 0);
			psk[0] ^= 1;
			break;
		case HPKE_MODE_AUTH:
			assert_int_equal(hpke_setup_auth_s(&s, enc, pkR, info,
			    sizeof(info), skS), 0);
			assert_int_equal(hpke_setup_auth_r(&r, enc, skR, info,
			    sizeof(info), pkS), 0);
			/* The wrong sender key must not authenticate. */
			assert_int_equal(hpke_setup_auth_r(&r2, enc, skR, info,
			    sizeof(info), pkX), 0);
			break;
		default:
			assert_int_equal(hpke_setup_authpsk_s(&s, enc, pkR,
			    info, sizeof(info), psk, 32, psk_id,
			    sizeof(psk_id), skS), 0);
			assert_int_equal(hpke_setup_authpsk_r(&r, enc, skR,
			    info, sizeof(info), psk, 32, psk_id,
			    sizeof(psk_id), pkS), 0);
			assert_int_equal(hpke_setup_authpsk_r(&r2, enc, skR,
			    info, sizeof(info), psk, 32, psk_id,
			    sizeof(psk_id) - 1, pkS), 0);
			break;
		}
		for (i = 0; i < 5; i++) {
			randombytes_buf(pt, sizeof(pt));
			assert_int_equal(hpke_ctx_seal(&s, NULL, 0, pt,
			    sizeof(pt), ct), 0);
			assert_int_equal(hpke_ctx_open(&r2, NULL, 0, ct,
			    sizeof(ct), out), -1);
			assert_int_equal(hpke_ctx_open(&r, NULL, 0, ct,
			    sizeof(ct), out), 0);
			assert_memory_equal(out, pt, sizeof(pt));
		}
		/* Out of order: a replay at the next seq does not open. */
		assert_int_equal(hpke_ctx_open(&r, NULL, 0, ct, sizeof(ct),
		    out), -1);
		/* Roles are one-way. */
		assert_int_equal(hpke_ctx_seal(&r, NULL, 0, pt, sizeof(pt),
		    ct), -1);
		assert_int_equal(hpke_ctx_open(&s, NULL, 0, ct, sizeof(ct),
		    out), -1);
		assert_int_equal(hpke_ctx_export(&s, info, 4, x1,
		    sizeof(x1)), 0);
		assert_int_equal(hpke_ctx_export(&r, info, 4, x2,
		    sizeof(x2)), 0);
		assert_memory_equal(x1, x2, sizeof(x1));
		hpke_ctx_free(&s);
		hpke_ctx_free(&r);
		hpke_ctx_free(&r2);
	}
}

/*
 * X25519 points of small order (and their non-canonical twins): each
 * makes the DH output all zero, which 7.1.4 requires to be rejected.
 */
static const char *small_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"0100000000000000000000000000000000000000000000000000000000000080",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};

static void
test_small_order_rejected(void **state)
{
	uint8_t bad[32], pk[32], sk[32], enc[32], ct[HPKE_TAGLEN], out[1];
	uint8_t ss[32], skE[32], pkE[32];
	struct hpke_ctx c;
	size_t i;

	assert_int_equal(hpke_keypair(pk, sk), 0);
	assert_int_equal(hpke_keypair(pkE, skE), 0);
	assert_int_equal(hpke_seal(pk, NULL, 0, NULL, 0, NULL, 0, enc, ct), 0);
	for (i = 0; i < sizeof(small_order) / sizeof(small_order[0]); i++) {
		assert_int_equal(sodium_hex2bin(bad, 32, small_order[i], 64,
		    NULL, NULL, NULL), 0);
		/* As a recipient key. */
		assert_int_equal(hpke_seal(bad, NULL, 0, NULL, 0, NULL, 0,
		    enc, ct), -1);
		assert_int_equal(hpke_setup_base_s(&c, enc, bad, NULL, 0), -1);
		assert_int_equal(c.role, 0);
		/* As enc. */
		assert_int_equal(hpke_open(sk, bad, NULL, 0, NULL, 0, ct,
		    sizeof(ct), out), -1);
		memset(ss, 0xaa, sizeof(ss));
		assert_int_equal(hpke_decap(ss, bad, sk, NULL), -1);
		assert_true(sodium_is_zero(ss, sizeof(ss)));
		/* As an authenticated sender's key. */
		assert_int_equal(hpke_setup_auth_r(&c, pkE, sk, NULL, 0, bad),
		    -1);
		assert_int_equal(c.role, 0);
		assert_int_equal(hpke_encap_derand(ss, enc, bad, sk, skE), -1);
	}
}

static void
test_psk_inputs(void **state)
{
	uint8_t pk[32], sk[32], enc[32], psk[32], id[4] = "id-1";
	struct hpke_ctx c;

	assert_int_equal(hpke_keypair(pk, sk), 0);
	randombytes_buf(psk, sizeof(psk));
	/* 5.1 VerifyPSKInputs: both or neither, and only in psk modes. */
	assert_int_equal(hpke_setup_psk_s(&c, enc, pk, NULL, 0, psk, 32,
	    NULL, 0), -1);
	assert_int_equal(hpke_setup_psk_s(&c, enc, pk, NULL, 0, NULL, 0,
	    id, 4), -1);
	assert_int_equal(hpke_setup_psk_s(&c, enc, pk, NULL, 0, NULL, 0,
	    NULL, 0), -1);
	assert_int_equal(hpke_setup_authpsk_r(&c, enc, sk, NULL, 0, NULL, 0,
	    NULL, 0, pk), -1);
	assert_int_equal(hpke_setup_s_derand(&c, HPKE_MODE_BASE, enc, pk,
	    NULL, 0, psk, 32, id, 4, NULL, sk), -1);
	/* 5.1.2: fewer than 32 bytes cannot carry 32 bytes of entropy. */
	assert_int_equal(hpke_setup_psk_s(&c, enc, pk, NULL, 0, psk, 31,
	    id, 4), -1);
	/* Auth modes need the sender key and others refuse one. */
	assert_int_equal(hpke_setup_auth_s(&c, enc, pk, NULL, 0, NULL), -1);
	assert_int_equal(hpke_setup_s_derand(&c, HPKE_MODE_BASE, enc, pk,
	    NULL, 0, NULL, 0, NULL, 0, sk, sk), -1);
	/* No mode beyond the four RFC ones. */
	assert_int_equal(hpke_setup_s_derand(&c, (enum hpke_mode)4, enc, pk,
	    NULL, 0, NULL, 0, NULL, 0, NULL, sk), -1);
	assert_int_equal(hpke_setup_psk_s(&c, enc, pk, NULL, 0, psk, 32,
	    id, 4), 0);
	hpke_ctx_free(&c);
}

static void
test_derive_keypair(void **state)
{
	uint8_t ikm[32] = { 0 }, pk[32], sk[32], pk2[32], sk2[32];

	assert_int_equal(hpke_derive_keypair(ikm, 31, pk, sk), -1);
	assert_int_equal(hpke_derive_keypair(NULL, 32, pk, sk), -1);
	assert_int_equal(hpke_derive_keypair(ikm, 32, pk, sk), 0);
	assert_int_equal(hpke_derive_keypair(ikm, 32, pk2, sk2), 0);
	assert_memory_equal(pk, pk2, 32);
	assert_memory_equal(sk, sk2, 32);
	ikm[31] = 1;
	assert_int_equal(hpke_derive_keypair(ikm, 32, pk2, sk2), 0);
	assert_memory_not_equal(sk, sk2, 32);
}

static void
test_seq_exhaustion(void **state)
{
	uint8_t pk[32], sk[32], enc[32], ct[HPKE_TAGLEN + 1], out[1];
	uint8_t pt[1] = { 'a' };
	struct hpke_ctx s, r;

	assert_int_equal(hpke_keypair(pk, sk), 0);
	assert_int_equal(hpke_setup_base_s(&s, enc, pk, NULL, 0), 0);
	assert_int_equal(hpke_setup_base_r(&r, enc, sk, NULL, 0), 0);
	s.seq = r.seq = UINT64_MAX - 1;
	assert_int_equal(hpke_ctx_seal(&s, NULL, 0, pt, 1, ct), 0);
	assert_int_equal(hpke_ctx_open(&r, NULL, 0, ct, sizeof(ct), out), 0);
	assert_int_equal(out[0], 'a');
	/* The next nonce would be the last one before wrapping: refuse. */
	assert_int_equal(hpke_ctx_seal(&s, NULL, 0, pt, 1, ct), -1);
	assert_int_equal(hpke_ctx_open(&r, NULL, 0, ct, sizeof(ct), out), -1);
	assert_true(s.seq == UINT64_MAX && r.seq == UINT64_MAX);
	/* Exports still work: they do not use a nonce. */
	assert_int_equal(hpke_ctx_export(&s, NULL, 0, out, 1), 0);
	hpke_ctx_free(&s);
	hpke_ctx_free(&r);
}

static void
test_export_limits_and_free(void **state)
{
	static uint8_t out[HPKE_EXPORT_MAX + 1];
	uint8_t pk[32], sk[32], enc[32], short_out[40];
	struct hpke_ctx c;

	assert_int_equal(hpke_keypair(pk, sk), 0);
	assert_int_equal(hpke_setup_base_s(&c, enc, pk, NULL, 0), 0);
	assert_int_equal(hpke_ctx_export(&c, NULL, 0, out, HPKE_EXPORT_MAX),
	    0);
	assert_int_equal(hpke_ctx_export(&c, NULL, 0, out,
	    HPKE_EXPORT_MAX + 1), -1);
	/* L is bound into the label: a shorter export is not a prefix. */
	assert_int_equal(hpke_ctx_export(&c, NULL, 0, short_out,
	    sizeof(short_out)), 0);
	assert_memory_not_equal(short_out, out, sizeof(short_out));
	hpke_ctx_free(&c);
	assert_true(sodium_is_zero((const unsigned char *)&c, sizeof(c)));
	/* A freed context is dead. */
	assert_int_equal(hpke_ctx_export(&c, NULL, 0, out, 32), -1);
	assert_int_equal(hpke_ctx_seal(&c, NULL, 0, NULL, 0, out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9180_vectors),
		cmocka_unit_test(test_single_shot_round_trip),
		cmocka_unit_test(test_wrong_key_fails),
		cmocka_unit_test(test_modes_round_trip),
		cmocka_unit_test(test_small_order_rejected),
		cmocka_unit_test(test_psk_inputs),
		cmocka_unit_test(test_derive_keypair),
		cmocka_unit_test(test_seq_exhaustion),
		cmocka_unit_test(test_export_limits_and_free),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
