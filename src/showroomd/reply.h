/*
 * A request as the handlers see it, and the reply they fill; http.c turns the reply into
 * HTTP. The helpers here give every handler the same pages, JSON and redirects.
 */
#ifndef SHOWROOMD_REPLY_H
#define SHOWROOMD_REPLY_H

#include <stddef.h>
#include <sys/socket.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/i18n.h"

struct site;
struct pages;

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

/* Adds a response header (Location, Retry-After, Content-Disposition). */
void	reply_header(struct app_reply *, const char *name, const char *value);
/* Wipes the body: replies to forms echo what the visitor typed. */
void	reply_free(struct app_reply *);
/* A rendered page (status, HTML), taking CTX's reference; a 500 page when it fails. */
void	reply_page(struct app_reply *, unsigned status, const struct pages *, const char *tmpl,
	    json_t *ctx);
/* A canned message page: a heading and one paragraph, by UI string key. */
void	reply_message(struct app_reply *, unsigned status, const struct pages *, enum lang,
	    const char *heading_key, const char *para_key);
/* A JSON reply (not stored by caches), taking DOC's reference; NULL DOC gives "{}". */
void	reply_json(struct app_reply *, unsigned status, json_t *doc);
/* {"error": MSG}; MSG is a fixed ASCII text of the caller's. */
void	reply_json_error(struct app_reply *, unsigned status, const char *msg);
/* 303 See Other to PATH (relative to the site). */
void	reply_redirect(struct app_reply *, const char *path);

#endif
