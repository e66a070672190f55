/* Pieces of HPKE shared by the sealing side (src/common/hpke.c) and the opening side
 * (src/showroom/hpke_open.c). Not for other modules. */
#ifndef SHOWROOM_HPKE_INTERNAL_H
#define SHOWROOM_HPKE_INTERNAL_H

#include "seal/hpke.h"

enum {
	HPKE_ROLE_NONE = 0,
	HPKE_ROLE_SENDER,
	HPKE_ROLE_RECEIVER
};

int	hpke_i_dh(uint8_t out[32], const uint8_t sk[32], const uint8_t pk[32]);
int	hpke_i_public_key(uint8_t pk[32], const uint8_t sk[32]);
void	hpke_i_extract_and_expand(uint8_t ss[HPKE_SECRETLEN], const uint8_t *dhv,
	    size_t dhlen, const uint8_t *kem_ctx, size_t kem_ctxlen);
int	hpke_i_mode_is_auth(enum hpke_mode);
int	hpke_i_verify_psk_inputs(enum hpke_mode, const uint8_t *psk, size_t psklen,
	    const uint8_t *psk_id, size_t psk_idlen);
void	hpke_i_key_schedule(struct hpke_ctx *, int role, enum hpke_mode,
	    const uint8_t ss[HPKE_SECRETLEN], const uint8_t *info, size_t infolen,
	    const uint8_t *psk, size_t psklen, const uint8_t *psk_id, size_t psk_idlen);
void	hpke_i_compute_nonce(uint8_t nonce[HPKE_NONCELEN], const struct hpke_ctx *);
int	hpke_i_seq_usable(const struct hpke_ctx *, int role);

#endif
