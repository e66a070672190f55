/* Signed requests to the key holders' API over libcurl; see client.h. */
#include "showroom/office/client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "seal/sig.h"
#include "lib/text.h"

struct client {
	CURL				*curl;
	char				*scheme;
	char				*authority;	/* HOST or HOST:PORT, as signed and sent */
	char				*origin;	/* scheme://authority */
	char				*prefix;	/* the URL's path without a final '/' */
	const struct keys_identity	*id;
};

static const char *const client_components[] = {
	"@method", "@authority", "@path", "@query"
};
static const char *const client_components_body[] = {
	"@method", "@authority", "@path", "@query", "content-digest"
};

static int
client_loopback(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcasecmp(host, "localhost") == 0;
}

static int
client_parse_url(struct client *c, const char *url, char *err, size_t errlen)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
	size_t n;
	int rc = CLIENT_E_USAGE;

	if ((u = curl_url()) == NULL)
		return CLIENT_E_NOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "server URL '%s' is not a URL (https://HOST[:PORT])", url);
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query != NULL) {
		snprintf(err, errlen, "server URL '%s' must not have a query", url);
		goto out;
	}
	if (strcasecmp(scheme, "https") != 0 &&
	    !(strcasecmp(scheme, "http") == 0 && client_loopback(host))) {
		snprintf(err, errlen, "server URL '%s': only https:// (http:// for a loopback "
		    "host only)", url);
		goto out;
	}
	rc = CLIENT_E_NOMEM;
	if ((c->scheme = strdup(scheme)) == NULL)
		goto out;
	for (n = 0; host[n] != '\0'; n++)
		if (host[n] >= 'A' && host[n] <= 'Z')
			host[n] = (char)(host[n] - 'A' + 'a');
	if (port != NULL) {
		if (asprintf(&c->authority, "%s:%s", host, port) == -1) {
			c->authority = NULL;
			goto out;
		}
	} else if ((c->authority = strdup(host)) == NULL)
		goto out;
	if (asprintf(&c->origin, "%s://%s", scheme, c->authority) == -1) {
		c->origin = NULL;
		goto out;
	}
	if ((c->prefix = strdup(path != NULL ? path : "")) == NULL)
		goto out;
	n = strlen(c->prefix);
	while (n > 0 && c->prefix[n - 1] == '/')
		c->prefix[--n] = '\0';
	rc = CLIENT_OK;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return rc;
}

int
client_new(const char *url, const struct keys_identity *id, struct client **cp,
    char *err, size_t errlen)
{
	struct client *c;
	int rc;

	*cp = NULL;
	if (url == NULL || *url == '\0') {
		snprintf(err, errlen, "no server URL (--server or \"server\" in the config)");
		return CLIENT_E_USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl failed to initialise");
		return CLIENT_E_NOMEM;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return CLIENT_E_NOMEM;
	}
	c->id = id;
	if ((rc = client_parse_url(c, url, err, errlen)) != CLIENT_OK)
		goto fail;
	if ((c->curl = curl_easy_init()) == NULL) {
		rc = CLIENT_E_NOMEM;
		goto fail;
	}
	*cp = c;
	return CLIENT_OK;
fail:
	if (rc == CLIENT_E_NOMEM)
		snprintf(err, errlen, "out of memory");
	client_free(c);
	return rc;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	free(c->scheme);
	free(c->authority);
	free(c->origin);
	free(c->prefix);
	free(c);
	curl_global_cleanup();
}

void
client_reply_free(struct client_reply *r)
{
	buf_free(&r->body);
	r->status = 0;
}

/* Where a reply goes: a body past CLIENT_MAX_REPLY stops the transfer and says so. */
struct client_sink {
	struct buf	*body;
	int		 too_big;
};

static size_t
client_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct client_sink *k = arg;
	size_t n = size * nmemb;

	if (k->body->len + n > CLIENT_MAX_REPLY) {
		k->too_big = 1;
		return 0;
	}
	if (buf_append(k->body, data, n) == -1)
		return 0;
	return n;
}

/* Adds Signature-Input and Signature (and Content-Digest for a body) to *hdrs. */
static int
client_sign(struct client *c, const char *method, const char *path, const char *query,
    const char *body, size_t bodylen, struct curl_slist **hdrs, char *err, size_t errlen)
{
	struct buf si = BUF_INIT, sg = BUF_INIT, cd = BUF_INIT, line = BUF_INIT;
	struct sig_header h[1];
	struct sig_request req;
	struct sig_sign_params p;
	unsigned char rnd[16];
	char nonce[33];
	struct curl_slist *l;
	int rc = -1, st;

	memset(&req, 0, sizeof(req));
	memset(&p, 0, sizeof(p));
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(nonce, sizeof(nonce), rnd, sizeof(rnd));
	req.method = method;
	req.scheme = c->scheme;
	req.authority = c->authority;
	req.path = path;
	req.query = query;
	if (body != NULL) {
		if (content_digest_compute(body, bodylen, &cd) != SIG_OK)
			goto nomem;
		h[0].name = "content-digest";
		h[0].value = cd.data;
		h[0].valuelen = cd.len;
		req.headers = h;
		req.nheaders = 1;
		req.body = body;
		req.bodylen = bodylen;
	}
	p.label = "sig1";
	p.components = body != NULL ? client_components_body : client_components;
	p.ncomponents = body != NULL ? 5 : 4;
	p.created = (int64_t)time(NULL);
	p.keyid = c->id->pub.key_id;
	p.nonce = nonce;
	p.alg = "ed25519";
	if ((st = sig_sign(&req, &p, c->id->sec->ed25519, &si, &sg)) != SIG_OK) {
		snprintf(err, errlen, "signing the request failed: %s", sig_strerror(st));
		goto out;
	}
	if (body != NULL) {
		if (buf_printf(&line, "Content-Digest: %s", cd.data) == -1 ||
		    (l = curl_slist_append(*hdrs, line.data)) == NULL)
			goto nomem;
		*hdrs = l;
		buf_reset(&line);
	}
	if (buf_printf(&line, "Signature-Input: %s", si.data) == -1 ||
	    (l = curl_slist_append(*hdrs, line.data)) == NULL)
		goto nomem;
	*hdrs = l;
	buf_reset(&line);
	if (buf_printf(&line, "Signature: %s", sg.data) == -1 ||
	    (l = curl_slist_append(*hdrs, line.data)) == NULL)
		goto nomem;
	*hdrs = l;
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	buf_free(&si);
	buf_free(&sg);
	buf_free(&cd);
	buf_free(&line);
	return rc;
}

