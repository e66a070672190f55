/*
 * showroom stats: the counts of the last N days for the privacy officer, as a table on
 * standard output and, with --out, a chart (SVG or PNG): requests and bookings per day,
 * catalog downloads per model, what is held now. It asks the server with a signed
 * GET /api/v1/counts (a privacy or hq key); everything it shows is a count.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/fsutil.h"
#include "lib/jtime.h"
#include "lib/log.h"
#include "showroom/commands.h"
#include "showroom/office/bo.h"
#include "showroom/office/counts.h"
#include "showroom/office/stats.h"

#define STATS_DAYS_DEFAULT	30

static void
stats_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom stats --identity PREFIX --server URL [--days N]\n"
	    "                      [--out FILE.svg|FILE.png] [--lang ja|en] [--config FILE]\n"
	    "\n"
	    "Shows the server's counts of the last N days: per day the requests, pages,\n"
	    "catalog downloads, catalog requests and test drives stored, form posts\n"
	    "accepted and refused, 4xx and 5xx; catalog downloads per model; and what the\n"
	    "server holds now. With --out, draws them as a chart (SVG or PNG, by the\n"
	    "name's ending). Asks with a signed GET /api/v1/counts: the identity is a\n"
	    "privacy (or hq) key. Counts only: no record, id or value is read.\n"
	    "\n"
	    "  --days N         1 to %d (default %d)\n"
	    "  --out FILE       write the chart to FILE.svg or FILE.png (mode 0644)\n"
	    "  --lang L         ja (default) or en, for the table and the chart\n"
	    BO_COMMON_HELP "\n" BO_EXIT_HELP, COUNTS_DAYS_MAX, STATS_DAYS_DEFAULT);
}

static int
stats_model_cmp(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
	json_int_t tx = json_integer_value(json_object_get(x, "total"));
	json_int_t ty = json_integer_value(json_object_get(y, "total"));

	if (tx != ty)
		return tx < ty ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "model")),
	    json_string_value(json_object_get(y, "model")));
}

/* Adds the day's "pdf.MODEL.LANG" counts to BY (MODEL -> {"ja","en"}). */
static void
stats_models_day(json_t *by, const json_t *counts)
{
	char model[64];
	const char *k, *lang;
	json_t *v, *m;
	size_t n;

	json_object_foreach((json_t *)(uintptr_t)counts, k, v) {
		if (strncmp(k, "pdf.", 4) != 0 || (lang = strrchr(k, '.')) == k + 3 ||
		    (n = (size_t)(lang - k - 4)) >= sizeof(model))
			continue;
		snprintf(model, sizeof(model), "%.*s", (int)n, k + 4);
		if ((m = json_object_get(by, model)) == NULL) {
			m = json_pack("{s:s, s:I, s:I, s:I}", "model", model, "ja", 0, "en", 0,
			    "total", 0);
			json_object_set_new(by, model, m);
		}
		json_object_set_new(m, lang + 1, json_integer(json_integer_value(
		    json_object_get(m, lang + 1)) + json_integer_value(v)));
		json_object_set_new(m, "total", json_integer(json_integer_value(
		    json_object_get(m, "total")) + json_integer_value(v)));
	}
}

json_t *
stats_models(const json_t *doc)
{
	json_t *by = json_object(), *out = json_array(), **v, *d, *m;
	const char *k;
	size_t i, n = 0;

	json_array_foreach(json_object_get(doc, "days"), i, d)
		stats_models_day(by, json_object_get(d, "counts"));
	if ((v = calloc(json_object_size(by) + 1, sizeof(*v))) == NULL) {
		json_decref(by);
		json_decref(out);
		return NULL;
	}
	json_object_foreach(by, k, m)
		v[n++] = m;
	qsort(v, n, sizeof(*v), stats_model_cmp);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(by);
	return out;
}

