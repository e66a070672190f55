/*
 * The PDF catalog's cover: the model's illustration (or a band in the brand's colours),
 * its name, tagline, body and powertrain, and its price. See catalog_int.h.
 */
#include "showroom/site/catalog_int.h"

#include <string.h>
#include <strings.h>

#include "showroom/site/specfmt.h"

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
void
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

void
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
void
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

	catalog_tag_begin(d, "P");
	catalog_show(d, catalog_tx(d, &d->c->brand.name), &(struct catalog_font){ 13, 1,
	    0, 2.2 }, ink, MARGIN, 40, 0, PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "P");
	w = catalog_text_width(d, catalog_msg(d, M_CATALOG), &F_LABEL);
	catalog_show(d, catalog_msg(d, M_CATALOG), &F_LABEL, ink, PAGE_W - MARGIN - w, 44,
	    0, PANGO_ALIGN_LEFT);

	y = panel + 34;
	catalog_fill(d->cr, &d->pal.accent, MARGIN, y, 36, 3);
	y += 3 + 16;
	catalog_tag_begin(d, "H1");
	y += catalog_show(d, catalog_tx(d, &d->m->name), &name, &d->pal.text, MARGIN, y,
	    TEXT_W, PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "H1");
	y += 8;
	catalog_tag_begin(d, "P");
	y += catalog_show(d, catalog_tx(d, &d->m->tagline), &tag, &d->pal.primary, MARGIN,
	    y, TEXT_W * 0.85, PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "P");
	y += 18;

	x = MARGIN;
	if (d->m->body != NULL)
		x = catalog_chip(d, specfmt_body(d->m->body, d->l), x, y);
	catalog_chip(d, powertrain_name(d->m->powertrain, d->l), x, y);

	y = FOOTER_Y - 62;
	specfmt_price(d->m, d->l, price, sizeof(price));
	catalog_cat(price, sizeof(price), "%s", catalog_msg(d, M_INCL_TAX));
	catalog_tag_begin(d, "P");
	catalog_show(d, catalog_msg(d, M_PRICE), &F_LABEL, &d->pal.muted, MARGIN, y, 0,
	    PANGO_ALIGN_LEFT);
	catalog_show(d, price, &(struct catalog_font){ 17, 1, 0, 0 }, &d->pal.text,
	    MARGIN, y + 15, TEXT_W, PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "P");
	catalog_page_close(d);
}
