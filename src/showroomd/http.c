#include "showroomd/http.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/wipe.h"
#include "showroomd/access_log.h"
#include "showroomd/app.h"
#include "showroomd/headers.h"
#include "showroomd/metrics.h"
#include "showroomd/reply.h"
#include "showroomd/router.h"
#include "showroomd/http_parse.h"
#include "showroomd/site.h"

/* The libmicrohttpd release whose in-place parsing http_headers_scan relies on. */
#define HTTP_MHD_VERSION	"0.9.75"

struct http_server {
	struct MHD_Daemon	*d;
	struct app		*app;
	int			 listen_fd;
};

enum http_canned {
	CANNED_400,
	CANNED_408,
	CANNED_412,
	CANNED_413,
	CANNED_431,
	CANNED_500,
	CANNED_501,
	CANNED_HEALTH,
	CANNED_COUNT
};

static struct MHD_Response *http_canned[CANNED_COUNT];
static int http_log_on;
static unsigned http_idle_s;		/* --timeout */
static uint64_t http_deadline_ms;	/* --request-timeout */

static struct MHD_Response *
http_make_text(const char *body, const char *ctype, const char *cache)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return NULL;
	if (headers_add_security(r) == -1 ||
	    MHD_add_response_header(r, "Content-Type", ctype) != MHD_YES ||
	    MHD_add_response_header(r, "Cache-Control", cache) != MHD_YES) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

#define HTTP_ERR_PAGE(code, ja, en) \
	"<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\">" \
	"<meta name=\"viewport\" content=\"width=device-width\"><title>" code "</title>" \
	"<h1>" code "</h1><p>" ja "</p><p lang=\"en\">" en "</p></html>\n"

static int
http_make_canned(void)
{
	static const char *pages[] = {
		HTTP_ERR_PAGE("400", "リクエストの形式が正しくありません。", "Bad request."),
		HTTP_ERR_PAGE("408", "リクエストが時間内に届きませんでした。",
		    "Request timeout."),
		HTTP_ERR_PAGE("412", "前提条件が満たされませんでした。", "Precondition failed."),
		HTTP_ERR_PAGE("413", "送信された内容が大きすぎます。", "Request body too large."),
		HTTP_ERR_PAGE("431", "リクエストのヘッダーが大きすぎます。",
		    "Request header fields too large."),
		HTTP_ERR_PAGE("500", "サーバーで問題が起きました。", "Internal server error."),
		HTTP_ERR_PAGE("501", "このメソッドには対応していません。", "Not implemented."),
	};
	static const enum http_canned closing[] = { CANNED_400, CANNED_408, CANNED_431,
	    CANNED_501 };
	size_t j;
	int i;

	for (i = 0; i < CANNED_HEALTH; i++)
		if ((http_canned[i] = http_make_text(pages[i], "text/html; charset=utf-8",
		    "no-store")) == NULL)
			return -1;
	if ((http_canned[CANNED_HEALTH] = http_make_text("ok\n",
	    "text/plain; charset=utf-8", "no-store")) == NULL)
		return -1;
	/* a refused request may hide another behind it (or a body not read): read nothing
	 * more on its connection */
	for (j = 0; j < sizeof(closing) / sizeof(closing[0]); j++)
		if (MHD_add_response_header(http_canned[closing[j]], "Connection", "close") !=
		    MHD_YES)
			return -1;
	return 0;
}

static void
http_free_canned(void)
{
	int i;

	for (i = 0; i < CANNED_COUNT; i++) {
		if (http_canned[i] != NULL)
			MHD_destroy_response(http_canned[i]);
		http_canned[i] = NULL;
	}
}

static void http_count(struct MHD_Connection *, const char *, const char *, unsigned);

static enum MHD_Result
http_queue(struct MHD_Connection *c, const char *method, const char *path,
    unsigned status, struct MHD_Response *r, size_t bytes)
{
	if (http_log_on)
		access_log_line(method, path, status,
		    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0 ? 0 : bytes);
	if (metrics_enabled())
		http_count(c, method, path, status);
	return MHD_queue_response(c, status, r);
}

static enum MHD_Result
http_queue_canned(struct MHD_Connection *c, const char *method, const char *path,
    unsigned status, enum http_canned which)
{
	return http_queue(c, method, path, status, http_canned[which], 0);
}

/* Queues a response made for this request only, then drops our reference to it. */
static enum MHD_Result
http_queue_once(struct MHD_Connection *c, const char *method, const char *path,
    unsigned status, struct MHD_Response *r, size_t bytes)
{
	enum MHD_Result rc;

	if (r == NULL)
		return http_queue_canned(c, method, path, 500, CANNED_500);
	rc = http_queue(c, method, path, status, r, bytes);
	MHD_destroy_response(r);
	return rc;
}

/* 405, with the methods the path does take (router_allowed): made per request, since
 * the Allow header differs by path. */
