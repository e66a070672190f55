#include "showroomd/http.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/log.h"
#include "showroomd/access_log.h"
#include "showroomd/app.h"
#include "showroomd/headers.h"
#include "showroomd/metrics.h"
#include "showroomd/reply.h"
#include "showroomd/router.h"
#include "showroomd/site.h"

struct http_server {
	struct MHD_Daemon	*d;
	struct app		*app;
	int			 listen_fd;
};

enum http_canned {
	CANNED_400,
	CANNED_405,
	CANNED_413,
	CANNED_500,
	CANNED_HEALTH,
	CANNED_COUNT
};

static struct MHD_Response *http_canned[CANNED_COUNT];
static int http_log_on;

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
		HTTP_ERR_PAGE("405", "このメソッドは使えません。", "Method not allowed."),
		HTTP_ERR_PAGE("413", "送信された内容が大きすぎます。", "Request body too large."),
		HTTP_ERR_PAGE("500", "サーバーで問題が起きました。", "Internal server error."),
	};
	int i;

	for (i = 0; i < CANNED_HEALTH; i++)
		if ((http_canned[i] = http_make_text(pages[i], "text/html; charset=utf-8",
		    "no-store")) == NULL)
			return -1;
	if ((http_canned[CANNED_HEALTH] = http_make_text("ok\n",
	    "text/plain; charset=utf-8", "no-store")) == NULL)
		return -1;
	return MHD_add_response_header(http_canned[CANNED_405], "Allow", "GET, HEAD") ==
	    MHD_YES ? 0 : -1;
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

/*
 * The request headers this file acts on, found in the one pass that checks every header
 * line (http_headers_scan), so serving a file looks none of them up again. Values point
 * into libmicrohttpd's connection pool and live as long as the request.
 */
enum http_hdr {
	HDR_TE, HDR_CL, HDR_AE, HDR_INM, HDR_IMS, HDR_RANGE, HDR_IF_RANGE, HDR_COUNT
};

#define HTTP_HDR_NAME(s)	{ s, sizeof(s) - 1 }
static const struct {
	const char	*name;
	size_t		 len;
} http_hdr_names[HDR_COUNT] = {
	[HDR_TE] = HTTP_HDR_NAME("Transfer-Encoding"),
	[HDR_CL] = HTTP_HDR_NAME("Content-Length"),
	[HDR_AE] = HTTP_HDR_NAME("Accept-Encoding"),
	[HDR_INM] = HTTP_HDR_NAME("If-None-Match"),
	[HDR_IMS] = HTTP_HDR_NAME("If-Modified-Since"),
	[HDR_RANGE] = HTTP_HDR_NAME("Range"),
	[HDR_IF_RANGE] = HTTP_HDR_NAME("If-Range"),
};

