#include "showroomd/form_view.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/prefecture.h"
#include "showroomd/address.h"
#include "showroomd/app.h"
#include "showroomd/pages.h"
#include "showroomd/reply.h"
#include "showroomd/site.h"

static const char *
fv_text(const json_t *o, const char *key, enum lang l)
{
	const char *s = json_string_value(json_object_get(json_object_get(o, key),
	    lang_code(l)));

	return s ? s : "";
}

static int
fv_in(const json_t *values, const char *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(values, i, x)
		if (strcmp(json_string_value(x), v) == 0)
			return 1;
	return 0;
}

static json_t *
fv_model_options(const struct pages *p, enum lang l, const json_t *values)
{
	json_t *opts = json_array();
	const json_t *m;
	const char *code;
	size_t i;

	json_array_foreach(pages_models(p), i, m) {
		code = json_string_value(json_object_get(m, "code"));
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", code,
		    "label", fv_text(m, "name", l), "selected", fv_in(values, code)));
	}
	return opts;
}

static json_t *
fv_prefecture_options(enum lang l, const json_t *values)
{
	json_t *opts = json_array();
	const char *v = json_string_value(json_array_get(values, 0));
	char code[4];
	int i;

	for (i = 1; i <= PREFECTURE_COUNT; i++) {
		snprintf(code, sizeof(code), "%d", i);
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", code,
		    "label", prefecture_name(i, l), "selected", v != NULL && atoi(v) == i));
	}
	return opts;
}

/* Gives field F the single value V, as if it had been sent. */
static void
fv_set_value(json_t *f, const char *v)
{
	json_object_set_new(f, "value", json_string(v));
	json_object_set_new(f, "values", json_pack("[s]", v));
}

/* The test drive's model and dealer: chosen in the steps above, sent as they were shown. */
static void
fv_hidden(json_t *f, const json_t *booking, const char *key)
{
	const char *v = json_string_value(json_object_get(booking, key));

	json_object_set_new(f, "is_hidden", json_true());
	if (json_array_size(json_object_get(f, "values")) == 0 && v != NULL)
		fv_set_value(f, v);
}

static void
fv_field(struct app *app, const struct pages *p, enum lang l, json_t *f,
    const struct formview_state *st, const json_t *booking)
{
	const char *input = json_string_value(json_object_get(f, "input"));
	const char *name = json_string_value(json_object_get(f, "name"));
	const char *fill = json_string_value(json_object_get(st->fill, name));
	json_t *values;

	if (fill != NULL)
		fv_set_value(f, fill);
	values = json_object_get(f, "values");
	if (st->focus != NULL && strcmp(st->focus, name) == 0)
		json_object_set_new(f, "autofocus", json_true());
	if (st->kind == FORM_TEST_DRIVE && strcmp(name, "name") == 0)
		json_object_set_new(f, "heading", json_string(pages_string(p, l,
		    "td_step_contact")));
	if (strcmp(input, "text") == 0 || strcmp(input, "tel") == 0 ||
	    strcmp(input, "email") == 0)
		json_object_set_new(f, "is_text", json_true());
	else if (strcmp(input, "textarea") == 0)
		json_object_set_new(f, "is_textarea", json_true());
	else if (strcmp(input, "checkbox") == 0)
		json_object_set_new(f, "is_checkbox", json_true());
	else if (strcmp(input, "checkboxes") == 0) {
		/* the model page's catalog link names its model */
		if (json_array_size(values) == 0 && st->posted == NULL &&
		    st->pick.model != NULL && pages_model(p, st->pick.model) != NULL)
			json_array_append_new(values, json_string(st->pick.model));
		json_object_set_new(f, "is_checkboxes", json_true());
		json_object_set_new(f, "options", fv_model_options(p, l, values));
	} else if (strcmp(input, "slot") == 0) {
		json_object_set_new(f, "is_slot", json_true());
		booking_times(app, p, l, &st->pick, json_string_value(json_array_get(values, 0)),
		    time(NULL), f);
		/* a day just chosen: its times take the focus, and say which day they are */
		if (json_is_true(json_object_get(f, "day_chosen")) && st->posted == NULL)
			json_object_set_new(f, "autofocus", json_true());
	} else if (strcmp(name, "model") == 0 && st->kind == FORM_TEST_DRIVE)
		fv_hidden(f, booking, "model_code");
	else if (strcmp(name, "dealer") == 0 && st->kind == FORM_TEST_DRIVE)
		fv_hidden(f, booking, "dealer_code");
	else if (strcmp(input, "select") == 0) {
		json_object_set_new(f, "is_select", json_true());
		json_object_set_new(f, "options", fv_prefecture_options(l, values));
	}
}

