/*
 * The counts as a chart (cairo, pango): requests per day, bookings and catalog requests
 * per day, and catalog downloads per model over the period. SVG or PNG, drawn into
 * memory; the caller writes the file. Units are points, one pixel each in a PNG.
 */
#include "showroom/office/stats.h"

#include <stdio.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "showroom/office/counts.h"
#include "showroom/pdf_text.h"

#define CHART_W		900.0
#define CHART_H		760.0
#define CHART_LEFT	70.0
#define CHART_RIGHT	30.0
#define CHART_MODELS	12	/* downloads: the models with the most */

struct chart {
	cairo_t			*cr;
	PangoContext		*pc;
	PangoFontDescription	*font;
	PangoLayout		*layout;
	enum lang		 lang;
};

static const char *const chart_words[][LANG_COUNT] = {
	{ "", "" },
#define W_REQUESTS	1
	{ "1日あたりのリクエスト数", "Requests per day" },
#define W_BOOKINGS	2
	{ "1日あたりの試乗予約とカタログ請求（保存された件数）",
	  "Test drives booked and catalog requests stored, per day" },
#define W_DOWNLOADS	3
	{ "車種ごとのカタログPDFダウンロード数（期間合計）",
	  "Catalog PDF downloads per model, over the period" },
#define W_TD		4
	{ "試乗予約", "test drives" },
#define W_CAT		5
	{ "カタログ請求", "catalog requests" },
#define W_NONE		6
	{ "（ダウンロードなし）", "(no downloads)" },
#define W_NOTE		7
	{ "集計値のみ：訪問者を識別する情報は数えていません。",
	  "Counts only: nothing that identifies a visitor is counted." },
};

static void
chart_text(struct chart *c, double x, double y, double size, int bold, const char *text,
    int right)
{
	int w, h;

	pango_font_description_set_size(c->font, (int)(size * PANGO_SCALE));
	pango_font_description_set_weight(c->font, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(c->layout, c->font);
	pango_layout_set_text(c->layout, text, -1);
	pango_layout_get_size(c->layout, &w, &h);
	cairo_move_to(c->cr, right ? x - (double)w / PANGO_SCALE : x, y);
	pango_cairo_show_layout(c->cr, c->layout);
}

static void
chart_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
	    (rgb & 0xff) / 255.0);
}

/* The day's value of NAME (prefix PREFIX, any end) for each day of DOC. */
static json_int_t
chart_day(const json_t *doc, size_t i, const char *prefix)
{
	return counts_sum(json_object_get(json_array_get(json_object_get(doc, "days"), i),
	    "counts"), prefix, NULL);
}

/* A panel of bars per day: SERIES prefixes, one colour each, side by side. */
static void
chart_days(struct chart *c, const json_t *doc, double top, double height,
    const char *const *series, const unsigned *colours, size_t nseries)
{
	size_t ndays = json_array_size(json_object_get(doc, "days")), i, s;
	double plot_w = CHART_W - CHART_LEFT - CHART_RIGHT, slot, bw, x, hgt;
	json_int_t max = 1, v;
	char label[32];
	const char *day;

	for (i = 0; i < ndays; i++)
		for (s = 0; s < nseries; s++)
			if ((v = chart_day(doc, i, series[s])) > max)
				max = v;
	slot = plot_w / (double)(ndays ? ndays : 1);
	bw = slot * 0.8 / (double)nseries;
	chart_rgb(c->cr, 0xcccccc);
	cairo_set_line_width(c->cr, 1);
	cairo_move_to(c->cr, CHART_LEFT, top + height + 0.5);
	cairo_line_to(c->cr, CHART_LEFT + plot_w, top + height + 0.5);
	cairo_stroke(c->cr);
	chart_rgb(c->cr, 0x555555);
	snprintf(label, sizeof(label), "%lld", (long long)max);
	chart_text(c, CHART_LEFT - 6, top - 6, 8, 0, label, 1);
	chart_text(c, CHART_LEFT - 6, top + height - 10, 8, 0, "0", 1);
	for (i = 0; i < ndays; i++) {
		for (s = 0; s < nseries; s++) {
			hgt = height * (double)chart_day(doc, i, series[s]) / (double)max;
			x = CHART_LEFT + slot * (double)i + slot * 0.1 + bw * (double)s;
			chart_rgb(c->cr, colours[s]);
			cairo_rectangle(c->cr, x, top + height - hgt, bw, hgt);
			cairo_fill(c->cr);
		}
		/* at most about 15 day labels, MM-DD */
		if (i % (ndays / 15 + 1) == 0 || i + 1 == ndays) {
			day = json_string_value(json_object_get(json_array_get(json_object_get(doc,
			    "days"), i), "day"));
			chart_rgb(c->cr, 0x555555);
			chart_text(c, CHART_LEFT + slot * (double)i, top + height + 3, 7, 0,
			    day != NULL && strlen(day) == 10 ? day + 5 : "?", 0);
		}
	}
}

