/*
 * showroom office: the back office as a local web application on the key holder's own
 * machine. It opens the secret key once (the passphrase on the terminal, as every
 * command does), listens on a loopback address only, and prints a URL with a one-time
 * token that the browser exchanges for a session cookie. One loop serves the pages,
 * pulls on a timer, and wipes the key after an idle time (the page then asks for the
 * passphrase again). The store, audit log and functions are the commands' own.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/log.h"
#include "showroom/commands.h"
#include "showroom/office/office_int.h"

extern char **environ;

static volatile sig_atomic_t office_stop, office_newlink;

static void
office_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom office [--identity PREFIX] [--config FILE] [--listen ADDR:PORT]\n"
	    "                       [--open] [--idle SECONDS] [--pull-every SECONDS]\n"
	    "                       [--templates DIR] [--server URL] [--keyring FILE]\n"
	    "                       [--root-pub FILE] [--store DIR]\n"
	    "\n"
	    "The back office in a browser, on this machine: asks the passphrase once, listens\n"
	    "on a loopback address only, and prints a URL with a one-time token; opening it\n"
	    "signs the browser in (a session cookie). HQ keys see the inbox of catalog\n"
	    "requests, exports and acknowledgements; dealer keys their test drives by day and\n"
	    "week. Pulls from the server on a timer and on demand. The key is wiped after\n"
	    "--idle seconds without a request; the page then asks for the passphrase. SIGUSR1\n"
	    "prints a new one-time URL; SIGINT or SIGTERM wipe the key and stop.\n"
	    "\n"
	    "  --listen A:P     loopback address and port (default 127.0.0.1:0, any free port)\n"
	    "  --open           open the URL with xdg-open\n"
	    "  --idle S         wipe the key after S seconds without a request (default 900)\n"
	    "  --pull-every S   pull every S seconds while the key is open (default 120; 0: only\n"
	    "                   on demand)\n"
	    "  --templates DIR  templates (default: $SHOWROOM_TEMPLATES or ./templates)\n"
	    BO_COMMON_HELP "\n" BO_EXIT_HELP);
}

static void
office_signal(int sig)
{
	if (sig == SIGUSR1)
		office_newlink = 1;
	else
		office_stop = 1;
}

static void
office_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = office_signal;	/* no SA_RESTART: the loop's wait returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int64_t
office_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int
office_pull(struct office *o)
{
	struct bo_pull_stats ps;
	struct buf msgs = BUF_INIT;
	int rc;

	if (!o->b.have_secret)
		return BO_EXIT_PASSPHRASE;
	o->b.msgs = &msgs;
	rc = bo_pull(&o->b, BO_PULL_MAX_PAGES, &ps);
	o->b.msgs = NULL;
	o->pulled_at = time(NULL);
	o->pull_failed = rc != 0;
	if (rc == 0)	/* and why it stopped early, if it did: the next pull goes on */
		snprintf(o->pull_msg, sizeof(o->pull_msg), "%zu%s%s", ps.added,
		    msgs.len > 0 ? "\n" : "", msgs.len > 0 ? msgs.data : "");
	else
		snprintf(o->pull_msg, sizeof(o->pull_msg), "%s", msgs.data ? msgs.data : "");
	buf_free(&msgs);
	if (rc == 0 && o->catalog == NULL)
		o->catalog = bo_catalog_fetch(&o->b);
	return rc;
}

/* Cancellations pulled by an older version kept no slot: give them their booking's, once,
 * so that the day and week pages find them. */
static void
office_backfill(struct office *o)
{
	struct bostore_rec *recs = NULL;
	char err[512];
	json_t *doc;
	size_t n = 0, i;

	if (o->b.id.pub.role != KEYS_ROLE_DEALER || bostore_list(o->b.db, o->b.id.pub.key_id,
	    "cancellation", BOSTORE_ALL, &recs, &n, err, sizeof(err)) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (recs[i].slot_start[0] != '\0' ||
		    bo_open_record(&o->b, &recs[i], &doc, err, sizeof(err)) == -1)
			continue;
		bo_slot_from(&recs[i], doc);
		json_decref(doc);
		if (recs[i].slot_start[0] != '\0' &&
		    bostore_set_slot(o->b.db, &recs[i], err, sizeof(err)) == -1)
			log_warn("%s", err);
	}
	bostore_recs_free(recs, n);
}

/* Listens on the loopback address S; the bound address (port 0: the one chosen) in SA. */
static int
office_listen(const char *s, struct sockaddr_storage *sa, char *err, size_t errlen)
{
	socklen_t len;
	int fd, one = 1;

	if (office_listen_parse(s, sa, &len, err, errlen) == -1)
		return -1;
	if ((fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)sa, len) == -1 || listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) == -1) {
		errbuf_set(err, errlen, "--listen %s: %s", s, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* The one-time URL, on standard output (the terminal of the one who typed the
 * passphrase), and in the browser with --open. */
static void
office_link(struct office *o, int open)
{
	char url[256];
	pid_t pid;
	posix_spawn_file_actions_t fa;

	office_token_new(o->token);
	snprintf(url, sizeof(url), "http://%s/login?token=%s", o->host, o->token);
	printf("showroom office for %s (%s): open\n  %s\n(the link works once; "
	    "SIGUSR1 prints a new one)\n", o->b.id.pub.key_id,
	    o->b.id.pub.role == KEYS_ROLE_HQ ? "hq" : o->b.id.pub.dealer, url);
	fflush(stdout);
	if (!open)
		return;
	char *argv[] = { (char *)"xdg-open", url, NULL };
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ) != 0)
		log_warn("cannot run xdg-open: open the URL above by hand");
	posix_spawn_file_actions_destroy(&fa);
	sodium_memzero(url, sizeof(url));
}

