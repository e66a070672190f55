/*
 * Store conformance suite: every test runs against the store interface
 * only, once per backend. SQLite always runs, on a fresh temporary
 * directory per test. With SHOWROOM_TEST_PG_URL set (a database the tests
 * may create schemas in, e.g. from scripts/start-postgres), the same suite
 * runs against PostgreSQL too, each test in a fresh schema of its own; if
 * that server cannot be reached the suite fails, it does not skip. A
 * backend may add raw checks through its hooks.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "lib/fsutil.h"
#include "lib/jtime.h"
#include "store/store.h"
#include "testsrv.h"

#define NOW		((int64_t)1900000000)	/* 2030-03-17 */
#define KEY_HQ		"hq-0001"
#define KEY_D1		"dealer-d1-0001"
#define KEY_D2		"dealer-d2-0001"
#define SCHEMA_NOW	"4"	/* the schema version this program makes */

/* How the suite makes, inspects and removes a store of one backend. */
struct backend {
	const char *name;
	/* The variable that configures it, or NULL when it always runs. */
	const char *env;
	/* A URL naming a fresh, empty store (malloc'd). */
	char	*(*fresh)(void);
	void	 (*cleanup)(const char *url);
	/* Optional raw hooks; tests that need one skip without it. */
	int	 (*set_version)(const char *url, int version);
	void	 (*raw_checks)(const char *url, const char *id,
		    const unsigned char *ct, size_t ctlen);
	/*
	 * Holds up some writers part way through their transactions, after
	 * they took their place in the inbox order, for a while (a thread).
	 */
	void	*(*stall)(void *url);
};

static const struct backend *tb;	/* the backend under test */

struct fx {
	char		*url;
	struct store	*st;
};

/* A record with its own enc and ciphertext buffers; never copy it. */
struct trec {
	struct store_record r;
	unsigned char	 enc[32];
	unsigned char	 ct[1024];
};

static void
trec_init(struct trec *t, enum store_kind kind, const char *key,
    int64_t created)
{
	memset(t, 0, sizeof(*t));
	recid_new(t->r.id);
	t->r.kind = kind;
	snprintf(t->r.key_id, sizeof(t->r.key_id), "%s", key);
	t->r.created = created;
	randombytes_buf(t->enc, sizeof(t->enc));
	randombytes_buf(t->ct, sizeof(t->ct));
	t->r.enc = t->enc;
	t->r.enc_len = sizeof(t->enc);
	t->r.ct = t->ct;
	t->r.ct_len = 300;
}

static void
trec_drive(struct trec *t, const char *key, const char *dealer,
    const char *model, const char *start, int64_t created)
{
	trec_init(t, STORE_KIND_TEST_DRIVE, key, created);
	snprintf(t->r.slot.dealer, sizeof(t->r.slot.dealer), "%s", dealer);
	snprintf(t->r.slot.model, sizeof(t->r.slot.model), "%s", model);
	snprintf(t->r.slot.start, sizeof(t->r.slot.start), "%s", start);
	randombytes_buf(t->r.cancel_hash, sizeof(t->r.cancel_hash));
}

static int
rc_check(int rc, int want, const struct store_err *e, const char *what)
{
	if (rc != want)
		fprintf(stderr, "    %s: got %s (%s), want %s\n", what,
		    store_rc_name(rc), e->msg, store_rc_name(want));
	return rc;
}
#define EXPECT(call, want, e)	\
	assert_int_equal(rc_check((call), (want), (e), #call), (want))

/* SQLite backend hooks. */

static char *
sqlite_fresh(void)
{
	char tmpl[256];
	char *url;

	if (testsrv_tmpname(tmpl, sizeof(tmpl), "showroom-store") == -1 || mkdtemp(tmpl) == NULL || asprintf(&url, "sqlite:%s", tmpl) == -1)
		return NULL;
	return url;
}

static const char *
sqlite_dir(const char *url)
{
	return url + strlen("sqlite:");
}

static void
sqlite_cleanup(const char *url)
{
	fs_remove_tree(sqlite_dir(url));
}

static sqlite3 *
sqlite_raw_open(const char *url, int flags)
{
	char path[4096];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/showroom.db", sqlite_dir(url));
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int
sqlite_set_version(const char *url, int version)
{
	sqlite3 *db = sqlite_raw_open(url, SQLITE_OPEN_READWRITE);
	char sql[80];
	int rc;

	if (db == NULL)
		return -1;
	snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d",
	    version);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	sqlite3_close(db);
	return rc;
}

static const char *
sqlite_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return out;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* Looks at the database file directly, around the store. */
static void
sqlite_raw_checks(const char *url, const char *id, const unsigned char *ct,
    size_t ctlen)
{
	char path[4096], v[64];
	struct stat sb;
	sqlite3_stmt *st;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/showroom.db", sqlite_dir(url));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);	/* nobody else reads it */
	assert_non_null(db = sqlite_raw_open(url, SQLITE_OPEN_READONLY));
	assert_string_equal(sqlite_text(db, "PRAGMA journal_mode", v,
	    sizeof(v)), "wal");
	assert_string_equal(sqlite_text(db, "SELECT version FROM "
	    "schema_version", v, sizeof(v)), SCHEMA_NOW);
	/* The ciphertext is stored as given, as a blob, and nothing else. */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT typeof(ct), ct, "
	    "typeof(enc), kind FROM records WHERE id = ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "blob");
	assert_int_equal(sqlite3_column_bytes(st, 1), (int)ctlen);
	assert_memory_equal(sqlite3_column_blob(st, 1), ct, ctlen);
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "blob");
	assert_string_equal((const char *)sqlite3_column_text(st, 3),
	    "catalog_request");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * PostgreSQL hooks. SHOWROOM_TEST_PG_URL names a database; every test gets
 * a schema of its own there, named in its URL by the search_path option,
 * and dropped afterwards.
 */
#define PG_ENV		"SHOWROOM_TEST_PG_URL"
#define PG_SCHEMA_OPT	"options=-csearch_path%3D"

static void
pg_raw_notice(void *arg, const char *msg)
{
	/* "drop cascades to ...": expected. */
}

static PGconn *
pg_raw_open(const char *url)
{
	PGconn *pc = PQconnectdb(url);

	if (PQstatus(pc) != CONNECTION_OK) {
		fprintf(stderr, "postgres test hook: %s", PQerrorMessage(pc));
		PQfinish(pc);
		return NULL;
	}
	PQsetNoticeProcessor(pc, pg_raw_notice, NULL);
	return pc;
}

/* Runs sql; its first value into out (may be NULL). 0 on success. */
static int
pg_raw_exec(PGconn *pc, const char *sql, char *out, size_t size)
{
	PGresult *res = PQexec(pc, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;

	if (rc == -1)
		fprintf(stderr, "postgres test hook: %s",
		    PQresultErrorMessage(res));
	if (out != NULL) {
		out[0] = '\0';
		if (rc == 0 && PQntuples(res) > 0)
			snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return rc;
}

static char *
pg_fresh(void)
{
	const char *base = getenv(PG_ENV);
	unsigned char rnd[8];
	char schema[40], sql[80];
	char *url = NULL;
	PGconn *pc;
	size_t i;

	if (base == NULL || (pc = pg_raw_open(base)) == NULL)
		return NULL;
	randombytes_buf(rnd, sizeof(rnd));
	i = (size_t)snprintf(schema, sizeof(schema), "showroom_test_");
	sodium_bin2hex(schema + i, sizeof(schema) - i, rnd, sizeof(rnd));
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
	if (pg_raw_exec(pc, sql, NULL, 0) == 0 && asprintf(&url, "%s%s%s%s",
	    base, strchr(base, '?') ? "&" : "?", PG_SCHEMA_OPT, schema) == -1)
		url = NULL;
	PQfinish(pc);
	return url;
}

static void
pg_cleanup(const char *url)
{
	const char *schema = strstr(url, PG_SCHEMA_OPT);
	char sql[80];
	PGconn *pc;

	if (schema == NULL || (pc = pg_raw_open(getenv(PG_ENV))) == NULL)
		return;
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE",
	    schema + strlen(PG_SCHEMA_OPT));
	pg_raw_exec(pc, sql, NULL, 0);
	PQfinish(pc);
}

static int
pg_set_version(const char *url, int version)
{
	PGconn *pc = pg_raw_open(url);
	char sql[80];
	int rc;

	if (pc == NULL)
		return -1;
	snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d",
	    version);
	rc = pg_raw_exec(pc, sql, NULL, 0);
	PQfinish(pc);
	return rc;
}

/* Looks at the tables directly, around the store. */
static void
pg_raw_checks(const char *url, const char *id, const unsigned char *ct,
    size_t ctlen)
{
	const char *params[1] = { id };
	char v[64];
	PGresult *res;
	PGconn *pc;

	assert_non_null(pc = pg_raw_open(url));
	assert_int_equal(pg_raw_exec(pc, "SELECT version FROM schema_version",
	    v, sizeof(v)), 0);
	assert_string_equal(v, SCHEMA_NOW);
	assert_int_equal(pg_raw_exec(pc, "SELECT string_agg(data_type, ',' "
	    "ORDER BY column_name) FROM information_schema.columns WHERE "
	    "table_schema = current_schema() AND table_name = 'records' AND "
	    "column_name IN ('ct', 'enc')", v, sizeof(v)), 0);
	assert_string_equal(v, "bytea,bytea");
	/* The inbox order needs a sequence that hands out values one by one. */
	assert_int_equal(pg_raw_exec(pc, "SELECT seqcache FROM pg_sequence "
	    "WHERE seqrelid = pg_get_serial_sequence('records', 'seq')::regclass",
	    v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	/* The ciphertext is stored as given, as bytes, and nothing else. */
	res = PQexecParams(pc, "SELECT ct, kind FROM records WHERE id = $1", 1,
	    NULL, params, NULL, NULL, 1);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(res), 1);
	assert_int_equal(PQgetlength(res, 0, 0), (int)ctlen);
	assert_memory_equal(PQgetvalue(res, 0, 0), ct, ctlen);
	assert_int_equal(PQgetlength(res, 0, 1), strlen("catalog_request"));
	assert_memory_equal(PQgetvalue(res, 0, 1), "catalog_request",
	    strlen("catalog_request"));
	PQclear(res);
	PQfinish(pc);
}

/*
 * Locks the even shards of the catalog request counter a few times over:
 * writers whose connection counts there wait with their record inserted
 * (its seq taken) while the others commit later seqs.
 */
static void *
pg_stall(void *arg)
{
	struct timespec hold = { 0, 150 * 1000 * 1000 };
	struct timespec gap = { 0, 30 * 1000 * 1000 };
	char sql[128];
	PGconn *pc;
	int i, k;

	if ((pc = pg_raw_open(arg)) == NULL)
		return NULL;
	for (k = 0; k < 16; k += 2) {
		snprintf(sql, sizeof(sql), "INSERT INTO counters VALUES "
		    "('stored_catalog_request@%02d', 0) ON CONFLICT DO NOTHING",
		    k);
		pg_raw_exec(pc, sql, NULL, 0);
	}
	for (i = 0; i < 4; i++) {
		pg_raw_exec(pc, "BEGIN", NULL, 0);
		pg_raw_exec(pc, "SELECT 1 FROM counters WHERE name LIKE "
		    "'stored_catalog_request@%' AND substr(name, 24, 2)::int % 2 "
		    "= 0 FOR UPDATE", NULL, 0);
		nanosleep(&hold, NULL);
		pg_raw_exec(pc, "COMMIT", NULL, 0);
		nanosleep(&gap, NULL);
	}
	PQfinish(pc);
	return NULL;
}

static const struct backend backends[] = {
	{ "sqlite", NULL, sqlite_fresh, sqlite_cleanup, sqlite_set_version,
	    sqlite_raw_checks, NULL },
	{ "postgres", PG_ENV, pg_fresh, pg_cleanup, pg_set_version,
	    pg_raw_checks, pg_stall },
};

/* Fixtures. */

static int
fx_setup(void **state)
{
	struct store_err e;
	struct fx *f;

	if ((f = calloc(1, sizeof(*f))) == NULL || (f->url = tb->fresh()) ==
	    NULL) {
		free(f);
		return -1;
	}
	if (store_open(&f->st, f->url, &e) != STORE_OK) {
		fprintf(stderr, "store_open %s: %s\n", f->url, e.msg);
		tb->cleanup(f->url);
		free(f->url);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	tb->cleanup(f->url);
	free(f->url);
	free(f);
	return 0;
}

static void
fx_reopen(struct fx *f)
{
	struct store_err e;

	store_close(f->st);
	f->st = NULL;
	EXPECT(store_open(&f->st, f->url, &e), STORE_OK, &e);
}

/* Every record addressed to key, from the start, in one page. */
static size_t
inbox_all(struct store *st, const char *key, struct store_record **rp)
{
	const char *keys[] = { key };
	struct store_err e;
	int64_t next;
	size_t n;

	EXPECT(store_inbox(st, keys, 1, 0, STORE_INBOX_MAX, rp, &n, &next,
	    &e), STORE_OK, &e);
	return n;
}

static size_t
inbox_count(struct store *st, const char *key)
{
	struct store_record *r;
	size_t n = inbox_all(st, key, &r);

	store_records_free(r, n);
	return n;
}

static unsigned int
slot_booked(struct store *st, const char *dealer, const char *model,
    const char *start)
{
	struct store_slot_count *c;
	struct store_err e;
	char date[STORE_DATE_LEN + 1];
	unsigned int booked = 0;
	size_t n, i;

	snprintf(date, sizeof(date), "%.10s", start);
	EXPECT(store_slot_counts(st, dealer, model, date, &c, &n, &e),
	    STORE_OK, &e);
	for (i = 0; i < n; i++)
		if (strcmp(c[i].start, start) == 0)
			booked = c[i].booked;
	free(c);
	return booked;
}

/* Tests. */

static void
test_open_urls(void **state)
{
	struct store *st = NULL;
	struct store_err e;
	char *url, *dir;

	/* No server there: an error with context, never the password. */
	assert_int_equal(store_open(&st,
	    "postgres://u:hunter2@127.0.0.1:1/x?connect_timeout=5", &e),
	    STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(e.msg, "postgres: cannot connect"));
	assert_null(strstr(e.msg, "hunter2"));
	assert_int_equal(store_open(&st, "postgresql://127.0.0.1:1/x", &e),
	    STORE_ERR);
	assert_non_null(strstr(e.msg, "postgres: cannot connect"));
	assert_int_equal(store_open(&st, "postgres://[bad", &e), STORE_ERR);
	assert_int_equal(store_open(&st, "mysql://x", &e), STORE_ERR);
	assert_non_null(strstr(e.msg, "unknown store scheme"));
	assert_int_equal(store_open(&st, "", &e), STORE_ERR);
	assert_int_equal(store_open(&st, "sqlite:", &e), STORE_ERR);
	assert_int_equal(store_open(&st, "sqlite:/nonexistent/a/b", &e),
	    STORE_ERR);
	assert_non_null(strstr(e.msg, "mkdir"));
	/* A plain directory means SQLite, and is created if missing. */
	assert_non_null(url = sqlite_fresh());
	assert_int_equal(asprintf(&dir, "%s/sub", sqlite_dir(url)) > 0, 1);
	EXPECT(store_open(&st, dir, &e), STORE_OK, &e);
	assert_string_equal(store_backend(st), "sqlite");
	store_close(st);
	free(dir);
	sqlite_cleanup(url);
	free(url);
}

static void
test_ids(void **state)
{
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1];

	recid_new(a);
	recid_new(b);
	assert_int_equal(strlen(a), STORE_ID_LEN);
	assert_true(recid_valid(a));
	assert_string_not_equal(a, b);
	assert_false(recid_valid("short"));
	assert_false(recid_valid("0123456789abcdefghjkmnpqrU"));
	assert_false(recid_valid("0123456789abcdefghjkmnpqrst"));
	assert_true(recid_valid("0123456789abcdefghjkmnpqrs"));
	assert_false(recid_valid(NULL));
}

/* Ids sort by creation time (the indexes grow at one end), and a burst made within a
 * millisecond still differs in its random part. */
static void
test_ids_ordered(void **state)
{
	char prev[STORE_ID_LEN + 1], id[STORE_ID_LEN + 1];
	struct timespec ms = { 0, 2000000 };
	int i;

	(void)state;
	recid_new(prev);
	for (i = 0; i < 5; i++) {
		nanosleep(&ms, NULL);
		recid_new(id);
		assert_true(recid_valid(id));
		assert_true(strcmp(prev, id) < 0);
		memcpy(prev, id, sizeof(id));
	}
	for (i = 0; i < 1000; i++) {
		recid_new(id);
		/* the first 9 characters are 45 of the 48 time bits: never backwards */
		assert_true(strncmp(prev, id, 9) <= 0);
		assert_string_not_equal(prev, id);
		memcpy(prev, id, sizeof(id));
	}
}

static void
test_validation(void **state)
{
	struct fx *f = *state;
	struct store_err e;
	struct trec t;
	char saved;

	/* Only catalog requests go through store_put. */
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	EXPECT(store_book(f->st, &t.r, 3, NULL, NULL, &e), STORE_ERR, &e);
	EXPECT(store_cancel(f->st, t.r.cancel_hash, &t.r, &e), STORE_ERR, &e);
	saved = t.r.id[0];
	t.r.id[0] = 'U';
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	t.r.id[0] = saved;
	t.r.key_id[0] = '\0';
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	snprintf(t.r.key_id, sizeof(t.r.key_id), "bad key");
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	snprintf(t.r.key_id, sizeof(t.r.key_id), KEY_HQ);
	t.r.ct_len = 0;
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	t.r.ct_len = STORE_CT_MAX + 1;
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	t.r.ct_len = 10;
	t.r.enc_len = STORE_ENC_MAX + 1;
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	t.r.enc_len = 32;
	t.r.created = 0;
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_ERR, &e);
	/* Slots must be well-formed, so that text order is time order. */
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-4-01T10:00", NOW);
	EXPECT(store_book(f->st, &t.r, 3, NULL, NULL, &e), STORE_ERR, &e);
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T24:00", NOW);
	EXPECT(store_book(f->st, &t.r, 3, NULL, NULL, &e), STORE_ERR, &e);
	trec_drive(&t, KEY_D1, "d 1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &t.r, 3, NULL, NULL, &e), STORE_ERR, &e);
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &t.r, STORE_CAPACITY_MAX + 1, NULL, NULL,
	    &e), STORE_ERR, &e);
	EXPECT(store_nonce_use(f->st, "n", KEY_HQ, NOW, NOW, &e), STORE_ERR,
	    &e);
	EXPECT(store_nonce_use(f->st, "n n", KEY_HQ, NOW + 1, NOW, &e),
	    STORE_ERR, &e);
	/* Nothing of that was stored. */
	assert_int_equal(inbox_count(f->st, KEY_HQ), 0);
	assert_int_equal(inbox_count(f->st, KEY_D1), 0);
}

static void
test_put_roundtrip(void **state)
{
	struct fx *f = *state;
	struct store_record *r;
	struct store_err e;
	struct trec t;
	char receipt[STORE_ID_LEN + 1];
	size_t n;

	trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	t.r.ct_len = sizeof(t.ct);
	EXPECT(store_put(f->st, &t.r, NULL, receipt, &e), STORE_OK, &e);
	assert_string_equal(receipt, t.r.id);
	n = inbox_all(f->st, KEY_HQ, &r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].id, t.r.id);
	assert_int_equal(r[0].kind, STORE_KIND_CATALOG_REQUEST);
	assert_string_equal(r[0].key_id, KEY_HQ);
	assert_int_equal(r[0].created, NOW);
	assert_int_equal(r[0].enc_len, sizeof(t.enc));
	assert_memory_equal(r[0].enc, t.enc, sizeof(t.enc));
	assert_int_equal(r[0].ct_len, sizeof(t.ct));
	assert_memory_equal(r[0].ct, t.ct, sizeof(t.ct));
	assert_true(r[0].seq > 0);
	store_records_free(r, n);
	/* The same id again is a conflict, and stores nothing. */
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_CONFLICT, &e);
	assert_int_equal(e.code, STORE_CONFLICT);
	assert_int_equal(inbox_count(f->st, KEY_HQ), 1);
}

