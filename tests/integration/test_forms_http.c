/*
 * Sealed submissions end to end over real HTTP: keys made with showroom keygen, a signed
 * keyring, showroomd with an SQLite store. Every inventory rule the web answers for, hostile
 * input, idempotency, rate limits, bookings, capacity under concurrency, cancellation, and
 * finally a search of the data directory and the logs for what was typed: nothing readable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <iconv.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "seal/recid.h"
#include "store/store.h"
#include "testkeys.h"
#include "testsrv.h"

#define DEALER	"tokyo-setagaya"

static char dir[256], site[300], data[300], keyring[300], rootpub[300];
static struct testsrv srv;
static char model[64];		/* a model DEALER keeps demo cars of */
static int capacity;

/* Every value typed into a form in this test; none may be found at rest or in logs. */
static const char *const typed[] = {
	"見本 太郎", "架空区見本町1-2-3", "サンプルハイツ101", "見本 花子",
	"hanako.mihon@example.com", "09000001234", "試乗の前に充電設備も見たいです",
	"100-0001",
};

static int
make_keys(void)
{
	static const char *const dealers[] = { DEALER, "osaka-suita", NULL };

	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	return testkeys_make(dir, dealers);
}

static int
start_server(struct testsrv *s, const char *rate)
{
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    "--data", data, "--rate", rate, "--burst", rate, "--threads", "4", NULL };

	return testsrv_start(s, args);
}

static int
setup(void **state)
{
	char cmd[1024];
	json_t *cat, *d;
	json_error_t je;
	const char *k;
	json_t *v;

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-forms") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s/site", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", testsrv_path("demo-site"), site);
	if (system(cmd) != 0)
		return -1;
	if (make_keys() == -1)
		return -1;
	/* a model the dealer keeps demo cars of, and how many */
	snprintf(cmd, sizeof(cmd), "%s/api/v1/catalog.json", site);
	if ((cat = json_load_file(cmd, 0, &je)) == NULL)
		return -1;
	d = NULL;
	for (size_t i = 0; i < json_array_size(json_object_get(cat, "dealers")); i++) {
		json_t *x = json_array_get(json_object_get(cat, "dealers"), i);
		if (strcmp(json_string_value(json_object_get(x, "code")), DEALER) == 0)
			d = x;
	}
	if (d == NULL)
		return -1;
	json_object_foreach(json_object_get(d, "demo_cars"), k, v) {
		snprintf(model, sizeof(model), "%s", k);
		capacity = (int)json_integer_value(v);
		break;
	}
	json_decref(cat);
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

static struct store_counters
counters(void)
{
	struct store_counters c;
	struct store_err se;
	struct store *st;

	memset(&c, 0, sizeof(c));
	assert_int_equal(store_open(&st, data, &se), STORE_OK);
	assert_int_equal(store_counters(st, &c, &se), STORE_OK);
	store_close(st);
	return c;
}

static void
idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

/* A URL-encoded catalog request; EXTRA is appended as is. */
static void
catalog_body(char *out, size_t outsz, const char *id, const char *extra)
{
	snprintf(out, outsz, "idem=%s&website=&models=%s&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E5%%A4%%AA%%E9%%83%%8E"
	    "&postal_code=%%EF%%BC%%91%%EF%%BC%%90%%EF%%BC%%90%%EF%%BC%%8D%%EF%%BC%%90%%EF%%BC%%90%%EF%%BC%%90%%EF%%BC%%91"
	    "&prefecture=13&address1=%%E6%%9E%%B6%%E7%%A9%%BA%%E5%%8C%%BA%%E8%%A6%%8B%%E6%%9C%%AC%%E7%%94%%BA1-2-3"
	    "&address2=%%E3%%82%%B5%%E3%%83%%B3%%E3%%83%%97%%E3%%83%%AB%%E3%%83%%8F%%E3%%82%%A4%%E3%%83%%84101%s",
	    id, model, extra ? extra : "");
}

/* A malformed date is the caller's error (400, saying why), never "store unavailable". */
static void
test_slots_bad_date_is_400(void **state)
{
	static const char *const dates[] = { "2026-13-01", "x", "", "2026-02-30", "2026-1-01",
	    "2026-01-01T10:00" };
	struct http_reply r;
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=sorane&date=%s",
		    DEALER, dates[i]);
		assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
		if (r.status != 400 || strstr(r.body, "YYYY-MM-DD") == NULL)
			fail_msg("date \"%s\": %d %.200s", dates[i], r.status, r.body);
		http_reply_free(&r);
	}
}

static void
test_catalog_form_page(void **state)
{
	struct http_reply r;
	const char *submit, *purpose;

	assert_int_equal(http_get(srv.port, "/request", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"idem\""));
	assert_non_null(strstr(r.body, "name=\"website\""));
	assert_non_null(strstr(r.body, "name=\"postal_code\""));
	assert_non_null(strstr(r.body, "name=\"models\""));
	assert_null(strstr(r.body, "income"));
	/* the purpose and recipient are stated before the submit button */
	purpose = strstr(r.body, "class=\"purpose\"");
	submit = strstr(r.body, "type=\"submit\"");
	assert_non_null(purpose);
	assert_non_null(submit);
	assert_true(purpose < submit);
	http_reply_free(&r);
	assert_int_equal(http_get(srv.port, "/en/request", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "lang=\"en\""));
	http_reply_free(&r);
}

