/*
 * What the export formats share: the problem list, checking and converting a field,
 * breaking an address into a carrier's lines, CSV fields, and files that appear only
 * when complete.
 *
 * Conversion to CP932 goes through one iconv_t per export, without //TRANSLIT or
 * //IGNORE: glibc would otherwise write "?" or drop the character, and a parcel would
 * go out with a wrong address. Each character is first checked against cp932_printable,
 * the rule the forms apply too (src/lib/cp932.h); one it refuses is recorded with its
 * code point, and the rest of the field is still checked.
 *
 * Buffers that held personal data are wiped before they are freed, and they grow only
 * through export_reserve, which wipes the old block itself: realloc would free a copy
 * of the data without wiping it.
 */
#include "showroom/office/export_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "lib/cp932.h"
#include "lib/prefecture.h"
#include "lib/text.h"

#define SENDER_ID	"(sender)"

void
export_problems_free(struct export_problems *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].record_id);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

int
export_set_aside(const struct export_addr *v, size_t n, const struct export_problems *probs,
    size_t from, unsigned char *aside, struct export_addr *out, size_t *nout)
{
	size_t i;
	int naside = 0;

	*nout = 0;
	memset(aside, 0, n);
	for (i = from; i < probs->n; i++) {
		if (probs->v[i].index == EXPORT_SENDER)
			return -1;
		if (probs->v[i].index < n)
			aside[probs->v[i].index] = 1;
	}
	for (i = 0; i < n; i++) {
		if (aside[i])
			naside++;
		else
			out[(*nout)++] = v[i];
	}
	return naside;
}

int
export_problem_format(const struct export_problem *p, char *buf, size_t len)
{
	if (p->codepoint >= 0)
		return snprintf(buf, len, "record %s: %s: U+%04lX %s", p->record_id,
		    p->field, (unsigned long)p->codepoint, p->message);
	return snprintf(buf, len, "record %s: %s: %s", p->record_id, p->field,
	    p->message);
}

