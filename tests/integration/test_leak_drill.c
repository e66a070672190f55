/*
 * The leak drill. The test plays an attacker who took everything the web tier has at rest
 * after a mix of submissions: a copy of the data directory (SQLite, taken while the server
 * runs) or a pg_dump of its schema (PostgreSQL, when SHOWROOM_TEST_PG_URL is set), the
 * server's logs, and a core of the live process (gcore). It searches all of it for every
 * value a visitor typed, each one made up for this run, as UTF-8, percent-encoded (as the
 * form sent it, both hex cases), UTF-16LE, UTF-16BE and Shift_JIS (CP932), and as the
 * server normalizes it. Zero hits, or the test fails. The search itself is shown to find a
 * planted value in every encoding. docs/SECURITY.md shows the same drill by hand.
 *
 * The core needs gdb's gcore and the right to trace the server (root, as here and in CI).
 * Under AddressSanitizer the core is left out (its shadow memory makes it huge); the data
 * and the logs are still searched. All data is fictional.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/jtime.h"
#include "testkeys.h"
#include "testsrv.h"

#if defined(__SANITIZE_ADDRESS__)
#define DRILL_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DRILL_ASAN	1
#endif
#endif
#ifndef DRILL_ASAN
#define DRILL_ASAN	0
#endif

#define PG_ENV		"SHOWROOM_TEST_PG_URL"
#define DEALER		"tokyo-setagaya"
#define NCAT		6	/* catalog requests */
#define NTD		4	/* test drives, one of them cancelled */
#define NVALUES		96
#define GCORE_SECONDS	120

extern char **environ;

static char dir[256], site[300], keyring[300], rootpub[300], model[64];

/* Every value typed in this run, as typed and as the server stores it after normalizing. */
struct typed {
	char	what[32];
	char	v[160];
};
static struct typed typed[NVALUES];
static size_t ntyped;

static void
remember(const char *what, const char *v)
{
	if (ntyped < NVALUES) {
		snprintf(typed[ntyped].what, sizeof(typed[0].what), "%s", what);
		snprintf(typed[ntyped].v, sizeof(typed[0].v), "%s", v);
		ntyped++;
	}
}

/* ---- made-up values, new for every run ---- */

static const char *const kana[] = { "ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ",
    "サ", "シ", "ス", "セ", "ソ", "タ", "チ", "ツ", "テ", "ト", "ナ", "ニ", "ヌ", "ネ", "ノ",
    "ハ", "ヒ", "フ", "ヘ", "ホ", "マ", "ミ", "ム", "メ", "モ", "ヤ", "ユ", "ヨ", "ラ", "リ" };

static void
rand_kana(char *out, size_t outsz, int n)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s",
		    kana[randombytes_uniform(sizeof(kana) / sizeof(kana[0]))]);
}

static void
rand_chars(char *out, int n, const char *set)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = set[randombytes_uniform((uint32_t)strlen(set))];
	out[n] = '\0';
}

/* application/x-www-form-urlencoded, as a browser sends it: '+' for a space, %XX. */
static void
form_encode(const char *s, struct buf *out, int lower)
{
	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~*", *s) != NULL)
			buf_putc(out, *s);
		else if (*s == ' ')
			buf_putc(out, '+');
		else
			buf_printf(out, lower ? "%%%02x" : "%%%02X", (unsigned char)*s);
	}
}

/* Appends "&NAME=VALUE" (VALUE form-encoded) to a body. */
static void
field(struct buf *body, const char *name, const char *value)
{
	buf_printf(body, "&%s=", name);
	form_encode(value, body, 0);
}

static void
idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

/* A catalog request whose personal values are new; they are remembered. HONEYPOT: with
 * the spam field filled (nothing is stored); INVALID: with a name the form refuses, so
 * that the form comes back (422) holding the other values. Returns the status. */
