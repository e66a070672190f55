/*
 * The counts in the Prometheus text format (version 0.0.4), for GET /metrics. Every label
 * value is a fixed word, a content model code, a record kind, a recipient key id (public:
 * the keyring is on the privacy page) or a dealer code: nothing that names a visitor.
 */
#include "showroomd/metrics.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

static int
metrics_head(struct buf *b, const char *name, const char *type, const char *help)
{
	return buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with '\', '"' and line breaks escaped (none occur; this keeps it so). */
static int
metrics_label(struct buf *b, const char *v)
{
	int rc = 0;

	for (; *v != '\0' && rc == 0; v++) {
		if (*v == '\\' || *v == '"')
			rc = buf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			rc = buf_puts(b, "\\n");
		else
			rc = buf_putc(b, *v);
	}
	return rc;
}

static int
metrics_requests(struct buf *b, const struct metrics_totals *t)
{
	int c, l, s, rc;

	rc = metrics_head(b, "showroom_http_requests_total", "counter",
	    "Requests answered, by route class, language of the path and status class.");
	for (c = 0; c < MC_COUNT; c++)
		for (l = 0; l < ML_COUNT; l++)
			for (s = 0; s < MS_COUNT; s++)
				if (t->req[c][l][s] > 0)
					rc |= buf_printf(b, "showroom_http_requests_total{class=\"%s\","
					    "lang=\"%s\",status=\"%s\"} %llu\n", metrics_class_name(c),
					    metrics_lang_name(l), metrics_status_name(s),
					    (unsigned long long)t->req[c][l][s]);
	rc |= metrics_head(b, "showroom_page_views_total", "counter",
	    "Pages served (GET answered 200 or 304), by route class and language.");
	for (c = 0; c < MC_COUNT; c++)
		for (l = 0; l < ML_COUNT; l++)
			if (t->views[c][l] > 0)
				rc |= buf_printf(b, "showroom_page_views_total{class=\"%s\","
				    "lang=\"%s\"} %llu\n", metrics_class_name(c), metrics_lang_name(l),
				    (unsigned long long)t->views[c][l]);
	return rc;
}

static int
metrics_downloads(struct buf *b, const struct metrics_totals *t)
{
	size_t i;
	int l, rc;

	rc = metrics_head(b, "showroom_catalog_downloads_total", "counter",
	    "Catalog PDFs sent whole, by model and language.");
	for (i = 0; i < t->npdf; i++)
		for (l = 0; l < 2; l++)
			if (t->pdf[i].n[l] > 0) {
				rc |= buf_puts(b, "showroom_catalog_downloads_total{model=\"");
				rc |= metrics_label(b, t->pdf[i].model);
				rc |= buf_printf(b, "\",lang=\"%s\"} %llu\n", metrics_lang_name(l),
				    (unsigned long long)t->pdf[i].n[l]);
			}
	for (l = 0; l < 2; l++)
		if (t->pdf_other[l] > 0)
			rc |= buf_printf(b, "showroom_catalog_downloads_total{model=\"(other)\","
			    "lang=\"%s\"} %llu\n", metrics_lang_name(l),
			    (unsigned long long)t->pdf_other[l]);
	rc |= metrics_head(b, "showroom_catalog_range_requests_total", "counter",
	    "Parts of catalog PDFs sent (206), as PDF viewers ask for them.");
	rc |= buf_printf(b, "showroom_catalog_range_requests_total %llu\n",
	    (unsigned long long)t->pdf_ranges);
	return rc;
}

static int
metrics_forms(struct buf *b, const struct metrics_totals *t)
{
	int f, o, rc;

	rc = metrics_head(b, "showroom_form_submissions_total", "counter",
	    "Form posts by form and outcome: accepted (stored), or why they were refused.");
	for (f = 0; f < MF_COUNT; f++)
		for (o = 0; o < MO_COUNT; o++)
			rc |= buf_printf(b, "showroom_form_submissions_total{form=\"%s\","
			    "outcome=\"%s\"} %llu\n", metrics_form_name(f), metrics_outcome_name(o),
			    (unsigned long long)t->form[f][o]);
	return rc;
}

/* One histogram's series for label NAME=VALUE: cumulative buckets, sum and count. */
static int
metrics_histogram(struct buf *b, const char *metric, const char *label, const char *value,
    const uint64_t *buckets, uint64_t sum_ns)
{
	uint64_t cum = 0;
	int i, rc = 0;

	for (i = 0; i < METRICS_BUCKETS; i++) {
		cum += buckets[i];
		rc |= buf_printf(b, "%s_bucket{%s=\"%s\",le=\"%g\"} %llu\n", metric, label, value,
		    metrics_bucket_s[i], (unsigned long long)cum);
	}
	cum += buckets[METRICS_BUCKETS];
	rc |= buf_printf(b, "%s_bucket{%s=\"%s\",le=\"+Inf\"} %llu\n", metric, label, value,
	    (unsigned long long)cum);
	rc |= buf_printf(b, "%s_sum{%s=\"%s\"} %.9f\n", metric, label, value,
	    (double)sum_ns / 1e9);
	rc |= buf_printf(b, "%s_count{%s=\"%s\"} %llu\n", metric, label, value,
	    (unsigned long long)cum);
	return rc;
}

static uint64_t
metrics_count_of(const uint64_t *buckets)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i <= METRICS_BUCKETS; i++)
		n += buckets[i];
	return n;
}

