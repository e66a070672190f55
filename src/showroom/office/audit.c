#include "showroom/office/audit.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <utf8proc.h>

#include "lib/buf.h"
#include "lib/sha256file.h"

#define AUDIT_DUMP	(JSON_SORT_KEYS | JSON_COMPACT)
#define AUDIT_KEYID_MAX	128
#define AUDIT_FILE_MAX	4096

static const char audit_zero[AUDIT_HASHLEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";


/* 1 when S is 1..MAX bytes, each in the set ALLOWED or a lower-case letter or digit. */
static int
audit_token(const char *s, size_t max, const char *allowed)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max)
			return 0;
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (strchr(allowed, s[i]) == NULL)
			return 0;
	}
	return 1;
}

/* Key ids come from the keyring ("hq-0123abcd", "dealer-D001-..."): ASCII, no spaces. */
static int
audit_keyid_ok(const char *s)
{
	return audit_token(s, AUDIT_KEYID_MAX,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ._:-");
}

/*
 * Building entries.
 */

static int
audit_time_str(time_t t, char out[32])
{
	struct tm tm;

	if (t < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		return -1;
	return 0;
}

static json_t *
audit_str_or_null(const char *s)
{
	return s == NULL ? json_null() : json_string(s);
}

static int
audit_set(json_t *o, const char *key, json_t *v)
{
	/* json_object_set_new takes V even when it fails, and fails on V == NULL */
	return json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

static json_t *
audit_counts(const struct audit_entry *e, char *err, size_t errlen)
{
	json_t *o;
	size_t i;

	if (e->ncounts > AUDIT_MAX_COUNTS || (e->ncounts > 0 && e->counts == NULL)) {
		errbuf_set(err, errlen, "too many counts");
		return NULL;
	}
	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < e->ncounts; i++) {
		if (!audit_token(e->counts[i].name, 64, "_") || e->counts[i].value < 0 ||
		    json_object_get(o, e->counts[i].name) != NULL) {
			errbuf_set(err, errlen, "count %zu: bad or repeated name, or negative", i);
			goto fail;
		}
		if (audit_set(o, e->counts[i].name, json_integer(e->counts[i].value)) == -1)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *
audit_seed_obj(const struct audit_seed *s, char *err, size_t errlen)
{
	char hex[SHA256_HEXLEN + 1];
	json_t *o;

	if (s->id == NULL || s->text == NULL ||
	    !audit_token(s->id, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-") ||
	    s->text[0] == '\0' || strlen(s->text) > AUDIT_SEED_MAX) {
		errbuf_set(err, errlen, "seed: bad id or text");
		return NULL;
	}
	sha256_buf_hex(s->text, strlen(s->text), hex);
	if ((o = json_object()) == NULL)
		return NULL;
	/* json_string refuses invalid UTF-8, so a bad seed text fails here */
	if (audit_set(o, "id", json_string(s->id)) == -1 ||
	    audit_set(o, "text", json_string(s->text)) == -1 ||
	    audit_set(o, "sha256", json_string(hex)) == -1) {
		errbuf_set(err, errlen, "seed: text is not UTF-8");
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
audit_check_entry(const struct audit_entry *e, int64_t seq, const char *prev, char *err,
    size_t errlen)
{
	if (seq < 1 || prev == NULL || !sha256_is_hex(prev)) {
		errbuf_set(err, errlen, "bad sequence number or previous hash");
		return -1;
	}
	if (!audit_keyid_ok(e->key_id)) {
		errbuf_set(err, errlen, "bad key id");
		return -1;
	}
	if (!audit_token(e->action, 32, "_")) {
		errbuf_set(err, errlen, "bad action");
		return -1;
	}
	if (e->file != NULL && (e->file[0] == '\0' || strlen(e->file) > AUDIT_FILE_MAX)) {
		errbuf_set(err, errlen, "bad file name");
		return -1;
	}
	if (e->file_sha256 != NULL && !sha256_is_hex(e->file_sha256)) {
		errbuf_set(err, errlen, "file_sha256 is not 64 lower-case hex digits");
		return -1;
	}
	if (e->format != NULL && !audit_token(e->format, 32, "_.-")) {
		errbuf_set(err, errlen, "bad format name");
		return -1;
	}
	/* a record id and a reason from a fixed list: never free text, which could be
	 * personal */
	if (e->record != NULL && !audit_token(e->record, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-")) {
		errbuf_set(err, errlen, "bad record id");
		return -1;
	}
	if (e->reason != NULL && !audit_token(e->reason, 32, "_")) {
		errbuf_set(err, errlen, "bad reason");
		return -1;
	}
	return 0;
}

/* The entry as a JSON object, without "hash". */
static json_t *
audit_entry_obj(const struct audit_entry *e, int64_t seq, const char *prev, char *err,
    size_t errlen)
{
	char when[32];
	json_t *o, *v;

	if (audit_check_entry(e, seq, prev, err, errlen) == -1)
		return NULL;
	if (audit_time_str(e->time != 0 ? e->time : time(NULL), when) == -1) {
		errbuf_set(err, errlen, "bad time");
		return NULL;
	}
	if ((o = json_object()) == NULL)
		goto nomem;
	if (audit_set(o, "seq", json_integer(seq)) == -1 ||
	    audit_set(o, "time", json_string(when)) == -1 ||
	    audit_set(o, "key_id", json_string(e->key_id)) == -1 ||
	    audit_set(o, "action", json_string(e->action)) == -1 ||
	    audit_set(o, "file_sha256", audit_str_or_null(e->file_sha256)) == -1 ||
	    audit_set(o, "format", audit_str_or_null(e->format)) == -1 ||
	    audit_set(o, "prev", json_string(prev)) == -1)
		goto nomem;
	if (audit_set(o, "file", audit_str_or_null(e->file)) == -1) {
		errbuf_set(err, errlen, "file name is not UTF-8");
		goto fail;
	}
	if ((v = audit_counts(e, err, errlen)) == NULL || audit_set(o, "counts", v) == -1)
		goto fail;
	if (e->seed != NULL && ((v = audit_seed_obj(e->seed, err, errlen)) == NULL ||
	    audit_set(o, "seed", v) == -1))
		goto fail;
	/* only when given, so that entries without them keep their old form */
	if ((e->record != NULL && audit_set(o, "record", json_string(e->record)) == -1) ||
	    (e->reason != NULL && audit_set(o, "reason", json_string(e->reason)) == -1))
		goto nomem;
	return o;
nomem:
	errbuf_set(err, errlen, "out of memory");
fail:
	json_decref(o);
	return NULL;
}

/* Hex SHA-256 of the canonical form of O, which must not hold "hash" at this point. */
static int
audit_hash_obj(json_t *o, char hex[AUDIT_HASHLEN + 1])
{
	char *s;

	if ((s = json_dumps(o, AUDIT_DUMP)) == NULL)
		return -1;
	sha256_buf_hex(s, strlen(s), hex);
	free(s);
	return 0;
}

int
audit_format(const struct audit_entry *e, int64_t seq, const char *prev, char **linep,
    size_t *lenp, char *err, size_t errlen)
{
	char hash[AUDIT_HASHLEN + 1], *s = NULL;
	struct buf line = BUF_INIT;
	json_t *o;
	int rc = -1;

	*linep = NULL;
	if ((o = audit_entry_obj(e, seq, prev, err, errlen)) == NULL)
		return -1;
	if (audit_hash_obj(o, hash) == -1 || audit_set(o, "hash", json_string(hash)) == -1 ||
	    (s = json_dumps(o, AUDIT_DUMP)) == NULL || buf_puts(&line, s) == -1 ||
	    buf_putc(&line, '\n') == -1) {
		errbuf_set(err, errlen, "out of memory");
		goto out;
	}
	if (line.len > AUDIT_LINE_MAX) {
		errbuf_set(err, errlen, "entry longer than %u bytes", AUDIT_LINE_MAX);
		goto out;
	}
	*linep = buf_steal(&line, lenp);
	rc = 0;
out:
	buf_free(&line);
	free(s);
	json_decref(o);
	return rc;
}

/*
 * Checking one line: its shape, its canonical form and its own hash. The chain (seq and
 * prev) is the caller's business.
 */

struct audit_line {
	json_t		*obj;
	int64_t		 seq;
	const char	*prev;		/* inside obj */
	const char	*hash;		/* inside obj */
};

static int
audit_is_time(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	}
	return s[i] == '\0';
}

static int
audit_hex_member(json_t *o, const char *key, int nullable)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (json_is_null(v))
		return nullable;
	return json_is_string(v) && sha256_is_hex(json_string_value(v));
}

static int
audit_str_member(json_t *o, const char *key, int nullable)
{
	json_t *v = json_object_get(o, key);

	return v != NULL && (json_is_string(v) || (nullable && json_is_null(v)));
}

static int
audit_counts_ok(json_t *c)
{
	const char *k;
	json_t *v;

	if (!json_is_object(c) || json_object_size(c) > AUDIT_MAX_COUNTS)
		return 0;
	json_object_foreach(c, k, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return 0;
	}
	return 1;
}

static int
audit_seed_ok(json_t *s)
{
	if (s == NULL)
		return 1;
	return json_is_object(s) && audit_str_member(s, "id", 0) &&
	    audit_str_member(s, "text", 0) && audit_hex_member(s, "sha256", 0);
}

/* Required members and their types; a short reason when one is wrong. */
static const char *
audit_shape(json_t *o)
{
	json_t *seq = json_object_get(o, "seq"), *t = json_object_get(o, "time");

	if (!json_is_integer(seq) || json_integer_value(seq) < 1)
		return "\"seq\" is not a positive integer";
	if (!json_is_string(t) || !audit_is_time(json_string_value(t)))
		return "\"time\" is not an RFC 3339 UTC time";
	if (!audit_str_member(o, "key_id", 0) || !audit_str_member(o, "action", 0))
		return "\"key_id\" or \"action\" is missing";
	if (!audit_counts_ok(json_object_get(o, "counts")))
		return "\"counts\" is not an object of non-negative integers";
	if (!audit_str_member(o, "file", 1) || !audit_str_member(o, "format", 1) ||
	    !audit_hex_member(o, "file_sha256", 1))
		return "\"file\", \"file_sha256\" or \"format\" is missing or wrong";
	if (!audit_seed_ok(json_object_get(o, "seed")))
		return "\"seed\" is not an object with id, text and sha256";
	if (!audit_hex_member(o, "prev", 0) || !audit_hex_member(o, "hash", 0))
		return "\"prev\" or \"hash\" is not 64 hex digits";
	return NULL;
}

/* Is the line exactly the canonical dump of what it parsed to? */
static int
audit_canonical(json_t *o, const char *line, size_t len)
{
	char *s;
	int ok;

	if ((s = json_dumps(o, AUDIT_DUMP)) == NULL)
		return -1;
	ok = strlen(s) == len && memcmp(s, line, len) == 0;
	free(s);
	return ok;
}

/* Its own hash: recomputed over a copy without "hash". */
static int
audit_self_hash(json_t *o, const char *want)
{
	char hex[AUDIT_HASHLEN + 1];
	json_t *c;
	int rc;

	if ((c = json_copy(o)) == NULL)
		return -1;
	rc = json_object_del(c, "hash") == 0 && audit_hash_obj(c, hex) == 0 ? 0 : -1;
	json_decref(c);
	if (rc == -1)
		return -1;
	return strcmp(hex, want) == 0;
}

static void
audit_line_free(struct audit_line *l)
{
	json_decref(l->obj);
	l->obj = NULL;
}

/* Parses and checks LINE (without its "\n"). AUDIT_OK fills L; otherwise why, in detail. */
static enum audit_status
audit_line_check(const char *line, size_t len, struct audit_line *l, char *detail,
    size_t dlen)
{
	json_error_t jerr;
	const char *why;
	int r;

	memset(l, 0, sizeof(*l));
	if (len == 0) {
		errbuf_set(detail, dlen, "empty line");
		return AUDIT_MALFORMED;
	}
	if (len > AUDIT_LINE_MAX) {
		errbuf_set(detail, dlen, "line longer than %u bytes", AUDIT_LINE_MAX);
		return AUDIT_MALFORMED;
	}
	if ((l->obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		errbuf_set(detail, dlen, "not JSON: %s", jerr.text);
		return AUDIT_MALFORMED;
	}
	if (!json_is_object(l->obj))
		why = "not a JSON object";
	else
		why = audit_shape(l->obj);
	if (why != NULL) {
		errbuf_set(detail, dlen, "%s", why);
		goto bad;
	}
	if ((r = audit_canonical(l->obj, line, len)) != 1) {
		errbuf_set(detail, dlen, r == -1 ? "out of memory" :
		    "not in canonical form: the line was edited");
		audit_line_free(l);
		return r == -1 ? AUDIT_IO : AUDIT_EDITED;
	}
	l->seq = json_integer_value(json_object_get(l->obj, "seq"));
	l->prev = json_string_value(json_object_get(l->obj, "prev"));
	l->hash = json_string_value(json_object_get(l->obj, "hash"));
	if ((r = audit_self_hash(l->obj, l->hash)) != 1) {
		errbuf_set(detail, dlen, r == -1 ? "out of memory" :
		    "hash does not match the entry: the entry was edited");
		audit_line_free(l);
		return r == -1 ? AUDIT_IO : AUDIT_EDITED;
	}
	return AUDIT_OK;
bad:
	audit_line_free(l);
	return AUDIT_MALFORMED;
}

/*
 * Verifying the chain.
 */

const char *
audit_status_str(enum audit_status s)
{
	switch (s) {
	case AUDIT_OK:		return "ok";
	case AUDIT_IO:		return "unreadable";
	case AUDIT_MALFORMED:	return "malformed";
	case AUDIT_EDITED:	return "edited";
	case AUDIT_DELETED:	return "deleted";
	case AUDIT_REORDERED:	return "reordered";
	case AUDIT_CHAIN:	return "chain broken";
	case AUDIT_TRUNCATED:	return "truncated";
	}
	return "unknown";
}

/* Does any later line (from P) carry a seq in [LO, HI)? Tells reordering from deletion. */
static int
audit_seq_later(const char *p, const char *end, int64_t lo, int64_t hi)
{
	struct audit_line l;
	const char *nl;
	char scratch[8];
	int found = 0;

	while (p < end && !found) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (audit_line_check(p, (size_t)(nl - p), &l, scratch, sizeof(scratch)) ==
		    AUDIT_OK) {
			found = l.seq >= lo && l.seq < hi;
			audit_line_free(&l);
		}
		p = nl + 1;
	}
	return found;
}

/* The chain at one good line: seq follows on, prev is the last hash. */
static enum audit_status
audit_chain(const struct audit_line *l, int64_t want, const char *prev, const char *rest,
    const char *end, char *detail, size_t dlen)
{
	if (l->seq > want && !audit_seq_later(rest, end, want, l->seq)) {
		errbuf_set(detail, dlen, "seq %" PRId64 " where %" PRId64 " was due: "
		    "%" PRId64 " entr%s deleted", l->seq, want, l->seq - want,
		    l->seq - want == 1 ? "y was" : "ies were");
		return AUDIT_DELETED;
	}
	if (l->seq != want) {
		errbuf_set(detail, dlen, "seq %" PRId64 " where %" PRId64 " was due: "
		    "entries were reordered or copied", l->seq, want);
		return AUDIT_REORDERED;
	}
	if (strcmp(l->prev, prev) != 0) {
		errbuf_set(detail, dlen, "\"prev\" is not the hash of the entry before: "
		    "an entry was replaced");
		return AUDIT_CHAIN;
	}
	return AUDIT_OK;
}

static int
audit_report_bad(struct audit_report *r, enum audit_status s, size_t lineno)
{
	r->status = s;
	r->line = lineno;
	return -1;
}

int
audit_verify_buf(const char *buf, size_t len, struct audit_report *r)
{
	const char *p = buf, *end = buf + len, *nl;
	struct audit_line l;
	enum audit_status s;
	size_t lineno = 0;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			errbuf_set(r->detail, sizeof(r->detail), "the last line has no end: "
			    "it was cut short");
			return audit_report_bad(r, AUDIT_TRUNCATED, lineno);
		}
		s = audit_line_check(p, (size_t)(nl - p), &l, r->detail, sizeof(r->detail));
		if (s == AUDIT_OK) {
			s = audit_chain(&l, (int64_t)r->entries + 1, r->entries == 0 ?
			    audit_zero : r->head, nl + 1, end, r->detail, sizeof(r->detail));
			if (s == AUDIT_OK)
				memcpy(r->head, l.hash, AUDIT_HASHLEN + 1);
			audit_line_free(&l);
		}
		if (s != AUDIT_OK)
			return audit_report_bad(r, s, lineno);
		r->entries++;
		p = nl + 1;
	}
	errbuf_set(r->detail, sizeof(r->detail), "%zu entries, intact", r->entries);
	return 0;
}

/* Reads all of FD. */
static int
audit_read_fd(int fd, char **datap, size_t *lenp)
{
	struct buf b = BUF_INIT;
	ssize_t n;

	for (;;) {
		if (buf_reserve(&b, 64 * 1024) == -1)
			goto fail;
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
	}
	*datap = buf_steal(&b, lenp);
	return 0;
fail:
	buf_free(&b);
	return -1;
}

/* Opens PATH for reading under a shared lock: a concurrent append is never half seen. */
static int
audit_open_read(const char *path, char **datap, size_t *lenp)
{
	int fd, rc = -1, saved;

	*datap = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (flock(fd, LOCK_SH) == 0 && audit_read_fd(fd, datap, lenp) == 0)
		rc = 0;
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
audit_verify(const char *path, struct audit_report *r)
{
	char *data;
	size_t len;
	int rc;

	if (audit_open_read(path, &data, &len) == -1) {
		memset(r, 0, sizeof(*r));
		r->status = AUDIT_IO;
		errbuf_set(r->detail, sizeof(r->detail), "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = audit_verify_buf(data, len, r);
	free(data);
	return rc;
}

/*
 * Appending.
 */

/* The last line of the open log: checked on its own, its seq and hash are what comes
 * next. An empty log starts at seq 1 after 64 zeros. */
static int
audit_tail(int fd, int64_t *seq, char prev[AUDIT_HASHLEN + 1], char *err, size_t errlen)
{
	char *win = NULL, *start, detail[128];
	struct audit_line l;
	struct stat st;
	size_t want;
	ssize_t n;
	int rc = -1;

	if (fstat(fd, &st) == -1) {
		errbuf_set(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (st.st_size == 0) {
		*seq = 1;
		memcpy(prev, audit_zero, sizeof(audit_zero));
		return 0;
	}
	/* the last line and the "\n" before it fit in AUDIT_LINE_MAX + 2 bytes */
	want = (size_t)st.st_size < AUDIT_LINE_MAX + 2 ? (size_t)st.st_size : AUDIT_LINE_MAX + 2;
	if ((win = malloc(want)) == NULL) {
		errbuf_set(err, errlen, "out of memory");
		return -1;
	}
	if ((n = pread(fd, win, want, st.st_size - (off_t)want)) != (ssize_t)want) {
		errbuf_set(err, errlen, "reading the log: %s", n == -1 ? strerror(errno) :
		    "short read");
		goto out;
	}
	if (win[want - 1] != '\n') {
		errbuf_set(err, errlen, "the last line is cut short: run `showroom audit "
		    "verify`; not appending");
		goto out;
	}
	for (start = win + want - 1; start > win && start[-1] != '\n'; start--)
		;
	if (start == win && want < (size_t)st.st_size) {
		errbuf_set(err, errlen, "the last line is too long; not appending");
		goto out;
	}
	if (audit_line_check(start, (size_t)(win + want - 1 - start), &l, detail,
	    sizeof(detail)) != AUDIT_OK) {
		errbuf_set(err, errlen, "the last entry is damaged (%s): run `showroom audit "
		    "verify`; not appending", detail);
		goto out;
	}
	*seq = l.seq + 1;
	memcpy(prev, l.hash, AUDIT_HASHLEN + 1);
	audit_line_free(&l);
	rc = 0;
out:
	free(win);
	return rc;
}

/* A new file's name must reach the disk too, or a crash can lose the whole log. */
static int
audit_sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc;

	if (strlen(path) >= sizeof(copy))
		return -1;
	memcpy(copy, path, strlen(path) + 1);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Opens (or creates) the log for appending, locked, mode 0600, a regular file. */
static int
audit_open_append(const char *path, off_t *size, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	/* the umask could have left it wider, or someone chmodded it since */
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) == -1) {
		errbuf_set(err, errlen, "%s: chmod 0600: %s", path, strerror(errno));
		goto fail;
	}
	*size = st.st_size;
	return fd;
fail:
	close(fd);
	return -1;
}

/* One write() for the whole line; a short one is undone so no half line stays. */
static int
audit_write_line(int fd, off_t size, const char *line, size_t len, char *err, size_t errlen)
{
	ssize_t n;

	do {
		n = write(fd, line, len);
	} while (n == -1 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	errbuf_set(err, errlen, "writing the log: %s", n == -1 ? strerror(errno) :
	    "short write");
	/* we hold the exclusive lock, so nothing was appended after us */
	if (n > 0 && ftruncate(fd, size) == -1)
		errbuf_set(err, errlen, "short write, and the log could not be cut back: "
		    "run `showroom audit verify`");
	return -1;
}

int
audit_append(const char *path, const struct audit_entry *e, char *err, size_t errlen)
{
	char prev[AUDIT_HASHLEN + 1], fhash[SHA256_HEXLEN + 1], *line = NULL;
	struct audit_entry copy = *e;
	int64_t seq;
	size_t len;
	off_t size;
	int fd, rc = -1;

	/* a bad entry must not even create the file */
	if (audit_check_entry(e, 1, audit_zero, err, errlen) == -1)
		return -1;
	if (e->file != NULL && e->file_sha256 == NULL) {
		if (sha256_file_hex(e->file, fhash) == -1) {
			errbuf_set(err, errlen, "%s: %s", e->file, strerror(errno));
			return -1;
		}
		copy.file_sha256 = fhash;
	}
	if ((fd = audit_open_append(path, &size, err, errlen)) == -1)
		return -1;
	if (audit_tail(fd, &seq, prev, err, errlen) == -1 ||
	    audit_format(&copy, seq, prev, &line, &len, err, errlen) == -1 ||
	    audit_write_line(fd, size, line, len, err, errlen) == -1)
		goto out;
	if (fsync(fd) == -1 || (size == 0 && audit_sync_dir(path) == -1)) {
		errbuf_set(err, errlen, "%s: fsync: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	close(fd);		/* and with it the lock */
	return rc;
}

/*
 * Trace.
 */

static int
audit_dashlike(utf8proc_int32_t c)
{
	return (c >= 0x2010 && c <= 0x2015) || c == 0x2043 || c == 0x2212 ||
	    c == 0xfe58 || c == 0xfe63 || c == 0xff0d;
}

static int
audit_ascii_digit(utf8proc_int32_t c)
{
	return c >= '0' && c <= '9';
}

/* Space, control and format characters say nothing about which address it was. */
static int
audit_dropped(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF:
		return 1;
	default:
		return 0;
	}
}

/*
 * The matching form of S (see audit.h) in *outp, and how many code points it has. The
 * long vowel mark "ー" reads as a dash only between digits ("1ー2ー3"), where address
 * forms use it so; elsewhere it is part of a word. -1 with errno EILSEQ (not UTF-8) or
 * ENOMEM.
 */
static int
audit_trace_norm(const char *s, char **outp, size_t *ncp)
{
	utf8proc_uint8_t *nf = NULL, enc[4];
	utf8proc_int32_t *cp = NULL, c;
	utf8proc_ssize_t r, i, off, n = 0;
	struct buf out = BUF_INIT;
	int rc = -1;

	*outp = NULL;
	r = utf8proc_map((const utf8proc_uint8_t *)s, 0, &nf, UTF8PROC_NULLTERM |
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
	if (r < 0) {
		errno = r == UTF8PROC_ERROR_NOMEM ? ENOMEM : EILSEQ;
		goto out;
	}
	if ((cp = calloc((size_t)r + 1, sizeof(*cp))) == NULL)
		goto out;
	for (off = 0; off < r; off += i) {
		if ((i = utf8proc_iterate(nf + off, r - off, &c)) <= 0) {
			errno = EILSEQ;
			goto out;
		}
		if (!audit_dropped(c))
			cp[n++] = audit_dashlike(c) ? '-' : c;
	}
	for (i = 0; i < n; i++) {
		c = cp[i];
		if (c == 0x30fc && i > 0 && i + 1 < n && audit_ascii_digit(cp[i - 1]) &&
		    audit_ascii_digit(cp[i + 1]))
			c = '-';
		if (buf_append(&out, enc, (size_t)utf8proc_encode_char(c, enc)) == -1)
			goto out;
	}
	if ((*outp = buf_steal(&out, NULL)) == NULL)
		goto out;
	*ncp = (size_t)n;
	rc = 0;
out:
	buf_free(&out);
	free(cp);
	free(nf);
	return rc;
}

static char *
audit_dup_member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s == NULL ? NULL : strdup(s);
}

static void
audit_hit_free(struct audit_hit *h)
{
	free(h->time);
	free(h->key_id);
	free(h->action);
	free(h->format);
	free(h->file);
	free(h->file_sha256);
	free(h->seed_id);
	free(h->seed_text);
}

void
audit_hits_free(struct audit_hits *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		audit_hit_free(&hs->v[i]);
	free(hs->v);
	hs->v = NULL;
	hs->n = 0;
}

static int
audit_hit_add(struct audit_hits *hs, const struct audit_line *l, size_t lineno,
    enum audit_match m)
{
	json_t *seed = json_object_get(l->obj, "seed");
	struct audit_hit h, *v;

	memset(&h, 0, sizeof(h));
	h.line = lineno;
	h.seq = l->seq;
	h.match = m;
	h.time = audit_dup_member(l->obj, "time");
	h.key_id = audit_dup_member(l->obj, "key_id");
	h.action = audit_dup_member(l->obj, "action");
	h.format = audit_dup_member(l->obj, "format");
	h.file = audit_dup_member(l->obj, "file");
	h.file_sha256 = audit_dup_member(l->obj, "file_sha256");
	h.seed_id = audit_dup_member(seed, "id");
	h.seed_text = audit_dup_member(seed, "text");
	if (h.time == NULL || h.key_id == NULL || h.action == NULL || h.seed_id == NULL ||
	    h.seed_text == NULL ||
	    (json_is_string(json_object_get(l->obj, "format")) && h.format == NULL) ||
	    (json_is_string(json_object_get(l->obj, "file")) && h.file == NULL) ||
	    (json_is_string(json_object_get(l->obj, "file_sha256")) && h.file_sha256 == NULL))
		goto fail;
	if ((v = reallocarray(hs->v, hs->n + 1, sizeof(*v))) == NULL)
		goto fail;
	hs->v = v;
	hs->v[hs->n++] = h;
	return 0;
fail:
	audit_hit_free(&h);
	return -1;
}

/* 1 and the kind of match when the seed of L matches NEEDLE; 0 when not; -1 on memory. */
static int
audit_seed_match(const struct audit_line *l, const char *needle, enum audit_match *m)
{
	json_t *seed = json_object_get(l->obj, "seed");
	char *norm;
	size_t ncp;
	int rc = 0;

	if (seed == NULL)
		return 0;
	if (audit_trace_norm(json_string_value(json_object_get(seed, "text")), &norm,
	    &ncp) == -1)
		return errno == ENOMEM ? -1 : 0;	/* a text we cannot read matches nothing */
	if (strcmp(norm, needle) == 0) {
		*m = AUDIT_MATCH_EXACT;
		rc = 1;
	} else if (strstr(norm, needle) != NULL) {
		*m = AUDIT_MATCH_IN_SEED;
		rc = 1;
	} else if (ncp >= AUDIT_TRACE_MIN && strstr(needle, norm) != NULL) {
		*m = AUDIT_MATCH_SEED_IN;
		rc = 1;
	}
	free(norm);
	return rc;
}

int
audit_trace_buf(const char *buf, size_t len, const char *text, struct audit_hits *hs,
    char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl;
	struct audit_line l;
	enum audit_match m;
	char *needle, scratch[8];
	size_t lineno = 0, ncp;
	int r, rc = 0;

	hs->v = NULL;
	hs->n = 0;
	if (audit_trace_norm(text, &needle, &ncp) == -1) {
		errbuf_set(err, errlen, "%s", errno == ENOMEM ? "out of memory" :
		    "the text to trace is not UTF-8");
		return -1;
	}
	if (ncp < AUDIT_TRACE_MIN) {
		errbuf_set(err, errlen, "the text to trace needs at least %d characters "
		    "besides spaces", AUDIT_TRACE_MIN);
		free(needle);
		return -1;
	}
	for (; p < end && rc == 0; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (audit_line_check(p, (size_t)(nl - p), &l, scratch, sizeof(scratch)) !=
		    AUDIT_OK)
			continue;
		if ((r = audit_seed_match(&l, needle, &m)) == 1)
			r = audit_hit_add(hs, &l, lineno, m);
		if (r == -1) {
			errbuf_set(err, errlen, "out of memory");
			rc = -1;
		}
		audit_line_free(&l);
	}
	free(needle);
	if (rc == -1)
		audit_hits_free(hs);
	return rc;
}

int
audit_trace(const char *path, const char *text, struct audit_hits *hs, char *err,
    size_t errlen)
{
	char *data;
	size_t len;
	int rc;

	hs->v = NULL;
	hs->n = 0;
	if (audit_open_read(path, &data, &len) == -1) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = audit_trace_buf(data, len, text, hs, err, errlen);
	free(data);
	return rc;
}