static void
test_idempotency(void **state)
{
	struct fx *f = *state;
	struct store_counters c;
	struct store_err e;
	struct trec a, b, d1, d2;
	unsigned char idem[STORE_HASH_LEN], idem2[STORE_HASH_LEN];
	char receipt[STORE_ID_LEN + 1];
	const char *keys[] = { KEY_HQ };
	const char *ids[1];
	uint64_t deleted;

	randombytes_buf(idem, sizeof(idem));
	trec_init(&a, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	trec_init(&b, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	EXPECT(store_put(f->st, &a.r, idem, receipt, &e), STORE_OK, &e);
	assert_string_equal(receipt, a.r.id);
	/* A resubmission (new id, new sealing) gets the first receipt. */
	EXPECT(store_put(f->st, &b.r, idem, receipt, &e), STORE_OK, &e);
	assert_string_equal(receipt, a.r.id);
	assert_int_equal(inbox_count(f->st, KEY_HQ), 1);
	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.stored[STORE_KIND_CATALOG_REQUEST], 1);
	/* The key is forgotten with its record. */
	ids[0] = a.r.id;
	EXPECT(store_ack(f->st, keys, 1, ids, 1, &deleted, &e), STORE_OK, &e);
	assert_int_equal(deleted, 1);
	EXPECT(store_put(f->st, &b.r, idem, receipt, &e), STORE_OK, &e);
	assert_string_equal(receipt, b.r.id);
	assert_int_equal(inbox_count(f->st, KEY_HQ), 1);

	/* A booking replay takes no second place. */
	randombytes_buf(idem2, sizeof(idem2));
	trec_drive(&d1, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	trec_drive(&d2, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &d1.r, 1, idem2, receipt, &e), STORE_OK, &e);
	assert_string_equal(receipt, d1.r.id);
	EXPECT(store_book(f->st, &d2.r, 1, idem2, receipt, &e), STORE_OK, &e);
	assert_string_equal(receipt, d1.r.id);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"),
	    1);
	assert_int_equal(inbox_count(f->st, KEY_D1), 1);
}

static void
test_capacity(void **state)
{
	struct fx *f = *state;
	struct store_slot_count *sc;
	struct store_err e;
	struct trec t;
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
		EXPECT(store_book(f->st, &t.r, 2, NULL, NULL, &e), STORE_OK,
		    &e);
	}
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &t.r, 2, NULL, NULL, &e), STORE_FULL, &e);
	assert_int_equal(e.code, STORE_FULL);
	/* A full attempt leaves no trace. */
	assert_int_equal(inbox_count(f->st, KEY_D1), 2);
	/* A larger capacity (more demo cars) opens one more place. */
	EXPECT(store_book(f->st, &t.r, 3, NULL, NULL, &e), STORE_OK, &e);
	/* Other slots, models, dealers and days are separate. */
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T11:00", NOW);
	EXPECT(store_book(f->st, &t.r, 1, NULL, NULL, &e), STORE_OK, &e);
	trec_drive(&t, KEY_D1, "d1", "m2", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &t.r, 1, NULL, NULL, &e), STORE_OK, &e);
	trec_drive(&t, KEY_D2, "d2", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &t.r, 1, NULL, NULL, &e), STORE_OK, &e);
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-02T00:00", NOW);
	EXPECT(store_book(f->st, &t.r, 1, NULL, NULL, &e), STORE_OK, &e);
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-03-31T23:59", NOW);
	EXPECT(store_book(f->st, &t.r, 1, NULL, NULL, &e), STORE_OK, &e);
	/* No capacity at all: always full. */
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T12:00", NOW);
	EXPECT(store_book(f->st, &t.r, 0, NULL, NULL, &e), STORE_FULL, &e);

	EXPECT(store_slot_counts(f->st, "d1", "m1", "2030-04-01", &sc, &n, &e),
	    STORE_OK, &e);
	assert_int_equal(n, 2);
	assert_string_equal(sc[0].start, "2030-04-01T10:00");
	assert_int_equal(sc[0].booked, 3);
	assert_string_equal(sc[1].start, "2030-04-01T11:00");
	assert_int_equal(sc[1].booked, 1);
	free(sc);
	EXPECT(store_slot_counts(f->st, "d9", "m1", "2030-04-01", &sc, &n, &e),
	    STORE_OK, &e);
	assert_int_equal(n, 0);
	assert_null(sc);
	EXPECT(store_slot_counts(f->st, "d1", "m1", "2030-04", &sc, &n, &e),
	    STORE_ERR, &e);
}

