/*
 * The keyring that showroomd seals to. The root public key is read once, at start, and pinned;
 * the keyring is verified against it at start and again on every SIGHUP. A keyring that fails
 * to reload leaves the previous one in place. Requests hold a reference to the keyring they
 * started with, so a reload never frees it from under them.
 */
#ifndef SHOWROOMD_TRUST_H
#define SHOWROOMD_TRUST_H

#include <stddef.h>
#include <time.h>

#include "seal/keys.h"

struct trust {
	_Atomic int		refs;
	struct keys_keyring	kr;
};

/* Reads the root public key to pin; it must be a root key. */
int		 trust_pin(const char *root_pub, struct keys_public *, char *err, size_t errlen);
/* Reads and verifies the keyring at time now; NULL with the reason in err. */
struct trust	*trust_load(const char *keyring, const struct keys_public *root, time_t now,
		    char *err, size_t errlen);

/* The keyring in use. acquire returns NULL when there is none or it has expired since it was
 * loaded: then nothing may be sealed. */
void		 trust_install(struct trust *);
struct trust	*trust_acquire(time_t now);
void		 trust_release(struct trust *);

#endif