void
export_paths_free(char **paths, size_t n)
{
	size_t i;

	if (paths == NULL)
		return;
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int
export_ctx_init(struct export_ctx *x, struct export_problems *probs, int cp932,
    char *err, size_t errlen)
{
	memset(x, 0, sizeof(*x));
	x->probs = probs;
	x->nprobs0 = probs->n;
	x->cd = (iconv_t)-1;
	if (cp932 && (cp932_init() == -1 || (x->cd = cp932_open()) == (iconv_t)-1)) {
		snprintf(err, errlen, "iconv: no converter from UTF-8 to CP932: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

void
export_ctx_free(struct export_ctx *x)
{
	if (x->cd != (iconv_t)-1)
		iconv_close(x->cd);
	x->cd = (iconv_t)-1;
}

void
export_ctx_record(struct export_ctx *x, size_t index, const char *record_id)
{
	x->index = index;
	x->record_id = record_id;
}

size_t
export_nproblems(const struct export_ctx *x)
{
	return x->probs->n - x->nprobs0;
}

/* The same character in the same field of the same record is reported once. */
static int
export_problem_seen(const struct export_ctx *x, const char *field, long cp)
{
	const struct export_problem *p;
	size_t i;

	for (i = x->probs->n; i > x->nprobs0; i--) {
		p = &x->probs->v[i - 1];
		if (p->index != x->index)
			break;
		if (cp >= 0 && p->codepoint == cp && strcmp(p->field, field) == 0)
			return 1;
	}
	return 0;
}

void
export_problem(struct export_ctx *x, const char *field, long cp, const char *msg)
{
	struct export_problems *l = x->probs;
	struct export_problem *v, *p;
	size_t ncap;

	if (export_problem_seen(x, field, cp))
		return;
	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 16;
		if ((v = reallocarray(l->v, ncap, sizeof(*v))) == NULL) {
			x->nomem = 1;
			return;
		}
		l->v = v;
		l->cap = ncap;
	}
	p = &l->v[l->n];
	p->index = x->index;
	p->record_id = strdup(x->index == EXPORT_SENDER ? SENDER_ID :
	    x->record_id != NULL ? x->record_id : "");
	if (p->record_id == NULL) {
		x->nomem = 1;
		return;
	}
	p->field = field;
	p->codepoint = cp;
	p->message = msg;
	l->n++;
}

int
export_ctx_verdict(struct export_ctx *x, char *err, size_t errlen)
{
	size_t n = export_nproblems(x);

	if (x->nomem) {
		snprintf(err, errlen, "out of memory while checking records; "
		    "nothing was written");
		return -1;
	}
	if (n > 0) {
		snprintf(err, errlen, "%zu problem%s in the records; nothing was written",
		    n, n == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

/* Grows B so that EXTRA more bytes fit, wiping the block it leaves. */
static int
export_reserve(struct buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (extra > SIZE_MAX / 2 - b->len - 1)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	if ((p = malloc(ncap)) == NULL)
		return -1;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		sodium_memzero(b->data, b->cap);
		free(b->data);
	} else
		p[0] = '\0';
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
export_put(struct buf *b, const void *p, size_t n)
{
	if (export_reserve(b, n) == -1)
		return -1;
	return buf_append(b, p, n);
}

/* Valid UTF-8, and for anything but the plain CSV no control characters (C0, C1 and
 * the Unicode line and paragraph separators, which pango breaks lines at): a line
 * break inside a carrier's field or on a label is never what the sender meant. For
 * the carriers, only what their labels can print. */
static int
export_validate(struct export_ctx *x, const char *field, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;
	int bad = 0;

	while (i < len) {
		if ((n = text_utf8_decode(p + i, len - i, &cp)) == 0) {
			export_problem(x, field, -1, "is not valid UTF-8");
			return -1;
		}
		if (!x->allow_ctl && (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029)) {
			export_problem(x, field, cp, "is a control character");
			bad = 1;
		} else if (x->cd != (iconv_t)-1 && cp932_printable(cp) != 1) {
			export_problem(x, field, cp, cp932_private_use(cp) ?
			    "is a private-use character, which carriers cannot print" :
			    "is not in CP932 (Shift_JIS)");
			bad = 1;
		}
		i += n;
	}
	return bad ? -1 : 0;
}

static int
export_iconv(struct export_ctx *x, const char *field, const char *s, size_t len,
    struct buf *out)
{
	char *in = (char *)s, *o;
	size_t inleft = len, oleft, r, n;
	uint32_t cp;
	int bad = 0;

	/* CP932 never needs more bytes than UTF-8 does for the same text. */
	if (export_reserve(out, len + 8) == -1)
		goto nomem;
	iconv(x->cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		o = out->data + out->len;
		oleft = out->cap - out->len - 1;
		r = iconv(x->cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->data);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			if (export_reserve(out, inleft + 8) == -1)
				goto nomem;
			continue;
		}
		/* EILSEQ: IN is at a character CP932 does not have. */
		if ((n = text_utf8_decode((unsigned char *)in, inleft, &cp)) == 0) {
			export_problem(x, field, -1, "cannot be converted to CP932");
			bad = 1;
			break;
		}
		export_problem(x, field, cp, "is not in CP932 (Shift_JIS)");
		bad = 1;
		in += n;
		inleft -= n;
	}
	out->data[out->len] = '\0';
	return bad ? -1 : 0;
nomem:
	x->nomem = 1;
	return -1;
}

int
export_check_text(struct export_ctx *x, const char *field, const char *s)
{
	return export_validate(x, field, s, strlen(s));
}

int
export_convert(struct export_ctx *x, const char *field, const char *s, struct buf *out)
{
	size_t len = strlen(s);

	if (export_validate(x, field, s, len) == -1)
		return -1;
	if (x->cd != (iconv_t)-1)
		return export_iconv(x, field, s, len, out);
	if (export_put(out, s, len) == -1) {
		x->nomem = 1;
		return -1;
	}
	return 0;
}

int
export_check_len(struct export_ctx *x, const char *field, const char *s, size_t len,
    size_t max, const char *msg)
{
	if (len == 0) {
		export_problem(x, field, -1, "is empty");
		return -1;
	}
	if (len + (size_t)export_guarded(s, len) > max) {
		export_problem(x, field, -1, msg);
		return -1;
	}
	return 0;
}

int
export_check_postal(struct export_ctx *x, const char *field, const char *s)
{
	int i;

	for (i = 0; i < 8; i++) {
		if (i == 3 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			break;
	}
	if (i == 8 && s[8] == '\0')
		return 0;
	export_problem(x, field, -1, "is not a postal code of the form NNN-NNNN");
	return -1;
}

const char *
export_prefecture(struct export_ctx *x, const char *field, int code)
{
	const char *name = prefecture_name(code, LANG_JA);

	if (name == NULL)
		export_problem(x, field, -1, "is not a prefecture code (1..47)");
	return name;
}

/* Line breaking in CP932 bytes, where a byte 0x81-0x9f or 0xe0-0xfc leads a pair. */
static size_t
export_sjis_len(const unsigned char *p, size_t left)
{
	if (left >= 2 && ((p[0] >= 0x81 && p[0] <= 0x9f) || (p[0] >= 0xe0 && p[0] <= 0xfc)))
		return 2;
	return 1;
}

static unsigned
export_sjis_code(const unsigned char *p, size_t n)
{
	return n == 2 ? (unsigned)p[0] << 8 | p[1] : p[0];
}

static int
export_is_space(unsigned c)
{
	return c == ' ' || c == 0x8140;	/* and the full-width space */
}

/* Digits, Latin letters and hyphens: "1-2-3" or "１０１" is one word that a line
 * break would make hard to read. */
static int
export_is_word(unsigned c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || c == '-';
	return (c >= 0x824f && c <= 0x8258) || (c >= 0x8260 && c <= 0x8279) ||
	    (c >= 0x8281 && c <= 0x829a) || c == 0x817c || c == 0x815d;
}

/* Characters that must not begin a line (a short kinsoku list): the long-vowel mark,
 * small kana, closing punctuation. */
static int
export_no_start(unsigned c)
{
	static const unsigned list[] = {
		0x815b, 0x8141, 0x8142, 0x8143, 0x8144, 0x8145, 0x816a, 0x8176, 0x8178,
		0x829f, 0x82a1, 0x82a3, 0x82a5, 0x82a7, 0x82c1, 0x82e1, 0x82e3, 0x82e5,
		0x82ec, 0x8340, 0x8342, 0x8344, 0x8346, 0x8348, 0x8362, 0x8383, 0x8385,
		0x8387, 0x838e, 0x8395, 0x8396,
	};
	size_t i;

	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (list[i] == c)
			return 1;
	return 0;
}

static int
export_can_break(unsigned prev, unsigned cur)
{
	if (export_is_space(prev) || export_is_space(cur))
		return 1;
	return !(export_is_word(prev) && export_is_word(cur)) && !export_no_start(cur);
}

/* Where [pos, end) ends without its trailing spaces, which are not worth a carrier's
 * byte. CP932 is scanned forwards: a trail byte can look like a lead byte. */
static size_t
export_trim(const unsigned char *s, size_t pos, size_t end)
{
	size_t i, cl, last = pos;

	for (i = pos; i < end; i += cl) {
		cl = export_sjis_len(s + i, end - i);
		if (!export_is_space(export_sjis_code(s + i, cl)))
			last = i + cl;
	}
	return last;
}

/* Lays out [from, to) from line *k on; -1 when it needs more lines than there are. */
static int
export_wrap_range(const char *str, size_t from, size_t to, const size_t *widths,
    size_t nlines, size_t *k, struct export_lines *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t pos = from, i, cl, avail, brk, end;
	unsigned prev, cur;

	while (pos < to) {
		cl = export_sjis_len(s + pos, to - pos);
		if (export_is_space(export_sjis_code(s + pos, cl))) {
			pos += cl;	/* no line starts with a space */
			continue;
		}
		if (*k == nlines || *k == EXPORT_LINES_MAX)
			return -1;
		avail = widths[*k] - (size_t)export_guarded(str + pos, to - pos);
		brk = 0;
		prev = 0;
		for (i = pos; i < to; i += cl) {
			cl = export_sjis_len(s + i, to - i);
			cur = export_sjis_code(s + i, cl);
			if (i > pos && export_can_break(prev, cur))
				brk = i;
			if (i + cl - pos > avail)
				break;
			prev = cur;
		}
		if (i >= to)
			end = to;
		else if (brk > pos)
			end = brk;
		else if (i > pos)
			end = i;	/* one long word: break it anyway */
		else
			return -1;	/* not even one character fits */
		out->off[*k] = pos;
		out->len[*k] = export_trim(s, pos, end) - pos;
		(*k)++;
		pos = end;
	}
	return 0;
}

int
export_wrap(const char *s, size_t alen, size_t bstart, size_t len, const size_t *widths,
    size_t nlines, int join, struct export_lines *out)
{
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	if (join || bstart >= len) {
		if (export_wrap_range(s, 0, len, widths, nlines, &k, out) == -1)
			return -1;
	} else {
		if (export_wrap_range(s, 0, alen, widths, nlines, &k, out) == -1 ||
		    export_wrap_range(s, bstart, len, widths, nlines, &k, out) == -1)
			return -1;
	}
	out->n = k;
	return 0;
}

/* A leading = + - @ TAB or CR makes Excel and LibreOffice read a cell as a formula
 * (CSV injection); an apostrophe in front makes it text. */
int
export_guarded(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	switch (s[0]) {
	case '=':
	case '+':
	case '-':
	case '@':
	case '\t':
	case '\r':
		return 1;
	default:
		return 0;
	}
}

/* Works on UTF-8 and CP932 alike: no CP932 trail byte is below 0x40, so a comma,
 * quote, CR or LF byte is always that character. */
int
export_csv_field(struct buf *b, const char *s, size_t len, int first)
{
	size_t i;
	int quote = 0;
	char *p;

	for (i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (export_reserve(b, 4 + 2 * len) == -1)
		return -1;
	p = b->data + b->len;
	if (!first)
		*p++ = ',';
	if (quote)
		*p++ = '"';
	if (export_guarded(s, len))
		*p++ = '\'';
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	if (quote)
		*p++ = '"';
	*p = '\0';
	b->len = (size_t)(p - b->data);
	return 0;
}

/* CRLF, as RFC 4180 and the carriers' Windows software expect. */
int
export_csv_eol(struct buf *b)
{
	return export_put(b, "\r\n", 2);
}

int
export_file_open(struct export_file *f, const char *path, char *err, size_t errlen)
{
	size_t len = strlen(path);

	f->fd = -1;
	f->tmp = NULL;
	if ((f->path = strdup(path)) == NULL || (f->tmp = malloc(len + 8)) == NULL) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	memcpy(f->tmp, path, len);
	memcpy(f->tmp + len, ".XXXXXX", 8);
	/* mkostemp creates the file 0600 and never follows or reuses an existing name. */
	if ((f->fd = mkostemp(f->tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		goto fail;
	}
	if (fchmod(f->fd, EXPORT_MODE) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		export_file_discard(f);
		return -1;
	}
	return 0;
fail:
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
	return -1;
}

int
export_file_write(struct export_file *f, const void *data, size_t len, char *err,
    size_t errlen)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(f->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot write %s: %s", f->path,
			    strerror(n == 0 ? EIO : errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
export_flush(struct export_file *f, struct buf *b, char *err, size_t errlen)
{
	int rc;

	if (b->len == 0)
		return 0;
	rc = export_file_write(f, b->data, b->len, err, errlen);
	sodium_memzero(b->data, b->len);
	buf_reset(b);
	return rc;
}

int
export_rows(struct export_ctx *x, export_row_fn *row, void *arg,
    const struct export_addr *v, size_t n, struct buf *out, struct export_file *f,
    int *opened, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		export_ctx_record(x, i, v[i].record_id);
		row(arg, &v[i]);
		if (*opened && (export_nproblems(x) > 0 || x->nomem)) {
			export_file_discard(f);
			*opened = 0;
		}
		if (*opened && out->len >= EXPORT_FLUSH &&
		    export_flush(f, out, err, errlen) == -1)
			return -1;
	}
	if (export_ctx_verdict(x, err, errlen) == -1 ||
	    export_flush(f, out, err, errlen) == -1 ||
	    export_file_close(f, EXPORT_SYNC_FILE, err, errlen) == -1 ||
	    export_files_commit(f, 1, err, errlen) == -1)
		return -1;
	return 0;
}

int
export_file_close(struct export_file *f, enum export_sync sync, char *err, size_t errlen)
{
	int rc = 0;

	if (sync == EXPORT_SYNC_FILE)
		rc = fsync(f->fd);
	else if (sync == EXPORT_SYNC_FS)
		rc = syncfs(f->fd);
	if (rc == -1) {
		snprintf(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
		return -1;
	}
	rc = close(f->fd);
	f->fd = -1;
	if (rc == -1) {
		snprintf(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
export_files_commit(struct export_file *f, size_t n, char *err, size_t errlen)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (rename(f[i].tmp, f[i].path) == 0) {
			free(f[i].tmp);
			f[i].tmp = NULL;
			continue;
		}
		snprintf(err, errlen, "cannot rename %s to %s: %s", f[i].tmp, f[i].path,
		    strerror(errno));
		/* All or nothing: take back what is already in place. */
		for (j = 0; j < i; j++)
			unlink(f[j].path);
		return -1;
	}
	return 0;
}

void
export_file_discard(struct export_file *f)
{
	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	if (f->tmp != NULL)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
}
