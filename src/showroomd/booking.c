#include "showroomd/booking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jtime.h"
#include "lib/prefecture.h"
#include "showroomd/app.h"
#include "showroomd/pages.h"
#include "showroomd/slots.h"

enum booking_step { BK_MODEL = 0, BK_DEALER, BK_WHEN, BK_REVIEW, BK_DONE, BK_STEPS };

/* How a day of the calendar looks. */
enum booking_day {
	BD_CLOSED = 0,	/* the dealer's regular day off: 定休日 */
	BD_OFF,		/* no times that day for another reason (a closure) */
	BD_OVER,	/* today, and no time left that can still be booked */
	BD_FULL,
	BD_FEW,		/* a third of the places or fewer are free */
	BD_FREE,
	BD_UNKNOWN,	/* the store could not say */
	BD_STATES
};

static const char *const bk_day_key[BD_STATES] = { "cal_closed", "cal_off", "cal_over",
    "cal_full", "cal_few", "cal_free", "cal_unknown" };
static const char *const bk_day_symbol[BD_STATES] = { "休", "休", "－", "×", "△", "○", "－" };
static const char *const bk_day_class[BD_STATES] = { "closed", "closed", "over", "full",
    "few", "free", "over" };
static const char *const bk_days[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static const char *
bk_text(const json_t *o, const char *key, enum lang l)
{
	const char *s = json_string_value(json_object_get(json_object_get(o, key),
	    lang_code(l)));

	return s ? s : "";
}

static const char *
bk_code(const json_t *o)
{
	return json_string_value(json_object_get(o, "code"));
}

/* A model anyone can book: it exists and some dealer keeps a demo car of it. */
static const json_t *
bk_model(const struct pages *p, const char *code)
{
	const json_t *m = pages_model(p, code), *d;
	size_t i;

	if (m == NULL)
		return NULL;
	json_array_foreach(pages_dealers(p), i, d)
		if (pages_demo_cars(p, bk_code(d), code) > 0)
			return m;
	return NULL;
}

/* The flow's page with the choices given (NULL: left out), as a path and query. */
static void
bk_href(enum lang l, const char *model, const char *dealer, const char *date, char *out,
    size_t outsz)
{
	const char *name[3] = { "model", "dealer", "date" }, *val[3] = { model, dealer, date };
	size_t n;
	int i, sep = '?';

	snprintf(out, outsz, "%stest-drive", lang_prefix(l));
	for (i = 0; i < 3; i++) {
		if (val[i] == NULL || (n = strlen(out)) >= outsz)
			continue;
		snprintf(out + n, outsz - n, "%c%s=%s", sep, name[i], val[i]);
		sep = '&';
	}
}

json_t *
booking_progress(const struct pages *p, enum lang l, int cur)
{
	static const char *const keys[BK_STEPS] = { "td_progress_model",
	    "td_progress_dealer", "td_progress_when", "td_progress_review",
	    "td_progress_done" };
	json_t *a = json_array();
	int i;

	for (i = 0; i < BK_STEPS; i++)
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:b, s:b}", "n", i + 1,
		    "label", pages_string(p, l, keys[i]), "state", i < cur ? "done" :
		    i == cur ? "current" : "todo", "current", i == cur, "done", i < cur));
	return a;
}

/* A choice made, with its 変更 link; the link's hidden words say what it changes. */
static void
bk_chosen(json_t *list, enum lang l, const char *label, const char *value, const char *href)
{
	char what[128];

	snprintf(what, sizeof(what), l == LANG_JA ? "（%s）" : " (%s)", label);
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "label", label,
	    "value", value, "change_href", href, "what", what));
}

/* The models a visitor can book, those of DEALER only when one is given. */
static json_t *
bk_models(const struct pages *p, enum lang l, const char *dealer)
{
	json_t *a = json_array();
	const json_t *m;
	const char *code;
	size_t i;

	json_array_foreach(pages_models(p), i, m) {
		code = bk_code(m);
		if (bk_model(p, code) == NULL ||
		    (dealer != NULL && pages_demo_cars(p, dealer, code) <= 0))
			continue;
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "value", code,
		    "label", bk_text(m, "name", l), "meta", bk_text(m, "tagline", l)));
	}
	return a;
}

