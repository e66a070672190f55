/*
 * PostgreSQL store backend (libpq): "postgres://..." or "postgresql://..."
 * URLs, passed to libpq as they are. Same tables, columns and semantics as
 * the SQLite backend; docs/STORE.md and docs/OPERATIONS.md say more.
 *
 * Thread model. A handle keeps a pool of up to PG_POOL_MAX connections,
 * opened as concurrency asks for them. Every call takes one connection,
 * runs its statements (prepared once per connection, bytea in binary)
 * and gives it back. Each write is one READ COMMITTED transaction that is
 * committed before the call returns, with synchronous_commit on (the
 * server's default; forced on for our sessions if the server turned it
 * off); PostgreSQL groups concurrent commits into one WAL flush itself,
 * so there is no writer thread here. Several handles, processes and nodes
 * may share one database.
 *
 * Concurrency, in the SQL itself:
 *  - Capacity: one upsert takes a place, "INSERT ... ON CONFLICT DO UPDATE
 *    SET booked = booked + 1 ... WHERE booked < capacity": it locks the
 *    slot row and re-checks the condition on its newest version, so
 *    concurrent bookers queue on the row and never overbook; CHECK (booked
 *    <= capacity) is the backstop.
 *  - Idempotency: the key is looked up first (a replay takes no place);
 *    two calls racing on one key both miss it, and the idem insert (ON
 *    CONFLICT DO NOTHING) of the later one inserts nothing once the first
 *    committed: it rolls back everything and returns the first receipt.
 *  - Cancel once: DELETE ... RETURNING on the booking row; a concurrent
 *    second cancel waits for the row and then finds nothing.
 *  - Inbox cursor: seq comes from a sequence, handed out before commit,
 *    so transactions may commit out of seq order. Every transaction that
 *    inserts a record first takes a shared transaction-level advisory lock
 *    (writers never wait for each other on it). store_inbox first takes
 *    the same lock exclusively in a statement of its own, which returns
 *    once no inserting transaction is in flight, together with max(seq):
 *    every seq at or below it is then committed or rolled back for good,
 *    and any later insert gets a larger one. The page is read up to that
 *    horizon only, so a record never appears below a cursor handed out.
 *    Writers wait for that moment only (the in-flight commits).
 *  - Counters: one row per name and shard ("acked@07"), the shard chosen
 *    per connection, summed on read: concurrent writers do not queue on
 *    one hot row.
 *  - Deadlocks and serialization failures (40P01, 40001) roll the whole
 *    transaction back: it is run again, up to PG_TRIES times.
 *  - Schema migrations run in one transaction under an exclusive advisory
 *    lock, so nodes starting at once migrate one after the other; a
 *    schema newer than this program knows is refused.
 *
 * Error messages carry the operation and PostgreSQL's primary message and
 * SQLSTATE, never its DETAIL (which quotes key values) nor the URL.
 */
#include "store/store_int.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef PG_POOL_MAX
#define PG_POOL_MAX	32	/* connections per handle, opened on demand */
#endif
#define PG_SHARDS	16	/* counter rows per name */
#define PG_TRIES	5	/* runs of a transaction that deadlocked */
#define PG_ARGS_MAX	10
#define PG_CONNECT_TIMEOUT "10"	/* seconds, unless the URL says otherwise */
#define PG_SERVER_MIN	100000	/* identity columns: PostgreSQL 10 */

/* Advisory lock keys (two int4): "show", then what it guards. */
#define PG_LOCK_NS	"1936224119"
#define PG_LOCK_MIGRATE	"1"
#define PG_LOCK_RECORDS	"2"
/* A dealer's calendar: "shox", then hashtext(dealer). Bookings take it
 * shared, calendar changes exclusively, so neither misses the other. */
#define PG_LOCK_CAL_NS	"1936224120"

/* A call that succeeded without changing anything: roll back, return OK. */
#define PG_DONE_ROLLBACK	100

/*
 * Schema migrations: entry i takes the schema from version i to i + 1.
 * Never edit one that has shipped; append. Plain SQL only (see
 * docs/OPERATIONS.md). The sequence must not cache values (CACHE 1):
 * cached blocks per session would break the inbox order.
 */
static const char *const pg_migrations[] = {
	/* 1: records, idempotency keys, slots, bookings, nonces, counters. */
	"CREATE TABLE records ("
	"  seq BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE CHECK (length(id) = 26),"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('catalog_request', 'test_drive', 'cancellation')),"
	"  key_id TEXT NOT NULL,"
	"  created BIGINT NOT NULL,"
	"  enc BYTEA NOT NULL,"
	"  ct BYTEA NOT NULL);"
	"CREATE INDEX records_key_seq ON records (key_id, seq);"
	"CREATE INDEX records_created ON records (created);"
	"CREATE TABLE idem ("
	"  hash BYTEA PRIMARY KEY CHECK (length(hash) = 32),"
	"  record_id TEXT NOT NULL"
	"    REFERENCES records (id) ON DELETE CASCADE);"
	"CREATE INDEX idem_record ON idem (record_id);"
	"CREATE TABLE slots ("
	"  dealer TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  slot_start TEXT NOT NULL,"
	"  booked INTEGER NOT NULL CHECK (booked >= 0),"
	"  capacity INTEGER NOT NULL,"
	"  CHECK (booked <= capacity),"
	"  PRIMARY KEY (dealer, model, slot_start));"
	"CREATE TABLE bookings ("
	"  cancel_hash BYTEA PRIMARY KEY CHECK (length(cancel_hash) = 32),"
	"  booking_id TEXT NOT NULL UNIQUE,"
	"  dealer TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  slot_start TEXT NOT NULL,"
	"  created BIGINT NOT NULL);"
	"CREATE INDEX bookings_created ON bookings (created);"
	"CREATE TABLE nonces ("
	"  key_id TEXT NOT NULL,"
	"  nonce TEXT NOT NULL,"
	"  expires_at BIGINT NOT NULL,"
	"  PRIMARY KEY (key_id, nonce));"
	"CREATE INDEX nonces_expires ON nonces (expires_at);"
	/* name is "stored_catalog_request@07": a counter and its shard. */
	"CREATE TABLE counters ("
	"  name TEXT PRIMARY KEY,"
	"  value BIGINT NOT NULL);",
	/* 2: the dealers' calendar: closed days and demo cars, per day. */
	"CREATE TABLE calendar ("
	"  dealer TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  day TEXT NOT NULL CHECK (length(day) = 10),"
	"  closed INTEGER NOT NULL CHECK (closed IN (0, 1)),"
	"  cars INTEGER CHECK (cars >= 0),"
	"  PRIMARY KEY (dealer, model, day));",
	/* 3: a booking's status and, once declined, the reason code. */
	"ALTER TABLE bookings ADD COLUMN status TEXT NOT NULL DEFAULT 'booked'"
	"  CHECK (status IN ('booked', 'pending', 'confirmed', 'declined'));"
	"ALTER TABLE bookings ADD COLUMN reason TEXT;",
	/* 4: the notice outbox, and when each recipient's next notice is due. */
	"CREATE TABLE notices ("
	"  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,"
	"  key_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  created BIGINT NOT NULL);"
	"CREATE INDEX notices_key ON notices (key_id, seq);"
	"CREATE INDEX notices_record ON notices (record_id);"
	"CREATE TABLE notice_state ("
	"  key_id TEXT PRIMARY KEY,"
	"  next_at BIGINT NOT NULL,"
	"  attempts INTEGER NOT NULL);",
};
#define PG_SCHEMA	((int)(sizeof(pg_migrations) / sizeof(pg_migrations[0])))

enum pg_sql {
	PG_PUT, PG_IDEM_GET, PG_IDEM_PUT, PG_REC_PUT, PG_REC_DEL, PG_COUNT_ADD,
	PG_SLOT_TAKE, PG_SLOT_FREE, PG_SLOT_COUNTS,
	PG_BOOKING_PUT, PG_BOOKING_GET, PG_BOOKING_HELD, PG_BOOKING_TAKE, PG_ACK,
	PG_EXP_RECORDS, PG_EXP_BOOKINGS, PG_EXP_NONCES, PG_EXP_SLOTS,
	PG_NONCE_USE, PG_HORIZON, PG_INBOX, PG_COUNTERS, PG_COLUMNS,
	PG_EXP_COUNTS, PG_COUNTS_GET, PG_HELD, PG_AHEAD, PG_OUTBOX,
	PG_CAL_LOCK, PG_CAL_LOCK_SHARED, PG_CAL_CLOSE, PG_CAL_OPEN, PG_CAL_CARS,
	PG_CAL_PRUNE, PG_CAL_GET, PG_CAL_SLOT, PG_CAL_HIT_CLOSED,
	PG_CAL_HIT_CARS, PG_EXP_CAL, PG_BOOKING_LOCK, PG_BOOKING_SET,
	PG_NOTICE_PUT, PG_NOTICE_PICK, PG_NOTICE_TAKE, PG_NOTICE_STATE_SET,
	PG_NSQL
};

