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

#include <ctype.h>
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

/* Switching language midway through a booking keeps the choices made. */
static void
test_language_switch_keeps_choices(void **state)
{
	struct http_reply r;
	char got[256], *p;

	get_ok("/test-drive?model=" MODEL, &r);
	assert_non_null(p = strstr(r.body, "<body"));
	assert_non_null(attr_of(p, "hreflang=", "href", got, sizeof(got)));
	assert_string_equal(got, "/en/test-drive?model=" MODEL);
	http_reply_free(&r);
	get_ok("/en/test-drive?model=" MODEL "&dealer=" DEALER, &r);
	assert_non_null(p = strstr(r.body, "<body"));
	assert_non_null(attr_of(p, "hreflang=", "href", got, sizeof(got)));
	unamp(got);
	assert_string_equal(got, "/test-drive?model=" MODEL "&dealer=" DEALER);
	http_reply_free(&r);
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

/* ---- defects 1, 3 and 4: a booking flow whose form cannot disagree with its page ---- */

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* The first day the calendar of DEALER for MODEL offers that is a closed day (wday 3). */
static void
wednesday(char out[11])
{
	int i;

	for (i = 1; i < 8; i++) {
		time_t t = time(NULL) + 9 * 3600 + i * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		if (tm.tm_wday == 3) {
			strftime(out, 11, "%Y-%m-%d", &tm);
			return;
		}
	}
}

/* The times shown are the day's and the dealer's of the page; the form sends only those. */
static void
test_booking_form_agrees_with_page(void **state)
{
	struct http_reply r;
	char date[11], start[17], path[256], want[256], *form;

	assert_int_equal(find_slot(date, start), 0);
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s", MODEL, DEALER,
	    date);
	get_ok(path, &r);
	/* one model, one dealer, and no other day to change in a form */
	assert_int_equal(count(r.body, "name=\"model\""), 1);
	assert_int_equal(count(r.body, "name=\"dealer\""), 1);
	assert_non_null(strstr(r.body, "<input type=\"hidden\" name=\"model\" value=\"" MODEL
	    "\">"));
	assert_non_null(strstr(r.body, "<input type=\"hidden\" name=\"dealer\" value=\""
	    DEALER "\">"));
	assert_null(strstr(r.body, "<select id=\"q-"));
	assert_null(strstr(r.body, "name=\"date\""));
	/* every time is of that day; the legend names the day and the dealer */
	assert_non_null(form = strstr(r.body, "method=\"post\""));
	snprintf(want, sizeof(want), "name=\"slot\" value=\"%s", date);
	assert_int_equal(count(form, "name=\"slot\""), count(form, want));
	assert_true(count(form, want) > 0);
	snprintf(want, sizeof(want), "%d月%d日", atoi(date + 5), atoi(date + 8));
	assert_non_null(strstr(strstr(form, "<legend>"), want));
	assert_non_null(strstr(strstr(form, "<legend>"), "世田谷"));
	/* a time says when it ends and how many cars are free */
	assert_non_null(strstr(form, "〜"));
	assert_non_null(strstr(form, "残り"));
	/* the form posts to the day it shows */
	snprintf(want, sizeof(want), "action=\"/test-drive?model=%s&amp;dealer=%s&amp;date=%s"
	    "&amp;step=review\"", MODEL, DEALER, date);
	assert_non_null(strstr(r.body, want));
	http_reply_free(&r);
}