/* The postal code's 住所検索: a button that posts the form back filled in, and where a
 * script finds the shards to fill it in as the visitor types. */
static void
fv_postal(json_t *view, const struct pages *p, enum lang l, enum form_kind kind,
    const struct formview_state *st)
{
	const char *base = pages_postal_base(p);
	char action[64];
	json_t *f;
	size_t i;

	if (*base == '\0')
		return;
	snprintf(action, sizeof(action), "%s%s?step=postal", lang_prefix(l),
	    kind == FORM_CATALOG ? "request" : "test-drive");
	json_array_foreach(json_object_get(view, "fields"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "name")), "postal_code") == 0)
			json_object_set_new(f, "lookup", json_pack("{s:s, s:s, s:s?}", "action",
			    action, "base", base, "note", st->fill_note));
}

/* Fields of which one is required share one hint, shown above the first of them. */
static void
fv_groups(json_t *view)
{
	const char *first = NULL;
	char id[48];
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(view, "fields"), i, f) {
		if (!json_is_true(json_object_get(f, "one_of")))
			continue;
		if (first == NULL) {
			first = json_string_value(json_object_get(f, "name"));
			json_object_set_new(f, "group_first", json_true());
		}
		snprintf(id, sizeof(id), "h-%s", first);
		json_object_set_new(f, "hint_id", json_string(id));
	}
}

/* Every field's error, linked to its field, then the form's own. */
static json_t *
fv_error_list(const json_t *view)
{
	json_t *list = json_array(), *f, *e;
	size_t i;

	json_array_foreach(json_object_get(view, "fields"), i, f)
		if (json_string_value(json_object_get(f, "error")) != NULL)
			json_array_append_new(list, json_pack("{s:O, s:O}", "name",
			    json_object_get(f, "name"), "text", json_object_get(f, "error")));
	json_array_foreach(json_object_get(view, "errors"), i, e)
		json_array_append_new(list, json_pack("{s:n, s:O}", "name", "text", e));
	return list;
}

static void
fv_policy(json_t *ctx, enum form_kind kind, enum lang l)
{
	json_t *pol = inventory_policy_view(kind, l), *f, *purposes = json_array(), *p;
	const char *s;
	size_t i, j;
	int seen;

	if (pol == NULL) {
		json_decref(purposes);
		return;
	}
	json_array_foreach(json_object_get(pol, "fields"), i, f) {
		if ((s = json_string_value(json_object_get(f, "purpose"))) == NULL)
			continue;
		seen = 0;
		json_array_foreach(purposes, j, p)
			seen |= strcmp(json_string_value(p), s) == 0;
		if (!seen)
			json_array_append_new(purposes, json_string(s));
	}
	json_object_set_new(ctx, "purpose", json_pack("{s:o, s:O, s:O}", "purposes", purposes,
	    "recipient", json_object_get(pol, "recipient"),
	    "retention", json_object_get(pol, "retention")));
	json_decref(pol);
}

/* ---- the review ---- */

static const char *
fv_catalog_name(const json_t *o, enum lang l, const char *code)
{
	const char *s = fv_text(o, "name", l);

	return *s != '\0' ? s : code;
}

