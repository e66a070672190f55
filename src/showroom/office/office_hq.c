/*
 * The clerk's pages (HQ keys): the inbox of catalog requests not yet exported (newest
 * first, a page at a time: only that page is opened), one request opened whole, the
 * export buttons, the handled records with their purge dates and "keep longer", and
 * the acknowledgement (for dealers too). Exports and acks are the commands' own
 * functions (bo_export, bo_ack), so each face sees what the other did.
 */
#include "showroom/office/office_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "lib/prefecture.h"
#include "seal/record.h"
#include "showroom/office/export.h"

/* The clerk picks a reason from this list: free text could hold personal data, and the
 * audit log must never. */
static const char *const oh_keep_reasons[] = {
	"customer_request", "returned_mail", "carrier_problem", "legal_hold",
};
static const int oh_keep_days[] = { 30, 90, 180, 365 };

static const char *
oh_str(json_t *doc, const char *name)
{
	json_t *v = json_object_get(doc, name);

	return json_is_string(v) ? json_string_value(v) : "";
}

static int
oh_id_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_') || i > 62)
			return 0;
	return i > 0;
}

/* A model's name in the session's language, from the catalog; else its code. */
static const char *
oh_model_name(struct office *o, const char *code)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(o->catalog, "models"), i, m)
		if (strcmp(oh_str(m, "code"), code) == 0) {
			const char *n = oh_str(json_object_get(m, "name"), lang_code(o->sess.lang));
			return n[0] != '\0' ? n : code;
		}
	return code;
}

static json_t *
oh_models(struct office *o, json_t *doc)
{
	struct buf b = BUF_INIT;
	json_t *m, *s;
	size_t i;

	json_array_foreach(json_object_get(doc, RECORD_F_MODELS), i, m)
		if (json_is_string(m))
			buf_printf(&b, "%s%s", b.len ? ", " : "", oh_model_name(o,
			    json_string_value(m)));
	s = office_text(b.data ? b.data : "", 0);
	buf_free(&b);
	return s;
}

static json_t *
oh_pref(struct office *o, json_t *doc)
{
	const char *pn = prefecture_name(atoi(oh_str(doc, RECORD_F_PREFECTURE)), o->sess.lang);

	return json_string(pn != NULL ? pn : "?");
}

/* Appends an "open" entry: the office opens records as list and export do. */
static void
oh_audit_open(struct office *o, size_t opened, size_t refused)
{
	const struct audit_count cnt[] = {
		{ "opened", (int64_t)opened }, { "refused", (int64_t)refused },
	};

	if (opened + refused > 0)
		bo_audit(&o->b, "open", cnt, 2, NULL, "office", NULL);
}

/* When the record leaves this machine: purge_days after its ack, or later if kept. */
static void
oh_purge(struct office *o, const struct bostore_rec *r, json_t *row)
{
	int64_t when = 0;

	if (r->acked_at > 0)
		when = r->acked_at + (int64_t)o->b.purge_days * 86400;
	if (r->keep_until > when && (r->acked_at > 0 || r->keep_until > 0))
		when = r->keep_until;
	if (r->acked_at > 0 || r->keep_until > 0) {
		char d[11];

		jtime_date((time_t)when, 0, d);
		json_object_set_new(row, "purge_on", json_string(d));
	}
	if (r->keep_until > 0)
		json_object_set_new(row, "kept_until", office_time((time_t)r->keep_until));
	json_object_set_new(row, "purge_days", json_integer(o->b.purge_days));
}

static json_t *
oh_row(struct office *o, const struct bostore_rec *r, json_t *doc)
{
	json_t *row = json_object();

	json_object_set_new(row, "id", json_string(r->id));
	json_object_set_new(row, "received", office_time((time_t)r->created));
	json_object_set_new(row, "unread", json_boolean(r->seen_at == 0 &&
	    r->exported_at == 0));
	json_object_set_new(row, "exported", json_boolean(r->exported_at != 0));
	json_object_set_new(row, "aside", json_boolean(r->aside_at != 0 && r->exported_at == 0));
	json_object_set_new(row, "acked", json_boolean(r->acked_at != 0));
	if (doc != NULL) {
		json_object_set_new(row, "models", oh_models(o, doc));
		json_object_set_new(row, "prefecture", oh_pref(o, doc));
	} else
		json_object_set_new(row, "refused", json_true());
	oh_purge(o, r, row);
	return row;
}

