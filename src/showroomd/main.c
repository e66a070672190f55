/* showroomd: the web tier. Serves the built site from memory; holds no key that opens data. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cp932.h"
#include <curl/curl.h>

#include "lib/log.h"
#include "lib/errbuf.h"
#include "lib/wipe.h"
#include "store/store.h"
#include "showroomd/app.h"
#include "showroomd/http.h"
#include "showroomd/listen.h"
#include "showroomd/metrics.h"
#include "showroomd/metrics_http.h"
#include "showroomd/notify.h"
#include "showroomd/origin.h"
#include "showroomd/sandbox.h"
#include "showroomd/site.h"
#include "showroomd/trust.h"

struct options {
	const char	*site;
	const char	*listen;
	const char	*keyring;
	const char	*root_pub;
	const char	*data;
	const char	*user;
	int		 selftest;
	const char	*db;
	const char	*public_url;
	struct origin	 pub;		/* public_url, parsed */
	const char	*notify;
	unsigned	 max_age_days;
	unsigned	 rate_per_min;
	unsigned	 burst;
	unsigned	 threads;
	unsigned	 conn_limit;
	unsigned	 per_ip_limit;
	unsigned	 timeout_s;
	unsigned	 request_timeout_s;
	int		 access_log;
	char		 metrics_listen[300];	/* "" when none */
	int		 counters;
	unsigned	 counts_flush_s;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: showroomd --site SITE --listen HOST:PORT [options]\n"
	    "\n"
	    "  --site DIR          the built site (showroom build --out DIR)\n"
	    "  --listen HOST:PORT  address to listen on, e.g. 127.0.0.1:8080 or [::1]:8080\n"
	    "  --threads N         worker threads (default 1)\n"
	    "  --max-conns N       connections at once (default 10000)\n"
	    "  --max-conns-per-ip N  connections from one address (default 64)\n"
	    "  --timeout S         idle connection timeout in seconds (default 30)\n"
	    "  --request-timeout S  time to receive a whole request, in seconds (default 30)\n"
	    "  --no-access-log     do not log requests on stderr\n"
	    "  --metrics-listen [HOST:]PORT  serve GET /metrics (Prometheus text) on a\n"
	    "                      listener of its own; a bare PORT listens on 127.0.0.1\n"
	    "  --no-counters       count nothing: no daily counts, no request metrics\n"
	    "  --counts-flush S    add the counts to the store every S seconds (default 10)\n"
	    "  --keyring FILE      the signed keyring: the keys records are sealed to\n"
	    "  --root-pub FILE     the brand root's public key, which must have signed it\n"
	    "  --data DIR          where sealed submissions are stored (SQLite, DIR/showroom.db)\n"
	    "  --db URL            or in PostgreSQL, postgres://user@host/db (several nodes)\n"
	    "  --public-url URL    the site's address, https://HOST[:PORT]: the key holders'\n"
	    "                      signed requests must name it, form posts must come from it\n"
	    "  --max-age DAYS      delete records older than this at the latest (default 90)\n"
	    "  --notify FILE       tell key holders that records wait (e-mail, webhook), as\n"
	    "                      FILE (JSON) says; never what the records hold\n"
	    "  --rate N            form posts per minute per client (default 6)\n"
	    "  --burst N           form posts a client may send at once (default 10)\n"
	    "  --user NAME         started as root: drop to this user once the port is bound\n"
	    "  --sandbox-selftest  after start-up, try to open /etc/passwd, to exec and to make\n"
	    "                      packet, netlink and TCP sockets, and log what was refused\n"
	    "\n"
	    "After start-up showroomd confines itself: Landlock (read-only: the site, keyring,\n"
	    "root key; read-write: the data directory) and a seccomp allow-list without exec.\n"
	    "\n"
	    "Without --keyring and --data or --db showroomd serves the site only: the forms are\n"
	    "closed. Without --public-url the key holders' API is off (it answers 503), and\n"
	    "form posts are checked against the Host header.\n"
	    "An unsigned, tampered or expired keyring stops showroomd from starting.\n"
	    "Signals: SIGHUP reloads the site and the keyring; SIGTERM and SIGINT stop\n"
	    "gracefully.\n"
	    "Exit codes: 0 stopped cleanly, 1 could not start, 2 usage error.\n");
}

