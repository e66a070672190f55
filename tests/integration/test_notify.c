/*
 * Notices over real SMTP and HTTP receivers on loopback (tests/support/testrecv.c), on
 * SQLite and (with SHOWROOM_TEST_PG_URL) PostgreSQL: a booking and a catalog request made
 * with personal data reach their dealer's and HQ's channels as notices that say who, how
 * many of which kind and where the office is, byte for byte, and nothing a visitor typed
 * (not even the model or the slot); the webhook's signature verifies; notices are batched
 * per interval; smtp:// without STARTTLS is never used unless configured for loopback;
 * failures are retried and given up, and counted; a notice committed but not sent when
 * showroomd is killed (SIGKILL) is sent after the restart; two nodes send each notice once;
 * the sandbox still refuses what it refused. All data is fictional; loopback only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "store/store.h"
#include "testkeys.h"
#include "testpg.h"
#include "testrecv.h"
#include "testsrv.h"

#define DEALER1		"tokyo-setagaya"
#define SECRET		"example-webhook-secret-0123456789"
#define OFFICE		"https://office.example.jp/"
#define MAIL_FROM	"showroom@kazehana-motors.example"
#define MAIL_TO		"setagaya@dealer.kazehana-motors.example"

/* What the visitor types: none of it may reach a notice. */
#define V_NAME		"見本 花子"
#define V_NAME_Q	"%E8%A6%8B%E6%9C%AC+%E8%8A%B1%E5%AD%90"
#define V_PHONE		"090-0000-1234"
#define V_EMAIL		"hanako.mihon@example.com"
#define V_EMAIL_Q	"hanako.mihon%40example.com"
#define V_NOTE		"Please-bring-the-blue-one"
#define V_ADDR		"架空区見本町1-2-3"
#define V_ADDR_Q	"%E6%9E%B6%E7%A9%BA%E5%8C%BA%E8%A6%8B%E6%9C%AC%E7%94%BA1-2-3"

static char dir[256], site[300], keyring[300], rootpub[300], conf[300];
static char model1[64], key_d1[80], key_hq[80];
static int pg_mode;
static struct testpg pg;
static char store_url[400];
static struct testsrv srv, srv2;
static struct testrecv *smtp, *http;

/* ---- setup ---- */

static int
read_key_id(const char *pub, char *out, size_t outsz)
{
	json_error_t je;
	json_t *doc = json_load_file(pub, 0, &je);

	if (doc == NULL)
		return -1;
	snprintf(out, outsz, "%s", json_string_value(json_object_get(doc, "key_id")));
	json_decref(doc);
	return 0;
}

static int
pick_model(void)
{
	char path[400];
	json_error_t je;
	json_t *cat, *d, *v;
	const char *k;
	size_t i;

	snprintf(path, sizeof(path), "%s/api/v1/catalog.json", site);
	if ((cat = json_load_file(path, 0, &je)) == NULL)
		return -1;
	json_array_foreach(json_object_get(cat, "dealers"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "code")), DEALER1) == 0)
			json_object_foreach(json_object_get(d, "demo_cars"), k, v)
				if (model1[0] == '\0')
					snprintf(model1, sizeof(model1), "%s", k);
	json_decref(cat);
	return model1[0] ? 0 : -1;
}

