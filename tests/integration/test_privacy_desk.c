/*
 * The privacy officer's desk over real HTTP: visitors submit known forms to showroomd; the
 * signed counts call (a privacy key, or hq) returns exactly what the store holds and has
 * counted, and nothing that names anyone; a dealer key may not ask and a privacy key may
 * not read an inbox. All data is fictional.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/jtime.h"
#include "showroom/keys/keys_secret.h"
#include "showroom/office/client.h"
#include "store/store.h"
#include "testsrv.h"

#define PASS	"example-passphrase-1"
#define DEALER1	"tokyo-setagaya"
#define DEALER2	"osaka-suita"
#define N_CAT	5	/* catalog requests submitted in setup */

static char dir[256], data[300], keyring[300], rootpub[300], url[64];
static char hq[300], dl1[300], dl2[300], pv[300];
static char model1[64], model2[64];
static struct testsrv srv;

static int
keygen(const char *role, const char *dealer, const char *name, const char *out)
{
	const char *a[] = { "keygen", "--role", role, "--name", name, "--out", out,
	    dealer ? "--dealer" : NULL, dealer, NULL };

	return testsrv_showroom(a);
}

static int
make_keys(void)
{
	char root[300], p1[310], p2[310], p3[310], p4[310], exp[16];
	time_t t = time(NULL) + 30 * 86400;
	struct tm tm;

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(hq, sizeof(hq), "%s/hq", dir);
	snprintf(dl1, sizeof(dl1), "%s/dl1", dir);
	snprintf(dl2, sizeof(dl2), "%s/dl2", dir);
	snprintf(pv, sizeof(pv), "%s/privacy", dir);
	snprintf(p1, sizeof(p1), "%s.public", hq);
	snprintf(p2, sizeof(p2), "%s.public", dl1);
	snprintf(p3, sizeof(p3), "%s.public", dl2);
	snprintf(p4, sizeof(p4), "%s.public", pv);
	snprintf(rootpub, sizeof(rootpub), "%s.public", root);
	gmtime_r(&t, &tm);
	strftime(exp, sizeof(exp), "%Y-%m-%d", &tm);
	const char *sign[] = { "keyring", "sign", "--root", root, "--expires", exp, "-o",
	    keyring, p1, p2, p3, p4, NULL };
	return keygen("root", NULL, "Example Root", root) || keygen("hq", NULL, "Example HQ",
	    hq) || keygen("dealer", DEALER1, "Example Dealer One", dl1) ||
	    keygen("dealer", DEALER2, "Example Dealer Two", dl2) ||
	    keygen("privacy", NULL, "Example Privacy Officer", pv) ||
	    testsrv_showroom(sign) ? -1 : 0;
}

/* The first model that DEALER keeps demo cars of. */
static int
dealer_model(json_t *cat, const char *dealer, char *out, size_t outsz)
{
	json_t *d, *v;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(cat, "dealers"), i, d) {
		if (strcmp(json_string_value(json_object_get(d, "code")), dealer) != 0)
			continue;
		json_object_foreach(json_object_get(d, "demo_cars"), k, v) {
			snprintf(out, outsz, "%s", k);
			return 0;
		}
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

/* A visitor asks for a printed catalog (fictional address). */
static int
post_catalog(void)
{
	struct http_reply r;
	char body[2048], id[33];
	int status;

	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s"
	    "&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E5%%A4%%AA%%E9%%83%%8E&postal_code=100-0001"
	    "&prefecture=13&address1=%%E6%%9E%%B6%%E7%%A9%%BA%%E5%%8C%%BA1-2-3&address2=",
	    id, model1);
	if (http_post(srv.port, "/request", body, &r) != 0)
		return -1;
	status = r.status;
	http_reply_free(&r);
	return status;
}

/* A free slot of DEALER for MODEL in the coming days. */
static int
find_slot(const char *dealer, const char *model, char start[17])
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *s;
	char path[256], date[11];
	size_t i;
	int day;

	for (day = 1; day < 14; day++) {
		jtime_date(time(NULL), day, date);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", dealer,
		    model, date);
		if (http_get(srv.port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		json_array_foreach(json_object_get(doc, "slots"), i, s) {
			if (json_integer_value(json_object_get(s, "free")) > 0) {
				snprintf(start, 17, "%s", json_string_value(json_object_get(s,
				    "start")));
				json_decref(doc);
				return 0;
			}
		}
		json_decref(doc);
	}
	return -1;
}

static int
post_booking(const char *dealer, const char *model)
{
	struct http_reply r;
	char body[2048], id[33], start[17];
	int status;

	if (find_slot(dealer, model, start) == -1)
		return -1;
	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&model=%s&dealer=%s&slot=%.13s%%3A%s"
	    "&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E8%%8A%%B1%%E5%%AD%%90&phone=090-0000-1234"
	    "&email=hanako.mihon%%40example.com&note=&licence=yes", id, model, dealer, start,
	    start + 14);
	if (http_post(srv.port, "/test-drive", body, &r) != 0)
		return -1;
	status = r.status;
	http_reply_free(&r);
	return status;
}

