/*
 * showroomd's confinement, observed from outside: after start-up it cannot open a file
 * outside its directories and cannot exec (its --sandbox-selftest tries both and logs the
 * outcome), it has dropped root when asked, and it still serves pages and takes a sealed
 * submission.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testkeys.h"
#include "testsrv.h"

static char dir[256], keyring[300], rootpub[300], data[300];
static struct testsrv srv;	/* stopped by teardown too, should a test fail midway */

static int
setup(void **state)
{
	if (testsrv_tmpname(dir, sizeof(dir), "showroom-sandbox") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	/* showroomd runs as another user in one of the tests */
	if (chmod(dir, 0755) == -1)
		return -1;
	return testkeys_make(dir, NULL);
}

static int
teardown(void **state)
{
	char cmd[300];

	testsrv_stop(&srv, SIGKILL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
wait_log(struct testsrv *s, const char *want)
{
	char *log = NULL;
	int i;

	for (i = 0; i < 50; i++) {
		free(log);
		log = testsrv_log(s);
		if (strstr(log, want) != NULL)
			break;
		usleep(100000);
	}
	if (strstr(log, want) == NULL)
		fail_msg("log lacks \"%s\":\n%s", want, log);
	free(log);
}

/* Signs the keyring again, valid until a date of its own (EXPIRES), by temp file and rename. */
static void
resign_keyring(char expires[16])
{
	char root[300], hq[300];
	time_t t = time(NULL) + 20 * 86400;
	struct tm tm;

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(hq, sizeof(hq), "%s/hq.public", dir);
	gmtime_r(&t, &tm);
	strftime(expires, 16, "%Y-%m-%d", &tm);
	const char *a[] = { "keyring", "sign", "--root", root, "--expires", expires, "-o",
	    keyring, hq, NULL };
	assert_int_equal(testsrv_showroom(a), 0);
}

/* The uid the process runs as, from /proc. */
static long
proc_uid(pid_t pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	/* /proc files report a size of 0: read them line by line */
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Uid:", 4) == 0)
			uid = strtol(line + 4, NULL, 10);
	fclose(f);
	return uid;
}

struct burst {
	int	port;
	int	n;
	int	ok;
	int	tag;
};

static void *
burst_post(void *arg)
{
	struct burst *b = arg;
	struct http_reply r;
	char body[512];
	int i;

	for (i = 0; i < b->n; i++) {
		snprintf(body, sizeof(body), "idem=burst%03d%02d%08d&website=&models=sorane&name="
		    "Taro+Example&postal_code=100-0001&prefecture=13&address1=1-2-3+Example",
		    (int)b->tag, i, (int)(uintptr_t)b % 100000000);
		if (http_post(b->port, "/request", body, &r) == 0) {
			b->ok += r.status == 303;
			http_reply_free(&r);
		}
	}
	return NULL;
}

/* Many submissions at once, so that SQLite commits several in one transaction, all from
 * inside the sandbox. (The heavier load of test_crash.c is what caught statement journals
 * spilling to /tmp, which the sandbox refuses.) */
static void
concurrent_submissions(int port)
{
	struct burst b[64];
	pthread_t th[64];
	int i, ok = 0;

	for (i = 0; i < 64; i++) {
		b[i].port = port;
		b[i].n = 5;
		b[i].ok = 0;
		b[i].tag = i;
		pthread_create(&th[i], NULL, burst_post, &b[i]);
	}
	for (i = 0; i < 64; i++) {
		pthread_join(th[i], NULL);
		ok += b[i].ok;
	}
	assert_int_equal(ok, 320);
}

static void
confined_and_working(const char *user)
{
	const char *args[] = { "--site", testsrv_path("demo-site"), "--keyring", keyring,
	    "--root-pub", rootpub, "--data", data, "--sandbox-selftest", "--threads", "64", "--max-conns-per-ip", "1000",
	    "--rate", "100000", "--burst", "100000",
	    user ? "--user" : NULL, user, NULL };
	struct testsrv *sp = &srv, s;
	struct http_reply r;
	char body[1024], expires[16], want[64];

	/* as deployed: the key holders' API on, pinned to the server's own URL */
	assert_int_equal(testsrv_start_public(sp, args), 0);
	s = *sp;
	wait_log(&s, "sandbox: landlock and seccomp applied");
	wait_log(&s, "sandbox self-test: open /etc/passwd refused");
	wait_log(&s, "sandbox self-test: exec refused");
	/* SQLite needs no socket at all */
	wait_log(&s, "sandbox self-test: socket AF_PACKET refused");
	wait_log(&s, "sandbox self-test: socket AF_NETLINK refused");
	wait_log(&s, "sandbox self-test: socket AF_INET refused");
	if (user != NULL && getuid() == 0)
		assert_true(proc_uid(s.pid) > 0);
	/* still serves pages ... */
	assert_int_equal(http_get(s.port, "/models/", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	/* ... and takes a sealed submission, written to its data directory */
	snprintf(body, sizeof(body), "idem=%s0123456789abcdef&website=&models=sorane&name="
	    "Taro+Example&postal_code=100-0001&prefecture=13&address1=1-2-3+Example",
	    user ? "u" : "r");
	assert_int_equal(http_post(s.port, "/request", body, &r), 0);
	if (r.status != 303)
		fail_msg("submission under the sandbox: %d %.300s", r.status, r.body);
	http_reply_free(&r);
	concurrent_submissions(s.port);
	/* SIGHUP reloads the site from inside the sandbox, and a keyring that was replaced
	 * by rename (as showroom keyring sign -o does), which is a new file */
	resign_keyring(expires);
	kill(s.pid, SIGHUP);
	wait_log(&s, "site reloaded");
	snprintf(want, sizeof(want), "valid until the end of %s", expires);
	wait_log(&s, want);
	assert_int_equal(testsrv_stop(sp, SIGTERM), 0);
}

static void
test_sandbox_as_started(void **state)
{
	confined_and_working(NULL);
}

static void
test_sandbox_after_dropping_root(void **state)
{
	if (getuid() != 0)
		skip();
	confined_and_working("nobody");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandbox_as_started),
		cmocka_unit_test(test_sandbox_after_dropping_root),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
