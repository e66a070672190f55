/*
 * Pure parsers for the request headers showroomd acts on. Each takes a buffer and its length,
 * touches no global state, and is fuzzed (fuzz/fuzz_http_parse.c).
 */
#ifndef SHOWROOMD_HTTP_PARSE_H
#define SHOWROOMD_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HTTP_PATH_MAX 1024

enum http_enc {
	HTTP_ENC_IDENTITY = 0,
	HTTP_ENC_GZIP = 1,
	HTTP_ENC_BR = 2,
	HTTP_ENC_COUNT
};

/* Accept-Encoding: the preferred encoding among those available (bit (1 << HTTP_ENC_*)).
 * Ties go to br, then gzip; q=0 refuses. A NULL header means identity. */
enum http_enc	http_accept_encoding(const char *hdr, size_t len, unsigned available);

/* If-None-Match against one strong entity tag (with its quotes). Weak comparison, as
 * RFC 9110 13.1.2 asks for GET and HEAD. 1 on a match, 0 otherwise. */
int	http_etag_match(const char *hdr, size_t len, const char *etag);

enum http_range_result {
	HTTP_RANGE_NONE,		/* no usable range: send the whole entity (200) */
	HTTP_RANGE_OK,			/* one satisfiable range: 206 */
	HTTP_RANGE_UNSATISFIABLE	/* 416 */
};

/* If-Match against one strong entity tag: the strong comparison of RFC 9110 8.8.3.2, so a
 * weak tag never matches; "*" always does (the file exists). 1 on a match, 0 otherwise. */
int	http_etag_match_strong(const char *hdr, size_t len, const char *etag);

/* The precondition fields of a GET or HEAD (RFC 9110 13.1), each its value or NULL. */
struct http_conds {
	const char	*if_match, *if_none_match;
	const char	*if_unmodified_since, *if_modified_since;
	size_t		 if_match_len, if_none_match_len;
	size_t		 if_unmodified_since_len, if_modified_since_len;
};

enum http_cond_result {
	HTTP_COND_PASS,			/* go on: 200, or the range */
	HTTP_COND_NOT_MODIFIED,		/* 304 */
	HTTP_COND_FAILED		/* 412 */
};

/* Evaluates them as RFC 9110 13.2.2 orders for a representation with the strong entity tag
 * ETAG and modification time MTIME: If-Match, else If-Unmodified-Since, then If-None-Match,
 * else If-Modified-Since. A date that is not one IMF-fixdate is ignored, as the RFC asks of
 * a list of dates. Range and If-Range come after, in the caller. */
enum http_cond_result	http_conditions(const struct http_conds *, const char *etag,
			    time_t mtime);

/* Range: bytes=... for an entity of SIZE bytes. Only a single range is honoured; several
 * ranges, or syntax we do not understand, mean the whole entity, as RFC 9110 allows. */
enum http_range_result	http_range_parse(const char *hdr, size_t len, uint64_t size,
			    uint64_t *first, uint64_t *last);

/* Decodes and checks a request path (no query string) into out (NUL-terminated).
 * Refuses, with -1: a path not starting with '/', '..' or '.' segments, encoded '/' or '\\',
 * NUL or control characters (raw or percent-encoded), bad percent escapes, invalid UTF-8,
 * and paths longer than HTTP_PATH_MAX. */
int	http_path_decode(const char *raw, size_t len, char *out, size_t outsz);

/* The request method (RFC 9110 9.1), which is case-sensitive. */
enum http_method_class {
	HTTP_METHOD_BAD,	/* empty or not a token: 400 */
	HTTP_METHOD_UNKNOWN,	/* a token no specification here defines: 501 */
	HTTP_METHOD_KNOWN	/* RFC 9110's eight and PATCH (RFC 5789) */
};
enum http_method_class	http_method_class(const char *m, size_t len);

/*
 * A request target as sent (RFC 9112 3.2): origin form "/path?query" or absolute form
 * "http://authority/path?query" (3.2.2), whose authority stands in for Host. Offsets into
 * the target; path_len 0 in absolute form means "/"; authority_len 0 in origin form.
 */
struct http_target {
	size_t	authority, authority_len;
	size_t	path, path_len;		/* up to the '?' or the end */
	size_t	query, query_len;	/* after the '?' */
	int	has_query;
};

enum http_target_err {
	HTTP_TARGET_OK = 0,
	HTTP_TARGET_BAD,	/* whitespace or a control character, or neither form */
	HTTP_TARGET_SCHEME,	/* absolute form with a scheme other than http or https */
	HTTP_TARGET_AUTHORITY	/* empty host, userinfo, or a byte no host or port holds */
};
enum http_target_err	http_target_parse(const char *t, size_t len, struct http_target *);

/* IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") both ways. Parse returns -1 on bad input. */
void	http_date_format(time_t, char out[30]);
int	http_date_parse(const char *s, size_t len, time_t *);

/*
 * The request head as libmicrohttpd 0.9.75 leaves it once parsed in place: the request line
 * (the SP after the method and the one before the version NUL now), then each field line with
 * its colon, CR and LF each overwritten with a NUL, then the empty line (two NULs). It hands
 * the method, target, version and each field's name and value over as pointers into it, and
 * cuts each at the first NUL; a folded line it glues to the name, which it moves out of the
 * head. So a request is clean when those pieces account for every byte of the head, in
 * order: any byte left over is an obs-fold, a NUL or a bare LF the library did not report.
 * Not seen: a NUL standing among the CR and LF of a line end leaves the same NULs as CR LF
 * (docs/SECURITY.md). Positions are offsets into the head; one outside it fails.
 * Each function returns HTTP_HEAD_OK or the first fault found.
 */
enum http_head_err {
	HTTP_HEAD_OK = 0,
	HTTP_HEAD_LAYOUT,	/* bytes no piece accounts for: obs-fold, NUL, bare LF, extra SP */
	HTTP_HEAD_NAME,		/* an empty field name, or one that is not a token */
	HTTP_HEAD_VALUE		/* a control character other than HTAB in a field value */
};

struct http_reqline {
	size_t	method_len;		/* the method starts the head */
	size_t	target, target_len;	/* the target as first seen, query included */
	size_t	version, version_len;
};

struct http_field {
	size_t	name, name_len;
	size_t	value, value_len;	/* after the OWS the library skipped */
};

/* The request line: METHOD SP TARGET SP VERSION CRLF. *off is set to where the first field
 * line must start. */
enum http_head_err	http_head_start(const char *head, size_t len,
			    const struct http_reqline *, size_t *off);
/* The next field line, which must start at *off: NAME ":" OWS VALUE CRLF, the name a token
 * (RFC 9110 5.1), the value free of control characters but HTAB. *off moves past it. */
enum http_head_err	http_head_field(const char *head, size_t len, size_t *off,
			    const struct http_field *);
/* After the last field line, only the empty line may be left. */
enum http_head_err	http_head_end(const char *head, size_t len, size_t off);

#endif
