/*
 * HPKE (RFC 9180) written from the RFC's pseudo-code, one suite only:
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305.  Section
 * numbers in comments refer to RFC 9180.
 *
 * Every secret that passes through here (DH outputs, eae_prk, shared
 * secrets, the key schedule's secret, HMAC states, ephemeral keys) is
 * wiped before return, on success and on failure alike.
 */
#include "seal/hpke.h"
#include "seal/hpke_int.h"

#include <sodium.h>
#include <string.h>

#define NH	32	/* Nh: SHA-256 output length */

/* A piece of an HMAC input; labeled inputs are fed piecewise, not joined. */
struct part {
	const void	*p;
	size_t		 n;
};

struct suite {
	const uint8_t	*id;
	size_t		 len;
};

/* 4.1: suite_id = "KEM" || I2OSP(kem_id, 2) inside the KEM. */
static const uint8_t kem_suite_id[] = { 'K', 'E', 'M', 0x00, 0x20 };
/* 5.1: "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2). */
static const uint8_t hpke_suite_id[] = {
	'H', 'P', 'K', 'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x03
};
static const struct suite kem_suite = { kem_suite_id, sizeof(kem_suite_id) };
static const struct suite hpke_suite = { hpke_suite_id, sizeof(hpke_suite_id) };

static const char version_label[] = "HPKE-v1";

/* RFC 5869: an absent salt is HashLen zero bytes. */
static const uint8_t zero_salt[NH];

static void
hmac_parts(uint8_t out[NH], const uint8_t *key, size_t keylen,
    const struct part *v, size_t nv)
{
	crypto_auth_hmacsha256_state st;
	size_t i;

	crypto_auth_hmacsha256_init(&st, key, keylen);
	for (i = 0; i < nv; i++)
		if (v[i].n > 0)
			crypto_auth_hmacsha256_update(&st, v[i].p, v[i].n);
	crypto_auth_hmacsha256_final(&st, out);
	/* The state holds the keyed pads, i.e. the key in all but name. */
	sodium_memzero(&st, sizeof(st));
}

/* 4: LabeledExtract(salt, label, ikm); a NULL salt means the empty one. */
static void
labeled_extract(uint8_t prk[NH], const struct suite *s,
    const uint8_t *salt, size_t saltlen, const char *label,
    const uint8_t *ikm, size_t ikmlen)
{
	struct part v[4];

	if (salt == NULL) {
		salt = zero_salt;
		saltlen = sizeof(zero_salt);
	}
	v[0] = (struct part){ version_label, sizeof(version_label) - 1 };
	v[1] = (struct part){ s->id, s->len };
	v[2] = (struct part){ label, strlen(label) };
	v[3] = (struct part){ ikm, ikmlen };
	hmac_parts(prk, salt, saltlen, v, 4);
}

/*
 * 4: LabeledExpand(prk, label, info, L), with HKDF-Expand inlined so that
 * labeled_info = I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info
 * never needs to be assembled in memory.
 */
static int
labeled_expand(uint8_t *out, size_t L, const struct suite *s,
    const uint8_t prk[NH], const char *label,
    const uint8_t *info, size_t infolen)
{
	struct part v[7];
	uint8_t t[NH], len2[2], ctr;
	size_t done, n;

	if (L > 255 * NH)
		return -1;
	len2[0] = (uint8_t)(L >> 8);
	len2[1] = (uint8_t)L;
	v[0] = (struct part){ t, 0 };	/* T(0) is empty */
	v[1] = (struct part){ len2, sizeof(len2) };
	v[2] = (struct part){ version_label, sizeof(version_label) - 1 };
	v[3] = (struct part){ s->id, s->len };
	v[4] = (struct part){ label, strlen(label) };
	v[5] = (struct part){ info, infolen };
	v[6] = (struct part){ &ctr, 1 };
	for (done = 0, ctr = 1; done < L; done += n, ctr++) {
		hmac_parts(t, prk, NH, v, 7);
		n = L - done < NH ? L - done : NH;
		memcpy(out + done, t, n);
		v[0].n = NH;
	}
	sodium_memzero(t, sizeof(t));
	return 0;
}

/*
 * 7.1.4: the DH output of a small-order peer key is all zero and MUST be
 * rejected.  libsodium refuses it as well; the explicit check keeps the
 * RFC's rule visible here rather than implied by a library version.
 */
