/*
 * The back office end to end over real HTTP: visitors post forms to showroomd; the HQ
 * clerk pulls, lists, exports and acknowledges, and the server then holds nothing for
 * HQ; dealers pull only their own bookings; a tampered record, a wrong passphrase, a key
 * missing from the keyring and an unreachable server each fail clearly with their exit
 * code; a label sheet comes out as an A4 PDF of mode 0600; the audit log verifies and
 * traces the seed; 5,000 records are acknowledged in requests under the server's body
 * limit; a hostile stand-in for the server gets no further than it should. All data is
 * fictional.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "seal/sig.h"
#include "seal/keys.h"
#include "seal/recid.h"
#include "seal/record.h"
#include "showroom/office/bostore.h"
#include "showroom/office/client.h"
#include "showroom/keys/keys_secret.h"
#include "lib/text.h"
#include "showroomd/app.h"
#include "store/store.h"
#include "testsrv.h"

/* ack sizes its requests by this; a request over the server's limit is answered 413 */
_Static_assert(CLIENT_MAX_BODY == APP_MAX_BODY, "the client's body limit is the server's");

#define PASS	"example-passphrase-1"
#define DEALER1	"tokyo-setagaya"
#define DEALER2	"osaka-suita"

static char dir[256], site[300], data[300], keyring[300], rootpub[300], conf[300];
static char hq[300], dl1[300], dl2[300], outsider[300], url[64];
static char cat_model[64], model1[64], model2[64];
static struct testsrv srv;

struct run {
	int	 status;
	char	*out;
	char	*err;
};

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Runs build/showroom ARGS with stdout and stderr captured. */
static void
run(struct run *r, const char *const *args)
{
	memset(r, 0, sizeof(*r));
	r->status = testsrv_showroom_capture(dir, args, &r->out, &r->err);
	assert_true(r->status >= 0);
}

/* A back-office command as key holder WHO (hq, dl1, dl2) with the store "store-STORE". */
static void
bo_in(struct run *r, const char *who, const char *st, const char *cmd,
    const char *const *extra)
{
	const char *args[48];
	static char store[400], ident[400];
	int n = 0;

	snprintf(store, sizeof(store), "%s/store-%s", dir, st);
	snprintf(ident, sizeof(ident), "%s/%s", dir, who);
	args[n++] = cmd;
	while (extra != NULL && *extra != NULL && n < 40)
		args[n++] = *extra++;
	args[n++] = "--config";
	args[n++] = conf;
	args[n++] = "--identity";
	args[n++] = ident;
	args[n++] = "--store";
	args[n++] = store;
	args[n] = NULL;
	run(r, args);
}

/* A back-office command as key holder WHO (hq, dl1, dl2), with its own store. */
static void
bo(struct run *r, const char *who, const char *cmd, const char *const *extra)
{
	bo_in(r, who, who, cmd, extra);
}

static void
expect(struct run *r, int status, const char *in_out, const char *in_err)
{
	if (r->status != status || (in_out && !strstr(r->out, in_out)) ||
	    (in_err && !strstr(r->err, in_err)))
		fail_msg("exit %d (want %d)\nstdout: %s\nstderr: %s", r->status, status, r->out,
		    r->err);
}

static int
keygen(const char *role, const char *dealer, const char *name, const char *out)
{
	const char *a[] = { "keygen", "--role", role, "--name", name, "--out", out,
	    dealer ? "--dealer" : NULL, dealer, NULL };

	return testsrv_showroom(a);
}

static int
make_keys(void)
{
	char root[300], p1[310], p2[310], p3[310], exp[16];
	time_t t = time(NULL) + 30 * 86400;
	struct tm tm;

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(hq, sizeof(hq), "%s/hq", dir);
	snprintf(dl1, sizeof(dl1), "%s/dl1", dir);
	snprintf(dl2, sizeof(dl2), "%s/dl2", dir);
	snprintf(outsider, sizeof(outsider), "%s/outsider", dir);
	snprintf(p1, sizeof(p1), "%s.public", hq);
	snprintf(p2, sizeof(p2), "%s.public", dl1);
	snprintf(p3, sizeof(p3), "%s.public", dl2);
	snprintf(rootpub, sizeof(rootpub), "%s.public", root);
	gmtime_r(&t, &tm);
	strftime(exp, sizeof(exp), "%Y-%m-%d", &tm);
	const char *sign[] = { "keyring", "sign", "--root", root, "--expires", exp, "-o",
	    keyring, p1, p2, p3, NULL };
	return keygen("root", NULL, "Example Root", root) || keygen("hq", NULL, "Example HQ",
	    hq) || keygen("dealer", DEALER1, "Example Dealer One", dl1) ||
	    keygen("dealer", DEALER2, "Example Dealer Two", dl2) ||
	    keygen("hq", NULL, "Example Outsider", outsider) || testsrv_showroom(sign) ? -1 : 0;
}

/* The first model that DEALER keeps demo cars of. */
static int
dealer_model(json_t *cat, const char *dealer, char *out, size_t outsz)
{
	json_t *d, *v;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(cat, "dealers"), i, d) {
		if (strcmp(json_string_value(json_object_get(d, "code")), dealer) != 0)
			continue;
		json_object_foreach(json_object_get(d, "demo_cars"), k, v) {
			snprintf(out, outsz, "%s", k);
			return 0;
		}
	}
	return -1;
}

static int
write_config(void)
{
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/config.json", dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f, "{\"server\":\"%s\",\"keyring\":\"%s\",\"root_pub\":\"%s\","
	    "\"purge_days\":14,"
	    "\"yamato\":{\"sender\":{\"name\":\"見本自動車 カタログ係\",\"postal_code\":\"100-0001\","
	    "\"prefecture\":\"13\",\"address1\":\"千代田区架空町1-1\",\"address2\":\"\","
	    "\"phone\":\"03-0000-0000\"}},"
	    "\"seeds\":[{\"id\":\"seed-a\",\"name\":\"見本 種子\",\"postal_code\":\"100-0002\","
	    "\"prefecture\":\"13\",\"address1\":\"千代田区架空町2-7-1\",\"address2\":\"見本ビル5階\"},"
	    "{\"id\":\"seed-b\",\"name\":\"試験 次郎\",\"postal_code\":\"530-0001\","
	    "\"prefecture\":\"27\",\"address1\":\"大阪市北区架空町3-3\",\"address2\":\"\"}]}\n",
	    url, keyring, rootpub);
	return fclose(f);
}

static int
setup(void **state)
{
	char cmd[1024];
	json_error_t je;
	json_t *cat;

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-bo") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s/site", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", testsrv_path("demo-site"), site);
	if (system(cmd) != 0)
		return -1;
	setenv("SHOWROOM_PASSPHRASE", PASS, 1);
	unsetenv("XDG_CONFIG_HOME");
	if (make_keys() == -1)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/api/v1/catalog.json", site);
	if ((cat = json_load_file(cmd, 0, &je)) == NULL)
		return -1;
	if (dealer_model(cat, DEALER1, model1, sizeof(model1)) == -1 ||
	    dealer_model(cat, DEALER2, model2, sizeof(model2)) == -1) {
		json_decref(cat);
		return -1;
	}
	snprintf(cat_model, sizeof(cat_model), "%s", model1);
	json_decref(cat);
	{
		const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub",
		    rootpub, "--data", data, "--rate", "100000", "--burst", "100000", NULL };
		if (testsrv_start_public(&srv, args) == -1)
			return -1;
	}
	snprintf(url, sizeof(url), "%s", srv.url);
	return write_config();
}

