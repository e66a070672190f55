/*
 * showroom breach-report: the APPI report items (Enforcement Rules art. 8) for a leak of one
 * part of the system, prefilled from the design, the server's live counts (a signed
 * GET /api/v1/counts) and the audit log, with the deadlines from the day of discovery.
 * Blanks that only a person can fill stay marked; see breach.h.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/jtime.h"
#include "lib/log.h"
#include "lib/sha256file.h"
#include "showroom/commands.h"
#include "showroom/office/audit.h"
#include "showroom/office/bo.h"
#include "showroom/office/breach.h"
#include "showroom/office/counts.h"
#include "showroom/office/invdoc.h"

struct report_opts {
	const char	*discovered, *since, *scope, *out, *log;
	enum lang	 lang;
};

static void
report_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom breach-report --discovered YYYY-MM-DD\n"
	    "                              --scope web-tier|hq-key|dealer:CODE|export:FILE\n"
	    "                              [--since YYYY-MM-DD] [--lang ja|en]\n"
	    "                              [--out FILE.md|FILE.pdf] [--log FILE]\n"
	    "                              [--identity PREFIX --server URL] [--config FILE]\n"
	    "\n"
	    "Prefills the items of a report to the Personal Information Protection\n"
	    "Commission (APPI, Enforcement Rules art. 8) for a compromise of one part:\n"
	    "overview, personal data items, number of persons (an upper bound: records,\n"
	    "not persons), cause, secondary harm, response to the persons, publication,\n"
	    "measures and other matters; whether the 1,000-person threshold is crossed;\n"
	    "and the preliminary and confirmed deadlines from the day of discovery. What\n"
	    "the part exposes comes from the design; numbers from the server's counts\n"
	    "(signed by a privacy or hq key) and, for exports, the audit log. What only a\n"
	    "person can know is left as a marked blank.\n"
	    "\n"
	    "  --discovered D   the day the business knew of it (Japan time)\n"
	    "  --scope S        web-tier, hq-key, dealer:CODE or export:FILE\n"
	    "  --since D        the first day it may have begun, if known\n"
	    "  --lang L         ja (default) or en\n"
	    "  --out FILE       FILE.md (Markdown) or FILE.pdf, mode 0600; default: Markdown\n"
	    "                   on standard output\n"
	    "  --log FILE       the audit log (default: DIR/audit.log of the store)\n"
	    BO_COMMON_HELP "\n"
	    "Without --identity and --server the numbers are left blank. When the server\n"
	    "cannot be reached the report is still written, with blanks, and the exit code\n"
	    "is 4.\n" BO_EXIT_HELP);
}

static int
report_day_ok(const char *s)
{
	return s != NULL && strlen(s) == 10 && jtime_midnight(s) != -1;
}

/* Returns -1 to go on, or the exit code. */
static int
report_options(int argc, char **argv, struct bo_opts *o, struct report_opts *r)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "discovered", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "scope", required_argument, NULL, 'S' },
		{ "lang", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "log", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	memset(r, 0, sizeof(*r));
	optind = 0;
	while ((ch = bo_getopt(o, argc, argv, "h", longopts)) != -1) {
		switch (ch) {
		case 'd': r->discovered = optarg; break;
		case 's': r->since = optarg; break;
		case 'S': r->scope = optarg; break;
		case 'o': r->out = optarg; break;
		case 'L': r->log = optarg; break;
		case 'l':
			if (strcmp(optarg, "ja") != 0 && strcmp(optarg, "en") != 0)
				return bo_usage(report_usage, '?');
			r->lang = strcmp(optarg, "en") == 0 ? LANG_EN : LANG_JA;
			break;
		default:
			return bo_usage(report_usage, ch);
		}
	}
	if (optind != argc || r->scope == NULL || !report_day_ok(r->discovered) ||
	    (r->since != NULL && (!report_day_ok(r->since) ||
	    strcmp(r->since, r->discovered) > 0))) {
		log_error("breach-report: --discovered YYYY-MM-DD and --scope are needed; "
		    "--since is a day on or before it");
		return bo_usage(report_usage, '?');
	}
	return -1;
}

/* Days of counts to ask for: back to --since, 30 at least, 400 at most. */
static int
report_days(const struct report_opts *r, time_t now)
{
	long days = 30;
	time_t since;

	if (r->since != NULL && (since = jtime_midnight(r->since)) != -1 && since < now)
		days = (long)((now - since) / 86400) + 2;
	if (days < 30)
		days = 30;
	return days > COUNTS_DAYS_MAX ? COUNTS_DAYS_MAX : (int)days;
}

/* Whether audit entry E is an export of FILE (by its SHA-256 when FILE can be read). */
static int
report_export_of(const json_t *e, const char *file, const char *hex)
{
	const char *f = json_string_value(json_object_get(e, "file"));
	const char *h = json_string_value(json_object_get(e, "file_sha256"));
	char *a, *b;
	int same;

	if (hex != NULL && h != NULL && strcmp(h, hex) == 0)
		return 1;
	if (f == NULL)
		return 0;
	if (strcmp(f, file) == 0)
		return 1;
	if ((a = strdup(f)) == NULL || (b = strdup(file)) == NULL) {
		free(a);
		return 0;
	}
	same = strcmp(basename(a), basename(b)) == 0;
	free(a);
	free(b);
	return same;
}

