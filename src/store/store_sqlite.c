/*
 * SQLite store backend: DIR/showroom.db in WAL mode, synchronous=FULL,
 * secure_delete=ON, foreign keys on.
 *
 * Thread model. A handle owns one write connection, driven by one writer
 * thread, and a small pool of read-only connections. Every write call
 * queues an operation and sleeps until the writer thread has committed it.
 * The writer takes everything queued (up to SQ_BATCH_MAX), runs each
 * operation inside its own SAVEPOINT in one BEGIN IMMEDIATE transaction
 * and commits once: group commit. One fsync then covers many callers,
 * each caller still returns only after its write is durable, and one
 * caller's failure (a full slot, a conflict) rolls back its savepoint
 * only. A lone caller gets a batch of one, so nothing waits for company.
 * Reads take a pooled connection and run one statement, which in WAL mode
 * sees every commit that finished before it started and never blocks the
 * writer. Several handles (threads or processes) may share the database:
 * BEGIN IMMEDIATE and busy_timeout serialise their writers.
 *
 * Connections are opened in SQLite's multi-thread mode (NOMUTEX): each is
 * used by one thread at a time, which the queue and the pool guarantee.
 * Prepared statements are cached per connection for its lifetime.
 */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef SQ_BATCH_MAX
#define SQ_BATCH_MAX	256	/* operations per group commit */
#endif
#define SQ_READERS	4	/* pooled read connections per handle */
#define SQ_BUSY_MS	15000	/* wait this long for another writer */
#define SQ_GATHER_MAX_NS 1000000 /* longest wait for a batch to fill */
#define SQ_DBFILE	"showroom.db"

/*
 * Schema migrations: entry i takes the schema from version i to i + 1.
 * Never edit one that has shipped; append.
 */
static const char *const sq_migrations[] = {
	/* 1: records, idempotency keys, slots, bookings, nonces, counters. */
	"CREATE TABLE records ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"	/* inbox cursor */
	"  id TEXT NOT NULL UNIQUE CHECK (length(id) = 26),"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('catalog_request', 'test_drive', 'cancellation')),"
	"  key_id TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  enc BLOB NOT NULL,"
	"  ct BLOB NOT NULL);"
	"CREATE INDEX records_key_seq ON records (key_id, seq);"
	"CREATE INDEX records_created ON records (created);"
	"CREATE TABLE idem ("
	"  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),"
	"  record_id TEXT NOT NULL"
	"    REFERENCES records (id) ON DELETE CASCADE) WITHOUT ROWID;"
	"CREATE INDEX idem_record ON idem (record_id);"
	/* One row per slot, so PostgreSQL can lock it (SELECT ... FOR UPDATE). */
	"CREATE TABLE slots ("
	"  dealer TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  slot_start TEXT NOT NULL,"
	"  booked INTEGER NOT NULL CHECK (booked >= 0),"
	"  capacity INTEGER NOT NULL,"
	"  CHECK (booked <= capacity),"
	"  PRIMARY KEY (dealer, model, slot_start)) WITHOUT ROWID;"
	/* Outlives the record's ack so that the cancel link keeps working. */
	"CREATE TABLE bookings ("
	"  cancel_hash BLOB PRIMARY KEY CHECK (length(cancel_hash) = 32),"
	"  booking_id TEXT NOT NULL UNIQUE,"
	"  dealer TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  slot_start TEXT NOT NULL,"
	"  created INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX bookings_created ON bookings (created);"
	"CREATE TABLE nonces ("
	"  key_id TEXT NOT NULL,"
	"  nonce TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  PRIMARY KEY (key_id, nonce)) WITHOUT ROWID;"
	"CREATE INDEX nonces_expires ON nonces (expires_at);"
	"CREATE TABLE counters ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO counters (name, value) VALUES"
	"  ('stored_catalog_request', 0), ('stored_test_drive', 0),"
	"  ('stored_cancellation', 0), ('acked', 0), ('expired', 0),"
	"  ('cancelled', 0);",
	/* 2: the dealers' calendar: closed days and demo cars, per day. */
	"CREATE TABLE calendar ("
	"  dealer TEXT NOT NULL,"
	"  model TEXT NOT NULL,"			/* '': the whole store */
	"  day TEXT NOT NULL CHECK (length(day) = 10),"
	"  closed INTEGER NOT NULL CHECK (closed IN (0, 1)),"
	"  cars INTEGER CHECK (cars >= 0),"		/* NULL: the content's */
	"  PRIMARY KEY (dealer, model, day)) WITHOUT ROWID;",
	/* 3: a booking's status and, once declined, the reason code. */
	"ALTER TABLE bookings ADD COLUMN status TEXT NOT NULL DEFAULT 'booked'"
	"  CHECK (status IN ('booked', 'pending', 'confirmed', 'declined'));"
	"ALTER TABLE bookings ADD COLUMN reason TEXT;",
	/* 4: the notice outbox, and when each recipient's next notice is due. */
	"CREATE TABLE notices ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,"
	"  key_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX notices_key ON notices (key_id, seq);"
	"CREATE INDEX notices_record ON notices (record_id);"
	"CREATE TABLE notice_state ("
	"  key_id TEXT PRIMARY KEY,"
	"  next_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO counters (name, value) VALUES ('notices_delivered', 0),"
	"  ('notices_retried', 0), ('notices_failed', 0);",
};
#define SQ_SCHEMA	((int)(sizeof(sq_migrations) / sizeof(sq_migrations[0])))

enum sq_sql {
	SQ_BEGIN, SQ_COMMIT, SQ_ROLLBACK, SQ_SAVEPOINT, SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_IDEM_GET, SQ_IDEM_PUT, SQ_REC_PUT, SQ_REC_DEL, SQ_COUNT_ADD,
	SQ_SLOT_ENSURE, SQ_SLOT_TAKE, SQ_SLOT_FREE, SQ_SLOT_COUNTS,
	SQ_BOOKING_PUT, SQ_BOOKING_GET, SQ_BOOKING_HELD, SQ_BOOKING_DEL,
	SQ_EXP_RECORDS, SQ_EXP_BOOKINGS, SQ_EXP_NONCES, SQ_EXP_SLOTS,
	SQ_NONCE_USE, SQ_COUNTERS, SQ_COLUMNS,
	SQ_EXP_COUNTS, SQ_COUNTS_GET, SQ_HELD, SQ_AHEAD, SQ_OUTBOX,
	SQ_CAL_CLOSE, SQ_CAL_OPEN, SQ_CAL_CARS, SQ_CAL_PRUNE, SQ_CAL_GET,
	SQ_CAL_SLOT, SQ_CAL_HIT_CLOSED, SQ_CAL_HIT_CARS, SQ_EXP_CAL,
	SQ_BOOKING_BY_ID, SQ_BOOKING_SET,
	SQ_NOTICE_PUT, SQ_NOTICE_STATE_ENSURE, SQ_NOTICE_PICK, SQ_NOTICE_SUM,
	SQ_NOTICE_DEL, SQ_NOTICE_STATE_SET,
	SQ_NSQL
};

