/*
 * A dealer's calendar over real HTTP, on SQLite and (with SHOWROOM_TEST_PG_URL) on
 * PostgreSQL: a dealer key closes, reopens and sets demo cars only for its own dealer,
 * by the signed API and by `showroom slots`; a closed day has no slots in the slots API,
 * none on the no-JavaScript booking page, and a forced POST for it is refused; a booking
 * already in a closed slot is reported, not dropped; demo cars set per day change the
 * capacity. Then the dealer's decision (`showroom bookings confirm|decline`): final on
 * arrival or pending by the brand's content, confirmed and declined with its reason on
 * the visitor's receipt and in its .ics, a declined place free again, another dealer
 * refused; on PostgreSQL, a second node sees a closed day at once. All data is
 * fictional; loopback only.
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
#include "showroom/keys/keys_secret.h"
#include "showroom/office/client.h"
#include "testkeys.h"
#include "testpg.h"
#include "testsrv.h"

#define DEALER1	"tokyo-setagaya"
#define DEALER2	"osaka-suita"

static char dir[256], site[300], keyring[300], rootpub[300], url[64];
static char model1[64], model2[64];	/* two models dealer 1 keeps */
static int cars1;			/* its demo cars of model1 */
static struct testsrv srv;
static struct testpg pg;

struct run {
	int	 status;
	char	*out;
	char	*err;
};

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* `showroom slots ...` as key holder WHO ("dealer-CODE" or "hq"). */
static void
slots(struct run *r, const char *who, const char *const *extra)
{
	char ident[400];
	const char *args[32];
	int n = 0;

	snprintf(ident, sizeof(ident), "%s/%s", dir, who);
	args[n++] = "slots";
	while (*extra != NULL && n < 20)
		args[n++] = *extra++;
	args[n++] = "--identity";
	args[n++] = ident;
	args[n++] = "--server";
	args[n++] = url;
	args[n++] = "--keyring";
	args[n++] = keyring;
	args[n++] = "--root-pub";
	args[n++] = rootpub;
	args[n] = NULL;
	memset(r, 0, sizeof(*r));
	r->status = testsrv_showroom_capture(dir, args, &r->out, &r->err);
	assert_true(r->status >= 0);
}

static void
expect(struct run *r, int status, const char *in_out)
{
	if (r->status != status || (in_out != NULL && strstr(r->out, in_out) == NULL))
		fail_msg("exit %d (want %d)\nstdout: %s\nstderr: %s", r->status, status, r->out,
		    r->err);
}

/* A signed request as WHO; CLIENT_OK with the reply parsed into *doc, else the client's
 * code with its message (naming the status) in err. */
static int
api(const char *who, const char *path, const char *query, const char *body, json_t **doc,
    char *err, size_t errlen)
{
	struct keys_identity id;
	struct keys_error ke;
	struct client_reply rep;
	struct client *c;
	json_error_t je;
	char prefix[400];
	int rc;

	*doc = NULL;
	snprintf(prefix, sizeof(prefix), "%s/%s", dir, who);
	assert_int_equal(keys_secret_open(prefix, TESTKEYS_PASS, &id, &ke), KEYS_OK);
	assert_int_equal(client_new(url, &id, &c, err, errlen), CLIENT_OK);
	if (body != NULL)
		rc = client_post_json(c, path, body, strlen(body), &rep, err, errlen);
	else
		rc = client_get(c, path, query, &rep, err, errlen);
	if (rc == CLIENT_OK) {
		*doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
		assert_non_null(*doc);
		client_reply_free(&rep);
	}
	client_free(c);
	keys_identity_free(&id);
	return rc;
}

/* The slots API for a day: how many slots, and how many places are free in all. */
static int
slots_api(const char *dealer, const char *model, const char *date, int *capacity)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *list;
	char path[256];
	int n;

	snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", dealer, model,
	    date);
	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(doc = json_loadb(r.body, r.body_len, 0, &je));
	http_reply_free(&r);
	list = json_object_get(doc, "slots");
	n = (int)json_array_size(list);
	if (capacity != NULL)
		*capacity = n > 0 ? (int)json_integer_value(json_object_get(json_array_get(list,
		    0), "capacity")) : 0;
	json_decref(doc);
	return n;
}