/* Concurrency: 8 threads x 20 attempts on one slot of capacity 3. */

#define CC_THREADS	8
#define CC_TRIES	20
#define CC_CAPACITY	3

struct cc_arg {
	const char	*url;
	struct store	*shared;	/* NULL: open a handle of its own */
	pthread_barrier_t *go;
	const char	*start;
	int		 ok, full, other;
};

static void *
cc_worker(void *arg)
{
	struct cc_arg *a = arg;
	struct store *st = a->shared;
	struct store_err e;
	struct trec t;
	int i, rc;

	if (st == NULL && store_open(&st, a->url, &e) != STORE_OK) {
		a->other = CC_TRIES;
		pthread_barrier_wait(a->go);
		return NULL;
	}
	pthread_barrier_wait(a->go);
	for (i = 0; i < CC_TRIES; i++) {
		trec_drive(&t, KEY_D1, "d1", "m1", a->start, NOW);
		rc = store_book(st, &t.r, CC_CAPACITY, NULL, NULL, &e);
		if (rc == STORE_OK)
			a->ok++;
		else if (rc == STORE_FULL)
			a->full++;
		else {
			fprintf(stderr, "    book: %s\n", e.msg);
			a->other++;
		}
	}
	if (a->shared == NULL)
		store_close(st);
	return NULL;
}

static void
cc_run(struct fx *f, int shared, const char *start)
{
	struct cc_arg a[CC_THREADS];
	pthread_t th[CC_THREADS];
	pthread_barrier_t go;
	int i, ok = 0, full = 0, other = 0;

	pthread_barrier_init(&go, NULL, CC_THREADS);
	for (i = 0; i < CC_THREADS; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].url = f->url;
		a[i].shared = shared ? f->st : NULL;
		a[i].go = &go;
		a[i].start = start;
		assert_int_equal(pthread_create(&th[i], NULL, cc_worker, &a[i]),
		    0);
	}
	for (i = 0; i < CC_THREADS; i++) {
		pthread_join(th[i], NULL);
		ok += a[i].ok;
		full += a[i].full;
		other += a[i].other;
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(other, 0);
	assert_int_equal(ok, CC_CAPACITY);
	assert_int_equal(full, CC_THREADS * CC_TRIES - CC_CAPACITY);
	assert_int_equal(slot_booked(f->st, "d1", "m1", start), CC_CAPACITY);
}

static void
test_capacity_concurrent(void **state)
{
	struct fx *f = *state;

	/* Threads sharing one handle (group commit batches them)... */
	cc_run(f, 1, "2030-05-01T09:00");
	/* ...and threads each with its own handle and connections. */
	cc_run(f, 0, "2030-05-01T10:00");
	assert_int_equal(inbox_count(f->st, KEY_D1), 2 * CC_CAPACITY);
}

/* One idempotency key from several nodes at once: one record, one receipt. */

struct ir_arg {
	const char	*url;
	pthread_barrier_t *go;
	const unsigned char *idem;
	int		 book;
	char		 receipt[STORE_ID_LEN + 1];
	int		 rc;
};

static void *
ir_worker(void *arg)
{
	struct ir_arg *a = arg;
	struct store_err e;
	struct store *st;
	struct trec t;

	a->rc = store_open(&st, a->url, &e);
	pthread_barrier_wait(a->go);
	if (a->rc != STORE_OK)
		return NULL;
	if (a->book) {
		trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
		a->rc = store_book(st, &t.r, 100, a->idem, a->receipt, &e);
	} else {
		trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
		a->rc = store_put(st, &t.r, a->idem, a->receipt, &e);
	}
	if (a->rc != STORE_OK)
		fprintf(stderr, "    %s\n", e.msg);
	store_close(st);
	return NULL;
}

static void
ir_run(struct fx *f, int book)
{
	struct ir_arg a[CC_THREADS];
	pthread_t th[CC_THREADS];
	pthread_barrier_t go;
	unsigned char idem[STORE_HASH_LEN];
	int i;

	randombytes_buf(idem, sizeof(idem));
	pthread_barrier_init(&go, NULL, CC_THREADS);
	for (i = 0; i < CC_THREADS; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].url = f->url;
		a[i].go = &go;
		a[i].idem = idem;
		a[i].book = book;
		assert_int_equal(pthread_create(&th[i], NULL, ir_worker, &a[i]),
		    0);
	}
	for (i = 0; i < CC_THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (i = 0; i < CC_THREADS; i++) {
		assert_int_equal(a[i].rc, STORE_OK);
		assert_string_equal(a[i].receipt, a[0].receipt);
	}
}

static void
test_idempotency_concurrent(void **state)
{
	struct fx *f = *state;
	struct store_counters c;
	struct store_err e;

	ir_run(f, 0);
	assert_int_equal(inbox_count(f->st, KEY_HQ), 1);
	ir_run(f, 1);
	assert_int_equal(inbox_count(f->st, KEY_D1), 1);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"),
	    1);
	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.stored[STORE_KIND_CATALOG_REQUEST], 1);
	assert_int_equal(c.stored[STORE_KIND_TEST_DRIVE], 1);
}

/* Conflicts in a batch fail alone: the others in it still commit. */

struct bi_arg {
	struct store	*st;
	const char	*dup_id;
	int		 ok, conflict, other;
};

static void *
bi_worker(void *arg)
{
	struct bi_arg *a = arg;
	struct store_err e;
	struct trec t;
	int i, rc;

	for (i = 0; i < 50; i++) {
		trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
		if (i % 5 == 0)
			memcpy(t.r.id, a->dup_id, STORE_ID_LEN + 1);
		rc = store_put(a->st, &t.r, NULL, NULL, &e);
		if (rc == STORE_OK)
			a->ok++;
		else if (rc == STORE_CONFLICT)
			a->conflict++;
		else
			a->other++;
	}
	return NULL;
}

static void
test_batch_isolation(void **state)
{
	struct fx *f = *state;
	struct bi_arg a[CC_THREADS];
	pthread_t th[CC_THREADS];
	struct store_counters c;
	struct store_err e;
	char dup[STORE_ID_LEN + 1];
	int i, ok = 0, conflict = 0, other = 0;

	recid_new(dup);
	for (i = 0; i < CC_THREADS; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].st = f->st;
		a[i].dup_id = dup;
		assert_int_equal(pthread_create(&th[i], NULL, bi_worker, &a[i]),
		    0);
	}
	for (i = 0; i < CC_THREADS; i++) {
		pthread_join(th[i], NULL);
		ok += a[i].ok;
		conflict += a[i].conflict;
		other += a[i].other;
	}
	/* 40 per thread are unique; of the 80 duplicates exactly one lands. */
	assert_int_equal(other, 0);
	assert_int_equal(ok, CC_THREADS * 40 + 1);
	assert_int_equal(conflict, CC_THREADS * 10 - 1);
	assert_int_equal(inbox_count(f->st, KEY_HQ), (size_t)ok);
	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.stored[STORE_KIND_CATALOG_REQUEST], (uint64_t)ok);
}

static void
test_cancel(void **state)
{
	struct fx *f = *state;
	struct store_booking b;
	struct store_counters c;
	struct store_record *r;
	struct store_err e;
	struct trec d, x, cancel;
	const char *keys[] = { KEY_D1 };
	const char *ids[1];
	uint64_t deleted;
	size_t n;

	trec_drive(&d, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &d.r, 1, NULL, NULL, &e), STORE_OK, &e);
	trec_drive(&x, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_book(f->st, &x.r, 1, NULL, NULL, &e), STORE_FULL, &e);

	EXPECT(store_booking_find(f->st, d.r.cancel_hash, &b, &e), STORE_OK,
	    &e);
	assert_string_equal(b.id, d.r.id);
	assert_string_equal(b.slot.dealer, "d1");
	assert_string_equal(b.slot.model, "m1");
	assert_string_equal(b.slot.start, "2030-04-01T10:00");
	assert_int_equal(b.created, NOW);

	/* An unknown token stores no cancellation. */
	trec_init(&cancel, STORE_KIND_CANCELLATION, KEY_D1, NOW + 5);
	EXPECT(store_cancel(f->st, x.r.cancel_hash, &cancel.r, &e),
	    STORE_NOT_FOUND, &e);
	assert_int_equal(e.code, STORE_NOT_FOUND);
	assert_int_equal(inbox_count(f->st, KEY_D1), 1);

	EXPECT(store_cancel(f->st, d.r.cancel_hash, &cancel.r, &e), STORE_OK,
	    &e);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"),
	    0);
	/* The unread booking went; the dealer gets the cancellation. */
	n = inbox_all(f->st, KEY_D1, &r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].id, cancel.r.id);
	assert_int_equal(r[0].kind, STORE_KIND_CANCELLATION);
	store_records_free(r, n);
	/* Once only. */
	trec_init(&cancel, STORE_KIND_CANCELLATION, KEY_D1, NOW + 6);
	EXPECT(store_cancel(f->st, d.r.cancel_hash, &cancel.r, &e),
	    STORE_NOT_FOUND, &e);
	EXPECT(store_booking_find(f->st, d.r.cancel_hash, &b, &e),
	    STORE_NOT_FOUND, &e);
	/* The freed place can be booked again. */
	EXPECT(store_book(f->st, &x.r, 1, NULL, NULL, &e), STORE_OK, &e);

	/* After the dealer acknowledged it, the link still cancels and frees. */
	ids[0] = x.r.id;
	EXPECT(store_ack(f->st, keys, 1, ids, 1, &deleted, &e), STORE_OK, &e);
	assert_int_equal(deleted, 1);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"),
	    1);
	EXPECT(store_cancel(f->st, x.r.cancel_hash, &cancel.r, &e), STORE_OK,
	    &e);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"),
	    0);

	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.cancelled, 2);
	assert_int_equal(c.stored[STORE_KIND_TEST_DRIVE], 2);
	assert_int_equal(c.stored[STORE_KIND_CANCELLATION], 2);
	assert_int_equal(c.acked, 1);
}

/* A booking holds its place from store_book until it is cancelled or expires;
 * acknowledging its record does not end it. */
