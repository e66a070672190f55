#include "showroomd/headers.h"

#include <microhttpd.h>
#include <stddef.h>

/* Nothing from another origin, no inline script or style, no font: the site's images, its
 * style sheet, its one script (content-hashed, with integrity) and that script's fetches
 * of the postal data and free slots, all from the site itself. */
#define HEADERS_CSP "default-src 'none'; img-src 'self'; style-src 'self'; " \
	"script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; " \
	"frame-ancestors 'none'"

int
headers_add_security(struct MHD_Response *r)
{
	static const char *h[][2] = {
		{ "Content-Security-Policy", HEADERS_CSP },
		{ "X-Content-Type-Options", "nosniff" },
		{ "Referrer-Policy", "no-referrer" },
		{ "X-Frame-Options", "DENY" },
		/* not interest-cohort: browsers report it as an unknown feature now */
		{ "Permissions-Policy", "camera=(), microphone=(), geolocation=(), "
		    "payment=(), usb=()" },
		{ "Cross-Origin-Opener-Policy", "same-origin" },
		{ "Cross-Origin-Resource-Policy", "same-origin" },
	};
	size_t i;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (MHD_add_response_header(r, h[i][0], h[i][1]) != MHD_YES)
			return -1;
	return 0;
}