/* The DAYth day from now (JST) on which DEALER offers MODEL slots with every place free;
 * its first slot in start. */
static int
free_day(const char *dealer, const char *model, int after, char date[11], char start[17])
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *s;
	char path[256];
	size_t i;
	int day;

	for (day = after; day < after + 20; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, 11, "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", dealer,
		    model, date);
		if (http_get(srv.port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		json_array_foreach(json_object_get(doc, "slots"), i, s) {
			if (json_integer_value(json_object_get(s, "free")) ==
			    json_integer_value(json_object_get(s, "capacity"))) {
				snprintf(start, 17, "%s", json_string_value(json_object_get(s,
				    "start")));
				json_decref(doc);
				return day;
			}
		}
		json_decref(doc);
	}
	return -1;
}

/* Posts a booking of START; the status, and the receipt's Location on a 303. */
static int
post_booking(const char *dealer, const char *model, const char *start, char *loc,
    size_t loclen)
{
	struct http_reply r;
	unsigned char rnd[16];
	char body[2048], idem[33];
	int status;

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(idem, sizeof(idem), rnd, sizeof(rnd));
	snprintf(body, sizeof(body), "idem=%s&website=&model=%s&dealer=%s&slot=%.13s%%3A%s"
	    "&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E8%%8A%%B1%%E5%%AD%%90&phone=090-0000-1234"
	    "&email=hanako.mihon%%40example.com&note=&licence=yes", idem, model, dealer, start,
	    start + 14);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	status = r.status;
	if (loc != NULL && http_header_get(&r, "Location", loc, loclen) == NULL)
		loc[0] = '\0';
	http_reply_free(&r);
	return status;
}

/* Two models of DEALER1's demo cars, and how many cars of the first. */
static int
pick_models(void)
{
	char path[400];
	json_error_t je;
	json_t *cat, *d, *v;
	const char *k;
	size_t i;
	int n = 0;

	snprintf(path, sizeof(path), "%s/api/v1/catalog.json", site);
	if ((cat = json_load_file(path, 0, &je)) == NULL)
		return -1;
	json_array_foreach(json_object_get(cat, "dealers"), i, d) {
		if (strcmp(json_string_value(json_object_get(d, "code")), DEALER1) != 0)
			continue;
		json_object_foreach(json_object_get(d, "demo_cars"), k, v) {
			if (n == 0 && json_integer_value(v) >= 2) {
				snprintf(model1, sizeof(model1), "%s", k);
				cars1 = (int)json_integer_value(v);
				n++;
			} else if (n == 1 && strcmp(k, model1) != 0) {
				snprintf(model2, sizeof(model2), "%s", k);
				n++;
			}
		}
	}
	json_decref(cat);
	return n == 2 ? 0 : -1;
}

static int
start_server(const char *store_flag, const char *store)
{
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    store_flag, store, "--rate", "100000", "--burst", "100000", NULL };

	if (testsrv_start_public(&srv, args) == -1)
		return -1;
	snprintf(url, sizeof(url), "%s", srv.url);
	return 0;
}

static int
setup_common(void)
{
	const char *dealers[] = { DEALER1, DEALER2, NULL };
	char cmd[1024];

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-cal") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s/site", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", testsrv_path("demo-site"), site);
	if (system(cmd) != 0 || testkeys_make(dir, dealers) == -1)
		return -1;
	unsetenv("XDG_CONFIG_HOME");
	return pick_models();
}

static int
setup_sqlite(void **state)
{
	char data[300];

	if (setup_common() == -1)
		return -1;
	snprintf(data, sizeof(data), "%s/data", dir);
	return start_server("--data", data);
}

static int
setup_pg(void **state)
{
	if (setup_common() == -1 || testpg_fresh(&pg, "showroom_cal") == -1)
		return -1;
	return start_server("--db", pg.url);
}

