/*
 * Several showroomd nodes on one PostgreSQL database, as behind a load balancer: slot
 * capacity holds across nodes under concurrent bookings; a record submitted through node 1
 * is pulled through node 2 and acknowledged through node 1; a signed request replayed on
 * the other node is refused, and so is its nonce in a request signed for that node (the
 * nonce is in the database); a keyring reload (SIGHUP) reaches both nodes; the daily counts
 * of both nodes add up in the database.
 *
 * Behind a balancer every node has the same --public-url; here the test talks to each node
 * directly, as its own server, so each pins its own loopback URL (testsrv_start_public).
 *
 * Needs SHOWROOM_TEST_PG_URL (see scripts/start-postgres): without it every test is
 * skipped with a message; with it set but unusable, the suite fails. Each run works in a
 * fresh schema of its own, dropped at the end. All data is fictional; loopback only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "seal/sig.h"
#include "showroom/office/client.h"
#include "showroom/keys/keys_secret.h"
#include "testkeys.h"
#include "testsrv.h"

#define PG_ENV		"SHOWROOM_TEST_PG_URL"
#define PG_SCHEMA_OPT	"options=-csearch_path%3D"
#define DEALER1		"tokyo-setagaya"
#define DEALER2		"osaka-suita"	/* left out of the first keyring, added by a reload */
#define NRACERS		16

static char dir[256], site[300], keyring[300], rootpub[300], conf[300], hq[300];
static char schema[64], *dburl;
static char model1[64], model2[64];
static struct testsrv node[2];

/* ---- the database: a fresh schema per run ---- */

static void
pg_notice(void *arg, const char *msg)
{
	/* "drop cascades to ...": expected */
}

static PGconn *
pg_open(void)
{
	const char *base = getenv(PG_ENV);
	PGconn *pc;

	if (base == NULL)
		return NULL;
	pc = PQconnectdb(base);
	if (PQstatus(pc) != CONNECTION_OK) {
		fprintf(stderr, "test_nodes: %s is set but unusable: %s", PG_ENV,
		    PQerrorMessage(pc));
		PQfinish(pc);
		return NULL;
	}
	PQsetNoticeProcessor(pc, pg_notice, NULL);
	return pc;
}