/* A stored value as the visitor reads it: names for codes, the slot as a day and times. */
static void
fv_review_value(const struct pages *p, enum lang l, int row,
    const struct inventory_values *v, char *out, size_t outsz)
{
	const struct inventory_value *val = &v->f[row];
	const char *dealer;
	size_t i, n;

	out[0] = '\0';
	switch (inventory_fields[row].check) {
	case INV_CHECK_MODELS:
		for (i = 0; i < val->n && (n = strlen(out)) < outsz; i++)
			snprintf(out + n, outsz - n, "%s%s", i ? (l == LANG_JA ? "、" : ", ") :
			    "", fv_catalog_name(pages_model(p, val->v[i]), l, val->v[i]));
		break;
	case INV_CHECK_MODEL:
		snprintf(out, outsz, "%s", fv_catalog_name(pages_model(p, val->v[0]), l,
		    val->v[0]));
		break;
	case INV_CHECK_DEALER:
		snprintf(out, outsz, "%s", fv_catalog_name(pages_dealer(p, val->v[0]), l,
		    val->v[0]));
		break;
	case INV_CHECK_SLOT:
		dealer = inventory_get(v, INV_TD_DEALER);
		booking_slot_label(p, l, dealer ? dealer : "", val->v[0], out, outsz);
		break;
	case INV_CHECK_PREFECTURE:
		snprintf(out, outsz, "%s", prefecture_name(atoi(val->v[0]), l) ?: val->v[0]);
		break;
	case INV_CHECK_YES:
		snprintf(out, outsz, "%s", pages_string(p, l, "yes"));
		break;
	default:
		snprintf(out, outsz, "%s", val->v[0]);
		break;
	}
}

static json_t *
fv_review(const struct pages *p, enum lang l, const struct formview_state *st)
{
	json_t *rows = json_array(), *hidden = json_array();
	char value[1024];
	size_t i;
	int row;

	for (row = 0; row < INVENTORY_NFIELDS; row++) {
		if (inventory_fields[row].form != st->kind || st->review->f[row].n == 0)
			continue;
		fv_review_value(p, l, row, st->review, value, sizeof(value));
		json_array_append_new(rows, json_pack("{s:s, s:s}", "label",
		    inventory_fields[row].label[l], "value", value));
	}
	/* what was typed goes back as typed: 戻る shows it unchanged */
	for (i = 0; st->posted != NULL && i < st->posted->n; i++)
		json_array_append_new(hidden, json_pack("{s:s, s:s#}", "name",
		    st->posted->v[i].name, "value", st->posted->v[i].value,
		    (int)st->posted->v[i].len));
	sodium_memzero(value, sizeof(value));
	return json_pack("{s:o, s:o}", "rows", rows, "hidden", hidden);
}

/* ---- the page ---- */

static const char *
fv_step_title(const struct pages *p, enum lang l, const json_t *booking)
{
	if (json_is_true(json_object_get(booking, "step_dealer")))
		return pages_string(p, l, "td_step_dealer");
	if (json_is_true(json_object_get(booking, "step_when")))
		return pages_string(p, l, "td_step_when");
	return NULL;
}

/* The title says what changed: the errors, the review or the step. */
static void
fv_title(json_t *ctx, const struct pages *p, enum lang l, size_t nerr,
    const struct formview_state *st, const json_t *booking)
{
	const char *base = json_string_value(json_object_get(ctx, "title")), *step;
	char head[128], title[384];

	title[0] = '\0';
	if (nerr > 0) {
		if (l == LANG_JA)
			snprintf(head, sizeof(head), "入力内容に誤りがあります（%zu件）", nerr);
		else
			snprintf(head, sizeof(head), "%zu %s to fix", nerr,
			    nerr == 1 ? "problem" : "problems");
		json_object_set_new(ctx, "errors_heading", json_string(head));
		snprintf(title, sizeof(title), "%s - %s", head, base ? base : "");
	} else if (st->review != NULL)
		snprintf(title, sizeof(title), "%s - %s", pages_string(p, l, "review_title"),
		    base ? base : "");
	else if (st->posted == NULL && (step = fv_step_title(p, l, booking)) != NULL)
		snprintf(title, sizeof(title), "%s - %s", step, base ? base : "");
	if (title[0] != '\0')
		json_object_set_new(ctx, "title", json_string(title));
}

