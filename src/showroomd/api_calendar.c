/*
 * A dealer's calendar through the signed API: close days (the whole store, or one model),
 * reopen them, set the demo cars of a model per day, and read it all back. Only a dealer
 * key may call it, and only for its own dealer code. A change never drops a booking: the
 * reply lists the bookings left in a closed or overfull slot (ids and slots, nothing
 * personal), and the dealer decides. The store applies a change in one transaction, and
 * every node reads it from there, so it holds at once everywhere.
 *
 *   GET  /api/v1/calendar?dealer=CODE[&from=YYYY-MM-DD][&to=YYYY-MM-DD]
 *   POST /api/v1/calendar/close  {"dealer","from","to"[,"model"]}
 *   POST /api/v1/calendar/open   {"dealer","from","to"[,"model"]}
 *   POST /api/v1/calendar/cars   {"dealer","model","from","to","cars": N | null}
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "seal/form.h"
#include "store/store.h"
#include "showroomd/api.h"
#include "showroomd/pages.h"
#include "showroomd/site.h"
#include "showroomd/slots.h"

static const char *const api_cal_ops[] = { NULL, "close", "open", "cars" };

/* Only the dealer's own key: 0, or -1 with a 403 sent. */
static int
api_cal_own(const struct api_caller *who, const char *dealer, struct app_reply *rp)
{
	if (who->role == KEYS_ROLE_DEALER && dealer != NULL &&
	    strcmp(who->dealer, dealer) == 0)
		return 0;
	log_warn("api: 403 calendar of %.32s asked by keyid=%.64s", dealer ? dealer : "-",
	    who->key_id);
	api_error(rp, 403, "a dealer's calendar is changed and read by its own key only");
	return -1;
}

static int
api_cal_date(const char *s)
{
	return s != NULL && strlen(s) == 10 && jtime_midnight(s) != -1;
}

/* The change a body asks for; NULL when it is fine, else the reason for a 400. */
static const char *
api_cal_parse(const struct app_request *rq, enum store_cal_op op, json_t *doc,
    struct store_cal_change *ch)
{
	static const char *const known[] = { "dealer", "model", "from", "to", "cars", NULL };
	const struct pages *p = rq->site->pages;
	const char *dealer, *model, *from, *to, *key;
	json_t *cars, *v;
	size_t i;

	json_object_foreach(doc, key, v) {
		for (i = 0; known[i] != NULL && strcmp(known[i], key) != 0; i++)
			;
		if (known[i] == NULL || (op != STORE_CAL_CARS && strcmp(key, "cars") == 0))
			return "unknown member (dealer, model, from, to; cars for cars)";
	}
	dealer = json_string_value(json_object_get(doc, "dealer"));
	model = json_string_value(json_object_get(doc, "model"));
	from = json_string_value(json_object_get(doc, "from"));
	to = json_string_value(json_object_get(doc, "to"));
	if (dealer == NULL || pages_dealer(p, dealer) == NULL)
		return "dealer must be a dealer code of the site";
	if ((json_object_get(doc, "model") != NULL && model == NULL) ||
	    (model != NULL && pages_demo_cars(p, dealer, model) <= 0))
		return "model must be a model the dealer keeps demo cars of";
	if (!api_cal_date(from) || (to != NULL && !api_cal_date(to)) ||
	    (json_object_get(doc, "to") != NULL && to == NULL))
		return "from and to must be real days, YYYY-MM-DD";
	memset(ch, 0, sizeof(*ch));
	ch->op = op;
	snprintf(ch->dealer, sizeof(ch->dealer), "%s", dealer);
	snprintf(ch->model, sizeof(ch->model), "%s", model ? model : "");
	snprintf(ch->from, sizeof(ch->from), "%s", from);
	snprintf(ch->to, sizeof(ch->to), "%s", to ? to : from);
	if (jtime_midnight(ch->to) < jtime_midnight(ch->from) ||
	    jtime_midnight(ch->to) - jtime_midnight(ch->from) >=
	    (time_t)STORE_CAL_DAYS_MAX * 86400)
		return "to must not be before from, and a change spans at most 366 days";
	if (op != STORE_CAL_CARS)
		return NULL;
	cars = json_object_get(doc, "cars");
	if (model == NULL || cars == NULL || !(json_is_null(cars) || (json_is_integer(cars) &&
	    json_integer_value(cars) >= 0 && json_integer_value(cars) <= STORE_CARS_MAX)))
		return "cars needs a model and \"cars\": 0 to 200, or null for the content's";
	ch->cars = json_is_null(cars) ? -1 : (int)json_integer_value(cars);
	return NULL;
}

static json_t *
api_cal_hits(const struct store_booking *b, size_t n)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "id", b[i].id,
		    "model", b[i].slot.model, "start", b[i].slot.start));
	return list;
}