static void
test_catalog_request_and_idempotency(void **state)
{
	struct store_counters before = counters(), after;
	struct http_reply r, again, receipt;
	char body[4096], id[33], loc[256], loc2[256];

	idem(id);
	catalog_body(body, sizeof(body), id, NULL);
	assert_int_equal(http_post(srv.port, "/request", body, &r), 0);
	if (r.status != 303)
		fail_msg("status %d: %.300s", r.status, r.body);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	assert_memory_equal(loc, "/receipt/catalog/", 17);
	after = counters();
	assert_int_equal(after.stored[STORE_KIND_CATALOG_REQUEST],
	    before.stored[STORE_KIND_CATALOG_REQUEST] + 1);
	/* the same idempotency key: the same receipt, no second record */
	assert_int_equal(http_post(srv.port, "/request", body, &again), 0);
	assert_int_equal(again.status, 303);
	assert_non_null(http_header_get(&again, "Location", loc2, sizeof(loc2)));
	assert_string_equal(loc, loc2);
	assert_int_equal(counters().stored[STORE_KIND_CATALOG_REQUEST],
	    after.stored[STORE_KIND_CATALOG_REQUEST]);
	assert_int_equal(http_get(srv.port, loc, NULL, &receipt), 0);
	assert_int_equal(receipt.status, 200);
	assert_non_null(strstr(receipt.body, loc + 17));	/* the reference */
	assert_null(strstr(receipt.body, "見本"));		/* no personal data echoed */
	http_reply_free(&r);
	http_reply_free(&again);
	http_reply_free(&receipt);
}

/* A post that must be refused with STATUS, the body containing WANT, nothing stored. */
static void
refused(const char *path, const char *body, int status, const char *want)
{
	struct store_counters before = counters(), after;
	struct http_reply r;

	assert_int_equal(http_post(srv.port, path, body, &r), 0);
	if (r.status != status)
		fail_msg("%s: status %d, expected %d: %.400s", path, r.status, status, r.body);
	if (want != NULL && strstr(r.body, want) == NULL)
		fail_msg("%s: reply lacks \"%s\"", path, want);
	http_reply_free(&r);
	after = counters();
	assert_memory_equal(after.stored, before.stored, sizeof(after.stored));
}

static void
test_invalid_input_keeps_form(void **state)
{
	struct http_reply r;
	char body[4096], id[33];

	idem(id);
	/* a bad postal code: the form again, a message in Japanese, the input kept */
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%E8%%A6%%8B%%E6%%9C%%AC"
	    "+%%E5%%A4%%AA%%E9%%83%%8E&postal_code=12-34&prefecture=13&address1=x1", id, model);
	assert_int_equal(http_post(srv.port, "/request", body, &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "郵便番号"));
	assert_non_null(strstr(r.body, "value=\"見本 太郎\""));
	assert_non_null(strstr(r.body, "value=\"12-34\""));
	http_reply_free(&r);
	refused("/request", body, 422, NULL);
	/* English */
	refused("/en/request", body, 422, "postal code");
	/* missing required fields */
	snprintf(body, sizeof(body), "idem=%s&website=", id);
	refused("/request", body, 422, NULL);
	/* too long: 51 characters of name */
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%s&postal_code=100-0001"
	    "&prefecture=13&address1=x1", id, model,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	refused("/request", body, 422, NULL);
}

static void
test_hostile_input(void **state)
{
	char body[4096], id[33], big[20000];

	idem(id);
	/* a field that is not in the inventory: refused, named, never stored */
	catalog_body(body, sizeof(body), id, "&annual_income=9000000");
	refused("/request", body, 400, "annual_income");
	catalog_body(body, sizeof(body), id, "&birth_date=1990-01-01");
	refused("/request", body, 400, "birth_date");
	/* duplicated field */
	catalog_body(body, sizeof(body), id, "&name=x");
	refused("/request", body, 400, NULL);
	/* invalid UTF-8 */
	catalog_body(body, sizeof(body), id, "&address2=%FF%FE");
	refused("/request", body, 400, NULL);
	/* SQL injection and HTML in text fields */
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%27%%3B+DROP+TABLE+records"
	    "%%3B--&postal_code=100-0001&prefecture=13&address1=x1", id, model);
	refused("/request", body, 422, NULL);
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%3Cscript%%3Ealert(1)"
	    "%%3C%%2Fscript%%3E&postal_code=100-0001&prefecture=13&address1=x1", id, model);
	refused("/request", body, 422, NULL);
	/* the script never comes back unescaped */
	/* an unknown model code */
	snprintf(body, sizeof(body), "idem=%s&website=&models=nosuchmodel&name=x&postal_code="
	    "100-0001&prefecture=13&address1=x1", id);
	refused("/request", body, 422, NULL);
	/* oversize body */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "name=", 5);
	refused("/request", big, 413, NULL);
}

static void
test_script_is_escaped(void **state)
{
	struct http_reply r;
	char body[1024], id[33];

	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%3Cscript%%3Ex&"
	    "postal_code=1&prefecture=13&address1=x1", id, model);
	assert_int_equal(http_post(srv.port, "/request", body, &r), 0);
	assert_int_equal(r.status, 422);
	assert_null(strstr(r.body, "<script>x"));
	assert_non_null(strstr(r.body, "&lt;script&gt;x"));
	http_reply_free(&r);
}

