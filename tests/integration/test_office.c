/*
 * showroom office over real HTTP, beside a real showroomd: it listens on loopback only;
 * the one-time token works once; a request without the session cookie, with a wrong
 * CSRF token, a foreign Origin or a foreign Host is refused; the clerk pulls on demand,
 * sees the inbox, opens a request, exports (and the CLI sees the records exported),
 * acknowledges, and the server then holds nothing for HQ; a dealer sees its booking in
 * the week and its cancellation in the day list; a server that cannot be reached is
 * said so in the page; after the idle time the key is gone and the passphrase is asked
 * again. All data is fictional.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "seal/recid.h"
#include "seal/record.h"
#include "showroom/keys/keys_secret.h"
#include "showroom/office/bostore.h"
#include "showroom/office/client.h"
#include "testkeys.h"
#include "testsrv.h"

#define DEALER	"tokyo-setagaya"

static char dir[256], conf[320], hq[300], dealer[300], url[64], model[64];
static struct testsrv srv;
static pid_t running;	/* an office a failed test left: teardown stops it */

struct office_proc {
	pid_t	pid;
	int	port;
	char	token[65];
	char	cookie[65];
	char	csrf[65];
	char	out[320];
};

/* Starts showroom office as WHO with EXTRA options; waits for its URL. */
static int
office_start(struct office_proc *p, const char *who, const char *ident, const char *extra1,
    const char *extra2)
{
	char store[320], *text = NULL, *u;
	size_t len;
	int i, fd;

	memset(p, 0, sizeof(*p));
	snprintf(store, sizeof(store), "%s/store-%s", dir, who);
	snprintf(p->out, sizeof(p->out), "%s/office-%s.out", dir, who);
	if ((p->pid = fork()) == -1)
		return -1;
	running = p->pid;
	if (p->pid == 0) {
		const char *bin = testsrv_path("showroom");
		fd = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDOUT_FILENO);
		execl(bin, bin, "office", "--identity", ident, "--config", conf, "--store", store,
		    "--listen", "127.0.0.1:0", "--templates", "templates", extra1, extra2,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {
		usleep(50000);
		free(text);
		text = NULL;
		if (fs_read_file(p->out, &text, &len) == 0 &&
		    (u = strstr(text, "http://127.0.0.1:")) != NULL &&
		    strstr(u, "token=") != NULL && strlen(strstr(u, "token=")) >= 6 + 64) {
			p->port = atoi(u + 17);
			snprintf(p->token, sizeof(p->token), "%.64s", strstr(u, "token=") + 6);
			free(text);
			return 0;
		}
	}
	free(text);
	return -1;
}

static void
office_stop(struct office_proc *p)
{
	int st;

	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, &st, 0);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	p->pid = 0;
	running = 0;
}

/* A request to the office: METHOD PATH with our Host, COOKIE (may be NULL), a body. */
static void
req(struct office_proc *p, const char *method, const char *path, const char *host,
    const char *cookie, const char *body, struct http_reply *r)
{
	char hostbuf[64], *text = NULL;
	int n;

	snprintf(hostbuf, sizeof(hostbuf), "127.0.0.1:%d", p->port);
	n = asprintf(&text, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s%s%s"
	    "%s%s%zu\r\n\r\n%s", method, path, host ? host : hostbuf,
	    cookie ? "Cookie: showroom_office=" : "", cookie ? cookie : "", cookie ? "\r\n" : "",
	    body ? "Content-Type: application/x-www-form-urlencoded\r\n" : "",
	    body ? "Content-Length: " : "Content-Length: ", body ? strlen(body) : (size_t)0,
	    body ? body : "");
	assert_true(n > 0);
	assert_int_equal(http_raw(p->port, text, strlen(text), 0, r), 0);
	free(text);
}

static void
get(struct office_proc *p, const char *path, struct http_reply *r)
{
	req(p, "GET", path, NULL, p->cookie, NULL, r);
}

