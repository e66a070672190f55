/*
 * The PDF catalog's dealers: those with the model as a demo car first, then the others
 * (or a pointer to the website when they are many), then the brand's customer centre.
 * See catalog_int.h.
 */
#include "showroom/site/catalog_int.h"

#include <stdio.h>
#include <string.h>

#include "lib/prefecture.h"
#include "showroom/site/specfmt.h"

#define CARD_GAP	12.0
/* Beyond this many other dealers, a catalog points to the website instead of growing
 * by pages of addresses that most readers do not need. */
#define OTHER_DEALERS_MAX	60

static int
catalog_demo_cars(const struct dealer *dl, const char *model)
{
	size_t i;
	int n = 0;

	for (i = 0; i < dl->ncars; i++)
		if (dl->cars[i].model != NULL && strcmp(dl->cars[i].model, model) == 0 &&
		    dl->cars[i].count > 0)
			n += dl->cars[i].count;
	return n;
}

static int
catalog_day_open(const struct dealer *dl, int day)
{
	return dl->hours[day].open_min >= 0 && dl->hours[day].close_min > 0;
}

/* Days in MASK as runs: "Mon–Fri", "Sat, Sun"; ja "月〜金", "土・日". */
static void
catalog_days(unsigned int mask, enum lang l, char *out, size_t len)
{
	int i, j, first = 1;

	for (i = 0; i < WEEKDAYS; i = j) {
		if (!(mask & 1u << i)) {
			j = i + 1;
			continue;
		}
		for (j = i; j < WEEKDAYS && mask & 1u << j; j++)
			;
		if (!first)
			catalog_cat(out, len, "%s", l == LANG_JA ? "・" : ", ");
		first = 0;
		if (j - i >= 3)
			catalog_cat(out, len, "%s%s%s", weekday_name(i, l),
			    l == LANG_JA ? "〜" : "–", weekday_name(j - 1, l));
		else if (j - i == 2)
			catalog_cat(out, len, "%s%s%s", weekday_name(i, l),
			    l == LANG_JA ? "・" : ", ", weekday_name(i + 1, l));
		else
			catalog_cat(out, len, "%s", weekday_name(i, l));
	}
}

/* "Mon–Fri 10:00–19:00 · Sat, Sun 10:00–18:00 · Closed Wed": days sharing hours are
 * grouped even when they are not adjacent, as dealers print them. */
static void
catalog_hours(const struct dealer *dl, enum lang l, char *out, size_t len)
{
	const char *sep = l == LANG_JA ? "／" : " · ";
	char days[128], t0[16], t1[16];
	unsigned int done = 0, mask, closed = 0;
	int i, j;

	out[0] = '\0';
	for (i = 0; i < WEEKDAYS; i++) {
		if (!catalog_day_open(dl, i)) {
			closed |= 1u << i;
			continue;
		}
		if (done & 1u << i)
			continue;
		for (mask = 0, j = i; j < WEEKDAYS; j++)
			if (catalog_day_open(dl, j) &&
			    dl->hours[j].open_min == dl->hours[i].open_min &&
			    dl->hours[j].close_min == dl->hours[i].close_min)
				mask |= 1u << j;
		done |= mask;
		days[0] = '\0';
		catalog_days(mask, l, days, sizeof(days));
		specfmt_time(dl->hours[i].open_min, t0, sizeof(t0));
		specfmt_time(dl->hours[i].close_min, t1, sizeof(t1));
		/* No-break spaces keep "Sat, Sun 10:00" and "Closed Wed" on one line. */
		catalog_cat(out, len, "%s%s\u00a0%s%s%s", out[0] != '\0' ? sep : "", days,
		    t0, l == LANG_JA ? "〜" : "–", t1);
	}
	if (closed != 0) {
		days[0] = '\0';
		catalog_days(closed, l, days, sizeof(days));
		catalog_cat(out, len, "%s%s%s%s", out[0] != '\0' ? sep : "",
		    catalog_msgs[M_CLOSED][l], l == LANG_JA ? "：" : "\u00a0", days);
	}
}

#define CARD_PAD	11.0

struct catalog_part {
	const char			*text;
	const struct catalog_font	*font;
	const struct catalog_rgb	*colour;
	double				 after;	/* space below */
};

