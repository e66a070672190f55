/*
 * The two forms that take personal data: a printed catalog by post, and a test drive.
 * GET renders the form (for a test drive, the booking flow's step: booking.c); a POST
 * with ?step=review shows the values for review (確認画面), ?step=back the form again as
 * typed, and any other POST validates against the data inventory, seals the record to its
 * one recipient's public key, stores it, and only once the transaction has committed
 * answers 303 to the receipt. Nothing that fails validation is stored, and the plaintext
 * is wiped at once. What a page shows is built in form_view.c.
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
#include "lib/text.h"
#include "seal/record.h"
#include "store/store.h"
#include "showroomd/address.h"
#include "showroomd/form_view.h"
#include "showroomd/handlers.h"
#include "showroomd/metrics.h"
#include "showroomd/origin.h"
#include "showroomd/pages.h"
#include "showroomd/ratelimit.h"
#include "showroomd/site.h"
#include "showroomd/slots.h"
#include "showroomd/trust.h"

/* What the visitor picked for the test drive, from the query (GET) or the form (POST), and
 * what the page shows besides the form: a notice, the review of valid values, a filling. */
struct forms_pick {
	const char			*model;
	const char			*dealer;
	const char			*date;
	const char			*slot;
	const char			*near;		/* nearest dealers to this postal code */
	const char			*notice;	/* a UI string key, or NULL */
	const struct inventory_values	*review;	/* show these for review */
	const json_t			*fill;		/* { field: value } to fill in */
	const char			*fill_note;
	const char			*focus;		/* the field to focus, or NULL */
};

/* Renders form KIND; with a submitted form, its values and the errors are kept. */
static void
forms_render(struct app *app, enum form_kind kind, const struct app_request *rq,
    struct app_reply *rp, unsigned status, const struct form *posted,
    const struct inventory_errors *errs, const struct forms_pick *pick)
{
	struct formview_state st;

	memset(&st, 0, sizeof(st));
	st.kind = kind;
	st.posted = posted;
	st.errs = errs;
	st.review = pick->review;
	st.pick.model = pick->model;
	st.pick.dealer = pick->dealer;
	st.pick.date = pick->date;
	st.pick.near = pick->near;
	st.notice = pick->notice;
	st.fill = pick->fill;
	st.fill_note = pick->fill_note;
	st.focus = pick->focus;
	reply_page(rp, status, rq->site->pages, formview_template(kind),
	    formview_context(app, rq, &st));
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
	struct forms_pick pick = { .model = NULL };
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
	pick.near = form_get(&q, "near");
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

/*
 * The idempotency key's hash, scoped by form: a key replays only a submission of its own
 * form, never answers a booking with a catalog request's receipt (or the other way round).
 * Hashes stored before the scope (plain SHA-256 of the key) simply never match again and
 * go with their records; the schema is unchanged.
 */
static void
forms_idem_hash(enum store_kind kind, const char *idem, unsigned char out[32])
{
	static const char domain[] = "showroom-idem-v2";
	const char *name = store_kind_name(kind);
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)domain, sizeof(domain));
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)idem, strlen(idem));
	crypto_hash_sha256_final(&st, out);
}

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
	forms_idem_hash(s->rec.kind, v->idem, s->idem_hash);
	rc = 0;
out:
	buf_wipe(&pt);	/* the plaintext lives no longer than the sealing */
	return rc;
}

/* The receipt's address; a booking's carries its cancel TOKEN (NULL for a request). */
static void
forms_receipt_path(enum lang l, const char *receipt, const char *token, unsigned given,
    char *out, size_t outsz)
{
	/* which fields were given, so that the receipt lists those only (row bits, hex) */
	if (token != NULL)
		snprintf(out, outsz, "%sreceipt/test-drive/%s?k=%s&f=%x", lang_prefix(l),
		    receipt, token, given);
	else
		snprintf(out, outsz, "%sreceipt/catalog/%s?f=%x", lang_prefix(l), receipt, given);
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
	reply_header(rp, "Retry-After", v);
	return 1;
}

