/*
 * The dealer's pages: a day list (printable on A4: templates/office/assets/print.css)
 * and a week calendar of test drives, cancellations marked, new bookings since the
 * last visit marked and counted; one booking opened whole; the .ics and CSV files.
 * Only the records whose slot falls in the days shown are read and opened (the store
 * keeps the slot in the clear, indexed), so a long backlog does not slow a week down.
 */
#include "showroom/office/office_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "seal/record.h"
#include "showroom/office/bookings_fmt.h"

/* The bookings of the days FROM to TO, opened, as the formats see them. */
struct od_days {
	char			 from[11], to[11];
	struct bostore_rec	*recs;
	size_t			 nrecs;
	json_t			**docs;
	struct booking		*v;
	size_t			*rec_of;	/* v[k] came from recs[rec_of[k]] */
	size_t			 nv, refused;
	struct booking_row	*rows;
	size_t			 nrows;
};

static void
od_days_free(struct od_days *d)
{
	size_t i;

	for (i = 0; d->docs != NULL && i < d->nrecs; i++)
		json_decref(d->docs[i]);
	free(d->docs);
	free(d->v);
	free(d->rec_of);
	free(d->rows);
	bostore_recs_free(d->recs, d->nrecs);
	memset(d, 0, sizeof(*d));
}

static int
od_days_load(struct office *o, struct od_days *d, char *err, size_t errlen)
{
	struct bostore_q q;
	char end[11];
	size_t i;

	jtime_date(jtime_midnight(d->to), 1, end);
	memset(&q, 0, sizeof(q));
	q.key_id = o->b.id.pub.key_id;
	q.sel = BOSTORE_ALL;	/* acknowledged bookings stay until purge */
	q.slot_from = d->from;
	q.slot_to = end;
	if (bostore_query(o->b.db, &q, &d->recs, &d->nrecs, err, errlen) == -1)
		return -1;
	d->docs = calloc(d->nrecs + 1, sizeof(*d->docs));
	d->v = calloc(d->nrecs + 1, sizeof(*d->v));
	d->rec_of = calloc(d->nrecs + 1, sizeof(*d->rec_of));
	if (d->docs == NULL || d->v == NULL || d->rec_of == NULL)
		return errbuf_set(err, errlen, "out of memory");
	for (i = 0; i < d->nrecs; i++) {
		if (strcmp(d->recs[i].kind, "catalog_request") == 0)
			continue;
		if (bo_open_record(&o->b, &d->recs[i], &d->docs[i], err, errlen) == -1) {
			log_error("REFUSED: %s", err);
			d->refused++;
			continue;
		}
		bo_booking_fill(o->catalog, o->sess.lang, &d->recs[i], d->docs[i], &d->v[d->nv]);
		d->rec_of[d->nv++] = i;
	}
	{
		const struct audit_count cnt[] = {
			{ "opened", (int64_t)d->nv }, { "refused", (int64_t)d->refused },
		};
		if (d->nv + d->refused > 0)
			bo_audit(&o->b, "open", cnt, 2, NULL, "office", NULL);
	}
	return bookings_rows(d->v, d->nv, d->from, d->to, &d->rows, &d->nrows, err, errlen);
}

static const struct bostore_rec *
od_rec(const struct od_days *d, const struct booking *b)
{
	return &d->recs[d->rec_of[b - d->v]];
}

static void
od_hhmm(const char *slot, int plus, char out[8])
{
	int t = jtime_num(slot + 11, 2) * 60 + jtime_num(slot + 14, 2) + plus;

	snprintf(out, 8, "%02d:%02d", (t / 60) % 100, t % 60);
}

static const char *
od_or(const char *a, const char *b)
{
	return a != NULL && a[0] != '\0' ? a : b != NULL ? b : "";
}

/* The decline reasons the server takes (store_reasons), in the order of the select. */
static const char *const od_reasons[] = {
	"closed", "car_unavailable", "staff_unavailable", "other"
};

static int
od_reason_ok(const char *r)
{
	size_t i;

	for (i = 0; r != NULL && i < sizeof(od_reasons) / sizeof(od_reasons[0]); i++)
		if (strcmp(r, od_reasons[i]) == 0)
			return 1;
	return 0;
}

/* [{code, label, selected}] for a reason select; SEL (may be NULL) selected. */
json_t *
office_reasons(struct office *o, const char *sel)
{
	json_t *a = json_array();
	char key[48];
	size_t i;

	for (i = 0; i < sizeof(od_reasons) / sizeof(od_reasons[0]); i++) {
		snprintf(key, sizeof(key), "reason_%s", od_reasons[i]);
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code", od_reasons[i],
		    "label", office_str(o, key), "selected", sel != NULL &&
		    strcmp(sel, od_reasons[i]) == 0));
	}
	return a;
}