static int
pg_exec(PGconn *pc, const char *sql)
{
	PGresult *res = PQexec(pc, sql);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc == -1)
		fprintf(stderr, "test_nodes: %s: %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

static int
pg_fresh_schema(void)
{
	const char *base = getenv(PG_ENV);
	unsigned char rnd[8];
	char sql[128];
	PGconn *pc;
	size_t i;
	int rc;

	if ((pc = pg_open()) == NULL)
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	i = (size_t)snprintf(schema, sizeof(schema), "showroom_nodes_");
	sodium_bin2hex(schema + i, sizeof(schema) - i, rnd, sizeof(rnd));
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
	rc = pg_exec(pc, sql);
	PQfinish(pc);
	if (rc == -1)
		return -1;
	if (asprintf(&dburl, "%s%s%s%s", base, strchr(base, '?') ? "&" : "?", PG_SCHEMA_OPT,
	    schema) == -1) {
		dburl = NULL;
		return -1;
	}
	return 0;
}

static void
pg_drop_schema(void)
{
	char sql[128];
	PGconn *pc;

	if (schema[0] == '\0' || (pc = pg_open()) == NULL)
		return;
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", schema);
	pg_exec(pc, sql);
	PQfinish(pc);
	schema[0] = '\0';
}

/* ---- keys, nodes, back-office runs ---- */

/* Signs DIR/keyring.json (by temp file and rename) for hq, dealer 1 and, if with2, dealer 2. */
static int
sign_keyring(int with2)
{
	char root[300], p0[310], p1[310], p2[310], exp[16];
	time_t t = time(NULL) + 30 * 86400;
	struct tm tm;

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(p0, sizeof(p0), "%s/hq.public", dir);
	snprintf(p1, sizeof(p1), "%s/dealer-%s.public", dir, DEALER1);
	snprintf(p2, sizeof(p2), "%s/dealer-%s.public", dir, DEALER2);
	gmtime_r(&t, &tm);
	strftime(exp, sizeof(exp), "%Y-%m-%d", &tm);
	const char *a[] = { "keyring", "sign", "--root", root, "--expires", exp, "-o", keyring,
	    p0, p1, with2 ? p2 : NULL, NULL };
	return testsrv_showroom(a) == 0 ? 0 : -1;
}

static int
start_node(struct testsrv *s)
{
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    "--db", dburl, "--rate", "100000", "--burst", "100000", "--threads", "4",
	    "--sandbox-selftest", "--counts-flush", "1", NULL };

	return testsrv_start_public(s, args);
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

static int	teardown(void **);

static int
setup_nodes(void)
{
	static const char *const dealers[] = { DEALER1, DEALER2, NULL };
	char cmd[1024];
	json_error_t je;
	json_t *cat;
	FILE *f;
	int rc;

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-nodes") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s/site", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	snprintf(hq, sizeof(hq), "%s/hq", dir);
	snprintf(conf, sizeof(conf), "%s/config.json", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", testsrv_path("demo-site"), site);
	if (system(cmd) != 0)
		return -1;
	unsetenv("XDG_CONFIG_HOME");
	/* keys for both dealers; the first keyring lists dealer 1 only */
	if (testkeys_make(dir, dealers) == -1 || sign_keyring(0) == -1)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/api/v1/catalog.json", site);
	if ((cat = json_load_file(cmd, 0, &je)) == NULL)
		return -1;
	rc = dealer_model(cat, DEALER1, model1, sizeof(model1)) == -1 ||
	    dealer_model(cat, DEALER2, model2, sizeof(model2)) == -1 ? -1 : 0;
	json_decref(cat);
	if (rc == -1)
		return -1;
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f, "{\"keyring\":\"%s\",\"root_pub\":\"%s\"}\n", keyring, rootpub);
	if (fclose(f) != 0)
		return -1;
	if (pg_fresh_schema() == -1)
		return -1;
	if (start_node(&node[0]) == -1 || start_node(&node[1]) == -1) {
		fprintf(stderr, "test_nodes: showroomd did not start on %s\n", schema);
		return -1;
	}
	return 0;
}

static void	need_pg(void);

/* With --db the seccomp filter lets socket make only what libpq needs: the node's self-test
 * (run after the sandbox is applied) is refused a packet or netlink socket, allowed TCP. */
static void
test_db_socket_families(void **state)
{
	static const char *const want[] = { "sandbox: landlock and seccomp applied",
	    "socket AF_PACKET refused", "socket AF_NETLINK refused", "socket AF_INET allowed" };
	char *log = NULL;
	size_t i;
	int tries;

	need_pg();
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (tries = 0; tries < 50; tries++) {
			free(log);
			log = testsrv_log(&node[0]);
			if (log != NULL && strstr(log, want[i]) != NULL)
				break;
			usleep(100000);
		}
		if (log == NULL || strstr(log, want[i]) == NULL)
			fail_msg("node log lacks \"%s\":\n%s", want[i], log ? log : "");
	}
	free(log);
}