static json_t *
bk_dealer_choice(const json_t *d, enum lang l)
{
	char where[512];

	pages_dealer_where(d, l, where, sizeof(where));
	return json_pack("{s:s, s:s, s:s}", "value", bk_code(d), "label", bk_text(d, "name", l),
	    "where", where);
}

/*
 * How far dealer D is from a postal code: first by prefecture (JIS codes run from north to
 * south, so neighbours are near), then by postal code, which Japan Post gives out by area.
 * No map, but no data beyond the dealer's own file either.
 */
static long
bk_distance(const json_t *d, const struct booking_pick *pk)
{
	const char *pc = json_string_value(json_object_get(d, "postal_code"));
	long code = 0, dp = labs(json_integer_value(json_object_get(d, "prefecture")) -
	    pk->near_pref);

	for (; pc != NULL && *pc != '\0'; pc++)
		if (*pc >= '0' && *pc <= '9')
			code = code * 10 + (*pc - '0');
	return dp * 10000000L + labs(code - pk->near_code);
}

/* The BOOKING_NEAREST dealers nearest the postal code, nearest first, marked in TAKEN. */
static json_t *
bk_nearest(const struct pages *p, enum lang l, const struct booking_pick *pk,
    unsigned char *taken)
{
	const json_t *d, *best;
	json_t *list = json_array();
	long dist, bestd;
	size_t i, k, besti;

	for (k = 0; k < BOOKING_NEAREST; k++) {
		best = NULL;
		besti = 0;
		bestd = 0;
		json_array_foreach(pages_dealers(p), i, d) {
			if (taken[i] || pages_demo_cars(p, bk_code(d), pk->model) <= 0)
				continue;
			dist = bk_distance(d, pk);
			if (best == NULL || dist < bestd) {
				best = d;
				besti = i;
				bestd = dist;
			}
		}
		if (best == NULL)
			break;
		taken[besti] = 1;
		json_array_append_new(list, bk_dealer_choice(best, l));
	}
	return list;
}

/* The dealers with a demo car of MODEL, grouped by prefecture (the catalog's order); with
 * a postal code, the nearest of them first, in a group of their own. */
static json_t *
bk_dealers(const struct pages *p, enum lang l, const struct booking_pick *pk)
{
	json_t *prefs = json_array(), *cur = NULL;
	const json_t *d;
	unsigned char *taken = calloc(json_array_size(pages_dealers(p)) + 1, 1);
	char near[128];
	int pref, last = 0;
	size_t i;

	if (taken != NULL && pk->near_pref > 0) {
		pages_fill(near, sizeof(near), pages_string(p, l, "td_near_group"), "code",
		    pk->near, NULL);
		json_array_append_new(prefs, json_pack("{s:i, s:s, s:o, s:b}", "code", 0,
		    "name", near, "dealers", bk_nearest(p, l, pk, taken), "near", 1));
	}
	json_array_foreach(pages_dealers(p), i, d) {
		if (pages_demo_cars(p, bk_code(d), pk->model) <= 0 ||
		    (taken != NULL && taken[i]))
			continue;
		pref = (int)json_integer_value(json_object_get(d, "prefecture"));
		if (cur == NULL || pref != last) {
			cur = json_array();
			json_array_append_new(prefs, json_pack("{s:i, s:s, s:o}", "code", pref,
			    "name", prefecture_name(pref, l) ? prefecture_name(pref, l) : "",
			    "dealers", cur));
			last = pref;
		}
		json_array_append_new(cur, bk_dealer_choice(d, l));
	}
	free(taken);
	return prefs;
}

/* ---- the calendar ---- */

static int
bk_regular_day_off(const json_t *dealer, const char *date)
{
	int wd = jtime_wday(date);

	return wd >= 0 && json_is_null(json_object_get(json_object_get(dealer, "hours"),
	    bk_days[wd]));
}

static enum booking_day
bk_day(struct app *app, const json_t *dealer, const char *model, const char *date,
    time_t now, int today)
{
	struct slot s[SLOTS_MAX_PER_DAY];
	unsigned places = 0, free = 0;
	int i, n;

	n = slots_free(app->store, dealer, bk_code(dealer), model, date, now, s,
	    SLOTS_MAX_PER_DAY);
	if (n < 0)
		return BD_UNKNOWN;
	if (n == 0)
		return bk_regular_day_off(dealer, date) ? BD_CLOSED : today ? BD_OVER : BD_OFF;
	for (i = 0; i < n; i++) {
		places += s[i].capacity;
		free += s[i].free;
	}
	if (free == 0)
		return BD_FULL;
	return free * 3 <= places ? BD_FEW : BD_FREE;
}

