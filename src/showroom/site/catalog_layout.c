/*
 * The PDF catalog's layout primitives: its fixed phrases, colours, text layout, measure
 * and show, links, pages (footer, running header, section titles, page breaks) and
 * the flow of paragraphs into columns. See catalog_int.h.
 *
 * Units are PostScript points throughout: the pango context (showroom/pdf_text.h) runs
 * at 72 dpi with hinting off, so a 10 pt font is 10 user units and text measures the
 * same on every surface.
 */
#include "showroom/site/catalog_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/text.h"

/* ---- phrases ---- */

/* Every fixed phrase in both languages, indexed by enum catalog_msg. */
const char *const catalog_msgs[M_COUNT][LANG_COUNT] = {
	[M_CATALOG] = { "カタログ", "CATALOG" },
	[M_PRICE] = { "メーカー希望小売価格", "Manufacturer's suggested retail price" },
	[M_INCL_TAX] = { "（税込）", " incl. tax" },
	[M_FROM] = { "価格", "Price from" },
	[M_OVERVIEW] = { "概要", "Overview" },
	[M_SPECS] = { "主要諸元", "Specifications" },
	[M_CONTINUED] = { "（続き）", " (continued)" },
	[M_SPEC_NOTE] = {
	    "燃料消費率・交流電力量消費率・走行距離は、定められた試験条件（WLTCモード）での"
	    "値です。お客様の使用環境（気象、渋滞等）や運転方法に応じて値は異なります。",
	    "Efficiency and range figures are measured in the WLTC test cycle. Real-world "
	    "figures vary with weather, traffic, load and driving style." },
	[M_DEALERS] = { "販売店", "Dealers" },
	[M_TEST_DRIVES] = { "試乗できる販売店", "Test drives available at" },
	[M_NO_TEST_DRIVES] = {
	    "現在、このモデルの試乗車を用意している販売店はありません。お近くの販売店にお問い合わせください。",
	    "No dealer has this model as a demo car at the moment. Please ask your nearest "
	    "dealer." },
	[M_OTHER_DEALERS] = { "その他の販売店", "Other dealers" },
	[M_CLOSED] = { "定休日", "Closed" },
	[M_CONTACT] = { "お客様相談窓口", "Customer centre" },
	[M_TAX] = { "価格はすべて消費税込みです。", "All prices include consumption tax." },
	[M_GENERATED] = {
	    "本カタログはウェブサイトの掲載内容から自動生成されたものです。"
	    "仕様・価格は予告なく変更されることがあります。",
	    "This catalog was generated automatically from the website's content. "
	    "Specifications and prices are subject to change without notice." },
};

const char *
catalog_msg(const struct catalog_doc *d, enum catalog_msg id)
{
	return catalog_msgs[id][d->l];
}

/* A content text in the catalog's language; the other language rather than a hole. */
const char *
catalog_tx(const struct catalog_doc *d, const struct text *t)
{
	if (t->s[d->l] != NULL && t->s[d->l][0] != '\0')
		return t->s[d->l];
	if (t->s[d->l == LANG_JA ? LANG_EN : LANG_JA] != NULL)
		return t->s[d->l == LANG_JA ? LANG_EN : LANG_JA];
	return "";
}

/* Appends to a NUL-terminated buffer; output that does not fit is cut, which only the
 * fixed, short phrases built here could ever reach. */
void
catalog_cat(char *dst, size_t len, const char *fmt, ...)
{
	size_t used = strlen(dst);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(dst + used, len - used, fmt, ap);
	va_end(ap);
}

/* ---- colours ---- */

/* "#rrggbb", or DEF when S is missing or malformed: a typo must not cost the catalog. */
struct catalog_rgb
catalog_colour(const char *s, unsigned int def)
{
	struct catalog_rgb c;
	unsigned int v = 0;
	int i, x;

	if (s != NULL && strlen(s) == 7 && s[0] == '#') {
		for (i = 1; i < 7; i++) {
			if ((x = text_hexval((unsigned char)s[i])) < 0)
				break;
			v = v << 4 | (unsigned int)x;
		}
		if (i == 7)
			def = v;
	}
	c.r = ((def >> 16) & 0xff) / 255.0;
	c.g = ((def >> 8) & 0xff) / 255.0;
	c.b = (def & 0xff) / 255.0;
	return c;
}