static int
setup(void **state)
{
	char path[400];
	json_error_t je;
	json_t *cat;
	int i;

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-pd") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	setenv("SHOWROOM_PASSPHRASE", PASS, 1);
	unsetenv("XDG_CONFIG_HOME");
	if (make_keys() == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/api/v1/catalog.json", testsrv_path("demo-site"));
	if ((cat = json_load_file(path, 0, &je)) == NULL)
		return -1;
	i = dealer_model(cat, DEALER1, model1, sizeof(model1)) |
	    dealer_model(cat, DEALER2, model2, sizeof(model2));
	json_decref(cat);
	if (i != 0)
		return -1;
	{
		const char *args[] = { "--site", testsrv_path("demo-site"), "--keyring",
		    keyring, "--root-pub", rootpub, "--data", data, "--rate", "100000",
		    "--burst", "100000", NULL };
		if (testsrv_start(&srv, args) == -1)
			return -1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", srv.port);
	for (i = 0; i < N_CAT; i++)
		if (post_catalog() != 303)
			return -1;
	if (post_booking(DEALER1, model1) != 303 || post_booking(DEALER1, model1) != 303 ||
	    post_booking(DEALER2, model2) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	testsrv_stop(&srv, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A signed GET as identity PREFIX; the status, and the JSON body in *doc (may be NULL). */
static long
signed_get(const char *prefix, const char *path, const char *query, json_t **doc)
{
	struct keys_identity id;
	struct keys_error ke;
	struct client *c;
	struct client_reply rep;
	json_error_t je;
	char err[512];
	long status;
	int rc;

	assert_int_equal(keys_secret_open(prefix, PASS, &id, &ke), KEYS_OK);
	assert_int_equal(client_new(url, &id, &c, err, sizeof(err)), CLIENT_OK);
	rc = client_get(c, path, query, &rep, err, sizeof(err));
	/* a failed call leaves no reply: its status is in the message */
	status = rc == CLIENT_OK ? 200 : rc == CLIENT_E_AUTH ? 401 : -1;
	if (rc == CLIENT_E_HTTP && strstr(err, " answered ") != NULL)
		status = strtol(strstr(err, " answered ") + 10, NULL, 10);
	if (doc != NULL)
		*doc = rc == CLIENT_OK ? json_loadb(rep.body.data, rep.body.len, 0, &je) : NULL;
	client_reply_free(&rep);
	client_free(c);
	keys_identity_free(&id);
	return status;
}

/* HQ acknowledges N of its records, straight through the API. */
static void
hq_ack(size_t n)
{
	struct keys_identity id;
	struct keys_error ke;
	struct client *c;
	struct client_reply rep;
	json_error_t je;
	json_t *doc, *ids, *r;
	char err[512], *body;
	size_t i;

	assert_int_equal(keys_secret_open(hq, PASS, &id, &ke), KEYS_OK);
	assert_int_equal(client_new(url, &id, &c, err, sizeof(err)), CLIENT_OK);
	assert_int_equal(client_get(c, "/api/v1/inbox", "after=0&limit=1000", &rep, err,
	    sizeof(err)), CLIENT_OK);
	doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
	client_reply_free(&rep);
	ids = json_array();
	json_array_foreach(json_object_get(doc, "records"), i, r)
		if (i < n)
			json_array_append(ids, json_object_get(r, "id"));
	json_decref(doc);
	doc = json_pack("{s:o}", "ids", ids);
	body = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	assert_int_equal(client_post_json(c, "/api/v1/ack", body, strlen(body), &rep, err,
	    sizeof(err)), CLIENT_OK);
	free(body);
	client_reply_free(&rep);
	client_free(c);
	keys_identity_free(&id);
}

static json_int_t
jint(const json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return json_integer_value(json_object_get(o, path));
}

/* The held records of KIND for the keys of ROLE (and DEALER) in a counts document. */
static json_int_t
held(const json_t *doc, const char *kind, const char *role, const char *dealer)
{
	json_int_t n = 0;
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(doc, "held"), i, h)
		if (strcmp(json_string_value(json_object_get(h, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(h, "role")), role) == 0 &&
		    (dealer == NULL || strcmp(json_string_value(json_object_get(h, "dealer")),
		    dealer) == 0))
			n += json_integer_value(json_object_get(h, "records"));
	return n;
}

static json_int_t
ahead(const json_t *doc, const char *dealer)
{
	json_int_t n = 0;
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(doc, "bookings_ahead"), i, a)
		if (strcmp(json_string_value(json_object_get(a, "dealer")), dealer) == 0)
			n += json_integer_value(json_object_get(a, "bookings"));
	return n;
}

/* The counts match what was submitted, and what the store itself says. */
static void
test_counts_match_submissions(void **state)
{
	struct store_holdings h;
	struct store_err se;
	struct store *st;
	char today[11];
	json_t *doc;
	size_t i;

	assert_int_equal(signed_get(pv, "/api/v1/counts", NULL, &doc), 200);
	assert_non_null(doc);
	assert_int_equal(held(doc, "catalog_request", "hq", NULL), N_CAT);
	assert_int_equal(held(doc, "test_drive", "dealer", DEALER1), 2);
	assert_int_equal(held(doc, "test_drive", "dealer", DEALER2), 1);
	assert_int_equal(jint(doc, "records_held"), N_CAT + 3);
	assert_int_equal(ahead(doc, DEALER1), 2);
	assert_int_equal(ahead(doc, DEALER2), 1);
	assert_int_equal(jint(doc, "last_30_days.stored.catalog_request"), N_CAT);
	assert_int_equal(jint(doc, "last_30_days.stored.test_drive"), 3);
	assert_int_equal(jint(doc, "last_30_days.acked"), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "days")), 30);
	assert_true(json_is_null(json_object_get(doc, "outbox_backlog")));
	assert_true(json_integer_value(json_object_get(doc, "oldest")) <= time(NULL));
	assert_true(json_integer_value(json_object_get(doc, "oldest")) > time(NULL) - 600);
	jtime_date(time(NULL), 0, today);
	assert_string_equal(json_string_value(json_object_get(doc, "today")), today);
	/* the same as the store says, read beside the server */
	assert_int_equal(store_open(&st, data, &se), STORE_OK);
	assert_int_equal(store_holdings(st, today, &h, &se), STORE_OK);
	assert_int_equal(h.records, (uint64_t)jint(doc, "records_held"));
	assert_int_equal(h.oldest, jint(doc, "oldest"));
	assert_int_equal(h.nheld, json_array_size(json_object_get(doc, "held")));
	for (i = 0; i < h.nheld; i++)
		assert_int_equal(h.held[i].records, json_integer_value(json_object_get(
		    json_array_get(json_object_get(doc, "held"), i), "records")));
	store_holdings_free(&h);
	store_close(st);
	json_decref(doc);

	/* HQ acknowledges two: no longer held, counted as acknowledged today */
	hq_ack(2);
	assert_int_equal(signed_get(hq, "/api/v1/counts", "days=7", &doc), 200);
	assert_int_equal(held(doc, "catalog_request", "hq", NULL), N_CAT - 2);
	assert_int_equal(jint(doc, "last_30_days.acked"), 2);
	assert_int_equal(json_array_size(json_object_get(doc, "days")), 7);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "days"), 6), "day")), today);
	assert_int_equal(jint(json_object_get(json_array_get(json_object_get(doc, "days"), 6),
	    "counts"), "acked"), 2);
	json_decref(doc);
}

