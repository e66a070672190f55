/* showroom: the command-line tool for the brand's web team and the back office. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "showroom/commands.h"

static const struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*summary;
} commands[] = {
	{ "check",	cmd_check,	"check a content directory and report every problem" },
	{ "build",	cmd_build,	"render the public site and its PDF catalogs" },
	{ "keygen",	cmd_keygen,	"make a key holder's (or the root's) key pair" },
	{ "keyring",	cmd_keyring,	"sign, verify or show the keyring of trusted keys" },
	{ "pull",	cmd_pull,	"download new sealed records into the back-office store" },
	{ "list",	cmd_list,	"show open catalog requests or bookings as a table" },
	{ "export",	cmd_export,	"write catalog requests for a carrier or a label sheet" },
	{ "ack",	cmd_ack,	"acknowledge handled records; the server deletes them" },
	{ "bookings",	cmd_bookings,	"a dealer's test drives: day list, CSV or calendar file" },
	{ "slots",	cmd_slots,	"a dealer's calendar: close or open days, set demo cars" },
	{ "purge",	cmd_purge,	"delete acknowledged records and exports after N days" },
	{ "audit",	cmd_audit,	"verify the hash-chained audit log (audit verify)" },
	{ "trace",	cmd_trace,	"tell which export carried a seed address" },
	{ "office",	cmd_office,	"the back office in a browser, on this machine only" },
	{ "inventory",	cmd_inventory,	"print the data inventory (Markdown or JSON)" },
	{ "stats",	cmd_stats,	"the server's counts per day as a table and a chart" },
	{ "breach-report", cmd_breach_report, "prefill an APPI breach report for one part" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: showroom COMMAND [OPTIONS]   (showroom COMMAND --help)\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nexit codes: 0 success, 1 failure, 2 usage error; the back-office commands\n"
	    "also 3 wrong passphrase, 4 server unreachable, 5 a record refused, 6 keyring,\n"
	    "7 records set aside by export\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	log_set_prog("showroom");
	if (sodium_init() < 0) {
		log_error("libsodium failed to initialise");
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	log_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