/* A page of records of selection SEL, newest first, opened; the pager around it. */
static json_t *
oh_list(struct office *o, struct office_req *rq, enum bostore_sel sel, json_t *ctx)
{
	struct bostore_rec *recs = NULL;
	struct bostore_q q;
	json_t *rows = json_array(), *doc;
	char err[512];
	size_t n = 0, i, total = 0, refused = 0, page;
	long pg = form_get(&rq->q, "page") ? atol(form_get(&rq->q, "page")) : 1;

	memset(&q, 0, sizeof(q));
	q.key_id = o->b.id.pub.key_id;
	q.kind = "catalog_request";
	q.sel = sel;
	if (bostore_count(o->b.db, &q, &total, err, sizeof(err)) == -1)
		goto fail;
	page = pg < 1 ? 1 : (size_t)pg;
	if ((page - 1) * OFFICE_PAGE >= total && total > 0)
		page = (total - 1) / OFFICE_PAGE + 1;
	q.newest_first = 1;
	q.offset = (page - 1) * OFFICE_PAGE;
	q.limit = OFFICE_PAGE;
	if (bostore_query(o->b.db, &q, &recs, &n, err, sizeof(err)) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (bo_open_record(&o->b, &recs[i], &doc, err, sizeof(err)) == -1) {
			log_error("REFUSED: %s", err);
			refused++;
			doc = NULL;
		}
		json_array_append_new(rows, oh_row(o, &recs[i], doc));
		json_decref(doc);
	}
	oh_audit_open(o, n - refused, refused);
	bostore_recs_free(recs, n);
	json_object_set_new(ctx, "total", json_integer((json_int_t)total));
	json_object_set_new(ctx, "any", json_boolean(total > 0));
	/* "1–50 of 10000", "10000件中 1–50件": the order differs */
	json_object_set_new(ctx, "range", o->sess.lang == LANG_JA ?
	    json_sprintf("%zu件中 %zu–%zu件", total, n ? q.offset + 1 : 0, q.offset + n) :
	    json_sprintf("%zu–%zu of %zu", n ? q.offset + 1 : 0, q.offset + n, total));
	if (page > 1)
		json_object_set_new(ctx, "prev_page", json_integer((json_int_t)page - 1));
	if (q.offset + n < total)
		json_object_set_new(ctx, "next_page", json_integer((json_int_t)page + 1));
	if (refused > 0)
		json_object_set_new(ctx, "refused", json_integer((json_int_t)refused));
	return rows;
fail:
	log_error("office: %s", err);
	json_object_set_new(ctx, "store_error", json_true());
	return rows;
}

static size_t
oh_count(struct office *o, const char *kind, enum bostore_sel sel)
{
	struct bostore_q q;
	char err[512];
	size_t n = 0;

	memset(&q, 0, sizeof(q));
	q.key_id = o->b.id.pub.key_id;
	q.kind = kind;
	q.sel = sel;
	if (bostore_count(o->b.db, &q, &n, err, sizeof(err)) == -1)
		log_error("office: %s", err);
	return n;
}

/* A count that guards a section: absent when 0, which mustache takes as true. */
static void
oh_set_count(json_t *ctx, const char *name, size_t n)
{
	if (n > 0)
		json_object_set_new(ctx, name, json_integer((json_int_t)n));
}

void
office_hq_inbox(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	json_t *ctx = json_object();

	json_object_set_new(ctx, "title", json_string(office_str(o, "inbox_title")));
	json_object_set_new(ctx, "nav_inbox", json_true());
	json_object_set_new(ctx, "rows", oh_list(o, rq, BOSTORE_NOT_EXPORTED, ctx));
	oh_set_count(ctx, "to_ack", oh_count(o, "catalog_request", BOSTORE_EXPORTED_UNACKED));
	oh_set_count(ctx, "set_aside", oh_count(o, "catalog_request", BOSTORE_SET_ASIDE));
	json_object_set_new(ctx, "seeds", json_boolean(json_array_size(json_object_get(o->b.conf,
	    "seeds")) > 0));
	json_object_set_new(ctx, "yamato", json_boolean(json_object_get(o->b.conf, "yamato") !=
	    NULL));
	office_page(o, rp, "inbox", ctx);
}

void
office_hq_handled(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	json_t *ctx = json_object();

	json_object_set_new(ctx, "title", json_string(office_str(o, "handled_title")));
	json_object_set_new(ctx, "nav_handled", json_true());
	json_object_set_new(ctx, "rows", oh_list(o, rq, BOSTORE_HANDLED, ctx));
	json_object_set_new(ctx, "yamato", json_boolean(json_object_get(o->b.conf, "yamato") !=
	    NULL));
	oh_set_count(ctx, "to_ack", oh_count(o, "catalog_request", BOSTORE_EXPORTED_UNACKED));
	office_page(o, rp, "handled", ctx);
}