/* Lays out (and with DRAW, draws) one dealer card at X, Y; returns its height. */
static double
catalog_card(struct catalog_doc *d, const struct dealer *dl, double x, double y,
    double w, int demo, int draw)
{
	const char *pref = prefecture_name(dl->prefecture, d->l);
	struct catalog_part part[6];
	char hours[512], phone[64], cars[64];
	char *addr;
	double iw = w - 2 * CARD_PAD, y0 = y;
	size_t np = 0, i;
	int n;

	if (d->l == LANG_JA)
		addr = g_strdup_printf("〒%s %s", dl->postal_code != NULL ?
		    dl->postal_code : "", catalog_tx(d, &dl->address));
	else	/* English addresses end with the postal code, and know no 〒 */
		addr = g_strdup_printf("%s %s", catalog_tx(d, &dl->address),
		    dl->postal_code != NULL ? dl->postal_code : "");
	catalog_hours(dl, d->l, hours, sizeof(hours));
	snprintf(phone, sizeof(phone), "TEL %s", dl->phone != NULL ? dl->phone : "");
	part[np++] = (struct catalog_part){ pref != NULL ? pref : "", &F_LABEL,
	    &d->pal.accent, 3 };
	part[np++] = (struct catalog_part){ catalog_tx(d, &dl->name), &F_NAME,
	    &d->pal.text, 5 };
	part[np++] = (struct catalog_part){ addr, &F_ADDR, &d->pal.text, 2 };
	part[np++] = (struct catalog_part){ phone, &F_ADDR, &d->pal.text, 3 };
	part[np++] = (struct catalog_part){ hours, &F_NOTE, &d->pal.muted, 0 };
	if (demo && (n = catalog_demo_cars(dl, d->m->code)) > 0) {
		if (d->l == LANG_JA)
			snprintf(cars, sizeof(cars), "試乗車 %d台", n);
		else
			snprintf(cars, sizeof(cars), "%d demo car%s", n, n == 1 ? "" : "s");
		part[np - 1].after = 6;
		part[np++] = (struct catalog_part){ cars, &F_LABEL, &d->pal.primary, 0 };
	}

	y += CARD_PAD + 2;
	for (i = 0; i < np; i++) {
		if (draw) {
			/* the dealer's name heads its card */
			catalog_tag_begin(d, i == 1 ? "H4" : "P");
			y += catalog_show(d, part[i].text, part[i].font, part[i].colour,
			    x + CARD_PAD, y, iw, PANGO_ALIGN_LEFT);
			catalog_tag_end(d, i == 1 ? "H4" : "P");
		} else
			y += catalog_measure(d, part[i].text, part[i].font, iw);
		y += part[i].after;
	}
	g_free(addr);
	return y + CARD_PAD - y0;
}

/* The card's frame: a tinted panel under a short primary rule. */
static void
catalog_card_frame(struct catalog_doc *d, double x, double y, double w, double h)
{
	catalog_fill(d->cr, &d->pal.tint, x, y, w, h);
	catalog_fill(d->cr, &d->pal.primary, x, y, w, 2);
}

/* Dealers two to a row; a row never splits across pages. */
static void
catalog_card_row(struct catalog_doc *d, const struct dealer *a, const struct dealer *b,
    int demo)
{
	const double w = (TEXT_W - CARD_GAP) / 2, x1 = MARGIN + w + CARD_GAP;
	double h, hb;

	h = catalog_card(d, a, MARGIN, 0, w, demo, 0);
	if (b != NULL && (hb = catalog_card(d, b, x1, 0, w, demo, 0)) > h)
		h = hb;
	catalog_need(d, h);
	catalog_card_frame(d, MARGIN, d->y, w, h);
	catalog_card(d, a, MARGIN, d->y, w, demo, 1);
	if (b != NULL) {
		catalog_card_frame(d, x1, d->y, w, h);
		catalog_card(d, b, x1, d->y, w, demo, 1);
	}
	d->y += h + CARD_GAP;
}

/* The dealers that do (DEMO) or do not hold the model as a demo car; returns how many. */
static size_t
catalog_card_list(struct catalog_doc *d, int demo)
{
	const struct dealer *pend = NULL, *dl;
	size_t i, n = 0;

	for (i = 0; i < d->c->ndealers; i++) {
		dl = &d->c->dealers[i];
		if ((catalog_demo_cars(dl, d->m->code) > 0) != demo)
			continue;
		n++;
		if (pend == NULL) {
			pend = dl;
			continue;
		}
		catalog_card_row(d, pend, dl, demo);
		pend = NULL;
	}
	if (pend != NULL)
		catalog_card_row(d, pend, NULL, demo);
	return n;
}

