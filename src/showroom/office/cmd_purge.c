/*
 * showroom purge: the retention rule. Records acknowledged more than N days ago
 * (purge_days in the config, default 14) are deleted from the back-office store
 * (secure_delete), and so are the export files written from them (unlinked). A
 * booking also waits until its slot is N days past: dealers acknowledge on pulling.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "showroom/office/bo.h"
#include "showroom/commands.h"

static void
purge_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom purge [--days N] [--identity PREFIX] [--store DIR]\n"
	    "                      [--config FILE]\n"
	    "\n"
	    "Deletes from the back-office store every record acknowledged more than N days\n"
	    "ago, and unlinks the export files (shipping exports, booking files) whose\n"
	    "records were all acknowledged more than N days ago. A test-drive booking (and\n"
	    "its cancellation, and the files made from it) is kept until its slot is N days\n"
	    "past too. N is purge_days in the config, 14 by default. Appends a \"purge\" entry to the audit log (with the\n"
	    "identity's key id when --identity is given).\n"
	    "\n"
	    "  --days N         override purge_days (0: everything acknowledged, bookings\n"
	    "                   whose slot has passed)\n"
	    BO_COMMON_HELP "\n" BO_EXIT_HELP);
}

static int
purge_unlink(void *arg, const char *path)
{
	if (unlink(path) == -1 && errno != ENOENT) {
		log_error("purge: %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_purge(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "days", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bo_opts o;
	struct bo b;
	char err[512], *end;
	long days = -1;
	size_t nrecs, nkept, nfiles, nfailed;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) != -1) {
		if (ch == 'd') {
			errno = 0;
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || days < 0 || days > 3650) {
				log_error("--days must be 0 to 3650");
				return EXIT_USAGE;
			}
			continue;
		}
		return bo_usage(purge_usage, ch);
	}
	if (optind != argc)
		return bo_usage(purge_usage, 0);
	if ((rc = bo_init(&b, &o, BO_NEED_STORE | (o.identity != NULL ? BO_NEED_PUBLIC : 0)))
	    != 0)
		goto out;
	if (days < 0)
		days = b.purge_days;
	if (bostore_purge(b.db, (int64_t)time(NULL) - (int64_t)days * 86400, purge_unlink, NULL,
	    &nrecs, &nkept, &nfiles, &nfailed, err, sizeof(err)) == -1) {
		log_error("%s", err);
		rc = BO_EXIT_FAIL;
		goto out;
	}
	{
		const struct audit_count cnt[] = {
			{ "records", (int64_t)nrecs }, { "files", (int64_t)nfiles },
			{ "failed", (int64_t)nfailed }, { "days", (int64_t)days },
		};
		if (bo_audit(&b, "purge", cnt, 4, NULL, NULL, NULL) == -1)
			rc = BO_EXIT_FAIL;
	}
	printf("purged %zu record%s and %zu export file%s acknowledged more than %ld day%s "
	    "ago\n", nrecs, nrecs == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s", days,
	    days == 1 ? "" : "s");
	if (nkept > 0)
		printf("kept %zu acknowledged booking record%s (and the files made from them) "
		    "until the test drive is as old\n", nkept, nkept == 1 ? "" : "s");
	if (nfailed > 0) {
		log_error("%zu export file%s could not be removed (see above)", nfailed,
		    nfailed == 1 ? "" : "s");
		rc = BO_EXIT_FAIL;
	}
out:
	bo_done(&b);
	return rc;
}