static const char *const sq_sql[SQ_NSQL] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	[SQ_SAVEPOINT] = "SAVEPOINT op",
	[SQ_RELEASE] = "RELEASE op",
	[SQ_ROLLBACK_TO] = "ROLLBACK TO op",
	[SQ_IDEM_GET] = "SELECT record_id FROM idem WHERE hash = ?1",
	[SQ_IDEM_PUT] = "INSERT INTO idem (hash, record_id) VALUES (?1, ?2)",
	[SQ_REC_PUT] = "INSERT INTO records (id, kind, key_id, created, enc, ct)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQ_REC_DEL] = "DELETE FROM records WHERE id = ?1",
	[SQ_COUNT_ADD] = "INSERT INTO counters (name, value) VALUES (?1, ?2)"
	    " ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
	[SQ_SLOT_ENSURE] = "INSERT INTO slots"
	    " (dealer, model, slot_start, booked, capacity)"
	    " VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT DO NOTHING",
	/* Check and take in one statement: no window between count and insert. */
	[SQ_SLOT_TAKE] = "UPDATE slots SET booked = booked + 1, capacity = ?4"
	    " WHERE dealer = ?1 AND model = ?2 AND slot_start = ?3"
	    " AND booked < ?4",
	[SQ_SLOT_FREE] = "UPDATE slots SET booked = booked - 1"
	    " WHERE dealer = ?1 AND model = ?2 AND slot_start = ?3"
	    " AND booked > 0",
	[SQ_SLOT_COUNTS] = "SELECT slot_start, booked FROM slots"
	    " WHERE dealer = ?1 AND model = ?2 AND slot_start >= ?3"
	    " AND slot_start < ?4 AND booked > 0 ORDER BY slot_start",
	[SQ_BOOKING_PUT] = "INSERT INTO bookings (cancel_hash, booking_id,"
	    " dealer, model, slot_start, created, status)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQ_BOOKING_GET] = "SELECT booking_id, dealer, model, slot_start,"
	    " created, status, reason FROM bookings WHERE cancel_hash = ?1",
	[SQ_BOOKING_HELD] = "SELECT 1 FROM bookings WHERE booking_id = ?1",
	[SQ_BOOKING_DEL] = "DELETE FROM bookings WHERE cancel_hash = ?1",
	[SQ_EXP_RECORDS] = "DELETE FROM records WHERE created < ?1",
	[SQ_EXP_BOOKINGS] = "DELETE FROM bookings WHERE created < ?1",
	[SQ_EXP_NONCES] = "DELETE FROM nonces WHERE expires_at <= ?1",
	[SQ_EXP_SLOTS] = "DELETE FROM slots WHERE slot_start < ?1",
	/* A nonce whose earlier use has expired may be used again. */
	[SQ_NONCE_USE] = "INSERT INTO nonces (key_id, nonce, expires_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (key_id, nonce) DO UPDATE"
	    " SET expires_at = excluded.expires_at"
	    " WHERE nonces.expires_at <= ?4",
	[SQ_COUNTERS] = "SELECT name, value FROM counters",
	[SQ_COLUMNS] = "SELECT m.name, p.name FROM sqlite_schema AS m,"
	    " pragma_table_info(m.name) AS p WHERE m.type = 'table'"
	    " AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1, 2",
	/* Daily counters sort by day: "d/YYYY-MM-DD/..." (BINARY collation). */
	[SQ_EXP_COUNTS] = "DELETE FROM counters WHERE name >= 'd/' AND name < ?1",
	[SQ_COUNTS_GET] = "SELECT name, value FROM counters"
	    " WHERE name >= ?1 AND name < ?2",
	[SQ_HELD] = "SELECT kind, key_id, count(*), min(created) FROM records"
	    " GROUP BY kind, key_id ORDER BY kind, key_id",
	/* A declined booking holds no place (its row stays for the receipt). */
	[SQ_AHEAD] = "SELECT substr(slot_start, 1, 10), dealer, count(*)"
	    " FROM bookings WHERE slot_start >= ?1 AND status <> 'declined'"
	    " GROUP BY 1, 2 ORDER BY 1, 2",
	[SQ_OUTBOX] = "SELECT count(*) FROM notices",
	[SQ_CAL_CLOSE] = "INSERT INTO calendar (dealer, model, day, closed, cars)"
	    " VALUES (?1, ?2, ?3, 1, NULL) ON CONFLICT (dealer, model, day)"
	    " DO UPDATE SET closed = 1",
	[SQ_CAL_OPEN] = "UPDATE calendar SET closed = 0 WHERE dealer = ?1"
	    " AND model = ?2 AND day >= ?3 AND day <= ?4",
	[SQ_CAL_CARS] = "INSERT INTO calendar (dealer, model, day, closed, cars)"
	    " VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (dealer, model, day)"
	    " DO UPDATE SET cars = excluded.cars",
	/* A row that says nothing any more goes. */
	[SQ_CAL_PRUNE] = "DELETE FROM calendar WHERE dealer = ?1 AND model = ?2"
	    " AND day >= ?3 AND day <= ?4 AND closed = 0 AND cars IS NULL",
	[SQ_CAL_GET] = "SELECT model, day, closed, cars FROM calendar"
	    " WHERE dealer = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day, model",
	/* One slot's day: closed (store or model), and the model's cars. */
	[SQ_CAL_SLOT] = "SELECT max(closed), max(CASE WHEN model = ?2 THEN cars"
	    " END) FROM calendar WHERE dealer = ?1 AND model IN ('', ?2)"
	    " AND day = ?3",
	/* Bookings a change affects: starts in [?3, ?4) (see slot_counts). */
	[SQ_CAL_HIT_CLOSED] = "SELECT booking_id, dealer, model, slot_start,"
	    " created, status, reason FROM bookings WHERE dealer = ?1"
	    " AND (?2 = '' OR model = ?2) AND slot_start >= ?3"
	    " AND slot_start < ?4 AND status <> 'declined'"
	    " ORDER BY slot_start, booking_id",
	[SQ_CAL_HIT_CARS] = "SELECT b.booking_id, b.dealer, b.model,"
	    " b.slot_start, b.created, b.status, b.reason FROM bookings AS b"
	    " JOIN slots AS s ON s.dealer = b.dealer AND s.model = b.model"
	    " AND s.slot_start = b.slot_start WHERE b.dealer = ?1"
	    " AND b.model = ?2 AND b.slot_start >= ?3 AND b.slot_start < ?4"
	    " AND s.booked > ?5 AND b.status <> 'declined'"
	    " ORDER BY b.slot_start, b.booking_id",
	[SQ_EXP_CAL] = "DELETE FROM calendar WHERE day < ?1",
	[SQ_BOOKING_BY_ID] = "SELECT booking_id, dealer, model, slot_start,"
	    " created, status, reason FROM bookings"
	    " WHERE booking_id = ?1 AND dealer = ?2",
	[SQ_BOOKING_SET] = "UPDATE bookings SET status = ?2, reason = ?3"
	    " WHERE booking_id = ?1",
	[SQ_NOTICE_PUT] = "INSERT INTO notices (record_id, key_id, kind, created)"
	    " VALUES (?1, ?2, ?3, ?4)",
	/* A plain read first: the common case writes nothing. */
	[SQ_NOTICE_STATE_ENSURE] = "INSERT INTO notice_state"
	    " (key_id, next_at, attempts) SELECT ?1, 0, 0 WHERE NOT EXISTS"
	    " (SELECT 1 FROM notice_state WHERE key_id = ?1) ON CONFLICT DO NOTHING",
	[SQ_NOTICE_PICK] = "SELECT s.key_id, s.attempts FROM notice_state AS s"
	    " WHERE s.next_at <= ?1 AND EXISTS (SELECT 1 FROM notices AS n"
	    " WHERE n.key_id = s.key_id) ORDER BY s.next_at, s.key_id LIMIT 1",
	[SQ_NOTICE_SUM] = "SELECT kind, count(*), max(seq), min(created)"
	    " FROM notices WHERE key_id = ?1 GROUP BY kind",
	[SQ_NOTICE_DEL] = "DELETE FROM notices WHERE key_id = ?1 AND seq <= ?2",
	[SQ_NOTICE_STATE_SET] = "UPDATE notice_state SET next_at = ?2,"
	    " attempts = ?3 WHERE key_id = ?1",
};

struct sq_conn {
	sqlite3		*db;
	sqlite3_stmt	*stmt[SQ_NSQL];
	/* By number of key ids: the IN list differs. */
	sqlite3_stmt	*inbox[STORE_MAX_KEYS + 1];
	sqlite3_stmt	*ack[STORE_MAX_KEYS + 1];
};

enum sq_optype {
	SQ_OP_PUT, SQ_OP_BOOK, SQ_OP_CANCEL, SQ_OP_ACK, SQ_OP_EXPIRE,
	SQ_OP_NONCE, SQ_OP_COUNTS, SQ_OP_CALENDAR, SQ_OP_DECIDE, SQ_OP_NOTICE
};

/* A write, queued for the writer thread; lives on the caller's stack. */
struct sq_op {
	enum sq_optype	 type;
	const char	*name;		/* for messages */
	const struct store_record *rec;
	const unsigned char *hash;	/* idempotency or cancel hash */
	unsigned int	 capacity;
	const char *const *keys;
	size_t		 nkeys;
	const char *const *ids;
	size_t		 nids;
	const char	*nonce;
	const char	*key_id;
	int64_t		 t1, t2;	/* expire: max_age, now; nonce: exp, now */
	const struct store_count *counts;
	size_t		 ncounts;
	const struct store_cal_change *cal;
	enum store_booking_status status;	/* decide */
	const char	*reason;
	const char	*counter;	/* notice: the counter to add one to */
	int		 del;		/* notice: delete the rows up to t1 */
	/* Results. */
	char		*receipt;
	uint64_t	 count;
	struct store_booking *hits;	/* calendar: bookings affected */
	size_t		 nhits;
	struct store_booking *booking;	/* decide: the booking afterwards */
	int		 rc;
	struct store_err err;
	sem_t		 done;		/* posted by the writer once committed */
	struct sq_op	*next;
};

struct sq_store {
	struct store	 base;		/* first: a struct store * is this */
	struct sq_conn	 w;
	pthread_t	 writer;
	int		 writer_started;
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* queue filled, or stopping */
	struct sq_op	*head;
	struct sq_op	**tailp;
	size_t		 nqueued;
	size_t		 expect;	/* callers seen around the last batch */
	int64_t		 commit_ns;	/* how long the last batch took */
	int		 stopping;
	pthread_mutex_t	 rmu;
	pthread_cond_t	 rfree;
	struct sq_conn	 r[SQ_READERS];
	int		 rbusy[SQ_READERS];
};

/* Statements and connections. */

static int
sq_dberr(sqlite3 *db, const char *op, struct store_err *err)
{
	return store_seterr(err, STORE_ERR, "%s: sqlite: %s", op,
	    sqlite3_errmsg(db));
}

static sqlite3_stmt *
sq_prepare(sqlite3 *db, sqlite3_stmt **slot, const char *sql,
    const char *op, struct store_err *err)
{
	if (*slot == NULL && sqlite3_prepare_v3(db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		sq_dberr(db, op, err);
		*slot = NULL;
	}
	return *slot;
}

static sqlite3_stmt *
sq_stmt(struct sq_conn *c, enum sq_sql which, const char *op,
    struct store_err *err)
{
	return sq_prepare(c->db, &c->stmt[which], sq_sql[which], op, err);
}

/* Releases a statement for its next use. */
static void
sq_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/*
 * Steps a statement that returns no row, then resets it. A unique or
 * primary key violation is a conflict, told apart from other failures.
 */
static int
sq_run(struct sq_conn *c, sqlite3_stmt *st, const char *op,
    struct store_err *err)
{
	int rc, xrc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sq_done(st);
		return STORE_OK;
	}
	xrc = sqlite3_extended_errcode(c->db);
	if (xrc == SQLITE_CONSTRAINT_UNIQUE ||
	    xrc == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = store_seterr(err, STORE_CONFLICT, "%s: %s", op,
		    sqlite3_errmsg(c->db));
	else
		rc = sq_dberr(c->db, op, err);
	sq_done(st);
	return rc;
}

static int
sq_exec(struct sq_conn *c, enum sq_sql which, const char *op,
    struct store_err *err)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(c, which, op, err)) == NULL)
		return STORE_ERR;
	return sq_run(c, st, op, err);
}

static int
sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) != SQLITE_OK;
}

static int
sq_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	return sqlite3_bind_blob64(st, i, p, n, SQLITE_STATIC) != SQLITE_OK;
}

static int
sq_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v) != SQLITE_OK;
}

static int
sq_binderr(struct sq_conn *c, sqlite3_stmt *st, const char *op,
    struct store_err *err)
{
	sq_dberr(c->db, op, err);
	sq_done(st);
	return STORE_ERR;
}

/* Copies a text column into a fixed buffer; NULL gives "". */
static void
sq_col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s ? (const char *)s : "");
}

static void
sq_conn_close(struct sq_conn *c)
{
	size_t i;

	for (i = 0; i < SQ_NSQL; i++)
		sqlite3_finalize(c->stmt[i]);
	for (i = 0; i <= STORE_MAX_KEYS; i++) {
		sqlite3_finalize(c->inbox[i]);
		sqlite3_finalize(c->ack[i]);
	}
	sqlite3_close(c->db);
	memset(c, 0, sizeof(*c));
}