static const char *const pg_sql[PG_NSQL] = {
	/*
	 * store_put in one statement, so in one round trip and its own
	 * transaction: a known idempotency key returns its record; else the
	 * shared lock (before the record takes its seq), the record, its key
	 * and its count. A key claimed concurrently fails on idem_pkey.
	 */
	[PG_PUT] = "WITH seen AS (SELECT record_id FROM idem"
	    "   WHERE $7::bytea IS NOT NULL AND hash = $7::bytea),"
	    " l AS (SELECT pg_advisory_xact_lock_shared(" PG_LOCK_NS ", "
	    PG_LOCK_RECORDS ") AS x WHERE NOT EXISTS (SELECT 1 FROM seen)),"
	    " r AS (INSERT INTO records (id, kind, key_id, created, enc, ct)"
	    "   SELECT $1::text, $2::text, $3::text, $4::bigint, $5::bytea,"
	    "   $6::bytea FROM l RETURNING id, kind, key_id, created),"
	    " n AS (INSERT INTO notices (record_id, key_id, kind, created)"
	    "   SELECT id, key_id, kind, created FROM r),"
	    " ns AS (INSERT INTO notice_state (key_id, next_at, attempts)"
	    "   SELECT key_id, 0, 0 FROM r WHERE NOT EXISTS (SELECT 1 FROM"
	    "   notice_state AS s WHERE s.key_id = r.key_id) ON CONFLICT DO NOTHING),"
	    " i AS (INSERT INTO idem (hash, record_id)"
	    "   SELECT $7::bytea, id FROM r WHERE $7::bytea IS NOT NULL),"
	    " c AS (INSERT INTO counters (name, value)"
	    "   SELECT 'stored_' || kind || $8::text, 1 FROM r"
	    "   ON CONFLICT (name) DO UPDATE"
	    "   SET value = counters.value + excluded.value),"
	    " d AS (INSERT INTO counters (name, value)"
	    "   SELECT $9::text || kind || $8::text, 1 FROM r"
	    "   ON CONFLICT (name) DO UPDATE"
	    "   SET value = counters.value + excluded.value)"
	    " SELECT (SELECT record_id FROM seen), (SELECT count(*) FROM r)",
	[PG_IDEM_GET] = "SELECT record_id FROM idem WHERE hash = $1",
	[PG_IDEM_PUT] = "INSERT INTO idem (hash, record_id) VALUES ($1, $2)"
	    " ON CONFLICT (hash) DO NOTHING RETURNING record_id",
	[PG_REC_PUT] = "INSERT INTO records (id, kind, key_id, created, enc, ct)"
	    " VALUES ($1, $2, $3, $4, $5, $6)",
	[PG_REC_DEL] = "DELETE FROM records WHERE id = $1",
	[PG_COUNT_ADD] = "INSERT INTO counters (name, value) VALUES ($1, $2)"
	    " ON CONFLICT (name) DO UPDATE"
	    " SET value = counters.value + excluded.value",
	/* Check and take in one statement, on the locked row. */
	[PG_SLOT_TAKE] = "INSERT INTO slots"
	    " (dealer, model, slot_start, booked, capacity)"
	    " VALUES ($1, $2, $3, 1, $4)"
	    " ON CONFLICT (dealer, model, slot_start) DO UPDATE"
	    " SET booked = slots.booked + 1, capacity = excluded.capacity"
	    " WHERE slots.booked < excluded.capacity",
	[PG_SLOT_FREE] = "UPDATE slots SET booked = booked - 1"
	    " WHERE dealer = $1 AND model = $2 AND slot_start = $3"
	    " AND booked > 0",
	/* Equality on the day and fixed-width starts: any collation will do. */
	[PG_SLOT_COUNTS] = "SELECT slot_start, booked FROM slots"
	    " WHERE dealer = $1 AND model = $2"
	    " AND substr(slot_start, 1, 10) = $3 AND booked > 0"
	    " ORDER BY slot_start",
	[PG_BOOKING_PUT] = "INSERT INTO bookings (cancel_hash, booking_id,"
	    " dealer, model, slot_start, created, status)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7)",
	[PG_BOOKING_GET] = "SELECT booking_id, dealer, model, slot_start,"
	    " created, status, reason FROM bookings WHERE cancel_hash = $1",
	[PG_BOOKING_HELD] = "SELECT 1 FROM bookings WHERE booking_id = $1",
	/* A declined booking's place is free already: it cannot be cancelled.
	 * After waiting for a concurrent decline, the condition is re-checked. */
	[PG_BOOKING_TAKE] = "DELETE FROM bookings WHERE cancel_hash = $1"
	    " AND status <> 'declined'"
	    " RETURNING booking_id, dealer, model, slot_start, created, status,"
	    " reason",
	[PG_ACK] = "DELETE FROM records WHERE id = ANY ($1::text[])"
	    " AND key_id = ANY ($2::text[])",
	[PG_EXP_RECORDS] = "DELETE FROM records WHERE created < $1",
	[PG_EXP_BOOKINGS] = "DELETE FROM bookings WHERE created < $1",
	[PG_EXP_NONCES] = "DELETE FROM nonces WHERE expires_at <= $1",
	[PG_EXP_SLOTS] = "DELETE FROM slots WHERE substr(slot_start, 1, 10) < $1",
	/* A nonce whose earlier use has expired may be used again. */
	[PG_NONCE_USE] = "INSERT INTO nonces (key_id, nonce, expires_at)"
	    " VALUES ($1, $2, $3) ON CONFLICT (key_id, nonce) DO UPDATE"
	    " SET expires_at = excluded.expires_at"
	    " WHERE nonces.expires_at <= $4",
	/* Returns once no record insert is in flight (see the top). */
	[PG_HORIZON] = "SELECT pg_advisory_xact_lock(" PG_LOCK_NS ", "
	    PG_LOCK_RECORDS ")::text, (SELECT max(seq) FROM records)",
	[PG_INBOX] = "SELECT r.seq, r.id, r.kind, r.key_id, r.created, r.enc,"
	    " r.ct, b.dealer, b.model, b.slot_start FROM records AS r"
	    " LEFT JOIN bookings AS b ON b.booking_id = r.id"
	    " WHERE r.key_id = ANY ($1::text[]) AND r.seq > $2"
	    " AND r.seq <= $3 ORDER BY r.seq LIMIT $4",
	[PG_COUNTERS] = "SELECT name, value FROM counters",
	[PG_COLUMNS] = "SELECT table_name, column_name"
	    " FROM information_schema.columns"
	    " WHERE table_schema = current_schema() ORDER BY 1, 2",
	/* Daily counters sort by day ("d/YYYY-MM-DD/...") in byte order, whatever the
	 * database's collation. */
	[PG_EXP_COUNTS] = "DELETE FROM counters WHERE name COLLATE \"C\" >= 'd/'"
	    " AND name COLLATE \"C\" < $1",
	[PG_COUNTS_GET] = "SELECT name, value FROM counters"
	    " WHERE name COLLATE \"C\" >= $1 AND name COLLATE \"C\" < $2",
	[PG_HELD] = "SELECT kind, key_id, count(*), min(created) FROM records"
	    " GROUP BY kind, key_id ORDER BY kind COLLATE \"C\", key_id COLLATE \"C\"",
	/* A declined booking holds no place (its row stays for the receipt). */
	[PG_AHEAD] = "SELECT substr(slot_start, 1, 10), dealer, count(*)"
	    " FROM bookings WHERE substr(slot_start, 1, 10) COLLATE \"C\" >= $1"
	    " AND status <> 'declined' GROUP BY 1, 2"
	    " ORDER BY substr(slot_start, 1, 10) COLLATE \"C\", dealer COLLATE \"C\"",
	[PG_OUTBOX] = "SELECT count(*) FROM notices",
	[PG_CAL_LOCK] = "SELECT pg_advisory_xact_lock(" PG_LOCK_CAL_NS ","
	    " hashtext($1))::text",
	[PG_CAL_LOCK_SHARED] = "SELECT pg_advisory_xact_lock_shared("
	    PG_LOCK_CAL_NS ", hashtext($1))::text",
	[PG_CAL_CLOSE] = "INSERT INTO calendar (dealer, model, day, closed, cars)"
	    " SELECT $1, $2, to_char(d, 'YYYY-MM-DD'), 1, NULL"
	    " FROM generate_series($3::date, $4::date, interval '1 day') AS d"
	    " ON CONFLICT (dealer, model, day) DO UPDATE SET closed = 1",
	[PG_CAL_OPEN] = "UPDATE calendar SET closed = 0 WHERE dealer = $1"
	    " AND model = $2 AND day >= $3 AND day <= $4",
	[PG_CAL_CARS] = "INSERT INTO calendar (dealer, model, day, closed, cars)"
	    " SELECT $1, $2, to_char(d, 'YYYY-MM-DD'), 0, $5::integer"
	    " FROM generate_series($3::date, $4::date, interval '1 day') AS d"
	    " ON CONFLICT (dealer, model, day) DO UPDATE SET cars = excluded.cars",
	/* A row that says nothing any more goes. */
	[PG_CAL_PRUNE] = "DELETE FROM calendar WHERE dealer = $1 AND model = $2"
	    " AND day >= $3 AND day <= $4 AND closed = 0 AND cars IS NULL",
	[PG_CAL_GET] = "SELECT model, day, closed, cars FROM calendar"
	    " WHERE dealer = $1 AND day >= $2 AND day <= $3 ORDER BY day, model",
	/* One slot's day: closed (store or model), and the model's cars. */
	[PG_CAL_SLOT] = "SELECT max(closed), max(CASE WHEN model = $2 THEN cars"
	    " END) FROM calendar WHERE dealer = $1 AND model IN ('', $2)"
	    " AND day = $3",
	[PG_CAL_HIT_CLOSED] = "SELECT booking_id, dealer, model, slot_start,"
	    " created, status, reason FROM bookings WHERE dealer = $1"
	    " AND ($2 = '' OR model = $2) AND substr(slot_start, 1, 10) >= $3"
	    " AND substr(slot_start, 1, 10) <= $4 AND status <> 'declined'"
	    " ORDER BY slot_start, booking_id",
	[PG_CAL_HIT_CARS] = "SELECT b.booking_id, b.dealer, b.model,"
	    " b.slot_start, b.created, b.status, b.reason FROM bookings AS b"
	    " JOIN slots AS s ON s.dealer = b.dealer AND s.model = b.model"
	    " AND s.slot_start = b.slot_start WHERE b.dealer = $1"
	    " AND b.model = $2 AND substr(b.slot_start, 1, 10) >= $3"
	    " AND substr(b.slot_start, 1, 10) <= $4 AND s.booked > $5"
	    " AND b.status <> 'declined' ORDER BY b.slot_start, b.booking_id",
	[PG_EXP_CAL] = "DELETE FROM calendar WHERE day < $1",
	/* The row lock orders a decision against a cancel of the same booking. */
	[PG_BOOKING_LOCK] = "SELECT booking_id, dealer, model, slot_start,"
	    " created, status, reason FROM bookings"
	    " WHERE booking_id = $1 AND dealer = $2 FOR UPDATE",
	[PG_BOOKING_SET] = "UPDATE bookings SET status = $2, reason = $3"
	    " WHERE booking_id = $1",
	/* The record's notice, and its recipient's row (a plain read first:
	 * the common case writes nothing and waits for no sender's lock). */
	[PG_NOTICE_PUT] = "WITH n AS (INSERT INTO notices"
	    " (record_id, key_id, kind, created) VALUES ($1, $2, $3, $4))"
	    " INSERT INTO notice_state (key_id, next_at, attempts)"
	    " SELECT $2, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM notice_state"
	    " WHERE key_id = $2) ON CONFLICT DO NOTHING",
	/* One recipient due, locked; another sender skips it. */
	[PG_NOTICE_PICK] = "SELECT s.key_id, s.attempts FROM notice_state AS s"
	    " WHERE s.next_at <= $1 AND EXISTS (SELECT 1 FROM notices AS n"
	    " WHERE n.key_id = s.key_id) ORDER BY s.next_at, s.key_id LIMIT 1"
	    " FOR UPDATE SKIP LOCKED",
	/* What is committed now; later rows wait for the next notice. */
	[PG_NOTICE_TAKE] = "DELETE FROM notices WHERE key_id = $1"
	    " RETURNING kind, created",
	[PG_NOTICE_STATE_SET] = "UPDATE notice_state SET next_at = $2,"
	    " attempts = $3 WHERE key_id = $1",
};

/* Transactions: none (one statement), or one that may insert a record. */
enum pg_tx {
	PG_TX_NONE, PG_TX_WRITE, PG_TX_RECORDS
};

struct pg_conn {
	PGconn		*pc;
	unsigned char	 prepared[PG_NSQL];
	unsigned int	 shard;
	int		 retry;		/* the last error asks for a rerun */
	char		 constraint[64];	/* the last error's, or "" */
	int		 busy;
};

struct pg_store {
	struct store	 base;		/* first: a struct store * is this */
	char		*url;
	pthread_mutex_t	 mu;
	pthread_cond_t	 idle;		/* a connection came back */
	size_t		 nbusy;
	struct pg_conn	 c[PG_POOL_MAX];
};

/* Statement parameters: text, or binary for bytea. */
struct pg_args {
	int		 n;
	const char	*val[PG_ARGS_MAX];
	int		 len[PG_ARGS_MAX];
	int		 fmt[PG_ARGS_MAX];
	char		 num[PG_ARGS_MAX][24];
};

/* What a write call passes to its transaction. */
struct pg_op {
	const char	*name;
	const struct store_record *rec;
	const unsigned char *hash;	/* idempotency or cancel hash */
	unsigned int	 capacity;
	char		*receipt;
	const char *const *keys;
	size_t		 nkeys;
	const char *const *ids;
	size_t		 nids;
	const char	*nonce;
	const char	*key_id;
	int64_t		 t1, t2;	/* expire: max_age, now; nonce: exp, now */
	uint64_t	 count;
	const struct store_count *counts;
	size_t		 ncounts;
	enum store_booking_status status;	/* decide */
	const char	*reason;
	struct store_booking *booking;
	const struct store_cal_change *cal;
	struct store_booking *hits;	/* calendar: bookings affected */
	size_t		 nhits;
};

