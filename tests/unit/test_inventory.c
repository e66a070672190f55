/*
 * Data inventory tests: the table itself (no forbidden field, every accepted name
 * known), every validation and normalization rule at its boundaries, the precedence
 * of reject / honeypot / invalid, hostile text, the canonical padded record and the
 * privacy and form views.
 *
 * Fixtures are obviously fictional: 見本 太郎 / Taro Example of 架空区見本町1-2-3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "seal/form.h"
#include "seal/inventory.h"
#include "seal/record.h"

#define IDEM	"k7Qw-2xZ_p9LmN4r"

struct kv {
	const char	*k;
	const char	*v;	/* NULL: remove the base field */
};

#define OVER(...)	(const struct kv[]){ __VA_ARGS__ }, \
			sizeof((const struct kv[]){ __VA_ARGS__ }) / sizeof(struct kv)
#define NONE		NULL, 0

static const struct kv catalog_base[] = {
	{ "idem", IDEM },
	{ "models", "aoba" },
	{ "name", "見本 太郎" },
	{ "postal_code", "100-0001" },
	{ "prefecture", "13" },
	{ "address1", "架空区見本町1-2-3" },
};

static const struct kv td_base[] = {
	{ "idem", IDEM },
	{ "model", "aoba" },
	{ "dealer", "tokyo-minato" },
	{ "slot", "2030-04-01T10:00" },
	{ "name", "Taro Example" },
	{ "phone", "03-1234-5678" },
	{ "licence", "yes" },
};

/* ---- Fixture content: three models, two dealers ------------------------------- */

static int prefecture_calls;

static int
fx_model(void *arg, const char *code)
{
	return strcmp(code, "aoba") == 0 || strcmp(code, "hikari") == 0 ||
	    strcmp(code, "sora-ev") == 0 || strcmp(code, "kaze") == 0;
}

static int
fx_dealer(void *arg, const char *code)
{
	return strcmp(code, "tokyo-minato") == 0 || strcmp(code, "osaka-kita") == 0;
}

static int
fx_prefecture(void *arg, int code)
{
	prefecture_calls++;
	return code >= 1 && code <= 47;
}

static int
fx_has(void *arg, const char *dealer, const char *model)
{
	if (strcmp(dealer, "tokyo-minato") == 0)
		return strcmp(model, "aoba") == 0 || strcmp(model, "sora-ev") == 0;
	return strcmp(model, "hikari") == 0;
}

static const struct inventory_refs refs = {
	fx_model, fx_dealer, fx_prefecture, fx_has, NULL
};

/* ---- Helpers ------------------------------------------------------------------ */

static void
body_add(struct buf *b, const char *k, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (b->len > 0)
		assert_int_equal(buf_putc(b, '&'), 0);
	assert_int_equal(buf_puts(b, k), 0);
	assert_int_equal(buf_putc(b, '='), 0);
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			assert_int_equal(buf_putc(b, (char)*p), 0);
		else if (*p == ' ')
			assert_int_equal(buf_putc(b, '+'), 0);
		else
			assert_int_equal(buf_printf(b, "%%%c%c", hex[*p >> 4],
			    hex[*p & 15]), 0);
	}
}

/* The kind's base fields with over applied: replace (NULL removes), else append. */
static void
build(enum form_kind kind, const struct kv *over, size_t nover, struct buf *b)
{
	const struct kv *base = kind == FORM_CATALOG ? catalog_base : td_base;
	size_t nbase = kind == FORM_CATALOG ?
	    sizeof(catalog_base) / sizeof(catalog_base[0]) :
	    sizeof(td_base) / sizeof(td_base[0]);
	size_t i, j;
	int used[16] = { 0 };
	const char *v;

	for (i = 0; i < nbase; i++) {
		v = base[i].v;
		for (j = 0; j < nover; j++)
			if (strcmp(over[j].k, base[i].k) == 0 && !used[j]) {
				v = over[j].v;
				used[j] = 1;
				break;
			}
		if (v != NULL)
			body_add(b, base[i].k, v);
	}
	for (j = 0; j < nover; j++)
		if (!used[j] && over[j].v != NULL)
			body_add(b, over[j].k, over[j].v);
}

static enum inventory_result
run_body(enum form_kind kind, const char *body, size_t len,
    struct inventory_values *vals, struct inventory_errors *errs)
{
	struct form f;
	struct form_error ferr;
	enum inventory_result r;

	if (form_decode(body, len, &f, &ferr) != 0) {
		fprintf(stderr, "decode: %s\n", ferr.msg[LANG_EN]);
		fail();
	}
	r = inventory_validate(kind, &f, &refs, vals, errs);
	form_free(&f);
	return r;
}

static enum inventory_result
run(enum form_kind kind, const struct kv *over, size_t nover,
    struct inventory_values *vals, struct inventory_errors *errs)
{
	struct buf b = BUF_INIT;
	enum inventory_result r;

	build(kind, over, nover, &b);
	r = run_body(kind, b.data ? b.data : "", b.len, vals, errs);
	buf_free(&b);
	return r;
}

static void
dump_errors(const struct inventory_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "    field %d: %s\n", errs->v[i].field,
		    errs->v[i].text[LANG_EN]);
}

/* FIELD=INPUT on top of the base form must pass and normalize to WANT (NULL: absent). */
static void
want_ok(enum form_kind kind, const char *field, const char *input, const char *want)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	enum inventory_result r;
	const char *got;
	int row = inventory_find(kind, field);

	assert_true(row >= 0);
	r = run(kind, OVER({ field, input }), &vals, &errs);
	if (r != INVENTORY_OK) {
		fprintf(stderr, "%s=\"%s\": result %d\n", field, input, r);
		dump_errors(&errs);
		fail();
	}
	got = inventory_get(&vals, row);
	if (want == NULL)
		assert_null(got);
	else {
		if (got == NULL || strcmp(got, want) != 0) {
			fprintf(stderr, "%s=\"%s\": got \"%s\", want \"%s\"\n",
			    field, input, got ? got : "(null)", want);
			fail();
		}
	}
	inventory_values_free(&vals);
}

static const struct inventory_error *
find_error(const struct inventory_errors *errs, int row, enum inventory_msg msg)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		if (errs->v[i].field == row && errs->v[i].msg == msg)
			return &errs->v[i];
	return NULL;
}

/* FIELD=INPUT (NULL: absent) must be refused with MSG on that field. */
static void
want_msg_ex(enum form_kind kind, const char *field, const char *input,
    const char *errfield, enum inventory_msg msg)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	enum inventory_result r;
	int row = inventory_find(kind, errfield);
	size_t i;

	assert_true(row >= 0);
	r = run(kind, OVER({ field, input }), &vals, &errs);
	if (r != INVENTORY_INVALID || find_error(&errs, row, msg) == NULL) {
		fprintf(stderr, "%s=\"%s\": result %d, want message %d on %s\n",
		    field, input ? input : "(absent)", r, msg, errfield);
		dump_errors(&errs);
		fail();
	}
	/* nothing is kept when the form is invalid */
	for (i = 0; i < INVENTORY_NFIELDS; i++)
		assert_int_equal(vals.f[i].n, 0);
	for (i = 0; i < errs.n; i++) {
		assert_string_not_equal(errs.v[i].text[LANG_JA], "");
		assert_string_not_equal(errs.v[i].text[LANG_EN], "");
	}
	inventory_values_free(&vals);
}

static void
want_msg(enum form_kind kind, const char *field, const char *input,
    enum inventory_msg msg)
{
	want_msg_ex(kind, field, input, field, msg);
}

/* A string of n copies of the UTF-8 character c. */
static char *
repeat(const char *c, size_t n)
{
	size_t k = strlen(c), i;
	char *s = malloc(k * n + 1);

	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * k, c, k);
	s[k * n] = '\0';
	return s;
}

/* ---- The table ---------------------------------------------------------------- */

static void
test_self_check(void **state)
{
	char why[160];

	if (inventory_self_check(why, sizeof(why)) != 0) {
		fprintf(stderr, "%s\n", why);
		fail();
	}
}

static const char *const forbidden[] = {
	"annual_income", "income", "salary", "birth", "birthday", "birth_date",
	"birthdate", "date_of_birth", "dob", "occupation", "job", "age", "sex",
	"gender", "nationality", "marital_status", "employer", "religion",
	"licence_number", "license_number", "my_number", "owned_car", "current_car",
};

static void
test_no_forbidden_fields(void **state)
{
	static const char *const stems[] = {
		"income", "salary", "birth", "occupation", "gender", "annual",
	};
	size_t i, j;
	int k;

	for (i = 0; i < INVENTORY_NFIELDS; i++) {
		for (j = 0; j < sizeof(forbidden) / sizeof(forbidden[0]); j++)
			assert_string_not_equal(inventory_fields[i].name,
			    forbidden[j]);
		for (j = 0; j < sizeof(stems) / sizeof(stems[0]); j++)
			assert_null(strstr(inventory_fields[i].name, stems[j]));
	}
	for (i = 0; i < INVENTORY_NTECH; i++)
		for (j = 0; j < sizeof(forbidden) / sizeof(forbidden[0]); j++)
			assert_string_not_equal(inventory_tech_fields[i].name,
			    forbidden[j]);
	for (k = 0; k < FORM_KINDS; k++)
		for (j = 0; j < sizeof(forbidden) / sizeof(forbidden[0]); j++)
			assert_false(inventory_accepts(k, forbidden[j]));
}