static int
sq_wal_cb(void *arg, int ncol, char **vals, char **names)
{
	int *ok = arg;

	*ok = ncol == 1 && vals[0] != NULL && strcmp(vals[0], "wal") == 0;
	return 0;
}

/*
 * Switches a new database to WAL. That takes an exclusive lock, for which
 * SQLite may not call the busy handler, so when another handle opens the
 * same new database at once, wait and try again.
 */
static int
sq_wal(sqlite3 *db, int *walp)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	int rc, waited;

	for (waited = 0;; waited += 2) {
		*walp = 0;
		rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", sq_wal_cb,
		    walp, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= SQ_BUSY_MS)
			return rc;
		nanosleep(&ts, NULL);
	}
}

static int
sq_conn_open(struct sq_conn *c, const char *path, int readonly,
    struct store_err *err)
{
	/*
	 * temp_store = MEMORY: a group commit runs each caller in a SAVEPOINT, and a
	 * savepoint's journal spills to a temporary file past 64 KiB. showroomd's Landlock
	 * grants only the data directory, so that file (in /var/tmp or /tmp) cannot be
	 * opened and the whole batch failed with "unable to open database file" under load.
	 * In memory it needs no file, and no plaintext was ever in it anyway.
	 */
	static const char pragmas[] =
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA secure_delete = ON;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA trusted_schema = OFF;"
	    "PRAGMA temp_store = MEMORY;";
	int wal = 0;

	memset(c, 0, sizeof(*c));
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (c->db == NULL)
			return store_seterr(err, STORE_ERR,
			    "store_open: sqlite: out of memory");
		sq_dberr(c->db, "store_open", err);
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, SQ_BUSY_MS);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (sq_wal(c->db, &wal) != SQLITE_OK) {
		sq_dberr(c->db, "store_open: journal_mode", err);
		goto fail;
	}
	if (!wal) {
		store_seterr(err, STORE_ERR,
		    "store_open: %s: cannot use WAL journal mode", path);
		goto fail;
	}
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
	    (readonly && sqlite3_exec(c->db, "PRAGMA query_only = ON", NULL,
	    NULL, NULL) != SQLITE_OK)) {
		sq_dberr(c->db, "store_open: pragmas", err);
		goto fail;
	}
	return STORE_OK;
fail:
	sq_conn_close(c);
	return STORE_ERR;
}

/* Schema. */

static int
sq_schema_version(struct sq_conn *c, int *vp, struct store_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*vp = 0;
	if (sqlite3_exec(c->db, "CREATE TABLE IF NOT EXISTS schema_version"
	    " (version INTEGER NOT NULL)", NULL, NULL, NULL) != SQLITE_OK)
		return sq_dberr(c->db, "store_open: schema_version", err);
	if (sqlite3_prepare_v2(c->db, "SELECT max(version), count(*) FROM"
	    " schema_version", -1, &st, NULL) != SQLITE_OK)
		return sq_dberr(c->db, "store_open: schema_version", err);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sq_dberr(c->db, "store_open: schema_version", err);
		sqlite3_finalize(st);
		return STORE_ERR;
	}
	*vp = sqlite3_column_int(st, 0);
	rc = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_exec(c->db, "INSERT INTO schema_version"
	    " (version) VALUES (0)", NULL, NULL, NULL) != SQLITE_OK)
		return sq_dberr(c->db, "store_open: schema_version", err);
	return STORE_OK;
}

static int
sq_migrate_locked(struct sq_conn *c, struct store_err *err)
{
	char sql[64];
	int v, rc;

	if ((rc = sq_schema_version(c, &v, err)) != STORE_OK)
		return rc;
	if (v > SQ_SCHEMA || v < 0)
		return store_seterr(err, STORE_ERR,
		    "store_open: database schema version %d is newer than this "
		    "program knows (%d): run a newer showroom", v, SQ_SCHEMA);
	for (; v < SQ_SCHEMA; v++)
		if (sqlite3_exec(c->db, sq_migrations[v], NULL, NULL,
		    NULL) != SQLITE_OK) {
			store_seterr(err, STORE_ERR,
			    "store_open: migration to schema %d: %s", v + 1,
			    sqlite3_errmsg(c->db));
			return STORE_ERR;
		}
	snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d",
	    SQ_SCHEMA);
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_dberr(c->db, "store_open: schema_version", err);
	return STORE_OK;
}

/* Brings the schema up to SQ_SCHEMA in one transaction, or refuses. */
static int
sq_migrate(struct sq_conn *c, struct store_err *err)
{
	int rc;

	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sq_dberr(c->db, "store_open: migrate", err);
	if ((rc = sq_migrate_locked(c, err)) != STORE_OK) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = sq_dberr(c->db, "store_open: migrate commit", err);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

/* Write operations, run by the writer thread inside a transaction. */

static int
sq_count_add(struct sq_conn *c, const char *name, uint64_t n,
    const char *op, struct store_err *err)
{
	sqlite3_stmt *st;

	if (n == 0)
		return STORE_OK;
	if ((st = sq_stmt(c, SQ_COUNT_ADD, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, name) || sq_bind_int(st, 2, (int64_t)n))
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

/* Adds n to the counter NAME of the Japan day of time t. */
static int
sq_count_day(struct sq_conn *c, const char *name, int64_t t, uint64_t n,
    const char *op, struct store_err *err)
{
	char row[STORE_DAY_PREFIX_LEN + STORE_COUNT_NAME_MAX + 1];

	store_day_name(row, sizeof(row), NULL, t, name);
	return sq_count_add(c, row, n, op, err);
}

static int
sq_count_stored(struct sq_conn *c, const struct store_record *r, const char *op,
    struct store_err *err)
{
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "stored_%s", store_kind_name(r->kind));
	if ((rc = sq_count_add(c, name, 1, op, err)) != STORE_OK)
		return rc;
	snprintf(name, sizeof(name), STORE_COUNT_STORED "%s", store_kind_name(r->kind));
	return sq_count_day(c, name, r->created, 1, op, err);
}

/* STORE_OK with receipt set when the key was used; NOT_FOUND when not. */
static int
sq_idem_get(struct sq_conn *c, const unsigned char *idem, char *receipt,
    const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_IDEM_GET, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_blob(st, 1, idem, STORE_HASH_LEN))
		return sq_binderr(c, st, op, err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_col_text(st, 0, receipt, STORE_ID_LEN + 1);
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE)
		rc = STORE_NOT_FOUND;
	else
		rc = sq_dberr(c->db, op, err);
	sq_done(st);
	return rc;
}

static int
sq_idem_put(struct sq_conn *c, const unsigned char *idem, const char *id,
    const char *op, struct store_err *err)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(c, SQ_IDEM_PUT, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_blob(st, 1, idem, STORE_HASH_LEN) ||
	    sq_bind_text(st, 2, id))
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

/* Queues the recipient's notice of r, in r's own transaction. */
static int
sq_notice_put(struct sq_conn *c, const struct store_record *r,
    const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_NOTICE_PUT, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, r->id) || sq_bind_text(st, 2, r->key_id) ||
	    sq_bind_text(st, 3, store_kind_name(r->kind)) ||
	    sq_bind_int(st, 4, r->created))
		return sq_binderr(c, st, op, err);
	if ((rc = sq_run(c, st, op, err)) != STORE_OK)
		return rc;
	if ((st = sq_stmt(c, SQ_NOTICE_STATE_ENSURE, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, r->key_id))
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

static int
sq_record_put(struct sq_conn *c, const struct store_record *r,
    const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_REC_PUT, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, r->id) ||
	    sq_bind_text(st, 2, store_kind_name(r->kind)) ||
	    sq_bind_text(st, 3, r->key_id) ||
	    sq_bind_int(st, 4, r->created) ||
	    sq_bind_blob(st, 5, r->enc, r->enc_len) ||
	    sq_bind_blob(st, 6, r->ct, r->ct_len))
		return sq_binderr(c, st, op, err);
	if ((rc = sq_run(c, st, op, err)) == STORE_CONFLICT)
		store_seterr(err, rc, "%s: record id %s exists already", op,
		    r->id);
	if (rc == STORE_OK)
		rc = sq_count_stored(c, r, op, err);
	if (rc == STORE_OK)
		rc = sq_notice_put(c, r, op, err);
	return rc;
}

/* Takes a place in the record's slot, or STORE_FULL. */
static int
sq_slot_take(struct sq_conn *c, const struct store_slot *sl,
    unsigned int capacity, const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int rc, i;
	enum sq_sql which[2] = { SQ_SLOT_ENSURE, SQ_SLOT_TAKE };

	for (i = 0; i < 2; i++) {
		if ((st = sq_stmt(c, which[i], op, err)) == NULL)
			return STORE_ERR;
		if (sq_bind_text(st, 1, sl->dealer) ||
		    sq_bind_text(st, 2, sl->model) ||
		    sq_bind_text(st, 3, sl->start) ||
		    sq_bind_int(st, 4, capacity))
			return sq_binderr(c, st, op, err);
		if ((rc = sq_run(c, st, op, err)) != STORE_OK)
			return rc;
	}
	if (sqlite3_changes64(c->db) == 0)
		return store_seterr(err, STORE_FULL,
		    "%s: slot %s is fully booked", op, sl->start);
	return STORE_OK;
}

static int
sq_booking_put(struct sq_conn *c, const struct store_record *r,
    const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_BOOKING_PUT, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_blob(st, 1, r->cancel_hash, STORE_HASH_LEN) ||
	    sq_bind_text(st, 2, r->id) ||
	    sq_bind_text(st, 3, r->slot.dealer) ||
	    sq_bind_text(st, 4, r->slot.model) ||
	    sq_bind_text(st, 5, r->slot.start) ||
	    sq_bind_int(st, 6, r->created) ||
	    sq_bind_text(st, 7, store_status_name(r->status)))
		return sq_binderr(c, st, op, err);
	if ((rc = sq_run(c, st, op, err)) == STORE_CONFLICT)
		store_seterr(err, rc, "%s: record %s: cancel hash or booking "
		    "exists already", op, r->id);
	return rc;
}

static int
sq_op_put(struct sq_conn *c, struct sq_op *op)
{
	int rc;

	if (op->hash != NULL && (rc = sq_idem_get(c, op->hash, op->receipt,
	    op->name, &op->err)) != STORE_NOT_FOUND)
		return rc;
	if ((rc = sq_record_put(c, op->rec, op->name, &op->err)) != STORE_OK)
		return rc;
	if (op->hash != NULL && (rc = sq_idem_put(c, op->hash, op->rec->id,
	    op->name, &op->err)) != STORE_OK)
		return rc;
	memcpy(op->receipt, op->rec->id, STORE_ID_LEN + 1);
	return STORE_OK;
}

