/*
 * The counts without identifiers (src/showroomd/metrics.c): how a path is classified, how
 * replies are counted on several threads, what the daily deltas for the store are named,
 * and that the Prometheus text is well formed. Whatever the path or query, no counter name
 * and no label ever holds anything but fixed words and a content model code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "showroomd/metrics.h"
#include "store/store.h"

static void
classify(const char *method, const char *path, enum metrics_class wc, enum metrics_lang wl,
    const char *wmodel)
{
	char model[METRICS_MODEL_MAX + 1];
	enum metrics_class c;
	enum metrics_lang l;

	metrics_classify(method, path, &c, &l, model);
	if (c != wc || l != wl || strcmp(model, wmodel) != 0)
		fail_msg("%s %s: %s/%s/\"%s\", want %s/%s/\"%s\"", method, path,
		    metrics_class_name(c), metrics_lang_name(l), model, metrics_class_name(wc),
		    metrics_lang_name(wl), wmodel);
}

static void
test_classify(void **state)
{
	classify("GET", "/", MC_HOME, ML_JA, "");
	classify("GET", "/en/", MC_HOME, ML_EN, "");
	classify("GET", "/en", MC_HOME, ML_EN, "");
	classify("GET", "/models/", MC_MODELS, ML_JA, "");
	classify("GET", "/models/kurumi/", MC_MODEL, ML_JA, "");
	classify("HEAD", "/en/models/kurumi/", MC_MODEL, ML_EN, "");
	classify("GET", "/dealers/tokyo/", MC_DEALERS, ML_JA, "");
	classify("GET", "/en/privacy/", MC_PRIVACY, ML_EN, "");
	classify("GET", "/request", MC_FORM, ML_JA, "");
	classify("POST", "/request", MC_SUBMIT, ML_JA, "");
	classify("POST", "/en/test-drive", MC_SUBMIT, ML_EN, "");
	classify("GET", "/receipt/catalog/01ABC", MC_RECEIPT, ML_JA, "");
	classify("POST", "/en/cancel", MC_CANCEL, ML_EN, "");
	classify("GET", "/catalogs/kurumi-ja.pdf", MC_CATALOG_PDF, ML_JA, "kurumi");
	classify("GET", "/catalogs/x-y2-en.pdf", MC_CATALOG_PDF, ML_EN, "x-y2");
	/* not a catalog of a model: counted, but not by any name */
	classify("GET", "/catalogs/Evil-ja.pdf", MC_OTHER, ML_NONE, "");
	classify("GET", "/catalogs/a b-ja.pdf", MC_OTHER, ML_NONE, "");
	classify("GET", "/catalogs/-ja.pdf", MC_OTHER, ML_NONE, "");
	classify("GET", "/catalogs/kurumi-fr.pdf", MC_OTHER, ML_NONE, "");
	classify("GET", "/catalogs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-ja.pdf", MC_OTHER, ML_NONE, "");
	classify("GET", "/en/catalogs/kurumi-ja.pdf", MC_OTHER, ML_NONE, "");
	classify("GET", "/assets/site.0123abcd.css", MC_ASSET, ML_NONE, "");
	classify("GET", "/api/v1/slots", MC_API, ML_NONE, "");
	classify("GET", "/healthz", MC_HEALTH, ML_NONE, "");
	classify("GET", "/sitemap.xml", MC_OTHER, ML_NONE, "");
	classify("GET", "/wp-login.php", MC_OTHER, ML_NONE, "");
	classify("GET", "(bad path)", MC_BAD, ML_JA, "");
	assert_int_equal(metrics_outcome_of(303), MO_ACCEPTED);
	assert_int_equal(metrics_outcome_of(422), MO_INVALID);
	assert_int_equal(metrics_outcome_of(429), MO_LIMITED);
	assert_int_equal(metrics_outcome_of(500), MO_ERROR);
}

struct worker {
	int	n;
};