int
hpke_i_dh(uint8_t out[32], const uint8_t sk[32], const uint8_t pk[32])
{
	if (crypto_scalarmult(out, sk, pk) != 0 || sodium_is_zero(out, 32)) {
		sodium_memzero(out, 32);
		return -1;
	}
	return 0;
}

int
hpke_i_public_key(uint8_t pk[32], const uint8_t sk[32])
{
	return crypto_scalarmult_base(pk, sk) == 0 ? 0 : -1;
}

/* 4.1: ExtractAndExpand(dh, kem_context). */
void
hpke_i_extract_and_expand(uint8_t ss[HPKE_SECRETLEN], const uint8_t *dhv,
    size_t dhlen, const uint8_t *kem_ctx, size_t kem_ctxlen)
{
	uint8_t eae_prk[NH];

	labeled_extract(eae_prk, &kem_suite, NULL, 0, "eae_prk", dhv, dhlen);
	labeled_expand(ss, HPKE_SECRETLEN, &kem_suite, eae_prk,
	    "shared_secret", kem_ctx, kem_ctxlen);
	sodium_memzero(eae_prk, sizeof(eae_prk));
}

int
hpke_keypair(uint8_t pk[HPKE_PKLEN], uint8_t sk[HPKE_SKLEN])
{
	randombytes_buf(sk, HPKE_SKLEN);
	if (hpke_i_public_key(pk, sk) == -1) {
		sodium_memzero(sk, HPKE_SKLEN);
		return -1;
	}
	return 0;
}

/* 7.1.3: for X25519 the expanded bytes are the key as is, no retry loop. */
int
hpke_derive_keypair(const uint8_t *ikm, size_t ikmlen,
    uint8_t pk[HPKE_PKLEN], uint8_t sk[HPKE_SKLEN])
{
	uint8_t dkp_prk[NH];
	int rc = -1;

	if (ikm == NULL || ikmlen < HPKE_IKM_MINLEN)
		return -1;
	labeled_extract(dkp_prk, &kem_suite, NULL, 0, "dkp_prk", ikm, ikmlen);
	if (labeled_expand(sk, HPKE_SKLEN, &kem_suite, dkp_prk, "sk",
	    NULL, 0) == 0 && hpke_i_public_key(pk, sk) == 0)
		rc = 0;
	else
		sodium_memzero(sk, HPKE_SKLEN);
	sodium_memzero(dkp_prk, sizeof(dkp_prk));
	return rc;
}

/*
 * 4.1 Encap and 4.1 AuthEncap: skS == NULL selects the former.
 * kem_context = enc || pkRm (|| pkSm).
 */
int
hpke_encap_derand(uint8_t ss[HPKE_SECRETLEN], uint8_t enc[HPKE_ENCLEN],
    const uint8_t pkR[HPKE_PKLEN], const uint8_t *skS,
    const uint8_t skE[HPKE_SKLEN])
{
	uint8_t dhv[2 * 32], kem_ctx[3 * 32];
	size_t dhlen = 32, ctxlen = 2 * 32;
	int rc = -1;

	if (hpke_i_public_key(kem_ctx, skE) == -1 || hpke_i_dh(dhv, skE, pkR) == -1)
		goto out;
	memcpy(kem_ctx + 32, pkR, 32);
	if (skS != NULL) {
		if (hpke_i_dh(dhv + 32, skS, pkR) == -1 ||
		    hpke_i_public_key(kem_ctx + 64, skS) == -1)
			goto out;
		dhlen += 32;
		ctxlen += 32;
	}
	hpke_i_extract_and_expand(ss, dhv, dhlen, kem_ctx, ctxlen);
	memcpy(enc, kem_ctx, HPKE_ENCLEN);
	rc = 0;
out:
	sodium_memzero(dhv, sizeof(dhv));
	sodium_memzero(kem_ctx, sizeof(kem_ctx));
	if (rc == -1)
		sodium_memzero(ss, HPKE_SECRETLEN);
	return rc;
}

int
hpke_i_mode_is_auth(enum hpke_mode mode)
{
	return mode == HPKE_MODE_AUTH || mode == HPKE_MODE_AUTH_PSK;
}

static int
mode_is_psk(enum hpke_mode mode)
{
	return mode == HPKE_MODE_PSK || mode == HPKE_MODE_AUTH_PSK;
}

/*
 * 5.1 VerifyPSKInputs, plus 5.1.2's minimum PSK size: a short PSK is the
 * one property of its entropy that can be checked here.
 */
