/*
 * The store front: picks a backend by URL and checks every argument once,
 * here, so that each backend gets well-formed input and all backends refuse
 * the same things the same way.
 */
#include "store/store_int.h"

#include <sodium.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"

static const char *const store_kinds[STORE_KIND_MAX + 1] = {
	NULL, "catalog_request", "test_drive", "cancellation"
};
static const char *const store_statuses[] = {
	"booked", "pending", "confirmed", "declined"
};
const char *const store_reasons[] = {
	"closed", "car_unavailable", "staff_unavailable", "other", NULL
};

/* Set once before any thread runs (store_observe), read by every call. */
static void (*store_observer)(const char *, uint64_t);

void
store_observe(void (*fn)(const char *, uint64_t))
{
	store_observer = fn;
}

static uint64_t
store_clock(void)
{
	struct timespec ts;

	if (store_observer == NULL)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Tells the observer how long OP took since T0 (store_clock), and returns RC. */
static int
store_observed(const char *op, uint64_t t0, int rc)
{
	if (store_observer != NULL)
		store_observer(op, store_clock() - t0);
	return rc;
}

int
store_seterr(struct store_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

static int
store_ok(struct store_err *err)
{
	if (err != NULL) {
		err->code = STORE_OK;
		err->msg[0] = '\0';
	}
	return STORE_OK;
}

const char *
store_kind_name(enum store_kind k)
{
	if ((int)k < 1 || (int)k > STORE_KIND_MAX)
		return NULL;
	return store_kinds[k];
}

enum store_kind
store_kind_parse(const char *s)
{
	int k;

	for (k = 1; k <= STORE_KIND_MAX; k++)
		if (strcmp(s, store_kinds[k]) == 0)
			return (enum store_kind)k;
	return (enum store_kind)0;
}

const char *
store_status_name(enum store_booking_status st)
{
	if ((int)st < 0 || (int)st > STORE_BOOKING_DECLINED)
		return NULL;
	return store_statuses[st];
}

int
store_status_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i <= STORE_BOOKING_DECLINED; i++)
		if (strcmp(s, store_statuses[i]) == 0)
			return i;
	return -1;
}

int
store_reason_valid(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && store_reasons[i] != NULL; i++)
		if (strcmp(s, store_reasons[i]) == 0)
			return 1;
	return 0;
}

const char *
store_rc_name(int rc)
{
	switch (rc) {
	case STORE_OK:
		return "ok";
	case STORE_FULL:
		return "full";
	case STORE_NOT_FOUND:
		return "not found";
	case STORE_REPLAY:
		return "replay";
	case STORE_CONFLICT:
		return "conflict";
	default:
		return "error";
	}
}

static int
store_isalnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* 1..max characters, each alphanumeric or in extra. */
static int
store_token_valid(const char *s, size_t max, const char *extra)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || (!store_isalnum((unsigned char)s[i]) &&
		    strchr(extra, s[i]) == NULL))
			return 0;
	return 1;
}

static int
store_keyid_valid(const char *s)
{
	/* Hex, base64 or base64url fingerprints, optionally prefixed. */
	return store_token_valid(s, STORE_KEYID_MAX, "-_.:+/=");
}

/* Digits at the places of 'D' in pat, pat's other characters verbatim. */
static int
store_pattern(const char *s, const char *pat)
{
	size_t i;

	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == 'D' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	}
	return s[i] == '\0';
}