static json_t *
bk_legend(const struct pages *p, enum lang l)
{
	static const enum booking_day shown[] = { BD_FREE, BD_FEW, BD_FULL, BD_CLOSED };
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "symbol",
		    bk_day_symbol[shown[i]], "text", pages_string(p, l, bk_day_key[shown[i]]),
		    "class", bk_day_class[shown[i]]));
	return a;
}

static json_t *
bk_calendar_day(struct app *app, const struct pages *p, enum lang l,
    const struct booking_pick *pk, const json_t *dealer, const char *date, int i,
    time_t now)
{
	enum booking_day st = bk_day(app, dealer, pk->model, date, now, i == 0);
	char label[64], href[256], num[16];
	json_t *o;

	jtime_day_label(date, l, label, sizeof(label));
	/* the month shows on the first day and on each 1st */
	if (i == 0 || strcmp(date + 8, "01") == 0)
		snprintf(num, sizeof(num), "%d/%d", jtime_num(date + 5, 2), jtime_num(date + 8, 2));
	else
		snprintf(num, sizeof(num), "%d", jtime_num(date + 8, 2));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "date", date, "num", num,
	    "label", label, "symbol", bk_day_symbol[st], "state_text",
	    pages_string(p, l, bk_day_key[st]), "class", bk_day_class[st],
	    "current", pk->date != NULL && strcmp(pk->date, date) == 0);
	if (st == BD_FREE || st == BD_FEW) {
		bk_href(l, pk->model, pk->dealer, date, href, sizeof(href));
		json_object_set_new(o, "href", json_string(href));
	}
	return o;
}

static json_t *
bk_calendar(struct app *app, const struct pages *p, enum lang l,
    const struct booking_pick *pk, const json_t *dealer, time_t now)
{
	json_t *weeks = json_array(), *days = NULL, *heads = json_array();
	char date[11], first[64], last[64], caption[192];
	int i, lead, wd;

	jtime_date(now, 0, date);
	lead = (jtime_wday(date) + 6) % 7;	/* weeks start on Monday */
	for (i = 0; i < 7; i++)
		json_array_append_new(heads, json_string(jtime_wday_name((i + 1) % 7, l)));
	for (i = -lead; i < BOOKING_DAYS; i++) {
		if ((i + lead) % 7 == 0) {
			days = json_array();
			json_array_append_new(weeks, json_pack("{s:o}", "days", days));
		}
		if (i < 0) {
			json_array_append_new(days, json_pack("{s:b}", "blank", 1));
			continue;
		}
		jtime_date(now, i, date);
		json_array_append_new(days, bk_calendar_day(app, p, l, pk, dealer, date, i,
		    now));
	}
	for (wd = (lead + BOOKING_DAYS) % 7; wd != 0 && wd < 7; wd++)
		json_array_append_new(days, json_pack("{s:b}", "blank", 1));
	jtime_date(now, 0, date);
	jtime_day_label(date, l, first, sizeof(first));
	jtime_date(now, BOOKING_DAYS - 1, date);
	jtime_day_label(date, l, last, sizeof(last));
	pages_fill(caption, sizeof(caption), pages_string(p, l, "cal_caption"), "first", first,
	    "last", last, NULL);
	return json_pack("{s:s, s:o, s:o, s:o}", "caption", caption, "heads", heads,
	    "weeks", weeks, "legend", bk_legend(p, l));
}

/* ---- the view ---- */

static void
bk_when(struct app *app, const struct pages *p, enum lang l, const struct booking_pick *pk,
    const json_t *dealer, time_t now, json_t *v)
{
	char q[160];

	json_object_set_new(v, "step_when", json_true());
	json_object_set_new(v, "date_chosen", json_boolean(pk->date != NULL));
	json_object_set_new(v, "calendar", bk_calendar(app, p, l, pk, dealer, now));
	snprintf(q, sizeof(q), "model=%s&dealer=%s", pk->model, pk->dealer);
	if (pk->date != NULL)
		snprintf(q + strlen(q), sizeof(q) - strlen(q), "&date=%s", pk->date);
	json_object_set_new(v, "query", json_string(q));
}

