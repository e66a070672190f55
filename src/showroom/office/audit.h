/*
 * The back office's audit log: an append-only file of JSON lines in which every entry
 * carries the SHA-256 of the one before it, so that `showroom audit verify` finds an
 * entry that was edited, deleted, reordered or cut short. Every pull, open, export, ack
 * and purge appends one entry; `showroom trace` finds the export that carried a seed.
 *
 * WHAT IT HOLDS: key ids, actions, counts, file names and their SHA-256, export formats,
 * and the seed addresses that exports carry. Seeds are synthetic addresses that the brand
 * owns, not anyone's personal data. The log holds NO personal data: never put a name,
 * address, phone number, e-mail, note or any other opened field into an entry. File
 * names are written as given, so name export files after the job
 * ("2026-12-01-clickpost.csv"), never after a person.
 *
 * ONE LINE PER ENTRY, canonical JSON (jansson JSON_SORT_KEYS | JSON_COMPACT, UTF-8), "\n":
 *
 *   {"action":"export","counts":{"records":120},"file":"out/2026-12-01.csv",
 *    "file_sha256":"<64 hex>","format":"clickpost","hash":"<64 hex>","key_id":"hq-01",
 *    "prev":"<64 hex>","seed":{"id":"s-7","sha256":"<64 hex>","text":"..."},"seq":7,
 *    "time":"2026-12-01T09:30:00Z"}
 *
 *   seq          1, 2, 3, ... with no gap
 *   time         RFC 3339, UTC, whole seconds
 *   counts       object of non-negative integers (names [a-z0-9_], at most 32)
 *   file, file_sha256, format   string or null
 *   seed         only on entries that carried one: its id, its text, SHA-256 of the text
 *   record, reason  only on entries about one record ("keep"): its id, and a reason
 *                from the office's fixed list
 *   prev         "hash" of the previous line; 64 zeros on the first
 *   hash         SHA-256 (hex) of the canonical serialization of the entry without "hash"
 *
 * Unknown members are allowed (the hash covers them), so later versions can add some.
 * A line must also be byte-for-byte its own canonical form, so that even a change the
 * JSON parser would not notice (a space, an escape spelled differently) is an edit.
 *
 * What a hash chain cannot show: entries cut from the END of the log, or the whole file
 * swapped for an older copy of itself. Verify reports the head (the last hash) and the
 * entry count; keep them somewhere else (the CLI prints them) and compare.
 */
#ifndef SHOWROOM_AUDIT_H
#define SHOWROOM_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AUDIT_HASHLEN		64		/* hex digits */
#define AUDIT_LINE_MAX		(64u * 1024)	/* a longer line is malformed */
#define AUDIT_MAX_COUNTS	32
#define AUDIT_SEED_MAX		1024		/* bytes of seed text */

struct audit_count {
	const char	*name;		/* [a-z0-9_]{1,64}: "records", "bytes", "acked" */
	int64_t		 value;		/* >= 0 */
};

struct audit_seed {
	const char	*id;		/* the seed's id */
	const char	*text;		/* the synthetic address as exported; brand-owned */
};

struct audit_entry {
	time_t				 time;		/* 0: now */
	const char			*key_id;	/* the acting key holder's key id */
	const char			*action;	/* [a-z_]{1,32}: pull, open, export, ack,
							 * purge, seed, ... */
	const struct audit_count	*counts;
	size_t				 ncounts;
	const char			*file;		/* NULL: none */
	const char			*file_sha256;	/* NULL with FILE: hashed here */
	const char			*format;	/* NULL: none */
	const struct audit_seed		*seed;		/* NULL: none */
	const char			*record;	/* NULL: none; one record id */
	const char			*reason;	/* NULL: none; [a-z0-9_], from a
							 * fixed list, never free text */
};

