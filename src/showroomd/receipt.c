/*
 * Receipts and cancellation. A receipt says what was stored, for whom and for how long;
 * a booking's receipt also shows its slot, a calendar file and a cancel button. The
 * cancel link carries a one-time capability token; the store keeps only its SHA-256.
 * Nothing here reads a record: the server cannot, and a receipt needs no personal data.
 */
#include <ctype.h>
#include <libical/ical.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seal/form.h"
#include "seal/inventory.h"
#include "seal/keys.h"
#include "lib/log.h"
#include "seal/record.h"
#include "store/store.h"
#include "showroomd/booking.h"
#include "showroomd/handlers.h"
#include "showroomd/origin.h"
#include "showroomd/pages.h"
#include "showroomd/site.h"
#include "lib/jtime.h"
#include "showroomd/trust.h"

struct receipt_path {
	enum form_kind	kind;
	char		id[STORE_ID_LEN + 1];
};

/* "/receipt/catalog/ID" or "/receipt/test-drive/ID[.ics]" (after an optional /en). */
static int
receipt_parse(const char *path, struct receipt_path *rp)
{
	const char *p = strncmp(path, "/en/", 4) == 0 ? path + 3 : path, *id;
	size_t n;

	if (strncmp(p, "/receipt/catalog/", 17) == 0) {
		rp->kind = FORM_CATALOG;
		id = p + 17;
	} else if (strncmp(p, "/receipt/test-drive/", 20) == 0) {
		rp->kind = FORM_TEST_DRIVE;
		id = p + 20;
	} else
		return -1;
	n = strlen(id);
	if (n > 4 && strcmp(id + n - 4, ".ics") == 0)
		n -= 4;
	if (n != STORE_ID_LEN)
		return -1;
	memcpy(rp->id, id, n);
	rp->id[n] = '\0';
	return recid_valid(rp->id) ? 0 : -1;
}

/* What a cancel link (booking ID, token) leads to. */
enum receipt_link {
	RECEIPT_OPENS,		/* the live booking ID: *b is filled */
	RECEIPT_INVALID,	/* cut, mistyped, or another booking's token */
	RECEIPT_ENDED,		/* no booking holds a place under ID: cancelled, or expired */
	RECEIPT_ERROR		/* the store failed */
};

/* A token as forms.c makes them: 64 lowercase hex digits. */
static int
receipt_token_valid(const char *token)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((token[i] >= '0' && token[i] <= '9') ||
		    (token[i] >= 'a' && token[i] <= 'f')))
			return 0;
	return token[64] == '\0';
}

/*
 * The store forgets a token's hash when its booking is cancelled, so a token it does not
 * know is either a used one or a wrong one: whether booking ID still holds its place
 * tells which. A wrong link to a live booking must never say that it was cancelled.
 */
static enum receipt_link
receipt_booking(struct app *app, const char *token, const char *id,
    struct store_booking *b)
{
	unsigned char hash[32];
	struct store_err se;
	int rc;

	if (token == NULL || !receipt_token_valid(token))
		return RECEIPT_INVALID;
	crypto_hash_sha256(hash, (const unsigned char *)token, 64);
	if ((rc = store_booking_find(app->store, hash, b, &se)) == STORE_OK)
		return strcmp(b->id, id) == 0 ? RECEIPT_OPENS : RECEIPT_INVALID;
	if (rc == STORE_NOT_FOUND &&
	    (rc = store_booking_held(app->store, id, &se)) != STORE_ERR)
		return rc == STORE_OK ? RECEIPT_INVALID : RECEIPT_ENDED;
	log_error("receipt: %s", se.msg);
	return RECEIPT_ERROR;
}

/* The paragraph that says why a link opens no booking. */
static const char *
receipt_link_text(enum receipt_link l)
{
	return l == RECEIPT_ENDED ? "receipt_cancelled" : "receipt_link_invalid";
}

/* "7K3M-Q9XZ": the last eight characters of the id, random and easy to read out. */
static void
receipt_short_ref(const char *id, char out[10])
{
	size_t n = strlen(id), i;

	memset(out, '0', 9);
	for (i = 0; i < 8 && n >= 8; i++)
		out[i + (i >= 4)] = (char)toupper((unsigned char)id[n - 8 + i]);
	out[4] = '-';
	out[9] = '\0';
}