static void
test_booking_steps_say_why(void **state)
{
	struct http_reply r;
	char path[256], wed[11], want[256], date[11], start[17];
	const char *p, *q;

	/* no model yet: the models first, no dealer list */
	get_ok("/test-drive", &r);
	assert_non_null(strstr(r.body, "name=\"model\" value=\"" MODEL "\""));
	assert_null(strstr(r.body, "name=\"dealer\""));
	http_reply_free(&r);
	/* a model: only the dealers with its demo car, by prefecture */
	get_ok("/test-drive?model=takane", &r);
	assert_null(strstr(r.body, "value=\"fukuoka-hakata\""));	/* no Takane there */
	assert_non_null(strstr(r.body, "value=\"hiroshima-asaminami\""));
	assert_non_null(strstr(r.body, "<legend>広島県</legend>"));
	http_reply_free(&r);
	/* a dealer without the model: said so, and the dealers that have it offered */
	get_ok("/test-drive?model=takane&dealer=fukuoka-hakata", &r);
	assert_non_null(strstr(r.body, "試乗車がありません"));
	assert_null(strstr(r.body, "空きがありません"));
	assert_non_null(strstr(r.body, "value=\"hiroshima-asaminami\""));
	http_reply_free(&r);
	/* the calendar: closed days are marked and not offered */
	wednesday(wed);
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s", MODEL, DEALER);
	get_ok(path, &r);
	assert_non_null(strstr(r.body, "定休日"));
	snprintf(want, sizeof(want), "date=%s\"", wed);
	assert_null(strstr(r.body, want));
	/* every day offered has a free time: today is offered only when it has one */
	for (p = r.body; (p = strstr(p, "data-date=\"")) != NULL; p = q) {
		q = p + 11;
		snprintf(date, sizeof(date), "%.10s", q);
		snprintf(want, sizeof(want), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER,
		    MODEL, date);
		struct http_reply a;
		get_ok(want, &a);
		if (strstr(a.body, "\"free\":0}") != NULL && count(a.body, "\"free\":") ==
		    count(a.body, "\"free\":0}"))
			fail_msg("%s is offered with no free time", date);
		if (strstr(a.body, "\"slots\":[]") != NULL)
			fail_msg("%s is offered with no time at all", date);
		http_reply_free(&a);
	}
	http_reply_free(&r);
	/* a closed day asked for directly says that it is closed */
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s", MODEL, DEALER,
	    wed);
	get_ok(path, &r);
	assert_non_null(strstr(r.body, "定休日です"));
	assert_null(strstr(r.body, "name=\"slot\" value="));
	http_reply_free(&r);
	(void)start;
}

/* A mistake keeps the day and its times; phone and e-mail say one of them is needed. */
static void
test_booking_error_keeps_day(void **state)
{
	struct http_reply r;
	char date[11], start[17], path[256], body[512], id[33], want[128];

	assert_int_equal(find_slot(date, start), 0);
	idem(id);
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s&step=review",
	    MODEL, DEALER, date);
	snprintf(body, sizeof(body), "idem=%s&website=&model=%s&dealer=%s&name=x&phone=&email="
	    "&note=&licence=yes", id, MODEL, DEALER);
	assert_int_equal(http_post(srv.port, path, body, &r), 0);
	assert_int_equal(r.status, 422);
	snprintf(want, sizeof(want), "name=\"slot\" value=\"%s", date);
	assert_non_null(strstr(r.body, want));
	snprintf(want, sizeof(want), "<td class=\"free\" aria-current=\"date\">");
	if (strstr(r.body, want) == NULL)
		snprintf(want, sizeof(want), "<td class=\"few\" aria-current=\"date\">");
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "いずれか必須"));
	assert_int_equal(count(r.body, "<span class=\"opt\">"), 1);	/* the note only */
	http_reply_free(&r);
}

/* ---- defect 8: errors listed and linked, focus and title on what changed ---- */

static void
test_errors_listed_and_focused(void **state)
{
	struct http_reply r;
	char body[256], id[33];
	const char *sum;

	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&name=&postal_code=12&prefecture=&"
	    "address1=", id);
	assert_int_equal(http_post(srv.port, "/request?step=review", body, &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(sum = strstr(r.body, "id=\"errors\""));
	assert_non_null(strstr(r.body, "<title>入力内容に誤りがあります（5件）"));
	assert_non_null(strstr(sum, "autofocus"));
	assert_non_null(strstr(sum, "href=\"#f-models\""));
	assert_non_null(strstr(sum, "href=\"#f-name\""));
	assert_non_null(strstr(sum, "href=\"#f-postal_code\""));
	assert_non_null(strstr(sum, "href=\"#f-prefecture\""));
	assert_non_null(strstr(sum, "href=\"#f-address1\""));
	assert_non_null(strstr(r.body, "id=\"f-models\""));
	assert_int_equal(count(r.body, "autofocus"), 1);
	http_reply_free(&r);
}

static void
test_steps_focus_and_title(void **state)
{
	struct http_reply r;
	char date[11], start[17], path[256];

	get_ok("/test-drive?model=" MODEL, &r);
	assert_non_null(strstr(r.body, "<title>販売店を選ぶ - "));
	assert_non_null(strstr(r.body, "<h2 id=\"step\" tabindex=\"-1\" autofocus>"));
	http_reply_free(&r);
	assert_int_equal(find_slot(date, start), 0);
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s", MODEL, DEALER,
	    date);
	get_ok(path, &r);
	assert_non_null(strstr(r.body, "<fieldset id=\"f-slot\" class=\"times\" tabindex=\"-1\" "
	    "autofocus"));
	assert_int_equal(count(r.body, "autofocus"), 1);
	http_reply_free(&r);
	get_ok("/test-drive", &r);
	assert_null(strstr(r.body, "autofocus"));	/* a first visit starts at the top */
	http_reply_free(&r);
}