static int
post_catalog(int port, int honeypot, int invalid)
{
	char name[64], given[32], addr[96], addr2[64], postal[16], a[32], d[8], id[33];
	struct buf body = BUF_INIT;
	struct http_reply r;
	int status;

	rand_kana(a, sizeof(a), 3);
	rand_kana(given, sizeof(given), 2);
	snprintf(name, sizeof(name), "漏洩%s %s", a, given);
	rand_kana(a, sizeof(a), 4);
	rand_chars(d, 3, "123456789");
	snprintf(addr, sizeof(addr), "訓練市%s町%c-%c-%c", a, d[0], d[1], d[2]);
	rand_chars(d, 4, "0123456789");
	snprintf(addr2, sizeof(addr2), "ドリル荘%s号", d);
	rand_chars(postal, 3, "123456789");
	postal[3] = '-';
	rand_chars(postal + 4, 4, "0123456789");
	remember("name", name);
	remember("address1", addr);
	remember("address2", addr2);
	remember("postal_code", postal);
	idem(id);
	buf_printf(&body, "idem=%s&website=%s&models=%s", id, honeypot ? "spam" : "", model);
	field(&body, "name", invalid ? "<b>" : name);
	field(&body, "postal_code", postal);
	field(&body, "prefecture", "13");
	field(&body, "address1", addr);
	field(&body, "address2", addr2);
	assert_int_equal(http_post(port, "/request", body.data, &r), 0);
	status = r.status;
	http_reply_free(&r);
	buf_free(&body);
	return status;
}

/* A free slot of DEALER in the coming days. */
static int
find_slot(int port, char start[17])
{
	struct http_reply r;
	json_t *doc, *s;
	char path[256], date[11];
	size_t i;
	int day;

	for (day = 1; day < 20; day++) {
		jtime_date(time(NULL), day, date);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER,
		    model, date);
		if (http_get(port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, NULL);
		http_reply_free(&r);
		json_array_foreach(json_object_get(doc, "slots"), i, s)
			if (json_integer_value(json_object_get(s, "free")) > 0) {
				snprintf(start, 17, "%s", json_string_value(json_object_get(s,
				    "start")));
				json_decref(doc);
				return 0;
			}
		json_decref(doc);
	}
	return -1;
}

/* A booking with new values; its cancel token in TOKEN. Returns the status. */
static int
post_booking(int port, char *token, size_t toklen)
{
	char name[64], a[32], given[32], phone[24], digits[16], email[64], note[96], w[16];
	char start[17], loc[512], id[33], *k;
	struct buf body = BUF_INIT;
	struct http_reply r;
	int status;

	assert_int_equal(find_slot(port, start), 0);
	rand_kana(a, sizeof(a), 3);
	rand_kana(given, sizeof(given), 2);
	snprintf(name, sizeof(name), "訓練%s %s", a, given);
	rand_chars(digits, 8, "0123456789");
	snprintf(phone, sizeof(phone), "090-%.4s-%.4s", digits, digits + 4);
	rand_chars(w, 10, "abcdefghijkmnopqrstuvwxyz");
	snprintf(email, sizeof(email), "drill.%s@example.com", w);
	rand_kana(a, sizeof(a), 5);
	rand_chars(w, 9, "abcdefghijkmnopqrstuvwxyz");
	snprintf(note, sizeof(note), "確認用%s %s", a, w);
	remember("name", name);
	remember("phone", phone);
	snprintf(w, sizeof(w), "090%s", digits);
	remember("phone (stored)", w);
	remember("email", email);
	remember("note", note);
	idem(id);
	buf_printf(&body, "idem=%s&website=&model=%s&dealer=%s&licence=yes", id, model, DEALER);
	field(&body, "slot", start);
	field(&body, "name", name);
	field(&body, "phone", phone);
	field(&body, "email", email);
	field(&body, "note", note);
	assert_int_equal(http_post(port, "/test-drive", body.data, &r), 0);
	status = r.status;
	token[0] = '\0';
	/* "/receipt/test-drive/ID?k=TOKEN": the cancel form sends both */
	if (http_header_get(&r, "Location", loc, sizeof(loc)) != NULL &&
	    (k = strstr(loc, "?k=")) != NULL) {
		*k = '\0';
		snprintf(token, toklen, "k=%s&ref=%s", k + 3, strrchr(loc, '/') + 1);
	}
	http_reply_free(&r);
	buf_free(&body);
	return status;
}