static int
teardown(void **state)
{
	char cmd[512];

	testsrv_stop(&srv, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

/* A visitor asks for a printed catalog (fictional address; NAME percent-encoded). */
static void
post_catalog_reply(const char *name, struct http_reply *r)
{
	char body[4096], id[33];

	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&models=%s"
	    "&name=%s&postal_code=100-0001"
	    "&prefecture=13&address1=%%E6%%9E%%B6%%E7%%A9%%BA%%E5%%8C%%BA%%E8%%A6%%8B%%E6%%9C"
	    "%%AC%%E7%%94%%BA1-2-3&address2=%%E3%%82%%B5%%E3%%83%%B3%%E3%%83%%97%%E3%%83%%AB"
	    "%%E3%%83%%8F%%E3%%82%%A4%%E3%%83%%84101", id, cat_model, name);
	assert_int_equal(http_post(srv.port, "/request", body, r), 0);
}

static void
post_catalog_named(const char *name)
{
	struct http_reply r;

	post_catalog_reply(name, &r);
	if (r.status != 303)
		fail_msg("catalog post: %d %.300s", r.status, r.body);
	http_reply_free(&r);
}

/*
 * A catalog request for NAME (UTF-8) as a record from before the forms refused what a
 * label cannot print: sealed to the HQ key and put straight into HQ's store, as if
 * pulled. Its id goes to ID.
 */
static void
seal_catalog(const char *name, char id[RECID_LEN + 1])
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
	    "\"postal_code\":\"100-0001\",\"prefecture\":\"13\",\"v\":1}", cat_model,
	    name), 0);
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
	snprintf(path, sizeof(path), "%s/store-hq", dir);
	if (bostore_open(path, &db, err, sizeof(err)) == -1 ||
	    bostore_put(db, &r, &added, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(added, 1);
	bostore_close(db);
	free(ct);
	buf_wipe(&pt);
	memcpy(id, r.id, RECID_LEN + 1);
}

static void
post_catalog(void)
{
	post_catalog_named("%E8%A6%8B%E6%9C%AC+%E5%A4%AA%E9%83%8E");	/* 見本 太郎 */
}

/* A free slot of DEALER for MODEL in the coming days. */
static int
find_slot(const char *dealer, const char *model, char start[17])
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *s, *list;
	char path[256], date[11];
	size_t i;
	int day;

	for (day = 1; day < 14; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", dealer,
		    model, date);
		if (http_get(srv.port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		list = json_object_get(doc, "slots");
		json_array_foreach(list, i, s) {
			if (json_integer_value(json_object_get(s, "free")) > 0) {
				snprintf(start, 17, "%s", json_string_value(json_object_get(s,
				    "start")));
				json_decref(doc);
				return 0;
			}
		}
		json_decref(doc);
	}
	return -1;
}

/* Books a test drive at DEALER; the receipt's reference and cancel token come back. */
static void
post_booking(const char *dealer, const char *model, char start[17], char *ref, size_t reflen,
    char *token, size_t toklen)
{
	struct http_reply r;
	char body[4096], id[33], slot[32], loc[512], *p;

	assert_int_equal(find_slot(dealer, model, start), 0);
	snprintf(slot, sizeof(slot), "%.13s%%3A%s", start, start + 14);
	idem(id);
	snprintf(body, sizeof(body), "idem=%s&website=&model=%s&dealer=%s&slot=%s"
	    "&name=%%E8%%A6%%8B%%E6%%9C%%AC+%%E8%%8A%%B1%%E5%%AD%%90&phone=090-0000-1234"
	    "&email=hanako.mihon%%40example.com&note=&licence=yes", id, model, dealer, slot);
	assert_int_equal(http_post(srv.port, "/test-drive", body, &r), 0);
	if (r.status != 303)
		fail_msg("booking post: %d %.300s", r.status, r.body);
	assert_non_null(http_header_get(&r, "Location", loc, sizeof(loc)));
	http_reply_free(&r);
	assert_non_null(p = strstr(loc, "?k="));
	snprintf(ref, reflen, "%.*s", (int)(p - loc - 20), loc + 20);
	snprintf(token, toklen, "%s", p + 3);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* The server's inbox for identity PREFIX, asked directly with a signed request. */
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

	assert_int_equal(keys_secret_open(prefix, PASS, &id, &ke), KEYS_OK);
	assert_int_equal(client_new(url, &id, &c, err, sizeof(err)), CLIENT_OK);
	if (client_get(c, "/api/v1/inbox", "after=0&limit=1000", &rep, err, sizeof(err)) !=
	    CLIENT_OK)
		fail_msg("%s", err);
	doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
	assert_non_null(doc);
	n = json_array_size(json_object_get(doc, "records"));
	json_decref(doc);
	client_reply_free(&rep);
	client_free(c);
	keys_identity_free(&id);
	return n;
}

static void
test_help_and_usage(void **state)
{
	static const char *const cmds[] = { "pull", "list", "export", "ack", "bookings",
	    "purge", "audit", "trace" };
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *a[] = { cmds[i], "--help", NULL };
		run(&r, a);
		expect(&r, 0, "Exit codes", NULL);
		run_free(&r);
		if (strcmp(cmds[i], "audit") == 0 || strcmp(cmds[i], "trace") == 0)
			continue;
		const char *b[] = { cmds[i], "--no-such-option", NULL };
		run(&r, b);
		assert_int_equal(r.status, 2);
		run_free(&r);
	}
}

/* The demo loop: pull, list, export, ack; then the server holds nothing for HQ. */
static void
test_hq_pull_list_export_ack(void **state)
{
	char out[400], *csv;
	struct stat st;
	struct run r;
	size_t len;
	int i;

	for (i = 0; i < 3; i++)
		post_catalog();
	assert_int_equal(server_inbox(hq), 3);
	bo(&r, "hq", "pull", NULL);
	expect(&r, 0, "pulled 3 new records", NULL);
	run_free(&r);
	bo(&r, "hq", "list", NULL);
	expect(&r, 0, "3 open catalog requests", NULL);
	assert_int_equal(count(r.out, "見本 太郎"), 3);
	assert_int_equal(count(r.out, "東京都"), 3);
	run_free(&r);
	/* the store holds them sealed: the name is nowhere in it */
	snprintf(out, sizeof(out), "%s/store-hq/backoffice.db", dir);
	assert_int_equal(fs_read_file(out, &csv, &len), 0);
	assert_null(memmem(csv, len, "見本", strlen("見本")));
	free(csv);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	snprintf(out, sizeof(out), "%s/requests.csv", dir);
	const char *ex[] = { "--format", "csv", "--out", out, NULL };
	bo(&r, "hq", "export", ex);
	expect(&r, 0, "exported 3 catalog requests as csv", NULL);
	run_free(&r);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fs_read_file(out, &csv, &len), 0);
	assert_int_equal(count(csv, "\r\n"), 4);	/* header and three rows */
	assert_int_equal(count(csv, "見本 太郎"), 3);
	free(csv);
	/* exported once: a second export finds nothing new */
	bo(&r, "hq", "export", ex);
	expect(&r, 0, "nothing to export", NULL);
	run_free(&r);

	bo(&r, "hq", "ack", NULL);
	expect(&r, 0, "acknowledged 3 records; the server deleted 3", NULL);
	run_free(&r);
	assert_int_equal(server_inbox(hq), 0);
	bo(&r, "hq", "pull", NULL);
	expect(&r, 0, "pulled 0 new records", NULL);
	run_free(&r);
	bo(&r, "hq", "list", NULL);
	expect(&r, 0, "0 open catalog requests", NULL);
	run_free(&r);
	bo(&r, "hq", "ack", NULL);
	expect(&r, 0, "nothing to acknowledge", NULL);
	run_free(&r);
}

/* Each dealer pulls its own bookings only. */
static void
test_dealers_see_only_their_own(void **state)
{
	char s1[17], s2[17], ref1[64], ref2[64], tok[80];
	struct run r;

	post_booking(DEALER1, model1, s1, ref1, sizeof(ref1), tok, sizeof(tok));
	post_booking(DEALER2, model2, s2, ref2, sizeof(ref2), tok, sizeof(tok));
	assert_int_equal(server_inbox(dl1), 1);
	assert_int_equal(server_inbox(dl2), 1);
	bo(&r, "dl1", "pull", NULL);
	expect(&r, 0, "test drives 1, cancellations 0", NULL);
	run_free(&r);
	bo(&r, "dl2", "pull", NULL);
	expect(&r, 0, "test drives 1, cancellations 0", NULL);
	run_free(&r);
	bo(&r, "dl1", "list", NULL);
	expect(&r, 0, "1 open booking record", NULL);
	assert_non_null(strstr(r.out, DEALER1));
	assert_null(strstr(r.out, DEALER2));
	run_free(&r);
	bo(&r, "dl2", "list", NULL);
	expect(&r, 0, "1 open booking record", NULL);
	assert_non_null(strstr(r.out, DEALER2));
	assert_null(strstr(r.out, DEALER1));
	run_free(&r);
	/* the HQ key sees no booking at all */
	assert_int_equal(server_inbox(hq), 0);
	/* a dealer cannot export catalog requests */
	const char *ex[] = { "--format", "csv", "--out", "/dev/null", NULL };
	bo(&r, "dl1", "export", ex);
	expect(&r, 2, NULL, "hq keys");
	run_free(&r);
}

