#include "showroomd/headers.h"

#include <microhttpd.h>
#include <stddef.h>

#include "lib/sechdr.h"

int
headers_add_security(struct MHD_Response *r)
{
	size_t i;

	/* the forms' one script of the site's own (content-hashed, with integrity) and its
	 * fetches of the postal data and free slots: the policy the back office has too */
	for (i = 0; i < sechdr_count; i++)
		if (MHD_add_response_header(r, sechdr_list[i].name, i == 0 ?
		    SECHDR_CSP_SCRIPT : sechdr_list[i].value) != MHD_YES)
			return -1;
	return 0;
}
