/*
 * Fuzz target for showroomd's header parsers: the first byte picks the parser, the rest is
 * the header value. Each parser must stay inside its buffer and keep its promises (a range
 * is inside the entity, a decoded path has no ".." segment, a precondition fails only on a
 * field that can fail it, a request target's parts lie inside it). For the request-head
 * check the rest is the field section of a request as sent, which a model of libmicrohttpd
 * 0.9.75's in-place parsing splits first: the check must pass exactly the clean sections,
 * but for the one thing the library leaves no trace of (NULs among the CR and LF of line
 * ends: docs/SECURITY.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "showroomd/http_parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_path(const char *s, size_t n)
{
	char out[HTTP_PATH_MAX + 1];

	if (http_path_decode(s, n, out, sizeof(out)) == 0) {
		if (out[0] != '/' || strstr(out, "/../") || strstr(out, "/./") ||
		    strchr(out, '\\') || strlen(out) > n)
			abort();
	}
}

static void
fuzz_range(const char *s, size_t n)
{
	uint64_t first, last, size;

	for (size = 0; size < 3000; size += 997)
		if (http_range_parse(s, n, size, &first, &last) == HTTP_RANGE_OK &&
		    (first > last || last >= size))
			abort();
}

/*
 * What libmicrohttpd 0.9.75 does to a request head (connection.c: get_next_header_line,
 * process_header_line, process_broken_line): CR LF or a bare LF become NULs, a field's first
 * colon (by strchr, so not past a NUL) becomes a NUL and the SP and HTAB after it are
 * skipped; a line starting with SP or HTAB is glued to the name before it, which moves out
 * of the head and is zeroed where it was; a line starting with a NUL ends the head. Names
 * and values are measured with strlen. The request line here is always "GET / HTTP/1.1".
 * Returns the head's length, or 0 when the library would wait for more or refuse itself.
 */
#define FUZZ_RL_LEN	16
#define FUZZ_MAXF	128

static size_t
fuzz_mhd075(char *b, size_t n, struct http_field *f, size_t *nf)
{
	size_t pos = FUZZ_RL_LEN, i, next, name = 0, value = 0, moved_len = 0, t;
	int pending = 0, moved = 0;
	char *colon;

	memcpy(b, "GET\0/\0HTTP/1.1\0\0", FUZZ_RL_LEN);
	*nf = 0;
	for (;;) {
		for (i = pos; i < n; i++)
			if (b[i] == '\n' || (b[i] == '\r' && i + 1 < n && b[i + 1] == '\n'))
				break;
		if (i == n)
			return 0;
		next = i + (b[i] == '\r' ? 2 : 1);
		memset(b + i, 0, next - i);
		if (pending && (b[pos] == ' ' || b[pos] == '\t')) {
			if (!moved) {
				moved_len = strlen(b + name);
				memset(b + name, 0, moved_len + 1);
				moved = 1;
			}
			for (t = pos; b[t] == ' ' || b[t] == '\t'; t++)
				;
			moved_len += strlen(b + t);
			pos = next;
			continue;
		}
		if (pending) {
			if (*nf == FUZZ_MAXF)
				return 0;
			f[(*nf)++] = (struct http_field){ moved ? (size_t)-1 : name,
			    moved ? moved_len : strlen(b + name), value, strlen(b + value) };
			pending = moved = 0;
		}
		if (b[pos] == '\0')
			return next;
		if ((colon = strchr(b + pos, ':')) == NULL)
			return 0;
		*colon++ = '\0';
		while (*colon == ' ' || *colon == '\t')
			colon++;
		name = pos;
		value = (size_t)(colon - b);
		pending = 1;
		pos = next;
	}
}

static int
fuzz_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* The field section as sent is clean: token ":" value CRLF lines, values without control
 * characters but HTAB, then CRLF, ending at LEN. */
static int
fuzz_clean(const unsigned char *w, size_t len)
{
	size_t p = 0, s;

	for (;;) {
		if (len - p >= 2 && w[p] == '\r' && w[p + 1] == '\n')
			return p + 2 == len;
		for (s = p; p < len && fuzz_tchar(w[p]); p++)
			;
		if (p == s || p == len || w[p++] != ':')
			return 0;
		for (; p < len && w[p] != '\r'; p++)
			if ((w[p] < 0x20 && w[p] != '\t') || w[p] == 0x7f)
				return 0;
		if (len - p < 2 || w[p + 1] != '\n')
			return 0;
		p += 2;
	}
}

/*
 * A head the check passes reads as CLEAN, the same section with CR LF at each line end the
 * check saw: it must be clean, and the section as sent may differ from it only at those line
 * ends, where it may hold any of NUL, CR and LF (the library leaves each as a NUL there). A
 * clean section must pass.
 */
