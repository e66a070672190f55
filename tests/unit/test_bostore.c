/*
 * The back-office store's retention rule (bostore_purge). A dealer acknowledges a booking
 * when it is pulled, often weeks before the drive: the booking must outlive the purge
 * window until its slot has passed too, and so must the booking files exported with it.
 * Also: records an export set aside, and stores made before that column existed or before
 * the office's marks did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "lib/fsutil.h"
#include "showroom/office/bostore.h"
#include "testsrv.h"

#define KEY	"dl-0123456789abcdef"
#define ACKED	1000000000	/* 2001-09-09: long before any cutoff used here */

struct fx {
	char		 dir[256];
	struct bostore	*s;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	if (f == NULL || testsrv_tmpname(f->dir, sizeof(f->dir), "test-bostore") == -1 ||
	    mkdtemp(f->dir) == NULL || bostore_open(f->dir, &f->s, err,
	    sizeof(err)) == -1) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	bostore_close(f->s);
	fs_remove_tree(f->dir);
	free(f);
	return 0;
}

static void
put(struct fx *f, const char *id, const char *kind, const char *slot)
{
	static unsigned char ct[48];
	static int64_t seq;
	struct bostore_rec r;
	char err[256];
	int added;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.key_id, sizeof(r.key_id), "%s", KEY);
	r.created = ACKED;
	r.ct = ct;
	r.ct_len = sizeof(ct);
	if (slot != NULL) {
		snprintf(r.slot_dealer, sizeof(r.slot_dealer), "tokyo-sora");
		snprintf(r.slot_model, sizeof(r.slot_model), "sorane");
		snprintf(r.slot_start, sizeof(r.slot_start), "%s", slot);
	}
	r.seq = ++seq;
	r.pulled_at = ACKED;
	assert_int_equal(bostore_put(f->s, &r, &added, err, sizeof(err)), 0);
	assert_true(added);
}

/* One file made from the records IDS (NULL-terminated). */
static void
export_file(struct fx *f, const char *const *ids, const char *path)
{
	char err[256];
	int64_t batch;

	assert_int_equal(bostore_batch_new(f->s, &batch, err, sizeof(err)), 0);
	for (; *ids != NULL; ids++)
		assert_int_equal(bostore_mark_exported(f->s, *ids, batch, ACKED, err,
		    sizeof(err)), 0);
	assert_int_equal(bostore_export_add(f->s, batch, path, "csv", "00", ACKED, err,
	    sizeof(err)), 0);
}

static int
seen_file(void *arg, const char *path)
{
	char *seen = arg;

	strncat(seen, path, 200);
	strncat(seen, ";", 2);
	return 0;
}

static size_t
open_records(struct fx *f)
{
	struct bostore_rec *recs;
	char err[256];
	size_t n;

	assert_int_equal(bostore_list(f->s, KEY, NULL, BOSTORE_ALL, &recs, &n, err,
	    sizeof(err)), 0);
	bostore_recs_free(recs, n);
	return n;
}

static void
test_purge_keeps_bookings_until_their_slot(void **state)
{
	struct fx *f = *state;
	size_t nrecs, nkept, nfiles, nfailed;
	char err[256], seen[1024] = "";

	const char *labels[] = { "request-old", NULL };
	const char *day1[] = { "drive-future", "cancel", NULL };
	const char *day2[] = { "drive-future", "drive-past", NULL };

	put(f, "request-old", "catalog_request", NULL);
	put(f, "drive-past", "test_drive", "2001-09-20T10:00");
	put(f, "drive-future", "test_drive", "2099-06-01T10:00");
	put(f, "cancel", "cancellation", NULL);	/* the server sends no slot with these */
	put(f, "drive-open", "test_drive", "2001-09-20T11:00");
	export_file(f, labels, "/nonexistent/labels.csv");
	/* the same booking in two day lists: the first file must stay as well */
	export_file(f, day1, "/nonexistent/day-1.csv");
	export_file(f, day2, "/nonexistent/day-2.csv");
	{
		const char *acked[] = { "request-old", "drive-past", "drive-future",
		    "cancel" };
		size_t i;

		for (i = 0; i < 4; i++)
			assert_int_equal(bostore_mark_acked(f->s, KEY, acked[i], ACKED, err,
			    sizeof(err)), 0);
	}
	assert_int_equal(bostore_exports_settle(f->s, ACKED, err, sizeof(err)), 0);

	/* 14 days after the acknowledgements, long after 2001: the booking for 2099 stays,
	 * with the files made from it, and so does the cancellation (it may be this booking's:
	 * only opening it would tell); the unacknowledged stays */
	if (bostore_purge(f->s, ACKED + 14 * 86400 + 86400 * 365, seen_file, seen,
	    &nrecs, &nkept, &nfiles, &nfailed, err, sizeof(err)) != 0)
		fail_msg("purge: %s", err);
	assert_int_equal(nrecs, 2);	/* request-old, drive-past */
	assert_int_equal(nkept, 2);	/* drive-future, cancel */
	assert_int_equal(nfiles, 1);
	assert_int_equal(nfailed, 0);
	assert_string_equal(seen, "/nonexistent/labels.csv;");
	assert_int_equal(open_records(f), 3);	/* drive-future, cancel, drive-open */

	/* once the slot is N days past, they go too */
	seen[0] = '\0';
	if (bostore_purge(f->s, 4100000000LL, seen_file, seen, &nrecs, &nkept, &nfiles,
	    &nfailed, err, sizeof(err)) != 0)	/* 2099-12-02 */
		fail_msg("purge: %s", err);
	assert_int_equal(nrecs, 2);
	assert_int_equal(nkept, 0);
	assert_int_equal(nfiles, 2);
	assert_string_equal(seen, "/nonexistent/day-1.csv;/nonexistent/day-2.csv;");
	assert_int_equal(open_records(f), 1);	/* never acknowledged: never purged */
}