/* A record changed in the local store is refused, named, and nothing is exported. */
static void
test_tampered_record_refused(void **state)
{
	char path[400], id[64], out[400], msg[128];
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char *ct;
	struct run r;
	struct stat sb;
	int n;

	post_catalog();
	post_catalog();
	bo(&r, "hq", "pull", NULL);
	expect(&r, 0, "pulled 2 new records", NULL);
	run_free(&r);
	snprintf(path, sizeof(path), "%s/store-hq/backoffice.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, ct FROM records WHERE acked_at IS"
	    " NULL ORDER BY id LIMIT 1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(id, sizeof(id), "%s", sqlite3_column_text(st, 0));
	n = sqlite3_column_bytes(st, 1);
	ct = malloc((size_t)n);
	memcpy(ct, sqlite3_column_blob(st, 1), (size_t)n);
	sqlite3_finalize(st);
	ct[n / 2] ^= 0x01;		/* one bit */
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE records SET ct = ? WHERE id = ?", -1,
	    &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, ct, n, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(ct);

	snprintf(out, sizeof(out), "%s/tampered.csv", dir);
	const char *ex[] = { "--format", "csv", "--out", out, NULL };
	bo(&r, "hq", "export", ex);
	snprintf(msg, sizeof(msg), "record %s does not open", id);
	expect(&r, 5, NULL, msg);
	assert_non_null(strstr(r.err, "nothing was written"));
	assert_null(strstr(r.err, "見本"));
	run_free(&r);
	assert_int_equal(stat(out, &sb), -1);
	/* list names it too, and shows the other one */
	bo(&r, "hq", "list", NULL);
	expect(&r, 5, "1 open catalog request", id);
	run_free(&r);
	/* clean up for the next tests: acknowledge both (ack needs no opening) */
	const char *all[] = { "--all", NULL };
	bo(&r, "hq", "ack", all);
	expect(&r, 0, "acknowledged 2 records", NULL);
	run_free(&r);
}

static void
test_wrong_passphrase(void **state)
{
	struct run r;

	setenv("SHOWROOM_PASSPHRASE", "not-the-passphrase", 1);
	bo(&r, "hq", "pull", NULL);
	setenv("SHOWROOM_PASSPHRASE", PASS, 1);
	expect(&r, 3, NULL, "wrong passphrase");
	run_free(&r);
}

static void
test_unreachable_server(void **state)
{
	struct run r;
	const char *a[] = { "--server", "http://127.0.0.1:1", NULL };

	bo(&r, "hq", "pull", a);
	expect(&r, 4, NULL, "cannot reach server http://127.0.0.1:1");
	run_free(&r);
	/* plain http to a host that is not loopback is refused before anything is sent */
	const char *b[] = { "--server", "http://showroom.example", NULL };
	bo(&r, "hq", "pull", b);
	expect(&r, 2, NULL, "only https://");
	run_free(&r);
}

static void
test_key_missing_from_keyring(void **state)
{
	struct run r;

	bo(&r, "outsider", "pull", NULL);
	expect(&r, 6, NULL, "is not in the keyring");
	run_free(&r);
}

/* pdfinfo's page size line for PATH, or "" */
static void
pdf_page_size(const char *path, char *out, size_t outsz)
{
	char cmd[600], line[256];
	FILE *p;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' 2>/dev/null", path);
	if ((p = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), p) != NULL)
		if (strncmp(line, "Page size:", 10) == 0)
			snprintf(out, outsz, "%s", line);
	pclose(p);
}

