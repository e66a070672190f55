/*
 * Generated PDF catalogs: one A4 portrait PDF per model and language with a cover, the
 * description, the spec table and the dealers, and a footer on every page.
 *
 * The document is laid out twice by the same code: first onto a cairo recording
 * surface, only to count pages so that every footer can say "n / N", then onto the PDF
 * surface. Layout is deterministic, so both passes break pages at the same places.
 *
 * Units are PostScript points throughout: the pango context runs at 72 dpi with hinting
 * off, so a 10 pt font is 10 user units and text measures the same on every surface.
 *
 * What the catalog says about a model (spec rows, prices, body and powertrain names,
 * weekdays, times) comes from specfmt and content, the code the web pages use, so the
 * two never word a fact differently; only layout and the catalog's own phrases are here.
 */
#include "showroom/site/catalog_pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include "lib/prefecture.h"
#include "lib/text.h"
#include "showroom/pdf_text.h"
#include "showroom/site/specfmt.h"

#define PAGE_W		595.28		/* A4 */
#define PAGE_H		841.89
#define MARGIN		48.0
#define TEXT_W		(PAGE_W - 2 * MARGIN)
#define BODY_TOP	132.0		/* below the running header and section title */
#define BODY_BOTTOM	(PAGE_H - 78.0)	/* above the footer */
#define FOOTER_Y	(PAGE_H - 62.0)
#define CARD_GAP	12.0
/* Beyond this many other dealers, a catalog points to the website instead of growing
 * by pages of addresses that most readers do not need. */
#define OTHER_DEALERS_MAX	60

struct catalog_rgb {
	double	r, g, b;
};

struct catalog_palette {
	struct catalog_rgb	primary;
	struct catalog_rgb	accent;
	struct catalog_rgb	text;
	struct catalog_rgb	bg;
	struct catalog_rgb	muted;	/* secondary text */
	struct catalog_rgb	label;	/* table labels: quieter than text, not faint */
	struct catalog_rgb	rule;	/* hairlines */
	struct catalog_rgb	tint;	/* panels and cards */
	struct catalog_rgb	shade;	/* alternate table rows */
	struct catalog_rgb	white;
};

/* A text style: size in points, weight, line-spacing factor and letter spacing in
 * points. The factor scales the font's own line height, which for Noto CJK is 1.5 em:
 * 0 keeps it, 1.2 makes 1.8 em. */
struct catalog_font {
	double	size;
	int	bold;
	double	line;
	double	track;
};

static const struct catalog_font F_SMALL = { 6.5, 0, 0, 0 };
static const struct catalog_font F_FOOT = { 8, 1, 0, 0.3 };
static const struct catalog_font F_TAXNOTE = { 7, 0, 0, 0 };
static const struct catalog_font F_PAGENO = { 9, 1, 0, 0.5 };
static const struct catalog_font F_RUNHEAD = { 8, 1, 0, 1.2 };
static const struct catalog_font F_LABEL = { 7.5, 1, 0, 0.8 };
static const struct catalog_font F_TITLE = { 22, 1, 0, 0 };
static const struct catalog_font F_SUBHEAD = { 12.5, 1, 0, 0.2 };
static const struct catalog_font F_BODY_JA = { 9.8, 0, 1.2, 0 };
static const struct catalog_font F_BODY_EN = { 10, 0, 1.07, 0 };
static const struct catalog_font F_LEAD = { 17, 1, 0.93, 0 };
static const struct catalog_font F_CELL = { 9.5, 0, 0, 0 };
static const struct catalog_font F_CELL_B = { 9.5, 1, 0, 0 };
static const struct catalog_font F_GROUP = { 10, 1, 0, 0.6 };
static const struct catalog_font F_FIGURE = { 18, 1, 0, 0 };
static const struct catalog_font F_NAME = { 11.5, 1, 0, 0 };
static const struct catalog_font F_ADDR = { 8.8, 0, 0, 0 };
static const struct catalog_font F_NOTE = { 7.5, 0, 0, 0 };

enum catalog_sect {
	SECT_OVERVIEW,
	SECT_SPECS,
	SECT_DEALERS,
	SECT_COUNT
};

struct catalog_image {
	RsvgHandle	*svg;
	cairo_surface_t	*png;
};

struct catalog_doc {
	const struct content	*c;
	const struct model	*m;
	enum lang		 l;
	cairo_t			*cr;
	int			 final;		/* the PDF pass, not the page count */
	PangoContext		*pc;
	PangoFontDescription	*font;
	struct catalog_palette	 pal;
	struct catalog_image	 img;
	int			 page;		/* current page, from 1 */
	int			 npages;	/* known in the final pass */
	int			 sect[SECT_COUNT];	/* first page of each section */
	const char		*title;		/* running section, repeated after breaks */
	double			 y;		/* next free position on the page */
	double			 top;		/* where the body of this page starts */
};

/* Every fixed phrase in both languages, indexed by enum catalog_msg. */
enum catalog_msg {
	M_CATALOG, M_PRICE, M_INCL_TAX, M_FROM, M_OVERVIEW, M_SPECS, M_CONTINUED,
	M_SPEC_NOTE,
	M_DEALERS, M_TEST_DRIVES, M_NO_TEST_DRIVES, M_OTHER_DEALERS, M_CLOSED,
	M_CONTACT, M_TAX, M_GENERATED,
	M_COUNT
};