/* Horizontal bars: downloads per model over the period (both languages), most first. */
static void
chart_models(struct chart *c, const json_t *models, double top)
{
	json_int_t max;
	json_t *m;
	size_t i;
	char label[32];
	double w, y;

	if (json_array_size(models) == 0) {
		chart_rgb(c->cr, 0x555555);
		chart_text(c, CHART_LEFT, top, 9, 0, chart_words[W_NONE][c->lang], 0);
		return;
	}
	max = json_integer_value(json_object_get(json_array_get(models, 0), "total"));
	if (max < 1)
		max = 1;
	json_array_foreach(models, i, m) {
		if (i == CHART_MODELS)
			break;
		y = top + 15.0 * (double)i;
		w = (CHART_W - CHART_LEFT - CHART_RIGHT - 160) *
		    (double)json_integer_value(json_object_get(m, "total")) / (double)max;
		chart_rgb(c->cr, 0x333333);
		chart_text(c, CHART_LEFT + 90, y, 8, 0,
		    json_string_value(json_object_get(m, "model")), 1);
		chart_rgb(c->cr, 0x2e7d6b);
		cairo_rectangle(c->cr, CHART_LEFT + 96, y + 2, w, 10);
		cairo_fill(c->cr);
		snprintf(label, sizeof(label), "%lld",
		    (long long)json_integer_value(json_object_get(m, "total")));
		chart_rgb(c->cr, 0x333333);
		chart_text(c, CHART_LEFT + 100 + w, y, 8, 0, label, 0);
	}
}

static void
chart_draw(struct chart *c, const json_t *doc, const json_t *models, int days)
{
	static const char *const req[] = { "requests" };
	static const char *const book[] = { "stored.test_drive", "stored.catalog_request" };
	static const unsigned req_col[] = { 0x3c6e9f };
	static const unsigned book_col[] = { 0xc0504d, 0xe0a030 };
	char title[160];

	chart_rgb(c->cr, 0xffffff);
	cairo_paint(c->cr);
	chart_rgb(c->cr, 0x111111);
	snprintf(title, sizeof(title), c->lang == LANG_JA ? "showroom の集計（最近 %d 日）" :
	    "showroom counts, the last %d days", days);
	chart_text(c, CHART_LEFT, 16, 15, 1, title, 0);
	chart_rgb(c->cr, 0x555555);
	chart_text(c, CHART_LEFT, 40, 8, 0, chart_words[W_NOTE][c->lang], 0);
	chart_rgb(c->cr, 0x111111);
	chart_text(c, CHART_LEFT, 66, 10, 1, chart_words[W_REQUESTS][c->lang], 0);
	chart_days(c, doc, 96, 170, req, req_col, 1);
	chart_rgb(c->cr, 0x111111);
	chart_text(c, CHART_LEFT, 296, 10, 1, chart_words[W_BOOKINGS][c->lang], 0);
	chart_rgb(c->cr, book_col[0]);
	cairo_rectangle(c->cr, CHART_W - 300, 300, 10, 10);
	cairo_fill(c->cr);
	chart_text(c, CHART_W - 286, 297, 8, 0, chart_words[W_TD][c->lang], 0);
	chart_rgb(c->cr, book_col[1]);
	cairo_rectangle(c->cr, CHART_W - 180, 300, 10, 10);
	cairo_fill(c->cr);
	chart_text(c, CHART_W - 166, 297, 8, 0, chart_words[W_CAT][c->lang], 0);
	chart_days(c, doc, 326, 150, book, book_col, 2);
	chart_rgb(c->cr, 0x111111);
	chart_text(c, CHART_LEFT, 516, 10, 1, chart_words[W_DOWNLOADS][c->lang], 0);
	chart_models(c, models, 544);
}

static cairo_status_t
chart_write(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_NO_MEMORY;
}

int
stats_chart(const json_t *doc, const json_t *models, int days, enum lang l, int png,
    struct buf *out, char *err, size_t errlen)
{
	struct chart c = { .lang = l };
	cairo_surface_t *s;
	int rc = -1;

	s = png ? cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)CHART_W, (int)CHART_H) :
	    cairo_svg_surface_create_for_stream(chart_write, out, CHART_W, CHART_H);
	c.cr = cairo_create(s);
	if (pdf_text_context(lang_code(l), &c.pc, &c.font) == -1) {
		snprintf(err, errlen, "the font %s is not installed (fonts-noto-cjk)",
		    PDF_TEXT_FONT);
		goto out;
	}
	c.layout = pango_layout_new(c.pc);
	chart_draw(&c, doc, models, days);
	cairo_show_page(c.cr);
	if (png && cairo_surface_write_to_png_stream(s, chart_write, out) !=
	    CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cannot encode the PNG");
		goto out;
	}
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cairo: %s", cairo_status_to_string(cairo_surface_status(s)));
		goto out;
	}
	rc = 0;
out:
	if (c.layout != NULL)
		g_object_unref(c.layout);
	if (c.pc != NULL)
		g_object_unref(c.pc);
	pango_font_description_free(c.font);
	cairo_destroy(c.cr);
	cairo_surface_destroy(s);
	return rc;
}
