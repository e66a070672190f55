/*
 * The data inventory table and its lookups. See inventory.h.
 *
 * The rest of what derives from the table lives beside it: normalization and character
 * rules in inventory_norm.c, validation and its messages in inventory_validate.c, the
 * sealed record's plaintext in inventory_record.c and the views in inventory_view.c;
 * the self-check in inventory_check.c; what they share is declared in inventory_int.h.
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

int
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