static const char *const catalog_msgs[M_COUNT][LANG_COUNT] = {
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

static const char *
catalog_msg(const struct catalog_doc *d, enum catalog_msg id)
{
	return catalog_msgs[id][d->l];
}

/* A content text in the catalog's language; the other language rather than a hole. */
static const char *
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
static void
catalog_cat(char *dst, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
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
static struct catalog_rgb
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
static struct catalog_rgb
catalog_mix(struct catalog_rgb a, struct catalog_rgb b, double t)
{
	struct catalog_rgb c;

	c.r = a.r + (b.r - a.r) * t;
	c.g = a.g + (b.g - a.g) * t;
	c.b = a.b + (b.b - a.b) * t;
	return c;
}

static void
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

static void
catalog_rgb(cairo_t *cr, const struct catalog_rgb *c)
{
	cairo_set_source_rgb(cr, c->r, c->g, c->b);
}

static void
catalog_fill(cairo_t *cr, const struct catalog_rgb *c, double x, double y, double w,
    double h)
{
	catalog_rgb(cr, c);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

static void
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
static double
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

static double
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

static double
catalog_text_width(struct catalog_doc *d, const char *text, const struct catalog_font *f)
{
	PangoLayout *lo;
	double w;

	lo = catalog_layout(d, text, f, 0, PANGO_ALIGN_LEFT);
	w = catalog_layout_width(lo);
	g_object_unref(lo);
	return w;
}

/* A clickable URI over the next drawing; only in the PDF, where links mean something. */
static void
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

static void
catalog_link_end(struct catalog_doc *d, const char *uri)
{
	if (d->final && uri != NULL)
		cairo_tag_end(d->cr, CAIRO_TAG_LINK);
}

/* ---- pages ---- */

static void
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

static void
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
	h = catalog_show(d, title, &F_TITLE, &d->pal.text, MARGIN, 68, TEXT_W,
	    PANGO_ALIGN_LEFT);
	catalog_fill(d->cr, &d->pal.accent, MARGIN, 68 + h + 8, 32, 3);
	d->y = 68 + h + 8 + 3 + 22;
	if (d->y < BODY_TOP)
		d->y = BODY_TOP;
	d->top = d->y;
}

static void
catalog_section_begin(struct catalog_doc *d, enum catalog_sect s, enum catalog_msg title)
{
	d->title = catalog_msg(d, title);
	d->sect[s] = d->page + 1;
	catalog_inner_page(d, 0);
}

/* Makes room for H points, breaking the page when they do not fit. A block taller than
 * a whole page is placed on a fresh page anyway rather than looping. Returns 1 when it
 * broke the page. */
static int
catalog_need(struct catalog_doc *d, double h)
{
	if (d->y + h <= BODY_BOTTOM || d->y <= d->top)
		return 0;
	catalog_page_close(d);
	catalog_inner_page(d, 1);
	return 1;
}

/* ---- cover ---- */

static char *
catalog_image_path(const struct catalog_doc *d)
{
	if (d->m->image == NULL || d->m->image[0] == '\0')
		return NULL;
	/* Always under the content directory, as the content rules require. */
	return g_build_filename(d->c->dir != NULL ? d->c->dir : ".", d->m->image, NULL);
}

static int
catalog_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

/* Loads the model's illustration. Failure is not an error: the cover then shows a band
 * in the brand's colours, because a missing picture must not cost the whole catalog. */
static void
catalog_image_load(struct catalog_doc *d)
{
	GFile *f;
	GError *ge = NULL;
	char *path;

	if ((path = catalog_image_path(d)) == NULL)
		return;
	if (catalog_has_suffix(path, ".svg")) {
		/* From a GFile, so that a path is never taken for a URI. */
		f = g_file_new_for_path(path);
		d->img.svg = rsvg_handle_new_from_gfile_sync(f, RSVG_HANDLE_FLAGS_NONE,
		    NULL, &ge);
		g_object_unref(f);
		if (ge != NULL)
			g_error_free(ge);
	} else if (catalog_has_suffix(path, ".png")) {
		d->img.png = cairo_image_surface_create_from_png(path);
		if (cairo_surface_status(d->img.png) != CAIRO_STATUS_SUCCESS ||
		    cairo_image_surface_get_width(d->img.png) <= 0 ||
		    cairo_image_surface_get_height(d->img.png) <= 0) {
			cairo_surface_destroy(d->img.png);
			d->img.png = NULL;
		}
	}
	g_free(path);
}

static void
catalog_image_free(struct catalog_image *img)
{
	if (img->svg != NULL)
		g_object_unref(img->svg);
	if (img->png != NULL)
		cairo_surface_destroy(img->png);
	img->svg = NULL;
	img->png = NULL;
}

/* Draws the illustration fitted into the box; 0 when there is none or it fails. */
static int
catalog_image_draw(struct catalog_doc *d, double x, double y, double w, double h)
{
	RsvgRectangle vp = { x, y, w, h };
	GError *ge = NULL;
	double iw, ih, s;
	int ok = 0;

	if (d->img.svg != NULL) {
		cairo_save(d->cr);
		ok = rsvg_handle_render_document(d->img.svg, d->cr, &vp, &ge);
		cairo_restore(d->cr);
		if (ge != NULL)
			g_error_free(ge);
		if (!ok) {
			/* Drop it in the counting pass so that both passes agree. */
			g_object_unref(d->img.svg);
			d->img.svg = NULL;
		}
	} else if (d->img.png != NULL) {
		iw = cairo_image_surface_get_width(d->img.png);
		ih = cairo_image_surface_get_height(d->img.png);
		s = w / iw < h / ih ? w / iw : h / ih;
		cairo_save(d->cr);
		cairo_translate(d->cr, x + (w - iw * s) / 2, y + (h - ih * s) / 2);
		cairo_scale(d->cr, s, s);
		cairo_set_source_surface(d->cr, d->img.png, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(d->cr), CAIRO_FILTER_GOOD);
		cairo_paint(d->cr);
		cairo_restore(d->cr);
		ok = 1;
	}
	return ok;
}

/* The panel behind the illustration: a soft vertical wash of the brand's primary. */
static void
catalog_cover_panel(struct catalog_doc *d, double h)
{
	struct catalog_rgb top = catalog_mix(d->pal.primary, d->pal.bg, 0.88);
	struct catalog_rgb bottom = catalog_mix(d->pal.primary, d->pal.bg, 0.97);
	cairo_pattern_t *g;

	g = cairo_pattern_create_linear(0, 0, 0, h);
	cairo_pattern_add_color_stop_rgb(g, 0, top.r, top.g, top.b);
	cairo_pattern_add_color_stop_rgb(g, 1, bottom.r, bottom.g, bottom.b);
	cairo_set_source(d->cr, g);
	cairo_rectangle(d->cr, 0, 0, PAGE_W, h);
	cairo_fill(d->cr);
	cairo_pattern_destroy(g);
}

/* Without an illustration: a deep diagonal wash of the primary colour with a few quiet
 * stripes and an accent edge, so that it reads as design, not as a missing picture. */
static void
catalog_cover_band(struct catalog_doc *d, double h)
{
	struct catalog_rgb a = catalog_mix(d->pal.primary, d->pal.white, 0.12);
	struct catalog_rgb b = catalog_mix(d->pal.primary, catalog_colour(NULL, 0), 0.35);
	cairo_pattern_t *g;
	int i;

	g = cairo_pattern_create_linear(0, 0, PAGE_W, h);
	cairo_pattern_add_color_stop_rgb(g, 0, a.r, a.g, a.b);
	cairo_pattern_add_color_stop_rgb(g, 1, b.r, b.g, b.b);
	cairo_set_source(d->cr, g);
	cairo_rectangle(d->cr, 0, 0, PAGE_W, h);
	cairo_fill(d->cr);
	cairo_pattern_destroy(g);

	cairo_save(d->cr);
	cairo_rectangle(d->cr, 0, 0, PAGE_W, h);
	cairo_clip(d->cr);
	cairo_set_source_rgba(d->cr, 1, 1, 1, 0.07);
	for (i = 0; i < 4; i++) {
		cairo_move_to(d->cr, PAGE_W * 0.42 + i * 70, h);
		cairo_line_to(d->cr, PAGE_W * 0.42 + i * 70 + 260, 0);
		cairo_line_to(d->cr, PAGE_W * 0.42 + i * 70 + 300, 0);
		cairo_line_to(d->cr, PAGE_W * 0.42 + i * 70 + 40, h);
		cairo_close_path(d->cr);
	}
	cairo_fill(d->cr);
	cairo_restore(d->cr);
	catalog_fill(d->cr, &d->pal.accent, 0, h - 5, PAGE_W, 5);
}

/* Small outlined labels ("SUV", "Hybrid"); returns the x after the last. */
static double
catalog_chip(struct catalog_doc *d, const char *text, double x, double y)
{
	double w = catalog_text_width(d, text, &F_LABEL);

	catalog_rgb(d->cr, &d->pal.primary);
	cairo_set_line_width(d->cr, 0.8);
	cairo_rectangle(d->cr, x, y, w + 16, 18);
	cairo_stroke(d->cr);
	catalog_show(d, text, &F_LABEL, &d->pal.primary, x + 8, y + 4, 0,
	    PANGO_ALIGN_LEFT);
	return x + w + 16 + 8;
}

/*
 * The cover is laid out from the bottom up: the price on the lower edge, where a
 * reader's eye ends, then the chips, tagline and model name above it; the picture
 * takes what is left, so a long name or tagline shrinks the picture, never overlaps.
 */
static void
catalog_cover(struct catalog_doc *d)
{
	struct catalog_font name = { 40, 1, 0.8, 0 };
	const struct catalog_font tag = { 14.5, 0, 0.95, 0 };
	const struct catalog_rgb *ink;
	char price[128];
	double y, x, w, hn, ht, chips, panel;
	int pictured;

	hn = catalog_measure(d, catalog_tx(d, &d->m->name), &name, TEXT_W);
	if (hn > 2 * name.size * 1.5) {
		name.size = 30;
		hn = catalog_measure(d, catalog_tx(d, &d->m->name), &name, TEXT_W);
	}
	ht = catalog_measure(d, catalog_tx(d, &d->m->tagline), &tag, TEXT_W * 0.85);
	chips = FOOTER_Y - 62 - 42 - 18;
	panel = chips - 18 - ht - 8 - hn - 16 - 3 - 34;
	if (panel < 260)
		panel = 260;

	catalog_page_open(d);
	catalog_cover_panel(d, panel);
	pictured = catalog_image_draw(d, MARGIN + 12, 92, PAGE_W - 2 * MARGIN - 24,
	    panel - 92 - 40);
	if (!pictured)
		catalog_cover_band(d, panel);
	ink = pictured ? &d->pal.primary : &d->pal.white;

	catalog_show(d, catalog_tx(d, &d->c->brand.name), &(struct catalog_font){ 13, 1,
	    0, 2.2 }, ink, MARGIN, 40, 0, PANGO_ALIGN_LEFT);
	w = catalog_text_width(d, catalog_msg(d, M_CATALOG), &F_LABEL);
	catalog_show(d, catalog_msg(d, M_CATALOG), &F_LABEL, ink, PAGE_W - MARGIN - w, 44,
	    0, PANGO_ALIGN_LEFT);

	y = panel + 34;
	catalog_fill(d->cr, &d->pal.accent, MARGIN, y, 36, 3);
	y += 3 + 16;
	y += catalog_show(d, catalog_tx(d, &d->m->name), &name, &d->pal.text, MARGIN, y,
	    TEXT_W, PANGO_ALIGN_LEFT);
	y += 8;
	y += catalog_show(d, catalog_tx(d, &d->m->tagline), &tag, &d->pal.primary, MARGIN,
	    y, TEXT_W * 0.85, PANGO_ALIGN_LEFT);
	y += 18;

	x = MARGIN;
	if (d->m->body != NULL)
		x = catalog_chip(d, specfmt_body(d->m->body, d->l), x, y);
	catalog_chip(d, powertrain_name(d->m->powertrain, d->l), x, y);

	y = FOOTER_Y - 62;
	specfmt_price(d->m, d->l, price, sizeof(price));
	catalog_cat(price, sizeof(price), "%s", catalog_msg(d, M_INCL_TAX));
	catalog_show(d, catalog_msg(d, M_PRICE), &F_LABEL, &d->pal.muted, MARGIN, y, 0,
	    PANGO_ALIGN_LEFT);
	catalog_show(d, price, &(struct catalog_font){ 17, 1, 0, 0 }, &d->pal.text,
	    MARGIN, y + 15, TEXT_W, PANGO_ALIGN_LEFT);
	catalog_page_close(d);
}

/* ---- description ---- */

#define BAND_H		84.0	/* key figures along the foot of the overview */
#define COL_GAP		24.0
#define FIGURES_MAX	5

/* The few numbers a buyer compares first, as the spec table words them. */
static size_t
catalog_figures(struct catalog_doc *d, struct specfmt_row *f)
{
	static const char *const keys[] = { "power", "fuel", "range", "seats" };
	struct specfmt_group g[SPECFMT_GROUPS];
	const struct specfmt_row *r;
	char yen[48];
	size_t i, k = 0;
	int n;

	n = specfmt_groups(d->m, d->l, g);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((r = specfmt_row(g, n, keys[i])) != NULL)
			f[k++] = *r;
	specfmt_yen(d->m->price_min, d->l, yen, sizeof(yen));
	f[k].key = "price";
	f[k].label = catalog_msg(d, M_FROM);
	snprintf(f[k++].value, sizeof(f[0].value), d->l == LANG_JA ? "%s〜" : "%s", yen);
	return k;
}

/* A band in the brand's primary colour with the key figures side by side. */
static void
catalog_figures_band(struct catalog_doc *d, double y)
{
	struct specfmt_row f[FIGURES_MAX];
	struct catalog_rgb label = catalog_mix(d->pal.white, d->pal.primary, 0.3);
	struct catalog_font big = F_FIGURE;
	double cw, x, w;
	size_t n, i;

	n = catalog_figures(d, f);
	cw = TEXT_W / (double)n;
	catalog_fill(d->cr, &d->pal.primary, MARGIN, y, TEXT_W, BAND_H);
	catalog_fill(d->cr, &d->pal.accent, MARGIN, y, 4, BAND_H);
	for (i = 0; i < n; i++) {
		x = MARGIN + cw * (double)i;
		if (i > 0) {
			cairo_set_source_rgba(d->cr, 1, 1, 1, 0.22);
			cairo_rectangle(d->cr, x, y + 16, 0.6, BAND_H - 32);
			cairo_fill(d->cr);
		}
		catalog_show(d, f[i].label, &F_LABEL, &label, x + 14, y + 16, cw - 24,
		    PANGO_ALIGN_LEFT);
		/* Long prices shrink to their cell rather than wrap. */
		big.size = F_FIGURE.size;
		if ((w = catalog_text_width(d, f[i].value, &big)) > cw - 24)
			big.size *= (cw - 24) / w;
		catalog_show(d, f[i].value, &big, &d->pal.white, x + 14,
		    y + BAND_H - 18 - big.size * 1.45, 0, PANGO_ALIGN_LEFT);
	}
}

/* Paragraphs laid out as one column of lines, to be dealt into page columns. */
struct catalog_line {
	PangoLayoutLine	*line;	/* owned by one of the flow's layouts */
	double		 x;
	double		 top;	/* in the single column */
	double		 h;
	double		 base;	/* baseline below top */
};

struct catalog_flow {
	GPtrArray	*layouts;
	GArray		*lines;
	double		 next;	/* top of the next paragraph */
};

static void
catalog_flow_init(struct catalog_flow *fl)
{
	fl->layouts = g_ptr_array_new_with_free_func(g_object_unref);
	fl->lines = g_array_new(FALSE, FALSE, sizeof(struct catalog_line));
	fl->next = 0;
}

static void
catalog_flow_free(struct catalog_flow *fl)
{
	g_ptr_array_free(fl->layouts, TRUE);
	g_array_free(fl->lines, TRUE);
}

static void
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

#define FLOW_LINE(fl, i)	(&g_array_index((fl)->lines, struct catalog_line, (i)))

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
		cairo_move_to(d->cr, x + ln->x, y + ln->top - FLOW_LINE(fl, a)->top +
		    ln->base);
		pango_cairo_show_layout_line(d->cr, ln->line);
	}
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
static void
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

/*
 * Copies one paragraph from S (up to a blank line) into OUT and returns where the next
 * starts. A single line break inside a paragraph is only the editor's wrapping: it
 * becomes a space in English and nothing between Japanese characters, as in print.
 */
static const char *
catalog_paragraph(const char *s, GString *out)
{
	const char *nl, *q;

	g_string_truncate(out, 0);
	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	while (*s != '\0') {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			g_string_append(out, s);
			return s + strlen(s);
		}
		g_string_append_len(out, s, nl > s && nl[-1] == '\r' ? nl - s - 1 :
		    nl - s);
		for (q = nl + 1; *q == ' ' || *q == '\t' || *q == '\r'; q++)
			;
		if (*q == '\n' || *q == '\0')
			return q;
		/* Bytes >= 0x80 on both sides: two non-ASCII (here, CJK) characters. */
		if (!(out->len > 0 && (unsigned char)out->str[out->len - 1] >= 0x80 &&
		    (unsigned char)*q >= 0x80))
			g_string_append_c(out, ' ');
		s = q;
	}
	return s;
}