/* A blended towards B by T (0: A, 1: B). */
struct catalog_rgb
catalog_mix(struct catalog_rgb a, struct catalog_rgb b, double t)
{
	struct catalog_rgb c;

	c.r = a.r + (b.r - a.r) * t;
	c.g = a.g + (b.g - a.g) * t;
	c.b = a.b + (b.b - a.b) * t;
	return c;
}

void
catalog_palette_init(struct catalog_palette *p, const struct brand *b)
{
	p->primary = catalog_colour(b->colour_primary, 0x1d3557);
	p->accent = catalog_colour(b->colour_accent, 0xc8102e);
	p->text = catalog_colour(b->colour_text, 0x1f2328);
	p->bg = catalog_colour(b->colour_background, 0xffffff);
	p->white = catalog_colour(NULL, 0xffffff);
	p->muted = catalog_mix(p->text, p->bg, 0.42);
	p->label = catalog_mix(p->text, p->bg, 0.25);
	p->rule = catalog_mix(p->text, p->bg, 0.82);
	p->tint = catalog_mix(p->primary, p->bg, 0.93);
	p->shade = catalog_mix(p->primary, p->bg, 0.955);
}

void
catalog_rgb(cairo_t *cr, const struct catalog_rgb *c)
{
	cairo_set_source_rgb(cr, c->r, c->g, c->b);
}

void
catalog_fill(cairo_t *cr, const struct catalog_rgb *c, double x, double y, double w,
    double h)
{
	catalog_rgb(cr, c);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

void
catalog_hline(cairo_t *cr, const struct catalog_rgb *c, double x0, double x1, double y,
    double width)
{
	catalog_rgb(cr, c);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x0, y);
	cairo_line_to(cr, x1, y);
	cairo_stroke(cr);
}

/* ---- text ---- */

/* A layout of TEXT in font F; WIDTH > 0 wraps (by word, or by character where a word
 * is longer than the line, which is also how Japanese breaks). */
static PangoLayout *
catalog_layout(struct catalog_doc *d, const char *text, const struct catalog_font *f,
    double width, PangoAlignment align)
{
	PangoLayout *lo;
	PangoAttrList *attrs;

	lo = pango_layout_new(d->pc);
	pango_font_description_set_size(d->font, (gint)(f->size * PANGO_SCALE + 0.5));
	pango_font_description_set_weight(d->font,
	    f->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lo, d->font);
	if (width > 0) {
		pango_layout_set_width(lo, pango_units_from_double(width));
		pango_layout_set_wrap(lo, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_alignment(lo, align);
	}
	if (f->line > 0)
		pango_layout_set_line_spacing(lo, (float)f->line);
	if (f->track > 0) {
		attrs = pango_attr_list_new();
		pango_attr_list_insert(attrs,
		    pango_attr_letter_spacing_new(pango_units_from_double(f->track)));
		pango_layout_set_attributes(lo, attrs);
		pango_attr_list_unref(attrs);
	}
	pango_layout_set_text(lo, text, -1);
	return lo;
}

static double
catalog_layout_height(PangoLayout *lo)
{
	PangoRectangle r;

	pango_layout_get_extents(lo, NULL, &r);
	return pango_units_to_double(r.y + r.height);
}

static double
catalog_layout_width(PangoLayout *lo)
{
	PangoRectangle r;

	pango_layout_get_extents(lo, NULL, &r);
	return pango_units_to_double(r.x + r.width);
}

/* Draws TEXT with its top at Y and returns its height. */
double
catalog_show(struct catalog_doc *d, const char *text, const struct catalog_font *f,
    const struct catalog_rgb *c, double x, double y, double width, PangoAlignment align)
{
	PangoLayout *lo;
	double h;

	lo = catalog_layout(d, text, f, width, align);
	catalog_rgb(d->cr, c);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, lo);
	h = catalog_layout_height(lo);
	g_object_unref(lo);
	return h;
}

