/* Generated A4 PDF catalogs (cairo + pango, Noto CJK): cover, description, specs, dealers. */
#ifndef SHOWROOM_CATALOG_PDF_H
#define SHOWROOM_CATALOG_PDF_H

#include <stddef.h>

#include "content/content.h"

/* Writes the catalog of model M in language L to PATH. On error returns -1 and puts a
 * one-line reason in err. */
int	catalog_pdf_write(const struct content *, const struct model *m, enum lang l,
	    const char *path, char *err, size_t errlen);

#endif