/*
 * The dealer's calendar for one slot's day: STORE_FULL when it is closed,
 * else the capacity, replaced by the model's cars when they are set.
 */
static int
sq_cal_slot(struct sq_conn *c, const struct store_slot *sl,
    unsigned int *capacity, const char *op, struct store_err *err)
{
	char day[STORE_DATE_LEN + 1];
	sqlite3_stmt *st;
	int rc;

	memcpy(day, sl->start, STORE_DATE_LEN);
	day[STORE_DATE_LEN] = '\0';
	if ((st = sq_stmt(c, SQ_CAL_SLOT, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, sl->dealer) || sq_bind_text(st, 2, sl->model) ||
	    sq_bind_text(st, 3, day))
		return sq_binderr(c, st, op, err);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = sq_dberr(c->db, op, err);
		sq_done(st);
		return rc;
	}
	rc = STORE_OK;
	if (sqlite3_column_int(st, 0) == 1)
		rc = store_seterr(err, STORE_FULL, "%s: slot %s is closed", op,
		    sl->start);
	else if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		*capacity = (unsigned int)sqlite3_column_int(st, 1);
	sq_done(st);
	return rc;
}

static int
sq_op_book(struct sq_conn *c, struct sq_op *op)
{
	unsigned int capacity = op->capacity;
	int rc;

	if (op->hash != NULL && (rc = sq_idem_get(c, op->hash, op->receipt,
	    op->name, &op->err)) != STORE_NOT_FOUND)
		return rc;
	if ((rc = sq_cal_slot(c, &op->rec->slot, &capacity, op->name,
	    &op->err)) != STORE_OK)
		return rc;
	if ((rc = sq_slot_take(c, &op->rec->slot, capacity, op->name,
	    &op->err)) != STORE_OK)
		return rc;
	if ((rc = sq_record_put(c, op->rec, op->name, &op->err)) != STORE_OK)
		return rc;
	if ((rc = sq_booking_put(c, op->rec, op->name, &op->err)) != STORE_OK)
		return rc;
	if (op->hash != NULL && (rc = sq_idem_put(c, op->hash, op->rec->id,
	    op->name, &op->err)) != STORE_OK)
		return rc;
	memcpy(op->receipt, op->rec->id, STORE_ID_LEN + 1);
	return STORE_OK;
}

/* Runs a statement bound to one blob or text key, with no result rows. */
static int
sq_run_key(struct sq_conn *c, enum sq_sql which, const void *key,
    size_t keylen, const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int bad;

	if ((st = sq_stmt(c, which, op, err)) == NULL)
		return STORE_ERR;
	bad = keylen > 0 ? sq_bind_blob(st, 1, key, keylen) :
	    sq_bind_text(st, 1, key);
	if (bad)
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

/* A booking row: id, dealer, model, start, created, status, reason. */
static void
sq_booking_row(sqlite3_stmt *st, struct store_booking *b)
{
	char status[16];
	int v;

	sq_col_text(st, 0, b->id, sizeof(b->id));
	sq_col_text(st, 1, b->slot.dealer, sizeof(b->slot.dealer));
	sq_col_text(st, 2, b->slot.model, sizeof(b->slot.model));
	sq_col_text(st, 3, b->slot.start, sizeof(b->slot.start));
	b->created = sqlite3_column_int64(st, 4);
	sq_col_text(st, 5, status, sizeof(status));
	b->status = (v = store_status_parse(status)) < 0 ? STORE_BOOKING_BOOKED :
	    (enum store_booking_status)v;
	sq_col_text(st, 6, b->reason, sizeof(b->reason));
}

static int
sq_booking_get(struct sq_conn *c, const unsigned char *hash,
    struct store_booking *b, const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_BOOKING_GET, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_blob(st, 1, hash, STORE_HASH_LEN))
		return sq_binderr(c, st, op, err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_booking_row(st, b);
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE)
		rc = store_seterr(err, STORE_NOT_FOUND,
		    "%s: no booking with this cancel token", op);
	else
		rc = sq_dberr(c->db, op, err);
	sq_done(st);
	return rc;
}

static int
sq_slot_free(struct sq_conn *c, const struct store_slot *sl, const char *op,
    struct store_err *err)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(c, SQ_SLOT_FREE, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, sl->dealer) || sq_bind_text(st, 2, sl->model) ||
	    sq_bind_text(st, 3, sl->start))
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

static int
sq_op_cancel(struct sq_conn *c, struct sq_op *op)
{
	struct store_booking b;
	int rc;

	if ((rc = sq_booking_get(c, op->hash, &b, op->name, &op->err)) !=
	    STORE_OK)
		return rc;
	/* Declined: its place is free already, and the receipt says so. */
	if (b.status == STORE_BOOKING_DECLINED)
		return store_seterr(&op->err, STORE_NOT_FOUND,
		    "%s: the booking was declined", op->name);
	if ((rc = sq_run_key(c, SQ_BOOKING_DEL, op->hash, STORE_HASH_LEN,
	    op->name, &op->err)) != STORE_OK)
		return rc;
	if ((rc = sq_slot_free(c, &b.slot, op->name, &op->err)) != STORE_OK)
		return rc;
	/* Not yet pulled: nobody needs to read it any more. */
	if ((rc = sq_run_key(c, SQ_REC_DEL, b.id, 0, op->name, &op->err)) !=
	    STORE_OK)
		return rc;
	if ((rc = sq_record_put(c, op->rec, op->name, &op->err)) != STORE_OK ||
	    (rc = sq_count_add(c, "cancelled", 1, op->name, &op->err)) != STORE_OK)
		return rc;
	return sq_count_day(c, STORE_COUNT_CANCELLED, op->rec->created, 1, op->name,
	    &op->err);
}

/* "prefix?3,?4,...suffix": an IN list for n key ids from parameter 3 (or 2). */
static sqlite3_stmt *
sq_keys_stmt(struct sq_conn *c, sqlite3_stmt **slot, const char *prefix,
    int first, size_t n, const char *suffix, const char *op,
    struct store_err *err)
{
	char sql[1024];
	size_t i, len;

	if (*slot != NULL)
		return *slot;
	len = (size_t)snprintf(sql, sizeof(sql), "%s", prefix);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?%zu",
		    i ? "," : "", (size_t)first + i);
	snprintf(sql + len, sizeof(sql) - len, "%s", suffix);
	return sq_prepare(c->db, slot, sql, op, err);
}

static int
sq_bind_keys(sqlite3_stmt *st, int first, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sq_bind_text(st, first + (int)i, keys[i]))
			return 1;
	return 0;
}

static int
sq_op_ack(struct sq_conn *c, struct sq_op *op)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if ((st = sq_keys_stmt(c, &c->ack[op->nkeys],
	    "DELETE FROM records WHERE id = ?1 AND key_id IN (", 2, op->nkeys,
	    ")", op->name, &op->err)) == NULL)
		return STORE_ERR;
	op->count = 0;
	for (i = 0; i < op->nids; i++) {
		if (sq_bind_text(st, 1, op->ids[i]) ||
		    sq_bind_keys(st, 2, op->keys, op->nkeys))
			return sq_binderr(c, st, op->name, &op->err);
		if ((rc = sq_run(c, st, op->name, &op->err)) != STORE_OK)
			return rc;
		op->count += (uint64_t)sqlite3_changes64(c->db);
	}
	if ((rc = sq_count_add(c, "acked", op->count, op->name, &op->err)) != STORE_OK)
		return rc;
	return sq_count_day(c, STORE_COUNT_ACKED, (int64_t)time(NULL), op->count,
	    op->name, &op->err);
}

static int
sq_run_int(struct sq_conn *c, enum sq_sql which, int64_t v, uint64_t *nchg,
    const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, which, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_int(st, 1, v))
		return sq_binderr(c, st, op, err);
	if ((rc = sq_run(c, st, op, err)) == STORE_OK && nchg != NULL)
		*nchg = (uint64_t)sqlite3_changes64(c->db);
	return rc;
}