static void
catalog_subhead(struct catalog_doc *d, const char *text)
{
	double h = catalog_measure(d, text, &F_SUBHEAD, TEXT_W);

	/* Keep the heading with at least a card's worth of space below it. */
	catalog_need(d, h + 10 + 110);
	catalog_tag_begin(d, "H3");
	catalog_show(d, text, &F_SUBHEAD, &d->pal.primary, MARGIN, d->y, TEXT_W,
	    PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "H3");
	d->y += h + 10;
}

static void
catalog_note(struct catalog_doc *d, const char *text)
{
	double h = catalog_measure(d, text, &F_ADDR, TEXT_W);

	catalog_need(d, h);
	catalog_tag_begin(d, "P");
	catalog_show(d, text, &F_ADDR, &d->pal.muted, MARGIN, d->y, TEXT_W,
	    PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "P");
	d->y += h + 14;
}

/* The brand's own customer centre closes the catalog: where to ask anything else. */
static void
catalog_contact(struct catalog_doc *d)
{
	const struct brand *b = &d->c->brand;
	GString *s = g_string_new(NULL);
	double h, th;

	if (catalog_tx(d, &b->address)[0] != '\0')
		g_string_append_printf(s, "%s\n", catalog_tx(d, &b->address));
	if (b->phone != NULL)
		g_string_append_printf(s, "TEL %s", b->phone);
	if (b->email != NULL)
		g_string_append_printf(s, "%s%s", b->phone != NULL ? "  ·  " : "", b->email);
	th = catalog_measure(d, s->str, &F_ADDR, TEXT_W - 2 * CARD_PAD);
	h = CARD_PAD + 16 + th + (b->url != NULL ? 16 : 0) + CARD_PAD;
	d->y += 6;
	catalog_need(d, h);
	catalog_rgb(d->cr, &d->pal.primary);
	cairo_set_line_width(d->cr, 0.8);
	cairo_rectangle(d->cr, MARGIN, d->y, TEXT_W, h);
	cairo_stroke(d->cr);
	catalog_tag_begin(d, "H3");
	catalog_show(d, catalog_msg(d, M_CONTACT), &F_LABEL, &d->pal.accent,
	    MARGIN + CARD_PAD, d->y + CARD_PAD, 0, PANGO_ALIGN_LEFT);
	catalog_tag_end(d, "H3");
	catalog_tag_begin(d, "P");
	catalog_show(d, s->str, &F_ADDR, &d->pal.text, MARGIN + CARD_PAD,
	    d->y + CARD_PAD + 16, TEXT_W - 2 * CARD_PAD, PANGO_ALIGN_LEFT);
	if (b->url != NULL) {
		catalog_link_begin(d, b->url);
		catalog_show(d, b->url, &F_CELL_B, &d->pal.primary, MARGIN + CARD_PAD,
		    d->y + CARD_PAD + 16 + th + 3, TEXT_W - 2 * CARD_PAD, PANGO_ALIGN_LEFT);
		catalog_link_end(d, b->url);
	}
	catalog_tag_end(d, "P");
	d->y += h;
	g_string_free(s, TRUE);
}

void
catalog_dealers(struct catalog_doc *d)
{
	const struct brand *b = &d->c->brand;
	size_t others, i;
	char *msg;

	catalog_section_begin(d, SECT_DEALERS, M_DEALERS);
	catalog_subhead(d, catalog_msg(d, M_TEST_DRIVES));
	if (catalog_card_list(d, 1) == 0)
		catalog_note(d, catalog_msg(d, M_NO_TEST_DRIVES));

	for (others = 0, i = 0; i < d->c->ndealers; i++)
		others += catalog_demo_cars(&d->c->dealers[i], d->m->code) == 0;
	if (others > 0 && others <= OTHER_DEALERS_MAX) {
		d->y += 8;
		catalog_subhead(d, catalog_msg(d, M_OTHER_DEALERS));
		catalog_card_list(d, 0);
	} else if (others > 0 && b->url != NULL) {
		if (d->l == LANG_JA)
			msg = g_strdup_printf("その他の販売店%zu店は %s でご覧いただけます。",
			    others, b->url);
		else
			msg = g_strdup_printf("%zu more dealers are listed at %s.", others,
			    b->url);
		catalog_note(d, msg);
		g_free(msg);
	}
	catalog_contact(d);
	catalog_page_close(d);
}
