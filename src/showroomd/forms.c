/*
 * The two forms that take personal data: a printed catalog by post, and a test drive.
 * GET renders the form (with the free slots of the chosen day, no JavaScript needed);
 * POST validates against the data inventory, seals the record to its one recipient's
 * public key, stores it, and only once the transaction has committed answers 303 to the
 * receipt. Nothing that fails validation is stored, and the plaintext is wiped at once.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seal/form.h"
#include "seal/inventory.h"
#include "seal/keys.h"
#include "lib/jtime.h"
#include "lib/log.h"
#include "lib/prefecture.h"
#include "seal/record.h"
#include "store/store.h"
#include "showroomd/handlers.h"
#include "showroomd/pages.h"
#include "showroomd/ratelimit.h"
#include "showroomd/site.h"
#include "showroomd/slots.h"
#include "showroomd/trust.h"

#define FORMS_DATES	14	/* days offered in the test-drive date list */

/* What the visitor picked for the test drive, from the query (GET) or the form (POST). */
struct forms_pick {
	const char	*model;
	const char	*dealer;
	const char	*date;
	const char	*slot;
};

static const char *
forms_text(const json_t *o, const char *key, enum lang l)
{
	const char *s = json_string_value(json_object_get(json_object_get(o, key),
	    lang_code(l)));

	return s ? s : "";
}

static int
forms_in(const json_t *values, const char *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(values, i, x)
		if (strcmp(json_string_value(x), v) == 0)
			return 1;
	return 0;
}

static json_t *
forms_model_options(const struct pages *p, enum lang l, const json_t *values)
{
	json_t *opts = json_array();
	const json_t *m;
	const char *code;
	size_t i;

	json_array_foreach(pages_models(p), i, m) {
		code = json_string_value(json_object_get(m, "code"));
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", code,
		    "label", forms_text(m, "name", l), "selected", forms_in(values, code)));
	}
	return opts;
}

/* Dealers that keep demo cars of MODEL (all dealers when no model is chosen yet). */
static json_t *
forms_dealer_options(const struct pages *p, enum lang l, const char *model,
    const json_t *values)
{
	json_t *opts = json_array();
	const json_t *d;
	const char *code;
	char label[256];
	size_t i;

	json_array_foreach(pages_dealers(p), i, d) {
		code = json_string_value(json_object_get(d, "code"));
		if (model != NULL && *model != '\0' && pages_demo_cars(p, code, model) <= 0)
			continue;
		snprintf(label, sizeof(label), l == LANG_JA ? "%s（%s）" : "%s (%s)",
		    forms_text(d, "name", l), forms_text(d, "prefecture_name", l));
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", code,
		    "label", label, "selected", forms_in(values, code)));
	}
	return opts;
}

static json_t *
forms_prefecture_options(enum lang l, const json_t *values)
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

static json_t *
forms_slot_options(struct app *app, const struct pages *p, enum lang l,
    const struct forms_pick *pick, const char *chosen, const char **hint)
{
	struct slot s[SLOTS_MAX_PER_DAY];
	const json_t *d = pages_dealer(p, pick->dealer);
	json_t *opts = json_array();
	char label[96], note[64];
	size_t i;
	int ns;

	*hint = pages_string(p, l, "td_choose_first");
	if (d == NULL || pick->model == NULL || pick->date == NULL)
		return opts;
	if ((ns = slots_free(app->store, d, pick->dealer, pick->model, pick->date, time(NULL),
	    s, SLOTS_MAX_PER_DAY)) == SLOTS_NO_STORE)
		return opts;
	*hint = pages_string(p, l, "td_no_slots");
	for (i = 0; ns > 0 && i < (size_t)ns; i++) {
		snprintf(label, sizeof(label), "%s", s[i].start + 11);
		if (s[i].free > 0)
			snprintf(note, sizeof(note), "%s %u", pages_string(p, l, "td_free"),
			    s[i].free);
		else
			snprintf(note, sizeof(note), "%s", pages_string(p, l, "td_full"));
		json_array_append_new(opts, json_pack("{s:s, s:s, s:s, s:b, s:b}",
		    "value", s[i].start, "label", label, "note", note,
		    "disabled", s[i].free == 0,
		    "selected", chosen != NULL && strcmp(chosen, s[i].start) == 0));
	}
	return opts;
}

