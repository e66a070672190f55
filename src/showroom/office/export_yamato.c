/*
 * Yamato B2 Cloud 送り状発行データ: the external-data CSV that B2 Cloud imports to
 * print slips. CP932 (what Yamato calls Shift_JIS), CRLF, one header row, then one row
 * per recipient in B2's standard 95-column layout; docs/EXPORTS.md lists the columns.
 *
 * The layout is reconstructed from published descriptions of it, not from a Yamato
 * document we hold; the columns this file fills are the first 42, which every
 * description agrees on. Limits are CP932 bytes (full-width counts two):
 *
 *   お客様管理番号 (record id)	50 ASCII letters, digits, '-' and '_'
 *   お届け先住所			64 bytes: prefecture + address1
 *   お届け先アパートマンション名	32 bytes: address2, or what address1 leaves
 *   お届け先名			32 bytes
 *   品名１ (contents)		50 bytes
 *
 * The same limits apply to the sender, which comes from the configuration and is
 * checked once; its problems carry the record id "(sender)".
 */
#include "showroom/office/export_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seal/record.h"
#include "showroom/office/export.h"

#define B2_COLS		95
#define B2_ID_MAX	50
#define B2_ADDR_MAX	64
#define B2_BLDG_MAX	32
#define B2_NAME_MAX	32
#define B2_ITEM_MAX	50
#define B2_PHONE_MAX	15
#define B2_SERVICE	"3"	/* クロネコゆうメール (DM便 until 2024) */
#define B2_HONORIFIC	"様"

/* The columns this export fills, by position from 0. */
enum b2_col {
	B2_C_ID = 0,		/* お客様管理番号 */
	B2_C_SERVICE = 1,	/* 送り状種類 */
	B2_C_SHIP_DATE = 4,	/* 出荷予定日 */
	B2_C_TO_PHONE = 8,	/* お届け先電話番号 */
	B2_C_TO_POSTAL = 10,	/* お届け先郵便番号 */
	B2_C_TO_ADDR = 11,	/* お届け先住所 */
	B2_C_TO_BLDG = 12,	/* お届け先アパートマンション名 */
	B2_C_TO_NAME = 15,	/* お届け先名 */
	B2_C_HONORIFIC = 17,	/* 敬称 */
	B2_C_FROM_PHONE = 19,	/* ご依頼主電話番号 */
	B2_C_FROM_POSTAL = 21,	/* ご依頼主郵便番号 */
	B2_C_FROM_ADDR = 22,	/* ご依頼主住所 */
	B2_C_FROM_BLDG = 23,	/* ご依頼主アパートマンション */
	B2_C_FROM_NAME = 24,	/* ご依頼主名 */
	B2_C_ITEM = 27,		/* 品名１ */
	B2_C_BILLING = 39,	/* 請求先顧客コード */
	B2_C_BILLING_CLASS = 40, /* 請求先分類コード */
	B2_C_FREIGHT = 41	/* 運賃管理番号 */
};

static const char *const b2_header[B2_COLS] = {
	"お客様管理番号", "送り状種類", "クール区分", "伝票番号", "出荷予定日",
	"お届け予定日", "配達時間帯", "お届け先コード", "お届け先電話番号",
	"お届け先電話番号枝番", "お届け先郵便番号", "お届け先住所",
	"お届け先アパートマンション名", "お届け先会社・部門１", "お届け先会社・部門２",
	"お届け先名", "お届け先名(ｶﾅ)", "敬称", "ご依頼主コード", "ご依頼主電話番号",
	"ご依頼主電話番号枝番", "ご依頼主郵便番号", "ご依頼主住所",
	"ご依頼主アパートマンション", "ご依頼主名", "ご依頼主名(ｶﾅ)", "品名コード１",
	"品名１", "品名コード２", "品名２", "荷扱い１", "荷扱い２", "記事",
	"ｺﾚｸﾄ代金引換額（税込)", "内消費税額等", "止置き", "営業所コード", "発行枚数",
	"個数口表示フラグ", "請求先顧客コード", "請求先分類コード", "運賃管理番号",
	"クロネコwebコレクトデータ登録", "クロネコwebコレクト加盟店番号",
	"クロネコwebコレクト申込受付番号１", "クロネコwebコレクト申込受付番号２",
	"クロネコwebコレクト申込受付番号３", "お届け予定ｅメール利用区分",
	"お届け予定ｅメールe-mailアドレス", "入力機種", "お届け予定ｅメールメッセージ",
	"お届け完了ｅメール利用区分", "お届け完了ｅメールe-mailアドレス",
	"お届け完了ｅメールメッセージ", "クロネコ収納代行利用区分", "予備",
	"収納代行請求金額(税込)", "収納代行内消費税額等", "収納代行請求先郵便番号",
	"収納代行請求先住所", "収納代行請求先住所（アパートマンション名）",
	"収納代行請求先会社・部門名１", "収納代行請求先会社・部門名２",
	"収納代行請求先名(漢字)", "収納代行請求先名(カナ)", "収納代行問合せ先名(漢字)",
	"収納代行問合せ先郵便番号", "収納代行問合せ先住所",
	"収納代行問合せ先住所（アパートマンション名）", "収納代行問合せ先電話番号",
	"収納代行管理番号", "収納代行品名", "収納代行備考", "複数口くくりキー",
	"検索キータイトル1", "検索キー1", "検索キータイトル2", "検索キー2",
	"検索キータイトル3", "検索キー3", "検索キータイトル4", "検索キー4",
	"検索キータイトル5", "検索キー5", "予備", "予備", "投函予定メール利用区分",
	"投函予定メールe-mailアドレス", "投函予定メールメッセージ",
	"投函完了メール（お届け先宛）利用区分",
	"投函完了メール（お届け先宛）e-mailアドレス",
	"投函完了メール（お届け先宛）メールメッセージ",
	"投函完了メール（ご依頼主宛）利用区分",
	"投函完了メール（ご依頼主宛）e-mailアドレス",
	"投函完了メール（ご依頼主宛）メールメッセージ",
};