static void
test_honeypot(void **state)
{
	struct store_counters before = counters(), after;
	struct http_reply r;
	char body[4096], id[33];

	idem(id);
	catalog_body(body, sizeof(body), id, NULL);
	memcpy(strstr(body, "website="), "website=", 8);
	{
		/* fill the honeypot: "website=" -> "website=x" */
		char b2[4200], *w = strstr(body, "website=");
		snprintf(b2, sizeof(b2), "%.*swebsite=http%%3A%%2F%%2Fspam.example%s",
		    (int)(w - body), body, w + 8);
		assert_int_equal(http_post(srv.port, "/request", b2, &r), 0);
	}
	assert_int_equal(r.status, 303);	/* looks like a success */
	http_reply_free(&r);
	after = counters();
	assert_memory_equal(after.stored, before.stored, sizeof(after.stored));
}

/* A 405 names the methods the path takes, as the route table has them. */
static void
test_405_allow_from_routes(void **state)
{
	static const struct {
		const char	*method, *path, *allow;
	} cases[] = {
		{ "PUT", "/request", "GET, HEAD, POST" },
		{ "DELETE", "/en/request", "GET, HEAD, POST" },
		{ "PUT", "/test-drive", "GET, HEAD, POST" },
		{ "PATCH", "/en/test-drive", "GET, HEAD, POST" },
		{ "PUT", "/cancel", "POST" },
		{ "GET", "/cancel", "POST" },
		{ "GET", "/en/cancel", "POST" },
		{ "PUT", "/api/v1/ack", "POST" },
		{ "POST", "/api/v1/inbox", "GET, HEAD" },
		{ "POST", "/api/v1/slots", "GET, HEAD" },
		{ "POST", "/receipt/catalog/06h4az1j9mhqz4y7n96668b6v4", "GET, HEAD" },
		{ "POST", "/privacy/", "GET, HEAD" },
		{ "PUT", "/models/", "GET, HEAD" },
		{ "POST", "/", "GET, HEAD" },
		{ "POST", "/en/api/v1/ack", "GET, HEAD" },	/* no /en/ twin: a file path */
	};
	struct http_reply r;
	char req[512], allow[128];
	size_t i;
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		    "Connection: close\r\n\r\n", cases[i].method, cases[i].path, srv.port);
		assert_int_equal(http_raw(srv.port, req, (size_t)n, 0, &r), 0);
		if (r.status != 405 || http_header_get(&r, "Allow", allow, sizeof(allow)) == NULL ||
		    strcmp(allow, cases[i].allow) != 0)
			fail_msg("%s %s: %d, Allow \"%s\", expected 405 with \"%s\"",
			    cases[i].method, cases[i].path, r.status,
			    http_header_get(&r, "Allow", allow, sizeof(allow)) ? allow : "(none)",
			    cases[i].allow);
		http_reply_free(&r);
	}
}