/* Adds to each field of the inventory's form view what its widget needs. */
static void
forms_decorate(struct app *app, const struct pages *p, enum lang l, json_t *view,
    const struct forms_pick *pick)
{
	json_t *f, *values;
	const char *input, *name, *hint = NULL;
	size_t i;

	json_array_foreach(json_object_get(view, "fields"), i, f) {
		input = json_string_value(json_object_get(f, "input"));
		name = json_string_value(json_object_get(f, "name"));
		values = json_object_get(f, "values");
		if (strcmp(name, "model") == 0 && pick->model != NULL && json_array_size(values) == 0)
			json_array_append_new(values, json_string(pick->model));
		if (strcmp(name, "dealer") == 0 && pick->dealer != NULL &&
		    json_array_size(values) == 0)
			json_array_append_new(values, json_string(pick->dealer));
		if (strcmp(input, "text") == 0 || strcmp(input, "tel") == 0 ||
		    strcmp(input, "email") == 0)
			json_object_set_new(f, "is_text", json_true());
		else if (strcmp(input, "textarea") == 0)
			json_object_set_new(f, "is_textarea", json_true());
		else if (strcmp(input, "checkbox") == 0)
			json_object_set_new(f, "is_checkbox", json_true());
		else if (strcmp(input, "checkboxes") == 0) {
			json_object_set_new(f, "is_checkboxes", json_true());
			json_object_set_new(f, "options", forms_model_options(p, l, values));
		} else if (strcmp(input, "slot") == 0) {
			json_object_set_new(f, "is_slot", json_true());
			json_object_set_new(f, "options", forms_slot_options(app, p, l, pick,
			    json_string_value(json_array_get(values, 0)), &hint));
			json_object_set_new(f, "slot_hint", json_string(hint ? hint : ""));
		} else if (strcmp(input, "select") == 0) {
			json_object_set_new(f, "is_select", json_true());
			if (strcmp(name, "model") == 0)
				json_object_set_new(f, "options", forms_model_options(p, l, values));
			else if (strcmp(name, "dealer") == 0)
				json_object_set_new(f, "options", forms_dealer_options(p, l,
				    pick->model, values));
			else
				json_object_set_new(f, "options", forms_prefecture_options(l,
				    values));
		}
	}
}

/* The test drive's first step: model, dealer and day, by GET, so it works without JS. */
static void
forms_step1(const struct pages *p, enum lang l, json_t *ctx, const struct forms_pick *pick)
{
	json_t *sel, *dates = json_array();
	char d[11], label[64];
	int i;

	sel = json_array();
	if (pick->model != NULL)
		json_array_append_new(sel, json_string(pick->model));
	json_object_set_new(ctx, "model_field", json_pack("{s:s, s:o}", "label",
	    l == LANG_JA ? "車種" : "Model", "options", forms_model_options(p, l, sel)));
	json_array_clear(sel);
	if (pick->dealer != NULL)
		json_array_append_new(sel, json_string(pick->dealer));
	json_object_set_new(ctx, "dealer_field", json_pack("{s:s, s:o}", "label",
	    l == LANG_JA ? "販売店" : "Dealer", "options", forms_dealer_options(p, l,
	    pick->model, sel)));
	json_decref(sel);
	for (i = 0; i < FORMS_DATES; i++) {
		jtime_date(time(NULL), i, d);
		jtime_day_label(d, l, label, sizeof(label));
		json_array_append_new(dates, json_pack("{s:s, s:s, s:b}", "value", d, "label",
		    label, "selected", pick->date != NULL && strcmp(pick->date, d) == 0));
	}
	json_object_set_new(ctx, "dates", dates);
}

static void
forms_policy(json_t *ctx, enum form_kind kind, enum lang l)
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

static void
forms_new_idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