typedef int (*pg_fn)(struct pg_conn *, void *, struct store_err *);

/* Parameters. */

static void
pg_arg_text(struct pg_args *a, const char *s)
{
	a->val[a->n] = s;
	a->len[a->n] = 0;
	a->fmt[a->n++] = 0;
}

static void
pg_arg_bin(struct pg_args *a, const void *p, size_t n)
{
	a->val[a->n] = p;
	a->len[a->n] = (int)n;
	a->fmt[a->n++] = 1;
}

static void
pg_arg_int(struct pg_args *a, int64_t v)
{
	snprintf(a->num[a->n], sizeof(a->num[a->n]), "%lld", (long long)v);
	pg_arg_text(a, a->num[a->n]);
}

/*
 * A text[] literal of valid tokens: store.c lets through no quote,
 * backslash, brace, comma or space, so quoting each element suffices.
 */
static char *
pg_array(const char *const *v, size_t n)
{
	size_t i, len = 3, off;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 3;
	if ((s = malloc(len)) == NULL)
		return NULL;
	off = (size_t)snprintf(s, len, "{");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, len - off, "%s\"%s\"",
		    i ? "," : "", v[i]);
	snprintf(s + off, len - off, "}");
	return s;
}

/* Results. */

/* Copies a column (text, or binary text) into a fixed buffer. */
static void
pg_col_text(const PGresult *res, int row, int col, char *dst, size_t size)
{
	size_t n = (size_t)PQgetlength(res, row, col);

	if (n >= size)
		n = size - 1;
	memcpy(dst, PQgetvalue(res, row, col), n);
	dst[n] = '\0';
}

static int64_t
pg_col_int(const PGresult *res, int row, int col)
{
	const unsigned char *p;
	uint64_t v = 0;
	int i;

	if (PQfformat(res, col) == 0)
		return strtoll(PQgetvalue(res, row, col), NULL, 10);
	if (PQgetlength(res, row, col) != 8)
		return 0;
	p = (const unsigned char *)PQgetvalue(res, row, col);
	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

static uint64_t
pg_changes(const PGresult *res)
{
	return strtoull(PQcmdTuples((PGresult *)res), NULL, 10);
}

/* Errors. */

/* One line of libpq's text, without its trailing newline. */
static void
pg_oneline(const char *s, char *dst, size_t size)
{
	size_t i;

	snprintf(dst, size, "%s", s ? s : "unknown error");
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '\n' || dst[i] == '\r' || dst[i] == '\t')
			dst[i] = ' ';
	while (i > 0 && dst[i - 1] == ' ')
		dst[--i] = '\0';
}

/*
 * Maps a failed result to a store code: a unique violation is a conflict,
 * a deadlock or serialization failure asks for a rerun. Only the primary
 * message: the DETAIL would quote key values.
 */
static int
pg_reserr(struct pg_conn *c, const PGresult *res, const char *op,
    struct store_err *err)
{
	const char *state = NULL, *msg = NULL;
	char line[200];

	c->constraint[0] = '\0';
	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		if (PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) != NULL)
			snprintf(c->constraint, sizeof(c->constraint), "%s",
			    PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
	}
	if (msg == NULL)
		msg = PQerrorMessage(c->pc);
	pg_oneline(msg, line, sizeof(line));
	if (state != NULL && strcmp(state, "23505") == 0)
		return store_seterr(err, STORE_CONFLICT, "%s: postgres: %s",
		    op, line);
	if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0))
		c->retry = 1;
	if (PQstatus(c->pc) != CONNECTION_OK)
		return store_seterr(err, STORE_ERR,
		    "%s: postgres: connection lost: %s", op, line);
	return store_seterr(err, STORE_ERR, "%s: postgres: %s%s%s%s", op,
	    line, state ? " (SQLSTATE " : "", state ? state : "",
	    state ? ")" : "");
}

/* Statements. */

static void
pg_stmt_name(enum pg_sql which, char *name, size_t size)
{
	snprintf(name, size, "showroom_%d", (int)which);
}

static int
pg_prepare(struct pg_conn *c, enum pg_sql which, const char *op,
    struct store_err *err)
{
	PGresult *res;
	char name[32];
	int rc = STORE_OK;

	if (c->prepared[which])
		return STORE_OK;
	pg_stmt_name(which, name, sizeof(name));
	res = PQprepare(c->pc, name, pg_sql[which], 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_reserr(c, res, op, err);
	else
		c->prepared[which] = 1;
	PQclear(res);
	return rc;
}

/*
 * Runs a prepared statement; on STORE_OK *resp holds its result (binary
 * columns when binary is set) for the caller to PQclear().
 */
static int
pg_exec(struct pg_conn *c, enum pg_sql which, const struct pg_args *a,
    int binary, PGresult **resp, const char *op, struct store_err *err)
{
	ExecStatusType st;
	PGresult *res;
	char name[32];
	int rc;

	*resp = NULL;
	if ((rc = pg_prepare(c, which, op, err)) != STORE_OK)
		return rc;
	pg_stmt_name(which, name, sizeof(name));
	res = PQexecPrepared(c->pc, name, a->n, a->val, a->len, a->fmt,
	    binary);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		*resp = res;
		return STORE_OK;
	}
	rc = pg_reserr(c, res, op, err);
	PQclear(res);
	return rc;
}

/* Runs a statement for its effect; *nchg (may be NULL) counts rows. */
static int
pg_run(struct pg_conn *c, enum pg_sql which, const struct pg_args *a,
    uint64_t *nchg, const char *op, struct store_err *err)
{
	PGresult *res;
	int rc;

	if ((rc = pg_exec(c, which, a, 0, &res, op, err)) != STORE_OK)
		return rc;
	if (nchg != NULL)
		*nchg = pg_changes(res);
	PQclear(res);
	return STORE_OK;
}

/* Plain SQL text, no parameters; *resp as for pg_exec (may be NULL). */
static int
pg_simple(struct pg_conn *c, const char *sql, PGresult **resp,
    const char *op, struct store_err *err)
{
	ExecStatusType st;
	PGresult *res;
	int rc;

	if (resp != NULL)
		*resp = NULL;
	res = PQexec(c->pc, sql);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_reserr(c, res, op, err);
		PQclear(res);
		return rc;
	}
	if (resp != NULL)
		*resp = res;
	else
		PQclear(res);
	return STORE_OK;
}

/* Connections. */

static void
pg_notice_ignore(void *arg, const char *msg)
{
	/* "relation exists, skipping" and the like: nothing to act on. */
}

/* Session settings every connection gets before its first use. */
static int
pg_session(struct pg_conn *c, struct store_err *err)
{
	static const char op[] = "store_open: postgres session";
	PGresult *res;
	int v, rc, off;

	PQsetNoticeProcessor(c->pc, pg_notice_ignore, NULL);
	memset(c->prepared, 0, sizeof(c->prepared));
	c->shard = randombytes_uniform(PG_SHARDS);
	if ((v = PQserverVersion(c->pc)) < PG_SERVER_MIN)
		return store_seterr(err, STORE_ERR, "%s: server version %d is "
		    "too old (PostgreSQL 10 or later needed)", op, v);
	/* Durable before return, whatever the server's default says. */
	if ((rc = pg_simple(c, "SELECT current_setting('synchronous_commit')",
	    &res, op, err)) != STORE_OK)
		return rc;
	off = PQntuples(res) == 1 &&
	    strcmp(PQgetvalue(res, 0, 0), "off") == 0;
	PQclear(res);
	if (off)
		return pg_simple(c, "SET synchronous_commit = on", NULL, op,
		    err);
	return STORE_OK;
}

static void
pg_conn_close(struct pg_conn *c)
{
	PQfinish(c->pc);
	c->pc = NULL;
}

static int
pg_conn_open(struct pg_store *s, struct pg_conn *c, struct store_err *err)
{
	/* connect_timeout first, so that the URL may override it. */
	const char *const kw[] = { "connect_timeout",
	    "fallback_application_name", "dbname", NULL };
	const char *const val[] = { PG_CONNECT_TIMEOUT, "showroom", s->url,
	    NULL };
	char line[200];
	int rc;

	c->pc = PQconnectdbParams(kw, val, 1);
	if (c->pc == NULL)
		return store_seterr(err, STORE_ERR,
		    "store_open: postgres: out of memory");
	if (PQstatus(c->pc) != CONNECTION_OK) {
		pg_oneline(PQerrorMessage(c->pc), line, sizeof(line));
		pg_conn_close(c);
		return store_seterr(err, STORE_ERR,
		    "store_open: postgres: cannot connect: %s", line);
	}
	if ((rc = pg_session(c, err)) != STORE_OK)
		pg_conn_close(c);
	return rc;
}

/* Makes c usable: opens it, or reconnects one the server dropped. */
static int
pg_conn_ready(struct pg_store *s, struct pg_conn *c, struct store_err *err)
{
	if (c->pc != NULL && PQstatus(c->pc) == CONNECTION_OK)
		return STORE_OK;
	if (c->pc != NULL) {
		PQreset(c->pc);
		if (PQstatus(c->pc) == CONNECTION_OK &&
		    pg_session(c, err) == STORE_OK)
			return STORE_OK;
		pg_conn_close(c);
	}
	return pg_conn_open(s, c, err);
}

static void
pg_pool_put(struct pg_store *s, struct pg_conn *c)
{
	PGresult *res;

	/* Never hand on a connection inside a transaction. */
	if (c->pc != NULL && PQtransactionStatus(c->pc) != PQTRANS_IDLE) {
		res = PQexec(c->pc, "ROLLBACK");
		PQclear(res);
		if (PQtransactionStatus(c->pc) != PQTRANS_IDLE)
			pg_conn_close(c);
	}
	pthread_mutex_lock(&s->mu);
	c->busy = 0;
	s->nbusy--;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
}

/* An idle open connection, else a free place for one, else wait. */
static struct pg_conn *
pg_pick(struct pg_store *s)
{
	size_t i;

	for (i = 0; i < PG_POOL_MAX; i++)
		if (!s->c[i].busy && s->c[i].pc != NULL)
			return &s->c[i];
	for (i = 0; i < PG_POOL_MAX; i++)
		if (!s->c[i].busy)
			return &s->c[i];
	return NULL;
}

static struct pg_conn *
pg_pool_get(struct pg_store *s, struct store_err *err)
{
	struct pg_conn *c;

	pthread_mutex_lock(&s->mu);
	while ((c = pg_pick(s)) == NULL)
		pthread_cond_wait(&s->idle, &s->mu);
	c->busy = 1;
	s->nbusy++;
	pthread_mutex_unlock(&s->mu);
	if (pg_conn_ready(s, c, err) != STORE_OK) {
		pg_pool_put(s, c);
		return NULL;
	}
	return c;
}

/* Transactions. */

