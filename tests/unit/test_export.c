/*
 * Shipping exports: Click Post, Yamato B2 Cloud, plain CSV and the label sheet, on
 * fictional recipients only (見本 太郎, 架空町, 100-0001). The carrier files are decoded
 * back from CP932 and parsed; the PDF is checked with poppler's pdfinfo and pdftotext.
 *
 * EXPORT_BENCH=N adds a timing run over N records (100000 for the documented figures);
 * KEEP_EXPORTS=1 keeps the output directory.
 */
#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <sodium.h>

#include "lib/cp932.h"
#include "lib/fsutil.h"
#include "showroom/office/export.h"
#include "testsrv.h"

#define ERRLEN	256
#define MAXCOLS	100
#define MAXROWS	64

struct fixture {
	char	dir[256];
};

/* A set of records whose strings the test owns. */
struct recs {
	struct export_addr	*v;
	char			(*id)[16];
	size_t			 n;
};

/* A parsed CSV file: rows of fields, all in one allocation each. */
struct table {
	size_t	 nrows;
	size_t	 ncols[MAXROWS];
	char	*cell[MAXROWS][MAXCOLS];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(testsrv_tmpname(f->dir, sizeof(f->dir), "test-export"), 0);
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (getenv("KEEP_EXPORTS") == NULL)
		assert_int_equal(fs_remove_tree(f->dir), 0);
	else
		fprintf(stderr, "exports kept in %s\n", f->dir);
	free(f);
	return 0;
}

static void
recs_make(struct recs *r, size_t n)
{
	size_t i;

	r->n = n;
	r->v = calloc(n ? n : 1, sizeof(*r->v));
	r->id = calloc(n ? n : 1, sizeof(*r->id));
	assert_non_null(r->v);
	assert_non_null(r->id);
	for (i = 0; i < n; i++) {
		snprintf(r->id[i], sizeof(r->id[i]), "R%05zu", i + 1);
		r->v[i].record_id = r->id[i];
		r->v[i].name = "見本 太郎";
		r->v[i].postal_code = "100-0001";
		r->v[i].prefecture = 13;
		r->v[i].address1 = "千代田区架空町1-2-3";
		r->v[i].address2 = "見本ハイツ101";
		r->v[i].contents = "カタログ";
	}
}

static void
recs_free(struct recs *r)
{
	free(r->v);
	free(r->id);
}

static size_t
dir_count(const char *dir)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path, size_t *lenp)
{
	char *data;
	size_t len;
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	if (fs_read_file(path, &data, &len) != 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		fail();
	}
	if (lenp != NULL)
		*lenp = len;
	return data;
}

/* CP932 to UTF-8, strictly: the test fails on anything iconv cannot read back. */
static char *
from_cp932(const char *in, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", "CP932");
	size_t olen = len * 3 + 1, left = olen - 1;
	char *out = malloc(olen), *o = out, *i = (char *)in;

	assert_true(cd != (iconv_t)-1);
	assert_non_null(out);
	assert_int_not_equal(iconv(cd, &i, &len, &o, &left), (size_t)-1);
	*o = '\0';
	iconv_close(cd);
	return out;
}

static size_t
cp932_len(const char *s)
{
	iconv_t cd = iconv_open("CP932", "UTF-8");
	char out[512], *o = out, *i = (char *)s;
	size_t len = strlen(s), left = sizeof(out);

	assert_true(cd != (iconv_t)-1);
	assert_int_not_equal(iconv(cd, &i, &len, &o, &left), (size_t)-1);
	iconv_close(cd);
	return sizeof(out) - left;
}

/* Every line ends in CRLF. */
static void
assert_crlf(const char *s, size_t len)
{
	size_t i;

	assert_true(len >= 2);
	assert_memory_equal(s + len - 2, "\r\n", 2);
	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			assert_true(i > 0 && s[i - 1] == '\r');
}

/* RFC 4180, CRLF records; quoted fields may hold anything. */
static void
table_parse(struct table *t, const char *s)
{
	char field[1024];
	size_t n = 0;
	int quoted = 0, row_open = 0;

	memset(t, 0, sizeof(*t));
	for (;;) {
		char c = *s;

		if (quoted) {
			assert_true(c != '\0');
			if (c == '"' && s[1] == '"') {
				field[n++] = '"';
				s += 2;
			} else if (c == '"') {
				quoted = 0;
				s++;
			} else {
				field[n++] = c;
				s++;
			}
			assert_true(n < sizeof(field));
			continue;
		}
		if (c == '\0' && !row_open)
			break;
		if (c == '"' && n == 0) {
			quoted = 1;
			row_open = 1;
			s++;
			continue;
		}
		if (c == ',' || c == '\r' || c == '\0') {
			assert_true(t->nrows < MAXROWS);
			assert_true(t->ncols[t->nrows] < MAXCOLS);
			field[n] = '\0';
			t->cell[t->nrows][t->ncols[t->nrows]++] = strdup(field);
			n = 0;
			if (c == ',') {
				s++;
				row_open = 1;
				continue;
			}
			if (c == '\r') {
				assert_int_equal(s[1], '\n');
				s += 2;
			}
			t->nrows++;
			row_open = 0;
			continue;
		}
		field[n++] = c;
		row_open = 1;
		s++;
		assert_true(n < sizeof(field));
	}
}