/*
 * The booking's status as this office knows it: the last decision sent from here or
 * the CLI on this store (marks.decision), else pending. The server holds the truth
 * (the visitor's receipt); another store's decision is not seen here.
 */
static void
od_status(struct office *o, json_t *row, const struct bostore_rec *rec)
{
	char key[48];
	int confirmed = strcmp(rec->decision, "confirmed") == 0;
	int declined = strcmp(rec->decision, "declined") == 0;

	json_object_set_new(row, "confirmed", json_boolean(confirmed));
	json_object_set_new(row, "declined", json_boolean(declined));
	json_object_set_new(row, "pending", json_boolean(!confirmed && !declined));
	json_object_set_new(row, "status_label", json_string(office_str(o, confirmed ?
	    "status_confirmed" : declined ? "status_declined" : "status_pending")));
	if (declined && rec->reason[0] != '\0') {
		snprintf(key, sizeof(key), "reason_%s", rec->reason);
		json_object_set_new(row, "reason_label", json_string(office_str(o, key)));
	}
}

static json_t *
od_row(struct office *o, const struct od_days *d, const struct booking_row *r)
{
	const struct bostore_rec *rec = od_rec(d, r->b);
	json_t *row = json_object();
	char from[8], to[8], span[20];

	od_hhmm(r->b->slot, 0, from);
	od_hhmm(r->b->slot, r->b->slot_minutes, to);
	snprintf(span, sizeof(span), "%s–%s", from, to);
	json_object_set_new(row, "id", json_string(rec->id));
	json_object_set_new(row, "date", json_sprintf("%.10s", r->b->slot));
	json_object_set_new(row, "time", json_string(span));
	json_object_set_new(row, "cancelled", json_boolean(r->cancel != NULL));
	json_object_set_new(row, "new", json_boolean(rec->pulled_at > o->sess.visit_mark));
	json_object_set_new(row, "name", office_text(od_or(r->b->name, "-"), 0));
	json_object_set_new(row, "phone", office_text(od_or(r->b->phone, ""), 0));
	json_object_set_new(row, "email", office_text(od_or(r->b->email, ""), 0));
	json_object_set_new(row, "note", office_text(od_or(r->b->note, ""), 1));
	json_object_set_new(row, "model", office_text(od_or(r->b->model_name, r->b->model),
	    0));
	json_object_set_new(row, "dealer", office_text(od_or(r->b->dealer_name, r->b->dealer),
	    0));
	od_status(o, row, rec);
	return row;
}

/* DATE from the query when it is a real day, else today in Japan. */
static void
od_date(struct office_req *rq, char out[11])
{
	const char *d = form_get(&rq->q, "date");

	if (d != NULL && strlen(d) == 10 && jtime_midnight(d) != (time_t)-1)
		snprintf(out, 11, "%s", d);
	else
		jtime_date(time(NULL), 0, out);
}

static void
od_common(struct office *o, json_t *ctx, const struct od_days *d)
{
	char today[11];

	jtime_date(time(NULL), 0, today);
	json_object_set_new(ctx, "today", json_string(today));
	if (d->refused > 0)
		json_object_set_new(ctx, "refused", json_integer((json_int_t)d->refused));
}

static void
od_fail(struct office *o, struct office_reply *rp, struct od_days *d, const char *err)
{
	log_error("office: %s", err);
	od_days_free(d);
	office_message(o, rp, 500, "error_title", "error_store");
}

