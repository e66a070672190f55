/*
 * The breach report as an A4 PDF: the same Markdown text, set with pango (Noto Sans CJK) a
 * block at a time: "# " a title, "## " a heading, "> " a note, "- " and "  - " items, the
 * rest paragraphs. A block that does not fit goes to the next page. The file is mode 0600
 * and written by temporary file and rename.
 */
#include "showroom/office/breach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "lib/fsutil.h"
#include "showroom/pdf_text.h"

#define MM		(72.0 / 25.4)
#define PAGE_W		595.28
#define PAGE_H		841.89
#define MARGIN		(18.0 * MM)
#define TEXT_W		(PAGE_W - 2 * MARGIN)

struct bp {
	cairo_t			*cr;
	PangoLayout		*layout;
	PangoFontDescription	*font;
	double			 y;
};

/* Sets one block (TEXT, LEN bytes) at indent X, SIZE points, bold or not. */
static void
bp_block(struct bp *p, const char *text, int len, double x, double size, int bold,
    double gap_before)
{
	int w, h;

	pango_font_description_set_size(p->font, (int)(size * PANGO_SCALE));
	pango_font_description_set_weight(p->font, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->layout, p->font);
	pango_layout_set_width(p->layout, (int)((TEXT_W - (x - MARGIN)) * PANGO_SCALE));
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, text, len);
	pango_layout_get_size(p->layout, &w, &h);
	if (p->y + gap_before + (double)h / PANGO_SCALE > PAGE_H - MARGIN) {
		cairo_show_page(p->cr);
		p->y = MARGIN;
	} else
		p->y += gap_before;
	cairo_move_to(p->cr, x, p->y);
	pango_cairo_show_layout(p->cr, p->layout);
	p->y += (double)h / PANGO_SCALE;
}

static void
bp_line(struct bp *p, const char *s, int n)
{
	if (n == 0)
		return;
	if (strncmp(s, "# ", 2) == 0)
		bp_block(p, s + 2, n - 2, MARGIN, 15, 1, 0);
	else if (strncmp(s, "## ", 3) == 0)
		bp_block(p, s + 3, n - 3, MARGIN, 11.5, 1, 10);
	else if (strncmp(s, "> ", 2) == 0)
		bp_block(p, s + 2, n - 2, MARGIN, 8.5, 0, 6);
	else if (strncmp(s, "  - ", 4) == 0)
		bp_block(p, s + 2, n - 2, MARGIN + 24, 9, 0, 2);
	else if (strncmp(s, "- ", 2) == 0)
		bp_block(p, s, n, MARGIN + 8, 9, 0, 3);
	else
		bp_block(p, s, n, MARGIN, 9, 0, 4);
}

static cairo_status_t
bp_write(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_NO_MEMORY;
}

int
breach_pdf(const char *md, size_t len, enum lang l, const char *path, char *err,
    size_t errlen)
{
	struct bp p = { NULL, NULL, NULL, MARGIN };
	struct buf out = BUF_INIT;
	PangoContext *pc = NULL;
	cairo_surface_t *s;
	const char *line, *nl, *end = md + len;
	int rc = -1;

	s = cairo_pdf_surface_create_for_stream(bp_write, &out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, l == LANG_JA ?
	    "個人データの漏えい等の報告（下書き）" : "Report of a personal data breach (draft)");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "showroom breach-report");
	p.cr = cairo_create(s);
	if (pdf_text_context(lang_code(l), &pc, &p.font) == -1) {
		snprintf(err, errlen, "the font %s is not installed (fonts-noto-cjk)",
		    PDF_TEXT_FONT);
		goto out;
	}
	p.layout = pango_layout_new(pc);
	cairo_set_source_rgb(p.cr, 0.1, 0.1, 0.1);
	for (line = md; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		bp_line(&p, line, (int)(nl - line));
	}
	cairo_show_page(p.cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cairo: %s", cairo_status_to_string(cairo_surface_status(s)));
		goto out;
	}
	if (fs_write_file(path, out.data, out.len, 0600) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (p.layout != NULL)
		g_object_unref(p.layout);
	if (pc != NULL)
		g_object_unref(pc);
	pango_font_description_free(p.font);
	cairo_destroy(p.cr);
	cairo_surface_destroy(s);
	buf_free(&out);
	return rc;
}