/* The next day the dealer has a free slot for the model: "YYYY-MM-DD" and its first slot. */
static int
find_slot(char date[11], char start[17], int *free_out)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *s;
	char path[256];
	int day;

	for (day = 1; day < 14; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(date, 11, "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER,
		    model, date);
		if (http_get(srv.port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		json_t *list = json_object_get(doc, "slots");
		for (size_t i = 0; i < json_array_size(list); i++) {
			s = json_array_get(list, i);
			if (json_integer_value(json_object_get(s, "free")) ==
			    json_integer_value(json_object_get(s, "capacity"))) {
				snprintf(start, 17, "%s", json_string_value(json_object_get(s,
				    "start")));
				*free_out = (int)json_integer_value(json_object_get(s, "free"));
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
	char slot[32];

	snprintf(slot, sizeof(slot), "%.13s%%3A%s", start, start + 14);
	snprintf(out, outsz, "idem=%s&website=&model=%s&dealer=%s&slot=%s&name=%%E8%%A6%%8B"
	    "%%E6%%9C%%AC+%%E8%%8A%%B1%%E5%%AD%%90&phone=%%EF%%BC%%90%%EF%%BC%%99%%EF%%BC%%90"
	    "-0000-1234&email=hanako.mihon%%40example.com&note=%%E8%%A9%%A6%%E4%%B9%%97%%E3%%81"
	    "%%AE%%E5%%89%%8D%%E3%%81%%AB%%E5%%85%%85%%E9%%9B%%BB%%E8%%A8%%AD%%E5%%82%%99%%E3"
	    "%%82%%82%%E8%%A6%%8B%%E3%%81%%9F%%E3%%81%%84%%E3%%81%%A7%%E3%%81%%99&licence=yes",
	    id, model, DEALER, slot);
}

static void
test_test_drive_book_receipt_cancel(void **state)
{
	struct http_reply r;
	char date[11], start[17], body[4096], id[33], loc[512], path[600], ref[64];
	char token[80], cancel[256], *p;
	int freeslots;

	assert_int_equal(find_slot(date, start, &freeslots), 0);
	/* the form shows the same availability without JavaScript */
	snprintf(path, sizeof(path), "/test-drive?model=%s&dealer=%s&date=%s", model, DEALER,
	    date);
	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(loc, sizeof(loc), "value=\"%s\"", start);
	assert_non_null(strstr(r.body, loc));
	http_reply_free(&r);

	idem(id);
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	if (r.status != 303)
		fail_msg("status %d: %.500s", r.status, r.body);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	assert_memory_equal(loc, "/receipt/test-drive/", 20);
	assert_non_null(p = strstr(loc, "?k="));
	snprintf(ref, sizeof(ref), "%.*s", (int)(p - loc - 20), loc + 20);
	snprintf(token, sizeof(token), "%s", p + 3);
	assert_int_equal(http_get(srv.port, loc, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ".ics?k="));
	assert_non_null(strstr(r.body, "name=\"k\""));
	http_reply_free(&r);
	/* the calendar file */
	snprintf(path, sizeof(path), "/receipt/test-drive/%s.ics?k=%s", ref, token);
	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "BEGIN:VCALENDAR"));
	assert_non_null(strstr(r.body, "BEGIN:VEVENT"));
	assert_null(strstr(r.body, "花子"));
	http_reply_free(&r);
	/* cancel: the slot is free again; a second cancel finds nothing */
	snprintf(cancel, sizeof(cancel), "ref=%s&k=%s", ref, token);
	assert_int_equal(http_post(srv.port, "/cancel", cancel, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	assert_int_equal(counters().cancelled >= 1, 1);
	assert_int_equal(http_post(srv.port, "/cancel", cancel, &r), 0);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
	/* a wrong token opens nothing */
	snprintf(path, sizeof(path), "/receipt/test-drive/%s.ics?k=%064d", ref, 0);
	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
}

/* The id in a receipt Location ("/receipt/KIND/ID[?k=...]"), into OUT. */
static void
receipt_id(const char *loc, char out[64])
{
	const char *id = strrchr(loc, '/') + 1;

	snprintf(out, 64, "%.*s", (int)strcspn(id, "?"), id);
}

/* An idempotency key belongs to its form: a booking sent with the key of a catalog request
 * (or the other way round) is a submission of its own, not a replay of the other. */
static void
test_idem_scoped_by_form(void **state)
{
	struct store_counters before, after;
	struct http_reply r;
	char date[11], start[17], body[4096], id[33], loc[512], first[64], second[64];
	int freeslots;

	assert_int_equal(find_slot(date, start, &freeslots), 0);
	/* catalog request first, then a booking with its key */
	idem(id);
	catalog_body(body, sizeof(body), id, NULL);
	assert_int_equal(http_post(srv.port, "/request", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	receipt_id(loc, first);
	http_reply_free(&r);
	before = counters();
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	if (r.status != 303)
		fail_msg("booking with a catalog request's key: %d %.300s", r.status, r.body);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	receipt_id(loc, second);
	if (strcmp(first, second) == 0)
		fail_msg("the booking was answered with the catalog request's receipt %s", loc);
	after = counters();
	assert_int_equal(after.stored[STORE_KIND_TEST_DRIVE],
	    before.stored[STORE_KIND_TEST_DRIVE] + 1);
	/* and its receipt shows the booking, not a cancellation */
	assert_int_equal(http_get(srv.port, loc, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ".ics?k="));
	assert_null(strstr(r.body, "取り消されています"));
	http_reply_free(&r);

	/* booking first, then a catalog request with its key */
	assert_int_equal(find_slot(date, start, &freeslots), 0);
	idem(id);
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	receipt_id(loc, first);
	http_reply_free(&r);
	before = counters();
	catalog_body(body, sizeof(body), id, NULL);
	assert_int_equal(http_post(srv.port, "/request", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	receipt_id(loc, second);
	if (strcmp(first, second) == 0)
		fail_msg("the catalog request was answered with the booking's receipt %s", loc);
	after = counters();
	assert_int_equal(after.stored[STORE_KIND_CATALOG_REQUEST],
	    before.stored[STORE_KIND_CATALOG_REQUEST] + 1);
	/* each form still replays its own: the same booking again is the same receipt */
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	receipt_id(loc, second);
	assert_string_equal(first, second);
	assert_int_equal(counters().stored[STORE_KIND_TEST_DRIVE],
	    after.stored[STORE_KIND_TEST_DRIVE]);
}

/* GET PATH; the reply must have STATUS and contain WANT, and not contain AVOID. */
static void
page_says(const char *path, int status, const char *want, const char *avoid)
{
	struct http_reply r;

	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	if (r.status != status || (want != NULL && strstr(r.body, want) == NULL) ||
	    (avoid != NULL && strstr(r.body, avoid) != NULL))
		fail_msg("%s: %d (want %d, \"%s\", not \"%s\"): %.3000s", path, r.status,
		    status, want ? want : "", avoid ? avoid : "", r.body);
	http_reply_free(&r);
}

/* A mistyped or cut cancel link says the link is not valid, never that a live booking
 * was cancelled; the booking stays as it was. Only a used link says "cancelled". */
static void
test_wrong_token_is_not_cancelled(void **state)
{
	static const char cancelled_ja[] = "この予約は取り消されています。";
	static const char invalid_ja[] = "このリンクは正しくありません。";
	struct http_reply r;
	char date[11], start[17], body[4096], id[33], loc[512], path[600], ref[64];
	char token[80], wrong[80], cancel[256], *p;
	int freeslots;

	assert_int_equal(find_slot(date, start, &freeslots), 0);
	idem(id);
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	assert_non_null(p = strstr(loc, "?k="));
	snprintf(ref, sizeof(ref), "%.*s", (int)(p - loc - 20), loc + 20);
	snprintf(token, sizeof(token), "%s", p + 3);

	/* cut short, one character changed, empty, not hex */
	snprintf(path, sizeof(path), "/receipt/test-drive/%s?k=%.40s", ref, token);
	page_says(path, 200, invalid_ja, cancelled_ja);
	snprintf(wrong, sizeof(wrong), "%s", token);
	wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
	snprintf(path, sizeof(path), "/receipt/test-drive/%s?k=%s", ref, wrong);
	page_says(path, 200, invalid_ja, cancelled_ja);
	snprintf(path, sizeof(path), "/en/receipt/test-drive/%s?k=%s", ref, wrong);
	page_says(path, 200, "This link is not valid.", "has been cancelled");
	snprintf(path, sizeof(path), "/receipt/test-drive/%s?k=", ref);
	page_says(path, 200, invalid_ja, cancelled_ja);
	snprintf(path, sizeof(path), "/receipt/test-drive/%s?k=%064d", ref, 0);
	page_says(path, 200, invalid_ja, cancelled_ja);
	snprintf(path, sizeof(path), "/receipt/test-drive/%s.ics?k=%s", ref, wrong);
	page_says(path, 404, invalid_ja, cancelled_ja);
	/* a cancel with the wrong token says so, and cancels nothing */
	snprintf(cancel, sizeof(cancel), "ref=%s&k=%s", ref, wrong);
	assert_int_equal(http_post(srv.port, "/cancel", cancel, &r), 0);
	if (r.status != 404 || strstr(r.body, invalid_ja) == NULL)
		fail_msg("cancel with a wrong token: %d %.2000s", r.status, r.body);
	http_reply_free(&r);
	/* the right link still opens the live booking */
	page_says(loc, 200, "name=\"k\"", cancelled_ja);

	/* once cancelled, the right link says so */
	snprintf(cancel, sizeof(cancel), "ref=%s&k=%s", ref, token);
	assert_int_equal(http_post(srv.port, "/cancel", cancel, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	page_says(loc, 200, cancelled_ja, "name=\"k\"");
	assert_int_equal(http_post(srv.port, "/cancel", cancel, &r), 0);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "すでに使われています"));
	http_reply_free(&r);
}

/* "/receipt/test-drive/ID?k=TOKEN&f=HEX" with a record id, 64 lowercase hex digits and the
 * fields given as row bits. */
static int
booking_location_shape(const char *loc)
{
	const char *id = loc + 20, *q = strchr(loc, '?');
	char ref[STORE_ID_LEN + 1];
	size_t i;

	if (strncmp(loc, "/receipt/test-drive/", 20) != 0 || q == NULL ||
	    (size_t)(q - id) != STORE_ID_LEN || strncmp(q, "?k=", 3) != 0 ||
	    strlen(q + 3) < 64 || strncmp(q + 3 + 64, "&f=", 3) != 0 ||
	    strspn(q + 70, "0123456789abcdef") != strlen(q + 70) || q[70] == '\0')
		return 0;
	memcpy(ref, id, STORE_ID_LEN);
	ref[STORE_ID_LEN] = '\0';
	for (i = 0; i < 64; i++)
		if (strchr("0123456789abcdef", q[3 + i]) == NULL)
			return 0;
	return recid_valid(ref);
}

/* BODY with every occurrence of ID replaced by "ID", into a new string. */
static char *
without_id(const char *body, const char *id)
{
	struct buf out = BUF_INIT;
	const char *p = body, *hit;
	size_t n = strlen(id);

	while ((hit = strstr(p, id)) != NULL) {
		buf_append(&out, p, (size_t)(hit - p));
		buf_puts(&out, "ID");
		p = hit + n;
	}
	buf_puts(&out, p);
	return out.data;
}

/* BODY without ID, the short reference a receipt reads it out as ("7K3M-Q9XZ"), and the
 * link's token (the first 64 characters of TOKEN), which its language switch keeps. */
static char *
without_ref(const char *body, const char *id, const char *token)
{
	char shortref[10], tok[65], *a, *b, *c;
	size_t i, n = strlen(id);

	for (i = 0; i < 8; i++)
		shortref[i + (i >= 4)] = (char)toupper((unsigned char)id[n - 8 + i]);
	shortref[4] = '-';
	shortref[9] = '\0';
	snprintf(tok, sizeof(tok), "%.64s", token);
	a = without_id(body, id);
	b = without_id(a, shortref);
	c = without_id(b, tok);
	free(a);
	free(b);
	return c;
}

/* A robot that fills the test drive's honeypot gets a redirect of the very shape a real
 * booking gets, and the page behind it answers as any unknown link does. */
static void
test_honeypot_test_drive(void **state)
{
	struct store_counters before = counters(), after;
	struct http_reply r, fake, unknown;
	char date[11], start[17], body[4096], b2[4200], id[33], real[512], loc[512];
	char other[STORE_ID_LEN + 1], path[256], tok[65], fref[64], *a, *b, *w;
	unsigned char rnd[32];
	int freeslots;

	assert_int_equal(find_slot(date, start, &freeslots), 0);
	idem(id);
	booking_body(body, sizeof(body), start, id);
	w = strstr(body, "website=");
	snprintf(b2, sizeof(b2), "%.*swebsite=http%%3A%%2F%%2Fspam.example%s", (int)(w - body),
	    body, w + 8);
	assert_int_equal(http_post(srv.port, "/test-drive", b2, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	after = counters();	/* the robot stored nothing */
	assert_memory_equal(after.stored, before.stored, sizeof(after.stored));
	/* a real booking's redirect, for its shape */
	idem(id);
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", real, sizeof(real)));
	http_reply_free(&r);
	assert_true(booking_location_shape(real));
	if (!booking_location_shape(loc) || strlen(loc) != strlen(real))
		fail_msg("honeypot redirect %s does not look like a real one (%s)", loc, real);

	/* behind it: what a link no booking holds shows, the reference aside */
	assert_int_equal(http_get(srv.port, loc, NULL, &fake), 0);
	recid_new(other);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(tok, sizeof(tok), rnd, sizeof(rnd));
	snprintf(path, sizeof(path), "/receipt/test-drive/%s?k=%s%s", other, tok,
	    strchr(loc, '&'));	/* with the same fields given */
	assert_int_equal(http_get(srv.port, path, NULL, &unknown), 0);
	assert_int_equal(fake.status, unknown.status);
	snprintf(fref, sizeof(fref), "%.*s", STORE_ID_LEN, loc + 20);
	a = without_ref(fake.body, fref, strstr(loc, "?k=") + 3);
	b = without_ref(unknown.body, other, tok);
	assert_string_equal(a, b);
	free(a);
	free(b);
	http_reply_free(&fake);
	http_reply_free(&unknown);
}

/* POST BODY to PATH on PORT with the header lines EXTRA (each ending in \r\n) and Host
 * HOST (NULL: 127.0.0.1:PORT). */
static int
post_with(int port, const char *host, const char *path, const char *extra, const char *body,
    struct http_reply *r)
{
	char req[8192], h[64];
	int n;

	snprintf(h, sizeof(h), "127.0.0.1:%d", port);
	n = snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: %s\r\n%s"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", path, host ? host : h, extra, strlen(body), body);
	return http_raw(port, req, (size_t)n, 0, r);
}

/* A catalog request with the header lines EXTRA must get STATUS (403: the refusal page,
 * nothing stored). */
static void
origin_case(int port, const char *host, const char *path, const char *extra, int status)
{
	struct store_counters before = counters(), after;
	struct http_reply r;
	char body[4096], id[33];

	idem(id);
	catalog_body(body, sizeof(body), id, NULL);
	assert_int_equal(post_with(port, host, path, extra, body, &r), 0);
	if (r.status != status)
		fail_msg("POST %s with %s: %d, expected %d: %.300s", path, extra, r.status, status,
		    r.body);
	after = counters();
	if (status == 403) {
		if (strstr(r.body, strncmp(path, "/en/", 4) == 0 ?
		    "only be sent from this site" :
		    "このサイトのページからしか送信できません") == NULL)
			fail_msg("POST %s with %s: %.2000s", path, extra, r.body);
		assert_memory_equal(after.stored, before.stored, sizeof(after.stored));
	} else
		assert_int_equal(after.stored[STORE_KIND_CATALOG_REQUEST],
		    before.stored[STORE_KIND_CATALOG_REQUEST] + 1);
	http_reply_free(&r);
}

/* Form posts from another site are refused (403, nothing stored); the site's own pages,
 * a browser's own navigation and clients that send neither header get through. */
static void
test_cross_site_posts_refused(void **state)
{
	struct testsrv pub;
	struct http_reply r;
	char extra[256], date[11], start[17], body[4096], id[33];
	int freeslots;

	/* without --public-url: the Origin is held against the Host */
	origin_case(srv.port, NULL, "/request", "Sec-Fetch-Site: cross-site\r\n", 403);
	origin_case(srv.port, NULL, "/en/request", "Sec-Fetch-Site: cross-site\r\n", 403);
	origin_case(srv.port, NULL, "/request", "Sec-Fetch-Site: same-site\r\n", 403);
	origin_case(srv.port, NULL, "/request", "Origin: https://evil.example\r\n", 403);
	origin_case(srv.port, NULL, "/request", "Origin: null\r\n"
	    "Sec-Fetch-Site: cross-site\r\n", 403);
	origin_case(srv.port, NULL, "/request", "Origin: \r\n", 403);
	snprintf(extra, sizeof(extra), "Origin: http://127.0.0.1:%d.evil.example\r\n", srv.port);
	origin_case(srv.port, NULL, "/request", extra, 403);
	snprintf(extra, sizeof(extra), "Origin: http://127.0.0.1:%d\r\n"
	    "Sec-Fetch-Site: cross-site\r\n", srv.port);
	origin_case(srv.port, NULL, "/request", extra, 403);
	/* the Origin names the Host, by http or https (TLS at a proxy in front) */
	snprintf(extra, sizeof(extra), "Origin: http://127.0.0.1:%d\r\n"
	    "Sec-Fetch-Site: same-origin\r\n", srv.port);
	origin_case(srv.port, NULL, "/request", extra, 303);
	snprintf(extra, sizeof(extra), "Origin: https://127.0.0.1:%d\r\n", srv.port);
	origin_case(srv.port, NULL, "/en/request", extra, 303);
	origin_case(srv.port, "Showroom.Example", "/request",
	    "Origin: https://showroom.example\r\n", 303);
	origin_case(srv.port, "showroom.example", "/request",
	    "Origin: https://showroom.example:8443\r\n", 403);
	origin_case(srv.port, NULL, "/request", "Sec-Fetch-Site: none\r\n", 303);
	/* what a browser sends from the site's own pages (Referrer-Policy: no-referrer) */
	origin_case(srv.port, NULL, "/request", "Origin: null\r\n"
	    "Sec-Fetch-Site: same-origin\r\n", 303);
	origin_case(srv.port, NULL, "/request", "Origin: null\r\n", 303);
	origin_case(srv.port, NULL, "/request", "", 303);
	/* the other forms too: a booking and a cancel */
	assert_int_equal(find_slot(date, start, &freeslots), 0);
	idem(id);
	booking_body(body, sizeof(body), start, id);
	assert_int_equal(post_with(srv.port, NULL, "/test-drive",
	    "Origin: https://evil.example\r\n", body, &r), 0);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	assert_int_equal(find_slot(date, start, &freeslots), 0);	/* still all free */
	snprintf(body, sizeof(body), "ref=06h4az1j9mhqz4y7n96668b6v4&k=%064d", 0);
	assert_int_equal(post_with(srv.port, NULL, "/en/cancel",
	    "Sec-Fetch-Site: cross-site\r\n", body, &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "only be sent from this site"));
	http_reply_free(&r);

	/* with --public-url: that origin and no other, whatever the Host */
	{
		const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub",
		    rootpub, "--data", data, "--rate", "100000", "--burst", "100000", NULL };
		assert_int_equal(testsrv_start_public(&pub, args), 0);
	}
	snprintf(extra, sizeof(extra), "Origin: %s\r\nSec-Fetch-Site: same-origin\r\n",
	    pub.url);
	origin_case(pub.port, NULL, "/request", extra, 303);
	origin_case(pub.port, "evil.example", "/request", extra, 303);
	snprintf(extra, sizeof(extra), "Origin: http://localhost:%d\r\n", pub.port);
	origin_case(pub.port, NULL, "/request", extra, 403);
	snprintf(extra, sizeof(extra), "Origin: https://127.0.0.1:%d\r\n", pub.port);
	origin_case(pub.port, NULL, "/request", extra, 403);
	origin_case(pub.port, "evil.example", "/request", "Origin: http://evil.example\r\n",
	    403);
	origin_case(pub.port, NULL, "/request", "Sec-Fetch-Site: cross-site\r\n", 403);
	origin_case(pub.port, NULL, "/request", "Origin: null\r\n"
	    "Sec-Fetch-Site: same-origin\r\n", 303);
	origin_case(pub.port, NULL, "/request", "", 303);
	/* the public data and the API are not forms */
	assert_int_equal(http_get(pub.port, "/api/v1/slots?dealer=" DEALER "&model=x&date=x",
	    "Origin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n", &r), 0);
	assert_int_equal(r.status, 400);
	http_reply_free(&r);
	testsrv_stop(&pub, SIGTERM);
}

struct racer {
	char	body[4096];
	int	status;
};

static void *
race(void *arg)
{
	struct racer *rc = arg;
	struct http_reply r;

	if (http_post(srv.port, "/test-drive", rc->body, &r) == 0) {
		rc->status = r.status;
		http_reply_free(&r);
	}
	return NULL;
}

/* Many visitors at once for one slot: exactly its capacity gets in; the rest get 409. */
static void
test_concurrent_bookings_never_overbook(void **state)
{
	struct racer rc[16];
	pthread_t th[16];
	char date[11], start[17], id[33];
	int i, ok = 0, full = 0, freeslots;

	assert_int_equal(find_slot(date, start, &freeslots), 0);
	for (i = 0; i < 16; i++) {
		idem(id);
		booking_body(rc[i].body, sizeof(rc[i].body), start, id);
		rc[i].status = 0;
	}
	for (i = 0; i < 16; i++)
		pthread_create(&th[i], NULL, race, &rc[i]);
	for (i = 0; i < 16; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 16; i++) {
		ok += rc[i].status == 303;
		full += rc[i].status == 409;
	}
	assert_int_equal(ok, freeslots);
	assert_int_equal(ok + full, 16);
	/* the full slot says so, keeps the form, and the slot is shown as full */
	{
		struct http_reply r;
		idem(id);
		booking_body(rc[0].body, sizeof(rc[0].body), start, id);
		assert_int_equal(http_post(srv.port, "/test-drive", rc[0].body, &r), 0);
		assert_int_equal(r.status, 409);
		assert_non_null(strstr(r.body, "満席"));
		assert_non_null(strstr(r.body, "hanako.mihon@example.com"));
		http_reply_free(&r);
	}
}

static void
test_rate_limit(void **state)
{
	struct testsrv s2;
	struct http_reply r;
	char body[4096], id[33], ra[32];
	int i, last = 0;

	assert_int_equal(testsrv_stop(&srv, SIGTERM), 0);
	assert_int_equal(start_server(&s2, "2"), 0);
	for (i = 0; i < 4; i++) {
		idem(id);
		catalog_body(body, sizeof(body), id, NULL);
		assert_int_equal(http_post(s2.port, "/request", body, &r), 0);
		last = r.status;
		if (i < 2)
			assert_int_equal(r.status, 303);
		if (r.status == 429)
			assert_non_null(http_header_get(&r, "Retry-After", ra, sizeof(ra)));
		http_reply_free(&r);
	}
	assert_int_equal(last, 429);
	testsrv_stop(&s2, SIGTERM);
	assert_int_equal(start_server(&srv, "100000"), 0);
}

static void
test_privacy_page_from_inventory_and_keyring(void **state)
{
	struct http_reply r;

	assert_int_equal(http_get(srv.port, "/privacy/", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "郵便番号"));
	assert_non_null(strstr(r.body, "hq-"));
	assert_non_null(strstr(r.body, "dealer-" DEALER));
	assert_null(strstr(r.body, "年収"));
	http_reply_free(&r);
}

/* ---- nothing readable at rest ---- */

static size_t
count_in(const char *hay, size_t n, const void *needle, size_t m)
{
	size_t hits = 0;
	const char *p = hay, *end = hay + n;

	while (m > 0 && p < end && (p = memmem(p, (size_t)(end - p), needle, m)) != NULL) {
		hits++;
		p++;
	}
	return hits;
}

/* VALUE in the encodings a careless system would have stored it in. */
static size_t
count_encodings(const char *hay, size_t n, const char *value)
{
	char enc[512], *in, *out;
	size_t hits = count_in(hay, n, value, strlen(value)), i, inl, outl, j = 0;
	iconv_t cd;
	static const char *const sets[] = { "CP932", "UTF-16LE", "UTF-16BE", "EUC-JP" };

	for (i = 0; value[i] != '\0' && j + 4 < sizeof(enc); i++)	/* percent-encoded */
		j += (size_t)snprintf(enc + j, sizeof(enc) - j, "%%%02X",
		    (unsigned char)value[i]);
	hits += count_in(hay, n, enc, j);
	sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)value, strlen(value),
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	hits += count_in(hay, n, enc, strlen(enc) > 8 ? strlen(enc) - 4 : strlen(enc));
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		if ((cd = iconv_open(sets[i], "UTF-8")) == (iconv_t)-1)
			continue;
		in = (char *)(uintptr_t)value;
		inl = strlen(value);
		out = enc;
		outl = sizeof(enc);
		if (iconv(cd, &in, &inl, &out, &outl) != (size_t)-1)
			hits += count_in(hay, n, enc, sizeof(enc) - outl);
		iconv_close(cd);
	}
	/* JSON \u escapes of the first character, as a JSON store would write it */
	return hits;
}

static void
test_nothing_readable_at_rest(void **state)
{
	static const char *const files[] = { "showroom.db", "showroom.db-wal",
	    "showroom.db-shm", "showroom.db-journal" };
	char path[512], *content, *log;
	size_t len, i, v, hits = 0, scanned = 0;

	log = testsrv_log(&srv);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", data, files[i]);
		if (fs_read_file(path, &content, &len) == -1)
			continue;
		scanned++;
		for (v = 0; v < sizeof(typed) / sizeof(typed[0]); v++) {
			size_t h = count_encodings(content, len, typed[v]);
			if (h > 0)
				fprintf(stderr, "%s holds \"%s\" %zu times\n", files[i], typed[v], h);
			hits += h;
		}
		free(content);
	}
	for (v = 0; v < sizeof(typed) / sizeof(typed[0]); v++)
		hits += count_encodings(log, strlen(log), typed[v]);
	free(log);
	assert_true(scanned >= 1);
	assert_int_equal(hits, 0);
}

/* The search above must be able to fail: it finds a value planted in a file. */
static void
test_search_finds_planted_value(void **state)
{
	const char *plant = "xx見本 太郎yy";

	assert_true(count_encodings(plant, strlen(plant), "見本 太郎") >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_form_page),
		cmocka_unit_test(test_slots_bad_date_is_400),
		cmocka_unit_test(test_catalog_request_and_idempotency),
		cmocka_unit_test(test_invalid_input_keeps_form),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_script_is_escaped),
		cmocka_unit_test(test_honeypot),
		cmocka_unit_test(test_405_allow_from_routes),
		cmocka_unit_test(test_test_drive_book_receipt_cancel),
		cmocka_unit_test(test_idem_scoped_by_form),
		cmocka_unit_test(test_wrong_token_is_not_cancelled),
		cmocka_unit_test(test_honeypot_test_drive),
		cmocka_unit_test(test_cross_site_posts_refused),
		cmocka_unit_test(test_concurrent_bookings_never_overbook),
		cmocka_unit_test(test_privacy_page_from_inventory_and_keyring),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_search_finds_planted_value),
		cmocka_unit_test(test_nothing_readable_at_rest),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
