/*
 * Crash safety: showroomd is killed with SIGKILL 20 times while clients keep submitting
 * catalog requests. A client retries a request that got no answer with the same idempotency
 * key, after the restart if need be. At the end every submission that was answered with its
 * 303 must be in the store, sealed to the HQ key, and must open with the HQ secret into a
 * catalog record; retries must not have stored anything twice; SQLite's integrity check must
 * say "ok".
 *
 * Long (about 15 s): runs only with SHOWROOM_LONG_TESTS=1 (.ci/run sets it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seal/keys.h"
#include "seal/record.h"
#include "showroom/keys/keys_secret.h"
#include "showroom/office/record_open.h"
#include "store/store.h"
#include "testkeys.h"
#include "testsrv.h"

#define KILLS		20
#define SUBMITTERS	2
#define MAX_ACKED	100000

static char dir[256], data[300], keyring[300], rootpub[300], model[64];
static struct testsrv srv;

static char hq_key_id[KEYS_ID_MAX];
static atomic_int cur_port;	/* 0 while no server runs */
static atomic_int stopping;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char (*acked)[STORE_ID_LEN + 1];
static size_t nacked;
static unsigned long posts, refused, other_status, by_status[600];
static unsigned long nerrors;	/* the servers' logged errors */
static char first_error[256];

