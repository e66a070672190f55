#include "showroomd/http_parse.h"
#include "lib/text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int
hp_is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits the next comma-separated element of [*p, end): returns its bounds, trimmed. */
static int
hp_next_element(const char **p, const char *end, const char **s, const char **e)
{
	const char *q = *p;

	while (q < end && (hp_is_ows(*q) || *q == ','))
		q++;
	if (q >= end)
		return 0;
	*s = q;
	while (q < end && *q != ',')
		q++;
	*e = q;
	while (*e > *s && hp_is_ows((*e)[-1]))
		(*e)--;
	*p = q;
	return 1;
}

/* q-value per RFC 9110 12.4.2, in thousandths; -1 when malformed. */
static int
hp_qvalue(const char *s, const char *e)
{
	int v = 0, digits = 0;

	if (s >= e)
		return -1;
	if (*s == '1') {
		s++;
		if (s < e && *s++ != '.')
			return -1;
		while (s < e && *s == '0' && digits < 3) {
			s++;
			digits++;
		}
		return s == e ? 1000 : -1;
	}
	if (*s++ != '0')
		return -1;
	if (s == e)
		return 0;
	if (*s++ != '.')
		return -1;
	while (s < e && *s >= '0' && *s <= '9' && digits < 3) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (s != e)
		return -1;
	while (digits++ < 3)
		v *= 10;
	return v;
}

/* One Accept-Encoding element "coding[;q=x]": its coding and weight. */
static void
hp_coding(const char *s, const char *e, const char **cs, size_t *clen, int *q)
{
	const char *p = s, *ps;

	while (p < e && *p != ';' && !hp_is_ows(*p))
		p++;
	*cs = s;
	*clen = (size_t)(p - s);
	*q = 1000;
	while (p < e) {
		while (p < e && (hp_is_ows(*p) || *p == ';'))
			p++;
		ps = p;
		while (p < e && *p != ';')
			p++;
		if (p - ps >= 2 && (ps[0] == 'q' || ps[0] == 'Q') && ps[1] == '=') {
			const char *ve = p;
			while (ve > ps + 2 && hp_is_ows(ve[-1]))
				ve--;
			*q = hp_qvalue(ps + 2, ve);
		}
	}
}

static int
hp_token_eq(const char *s, size_t len, const char *tok)
{
	return strlen(tok) == len && strncasecmp(s, tok, len) == 0;
}

enum http_enc
http_accept_encoding(const char *hdr, size_t len, unsigned available)
{
	const char *p = hdr, *end, *s, *e, *cs;
	int q[HTTP_ENC_COUNT] = { 0, 0, 0 }, star = -1, seen[HTTP_ENC_COUNT] = { 0, 0, 0 };
	int cq, i, best = HTTP_ENC_IDENTITY, bestq = 0;
	size_t clen;

	if (hdr == NULL)
		return HTTP_ENC_IDENTITY;
	end = hdr + len;
	while (hp_next_element(&p, end, &s, &e)) {
		hp_coding(s, e, &cs, &clen, &cq);
		if (cq < 0)
			continue;
		if (hp_token_eq(cs, clen, "br"))
			i = HTTP_ENC_BR;
		else if (hp_token_eq(cs, clen, "gzip") || hp_token_eq(cs, clen, "x-gzip"))
			i = HTTP_ENC_GZIP;
		else if (hp_token_eq(cs, clen, "*")) {
			star = cq;
			continue;
		} else
			continue;
		q[i] = cq;
		seen[i] = 1;
	}
	for (i = HTTP_ENC_BR; i > HTTP_ENC_IDENTITY; i--) {
		if (!seen[i] && star > 0)
			q[i] = star;
		if ((available & (1u << i)) && q[i] > bestq) {
			best = i;
			bestq = q[i];
		}
	}
	return (enum http_enc)best;
}

int
http_etag_match(const char *hdr, size_t len, const char *etag)
{
	const char *p = hdr, *end, *s, *e;
	size_t elen = strlen(etag);

	if (hdr == NULL)
		return 0;
	end = hdr + len;
	while (hp_next_element(&p, end, &s, &e)) {
		if (e - s == 1 && *s == '*')
			return 1;
		if (e - s > 2 && s[0] == 'W' && s[1] == '/')
			s += 2;
		if ((size_t)(e - s) == elen && memcmp(s, etag, elen) == 0)
			return 1;
	}
	return 0;
}