static int
pg_begin(struct pg_conn *c, enum pg_tx tx, const char *op,
    struct store_err *err)
{
	switch (tx) {
	case PG_TX_NONE:
		return STORE_OK;
	case PG_TX_WRITE:
		return pg_simple(c, "BEGIN ISOLATION LEVEL READ COMMITTED",
		    NULL, op, err);
	case PG_TX_RECORDS:
		/* Before any row lock, so that it can be in no wait cycle. */
		return pg_simple(c, "BEGIN ISOLATION LEVEL READ COMMITTED;"
		    " SELECT pg_advisory_xact_lock_shared(" PG_LOCK_NS ", "
		    PG_LOCK_RECORDS ")", NULL, op, err);
	}
	return store_seterr(err, STORE_ERR, "%s: bad transaction kind", op);
}

static int
pg_commit(struct pg_conn *c, const char *op, struct store_err *err)
{
	PGresult *res;
	char line[200];
	int rc = STORE_OK;

	res = PQexec(c->pc, "COMMIT");
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
			rc = store_seterr(err, STORE_ERR,
			    "%s: postgres: transaction was rolled back", op);
	} else if (PQstatus(c->pc) != CONNECTION_OK) {
		pg_oneline(PQerrorMessage(c->pc), line, sizeof(line));
		rc = store_seterr(err, STORE_ERR, "%s: postgres: connection "
		    "lost at commit, outcome unknown: %s", op, line);
	} else
		rc = pg_reserr(c, res, op, err);
	PQclear(res);
	return rc;
}

static void
pg_rollback(struct pg_conn *c)
{
	PGresult *res;

	if (PQtransactionStatus(c->pc) == PQTRANS_IDLE)
		return;
	res = PQexec(c->pc, "ROLLBACK");
	PQclear(res);
}

/* A little random sleep before running a deadlocked transaction again. */
static void
pg_backoff(int attempt)
{
	struct timespec ts;
	uint32_t us = randombytes_uniform(1000u << attempt);

	ts.tv_sec = 0;
	ts.tv_nsec = (long)us * 1000;
	nanosleep(&ts, NULL);
}

/*
 * Runs fn on a pooled connection, inside a transaction of kind tx that is
 * committed when fn returns STORE_OK and rolled back otherwise; again
 * from the start after a deadlock or serialization failure.
 */
static int
pg_call(struct store *st, const char *name, enum pg_tx tx, pg_fn fn,
    void *arg, struct store_err *err)
{
	struct pg_store *s = (struct pg_store *)st;
	struct pg_conn *c;
	int rc, attempt;

	if ((c = pg_pool_get(s, err)) == NULL)
		return STORE_ERR;
	for (attempt = 1;; attempt++) {
		c->retry = 0;
		if ((rc = pg_begin(c, tx, name, err)) == STORE_OK)
			rc = fn(c, arg, err);
		if (tx != PG_TX_NONE) {
			if (rc == STORE_OK)
				rc = pg_commit(c, name, err);
			else {
				pg_rollback(c);
				if (rc == PG_DONE_ROLLBACK)
					rc = STORE_OK;
			}
		}
		if (rc == STORE_OK || !c->retry || attempt == PG_TRIES ||
		    PQstatus(c->pc) != CONNECTION_OK)
			break;
		pg_backoff(attempt);
	}
	pg_pool_put(s, c);
	return rc;
}

/* Schema. */

static int
pg_schema_version(struct pg_conn *c, int *vp, struct store_err *err)
{
	static const char op[] = "store_open: schema_version";
	PGresult *res;
	int rc, n;

	if ((rc = pg_simple(c, "CREATE TABLE IF NOT EXISTS schema_version"
	    " (version INTEGER NOT NULL)", NULL, op, err)) != STORE_OK ||
	    (rc = pg_simple(c, "SELECT coalesce(max(version), 0), count(*)"
	    " FROM schema_version", &res, op, err)) != STORE_OK)
		return rc;
	*vp = atoi(PQgetvalue(res, 0, 0));
	n = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	if (n == 0)
		return pg_simple(c, "INSERT INTO schema_version (version)"
		    " VALUES (0)", NULL, op, err);
	return STORE_OK;
}

static int
pg_migrate_locked(struct pg_conn *c, struct store_err *err)
{
	char sql[64], what[64];
	int v, rc;

	if ((rc = pg_simple(c, "SELECT pg_advisory_xact_lock(" PG_LOCK_NS
	    ", " PG_LOCK_MIGRATE ")", NULL, "store_open: migration lock",
	    err)) != STORE_OK ||
	    (rc = pg_schema_version(c, &v, err)) != STORE_OK)
		return rc;
	if (v > PG_SCHEMA || v < 0)
		return store_seterr(err, STORE_ERR,
		    "store_open: database schema version %d is newer than this "
		    "program knows (%d): run a newer showroom", v, PG_SCHEMA);
	if (v == PG_SCHEMA)
		return STORE_OK;
	for (; v < PG_SCHEMA; v++) {
		snprintf(what, sizeof(what), "store_open: migration to schema %d",
		    v + 1);
		if ((rc = pg_simple(c, pg_migrations[v], NULL, what, err)) !=
		    STORE_OK)
			return rc;
	}
	snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d",
	    PG_SCHEMA);
	return pg_simple(c, sql, NULL, "store_open: schema_version", err);
}

/* Brings the schema up to PG_SCHEMA in one transaction, or refuses. */
static int
pg_migrate(struct pg_conn *c, struct store_err *err)
{
	int rc;

	if ((rc = pg_begin(c, PG_TX_WRITE, "store_open: migrate", err)) !=
	    STORE_OK)
		return rc;
	if ((rc = pg_migrate_locked(c, err)) != STORE_OK) {
		pg_rollback(c);
		return rc;
	}
	return pg_commit(c, "store_open: migrate", err);
}

/* Writes, each inside the transaction pg_call runs. */

static int
pg_count_add(struct pg_conn *c, const char *name, uint64_t n,
    const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };
	char shard[STORE_DAY_PREFIX_LEN + STORE_COUNT_NAME_MAX + 8];

	if (n == 0)
		return STORE_OK;
	snprintf(shard, sizeof(shard), "%s@%02u", name, c->shard);
	pg_arg_text(&a, shard);
	pg_arg_int(&a, (int64_t)n);
	return pg_run(c, PG_COUNT_ADD, &a, NULL, op, err);
}

/* Adds n to the counter NAME of the Japan day of time t (or of DAY). */
static int
pg_count_day(struct pg_conn *c, const char *day, const char *name, int64_t t,
    uint64_t n, const char *op, struct store_err *err)
{
	char row[STORE_DAY_PREFIX_LEN + STORE_COUNT_NAME_MAX + 1];

	store_day_name(row, sizeof(row), day, t, name);
	return pg_count_add(c, row, n, op, err);
}

/* STORE_OK with receipt set when the key was used; NOT_FOUND when not. */
static int
pg_idem_get(struct pg_conn *c, const unsigned char *idem, char *receipt,
    const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };
	PGresult *res;
	int rc;

	pg_arg_bin(&a, idem, STORE_HASH_LEN);
	if ((rc = pg_exec(c, PG_IDEM_GET, &a, 0, &res, op, err)) != STORE_OK)
		return rc;
	if (PQntuples(res) == 1)
		pg_col_text(res, 0, 0, receipt, STORE_ID_LEN + 1);
	else
		rc = STORE_NOT_FOUND;
	PQclear(res);
	return rc;
}

/*
 * Claims the idempotency key for id. When a concurrent call claimed it
 * first (and committed), sets receipt to its record and asks for a
 * rollback of all this call did.
 */
static int
pg_idem_put(struct pg_conn *c, const unsigned char *idem, const char *id,
    char *receipt, const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };
	uint64_t n;
	int rc;

	pg_arg_bin(&a, idem, STORE_HASH_LEN);
	pg_arg_text(&a, id);
	if ((rc = pg_run(c, PG_IDEM_PUT, &a, &n, op, err)) != STORE_OK)
		return rc;
	if (n == 1)
		return STORE_OK;
	if ((rc = pg_idem_get(c, idem, receipt, op, err)) == STORE_OK)
		return PG_DONE_ROLLBACK;
	if (rc == STORE_NOT_FOUND) {
		/* The winner's record went in between: try again. */
		c->retry = 1;
		rc = store_seterr(err, STORE_ERR,
		    "%s: idempotency key raced with its deletion", op);
	}
	return rc;
}

static int
pg_record_put(struct pg_conn *c, const struct store_record *r,
    const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };
	char name[64];
	int rc;

	pg_arg_text(&a, r->id);
	pg_arg_text(&a, store_kind_name(r->kind));
	pg_arg_text(&a, r->key_id);
	pg_arg_int(&a, r->created);
	pg_arg_bin(&a, r->enc, r->enc_len);
	pg_arg_bin(&a, r->ct, r->ct_len);
	if ((rc = pg_run(c, PG_REC_PUT, &a, NULL, op, err)) ==
	    STORE_CONFLICT)
		return store_seterr(err, rc, "%s: record id %s exists already",
		    op, r->id);
	if (rc != STORE_OK)
		return rc;
	snprintf(name, sizeof(name), "stored_%s", store_kind_name(r->kind));
	if ((rc = pg_count_add(c, name, 1, op, err)) != STORE_OK)
		return rc;
	snprintf(name, sizeof(name), STORE_COUNT_STORED "%s", store_kind_name(r->kind));
	if ((rc = pg_count_day(c, NULL, name, r->created, 1, op, err)) != STORE_OK)
		return rc;
	a.n = 0;
	pg_arg_text(&a, r->id);
	pg_arg_text(&a, r->key_id);
	pg_arg_text(&a, store_kind_name(r->kind));
	pg_arg_int(&a, r->created);
	return pg_run(c, PG_NOTICE_PUT, &a, NULL, op, err);
}

static void
pg_arg_slot(struct pg_args *a, const struct store_slot *sl)
{
	pg_arg_text(a, sl->dealer);
	pg_arg_text(a, sl->model);
	pg_arg_text(a, sl->start);
}

/* Takes a place in the slot, or STORE_FULL. */
static int
pg_slot_take(struct pg_conn *c, const struct store_slot *sl,
    unsigned int capacity, const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };
	uint64_t n = 0;
	int rc;

	if (capacity > 0) {
		pg_arg_slot(&a, sl);
		pg_arg_int(&a, capacity);
		if ((rc = pg_run(c, PG_SLOT_TAKE, &a, &n, op, err)) !=
		    STORE_OK)
			return rc;
	}
	if (n == 0)
		return store_seterr(err, STORE_FULL,
		    "%s: slot %s is fully booked", op, sl->start);
	return STORE_OK;
}

static int
pg_booking_put(struct pg_conn *c, const struct store_record *r,
    const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };
	int rc;

	pg_arg_bin(&a, r->cancel_hash, STORE_HASH_LEN);
	pg_arg_text(&a, r->id);
	pg_arg_slot(&a, &r->slot);
	pg_arg_int(&a, r->created);
	pg_arg_text(&a, store_status_name(r->status));
	if ((rc = pg_run(c, PG_BOOKING_PUT, &a, NULL, op, err)) ==
	    STORE_CONFLICT)
		store_seterr(err, rc, "%s: record %s: cancel hash or booking "
		    "exists already", op, r->id);
	return rc;
}