static void
test_forbidden_fields_rejected(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	size_t j;
	int k;

	for (k = 0; k < FORM_KINDS; k++)
		for (j = 0; j < sizeof(forbidden) / sizeof(forbidden[0]); j++) {
			assert_int_equal(run(k, OVER({ forbidden[j], "1" }), &vals,
			    &errs), INVENTORY_REJECT);
			assert_int_equal(errs.n, 1);
			assert_int_equal(errs.v[0].msg, INV_MSG_UNKNOWN_FIELD);
			assert_string_equal(errs.v[0].name, forbidden[j]);
		}
}

/* The complete list of accepted names: adding one must show up here. */
static void
test_accepted_names(void **state)
{
	static const char *const catalog[] = { "models", "name", "postal_code",
	    "prefecture", "address1", "address2", "idem", "website" };
	static const char *const td[] = { "model", "dealer", "slot", "name",
	    "phone", "email", "note", "licence", "idem", "website" };
	size_t i, n[FORM_KINDS] = { 0, 0 };

	for (i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
		assert_true(inventory_accepts(FORM_CATALOG, catalog[i]));
	for (i = 0; i < sizeof(td) / sizeof(td[0]); i++)
		assert_true(inventory_accepts(FORM_TEST_DRIVE, td[i]));
	for (i = 0; i < INVENTORY_NFIELDS; i++)
		n[inventory_fields[i].form]++;
	assert_int_equal(n[FORM_CATALOG] + INVENTORY_NTECH,
	    sizeof(catalog) / sizeof(catalog[0]));
	assert_int_equal(n[FORM_TEST_DRIVE] + INVENTORY_NTECH,
	    sizeof(td) / sizeof(td[0]));
	/* each form accepts only its own fields */
	assert_false(inventory_accepts(FORM_CATALOG, "phone"));
	assert_false(inventory_accepts(FORM_TEST_DRIVE, "postal_code"));
	assert_int_equal(inventory_find(FORM_TEST_DRIVE, "name"), INV_TD_NAME);
	assert_int_equal(inventory_find(FORM_CATALOG, "name"), INV_CATALOG_NAME);
	assert_int_equal(inventory_find(FORM_CATALOG, "idem"), -1);
	assert_string_equal(inventory_kind_name(FORM_CATALOG), "catalog");
	assert_string_equal(inventory_kind_name(FORM_TEST_DRIVE), "test_drive");
	assert_null(inventory_kind_name(FORM_KINDS));
}

static void
test_table_columns(void **state)
{
	const struct inventory_field *f;

	f = &inventory_fields[INV_CATALOG_NAME];
	assert_int_equal(f->max_chars, 50);
	assert_int_equal(f->need, INV_REQUIRED);
	assert_int_equal(f->recipient, INV_TO_HQ);
	assert_int_equal(f->max_age_days, 90);
	assert_non_null(strstr(f->retention[LANG_EN], "90 days"));
	assert_string_equal(inventory_fields[INV_CATALOG_ADDRESS2].label[LANG_JA],
	    "建物名・部屋番号");
	assert_int_equal(inventory_fields[INV_CATALOG_ADDRESS2].need, INV_OPTIONAL);
	assert_int_equal(inventory_fields[INV_CATALOG_MODELS].max_count, 3);
	assert_int_equal(inventory_fields[INV_TD_NOTE].max_chars, 200);
	assert_int_equal(inventory_fields[INV_TD_PHONE].need, INV_ONE_OF);
	assert_int_equal(inventory_fields[INV_TD_EMAIL].need, INV_ONE_OF);
	assert_int_equal(inventory_fields[INV_TD_NAME].recipient, INV_TO_DEALER);
	assert_true(inventory_fields[INV_TD_SLOT].in_clear);
	assert_false(inventory_fields[INV_TD_NAME].in_clear);
}

/* ---- Whole forms -------------------------------------------------------------- */

static void
test_catalog_valid(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;

	prefecture_calls = 0;
	assert_int_equal(run(FORM_CATALOG, NONE, &vals, &errs), INVENTORY_OK);
	assert_int_equal(errs.n, 0);
	assert_int_equal(prefecture_calls, 1);
	assert_int_equal(vals.kind, FORM_CATALOG);
	assert_string_equal(vals.idem, IDEM);
	assert_string_equal(inventory_get(&vals, INV_CATALOG_NAME), "見本 太郎");
	assert_string_equal(inventory_get(&vals, INV_CATALOG_POSTAL_CODE), "100-0001");
	assert_string_equal(inventory_get(&vals, INV_CATALOG_PREFECTURE), "13");
	assert_string_equal(inventory_get(&vals, INV_CATALOG_ADDRESS1),
	    "架空区見本町1-2-3");
	assert_null(inventory_get(&vals, INV_CATALOG_ADDRESS2));
	assert_int_equal(vals.f[INV_CATALOG_MODELS].n, 1);
	/* test-drive rows are never set on a catalog request */
	assert_null(inventory_get(&vals, INV_TD_NAME));
	inventory_values_free(&vals);
	assert_null(inventory_get(&vals, INV_CATALOG_NAME));
	assert_int_equal(vals.kind, FORM_CATALOG);
}

static void
test_test_drive_valid(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;

	assert_int_equal(run(FORM_TEST_DRIVE, NONE, &vals, &errs), INVENTORY_OK);
	assert_string_equal(inventory_get(&vals, INV_TD_MODEL), "aoba");
	assert_string_equal(inventory_get(&vals, INV_TD_DEALER), "tokyo-minato");
	assert_string_equal(inventory_get(&vals, INV_TD_SLOT), "2030-04-01T10:00");
	assert_string_equal(inventory_get(&vals, INV_TD_NAME), "Taro Example");
	assert_string_equal(inventory_get(&vals, INV_TD_PHONE), "0312345678");
	assert_null(inventory_get(&vals, INV_TD_EMAIL));
	assert_null(inventory_get(&vals, INV_TD_NOTE));
	assert_string_equal(inventory_get(&vals, INV_TD_LICENCE), "yes");
	inventory_values_free(&vals);
}

static void
test_all_required_missing(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	const char *body = "idem=" IDEM;

	assert_int_equal(run_body(FORM_CATALOG, body, strlen(body), &vals, &errs),
	    INVENTORY_INVALID);
	/* one message per required field, in table order; address2 is optional */
	assert_int_equal(errs.n, 5);
	assert_int_equal(errs.v[0].field, INV_CATALOG_MODELS);
	assert_int_equal(errs.v[1].field, INV_CATALOG_NAME);
	assert_int_equal(errs.v[2].field, INV_CATALOG_POSTAL_CODE);
	assert_int_equal(errs.v[3].field, INV_CATALOG_PREFECTURE);
	assert_int_equal(errs.v[4].field, INV_CATALOG_ADDRESS1);
	assert_string_equal(errs.v[1].text[LANG_JA], "「お名前」は必須です。");
	assert_string_equal(errs.v[1].text[LANG_EN], "Name is required.");
	assert_string_equal(errs.v[3].text[LANG_EN], "Choose a prefecture.");

	assert_int_equal(run_body(FORM_TEST_DRIVE, body, strlen(body), &vals, &errs),
	    INVENTORY_INVALID);
	assert_non_null(find_error(&errs, INV_TD_MODEL, INV_MSG_REQUIRED));
	assert_non_null(find_error(&errs, INV_TD_DEALER, INV_MSG_REQUIRED));
	assert_non_null(find_error(&errs, INV_TD_SLOT, INV_MSG_REQUIRED));
	assert_non_null(find_error(&errs, INV_TD_NAME, INV_MSG_REQUIRED));
	assert_non_null(find_error(&errs, INV_TD_PHONE, INV_MSG_CONTACT));
	assert_non_null(find_error(&errs, INV_TD_LICENCE, INV_MSG_LICENCE));
	assert_int_equal(errs.n, 6);
	assert_string_equal(inventory_error_for(&errs, INV_TD_LICENCE, LANG_EN),
	    "Please confirm that you hold a valid driving licence.");
	assert_null(inventory_error_for(&errs, INV_TD_NOTE, LANG_EN));
}

static void
test_required_blank_is_missing(void **state)
{
	/* empty and all-blank values are the same as absent */
	want_msg(FORM_CATALOG, "name", "", INV_MSG_REQUIRED);
	want_msg(FORM_CATALOG, "name", "   ", INV_MSG_REQUIRED);
	want_msg(FORM_CATALOG, "name", "\u3000\u3000", INV_MSG_REQUIRED);
	want_msg(FORM_CATALOG, "name", NULL, INV_MSG_REQUIRED);
	want_msg(FORM_CATALOG, "address1", " \t ", INV_MSG_REQUIRED);
	want_msg(FORM_CATALOG, "postal_code", "", INV_MSG_REQUIRED);
	want_msg(FORM_CATALOG, "postal_code", " ", INV_MSG_REQUIRED);
	want_msg(FORM_CATALOG, "models", "", INV_MSG_REQUIRED);
	want_msg(FORM_TEST_DRIVE, "slot", "", INV_MSG_REQUIRED);
	want_msg(FORM_TEST_DRIVE, "dealer", NULL, INV_MSG_REQUIRED);
	/* optional fields may be blank */
	want_ok(FORM_CATALOG, "address2", "", NULL);
	want_ok(FORM_CATALOG, "address2", "  ", NULL);
	want_ok(FORM_TEST_DRIVE, "note", "\n \n", NULL);
}

/* ---- Name, address and note ---------------------------------------------------- */

static void
test_name_normalization(void **state)
{
	want_ok(FORM_CATALOG, "name", "  見本　太郎  ", "見本 太郎");
	want_ok(FORM_CATALOG, "name", "見本\u3000\u3000 \t太郎", "見本 太郎");
	want_ok(FORM_CATALOG, "name", "Taro   Example", "Taro Example");
	want_ok(FORM_CATALOG, "name", "Taro\nExample", "Taro Example");
	/* NFC: decomposed forms compose (é is not for a catalog's label: below) */
	want_ok(FORM_TEST_DRIVE, "name", "Jose\u0301 Example", "Jos\u00e9 Example");
	want_ok(FORM_CATALOG, "name", "か\u3099ん", "がん");
	/* NFC only: full-width letters and half-width kana stay as typed */
	want_ok(FORM_CATALOG, "name", "ＴＡＲＯ", "ＴＡＲＯ");
	want_ok(FORM_CATALOG, "name", "ﾐﾎﾝ", "ﾐﾎﾝ");
	want_ok(FORM_CATALOG, "name", "O'Brien-Example Jr.", "O'Brien-Example Jr.");
	/* ZWJ sequences (emoji, scripts) are letters to us, where no label is printed */
	want_ok(FORM_TEST_DRIVE, "name", "Taro \U0001F468\u200D\U0001F469",
	    "Taro \U0001F468\u200D\U0001F469");
	want_ok(FORM_TEST_DRIVE, "name", " Taro  Example ", "Taro Example");
}

static void
test_name_limit_in_characters(void **state)
{
	char *s = repeat("見", 50), *t = repeat("見", 51), *u;
	struct inventory_values vals;
	struct inventory_errors errs;
	const struct inventory_error *e;

	/* 50 kanji are 150 bytes but 50 characters */
	want_ok(FORM_CATALOG, "name", s, s);
	assert_int_equal(run(FORM_CATALOG, OVER({ "name", t }), &vals, &errs),
	    INVENTORY_INVALID);
	assert_non_null(e = find_error(&errs, INV_CATALOG_NAME, INV_MSG_TOO_LONG));
	assert_string_equal(e->text[LANG_JA],
	    "「お名前」は50文字以内で入力してください（現在51文字）。");
	assert_string_equal(e->text[LANG_EN],
	    "Name must be at most 50 characters (now 51).");
	/* counted after NFC: 50 decomposed が (100 code points) are 50 characters */
	u = repeat("か\u3099", 50);
	free(s);
	s = repeat("が", 50);
	want_ok(FORM_CATALOG, "name", u, s);
	free(s);
	free(t);
	free(u);
	/* spaces count once collapsed: 49 characters around a run of blanks */
	s = repeat("a", 24);
	t = malloc(200);
	assert_non_null(t);
	snprintf(t, 200, "%s \u3000 \t %sb", s, s);
	u = malloc(200);
	assert_non_null(u);
	snprintf(u, 200, "%s %sb", s, s);
	want_ok(FORM_CATALOG, "name", t, u);
	free(s);
	free(t);
	free(u);
}

static void
test_address_limits(void **state)
{
	char *s = repeat("町", 100), *t = repeat("町", 101);

	want_ok(FORM_CATALOG, "address1", s, s);
	want_msg(FORM_CATALOG, "address1", t, INV_MSG_TOO_LONG);
	want_ok(FORM_CATALOG, "address2", s, s);
	want_msg(FORM_CATALOG, "address2", t, INV_MSG_TOO_LONG);
	free(s);
	free(t);
	want_ok(FORM_CATALOG, "address1", "架空区見本町１－２－３", "架空区見本町１－２－３");
	want_ok(FORM_CATALOG, "address2", "見本ハイツ #101 (c/o Example)",
	    "見本ハイツ #101 (c/o Example)");
	want_ok(FORM_CATALOG, "address1", "1-2-3 Mihon-cho, Kaku-ku",
	    "1-2-3 Mihon-cho, Kaku-ku");
}

static void
test_note(void **state)
{
	char *s = repeat("試", 200), *t = repeat("試", 201);

	want_ok(FORM_TEST_DRIVE, "note", s, s);
	want_msg(FORM_TEST_DRIVE, "note", t, INV_MSG_TOO_LONG);
	free(s);
	free(t);
	/* line breaks are kept (CR LF arrives as LF), the ends trimmed */
	want_ok(FORM_TEST_DRIVE, "note", "\r\n 午前希望です。\r\n子どもが同乗します。\n\n",
	    "午前希望です。\n子どもが同乗します。");
	want_ok(FORM_TEST_DRIVE, "note", "a  \t b", "a  \t b");
	/* a line break counts as one character */
	s = repeat("x\n", 100);
	s[199] = 'y';
	want_ok(FORM_TEST_DRIVE, "note", s, s);
	free(s);
}

/* ---- Hostile text ---------------------------------------------------------------- */

static void
test_sql_strings(void **state)
{
	static const char *const sql[] = {
		"'; DROP TABLE bookings; --",
		"' OR '1'='1",
		"1; SELECT * FROM records",
		"\" OR \"\"=\"",
		"1' UNION SELECT name FROM sqlite_master--",
	};
	const struct inventory_error *e;
	struct inventory_values vals;
	struct inventory_errors errs;
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		/* in free text they are text: kept verbatim, never interpreted */
		want_ok(FORM_TEST_DRIVE, "note", sql[i], sql[i]);
		/* a name or an address has no use for ; = * " and the like */
		assert_int_equal(run(FORM_CATALOG, OVER({ "name", sql[i] }), &vals,
		    &errs), INVENTORY_INVALID);
		assert_int_equal(errs.n, 1);
		assert_int_equal(errs.v[0].msg, INV_MSG_BAD_CHAR);
		want_msg(FORM_CATALOG, "address1", sql[i], INV_MSG_BAD_CHAR);
		want_msg(FORM_TEST_DRIVE, "phone", sql[i], INV_MSG_PHONE);
		want_msg(FORM_TEST_DRIVE, "email", sql[i], INV_MSG_EMAIL);
		want_msg(FORM_CATALOG, "postal_code", sql[i], INV_MSG_POSTAL);
		want_msg(FORM_TEST_DRIVE, "dealer", sql[i], INV_MSG_DEALER_UNKNOWN);
		want_msg(FORM_TEST_DRIVE, "slot", sql[i], INV_MSG_SLOT);
	}
	/*
	 * Made only of what names contain, it is a (strange) name, stored as text
	 * and never interpreted: the character rule is no SQL filter, and need not be.
	 */
	want_ok(FORM_CATALOG, "name", "admin'--", "admin'--");
	want_ok(FORM_TEST_DRIVE, "note", "admin'--", "admin'--");
	/* the message names the character, never the value */
	assert_int_equal(run(FORM_CATALOG, OVER({ "name", "Taro'; DROP TABLE x" }),
	    &vals, &errs), INVENTORY_INVALID);
	assert_non_null(e = find_error(&errs, INV_CATALOG_NAME, INV_MSG_BAD_CHAR));
	assert_string_equal(e->text[LANG_EN],
	    "Name contains a character that cannot be used here: \";\".");
	assert_string_equal(e->text[LANG_JA],
	    "「お名前」に使えない文字（\";\"）が含まれています。");
	assert_null(strstr(e->text[LANG_EN], "DROP"));
}