static int
setup(void **state)
{
	if (getenv(PG_ENV) == NULL)
		return 0;	/* every test skips */
	/* a set but unusable database fails here, and with it the suite */
	if (setup_nodes() == -1) {
		teardown(state);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];
	int i;

	if (getenv(PG_ENV) == NULL)
		return 0;
	for (i = 0; i < 2; i++)
		testsrv_stop(&node[i], SIGTERM);
	pg_drop_schema();
	free(dburl);
	dburl = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
need_pg(void)
{
	if (getenv(PG_ENV) == NULL)
		skip();		/* main said why */
}

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

/* showroom CMD as HQ against node N, stdout and stderr captured. */
static void
bo(struct run *r, const char *cmd, int n, const char *extra)
{
	char store[400];
	const char *argv[24];
	int i = 0;

	memset(r, 0, sizeof(*r));
	snprintf(store, sizeof(store), "%s/store-hq", dir);
	argv[i++] = cmd;
	if (extra != NULL)
		argv[i++] = extra;
	argv[i++] = "--config";
	argv[i++] = conf;
	argv[i++] = "--identity";
	argv[i++] = hq;
	argv[i++] = "--server";
	argv[i++] = node[n].url;
	argv[i++] = "--keyring";
	argv[i++] = keyring;
	argv[i++] = "--root-pub";
	argv[i++] = rootpub;
	argv[i++] = "--store";
	argv[i++] = store;
	argv[i] = NULL;
	r->status = testsrv_showroom_capture(dir, argv, &r->out, &r->err);
	assert_true(r->status >= 0);
}

static void
expect(struct run *r, int status, const char *in_out)
{
	if (r->status != status || (in_out != NULL && strstr(r->out, in_out) == NULL))
		fail_msg("exit %d (want %d, \"%s\")\nstdout: %s\nstderr: %s", r->status, status,
		    in_out ? in_out : "", r->out, r->err);
}

static void
idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

static void
catalog_body(char *out, size_t outsz, const char *id)
{
	snprintf(out, outsz, "idem=%s&website=&models=%s&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E5%%A4"
	    "%%AA%%E9%%83%%8E&postal_code=100-0001&prefecture=13&address1=%%E6%%9E%%B6%%E7%%A9"
	    "%%BA%%E5%%8C%%BA%%E8%%A6%%8B%%E6%%9C%%AC%%E7%%94%%BA1-2-3", id, model1);
}

static void
booking_body(char *out, size_t outsz, const char *dealer, const char *model,
    const char *start, const char *id)
{
	char slot[32];

	snprintf(slot, sizeof(slot), "%.13s%%3A%s", start, start + 14);
	snprintf(out, outsz, "idem=%s&website=&model=%s&dealer=%s&slot=%s&name=%%E8%%A6%%8B"
	    "%%E6%%9C%%AC+%%E8%%8A%%B1%%E5%%AD%%90&phone=090-0000-1234"
	    "&email=hanako.mihon%%40example.com&note=&licence=yes", id, model, dealer, slot);
}

/* A slot of DEALER for MODEL, in the next two weeks, that nobody booked yet, asked of
 * node N: its start and capacity. */
static int
find_slot(int n, const char *dealer, const char *model, char start[17], int *cap)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *list, *s;
	char date[11], path[256];
	size_t i;
	int day;

	for (day = 1; day < 14; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", dealer,
		    model, date);
		if (http_get(node[n].port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		list = json_object_get(doc, "slots");
		for (i = 0; i < json_array_size(list); i++) {
			s = json_array_get(list, i);
			if (json_integer_value(json_object_get(s, "free")) ==
			    json_integer_value(json_object_get(s, "capacity"))) {
				snprintf(start, 17, "%s",
				    json_string_value(json_object_get(s, "start")));
				*cap = (int)json_integer_value(json_object_get(s, "capacity"));
				json_decref(doc);
				return 0;
			}
		}
		json_decref(doc);
	}
	return -1;
}

/* Free places of the slot at START, as node N sees it; -1 if not listed. */
static int
slot_free(int n, const char *dealer, const char *model, const char *start)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *list, *s;
	char path[256];
	size_t i;
	int free_places = -1;

	snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%.10s", dealer,
	    model, start);
	if (http_get(node[n].port, path, NULL, &r) != 0 || r.status != 200)
		return -1;
	doc = json_loadb(r.body, r.body_len, 0, &je);
	http_reply_free(&r);
	list = json_object_get(doc, "slots");
	for (i = 0; i < json_array_size(list); i++) {
		s = json_array_get(list, i);
		if (strcmp(json_string_value(json_object_get(s, "start")), start) == 0)
			free_places = (int)json_integer_value(json_object_get(s, "free"));
	}
	json_decref(doc);
	return free_places;
}

