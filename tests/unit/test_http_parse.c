/* showroomd's header parsers: Accept-Encoding, If-None-Match, Range, paths, dates, and the
 * check that a request head is accounted for byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "showroomd/http_parse.h"

#define ALL ((1u << HTTP_ENC_IDENTITY) | (1u << HTTP_ENC_GZIP) | (1u << HTTP_ENC_BR))
#define AE(s, avail) http_accept_encoding((s), strlen(s), (avail))

static void
test_accept_encoding(void **state)
{
	assert_int_equal(http_accept_encoding(NULL, 0, ALL), HTTP_ENC_IDENTITY);
	assert_int_equal(AE("", ALL), HTTP_ENC_IDENTITY);
	assert_int_equal(AE("gzip", ALL), HTTP_ENC_GZIP);
	assert_int_equal(AE("gzip, deflate, br", ALL), HTTP_ENC_BR);
	assert_int_equal(AE("gzip, deflate, br", 1u | (1u << HTTP_ENC_GZIP)), HTTP_ENC_GZIP);
	assert_int_equal(AE("br;q=0.5, gzip;q=0.8", ALL), HTTP_ENC_GZIP);
	assert_int_equal(AE("br;q=0, gzip;q=0", ALL), HTTP_ENC_IDENTITY);
	assert_int_equal(AE("*", ALL), HTTP_ENC_BR);
	assert_int_equal(AE("*;q=0", ALL), HTTP_ENC_IDENTITY);
	assert_int_equal(AE("gzip;q=0, *", ALL), HTTP_ENC_BR);
	assert_int_equal(AE("GZIP", ALL), HTTP_ENC_GZIP);
	assert_int_equal(AE("x-gzip", ALL), HTTP_ENC_GZIP);
	assert_int_equal(AE("gzip;q=1.0", ALL), HTTP_ENC_GZIP);
	assert_int_equal(AE("gzip;q=2", ALL), HTTP_ENC_IDENTITY);	/* malformed: ignored */
	assert_int_equal(AE("gzip ; q=0.001", ALL), HTTP_ENC_GZIP);
	assert_int_equal(AE("deflate", ALL), HTTP_ENC_IDENTITY);
	assert_int_equal(AE(",,, ,", ALL), HTTP_ENC_IDENTITY);
}

static void
test_etag(void **state)
{
	const char *e = "\"abc\"";

	assert_true(http_etag_match("\"abc\"", 5, e));
	assert_true(http_etag_match("W/\"abc\"", 7, e));
	assert_true(http_etag_match("\"x\", \"abc\"", 10, e));
	assert_true(http_etag_match("*", 1, e));
	assert_false(http_etag_match("\"abcd\"", 6, e));
	assert_false(http_etag_match("abc", 3, e));
	assert_false(http_etag_match("", 0, e));
	assert_false(http_etag_match(NULL, 0, e));
	/* a prefix of the header must not match when cut short */
	assert_false(http_etag_match("\"ab", 3, e));
}

/* If-Match: strong comparison (RFC 9110 8.8.3.2), so a weak tag never matches. */
static void
test_etag_strong(void **state)
{
	const char *e = "\"abc\"";

	assert_true(http_etag_match_strong("\"abc\"", 5, e));
	assert_true(http_etag_match_strong("\"x\", \"abc\"", 10, e));
	assert_true(http_etag_match_strong("*", 1, e));
	assert_true(http_etag_match_strong(" \"abc\" ,", 9, e));
	assert_false(http_etag_match_strong("W/\"abc\"", 7, e));
	assert_false(http_etag_match_strong("\"abcd\"", 6, e));
	assert_false(http_etag_match_strong("abc", 3, e));
	assert_false(http_etag_match_strong("", 0, e));
	assert_false(http_etag_match_strong(NULL, 0, e));
	assert_false(http_etag_match_strong("\"ab", 3, e));
}

#define LM	784111777	/* Sun, 06 Nov 1994 08:49:37 GMT */
#define COND(field, s)	field = (s), field##_len = strlen(s)

static enum http_cond_result
cond(const char *im, const char *inm, const char *ius, const char *ims)
{
	struct http_conds c;

	memset(&c, 0, sizeof(c));
	if (im != NULL)
		COND(c.if_match, im);
	if (inm != NULL)
		COND(c.if_none_match, inm);
	if (ius != NULL)
		COND(c.if_unmodified_since, ius);
	if (ims != NULL)
		COND(c.if_modified_since, ims);
	return http_conditions(&c, "\"abc\"", LM);
}