static int
pg_do_put(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	const struct store_record *r = op->rec;
	struct pg_args a = { 0 };
	PGresult *res;
	char shard[8], day[STORE_DAY_PREFIX_LEN + sizeof(STORE_COUNT_STORED)];
	int rc;

	pg_arg_text(&a, r->id);
	pg_arg_text(&a, store_kind_name(r->kind));
	pg_arg_text(&a, r->key_id);
	pg_arg_int(&a, r->created);
	pg_arg_bin(&a, r->enc, r->enc_len);
	pg_arg_bin(&a, r->ct, r->ct_len);
	if (op->hash != NULL)
		pg_arg_bin(&a, op->hash, STORE_HASH_LEN);
	else
		pg_arg_text(&a, NULL);
	snprintf(shard, sizeof(shard), "@%02u", c->shard);
	pg_arg_text(&a, shard);
	store_day_name(day, sizeof(day), NULL, r->created, STORE_COUNT_STORED);
	pg_arg_text(&a, day);
	rc = pg_exec(c, PG_PUT, &a, 0, &res, op->name, err);
	if (rc == STORE_CONFLICT && strcmp(c->constraint, "idem_pkey") == 0) {
		/* The same key, claimed by a call that committed meanwhile. */
		if ((rc = pg_idem_get(c, op->hash, op->receipt, op->name,
		    err)) == STORE_NOT_FOUND) {
			c->retry = 1;
			rc = store_seterr(err, STORE_ERR, "%s: idempotency "
			    "key raced with its deletion", op->name);
		}
		return rc;
	}
	if (rc == STORE_CONFLICT)
		return store_seterr(err, rc, "%s: record id %s exists already",
		    op->name, r->id);
	if (rc != STORE_OK)
		return rc;
	if (!PQgetisnull(res, 0, 0))
		pg_col_text(res, 0, 0, op->receipt, STORE_ID_LEN + 1);
	else if (pg_col_int(res, 0, 1) == 1)
		memcpy(op->receipt, r->id, STORE_ID_LEN + 1);
	else
		rc = store_seterr(err, STORE_ERR, "%s: record %s not stored",
		    op->name, r->id);
	PQclear(res);
	return rc;
}

/*
 * The dealer's calendar for one slot's day, under the dealer's lock taken
 * shared: STORE_FULL when it is closed, else the capacity, replaced by the
 * model's cars when they are set.
 */
static int
pg_cal_slot(struct pg_conn *c, const struct store_slot *sl,
    unsigned int *capacity, const char *op, struct store_err *err)
{
	struct pg_args a = { 0 }, l = { 0 };
	char day[STORE_DATE_LEN + 1];
	PGresult *res;
	int rc;

	memcpy(day, sl->start, STORE_DATE_LEN);
	day[STORE_DATE_LEN] = '\0';
	pg_arg_text(&l, sl->dealer);
	if ((rc = pg_run(c, PG_CAL_LOCK_SHARED, &l, NULL, op, err)) != STORE_OK)
		return rc;
	pg_arg_text(&a, sl->dealer);
	pg_arg_text(&a, sl->model);
	pg_arg_text(&a, day);
	if ((rc = pg_exec(c, PG_CAL_SLOT, &a, 0, &res, op, err)) != STORE_OK)
		return rc;
	if (!PQgetisnull(res, 0, 0) && pg_col_int(res, 0, 0) == 1)
		rc = store_seterr(err, STORE_FULL, "%s: slot %s is closed", op,
		    sl->start);
	else if (!PQgetisnull(res, 0, 1))
		*capacity = (unsigned int)pg_col_int(res, 0, 1);
	PQclear(res);
	return rc;
}

static int
pg_do_book(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	unsigned int capacity = op->capacity;
	int rc;

	if (op->hash != NULL && (rc = pg_idem_get(c, op->hash, op->receipt,
	    op->name, err)) != STORE_NOT_FOUND)
		return rc == STORE_OK ? PG_DONE_ROLLBACK : rc;
	if ((rc = pg_cal_slot(c, &op->rec->slot, &capacity, op->name,
	    err)) != STORE_OK ||
	    (rc = pg_slot_take(c, &op->rec->slot, capacity, op->name,
	    err)) != STORE_OK ||
	    (rc = pg_record_put(c, op->rec, op->name, err)) != STORE_OK ||
	    (rc = pg_booking_put(c, op->rec, op->name, err)) != STORE_OK)
		return rc;
	if (op->hash != NULL && (rc = pg_idem_put(c, op->hash, op->rec->id,
	    op->receipt, op->name, err)) != STORE_OK)
		return rc;
	memcpy(op->receipt, op->rec->id, STORE_ID_LEN + 1);
	return STORE_OK;
}

/* A booking row: id, dealer, model, start, created, status, reason. */
static void
pg_booking_row(const PGresult *res, int row, struct store_booking *b)
{
	char status[16];
	int v;

	pg_col_text(res, row, 0, b->id, sizeof(b->id));
	pg_col_text(res, row, 1, b->slot.dealer, sizeof(b->slot.dealer));
	pg_col_text(res, row, 2, b->slot.model, sizeof(b->slot.model));
	pg_col_text(res, row, 3, b->slot.start, sizeof(b->slot.start));
	b->created = pg_col_int(res, row, 4);
	pg_col_text(res, row, 5, status, sizeof(status));
	b->status = (v = store_status_parse(status)) < 0 ? STORE_BOOKING_BOOKED :
	    (enum store_booking_status)v;
	pg_col_text(res, row, 6, b->reason, sizeof(b->reason));
}

/* The booking of a cancel hash, read (take 0) or deleted (take 1). */
static int
pg_booking_get(struct pg_conn *c, const unsigned char *hash, int take,
    struct store_booking *b, const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };
	PGresult *res;
	int rc;

	pg_arg_bin(&a, hash, STORE_HASH_LEN);
	if ((rc = pg_exec(c, take ? PG_BOOKING_TAKE : PG_BOOKING_GET, &a, 0,
	    &res, op, err)) != STORE_OK)
		return rc;
	if (PQntuples(res) == 1)
		pg_booking_row(res, 0, b);
	else
		rc = store_seterr(err, STORE_NOT_FOUND,
		    "%s: no booking with this cancel token", op);
	PQclear(res);
	return rc;
}

static int
pg_do_cancel(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	struct store_booking b;
	struct pg_args a = { 0 }, d = { 0 };
	int rc;

	/* The row lock makes a concurrent second cancel find nothing. */
	if ((rc = pg_booking_get(c, op->hash, 1, &b, op->name, err)) !=
	    STORE_OK)
		return rc;
	pg_arg_slot(&a, &b.slot);
	if ((rc = pg_run(c, PG_SLOT_FREE, &a, NULL, op->name, err)) !=
	    STORE_OK)
		return rc;
	/* Not yet pulled: nobody needs to read it any more. */
	pg_arg_text(&d, b.id);
	if ((rc = pg_run(c, PG_REC_DEL, &d, NULL, op->name, err)) !=
	    STORE_OK ||
	    (rc = pg_record_put(c, op->rec, op->name, err)) != STORE_OK ||
	    (rc = pg_count_add(c, "cancelled", 1, op->name, err)) != STORE_OK)
		return rc;
	return pg_count_day(c, NULL, STORE_COUNT_CANCELLED, op->rec->created, 1, op->name,
	    err);
}

static int
pg_do_decide(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	struct store_booking *b = op->booking;
	struct pg_args a = { 0 }, u = { 0 }, f = { 0 };
	PGresult *res;
	int rc;

	pg_arg_text(&a, op->ids[0]);
	pg_arg_text(&a, op->key_id);
	if ((rc = pg_exec(c, PG_BOOKING_LOCK, &a, 0, &res, op->name, err)) !=
	    STORE_OK)
		return rc;
	if (PQntuples(res) == 1)
		pg_booking_row(res, 0, b);
	else
		rc = store_seterr(err, STORE_NOT_FOUND,
		    "%s: no booking %s of this dealer", op->name, op->ids[0]);
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	if (b->status == STORE_BOOKING_DECLINED)
		return op->status == STORE_BOOKING_DECLINED ? PG_DONE_ROLLBACK :
		    store_seterr(err, STORE_CONFLICT,
		    "%s: booking %s was declined", op->name, op->ids[0]);
	pg_arg_text(&u, b->id);
	pg_arg_text(&u, store_status_name(op->status));
	pg_arg_text(&u, op->reason);
	if ((rc = pg_run(c, PG_BOOKING_SET, &u, NULL, op->name, err)) !=
	    STORE_OK)
		return rc;
	b->status = op->status;
	snprintf(b->reason, sizeof(b->reason), "%s", op->reason ? op->reason : "");
	/* Declined frees its place, once: a declined booking stops above. */
	if (op->status != STORE_BOOKING_DECLINED)
		return STORE_OK;
	pg_arg_slot(&f, &b->slot);
	return pg_run(c, PG_SLOT_FREE, &f, NULL, op->name, err);
}

static int
pg_do_ack(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	struct pg_args a = { 0 };
	char *ids, *keys;
	int rc;

	ids = pg_array(op->ids, op->nids);
	keys = pg_array(op->keys, op->nkeys);
	if (ids == NULL || keys == NULL) {
		rc = store_seterr(err, STORE_ERR, "%s: out of memory",
		    op->name);
		goto out;
	}
	pg_arg_text(&a, ids);
	pg_arg_text(&a, keys);
	if ((rc = pg_run(c, PG_ACK, &a, &op->count, op->name, err)) ==
	    STORE_OK && (rc = pg_count_add(c, "acked", op->count, op->name, err)) ==
	    STORE_OK)
		rc = pg_count_day(c, NULL, STORE_COUNT_ACKED, (int64_t)time(NULL),
		    op->count, op->name, err);
out:
	free(ids);
	free(keys);
	return rc;
}

static int
pg_run_int(struct pg_conn *c, enum pg_sql which, int64_t v, uint64_t *nchg,
    const char *op, struct store_err *err)
{
	struct pg_args a = { 0 };

	pg_arg_int(&a, v);
	return pg_run(c, which, &a, nchg, op, err);
}

/* Slot rows of days before the cutoff (with a day's slack for time zones). */
static int
pg_expire_slots(struct pg_conn *c, int64_t cutoff, const char *op,
    struct store_err *err)
{
	struct pg_args a = { 0 };
	struct tm tm;
	time_t t = (time_t)(cutoff - 86400);
	char day[STORE_DATE_LEN + 1];
	int rc;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) != STORE_DATE_LEN)
		return store_seterr(err, STORE_ERR, "%s: bad time", op);
	pg_arg_text(&a, day);
	if ((rc = pg_run(c, PG_EXP_SLOTS, &a, NULL, op, err)) != STORE_OK)
		return rc;
	/* The calendar of those days too. */
	return pg_run(c, PG_EXP_CAL, &a, NULL, op, err);
}

/* Daily counters of days more than STORE_COUNT_KEEP_DAYS before now. */
static int
pg_expire_counts(struct pg_conn *c, int64_t now, const char *op,
    struct store_err *err)
{
	struct pg_args a = { 0 };
	char row[STORE_DAY_PREFIX_LEN + 1];

	store_day_name(row, sizeof(row), NULL, now - STORE_COUNT_KEEP_DAYS * 86400LL, "");
	pg_arg_text(&a, row);
	return pg_run(c, PG_EXP_COUNTS, &a, NULL, op, err);
}

static int
pg_do_expire(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	int64_t cutoff = op->t2 - op->t1;
	int rc;

	if ((rc = pg_run_int(c, PG_EXP_RECORDS, cutoff, &op->count, op->name,
	    err)) != STORE_OK ||
	    (rc = pg_run_int(c, PG_EXP_BOOKINGS, cutoff, NULL, op->name,
	    err)) != STORE_OK ||
	    (rc = pg_run_int(c, PG_EXP_NONCES, op->t2, NULL, op->name,
	    err)) != STORE_OK ||
	    (rc = pg_expire_slots(c, cutoff, op->name, err)) != STORE_OK ||
	    (rc = pg_expire_counts(c, op->t2, op->name, err)) != STORE_OK ||
	    (rc = pg_count_add(c, "expired", op->count, op->name, err)) != STORE_OK)
		return rc;
	return pg_count_day(c, NULL, STORE_COUNT_EXPIRED, op->t2, op->count, op->name,
	    err);
}