static void
catalog_overview(struct catalog_doc *d)
{
	const struct catalog_font *body = d->l == LANG_JA ? &F_BODY_JA : &F_BODY_EN;
	const double band = BODY_BOTTOM - BAND_H;
	struct catalog_flow fl;
	GString *para;
	const char *p;

	catalog_section_begin(d, SECT_OVERVIEW, M_OVERVIEW);
	catalog_figures_band(d, band);
	d->y += catalog_show(d, catalog_tx(d, &d->m->tagline), &F_LEAD, &d->pal.primary,
	    MARGIN, d->y, TEXT_W * 0.8, PANGO_ALIGN_LEFT);
	d->y += 20;

	catalog_flow_init(&fl);
	para = g_string_new(NULL);
	for (p = catalog_tx(d, &d->m->description); *p != '\0';) {
		p = catalog_paragraph(p, para);
		if (para->len > 0)
			catalog_flow_add(d, &fl, para->str, body,
			    (TEXT_W - COL_GAP) / 2, body->size * 0.8);
	}
	g_string_free(para, TRUE);
	catalog_flow_columns(d, &fl, band - 24, &d->pal.text);
	catalog_flow_free(&fl);
	catalog_page_close(d);
}

/* ---- specifications ---- */

#define COL_LABEL_W	190.0
#define CELL_PAD_X	12.0
#define CELL_PAD_Y	7.0
#define GROUP_H		26.0

