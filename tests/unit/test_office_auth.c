/* The office's pure checks: loopback-only listen addresses, the Host header, one-time
 * tokens and the local paths forms may go back to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "showroom/office/office_int.h"

static void
test_listen_loopback_only(void **state)
{
	static const char *const good[] = { "127.0.0.1:0", "127.0.0.1:8470", "127.1.2.3:65535",
	    "[::1]:0", "[::1]:8470" };
	static const char *const bad[] = { "0.0.0.0:0", "[::]:0", "192.0.2.1:80", "10.0.0.1:1",
	    "localhost:0", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80x",
	    ":80", "[::ffff:192.0.2.1]:1", "[::2]:0", "", "127.0.0.1:123456" };
	struct sockaddr_storage sa;
	socklen_t len;
	char err[256], host[80];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (office_listen_parse(good[i], &sa, &len, err, sizeof(err)) != 0)
			fail_msg("%s refused: %s", good[i], err);
		office_host_string(&sa, host, sizeof(host));
		assert_string_equal(host, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (office_listen_parse(bad[i], &sa, &len, err, sizeof(err)) != -1)
			fail_msg("%s accepted", bad[i]);
	assert_int_equal(office_listen_parse("0.0.0.0:1", &sa, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "loopback"));
}

static void
test_host(void **state)
{
	assert_true(office_host_ok("127.0.0.1:8470", "127.0.0.1:8470"));
	assert_false(office_host_ok(NULL, "127.0.0.1:8470"));
	assert_false(office_host_ok("127.0.0.1", "127.0.0.1:8470"));
	assert_false(office_host_ok("localhost:8470", "127.0.0.1:8470"));
	assert_false(office_host_ok("127.0.0.1:8470.evil.example", "127.0.0.1:8470"));
	assert_false(office_host_ok("evil.example:8470", "127.0.0.1:8470"));
}

static void
test_tokens(void **state)
{
	char a[OFFICE_HEX + 1], b[OFFICE_HEX + 1], used[OFFICE_HEX + 1] = "";

	office_token_new(a);
	office_token_new(b);
	assert_int_equal(strlen(a), OFFICE_HEX);
	assert_string_not_equal(a, b);
	assert_true(office_token_ok(a, a));
	assert_false(office_token_ok(b, a));
	assert_false(office_token_ok(NULL, a));
	assert_false(office_token_ok("", a));
	assert_false(office_token_ok("", used));	/* a used token matches nothing */
	a[10] = '\0';
	assert_false(office_token_ok(a, b));
}

static void
test_local_path(void **state)
{
	assert_string_equal(office_local_path("/inbox?page=2"), "/inbox?page=2");
	assert_string_equal(office_local_path(NULL), "/");
	assert_string_equal(office_local_path("https://evil.example/"), "/");
	assert_string_equal(office_local_path("//evil.example/"), "/");
	assert_string_equal(office_local_path("/\\evil.example/"), "/");
	assert_string_equal(office_local_path("/a\r\nSet-Cookie: x"), "/");
	assert_string_equal(office_local_path("/a b"), "/");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_loopback_only),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_local_path),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
