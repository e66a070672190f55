/*
 * What the signed key-holder API handlers share (api.c, api_calendar.c, api_bookings.c,
 * api_counts.c): who signed the request, as its signature proved it, and the error reply.
 */
#ifndef SHOWROOMD_API_H
#define SHOWROOMD_API_H

#include "seal/keys.h"
#include "showroomd/handlers.h"

struct api_caller {
	char		key_id[KEYS_ID_MAX];
	enum keys_role	role;		/* from the keyring that verified the signature */
	char		dealer[KEYS_DEALER_MAX + 1];	/* "" unless a dealer key */
};

/* {"error": REASON} with STATUS (and WWW-Authenticate for a 401). */
void	api_error(struct app_reply *, unsigned status, const char *reason);
/* Checks the signature (with the body when WITH_BODY), the key and the nonce: 0 with the
 * caller in WHO, or -1 with the refusal (401, or 503) already in RP. */
int	api_authenticate(struct app *, const struct app_request *, int with_body,
	    struct api_caller *who, struct app_reply *rp);

#endif