static const size_t b2_widths[2] = { B2_ADDR_MAX, B2_BLDG_MAX };

struct b2_field {
	const char	*s;
	size_t		 len;
};

struct b2 {
	struct export_ctx	 x;
	const struct export_yamato *opt;
	struct b2_field		 col[B2_COLS];	/* the row being written */
	struct b2_field		 fixed[B2_COLS];	/* what every row has */
	struct buf		 header;
	struct buf		 honorific;
	struct buf		 s_name;	/* the sender, converted once */
	struct buf		 s_addr;
	struct export_lines	 s_lines;
	struct buf		 name;		/* one record's fields */
	struct buf		 addr;
	struct buf		 item;
	struct buf		 out;
};

/* Only ASCII from the configuration: digits, and hyphens where PUNCT has them, but
 * never first (the formula guard would add an apostrophe B2 does not take). */
static int
b2_ascii(const char *s, const char *punct, size_t min, size_t max)
{
	size_t n = strlen(s), i;

	if (n < min || n > max || (n > 0 && !(s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && strchr(punct, s[i]) == NULL)
			return 0;
	return 1;
}

static int
b2_record_id(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > B2_ID_MAX || export_guarded(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* The contract codes may be left out (NULL) as well as empty. */
static const char *
b2_opt(const char *s)
{
	return s != NULL ? s : "";
}

static int
b2_date(const char *s)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '/' : !(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return s[10] == '\0';
}

/* Prefecture + address1 into the address column, address2 into the building column;
 * what does not fit there runs on into the next, and beyond that is a problem. The
 * problems name the record's fields, which the sender in the config shares. */
static int
b2_address(struct b2 *b, int prefecture, const char *address1, const char *address2,
    struct buf *addr, struct export_lines *lines)
{
	struct export_ctx *x = &b->x;
	const char *pref;
	size_t alen, bstart;
	int bad = 0;

	buf_reset(addr);
	if ((pref = export_prefecture(x, RECORD_F_PREFECTURE, prefecture)) == NULL ||
	    export_convert(x, RECORD_F_PREFECTURE, pref, addr) == -1)
		bad = 1;
	if (address1[0] == '\0') {
		export_problem(x, RECORD_F_ADDRESS1, -1, "is empty");
		bad = 1;
	} else if (export_convert(x, RECORD_F_ADDRESS1, address1, addr) == -1)
		bad = 1;
	alen = bstart = addr->len;
	if (address2[0] != '\0') {
		if (export_convert(x, RECORD_F_ADDRESS2, " ", addr) == -1 ||
		    export_convert(x, RECORD_F_ADDRESS2, address2, addr) == -1)
			bad = 1;
		bstart = alen + 1;
	}
	if (bad)
		return -1;
	if (export_wrap(addr->data, alen, bstart, addr->len, b2_widths, 2, 0, lines) == 0 ||
	    export_wrap(addr->data, alen, bstart, addr->len, b2_widths, 2, 1, lines) == 0)
		return 0;
	export_problem(x, "address", -1, "does not fit in B2's address (32 full-width "
	    "characters) and building (16) columns");
	return -1;
}

static void
b2_set(struct b2_field *f, const char *s, size_t len)
{
	f->s = s;
	f->len = len;
}

static void
b2_set_str(struct b2_field *f, const char *s)
{
	b2_set(f, s, strlen(s));
}

static void
b2_set_line(struct b2_field *f, const struct buf *b, const struct export_lines *l,
    size_t i)
{
	if (i < l->n)
		b2_set(f, b->data + l->off[i], l->len[i]);
	else
		b2_set(f, "", 0);
}

/* The options and the sender: checked and converted once, for every row. */
static void
b2_sender(struct b2 *b)
{
	const struct export_yamato *o = b->opt;
	const struct export_sender *s = o->sender;
	struct export_ctx *x = &b->x;
	struct b2_field *f = b->fixed;
	const char *service = o->service != NULL ? o->service : B2_SERVICE;
	const char *to_phone = o->recipient_phone != NULL ? o->recipient_phone : s->phone;
	const char *billing = b2_opt(o->billing_code);
	const char *billing_class = b2_opt(o->billing_class);
	const char *freight = b2_opt(o->freight_no);

	export_ctx_record(x, EXPORT_SENDER, NULL);
	if (strlen(service) != 1 || strchr("0123456789A", service[0]) == NULL)
		export_problem(x, "service", -1, "is not a B2 送り状種類 code (0-9, A)");
	if (o->ship_date == NULL || !b2_date(o->ship_date))
		export_problem(x, "ship_date", -1, "is not a date of the form YYYY/MM/DD");
	if (!b2_ascii(s->phone, "-", 1, B2_PHONE_MAX))
		export_problem(x, "phone", -1, "is not up to 15 digits and hyphens");
	if (!b2_ascii(to_phone, "-", 1, B2_PHONE_MAX))
		export_problem(x, "recipient_phone", -1,
		    "is not up to 15 digits and hyphens");
	if (!b2_ascii(billing, "", 0, 12) || !(*billing == '\0' || strlen(billing) == 12))
		export_problem(x, "billing_code", -1, "is not 12 digits or empty");
	if (!b2_ascii(billing_class, "", 0, 3) ||
	    !(*billing_class == '\0' || strlen(billing_class) == 3))
		export_problem(x, "billing_class", -1, "is not 3 digits or empty");
	if (!b2_ascii(freight, "", 0, 2) || !(*freight == '\0' || strlen(freight) == 2))
		export_problem(x, "freight_no", -1, "is not 2 digits or empty");
	export_check_postal(x, "postal_code", s->postal_code);
	if (export_convert(x, "name", s->name, &b->s_name) == 0)
		export_check_len(x, "name", b->s_name.data, b->s_name.len, B2_NAME_MAX,
		    "is longer than 16 full-width characters (32 bytes in CP932)");
	b2_address(b, s->prefecture, s->address1, s->address2, &b->s_addr, &b->s_lines);
	if (export_nproblems(x) > 0 || o->ship_date == NULL)	/* a problem was noted */
		return;

	b2_set_str(&f[B2_C_SERVICE], service);
	b2_set_str(&f[B2_C_SHIP_DATE], o->ship_date);
	b2_set_str(&f[B2_C_TO_PHONE], to_phone);
	/* B2 takes a 敬称 only on DM便 / ゆうメール slips; it prints 様 on the others. */
	if (strcmp(service, B2_SERVICE) == 0)
		b2_set(&f[B2_C_HONORIFIC], b->honorific.data, b->honorific.len);
	b2_set_str(&f[B2_C_FROM_PHONE], s->phone);
	b2_set_str(&f[B2_C_FROM_POSTAL], s->postal_code);
	b2_set_line(&f[B2_C_FROM_ADDR], &b->s_addr, &b->s_lines, 0);
	b2_set_line(&f[B2_C_FROM_BLDG], &b->s_addr, &b->s_lines, 1);
	b2_set(&f[B2_C_FROM_NAME], b->s_name.data, b->s_name.len);
	b2_set_str(&f[B2_C_BILLING], billing);
	b2_set_str(&f[B2_C_BILLING_CLASS], billing_class);
	b2_set_str(&f[B2_C_FREIGHT], freight);
}

static int
b2_fixed(struct b2 *b, char *err, size_t errlen)
{
	struct buf tmp = BUF_INIT;
	size_t i;
	int rc = -1;

	export_ctx_record(&b->x, EXPORT_SENDER, NULL);
	for (i = 0; i < B2_COLS; i++) {
		b2_set(&b->fixed[i], "", 0);
		buf_reset(&tmp);
		if (export_convert(&b->x, "header", b2_header[i], &tmp) == -1 ||
		    export_csv_field(&b->header, tmp.data, tmp.len, i == 0) == -1)
			goto out;
	}
	if (export_csv_eol(&b->header) == -1 ||
	    export_convert(&b->x, "honorific", B2_HONORIFIC, &b->honorific) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		snprintf(err, errlen, "cannot convert the B2 header to CP932");
	buf_free(&tmp);
	return rc;
}

static int
b2_row(void *arg, const struct export_addr *a)
{
	struct b2 *b = arg;
	struct export_ctx *x = &b->x;
	struct export_lines lines;
	struct b2_field *c = b->col;
	size_t i;
	int bad = 0;

	buf_reset(&b->name);
	buf_reset(&b->item);
	if (!b2_record_id(a->record_id)) {
		export_problem(x, "record_id", -1, "is not up to 50 ASCII letters, "
		    "digits, '-' and '_', not starting with '-' (お客様管理番号)");
		bad = 1;
	}
	if (export_check_postal(x, RECORD_F_POSTAL_CODE, a->postal_code) == -1)
		bad = 1;
	if (export_convert(x, RECORD_F_NAME, a->name, &b->name) == -1 ||
	    export_check_len(x, RECORD_F_NAME, b->name.data, b->name.len, B2_NAME_MAX,
	    "is longer than 16 full-width characters (32 bytes in CP932)") == -1)
		bad = 1;
	if (b2_address(b, a->prefecture, a->address1, a->address2, &b->addr,
	    &lines) == -1)
		bad = 1;
	if (export_convert(x, "contents", a->contents, &b->item) == -1 ||
	    export_check_len(x, "contents", b->item.data, b->item.len, B2_ITEM_MAX,
	    "is longer than 25 full-width characters (50 bytes in CP932)") == -1)
		bad = 1;
	if (bad || export_nproblems(x) > 0)
		return bad ? -1 : 0;

	memcpy(c, b->fixed, sizeof(b->fixed));
	b2_set_str(&c[B2_C_ID], a->record_id);
	b2_set_str(&c[B2_C_TO_POSTAL], a->postal_code);
	b2_set_line(&c[B2_C_TO_ADDR], &b->addr, &lines, 0);
	b2_set_line(&c[B2_C_TO_BLDG], &b->addr, &lines, 1);
	b2_set(&c[B2_C_TO_NAME], b->name.data, b->name.len);
	b2_set(&c[B2_C_ITEM], b->item.data, b->item.len);
	for (i = 0; i < B2_COLS; i++)
		if (export_csv_field(&b->out, c[i].s, c[i].len, i == 0) == -1)
			goto nomem;
	if (export_csv_eol(&b->out) == -1)
		goto nomem;
	return 0;
nomem:
	x->nomem = 1;
	return -1;
}

static void
b2_free(struct b2 *b)
{
	export_ctx_free(&b->x);
	buf_free(&b->header);
	buf_free(&b->honorific);
	buf_free(&b->s_name);
	buf_free(&b->s_addr);
	buf_wipe(&b->name);
	buf_wipe(&b->addr);
	buf_wipe(&b->item);
	buf_wipe(&b->out);
}

int
export_yamato_b2(const struct export_addr *v, size_t n, const struct export_yamato *opt,
    const char *path, struct export_problems *probs, char *err, size_t errlen)
{
	struct export_file f = { NULL, NULL, -1 };
	struct b2 b;
	int rc = -1, opened = 0;

	if (opt == NULL || opt->sender == NULL) {
		snprintf(err, errlen, "B2 Cloud export: no sender configured");
		return -1;
	}
	memset(&b, 0, sizeof(b));
	b.opt = opt;
	if (export_ctx_init(&b.x, probs, 1, err, errlen) == -1)
		return -1;
	if (b2_fixed(&b, err, errlen) == -1)
		goto out;
	b2_sender(&b);
	/* Written while checked; the temporary file goes at the first problem. */
	if (export_nproblems(&b.x) == 0) {
		if (export_file_open(&f, path, err, errlen) == -1)
			goto out;
		opened = 1;
		if (export_put(&b.out, b.header.data, b.header.len) == -1) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	if (export_rows(&b.x, b2_row, &b, v, n, &b.out, &f, &opened, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	if (opened)
		export_file_discard(&f);
	b2_free(&b);
	return rc;
}