/* Each thread answers the same mix; the sums are exact. */
static void *
worker(void *arg)
{
	struct worker *w = arg;
	uint64_t t;
	int i;

	for (i = 0; i < w->n; i++) {
		t = metrics_start();
		metrics_response("GET", "/models/kurumi/", 200, t);
		metrics_response("GET", "/en/models/kurumi/", 304, t);
		metrics_response("GET", "/catalogs/kurumi-ja.pdf", 200, t);
		metrics_response("GET", "/catalogs/kurumi-ja.pdf", 206, t);
		metrics_response("HEAD", "/catalogs/madoka-en.pdf", 200, t);
		metrics_response("POST", "/request", 303, t);
		metrics_honeypot();
		metrics_response("POST", "/request", 303, t);
		metrics_response("POST", "/en/test-drive", 422, t);
		metrics_response("GET", "/nothing?email=a@example.com", 404, 0);
		metrics_store("store_put", 3000000);
	}
	return NULL;
}

#define NTHREADS	6
#define NPER		1000

static void
test_threads_sum(void **state)
{
	struct metrics_totals *t = calloc(1, sizeof(*t));
	pthread_t th[NTHREADS];
	struct worker w = { NPER };
	uint64_t dur = 0;
	int i;

	metrics_enable(1);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &w), 0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	metrics_sum(t);
	assert_int_equal(t->req[MC_MODEL][ML_JA][MS_2XX], NTHREADS * NPER);
	assert_int_equal(t->req[MC_MODEL][ML_EN][MS_3XX], NTHREADS * NPER);
	assert_int_equal(t->views[MC_MODEL][ML_JA], NTHREADS * NPER);
	assert_int_equal(t->views[MC_MODEL][ML_EN], NTHREADS * NPER);
	assert_int_equal(t->req[MC_OTHER][ML_NONE][MS_4XX], NTHREADS * NPER);
	assert_int_equal(t->npdf, 1);		/* a HEAD is no download */
	assert_string_equal(t->pdf[0].model, "kurumi");
	assert_int_equal(t->pdf[0].n[0], NTHREADS * NPER);
	assert_int_equal(t->pdf_ranges, NTHREADS * NPER);
	assert_int_equal(t->form[MF_CATALOG][MO_ACCEPTED], NTHREADS * NPER);
	assert_int_equal(t->form[MF_CATALOG][MO_HONEYPOT], NTHREADS * NPER);
	assert_int_equal(t->form[MF_TEST_DRIVE][MO_INVALID], NTHREADS * NPER);
	assert_int_equal(t->store[0][5], NTHREADS * NPER);	/* 3 ms: the 5 ms bucket */
	for (i = 0; i <= METRICS_BUCKETS; i++)
		dur += t->dur[MC_MODEL][i];
	assert_int_equal(dur, 2 * NTHREADS * NPER);
	assert_int_equal(t->dur[MC_OTHER][0] + t->dur[MC_OTHER][METRICS_BUCKETS], 0);

	/* counting off: nothing moves */
	metrics_enable(0);
	assert_int_equal(metrics_start(), 0);
	metrics_response("GET", "/models/kurumi/", 200, 0);
	metrics_sum(t);
	assert_int_equal(t->req[MC_MODEL][ML_JA][MS_2XX], NTHREADS * NPER);
	metrics_enable(1);
	free(t);
}

static uint64_t
delta_of(const struct store_count *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return v[i].value;
	return 0;
}

/* A store name: fixed words joined by dots, and a model code; nothing else. */
static int
name_ok(const char *s)
{
	static const char *const first[] = { "requests", "status", "page", "pdf", "form" };
	size_t i;

	if (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(s))
		return 0;
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		if (strncmp(s, first[i], strlen(first[i])) == 0)
			return 1;
	return 0;
}