/* RFC 9110 13.1 and the order of 13.2.2. */
static void
test_conditions(void **state)
{
	const char *at = "Sun, 06 Nov 1994 08:49:37 GMT", *before = "Sun, 06 Nov 1994 08:49:36 GMT";
	const char *after = "Sun, 06 Nov 1994 08:49:38 GMT";

	assert_int_equal(cond(NULL, NULL, NULL, NULL), HTTP_COND_PASS);
	/* If-Match: strong, "*" passes, a failure is 412 whatever else the request says */
	assert_int_equal(cond("\"abc\"", NULL, NULL, NULL), HTTP_COND_PASS);
	assert_int_equal(cond("*", NULL, NULL, NULL), HTTP_COND_PASS);
	assert_int_equal(cond("\"x\"", NULL, NULL, NULL), HTTP_COND_FAILED);
	assert_int_equal(cond("W/\"abc\"", NULL, NULL, NULL), HTTP_COND_FAILED);
	assert_int_equal(cond("\"x\"", "\"abc\"", NULL, NULL), HTTP_COND_FAILED);
	/* If-Unmodified-Since: 412 once the file changed after it; ignored under If-Match,
	 * and when it is not a date or is a list of dates */
	assert_int_equal(cond(NULL, NULL, at, NULL), HTTP_COND_PASS);
	assert_int_equal(cond(NULL, NULL, after, NULL), HTTP_COND_PASS);
	assert_int_equal(cond(NULL, NULL, before, NULL), HTTP_COND_FAILED);
	assert_int_equal(cond("\"abc\"", NULL, before, NULL), HTTP_COND_PASS);
	assert_int_equal(cond(NULL, NULL, "yesterday", NULL), HTTP_COND_PASS);
	assert_int_equal(cond(NULL, NULL, "Sun, 06 Nov 1994 08:49:36 GMT, "
	    "Sun, 06 Nov 1994 08:49:36 GMT", NULL), HTTP_COND_PASS);
	/* If-None-Match: weak comparison, 304; it outranks If-Modified-Since */
	assert_int_equal(cond(NULL, "\"abc\"", NULL, NULL), HTTP_COND_NOT_MODIFIED);
	assert_int_equal(cond(NULL, "W/\"abc\"", NULL, NULL), HTTP_COND_NOT_MODIFIED);
	assert_int_equal(cond(NULL, "*", NULL, NULL), HTTP_COND_NOT_MODIFIED);
	assert_int_equal(cond(NULL, "\"x\"", NULL, NULL), HTTP_COND_PASS);
	assert_int_equal(cond(NULL, "\"x\"", NULL, at), HTTP_COND_PASS);
	assert_int_equal(cond(NULL, "\"abc\"", NULL, before), HTTP_COND_NOT_MODIFIED);
	/* If-Modified-Since alone */
	assert_int_equal(cond(NULL, NULL, NULL, at), HTTP_COND_NOT_MODIFIED);
	assert_int_equal(cond(NULL, NULL, NULL, after), HTTP_COND_NOT_MODIFIED);
	assert_int_equal(cond(NULL, NULL, NULL, before), HTTP_COND_PASS);
	assert_int_equal(cond(NULL, NULL, NULL, "not a date"), HTTP_COND_PASS);
	/* both kinds: a copy that passes If-Match and is current gets 304 */
	assert_int_equal(cond("\"abc\"", "\"abc\"", NULL, NULL), HTTP_COND_NOT_MODIFIED);
	assert_int_equal(cond(NULL, "\"abc\"", at, NULL), HTTP_COND_NOT_MODIFIED);
	assert_int_equal(cond(NULL, "\"abc\"", before, NULL), HTTP_COND_FAILED);
}