double
catalog_measure(struct catalog_doc *d, const char *text, const struct catalog_font *f,
    double width)
{
	PangoLayout *lo;
	double h;

	lo = catalog_layout(d, text, f, width, PANGO_ALIGN_LEFT);
	h = catalog_layout_height(lo);
	g_object_unref(lo);
	return h;
}

double
catalog_text_width(struct catalog_doc *d, const char *text, const struct catalog_font *f)
{
	PangoLayout *lo;
	double w;

	lo = catalog_layout(d, text, f, 0, PANGO_ALIGN_LEFT);
	w = catalog_layout_width(lo);
	g_object_unref(lo);
	return w;
}

void
catalog_tag_begin(struct catalog_doc *d, const char *tag)
{
	if (d->final)
		cairo_tag_begin(d->cr, tag, NULL);
}

void
catalog_tag_end(struct catalog_doc *d, const char *tag)
{
	if (d->final)
		cairo_tag_end(d->cr, tag);
}

/* A clickable URI over the next drawing; only in the PDF, where links mean something. */
void
catalog_link_begin(struct catalog_doc *d, const char *uri)
{
	GString *a;
	const char *p;

	if (!d->final || uri == NULL)
		return;
	a = g_string_new("uri='");
	for (p = uri; *p != '\0'; p++) {
		if (*p == '\'' || *p == '\\')
			g_string_append_c(a, '\\');
		g_string_append_c(a, *p);
	}
	g_string_append_c(a, '\'');
	cairo_tag_begin(d->cr, CAIRO_TAG_LINK, a->str);
	g_string_free(a, TRUE);
}

void
catalog_link_end(struct catalog_doc *d, const char *uri)
{
	if (d->final && uri != NULL)
		cairo_tag_end(d->cr, CAIRO_TAG_LINK);
}

/* ---- pages ---- */

void
catalog_page_open(struct catalog_doc *d)
{
	d->page++;
	catalog_fill(d->cr, &d->pal.bg, 0, 0, PAGE_W, PAGE_H);
}

/* Brand and tax note, the small print, and "n / N". */
static void
catalog_footer(struct catalog_doc *d)
{
	const char *brand = catalog_tx(d, &d->c->brand.name);
	char pageno[32];
	double w;

	snprintf(pageno, sizeof(pageno), "%d / %d", d->page,
	    d->npages > 0 ? d->npages : d->page);
	catalog_hline(d->cr, &d->pal.rule, MARGIN, PAGE_W - MARGIN, FOOTER_Y, 0.6);
	w = catalog_text_width(d, pageno, &F_PAGENO);
	catalog_show(d, pageno, &F_PAGENO, &d->pal.primary, PAGE_W - MARGIN - w,
	    FOOTER_Y + 9, 0, PANGO_ALIGN_LEFT);
	w = catalog_text_width(d, brand, &F_FOOT);
	catalog_show(d, brand, &F_FOOT, &d->pal.primary, MARGIN, FOOTER_Y + 9, 0,
	    PANGO_ALIGN_LEFT);
	catalog_show(d, catalog_msg(d, M_TAX), &F_TAXNOTE, &d->pal.text, MARGIN + w + 14,
	    FOOTER_Y + 10, 0, PANGO_ALIGN_LEFT);
	catalog_show(d, catalog_msg(d, M_GENERATED), &F_SMALL, &d->pal.muted, MARGIN,
	    FOOTER_Y + 25, TEXT_W - 60, PANGO_ALIGN_LEFT);
}

void
catalog_page_close(struct catalog_doc *d)
{
	catalog_footer(d);
	cairo_show_page(d->cr);
}

/* The running header of an inner page: brand left, model right (shortened with an
 * ellipsis rather than run into the brand), a hairline below. */
