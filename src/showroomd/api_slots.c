/*
 * GET /api/v1/slots?dealer=&model=&date=: the free places of one day, for the booking
 * form's script and anyone else. Public: counts only, no personal data.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seal/form.h"
#include "showroomd/handlers.h"
#include "showroomd/pages.h"
#include "showroomd/site.h"
#include "showroomd/slots.h"

void
api_slots(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	const struct pages *p = rq->site->pages;
	struct slot s[SLOTS_MAX_PER_DAY];
	struct form q;
	const char *dealer, *model, *date;
	const json_t *d;
	json_t *list, *doc;
	size_t i;
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
	ns = slots_free(app->store, d, dealer, model, date, time(NULL), s, SLOTS_MAX_PER_DAY);
	if (ns == SLOTS_BAD_DATE) {
		reply_json_error(rp, 400, "date must be a real day, YYYY-MM-DD");
	} else if (ns == SLOTS_NO_STORE) {
		reply_json_error(rp, 503, "store unavailable");
	} else {
		list = json_array();
		for (i = 0; i < (size_t)ns; i++)
			json_array_append_new(list, json_pack("{s:s, s:i, s:i}", "start",
			    s[i].start, "capacity", (int)s[i].capacity, "free", (int)s[i].free));
		doc = json_pack("{s:s, s:s, s:s, s:o}", "dealer", dealer, "model", model,
		    "date", date, "slots", list);
		reply_json(rp, 200, doc);
	}
	form_free(&q);
}