static json_t *
receipt_booking_view(const struct pages *p, enum lang l, const struct store_booking *b,
    const char *token, const char *id)
{
	const json_t *d = pages_dealer(p, b->slot.dealer), *m = pages_model(p, b->slot.model);
	char label[96], ics[256], where[512];

	char reason[64];
	json_t *o;

	booking_slot_label(p, l, b->slot.dealer, b->slot.start, label, sizeof(label));
	pages_dealer_where(d, l, where, sizeof(where));
	snprintf(ics, sizeof(ics), "%sreceipt/test-drive/%s.ics?k=%s", lang_prefix(l), id,
	    token);
	/* the dealer's decision: a status and a reason code, shown in the visitor's words */
	snprintf(reason, sizeof(reason), "decline_reason_%s", b->reason);
	o = json_pack("{s:b, s:b, s:b, s:s}", "pending", b->status == STORE_BOOKING_PENDING,
	    "confirmed", b->status == STORE_BOOKING_CONFIRMED,
	    "declined", b->status == STORE_BOOKING_DECLINED,
	    "reason", b->status == STORE_BOOKING_DECLINED ? pages_string(p, l, reason) : "");
	json_object_update_new(o, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "slot_label", label,
	    "dealer_name", json_string_value(json_object_get(json_object_get(d, "name"),
	    lang_code(l))) ?: b->slot.dealer,
	    "dealer_where", where,
	    "dealer_phone", json_string_value(json_object_get(d, "phone")) ?: "",
	    "model_name", json_string_value(json_object_get(json_object_get(m, "name"),
	    lang_code(l))) ?: b->slot.model, "ics_href", ics));
	return o;
}

static json_t *
receipt_view(enum form_kind kind, enum lang l, const char *id)
{
	json_t *pol = inventory_policy_view(kind, l), *fields = json_array(), *f, *o;
	size_t i;

	json_array_foreach(json_object_get(pol, "fields"), i, f)
		json_array_append_new(fields, json_pack("{s:O, s:O}", "label",
		    json_object_get(f, "label"), "name", json_object_get(f, "name")));
	o = json_pack("{s:s, s:o, s:O, s:O}", "ref", id, "fields", fields,
	    "recipient", json_object_get(pol, "recipient") ?: json_null(),
	    "retention", json_object_get(pol, "retention") ?: json_null());
	json_decref(pol);
	return o;
}

/* Final on arrival or confirmed: CONFIRMED; waiting for the dealer: TENTATIVE. */
static enum icalproperty_status
receipt_ics_status(enum store_booking_status st)
{
	switch (st) {
	case STORE_BOOKING_PENDING:
		return ICAL_STATUS_TENTATIVE;
	case STORE_BOOKING_DECLINED:
		return ICAL_STATUS_CANCELLED;
	default:
		return ICAL_STATUS_CONFIRMED;
	}
}

/* Each decision is a new version of the event (RFC 5545 SEQUENCE), so that a calendar
 * that imported the earlier file takes the change. */
static int
receipt_ics_sequence(enum store_booking_status st)
{
	return st == STORE_BOOKING_CONFIRMED ? 1 : st == STORE_BOOKING_DECLINED ? 2 : 0;
}

/* A calendar entry for the visitor: the slot, the dealer and the model; nothing personal. */
static void
receipt_ics(const struct pages *p, enum lang l, const struct store_booking *b,
    struct app_reply *rp)
{
	const json_t *d = pages_dealer(p, b->slot.dealer), *m = pages_model(p, b->slot.model);
	icalcomponent *cal, *ev;
	struct icaltimetype st, en;
	time_t t = jtime_epoch(b->slot.start);
	int len = (int)json_integer_value(json_object_get(d, "slot_minutes"));
	char summary[256], uid[64], where[800], addr[512], url[512], ref[10], *text;
	struct buf desc = BUF_INIT;

