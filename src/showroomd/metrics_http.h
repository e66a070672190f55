/* The metrics listener: GET /metrics in the Prometheus text format (metrics_http.c). */
#ifndef SHOWROOMD_METRICS_HTTP_H
#define SHOWROOMD_METRICS_HTTP_H

#include <stddef.h>

struct store;
struct http_server;
struct metrics_server;

struct metrics_source {
	struct store		*store;	/* records held; NULL without one */
	struct http_server	*web;	/* open connections of the public listener */
};

/* Serves /metrics on FD (bound and listening); NULL with the reason in err. */
struct metrics_server	*metrics_server_start(int fd, const struct metrics_source *,
			    char *err, size_t errlen);
void			 metrics_server_stop(struct metrics_server *);

#endif
