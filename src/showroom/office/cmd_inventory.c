/*
 * showroom inventory: the data inventory, for the privacy officer. It lives with the back
 * office because that is who runs it (beside stats and breach-report), though it needs no
 * key, no server and no content: it prints the privacy page's own view of the inventory
 * table (invdoc.h), so the two cannot disagree.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "lib/log.h"
#include "showroom/commands.h"
#include "showroom/office/invdoc.h"

static void
inventory_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom inventory [--format markdown|json] [--lang ja|en] [--out FILE]\n"
	    "\n"
	    "Prints the data inventory: for each form, every personal field it accepts with\n"
	    "its label (Japanese and English), whether it is required, its limits and\n"
	    "validation, its purpose (利用目的), its recipient and its retention; then the\n"
	    "technical fields. It is the privacy page's view of the same table, so the two\n"
	    "always agree. Needs no key and no server.\n"
	    "\n"
	    "  --format F       markdown (default) or json (both languages in every text)\n"
	    "  --lang L         language of the Markdown prose: ja (default) or en\n"
	    "  --out FILE       write to FILE (mode 0644) instead of standard output\n"
	    "\n"
	    "Exit codes: 0 success, 1 failure, 2 usage error.\n");
}

static int
inventory_write(const char *out, const struct buf *b)
{
	if (out == NULL) {
		if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
			log_error("inventory: cannot write to standard output");
			return 1;
		}
		return 0;
	}
	if (fs_write_file(out, b->data, b->len, 0644) == -1) {
		log_error("inventory: %s: cannot write it", out);
		return 1;
	}
	return 0;
}

int
cmd_inventory(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "markdown", *out = NULL;
	struct buf b = BUF_INIT;
	enum lang l = LANG_JA;
	json_t *doc;
	char *text;
	int ch, rc = 1;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "ja") != 0 && strcmp(optarg, "en") != 0) {
				log_error("inventory: --lang is ja or en");
				return EXIT_USAGE;
			}
			l = strcmp(optarg, "en") == 0 ? LANG_EN : LANG_JA;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			inventory_usage(stdout);
			return 0;
		default:
			inventory_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (strcmp(format, "markdown") != 0 && strcmp(format, "json") != 0)) {
		inventory_usage(stderr);
		return EXIT_USAGE;
	}
	if ((doc = invdoc_new()) == NULL) {
		log_error("inventory: out of memory");
		return 1;
	}
	if (strcmp(format, "json") == 0) {
		if ((text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) != NULL &&
		    buf_puts(&b, text) == 0 && buf_putc(&b, '\n') == 0)
			rc = 0;
		free(text);
	} else if (invdoc_markdown(doc, l, &b) == 0)
		rc = 0;
	json_decref(doc);
	if (rc != 0)
		log_error("inventory: out of memory");
	else
		rc = inventory_write(out, &b);
	buf_free(&b);
	return rc;
}