static void
fuzz_head(const char *wire, size_t n)
{
	static const struct http_reqline rl = { 3, 4, 1, 6, 8 };
	struct http_field f[FUZZ_MAXF];
	char *b, *head, *clean;
	size_t len, nf, i, off, w;
	int ok;

	if ((b = malloc(FUZZ_RL_LEN + n)) == NULL)
		return;
	memcpy(b + FUZZ_RL_LEN, wire, n);
	if ((len = fuzz_mhd075(b, FUZZ_RL_LEN + n, f, &nf)) == 0 ||
	    (head = malloc(len)) == NULL) {
		free(b);
		return;
	}
	/* exactly the head, so a read past it is caught */
	memcpy(head, b, len);
	w = len - FUZZ_RL_LEN;
	ok = http_head_start(head, len, &rl, &off) == HTTP_HEAD_OK;
	for (i = 0; ok && i < nf; i++)
		ok = http_head_field(head, len, &off, &f[i]) == HTTP_HEAD_OK && off <= len;
	ok = ok && http_head_end(head, len, off) == HTTP_HEAD_OK;
	if (!ok) {
		if (fuzz_clean((const unsigned char *)wire, w))
			abort();
	} else {
		clean = b;
		memcpy(clean, wire, w);
		for (i = 0; i < nf; i++)
			memcpy(clean + f[i].value + f[i].value_len - FUZZ_RL_LEN, "\r\n", 2);
		memcpy(clean + w - 2, "\r\n", 2);
		if (!fuzz_clean((const unsigned char *)clean, w))
			abort();
		for (i = 0; i < w; i++)
			if (clean[i] != wire[i] && ((clean[i] != '\r' && clean[i] != '\n') ||
			    (wire[i] != '\0' && wire[i] != '\r' && wire[i] != '\n')))
				abort();
	}
	free(head);
	free(b);
}

/* Preconditions: the value is up to four fields split at LF (If-Match, If-None-Match,
 * If-Unmodified-Since, If-Modified-Since; an empty one is absent). */
static void
fuzz_conditions(const char *s, size_t n)
{
	static const char etag[] = "\"0123456789abcdef\"";
	const char *v[4] = { NULL, NULL, NULL, NULL }, *p = s, *e;
	size_t len[4] = { 0, 0, 0, 0 }, i;
	struct http_conds c;
	enum http_cond_result r;

	for (i = 0; i < 4 && p < s + n; i++) {
		if ((e = memchr(p, '\n', (size_t)(s + n - p))) == NULL)
			e = s + n;
		if (e > p) {
			v[i] = p;
			len[i] = (size_t)(e - p);
		}
		p = e + 1;
	}
	/* a strong match is a weak one too */
	for (i = 0; i < 2; i++)
		if (v[i] != NULL && http_etag_match_strong(v[i], len[i], etag) &&
		    !http_etag_match(v[i], len[i], etag))
			abort();
	memset(&c, 0, sizeof(c));
	c.if_match = v[0];
	c.if_match_len = len[0];
	c.if_none_match = v[1];
	c.if_none_match_len = len[1];
	c.if_unmodified_since = v[2];
	c.if_unmodified_since_len = len[2];
	c.if_modified_since = v[3];
	c.if_modified_since_len = len[3];
	r = http_conditions(&c, etag, 784111777);
	if ((r == HTTP_COND_FAILED && v[0] == NULL && v[2] == NULL) ||
	    (r == HTTP_COND_FAILED && v[0] != NULL &&
	    http_etag_match_strong(v[0], len[0], etag)) ||
	    (r == HTTP_COND_NOT_MODIFIED && v[1] == NULL && v[3] == NULL) ||
	    (r == HTTP_COND_NOT_MODIFIED && v[1] != NULL &&
	    !http_etag_match(v[1], len[1], etag)))
		abort();
}

/* The method and the request target (RFC 9112 3.2): the parts tile the target. */
static void
fuzz_target(const char *s, size_t n)
{
	struct http_target t;
	size_t i, end;

	if (http_method_class(s, n) > HTTP_METHOD_KNOWN)
		abort();
	if (http_target_parse(s, n, &t) != HTTP_TARGET_OK)
		return;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			abort();
	end = t.has_query ? t.query - 1 : n;
	if (t.path + t.path_len != end || end > n || (t.has_query && (s[end] != '?' ||
	    t.query + t.query_len != n)))
		abort();
	if (t.authority_len == 0) {
		if (t.path != 0 || t.path_len == 0 || s[0] != '/')
			abort();
		return;
	}
	if (t.authority + t.authority_len != t.path || (t.path_len > 0 && s[t.path] != '/'))
		abort();
	for (i = t.authority; i < t.path; i++)
		if (s[i] == '@' || s[i] == '/' || s[i] == '?')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	time_t t;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	/* a copy of exactly n bytes, so reading past it is caught */
	if ((s = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(s, data + 1, n);
	/* 0 to 6 as before the later ones came, so the corpus keeps its meaning */
	switch (data[0] % 8) {
	case 0:
		if (http_accept_encoding(s, n, 7) >= HTTP_ENC_COUNT)
			abort();
		break;
	case 1:
		http_etag_match(s, n, "\"0123456789abcdef\"");
		break;
	case 2:
		fuzz_range(s, n);
		break;
	case 3:
		fuzz_path(s, n);
		break;
	case 4:
		http_date_parse(s, n, &t);
		break;
	case 5:
		fuzz_head(s, n);
		break;
	case 6:
		fuzz_conditions(s, n);
		break;
	default:
		fuzz_target(s, n);
		break;
	}
	free(s);
	return 0;
}