/* Texts with conversions are chosen between two literals, so the compiler checks them. */
#define STATS_TITLE(l)	((l) == LANG_JA ? "showroom の集計（最近 %d 日、サーバーの日付 %s）\n" : \
			    "showroom counts, the last %d days (server's day %s)\n")
#define STATS_HELD(l)	((l) == LANG_JA ? "\nいまサーバーにある記録: %lld 件（カタログ請求 " \
			    "%lld、試乗予約 %lld、キャンセル %lld）、最も古いもの %s、" \
			    "今日以降の試乗予約 %lld 件\n" : \
			    "\nheld by the server now: %lld records (catalog requests %lld, " \
			    "test drives %lld, cancellations %lld); oldest %s; test drives " \
			    "booked from today on %lld\n")

static const char *const stats_words[][LANG_COUNT] = {
#define S_MODELS	0
	{ "\n車種ごとのカタログPDFダウンロード数\n", "\ncatalog PDF downloads per model\n" },
#define S_NONE		1
	{ "（なし）", "(none)" },
#define S_TOTAL		2
	{ "合計", "total" },
};

static const char *const stats_cols[][LANG_COUNT] = {
	{ "日付", "day" }, { "リクエスト", "requests" }, { "ページ", "pages" },
	{ "DL", "downloads" }, { "請求", "catalog" }, { "試乗", "drives" },
	{ "受付", "accepted" }, { "拒否", "refused" }, { "4xx", "4xx" }, { "5xx", "5xx" },
};

/* One line of the table: VALUES of a day's counts (or the totals). */
static int
stats_line(struct buf *out, const char *day, const json_int_t v[9])
{
	return buf_printf(out, "%-10s %10lld %9lld %9lld %9lld %9lld %9lld %9lld %7lld %7lld\n",
	    day, (long long)v[0], (long long)v[1], (long long)v[2], (long long)v[3],
	    (long long)v[4], (long long)v[5], (long long)v[6], (long long)v[7],
	    (long long)v[8]);
}

static void
stats_day_values(const json_t *counts, json_int_t v[9])
{
	json_int_t forms = counts_sum(counts, "form.", NULL);

	v[0] = counts_sum(counts, "requests", NULL);
	v[1] = counts_sum(counts, "page.", NULL);
	v[2] = counts_sum(counts, "pdf.", NULL);
	v[3] = counts_sum(counts, "stored.catalog_request", NULL);
	v[4] = counts_sum(counts, "stored.test_drive", NULL);
	v[5] = counts_sum(counts, "form.", ".accepted");
	v[6] = forms - v[5];
	v[7] = counts_sum(counts, "status.4xx", NULL);
	v[8] = counts_sum(counts, "status.5xx", NULL);
}

static int
stats_held(const json_t *doc, enum lang l, struct buf *out)
{
	json_t *oldest = json_object_get(doc, "oldest");
	char when[17];

	if (json_is_integer(oldest))
		jtime_datetime((time_t)json_integer_value(oldest), when);
	else
		snprintf(when, sizeof(when), "%s", stats_words[S_NONE][l]);
	return buf_printf(out, STATS_HELD(l),
	    (long long)json_integer_value(json_object_get(doc, "records_held")),
	    (long long)counts_held(doc, "catalog_request", NULL, NULL),
	    (long long)counts_held(doc, "test_drive", NULL, NULL),
	    (long long)counts_held(doc, "cancellation", NULL, NULL), when,
	    (long long)counts_ahead(doc, NULL));
}