int
hpke_i_verify_psk_inputs(enum hpke_mode mode, const uint8_t *psk, size_t psklen,
    const uint8_t *psk_id, size_t psk_idlen)
{
	int got_psk = psklen > 0, got_id = psk_idlen > 0;

	if ((got_psk && psk == NULL) || (got_id && psk_id == NULL))
		return -1;
	if (got_psk != got_id || got_psk != mode_is_psk(mode))
		return -1;
	if (got_psk && psklen < HPKE_PSK_MINLEN)
		return -1;
	return 0;
}

/* 5.1 KeySchedule<ROLE>(), minus VerifyPSKInputs which callers ran. */
void
hpke_i_key_schedule(struct hpke_ctx *ctx, int role, enum hpke_mode mode,
    const uint8_t ss[HPKE_SECRETLEN], const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen, const uint8_t *psk_id,
    size_t psk_idlen)
{
	/* mode || psk_id_hash || info_hash */
	uint8_t ksc[1 + 2 * NH], secret[NH];

	ksc[0] = (uint8_t)mode;
	labeled_extract(ksc + 1, &hpke_suite, NULL, 0, "psk_id_hash",
	    psk_id, psk_idlen);
	labeled_extract(ksc + 1 + NH, &hpke_suite, NULL, 0, "info_hash",
	    info, infolen);
	labeled_extract(secret, &hpke_suite, ss, HPKE_SECRETLEN, "secret",
	    psk, psklen);
	labeled_expand(ctx->key, HPKE_KEYLEN, &hpke_suite, secret, "key",
	    ksc, sizeof(ksc));
	labeled_expand(ctx->base_nonce, HPKE_NONCELEN, &hpke_suite, secret,
	    "base_nonce", ksc, sizeof(ksc));
	labeled_expand(ctx->exporter_secret, HPKE_EXPSECLEN, &hpke_suite,
	    secret, "exp", ksc, sizeof(ksc));
	ctx->seq = 0;
	ctx->role = role;
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(ksc, sizeof(ksc));
}

/* 5.1.1-5.1.4 SetupXS with a caller's ephemeral key. */
int
hpke_setup_s_derand(struct hpke_ctx *ctx, enum hpke_mode mode,
    uint8_t enc[HPKE_ENCLEN], const uint8_t pkR[HPKE_PKLEN],
    const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen,
    const uint8_t *psk_id, size_t psk_idlen,
    const uint8_t *skS, const uint8_t skE[HPKE_SKLEN])
{
	uint8_t ss[HPKE_SECRETLEN];
	int rc = -1;

	sodium_memzero(ctx, sizeof(*ctx));
	if ((unsigned int)mode > HPKE_MODE_AUTH_PSK ||
	    (infolen > 0 && info == NULL) ||
	    (skS != NULL) != hpke_i_mode_is_auth(mode) ||
	    hpke_i_verify_psk_inputs(mode, psk, psklen, psk_id, psk_idlen) == -1)
		return -1;
	if (hpke_encap_derand(ss, enc, pkR, skS, skE) == 0) {
		hpke_i_key_schedule(ctx, HPKE_ROLE_SENDER, mode, ss, info, infolen,
		    psk, psklen, psk_id, psk_idlen);
		rc = 0;
	}
	sodium_memzero(ss, sizeof(ss));
	return rc;
}

/* 4.1 GenerateKeyPair: any 32 random bytes are an X25519 secret key. */
static int
setup_s(struct hpke_ctx *ctx, enum hpke_mode mode, uint8_t enc[HPKE_ENCLEN],
    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen, const uint8_t *psk_id,
    size_t psk_idlen, const uint8_t *skS)
{
	uint8_t skE[HPKE_SKLEN];
	int rc;

	randombytes_buf(skE, sizeof(skE));
	rc = hpke_setup_s_derand(ctx, mode, enc, pkR, info, infolen,
	    psk, psklen, psk_id, psk_idlen, skS, skE);
	sodium_memzero(skE, sizeof(skE));
	return rc;
}

int
hpke_setup_base_s(struct hpke_ctx *ctx, uint8_t enc[HPKE_ENCLEN],
    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen)
{
	return setup_s(ctx, HPKE_MODE_BASE, enc, pkR, info, infolen,
	    NULL, 0, NULL, 0, NULL);
}

