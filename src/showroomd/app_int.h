/* Shared by the handlers of app.c, forms.c and receipt.c; not for other modules. */
#ifndef SHOWROOMD_APP_INT_H
#define SHOWROOMD_APP_INT_H

#include <jansson.h>
#include <time.h>

#include "common/inventory.h"
#include "showroomd/app.h"

struct store;
struct ratelimit;
struct pages;

struct app {
	struct store		*store;
	struct ratelimit	*rl;
	unsigned		 max_age_days;
};

/* A rendered page (status, HTML) or a canned message page. */
void	app_page(struct app_reply *, unsigned status, const struct pages *, const char *tmpl,
	    json_t *ctx);
void	app_message(struct app_reply *, unsigned status, const struct pages *, enum lang,
	    const char *heading_key, const char *para_key);
/* A JSON reply (not stored by caches), taking DOC's reference; NULL DOC gives "{}". */
void	app_json(struct app_reply *, unsigned status, json_t *doc);
/* 303 See Other to PATH (relative to the site). */
void	app_redirect(struct app_reply *, const char *path);
/* The catalog (content) checks inventory_validate needs. */
void	app_refs(const struct pages *, struct inventory_refs *);
/* The inventory's privacy view of form KIND in L: title, recipient, retention, fields. */
json_t	*app_form_policy(enum form_kind, enum lang);

void	forms_get(struct app *, enum form_kind, const struct app_request *, struct app_reply *);
void	forms_post(struct app *, enum form_kind, const struct app_request *,
	    struct app_reply *);
void	receipt_get(struct app *, const struct app_request *, struct app_reply *, int ics);
void	receipt_cancel(struct app *, const struct app_request *, struct app_reply *);
void	api_inbox(struct app *, const struct app_request *, struct app_reply *);
void	api_ack(struct app *, const struct app_request *, struct app_reply *);

#endif
