/* The public site over real HTTP: showroomd serving the built demo site on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/fsutil.h"
#include "showroomd/site.h"
#include "testsrv.h"

static struct testsrv srv;
static char site_copy[256];

static int
setup(void **state)
{
	char cmd[1024];
	const char *args[] = { "--site", site_copy, NULL };

	/* a private copy, so the reload test can change it */
	if (testsrv_tmpname(site_copy, sizeof(site_copy), "showroom-site") == -1 ||
	    mkdtemp(site_copy) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -a %s/. %s", testsrv_path("demo-site"), site_copy);
	if (system(cmd) != 0)
		return -1;
	return testsrv_start(&srv, args);
}

static int
teardown(void **state)
{
	char cmd[512];

	testsrv_stop(&srv, SIGKILL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", site_copy);
	return system(cmd) == 0 ? 0 : -1;
}

static void
get_ok(const char *path, const char *extra, struct http_reply *r)
{
	assert_int_equal(http_get(srv.port, path, extra, r), 0);
}

static void
assert_header(const struct http_reply *r, const char *name, const char *want)
{
	char v[1024];

	if (http_header_get(r, name, v, sizeof(v)) == NULL)
		fail_msg("header %s missing", name);
	if (strstr(v, want) == NULL)
		fail_msg("header %s is \"%s\", expected to contain \"%s\"", name, v, want);
}

static void
test_home_pages(void **state)
{
	struct http_reply r;
	char v[256];

	get_ok("/", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "<html lang=\"ja\">"));
	assert_non_null(strstr(r.body, "hreflang=\"en\""));
	assert_null(strstr(r.body, "<script"));
	assert_null(strstr(r.body, "http://"));	/* no third-party or mixed content */
	/* security headers */
	assert_header(&r, "Content-Security-Policy", "default-src 'none'");
	assert_header(&r, "Content-Security-Policy", "frame-ancestors 'none'");
	assert_non_null(http_header_get(&r, "Content-Security-Policy", v, sizeof(v)));
	assert_null(strstr(v, "unsafe-inline"));
	/* nothing beyond the site's images, style sheet and its own script: no font, no
	 * eval, nothing from elsewhere */
	assert_non_null(strstr(v, "script-src 'self';"));
	assert_non_null(strstr(v, "connect-src 'self'"));
	assert_null(strstr(v, "unsafe-eval"));
	assert_null(strstr(v, "font-src"));
	assert_header(&r, "X-Content-Type-Options", "nosniff");
	assert_header(&r, "Referrer-Policy", "no-referrer");
	assert_header(&r, "Permissions-Policy", "camera=()");
	assert_null(http_header_get(&r, "Set-Cookie", v, sizeof(v)));
	assert_non_null(http_header_get(&r, "ETag", v, sizeof(v)));
	assert_non_null(http_header_get(&r, "Last-Modified", v, sizeof(v)));
	http_reply_free(&r);

	get_ok("/en/", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<html lang=\"en\">"));
	http_reply_free(&r);
}

static json_t *
load_catalog(void)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc;

	get_ok("/api/v1/catalog", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "application/json");
	doc = json_loadb(r.body, r.body_len, 0, &je);
	http_reply_free(&r);
	assert_non_null(doc);
	return doc;
}

static void
test_catalog_api_and_model_pages(void **state)
{
	json_t *doc = load_catalog(), *m;
	struct http_reply r;
	char path[256];
	size_t i;

	assert_true(json_array_size(json_object_get(doc, "models")) >= 5);
	assert_true(json_array_size(json_object_get(doc, "dealers")) >= 8);
	json_array_foreach(json_object_get(doc, "models"), i, m) {
		const char *code = json_string_value(json_object_get(m, "code"));

		snprintf(path, sizeof(path), "/models/%s/", code);
		get_ok(path, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, "class=\"specs\""));
		snprintf(path, sizeof(path), "/catalogs/%s-ja.pdf", code);
		assert_non_null(strstr(r.body, path));
		http_reply_free(&r);
		snprintf(path, sizeof(path), "/en/models/%s/", code);
		get_ok(path, NULL, &r);
		assert_int_equal(r.status, 200);
		http_reply_free(&r);
	}
	json_decref(doc);
	static const char *pages[] = { "/models/", "/en/models/", "/dealers/", "/en/dealers/",
	    "/privacy/", "/en/privacy/", "/sitemap.xml", "/robots.txt" };
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		get_ok(pages[i], NULL, &r);
		if (r.status != 200)
			fail_msg("%s: %d", pages[i], r.status);
		http_reply_free(&r);
	}
	get_ok("/sitemap.xml", NULL, &r);
	assert_header(&r, "Content-Type", "application/xml");
	assert_non_null(strstr(r.body, "hreflang=\"en\""));
	http_reply_free(&r);
}