int
http_etag_match_strong(const char *hdr, size_t len, const char *etag)
{
	const char *p = hdr, *end, *s, *e;
	size_t elen = strlen(etag);

	if (hdr == NULL)
		return 0;
	end = hdr + len;
	while (hp_next_element(&p, end, &s, &e)) {
		if (e - s == 1 && *s == '*')
			return 1;
		/* a weak tag ("W/...") never equals a strong one */
		if ((size_t)(e - s) == elen && memcmp(s, etag, elen) == 0)
			return 1;
	}
	return 0;
}

/* Parses decimal digits in [*p, end) without overflow; -1 when there are none. */
static int
hp_uint(const char **p, const char *end, uint64_t *v)
{
	const char *q = *p;
	uint64_t n = 0;

	if (q >= end || *q < '0' || *q > '9')
		return -1;
	while (q < end && *q >= '0' && *q <= '9') {
		if (n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*q++ - '0');
	}
	*p = q;
	*v = n;
	return 0;
}

enum http_range_result
http_range_parse(const char *hdr, size_t len, uint64_t size, uint64_t *first,
    uint64_t *last)
{
	const char *p = hdr, *end;
	uint64_t a, b;

	if (hdr == NULL || len < 6 || strncasecmp(p, "bytes=", 6) != 0)
		return HTTP_RANGE_NONE;
	end = hdr + len;
	p += 6;
	while (p < end && hp_is_ows(*p))
		p++;
	if (memchr(p, ',', (size_t)(end - p)) != NULL)
		return HTTP_RANGE_NONE;
	if (p < end && *p == '-') {
		/* suffix range: the last N bytes */
		p++;
		if (hp_uint(&p, end, &b) == -1)
			return HTTP_RANGE_NONE;
		while (p < end && hp_is_ows(*p))
			p++;
		if (p != end)
			return HTTP_RANGE_NONE;
		if (b == 0 || size == 0)
			return HTTP_RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return HTTP_RANGE_OK;
	}
	if (hp_uint(&p, end, &a) == -1 || p >= end || *p++ != '-')
		return HTTP_RANGE_NONE;
	b = UINT64_MAX;
	if (p < end && *p >= '0' && *p <= '9' && hp_uint(&p, end, &b) == -1)
		return HTTP_RANGE_NONE;
	while (p < end && hp_is_ows(*p))
		p++;
	if (p != end || b < a)
		return HTTP_RANGE_NONE;
	if (a >= size)
		return HTTP_RANGE_UNSATISFIABLE;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return HTTP_RANGE_OK;
}

/* Rejects a "." or ".." segment ending at out[n]. */
static int
hp_dot_segment(const char *out, size_t segstart, size_t n)
{
	size_t l = n - segstart;

	return (l == 1 && out[segstart] == '.') ||
	    (l == 2 && out[segstart] == '.' && out[segstart + 1] == '.');
}

int
http_path_decode(const char *raw, size_t len, char *out, size_t outsz)
{
	size_t i, n = 0, seg = 1;
	int hi, lo;
	unsigned char c, high = 0;

	if (len == 0 || raw[0] != '/' || len > HTTP_PATH_MAX || outsz < 2)
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)raw[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = text_hexval((unsigned char)raw[i + 1])) < 0 ||
			    (lo = text_hexval((unsigned char)raw[i + 2])) < 0)
				return -1;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
			/* an encoded separator or NUL is never a path character here */
			if (c == '/' || c == '\\' || c == '\0')
				return -1;
		} else if (c == '/') {
			if (n > 0 && hp_dot_segment(out, seg, n))
				return -1;
			seg = n + 1;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return -1;
		if (n + 1 >= outsz)
			return -1;
		high |= c;
		out[n++] = (char)c;
	}
	if (hp_dot_segment(out, seg, n))
		return -1;
	out[n] = '\0';
	/* ASCII is valid UTF-8: only a path with a high byte needs the full check */
	return high < 0x80 || text_utf8_valid((const unsigned char *)out, n) ? 0 : -1;
}

static const char hp_days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char hp_months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
    "Aug", "Sep", "Oct", "Nov", "Dec" };

void
http_date_format(time_t t, char out[30])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	/* the modulos tell the compiler each field's width */
	snprintf(out, 30, "%s, %02u %s %04u %02u:%02u:%02u GMT", hp_days[tm.tm_wday % 7],
	    (unsigned)tm.tm_mday % 100, hp_months[tm.tm_mon % 12],
	    (unsigned)(tm.tm_year + 1900) % 10000, (unsigned)tm.tm_hour % 100,
	    (unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100);
}

