/*
 * The receiving half of HPKE (RFC 9180): decapsulation and opening. It lives in the back
 * office tree on purpose: showroomd is linked without this file, so the web tier holds no
 * code path that opens a record. The shared key schedule is in src/common/hpke.c.
 */
#include "seal/hpke.h"
#include "seal/hpke_int.h"
#include "showroom/office/hpke_open.h"

#include <sodium.h>
#include <string.h>

/*
 * pkR = pk(skR), derived once per recipient key: the back office opens thousands of records
 * with one key, and this fixed-base multiplication was a third of each open. The cache holds
 * the public key and a hash of the secret key that names it, never the secret itself.
 */
static _Thread_local unsigned char pk_cache_id[32];
static _Thread_local uint8_t pk_cache_pk[32];
static _Thread_local int pk_cache_ok;

static int
recipient_public_key(uint8_t pk[32], const uint8_t skR[32])
{
	static const unsigned char label[] = "showroom hpke pkR cache";
	unsigned char id[32];

	crypto_generichash(id, sizeof(id), skR, 32, label, sizeof(label) - 1);
	if (pk_cache_ok && sodium_memcmp(id, pk_cache_id, sizeof(id)) == 0) {
		memcpy(pk, pk_cache_pk, 32);
		return 0;
	}
	if (hpke_i_public_key(pk, skR) == -1)
		return -1;
	memcpy(pk_cache_id, id, sizeof(id));
	memcpy(pk_cache_pk, pk, 32);
	pk_cache_ok = 1;
	return 0;
}

/* 4.1 Decap and AuthDecap: pkS == NULL selects the former. */
int
hpke_decap(uint8_t ss[HPKE_SECRETLEN], const uint8_t enc[HPKE_ENCLEN],
    const uint8_t skR[HPKE_SKLEN], const uint8_t *pkS)
{
	uint8_t dhv[2 * 32], kem_ctx[3 * 32];
	size_t dhlen = 32, ctxlen = 2 * 32;
	int rc = -1;

	if (hpke_i_dh(dhv, skR, enc) == -1 || recipient_public_key(kem_ctx + 32, skR) == -1)
		goto out;
	memcpy(kem_ctx, enc, HPKE_ENCLEN);
	if (pkS != NULL) {
		if (hpke_i_dh(dhv + 32, skR, pkS) == -1)
			goto out;
		memcpy(kem_ctx + 64, pkS, 32);
		dhlen += 32;
		ctxlen += 32;
	}
	hpke_i_extract_and_expand(ss, dhv, dhlen, kem_ctx, ctxlen);
	rc = 0;
out:
	sodium_memzero(dhv, sizeof(dhv));
	sodium_memzero(kem_ctx, sizeof(kem_ctx));
	if (rc == -1)
		sodium_memzero(ss, HPKE_SECRETLEN);
	return rc;
}

static int
setup_r(struct hpke_ctx *ctx, enum hpke_mode mode,
    const uint8_t enc[HPKE_ENCLEN], const uint8_t skR[HPKE_SKLEN],
    const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen, const uint8_t *psk_id,
    size_t psk_idlen, const uint8_t *pkS)
{
	uint8_t ss[HPKE_SECRETLEN];
	int rc = -1;

	sodium_memzero(ctx, sizeof(*ctx));
	if ((infolen > 0 && info == NULL) ||
	    (pkS != NULL) != hpke_i_mode_is_auth(mode) ||
	    hpke_i_verify_psk_inputs(mode, psk, psklen, psk_id, psk_idlen) == -1)
		return -1;
	if (hpke_decap(ss, enc, skR, pkS) == 0) {
		hpke_i_key_schedule(ctx, HPKE_ROLE_RECEIVER, mode, ss, info, infolen,
		    psk, psklen, psk_id, psk_idlen);
		rc = 0;
	}
	sodium_memzero(ss, sizeof(ss));
	return rc;
}

int
hpke_setup_base_r(struct hpke_ctx *ctx, const uint8_t enc[HPKE_ENCLEN],
    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen)
{
	return setup_r(ctx, HPKE_MODE_BASE, enc, skR, info, infolen,
	    NULL, 0, NULL, 0, NULL);
}

int
hpke_setup_psk_r(struct hpke_ctx *ctx, const uint8_t enc[HPKE_ENCLEN],
    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen,
    const uint8_t *psk_id, size_t psk_idlen)
{
	return setup_r(ctx, HPKE_MODE_PSK, enc, skR, info, infolen,
	    psk, psklen, psk_id, psk_idlen, NULL);
}

int
hpke_setup_auth_r(struct hpke_ctx *ctx, const uint8_t enc[HPKE_ENCLEN],
    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen,
    const uint8_t pkS[HPKE_PKLEN])
{
	if (pkS == NULL)
		return -1;
	return setup_r(ctx, HPKE_MODE_AUTH, enc, skR, info, infolen,
	    NULL, 0, NULL, 0, pkS);
}

int
hpke_setup_authpsk_r(struct hpke_ctx *ctx, const uint8_t enc[HPKE_ENCLEN],
    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen,
    const uint8_t *psk, size_t psklen,
    const uint8_t *psk_id, size_t psk_idlen,
    const uint8_t pkS[HPKE_PKLEN])
{
	if (pkS == NULL)
		return -1;
	return setup_r(ctx, HPKE_MODE_AUTH_PSK, enc, skR, info, infolen,
	    psk, psklen, psk_id, psk_idlen, pkS);
}

int
hpke_ctx_open(struct hpke_ctx *ctx, const uint8_t *aad, size_t aadlen,
    const uint8_t *ct, size_t ctlen, uint8_t *pt)
{
	uint8_t nonce[HPKE_NONCELEN];
	int rc;

	if (!hpke_i_seq_usable(ctx, HPKE_ROLE_RECEIVER) || ctlen < HPKE_TAGLEN ||
	    ct == NULL || (aadlen > 0 && aad == NULL) ||
	    (ctlen > HPKE_TAGLEN && pt == NULL))
		return -1;
	hpke_i_compute_nonce(nonce, ctx);
	rc = crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL,
	    ct, ctlen, aad, aadlen, nonce, ctx->key);
	sodium_memzero(nonce, sizeof(nonce));
	/* 5.2: a failed open must not consume a sequence number. */
	if (rc != 0)
		return -1;
	ctx->seq++;
	return 0;
}

/* 6.1 OpenBase */
int
hpke_open(const uint8_t skR[HPKE_SKLEN], const uint8_t enc[HPKE_ENCLEN],
    const uint8_t *info, size_t infolen,
    const uint8_t *aad, size_t aadlen,
    const uint8_t *ct, size_t ctlen, uint8_t *pt)
{
	struct hpke_ctx ctx;
	int rc = -1;

	if (hpke_setup_base_r(&ctx, enc, skR, info, infolen) == 0)
		rc = hpke_ctx_open(&ctx, aad, aadlen, ct, ctlen, pt);
	hpke_ctx_free(&ctx);
	return rc;
}