struct http_hdrs {
	const char	*v[HDR_COUNT];	/* the first line of each, or NULL */
	size_t		 len[HDR_COUNT];
	int		 content_lengths;
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

static int
http_not_modified(const struct http_hdrs *hs, const struct site_file *f, enum http_enc enc)
{
	const char *h;
	size_t len;
	time_t since;

	if ((h = http_hdr(hs, HDR_INM, &len)) != NULL)
		return http_etag_match(h, len, f->v[enc].etag);
	if ((h = http_hdr(hs, HDR_IMS, &len)) != NULL &&
	    http_date_parse(h, len, &since) == 0)
		return f->mtime <= since;
	return 0;
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

static enum MHD_Result
http_serve_file(struct MHD_Connection *c, const struct http_hdrs *hs, const char *method,
    const char *path, const struct site_file *f, unsigned status)
{
	const char *h, *range;
	size_t len, rlen;
	enum http_enc enc;

	if (status == 200 && (range = http_hdr(hs, HDR_RANGE, &rlen)) != NULL &&
	    strcmp(method, MHD_HTTP_METHOD_GET) == 0 && http_if_range_ok(hs, f))
		return http_serve_range(c, method, path, f, range, rlen);
	h = http_hdr(hs, HDR_AE, &len);
	enc = http_accept_encoding(h, h ? len : 0, f->available);
	if (status == 200 && http_not_modified(hs, f, enc))
		return http_queue(c, method, path, 304, f->v[enc].not_modified, 0);
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
	uint64_t	 t0;		/* when this request's headers were in (metrics) */
	unsigned	 site_gen;
	int		 started;	/* this request's first call has run */
	const struct route *route;
	enum lang	 lang;
	int		 refuse;	/* the body overran its limit: answer 413 */
	struct http_hdrs h;
	char		 path[HTTP_PATH_MAX + 1];
	char		 query[APP_MAX_QUERY + 1];
	int		 query_bad;	/* longer than APP_MAX_QUERY */
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

	metrics_response(method, path, status, hc != NULL ? hc->t0 : 0);
}

/* Sees the request target before libmicrohttpd splits it: the raw query string is kept
 * for the handlers (and never logged). Its return value is the request's context. */
static void *
http_uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_conn *hc = http_conn_of(c);
	const char *q;
	size_t n;

	if (hc == NULL)
		return NULL;
	if ((q = strchr(uri, '?')) != NULL) {
		n = strlen(q + 1);
		if (n > APP_MAX_QUERY)
			hc->query_bad = 1;
		else
			memcpy(hc->query, q + 1, n + 1);
	}
	return hc;
}

/* GET and HEAD carry no body here; one announced is a smuggling attempt or a mistake. */
static int
http_has_body(const struct http_hdrs *hs)
{
	const char *cl;
	size_t len;

	if (hs->v[HDR_TE] != NULL)
		return 1;
	cl = http_hdr(hs, HDR_CL, &len);
	return cl != NULL && !(len == 1 && cl[0] == '0');
}

/* Bodies come with one Content-Length within the limit, never with Transfer-Encoding:
 * 0 to go on, or the status to refuse with. */
static unsigned
http_body_check(const struct http_hdrs *hs)
{
	const char *cl;
	size_t len, i;
	unsigned long n = 0;

	if (hs->v[HDR_TE] != NULL)
		return 400;
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

static enum MHD_Result
http_queue_app(struct MHD_Connection *c, const char *method, struct http_conn *hc,
    struct app *app)
{
	const union MHD_ConnectionInfo *ci;
	struct app_request rq;
	struct app_reply rp;
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t i;

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
	r = MHD_create_response_from_buffer(rp.body.len, rp.body.data ? rp.body.data : (char *)(uintptr_t)"",
	    MHD_RESPMEM_MUST_COPY);
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
	rc = http_queue_once(c, method, hc->path, rp.status, r, rp.body.len);
	reply_free(&rp);
	return rc;
}

/* Bytes refused in a header name (bit 0) and in a value (bit 1). */
#define HTTP_BAD_NAME	1
#define HTTP_BAD_VALUE	2
static unsigned char http_bad_byte[256];

static void
http_bad_bytes_init(void)
{
	int c;

	for (c = 0; c <= 0x20; c++)
		http_bad_byte[c] = HTTP_BAD_NAME | (c < 0x20 && c != '\t' ? HTTP_BAD_VALUE : 0);
	http_bad_byte[0x7f] = HTTP_BAD_NAME | HTTP_BAD_VALUE;
}

/* Request smuggling defences, per header line: no NUL, bare CR or other control
 * character (a TAB is allowed in values), and one Content-Length at most. The headers
 * served on are kept on the way. Runs on every request, hence the table. */
static enum MHD_Result
http_header_scan(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
    const char *value, size_t value_size)
{
	struct http_hdrs *hs = cls;
	unsigned char bad = 0;
	size_t i;
	int k;

	for (i = 0; i < key_size; i++)
		bad |= http_bad_byte[(unsigned char)key[i]] & HTTP_BAD_NAME;
	for (i = 0; value != NULL && i < value_size; i++)
		bad |= http_bad_byte[(unsigned char)value[i]] & HTTP_BAD_VALUE;
	if (bad)
		hs->bad = 1;
	for (k = 0; k < HDR_COUNT; k++) {
		if (key_size != http_hdr_names[k].len ||
		    strncasecmp(key, http_hdr_names[k].name, key_size) != 0)
			continue;
		if (k == HDR_CL)
			hs->content_lengths++;
		if (hs->v[k] == NULL) {
			hs->v[k] = value != NULL ? value : "";
			hs->len[k] = value != NULL ? value_size : 0;
		}
		break;
	}
	return hs->bad ? MHD_NO : MHD_YES;
}

static int
http_headers_scan(struct MHD_Connection *c, struct http_hdrs *hs)
{
	memset(hs, 0, sizeof(*hs));
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, http_header_scan, hs);
	return !hs->bad && hs->content_lengths <= 1;
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

/* First call: only the headers are in. libmicrohttpd takes a refusal only now, before
 * any body; a page is sent on a later call, which keeps the connection alive (0.9.75
 * closes a connection whose answer was queued on the first call). */
static enum MHD_Result
http_first_call(struct MHD_Connection *c, struct http_conn *hc, const char *url,
    const char *method)
{
	unsigned refuse;
	int body_ok = 0, safe;

	hc->started = 1;
	hc->t0 = metrics_start();
	if ((hc->site = site_refresh(hc->site, &hc->site_gen)) == NULL)
		return MHD_NO;
	if (!http_headers_scan(c, &hc->h)) {
		snprintf(hc->path, sizeof(hc->path), "(bad header)");
		return http_queue_canned(c, method, hc->path, 400, CANNED_400);
	}
	if (http_path_decode(url, strlen(url), hc->path, sizeof(hc->path)) == -1 ||
	    hc->query_bad) {
		snprintf(hc->path, sizeof(hc->path), "(bad path)");
		return http_queue_canned(c, method, hc->path, 400, CANNED_400);
	}
	hc->route = router_match(method, hc->path, &hc->lang, &body_ok);
	if (hc->route != NULL) {
		if (body_ok && (refuse = http_body_check(&hc->h)) != 0)
			return http_queue_canned(c, method, hc->path, refuse,
			    refuse == 413 ? CANNED_413 : CANNED_400);
		if (!body_ok && http_has_body(&hc->h))
			return http_queue_canned(c, method, hc->path, 400, CANNED_400);
		return MHD_YES;
	}
	safe = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	if (!safe)
		return http_queue_canned(c, method, hc->path, 405, CANNED_405);
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
		return http_first_call(c, hc, url, method);
	if (*upload_data_size != 0) {
		if (hc->body.len + *upload_data_size > APP_MAX_BODY ||
		    buf_append(&hc->body, upload_data, *upload_data_size) == -1)
			hc->refuse = 1;
		*upload_data_size = 0;
		return MHD_YES;
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
	if (*con_cls != NULL)
		http_conn_reset(*con_cls);
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
	o[n++] = HTTP_OPT(MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL);
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

	http_bad_bytes_init();
	if ((srv = calloc(1, sizeof(*srv))) == NULL || http_make_canned() == -1) {
		snprintf(err, errlen, "out of memory");
		free(srv);
		http_free_canned();
		return NULL;
	}
	http_log_on = cfg->access_log;
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
