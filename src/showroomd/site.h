/*
 * The built site, held in memory. Loaded once at start and again on SIGHUP; requests hold a
 * reference to the site they started on, so a reload never pulls memory from under a reply.
 * Every file's responses are made once at load time: serving a page allocates nothing.
 */
#ifndef SHOWROOMD_SITE_H
#define SHOWROOMD_SITE_H

#include <stddef.h>
#include <time.h>

#include "lib/i18n.h"
#include "showroomd/http_parse.h"

struct MHD_Response;
struct pages;

/*
 * Bodies at least this large (the PDF catalogs) are not sent from one shared response with
 * one sendmsg, but from a response made per request, a block per event-loop turn
 * (http_stream_response): see docs/BENCHMARKS.md for the tail latency this removes.
 */
#define SITE_STREAM_MIN		(256 * 1024)

struct site_variant {
	const char		*data;		/* NULL when this encoding is absent */
	size_t			 len;
	char			 etag[40];
	struct MHD_Response	*full;		/* 200 with every header; NULL when large */
	struct MHD_Response	*not_modified;	/* 304 with ETag, Cache-Control, Vary */
};

struct site_file {
	char			*name;		/* path under SITE, e.g. "models/x/index.html" */
	const char		*ctype;
	const char		*cache;		/* Cache-Control value */
	time_t			 mtime;
	char			 lastmod[30];
	unsigned		 available;	/* bit (1 << HTTP_ENC_*) per variant present */
	struct site_variant	 v[HTTP_ENC_COUNT];
	char			*mem[HTTP_ENC_COUNT];	/* owned file contents */
};

struct site_route {
	const char		*path;		/* URL path, e.g. "/models/x/" */
	struct site_file	*file;
};

struct site {
	_Atomic int		 refs;
	char			*dir;
	struct site_file	*files;
	size_t			 nfiles;
	struct site_route	*routes;	/* open addressing, size mask + 1 */
	size_t			 mask;
	char			**paths;	/* owned route strings */
	size_t			 npaths;
	struct site_file	*notfound[LANG_COUNT];
	size_t			 bytes;
	struct pages		*pages;		/* request-time templates, catalog */
};

/* Loads SITE; on error returns NULL with a reason in err. */
struct site		*site_load(const char *dir, char *err, size_t errlen);
const struct site_file	*site_lookup(const struct site *, const char *path);
/* The headers of a file's 200, 206 and 416 (FULL) or its 304, in encoding ENC; -1 when out
 * of memory. A 206 carries what its 200 would (RFC 9110 15.3.7), Vary included. */
int			 site_add_headers(struct MHD_Response *, const struct site_file *,
			    enum http_enc, int full);

/* The site being served now: install swaps it in; release drops a reference. */
void			 site_install(struct site *);
/*
 * The site to serve a request with: HELD (a reference taken earlier, or NULL) while no
 * other site was installed since *GEN was recorded, else a reference to the current one
 * (HELD is released). A connection keeps its reference between requests, so a request
 * costs one atomic load, no lock; after a SIGHUP each connection moves on at its next
 * request, or lets go when it closes.
 */
struct site		*site_refresh(struct site *held, unsigned *gen);
void			 site_release(struct site *);

#endif