static void
catalog_running_head(struct catalog_doc *d)
{
	const char *brand = catalog_tx(d, &d->c->brand.name);
	PangoLayout *lo;
	double w;

	catalog_fill(d->cr, &d->pal.primary, 0, 0, PAGE_W, 6);
	catalog_show(d, brand, &F_RUNHEAD, &d->pal.primary, MARGIN, 28, 0,
	    PANGO_ALIGN_LEFT);
	w = TEXT_W - catalog_text_width(d, brand, &F_RUNHEAD) - 24;
	if (w > 40) {
		lo = catalog_layout(d, catalog_tx(d, &d->m->name), &F_RUNHEAD, w,
		    PANGO_ALIGN_RIGHT);
		pango_layout_set_ellipsize(lo, PANGO_ELLIPSIZE_END);
		catalog_rgb(d->cr, &d->pal.muted);
		cairo_move_to(d->cr, PAGE_W - MARGIN - w, 28);
		pango_cairo_show_layout(d->cr, lo);
		g_object_unref(lo);
	}
	catalog_hline(d->cr, &d->pal.rule, MARGIN, PAGE_W - MARGIN, 48, 0.6);
}

/* Opens an inner page titled with the running section, marked as continued after a
 * break so that a reader who lands there knows where they are. */
static void
catalog_inner_page(struct catalog_doc *d, int continued)
{
	char title[256];
	double h;

	catalog_page_open(d);
	catalog_running_head(d);
	snprintf(title, sizeof(title), "%s%s", d->title,
	    continued ? catalog_msg(d, M_CONTINUED) : "");
	/* the section's heading; its repeat on the next page is only a reminder */
	if (!continued)
		catalog_tag_begin(d, "H2");
	h = catalog_show(d, title, &F_TITLE, &d->pal.text, MARGIN, 68, TEXT_W,
	    PANGO_ALIGN_LEFT);
	if (!continued)
		catalog_tag_end(d, "H2");
	catalog_fill(d->cr, &d->pal.accent, MARGIN, 68 + h + 8, 32, 3);
	d->y = 68 + h + 8 + 3 + 22;
	if (d->y < BODY_TOP)
		d->y = BODY_TOP;
	d->top = d->y;
}

void
catalog_section_begin(struct catalog_doc *d, enum catalog_sect s, enum catalog_msg title)
{
	d->title = catalog_msg(d, title);
	d->sect[s] = d->page + 1;
	catalog_inner_page(d, 0);
}

/* Makes room for H points, breaking the page when they do not fit. A block taller than
 * a whole page is placed on a fresh page anyway rather than looping. Returns 1 when it
 * broke the page. */
int
catalog_need(struct catalog_doc *d, double h)
{
	if (d->y + h <= BODY_BOTTOM || d->y <= d->top)
		return 0;
	catalog_page_close(d);
	catalog_inner_page(d, 1);
	return 1;
}

/* ---- flow columns ---- */

#define FLOW_LINE(fl, i)	(&g_array_index((fl)->lines, struct catalog_line, (i)))

void
catalog_flow_init(struct catalog_flow *fl)
{
	fl->layouts = g_ptr_array_new_with_free_func(g_object_unref);
	fl->lines = g_array_new(FALSE, FALSE, sizeof(struct catalog_line));
	fl->next = 0;
}

void
catalog_flow_free(struct catalog_flow *fl)
{
	g_ptr_array_free(fl->layouts, TRUE);
	g_array_free(fl->lines, TRUE);
}

void
catalog_flow_add(struct catalog_doc *d, struct catalog_flow *fl, const char *text,
    const struct catalog_font *f, double width, double gap)
{
	PangoLayout *lo = catalog_layout(d, text, f, width, PANGO_ALIGN_LEFT);
	PangoLayoutIter *it = pango_layout_get_iter(lo);
	struct catalog_line ln;
	PangoRectangle r;
	double origin = fl->next;

	do {
		pango_layout_iter_get_line_extents(it, NULL, &r);
		ln.line = pango_layout_iter_get_line_readonly(it);
		ln.para = fl->layouts->len;
		ln.x = pango_units_to_double(r.x);
		ln.top = origin + pango_units_to_double(r.y);
		ln.h = pango_units_to_double(r.height);
		ln.base = pango_units_to_double(pango_layout_iter_get_baseline(it) - r.y);
		g_array_append_val(fl->lines, ln);
	} while (pango_layout_iter_next_line(it));
	/* The next paragraph starts a line pitch below the last line, plus the gap. */
	fl->next = ln.top + ln.h * (f->line > 0 ? f->line : 1) + gap;
	pango_layout_iter_free(it);
	g_ptr_array_add(fl->layouts, lo);
}