static void
table_free(struct table *t)
{
	size_t r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols[r]; c++)
			free(t->cell[r][c]);
}

static void
read_cp932_table(const char *path, struct table *t)
{
	size_t len;
	char *raw = slurp(path, &len), *utf8;

	assert_crlf(raw, len);
	utf8 = from_cp932(raw, len);
	table_parse(t, utf8);
	free(utf8);
	free(raw);
}

static void
assert_problem(const struct export_problems *p, const char *id, const char *field,
    long cp)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].record_id, id) == 0 &&
		    strcmp(p->v[i].field, field) == 0 && p->v[i].codepoint == cp)
			return;
	fprintf(stderr, "no problem %s/%s/%ld among %zu:\n", id, field, cp, p->n);
	for (i = 0; i < p->n; i++) {
		char line[256];

		export_problem_format(&p->v[i], line, sizeof(line));
		fprintf(stderr, "  %s\n", line);
	}
	fail();
}

static const char *const cp_header[] = {
	"お届け先郵便番号", "お届け先氏名", "お届け先敬称", "お届け先住所1行目",
	"お届け先住所2行目", "お届け先住所3行目", "お届け先住所4行目", "内容品",
};

static void
test_clickpost_split(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct recs r;
	struct table t;
	char prefix[128], want[160], err[ERRLEN] = "", **paths;
	size_t npaths, k, row, c, seen = 0;
	const size_t rows[3] = { 40, 40, 5 };

	recs_make(&r, 85);
	r.v[7].name = "髙橋 見本";	/* an IBM extension: in CP932 */
	snprintf(prefix, sizeof(prefix), "%s/clickpost", f->dir);
	if (export_clickpost(r.v, r.n, prefix, &paths, &npaths, &probs, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "export_clickpost: %s\n", err);
		fail();
	}
	assert_int_equal(probs.n, 0);
	assert_int_equal(npaths, 3);
	assert_int_equal(dir_count(f->dir), 3);	/* no temporary files left */
	for (k = 0; k < npaths; k++) {
		snprintf(want, sizeof(want), "%s-%03zu.csv", prefix, k + 1);
		assert_string_equal(paths[k], want);
		read_cp932_table(paths[k], &t);
		assert_int_equal(t.nrows, rows[k] + 1);
		assert_int_equal(t.ncols[0], 8);
		for (c = 0; c < 8; c++)
			assert_string_equal(t.cell[0][c], cp_header[c]);
		for (row = 1; row < t.nrows; row++, seen++) {
			assert_int_equal(t.ncols[row], 8);
			assert_string_equal(t.cell[row][0], "100-0001");
			assert_string_equal(t.cell[row][1],
			    seen == 7 ? "髙橋 見本" : "見本 太郎");
			assert_string_equal(t.cell[row][2], "様");
			assert_string_equal(t.cell[row][3], "東京都千代田区架空町1-2-3");
			assert_string_equal(t.cell[row][4], "見本ハイツ101");
			assert_string_equal(t.cell[row][5], "");
			assert_string_equal(t.cell[row][6], "");
			assert_string_equal(t.cell[row][7], "カタログ");
		}
		table_free(&t);
	}
	assert_int_equal(seen, 85);
	export_paths_free(paths, npaths);
	recs_free(&r);
}

static void
test_clickpost_unencodable(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct recs r;
	char prefix[128], err[ERRLEN] = "", line[256], **paths;
	size_t npaths, i;

	recs_make(&r, 50);
	r.v[2].name = "見本 😀太郎";
	r.v[4].address1 = "千代田区𠮷野町1-2-3";
	r.v[4].address2 = "𠮷見本ハイツ";	/* one problem per field and character */
	r.v[45].contents = "カタログ😀😀";	/* reported once */
	r.v[10].name = "髙橋 見本";		/* in CP932: no problem */
	snprintf(prefix, sizeof(prefix), "%s/cp", f->dir);
	assert_int_equal(export_clickpost(r.v, r.n, prefix, &paths, &npaths, &probs, err,
	    sizeof(err)), -1);
	assert_null(paths);
	assert_int_equal(npaths, 0);
	assert_int_equal(dir_count(f->dir), 0);	/* all or nothing */
	assert_non_null(strstr(err, "4 problems"));
	assert_int_equal(probs.n, 4);
	assert_problem(&probs, "R00003", "name", 0x1f600);
	assert_problem(&probs, "R00005", "address1", 0x20bb7);
	assert_problem(&probs, "R00005", "address2", 0x20bb7);
	assert_problem(&probs, "R00046", "contents", 0x1f600);
	for (i = 0; i < probs.n; i++)
		if (probs.v[i].index == 4 && strcmp(probs.v[i].field, "address1") == 0)
			break;
	assert_true(i < probs.n);
	export_problem_format(&probs.v[i], line, sizeof(line));
	assert_string_equal(line,
	    "record R00005: address1: U+20BB7 is not in CP932 (Shift_JIS)");
	/* Messages carry no personal data: neither the name nor the address. */
	for (i = 0; i < probs.n; i++) {
		export_problem_format(&probs.v[i], line, sizeof(line));
		assert_null(strstr(line, "見本"));
		assert_null(strstr(line, "千代田"));
	}
	export_problems_free(&probs);
	assert_int_equal(probs.n, 0);
	recs_free(&r);
}