/* Records in HQ's inbox, asked of node N through the signed client. */
static size_t
inbox_count(int n)
{
	struct keys_identity id;
	struct keys_error ke;
	struct client_reply rep;
	struct client *c;
	json_error_t je;
	json_t *doc;
	char err[512];
	size_t count;

	assert_int_equal(keys_secret_open(hq, TESTKEYS_PASS, &id, &ke), KEYS_OK);
	assert_int_equal(client_new(node[n].url, &id, &c, err, sizeof(err)), CLIENT_OK);
	if (client_get(c, "/api/v1/inbox", "after=0&limit=1000", &rep, err, sizeof(err)) !=
	    CLIENT_OK)
		fail_msg("inbox on node %d: %s", n + 1, err);
	assert_non_null(doc = json_loadb(rep.body.data, rep.body.len, 0, &je));
	count = json_array_size(json_object_get(doc, "records"));
	json_decref(doc);
	client_reply_free(&rep);
	client_free(c);
	keys_identity_free(&id);
	return count;
}

/* ---- (a) one slot, bookings through both nodes at once ---- */

struct racer {
	char	body[4096];
	int	port;
	int	status;
};

static void *
race(void *arg)
{
	struct racer *rc = arg;
	struct http_reply r;

	if (http_post(rc->port, "/test-drive", rc->body, &r) == 0) {
		rc->status = r.status;
		http_reply_free(&r);
	}
	return NULL;
}

static void
test_capacity_across_nodes(void **state)
{
	static struct racer rc[NRACERS];
	pthread_t th[NRACERS];
	char start[17], id[33];
	int i, cap, ok = 0, full = 0, ok_node[2] = { 0, 0 };

	need_pg();
	assert_int_equal(find_slot(0, DEALER1, model1, start, &cap), 0);
	assert_true(cap >= 1 && cap < NRACERS);
	/* both nodes see the same, untouched slot */
	assert_int_equal(slot_free(1, DEALER1, model1, start), cap);
	for (i = 0; i < NRACERS; i++) {
		idem(id);
		booking_body(rc[i].body, sizeof(rc[i].body), DEALER1, model1, start, id);
		rc[i].port = node[i % 2].port;
		rc[i].status = 0;
	}
	for (i = 0; i < NRACERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race, &rc[i]), 0);
	for (i = 0; i < NRACERS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NRACERS; i++) {
		ok += rc[i].status == 303;
		ok_node[i % 2] += rc[i].status == 303;
		full += rc[i].status == 409;
	}
	fprintf(stderr, "test_nodes: slot of %d: %d booked (%d via node 1, %d via node 2), "
	    "%d full\n", cap, ok, ok_node[0], ok_node[1], full);
	assert_int_equal(ok, cap);
	assert_int_equal(ok + full, NRACERS);
	/* and both nodes now show it full */
	assert_int_equal(slot_free(0, DEALER1, model1, start), 0);
	assert_int_equal(slot_free(1, DEALER1, model1, start), 0);
}

/* ---- (b) submit on node 1, pull on node 2, ack on node 1 ---- */

static void
test_pull_and_ack_across_nodes(void **state)
{
	struct http_reply r;
	struct run run;
	char body[2048], id[33];

	need_pg();
	assert_int_equal(inbox_count(1), 0);
	idem(id);
	catalog_body(body, sizeof(body), id);
	assert_int_equal(http_post(node[0].port, "/request", body, &r), 0);
	if (r.status != 303)
		fail_msg("catalog request on node 1: status %d: %.300s", r.status, r.body);
	http_reply_free(&r);

	bo(&run, "pull", 1, NULL);
	expect(&run, 0, "pulled 1 new record");
	run_free(&run);
	bo(&run, "ack", 0, "--all");
	expect(&run, 0, "the server deleted 1");
	run_free(&run);
	/* nothing left for HQ, whichever node is asked */
	assert_int_equal(inbox_count(1), 0);
	assert_int_equal(inbox_count(0), 0);
	bo(&run, "pull", 1, NULL);
	expect(&run, 0, "pulled 0 new records");
	run_free(&run);
}

