/* Pieces of keys shared by the public half (src/common/keys.c, which showroomd links) and the
 * secret half (src/showroom/keys_secret.c, back office only). Not for other modules. */
#ifndef SHOWROOM_KEYS_INTERNAL_H
#define SHOWROOM_KEYS_INTERNAL_H

#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <time.h>

#include "seal/keys.h"

#define KEYS_I_FORMAT_VERSION	1	/* of every key file and of the keyring */
#define KEYS_I_SIG_BYTES	crypto_sign_BYTES

/* A public key file is a few hundred bytes, a secret one not much more; anything much bigger
 * is not one. */
#define KEYS_I_FILE_MAX_BYTES	(64u * 1024)

/* Errors: sets ERR (when not NULL) and returns CODE. err_file puts "FILE: " in front of the
 * message. safe makes untrusted text fit for a message (at most 40 bytes, printable ASCII). */
int		 keys_i_err(struct keys_error *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* keys_i_err that evaluates to CODE where the analyzer sees it (it does not follow
 * variadic calls): "return KEYS_FAIL(err, KEYS_E_..., fmt, ...)". */
#define KEYS_FAIL(err, code, ...)	(keys_i_err((err), (code), __VA_ARGS__), (code))
void		 keys_i_err_file(struct keys_error *, const char *file);
int		 keys_i_sodium(struct keys_error *);
const char	*keys_i_safe(const char *, char out[48]);

/* role, dealer and name of a key holder, by the rules for files; CTX starts messages. */
int	keys_i_check_holder(enum keys_role, const char *dealer, const char *name,
	    const char *ctx, struct keys_error *);
int	keys_i_id_chars_valid(const char *);
/* "YYYY-MM-DDTHH:MM:SSZ" of T; -1 when out of range. */
int	keys_i_format_time(time_t, char out[KEYS_TIME_MAX]);
/* The key id of PUB, derived from its role, dealer code and keys. */
void	keys_i_make_id(const struct keys_public *, char out[KEYS_ID_MAX]);

/* JSON and base64. */
json_t	*keys_i_b64_json(const unsigned char *, size_t);
int	 keys_i_b64_exact(const char *, unsigned char *out, size_t want);
int	 keys_i_json_set(json_t *, const char *key, json_t *v);
int	 keys_i_json_text(const json_t *, size_t flags, int newline, char **outp,
	    size_t *lenp, struct keys_error *);
int	 keys_i_json_parse(const char *buf, size_t len, json_t **op, struct keys_error *);
int	 keys_i_json_format(const json_t *, const char *format, const char *what,
	    struct keys_error *);
int	 keys_i_json_only(json_t *, const char *const *allowed, const char *ctx,
	    struct keys_error *);
int	 keys_i_json_str(const json_t *, const char *key, int required, const char **sp,
	    const char *ctx, struct keys_error *);

/* Keyrings: the checks on the listed keys, the object that gets signed (without
 * "signature"), and its canonical serialization (see keys.h). */
int	 keys_i_keyring_dups(const struct keys_public *, size_t n, const char *ctx,
	    struct keys_error *);
int	 keys_i_keyring_role(const struct keys_public *, const char *ctx,
	    struct keys_error *);
json_t	*keys_i_keyring_body(const struct keys_public *root, const struct keys_public *keys,
	    size_t nkeys, const char *expires, const char *issued);
int	 keys_i_keyring_canon(const json_t *body, char **outp, size_t *lenp,
	    struct keys_error *);

#endif
