#include "showroom/office/bookings_fmt.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>
#include <sodium.h>
#include <utf8proc.h>

#include "lib/jtime.h"
#include "lib/buf.h"

#define bk_row	booking_row	/* one row of output: see bookings_fmt.h */

struct bk_rows {
	struct bk_row	*v;
	size_t		 n;
};

enum bk_mode {
	BK_LINE,	/* the day list: one line, no control characters at all */
	BK_TEXT,	/* CSV and iCalendar: line breaks kept as LF, TAB kept */
};

static void bk_err(char *, size_t, int, const char *, ...)
    __attribute__((format(printf, 4, 5)));

static void
bk_err(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_setv(err, errlen, fmt, ap);
	va_end(ap);
	errno = e;
}

static const char *
bk_str(const char *s)
{
	return s == NULL ? "" : s;
}

static int
bk_is_cancel(const struct booking *b)
{
	return strcmp(b->kind, "cancellation") == 0;
}

/*
 * Validation. The server cannot read records, but it holds the public keys and could
 * seal a record of its own: nothing that was opened is trusted.
 */

static int
bk_id_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= BOOKINGS_ID_MAX)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	}
	return 1;
}

/* "YYYY-MM-DD" at S (not NUL-terminated there), a real day. */
static int
bk_day_ok(const char *s)
{
	return jtime_wday(s) >= 0;
}

static int
bk_date_ok(const char *s)
{
	return s != NULL && bk_day_ok(s) && s[10] == '\0';
}

static int
bk_slot_ok(const char *s)
{
	if (s == NULL || !bk_day_ok(s) || s[10] != 'T' || strnlen(s, 17) != 16 ||
	    s[13] != ':')
		return 0;
	return jtime_num(s + 11, 2) >= 0 && jtime_num(s + 11, 2) < 24 &&
	    jtime_num(s + 14, 2) >= 0 && jtime_num(s + 14, 2) < 60;
}

static int
bk_check(const struct booking *b, size_t i, char *err, size_t errlen)
{
	if (!bk_id_ok(b->record_id)) {
		bk_err(err, errlen, EINVAL, "booking %zu: bad record id", i);
		return -1;
	}
	if (b->kind == NULL || (strcmp(b->kind, "test_drive") != 0 && !bk_is_cancel(b))) {
		bk_err(err, errlen, EINVAL, "record %s: not a booking", b->record_id);
		return -1;
	}
	if (bk_is_cancel(b) && !bk_id_ok(b->cancels)) {
		bk_err(err, errlen, EINVAL, "record %s: does not say what it cancels",
		    b->record_id);
		return -1;
	}
	if (!bk_id_ok(b->dealer) || !bk_id_ok(b->model)) {
		bk_err(err, errlen, EINVAL, "record %s: bad dealer or model", b->record_id);
		return -1;
	}
	if (!bk_slot_ok(b->slot) || b->slot_minutes < 1 ||
	    b->slot_minutes > BOOKINGS_MAX_MINUTES) {
		bk_err(err, errlen, EINVAL, "record %s: bad slot", b->record_id);
		return -1;
	}
	return 0;
}

/*
 * Folding cancellations into the bookings they cancel.
 */

static int
bk_cmp_record_id(const void *a, const void *b)
{
	return strcmp((*(const struct booking *const *)a)->record_id,
	    (*(const struct booking *const *)b)->record_id);
}

static int
bk_cmp_cancels(const void *a, const void *b)
{
	const struct booking *x = *(const struct booking *const *)a;
	const struct booking *y = *(const struct booking *const *)b;
	int c = strcmp(x->cancels, y->cancels);

	/* ties by the cancellation's own id, so the first one is always the same */
	return c != 0 ? c : strcmp(x->record_id, y->record_id);
}