static json_t *
oh_choices(struct office *o)
{
	json_t *reasons = json_array(), *days = json_array();
	char key[64];
	size_t i;

	for (i = 0; i < sizeof(oh_keep_reasons) / sizeof(oh_keep_reasons[0]); i++) {
		snprintf(key, sizeof(key), "reason_%s", oh_keep_reasons[i]);
		json_array_append_new(reasons, json_pack("{s:s, s:s}", "value",
		    oh_keep_reasons[i], "label", office_str(o, key)));
	}
	for (i = 0; i < sizeof(oh_keep_days) / sizeof(oh_keep_days[0]); i++)
		json_array_append_new(days, json_pack("{s:i}", "value", oh_keep_days[i]));
	return json_pack("{s:o, s:o}", "reasons", reasons, "days", days);
}

void
office_hq_record(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	struct bostore_rec r;
	json_t *ctx, *doc, *row;
	char err[512];
	int found = 0;

	if (!oh_id_ok(rq->arg) || bostore_get(o->b.db, o->b.id.pub.key_id, rq->arg, &r, &found,
	    err, sizeof(err)) == -1 || !found || strcmp(r.kind, "catalog_request") != 0) {
		if (found)
			free(r.ct);
		office_message(o, rp, 404, "notfound_title", "notfound_record");
		return;
	}
	if (bo_open_record(&o->b, &r, &doc, err, sizeof(err)) == -1) {
		log_error("REFUSED: %s", err);
		oh_audit_open(o, 0, 1);
		free(r.ct);
		office_message(o, rp, 422, "error_title", "error_record_refused");
		return;
	}
	oh_audit_open(o, 1, 0);
	if (r.seen_at == 0 && bostore_mark_seen(o->b.db, r.id, (int64_t)time(NULL), err,
	    sizeof(err)) == -1)
		log_warn("office: %s", err);
	ctx = json_object();
	row = oh_row(o, &r, doc);
	json_object_set_new(row, "name", office_text(oh_str(doc, RECORD_F_NAME), 0));
	json_object_set_new(row, "postal_code", office_text(oh_str(doc, RECORD_F_POSTAL_CODE),
	    0));
	json_object_set_new(row, "address1", office_text(oh_str(doc, RECORD_F_ADDRESS1), 0));
	json_object_set_new(row, "address2", office_text(oh_str(doc, RECORD_F_ADDRESS2), 0));
	json_object_set_new(row, "pulled", office_time((time_t)r.pulled_at));
	json_object_set_new(row, "exported_at", office_time((time_t)r.exported_at));
	json_object_set_new(row, "acked_at", office_time((time_t)r.acked_at));
	json_object_set_new(ctx, "title", json_string(office_str(o, "record_title")));
	json_object_set_new(ctx, "r", row);
	json_object_set_new(ctx, "keep", oh_choices(o));
	json_object_set_new(ctx, "nav_inbox", json_true());
	json_decref(doc);
	free(r.ct);
	office_page(o, rp, "record", ctx);
}