static void
test_clickpost_limits(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct recs r;
	struct table t;
	char prefix[128], err[ERRLEN] = "", joined[512], **paths;
	size_t npaths, c;

	recs_make(&r, 5);
	/* 20 full-width characters: the most a name may have. */
	r.v[0].name = "見本見本見本見本見本見本見本見本見本見本";
	/* 東京都 (6 bytes) + 15 full-width (30) = 36; "12-345" would straddle byte 40. */
	r.v[1].address1 = "千代田区架空町見本通り見本丁目12-345";
	r.v[1].address2 = "";
	/* 80 bytes and "1-2-3": three lines; address2 still gets a line of its own. */
	r.v[2].address1 = "千代田区架空町見本通り見本丁目架空の森見本の丘二番街架空台"
	    "見本の里見本ヶ原1-2-3";
	r.v[3].name = "=HYPERLINK(\"x\")";
	r.v[4].address2 = "-101";
	snprintf(prefix, sizeof(prefix), "%s/lim", f->dir);
	if (export_clickpost(r.v, r.n, prefix, &paths, &npaths, &probs, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "export_clickpost: %s\n", err);
		fail();
	}
	assert_int_equal(npaths, 1);
	read_cp932_table(paths[0], &t);
	assert_int_equal(t.nrows, 6);
	assert_string_equal(t.cell[1][1], "見本見本見本見本見本見本見本見本見本見本");
	assert_string_equal(t.cell[2][3], "東京都千代田区架空町見本通り見本丁目");
	assert_string_equal(t.cell[2][4], "12-345");
	assert_string_equal(t.cell[2][5], "");
	for (c = 3; c < 7; c++)
		assert_true(cp932_len(t.cell[3][c]) <= 40);
	snprintf(joined, sizeof(joined), "%s%s%s", t.cell[3][3], t.cell[3][4],
	    t.cell[3][5]);
	assert_string_equal(joined, "東京都千代田区架空町見本通り見本丁目架空の森見本の丘"
	    "二番街架空台見本の里見本ヶ原1-2-3");
	assert_string_equal(t.cell[3][5], "1-2-3");
	assert_string_equal(t.cell[3][6], "見本ハイツ101");
	/* The formula guard, in the carrier files too. */
	assert_string_equal(t.cell[4][1], "'=HYPERLINK(\"x\")");
	assert_string_equal(t.cell[5][4], "'-101");
	table_free(&t);
	export_paths_free(paths, npaths);

	/* One character more than each limit: problems, and no file. */
	assert_int_equal(fs_remove_tree(f->dir), 0);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	r.v[0].name = "見本見本見本見本見本見本見本見本見本見本見";
	r.v[1].address1 = "千代田区架空町見本通り見本丁目架空の森見本の丘二番街架空台"
	    "見本の里見本ヶ原架空の杜見本ノ辻架空坂上見本川沿い架空の郷見本平架空の浜"
	    "見本台地架空の谷見本の峠1-2-3";	/* 82 full-width: more than 4 x 20 */
	r.v[1].address2 = "見本ハイツ101";
	r.v[2].contents = "カタログカタログカタログカタロ";	/* 15: fits */
	r.v[3].contents = "カタログカタログカタログカタログ";	/* 16 */
	r.v[4].postal_code = "1000001";
	r.v[4].prefecture = 48;
	assert_int_equal(export_clickpost(r.v, r.n, prefix, &paths, &npaths, &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(dir_count(f->dir), 0);
	assert_problem(&probs, "R00001", "name", -1);
	assert_problem(&probs, "R00002", "address", -1);
	assert_problem(&probs, "R00004", "contents", -1);
	assert_problem(&probs, "R00005", "postal_code", -1);
	assert_problem(&probs, "R00005", "prefecture", -1);
	assert_int_equal(probs.n, 5);
	export_problems_free(&probs);
	recs_free(&r);
}

static void
test_csv_quoting(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct recs r;
	char path[128], err[ERRLEN] = "", *data;
	size_t len;
	static const char want[] =
	    "\xef\xbb\xbf"
	    "管理番号,郵便番号,都道府県,住所1,住所2,氏名,敬称,内容品\r\n"
	    "R00001,100-0001,東京都,千代田区架空町1-2-3,見本ハイツ101,見本 太郎,様,"
	    "カタログ\r\n"
	    "R00002,100-0001,東京都,\"架空町1,2 \"\"見本\"\"\",\"'\r棟\n2階\",'=1+2,様,"
	    "'@SUM(A1)\r\n"
	    "R00003,060-0000,北海道,'-1-2-3,'\tタブ,'+81 見本,様,\"'-3,000\"\r\n";

	recs_make(&r, 3);
	r.v[1].address1 = "架空町1,2 \"見本\"";
	r.v[1].address2 = "\r棟\n2階";
	r.v[1].name = "=1+2";
	r.v[1].contents = "@SUM(A1)";
	r.v[2].postal_code = "060-0000";
	r.v[2].prefecture = 1;
	r.v[2].address1 = "-1-2-3";
	r.v[2].address2 = "\tタブ";
	r.v[2].name = "+81 見本";
	r.v[2].contents = "-3,000";
	snprintf(path, sizeof(path), "%s/plain.csv", f->dir);
	if (export_csv(r.v, r.n, path, &probs, err, sizeof(err)) != 0) {
		fprintf(stderr, "export_csv: %s\n", err);
		fail();
	}
	data = slurp(path, &len);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(data, want, len);
	free(data);
	assert_int_equal(dir_count(f->dir), 1);

	/* Not UTF-8: a problem, and the earlier file stays as it was. */
	r.v[1].name = "見本\xff";
	assert_int_equal(export_csv(r.v, r.n, path, &probs, err, sizeof(err)), -1);
	assert_int_equal(probs.n, 1);
	assert_problem(&probs, "R00002", "name", -1);
	data = slurp(path, &len);
	assert_int_equal(len, sizeof(want) - 1);
	free(data);
	assert_int_equal(dir_count(f->dir), 1);
	export_problems_free(&probs);
	recs_free(&r);
}

static const struct export_sender sender = {
	"エグザンプル・モーターズ", "100-0005", 13, "千代田区架空町9-9-9",
	"エグザンプルビル", "03-0000-0000"
};

static void
test_yamato(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_yamato opt = { &sender, NULL, "2031/04/01", "012345678901", "",
	    "01", NULL };
	struct export_sender bad = sender;
	struct recs r;
	struct table t;
	char path[128], err[ERRLEN] = "";
	size_t row, c;

	recs_make(&r, 3);
	r.v[2].address2 = "";
	snprintf(path, sizeof(path), "%s/b2.csv", f->dir);
	if (export_yamato_b2(r.v, r.n, &opt, path, &probs, err, sizeof(err)) != 0) {
		fprintf(stderr, "export_yamato_b2: %s\n", err);
		fail();
	}
	read_cp932_table(path, &t);
	assert_int_equal(t.nrows, 4);
	for (row = 0; row < t.nrows; row++)
		assert_int_equal(t.ncols[row], 95);
	assert_string_equal(t.cell[0][0], "お客様管理番号");
	assert_string_equal(t.cell[0][1], "送り状種類");
	assert_string_equal(t.cell[0][8], "お届け先電話番号");
	assert_string_equal(t.cell[0][10], "お届け先郵便番号");
	assert_string_equal(t.cell[0][11], "お届け先住所");
	assert_string_equal(t.cell[0][12], "お届け先アパートマンション名");
	assert_string_equal(t.cell[0][15], "お届け先名");
	assert_string_equal(t.cell[0][16], "お届け先名(ｶﾅ)");
	assert_string_equal(t.cell[0][27], "品名１");
	assert_string_equal(t.cell[0][41], "運賃管理番号");
	assert_string_equal(t.cell[0][94], "投函完了メール（ご依頼主宛）メールメッセージ");
	for (row = 1; row < t.nrows; row++) {
		assert_string_equal(t.cell[row][0], r.id[row - 1]);
		assert_string_equal(t.cell[row][1], "3");
		assert_string_equal(t.cell[row][4], "2031/04/01");
		assert_string_equal(t.cell[row][8], "03-0000-0000");
		assert_string_equal(t.cell[row][10], "100-0001");
		assert_string_equal(t.cell[row][11], "東京都千代田区架空町1-2-3");
		assert_string_equal(t.cell[row][12], row == 3 ? "" : "見本ハイツ101");
		assert_string_equal(t.cell[row][15], "見本 太郎");
		assert_string_equal(t.cell[row][17], "様");
		assert_string_equal(t.cell[row][19], "03-0000-0000");
		assert_string_equal(t.cell[row][21], "100-0005");
		assert_string_equal(t.cell[row][22], "東京都千代田区架空町9-9-9");
		assert_string_equal(t.cell[row][23], "エグザンプルビル");
		assert_string_equal(t.cell[row][24], "エグザンプル・モーターズ");
		assert_string_equal(t.cell[row][27], "カタログ");
		assert_string_equal(t.cell[row][39], "012345678901");
		assert_string_equal(t.cell[row][40], "");
		assert_string_equal(t.cell[row][41], "01");
		for (c = 42; c < 95; c++)
			assert_string_equal(t.cell[row][c], "");
	}
	table_free(&t);

	/* A recipient phone from the configuration, and another service. */
	opt.recipient_phone = "0120-000-000";
	opt.service = "A";
	assert_int_equal(export_yamato_b2(r.v, r.n, &opt, path, &probs, err,
	    sizeof(err)), 0);
	read_cp932_table(path, &t);
	assert_string_equal(t.cell[1][1], "A");
	assert_string_equal(t.cell[1][8], "0120-000-000");
	assert_string_equal(t.cell[1][17], "");	/* 敬称 is for ゆうメール only */
	assert_string_equal(t.cell[1][19], "03-0000-0000");
	table_free(&t);

	/* The sender and the records are all checked, and nothing is written. */
	assert_int_equal(fs_remove_tree(f->dir), 0);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	bad.phone = "03 0000 0000";
	bad.name = "エグザンプル・モーターズ株式会社東京";	/* 17 full-width */
	opt.sender = &bad;
	opt.ship_date = "2031-04-01";
	r.v[1].name = "見本見本見本見本見本見本見本見本見";	/* 17 */
	r.v[2].record_id = "R 3";
	assert_int_equal(export_yamato_b2(r.v, r.n, &opt, path, &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(dir_count(f->dir), 0);
	assert_problem(&probs, "(sender)", "phone", -1);
	assert_problem(&probs, "(sender)", "name", -1);
	assert_problem(&probs, "(sender)", "ship_date", -1);
	assert_problem(&probs, "R00002", "name", -1);
	assert_problem(&probs, "R 3", "record_id", -1);
	assert_int_equal(probs.n, 5);
	assert_int_equal(probs.v[0].index, EXPORT_SENDER);
	export_problems_free(&probs);
	recs_free(&r);
}

/* The table the forms and the exports share, at its edges. */
static void
test_cp932_printable(void **state)
{
	static const uint32_t yes[] = { ' ', 'A', '~', 0x9ad9 /* 髙 */, 0x2460 /* ① */,
	    0x3231 /* ㈱ */, 0xa5 /* ¥ */, 0xff5e /* ～ */, 0x3000, 0xff71 /* ｱ */,
	    0x304c /* が */, 0xfa11 /* 﨑 */ };
	static const uint32_t no[] = { '\n', 0x7f, 0x80, 0xe9 /* é */, 0x1f600,
	    0x20bb7 /* 𠮷 */, 0xe000, 0xe757, 0xf8ff, 0xfffe, 0xffff, 0xfdd0, 0x3099,
	    0x301, 0xfe0f, 0x200d, 0xe0041 /* a tag, which glibc drops */, 0x10ffff };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (cp932_printable(yes[i]) != 1)
			fail_msg("U+%04X should be printable", (unsigned)yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (cp932_printable(no[i]) != 0)
			fail_msg("U+%04X should not be printable", (unsigned)no[i]);
	assert_int_equal(cp932_private_use(0xe000), 1);
	assert_int_equal(cp932_private_use(0x100000), 1);
	assert_int_equal(cp932_private_use(0xfffd), 0);
}

/* What the forms refuse (src/lib/cp932.h), the carrier files refuse too: glibc maps
 * U+E000..U+E757 to CP932's user-defined area (外字), which each PC draws its own way
 * or not at all; and noncharacters, emoji and combining marks are not in CP932. */
static void
test_carrier_unprintable(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_yamato opt = { &sender, NULL, "2031/04/01", "", "", "", NULL };
	struct recs r;
	char path[128], err[ERRLEN] = "", line[256], **paths;
	size_t npaths, i;

	recs_make(&r, 6);
	r.v[0].name = "見本 \xee\x80\x80太郎";		/* U+E000, 0xF040 in glibc */
	r.v[1].address1 = "千代田区\xee\x9d\x97架空町";	/* U+E757, the last one */
	r.v[2].address2 = "見本ハイツ\xef\xa3\xbf";	/* U+F8FF */
	r.v[3].name = "見本\xef\xbf\xbf太郎";		/* U+FFFF */
	r.v[4].name = "見本 か\xe3\x82\x99\xcc\x81";	/* U+3099, U+0301 */
	snprintf(path, sizeof(path), "%s/cp", f->dir);
	assert_int_equal(export_clickpost(r.v, r.n, path, &paths, &npaths, &probs, err,
	    sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/b2.csv", f->dir);
	assert_int_equal(export_yamato_b2(r.v, r.n, &opt, path, &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(dir_count(f->dir), 0);
	assert_problem(&probs, "R00001", "name", 0xe000);
	assert_problem(&probs, "R00002", "address1", 0xe757);
	assert_problem(&probs, "R00003", "address2", 0xf8ff);
	assert_problem(&probs, "R00004", "name", 0xffff);
	assert_problem(&probs, "R00005", "name", 0x3099);
	assert_problem(&probs, "R00005", "name", 0x301);
	assert_int_equal(probs.n, 12);	/* six in each format */
	for (i = 0; i < probs.n; i++)
		if (probs.v[i].codepoint == 0xe000)
			break;
	export_problem_format(&probs.v[i], line, sizeof(line));
	assert_string_equal(line, "record R00001: name: U+E000 is a private-use "
	    "character, which carriers cannot print");
	export_problems_free(&probs);

	/* The label sheet and the plain CSV take them: the clerk's way out. */
	snprintf(path, sizeof(path), "%s/all.csv", f->dir);
	assert_int_equal(export_csv(r.v, r.n, path, &probs, err, sizeof(err)), 0);
	assert_int_equal(probs.n, 0);
	recs_free(&r);
}

/* One record a carrier cannot take is set aside, and the rest go out, still in whole
 * files of 40: the way `showroom export` keeps one visitor from holding up the rest. */
static void
test_set_aside(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_yamato opt = { &sender, NULL, "2031/04/01", "", "", "", NULL };
	struct export_sender bad = sender;
	struct export_addr rest[45];
	unsigned char aside[45];
	struct recs r;
	struct table t;
	char prefix[128], err[ERRLEN] = "", **paths;
	size_t npaths, nrest, k, row, seen = 0;

	recs_make(&r, 45);
	r.v[3].name = "見本 \xf0\x9f\x98\x80太郎";		/* U+1F600 */
	r.v[40].address1 = "千代田区\xee\x80\x80町";		/* U+E000 */
	r.v[44].name = "見本見本見本見本見本見本見本見本見本見本見";	/* 21: too long */
	snprintf(prefix, sizeof(prefix), "%s/cp", f->dir);
	assert_int_equal(export_clickpost(r.v, r.n, prefix, &paths, &npaths, &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(dir_count(f->dir), 0);
	assert_int_equal(export_set_aside(r.v, r.n, &probs, 0, aside, rest, &nrest), 3);
	assert_int_equal(nrest, 42);
	for (k = 0; k < r.n; k++)
		assert_int_equal(aside[k], k == 3 || k == 40 || k == 44);
	assert_string_equal(rest[3].record_id, "R00005");
	assert_string_equal(rest[41].record_id, "R00044");
	export_problems_free(&probs);
	if (export_clickpost(rest, nrest, prefix, &paths, &npaths, &probs, err,
	    sizeof(err)) != 0)
		fail_msg("export_clickpost: %s", err);
	assert_int_equal(npaths, 2);
	assert_int_equal(dir_count(f->dir), 2);
	for (k = 0; k < npaths; k++) {
		read_cp932_table(paths[k], &t);
		assert_int_equal(t.nrows, k == 0 ? 41 : 3);
		for (row = 1; row < t.nrows; row++, seen++)
			assert_string_equal(t.cell[row][1], "見本 太郎");
		table_free(&t);
	}
	assert_int_equal(seen, 42);
	export_paths_free(paths, npaths);

	/* A problem of the sender's is no record's: nothing to set aside, nothing goes. */
	bad.phone = "03 0000 0000";
	opt.sender = &bad;
	snprintf(prefix, sizeof(prefix), "%s/b2.csv", f->dir);
	assert_int_equal(export_yamato_b2(r.v, r.n, &opt, prefix, &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(export_set_aside(r.v, r.n, &probs, 0, aside, rest, &nrest), -1);
	export_problems_free(&probs);
	recs_free(&r);
}

/* The whole output of a command (paths here are our own mkdtemp names). */
static char	*run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
run(const char *fmt, ...)
{
	char cmd[512], *out = NULL;
	size_t len = 0, n;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	for (;;) {
		out = realloc(out, len + 4097);
		assert_non_null(out);
		if ((n = fread(out + len, 1, 4096, p)) == 0)
			break;
		len += n;
	}
	out[len] = '\0';
	assert_int_equal(pclose(p), 0);
	return out;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		fprintf(stderr, "missing \"%s\" in:\n%.3000s\n", needle, hay);
		fail();
	}
}

static void
test_labels(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct recs r;
	char path[128], err[ERRLEN] = "", *out, head[5];
	FILE *fp;

	recs_make(&r, 25);
	r.v[1].name = "髙橋 𠮷子";	/* outside CP932, but Noto CJK draws it */
	r.v[2].address1 = "千代田区架空町見本通り見本丁目架空の森見本の丘二番街架空台"
	    "見本の里見本ヶ原1-2-3";	/* address2 runs on after a space */
	r.v[3].postal_code = "060-0000";
	r.v[3].prefecture = 1;
	r.v[4].address2 = "";
	snprintf(path, sizeof(path), "%s/labels.pdf", f->dir);
	if (labels_pdf(r.v, r.n, path, &probs, err, sizeof(err)) != 0) {
		fprintf(stderr, "labels_pdf: %s\n", err);
		fail();
	}
	assert_int_equal(probs.n, 0);
	assert_int_equal(dir_count(f->dir), 1);
	free(slurp(path, NULL));	/* mode 0600 */
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(head, 1, 5, fp), 5);
	fclose(fp);
	assert_memory_equal(head, "%PDF-", 5);

	out = run("pdfinfo '%s'", path);
	assert_contains(out, "595.28 x 841.89 pts (A4)");
	assert_contains(out, "\nPages:           3\n");
	free(out);
	out = run("pdftotext -enc UTF-8 '%s' -", path);
	assert_contains(out, "〒100-0001");
	assert_contains(out, "〒060-0000");
	assert_contains(out, "様");
	assert_contains(out, "見本 太郎");
	assert_contains(out, "𠮷子");
	assert_contains(out, "北海道");
	free(out);
	recs_free(&r);
}

static void
test_labels_problems(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct recs r;
	char path[128], err[ERRLEN] = "";

	recs_make(&r, 14);
	r.v[0].address1 = "千代田区架空町見本通り見本丁目架空の森見本の丘二番街架空台"
	    "見本の里見本ヶ原架空の杜見本ノ辻架空坂上見本川沿い架空の郷見本平架空の浜"
	    "見本台地架空の谷見本の峠架空の岬1-2-3";
	r.v[5].name = "見本見本見本見本見本見本見本見本見本見本見本見本見本見本見本見本";
	r.v[12].address2 = "見本\xcd\xb8ハイツ";	/* U+0378: no font has it */
	r.v[13].name = "見本\n太郎";
	r.v[13].address1 = "架空町\t1-2-3";	/* both reported */
	snprintf(path, sizeof(path), "%s/labels.pdf", f->dir);
	assert_int_equal(labels_pdf(r.v, r.n, path, &probs, err, sizeof(err)), -1);
	assert_int_equal(dir_count(f->dir), 0);
	assert_problem(&probs, "R00001", "address", -1);
	assert_problem(&probs, "R00006", "name", -1);
	assert_problem(&probs, "R00013", "address2", 0x378);
	assert_problem(&probs, "R00014", "name", '\n');
	assert_problem(&probs, "R00014", "address1", '\t');
	assert_int_equal(probs.n, 5);
	export_problems_free(&probs);

	/* No records, no sheet. */
	assert_int_equal(labels_pdf(r.v, 0, path, &probs, err, sizeof(err)), 0);
	assert_int_equal(dir_count(f->dir), 0);
	recs_free(&r);
}

/* A problem in the last record, after earlier files and buffers were written out:
 * the temporary files go too. */
static void
test_late_problem(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_yamato opt = { &sender, NULL, "2031/04/01", "", "", "", NULL };
	struct recs r;
	char path[128], err[ERRLEN] = "", **paths;
	size_t npaths;

	recs_make(&r, 2000);	/* past EXPORT_FLUSH in every format */
	r.v[1999].address1 = "千代田区\xe2\x80\xa8架空町";	/* U+2028 LINE SEPARATOR */
	snprintf(path, sizeof(path), "%s/late", f->dir);
	assert_int_equal(export_clickpost(r.v, r.n, path, &paths, &npaths, &probs, err,
	    sizeof(err)), -1);
	assert_problem(&probs, "R02000", "address1", 0x2028);
	assert_string_equal(probs.v[0].message, "is a control character");
	snprintf(path, sizeof(path), "%s/late.csv", f->dir);
	assert_int_equal(export_yamato_b2(r.v, r.n, &opt, path, &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(probs.n, 2);
	r.v[1999].address1 = "千代田区\x01架空町";
	assert_int_equal(export_csv(r.v, r.n, path, &probs, err, sizeof(err)), 0);
	assert_int_equal(probs.n, 2);	/* the plain CSV takes control characters */
	r.v[1999].address1 = "千代田区\xed\xa0\x80";	/* a UTF-16 surrogate */
	assert_int_equal(export_csv(r.v, r.n, path, &probs, err, sizeof(err)), -1);
	assert_problem(&probs, "R02000", "address1", -1);
	assert_int_equal(labels_pdf(r.v, r.n, path, &probs, err, sizeof(err)), -1);
	assert_int_equal(probs.n, 4);
	assert_int_equal(dir_count(f->dir), 1);		/* the good plain CSV only */
	export_problems_free(&probs);
	recs_free(&r);
}

static void
test_write_errors(void **state)
{
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct recs r;
	char err[ERRLEN] = "", **paths;
	size_t npaths;

	(void)state;
	recs_make(&r, 2);
	assert_int_equal(export_csv(r.v, r.n, "/nonexistent/dir/x.csv", &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(probs.n, 0);
	assert_non_null(strstr(err, "cannot create /nonexistent/dir/x.csv"));
	assert_int_equal(export_clickpost(r.v, r.n, "/nonexistent/dir/cp", &paths,
	    &npaths, &probs, err, sizeof(err)), -1);
	assert_int_equal(probs.n, 0);
	assert_null(paths);
	assert_int_equal(labels_pdf(r.v, r.n, "/nonexistent/dir/l.pdf", &probs, err,
	    sizeof(err)), -1);
	assert_int_equal(probs.n, 0);
	recs_free(&r);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Varied fictional recipients, so that shaping and font subsetting see many texts. */
static char *
bench_vary(struct recs *r)
{
	static const char *const family[] = { "見本", "架空", "試験", "仮名", "例題",
	    "模擬", "想定", "擬似" };
	static const char *const given[] = { "太郎", "花子", "一郎", "次郎", "桜",
	    "翔太", "美咲", "健", "由美子", "大輔" };
	static const char *const town[] = { "千代田区架空町", "中央区見本通り",
	    "港区試験台", "札幌市中央区架空北", "大阪市北区見本橋", "名古屋市中区仮名町",
	    "福岡市博多区例題浜", "那覇市模擬が丘" };
	static const char *const bldg[] = { "", "見本ハイツ", "架空マンション",
	    "コーポ試験", "メゾン仮名" };
	const size_t each = 128;
	char *pool = malloc(r->n * each), *p;
	size_t i;

	assert_non_null(pool);
	for (i = 0; i < r->n; i++) {
		p = pool + i * each;
		snprintf(p, 32, "%s %s", family[i % 8], given[i / 8 % 10]);
		r->v[i].name = p;
		snprintf(p + 32, 48, "%s%zu-%zu-%zu", town[i / 3 % 8], i % 9 + 1,
		    i / 9 % 30 + 1, i % 17 + 1);
		r->v[i].address1 = p + 32;
		snprintf(p + 80, 40, "%s%s", bldg[i % 5], i % 5 ? "101" : "");
		r->v[i].address2 = p + 80;
		r->v[i].prefecture = (int)(i % 47) + 1;
	}
	return pool;
}

/* Not a check: the timings that docs/EXPORTS.md reports. */
static void
test_bench(void **state)
{
	struct fixture *f = *state;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_yamato opt = { &sender, NULL, "2031/04/01", "", "", "", NULL };
	const char *env = getenv("EXPORT_BENCH");
	struct recs r;
	char path[128], err[ERRLEN] = "", **paths, *pool;
	size_t n, npaths;
	double t;

	if (env == NULL || (n = strtoul(env, NULL, 10)) == 0) {
		skip();
		return;
	}
	recs_make(&r, n);
	pool = bench_vary(&r);
	snprintf(path, sizeof(path), "%s/bench", f->dir);
	t = now();
	assert_int_equal(export_clickpost(r.v, n, path, &paths, &npaths, &probs, err,
	    sizeof(err)), 0);
	fprintf(stderr, "bench: clickpost %zu records, %zu files: %.2f s\n", n, npaths,
	    now() - t);
	export_paths_free(paths, npaths);
	snprintf(path, sizeof(path), "%s/bench-b2.csv", f->dir);
	t = now();
	assert_int_equal(export_yamato_b2(r.v, n, &opt, path, &probs, err, sizeof(err)),
	    0);
	fprintf(stderr, "bench: yamato_b2 %zu records: %.2f s\n", n, now() - t);
	snprintf(path, sizeof(path), "%s/bench.csv", f->dir);
	t = now();
	assert_int_equal(export_csv(r.v, n, path, &probs, err, sizeof(err)), 0);
	fprintf(stderr, "bench: csv %zu records: %.2f s\n", n, now() - t);
	snprintf(path, sizeof(path), "%s/bench.pdf", f->dir);
	t = now();
	if (labels_pdf(r.v, n, path, &probs, err, sizeof(err)) != 0) {
		fprintf(stderr, "labels_pdf: %s\n", err);
		fail();
	}
	fprintf(stderr, "bench: labels_pdf %zu records, %zu pages: %.2f s\n", n,
	    (n + 11) / 12, now() - t);
	free(pool);
	recs_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clickpost_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clickpost_unencodable, setup,
		    teardown),
		cmocka_unit_test(test_cp932_printable),
		cmocka_unit_test_setup_teardown(test_carrier_unprintable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clickpost_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yamato, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_problem, setup, teardown),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test_setup_teardown(test_bench, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