/* Renders form KIND; with a submitted form, its values and the errors are kept. */
static void
forms_render(struct app *app, enum form_kind kind, const struct app_request *rq,
    struct app_reply *rp, unsigned status, const struct form *posted,
    const struct inventory_errors *errs, const struct forms_pick *pick)
{
	const struct pages *p = rq->site->pages;
	const char *tmpl = kind == FORM_CATALOG ? "request" : "test_drive";
	json_t *ctx = pages_context(p, tmpl, rq->lang), *view;
	char idem[33];

	view = inventory_form_view(kind, rq->lang, posted, errs);
	if (view == NULL) {
		json_decref(ctx);
		reply_page(rp, 500, p, tmpl, NULL);
		return;
	}
	if (json_object_get(view, "idem") == NULL || json_is_null(json_object_get(view, "idem"))) {
		forms_new_idem(idem);
		json_object_set_new(view, "idem", json_string(idem));
	}
	forms_decorate(app, p, rq->lang, view, pick);
	json_object_set_new(ctx, "form", view);
	json_object_set_new(ctx, "has_errors", json_boolean(errs != NULL && errs->n > 0));
	json_object_set_new(ctx, kind == FORM_CATALOG ? "nav_request" : "nav_test_drive",
	    json_true());
	forms_policy(ctx, kind, rq->lang);
	if (kind == FORM_TEST_DRIVE)
		forms_step1(p, rq->lang, ctx, pick);
	reply_page(rp, status, p, tmpl, ctx);
}

static int
forms_open(struct app *app, const struct app_request *rq, struct app_reply *rp)
{
	struct trust *t = trust_acquire(time(NULL));

	if (app == NULL || app->store == NULL || t == NULL) {
		trust_release(t);
		reply_message(rp, 503, rq->site->pages, rq->lang, "message_title", "forms_closed");
		return 0;
	}
	trust_release(t);
	return 1;
}

void
forms_get(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	enum form_kind kind = (enum form_kind)arg;
	struct forms_pick pick = { NULL, NULL, NULL, NULL };
	struct form q;

	if (!forms_open(app, rq, rp))
		return;
	if (form_decode(rq->query, strlen(rq->query), &q, NULL) == -1) {
		reply_message(rp, 400, rq->site->pages, rq->lang, "message_title", "bad_request");
		return;
	}
	pick.model = form_get(&q, "model");
	pick.dealer = form_get(&q, "dealer");
	pick.date = form_get(&q, "date");
	forms_render(app, kind, rq, rp, 200, NULL, NULL, &pick);
	form_free(&q);
}

/* ---- POST ---- */

/* The newest key of the recipient: HQ for catalog requests, the dealer for bookings. */
static int
forms_recipient(struct trust *t, enum form_kind kind, const char *dealer,
    struct keys_public *out)
{
	const struct keys_public *k[64];
	size_t n;

	if (kind == FORM_CATALOG)
		n = keys_keyring_hq(&t->kr, k, 64);
	else
		n = keys_keyring_dealer(&t->kr, dealer, k, 64);
	if (n == 0)
		return -1;
	*out = *k[(n > 64 ? 64 : n) - 1];	/* the last listed is the newest */
	return 0;
}

/* The cancel capability: derived from the idempotency key, which only this visitor's
 * browser holds, so a resubmission leads to the same receipt and the same token. */
static void
forms_cancel_token(const char *idem, char token[65], unsigned char hash[32])
{
	unsigned char t[32];

	crypto_generichash(t, sizeof(t), (const unsigned char *)idem, strlen(idem),
	    (const unsigned char *)"showroom-cancel-token-v1", 24);
	sodium_bin2hex(token, 65, t, sizeof(t));
	crypto_hash_sha256(hash, (const unsigned char *)token, 64);
	sodium_memzero(t, sizeof(t));
}

static void
forms_error(struct inventory_errors *errs, int field, const struct pages *p,
    enum lang l, const char *key)
{
	struct inventory_error *e;
	int i;

	if (errs->n >= INVENTORY_MAX_ERRORS)
		return;
	e = &errs->v[errs->n++];
	memset(e, 0, sizeof(*e));
	e->field = field;
	for (i = 0; i < LANG_COUNT; i++)
		snprintf(e->text[i], sizeof(e->text[i]), "%s", pages_string(p, (enum lang)i, key));
	(void)l;
}

struct forms_sealed {
	struct store_record	 rec;
	unsigned char		 idem_hash[32];
	char			 token[65];
	unsigned		 capacity;
};

static int
forms_seal(enum form_kind kind, const struct inventory_values *v, const struct keys_public *to,
    struct forms_sealed *s)
{
	struct record_meta m;
	struct buf pt = BUF_INIT;
	uint8_t *ct = NULL;
	size_t ctlen;
	int rc = -1;

