/*
 * The application behind the HTTP glue: its store, rate limits and the expiry of old
 * records. Routes are in router.c, replies in reply.c, each handler in a file of its own.
 */
#include "showroomd/app.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"
#include "store/store.h"
#include "showroomd/metrics_flush.h"
#include "showroomd/notify.h"
#include "showroomd/origin.h"
#include "showroomd/ratelimit.h"

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
	if (cfg->pub != NULL) {
		if ((app->pub = malloc(sizeof(*app->pub))) == NULL) {
			snprintf(err, errlen, "out of memory");
			free(app);
			return NULL;
		}
		*app->pub = *cfg->pub;
	}
	if ((app->rl = ratelimit_new(cfg->rate_per_min, cfg->burst, 65536)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(app->pub);
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
	if (app->store != NULL && cfg->counts_flush_s > 0) {
		if (metrics_flusher_start(app->store, cfg->counts_flush_s) == -1) {
			snprintf(err, errlen, "cannot start the counts thread");
			app_free(app);
			return NULL;
		}
		app->flushing = 1;
	}
	if (app->store != NULL && cfg->notify != NULL &&
	    (app->notify = notify_start(app->store, cfg->notify, err, errlen)) == NULL) {
		app_free(app);
		return NULL;
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
	notify_stop(app->notify);	/* before the store it uses */
	/* the last counts go to the store before it closes */
	if (app->flushing)
		metrics_flusher_stop();
	store_close(app->store);
	ratelimit_free(app->rl);
	free(app->pub);
	free(app);
}