static void
catalog_group_title(struct catalog_doc *d, const char *title, int continued)
{
	char t[256];

	snprintf(t, sizeof(t), "%s%s", title, continued ? catalog_msg(d, M_CONTINUED) :
	    "");
	catalog_fill(d->cr, &d->pal.primary, MARGIN, d->y, TEXT_W, GROUP_H);
	catalog_show(d, t, &F_GROUP, &d->pal.white, MARGIN + CELL_PAD_X, d->y + 6.5,
	    TEXT_W - 2 * CELL_PAD_X, PANGO_ALIGN_LEFT);
	d->y += GROUP_H;
}

static double
catalog_row_height(struct catalog_doc *d, const struct specfmt_row *r)
{
	double a, b;

	a = catalog_measure(d, r->label, &F_CELL, COL_LABEL_W - 2 * CELL_PAD_X);
	b = catalog_measure(d, r->value, &F_CELL_B, TEXT_W - COL_LABEL_W - 2 * CELL_PAD_X);
	return (a > b ? a : b) + 2 * CELL_PAD_Y;
}

/* A group keeps its title with at least its first row, and repeats the title when its
 * rows carry over to the next page. */
static void
catalog_spec_group(struct catalog_doc *d, const struct specfmt_group *g)
{
	double h;
	int i;

	if (g->nrows == 0)
		return;
	catalog_need(d, GROUP_H + catalog_row_height(d, &g->rows[0]));
	catalog_group_title(d, g->title, 0);
	for (i = 0; i < g->nrows; i++) {
		h = catalog_row_height(d, &g->rows[i]);
		if (catalog_need(d, h))
			catalog_group_title(d, g->title, 1);
		if (i % 2 == 1)
			catalog_fill(d->cr, &d->pal.shade, MARGIN, d->y, TEXT_W, h);
		catalog_show(d, g->rows[i].label, &F_CELL, &d->pal.label,
		    MARGIN + CELL_PAD_X, d->y + CELL_PAD_Y, COL_LABEL_W - 2 * CELL_PAD_X,
		    PANGO_ALIGN_LEFT);
		catalog_show(d, g->rows[i].value, &F_CELL_B, &d->pal.text,
		    MARGIN + COL_LABEL_W + CELL_PAD_X, d->y + CELL_PAD_Y,
		    TEXT_W - COL_LABEL_W - 2 * CELL_PAD_X, PANGO_ALIGN_LEFT);
		d->y += h;
		catalog_hline(d->cr, &d->pal.rule, MARGIN, PAGE_W - MARGIN, d->y, 0.5);
	}
	d->y += 20;
}