/* The loop the issue asks for: form post to label file, with a seed traced back. */
static void
test_form_to_label_pdf_with_seed(void **state)
{
	char pdf[400], size[256], log[400], copy[400], *text, *p;
	struct stat st;
	struct run r;
	size_t len;

	post_catalog();
	bo(&r, "hq", "pull", NULL);
	expect(&r, 0, "pulled 1 new record", NULL);
	run_free(&r);
	snprintf(pdf, sizeof(pdf), "%s/labels.pdf", dir);
	const char *ex[] = { "--format", "labels-pdf", "--out", pdf, "--seed", NULL };
	bo(&r, "hq", "export", ex);
	expect(&r, 0, "exported 1 catalog request as labels-pdf with one seed address", NULL);
	run_free(&r);
	assert_int_equal(stat(pdf, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	pdf_page_size(pdf, size, sizeof(size));
	if (strstr(size, "(A4)") == NULL)
		fail_msg("pdfinfo: %s", size);
	bo(&r, "hq", "ack", NULL);
	expect(&r, 0, "acknowledged 1 record; the server deleted 1", NULL);
	run_free(&r);
	assert_int_equal(server_inbox(hq), 0);

	/* the audit log is intact, and the seed leads back to this export */
	const char *verify[] = { "verify", NULL };
	bo(&r, "hq", "audit", verify);
	expect(&r, 0, "intact", NULL);
	run_free(&r);
	const char *tr[] = { "見本ビル５階", NULL };	/* full-width digit, as a leak may have it */
	bo(&r, "hq", "trace", tr);
	expect(&r, 0, "seed seed-a", NULL);
	assert_non_null(strstr(r.out, pdf));
	assert_non_null(strstr(r.out, "labels-pdf"));
	assert_non_null(strstr(r.out, "hq-"));
	run_free(&r);
	const char *none[] = { "存在しない住所です", NULL };
	bo(&r, "hq", "trace", none);
	expect(&r, 1, "no export carried", NULL);
	run_free(&r);

	/* an edited copy of the log is found out */
	snprintf(log, sizeof(log), "%s/store-hq/audit.log", dir);
	snprintf(copy, sizeof(copy), "%s/audit-edited.log", dir);
	assert_int_equal(fs_read_file(log, &text, &len), 0);
	assert_non_null(p = strstr(text, "\"action\":\"export\""));
	p[10] = 'X';
	assert_int_equal(fs_write_file(copy, text, len, 0600), 0);
	free(text);
	const char *vcopy[] = { "audit", "verify", "--log", copy, NULL };
	run(&r, vcopy);
	expect(&r, 1, NULL, "BROKEN");
	run_free(&r);
}

/* Click Post and Yamato B2; a character outside CP932 is reported with its record. */
static void
test_carrier_formats_and_unencodable(void **state)
{
	char cp[400], cp1[400], b2[400], csv[400], csvs[400], id[64], ids[2][27], *p, *text;
	struct http_reply h;
	struct stat st;
	struct run r;
	size_t len;
	int rows;

	/* The form refuses it, naming the character: nothing is stored. */
	post_catalog_reply("%F0%A0%AE%B7%E8%A6%8B+%E5%A4%AA%E9%83%8E", &h);	/* 𠮷見 太郎 */
	if (h.status != 422 || memmem(h.body, h.body_len, "「𠮷」(U+20BB7)", strlen(
	    "「𠮷」(U+20BB7)")) == NULL)
		fail_msg("catalog post: %d %.3000s", h.status, h.body);
	http_reply_free(&h);
	assert_int_equal(server_inbox(hq), 0);
	/* An older record may still hold one. */
	seal_catalog("𠮷見 太郎", id);
	bo(&r, "hq", "list", NULL);
	expect(&r, 0, "1 open catalog request", NULL);
	assert_non_null(strstr(r.out, id));
	run_free(&r);
	snprintf(cp, sizeof(cp), "%s/cp.csv", dir);
	snprintf(cp1, sizeof(cp1), "%s/cp-001.csv", dir);
	/* set aside (test_carrier_sets_aside has more); it was the only one: no file */
	const char *ex[] = { "--format", "clickpost", "--out", cp, NULL };
	bo(&r, "hq", "export", ex);
	expect(&r, 7, "nothing was written", "U+20BB7 is not in CP932");
	assert_non_null(strstr(r.err, id));
	assert_null(strstr(r.err, "太郎"));
	run_free(&r);
	assert_int_equal(stat(cp1, &st), -1);
	snprintf(b2, sizeof(b2), "%s/b2.csv", dir);
	const char *ey[] = { "--format", "yamato-b2", "--out", b2, NULL };
	bo(&r, "hq", "export", ey);
	expect(&r, 7, "nothing was written", "U+20BB7 is not in CP932");
	run_free(&r);
	assert_int_equal(stat(b2, &st), -1);
	/* the plain CSV is UTF-8 and takes it */
	snprintf(csv, sizeof(csv), "%s/plain.csv", dir);
	const char *ec[] = { "--format", "csv", "--out", csv, NULL };
	bo(&r, "hq", "export", ec);
	expect(&r, 0, "exported 1 catalog request as csv", NULL);
	run_free(&r);
	/* A seed's record id carries the time of a real row, not the export's: ids begin
	 * with their creation time, and the newest row would give the seed away. */
	snprintf(csvs, sizeof(csvs), "%s/seeded.csv", dir);
	const char *es[] = { "--format", "csv", "--out", csvs, "--again", "--seed", NULL };
	sleep(1);	/* so that an id made now would differ in its time */
	bo(&r, "hq", "export", es);
	expect(&r, 0, "with one seed address", NULL);
	run_free(&r);
	assert_int_equal(fs_read_file(csvs, &text, &len), 0);
	assert_non_null(p = strstr(text, id));
	for (rows = 0, p = strchr(text, '\n'); p != NULL && p[1] != '\0'; p = strchr(p + 1, '\n'))
		if (rows++ < 2)
			memcpy(ids[rows - 1], p + 1 + (p[1] == '"'), sizeof(ids[0]) - 1);
	assert_int_equal(rows, 2);
	ids[0][26] = ids[1][26] = '\0';
	assert_string_not_equal(ids[0], ids[1]);
	assert_memory_equal(ids[0], ids[1], 10);
	free(text);
	const char *all[] = { "--all", NULL };
	bo(&r, "hq", "ack", all);
	expect(&r, 0, "acknowledged 1 record", NULL);
	run_free(&r);

	/* a name CP932 can hold: both carrier formats, mode 0600, with a seed */
	post_catalog();
	bo(&r, "hq", "pull", NULL);
	expect(&r, 0, "pulled 1 new record", NULL);
	run_free(&r);
	const char *exs[] = { "--format", "clickpost", "--out", cp, "--seed", NULL };
	bo(&r, "hq", "export", exs);
	expect(&r, 0, "as clickpost with one seed address", NULL);
	run_free(&r);
	assert_int_equal(stat(cp1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	const char *eya[] = { "--format", "yamato-b2", "--out", b2, "--again", NULL };
	bo(&r, "hq", "export", eya);
	expect(&r, 0, "as yamato-b2", NULL);
	run_free(&r);
	assert_int_equal(stat(b2, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	bo(&r, "hq", "ack", NULL);
	expect(&r, 0, "acknowledged 1 record", NULL);
	run_free(&r);
	assert_int_equal(server_inbox(hq), 0);
}

/* The files in DIR whose names begin with PREFIX. */
static size_t
count_files(const char *prefix)
{
	char cmd[600], line[512];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -1 '%s' 2>/dev/null", dir);
	assert_non_null(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p) != NULL)
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			n++;
	pclose(p);
	return n;
}

/*
 * One record a carrier cannot take no longer holds up everyone else's: the export sets
 * it aside by record id, writes the others, and leaves it unexported for the clerk, who
 * sees it in list and writes it out as plain CSV.
 */
static void
test_carrier_sets_aside(void **state)
{
	char cp[400], cp1[400], csv[400], bad1[RECID_LEN + 1], bad2[RECID_LEN + 1], want[200];
	char *text;
	struct stat st;
	struct run r;
	size_t len;

	post_catalog();
	post_catalog();
	bo(&r, "hq", "pull", NULL);
	expect(&r, 0, "pulled 2 new records", NULL);
	run_free(&r);
	seal_catalog("見本 \U0001F600太郎", bad1);
	seal_catalog("見本\ue000子", bad2);	/* 外字 to glibc, not to a carrier */

	snprintf(cp, sizeof(cp), "%s/aside-cp.csv", dir);
	snprintf(cp1, sizeof(cp1), "%s/aside-cp-001.csv", dir);
	const char *ex[] = { "--format", "clickpost", "--out", cp, "--seed", NULL };
	bo(&r, "hq", "export", ex);
	expect(&r, 7, "exported 2 catalog requests as clickpost with one seed address",
	    "set aside 2 records");
	snprintf(want, sizeof(want), "SET ASIDE: record %s: name: U+1F600 is not in CP932",
	    bad1);
	assert_non_null(strstr(r.err, want));
	snprintf(want, sizeof(want), "SET ASIDE: record %s: name: U+E000 is a private-use",
	    bad2);
	assert_non_null(strstr(r.err, want));
	assert_null(strstr(r.err, "太郎"));
	assert_null(strstr(r.err, "見本"));
	assert_null(strstr(r.out, "見本"));
	run_free(&r);
	/* the others are written, whole, and nothing else is left beside them */
	assert_int_equal(stat(cp1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_files("aside-cp"), 1);
	assert_int_equal(fs_read_file(cp1, &text, &len), 0);
	assert_int_equal(count(text, "\r\n"), 4);	/* header, two requests, the seed */
	free(text);

	/* list shows them set aside, and the others exported */
	bo(&r, "hq", "list", NULL);
	expect(&r, 0, "4 open catalog requests", NULL);
	assert_int_equal(count(r.out, "set aside"), 3);	/* two rows and the summary */
	assert_int_equal(count(r.out, "exported"), 2);
	assert_non_null(strstr(r.out, "2 set aside"));
	run_free(&r);
	const char *la[] = { "--set-aside", NULL };
	bo(&r, "hq", "list", la);
	expect(&r, 0, "2 open catalog requests", NULL);
	assert_non_null(strstr(r.out, bad1));
	assert_non_null(strstr(r.out, bad2));
	run_free(&r);

	/* tried again, they are set aside again, and then nothing is written at all */
	assert_int_equal(unlink(cp1), 0);
	const char *ex2[] = { "--format", "yamato-b2", "--out", cp, NULL };
	bo(&r, "hq", "export", ex2);
	expect(&r, 7, "nothing was written", "set aside 2 records");
	run_free(&r);
	assert_int_equal(count_files("aside-cp"), 0);

	/* ack takes only what was exported: the set-aside records stay */
	bo(&r, "hq", "ack", NULL);
	expect(&r, 0, "acknowledged 2 records; the server deleted 2", NULL);
	run_free(&r);
	bo(&r, "hq", "list", NULL);
	expect(&r, 0, "2 open catalog requests", NULL);
	assert_non_null(strstr(r.out, bad1));
	assert_non_null(strstr(r.out, bad2));
	run_free(&r);

	/* the plain CSV carries anything: the clerk's way out */
	snprintf(csv, sizeof(csv), "%s/aside.csv", dir);
	const char *ec[] = { "--format", "csv", "--set-aside", "--out", csv, NULL };
	bo(&r, "hq", "export", ec);
	expect(&r, 0, "exported 2 catalog requests as csv", NULL);
	run_free(&r);
	assert_int_equal(fs_read_file(csv, &text, &len), 0);
	assert_int_equal(count(text, "\r\n"), 3);
	assert_non_null(strstr(text, "見本 \U0001F600太郎"));
	assert_non_null(strstr(text, "見本\ue000子"));
	assert_non_null(strstr(text, bad1));
	free(text);
	bo(&r, "hq", "list", NULL);
	expect(&r, 0, "2 open catalog requests", NULL);
	assert_int_equal(count(r.out, "set aside"), 0);
	run_free(&r);
	bo(&r, "hq", "ack", NULL);
	expect(&r, 0, "acknowledged 2 records", NULL);
	run_free(&r);
}

/* Bookings: a day list, CSV and calendar with a cancellation; then ack and purge. */
static void
test_bookings_with_cancellation_and_purge(void **state)
{
	char start[17], ref[64], tok[80], body[256], csv[400], ics[400], *text;
	struct http_reply h;
	struct stat st;
	struct run r;
	size_t len;

	post_booking(DEALER1, model1, start, ref, sizeof(ref), tok, sizeof(tok));
	bo(&r, "dl1", "pull", NULL);	/* the booking first, then its cancellation */
	expect(&r, 0, "test drives 1, cancellations 0", NULL);
	run_free(&r);
	snprintf(body, sizeof(body), "ref=%s&k=%s", ref, tok);
	assert_int_equal(http_post(srv.port, "/cancel", body, &h), 0);
	assert_int_equal(h.status, 200);
	http_reply_free(&h);
	bo(&r, "dl1", "pull", NULL);
	expect(&r, 0, NULL, NULL);
	assert_non_null(strstr(r.out, "test drives 0, cancellations 1"));
	run_free(&r);

	const char *day[] = { "--all-days", NULL };
	bo(&r, "dl1", "bookings", day);
	expect(&r, 0, "【取消】", NULL);
	assert_non_null(strstr(r.out, "予約"));
	run_free(&r);
	const char *dayen[] = { "--all-days", "--lang", "en", NULL };
	bo(&r, "dl1", "bookings", dayen);
	expect(&r, 0, "CANCELLED", NULL);
	run_free(&r);

	snprintf(csv, sizeof(csv), "%s/bookings.csv", dir);
	snprintf(ics, sizeof(ics), "%s/bookings.ics", dir);
	const char *c[] = { "--all-days", "--format", "csv", "--lang", "en", "--out", csv,
	    NULL };
	bo(&r, "dl1", "bookings", c);
	expect(&r, 0, NULL, NULL);
	run_free(&r);
	assert_int_equal(stat(csv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fs_read_file(csv, &text, &len), 0);
	assert_non_null(strstr(text, ",cancelled,"));
	assert_non_null(strstr(text, ",booked,"));
	assert_null(strstr(text, DEALER2));
	free(text);
	const char *i[] = { "--all-days", "--format", "ics", "--out", ics, NULL };
	bo(&r, "dl1", "bookings", i);
	expect(&r, 0, NULL, NULL);
	run_free(&r);
	assert_int_equal(fs_read_file(ics, &text, &len), 0);
	assert_non_null(strstr(text, "BEGIN:VCALENDAR"));
	assert_non_null(strstr(text, "STATUS:CANCELLED"));
	assert_non_null(strstr(text, "STATUS:CONFIRMED"));
	free(text);

	/* the files were exports: ack takes their records, purge takes the files */
	bo(&r, "dl1", "ack", NULL);
	expect(&r, 0, "acknowledged 3 records", NULL);
	run_free(&r);
	assert_int_equal(server_inbox(dl1), 0);
	const char *keep[] = { NULL };
	bo(&r, "dl1", "purge", keep);
	expect(&r, 0, "purged 0 records and 0 export files", NULL);
	run_free(&r);
	assert_int_equal(stat(csv, &st), 0);
	/* everything is acknowledged, but the drive is still to come: the booking stays, and
	 * so do its cancellation and the day files, until the slot is as old as the window
	 * (tests/unit/test_bostore.c moves the clock past it) */
	const char *now[] = { "--days", "0", NULL };
	bo(&r, "dl1", "purge", now);
	expect(&r, 0, "purged 0 records and 0 export files", NULL);
	assert_non_null(strstr(r.out, "kept 3 acknowledged booking records"));
	run_free(&r);
	assert_int_equal(stat(csv, &st), 0);
	assert_int_equal(stat(ics, &st), 0);
	bo(&r, "dl1", "bookings", day);
	expect(&r, 0, "【取消】", NULL);	/* still shown as cancelled */
	run_free(&r);
	bo(&r, "dl1", "list", NULL);
	expect(&r, 0, "0 open booking records", NULL);
	run_free(&r);
	const char *verify[] = { "verify", NULL };
	bo(&r, "dl1", "audit", verify);
	expect(&r, 0, "intact", NULL);
	run_free(&r);
}

/* A catalog request sealed to TO as the web tier seals one; the plaintext holds what pull
 * checks. *ct is allocated. */
static int
seal_empty_catalog(const struct keys_public *to, char id[STORE_ID_LEN + 1], int64_t *created,
    uint8_t enc[32], uint8_t **ct, size_t *ctlen)
{
	static const char pt[] = "{\"kind\":\"catalog\",\"v\":1}";
	struct record_meta m;

	recid_new(id);
	*created = (int64_t)time(NULL);
	m.id = id;
	m.kind = "catalog_request";
	m.key_id = to->key_id;
	m.created = *created;
	return record_seal(&m, to->x25519, pt, sizeof(pt) - 1, enc, ct, ctlen);
}

static void
hq_public(struct keys_public *to)
{
	struct keys_error ke;
	char path[310];

	snprintf(path, sizeof(path), "%s.public", hq);
	assert_int_equal(keys_public_read(path, to, &ke), KEYS_OK);
}

#define MANY		5000	/* records for the ack test: well past one request's worth */
#define FILLERS		8	/* threads, so that the store's group commit takes them together */

struct filler {
	struct store			*st;
	const struct keys_public	*to;
	size_t				 n, failed;
};

/* Puts F->n sealed records straight into the server's store. */
static void *
filler_run(void *arg)
{
	struct filler *f = arg;
	struct store_record r;
	struct store_err se;
	uint8_t enc[32];
	size_t i;

	for (i = 0; i < f->n; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = STORE_KIND_CATALOG_REQUEST;
		snprintf(r.key_id, sizeof(r.key_id), "%s", f->to->key_id);
		if (seal_empty_catalog(f->to, r.id, &r.created, enc, &r.ct, &r.ct_len) == -1) {
			f->failed++;
			continue;
		}
		r.enc = enc;
		r.enc_len = sizeof(enc);
		if (store_put(f->st, &r, NULL, NULL, &se) != STORE_OK)
			f->failed++;
		free(r.ct);
	}
	return NULL;
}

/* Records of the store "store-ST" that are acknowledged (ACKED) or not. */
static int
store_count(const char *st, int acked)
{
	char path[400];
	sqlite3 *db;
	sqlite3_stmt *q;
	int n;

	snprintf(path, sizeof(path), "%s/store-%s/backoffice.db", dir, st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, acked ? "SELECT count(*) FROM records WHERE "
	    "acked_at IS NOT NULL" : "SELECT count(*) FROM records WHERE acked_at IS NULL", -1,
	    &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* 5,000 records through the real server: every ack request fits under its body limit,
 * and the server holds none afterwards. */
static void
test_ack_many_in_batches(void **state)
{
	struct filler f[FILLERS];
	struct keys_public to;
	struct store_err se;
	struct store *st;
	pthread_t th[FILLERS];
	struct run r;
	size_t i;

	hq_public(&to);
	assert_int_equal(store_open(&st, data, &se), STORE_OK);
	for (i = 0; i < FILLERS; i++) {
		f[i].st = st;
		f[i].to = &to;
		f[i].n = MANY / FILLERS;
		f[i].failed = 0;
		assert_int_equal(pthread_create(&th[i], NULL, filler_run, &f[i]), 0);
	}
	for (i = 0; i < FILLERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(f[i].failed, 0);
	}
	store_close(st);

	const char *all[] = { "--all", NULL };
	bo_in(&r, "hq", "many", "pull", NULL);
	expect(&r, 0, "pulled 5000 new records", NULL);
	run_free(&r);
	bo_in(&r, "hq", "many", "ack", all);
	expect(&r, 0, "acknowledged 5000 records; the server deleted 5000", NULL);
	run_free(&r);
	assert_int_equal(server_inbox(hq), 0);
	assert_int_equal(store_count("many", 1), MANY);
	assert_int_equal(store_count("many", 0), 0);
	bo_in(&r, "hq", "many", "ack", all);
	expect(&r, 0, "nothing to acknowledge", NULL);
	run_free(&r);
}

/*
 * A hostile stand-in for showroomd: a child process on a loopback port that answers each
 * request as its mode says. It takes at most HOSTILE_MAX connections and gives up after
 * HOSTILE_IDLE_MS without one, so a client that never stops cannot hang the test; the
 * test counts the requests it read.
 */
#define HOSTILE_MAX		64
#define HOSTILE_IDLE_MS		20000
#define HOSTILE_RECORDS		1200	/* what the inbox holds, in pages of 500 */

enum hostile_mode {
	HOSTILE_ACK_FAILS,	/* the inbox holds HOSTILE_RECORDS; the second ack gets 503 */
	HOSTILE_REASON_JSON,	/* the inbox holds 3 records; ack: 401 with HOSTILE_REASON */
	HOSTILE_REASON_RAW,	/* everything: 502 with HOSTILE_RAW, not JSON */
	HOSTILE_PAGE_KEY,	/* an inbox page for a key id of escapes */
	HOSTILE_RECORD_KEY,	/* an inbox record sealed to a key id of escapes */
	HOSTILE_REPEAT,		/* the same full page for ever, with an advancing cursor */
	HOSTILE_ENDLESS,	/* full pages of fresh records for ever */
	HOSTILE_UNOPENED,	/* full pages for ever of records that do not open */
	HOSTILE_HUGE_LENGTH,	/* a 100 MB reply, its Content-Length said up front */
	HOSTILE_HUGE_CLOSE	/* a 100 MB reply that ends when the connection does */
};

#define HOSTILE_HUGE	(100u * 1000 * 1000)

/* Terminal escapes (set the title, clear the screen, 8-bit CSI), a forged second line, a
 * bidi override and a tab; 3000 more bytes follow. */
#define HOSTILE_REASON	"{\"error\":\"\\u001b]0;owned\\u0007\\u001b[2J\\r\\nshowroom: " \
	"all records acknowledged\\u009b31m\\u202eevil\\ttail"
#define HOSTILE_RAW	"\x1b[31mred\xff\xfe\x1b]0;owned\x07\nshowroom: forged\x9b"
#define HOSTILE_KEY	"\\u001b]0;owned\\u0007hq\\u009b2J"

struct hostile {
	pid_t			 pid;
	int			 port;
	int			 seen;	/* read end: one byte per request read */
	enum hostile_mode	 mode;
	struct keys_public	 to;	/* whom the inbox's records are sealed to */
	int			 acks;	/* in the child: ack requests so far */
	json_t			*page;	/* in the child: the page HOSTILE_REPEAT repeats */
};

static void
hostile_send(int fd, const void *p, size_t len)
{
	const char *c = p;
	ssize_t n;

	while (len > 0 && (n = send(fd, c, len, MSG_NOSIGNAL)) > 0) {
		c += n;
		len -= (size_t)n;
	}
}

static void
hostile_reply(int fd, int status, const char *body, size_t len)
{
	char head[256];
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d Hostile\r\nContent-Type: application/json"
	    "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status, len);
	hostile_send(fd, head, (size_t)n);
	hostile_send(fd, body, len);
}

/* Reads one request, its head and its Content-Length body, into BUF (NUL-terminated);
 * answers "Expect: 100-continue". -1 when none came in time or it is too long. */
static int
hostile_read(int fd, char *buf, size_t cap)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t len = 0, want;
	char *end, *cl;
	ssize_t n;
	int cont = 0;

	while (len < cap - 1) {
		if (poll(&p, 1, 5000) <= 0 || (n = read(fd, buf + len, cap - 1 - len)) <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) == NULL)
			continue;
		if (!cont && strcasestr(buf, "\r\nExpect: 100-continue") != NULL) {
			hostile_send(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
			cont = 1;
		}
		cl = strcasestr(buf, "\r\nContent-Length:");
		want = (size_t)(end - buf) + 4 +
		    (cl != NULL && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
		if (len >= want)
			return 0;
	}
	return -1;
}

/* A fresh catalog request sealed to TO, as the inbox lists it. */
static json_t *
hostile_record(const struct keys_public *to, int64_t seq)
{
	char id[STORE_ID_LEN + 1], enc64[64], *ct64;
	uint8_t enc[32], *ct;
	size_t ctlen, sz;
	int64_t created;
	json_t *o;

	if (seal_empty_catalog(to, id, &created, enc, &ct, &ctlen) == -1)
		return NULL;
	sz = sodium_base64_ENCODED_LEN(ctlen, sodium_base64_VARIANT_ORIGINAL);
	if ((ct64 = malloc(sz)) == NULL) {
		free(ct);
		return NULL;
	}
	sodium_bin2base64(enc64, sizeof(enc64), enc, sizeof(enc), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(ct64, sz, ct, ctlen, sodium_base64_VARIANT_ORIGINAL);
	o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I}", "id", id, "kind",
	    "catalog_request", "key_id", to->key_id, "created", (json_int_t)created, "enc",
	    enc64, "ct", ct64, "seq", (json_int_t)seq);
	free(ct);
	free(ct64);
	return o;
}

/* N fresh records into h->page. */
static void
hostile_fill(struct hostile *h, size_t n)
{
	size_t i;

	h->page = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(h->page, hostile_record(&h->to, (int64_t)i + 1));
}

/* An inbox page of RECS (taken) with cursor NEXT, for KEY_ID; 200. */
static void
hostile_page(int fd, json_t *recs, int64_t next, const char *key_id)
{
	json_t *doc = json_pack("{s:o, s:I, s:s}", "records", recs, "next", (json_int_t)next,
	    "key_id", key_id);
	char *text = json_dumps(doc, JSON_COMPACT);

	hostile_reply(fd, 200, text, strlen(text));
	free(text);
	json_decref(doc);
}

/* The inbox after AFTER: the next up to 500 of TOTAL fresh records. */
static void
hostile_inbox(struct hostile *h, int fd, int64_t after, int64_t total)
{
	json_t *recs = json_array();
	int64_t seq;

	for (seq = after + 1; seq <= total && seq <= after + 500; seq++)
		json_array_append_new(recs, hostile_record(&h->to, seq));
	hostile_page(fd, recs, seq - 1 > after ? seq - 1 : after, h->to.key_id);
}

/* {"records":["AAAA... for HOSTILE_HUGE bytes, or until the client hangs up. */
static void
hostile_huge(int fd, int with_length)
{
	static char chunk[64 * 1024];
	char head[256];
	size_t sent;
	int n;

	if (with_length)
		n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: "
		    "application/json\r\nContent-Length: %u\r\nConnection: close\r\n\r\n",
		    HOSTILE_HUGE);
	else
		n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: "
		    "application/json\r\nConnection: close\r\n\r\n");
	hostile_send(fd, head, (size_t)n);
	hostile_send(fd, "{\"records\":[\"", 13);
	memset(chunk, 'A', sizeof(chunk));
	for (sent = 13; sent < HOSTILE_HUGE; sent += sizeof(chunk))
		if (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) != (ssize_t)sizeof(chunk))
			break;
}

/* One inbox record sealed to us, listed as sealed to a key id of escapes. */
static void
hostile_record_key(struct hostile *h, int fd, int64_t after)
{
	json_error_t je;
	json_t *recs = json_array(), *r = hostile_record(&h->to, after + 1);

	json_object_set_new(r, "key_id", json_loads("\"" HOSTILE_KEY "\"", JSON_DECODE_ANY,
	    &je));
	json_array_append_new(recs, r);
	hostile_page(fd, recs, after + 1, h->to.key_id);
}

/* Answers REQ, a whole request read from FD. */
static void
hostile_answer(struct hostile *h, int fd, const char *req)
{
	const char *p, *body;
	int64_t after = 0;
	size_t ids = 0, i;
	char out[4096];
	json_t *v;
	int n;

	if ((p = strstr(req, "after=")) != NULL)
		after = strtoll(p + 6, NULL, 10);
	body = strstr(req, "\r\n\r\n") + 4;
	switch (h->mode) {
	case HOSTILE_ACK_FAILS:
		if (strncmp(req, "GET ", 4) == 0) {
			hostile_inbox(h, fd, after, HOSTILE_RECORDS);
			break;
		}
		if (++h->acks == 2) {
			hostile_reply(fd, 503, "{\"error\":\"store unavailable\"}", 29);
			break;
		}
		for (p = body; (p = strstr(p, "\",\"")) != NULL; p++)
			ids++;
		snprintf(out, sizeof(out), "{\"deleted\":%zu}", ids + 1);
		hostile_reply(fd, 200, out, strlen(out));
		break;
	case HOSTILE_REASON_JSON:
		if (strncmp(req, "GET ", 4) == 0) {
			hostile_inbox(h, fd, after, 3);
			break;
		}
		n = snprintf(out, sizeof(out), "%s", HOSTILE_REASON);
		memset(out + n, 'A', 3000);
		snprintf(out + n + 3000, sizeof(out) - (size_t)n - 3000, "\"}");
		hostile_reply(fd, 401, out, strlen(out));
		break;
	case HOSTILE_REASON_RAW:
		hostile_reply(fd, 502, HOSTILE_RAW, sizeof(HOSTILE_RAW) - 1);
		break;
	case HOSTILE_PAGE_KEY:
		snprintf(out, sizeof(out), "{\"records\":[],\"next\":%lld,\"key_id\":\"%s\"}",
		    (long long)after, HOSTILE_KEY);
		hostile_reply(fd, 200, out, strlen(out));
		break;
	case HOSTILE_RECORD_KEY:
		hostile_record_key(h, fd, after);
		break;
	case HOSTILE_REPEAT:
		if (h->page == NULL)
			hostile_fill(h, 500);
		hostile_page(fd, json_incref(h->page), after + 500, h->to.key_id);
		break;
	case HOSTILE_ENDLESS:
		hostile_inbox(h, fd, after, after + 500);
		break;
	case HOSTILE_UNOPENED:
		hostile_fill(h, 500);
		json_array_foreach(h->page, i, v)	/* the AAD binds the time */
			json_object_set_new(v, "created", json_integer(1));
		hostile_page(fd, h->page, after + 500, h->to.key_id);
		break;
	case HOSTILE_HUGE_LENGTH:
	case HOSTILE_HUGE_CLOSE:
		hostile_huge(fd, h->mode == HOSTILE_HUGE_LENGTH);
		break;
	}
}

static void
hostile_start(struct hostile *h, enum hostile_mode mode)
{
	static char req[256 * 1024];
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct pollfd p;
	int lfd, fds[2], fd, n;

	memset(h, 0, sizeof(*h));
	h->mode = mode;
	hq_public(&h->to);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_not_equal(lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), -1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	h->port = ntohs(sin.sin_port);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	assert_int_not_equal(h->pid = fork(), -1);
	if (h->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[0]);
		p.fd = lfd;
		p.events = POLLIN;
		for (n = 0; n < HOSTILE_MAX; n++) {
			if (poll(&p, 1, HOSTILE_IDLE_MS) <= 0 ||
			    (fd = accept(lfd, NULL, NULL)) == -1)
				break;
			/* counted before the answer: once the client has it, so has the test */
			if (hostile_read(fd, req, sizeof(req)) == 0) {
				if (write(fds[1], "r", 1) != 1)
					_exit(1);
				hostile_answer(h, fd, req);
			}
			close(fd);
		}
		_exit(0);
	}
	close(lfd);
	close(fds[1]);
	h->seen = fds[0];
}

/* Stops the server; the number of requests it read. */
static int
hostile_stop(struct hostile *h)
{
	char b[HOSTILE_MAX + 1];
	ssize_t n;
	int total = 0;

	kill(h->pid, SIGKILL);
	waitpid(h->pid, NULL, 0);
	while ((n = read(h->seen, b, sizeof(b))) > 0)
		total += (int)n;
	close(h->seen);
	return total;
}

static const char *
hostile_url(const struct hostile *h)
{
	static char u[64];

	snprintf(u, sizeof(u), "http://127.0.0.1:%d", h->port);
	return u;
}

/* An ack that fails part way says which requests went through, and the store marks
 * exactly those records acknowledged. */
static void
test_ack_partial_failure(void **state)
{
	struct hostile h;
	struct run r;
	char want[128];
	int first;

	hostile_start(&h, HOSTILE_ACK_FAILS);
	const char *srv_arg[] = { "--server", hostile_url(&h), NULL };
	const char *ack_arg[] = { "--server", hostile_url(&h), "--all", NULL };
	bo_in(&r, "hq", "partial", "pull", srv_arg);
	expect(&r, 0, "pulled 1200 new records", NULL);
	run_free(&r);
	bo_in(&r, "hq", "partial", "ack", ack_arg);
	assert_int_equal(hostile_stop(&h), 3 + 2);	/* three pages, two acks */
	first = store_count("partial", 1);
	if (first == 0 || first >= HOSTILE_RECORDS / 2)
		fail_msg("%d acknowledged\nstdout: %s\nstderr: %s", first, r.out, r.err);
	snprintf(want, sizeof(want), "acknowledged %d records; the server deleted %d", first,
	    first);
	expect(&r, 1, want, "answered 503 to POST /api/v1/ack: store unavailable");
	snprintf(want, sizeof(want), "request 1 of 3 (%d records) was acknowledged", first);
	expect(&r, 1, NULL, want);
	snprintf(want, sizeof(want), "requests 2-3 (%d records) were not", HOSTILE_RECORDS -
	    first);
	expect(&r, 1, NULL, want);
	run_free(&r);
	assert_int_equal(store_count("partial", 0), HOSTILE_RECORDS - first);
}

/* What a hostile server said reached stderr as printable text only: valid UTF-8, no
 * control character but the newline that ends each line, no C1 control (0x9b is CSI on
 * a terminal), bidi override or line separator, no line past 600 bytes; and the escapes
 * are shown (\x1b), not dropped. */
static void
assert_printable(const struct run *r)
{
	const unsigned char *p = (const unsigned char *)r->err;
	size_t i, k, n = strlen(r->err), line = 0;
	uint32_t cp;

	for (i = 0; i < n; i += k) {
		if ((k = text_utf8_decode(p + i, n - i, &cp)) == 0)
			fail_msg("exit %d; stderr byte %zu (0x%02x) is not UTF-8", r->status, i,
			    p[i]);
		if (cp == '\n') {
			line = 0;
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
			fail_msg("exit %d; stderr byte %zu is U+%04X", r->status, i, (unsigned)cp);
		if ((line += k) > 600)
			fail_msg("exit %d; a line of stderr is longer than 600 bytes", r->status);
	}
	if (strstr(r->err, "\\x1b") == NULL)
		fail_msg("exit %d; the escape is not shown: %s", r->status, r->err);
}

/* Reasons, key ids and bodies a hostile server sends are shown escaped, never raw. */
static void
test_hostile_text_is_escaped(void **state)
{
	struct hostile h;
	struct run r;

	hostile_start(&h, HOSTILE_REASON_JSON);
	const char *srv_arg[] = { "--server", hostile_url(&h), NULL };
	const char *ack_arg[] = { "--server", hostile_url(&h), "--all", NULL };
	bo_in(&r, "hq", "hostile", "pull", srv_arg);
	expect(&r, 0, "pulled 3 new records", NULL);
	run_free(&r);
	bo_in(&r, "hq", "hostile", "ack", ack_arg);
	hostile_stop(&h);
	assert_printable(&r);
	expect(&r, 1, NULL, "refused the request (401): \\x1b]0;owned\\x07\\x1b[2J\\x0d\\x0a"
	    "showroom: all records acknowledged\\u009b31m\\u202eevil\\x09tailAAA");
	assert_non_null(strstr(r.err, "..."));		/* the 3000 bytes are cut */
	run_free(&r);

	hostile_start(&h, HOSTILE_REASON_RAW);
	const char *raw_arg[] = { "--server", hostile_url(&h), NULL };
	bo_in(&r, "hq", "hostile", "pull", raw_arg);
	hostile_stop(&h);
	assert_printable(&r);
	expect(&r, 1, NULL, "answered 502 to GET /api/v1/inbox: \\x1b[31mred\\xff\\xfe");
	run_free(&r);

	hostile_start(&h, HOSTILE_PAGE_KEY);
	const char *page_arg[] = { "--server", hostile_url(&h), NULL };
	bo_in(&r, "hq", "hostile", "pull", page_arg);
	hostile_stop(&h);
	assert_printable(&r);
	expect(&r, 5, NULL, "MISMATCH: the server answered for key \\x1b]0;owned\\x07hq"
	    "\\u009b2J");
	run_free(&r);

	hostile_start(&h, HOSTILE_RECORD_KEY);
	const char *rec_arg[] = { "--server", hostile_url(&h), NULL };
	bo_in(&r, "hq", "hostile", "pull", rec_arg);
	hostile_stop(&h);
	assert_printable(&r);
	expect(&r, 5, NULL, "recipient key id \\x1b]0;owned\\x07hq\\u009b2J is not ours");
	run_free(&r);
}

/* A server that keeps paging cannot keep pull busy: a page that adds nothing new ends it,
 * and so does the page cap. */
static void
test_pull_stops_on_endless_paging(void **state)
{
	struct hostile h;
	struct run r;
	int n;

	hostile_start(&h, HOSTILE_REPEAT);
	const char *rep[] = { "--server", hostile_url(&h), NULL };
	bo_in(&r, "hq", "paging", "pull", rep);
	if ((n = hostile_stop(&h)) != 2)
		fail_msg("%d requests; exit %d\nstdout: %s\nstderr: %.2000s", n, r.status, r.out,
		    r.err);
	expect(&r, 1, "pulled 500 new records", "page 2 of the server's inbox held only records already pulled (500)");
	run_free(&r);
	assert_int_equal(store_count("paging", 0), 500);

	hostile_start(&h, HOSTILE_ENDLESS);
	const char *cap[] = { "--server", hostile_url(&h), "--max-pages", "3", NULL };
	bo_in(&r, "hq", "paging", "pull", cap);
	if ((n = hostile_stop(&h)) != 3)
		fail_msg("%d requests; exit %d\nstdout: %s\nstderr: %.2000s", n, r.status, r.out,
		    r.err);
	expect(&r, 0, "pulled 1500 new records", "stopped after 3 pages (--max-pages)");
	run_free(&r);
	assert_int_equal(store_count("paging", 0), 2000);

	hostile_start(&h, HOSTILE_UNOPENED);
	const char *unopened[] = { "--server", hostile_url(&h), NULL };
	bo_in(&r, "hq", "paging", "pull", unopened);
	if ((n = hostile_stop(&h)) != 1)
		fail_msg("%d requests; exit %d\nstdout: %s", n, r.status, r.out);
	expect(&r, 5, "pulled 0 new records", "page 1 of the server's inbox added nothing new");
	assert_int_equal(count(r.err, "REFUSED: record "), 500);
	run_free(&r);

	const char *bad[] = { "--max-pages", "0", NULL };
	bo_in(&r, "hq", "paging", "pull", bad);
	expect(&r, 2, NULL, "--max-pages");
	run_free(&r);
}

/* A reply past the client's limit is refused as too large, not as "cannot reach". */
static void
test_pull_refuses_a_huge_reply(void **state)
{
	static const enum hostile_mode modes[] = { HOSTILE_HUGE_LENGTH, HOSTILE_HUGE_CLOSE };
	struct hostile h;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		hostile_start(&h, modes[i]);
		const char *a[] = { "--server", hostile_url(&h), NULL };
		bo_in(&r, "hq", "huge", "pull", a);
		assert_int_equal(hostile_stop(&h), 1);
		expect(&r, 1, NULL, "the reply to GET /api/v1/inbox is larger than 64 MiB");
		assert_null(strstr(r.err, "cannot reach"));
		run_free(&r);
	}
}

/* A signed GET /api/v1/inbox as HQ, signed for SCHEME://AUTHORITY and sent with Host
 * HOST, as the bytes of a whole request. */
static void
signed_inbox(const char *scheme, const char *authority, const char *host, struct buf *out)
{
	static const char *const comps[] = { "@method", "@authority", "@path", "@query" };
	struct buf si = BUF_INIT, sg = BUF_INIT;
	struct keys_identity id;
	struct keys_error ke;
	struct sig_sign_params p;
	struct sig_request req;
	unsigned char rnd[16];
	char nonce[33];

	assert_int_equal(keys_secret_open(hq, PASS, &id, &ke), KEYS_OK);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(nonce, sizeof(nonce), rnd, sizeof(rnd));
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.scheme = scheme;
	req.authority = authority;
	req.path = "/api/v1/inbox";
	req.query = "after=0&limit=10";
	memset(&p, 0, sizeof(p));
	p.label = "sig1";
	p.components = comps;
	p.ncomponents = 4;
	p.created = (int64_t)time(NULL);
	p.keyid = id.pub.key_id;
	p.nonce = nonce;
	p.alg = "ed25519";
	assert_int_equal(sig_sign(&req, &p, id.sec->ed25519, &si, &sg), SIG_OK);
	buf_reset(out);
	buf_printf(out, "GET /api/v1/inbox?after=0&limit=10 HTTP/1.1\r\nHost: %s\r\n"
	    "Signature-Input: %s\r\nSignature: %s\r\nConnection: close\r\n\r\n", host,
	    si.data, sg.data);
	buf_free(&si);
	buf_free(&sg);
	keys_identity_free(&id);
}

/* Sends REQ; the reply must have STATUS and, if WANT, contain it. */
static void
api_says(const struct buf *req, int status, const char *want)
{
	struct http_reply r;

	assert_int_equal(http_raw(srv.port, req->data, req->len, 0, &r), 0);
	if (r.status != status || (want != NULL && strstr(r.body, want) == NULL))
		fail_msg("%.60s...: %d %s (want %d, \"%s\")", req->data, r.status, r.body, status,
		    want ? want : "");
	http_reply_free(&r);
}

/* The server's own authority is pinned (--public-url): a request signed for another one,
 * as a fake server would capture it, is refused however it is sent. */
static void
test_authority_pinned(void **state)
{
	struct buf req = BUF_INIT;
	char self[64];
	char *log;

	snprintf(self, sizeof(self), "127.0.0.1:%d", srv.port);
	/* the replay of a request made for evil.example, its Host and all */
	signed_inbox("https", "evil.example", "evil.example", &req);
	api_says(&req, 401, "@authority");
	signed_inbox("http", "evil.example", "evil.example", &req);
	api_says(&req, 401, "@authority");
	/* the same, sent with this server's Host: the signature does not cover it */
	signed_inbox("https", "evil.example", self, &req);
	api_says(&req, 401, "signature");
	/* signed for this server, sent with another Host: refused for the Host */
	signed_inbox("http", self, "127.0.0.1:0", &req);
	api_says(&req, 401, "@authority");
	signed_inbox("http", self, self, &req);
	api_says(&req, 200, "\"records\"");
	buf_free(&req);
	log = testsrv_log(&srv);
	assert_non_null(strstr(log, "@authority"));
	free(log);
}

/* Without --public-url the signed API is off, says so and why, and the start-up log
 * warns; a --public-url that is not an origin stops the start. */
static void
test_api_off_without_public_url(void **state)
{
	static const char *const bad[] = { "ftp://showroom.example", "https://showroom.example/x",
	    "https://user@showroom.example", "https://showroom.example:0",
	    "https://showroom.example:65536", "https://", "https://show room.example",
	    "showroom.example" };
	struct testsrv s2;
	struct http_reply r;
	struct buf req = BUF_INIT;
	struct run run;
	char data2[320], self[64], server[64], *log;
	size_t i;

	snprintf(data2, sizeof(data2), "%s/data-off", dir);
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    "--data", data2, NULL };
	assert_int_equal(testsrv_start(&s2, args), 0);
	log = testsrv_log(&s2);
	assert_non_null(strstr(log, "no --public-url: the key holders' API is off"));
	free(log);
	snprintf(self, sizeof(self), "127.0.0.1:%d", s2.port);
	signed_inbox("http", self, self, &req);
	assert_int_equal(http_raw(s2.port, req.data, req.len, 0, &r), 0);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body, "--public-url"));
	http_reply_free(&r);
	buf_free(&req);
	/* the back office says why */
	snprintf(server, sizeof(server), "http://%s", self);
	const char *extra[] = { "--server", server, NULL };
	bo(&run, "hq", "pull", extra);
	if (run.status == 0 || strstr(run.err, "--public-url") == NULL)
		fail_msg("pull: exit %d\n%s", run.status, run.err);
	run_free(&run);
	/* the forms work all the same */
	assert_int_equal(http_get(s2.port, "/request", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	testsrv_stop(&s2, SIGTERM);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *a[] = { "--site", site, "--public-url", bad[i], NULL };
		if (testsrv_start(&s2, a) != -1) {
			testsrv_stop(&s2, SIGTERM);
			fail_msg("--public-url %s was taken", bad[i]);
		}
		log = testsrv_log(&s2);
		if (strstr(log, "--public-url") == NULL)
			fail_msg("--public-url %s: %s", bad[i], log);
		free(log);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_and_usage),
		cmocka_unit_test(test_hq_pull_list_export_ack),
		cmocka_unit_test(test_dealers_see_only_their_own),
		cmocka_unit_test(test_tampered_record_refused),
		cmocka_unit_test(test_form_to_label_pdf_with_seed),
		cmocka_unit_test(test_carrier_formats_and_unencodable),
		cmocka_unit_test(test_carrier_sets_aside),
		cmocka_unit_test(test_bookings_with_cancellation_and_purge),
		cmocka_unit_test(test_ack_many_in_batches),
		cmocka_unit_test(test_ack_partial_failure),
		cmocka_unit_test(test_hostile_text_is_escaped),
		cmocka_unit_test(test_pull_stops_on_endless_paging),
		cmocka_unit_test(test_pull_refuses_a_huge_reply),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_unreachable_server),
		cmocka_unit_test(test_key_missing_from_keyring),
		cmocka_unit_test(test_authority_pinned),
		cmocka_unit_test(test_api_off_without_public_url),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