static int
teardown(void **state)
{
	testsrv_stop(&srv, SIGTERM);
	testpg_drop(&pg);
	return fs_remove_tree(dir) == 0 ? 0 : -1;
}

static void
test_other_dealer_refused(void **state)
{
	char body[256], err[512], date[11], start[17];
	json_t *doc;
	struct run r;

	assert_true(free_day(DEALER1, model1, 2, date, start) > 0);
	snprintf(body, sizeof(body), "{\"dealer\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}",
	    DEALER1, date, date);
	/* another dealer's key, and HQ's: 403, and nothing changed */
	assert_int_equal(api("dealer-" DEALER2, "/api/v1/calendar/close", NULL, body, &doc,
	    err, sizeof(err)), CLIENT_E_HTTP);
	assert_non_null(strstr(err, "answered 403"));
	assert_int_equal(api("hq", "/api/v1/calendar/close", NULL, body, &doc, err,
	    sizeof(err)), CLIENT_E_HTTP);
	assert_non_null(strstr(err, "answered 403"));
	assert_int_equal(api("dealer-" DEALER2, "/api/v1/calendar", "dealer=" DEALER1, NULL,
	    &doc, err, sizeof(err)), CLIENT_E_HTTP);
	assert_non_null(strstr(err, "answered 403"));
	assert_true(slots_api(DEALER1, model1, date, NULL) > 0);
	/* unsigned: 401 */
	{
		struct http_reply hr;
		char req[512];
		int len = snprintf(req, sizeof(req), "POST /api/v1/calendar/close HTTP/1.1\r\n"
		    "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
		assert_int_equal(http_raw(srv.port, req, (size_t)len, 0, &hr), 0);
		assert_int_equal(hr.status, 401);
		http_reply_free(&hr);
	}
	/* the CLI: an HQ key keeps no calendar */
	const char *a[] = { "close", "--from", date, NULL };
	slots(&r, "hq", a);
	assert_int_equal(r.status, 2);
	run_free(&r);
	assert_true(slots_api(DEALER1, model1, date, NULL) > 0);
	/* the dealer's own key may */
	assert_int_equal(api("dealer-" DEALER1, "/api/v1/calendar/close", NULL, body, &doc,
	    err, sizeof(err)), CLIENT_OK);
	json_decref(doc);
	assert_int_equal(slots_api(DEALER1, model1, date, NULL), 0);
	snprintf(body, sizeof(body), "{\"dealer\":\"%s\",\"from\":\"%s\"}", DEALER1, date);
	assert_int_equal(api("dealer-" DEALER1, "/api/v1/calendar/open", NULL, body, &doc,
	    err, sizeof(err)), CLIENT_OK);
	json_decref(doc);
	assert_true(slots_api(DEALER1, model1, date, NULL) > 0);
	/* malformed changes: 400 */
	snprintf(body, sizeof(body), "{\"dealer\":\"%s\",\"from\":\"%s\",\"to\":\"2020-01-01\"}",
	    DEALER1, date);
	assert_int_equal(api("dealer-" DEALER1, "/api/v1/calendar/close", NULL, body, &doc,
	    err, sizeof(err)), CLIENT_E_HTTP);
	assert_non_null(strstr(err, "answered 400"));
	snprintf(body, sizeof(body), "{\"dealer\":\"%s\",\"from\":\"%s\",\"name\":\"x\"}",
	    DEALER1, date);
	assert_int_equal(api("dealer-" DEALER1, "/api/v1/calendar/close", NULL, body, &doc,
	    err, sizeof(err)), CLIENT_E_HTTP);
	assert_non_null(strstr(err, "answered 400"));
}

/* The no-JavaScript booking page of DATE: how many slot radios it offers for that day. */
static int
page_slots(const char *dealer, const char *model, const char *date)
{
	struct http_reply r;
	char path[256], needle[64];
	const char *p;
	int n = 0;

	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s", model, dealer,
	    date);
	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(needle, sizeof(needle), "name=\"slot\" value=\"%s", date);
	for (p = r.body; (p = strstr(p, needle)) != NULL; p++)
		n++;
	http_reply_free(&r);
	return n;
}