static void
test_method_class(void **state)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
	    "OPTIONS", "TRACE", "PATCH" };
	static const char *const unknown[] = { "FOO", "get", "Get", "GETS", "PROPFIND", "BREW",
	    "!#$%&'*+-.^_`|~09" };
	static const char *const bad[] = { "", "G T", "G(T", "G\x01T", "G\xc3\xa9T", "G:T" };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_int_equal(http_method_class(known[i], strlen(known[i])),
		    HTTP_METHOD_KNOWN);
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(http_method_class(unknown[i], strlen(unknown[i])),
		    HTTP_METHOD_UNKNOWN);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_method_class(bad[i], strlen(bad[i])), HTTP_METHOD_BAD);
	/* a prefix of a known method, cut short, is not it */
	assert_int_equal(http_method_class("GET", 2), HTTP_METHOD_UNKNOWN);
}

static enum http_target_err
target(const char *s, struct http_target *t)
{
	return http_target_parse(s, strlen(s), t);
}

/* RFC 9112 3.2: origin form and absolute form (3.2.2); no whitespace. */
static void
test_target(void **state)
{
	static const char *const bad[] = { "", "*", "models/", " /", "/a b", "/a\tb", "/a\x7f",
	    "/a?b c", "//\x01", "1http://x/", ":x" };
	static const char *const scheme[] = { "ftp://x/", "HTTPS+x://x/", "file:///etc/passwd",
	    "mailto:a@b", "x:443", "javascript:alert(1)" };
	static const char *const authority[] = { "http:///models/", "http://", "http://?a",
	    "http://user@x/", "http://user:pw@x/", "http://:80/", "http://x\"/", "http://x<y/",
	    "http://x\\y/", "http://x#y/", "http://x\xc3\xa9/", "http:/x/", "https:x" };
	struct http_target t;
	size_t i;

	assert_int_equal(target("/models/?a=b&c", &t), HTTP_TARGET_OK);
	assert_int_equal(t.authority_len, 0);
	assert_int_equal(t.path, 0);
	assert_int_equal(t.path_len, 8);
	assert_true(t.has_query);
	assert_int_equal(t.query, 9);
	assert_int_equal(t.query_len, 5);
	assert_int_equal(target("/", &t), HTTP_TARGET_OK);
	assert_false(t.has_query);
	assert_int_equal(t.path_len, 1);
	assert_int_equal(target("/a?", &t), HTTP_TARGET_OK);
	assert_true(t.has_query);
	assert_int_equal(t.query_len, 0);

	assert_int_equal(target("http://127.0.0.1:8080/models/?q", &t), HTTP_TARGET_OK);
	assert_int_equal(t.authority, 7);
	assert_int_equal(t.authority_len, 14);
	assert_int_equal(t.path, 21);
	assert_int_equal(t.path_len, 8);
	assert_int_equal(t.query, 30);
	assert_int_equal(t.query_len, 1);
	assert_int_equal(target("HTTPS://Example.JP", &t), HTTP_TARGET_OK);
	assert_int_equal(t.authority, 8);
	assert_int_equal(t.authority_len, 10);
	assert_int_equal(t.path_len, 0);	/* "/" */
	assert_false(t.has_query);
	assert_int_equal(target("http://x?a=1", &t), HTTP_TARGET_OK);
	assert_int_equal(t.path_len, 0);
	assert_int_equal(t.query, 9);
	assert_int_equal(target("http://[::1]:80/a", &t), HTTP_TARGET_OK);
	assert_int_equal(t.authority_len, 8);
	assert_int_equal(target("http://a-b.c_d~e%41!$&'()*+,;=/", &t), HTTP_TARGET_OK);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (target(bad[i], &t) != HTTP_TARGET_BAD)
			fail_msg("bad target #%zu: %d", i, target(bad[i], &t));
	for (i = 0; i < sizeof(scheme) / sizeof(scheme[0]); i++)
		if (target(scheme[i], &t) != HTTP_TARGET_SCHEME)
			fail_msg("scheme #%zu: %d", i, target(scheme[i], &t));
	for (i = 0; i < sizeof(authority) / sizeof(authority[0]); i++)
		if (target(authority[i], &t) != HTTP_TARGET_AUTHORITY)
			fail_msg("authority #%zu: %d", i, target(authority[i], &t));
}

static enum http_range_result
range(const char *s, uint64_t size, uint64_t *a, uint64_t *b)
{
	return http_range_parse(s, strlen(s), size, a, b);
}

