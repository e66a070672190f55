/*
 * Notices, the pure parts: the configuration (defaults, every refusal: plain SMTP or HTTP
 * to another host, short secrets, header injection through an address, unknown keys),
 * which recipient a key's notices go to, the webhook signature against an HMAC computed
 * elsewhere, and the wording: counts by kind in both languages, nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "seal/keys.h"
#include "showroomd/notify.h"

#define SECRET	"example-webhook-secret-0123456789"
#define HOOK	"{\"webhook\":{\"url\":\"https://chat.example.jp/h/abc\",\"secret\":\"" SECRET "\"}}"

static int
parse(const char *text, struct notify_config *cfg, char *err, size_t errlen)
{
	return notify_config_parse(text, strlen(text), cfg, err, errlen);
}

static void
test_defaults(void **state)
{
	struct notify_config cfg;
	char err[300];

	assert_int_equal(parse("{\"recipients\":{\"hq\":" HOOK "}}", &cfg, err, sizeof(err)),
	    0);
	assert_int_equal(cfg.policy.interval, 300);
	assert_int_equal(cfg.policy.retry, 60);
	assert_int_equal(cfg.policy.retry_max, 3600);
	assert_int_equal(cfg.policy.give_up, 86400);
	assert_int_equal(cfg.poll, 5);
	assert_null(cfg.office_url);
	assert_int_equal(cfg.nr, 1);
	assert_string_equal(cfg.r[0].selector, "hq");
	assert_null(cfg.r[0].email);
	assert_string_equal(cfg.r[0].webhook->secret, SECRET);
	notify_config_free(&cfg);
	/* e-mail: STARTTLS unless said otherwise */
	assert_int_equal(parse("{\"recipients\":{\"dealer:tky\":{\"email\":{\"url\":"
	    "\"smtp://mail.example.jp:587\",\"from\":\"a@b.example\",\"to\":[\"c@d.example\","
	    "\"e@f.example\"],\"username\":\"u\",\"password\":\"p\"}}}}", &cfg, err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.r[0].email->starttls, 1);
	assert_int_equal(cfg.r[0].email->nto, 2);
	notify_config_free(&cfg);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "[]", "must be an object" },
		{ "{\"recipients\":{}}", "1 to 4096" },
		{ "{\"recipients\":{\"hq\":" HOOK "},\"intervall\":5}", "unknown key" },
		{ "{\"recipients\":{\"hq\":" HOOK "},\"interval\":-1}", "\"interval\"" },
		{ "{\"recipients\":{\"hq\":" HOOK "},\"retry\":60,\"retry_max\":10}", "retry_max" },
		{ "{\"recipients\":{\"visitor@example.com\":" HOOK "}}", "a recipient is" },
		{ "{\"recipients\":{\"hq\":{}}}", "needs \"email\"" },
		{ "{\"recipients\":{\"hq\":{\"webhook\":{\"url\":\"http://chat.example.jp/h\","
		    "\"secret\":\"" SECRET "\"}}}}", "https://" },
		{ "{\"recipients\":{\"hq\":{\"webhook\":{\"url\":\"https://chat.example.jp/h\","
		    "\"secret\":\"short\"}}}}", "16 characters" },
		{ "{\"recipients\":{\"hq\":{\"webhook\":{\"url\":\"https://user:pw@chat.example.jp/\","
		    "\"secret\":\"" SECRET "\"}}}}", "https://" },
		{ "{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtp://mail.example.jp\","
		    "\"from\":\"a@b.example\",\"to\":[\"c@d.example\"],\"starttls\":false}}}}",
		    "loopback" },
		{ "{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtps://127.0.0.1\","
		    "\"from\":\"a@b.example\",\"to\":[\"c@d.example\"],\"starttls\":false}}}}",
		    "loopback" },
		{ "{\"recipients\":{\"hq\":{\"email\":{\"url\":\"http://mail.example.jp\","
		    "\"from\":\"a@b.example\",\"to\":[\"c@d.example\"]}}}}", "smtp://" },
		{ "{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtp://mail.example.jp\","
		    "\"from\":\"a@b.example\",\"to\":[\"c@d.example\\r\\nBcc: x@y.example\"]}}}}",
		    "\"to\"" },
		{ "{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtp://mail.example.jp\","
		    "\"from\":\"<a@b.example>\",\"to\":[\"c@d.example\"]}}}}", "\"from\"" },
		{ "{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtp://mail.example.jp\","
		    "\"from\":\"a@b.example\",\"to\":[]}}}}", "1 to 10" },
		{ "{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtp://mail.example.jp\","
		    "\"from\":\"a@b.example\",\"to\":[\"c@d.example\"],\"username\":\"u\"}}}}",
		    "go together" },
		{ "{\"recipients\":{\"hq\":" HOOK "},\"office_url\":\"ftp://x.example/\"}",
		    "office_url" },
		{ "{\"recipients\":{\"hq\":" HOOK ",\"hq\":" HOOK "}}", "line 1" },
	};
	struct notify_config cfg;
	char err[300];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i].text, &cfg, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i].text);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("%s: %s (want ...%s...)", bad[i].text, err, bad[i].why);
		assert_int_equal(cfg.nr, 0);	/* freed */
	}
}