static void
test_html_payloads(void **state)
{
	static const char *const html[] = {
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"Taro<b>Example</b>",
		"\"><svg onload=alert(1)>",
		"</textarea><script>x</script>",
	};
	size_t i;

	/* refused everywhere with a clear message, never stored */
	for (i = 0; i < sizeof(html) / sizeof(html[0]); i++) {
		want_msg(FORM_CATALOG, "name", html[i], INV_MSG_BAD_CHAR);
		want_msg(FORM_CATALOG, "address1", html[i], INV_MSG_BAD_CHAR);
		want_msg(FORM_CATALOG, "address2", html[i], INV_MSG_BAD_CHAR);
		want_msg(FORM_TEST_DRIVE, "note", html[i], INV_MSG_BAD_CHAR);
		want_msg(FORM_TEST_DRIVE, "name", html[i], INV_MSG_BAD_CHAR);
		want_msg(FORM_TEST_DRIVE, "email", html[i], INV_MSG_EMAIL);
		want_msg(FORM_CATALOG, "models", html[i], INV_MSG_MODEL_UNKNOWN);
	}
	/* '&' and quotes alone are plain text in a note; the renderer escapes */
	want_ok(FORM_TEST_DRIVE, "note", "Tom & Jerry's \"car\"",
	    "Tom & Jerry's \"car\"");
	/* full-width brackets are not markup */
	want_ok(FORM_TEST_DRIVE, "note", "＜午前＞希望", "＜午前＞希望");
}

