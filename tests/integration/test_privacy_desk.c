/*
 * The privacy officer's desk over real HTTP: visitors submit known forms to showroomd; the
 * signed counts call (a privacy key, or hq) returns exactly what the store holds and has
 * counted, and nothing that names anyone; a dealer key may not ask and a privacy key may
 * not read an inbox. /metrics is scraped and parsed line by line: its counts are those of
 * the requests made, and no counter, metric label, store count or log line carries an
 * address, user agent, cookie, query, form value or a hash of one. All data is fictional.
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

#include <cairo.h>

#include "lib/fsutil.h"
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
static int mport;		/* the metrics listener */
static json_t *catalog;		/* the site's api/v1/catalog.json */

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
	if (make_keys() == -1) {
		fprintf(stderr, "setup: keys not made\n");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/api/v1/catalog.json", testsrv_path("demo-site"));
	if ((cat = json_load_file(path, 0, &je)) == NULL)
		return -1;
	i = dealer_model(cat, DEALER1, model1, sizeof(model1)) |
	    dealer_model(cat, DEALER2, model2, sizeof(model2));
	catalog = cat;
	if (i != 0)
		return -1;
	{
		const char *args[] = { "--site", testsrv_path("demo-site"), "--keyring",
		    keyring, "--root-pub", rootpub, "--data", data, "--rate", "100000",
		    "--burst", "100000", "--metrics-listen", "0", "--counts-flush", "1", NULL };
		char *log, *p;

		/* the counts API is signed: pinned to the server's own URL */
		if (testsrv_start_public(&srv, args) == -1) {
			fprintf(stderr, "setup: showroomd did not start\n");
			return -1;
		}
		/* logged after "(port N)", which testsrv waits for */
		for (i = 0; i < 500 && mport == 0; i++) {
			log = testsrv_log(&srv);
			if ((p = strstr(log, "(metrics port ")) != NULL)
				mport = atoi(p + 14);
			free(log);
			usleep(20000);
		}
		if (mport == 0) {
			fprintf(stderr, "setup: no metrics listener\n");
			return -1;
		}
	}
	snprintf(url, sizeof(url), "%s", srv.url);
	for (i = 0; i < N_CAT; i++)
		if (post_catalog() != 303) {
			fprintf(stderr, "setup: a catalog request was refused\n");
			return -1;
		}
	if (post_booking(DEALER1, model1) != 303 || post_booking(DEALER1, model1) != 303 ||
	    post_booking(DEALER2, model2) != 303) {
		fprintf(stderr, "setup: a booking was refused\n");
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	testsrv_stop(&srv, SIGTERM);
	json_decref(catalog);
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
	/* no --notify: every record's notice waits in the outbox until the record goes */
	assert_int_equal(jint(doc, "outbox_backlog"), N_CAT + 3);
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
	assert_int_equal(h.outbox_backlog, jint(doc, "outbox_backlog"));
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
	assert_int_equal(jint(doc, "outbox_backlog"), N_CAT + 1);	/* went with them */
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

/* A signed POST of the JSON BODY to PATH as identity PREFIX; the status. */
static long
signed_post(const char *prefix, const char *path, const char *body)
{
	struct keys_identity id;
	struct keys_error ke;
	struct client *c;
	struct client_reply rep;
	char err[512];
	long status;
	int rc;

	assert_int_equal(keys_secret_open(prefix, PASS, &id, &ke), KEYS_OK);
	assert_int_equal(client_new(url, &id, &c, err, sizeof(err)), CLIENT_OK);
	rc = client_post_json(c, path, body, strlen(body), &rep, err, sizeof(err));
	status = rc == CLIENT_OK ? 200 : rc == CLIENT_E_AUTH ? 401 : -1;
	if (rc == CLIENT_E_HTTP && strstr(err, " answered ") != NULL)
		status = strtol(strstr(err, " answered ") + 10, NULL, 10);
	client_reply_free(&rep);
	client_free(c);
	keys_identity_free(&id);
	return status;
}

/* Who may ask: privacy and hq keys; a dealer is refused, and so is an unsigned call. A
 * privacy key reads no inbox and acknowledges nothing, and reads or changes no dealer's
 * calendar or bookings. */
static void
test_counts_who_may_ask(void **state)
{
	struct http_reply r;
	char body[160];

	assert_int_equal(signed_get(dl1, "/api/v1/counts", NULL, NULL), 403);
	assert_int_equal(signed_get(pv, "/api/v1/inbox", "after=0&limit=10", NULL), 403);
	assert_int_equal(signed_get(pv, "/api/v1/calendar", "dealer=" DEALER1, NULL), 403);
	snprintf(body, sizeof(body), "{\"dealer\":\"%s\",\"from\":\"2030-01-01\","
	    "\"to\":\"2030-01-01\"}", DEALER1);
	assert_int_equal(signed_post(pv, "/api/v1/calendar/close", body), 403);
	snprintf(body, sizeof(body), "{\"dealer\":\"%s\",\"ids\":[]}", DEALER1);
	assert_int_equal(signed_post(pv, "/api/v1/bookings/confirm", body), 403);
	assert_int_equal(signed_get(pv, "/api/v1/counts", "days=0", NULL), 400);
	assert_int_equal(signed_get(pv, "/api/v1/counts", "days=401", NULL), 400);
	assert_int_equal(signed_get(pv, "/api/v1/counts", "day=3", NULL), 400);
	assert_int_equal(http_get(srv.port, "/api/v1/counts", NULL, &r), 0);
	assert_int_equal(r.status, 401);
	http_reply_free(&r);
}

/* ---- /metrics ------------------------------------------------------------------------ */

/* Label values that may appear, by label name; NULL: checked by its own rule. */
static const char *const ok_class[] = { "home", "models", "model", "dealers", "privacy",
    "form", "submit", "receipt", "cancel", "catalog_pdf", "asset", "api", "health", "other",
    "bad", NULL };
static const char *const ok_lang[] = { "ja", "en", "none", NULL };
static const char *const ok_status[] = { "2xx", "3xx", "4xx", "5xx", NULL };
static const char *const ok_form[] = { "catalog", "test_drive", NULL };
static const char *const ok_outcome[] = { "accepted", "invalid", "rejected", "full",
    "too_large", "bad_type", "limited", "honeypot", "closed", "error", NULL };
static const char *const ok_kind[] = { "catalog_request", "test_drive", "cancellation",
    NULL };
static const char *const ok_op[] = { "store_put", "store_book", "store_cancel",
    "store_booking_find", "store_slot_counts", "store_inbox", "store_ack", "store_expire",
    "store_nonce_use", "store_counts_add", "store_holdings", "other", NULL };

static int
in_list(const char *const *list, const char *v)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, v) == 0)
			return 1;
	return 0;
}

