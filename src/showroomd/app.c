#include "showroomd/app.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/form.h"
#include "common/keys.h"
#include "common/log.h"
#include "store/store.h"
#include "showroomd/app_int.h"
#include "showroomd/pages.h"
#include "showroomd/ratelimit.h"
#include "showroomd/site.h"
#include "showroomd/slots.h"
#include "showroomd/trust.h"

void
app_reply_header(struct app_reply *rp, const char *name, const char *value)
{
	if (rp->nextra >= APP_MAX_EXTRA)
		return;
	snprintf(rp->extra_name[rp->nextra], sizeof(rp->extra_name[0]), "%s", name);
	snprintf(rp->extra_value[rp->nextra], sizeof(rp->extra_value[0]), "%s", value);
	rp->nextra++;
}

void
app_reply_free(struct app_reply *rp)
{
	/* replies to forms echo what the visitor typed */
	buf_wipe(&rp->body);
}

void
app_page(struct app_reply *rp, unsigned status, const struct pages *p, const char *tmpl,
    json_t *ctx)
{
	rp->ctype = "text/html; charset=utf-8";
	rp->no_store = 1;
	rp->status = status;
	if (ctx == NULL || pages_render(p, tmpl, ctx, &rp->body) == -1) {
		buf_reset(&rp->body);
		buf_puts(&rp->body, "<!doctype html><title>500</title><p>Internal error.</p>\n");
		rp->status = 500;
	}
	json_decref(ctx);
}

void
app_message(struct app_reply *rp, unsigned status, const struct pages *p, enum lang l,
    const char *heading_key, const char *para_key)
{
	rp->ctype = "text/html; charset=utf-8";
	rp->no_store = 1;
	rp->status = status;
	if (pages_message(p, l, heading_key, &para_key, para_key ? 1 : 0, &rp->body) == -1) {
		buf_reset(&rp->body);
		buf_puts(&rp->body, "<!doctype html><title>500</title><p>Internal error.</p>\n");
		rp->status = 500;
	}
}

void
app_redirect(struct app_reply *rp, const char *path)
{
	rp->status = 303;
	rp->no_store = 1;
	rp->ctype = "text/plain; charset=utf-8";
	app_reply_header(rp, "Location", path);
}

static int
app_ref_model(void *arg, const char *code)
{
	return pages_model(arg, code) != NULL;
}

static int
app_ref_dealer(void *arg, const char *code)
{
	return pages_dealer(arg, code) != NULL;
}

static int
app_ref_holds(void *arg, const char *dealer, const char *model)
{
	return pages_demo_cars(arg, dealer, model) > 0;
}

void
app_refs(const struct pages *p, struct inventory_refs *r)
{
	memset(r, 0, sizeof(*r));
	r->model_exists = app_ref_model;
	r->dealer_exists = app_ref_dealer;
	r->dealer_has_model = app_ref_holds;
	r->arg = (void *)(uintptr_t)p;
}

json_t *
app_form_policy(enum form_kind kind, enum lang l)
{
	json_t *view = inventory_privacy_view(l), *forms, *f, *out = NULL;
	const char *name = inventory_kind_name(kind);
	size_t i;

	forms = json_object_get(view, "forms");
	json_array_foreach(forms, i, f)
		if (strcmp(json_string_value(json_object_get(f, "kind")), name) == 0) {
			out = json_incref(f);
			break;
		}
	json_decref(view);
	return out;
}

/* ---- the privacy page: the inventory and the keyring, at request time ---- */

static json_t *
app_keyring_view(time_t now)
{
	struct trust *t = trust_acquire(now);
	json_t *keys, *o;
	char fpr[80];
	size_t i;

	if (t == NULL)
		return json_null();
	keys = json_array();
	for (i = 0; i < t->kr.nkeys; i++) {
		keys_fingerprint_text(&t->kr.keys[i], fpr);
		json_array_append_new(keys, json_pack("{s:s, s:s, s:s, s:s}",
		    "name", t->kr.keys[i].name, "role", keys_role_name(t->kr.keys[i].role),
		    "key_id", t->kr.keys[i].key_id, "fingerprint", fpr));
	}
	o = json_pack("{s:o, s:s}", "keys", keys, "expires", t->kr.expires);
	trust_release(t);
	return o;
}

