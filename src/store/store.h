/*
 * The store: sealed records, test-drive slots, replay nonces and aggregate
 * counters, behind one interface with a backend per database.
 *
 * What the store may hold in plaintext is fixed here and nowhere else: a
 * record's id, kind, recipient key id, creation time, HPKE enc and
 * ciphertext; for a booking, its slot (dealer, model, start) and the SHA-256
 * of its cancel token; replay nonces; aggregate counts. Nothing else. The
 * store never sees a plaintext record and never needs to.
 *
 * Contract shared by every backend (tests/unit/test_store.c checks it):
 *  - Every call is safe from any thread on one handle, and several handles
 *    (threads, processes, nodes) may use one database at once.
 *  - Each write call is atomic (one transaction) and durable when it
 *    returns STORE_OK: a crash or power loss afterwards keeps it.
 *    A backend may commit several callers' writes in one transaction
 *    (group commit) but never returns before that commit.
 *  - A failed call changes nothing.
 *  - Error messages carry context (operation, backend reason), never record
 *    contents, tokens or nonces.
 *  - Counts are aggregates per day and name (struct store_count), kept in the
 *    counters table as "d/YYYY-MM-DD/NAME": nothing in them names a person.
 *
 * Open a store by URL: "sqlite:/var/lib/showroom" or a plain directory
 * (SQLite, file DIR/showroom.db), or a libpq URL "postgres://..." or
 * "postgresql://..." (PostgreSQL; docs/OPERATIONS.md).
 */
#ifndef SHOWROOM_STORE_H
#define SHOWROOM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "seal/recid.h"

#define STORE_ID_LEN		RECID_LEN
#define STORE_HASH_LEN		32	/* SHA-256 */
#define STORE_KEYID_MAX		64
#define STORE_DEALER_MAX	32
#define STORE_MODEL_MAX		64
#define STORE_SLOT_LEN		16	/* "YYYY-MM-DDTHH:MM", local time */
#define STORE_DATE_LEN		10	/* "YYYY-MM-DD" */
#define STORE_ENC_MAX		256
#define STORE_CT_MAX		(64 * 1024)
#define STORE_NONCE_MAX		128
#define STORE_CAPACITY_MAX	10000
#define STORE_MAX_KEYS		8	/* recipient keys per inbox/ack call */
#define STORE_INBOX_MAX		1000	/* records per inbox page */
#define STORE_ACK_MAX		1000	/* ids per ack call */
#define STORE_CAL_DAYS_MAX	366	/* days one calendar change may span */
#define STORE_CARS_MAX		200	/* demo cars of one model on one day */

enum store_rc {
	STORE_OK = 0,
	STORE_FULL,		/* the slot has no capacity left */
	STORE_NOT_FOUND,	/* no such booking (or its token was used) */
	STORE_REPLAY,		/* the nonce was seen before */
	STORE_CONFLICT,		/* the record id or cancel hash exists already */
	STORE_ERR		/* bad argument, database or memory failure */
};

enum store_kind {
	STORE_KIND_CATALOG_REQUEST = 1,
	STORE_KIND_TEST_DRIVE = 2,
	STORE_KIND_CANCELLATION = 3
};
#define STORE_KIND_MAX	3

/*
 * A booking's status: booked (final on arrival), pending (the brand wants
 * the dealer to confirm it), then confirmed or declined by the dealer. A
 * declined booking frees its place and keeps a reason code from a short
 * fixed list (store_reason_valid): no free text, nothing personal.
 */
enum store_booking_status {
	STORE_BOOKING_BOOKED = 0,
	STORE_BOOKING_PENDING,
	STORE_BOOKING_CONFIRMED,
	STORE_BOOKING_DECLINED
};
#define STORE_REASON_MAX	32

struct store_err {
	int	 code;		/* the enum store_rc that was returned */
	char	 msg[256];
};

struct store_slot {
	char	 dealer[STORE_DEALER_MAX + 1];
	char	 model[STORE_MODEL_MAX + 1];
	char	 start[STORE_SLOT_LEN + 1];
};

struct store_record {
	char		 id[STORE_ID_LEN + 1];
	enum store_kind	 kind;
	char		 key_id[STORE_KEYID_MAX + 1];	/* recipient */
	int64_t		 created;			/* unix seconds */
	unsigned char	*enc;
	size_t		 enc_len;
	unsigned char	*ct;
	size_t		 ct_len;
	/* Test drives: the slot, and on input the cancel token's hash and the
	 * status it starts in (booked or pending). */
	struct store_slot slot;
	unsigned char	 cancel_hash[STORE_HASH_LEN];
	enum store_booking_status status;
	/* Set by store_inbox: the record's place in the inbox order. */
	int64_t		 seq;
};

