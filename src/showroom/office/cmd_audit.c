/*
 * showroom audit verify: checks the hash chain of the back-office audit log and prints
 * the entry count and the head hash (keep them elsewhere: a chain cannot show its own
 * tail cut off). showroom trace TEXT: which export carried the seed address TEXT.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "showroom/office/audit.h"
#include "showroom/office/bo.h"
#include "showroom/commands.h"

static void
audit_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom audit verify [--log FILE | --store DIR] [--config FILE]\n"
	    "\n"
	    "Verifies the hash-chained audit log (DIR/audit.log): any entry edited, deleted,\n"
	    "reordered or cut short is found and its line named. Prints the number of\n"
	    "entries and the head hash; keep them somewhere else and compare next time,\n"
	    "since entries cut from the end, or an older copy of the whole file, leave a\n"
	    "valid chain.\n"
	    "\n"
	    "  --log FILE       the log to verify (default: DIR/audit.log of the store)\n"
	    "  --store DIR      back-office store (default $XDG_DATA_HOME/showroom)\n"
	    "  --config FILE    configuration (for \"store\")\n"
	    "\n"
	    "Exit codes: 0 intact, 1 broken or unreadable, 2 usage error.\n");
}

static void
trace_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom trace TEXT [--log FILE | --store DIR] [--config FILE]\n"
	    "\n"
	    "Tells which export carried the seed address TEXT (a whole leaked line, or a\n"
	    "part of an address of at least %d characters; spacing, width and dashes do not\n"
	    "matter): when, by which key, in what format, to which file, with the file's\n"
	    "SHA-256. The log is verified first; a broken chain is reported.\n"
	    "\n"
	    "  --log FILE       the log (default: DIR/audit.log of the store)\n"
	    "  --store DIR      back-office store (default $XDG_DATA_HOME/showroom)\n"
	    "  --config FILE    configuration (for \"store\")\n"
	    "\n"
	    "Exit codes: 0 found, 1 not found or failure, 2 usage error.\n", AUDIT_TRACE_MIN);
}

/* Parses the options shared by both; the log path in *logp (free it). */
static int
audit_options(int argc, char **argv, void (*usage)(FILE *), char **logp)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bo_opts o;
	struct bo b;
	const char *log = NULL;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) != -1) {
		if (ch == 'l') {
			log = optarg;
			continue;
		}
		return bo_usage(usage, ch) == 0 ? -1 : EXIT_USAGE;
	}
	if (log != NULL) {
		*logp = strdup(log);
		return *logp != NULL ? 0 : BO_EXIT_FAIL;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_STORE)) == 0) {
		*logp = b.audit_path;
		b.audit_path = NULL;
	}
	bo_done(&b);
	return rc;
}

static int
audit_check(const char *path, int quiet)
{
	struct audit_report r;

	if (audit_verify(path, &r) == 0) {
		if (!quiet)
			printf("audit log %s: intact, %zu entr%s, head %s\n", path, r.entries,
			    r.entries == 1 ? "y" : "ies", r.head[0] ? r.head : "(empty)");
		return 0;
	}
	log_error("audit log %s: BROKEN at line %zu: %s: %s (%zu good entries before it, "
	    "head %s)", path, r.line, audit_status_str(r.status), r.detail, r.entries,
	    r.head[0] ? r.head : "(none)");
	return -1;
}

int
cmd_audit(int argc, char **argv)
{
	char *log = NULL;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		audit_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "verify") != 0) {
		log_error("unknown audit command '%s'", argv[1]);
		audit_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = audit_options(argc - 1, argv + 1, audit_usage, &log)) != 0)
		return rc == -1 ? 0 : rc;
	rc = audit_check(log, 0) == 0 ? 0 : BO_EXIT_FAIL;
	free(log);
	return rc;
}

static const char *
trace_match(enum audit_match m)
{
	switch (m) {
	case AUDIT_MATCH_EXACT: return "exact";
	case AUDIT_MATCH_IN_SEED: return "the text is part of the seed";
	case AUDIT_MATCH_SEED_IN: return "the seed is part of the text";
	}
	return "?";
}

int
cmd_trace(int argc, char **argv)
{
	struct audit_hits hits;
	const char *text = NULL;
	char *log = NULL, err[512];
	size_t i;
	int rc, k;

	/* TEXT is the one operand; take it out before the options are parsed */
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			trace_usage(stdout);
			return 0;
		}
		if (argv[k][0] == '-' && argv[k][1] == '-') {
			k += strchr(argv[k], '=') == NULL;	/* skip its value */
			continue;
		}
		if (text != NULL) {
			trace_usage(stderr);
			return EXIT_USAGE;
		}
		text = argv[k];
		memmove(argv + k, argv + k + 1, (size_t)(argc - k - 1) * sizeof(*argv));
		argc--;
		k--;
	}
	if (text == NULL) {
		trace_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = audit_options(argc, argv, trace_usage, &log)) != 0)
		return rc == -1 ? 0 : rc;
	if (audit_check(log, 1) == -1)
		log_warn("the audit log is damaged: the entries up to the damage are searched");
	if (audit_trace(log, text, &hits, err, sizeof(err)) == -1) {
		log_error("trace: %s", err);
		free(log);
		return BO_EXIT_FAIL;
	}
	for (i = 0; i < hits.n; i++) {
		const struct audit_hit *h = &hits.v[i];

		printf("seed %s (%s) was carried by audit entry %lld:\n"
		    "  when    %s\n  by      %s\n  action  %s\n  format  %s\n  file    %s\n"
		    "  sha256  %s\n", h->seed_id, trace_match(h->match), (long long)h->seq,
		    h->time, h->key_id, h->action, h->format ? h->format : "-",
		    h->file ? h->file : "-", h->file_sha256 ? h->file_sha256 : "-");
	}
	if (hits.n == 0)
		printf("no export carried a seed matching that text\n");
	rc = hits.n > 0 ? 0 : BO_EXIT_FAIL;
	audit_hits_free(&hits);
	free(log);
	return rc;
}