int
hpke_setup_psk_s(struct hpke_ctx *ctx, uint8_t enc[HPKE_ENCLEN],
    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen,
    const uint8_t *psk_id, size_t psk_idlen)
{
	return setup_s(ctx, HPKE_MODE_PSK, enc, pkR, info, infolen,
	    psk, psklen, psk_id, psk_idlen, NULL);
}

int
hpke_setup_auth_s(struct hpke_ctx *ctx, uint8_t enc[HPKE_ENCLEN],
    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen,
    const uint8_t skS[HPKE_SKLEN])
{
	if (skS == NULL)
		return -1;
	return setup_s(ctx, HPKE_MODE_AUTH, enc, pkR, info, infolen,
	    NULL, 0, NULL, 0, skS);
}

int
hpke_setup_authpsk_s(struct hpke_ctx *ctx, uint8_t enc[HPKE_ENCLEN],
    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen,
    const uint8_t *psk_id, size_t psk_idlen,
    const uint8_t skS[HPKE_SKLEN])
{
	if (skS == NULL)
		return -1;
	return setup_s(ctx, HPKE_MODE_AUTH_PSK, enc, pkR, info, infolen,
	    psk, psklen, psk_id, psk_idlen, skS);
}

/* 5.2 ComputeNonce: base_nonce XOR I2OSP(seq, Nn). */
void
hpke_i_compute_nonce(uint8_t nonce[HPKE_NONCELEN], const struct hpke_ctx *ctx)
{
	size_t i;

	memcpy(nonce, ctx->base_nonce, HPKE_NONCELEN);
	for (i = 0; i < sizeof(ctx->seq); i++)
		nonce[HPKE_NONCELEN - 1 - i] ^= (uint8_t)(ctx->seq >> (8 * i));
}

/*
 * 5.2 IncrementSeq allows 2^96 - 1 messages; a 64-bit counter stops at
 * UINT64_MAX instead, since wrapping to 0 would reuse a nonce.
 */
int
hpke_i_seq_usable(const struct hpke_ctx *ctx, int role)
{
	return ctx->role == role && ctx->seq != UINT64_MAX;
}

int
hpke_ctx_seal(struct hpke_ctx *ctx, const uint8_t *aad, size_t aadlen,
    const uint8_t *pt, size_t ptlen, uint8_t *ct)
{
	uint8_t nonce[HPKE_NONCELEN];

	if (!hpke_i_seq_usable(ctx, HPKE_ROLE_SENDER) ||
	    ptlen > crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    (ptlen > 0 && pt == NULL) || (aadlen > 0 && aad == NULL) ||
	    ct == NULL)
		return -1;
	hpke_i_compute_nonce(nonce, ctx);
	crypto_aead_chacha20poly1305_ietf_encrypt(ct, NULL, pt, ptlen,
	    aad, aadlen, NULL, nonce, ctx->key);
	sodium_memzero(nonce, sizeof(nonce));
	ctx->seq++;
	return 0;
}

/* 5.3: Context.Export(exporter_context, L). */
int
hpke_ctx_export(const struct hpke_ctx *ctx, const uint8_t *exp_ctx,
    size_t exp_ctxlen, uint8_t *out, size_t L)
{
	if (ctx->role == HPKE_ROLE_NONE || L > HPKE_EXPORT_MAX ||
	    (exp_ctxlen > 0 && exp_ctx == NULL) || (L > 0 && out == NULL))
		return -1;
	return labeled_expand(out, L, &hpke_suite, ctx->exporter_secret,
	    "sec", exp_ctx, exp_ctxlen);
}

void
hpke_ctx_free(struct hpke_ctx *ctx)
{
	if (ctx != NULL)
		sodium_memzero(ctx, sizeof(*ctx));
}

/* 6.1 SealBase */
int
hpke_seal(const uint8_t pkR[HPKE_PKLEN],
    const uint8_t *info, size_t infolen,
    const uint8_t *aad, size_t aadlen,
    const uint8_t *pt, size_t ptlen,
    uint8_t enc[HPKE_ENCLEN], uint8_t *ct)
{
	struct hpke_ctx ctx;
	int rc = -1;

	if (hpke_setup_base_s(&ctx, enc, pkR, info, infolen) == 0)
		rc = hpke_ctx_seal(&ctx, aad, aadlen, pt, ptlen, ct);
	hpke_ctx_free(&ctx);
	return rc;
}