/* Slot rows of days before the cutoff (with a day's slack for time zones). */
static int
sq_expire_slots(struct sq_conn *c, int64_t cutoff, const char *op,
    struct store_err *err)
{
	sqlite3_stmt *st;
	struct tm tm;
	time_t t = (time_t)(cutoff - 86400);
	char day[STORE_DATE_LEN + 1];
	int rc;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) != STORE_DATE_LEN)
		return store_seterr(err, STORE_ERR, "%s: bad time", op);
	if ((st = sq_stmt(c, SQ_EXP_SLOTS, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, day))
		return sq_binderr(c, st, op, err);
	if ((rc = sq_run(c, st, op, err)) != STORE_OK)
		return rc;
	/* The calendar of those days too. */
	if ((st = sq_stmt(c, SQ_EXP_CAL, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, day))
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

/* Daily counters of days more than STORE_COUNT_KEEP_DAYS before now. */
static int
sq_expire_counts(struct sq_conn *c, int64_t now, const char *op,
    struct store_err *err)
{
	char row[STORE_DAY_PREFIX_LEN + 1];
	sqlite3_stmt *st;

	store_day_name(row, sizeof(row), NULL, now - STORE_COUNT_KEEP_DAYS * 86400LL, "");
	if ((st = sq_stmt(c, SQ_EXP_COUNTS, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, row))
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

static int
sq_op_expire(struct sq_conn *c, struct sq_op *op)
{
	int64_t cutoff = op->t2 - op->t1;
	int rc;

	if ((rc = sq_run_int(c, SQ_EXP_RECORDS, cutoff, &op->count, op->name,
	    &op->err)) != STORE_OK ||
	    (rc = sq_run_int(c, SQ_EXP_BOOKINGS, cutoff, NULL, op->name,
	    &op->err)) != STORE_OK ||
	    (rc = sq_run_int(c, SQ_EXP_NONCES, op->t2, NULL, op->name,
	    &op->err)) != STORE_OK ||
	    (rc = sq_expire_slots(c, cutoff, op->name, &op->err)) != STORE_OK ||
	    (rc = sq_expire_counts(c, op->t2, op->name, &op->err)) != STORE_OK ||
	    (rc = sq_count_add(c, "expired", op->count, op->name, &op->err)) !=
	    STORE_OK)
		return rc;
	return sq_count_day(c, STORE_COUNT_EXPIRED, op->t2, op->count, op->name,
	    &op->err);
}

static int
sq_op_nonce(struct sq_conn *c, struct sq_op *op)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_NONCE_USE, op->name, &op->err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, op->key_id) || sq_bind_text(st, 2, op->nonce) ||
	    sq_bind_int(st, 3, op->t1) || sq_bind_int(st, 4, op->t2))
		return sq_binderr(c, st, op->name, &op->err);
	if ((rc = sq_run(c, st, op->name, &op->err)) != STORE_OK)
		return rc;
	if (sqlite3_changes64(c->db) == 0)
		return store_seterr(&op->err, STORE_REPLAY,
		    "%s: nonce already used", op->name);
	return STORE_OK;
}

/* Binds dealer, model and a day range to ?1..?4 of st. */
static int
sq_bind_cal(sqlite3_stmt *st, const struct store_cal_change *ch,
    const char *lo, const char *hi)
{
	return sq_bind_text(st, 1, ch->dealer) ||
	    sq_bind_text(st, 2, ch->model) || sq_bind_text(st, 3, lo) ||
	    sq_bind_text(st, 4, hi);
}

/* Writes one day's row of the change (close, or cars). */
static int
sq_cal_day(struct sq_conn *c, const struct store_cal_change *ch,
    const char *day, const char *op, struct store_err *err)
{
	sqlite3_stmt *st;
	int bad;

	if ((st = sq_stmt(c, ch->op == STORE_CAL_CLOSE ? SQ_CAL_CLOSE :
	    SQ_CAL_CARS, op, err)) == NULL)
		return STORE_ERR;
	bad = sq_bind_text(st, 1, ch->dealer) ||
	    sq_bind_text(st, 2, ch->model) || sq_bind_text(st, 3, day);
	if (!bad && ch->op == STORE_CAL_CARS)
		bad = ch->cars < 0 ? sqlite3_bind_null(st, 4) != SQLITE_OK :
		    sq_bind_int(st, 4, ch->cars);
	if (bad)
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

/* A range statement: dealer, model, from, to. */
static int
sq_cal_range(struct sq_conn *c, enum sq_sql which,
    const struct store_cal_change *ch, const char *op, struct store_err *err)
{
	sqlite3_stmt *st;

	if ((st = sq_stmt(c, which, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_cal(st, ch, ch->from, ch->to))
		return sq_binderr(c, st, op, err);
	return sq_run(c, st, op, err);
}

static int sq_grow(void **, size_t *, size_t, size_t);

/* The active bookings the change leaves in a closed or overfull slot. */
static int
sq_cal_hits(struct sq_conn *c, struct sq_op *op)
{
	const struct store_cal_change *ch = op->cal;
	char lo[STORE_DATE_LEN + 2], hi[STORE_DATE_LEN + 2];
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (ch->op == STORE_CAL_OPEN || (ch->op == STORE_CAL_CARS &&
	    ch->cars < 0))
		return STORE_OK;	/* nothing closes or shrinks */
	snprintf(lo, sizeof(lo), "%sT", ch->from);
	snprintf(hi, sizeof(hi), "%sU", ch->to);
	if ((st = sq_stmt(c, ch->op == STORE_CAL_CLOSE ? SQ_CAL_HIT_CLOSED :
	    SQ_CAL_HIT_CARS, op->name, &op->err)) == NULL)
		return STORE_ERR;
	if (sq_bind_cal(st, ch, lo, hi) || (ch->op == STORE_CAL_CARS &&
	    sq_bind_int(st, 5, ch->cars)))
		return sq_binderr(c, st, op->name, &op->err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&op->hits, &cap, op->nhits,
		    sizeof(*op->hits)) == -1) {
			sq_done(st);
			return store_seterr(&op->err, STORE_ERR,
			    "%s: out of memory", op->name);
		}
		sq_booking_row(st, &op->hits[op->nhits++]);
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_dberr(c->db, op->name, &op->err);
	sq_done(st);
	return rc;
}

static int
sq_op_calendar(struct sq_conn *c, struct sq_op *op)
{
	const struct store_cal_change *ch = op->cal;
	char day[STORE_DATE_LEN + 1];
	int i, n, rc;

	free(op->hits);
	op->hits = NULL;
	op->nhits = 0;
	if (ch->op == STORE_CAL_OPEN)
		rc = sq_cal_range(c, SQ_CAL_OPEN, ch, op->name, &op->err);
	else {
		n = store_cal_ndays(ch->from, ch->to);
		for (i = 0, rc = STORE_OK; i < n && rc == STORE_OK; i++) {
			store_cal_day_at(ch->from, i, day);
			rc = sq_cal_day(c, ch, day, op->name, &op->err);
		}
	}
	if (rc == STORE_OK)
		rc = sq_cal_range(c, SQ_CAL_PRUNE, ch, op->name, &op->err);
	if (rc == STORE_OK)
		rc = sq_cal_hits(c, op);
	return rc;
}

static int
sq_op_decide(struct sq_conn *c, struct sq_op *op)
{
	struct store_booking *b = op->booking;
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_BOOKING_BY_ID, op->name, &op->err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, op->ids[0]) || sq_bind_text(st, 2, op->key_id))
		return sq_binderr(c, st, op->name, &op->err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sq_booking_row(st, b);
	sq_done(st);
	if (rc == SQLITE_DONE)
		return store_seterr(&op->err, STORE_NOT_FOUND,
		    "%s: no booking %s of this dealer", op->name, op->ids[0]);
	if (rc != SQLITE_ROW)
		return sq_dberr(c->db, op->name, &op->err);
	if (b->status == STORE_BOOKING_DECLINED)
		return op->status == STORE_BOOKING_DECLINED ? STORE_OK :
		    store_seterr(&op->err, STORE_CONFLICT,
		    "%s: booking %s was declined", op->name, op->ids[0]);
	if ((st = sq_stmt(c, SQ_BOOKING_SET, op->name, &op->err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, b->id) ||
	    sq_bind_text(st, 2, store_status_name(op->status)) ||
	    (op->reason != NULL ? sq_bind_text(st, 3, op->reason) :
	    sqlite3_bind_null(st, 3) != SQLITE_OK))
		return sq_binderr(c, st, op->name, &op->err);
	if ((rc = sq_run(c, st, op->name, &op->err)) != STORE_OK)
		return rc;
	b->status = op->status;
	snprintf(b->reason, sizeof(b->reason), "%s", op->reason ? op->reason : "");
	/* Declined frees its place, once: a declined booking stops here above. */
	if (op->status == STORE_BOOKING_DECLINED)
		return sq_slot_free(c, &b->slot, op->name, &op->err);
	return STORE_OK;
}

/* A sent, failed or skipped notice: its rows (up to seq t1), next due t2. */
static int
sq_op_notice(struct sq_conn *c, struct sq_op *op)
{
	sqlite3_stmt *st;
	int rc;

	if (op->del) {
		if ((st = sq_stmt(c, SQ_NOTICE_DEL, op->name, &op->err)) == NULL)
			return STORE_ERR;
		if (sq_bind_text(st, 1, op->key_id) || sq_bind_int(st, 2, op->t1))
			return sq_binderr(c, st, op->name, &op->err);
		if ((rc = sq_run(c, st, op->name, &op->err)) != STORE_OK)
			return rc;
	}
	if ((st = sq_stmt(c, SQ_NOTICE_STATE_SET, op->name, &op->err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, op->key_id) || sq_bind_int(st, 2, op->t2) ||
	    sq_bind_int(st, 3, (int64_t)op->count))
		return sq_binderr(c, st, op->name, &op->err);
	if ((rc = sq_run(c, st, op->name, &op->err)) != STORE_OK)
		return rc;
	return op->counter != NULL ? sq_count_add(c, op->counter, 1, op->name,
	    &op->err) : STORE_OK;
}

static int
sq_op_counts(struct sq_conn *c, struct sq_op *op)
{
	char row[STORE_DAY_PREFIX_LEN + STORE_COUNT_NAME_MAX + 1];
	size_t i;
	int rc;

	for (i = 0; i < op->ncounts; i++) {
		store_day_name(row, sizeof(row), op->counts[i].day, 0, op->counts[i].name);
		if ((rc = sq_count_add(c, row, op->counts[i].value, op->name, &op->err)) !=
		    STORE_OK)
			return rc;
	}
	return STORE_OK;
}

static int
sq_op_run(struct sq_conn *c, struct sq_op *op)
{
	switch (op->type) {
	case SQ_OP_PUT:
		return sq_op_put(c, op);
	case SQ_OP_BOOK:
		return sq_op_book(c, op);
	case SQ_OP_CANCEL:
		return sq_op_cancel(c, op);
	case SQ_OP_ACK:
		return sq_op_ack(c, op);
	case SQ_OP_EXPIRE:
		return sq_op_expire(c, op);
	case SQ_OP_NONCE:
		return sq_op_nonce(c, op);
	case SQ_OP_COUNTS:
		return sq_op_counts(c, op);
	case SQ_OP_CALENDAR:
		return sq_op_calendar(c, op);
	case SQ_OP_DECIDE:
		return sq_op_decide(c, op);
	case SQ_OP_NOTICE:
		return sq_op_notice(c, op);
	}
	return store_seterr(&op->err, STORE_ERR, "%s: unknown operation",
	    op->name);
}

/* Group commit. */

/* Fails every operation from op on that has not failed on its own. */
static void
sq_batch_fail(struct sq_op *op, const struct store_err *why)
{
	for (; op != NULL; op = op->next) {
		if (op->rc != STORE_OK)
			continue;
		op->rc = STORE_ERR;
		op->count = 0;
		store_seterr(&op->err, STORE_ERR, "%s: %s", op->name, why->msg);
	}
}

/* Runs one operation in its own savepoint; 0 if the transaction survived. */
static int
sq_batch_one(struct sq_conn *c, struct sq_op *op)
{
	struct store_err e;

	if (sq_exec(c, SQ_SAVEPOINT, "savepoint", &op->err) != STORE_OK) {
		op->rc = STORE_ERR;
		return 0;
	}
	op->rc = sq_op_run(c, op);
	if (sqlite3_get_autocommit(c->db))
		return -1;	/* SQLite rolled the whole transaction back */
	if (op->rc != STORE_OK &&
	    sq_exec(c, SQ_ROLLBACK_TO, "rollback to", &e) != STORE_OK)
		return -1;
	if (sq_exec(c, SQ_RELEASE, "release", &e) != STORE_OK)
		return -1;
	return 0;
}

static void
sq_batch(struct sq_conn *c, struct sq_op *batch)
{
	struct store_err e;
	struct sq_op *op;

	for (op = batch; op != NULL; op = op->next)
		op->rc = STORE_OK;
	if (sq_exec(c, SQ_BEGIN, "begin", &e) != STORE_OK) {
		sq_batch_fail(batch, &e);
		return;
	}
	for (op = batch; op != NULL; op = op->next) {
		if (sq_batch_one(c, op) == -1) {
			store_seterr(&e, STORE_ERR, "transaction rolled back: %s",
			    sqlite3_errmsg(c->db));
			if (!sqlite3_get_autocommit(c->db))
				sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			/* Those before op lost their work; those after never ran. */
			if (op->rc == STORE_OK) {
				op->rc = STORE_ERR;
				op->err = e;
			}
			sq_batch_fail(batch, &e);
			return;
		}
	}
	if (sq_exec(c, SQ_COMMIT, "commit", &e) != STORE_OK) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		sq_batch_fail(batch, &e);
	}
}

static int64_t
sq_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Callers whose write was just committed often come straight back with
 * the next one. Without waiting for them, two busy callers would take
 * turns, one commit each, and never share an fsync. So when fewer are
 * queued than were busy around the last batch, wait a little (a quarter
 * of a commit at most) for the rest. A lone caller never waits.
 */
static void
sq_gather(struct sq_store *s)
{
	struct timespec dl;
	int64_t wait_ns, t;

	if (s->nqueued >= s->expect || s->nqueued >= SQ_BATCH_MAX)
		return;
	wait_ns = s->commit_ns / 4;
	if (wait_ns > SQ_GATHER_MAX_NS)
		wait_ns = SQ_GATHER_MAX_NS;
	t = sq_clock_ns() + wait_ns;
	dl.tv_sec = (time_t)(t / 1000000000);
	dl.tv_nsec = (long)(t % 1000000000);
	while (s->nqueued < s->expect && !s->stopping)
		if (pthread_cond_timedwait(&s->work, &s->mu, &dl) != 0)
			break;
}

/* Takes up to SQ_BATCH_MAX queued operations off the queue. */
static struct sq_op *
sq_take(struct sq_store *s, size_t *np)
{
	struct sq_op *batch, *op;
	size_t n;

	batch = op = s->head;
	for (n = 1; op->next != NULL && n < SQ_BATCH_MAX; n++)
		op = op->next;
	s->head = op->next;
	if (s->head == NULL)
		s->tailp = &s->head;
	op->next = NULL;
	s->nqueued -= n;
	*np = n;
	return batch;
}

static void *
sq_writer(void *arg)
{
	struct sq_store *s = arg;
	struct sq_op *batch, *op, *next;
	int64_t t0;
	size_t n;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->head == NULL && !s->stopping)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->head == NULL)
			break;
		sq_gather(s);
		/* Everything queued while the last commit ran goes in this one. */
		batch = sq_take(s, &n);
		pthread_mutex_unlock(&s->mu);
		t0 = sq_clock_ns();
		sq_batch(&s->w, batch);
		/*
		 * Wake exactly the callers of this batch: a broadcast would also wake
		 * everyone queued for the next one, only to sleep again. After its post,
		 * an op belongs to its caller again, so read next first.
		 */
		pthread_mutex_lock(&s->mu);
		s->commit_ns = sq_clock_ns() - t0;
		s->expect = n + s->nqueued;
		pthread_mutex_unlock(&s->mu);
		for (op = batch; op != NULL; op = next) {
			next = op->next;
			sem_post(&op->done);
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Queues op and waits until it has been committed (or has failed). */
static int
sq_submit(struct sq_store *s, struct sq_op *op, struct store_err *err)
{
	op->err.code = STORE_OK;
	op->err.msg[0] = '\0';
	op->next = NULL;
	if (sem_init(&op->done, 0, 0) == -1)
		return store_seterr(err, STORE_ERR, "%s: sem_init: %s", op->name,
		    strerror(errno));
	pthread_mutex_lock(&s->mu);
	*s->tailp = op;
	s->tailp = &op->next;
	s->nqueued++;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	while (sem_wait(&op->done) == -1 && errno == EINTR)
		;	/* a signal handler ran; the write is still pending */
	sem_destroy(&op->done);
	if (err != NULL && op->rc != STORE_OK)
		*err = op->err;
	return op->rc;
}

/* Backend entry points: writes. */

static int
sq_put(struct store *st, const struct store_record *r,
    const unsigned char *idem, char *receipt, struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_PUT, .name = "store_put", .rec = r,
	    .hash = idem, .receipt = receipt };

	return sq_submit((struct sq_store *)st, &op, err);
}

static int
sq_book(struct store *st, const struct store_record *r,
    unsigned int capacity, const unsigned char *idem, char *receipt,
    struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_BOOK, .name = "store_book", .rec = r,
	    .capacity = capacity, .hash = idem, .receipt = receipt };

	return sq_submit((struct sq_store *)st, &op, err);
}

static int
sq_cancel(struct store *st, const unsigned char *hash,
    const struct store_record *r, struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_CANCEL, .name = "store_cancel",
	    .rec = r, .hash = hash };

	return sq_submit((struct sq_store *)st, &op, err);
}

