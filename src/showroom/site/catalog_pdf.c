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
 * two never word a fact differently; only layout and the catalog's own phrases are in
 * the catalog's files.
 *
 * This file is the document: both passes, the metadata and outline, and the file. The
 * sections and the layout primitives they draw with are in the other catalog_*.c files
 * (see catalog_int.h).
 */
#include "showroom/site/catalog_pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "lib/fsutil.h"
#include "showroom/pdf_text.h"
#include "showroom/site/pdf_lang.h"
#include "showroom/site/catalog_int.h"

static void
catalog_render(struct catalog_doc *d)
{
	d->page = 0;
	catalog_tag_begin(d, "Document");
	catalog_cover(d);
	catalog_overview(d);
	catalog_specs(d);
	catalog_dealers(d);
	catalog_tag_end(d, "Document");
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

/* What cairo cannot say itself: the document's language, and that a reader should show
 * the title. Read back from the temporary file, appended to it (showroom/site/pdf_lang). */
static int
catalog_lang(struct catalog_doc *d, struct catalog_out *out, const char *tmp,
    const char *path, char *err, size_t errlen)
{
	struct buf tail = BUF_INIT;
	char why[160], *pdf;
	size_t len;
	int rc = -1;

	if (fs_read_file(tmp, &pdf, &len) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (pdf_lang_update(pdf, len, lang_code(d->l), &tail, why, sizeof(why)) == -1)
		snprintf(err, errlen, "cannot tag %s with its language: %s", path, why);
	else if (catalog_write(out, (const unsigned char *)tail.data,
	    (unsigned int)tail.len) != CAIRO_STATUS_SUCCESS)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(out->err));
	else
		rc = 0;
	buf_free(&tail);
	free(pdf);
	return rc;
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
	if (catalog_emit(&d, &out, path, err, errlen) == -1 ||
	    catalog_lang(&d, &out, tmp, path, err, errlen) == -1)
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
