/*
 * Internals shared by the content loader's files; not part of the interface.
 *
 *   content_diag.c    the diagnostics list
 *   content_json.c    one file's parse context: JSON path, typed members, texts
 *   content_format.c  string formats (codes, phone numbers, URLs, paths, ...)
 *   content_parse.c   the brand, model and dealer schemas
 *   content_fs.c      reading files and directories without leaving DIR
 *   content.c         content_load: files, cross-file rules, sorting, lookups
 */
#ifndef SHOWROOM_CONTENT_INT_H
#define SHOWROOM_CONTENT_INT_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "content/content.h"

#define CONTENT_MAX_FILE	(1024 * 1024)	/* bytes in one JSON file */
#define CONTENT_MAX_DIAGS	10000		/* then one "too many problems" */
#define CONTENT_MAX_PATH	255		/* bytes in a referenced file's path */
#define CONTENT_MAX_DEMO_CARS	CONTENT_MAX_MODELS

/* Parsing one file: where diagnostics go and the JSON path of the value at hand. */
struct cparse {
	const char		*file;
	struct content_diags	*d;
	struct buf		 path;	/* "$.specs.dimensions" */
	size_t			 nerr;	/* counted even if a diagnostic is lost to OOM */
	int			 oom;
};

/* What a text may contain besides printable characters. */
#define CTEXT_LINE	0	/* one line */
#define CTEXT_PARAS	1	/* newlines too: paragraphs */

void		 cparse_init(struct cparse *, const char *file, struct content_diags *);
/* Frees the context; 0 when nothing was reported, -1 otherwise. */
int		 cparse_end(struct cparse *);
/* Parses buf as one JSON object (duplicate keys rejected); NULL after a diagnostic. */
json_t		*cparse_load(struct cparse *, const char *buf, size_t len);

/* Path stack: push returns a mark that pop restores. */
size_t		 cparse_push_key(struct cparse *, const char *key);
size_t		 cparse_push_index(struct cparse *, size_t);
void		 cparse_pop(struct cparse *, size_t mark);

void		 cparse_error(struct cparse *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 cparse_error_at(struct cparse *, const char *key, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
void		 cparse_oom(struct cparse *);
const char	*cparse_type_name(const json_t *);

/* Member KEY of object O, or NULL; a missing required member is reported. */
json_t		*cparse_member(struct cparse *, json_t *o, const char *key, int required);
/* Reports every key of O that is not in the NULL-terminated list KNOWN. */
void		 cparse_unknown_keys(struct cparse *, json_t *o, const char *const *known);
/* Checks that the value at hand is an object; reports it otherwise. */
int		 cparse_is_object(struct cparse *, const json_t *v);

/* Typed members. Each returns 0 when the member is present and valid, 1 when it is
 * absent and optional, -1 after a diagnostic. Nothing is stored on error. */
typedef void	(*cparse_object_fn)(struct cparse *, json_t *, void *);
int		 cparse_object(struct cparse *, json_t *o, const char *key, int required,
		    cparse_object_fn, void *arg);
int		 cparse_text(struct cparse *, json_t *o, const char *key, size_t maxchars,
		    int flags, struct text *);
int		 cparse_int(struct cparse *, json_t *o, const char *key, int required,
		    long lo, long hi, long *);
int		 cparse_number(struct cparse *, json_t *o, const char *key, int required,
		    double lo, double hi, double *);
/* CHECK returns NULL for a valid string or the reason it is not. */
typedef const char *(*content_format_fn)(const char *);
int		 cparse_string(struct cparse *, json_t *o, const char *key, int required,
		    content_format_fn check, char **);
/* The index of the string in NAMES (NULL-terminated). */
int		 cparse_enum(struct cparse *, json_t *o, const char *key,
		    const char *const *names, int *);
/* Checks one text string: valid UTF-8, not blank, no control characters (a newline
 * only with CTEXT_PARAS). Counts its characters (code points) into *ncharsp. */
int		 cparse_text_check(const char *s, int flags, size_t *ncharsp, char *why,
		    size_t whylen);

/* String formats: NULL when valid, else why not. Pure; ASCII only. */
const char	*content_format_code(const char *);
const char	*content_format_phone(const char *);
const char	*content_format_postal(const char *);
const char	*content_format_colour(const char *);
const char	*content_format_url(const char *);
const char	*content_format_email(const char *);
const char	*content_format_image(const char *);
const char	*content_format_catalog(const char *);
/* "MM-DD" (a day of some year: 02-29 is one) to month * 100 + day. */
const char	*content_format_monthday(const char *, int *md);
/* The optional "closed" member of O: an array of {"from":"MM-DD","to":"MM-DD"}. */
void		 cparse_closed(struct cparse *, json_t *o, struct closed_range **,
		    size_t *);
/* "HH:MM" to minutes after midnight. */
const char	*content_format_time(const char *, int *minutes);

/* Files inside the content directory ROOT (a realpath). On error, WHY says why. */
int		 content_fs_root(const char *dir, char **rootp, char *why, size_t whylen);
int		 content_fs_read(const char *root, const char *rel, char **datap,
		    size_t *lenp, char *why, size_t whylen);
/* A regular file inside ROOT, beginning with MAGIC when MAGIC is not NULL. */
int		 content_fs_check(const char *root, const char *rel, const char *magic,
		    char *why, size_t whylen);
/* Sorted names of the visible *.json entries of ROOT/SUB, at most MAX; *morep is set
 * when there were more. -1 with errno when SUB cannot be opened. */
int		 content_fs_list(const char *root, const char *sub, size_t max,
		    char ***namesp, size_t *np, int *morep);
void		 content_fs_names_free(char **, size_t);

#endif
