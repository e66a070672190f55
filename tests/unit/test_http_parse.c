/* showroomd's header parsers: Accept-Encoding, If-None-Match, Range, paths, dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_encoding),
		cmocka_unit_test(test_etag),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
