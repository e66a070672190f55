#include "lib/sechdr.h"

const struct sechdr sechdr_list[] = {
	{ "Content-Security-Policy", SECHDR_CSP },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Frame-Options", "DENY" },
	/* not interest-cohort: browsers report it as an unknown feature now */
	{ "Permissions-Policy", "camera=(), microphone=(), geolocation=(), "
	    "payment=(), usb=()" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
};

const size_t sechdr_count = sizeof(sechdr_list) / sizeof(sechdr_list[0]);
