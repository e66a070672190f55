/*
 * Address labels on A4 sheets of 12 (2 columns x 6 rows of 86.4 x 42.3 mm, no gaps:
 * A-ONE 72212 and the sheets compatible with it). The margins follow from the sheet:
 * (210 - 2 x 86.4) / 2 = 18.6 mm left and right, (297 - 6 x 42.3) / 2 = 21.6 mm top
 * and bottom.
 *
 * Each label, inside a 5 x 4 mm padding: 〒NNN-NNNN; the address (prefecture, address1,
 * and address2 on a new line) in up to three lines, a step smaller when it needs more;
 * then the name and 様 in a larger size. What does not fit even then is a problem for
 * that record, as is a character no installed font can draw: never clipped, never a box.
 *
 * Speed matters (100,000 labels are 8,334 pages): one pango context and one layout per
 * text style serve every label, and only the text changes between labels.
 *
 * Units are PostScript points; the pango context runs at 72 dpi without hinting, as in
 * catalog_pdf.c. Text given to pango and cairo lives in their allocations, which cannot
 * be wiped; our own copies are.
 */
#include "showroom/office/export_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "lib/prefecture.h"
#include "seal/record.h"
#include "showroom/office/export.h"
#include "showroom/pdf_text.h"

#define MM		(72.0 / 25.4)
#define SHEET_W		595.28		/* A4, as cairo and pdfinfo name it */
#define SHEET_H		841.89
#define LABEL_W		(86.4 * MM)
#define LABEL_H		(42.3 * MM)
#define LABEL_COLS	2
#define LABEL_ROWS	6
#define LABELS_PAGE	(LABEL_COLS * LABEL_ROWS)
#define MARGIN_X	((210.0 - LABEL_COLS * 86.4) / 2 * MM)
#define MARGIN_Y	((297.0 - LABEL_ROWS * 42.3) / 2 * MM)
#define PAD_X		(5.0 * MM)
#define PAD_Y		(4.0 * MM)
#define TEXT_W		(LABEL_W - 2 * PAD_X)
#define ADDR_LINES	3
/* Tops of the three blocks, from the padded top of a label (34.3 mm = 97 pt tall). */
#define POSTAL_Y	0.0
#define ADDR_Y		18.0
#define NAME_Y		66.0
#define HONORIFIC	"\xe3\x80\x80様"	/* an ideographic space, then 様 */

enum labels_style {
	L_POSTAL,
	L_ADDR,
	L_ADDR_SMALL,
	L_NAME,
	L_NAME_SMALL,
	L_COUNT
};

static const double labels_size[L_COUNT] = { 10.5, 10.0, 8.5, 14.0, 11.0 };

struct labels {
	struct export_ctx	 x;
	PangoContext		*pc;
	PangoFontDescription	*font;
	PangoLayout		*lo[L_COUNT];
	cairo_t			*cr;
	struct export_file	 f;
	int			 werr;		/* errno of the first failed write */
	struct buf		 text;		/* one label's text, composed */
	size_t			 a1;		/* where address1 starts in text */
	size_t			 a2;		/* where address2 starts, or text.len */
};

static int
labels_context(struct labels *l)
{
	int i;

	if (pdf_text_context("ja", &l->pc, &l->font) == -1)
		return -1;
	for (i = 0; i < L_COUNT; i++) {
		l->lo[i] = pango_layout_new(l->pc);
		pango_font_description_set_size(l->font,
		    (gint)(labels_size[i] * PANGO_SCALE + 0.5));
		pango_layout_set_font_description(l->lo[i], l->font);
		if (i == L_ADDR || i == L_ADDR_SMALL) {
			pango_layout_set_width(l->lo[i], pango_units_from_double(TEXT_W));
			pango_layout_set_wrap(l->lo[i], PANGO_WRAP_WORD_CHAR);
		}
	}
	return 0;
}

/* The field a byte of the composed address text came from. */
static const char *
labels_field(const struct labels *l, int style, size_t at)
{
	if (style == L_NAME || style == L_NAME_SMALL)
		return RECORD_F_NAME;
	if (style == L_POSTAL)
		return RECORD_F_POSTAL_CODE;
	if (at < l->a1)
		return RECORD_F_PREFECTURE;
	return at < l->a2 ? RECORD_F_ADDRESS1 : RECORD_F_ADDRESS2;
}