void
office_dealer_day(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	struct od_days d;
	json_t *ctx, *rows;
	char err[512], label[64], prev[11], next[11];
	size_t i, cancelled = 0;

	memset(&d, 0, sizeof(d));
	od_date(rq, d.from);
	memcpy(d.to, d.from, sizeof(d.to));
	if (od_days_load(o, &d, err, sizeof(err)) == -1) {
		od_fail(o, rp, &d, err);
		return;
	}
	ctx = json_object();
	rows = json_array();
	for (i = 0; i < d.nrows; i++) {
		json_array_append_new(rows, od_row(o, &d, &d.rows[i]));
		cancelled += d.rows[i].cancel != NULL;
	}
	jtime_day_label(d.from, o->sess.lang, label, sizeof(label));
	jtime_date(jtime_midnight(d.from), -1, prev);
	jtime_date(jtime_midnight(d.from), 1, next);
	json_object_set_new(ctx, "title", json_sprintf("%s %s", office_str(o, "day_title"),
	    label));
	json_object_set_new(ctx, "nav_day", json_true());
	json_object_set_new(ctx, "date", json_string(d.from));
	json_object_set_new(ctx, "label", json_string(label));
	json_object_set_new(ctx, "prev", json_string(prev));
	json_object_set_new(ctx, "next", json_string(next));
	json_object_set_new(ctx, "any", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "booked", json_integer((json_int_t)(d.nrows - cancelled)));
	json_object_set_new(ctx, "cancelled_n", json_integer((json_int_t)cancelled));
	json_object_set_new(ctx, "dealer_label", office_text(d.nrows > 0 ?
	    od_or(d.rows[0].b->dealer_name, o->b.id.pub.dealer) : o->b.id.pub.dealer, 0));
	od_common(o, ctx, &d);
	od_days_free(&d);
	office_page(o, rp, "day", ctx);
}

void
office_dealer_week(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	struct od_days d;
	json_t *ctx, *days, *day, *rows;
	char err[512], date[11], today[11], label[64];
	size_t i, k;
	int wd, n;

	memset(&d, 0, sizeof(d));
	od_date(rq, date);
	wd = jtime_wday(date);		/* weeks run Monday to Sunday */
	jtime_date(jtime_midnight(date), -((wd + 6) % 7), d.from);
	jtime_date(jtime_midnight(d.from), 6, d.to);
	if (od_days_load(o, &d, err, sizeof(err)) == -1) {
		od_fail(o, rp, &d, err);
		return;
	}
	jtime_date(time(NULL), 0, today);
	ctx = json_object();
	days = json_array();
	for (n = 0, k = 0; n < 7; n++) {
		jtime_date(jtime_midnight(d.from), n, date);
		jtime_day_label(date, o->sess.lang, label, sizeof(label));
		rows = json_array();
		for (; k < d.nrows && strncmp(d.rows[k].b->slot, date, 10) == 0; k++)
			json_array_append_new(rows, od_row(o, &d, &d.rows[k]));
		day = json_pack("{s:s, s:s, s:b, s:o, s:b}", "date", date, "label", label,
		    "any", json_array_size(rows) > 0, "rows", rows, "today",
		    strcmp(date, today) == 0);
		json_array_append_new(days, day);
	}
	for (i = 0; i < 2; i++) {
		jtime_date(jtime_midnight(d.from), i ? 7 : -7, date);
		json_object_set_new(ctx, i ? "next" : "prev", json_string(date));
	}
	jtime_day_label(d.from, o->sess.lang, label, sizeof(label));
	json_object_set_new(ctx, "title", json_sprintf("%s %s", office_str(o, "week_title"),
	    label));
	json_object_set_new(ctx, "nav_week", json_true());
	json_object_set_new(ctx, "from", json_string(d.from));
	json_object_set_new(ctx, "label", json_string(label));
	json_object_set_new(ctx, "days", days);
	json_object_set_new(ctx, "total", json_integer((json_int_t)d.nrows));
	od_common(o, ctx, &d);
	od_days_free(&d);
	office_page(o, rp, "week", ctx);
}

void
office_dealer_booking(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	struct bostore_rec r;
	struct od_days d;
	json_t *ctx;
	char err[512];
	size_t i;
	int found = 0;

	memset(&d, 0, sizeof(d));
	if (strlen(rq->arg) > 63 || bostore_get(o->b.db, o->b.id.pub.key_id, rq->arg, &r,
	    &found, err, sizeof(err)) == -1 || !found || strlen(r.slot_start) < 10) {
		if (found)
			free(r.ct);
		office_message(o, rp, 404, "notfound_title", "notfound_record");
		return;
	}
	/* its day, opened, tells whether a cancellation came for it */
	snprintf(d.from, sizeof(d.from), "%.10s", r.slot_start);
	memcpy(d.to, d.from, sizeof(d.to));
	free(r.ct);
	if (od_days_load(o, &d, err, sizeof(err)) == -1) {
		od_fail(o, rp, &d, err);
		return;
	}
	for (i = 0; i < d.nrows; i++)
		if (strcmp(od_rec(&d, d.rows[i].b)->id, rq->arg) == 0)
			break;
	if (i == d.nrows) {
		od_days_free(&d);
		office_message(o, rp, 422, "error_title", "error_record_refused");
		return;
	}
	ctx = json_object();
	json_object_set_new(ctx, "title", json_string(office_str(o, "booking_title")));
	json_object_set_new(ctx, "b", od_row(o, &d, &d.rows[i]));
	json_object_set_new(ctx, "received", office_time((time_t)r.created));
	json_object_set_new(ctx, "nav_day", json_true());
	if (d.rows[i].cancel != NULL && d.rows[i].cancel != d.rows[i].b)
		json_object_set_new(ctx, "cancel_id", json_string(d.rows[i].cancel->record_id));
	json_object_set_new(ctx, "reasons", office_reasons(o, NULL));
	od_days_free(&d);
	office_page(o, rp, "booking", ctx);
}