static size_t
count_sel(struct fx *f, enum bostore_sel sel, int64_t *aside_at)
{
	struct bostore_rec *recs;
	char err[256];
	size_t n;

	assert_int_equal(bostore_list(f->s, KEY, "catalog_request", sel, &recs, &n, err,
	    sizeof(err)), 0);
	if (aside_at != NULL)
		*aside_at = n > 0 ? recs[0].aside_at : -1;
	bostore_recs_free(recs, n);
	return n;
}

/* Set aside is not exported: ack leaves it, and exporting it later clears the mark. */
static void
test_set_aside(void **state)
{
	struct fx *f = *state;
	char err[256];
	int64_t at, batch;

	put(f, "req-a", "catalog_request", NULL);
	put(f, "req-b", "catalog_request", NULL);
	assert_int_equal(count_sel(f, BOSTORE_SET_ASIDE, NULL), 0);
	assert_int_equal(bostore_mark_aside(f->s, "req-a", ACKED + 5, err, sizeof(err)), 0);
	assert_int_equal(count_sel(f, BOSTORE_SET_ASIDE, &at), 1);
	assert_int_equal(at, ACKED + 5);
	assert_int_equal(count_sel(f, BOSTORE_NOT_EXPORTED, NULL), 2);
	assert_int_equal(count_sel(f, BOSTORE_EXPORTED_UNACKED, NULL), 0);
	assert_int_equal(bostore_batch_new(f->s, &batch, err, sizeof(err)), 0);
	assert_int_equal(bostore_mark_exported(f->s, "req-a", batch, ACKED + 6, err,
	    sizeof(err)), 0);
	assert_int_equal(count_sel(f, BOSTORE_SET_ASIDE, NULL), 0);
	assert_int_equal(count_sel(f, BOSTORE_EXPORTED_UNACKED, &at), 1);
	assert_int_equal(at, 0);
}