/* POSTs BODY with the session's CSRF token. */
static void
post(struct office_proc *p, const char *path, const char *body, struct http_reply *r)
{
	char full[2048];

	snprintf(full, sizeof(full), "csrf=%s%s%s", p->csrf, body ? "&" : "", body ? body : "");
	req(p, "POST", path, NULL, p->cookie, full, r);
}

/* Exchanges the token for the cookie, and reads the CSRF token from the first page. */
static void
login(struct office_proc *p)
{
	struct http_reply r;
	char path[128], sc[256], *c;

	snprintf(path, sizeof(path), "/login?token=%s", p->token);
	req(p, "GET", path, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Set-Cookie", sc, sizeof(sc)));
	assert_non_null(strstr(sc, "HttpOnly"));
	assert_non_null(strstr(sc, "SameSite=Strict"));
	snprintf(p->cookie, sizeof(p->cookie), "%.64s", strchr(sc, '=') + 1);
	http_reply_free(&r);
	get(p, "/audit", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(c = strstr(r.body, "name=\"csrf\" value=\""));
	snprintf(p->csrf, sizeof(p->csrf), "%.64s", c + strlen("name=\"csrf\" value=\""));
	http_reply_free(&r);
}

static int
setup(void **state)
{
	const char *const dealers[] = { DEALER, NULL };
	char site[300], data[300], kr[300], rp[300], path[400];
	json_error_t je;
	json_t *cat, *d, *v;
	const char *k;
	size_t i;
	FILE *f;

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-office") == -1 || mkdtemp(dir) == NULL)
		return -1;
	if (testkeys_make(dir, dealers) != 0)
		return -1;
	snprintf(hq, sizeof(hq), "%s/hq", dir);
	snprintf(dealer, sizeof(dealer), "%s/dealer-%s", dir, DEALER);
	snprintf(site, sizeof(site), "%s", testsrv_path("demo-site"));
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(kr, sizeof(kr), "%s/keyring.json", dir);
	snprintf(rp, sizeof(rp), "%s/root.public", dir);
	snprintf(path, sizeof(path), "%s/api/v1/catalog.json", site);
	if ((cat = json_load_file(path, 0, &je)) == NULL)
		return -1;
	json_array_foreach(json_object_get(cat, "dealers"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "code")), DEALER) == 0)
			json_object_foreach(json_object_get(d, "demo_cars"), k, v)
				if (model[0] == '\0')
					snprintf(model, sizeof(model), "%s", k);
	json_decref(cat);
	{
		const char *args[] = { "--site", site, "--keyring", kr, "--root-pub", rp,
		    "--data", data, "--rate", "100000", "--burst", "100000", NULL };
		/* the signed API answers only requests signed for its --public-url */
		if (model[0] == '\0' || testsrv_start_public(&srv, args) == -1)
			return -1;
	}
	snprintf(url, sizeof(url), "%s", srv.url);
	snprintf(conf, sizeof(conf), "%s/config.json", dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f, "{\"server\":\"%s\",\"keyring\":\"%s\",\"root_pub\":\"%s\"}\n", url, kr, rp);
	return fclose(f);
}

