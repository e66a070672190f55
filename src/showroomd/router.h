/*
 * Which handler serves a request: one table (router.c) whose rows carry the method, the
 * path, the handler and whether the route has an /en/ twin. Anything else is a file of the
 * built site.
 */
#ifndef SHOWROOMD_ROUTER_H
#define SHOWROOMD_ROUTER_H

#include "lib/i18n.h"
#include "showroomd/app.h"
#include "showroomd/reply.h"

struct route;

/* The route for METHOD PATH, or NULL for the static site. *lang is the path's language;
 * *body_ok is set when the route takes a request body (POST forms and the API). */
const struct route	*router_match(const char *method, const char *path, enum lang *lang,
			    int *body_ok);
/* For a request no route takes: whether METHOD is allowed on PATH all the same (GET or
 * HEAD of a file of the site), and in *allow the methods PATH does take, for the Allow
 * header of a 405: what the route table lists, HEAD with GET, or "GET, HEAD" for a file. */
int			 router_allowed(const char *method, const char *path,
			    const char **allow);
void			 router_handle(struct app *, const struct route *,
			    const struct app_request *, struct app_reply *);

#endif
