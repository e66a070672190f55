/*
 * GET /api/v1/slots?dealer=&model=&date=: the free places of one day, for the booking
 * form's script and anyone else. Public: counts only, no personal data.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seal/form.h"
#include "store/store.h"
#include "showroomd/handlers.h"
#include "showroomd/pages.h"
#include "showroomd/site.h"
#include "showroomd/slots.h"

void
api_slots(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	const struct pages *p = rq->site->pages;
	struct slot s[SLOTS_MAX_PER_DAY];
	struct slot_booked b[SLOTS_MAX_PER_DAY];
	struct store_slot_count *counts = NULL;
	struct store_err se;
	struct form q;
	const char *dealer, *model, *date;
	const json_t *d;
	json_t *list, *doc;
	size_t n = 0, i;
	int ns;

	if (form_decode(rq->query, strlen(rq->query), &q, NULL) == -1) {
		reply_json_error(rp, 400, "malformed query");
		return;
	}
	dealer = form_get(&q, "dealer");
	model = form_get(&q, "model");
	date = form_get(&q, "date");
	if (dealer == NULL || model == NULL || date == NULL ||
	    (d = pages_dealer(p, dealer)) == NULL || pages_model(p, model) == NULL) {
		reply_json_error(rp, 400, "dealer, model and date (YYYY-MM-DD) are required "
		    "and must exist");
		form_free(&q);
		return;
	}
	if (app->store != NULL && store_slot_counts(app->store, dealer, model, date, &counts,
	    &n, &se) != STORE_OK) {
		reply_json_error(rp, 503, "store unavailable");
		form_free(&q);
		return;
	}
	for (i = 0; i < n && i < SLOTS_MAX_PER_DAY; i++) {
		b[i].start = counts[i].start;
		b[i].booked = counts[i].booked;
	}
	ns = slots_for_day(d, model, date, time(NULL), b, i, s, SLOTS_MAX_PER_DAY);
	if (ns < 0) {
		reply_json_error(rp, 400, "date must be YYYY-MM-DD");
	} else {
		list = json_array();
		for (i = 0; i < (size_t)ns; i++)
			json_array_append_new(list, json_pack("{s:s, s:i, s:i}", "start",
			    s[i].start, "capacity", (int)s[i].capacity, "free", (int)s[i].free));
		doc = json_pack("{s:s, s:s, s:s, s:o}", "dealer", dealer, "model", model,
		    "date", date, "slots", list);
		reply_json(rp, 200, doc);
	}
	free(counts);
	form_free(&q);
}
