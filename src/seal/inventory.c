/*
 * The data inventory table, its lookups and its self-check. See inventory.h.
 *
 * The rest of what derives from the table lives beside it: normalization and character
 * rules in inventory_norm.c, validation and its messages in inventory_validate.c, the
 * sealed record's plaintext in inventory_record.c and the views in inventory_view.c;
 * what they share is declared in inventory_int.h.
 */
#include "seal/inventory.h"

#include <stdio.h>
#include <string.h>

#include "seal/inventory_int.h"
#include "seal/record.h"

#define CATALOG_RETENTION	{ "カタログの発送まで（最長90日）", \
				  "Until the catalog is posted, at most 90 days" }
#define CATALOG_MAX_AGE		90
#define TD_RETENTION		{ "販売店が予約を受け取るまで（最長90日）", \
				  "Until the dealer has taken the booking, at most 90 days" }
#define TD_MAX_AGE		90	/* slots are offered up to 60 days ahead */

const struct inventory_field inventory_fields[INVENTORY_NFIELDS] = {
	[INV_CATALOG_MODELS] = {
		.form = FORM_CATALOG, .name = RECORD_F_MODELS,
		.label = { "車種", "Models" },
		.need = INV_REQUIRED, .max_count = INVENTORY_MAX_MODELS,
		.max_chars = INV_CODE_MAX,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_MODELS,
		.purpose = { "ご希望のカタログを選んでお送りするため",
		    "To know which catalogs to send you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_CATALOG_NAME] = {
		.form = FORM_CATALOG, .name = RECORD_F_NAME,
		.label = { "お名前", "Name" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 50,
		.norm = INV_NORM_NFC_LINE, .check = INV_CHECK_NAME,
		.autocomplete = "name",
		.purpose = { "カタログの宛名とするため",
		    "To address the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE, .on_label = 1,
	},
	[INV_CATALOG_POSTAL_CODE] = {
		.form = FORM_CATALOG, .name = RECORD_F_POSTAL_CODE,
		.label = { "郵便番号", "Postal code" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 8,
		.input_chars = 12,	/* "〒 100-0001", spaces around */
		.norm = INV_NORM_NFKC_POSTAL, .check = INV_CHECK_POSTAL,
		.autocomplete = "postal-code",
		.purpose = { "カタログを郵送するため", "To post the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_CATALOG_PREFECTURE] = {
		.form = FORM_CATALOG, .name = RECORD_F_PREFECTURE,
		.label = { "都道府県", "Prefecture" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 2,
		.norm = INV_NORM_PREFECTURE, .check = INV_CHECK_PREFECTURE,
		.purpose = { "カタログを郵送するため", "To post the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_CATALOG_ADDRESS1] = {
		.form = FORM_CATALOG, .name = RECORD_F_ADDRESS1,
		.label = { "市区町村・番地", "Address (city, street and number)" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 100,
		.norm = INV_NORM_NFC_LINE, .check = INV_CHECK_ADDRESS,
		.autocomplete = "address-line1",
		.purpose = { "カタログを郵送するため", "To post the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE, .on_label = 1,
	},
	[INV_CATALOG_ADDRESS2] = {
		.form = FORM_CATALOG, .name = RECORD_F_ADDRESS2,
		.label = { "建物名・部屋番号", "Building and room" },
		.need = INV_OPTIONAL, .max_count = 1, .max_chars = 100,
		.norm = INV_NORM_NFC_LINE, .check = INV_CHECK_ADDRESS,
		.autocomplete = "address-line2",
		.purpose = { "カタログを郵送するため", "To post the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE, .on_label = 1,
	},
	[INV_TD_MODEL] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_MODEL,
		.label = { "試乗する車種", "Model to drive" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = INV_CODE_MAX,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_MODEL,
		.purpose = { "試乗車を用意するため",
		    "To have the demonstration car ready" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE, .in_clear = 1,
	},
	[INV_TD_DEALER] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_DEALER,
		.label = { "販売店", "Dealer" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = INV_CODE_MAX,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_DEALER,
		.purpose = { "ご希望の販売店に予約を届けるため",
		    "To send the booking to the dealer you chose" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE, .in_clear = 1,
	},
	[INV_TD_SLOT] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_SLOT,
		.label = { "希望日時", "Date and time" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 16,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_SLOT,
		.purpose = { "試乗の日時を確保するため",
		    "To reserve the time of your test drive" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE, .in_clear = 1,
	},
	[INV_TD_NAME] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_NAME,
		.label = { "お名前", "Name" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 50,
		.norm = INV_NORM_NFC_LINE, .check = INV_CHECK_NAME,
		.autocomplete = "name",
		.purpose = { "ご来店時に予約を確認するため",
		    "To recognise your booking when you arrive" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE,
	},
	[INV_TD_PHONE] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_PHONE,
		.label = { "電話番号", "Phone number" },
		.need = INV_ONE_OF, .group = "contact", .max_count = 1,
		.max_chars = 11,
		.input_chars = 20,	/* "+81 90-1234-5678", "(03) 1234-5678" */
		.norm = INV_NORM_NFKC_PHONE, .check = INV_CHECK_PHONE,
		.autocomplete = "tel",
		.purpose = { "予約についてご連絡するため",
		    "To contact you about the booking" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE,
	},
	[INV_TD_EMAIL] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_EMAIL,
		.label = { "メールアドレス", "E-mail address" },
		.need = INV_ONE_OF, .group = "contact", .max_count = 1,
		.max_chars = 254,
		.norm = INV_NORM_NFC_EMAIL, .check = INV_CHECK_EMAIL,
		.autocomplete = "email",
		.purpose = { "予約についてご連絡するため",
		    "To contact you about the booking" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE,
	},
	[INV_TD_NOTE] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_NOTE,
		.label = { "ご要望", "Note" },
		.need = INV_OPTIONAL, .max_count = 1, .max_chars = 200,
		.norm = INV_NORM_NFC_TEXT, .check = INV_CHECK_NOTE,
		.purpose = { "ご要望に沿って試乗を準備するため",
		    "To prepare the test drive as you ask" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE,
	},
	[INV_TD_LICENCE] = {
		.form = FORM_TEST_DRIVE, .name = RECORD_F_LICENCE,
		.label = { "有効な運転免許を持っています", "I hold a valid driving licence" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 3,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_YES,
		.purpose = { "運転免許をお持ちの方に試乗いただくため（免許証の番号はお預かりしません）",
		    "Only licence holders may drive; you declare that you hold one "
		    "(we do not take the licence number)" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE,
	},
};

const struct inventory_tech inventory_tech_fields[INVENTORY_NTECH] = {
	{ INVENTORY_IDEM, {
	    "二重送信を防ぐための一回限りの番号（個人情報ではありません）",
	    "A one-time key that stops a form being sent twice (not personal data)" },
	    { "二重送信防止の番号", "Duplicate-submission key" } },
	{ INVENTORY_HONEYPOT_NAME, {
	    "自動投稿を見分けるための空欄（入力された送信は破棄します。個人情報ではありません）",
	    "A field people leave empty and spam robots fill in; a filled-in form is "
	    "discarded (not personal data)" },
	    { "自動投稿よけの空欄", "Spam trap field" } },
};

/*
 * Names that must never appear in the table: the data the 2018 leak held that no job
 * here needs. Short words match exactly; stems match anywhere in a name.
 */
static const char *const inv_forbidden_exact[] = {
	"age", "sex", "dob", "job", "income", "salary", "gender", "birthday",
	"occupation", "nationality", "religion", "employer", "spouse",
};
static const char *const inv_forbidden_stem[] = {
	"income", "salary", "birth", "occupation", "gender", "nationality",
	"marital", "religion", "employer", "licence_number", "license_number",
	"my_number", "mynumber", "owned_car", "current_car", "annual",
};

static const char *const inv_kind_names[FORM_KINDS] = { "catalog", "test_drive" };

/* ---- Table lookups ---------------------------------------------------------- */

const char *
inventory_kind_name(enum form_kind kind)
{
	if ((unsigned)kind >= FORM_KINDS)
		return NULL;
	return inv_kind_names[kind];
}

int
inventory_find(enum form_kind kind, const char *name)
{
	int i;

	for (i = 0; i < INVENTORY_NFIELDS; i++)
		if (inventory_fields[i].form == kind &&
		    strcmp(inventory_fields[i].name, name) == 0)
			return i;
	return -1;
}

static int
inv_is_tech(const char *name)
{
	size_t i;

	for (i = 0; i < INVENTORY_NTECH; i++)
		if (strcmp(inventory_tech_fields[i].name, name) == 0)
			return 1;
	return 0;
}

int
inventory_accepts(enum form_kind kind, const char *name)
{
	return inventory_find(kind, name) != -1 || inv_is_tech(name);
}

/* ---- Self-check --------------------------------------------------------------- */

static int
inv_forbidden(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(inv_forbidden_exact) / sizeof(inv_forbidden_exact[0]); i++)
		if (strcmp(name, inv_forbidden_exact[i]) == 0)
			return 1;
	for (i = 0; i < sizeof(inv_forbidden_stem) / sizeof(inv_forbidden_stem[0]); i++)
		if (strstr(name, inv_forbidden_stem[i]) != NULL)
			return 1;
	return 0;
}

static int
inv_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0, i;

	if (n == 0 || n > FORM_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

static int
inv_texts_ok(const char *const t[LANG_COUNT])
{
	int l;

	for (l = 0; l < LANG_COUNT; l++)
		if (t[l] == NULL || t[l][0] == '\0')
			return 0;
	return 1;
}

static const char *
inv_row_problem(int i)
{
	const struct inventory_field *f = &inventory_fields[i];

	if ((unsigned)f->form >= FORM_KINDS)
		return "bad form";
	if (!inv_name_ok(f->name))
		return "name is not [a-z0-9_]{1,32}";
	if (inv_forbidden(f->name))
		return "forbidden name";
	if (inv_is_tech(f->name))
		return "name taken by a technical field";
	if (inventory_find(f->form, f->name) != i)
		return "name repeated in its form";
	if (!inv_texts_ok(f->label) || !inv_texts_ok(f->purpose) ||
	    !inv_texts_ok(f->retention))
		return "a label, purpose or retention text is missing";
	if (f->max_count < 1 || f->max_count > INVENTORY_MAX_MODELS ||
	    (f->max_count > 1 && f->check != INV_CHECK_MODELS))
		return "bad max_count";
	if (f->max_chars < 1 || f->max_chars > FORM_MAX_VALUE)
		return "bad max_chars";
	if (f->max_age_days < 1 || f->max_age_days > 366)
		return "bad max_age_days";
	if ((f->need == INV_ONE_OF) != (f->group != NULL))
		return "one-of fields, and only they, name a group";
	if ((unsigned)f->check >= INV_CHECKS)
		return "bad check";
	if (f->on_label && f->check != INV_CHECK_NAME && f->check != INV_CHECK_ADDRESS)
		return "only a name or an address goes on a label";
	return NULL;
}

int
inventory_self_check(char *why, size_t whysz)
{
	const char *p;
	size_t i;
	int r;

	for (r = 0; r < INVENTORY_NFIELDS; r++)
		if ((p = inv_row_problem(r)) != NULL) {
			snprintf(why, whysz, "row %d (%s): %s", r,
			    inventory_fields[r].name ? inventory_fields[r].name : "?", p);
			return -1;
		}
	for (i = 0; i < INVENTORY_NTECH; i++)
		if (!inv_name_ok(inventory_tech_fields[i].name) ||
		    inv_forbidden(inventory_tech_fields[i].name) ||
		    !inv_texts_ok(inventory_tech_fields[i].purpose) ||
		    !inv_texts_ok(inventory_tech_fields[i].label)) {
			snprintf(why, whysz, "technical field %zu is malformed", i);
			return -1;
		}
	if (!inv_messages_fit()) {
		snprintf(why, whysz, "a message does not fit its buffer");
		return -1;
	}
	if (whysz > 0)
		why[0] = '\0';
	return 0;
}