static int
pg_do_nonce(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	struct pg_args a = { 0 };
	uint64_t n;
	int rc;

	pg_arg_text(&a, op->key_id);
	pg_arg_text(&a, op->nonce);
	pg_arg_int(&a, op->t1);
	pg_arg_int(&a, op->t2);
	if ((rc = pg_run(c, PG_NONCE_USE, &a, &n, op->name, err)) !=
	    STORE_OK)
		return rc;
	if (n == 0)
		return store_seterr(err, STORE_REPLAY,
		    "%s: nonce already used", op->name);
	return STORE_OK;
}

static int
pg_count_cmp(const void *a, const void *b)
{
	const struct store_count *x = *(const struct store_count *const *)a;
	const struct store_count *y = *(const struct store_count *const *)b;
	int d = strcmp(x->day, y->day);

	return d != 0 ? d : strcmp(x->name, y->name);
}

/*
 * Every node flushes much the same names: taking the rows in one order (sorted) keeps
 * two flushes from waiting on each other in a cycle.
 */
static int
pg_do_counts(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	const struct store_count **v;
	size_t i;
	int rc = STORE_OK;

	if ((v = calloc(op->ncounts, sizeof(*v))) == NULL)
		return store_seterr(err, STORE_ERR, "%s: out of memory", op->name);
	for (i = 0; i < op->ncounts; i++)
		v[i] = &op->counts[i];
	qsort(v, op->ncounts, sizeof(*v), pg_count_cmp);
	for (i = 0; i < op->ncounts && rc == STORE_OK; i++)
		rc = pg_count_day(c, v[i]->day, v[i]->name, 0, v[i]->value, op->name, err);
	free(v);
	return rc;
}

static void
pg_arg_cal(struct pg_args *a, const struct store_cal_change *ch)
{
	pg_arg_text(a, ch->dealer);
	pg_arg_text(a, ch->model);
	pg_arg_text(a, ch->from);
	pg_arg_text(a, ch->to);
}

/* The active bookings the change leaves in a closed or overfull slot. */
static int
pg_cal_hits(struct pg_conn *c, struct pg_op *op, struct store_err *err)
{
	const struct store_cal_change *ch = op->cal;
	struct pg_args a = { 0 };
	PGresult *res;
	int rc, i, n;

	if (ch->op == STORE_CAL_OPEN || (ch->op == STORE_CAL_CARS &&
	    ch->cars < 0))
		return STORE_OK;	/* nothing closes or shrinks */
	pg_arg_cal(&a, ch);
	if (ch->op == STORE_CAL_CARS)
		pg_arg_int(&a, ch->cars);
	if ((rc = pg_exec(c, ch->op == STORE_CAL_CLOSE ? PG_CAL_HIT_CLOSED :
	    PG_CAL_HIT_CARS, &a, 0, &res, op->name, err)) != STORE_OK)
		return rc;
	if ((n = PQntuples(res)) > 0 &&
	    (op->hits = calloc((size_t)n, sizeof(*op->hits))) == NULL) {
		PQclear(res);
		return store_seterr(err, STORE_ERR, "%s: out of memory",
		    op->name);
	}
	for (i = 0; i < n; i++) {
		pg_booking_row(res, i, &op->hits[i]);
		op->nhits++;
	}
	PQclear(res);
	return STORE_OK;
}

static int
pg_do_calendar(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_op *op = arg;
	const struct store_cal_change *ch = op->cal;
	struct pg_args a = { 0 }, l = { 0 };
	enum pg_sql which;
	int rc;

	/* A rerun starts afresh. */
	free(op->hits);
	op->hits = NULL;
	op->nhits = 0;
	pg_arg_text(&l, ch->dealer);
	if ((rc = pg_run(c, PG_CAL_LOCK, &l, NULL, op->name, err)) != STORE_OK)
		return rc;
	pg_arg_cal(&a, ch);
	which = ch->op == STORE_CAL_CLOSE ? PG_CAL_CLOSE :
	    ch->op == STORE_CAL_OPEN ? PG_CAL_OPEN : PG_CAL_CARS;
	if (ch->op == STORE_CAL_CARS) {
		if (ch->cars < 0)
			pg_arg_text(&a, NULL);
		else
			pg_arg_int(&a, ch->cars);
	}
	if ((rc = pg_run(c, which, &a, NULL, op->name, err)) != STORE_OK)
		return rc;
	a.n = 4;	/* the range alone */
	if ((rc = pg_run(c, PG_CAL_PRUNE, &a, NULL, op->name, err)) != STORE_OK)
		return rc;
	return pg_cal_hits(c, op, err);
}

struct pg_notice_arg {
	int64_t		 now;
	const struct store_notice_policy *p;
	store_notice_fn	*send;
	void		*arg;
	enum store_notice_outcome outcome;
	int		 sent;		/* send ran: never run it again */
};

/* The rows taken for KEY, by kind, and the oldest; 0 rows is fine. */
static int
pg_notice_take(struct pg_conn *c, struct store_notice *n, const char *op,
    struct store_err *err)
{
	struct pg_args a = { 0 };
	PGresult *res;
	char kind[32];
	int rc, i, k;

	pg_arg_text(&a, n->key_id);
	if ((rc = pg_exec(c, PG_NOTICE_TAKE, &a, 0, &res, op, err)) != STORE_OK)
		return rc;
	for (i = 0; i < PQntuples(res); i++) {
		pg_col_text(res, i, 0, kind, sizeof(kind));
		if ((k = (int)store_kind_parse(kind)) > 0)
			n->count[k]++;
		if (n->oldest == 0 || pg_col_int(res, i, 1) < n->oldest)
			n->oldest = pg_col_int(res, i, 1);
	}
	PQclear(res);
	return STORE_OK;
}

/*
 * In one transaction: lock a due recipient (others skip it), take its rows
 * under a savepoint, send, then keep the deletion (sent, given up,
 * skipped) or roll it back (retry later) and record when the next notice
 * is due. A crash before the commit leaves the rows and the lock goes with
 * the connection.
 */
static int
pg_do_notice(struct pg_conn *c, void *arg, struct store_err *err)
{
	static const char op[] = "store_notice_next";
	struct pg_notice_arg *na = arg;
	struct store_notice n;
	struct pg_args a = { 0 }, u = { 0 };
	PGresult *res;
	int64_t next;
	unsigned int attempts = 0;
	const char *counter = NULL;
	int rc;

	if (na->sent)
		return store_seterr(err, STORE_ERR, "%s: sent, outcome not "
		    "recorded (it is sent again later)", op);
	memset(&n, 0, sizeof(n));
	pg_arg_int(&a, na->now);
	if ((rc = pg_exec(c, PG_NOTICE_PICK, &a, 0, &res, op, err)) != STORE_OK)
		return rc;
	if (PQntuples(res) == 1) {
		pg_col_text(res, 0, 0, n.key_id, sizeof(n.key_id));
		n.attempts = (unsigned int)pg_col_int(res, 0, 1);
	}
	PQclear(res);
	if (n.key_id[0] == '\0')
		return STORE_NOT_FOUND;
	if ((rc = pg_simple(c, "SAVEPOINT notice", NULL, op, err)) != STORE_OK ||
	    (rc = pg_notice_take(c, &n, op, err)) != STORE_OK)
		return rc;
	if (n.oldest == 0)
		return PG_DONE_ROLLBACK;	/* all went meanwhile (ack) */
	na->sent = 1;
	na->outcome = na->send(&n, na->arg);
	next = na->now + na->p->interval;
	if (na->outcome == STORE_NOTICE_SENT)
		counter = "notices_delivered";
	else if (na->outcome == STORE_NOTICE_FAILED &&
	    na->now - n.oldest < na->p->give_up) {
		if ((rc = pg_simple(c, "ROLLBACK TO SAVEPOINT notice", NULL, op,
		    err)) != STORE_OK)
			return rc;
		attempts = n.attempts + 1;
		next = na->now + store_notice_backoff(na->p, attempts);
		counter = "notices_retried";
	} else if (na->outcome == STORE_NOTICE_FAILED)
		counter = "notices_failed";
	else
		next = na->now;		/* nobody to tell: nothing to space out */
	pg_arg_text(&u, n.key_id);
	pg_arg_int(&u, next);
	pg_arg_int(&u, attempts);
	if ((rc = pg_run(c, PG_NOTICE_STATE_SET, &u, NULL, op, err)) != STORE_OK)
		return rc;
	return counter != NULL ? pg_count_add(c, counter, 1, op, err) : STORE_OK;
}

/* Backend entry points: writes. */

static int
pg_put_rec(struct store *st, const struct store_record *r,
    const unsigned char *idem, char *receipt, struct store_err *err)
{
	struct pg_op op = { .name = "store_put", .rec = r, .hash = idem,
	    .receipt = receipt };

	/* One statement: its own transaction, committed before return. */
	return pg_call(st, op.name, PG_TX_NONE, pg_do_put, &op, err);
}

static int
pg_book(struct store *st, const struct store_record *r,
    unsigned int capacity, const unsigned char *idem, char *receipt,
    struct store_err *err)
{
	struct pg_op op = { .name = "store_book", .rec = r,
	    .capacity = capacity, .hash = idem, .receipt = receipt };

	return pg_call(st, op.name, PG_TX_RECORDS, pg_do_book, &op, err);
}

static int
pg_cancel(struct store *st, const unsigned char *hash,
    const struct store_record *r, struct store_err *err)
{
	struct pg_op op = { .name = "store_cancel", .rec = r, .hash = hash };

	return pg_call(st, op.name, PG_TX_RECORDS, pg_do_cancel, &op, err);
}

static int
pg_booking_decide(struct store *st, const char *dealer, const char *id,
    enum store_booking_status status, const char *reason,
    struct store_booking *out, struct store_err *err)
{
	const char *ids[1] = { id };
	struct pg_op op = { .name = "store_booking_decide", .key_id = dealer,
	    .ids = ids, .nids = 1, .status = status, .reason = reason,
	    .booking = out };

	return pg_call(st, op.name, PG_TX_WRITE, pg_do_decide, &op, err);
}

static int
pg_notice_next(struct store *st, int64_t now,
    const struct store_notice_policy *p, store_notice_fn *send, void *arg,
    enum store_notice_outcome *outcome, struct store_err *err)
{
	struct pg_notice_arg na = { .now = now, .p = p, .send = send,
	    .arg = arg };
	int rc;

	rc = pg_call(st, "store_notice_next", PG_TX_WRITE, pg_do_notice, &na,
	    err);
	*outcome = na.outcome;
	return rc;
}

static int
pg_ack(struct store *st, const char *const *keys, size_t nkeys,
    const char *const *ids, size_t nids, uint64_t *deletedp,
    struct store_err *err)
{
	struct pg_op op = { .name = "store_ack", .keys = keys, .nkeys = nkeys,
	    .ids = ids, .nids = nids };
	int rc;

	if ((rc = pg_call(st, op.name, PG_TX_WRITE, pg_do_ack, &op, err)) == STORE_OK)
		*deletedp = op.count;
	return rc;
}