	recid_new(s->rec.id);
	s->rec.kind = kind == FORM_CATALOG ? STORE_KIND_CATALOG_REQUEST : STORE_KIND_TEST_DRIVE;
	snprintf(s->rec.key_id, sizeof(s->rec.key_id), "%s", to->key_id);
	s->rec.created = (int64_t)time(NULL);
	m.id = s->rec.id;
	m.kind = store_kind_name(s->rec.kind);
	m.key_id = s->rec.key_id;
	m.created = s->rec.created;
	if ((s->rec.enc = malloc(32)) == NULL || inventory_record_json(kind, v, &pt) == -1 ||
	    record_seal(&m, to->x25519, pt.data, pt.len, s->rec.enc, &ct, &ctlen) == -1)
		goto out;
	s->rec.enc_len = 32;
	s->rec.ct = ct;
	s->rec.ct_len = ctlen;
	crypto_hash_sha256(s->idem_hash, (const unsigned char *)v->idem, strlen(v->idem));
	rc = 0;
out:
	buf_wipe(&pt);	/* the plaintext lives no longer than the sealing */
	return rc;
}

static void
forms_receipt_path(enum lang l, const struct forms_sealed *s, const char *receipt,
    int booking, char *out, size_t outsz)
{
	if (booking)
		snprintf(out, outsz, "%sreceipt/test-drive/%s?k=%s", lang_prefix(l), receipt,
		    s->token);
	else
		snprintf(out, outsz, "%sreceipt/catalog/%s", lang_prefix(l), receipt);
}

/* Stores the sealed record; 0 with the receipt id, or a status to answer with. */
static unsigned
forms_store(struct app *app, enum form_kind kind, struct forms_sealed *s,
    char receipt[STORE_ID_LEN + 1])
{
	struct store_err se;
	int rc;

	if (kind == FORM_CATALOG)
		rc = store_put(app->store, &s->rec, s->idem_hash, receipt, &se);
	else
		rc = store_book(app->store, &s->rec, s->capacity, s->idem_hash, receipt, &se);
	if (rc == STORE_OK)
		return 0;
	if (rc == STORE_FULL)
		return 409;
	log_error("store: %s", se.msg);
	return 503;
}

static int
forms_limited(struct app *app, const struct app_request *rq, struct app_reply *rp)
{
	unsigned retry = 60;
	char v[16];

	if (ratelimit_take(app->rl, rq->client, (double)time(NULL), &retry))
		return 0;
	snprintf(v, sizeof(v), "%u", retry);
	reply_message(rp, 429, rq->site->pages, rq->lang, "message_title", "too_many");
	reply_header(rp, "Retry-After", v);
	return 1;
}

static int
forms_content_type_ok(const struct app_request *rq)
{
	static const char want[] = "application/x-www-form-urlencoded";
	const char *ct;
	size_t len;

	ct = rq->header(rq->header_arg, "Content-Type", &len);
	return ct != NULL && len >= sizeof(want) - 1 &&
	    strncasecmp(ct, want, sizeof(want) - 1) == 0 &&
	    (len == sizeof(want) - 1 || ct[sizeof(want) - 1] == ';');
}

/* A bad request, explained in the visitor's language, with every form-level reason. */
static void
forms_reject(const struct app_request *rq, struct app_reply *rp,
    const struct inventory_errors *errs, const struct form_error *fe)
{
	const struct pages *p = rq->site->pages;
	json_t *ctx = pages_context(p, "message", rq->lang), *paras = json_array();
	size_t i;

	json_array_append_new(paras, json_string(pages_string(p, rq->lang, "bad_request")));
	if (fe != NULL)
		json_array_append_new(paras, json_string(fe->msg[rq->lang]));
	for (i = 0; errs != NULL && i < errs->n; i++)
		if (errs->v[i].field == -1)
			json_array_append_new(paras, json_string(errs->v[i].text[rq->lang]));
	json_object_set_new(ctx, "heading", json_string(pages_string(p, rq->lang,
	    "message_title")));
	json_object_set_new(ctx, "paragraphs", paras);
	reply_page(rp, 400, p, "message", ctx);
}

static void
forms_accept(struct app *app, enum form_kind kind, const struct app_request *rq,
    struct app_reply *rp, const struct form *f, const struct inventory_values *v,
    struct forms_pick *pick)
{
	struct inventory_errors errs;
	struct forms_sealed s;
	struct keys_public to;
	struct trust *t = trust_acquire(time(NULL));
	char receipt[STORE_ID_LEN + 1], where[256];
	unsigned status;

