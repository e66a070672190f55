/* The receiving half of HPKE, for the back office only (see hpke_open.c). */
#ifndef SHOWROOM_HPKE_OPEN_H
#define SHOWROOM_HPKE_OPEN_H

#include "seal/hpke.h"

/* Receiver setups. */
int	hpke_setup_base_r(struct hpke_ctx *, const uint8_t enc[HPKE_ENCLEN],
	    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen);
int	hpke_setup_psk_r(struct hpke_ctx *, const uint8_t enc[HPKE_ENCLEN],
	    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen,
	    const uint8_t *psk, size_t psklen,
	    const uint8_t *psk_id, size_t psk_idlen);
int	hpke_setup_auth_r(struct hpke_ctx *, const uint8_t enc[HPKE_ENCLEN],
	    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen,
	    const uint8_t pkS[HPKE_PKLEN]);
int	hpke_setup_authpsk_r(struct hpke_ctx *, const uint8_t enc[HPKE_ENCLEN],
	    const uint8_t skR[HPKE_SKLEN], const uint8_t *info, size_t infolen,
	    const uint8_t *psk, size_t psklen,
	    const uint8_t *psk_id, size_t psk_idlen,
	    const uint8_t pkS[HPKE_PKLEN]);

/* pt must hold ctlen - HPKE_TAGLEN bytes; a failed open leaves pt zeroed or untouched. */
int	hpke_ctx_open(struct hpke_ctx *, const uint8_t *aad, size_t aadlen,
	    const uint8_t *ct, size_t ctlen, uint8_t *pt);

/* Single-shot base mode, the counterpart of hpke_seal(). */
int	hpke_open(const uint8_t skR[HPKE_SKLEN], const uint8_t enc[HPKE_ENCLEN],
	    const uint8_t *info, size_t infolen,
	    const uint8_t *aad, size_t aadlen,
	    const uint8_t *ct, size_t ctlen, uint8_t *pt);

/* For the RFC 9180 test vectors only. */
int	hpke_decap(uint8_t ss[HPKE_SECRETLEN], const uint8_t enc[HPKE_ENCLEN],
	    const uint8_t skR[HPKE_SKLEN], const uint8_t *pkS);

#endif