static void
app_privacy(const struct app_request *rq, struct app_reply *rp)
{
	const struct pages *p = rq->site->pages;
	json_t *ctx = pages_context(p, "privacy", rq->lang);

	json_object_set_new(ctx, "inventory", inventory_privacy_view(rq->lang));
	json_object_set_new(ctx, "keyring", app_keyring_view(time(NULL)));
	json_object_set_new(ctx, "nav_privacy", json_true());
	app_page(rp, 200, p, "privacy", ctx);
	rp->no_store = 0;
}

/* ---- GET /api/v1/slots?dealer=&model=&date= ---- */

void
app_json(struct app_reply *rp, unsigned status, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);

	rp->status = status;
	rp->ctype = "application/json";
	rp->no_store = 1;
	buf_puts(&rp->body, text ? text : "{}");
	buf_putc(&rp->body, '\n');
	free(text);
	json_decref(doc);
}

static void
app_json_error(struct app_reply *rp, unsigned status, const char *msg)
{
	rp->status = status;
	rp->ctype = "application/json";
	rp->no_store = 1;
	buf_printf(&rp->body, "{\"error\":\"%s\"}\n", msg);
}

static void
app_slots(struct app *app, const struct app_request *rq, struct app_reply *rp)
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
		app_json_error(rp, 400, "malformed query");
		return;
	}
	dealer = form_get(&q, "dealer");
	model = form_get(&q, "model");
	date = form_get(&q, "date");
	if (dealer == NULL || model == NULL || date == NULL ||
	    (d = pages_dealer(p, dealer)) == NULL || pages_model(p, model) == NULL) {
		app_json_error(rp, 400, "dealer, model and date (YYYY-MM-DD) are required "
		    "and must exist");
		form_free(&q);
		return;
	}
	if (app->store != NULL && store_slot_counts(app->store, dealer, model, date, &counts,
	    &n, &se) != STORE_OK) {
		app_json_error(rp, 503, "store unavailable");
		form_free(&q);
		return;
	}
	for (i = 0; i < n && i < SLOTS_MAX_PER_DAY; i++) {
		b[i].start = counts[i].start;
		b[i].booked = counts[i].booked;
	}
	ns = slots_for_day(d, model, date, time(NULL), b, i, s, SLOTS_MAX_PER_DAY);
	if (ns < 0) {
		app_json_error(rp, 400, "date must be YYYY-MM-DD");
	} else {
		list = json_array();
		for (i = 0; i < (size_t)ns; i++)
			json_array_append_new(list, json_pack("{s:s, s:i, s:i}", "start",
			    s[i].start, "capacity", (int)s[i].capacity, "free", (int)s[i].free));
		doc = json_pack("{s:s, s:s, s:s, s:o}", "dealer", dealer, "model", model,
		    "date", date, "slots", list);
		app_json(rp, 200, doc);
	}
	free(counts);
	form_free(&q);
}

/* ---- routing ---- */

static const struct {
	const char	*path;		/* without the /en prefix */
	const char	*method;
	enum app_route	 route;
	int		 body;
} app_routes[] = {
	{ "/request", "GET", APP_FORM_CATALOG, 0 },
	{ "/request", "POST", APP_FORM_CATALOG, 1 },
	{ "/test-drive", "GET", APP_FORM_TEST_DRIVE, 0 },
	{ "/test-drive", "POST", APP_FORM_TEST_DRIVE, 1 },
	{ "/cancel", "POST", APP_CANCEL, 1 },
	{ "/privacy/", "GET", APP_PRIVACY, 0 },
	{ "/api/v1/slots", "GET", APP_SLOTS, 0 },
	{ "/api/v1/inbox", "GET", APP_INBOX, 0 },
	{ "/api/v1/ack", "POST", APP_ACK, 1 },
};

enum app_route
app_route(const char *method, const char *path, enum lang *lang, int *body_ok)
{
	const char *p = path;
	size_t i;

	*lang = LANG_JA;
	*body_ok = 0;
	if (strncmp(path, "/en/", 4) == 0) {
		*lang = LANG_EN;
		p = path + 3;
	}
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	if (strncmp(p, "/receipt/", 9) == 0 && strcmp(method, "GET") == 0) {
		size_t n = strlen(p);
		return n > 4 && strcmp(p + n - 4, ".ics") == 0 ? APP_RECEIPT_ICS : APP_RECEIPT;
	}
	for (i = 0; i < sizeof(app_routes) / sizeof(app_routes[0]); i++)
		if (p[1] == app_routes[i].path[1] &&	/* most paths are files: cheap miss */
		    strcmp(p, app_routes[i].path) == 0 &&
		    strcmp(method, app_routes[i].method) == 0) {
			if (app_routes[i].route >= APP_SLOTS && *lang != LANG_JA)
				return APP_NONE;
			*body_ok = app_routes[i].body;
			return app_routes[i].route;
		}
	return APP_NONE;
}