static int
hp_num(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
http_date_parse(const char *s, size_t len, time_t *out)
{
	struct tm tm;
	int i, mon = -1;

	/* "Sun, 06 Nov 1994 08:49:37 GMT": exactly 29 bytes */
	if (len != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || s[19] != ':' || s[22] != ':' || memcmp(s + 25, " GMT", 4) != 0)
		return -1;
	for (i = 0; i < 12; i++)
		if (memcmp(s + 8, hp_months[i], 3) == 0)
			mon = i;
	memset(&tm, 0, sizeof(tm));
	if (mon < 0 || hp_num(s + 5, 2, &tm.tm_mday) || hp_num(s + 12, 4, &tm.tm_year) ||
	    hp_num(s + 17, 2, &tm.tm_hour) || hp_num(s + 20, 2, &tm.tm_min) ||
	    hp_num(s + 23, 2, &tm.tm_sec))
		return -1;
	if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || tm.tm_year < 1970)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon = mon;
	*out = timegm(&tm);
	return 0;
}

enum http_cond_result
http_conditions(const struct http_conds *c, const char *etag, time_t mtime)
{
	time_t t;

	/* 13.2.2 steps 1 and 2: the client's copy must still be the current one */
	if (c->if_match != NULL) {
		if (!http_etag_match_strong(c->if_match, c->if_match_len, etag))
			return HTTP_COND_FAILED;
	} else if (c->if_unmodified_since != NULL && http_date_parse(c->if_unmodified_since,
	    c->if_unmodified_since_len, &t) == 0 && mtime > t)
		return HTTP_COND_FAILED;
	/* steps 3 and 4, for GET and HEAD: the client's copy is still good */
	if (c->if_none_match != NULL)
		return http_etag_match(c->if_none_match, c->if_none_match_len, etag) ?
		    HTTP_COND_NOT_MODIFIED : HTTP_COND_PASS;
	if (c->if_modified_since != NULL && http_date_parse(c->if_modified_since,
	    c->if_modified_since_len, &t) == 0 && mtime <= t)
		return HTTP_COND_NOT_MODIFIED;
	return HTTP_COND_PASS;
}

/* Bytes of field lines: a token character (RFC 9110 5.6.2) and a control character a value
 * may not hold (all but HTAB; RFC 9110 5.5). Bytes from 0x80 are neither. */
#define HP_TCHAR	1
#define HP_CTL		2
static const unsigned char hp_field_byte[256] = {
	/* 0x00 */ 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2, 2,
	/* 0x10 */ 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	/* 0x20 */ 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0,
	/* 0x30 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	/* 0x40 */ 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x50 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
	/* 0x60 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x70 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 2,
};

enum http_method_class
http_method_class(const char *m, size_t len)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "DELETE",
	    "CONNECT", "OPTIONS", "TRACE", "PATCH" };
	unsigned char all = HP_TCHAR;
	size_t i;

	for (i = 0; i < len; i++)
		all &= hp_field_byte[(unsigned char)m[i]];
	if (len == 0 || !(all & HP_TCHAR))
		return HTTP_METHOD_BAD;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == len && memcmp(m, known[i], len) == 0)
			return HTTP_METHOD_KNOWN;
	return HTTP_METHOD_UNKNOWN;
}

static int
hp_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A byte of a host or port (RFC 3986 3.2.2, 3.2.3): unreserved, pct-encoded, sub-delims,
 * ':' and the brackets of an IP literal. '@' (userinfo) is not one. */
static int
hp_authority_byte(unsigned char c)
{
	return hp_alpha((char)c) || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("-._~%!$&'()*+,;=:[]", c) != NULL);
}