/* ---- (c) a signed request replayed on the other node ---- */

/* A new nonce in NONCE. */
static void
new_nonce(char nonce[33])
{
	unsigned char rnd[16];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(nonce, 33, rnd, sizeof(rnd));
}

/* A signed GET /api/v1/inbox as HQ for node N, with NONCE, the whole request as bytes in
 * OUT. */
static void
signed_inbox_request(const struct keys_identity *id, int n, const char *nonce,
    struct buf *out)
{
	static const char *const comps[] = { "@method", "@authority", "@path", "@query" };
	struct buf si = BUF_INIT, sg = BUF_INIT;
	struct sig_sign_params p;
	struct sig_request req;
	const char *authority = node[n].url + 7;	/* after "http://" */

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.scheme = "http";
	req.authority = authority;
	req.path = "/api/v1/inbox";
	req.query = "after=0&limit=10";
	memset(&p, 0, sizeof(p));
	p.label = "sig1";
	p.components = comps;
	p.ncomponents = 4;
	p.created = (int64_t)time(NULL);
	p.keyid = id->pub.key_id;
	p.nonce = nonce;
	p.alg = "ed25519";
	assert_int_equal(sig_sign(&req, &p, id->sec->ed25519, &si, &sg), SIG_OK);
	buf_reset(out);
	buf_printf(out, "GET /api/v1/inbox?after=0&limit=10 HTTP/1.1\r\nHost: %s\r\n"
	    "Signature-Input: %s\r\nSignature: %s\r\nConnection: close\r\n\r\n", authority,
	    si.data, sg.data);
	buf_free(&si);
	buf_free(&sg);
}