/*
 * The mix: catalog requests and bookings stored, a honeypot (answered as stored, nothing
 * kept), a form refused with its input shown again (422: the page echoes what was typed,
 * and the reply buffer is wiped once sent), a cancellation.
 */
static void
submit_mix(int port)
{
	char token[200], body[256];
	struct http_reply r;
	int i;

	for (i = 0; i < NCAT; i++)
		assert_int_equal(post_catalog(port, 0, 0), 303);
	assert_int_equal(post_catalog(port, 1, 0), 303);
	assert_int_equal(post_catalog(port, 0, 1), 422);
	for (i = 0; i < NTD; i++)
		assert_int_equal(post_booking(port, token, sizeof(token)), 303);
	/* the visitor cancels the last booking with its link */
	assert_true(token[0] != '\0');
	snprintf(body, sizeof(body), "%s", token);
	assert_int_equal(http_post(port, "/cancel", body, &r), 0);
	assert_true(r.status == 303 || r.status == 200);
	http_reply_free(&r);
}

/* ---- the search ---- */

static size_t
count_in(const char *hay, size_t n, const void *needle, size_t m)
{
	const char *p = hay, *end = hay + n;
	size_t hits = 0;

	while (m > 0 && p < end && (p = memmem(p, (size_t)(end - p), needle, m)) != NULL) {
		hits++;
		p++;
	}
	return hits;
}

static const char *const encodings[] = { "UTF-8", "percent", "percent (lower)",
    "UTF-16LE", "UTF-16BE", "Shift_JIS" };
#define NENC	(sizeof(encodings) / sizeof(encodings[0]))

/* VALUE in encoding E into OUT; 0 with its length, -1 when it cannot be written so. */
static int
encode(const char *value, size_t e, struct buf *out)
{
	static const char *const sets[] = { NULL, NULL, NULL, "UTF-16LE", "UTF-16BE", "CP932" };
	char tmp[512], *in, *o;
	size_t inl, ol;
	iconv_t cd;
	int rc;

	buf_reset(out);
	if (e == 0)
		return buf_puts(out, value);
	if (e == 1 || e == 2) {
		form_encode(value, out, e == 2);
		return 0;
	}
	if ((cd = iconv_open(sets[e], "UTF-8")) == (iconv_t)-1)
		return -1;
	in = (char *)(uintptr_t)value;
	inl = strlen(value);
	o = tmp;
	ol = sizeof(tmp);
	rc = iconv(cd, &in, &inl, &o, &ol) == (size_t)-1 ? -1 : 0;
	iconv_close(cd);
	if (rc == 0)
		rc = buf_append(out, tmp, sizeof(tmp) - ol);
	return rc;
}

/* Hits of every typed value, in every encoding, in HAY; each reported on stderr. */
static size_t
search(const char *what, const char *hay, size_t n)
{
	struct buf enc = BUF_INIT;
	size_t v, e, h, hits = 0;

	for (v = 0; v < ntyped; v++)
		for (e = 0; e < NENC; e++) {
			if (encode(typed[v].v, e, &enc) == -1)
				fail_msg("%s cannot be written in %s", typed[v].what, encodings[e]);
			if ((h = count_in(hay, n, enc.data, enc.len)) > 0) {
				fprintf(stderr, "LEAK: %s holds a %s (value %zu, %s) %zu time%s\n",
				    what, typed[v].what, v + 1, encodings[e], h, h == 1 ? "" : "s");
				hits += h;
			}
		}
	buf_free(&enc);
	return hits;
}

/* Maps a whole file (a core is large) and searches it; -1 when it cannot be read. */
static long
search_file(const char *label, const char *path)
{
	struct stat st;
	void *p;
	long hits;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_size == 0) {
		close(fd);
		return st.st_size == 0 ? 0 : -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	hits = (long)search(label, p, (size_t)st.st_size);
	munmap(p, (size_t)st.st_size);
	return hits;
}