static enum MHD_Result
http_queue_405(struct MHD_Connection *c, const char *method, const char *path,
    const char *allow)
{
	static const char page[] = HTTP_ERR_PAGE("405", "このメソッドは使えません。",
	    "Method not allowed.");
	struct MHD_Response *r = http_make_text(page, "text/html; charset=utf-8", "no-store");

	if (r != NULL && MHD_add_response_header(r, "Allow", allow) != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_queue_once(c, method, path, 405, r, 0);
}

/*
 * The request headers this file acts on or counts, found in the one pass that checks every
 * header line (http_headers_scan), so serving a file looks none of them up again. Values
 * point into libmicrohttpd's connection pool and live as long as the request.
 */
enum http_hdr {
	HDR_TE, HDR_CL, HDR_HOST, HDR_AE, HDR_IM, HDR_INM, HDR_IUS, HDR_IMS, HDR_RANGE,
	HDR_IF_RANGE, HDR_COUNT
};

#define HTTP_HDR_NAME(s)	{ s, sizeof(s) - 1 }
static const struct {
	const char	*name;
	size_t		 len;
} http_hdr_names[HDR_COUNT] = {
	[HDR_TE] = HTTP_HDR_NAME("Transfer-Encoding"),
	[HDR_CL] = HTTP_HDR_NAME("Content-Length"),
	[HDR_HOST] = HTTP_HDR_NAME("Host"),
	[HDR_AE] = HTTP_HDR_NAME("Accept-Encoding"),
	[HDR_IM] = HTTP_HDR_NAME("If-Match"),
	[HDR_INM] = HTTP_HDR_NAME("If-None-Match"),
	[HDR_IUS] = HTTP_HDR_NAME("If-Unmodified-Since"),
	[HDR_IMS] = HTTP_HDR_NAME("If-Modified-Since"),
	[HDR_RANGE] = HTTP_HDR_NAME("Range"),
	[HDR_IF_RANGE] = HTTP_HDR_NAME("If-Range"),
};

struct http_hdrs {
	const char	*v[HDR_COUNT];	/* the first line of each, or NULL */
	size_t		 len[HDR_COUNT];
	unsigned	 n[HDR_COUNT];	/* how many lines of each */
	const char	*head;		/* the request head as the library left it */
	size_t		 head_len;
	size_t		 off;		/* where the next field line must start in it */
	unsigned	 items;		/* field lines and cookies */
	int		 bad;
};

static const char *
http_hdr(const struct http_hdrs *h, enum http_hdr which, size_t *lenp)
{
	*lenp = h->len[which];
	return h->v[which];
}

/* For the application, which asks for headers this file does not keep. */
static const char *
http_header(struct MHD_Connection *c, const char *name, size_t *lenp)
{
	const char *v;
	size_t len;

	if (MHD_lookup_connection_value_n(c, MHD_HEADER_KIND, name, strlen(name), &v,
	    &len) != MHD_YES)
		return NULL;
	*lenp = len;
	return v;
}

/* A list field sent on several lines is one list (RFC 9110 5.3): the lines joined with
 * ", ". Only for the rare request that splits If-Match or If-None-Match. */
struct http_join {
	enum http_hdr	 which;
	char		*buf;
	size_t		 len, cap;
};

static enum MHD_Result
http_join_line(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
    const char *value, size_t value_size)
{
	struct http_join *j = cls;

	if (key_size != http_hdr_names[j->which].len ||
	    strncasecmp(key, http_hdr_names[j->which].name, key_size) != 0)
		return MHD_YES;
	if (j->len + 2 + value_size > j->cap)
		return MHD_NO;
	if (j->len > 0) {
		memcpy(j->buf + j->len, ", ", 2);
		j->len += 2;
	}
	memcpy(j->buf + j->len, value, value_size);
	j->len += value_size;
	return MHD_YES;
}

static void
http_join(struct MHD_Connection *c, enum http_hdr which, char *buf, size_t cap,
    const char **v, size_t *len)
{
	struct http_join j = { which, buf, 0, cap };

	MHD_get_connection_values_n(c, MHD_HEADER_KIND, http_join_line, &j);
	*v = buf;
	*len = j.len;
}

/* Kept out of the hot path, with its buffer. */
static enum http_cond_result http_conditions_joined(struct MHD_Connection *,
    const struct http_conds *, const char *, time_t) __attribute__((noinline));

static enum http_cond_result
http_conditions_joined(struct MHD_Connection *c, const struct http_conds *in,
    const char *etag, time_t mtime)
{
	struct http_conds cd = *in;
	size_t used = 0;
	char buf[HTTP_HEAD_MAX];	/* the lines came in a head no larger */

	if (cd.if_match != NULL) {
		http_join(c, HDR_IM, buf, sizeof(buf), &cd.if_match, &cd.if_match_len);
		used = cd.if_match_len;
	}
	if (cd.if_none_match != NULL)
		http_join(c, HDR_INM, buf + used, sizeof(buf) - used, &cd.if_none_match,
		    &cd.if_none_match_len);
	return http_conditions(&cd, etag, mtime);
}

/* The preconditions of a GET or HEAD (RFC 9110 13.2.2) against the representation with
 * ETAG. A date field on more than one line is a list of dates, which 13.1.3 and 13.1.4 say
 * to ignore. */
static enum http_cond_result
http_precondition(struct MHD_Connection *c, const struct http_hdrs *hs, const char *etag,
    time_t mtime)
{
	struct http_conds cd;

	cd.if_match = http_hdr(hs, HDR_IM, &cd.if_match_len);
	cd.if_none_match = http_hdr(hs, HDR_INM, &cd.if_none_match_len);
	cd.if_unmodified_since = hs->n[HDR_IUS] == 1 ?
	    http_hdr(hs, HDR_IUS, &cd.if_unmodified_since_len) : NULL;
	cd.if_modified_since = hs->n[HDR_IMS] == 1 ?
	    http_hdr(hs, HDR_IMS, &cd.if_modified_since_len) : NULL;
	if (hs->n[HDR_IM] > 1 || hs->n[HDR_INM] > 1)
		return http_conditions_joined(c, &cd, etag, mtime);
	return http_conditions(&cd, etag, mtime);
}

/*
 * A large body goes out a block per event-loop turn, each connection in turn, instead of in
 * one sendmsg of the whole buffer. Measured with wrk's 64 connections on the 1.8 MB catalog:
 * the one big send left about one download in twenty stalled for 100 to 400 ms (p99 twice
 * nginx's), 16 KiB blocks give every download the same pace (docs/BENCHMARKS.md). The
 * response is made for this request; its reader copies from site memory, which outlives it
 * because the connection holds its site reference until its next request.
 */
#define HTTP_STREAM_BLOCK	(16 * 1024)

struct http_stream {
	const char	*data;
	size_t		 len;
};

static ssize_t
http_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	const struct http_stream *st = cls;
	size_t n;

	if (pos >= st->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = st->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, st->data + pos, n);
	return (ssize_t)n;
}