static int
teardown(void **state)
{
	char cmd[512];

	if (running > 0) {
		kill(running, SIGTERM);
		waitpid(running, NULL, 0);
	}
	testsrv_stop(&srv, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
post_catalog(void)
{
	struct http_reply r;
	char body[1024];
	unsigned char rnd[16];
	char id[33];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s&name=%%E8%%A6%%8B%%E6%%9C"
	    "%%AC+%%E5%%A4%%AA%%E9%%83%%8E&postal_code=100-0001&prefecture=13&address1="
	    "%%E6%%9E%%B6%%E7%%A9%%BA%%E5%%8C%%BA1-2-3&address2=", id, model);
	assert_int_equal(http_post(srv.port, "/request", body, &r), 0);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* The server's inbox for PREFIX, asked with a signed request. */
static size_t
server_inbox(const char *prefix)
{
	struct keys_identity id;
	struct keys_error ke;
	struct client *c;
	struct client_reply rep;
	json_error_t je;
	json_t *doc;
	char err[512];
	size_t n;

	assert_int_equal(keys_secret_open(prefix, TESTKEYS_PASS, &id, &ke), KEYS_OK);
	assert_int_equal(client_new(url, &id, &c, err, sizeof(err)), CLIENT_OK);
	assert_int_equal(client_get(c, "/api/v1/inbox", "after=0&limit=1000", &rep, err,
	    sizeof(err)), CLIENT_OK);
	doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
	n = json_array_size(json_object_get(doc, "records"));
	json_decref(doc);
	client_reply_free(&rep);
	client_free(c);
	keys_identity_free(&id);
	return n;
}

static void
test_loopback_only(void **state)
{
	static const char *const bad[] = { "0.0.0.0:0", "[::]:0", "192.0.2.1:0", "localhost:0",
	    "127.0.0.1" };
	char out[400];
	size_t i;

	snprintf(out, sizeof(out), "%s/store-refused", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *a[] = { "office", "--identity", hq, "--config", conf, "--store", out,
		    "--listen", bad[i], NULL };
		char *so = NULL, *se = NULL;

		assert_int_equal(testsrv_showroom_capture(dir, a, &so, &se), 2);
		if (strstr(se, "loopback") == NULL && strstr(se, "ADDRESS:PORT") == NULL)
			fail_msg("--listen %s: %s", bad[i], se);
		free(so);
		free(se);
	}
}

static void
test_token_cookie_csrf_host(void **state)
{
	struct office_proc p;
	struct http_reply r;
	char path[128], host[64], body[256];

	assert_int_equal(office_start(&p, "hq", hq, "--pull-every", "0"), 0);
	/* nothing without the session */
	req(&p, "GET", "/inbox", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	req(&p, "GET", "/inbox", NULL, "0000000000000000000000000000000000000000000000000000000000000000",
	    NULL, &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	/* a wrong token, then the right one once */
	req(&p, "GET", "/login?token=0123", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	login(&p);
	snprintf(path, sizeof(path), "/login?token=%s", p.token);
	req(&p, "GET", path, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_null(http_header_get(&r, "Set-Cookie", host, sizeof(host)));
	http_reply_free(&r);
	/* the session works, with the site's headers and no caching */
	get(&p, "/inbox", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(http_header_get(&r, "Content-Security-Policy", body, sizeof(body)));
	assert_non_null(strstr(body, "default-src 'none'"));
	assert_non_null(strstr(body, "script-src 'self'"));
	assert_non_null(http_header_get(&r, "Cache-Control", body, sizeof(body)));
	assert_string_equal(body, "no-store");
	assert_non_null(http_header_get(&r, "X-Frame-Options", body, sizeof(body)));
	http_reply_free(&r);
	/* a foreign Host, even with the cookie: DNS rebinding */
	req(&p, "GET", "/inbox", "attacker.example", p.cookie, NULL, &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	snprintf(host, sizeof(host), "localhost:%d", p.port);
	req(&p, "GET", "/inbox", host, p.cookie, NULL, &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	/* POSTs: no token, a wrong one, a foreign Origin; then the right one */
	req(&p, "POST", "/lang", NULL, p.cookie, "lang=en", &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	req(&p, "POST", "/lang", NULL, p.cookie, "lang=en&csrf=00000000000000000000000000000000"
	    "00000000000000000000000000000000", &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	snprintf(body, sizeof(body), "lang=en&csrf=%s", p.csrf);
	req(&p, "POST", "/lang", NULL, NULL, body, &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	{
		char text[1024];

		snprintf(text, sizeof(text), "POST /lang HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		    "Origin: http://attacker.example\r\nCookie: showroom_office=%s\r\n"
		    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n%s", p.port, p.cookie, strlen(body), body);
		assert_int_equal(http_raw(p.port, text, strlen(text), 0, &r), 0);
		assert_int_equal(r.status, 403);
		http_reply_free(&r);
	}
	post(&p, "/lang", "lang=en&next=%2Faudit", &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(&p, "/audit", &r);
	assert_non_null(strstr(r.body, "<html lang=\"en\">"));
	http_reply_free(&r);
	/* GET does not change anything: a POST route by GET is 405 */
	get(&p, "/export", &r);
	assert_int_equal(r.status, 405);
	http_reply_free(&r);
	office_stop(&p);
}

static void
test_hq_inbox_export_ack(void **state)
{
	struct office_proc p;
	struct http_reply r;
	char path[128], *rec;
	int i;

	for (i = 0; i < 3; i++)
		post_catalog();
	assert_int_equal(office_start(&p, "hq", hq, "--pull-every", "0"), 0);
	login(&p);
	post(&p, "/pull", "next=%2Finbox", &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(&p, "/inbox", &r);
	assert_int_equal(r.status, 200);
	if (strstr(r.body, "<title>(3) ") == NULL)
		fail_msg("no unread count in the title: %.600s", r.body);
	assert_int_equal(count(r.body, "href=\"/record/"), 3);
	assert_null(strstr(r.body, "見本 太郎"));	/* names only on opening a row */
	assert_non_null(rec = strstr(r.body, "href=\"/record/"));
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(rec + 6, "\""), rec + 6);
	http_reply_free(&r);
	get(&p, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "見本 太郎"));
	assert_non_null(strstr(r.body, "東京都架空区1-2-3"));
	http_reply_free(&r);
	get(&p, "/inbox", &r);
	assert_non_null(strstr(r.body, "<title>(2) "));	/* one was read */
	http_reply_free(&r);
	/* an export downloads, and the CLI sees its records exported */
	post(&p, "/export", "format=csv", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(http_header_get(&r, "Content-Disposition", path, sizeof(path)));
	assert_non_null(strstr(path, "catalog-requests.csv"));
	assert_int_equal(count(r.body, "見本 太郎"), 3);
	http_reply_free(&r);
	{
		char store[320], *so = NULL, *se = NULL;

		snprintf(store, sizeof(store), "%s/store-hq", dir);
		const char *a[] = { "list", "--identity", hq, "--config", conf, "--store", store,
		    NULL };
		assert_int_equal(testsrv_showroom_capture(dir, a, &so, &se), 0);
		assert_int_equal(count(so, "exported"), 3);
		free(so);
		free(se);
	}
	post(&p, "/export", "format=csv", &r);
	assert_int_equal(r.status, 303);	/* nothing left to export */
	http_reply_free(&r);
	/* the acknowledgement says how many, then the server deletes them */
	get(&p, "/ack", &r);
	assert_non_null(strstr(r.body, "<strong id=\"ack-count\">3</strong>"));
	http_reply_free(&r);
	assert_int_equal(server_inbox(hq), 3);
	post(&p, "/ack", NULL, &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	assert_int_equal(server_inbox(hq), 0);
	get(&p, "/handled", &r);
	assert_int_equal(count(r.body, "href=\"/record/"), 3);
	http_reply_free(&r);
	office_stop(&p);
}

/*
 * A catalog request for NAME as a record from before the forms refused what a label
 * cannot print: sealed to the HQ key and put straight into the store STORE (under dir),
 * as if pulled. Its id goes to ID.
 */
static void
seal_catalog(const char *store, const char *name, char id[RECID_LEN + 1])
{
	struct keys_public pub;
	struct keys_error ke;
	struct bostore_rec r;
	struct record_meta m;
	struct bostore *db;
	struct buf pt = BUF_INIT;
	char path[400], err[512];
	uint8_t *ct;
	size_t ctlen;
	int added = 0;

	snprintf(path, sizeof(path), "%s.public", hq);
	assert_int_equal(keys_public_read(path, &pub, &ke), KEYS_OK);
	memset(&r, 0, sizeof(r));
	recid_new(r.id);
	snprintf(r.kind, sizeof(r.kind), "catalog_request");
	snprintf(r.key_id, sizeof(r.key_id), "%s", pub.key_id);
	r.created = r.pulled_at = (int64_t)time(NULL);
	assert_int_equal(buf_printf(&pt, "{\"address1\":\"架空区見本町1-2-3\","
	    "\"address2\":\"\",\"kind\":\"catalog\",\"models\":[\"%s\"],\"name\":\"%s\","
	    "\"postal_code\":\"100-0001\",\"prefecture\":\"13\",\"v\":1}", model, name), 0);
	while (pt.len % 256 != 0)
		assert_int_equal(buf_putc(&pt, ' '), 0);
	m.id = r.id;
	m.kind = r.kind;
	m.key_id = r.key_id;
	m.created = r.created;
	assert_int_equal(record_seal(&m, pub.x25519, pt.data, pt.len, r.enc, &ct, &ctlen),
	    0);
	r.ct = ct;
	r.ct_len = ctlen;
	snprintf(path, sizeof(path), "%s/%s", dir, store);
	if (bostore_open(path, &db, err, sizeof(err)) == -1 ||
	    bostore_put(db, &r, &added, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(added, 1);
	bostore_close(db);
	free(ct);
	buf_wipe(&pt);
	memcpy(id, r.id, RECID_LEN + 1);
}

/*
 * A request a carrier cannot print does not hold up the others in the office either:
 * the export writes them, and its page names the one set aside by id and field (never
 * the value), with the button that writes it as plain CSV; the inbox counts it.
 */
static void
test_hq_export_set_aside(void **state)
{
	struct office_proc p;
	struct http_reply r;
	char bad[RECID_LEN + 1], hdr[256], *page;

	seal_catalog("store-aside", "見本 \U0001F600太郎", bad);
	post_catalog();
	assert_int_equal(office_start(&p, "aside", hq, "--pull-every", "0"), 0);
	login(&p);
	post(&p, "/pull", "next=%2Finbox", &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	post(&p, "/export", "format=clickpost", &r);
	assert_int_equal(r.status, 200);
	page = r.body;
	if (strstr(page, "name=\"set_aside\"") == NULL)
		fail_msg("no set-aside form: %.2000s", page);
	assert_non_null(strstr(page, bad));			/* by id */
	assert_non_null(strstr(page, "お名前"));		/* and field */
	assert_null(strstr(page, "太郎"));			/* never the value */
	assert_non_null(strstr(page, "clickpost-001.csv"));	/* the other one, written */
	http_reply_free(&r);
	get(&p, "/inbox", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"set_aside\""));
	assert_int_equal(count(r.body, "href=\"/record/"), 1);	/* it stays in the inbox */
	http_reply_free(&r);
	/* the plain CSV takes it */
	post(&p, "/export", "format=csv&set_aside=1", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(http_header_get(&r, "Content-Disposition", hdr, sizeof(hdr)));
	assert_non_null(strstr(hdr, "set-aside.csv"));
	assert_non_null(strstr(r.body, "見本 \U0001F600太郎"));
	assert_int_equal(count(r.body, "\n"), 2);		/* the header and the one record */
	http_reply_free(&r);
	get(&p, "/inbox", &r);
	assert_null(strstr(r.body, "name=\"set_aside\""));
	assert_int_equal(count(r.body, "href=\"/record/"), 0);
	http_reply_free(&r);
	office_stop(&p);
}

/* A free slot of the dealer in the coming days, and a booking in it. */
static void
post_booking(char start[17], char *token, size_t toklen)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *s;
	char path[256], date[11], body[1024], loc[512], slot[32];
	unsigned char rnd[16];
	char id[33];
	size_t i;
	int day, found = 0;

	for (day = 1; day < 14 && !found; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER,
		    model, date);
		assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		json_array_foreach(json_object_get(doc, "slots"), i, s)
			if (!found && json_integer_value(json_object_get(s, "free")) > 0) {
				snprintf(start, 17, "%s", json_string_value(json_object_get(s,
				    "start")));
				found = 1;
			}
		json_decref(doc);
	}
	assert_true(found);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	snprintf(slot, sizeof(slot), "%.13s%%3A%s", start, start + 14);
	snprintf(body, sizeof(body), "idem=%s&website=&model=%s&dealer=%s&slot=%s"
	    "&name=%%E8%%A9%%A6%%E9%%A8%%93+%%E8%%8A%%B1%%E5%%AD%%90&phone=090-0000-1234"
	    "&email=&note=&licence=yes", id, model, DEALER, slot);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	/* "/receipt/test-drive/REF?k=TOKEN": what the cancel form posts */
	snprintf(token, toklen, "ref=%.*s&k=%s", (int)(strstr(loc, "?k=") - loc - 20), loc + 20,
	    strstr(loc, "?k=") + 3);
}

static void
test_dealer_week_day_cancel(void **state)
{
	struct office_proc p;
	struct http_reply r;
	char start[17], token[256], path[128];

	post_booking(start, token, sizeof(token));
	assert_int_equal(office_start(&p, "dealer", dealer, "--pull-every", "0"), 0);
	login(&p);
	post(&p, "/pull", NULL, &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	snprintf(path, sizeof(path), "/week?date=%.10s", start);
	get(&p, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "試験 花子"));
	http_reply_free(&r);
	/* the visitor cancels; the next pull marks it in the day list */
	assert_int_equal(http_post(srv.port, "/cancel", token, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	post(&p, "/pull", NULL, &r);
	http_reply_free(&r);
	snprintf(path, sizeof(path), "/day?date=%.10s", start);
	get(&p, path, &r);
	assert_non_null(strstr(r.body, "試験 花子"));
	if (strstr(r.body, "tag-cancel") == NULL)
		fail_msg("no cancellation in the day list: %.2000s", r.body);
	http_reply_free(&r);
	office_stop(&p);
}

/* The id of a booking in the day list BODY that is not in BEFORE (may be NULL). */
static void
new_booking_id(const char *body, const char *before, char id[64])
{
	const char *c = body, *e;

	id[0] = '\0';
	while ((c = strstr(c, "href=\"/booking/")) != NULL) {
		c += strlen("href=\"/booking/");
		e = strchr(c, '"');
		assert_non_null(e);
		snprintf(id, 64, "%.*s", (int)(e - c), c);
		if (before == NULL || strstr(before, id) == NULL)
			return;
	}
	fail_msg("no new booking in the day list: %.2000s", body);
}

/* Books a slot, pulls, and finds the booking's record id and its receipt's path. */
static void
book_and_pull(struct office_proc *p, char id[64], char receipt[320])
{
	struct http_reply r;
	char start[17], token[256], path[128], *before, *ref, *k;

	/* what the store holds before, pulled (an earlier test's bookings too) */
	post(p, "/pull", NULL, &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	post_booking(start, token, sizeof(token));
	snprintf(path, sizeof(path), "/day?date=%.10s", start);
	get(p, path, &r);
	assert_int_equal(r.status, 200);
	before = strdup(r.body);
	http_reply_free(&r);
	post(p, "/pull", NULL, &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(p, path, &r);
	new_booking_id(r.body, before, id);
	http_reply_free(&r);
	free(before);
	/* token is "ref=REF&k=K" */
	ref = token + 4;
	k = strstr(token, "&k=");
	assert_non_null(k);
	snprintf(receipt, 320, "/receipt/test-drive/%.*s?k=%s", (int)(k - ref), ref, k + 3);
}

static void
receipt_has(const char *path, const char *want)
{
	struct http_reply r;

	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	if (strstr(r.body, want) == NULL)
		fail_msg("receipt %s without \"%s\": %.3000s", path, want, r.body);
	http_reply_free(&r);
}

/* Confirm and decline from the booking page: the visitor's receipt shows them. */
static void
test_dealer_decide(void **state)
{
	struct office_proc p;
	struct http_reply r;
	char id[64], id2[64], receipt[320], receipt2[320], path[128];

	assert_int_equal(office_start(&p, "dealer-decide", dealer, "--pull-every", "0"), 0);
	login(&p);
	book_and_pull(&p, id, receipt);
	snprintf(path, sizeof(path), "/booking/%s", id);
	get(&p, path, &r);
	assert_int_equal(r.status, 200);
	if (strstr(r.body, "予約: 販売店の回答待ち") == NULL ||
	    strstr(r.body, "value=\"confirm\"") == NULL)
		fail_msg("no pending status or confirm button: %.3000s", r.body);
	http_reply_free(&r);
	/* the CSRF token is required */
	req(&p, "POST", path, NULL, p.cookie, "op=confirm", &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	post(&p, path, "op=confirm", &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(&p, path, &r);
	if (strstr(r.body, "予約: 確定") == NULL || strstr(r.body, "value=\"confirm\"") != NULL)
		fail_msg("not confirmed in the page: %.3000s", r.body);
	http_reply_free(&r);
	receipt_has(receipt, "販売店がこの予約を確定しました");
	/* a decline needs a reason from the list */
	book_and_pull(&p, id2, receipt2);
	snprintf(path, sizeof(path), "/booking/%s", id2);
	post(&p, path, "op=decline&reason=because", &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(&p, path, &r);
	assert_non_null(strstr(r.body, "一覧から理由を選んでください"));
	http_reply_free(&r);
	post(&p, path, "op=decline&reason=car_unavailable", &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(&p, path, &r);
	if (strstr(r.body, "予約: お断り (試乗車を用意できません)") == NULL)
		fail_msg("not declined in the page: %.3000s", r.body);
	http_reply_free(&r);
	receipt_has(receipt2, "その時間は試乗車をご用意できません");
	/* both decisions are in the audit log */
	get(&p, "/audit", &r);
	assert_non_null(strstr(r.body, "decide"));
	http_reply_free(&r);
	office_stop(&p);
}

/* The free slots of DATE for the model, from the public API. */
static size_t
free_slots(const char *date)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc;
	char path[256];
	size_t n;

	snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER, model,
	    date);
	assert_int_equal(http_get(srv.port, path, NULL, &r), 0);
	doc = json_loadb(r.body, r.body_len, 0, &je);
	http_reply_free(&r);
	n = json_array_size(json_object_get(doc, "slots"));
	json_decref(doc);
	return n;
}

/* A change through the calendar's form: 303 back, or 200 listing affected bookings. */
static void
cal_post(struct office_proc *p, const char *body)
{
	struct http_reply r;

	post(p, "/calendar", body, &r);
	if (r.status != 303 && r.status != 200)
		fail_msg("calendar POST %s: %u", body, r.status);
	http_reply_free(&r);
}

/* Close, reopen and set demo cars from the office's calendar: /api/v1/slots follows. */
static void
test_dealer_calendar(void **state)
{
	struct office_proc p;
	struct http_reply r;
	char date[11], path[128], body[256];
	time_t t = time(NULL) + 9 * 3600 + 10 * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	assert_true(free_slots(date) > 0);
	assert_int_equal(office_start(&p, "dealer-cal", dealer, "--pull-every", "0"), 0);
	login(&p);
	snprintf(path, sizeof(path), "/calendar?from=%s&date=%s", date, date);
	get(&p, path, &r);
	if (r.status != 200 || strstr(r.body, "id=\"day-form\"") == NULL)
		fail_msg("no calendar form: %u %.3000s", r.status, r.body);
	http_reply_free(&r);
	/* the CSRF token is required */
	snprintf(body, sizeof(body), "op=close&from=%s", date);
	req(&p, "POST", "/calendar", NULL, p.cookie, body, &r);
	assert_int_equal(r.status, 403);
	http_reply_free(&r);
	assert_true(free_slots(date) > 0);
	cal_post(&p, body);
	assert_int_equal(free_slots(date), 0);
	snprintf(path, sizeof(path), "/calendar?from=%s", date);
	get(&p, path, &r);
	assert_non_null(strstr(r.body, "cal-day"));
	assert_non_null(strstr(r.body, "tag-cancel\">休業</strong>"));
	http_reply_free(&r);
	snprintf(body, sizeof(body), "op=open&from=%s&to=", date);
	cal_post(&p, body);
	assert_true(free_slots(date) > 0);
	/* no demo car of the model that day, then the content's number again */
	snprintf(body, sizeof(body), "op=cars&model=%s&cars=0&from=%s&to=%s", model, date, date);
	cal_post(&p, body);
	assert_int_equal(free_slots(date), 0);
	get(&p, path, &r);
	assert_non_null(strstr(r.body, ": 0 台"));
	http_reply_free(&r);
	snprintf(body, sizeof(body), "op=cars&model=%s&cars=default&from=%s", model, date);
	cal_post(&p, body);
	assert_true(free_slots(date) > 0);
	office_stop(&p);
}

/* The server down: the page says so, in the clerk's language, and nothing changes. */
static void
test_server_unreachable(void **state)
{
	struct office_proc p;
	struct http_reply r;

	assert_int_equal(office_start(&p, "down", hq, "--server", "http://127.0.0.1:1"), 0);
	login(&p);
	post(&p, "/pull", "next=%2Finbox", &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(&p, "/inbox", &r);
	assert_int_equal(r.status, 200);
	if (strstr(r.body, "role=\"alert\"") == NULL ||
	    strstr(r.body, "サーバーに接続できません") == NULL ||
	    strstr(r.body, "cannot reach server http://127.0.0.1:1") == NULL)
		fail_msg("no error in the page: %.3000s", r.body);
	http_reply_free(&r);
	office_stop(&p);
}

static void
test_idle_wipes_key(void **state)
{
	struct office_proc p;
	struct http_reply r;
	char body[256];

	assert_int_equal(office_start(&p, "idle", hq, "--idle", "2"), 0);
	login(&p);
	get(&p, "/inbox", &r);
	assert_null(strstr(r.body, "name=\"passphrase\""));
	http_reply_free(&r);
	sleep(4);
	get(&p, "/inbox", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"passphrase\""));
	http_reply_free(&r);
	/* nothing that needs the key works meanwhile */
	post(&p, "/export", "format=csv", &r);
	assert_non_null(strstr(r.body, "name=\"passphrase\""));
	http_reply_free(&r);
	post(&p, "/unlock", "passphrase=wrong-passphrase&next=%2Finbox", &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "name=\"passphrase\""));
	http_reply_free(&r);
	snprintf(body, sizeof(body), "passphrase=%s&next=%%2Finbox", TESTKEYS_PASS);
	post(&p, "/unlock", body, &r);
	assert_int_equal(r.status, 303);
	http_reply_free(&r);
	get(&p, "/inbox", &r);
	assert_null(strstr(r.body, "name=\"passphrase\""));
	http_reply_free(&r);
	office_stop(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_only),
		cmocka_unit_test(test_token_cookie_csrf_host),
		cmocka_unit_test(test_hq_inbox_export_ack),
		cmocka_unit_test(test_hq_export_set_aside),
		cmocka_unit_test(test_dealer_week_day_cancel),
		cmocka_unit_test(test_dealer_decide),
		cmocka_unit_test(test_dealer_calendar),
		cmocka_unit_test(test_server_unreachable),
		cmocka_unit_test(test_idle_wipes_key),
	};

	if (sodium_init() < 0)
		return 1;
	/* OFFICE_ONLY=test_NAME runs one test (cmocka_set_test_filter) */
	if (getenv("OFFICE_ONLY") != NULL)
		cmocka_set_test_filter(getenv("OFFICE_ONLY"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