void
office_hq_keep(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *reason = form_get(&rq->f, "reason"), *days_s = form_get(&rq->f, "days");
	size_t i, idlen = strcspn(rq->arg, "/");
	int days = days_s ? atoi(days_s) : 0, ok_r = 0, ok_d = 0, found = 0;
	char id[64], back[96], err[512];
	struct bostore_rec r;
	int64_t until, due;

	/* POST /record/ID/keep */
	snprintf(id, sizeof(id), "%.*s", (int)(idlen < sizeof(id) ? idlen : 0), rq->arg);
	snprintf(back, sizeof(back), "/record/%s", id);
	for (i = 0; reason && i < sizeof(oh_keep_reasons) / sizeof(oh_keep_reasons[0]); i++)
		ok_r |= strcmp(reason, oh_keep_reasons[i]) == 0;
	for (i = 0; i < sizeof(oh_keep_days) / sizeof(oh_keep_days[0]); i++)
		ok_d |= days == oh_keep_days[i];
	if (!oh_id_ok(id) || strcmp(rq->arg + idlen, "/keep") != 0 ||
	    bostore_get(o->b.db, o->b.id.pub.key_id, id, &r, &found, err, sizeof(err)) == -1 ||
	    !found) {
		office_message(o, rp, 404, "notfound_title", "notfound_record");
		return;
	}
	free(r.ct);
	if (!ok_r || !ok_d) {
		office_redirect(o, rp, back, 1, "%s", office_str(o, "error_keep"));
		return;
	}
	/* DAYS past the day it would have gone, or from now when that is not set yet */
	due = r.acked_at > 0 ? r.acked_at + (int64_t)o->b.purge_days * 86400 : 0;
	until = (due > time(NULL) ? due : (int64_t)time(NULL)) + (int64_t)days * 86400;
	if (bostore_keep(o->b.db, r.id, until, err, sizeof(err)) == -1) {
		office_redirect(o, rp, back, 1, "%s", err);
		return;
	}
	{
		const struct audit_count cnt[] = { { "days", days } };
		struct audit_entry e;
		char aerr[512];

		memset(&e, 0, sizeof(e));
		e.key_id = o->b.id.pub.key_id;
		e.action = "keep";
		e.counts = cnt;
		e.ncounts = 1;
		e.record = r.id;
		e.reason = reason;
		if (audit_append(o->b.audit_path, &e, aerr, sizeof(aerr)) == -1) {
			office_redirect(o, rp, back, 1, "audit log %s: %s", o->b.audit_path, aerr);
			return;
		}
	}
	office_redirect(o, rp, back, 0, "%s", office_str(o, "keep_done"));
}

/* A field an export could not write, as the clerk knows it; else its own name. */
static const char *
oh_field_label(struct office *o, const char *field)
{
	if (strcmp(field, RECORD_F_NAME) == 0)
		return office_str(o, "f_name");
	if (strcmp(field, RECORD_F_POSTAL_CODE) == 0)
		return office_str(o, "f_postal_code");
	if (strcmp(field, RECORD_F_ADDRESS1) == 0 || strcmp(field, RECORD_F_ADDRESS2) == 0 ||
	    strcmp(field, "address") == 0)
		return office_str(o, "f_address");
	return field;
}

/*
 * The page after an export: links to the files written (Click Post writes one per 40
 * addresses) and, when the format could not carry some records, which ones and the
 * field at fault (never the value), with the button that exports them as plain CSV.
 */
static void
oh_export_page(struct office *o, struct office_reply *rp, const struct bo_export *j)
{
	json_t *ctx = json_object(), *files = json_array(), *why = json_array();
	size_t i;

	for (i = 0; i < j->npaths; i++)
		json_array_append_new(files, json_pack("{s:s}", "name",
		    strrchr(j->paths[i], '/') + 1));
	for (i = 0; i < j->nwhy; i++)
		json_array_append_new(why, json_pack("{s:s, s:s}", "id", j->why[i].id, "field",
		    oh_field_label(o, j->why[i].field)));
	json_object_set_new(ctx, "title", json_string(office_str(o, "files_title")));
	json_object_set_new(ctx, "files", files);
	json_object_set_new(ctx, "any_files", json_boolean(j->npaths > 0));
	json_object_set_new(ctx, "clickpost", json_boolean(strcmp(j->format, "clickpost") ==
	    0));
	json_object_set_new(ctx, "records", json_integer((json_int_t)(j->nrecs - j->naside)));
	if (j->naside > 0) {
		json_object_set_new(ctx, "set_aside", json_integer((json_int_t)j->naside));
		json_object_set_new(ctx, "why", why);
	} else
		json_decref(why);
	office_page(o, rp, "files", ctx);
}

/* The file's name on disk and for the browser: the date, the time and the format. */
static void
oh_export_name(const char *format, char *out, size_t outlen)
{
	time_t now = time(NULL);
	char d[17];

	jtime_datetime(now, d);		/* "YYYY-MM-DD HH:MM" */
	d[10] = '-';
	memmove(d + 13, d + 14, 3);
	snprintf(out, outlen, "%s%02d-%s", d, (int)(now % 60), strcmp(format, "csv") == 0 ?
	    "catalog-requests" : strcmp(format, "labels-pdf") == 0 ? "labels" : format);
}