static void
test_invisible_characters(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	const struct inventory_error *e;

	/* bidi override: the label would read differently from the record */
	assert_int_equal(run(FORM_CATALOG, OVER({ "name", "Taro \u202eelpmaxE" }),
	    &vals, &errs), INVENTORY_INVALID);
	assert_non_null(e = find_error(&errs, INV_CATALOG_NAME, INV_MSG_BAD_CHAR));
	assert_non_null(strstr(e->text[LANG_EN], "U+202E"));
	want_msg(FORM_CATALOG, "name", "Ta\u200bro", INV_MSG_BAD_CHAR);
	want_msg(FORM_CATALOG, "address1", "\ufeff架空区", INV_MSG_BAD_CHAR);
	want_msg(FORM_TEST_DRIVE, "note", "a\u2066b", INV_MSG_BAD_CHAR);
	want_msg(FORM_CATALOG, "name", "Taro\u00adExample", INV_MSG_BAD_CHAR);
}

/* FIELD=INPUT on the catalog form is refused as unprintable on a label, the message
 * naming the character (GLYPH, or "" when it is shown by its code point only). */
static void
want_unprintable(const char *field, const char *input, const char *glyph,
    const char *code)
{
	const struct inventory_error *e;
	struct inventory_values vals;
	struct inventory_errors errs;
	int row = inventory_find(FORM_CATALOG, field);

	want_msg(FORM_CATALOG, field, input, glyph[0] != '\0' ?
	    INV_MSG_LABEL_CHAR : INV_MSG_LABEL_CODE);
	assert_int_equal(run(FORM_CATALOG, OVER({ field, input }), &vals, &errs),
	    INVENTORY_INVALID);
	assert_int_equal(errs.n, 1);
	e = &errs.v[0];
	assert_int_equal(e->field, row);
	if (strstr(e->text[LANG_EN], code) == NULL ||
	    strstr(e->text[LANG_JA], code) == NULL ||
	    (glyph[0] != '\0' && (strstr(e->text[LANG_EN], glyph) == NULL ||
	    strstr(e->text[LANG_JA], glyph) == NULL)))
		fail_msg("%s: %s / %s", field, e->text[LANG_JA], e->text[LANG_EN]);
	/* the character, never the value around it */
	assert_null(strstr(e->text[LANG_JA], "見本"));
	assert_null(strstr(e->text[LANG_EN], "架空"));
	inventory_values_free(&vals);
}

/*
 * A catalog's name and address go on a carrier's label in CP932: anything else is
 * refused at once, with the character named, rather than blocking the export later.
 * After NFC, so that what composes into a CP932 character is fine.
 */
static void
test_label_characters(void **state)
{
	const struct inventory_error *e;
	struct inventory_values vals;
	struct inventory_errors errs;

	assert_int_equal(run(FORM_CATALOG, OVER({ "name", "見本 \U0001F600太郎" }),
	    &vals, &errs), INVENTORY_INVALID);
	assert_non_null(e = find_error(&errs, INV_CATALOG_NAME, INV_MSG_LABEL_CHAR));
	assert_string_equal(e->text[LANG_JA], "「お名前」の「\U0001F600」(U+1F600)は"
	    "配送ラベルに印刷できないため使えません。別の文字で入力してください。");
	assert_string_equal(e->text[LANG_EN], "Name: \U0001F600 (U+1F600) cannot be "
	    "printed on a shipping label. Please write it another way.");
	want_unprintable("name", "見本 \U0001F600太郎", "\U0001F600", "U+1F600");
	want_unprintable("address1", "架空区\U00020BB7野町1-2-3", "\U00020BB7", "U+20BB7");
	want_unprintable("address2", "見本ハイツ\u2600", "\u2600", "U+2600");
	want_unprintable("name", "Jose\u0301 見本", "\u00e9", "U+00E9");
	want_unprintable("name", "Taro \U0001F468\u200D\U0001F469", "\U0001F468",
	    "U+1F468");
	/* shown by code point only: noncharacters, private use, lone marks, ZWJ */
	want_unprintable("name", "見本\uffff太郎", "", "U+FFFF");
	want_unprintable("name", "見本\ufffe太郎", "", "U+FFFE");
	want_unprintable("address1", "架空区\ue000町", "", "U+E000");
	want_unprintable("address2", "見本\U000F0000", "", "U+F0000");
	want_unprintable("name", "見本\u0301", "", "U+0301");
	want_unprintable("name", "見本\u200d太郎", "", "U+200D");
	want_unprintable("name", "見本\ufe0f", "", "U+FE0F");
	assert_int_equal(run(FORM_CATALOG, OVER({ "name", "見本\ue000" }), &vals, &errs),
	    INVENTORY_INVALID);
	assert_non_null(e = find_error(&errs, INV_CATALOG_NAME, INV_MSG_LABEL_CODE));
	assert_string_equal(e->text[LANG_EN], "Name contains a character that cannot "
	    "be printed on a shipping label: U+E000. Please remove it.");
	assert_string_equal(e->text[LANG_JA], "「お名前」に配送ラベルに印刷できない文字"
	    "（U+E000）が含まれています。取り除いてください。");
	/* every field is checked, each with its own message */
	assert_int_equal(run(FORM_CATALOG, OVER({ "name", "見本\U0001F600" },
	    { "address1", "架空区\U00020BB7" }, { "address2", "\ue000" }), &vals, &errs),
	    INVENTORY_INVALID);
	assert_int_equal(errs.n, 3);
	/* what CP932 has, NEC and IBM extensions included, and what NFC makes of it */
	want_ok(FORM_CATALOG, "name", "髙橋 﨑子", "髙橋 﨑子");
	want_ok(FORM_CATALOG, "name", "か\u3099ん ﾐﾎﾝ", "がん ﾐﾎﾝ");
	want_ok(FORM_CATALOG, "address1", "架空区見本町１－２－３ ①", "架空区見本町１－２－３ ①");
	want_ok(FORM_CATALOG, "address2", "㈱見本 ～3F", "㈱見本 ～3F");
	/* the other rules come first: a '<' is a bad character wherever it stands */
	want_msg(FORM_CATALOG, "name", "\U0001F600<b>", INV_MSG_BAD_CHAR);
	/* a test drive's name goes to the dealer, not on a label */
	want_ok(FORM_TEST_DRIVE, "name", "見本 \U0001F600\U00020BB7", "見本 \U0001F600\U00020BB7");
	want_ok(FORM_TEST_DRIVE, "note", "\U0001F600", "\U0001F600");
}

static void
test_overlong_values(void **state)
{
	char *s = repeat("a", 4000);

	/* within the decoder's 4 KiB, over every field's own limit */
	want_msg(FORM_CATALOG, "name", s, INV_MSG_TOO_LONG);
	want_msg(FORM_CATALOG, "address1", s, INV_MSG_TOO_LONG);
	want_msg(FORM_TEST_DRIVE, "note", s, INV_MSG_TOO_LONG);
	want_msg(FORM_TEST_DRIVE, "email", s, INV_MSG_TOO_LONG);
	want_msg(FORM_CATALOG, "postal_code", s, INV_MSG_POSTAL);
	want_msg(FORM_TEST_DRIVE, "phone", s, INV_MSG_PHONE);
	want_msg(FORM_CATALOG, "models", s, INV_MSG_MODEL_UNKNOWN);
	want_msg(FORM_TEST_DRIVE, "dealer", s, INV_MSG_DEALER_UNKNOWN);
	free(s);
}

/* ---- Formats -------------------------------------------------------------------- */

