/*
 * The site's own origin, from --public-url: the @authority that the key holders' signed
 * requests must name (RFC 9421), and the origin that form posts must come from.
 */
#ifndef SHOWROOMD_ORIGIN_H
#define SHOWROOMD_ORIGIN_H

#include <stddef.h>

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

#endif
