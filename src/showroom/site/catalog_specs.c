/*
 * The PDF catalog's specifications: the spec table by group, as specfmt words it for the
 * web pages too. See catalog_int.h.
 */
#include "showroom/site/catalog_int.h"

#include <stdio.h>

#include "showroom/site/specfmt.h"

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
	/* the group's title heads a table of label (TH) and value (TD) rows */
	catalog_tag_begin(d, "H3");
	catalog_group_title(d, g->title, 0);
	catalog_tag_end(d, "H3");
	catalog_tag_begin(d, "Table");
	for (i = 0; i < g->nrows; i++) {
		h = catalog_row_height(d, &g->rows[i]);
		if (catalog_need(d, h))
			catalog_group_title(d, g->title, 1);
		if (i % 2 == 1)
			catalog_fill(d->cr, &d->pal.shade, MARGIN, d->y, TEXT_W, h);
		catalog_tag_begin(d, "TR");
		catalog_tag_begin(d, "TH");
		catalog_show(d, g->rows[i].label, &F_CELL, &d->pal.label,
		    MARGIN + CELL_PAD_X, d->y + CELL_PAD_Y, COL_LABEL_W - 2 * CELL_PAD_X,
		    PANGO_ALIGN_LEFT);
		catalog_tag_end(d, "TH");
		catalog_tag_begin(d, "TD");
		catalog_show(d, g->rows[i].value, &F_CELL_B, &d->pal.text,
		    MARGIN + COL_LABEL_W + CELL_PAD_X, d->y + CELL_PAD_Y,
		    TEXT_W - COL_LABEL_W - 2 * CELL_PAD_X, PANGO_ALIGN_LEFT);
		catalog_tag_end(d, "TD");
		catalog_tag_end(d, "TR");
		d->y += h;
		catalog_hline(d->cr, &d->pal.rule, MARGIN, PAGE_W - MARGIN, d->y, 0.5);
	}
	catalog_tag_end(d, "Table");
	d->y += 20;
}

void
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
	catalog_tag_begin(d, "P");
	catalog_show(d, catalog_msg(d, M_SPEC_NOTE), &F_NOTE, &d->pal.muted, MARGIN, d->y,
	    TEXT_W, PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "P");
	d->y += h;
	catalog_page_close(d);
}