static struct MHD_Response *
http_stream_response(const char *data, size_t len)
{
	struct http_stream *st;
	struct MHD_Response *r;

	if ((st = malloc(sizeof(*st))) == NULL)
		return NULL;
	st->data = data;
	st->len = len;
	r = MHD_create_response_from_callback(len, HTTP_STREAM_BLOCK, http_stream_read, st,
	    free);
	if (r == NULL)
		free(st);
	return r;
}

/* A body made for this request: in blocks when large (SITE_STREAM_MIN), else in one send. */
static struct MHD_Response *
http_body_response(const char *data, size_t len)
{
	if (len >= SITE_STREAM_MIN)
		return http_stream_response(data, len);
	return MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_PERSISTENT);
}

/*
 * A response made for this request gets its file's headers (a 206 or 416 gets the 200's, and
 * Content-Range CR); on failure R is freed and NULL returned, which http_queue_once answers
 * with a 500.
 */
static struct MHD_Response *
http_file_headers(struct MHD_Response *r, const struct site_file *f, enum http_enc enc,
    const char *cr)
{
	if (r != NULL && (site_add_headers(r, f, enc, 1) == -1 || (cr != NULL &&
	    MHD_add_response_header(r, "Content-Range", cr) != MHD_YES))) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return r;
}

/* The 200 of one encoding of a file: shared, or for a large body made now. */
static enum MHD_Result
http_queue_file(struct MHD_Connection *c, const char *method, const char *path,
    unsigned status, const struct site_file *f, enum http_enc enc)
{
	const struct site_variant *v = &f->v[enc];
	struct MHD_Response *r;

	if (v->full != NULL)
		return http_queue(c, method, path, status, v->full, v->len);
	r = http_file_headers(http_body_response(v->data, v->len), f, enc, NULL);
	return http_queue_once(c, method, path, status, r, v->len);
}

/* If-Range: the range applies only while the client's copy is the current one. */
static int
http_if_range_ok(const struct http_hdrs *hs, const struct site_file *f)
{
	const char *h;
	size_t len;
	time_t t;

	if ((h = http_hdr(hs, HDR_IF_RANGE, &len)) == NULL)
		return 1;
	if (len > 0 && h[0] == '"')
		return len == strlen(f->v[0].etag) && memcmp(h, f->v[0].etag, len) == 0;
	return http_date_parse(h, len, &t) == 0 && t == f->mtime;
}