static int
sq_ack(struct store *st, const char *const *keys, size_t nkeys,
    const char *const *ids, size_t nids, uint64_t *deletedp,
    struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_ACK, .name = "store_ack",
	    .keys = keys, .nkeys = nkeys, .ids = ids, .nids = nids };
	int rc;

	if ((rc = sq_submit((struct sq_store *)st, &op, err)) == STORE_OK)
		*deletedp = op.count;
	return rc;
}

static int
sq_expire(struct store *st, int64_t max_age, int64_t now,
    uint64_t *expiredp, struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_EXPIRE, .name = "store_expire",
	    .t1 = max_age, .t2 = now };
	int rc;

	if ((rc = sq_submit((struct sq_store *)st, &op, err)) == STORE_OK)
		*expiredp = op.count;
	return rc;
}

static int
sq_nonce_use(struct store *st, const char *nonce, const char *key_id,
    int64_t expires_at, int64_t now, struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_NONCE, .name = "store_nonce_use",
	    .nonce = nonce, .key_id = key_id, .t1 = expires_at, .t2 = now };

	return sq_submit((struct sq_store *)st, &op, err);
}

static int
sq_counts_add(struct store *st, const struct store_count *v, size_t n,
    struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_COUNTS, .name = "store_counts_add",
	    .counts = v, .ncounts = n };

	return sq_submit((struct sq_store *)st, &op, err);
}

static int
sq_calendar_set(struct store *st, const struct store_cal_change *ch,
    struct store_booking **hitsp, size_t *np, struct store_err *err)
{
	struct sq_op op = { .type = SQ_OP_CALENDAR,
	    .name = "store_calendar_set", .cal = ch };
	int rc;

	if ((rc = sq_submit((struct sq_store *)st, &op, err)) != STORE_OK) {
		free(op.hits);
		return rc;
	}
	*hitsp = op.hits;
	*np = op.nhits;
	return STORE_OK;
}

static int
sq_booking_decide(struct store *st, const char *dealer, const char *id,
    enum store_booking_status status, const char *reason,
    struct store_booking *out, struct store_err *err)
{
	const char *ids[1] = { id };
	struct sq_op op = { .type = SQ_OP_DECIDE,
	    .name = "store_booking_decide", .key_id = dealer, .ids = ids,
	    .nids = 1, .status = status, .reason = reason, .booking = out };

	return sq_submit((struct sq_store *)st, &op, err);
}

/* Reads, on pooled connections. */

static struct sq_conn *
sq_reader_get(struct sq_store *s)
{
	size_t i;

	pthread_mutex_lock(&s->rmu);
	for (;;) {
		for (i = 0; i < SQ_READERS; i++)
			if (!s->rbusy[i])
				break;
		if (i < SQ_READERS)
			break;
		pthread_cond_wait(&s->rfree, &s->rmu);
	}
	s->rbusy[i] = 1;
	pthread_mutex_unlock(&s->rmu);
	return &s->r[i];
}

static void
sq_reader_put(struct sq_store *s, struct sq_conn *c)
{
	pthread_mutex_lock(&s->rmu);
	s->rbusy[c - s->r] = 0;
	pthread_cond_signal(&s->rfree);
	pthread_mutex_unlock(&s->rmu);
}

/* Grows *vp (of *capp elements of size sz) to hold one more. */
static int
sq_grow(void **vp, size_t *capp, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *capp)
		return 0;
	ncap = *capp ? *capp * 2 : 16;
	if ((p = reallocarray(*vp, ncap, sz)) == NULL)
		return -1;
	memset((char *)p + *capp * sz, 0, (ncap - *capp) * sz);
	*vp = p;
	*capp = ncap;
	return 0;
}

static int
sq_slot_counts_on(struct sq_conn *c, const char *dealer, const char *model,
    const char *date, struct store_slot_count **cp, size_t *np,
    struct store_err *err)
{
	static const char op[] = "store_slot_counts";
	struct store_slot_count *v = NULL;
	sqlite3_stmt *st;
	char lo[STORE_DATE_LEN + 2], hi[STORE_DATE_LEN + 2];
	size_t n = 0, cap = 0;
	int rc;

	/* Fixed-width starts: the day is the range [DATE "T", DATE "U"). */
	snprintf(lo, sizeof(lo), "%sT", date);
	snprintf(hi, sizeof(hi), "%sU", date);
	if ((st = sq_stmt(c, SQ_SLOT_COUNTS, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, dealer) || sq_bind_text(st, 2, model) ||
	    sq_bind_text(st, 3, lo) || sq_bind_text(st, 4, hi))
		return sq_binderr(c, st, op, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&v, &cap, n, sizeof(*v)) == -1) {
			rc = store_seterr(err, STORE_ERR, "%s: out of memory", op);
			goto out;
		}
		sq_col_text(st, 0, v[n].start, sizeof(v[n].start));
		v[n++].booked = (unsigned int)sqlite3_column_int(st, 1);
	}
	if (rc != SQLITE_DONE) {
		rc = sq_dberr(c->db, op, err);
		goto out;
	}
	*cp = v;
	*np = n;
	v = NULL;
	rc = STORE_OK;