/* Characters that no font could draw: pango marks their glyphs with the code point. */
static int
labels_unknown(struct labels *l, int style)
{
	PangoLayout *lo = l->lo[style];
	PangoLayoutIter *it;
	PangoLayoutRun *run;
	PangoGlyphString *g;
	int i;

	if (pango_layout_get_unknown_glyphs_count(lo) == 0)
		return 0;
	it = pango_layout_get_iter(lo);
	do {
		if ((run = pango_layout_iter_get_run_readonly(it)) == NULL)
			continue;
		g = run->glyphs;
		for (i = 0; i < g->num_glyphs; i++) {
			if (!(g->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG))
				continue;
			export_problem(&l->x, labels_field(l, style,
			    (size_t)run->item->offset + (size_t)g->log_clusters[i]),
			    (long)(g->glyphs[i].glyph & ~PANGO_GLYPH_UNKNOWN_FLAG),
			    "has no glyph in the installed fonts");
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	return -1;
}

static int
labels_address_fits(struct labels *l, int style)
{
	pango_layout_set_text(l->lo[style], l->text.data, (int)l->text.len);
	return pango_layout_get_line_count(l->lo[style]) <= ADDR_LINES;
}

/* The address layout to draw, or -1: address2 on its own line where there is room,
 * else after a space, and the smaller size only when neither fits. */
static int
labels_address(struct labels *l, const struct export_addr *a)
{
	static const int styles[2] = { L_ADDR, L_ADDR_SMALL };
	const char *pref = prefecture_name(a->prefecture, LANG_JA);
	size_t i;

	buf_reset(&l->text);
	l->a1 = strlen(pref);
	if (export_put(&l->text, pref, l->a1) == -1 ||
	    export_put(&l->text, a->address1, strlen(a->address1)) == -1)
		goto nomem;
	l->a2 = l->text.len;
	if (a->address2[0] != '\0') {
		if (export_put(&l->text, "\n", 1) == -1 ||
		    export_put(&l->text, a->address2, strlen(a->address2)) == -1)
			goto nomem;
		l->a2++;
	}
	for (i = 0; i < 2; i++) {
		if (a->address2[0] != '\0') {
			l->text.data[l->a2 - 1] = '\n';
			if (labels_address_fits(l, styles[i]))
				return styles[i];
			l->text.data[l->a2 - 1] = ' ';
		}
		if (labels_address_fits(l, styles[i]))
			return styles[i];
	}
	export_problem(&l->x, "address", -1, "does not fit in 3 lines on a label, "
	    "even in the smaller size");
	return -1;
nomem:
	l->x.nomem = 1;
	return -1;
}

static int
labels_name(struct labels *l, const struct export_addr *a)
{
	static const int styles[2] = { L_NAME, L_NAME_SMALL };
	PangoRectangle r;
	size_t i;

	buf_reset(&l->text);
	if (export_put(&l->text, a->name, strlen(a->name)) == -1 ||
	    export_put(&l->text, HONORIFIC, strlen(HONORIFIC)) == -1) {
		l->x.nomem = 1;
		return -1;
	}
	for (i = 0; i < 2; i++) {
		pango_layout_set_text(l->lo[styles[i]], l->text.data, (int)l->text.len);
		pango_layout_get_extents(l->lo[styles[i]], NULL, &r);
		if (pango_units_to_double(r.x + r.width) <= TEXT_W)
			return styles[i];
	}
	export_problem(&l->x, RECORD_F_NAME, -1, "does not fit on one line of a label, "
	    "even in the smaller size");
	return -1;
}

static void
labels_draw(struct labels *l, int style, double x, double y)
{
	cairo_move_to(l->cr, x, y);
	pango_cairo_show_layout(l->cr, l->lo[style]);
}

/* Checks record I and, while there has been no problem, draws its label. */
static void
labels_one(struct labels *l, const struct export_addr *a, size_t i)
{
	struct export_ctx *x = &l->x;
	char postal[32];
	double lx, ly;
	int addr, name, bad = 0;

	export_ctx_record(x, i, a->record_id);
	/* Every check runs, so that one pass reports all of a record's problems. */
	if (export_check_postal(x, RECORD_F_POSTAL_CODE, a->postal_code) == -1)
		bad = 1;
	if (export_prefecture(x, RECORD_F_PREFECTURE, a->prefecture) == NULL)
		bad = 1;
	if (export_check_text(x, RECORD_F_NAME, a->name) == -1)
		bad = 1;
	if (export_check_text(x, RECORD_F_ADDRESS1, a->address1) == -1)
		bad = 1;
	if (export_check_text(x, RECORD_F_ADDRESS2, a->address2) == -1)
		bad = 1;
	if (a->name[0] == '\0') {
		export_problem(x, RECORD_F_NAME, -1, "is empty");
		bad = 1;
	}
	if (a->address1[0] == '\0') {
		export_problem(x, RECORD_F_ADDRESS1, -1, "is empty");
		bad = 1;
	}
	if (bad)
		return;

	/* Each block is drawn as soon as its layout is settled: the next block reuses
	 * the text buffer. */
	lx = MARGIN_X + (double)(i % LABEL_COLS) * LABEL_W + PAD_X;
	ly = MARGIN_Y + (double)(i % LABELS_PAGE / LABEL_COLS) * LABEL_H + PAD_Y;
	if (i % LABELS_PAGE == 0 && i > 0 && export_nproblems(x) == 0)
		cairo_show_page(l->cr);

	snprintf(postal, sizeof(postal), "〒%s", a->postal_code);
	pango_layout_set_text(l->lo[L_POSTAL], postal, -1);
	if ((addr = labels_address(l, a)) != -1 && labels_unknown(l, addr) == -1)
		addr = -1;
	if (addr != -1 && export_nproblems(x) == 0) {
		labels_draw(l, L_POSTAL, lx, ly + POSTAL_Y);
		labels_draw(l, addr, lx, ly + ADDR_Y);
	}
	if ((name = labels_name(l, a)) != -1 && labels_unknown(l, name) == -1)
		name = -1;
	if (name != -1 && export_nproblems(x) == 0)
		labels_draw(l, name, lx, ly + NAME_Y);
}

static cairo_status_t
labels_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct labels *l = closure;
	ssize_t n;

	while (len > 0 && l->werr == 0) {
		n = write(l->f.fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			l->werr = n == 0 ? EIO : errno;
			break;
		}
		data += n;
		len -= (unsigned int)n;
	}
	return l->werr == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws every label into the open temporary file; problems stop the drawing, not the
 * checking. */
static int
labels_render(struct labels *l, const struct export_addr *v, size_t n, char *err,
    size_t errlen)
{
	cairo_surface_t *pdf;
	cairo_status_t st;
	size_t i;

	pdf = cairo_pdf_surface_create_for_stream(labels_write, l, SHEET_W, SHEET_H);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, "Address labels");
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "showroom");
	l->cr = cairo_create(pdf);
	cairo_set_source_rgb(l->cr, 0, 0, 0);
	for (i = 0; i < n; i++)
		labels_one(l, &v[i], i);
	st = cairo_status(l->cr);
	cairo_destroy(l->cr);
	l->cr = NULL;
	cairo_surface_finish(pdf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	if (export_nproblems(&l->x) > 0 || l->x.nomem)
		return 0;	/* the verdict says why */
	if (l->werr != 0) {
		snprintf(err, errlen, "cannot write %s: %s", l->f.path, strerror(l->werr));
		return -1;
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cannot render %s: cairo: %s", l->f.path,
		    cairo_status_to_string(st));
		return -1;
	}
	return 0;
}

