/*
 * The site's own origin, from --public-url: the @authority that the key holders' signed
 * requests must name (RFC 9421), and the origin that form posts must come from.
 */
#ifndef SHOWROOMD_ORIGIN_H
#define SHOWROOMD_ORIGIN_H

#include <stddef.h>

#include "showroomd/reply.h"

#define ORIGIN_MAX	256	/* an authority, and a Host or Origin header we look at */

struct origin {
	char	scheme[8];			/* "https" or "http" */
	char	authority[ORIGIN_MAX];		/* as @authority: lowercase host, the
						 * scheme's default port left out */
	char	origin[ORIGIN_MAX + 8];		/* scheme://authority, as browsers send it */
};

/* Parses an origin: http:// or https://, a host (a name, IPv4 or [IPv6]) and an optional
 * port, then nothing or "/". 0, or -1 with a reason in err (which may be NULL). */
int	origin_parse(const char *url, struct origin *, char *err, size_t errlen);
/* Whether HOST, LEN bytes (a Host header), names the authority of O under its scheme. */
int	origin_host_is(const struct origin *o, const char *host, size_t len);
/*
 * Whether a form post may come from where it says: not when Sec-Fetch-Site is cross-site
 * or same-site, nor when an Origin header names another origin than the site's own: PUB's,
 * or without --public-url (PUB NULL) the Host header's under http or https. A post with
 * neither header (old browsers, curl), or with Origin "null" and no Sec-Fetch-Site that
 * refuses it, is let through.
 */
int	origin_form_ok(const struct origin *pub, const struct app_request *);

#endif