/* Counts carry no id, ciphertext, slot time, name or address. */
static void
test_counts_carry_no_identifier(void **state)
{
	json_t *doc;
	char *text;

	assert_int_equal(signed_get(pv, "/api/v1/counts", NULL, &doc), 200);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	assert_null(strstr(text, "\"id\""));
	assert_null(strstr(text, "\"ct\""));
	assert_null(strstr(text, "\"enc\""));
	assert_null(strstr(text, "T0"));	/* no slot start "YYYY-MM-DDTHH:MM" */
	assert_null(strstr(text, "T1"));
	assert_null(strstr(text, "見本"));
	assert_null(strstr(text, "example.com"));
	assert_null(strstr(text, "090"));
	assert_null(strstr(text, "127.0.0.1"));
	free(text);
}

/* Who may ask: privacy and hq keys; a dealer is refused, and so is an unsigned call. A
 * privacy key reads no inbox and acknowledges nothing. */
static void
test_counts_who_may_ask(void **state)
{
	struct http_reply r;

	assert_int_equal(signed_get(dl1, "/api/v1/counts", NULL, NULL), 403);
	assert_int_equal(signed_get(pv, "/api/v1/inbox", "after=0&limit=10", NULL), 403);
	assert_int_equal(signed_get(pv, "/api/v1/counts", "days=0", NULL), 400);
	assert_int_equal(signed_get(pv, "/api/v1/counts", "days=401", NULL), 400);
	assert_int_equal(signed_get(pv, "/api/v1/counts", "day=3", NULL), 400);
	assert_int_equal(http_get(srv.port, "/api/v1/counts", NULL, &r), 0);
	assert_int_equal(r.status, 401);
	http_reply_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_match_submissions),
		cmocka_unit_test(test_counts_carry_no_identifier),
		cmocka_unit_test(test_counts_who_may_ask),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