static int
parse_uint(const char *opt, const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > max) {
		log_error("%s %s: expected a whole number from %u to %u", opt, s, min, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-conns", required_argument, NULL, 'c' },
		{ "max-conns-per-ip", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "request-timeout", required_argument, NULL, 'W' },
		{ "no-access-log", no_argument, NULL, 'q' },
		{ "metrics-listen", required_argument, NULL, 'm' },
		{ "no-counters", no_argument, NULL, 'C' },
		{ "counts-flush", required_argument, NULL, 'F' },
		{ "keyring", required_argument, NULL, 'k' },
		{ "root-pub", required_argument, NULL, 'R' },
		{ "data", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "sandbox-selftest", no_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'D' },
		{ "public-url", required_argument, NULL, 'P' },
		{ "notify", required_argument, NULL, 'N' },
		{ "max-age", required_argument, NULL, 'a' },
		{ "rate", required_argument, NULL, 'r' },
		{ "burst", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[300];
	int ch;

	o->threads = 1;
	o->max_age_days = 90;
	o->rate_per_min = 6;
	o->burst = 10;
	o->conn_limit = 10000;
	o->per_ip_limit = 64;
	o->timeout_s = 30;
	o->request_timeout_s = 30;
	o->access_log = 1;
	o->counters = 1;
	o->counts_flush_s = 10;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o->site = optarg; break;
		case 'l': o->listen = optarg; break;
		case 't': if (parse_uint("--threads", optarg, 1, 256, &o->threads)) return -1; break;
		case 'c': if (parse_uint("--max-conns", optarg, 1, 1000000, &o->conn_limit)) return -1; break;
		case 'i': if (parse_uint("--max-conns-per-ip", optarg, 1, 1000000, &o->per_ip_limit)) return -1; break;
		case 'T': if (parse_uint("--timeout", optarg, 1, 3600, &o->timeout_s)) return -1; break;
		case 'W': if (parse_uint("--request-timeout", optarg, 1, 3600, &o->request_timeout_s)) return -1; break;
		case 'q': o->access_log = 0; break;
		case 'm':
			/* a bare port: loopback, so the counts stay on the machine by default */
			snprintf(o->metrics_listen, sizeof(o->metrics_listen),
			    strspn(optarg, "0123456789") == strlen(optarg) ? "127.0.0.1:%s" : "%s",
			    optarg);
			break;
		case 'C': o->counters = 0; break;
		case 'F': if (parse_uint("--counts-flush", optarg, 1, 3600, &o->counts_flush_s)) return -1; break;
		case 'k': o->keyring = optarg; break;
		case 'd': o->data = optarg; break;
		case 'u': o->user = optarg; break;
		case 'S': o->selftest = 1; break;
		case 'D': o->db = optarg; break;
		case 'P': o->public_url = optarg; break;
		case 'N': o->notify = optarg; break;
		case 'a': if (parse_uint("--max-age", optarg, 1, 3650, &o->max_age_days)) return -1; break;
		case 'r': if (parse_uint("--rate", optarg, 1, 1000000, &o->rate_per_min)) return -1; break;
		case 'b': if (parse_uint("--burst", optarg, 1, 1000000, &o->burst)) return -1; break;
		case 'R': o->root_pub = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind != argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (o->site == NULL || o->listen == NULL) {
		log_error("--site and --listen are required");
		return -1;
	}
	if ((o->keyring == NULL) != (o->root_pub == NULL)) {
		log_error("--keyring and --root-pub go together");
		return -1;
	}
	if (o->data != NULL && o->db != NULL) {
		log_error("--data and --db exclude each other: one store");
		return -1;
	}
	if (o->public_url != NULL &&
	    origin_parse(o->public_url, &o->pub, err, sizeof(err)) == -1) {
		log_error("--public-url %s", err);
		return -1;
	}
	if (o->notify != NULL && o->data == NULL && o->db == NULL) {
		log_error("--notify needs a store (--data or --db): notices come from its outbox");
		return -1;
	}
	if (o->db != NULL && strncmp(o->db, "postgres://", 11) != 0 &&
	    strncmp(o->db, "postgresql://", 13) != 0) {
		log_error("--db takes a postgres:// URL (SQLite: --data DIR)");
		return -1;
	}
	return 0;
}

static int
reload_site(const char *dir)
{
	char err[512];
	struct site *s;

	if ((s = site_load(dir, err, sizeof(err))) == NULL) {
		log_error("site not reloaded, still serving the previous one: %s", err);
		return -1;
	}
	log_info("site reloaded: %zu files, %zu bytes", s->nfiles, s->bytes);
	site_install(s);
	return 0;
}

/* Verifies the keyring against the pinned root, and puts it in use. */
static int
load_keyring(const char *path, const struct keys_public *root, int reload)
{
	char err[600];
	struct trust *t;
	time_t now = time(NULL);

	if ((t = trust_load(path, root, now, err, sizeof(err))) == NULL) {
		if (!reload) {
			log_error("refusing to start: %s", err);
			return -1;
		}
		log_error("keyring not reloaded: %s", err);
		/* the one in use may have expired meanwhile; then sealing stops */
		if ((t = trust_acquire(now)) == NULL)
			log_error("no valid keyring in use: nothing can be sealed");
		else
			log_warn("still using the previous keyring, valid until the end of %s",
			    t->kr.expires);
		trust_release(t);
		return -1;
	}
	log_info("keyring %s: %zu keys, valid until the end of %s (UTC), signed by %s", path,
	    t->kr.nkeys, t->kr.expires, t->kr.root_key_id);
	if (keys_keyring_hq(&t->kr, NULL, 0) == 0)
		log_warn("keyring %s lists no hq key: catalog requests cannot be sealed", path);
	trust_install(t);
	return 0;
}

/* The metrics listener's socket, bound before privileges are dropped, as the site's is. */
static int
metrics_listen(const char *spec, int *port, char *err, size_t errlen)
{
	char why[400];
	int fd;

	if ((fd = listen_open(spec, port, why, sizeof(why))) == -1)
		snprintf(err, errlen, "--metrics-listen: %s", why);
	else if (strncmp(spec, "127.", 4) != 0 && strncmp(spec, "[::1]:", 6) != 0 &&
	    strncmp(spec, "localhost:", 10) != 0)
		log_warn("--metrics-listen %s is not loopback: whoever reaches it sees the "
		    "counts (no personal data, but keep it inside)", spec);
	return fd;
}

static struct metrics_server *
metrics_start_listener(int fd, struct app *app, struct http_server *web, const char *spec,
    int port)
{
	struct metrics_source src = { app->store, web };
	struct metrics_server *m;
	char err[512];

	if ((m = metrics_server_start(fd, &src, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		close(fd);
		return NULL;
	}
	/* "(metrics port N)": never "(port N)", which names the site's listener */
	log_info("metrics on %s (metrics port %d): GET /metrics", spec, port);
	return m;
}

/* Drop root, then Landlock and seccomp, before any thread exists, so every thread the
 * store and the HTTP server start inherits the confinement. */
static int
confine(const struct options *o, char *err, size_t errlen)
{
	struct sandbox_paths p;
	char kdir[PATH_MAX], *slash;
	int n = 0, ruleset;

	memset(&p, 0, sizeof(p));
	if (sandbox_prepare_data(o->user, o->data, err, errlen) == -1)
		return -1;
	p.ro[n++] = o->site;
	if (o->keyring != NULL) {
		p.ro[n++] = o->keyring;
		p.ro[n++] = o->root_pub;
		/* a new keyring arrives by rename (showroom keyring sign -o, install, mv): a
		 * new file, which a rule on the old one does not cover. Its directory's files
		 * stay readable, so SIGHUP can read it. */
		snprintf(kdir, sizeof(kdir), "%s", o->keyring);
		if ((slash = strrchr(kdir, '/')) == NULL)
			snprintf(kdir, sizeof(kdir), ".");
		else if (slash == kdir)
			kdir[1] = '\0';
		else
			*slash = '\0';
		p.rfiles = kdir;
	}
	p.rw = o->data != NULL && strchr(o->data, ':') == NULL ? o->data : NULL;
	/* PostgreSQL: libpq connects, resolves names and may read TLS settings; notices:
	 * libcurl does the same (SMTP, HTTPS) and reads the CA certificates */
	p.net = o->db != NULL || o->notify != NULL;
	if ((ruleset = sandbox_landlock_prepare(&p, err, errlen)) == -1)
		return -1;
	if (sandbox_drop(o->user, 1, err, errlen) == -1 ||
	    sandbox_landlock_apply(ruleset, err, errlen) == -1 ||
	    sandbox_seccomp(p.net, err, errlen) == -1)
		return -1;
	log_info("sandbox: landlock and seccomp applied");
	return 0;
}

/* Everything from the keyring to the last signal; NCFG is the notices' or NULL. */
static int
serve(const struct options *op, const struct notify_config *ncfg)
{
	const struct options o = *op;
	struct http_config cfg;
	struct app_config acfg;
	struct app *app = NULL;
	struct keys_public root;
	struct http_server *srv;
	struct metrics_server *msrv = NULL;
	struct site *s;
	sigset_t set;
	char err[512];
	int fd, mfd = -1, port, mport = 0, sig;

	if (o.keyring != NULL) {
		if (trust_pin(o.root_pub, &root, err, sizeof(err)) == -1) {
			log_error("refusing to start: %s", err);
			return 1;
		}
		if (load_keyring(o.keyring, &root, 0) == -1)
			return 1;
	} else
		log_warn("no --keyring: nothing can be sealed, so no personal data is taken");
	if ((s = site_load(o.site, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		trust_install(NULL);
		return 1;
	}
	site_install(s);
	log_info("site loaded: %zu files, %zu bytes", s->nfiles, s->bytes);
	if ((fd = listen_open(o.listen, &port, err, sizeof(err))) == -1 ||
	    (o.metrics_listen[0] != '\0' && (mfd = metrics_listen(o.metrics_listen, &mport,
	    err, sizeof(err))) == -1)) {
		log_error("%s", err);
		if (fd != -1)
			close(fd);
		site_install(NULL);
		trust_install(NULL);
		return 1;
	}
	/* before any thread: the hot path reads these without a lock */
	metrics_enable(o.counters);
	if (o.counters)
		store_observe(metrics_store);
	/* Every thread inherits this mask; only the main thread takes signals, in sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen_fd = fd;
	cfg.threads = o.threads;
	cfg.conn_limit = o.conn_limit;
	cfg.per_ip_limit = o.per_ip_limit;
	cfg.timeout_s = o.timeout_s;
	cfg.request_timeout_s = o.request_timeout_s;
	cfg.mem_limit = HTTP_POOL;
	cfg.access_log = o.access_log;
	/* The forms check names and addresses against CP932; glibc's converter is out of
	 * reach once confined, so its table is built now. */
	if (cp932_init() == -1) {
		log_error("no CP932 converter in glibc (its gconv modules): catalog requests "
		    "cannot be checked");
		close(fd);
		if (mfd != -1)
			close(mfd);
		site_install(NULL);
		trust_install(NULL);
		return 1;
	}
	if (confine(&o, err, sizeof(err)) == -1) {
		log_error("%s", err);
		close(fd);
		if (mfd != -1)
			close(mfd);
		site_install(NULL);
		trust_install(NULL);
		return 1;
	}
	memset(&acfg, 0, sizeof(acfg));
	acfg.store_url = o.db != NULL ? o.db : o.data;
	acfg.pub = o.public_url != NULL ? &o.pub : NULL;
	acfg.max_age_days = o.max_age_days;
	acfg.rate_per_min = o.rate_per_min;
	acfg.burst = o.burst;
	acfg.counts_flush_s = o.counters ? o.counts_flush_s : 0;
	acfg.notify = ncfg;
	if ((app = app_new(&acfg, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		close(fd);
		if (mfd != -1)
			close(mfd);
		site_install(NULL);
		trust_install(NULL);
		return 1;
	}
	cfg.app = app;
	if (acfg.store_url == NULL)
		log_warn("no --data or --db: the forms are closed");
	if (acfg.pub != NULL)
		log_info("public URL %s: signed requests must name @authority %s",
		    o.pub.origin, o.pub.authority);
	else if (acfg.store_url != NULL)
		/* a signature for a Host the client chose pins nothing: a request signed
		 * for a fake server could be replayed here */
		log_warn("no --public-url: the key holders' API is off (503), and form "
		    "posts are checked against the Host header");
	if ((srv = http_start(&cfg, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		app_free(app);
		close(fd);
		if (mfd != -1)
			close(mfd);
		site_install(NULL);
		trust_install(NULL);
		return 1;
	}
	log_info("listening on %s (port %d), %u thread%s", o.listen, port, o.threads,
	    o.threads == 1 ? "" : "s");
	if (mfd != -1 && (msrv = metrics_start_listener(mfd, app, srv, o.metrics_listen,
	    mport)) == NULL) {
		http_stop(srv, 0);
		app_free(app);
		site_install(NULL);
		trust_install(NULL);
		return 1;
	}
	if (!o.counters)
		log_info("counting nothing (--no-counters)");
	if (o.selftest)
		sandbox_selftest();
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload_site(o.site);
			if (o.keyring != NULL)
				load_keyring(o.keyring, &root, 1);
			continue;
		}
		break;
	}
	log_info("stopping: finishing requests under way");
	metrics_server_stop(msrv);
	http_stop(srv, 5);
	app_free(app);
	site_install(NULL);
	trust_install(NULL);
	log_info("stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	struct notify_config ncfg;
	struct options o;
	char err[512];
	int rc;

	log_set_prog("showroomd");
	if (sodium_init() < 0) {
		log_error("libsodium failed to initialise");
		return 1;
	}
	/* the views that render a form again hold what was typed */
	wipe_json_install();
	memset(&o, 0, sizeof(o));
	if (parse_options(argc, argv, &o) == -1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.notify == NULL)
		return serve(&o, NULL);
	/* read before the sandbox closes the file system; libcurl set up before threads */
	if (notify_config_read(o.notify, &ncfg, err, sizeof(err)) == -1) {
		log_error("refusing to start: --notify %s", err);
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("libcurl failed to initialise");
		notify_config_free(&ncfg);
		return 1;
	}
	rc = serve(&o, &ncfg);
	curl_global_cleanup();
	notify_config_free(&ncfg);
	return rc;
}