static void
test_range(void **state)
{
	uint64_t a = 99, b = 99;

	assert_int_equal(range("bytes=0-99", 1000, &a, &b), HTTP_RANGE_OK);
	assert_int_equal(a, 0);
	assert_int_equal(b, 99);
	assert_int_equal(range("bytes=900-", 1000, &a, &b), HTTP_RANGE_OK);
	assert_int_equal(a, 900);
	assert_int_equal(b, 999);
	assert_int_equal(range("bytes=-100", 1000, &a, &b), HTTP_RANGE_OK);
	assert_int_equal(a, 900);
	assert_int_equal(b, 999);
	assert_int_equal(range("bytes=-5000", 1000, &a, &b), HTTP_RANGE_OK);
	assert_int_equal(a, 0);
	assert_int_equal(range("bytes=500-5000", 1000, &a, &b), HTTP_RANGE_OK);
	assert_int_equal(b, 999);
	assert_int_equal(range("bytes=1000-", 1000, &a, &b), HTTP_RANGE_UNSATISFIABLE);
	assert_int_equal(range("bytes=-0", 1000, &a, &b), HTTP_RANGE_UNSATISFIABLE);
	assert_int_equal(range("bytes=0-0", 0, &a, &b), HTTP_RANGE_UNSATISFIABLE);
	assert_int_equal(range("bytes=5-1", 1000, &a, &b), HTTP_RANGE_NONE);
	assert_int_equal(range("bytes=0-1,5-6", 1000, &a, &b), HTTP_RANGE_NONE);
	assert_int_equal(range("items=0-1", 1000, &a, &b), HTTP_RANGE_NONE);
	assert_int_equal(range("bytes=abc", 1000, &a, &b), HTTP_RANGE_NONE);
	assert_int_equal(range("bytes=-", 1000, &a, &b), HTTP_RANGE_NONE);
	assert_int_equal(range("bytes=99999999999999999999999-", 1000, &a, &b),
	    HTTP_RANGE_NONE);
}

static int
path(const char *in, char *out)
{
	return http_path_decode(in, strlen(in), out, HTTP_PATH_MAX + 1);
}

static void
test_path(void **state)
{
	char out[HTTP_PATH_MAX + 1];
	static const char *bad[] = {
		"", "models", "/..", "/../etc/passwd", "/a/../b", "/a/..", "/./a", "/a/.",
		"/%2e%2e/x", "/%2E%2e/", "/.%2e/x", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b",
		"/a%00b", "/a%0ab", "/a%", "/a%4", "/a%zz", "/a%c3%28", "/a%ed%a0%80",
		"/\x01", "/a%7f",
	};
	size_t i;

	assert_int_equal(path("/", out), 0);
	assert_string_equal(out, "/");
	assert_int_equal(path("/models/sorane/", out), 0);
	assert_string_equal(out, "/models/sorane/");
	assert_int_equal(path("/%E3%81%82", out), 0);
	assert_string_equal(out, "/\xe3\x81\x82");
	assert_int_equal(path("/a/..b/c", out), 0);	/* "..b" is a name, not a step up */
	assert_int_equal(path("/a/.well-known", out), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (path(bad[i], out) != -1)
			fail_msg("accepted bad path #%zu", i);
	}
	memset(out, 'a', sizeof(out));
	out[0] = '/';
	assert_int_equal(http_path_decode(out, HTTP_PATH_MAX + 1, out, sizeof(out)), -1);
}

static void
test_date(void **state)
{
	char s[30];
	time_t t;

	http_date_format(784111777, s);
	assert_string_equal(s, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(http_date_parse(s, strlen(s), &t), 0);
	assert_int_equal(t, 784111777);
	assert_int_equal(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", 30, &t), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", 29, &t), -1);
	assert_int_equal(http_date_parse("Sun, 06 Xyz 1994 08:49:37 GMT", 29, &t), -1);
	assert_int_equal(http_date_parse("Sun, 32 Nov 1994 08:49:37 GMT", 29, &t), -1);
}

/*
 * Request heads as libmicrohttpd 0.9.75 leaves them (http_parse.h), NULs written out, and the
 * pieces it hands over as offsets. All start with "GET / HTTP/1.1" CRLF.
 */
#define RL	{ 3, 4, 1, 6, 8 }
#define RL_Q	{ 3, 4, 8, 13, 8 }	/* GET /a?b=c&d HTTP/1.1 */
#define RL_NUL	{ 3, 4, 2, 9, 8 }	/* GET /a NUL b HTTP/1.1 */
#define OUT	((size_t)-1 - 64)	/* a name the library moved out of the head */