static void
catalog_specs(struct catalog_doc *d)
{
	struct specfmt_group g[SPECFMT_GROUPS];
	double h;
	int i, n;

	catalog_section_begin(d, SECT_SPECS, M_SPECS);
	n = specfmt_groups(d->m, d->l, g);
	for (i = 0; i < n; i++)
		catalog_spec_group(d, &g[i]);

	h = catalog_measure(d, catalog_msg(d, M_SPEC_NOTE), &F_NOTE, TEXT_W);
	catalog_need(d, h);
	catalog_show(d, catalog_msg(d, M_SPEC_NOTE), &F_NOTE, &d->pal.muted, MARGIN, d->y,
	    TEXT_W, PANGO_ALIGN_LEFT);
	d->y += h;
	catalog_page_close(d);
}

/* ---- dealers ---- */

static int
catalog_demo_cars(const struct dealer *dl, const char *model)
{
	size_t i;
	int n = 0;

	for (i = 0; i < dl->ncars; i++)
		if (dl->cars[i].model != NULL && strcmp(dl->cars[i].model, model) == 0 &&
		    dl->cars[i].count > 0)
			n += dl->cars[i].count;
	return n;
}

static int
catalog_day_open(const struct dealer *dl, int day)
{
	return dl->hours[day].open_min >= 0 && dl->hours[day].close_min > 0;
}

