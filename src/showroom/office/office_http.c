/*
 * The office's libmicrohttpd glue. Every request: the Host header must be the address
 * and port that were bound (DNS rebinding); then the route. Every route but the assets
 * and the login needs the session cookie; every POST needs the session's CSRF token (and
 * an Origin, when the browser sends one, of our own). A route that opens records needs
 * the key open, else the passphrase form is shown. Replies carry the site's security
 * headers and no-store; bodies are wiped once sent.
 */
#include "showroom/office/office_int.h"

#include <malloc.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/sechdr.h"

enum {
	R_SESSION = 1,		/* the session cookie */
	R_KEY = 2,		/* the opened key */
	R_HQ = 4,
	R_DEALER = 8,
	R_PASSIVE = 16,		/* not a sign of the clerk's presence (the script's poll) */
	R_PREFIX = 32		/* the path continues: /record/ID */
};

static const struct office_route {
	const char	*method;
	const char	*path;
	office_fn	 fn;
	unsigned	 flags;
} office_routes[] = {
	{ "GET", "/", office_home, R_SESSION },
	{ "GET", "/inbox", office_hq_inbox, R_SESSION | R_KEY | R_HQ },
	{ "GET", "/record/", office_hq_record, R_SESSION | R_KEY | R_HQ | R_PREFIX },
	{ "POST", "/record/", office_hq_keep, R_SESSION | R_KEY | R_HQ | R_PREFIX },
	{ "GET", "/handled", office_hq_handled, R_SESSION | R_KEY | R_HQ },
	{ "POST", "/export", office_hq_export, R_SESSION | R_KEY | R_HQ },
	{ "GET", "/ack", office_ack_page, R_SESSION },
	{ "POST", "/ack", office_ack_post, R_SESSION | R_KEY },
	{ "GET", "/day", office_dealer_day, R_SESSION | R_KEY | R_DEALER },
	{ "GET", "/week", office_dealer_week, R_SESSION | R_KEY | R_DEALER },
	{ "GET", "/booking/", office_dealer_booking, R_SESSION | R_KEY | R_DEALER | R_PREFIX },
	{ "GET", "/calendar", office_dealer_calendar, R_SESSION | R_KEY | R_DEALER },
	{ "POST", "/calendar", office_dealer_calendar_post, R_SESSION | R_KEY | R_DEALER },
	{ "POST", "/booking/", office_dealer_decide, R_SESSION | R_KEY | R_DEALER | R_PREFIX },
	{ "POST", "/bookings", office_dealer_file, R_SESSION | R_KEY | R_DEALER },
	{ "POST", "/pull", office_pull_post, R_SESSION | R_KEY },
	{ "GET", "/unlock", office_unlock_page, R_SESSION },
	{ "POST", "/unlock", office_unlock_post, R_SESSION },
	{ "POST", "/lang", office_lang_post, R_SESSION },
	{ "POST", "/lock", office_lock_post, R_SESSION },
	{ "GET", "/file/", office_file_get, R_SESSION | R_PREFIX },
	{ "GET", "/audit", office_audit_page, R_SESSION },
	{ "GET", "/keyring", office_keyring_page, R_SESSION },
	{ "GET", "/status", office_status, R_SESSION | R_PASSIVE },
};

struct office_http {
	struct MHD_Daemon	*d;
	struct office		*o;
};

/* One request: its body, gathered over the calls. */
struct oh_req {
	int		started;
	char		query[2048];	/* as sent: form_decode decodes it strictly */
	int		query_bad;
	struct buf	body;
	int		too_big;
};

/* Replies hold personal data: wiped, whatever their size, before they are freed. */
static void
oh_wipe_free(void *p)
{
	if (p != NULL) {
		sodium_memzero(p, malloc_usable_size(p));
		free(p);
	}
}

static int
oh_headers(struct MHD_Response *r, const struct office_reply *rp)
{
	size_t i;

	for (i = 0; i < sechdr_count; i++)
		if (MHD_add_response_header(r, sechdr_list[i].name, i == 0 ?
		    SECHDR_CSP_SCRIPT : sechdr_list[i].value) != MHD_YES)
			return -1;
	if (MHD_add_response_header(r, "Content-Type", rp->ctype ? rp->ctype :
	    "text/html; charset=utf-8") != MHD_YES ||
	    MHD_add_response_header(r, "Cache-Control", rp->cacheable ? "no-cache" :
	    "no-store") != MHD_YES)
		return -1;
	if (rp->location[0] != '\0' &&
	    MHD_add_response_header(r, "Location", rp->location) != MHD_YES)
		return -1;
	if (rp->cookie[0] != '\0' &&
	    MHD_add_response_header(r, "Set-Cookie", rp->cookie) != MHD_YES)
		return -1;
	if (rp->filename[0] != '\0') {
		char cd[200];

		snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", rp->filename);
		if (MHD_add_response_header(r, "Content-Disposition", cd) != MHD_YES)
			return -1;
	}
	return 0;
}