/* A model or dealer code of the content (catalog.json), by its list and member. */
static int
in_catalog(const char *list, const char *v)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(catalog, list), i, e)
		if (strcmp(json_string_value(json_object_get(e, "code")), v) == 0)
			return 1;
	return 0;
}

/* A key id of the keyring. */
static int
in_keyring(const char *v)
{
	json_t *kr = json_load_file(keyring, 0, NULL), *k;
	size_t i;
	int found = 0;

	json_array_foreach(json_object_get(kr, "keys"), i, k)
		found |= strcmp(json_string_value(json_object_get(k, "key_id")), v) == 0;
	json_decref(kr);
	return found;
}

static int
is_day(const char *v)
{
	return strlen(v) == 10 && jtime_midnight(v) != -1;
}

static int
is_number(const char *v)
{
	char *end;

	if (strcmp(v, "+Inf") == 0)
		return 1;
	strtod(v, &end);
	return *v != '\0' && *end == '\0';
}

/* Whether label NAME may hold VALUE: fixed words, content codes, key ids, days. */
static int
label_ok(const char *name, const char *value)
{
	if (strcmp(name, "class") == 0)
		return in_list(ok_class, value);
	if (strcmp(name, "lang") == 0)
		return in_list(ok_lang, value);
	if (strcmp(name, "status") == 0)
		return in_list(ok_status, value);
	if (strcmp(name, "form") == 0)
		return in_list(ok_form, value);
	if (strcmp(name, "outcome") == 0)
		return in_list(ok_outcome, value);
	if (strcmp(name, "kind") == 0)
		return in_list(ok_kind, value);
	if (strcmp(name, "op") == 0)
		return in_list(ok_op, value);
	if (strcmp(name, "model") == 0)
		return in_catalog("models", value) || strcmp(value, "(other)") == 0;
	if (strcmp(name, "dealer") == 0)
		return in_catalog("dealers", value);
	if (strcmp(name, "key_id") == 0)
		return in_keyring(value);
	if (strcmp(name, "day") == 0)
		return is_day(value);
	if (strcmp(name, "le") == 0)
		return is_number(value);
	return 0;
}

/*
 * Parses the Prometheus text strictly: every sample line is NAME{L="V",...} VALUE, its
 * family was declared by a # TYPE line, every label is one we know and holds a value it may
 * hold. Returns {series: value}.
 */
static json_t *
metrics_parse(const char *text)
{
	json_t *out = json_object(), *types = json_object();
	char *copy = strdup(text), *line, *save, *sp, *lb, *p, *eq, *end, fam[128];
	size_t n;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# TYPE ", 7) == 0) {
			sp = strchr(line + 7, ' ');
			assert_non_null(sp);
			*sp = '\0';
			json_object_set_new(types, line + 7, json_string(sp + 1));
			continue;
		}
		if (strncmp(line, "# HELP ", 7) == 0)
			continue;
		assert_non_null(sp = strrchr(line, ' '));
		if (!is_number(sp + 1))
			fail_msg("metrics: bad value in \"%s\"", line);
		*sp = '\0';
		n = strspn(line, "abcdefghijklmnopqrstuvwxyz_");
		assert_true(n > 0);
		snprintf(fam, sizeof(fam), "%.*s", (int)n, line);
		if (json_object_get(types, fam) == NULL) {
			/* a histogram's _bucket, _sum, _count */
			if ((p = strrchr(fam, '_')) != NULL)
				*p = '\0';
			if (json_object_get(types, fam) == NULL)
				fail_msg("metrics: \"%s\" has no # TYPE", line);
		}
		if ((lb = strchr(line, '{')) != NULL) {
			if (line[strlen(line) - 1] != '}' || lb != line + n)
				fail_msg("metrics: malformed labels in \"%s\"", line);
			for (p = lb + 1; *p != '}'; p = end + 1 + (end[1] == ',')) {
				assert_non_null(eq = strchr(p, '='));
				assert_true(eq[1] == '"');
				assert_non_null(end = strchr(eq + 2, '"'));
				*eq = *end = '\0';
				if (!label_ok(p, eq + 2))
					fail_msg("metrics: label %s=\"%s\" is not one it may hold",
					    p, eq + 2);
				*eq = '=';
				*end = '"';
			}
		} else if (line[n] != '\0')
			fail_msg("metrics: malformed name in \"%s\"", line);
		json_object_set_new(out, line, json_real(strtod(sp + 1, NULL)));
	}
	json_decref(types);
	free(copy);
	return out;
}

