/*
 * Everything showroomd answers that is not a file of the built site: the request and
 * test-drive forms, receipts and cancellation, free slots, and the key holders' API.
 * Handlers see a plain request and fill a plain reply; http.c turns that into HTTP, so
 * the logic here never touches libmicrohttpd.
 */
#ifndef SHOWROOMD_APP_H
#define SHOWROOMD_APP_H

#include <stddef.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/i18n.h"

#define APP_MAX_BODY	(16 * 1024)	/* forms and API bodies */
#define APP_MAX_QUERY	2048

enum app_route {
	APP_NONE = 0,		/* a file of the site */
	APP_FORM_CATALOG,	/* GET, POST /request, /en/request */
	APP_FORM_TEST_DRIVE,	/* GET, POST /test-drive, /en/test-drive */
	APP_RECEIPT,		/* GET /receipt/ID, /en/receipt/ID */
	APP_RECEIPT_ICS,	/* GET /receipt/ID.ics */
	APP_CANCEL,		/* POST /cancel, /en/cancel */
	APP_PRIVACY,		/* GET /privacy/, /en/privacy/: inventory and keyring */
	APP_SLOTS,		/* GET /api/v1/slots */
	APP_INBOX,		/* GET /api/v1/inbox (signed) */
	APP_ACK,		/* POST /api/v1/ack (signed) */
	APP_ROUTES
};

struct site;
struct app;

struct app_request {
	const char		*method;
	const char		*path;		/* decoded, checked */
	enum lang		 lang;
	const char		*query;		/* raw, without '?'; "" when none */
	const char		*body;
	size_t			 body_len;
	const struct sockaddr	*client;	/* for rate limiting, never stored */
	struct site		*site;
	/* request headers, for content type and the API's signatures */
	const char		*(*header)(void *arg, const char *name, size_t *lenp);
	void			*header_arg;
};

#define APP_MAX_EXTRA	3

struct app_reply {
	unsigned	 status;
	const char	*ctype;
	struct buf	 body;
	int		 no_store;	/* Cache-Control: no-store (anything personal) */
	size_t		 nextra;
	char		 extra_name[APP_MAX_EXTRA][32];
	char		 extra_value[APP_MAX_EXTRA][512];
};

struct app_config {
	const char	*store_url;	/* --data or --db; NULL: forms closed */
	unsigned	 max_age_days;	/* records older than this are deleted */
	double		 rate_per_min;	/* form posts per client */
	double		 burst;
};

struct app	*app_new(const struct app_config *, char *err, size_t errlen);
void		 app_free(struct app *);

/* Which handler serves METHOD PATH; APP_NONE for the static site. *body_ok is set when
 * the route takes a request body (POST forms and the API). */
enum app_route	 app_route(const char *method, const char *path, enum lang *lang,
		    int *body_ok);
void		 app_handle(struct app *, enum app_route, const struct app_request *,
		    struct app_reply *);
/* Adds a response header to a reply (Location, Retry-After, Content-Disposition). */
void		 app_reply_header(struct app_reply *, const char *name, const char *value);
void		 app_reply_free(struct app_reply *);

#endif