	st = icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
	en = icaltime_from_timet_with_zone(t + (len > 0 ? len : 60) * 60, 0,
	    icaltimezone_get_utc_timezone());
	snprintf(summary, sizeof(summary), "%s %s",
	    l == LANG_JA ? "試乗:" : "Test drive:",
	    json_string_value(json_object_get(json_object_get(m, "name"), lang_code(l))) ?: "");
	pages_dealer_where(d, l, addr, sizeof(addr));
	snprintf(where, sizeof(where), "%s, %s, %s",
	    json_string_value(json_object_get(json_object_get(d, "name"), lang_code(l))) ?: "",
	    addr, json_string_value(json_object_get(d, "phone")) ?: "");
	snprintf(uid, sizeof(uid), "%s@showroom", b->id);
	/* the dealer's entry on the site; never the receipt, whose address is the cancel key */
	snprintf(url, sizeof(url), "%s%sdealers/#dealer-%s", pages_brand_url(p), lang_prefix(l),
	    b->slot.dealer);
	receipt_short_ref(b->id, ref);
	buf_printf(&desc, "%s: %s\n%s: %s\n%s: %s\n%s", pages_string(p, l, "receipt_model"),
	    json_string_value(json_object_get(json_object_get(m, "name"), lang_code(l))) ?: "",
	    pages_string(p, l, "phone"), json_string_value(json_object_get(d, "phone")) ?: "",
	    pages_string(p, l, "receipt_reference"), ref, pages_string(p, l, "ics_cancel"));
	cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT,
	    icalproperty_new_version("2.0"), icalproperty_new_prodid("-//showroom//receipt//EN"),
	    icalproperty_new_method(ICAL_METHOD_PUBLISH), (void *)0);
	ev = icalcomponent_vanew(ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid),
	    icalproperty_new_dtstamp(icaltime_current_time_with_zone(
	    icaltimezone_get_utc_timezone())),
	    icalproperty_new_dtstart(st), icalproperty_new_dtend(en),
	    icalproperty_new_summary(summary), icalproperty_new_location(where),
	    icalproperty_new_description(desc.data ? desc.data : ""), icalproperty_new_url(url),
	    icalproperty_new_status(receipt_ics_status(b->status)),
	    icalproperty_new_sequence(receipt_ics_sequence(b->status)), (void *)0);
	icalcomponent_add_component(cal, ev);
	text = icalcomponent_as_ical_string_r(cal);
	rp->status = 200;
	rp->ctype = "text/calendar; charset=utf-8";
	rp->no_store = 1;
	buf_puts(&rp->body, text ? text : "");
	reply_header(rp, "Content-Disposition", "attachment; filename=\"test-drive.ics\"");
	free(text);
	buf_free(&desc);
	icalcomponent_free(cal);
}

/* The fields given (f=, hex row bits from the form's redirect); all when it is absent. */
static unsigned
receipt_given(const struct form *q)
{
	const char *f = form_get(q, "f");
	char *end;
	unsigned long v;

	if (f == NULL || *f == '\0' || strlen(f) > 8)
		return ~0u;
	v = strtoul(f, &end, 16);
	return *end == '\0' ? (unsigned)v : ~0u;
}

/* The receipt's query as the receipt itself makes it: a well-formed token, the fields. */
static void
receipt_query(const char *token, const struct form *q, char *out, size_t outsz)
{
	unsigned given = receipt_given(q);

	if (token != NULL && (strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64))
		token = NULL;	/* only a token as forms.c makes them is echoed */
	snprintf(out, outsz, "%s%s%s", token ? "k=" : "", token ? token : "",
	    token && given != ~0u ? "&" : "");
	if (given != ~0u)
		snprintf(out + strlen(out), outsz - strlen(out), "f=%x", given);
}

/* The receipt's own address for its links; the switch keeps its query, nothing else does. */
static void
receipt_set_page(json_t *ctx, const struct app_request *rq, const char *token,
    const struct form *q)
{
	const char *page = rq->path + (rq->lang == LANG_EN ? 4 : 1);
	char query[128];

	receipt_query(token, q, query, sizeof(query));
	pages_set_page(ctx, rq->lang, page, query);
	json_object_set_new(ctx, "noindex", json_true());
}

/* Keeps the fields of VIEW that GIVEN names: a receipt says only what was stored. */
static void
receipt_only_given(json_t *view, enum form_kind kind, unsigned given)
{
	json_t *fields = json_object_get(view, "fields"), *f;
	size_t i;
	int row;

	for (i = json_array_size(fields); i-- > 0;) {
		f = json_array_get(fields, i);
		row = inventory_find(kind, json_string_value(json_object_get(f, "name")));
		if (row >= 0 && !(given & (1u << row)))
			json_array_remove(fields, i);
	}
}

