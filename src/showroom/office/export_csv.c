/*
 * Plain CSV: UTF-8 with a byte order mark (without one, Excel in Japan reads the file
 * as CP932 and shows mojibake), RFC 4180 quoting, CRLF, a header row. Nothing here
 * limits lengths or the character set; the fields are the record's own, the
 * prefecture as its name.
 */
#include "showroom/office/export_int.h"

#include <stdio.h>
#include <string.h>

#include "seal/record.h"
#include "showroom/office/export.h"

#define CSV_BOM		"\xef\xbb\xbf"
#define CSV_HONORIFIC	"様"

static const char *const csv_header[] = {
	"管理番号", "郵便番号", "都道府県", "住所1", "住所2", "氏名", "敬称", "内容品",
};

#define CSV_COLS	(sizeof(csv_header) / sizeof(csv_header[0]))

struct csv {
	struct export_ctx	 x;
	struct buf		 out;
};

static int
csv_header_row(struct buf *out)
{
	size_t i;

	if (export_put(out, CSV_BOM, strlen(CSV_BOM)) == -1)
		return -1;
	for (i = 0; i < CSV_COLS; i++)
		if (export_csv_field(out, csv_header[i], strlen(csv_header[i]), i == 0) == -1)
			return -1;
	return export_csv_eol(out);
}

static int
csv_row(void *arg, const struct export_addr *a)
{
	static const char *const names[CSV_COLS] = {
		"record_id", RECORD_F_POSTAL_CODE, RECORD_F_PREFECTURE,
		RECORD_F_ADDRESS1, RECORD_F_ADDRESS2, RECORD_F_NAME, "honorific",
		"contents",
	};
	struct csv *c = arg;
	struct export_ctx *x = &c->x;
	const char *f[CSV_COLS];
	size_t i;
	int bad = 0;

	f[0] = a->record_id;
	f[1] = a->postal_code;
	f[2] = export_prefecture(x, RECORD_F_PREFECTURE, a->prefecture);
	f[3] = a->address1;
	f[4] = a->address2;
	f[5] = a->name;
	f[6] = CSV_HONORIFIC;
	f[7] = a->contents;
	if (export_check_postal(x, RECORD_F_POSTAL_CODE, a->postal_code) == -1 ||
	    f[2] == NULL)
		bad = 1;
	for (i = 0; i < CSV_COLS; i++)
		if (f[i] != NULL && export_check_text(x, names[i], f[i]) == -1)
			bad = 1;
	if (bad || export_nproblems(x) > 0)
		return bad ? -1 : 0;
	for (i = 0; i < CSV_COLS; i++)
		if (export_csv_field(&c->out, f[i], strlen(f[i]), i == 0) == -1)
			goto nomem;
	if (export_csv_eol(&c->out) == -1)
		goto nomem;
	return 0;
nomem:
	x->nomem = 1;
	return -1;
}

int
export_csv(const struct export_addr *v, size_t n, const char *path,
    struct export_problems *probs, char *err, size_t errlen)
{
	struct export_file f = { NULL, NULL, -1 };
	struct csv c;
	int rc = -1, opened = 0;

	memset(&c, 0, sizeof(c));
	if (export_ctx_init(&c.x, probs, 0, err, errlen) == -1)
		return -1;
	c.x.allow_ctl = 1;
	if (export_file_open(&f, path, err, errlen) == -1)
		goto out;
	opened = 1;
	if (csv_header_row(&c.out) == -1) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (export_rows(&c.x, csv_row, &c, v, n, &c.out, &f, &opened, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	if (opened)
		export_file_discard(&f);
	export_ctx_free(&c.x);
	buf_wipe(&c.out);
	return rc;
}