static void
test_closed_day(void **state)
{
	char date[11], start[17], loc[512];
	struct run r;
	int other;

	assert_true(free_day(DEALER1, model1, 3, date, start) > 0);
	assert_true(page_slots(DEALER1, model1, date) > 0);
	other = slots_api(DEALER2, model1, date, NULL);
	const char *close[] = { "close", "--from", date, NULL };
	slots(&r, "dealer-" DEALER1, close);
	expect(&r, 0, "whole store closed");
	run_free(&r);
	/* no slots in the API, on the no-JS page; a forced POST is refused */
	assert_int_equal(slots_api(DEALER1, model1, date, NULL), 0);
	assert_int_equal(slots_api(DEALER1, model2, date, NULL), 0);
	assert_int_equal(page_slots(DEALER1, model1, date), 0);
	assert_int_equal(post_booking(DEALER1, model1, start, NULL, 0), 422);
	/* another dealer's same day is as it was */
	assert_int_equal(slots_api(DEALER2, model1, date, NULL), other);
	/* the list says so */
	const char *list[] = { "list", NULL };
	slots(&r, "dealer-" DEALER1, list);
	expect(&r, 0, "closed");
	assert_non_null(strstr(r.out, date));
	assert_non_null(strstr(r.out, "12-29 to 01-03"));	/* the brand's fixed days */
	run_free(&r);
	/* reopened: bookable again */
	const char *open[] = { "open", "--from", date, NULL };
	slots(&r, "dealer-" DEALER1, open);
	expect(&r, 0, "open");
	run_free(&r);
	assert_true(page_slots(DEALER1, model1, date) > 0);
	assert_int_equal(post_booking(DEALER1, model1, start, loc, sizeof(loc)), 303);

	/* one model only: the other keeps its slots */
	const char *mclose[] = { "close", "--from", date, "--model", model2, NULL };
	slots(&r, "dealer-" DEALER1, mclose);
	expect(&r, 0, "closed");
	run_free(&r);
	assert_int_equal(slots_api(DEALER1, model2, date, NULL), 0);
	assert_true(slots_api(DEALER1, model1, date, NULL) > 0);
}

static void
test_booking_in_closed_slot_reported(void **state)
{
	char date[11], start[17], loc[512], ref[64], *p;
	struct http_reply hr;
	struct run r;

	assert_true(free_day(DEALER1, model1, 5, date, start) > 0);
	assert_int_equal(post_booking(DEALER1, model1, start, loc, sizeof(loc)), 303);
	assert_non_null(p = strstr(loc, "/receipt/test-drive/"));
	snprintf(ref, sizeof(ref), "%.26s", p + 20);
	const char *close[] = { "close", "--from", date, "--to", date, NULL };
	slots(&r, "dealer-" DEALER1, close);
	expect(&r, 0, "1 booking sits in closed slots and stays booked");
	assert_non_null(strstr(r.out, ref));
	assert_non_null(strstr(r.out, start));
	assert_null(strstr(r.out, "090-0000-1234"));	/* ids and slots only */
	run_free(&r);
	/* the visitor's receipt still shows the booking */
	assert_int_equal(http_get(srv.port, loc, NULL, &hr), 0);
	assert_int_equal(hr.status, 200);
	assert_non_null(strstr(hr.body, "name=\"k\""));
	http_reply_free(&hr);
}