static int
long_tests(void)
{
	const char *e = getenv("SHOWROOM_LONG_TESTS");

	return e != NULL && strcmp(e, "1") == 0;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int
setup(void **state)
{
	struct keys_public root;
	struct keys_keyring kr;
	struct keys_error ke;
	const struct keys_public *hqpub[1];
	char cmd[600];
	json_t *cat, *m;
	json_error_t je;
	const char *code;

	if (!long_tests())
		return 0;
	if (sodium_init() < 0)
		return -1;
	if (testsrv_tmpname(dir, sizeof(dir), "showroom-crash") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	if (testkeys_make(dir, NULL) == -1)
		return -1;
	/* the HQ key id, as the signed keyring names it */
	if (keys_public_read(rootpub, &root, &ke) != KEYS_OK ||
	    keys_keyring_read(keyring, &root, time(NULL), &kr, &ke) != KEYS_OK)
		return -1;
	if (keys_keyring_hq(&kr, hqpub, 1) != 1) {
		keys_keyring_free(&kr);
		return -1;
	}
	snprintf(hq_key_id, sizeof(hq_key_id), "%s", hqpub[0]->key_id);
	keys_keyring_free(&kr);
	snprintf(cmd, sizeof(cmd), "%s/api/v1/catalog.json", testsrv_path("demo-site"));
	if ((cat = json_load_file(cmd, 0, &je)) == NULL)
		return -1;
	m = json_array_get(json_object_get(cat, "models"), 0);
	code = json_string_value(json_object_get(m, "code"));
	if (code != NULL)
		snprintf(model, sizeof(model), "%s", code);
	json_decref(cat);
	if (code == NULL)
		return -1;
	if ((acked = calloc(MAX_ACKED, sizeof(*acked))) == NULL)
		return -1;
	return 0;
}

/* Counts the server's "error:" lines (store failures); keeps the first. */
static void
log_errors(void)
{
	char *log = testsrv_log(&srv), *p, *e;

	for (p = log; (p = strstr(p, "error:")) != NULL; p = e) {
		e = p + strcspn(p, "\n");
		if (nerrors++ == 0)
			snprintf(first_error, sizeof(first_error), "%.*s", (int)(e - p), p);
	}
	free(log);
}

static void
server_kill(void)
{
	atomic_store(&cur_port, 0);
	if (srv.pid > 0) {
		testsrv_stop(&srv, SIGKILL);
		log_errors();
		unlink(srv.log);
	}
}

static int
teardown(void **state)
{
	char cmd[300];

	if (!long_tests())
		return 0;
	server_kill();
	free(acked);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A catalog request for an obviously fictional person, with idempotency key IDEM. */
static void
catalog_body(char *out, size_t outsz, const char *idem)
{
	snprintf(out, outsz, "idem=%s&website=&models=%s&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E5%%A4%%AA%%E9%%83%%8E"
	    "&postal_code=%%EF%%BC%%91%%EF%%BC%%90%%EF%%BC%%90%%EF%%BC%%8D%%EF%%BC%%90%%EF%%BC%%90%%EF%%BC%%90%%EF%%BC%%91"
	    "&prefecture=13&address1=%%E6%%9E%%B6%%E7%%A9%%BA%%E5%%8C%%BA%%E8%%A6%%8B%%E6%%9C%%AC%%E7%%94%%BA1-2-3"
	    "&address2=%%E3%%82%%B5%%E3%%83%%B3%%E3%%83%%97%%E3%%83%%AB%%E3%%83%%8F%%E3%%82%%A4%%E3%%83%%84101",
	    idem, model);
}

/*
 * Posts one request until a 303 with a whole receipt id comes back, or the test stops.
 * Refused connections (no server), resets and cut replies are retried with the same body.
 */
static void *
submitter(void *arg)
{
	struct http_reply r;
	char idem[33], body[2048], loc[256];
	unsigned char rnd[16];
	int port, done;

	while (!atomic_load(&stopping)) {
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(idem, sizeof(idem), rnd, sizeof(rnd));
		catalog_body(body, sizeof(body), idem);
		done = 0;
		while (!done && !atomic_load(&stopping)) {
			if ((port = atomic_load(&cur_port)) == 0) {
				sleep_ms(5);
				continue;
			}
			if (http_post(port, "/request", body, &r) == -1) {
				pthread_mutex_lock(&mu);
				refused++;
				pthread_mutex_unlock(&mu);
				sleep_ms(5);
				continue;
			}
			pthread_mutex_lock(&mu);
			posts++;
			by_status[r.status >= 0 && r.status < 600 ? r.status : 0]++;
			/* the receipt's id, without its query (f= names the fields given) */
			if (r.status == 303 &&
			    http_header_get(&r, "Location", loc, sizeof(loc)) != NULL &&
			    strncmp(loc, "/receipt/catalog/", 17) == 0 &&
			    (loc[17 + strcspn(loc + 17, "?")] = '\0', recid_valid(loc + 17)) &&
			    nacked < MAX_ACKED) {
				snprintf(acked[nacked++], STORE_ID_LEN + 1, "%s", loc + 17);
				done = 1;
			} else
				other_status++;
			pthread_mutex_unlock(&mu);
			http_reply_free(&r);
			if (!done)
				sleep_ms(5);
		}
	}
	return NULL;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The ids of every record in the store, sorted (any recipient). */
static char (*store_ids(size_t *np))[STORE_ID_LEN + 1]
{
	struct store *st;
	struct store_err se;
	struct store_record *recs;
	char (*ids)[STORE_ID_LEN + 1] = NULL;
	const char *kid[1] = { hq_key_id };
	size_t n, i, nids = 0, cap = 0;
	int64_t after = 0, next;

	if (store_open(&st, data, &se) != STORE_OK)
		fail_msg("store_open: %s", se.msg);
	for (;;) {
		if (store_inbox(st, kid, 1, after, STORE_INBOX_MAX, &recs, &n, &next, &se) !=
		    STORE_OK)
			fail_msg("store_inbox: %s", se.msg);
		for (i = 0; i < n; i++) {
			if (nids == cap) {
				cap = cap ? cap * 2 : 1024;
				ids = realloc(ids, cap * sizeof(*ids));
				assert_non_null(ids);
			}
			memcpy(ids[nids++], recs[i].id, STORE_ID_LEN + 1);
		}
		store_records_free(recs, n);
		if (n == 0)
			break;
		after = next;
	}
	store_close(st);
	qsort(ids, nids, sizeof(*ids), cmp_id);
	*np = nids;
	return ids;
}

/* Every receipt handed out so far is in the store (read beside the running server). */
static void
check_acked_present(const char *when)
{
	char (*ids)[STORE_ID_LEN + 1];
	size_t n, nids, i;

	pthread_mutex_lock(&mu);
	n = nacked;	/* entries below n no longer change */
	pthread_mutex_unlock(&mu);
	ids = store_ids(&nids);
	for (i = 0; i < n; i++)
		if (bsearch(acked[i], ids, nids, sizeof(*ids), cmp_id) == NULL)
			fail_msg("%s: acknowledged submission %s is missing", when, acked[i]);
	free(ids);
}

static int
start_server(void)
{
	const char *args[] = { "--site", testsrv_path("demo-site"), "--keyring", keyring,
	    "--root-pub", rootpub, "--data", data, "--rate", "1000000", "--burst", "1000000",
	    "--threads", "4", "--no-access-log", NULL };

	/* as deployed: the key holders' API on, pinned to the server's own URL */
	if (testsrv_start_public(&srv, args) == -1)
		return -1;
	atomic_store(&cur_port, srv.port);
	return 0;
}

/* Every record sealed to the HQ key, read from the store in pages; ids sorted. */
static void
check_store(size_t *nfound)
{
	struct keys_identity hq;
	struct keys_error ke;
	struct store *st;
	struct store_err se;
	struct store_record *recs;
	struct record_meta m;
	char prefix[300], (*ids)[STORE_ID_LEN + 1] = NULL, *pt;
	const char *kid[1];
	size_t n, i, nids = 0, cap = 0, ptlen;
	int64_t after = 0, next;
	json_t *doc;
	json_error_t je;

	kid[0] = hq_key_id;
	snprintf(prefix, sizeof(prefix), "%s/hq", dir);
	if (keys_secret_open(prefix, TESTKEYS_PASS, &hq, &ke) != KEYS_OK)
		fail_msg("hq secret: %s", ke.msg);
	assert_string_equal(hq.pub.key_id, kid[0]);

	if (store_open(&st, data, &se) != STORE_OK)
		fail_msg("store_open after the last kill: %s", se.msg);
	for (;;) {
		if (store_inbox(st, kid, 1, after, STORE_INBOX_MAX, &recs, &n, &next, &se) !=
		    STORE_OK)
			fail_msg("store_inbox: %s", se.msg);
		for (i = 0; i < n; i++) {
			struct store_record *r = &recs[i];

			assert_int_equal(r->kind, STORE_KIND_CATALOG_REQUEST);
			assert_string_equal(r->key_id, kid[0]);
			assert_int_equal(r->enc_len, 32);
			m.id = r->id;
			m.kind = store_kind_name(r->kind);
			m.key_id = r->key_id;
			m.created = r->created;
			if (record_open(&m, hq.sec->x25519, r->enc, r->ct, r->ct_len, &pt,
			    &ptlen) == -1)
				fail_msg("record %s does not open with the HQ key", r->id);
			doc = json_loadb(pt, ptlen, JSON_REJECT_DUPLICATES, &je);
			sodium_memzero(pt, ptlen);
			free(pt);
			if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "kind")) ||
			    strcmp(json_string_value(json_object_get(doc, "kind")), "catalog") != 0)
				fail_msg("record %s opens but is not a catalog record", r->id);
			json_decref(doc);
			if (nids == cap) {
				cap = cap ? cap * 2 : 1024;
				ids = realloc(ids, cap * sizeof(*ids));
				assert_non_null(ids);
			}
			memcpy(ids[nids++], r->id, STORE_ID_LEN + 1);
		}
		store_records_free(recs, n);
		if (n == 0)
			break;
		after = next;
	}
	store_close(st);
	keys_identity_free(&hq);

	qsort(ids, nids, sizeof(*ids), cmp_id);
	for (i = 0; i + 1 < nids; i++)
		if (strcmp(ids[i], ids[i + 1]) == 0)
			fail_msg("record %s listed twice", ids[i]);
	for (i = 0; i < nacked; i++)
		if (bsearch(acked[i], ids, nids, sizeof(*ids), cmp_id) == NULL)
			fail_msg("acknowledged submission %s is missing from the store", acked[i]);
	free(ids);
	*nfound = nids;
}

static void
check_integrity(void)
{
	char cmd[600], line[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sqlite3 %s/showroom.db 'PRAGMA integrity_check'", data);
	if ((p = popen(cmd, "r")) == NULL)
		fail_msg("popen sqlite3");
	if (fgets(line, sizeof(line), p) == NULL)
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	pclose(p);
	if (strcmp(line, "ok") != 0)
		fail_msg("integrity_check: \"%s\"", line);
}

static void
test_sigkill_under_load(void **state)
{
	pthread_t th[SUBMITTERS];
	struct http_reply r;
	size_t found = 0, i, sorted_dup = 0;
	int k, restarts = 0;

	if (!long_tests()) {
		print_message("crash test skipped: set SHOWROOM_LONG_TESTS=1 to run it\n");
		skip();
	}
	for (i = 0; i < SUBMITTERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, submitter, NULL), 0);
	for (k = 0; k < KILLS; k++) {
		if (start_server() == -1)
			break;
		if (k > 0) {
			restarts++;
			check_acked_present("after restart");
		}
		sleep_ms(100 + (int)randombytes_uniform(301));	/* 100-400 ms */
		server_kill();
	}
	atomic_store(&stopping, 1);
	for (i = 0; i < SUBMITTERS; i++)
		pthread_join(th[i], NULL);
	if (k < KILLS)
		fail_msg("showroomd did not start again after kill %d", k);
	/* once more after the last kill: it comes up, serves, and has every receipt */
	assert_int_equal(start_server(), 0);
	restarts++;
	assert_int_equal(http_get(srv.port, "/", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	check_acked_present("after the last restart");
	atomic_store(&cur_port, 0);
	assert_int_equal(testsrv_stop(&srv, SIGTERM), 0);
	log_errors();
	unlink(srv.log);

	/* the receipts themselves must be distinct: one idempotency key each */
	qsort(acked, nacked, sizeof(*acked), cmp_id);
	for (i = 0; i + 1 < nacked; i++)
		sorted_dup += strcmp(acked[i], acked[i + 1]) == 0;
	assert_int_equal(sorted_dup, 0);

	check_store(&found);
	check_integrity();
	printf("crash: %d SIGKILLs, %d restarts; %lu replies, %lu posts without a reply "
	    "(refused or cut), %lu not 303\n", KILLS, restarts, posts, refused, other_status);
	for (i = 0; i < 600; i++)
		if (by_status[i] > 0)
			printf("crash: status %zu: %lu replies\n", i, by_status[i]);
	printf("crash: %zu submissions acknowledged, %zu records found, all open with the HQ "
	    "key as catalog records; integrity_check ok\n", nacked, found);
	/* a live server answers every post with its 303: a 503 means a store write failed */
	if (other_status > 0 || nerrors > 0)
		fail_msg("%lu replies not 303, %lu errors logged; first: %s", other_status,
		    nerrors, first_error);
	assert_true(nacked > 0);
	assert_true(found >= nacked);
	/* a retry with the same key never stores twice: extra records can only be the ones
	 * in flight at the last kill, one per submitter */
	assert_true(found <= nacked + SUBMITTERS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigkill_under_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
