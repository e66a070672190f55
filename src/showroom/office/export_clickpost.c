/*
 * Click Post (Japan Post) bulk application CSV, まとめ申込: CP932, CRLF, a header row as
 * in Japan Post's template, and at most 40 recipients a file, the most one upload takes.
 *
 * Limits are counted in CP932 bytes, which is how "全角 N 文字 / 半角 2N 文字" works out:
 * a full-width character takes two bytes, ASCII and half-width kana one.
 *
 *   お届け先氏名		 40 bytes (20 full-width)
 *   お届け先住所1..4行目	 40 bytes each; prefecture + address1, then address2
 *   内容品			 30 bytes (15 full-width)
 *
 * All files are checked before any is written; see export.h for what is a problem.
 */
#include "showroom/office/export_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seal/record.h"
#include "showroom/office/export.h"

#define CP_ROWS		40	/* recipients in one file */
#define CP_NAME_MAX	40
#define CP_LINE_MAX	40
#define CP_LINES	4
#define CP_CONTENTS_MAX	30
#define CP_HONORIFIC	"様"

static const char *const clickpost_header[] = {
	"お届け先郵便番号", "お届け先氏名", "お届け先敬称", "お届け先住所1行目",
	"お届け先住所2行目", "お届け先住所3行目", "お届け先住所4行目", "内容品",
};

static const size_t clickpost_widths[CP_LINES] = {
	CP_LINE_MAX, CP_LINE_MAX, CP_LINE_MAX, CP_LINE_MAX
};

struct clickpost {
	struct export_ctx	 x;
	struct buf		 header;	/* the header row, in CP932 */
	struct buf		 honorific;
	struct buf		 name;		/* one record's fields, converted */
	struct buf		 addr;
	struct buf		 contents;
	struct buf		 out;		/* one file */
};