static int
store_num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int
store_date_valid(const char *s)
{
	int m, d;

	if (s == NULL || !store_pattern(s, "DDDD-DD-DD"))
		return 0;
	m = store_num2(s + 5);
	d = store_num2(s + 8);
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int
store_slotstart_valid(const char *s)
{
	char date[STORE_DATE_LEN + 1];

	/* Fixed width, so that text order is time order in every backend. */
	if (s == NULL || !store_pattern(s, "DDDD-DD-DDTDD:DD"))
		return 0;
	if (store_num2(s + 11) > 23 || store_num2(s + 14) > 59)
		return 0;
	memcpy(date, s, STORE_DATE_LEN);
	date[STORE_DATE_LEN] = '\0';
	return store_date_valid(date);
}

static int
store_slot_valid(const struct store_slot *sl)
{
	return store_token_valid(sl->dealer, STORE_DEALER_MAX, "-_.") &&
	    store_token_valid(sl->model, STORE_MODEL_MAX, "-_.") &&
	    store_slotstart_valid(sl->start);
}

static int
store_nonce_valid(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= STORE_NONCE_MAX || s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* The checks every record passes, whatever its kind. */
static int
store_record_check(const char *op, const struct store_record *r,
    enum store_kind want, struct store_err *err)
{
	if (r == NULL)
		return store_seterr(err, STORE_ERR, "%s: no record", op);
	if (!recid_valid(r->id))
		return store_seterr(err, STORE_ERR, "%s: malformed record id",
		    op);
	if (r->kind != want)
		return store_seterr(err, STORE_ERR,
		    "%s: record kind must be %s", op, store_kinds[want]);
	if (!store_keyid_valid(r->key_id))
		return store_seterr(err, STORE_ERR,
		    "%s: record %s: malformed recipient key id", op, r->id);
	if (r->created <= 0)
		return store_seterr(err, STORE_ERR,
		    "%s: record %s: creation time not set", op, r->id);
	if (r->enc == NULL || r->enc_len == 0 || r->enc_len > STORE_ENC_MAX)
		return store_seterr(err, STORE_ERR,
		    "%s: record %s: enc must be 1..%d bytes", op, r->id,
		    STORE_ENC_MAX);
	if (r->ct == NULL || r->ct_len == 0 || r->ct_len > STORE_CT_MAX)
		return store_seterr(err, STORE_ERR,
		    "%s: record %s: ciphertext must be 1..%d bytes", op, r->id,
		    STORE_CT_MAX);
	if (want == STORE_KIND_TEST_DRIVE && !store_slot_valid(&r->slot))
		return store_seterr(err, STORE_ERR,
		    "%s: record %s: malformed slot", op, r->id);
	return STORE_OK;
}

static int
store_keys_check(const char *op, const char *const *keys, size_t n,
    struct store_err *err)
{
	size_t i;

	if (keys == NULL || n == 0 || n > STORE_MAX_KEYS)
		return store_seterr(err, STORE_ERR,
		    "%s: 1..%d recipient key ids needed", op, STORE_MAX_KEYS);
	for (i = 0; i < n; i++)
		if (!store_keyid_valid(keys[i]))
			return store_seterr(err, STORE_ERR,
			    "%s: malformed key id at index %zu", op, i);
	return STORE_OK;
}

/* Splits "scheme:rest"; 0 when s has no URL scheme (a plain path). */
static int
store_scheme(const char *s, char *scheme, size_t size, const char **restp)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; s[i] != ':'; i++)
		if (!store_isalnum((unsigned char)s[i]) &&
		    strchr("+.-", s[i]) == NULL)
			return 0;
	if (i >= size)
		return 0;
	memcpy(scheme, s, i);
	scheme[i] = '\0';
	*restp = s + i + 1;
	return 1;
}

int
store_open(struct store **stp, const char *url, struct store_err *err)
{
	char scheme[16];
	const char *rest;

	if (stp == NULL)
		return store_seterr(err, STORE_ERR, "store_open: no handle");
	*stp = NULL;
	if (url == NULL || url[0] == '\0')
		return store_seterr(err, STORE_ERR, "store_open: empty URL");
	if (sodium_init() < 0)
		return store_seterr(err, STORE_ERR,
		    "store_open: libsodium failed to initialise");
	if (!store_scheme(url, scheme, sizeof(scheme), &rest))
		return store_sqlite_ops.open(stp, url, err);
	if (strcmp(scheme, "sqlite") == 0) {
		/* "sqlite:///abs" and "sqlite:/abs" both name /abs. */
		if (strncmp(rest, "//", 2) == 0)
			rest += 2;
		if (rest[0] == '\0')
			return store_seterr(err, STORE_ERR,
			    "store_open: sqlite: no directory given");
		return store_sqlite_ops.open(stp, rest, err);
	}
	/* libpq takes the whole URL, which it parses itself. */
	if (strcmp(scheme, "postgres") == 0 ||
	    strcmp(scheme, "postgresql") == 0)
		return store_pg_ops.open(stp, url, err);
	return store_seterr(err, STORE_ERR, "store_open: unknown store scheme "
	    "\"%s\" (sqlite:DIR, a directory or postgres://...)", scheme);
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

const char *
store_backend(const struct store *st)
{
	return st->ops->name;
}

int
store_put(struct store *st, const struct store_record *r,
    const unsigned char *idem, char receipt[STORE_ID_LEN + 1],
    struct store_err *err)
{
	char dummy[STORE_ID_LEN + 1];
	uint64_t t0;
	int rc;

	if ((rc = store_record_check("store_put", r,
	    STORE_KIND_CATALOG_REQUEST, err)) != STORE_OK)
		return rc;
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_put", t0, st->ops->put(st, r, idem,
	    receipt ? receipt : dummy, err));
}

