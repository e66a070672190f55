/*
 * HPKE (RFC 9180) for one suite: DHKEM(X25519, HKDF-SHA256) 0x0020,
 * HKDF-SHA256 0x0001, ChaCha20Poly1305 0x0003, composed from libsodium.
 *
 * Every function returns 0 on success and -1 on failure; none aborts.
 * Keys, enc and shared secrets are 32 bytes.  A ciphertext is the
 * plaintext length plus HPKE_TAGLEN.  libsodium must be initialised
 * (sodium_init) before any call.
 */
#ifndef SHOWROOM_HPKE_H
#define SHOWROOM_HPKE_H

#include <stddef.h>
#include <stdint.h>

#define HPKE_KEM_ID		0x0020
#define HPKE_KDF_ID		0x0001
#define HPKE_AEAD_ID		0x0003

#define HPKE_PKLEN		32	/* Npk */
#define HPKE_SKLEN		32	/* Nsk */
#define HPKE_ENCLEN		32	/* Nenc */
#define HPKE_SECRETLEN		32	/* Nsecret */
#define HPKE_KEYLEN		32	/* Nk */
#define HPKE_NONCELEN		12	/* Nn */
#define HPKE_TAGLEN		16	/* Nt */
#define HPKE_EXPSECLEN		32	/* Nh */
#define HPKE_EXPORT_MAX		(255 * 32)	/* largest L for an export */
#define HPKE_PSK_MINLEN		32	/* RFC 9180 5.1.2: 32 bytes of entropy */
#define HPKE_IKM_MINLEN		32	/* RFC 9180 7.1.3: at least Nsk */

enum hpke_mode {
	HPKE_MODE_BASE = 0x00,
	HPKE_MODE_PSK = 0x01,
	HPKE_MODE_AUTH = 0x02,
	HPKE_MODE_AUTH_PSK = 0x03
};

/*
 * An encryption context, owned by the caller (the stack is fine) and
 * filled only by a setup function.  A sender context only seals, a
 * receiver context only opens; both export.  hpke_ctx_free() wipes it.
 * Opening is declared in src/showroom/hpke_open.h: the web tier cannot open.
 */
struct hpke_ctx {
	uint8_t		key[HPKE_KEYLEN];
	uint8_t		base_nonce[HPKE_NONCELEN];
	uint8_t		exporter_secret[HPKE_EXPSECLEN];
	uint64_t	seq;	/* next sequence number */
	int		role;	/* 0 until a setup succeeds */
};

/* Key pairs.  derive_keypair is DeriveKeyPair (RFC 9180 7.1.3). */
int	hpke_keypair(uint8_t pk[HPKE_PKLEN], uint8_t sk[HPKE_SKLEN]);
int	hpke_derive_keypair(const uint8_t *ikm, size_t ikmlen,
	    uint8_t pk[HPKE_PKLEN], uint8_t sk[HPKE_SKLEN]);

/* Sender setups: write enc, to be sent along with the ciphertexts. */
int	hpke_setup_base_s(struct hpke_ctx *, uint8_t enc[HPKE_ENCLEN],
	    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen);
int	hpke_setup_psk_s(struct hpke_ctx *, uint8_t enc[HPKE_ENCLEN],
	    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen,
	    const uint8_t *psk, size_t psklen,
	    const uint8_t *psk_id, size_t psk_idlen);
int	hpke_setup_auth_s(struct hpke_ctx *, uint8_t enc[HPKE_ENCLEN],
	    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen,
	    const uint8_t skS[HPKE_SKLEN]);
int	hpke_setup_authpsk_s(struct hpke_ctx *, uint8_t enc[HPKE_ENCLEN],
	    const uint8_t pkR[HPKE_PKLEN], const uint8_t *info, size_t infolen,
	    const uint8_t *psk, size_t psklen,
	    const uint8_t *psk_id, size_t psk_idlen,
	    const uint8_t skS[HPKE_SKLEN]);

/*
 * ct must hold ptlen + HPKE_TAGLEN bytes; pt must hold ctlen - HPKE_TAGLEN.
 * The sequence number advances only on success; once it would wrap, both
 * fail for good.  A failed open leaves pt zeroed or untouched.
 */
int	hpke_ctx_seal(struct hpke_ctx *, const uint8_t *aad, size_t aadlen,
	    const uint8_t *pt, size_t ptlen, uint8_t *ct);
/* L is at most HPKE_EXPORT_MAX. */
int	hpke_ctx_export(const struct hpke_ctx *, const uint8_t *exp_ctx,
	    size_t exp_ctxlen, uint8_t *out, size_t L);
void	hpke_ctx_free(struct hpke_ctx *);

/* Single-shot base mode: one message per enc. */
int	hpke_seal(const uint8_t pkR[HPKE_PKLEN],
	    const uint8_t *info, size_t infolen,
	    const uint8_t *aad, size_t aadlen,
	    const uint8_t *pt, size_t ptlen,
	    uint8_t enc[HPKE_ENCLEN], uint8_t *ct);

/*
 * Deterministic internals, exposed for the RFC 9180 test vectors only.
 * A fixed skE used twice gives away both messages: never call these
 * outside tests.  skS/pkS are NULL except in the auth modes; psk and
 * psk_id are empty except in the psk modes.
 */
int	hpke_encap_derand(uint8_t ss[HPKE_SECRETLEN], uint8_t enc[HPKE_ENCLEN],
	    const uint8_t pkR[HPKE_PKLEN], const uint8_t *skS,
	    const uint8_t skE[HPKE_SKLEN]);
int	hpke_setup_s_derand(struct hpke_ctx *, enum hpke_mode,
	    uint8_t enc[HPKE_ENCLEN], const uint8_t pkR[HPKE_PKLEN],
	    const uint8_t *info, size_t infolen,
	    const uint8_t *psk, size_t psklen,
	    const uint8_t *psk_id, size_t psk_idlen,
	    const uint8_t *skS, const uint8_t skE[HPKE_SKLEN]);

#endif