/* BODY is the content of PATH in the served site copy. */
static void
assert_file_equal(const char *path, const char *body, size_t len)
{
	char file[512], *want;
	size_t n;

	snprintf(file, sizeof(file), "%s%s", site_copy, path);
	assert_int_equal(fs_read_file(file, &want, &n), 0);
	assert_int_equal(n, len);
	assert_memory_equal(want, body, len);
	free(want);
}

static char *
first_pdf(void)
{
	json_t *doc = load_catalog();
	char *p;

	p = strdup(json_string_value(json_object_get(json_object_get(json_array_get(
	    json_object_get(doc, "models"), 0), "catalogs"), "ja")));
	json_decref(doc);
	return p;
}

static void
test_pdf_and_ranges(void **state)
{
	struct http_reply full, r;
	char *pdf = first_pdf(), v[256], want[128], etag[128];

	get_ok(pdf, NULL, &full);
	assert_int_equal(full.status, 200);
	assert_header(&full, "Content-Type", "application/pdf");
	assert_header(&full, "Accept-Ranges", "bytes");
	assert_true(full.body_len > 1000);
	assert_memory_equal(full.body, "%PDF-", 5);
	assert_non_null(http_header_get(&full, "ETag", etag, sizeof(etag)));
	/* large enough to go out a block at a time (SITE_STREAM_MIN): every byte as on disk */
	assert_true(full.body_len > 2 * SITE_STREAM_MIN);
	assert_file_equal(pdf, full.body, full.body_len);

	snprintf(v, sizeof(v), "Range: bytes=1000-%zu\r\n", 1000 + 2 * (size_t)SITE_STREAM_MIN);
	get_ok(pdf, v, &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body_len, 2 * SITE_STREAM_MIN + 1);
	assert_memory_equal(r.body, full.body + 1000, r.body_len);
	http_reply_free(&r);

	get_ok(pdf, "Range: bytes=0-99\r\n", &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body_len, 100);
	assert_memory_equal(r.body, full.body, 100);
	snprintf(want, sizeof(want), "bytes 0-99/%zu", full.body_len);
	assert_header(&r, "Content-Range", want);
	http_reply_free(&r);

	get_ok(pdf, "Range: bytes=-10\r\n", &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body_len, 10);
	assert_memory_equal(r.body, full.body + full.body_len - 10, 10);
	http_reply_free(&r);

	snprintf(want, sizeof(want), "Range: bytes=%zu-\r\n", full.body_len);
	get_ok(pdf, want, &r);
	assert_int_equal(r.status, 416);
	snprintf(want, sizeof(want), "bytes */%zu", full.body_len);
	assert_header(&r, "Content-Range", want);
	http_reply_free(&r);

	/* If-Range with another entity's tag: the whole file, not a piece of a stale one */
	get_ok(pdf, "Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, full.body_len);
	http_reply_free(&r);
	snprintf(v, sizeof(v), "Range: bytes=0-9\r\nIf-Range: %s\r\n", etag);
	get_ok(pdf, v, &r);
	assert_int_equal(r.status, 206);
	http_reply_free(&r);

	http_reply_free(&full);
	free(pdf);
}

/*
 * RFC 9110 15.3.7: a 206 carries the headers its 200 would, Vary among them. A page with
 * compressed twins is served whole under Vary: Accept-Encoding, so a piece of it is too,
 * or a shared cache could hand the identity piece to a gzip request and the reverse.
 */
static void
test_range_of_negotiated_page(void **state)
{
	struct http_reply full, r;
	char v[128];

	get_ok("/models/", NULL, &full);
	assert_int_equal(full.status, 200);
	get_ok("/models/", "Range: bytes=0-9\r\nAccept-Encoding: gzip\r\n", &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body_len, 10);
	assert_memory_equal(r.body, full.body, 10);
	assert_null(http_header_get(&r, "Content-Encoding", v, sizeof(v)));
	assert_header(&r, "Vary", "Accept-Encoding");
	assert_non_null(http_header_get(&full, "ETag", v, sizeof(v)));
	assert_header(&r, "ETag", v);
	assert_non_null(http_header_get(&full, "Cache-Control", v, sizeof(v)));
	assert_header(&r, "Cache-Control", v);
	http_reply_free(&r);

	snprintf(v, sizeof(v), "Range: bytes=%zu-\r\n", full.body_len);
	get_ok("/models/", v, &r);
	assert_int_equal(r.status, 416);
	assert_header(&r, "Vary", "Accept-Encoding");
	http_reply_free(&r);
	http_reply_free(&full);
}

static void
test_conditional(void **state)
{
	struct http_reply r;
	char etag[128], lm[64], hdr[256];

	get_ok("/models/", NULL, &r);
	assert_non_null(http_header_get(&r, "ETag", etag, sizeof(etag)));
	assert_non_null(http_header_get(&r, "Last-Modified", lm, sizeof(lm)));
	http_reply_free(&r);

	snprintf(hdr, sizeof(hdr), "If-None-Match: %s\r\n", etag);
	get_ok("/models/", hdr, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body_len, 0);
	assert_header(&r, "ETag", etag);
	http_reply_free(&r);

	get_ok("/models/", "If-None-Match: \"other\"\r\n", &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);

	snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s\r\n", lm);
	get_ok("/models/", hdr, &r);
	assert_int_equal(r.status, 304);
	http_reply_free(&r);
	get_ok("/models/", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n", &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
}

/*
 * RFC 9110 13.2.2: If-Match, else If-Unmodified-Since, then If-None-Match, else
 * If-Modified-Since, and only then Range; 412 when a precondition fails, and none of it on
 * an answer that would not be a 2xx.
 */
static void
test_preconditions(void **state)
{
	char *pdf = first_pdf(), etag[128], lm[64], hdr[512];
	struct http_reply r;

	get_ok(pdf, NULL, &r);
	assert_non_null(http_header_get(&r, "ETag", etag, sizeof(etag)));
	assert_non_null(http_header_get(&r, "Last-Modified", lm, sizeof(lm)));
	http_reply_free(&r);

	/* a cache revalidating a piece it holds: 304, not the piece again */
	snprintf(hdr, sizeof(hdr), "Range: bytes=0-99\r\nIf-None-Match: %s\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body_len, 0);
	assert_header(&r, "ETag", etag);
	http_reply_free(&r);
	snprintf(hdr, sizeof(hdr), "Range: bytes=0-99\r\nIf-Modified-Since: %s\r\n", lm);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 304);
	http_reply_free(&r);
	/* a list on two lines is one list (RFC 9110 5.3) */
	snprintf(hdr, sizeof(hdr), "If-None-Match: \"other\"\r\nIf-None-Match: %s\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 304);
	http_reply_free(&r);

	/* If-Match: strong comparison; "*" and the current tag pass, also across lines */
	snprintf(hdr, sizeof(hdr), "If-Match: %s\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	get_ok(pdf, "If-Match: *\r\n", &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	snprintf(hdr, sizeof(hdr), "If-Match: \"other\"\r\nIf-Match: %s\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	snprintf(hdr, sizeof(hdr), "Range: bytes=0-99\r\nIf-Match: %s\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body_len, 100);
	http_reply_free(&r);
	get_ok(pdf, "If-Match: \"other\"\r\n", &r);
	assert_int_equal(r.status, 412);
	http_reply_free(&r);
	snprintf(hdr, sizeof(hdr), "If-Match: W/%s\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 412);
	http_reply_free(&r);
	/* a failed If-Match outranks Range and If-None-Match */
	snprintf(hdr, sizeof(hdr), "Range: bytes=0-99\r\nIf-Match: \"other\"\r\n"
	    "If-None-Match: %s\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 412);
	http_reply_free(&r);

	/* If-Unmodified-Since: 412 once the file changed after the date */
	get_ok(pdf, "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n", &r);
	assert_int_equal(r.status, 412);
	http_reply_free(&r);
	snprintf(hdr, sizeof(hdr), "If-Unmodified-Since: %s\r\n", lm);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	/* ... ignored under If-Match, and when it is no date */
	snprintf(hdr, sizeof(hdr), "If-Match: %s\r\n"
	    "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n", etag);
	get_ok(pdf, hdr, &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	get_ok(pdf, "If-Unmodified-Since: yesterday\r\n", &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	get_ok(pdf, "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n"
	    "If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n", &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);

	/* RFC 9110 13.2.1: the 404 page is not what a precondition is about */
	get_ok("/no/such/page", "If-Match: \"other\"\r\nIf-None-Match: *\r\n", &r);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
	free(pdf);
}

static void
test_encodings(void **state)
{
	struct http_reply id, gz, br;
	unsigned char *out;
	uLongf outlen;
	z_stream zs;
	char v[256];

	get_ok("/models/", NULL, &id);
	assert_null(http_header_get(&id, "Content-Encoding", v, sizeof(v)));
	assert_header(&id, "Vary", "Accept-Encoding");
	get_ok("/models/", "Accept-Encoding: gzip\r\n", &gz);
	assert_int_equal(gz.status, 200);
	assert_header(&gz, "Content-Encoding", "gzip");
	assert_header(&gz, "Vary", "Accept-Encoding");
	assert_true(gz.body_len < id.body_len);
	/* the gzip variant inflates to exactly the page */
	outlen = id.body_len + 1;
	out = malloc(outlen);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (unsigned char *)gz.body;
	zs.avail_in = (uInt)gz.body_len;
	zs.next_out = out;
	zs.avail_out = (uInt)outlen;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, id.body_len);
	assert_memory_equal(out, id.body, id.body_len);
	inflateEnd(&zs);
	free(out);
	get_ok("/models/", "Accept-Encoding: gzip, deflate, br\r\n", &br);
	assert_header(&br, "Content-Encoding", "br");
	assert_true(br.body_len < id.body_len);
	/* each variant has its own entity tag */
	assert_non_null(http_header_get(&gz, "ETag", v, sizeof(v)));
	assert_null(strstr(id.head, v));
	http_reply_free(&id);
	http_reply_free(&gz);
	http_reply_free(&br);
}

static void
test_assets_immutable(void **state)
{
	struct http_reply r;
	char css[256];
	const char *p, *e;

	get_ok("/", NULL, &r);
	p = strstr(r.body, "href=\"/assets/site.");
	assert_non_null(p);
	p += 6;
	e = strchr(p, '"');
	snprintf(css, sizeof(css), "%.*s", (int)(e - p), p);
	http_reply_free(&r);
	get_ok(css, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "text/css");
	assert_header(&r, "Cache-Control", "immutable");
	http_reply_free(&r);
}

static void
test_head(void **state)
{
	const char req[] = "HEAD /models/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct http_reply r, g;
	char a[64], b[64];

	assert_int_equal(http_raw(srv.port, req, sizeof(req) - 1, 1, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	get_ok("/models/", NULL, &g);
	assert_non_null(http_header_get(&r, "Content-Length", a, sizeof(a)));
	assert_non_null(http_header_get(&g, "Content-Length", b, sizeof(b)));
	assert_string_equal(a, b);
	http_reply_free(&r);
	http_reply_free(&g);
}

/* Browsers and load balancers keep connections open: every kind of answer must leave
 * the connection usable for the next request (the server answers static files on its
 * second call for this reason). */
static void
test_keepalive(void **state)
{
	const char *paths[] = { "/models/", "/no/such/page", "/healthz", "/en/",
	    "/models" };
	struct http_reply r[5];
	const unsigned want[] = { 200, 404, 200, 200, 301 };
	char v[64];
	size_t i;

	assert_int_equal(http_get_keepalive(srv.port, paths, 5, "Accept-Encoding: gzip\r\n",
	    r), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(r[i].status, want[i]);
		assert_null(http_header_get(&r[i], "Connection", v, sizeof(v)));
		http_reply_free(&r[i]);
	}
}

/* A large file, sent a block at a time, leaves the connection as usable as a page does,
 * and HEAD of it says its length without sending it. */
static void
test_keepalive_large(void **state)
{
	char *pdf = first_pdf(), req[512], a[64], b[64];
	const char *paths[] = { pdf, "/healthz", pdf };
	struct http_reply r[3], h;
	size_t i;

	assert_int_equal(http_get_keepalive(srv.port, paths, 3, NULL, r), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(r[i].status, 200);
	assert_true(r[0].body_len > SITE_STREAM_MIN);
	assert_int_equal(r[2].body_len, r[0].body_len);
	assert_memory_equal(r[2].body, r[0].body, r[0].body_len);

	snprintf(req, sizeof(req), "HEAD %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    pdf);
	assert_int_equal(http_raw(srv.port, req, strlen(req), 1, &h), 0);
	assert_int_equal(h.status, 200);
	assert_int_equal(h.body_len, 0);
	assert_non_null(http_header_get(&h, "Content-Length", a, sizeof(a)));
	snprintf(b, sizeof(b), "%zu", r[0].body_len);
	assert_string_equal(a, b);
	http_reply_free(&h);
	for (i = 0; i < 3; i++)
		http_reply_free(&r[i]);
	free(pdf);
}

static void
test_not_found_and_redirect(void **state)
{
	struct http_reply r;
	char loc[256];

	get_ok("/no/such/page", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "lang=\"ja\""));
	http_reply_free(&r);
	get_ok("/en/no-such-page", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "lang=\"en\""));
	http_reply_free(&r);
	get_ok("/models", NULL, &r);
	assert_int_equal(r.status, 301);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	assert_string_equal(loc, "/models/");
	http_reply_free(&r);
}

static void
test_hostile_requests(void **state)
{
	static const char *const reqs[] = {
		"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /models/..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /%2e%2e%5c%2e%2e%5cetc%5cpasswd HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /index.html%00.pdf HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /%c0%ae%c0%ae/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
	};
	static const char *const malformed[] = {
		"GET /\r\n\r\n",				/* HTTP/0.9 */
		"GET / HTTP/1.1\r\n\r\n",			/* HTTP/1.1 without Host */
		"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
		"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
		/* request smuggling: control characters, bare CR, two lengths, chunked bodies */
		"GET / HTTP/1.1\r\nHost: x\r\nX: a\001b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX: a\033[31mb\r\n\r\n",
		"POST /request HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
		"POST /request HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
	};
	const char *folded = "GET / HTTP/1.1\r\nHost: x\r\n X: y\r\n\r\n";
	struct http_reply r;
	size_t i;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_int_equal(http_raw(srv.port, reqs[i], strlen(reqs[i]), 0, &r), 0);
		if (r.status != 400 && r.status != 404)
			fail_msg("traversal #%zu answered %d", i, r.status);
		assert_null(strstr(r.body, "root:"));
		http_reply_free(&r);
	}
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		assert_int_equal(http_raw(srv.port, malformed[i], strlen(malformed[i]), 0, &r), 0);
		if (r.status < 400 || r.status > 505)
			fail_msg("malformed #%zu answered %d", i, r.status);
		http_reply_free(&r);
	}
	/* a request line that is not HTTP at all: libmicrohttpd closes the connection */
	if (http_raw(srv.port, "GARBAGE\r\n\r\n", 11, 0, &r) == 0) {
		assert_int_equal(r.status, 400);
		http_reply_free(&r);
	}
	/* obs-fold (a header line starting with a space) is refused */
	assert_int_equal(http_raw(srv.port, folded, strlen(folded), 0, &r), 0);
	assert_int_equal(r.status, 400);
	http_reply_free(&r);
	get_ok("/healthz", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok\n");
	http_reply_free(&r);
}

static void
test_limits_and_methods(void **state)
{
	struct http_reply r;
	char *big = malloc(20000), *req = malloc(41000);
	int n;

	/* over the 8 KiB head limit, yet small enough to be sent whole before the reply */
	memset(big, 'a', 19999);
	big[19999] = '\0';
	n = snprintf(req, 41000, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", big);
	assert_int_equal(http_raw(srv.port, req, (size_t)n, 0, &r), 0);
	assert_int_equal(r.status, 431);
	http_reply_free(&r);
	n = snprintf(req, 41000, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
	assert_int_equal(http_raw(srv.port, req, (size_t)n, 0, &r), 0);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "GET");
	http_reply_free(&r);
	free(big);
	free(req);
}

/* RFC 9110 9.1 and 15.6.2: a method the server does not know is 501; one it knows but the
 * file does not allow stays 405, with the methods it does allow. */
static void
test_unknown_methods(void **state)
{
	static const char *const unknown[] = {
		"FOO / HTTP/1.1\r\nHost: x\r\n\r\n",
		"get /models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"PROPFIND /models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"BREW /request HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
	};
	static const char bad[] = "G(T / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char *const known[] = {
		"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
		"DELETE /models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"OPTIONS /models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"PATCH /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n",
	};
	struct http_reply r;
	size_t i;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_int_equal(http_raw(srv.port, unknown[i], strlen(unknown[i]), 0, &r), 0);
		if (r.status != 501)
			fail_msg("unknown method #%zu answered %d", i, r.status);
		http_reply_free(&r);
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_int_equal(http_raw(srv.port, known[i], strlen(known[i]), 0, &r), 0);
		if (r.status != 405)
			fail_msg("known method #%zu answered %d", i, r.status);
		assert_header(&r, "Allow", "GET, HEAD");
		http_reply_free(&r);
	}
	/* not a token at all */
	assert_int_equal(http_raw(srv.port, bad, sizeof(bad) - 1, 0, &r), 0);
	assert_int_equal(r.status, 400);
	http_reply_free(&r);
}

/* RFC 9112 3.2.2: a server MUST accept the absolute form, whose authority stands in for
 * Host; a Host that says otherwise, userinfo, or a scheme other than http(s) is refused. */
static void
test_absolute_form(void **state)
{
	struct http_reply want, r;
	char req[512], cl[32];
	int n;

	get_ok("/models/", NULL, &want);
	assert_int_equal(want.status, 200);
	n = snprintf(req, sizeof(req), "GET http://127.0.0.1:%d/models/ HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", srv.port, srv.port);
	assert_int_equal(http_raw(srv.port, req, (size_t)n, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, want.body_len);
	assert_memory_equal(r.body, want.body, want.body_len);
	http_reply_free(&r);
	http_reply_free(&want);

	/* scheme and host are case-insensitive; no path is "/"; a query is kept apart */
	n = snprintf(req, sizeof(req), "GET HTTPS://LOCALHOST HTTP/1.1\r\nHost: localhost\r\n"
	    "Connection: close\r\n\r\n");
	assert_int_equal(http_raw(srv.port, req, (size_t)n, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<html lang=\"ja\">"));
	http_reply_free(&r);
	n = snprintf(req, sizeof(req), "HEAD http://x/robots.txt?a=b HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n");
	assert_int_equal(http_raw(srv.port, req, (size_t)n, 1, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(http_header_get(&r, "Content-Length", cl, sizeof(cl)));
	http_reply_free(&r);
	/* HTTP/1.0 need not send Host: the authority is the host */
	n = snprintf(req, sizeof(req), "GET http://x/robots.txt HTTP/1.0\r\n\r\n");
	assert_int_equal(http_raw(srv.port, req, (size_t)n, 0, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);

	static const char *const refused[] = {
		"GET http://x/models/ HTTP/1.1\r\nHost: y\r\n\r\n",
		"GET http://x:8080/models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET http://x/models/ HTTP/1.1\r\n\r\n",
		"GET http://user@x/models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET http:///models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET ftp://x/models/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET file:///etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET http://x/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(http_raw(srv.port, refused[i], strlen(refused[i]), 0, &r), 0);
		if (r.status != 400)
			fail_msg("absolute form #%zu answered %d", i, r.status);
		assert_null(strstr(r.body, "root:"));
		http_reply_free(&r);
	}
}

static void
test_access_log(void **state)
{
	struct http_reply r;
	char *log;
	int i;

	get_ok("/privacy/?token=secret-value-123", "X-Forwarded-For: 192.0.2.77\r\n", &r);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	/* the log is flushed at least once a second */
	for (i = 0; i < 30; i++) {
		usleep(100000);
		log = testsrv_log(&srv);
		if (strstr(log, "GET /privacy/ 200") != NULL)
			break;
		free(log);
		log = NULL;
	}
	assert_non_null(log);
	assert_null(strstr(log, "secret-value-123"));
	assert_null(strstr(log, "127.0.0.1 "));
	assert_null(strstr(log, "192.0.2.77"));
	free(log);
}

/* Serves SITE_COPY anew (SIGHUP) and waits until PATH answers with a body of LEN bytes. */
static void
reload_until(const char *path, size_t len)
{
	struct http_reply r;
	int i;

	kill(srv.pid, SIGHUP);
	for (i = 0; i < 50; i++) {
		usleep(100000);
		get_ok(path, NULL, &r);
		if (r.status == 200 && r.body_len == len) {
			http_reply_free(&r);
			return;
		}
		http_reply_free(&r);
	}
	fail_msg("%s was not reloaded", path);
}

static void
test_reload(void **state)
{
	char path[512], cmd[1024], *log;
	struct http_reply r;
	FILE *f;

	/* a broken site is refused and the old one stays */
	snprintf(cmd, sizeof(cmd), "mv %s/404.html %s/404.keep", site_copy, site_copy);
	assert_int_equal(system(cmd), 0);
	kill(srv.pid, SIGHUP);
	usleep(300000);
	get_ok("/no-such", NULL, &r);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
	log = testsrv_log(&srv);
	assert_non_null(strstr(log, "not reloaded"));
	free(log);
	snprintf(cmd, sizeof(cmd), "mv %s/404.keep %s/404.html", site_copy, site_copy);
	assert_int_equal(system(cmd), 0);

	/* a new file appears after SIGHUP */
	snprintf(path, sizeof(path), "%s/reload-check.txt", site_copy);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("fresh\n", f);
	fclose(f);
	get_ok("/reload-check.txt", NULL, &r);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
	reload_until("/reload-check.txt", 6);
	get_ok("/reload-check.txt", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "fresh\n");
	http_reply_free(&r);
}

/*
 * A download under way when the site is swapped ends with the bytes it began with: a large
 * file is read from site memory block by block while it is sent, so the old site must
 * outlive the swap for as long as this connection sends from it (under ASan, a freed site
 * would be caught here). The file is larger than any socket buffer here (tcp_wmem's 4 MiB
 * at most), so most of it is read from site memory after the swap.
 */
static void
test_reload_during_download(void **state)
{
	const char *path = "/catalogs/reload-during-download.pdf";
	const size_t len = 12u << 20;
	char req[512], file[512], *want;
	struct http_reply got;
	struct pollfd pfd;
	size_t i;
	ssize_t n;
	int fd;

	assert_non_null(want = malloc(len));
	for (i = 0; i < len; i++)
		want[i] = (char)(i * 2654435761u >> 24);
	snprintf(file, sizeof(file), "%s%s", site_copy, path);
	assert_int_equal(fs_write_file(file, want, len, 0644), 0);
	reload_until(path, len);

	/* a small receive buffer keeps the rest of the file in the server while we wait */
	assert_true((fd = http_connect(srv.port, 4096)) != -1);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    path);
	assert_int_equal(write(fd, req, (size_t)n), n);
	pfd.fd = fd;
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 10000), 1);	/* the reply has begun */

	assert_int_equal(fs_write_file(file, "not the catalog any more\n", 25, 0644), 0);
	reload_until(path, 25);

	assert_int_equal(http_reply_read(fd, 0, &got), 0);
	close(fd);
	assert_int_equal(got.status, 200);
	assert_int_equal(got.body_len, len);
	assert_memory_equal(got.body, want, len);
	http_reply_free(&got);
	free(want);
}

static void
test_graceful_stop(void **state)
{
	assert_int_equal(testsrv_stop(&srv, SIGTERM), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_home_pages),
		cmocka_unit_test(test_catalog_api_and_model_pages),
		cmocka_unit_test(test_pdf_and_ranges),
		cmocka_unit_test(test_range_of_negotiated_page),
		cmocka_unit_test(test_conditional),
		cmocka_unit_test(test_preconditions),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_assets_immutable),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_keepalive_large),
		cmocka_unit_test(test_not_found_and_redirect),
		cmocka_unit_test(test_hostile_requests),
		cmocka_unit_test(test_limits_and_methods),
		cmocka_unit_test(test_unknown_methods),
		cmocka_unit_test(test_absolute_form),
		cmocka_unit_test(test_access_log),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_reload_during_download),
		cmocka_unit_test(test_graceful_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