static enum MHD_Result
http_serve_range(struct MHD_Connection *c, const char *method, const char *path,
    const struct site_file *f, const char *range, size_t rlen)
{
	const struct site_variant *v = &f->v[HTTP_ENC_IDENTITY];
	struct MHD_Response *r;
	uint64_t first = 0, last = 0;
	char cr[80];

	switch (http_range_parse(range, rlen, v->len, &first, &last)) {
	case HTTP_RANGE_NONE:
		return http_queue_file(c, method, path, 200, f, HTTP_ENC_IDENTITY);
	case HTTP_RANGE_UNSATISFIABLE:
		snprintf(cr, sizeof(cr), "bytes */%zu", v->len);
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		r = http_file_headers(r, f, HTTP_ENC_IDENTITY, cr);
		return http_queue_once(c, method, path, 416, r, 0);
	case HTTP_RANGE_OK:
		break;
	}
	snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%zu", first, last, v->len);
	r = http_file_headers(http_body_response(v->data + first, (size_t)(last - first + 1)), f,
	    HTTP_ENC_IDENTITY, cr);
	return http_queue_once(c, method, path, 206, r, (size_t)(last - first + 1));
}

/*
 * Preconditions first, then Range (RFC 9110 13.2.2), and only where the answer would be a
 * 2xx (13.2.1): not for the 404 page. A range is cut from the identity bytes, so for a GET
 * with Range the preconditions are about those; If-Range decides after them.
 */
static enum MHD_Result
http_serve_file(struct MHD_Connection *c, const struct http_hdrs *hs, const char *method,
    const char *path, const struct site_file *f, unsigned status)
{
	const char *h, *range = NULL;
	size_t len, rlen = 0;
	enum http_enc enc;

	h = http_hdr(hs, HDR_AE, &len);
	enc = http_accept_encoding(h, h ? len : 0, f->available);
	if (status != 200)
		return http_queue_file(c, method, path, status, f, enc);
	if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
		range = http_hdr(hs, HDR_RANGE, &rlen);
	switch (http_precondition(c, hs, f->v[range ? HTTP_ENC_IDENTITY : enc].etag,
	    f->mtime)) {
	case HTTP_COND_NOT_MODIFIED:
		return http_queue(c, method, path, 304,
		    f->v[range ? HTTP_ENC_IDENTITY : enc].not_modified, 0);
	case HTTP_COND_FAILED:
		return http_queue_canned(c, method, path, 412, CANNED_412);
	case HTTP_COND_PASS:
		break;
	}
	if (range != NULL && http_if_range_ok(hs, f))
		return http_serve_range(c, method, path, f, range, rlen);
	return http_queue_file(c, method, path, status, f, enc);
}

static enum MHD_Result
http_redirect(struct MHD_Connection *c, const char *method, const char *path,
    const char *location)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r != NULL && (headers_add_security(r) == -1 ||
	    MHD_add_response_header(r, "Location", location) != MHD_YES)) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_queue_once(c, method, path, 301, r, 0);
}

static enum MHD_Result
http_not_found(struct MHD_Connection *c, const struct http_hdrs *hs, const char *method,
    const char *path, const struct site *s)
{
	char slashed[HTTP_PATH_MAX + 2];
	enum lang l;
	size_t n = strlen(path);

	/* "/models/x" is the directory "/models/x/": send the browser there. */
	if (n > 0 && path[n - 1] != '/' && n + 1 < sizeof(slashed)) {
		memcpy(slashed, path, n);
		memcpy(slashed + n, "/", 2);
		if (site_lookup(s, slashed) != NULL)
			return http_redirect(c, method, path, slashed);
	}
	l = strncmp(path, "/en/", 4) == 0 || strcmp(path, "/en") == 0 ? LANG_EN : LANG_JA;
	return http_serve_file(c, hs, method, path, s->notfound[l], 404);
}

/*
 * Per-connection state, made when a connection opens and reused by every request on it, so
 * a keep-alive client costs no allocation per request. One request at a time per
 * connection (HTTP/1.1 without pipelining in flight), so one slot suffices.
 */
struct http_conn {
	struct site	*site;		/* kept between requests: site_refresh */
	uint64_t	 count_t0;	/* when its headers were in (metrics_start), or 0 */
	unsigned	 site_gen;
	int		 started;	/* this request's first call has run */
	const struct route *route;
	enum lang	 lang;
	int		 refuse;	/* the body overran its limit: answer 413 */
	struct http_hdrs h;
	char		 path[HTTP_PATH_MAX + 1];
	char		 query[APP_MAX_QUERY + 1];
	int		 query_bad;	/* longer than APP_MAX_QUERY */
	size_t		 target_len;	/* of the request target as sent, up to any NUL */
	struct http_target tgt;		/* its parts, in origin or absolute form */
	enum http_target_err tgt_err;
	uint64_t	 t0;		/* when its request line was in, in ms */
	unsigned	 timeout_s;	/* the idle timeout cut for the deadline, or 0 */
	struct buf	 body;
};

static void
http_conn_reset(struct http_conn *hc)
{
	hc->started = 0;
	hc->route = NULL;
	hc->refuse = 0;
	hc->query[0] = '\0';
	hc->query_bad = 0;
	hc->target_len = 0;
	hc->tgt_err = HTTP_TARGET_OK;
	/* bodies are form posts: personal data */
	if (hc->body.data != NULL)
		sodium_memzero(hc->body.data, hc->body.cap);
	hc->body.len = 0;
}

