/*
 * The application behind the HTTP glue: what the handlers share (the store, the rate
 * limits) and the limits on what a request may carry. The handlers never touch
 * libmicrohttpd: they see a plain request and fill a plain reply (reply.h).
 */
#ifndef SHOWROOMD_APP_H
#define SHOWROOMD_APP_H

#include <stddef.h>

#define APP_MAX_BODY	(16 * 1024)	/* forms and API bodies */
#define APP_MAX_QUERY	2048

struct store;
struct ratelimit;
struct origin;
struct notify;
struct notify_config;

struct app {
	struct store		*store;		/* NULL: forms closed */
	struct ratelimit	*rl;
	unsigned		 max_age_days;
	int			 flushing;	/* counts go to the store (metrics_flush.h) */
	struct origin		*pub;		/* --public-url; NULL: the signed API is off */
	struct notify		*notify;	/* the notice sender, or NULL */
};

struct app_config {
	const char	*store_url;	/* --data or --db; NULL: forms closed */
	const struct origin *pub;	/* --public-url, parsed; NULL when not given */
	unsigned	 max_age_days;	/* records older than this are deleted */
	double		 rate_per_min;	/* form posts per client */
	double		 burst;
	unsigned	 counts_flush_s;	/* 0: counts stay in memory */
	const struct notify_config *notify;	/* --notify, or NULL; outlives the app */
};

struct app	*app_new(const struct app_config *, char *err, size_t errlen);
void		 app_free(struct app *);

#endif