const char *
formview_template(enum form_kind kind)
{
	return kind == FORM_CATALOG ? "request" : "test_drive";
}

/* Where the form posts, and where its review sends or goes back to. */
static void
fv_actions(json_t *ctx, const struct pages *p, enum lang l, enum form_kind kind,
    const json_t *booking)
{
	static const char *const steps[3][2] = { { "form_action", "review" },
	    { "send_action", "send" }, { "back_action", "back" } };
	const char *q = json_string_value(json_object_get(booking, "query"));
	char url[512];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(url, sizeof(url), "%s%s?%s%sstep=%s", lang_prefix(l),
		    kind == FORM_CATALOG ? "request" : "test-drive", q ? q : "", q ? "&" : "",
		    steps[i][1]);
		json_object_set_new(ctx, steps[i][0], json_string(url));
	}
	json_object_set_new(ctx, "submit_label", json_string(pages_string(p, l,
	    kind == FORM_CATALOG ? "submit_request" : "submit_test_drive")));
}

/* The dealer step's postal code, looked up in the site's postal data. */
static void
fv_near(const struct app_request *rq, const struct booking_pick *in,
    struct booking_pick *out, struct address *a)
{
	*out = *in;
	if (in->near == NULL || *in->near == '\0') {
		out->near = NULL;
		return;
	}
	if (address_lookup(rq->site, in->near, a) != ADDRESS_FOUND)
		return;
	out->near = a->code;	/* as the page repeats it: "100-0001" */
	out->near_pref = a->pref;
	out->near_code = strtol(a->code, NULL, 10) * 10000 + strtol(a->code + 4, NULL, 10);
}

static void
fv_new_idem(json_t *view)
{
	unsigned char r[16];
	char idem[33];

	if (json_string_value(json_object_get(view, "idem")) != NULL)
		return;
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(idem, sizeof(idem), r, sizeof(r));
	json_object_set_new(view, "idem", json_string(idem));
}

json_t *
formview_context(struct app *app, const struct app_request *rq,
    const struct formview_state *st)
{
	const struct pages *p = rq->site->pages;
	enum lang l = rq->lang;
	struct booking_pick pick;
	struct address near;
	json_t *ctx, *view, *booking = NULL, *errors, *f;
	size_t i;

	if ((view = inventory_form_view(st->kind, l, st->posted, st->errs)) == NULL)
		return NULL;
	ctx = pages_context(p, formview_template(st->kind), l);
	fv_new_idem(view);
	if (st->kind == FORM_TEST_DRIVE) {
		fv_near(rq, &st->pick, &pick, &near);
		booking = booking_view(app, p, l, &pick, time(NULL));
		if (st->review != NULL)
			json_object_set_new(booking, "steps", booking_progress(p, l, 3));
		json_object_set_new(ctx, "booking", booking);
	}
	json_array_foreach(json_object_get(view, "fields"), i, f)
		fv_field(app, p, l, f, st, booking);
	fv_groups(view);
	fv_postal(view, p, l, st->kind, st);
	errors = fv_error_list(view);
	fv_title(ctx, p, l, json_array_size(errors), st, booking);
	json_object_set_new(ctx, "has_errors", json_boolean(json_array_size(errors) > 0));
	json_object_set_new(ctx, "error_list", errors);
	json_object_set_new(ctx, "form", view);
	json_object_set_new(ctx, st->kind == FORM_CATALOG ? "nav_request" : "nav_test_drive",
	    json_true());
	if (st->review != NULL)
		json_object_set_new(ctx, "review", fv_review(p, l, st));
	if (st->notice != NULL)
		json_object_set_new(ctx, "notice", json_string(pages_string(p, l, st->notice)));
	fv_policy(ctx, st->kind, l);
	fv_actions(ctx, p, l, st->kind, booking);
	pages_set_page(ctx, l, st->kind == FORM_CATALOG ? "request" : "test-drive",
	    st->posted == NULL ? json_string_value(json_object_get(booking, "switch_query")) :
	    NULL);
	return ctx;
}