int
stats_table(const json_t *doc, const json_t *models, enum lang l, struct buf *out)
{
	json_int_t v[9], total[9] = { 0 };
	json_t *d, *m;
	size_t i;
	int k, rc;

	rc = buf_printf(out, STATS_TITLE(l),
	    (int)json_array_size(json_object_get(doc, "days")),
	    json_string_value(json_object_get(doc, "today")));
	rc |= buf_printf(out, "%-10s %10s %9s %9s %9s %9s %9s %9s %7s %7s\n", stats_cols[0][l],
	    stats_cols[1][l],
	    stats_cols[2][l], stats_cols[3][l], stats_cols[4][l], stats_cols[5][l],
	    stats_cols[6][l], stats_cols[7][l], stats_cols[8][l], stats_cols[9][l]);
	json_array_foreach(json_object_get(doc, "days"), i, d) {
		stats_day_values(json_object_get(d, "counts"), v);
		for (k = 0; k < 9; k++)
			total[k] += v[k];
		rc |= stats_line(out, json_string_value(json_object_get(d, "day")), v);
	}
	rc |= stats_line(out, stats_words[S_TOTAL][l], total);
	rc |= buf_puts(out, stats_words[S_MODELS][l]);
	if (json_array_size(models) == 0)
		rc |= buf_printf(out, "%s\n", stats_words[S_NONE][l]);
	json_array_foreach(models, i, m)
		rc |= buf_printf(out, "%-24s ja %8lld  en %8lld  %s %8lld\n",
		    json_string_value(json_object_get(m, "model")),
		    (long long)json_integer_value(json_object_get(m, "ja")),
		    (long long)json_integer_value(json_object_get(m, "en")),
		    stats_words[S_TOTAL][l],
		    (long long)json_integer_value(json_object_get(m, "total")));
	rc |= stats_held(doc, l, out);
	return rc ? -1 : 0;
}

/* The chart into PATH; its kind from the name's ending. */
static int
stats_write_chart(const char *path, const json_t *doc, const json_t *models, int days,
    enum lang l)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(path);
	char err[256];
	int png;

	if (n > 4 && strcmp(path + n - 4, ".png") == 0)
		png = 1;
	else if (n > 4 && strcmp(path + n - 4, ".svg") == 0)
		png = 0;
	else {
		log_error("stats: --out %s: the name must end in .svg or .png", path);
		return EXIT_USAGE;
	}
	if (stats_chart(doc, models, days, l, png, &b, err, sizeof(err)) == -1) {
		buf_free(&b);
		log_error("stats: %s", err);
		return BO_EXIT_FAIL;
	}
	/* counts only: readable like any report */
	if (fs_write_file(path, b.data, b.len, 0644) == -1) {
		log_error("stats: %s: %s", path, strerror(errno));
		buf_free(&b);
		return BO_EXIT_FAIL;
	}
	buf_free(&b);
	return 0;
}

int
cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "days", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf table = BUF_INIT;
	const char *out = NULL;
	struct bo_opts o;
	enum lang l = LANG_JA;
	json_t *doc = NULL, *models = NULL;
	char *end;
	long days = STATS_DAYS_DEFAULT;
	struct bo b;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) != -1) {
		if (ch == 'd') {
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || days < 1 ||
			    days > COUNTS_DAYS_MAX) {
				log_error("stats: --days is 1 to %d", COUNTS_DAYS_MAX);
				return EXIT_USAGE;
			}
		} else if (ch == 'o')
			out = optarg;
		else if (ch == 'l' && (strcmp(optarg, "ja") == 0 || strcmp(optarg, "en") == 0))
			l = strcmp(optarg, "en") == 0 ? LANG_EN : LANG_JA;
		else
			return bo_usage(stats_usage, ch);
	}
	if (optind != argc)
		return bo_usage(stats_usage, 0);
	if ((rc = bo_init(&b, &o, BO_NEED_SECRET)) != 0 ||
	    (rc = counts_fetch(&b, (int)days, &doc)) != 0)
		goto out;
	if ((models = stats_models(doc)) == NULL || stats_table(doc, models, l, &table) == -1) {
		log_error("stats: out of memory");
		rc = BO_EXIT_FAIL;
		goto out;
	}
	fwrite(table.data, 1, table.len, stdout);
	if (out != NULL && (rc = stats_write_chart(out, doc, models, (int)days, l)) == 0)
		printf("\nchart: %s\n", out);
out:
	buf_free(&table);
	json_decref(models);
	json_decref(doc);
	bo_done(&b);
	return rc;
}