/* Days in MASK as runs: "Mon–Fri", "Sat, Sun"; ja "月〜金", "土・日". */
static void
catalog_days(unsigned int mask, enum lang l, char *out, size_t len)
{
	int i, j, first = 1;

	for (i = 0; i < WEEKDAYS; i = j) {
		if (!(mask & 1u << i)) {
			j = i + 1;
			continue;
		}
		for (j = i; j < WEEKDAYS && mask & 1u << j; j++)
			;
		if (!first)
			catalog_cat(out, len, "%s", l == LANG_JA ? "・" : ", ");
		first = 0;
		if (j - i >= 3)
			catalog_cat(out, len, "%s%s%s", weekday_name(i, l),
			    l == LANG_JA ? "〜" : "–", weekday_name(j - 1, l));
		else if (j - i == 2)
			catalog_cat(out, len, "%s%s%s", weekday_name(i, l),
			    l == LANG_JA ? "・" : ", ", weekday_name(i + 1, l));
		else
			catalog_cat(out, len, "%s", weekday_name(i, l));
	}
}

/* "Mon–Fri 10:00–19:00 · Sat, Sun 10:00–18:00 · Closed Wed": days sharing hours are
 * grouped even when they are not adjacent, as dealers print them. */
static void
catalog_hours(const struct dealer *dl, enum lang l, char *out, size_t len)
{
	const char *sep = l == LANG_JA ? "／" : " · ";
	char days[128], t0[16], t1[16];
	unsigned int done = 0, mask, closed = 0;
	int i, j;

	out[0] = '\0';
	for (i = 0; i < WEEKDAYS; i++) {
		if (!catalog_day_open(dl, i)) {
			closed |= 1u << i;
			continue;
		}
		if (done & 1u << i)
			continue;
		for (mask = 0, j = i; j < WEEKDAYS; j++)
			if (catalog_day_open(dl, j) &&
			    dl->hours[j].open_min == dl->hours[i].open_min &&
			    dl->hours[j].close_min == dl->hours[i].close_min)
				mask |= 1u << j;
		done |= mask;
		days[0] = '\0';
		catalog_days(mask, l, days, sizeof(days));
		specfmt_time(dl->hours[i].open_min, t0, sizeof(t0));
		specfmt_time(dl->hours[i].close_min, t1, sizeof(t1));
		/* No-break spaces keep "Sat, Sun 10:00" and "Closed Wed" on one line. */
		catalog_cat(out, len, "%s%s\u00a0%s%s%s", out[0] != '\0' ? sep : "", days,
		    t0, l == LANG_JA ? "〜" : "–", t1);
	}
	if (closed != 0) {
		days[0] = '\0';
		catalog_days(closed, l, days, sizeof(days));
		catalog_cat(out, len, "%s%s%s%s", out[0] != '\0' ? sep : "",
		    catalog_msgs[M_CLOSED][l], l == LANG_JA ? "：" : "\u00a0", days);
	}
}

#define CARD_PAD	11.0

struct catalog_part {
	const char			*text;
	const struct catalog_font	*font;
	const struct catalog_rgb	*colour;
	double				 after;	/* space below */
};

/* Lays out (and with DRAW, draws) one dealer card at X, Y; returns its height. */
static double
catalog_card(struct catalog_doc *d, const struct dealer *dl, double x, double y,
    double w, int demo, int draw)
{
	const char *pref = prefecture_name(dl->prefecture, d->l);
	struct catalog_part part[6];
	char hours[512], phone[64], cars[64];
	char *addr;
	double iw = w - 2 * CARD_PAD, y0 = y;
	size_t np = 0, i;
	int n;

	addr = g_strdup_printf("〒%s %s", dl->postal_code != NULL ? dl->postal_code : "",
	    catalog_tx(d, &dl->address));
	catalog_hours(dl, d->l, hours, sizeof(hours));
	snprintf(phone, sizeof(phone), "TEL %s", dl->phone != NULL ? dl->phone : "");
	part[np++] = (struct catalog_part){ pref != NULL ? pref : "", &F_LABEL,
	    &d->pal.accent, 3 };
	part[np++] = (struct catalog_part){ catalog_tx(d, &dl->name), &F_NAME,
	    &d->pal.text, 5 };
	part[np++] = (struct catalog_part){ addr, &F_ADDR, &d->pal.text, 2 };
	part[np++] = (struct catalog_part){ phone, &F_ADDR, &d->pal.text, 3 };
	part[np++] = (struct catalog_part){ hours, &F_NOTE, &d->pal.muted, 0 };
	if (demo && (n = catalog_demo_cars(dl, d->m->code)) > 0) {
		if (d->l == LANG_JA)
			snprintf(cars, sizeof(cars), "試乗車 %d台", n);
		else
			snprintf(cars, sizeof(cars), "%d demo car%s", n, n == 1 ? "" : "s");
		part[np - 1].after = 6;
		part[np++] = (struct catalog_part){ cars, &F_LABEL, &d->pal.primary, 0 };
	}

	y += CARD_PAD + 2;
	for (i = 0; i < np; i++) {
		if (draw)
			y += catalog_show(d, part[i].text, part[i].font, part[i].colour,
			    x + CARD_PAD, y, iw, PANGO_ALIGN_LEFT);
		else
			y += catalog_measure(d, part[i].text, part[i].font, iw);
		y += part[i].after;
	}
	g_free(addr);
	return y + CARD_PAD - y0;
}

