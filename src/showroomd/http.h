/* libmicrohttpd glue: limits, routing, conditional and range requests, access log. */
#ifndef SHOWROOMD_HTTP_H
#define SHOWROOMD_HTTP_H

#include <stddef.h>

struct app;

/*
 * The request head (request line and header fields, as libmicrohttpd counts it) may have
 * HTTP_HEAD_MAX bytes and HTTP_ITEMS_MAX field lines and cookies together; past either,
 * 431. The library keeps a head in a per-connection pool, half of it for reading, with a
 * 64-byte record per item, a copy of the Cookie value, and then the answer's header:
 * HTTP_POOL holds the most that the limits let in with room for the answer, whatever a
 * client pipelines behind it (docs/SECURITY.md).
 */
#define HTTP_HEAD_MAX	(8 * 1024)
#define HTTP_ITEMS_MAX	100
#define HTTP_POOL	(32 * 1024)

struct http_config {
	int		 listen_fd;		/* bound and listening already */
	unsigned	 threads;		/* 1: one event loop; N: a pool of N */
	unsigned	 conn_limit;		/* all connections */
	unsigned	 per_ip_limit;		/* connections from one address */
	unsigned	 timeout_s;		/* idle connection timeout */
	unsigned	 request_timeout_s;	/* to receive a whole request */
	size_t		 mem_limit;		/* per-connection memory: HTTP_POOL */
	int		 access_log;
	struct app	*app;			/* dynamic pages and the API */
};

struct http_server;

struct http_server	*http_start(const struct http_config *, char *err, size_t errlen);
/* Connections open now, or -1 when libmicrohttpd cannot tell. */
long			 http_open_connections(struct http_server *);
/* Stops accepting, lets requests under way finish for up to grace_s, then stops. */
void			 http_stop(struct http_server *, unsigned grace_s);

#endif