static json_t *
scrape(void)
{
	struct http_reply r;
	char ct[128];
	json_t *m;

	assert_int_equal(http_get(mport, "/metrics", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(http_header_get(&r, "Content-Type", ct, sizeof(ct)));
	assert_string_equal(ct, "text/plain; version=0.0.4; charset=utf-8");
	m = metrics_parse(r.body);
	http_reply_free(&r);
	return m;
}

static double
series(const json_t *m, const char *name)
{
	return json_real_value(json_object_get(m, name));
}

static void
get_status(const char *path, int want)
{
	struct http_reply r;

	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	if (r.status != want)
		fail_msg("GET %s: %d, want %d", path, r.status, want);
	http_reply_free(&r);
}

/* POST BODY to PATH with extra header lines; the status. */
static int
post_raw(const char *path, const char *body, const char *extra)
{
	struct http_reply r;
	char req[8192];
	int n, status;

	n = snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n%s"
	    "Connection: close\r\n\r\n%s", path, srv.port, strlen(body), extra, body);
	assert_int_equal(http_raw(srv.port, req, (size_t)n, 0, &r), 0);
	status = r.status;
	http_reply_free(&r);
	return status;
}

/* The day's count NAME from the counts API (privacy key), or 0. */
static json_int_t
day_count(const char *name)
{
	json_t *doc, *days;
	json_int_t v;

	assert_int_equal(signed_get(pv, "/api/v1/counts", "days=1", &doc), 200);
	days = json_object_get(doc, "days");
	v = json_integer_value(json_object_get(json_object_get(json_array_get(days, 0),
	    "counts"), name));
	json_decref(doc);
	return v;
}

/* Waits (up to 5 s) for the flusher to have added N to the day's count NAME since BEFORE. */
static void
wait_count(const char *name, json_int_t before, json_int_t n)
{
	int i;

	for (i = 0; i < 50 && day_count(name) < before + n; i++)
		usleep(100000);
	assert_int_equal(day_count(name) - before, n);
}

/* Known requests move exactly their counters, in /metrics and in the store's daily counts. */
static void
test_metrics_scrape(void **state)
{
	char path[128], body[1024], id[33];
	json_t *a, *b;
	json_int_t pages, pdfs, invalid;
	char sm[160], spdf[160], sv[160], today[11];
	struct store_holdings h;
	struct store_err se;
	struct store *st;

	snprintf(sm, sizeof(sm), "page.model.ja");
	snprintf(spdf, sizeof(spdf), "pdf.%s.ja", model1);
	pages = day_count(sm);
	pdfs = day_count(spdf);
	invalid = day_count("form.catalog.invalid");
	a = scrape();
	/* the setup's submissions */
	assert_true(series(a, "showroom_form_submissions_total{form=\"catalog\","
	    "outcome=\"accepted\"}") >= N_CAT);
	assert_true(series(a, "showroom_form_submissions_total{form=\"test_drive\","
	    "outcome=\"accepted\"}") >= 3);
	assert_true(series(a, "showroom_up") == 1);
	assert_true(series(a, "showroom_counting") == 1);
	assert_true(series(a, "showroom_store_up") == 1);

	snprintf(path, sizeof(path), "/models/%s/", model1);
	get_status(path, 200);
	get_status(path, 200);
	get_status(path, 200);
	snprintf(path, sizeof(path), "/en/models/%s/", model1);
	get_status(path, 200);
	snprintf(path, sizeof(path), "/catalogs/%s-ja.pdf", model1);
	get_status(path, 200);
	get_status("/no-such-page", 404);
	/* a field's value refused: 422; a filled honeypot: 303, stored as nothing */
	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%3Cb%%3E&postal_code="
	    "100-0001&prefecture=13&address1=x&address2=", id, model1);
	assert_int_equal(post_raw("/request", body, ""), 422);
	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=spam&models=%s&name=x&postal_code="
	    "100-0001&prefecture=13&address1=x&address2=", id, model1);
	assert_int_equal(post_raw("/request", body, ""), 303);

	b = scrape();
	snprintf(sv, sizeof(sv), "showroom_page_views_total{class=\"model\",lang=\"ja\"}");
	assert_true(series(b, sv) - series(a, sv) == 3);
	snprintf(sv, sizeof(sv), "showroom_page_views_total{class=\"model\",lang=\"en\"}");
	assert_true(series(b, sv) - series(a, sv) == 1);
	snprintf(sv, sizeof(sv), "showroom_catalog_downloads_total{model=\"%s\",lang=\"ja\"}",
	    model1);
	assert_true(series(b, sv) - series(a, sv) == 1);
	snprintf(sv, sizeof(sv), "showroom_http_requests_total{class=\"other\",lang=\"none\","
	    "status=\"4xx\"}");
	assert_true(series(b, sv) - series(a, sv) == 1);
	assert_true(series(b, "showroom_form_submissions_total{form=\"catalog\","
	    "outcome=\"invalid\"}") - series(a, "showroom_form_submissions_total{"
	    "form=\"catalog\",outcome=\"invalid\"}") == 1);
	assert_true(series(b, "showroom_form_submissions_total{form=\"catalog\","
	    "outcome=\"honeypot\"}") - series(a, "showroom_form_submissions_total{"
	    "form=\"catalog\",outcome=\"honeypot\"}") == 1);
	assert_true(series(b, "showroom_form_submissions_total{form=\"catalog\","
	    "outcome=\"accepted\"}") == series(a, "showroom_form_submissions_total{"
	    "form=\"catalog\",outcome=\"accepted\"}"));
	/* a histogram: +Inf holds every request of the class, as its _count */
	snprintf(sv, sizeof(sv), "showroom_http_request_duration_seconds_bucket{class=\"model\","
	    "le=\"+Inf\"}");
	assert_true(series(b, sv) - series(a, sv) == 4);
	assert_true(series(b, sv) == series(b, "showroom_http_request_duration_seconds_count{"
	    "class=\"model\"}"));
	assert_true(series(b, "showroom_store_duration_seconds_count{op=\"store_put\"}") >=
	    N_CAT);
	/* what is held, as the counts API says */
	assert_true(series(b, "showroom_records_oldest_timestamp_seconds") > 0);
	/* the outbox, as the store counts it (nothing sends: no --notify) */
	assert_int_equal(store_open(&st, data, &se), STORE_OK);
	jtime_date(time(NULL), 0, today);
	assert_int_equal(store_holdings(st, today, &h, &se), STORE_OK);
	assert_true(h.outbox_backlog > 0);
	assert_true(series(b, "showroom_outbox_backlog") == (double)h.outbox_backlog);
	store_holdings_free(&h);
	store_close(st);
	assert_true(series(b, "showroom_http_open_connections") >= 0);
	json_decref(a);
	json_decref(b);
	/* and the store's daily counts, once flushed (every second here) */
	wait_count(sm, pages, 3);
	wait_count(spdf, pdfs, 1);
	wait_count("form.catalog.invalid", invalid, 1);
}

