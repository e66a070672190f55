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

/* Range: bytes=... for an entity of SIZE bytes. Only a single range is honoured; several
 * ranges, or syntax we do not understand, mean the whole entity, as RFC 9110 allows. */
enum http_range_result	http_range_parse(const char *hdr, size_t len, uint64_t size,
			    uint64_t *first, uint64_t *last);

/* Decodes and checks a request path (no query string) into out (NUL-terminated).
 * Refuses, with -1: a path not starting with '/', '..' or '.' segments, encoded '/' or '\\',
 * NUL or control characters (raw or percent-encoded), bad percent escapes, invalid UTF-8,
 * and paths longer than HTTP_PATH_MAX. */
int	http_path_decode(const char *raw, size_t len, char *out, size_t outsz);

/* IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") both ways. Parse returns -1 on bad input. */
void	http_date_format(time_t, char out[30]);
int	http_date_parse(const char *s, size_t len, time_t *);

#endif