int
store_book(struct store *st, const struct store_record *r,
    unsigned int capacity, const unsigned char *idem,
    char receipt[STORE_ID_LEN + 1], struct store_err *err)
{
	char dummy[STORE_ID_LEN + 1];
	uint64_t t0;
	int rc;

	if ((rc = store_record_check("store_book", r, STORE_KIND_TEST_DRIVE,
	    err)) != STORE_OK)
		return rc;
	if (capacity > STORE_CAPACITY_MAX)
		return store_seterr(err, STORE_ERR,
		    "store_book: capacity %u above %d", capacity,
		    STORE_CAPACITY_MAX);
	if (r->status != STORE_BOOKING_BOOKED &&
	    r->status != STORE_BOOKING_PENDING)
		return store_seterr(err, STORE_ERR,
		    "store_book: a booking starts booked or pending");
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_book", t0, st->ops->book(st, r, capacity, idem,
	    receipt ? receipt : dummy, err));
}

int
store_slot_counts(struct store *st, const char *dealer, const char *model,
    const char *date, struct store_slot_count **cp, size_t *np,
    struct store_err *err)
{
	uint64_t t0;

	if (cp == NULL || np == NULL)
		return store_seterr(err, STORE_ERR,
		    "store_slot_counts: no result pointers");
	*cp = NULL;
	*np = 0;
	if (!store_token_valid(dealer, STORE_DEALER_MAX, "-_.") ||
	    !store_token_valid(model, STORE_MODEL_MAX, "-_."))
		return store_seterr(err, STORE_ERR,
		    "store_slot_counts: malformed dealer or model");
	if (!store_date_valid(date))
		return store_seterr(err, STORE_ERR,
		    "store_slot_counts: date must be YYYY-MM-DD");
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_slot_counts", t0, st->ops->slot_counts(st, dealer,
	    model, date, cp, np, err));
}

int
store_cal_ndays(const char *from, const char *to)
{
	time_t a = jtime_midnight(from), b = jtime_midnight(to);

	if (a == -1 || b == -1 || b < a)
		return -1;
	/* Japan has no daylight saving: every day is 86400 s. */
	return (int)((b - a) / 86400) + 1;
}

void
store_cal_day_at(const char *from, int i, char out[STORE_DATE_LEN + 1])
{
	jtime_date(jtime_midnight(from), i, out);
}

int
store_calendar_set(struct store *st, const struct store_cal_change *ch,
    struct store_booking **ap, size_t *np, struct store_err *err)
{
	struct store_booking *dummy = NULL;
	size_t dn = 0;
	uint64_t t0;
	int n, rc;

	if (ap == NULL)
		ap = &dummy;
	if (np == NULL)
		np = &dn;
	*ap = NULL;
	*np = 0;
	if (ch == NULL || ch->op < STORE_CAL_CLOSE || ch->op > STORE_CAL_CARS)
		return store_seterr(err, STORE_ERR,
		    "store_calendar_set: no or unknown change");
	if (!store_token_valid(ch->dealer, STORE_DEALER_MAX, "-_.") ||
	    (ch->model[0] != '\0' &&
	    !store_token_valid(ch->model, STORE_MODEL_MAX, "-_.")))
		return store_seterr(err, STORE_ERR,
		    "store_calendar_set: malformed dealer or model");
	if (ch->op == STORE_CAL_CARS && (ch->model[0] == '\0' ||
	    ch->cars < -1 || ch->cars > STORE_CARS_MAX))
		return store_seterr(err, STORE_ERR, "store_calendar_set: cars "
		    "need a model and 0..%d (or -1)", STORE_CARS_MAX);
	if (!store_date_valid(ch->from) || !store_date_valid(ch->to) ||
	    (n = store_cal_ndays(ch->from, ch->to)) < 1)
		return store_seterr(err, STORE_ERR,
		    "store_calendar_set: from and to must be days, from first");
	if (n > STORE_CAL_DAYS_MAX)
		return store_seterr(err, STORE_ERR,
		    "store_calendar_set: %d days, at most %d", n,
		    STORE_CAL_DAYS_MAX);
	store_ok(err);
	t0 = store_clock();
	rc = store_observed("store_calendar_set", t0, st->ops->calendar_set(st, ch, ap, np,
	    err));
	free(dummy);
	return rc;
}

