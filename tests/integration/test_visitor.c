/*
 * The visitor's journey over real HTTP, as a browser without JavaScript walks it: the
 * language switch and the links that name a page's other language, the booking flow's
 * steps (model, dealer, calendar, times, review), the receipt in each of its states, the
 * postal-code lookup and what a refused or limited post keeps. Each test names the defect
 * of the visitor issue it holds fixed.
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

#include "testkeys.h"
#include "testsrv.h"

#define DEALER	"tokyo-setagaya"
#define MODEL	"sorane"	/* DEALER keeps demo cars of it */
#define BRAND	"https://showroom.example"

static char dir[256], site[300], data[300], keyring[300], rootpub[300];
static struct testsrv srv;

static int
start_server(struct testsrv *s, const char *rate)
{
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    "--data", data, "--rate", rate, "--burst", rate, "--threads", "2", NULL };

	return testsrv_start(s, args);
}

static int
setup(void **state)
{
	static const char *const dealers[] = { DEALER, "osaka-suita", "fukuoka-hakata", NULL };
	char cmd[1024];

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-visitor") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s/site", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", testsrv_path("demo-site"), site);
	if (system(cmd) != 0 || testkeys_make(dir, dealers) == -1)
		return -1;
	return start_server(&srv, "100000");
}

static int
teardown(void **state)
{
	char cmd[512];

	testsrv_stop(&srv, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers ---- */

static void
get_ok(const char *path, struct http_reply *r)
{
	assert_int_equal(http_get(srv.port, path, NULL, r), 0);
	if (r->status != 200)
		fail_msg("GET %s: %d %.300s", path, r->status, r->body);
}

/* The value of attribute ATTR of the first tag that contains MARK, in out. */
static const char *
attr_of(const char *html, const char *mark, const char *attr, char *out, size_t outsz)
{
	const char *m = strstr(html, mark), *tag, *end, *a, *v;
	char key[64];

	if (m == NULL)
		return NULL;
	for (tag = m; tag > html && *tag != '<'; tag--)
		;
	if ((end = strchr(m, '>')) == NULL)
		return NULL;
	snprintf(key, sizeof(key), " %s=\"", attr);
	if ((a = strstr(tag, key)) == NULL || a > end)
		return NULL;
	v = a + strlen(key);
	snprintf(out, outsz, "%.*s", (int)(strcspn(v, "\"")), v);
	return out;
}

/* HTML attribute text back to the URL it names ("&amp;" to "&"). */
static void
unamp(char *s)
{
	char *p;

	while ((p = strstr(s, "&amp;")) != NULL)
		memmove(p + 1, p + 5, strlen(p + 5) + 1);
}

static void
idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

/* The first day from tomorrow with a free slot at DEALER for MODEL, and that slot. */
static int
find_slot(char date[11], char start[17])
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *s, *list;
	char path[256];
	size_t i;
	int day;

	for (day = 1; day < 14; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, 11, "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER,
		    MODEL, date);
		if (http_get(srv.port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		list = json_object_get(doc, "slots");
		for (i = 0; i < json_array_size(list); i++) {
			s = json_array_get(list, i);
			if (json_integer_value(json_object_get(s, "free")) > 0) {
				snprintf(start, 17, "%s",
				    json_string_value(json_object_get(s, "start")));
				json_decref(doc);
				return 0;
			}
		}
		json_decref(doc);
	}
	return -1;
}

static void
booking_body(char *out, size_t outsz, const char *start, const char *id)
{
	snprintf(out, outsz, "idem=%s&website=&model=%s&dealer=%s&slot=%.13s%%3A%s"
	    "&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E8%%8A%%B1%%E5%%AD%%90&phone=0300001234"
	    "&email=&note=&licence=yes", id, MODEL, DEALER, start, start + 14);
}

/* Books a slot; the receipt's path (with its token) in loc. */
static void
book(char *loc, size_t locsz)
{
	struct http_reply r;
	char date[11], start[17], body[1024], id[33];

	assert_int_equal(find_slot(date, start), 0);
	idem(id);
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	if (r.status != 303)
		fail_msg("booking: %d %.400s", r.status, r.body);
	assert_non_null(http_header_get(&r, "Location", loc, locsz));
	http_reply_free(&r);
}

/* ---- defect 2: the language switch, canonical and hreflang links ---- */

/* Every link to PAGE's twins is served: the switch, canonical, and each alternate. */
static void
twins_served(const char *path, const char *ja, const char *en)
{
	struct http_reply r, t;
	char want[512], got[512], *p;
	const char *other = strncmp(path, "/en/", 4) == 0 ? ja : en;

	get_ok(path, &r);
	assert_non_null(attr_of(r.body, "hreflang=\"ja\"", "href", got, sizeof(got)));
	snprintf(want, sizeof(want), BRAND "%s", ja);
	assert_string_equal(got, want);
	assert_non_null(attr_of(r.body, "rel=\"alternate\" hreflang=\"en\"", "href", got,
	    sizeof(got)));
	snprintf(want, sizeof(want), BRAND "%s", en);
	assert_string_equal(got, want);
	assert_non_null(attr_of(r.body, "rel=\"canonical\"", "href", got, sizeof(got)));
	snprintf(want, sizeof(want), BRAND "%s", strncmp(path, "/en/", 4) == 0 ? en : ja);
	assert_string_equal(got, want);
	/* the switch in the header, the first link with an hreflang in the body */
	assert_non_null(p = strstr(r.body, "<body"));
	assert_non_null(attr_of(p, "hreflang=", "href", got, sizeof(got)));
	unamp(got);
	if (strcmp(got, other) != 0)
		fail_msg("%s: the language switch leads to %s, not %s", path, got, other);
	get_ok(ja, &t);
	http_reply_free(&t);
	get_ok(en, &t);
	http_reply_free(&t);
	http_reply_free(&r);
}

static void
test_language_switch_on_forms(void **state)
{
	twins_served("/request", "/request", "/en/request");
	twins_served("/en/request", "/request", "/en/request");
	twins_served("/test-drive", "/test-drive", "/en/test-drive");
	twins_served("/en/test-drive", "/test-drive", "/en/test-drive");
	twins_served("/privacy/", "/privacy/", "/en/privacy/");
}

/* On a receipt the switch keeps the booking: the same receipt, token and all. */
static void
test_language_switch_on_receipt(void **state)
{
	struct http_reply r, t;
	char loc[512], got[512], want[600], *q, *p;

	book(loc, sizeof(loc));
	get_ok(loc, &r);
	snprintf(want, sizeof(want), "/en%s", loc);
	assert_non_null(p = strstr(r.body, "<body"));
	assert_non_null(attr_of(p, "hreflang=", "href", got, sizeof(got)));
	unamp(got);
	assert_string_equal(got, want);
	get_ok(got, &t);
	assert_non_null(strstr(t.body, "lang=\"en\""));
	assert_non_null(strstr(t.body, "class=\"booking\""));
	http_reply_free(&t);
	/* canonical and alternates name the receipt, never its token */
	q = strchr(loc, '?');
	*q = '\0';
	snprintf(want, sizeof(want), BRAND "/en%s", loc);
	assert_non_null(attr_of(r.body, "rel=\"alternate\" hreflang=\"en\"", "href", got,
	    sizeof(got)));
	assert_string_equal(got, want);
	assert_null(strstr(r.body, "rel=\"canonical\" href=\"" BRAND "/receipt/test-drive/x"));
	assert_non_null(strstr(r.body, "name=\"robots\" content=\"noindex\""));
	http_reply_free(&r);
}

/* ---- defect 9: each page in one language ---- */

static void
lacks(const char *path, const char *const *words)
{
	struct http_reply r;

	get_ok(path, &r);
	for (; *words != NULL; words++)
		if (strstr(r.body, *words) != NULL)
			fail_msg("%s shows \"%s\"", path, *words);
	http_reply_free(&r);
}

static void
test_one_language_per_page(void **state)
{
	static const char *const en_marks[] = { "（", "）", "〒", NULL };
	static const char *const ja_privacy[] = { "Example HQ", "Example Dealer", ">idem<",
	    ">website<", "Unicode", "NFC", "NFKC", "JIS X", NULL };
	char loc[512], en[520];

	lacks("/en/test-drive", en_marks);
	lacks("/en/test-drive?model=" MODEL, en_marks);
	lacks("/en/dealers/", en_marks);
	book(loc, sizeof(loc));
	snprintf(en, sizeof(en), "/en%s", loc);
	lacks(en, en_marks);
	lacks("/privacy/", ja_privacy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_language_switch_on_forms),
		cmocka_unit_test(test_language_switch_on_receipt),
		cmocka_unit_test(test_one_language_per_page),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