/* Height of lines A..B-1 set together. */
static double
catalog_flow_span(const struct catalog_flow *fl, size_t a, size_t b)
{
	if (a >= b)
		return 0;
	return FLOW_LINE(fl, b - 1)->top + FLOW_LINE(fl, b - 1)->h - FLOW_LINE(fl, a)->top;
}

/* The end of the run of lines from A that fits in AVAIL. */
static size_t
catalog_flow_fit(const struct catalog_flow *fl, size_t a, double avail)
{
	size_t b = a;

	while (b < fl->lines->len && catalog_flow_span(fl, a, b + 1) <= avail)
		b++;
	return b;
}

static void
catalog_flow_draw(struct catalog_doc *d, const struct catalog_flow *fl, size_t a,
    size_t b, double x, double y, const struct catalog_rgb *c)
{
	const struct catalog_line *ln;
	size_t i;

	catalog_rgb(d->cr, c);
	for (i = a; i < b; i++) {
		ln = FLOW_LINE(fl, i);
		/* a paragraph is one P; carried over to a column or page, a P there too */
		if (i == a || ln->para != FLOW_LINE(fl, i - 1)->para) {
			if (i > a)
				catalog_tag_end(d, "P");
			catalog_tag_begin(d, "P");
		}
		cairo_move_to(d->cr, x + ln->x, y + ln->top - FLOW_LINE(fl, a)->top +
		    ln->base);
		pango_cairo_show_layout_line(d->cr, ln->line);
	}
	if (b > a)
		catalog_tag_end(d, "P");
}

/* Where to split lines A..N-1 between two columns so that they end level. */
static size_t
catalog_flow_balance(const struct catalog_flow *fl, size_t a, double avail)
{
	size_t n = fl->lines->len, s, best = n;
	double h, l, r, besth = 0;

	for (s = a + 1; s <= n; s++) {
		l = catalog_flow_span(fl, a, s);
		r = catalog_flow_span(fl, s, n);
		if (l > avail || r > avail)
			continue;
		h = l > r ? l : r;
		if (best == n || h < besth) {
			best = s;
			besth = h;
		}
	}
	return best;
}

/* Deals the lines into two columns, page after page; the last page's columns are
 * balanced. BOTTOM limits the first page, which has the key figures beneath. */
void
catalog_flow_columns(struct catalog_doc *d, const struct catalog_flow *fl,
    double bottom, const struct catalog_rgb *c)
{
	const double w = (TEXT_W - COL_GAP) / 2;
	size_t a = 0, b, e, n = fl->lines->len;
	double avail, l, r;

	while (a < n) {
		avail = bottom - d->y;
		b = catalog_flow_fit(fl, a, avail);
		if (b == a && d->y > d->top) {
			catalog_page_close(d);
			catalog_inner_page(d, 1);
			bottom = BODY_BOTTOM;
			continue;
		}
		if (b == a)
			b = a + 1;	/* taller than a page: set it anyway */
		e = catalog_flow_fit(fl, b, avail);
		if (e == n)
			b = catalog_flow_balance(fl, a, avail);
		catalog_flow_draw(d, fl, a, b, MARGIN, d->y, c);
		catalog_flow_draw(d, fl, b, e, MARGIN + w + COL_GAP, d->y, c);
		if (e == n) {
			l = catalog_flow_span(fl, a, b);
			r = catalog_flow_span(fl, b, e);
			d->y += l > r ? l : r;
			return;
		}
		a = e;
		catalog_page_close(d);
		catalog_inner_page(d, 1);
		bottom = BODY_BOTTOM;
	}
}
