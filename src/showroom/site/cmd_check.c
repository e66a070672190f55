/* showroom check --content DIR: report every problem of a content directory. */
#include <getopt.h>
#include <stdio.h>

#include "content/content.h"
#include "lib/log.h"
#include "showroom/commands.h"

static void
check_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom check --content DIR\n"
	    "\n"
	    "Checks a content directory (docs/CONTENT.md) and prints every problem\n"
	    "as FILE: PATH: MESSAGE on stderr, then a summary line.\n"
	    "\n"
	    "  -c, --content DIR   the content directory\n"
	    "  -h, --help          this help\n"
	    "\n"
	    "exit codes: 0 no problems, 1 problems found, 2 usage error\n");
}

/* Returns 0 with *dirp set, 1 for --help, or EXIT_USAGE after a message. */
static int
check_args(int argc, char **argv, const char **dirp)
{
	static const struct option opts[] = {
		{ "content",	required_argument,	NULL,	'c' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	int ch;

	*dirp = NULL;
	opterr = 0;	/* our own messages, with the command's name */
	optind = 0;	/* glibc: start over, the command may run twice (tests) */
	while ((ch = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			*dirp = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			log_error("check: option '%s' needs an argument",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (optopt != 0)
				log_error("check: unknown option '-%c'", optopt);
			else
				log_error("check: unknown option '%s'",
				    argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("check: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (*dirp == NULL) {
		log_error("check: --content DIR is required");
		return EXIT_USAGE;
	}
	return 0;
}

int
cmd_check(int argc, char **argv)
{
	struct content_diags d = { NULL, 0 };
	struct content c;
	const char *dir;
	size_t i;
	int rc;

	if ((rc = check_args(argc, argv, &dir)) == 1) {
		check_usage(stdout);
		return 0;
	}
	if (rc != 0) {
		fprintf(stderr, "usage: showroom check --content DIR   "
		    "(showroom check --help)\n");
		return rc;
	}
	rc = content_load(dir, &c, &d);
	for (i = 0; i < d.n; i++)
		fprintf(stderr, "%s: %s: %s\n", d.v[i].file, d.v[i].path, d.v[i].msg);
	if (rc == 0)
		printf("%s: %zu model%s, %zu dealer%s, no problems\n", dir, c.nmodels,
		    c.nmodels == 1 ? "" : "s", c.ndealers, c.ndealers == 1 ? "" : "s");
	else if (d.n == 0)	/* the diagnostics themselves ran out of memory */
		fprintf(stderr, "%s: problems found (out of memory)\n", dir);
	else
		fprintf(stderr, "%s: %zu problem%s\n", dir, d.n, d.n == 1 ? "" : "s");
	content_diags_free(&d);
	content_free(&c);
	return rc == 0 ? 0 : 1;
}