static void
http_notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http_conn *hc;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = calloc(1, sizeof(struct http_conn));
		return;
	}
	if ((hc = *socket_context) != NULL) {
		http_conn_reset(hc);
		site_release(hc->site);
		buf_wipe(&hc->body);
		free(hc);
	}
	*socket_context = NULL;
}

static struct http_conn *
http_conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* Counts the reply (metrics.h): what was asked for and how long it took, never by whom. */
static void
http_count(struct MHD_Connection *c, const char *method, const char *path, unsigned status)
{
	const struct http_conn *hc = http_conn_of(c);

	metrics_response(method, path, status, hc != NULL ? hc->count_t0 : 0);
}

static uint64_t
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Sees the request target before libmicrohttpd splits it: the raw query string is kept
 * for the handlers (and never logged). Its return value is the request's context. The
 * request's deadline starts here, the first moment libmicrohttpd shows a request.
 */
static void *
http_uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_conn *hc = http_conn_of(c);

	if (hc == NULL)
		return NULL;
	hc->t0 = http_now_ms();
	/* still whole here: libmicrohttpd splits the query off later */
	hc->target_len = strlen(uri);
	hc->tgt_err = http_target_parse(uri, hc->target_len, &hc->tgt);
	if (hc->tgt_err != HTTP_TARGET_OK || !hc->tgt.has_query)
		return hc;
	if (hc->tgt.query_len > APP_MAX_QUERY)
		hc->query_bad = 1;
	else
		memcpy(hc->query, uri + hc->tgt.query, hc->tgt.query_len + 1);
	/* Nothing here reads the library's parsed query arguments, which cost its pool a
	 * record each: 0.9.75 parses the query right after this call, and one that fills the
	 * pool left the connection hanging without an answer. An empty query it does not
	 * parse; the target is writable memory of the library's (connection.c). */
	((char *)(uintptr_t)uri)[hc->tgt.query] = '\0';
	return hc;
}

/* GET and HEAD carry no body here; one announced is a smuggling attempt or a mistake.
 * (Transfer-Encoding never gets this far: http_headers_scan.) */
static int
http_has_body(const struct http_hdrs *hs)
{
	const char *cl;
	size_t len;

	cl = http_hdr(hs, HDR_CL, &len);
	return cl != NULL && !(len == 1 && cl[0] == '0');
}

/* Bodies come with one Content-Length within the limit (Transfer-Encoding is refused
 * before): 0 to go on, or the status to refuse with. */
static unsigned
http_body_check(const struct http_hdrs *hs)
{
	const char *cl;
	size_t len, i;
	unsigned long n = 0;

	if ((cl = http_hdr(hs, HDR_CL, &len)) == NULL)
		return 411;
	if (len == 0 || len > 9)
		return len > 9 ? 413 : 400;
	for (i = 0; i < len; i++) {
		if (cl[i] < '0' || cl[i] > '9')
			return 400;
		n = n * 10 + (unsigned long)(cl[i] - '0');
	}
	return n > APP_MAX_BODY ? 413 : 0;
}

static const char *
http_app_header(void *arg, const char *name, size_t *lenp)
{
	return http_header(arg, name, lenp);
}

/* Given back by libmicrohttpd once the reply is sent: a page rendered from a form echoes
 * what was typed. The last code to touch it on this thread, hence the registers. */
static void
http_body_free(void *cls)
{
	struct buf *b = cls;

	buf_wipe(b);
	free(b);
	wipe_registers();
}

/*
 * A response that sends BODY from our own buffer (MHD_RESPMEM_MUST_COPY would copy it into
 * memory we could not wipe) and wipes it when libmicrohttpd is done with it. BODY is taken
 * over and left empty, also on failure.
 */
static struct MHD_Response *
http_owned_response(struct buf *body)
{
	struct MHD_Response *r;
	struct buf *b;

	if ((b = malloc(sizeof(*b))) == NULL) {
		buf_wipe(body);
		return NULL;
	}
	*b = *body;
	memset(body, 0, sizeof(*body));
	r = MHD_create_response_from_buffer_with_free_callback_cls(b->len, b->data,
	    http_body_free, b);
	if (r == NULL)
		http_body_free(b);
	return r;
}

static enum MHD_Result
http_queue_app(struct MHD_Connection *c, const char *method, struct http_conn *hc,
    struct app *app)
{
	const union MHD_ConnectionInfo *ci;
	struct app_request rq;
	struct app_reply rp;
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t i, len;