static void
test_postal_code(void **state)
{
	static const char *const bad[] = {
		"100-000", "1000-001", "10-00001", "100000", "10000011", "abc-defg",
		"100 0001", "100--0001", "-1000001", "1000001-", "100-0001a",
		"一〇〇-〇〇〇一", "100_0001", "〒", "--", "100.0001",
	};
	const struct inventory_error *e;
	struct inventory_values vals;
	struct inventory_errors errs;
	size_t i;

	want_ok(FORM_CATALOG, "postal_code", "100-0001", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "1000001", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", " 100-0001 ", "100-0001");
	/* full-width digits and hyphens (NFKC), and what people type for a hyphen */
	want_ok(FORM_CATALOG, "postal_code", "１００－０００１", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "１０００００１", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "100ー0001", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "100−0001", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "100‐0001", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "100ｰ0001", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "〒100-0001", "100-0001");
	want_ok(FORM_CATALOG, "postal_code", "〒 １００－０００１", "100-0001");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_msg(FORM_CATALOG, "postal_code", bad[i], INV_MSG_POSTAL);
	assert_int_equal(run(FORM_CATALOG, OVER({ "postal_code", "12" }), &vals,
	    &errs), INVENTORY_INVALID);
	assert_non_null(e = find_error(&errs, INV_CATALOG_POSTAL_CODE,
	    INV_MSG_POSTAL));
	assert_string_equal(e->text[LANG_JA],
	    "郵便番号は7桁の数字で入力してください（例: 100-0001）");
	assert_string_equal(e->text[LANG_EN],
	    "Enter the postal code as 7 digits, e.g. 100-0001");
}

static void
test_prefecture(void **state)
{
	static const char *const bad[] = {
		"0", "00", "48", "99", "100", "-1", "13a", " 13", "１３", "東京都",
		"013", "1.0",
	};
	size_t i;

	want_ok(FORM_CATALOG, "prefecture", "13", "13");
	want_ok(FORM_CATALOG, "prefecture", "1", "01");
	want_ok(FORM_CATALOG, "prefecture", "01", "01");
	want_ok(FORM_CATALOG, "prefecture", "47", "47");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_msg(FORM_CATALOG, "prefecture", bad[i], INV_MSG_PREFECTURE);
}

static void
test_phone(void **state)
{
	static const struct kv good[] = {
		{ "03-1234-5678", "0312345678" },
		{ "0312345678", "0312345678" },
		{ "090-1234-5678", "09012345678" },
		{ "09012345678", "09012345678" },
		{ "(03) 1234-5678", "0312345678" },
		{ "03 1234 5678", "0312345678" },
		{ "０３－１２３４－５６７８", "0312345678" },
		{ "０９０（１２３４）５６７８", "09012345678" },
		{ "03ー1234ー5678", "0312345678" },
		{ "0120-123-456", "0120123456" },
		{ "050-1234-5678", "05012345678" },
		{ "+81 3-1234-5678", "0312345678" },
		{ "+81 90 1234 5678", "09012345678" },
		{ "＋８１９０１２３４５６７８", "09012345678" },
	};
	static const char *const bad[] = {
		"1234567890",		/* no leading 0 */
		"031234567",		/* 9 digits */
		"031234567890",		/* 12 digits */
		"00312345678",		/* international prefix */
		"03-1234-567a", "03.1234.5678", "03/1234/5678", "+1 555 123 4567",
		"+810312345678",	/* +81 then 0 */
		"03-1234-5678 ext 1", "tel:0312345678", "()", "---", "+81",
		"〇三-1234-5678",
	};
	const struct inventory_error *e;
	struct inventory_values vals;
	struct inventory_errors errs;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		want_ok(FORM_TEST_DRIVE, "phone", good[i].k, good[i].v);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_msg(FORM_TEST_DRIVE, "phone", bad[i], INV_MSG_PHONE);
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "phone", "12" }), &vals,
	    &errs), INVENTORY_INVALID);
	assert_non_null(e = find_error(&errs, INV_TD_PHONE, INV_MSG_PHONE));
	assert_non_null(strstr(e->text[LANG_JA], "10桁または11桁"));
	/* a wrong phone is not hidden by a good e-mail */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "phone", "12" },
	    { "email", "taro@example.jp" }), &vals, &errs), INVENTORY_INVALID);
	assert_int_equal(errs.n, 1);
}

static void
test_email(void **state)
{
	static const struct kv good[] = {
		{ "taro@example.jp", "taro@example.jp" },
		{ " taro@example.jp ", "taro@example.jp" },
		{ "Taro.Example+test@Example.CO.JP", "Taro.Example+test@example.co.jp" },
		{ "taro_example@mail.example-shop.jp", "taro_example@mail.example-shop.jp" },
		{ "o'brien@example.com", "o'brien@example.com" },
		{ "taro@xn--eckwd4c7c.jp", "taro@xn--eckwd4c7c.jp" },
		/* full-width input from a Japanese IME */
		{ "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp" },
		{ "taro＠example.jp", "taro@example.jp" },
	};
	static const char *const bad[] = {
		"taro", "taro@", "@example.jp", "taro@@example.jp", "ta@ro@example.jp",
		"ta ro@example.jp", "taro@exam ple.jp", "taro@example",
		"taro@-example.jp", "taro@example-.jp", "taro@example..jp",
		"taro@.example.jp", "taro@example.jp.", ".taro@example.jp",
		"taro.@example.jp", "ta..ro@example.jp", "taro@exam_ple.jp",
		"太郎@example.jp", "taro@例え.jp", "taro@example.123", "taro@[127.0.0.1]",
		"\"taro\"@example.jp", "taro(comment)@example.jp", "taro@example.jp\nBcc: x",
		"<taro@example.jp>", "taro,jiro@example.jp",
	};
	char buf[400];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		want_ok(FORM_TEST_DRIVE, "email", good[i].k, good[i].v);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_msg(FORM_TEST_DRIVE, "email", bad[i], INV_MSG_EMAIL);
	/* local part: 64 pass, 65 do not */
	memset(buf, 'a', 64);
	strcpy(buf + 64, "@example.jp");
	want_ok(FORM_TEST_DRIVE, "email", buf, buf);
	memset(buf, 'a', 65);
	strcpy(buf + 65, "@example.jp");
	want_msg(FORM_TEST_DRIVE, "email", buf, INV_MSG_EMAIL);
	/* a label: 63 pass, 64 do not */
	strcpy(buf, "t@");
	memset(buf + 2, 'b', 63);
	strcpy(buf + 65, ".jp");
	want_ok(FORM_TEST_DRIVE, "email", buf, buf);
	strcpy(buf, "t@");
	memset(buf + 2, 'b', 64);
	strcpy(buf + 66, ".jp");
	want_msg(FORM_TEST_DRIVE, "email", buf, INV_MSG_EMAIL);
	/* the whole address: 254 pass, 255 do not (labels of 60) */
	strcpy(buf, "t@");
	for (i = 0; i < 4; i++) {
		memset(buf + strlen(buf), 'c', 60);
		buf[2 + 61 * i + 60] = '.';
		buf[2 + 61 * i + 61] = '\0';
	}
	strcat(buf, "example.jp");	/* 2 + 244 + 10 = 256: trim to 254 */
	memmove(buf + 2, buf + 4, strlen(buf + 4) + 1);
	assert_int_equal(strlen(buf), 254);
	want_ok(FORM_TEST_DRIVE, "email", buf, buf);
	memmove(buf + 1, buf, strlen(buf) + 1);
	assert_int_equal(strlen(buf), 255);
	want_msg(FORM_TEST_DRIVE, "email", buf, INV_MSG_TOO_LONG);
}

static void
test_contact_rule(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	const struct inventory_error *e;

	/* phone only (the base), e-mail only, both */
	assert_int_equal(run(FORM_TEST_DRIVE, NONE, &vals, &errs), INVENTORY_OK);
	inventory_values_free(&vals);
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "phone", NULL },
	    { "email", "taro@example.jp" }), &vals, &errs), INVENTORY_OK);
	assert_null(inventory_get(&vals, INV_TD_PHONE));
	assert_string_equal(inventory_get(&vals, INV_TD_EMAIL), "taro@example.jp");
	inventory_values_free(&vals);
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "email", "taro@example.jp" }),
	    &vals, &errs), INVENTORY_OK);
	assert_non_null(inventory_get(&vals, INV_TD_PHONE));
	assert_non_null(inventory_get(&vals, INV_TD_EMAIL));
	inventory_values_free(&vals);
	/* neither: one message, on the phone */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "phone", NULL }), &vals, &errs),
	    INVENTORY_INVALID);
	assert_int_equal(errs.n, 1);
	assert_non_null(e = find_error(&errs, INV_TD_PHONE, INV_MSG_CONTACT));
	assert_string_equal(e->text[LANG_JA],
	    "電話番号かメールアドレスの少なくとも一方を入力してください。");
	/* blank counts as neither */
	want_msg_ex(FORM_TEST_DRIVE, "phone", " ", "phone", INV_MSG_CONTACT);
	/* a bad e-mail alone gets its own message, not the contact one */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "phone", NULL },
	    { "email", "taro" }), &vals, &errs), INVENTORY_INVALID);
	assert_int_equal(errs.n, 1);
	assert_non_null(find_error(&errs, INV_TD_EMAIL, INV_MSG_EMAIL));
}

static void
test_licence(void **state)
{
	want_ok(FORM_TEST_DRIVE, "licence", "yes", "yes");
	want_msg(FORM_TEST_DRIVE, "licence", NULL, INV_MSG_LICENCE);
	want_msg(FORM_TEST_DRIVE, "licence", "", INV_MSG_LICENCE);
	want_msg(FORM_TEST_DRIVE, "licence", "no", INV_MSG_LICENCE);
	want_msg(FORM_TEST_DRIVE, "licence", "YES", INV_MSG_LICENCE);
	want_msg(FORM_TEST_DRIVE, "licence", "yes ", INV_MSG_LICENCE);
	want_msg(FORM_TEST_DRIVE, "licence", "on", INV_MSG_LICENCE);
	want_msg(FORM_TEST_DRIVE, "licence", "1", INV_MSG_LICENCE);
	want_msg(FORM_TEST_DRIVE, "licence", "ｙｅｓ", INV_MSG_LICENCE);
}