/* The dealer step's postal code, and what became of it. */
static void
bk_near_form(const struct pages *p, enum lang l, const struct booking_pick *in, json_t *v)
{
	if (in->near == NULL)
		return;
	json_object_set_new(v, "near_value", json_string(in->near));
	if (in->near_pref == 0)
		json_object_set_new(v, "near_note", json_string(pages_string(p, l,
		    "td_near_unknown")));
}

/* What the language switch keeps: the choices made so far, as this step's links name them. */
static void
bk_switch_query(const struct booking_pick *pk, enum booking_step step, json_t *v)
{
	char q[160];

	if (step == BK_WHEN)
		json_object_set_new(v, "switch_query", json_incref(json_object_get(v, "query")));
	else if (step == BK_DEALER) {
		snprintf(q, sizeof(q), "model=%s", pk->model);
		json_object_set_new(v, "switch_query", json_string(q));
	} else if (pk->dealer != NULL) {
		snprintf(q, sizeof(q), "dealer=%s", pk->dealer);
		json_object_set_new(v, "switch_query", json_string(q));
	}
}

json_t *
booking_view(struct app *app, const struct pages *p, enum lang l,
    const struct booking_pick *in, time_t now)
{
	struct booking_pick pk = { .model = NULL };
	const json_t *m, *d;
	json_t *v = json_object(), *chosen = json_array();
	enum booking_step step;
	char href[256];

	m = bk_model(p, in->model);
	d = in->dealer != NULL ? pages_dealer(p, in->dealer) : NULL;
	pk.model = m ? bk_code(m) : NULL;
	pk.dealer = d ? bk_code(d) : NULL;
	pk.date = in->date != NULL && jtime_midnight(in->date) != -1 ? in->date : NULL;
	if (m == NULL)
		step = BK_MODEL;
	else if (d == NULL || pages_demo_cars(p, pk.dealer, pk.model) <= 0)
		step = BK_DEALER;
	else
		step = BK_WHEN;
	if (step == BK_DEALER && d != NULL)
		json_object_set_new(v, "dealer_notice", json_string(pages_string(p, l,
		    "td_dealer_lacks_model")));
	if (m != NULL) {
		bk_href(l, NULL, step == BK_WHEN ? pk.dealer : NULL, NULL, href, sizeof(href));
		bk_chosen(chosen, l, pages_string(p, l, "td_model"), bk_text(m, "name", l), href);
		json_object_set_new(v, "model_code", json_string(pk.model));
	}
	if (step == BK_WHEN) {
		bk_href(l, pk.model, NULL, NULL, href, sizeof(href));
		bk_chosen(chosen, l, pages_string(p, l, "td_dealer"), bk_text(d, "name", l), href);
		json_object_set_new(v, "dealer_code", json_string(pk.dealer));
		bk_when(app, p, l, &pk, d, now, v);
	} else if (step == BK_DEALER) {
		json_object_set_new(v, "step_dealer", json_true());
		pk.near = in->near;
		pk.near_pref = in->near_pref;
		pk.near_code = in->near_code;
		json_object_set_new(v, "prefectures", bk_dealers(p, l, &pk));
		bk_near_form(p, l, in, v);
	} else {
		json_object_set_new(v, "step_model", json_true());
		/* a dealer chosen first (from its page) narrows the models to its own */
		if (d != NULL)
			json_object_set_new(v, "keep_dealer", json_string(pk.dealer));
		json_object_set_new(v, "models", bk_models(p, l, pk.dealer));
	}
	json_object_set_new(v, "steps", booking_progress(p, l, (int)step));
	bk_switch_query(&pk, step, v);
	if (json_array_size(chosen) > 0)
		json_object_set_new(v, "chosen", json_pack("{s:o}", "items", chosen));
	else
		json_decref(chosen);
	/* a step reached from another: focus its heading, so that the change is announced */
	json_object_set_new(v, "focus_step", json_boolean(in->model || in->dealer ||
	    in->date));
	return v;
}

/* ---- the times of a day ---- */

static void
bk_time_label(const char *start, int minutes, enum lang l, char *out, size_t outsz)
{
	int m = jtime_num(start + 11, 2) * 60 + jtime_num(start + 14, 2) + minutes;

	snprintf(out, outsz, "%.5s%s%02d:%02d", start + 11, l == LANG_JA ? "〜" : "–",
	    (m / 60) % 24, m % 60);	/* times_dash, which the script reads */
}

