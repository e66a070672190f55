/*
 * The secret half of the keys, for the back office only (see keys_secret.c and keys_pass.c):
 * showroomd is linked without it. Types and file formats are in common/keys.h.
 */
#ifndef SHOWROOM_KEYS_SECRET_H
#define SHOWROOM_KEYS_SECRET_H

#include <stddef.h>
#include <time.h>

#include "seal/keys.h"

/* Identities. generate makes fresh keys (dealer is NULL unless role is dealer). */
int	keys_generate(enum keys_role, const char *dealer, const char *name, time_t now,
	    struct keys_identity *, struct keys_error *);
void	keys_identity_free(struct keys_identity *);
/* Writes PREFIX.secret (0600) then PREFIX.public (0644), each by temp file and rename. Refuses
 * to replace either unless force. */
int	keys_identity_save(const char *prefix, const struct keys_identity *,
	    const char *passphrase, int force, struct keys_error *);
/* Opens PREFIX.secret with PREFIX.public. KEYS_E_PASSPHRASE: wrong passphrase or damaged
 * file; KEYS_E_MISMATCH: the two files are not one key. */
int	keys_secret_open(const char *prefix, const char *passphrase,
	    struct keys_identity *, struct keys_error *);

/*
 * The passphrase: $SHOWROOM_PASSPHRASE when set, else asked on /dev/tty with echo off (twice
 * when confirm is set, and then at least KEYS_PASS_MIN bytes). FILE names the key in the
 * prompt. *passp is sodium_malloc'd; release it with keys_passphrase_free.
 */
int	keys_passphrase(const char *file, int confirm, char **passp, struct keys_error *);
void	keys_passphrase_free(char *);

/*
 * sign makes the keyring text (JSON, with a final newline; free *outp) listing KEYS, valid
 * until the end of EXPIRES (YYYY-MM-DD, not before NOW's day) and signed by ROOT. The result
 * is checked with keys_keyring_load before it is handed out.
 */
int	keys_keyring_sign(const struct keys_identity *root, const struct keys_public *keys,
	    size_t nkeys, const char *expires, time_t now, char **outp, size_t *lenp,
	    struct keys_error *);

#endif
