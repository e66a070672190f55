/* Aggregate counts without identifiers: the hot path, the sums and the store deltas. See
 * metrics.h; the Prometheus text is in metrics_render.c. */
#include "showroomd/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

typedef _Atomic uint64_t metrics_ctr;

/* A catalog model counted by one thread: the name is written once, then "used" set. */
struct metrics_model_slot {
	_Atomic int	 used;
	char		 name[METRICS_MODEL_MAX + 1];
	metrics_ctr	 n[2];
};

/* One thread's counts: only that thread writes them (see metrics_add). */
struct metrics_block {
	_Alignas(64) metrics_ctr req[MC_COUNT][ML_COUNT][MS_COUNT];
	metrics_ctr	 views[MC_COUNT][ML_COUNT];
	metrics_ctr	 dur[MC_COUNT][METRICS_BUCKETS + 1];
	metrics_ctr	 dur_ns[MC_COUNT];
	metrics_ctr	 form[MF_COUNT][MO_COUNT];
	struct metrics_model_slot pdf[METRICS_MODELS];
	metrics_ctr	 pdf_other[2];
	metrics_ctr	 pdf_ranges;
	metrics_ctr	 store[METRICS_STORE_OPS][METRICS_BUCKETS + 1];
	metrics_ctr	 store_ns[METRICS_STORE_OPS];
};

/* Enough for libmicrohttpd's largest pool (--threads 256) and the other threads; a thread
 * beyond them shares one block, with atomic additions. */
#define METRICS_THREADS	272

static struct metrics_block	 metrics_blocks[METRICS_THREADS];
static struct metrics_block	 metrics_shared;
static _Atomic unsigned		 metrics_nblocks;
static int			 metrics_on = 1;
static _Thread_local struct metrics_block *metrics_mine;
static _Thread_local int	 metrics_mine_shared;
static _Thread_local int	 metrics_was_honeypot;

const double metrics_bucket_s[METRICS_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5,
};

static const uint64_t metrics_bucket_ns[METRICS_BUCKETS] = {
	100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 25000000, 50000000,
	100000000, 250000000, 500000000, 1000000000, 2500000000u,
};

static const char *const metrics_class_names[MC_COUNT] = {
	"home", "models", "model", "dealers", "privacy", "form", "submit", "receipt",
	"cancel", "catalog_pdf", "asset", "api", "health", "other", "bad",
};
static const char *const metrics_lang_names[ML_COUNT] = { "ja", "en", "none" };
static const char *const metrics_status_names[MS_COUNT] = { "2xx", "3xx", "4xx", "5xx" };
static const char *const metrics_form_names[MF_COUNT] = { "catalog", "test_drive" };
static const char *const metrics_outcome_names[MO_COUNT] = {
	"accepted", "invalid", "rejected", "full", "too_large", "bad_type", "limited",
	"honeypot", "closed", "error",
};
/* store.c's operation names, in this order. */
static const char *const metrics_store_ops[METRICS_STORE_OPS] = {
	"store_put", "store_book", "store_cancel", "store_booking_find", "store_slot_counts",
	"store_inbox", "store_ack", "store_expire", "store_nonce_use", "store_counts_add",
	"store_holdings", "other",
};

const char *
metrics_class_name(enum metrics_class c)
{
	return (unsigned)c < MC_COUNT ? metrics_class_names[c] : "?";
}

const char *
metrics_lang_name(enum metrics_lang l)
{
	return (unsigned)l < ML_COUNT ? metrics_lang_names[l] : "?";
}

const char *
metrics_status_name(enum metrics_status s)
{
	return (unsigned)s < MS_COUNT ? metrics_status_names[s] : "?";
}

const char *
metrics_form_name(enum metrics_form f)
{
	return (unsigned)f < MF_COUNT ? metrics_form_names[f] : "?";
}

const char *
metrics_outcome_name(enum metrics_outcome o)
{
	return (unsigned)o < MO_COUNT ? metrics_outcome_names[o] : "?";
}

const char *
metrics_store_op_name(int i)
{
	return i >= 0 && i < METRICS_STORE_OPS ? metrics_store_ops[i] : "?";
}

void
metrics_enable(int on)
{
	metrics_on = on;
}

int
metrics_enabled(void)
{
	return metrics_on;
}

/* ---- The hot path ------------------------------------------------------------------ */