static enum http_head_err
head_check(const char *head, size_t len, const struct http_reqline *rl,
    const struct http_field *f, size_t nf)
{
	enum http_head_err e;
	size_t off = 0, i;

	if ((e = http_head_start(head, len, rl, &off)) != HTTP_HEAD_OK)
		return e;
	assert_true(off <= len);
	for (i = 0; i < nf; i++) {
		if ((e = http_head_field(head, len, &off, &f[i])) != HTTP_HEAD_OK)
			return e;
		assert_true(off <= len);
	}
	return http_head_end(head, len, off);
}

#define CHECK(h, rl, ...) do {						\
	static const struct http_reqline rl_ = rl;			\
	static const struct http_field f_[] = { __VA_ARGS__ };		\
	check_result = head_check((h), sizeof(h) - 1, &rl_, f_,		\
	    sizeof(f_) / sizeof(f_[0]));				\
} while (0)

static enum http_head_err check_result;

static void
test_head_clean(void **state)
{
	/* Host: x | X-A:<HTAB>1<SP> | X-E: (empty) | "!#$%&'*+-.^_`|~09azAZ": caf\xc3\xa9 */
	static const char h[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0X-A\0\t1 \0\0X-E\0\0\0"
	    "!#$%&'*+-.^_`|~09azAZ\0 caf\xc3\xa9\0\0\0\0";
	/* GET /a?b=c&d HTTP/1.1: the library split the query in place */
	static const char q[] = "GET\0/a\0b\0c\0d\0HTTP/1.1\0\0Host\0 x\0\0\0\0";
	/* no field at all (HTTP/1.0) */
	static const char n[] = "GET\0/\0HTTP/1.0\0\0\0\0";
	static const struct http_reqline rl = RL;
	size_t off;

	CHECK(h, RL, { 16, 4, 22, 1 }, { 25, 3, 30, 2 }, { 34, 3, 38, 0 },
	    { 40, 21, 63, 5 });
	assert_int_equal(check_result, HTTP_HEAD_OK);
	CHECK(q, RL_Q, { 23, 4, 29, 1 });
	assert_int_equal(check_result, HTTP_HEAD_OK);
	assert_int_equal(http_head_start(n, sizeof(n) - 1, &rl, &off), HTTP_HEAD_OK);
	assert_int_equal(off, 16);
	assert_int_equal(http_head_end(n, sizeof(n) - 1, off), HTTP_HEAD_OK);
}

/* RFC 9112 5.2: obs-fold. 0.9.75 glues " b" to the name, moves the name out of the head and
 * zeroes where it was; were the name left in place, the fold's bytes would still be over. */
static void
test_head_fold(void **state)
{
	/* Host: x | X-A: 1 | <SP>b */
	static const char moved[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0\0\0\0\0 1\0\0 b\0\0\0\0";
	static const char kept[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0X-A\0 1\0\0 b\0\0\0\0";
	/* <HTAB>b right after the request line */
	static const char first[] = "GET\0/\0HTTP/1.1\0\0\tb\0 1\0\0\0\0";

	CHECK(moved, RL, { 16, 4, 22, 1 }, { OUT, 4, 30, 1 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(kept, RL, { 16, 4, 22, 1 }, { 25, 3, 30, 1 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(first, RL, { 16, 2, 20, 1 });
	assert_int_equal(check_result, HTTP_HEAD_NAME);
}

/* RFC 9110 5.5: a NUL the library cut the value at leaves the rest of the line over. */
static void
test_head_nul(void **state)
{
	/* Host: x | Range: bytes=0-1 NUL junk */
	static const char mid[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0Range\0 bytes=0-1\0junk"
	    "\0\0\0\0";
	/* ... NUL CRLF as the last line, then another field after it */
	static const char last[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0Range\0 bytes=0-1\0\0\0"
	    "\0\0";
	static const char before[] = "GET\0/\0HTTP/1.1\0\0Range\0 bytes=0-1\0\0\0Host\0 x"
	    "\0\0\0\0";
	/* X-A: NUL b (the value the library saw is empty) */
	static const char lead[] = "GET\0/\0HTTP/1.1\0\0X-A\0 \0b\0\0\0\0";
	/* a line that is one NUL: the library took it for the empty line */
	static const char line[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0\0\0\0";
	/* NUL in the target: the target as first seen stops at it */
	static const char target[] = "GET\0/a\0b\0HTTP/1.1\0\0\0\0";

	CHECK(mid, RL, { 16, 4, 22, 1 }, { 25, 5, 32, 9 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(last, RL, { 16, 4, 22, 1 }, { 25, 5, 32, 9 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(before, RL, { 16, 5, 23, 9 }, { 35, 4, 41, 1 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(lead, RL, { 16, 3, 21, 0 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(line, RL, { 16, 4, 22, 1 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(target, RL_NUL, { 0, 0, 0, 0 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
}

/* A bare LF leaves one NUL where CR LF leaves two. */
static void
test_head_bare_lf(void **state)
{
	static const char reqline[] = "GET\0/\0HTTP/1.1\0Host\0 x\0\0\0\0";
	static const char field[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0X-A\0 1\0\0\0\0";
	static const char empty[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0\0";
	static const struct http_reqline rl = RL;
	size_t off;

	assert_int_equal(http_head_start(reqline, sizeof(reqline) - 1, &rl, &off),
	    HTTP_HEAD_LAYOUT);
	CHECK(field, RL, { 16, 4, 22, 1 }, { 24, 3, 29, 1 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
	CHECK(empty, RL, { 16, 4, 22, 1 });
	assert_int_equal(check_result, HTTP_HEAD_LAYOUT);
}

/* RFC 9110 5.1 and 5.6.2: a field name is a token, never empty, nothing before the colon. */
static void
test_head_names(void **state)
{
	static const char *const bad[] = {
		"", "X A", "X-A ", "X-A\t", "X(A)", "X/A", "X\"A", "X@A", "X[A]", "X{A}",
		"X=A", "X;A", "X,A", "X?A", "X\\A", "X\xc3\xa9", "\x7f", "X\x01",
	};
	char h[64];
	struct http_reqline rl = RL;
	struct http_field f;
	size_t i, n, off;
	int c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = strlen(bad[i]);
		memcpy(h, "GET\0/\0HTTP/1.1\0\0", 16);
		memcpy(h + 16, bad[i], n);
		memcpy(h + 16 + n, "\0 1\0\0\0\0", 7);
		f = (struct http_field){ 16, n, 16 + n + 2, 1 };
		assert_int_equal(http_head_start(h, 23 + n, &rl, &off), HTTP_HEAD_OK);
		if (http_head_field(h, 23 + n, &off, &f) != HTTP_HEAD_NAME)
			fail_msg("name #%zu accepted", i);
	}
	/* every byte: a name of it alone is accepted exactly when it is a tchar */
	for (c = 1; c < 256; c++) {
		memcpy(h, "GET\0/\0HTTP/1.1\0\0", 16);
		h[16] = (char)c;
		memcpy(h + 17, "\0 1\0\0\0\0", 7);
		f = (struct http_field){ 16, 1, 19, 1 };
		off = 16;
		assert_int_equal(http_head_field(h, 24, &off, &f) == HTTP_HEAD_OK,
		    c < 0x80 && (memchr("!#$%&'*+-.^_`|~", c, 15) != NULL ||
		    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')));
	}
}

/* RFC 9110 5.5: no control character in a value but HTAB; bytes from 0x80 pass. */
static void
test_head_values(void **state)
{
	char h[32];
	struct http_field f = { 16, 1, 19, 3 };
	size_t off;
	int c;

	for (c = 1; c < 256; c++) {
		memcpy(h, "GET\0/\0HTTP/1.1\0\0X\0 a?b\0\0\0\0", 26);
		h[20] = (char)c;
		off = 16;
		assert_int_equal(http_head_field(h, 26, &off, &f),
		    (c < 0x20 && c != '\t') || c == 0x7f ? HTTP_HEAD_VALUE : HTTP_HEAD_OK);
	}
	/* the value must start where the OWS after the colon ends */
	memcpy(h, "GET\0/\0HTTP/1.1\0\0X\0 a?b\0\0\0\0", 26);
	f = (struct http_field){ 16, 1, 20, 2 };
	off = 16;
	assert_int_equal(http_head_field(h, 26, &off, &f), HTTP_HEAD_LAYOUT);
}

/* The request line: one SP between its parts, CR LF after it. */
static void
test_head_reqline(void **state)
{
	static const char two_sp[] = "GET\0\0/\0HTTP/1.1\0\0\0\0";
	static const char ok[] = "GET\0/\0HTTP/1.1\0\0\0\0";
	struct http_reqline rl = { 3, 5, 1, 7, 8 };
	size_t off;

	assert_int_equal(http_head_start(two_sp, sizeof(two_sp) - 1, &rl, &off),
	    HTTP_HEAD_LAYOUT);
	rl = (struct http_reqline){ 3, 4, 1, 6, 8 };
	assert_int_equal(http_head_start(ok, sizeof(ok) - 1, &rl, &off), HTTP_HEAD_OK);
	rl = (struct http_reqline){ 3, 4, 1, 7, 7 };
	assert_int_equal(http_head_start(ok, sizeof(ok) - 1, &rl, &off), HTTP_HEAD_LAYOUT);
	rl = (struct http_reqline){ 0, 1, 1, 3, 8 };
	assert_int_equal(http_head_start(ok, sizeof(ok) - 1, &rl, &off), HTTP_HEAD_LAYOUT);
}

/* Offsets outside the head, or a head cut short, fail without a read past its end (the ASan
 * build checks that part). */
static void
test_head_bounds(void **state)
{
	static const char ok[] = "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0\0\0";
	const size_t huge = (size_t)-1;
	struct http_reqline rl;
	struct http_field f;
	size_t len, off;
	char *h;

	for (len = 0; len < sizeof(ok) - 1; len++) {
		/* exactly LEN bytes on the heap, so reading one more is caught */
		assert_non_null(h = malloc(len ? len : 1));
		memcpy(h, ok, len);
		rl = (struct http_reqline){ 3, 4, 1, 6, 8 };
		f = (struct http_field){ 16, 4, 22, 1 };
		off = 0;
		if (http_head_start(h, len, &rl, &off) == HTTP_HEAD_OK &&
		    http_head_field(h, len, &off, &f) == HTTP_HEAD_OK)
			assert_int_equal(http_head_end(h, len, off), HTTP_HEAD_LAYOUT);
		rl = (struct http_reqline){ huge, 0, huge, huge, huge };
		assert_int_equal(http_head_start(h, len, &rl, &off), HTTP_HEAD_LAYOUT);
		rl = (struct http_reqline){ 3, 4, huge - 4, 6, 8 };
		assert_int_equal(http_head_start(h, len, &rl, &off), HTTP_HEAD_LAYOUT);
		rl = (struct http_reqline){ 3, 4, 1, 6, huge - 6 };
		assert_int_equal(http_head_start(h, len, &rl, &off), HTTP_HEAD_LAYOUT);
		off = 16;
		f = (struct http_field){ 16, huge, 22, 1 };
		assert_int_equal(http_head_field(h, len, &off, &f), HTTP_HEAD_LAYOUT);
		f = (struct http_field){ 16, 4, huge, 1 };
		assert_int_equal(http_head_field(h, len, &off, &f), HTTP_HEAD_LAYOUT);
		f = (struct http_field){ 16, 4, 22, huge - 22 };
		assert_int_equal(http_head_field(h, len, &off, &f), HTTP_HEAD_LAYOUT);
		off = huge;
		f = (struct http_field){ huge, 4, 22, 1 };
		assert_int_equal(http_head_field(h, len, &off, &f), HTTP_HEAD_LAYOUT);
		assert_int_equal(http_head_end(h, len, huge), HTTP_HEAD_LAYOUT);
		assert_int_equal(http_head_end(h, len, len + 1), HTTP_HEAD_LAYOUT);
		free(h);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_encoding),
		cmocka_unit_test(test_etag),
		cmocka_unit_test(test_etag_strong),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_method_class),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_head_clean),
		cmocka_unit_test(test_head_fold),
		cmocka_unit_test(test_head_nul),
		cmocka_unit_test(test_head_bare_lf),
		cmocka_unit_test(test_head_names),
		cmocka_unit_test(test_head_values),
		cmocka_unit_test(test_head_reqline),
		cmocka_unit_test(test_head_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