static void
test_delta(void **state)
{
	struct metrics_totals *t = calloc(1, sizeof(*t));
	struct store_count *v = calloc(STORE_COUNTS_MAX, sizeof(*v));
	size_t n, i;

	metrics_sum(t);
	metrics_flushed(t);
	metrics_response("GET", "/models/kurumi/", 200, 0);
	metrics_response("GET", "/en/catalogs/x.pdf", 404, 0);
	metrics_response("GET", "/catalogs/madoka-en.pdf", 200, 0);
	metrics_response("POST", "/test-drive", 409, 0);
	metrics_response("GET", "/api/v1/inbox", 503, 0);
	metrics_sum(t);
	n = metrics_delta(t, "2030-03-17", v, STORE_COUNTS_MAX);
	assert_int_equal(delta_of(v, n, "requests"), 5);
	assert_int_equal(delta_of(v, n, "page.model.ja"), 1);
	assert_int_equal(delta_of(v, n, "pdf.madoka.en"), 1);
	assert_int_equal(delta_of(v, n, "form.test_drive.full"), 1);
	assert_int_equal(delta_of(v, n, "status.4xx"), 2);
	assert_int_equal(delta_of(v, n, "status.5xx"), 1);
	for (i = 0; i < n; i++) {
		assert_string_equal(v[i].day, "2030-03-17");
		assert_true(v[i].value > 0);
		if (!name_ok(v[i].name))
			fail_msg("store count name \"%s\"", v[i].name);
	}
	/* not flushed: the same delta again, and more */
	metrics_response("GET", "/models/kurumi/", 200, 0);
	metrics_sum(t);
	n = metrics_delta(t, "2030-03-17", v, STORE_COUNTS_MAX);
	assert_int_equal(delta_of(v, n, "page.model.ja"), 2);
	/* flushed: nothing until something else happens */
	metrics_flushed(t);
	assert_int_equal(metrics_delta(t, "2030-03-17", v, STORE_COUNTS_MAX), 0);
	free(t);
	free(v);
}

/* Every line: a comment, or NAME{LABELS} VALUE with fixed-word label values. */
static void
test_render(void **state)
{
	struct metrics_totals *t = calloc(1, sizeof(*t));
	struct store_held held[1] = { { STORE_KIND_CATALOG_REQUEST, "hq-0123456789abcdef", 3,
	    1900000000 } };
	struct store_day_bookings ahead[1] = { { "2030-03-18", "tokyo-setagaya", 2 } };
	struct store_holdings h = { held, 1, 3, 1900000000, ahead, 1, -1 };
	struct metrics_gauges g = { 4, 1, &h, 1900000000, 1.5, 1 << 20, 3, 0, 1900000000 };
	struct buf b = BUF_INIT;
	char *line, *save, *name;
	size_t samples = 0;

	metrics_response("GET", "/models/kurumi/", 200, metrics_start());
	metrics_sum(t);
	assert_int_equal(metrics_render(&b, t, &g), 0);
	assert_non_null(strstr(b.data, "\nshowroom_records_held{kind=\"catalog_request\","
	    "key_id=\"hq-0123456789abcdef\"} 3\n"));
	assert_non_null(strstr(b.data, "\nshowroom_bookings_ahead{day=\"2030-03-18\","
	    "dealer=\"tokyo-setagaya\"} 2\n"));
	assert_non_null(strstr(b.data, "showroom_http_request_duration_seconds_bucket{"
	    "class=\"model\",le=\"+Inf\"}"));
	assert_null(strstr(b.data, "showroom_outbox_backlog"));	/* -1: no outbox */
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0)
			continue;
		name = line;
		assert_true(strspn(name, "abcdefghijklmnopqrstuvwxyz_") > 0);
		assert_non_null(strrchr(line, ' '));
		/* label values: lower-case words, digits, '.', '-', '_', and "+Inf" */
		if (strchr(line, '{') != NULL)
			assert_true(strspn(strchr(line, '{'),
			    "{}=\",abcdefghijklmnopqrstuvwxyz0123456789._-+I") ==
			    (size_t)(strrchr(line, ' ') - strchr(line, '{')));
		samples++;
	}
	assert_true(samples > 40);
	/* the outbox gauge, from the store's count */
	h.outbox_backlog = 7;
	buf_free(&b);
	assert_int_equal(metrics_render(&b, t, &g), 0);
	assert_non_null(strstr(b.data, "\nshowroom_outbox_backlog 7\n"));
	buf_free(&b);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_threads_sum),
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