static void
test_booking_held(void **state)
{
	struct fx *f = *state;
	struct store_err e;
	struct trec d, other, cancel;
	const char *keys[] = { KEY_D1 };
	const char *ids[1];
	uint64_t deleted, expired;

	trec_drive(&d, KEY_D1, "d1", "m1", "2030-04-02T10:00", NOW);
	trec_drive(&other, KEY_D1, "d1", "m1", "2030-04-02T11:00", NOW - 900);
	EXPECT(store_booking_held(f->st, d.r.id, &e), STORE_NOT_FOUND, &e);
	EXPECT(store_book(f->st, &d.r, 1, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &other.r, 1, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_booking_held(f->st, d.r.id, &e), STORE_OK, &e);
	ids[0] = d.r.id;
	EXPECT(store_ack(f->st, keys, 1, ids, 1, &deleted, &e), STORE_OK, &e);
	assert_int_equal(deleted, 1);
	EXPECT(store_booking_held(f->st, d.r.id, &e), STORE_OK, &e);
	trec_init(&cancel, STORE_KIND_CANCELLATION, KEY_D1, NOW + 1);
	EXPECT(store_cancel(f->st, d.r.cancel_hash, &cancel.r, &e), STORE_OK,
	    &e);
	EXPECT(store_booking_held(f->st, d.r.id, &e), STORE_NOT_FOUND, &e);
	assert_int_equal(e.code, STORE_NOT_FOUND);
	/* Expiry ends a booking too; a catalog id or the cancellation's is
	 * no booking. */
	EXPECT(store_booking_held(f->st, other.r.id, &e), STORE_OK, &e);
	EXPECT(store_expire(f->st, 500, NOW, &expired, &e), STORE_OK, &e);
	EXPECT(store_booking_held(f->st, other.r.id, &e), STORE_NOT_FOUND, &e);
	EXPECT(store_booking_held(f->st, cancel.r.id, &e), STORE_NOT_FOUND,
	    &e);
	EXPECT(store_booking_held(f->st, "not-an-id", &e), STORE_ERR, &e);
	EXPECT(store_booking_held(f->st, NULL, &e), STORE_ERR, &e);
}

static void
test_cancel_hash_conflict(void **state)
{
	struct fx *f = *state;
	struct store_err e;
	struct trec a, b;

	trec_drive(&a, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	trec_drive(&b, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	memcpy(b.r.cancel_hash, a.r.cancel_hash, STORE_HASH_LEN);
	EXPECT(store_book(f->st, &a.r, 5, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &b.r, 5, NULL, NULL, &e), STORE_CONFLICT, &e);
	/* The failed booking took no place. */
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"),
	    1);
}

static void
cal_change(struct store_cal_change *ch, enum store_cal_op op,
    const char *dealer, const char *model, const char *from, const char *to,
    int cars)
{
	memset(ch, 0, sizeof(*ch));
	ch->op = op;
	snprintf(ch->dealer, sizeof(ch->dealer), "%s", dealer);
	snprintf(ch->model, sizeof(ch->model), "%s", model);
	snprintf(ch->from, sizeof(ch->from), "%s", from);
	snprintf(ch->to, sizeof(ch->to), "%s", to);
	ch->cars = cars;
}

/* Books one test drive of d1 (key KEY_D1, or d2's) at start with capacity. */
static int
cal_book(struct store *st, const char *dealer, const char *model,
    const char *start, unsigned int capacity, struct trec *t)
{
	struct store_err e;

	trec_drive(t, strcmp(dealer, "d1") == 0 ? KEY_D1 : KEY_D2, dealer,
	    model, start, NOW);
	return store_book(st, &t->r, capacity, NULL, NULL, &e);
}

static void
test_calendar_close(void **state)
{
	struct fx *f = *state;
	struct store_cal_change ch;
	struct store_booking *hits;
	struct store_cal_day *days;
	struct store_err e;
	struct trec a, b, t;
	size_t n;

	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-01T10:00", 2, &a),
	    STORE_OK);
	assert_int_equal(cal_book(f->st, "d1", "m2", "2030-04-02T11:00", 2, &b),
	    STORE_OK);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-03T10:00", 2, &t),
	    STORE_OK);
	/* The whole store, two days: both bookings there are reported. */
	cal_change(&ch, STORE_CAL_CLOSE, "d1", "", "2030-04-01", "2030-04-02", 0);
	EXPECT(store_calendar_set(f->st, &ch, &hits, &n, &e), STORE_OK, &e);
	assert_int_equal(n, 2);
	assert_string_equal(hits[0].id, a.r.id);
	assert_string_equal(hits[0].slot.start, "2030-04-01T10:00");
	assert_string_equal(hits[1].id, b.r.id);
	assert_string_equal(hits[1].slot.model, "m2");
	free(hits);
	/* They stay booked: the dealer decides. */
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"), 1);
	/* No booking on a closed day, whatever the capacity asked. */
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-02T15:00", 9, &t),
	    STORE_FULL);
	assert_int_equal(cal_book(f->st, "d1", "m3", "2030-04-01T09:00", 9, &t),
	    STORE_FULL);
	/* The next day, and another dealer on the same day, are open. */
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-03T11:00", 2, &t),
	    STORE_OK);
	assert_int_equal(cal_book(f->st, "d2", "m1", "2030-04-01T10:00", 2, &t),
	    STORE_OK);
	EXPECT(store_calendar(f->st, "d1", "2030-03-01", "2030-04-30", &days, &n,
	    &e), STORE_OK, &e);
	assert_int_equal(n, 2);
	assert_string_equal(days[0].date, "2030-04-01");
	assert_string_equal(days[0].model, "");
	assert_int_equal(days[0].closed, 1);
	assert_int_equal(days[0].cars, -1);
	assert_string_equal(days[1].date, "2030-04-02");
	free(days);
	EXPECT(store_calendar(f->st, "d2", "2030-03-01", "2030-04-30", &days, &n,
	    &e), STORE_OK, &e);
	assert_int_equal(n, 0);

	/* One model only. */
	cal_change(&ch, STORE_CAL_CLOSE, "d1", "m2", "2030-04-05", "2030-04-05", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_OK, &e);
	assert_int_equal(cal_book(f->st, "d1", "m2", "2030-04-05T10:00", 2, &t),
	    STORE_FULL);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-05T10:00", 2, &t),
	    STORE_OK);
	/* Reopening the store leaves the model's closure; its own reopens it. */
	cal_change(&ch, STORE_CAL_OPEN, "d1", "", "2030-04-01", "2030-04-30", 0);
	EXPECT(store_calendar_set(f->st, &ch, &hits, &n, &e), STORE_OK, &e);
	assert_int_equal(n, 0);
	assert_null(hits);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-02T15:00", 2, &t),
	    STORE_OK);
	assert_int_equal(cal_book(f->st, "d1", "m2", "2030-04-05T11:00", 2, &t),
	    STORE_FULL);
	cal_change(&ch, STORE_CAL_OPEN, "d1", "m2", "2030-04-05", "2030-04-05", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_OK, &e);
	assert_int_equal(cal_book(f->st, "d1", "m2", "2030-04-05T11:00", 2, &t),
	    STORE_OK);
	/* Nothing left to say: no rows. */
	EXPECT(store_calendar(f->st, "d1", "2030-03-01", "2030-04-30", &days, &n,
	    &e), STORE_OK, &e);
	assert_int_equal(n, 0);
	assert_null(days);
}

static void
test_calendar_cars(void **state)
{
	struct fx *f = *state;
	struct store_cal_change ch;
	struct store_booking *hits;
	struct store_cal_day *days;
	struct store_err e;
	struct trec a, b, t;
	size_t n;

	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-06T10:00", 3, &a),
	    STORE_OK);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-06T10:00", 3, &b),
	    STORE_OK);
	/* One car that day: the slot holds two bookings, both reported. */
	cal_change(&ch, STORE_CAL_CARS, "d1", "m1", "2030-04-06", "2030-04-07", 1);
	EXPECT(store_calendar_set(f->st, &ch, &hits, &n, &e), STORE_OK, &e);
	assert_int_equal(n, 2);
	free(hits);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-06T10:00", 3, &t),
	    STORE_FULL);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-07T10:00", 3, &t),
	    STORE_OK);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-07T10:00", 3, &t),
	    STORE_FULL);
	/* Other models keep the content's number. */
	assert_int_equal(cal_book(f->st, "d1", "m2", "2030-04-07T10:00", 1, &t),
	    STORE_OK);
	/* A car moved in: more than the content says. */
	cal_change(&ch, STORE_CAL_CARS, "d1", "m1", "2030-04-06", "2030-04-06", 4);
	EXPECT(store_calendar_set(f->st, &ch, &hits, &n, &e), STORE_OK, &e);
	assert_int_equal(n, 0);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-06T10:00", 2, &t),
	    STORE_OK);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-06T10:00"), 3);
	/* None at all, and closing on top. */
	cal_change(&ch, STORE_CAL_CARS, "d1", "m1", "2030-04-08", "2030-04-08", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_OK, &e);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-08T10:00", 3, &t),
	    STORE_FULL);
	cal_change(&ch, STORE_CAL_CLOSE, "d1", "m1", "2030-04-06", "2030-04-06", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_calendar(f->st, "d1", "2030-04-06", "2030-04-08", &days, &n,
	    &e), STORE_OK, &e);
	assert_int_equal(n, 3);
	assert_int_equal(days[0].closed, 1);
	assert_int_equal(days[0].cars, 4);
	assert_int_equal(days[1].closed, 0);
	assert_int_equal(days[1].cars, 1);
	assert_string_equal(days[2].date, "2030-04-08");
	assert_int_equal(days[2].cars, 0);
	free(days);
	/* Back to the content's number: the rows that say nothing go. */
	cal_change(&ch, STORE_CAL_CARS, "d1", "m1", "2030-04-06", "2030-04-08", -1);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_calendar(f->st, "d1", "2030-04-06", "2030-04-08", &days, &n,
	    &e), STORE_OK, &e);
	assert_int_equal(n, 1);
	assert_int_equal(days[0].closed, 1);
	assert_int_equal(days[0].cars, -1);
	free(days);

	/* Malformed changes change nothing. */
	cal_change(&ch, STORE_CAL_CARS, "d1", "", "2030-04-06", "2030-04-06", 1);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_ERR, &e);
	cal_change(&ch, STORE_CAL_CARS, "d1", "m1", "2030-04-06", "2030-04-06",
	    STORE_CARS_MAX + 1);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_ERR, &e);
	cal_change(&ch, STORE_CAL_CLOSE, "d1", "", "2030-04-07", "2030-04-06", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_ERR, &e);
	cal_change(&ch, STORE_CAL_CLOSE, "d1", "", "2030-02-30", "2030-03-01", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_ERR, &e);
	cal_change(&ch, STORE_CAL_CLOSE, "d1", "", "2030-01-01", "2031-01-02", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_ERR, &e);
	cal_change(&ch, STORE_CAL_CLOSE, "d 1", "", "2030-01-01", "2030-01-02", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_ERR, &e);
	/* A whole year is fine (2032 is a leap year: 366 days). */
	cal_change(&ch, STORE_CAL_CLOSE, "d2", "", "2032-01-01", "2032-12-31", 0);
	EXPECT(store_calendar_set(f->st, &ch, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_calendar(f->st, "d2", "2032-01-01", "2032-12-31", &days, &n,
	    &e), STORE_OK, &e);
	assert_int_equal(n, 366);
	assert_string_equal(days[59].date, "2032-02-29");
	free(days);
}

