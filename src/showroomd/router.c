#include "showroomd/router.h"

#include <string.h>

#include "seal/inventory.h"
#include "store/store.h"
#include "showroomd/handlers.h"

struct route {
	const char	*method;
	const char	*path;		/* without the /en prefix */
	int		 prefix;	/* PATH is a prefix (the receipt's id follows) */
	handler_fn	*handler;
	int		 arg;
	int		 en_twin;	/* also served under /en/ */
	int		 body;		/* takes a request body */
};

static const struct route router_table[] = {
	{ "GET",  "/request",      0, forms_get,      FORM_CATALOG,    1, 0 },
	{ "POST", "/request",      0, forms_post,     FORM_CATALOG,    1, 1 },
	{ "GET",  "/test-drive",   0, forms_get,      FORM_TEST_DRIVE, 1, 0 },
	{ "POST", "/test-drive",   0, forms_post,     FORM_TEST_DRIVE, 1, 1 },
	{ "GET",  "/receipt/",     1, receipt_get,    0,               1, 0 },
	{ "POST", "/cancel",       0, receipt_cancel, 0,               1, 1 },
	{ "GET",  "/privacy/",     0, privacy_get,    0,               1, 0 },
	{ "GET",  "/api/v1/slots", 0, api_slots,      0,               0, 0 },
	{ "GET",  "/api/v1/inbox", 0, api_inbox,      0,               0, 0 },
	{ "POST", "/api/v1/ack",   0, api_ack,        0,               0, 1 },
	{ "GET",  "/api/v1/calendar",       0, api_calendar_get, 0,               0, 0 },
	{ "POST", "/api/v1/calendar/close", 0, api_calendar_set, STORE_CAL_CLOSE, 0, 1 },
	{ "POST", "/api/v1/calendar/open",  0, api_calendar_set, STORE_CAL_OPEN,  0, 1 },
	{ "POST", "/api/v1/calendar/cars",  0, api_calendar_set, STORE_CAL_CARS,  0, 1 },
	{ "POST", "/api/v1/bookings/confirm", 0, api_bookings_decide, STORE_BOOKING_CONFIRMED,
	    0, 1 },
	{ "POST", "/api/v1/bookings/decline", 0, api_bookings_decide, STORE_BOOKING_DECLINED,
	    0, 1 },
	{ "GET",  "/api/v1/counts", 0, api_counts,    0,               0, 0 },
};

const struct route *
router_match(const char *method, const char *path, enum lang *lang, int *body_ok)
{
	const struct route *r;
	const char *p = path;
	size_t i, n;

	*lang = LANG_JA;
	*body_ok = 0;
	if (strncmp(path, "/en/", 4) == 0) {
		*lang = LANG_EN;
		p = path + 3;
	}
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (i = 0; i < sizeof(router_table) / sizeof(router_table[0]); i++) {
		r = &router_table[i];
		if (p[1] != r->path[1])		/* most paths are files: a cheap miss */
			continue;
		n = strlen(r->path);
		if ((r->prefix ? strncmp(p, r->path, n) != 0 : strcmp(p, r->path) != 0) ||
		    strcmp(method, r->method) != 0)
			continue;
		if (*lang != LANG_JA && !r->en_twin)
			return NULL;
		*body_ok = r->body;
		return r;
	}
	return NULL;
}

int
router_allowed(const char *method, const char *path, const char **allow)
{
	static const char *const allows[] = { "GET, HEAD", "GET, HEAD", "POST",
	    "GET, HEAD, POST" };
	const struct route *r;
	const char *p = path;
	unsigned mask = 0;	/* 1: GET, 2: POST */
	size_t i, n;
	int en = 0;

	if (strncmp(path, "/en/", 4) == 0) {
		en = 1;
		p = path + 3;
	}
	for (i = 0; i < sizeof(router_table) / sizeof(router_table[0]); i++) {
		r = &router_table[i];
		n = strlen(r->path);
		if ((r->prefix ? strncmp(p, r->path, n) != 0 : strcmp(p, r->path) != 0) ||
		    (en && !r->en_twin))
			continue;
		mask |= strcmp(r->method, "POST") == 0 ? 2 : 1;
	}
	*allow = allows[mask];
	/* a path of the route table is answered by its routes only, never by a file */
	if (mask != 0)
		return 0;
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

void
router_handle(struct app *app, const struct route *r, const struct app_request *rq,
    struct app_reply *rp)
{
	r->handler(app, r->arg, rq, rp);
}