int
store_calendar(struct store *st, const char *dealer, const char *from,
    const char *to, struct store_cal_day **dp, size_t *np,
    struct store_err *err)
{
	uint64_t t0;
	int n;

	if (dp == NULL || np == NULL)
		return store_seterr(err, STORE_ERR,
		    "store_calendar: no result pointers");
	*dp = NULL;
	*np = 0;
	if (!store_token_valid(dealer, STORE_DEALER_MAX, "-_."))
		return store_seterr(err, STORE_ERR,
		    "store_calendar: malformed dealer");
	if (!store_date_valid(from) || !store_date_valid(to) ||
	    (n = store_cal_ndays(from, to)) < 1 || n > STORE_CAL_DAYS_MAX)
		return store_seterr(err, STORE_ERR, "store_calendar: from and "
		    "to must be days, from first, at most %d days",
		    STORE_CAL_DAYS_MAX);
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_calendar", t0, st->ops->calendar(st, dealer, from, to,
	    dp, np, err));
}

int
store_booking_decide(struct store *st, const char *dealer, const char *id,
    enum store_booking_status status, const char *reason,
    struct store_booking *out, struct store_err *err)
{
	struct store_booking dummy;
	uint64_t t0;

	if (out == NULL)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	if (!store_token_valid(dealer, STORE_DEALER_MAX, "-_.") ||
	    !recid_valid(id))
		return store_seterr(err, STORE_ERR,
		    "store_booking_decide: malformed dealer or booking id");
	if (status == STORE_BOOKING_CONFIRMED ? reason != NULL :
	    status != STORE_BOOKING_DECLINED || !store_reason_valid(reason))
		return store_seterr(err, STORE_ERR, "store_booking_decide: "
		    "confirmed without a reason, or declined with one of the "
		    "reasons");
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_booking_decide", t0, st->ops->booking_decide(st, dealer,
	    id, status, reason, out, err));
}

int
store_booking_find(struct store *st, const unsigned char *hash,
    struct store_booking *b, struct store_err *err)
{
	uint64_t t0;

	if (hash == NULL || b == NULL)
		return store_seterr(err, STORE_ERR,
		    "store_booking_find: no hash or result");
	memset(b, 0, sizeof(*b));
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_booking_find", t0, st->ops->booking_find(st, hash, b,
	    err));
}

int
store_booking_held(struct store *st, const char *id, struct store_err *err)
{
	uint64_t t0;

	if (id == NULL || !recid_valid(id))
		return store_seterr(err, STORE_ERR,
		    "store_booking_held: malformed booking id");
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_booking_held", t0, st->ops->booking_held(st, id, err));
}

int
store_cancel(struct store *st, const unsigned char *hash,
    const struct store_record *r, struct store_err *err)
{
	uint64_t t0;
	int rc;

	if (hash == NULL)
		return store_seterr(err, STORE_ERR, "store_cancel: no hash");
	if ((rc = store_record_check("store_cancel", r,
	    STORE_KIND_CANCELLATION, err)) != STORE_OK)
		return rc;
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_cancel", t0, st->ops->cancel(st, hash, r, err));
}

int
store_inbox(struct store *st, const char *const *keys, size_t nkeys,
    int64_t after, size_t limit, struct store_record **rp, size_t *np,
    int64_t *nextp, struct store_err *err)
{
	uint64_t t0;
	int rc;

	if (rp == NULL || np == NULL || nextp == NULL)
		return store_seterr(err, STORE_ERR,
		    "store_inbox: no result pointers");
	*rp = NULL;
	*np = 0;
	*nextp = after;
	if ((rc = store_keys_check("store_inbox", keys, nkeys, err)) !=
	    STORE_OK)
		return rc;
	if (after < 0)
		return store_seterr(err, STORE_ERR,
		    "store_inbox: negative cursor");
	if (limit == 0 || limit > STORE_INBOX_MAX)
		return store_seterr(err, STORE_ERR,
		    "store_inbox: limit must be 1..%d", STORE_INBOX_MAX);
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_inbox", t0, st->ops->inbox(st, keys, nkeys, after,
	    limit, rp, np, nextp, err));
}