static void
test_decide(void **state)
{
	struct fx *f = *state;
	struct store_cal_change ch;
	struct store_booking b, *hits;
	struct store_err e;
	struct trec p, q, t, cancel;
	size_t n;

	/* Capacity 1: a pending booking takes the place like any other. */
	trec_drive(&p, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	p.r.status = STORE_BOOKING_PENDING;
	EXPECT(store_book(f->st, &p.r, 1, NULL, NULL, &e), STORE_OK, &e);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-01T10:00", 1, &t),
	    STORE_FULL);
	EXPECT(store_booking_find(f->st, p.r.cancel_hash, &b, &e), STORE_OK, &e);
	assert_int_equal(b.status, STORE_BOOKING_PENDING);
	assert_string_equal(b.reason, "");
	/* A booking starts booked or pending, nothing else. */
	trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T11:00", NOW);
	t.r.status = STORE_BOOKING_CONFIRMED;
	EXPECT(store_book(f->st, &t.r, 1, NULL, NULL, &e), STORE_ERR, &e);

	/* Confirmed, by its dealer only. */
	EXPECT(store_booking_decide(f->st, "d2", p.r.id, STORE_BOOKING_CONFIRMED,
	    NULL, &b, &e), STORE_NOT_FOUND, &e);
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_CONFIRMED,
	    NULL, &b, &e), STORE_OK, &e);
	assert_int_equal(b.status, STORE_BOOKING_CONFIRMED);
	assert_string_equal(b.slot.start, "2030-04-01T10:00");
	EXPECT(store_booking_find(f->st, p.r.cancel_hash, &b, &e), STORE_OK, &e);
	assert_int_equal(b.status, STORE_BOOKING_CONFIRMED);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"), 1);

	/* Malformed decisions. */
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_DECLINED,
	    "because", NULL, &e), STORE_ERR, &e);
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_DECLINED,
	    NULL, NULL, &e), STORE_ERR, &e);
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_CONFIRMED,
	    "closed", NULL, &e), STORE_ERR, &e);
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_PENDING,
	    NULL, NULL, &e), STORE_ERR, &e);

	/* Declined: the place is free, once; the reason stays for the receipt. */
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_DECLINED,
	    "car_unavailable", &b, &e), STORE_OK, &e);
	assert_int_equal(b.status, STORE_BOOKING_DECLINED);
	assert_string_equal(b.reason, "car_unavailable");
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"), 0);
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_DECLINED,
	    "other", &b, &e), STORE_OK, &e);
	assert_string_equal(b.reason, "car_unavailable");
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"), 0);
	EXPECT(store_booking_decide(f->st, "d1", p.r.id, STORE_BOOKING_CONFIRMED,
	    NULL, &b, &e), STORE_CONFLICT, &e);
	EXPECT(store_booking_find(f->st, p.r.cancel_hash, &b, &e), STORE_OK, &e);
	assert_int_equal(b.status, STORE_BOOKING_DECLINED);
	assert_string_equal(b.reason, "car_unavailable");
	/* Nothing to cancel any more, and no second place freed. */
	trec_init(&cancel, STORE_KIND_CANCELLATION, KEY_D1, NOW + 5);
	EXPECT(store_cancel(f->st, p.r.cancel_hash, &cancel.r, &e),
	    STORE_NOT_FOUND, &e);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-01T10:00", 1, &q),
	    STORE_OK);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"), 1);
	/* A closed day reports the active booking only. */
	cal_change(&ch, STORE_CAL_CLOSE, "d1", "", "2030-04-01", "2030-04-01", 0);
	EXPECT(store_calendar_set(f->st, &ch, &hits, &n, &e), STORE_OK, &e);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].id, q.r.id);
	assert_int_equal(hits[0].status, STORE_BOOKING_BOOKED);
	free(hits);
	/* The one left is cancelled by its visitor after all: a decision on it
	 * finds nothing. */
	EXPECT(store_cancel(f->st, q.r.cancel_hash, &cancel.r, &e), STORE_OK,
	    &e);
	EXPECT(store_booking_decide(f->st, "d1", q.r.id, STORE_BOOKING_DECLINED,
	    "closed", NULL, &e), STORE_NOT_FOUND, &e);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"), 0);
}

/* What a test sender was given, and what it answers. */
struct nsend {
	enum store_notice_outcome answer;
	struct store_notice got[8];
	int	 n;
	int	 sleep_ms;
};

static enum store_notice_outcome
nsend_fn(const struct store_notice *n, void *arg)
{
	struct nsend *s = arg;
	struct timespec ts;

	if (s->n < 8)
		s->got[s->n] = *n;
	s->n++;
	if (s->sleep_ms > 0) {
		ts.tv_sec = 0;
		ts.tv_nsec = (long)s->sleep_ms * 1000000;
		nanosleep(&ts, NULL);
	}
	return s->answer;
}

static const struct store_notice_policy npol = {
	.interval = 300, .retry = 60, .retry_max = 200, .give_up = 1000
};

/* One notice_next at now: its return code; the sender answers ANSWER. */
static int
nnext(struct store *st, int64_t now, struct nsend *s,
    enum store_notice_outcome answer)
{
	enum store_notice_outcome out;
	struct store_err e;
	int rc;

	s->answer = answer;
	rc = store_notice_next(st, now, &npol, nsend_fn, s, &out, &e);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		fprintf(stderr, "    store_notice_next: %s\n", e.msg);
	if (rc == STORE_OK)
		assert_int_equal(out, answer);
	return rc;
}

static void
test_notices(void **state)
{
	struct fx *f = *state;
	struct store_counters c;
	struct store_err e;
	struct nsend s;
	struct trec t, d, cancel;
	const char *keys[] = { KEY_HQ }, *ids[1];
	int i;

	memset(&s, 0, sizeof(s));
	assert_int_equal(nnext(f->st, NOW, &s, STORE_NOTICE_SENT), STORE_NOT_FOUND);
	assert_int_equal(s.n, 0);
	/* Each record queues its recipient's notice in its own transaction. */
	for (i = 0; i < 2; i++) {
		trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW - 10 + i);
		EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
	}
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-01T10:00", 2, &d),
	    STORE_OK);
	assert_int_equal(nnext(f->st, NOW, &s, STORE_NOTICE_SENT), STORE_OK);
	assert_int_equal(nnext(f->st, NOW, &s, STORE_NOTICE_SENT), STORE_OK);
	assert_int_equal(nnext(f->st, NOW, &s, STORE_NOTICE_SENT), STORE_NOT_FOUND);
	assert_int_equal(s.n, 2);
	/* By recipient: counts by kind, nothing else. */
	assert_string_equal(s.got[0].key_id, KEY_D1);
	assert_int_equal(s.got[0].count[STORE_KIND_TEST_DRIVE], 1);
	assert_int_equal(s.got[0].count[STORE_KIND_CATALOG_REQUEST], 0);
	assert_string_equal(s.got[1].key_id, KEY_HQ);
	assert_int_equal(s.got[1].count[STORE_KIND_CATALOG_REQUEST], 2);
	assert_int_equal(s.got[1].oldest, NOW - 10);
	assert_int_equal(s.got[1].attempts, 0);

	/* At most one per interval: the next two wait for it, then go as one. */
	for (i = 0; i < 2; i++) {
		trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW + 1);
		EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
	}
	assert_int_equal(nnext(f->st, NOW + 299, &s, STORE_NOTICE_SENT),
	    STORE_NOT_FOUND);
	assert_int_equal(nnext(f->st, NOW + 300, &s, STORE_NOTICE_SENT), STORE_OK);
	assert_int_equal(s.got[2].count[STORE_KIND_CATALOG_REQUEST], 2);

	/* A cancel: the unread booking's notice goes with it, the cancellation
	 * has its own. */
	trec_init(&cancel, STORE_KIND_CANCELLATION, KEY_D1, NOW + 2);
	assert_int_equal(cal_book(f->st, "d1", "m1", "2030-04-01T11:00", 2, &t),
	    STORE_OK);
	EXPECT(store_cancel(f->st, t.r.cancel_hash, &cancel.r, &e), STORE_OK, &e);
	/* Failures: retried after a backoff (60, then 120, at most 200) ... */
	assert_int_equal(nnext(f->st, NOW + 300, &s, STORE_NOTICE_FAILED),
	    STORE_OK);
	assert_int_equal(s.got[3].count[STORE_KIND_CANCELLATION], 1);
	assert_int_equal(s.got[3].count[STORE_KIND_TEST_DRIVE], 0);
	assert_int_equal(nnext(f->st, NOW + 359, &s, STORE_NOTICE_FAILED),
	    STORE_NOT_FOUND);
	assert_int_equal(nnext(f->st, NOW + 360, &s, STORE_NOTICE_FAILED),
	    STORE_OK);
	assert_int_equal(s.got[4].attempts, 1);
	assert_int_equal(s.got[4].count[STORE_KIND_CANCELLATION], 1);
	assert_int_equal(nnext(f->st, NOW + 479, &s, STORE_NOTICE_FAILED),
	    STORE_NOT_FOUND);
	assert_int_equal(nnext(f->st, NOW + 480, &s, STORE_NOTICE_SENT), STORE_OK);
	assert_int_equal(s.got[5].attempts, 2);
	assert_int_equal(nnext(f->st, NOW + 9999, &s, STORE_NOTICE_SENT),
	    STORE_NOT_FOUND);
	/* ... and given up once the oldest waited give_up (1000 s). */
	trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW + 10000);
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
	assert_int_equal(nnext(f->st, NOW + 10000, &s, STORE_NOTICE_FAILED),
	    STORE_OK);
	assert_int_equal(nnext(f->st, NOW + 10999, &s, STORE_NOTICE_FAILED),
	    STORE_OK);
	assert_int_equal(nnext(f->st, NOW + 11118, &s, STORE_NOTICE_FAILED),
	    STORE_NOT_FOUND);
	assert_int_equal(nnext(f->st, NOW + 11119, &s, STORE_NOTICE_FAILED),
	    STORE_OK);
	assert_int_equal(nnext(f->st, NOW + 20000, &s, STORE_NOTICE_SENT),
	    STORE_NOT_FOUND);
	/* An acknowledged record needs no notice; nobody to tell: dropped. */
	trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW + 20000);
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
	ids[0] = t.r.id;
	EXPECT(store_ack(f->st, keys, 1, ids, 1, NULL, &e), STORE_OK, &e);
	assert_int_equal(nnext(f->st, NOW + 20000, &s, STORE_NOTICE_SENT),
	    STORE_NOT_FOUND);
	trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW + 20000);
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
	assert_int_equal(nnext(f->st, NOW + 20000, &s, STORE_NOTICE_SKIP), STORE_OK);
	assert_int_equal(nnext(f->st, NOW + 30000, &s, STORE_NOTICE_SENT),
	    STORE_NOT_FOUND);

	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.notices_delivered, 4);
	assert_int_equal(c.notices_retried, 4);
	assert_int_equal(c.notices_failed, 1);
	/* A malformed policy. */
	{
		struct store_notice_policy bad = npol;

		bad.retry = 0;
		EXPECT(store_notice_next(f->st, NOW, &bad, nsend_fn, &s, NULL, &e),
		    STORE_ERR, &e);
	}
}

/* Several senders on one database (nodes): each notice goes once. */
#define NS_THREADS	4
#define NS_RECIPIENTS	6

struct ns_arg {
	const char	*url;
	int		 sent[NS_RECIPIENTS];
	uint64_t	 records;
};

static enum store_notice_outcome
ns_send(const struct store_notice *n, void *arg)
{
	struct ns_arg *a = arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int k = n->key_id[strlen(n->key_id) - 1] - '0';

	if (k >= 0 && k < NS_RECIPIENTS)
		__atomic_add_fetch(&a->sent[k], 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&a->records, n->count[STORE_KIND_CATALOG_REQUEST],
	    __ATOMIC_SEQ_CST);
	nanosleep(&ts, NULL);	/* long enough for the others to look */
	return STORE_NOTICE_SENT;
}

static void *
ns_worker(void *arg)
{
	struct ns_arg *a = arg;
	struct store_err e;
	struct store *st;
	int i, rc;

	if (store_open(&st, a->url, &e) != STORE_OK)
		return NULL;
	for (i = 0; i < 50; i++)
		if ((rc = store_notice_next(st, NOW, &npol, ns_send, a, NULL,
		    &e)) == STORE_NOT_FOUND)
			break;
	store_close(st);
	return NULL;
}

static void
test_notices_senders(void **state)
{
	struct fx *f = *state;
	pthread_t th[NS_THREADS];
	struct ns_arg a;
	struct store_err e;
	struct trec t;
	char key[32];
	int i, j;

	/* SQLite has one sender per database (docs/STORE.md). */
	if (strcmp(tb->name, "postgres") != 0)
		skip();
	memset(&a, 0, sizeof(a));
	a.url = f->url;
	for (i = 0; i < NS_RECIPIENTS; i++)
		for (j = 0; j < 3; j++) {
			snprintf(key, sizeof(key), "hq-000%d", i);
			trec_init(&t, STORE_KIND_CATALOG_REQUEST, key, NOW);
			EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
		}
	for (i = 0; i < NS_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, ns_worker, &a), 0);
	for (i = 0; i < NS_THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NS_RECIPIENTS; i++)
		assert_int_equal(a.sent[i], 1);
	assert_int_equal(a.records, NS_RECIPIENTS * 3);
}

