/*
 * What every back-office command shares: the configuration file and the common options,
 * the identity (passphrase), the keyring pinned by the root public key, the local store,
 * the audit log, opening a record in memory, and the progress bar.
 *
 * Configuration (JSON; --config FILE, default $XDG_CONFIG_HOME/showroom/config.json):
 *   {"server":URL, "store":DIR, "keyring":FILE, "root_pub":FILE, "identity":PREFIX,
 *    "purge_days":14, "lang":"ja"|"en",
 *    "yamato":{"sender":{"name","postal_code","prefecture","address1","address2","phone"},
 *              "service","billing_code","billing_class","freight_no","recipient_phone"},
 *    "seeds":[{"id","name","postal_code","prefecture","address1","address2"}, ...]}
 * Options on the command line override it. docs/BACKOFFICE.md describes it all.
 */
#ifndef SHOWROOM_BO_H
#define SHOWROOM_BO_H

#include <getopt.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "lib/errbuf.h"
#include "seal/keys.h"
#include "showroom/office/audit.h"
#include "showroom/office/bostore.h"

/* Exit codes of the back-office commands (see docs/BACKOFFICE.md). */
#define BO_EXIT_OK		0
#define BO_EXIT_FAIL		1
#define BO_EXIT_PASSPHRASE	3	/* wrong passphrase, or none could be asked */
#define BO_EXIT_UNREACHABLE	4	/* the server cannot be reached */
#define BO_EXIT_REFUSED		5	/* a record refused: key id mismatch, does not open */
#define BO_EXIT_KEYRING		6	/* keyring invalid, or our key is not in it */
#define BO_EXIT_SET_ASIDE	7	/* export: records set aside, the others written */

#define BO_EXIT_HELP \
	"Exit codes: 0 success, 1 failure, 2 usage error, 3 wrong passphrase,\n" \
	"4 server unreachable, 5 a record refused (key id mismatch, tampered or\n" \
	"undecryptable), 6 keyring invalid or the key is not in it, 7 export: records\n" \
	"set aside that the format cannot hold (the others were written).\n"

#define BO_COMMON_HELP \
	"  --config FILE    configuration (default $XDG_CONFIG_HOME/showroom/config.json)\n" \
	"  --identity PREFIX  the key pair PREFIX.public / PREFIX.secret; the passphrase\n" \
	"                   comes from $SHOWROOM_PASSPHRASE or is asked on the terminal\n" \
	"  --server URL     the server (https://HOST; http:// for a loopback host only)\n" \
	"  --store DIR      back-office store (default $XDG_DATA_HOME/showroom)\n" \
	"  --keyring FILE   the signed keyring;  --root-pub FILE  the pinned root key\n"

enum {
	BO_O_CONFIG = 1000,
	BO_O_IDENTITY,
	BO_O_SERVER,
	BO_O_STORE,
	BO_O_KEYRING,
	BO_O_ROOTPUB
};

#define BO_LONGOPTS \
	{ "config", required_argument, NULL, BO_O_CONFIG }, \
	{ "identity", required_argument, NULL, BO_O_IDENTITY }, \
	{ "server", required_argument, NULL, BO_O_SERVER }, \
	{ "store", required_argument, NULL, BO_O_STORE }, \
	{ "keyring", required_argument, NULL, BO_O_KEYRING }, \
	{ "root-pub", required_argument, NULL, BO_O_ROOTPUB }

struct bo_opts {
	const char	*config, *identity, *server, *store, *keyring, *root_pub;
};

/* 1 when CH was a common option (stored in O), else 0. */
int	bo_option(struct bo_opts *o, int ch, const char *arg);
/* getopt_long that takes the common options into O: the next option of the command's
 * own (or '?'), or -1 at the end. */
int	bo_getopt(struct bo_opts *o, int argc, char **argv, const char *optstring,
	    const struct option *longopts);
/* The usage: to stdout after --help (CH 'h') with exit code 0, else (a bad option or
 * argument) to stderr with EXIT_USAGE. */
int	bo_usage(void (*usage)(FILE *), int ch);

enum {
	BO_NEED_STORE = 1,
	BO_NEED_KEYRING = 2,	/* the verified keyring */
	BO_NEED_SECRET = 4,	/* the identity opened (passphrase) */
	BO_NEED_PUBLIC = 8	/* the identity's public half only */
};

struct bo {
	json_t			*conf;		/* the configuration, or an empty object */
	const char		*identity, *server, *keyring_path, *root_pub;
	char			*store_dir;
	char			*audit_path;
	int			 purge_days;
	struct keys_identity	 id;
	int			 have_secret;
	struct keys_keyring	 kr;
	int			 have_kr;
	struct bostore		*db;
};

/* Sets up what NEED asks for; on failure reports it and returns the exit code. */
int	bo_init(struct bo *, const struct bo_opts *, unsigned need);
void	bo_done(struct bo *);

/* The configuration's string NAME, or NULL. */
const char	*bo_conf_str(const struct bo *, const char *name);

/* Appends an audit entry by our key id; reports a failure (and returns -1). */
int	bo_audit(struct bo *, const char *action, const struct audit_count *, size_t n,
	    const char *file, const char *format, const struct audit_seed *seed);

/* The plaintext kind for a record kind ("catalog_request" -> "catalog"), or NULL. */
const char	*bo_plain_kind(const char *kind);

/*
 * Opens R in memory with our X25519 key and parses its JSON into *doc (values freed
 * through a wiping allocator). -1 with a reason free of personal data: the record is
 * not ours, does not open (tampered, moved, another key), or is not a valid record.
 */
int	bo_open_record(const struct bo *, const struct bostore_rec *r, json_t **doc,
	    char *err, size_t errlen);

/* "pulling 120/500 [#####.....]" on stderr when it is a terminal; done == total ends it. */
void	bo_progress(const char *what, size_t done, size_t total);

/* Writes S as one terminal cell of WIDTH columns (utf8proc widths), control and
 * bidirectional-override characters shown as U+FFFD; longer text is cut with "…". */
void	bo_cell(FILE *, const char *s, int width);

/* Installs jansson allocation functions that wipe memory before freeing it. */
void	bo_json_wipe_init(void);

#endif
