/*
 * Counts that need no identifier at all: what was asked for, never by whom. Each request
 * is counted by its route class (a fixed list), the language of its path, its status class
 * and how long it took; a catalog PDF by its model code and language (from the site's own
 * file name); a form post by its kind and outcome. No address, user agent, cookie, query,
 * form value or hash of any of them ever reaches a counter, a name or a label: the only
 * strings are the fixed words below and model codes of PDFs the site holds.
 *
 * Counting costs no allocation and no lock on the hot path: each thread adds to a block of
 * its own (relaxed atomic loads and stores, a single writer each), and readers sum the
 * blocks. Totals live in memory for /metrics (since start) and are flushed to the store as
 * daily deltas (store_counts_add), so the counts of several nodes add up.
 */
#ifndef SHOWROOMD_METRICS_H
#define SHOWROOMD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct store_count;
struct store_holdings;

enum metrics_class {
	MC_HOME = 0, MC_MODELS, MC_MODEL, MC_DEALERS, MC_PRIVACY, MC_FORM, MC_SUBMIT,
	MC_RECEIPT, MC_CANCEL, MC_CATALOG_PDF, MC_ASSET, MC_API, MC_HEALTH, MC_OTHER, MC_BAD,
	MC_COUNT
};

enum metrics_lang { ML_JA = 0, ML_EN, ML_NONE, ML_COUNT };

enum metrics_status { MS_2XX = 0, MS_3XX, MS_4XX, MS_5XX, MS_COUNT };

enum metrics_form { MF_CATALOG = 0, MF_TEST_DRIVE, MF_COUNT };

enum metrics_outcome {
	MO_ACCEPTED = 0,	/* 303 to a receipt: stored */
	MO_INVALID,		/* 422: a field's value refused, the form shown again */
	MO_REJECTED,		/* 400: unknown field, malformed body */
	MO_FULL,		/* 409: the slot filled meanwhile */
	MO_TOO_LARGE,		/* 413 */
	MO_BAD_TYPE,		/* 415 */
	MO_LIMITED,		/* 429 */
	MO_HONEYPOT,		/* answered as a success, nothing stored */
	MO_CLOSED,		/* 503: no store or keyring */
	MO_ERROR,		/* any other answer */
	MO_COUNT
};

/* Request and store durations, in seconds: the upper bounds of the histogram buckets. */
#define METRICS_BUCKETS		14
#define METRICS_MODELS		64	/* catalog models counted by name, per thread */
#define METRICS_MODEL_MAX	32	/* a model code's length, as in content */
#define METRICS_STORE_OPS	12

/* Turns counting on or off (--no-counters); off, the hooks return at once. Before threads. */
void		 metrics_enable(int on);
int		 metrics_enabled(void);

/* The hot path. The start of a request: its time for metrics_response, or 0 when off. */
uint64_t	 metrics_start(void);
/* A reply queued: METHOD and PATH (decoded; "(bad ...)" when refused early), STATUS. */
void		 metrics_response(const char *method, const char *path, unsigned status,
		    uint64_t start);
/* The form post being answered on this thread was a honeypot: count it so, not accepted. */
void		 metrics_honeypot(void);
/* store_observe's function: one store call of OP took NS. */
void		 metrics_store(const char *op, uint64_t ns);

/* What a path is, for counting: a pure function (tests, fuzzing). MODEL (at least
 * METRICS_MODEL_MAX + 1 bytes) gets the model code of a catalog PDF, else "". */
void		 metrics_classify(const char *method, const char *path, enum metrics_class *,
		    enum metrics_lang *, char *model);
enum metrics_outcome metrics_outcome_of(unsigned status);

const char	*metrics_class_name(enum metrics_class);
const char	*metrics_lang_name(enum metrics_lang);
const char	*metrics_status_name(enum metrics_status);
const char	*metrics_form_name(enum metrics_form);
const char	*metrics_outcome_name(enum metrics_outcome);
extern const double metrics_bucket_s[METRICS_BUCKETS];

/* The sum of every thread's counts since start. */
struct metrics_pdf {
	char		 model[METRICS_MODEL_MAX + 1];
	uint64_t	 n[2];			/* ja, en */
};

struct metrics_totals {
	uint64_t	 req[MC_COUNT][ML_COUNT][MS_COUNT];
	uint64_t	 views[MC_COUNT][ML_COUNT];	/* pages seen: GET 200 or 304 */
	uint64_t	 dur[MC_COUNT][METRICS_BUCKETS + 1];	/* per bucket, last +Inf */
	uint64_t	 dur_ns[MC_COUNT];
	uint64_t	 form[MF_COUNT][MO_COUNT];
	struct metrics_pdf pdf[METRICS_MODELS];
	size_t		 npdf;
	uint64_t	 pdf_other[2];		/* models beyond METRICS_MODELS */
	uint64_t	 pdf_ranges;		/* 206 replies of catalogs */
	uint64_t	 store[METRICS_STORE_OPS][METRICS_BUCKETS + 1];
	uint64_t	 store_ns[METRICS_STORE_OPS];
};

void		 metrics_sum(struct metrics_totals *);
const char	*metrics_store_op_name(int);

/* What /metrics shows beside the counters: gauges read when it is scraped. */
struct metrics_gauges {
	int64_t		 open_connections;	/* -1: unknown */
	int		 have_store;
	const struct store_holdings *held;	/* NULL: no store, or it failed */
	int64_t		 start_time;		/* unix seconds */
	double		 cpu_seconds;
	int64_t		 max_rss_bytes;
	uint64_t	 flushes, flush_errors;
	int64_t		 last_flush;		/* unix seconds, 0: never */
};

/* The Prometheus text format (version 0.0.4) of T and G. -1 when memory runs out. */
int		 metrics_render(struct buf *, const struct metrics_totals *,
		    const struct metrics_gauges *);

/*
 * The store counts of what changed since the last successful flush, for DAY: names as in
 * docs/STORE.md ("requests", "page.model.ja", "pdf.kurumi.en", "form.catalog.accepted",
 * "status.4xx"). *np counts them (at most max). The caller stores them, then calls
 * metrics_flushed(T) so that the next delta starts from T; a failed store keeps them.
 */
size_t		 metrics_delta(const struct metrics_totals *now, const char *day,
		    struct store_count *out, size_t max);
void		 metrics_flushed(const struct metrics_totals *now);

#endif