	memset(&rq, 0, sizeof(rq));
	memset(&rp, 0, sizeof(rp));
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	rq.method = method;
	rq.path = hc->path;
	rq.lang = hc->lang;
	rq.query = hc->query;
	rq.body = hc->body.data ? hc->body.data : "";
	rq.body_len = hc->body.len;
	rq.client = ci ? ci->client_addr : NULL;
	rq.site = hc->site;
	rq.header = http_app_header;
	rq.header_arg = c;
	router_handle(app, hc->route, &rq, &rp);
	len = rp.body.len;
	r = http_owned_response(&rp.body);
	if (r != NULL && (headers_add_security(r) == -1 ||
	    MHD_add_response_header(r, "Content-Type", rp.ctype ? rp.ctype :
	    "text/html; charset=utf-8") != MHD_YES ||
	    MHD_add_response_header(r, "Cache-Control", rp.no_store ? "no-store" :
	    "no-cache") != MHD_YES)) {
		MHD_destroy_response(r);
		r = NULL;
	}
	for (i = 0; r != NULL && i < rp.nextra; i++)
		MHD_add_response_header(r, rp.extra_name[i], rp.extra_value[i]);
	rc = http_queue_once(c, method, hc->path, rp.status, r, len);
	reply_free(&rp);
	return rc;
}

/* Where P lies in the request head; a pointer outside it comes out past its end. */
static size_t
http_head_off(const struct http_hdrs *hs, const char *p)
{
	return (size_t)((uintptr_t)p - (uintptr_t)hs->head);
}

/* Request smuggling defences, per header line: it must be where the line before ended and
 * be NAME ":" OWS VALUE CRLF with a token name and no control character in the value but
 * HTAB (http_head_field), which refuses obs-fold, NUL and bare LF too. The headers served
 * on are kept and counted on the way, and so are cookies, which take the connection's
 * memory as fields do. Runs on every request: no allocation. */
static enum MHD_Result
http_header_scan(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
    const char *value, size_t value_size)
{
	struct http_hdrs *hs = cls;
	struct http_field f;
	int k;

	hs->items++;
	if (kind != MHD_HEADER_KIND)
		return MHD_YES;
	f.name = http_head_off(hs, key);
	f.name_len = key_size;
	f.value = value != NULL ? http_head_off(hs, value) : (size_t)-1;
	f.value_len = value_size;
	if (http_head_field(hs->head, hs->head_len, &hs->off, &f) != HTTP_HEAD_OK) {
		hs->bad = 1;
		return MHD_NO;
	}
	for (k = 0; k < HDR_COUNT; k++) {
		if (key_size != http_hdr_names[k].len ||
		    strncasecmp(key, http_hdr_names[k].name, key_size) != 0)
			continue;
		if (hs->n[k]++ == 0) {
			hs->v[k] = value;
			hs->len[k] = value_size;
		}
		break;
	}
	return MHD_YES;
}

/*
 * The whole request head, checked in one pass over what libmicrohttpd 0.9.75 hands over:
 * the request line and each field must account for every byte of the head, in order (see
 * http_parse.h). Then: no Transfer-Encoding at all (bodies here are framed by one
 * Content-Length; RFC 9112 6.1 lets a server refuse what it does not support), at most one
 * Content-Length and exactly one Host, but for HTTP/1.0 (RFC 9112 3.2). 0 when the head is
 * clean, else the status to refuse it with: 400, or 431 past the limits of http.h.
 */
static unsigned
http_headers_scan(struct MHD_Connection *c, struct http_hdrs *hs, size_t target_len,
    const char *method, const char *url, const char *version)
{
	const union MHD_ConnectionInfo *ci;
	struct http_reqline rl;

	memset(hs, 0, sizeof(*hs));
	if ((ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE)) == NULL)
		return 400;
	if (ci->header_size > HTTP_HEAD_MAX)
		return 431;
	/* the method starts the head; the library counts its size from there */
	hs->head = method;
	hs->head_len = ci->header_size;
	rl.method_len = strlen(method);
	rl.target = http_head_off(hs, url);
	rl.target_len = target_len;
	rl.version = http_head_off(hs, version);
	rl.version_len = strlen(version);
	if (http_head_start(hs->head, hs->head_len, &rl, &hs->off) != HTTP_HEAD_OK)
		return 400;
	MHD_get_connection_values_n(c, MHD_HEADER_KIND | MHD_COOKIE_KIND, http_header_scan, hs);
	if (hs->bad || http_head_end(hs->head, hs->head_len, hs->off) != HTTP_HEAD_OK ||
	    hs->n[HDR_TE] != 0 || hs->n[HDR_CL] > 1 || hs->n[HDR_HOST] > 1 ||
	    (hs->n[HDR_HOST] == 0 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0))
		return 400;
	return hs->items > HTTP_ITEMS_MAX ? 431 : 0;
}

/* A file of the site, the health check or the 404 page. */
static enum MHD_Result
http_serve_static(struct MHD_Connection *c, const struct http_conn *hc, const char *method)
{
	const struct site_file *f;

	if (strcmp(hc->path, "/healthz") == 0)
		return http_queue_canned(c, method, hc->path, 200, CANNED_HEALTH);
	if ((f = site_lookup(hc->site, hc->path)) == NULL)
		return http_not_found(c, &hc->h, method, hc->path, hc->site);
	return http_serve_file(c, &hc->h, method, hc->path, f, 200);
}