/* The card's frame: a tinted panel under a short primary rule. */
static void
catalog_card_frame(struct catalog_doc *d, double x, double y, double w, double h)
{
	catalog_fill(d->cr, &d->pal.tint, x, y, w, h);
	catalog_fill(d->cr, &d->pal.primary, x, y, w, 2);
}

/* Dealers two to a row; a row never splits across pages. */
static void
catalog_card_row(struct catalog_doc *d, const struct dealer *a, const struct dealer *b,
    int demo)
{
	const double w = (TEXT_W - CARD_GAP) / 2, x1 = MARGIN + w + CARD_GAP;
	double h, hb;

	h = catalog_card(d, a, MARGIN, 0, w, demo, 0);
	if (b != NULL && (hb = catalog_card(d, b, x1, 0, w, demo, 0)) > h)
		h = hb;
	catalog_need(d, h);
	catalog_card_frame(d, MARGIN, d->y, w, h);
	catalog_card(d, a, MARGIN, d->y, w, demo, 1);
	if (b != NULL) {
		catalog_card_frame(d, x1, d->y, w, h);
		catalog_card(d, b, x1, d->y, w, demo, 1);
	}
	d->y += h + CARD_GAP;
}

/* The dealers that do (DEMO) or do not hold the model as a demo car; returns how many. */
static size_t
catalog_card_list(struct catalog_doc *d, int demo)
{
	const struct dealer *pend = NULL, *dl;
	size_t i, n = 0;

	for (i = 0; i < d->c->ndealers; i++) {
		dl = &d->c->dealers[i];
		if ((catalog_demo_cars(dl, d->m->code) > 0) != demo)
			continue;
		n++;
		if (pend == NULL) {
			pend = dl;
			continue;
		}
		catalog_card_row(d, pend, dl, demo);
		pend = NULL;
	}
	if (pend != NULL)
		catalog_card_row(d, pend, NULL, demo);
	return n;
}

static void
catalog_subhead(struct catalog_doc *d, const char *text)
{
	double h = catalog_measure(d, text, &F_SUBHEAD, TEXT_W);

	/* Keep the heading with at least a card's worth of space below it. */
	catalog_need(d, h + 10 + 110);
	catalog_show(d, text, &F_SUBHEAD, &d->pal.primary, MARGIN, d->y, TEXT_W,
	    PANGO_ALIGN_LEFT);
	d->y += h + 10;
}

static void
catalog_note(struct catalog_doc *d, const char *text)
{
	double h = catalog_measure(d, text, &F_ADDR, TEXT_W);

	catalog_need(d, h);
	catalog_show(d, text, &F_ADDR, &d->pal.muted, MARGIN, d->y, TEXT_W,
	    PANGO_ALIGN_LEFT);
	d->y += h + 14;
}

/* The brand's own customer centre closes the catalog: where to ask anything else. */
static void
catalog_contact(struct catalog_doc *d)
{
	const struct brand *b = &d->c->brand;
	GString *s = g_string_new(NULL);
	double h, th;

	if (catalog_tx(d, &b->address)[0] != '\0')
		g_string_append_printf(s, "%s\n", catalog_tx(d, &b->address));
	if (b->phone != NULL)
		g_string_append_printf(s, "TEL %s", b->phone);
	if (b->email != NULL)
		g_string_append_printf(s, "%s%s", b->phone != NULL ? "  ·  " : "", b->email);
	th = catalog_measure(d, s->str, &F_ADDR, TEXT_W - 2 * CARD_PAD);
	h = CARD_PAD + 16 + th + (b->url != NULL ? 16 : 0) + CARD_PAD;
	d->y += 6;
	catalog_need(d, h);
	catalog_rgb(d->cr, &d->pal.primary);
	cairo_set_line_width(d->cr, 0.8);
	cairo_rectangle(d->cr, MARGIN, d->y, TEXT_W, h);
	cairo_stroke(d->cr);
	catalog_show(d, catalog_msg(d, M_CONTACT), &F_LABEL, &d->pal.accent,
	    MARGIN + CARD_PAD, d->y + CARD_PAD, 0, PANGO_ALIGN_LEFT);
	catalog_show(d, s->str, &F_ADDR, &d->pal.text, MARGIN + CARD_PAD,
	    d->y + CARD_PAD + 16, TEXT_W - 2 * CARD_PAD, PANGO_ALIGN_LEFT);
	if (b->url != NULL) {
		catalog_link_begin(d, b->url);
		catalog_show(d, b->url, &F_CELL_B, &d->pal.primary, MARGIN + CARD_PAD,
		    d->y + CARD_PAD + 16 + th + 3, TEXT_W - 2 * CARD_PAD, PANGO_ALIGN_LEFT);
		catalog_link_end(d, b->url);
	}
	d->y += h;
	g_string_free(s, TRUE);
}

static void
catalog_dealers(struct catalog_doc *d)
{
	const struct brand *b = &d->c->brand;
	size_t others, i;
	char *msg;

	catalog_section_begin(d, SECT_DEALERS, M_DEALERS);
	catalog_subhead(d, catalog_msg(d, M_TEST_DRIVES));
	if (catalog_card_list(d, 1) == 0)
		catalog_note(d, catalog_msg(d, M_NO_TEST_DRIVES));

	for (others = 0, i = 0; i < d->c->ndealers; i++)
		others += catalog_demo_cars(&d->c->dealers[i], d->m->code) == 0;
	if (others > 0 && others <= OTHER_DEALERS_MAX) {
		d->y += 8;
		catalog_subhead(d, catalog_msg(d, M_OTHER_DEALERS));
		catalog_card_list(d, 0);
	} else if (others > 0 && b->url != NULL) {
		if (d->l == LANG_JA)
			msg = g_strdup_printf("その他の販売店%zu店は %s でご覧いただけます。",
			    others, b->url);
		else
			msg = g_strdup_printf("%zu more dealers are listed at %s.", others,
			    b->url);
		catalog_note(d, msg);
		g_free(msg);
	}
	catalog_contact(d);
	catalog_page_close(d);
}

