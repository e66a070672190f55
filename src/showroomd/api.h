/*
 * What the signed handlers of the key holders' API share (api.c): the caller, as its
 * signature proved it, and the error reply.
 */
#ifndef SHOWROOMD_API_H
#define SHOWROOMD_API_H

#include "seal/keys.h"
#include "showroomd/app.h"
#include "showroomd/reply.h"

struct api_caller {
	char		key_id[KEYS_ID_MAX];
	enum keys_role	role;		/* from the keyring that verified the signature */
};

/* {"error": REASON}, with WWW-Authenticate on a 401. */
void	api_error(struct app_reply *, unsigned status, const char *reason);
/*
 * Checks the signature, the key and the nonce: 0 with the caller filled in, or -1 with
 * the 401 (or 503) reply made. WITH_BODY: the signature covers the body's digest.
 */
int	api_authenticate(struct app *, const struct app_request *, int with_body,
	    struct api_caller *, struct app_reply *);

#endif