/*
 * The whole-request deadline (--request-timeout), from the request line on, for receiving
 * the request (the answer may take longer: a large file to a slow reader). libmicrohttpd's
 * own timeout is an idle one, restarted by every byte, so a body trickled in kept its
 * connection for as long as the client liked. With CUT, while a body is awaited, the idle
 * timeout is cut to the time left, so a client that stops sending is closed on time too.
 * -1 once past the deadline.
 */
static int
http_deadline(struct MHD_Connection *c, struct http_conn *hc, int cut)
{
	uint64_t now = http_now_ms(), end = hc->t0 + http_deadline_ms;
	unsigned left;

	if (now >= end)
		return -1;
	left = (unsigned)((end - now + 999) / 1000);
	if (cut && left < http_idle_s && left != hc->timeout_s) {
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, left);
		hc->timeout_s = left;
	}
	return 0;
}

/* The request target as sent, in origin or absolute form (RFC 9112 3.2.2): an absolute
 * form's authority stands in for Host, and a Host that says otherwise is refused, so no
 * two readers of the request can take it for different hosts. 0, or -1 to refuse. */
static int
http_target_path(const struct http_conn *hc, const char *url, char *path, size_t pathsz)
{
	const char *host;
	size_t len;

	if (hc->tgt_err != HTTP_TARGET_OK)
		return -1;
	if (hc->tgt.authority_len > 0 && (host = http_hdr(&hc->h, HDR_HOST, &len)) != NULL &&
	    (len != hc->tgt.authority_len ||
	    strncasecmp(host, url + hc->tgt.authority, len) != 0))
		return -1;
	if (hc->tgt.path_len == 0)
		return http_path_decode("/", 1, path, pathsz);
	return http_path_decode(url + hc->tgt.path, hc->tgt.path_len, path, pathsz);
}

/* First call: only the headers are in. libmicrohttpd takes a refusal only now, before
 * any body; a page is sent on a later call, which keeps the connection alive (0.9.75
 * closes a connection whose answer was queued on the first call). */
static enum MHD_Result
http_first_call(struct MHD_Connection *c, struct http_conn *hc, const char *url,
    const char *method, const char *version)
{
	const char *allow;
	unsigned refuse;
	int body_ok = 0;

	hc->started = 1;
	hc->count_t0 = metrics_start();
	if ((hc->site = site_refresh(hc->site, &hc->site_gen)) == NULL)
		return MHD_NO;
	if ((refuse = http_headers_scan(c, &hc->h, hc->target_len, method, url, version)) != 0) {
		snprintf(hc->path, sizeof(hc->path), refuse == 431 ? "(large header)" :
		    "(bad header)");
		return http_queue_canned(c, method, hc->path, refuse,
		    refuse == 431 ? CANNED_431 : CANNED_400);
	}
	if (http_target_path(hc, url, hc->path, sizeof(hc->path)) == -1 || hc->query_bad) {
		snprintf(hc->path, sizeof(hc->path), "(bad path)");
		return http_queue_canned(c, method, hc->path, 400, CANNED_400);
	}
	/* RFC 9110 9.1: a method the server does not know is 501; one it knows, 405 below */
	switch (http_method_class(method, strlen(method))) {
	case HTTP_METHOD_BAD:
		return http_queue_canned(c, method, hc->path, 400, CANNED_400);
	case HTTP_METHOD_UNKNOWN:
		return http_queue_canned(c, method, hc->path, 501, CANNED_501);
	case HTTP_METHOD_KNOWN:
		break;
	}
	hc->route = router_match(method, hc->path, &hc->lang, &body_ok);
	/* the head came in too slowly: it can be answered still */
	if (http_deadline(c, hc, hc->route != NULL && body_ok) == -1)
		return http_queue_canned(c, method, hc->path, 408, CANNED_408);
	if (hc->route != NULL) {
		if (body_ok && (refuse = http_body_check(&hc->h)) != 0)
			return http_queue_canned(c, method, hc->path, refuse,
			    refuse == 413 ? CANNED_413 : CANNED_400);
		if (!body_ok && http_has_body(&hc->h))
			return http_queue_canned(c, method, hc->path, 400, CANNED_400);
		return MHD_YES;
	}
	if (!router_allowed(method, hc->path, &allow))
		return http_queue_405(c, method, hc->path, allow);
	if (http_has_body(&hc->h))
		return http_queue_canned(c, method, hc->path, 400, CANNED_400);
	return MHD_YES;
}