static int
metrics_durations(struct buf *b, const struct metrics_totals *t)
{
	int c, rc;

	rc = metrics_head(b, "showroom_http_request_duration_seconds", "histogram",
	    "From a request's headers to its reply queued, by route class.");
	for (c = 0; c < MC_COUNT; c++)
		if (metrics_count_of(t->dur[c]) > 0)
			rc |= metrics_histogram(b, "showroom_http_request_duration_seconds",
			    "class", metrics_class_name(c), t->dur[c], t->dur_ns[c]);
	rc |= metrics_head(b, "showroom_store_duration_seconds", "histogram",
	    "Store calls, by operation.");
	for (c = 0; c < METRICS_STORE_OPS; c++)
		if (metrics_count_of(t->store[c]) > 0)
			rc |= metrics_histogram(b, "showroom_store_duration_seconds", "op",
			    metrics_store_op_name(c), t->store[c], t->store_ns[c]);
	return rc;
}

static int
metrics_held(struct buf *b, const struct store_holdings *h)
{
	size_t i;
	int rc;

	rc = metrics_head(b, "showroom_records_held", "gauge",
	    "Sealed records held now, by kind and recipient key id.");
	for (i = 0; i < h->nheld; i++) {
		rc |= buf_printf(b, "showroom_records_held{kind=\"%s\",key_id=\"",
		    store_kind_name(h->held[i].kind));
		rc |= metrics_label(b, h->held[i].key_id);
		rc |= buf_printf(b, "\"} %llu\n", (unsigned long long)h->held[i].records);
	}
	rc |= metrics_head(b, "showroom_records_oldest_timestamp_seconds", "gauge",
	    "When the oldest record held was stored (0: none held).");
	rc |= buf_printf(b, "showroom_records_oldest_timestamp_seconds %lld\n",
	    (long long)h->oldest);
	rc |= metrics_head(b, "showroom_bookings_ahead", "gauge",
	    "Test drives booked from today on, by dealer.");
	for (i = 0; i < h->nahead; i++) {
		rc |= buf_printf(b, "showroom_bookings_ahead{day=\"%s\",dealer=\"", h->ahead[i].day);
		rc |= metrics_label(b, h->ahead[i].dealer);
		rc |= buf_printf(b, "\"} %llu\n", (unsigned long long)h->ahead[i].bookings);
	}
	/* the notices outbox: shown once a store keeps one */
	if (h->outbox_backlog >= 0) {
		rc |= metrics_head(b, "showroom_outbox_backlog", "gauge",
		    "Notices queued and not yet sent.");
		rc |= buf_printf(b, "showroom_outbox_backlog %lld\n",
		    (long long)h->outbox_backlog);
	}
	return rc;
}

static int
metrics_process(struct buf *b, const struct metrics_gauges *g)
{
	int rc;

	rc = metrics_head(b, "showroom_up", "gauge", "1 while showroomd answers.");
	rc |= buf_puts(b, "showroom_up 1\n");
	rc |= metrics_head(b, "showroom_counting", "gauge",
	    "1 when requests are counted, 0 with --no-counters.");
	rc |= buf_printf(b, "showroom_counting %d\n", metrics_enabled());
	rc |= metrics_head(b, "showroom_store_up", "gauge",
	    "1 when the store answered this scrape, 0 when it failed, absent without one.");
	if (g->have_store)
		rc |= buf_printf(b, "showroom_store_up %d\n", g->held != NULL);
	if (g->open_connections >= 0) {
		rc |= metrics_head(b, "showroom_http_open_connections", "gauge",
		    "Connections open on the public listener.");
		rc |= buf_printf(b, "showroom_http_open_connections %lld\n",
		    (long long)g->open_connections);
	}
	rc |= metrics_head(b, "showroom_counts_flushes_total", "counter",
	    "Flushes of the daily counts to the store.");
	rc |= buf_printf(b, "showroom_counts_flushes_total %llu\n",
	    (unsigned long long)g->flushes);
	rc |= metrics_head(b, "showroom_counts_flush_errors_total", "counter",
	    "Flushes that failed (their counts are sent with the next one).");
	rc |= buf_printf(b, "showroom_counts_flush_errors_total %llu\n",
	    (unsigned long long)g->flush_errors);
	rc |= metrics_head(b, "showroom_counts_last_flush_timestamp_seconds", "gauge",
	    "When the daily counts were last flushed (0: never).");
	rc |= buf_printf(b, "showroom_counts_last_flush_timestamp_seconds %lld\n",
	    (long long)g->last_flush);
	rc |= metrics_head(b, "process_start_time_seconds", "gauge",
	    "Start time of the process since the epoch, in seconds.");
	rc |= buf_printf(b, "process_start_time_seconds %lld\n", (long long)g->start_time);
	rc |= metrics_head(b, "process_cpu_seconds_total", "counter",
	    "User and system CPU time spent, in seconds.");
	rc |= buf_printf(b, "process_cpu_seconds_total %.6f\n", g->cpu_seconds);
	rc |= metrics_head(b, "process_max_resident_memory_bytes", "gauge",
	    "The largest resident set size so far, in bytes.");
	rc |= buf_printf(b, "process_max_resident_memory_bytes %lld\n",
	    (long long)g->max_rss_bytes);
	return rc;
}

int
metrics_render(struct buf *b, const struct metrics_totals *t, const struct metrics_gauges *g)
{
	int rc;

	rc = metrics_process(b, g);
	rc |= metrics_requests(b, t);
	rc |= metrics_downloads(b, t);
	rc |= metrics_forms(b, t);
	rc |= metrics_durations(b, t);
	if (g->held != NULL)
		rc |= metrics_held(b, g->held);
	return rc ? -1 : 0;
}
