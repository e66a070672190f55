/* The back-office store on SQLite; see bostore.h. */
#include "showroom/office/bostore.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"

struct bostore {
	sqlite3	*db;
};

static const char bostore_schema[] =
	"CREATE TABLE IF NOT EXISTS records("
	" id TEXT PRIMARY KEY, kind TEXT NOT NULL, key_id TEXT NOT NULL,"
	" created INTEGER NOT NULL, enc BLOB NOT NULL, ct BLOB NOT NULL,"
	" slot_dealer TEXT, slot_model TEXT, slot_start TEXT, seq INTEGER,"
	" pulled_at INTEGER NOT NULL, exported_at INTEGER, export_batch INTEGER,"
	" acked_at INTEGER, aside_at INTEGER);"
	"CREATE INDEX IF NOT EXISTS records_key ON records(key_id, kind, created);"
	"CREATE TABLE IF NOT EXISTS cursors(key_id TEXT PRIMARY KEY,"
	" after INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS exports(id INTEGER PRIMARY KEY, batch INTEGER NOT NULL,"
	" path TEXT NOT NULL, format TEXT NOT NULL, sha256 TEXT NOT NULL,"
	" created INTEGER NOT NULL, acked_at INTEGER);"
	"CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	/* Which records went into which batch of files: a record exported again keeps only
	 * its latest batch in records.export_batch. */
	"CREATE TABLE IF NOT EXISTS export_items(batch INTEGER NOT NULL, record_id TEXT NOT NULL,"
	" PRIMARY KEY (batch, record_id)) WITHOUT ROWID;"
	/* The office's own marks, apart so that a store of an older version needs no
	 * migration: opened in the office, kept past the purge, the dealer's last decision
	 * (confirm or decline, and its reason) sent from here. */
	"CREATE TABLE IF NOT EXISTS marks(id TEXT PRIMARY KEY, seen_at INTEGER,"
	" keep_until INTEGER, decision TEXT, reason TEXT);"
	"CREATE INDEX IF NOT EXISTS records_slot ON records(key_id, slot_start);";

static int
bs_fail(struct bostore *s, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "back-office store: %s: %s", what,
	    s != NULL && s->db != NULL ? sqlite3_errmsg(s->db) : "error");
	return -1;
}

static int
bs_exec(struct bostore *s, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return bs_fail(s, sql, err, errlen);
	return 0;
}

static sqlite3_stmt *
bs_prep(struct bostore *s, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		bs_fail(s, "prepare", err, errlen);
		return NULL;
	}
	return st;
}

/* Stores made before a column existed get it: CREATE TABLE IF NOT EXISTS leaves an
 * existing table as it was. */
