/*
 * The headers every response carries, whether a file of the site (site.c) or a reply made
 * per request (http.c): the content security policy and the other browser protections.
 */
#ifndef SHOWROOMD_HEADERS_H
#define SHOWROOMD_HEADERS_H

struct MHD_Response;

/* -1 when libmicrohttpd refuses a header. */
int	headers_add_security(struct MHD_Response *);

#endif