static int
pg_expire(struct store *st, int64_t max_age, int64_t now,
    uint64_t *expiredp, struct store_err *err)
{
	struct pg_op op = { .name = "store_expire", .t1 = max_age, .t2 = now };
	int rc;

	if ((rc = pg_call(st, op.name, PG_TX_WRITE, pg_do_expire, &op, err)) ==
	    STORE_OK)
		*expiredp = op.count;
	return rc;
}

static int
pg_counts_add(struct store *st, const struct store_count *v, size_t n,
    struct store_err *err)
{
	struct pg_op op = { .name = "store_counts_add", .counts = v, .ncounts = n };

	return pg_call(st, op.name, PG_TX_WRITE, pg_do_counts, &op, err);
}

static int
pg_nonce_use(struct store *st, const char *nonce, const char *key_id,
    int64_t expires_at, int64_t now, struct store_err *err)
{
	struct pg_op op = { .name = "store_nonce_use", .nonce = nonce,
	    .key_id = key_id, .t1 = expires_at, .t2 = now };

	/* One statement: its own transaction, committed before return. */
	return pg_call(st, op.name, PG_TX_NONE, pg_do_nonce, &op, err);
}

static int
pg_calendar_set(struct store *st, const struct store_cal_change *ch,
    struct store_booking **hitsp, size_t *np, struct store_err *err)
{
	struct pg_op op = { .name = "store_calendar_set", .cal = ch };
	int rc;

	if ((rc = pg_call(st, op.name, PG_TX_WRITE, pg_do_calendar, &op,
	    err)) != STORE_OK) {
		free(op.hits);
		return rc;
	}
	*hitsp = op.hits;
	*np = op.nhits;
	return STORE_OK;
}

/* Reads: one statement each, outside any transaction. */

struct pg_slots_arg {
	struct pg_op	 op;		/* name, hash, keys */
	const char	*dealer, *model, *date;
	struct store_slot_count *v;
	size_t		 n;
};

static int
pg_do_slot_counts(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_slots_arg *sa = arg;
	struct pg_args a = { 0 };
	PGresult *res;
	int rc, i, n;

	/* A rerun starts afresh. */
	free(sa->v);
	sa->v = NULL;
	sa->n = 0;
	pg_arg_text(&a, sa->dealer);
	pg_arg_text(&a, sa->model);
	pg_arg_text(&a, sa->date);
	if ((rc = pg_exec(c, PG_SLOT_COUNTS, &a, 0, &res, sa->op.name,
	    err)) != STORE_OK)
		return rc;
	if ((n = PQntuples(res)) > 0 &&
	    (sa->v = calloc((size_t)n, sizeof(*sa->v))) == NULL) {
		PQclear(res);
		return store_seterr(err, STORE_ERR, "%s: out of memory",
		    sa->op.name);
	}
	for (i = 0; i < n; i++) {
		pg_col_text(res, i, 0, sa->v[i].start, sizeof(sa->v[i].start));
		sa->v[i].booked = (unsigned int)pg_col_int(res, i, 1);
	}
	sa->n = (size_t)n;
	PQclear(res);
	return STORE_OK;
}

static int
pg_slot_counts(struct store *st, const char *dealer, const char *model,
    const char *date, struct store_slot_count **cp, size_t *np,
    struct store_err *err)
{
	struct pg_slots_arg sa = { .op.name = "store_slot_counts",
	    .dealer = dealer, .model = model, .date = date };
	int rc;

	if ((rc = pg_call(st, sa.op.name, PG_TX_NONE, pg_do_slot_counts, &sa, err)) !=
	    STORE_OK) {
		free(sa.v);
		return rc;
	}
	*cp = sa.v;
	*np = sa.n;
	return STORE_OK;
}

struct pg_cal_arg {
	struct pg_op	 op;
	const char	*dealer, *from, *to;
	struct store_cal_day *v;
	size_t		 n;
};

static int
pg_do_calendar_get(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_cal_arg *ca = arg;
	struct pg_args a = { 0 };
	PGresult *res;
	int rc, i, n;

	free(ca->v);
	ca->v = NULL;
	ca->n = 0;
	pg_arg_text(&a, ca->dealer);
	pg_arg_text(&a, ca->from);
	pg_arg_text(&a, ca->to);
	if ((rc = pg_exec(c, PG_CAL_GET, &a, 0, &res, ca->op.name, err)) !=
	    STORE_OK)
		return rc;
	if ((n = PQntuples(res)) > 0 &&
	    (ca->v = calloc((size_t)n, sizeof(*ca->v))) == NULL) {
		PQclear(res);
		return store_seterr(err, STORE_ERR, "%s: out of memory",
		    ca->op.name);
	}
	for (i = 0; i < n; i++) {
		pg_col_text(res, i, 0, ca->v[i].model, sizeof(ca->v[i].model));
		pg_col_text(res, i, 1, ca->v[i].date, sizeof(ca->v[i].date));
		ca->v[i].closed = (int)pg_col_int(res, i, 2);
		ca->v[i].cars = PQgetisnull(res, i, 3) ? -1 :
		    (int)pg_col_int(res, i, 3);
	}
	ca->n = (size_t)n;
	PQclear(res);
	return STORE_OK;
}

static int
pg_calendar(struct store *st, const char *dealer, const char *from,
    const char *to, struct store_cal_day **dp, size_t *np,
    struct store_err *err)
{
	struct pg_cal_arg ca = { .op.name = "store_calendar", .dealer = dealer,
	    .from = from, .to = to };
	int rc;

	if ((rc = pg_call(st, ca.op.name, PG_TX_NONE, pg_do_calendar_get, &ca,
	    err)) != STORE_OK) {
		free(ca.v);
		return rc;
	}
	*dp = ca.v;
	*np = ca.n;
	return STORE_OK;
}

struct pg_find_arg {
	struct pg_op	 op;
	struct store_booking *b;
};

static int
pg_do_booking_find(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_find_arg *fa = arg;

	return pg_booking_get(c, fa->op.hash, 0, fa->b, fa->op.name, err);
}

static int
pg_booking_find(struct store *st, const unsigned char *hash,
    struct store_booking *b, struct store_err *err)
{
	struct pg_find_arg fa = { .op.name = "store_booking_find",
	    .op.hash = hash, .b = b };

	return pg_call(st, fa.op.name, PG_TX_NONE, pg_do_booking_find, &fa, err);
}

struct pg_held_arg {
	struct pg_op	 op;
	const char	*id;
};

static int
pg_do_booking_held(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_held_arg *ha = arg;
	struct pg_args a = { 0 };
	PGresult *res;
	int rc;

	pg_arg_text(&a, ha->id);
	if ((rc = pg_exec(c, PG_BOOKING_HELD, &a, 0, &res, ha->op.name, err)) !=
	    STORE_OK)
		return rc;
	if (PQntuples(res) != 1)
		rc = store_seterr(err, STORE_NOT_FOUND, "%s: no such booking",
		    ha->op.name);
	PQclear(res);
	return rc;
}

static int
pg_booking_held(struct store *st, const char *id, struct store_err *err)
{
	struct pg_held_arg ha = { .op.name = "store_booking_held", .id = id };

	return pg_call(st, ha.op.name, PG_TX_NONE, pg_do_booking_held, &ha, err);
}

struct pg_inbox_arg {
	struct pg_op	 op;
	int64_t		 after;
	size_t		 limit;
	struct store_record *v;
	size_t		 n;
};

/* The highest seq below which no record can still appear (see the top). */
static int
pg_horizon(struct pg_conn *c, int64_t *hp, const char *op,
    struct store_err *err)
{
	struct pg_args a = { 0 };
	PGresult *res;
	int rc;

	if ((rc = pg_exec(c, PG_HORIZON, &a, 0, &res, op, err)) != STORE_OK)
		return rc;
	*hp = PQgetisnull(res, 0, 1) ? 0 : pg_col_int(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}

static int
pg_blob_dup(const PGresult *res, int row, int col, unsigned char **pp,
    size_t *lenp)
{
	size_t n = (size_t)PQgetlength(res, row, col);

	if ((*pp = malloc(n ? n : 1)) == NULL)
		return -1;
	memcpy(*pp, PQgetvalue(res, row, col), n);
	*lenp = n;
	return 0;
}

static int
pg_inbox_row(const PGresult *res, int i, struct store_record *r)
{
	char kind[32];

	r->seq = pg_col_int(res, i, 0);
	pg_col_text(res, i, 1, r->id, sizeof(r->id));
	pg_col_text(res, i, 2, kind, sizeof(kind));
	r->kind = store_kind_parse(kind);
	pg_col_text(res, i, 3, r->key_id, sizeof(r->key_id));
	r->created = pg_col_int(res, i, 4);
	if (pg_blob_dup(res, i, 5, &r->enc, &r->enc_len) == -1 ||
	    pg_blob_dup(res, i, 6, &r->ct, &r->ct_len) == -1)
		return -1;
	pg_col_text(res, i, 7, r->slot.dealer, sizeof(r->slot.dealer));
	pg_col_text(res, i, 8, r->slot.model, sizeof(r->slot.model));
	pg_col_text(res, i, 9, r->slot.start, sizeof(r->slot.start));
	return 0;
}

static int
pg_inbox_rows(struct pg_inbox_arg *ia, const PGresult *res,
    struct store_err *err)
{
	int i, n = PQntuples(res);