static struct metrics_block *
metrics_block(void)
{
	unsigned i;

	if (metrics_mine != NULL)
		return metrics_mine;
	i = atomic_fetch_add_explicit(&metrics_nblocks, 1, memory_order_relaxed);
	if (i < METRICS_THREADS)
		metrics_mine = &metrics_blocks[i];
	else {
		metrics_mine = &metrics_shared;
		metrics_mine_shared = 1;
	}
	return metrics_mine;
}

/* A block has one writer, so a relaxed load and store suffice (no locked instruction);
 * readers on other threads see whole values. The shared block adds atomically. */
static inline void
metrics_add(metrics_ctr *c, uint64_t v)
{
	if (metrics_mine_shared)
		atomic_fetch_add_explicit(c, v, memory_order_relaxed);
	else
		atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
		    memory_order_relaxed);
}

static uint64_t
metrics_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
metrics_bucket(uint64_t ns)
{
	int i;

	for (i = 0; i < METRICS_BUCKETS; i++)
		if (ns <= metrics_bucket_ns[i])
			return i;
	return METRICS_BUCKETS;
}

uint64_t
metrics_start(void)
{
	return metrics_on ? metrics_now_ns() : 0;
}

/* "/catalogs/MODEL-LANG.pdf" -> MODEL and the language; 0 when it is not one. */
static int
metrics_catalog(const char *p, char *model, enum metrics_lang *l)
{
	size_t n = strlen(p);

	if (n < 8 || strcmp(p + n - 4, ".pdf") != 0 || p[n - 7] != '-')
		return 0;
	if (strncmp(p + n - 6, "ja", 2) == 0)
		*l = ML_JA;
	else if (strncmp(p + n - 6, "en", 2) == 0)
		*l = ML_EN;
	else
		return 0;
	if (n - 7 > METRICS_MODEL_MAX || n - 7 == 0 ||
	    strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-") < n - 7)
		return 0;	/* only a content model code becomes a counter's name */
	memcpy(model, p, n - 7);
	model[n - 7] = '\0';
	return 1;
}

void
metrics_classify(const char *method, const char *path, enum metrics_class *cp,
    enum metrics_lang *lp, char *model)
{
	const char *p = path;
	int post = method != NULL && strcmp(method, "POST") == 0;

	model[0] = '\0';
	*lp = ML_JA;
	if (strncmp(p, "/en/", 4) == 0 || strcmp(p, "/en") == 0) {
		*lp = ML_EN;
		p = p[3] == '\0' ? "/" : p + 3;
	}
	if (p[0] != '/')
		*cp = MC_BAD;		/* "(bad header)", "(bad path)" */
	else if (strcmp(p, "/") == 0)
		*cp = MC_HOME;
	else if (strcmp(p, "/models/") == 0)
		*cp = MC_MODELS;
	else if (strncmp(p, "/models/", 8) == 0)
		*cp = MC_MODEL;
	else if (strncmp(p, "/dealers/", 9) == 0)
		*cp = MC_DEALERS;
	else if (strncmp(p, "/privacy/", 9) == 0)
		*cp = MC_PRIVACY;
	else if (strcmp(p, "/request") == 0 || strcmp(p, "/test-drive") == 0)
		*cp = post ? MC_SUBMIT : MC_FORM;
	else if (strncmp(p, "/receipt/", 9) == 0)
		*cp = MC_RECEIPT;
	else if (strcmp(p, "/cancel") == 0)
		*cp = MC_CANCEL;
	else if (*lp == ML_JA && strncmp(p, "/catalogs/", 10) == 0 &&
	    metrics_catalog(p + 10, model, lp))
		*cp = MC_CATALOG_PDF;
	else {
		*lp = ML_NONE;
		if (strncmp(p, "/assets/", 8) == 0)
			*cp = MC_ASSET;
		else if (strncmp(p, "/api/", 5) == 0)
			*cp = MC_API;
		else if (strcmp(p, "/healthz") == 0)
			*cp = MC_HEALTH;
		else
			*cp = MC_OTHER;
	}
}

enum metrics_outcome
metrics_outcome_of(unsigned status)
{
	switch (status) {
	case 303: return MO_ACCEPTED;
	case 422: return MO_INVALID;
	case 400: return MO_REJECTED;
	case 409: return MO_FULL;
	case 413: return MO_TOO_LARGE;
	case 415: return MO_BAD_TYPE;
	case 429: return MO_LIMITED;
	case 503: return MO_CLOSED;
	default: return MO_ERROR;
	}
}

void
metrics_honeypot(void)
{
	metrics_was_honeypot = 1;
}

static void
metrics_count_pdf(struct metrics_block *b, const char *model, enum metrics_lang l)
{
	struct metrics_model_slot *s;
	int i;

	for (i = 0; i < METRICS_MODELS; i++) {
		s = &b->pdf[i];
		if (!atomic_load_explicit(&s->used, memory_order_relaxed)) {
			/* the only writer: fill the name, then publish it */
			memcpy(s->name, model, strlen(model) + 1);
			atomic_store_explicit(&s->used, 1, memory_order_release);
		} else if (strcmp(s->name, model) != 0)
			continue;
		metrics_add(&s->n[l], 1);
		return;
	}
	metrics_add(&b->pdf_other[l], 1);
}

static int
metrics_is_page(enum metrics_class c)
{
	return c <= MC_FORM || c == MC_RECEIPT;
}

static enum metrics_status
metrics_status_of(unsigned status)
{
	if (status >= 500)
		return MS_5XX;
	if (status >= 400)
		return MS_4XX;
	return status >= 300 ? MS_3XX : MS_2XX;
}

void
metrics_response(const char *method, const char *path, unsigned status, uint64_t start)
{
	char model[METRICS_MODEL_MAX + 1];
	struct metrics_block *b;
	enum metrics_class c;
	enum metrics_lang l;
	enum metrics_outcome o;
	uint64_t ns;
	int get = method[0] == 'G';

	if (!metrics_on)
		return;
	b = metrics_block();
	metrics_classify(method, path, &c, &l, model);
	metrics_add(&b->req[c][l][metrics_status_of(status)], 1);
	if (start != 0) {
		ns = metrics_now_ns() - start;
		metrics_add(&b->dur[c][metrics_bucket(ns)], 1);
		metrics_add(&b->dur_ns[c], ns);
	}
	if (get && (status == 200 || status == 304) && metrics_is_page(c))
		metrics_add(&b->views[c][l], 1);
	if (c == MC_CATALOG_PDF && get && status == 200)
		metrics_count_pdf(b, model, l);
	else if (c == MC_CATALOG_PDF && status == 206)
		metrics_add(&b->pdf_ranges, 1);
	else if (c == MC_SUBMIT) {
		o = metrics_was_honeypot ? MO_HONEYPOT : metrics_outcome_of(status);
		metrics_was_honeypot = 0;
		metrics_add(&b->form[strstr(path, "test-drive") != NULL ? MF_TEST_DRIVE :
		    MF_CATALOG][o], 1);
	}
}

void
metrics_store(const char *op, uint64_t ns)
{
	struct metrics_block *b;
	int i;

	if (!metrics_on)
		return;
	b = metrics_block();
	for (i = 0; i < METRICS_STORE_OPS - 1; i++)
		if (strcmp(op, metrics_store_ops[i]) == 0)
			break;
	metrics_add(&b->store[i][metrics_bucket(ns)], 1);
	metrics_add(&b->store_ns[i], ns);
}

/* ---- Sums ------------------------------------------------------------------------- */

static uint64_t
metrics_get(metrics_ctr *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* Adds N to model MODEL's count in language L of T. */
static void
metrics_sum_pdf(struct metrics_totals *t, const char *model, int l, uint64_t n)
{
	size_t i;

	for (i = 0; i < t->npdf; i++)
		if (strcmp(t->pdf[i].model, model) == 0)
			break;
	if (i == t->npdf) {
		if (t->npdf == METRICS_MODELS) {
			t->pdf_other[l] += n;
			return;
		}
		snprintf(t->pdf[t->npdf++].model, sizeof(t->pdf[0].model), "%s", model);
	}
	t->pdf[i].n[l] += n;
}

static void
metrics_sum_flat(uint64_t *dst, metrics_ctr *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] += metrics_get(&src[i]);
}

#define METRICS_FLAT(a)	(sizeof(a) / sizeof(metrics_ctr))

static void
metrics_sum_block(struct metrics_totals *t, struct metrics_block *b)
{
	int i, l;

	metrics_sum_flat(&t->req[0][0][0], &b->req[0][0][0], METRICS_FLAT(b->req));
	metrics_sum_flat(&t->views[0][0], &b->views[0][0], METRICS_FLAT(b->views));
	metrics_sum_flat(&t->dur[0][0], &b->dur[0][0], METRICS_FLAT(b->dur));
	metrics_sum_flat(t->dur_ns, b->dur_ns, METRICS_FLAT(b->dur_ns));
	metrics_sum_flat(&t->form[0][0], &b->form[0][0], METRICS_FLAT(b->form));
	metrics_sum_flat(t->pdf_other, b->pdf_other, 2);
	t->pdf_ranges += metrics_get(&b->pdf_ranges);
	metrics_sum_flat(&t->store[0][0], &b->store[0][0], METRICS_FLAT(b->store));
	metrics_sum_flat(t->store_ns, b->store_ns, METRICS_FLAT(b->store_ns));
	for (i = 0; i < METRICS_MODELS; i++) {
		if (!atomic_load_explicit(&b->pdf[i].used, memory_order_acquire))
			break;
		for (l = 0; l < 2; l++)
			metrics_sum_pdf(t, b->pdf[i].name, l, metrics_get(&b->pdf[i].n[l]));
	}
}

void
metrics_sum(struct metrics_totals *t)
{
	unsigned i, n = atomic_load_explicit(&metrics_nblocks, memory_order_relaxed);

	memset(t, 0, sizeof(*t));
	if (n > METRICS_THREADS)
		n = METRICS_THREADS;
	for (i = 0; i < n; i++)
		metrics_sum_block(t, &metrics_blocks[i]);
	metrics_sum_block(t, &metrics_shared);
}

/* ---- Daily deltas for the store ----------------------------------------------------- */

/* The totals of the last successful flush; only the flushing thread touches it. */
static struct metrics_totals metrics_prev;

struct metrics_named {
	char		 name[STORE_COUNT_NAME_MAX + 1];
	uint64_t	 value;
};

#define METRICS_NAMED_MAX	(MC_COUNT * ML_COUNT + MF_COUNT * MO_COUNT + \
				 METRICS_MODELS * 2 + 8)

