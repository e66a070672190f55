/* The site's own origin (--public-url): parsing, the @authority a Host names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_host_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