/* The fixed texts, through the same converter: they can fail only if iconv does. */
static int
clickpost_fixed(struct clickpost *c, char *err, size_t errlen)
{
	struct buf tmp = BUF_INIT;
	size_t i;
	int rc = -1;

	export_ctx_record(&c->x, EXPORT_SENDER, NULL);
	for (i = 0; i < sizeof(clickpost_header) / sizeof(clickpost_header[0]); i++) {
		buf_reset(&tmp);
		if (export_convert(&c->x, "header", clickpost_header[i], &tmp) == -1 ||
		    export_csv_field(&c->header, tmp.data, tmp.len, i == 0) == -1)
			goto out;
	}
	if (export_csv_eol(&c->header) == -1 ||
	    export_convert(&c->x, "honorific", CP_HONORIFIC, &c->honorific) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		snprintf(err, errlen, "cannot convert the Click Post header to CP932");
	buf_free(&tmp);
	return rc;
}

/* prefecture + address1, a space, address2: the space is where the two may join. */
static int
clickpost_address(struct clickpost *c, const struct export_addr *a,
    struct export_lines *lines)
{
	struct export_ctx *x = &c->x;
	const char *pref;
	size_t alen, bstart;
	int bad = 0;

	buf_reset(&c->addr);
	if ((pref = export_prefecture(x, RECORD_F_PREFECTURE, a->prefecture)) == NULL ||
	    export_convert(x, RECORD_F_PREFECTURE, pref, &c->addr) == -1)
		bad = 1;
	if (a->address1[0] == '\0') {
		export_problem(x, RECORD_F_ADDRESS1, -1, "is empty");
		bad = 1;
	} else if (export_convert(x, RECORD_F_ADDRESS1, a->address1, &c->addr) == -1)
		bad = 1;
	alen = bstart = c->addr.len;
	if (a->address2[0] != '\0') {
		if (export_convert(x, RECORD_F_ADDRESS2, " ", &c->addr) == -1 ||
		    export_convert(x, RECORD_F_ADDRESS2, a->address2, &c->addr) == -1)
			bad = 1;
		bstart = alen + 1;
	}
	if (bad)
		return -1;
	/* address2 on a line of its own where it fits, else run on after address1. */
	if (export_wrap(c->addr.data, alen, bstart, c->addr.len, clickpost_widths,
	    CP_LINES, 0, lines) == 0 ||
	    export_wrap(c->addr.data, alen, bstart, c->addr.len, clickpost_widths,
	    CP_LINES, 1, lines) == 0)
		return 0;
	export_problem(x, "address", -1, "does not fit in 4 lines of 20 full-width "
	    "characters (40 bytes in CP932)");
	return -1;
}

/* Checks one record and, when it is sound, appends its row to c->out. */
static int
clickpost_row(struct clickpost *c, const struct export_addr *a)
{
	struct export_ctx *x = &c->x;
	struct export_lines lines;
	struct buf *o = &c->out;
	size_t i;
	int bad = 0;

	buf_reset(&c->name);
	buf_reset(&c->contents);
	if (export_check_postal(x, RECORD_F_POSTAL_CODE, a->postal_code) == -1)
		bad = 1;
	if (export_convert(x, RECORD_F_NAME, a->name, &c->name) == -1 ||
	    export_check_len(x, RECORD_F_NAME, c->name.data, c->name.len, CP_NAME_MAX,
	    "is longer than 20 full-width characters (40 bytes in CP932)") == -1)
		bad = 1;
	if (clickpost_address(c, a, &lines) == -1)
		bad = 1;
	if (export_convert(x, "contents", a->contents, &c->contents) == -1 ||
	    export_check_len(x, "contents", c->contents.data, c->contents.len,
	    CP_CONTENTS_MAX, "is longer than 15 full-width characters "
	    "(30 bytes in CP932)") == -1)
		bad = 1;
	if (bad || export_nproblems(x) > 0)
		return bad ? -1 : 0;	/* no file will be written: skip the row */

	if (export_csv_field(o, a->postal_code, strlen(a->postal_code), 1) == -1 ||
	    export_csv_field(o, c->name.data, c->name.len, 0) == -1 ||
	    export_csv_field(o, c->honorific.data, c->honorific.len, 0) == -1)
		goto nomem;
	for (i = 0; i < CP_LINES; i++) {
		if (export_csv_field(o, i < lines.n ? c->addr.data + lines.off[i] : "",
		    i < lines.n ? lines.len[i] : 0, 0) == -1)
			goto nomem;
	}
	if (export_csv_field(o, c->contents.data, c->contents.len, 0) == -1 ||
	    export_csv_eol(o) == -1)
		goto nomem;
	return 0;
nomem:
	x->nomem = 1;
	return -1;
}

static int
clickpost_digits(size_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d < 3 ? 3 : d;
}

/* Writes c->out as file K of the export, complete but under a temporary name. */
static int
clickpost_file(struct clickpost *c, struct export_file *f, const char *prefix, size_t k,
    size_t nfiles, char *err, size_t errlen)
{
	char *path;
	int rc;

	f->fd = -1;
	if (asprintf(&path, "%s-%0*zu.csv", prefix, clickpost_digits(nfiles), k + 1) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = export_file_open(f, path, err, errlen);
	free(path);
	if (rc == -1)
		return -1;
	if (export_flush(f, &c->out, err, errlen) == -1 ||
	    export_file_close(f, k + 1 == nfiles ? EXPORT_SYNC_FS : EXPORT_SYNC_NONE,
	    err, errlen) == -1)
		return -1;
	return 0;
}

static void
clickpost_free(struct clickpost *c)
{
	export_ctx_free(&c->x);
	buf_free(&c->header);
	buf_free(&c->honorific);
	buf_wipe(&c->name);
	buf_wipe(&c->addr);
	buf_wipe(&c->contents);
	buf_wipe(&c->out);
}

int
export_clickpost(const struct export_addr *v, size_t n, const char *prefix,
    char ***pathsp, size_t *npathsp, struct export_problems *probs, char *err,
    size_t errlen)
{
	struct clickpost c;
	struct export_file *files = NULL;
	char **paths = NULL;
	size_t nfiles = (n + CP_ROWS - 1) / CP_ROWS, nopen = 0, i, k;
	int rc = -1;

	*pathsp = NULL;
	*npathsp = 0;
	memset(&c, 0, sizeof(c));
	if (export_ctx_init(&c.x, probs, 1, err, errlen) == -1)
		return -1;
	if (clickpost_fixed(&c, err, errlen) == -1)
		goto out;
	if (nfiles > 0 && ((files = calloc(nfiles, sizeof(*files))) == NULL ||
	    (paths = calloc(nfiles, sizeof(*paths))) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (k = 0; k < nfiles; k++) {
		buf_reset(&c.out);
		if (export_put(&c.out, c.header.data, c.header.len) == -1) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (i = k * CP_ROWS; i < n && i < (k + 1) * CP_ROWS; i++) {
			export_ctx_record(&c.x, i, v[i].record_id);
			clickpost_row(&c, &v[i]);
		}
		/* After the first problem, the rest is only checked. */
		if (export_nproblems(&c.x) > 0 || c.x.nomem)
			continue;
		if (clickpost_file(&c, &files[k], prefix, k, nfiles, err, errlen) == -1) {
			nopen = k + 1;
			goto out;
		}
		nopen = k + 1;
	}
	if (export_ctx_verdict(&c.x, err, errlen) == -1 ||
	    export_files_commit(files, nopen, err, errlen) == -1)
		goto out;
	for (k = 0; k < nfiles; k++) {
		paths[k] = files[k].path;
		files[k].path = NULL;
	}
	*pathsp = paths;
	*npathsp = nfiles;
	paths = NULL;
	rc = 0;
out:
	for (k = 0; k < nopen; k++)
		export_file_discard(&files[k]);
	free(files);
	free(paths);
	clickpost_free(&c);
	return rc;
}