void
store_records_free(struct store_record *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(r[i].enc);
		free(r[i].ct);
	}
	free(r);
}

int
store_ack(struct store *st, const char *const *keys, size_t nkeys,
    const char *const *ids, size_t nids, uint64_t *deletedp,
    struct store_err *err)
{
	uint64_t dummy, t0;
	size_t i;
	int rc;

	if (deletedp == NULL)
		deletedp = &dummy;
	*deletedp = 0;
	if ((rc = store_keys_check("store_ack", keys, nkeys, err)) !=
	    STORE_OK)
		return rc;
	if (ids == NULL || nids == 0 || nids > STORE_ACK_MAX)
		return store_seterr(err, STORE_ERR,
		    "store_ack: 1..%d ids needed", STORE_ACK_MAX);
	for (i = 0; i < nids; i++)
		if (!recid_valid(ids[i]))
			return store_seterr(err, STORE_ERR,
			    "store_ack: malformed id at index %zu", i);
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_ack", t0, st->ops->ack(st, keys, nkeys, ids, nids,
	    deletedp, err));
}

int
store_expire(struct store *st, int64_t max_age, int64_t now,
    uint64_t *expiredp, struct store_err *err)
{
	uint64_t dummy, t0;

	if (expiredp == NULL)
		expiredp = &dummy;
	*expiredp = 0;
	if (max_age < 0 || now <= 0 || max_age > now)
		return store_seterr(err, STORE_ERR,
		    "store_expire: bad age %lld or time %lld",
		    (long long)max_age, (long long)now);
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_expire", t0, st->ops->expire(st, max_age, now,
	    expiredp, err));
}

int
store_nonce_use(struct store *st, const char *nonce, const char *key_id,
    int64_t expires_at, int64_t now, struct store_err *err)
{
	uint64_t t0;

	if (!store_nonce_valid(nonce))
		return store_seterr(err, STORE_ERR,
		    "store_nonce_use: malformed nonce");
	if (!store_keyid_valid(key_id))
		return store_seterr(err, STORE_ERR,
		    "store_nonce_use: malformed key id");
	if (now <= 0 || expires_at <= now)
		return store_seterr(err, STORE_ERR,
		    "store_nonce_use: nonce must expire after now");
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_nonce_use", t0, st->ops->nonce_use(st, nonce, key_id,
	    expires_at, now, err));
}

int
store_counters(struct store *st, struct store_counters *c,
    struct store_err *err)
{
	if (c == NULL)
		return store_seterr(err, STORE_ERR, "store_counters: no result");
	memset(c, 0, sizeof(*c));
	store_ok(err);
	return st->ops->counters(st, c, err);
}

int64_t
store_notice_backoff(const struct store_notice_policy *p, unsigned int attempts)
{
	int64_t d = p->retry;

	while (attempts-- > 1 && d < p->retry_max)
		d *= 2;
	return d < p->retry_max ? d : p->retry_max;
}

int
store_notice_next(struct store *st, int64_t now,
    const struct store_notice_policy *p, store_notice_fn *send, void *arg,
    enum store_notice_outcome *outcome, struct store_err *err)
{
	enum store_notice_outcome dummy;

	if (outcome == NULL)
		outcome = &dummy;
	*outcome = 0;
	if (p == NULL || send == NULL || now <= 0 || p->interval < 0 ||
	    p->retry < 1 || p->retry_max < p->retry || p->give_up < 1)
		return store_seterr(err, STORE_ERR,
		    "store_notice_next: no sender, or a bad policy or time");
	store_ok(err);
	return st->ops->notice_next(st, now, p, send, arg, outcome, err);
}

int
store_columns(struct store *st, char ***colsp, size_t *np,
    struct store_err *err)
{
	if (colsp == NULL || np == NULL)
		return store_seterr(err, STORE_ERR,
		    "store_columns: no result pointers");
	*colsp = NULL;
	*np = 0;
	store_ok(err);
	return st->ops->columns(st, colsp, np, err);
}

void
store_columns_free(char **cols, size_t n)
{
	size_t i;

	if (cols == NULL)
		return;
	for (i = 0; i < n; i++)
		free(cols[i]);
	free(cols);
}

/* Daily counts. */

void
store_day_name(char *out, size_t outsz, const char *day, int64_t t, const char *name)
{
	char d[STORE_DATE_LEN + 1];

	if (day == NULL) {
		jtime_date((time_t)t, 0, d);
		day = d;
	}
	snprintf(out, outsz, "d/%s/%s", day, name);
}