/* The record in V (sorted by record id, or by cancels when BY_CANCELS) with KEY. */
static const struct booking *
bk_find(const struct booking *const *v, size_t n, const char *key, int by_cancels)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(by_cancels ? v[mid]->cancels : v[mid]->record_id, key);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strcmp(by_cancels ? v[lo]->cancels : v[lo]->record_id, key) == 0)
		return v[lo];
	return NULL;
}

struct bk_index {
	const struct booking	**byid;		/* every record, by record id */
	size_t			  n;
	const struct booking	**cans;		/* cancellations, by what they cancel */
	size_t			  ncans;
};

static void
bk_index_free(struct bk_index *x)
{
	free(x->byid);
	free(x->cans);
}

static int
bk_index(const struct booking *bs, size_t n, struct bk_index *x, char *err, size_t errlen)
{
	const struct booking *t;
	size_t i;

	memset(x, 0, sizeof(*x));
	x->byid = calloc(n + 1, sizeof(*x->byid));
	x->cans = calloc(n + 1, sizeof(*x->cans));
	if (x->byid == NULL || x->cans == NULL) {
		bk_err(err, errlen, ENOMEM, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		x->byid[x->n++] = &bs[i];
		if (bk_is_cancel(&bs[i]))
			x->cans[x->ncans++] = &bs[i];
	}
	qsort(x->byid, x->n, sizeof(*x->byid), bk_cmp_record_id);
	qsort(x->cans, x->ncans, sizeof(*x->cans), bk_cmp_cancels);
	for (i = 1; i < x->n; i++)
		if (strcmp(x->byid[i - 1]->record_id, x->byid[i]->record_id) == 0) {
			bk_err(err, errlen, EINVAL, "record %s: appears twice",
			    x->byid[i]->record_id);
			return -1;
		}
	for (i = 0; i < x->ncans; i++) {
		t = bk_find(x->byid, x->n, x->cans[i]->cancels, 0);
		if (t != NULL && bk_is_cancel(t)) {
			bk_err(err, errlen, EINVAL, "record %s: cancels a cancellation",
			    x->cans[i]->record_id);
			return -1;
		}
	}
	return 0;
}

static int
bk_row_cmp(const void *a, const void *b)
{
	const struct bk_row *x = a, *y = b;
	int c;

	if ((c = strncmp(x->b->slot, y->b->slot, 10)) != 0 ||
	    (c = strcmp(x->b->dealer, y->b->dealer)) != 0 ||
	    (c = strcmp(x->b->slot, y->b->slot)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

/* On a day from FROM to TO (both included; NULL: no bound). */
static int
bk_on(const struct booking *b, const char *from, const char *to)
{
	return (from == NULL || strncmp(b->slot, from, 10) >= 0) &&
	    (to == NULL || strncmp(b->slot, to, 10) <= 0);
}

/* The rows for the days FROM to TO (NULL: all), sorted. Every record is checked first. */
static int
bk_rows_range(const struct booking *bs, size_t n, const char *from, const char *to,
    struct bk_rows *rows, char *err, size_t errlen)
{
	struct bk_index x;
	struct bk_row *r;
	size_t i;
	int rc = -1;

	rows->v = NULL;
	rows->n = 0;
	if ((from != NULL && !bk_date_ok(from)) || (to != NULL && !bk_date_ok(to))) {
		bk_err(err, errlen, EINVAL, "the date must be YYYY-MM-DD");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (bk_check(&bs[i], i, err, errlen) == -1)
			return -1;
	if (bk_index(bs, n, &x, err, errlen) == -1)
		goto out;
	if ((rows->v = calloc(n + 1, sizeof(*rows->v))) == NULL) {
		bk_err(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (bk_is_cancel(&bs[i]) || !bk_on(&bs[i], from, to))
			continue;
		r = &rows->v[rows->n++];
		r->b = &bs[i];
		r->id = bs[i].record_id;
		r->cancel = bk_find(x.cans, x.ncans, bs[i].record_id, 1);
	}
	/* a cancellation whose booking is not here stands for it, once per booking */
	for (i = 0; i < x.ncans; i++) {
		if (bk_find(x.byid, x.n, x.cans[i]->cancels, 0) != NULL ||
		    (i > 0 && strcmp(x.cans[i - 1]->cancels, x.cans[i]->cancels) == 0) ||
		    !bk_on(x.cans[i], from, to))
			continue;
		r = &rows->v[rows->n++];
		r->b = r->cancel = x.cans[i];
		r->id = x.cans[i]->cancels;
	}
	qsort(rows->v, rows->n, sizeof(*rows->v), bk_row_cmp);
	rc = 0;
out:
	bk_index_free(&x);
	if (rc == -1) {
		free(rows->v);
		rows->v = NULL;
	}
	return rc;
}

static int
bk_rows(const struct booking *bs, size_t n, const char *date, struct bk_rows *rows,
    char *err, size_t errlen)
{
	return bk_rows_range(bs, n, date, date, rows, err, errlen);
}

int
bookings_rows(const struct booking *bs, size_t n, const char *from, const char *to,
    struct booking_row **rowsp, size_t *np, char *err, size_t errlen)
{
	struct bk_rows rows;

	*rowsp = NULL;
	*np = 0;
	if (bk_rows_range(bs, n, from, to, &rows, err, errlen) == -1)
		return -1;
	*rowsp = rows.v;
	*np = rows.n;
	return 0;
}

/*
 * Text.
 */

static int
bk_put_cp(struct buf *out, utf8proc_int32_t c)
{
	utf8proc_uint8_t enc[4];

	return buf_append(out, enc, (size_t)utf8proc_encode_char(c, enc));
}

static int
bk_hidden(utf8proc_int32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* S as it may be shown (see bookings_fmt.h), appended to OUT. */
static int
bk_clean(struct buf *out, const char *s, enum bk_mode m)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)bk_str(s);
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(bk_str(s)), k;
	utf8proc_int32_t c;
	int rc = 0;

	while (left > 0 && rc == 0) {
		if ((k = utf8proc_iterate(p, left, &c)) < 0) {
			k = 1;
			c = 0xfffd;
		} else if (c == '\r' && left > 1 && p[1] == '\n') {
			p += k;
			left -= k;
			continue;	/* CRLF: the LF does it */
		} else if (c == '\r' || c == '\n') {
			c = m == BK_TEXT ? '\n' : ' ';
		} else if (c == '\t') {
			c = m == BK_TEXT ? '\t' : ' ';
		} else if (bk_hidden(c)) {
			c = 0xfffd;
		}
		rc = bk_put_cp(out, c);
		p += k;
		left -= k;
	}
	return rc;
}

static char *
bk_clean_dup(const char *s, enum bk_mode m)
{
	struct buf b = BUF_INIT;

	if (bk_clean(&b, s, m) == -1) {
		buf_wipe(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

char *
bookings_text(const char *s, int lines)
{
	return bk_clean_dup(s, lines ? BK_TEXT : BK_LINE);
}

static void
bk_wipe_str(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* Columns a terminal gives S. */
static size_t
bk_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s), k;
	utf8proc_int32_t c;
	size_t w = 0;

	while (left > 0 && (k = utf8proc_iterate(p, left, &c)) > 0) {
		w += (size_t)utf8proc_charwidth(c);
		p += k;
		left -= k;
	}
	return w;
}

static const char *
bk_or(const char *a, const char *b)
{
	return a != NULL && a[0] != '\0' ? a : bk_str(b);
}

static void
bk_hhmm(const char *slot, int plus, char out[8])
{
	int t = jtime_num(slot + 11, 2) * 60 + jtime_num(slot + 14, 2) + plus;

	/* past midnight reads 24:15, as Japanese timetables write it */
	snprintf(out, 8, "%02d:%02d", (t / 60) % 100, t % 60);
}

static const char *
bk_status(const struct bk_row *r, enum lang l, int marked)
{
	static const char *const s[LANG_COUNT][3] = {
		/* wide brackets, not "×": East Asian terminals may draw that one or two
		 * cells wide, and the columns would not line up */
		{ "予約", "取消", "【取消】" },
		{ "booked", "cancelled", "CANCELLED" },
	};

	return s[l][r->cancel == NULL ? 0 : marked ? 2 : 1];
}

static int
bk_write(FILE *fp, const char *data, size_t len, char *err, size_t errlen)
{
	if (len > 0 && fwrite(data, 1, len, fp) != len) {
		bk_err(err, errlen, EIO, "write failed");
		return -1;
	}
	if (fflush(fp) == EOF || ferror(fp)) {
		bk_err(err, errlen, EIO, "write failed");
		return -1;
	}
	return 0;
}

/*
 * The day list.
 */

enum { BK_TIME, BK_STATE, BK_MODEL, BK_NAME, BK_PHONE, BK_EMAIL, BK_NOTE, BK_NCOL };

static const char *const bk_heads[LANG_COUNT][BK_NCOL] = {
	{ "時刻", "状態", "車種", "お名前", "電話", "メール", "備考" },
	{ "Time", "Status", "Model", "Name", "Phone", "E-mail", "Note" },
};

/* The cells of one row, cleaned: freed (wiped) by bk_cells_free. */
static int
bk_cells(const struct bk_row *r, enum lang l, char **c)
{
	char from[8], to[8], span[24];
	int i;

	bk_hhmm(r->b->slot, 0, from);
	bk_hhmm(r->b->slot, r->b->slot_minutes, to);
	snprintf(span, sizeof(span), "%s-%s", from, to);
	c[BK_TIME] = strdup(span);
	c[BK_STATE] = strdup(bk_status(r, l, 1));
	c[BK_MODEL] = bk_clean_dup(bk_or(r->b->model_name, r->b->model), BK_LINE);
	c[BK_NAME] = bk_clean_dup(bk_or(r->b->name, "-"), BK_LINE);
	c[BK_PHONE] = bk_clean_dup(bk_or(r->b->phone, "-"), BK_LINE);
	c[BK_EMAIL] = bk_clean_dup(bk_or(r->b->email, "-"), BK_LINE);
	c[BK_NOTE] = bk_clean_dup(bk_or(r->b->note, "-"), BK_LINE);
	for (i = 0; i < BK_NCOL; i++)
		if (c[i] == NULL)
			return -1;
	return 0;
}

static void
bk_cells_free(char **c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bk_wipe_str(c[i]);
	free(c);
}

static int
bk_pad(struct buf *out, const char *s, size_t width, int last)
{
	size_t w = bk_width(s);

	if (buf_puts(out, s) == -1)
		return -1;
	if (last)
		return buf_putc(out, '\n');
	for (; w < width + 2; w++)
		if (buf_putc(out, ' ') == -1)
			return -1;
	return 0;
}

static int
bk_table_line(struct buf *out, const char *const *cells, const size_t *width)
{
	int i;

	for (i = 0; i < BK_NCOL; i++)
		if (bk_pad(out, cells[i], width[i], i == BK_NCOL - 1) == -1)
			return -1;
	return 0;
}

static int
bk_group_head(struct buf *out, const struct bk_row *r, enum lang l, int first)
{
	char *dealer;
	int rc;

	if ((dealer = bk_clean_dup(bk_or(r->b->dealer_name, r->b->dealer), BK_LINE)) == NULL)
		return -1;
	rc = buf_printf(out, "%s%.10s (%s)  %s [%s]\n", first ? "" : "\n", r->b->slot,
	    jtime_wday_name(jtime_wday(r->b->slot), l), dealer, r->b->dealer);
	bk_wipe_str(dealer);
	return rc;
}

/* Rows V[0..N), one day at one dealer. */
static int
bk_group(struct buf *out, const struct bk_row *v, size_t n, enum lang l, int first)
{
	size_t i, j, width[BK_NCOL], total = 0, cancelled = 0;
	char **c;
	int rc = -1;

	if ((c = calloc(n * BK_NCOL, sizeof(*c))) == NULL)
		return -1;
	for (j = 0; j < BK_NCOL; j++)
		width[j] = bk_width(bk_heads[l][j]);
	for (i = 0; i < n; i++) {
		if (bk_cells(&v[i], l, c + i * BK_NCOL) == -1)
			goto out;
		for (j = 0; j < BK_NCOL; j++)
			if (bk_width(c[i * BK_NCOL + j]) > width[j])
				width[j] = bk_width(c[i * BK_NCOL + j]);
		cancelled += v[i].cancel != NULL;
	}
	for (j = 0; j < BK_NCOL - 1; j++)
		total += width[j] + 2;
	if (bk_group_head(out, v, l, first) == -1 ||
	    bk_table_line(out, bk_heads[l], width) == -1)
		goto out;
	for (j = 0; j < total + width[BK_NOTE]; j++)
		if (buf_putc(out, '-') == -1)
			goto out;
	if (buf_putc(out, '\n') == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (bk_table_line(out, (const char *const *)c + i * BK_NCOL, width) == -1)
			goto out;
	if (l == LANG_JA)
		rc = buf_printf(out, "予約 %zu件 / 取消 %zu件\n", n - cancelled, cancelled);
	else
		rc = buf_printf(out, "%zu booked, %zu cancelled\n", n - cancelled, cancelled);
out:
	bk_cells_free(c, n * BK_NCOL);
	return rc;
}

static int
bk_same_group(const struct bk_row *a, const struct bk_row *b)
{
	return strncmp(a->b->slot, b->b->slot, 10) == 0 && strcmp(a->b->dealer,
	    b->b->dealer) == 0;
}

/* Formats the bookings of DATE with FMT (-1: out of memory) and writes them to FP. */
static int
bk_output(FILE *fp, const struct booking *bs, size_t n, const char *date, enum lang l,
    int (*fmt)(struct buf *, const struct bk_rows *, enum lang), char *err,
    size_t errlen)
{
	struct buf out = BUF_INIT;
	struct bk_rows rows;
	int rc = -1;

	if (bk_rows(bs, n, date, &rows, err, errlen) == -1)
		return -1;
	if (fmt(&out, &rows, l) == -1)
		bk_err(err, errlen, ENOMEM, "out of memory");
	else
		rc = bk_write(fp, out.data, out.len, err, errlen);
	buf_wipe(&out);
	free(rows.v);
	return rc;
}

static int
bk_day_list(struct buf *out, const struct bk_rows *rows, enum lang l)
{
	size_t i, j;

	if (rows->n == 0 && buf_puts(out, l == LANG_JA ? "予約はありません。\n" :
	    "No bookings.\n") == -1)
		return -1;
	for (i = 0; i < rows->n; i = j) {
		for (j = i + 1; j < rows->n && bk_same_group(&rows->v[i], &rows->v[j]); j++)
			;
		if (bk_group(out, rows->v + i, j - i, l, i == 0) == -1)
			return -1;
	}
	return 0;
}

int
bookings_day_list(FILE *fp, const struct booking *bs, size_t n, const char *date,
    enum lang l, char *err, size_t errlen)
{
	return bk_output(fp, bs, n, date, l, bk_day_list, err, errlen);
}

/*
 * CSV.
 */

/* One field: cleaned, guarded against formulas when it comes from a record, quoted
 * when it must be. */
static int
bk_csv_field(struct buf *out, const char *s, int guard, int last)
{
	struct buf t = BUF_INIT;
	size_t i;
	int rc = -1, quote;

	/* the empty append makes t.data a string even for an empty field */
	if (bk_clean(&t, s, BK_TEXT) == -1 || buf_append(&t, "", 0) == -1)
		goto out;
	quote = strpbrk(t.data, ",\"\r\n") != NULL;
	if (quote && buf_putc(out, '"') == -1)
		goto out;
	if (guard && t.len > 0 && strchr("=+-@\t\r\n", t.data[0]) != NULL &&
	    buf_putc(out, '\'') == -1)
		goto out;
	for (i = 0; i < t.len; i++)
		if ((t.data[i] == '"' && buf_putc(out, '"') == -1) ||
		    buf_putc(out, t.data[i]) == -1)
			goto out;
	if (quote && buf_putc(out, '"') == -1)
		goto out;
	rc = buf_puts(out, last ? "\r\n" : ",");
out:
	buf_wipe(&t);
	return rc;
}

#define BK_CSV_COLS	15

static const char *const bk_csv_heads[LANG_COUNT][BK_CSV_COLS] = {
	{ "予約番号", "状態", "日付", "開始", "終了", "分", "販売店コード", "販売店",
	  "車種コード", "車種", "お名前", "電話番号", "メールアドレス", "備考", "取消番号" },
	{ "booking_id", "status", "date", "start", "end", "minutes", "dealer",
	  "dealer_name", "model", "model_name", "name", "phone", "email", "note",
	  "cancellation_id" },
};

static int
bk_csv_row(struct buf *out, const struct bk_row *r, enum lang l)
{
	const struct booking *b = r->b;
	char date[11], from[8], to[8], mins[12];
	const char *f[BK_CSV_COLS];
	int i;

	snprintf(date, sizeof(date), "%.10s", b->slot);
	bk_hhmm(b->slot, 0, from);
	bk_hhmm(b->slot, b->slot_minutes, to);
	snprintf(mins, sizeof(mins), "%d", b->slot_minutes);
	f[0] = r->id;
	f[1] = bk_status(r, l, 0);
	f[2] = date;
	f[3] = from;
	f[4] = to;
	f[5] = mins;
	f[6] = b->dealer;
	f[7] = b->dealer_name;
	f[8] = b->model;
	f[9] = b->model_name;
	f[10] = b->name;
	f[11] = b->phone;
	f[12] = b->email;
	f[13] = b->note;
	f[14] = r->cancel != NULL ? r->cancel->record_id : "";
	for (i = 0; i < BK_CSV_COLS; i++)
		if (bk_csv_field(out, f[i], i >= 6, i == BK_CSV_COLS - 1) == -1)
			return -1;
	return 0;
}

static int
bk_csv(struct buf *out, const struct bk_rows *rows, enum lang l)
{
	size_t i;

	if (buf_puts(out, "\xef\xbb\xbf") == -1)
		return -1;
	for (i = 0; i < BK_CSV_COLS; i++)
		if (bk_csv_field(out, bk_csv_heads[l][i], 0, i == BK_CSV_COLS - 1) == -1)
			return -1;
	for (i = 0; i < rows->n; i++)
		if (bk_csv_row(out, &rows->v[i], l) == -1)
			return -1;
	return 0;
}

int
bookings_csv(FILE *fp, const struct booking *bs, size_t n, const char *date, enum lang l,
    char *err, size_t errlen)
{
	return bk_output(fp, bs, n, date, l, bk_csv, err, errlen);
}

/*
 * iCalendar.
 */

/* Adds P to C; a NULL P (libical out of memory) is remembered in *ok. */
static void
bk_add(icalcomponent *c, icalproperty *p, int *ok)
{
	if (p == NULL)
		*ok = 0;
	else
		icalcomponent_add_property(c, p);
}

static icalproperty *
bk_tzid(icalproperty *p)
{
	icalparameter *tz;

	if (p == NULL)
		return NULL;
	if ((tz = icalparameter_new_tzid(BOOKINGS_TZID)) == NULL) {
		icalproperty_free(p);
		return NULL;
	}
	icalproperty_add_parameter(p, tz);
	return p;
}

/* Japan has kept +0900 without daylight saving since 1951: one STANDARD rule. */
static icalcomponent *
bk_vtimezone(void)
{
	icalcomponent *tz, *std;
	struct icaltimetype t = icaltime_null_time();
	int ok = 1;

	tz = icalcomponent_new_vtimezone();
	std = icalcomponent_new_xstandard();
	if (tz == NULL || std == NULL) {
		if (tz != NULL)
			icalcomponent_free(tz);
		if (std != NULL)
			icalcomponent_free(std);
		return NULL;
	}
	t.year = 1970;
	t.month = 1;
	t.day = 1;
	bk_add(tz, icalproperty_new_tzid(BOOKINGS_TZID), &ok);
	bk_add(std, icalproperty_new_dtstart(t), &ok);
	bk_add(std, icalproperty_new_tzoffsetfrom(JTIME_OFFSET), &ok);
	bk_add(std, icalproperty_new_tzoffsetto(JTIME_OFFSET), &ok);
	bk_add(std, icalproperty_new_tzname("JST"), &ok);
	icalcomponent_add_component(tz, std);
	if (!ok) {
		icalcomponent_free(tz);
		return NULL;
	}
	return tz;
}

static struct icaltimetype
bk_ical_time(const char *slot, int plus)
{
	struct icaltimetype t = icaltime_null_time();

	t.year = jtime_num(slot, 4);
	t.month = jtime_num(slot + 5, 2);
	t.day = jtime_num(slot + 8, 2);
	t.hour = jtime_num(slot + 11, 2);
	t.minute = jtime_num(slot + 14, 2);
	/* normalizes across midnight and month ends */
	icaltime_adjust(&t, 0, 0, plus, 0);
	return t;
}

/* "LABEL: value" lines for the fields a record has, into OUT (cleaned). */
static int
bk_desc_line(struct buf *out, const char *label, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return 0;
	if ((out->len > 0 && buf_putc(out, '\n') == -1) || buf_puts(out, label) == -1)
		return -1;
	return bk_clean(out, v, BK_TEXT);
}

static int
bk_description(struct buf *out, const struct bk_row *r, enum lang l)
{
	static const char *const lab[LANG_COUNT][6] = {
		{ "お名前: ", "電話: ", "メール: ", "備考: ", "予約番号: ", "取消番号: " },
		{ "Name: ", "Phone: ", "E-mail: ", "Note: ", "Booking: ", "Cancellation: " },
	};

	if (bk_desc_line(out, lab[l][0], r->b->name) == -1 ||
	    bk_desc_line(out, lab[l][1], r->b->phone) == -1 ||
	    bk_desc_line(out, lab[l][2], r->b->email) == -1 ||
	    bk_desc_line(out, lab[l][3], r->b->note) == -1 ||
	    bk_desc_line(out, lab[l][4], r->id) == -1)
		return -1;
	if (r->cancel != NULL)
		return bk_desc_line(out, lab[l][5], r->cancel->record_id);
	return 0;
}

static int
bk_summary(struct buf *out, const struct bk_row *r, enum lang l)
{
	if (r->cancel != NULL && buf_puts(out, l == LANG_JA ? "【取消】" : "[CANCELLED] ") == -1)
		return -1;
	if (buf_puts(out, l == LANG_JA ? "試乗 " : "Test drive: ") == -1 ||
	    bk_clean(out, bk_or(r->b->model_name, r->b->model), BK_TEXT) == -1)
		return -1;
	if (r->b->name == NULL || r->b->name[0] == '\0')
		return 0;
	return buf_puts(out, " / ") == -1 ? -1 : bk_clean(out, r->b->name, BK_TEXT);
}

static icalcomponent *
bk_vevent(const struct bk_row *r, enum lang l, struct icaltimetype stamp)
{
	struct buf uid = BUF_INIT, sum = BUF_INIT, loc = BUF_INIT, desc = BUF_INIT;
	icalcomponent *ev;
	int ok = 1;

	if ((ev = icalcomponent_new_vevent()) == NULL)
		return NULL;
	if (buf_printf(&uid, "%s@showroom", r->id) == -1 || bk_summary(&sum, r, l) == -1 ||
	    bk_clean(&loc, bk_or(r->b->dealer_name, r->b->dealer), BK_TEXT) == -1 ||
	    buf_printf(&loc, " [%s]", r->b->dealer) == -1 ||
	    bk_description(&desc, r, l) == -1 || buf_append(&desc, "", 0) == -1) {
		ok = 0;
		goto out;
	}
	bk_add(ev, icalproperty_new_uid(uid.data), &ok);
	bk_add(ev, icalproperty_new_dtstamp(stamp), &ok);
	bk_add(ev, bk_tzid(icalproperty_new_dtstart(bk_ical_time(r->b->slot, 0))), &ok);
	bk_add(ev, bk_tzid(icalproperty_new_dtend(bk_ical_time(r->b->slot,
	    r->b->slot_minutes))), &ok);
	bk_add(ev, icalproperty_new_summary(sum.data), &ok);
	bk_add(ev, icalproperty_new_location(loc.data), &ok);
	bk_add(ev, icalproperty_new_description(desc.data), &ok);
	bk_add(ev, icalproperty_new_status(r->cancel != NULL ? ICAL_STATUS_CANCELLED :
	    ICAL_STATUS_CONFIRMED), &ok);
	bk_add(ev, icalproperty_new_sequence(r->cancel != NULL ? 1 : 0), &ok);
out:
	buf_free(&uid);
	buf_wipe(&sum);
	buf_wipe(&loc);
	buf_wipe(&desc);
	if (!ok) {
		icalcomponent_free(ev);
		return NULL;
	}
	return ev;
}

static icalcomponent *
bk_vcalendar(const struct bk_rows *rows, enum lang l, time_t now)
{
	struct icaltimetype stamp;
	icalcomponent *cal, *c;
	size_t i;
	int ok = 1;

	stamp = icaltime_from_timet_with_zone(now != 0 ? now : time(NULL), 0,
	    icaltimezone_get_utc_timezone());
	if ((cal = icalcomponent_new_vcalendar()) == NULL)
		return NULL;
	bk_add(cal, icalproperty_new_version("2.0"), &ok);
	bk_add(cal, icalproperty_new_prodid(l == LANG_JA ? "-//showroom//bookings 1.0//JA" :
	    "-//showroom//bookings 1.0//EN"), &ok);
	bk_add(cal, icalproperty_new_calscale("GREGORIAN"), &ok);
	if (!ok || (c = bk_vtimezone()) == NULL)
		goto fail;
	icalcomponent_add_component(cal, c);
	for (i = 0; i < rows->n; i++) {
		if ((c = bk_vevent(&rows->v[i], l, stamp)) == NULL)
			goto fail;
		icalcomponent_add_component(cal, c);
	}
	return cal;
fail:
	icalcomponent_free(cal);
	return NULL;
}

int
bookings_ics(FILE *fp, const struct booking *bs, size_t n, const char *date, enum lang l,
    time_t now, char *err, size_t errlen)
{
	struct bk_rows rows;
	icalcomponent *cal;
	char *s = NULL;
	int rc = -1;

	if (bk_rows(bs, n, date, &rows, err, errlen) == -1)
		return -1;
	if ((cal = bk_vcalendar(&rows, l, now)) == NULL ||
	    (s = icalcomponent_as_ical_string_r(cal)) == NULL) {
		bk_err(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	rc = bk_write(fp, s, strlen(s), err, errlen);
out:
	bk_wipe_str(s);
	if (cal != NULL)
		icalcomponent_free(cal);
	free(rows.v);
	return rc;
}