/*
 * What a post asks for, from its query: "review" (the 確認画面), "back" (the form again,
 * as typed), "postal" (the address of its postal code filled in) or, by default, to send.
 * Only sending stores anything, so only sending is rate limited.
 */
enum forms_step { FORMS_SEND = 0, FORMS_REVIEW, FORMS_BACK, FORMS_POSTAL };

static enum forms_step
forms_step(const struct form *q)
{
	const char *s = form_get(q, "step");

	if (s != NULL && strcmp(s, "review") == 0)
		return FORMS_REVIEW;
	if (s != NULL && strcmp(s, "back") == 0)
		return FORMS_BACK;
	if (s != NULL && strcmp(s, "postal") == 0)
		return FORMS_POSTAL;
	return FORMS_SEND;
}

/* A digit, ASCII or full-width: a street number typed already. */
static int
forms_has_digit(const char *s)
{
	size_t n = strlen(s), i = 0, k;
	uint32_t cp;

	while (i < n && (k = text_utf8_decode((const unsigned char *)s + i, n - i, &cp)) > 0) {
		if ((cp >= '0' && cp <= '9') || (cp >= 0xff10 && cp <= 0xff19))
			return 1;
		i += k;
	}
	return 0;
}

/*
 * 住所検索 without JavaScript: the address of the postal code typed, from the site's
 * postal data, filled into the prefecture and, unless a street number was typed there
 * already, the first address line. The note says what happened; the focus goes on.
 */
static json_t *
forms_postal(const struct app_request *rq, const struct form *f, struct forms_pick *pick,
    char *note, size_t notesz)
{
	const struct pages *p = rq->site->pages;
	const char *line = form_get(f, "address1");
	struct address a;
	char code[4];
	json_t *fill;

	pick->focus = "postal_code";
	switch (address_lookup(rq->site, form_get(f, "postal_code"), &a)) {
	case ADDRESS_FOUND:
		break;
	case ADDRESS_UNKNOWN:
		pages_fill(note, notesz, pages_string(p, rq->lang, "postal_unknown"), "code",
		    a.code, NULL);
		return NULL;
	default:
		snprintf(note, notesz, "%s", pages_string(p, rq->lang, "postal_malformed"));
		return NULL;
	}
	snprintf(code, sizeof(code), "%d", a.pref);
	fill = json_pack("{s:s}", "prefecture", code);
	if (line == NULL || !forms_has_digit(line)) {
		json_object_set_new(fill, "address1", json_string(a.line));
		pick->focus = "address1";
	}
	pages_fill(note, notesz, pages_string(p, rq->lang, "postal_found"), "code", a.code,
	    "pref", prefecture_name(a.pref, rq->lang), "town", a.line, NULL);
	return fill;
}

/* The day whose times the form shows: the query's, else the chosen slot's. */
static char *
forms_date(const struct form *q, const char *slot)
{
	const char *d = form_get(q, "date");

	if (d != NULL)
		return strndup(d, 10);
	return slot != NULL && strlen(slot) >= 10 ? strndup(slot, 10) : NULL;
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
		if (slots_check(app->store, pages_dealer(rq->site->pages, pick->dealer),
		    pick->dealer, pick->model, pick->slot, time(NULL), &s.capacity) == -1) {
			forms_error(&errs, INV_TD_SLOT, rq->site->pages, rq->lang, "slot_full");
			forms_render(app, kind, rq, rp, 422, f, &errs, pick);
			return;
		}
		forms_cancel_token(v->idem, s.token, s.rec.cancel_hash);
		s.rec.status = pages_booking_confirmation(rq->site->pages) ?
		    STORE_BOOKING_PENDING : STORE_BOOKING_BOOKED;
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
		forms_receipt_path(rq->lang, receipt, kind == FORM_TEST_DRIVE ? s.token : NULL,
		    inventory_given(v), where, sizeof(where));
		reply_redirect(rp, where);
	}
	free(s.rec.enc);
	free(s.rec.ct);
	sodium_memzero(s.token, sizeof(s.token));
}

/*
 * Looks like a success to the robot, and nothing is stored: the redirect has the shape
 * of a real one (a fresh record id; for a booking a token of the same length and digits),
 * and the receipt behind it answers as for any link that no booking holds.
 */