static void
test_slot(void **state)
{
	static const char *const good[] = {
		"2030-04-01T10:00", "2030-12-31T23:59", "2030-01-01T00:00",
		"2028-02-29T09:30", "2000-02-29T09:30", "2030-04-30T17:45",
	};
	static const char *const bad[] = {
		"2030-02-29T09:30", "2100-02-29T09:30", "2030-13-01T10:00",
		"2030-00-10T10:00", "2030-04-31T10:00", "2030-04-00T10:00",
		"2030-04-01T24:00", "2030-04-01T10:60", "2030-04-01 10:00",
		"2030-04-01T10:00:00", "2030-4-1T10:00", "2030-04-01t10:00",
		"2030-04-01T10:00Z", "1999-12-31T10:00", "２０３０-04-01T10:00",
		"2030-04-01", "+030-04-01T10:00", "2030-04-01T1:000",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		want_ok(FORM_TEST_DRIVE, "slot", good[i], good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_msg(FORM_TEST_DRIVE, "slot", bad[i], INV_MSG_SLOT);
}

static void
test_model_and_dealer(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;

	want_msg(FORM_TEST_DRIVE, "model", "unknown", INV_MSG_MODEL_UNKNOWN);
	want_msg(FORM_TEST_DRIVE, "model", "AOBA", INV_MSG_MODEL_UNKNOWN);
	want_msg(FORM_TEST_DRIVE, "model", " aoba", INV_MSG_MODEL_UNKNOWN);
	want_msg(FORM_TEST_DRIVE, "dealer", "nagoya", INV_MSG_DEALER_UNKNOWN);
	want_msg(FORM_TEST_DRIVE, "dealer", "../etc", INV_MSG_DEALER_UNKNOWN);
	/* a dealer that has no demonstration car of the model */
	want_msg(FORM_TEST_DRIVE, "dealer", "osaka-kita", INV_MSG_DEALER_NO_MODEL);
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "dealer", "osaka-kita" },
	    { "model", "hikari" }), &vals, &errs), INVENTORY_OK);
	inventory_values_free(&vals);
	/* no "holds" check when the model is already wrong */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "model", "nope" }), &vals,
	    &errs), INVENTORY_INVALID);
	assert_int_equal(errs.n, 1);
}

static void
test_models(void **state)
{
	static const char *const bodies_ok[] = {
		"idem=" IDEM "&models=aoba&models=hikari&models=sora-ev&name=x"
		    "&postal_code=1000001&prefecture=13&address1=y",
		"idem=" IDEM "&models=kaze&name=x&postal_code=1000001&prefecture=13"
		    "&address1=y&models=aoba",
	};
	struct inventory_values vals;
	struct inventory_errors errs;
	const char *b;

	assert_int_equal(run_body(FORM_CATALOG, bodies_ok[0], strlen(bodies_ok[0]),
	    &vals, &errs), INVENTORY_OK);
	assert_int_equal(vals.f[INV_CATALOG_MODELS].n, 3);
	assert_string_equal(vals.f[INV_CATALOG_MODELS].v[0], "aoba");
	assert_string_equal(vals.f[INV_CATALOG_MODELS].v[2], "sora-ev");
	inventory_values_free(&vals);
	/* order as sent, wherever they are in the body */
	assert_int_equal(run_body(FORM_CATALOG, bodies_ok[1], strlen(bodies_ok[1]),
	    &vals, &errs), INVENTORY_OK);
	assert_int_equal(vals.f[INV_CATALOG_MODELS].n, 2);
	assert_string_equal(vals.f[INV_CATALOG_MODELS].v[0], "kaze");
	assert_string_equal(vals.f[INV_CATALOG_MODELS].v[1], "aoba");
	inventory_values_free(&vals);

	b = "idem=" IDEM "&models=aoba&models=hikari&models=sora-ev&models=kaze"
	    "&name=x&postal_code=1000001&prefecture=13&address1=y";
	assert_int_equal(run_body(FORM_CATALOG, b, strlen(b), &vals, &errs),
	    INVENTORY_INVALID);
	assert_non_null(find_error(&errs, INV_CATALOG_MODELS, INV_MSG_MODELS_COUNT));
	assert_string_equal(errs.v[0].text[LANG_EN], "Choose from 1 to 3 models.");

	b = "idem=" IDEM "&models=aoba&models=aoba&name=x&postal_code=1000001"
	    "&prefecture=13&address1=y";
	assert_int_equal(run_body(FORM_CATALOG, b, strlen(b), &vals, &errs),
	    INVENTORY_INVALID);
	assert_non_null(find_error(&errs, INV_CATALOG_MODELS, INV_MSG_MODELS_DUP));

	b = "idem=" IDEM "&models=aoba&models=nope&name=x&postal_code=1000001"
	    "&prefecture=13&address1=y";
	assert_int_equal(run_body(FORM_CATALOG, b, strlen(b), &vals, &errs),
	    INVENTORY_INVALID);
	assert_non_null(find_error(&errs, INV_CATALOG_MODELS,
	    INV_MSG_MODEL_UNKNOWN));
	want_msg(FORM_CATALOG, "models", NULL, INV_MSG_REQUIRED);
}

/* ---- Structure: unknown, duplicated, honeypot, idem ------------------------------- */

static void
test_unknown_field(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;

	assert_int_equal(run(FORM_CATALOG, OVER({ "xyz", "1" }), &vals, &errs),
	    INVENTORY_REJECT);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].field, -1);
	assert_int_equal(errs.v[0].msg, INV_MSG_UNKNOWN_FIELD);
	assert_string_equal(errs.v[0].name, "xyz");
	assert_string_equal(errs.v[0].text[LANG_EN],
	    "Unknown field \"xyz\": this form does not accept it.");
	assert_string_equal(errs.v[0].text[LANG_JA],
	    "不明な項目「xyz」が送信されました。この項目は受け付けていません。");
	/* even empty, even with other errors, each one named */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "name", NULL }, { "a", "" },
	    { "birth_date", "2000-01-01" }), &vals, &errs), INVENTORY_REJECT);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.v[0].name, "a");
	assert_string_equal(errs.v[1].name, "birth_date");
	/* a field of the other form is unknown here */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "postal_code", "1000001" }),
	    &vals, &errs), INVENTORY_REJECT);
	assert_int_equal(run(FORM_CATALOG, OVER({ "note", "x" }), &vals, &errs),
	    INVENTORY_REJECT);
	/* nothing was kept */
	assert_null(inventory_get(&vals, INV_CATALOG_NAME));
}

static void
test_duplicated_field(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	const char *b;

	b = "idem=" IDEM "&models=aoba&name=a&name=b&postal_code=1000001"
	    "&prefecture=13&address1=y";
	assert_int_equal(run_body(FORM_CATALOG, b, strlen(b), &vals, &errs),
	    INVENTORY_REJECT);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].msg, INV_MSG_DUPLICATE_FIELD);
	assert_string_equal(errs.v[0].text[LANG_EN],
	    "Field \"name\" was sent more than once.");
	/* reported once however often it comes; an empty repeat counts */
	b = "idem=" IDEM "&models=aoba&name=a&name=&name=c&postal_code=1000001"
	    "&postal_code=1000001&prefecture=13&address1=y";
	assert_int_equal(run_body(FORM_CATALOG, b, strlen(b), &vals, &errs),
	    INVENTORY_REJECT);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.v[0].name, "name");
	assert_string_equal(errs.v[1].name, "postal_code");
	/* technical fields too */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "idem", IDEM }, { "idem", IDEM }),
	    &vals, &errs), INVENTORY_REJECT);
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "website", "" },
	    { "website", "" }), &vals, &errs), INVENTORY_REJECT);
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "licence", "yes" },
	    { "licence", "yes" }), &vals, &errs), INVENTORY_REJECT);
}

static void
test_honeypot(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	size_t i;

	assert_int_equal(run(FORM_CATALOG, OVER({ "website", "http://spam.example" }),
	    &vals, &errs), INVENTORY_HONEYPOT);
	for (i = 0; i < INVENTORY_NFIELDS; i++)
		assert_int_equal(vals.f[i].n, 0);
	assert_int_equal(errs.n, 0);
	/* a bot that gets the rest wrong is still answered like a success */
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "website", "x" },
	    { "phone", "nope" }, { "idem", NULL }), &vals, &errs), INVENTORY_HONEYPOT);
	assert_int_equal(run(FORM_TEST_DRIVE, OVER({ "website", " " }), &vals, &errs),
	    INVENTORY_HONEYPOT);
	/* empty is what people send */
	assert_int_equal(run(FORM_CATALOG, OVER({ "website", "" }), &vals, &errs),
	    INVENTORY_OK);
	inventory_values_free(&vals);
	/* unknown fields still come first: 400 */
	assert_int_equal(run(FORM_CATALOG, OVER({ "website", "x" }, { "zz", "1" }),
	    &vals, &errs), INVENTORY_REJECT);
}

