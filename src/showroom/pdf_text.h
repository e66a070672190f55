/* Text on PDF pages: the one font and the pango set-up the catalog and the labels share. */
#ifndef SHOWROOM_PDF_TEXT_H
#define SHOWROOM_PDF_TEXT_H

#include <pango/pangocairo.h>

#define PDF_TEXT_FONT	"Noto Sans CJK JP"

/*
 * A pango context for PDF output (72 dpi, no hinting, unrounded glyph positions) in
 * the language LANG ("ja", "en"), and a 10 pt PDF_TEXT_FONT description. Both are set
 * even on failure; the caller frees them. -1 when the font is not installed.
 */
int	pdf_text_context(const char *lang, PangoContext **pcp,
	    PangoFontDescription **fontp);

#endif
