/*
 * showroom keyring: signs, verifies and shows the keyring, the root-signed list of the keys
 * that may receive personal data.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/fsutil.h"
#include "seal/keys.h"
#include "lib/log.h"
#include "showroom/commands.h"
#include "showroom/keys/keys_secret.h"

#define KEYRING_WARN_DAYS	30

static void
keyring_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom keyring sign --root ROOT.secret --expires YYYY-MM-DD -o KEYRING\n"
	    "                             PUBLIC...\n"
	    "       showroom keyring verify --root-pub ROOT.public [--at YYYY-MM-DD] KEYRING\n"
	    "       showroom keyring show KEYRING\n"
	    "\n"
	    "sign    lists the hq and dealer public key files in a keyring valid until the end\n"
	    "        of the expiry day (UTC), signed by the root key. The root passphrase comes\n"
	    "        from $%s or the terminal. ROOT.public must sit next to\n"
	    "        ROOT.secret.\n"
	    "verify  checks the signature against the root public key, and the expiry (now, or\n"
	    "        at the start of the --at day), and lists the keys.\n"
	    "show    lists the keys without checking anything; do not trust what it shows.\n"
	    "\n"
	    "Exit codes: 0 done (verify: valid), 1 failure (verify: invalid), 2 usage error.\n",
	    KEYS_PASS_ENV);
}

static int
keyring_usage_error(void)
{
	keyring_usage(stderr);
	return EXIT_USAGE;
}

static void
keyring_print(const char *file, const struct keys_keyring *kr, time_t now, int verified)
{
	long long days = ((long long)kr->expires_at - (long long)now) / 86400;
	size_t i;

	printf("%s\n", file);
	printf("  issued   %s\n", kr->issued);
	printf("  expires  %s (end of day, UTC)\n", kr->expires);
	printf("  root     %s\n", kr->root_key_id);
	printf("  keys     %zu\n", kr->nkeys);
	for (i = 0; i < kr->nkeys; i++)
		printf("    %-7s %-40s %s\n", keys_role_name(kr->keys[i].role),
		    kr->keys[i].key_id, kr->keys[i].name);
	if (!verified) {
		printf("signature NOT checked: use showroom keyring verify --root-pub "
		    "ROOT.public %s\n", file);
		return;
	}
	printf("valid: signed by the pinned root, not expired\n");
	if (days < KEYRING_WARN_DAYS)
		log_warn("%s expires in %lld day%s: sign a new one", file, days,
		    days == 1 ? "" : "s");
	if (keys_keyring_hq(kr, NULL, 0) == 0)
		log_warn("%s lists no hq key: catalog requests cannot be sealed", file);
}

/* "ROOT", "ROOT.secret" or "ROOT.public" -> "ROOT", in new memory. */
static char *
keyring_prefix(const char *arg)
{
	size_t len = strlen(arg);
	char *p;

	if ((p = strdup(arg)) == NULL)
		return NULL;
	if (len > 7 && (strcmp(p + len - 7, ".secret") == 0 ||
	    strcmp(p + len - 7, ".public") == 0))
		p[len - 7] = '\0';
	return p;
}

/* The public key files, which must be hq or dealer keys. */
static struct keys_public *
keyring_read_publics(char **files, size_t n)
{
	struct keys_public *keys;
	struct keys_error err;
	size_t i;

	if ((keys = calloc(n, sizeof(*keys))) == NULL) {
		log_error("out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (keys_public_read(files[i], &keys[i], &err) != KEYS_OK) {
			log_error("%s", err.msg);
			goto fail;
		}
		if (keys[i].role == KEYS_ROLE_ROOT) {
			log_error("%s: a root key; a keyring lists hq, dealer and privacy keys "
			    "only",
			    files[i]);
			goto fail;
		}
	}
	return keys;
fail:
	free(keys);
	return NULL;
}