/* Why a day has no time to choose: the UI string that says so. */
static const char *
bk_no_times(struct app *app, const json_t *dealer, const struct booking_pick *pk,
    time_t now)
{
	char today[11];

	jtime_date(now, 0, today);
	switch (bk_day(app, dealer, pk->model, pk->date, now, strcmp(today, pk->date) == 0)) {
	case BD_CLOSED:
		return "times_closed";
	case BD_OVER:
		return "times_over";
	case BD_FULL:
		return "times_full";
	default:
		return "times_off";
	}
}

/* What the page's script needs to show another day's times in place: the choices, and
 * the texts it fills in (times_legend, slot_free, ...), in the page's language. */
static void
bk_script(const struct pages *p, enum lang l, const struct booking_pick *pk,
    const json_t *d, json_t *f)
{
	if (d == NULL || pk->model == NULL)
		return;
	json_object_set_new(f, "script", json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, "
	    "s:s, s:s}", "model", pk->model, "dealer", pk->dealer, "dealer_name",
	    bk_text(d, "name", l), "minutes", json_integer_value(json_object_get(d,
	    "slot_minutes")), "legend", pages_string(p, l, "times_legend"), "free",
	    pages_string(p, l, "slot_free"), "full", pages_string(p, l, "td_full"),
	    "shown", pages_string(p, l, "times_shown"), "none_full",
	    pages_string(p, l, "times_full"), "dash", pages_string(p, l, "times_dash")));
}

void
booking_times(struct app *app, const struct pages *p, enum lang l,
    const struct booking_pick *pk, const char *chosen, time_t now, json_t *f)
{
	struct slot s[SLOTS_MAX_PER_DAY];
	const json_t *d = pages_dealer(p, pk->dealer);
	json_t *opts = json_array();
	char label[64], note[64], legend[256], day[64], num[16];
	int i, n, len, open = 0;

	json_object_set_new(f, "options", opts);
	bk_script(p, l, pk, d, f);
	if (d == NULL || pk->model == NULL || pages_demo_cars(p, pk->dealer, pk->model) <= 0 ||
	    pk->date == NULL || jtime_midnight(pk->date) == -1) {
		json_object_set_new(f, "slot_hint", json_string(pages_string(p, l,
		    "times_choose_day")));
		return;
	}
	jtime_day_label(pk->date, l, day, sizeof(day));
	pages_fill(legend, sizeof(legend), pages_string(p, l, "times_legend"), "day", day,
	    "dealer", bk_text(d, "name", l), NULL);
	json_object_set_new(f, "legend", json_string(legend));
	json_object_set_new(f, "day_chosen", json_true());
	n = slots_free(app->store, d, pk->dealer, pk->model, pk->date, now, s,
	    SLOTS_MAX_PER_DAY);
	len = (int)json_integer_value(json_object_get(d, "slot_minutes"));
	for (i = 0; i < n; i++) {
		bk_time_label(s[i].start, len, l, label, sizeof(label));
		snprintf(num, sizeof(num), "%u", s[i].free);
		if (s[i].free > 0)
			pages_fill(note, sizeof(note), pages_string(p, l, "slot_free"), "n", num,
			    NULL);
		else
			snprintf(note, sizeof(note), "%s", pages_string(p, l, "td_full"));
		json_array_append_new(opts, json_pack("{s:s, s:s, s:s, s:b, s:b}",
		    "value", s[i].start, "label", label, "note", note,
		    "disabled", s[i].free == 0,
		    "selected", chosen != NULL && strcmp(chosen, s[i].start) == 0));
		open += s[i].free > 0;
	}
	if (open == 0)
		json_object_set_new(f, "slot_hint", json_string(pages_string(p, l,
		    n < 0 ? "forms_closed" : bk_no_times(app, d, pk, now))));
}

void
booking_slot_label(const struct pages *p, enum lang l, const char *dealer, const char *slot,
    char *out, size_t outsz)
{
	const json_t *d = pages_dealer(p, dealer);
	char date[11], day[64], t[32];

	if (jtime_epoch(slot) == -1) {
		snprintf(out, outsz, "%s", slot);
		return;
	}
	snprintf(date, sizeof(date), "%.10s", slot);
	jtime_day_label(date, l, day, sizeof(day));
	bk_time_label(slot, (int)json_integer_value(json_object_get(d, "slot_minutes")), l, t,
	    sizeof(t));
	snprintf(out, outsz, "%s %s", day, t);
}
