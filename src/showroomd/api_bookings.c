/*
 * A dealer confirms or declines its bookings through the signed API. Only the dealer's
 * own key, and only its own bookings (by record id). A decline carries a reason code
 * from the store's short fixed list (store_reasons), never free text: the visitor's
 * receipt shows it in the visitor's language, and nothing personal comes back to the
 * web tier. A declined booking frees its place.
 *
 *   POST /api/v1/bookings/confirm  {"dealer", "ids": [ID, ...]}
 *   POST /api/v1/bookings/decline  {"dealer", "ids": [ID, ...], "reason": CODE}
 *
 * Each id is decided in a transaction of its own; the reply says for each what it is
 * now: {"results": [{"id", "status", "reason"?} or {"id", "error"}]}.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "seal/recid.h"
#include "store/store.h"
#include "showroomd/api.h"

#define API_DECIDE_MAX	1000	/* ids per call */

/* The reasons as one line, for the error a bad one gets. */
static void
api_reasons(char *out, size_t outsz)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; store_reasons[i] != NULL && n < outsz; i++)
		n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? ", " : "",
		    store_reasons[i]);
}

/* NULL when the body is fine, else the reason for a 400. */
static const char *
api_decide_parse(json_t *doc, enum store_booking_status st, json_t **idsp,
    const char **reasonp)
{
	const char *key;
	json_t *ids, *v;
	size_t i;

	json_object_foreach(doc, key, v)
		if (strcmp(key, "dealer") != 0 && strcmp(key, "ids") != 0 &&
		    (st != STORE_BOOKING_DECLINED || strcmp(key, "reason") != 0))
			return "unknown member (dealer, ids; reason for decline)";
	ids = json_object_get(doc, "ids");
	if (!json_is_array(ids) || json_array_size(ids) == 0 ||
	    json_array_size(ids) > API_DECIDE_MAX)
		return "ids must be an array of 1 to 1000 booking ids";
	json_array_foreach(ids, i, v)
		if (!json_is_string(v) || !recid_valid(json_string_value(v)))
			return "ids must be booking ids";
	*idsp = ids;
	*reasonp = json_string_value(json_object_get(doc, "reason"));
	if (st == STORE_BOOKING_DECLINED && !store_reason_valid(*reasonp))
		return "";	/* the caller names the reasons */
	return NULL;
}

static json_t *
api_decide_one(struct app *app, const char *dealer, const char *id,
    enum store_booking_status st, const char *reason)
{
	struct store_booking b;
	struct store_err se;
	int rc;

	rc = store_booking_decide(app->store, dealer, id, st, reason, &b, &se);
	if (rc == STORE_OK)
		return json_pack("{s:s, s:s, s:s?}", "id", id, "status",
		    store_status_name(b.status), "reason", b.reason[0] ? b.reason : NULL);
	if (rc == STORE_NOT_FOUND)
		return json_pack("{s:s, s:s}", "id", id, "error",
		    "no such booking of this dealer (cancelled, expired or another's)");
	if (rc == STORE_CONFLICT)
		return json_pack("{s:s, s:s}", "id", id, "error", "declined already");
	log_error("api: bookings: %s", se.msg);
	return NULL;
}

void
api_bookings_decide(struct app *app, int arg, const struct app_request *rq,
    struct app_reply *rp)
{
	enum store_booking_status st = (enum store_booking_status)arg;
	struct api_caller who;
	json_error_t je;
	json_t *doc, *ids = NULL, *v, *results, *one;
	const char *dealer, *reason = NULL, *why;
	char msg[160], list[96];
	size_t i, nok = 0;

	if (app == NULL || app->store == NULL) {
		api_error(rp, 503, "no store");
		return;
	}
	if (api_authenticate(app, rq, 1, &who, rp) == -1)
		return;
	doc = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		api_error(rp, 400, "expected a JSON object");
		return;
	}
	dealer = json_string_value(json_object_get(doc, "dealer"));
	if (who.role != KEYS_ROLE_DEALER || dealer == NULL || strcmp(who.dealer, dealer) != 0) {
		log_warn("api: 403 bookings of %.32s decided by keyid=%.64s",
		    dealer ? dealer : "-", who.key_id);
		json_decref(doc);
		api_error(rp, 403, "a dealer's bookings are decided by its own key only");
		return;
	}
	if ((why = api_decide_parse(doc, st, &ids, &reason)) != NULL) {
		api_reasons(list, sizeof(list));
		snprintf(msg, sizeof(msg), "%s", *why ? why : "reason must be one of: ");
		if (*why == '\0')
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s", list);
		json_decref(doc);
		api_error(rp, 400, msg);
		return;
	}
	results = json_array();
	json_array_foreach(ids, i, v) {
		if ((one = api_decide_one(app, dealer, json_string_value(v), st, reason)) ==
		    NULL) {
			json_decref(results);
			json_decref(doc);
			api_error(rp, 503, "store unavailable");
			return;
		}
		nok += json_object_get(one, "error") == NULL;
		json_array_append_new(results, one);
	}
	log_info("api: bookings %s by keyid=%.64s: %zu of %zu", store_status_name(st),
	    who.key_id, nok, json_array_size(ids));
	reply_json(rp, 200, json_pack("{s:s, s:o}", "dealer", dealer, "results", results));
	json_decref(doc);
}