struct store_slot_count {
	char		 start[STORE_SLOT_LEN + 1];
	unsigned int	 booked;
};

struct store_booking {
	char		 id[STORE_ID_LEN + 1];	/* the booking record's id */
	struct store_slot slot;
	int64_t		 created;
	enum store_booking_status status;
	char		 reason[STORE_REASON_MAX + 1];	/* declined: the code */
};

/*
 * A dealer's calendar: it closes days (the whole store, or one model) and
 * sets the number of demo cars of a model per day, over a range of days
 * "YYYY-MM-DD" (from and to included). It is kept as one row per dealer,
 * model ("" for the whole store) and day; nothing in it is personal.
 */
enum store_cal_op {
	STORE_CAL_CLOSE = 1,	/* no bookings on those days */
	STORE_CAL_OPEN,		/* undoes a close of the same scope */
	STORE_CAL_CARS		/* cars demo cars (-1: the content's number) */
};

struct store_cal_change {
	enum store_cal_op op;
	char		 dealer[STORE_DEALER_MAX + 1];
	char		 model[STORE_MODEL_MAX + 1];	/* "": the whole store */
	char		 from[STORE_DATE_LEN + 1];
	char		 to[STORE_DATE_LEN + 1];
	int		 cars;		/* STORE_CAL_CARS: 0..STORE_CARS_MAX or -1 */
};

struct store_cal_day {
	char		 model[STORE_MODEL_MAX + 1];	/* "": the whole store */
	char		 date[STORE_DATE_LEN + 1];
	int		 closed;
	int		 cars;		/* -1: the content's number */
};

struct store_counters {
	uint64_t	 stored[STORE_KIND_MAX + 1];	/* by enum store_kind */
	uint64_t	 acked;
	uint64_t	 expired;
	uint64_t	 cancelled;
	uint64_t	 notices_delivered;
	uint64_t	 notices_retried;	/* attempts that failed and wait */
	uint64_t	 notices_failed;	/* given up */
};

/*
 * An aggregate count of one day (Japan time), named by what was counted and never by
 * whom: "page.model.ja", "form.catalog.accepted". Names are [a-z0-9_.-]{1,80}. The store
 * keeps some itself, in the transaction of the write they count (STORE_COUNT_*); the web
 * tier adds its traffic counts with store_counts_add, so several nodes add up.
 */
#define STORE_COUNT_NAME_MAX	80
#define STORE_COUNTS_MAX	4096		/* per store_counts_add call */
#define STORE_COUNT_KEEP_DAYS	400		/* store_expire drops older days */
#define STORE_COUNT_STORED	"stored."	/* + store_kind_name: records stored */
#define STORE_COUNT_ACKED	"acked"		/* records deleted on acknowledgement */
#define STORE_COUNT_EXPIRED	"expired"	/* records deleted for their age */
#define STORE_COUNT_CANCELLED	"cancelled"	/* bookings cancelled by the visitor */

struct store_count {
	char		 day[STORE_DATE_LEN + 1];	/* "YYYY-MM-DD", Japan time */
	char		 name[STORE_COUNT_NAME_MAX + 1];
	uint64_t	 value;
};

/* What the store holds now, counted: no id, no ciphertext, no slot time. */
struct store_held {
	enum store_kind	 kind;
	char		 key_id[STORE_KEYID_MAX + 1];	/* the recipient */
	uint64_t	 records;
	int64_t		 oldest;			/* created, unix seconds */
};

struct store_day_bookings {
	char		 day[STORE_DATE_LEN + 1];	/* of the slot */
	char		 dealer[STORE_DEALER_MAX + 1];
	uint64_t	 bookings;
};

struct store_holdings {
	struct store_held	*held;		/* by kind, then key id */
	size_t			 nheld;
	uint64_t		 records;	/* all of held */
	int64_t			 oldest;	/* 0 when nothing is held */
	struct store_day_bookings *ahead;	/* by day, then dealer */
	size_t			 nahead;
	/* Notices waiting in the outbox (store_notice_next); -1 from a backend without one. */
	int64_t			 outbox_backlog;
};

/*
 * The notice outbox. Every record stored queues, in the same transaction,
 * a notice row for its recipient key (its kind and time, nothing else);
 * deleting the record (ack, expiry, a cancel) drops it. A sender turns the
 * rows of one recipient into one notice: how many new records of which
 * kind wait, no more.
 */
struct store_notice {
	char		 key_id[STORE_KEYID_MAX + 1];
	uint64_t	 count[STORE_KIND_MAX + 1];	/* by enum store_kind */
	int64_t		 oldest;	/* the oldest one's creation time */
	unsigned int	 attempts;	/* failed attempts so far */
};