/* A store made before records.aside_at existed is brought up to date on opening. */
static void
test_older_store(void **state)
{
	struct fx *f = *state;
	char dir[300], path[320], err[256];
	sqlite3 *db;

	snprintf(dir, sizeof(dir), "%s/old", f->dir);
	assert_int_equal(fs_mkdirs(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, BOSTORE_FILE);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE records("
	    " id TEXT PRIMARY KEY, kind TEXT NOT NULL, key_id TEXT NOT NULL,"
	    " created INTEGER NOT NULL, enc BLOB NOT NULL, ct BLOB NOT NULL,"
	    " slot_dealer TEXT, slot_model TEXT, slot_start TEXT, seq INTEGER,"
	    " pulled_at INTEGER NOT NULL, exported_at INTEGER, export_batch INTEGER,"
	    " acked_at INTEGER);"
	    "INSERT INTO records(id, kind, key_id, created, enc, ct, pulled_at)"
	    " VALUES ('req-old', 'catalog_request', '" KEY "', 1, x'00', x'00', 1);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	bostore_close(f->s);
	if (bostore_open(dir, &f->s, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(count_sel(f, BOSTORE_NOT_EXPORTED, NULL), 1);
	assert_int_equal(bostore_mark_aside(f->s, "req-old", ACKED, err, sizeof(err)), 0);
	assert_int_equal(count_sel(f, BOSTORE_SET_ASIDE, NULL), 1);
	bostore_close(f->s);
	/* and opened again, it is left as it is */
	if (bostore_open(dir, &f->s, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(count_sel(f, BOSTORE_SET_ASIDE, NULL), 1);
}

/* A store file made by SQL (the schema of an older version), opened as F's store. */
static void
reopen_from_sql(struct fx *f, const char *name, const char *sql)
{
	char dir[300], path[320], err[256];
	sqlite3 *db;

	snprintf(dir, sizeof(dir), "%s/%s", f->dir, name);
	assert_int_equal(fs_mkdirs(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, BOSTORE_FILE);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	bostore_close(f->s);
	if (bostore_open(dir, &f->s, err, sizeof(err)) == -1)
		fail_msg("%s", err);
}

static struct bostore_rec
get_rec(struct fx *f, const char *id)
{
	struct bostore_rec r;
	char err[256];
	int found;

	assert_int_equal(bostore_get(f->s, KEY, id, &r, &found, err, sizeof(err)), 0);
	assert_true(found);
	free(r.ct);
	return r;
}

#define RECORDS_V1 \
	"CREATE TABLE records(" \
	" id TEXT PRIMARY KEY, kind TEXT NOT NULL, key_id TEXT NOT NULL," \
	" created INTEGER NOT NULL, enc BLOB NOT NULL, ct BLOB NOT NULL," \
	" slot_dealer TEXT, slot_model TEXT, slot_start TEXT, seq INTEGER," \
	" pulled_at INTEGER NOT NULL, exported_at INTEGER, export_batch INTEGER," \
	" acked_at INTEGER"

/* A store the office made before the set-aside column: its marks (seen, kept longer)
 * survive, and records gain aside_at. */
static void
test_older_office_store(void **state)
{
	struct fx *f = *state;
	struct bostore_rec r;
	char err[256];

	reopen_from_sql(f, "office", RECORDS_V1 ");"
	    "CREATE TABLE marks(id TEXT PRIMARY KEY, seen_at INTEGER, keep_until INTEGER);"
	    "INSERT INTO records(id, kind, key_id, created, enc, ct, pulled_at)"
	    " VALUES ('req-seen', 'catalog_request', '" KEY "', 1, x'00', x'00', 1),"
	    " ('req-new', 'catalog_request', '" KEY "', 2, x'00', x'00', 1);"
	    "INSERT INTO marks VALUES ('req-seen', 77, 88);");
	r = get_rec(f, "req-seen");
	assert_int_equal(r.seen_at, 77);
	assert_int_equal(r.keep_until, 88);
	assert_int_equal(r.aside_at, 0);
	assert_int_equal(count_sel(f, BOSTORE_NOT_EXPORTED, NULL), 2);
	assert_int_equal(bostore_mark_aside(f->s, "req-new", ACKED, err, sizeof(err)), 0);
	assert_int_equal(count_sel(f, BOSTORE_SET_ASIDE, NULL), 1);
	assert_int_equal(get_rec(f, "req-new").aside_at, ACKED);
	assert_int_equal(get_rec(f, "req-seen").seen_at, 77);
}

/* A store the commands made with the set-aside column and before the office's marks:
 * what was set aside stays so, and the office can mark records. */
static void
test_older_aside_store(void **state)
{
	struct fx *f = *state;
	struct bostore_q q;
	char err[256];
	size_t n;

	reopen_from_sql(f, "aside", RECORDS_V1 ", aside_at INTEGER);"
	    "INSERT INTO records(id, kind, key_id, created, enc, ct, pulled_at, aside_at)"
	    " VALUES ('req-aside', 'catalog_request', '" KEY "', 1, x'00', x'00', 1, 55),"
	    " ('req-done', 'catalog_request', '" KEY "', 2, x'00', x'00', 1, NULL);"
	    "UPDATE records SET exported_at = 60 WHERE id = 'req-done';");
	assert_int_equal(count_sel(f, BOSTORE_SET_ASIDE, NULL), 1);
	assert_int_equal(count_sel(f, BOSTORE_HANDLED, NULL), 1);
	assert_int_equal(get_rec(f, "req-aside").aside_at, 55);
	assert_int_equal(bostore_mark_seen(f->s, "req-aside", 99, err, sizeof(err)), 0);
	assert_int_equal(get_rec(f, "req-aside").seen_at, 99);
	memset(&q, 0, sizeof(q));
	q.key_id = KEY;
	q.kind = "catalog_request";
	q.sel = BOSTORE_SET_ASIDE;
	assert_int_equal(bostore_count(f->s, &q, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	q.unseen = 1;
	assert_int_equal(bostore_count(f->s, &q, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_purge_keeps_bookings_until_their_slot,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_office_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_older_aside_store, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
