/*
 * The dealer's calendar in the office: five weeks as a grid (no script), each day open or
 * closed (the whole store, or by model), its demo-car overrides and the content's fixed
 * closed days, read from the server with bo_slots "list"; a day's form closes it (the
 * whole store or one model), reopens it, or sets a model's demo cars, for a range of days.
 * A change that leaves bookings in closed or overfull slots lists them (names from the
 * store when pulled), each to keep or to decline with a reason.
 */
#include "showroom/office/office_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "showroom/office/bookings_fmt.h"

#define OC_WEEKS	5

static const char *
oc_lc(const struct office *o)
{
	return o->sess.lang == LANG_EN ? "en" : "ja";
}

/* A model's name from the catalog, else its code. */
static const char *
oc_model_name(const struct office *o, const char *code)
{
	json_t *m;
	const char *n;
	size_t i;

	json_array_foreach(json_object_get(o->catalog, "models"), i, m)
		if (code != NULL && json_string_value(json_object_get(m, "code")) != NULL &&
		    strcmp(json_string_value(json_object_get(m, "code")), code) == 0) {
			n = json_string_value(json_object_get(json_object_get(m, "name"),
			    oc_lc(o)));
			return n != NULL ? n : code;
		}
	return code != NULL ? code : "";
}

/* The dealer's models (its demo cars in the catalog): [{code, name}]. */
static json_t *
oc_models(const struct office *o)
{
	json_t *a = json_array(), *d, *v;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(o->catalog, "dealers"), i, d) {
		if (json_string_value(json_object_get(d, "code")) == NULL ||
		    strcmp(json_string_value(json_object_get(d, "code")),
		    o->b.id.pub.dealer) != 0)
			continue;
		json_object_foreach(json_object_get(d, "demo_cars"), k, v)
			json_array_append_new(a, json_pack("{s:s, s:o}", "code", k, "name",
			    office_text(oc_model_name(o, k), 0)));
	}
	return a;
}

/* 1 when DATE's "MM-DD" falls in a fixed closed range {from, to} ("MM-DD", may wrap). */
static int
oc_fixed(const json_t *fixed, const char *date)
{
	const char *md = date + 5, *f, *t;
	json_t *r;
	size_t i;

	json_array_foreach(fixed, i, r) {
		f = json_string_value(json_object_get(r, "from"));
		t = json_string_value(json_object_get(r, "to"));
		if (f == NULL || t == NULL)
			continue;
		if (strcmp(f, t) <= 0 ? strcmp(md, f) >= 0 && strcmp(md, t) <= 0 :
		    strcmp(md, f) >= 0 || strcmp(md, t) <= 0)
			return 1;
	}
	return 0;
}

/* A real day "YYYY-MM-DD", or NULL. */
static const char *
oc_day(const char *d)
{
	return d != NULL && strlen(d) == 10 && jtime_midnight(d) != (time_t)-1 ? d : NULL;
}

/* The grid from the Monday of FROM's week, with the server's LIST. */
static json_t *
oc_weeks(struct office *o, const char *start, json_t *list, const char *sel)
{
	json_t *weeks = json_array(), *days = NULL, *day, *e, *models, *cars;
	json_t *fixed = json_object_get(list, "fixed_closed");
	char date[11], today[11];
	const char *m;
	size_t i;
	int n;

	jtime_date(time(NULL), 0, today);
	for (n = 0; n < OC_WEEKS * 7; n++) {
		jtime_date(jtime_midnight(start), n, date);
		if (n % 7 == 0) {
			days = json_array();
			json_array_append_new(weeks, json_pack("{s:o}", "days", days));
		}
		models = json_array();
		cars = json_array();
		day = json_pack("{s:s, s:i, s:b, s:b, s:b, s:b}", "date", date, "mday",
		    jtime_num(date + 8, 2), "today", strcmp(date, today) == 0, "past",
		    strcmp(date, today) < 0, "fixed", oc_fixed(fixed, date), "selected",
		    sel != NULL && strcmp(sel, date) == 0);
		json_array_foreach(json_object_get(list, "days"), i, e) {
			if (json_string_value(json_object_get(e, "date")) == NULL ||
			    strcmp(json_string_value(json_object_get(e, "date")), date) != 0)
				continue;
			m = json_string_value(json_object_get(e, "model"));
			if (json_is_true(json_object_get(e, "closed"))) {
				if (m == NULL)
					json_object_set_new(day, "closed", json_true());
				else
					json_array_append_new(models, office_text(
					    oc_model_name(o, m), 0));
			}
			if (m != NULL && json_is_integer(json_object_get(e, "cars")))
				json_array_append_new(cars, json_pack("{s:o, s:I}", "model",
				    office_text(oc_model_name(o, m), 0), "n",
				    json_integer_value(json_object_get(e, "cars"))));
		}
		json_object_set_new(day, "closed_models", models);
		json_object_set_new(day, "cars", cars);
		json_object_set_new(day, "open", json_boolean(!json_is_true(json_object_get(day,
		    "closed")) && !oc_fixed(fixed, date)));
		json_array_append_new(days, day);
	}
	return weeks;
}