static enum MHD_Result
oh_send(struct MHD_Connection *c, struct office_reply *rp)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t len;
	char *body;

	if (rp->body.data == NULL)
		buf_puts(&rp->body, "");
	body = buf_steal(&rp->body, &len);
	if (body == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer_with_free_callback(len, body, oh_wipe_free);
	if (r == NULL) {
		oh_wipe_free(body);
		return MHD_NO;
	}
	if (oh_headers(r, rp) == -1) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	rc = MHD_queue_response(c, rp->status ? rp->status : 200, r);
	MHD_destroy_response(r);
	return rc;
}

/* A short answer before any session: both languages, no template needed. */
static void
oh_plain(struct office_reply *rp, unsigned status, const char *ja, const char *en)
{
	rp->status = status;
	buf_printf(&rp->body, "<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\"><title>%u</title>"
	    "<h1>%u</h1><p>%s</p><p lang=\"en\">%s</p></html>\n", status, status, ja, en);
}

static const struct office_route *
oh_route(const char *method, const char *path, const char **arg, int *method_ok)
{
	size_t i, n;
	int head = strcmp(method, "HEAD") == 0;

	*method_ok = 0;
	for (i = 0; i < sizeof(office_routes) / sizeof(office_routes[0]); i++) {
		const struct office_route *r = &office_routes[i];

		n = strlen(r->path);
		if (r->flags & R_PREFIX ? strncmp(path, r->path, n) != 0 || path[n] == '\0' :
		    strcmp(path, r->path) != 0)
			continue;
		*method_ok = 1;
		if (strcmp(method, r->method) != 0 && !(head && strcmp(r->method, "GET") == 0))
			continue;
		*arg = path + n;
		return r;
	}
	return NULL;
}

static int
oh_session_ok(struct office *o, struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, OFFICE_COOKIE);

	return o->sess.active && office_token_ok(v, o->sess.id);
}

/* The login: the one-time token becomes the session cookie. */
static void
oh_login(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *t = form_get(&rq->q, "token");
	char err[256], name[96];
	int64_t mark = 0;

	if (!office_token_ok(t, o->token)) {
		oh_plain(rp, 403, "このリンクは使用済みか正しくありません。showroom office が表示した新しい"
		    "URL を開いてください。", "This link was used already or is wrong: open the "
		    "URL that showroom office printed last.");
		return;
	}
	sodium_memzero(o->token, sizeof(o->token));	/* once */
	buf_wipe(&o->sess.flash);
	memset(&o->sess, 0, sizeof(o->sess));
	o->sess.active = 1;
	o->sess.lang = o->lang0;
	office_token_new(o->sess.id);
	office_token_new(o->sess.csrf);
	/* what came in since the last visit is new during this one */
	snprintf(name, sizeof(name), "office_visit:%s", o->b.id.pub.key_id);
	if (bostore_meta_get(o->b.db, name, &mark, err, sizeof(err)) == -1 ||
	    bostore_meta_set(o->b.db, name, (int64_t)time(NULL), err, sizeof(err)) == -1)
		log_warn("%s", err);
	o->sess.visit_mark = mark;
	o->last_active = office_now();
	snprintf(rp->cookie, sizeof(rp->cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict",
	    OFFICE_COOKIE, o->sess.id);
	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "/");
	log_info("office: signed in");
}

static void
oh_asset(struct office *o, const char *name, struct office_reply *rp)
{
	const char *a, *ctype;
	size_t len;

	if ((a = office_view_asset(o->view, name, &len, &ctype)) == NULL) {
		oh_plain(rp, 404, "見つかりません。", "Not found.");
		return;
	}
	buf_append(&rp->body, a, len);
	rp->ctype = ctype;
	rp->cacheable = 1;
	rp->status = 200;
}

/* A POST must come from our own page: form body, our Origin, the session's token. */
static int
oh_post_ok(struct office *o, struct MHD_Connection *c, struct oh_req *q,
    struct office_req *rq)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");

	if (q->too_big || ct == NULL ||
	    strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return 0;
	/* "null" is what browsers send on a POST under Referrer-Policy: no-referrer */
	if (origin != NULL && strcmp(origin, o->origin) != 0 && strcmp(origin, "null") != 0)
		return 0;
	if (form_decode(q->body.data ? q->body.data : "", q->body.len, &rq->f, NULL) == -1)
		return 0;
	return office_token_ok(form_get(&rq->f, "csrf"), o->sess.csrf);
}