static int
keyring_sign(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "expires", required_argument, NULL, 'e' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *root_arg = NULL, *expires = NULL, *out = NULL;
	struct keys_identity root;
	struct keys_public *keys = NULL;
	struct keys_error err;
	char *prefix = NULL, *pass = NULL, *text = NULL, secfile[4096];
	size_t nkeys, len, nhq, i;
	time_t end;
	int ch, rc = 1;

	memset(&root, 0, sizeof(root));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': root_arg = optarg; break;
		case 'e': expires = optarg; break;
		case 'o': out = optarg; break;
		case 'h': keyring_usage(stdout); return 0;
		default: return keyring_usage_error();
		}
	}
	if (root_arg == NULL || expires == NULL || out == NULL || optind == argc) {
		log_error("--root, --expires, -o and at least one PUBLIC file are required");
		return keyring_usage_error();
	}
	if (keys_date_end(expires, &end) == -1 || end <= time(NULL)) {
		log_error("--expires %s: expected a date like 2026-03-31, today or later",
		    expires);
		return keyring_usage_error();
	}
	nkeys = (size_t)(argc - optind);
	if ((keys = keyring_read_publics(argv + optind, nkeys)) == NULL)
		goto out;
	if ((prefix = keyring_prefix(root_arg)) == NULL) {
		log_error("out of memory");
		goto out;
	}
	snprintf(secfile, sizeof(secfile), "%s.secret", prefix);
	if (keys_passphrase(secfile, 0, &pass, &err) != KEYS_OK ||
	    keys_secret_open(prefix, pass, &root, &err) != KEYS_OK ||
	    keys_keyring_sign(&root, keys, nkeys, expires, time(NULL), &text, &len,
	    &err) != KEYS_OK) {
		log_error("%s", err.msg);
		goto out;
	}
	if (fs_write_file(out, text, len, 0644) == -1) {
		log_error("%s: %s", out, strerror(errno));
		goto out;
	}
	for (i = nhq = 0; i < nkeys; i++)
		nhq += keys[i].role == KEYS_ROLE_HQ;
	printf("signed %s: %zu key%s (%zu hq), valid until the end of %s (UTC), root %s\n",
	    out, nkeys, nkeys == 1 ? "" : "s", nhq, expires, root.pub.key_id);
	if (nhq == 0)
		log_warn("no hq key: catalog requests cannot be sealed");
	rc = 0;
out:
	free(text);
	keys_identity_free(&root);
	keys_passphrase_free(pass);
	free(prefix);
	free(keys);
	return rc;
}

static int
keyring_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root-pub", required_argument, NULL, 'r' },
		{ "at", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *rootfile = NULL, *at = NULL;
	struct keys_public root;
	struct keys_keyring kr;
	struct keys_error err;
	time_t now = time(NULL);
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r': rootfile = optarg; break;
		case 'a': at = optarg; break;
		case 'h': keyring_usage(stdout); return 0;
		default: return keyring_usage_error();
		}
	}
	if (rootfile == NULL || argc - optind != 1) {
		log_error("--root-pub and one KEYRING file are required");
		return keyring_usage_error();
	}
	if (at != NULL) {
		if (keys_date_end(at, &now) == -1) {
			log_error("--at %s: expected a date like 2026-03-31", at);
			return keyring_usage_error();
		}
		now -= 86400;	/* the start of that day */
	}
	if (keys_public_read(rootfile, &root, &err) != KEYS_OK) {
		log_error("%s", err.msg);
		return 1;
	}
	if (root.role != KEYS_ROLE_ROOT) {
		log_error("%s: not the root's public key (role %s)", rootfile,
		    keys_role_name(root.role));
		return 1;
	}
	if (keys_keyring_read(argv[optind], &root, now, &kr, &err) != KEYS_OK) {
		log_error("%s", err.msg);
		printf("%s: INVALID (%s)\n", argv[optind], keys_strerror(err.code));
		return 1;
	}
	keyring_print(argv[optind], &kr, now, 1);
	keys_keyring_free(&kr);
	return 0;
}

static int
keyring_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct keys_keyring kr;
	struct keys_error err;
	char *data;
	size_t len;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h': keyring_usage(stdout); return 0;
		default: return keyring_usage_error();
		}
	}
	if (argc - optind != 1) {
		log_error("one KEYRING file is required");
		return keyring_usage_error();
	}
	if (fs_read_file(argv[optind], &data, &len) == -1) {
		log_error("%s: %s", argv[optind], strerror(errno));
		return 1;
	}
	rc = keys_keyring_inspect(data, len, &kr, &err);
	free(data);
	if (rc != KEYS_OK) {
		log_error("%s: %s", argv[optind], err.msg);
		return 1;
	}
	keyring_print(argv[optind], &kr, time(NULL), 0);
	keys_keyring_free(&kr);
	return 0;
}

int
cmd_keyring(int argc, char **argv)
{
	if (argc < 2)
		return keyring_usage_error();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		keyring_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "sign") == 0)
		return keyring_sign(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return keyring_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return keyring_show(argc - 1, argv + 1);
	log_error("unknown keyring command '%s' (sign, verify or show)", argv[1]);
	return keyring_usage_error();
}