static void
test_cars(void **state)
{
	char date[11], start[17];
	struct run r;
	int cap;

	assert_true(free_day(DEALER1, model1, 7, date, start) > 0);
	assert_true(slots_api(DEALER1, model1, date, &cap) > 0);
	assert_int_equal(cap, cars1);
	const char *one[] = { "cars", "--model", model1, "--cars", "1", "--from", date, NULL };
	slots(&r, "dealer-" DEALER1, one);
	expect(&r, 0, "1 demo car");
	run_free(&r);
	assert_true(slots_api(DEALER1, model1, date, &cap) > 0);
	assert_int_equal(cap, 1);
	/* the one place taken, the next booking of that slot is full */
	assert_int_equal(post_booking(DEALER1, model1, start, NULL, 0), 303);
	assert_int_equal(post_booking(DEALER1, model1, start, NULL, 0), 409);
	const char *none[] = { "cars", "--model", model1, "--cars", "0", "--from", date, NULL };
	slots(&r, "dealer-" DEALER1, none);
	expect(&r, 0, "1 booking sits in overfull slots");
	run_free(&r);
	assert_int_equal(slots_api(DEALER1, model1, date, NULL), 0);
	const char *back[] = { "cars", "--model", model1, "--cars", "default", "--from", date,
	    NULL };
	slots(&r, "dealer-" DEALER1, back);
	expect(&r, 0, "the content's demo cars");
	run_free(&r);
	assert_true(slots_api(DEALER1, model1, date, &cap) > 0);
	assert_int_equal(cap, cars1);
	/* bad uses */
	const char *bad[] = { "cars", "--model", model1, "--cars", "many", "--from", date, NULL };
	slots(&r, "dealer-" DEALER1, bad);
	assert_int_equal(r.status, 2);
	run_free(&r);
	const char *nomodel[] = { "cars", "--cars", "1", "--from", date, NULL };
	slots(&r, "dealer-" DEALER1, nomodel);
	assert_int_equal(r.status, 2);
	run_free(&r);
}

/* `showroom bookings ARGS...` as key holder WHO, with a store of its own. */
static void
bookings(struct run *r, const char *who, const char *const *extra)
{
	char ident[400], store[400];
	const char *args[32];
	int n = 0;

	snprintf(ident, sizeof(ident), "%s/%s", dir, who);
	snprintf(store, sizeof(store), "%s/store-%s", dir, who);
	args[n++] = "bookings";
	while (*extra != NULL && n < 20)
		args[n++] = *extra++;
	args[n++] = "--identity";
	args[n++] = ident;
	args[n++] = "--server";
	args[n++] = url;
	args[n++] = "--keyring";
	args[n++] = keyring;
	args[n++] = "--root-pub";
	args[n++] = rootpub;
	args[n++] = "--store";
	args[n++] = store;
	args[n] = NULL;
	memset(r, 0, sizeof(*r));
	r->status = testsrv_showroom_capture(dir, args, &r->out, &r->err);
	assert_true(r->status >= 0);
}

/* GETs the receipt at LOC (ics: its calendar file) into a fresh string. */
static char *
receipt(const char *loc, int ics)
{
	struct http_reply r;
	char path[600], *q, *body;

	snprintf(path, sizeof(path), "%s", loc);
	if (ics && (q = strstr(path, "?k=")) != NULL) {
		memmove(q + 4, q, strlen(q) + 1);
		memcpy(q, ".ics", 4);
	}
	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(body = strndup(r.body, r.body_len));
	http_reply_free(&r);
	return body;
}

/* The brand asks its dealers to confirm bookings (or not): the site's catalog, reloaded. */
static void
set_confirmation(int on)
{
	char path[400];
	json_error_t je;
	json_t *cat;
	char *log;
	int i;

	snprintf(path, sizeof(path), "%s/api/v1/catalog.json", site);
	assert_non_null(cat = json_load_file(path, 0, &je));
	json_object_set_new(json_object_get(cat, "brand"), "booking_confirmation",
	    json_boolean(on));
	assert_int_equal(json_dump_file(cat, path, JSON_COMPACT), 0);
	json_decref(cat);
	assert_int_equal(kill(srv.pid, SIGHUP), 0);
	for (i = 0; i < 100; i++) {
		log = testsrv_log(&srv);
		if (log != NULL && strstr(log, "site reloaded") != NULL) {
			free(log);
			return;
		}
		free(log);
		usleep(50 * 1000);
	}
	fail_msg("the site was not reloaded");
}

/* "ID" of a receipt Location. */
static void
loc_id(const char *loc, char id[27])
{
	const char *p = strstr(loc, "/receipt/test-drive/");

	assert_non_null(p);
	snprintf(id, 27, "%.26s", p + 20);
}