out:
	sq_done(st);
	free(v);
	return rc;
}

static int
sq_slot_counts(struct store *st, const char *dealer, const char *model,
    const char *date, struct store_slot_count **cp, size_t *np,
    struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	rc = sq_slot_counts_on(c, dealer, model, date, cp, np, err);
	sq_reader_put(s, c);
	return rc;
}

static int
sq_calendar_on(struct sq_conn *c, const char *dealer, const char *from,
    const char *to, struct store_cal_day **dp, size_t *np,
    struct store_err *err)
{
	static const char op[] = "store_calendar";
	struct store_cal_day *v = NULL;
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;
	int rc;

	if ((st = sq_stmt(c, SQ_CAL_GET, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, dealer) || sq_bind_text(st, 2, from) ||
	    sq_bind_text(st, 3, to))
		return sq_binderr(c, st, op, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&v, &cap, n, sizeof(*v)) == -1) {
			rc = store_seterr(err, STORE_ERR, "%s: out of memory", op);
			goto out;
		}
		sq_col_text(st, 0, v[n].model, sizeof(v[n].model));
		sq_col_text(st, 1, v[n].date, sizeof(v[n].date));
		v[n].closed = sqlite3_column_int(st, 2);
		v[n].cars = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(st, 3);
		n++;
	}
	if (rc != SQLITE_DONE) {
		rc = sq_dberr(c->db, op, err);
		goto out;
	}
	*dp = v;
	*np = n;
	v = NULL;
	rc = STORE_OK;
out:
	sq_done(st);
	free(v);
	return rc;
}

static int
sq_calendar(struct store *st, const char *dealer, const char *from,
    const char *to, struct store_cal_day **dp, size_t *np,
    struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	rc = sq_calendar_on(c, dealer, from, to, dp, np, err);
	sq_reader_put(s, c);
	return rc;
}

static int
sq_booking_find(struct store *st, const unsigned char *hash,
    struct store_booking *b, struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	rc = sq_booking_get(c, hash, b, "store_booking_find", err);
	sq_reader_put(s, c);
	return rc;
}

static int
sq_booking_held(struct store *st, const char *id, struct store_err *err)
{
	static const char op[] = "store_booking_held";
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *q;
	int rc;

	if ((q = sq_stmt(c, SQ_BOOKING_HELD, op, err)) == NULL) {
		sq_reader_put(s, c);
		return STORE_ERR;
	}
	if (sq_bind_text(q, 1, id)) {
		rc = sq_binderr(c, q, op, err);
		sq_reader_put(s, c);
		return rc;
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		rc = STORE_OK;
	else if (rc == SQLITE_DONE)
		rc = store_seterr(err, STORE_NOT_FOUND, "%s: no such booking", op);
	else
		rc = sq_dberr(c->db, op, err);
	sq_done(q);
	sq_reader_put(s, c);
	return rc;
}

static int
sq_blob_dup(sqlite3_stmt *st, int i, unsigned char **pp, size_t *lenp)
{
	const void *p = sqlite3_column_blob(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	*lenp = 0;
	if ((*pp = malloc(n ? n : 1)) == NULL)
		return -1;
	if (n > 0)
		memcpy(*pp, p, n);
	*lenp = n;
	return 0;
}

static int
sq_inbox_row(sqlite3_stmt *st, struct store_record *r)
{
	char kind[32];

	r->seq = sqlite3_column_int64(st, 0);
	sq_col_text(st, 1, r->id, sizeof(r->id));
	sq_col_text(st, 2, kind, sizeof(kind));
	r->kind = store_kind_parse(kind);
	sq_col_text(st, 3, r->key_id, sizeof(r->key_id));
	r->created = sqlite3_column_int64(st, 4);
	if (sq_blob_dup(st, 5, &r->enc, &r->enc_len) == -1 ||
	    sq_blob_dup(st, 6, &r->ct, &r->ct_len) == -1)
		return -1;
	sq_col_text(st, 7, r->slot.dealer, sizeof(r->slot.dealer));
	sq_col_text(st, 8, r->slot.model, sizeof(r->slot.model));
	sq_col_text(st, 9, r->slot.start, sizeof(r->slot.start));
	return 0;
}

static int
sq_inbox_on(struct sq_conn *c, const char *const *keys, size_t nkeys,
    int64_t after, size_t limit, struct store_record **rp, size_t *np,
    int64_t *nextp, struct store_err *err)
{
	static const char op[] = "store_inbox";
	struct store_record *v = NULL;
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;
	int rc;

	if ((st = sq_keys_stmt(c, &c->inbox[nkeys],
	    "SELECT r.seq, r.id, r.kind, r.key_id, r.created, r.enc, r.ct,"
	    " b.dealer, b.model, b.slot_start FROM records AS r"
	    " LEFT JOIN bookings AS b ON b.booking_id = r.id"
	    " WHERE r.seq > ?1 AND r.key_id IN (", 3, nkeys,
	    ") ORDER BY r.seq LIMIT ?2", op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_int(st, 1, after) || sq_bind_int(st, 2, (int64_t)limit) ||
	    sq_bind_keys(st, 3, keys, nkeys))
		return sq_binderr(c, st, op, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&v, &cap, n, sizeof(*v)) == -1 ||
		    sq_inbox_row(st, &v[n++]) == -1) {
			rc = store_seterr(err, STORE_ERR, "%s: out of memory", op);
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = sq_dberr(c->db, op, err);
		goto out;
	}
	*nextp = n > 0 ? v[n - 1].seq : after;
	*rp = v;
	*np = n;
	v = NULL;
	rc = STORE_OK;
out:
	sq_done(st);
	store_records_free(v, n);
	return rc;
}

static int
sq_inbox(struct store *st, const char *const *keys, size_t nkeys,
    int64_t after, size_t limit, struct store_record **rp, size_t *np,
    int64_t *nextp, struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	rc = sq_inbox_on(c, keys, nkeys, after, limit, rp, np, nextp, err);
	sq_reader_put(s, c);
	return rc;
}

/* The recipient due first, and what waits for it: STORE_NOT_FOUND when none. */
static int
sq_notice_pick(struct sq_conn *c, int64_t now, struct store_notice *n,
    int64_t *maxseq, struct store_err *err)
{
	static const char op[] = "store_notice_next";
	sqlite3_stmt *st;
	char kind[32];
	int rc, k;

	if ((st = sq_stmt(c, SQ_NOTICE_PICK, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_int(st, 1, now))
		return sq_binderr(c, st, op, err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_col_text(st, 0, n->key_id, sizeof(n->key_id));
		n->attempts = (unsigned int)sqlite3_column_int(st, 1);
	}
	sq_done(st);
	if (rc == SQLITE_DONE)
		return STORE_NOT_FOUND;
	if (rc != SQLITE_ROW)
		return sq_dberr(c->db, op, err);
	/* One statement: the counts and the last seq come from one snapshot. */
	if ((st = sq_stmt(c, SQ_NOTICE_SUM, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, n->key_id))
		return sq_binderr(c, st, op, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sq_col_text(st, 0, kind, sizeof(kind));
		if ((k = (int)store_kind_parse(kind)) > 0)
			n->count[k] = (uint64_t)sqlite3_column_int64(st, 1);
		if (sqlite3_column_int64(st, 2) > *maxseq)
			*maxseq = sqlite3_column_int64(st, 2);
		if (n->oldest == 0 || sqlite3_column_int64(st, 3) < n->oldest)
			n->oldest = sqlite3_column_int64(st, 3);
	}
	sq_done(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_dberr(c->db, op, err);
}

/*
 * Read, send, record: the send runs outside any transaction (the writer
 * thread is shared), which is safe with one sender per database. Seqs are
 * handed out and committed in order by the one writer, so deleting up to
 * the last seq counted deletes exactly what was counted (or less, if some
 * went meanwhile).
 */
static int
sq_notice_next(struct store *st, int64_t now,
    const struct store_notice_policy *p, store_notice_fn *send, void *arg,
    enum store_notice_outcome *outcome, struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct store_notice n;
	struct sq_conn *c;
	int64_t maxseq = 0;
	int rc;
	struct sq_op op = { .type = SQ_OP_NOTICE, .name = "store_notice_next" };

	memset(&n, 0, sizeof(n));
	c = sq_reader_get(s);
	rc = sq_notice_pick(c, now, &n, &maxseq, err);
	sq_reader_put(s, c);
	if (rc != STORE_OK)
		return rc;
	*outcome = send(&n, arg);
	op.key_id = n.key_id;
	op.t1 = maxseq;
	op.del = 1;
	op.t2 = now + p->interval;
	if (*outcome == STORE_NOTICE_SENT)
		op.counter = "notices_delivered";
	else if (*outcome == STORE_NOTICE_FAILED && now - n.oldest < p->give_up) {
		op.del = 0;
		op.count = n.attempts + 1;
		op.t2 = now + store_notice_backoff(p, n.attempts + 1);
		op.counter = "notices_retried";
	} else if (*outcome == STORE_NOTICE_FAILED)
		op.counter = "notices_failed";
	else
		op.t2 = now;	/* nobody to tell: nothing to space out */
	return sq_submit(s, &op, err);
}

static void
sq_counter_set(struct store_counters *out, const char *name, uint64_t v)
{
	int k;

	for (k = 1; k <= STORE_KIND_MAX; k++)
		if (strncmp(name, "stored_", 7) == 0 &&
		    strcmp(name + 7, store_kind_name((enum store_kind)k)) == 0)
			out->stored[k] = v;
	if (strcmp(name, "acked") == 0)
		out->acked = v;
	else if (strcmp(name, "expired") == 0)
		out->expired = v;
	else if (strcmp(name, "cancelled") == 0)
		out->cancelled = v;
	else if (strcmp(name, "notices_delivered") == 0)
		out->notices_delivered = v;
	else if (strcmp(name, "notices_retried") == 0)
		out->notices_retried = v;
	else if (strcmp(name, "notices_failed") == 0)
		out->notices_failed = v;
}

static int
sq_counters_on(struct sq_conn *c, struct store_counters *out,
    struct store_err *err)
{
	static const char op[] = "store_counters";
	sqlite3_stmt *st;
	const unsigned char *name;
	int rc;

	if ((st = sq_stmt(c, SQ_COUNTERS, op, err)) == NULL)
		return STORE_ERR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((name = sqlite3_column_text(st, 0)) != NULL)
			sq_counter_set(out, (const char *)name,
			    (uint64_t)sqlite3_column_int64(st, 1));
	rc = rc == SQLITE_DONE ? STORE_OK : sq_dberr(c->db, op, err);
	sq_done(st);
	return rc;
}

static int
sq_counters(struct store *st, struct store_counters *out,
    struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	rc = sq_counters_on(c, out, err);
	sq_reader_put(s, c);
	return rc;
}

static int
sq_columns_on(struct sq_conn *c, char ***colsp, size_t *np,
    struct store_err *err)
{
	static const char op[] = "store_columns";
	sqlite3_stmt *st;
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if ((st = sq_stmt(c, SQ_COLUMNS, op, err)) == NULL)
		return STORE_ERR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&v, &cap, n, sizeof(*v)) == -1) {
			rc = store_seterr(err, STORE_ERR, "%s: out of memory", op);
			goto out;
		}
		if (asprintf(&v[n], "%s.%s", sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1)) == -1) {
			v[n] = NULL;	/* asprintf leaves it undefined */
			rc = store_seterr(err, STORE_ERR, "%s: out of memory", op);
			goto out;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		rc = sq_dberr(c->db, op, err);
		goto out;
	}
	*colsp = v;
	*np = n;
	v = NULL;
	rc = STORE_OK;
out:
	sq_done(st);
	store_columns_free(v, n);
	return rc;
}

static int
sq_columns(struct store *st, char ***colsp, size_t *np,
    struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	rc = sq_columns_on(c, colsp, np, err);
	sq_reader_put(s, c);
	return rc;
}

static int
sq_counts_get_on(struct sq_conn *c, const char *from, const char *to,
    struct store_count **vp, size_t *np, struct store_err *err)
{
	static const char op[] = "store_counts_get";
	struct store_count *v = NULL;
	sqlite3_stmt *st;
	char lo[STORE_DAY_PREFIX_LEN + 1], hi[STORE_DAY_PREFIX_LEN + 1];
	size_t n = 0, cap = 0;
	int rc;

	/* [d/FROM/, d/TO0): '0' follows '/', so the whole of day TO is in. */
	store_day_name(lo, sizeof(lo), from, 0, "");
	store_day_name(hi, sizeof(hi), to, 0, "");
	hi[STORE_DAY_PREFIX_LEN - 1] = '0';
	if ((st = sq_stmt(c, SQ_COUNTS_GET, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, lo) || sq_bind_text(st, 2, hi))
		return sq_binderr(c, st, op, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&v, &cap, n, sizeof(*v)) == -1) {
			rc = store_seterr(err, STORE_ERR, "%s: out of memory", op);
			goto out;
		}
		if (sqlite3_column_text(st, 0) == NULL ||
		    store_day_parse((const char *)sqlite3_column_text(st, 0), &v[n]) == -1)
			continue;
		v[n++].value = (uint64_t)sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE) {
		rc = sq_dberr(c->db, op, err);
		goto out;
	}
	*vp = v;
	*np = n;
	v = NULL;
	rc = STORE_OK;
out:
	sq_done(st);
	free(v);
	return rc;
}

static int
sq_counts_get(struct store *st, const char *from, const char *to,
    struct store_count **vp, size_t *np, struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	rc = sq_counts_get_on(c, from, to, vp, np, err);
	sq_reader_put(s, c);
	return rc;
}

static int
sq_held_on(struct sq_conn *c, struct store_holdings *h, struct store_err *err)
{
	static const char op[] = "store_holdings";
	sqlite3_stmt *st;
	size_t cap = 0;
	char kind[32];
	int rc;

	if ((st = sq_stmt(c, SQ_HELD, op, err)) == NULL)
		return STORE_ERR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&h->held, &cap, h->nheld, sizeof(*h->held)) == -1) {
			sq_done(st);
			return store_seterr(err, STORE_ERR, "%s: out of memory", op);
		}
		sq_col_text(st, 0, kind, sizeof(kind));
		h->held[h->nheld].kind = store_kind_parse(kind);
		sq_col_text(st, 1, h->held[h->nheld].key_id, sizeof(h->held[0].key_id));
		h->held[h->nheld].records = (uint64_t)sqlite3_column_int64(st, 2);
		h->held[h->nheld++].oldest = sqlite3_column_int64(st, 3);
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_dberr(c->db, op, err);
	sq_done(st);
	return rc;
}

static int
sq_ahead_on(struct sq_conn *c, const char *from, struct store_holdings *h,
    struct store_err *err)
{
	static const char op[] = "store_holdings";
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if ((st = sq_stmt(c, SQ_AHEAD, op, err)) == NULL)
		return STORE_ERR;
	if (sq_bind_text(st, 1, from))
		return sq_binderr(c, st, op, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq_grow((void **)&h->ahead, &cap, h->nahead, sizeof(*h->ahead)) == -1) {
			sq_done(st);
			return store_seterr(err, STORE_ERR, "%s: out of memory", op);
		}
		sq_col_text(st, 0, h->ahead[h->nahead].day, sizeof(h->ahead[0].day));
		sq_col_text(st, 1, h->ahead[h->nahead].dealer, sizeof(h->ahead[0].dealer));
		h->ahead[h->nahead++].bookings = (uint64_t)sqlite3_column_int64(st, 2);
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_dberr(c->db, op, err);
	sq_done(st);
	return rc;
}

/* The notices waiting in the outbox. */
static int
sq_outbox_on(struct sq_conn *c, struct store_holdings *h, struct store_err *err)
{
	static const char op[] = "store_holdings";
	sqlite3_stmt *st;
	int rc;

	if ((st = sq_stmt(c, SQ_OUTBOX, op, err)) == NULL)
		return STORE_ERR;
	if (sqlite3_step(st) == SQLITE_ROW) {
		h->outbox_backlog = sqlite3_column_int64(st, 0);
		rc = STORE_OK;
	} else
		rc = sq_dberr(c->db, op, err);
	sq_done(st);
	return rc;
}

static int
sq_holdings(struct store *st, const char *from, struct store_holdings *h,
    struct store_err *err)
{
	struct sq_store *s = (struct sq_store *)st;
	struct sq_conn *c = sq_reader_get(s);
	int rc;

	/* One statement each: in WAL mode each sees its own snapshot, which counts allow. */
	if ((rc = sq_held_on(c, h, err)) == STORE_OK &&
	    (rc = sq_ahead_on(c, from, h, err)) == STORE_OK)
		rc = sq_outbox_on(c, h, err);
	sq_reader_put(s, c);
	return rc;
}

/* Opening and closing. */

static void
sq_close(struct store *st)
{
	struct sq_store *s = (struct sq_store *)st;
	size_t i;

	if (s->writer_started) {
		pthread_mutex_lock(&s->mu);
		s->stopping = 1;
		pthread_cond_signal(&s->work);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->writer, NULL);
	}
	for (i = 0; i < SQ_READERS; i++)
		sq_conn_close(&s->r[i]);
	sq_conn_close(&s->w);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->rmu);
	pthread_cond_destroy(&s->rfree);
	free(s);
}

