/*
 * The document language (/Lang) and "show the title, not the file name"
 * (/ViewerPreferences /DisplayDocTitle true) for a PDF that cairo wrote without them
 * (cairo 1.16 has no way to set either): an incremental update, ISO 32000-1 7.5.6, that
 * replaces the document catalog and leaves every byte before it as it was. A screen
 * reader then reads a Japanese catalog as Japanese. A pure function over a buffer.
 */
#ifndef SHOWROOM_PDF_LANG_H
#define SHOWROOM_PDF_LANG_H

#include <stddef.h>

#include "lib/buf.h"

/* Appends to OUT what to append to PDF[0..len) so that its catalog says LANG ("ja",
 * "en": letters and hyphens). 0, or -1 with a reason: not a PDF with a classic xref
 * table and trailer, a catalog that cannot be found, or one that has a /Lang already. */
int	pdf_lang_update(const char *pdf, size_t len, const char *lang, struct buf *out,
	    char *err, size_t errlen);

#endif