static void
test_idem(void **state)
{
	static const char *const bad[] = {
		"", "short", "k7Qw-2xZ_p9LmN4", "k7Qw 2xZ_p9LmN4r", "k7Qw+2xZ/p9LmN4r==",
		"ｋ7Qw-2xZ_p9LmN4r",
	};
	struct inventory_values vals;
	struct inventory_errors errs;
	char big[80];
	size_t i;

	assert_int_equal(run(FORM_CATALOG, OVER({ "idem", NULL }), &vals, &errs),
	    INVENTORY_REJECT);
	assert_int_equal(errs.v[0].msg, INV_MSG_IDEM);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(run(FORM_CATALOG, OVER({ "idem", bad[i] }), &vals,
		    &errs), INVENTORY_REJECT);
	memset(big, 'a', 64);
	big[64] = '\0';
	assert_int_equal(run(FORM_CATALOG, OVER({ "idem", big }), &vals, &errs),
	    INVENTORY_OK);
	assert_string_equal(vals.idem, big);
	inventory_values_free(&vals);
	big[64] = 'a';
	big[65] = '\0';
	assert_int_equal(run(FORM_CATALOG, OVER({ "idem", big }), &vals, &errs),
	    INVENTORY_REJECT);
}

static void
test_bad_arguments(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	struct form f = FORM_INIT;
	struct inventory_refs none = { NULL, NULL, NULL, NULL, NULL };
	const char *b = "idem=" IDEM "&models=aoba&name=x&postal_code=1000001"
	    "&prefecture=13&address1=y";

	assert_int_equal(inventory_validate(FORM_KINDS, &f, &refs, &vals, &errs),
	    INVENTORY_ERROR);
	assert_int_equal(inventory_validate(FORM_CATALOG, NULL, &refs, &vals, &errs),
	    INVENTORY_ERROR);
	/* NULL callbacks know no model; the prefecture falls back to JIS */
	assert_int_equal(form_decode(b, strlen(b), &f, NULL), 0);
	assert_int_equal(inventory_validate(FORM_CATALOG, &f, &none, &vals, &errs),
	    INVENTORY_INVALID);
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.v[0].field, INV_CATALOG_MODELS);
	form_free(&f);
}

/* ---- The record ---------------------------------------------------------------- */

static void
record_of(enum form_kind kind, const struct kv *over, size_t nover, struct buf *out)
{
	struct inventory_values vals;
	struct inventory_errors errs;

	if (run(kind, over, nover, &vals, &errs) != INVENTORY_OK) {
		dump_errors(&errs);
		fail();
	}
	assert_int_equal(inventory_record_json(kind, &vals, out), 0);
	inventory_values_free(&vals);
}

/* The record without its padding, after checking the padding. */
static size_t
unpadded(const struct buf *b)
{
	size_t n = b->len;

	assert_int_equal(b->len % 256, 0);
	assert_true(b->len > 0);
	while (n > 0 && b->data[n - 1] == ' ')
		n--;
	assert_int_equal(b->data[n - 1], '}');
	assert_true(b->len - n < 256);
	assert_int_equal(b->data[b->len], '\0');
	return n;
}

static void
test_record_catalog(void **state)
{
	static const char want[] = "{\"address1\":\"架空区見本町1-2-3\","
	    "\"kind\":\"catalog\",\"models\":[\"aoba\"],\"name\":\"見本 太郎\","
	    "\"postal_code\":\"100-0001\",\"prefecture\":\"13\",\"v\":1}";
	struct buf b = BUF_INIT;
	json_t *j;
	size_t n;

	record_of(FORM_CATALOG, OVER({ "postal_code", "１０００００１" }), &b);
	n = unpadded(&b);
	assert_int_equal(b.len, 256);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(b.data, want, n);
	/* the padded text is still one JSON value */
	assert_non_null(j = json_loadb(b.data, b.len, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(j, "postal_code")),
	    "100-0001");
	assert_null(json_object_get(j, "idem"));
	assert_null(json_object_get(j, "website"));
	assert_null(json_object_get(j, "address2"));
	json_decref(j);
	buf_wipe(&b);
}

static void
test_record_test_drive(void **state)
{
	static const char want[] = "{\"dealer\":\"tokyo-minato\",\"email\":"
	    "\"taro@example.jp\",\"kind\":\"test_drive\",\"licence\":\"yes\","
	    "\"model\":\"aoba\",\"name\":\"Taro Example\",\"note\":\"He said "
	    "\\\"午前\\\" \\\\ ok\\n'; DROP TABLE x;--\",\"phone\":\"0312345678\","
	    "\"slot\":\"2030-04-01T10:00\",\"v\":1}";
	struct buf b = BUF_INIT;
	json_t *j;
	size_t n;

	record_of(FORM_TEST_DRIVE, OVER({ "email", "taro@example.jp" },
	    { "note", "He said \"午前\" \\ ok\r\n'; DROP TABLE x;--" }), &b);
	n = unpadded(&b);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(b.data, want, n);
	assert_int_equal(b.len, 256);
	assert_non_null(j = json_loadb(b.data, b.len, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(j, "note")),
	    "He said \"午前\" \\ ok\n'; DROP TABLE x;--");
	assert_int_equal(json_integer_value(json_object_get(j, "v")), 1);
	json_decref(j);
	buf_wipe(&b);
}

static void
test_record_padding(void **state)
{
	struct buf b = BUF_INIT;
	char note[260];
	size_t n0, n, want;

	/* measure with a one-character note, then aim exactly at 256 */
	record_of(FORM_TEST_DRIVE, OVER({ "note", "x" }), &b);
	n0 = unpadded(&b);
	buf_wipe(&b);
	want = 256 - n0 + 1;
	assert_true(want <= 200);
	memset(note, 'x', want);
	note[want] = '\0';
	record_of(FORM_TEST_DRIVE, OVER({ "note", note }), &b);
	assert_int_equal(b.len, 256);
	assert_int_equal(b.data[255], '}');	/* a multiple already: no padding */
	buf_wipe(&b);
	/* one more byte: a whole new block of 255 spaces */
	note[want] = 'x';
	note[want + 1] = '\0';
	record_of(FORM_TEST_DRIVE, OVER({ "note", note }), &b);
	n = unpadded(&b);
	assert_int_equal(n, 257);
	assert_int_equal(b.len, 512);
	buf_wipe(&b);
	/* the largest record still pads to a multiple, and appends after content */
	assert_int_equal(buf_puts(&b, "prefix"), 0);
	record_of(FORM_CATALOG, NONE, &b);
	assert_int_equal(b.len, 6 + 256);
	assert_memory_equal(b.data, "prefix{", 7);
	buf_wipe(&b);
}