static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_conn *hc = *con_cls;

	if (hc == NULL)
		return MHD_NO;
	if (!hc->started)
		return http_first_call(c, hc, url, method, version);
	if (*upload_data_size != 0) {
		if (http_deadline(c, hc, 1) == -1) {
			log_warn("http: %s %s: not whole within %u s: connection closed", method,
			    hc->path, (unsigned)(http_deadline_ms / 1000));
			return MHD_NO;
		}
		if (hc->body.len + *upload_data_size > APP_MAX_BODY ||
		    buf_append(&hc->body, upload_data, *upload_data_size) == -1)
			hc->refuse = 1;
		/*
		 * UPLOAD_DATA is libmicrohttpd's read buffer, in its connection pool, which
		 * it frees unwiped when the visitor goes away midway (it zeroes the buffer
		 * only as it prepares a reply). Bytes reported consumed are never read
		 * again (0.9.75 process_request_body), so they can be wiped here.
		 */
		sodium_memzero((void *)(uintptr_t)upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* 0.9.75 calls with no data while bytes of a request pipelined behind one without a
	 * body wait (after "100 Continue"); only the last call, with NULL, may answer */
	if (upload_data != NULL)
		return MHD_YES;
	/* the request is in: its answer goes out under the idle timeout */
	if (hc->timeout_s != 0) {
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, http_idle_s);
		hc->timeout_s = 0;
	}
	if (hc->refuse)
		return http_queue_canned(c, method, hc->path, 413, CANNED_413);
	if (hc->route != NULL)
		return http_queue_app(c, method, hc, srv->app);
	return http_serve_static(c, hc, method);
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_conn *hc = *con_cls;
	int input;

	if (hc != NULL) {
		/* forms, receipts, the API: what they read may be personal */
		input = hc->route != NULL;
		http_conn_reset(hc);
		if (input)
			wipe_registers();
	}
	*con_cls = NULL;
}

/* Leave the URL as sent: http_path_decode does the one strict decoding, so an encoded
 * "..", "/" or NUL is seen, and refused, rather than decoded away. */
static size_t
http_unescape_none(void *cls, struct MHD_Connection *c, char *uri)
{
	return strlen(uri);
}

static void http_mhd_log(void *, const char *, va_list) __attribute__((format(printf, 2, 0)));

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_warn("http: %s", line);
}

#define HTTP_OPT(o, v, p) (struct MHD_OptionItem){ (o), (intptr_t)(v), (p) }

/* The logger goes first so that MHD reports problems with later options through it. */
static void
http_options(const struct http_config *cfg, struct MHD_OptionItem *o)
{
	int n = 0;

	o[n++] = HTTP_OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)http_mhd_log, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_LISTEN_SOCKET, cfg->listen_fd, NULL);
	if (cfg->threads > 1)
		o[n++] = HTTP_OPT(MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->mem_limit, NULL);
	/* not 1: that closes on a space in the target without an answer; the Host that 1
	 * would require, http_headers_scan does */
	o[n++] = HTTP_OPT(MHD_OPTION_STRICT_FOR_CLIENT, 0, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)http_unescape_none, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)http_completed, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)http_notify_connection, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)http_uri_seen, NULL);
	o[n++] = HTTP_OPT(MHD_OPTION_END, 0, NULL);
}

struct http_server *
http_start(const struct http_config *cfg, char *err, size_t errlen)
{
	struct MHD_OptionItem opts[20];
	struct http_server *srv;
	unsigned flags;

	/* http_headers_scan reads the request head as this release leaves it (http_parse.h);
	 * another parses differently, so it is not trusted to serve until checked */
	if (strcmp(MHD_get_version(), HTTP_MHD_VERSION) != 0) {
		snprintf(err, errlen, "libmicrohttpd %s: the request-head check is written for %s "
		    "(docs/SECURITY.md)", MHD_get_version(), HTTP_MHD_VERSION);
		return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL || http_make_canned() == -1) {
		snprintf(err, errlen, "out of memory");
		free(srv);
		http_free_canned();
		return NULL;
	}
	http_log_on = cfg->access_log;
	http_idle_s = cfg->timeout_s;
	http_deadline_ms = (uint64_t)cfg->request_timeout_s * 1000;
	if (http_log_on && access_log_start() == -1) {
		snprintf(err, errlen, "cannot start the access log thread");
		free(srv);
		http_free_canned();
		return NULL;
	}
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	srv->listen_fd = cfg->listen_fd;
	http_options(cfg, opts);
	srv->app = cfg->app;
	srv->d = MHD_start_daemon(flags, 0, NULL, NULL, http_handler, srv,
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (srv->d == NULL) {
		snprintf(err, errlen, "libmicrohttpd refused to start (see messages above)");
		access_log_stop();
		http_free_canned();
		free(srv);
		return NULL;
	}
	return srv;
}

long
http_open_connections(struct http_server *srv)
{
	const union MHD_DaemonInfo *info;

	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info != NULL ? (long)info->num_connections : -1;
}

void
http_stop(struct http_server *srv, unsigned grace_s)
{
	const union MHD_DaemonInfo *info;
	unsigned i;

	if (srv == NULL)
		return;
	/* Stop accepting; let requests under way finish, for a bounded time. */
	MHD_quiesce_daemon(srv->d);
	close(srv->listen_fd);
	for (i = 0; i < grace_s * 10; i++) {
		info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (info == NULL || info->num_connections == 0)
			break;
		usleep(100000);
	}
	MHD_stop_daemon(srv->d);
	access_log_stop();
	http_free_canned();
	free(srv);
}