/* The server's {"error": reason}, or the start of the body when it is not that, made
 * printable: a hostile server must not reach the clerk's terminal with escapes. */
static void
client_reason(const struct client_reply *r, char *out, size_t outlen)
{
	json_error_t je;
	json_t *doc = NULL, *e;

	if (r->body.len > 0)
		doc = json_loadb(r->body.data, r->body.len, JSON_ALLOW_NUL, &je);
	if ((e = json_object_get(doc, "error")) != NULL && json_is_string(e))
		text_printable(json_string_value(e), json_string_length(e), out, outlen);
	else if (r->body.len > 0)
		text_printable(r->body.data, r->body.len, out, outlen);
	else
		snprintf(out, outlen, "no reason given");
	json_decref(doc);
}

static int
client_do(struct client *c, const char *method, const char *path, const char *query,
    const char *body, size_t bodylen, struct client_reply *r, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL, *l;
	struct buf url = BUF_INIT, full = BUF_INIT, host = BUF_INIT;
	struct client_sink sink;
	char cerr[CURL_ERROR_SIZE], why[CURL_ERROR_SIZE], reason[CLIENT_REASON_MAX];
	const char *ce;
	CURLcode cc;
	int rc = CLIENT_E_NOMEM;

	memset(r, 0, sizeof(*r));
	sink.body = &r->body;
	sink.too_big = 0;
	cerr[0] = '\0';
	if (buf_printf(&full, "%s%s", c->prefix, path) == -1 ||
	    buf_printf(&url, "%s%s%s%s", c->origin, full.data, query ? "?" : "",
	    query ? query : "") == -1 ||
	    buf_printf(&host, "Host: %s", c->authority) == -1 ||
	    (hdrs = curl_slist_append(NULL, host.data)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (body != NULL) {
		if ((l = curl_slist_append(hdrs, "Content-Type: application/json")) == NULL)
			goto out;
		hdrs = l;
	}
	if ((l = curl_slist_append(hdrs, "Accept: application/json")) == NULL)
		goto out;
	hdrs = l;
	if (c->id != NULL && client_sign(c, method, full.data, query, body, bodylen, &hdrs,
	    err, errlen) == -1)
		goto out;
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url.data);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, client_write);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &sink);
	/* refused from its Content-Length, before any of it is read */
	curl_easy_setopt(c->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CLIENT_MAX_REPLY);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, (long)CLIENT_TIMEOUT);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, (long)CLIENT_CONNECT_TIMEOUT);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "showroom-backoffice/1");
	if (body != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)bodylen);
	}
	cc = curl_easy_perform(c->curl);
	if (cc == CURLE_FILESIZE_EXCEEDED || (cc == CURLE_WRITE_ERROR && sink.too_big)) {
		/* the server was reached: it is its reply that is refused */
		snprintf(err, errlen, "server %s: the reply to %s %s is larger than %u MiB; "
		    "refused", c->origin, method, full.data, CLIENT_MAX_REPLY / (1024 * 1024));
		rc = CLIENT_E_PROTO;
		goto out;
	}
	if (cc != CURLE_OK) {
		/* curl's message may quote what the server sent */
		ce = cerr[0] != '\0' ? cerr : curl_easy_strerror(cc);
		text_printable(ce, strlen(ce), why, sizeof(why));
		snprintf(err, errlen, "cannot reach server %s: %s", c->origin, why);
		rc = cc == CURLE_OUT_OF_MEMORY ? CLIENT_E_NOMEM : CLIENT_E_CONNECT;
		goto out;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (buf_putc(&r->body, '\0') == -1)
		goto out;
	r->body.len--;
	if (r->status == 200) {
		rc = CLIENT_OK;
		goto out;
	}
	client_reason(r, reason, sizeof(reason));
	if (r->status == 401) {
		snprintf(err, errlen, "server %s refused the request (401): %s", c->origin,
		    reason);
		rc = CLIENT_E_AUTH;
	} else {
		snprintf(err, errlen, "server %s answered %ld to %s %s: %s", c->origin,
		    r->status, method, full.data, reason);
		rc = CLIENT_E_HTTP;
	}
out:
	if (rc != CLIENT_OK)
		client_reply_free(r);
	if (rc == CLIENT_E_NOMEM && err != NULL && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	curl_slist_free_all(hdrs);
	buf_free(&url);
	buf_free(&full);
	buf_free(&host);
	return rc;
}

int
client_get(struct client *c, const char *path, const char *query, struct client_reply *r,
    char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return client_do(c, "GET", path, query, NULL, 0, r, err, errlen);
}

int
client_post_json(struct client *c, const char *path, const char *body, size_t len,
    struct client_reply *r, char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return client_do(c, "POST", path, NULL, body, len, r, err, errlen);
}
