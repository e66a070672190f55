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

#include "lib/buf.h"
#include "lib/errbuf.h"
#include "seal/keys.h"
#include "seal/recid.h"
#include "showroom/office/audit.h"
#include "showroom/office/bookings_fmt.h"
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
	struct buf		*msgs;		/* set: bo_error also collects here */
};

/* Sets up what NEED asks for; on failure reports it and returns the exit code. */
int	bo_init(struct bo *, const struct bo_opts *, unsigned need);
void	bo_done(struct bo *);

/* Reports a failure on stderr and, when B->msgs is set (the office), collects it there
 * too, one line each, to show in the page. Never pass personal data. */
void	bo_error(struct bo *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a warning: the operation went on, and the page says what it skipped. */
void	bo_warn(struct bo *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the secret key with PASS (NULL: $SHOWROOM_PASSPHRASE or the terminal), into
 * sodium_malloc'd memory, which is locked (mlock) and guarded; an exit code. */
int	bo_unlock(struct bo *, const char *pass);
/* Wipes and frees the secret key; the public half stays. */
void	bo_lock(struct bo *);

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

/* Sets R's slot (dealer, model, start) from its opened DOC when it holds a well-formed
 * one: a cancellation's, which the server sends without it. */
void	bo_slot_from(struct bostore_rec *r, json_t *doc);

/* "pulling 120/500 [#####.....]" on stderr when it is a terminal; done == total ends it. */
void	bo_progress(const char *what, size_t done, size_t total);

/* Writes S as one terminal cell of WIDTH columns (utf8proc widths), control and
 * bidirectional-override characters shown as U+FFFD; longer text is cut with "…". */
void	bo_cell(FILE *, const char *s, int width);

/*
 * The back office's operations, one set of functions for the commands and the office.
 * Each returns an exit code and reports through bo_error.
 */

struct bo_pull_stats {
	size_t	received, added, duplicate, mismatch, refused;
	size_t	kinds[3];	/* catalog_request, test_drive, cancellation */
};

/* Pages of 500 per pull (100,000 records), so that a server that keeps paging cannot
 * keep pull busy; what is left comes with the next one. The office pulls with it. */
#define BO_PULL_MAX_PAGES	200
#define BO_PULL_PAGES_CAP	1000000	/* the most --max-pages takes */

/*
 * Pulls the new records of our key into the store (cmd_pull.c), at most MAX_PAGES pages
 * (0: BO_PULL_MAX_PAGES), stopping early at a full page that adds nothing new; the
 * cursor is saved, so the next pull goes on from there. Audits "pull".
 */
int	bo_pull(struct bo *, size_t max_pages, struct bo_pull_stats *);

/*
 * An export of every open catalog request (cmd_export.c): the caller sets format
 * ("clickpost", "yamato-b2", "csv", "labels-pdf"), out (the file, or clickpost's
 * prefix), seed, again or set_aside, and ship_date (NULL: today); bo_export fills the
 * rest. A record that does not open stops it all; one the format cannot hold is set
 * aside (left unexported, named in why[] by id and field) and the others are written:
 * BO_EXIT_SET_ASIDE. nrecs 0 means there was nothing to export. Free with
 * bo_export_free.
 */
struct export_addr;
/* A record an export set aside and the field at fault: never its value. */
struct bo_aside {
	char			 id[64];
	char			 field[32];
};
struct bo_export {
	const char		*format;
	const char		*out;
	const char		*ship_date;
	int			 seed;
	int			 again;
	int			 set_aside;	/* only the records an export set aside */
	/* filled by bo_export */
	struct bostore_rec	*recs;
	size_t			 nrecs;
	json_t			**docs;
	struct export_addr	*addrs;		/* nrecs (+ 1 with a seed) */
	size_t			 naddrs;
	size_t			 seed_at;	/* index of the seed in addrs */
	char			 seed_rid[RECID_LEN + 1];
	json_t			*seed_entry;	/* from the configuration */
	char			*seed_text;
	char			**paths;	/* the files written */
	size_t			 npaths;
	unsigned char		*aside;		/* per addrs: set aside, or NULL: none */
	size_t			 naside;	/* records set aside (the seed never is) */
	struct bo_aside		*why;		/* nwhy: one per record and field */
	size_t			 nwhy;
};

int	bo_export(struct bo *, struct bo_export *);
void	bo_export_free(struct bo_export *);
int	bo_export_format_ok(const char *format);

/*
 * Acknowledges IDS to the server (which deletes them) and marks them in the store
 * (cmd_ack.c), in as many requests as it takes, each under the server's body limit and
 * marked in its own transaction. A failed request ends it and is reported through
 * bo_error: which requests went through, and whether the failed one may have been
 * deleted (acknowledging again is safe). Audits "ack".
 */
struct bo_ack_result {
	size_t	done;		/* records acknowledged and marked */
	int64_t	deleted;	/* the server's count */
	size_t	nreq;		/* requests planned */
	size_t	nreq_done;	/* requests that went through */
};

int	bo_ack(struct bo *, char **ids, size_t n, struct bo_ack_result *);

/*
 * A dealer's bookings from the store, opened (cmd_bookings.c): format "list" (the day
 * list on standard output), "csv" or "ics" (to OUT, or standard output); DATE
 * "YYYY-MM-DD", "all" or NULL (today). A file written is an export. CATALOG, when the
 * caller sets it, is used (and released by bo_bookings_free) instead of fetching it.
 */
struct bo_bookings {
	const char		*format;
	const char		*out;
	const char		*date;
	enum lang		 lang;
	json_t			*catalog;
	/* filled by bo_bookings */
	struct bostore_rec	*recs;
	size_t			 nrecs;
	json_t			**docs;
	struct booking		*v;
};

int	bo_bookings(struct bo *, struct bo_bookings *);
void	bo_bookings_free(struct bo_bookings *);
/* The server's public catalog (names of dealers and models), or NULL. */
json_t	*bo_catalog_fetch(struct bo *);
/* Fills V from an opened booking or cancellation, with names from CATALOG (may be NULL). */
void	bo_booking_fill(const json_t *catalog, enum lang, const struct bostore_rec *,
	    json_t *doc, struct booking *v);

/*
 * The dealer's decision on its bookings IDS (cmd_decide.c): OP "confirm" or "decline"
 * (REASON one of the server's codes, NULL for confirm), through the signed API. The
 * server's reply is left in *results ({"results":[{id, status, reason | error}]}) for
 * the caller to show; each accepted one is recorded in the store (bostore_decide), for
 * the office's pages. Audits "decide". BO_EXIT_FAIL when any was refused.
 */
int	bo_decide(struct bo *, const char *op, char **ids, int nids, const char *reason,
	    json_t **results);

/*
 * The dealer's calendar on the server (cmd_slots.c): OP "close", "open", "cars" or
 * "list"; FROM and TO days (TO NULL: FROM), MODEL NULL for the whole store, CARS a
 * number or "default" (cars only). The server's reply in *reply: for a change, the
 * bookings left in closed or overfull slots under "affected"; for list, "days" and
 * "fixed_closed". EXIT_USAGE (reported) for a bad job.
 */
struct bo_slots {
	const char	*op;
	const char	*model;
	const char	*from;
	const char	*to;
	const char	*cars;
};

int	bo_slots(struct bo *, const struct bo_slots *, json_t **reply);

/* Installs jansson allocation functions that wipe memory before freeing it. */
void	bo_json_wipe_init(void);

#endif
