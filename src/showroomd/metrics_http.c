/*
 * GET /metrics on a listener of its own (--metrics-listen, loopback unless told otherwise),
 * apart from the public site: the counts since start, the process's health and what the
 * store holds, read when scraped. One thread, a few connections; no access log.
 */
#include "showroomd/metrics_http.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/jtime.h"
#include "lib/log.h"
#include "showroomd/http.h"
#include "showroomd/metrics.h"
#include "showroomd/metrics_flush.h"
#include "store/store.h"

#define METRICS_HTTP_CONNS	8
#define METRICS_HTTP_TIMEOUT	10

struct metrics_server {
	struct MHD_Daemon		*d;
	struct metrics_source		 src;
	time_t				 started;
};

static void
metrics_gauges_fill(const struct metrics_server *m, struct metrics_gauges *g,
    struct store_holdings *h)
{
	struct store_err se;
	struct timespec ts;
	struct rusage ru;
	char today[STORE_DATE_LEN + 1];

	memset(g, 0, sizeof(*g));
	g->open_connections = m->src.web != NULL ? http_open_connections(m->src.web) : -1;
	g->start_time = (int64_t)m->started;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		g->cpu_seconds = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		g->max_rss_bytes = (int64_t)ru.ru_maxrss * 1024;
	metrics_flush_stats(&g->flushes, &g->flush_errors, &g->last_flush);
	g->have_store = m->src.store != NULL;
	jtime_date(time(NULL), 0, today);
	if (m->src.store != NULL) {
		if (store_holdings(m->src.store, today, h, &se) == STORE_OK)
			g->held = h;
		else
			log_warn("metrics: %s", se.msg);
	}
}

static enum MHD_Result
metrics_reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
metrics_scrape(struct metrics_server *m, struct MHD_Connection *c)
{
	struct metrics_totals *t;
	struct metrics_gauges g;
	struct store_holdings h;
	struct MHD_Response *r;
	struct buf b = BUF_INIT;
	enum MHD_Result rc;
	size_t len;
	char *body;
	int bad;

	if ((t = malloc(sizeof(*t))) == NULL)
		return metrics_reply(c, 500, "out of memory\n");
	memset(&h, 0, sizeof(h));
	metrics_sum(t);
	metrics_gauges_fill(m, &g, &h);
	bad = metrics_render(&b, t, &g);
	store_holdings_free(&h);
	free(t);
	if (bad) {
		buf_free(&b);
		return metrics_reply(c, 500, "out of memory\n");
	}
	body = buf_steal(&b, &len);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	rc = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
metrics_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	static int seen;

	/* the answer on the second call keeps the connection alive (see http.c) */
	if (*con_cls == NULL) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_size != 0)
		return MHD_NO;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return metrics_reply(c, 405, "GET /metrics only\n");
	if (strcmp(url, "/metrics") != 0)
		return metrics_reply(c, 404, "not found: GET /metrics\n");
	return metrics_scrape(cls, c);
}

struct metrics_server *
metrics_server_start(int fd, const struct metrics_source *src, char *err, size_t errlen)
{
	struct metrics_server *m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->src = *src;
	m->started = time(NULL);
	m->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, metrics_handler, m,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_HTTP_CONNS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_HTTP_TIMEOUT,
	    MHD_OPTION_END);
	if (m->d == NULL) {
		snprintf(err, errlen, "libmicrohttpd refused to start the metrics listener");
		free(m);
		return NULL;
	}
	return m;
}

void
metrics_server_stop(struct metrics_server *m)
{
	if (m == NULL)
		return;
	MHD_stop_daemon(m->d);
	free(m);
}