static int
store_count_name_valid(const char *s)
{
	return store_token_valid(s, STORE_COUNT_NAME_MAX, "_.-") &&
	    strpbrk(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL;
}

int
store_day_parse(const char *row, struct store_count *c)
{
	size_t n;

	if (strncmp(row, "d/", 2) != 0 || strlen(row) <= STORE_DAY_PREFIX_LEN ||
	    row[STORE_DAY_PREFIX_LEN - 1] != '/')
		return -1;
	memcpy(c->day, row + 2, STORE_DATE_LEN);
	c->day[STORE_DATE_LEN] = '\0';
	n = strcspn(row + STORE_DAY_PREFIX_LEN, "@");
	if (!store_date_valid(c->day) || n == 0 || n > STORE_COUNT_NAME_MAX)
		return -1;
	memcpy(c->name, row + STORE_DAY_PREFIX_LEN, n);
	c->name[n] = '\0';
	return 0;
}

int
store_counts_add(struct store *st, const struct store_count *v, size_t n,
    struct store_err *err)
{
	uint64_t t0;
	size_t i;

	if (n == 0)
		return store_ok(err);
	if (v == NULL || n > STORE_COUNTS_MAX)
		return store_seterr(err, STORE_ERR,
		    "store_counts_add: 1..%d counts per call", STORE_COUNTS_MAX);
	for (i = 0; i < n; i++)
		if (!store_date_valid(v[i].day) || !store_count_name_valid(v[i].name) ||
		    v[i].value > INT64_MAX)
			return store_seterr(err, STORE_ERR,
			    "store_counts_add: count %zu: bad day, name or value", i);
	store_ok(err);
	t0 = store_clock();
	return store_observed("store_counts_add", t0, st->ops->counts_add(st, v, n, err));
}

static int
store_count_cmp(const void *a, const void *b)
{
	const struct store_count *x = a, *y = b;
	int c = strcmp(x->day, y->day);

	return c != 0 ? c : strcmp(x->name, y->name);
}

/* Sorts by day and name and sums the rows of one day and name (shards). */
static size_t
store_counts_fold(struct store_count *v, size_t n)
{
	size_t i, out = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), store_count_cmp);
	for (i = 1; i < n; i++) {
		if (store_count_cmp(&v[out], &v[i]) == 0)
			v[out].value += v[i].value;
		else
			v[++out] = v[i];
	}
	return out + 1;
}

int
store_counts_get(struct store *st, const char *from, const char *to,
    struct store_count **vp, size_t *np, struct store_err *err)
{
	int rc;

	if (vp == NULL || np == NULL)
		return store_seterr(err, STORE_ERR, "store_counts_get: no result pointers");
	*vp = NULL;
	*np = 0;
	if (!store_date_valid(from) || !store_date_valid(to) || strcmp(from, to) > 0)
		return store_seterr(err, STORE_ERR,
		    "store_counts_get: days must be YYYY-MM-DD, from <= to");
	store_ok(err);
	if ((rc = st->ops->counts_get(st, from, to, vp, np, err)) == STORE_OK)
		*np = store_counts_fold(*vp, *np);
	return rc;
}

int
store_holdings(struct store *st, const char *from, struct store_holdings *h,
    struct store_err *err)
{
	uint64_t t0;
	size_t i;
	int rc;

	if (h == NULL)
		return store_seterr(err, STORE_ERR, "store_holdings: no result");
	memset(h, 0, sizeof(*h));
	h->outbox_backlog = -1;
	if (!store_date_valid(from))
		return store_seterr(err, STORE_ERR, "store_holdings: day must be YYYY-MM-DD");
	store_ok(err);
	t0 = store_clock();
	if ((rc = store_observed("store_holdings", t0, st->ops->holdings(st, from, h,
	    err))) != STORE_OK) {
		store_holdings_free(h);
		return rc;
	}
	for (i = 0; i < h->nheld; i++) {
		h->records += h->held[i].records;
		if (h->oldest == 0 || h->held[i].oldest < h->oldest)
			h->oldest = h->held[i].oldest;
	}
	return STORE_OK;
}

void
store_holdings_free(struct store_holdings *h)
{
	if (h == NULL)
		return;
	free(h->held);
	free(h->ahead);
	h->held = NULL;
	h->ahead = NULL;
	h->nheld = h->nahead = 0;
}
