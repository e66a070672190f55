/* libmicrohttpd glue: limits, routing, conditional and range requests, access log. */
#ifndef SHOWROOMD_HTTP_H
#define SHOWROOMD_HTTP_H

#include <stddef.h>

struct app;

struct http_config {
	int		 listen_fd;		/* bound and listening already */
	unsigned	 threads;		/* 1: one event loop; N: a pool of N */
	unsigned	 conn_limit;		/* all connections */
	unsigned	 per_ip_limit;		/* connections from one address */
	unsigned	 timeout_s;		/* idle connection timeout */
	size_t		 mem_limit;		/* per-connection memory: bounds headers */
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