void
office_hq_export(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *fmt = form_get(&rq->f, "format");
	struct bo_export j;
	struct buf msgs = BUF_INIT;
	char name[96], *out = NULL;
	const char *ext, *name_fmt;
	int rc;

	const char *back = form_get(&rq->f, "again") != NULL ? "/handled" : "/inbox";

	if (!bo_export_format_ok(fmt)) {
		office_redirect(o, rp, back, 1, "%s", office_str(o, "error_format"));
		return;
	}
	memset(&j, 0, sizeof(j));
	j.set_aside = form_get(&rq->f, "set_aside") != NULL;	/* from the inbox's notice */
	name_fmt = j.set_aside ? "set-aside" : fmt;
	oh_export_name(name_fmt, name, sizeof(name));
	ext = strcmp(fmt, "clickpost") == 0 ? "" : strcmp(fmt, "labels-pdf") == 0 ? ".pdf" :
	    ".csv";
	if (asprintf(&out, "%s/%s%s", o->exports_dir, name, ext) == -1) {
		office_redirect(o, rp, back, 1, "out of memory");
		return;
	}
	j.format = fmt;
	j.out = out;
	j.seed = form_get(&rq->f, "seed") != NULL;
	j.again = form_get(&rq->f, "again") != NULL;	/* from the handled page */
	o->b.msgs = &msgs;
	rc = bo_export(&o->b, &j);
	o->b.msgs = NULL;
	if (rc == BO_EXIT_SET_ASIDE)
		oh_export_page(o, rp, &j);	/* what was written, and what was not */
	else if (rc != 0)
		office_redirect(o, rp, back, 1, "%s\n%s", office_str(o, "error_export"),
		    msgs.data ? msgs.data : "");
	else if (j.nrecs == 0)
		office_redirect(o, rp, back, 0, "%s", office_str(o, "export_nothing"));
	else if (j.npaths == 1)
		office_send_file(o, rp, j.paths[0], strrchr(j.paths[0], '/') + 1,
		    strcmp(fmt, "labels-pdf") == 0 ? "application/pdf" : "text/csv");
	else
		oh_export_page(o, rp, &j);	/* Click Post: 40 rows a file */
	buf_free(&msgs);
	bo_export_free(&j);
	free(out);
}

/* What an ack takes: HQ the exported requests; a dealer every pulled booking (kept
 * for the day list until purge). */
static enum bostore_sel
oh_ack_sel(struct office *o)
{
	return o->b.id.pub.role == KEYS_ROLE_HQ ? BOSTORE_EXPORTED_UNACKED : BOSTORE_OPEN;
}

void
office_ack_page(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	json_t *ctx = json_object();

	json_object_set_new(ctx, "title", json_string(office_str(o, "ack_title")));
	json_object_set_new(ctx, "nav_ack", json_true());
	oh_set_count(ctx, "count", oh_count(o, NULL, oh_ack_sel(o)));
	json_object_set_new(ctx, "purge_days", json_integer(o->b.purge_days));
	office_page(o, rp, "ack", ctx);
}

void
office_ack_post(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	struct bostore_rec *recs = NULL;
	struct bo_ack_result res;
	struct buf msgs = BUF_INIT;
	char err[512], **ids = NULL;
	const char *back = o->b.id.pub.role == KEYS_ROLE_HQ ? "/handled" : "/day";
	size_t n = 0, i;
	int rc;

	if (bostore_list(o->b.db, o->b.id.pub.key_id, NULL, oh_ack_sel(o), &recs, &n, err,
	    sizeof(err)) == -1) {
		office_redirect(o, rp, "/ack", 1, "%s", err);
		return;
	}
	if (n == 0 || (ids = calloc(n, sizeof(*ids))) == NULL) {
		bostore_recs_free(recs, n);
		office_redirect(o, rp, "/ack", n != 0, "%s", office_str(o, n ? "error_memory" :
		    "ack_nothing"));
		return;
	}
	for (i = 0; i < n; i++)
		ids[i] = recs[i].id;
	o->b.msgs = &msgs;
	rc = bo_ack(&o->b, ids, n, &res);
	o->b.msgs = NULL;
	/* a partial failure says which requests went through (bo_ack's lines) */
	if (rc != 0)
		office_redirect(o, rp, "/ack", 1, "%s\n%s %zu / %s %lld\n%s",
		    office_str(o, rc == BO_EXIT_UNREACHABLE ? "error_unreachable" : "error_ack"),
		    office_str(o, "acked_n"), res.done, office_str(o, "deleted_n"),
		    (long long)res.deleted, msgs.data ? msgs.data : "");
	else
		office_redirect(o, rp, back, 0, "%s %zu / %s %lld", office_str(o, "acked_n"),
		    res.done, office_str(o, "deleted_n"), (long long)res.deleted);
	buf_free(&msgs);
	free(ids);
	bostore_recs_free(recs, n);
}
