/*
 * GET /api/v1/counts?days=N: what the web tier holds and has done, counted, for the privacy
 * officer (a privacy key) and HQ. Signed like every key holders' call; a dealer key is
 * refused. It returns counts only: records held now by kind and recipient, the oldest
 * record's time, bookings ahead per day and dealer, what was stored, acknowledged, expired
 * and cancelled, the traffic counts of the last N days, and the store's columns. No id, no
 * ciphertext, no slot time.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "seal/keys.h"
#include "store/store.h"
#include "showroomd/api.h"
#include "showroomd/handlers.h"
#include "showroomd/trust.h"

#define COUNTS_DAYS_DEFAULT	30
#define COUNTS_DAYS_MAX		STORE_COUNT_KEEP_DAYS
#define COUNTS_RECENT		30	/* "last_30_days" */

/* One held row, with the recipient's role from the keyring ("unknown" once rotated out). */
static json_t *
counts_held(const struct store_held *h, const struct trust *t)
{
	const struct keys_public *k = t != NULL ? keys_keyring_find(&t->kr, h->key_id) : NULL;

	return json_pack("{s:s, s:s, s:s, s:s?, s:I, s:I}",
	    "kind", store_kind_name(h->kind), "key_id", h->key_id,
	    "role", k != NULL ? keys_role_name(k->role) : "unknown",
	    "dealer", k != NULL && k->role == KEYS_ROLE_DEALER ? k->dealer : NULL,
	    "records", (json_int_t)h->records, "oldest", (json_int_t)h->oldest);
}

static json_t *
counts_holdings(const struct store_holdings *h)
{
	struct trust *t = trust_acquire(time(NULL));
	json_t *held = json_array(), *ahead = json_array();
	size_t i;

	for (i = 0; i < h->nheld; i++)
		json_array_append_new(held, counts_held(&h->held[i], t));
	trust_release(t);
	for (i = 0; i < h->nahead; i++)
		json_array_append_new(ahead, json_pack("{s:s, s:s, s:I}", "day", h->ahead[i].day,
		    "dealer", h->ahead[i].dealer, "bookings", (json_int_t)h->ahead[i].bookings));
	return json_pack("{s:o, s:I, s:o, s:o, s:o}", "held", held,
	    "records_held", (json_int_t)h->records,
	    "oldest", h->oldest > 0 ? json_integer(h->oldest) : json_null(),
	    "bookings_ahead", ahead,
	    "outbox_backlog", h->outbox_backlog >= 0 ? json_integer(h->outbox_backlog) :
	    json_null());
}

/* Adds V to the integer at KEY of O. */
static void
counts_add(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) +
	    (json_int_t)v));
}

/* The store's own counts of the last COUNTS_RECENT days, summed. */
static json_t *
counts_recent(const struct store_count *v, size_t n, const char *since)
{
	json_t *o = json_pack("{s:i, s:i, s:i, s:{s:i, s:i, s:i}}", STORE_COUNT_ACKED, 0,
	    STORE_COUNT_EXPIRED, 0, STORE_COUNT_CANCELLED, 0, "stored", "catalog_request", 0,
	    "test_drive", 0, "cancellation", 0);
	size_t i, pl = strlen(STORE_COUNT_STORED);

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].day, since) < 0)
			continue;
		if (strncmp(v[i].name, STORE_COUNT_STORED, pl) == 0)
			counts_add(json_object_get(o, "stored"), v[i].name + pl, v[i].value);
		else if (strcmp(v[i].name, STORE_COUNT_ACKED) == 0 ||
		    strcmp(v[i].name, STORE_COUNT_EXPIRED) == 0 ||
		    strcmp(v[i].name, STORE_COUNT_CANCELLED) == 0)
			counts_add(o, v[i].name, v[i].value);
	}
	return o;
}