struct store_notice_policy {
	int64_t		 interval;	/* at most one notice per recipient per interval */
	int64_t		 retry;		/* after a failure; doubles each time ... */
	int64_t		 retry_max;	/* ... up to this */
	int64_t		 give_up;	/* drop them once the oldest waited this long */
};

enum store_notice_outcome {
	STORE_NOTICE_SENT = 1,	/* delivered */
	STORE_NOTICE_FAILED,	/* try again later, or give up */
	STORE_NOTICE_SKIP	/* nobody to tell (no channel): dropped, uncounted */
};

typedef enum store_notice_outcome store_notice_fn(const struct store_notice *,
    void *arg);

struct store;

/* Opens (and creates or migrates) the store at url. */
int	 store_open(struct store **, const char *url, struct store_err *);
/* Waits for writes in flight, then closes. NULL is fine. */
void	 store_close(struct store *);
const char *store_backend(const struct store *);

const char *store_kind_name(enum store_kind);
/* "booked", "pending", "confirmed", "declined"; and the reverse (-1). */
const char *store_status_name(enum store_booking_status);
int	 store_status_parse(const char *);
/* The decline reasons: "closed", "car_unavailable", "staff_unavailable",
 * "other". NULL-terminated, for messages and forms. */
extern const char *const store_reasons[];
int	 store_reason_valid(const char *);
const char *store_rc_name(int);

/*
 * Stores a catalog request (or any kind that needs no slot). With an
 * idempotency key hash, a second call with the same hash stores nothing
 * and returns STORE_OK with the first record's id in receipt; the hash is
 * forgotten when that record is deleted. receipt may be NULL.
 */
int	 store_put(struct store *, const struct store_record *,
	    const unsigned char *idem, char receipt[STORE_ID_LEN + 1],
	    struct store_err *);
/*
 * Stores a test drive only while its slot has fewer than capacity active
 * bookings, else STORE_FULL. The dealer's calendar overrides capacity: a
 * closed day is STORE_FULL, and cars set for the model and day replace it.
 * Idempotency as for store_put: a replay takes no second place.
 */
int	 store_book(struct store *, const struct store_record *,
	    unsigned int capacity, const unsigned char *idem,
	    char receipt[STORE_ID_LEN + 1], struct store_err *);
/*
 * Booked counts for one day (date "YYYY-MM-DD") of a dealer's model, by
 * slot start, ascending; slots with none booked are left out. Free the
 * array with free().
 */
int	 store_slot_counts(struct store *, const char *dealer,
	    const char *model, const char *date, struct store_slot_count **,
	    size_t *np, struct store_err *);
/*
 * Applies a calendar change to every day of its range, in one transaction.
 * A booking never disappears by it: *affected (may be NULL) lists the
 * active bookings that now sit in a closed slot (close) or in a slot with
 * more bookings than cars (cars), by slot; the dealer decides what to do
 * with them. Free the list with free(). store_book refuses a closed slot
 * and counts a slot's capacity from the cars set here, in its own
 * transaction, so a change holds at once for every handle and node.
 */
int	 store_calendar_set(struct store *, const struct store_cal_change *,
	    struct store_booking **affected, size_t *naffected,
	    struct store_err *);
/*
 * The calendar rows of dealer from one day to another (included), by day
 * then model. Free the array with free().
 */
int	 store_calendar(struct store *, const char *dealer, const char *from,
	    const char *to, struct store_cal_day **, size_t *np,
	    struct store_err *);
/*
 * The dealer's decision on booking id (of dealer; another dealer's is
 * STORE_NOT_FOUND): STORE_BOOKING_CONFIRMED, or STORE_BOOKING_DECLINED with
 * a reason, which frees its place once. Confirming a declined booking is
 * STORE_CONFLICT; declining it again changes nothing. *out (may be NULL)
 * gets the booking as it is afterwards.
 */
int	 store_booking_decide(struct store *, const char *dealer,
	    const char *id, enum store_booking_status, const char *reason,
	    struct store_booking *out, struct store_err *);
/* The booking a cancel token hash belongs to (with its status), or
 * STORE_NOT_FOUND. */
int	 store_booking_find(struct store *, const unsigned char *cancel_hash,
	    struct store_booking *, struct store_err *);
/*
 * STORE_OK while the booking with this record id holds its place (its cancel
 * link works), STORE_NOT_FOUND once it was cancelled or expired, or if it
 * never was. Lets the web tier tell a mistyped link to a live booking from a
 * used one.
 */
int	 store_booking_held(struct store *, const char *booking_id,
	    struct store_err *);