/* Every regular file under DIR (one level: a data directory). */
static long
search_dir(const char *label, const char *d, int *nfiles)
{
	char cmd[600], line[700], what[800];
	long hits = 0, h;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "find %s -type f", d);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(what, sizeof(what), "%s %s", label, line);
		if ((h = search_file(what, line)) < 0)
			fail_msg("cannot read %s", line);
		hits += h;
		(*nfiles)++;
	}
	pclose(f);
	return hits;
}

/* ---- the attacker's tools ---- */

/* Runs ARGV with its output to /dev/null, for at most SECONDS; its exit status or -1. */
static int
run_tool(const char *const *argv, int seconds)
{
	posix_spawn_file_actions_t fa;
	struct timespec ts = { 0, 100000000L };
	pid_t pid;
	int st, i;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)(uintptr_t)argv,
	    environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	for (i = 0; i < seconds * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* A core of the live process PID at PREFIX.PID (gdb's gcore). */
static void
take_core(pid_t pid, const char *prefix, char *core, size_t coresz)
{
	char spid[16];
	const char *const argv[] = { "gcore", "-o", prefix, spid, NULL };
	struct stat st;

	snprintf(spid, sizeof(spid), "%d", (int)pid);
	snprintf(core, coresz, "%s.%d", prefix, (int)pid);
	if (run_tool(argv, GCORE_SECONDS) != 0 || stat(core, &st) == -1)
		fail_msg("gcore could not dump showroomd (%d): install gdb (scripts/install-deps) "
		    "and run as root, or with ptrace allowed", (int)pid);
	assert_true(st.st_size > 1024 * 1024);
}

static void
first_model(void)
{
	char path[400];
	json_t *cat, *d, *v;
	const char *k;
	size_t i;

	snprintf(path, sizeof(path), "%s/api/v1/catalog.json", site);
	assert_non_null(cat = json_load_file(path, 0, NULL));
	json_array_foreach(json_object_get(cat, "dealers"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "code")), DEALER) == 0)
			json_object_foreach(json_object_get(d, "demo_cars"), k, v) {
				snprintf(model, sizeof(model), "%s", k);
				break;
			}
	json_decref(cat);
	assert_true(model[0] != '\0');
}

static int
setup(void **state)
{
	static const char *const dealers[] = { DEALER, NULL };

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-drill") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s", testsrv_path("demo-site"));
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	return testkeys_make(dir, dealers);
}

static int
teardown(void **state)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The search finds a planted value in every encoding, in a file and in a buffer. */
static void
test_search_can_fail(void **state)
{
	struct buf hay = BUF_INIT, enc = BUF_INIT;
	char path[300];
	size_t e, before = ntyped;

	remember("planted", "漏洩訓練 植え付け drill.plant@example.com");
	for (e = 0; e < NENC; e++) {
		assert_int_equal(encode(typed[before].v, e, &enc), 0);
		buf_puts(&hay, "xx");
		buf_append(&hay, enc.data, enc.len);
	}
	assert_true(search("a planted buffer", hay.data, hay.len) >= NENC);
	snprintf(path, sizeof(path), "%s/planted.bin", dir);
	assert_int_equal(fs_write_file(path, hay.data, hay.len, 0600), 0);
	assert_true(search_file("a planted file", path) >= (long)NENC);
	unlink(path);
	ntyped = before;
	buf_free(&hay);
	buf_free(&enc);
}