static enum MHD_Result
oh_dispatch(struct office *o, struct MHD_Connection *c, const char *url,
    const char *method, struct oh_req *q)
{
	const struct office_route *r;
	const char *host, *query;
	struct office_req rq;
	struct office_reply rp;
	char path[512];
	enum MHD_Result rc;
	int method_ok, role_hq = o->b.id.pub.role == KEYS_ROLE_HQ;

	memset(&rq, 0, sizeof(rq));
	memset(&rp, 0, sizeof(rp));
	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	query = q->query;
	snprintf(path, sizeof(path), "%s", url);
	rq.method = method;
	rq.path = path;
	if (!office_host_ok(host, o->host)) {
		oh_plain(&rp, 403, "このアドレスでは使えません。", "Wrong Host: open the URL that "
		    "showroom office printed.");
		goto send;
	}
	if (q->query_bad || strlen(url) >= sizeof(path) ||
	    form_decode(query, strlen(query), &rq.q, NULL) == -1) {
		oh_plain(&rp, 400, "リクエストの形式が正しくありません。", "Bad request.");
		goto send;
	}
	if (strncmp(path, "/assets/", 8) == 0 && (strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0)) {
		oh_asset(o, path + 8, &rp);
		goto send;
	}
	if (strcmp(path, "/login") == 0 && strcmp(method, "GET") == 0) {
		oh_login(o, &rq, &rp);
		goto send;
	}
	if ((r = oh_route(method, path, &rq.arg, &method_ok)) == NULL) {
		if (method_ok)
			oh_plain(&rp, 405, "このメソッドは使えません。", "Method not allowed.");
		else
			oh_plain(&rp, 404, "見つかりません。", "Not found.");
		goto send;
	}
	if ((r->flags & R_SESSION) && !oh_session_ok(o, c)) {
		oh_plain(&rp, 403, "ログインしていません。showroom office が表示した URL を開いて"
		    "ください。", "Not signed in: open the URL that showroom office printed.");
		goto send;
	}
	rq.post = strcmp(method, "POST") == 0;
	if (rq.post && !oh_post_ok(o, c, q, &rq)) {
		oh_plain(&rp, 403, "フォームの有効期限が切れているか、別のページから送信されました。"
		    "ページを開き直してください。", "This form is stale or came from another "
		    "page: open the page again.");
		goto send;
	}
	if (!(r->flags & R_PASSIVE))
		o->last_active = office_now();
	snprintf(o->here, sizeof(o->here), "%s%s%s", path, query[0] ? "?" : "", query);
	if (((r->flags & R_HQ) && !role_hq) || ((r->flags & R_DEALER) && role_hq)) {
		office_message(o, &rp, 404, "notfound_title", "notfound_role");
		goto send;
	}
	if ((r->flags & R_KEY) && !o->b.have_secret) {
		office_unlock_page(o, &rq, &rp);
		goto send;
	}
	r->fn(o, &rq, &rp);
send:
	rc = oh_send(c, &rp);
	form_free(&rq.q);
	form_free(&rq.f);
	buf_wipe(&rp.body);
	return rc;
}

static enum MHD_Result
oh_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct office *o = cls;
	struct oh_req *q = *con_cls;

	if (q == NULL)
		return MHD_NO;
	if (!q->started) {
		/* the first call sees only the headers; answer on a later one, which keeps
		 * the connection alive */
		q->started = 1;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		if (q->body.len + *upload_size > OFFICE_MAX_BODY ||
		    buf_append(&q->body, upload, *upload_size) == -1)
			q->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	return oh_dispatch(o, c, url, method, q);
}

static void
oh_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct oh_req *q = *con_cls;

	if (q != NULL) {
		buf_wipe(&q->body);	/* a passphrase, a form */
		free(q);
	}
	*con_cls = NULL;
}

/* Leave the URL as sent: the query is decoded strictly by form_decode. */
static size_t
oh_unescape_none(void *cls, struct MHD_Connection *c, char *uri)
{
	return strlen(uri);
}

static void oh_log(void *, const char *, va_list) __attribute__((format(printf, 2, 0)));

static void
oh_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_warn("office http: %s", line);
}

/* The URI logger sees the request target whole, before libmicrohttpd splits off the
 * query: the request's state starts here, with the query as sent. */
static void *
oh_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct oh_req *q;
	const char *p;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	if ((p = strchr(uri, '?')) != NULL) {
		if (strlen(p + 1) >= sizeof(q->query))
			q->query_bad = 1;
		else
			snprintf(q->query, sizeof(q->query), "%s", p + 1);
	}
	return q;
}

struct office_http *
office_http_start(struct office *o, int fd, char *err, size_t errlen)
{
	struct office_http *h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	h->o = o;
	/* no thread of its own: the office's one loop runs it (office_http_run) */
	h->d = MHD_start_daemon(MHD_USE_ERROR_LOG, 0, NULL, NULL, oh_handler, o,
	    MHD_OPTION_EXTERNAL_LOGGER, oh_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, 64u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 60u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_UNESCAPE_CALLBACK, oh_unescape_none, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, oh_uri, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, oh_completed, NULL,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		errbuf_set(err, errlen, "libmicrohttpd refused to start (see above)");
		free(h);
		return NULL;
	}
	return h;
}

void
office_http_run(struct office_http *h, int ms)
{
	MHD_run_wait(h->d, ms);
}

void
office_http_stop(struct office_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