static int
bs_add_column(struct bostore *s, const char *table, const char *column, const char *type,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char sql[160];
	int rc, found = 0;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM pragma_table_info('%s') WHERE name = ?",
	    table);
	if ((st = bs_prep(s, sql, err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, column, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found = 1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_fail(s, "reading the schema", err, errlen);
	if (found)
		return 0;
	snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN %s %s", table, column, type);
	return bs_exec(s, sql, err, errlen);
}

int
bostore_open(const char *dir, struct bostore **sp, char *err, size_t errlen)
{
	struct bostore *s;
	char *path = NULL;
	int fd;

	*sp = NULL;
	if (fs_mkdirs(dir, 0700) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	(void)chmod(dir, 0700);
	if ((path = fs_join(dir, BOSTORE_FILE)) == NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		free(path);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* created 0600 before SQLite sees it; the -wal and -shm files take its mode */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		free(s);
		return -1;
	}
	(void)fchmod(fd, 0600);
	close(fd);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
	    NULL) != SQLITE_OK) {
		bs_fail(s, path, err, errlen);
		free(path);
		bostore_close(s);
		return -1;
	}
	free(path);
	sqlite3_busy_timeout(s->db, 10000);
	if (bs_exec(s, "PRAGMA journal_mode=WAL", err, errlen) == -1 ||
	    bs_exec(s, "PRAGMA synchronous=FULL", err, errlen) == -1 ||
	    bs_exec(s, "PRAGMA secure_delete=ON", err, errlen) == -1 ||
	    bs_exec(s, "PRAGMA foreign_keys=ON", err, errlen) == -1 ||
	    bs_exec(s, bostore_schema, err, errlen) == -1 ||
	    bs_add_column(s, "records", "aside_at", "INTEGER", err, errlen) == -1 ||
	    bs_add_column(s, "marks", "decision", "TEXT", err, errlen) == -1 ||
	    bs_add_column(s, "marks", "reason", "TEXT", err, errlen) == -1) {
		bostore_close(s);
		return -1;
	}
	*sp = s;
	return 0;
}

void
bostore_close(struct bostore *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

int
bostore_begin(struct bostore *s, char *err, size_t errlen)
{
	return bs_exec(s, "BEGIN IMMEDIATE", err, errlen);
}

int
bostore_commit(struct bostore *s, char *err, size_t errlen)
{
	return bs_exec(s, "COMMIT", err, errlen);
}

void
bostore_rollback(struct bostore *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
bs_bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

int
bostore_put(struct bostore *s, const struct bostore_rec *r, int *added, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	st = bs_prep(s, "INSERT OR IGNORE INTO records(id, kind, key_id, created, enc, ct,"
	    " slot_dealer, slot_model, slot_start, seq, pulled_at)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?,?)", err, errlen);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->created);
	sqlite3_bind_blob(st, 5, r->enc, sizeof(r->enc), SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, r->ct, (int)r->ct_len, SQLITE_STATIC);
	bs_bind_opt(st, 7, r->slot_dealer);
	bs_bind_opt(st, 8, r->slot_model);
	bs_bind_opt(st, 9, r->slot_start);
	sqlite3_bind_int64(st, 10, r->seq);
	sqlite3_bind_int64(st, 11, r->pulled_at);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_fail(s, "storing a record", err, errlen);
	*added = sqlite3_changes(s->db) > 0;
	return 0;
}

int
bostore_cursor_get(struct bostore *s, const char *key_id, int64_t *after, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	*after = 0;
	if ((st = bs_prep(s, "SELECT after FROM cursors WHERE key_id = ?", err, errlen)) ==
	    NULL)
		return -1;
	sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*after = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_fail(s, "reading the cursor", err, errlen);
	return 0;
}

int
bostore_cursor_set(struct bostore *s, const char *key_id, int64_t after, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = bs_prep(s, "INSERT INTO cursors(key_id, after) VALUES(?, ?)"
	    " ON CONFLICT(key_id) DO UPDATE SET after = excluded.after", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_fail(s, "saving the cursor", err, errlen);
	return 0;
}

static void
bs_col_text(sqlite3_stmt *st, int i, char *out, size_t outlen)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, outlen, "%s", t != NULL ? (const char *)t : "");
}

static int
bs_row(sqlite3_stmt *st, struct bostore_rec *r)
{
	const void *b;
	int n;

	memset(r, 0, sizeof(*r));
	bs_col_text(st, 0, r->id, sizeof(r->id));
	bs_col_text(st, 1, r->kind, sizeof(r->kind));
	bs_col_text(st, 2, r->key_id, sizeof(r->key_id));
	r->created = sqlite3_column_int64(st, 3);
	b = sqlite3_column_blob(st, 4);
	n = sqlite3_column_bytes(st, 4);
	if (b != NULL && n == (int)sizeof(r->enc))
		memcpy(r->enc, b, sizeof(r->enc));	/* else all zero: it will not open */
	b = sqlite3_column_blob(st, 5);
	n = sqlite3_column_bytes(st, 5);
	if ((r->ct = malloc(n > 0 ? (size_t)n : 1)) == NULL)
		return -1;
	if (n > 0)
		memcpy(r->ct, b, (size_t)n);
	r->ct_len = (size_t)n;
	bs_col_text(st, 6, r->slot_dealer, sizeof(r->slot_dealer));
	bs_col_text(st, 7, r->slot_model, sizeof(r->slot_model));
	bs_col_text(st, 8, r->slot_start, sizeof(r->slot_start));
	r->seq = sqlite3_column_int64(st, 9);
	r->pulled_at = sqlite3_column_int64(st, 10);
	r->exported_at = sqlite3_column_int64(st, 11);
	r->acked_at = sqlite3_column_int64(st, 12);
	r->aside_at = sqlite3_column_int64(st, 13);
	r->seen_at = sqlite3_column_int64(st, 14);
	r->keep_until = sqlite3_column_int64(st, 15);
	bs_col_text(st, 16, r->decision, sizeof(r->decision));
	bs_col_text(st, 17, r->reason, sizeof(r->reason));
	return 0;
}

static const char *const bs_sel_where[] = {
	"r.acked_at IS NULL",
	"r.acked_at IS NULL AND r.exported_at IS NULL",
	"r.acked_at IS NULL AND r.exported_at IS NOT NULL",
	"1",
	"(r.exported_at IS NOT NULL OR r.acked_at IS NOT NULL)",
	"r.acked_at IS NULL AND r.exported_at IS NULL AND r.aside_at IS NOT NULL",
};
_Static_assert(sizeof(bs_sel_where) / sizeof(bs_sel_where[0]) == BOSTORE_SET_ASIDE + 1,
    "one WHERE clause per enum bostore_sel");

/* The WHERE clause of Q, its parameters numbered as bs_q_bind binds them. */
static void
bs_q_where(const struct bostore_q *q, struct buf *sql)
{
	buf_printf(sql, " FROM records r LEFT JOIN marks m ON m.id = r.id WHERE r.key_id = ?1"
	    " AND %s", bs_sel_where[q->sel]);
	if (q->kind != NULL)
		buf_puts(sql, " AND r.kind = ?2");
	if (q->slot_from != NULL)
		buf_puts(sql, " AND r.slot_start >= ?3");
	if (q->slot_to != NULL)
		buf_puts(sql, " AND r.slot_start < ?4");
	if (q->pulled_after > 0)
		buf_puts(sql, " AND r.pulled_at > ?5");
	if (q->unseen)
		buf_puts(sql, " AND m.seen_at IS NULL");
}

static void
bs_q_bind(sqlite3_stmt *st, const struct bostore_q *q)
{
	sqlite3_bind_text(st, 1, q->key_id, -1, SQLITE_STATIC);
	if (q->kind != NULL)
		sqlite3_bind_text(st, 2, q->kind, -1, SQLITE_STATIC);
	if (q->slot_from != NULL)
		sqlite3_bind_text(st, 3, q->slot_from, -1, SQLITE_STATIC);
	if (q->slot_to != NULL)
		sqlite3_bind_text(st, 4, q->slot_to, -1, SQLITE_STATIC);
	if (q->pulled_after > 0)
		sqlite3_bind_int64(st, 5, q->pulled_after);
}

int
bostore_query(struct bostore *s, const struct bostore_q *q, struct bostore_rec **out,
    size_t *np, char *err, size_t errlen)
{
	struct bostore_rec *v = NULL, *nv;
	struct buf sql = BUF_INIT;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*np = 0;
	buf_puts(&sql, "SELECT r.id, r.kind, r.key_id, r.created, r.enc, r.ct, r.slot_dealer,"
	    " r.slot_model, r.slot_start, r.seq, r.pulled_at, r.exported_at, r.acked_at,"
	    " r.aside_at, m.seen_at, m.keep_until, m.decision, m.reason");
	bs_q_where(q, &sql);
	buf_puts(&sql, q->newest_first ? " ORDER BY r.created DESC, r.id DESC" :
	    " ORDER BY r.created, r.id");
	if (q->limit > 0)
		buf_printf(&sql, " LIMIT %zu OFFSET %zu", q->limit, q->offset);
	if (sql.data == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st = bs_prep(s, sql.data, err, errlen);
	buf_free(&sql);
	if (st == NULL)
		return -1;
	bs_q_bind(st, q);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto nomem;
			v = nv;
		}
		if (bs_row(st, &v[n]) == -1)
			goto nomem;
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		bostore_recs_free(v, n);
		return bs_fail(s, "listing records", err, errlen);
	}
	*out = v;
	*np = n;
	return 0;
nomem:
	sqlite3_finalize(st);
	bostore_recs_free(v, n);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
bostore_count(struct bostore *s, const struct bostore_q *q, size_t *np, char *err,
    size_t errlen)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	*np = 0;
	buf_puts(&sql, "SELECT count(*)");
	bs_q_where(q, &sql);
	if (sql.data == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st = bs_prep(s, sql.data, err, errlen);
	buf_free(&sql);
	if (st == NULL)
		return -1;
	bs_q_bind(st, q);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*np = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return bs_fail(s, "counting records", err, errlen);
	return 0;
}

int
bostore_list(struct bostore *s, const char *key_id, const char *kind, enum bostore_sel sel,
    struct bostore_rec **out, size_t *np, char *err, size_t errlen)
{
	struct bostore_q q;

	memset(&q, 0, sizeof(q));
	q.key_id = key_id;
	q.kind = kind;
	q.sel = sel;
	return bostore_query(s, &q, out, np, err, errlen);
}

int
bostore_get(struct bostore *s, const char *key_id, const char *id, struct bostore_rec *r,
    int *found, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	memset(r, 0, sizeof(*r));
	*found = 0;
	if ((st = bs_prep(s, "SELECT r.id, r.kind, r.key_id, r.created, r.enc, r.ct,"
	    " r.slot_dealer, r.slot_model, r.slot_start, r.seq, r.pulled_at, r.exported_at,"
	    " r.acked_at, r.aside_at, m.seen_at, m.keep_until, m.decision, m.reason"
	    " FROM records r LEFT JOIN marks m"
	    " ON m.id = r.id WHERE r.key_id = ? AND r.id = ?", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (bs_row(st, r) == -1) {
			sqlite3_finalize(st);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		*found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_fail(s, "reading a record", err, errlen);
	return 0;
}

void
bostore_recs_free(struct bostore_rec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].ct);
	free(v);
}

static int
bs_step_done(struct bostore *s, sqlite3_stmt *st, const char *what, char *err,
    size_t errlen)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return bs_fail(s, what, err, errlen);
	return 0;
}

int
bostore_meta_next(struct bostore *s, const char *name, int64_t *value, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = bs_prep(s, "INSERT INTO meta(name, value) VALUES(?, 1) ON CONFLICT(name)"
	    " DO UPDATE SET value = value + 1 RETURNING value", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return bs_fail(s, "counter", err, errlen);
	return 0;
}

int
bostore_meta_get(struct bostore *s, const char *name, int64_t *value, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	*value = 0;
	if ((st = bs_prep(s, "SELECT value FROM meta WHERE name = ?", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_fail(s, "reading a counter", err, errlen);
	return 0;
}

int
bostore_meta_set(struct bostore *s, const char *name, int64_t value, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "INSERT INTO meta(name, value) VALUES(?1, ?2) ON CONFLICT(name)"
	    " DO UPDATE SET value = ?2", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	return bs_step_done(s, st, "setting a counter", err, errlen);
}

int
bostore_set_slot(struct bostore *s, const struct bostore_rec *r, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "UPDATE records SET slot_dealer = ?, slot_model = ?,"
	    " slot_start = ? WHERE id = ?", err, errlen)) == NULL)
		return -1;
	bs_bind_opt(st, 1, r->slot_dealer);
	bs_bind_opt(st, 2, r->slot_model);
	bs_bind_opt(st, 3, r->slot_start);
	sqlite3_bind_text(st, 4, r->id, -1, SQLITE_STATIC);
	return bs_step_done(s, st, "setting a slot", err, errlen);
}

int
bostore_mark_seen(struct bostore *s, const char *id, int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "INSERT INTO marks(id, seen_at) VALUES(?1, ?2) ON CONFLICT(id)"
	    " DO UPDATE SET seen_at = coalesce(seen_at, ?2)", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return bs_step_done(s, st, "marking a record seen", err, errlen);
}

int
bostore_keep(struct bostore *s, const char *id, int64_t until, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "INSERT INTO marks(id, keep_until) VALUES(?1, ?2) ON CONFLICT(id)"
	    " DO UPDATE SET keep_until = max(coalesce(keep_until, 0), ?2)", err, errlen)) ==
	    NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, until);
	return bs_step_done(s, st, "keeping a record", err, errlen);
}

