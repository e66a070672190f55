/*
 * What a store backend implements. store.c checks every argument first, so
 * a backend gets only well-formed input: valid ids, key ids, slot strings,
 * lengths within the limits in store.h, non-NULL out pointers. It fills err
 * through store_seterr() on every failure.
 */
#ifndef SHOWROOM_STORE_IMPL_H
#define SHOWROOM_STORE_IMPL_H

#include "store/store.h"

struct store_ops {
	const char *name;
	int	(*open)(struct store **, const char *arg, struct store_err *);
	void	(*close)(struct store *);
	int	(*put)(struct store *, const struct store_record *,
		    const unsigned char *, char *, struct store_err *);
	int	(*book)(struct store *, const struct store_record *,
		    unsigned int, const unsigned char *, char *,
		    struct store_err *);
	int	(*slot_counts)(struct store *, const char *, const char *,
		    const char *, struct store_slot_count **, size_t *,
		    struct store_err *);
	int	(*calendar_set)(struct store *, const struct store_cal_change *,
		    struct store_booking **, size_t *, struct store_err *);
	int	(*calendar)(struct store *, const char *, const char *,
		    const char *, struct store_cal_day **, size_t *,
		    struct store_err *);
	int	(*booking_decide)(struct store *, const char *, const char *,
		    enum store_booking_status, const char *,
		    struct store_booking *, struct store_err *);
	int	(*booking_find)(struct store *, const unsigned char *,
		    struct store_booking *, struct store_err *);
	int	(*booking_held)(struct store *, const char *,
		    struct store_err *);
	int	(*cancel)(struct store *, const unsigned char *,
		    const struct store_record *, struct store_err *);
	int	(*inbox)(struct store *, const char *const *, size_t, int64_t,
		    size_t, struct store_record **, size_t *, int64_t *,
		    struct store_err *);
	int	(*ack)(struct store *, const char *const *, size_t,
		    const char *const *, size_t, uint64_t *,
		    struct store_err *);
	int	(*expire)(struct store *, int64_t, int64_t, uint64_t *,
		    struct store_err *);
	int	(*nonce_use)(struct store *, const char *, const char *,
		    int64_t, int64_t, struct store_err *);
	int	(*counters)(struct store *, struct store_counters *,
		    struct store_err *);
	int	(*columns)(struct store *, char ***, size_t *,
		    struct store_err *);
	int	(*counts_add)(struct store *, const struct store_count *, size_t,
		    struct store_err *);
	int	(*counts_get)(struct store *, const char *, const char *,
		    struct store_count **, size_t *, struct store_err *);
	int	(*holdings)(struct store *, const char *, struct store_holdings *,
		    struct store_err *);
	int	(*notice_next)(struct store *, int64_t,
		    const struct store_notice_policy *, store_notice_fn *, void *,
		    enum store_notice_outcome *, struct store_err *);
};

/* Every backend's handle starts with this. */
struct store {
	const struct store_ops *ops;
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Sets err (may be NULL) and returns code. */
int	store_seterr(struct store_err *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Days from "YYYY-MM-DD" to another, both included (-1: not days, or to
 * before from), and the day i days after from. */
int	store_cal_ndays(const char *from, const char *to);
void	store_cal_day_at(const char *from, int i, char out[STORE_DATE_LEN + 1]);

/* Canonical names of kinds, and the reverse (0 when unknown). */
enum store_kind store_kind_parse(const char *);

/*
 * Daily counters in the counters table: "d/" DAY "/" NAME (and a backend's shard
 * suffix after '@'). STORE_DAY_PREFIX_LEN is the length of "d/YYYY-MM-DD/".
 */
#define STORE_DAY_PREFIX_LEN	(2 + STORE_DATE_LEN + 1)
/* "d/DAY/NAME" into out, for the Japan day of time t (DAY NULL) or DAY. */
void	store_day_name(char *out, size_t outsz, const char *day, int64_t t,
	    const char *name);
/*
 * Splits "d/DAY/NAME[@shard]" into c (value not set); -1 when it is not one. A backend's
 * counts_get may return a day and name more than once (shards): store_counts_get sorts
 * and sums them.
 */
int	store_day_parse(const char *row, struct store_count *c);

#endif