void
app_handle(struct app *app, enum app_route route, const struct app_request *rq,
    struct app_reply *rp)
{
	switch (route) {
	case APP_FORM_CATALOG:
	case APP_FORM_TEST_DRIVE:
		if (strcmp(rq->method, "POST") == 0)
			forms_post(app, route == APP_FORM_CATALOG ? FORM_CATALOG :
			    FORM_TEST_DRIVE, rq, rp);
		else
			forms_get(app, route == APP_FORM_CATALOG ? FORM_CATALOG :
			    FORM_TEST_DRIVE, rq, rp);
		break;
	case APP_RECEIPT:
	case APP_RECEIPT_ICS:
		receipt_get(app, rq, rp, route == APP_RECEIPT_ICS);
		break;
	case APP_CANCEL:
		receipt_cancel(app, rq, rp);
		break;
	case APP_PRIVACY:
		app_privacy(rq, rp);
		break;
	case APP_SLOTS:
		app_slots(app, rq, rp);
		break;
	case APP_INBOX:
		api_inbox(app, rq, rp);
		break;
	case APP_ACK:
		api_ack(app, rq, rp);
		break;
	default:
		app_message(rp, 404, rq->site->pages, rq->lang, "notfound_title",
		    "notfound_body");
		break;
	}
}

/* ---- life cycle ---- */

static pthread_t app_expiry_thread;
static pthread_mutex_t app_expiry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t app_expiry_cond = PTHREAD_COND_INITIALIZER;
static int app_expiry_run;

/* Records older than the maximum age go, at start and every ten minutes; only the count
 * is kept. */
static void *
app_expiry(void *arg)
{
	struct app *app = arg;
	struct store_err se;
	struct timespec ts;
	uint64_t n;

	pthread_mutex_lock(&app_expiry_lock);
	while (app_expiry_run) {
		n = 0;
		if (store_expire(app->store, (int64_t)app->max_age_days * 86400,
		    (int64_t)time(NULL), &n, &se) != STORE_OK)
			log_warn("expiry: %s", se.msg);
		else if (n > 0)
			log_info("expiry: %llu records older than %u days deleted",
			    (unsigned long long)n, app->max_age_days);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 600;
		pthread_cond_timedwait(&app_expiry_cond, &app_expiry_lock, &ts);
	}
	pthread_mutex_unlock(&app_expiry_lock);
	return NULL;
}

struct app *
app_new(const struct app_config *cfg, char *err, size_t errlen)
{
	struct store_err se;
	struct app *app;

	if ((app = calloc(1, sizeof(*app))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	app->max_age_days = cfg->max_age_days;
	if ((app->rl = ratelimit_new(cfg->rate_per_min, cfg->burst, 65536)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(app);
		return NULL;
	}
	if (cfg->store_url != NULL &&
	    store_open(&app->store, cfg->store_url, &se) != STORE_OK) {
		snprintf(err, errlen, "%s", se.msg);
		app_free(app);
		return NULL;
	}
	if (app->store != NULL) {
		app_expiry_run = 1;
		if (pthread_create(&app_expiry_thread, NULL, app_expiry, app) != 0) {
			app_expiry_run = 0;
			snprintf(err, errlen, "cannot start the expiry thread");
			app_free(app);
			return NULL;
		}
	}
	return app;
}

void
app_free(struct app *app)
{
	if (app == NULL)
		return;
	if (app_expiry_run) {
		pthread_mutex_lock(&app_expiry_lock);
		app_expiry_run = 0;
		pthread_cond_signal(&app_expiry_cond);
		pthread_mutex_unlock(&app_expiry_lock);
		pthread_join(app_expiry_thread, NULL);
	}
	store_close(app->store);
	ratelimit_free(app->rl);
	free(app);
}