/* The scrape endpoint answers nothing else. */
static void
test_metrics_listener_only_metrics(void **state)
{
	struct http_reply r;

	assert_int_equal(http_get(mport, "/", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
	assert_int_equal(http_get(mport, "/metrics/../privacy/", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
	/* and the public listener has no /metrics */
	assert_int_equal(http_get(srv.port, "/metrics", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
}

#define MARK_NAME	"Zqxmarkname"
#define MARK_ADDR	"Zqxmarkaddr"
#define MARK_UA		"ZqxAgent/7.3"
#define MARK_COOKIE	"zqxcookie"
#define MARK_QUERY	"zqxquery"
#define MARK_IP		"203.0.113.77"

static void
assert_absent(const char *what, const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		fail_msg("%s holds \"%s\"", what, needle);
}

/* No run of 16 or more hex digits, save the key ids of the keyring. */
static void
assert_no_hash(const char *what, const char *text)
{
	const char *p = text;
	size_t n;

	while (*p != '\0') {
		n = strspn(p, "0123456789abcdefABCDEF");
		if (n >= 16) {
			char run[80];

			snprintf(run, sizeof(run), "%.*s", (int)(n < 70 ? n : 70), p);
			if (!(n == 16 && p > text + 3 && p[-1] == '-'))	/* "hq-<16 hex>" */
				fail_msg("%s holds a hash-like run \"%s\"", what, run);
		}
		p += n > 0 ? n : 1;
	}
}

static void
assert_clean(const char *what, const char *text)
{
	unsigned char h[32];
	char hex[65];
	const char *const marks[] = { MARK_NAME, MARK_ADDR, MARK_UA, "ZqxAgent", MARK_COOKIE,
	    MARK_QUERY, MARK_IP, "127.0.0.1", "mihon", NULL };
	const char *const hashed[] = { "127.0.0.1", MARK_IP, MARK_UA, MARK_NAME, NULL };
	int i;

	for (i = 0; marks[i] != NULL; i++)
		assert_absent(what, text, marks[i]);
	for (i = 0; hashed[i] != NULL; i++) {
		crypto_hash_sha256(h, (const unsigned char *)hashed[i], strlen(hashed[i]));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		assert_absent(what, text, hex);
		hex[16] = '\0';
		assert_absent(what, text, hex);
	}
}

/*
 * A visitor with a marked user agent, cookie, forwarded address and query submits marked
 * values: none of it, nor a hash of it, is in a counter, a metric label, a store count or
 * a log line, and every label holds only what it may.
 */
static void
test_no_identifier_in_counts(void **state)
{
	char body[1024], id[33], extra[512], *log, *text, *names;
	struct http_reply r;
	struct store_count *v;
	struct store_err se;
	struct store *st;
	char from[11], to[11];
	json_t *m, *doc;
	size_t n, i;
	const char *key;
	json_t *val;
	json_int_t before = day_count("form.catalog.accepted");

	snprintf(extra, sizeof(extra), "User-Agent: %s\r\nCookie: sid=%s\r\n"
	    "X-Forwarded-For: %s\r\nReferer: https://example.net/?%s\r\n", MARK_UA, MARK_COOKIE,
	    MARK_IP, MARK_QUERY);
	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%s&postal_code=100-0001"
	    "&prefecture=13&address1=%s&address2=", id, model1, MARK_NAME, MARK_ADDR);
	assert_int_equal(post_raw("/request", body, extra), 303);
	assert_int_equal(post_raw("/en/request?" MARK_QUERY "=1", body, extra), 303);
	snprintf(body, sizeof(body), "GET /models/?email=%s%%40example.com HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\n%sConnection: close\r\n\r\n", MARK_QUERY, srv.port, extra);
	assert_int_equal(http_raw(srv.port, body, strlen(body), 0, &r), 0);
	http_reply_free(&r);
	wait_count("form.catalog.accepted", before, 2);

	/* /metrics: as text, and label by label (metrics_parse checks each) */
	assert_int_equal(http_get(mport, "/metrics", NULL, &r), 0);
	assert_clean("/metrics", r.body);
	assert_no_hash("/metrics", r.body);
	m = metrics_parse(r.body);
	http_reply_free(&r);
	json_decref(m);

	/* the counts API: every daily count's name is a fixed word or a model code */
	assert_int_equal(signed_get(pv, "/api/v1/counts", "days=2", &doc), 200);
	text = json_dumps(doc, JSON_COMPACT);
	assert_clean("/api/v1/counts", text);
	free(text);
	json_decref(doc);

	/* the store's counters table, read beside the server */
	jtime_date(time(NULL), -1, from);
	jtime_date(time(NULL), 0, to);
	assert_int_equal(store_open(&st, data, &se), STORE_OK);
	assert_int_equal(store_counts_get(st, from, to, &v, &n, &se), STORE_OK);
	store_close(st);
	doc = json_object();
	for (i = 0; i < n; i++)
		json_object_set_new(doc, v[i].name, json_integer((json_int_t)v[i].value));
	free(v);
	json_object_foreach(doc, key, val) {
		char word[40];
		const char *dot = strchr(key, '.'), *rest;

		snprintf(word, sizeof(word), "%.*s", dot ? (int)(dot - key) : (int)strlen(key),
		    key);
		rest = dot ? dot + 1 : "";
		if (strcmp(word, "pdf") == 0) {
			snprintf(word, sizeof(word), "%.*s", (int)strcspn(rest, "."), rest);
			if (!in_catalog("models", word))
				fail_msg("store count %s names no model", key);
		} else if (!(strcmp(word, "requests") == 0 || strcmp(word, "status") == 0 ||
		    strcmp(word, "page") == 0 || strcmp(word, "form") == 0 ||
		    strcmp(word, "stored") == 0 || strcmp(word, "acked") == 0 ||
		    strcmp(word, "expired") == 0 || strcmp(word, "cancelled") == 0))
			fail_msg("store count %s is not a known count", key);
	}
	names = json_dumps(doc, JSON_COMPACT);
	assert_clean("store counts", names);
	assert_no_hash("store counts", names);
	free(names);
	json_decref(doc);

	/* the server's log, but for the lines naming its own addresses: where it listens
	 * and its --public-url */
	snprintf(extra, sizeof(extra), ": listening on 127.0.0.1:%d (port ", srv.port);
	snprintf(body, sizeof(body), ": public URL %s: signed requests must name @authority ",
	    srv.url);
	log = testsrv_log(&srv);
	for (text = strtok_r(log, "\n", &names); text != NULL;
	    text = strtok_r(NULL, "\n", &names)) {
		if (strstr(text, extra) != NULL || strstr(text, body) != NULL ||
		    strstr(text, ": metrics on 127.0.0.1:0 (metrics port ") != NULL)
			continue;
		assert_clean("the server's log", text);
		assert_no_hash("the server's log", text);
	}
	free(log);
}

/* ---- showroom stats ------------------------------------------------------------------ */

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

/* showroom CMD ARGS as identity WHO against the server, stdout and stderr captured. */
static void
desk(struct run *r, const char *who, const char *cmd, const char *const *args)
{
	const char *argv[40];
	int n = 0;

	argv[n++] = cmd;
	while (args != NULL && *args != NULL && n < 30)
		argv[n++] = *args++;
	argv[n++] = "--identity";
	argv[n++] = who;
	argv[n++] = "--server";
	argv[n++] = url;
	argv[n] = NULL;
	memset(r, 0, sizeof(*r));
	r->status = testsrv_showroom_capture(dir, argv, &r->out, &r->err);
	assert_true(r->status >= 0);
}

/* The numbers of the table line that starts with DAY. */
static int
table_line(const char *out, const char *day, long long v[9])
{
	const char *p = out;

	while ((p = strstr(p, day)) != NULL && p != out && p[-1] != '\n')
		p++;
	if (p == NULL)
		return -1;
	return sscanf(p + strlen(day), "%lld %lld %lld %lld %lld %lld %lld %lld %lld", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9 ? 0 : -1;
}

static void
test_stats_table_and_chart(void **state)
{
	char svg[300], png[300], today[11], *text;
	long long v[9];
	cairo_surface_t *s;
	unsigned char *px;
	struct stat st;
	struct run r;
	json_t *doc, *counts;
	size_t len;
	int x, y, inked = 0;

	snprintf(svg, sizeof(svg), "%s/stats.svg", dir);
	snprintf(png, sizeof(png), "%s/stats.png", dir);
	jtime_date(time(NULL), 0, today);
	const char *a[] = { "--days", "7", "--lang", "en", "--out", svg, NULL };
	desk(&r, pv, "stats", a);
	if (r.status != 0)
		fail_msg("stats: %d\n%s%s", r.status, r.out, r.err);
	assert_non_null(strstr(r.out, "showroom counts, the last 7 days"));
	assert_int_equal(table_line(r.out, today, v), 0);
	/* the table says what the counts API says */
	assert_int_equal(signed_get(pv, "/api/v1/counts", "days=1", &doc), 200);
	counts = json_object_get(json_array_get(json_object_get(doc, "days"), 0), "counts");
	assert_int_equal(v[3], json_integer_value(json_object_get(counts,
	    "stored.catalog_request")));
	assert_int_equal(v[4], 3);		/* the setup's three test drives */
	assert_true(v[0] > 0 && v[0] <= json_integer_value(json_object_get(counts,
	    "requests")));
	json_decref(doc);
	assert_non_null(strstr(r.out, "catalog PDF downloads per model"));
	assert_non_null(strstr(r.out, model1));
	assert_non_null(strstr(r.out, "held by the server now"));
	run_free(&r);
	/* the SVG */
	assert_int_equal(stat(svg, &st), 0);
	assert_int_equal(fs_read_file(svg, &text, &len), 0);
	assert_non_null(strstr(text, "<svg"));
	assert_true(len > 2000);
	free(text);
	/* the PNG, in Japanese: 900 x 760, and drawn on */
	const char *b[] = { "--days", "30", "--out", png, NULL };
	desk(&r, pv, "stats", b);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "showroom の集計"));
	run_free(&r);
	s = cairo_image_surface_create_from_png(png);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_width(s), 900);
	assert_int_equal(cairo_image_surface_get_height(s), 760);
	px = cairo_image_surface_get_data(s);
	for (y = 0; y < 760; y++)
		for (x = 0; x < 900; x++)
			inked += (*(uint32_t *)(px + y * cairo_image_surface_get_stride(s) +
			    x * 4) & 0xffffff) != 0xffffff;
	assert_true(inked > 5000);
	cairo_surface_destroy(s);
	unlink(svg);
	unlink(png);
}

static void
test_stats_refusals(void **state)
{
	struct run r;

	const char *a[] = { "--days", "0", NULL };
	desk(&r, pv, "stats", a);
	assert_int_equal(r.status, 2);
	run_free(&r);
	const char *b[] = { "--out", "chart.gif", NULL };
	desk(&r, pv, "stats", b);
	assert_int_equal(r.status, 2);
	run_free(&r);
	/* a dealer's key may not read counts */
	desk(&r, dl1, "stats", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "403"));
	run_free(&r);
	const char *c[] = { "--help", NULL };
	desk(&r, pv, "stats", c);
	assert_int_equal(r.status, 0);
	run_free(&r);
	/* nothing is sealed to a privacy key: the office, which opens records, refuses it */
	{
		char store[320];

		snprintf(store, sizeof(store), "%s/store-privacy", dir);
		const char *o[] = { "--keyring", keyring, "--root-pub", rootpub, "--store", store,
		    "--templates", "templates", NULL };
		desk(&r, pv, "office", o);
		assert_int_equal(r.status, 2);
		assert_non_null(strstr(r.err, "the office is for hq and dealer keys"));
		run_free(&r);
	}
}

/* ---- showroom breach-report -------------------------------------------------------------- */

/* The number after MARK in TEXT, or -1. */
static long long
number_after(const char *text, const char *mark)
{
	const char *p = strstr(text, mark);

	return p != NULL ? strtoll(p + strlen(mark), NULL, 10) : -1;
}

/* What the store holds now for keys whose id starts with PREFIX (NULL: all). */
static long long
store_held(const char *prefix, const char *kind)
{
	struct store_holdings h;
	struct store_err se;
	struct store *st;
	char today[11];
	long long n = 0;
	size_t i;

	jtime_date(time(NULL), 0, today);
	assert_int_equal(store_open(&st, data, &se), STORE_OK);
	assert_int_equal(store_holdings(st, today, &h, &se), STORE_OK);
	for (i = 0; i < h.nheld; i++)
		if ((prefix == NULL || strncmp(h.held[i].key_id, prefix, strlen(prefix)) == 0) &&
		    (kind == NULL || strcmp(store_kind_name(h.held[i].kind), kind) == 0))
			n += (long long)h.held[i].records;
	store_holdings_free(&h);
	store_close(st);
	return n;
}

static void
report(struct run *r, const char *scope, const char *lang)
{
	const char *a[] = { "--discovered", "2026-12-01", "--scope", scope, "--lang", lang,
	    NULL };

	desk(r, pv, "breach-report", a);
}

/* Every section, in the language asked, with blanks marked and no personal data. */
static void
assert_report_shape(const struct run *r, int ja)
{
	static const char *const ja_heads[] = { "## 報告の要否と期限", "## 1. 概要",
	    "## 2. 漏えい等", "## 3. 本人の数", "## 4. 原因", "## 5. 二次被害",
	    "## 6. 本人への対応", "## 7. 公表", "## 8. 再発防止", "## 9. その他" };
	static const char *const en_heads[] = { "## Whether to report", "## 1. Overview",
	    "## 2. Personal data items", "## 3. Number of persons", "## 4. Cause",
	    "## 5. Secondary harm", "## 6. Response", "## 7. Publication", "## 8. Measures",
	    "## 9. Other matters" };
	size_t i;

	if (r->status != 0)
		fail_msg("breach-report: exit %d\n%s", r->status, r->err);
	for (i = 0; i < 10; i++)
		if (strstr(r->out, ja ? ja_heads[i] : en_heads[i]) == NULL)
			fail_msg("report lacks \"%s\":\n%s", ja ? ja_heads[i] : en_heads[i], r->out);
	assert_non_null(strstr(r->out, ja ? "［要記入：" : "[TO FILL: "));
	/* deadlines from 2026-12-01: 3 to 5 days, 30 and 60 days */
	assert_non_null(strstr(r->out, "2026-12-04"));
	assert_non_null(strstr(r->out, "2026-12-06"));
	assert_non_null(strstr(r->out, "2026-12-31"));
	assert_non_null(strstr(r->out, "2027-01-30"));
	assert_null(strstr(r->out, "見本"));
	assert_null(strstr(r->out, MARK_NAME));
	assert_null(strstr(r->out, "example.com"));
}

static const char *
upper_mark(int ja)
{
	return ja ? "記録の件数（上限）: " : "Records (upper bound): ";
}

static void
test_breach_web_tier(void **state)
{
	char today[11];
	struct run r;
	int ja;

	jtime_date(time(NULL), 0, today);
	for (ja = 0; ja < 2; ja++) {
		report(&r, "web-tier", ja ? "ja" : "en");
		assert_report_shape(&r, ja);
		assert_int_equal(number_after(r.out, upper_mark(ja)), store_held(NULL, NULL));
		assert_non_null(strstr(r.out, ja ? "1,000 を超えません" : "not more than 1,000"));
		assert_non_null(strstr(r.out, ja ? "高度な暗号化" : "advanced encryption"));
		assert_non_null(strstr(r.out, ja ? "取得しようとしていた" : "being acquired"));
		/* the window of submissions, without --since: a blank */
		assert_non_null(strstr(r.out, ja ? "--since で始まり" : "give the first day with"));
		run_free(&r);
	}
	/* found today, begun today: what was stored today, from the store's daily counts */
	{
		const char *a[] = { "--discovered", today, "--since", today, "--scope",
		    "web-tier", "--lang", "en", NULL };
		desk(&r, pv, "breach-report", a);
	}
	assert_int_equal(r.status, 0);
	assert_true(number_after(r.out, "running server was taken over): ") >= N_CAT + 3);
	run_free(&r);
}

static void
test_breach_dealer(void **state)
{
	char scope[64], prefix[64];
	struct run r;
	int ja;

	snprintf(scope, sizeof(scope), "dealer:%s", DEALER1);
	snprintf(prefix, sizeof(prefix), "dealer-%s-", DEALER1);
	for (ja = 0; ja < 2; ja++) {
		report(&r, scope, ja ? "ja" : "en");
		assert_report_shape(&r, ja);
		assert_int_equal(number_after(r.out, upper_mark(ja)), store_held(prefix, NULL));
		assert_int_equal(store_held(prefix, "test_drive"), 2);
		assert_non_null(strstr(r.out, DEALER1));
		/* a booking's fields, not a catalog request's */
		assert_non_null(strstr(r.out, ja ? "メールアドレス" : "E-mail address"));
		assert_null(strstr(r.out, ja ? "郵便番号 (postal_code)" : "Postal code (postal_code)"));
		run_free(&r);
	}
}

/* HQ pulls and exports with a seed; the report for the HQ key and for that export. */
static void
test_breach_hq_key_and_export(void **state)
{
	char conf[300], store[300], out[300], scope[320];
	struct run r;
	long long held;
	FILE *f;
	int ja;

	snprintf(conf, sizeof(conf), "%s/config.json", dir);
	snprintf(store, sizeof(store), "%s/store-hq", dir);
	snprintf(out, sizeof(out), "%s/2026-12-01-labels.csv", dir);
	assert_non_null(f = fopen(conf, "w"));
	fprintf(f, "{\"server\":\"%s\",\"keyring\":\"%s\",\"root_pub\":\"%s\",\"store\":\"%s\","
	    "\"seeds\":[{\"id\":\"seed-a\",\"name\":\"種子 一郎\",\"postal_code\":\"100-0002\","
	    "\"prefecture\":\"13\",\"address1\":\"千代田区架空町2-7-1\",\"address2\":\"\"}]}\n",
	    url, keyring, rootpub, store);
	assert_int_equal(fclose(f), 0);
	held = store_held("hq-", "catalog_request");
	assert_true(held > 0);
	{
		const char *a[] = { "--config", conf, NULL };
		desk(&r, hq, "pull", a);
		assert_int_equal(r.status, 0);
		run_free(&r);
		const char *b[] = { "--config", conf, "--format", "csv", "--out", out, "--seed",
		    NULL };
		desk(&r, hq, "export", b);
		if (r.status != 0)
			fail_msg("export: %s%s", r.out, r.err);
		run_free(&r);
	}
	for (ja = 0; ja < 2; ja++) {
		const char *a[] = { "--discovered", "2026-12-01", "--scope", "hq-key", "--lang",
		    ja ? "ja" : "en", "--config", conf, NULL };
		desk(&r, pv, "breach-report", a);
		assert_report_shape(&r, ja);
		/* held on the server, plus the export still on HQ's disk */
		assert_int_equal(number_after(r.out, upper_mark(ja)), held + held);
		assert_non_null(strstr(r.out, "2026-12-01-labels.csv"));
		assert_non_null(strstr(r.out, ja ? "改ざんなし" : "is intact"));
		run_free(&r);
	}
	snprintf(scope, sizeof(scope), "export:%s", out);
	for (ja = 0; ja < 2; ja++) {
		const char *a[] = { "--discovered", "2026-12-01", "--scope", scope, "--lang",
		    ja ? "ja" : "en", "--config", conf, NULL };
		desk(&r, pv, "breach-report", a);
		assert_report_shape(&r, ja);
		assert_int_equal(number_after(r.out, upper_mark(ja)), held);
		assert_non_null(strstr(r.out, ja ? "種住所 seed-a を含む" : "seed seed-a in it"));
		assert_non_null(strstr(r.out, ja ? "csv 形式" : "Export (csv)"));
		/* the export is in clear: no encryption exception */
		assert_non_null(strstr(r.out, ja ? "例外には当たりません" :
		    "exception does not apply"));
		assert_null(strstr(r.out, "種子 一郎"));	/* the seed's text is not copied */
		run_free(&r);
	}
	/* an export the log does not know: the items and number stay blank */
	{
		const char *a[] = { "--discovered", "2026-12-01", "--scope",
		    "export:/nowhere/other.csv", "--lang", "en", "--config", conf, NULL };
		desk(&r, pv, "breach-report", a);
		assert_int_equal(r.status, 0);
		assert_non_null(strstr(r.out, "[TO FILL: the audit log has no export"));
		assert_int_equal(number_after(r.out, "Records (upper bound): "), -1);
		run_free(&r);
	}
}

static void
test_breach_pdf_and_failures(void **state)
{
	char pdf[300], *text;
	struct stat st;
	struct run r;
	size_t len;

	snprintf(pdf, sizeof(pdf), "%s/report.pdf", dir);
	{
		const char *a[] = { "--discovered", "2026-12-01", "--scope", "web-tier", "--out",
		    pdf, NULL };
		desk(&r, pv, "breach-report", a);
		assert_int_equal(r.status, 0);
		run_free(&r);
	}
	assert_int_equal(stat(pdf, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fs_read_file(pdf, &text, &len), 0);
	assert_int_equal(memcmp(text, "%PDF-", 5), 0);
	assert_true(len > 10000);
	free(text);
	unlink(pdf);
	/* no server: the report is written, with the numbers blank */
	{
		const char *a[] = { "breach-report", "--discovered", "2026-12-01", "--scope",
		    "web-tier", "--lang", "en", NULL };
		r.status = testsrv_showroom_capture(dir, a, &r.out, &r.err);
		assert_int_equal(r.status, 0);
		assert_non_null(strstr(r.out, "[TO FILL: no --identity and --server"));
		run_free(&r);
	}
	/* a server that cannot be reached: written, with blanks, and exit code 4 */
	{
		const char *a[] = { "breach-report", "--discovered", "2026-12-01", "--scope",
		    "web-tier", "--identity", pv, "--server", "http://127.0.0.1:1", NULL };
		r.status = testsrv_showroom_capture(dir, a, &r.out, &r.err);
		assert_int_equal(r.status, 4);
		assert_non_null(strstr(r.out, "［要記入：サーバーの集計を読めませんでした"));
		run_free(&r);
	}
	{
		const char *a[] = { "--discovered", "2026-12-01", "--scope", "everything", NULL };
		desk(&r, pv, "breach-report", a);
		assert_int_equal(r.status, 2);
		run_free(&r);
		const char *b[] = { "--scope", "web-tier", NULL };
		desk(&r, pv, "breach-report", b);
		assert_int_equal(r.status, 2);
		run_free(&r);
		const char *c[] = { "--discovered", "2026-12-01", "--since", "2026-12-02",
		    "--scope", "web-tier", NULL };
		desk(&r, pv, "breach-report", c);
		assert_int_equal(r.status, 2);
		run_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_match_submissions),
		cmocka_unit_test(test_counts_carry_no_identifier),
		cmocka_unit_test(test_counts_who_may_ask),
		cmocka_unit_test(test_metrics_scrape),
		cmocka_unit_test(test_metrics_listener_only_metrics),
		cmocka_unit_test(test_no_identifier_in_counts),
		cmocka_unit_test(test_stats_table_and_chart),
		cmocka_unit_test(test_stats_refusals),
		cmocka_unit_test(test_breach_web_tier),
		cmocka_unit_test(test_breach_dealer),
		cmocka_unit_test(test_breach_hq_key_and_export),
		cmocka_unit_test(test_breach_pdf_and_failures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