/* SQLite: the data directory copied while the server runs, its log, a core of it. */
static void
test_drill_sqlite(void **state)
{
	char data[300], copy[300], cmd[700], core[400], prefix[300], *log;
	struct testsrv srv;
	long hits = 0, h;
	int nfiles = 0;

	first_model();
	snprintf(data, sizeof(data), "%s/data", dir);
	{
		const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub",
		    rootpub, "--data", data, "--rate", "100000", "--burst", "100000",
		    "--threads", "4", NULL };
		assert_int_equal(testsrv_start(&srv, args), 0);
	}
	submit_mix(srv.port);
	assert_true(ntyped >= (NCAT + 2) * 4 + NTD * 5);	/* and a honeypot, a 422 */
	/* what the attacker takes, the server still running */
	snprintf(copy, sizeof(copy), "%s/data-copy", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", data, copy);
	assert_int_equal(system(cmd), 0);
	if (!DRILL_ASAN) {
		snprintf(prefix, sizeof(prefix), "%s/core", dir);
		take_core(srv.pid, prefix, core, sizeof(core));
	} else
		fprintf(stderr, "leak drill: AddressSanitizer build, no core taken\n");
	log = testsrv_log(&srv);
	assert_int_equal(testsrv_stop(&srv, SIGTERM), 0);

	hits += search_dir("the copied data directory:", copy, &nfiles);
	assert_true(nfiles >= 2);		/* showroom.db and its WAL at least */
	hits += (long)search("the server's log", log, strlen(log));
	free(log);
	if (!DRILL_ASAN) {
		assert_true((h = search_file("the core of the live process", core)) >= 0);
		hits += h;
		unlink(core);
	}
	if (hits != 0)
		fail_msg("the leak drill found %ld typed value%s (see above)", hits,
		    hits == 1 ? "" : "s");
}

/* PostgreSQL: pg_dump of the server's schema, its log, a core of it. */
static void
test_drill_postgres(void **state)
{
	const char *base = getenv(PG_ENV);
	char schema[64], url[600], sql[160], dump[300], core[400], prefix[300], *log;
	unsigned char rnd[6];
	struct testsrv srv;
	PGresult *res;
	PGconn *pc;
	long hits = 0, h;

	if (base == NULL) {
		fprintf(stderr, "leak drill: %s not set, the PostgreSQL drill skipped\n", PG_ENV);
		skip();
	}
	first_model();
	randombytes_buf(rnd, sizeof(rnd));
	snprintf(schema, sizeof(schema), "showroom_drill_");
	sodium_bin2hex(schema + strlen(schema), sizeof(schema) - strlen(schema), rnd, sizeof(rnd));
	pc = PQconnectdb(base);
	assert_int_equal(PQstatus(pc), CONNECTION_OK);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
	res = PQexec(pc, sql);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	snprintf(url, sizeof(url), "%s%soptions=-csearch_path%%3D%s", base,
	    strchr(base, '?') ? "&" : "?", schema);
	{
		const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub",
		    rootpub, "--db", url, "--rate", "100000", "--burst", "100000", NULL };
		assert_int_equal(testsrv_start(&srv, args), 0);
	}
	submit_mix(srv.port);
	snprintf(dump, sizeof(dump), "%s/dump.sql", dir);
	{
		const char *const argv[] = { "pg_dump", "--no-owner", "--schema", schema,
		    "--file", dump, "--dbname", base, NULL };
		assert_int_equal(run_tool(argv, 120), 0);
	}
	if (!DRILL_ASAN) {
		snprintf(prefix, sizeof(prefix), "%s/core-pg", dir);
		take_core(srv.pid, prefix, core, sizeof(core));
	}
	log = testsrv_log(&srv);
	assert_int_equal(testsrv_stop(&srv, SIGTERM), 0);
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", schema);
	PQclear(PQexec(pc, sql));
	PQfinish(pc);

	assert_true((h = search_file("the pg_dump", dump)) >= 0);
	hits += h;
	hits += (long)search("the server's log", log, strlen(log));
	free(log);
	if (!DRILL_ASAN) {
		assert_true((h = search_file("the core of the live process", core)) >= 0);
		hits += h;
		unlink(core);
	}
	unlink(dump);
	if (hits != 0)
		fail_msg("the leak drill found %ld typed value%s (see above)", hits,
		    hits == 1 ? "" : "s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_can_fail),
		cmocka_unit_test(test_drill_sqlite),
		cmocka_unit_test(test_drill_postgres),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