	if (n == 0)
		return STORE_OK;
	if ((ia->v = calloc((size_t)n, sizeof(*ia->v))) == NULL)
		return store_seterr(err, STORE_ERR, "%s: out of memory",
		    ia->op.name);
	for (i = 0; i < n; i++) {
		ia->n++;
		if (pg_inbox_row(res, i, &ia->v[i]) == -1)
			return store_seterr(err, STORE_ERR,
			    "%s: out of memory", ia->op.name);
	}
	return STORE_OK;
}

static int
pg_do_inbox(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_inbox_arg *ia = arg;
	struct pg_args a = { 0 };
	PGresult *res;
	int64_t horizon;
	char *keys;
	int rc;

	/* A rerun starts afresh. */
	store_records_free(ia->v, ia->n);
	ia->v = NULL;
	ia->n = 0;
	if ((rc = pg_horizon(c, &horizon, ia->op.name, err)) != STORE_OK)
		return rc;
	if (horizon <= ia->after)
		return STORE_OK;
	if ((keys = pg_array(ia->op.keys, ia->op.nkeys)) == NULL)
		return store_seterr(err, STORE_ERR, "%s: out of memory",
		    ia->op.name);
	pg_arg_text(&a, keys);
	pg_arg_int(&a, ia->after);
	pg_arg_int(&a, horizon);
	pg_arg_int(&a, (int64_t)ia->limit);
	/* Binary: the ciphertext comes as it is, not hex-encoded. */
	if ((rc = pg_exec(c, PG_INBOX, &a, 1, &res, ia->op.name, err)) ==
	    STORE_OK) {
		rc = pg_inbox_rows(ia, res, err);
		PQclear(res);
	}
	free(keys);
	return rc;
}

static int
pg_inbox(struct store *st, const char *const *keys, size_t nkeys,
    int64_t after, size_t limit, struct store_record **rp, size_t *np,
    int64_t *nextp, struct store_err *err)
{
	struct pg_inbox_arg ia = { .op.name = "store_inbox", .op.keys = keys,
	    .op.nkeys = nkeys, .after = after, .limit = limit };
	int rc;

	if ((rc = pg_call(st, ia.op.name, PG_TX_NONE, pg_do_inbox, &ia, err)) !=
	    STORE_OK) {
		store_records_free(ia.v, ia.n);
		return rc;
	}
	*nextp = ia.n > 0 ? ia.v[ia.n - 1].seq : after;
	*rp = ia.v;
	*np = ia.n;
	return STORE_OK;
}

/* Adds a shard's row ("acked@07") to its counter. */
static void
pg_counter_add(struct store_counters *out, const char *name, uint64_t v)
{
	size_t len = strcspn(name, "@");
	const char *kind;
	int k;

	for (k = 1; k <= STORE_KIND_MAX; k++) {
		kind = store_kind_name((enum store_kind)k);
		if (len == 7 + strlen(kind) && strncmp(name, "stored_", 7) == 0 &&
		    strncmp(name + 7, kind, len - 7) == 0)
			out->stored[k] += v;
	}
	if (len == 5 && strncmp(name, "acked", len) == 0)
		out->acked += v;
	else if (len == 7 && strncmp(name, "expired", len) == 0)
		out->expired += v;
	else if (len == 9 && strncmp(name, "cancelled", len) == 0)
		out->cancelled += v;
	else if (len == 17 && strncmp(name, "notices_delivered", len) == 0)
		out->notices_delivered += v;
	else if (len == 15 && strncmp(name, "notices_retried", len) == 0)
		out->notices_retried += v;
	else if (len == 14 && strncmp(name, "notices_failed", len) == 0)
		out->notices_failed += v;
}

struct pg_counters_arg {
	struct pg_op	 op;
	struct store_counters *out;
};

static int
pg_do_counters(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_counters_arg *ca = arg;
	struct pg_args a = { 0 };
	PGresult *res;
	int rc, i;

	if ((rc = pg_exec(c, PG_COUNTERS, &a, 0, &res, ca->op.name, err)) !=
	    STORE_OK)
		return rc;
	memset(ca->out, 0, sizeof(*ca->out));
	for (i = 0; i < PQntuples(res); i++)
		pg_counter_add(ca->out, PQgetvalue(res, i, 0),
		    (uint64_t)pg_col_int(res, i, 1));
	PQclear(res);
	return STORE_OK;
}

static int
pg_counters(struct store *st, struct store_counters *out,
    struct store_err *err)
{
	struct pg_counters_arg ca = { .op.name = "store_counters", .out = out };

	return pg_call(st, ca.op.name, PG_TX_NONE, pg_do_counters, &ca, err);
}

struct pg_columns_arg {
	struct pg_op	 op;
	char		**v;
	size_t		 n;
};

static int
pg_do_columns(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_columns_arg *ca = arg;
	struct pg_args a = { 0 };
	PGresult *res;
	int rc, i, n;

	store_columns_free(ca->v, ca->n);
	ca->v = NULL;
	ca->n = 0;
	if ((rc = pg_exec(c, PG_COLUMNS, &a, 0, &res, ca->op.name, err)) !=
	    STORE_OK)
		return rc;
	if ((n = PQntuples(res)) > 0 &&
	    (ca->v = calloc((size_t)n, sizeof(*ca->v))) == NULL) {
		store_seterr(err, STORE_ERR, "%s: out of memory", ca->op.name);
		rc = STORE_ERR;		/* spelt out: the analyzer does not follow varargs */
	}
	for (i = 0; rc == STORE_OK && i < n; i++) {
		if (asprintf(&ca->v[i], "%s.%s", PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1)) == -1) {
			ca->v[i] = NULL;	/* asprintf leaves it undefined */
			rc = store_seterr(err, STORE_ERR, "%s: out of memory",
			    ca->op.name);
		}
		ca->n++;
	}
	PQclear(res);
	return rc;
}

static int
pg_columns(struct store *st, char ***colsp, size_t *np,
    struct store_err *err)
{
	struct pg_columns_arg ca = { .op.name = "store_columns" };
	int rc;

	if ((rc = pg_call(st, ca.op.name, PG_TX_NONE, pg_do_columns, &ca, err)) !=
	    STORE_OK) {
		store_columns_free(ca.v, ca.n);
		return rc;
	}
	*colsp = ca.v;
	*np = ca.n;
	return STORE_OK;
}

struct pg_counts_get_arg {
	struct pg_op	 op;
	const char	*from, *to;
	struct store_count *v;
	size_t		 n;
};

static int
pg_do_counts_get(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_counts_get_arg *ga = arg;
	struct pg_args a = { 0 };
	char lo[STORE_DAY_PREFIX_LEN + 1], hi[STORE_DAY_PREFIX_LEN + 1];
	PGresult *res;
	int rc, i, n;

	free(ga->v);
	ga->v = NULL;
	ga->n = 0;
	/* [d/FROM/, d/TO0): '0' follows '/', so the whole of day TO is in. */
	store_day_name(lo, sizeof(lo), ga->from, 0, "");
	store_day_name(hi, sizeof(hi), ga->to, 0, "");
	hi[STORE_DAY_PREFIX_LEN - 1] = '0';
	pg_arg_text(&a, lo);
	pg_arg_text(&a, hi);
	if ((rc = pg_exec(c, PG_COUNTS_GET, &a, 0, &res, ga->op.name, err)) != STORE_OK)
		return rc;
	if ((n = PQntuples(res)) > 0 && (ga->v = calloc((size_t)n, sizeof(*ga->v))) ==
	    NULL) {
		PQclear(res);
		return store_seterr(err, STORE_ERR, "%s: out of memory", ga->op.name);
	}
	for (i = 0; i < n; i++)
		if (store_day_parse(PQgetvalue(res, i, 0), &ga->v[ga->n]) == 0)
			ga->v[ga->n++].value = (uint64_t)pg_col_int(res, i, 1);
	PQclear(res);
	return STORE_OK;
}

static int
pg_counts_get(struct store *st, const char *from, const char *to,
    struct store_count **vp, size_t *np, struct store_err *err)
{
	struct pg_counts_get_arg ga = { .op.name = "store_counts_get", .from = from,
	    .to = to };
	int rc;

	if ((rc = pg_call(st, ga.op.name, PG_TX_NONE, pg_do_counts_get, &ga, err)) !=
	    STORE_OK) {
		free(ga.v);
		return rc;
	}
	*vp = ga.v;
	*np = ga.n;
	return STORE_OK;
}

struct pg_holdings_arg {
	struct pg_op	 op;
	const char	*from;
	struct store_holdings *h;
};

static int
pg_held_rows(const PGresult *res, struct store_holdings *h, const char *op,
    struct store_err *err)
{
	char kind[32];
	int i, n = PQntuples(res);

	if (n > 0 && (h->held = calloc((size_t)n, sizeof(*h->held))) == NULL)
		return store_seterr(err, STORE_ERR, "%s: out of memory", op);
	for (i = 0; i < n; i++) {
		pg_col_text(res, i, 0, kind, sizeof(kind));
		h->held[i].kind = store_kind_parse(kind);
		pg_col_text(res, i, 1, h->held[i].key_id, sizeof(h->held[i].key_id));
		h->held[i].records = (uint64_t)pg_col_int(res, i, 2);
		h->held[i].oldest = pg_col_int(res, i, 3);
	}
	h->nheld = (size_t)n;
	return STORE_OK;
}

static int
pg_ahead_rows(const PGresult *res, struct store_holdings *h, const char *op,
    struct store_err *err)
{
	int i, n = PQntuples(res);

	if (n > 0 && (h->ahead = calloc((size_t)n, sizeof(*h->ahead))) == NULL)
		return store_seterr(err, STORE_ERR, "%s: out of memory", op);
	for (i = 0; i < n; i++) {
		pg_col_text(res, i, 0, h->ahead[i].day, sizeof(h->ahead[i].day));
		pg_col_text(res, i, 1, h->ahead[i].dealer, sizeof(h->ahead[i].dealer));
		h->ahead[i].bookings = (uint64_t)pg_col_int(res, i, 2);
	}
	h->nahead = (size_t)n;
	return STORE_OK;
}

static int
pg_do_holdings(struct pg_conn *c, void *arg, struct store_err *err)
{
	struct pg_holdings_arg *ha = arg;
	struct pg_args none = { 0 }, a = { 0 };
	PGresult *res;
	int rc;

	/* A rerun starts afresh. */
	store_holdings_free(ha->h);
	if ((rc = pg_exec(c, PG_HELD, &none, 0, &res, ha->op.name, err)) != STORE_OK)
		return rc;
	rc = pg_held_rows(res, ha->h, ha->op.name, err);
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	pg_arg_text(&a, ha->from);
	if ((rc = pg_exec(c, PG_AHEAD, &a, 0, &res, ha->op.name, err)) != STORE_OK)
		return rc;
	rc = pg_ahead_rows(res, ha->h, ha->op.name, err);
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	if ((rc = pg_exec(c, PG_OUTBOX, &none, 0, &res, ha->op.name, err)) != STORE_OK)
		return rc;
	ha->h->outbox_backlog = PQntuples(res) == 1 ? pg_col_int(res, 0, 0) : 0;
	PQclear(res);
	return STORE_OK;
}

static int
pg_holdings(struct store *st, const char *from, struct store_holdings *h,
    struct store_err *err)
{
	struct pg_holdings_arg ha = { .op.name = "store_holdings", .from = from, .h = h };

	return pg_call(st, ha.op.name, PG_TX_NONE, pg_do_holdings, &ha, err);
}

/* Opening and closing. */

static void
pg_close(struct store *st)
{
	struct pg_store *s = (struct pg_store *)st;
	size_t i;

	/* Calls in flight finish first. */
	pthread_mutex_lock(&s->mu);
	while (s->nbusy > 0)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < PG_POOL_MAX; i++)
		pg_conn_close(&s->c[i]);
	if (s->url != NULL) {
		/* It may hold a password. */
		sodium_memzero(s->url, strlen(s->url));
		free(s->url);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->idle);
	free(s);
}

static int
pg_open(struct store **stp, const char *url, struct store_err *err)
{
	struct pg_store *s;
	struct pg_conn *c;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return store_seterr(err, STORE_ERR, "store_open: out of memory");
	s->base.ops = &store_pg_ops;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle, NULL);
	if ((s->url = strdup(url)) == NULL) {
		rc = store_seterr(err, STORE_ERR, "store_open: out of memory");
		goto fail;
	}
	/* The first connection migrates, then joins the pool. */
	if ((c = pg_pool_get(s, err)) == NULL) {
		rc = STORE_ERR;
		goto fail;
	}
	rc = pg_migrate(c, err);
	pg_pool_put(s, c);
	if (rc != STORE_OK)
		goto fail;
	*stp = &s->base;
	return STORE_OK;
fail:
	pg_close(&s->base);
	return rc;
}

const struct store_ops store_pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.put = pg_put_rec,
	.book = pg_book,
	.slot_counts = pg_slot_counts,
	.calendar_set = pg_calendar_set,
	.calendar = pg_calendar,
	.booking_decide = pg_booking_decide,
	.booking_find = pg_booking_find,
	.booking_held = pg_booking_held,
	.cancel = pg_cancel,
	.inbox = pg_inbox,
	.ack = pg_ack,
	.expire = pg_expire,
	.nonce_use = pg_nonce_use,
	.counters = pg_counters,
	.columns = pg_columns,
	.counts_add = pg_counts_add,
	.counts_get = pg_counts_get,
	.holdings = pg_holdings,
	.notice_next = pg_notice_next,
};
