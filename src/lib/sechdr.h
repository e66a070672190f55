/*
 * The security headers every HTML answer carries, on the public site (showroomd) and in
 * the back office (showroom office): one list, so the two cannot drift apart. Plain
 * name/value pairs; each side adds them with its own HTTP library calls.
 */
#ifndef SHOWROOM_SECHDR_H
#define SHOWROOM_SECHDR_H

#include <stddef.h>

/* No script, inline style, font or connection at all, and nothing from another origin:
 * the site needs only its images and its style sheet. */
#define SECHDR_CSP "default-src 'none'; img-src 'self'; style-src 'self'; " \
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/* The same policy with scripts and fetches from the page's own origin: the back office's
 * small comfort script (no inline script, no eval). */
#define SECHDR_CSP_SCRIPT SECHDR_CSP "; script-src 'self'; connect-src 'self'"

struct sechdr {
	const char	*name;
	const char	*value;
};

/* Content-Security-Policy first (value SECHDR_CSP), then the others. */
extern const struct sechdr	sechdr_list[];
extern const size_t		sechdr_count;

#endif