/*
 * What the receipt is now: its heading and title (received, booked, declined, cancelled,
 * a link that opens nothing, or the question before cancelling), the reference as read
 * out, and for a live booking the links of the two steps of a cancellation.
 */
static void
receipt_state(json_t *ctx, json_t *view, const struct app_request *rq, enum form_kind kind,
    const char *token, const struct form *q)
{
	const struct pages *p = rq->site->pages;
	json_t *booking = json_object_get(view, "booking");
	const char *key = "receipt_title", *ask = form_get(q, "cancel");
	int live = json_string_value(json_object_get(view, "cancel_token")) != NULL;
	char ref[10], query[128], href[512];

	if (json_is_true(json_object_get(view, "cancelled")))
		key = "receipt_title_cancelled";
	else if (json_is_true(json_object_get(view, "link_invalid")))
		key = "receipt_title_invalid";
	else if (json_is_true(json_object_get(booking, "declined")))
		key = "receipt_title_declined";
	else if (live && ask != NULL && strcmp(ask, "confirm") == 0) {
		key = "receipt_title_confirm";
		json_object_set_new(view, "confirm_cancel", json_true());
	} else if (booking != NULL)
		key = "receipt_title_booked";
	json_object_set_new(view, "heading", json_string(pages_string(p, rq->lang, key)));
	json_object_set_new(ctx, "title", json_string(pages_string(p, rq->lang, key)));
	receipt_short_ref(json_string_value(json_object_get(view, "ref")), ref);
	json_object_set_new(view, "ref_short", json_string(ref));
	receipt_only_given(view, kind, receipt_given(q));
	if (booking != NULL) {
		receipt_query(token, q, query, sizeof(query));
		snprintf(href, sizeof(href), "%s?%s", rq->path, query);
		json_object_set_new(booking, "self_href", json_string(href));
		/* the first step of a cancel is a question: a GET of this page */
		json_object_set_new(booking, "self_path", json_string(rq->path));
		if (receipt_given(q) != ~0u) {
			snprintf(href, sizeof(href), "%x", receipt_given(q));
			json_object_set_new(booking, "given", json_string(href));
		}
	}
}

void
receipt_get(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	size_t plen = strlen(rq->path);
	int ics = plen > 4 && strcmp(rq->path + plen - 4, ".ics") == 0;
	const struct pages *p = rq->site->pages;
	struct store_booking b;
	struct receipt_path r;
	enum receipt_link link = RECEIPT_INVALID;
	const char *token;
	json_t *ctx, *view;
	struct form q;

	if (receipt_parse(rq->path, &r) == -1 || app == NULL || app->store == NULL ||
	    form_decode(rq->query, strlen(rq->query), &q, NULL) == -1) {
		reply_message(rp, 404, p, rq->lang, "notfound_title", "notfound_body");
		return;
	}
	token = form_get(&q, "k");
	if (r.kind == FORM_TEST_DRIVE && (token != NULL || ics))
		link = receipt_booking(app, token, r.id, &b);
	if (link == RECEIPT_ERROR) {
		reply_message(rp, 503, p, rq->lang, "message_title", "forms_closed");
		form_free(&q);
		return;
	}
	if (ics) {
		if (link == RECEIPT_OPENS)
			receipt_ics(p, rq->lang, &b, rp);
		else
			reply_message(rp, 404, p, rq->lang, "notfound_title",
			    receipt_link_text(link));
		form_free(&q);
		return;
	}
	ctx = pages_context(p, "receipt", rq->lang);
	/* the switch keeps a token that opens something: never one that is wrong */
	receipt_set_page(ctx, rq, r.kind == FORM_TEST_DRIVE && (link == RECEIPT_OPENS ||
	    link == RECEIPT_ENDED) ? token : NULL, &q);
	view = receipt_view(r.kind, rq->lang, r.id);
	if (link == RECEIPT_OPENS) {
		json_object_set_new(view, "booking", receipt_booking_view(p, rq->lang, &b,
		    token, r.id));
		if (b.status != STORE_BOOKING_DECLINED)	/* nothing left to cancel */
			json_object_set_new(view, "cancel_token", json_string(token));
	} else if (r.kind == FORM_TEST_DRIVE && token != NULL)
		json_object_set_new(view, link == RECEIPT_ENDED ? "cancelled" : "link_invalid",
		    json_true());
	receipt_state(ctx, view, rq, r.kind, token, &q);
	json_object_set_new(ctx, "receipt", view);
	reply_page(rp, 200, p, "receipt", ctx);
	form_free(&q);
}