void
api_calendar_set(struct app *app, int arg, const struct app_request *rq,
    struct app_reply *rp)
{
	enum store_cal_op op = (enum store_cal_op)arg;
	struct store_booking *hits = NULL;
	struct store_cal_change ch;
	struct api_caller who;
	struct store_err se;
	json_error_t je;
	const char *why;
	json_t *doc;
	size_t n = 0;

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
	if (api_cal_own(&who, json_string_value(json_object_get(doc, "dealer")), rp) == -1) {
		json_decref(doc);
		return;
	}
	why = api_cal_parse(rq, op, doc, &ch);
	json_decref(doc);
	if (why != NULL) {
		api_error(rp, 400, why);
		return;
	}
	if (store_calendar_set(app->store, &ch, &hits, &n, &se) != STORE_OK) {
		log_error("api: calendar: %s", se.msg);
		api_error(rp, 503, "store unavailable");
		return;
	}
	log_info("api: calendar %s %s%s%s %s..%s by keyid=%.64s: %zu bookings affected",
	    api_cal_ops[op], ch.dealer, ch.model[0] ? "/" : "", ch.model, ch.from, ch.to,
	    who.key_id, n);
	doc = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:o}", "op", api_cal_ops[op], "dealer",
	    ch.dealer, "model", ch.model[0] ? ch.model : NULL, "from", ch.from, "to", ch.to,
	    "affected", api_cal_hits(hits, n));
	if (op == STORE_CAL_CARS)
		json_object_set_new(doc, "cars", ch.cars < 0 ? json_null() :
		    json_integer(ch.cars));
	reply_json(rp, 200, doc);
	free(hits);
}

static json_t *
api_cal_days(const struct store_cal_day *d, size_t n)
{
	json_t *list = json_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_pack("{s:s, s:s?, s:b}", "date", d[i].date, "model",
		    d[i].model[0] ? d[i].model : NULL, "closed", d[i].closed);
		json_object_set_new(o, "cars", d[i].cars < 0 ? json_null() :
		    json_integer(d[i].cars));
		json_array_append_new(list, o);
	}
	return list;
}

void
api_calendar_get(struct app *app, int arg, const struct app_request *rq,
    struct app_reply *rp)
{
	struct store_cal_day *days = NULL;
	struct api_caller who;
	struct store_err se;
	const json_t *d, *fixed;
	const char *dealer, *qf, *qt;
	char from[11], to[11];
	struct form q;
	size_t n = 0;

	if (app == NULL || app->store == NULL) {
		api_error(rp, 503, "no store");
		return;
	}
	if (api_authenticate(app, rq, 0, &who, rp) == -1)
		return;
	if (form_decode(rq->query, strlen(rq->query), &q, NULL) == -1) {
		api_error(rp, 400, "malformed query");
		return;
	}
	dealer = form_get(&q, "dealer");
	qf = form_get(&q, "from");
	qt = form_get(&q, "to");
	if (api_cal_own(&who, dealer, rp) == -1)
		goto out;
	/* default: today (JST) and the booking horizon after it */
	if (qf != NULL)
		snprintf(from, sizeof(from), "%s", api_cal_date(qf) ? qf : "");
	else
		jtime_date(time(NULL), 0, from);
	if (qt != NULL)
		snprintf(to, sizeof(to), "%s", api_cal_date(qt) ? qt : "");
	else if (api_cal_date(from))
		jtime_date(jtime_midnight(from), SLOTS_HORIZON_DAYS - 1, to);
	else
		to[0] = '\0';
	if ((d = pages_dealer(rq->site->pages, dealer)) == NULL || !api_cal_date(from) ||
	    !api_cal_date(to) || jtime_midnight(to) < jtime_midnight(from) ||
	    jtime_midnight(to) - jtime_midnight(from) >= (time_t)STORE_CAL_DAYS_MAX * 86400) {
		api_error(rp, 400, "dealer must be a dealer code of the site; from and to real "
		    "days, YYYY-MM-DD, at most 366 days apart");
		goto out;
	}
	if (store_calendar(app->store, dealer, from, to, &days, &n, &se) != STORE_OK) {
		log_error("api: calendar: %s", se.msg);
		api_error(rp, 503, "store unavailable");
		goto out;
	}
	fixed = json_object_get(d, "closed");
	reply_json(rp, 200, json_pack("{s:s, s:s, s:s, s:o, s:o}", "dealer", dealer, "from",
	    from, "to", to, "days", api_cal_days(days, n), "fixed_closed",
	    fixed != NULL ? json_deep_copy(fixed) : json_array()));
	free(days);
out:
	form_free(&q);
}
