/* Text on PDF pages; see pdf_text.h. */
#include "showroom/pdf_text.h"

#include <strings.h>

/* Whether PDF_TEXT_FONT is really there: fontconfig would otherwise substitute any
 * font, and Japanese text would come out as empty boxes in a document that looks fine
 * to the build. */
static int
pdf_text_font_present(PangoContext *pc, const PangoFontDescription *desc)
{
	PangoFontDescription *got;
	PangoFont *font;
	const char *family;
	int ok;

	font = pango_font_map_load_font(pango_context_get_font_map(pc), pc, desc);
	if (font == NULL)
		return 0;
	got = pango_font_describe(font);
	family = pango_font_description_get_family(got);
	ok = family != NULL && strcasecmp(family, PDF_TEXT_FONT) == 0;
	pango_font_description_free(got);
	g_object_unref(font);
	return ok;
}

int
pdf_text_context(const char *lang, PangoContext **pcp, PangoFontDescription **fontp)
{
	cairo_font_options_t *fo;
	PangoContext *pc;

	/* The default font map is one per thread and lives for the process, so fontconfig
	 * is set up once for all of a run's documents. */
	pc = *pcp = pango_font_map_create_context(pango_cairo_font_map_get_default());
	pango_cairo_context_set_resolution(pc, 72.0);
	fo = cairo_font_options_create();
	/* Hinting would fit glyphs to a pixel grid that a PDF does not have. */
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(pc, FALSE);
	/* The language picks Japanese glyph forms and line-breaking rules. */
	pango_context_set_language(pc, pango_language_from_string(lang));
	*fontp = pango_font_description_new();
	pango_font_description_set_family_static(*fontp, PDF_TEXT_FONT);
	pango_font_description_set_size(*fontp, 10 * PANGO_SCALE);
	return pdf_text_font_present(pc, *fontp) ? 0 : -1;
}
