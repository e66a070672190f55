/* Token buckets: burst, refill, Retry-After, separate clients, IPv6 /64 grouping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <string.h>

#include "showroomd/ratelimit.h"

static struct sockaddr_in
v4(const char *ip)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

static struct sockaddr_in6
v6(const char *ip)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &sin6.sin6_addr);
	return sin6;
}

static void
test_burst_then_limit(void **state)
{
	struct ratelimit *rl = ratelimit_new(6, 3, 1024);	/* one token per 10 s */
	struct sockaddr_in a = v4("192.0.2.1"), b = v4("192.0.2.2");
	unsigned retry = 0;
	int i;

	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&a, 100.0, &retry), 1);
	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&a, 100.0, &retry), 0);
	assert_int_equal(retry, 10);
	/* another client is not affected */
	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&b, 100.0, &retry), 1);
	/* after 10 s one token is back, and only one */
	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&a, 110.0, &retry), 1);
	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&a, 110.0, &retry), 0);
	/* refill stops at the burst */
	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&a, 10000.0, &retry), 1);
	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&a, 10000.0, &retry), 0);
	ratelimit_free(rl);
}

static void
test_ipv6_prefix(void **state)
{
	struct ratelimit *rl = ratelimit_new(60, 1, 1024);
	struct sockaddr_in6 a = v6("2001:db8:1:2::1"), b = v6("2001:db8:1:2::ffff"),
	    c = v6("2001:db8:1:3::1");
	unsigned retry;

	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&a, 1.0, &retry), 1);
	/* the same /64: the same bucket */
	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&b, 1.0, &retry), 0);
	assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&c, 1.0, &retry), 1);
	ratelimit_free(rl);
}

static void
test_many_clients_evict(void **state)
{
	struct ratelimit *rl = ratelimit_new(60, 1, 64);
	struct sockaddr_in a;
	char ip[32];
	unsigned retry;
	int i, allowed = 0;

	/* far more clients than buckets: each newcomer still gets its burst */
	for (i = 0; i < 5000; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		a = v4(ip);
		allowed += ratelimit_take(rl, (struct sockaddr *)&a, (double)i, &retry);
	}
	assert_int_equal(allowed, 5000);
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_limit),
		cmocka_unit_test(test_ipv6_prefix),
		cmocka_unit_test(test_many_clients_evict),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