/*
 * Appends E to the log at PATH, creating it with mode 0600 (and bringing an existing
 * file back to 0600). The file is opened O_APPEND and without following symlinks; an
 * exclusive flock() serializes concurrent showroom processes; the line goes out in one
 * write() and is fsync()ed before this returns. It refuses to append after a last line
 * that is cut short or whose own hash is wrong. -1 with a message in err.
 */
int	audit_append(const char *path, const struct audit_entry *e, char *err, size_t errlen);

/* The line audit_append would write for E as entry SEQ after PREV (64 hex digits), with
 * its "\n", in *line (caller frees). Pure, for tests and the fuzzer. -1 with err. */
int	audit_format(const struct audit_entry *e, int64_t seq, const char *prev,
	    char **line, size_t *len, char *err, size_t errlen);

enum audit_status {
	AUDIT_OK = 0,
	AUDIT_IO,		/* the file could not be read */
	AUDIT_MALFORMED,	/* not a JSON object, a field missing or of the wrong type */
	AUDIT_EDITED,		/* "hash" does not match the entry, or not canonical */
	AUDIT_DELETED,		/* seq jumps ahead: entries before this line are missing */
	AUDIT_REORDERED,	/* seq goes back, or a missing seq turns up further down */
	AUDIT_CHAIN,		/* seq is right but "prev" is not the previous entry's hash:
				 * an entry was replaced by one with a recomputed hash */
	AUDIT_TRUNCATED,	/* the last line has no "\n": cut short */
};

struct audit_report {
	enum audit_status	status;
	size_t			line;		/* first bad line, from 1; 0 when OK */
	size_t			entries;	/* good entries before it (all when OK) */
	char			head[AUDIT_HASHLEN + 1];	/* hash of the last good entry,
								 * "" when none */
	char			detail[256];	/* one sentence, for people */
};

/* Verifies the whole log in BUF; a pure function (fuzzed). 0 when intact, else -1 and
 * R says where and why. An empty buffer is an intact, empty log. */
int		 audit_verify_buf(const char *buf, size_t len, struct audit_report *r);
/* Reads PATH (under a shared flock, so never half an append) and verifies it. */
int		 audit_verify(const char *path, struct audit_report *r);
const char	*audit_status_str(enum audit_status);

/*
 * Trace: which entries carried a seed matching TEXT. Both sides are normalized first:
 * NFKC (full-width digits and letters become ASCII), case folded, every dash-like
 * character (U+2010-U+2015, U+2212, U+FE63, U+FF0D) read as "-", and all white space and
 * control characters removed, since a leaked copy rarely keeps the spacing. Then the
 * match is EXACT, or TEXT is a part of the seed (a fragment of the address), or the seed
 * is a part of TEXT (a whole leaked line with more around it). TEXT must keep at least
 * AUDIT_TRACE_MIN characters after normalization. Lines that do not parse are skipped:
 * run verify first, and say so when it fails.
 */
#define AUDIT_TRACE_MIN	4

enum audit_match {
	AUDIT_MATCH_EXACT,
	AUDIT_MATCH_IN_SEED,	/* TEXT is a part of the seed */
	AUDIT_MATCH_SEED_IN,	/* the seed is a part of TEXT */
};

struct audit_hit {
	size_t			 line;
	int64_t			 seq;
	enum audit_match	 match;
	char			*time;
	char			*key_id;
	char			*action;
	char			*format;	/* NULL when the entry has none */
	char			*file;		/* NULL when none */
	char			*file_sha256;	/* NULL when none */
	char			*seed_id;
	char			*seed_text;
};

struct audit_hits {
	struct audit_hit	*v;
	size_t			 n;
};

/* 0 with the hits in log order (possibly none), -1 with err (bad TEXT, I/O, memory). */
int	audit_trace_buf(const char *buf, size_t len, const char *text, struct audit_hits *,
	    char *err, size_t errlen);
int	audit_trace(const char *path, const char *text, struct audit_hits *, char *err,
	    size_t errlen);
void	audit_hits_free(struct audit_hits *);

#endif