/* ---- the review (確認画面) ---- */

static void
test_review_then_back_then_send(void **state)
{
	struct http_reply r;
	char date[11], start[17], path[256], body[1024], id[33], loc[512];

	assert_int_equal(find_slot(date, start), 0);
	idem(id);
	booking_body(body, sizeof(body), start, id);
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s&step=review",
	    MODEL, DEALER, date);
	assert_int_equal(http_post(srv.port, path, body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "入力内容の確認"));
	assert_non_null(strstr(r.body, "見本 花子"));
	assert_non_null(strstr(r.body, "風花モーターズ 世田谷"));
	assert_non_null(strstr(r.body, "<input type=\"hidden\" name=\"idem\" value=\""));
	assert_non_null(strstr(r.body, "formaction=\"/test-drive?model=" MODEL));
	assert_non_null(strstr(r.body, "step=back\""));
	assert_non_null(strstr(r.body, "step=send\""));
	http_reply_free(&r);
	/* back: the form, as typed */
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s&step=back",
	    MODEL, DEALER, date);
	assert_int_equal(http_post(srv.port, path, body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "value=\"見本 花子\""));
	snprintf(path, sizeof(path), "value=\"%s\" checked", start);
	assert_non_null(strstr(r.body, path));
	http_reply_free(&r);
	/* send: booked */
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s&step=send",
	    MODEL, DEALER, date);
	assert_int_equal(http_post(srv.port, path, body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	assert_memory_equal(loc, "/receipt/test-drive/", 20);
	http_reply_free(&r);
}

/* ---- defect 10: a limited post keeps what was typed ---- */

static void
test_rate_limit_keeps_input(void **state)
{
	struct testsrv s2;
	struct http_reply r;
	char body[1024], id[33];
	int i;

	assert_int_equal(testsrv_stop(&srv, SIGTERM), 0);
	assert_int_equal(start_server(&s2, "1"), 0);
	for (i = 0; i < 3; i++) {
		idem(id);
		snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%E8%%A6%%8B%%E6"
		    "%%9C%%AC+%%E5%%A4%%AA%%E9%%83%%8E&postal_code=100-0001&prefecture=13&"
		    "address1=x1&address2=", id, MODEL);
		assert_int_equal(http_post(s2.port, "/request?step=send", body, &r), 0);
		if (i > 0) {
			assert_int_equal(r.status, 429);
			assert_non_null(strstr(r.body, "value=\"見本 太郎\""));
			assert_non_null(strstr(r.body, "value=\"100-0001\""));
			assert_non_null(strstr(r.body, "しばらくしてから"));
		}
		http_reply_free(&r);
	}
	/* a review is not a submission: not limited */
	assert_int_equal(http_post(s2.port, "/request?step=review", body, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	testsrv_stop(&s2, SIGTERM);
	assert_int_equal(start_server(&srv, "100000"), 0);
}

/* ---- defect 6: the receipt ---- */

static void
test_receipt_says_what_was_booked(void **state)
{
	struct http_reply r;
	char loc[512], path[600], ref[32], shortref[16], *k;
	size_t i;

	book(loc, sizeof(loc));
	get_ok(loc, &r);
	/* the fields left empty (e-mail, note) are not said to be stored */
	assert_non_null(strstr(r.body, "<li>電話番号</li>"));
	assert_null(strstr(r.body, "<li>メールアドレス</li>"));
	assert_null(strstr(r.body, "<li>ご要望</li>"));
	/* a reference short enough to read out, the full one beside it */
	snprintf(ref, sizeof(ref), "%.26s", loc + 20);
	for (i = 0; i < 8; i++)
		shortref[i + (i >= 4)] = (char)toupper((unsigned char)ref[18 + i]);
	shortref[4] = '-';
	shortref[9] = '\0';
	assert_non_null(strstr(r.body, shortref));
	assert_non_null(strstr(r.body, ref));
	/* the address is the only key to cancel: the page says to keep it */
	assert_non_null(strstr(r.body, "ブックマーク"));
	/* cancelling takes two steps: the receipt only leads to the question */
	assert_null(strstr(r.body, "action=\"/cancel\""));
	assert_non_null(strstr(r.body, "name=\"cancel\" value=\"confirm\""));
	http_reply_free(&r);
	snprintf(path, sizeof(path), "%s&cancel=confirm", loc);
	get_ok(path, &r);
	assert_non_null(strstr(r.body, "<h1>予約を取り消しますか"));
	assert_non_null(strstr(r.body, "action=\"/cancel\""));
	http_reply_free(&r);
	/* the calendar entry says where to go, and how to reach the dealer */
	k = strstr(loc, "?k=");
	snprintf(path, sizeof(path), "%.*s.ics%s", (int)(k - loc), loc, k);
	get_ok(path, &r);
	assert_non_null(strstr(r.body, "DESCRIPTION:"));
	assert_non_null(strstr(r.body, "URL:" BRAND "/dealers/"));
	http_reply_free(&r);
}

static void
test_receipt_after_cancelling(void **state)
{
	struct http_reply r;
	char loc[512], body[256], ref[32], *k;

	book(loc, sizeof(loc));
	k = strstr(loc, "?k=");
	snprintf(ref, sizeof(ref), "%.26s", loc + 20);
	snprintf(body, sizeof(body), "ref=%s&k=%s", ref, k + 3);
	assert_int_equal(http_post(srv.port, "/cancel", body, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	get_ok(loc, &r);
	assert_null(strstr(r.body, "受付が完了しました"));
	assert_null(strstr(r.body, "受け付けました"));
	assert_non_null(strstr(r.body, "<h1>この予約は取り消されました"));
	assert_non_null(strstr(r.body, "<title>この予約は取り消されました"));
	assert_null(strstr(r.body, "name=\"cancel\""));
	http_reply_free(&r);
}

/* ---- shortcuts into the flows ---- */

static void
test_shortcuts(void **state)
{
	struct http_reply r;

	get_ok("/", &r);
	assert_non_null(strstr(r.body, "class=\"cta\""));
	assert_non_null(strstr(strstr(r.body, "class=\"cta\""), "href=\"/test-drive\""));
	assert_non_null(strstr(strstr(r.body, "class=\"cta\""), "href=\"/request\""));
	http_reply_free(&r);
	get_ok("/models/" MODEL "/", &r);
	assert_non_null(strstr(r.body, "href=\"/request?model=" MODEL "\""));
	assert_non_null(strstr(r.body, "href=\"/test-drive?model=" MODEL "&amp;dealer=" DEALER
	    "\""));
	http_reply_free(&r);
	get_ok("/request?model=" MODEL, &r);
	assert_non_null(strstr(r.body, "value=\"" MODEL "\" checked"));
	http_reply_free(&r);
	get_ok("/dealers/", &r);
	assert_non_null(strstr(r.body, "href=\"/test-drive?dealer=" DEALER "\""));
	http_reply_free(&r);
	/* a dealer first: its own models, the dealer kept */
	get_ok("/test-drive?dealer=" DEALER, &r);
	assert_non_null(strstr(r.body, "name=\"model\" value=\"nagisa\""));
	assert_null(strstr(r.body, "value=\"pokke\""));
	assert_non_null(strstr(r.body, "<input type=\"hidden\" name=\"dealer\" value=\"" DEALER));
	http_reply_free(&r);
}

/* ---- 住所検索 without JavaScript, from the site's postal data ---- */

static void
test_postal_lookup_without_script(void **state)
{
	struct http_reply r;
	char body[512], id[33];

	get_ok("/request", &r);
	assert_non_null(strstr(r.body, "formaction=\"/request?step=postal\""));
	assert_non_null(strstr(r.body, "data-postal-base=\"/assets/postal/"));
	http_reply_free(&r);
	idem(id);
	/* full-width, as typed on a phone; the name typed stays */
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%E8%%A6%%8B%%E6%%9C%%AC"
	    "&postal_code=%%EF%%BC%%91%%EF%%BC%%90%%EF%%BC%%90%%E3%%83%%BC%%EF%%BC%%90%%EF%%BC"
	    "%%90%%EF%%BC%%90%%EF%%BC%%91&prefecture=&address1=&address2=", id, MODEL);
	assert_int_equal(http_post(srv.port, "/request?step=postal", body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<option value=\"13\" selected>"));
	assert_non_null(strstr(r.body, "value=\"千代田区千代田\""));
	assert_non_null(strstr(r.body, "value=\"見本\""));
	assert_non_null(strstr(r.body, "id=\"f-address1\" name=\"address1\""));
	assert_non_null(strstr(strstr(r.body, "id=\"f-address1\""), "autofocus"));
	assert_non_null(strstr(r.body, "〒100-0001 の住所（東京都千代田区千代田）を入力しました"));
	assert_null(strstr(r.body, "id=\"errors\""));	/* a lookup is not a submission */
	http_reply_free(&r);
	/* a code with no address says so */
	snprintf(body, sizeof(body), "idem=%s&website=&name=&postal_code=999-9999&prefecture=&"
	    "address1=", id);
	assert_int_equal(http_post(srv.port, "/en/request?step=postal", body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "No address was found for 999-9999"));
	assert_non_null(strstr(strstr(r.body, "id=\"f-postal_code\""), "autofocus"));
	http_reply_free(&r);
	/* a street number already typed is kept */
	snprintf(body, sizeof(body), "idem=%s&website=&name=&postal_code=1000001&prefecture=&"
	    "address1=%%E5%%8D%%83%%E4%%BB%%A3%%E7%%94%%B01-1", id);
	assert_int_equal(http_post(srv.port, "/request?step=postal", body, &r), 0);
	assert_non_null(strstr(r.body, "value=\"千代田1-1\""));
	assert_non_null(strstr(r.body, "<option value=\"13\" selected>"));
	http_reply_free(&r);
}

/* ---- the dealers nearest a postal code ---- */

static void
test_nearest_dealers(void **state)
{
	struct http_reply r;
	const char *first;

	get_ok("/test-drive?model=" MODEL "&near=%EF%BC%91%EF%BC%90%EF%BC%90-0001", &r);
	assert_non_null(strstr(r.body, "〒100-0001 の近くの販売店"));
	assert_non_null(first = strstr(r.body, "name=\"dealer\" value=\""));
	assert_memory_equal(first + 21, "tokyo-", 6);	/* Setagaya or Tachikawa first */
	assert_int_equal(count(r.body, "value=\"" DEALER "\""), 1);	/* listed once */
	assert_non_null(strstr(r.body, "id=\"near\" name=\"near\""));
	http_reply_free(&r);
	get_ok("/en/test-drive?model=" MODEL "&near=812-0011", &r);
	assert_non_null(first = strstr(r.body, "name=\"dealer\" value=\""));
	assert_memory_equal(first + 21, "fukuoka-hakata", 14);
	http_reply_free(&r);
	get_ok("/test-drive?model=" MODEL "&near=999-9999", &r);
	assert_non_null(strstr(r.body, "この郵便番号は見つかりませんでした"));
	assert_null(strstr(r.body, "の近くの販売店"));
	http_reply_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_language_switch_on_forms),
		cmocka_unit_test(test_language_switch_keeps_choices),
		cmocka_unit_test(test_language_switch_on_receipt),
		cmocka_unit_test(test_one_language_per_page),
		cmocka_unit_test(test_booking_form_agrees_with_page),
		cmocka_unit_test(test_booking_steps_say_why),
		cmocka_unit_test(test_booking_error_keeps_day),
		cmocka_unit_test(test_errors_listed_and_focused),
		cmocka_unit_test(test_steps_focus_and_title),
		cmocka_unit_test(test_review_then_back_then_send),
		cmocka_unit_test(test_rate_limit_keeps_input),
		cmocka_unit_test(test_receipt_says_what_was_booked),
		cmocka_unit_test(test_receipt_after_cancelling),
		cmocka_unit_test(test_shortcuts),
		cmocka_unit_test(test_postal_lookup_without_script),
		cmocka_unit_test(test_nearest_dealers),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