static void
test_inbox_paging(void **state)
{
	struct fx *f = *state;
	struct store_record *r;
	struct store_err e;
	struct trec t;
	const char *hq[] = { KEY_HQ };
	const char *both[] = { KEY_HQ, KEY_D1 };
	const char *none[] = { "nobody" };
	int64_t cursor = 0, next, last = 0;
	size_t n, i, total = 0;
	int k;

	for (k = 0; k < 30; k++) {
		if (k % 6 == 5)
			trec_drive(&t, KEY_D1, "d1", "m1", "2030-04-01T10:00",
			    NOW);
		else
			trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
		if (t.r.kind == STORE_KIND_TEST_DRIVE)
			EXPECT(store_book(f->st, &t.r, 100, NULL, NULL, &e),
			    STORE_OK, &e);
		else
			EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK,
			    &e);
	}
	/* HQ pages through its 25 only, 10 at a time, in order. */
	for (k = 0; k < 5; k++) {
		EXPECT(store_inbox(f->st, hq, 1, cursor, 10, &r, &n, &next,
		    &e), STORE_OK, &e);
		for (i = 0; i < n; i++) {
			assert_string_equal(r[i].key_id, KEY_HQ);
			assert_true(r[i].seq > last);
			last = r[i].seq;
		}
		store_records_free(r, n);
		total += n;
		if (n == 0) {
			assert_int_equal(next, cursor);
			break;
		}
		assert_true(next > cursor);
		cursor = next;
	}
	assert_int_equal(total, 25);
	/* New mail comes after the cursor. */
	trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_inbox(f->st, hq, 1, cursor, 10, &r, &n, &next, &e),
	    STORE_OK, &e);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].id, t.r.id);
	store_records_free(r, n);
	/* The dealer sees its bookings, with their slots. */
	n = inbox_all(f->st, KEY_D1, &r);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		assert_int_equal(r[i].kind, STORE_KIND_TEST_DRIVE);
		assert_string_equal(r[i].slot.start, "2030-04-01T10:00");
	}
	store_records_free(r, n);
	/* Several keys at once: the union, still in order. */
	EXPECT(store_inbox(f->st, both, 2, 0, STORE_INBOX_MAX, &r, &n, &next,
	    &e), STORE_OK, &e);
	assert_int_equal(n, 31);
	for (i = 1; i < n; i++)
		assert_true(r[i].seq > r[i - 1].seq);
	store_records_free(r, n);
	assert_int_equal(inbox_count(f->st, "nobody"), 0);
	EXPECT(store_inbox(f->st, none, 1, 0, 0, &r, &n, &next, &e), STORE_ERR,
	    &e);
	EXPECT(store_inbox(f->st, none, 0, 0, 1, &r, &n, &next, &e), STORE_ERR,
	    &e);
}

