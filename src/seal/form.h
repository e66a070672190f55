/*
 * Decoder for application/x-www-form-urlencoded bodies (and query strings).
 *
 * A pure function over a buffer, strict where browsers are predictable:
 *   - pairs are separated by '&'; empty segments ("a=1&&b=2") are skipped; a segment
 *     without '=' is a name with an empty value;
 *   - '+' decodes to a space; '%' must be followed by two hex digits, anything else
 *     is rejected rather than passed through;
 *   - names, once decoded, are 1..FORM_MAX_NAME bytes of [a-z0-9_];
 *   - values, once decoded, are at most FORM_MAX_VALUE bytes of valid UTF-8 (no
 *     overlong forms, surrogates or code points above U+10FFFF) without NUL or any
 *     other control character (C0, DEL, C1) except TAB, LF and CR. CR LF and a lone
 *     CR become LF;
 *   - at most FORM_MAX_PAIRS pairs and FORM_MAX_BODY bytes.
 * Repeated names are kept, in order; whether a repeat is allowed is for the caller
 * (inventory_validate) to say.
 *
 * Decoded values are personal data: form_free() wipes them with sodium_memzero.
 */
#ifndef SHOWROOM_FORM_H
#define SHOWROOM_FORM_H

#include <stddef.h>

#include "lib/i18n.h"

#define FORM_MAX_BODY	(16 * 1024)
#define FORM_MAX_PAIRS	32
#define FORM_MAX_NAME	32
#define FORM_MAX_VALUE	4096

struct form_pair {
	const char	*name;	/* NUL-terminated, [a-z0-9_]{1,32} */
	const char	*value;	/* NUL-terminated, no NUL inside */
	size_t		 len;	/* value length in bytes */
};

struct form {
	struct form_pair	 v[FORM_MAX_PAIRS];
	size_t			 n;
	char			*arena;	/* every name and value lives here */
	size_t			 arenasz;
};

#define FORM_INIT	{ .n = 0 }

enum form_errcode {
	FORM_OK = 0,
	FORM_ERR_TOO_LARGE,	/* body over FORM_MAX_BODY */
	FORM_ERR_TOO_MANY,	/* more than FORM_MAX_PAIRS pairs */
	FORM_ERR_NAME,		/* empty, too long, or outside [a-z0-9_] */
	FORM_ERR_ESCAPE,	/* '%' not followed by two hex digits */
	FORM_ERR_VALUE_TOO_LONG,	/* decoded value over FORM_MAX_VALUE */
	FORM_ERR_CONTROL,	/* NUL or another control character in a value */
	FORM_ERR_UTF8,		/* value is not valid UTF-8 */
	FORM_ERR_NOMEM
};

struct form_error {
	enum form_errcode	 code;
	size_t			 pair;	/* 0-based index of the offending pair */
	size_t			 offset;	/* byte offset in the body where it starts */
	/* The offending pair's name when it was valid (safe to show), else "". */
	char			 name[FORM_MAX_NAME + 1];
	/* A sentence for the visitor in each language; never contains a value. */
	char			 msg[LANG_COUNT][192];
};

/*
 * Decodes body into out. Returns 0, or -1 with err filled and out left empty (still
 * safe to pass to form_free). out needs no initialisation. err may be NULL.
 */
int		 form_decode(const char *body, size_t len, struct form *out,
		    struct form_error *err);
/* Wipes and frees the decoded names and values; out may be reused afterwards. */
void		 form_free(struct form *);
/* The first value of NAME, or NULL. */
const char	*form_get(const struct form *, const char *name);
/* How many pairs are called NAME. */
size_t		 form_count(const struct form *, const char *name);
/* The visitor-facing sentence for a code, without the field name. */
const char	*form_strerror(enum form_errcode, enum lang);

#endif