/* The dealer learns that a booking was cancelled: its id and slot, sealed all the same. */
static int
receipt_cancellation(const struct store_booking *b, const struct keys_public *to,
    struct store_record *rec)
{
	struct record_meta m;
	struct buf pt = BUF_INIT;
	size_t ctlen;
	int rc = -1;

	memset(rec, 0, sizeof(*rec));
	recid_new(rec->id);
	rec->kind = STORE_KIND_CANCELLATION;
	snprintf(rec->key_id, sizeof(rec->key_id), "%s", to->key_id);
	rec->created = (int64_t)time(NULL);
	rec->slot = b->slot;
	m.id = rec->id;
	m.kind = store_kind_name(rec->kind);
	m.key_id = rec->key_id;
	m.created = rec->created;
	if (buf_printf(&pt, "{\"booking\":\"%s\",\"dealer\":\"%s\",\"kind\":\"cancellation\","
	    "\"model\":\"%s\",\"slot\":\"%s\",\"v\":1}", b->id, b->slot.dealer, b->slot.model,
	    b->slot.start) == -1)
		goto out;
	while (pt.len % 256 != 0)	/* the same padding as every record */
		buf_putc(&pt, ' ');
	if ((rec->enc = malloc(32)) == NULL ||
	    record_seal(&m, to->x25519, pt.data, pt.len, rec->enc, &rec->ct, &ctlen) == -1)
		goto out;
	rec->enc_len = 32;
	rec->ct_len = ctlen;
	rc = 0;
out:
	buf_wipe(&pt);
	return rc;
}

static int
receipt_dealer_key(const char *dealer, struct keys_public *out)
{
	const struct keys_public *k[64];
	struct trust *t = trust_acquire(time(NULL));
	size_t n;
	int rc = -1;

	if (t != NULL && (n = keys_keyring_dealer(&t->kr, dealer, k, 64)) > 0) {
		*out = *k[(n > 64 ? 64 : n) - 1];
		rc = 0;
	}
	trust_release(t);
	return rc;
}

void
receipt_cancel(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	const struct pages *p = rq->site->pages;
	struct store_record rec;
	struct store_booking b;
	struct keys_public to;
	struct store_err se;
	unsigned char hash[32];
	const char *token, *ref;
	enum receipt_link link;
	struct form f;
	int rc;

	memset(&rec, 0, sizeof(rec));
	if (app == NULL || app->store == NULL ||
	    form_decode(rq->body, rq->body_len, &f, NULL) == -1) {
		reply_message(rp, 400, p, rq->lang, "message_title", "bad_request");
		return;
	}
	if (!origin_form_ok(app->pub, rq)) {
		reply_message(rp, 403, p, rq->lang, "message_title", "cross_site");
		form_free(&f);
		return;
	}
	token = form_get(&f, "k");
	ref = form_get(&f, "ref");
	link = ref != NULL && recid_valid(ref) ? receipt_booking(app, token, ref, &b) :
	    RECEIPT_INVALID;
	if (link == RECEIPT_ERROR) {
		reply_message(rp, 503, p, rq->lang, "message_title", "forms_closed");
	} else if (link != RECEIPT_OPENS) {
		reply_message(rp, 404, p, rq->lang, "message_title",
		    link == RECEIPT_ENDED ? "cancel_unknown" : "receipt_link_invalid");
	} else if (receipt_dealer_key(b.slot.dealer, &to) == -1 ||
	    receipt_cancellation(&b, &to, &rec) == -1) {
		reply_message(rp, 503, p, rq->lang, "message_title", "forms_closed");
	} else {
		crypto_hash_sha256(hash, (const unsigned char *)token, 64);
		rc = store_cancel(app->store, hash, &rec, &se);
		if (rc == STORE_OK)
			reply_message(rp, 200, p, rq->lang, "cancelled_title", "cancelled_body");
		else if (rc == STORE_NOT_FOUND)
			reply_message(rp, 404, p, rq->lang, "message_title", "cancel_unknown");
		else {
			log_error("cancel: %s", se.msg);
			reply_message(rp, 503, p, rq->lang, "message_title", "forms_closed");
		}
	}
	free(rec.enc);
	free(rec.ct);
	form_free(&f);
}