/* The grid's first day: the Monday of FROM's week (default this week). */
static void
oc_start(const char *from, char out[11])
{
	char d[11];

	if (from != NULL)
		snprintf(d, sizeof(d), "%s", from);
	else
		jtime_date(time(NULL), 0, d);
	jtime_date(jtime_midnight(d), -((jtime_wday(d) + 6) % 7), out);
}

/* The calendar page: the grid, the selected day's form, what a change left. */
static void
oc_page(struct office *o, struct office_reply *rp, const char *from, const char *sel,
    json_t *affected)
{
	struct bo_slots j;
	struct buf msgs = BUF_INIT;
	json_t *ctx, *list = NULL;
	char start[11], end[11], prev[11], next[11], label[64];
	int rc;

	oc_start(from, start);
	jtime_date(jtime_midnight(start), OC_WEEKS * 7 - 1, end);
	memset(&j, 0, sizeof(j));
	j.op = "list";
	j.from = start;
	j.to = end;
	o->b.msgs = &msgs;
	rc = bo_slots(&o->b, &j, &list);
	o->b.msgs = NULL;
	ctx = json_object();
	if (rc != 0) {
		json_object_set_new(ctx, "error", json_sprintf("%s\n%s", office_str(o,
		    rc == BO_EXIT_UNREACHABLE ? "error_unreachable" : "error_calendar"),
		    msgs.data ? msgs.data : ""));
		list = json_object();
	}
	buf_free(&msgs);
	jtime_date(jtime_midnight(start), -28, prev);
	jtime_date(jtime_midnight(start), 28, next);
	jtime_day_label(start, o->sess.lang, label, sizeof(label));
	json_object_set_new(ctx, "title", json_sprintf("%s %s", office_str(o,
	    "calendar_title"), label));
	json_object_set_new(ctx, "nav_calendar", json_true());
	json_object_set_new(ctx, "from", json_string(start));
	json_object_set_new(ctx, "label", json_string(label));
	json_object_set_new(ctx, "prev", json_string(prev));
	json_object_set_new(ctx, "next", json_string(next));
	json_object_set_new(ctx, "weeks", oc_weeks(o, start, list, sel));
	json_object_set_new(ctx, "wdays", json_array());
	for (rc = 0; rc < 7; rc++)
		json_array_append_new(json_object_get(ctx, "wdays"), json_string(
		    jtime_wday_name((rc + 1) % 7, o->sess.lang)));
	if (sel != NULL) {
		jtime_day_label(sel, o->sess.lang, label, sizeof(label));
		json_object_set_new(ctx, "sel", json_pack("{s:s, s:s, s:o}", "date", sel,
		    "label", label, "models", oc_models(o)));
	}
	if (affected != NULL) {
		json_object_set_new(ctx, "affected_any", json_boolean(json_array_size(affected) >
		    0));
		json_object_set_new(ctx, "affected", affected);
	}
	json_object_set_new(ctx, "reasons", office_reasons(o, "closed"));
	json_decref(list);
	office_page(o, rp, "calendar", ctx);
}

void
office_dealer_calendar(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	oc_page(o, rp, oc_day(form_get(&rq->q, "from")), oc_day(form_get(&rq->q, "date")),
	    NULL);
}