/* Once a second: stop, a new link, the idle lock, the timed pull. */
static void
office_tick(struct office *o)
{
	int64_t now = office_now();

	if (office_newlink) {
		office_newlink = 0;
		office_link(o, 0);
	}
	if (o->b.have_secret && now - o->last_active >= (int64_t)o->idle_s) {
		bo_lock(&o->b);
		log_info("office: idle for %u s: the key is wiped; the page asks for the "
		    "passphrase again", o->idle_s);
	}
	if (o->b.have_secret && o->pull_s > 0 && now >= o->next_pull) {
		office_pull(o);
		o->next_pull = office_now() + o->pull_s;
	}
}

static int
office_seconds(const char *s, unsigned *out, unsigned min)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > 86400 * 7)
		return -1;
	*out = (unsigned)v;
	return 0;
}

struct office_args {
	struct bo_opts	 o;
	const char	*listen, *templates;
	int		 open;
	unsigned	 idle_s, pull_s;
};

static int
office_args(struct office_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "listen", required_argument, NULL, 'l' },
		{ "open", no_argument, NULL, 'o' },
		{ "idle", required_argument, NULL, 'i' },
		{ "pull-every", required_argument, NULL, 'p' },
		{ "templates", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(a, 0, sizeof(*a));
	a->listen = "127.0.0.1:0";
	a->idle_s = OFFICE_IDLE_DEFAULT;
	a->pull_s = OFFICE_PULL_DEFAULT;
	a->templates = getenv("SHOWROOM_TEMPLATES") ? getenv("SHOWROOM_TEMPLATES") :
	    "templates";
	optind = 0;
	while ((ch = bo_getopt(&a->o, argc, argv, "h", longopts)) != -1) {
		switch (ch) {
		case 'l': a->listen = optarg; continue;
		case 'o': a->open = 1; continue;
		case 't': a->templates = optarg; continue;
		case 'i':
			if (office_seconds(optarg, &a->idle_s, 1) == 0)
				continue;
			break;
		case 'p':
			if (office_seconds(optarg, &a->pull_s, 0) == 0)
				continue;
			break;
		default: break;
		}
		return bo_usage(office_usage, ch);
	}
	if (optind != argc)
		return bo_usage(office_usage, 0);
	return -1;
}

static void
office_done(struct office *o)
{
	office_view_free(o->view);
	json_decref(o->catalog);
	free(o->exports_dir);
	buf_wipe(&o->sess.flash);
	sodium_memzero(&o->sess, sizeof(o->sess));
	sodium_memzero(o->token, sizeof(o->token));
	bo_done(&o->b);		/* wipes the key */
}

int
cmd_office(int argc, char **argv)
{
	struct office_args a;
	struct office_http *h = NULL;
	struct sockaddr_storage sa;
	struct office o;
	const char *lang;
	char err[512];
	int rc, fd = -1;

	if ((rc = office_args(&a, argc, argv)) != -1)
		return rc;
	memset(&o, 0, sizeof(o));
	/* no core dump and no ptrace by other processes of ours: the key is in memory */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if ((fd = office_listen(a.listen, &sa, err, sizeof(err))) == -1) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&o.b, &a.o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) != 0)
		goto out;
	/* a privacy key is sealed nothing: it has the counts (stats, breach-report) */
	if (o.b.id.pub.role != KEYS_ROLE_HQ && o.b.id.pub.role != KEYS_ROLE_DEALER) {
		log_error("the office is for hq and dealer keys; %s is a %s key (see showroom "
		    "stats and breach-report)", o.b.id.pub.key_id,
		    keys_role_name(o.b.id.pub.role));
		rc = EXIT_USAGE;
		goto out;
	}
	if ((o.view = office_view_load(a.templates, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		rc = BO_EXIT_FAIL;
		goto out;
	}
	/* one folder per key: the office serves files from its own only */
	if (asprintf(&o.exports_dir, "%s/exports/%s", o.b.store_dir, o.b.id.pub.key_id) == -1)
		o.exports_dir = NULL;
	if (o.exports_dir == NULL || fs_mkdirs(o.exports_dir, 0700) == -1) {
		log_error("%s: %s", o.exports_dir ? o.exports_dir : "exports", strerror(errno));
		rc = BO_EXIT_FAIL;
		goto out;
	}
	lang = bo_conf_str(&o.b, "lang");
	o.lang0 = lang != NULL && strcmp(lang, "en") == 0 ? LANG_EN : LANG_JA;
	o.idle_s = a.idle_s;
	o.pull_s = a.pull_s;
	office_host_string(&sa, o.host, sizeof(o.host));
	snprintf(o.origin, sizeof(o.origin), "http://%s", o.host);
	if ((h = office_http_start(&o, fd, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		rc = BO_EXIT_FAIL;
		goto out;
	}
	fd = -1;	/* the daemon's now */
	office_signals();
	o.last_active = office_now();
	o.catalog = bo_catalog_fetch(&o.b);
	office_backfill(&o);
	office_link(&o, a.open);
	while (!office_stop) {
		office_http_run(h, 1000);
		office_tick(&o);
	}
	log_info("office: stopping; the key is wiped");
	rc = 0;
out:
	office_http_stop(h);
	if (fd != -1)
		close(fd);
	office_done(&o);
	return rc;
}