static void
test_find(void **state)
{
	struct notify_config cfg;
	char err[300];

	assert_int_equal(parse("{\"recipients\":{\"hq\":" HOOK ",\"dealer:tky\":" HOOK
	    ",\"key:dealer-tky-0011223344556677\":" HOOK "}}", &cfg, err, sizeof(err)), 0);
	assert_string_equal(notify_find(&cfg, "hq-1", KEYS_ROLE_HQ, "")->selector, "hq");
	assert_string_equal(notify_find(&cfg, "dealer-tky-1", KEYS_ROLE_DEALER, "tky")->selector,
	    "dealer:tky");
	/* a key of its own wins over its dealer's */
	assert_string_equal(notify_find(&cfg, "dealer-tky-0011223344556677", KEYS_ROLE_DEALER,
	    "tky")->selector, "key:dealer-tky-0011223344556677");
	assert_null(notify_find(&cfg, "dealer-osk-1", KEYS_ROLE_DEALER, "osk"));
	assert_null(notify_find(&cfg, "hq-1", 0, NULL));	/* not in the keyring */
	notify_config_free(&cfg);
}

static void
test_signature(void **state)
{
	char sig[160];

	/* python3: hmac.new(SECRET, b'1796050800.{"a":1}', hashlib.sha256).hexdigest() */
	notify_signature(SECRET, 1796050800, "{\"a\":1}", 7, sig, sizeof(sig));
	assert_string_equal(sig, "t=1796050800, v1=2cac51710d52387d928ef1deb5b33e149b911656a"
	    "8079eae68a5fdd07885db7a");
}

static void
test_wording(void **state)
{
	struct store_notice n;
	struct notify_email e;
	struct notify_msg m;
	struct buf out = BUF_INIT;
	const char *want;
	char *to[2] = { (char *)(uintptr_t)"c@d.example", (char *)(uintptr_t)"e@f.example" };

	memset(&n, 0, sizeof(n));
	snprintf(n.key_id, sizeof(n.key_id), "dealer-tky-0011223344556677");
	n.count[STORE_KIND_TEST_DRIVE] = 2;
	n.count[STORE_KIND_CANCELLATION] = 1;
	memset(&m, 0, sizeof(m));
	m.who = "dealer tky (dealer-tky-0011223344556677)";
	m.selector = "dealer:tky";
	m.n = &n;
	m.now = 1796050800;	/* 2026-12-01 00:00 JST */
	assert_int_equal(notify_text(&m, &out), 0);
	assert_string_equal(out.data, "showroom: 新しい記録が届いています / New records are "
	    "waiting\r\n\r\n宛先 / For: dealer tky (dealer-tky-0011223344556677)\r\n"
	    "試乗の予約 / test-drive bookings: 2\r\n予約の取り消し / cancellation: 1\r\n\r\n"
	    "バックオフィスで開いてください / Open them in the back office:\r\nshowroom office\r\n");
	buf_free(&out);
	memset(&e, 0, sizeof(e));
	e.from = (char *)(uintptr_t)"a@b.example";
	e.to[0] = to[0];
	e.to[1] = to[1];
	e.nto = 2;
	assert_int_equal(notify_mail(&m, &e, "x.notice@b.example", &out), 0);
	want = "Date: Tue, 01 Dec 2026 00:00:00 +0900\r\n"
	    "From: <a@b.example>\r\nTo: <c@d.example>, <e@f.example>\r\n"
	    "Subject: [showroom] 3 new records waiting\r\nMessage-ID: <x.notice@b.example>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n";
	assert_true(strncmp(out.data, want, strlen(want)) == 0);
	/* base64 lines of at most 76 characters */
	assert_true(strlen(strstr(out.data, "\r\n\r\n") + 4) > 0);
	assert_true(strchr(strstr(out.data, "\r\n\r\n") + 4, ' ') == NULL);
	buf_free(&out);
	assert_int_equal(notify_webhook_body(&m, &out), 0);
	assert_string_equal(out.data, "{\"event\":\"records_waiting\",\"key_id\":"
	    "\"dealer-tky-0011223344556677\",\"office\":null,\"recipient\":\"dealer:tky\","
	    "\"sent_at\":1796050800,\"text\":\"showroom: 3 new records waiting for dealer tky "
	    "(dealer-tky-0011223344556677)\",\"waiting\":{\"cancellation\":1,\"test_drive\":2}}");
	buf_free(&out);
}

static void
test_backoff(void **state)
{
	struct store_notice_policy p = { 300, 60, 1000, 86400 };

	/* docs/OPERATIONS.md: 60, 120, 240, 480, then the cap */
	assert_int_equal(store_notice_backoff(&p, 1), 60);
	assert_int_equal(store_notice_backoff(&p, 2), 120);
	assert_int_equal(store_notice_backoff(&p, 4), 480);
	assert_int_equal(store_notice_backoff(&p, 5), 960);
	assert_int_equal(store_notice_backoff(&p, 6), 1000);
	assert_int_equal(store_notice_backoff(&p, 1000), 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_wording),
		cmocka_unit_test(test_backoff),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