/* Every day from FIRST to today, each with its counts (an empty object on a quiet day). */
static json_t *
counts_days(const struct store_count *v, size_t n, int ndays, time_t now)
{
	json_t *days = json_array(), *day = NULL, *counts = NULL;
	char d[STORE_DATE_LEN + 1];
	size_t i = 0;
	int k;

	for (k = ndays - 1; k >= 0; k--) {
		jtime_date(now, -k, d);
		counts = json_object();
		day = json_pack("{s:s, s:o}", "day", d, "counts", counts);
		while (i < n && strcmp(v[i].day, d) < 0)
			i++;
		for (; i < n && strcmp(v[i].day, d) == 0; i++)
			json_object_set_new(counts, v[i].name, json_integer((json_int_t)v[i].value));
		json_array_append_new(days, day);
	}
	return days;
}

static json_t *
counts_totals(struct store *st)
{
	struct store_counters c;
	struct store_err se;

	if (store_counters(st, &c, &se) != STORE_OK)
		return json_null();
	return json_pack("{s:{s:I, s:I, s:I}, s:I, s:I, s:I}", "stored",
	    "catalog_request", (json_int_t)c.stored[STORE_KIND_CATALOG_REQUEST],
	    "test_drive", (json_int_t)c.stored[STORE_KIND_TEST_DRIVE],
	    "cancellation", (json_int_t)c.stored[STORE_KIND_CANCELLATION],
	    "acked", (json_int_t)c.acked, "expired", (json_int_t)c.expired,
	    "cancelled", (json_int_t)c.cancelled);
}

static json_t *
counts_columns(struct store *st)
{
	struct store_err se;
	json_t *a = json_array();
	char **cols;
	size_t n, i;

	if (store_columns(st, &cols, &n, &se) != STORE_OK)
		return a;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(cols[i]));
	store_columns_free(cols, n);
	return a;
}

/* days=N (1..COUNTS_DAYS_MAX) from the query; 0 when malformed. */
static int
counts_days_param(const char *q)
{
	char *end;
	long v;

	if (q[0] == '\0')
		return COUNTS_DAYS_DEFAULT;
	if (strncmp(q, "days=", 5) != 0)
		return 0;
	v = strtol(q + 5, &end, 10);
	if (q[5] == '\0' || *end != '\0' || v < 1 || v > COUNTS_DAYS_MAX)
		return 0;
	return (int)v;
}

void
api_counts(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	struct store_holdings h;
	struct store_count *v = NULL;
	struct api_caller who;
	struct store_err se;
	time_t now = time(NULL);
	char today[STORE_DATE_LEN + 1], from[STORE_DATE_LEN + 1], since[STORE_DATE_LEN + 1];
	json_t *doc;
	size_t n = 0;
	int days;

	if (app == NULL || app->store == NULL) {
		api_error(rp, 503, "no store");
		return;
	}
	if (api_authenticate(app, rq, 0, &who, rp) == -1)
		return;
	if (who.role != KEYS_ROLE_PRIVACY && who.role != KEYS_ROLE_HQ) {
		api_error(rp, 403, "counts are for privacy and hq keys");
		return;
	}
	if ((days = counts_days_param(rq->query)) == 0) {
		api_error(rp, 400, "days must be 1 to 400");
		return;
	}
	jtime_date(now, 0, today);
	jtime_date(now, -(days > COUNTS_RECENT ? days : COUNTS_RECENT) + 1, from);
	jtime_date(now, -COUNTS_RECENT + 1, since);
	if (store_holdings(app->store, today, &h, &se) != STORE_OK ||
	    store_counts_get(app->store, from, today, &v, &n, &se) != STORE_OK) {
		store_holdings_free(&h);
		log_error("api: counts: %s", se.msg);
		api_error(rp, 503, "store unavailable");
		return;
	}
	doc = counts_holdings(&h);
	json_object_set_new(doc, "generated_at", json_integer((json_int_t)now));
	json_object_set_new(doc, "today", json_string(today));
	json_object_set_new(doc, "backend", json_string(store_backend(app->store)));
	json_object_set_new(doc, "caller", json_string(who.key_id));
	json_object_set_new(doc, "last_30_days", counts_recent(v, n, since));
	json_object_set_new(doc, "days", counts_days(v, n, days, now));
	json_object_set_new(doc, "totals", counts_totals(app->store));
	json_object_set_new(doc, "columns", counts_columns(app->store));
	store_holdings_free(&h);
	free(v);
	reply_json(rp, 200, doc);
}
