/* showroom keygen: makes a key holder's key pair, or the brand root's. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "seal/keys.h"
#include "lib/log.h"
#include "showroom/commands.h"
#include "showroom/keys/keys_secret.h"

struct keygen_opts {
	enum keys_role	 role;
	const char	*dealer;
	const char	*name;
	const char	*out;
	int		 force;
	int		 weak;	/* --weak-passphrase-for-demo */
};

static void
keygen_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom keygen --role root|hq|dealer|privacy [--dealer CODE] --name NAME\n"
	    "                       --out PREFIX [--force]\n"
	    "\n"
	    "Makes a key pair and writes PREFIX.public (to hand to the key ceremony) and\n"
	    "PREFIX.secret (mode 0600, sealed under your passphrase with Argon2id and\n"
	    "XChaCha20-Poly1305). hq and dealer keys open sealed records and sign API\n"
	    "requests; a privacy key signs the privacy officer's requests for counts\n"
	    "and is never sealed to; the root key only signs keyrings and is kept offline.\n"
	    "\n"
	    "  --role ROLE    root, hq, dealer or privacy\n"
	    "  --dealer CODE  the dealer's code (dealer keys only), as in dealers/CODE.json\n"
	    "  --name NAME    who holds the key, e.g. \"Example Dealer Tokyo\"\n"
	    "  --out PREFIX   write PREFIX.public and PREFIX.secret\n"
	    "  --force        replace existing files\n"
	    "  --weak-passphrase-for-demo  accept a short passphrase (make demo's \"demo\");\n"
	    "                 never for real keys\n"
	    "\n"
	    "The passphrase comes from $%s when it is set, else it is asked twice\n"
	    "on the terminal (at least %d characters). Prints the key id and fingerprint.\n"
	    "Exit codes: 0 written, 1 failure, 2 usage error.\n", KEYS_PASS_ENV, KEYS_PASS_MIN);
}

/* Returns -1 on a usage error, 1 when --help was asked, else 0. */
static int
keygen_options(int argc, char **argv, struct keygen_opts *o)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "dealer", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "weak-passphrase-for-demo", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* glibc: start afresh, the command may run more than once */
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if ((o->role = keys_role_parse(optarg)) == 0) {
				log_error("--role must be root, hq, dealer or privacy");
				return -1;
			}
			break;
		case 'd': o->dealer = optarg; break;
		case 'n': o->name = optarg; break;
		case 'o': o->out = optarg; break;
		case 'f': o->force = 1; break;
		case 'W': o->weak = 1; break;
		case 'h': return 1;
		default: return -1;
		}
	}
	if (optind != argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (o->role == 0 || o->name == NULL || o->out == NULL) {
		log_error("--role, --name and --out are required");
		return -1;
	}
	if ((o->role == KEYS_ROLE_DEALER) != (o->dealer != NULL)) {
		log_error(o->dealer ? "--dealer is for dealer keys only" :
		    "a dealer key needs --dealer CODE");
		return -1;
	}
	if (o->dealer != NULL && !keys_dealer_code_valid(o->dealer)) {
		log_error("--dealer %s: a dealer code is 1 to %d of a-z, 0-9 and '-'", o->dealer,
		    KEYS_DEALER_MAX);
		return -1;
	}
	return 0;
}

/* Says so before the passphrase is asked, rather than after. */
static int
keygen_check_free(const char *prefix)
{
	static const char *const ext[] = { ".public", ".secret" };
	struct stat st;
	char path[4096];
	size_t i;

	for (i = 0; i < 2; i++) {
		if (snprintf(path, sizeof(path), "%s%s", prefix, ext[i]) >= (int)sizeof(path)) {
			log_error("%s: path too long", prefix);
			return -1;
		}
		if (lstat(path, &st) == 0) {
			log_error("%s already exists (--force replaces it)", path);
			return -1;
		}
	}
	return 0;
}

int
cmd_keygen(int argc, char **argv)
{
	struct keygen_opts o;
	struct keys_identity id;
	struct keys_error err;
	char *pass = NULL, secfile[4096], fpr[80];
	int rc;

	if ((rc = keygen_options(argc, argv, &o)) != 0) {
		keygen_usage(rc == 1 ? stdout : stderr);
		return rc == 1 ? 0 : EXIT_USAGE;
	}
	/* Keys first: a bad name is a usage error, found before any passphrase is typed. */
	if (keys_generate(o.role, o.dealer, o.name, time(NULL), &id, &err) != KEYS_OK) {
		log_error("%s", err.msg);
		return err.code == KEYS_E_INVALID ? EXIT_USAGE : 1;
	}
	rc = 1;
	if (!o.force && keygen_check_free(o.out) == -1)
		goto out;
	snprintf(secfile, sizeof(secfile), "%s.secret", o.out);
	if (keys_passphrase(secfile, 1, &pass, &err) == KEYS_OK && !o.weak &&
	    strlen(pass) < KEYS_PASS_MIN) {
		err.code = KEYS_E_INVALID;
		snprintf(err.msg, sizeof(err.msg), "passphrase too short: use at least %d "
		    "characters", KEYS_PASS_MIN);
		keys_passphrase_free(pass);
		pass = NULL;
	}
	if (pass == NULL || keys_identity_save(o.out, &id, pass, o.force, &err) != KEYS_OK) {
		log_error("%s", err.msg);
		goto out;
	}
	keys_fingerprint_text(&id.pub, fpr);
	printf("key id       %s\n", id.pub.key_id);
	printf("fingerprint  %s\n", fpr);
	printf("wrote %s.public and %s.secret\n", o.out, o.out);
	if (o.role == KEYS_ROLE_ROOT)
		printf("keep %s.secret offline; it signs keyrings and nothing else\n", o.out);
	rc = 0;
out:
	keys_passphrase_free(pass);
	keys_identity_free(&id);
	return rc;
}
