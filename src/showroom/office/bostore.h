/*
 * The back-office store: SQLite at DIR/backoffice.db (mode 0600, DIR 0700; WAL,
 * synchronous=FULL, secure_delete). It keeps records exactly as pulled, sealed: id,
 * kind, recipient key id, created, enc, ct and the booking slot, never a plaintext.
 * Commands open records in memory and wipe what they opened.
 *
 *   records  id, kind, key_id, created, enc, ct, slot (dealer, model, start), seq,
 *            pulled_at, exported_at, export_batch, acked_at, aside_at
 *   cursors  key_id -> the inbox cursor ("after") for the next pull
 *   exports  batch, path, format, sha256, created, acked_at: files to purge
 *   meta     name -> integer (the seed rotation)
 *   marks    id -> seen_at, keep_until: what the office adds to a record (seen in the
 *            office; kept past the purge until a time, by a clerk's decision)
 */
#ifndef SHOWROOM_BOSTORE_H
#define SHOWROOM_BOSTORE_H

#include <stddef.h>
#include <stdint.h>

#define BOSTORE_FILE	"backoffice.db"

struct bostore;

struct bostore_rec {
	char		 id[64];
	char		 kind[32];
	char		 key_id[64];
	int64_t		 created;
	unsigned char	 enc[32];
	unsigned char	*ct;
	size_t		 ct_len;
	char		 slot_dealer[40];
	char		 slot_model[72];
	char		 slot_start[20];
	int64_t		 seq;
	int64_t		 pulled_at;
	int64_t		 exported_at;	/* 0: not exported */
	int64_t		 acked_at;	/* 0: not acknowledged */
	int64_t		 aside_at;	/* 0, or when an export last set it aside */
	int64_t		 seen_at;	/* 0: not yet opened in the office */
	int64_t		 keep_until;	/* 0: purged as usual */
	char		 decision[16];	/* "", "confirmed" or "declined": sent from here */
	char		 reason[32];	/* a decline's reason code, else "" */
};

/* Which records a query returns. */
enum bostore_sel {
	BOSTORE_OPEN = 0,		/* not acknowledged */
	BOSTORE_NOT_EXPORTED,		/* not acknowledged and not exported */
	BOSTORE_EXPORTED_UNACKED,	/* exported and not acknowledged */
	BOSTORE_ALL,			/* every record still in the store */
	BOSTORE_HANDLED,		/* exported or acknowledged, still in the store */
	BOSTORE_SET_ASIDE		/* not acknowledged, not exported, set aside */
};

int	bostore_open(const char *dir, struct bostore **, char *err, size_t errlen);
void	bostore_close(struct bostore *);

int	bostore_begin(struct bostore *, char *err, size_t errlen);
int	bostore_commit(struct bostore *, char *err, size_t errlen);
void	bostore_rollback(struct bostore *);

/* Inserts R unless a record with its id is there; *added says which. */
int	bostore_put(struct bostore *, const struct bostore_rec *r, int *added,
	    char *err, size_t errlen);
int	bostore_cursor_get(struct bostore *, const char *key_id, int64_t *after,
	    char *err, size_t errlen);
int	bostore_cursor_set(struct bostore *, const char *key_id, int64_t after,
	    char *err, size_t errlen);

/* Records of KEY_ID of kind KIND (NULL: any), by created then id. Free with
 * bostore_recs_free. */
int	bostore_list(struct bostore *, const char *key_id, const char *kind,
	    enum bostore_sel, struct bostore_rec **, size_t *n, char *err, size_t errlen);
void	bostore_recs_free(struct bostore_rec *, size_t n);

/*
 * A query over the records of one key: the selection of bostore_list, and optionally a
 * slot range, records pulled after a time, records not seen in the office, newest
 * first, and a page (LIMIT 0: all). The SQL is built from the fields that are set, so
 * that SQLite can use its indexes.
 */
struct bostore_q {
	const char		*key_id;
	const char		*kind;		/* NULL: any */
	enum bostore_sel	 sel;
	const char		*slot_from;	/* slot_start >= it; NULL: no bound */
	const char		*slot_to;	/* slot_start < it; NULL: no bound */
	int64_t			 pulled_after;	/* > 0: pulled_at > it */
	int			 unseen;	/* only records not seen in the office */
	int			 newest_first;
	size_t			 offset, limit;
};

int	bostore_query(struct bostore *, const struct bostore_q *, struct bostore_rec **,
	    size_t *n, char *err, size_t errlen);
int	bostore_count(struct bostore *, const struct bostore_q *, size_t *n, char *err,
	    size_t errlen);
/* The record ID of KEY_ID into *R (free R->ct); *found 0 when there is none. */
int	bostore_get(struct bostore *, const char *key_id, const char *id,
	    struct bostore_rec *r, int *found, char *err, size_t errlen);
/* Sets the slot of record ID (a cancellation pulled before its slot was kept). */
int	bostore_set_slot(struct bostore *, const struct bostore_rec *r, char *err,
	    size_t errlen);
/* The office's marks: opened (seen), and kept past the purge until UNTIL. */
int	bostore_mark_seen(struct bostore *, const char *id, int64_t now, char *err,
	    size_t errlen);
int	bostore_keep(struct bostore *, const char *id, int64_t until, char *err,
	    size_t errlen);
/* Meta counters read and set as they are (the office's last visit). */
int	bostore_meta_get(struct bostore *, const char *name, int64_t *value, char *err,
	    size_t errlen);
int	bostore_meta_set(struct bostore *, const char *name, int64_t value, char *err,
	    size_t errlen);

/* A new export batch id (one per export command). */
/* Records the dealer's decision on booking ID as the server accepted it ("confirmed" or
 * "declined", REASON NULL or a code): the office shows it, the server keeps the truth. */
int	bostore_decide(struct bostore *, const char *id, const char *decision,
	    const char *reason, char *err, size_t errlen);
int	bostore_batch_new(struct bostore *, int64_t *batch, char *err, size_t errlen);
/* Marks the record exported in BATCH; it is no longer set aside. */
int	bostore_mark_exported(struct bostore *, const char *id, int64_t batch, int64_t now,
	    char *err, size_t errlen);
/* An export could not write the record in its format: it stays unexported (so ack
 * leaves it), and list shows it set aside. */
int	bostore_mark_aside(struct bostore *, const char *id, int64_t now, char *err,
	    size_t errlen);
int	bostore_export_add(struct bostore *, int64_t batch, const char *path,
	    const char *format, const char *sha256, int64_t now, char *err, size_t errlen);
/* Marks the record acknowledged, and every export file whose records are all
 * acknowledged. */
int	bostore_mark_acked(struct bostore *, const char *key_id, const char *id, int64_t now,
	    char *err, size_t errlen);
int	bostore_exports_settle(struct bostore *, int64_t now, char *err, size_t errlen);

/* Purge: deletes records acknowledged at or before CUTOFF whose slot, if they have one,
 * is at or before CUTOFF too (local time), and which no one keeps longer (marks);
 * export files acknowledged at or before CUTOFF, with no record of a later slot or kept, are handed to FN (which unlinks them) and forgotten
 * when it returns 0. *NKEPT counts the acknowledged records kept for their slot. */
typedef int	(*bostore_file_fn)(void *arg, const char *path);
int	bostore_purge(struct bostore *, int64_t cutoff, bostore_file_fn, void *arg,
	    size_t *nrecs, size_t *nkept, size_t *nfiles, size_t *nfailed, char *err,
	    size_t errlen);

/* Counters kept in the meta table. */
int	bostore_meta_next(struct bostore *, const char *name, int64_t *value,
	    char *err, size_t errlen);

#endif