static void
labels_free(struct labels *l)
{
	int i;

	for (i = 0; i < L_COUNT; i++) {
		if (l->lo[i] != NULL) {
			pango_layout_set_text(l->lo[i], "", 0);
			g_object_unref(l->lo[i]);
		}
	}
	if (l->font != NULL)
		pango_font_description_free(l->font);
	if (l->pc != NULL)
		g_object_unref(l->pc);
	export_ctx_free(&l->x);
	buf_wipe(&l->text);
}

int
labels_pdf(const struct export_addr *v, size_t n, const char *path,
    struct export_problems *probs, char *err, size_t errlen)
{
	struct labels l;
	int rc = -1, opened = 0;

	memset(&l, 0, sizeof(l));
	l.f.fd = -1;
	if (export_ctx_init(&l.x, probs, 0, err, errlen) == -1)
		return -1;
	if (n == 0) {
		rc = 0;		/* no labels, no sheet */
		goto out;
	}
	if (labels_context(&l) == -1) {
		snprintf(err, errlen, "cannot render %s: font \"%s\" not found "
		    "(package fonts-noto-cjk)", path, PDF_TEXT_FONT);
		goto out;
	}
	if (export_file_open(&l.f, path, err, errlen) == -1)
		goto out;
	opened = 1;
	if (labels_render(&l, v, n, err, errlen) == -1 ||
	    export_ctx_verdict(&l.x, err, errlen) == -1 ||
	    export_file_close(&l.f, EXPORT_SYNC_FILE, err, errlen) == -1 ||
	    export_files_commit(&l.f, 1, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	if (opened)
		export_file_discard(&l.f);
	labels_free(&l);
	return rc;
}