/* The bookings a change left in closed or overfull slots, named from the store. */
static json_t *
oc_affected(struct office *o, json_t *reply)
{
	json_t *out = json_array(), *a, *doc, *row;
	struct bostore_rec r;
	struct booking v;
	char err[256], label[64];
	const char *id, *start;
	size_t i, opened = 0, refused = 0;
	int found;

	json_array_foreach(json_object_get(reply, "affected"), i, a) {
		id = json_string_value(json_object_get(a, "id"));
		start = json_string_value(json_object_get(a, "start"));
		if (id == NULL || start == NULL)
			continue;
		jtime_label(start, o->sess.lang, label, sizeof(label));
		row = json_pack("{s:s, s:s, s:o}", "id", id, "time", label, "model",
		    office_text(oc_model_name(o, json_string_value(json_object_get(a,
		    "model"))), 0));
		if (bostore_get(o->b.db, o->b.id.pub.key_id, id, &r, &found, err,
		    sizeof(err)) == 0 && found) {
			doc = NULL;
			if (bo_open_record(&o->b, &r, &doc, err, sizeof(err)) == 0) {
				bo_booking_fill(o->catalog, o->sess.lang, &r, doc, &v);
				if (v.name != NULL)
					json_object_set_new(row, "name", office_text(v.name, 0));
				opened++;
			} else
				refused++;
			json_decref(doc);
			free(r.ct);
		}
		json_array_append_new(out, row);
	}
	{
		const struct audit_count cnt[] = {
			{ "opened", (int64_t)opened }, { "refused", (int64_t)refused },
		};
		if (opened + refused > 0)
			bo_audit(&o->b, "open", cnt, 2, NULL, "office", NULL);
	}
	return out;
}

void
office_dealer_calendar_post(struct office *o, struct office_req *rq,
    struct office_reply *rp)
{
	const char *op = form_get(&rq->f, "op"), *model = form_get(&rq->f, "model");
	const char *from = oc_day(form_get(&rq->f, "from")), *to = form_get(&rq->f, "to");
	const char *cars = form_get(&rq->f, "cars"), *grid = oc_day(form_get(&rq->f, "grid"));
	struct bo_slots j;
	struct buf msgs = BUF_INIT;
	json_t *reply = NULL, *aff;
	char back[64];
	int rc;

	snprintf(back, sizeof(back), "/calendar%s%s", grid ? "?from=" : "", grid ? grid : "");
	if (model != NULL && model[0] == '\0')
		model = NULL;
	if (to != NULL && to[0] == '\0')
		to = NULL;
	if (op == NULL || from == NULL || (to != NULL && oc_day(to) == NULL) ||
	    (strcmp(op, "close") != 0 && strcmp(op, "open") != 0 && strcmp(op, "cars") != 0) ||
	    (strcmp(op, "cars") == 0 && (model == NULL || cars == NULL || cars[0] == '\0'))) {
		office_redirect(o, rp, back, 1, "%s", office_str(o, "error_calendar_form"));
		return;
	}
	memset(&j, 0, sizeof(j));
	j.op = op;
	j.model = model;
	j.from = from;
	j.to = to;
	j.cars = strcmp(op, "cars") == 0 ? cars : NULL;
	o->b.msgs = &msgs;
	rc = bo_slots(&o->b, &j, &reply);
	o->b.msgs = NULL;
	if (rc != 0) {
		office_redirect(o, rp, back, 1, "%s\n%s", office_str(o, rc ==
		    BO_EXIT_UNREACHABLE ? "error_unreachable" : "error_calendar"),
		    msgs.data ? msgs.data : "");
		buf_free(&msgs);
		return;
	}
	buf_free(&msgs);
	if (json_array_size(json_object_get(reply, "affected")) == 0) {
		json_decref(reply);
		office_redirect(o, rp, back, 0, "%s", office_str(o, "calendar_done"));
		return;
	}
	/* shown now: the list is the server's answer to this change, kept nowhere */
	aff = oc_affected(o, reply);
	json_decref(reply);
	buf_printf(&o->sess.flash, "%s", office_str(o, "calendar_done"));
	oc_page(o, rp, grid, NULL, aff);
}