/* The export entries of the log that matter to the scope (see breach.h). */
static json_t *
report_exports(const char *log, enum breach_scope scope, const char *file)
{
	char *data = NULL, *line, *save, hex[SHA256_HEXLEN + 1];
	json_t *out = json_array(), *e;
	const char *kind, *key, *path;
	int have_hex;
	size_t len;

	if (fs_read_file(log, &data, &len) == -1)
		return out;
	have_hex = scope == BREACH_EXPORT && sha256_file_hex(file, hex) == 0;
	for (line = strtok_r(data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((e = json_loads(line, 0, NULL)) == NULL)
			continue;
		kind = json_string_value(json_object_get(e, "action"));
		key = json_string_value(json_object_get(e, "key_id"));
		path = json_string_value(json_object_get(e, "file"));
		if (kind != NULL && strcmp(kind, "export") == 0 && (scope == BREACH_EXPORT ?
		    report_export_of(e, file, have_hex ? hex : NULL) :
		    key != NULL && strncmp(key, "hq-", 3) == 0 && path != NULL &&
		    access(path, F_OK) == 0))
			json_array_append(out, e);
		json_decref(e);
	}
	free(data);
	return out;
}

static char *
report_audit_state(const char *log, enum lang l)
{
	struct audit_report ar;
	char *s = NULL;
	int n;

	if (audit_verify(log, &ar) == 0)
		n = asprintf(&s, l == LANG_JA ? "%s は改ざんなし（%zu 件、先頭のハッシュ %s）" :
		    "%s is intact (%zu entries, head %s)", log, ar.entries, ar.head);
	else
		n = asprintf(&s, l == LANG_JA ? "%s は %zu 行目で壊れています（%s）: %s" :
		    "%s is broken at line %zu (%s): %s", log, ar.line,
		    audit_status_str(ar.status), ar.detail);
	return n == -1 ? NULL : s;
}

static int
report_write(const struct report_opts *r, const struct buf *md)
{
	size_t n = r->out != NULL ? strlen(r->out) : 0;
	char err[512];

	if (r->out == NULL) {
		fwrite(md->data, 1, md->len, stdout);
		return fflush(stdout) == 0 ? 0 : BO_EXIT_FAIL;
	}
	if (n > 4 && strcmp(r->out + n - 4, ".pdf") == 0) {
		if (breach_pdf(md->data, md->len, r->lang, r->out, err, sizeof(err)) == -1) {
			log_error("breach-report: %s", err);
			return BO_EXIT_FAIL;
		}
	} else if (fs_write_file(r->out, md->data, md->len, 0600) == -1) {
		log_error("breach-report: %s: %s", r->out, strerror(errno));
		return BO_EXIT_FAIL;
	}
	printf("%s\n", r->out);
	return 0;
}

/* The server's counts, or why there are none (in IN) and the exit code to end with. */
static int
report_counts(struct bo *b, const struct report_opts *r, struct breach_in *in,
    json_t **counts)
{
	int rc;

	*counts = NULL;
	if (b->identity == NULL || b->server == NULL) {
		in->counts_why = r->lang == LANG_JA ? "--identity と --server がないため、サーバーの"
		    "集計を読んでいません" : "no --identity and --server: the server's counts were "
		    "not read";
		return 0;
	}
	if ((rc = counts_fetch(b, report_days(r, in->now), counts)) != 0)
		in->counts_why = r->lang == LANG_JA ? "サーバーの集計を読めませんでした（標準エラー"
		    "出力を参照）" : "the server's counts could not be read (see standard error)";
	in->counts = *counts;
	return rc;
}

int
cmd_breach_report(int argc, char **argv)
{
	struct breach_in in;
	struct report_opts r;
	struct bo_opts o;
	struct buf md = BUF_INIT;
	json_t *counts = NULL, *inv = NULL, *exports = NULL;
	char *log = NULL, *state = NULL;
	struct bo b;
	unsigned need;
	int rc, crc = 0;

	if ((rc = report_options(argc, argv, &o, &r)) != -1)
		return rc;
	memset(&in, 0, sizeof(in));
	in.lang = r.lang;
	in.discovered = r.discovered;
	in.since = r.since;
	in.now = time(NULL);
	if (breach_scope_parse(r.scope, &in.scope, &in.scope_arg) == -1) {
		log_error("breach-report: --scope is web-tier, hq-key, dealer:CODE or export:FILE");
		return EXIT_USAGE;
	}
	/* the identity only when one is configured (option or config): a report can be made
	 * without counts; a first look at the configuration tells */
	if ((rc = bo_init(&b, &o, 0)) != 0)
		goto out;
	need = b.identity != NULL && b.server != NULL ? BO_NEED_SECRET : 0;
	if ((in.scope == BREACH_EXPORT || in.scope == BREACH_HQ_KEY) && r.log == NULL)
		need |= BO_NEED_STORE;
	bo_done(&b);
	if ((rc = bo_init(&b, &o, need)) != 0)
		goto out;
	if ((inv = invdoc_new()) == NULL) {
		log_error("breach-report: out of memory");
		rc = BO_EXIT_FAIL;
		goto out;
	}
	in.inventory = inv;
	crc = report_counts(&b, &r, &in, &counts);
	if (in.scope == BREACH_EXPORT || in.scope == BREACH_HQ_KEY) {
		log = strdup(r.log != NULL ? r.log : b.audit_path);
		exports = log != NULL ? report_exports(log, in.scope, in.scope_arg) : NULL;
		state = log != NULL ? report_audit_state(log, r.lang) : NULL;
		in.exports = exports;
		in.audit_state = state;
	}
	if (breach_markdown(&in, &md) == -1) {
		log_error("breach-report: out of memory");
		rc = BO_EXIT_FAIL;
		goto out;
	}
	if ((rc = report_write(&r, &md)) == 0 && crc != 0)
		rc = crc;
out:
	buf_free(&md);
	json_decref(counts);
	json_decref(inv);
	json_decref(exports);
	free(log);
	free(state);
	bo_done(&b);
	return rc;
}