/* ---- document ---- */

static void
catalog_render(struct catalog_doc *d)
{
	d->page = 0;
	catalog_cover(d);
	catalog_overview(d);
	catalog_specs(d);
	catalog_dealers(d);
}

/* The first pass: the same drawing onto a recording surface, to count pages. */
static int
catalog_count_pages(struct catalog_doc *d, char *err, size_t errlen)
{
	cairo_rectangle_t ext = { 0, 0, PAGE_W, PAGE_H };
	cairo_surface_t *rec;
	cairo_status_t st;

	rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, &ext);
	d->cr = cairo_create(rec);
	d->final = 0;
	d->npages = 0;
	catalog_render(d);
	st = cairo_status(d->cr);
	cairo_destroy(d->cr);
	d->cr = NULL;
	cairo_surface_destroy(rec);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "catalog layout: %s", cairo_status_to_string(st));
		return -1;
	}
	d->npages = d->page;
	return 0;
}

struct catalog_out {
	int	fd;
	int	err;	/* errno of the first failed write */
};

static cairo_status_t
catalog_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct catalog_out *o = closure;
	ssize_t n;

	while (len > 0) {
		n = write(o->fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (o->err == 0)
				o->err = n == 0 ? EIO : errno;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		data += n;
		len -= (unsigned int)n;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* Title, author, creator; a reproducible build's SOURCE_DATE_EPOCH as the date. */
static void
catalog_metadata(struct catalog_doc *d, cairo_surface_t *pdf)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *title, date[32];
	struct tm tm;
	time_t t;

	if (d->l == LANG_JA)
		title = g_strdup_printf("%s カタログ", catalog_tx(d, &d->m->name));
	else
		title = g_strdup_printf("%s Catalog", catalog_tx(d, &d->m->name));
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR,
	    catalog_tx(d, &d->c->brand.name));
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT,
	    catalog_tx(d, &d->m->tagline));
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "showroom");
	g_free(title);
	if (epoch != NULL && *epoch != '\0') {
		t = (time_t)strtoll(epoch, NULL, 10);
		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) {
			cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE,
			    date);
			cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE,
			    date);
		}
	}
}

static void
catalog_outline(struct catalog_doc *d, cairo_surface_t *pdf)
{
	static const enum catalog_msg names[SECT_COUNT] = {
		M_OVERVIEW, M_SPECS, M_DEALERS
	};
	char dest[32];
	int s;

	for (s = 0; s < SECT_COUNT; s++) {
		snprintf(dest, sizeof(dest), "page=%d", d->sect[s]);
		cairo_pdf_surface_add_outline(pdf, CAIRO_PDF_OUTLINE_ROOT,
		    catalog_msg(d, names[s]), dest, 0);
	}
}

/* The second pass, into the open temporary file. */
static int
catalog_emit(struct catalog_doc *d, struct catalog_out *out, const char *path,
    char *err, size_t errlen)
{
	cairo_surface_t *pdf;
	cairo_status_t st;
	int pages;

	pdf = cairo_pdf_surface_create_for_stream(catalog_write, out, PAGE_W, PAGE_H);
	catalog_metadata(d, pdf);
	d->cr = cairo_create(pdf);
	d->final = 1;
	catalog_render(d);
	catalog_outline(d, pdf);
	pages = d->page;
	st = cairo_status(d->cr);
	cairo_destroy(d->cr);
	d->cr = NULL;
	cairo_surface_finish(pdf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	if (out->err != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(out->err));
		return -1;
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cannot render %s: cairo: %s", path,
		    cairo_status_to_string(st));
		return -1;
	}
	/* Both passes run the same layout; a difference is a bug that would print
	 * wrong page numbers, so it fails rather than ships. */
	if (pages != d->npages) {
		snprintf(err, errlen, "cannot render %s: %d pages, counted %d", path,
		    pages, d->npages);
		return -1;
	}
	return 0;
}

int
catalog_pdf_write(const struct content *c, const struct model *m, enum lang l,
    const char *path, char *err, size_t errlen)
{
	struct catalog_doc d;
	struct catalog_out out = { -1, 0 };
	char tmp[PATH_MAX];
	int rc = -1, created = 0;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.m = m;
	d.l = l == LANG_EN ? LANG_EN : LANG_JA;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	catalog_palette_init(&d.pal, &c->brand);
	if (pdf_text_context(lang_code(d.l), &d.pc, &d.font) == -1) {
		snprintf(err, errlen, "cannot render %s: font \"%s\" not found "
		    "(package fonts-noto-cjk)", path, PDF_TEXT_FONT);
		goto out;
	}
	catalog_image_load(&d);
	if (catalog_count_pages(&d, err, errlen) == -1)
		goto out;

	/* A temporary file in the same directory, renamed over PATH once complete, so a
	 * failed run never leaves half a PDF where the site expects one. */
	if ((out.fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	created = 1;
	if (fchmod(out.fd, 0644) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (catalog_emit(&d, &out, path, err, errlen) == -1)
		goto out;
	if (fsync(out.fd) == -1) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	rc = close(out.fd);
	out.fd = -1;
	if (rc == -1) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	rc = -1;
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (out.fd != -1)
		close(out.fd);
	if (rc == -1 && created)
		unlink(tmp);
	catalog_image_free(&d.img);
	if (d.font != NULL)
		pango_font_description_free(d.font);
	if (d.pc != NULL)
		g_object_unref(d.pc);
	return rc;
}