/* A record id in a path: what recid makes, nothing that could leave the path. */
static int
od_id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < 64 && strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

/* Confirm or decline one booking: the same function as showroom bookings confirm. */
void
office_dealer_decide(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *op = form_get(&rq->f, "op"), *reason = form_get(&rq->f, "reason");
	struct buf msgs = BUF_INIT;
	json_t *res = NULL;
	char id[64], back[96], *ids[1] = { id };
	int rc, decline;

	if (!od_id_ok(rq->arg)) {
		office_message(o, rp, 404, "notfound_title", "notfound_record");
		return;
	}
	snprintf(id, sizeof(id), "%s", rq->arg);
	snprintf(back, sizeof(back), "/booking/%s", id);
	if (form_get(&rq->f, "next") != NULL)	/* the calendar's list of affected bookings */
		snprintf(back, sizeof(back), "%s", office_local_path(form_get(&rq->f,
		    "next")));
	if (op == NULL || (strcmp(op, "confirm") != 0 && strcmp(op, "decline") != 0)) {
		office_redirect(o, rp, back, 1, "%s", office_str(o, "error_decide"));
		return;
	}
	decline = strcmp(op, "decline") == 0;
	if (decline && !od_reason_ok(reason)) {
		office_redirect(o, rp, back, 1, "%s", office_str(o, "error_reason"));
		return;
	}
	o->b.msgs = &msgs;
	rc = bo_decide(&o->b, op, ids, 1, decline ? reason : NULL, &res);
	o->b.msgs = NULL;
	if (rc != 0) {
		json_t *r0 = json_array_get(json_object_get(res, "results"), 0);
		const char *e = json_string_value(json_object_get(r0, "error"));

		office_redirect(o, rp, back, 1, "%s\n%s%s", office_str(o, "error_decide"),
		    msgs.data ? msgs.data : "", e != NULL ? e : "");
	} else
		office_redirect(o, rp, back, 0, "%s", office_str(o, decline ?
		    "declined_done" : "confirmed_done"));
	json_decref(res);
	buf_free(&msgs);
}

void
office_dealer_file(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *fmt = form_get(&rq->f, "format"), *date = form_get(&rq->f, "date");
	const char *back = office_local_path(form_get(&rq->f, "next"));
	struct bo_bookings j;
	struct buf msgs = BUF_INIT;
	char name[96], stamp[17], *out = NULL;
	int rc;

	if (fmt == NULL || (strcmp(fmt, "ics") != 0 && strcmp(fmt, "csv") != 0) ||
	    date == NULL || (strcmp(date, "all") != 0 && (strlen(date) != 10 ||
	    jtime_midnight(date) == (time_t)-1))) {
		office_redirect(o, rp, back, 1, "%s", office_str(o, "error_format"));
		return;
	}
	jtime_datetime(time(NULL), stamp);
	stamp[10] = '-';
	memmove(stamp + 13, stamp + 14, 3);
	snprintf(name, sizeof(name), "%s-test-drives-%s.%s", stamp, date, fmt);
	if (asprintf(&out, "%s/%s", o->exports_dir, name) == -1) {
		office_redirect(o, rp, back, 1, "out of memory");
		return;
	}
	memset(&j, 0, sizeof(j));
	j.format = fmt;
	j.out = out;
	j.date = date;
	j.lang = o->sess.lang;
	j.catalog = json_incref(o->catalog);
	o->b.msgs = &msgs;
	rc = bo_bookings(&o->b, &j);
	o->b.msgs = NULL;
	if (rc != 0)
		office_redirect(o, rp, back, 1, "%s\n%s", office_str(o, "error_export"),
		    msgs.data ? msgs.data : "");
	else
		office_send_file(o, rp, out, name, strcmp(fmt, "ics") == 0 ?
		    "text/calendar; charset=utf-8" : "text/csv; charset=utf-8");
	buf_free(&msgs);
	bo_bookings_free(&j);
	free(out);
}