static int
group_setup(void **state)
{
	const char *dealers[] = { DEALER1, NULL };
	char cmd[1024], p[400];

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-notify") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s/site", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	snprintf(conf, sizeof(conf), "%s/notify.json", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", testsrv_path("demo-site"), site);
	if (system(cmd) != 0 || testkeys_make(dir, dealers) == -1 || pick_model() == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/dealer-%s.public", dir, DEALER1);
	if (read_key_id(p, key_d1, sizeof(key_d1)) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/hq.public", dir);
	return read_key_id(p, key_hq, sizeof(key_hq));
}

static int
group_setup_sqlite(void **state)
{
	pg_mode = 0;
	return group_setup(state);
}

static int
group_setup_pg(void **state)
{
	pg_mode = 1;
	return group_setup(state);
}

static int
group_teardown(void **state)
{
	return fs_remove_tree(dir) == 0 ? 0 : -1;
}

/* Each test: fresh receivers and a fresh, empty store. */
static int
setup(void **state)
{
	static int n;

	if ((smtp = testrecv_start(TESTRECV_SMTP, 0)) == NULL ||
	    (http = testrecv_start(TESTRECV_HTTP, 0)) == NULL)
		return -1;
	if (pg_mode) {
		if (testpg_fresh(&pg, "showroom_notify") == -1)
			return -1;
		snprintf(store_url, sizeof(store_url), "%s", pg.url);
	} else
		snprintf(store_url, sizeof(store_url), "%s/data-%d", dir, ++n);
	memset(&srv, 0, sizeof(srv));
	memset(&srv2, 0, sizeof(srv2));
	return 0;
}

static int
teardown(void **state)
{
	if (srv.pid > 0)
		testsrv_stop(&srv, SIGTERM);
	if (srv2.pid > 0)
		testsrv_stop(&srv2, SIGTERM);
	testrecv_stop(smtp);
	testrecv_stop(http);
	smtp = http = NULL;
	testpg_drop(&pg);
	return 0;
}

/* Writes the notice configuration: dealer 1 by e-mail and webhook, HQ by webhook.
 * EXTRA is spliced into the top-level object (may be ""); SMTP_EXTRA into the e-mail's. */
static void
write_conf(const char *extra, const char *smtp_extra, int hq_port)
{
	FILE *f;

	assert_non_null(f = fopen(conf, "w"));
	fprintf(f, "{%s\"office_url\":\"" OFFICE "\",\"recipients\":{"
	    "\"dealer:" DEALER1 "\":{\"email\":{\"url\":\"smtp://127.0.0.1:%d\","
	    "\"from\":\"" MAIL_FROM "\",\"to\":[\"" MAIL_TO "\"]%s},"
	    "\"webhook\":{\"url\":\"http://127.0.0.1:%d/dealer\",\"secret\":\"" SECRET "\"}},"
	    "\"hq\":{\"webhook\":{\"url\":\"http://127.0.0.1:%d/hq\",\"secret\":\"" SECRET "\"}}"
	    "}}\n", extra, testrecv_port(smtp), smtp_extra, testrecv_port(http),
	    hq_port ? hq_port : testrecv_port(http));
	assert_int_equal(fclose(f), 0);
}

static void
start_server(struct testsrv *s, int selftest)
{
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    pg_mode ? "--db" : "--data", store_url, "--notify", conf, "--rate", "100000",
	    "--burst", "100000", selftest ? "--sandbox-selftest" : NULL, NULL };

	assert_int_equal(testsrv_start(s, args), 0);
}

/* ---- visitors ---- */

static int
free_slot(const struct testsrv *s, char start[17])
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *sl;
	char path[256], date[11];
	size_t i;
	int day;

	for (day = 2; day < 20; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER1,
		    model1, date);
		if (http_get(s->port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		json_array_foreach(json_object_get(doc, "slots"), i, sl)
			if (json_integer_value(json_object_get(sl, "free")) > 0) {
				snprintf(start, 17, "%s",
				    json_string_value(json_object_get(sl, "start")));
				json_decref(doc);
				return 0;
			}
		json_decref(doc);
	}
	return -1;
}

static void
idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

/* A test drive at dealer 1 through S; its slot in start. */
static void
book(const struct testsrv *s, char start[17])
{
	struct http_reply r;
	char body[2048], id[33];

	assert_int_equal(free_slot(s, start), 0);
	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&model=%s&dealer=%s&slot=%.13s%%3A%s"
	    "&name=%s&phone=%s&email=%s&note=%s&licence=yes", id, model1, DEALER1, start,
	    start + 14, V_NAME_Q, V_PHONE, V_EMAIL_Q, V_NOTE);
	assert_int_equal(http_post(s->port, "/test-drive", body, &r), 0);
	if (r.status != 303)
		fail_msg("booking: %d %.300s", r.status, r.body);
	http_reply_free(&r);
}

static void
request_catalog(const struct testsrv *s)
{
	struct http_reply r;
	char body[2048], id[33];

	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%s"
	    "&postal_code=100-0001&prefecture=13&address1=%s&address2=", id, model1, V_NAME_Q,
	    V_ADDR_Q);
	assert_int_equal(http_post(s->port, "/request", body, &r), 0);
	if (r.status != 303)
		fail_msg("catalog request: %d %.300s", r.status, r.body);
	http_reply_free(&r);
}

/* ---- reading what arrived ---- */