static void
forms_honeypot(enum form_kind kind, const struct app_request *rq, struct app_reply *rp,
    const struct form *f)
{
	unsigned char r[32];
	char receipt[STORE_ID_LEN + 1], token[65], where[256];
	unsigned given = 0;
	size_t i;
	int row;

	recid_new(receipt);
	randombytes_buf(r, sizeof(r));	/* as forms_cancel_token's: 32 bytes in hex */
	sodium_bin2hex(token, sizeof(token), r, sizeof(r));
	for (i = 0; i < f->n; i++)	/* the fields it filled, as a real receipt lists them */
		if (f->v[i].len > 0 && (row = inventory_find(kind, f->v[i].name)) >= 0)
			given |= 1u << row;
	forms_receipt_path(rq->lang, receipt, kind == FORM_TEST_DRIVE ? token : NULL, given,
	    where, sizeof(where));
	reply_redirect(rp, where);
}

void
forms_post(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	enum form_kind kind = (enum form_kind)arg;
	struct inventory_values v;
	struct inventory_errors errs;
	struct inventory_refs refs;
	struct forms_pick pick = { .model = NULL };
	struct form_error fe;
	struct form f, q;
	enum forms_step step;
	json_t *fill;
	char note[512];

	if (!forms_open(app, rq, rp))
		return;
	/* before anything else: another site must not spend a visitor's budget */
	if (!origin_form_ok(app->pub, rq)) {
		reply_message(rp, 403, rq->site->pages, rq->lang, "message_title", "cross_site");
		return;
	}
	if (!forms_content_type_ok(rq)) {
		reply_message(rp, 415, rq->site->pages, rq->lang, "message_title", "bad_request");
		return;
	}
	if (form_decode(rq->body, rq->body_len, &f, &fe) == -1) {
		forms_reject(rq, rp, NULL, &fe);
		return;
	}
	if (form_decode(rq->query, strlen(rq->query), &q, NULL) == -1) {
		form_free(&f);
		reply_message(rp, 400, rq->site->pages, rq->lang, "message_title", "bad_request");
		return;
	}
	step = forms_step(&q);
	memset(&errs, 0, sizeof(errs));
	pages_refs(rq->site->pages, &refs);
	pick.model = form_get(&f, "model");
	pick.dealer = form_get(&f, "dealer");
	pick.slot = form_get(&f, "slot");
	pick.date = forms_date(&q, pick.slot);
	if (step == FORMS_SEND && forms_limited(app, rq, rp)) {
		/* what was typed stays: the visitor sends it again in a moment */
		pick.notice = "too_many";
		forms_render(app, kind, rq, rp, 429, &f, NULL, &pick);
		goto out;
	}
	if (step == FORMS_BACK) {
		forms_render(app, kind, rq, rp, 200, &f, NULL, &pick);
		goto out;
	}
	if (step == FORMS_POSTAL) {
		fill = forms_postal(rq, &f, &pick, note, sizeof(note));
		pick.fill = fill;
		pick.fill_note = note;
		forms_render(app, kind, rq, rp, 200, &f, NULL, &pick);
		json_decref(fill);
		goto out;
	}
	switch (inventory_validate(kind, &f, &refs, &v, &errs)) {
	case INVENTORY_OK:
		if (step == FORMS_REVIEW) {
			pick.review = &v;
			forms_render(app, kind, rq, rp, 200, &f, NULL, &pick);
		} else
			forms_accept(app, kind, rq, rp, &f, &v, &pick);
		inventory_values_free(&v);
		break;
	case INVENTORY_INVALID:
		forms_render(app, kind, rq, rp, 422, &f, &errs, &pick);
		break;
	case INVENTORY_HONEYPOT:
		metrics_honeypot();
		forms_honeypot(kind, rq, rp, &f);
		break;
	case INVENTORY_REJECT:
		forms_reject(rq, rp, &errs, NULL);
		break;
	default:
		reply_message(rp, 500, rq->site->pages, rq->lang, "message_title", "bad_request");
		break;
	}
out:
	free((char *)(uintptr_t)pick.date);
	form_free(&q);
	form_free(&f);
}
