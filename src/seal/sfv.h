/*
 * Structured Field Values (RFC 8941), the subset that HTTP Message Signatures (RFC 9421) and
 * Content-Digest (RFC 9530) need: a Dictionary whose members are Items or Inner Lists, with
 * Parameters; bare Items of type Integer, Decimal, String, Token, Byte Sequence and Boolean.
 * The RFC 9651 additions (Date, Display String) are refused, as are Lists at the top level.
 *
 * Parsing is a pure function over a buffer that allocates nothing: the result is a set of
 * fixed arrays whose strings point into the parsed buffer, so the buffer must outlive it.
 *
 * Stricter than RFC 8941 on purpose: a repeated dictionary key or parameter key is an error
 * (the RFC lets the last one win), so that a signer and a verifier can never disagree on
 * which of two values counts.
 */
#ifndef SHOWROOM_SFV_H
#define SHOWROOM_SFV_H

#include <stddef.h>
#include <stdint.h>

/* Small enough for the stack (about 9 KiB), large enough for several signatures. */
#define SFV_MAX_MEMBERS	16	/* dictionary members */
#define SFV_MAX_ITEMS	64	/* items in all inner lists, plus plain members */
#define SFV_MAX_PARAMS	64	/* parameters, all levels together */

enum sfv_status {
	SFV_OK = 0,
	SFV_ESYNTAX,		/* not a valid structured field */
	SFV_ELIMIT,		/* more members, items or parameters than the arrays hold */
	SFV_EDUPKEY		/* a dictionary key or parameter key repeats */
};

enum sfv_type {
	SFV_INTEGER,		/* .integer */
	SFV_DECIMAL,		/* .raw is the text as written */
	SFV_STRING,		/* .raw is the content between the quotes, still escaped */
	SFV_TOKEN,		/* .raw */
	SFV_BYTES,		/* .raw is the base64 text between the colons */
	SFV_BOOLEAN		/* .integer is 0 or 1 */
};

struct sfv_item {
	enum sfv_type	 type;
	int64_t		 integer;
	const char	*raw;
	size_t		 rawlen;
	size_t		 param, nparams;	/* its parameters, in sfv_dict.params */
};

struct sfv_param {
	const char	*key;
	size_t		 keylen;
	struct sfv_item	 value;			/* a bare item: nparams is 0 */
};

struct sfv_member {
	const char	*key;
	size_t		 keylen;
	int		 inner;			/* 1: an Inner List; 0: a single Item */
	size_t		 item, nitems;		/* in sfv_dict.items; nitems is 1 for an Item */
	size_t		 param, nparams;	/* an Inner List's own parameters */
};

struct sfv_dict {
	struct sfv_member	members[SFV_MAX_MEMBERS];
	struct sfv_item		items[SFV_MAX_ITEMS];
	struct sfv_param	params[SFV_MAX_PARAMS];
	size_t			nmembers, nitems, nparams;
};

/* Parses a whole field value (all field lines already joined with ", "). */
enum sfv_status		 sfv_parse_dict(const char *, size_t, struct sfv_dict *);
/* The member named key, or NULL. */
const struct sfv_member	*sfv_dict_get(const struct sfv_dict *, const char *key,
			    size_t keylen);
/*
 * Unescapes a String's raw text into out (NUL-terminated; Strings hold no NUL). Returns its
 * length, or -1 when it does not fit in outsz bytes.
 */
int			 sfv_string_copy(const struct sfv_item *, char *out, size_t outsz);
/* 1 when s (n bytes) is a valid dictionary or parameter key. */
int			 sfv_is_key(const char *s, size_t n);

#endif