/*
 * Makes DIR (0700) and DIR/showroom.db (0600) if missing, so that nobody
 * else can read even the ciphertext; SQLite gives its -wal and -shm files
 * the database file's mode.
 */
static int
sq_mkfiles(const char *dir, char *path, size_t size, struct store_err *err)
{
	int fd;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return store_seterr(err, STORE_ERR, "store_open: mkdir %s: %s",
		    dir, strerror(errno));
	if ((size_t)snprintf(path, size, "%s/%s", dir, SQ_DBFILE) >= size)
		return store_seterr(err, STORE_ERR,
		    "store_open: directory name too long");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1)
		return store_seterr(err, STORE_ERR, "store_open: %s: %s", path,
		    strerror(errno));
	close(fd);
	return STORE_OK;
}

static int
sq_open(struct store **stp, const char *dir, struct store_err *err)
{
	struct sq_store *s;
	pthread_condattr_t ca;
	char path[4096];
	size_t i;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return store_seterr(err, STORE_ERR, "store_open: out of memory");
	s->base.ops = &store_sqlite_ops;
	s->tailp = &s->head;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	/* sq_gather's deadline is on the monotonic clock. */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->work, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->rmu, NULL);
	pthread_cond_init(&s->rfree, NULL);
	if ((rc = sq_mkfiles(dir, path, sizeof(path), err)) != STORE_OK ||
	    (rc = sq_conn_open(&s->w, path, 0, err)) != STORE_OK ||
	    (rc = sq_migrate(&s->w, err)) != STORE_OK)
		goto fail;
	for (i = 0; i < SQ_READERS; i++)
		if ((rc = sq_conn_open(&s->r[i], path, 1, err)) != STORE_OK)
			goto fail;
	if ((errno = pthread_create(&s->writer, NULL, sq_writer, s)) != 0) {
		rc = store_seterr(err, STORE_ERR,
		    "store_open: writer thread: %s", strerror(errno));
		goto fail;
	}
	s->writer_started = 1;
	*stp = &s->base;
	return STORE_OK;
fail:
	sq_close(&s->base);
	return rc;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.put = sq_put,
	.book = sq_book,
	.slot_counts = sq_slot_counts,
	.calendar_set = sq_calendar_set,
	.calendar = sq_calendar,
	.booking_decide = sq_booking_decide,
	.booking_find = sq_booking_find,
	.booking_held = sq_booking_held,
	.cancel = sq_cancel,
	.inbox = sq_inbox,
	.ack = sq_ack,
	.expire = sq_expire,
	.nonce_use = sq_nonce_use,
	.counters = sq_counters,
	.columns = sq_columns,
	.counts_add = sq_counts_add,
	.counts_get = sq_counts_get,
	.holdings = sq_holdings,
	.notice_next = sq_notice_next,
};