static void
test_confirm_decline(void **state)
{
	char date[11], start[17], loc1[512], loc2[512], id1[27], id2[27], body[256],
	    err[512], *page;
	struct http_reply hr;
	struct run r;
	json_t *doc;
	int cap, free_before;

	/* final on arrival: the receipt waits for nothing, the .ics is confirmed */
	assert_true(free_day(DEALER1, model1, 9, date, start) > 0);
	assert_int_equal(post_booking(DEALER1, model1, start, loc1, sizeof(loc1)), 303);
	loc_id(loc1, id1);
	page = receipt(loc1, 0);
	assert_null(strstr(page, "販売店が確認しています"));
	assert_null(strstr(page, "販売店がこの予約を確定しました"));
	assert_non_null(strstr(page, "name=\"k\""));
	free(page);
	page = receipt(loc1, 1);
	assert_non_null(strstr(page, "STATUS:CONFIRMED"));
	free(page);

	/* the brand wants confirmation: pending, tentative */
	set_confirmation(1);
	assert_int_equal(post_booking(DEALER1, model1, start, loc2, sizeof(loc2)), 303);
	loc_id(loc2, id2);
	page = receipt(loc2, 0);
	assert_non_null(strstr(page, "販売店が確認しています"));
	free(page);
	page = receipt(loc2, 1);
	assert_non_null(strstr(page, "STATUS:TENTATIVE"));
	free(page);
	assert_true(slots_api(DEALER1, model1, date, &cap) > 0);

	/* another dealer cannot decide it: 403 by the API, not found by its own code */
	snprintf(body, sizeof(body), "{\"dealer\":\"%s\",\"ids\":[\"%s\"]}", DEALER1, id2);
	assert_int_equal(api("dealer-" DEALER2, "/api/v1/bookings/confirm", NULL, body, &doc,
	    err, sizeof(err)), CLIENT_E_HTTP);
	assert_non_null(strstr(err, "answered 403"));
	assert_int_equal(api("hq", "/api/v1/bookings/decline", NULL, body, &doc, err,
	    sizeof(err)), CLIENT_E_HTTP);
	assert_non_null(strstr(err, "answered 403"));
	const char *c2[] = { "confirm", id2, NULL };
	bookings(&r, "dealer-" DEALER2, c2);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no such booking of this dealer"));
	run_free(&r);
	page = receipt(loc2, 0);
	assert_non_null(strstr(page, "販売店が確認しています"));
	free(page);

	/* confirmed by its dealer */
	bookings(&r, "dealer-" DEALER1, c2);
	expect(&r, 0, "confirmed");
	run_free(&r);
	page = receipt(loc2, 0);
	assert_non_null(strstr(page, "販売店がこの予約を確定しました"));
	assert_non_null(strstr(page, "name=\"k\""));	/* still cancellable */
	free(page);
	page = receipt(loc2, 1);
	assert_non_null(strstr(page, "STATUS:CONFIRMED"));
	assert_non_null(strstr(page, "SEQUENCE:1"));
	free(page);

	/* declined: a reason from the list only */
	const char *bad[] = { "decline", id2, "--reason", "the customer is rude", NULL };
	bookings(&r, "dealer-" DEALER1, bad);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "reason must be one of"));
	run_free(&r);
	const char *noreason[] = { "decline", id2, NULL };
	bookings(&r, "dealer-" DEALER1, noreason);
	assert_int_equal(r.status, 2);
	run_free(&r);
	assert_true(slots_api(DEALER1, model1, date, NULL) > 0);
	free_before = -1;
	{
		struct http_reply sr;
		json_error_t je;
		json_t *sd, *s;
		size_t i;
		char path[256];

		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s",
		    DEALER1, model1, date);
		assert_int_equal(http_get(srv.port, path, NULL, &sr), 0);
		assert_non_null(sd = json_loadb(sr.body, sr.body_len, 0, &je));
		http_reply_free(&sr);
		json_array_foreach(json_object_get(sd, "slots"), i, s)
			if (strcmp(json_string_value(json_object_get(s, "start")), start) == 0)
				free_before = (int)json_integer_value(json_object_get(s, "free"));
		json_decref(sd);
	}
	assert_int_equal(free_before, cap - 2);
	const char *dec[] = { "decline", id2, "--reason", "car_unavailable", NULL };
	bookings(&r, "dealer-" DEALER1, dec);
	expect(&r, 0, "declined  car_unavailable");
	run_free(&r);
	page = receipt(loc2, 0);
	assert_non_null(strstr(page, "販売店がこの予約をお受けできませんでした"));
	assert_non_null(strstr(page, "その時間は試乗車をご用意できません。"));
	assert_null(strstr(page, "name=\"k\""));	/* nothing left to cancel */
	free(page);
	{
		char en[600];

		snprintf(en, sizeof(en), "/en%s", loc2);
		page = receipt(en, 0);
		assert_non_null(strstr(page, "The demonstration car is not available at that "
		    "time."));
		free(page);
	}
	page = receipt(loc2, 1);
	assert_non_null(strstr(page, "STATUS:CANCELLED"));
	free(page);
	/* its place is free again; a forced cancel finds nothing; confirming it conflicts */
	{
		struct http_reply sr;
		char path[256], *p;

		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s",
		    DEALER1, model1, date);
		assert_int_equal(http_get(srv.port, path, NULL, &sr), 0);
		assert_non_null(p = strstr(sr.body, start));
		assert_non_null(p = strstr(p, "\"free\""));
		assert_int_equal(atoi(p + 7), free_before + 1);
		http_reply_free(&sr);
	}
	{
		char cb[256];

		snprintf(cb, sizeof(cb), "ref=%s&k=%s", id2, strstr(loc2, "?k=") + 3);
		assert_int_equal(http_post(srv.port, "/cancel", cb, &hr), 0);
		assert_int_equal(hr.status, 404);
		http_reply_free(&hr);
	}
	bookings(&r, "dealer-" DEALER1, c2);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "declined already"));
	run_free(&r);
	/* the first booking, final, is untouched */
	page = receipt(loc1, 1);
	assert_non_null(strstr(page, "STATUS:CONFIRMED"));
	free(page);
	set_confirmation(0);
}