	memset(&s, 0, sizeof(s));
	memset(&errs, 0, sizeof(errs));
	if (t == NULL || forms_recipient(t, kind, pick->dealer, &to) == -1) {
		trust_release(t);
		reply_message(rp, 503, rq->site->pages, rq->lang, "message_title", "forms_closed");
		return;
	}
	trust_release(t);
	if (kind == FORM_TEST_DRIVE) {
		if (slots_check(pages_dealer(rq->site->pages, pick->dealer), pick->model,
		    pick->slot, time(NULL), &s.capacity) == -1) {
			forms_error(&errs, INV_TD_SLOT, rq->site->pages, rq->lang, "slot_full");
			forms_render(app, kind, rq, rp, 422, f, &errs, pick);
			return;
		}
		forms_cancel_token(v->idem, s.token, s.rec.cancel_hash);
		snprintf(s.rec.slot.dealer, sizeof(s.rec.slot.dealer), "%s", pick->dealer);
		snprintf(s.rec.slot.model, sizeof(s.rec.slot.model), "%s", pick->model);
		snprintf(s.rec.slot.start, sizeof(s.rec.slot.start), "%s", pick->slot);
	}
	if (forms_seal(kind, v, &to, &s) == -1) {
		reply_message(rp, 500, rq->site->pages, rq->lang, "message_title", "bad_request");
	} else if ((status = forms_store(app, kind, &s, receipt)) == 409) {
		forms_error(&errs, INV_TD_SLOT, rq->site->pages, rq->lang, "slot_full");
		forms_render(app, kind, rq, rp, 409, f, &errs, pick);
	} else if (status != 0) {
		reply_message(rp, status, rq->site->pages, rq->lang, "message_title",
		    "forms_closed");
	} else {
		forms_receipt_path(rq->lang, &s, receipt, kind == FORM_TEST_DRIVE, where,
		    sizeof(where));
		reply_redirect(rp, where);
	}
	free(s.rec.enc);
	free(s.rec.ct);
	sodium_memzero(s.token, sizeof(s.token));
}

void
forms_post(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	enum form_kind kind = (enum form_kind)arg;
	struct inventory_values v;
	struct inventory_errors errs;
	struct inventory_refs refs;
	struct forms_pick pick = { NULL, NULL, NULL, NULL };
	struct form_error fe;
	struct form f;
	char fake[STORE_ID_LEN + 1], where[128];

	if (!forms_open(app, rq, rp) || forms_limited(app, rq, rp))
		return;
	if (!forms_content_type_ok(rq)) {
		reply_message(rp, 415, rq->site->pages, rq->lang, "message_title", "bad_request");
		return;
	}
	if (form_decode(rq->body, rq->body_len, &f, &fe) == -1) {
		forms_reject(rq, rp, NULL, &fe);
		return;
	}
	memset(&errs, 0, sizeof(errs));
	pages_refs(rq->site->pages, &refs);
	pick.model = form_get(&f, "model");
	pick.dealer = form_get(&f, "dealer");
	pick.slot = form_get(&f, "slot");
	if (pick.slot != NULL && strlen(pick.slot) >= 10)
		pick.date = strndup(pick.slot, 10);
	switch (inventory_validate(kind, &f, &refs, &v, &errs)) {
	case INVENTORY_OK:
		forms_accept(app, kind, rq, rp, &f, &v, &pick);
		inventory_values_free(&v);
		break;
	case INVENTORY_INVALID:
		forms_render(app, kind, rq, rp, 422, &f, &errs, &pick);
		break;
	case INVENTORY_HONEYPOT:
		/* looks like a success to the robot; nothing is stored */
		recid_new(fake);
		snprintf(where, sizeof(where), "%sreceipt/%s/%s", lang_prefix(rq->lang),
		    kind == FORM_CATALOG ? "catalog" : "test-drive", fake);
		reply_redirect(rp, where);
		break;
	case INVENTORY_REJECT:
		forms_reject(rq, rp, &errs, NULL);
		break;
	default:
		reply_message(rp, 500, rq->site->pages, rq->lang, "message_title", "bad_request");
		break;
	}
	free((char *)(uintptr_t)pick.date);
	form_free(&f);
}
