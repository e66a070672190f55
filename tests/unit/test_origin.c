/* The site's own origin (--public-url): parsing, the @authority a Host names, and which
 * form posts come from the site's own pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <strings.h>

#include "showroomd/origin.h"

static void
test_parse(void **state)
{
	static const struct {
		const char	*url, *authority, *origin;
	} good[] = {
		{ "https://showroom.example", "showroom.example", "https://showroom.example" },
		{ "https://showroom.example/", "showroom.example", "https://showroom.example" },
		{ "HTTPS://Showroom.Example:443", "showroom.example", "https://showroom.example" },
		{ "https://showroom.example:8443", "showroom.example:8443",
		    "https://showroom.example:8443" },
		{ "http://127.0.0.1:8080", "127.0.0.1:8080", "http://127.0.0.1:8080" },
		{ "http://localhost:80", "localhost", "http://localhost" },
		{ "http://[::1]:8080", "[::1]:8080", "http://[::1]:8080" },
		{ "https://[2001:DB8::1]", "[2001:db8::1]", "https://[2001:db8::1]" },
	};
	static const char *const bad[] = {
		"", "showroom.example", "ftp://showroom.example", "https://",
		"https://showroom.example/path", "https://showroom.example?x",
		"https://showroom.example#x", "https://user@showroom.example",
		"https://showroom.example:", "https://showroom.example:0",
		"https://showroom.example:65536", "https://showroom.example:80a",
		"https://showroom.example:123456", "https://show room.example",
		"https://showroom_example", "https://[::1", "https://[::1]x",
		"https://[g::1]", "https://a:b:c", "null",
	};
	struct origin o;
	char err[300];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (origin_parse(good[i].url, &o, err, sizeof(err)) != 0)
			fail_msg("%s: %s", good[i].url, err);
		assert_string_equal(o.authority, good[i].authority);
		assert_string_equal(o.origin, good[i].origin);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (origin_parse(bad[i], &o, err, sizeof(err)) != -1)
			fail_msg("\"%s\" taken", bad[i]);
		assert_true(err[0] != '\0');
	}
	/* no reason wanted */
	assert_int_equal(origin_parse("gopher://x", &o, NULL, 0), -1);
}

static void
test_host_is(void **state)
{
	struct origin o;

	assert_int_equal(origin_parse("https://showroom.example", &o, NULL, 0), 0);
	assert_true(origin_host_is(&o, "showroom.example", 16));
	assert_true(origin_host_is(&o, "SHOWROOM.example", 16));
	assert_true(origin_host_is(&o, "showroom.example:443", 20));
	assert_true(origin_host_is(&o, "showroom.example:443xyz", 20));	/* LEN counts */
	assert_false(origin_host_is(&o, "showroom.example:80", 19));
	assert_false(origin_host_is(&o, "evil.example", 12));
	assert_false(origin_host_is(&o, "showroom.example.evil.example", 29));
	assert_false(origin_host_is(&o, "user@showroom.example", 21));
	assert_false(origin_host_is(&o, "", 0));
	assert_false(origin_host_is(&o, NULL, 0));
	assert_int_equal(origin_parse("http://127.0.0.1:8080", &o, NULL, 0), 0);
	assert_true(origin_host_is(&o, "127.0.0.1:8080", 14));
	assert_false(origin_host_is(&o, "127.0.0.1", 9));
	assert_false(origin_host_is(&o, "127.0.0.1:8081", 14));
}

/* A request's headers: "Name: value" lines, NULL-terminated. */
static const char *
fake_header(void *arg, const char *name, size_t *lenp)
{
	const char *const *h = arg;
	size_t n = strlen(name);

	for (; *h != NULL; h++)
		if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':') {
			*lenp = strlen(*h + n + 2);
			return *h + n + 2;
		}
	return NULL;
}

static int
form_ok(const struct origin *pub, const char *const *headers)
{
	struct app_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.header = fake_header;
	rq.header_arg = (void *)(uintptr_t)headers;
	return origin_form_ok(pub, &rq);
}

static void
test_form_ok(void **state)
{
	static const struct {
		int		 pub, ok;
		const char	*h[4];
	} cases[] = {
		{ 0, 1, { "Host: shop.example", NULL } },
		{ 0, 1, { "Host: shop.example", "Sec-Fetch-Site: none", NULL } },
		{ 0, 1, { "Host: shop.example", "Sec-Fetch-Site: same-origin", NULL } },
		{ 0, 0, { "Host: shop.example", "Sec-Fetch-Site: cross-site", NULL } },
		{ 0, 0, { "Host: shop.example", "Sec-Fetch-Site: Cross-Site", NULL } },
		{ 0, 0, { "Host: shop.example", "Sec-Fetch-Site: same-site", NULL } },
		{ 0, 1, { "Host: shop.example", "Origin: https://shop.example", NULL } },
		{ 0, 1, { "Host: shop.example", "Origin: http://shop.example", NULL } },
		{ 0, 1, { "Host: shop.example:443", "Origin: https://shop.example", NULL } },
		{ 0, 0, { "Host: shop.example", "Origin: https://shop.example:8443", NULL } },
		{ 0, 0, { "Host: shop.example", "Origin: https://evil.example", NULL } },
		/* what browsers send from the site's own no-referrer pages */
		{ 0, 1, { "Host: shop.example", "Origin: null", NULL } },
		{ 0, 1, { "Host: shop.example", "Origin: null", "Sec-Fetch-Site: same-origin",
		    NULL } },
		{ 0, 0, { "Host: shop.example", "Origin: null", "Sec-Fetch-Site: cross-site",
		    NULL } },
		{ 0, 0, { "Host: shop.example", "Origin: Null", NULL } },
		{ 0, 0, { "Host: shop.example", "Origin: https://shop.example/", NULL } },
		{ 0, 0, { "Host: shop.example", "Origin: ftp://shop.example", NULL } },
		{ 0, 0, { "Origin: https://shop.example", NULL } },
		{ 0, 0, { "Host: shop.example", "Origin: https://shop.example",
		    "Sec-Fetch-Site: cross-site", NULL } },
		/* with --public-url https://shop.example */
		{ 1, 1, { "Host: shop.example", "Origin: https://shop.example", NULL } },
		{ 1, 1, { "Host: 127.0.0.1:8080", "Origin: https://shop.example", NULL } },
		{ 1, 1, { "Host: shop.example", "Origin: https://SHOP.example:443", NULL } },
		{ 1, 0, { "Host: shop.example", "Origin: http://shop.example", NULL } },
		{ 1, 0, { "Host: evil.example", "Origin: https://evil.example", NULL } },
		{ 1, 0, { "Host: shop.example", "Origin: https://www.shop.example", NULL } },
		{ 1, 1, { "Host: shop.example", NULL } },
		{ 1, 0, { "Host: shop.example", "Sec-Fetch-Site: cross-site", NULL } },
	};
	struct origin pub;
	size_t i;

	assert_int_equal(origin_parse("https://shop.example", &pub, NULL, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (form_ok(cases[i].pub ? &pub : NULL, cases[i].h) != cases[i].ok)
			fail_msg("case %zu (%s, %s): not %d", i, cases[i].h[0],
			    cases[i].h[1] ? cases[i].h[1] : "", cases[i].ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_host_is),
		cmocka_unit_test(test_form_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