/* The name "WHAT[.A[.B]]" with its value. */
static void
metrics_name(struct metrics_named *v, size_t *n, uint64_t value, const char *what,
    const char *a, const char *b)
{
	if (*n >= METRICS_NAMED_MAX)
		return;
	snprintf(v[*n].name, sizeof(v[*n].name), "%s%s%s%s%s", what, a ? "." : "",
	    a ? a : "", b ? "." : "", b ? b : "");
	v[(*n)++].value = value;
}

/* Every count that goes to the store, by its name there (docs/STORE.md). */
static size_t
metrics_named(const struct metrics_totals *t, struct metrics_named *v)
{
	uint64_t all = 0, st[MS_COUNT] = { 0 };
	size_t n = 0, i;
	int c, l, s;

	for (c = 0; c < MC_COUNT; c++)
		for (l = 0; l < ML_COUNT; l++)
			for (s = 0; s < MS_COUNT; s++) {
				all += t->req[c][l][s];
				st[s] += t->req[c][l][s];
			}
	metrics_name(v, &n, all, "requests", NULL, NULL);
	metrics_name(v, &n, st[MS_4XX], "status", "4xx", NULL);
	metrics_name(v, &n, st[MS_5XX], "status", "5xx", NULL);
	for (c = 0; c < MC_COUNT; c++)
		for (l = 0; l < ML_COUNT; l++)
			if (metrics_is_page(c) && l != ML_NONE)
				metrics_name(v, &n, t->views[c][l], "page",
				    metrics_class_names[c], metrics_lang_names[l]);
	for (i = 0; i < t->npdf; i++)
		for (l = 0; l < 2; l++)
			metrics_name(v, &n, t->pdf[i].n[l], "pdf", t->pdf[i].model,
			    metrics_lang_names[l]);
	for (c = 0; c < MF_COUNT; c++)
		for (s = 0; s < MO_COUNT; s++)
			metrics_name(v, &n, t->form[c][s], "form", metrics_form_names[c],
			    metrics_outcome_names[s]);
	return n;
}

size_t
metrics_delta(const struct metrics_totals *now, const char *day, struct store_count *out,
    size_t max)
{
	static struct metrics_named cur[METRICS_NAMED_MAX], old[METRICS_NAMED_MAX];
	size_t ncur = metrics_named(now, cur), nold = metrics_named(&metrics_prev, old);
	size_t i, j, n = 0;
	uint64_t before;

	for (i = 0; i < ncur && n < max; i++) {
		for (j = 0, before = 0; j < nold; j++)
			if (strcmp(cur[i].name, old[j].name) == 0) {
				before = old[j].value;
				break;
			}
		if (cur[i].value <= before)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].day, sizeof(out[n].day), "%s", day);
		memcpy(out[n].name, cur[i].name, sizeof(out[n].name));
		out[n++].value = cur[i].value - before;
	}
	return n;
}

void
metrics_flushed(const struct metrics_totals *now)
{
	metrics_prev = *now;
}