/* PostgreSQL: a day closed through one node has no slots on another, at once. */
static void
test_other_node(void **state)
{
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    "--db", pg.url, "--rate", "100000", "--burst", "100000", NULL };
	char date[11], start[17];
	struct testsrv other, one;
	struct run r;

	if (pg.url == NULL)
		skip();
	assert_int_equal(testsrv_start_public(&other, args), 0);
	one = srv;
	assert_true(free_day(DEALER1, model1, 11, date, start) > 0);
	srv = other;	/* the helpers ask the other node */
	assert_true(slots_api(DEALER1, model1, date, NULL) > 0);
	srv = one;
	const char *close[] = { "close", "--from", date, NULL };
	slots(&r, "dealer-" DEALER1, close);
	expect(&r, 0, "closed");
	run_free(&r);
	srv = other;
	assert_int_equal(slots_api(DEALER1, model1, date, NULL), 0);
	assert_int_equal(page_slots(DEALER1, model1, date), 0);
	assert_int_equal(post_booking(DEALER1, model1, start, NULL, 0), 422);
	srv = one;
	testsrv_stop(&other, SIGTERM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_dealer_refused),
		cmocka_unit_test(test_closed_day),
		cmocka_unit_test(test_booking_in_closed_slot_reported),
		cmocka_unit_test(test_cars),
		cmocka_unit_test(test_confirm_decline),
		cmocka_unit_test(test_other_node),
	};
	int fails;

	fails = cmocka_run_group_tests_name("calendar/sqlite", tests, setup_sqlite, teardown);
	if (!testpg_wanted()) {
		fprintf(stderr, "calendar/postgres: %s not set, skipped\n", TESTPG_ENV);
		return fails;
	}
	return fails + cmocka_run_group_tests_name("calendar/postgres", tests, setup_pg,
	    teardown);
}