static void
test_replay_on_other_node(void **state)
{
	struct buf req = BUF_INIT, other = BUF_INIT, fresh = BUF_INIT;
	struct keys_identity id;
	struct keys_error ke;
	struct http_reply r;
	char nonce[33];

	need_pg();
	assert_int_equal(keys_secret_open(hq, TESTKEYS_PASS, &id, &ke), KEYS_OK);
	new_nonce(nonce);
	signed_inbox_request(&id, 0, nonce, &req);
	assert_int_equal(http_raw(node[0].port, req.data, req.len, 0, &r), 0);
	if (r.status != 200)
		fail_msg("node 1: status %d: %s", r.status, r.body);
	http_reply_free(&r);
	/* the very same bytes on node 2: signed for another authority */
	assert_int_equal(http_raw(node[1].port, req.data, req.len, 0, &r), 0);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "@authority"));
	http_reply_free(&r);
	/* signed for node 2 with the nonce node 1 took: used, on the other node */
	signed_inbox_request(&id, 1, nonce, &other);
	assert_int_equal(http_raw(node[1].port, other.data, other.len, 0, &r), 0);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "nonce already used"));
	http_reply_free(&r);
	/* and again on node 1 */
	assert_int_equal(http_raw(node[0].port, req.data, req.len, 0, &r), 0);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "nonce already used"));
	http_reply_free(&r);
	/* a fresh nonce is fine on node 2: it was the replay that was refused */
	new_nonce(nonce);
	signed_inbox_request(&id, 1, nonce, &fresh);
	assert_int_equal(http_raw(node[1].port, fresh.data, fresh.len, 0, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	buf_free(&req);
	buf_free(&other);
	buf_free(&fresh);
	keys_identity_free(&id);
}

/* ---- (d) a keyring reload reaches both nodes ---- */

static int
privacy_lists(int n, const char *needle)
{
	struct http_reply r;
	int found;

	if (http_get(node[n].port, "/privacy/", NULL, &r) != 0 || r.status != 200) {
		http_reply_free(&r);
		return -1;
	}
	found = strstr(r.body, needle) != NULL;
	http_reply_free(&r);
	return found;
}

static int
book(int n, const char *dealer, const char *model)
{
	struct http_reply r;
	char start[17], body[4096], id[33];
	int cap, status;

	if (find_slot(n, dealer, model, start, &cap) == -1)
		return -1;
	idem(id);
	booking_body(body, sizeof(body), dealer, model, start, id);
	if (http_post(node[n].port, "/test-drive", body, &r) != 0)
		return -1;
	status = r.status;
	http_reply_free(&r);
	return status;
}

static void
test_keyring_reload_reaches_both(void **state)
{
	const char *needle = "dealer-" DEALER2 "-";
	struct timespec ts = { 0, 100000000L };
	char *log;
	int n, i, seen;

	need_pg();
	for (n = 0; n < 2; n++) {
		assert_int_equal(privacy_lists(n, needle), 0);
		assert_int_not_equal(book(n, DEALER2, model2), 303);
	}
	/* the officer signs a keyring that adds dealer 2's key; the operator puts it in
	 * place (showroom keyring sign -o writes a temp file and renames it) and signals
	 * every node */
	assert_int_equal(sign_keyring(1), 0);
	for (n = 0; n < 2; n++)
		assert_int_equal(kill(node[n].pid, SIGHUP), 0);
	for (n = 0; n < 2; n++) {
		for (i = 0, seen = 0; i < 50 && seen != 1; i++) {	/* 5 s */
			if ((seen = privacy_lists(n, needle)) != 1)
				nanosleep(&ts, NULL);
		}
		if (seen != 1) {
			log = testsrv_log(&node[n]);
			fail_msg("node %d did not take the new keyring:\n%s", n + 1, log);
		}
		/* and seals to the new key */
		assert_int_equal(book(n, DEALER2, model2), 303);
		/* what was there before is still served */
		assert_int_equal(privacy_lists(n, "dealer-" DEALER1 "-"), 1);
	}
}

/* The day's count NAME in the database: every node's rows, every shard. */
static long long
db_count(const char *name)
{
	char sql[512], day[11];
	struct tm tm;
	time_t t = time(NULL) + 9 * 3600;	/* Japan time */
	PGresult *res;
	PGconn *pc;
	long long v = -1;

	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(value), 0) FROM %s.counters"
	    " WHERE name LIKE 'd/%s/%s@%%'", schema, day, name);
	if ((pc = pg_open()) == NULL)
		return -1;
	res = PQexec(pc, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(pc);
	return v;
}

/* Page views on both nodes: each flushes its own, and the day's count is their sum. */
static void
test_counts_add_up_across_nodes(void **state)
{
	struct timespec ts = { 0, 100000000L };
	struct http_reply r;
	char path[128];
	long long before;
	int n, i;

	need_pg();
	before = db_count("page.model.ja");
	snprintf(path, sizeof(path), "/models/%s/", model1);
	for (n = 0; n < 2; n++)
		for (i = 0; i < 3 + 4 * n; i++) {
			assert_int_equal(http_get(node[n].port, path, NULL, &r), 0);
			assert_int_equal(r.status, 200);
			http_reply_free(&r);
		}
	for (i = 0; i < 50 && db_count("page.model.ja") < before + 10; i++)	/* 5 s */
		nanosleep(&ts, NULL);
	assert_int_equal(db_count("page.model.ja") - before, 3 + 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_db_socket_families),
		cmocka_unit_test(test_capacity_across_nodes),
		cmocka_unit_test(test_pull_and_ack_across_nodes),
		cmocka_unit_test(test_replay_on_other_node),
		cmocka_unit_test(test_keyring_reload_reaches_both),
		cmocka_unit_test(test_counts_add_up_across_nodes),
	};

	if (sodium_init() < 0)
		return 1;
	if (getenv(PG_ENV) == NULL)
		fprintf(stderr, "test_nodes: %s not set: several nodes on one PostgreSQL "
		    "skipped (export it from scripts/start-postgres)\n", PG_ENV);
	return cmocka_run_group_tests(tests, setup, teardown);
}