/*
 * Cancels the booking with this token hash, once: frees its place, forgets
 * the hash, deletes the booking record if it was not yet acknowledged and
 * stores the sealed cancellation record, all in one transaction. A second
 * use of the hash, or a booking the dealer declined, gives STORE_NOT_FOUND.
 */
int	 store_cancel(struct store *, const unsigned char *cancel_hash,
	    const struct store_record *cancellation, struct store_err *);
/*
 * Records addressed to any of key_ids with seq > after, in seq order, at
 * most limit. *next is the cursor for the following page (after itself
 * when nothing came back). A record never appears later with a seq at or
 * below a cursor already handed out. Free with store_records_free().
 */
int	 store_inbox(struct store *, const char *const *key_ids, size_t nkeys,
	    int64_t after, size_t limit, struct store_record **, size_t *np,
	    int64_t *next, struct store_err *);
void	 store_records_free(struct store_record *, size_t);
/*
 * Deletes those of ids that are addressed to one of key_ids; others are
 * left alone. *deleted counts what went. Acknowledging a booking does not
 * free its place: the dealer has it, the visitor still comes. Only
 * store_cancel frees a place, and the cancel link keeps working after ack.
 */
int	 store_ack(struct store *, const char *const *key_ids, size_t nkeys,
	    const char *const *ids, size_t nids, uint64_t *deleted,
	    struct store_err *);
/*
 * Deletes records created more than max_age seconds before now, and
 * bookings' cancel hashes of the same age, counts the records in the
 * "expired" counter, purges nonces that expired by now and slot counters
 * of days long past. *expired may be NULL.
 */
int	 store_expire(struct store *, int64_t max_age, int64_t now,
	    uint64_t *expired, struct store_err *);
/*
 * Records that key_id used nonce, valid until expires_at: STORE_OK when it
 * is new (or its earlier use expired by now), STORE_REPLAY when seen.
 */
int	 store_nonce_use(struct store *, const char *nonce, const char *key_id,
	    int64_t expires_at, int64_t now, struct store_err *);
int	 store_counters(struct store *, struct store_counters *,
	    struct store_err *);
/*
 * Adds each of the n counts to its day's counter (made at 0 when new), in one
 * transaction. The same day and name may come more than once.
 */
int	 store_counts_add(struct store *, const struct store_count *, size_t n,
	    struct store_err *);
/*
 * The counters of the days from..to ("YYYY-MM-DD", both included), by day, then name.
 * Free the array with free().
 */
int	 store_counts_get(struct store *, const char *from, const char *to,
	    struct store_count **, size_t *np, struct store_err *);
/*
 * Records held now by kind and recipient with the oldest's time, and active bookings
 * by slot day and dealer from the day "from" on. Free with store_holdings_free().
 */
int	 store_holdings(struct store *, const char *from, struct store_holdings *,
	    struct store_err *);
void	 store_holdings_free(struct store_holdings *);
/*
 * Calls fn after every store call that serves a request or keeps the store ("store_put",
 * "store_calendar", "store_expire", ...) with the operation's name and how long it took,
 * in nanoseconds; NULL stops it. Not store_notice_next, whose time is mostly the
 * delivery's. Set it before any thread uses a store.
 */
void	 store_observe(void (*fn)(const char *op, uint64_t ns));
/*
 * Picks one recipient whose notices wait and whose next notice is due at
 * now, calls send with them, and records the outcome: SENT deletes the
 * rows it covered (later ones wait) and makes the next notice due after
 * policy->interval; FAILED makes it due again after a backoff (counted
 * retried), or, once the oldest row waited give_up, deletes the rows
 * (counted failed); SKIP deletes them uncounted. *outcome (may be NULL)
 * gets it. STORE_NOT_FOUND when nothing is due.
 * Exactly one caller works on a recipient at a time, across handles and
 * nodes: PostgreSQL locks its row (FOR UPDATE SKIP LOCKED) and takes the
 * rows in the same transaction while send runs, so a crash before the
 * commit leaves them for the next try; SQLite relies on one process per
 * database with one sender. A crash after send and before the outcome is
 * recorded sends that notice again (at least once, never none).
 */
/* The wait after failed attempt ATTEMPTS (1 for the first): retry, doubled
 * each time, at most retry_max. */
int64_t	 store_notice_backoff(const struct store_notice_policy *,
	    unsigned int attempts);
int	 store_notice_next(struct store *, int64_t now,
	    const struct store_notice_policy *, store_notice_fn *send, void *arg,
	    enum store_notice_outcome *outcome, struct store_err *);
/*
 * Every column the backend stores, as "table.column", sorted: what a data
 * inventory or breach report says the database holds.
 */
int	 store_columns(struct store *, char ***colsp, size_t *np,
	    struct store_err *);
void	 store_columns_free(char **, size_t);

#endif