/* No value the visitor typed, nor the model or slot, in TEXT. */
static void
no_personal_data(const char *text, const char *start)
{
	const char *const v[] = { V_NAME, "見本", "花子", V_PHONE, "0900001234", V_EMAIL,
	    "hanako", V_NOTE, V_ADDR, "100-0001", model1, start, start + 11, NULL };
	char date[11];
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strstr(text, v[i]) != NULL)
			fail_msg("a notice holds \"%s\":\n%s", v[i], text);
	snprintf(date, sizeof(date), "%.10s", start);
	assert_null(strstr(text, date));
}

/* The body after the blank line, and (for mail) decoded from base64. */
static char *
mail_body(const char *msg)
{
	const char *b = strstr(msg, "\r\n\r\n");
	char *b64, *out;
	size_t i, j, len;

	assert_non_null(b);
	b += 4;
	assert_non_null(b64 = malloc(strlen(b) + 1));
	for (i = j = 0; b[i] != '\0'; i++)
		if (b[i] != '\r' && b[i] != '\n')
			b64[j++] = b[i];
	b64[j] = '\0';
	assert_non_null(out = malloc(j + 1));
	assert_int_equal(sodium_base642bin((unsigned char *)out, j, b64, j, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	out[len] = '\0';
	free(b64);
	return out;
}

/* The value of header NAME in a message or request head ("" when absent). */
static void
header(const char *msg, const char *name, char *out, size_t outsz)
{
	char needle[64];
	const char *p, *e;

	snprintf(needle, sizeof(needle), "\r\n%s: ", name);
	out[0] = '\0';
	if ((p = strstr(msg, needle)) == NULL) {
		snprintf(needle, sizeof(needle), "%s: ", name);
		if (strncmp(msg, needle, strlen(needle)) != 0)
			return;
		p = msg - 2;
	}
	p += strlen(needle);
	e = strstr(p, "\r\n");
	snprintf(out, outsz, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
}

/* The webhook request of PATH among those received (index in *ip); its body. */
static const char *
hook_body(const struct testrecv_msg *m)
{
	const char *b = strstr(m->data, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

/* Checks the signature header of a webhook request; its timestamp. */
static long long
hook_verify(const struct testrecv_msg *m)
{
	char sig[200], want[200], *p;
	const char *body = hook_body(m);
	long long t;

	header(m->data, "Showroom-Signature", sig, sizeof(sig));
	assert_true(strncmp(sig, "t=", 2) == 0);
	t = strtoll(sig + 2, &p, 10);
	assert_true(llabs(t - (long long)time(NULL)) < 120);
	{
		crypto_auth_hmacsha256_state st;
		unsigned char mac[32];
		char ts[24], hex[65];

		snprintf(ts, sizeof(ts), "%lld", t);
		crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
		crypto_auth_hmacsha256_final(&st, mac);
		sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
		snprintf(want, sizeof(want), "t=%lld, v1=%s", t, hex);
	}
	assert_string_equal(sig, want);
	return t;
}

static int
hook_is(const struct testrecv_msg *m, const char *path)
{
	char line[64];

	snprintf(line, sizeof(line), "POST %s HTTP/1.1\r\n", path);
	return strncmp(m->data, line, strlen(line)) == 0;
}

/* The store's counters, through a handle of the test's own. */
static void
counters(struct store_counters *c)
{
	struct store_err e;
	struct store *st;

	assert_int_equal(store_open(&st, store_url, &e), STORE_OK);
	assert_int_equal(store_counters(st, c, &e), STORE_OK);
	store_close(st);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- the tests ---- */

static void
test_notice_says_only_who_how_many_where(void **state)
{
	struct testrecv_msg mail, h[2];
	char start[17], v[256], want[2048], *body, *log;
	const struct testrecv_msg *hd = NULL, *hh = NULL;
	long long t;
	int i;

	write_conf("\"interval\":2,\"poll\":1,\"retry\":1,", ",\"starttls\":false", 0);
	start_server(&srv, 1);
	book(&srv, start);
	request_catalog(&srv);
	assert_int_equal(testrecv_wait(smtp, 1, 15000), 1);
	assert_int_equal(testrecv_wait(http, 2, 15000), 2);

	/* the e-mail: envelope and headers as configured ... */
	assert_int_equal(testrecv_get(smtp, 0, &mail), 0);
	assert_string_equal(mail.from, "<" MAIL_FROM ">");
	assert_string_equal(mail.rcpt, "<" MAIL_TO ">\n");
	header(mail.data, "From", v, sizeof(v));
	assert_string_equal(v, "<" MAIL_FROM ">");
	header(mail.data, "To", v, sizeof(v));
	assert_string_equal(v, "<" MAIL_TO ">");
	header(mail.data, "Subject", v, sizeof(v));
	assert_string_equal(v, "[showroom] 1 new record waiting");
	header(mail.data, "Content-Type", v, sizeof(v));
	assert_string_equal(v, "text/plain; charset=UTF-8");
	header(mail.data, "Content-Transfer-Encoding", v, sizeof(v));
	assert_string_equal(v, "base64");
	header(mail.data, "Message-ID", v, sizeof(v));
	assert_non_null(strstr(v, ".notice@kazehana-motors.example>"));
	header(mail.data, "Date", v, sizeof(v));
	assert_non_null(strstr(v, " +0900"));
	/* ... and the text, byte for byte: who, how many of which kind, where */
	body = mail_body(mail.data);
	snprintf(want, sizeof(want), "showroom: 新しい記録が届いています / New records are "
	    "waiting\r\n\r\n宛先 / For: dealer " DEALER1 " (%s)\r\n"
	    "試乗の予約 / test-drive booking: 1\r\n\r\n"
	    "バックオフィスで開いてください / Open them in the back office:\r\n" OFFICE "\r\n",
	    key_d1);
	assert_string_equal(body, want);
	no_personal_data(mail.data, start);
	no_personal_data(body, start);
	free(body);
	testrecv_msg_free(&mail);

	/* the webhooks: signed, and as small as the rule */
	for (i = 0; i < 2; i++) {
		assert_int_equal(testrecv_get(http, (size_t)i, &h[i]), 0);
		no_personal_data(h[i].data, start);
		if (hook_is(&h[i], "/dealer"))
			hd = &h[i];
		else if (hook_is(&h[i], "/hq"))
			hh = &h[i];
	}
	assert_non_null(hd);
	assert_non_null(hh);
	header(hd->data, "Content-Type", v, sizeof(v));
	assert_string_equal(v, "application/json");
	t = hook_verify(hd);
	snprintf(want, sizeof(want), "{\"event\":\"records_waiting\",\"key_id\":\"%s\","
	    "\"office\":\"" OFFICE "\",\"recipient\":\"dealer:" DEALER1 "\",\"sent_at\":%lld,"
	    "\"text\":\"showroom: 1 new record waiting for dealer " DEALER1 " (%s) - " OFFICE
	    "\",\"waiting\":{\"test_drive\":1}}", key_d1, t, key_d1);
	assert_string_equal(hook_body(hd), want);
	t = hook_verify(hh);
	snprintf(want, sizeof(want), "{\"event\":\"records_waiting\",\"key_id\":\"%s\","
	    "\"office\":\"" OFFICE "\",\"recipient\":\"hq\",\"sent_at\":%lld,"
	    "\"text\":\"showroom: 1 new record waiting for hq (%s) - " OFFICE
	    "\",\"waiting\":{\"catalog_request\":1}}", key_hq, t, key_hq);
	assert_string_equal(hook_body(hh), want);
	testrecv_msg_free(&h[0]);
	testrecv_msg_free(&h[1]);

	/* the sandbox still refuses what it refused, and the log holds nothing typed */
	log = testsrv_log(&srv);
	assert_non_null(strstr(log, "sandbox self-test: exec refused"));
	assert_non_null(strstr(log, "sandbox self-test: open /etc/passwd refused"));
	assert_non_null(strstr(log, "sandbox self-test: socket AF_PACKET refused"));
	assert_non_null(strstr(log, "sandbox self-test: socket AF_INET allowed"));
	assert_non_null(strstr(log, "notice: dealer:" DEALER1 ": delivered"));
	no_personal_data(log, start);
	assert_null(strstr(log, MAIL_TO));
	assert_null(strstr(log, SECRET));
	free(log);
}

static void
test_batched_per_interval(void **state)
{
	struct testrecv_msg a, b;
	struct store_counters c;

	write_conf("\"interval\":3,\"poll\":1,", ",\"starttls\":false", 0);
	start_server(&srv, 0);
	request_catalog(&srv);
	assert_int_equal(testrecv_wait(http, 1, 15000), 1);
	request_catalog(&srv);
	request_catalog(&srv);
	/* the next two wait for the interval, then go as one notice */
	assert_int_equal(testrecv_wait(http, 2, 1500), 1);
	assert_int_equal(testrecv_wait(http, 2, 15000), 2);
	assert_int_equal(testrecv_get(http, 0, &a), 0);
	assert_int_equal(testrecv_get(http, 1, &b), 0);
	assert_non_null(strstr(hook_body(&a), "\"waiting\":{\"catalog_request\":1}"));
	assert_non_null(strstr(hook_body(&b), "\"waiting\":{\"catalog_request\":2}"));
	assert_non_null(strstr(hook_body(&b), "showroom: 2 new records waiting"));
	assert_true(b.at - a.at >= 2.5);
	testrecv_msg_free(&a);
	testrecv_msg_free(&b);
	sleep_ms(1500);
	assert_int_equal(testrecv_wait(http, 3, 0), 2);
	counters(&c);
	assert_int_equal(c.notices_delivered, 2);
	assert_int_equal(c.notices_retried + c.notices_failed, 0);
}

static void
test_starttls_required(void **state)
{
	struct store_counters c;
	char start[17], *log;
	int i;

	/* no "starttls": false: the receiver offers no STARTTLS, so nothing is sent */
	write_conf("\"interval\":1,\"poll\":1,\"retry\":1,", "", 0);
	start_server(&srv, 0);
	book(&srv, start);
	for (i = 0; i < 100 && testrecv_connections(smtp) < 2; i++)
		sleep_ms(100);
	assert_true(testrecv_connections(smtp) >= 2);	/* tried, and tried again */
	assert_int_equal(testrecv_wait(smtp, 1, 0), 0);
	counters(&c);
	assert_int_equal(c.notices_delivered, 0);
	assert_true(c.notices_retried >= 1);
	log = testsrv_log(&srv);
	assert_non_null(strstr(log, "e-mail not sent"));
	free(log);
	testsrv_stop(&srv, SIGTERM);
	memset(&srv, 0, sizeof(srv));

	/* plain SMTP, or a plain webhook, to another host: refused at start */
	{
		const char *bad[] = {
			"{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtp://mail.example.jp\","
			    "\"from\":\"a@b.example\",\"to\":[\"c@d.example\"],\"starttls\":false}}}}",
			"{\"recipients\":{\"hq\":{\"webhook\":{\"url\":\"http://chat.example.jp/x\","
			    "\"secret\":\"" SECRET "\"}}}}",
			"{\"recipients\":{\"hq\":{\"webhook\":{\"url\":\"https://chat.example.jp/x\","
			    "\"secret\":\"short\"}}}}",
			"{\"recipients\":{\"hq\":{\"email\":{\"url\":\"smtp://mail.example.jp\","
			    "\"from\":\"a@b.example\",\"to\":[\"c@d.example\\r\\nBcc: e@f.example\"]}}}}",
			"{\"recipients\":{\"visitor\":{\"webhook\":{\"url\":\"https://c.example/x\","
			    "\"secret\":\"" SECRET "\"}}}}",
		};
		const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub",
		    rootpub, pg_mode ? "--db" : "--data", store_url, "--notify", conf, NULL };
		struct testsrv s;
		FILE *f;
		size_t k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			assert_non_null(f = fopen(conf, "w"));
			fputs(bad[k], f);
			fclose(f);
			memset(&s, 0, sizeof(s));
			if (testsrv_start(&s, args) == 0) {
				testsrv_stop(&s, SIGTERM);
				fail_msg("started with %s", bad[k]);
			}
			log = testsrv_log(&s);
			assert_non_null(strstr(log, "refusing to start: --notify"));
			free(log);
		}
	}
}

static void
test_retry_then_give_up(void **state)
{
	struct store_counters c;
	struct testrecv *dead;
	int port, i;

	/* HQ's webhook points at a port nobody listens on, given up after 2 s */
	assert_non_null(dead = testrecv_start(TESTRECV_HTTP, 0));
	port = testrecv_port(dead);
	testrecv_stop(dead);
	testrecv_fail_next(http, 2, 500);
	write_conf("\"interval\":1,\"poll\":1,\"retry\":1,\"retry_max\":1,\"give_up\":3,",
	    ",\"starttls\":false", port);
	start_server(&srv, 0);
	{
		char s1[17];

		book(&srv, s1);	/* dealer 1: webhook fails twice, then takes it */
	}
	request_catalog(&srv);	/* HQ: never reached */
	assert_int_equal(testrecv_wait(http, 1, 15000), 1);
	for (i = 0; i < 100; i++) {
		counters(&c);
		if (c.notices_failed > 0)
			break;
		sleep_ms(100);
	}
	/* the dealer's: two failures (the e-mail resent with them), then delivered */
	assert_int_equal(c.notices_delivered, 1);
	assert_int_equal(c.notices_failed, 1);
	assert_true(c.notices_retried >= 2 + 2);
	assert_int_equal(testrecv_wait(smtp, 3, 0), 3);
	/* given up: nothing more is tried */
	sleep_ms(1500);
	counters(&c);
	assert_int_equal(c.notices_failed, 1);
	assert_int_equal(c.notices_delivered, 1);
}

static void
test_sigkill_before_delivery(void **state)
{
	struct testrecv_msg m;
	char start[17];

	/* looks at start only: the booking's notice waits in the outbox */
	write_conf("\"interval\":1,\"poll\":3600,", ",\"starttls\":false", 0);
	start_server(&srv, 0);
	book(&srv, start);
	assert_int_equal(testsrv_stop(&srv, SIGKILL), 128 + SIGKILL);	/* killed, no exit */
	memset(&srv, 0, sizeof(srv));
	assert_int_equal(testrecv_wait(http, 1, 500), 0);
	assert_int_equal(testrecv_wait(smtp, 1, 0), 0);
	/* restarted: its first look finds it */
	start_server(&srv, 0);
	assert_int_equal(testrecv_wait(http, 1, 15000), 1);
	assert_int_equal(testrecv_wait(smtp, 1, 15000), 1);
	assert_int_equal(testrecv_get(http, 0, &m), 0);
	assert_non_null(strstr(hook_body(&m), "\"waiting\":{\"test_drive\":1}"));
	no_personal_data(m.data, start);
	testrecv_msg_free(&m);
	sleep_ms(1500);
	assert_int_equal(testrecv_wait(http, 2, 0), 1);
}

static void
test_two_nodes_send_once(void **state)
{
	struct testrecv_msg m;
	long long total = 0;
	char start[17], *p;
	size_t i, n;
	int k;

	if (!pg_mode)
		skip();	/* several nodes share PostgreSQL only */
	write_conf("\"interval\":1,\"poll\":1,", ",\"starttls\":false", 0);
	start_server(&srv, 0);
	start_server(&srv2, 0);
	for (k = 0; k < 6; k++) {
		book(k % 2 ? &srv2 : &srv, start);
		sleep_ms(300);
	}
	for (k = 0; k < 150 && total < 6; k++) {
		sleep_ms(100);
		n = testrecv_wait(http, 0, 0);
		for (total = 0, i = 0; i < n; i++) {
			assert_int_equal(testrecv_get(http, i, &m), 0);
			assert_non_null(p = strstr(hook_body(&m), "\"test_drive\":"));
			total += atoll(p + 13);
			testrecv_msg_free(&m);
		}
	}
	assert_int_equal(total, 6);
	sleep_ms(2500);
	/* nothing more: no notice went twice */
	n = testrecv_wait(http, 0, 0);
	for (total = 0, i = 0; i < n; i++) {
		assert_int_equal(testrecv_get(http, i, &m), 0);
		total += atoll(strstr(hook_body(&m), "\"test_drive\":") + 13);
		testrecv_msg_free(&m);
	}
	assert_int_equal(total, 6);
	assert_int_equal(testrecv_wait(smtp, 0, 0), n);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_notice_says_only_who_how_many_where),
		T(test_batched_per_interval),
		T(test_starttls_required),
		T(test_retry_then_give_up),
		T(test_sigkill_before_delivery),
		T(test_two_nodes_send_once),
	};
	int fails;

	if (sodium_init() < 0)
		return 1;
	setenv("SHOWROOM_PASSPHRASE", TESTKEYS_PASS, 1);
	fails = cmocka_run_group_tests_name("notify/sqlite", tests, group_setup_sqlite,
	    group_teardown);
	if (!testpg_wanted()) {
		fprintf(stderr, "notify/postgres: %s not set, skipped\n", TESTPG_ENV);
		return fails;
	}
	return fails + cmocka_run_group_tests_name("notify/postgres", tests, group_setup_pg,
	    group_teardown);
}