enum http_target_err
http_target_parse(const char *t, size_t len, struct http_target *out)
{
	size_t i, p;

	memset(out, 0, sizeof(*out));
	/* RFC 9112 3.2: no whitespace in a target; 3.2.2 no control character either */
	for (i = 0; i < len; i++)
		if ((unsigned char)t[i] <= 0x20 || t[i] == 0x7f)
			return HTTP_TARGET_BAD;
	p = 0;
	if (len > 0 && t[0] != '/') {
		/* scheme ":" (RFC 3986 3.1), else neither form ("*", authority form) */
		for (i = 0; i < len && (hp_alpha(t[i]) || (i > 0 && ((t[i] >= '0' &&
		    t[i] <= '9') || t[i] == '+' || t[i] == '-' || t[i] == '.'))); i++)
			;
		if (i == 0 || i == len || t[i] != ':')
			return HTTP_TARGET_BAD;
		if ((i != 4 || strncasecmp(t, "http", 4) != 0) &&
		    (i != 5 || strncasecmp(t, "https", 5) != 0))
			return HTTP_TARGET_SCHEME;
		/* RFC 9110 4.2.1: an http URI has an authority */
		if (len - i < 3 || t[i + 1] != '/' || t[i + 2] != '/')
			return HTTP_TARGET_AUTHORITY;
		p = i + 3;
		out->authority = p;
		while (p < len && t[p] != '/' && t[p] != '?') {
			if (!hp_authority_byte((unsigned char)t[p]))
				return HTTP_TARGET_AUTHORITY;
			p++;
		}
		out->authority_len = p - out->authority;
		/* RFC 9110 4.2.1: an http URI with an empty host is invalid */
		if (out->authority_len == 0 || t[out->authority] == ':')
			return HTTP_TARGET_AUTHORITY;
	} else if (len == 0)
		return HTTP_TARGET_BAD;
	out->path = p;
	while (p < len && t[p] != '?')
		p++;
	out->path_len = p - out->path;
	if (p < len) {
		out->has_query = 1;
		out->query = p + 1;
		out->query_len = len - p - 1;
	}
	return HTTP_TARGET_OK;
}

/* A line end at off: CR LF, both NUL now. A NUL of the client's there instead leaves its
 * CR LF unaccounted for; so does a bare LF, which leaves one NUL only. */
static int
hp_crlf(const unsigned char *h, size_t len, size_t off)
{
	return off <= len && len - off >= 2 && h[off] == '\0' && h[off + 1] == '\0';
}

enum http_head_err
http_head_start(const char *head, size_t len, const struct http_reqline *rl, size_t *off)
{
	const unsigned char *h = (const unsigned char *)head;

	/* each piece where the one before it ends, one SP (a NUL now) apart */
	if (rl->method_len == 0 || rl->method_len >= len || h[rl->method_len] != '\0' ||
	    rl->target != rl->method_len + 1 || rl->target_len == 0 ||
	    rl->target_len >= len - rl->target || h[rl->target + rl->target_len] != '\0' ||
	    rl->version != rl->target + rl->target_len + 1 ||
	    rl->version_len > len - rl->version ||
	    !hp_crlf(h, len, rl->version + rl->version_len))
		return HTTP_HEAD_LAYOUT;
	*off = rl->version + rl->version_len + 2;
	return HTTP_HEAD_OK;
}

enum http_head_err
http_head_field(const char *head, size_t len, size_t *off, const struct http_field *f)
{
	const unsigned char *h = (const unsigned char *)head;
	unsigned char all = HP_TCHAR, any = 0;
	size_t i, p;

	/* a folded line moved the name away: it is not where the line before ended */
	if (*off > len || f->name != *off || f->name_len >= len - *off)
		return HTTP_HEAD_LAYOUT;
	/* no branch per byte: this runs over every byte of every request's head */
	for (i = 0; i < f->name_len; i++)
		all &= hp_field_byte[h[f->name + i]];
	if (f->name_len == 0 || !(all & HP_TCHAR))
		return HTTP_HEAD_NAME;
	p = f->name + f->name_len;
	if (h[p++] != '\0')	/* the colon */
		return HTTP_HEAD_LAYOUT;
	while (p < f->value && p < len && hp_is_ows((char)h[p]))
		p++;
	if (p != f->value || f->value_len > len - p)
		return HTTP_HEAD_LAYOUT;
	for (i = 0; i < f->value_len; i++)
		any |= hp_field_byte[h[p + i]];
	if (any & HP_CTL)
		return HTTP_HEAD_VALUE;
	p += f->value_len;
	if (!hp_crlf(h, len, p))
		return HTTP_HEAD_LAYOUT;
	*off = p + 2;
	return HTTP_HEAD_OK;
}

enum http_head_err
http_head_end(const char *head, size_t len, size_t off)
{
	return hp_crlf((const unsigned char *)head, len, off) && len - off == 2 ?
	    HTTP_HEAD_OK : HTTP_HEAD_LAYOUT;
}
