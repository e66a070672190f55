/*
 * The PDF catalog's overview: the tagline, the description in two columns and the key
 * figures along the foot of the first page. See catalog_int.h.
 */
#include "showroom/site/catalog_int.h"

#include <stdio.h>
#include <string.h>

#include "showroom/site/specfmt.h"

#define BAND_H		84.0	/* key figures along the foot of the overview */
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
		catalog_tag_begin(d, "P");
		catalog_show(d, f[i].label, &F_LABEL, &label, x + 14, y + 16, cw - 24,
		    PANGO_ALIGN_LEFT);
		/* Long prices shrink to their cell rather than wrap. */
		big.size = F_FIGURE.size;
		if ((w = catalog_text_width(d, f[i].value, &big)) > cw - 24)
			big.size *= (cw - 24) / w;
		catalog_show(d, f[i].value, &big, &d->pal.white, x + 14,
		    y + BAND_H - 18 - big.size * 1.45, 0, PANGO_ALIGN_LEFT);
		catalog_tag_end(d, "P");
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

void
catalog_overview(struct catalog_doc *d)
{
	const struct catalog_font *body = d->l == LANG_JA ? &F_BODY_JA : &F_BODY_EN;
	const double band = BODY_BOTTOM - BAND_H;
	struct catalog_flow fl;
	GString *para;
	const char *p;

	catalog_section_begin(d, SECT_OVERVIEW, M_OVERVIEW);
	catalog_figures_band(d, band);
	catalog_tag_begin(d, "P");
	d->y += catalog_show(d, catalog_tx(d, &d->m->tagline), &F_LEAD, &d->pal.primary,
	    MARGIN, d->y, TEXT_W * 0.8, PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "P");
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