int
bostore_decide(struct bostore *s, const char *id, const char *decision, const char *reason,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "INSERT INTO marks(id, decision, reason) VALUES(?1, ?2, ?3)"
	    " ON CONFLICT(id) DO UPDATE SET decision = ?2, reason = ?3", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, decision, -1, SQLITE_STATIC);
	bs_bind_opt(st, 3, reason);
	return bs_step_done(s, st, "recording a decision", err, errlen);
}

int
bostore_batch_new(struct bostore *s, int64_t *batch, char *err, size_t errlen)
{
	return bostore_meta_next(s, "export_batch", batch, err, errlen);
}

int
bostore_mark_exported(struct bostore *s, const char *id, int64_t batch, int64_t now,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "UPDATE records SET exported_at = ?, export_batch = ?,"
	    " aside_at = NULL WHERE id = ?", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, batch);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	if (bs_step_done(s, st, "marking a record exported", err, errlen) == -1 ||
	    (st = bs_prep(s, "INSERT OR IGNORE INTO export_items(batch, record_id)"
	    " VALUES (?, ?)", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return bs_step_done(s, st, "listing a record in its export", err, errlen);
}

int
bostore_mark_aside(struct bostore *s, const char *id, int64_t now, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "UPDATE records SET aside_at = ? WHERE id = ?", err,
	    errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return bs_step_done(s, st, "setting a record aside", err, errlen);
}

int
bostore_export_add(struct bostore *s, int64_t batch, const char *path, const char *format,
    const char *sha256, int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "INSERT INTO exports(batch, path, format, sha256, created)"
	    " VALUES(?,?,?,?,?)", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	return bs_step_done(s, st, "recording an export file", err, errlen);
}

int
bostore_mark_acked(struct bostore *s, const char *key_id, const char *id, int64_t now,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "UPDATE records SET acked_at = ? WHERE id = ? AND key_id = ?"
	    " AND acked_at IS NULL", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, key_id, -1, SQLITE_STATIC);
	return bs_step_done(s, st, "marking a record acknowledged", err, errlen);
}

int
bostore_exports_settle(struct bostore *s, int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if ((st = bs_prep(s, "UPDATE exports SET acked_at = ? WHERE acked_at IS NULL AND"
	    " NOT EXISTS (SELECT 1 FROM records r WHERE r.export_batch = exports.batch AND"
	    " r.acked_at IS NULL)", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	return bs_step_done(s, st, "settling export files", err, errlen);
}

int
bostore_purge(struct bostore *s, int64_t cutoff, bostore_file_fn fn, void *arg,
    size_t *nrecs, size_t *nkept, size_t *nfiles, size_t *nfailed, char *err, size_t errlen)
{
	sqlite3_stmt *st, *del;
	char slot_cut[24];
	struct tm tm;
	time_t t = (time_t)cutoff;
	int rc;

	/*
	 * A booking is acknowledged when it is pulled, often weeks before the drive: it, and
	 * the files exported from it, stay until its slot is as old as the cutoff too. A
	 * cancellation carries no slot of its own: it stays while its key still holds such
	 * a booking, so that no kept booking ever shows as active once cancelled. Slots are
	 * local times, "YYYY-MM-DDTHH:MM", compared as text.
	 */
	localtime_r(&t, &tm);
	strftime(slot_cut, sizeof(slot_cut), "%Y-%m-%dT%H:%M", &tm);
	*nrecs = *nkept = *nfiles = *nfailed = 0;
	if (bostore_begin(s, err, errlen) == -1)
		return -1;
	if ((st = bs_prep(s, "DELETE FROM records WHERE acked_at IS NOT NULL AND"
	    " acked_at <= ?1 AND (slot_start IS NULL OR slot_start = '' OR slot_start <= ?2)"
	    " AND NOT (kind = 'cancellation' AND EXISTS (SELECT 1 FROM records b"
	    " WHERE b.key_id = records.key_id AND b.slot_start > ?2))"
	    " AND NOT EXISTS (SELECT 1 FROM marks k WHERE k.id = records.id AND"
	    " k.keep_until > ?3)", err, errlen)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_text(st, 2, slot_cut, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	if (bs_step_done(s, st, "purging records", err, errlen) == -1)
		goto fail;
	*nrecs = (size_t)sqlite3_changes(s->db);
	if ((st = bs_prep(s, "SELECT count(*) FROM records WHERE acked_at IS NOT NULL AND"
	    " acked_at <= ?", err, errlen)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, cutoff);
	if (sqlite3_step(st) == SQLITE_ROW)
		*nkept = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((st = bs_prep(s, "SELECT id, path FROM exports WHERE acked_at IS NOT NULL AND"
	    " acked_at <= ?1 AND NOT EXISTS (SELECT 1 FROM records r WHERE"
	    " r.slot_start > ?2 AND (r.export_batch = exports.batch OR r.id IN"
	    " (SELECT record_id FROM export_items i WHERE i.batch = exports.batch)))"
	    " AND NOT EXISTS (SELECT 1 FROM export_items i JOIN marks k ON k.id = i.record_id"
	    " WHERE i.batch = exports.batch AND k.keep_until > ?3)", err, errlen)) == NULL)
		goto fail;
	if ((del = bs_prep(s, "DELETE FROM exports WHERE id = ?", err, errlen)) == NULL) {
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_text(st, 2, slot_cut, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(arg, (const char *)sqlite3_column_text(st, 1)) == -1) {
			(*nfailed)++;
			continue;
		}
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = SQLITE_ERROR;
			break;
		}
		(*nfiles)++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	if (rc != SQLITE_DONE) {
		bs_fail(s, "purging export files", err, errlen);
		goto fail;
	}
	if (bs_exec(s, "DELETE FROM export_items WHERE batch NOT IN (SELECT batch FROM exports);"
	    "DELETE FROM marks WHERE id NOT IN (SELECT id FROM records)", err, errlen) == -1)
		goto fail;
	return bostore_commit(s, err, errlen);
fail:
	bostore_rollback(s);
	return -1;
}