static void
test_ack_own_only(void **state)
{
	struct fx *f = *state;
	struct store_counters c;
	struct store_err e;
	struct trec h1, h2, d;
	const char *hq[] = { KEY_HQ };
	const char *d1[] = { KEY_D1 };
	const char *ids[3];
	char unknown[STORE_ID_LEN + 1];
	uint64_t deleted;

	trec_init(&h1, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	trec_init(&h2, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	trec_drive(&d, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	EXPECT(store_put(f->st, &h1.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_put(f->st, &h2.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &d.r, 1, NULL, NULL, &e), STORE_OK, &e);

	/* The dealer cannot delete HQ's records. */
	ids[0] = h1.r.id;
	ids[1] = h2.r.id;
	EXPECT(store_ack(f->st, d1, 1, ids, 2, &deleted, &e), STORE_OK, &e);
	assert_int_equal(deleted, 0);
	assert_int_equal(inbox_count(f->st, KEY_HQ), 2);
	/* HQ deletes its own; ids it does not own or know are ignored. */
	recid_new(unknown);
	ids[1] = d.r.id;
	ids[2] = unknown;
	EXPECT(store_ack(f->st, hq, 1, ids, 3, &deleted, &e), STORE_OK, &e);
	assert_int_equal(deleted, 1);
	assert_int_equal(inbox_count(f->st, KEY_HQ), 1);
	assert_int_equal(inbox_count(f->st, KEY_D1), 1);
	/* Twice is harmless. */
	EXPECT(store_ack(f->st, hq, 1, ids, 1, &deleted, &e), STORE_OK, &e);
	assert_int_equal(deleted, 0);
	/* A booking acknowledged keeps its place. */
	ids[0] = d.r.id;
	EXPECT(store_ack(f->st, d1, 1, ids, 1, &deleted, &e), STORE_OK, &e);
	assert_int_equal(deleted, 1);
	assert_int_equal(slot_booked(f->st, "d1", "m1", "2030-04-01T10:00"),
	    1);
	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.acked, 2);
	/* Malformed ids are refused whole. */
	ids[0] = "not-an-id";
	EXPECT(store_ack(f->st, hq, 1, ids, 1, &deleted, &e), STORE_ERR, &e);
}

static void
test_expire(void **state)
{
	struct fx *f = *state;
	struct store_counters c;
	struct store_slot_count *sc;
	struct store_record *r;
	struct store_err e;
	struct trec old1, old2, young, drive, cancel;
	uint64_t expired;
	size_t n;

	trec_init(&old1, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW - 1000);
	trec_init(&old2, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW - 501);
	trec_init(&young, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW - 500);
	trec_drive(&drive, KEY_D1, "d1", "m1", "2001-01-01T10:00", NOW - 900);
	EXPECT(store_put(f->st, &old1.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_put(f->st, &old2.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_put(f->st, &young.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &drive.r, 2, NULL, NULL, &e), STORE_OK, &e);

	EXPECT(store_expire(f->st, 500, NOW, &expired, &e), STORE_OK, &e);
	assert_int_equal(expired, 3);
	n = inbox_all(f->st, KEY_HQ, &r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].id, young.r.id);
	store_records_free(r, n);
	assert_int_equal(inbox_count(f->st, KEY_D1), 0);
	/* The old booking's cancel hash and its long-past slot went too. */
	trec_init(&cancel, STORE_KIND_CANCELLATION, KEY_D1, NOW);
	EXPECT(store_cancel(f->st, drive.r.cancel_hash, &cancel.r, &e),
	    STORE_NOT_FOUND, &e);
	EXPECT(store_slot_counts(f->st, "d1", "m1", "2001-01-01", &sc, &n, &e),
	    STORE_OK, &e);
	assert_int_equal(n, 0);
	free(sc);
	/* Nothing left to expire: counted once. */
	EXPECT(store_expire(f->st, 500, NOW, &expired, &e), STORE_OK, &e);
	assert_int_equal(expired, 0);
	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.expired, 3);
	assert_int_equal(c.stored[STORE_KIND_CATALOG_REQUEST], 3);
	assert_int_equal(c.stored[STORE_KIND_TEST_DRIVE], 1);
	EXPECT(store_expire(f->st, -1, NOW, &expired, &e), STORE_ERR, &e);
}

static void
test_nonce(void **state)
{
	struct fx *f = *state;
	struct store_err e;

	EXPECT(store_nonce_use(f->st, "n-1", KEY_HQ, NOW + 300, NOW, &e),
	    STORE_OK, &e);
	EXPECT(store_nonce_use(f->st, "n-1", KEY_HQ, NOW + 300, NOW + 1, &e),
	    STORE_REPLAY, &e);
	assert_int_equal(e.code, STORE_REPLAY);
	/* Nonces are per key. */
	EXPECT(store_nonce_use(f->st, "n-1", KEY_D1, NOW + 300, NOW, &e),
	    STORE_OK, &e);
	EXPECT(store_nonce_use(f->st, "n-2", KEY_HQ, NOW + 300, NOW, &e),
	    STORE_OK, &e);
	/* Still a replay up to its expiry; after it, the signature's own age
	 * check refuses the request, so the store may forget the nonce. */
	EXPECT(store_nonce_use(f->st, "n-1", KEY_HQ, NOW + 900, NOW + 299, &e),
	    STORE_REPLAY, &e);
	EXPECT(store_nonce_use(f->st, "n-1", KEY_HQ, NOW + 900, NOW + 300, &e),
	    STORE_OK, &e);
	EXPECT(store_nonce_use(f->st, "n-1", KEY_HQ, NOW + 900, NOW + 301, &e),
	    STORE_REPLAY, &e);
	/* Purged by expiry, then new again. */
	EXPECT(store_expire(f->st, 3600, NOW + 1000, NULL, &e), STORE_OK, &e);
	EXPECT(store_nonce_use(f->st, "n-2", KEY_HQ, NOW + 1300, NOW + 1000,
	    &e), STORE_OK, &e);
	/* Survives a reopen: another node sees it. */
	fx_reopen(f);
	EXPECT(store_nonce_use(f->st, "n-2", KEY_HQ, NOW + 1300, NOW + 1001,
	    &e), STORE_REPLAY, &e);
}

static void
test_schema_refusal(void **state)
{
	struct fx *f = *state;
	struct store_err e;
	struct store *st = NULL;

	if (tb->set_version == NULL)
		skip();
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(tb->set_version(f->url, 999), 0);
	assert_int_equal(store_open(&st, f->url, &e), STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(e.msg, "newer"));
	/* Refusing changed nothing: the version is still the one set. */
	assert_int_equal(store_open(&st, f->url, &e), STORE_ERR);
	assert_int_equal(tb->set_version(f->url, atoi(SCHEMA_NOW)), 0);
	EXPECT(store_open(&f->st, f->url, &e), STORE_OK, &e);
}

static void
test_durability(void **state)
{
	struct fx *f = *state;
	struct store_record *r;
	struct store_err e;
	struct trec a, b;
	const char *hq[] = { KEY_HQ };
	const char *ids[1];
	uint64_t deleted;
	pid_t pid;
	int status;
	size_t n;

	trec_init(&a, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	trec_init(&b, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	EXPECT(store_put(f->st, &a.r, NULL, NULL, &e), STORE_OK, &e);
	fx_reopen(f);
	n = inbox_all(f->st, KEY_HQ, &r);
	assert_int_equal(n, 1);
	assert_memory_equal(r[0].ct, a.ct, a.r.ct_len);
	store_records_free(r, n);

	/*
	 * A process that dies right after a call returns keeps its writes:
	 * the child stores b, deletes a, and exits without closing.
	 */
	store_close(f->st);
	f->st = NULL;
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		struct store *cs;

		ids[0] = a.r.id;
		if (store_open(&cs, f->url, &e) != STORE_OK ||
		    store_put(cs, &b.r, NULL, NULL, &e) != STORE_OK ||
		    store_ack(cs, hq, 1, ids, 1, &deleted, &e) != STORE_OK ||
		    deleted != 1)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT(store_open(&f->st, f->url, &e), STORE_OK, &e);
	n = inbox_all(f->st, KEY_HQ, &r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].id, b.r.id);
	store_records_free(r, n);
}

/* Nodes starting at once on a new database: one migrates, all open. */

#define OC_NODES	6

struct oc_arg {
	const char	*url;
	pthread_barrier_t *go;
	struct store	*st;
	struct store_err e;
	int		 rc;
};

static void *
oc_worker(void *arg)
{
	struct oc_arg *a = arg;

	pthread_barrier_wait(a->go);
	a->rc = store_open(&a->st, a->url, &a->e);
	return NULL;
}

static void
test_open_concurrent(void **state)
{
	struct oc_arg a[OC_NODES];
	pthread_t th[OC_NODES];
	pthread_barrier_t go;
	struct store_counters c;
	struct store_err e;
	struct store *st;
	struct trec t;
	char *url;
	int i;

	assert_non_null(url = tb->fresh());
	pthread_barrier_init(&go, NULL, OC_NODES);
	for (i = 0; i < OC_NODES; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].url = url;
		a[i].go = &go;
		assert_int_equal(pthread_create(&th[i], NULL, oc_worker, &a[i]),
		    0);
	}
	for (i = 0; i < OC_NODES; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (i = 0; i < OC_NODES; i++) {
		EXPECT(a[i].rc, STORE_OK, &a[i].e);
		trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
		EXPECT(store_put(a[i].st, &t.r, NULL, NULL, &e), STORE_OK, &e);
		store_close(a[i].st);
	}
	EXPECT(store_open(&st, url, &e), STORE_OK, &e);
	assert_int_equal(inbox_count(st, KEY_HQ), OC_NODES);
	EXPECT(store_counters(st, &c, &e), STORE_OK, &e);
	assert_int_equal(c.stored[STORE_KIND_CATALOG_REQUEST], OC_NODES);
	store_close(st);
	tb->cleanup(url);
	free(url);
}

/*
 * The inbox cursor under concurrent writers: a reader paging while
 * several handles (nodes) store sees every record exactly once, even
 * when their transactions commit out of seq order.
 */

#define IC_WRITERS	6
#define IC_PUTS		40

struct ic_arg {
	const char	*url;
	char		 ids[IC_PUTS][STORE_ID_LEN + 1];
	int		 failed;
	pthread_mutex_t	*mu;
	int		*ndone;
};

static void
ic_done(struct ic_arg *a)
{
	pthread_mutex_lock(a->mu);
	(*a->ndone)++;
	pthread_mutex_unlock(a->mu);
}

static int
ic_all_done(pthread_mutex_t *mu, const int *ndone)
{
	int done;

	pthread_mutex_lock(mu);
	done = *ndone == IC_WRITERS;
	pthread_mutex_unlock(mu);
	return done;
}

static void *
ic_writer(void *arg)
{
	struct ic_arg *a = arg;
	struct store_err e;
	struct store *st;
	struct trec t;
	int i;

	if (store_open(&st, a->url, &e) != STORE_OK) {
		a->failed = IC_PUTS;
		ic_done(a);
		return NULL;
	}
	for (i = 0; i < IC_PUTS; i++) {
		trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
		memcpy(a->ids[i], t.r.id, sizeof(a->ids[i]));
		/* Varying sizes make commits finish out of order. */
		t.r.ct_len = 1 + randombytes_uniform(sizeof(t.ct));
		if (store_put(st, &t.r, NULL, NULL, &e) != STORE_OK) {
			fprintf(stderr, "    put: %s\n", e.msg);
			a->failed++;
		}
	}
	store_close(st);
	ic_done(a);
	return NULL;
}

/* Reads one page after *cursor into seen; the number of records. */
static size_t
ic_page(struct store *st, int64_t *cursor, char (*seen)[STORE_ID_LEN + 1],
    size_t *nseen, size_t max)
{
	const char *keys[] = { KEY_HQ };
	struct store_record *r;
	struct store_err e;
	int64_t next;
	size_t n, i;

	EXPECT(store_inbox(st, keys, 1, *cursor, 7, &r, &n, &next, &e),
	    STORE_OK, &e);
	for (i = 0; i < n; i++) {
		assert_true(r[i].seq > *cursor);
		assert_true(*nseen < max);
		memcpy(seen[(*nseen)++], r[i].id, STORE_ID_LEN + 1);
	}
	if (n > 0)
		assert_int_equal(next, r[n - 1].seq);
	*cursor = next;
	store_records_free(r, n);
	return n;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
test_inbox_concurrent(void **state)
{
	struct fx *f = *state;
	struct ic_arg *a;
	pthread_t th[IC_WRITERS], staller;
	char (*seen)[STORE_ID_LEN + 1], (*all)[STORE_ID_LEN + 1];
	size_t nseen = 0, total = IC_WRITERS * IC_PUTS, i;
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	int64_t cursor = 0;
	int w, ndone = 0;

	assert_non_null(a = calloc(IC_WRITERS, sizeof(*a)));
	assert_non_null(seen = calloc(total + 1, sizeof(*seen)));
	assert_non_null(all = calloc(total, sizeof(*all)));
	if (tb->stall != NULL)
		assert_int_equal(pthread_create(&staller, NULL, tb->stall,
		    f->url), 0);
	for (w = 0; w < IC_WRITERS; w++) {
		a[w].url = f->url;
		a[w].mu = &mu;
		a[w].ndone = &ndone;
		assert_int_equal(pthread_create(&th[w], NULL, ic_writer, &a[w]),
		    0);
	}
	/* Page as they write, then drain. */
	while (!ic_all_done(&mu, &ndone))
		ic_page(f->st, &cursor, seen, &nseen, total + 1);
	for (w = 0; w < IC_WRITERS; w++) {
		pthread_join(th[w], NULL);
		assert_int_equal(a[w].failed, 0);
		memcpy(all[w * IC_PUTS], a[w].ids, sizeof(a[w].ids));
	}
	if (tb->stall != NULL)
		pthread_join(staller, NULL);
	while (ic_page(f->st, &cursor, seen, &nseen, total + 1) > 0)
		;
	/* Exactly the records written, each once. */
	assert_int_equal(nseen, total);
	qsort(seen, nseen, sizeof(*seen), id_cmp);
	qsort(all, total, sizeof(*all), id_cmp);
	for (i = 0; i < total; i++)
		assert_string_equal(seen[i], all[i]);
	free(a);
	free(seen);
	free(all);
}

/* Every column any backend may store. Adding one is a design decision. */
static const char *const allowed_columns[] = {
	"bookings.booking_id", "bookings.cancel_hash", "bookings.created",
	"bookings.dealer", "bookings.model", "bookings.reason",
	"bookings.slot_start", "bookings.status",
	"calendar.cars", "calendar.closed", "calendar.day", "calendar.dealer",
	"calendar.model",
	"counters.name", "counters.value",
	"idem.hash", "idem.record_id",
	"nonces.expires_at", "nonces.key_id", "nonces.nonce",
	"notice_state.attempts", "notice_state.key_id", "notice_state.next_at",
	"notices.created", "notices.key_id", "notices.kind", "notices.record_id",
	"notices.seq",
	"records.created", "records.ct", "records.enc", "records.id",
	"records.key_id", "records.kind", "records.seq",
	"schema_version.version",
	"slots.booked", "slots.capacity", "slots.dealer", "slots.model",
	"slots.slot_start",
};
#define NALLOWED	(sizeof(allowed_columns) / sizeof(allowed_columns[0]))

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_columns(void **state)
{
	struct fx *f = *state;
	struct store_err e;
	struct trec t;
	char **cols;
	size_t n, i;

	EXPECT(store_columns(f->st, &cols, &n, &e), STORE_OK, &e);
	qsort(cols, n, sizeof(*cols), strp_cmp);
	for (i = 0; i < n; i++)
		if (i >= NALLOWED || strcmp(cols[i], allowed_columns[i]) != 0)
			fprintf(stderr, "    column %s not in the allow-list\n",
			    cols[i]);
	assert_int_equal(n, NALLOWED);
	for (i = 0; i < n; i++)
		assert_string_equal(cols[i], allowed_columns[i]);
	store_columns_free(cols, n);

	if (tb->raw_checks == NULL)
		return;
	trec_init(&t, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	EXPECT(store_put(f->st, &t.r, NULL, NULL, &e), STORE_OK, &e);
	tb->raw_checks(f->url, t.r.id, t.ct, t.r.ct_len);
}

static void
test_counters_fresh(void **state)
{
	struct fx *f = *state;
	struct store_counters c;
	struct store_err e;
	int k;

	EXPECT(store_counters(f->st, &c, &e), STORE_OK, &e);
	for (k = 0; k <= STORE_KIND_MAX; k++)
		assert_int_equal(c.stored[k], 0);
	assert_int_equal(c.acked + c.expired + c.cancelled, 0);
}

/* The value of day DAY's counter NAME in v[0..n), or 0. */
static uint64_t
count_of(const struct store_count *v, size_t n, const char *day, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].day, day) == 0 && strcmp(v[i].name, name) == 0)
			return v[i].value;
	return 0;
}

static void
count_set(struct store_count *c, const char *day, const char *name, uint64_t v)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->day, sizeof(c->day), "%s", day);
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->value = v;
}

/* Daily counts the store keeps itself, in the transaction of what they count. */
static void
test_counts_store_daily(void **state)
{
	struct fx *f = *state;
	struct store_count *v;
	struct store_err e;
	struct trec a, b, d, x, old;
	const char *hq[] = { KEY_HQ };
	const char *ids[1];
	char day[11], today[11], oldday[11];
	uint64_t n64;
	size_t n;

	jtime_date((time_t)NOW, 0, day);
	jtime_date(time(NULL), 0, today);
	trec_init(&a, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	trec_init(&b, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	trec_drive(&d, KEY_D1, "d1", "m1", "2030-04-01T10:00", NOW);
	trec_init(&x, STORE_KIND_CANCELLATION, KEY_D1, NOW);
	EXPECT(store_put(f->st, &a.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_put(f->st, &b.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &d.r, 2, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_cancel(f->st, d.r.cancel_hash, &x.r, &e), STORE_OK, &e);
	ids[0] = a.r.id;
	EXPECT(store_ack(f->st, hq, 1, ids, 1, &n64, &e), STORE_OK, &e);
	EXPECT(store_counts_get(f->st, day, day, &v, &n, &e), STORE_OK, &e);
	assert_int_equal(count_of(v, n, day, "stored.catalog_request"), 2);
	assert_int_equal(count_of(v, n, day, "stored.test_drive"), 1);
	assert_int_equal(count_of(v, n, day, "stored.cancellation"), 1);
	assert_int_equal(count_of(v, n, day, "cancelled"), 1);
	free(v);
	/* acknowledged today, whatever the record's age */
	EXPECT(store_counts_get(f->st, today, today, &v, &n, &e), STORE_OK, &e);
	assert_int_equal(count_of(v, n, today, "acked"), 1);
	free(v);
	/* expired on the day of the expiry run */
	trec_init(&old, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW - 90 * 86400);
	jtime_date((time_t)(NOW - 90 * 86400), 0, oldday);
	EXPECT(store_put(f->st, &old.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_expire(f->st, 30 * 86400, NOW, &n64, &e), STORE_OK, &e);
	assert_int_equal(n64, 1);
	EXPECT(store_counts_get(f->st, oldday, day, &v, &n, &e), STORE_OK, &e);
	assert_int_equal(count_of(v, n, day, "expired"), 1);
	assert_int_equal(count_of(v, n, oldday, "stored.catalog_request"), 1);
	free(v);
}

/* Counts added from outside (the web tier's traffic), summed per day and name. */
static void
test_counts_add_get(void **state)
{
	struct fx *f = *state;
	struct store_count c[5], *v;
	struct store_err e;
	uint64_t n64;
	size_t n, i;

	count_set(&c[0], "2030-03-16", "page.model.ja", 3);
	count_set(&c[1], "2030-03-17", "page.model.ja", 2);
	count_set(&c[2], "2030-03-17", "page.model.ja", 5);
	count_set(&c[3], "2030-03-17", "pdf.kurumi.en", 1);
	count_set(&c[4], "2030-03-18", "status.5xx", 7);
	EXPECT(store_counts_add(f->st, c, 5, &e), STORE_OK, &e);
	EXPECT(store_counts_add(f->st, c, 2, &e), STORE_OK, &e);
	EXPECT(store_counts_add(f->st, c, 0, &e), STORE_OK, &e);
	/* one day: that day's rows only, sorted, summed */
	EXPECT(store_counts_get(f->st, "2030-03-17", "2030-03-17", &v, &n, &e), STORE_OK,
	    &e);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "page.model.ja");
	assert_int_equal(v[0].value, 9);
	assert_string_equal(v[1].name, "pdf.kurumi.en");
	assert_int_equal(v[1].value, 1);
	free(v);
	/* a range includes both ends */
	EXPECT(store_counts_get(f->st, "2030-03-16", "2030-03-18", &v, &n, &e), STORE_OK,
	    &e);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].day, "2030-03-16");
	assert_int_equal(v[0].value, 6);
	assert_string_equal(v[3].day, "2030-03-18");
	assert_int_equal(count_of(v, n, "2030-03-18", "status.5xx"), 7);
	for (i = 1; i < n; i++)
		assert_true(strcmp(v[i - 1].day, v[i].day) <= 0);
	free(v);
	EXPECT(store_counts_get(f->st, "2030-03-19", "2030-04-30", &v, &n, &e), STORE_OK,
	    &e);
	assert_int_equal(n, 0);
	free(v);
	/* names and days are checked: nothing that could carry an identifier */
	count_set(&c[0], "2030-03-17", "page.Model", 1);
	EXPECT(store_counts_add(f->st, c, 1, &e), STORE_ERR, &e);
	count_set(&c[0], "2030-03-17", "ip/127.0.0.1", 1);
	EXPECT(store_counts_add(f->st, c, 1, &e), STORE_ERR, &e);
	count_set(&c[0], "2030-03-17", "a@b", 1);
	EXPECT(store_counts_add(f->st, c, 1, &e), STORE_ERR, &e);
	count_set(&c[0], "2030-03-17", "", 1);
	EXPECT(store_counts_add(f->st, c, 1, &e), STORE_ERR, &e);
	count_set(&c[0], "2030-13-17", "x", 1);
	EXPECT(store_counts_add(f->st, c, 1, &e), STORE_ERR, &e);
	memset(c[0].name, 'a', STORE_COUNT_NAME_MAX);
	c[0].name[STORE_COUNT_NAME_MAX] = '\0';
	snprintf(c[0].day, sizeof(c[0].day), "2030-03-17");
	EXPECT(store_counts_add(f->st, c, 1, &e), STORE_OK, &e);
	EXPECT(store_counts_get(f->st, "2030-03-18", "2030-03-17", &v, &n, &e), STORE_ERR,
	    &e);
	/* days older than STORE_COUNT_KEEP_DAYS go with the expiry run */
	count_set(&c[0], "2029-01-01", "page.home.ja", 4);
	EXPECT(store_counts_add(f->st, c, 1, &e), STORE_OK, &e);
	EXPECT(store_expire(f->st, 86400, NOW, &n64, &e), STORE_OK, &e);
	EXPECT(store_counts_get(f->st, "2029-01-01", "2030-03-18", &v, &n, &e), STORE_OK,
	    &e);
	assert_int_equal(count_of(v, n, "2029-01-01", "page.home.ja"), 0);
	assert_int_equal(count_of(v, n, "2030-03-16", "page.model.ja"), 6);
	free(v);
}

#define FL_THREADS	4
#define FL_CALLS	25

struct fl_arg {
	const char	*url;
	int		 failed;
};

static void *
fl_flusher(void *arg)
{
	struct fl_arg *a = arg;
	struct store_count c[12];
	struct store_err e;
	struct store *st;
	char name[32];
	int i, k;

	if (store_open(&st, a->url, &e) != STORE_OK) {
		a->failed = 1;
		return NULL;
	}
	for (i = 0; i < FL_CALLS; i++) {
		for (k = 0; k < 12; k++) {
			snprintf(name, sizeof(name), "page.c%d.ja", (k * 7 + i) % 12);
			count_set(&c[k], "2030-03-17", name, 1);
		}
		if (store_counts_add(st, c, 12, &e) != STORE_OK) {
			fprintf(stderr, "    counts_add: %s\n", e.msg);
			a->failed = 1;
		}
	}
	store_close(st);
	return NULL;
}

/* Nodes flushing the same names at once neither fail nor lose a count. */
static void
test_counts_concurrent(void **state)
{
	struct fx *f = *state;
	struct fl_arg a[FL_THREADS];
	pthread_t th[FL_THREADS];
	struct store_count *v;
	struct store_err e;
	size_t n, i;
	int t;

	for (t = 0; t < FL_THREADS; t++) {
		a[t].url = f->url;
		a[t].failed = 0;
		assert_int_equal(pthread_create(&th[t], NULL, fl_flusher, &a[t]), 0);
	}
	for (t = 0; t < FL_THREADS; t++) {
		pthread_join(th[t], NULL);
		assert_int_equal(a[t].failed, 0);
	}
	EXPECT(store_counts_get(f->st, "2030-03-17", "2030-03-17", &v, &n, &e), STORE_OK,
	    &e);
	assert_int_equal(n, 12);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i].value, FL_THREADS * FL_CALLS);
	free(v);
}

/* What is held now, counted: by kind and recipient, the oldest, bookings ahead, the
 * notices waiting in the outbox. */
static void
test_holdings(void **state)
{
	struct fx *f = *state;
	struct store_holdings h;
	struct store_err e;
	struct trec c1, c2, d1, d2, d3, past;
	const char *hq[] = { KEY_HQ };
	const char *ids[1];
	struct nsend s;
	uint64_t n64;
	int i;

	EXPECT(store_holdings(f->st, "2030-03-17", &h, &e), STORE_OK, &e);
	assert_int_equal(h.nheld + h.nahead + h.records, 0);
	assert_int_equal(h.oldest, 0);
	assert_int_equal(h.outbox_backlog, 0);	/* every backend keeps an outbox */
	store_holdings_free(&h);

	trec_init(&c1, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW - 100);
	trec_init(&c2, STORE_KIND_CATALOG_REQUEST, KEY_HQ, NOW);
	trec_drive(&d1, KEY_D1, "d1", "m1", "2030-03-20T10:00", NOW - 50);
	trec_drive(&d2, KEY_D1, "d1", "m1", "2030-03-20T11:00", NOW);
	trec_drive(&d3, KEY_D2, "d2", "m1", "2030-03-21T10:00", NOW);
	trec_drive(&past, KEY_D2, "d2", "m1", "2030-03-10T10:00", NOW - 30);
	EXPECT(store_put(f->st, &c1.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_put(f->st, &c2.r, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &d1.r, 2, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &d2.r, 2, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &d3.r, 2, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_book(f->st, &past.r, 2, NULL, NULL, &e), STORE_OK, &e);
	EXPECT(store_holdings(f->st, "2030-03-17", &h, &e), STORE_OK, &e);
	assert_int_equal(h.nheld, 3);
	assert_int_equal(h.held[0].kind, STORE_KIND_CATALOG_REQUEST);
	assert_string_equal(h.held[0].key_id, KEY_HQ);
	assert_int_equal(h.held[0].records, 2);
	assert_int_equal(h.held[0].oldest, NOW - 100);
	assert_int_equal(h.held[1].kind, STORE_KIND_TEST_DRIVE);
	assert_string_equal(h.held[1].key_id, KEY_D1);
	assert_int_equal(h.held[1].records, 2);
	assert_string_equal(h.held[2].key_id, KEY_D2);
	assert_int_equal(h.held[2].records, 2);
	assert_int_equal(h.records, 6);
	assert_int_equal(h.oldest, NOW - 100);
	/* bookings from the day on: the past one is not ahead */
	assert_int_equal(h.nahead, 2);
	assert_string_equal(h.ahead[0].day, "2030-03-20");
	assert_string_equal(h.ahead[0].dealer, "d1");
	assert_int_equal(h.ahead[0].bookings, 2);
	assert_string_equal(h.ahead[1].day, "2030-03-21");
	assert_string_equal(h.ahead[1].dealer, "d2");
	assert_int_equal(h.ahead[1].bookings, 1);
	assert_int_equal(h.outbox_backlog, 6);	/* one notice row per record stored */
	store_holdings_free(&h);
	/* acknowledged: no longer held, nor its notice; the booking stays ahead (the
	 * visitor comes) */
	ids[0] = c1.r.id;
	EXPECT(store_ack(f->st, hq, 1, ids, 1, &n64, &e), STORE_OK, &e);
	EXPECT(store_holdings(f->st, "2030-03-17", &h, &e), STORE_OK, &e);
	assert_int_equal(h.held[0].records, 1);
	assert_int_equal(h.held[0].oldest, NOW);
	assert_int_equal(h.records, 5);
	assert_int_equal(h.oldest, NOW - 50);
	assert_int_equal(h.outbox_backlog, 5);
	store_holdings_free(&h);
	/* declined: its place is free, so it is no longer a booking ahead */
	EXPECT(store_booking_decide(f->st, "d1", d2.r.id, STORE_BOOKING_DECLINED, "closed",
	    NULL, &e), STORE_OK, &e);
	EXPECT(store_holdings(f->st, "2030-03-17", &h, &e), STORE_OK, &e);
	assert_int_equal(h.nahead, 2);
	assert_string_equal(h.ahead[0].dealer, "d1");
	assert_int_equal(h.ahead[0].bookings, 1);
	store_holdings_free(&h);
	/* notices sent: the outbox is empty, the records are still held */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 10 && nnext(f->st, NOW, &s, STORE_NOTICE_SENT) == STORE_OK; i++)
		;
	assert_int_equal(s.n, 3);	/* one per recipient */
	EXPECT(store_holdings(f->st, "2030-03-17", &h, &e), STORE_OK, &e);
	assert_int_equal(h.outbox_backlog, 0);
	assert_int_equal(h.records, 5);
	store_holdings_free(&h);
	EXPECT(store_holdings(f->st, "17-03-2030", &h, &e), STORE_ERR, &e);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_ids_ordered),
		cmocka_unit_test(test_open_urls),
		T(test_counters_fresh),
		T(test_validation),
		T(test_put_roundtrip),
		T(test_idempotency),
		T(test_capacity),
		T(test_capacity_concurrent),
		T(test_idempotency_concurrent),
		T(test_batch_isolation),
		T(test_cancel),
		T(test_booking_held),
		T(test_cancel_hash_conflict),
		T(test_calendar_close),
		T(test_calendar_cars),
		T(test_decide),
		T(test_notices),
		T(test_notices_senders),
		T(test_inbox_paging),
		T(test_inbox_concurrent),
		T(test_ack_own_only),
		T(test_expire),
		T(test_nonce),
		T(test_schema_refusal),
		T(test_durability),
		cmocka_unit_test(test_open_concurrent),
		T(test_columns),
		T(test_counts_store_daily),
		T(test_counts_add_get),
		T(test_counts_concurrent),
		T(test_holdings),
	};
	const struct backend *run[sizeof(backends) / sizeof(backends[0])];
	struct store_err e;
	struct store *st;
	char *url, name[64];
	size_t i, nrun = 0;
	int fails = 0, rc;

	if (sodium_init() < 0)
		return 1;
	/* First say which backends run, so that cmocka's lines come last. */
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		tb = &backends[i];
		if (tb->env != NULL && getenv(tb->env) == NULL) {
			fprintf(stderr, "store/%s: %s not set, skipped\n",
			    tb->name, tb->env);
			continue;
		}
		/* A backend that is configured must run: no silent skip. */
		if ((url = tb->fresh()) == NULL) {
			fprintf(stderr, "store/%s: cannot make a fresh store\n",
			    tb->name);
			return 1;
		}
		rc = store_open(&st, url, &e);
		store_close(rc == STORE_OK ? st : NULL);
		tb->cleanup(url);
		free(url);
		if (rc != STORE_OK) {
			fprintf(stderr, "store/%s: %s\n", tb->name, e.msg);
			return 1;
		}
		run[nrun++] = tb;
	}
	for (i = 0; i < nrun; i++) {
		tb = run[i];
		snprintf(name, sizeof(name), "store/%s", tb->name);
		fails += cmocka_run_group_tests_name(name, tests, NULL, NULL);
	}
	return fails;
}