static void
test_record_models_and_kind(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	struct buf b = BUF_INIT;
	const char *body = "idem=" IDEM "&models=sora-ev&models=aoba&name=x"
	    "&postal_code=1000001&prefecture=1&address1=y&address2=z";

	assert_int_equal(run_body(FORM_CATALOG, body, strlen(body), &vals, &errs),
	    INVENTORY_OK);
	/* a kind that does not match the values is refused */
	assert_int_equal(inventory_record_json(FORM_TEST_DRIVE, &vals, &b), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(inventory_record_json(FORM_CATALOG, &vals, &b), 0);
	assert_non_null(strstr(b.data, "\"address2\":\"z\",\"kind\":\"catalog\","
	    "\"models\":[\"sora-ev\",\"aoba\"],"));
	assert_non_null(strstr(b.data, "\"prefecture\":\"01\""));
	inventory_values_free(&vals);
	buf_wipe(&b);
}

/*
 * The table's names are the record's keys, which the back office reads back by the
 * same RECORD_F_ macros: every row against its macro, so the two cannot drift, and
 * every key of a written record, the writer's own "kind" and "v" among them.
 */
static void
test_record_field_names(void **state)
{
	static const struct {
		enum inventory_field_id	 row;
		const char		*key;
	} want[] = {
		{ INV_CATALOG_MODELS, RECORD_F_MODELS },
		{ INV_CATALOG_NAME, RECORD_F_NAME },
		{ INV_CATALOG_POSTAL_CODE, RECORD_F_POSTAL_CODE },
		{ INV_CATALOG_PREFECTURE, RECORD_F_PREFECTURE },
		{ INV_CATALOG_ADDRESS1, RECORD_F_ADDRESS1 },
		{ INV_CATALOG_ADDRESS2, RECORD_F_ADDRESS2 },
		{ INV_TD_MODEL, RECORD_F_MODEL },
		{ INV_TD_DEALER, RECORD_F_DEALER },
		{ INV_TD_SLOT, RECORD_F_SLOT },
		{ INV_TD_NAME, RECORD_F_NAME },
		{ INV_TD_PHONE, RECORD_F_PHONE },
		{ INV_TD_EMAIL, RECORD_F_EMAIL },
		{ INV_TD_NOTE, RECORD_F_NOTE },
		{ INV_TD_LICENCE, RECORD_F_LICENCE },
	};
	int seen[INVENTORY_NFIELDS] = { 0 };
	struct buf b = BUF_INIT;
	enum form_kind kind;
	json_t *j;
	size_t i, keys;

	assert_int_equal(sizeof(want) / sizeof(want[0]), INVENTORY_NFIELDS);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_false(seen[want[i].row]);
		seen[want[i].row] = 1;
		assert_string_equal(inventory_fields[want[i].row].name, want[i].key);
	}

	/* a record with every field of its form: those keys, "kind" and "v", no other */
	for (kind = 0; kind < FORM_KINDS; kind++) {
		if (kind == FORM_CATALOG)
			record_of(kind, OVER({ "address2", "z" }), &b);
		else
			record_of(kind, OVER({ "email", "taro@example.jp" },
			    { "note", "x" }), &b);
		assert_non_null(j = json_loadb(b.data, b.len, 0, NULL));
		assert_string_equal(json_string_value(json_object_get(j, RECORD_F_KIND)),
		    inventory_kind_name(kind));
		assert_int_equal(json_integer_value(json_object_get(j, RECORD_F_VERSION)),
		    1);
		for (keys = 2, i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			if (inventory_fields[want[i].row].form == kind) {
				assert_non_null(json_object_get(j, want[i].key));
				keys++;
			}
		assert_int_equal(json_object_size(j), keys);
		json_decref(j);
		buf_wipe(&b);
	}
}

/* ---- Views -------------------------------------------------------------------- */

static void
test_privacy_view(void **state)
{
	static const char *const keys[] = { "name", "label", "required_text",
	    "normalization", "validation", "purpose", "recipient", "retention" };
	json_t *v, *forms, *fields, *f, *tech;
	size_t i, j, k, total = 0;
	int l;

	for (l = 0; l < LANG_COUNT; l++) {
		assert_non_null(v = inventory_privacy_view(l));
		assert_string_equal(json_string_value(json_object_get(v, "lang")),
		    l == LANG_JA ? "ja" : "en");
		forms = json_object_get(v, "forms");
		assert_int_equal(json_array_size(forms), FORM_KINDS);
		total = 0;
		for (i = 0; i < json_array_size(forms); i++) {
			fields = json_object_get(json_array_get(forms, i), "fields");
			for (j = 0; j < json_array_size(fields); j++) {
				f = json_array_get(fields, j);
				for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
					assert_true(json_string_length(
					    json_object_get(f, keys[k])) > 0);
				assert_true(json_is_boolean(json_object_get(f,
				    "required")));
				assert_true(json_integer_value(json_object_get(f,
				    "max_age_days")) > 0);
				total++;
			}
		}
		/* every row of the table, once */
		assert_int_equal(total, INVENTORY_NFIELDS);
		f = json_array_get(json_object_get(json_array_get(forms, 1),
		    "fields"), 2);
		assert_string_equal(json_string_value(json_object_get(f, "name")),
		    "slot");
		assert_true(json_is_true(json_object_get(f, "in_clear")));
		tech = json_object_get(v, "technical");
		assert_int_equal(json_array_size(tech), INVENTORY_NTECH);
		json_decref(v);
	}
	v = inventory_privacy_view(LANG_JA);
	f = json_array_get(json_object_get(json_array_get(json_object_get(v,
	    "forms"), 0), "fields"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "label")), "車種");
	assert_string_equal(json_string_value(json_object_get(f, "retention")),
	    "カタログの発送まで（最長90日）");
	json_decref(v);
	/* the catalog's name says it goes on a label; the test drive's does not */
	v = inventory_privacy_view(LANG_EN);
	forms = json_object_get(v, "forms");
	f = json_array_get(json_object_get(json_array_get(forms, 0), "fields"), 1);
	assert_string_equal(json_string_value(json_object_get(f, "name")), "name");
	assert_non_null(strstr(json_string_value(json_object_get(f, "validation")),
	    "shipping label"));
	f = json_array_get(json_object_get(json_array_get(forms, 1), "fields"), 3);
	assert_string_equal(json_string_value(json_object_get(f, "name")), "name");
	assert_null(strstr(json_string_value(json_object_get(f, "validation")),
	    "shipping label"));
	json_decref(v);
	assert_null(inventory_privacy_view(LANG_COUNT));
}

static void
test_form_view(void **state)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	struct form f;
	const char *body = "idem=" IDEM "&models=aoba&models=kaze&name=%E8%A6%8B%E6"
	    "%9C%AC+%E5%A4%AA%E9%83%8E&postal_code=12&prefecture=13&address1=";
	json_t *v, *fields, *fld;

	/* a fresh form: no values, no errors */
	assert_non_null(v = inventory_form_view(FORM_TEST_DRIVE, LANG_EN, NULL, NULL));
	fields = json_object_get(v, "fields");
	assert_int_equal(json_array_size(fields), 8);
	fld = json_array_get(fields, 4);
	assert_string_equal(json_string_value(json_object_get(fld, "name")), "phone");
	assert_string_equal(json_string_value(json_object_get(fld, "input")), "tel");
	assert_string_equal(json_string_value(json_object_get(fld, "value")), "");
	/* the browser must let a visitor type what the check accepts: "+81 90-1234-5678" is
	 * 16 characters, though 11 digits are stored (maxlength was 11: a browser test found
	 * "03-1234-5678" cut short) */
	assert_true(json_integer_value(json_object_get(fld, "input_chars")) >= 16);
	assert_int_equal(json_integer_value(json_object_get(fld, "max_chars")), 11);
	json_decref(v);
	assert_non_null(v = inventory_form_view(FORM_CATALOG, LANG_JA, NULL, NULL));
	fld = json_array_get(json_object_get(v, "fields"), 2);
	assert_string_equal(json_string_value(json_object_get(fld, "name")), "postal_code");
	assert_true(json_integer_value(json_object_get(fld, "input_chars")) >= 10);	/* 〒 100-0001 */
	json_decref(v);
	assert_non_null(v = inventory_form_view(FORM_TEST_DRIVE, LANG_EN, NULL, NULL));
	fields = json_object_get(v, "fields");
	fld = json_array_get(fields, 4);
	assert_true(json_is_null(json_object_get(fld, "error")));
	assert_true(json_is_null(json_object_get(v, "idem")));
	json_decref(v);

	/* shown again: input kept as typed, messages in the visitor's language */
	assert_int_equal(form_decode(body, strlen(body), &f, NULL), 0);
	assert_int_equal(inventory_validate(FORM_CATALOG, &f, &refs, &vals, &errs),
	    INVENTORY_INVALID);
	assert_non_null(v = inventory_form_view(FORM_CATALOG, LANG_JA, &f, &errs));
	fields = json_object_get(v, "fields");
	fld = json_array_get(fields, 0);
	assert_int_equal(json_array_size(json_object_get(fld, "values")), 2);
	assert_string_equal(json_string_value(json_object_get(fld, "input")),
	    "checkboxes");
	fld = json_array_get(fields, 1);
	assert_string_equal(json_string_value(json_object_get(fld, "value")),
	    "見本 太郎");
	assert_true(json_is_null(json_object_get(fld, "error")));
	fld = json_array_get(fields, 2);
	assert_string_equal(json_string_value(json_object_get(fld, "value")), "12");
	assert_string_equal(json_string_value(json_object_get(fld, "error")),
	    "郵便番号は7桁の数字で入力してください（例: 100-0001）");
	assert_string_equal(json_string_value(json_object_get(fld, "autocomplete")),
	    "postal-code");
	fld = json_array_get(fields, 4);
	assert_string_equal(json_string_value(json_object_get(fld, "error")),
	    "「市区町村・番地」は必須です。");
	assert_string_equal(json_string_value(json_object_get(v, "idem")), IDEM);
	assert_int_equal(json_array_size(json_object_get(v, "errors")), 0);
	json_decref(v);
	form_free(&f);

	/* form-level messages for a rejected form */
	body = "idem=" IDEM "&xyz=1";
	assert_int_equal(form_decode(body, strlen(body), &f, NULL), 0);
	assert_int_equal(inventory_validate(FORM_CATALOG, &f, &refs, &vals, &errs),
	    INVENTORY_REJECT);
	assert_non_null(v = inventory_form_view(FORM_CATALOG, LANG_EN, &f, &errs));
	assert_string_equal(json_string_value(json_array_get(json_object_get(v,
	    "errors"), 0)), "Unknown field \"xyz\": this form does not accept it.");
	json_decref(v);
	form_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_check),
		cmocka_unit_test(test_no_forbidden_fields),
		cmocka_unit_test(test_forbidden_fields_rejected),
		cmocka_unit_test(test_accepted_names),
		cmocka_unit_test(test_table_columns),
		cmocka_unit_test(test_catalog_valid),
		cmocka_unit_test(test_test_drive_valid),
		cmocka_unit_test(test_all_required_missing),
		cmocka_unit_test(test_required_blank_is_missing),
		cmocka_unit_test(test_name_normalization),
		cmocka_unit_test(test_name_limit_in_characters),
		cmocka_unit_test(test_address_limits),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_sql_strings),
		cmocka_unit_test(test_html_payloads),
		cmocka_unit_test(test_invisible_characters),
		cmocka_unit_test(test_label_characters),
		cmocka_unit_test(test_overlong_values),
		cmocka_unit_test(test_postal_code),
		cmocka_unit_test(test_prefecture),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_contact_rule),
		cmocka_unit_test(test_licence),
		cmocka_unit_test(test_slot),
		cmocka_unit_test(test_model_and_dealer),
		cmocka_unit_test(test_models),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_duplicated_field),
		cmocka_unit_test(test_honeypot),
		cmocka_unit_test(test_idem),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_record_catalog),
		cmocka_unit_test(test_record_test_drive),
		cmocka_unit_test(test_record_padding),
		cmocka_unit_test(test_record_models_and_kind),
		cmocka_unit_test(test_record_field_names),
		cmocka_unit_test(test_privacy_view),
		cmocka_unit_test(test_form_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
