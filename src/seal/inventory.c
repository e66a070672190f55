/*
 * The data inventory table and what derives from it. See inventory.h.
 *
 * Personal data passes through here, so every working copy lives in an allocation
 * this file owns and wipes (sodium_memzero) before freeing: normalization runs
 * utf8proc's decompose/reencode into our own buffer rather than utf8proc_map, which
 * would leave unwiped copies behind, and the record is written into space reserved
 * once, so realloc never copies it.
 */
#include "seal/inventory.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/prefecture.h"

#define CATALOG_RETENTION	{ "カタログの発送まで（最長90日）", \
				  "Until the catalog is posted, at most 90 days" }
#define CATALOG_MAX_AGE		90
#define TD_RETENTION		{ "販売店が予約を受け取るまで（最長90日）", \
				  "Until the dealer has taken the booking, at most 90 days" }
#define TD_MAX_AGE		90	/* slots are offered up to 60 days ahead */
#define CODE_MAX		32	/* model and dealer codes: [a-z0-9-]{1,32} */

const struct inventory_field inventory_fields[INVENTORY_NFIELDS] = {
	[INV_CATALOG_MODELS] = {
		.form = FORM_CATALOG, .name = "models",
		.label = { "車種", "Models" },
		.need = INV_REQUIRED, .max_count = INVENTORY_MAX_MODELS,
		.max_chars = CODE_MAX,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_MODELS,
		.purpose = { "ご希望のカタログを選んでお送りするため",
		    "To know which catalogs to send you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_CATALOG_NAME] = {
		.form = FORM_CATALOG, .name = "name",
		.label = { "お名前", "Name" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 50,
		.norm = INV_NORM_NFC_LINE, .check = INV_CHECK_NAME,
		.autocomplete = "name",
		.purpose = { "カタログの宛名とするため",
		    "To address the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_CATALOG_POSTAL_CODE] = {
		.form = FORM_CATALOG, .name = "postal_code",
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
		.form = FORM_CATALOG, .name = "prefecture",
		.label = { "都道府県", "Prefecture" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 2,
		.norm = INV_NORM_PREFECTURE, .check = INV_CHECK_PREFECTURE,
		.purpose = { "カタログを郵送するため", "To post the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_CATALOG_ADDRESS1] = {
		.form = FORM_CATALOG, .name = "address1",
		.label = { "市区町村・番地", "Address (city, street and number)" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 100,
		.norm = INV_NORM_NFC_LINE, .check = INV_CHECK_ADDRESS,
		.autocomplete = "address-line1",
		.purpose = { "カタログを郵送するため", "To post the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_CATALOG_ADDRESS2] = {
		.form = FORM_CATALOG, .name = "address2",
		.label = { "建物名・部屋番号", "Building and room" },
		.need = INV_OPTIONAL, .max_count = 1, .max_chars = 100,
		.norm = INV_NORM_NFC_LINE, .check = INV_CHECK_ADDRESS,
		.autocomplete = "address-line2",
		.purpose = { "カタログを郵送するため", "To post the catalog to you" },
		.recipient = INV_TO_HQ, .retention = CATALOG_RETENTION,
		.max_age_days = CATALOG_MAX_AGE,
	},
	[INV_TD_MODEL] = {
		.form = FORM_TEST_DRIVE, .name = "model",
		.label = { "試乗する車種", "Model to drive" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = CODE_MAX,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_MODEL,
		.purpose = { "試乗車を用意するため",
		    "To have the demonstration car ready" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE, .in_clear = 1,
	},
	[INV_TD_DEALER] = {
		.form = FORM_TEST_DRIVE, .name = "dealer",
		.label = { "販売店", "Dealer" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = CODE_MAX,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_DEALER,
		.purpose = { "ご希望の販売店に予約を届けるため",
		    "To send the booking to the dealer you chose" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE, .in_clear = 1,
	},
	[INV_TD_SLOT] = {
		.form = FORM_TEST_DRIVE, .name = "slot",
		.label = { "希望日時", "Date and time" },
		.need = INV_REQUIRED, .max_count = 1, .max_chars = 16,
		.norm = INV_NORM_EXACT, .check = INV_CHECK_SLOT,
		.purpose = { "試乗の日時を確保するため",
		    "To reserve the time of your test drive" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE, .in_clear = 1,
	},
	[INV_TD_NAME] = {
		.form = FORM_TEST_DRIVE, .name = "name",
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
		.form = FORM_TEST_DRIVE, .name = "phone",
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
		.form = FORM_TEST_DRIVE, .name = "email",
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
		.form = FORM_TEST_DRIVE, .name = "note",
		.label = { "ご要望", "Note" },
		.need = INV_OPTIONAL, .max_count = 1, .max_chars = 200,
		.norm = INV_NORM_NFC_TEXT, .check = INV_CHECK_NOTE,
		.purpose = { "ご要望に沿って試乗を準備するため",
		    "To prepare the test drive as you ask" },
		.recipient = INV_TO_DEALER, .retention = TD_RETENTION,
		.max_age_days = TD_MAX_AGE,
	},
	[INV_TD_LICENCE] = {
		.form = FORM_TEST_DRIVE, .name = "licence",
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
	    "A one-time key that stops a form being sent twice (not personal data)" } },
	{ INVENTORY_HONEYPOT_NAME, {
	    "自動投稿を見分けるための空欄（入力された送信は破棄します。個人情報ではありません）",
	    "A field people leave empty and spam robots fill in; a filled-in form is "
	    "discarded (not personal data)" } },
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

static const char *const inv_form_titles[FORM_KINDS][LANG_COUNT] = {
	{ "カタログ請求", "Catalog request" },
	{ "試乗予約", "Test drive booking" },
};

static const char *const inv_recipient_text[][LANG_COUNT] = {
	[INV_TO_HQ] = {
	    "本社のカタログ発送担当（委託先を含む）。宛名は配送業者に渡ります。",
	    "HQ catalog fulfilment (in-house or a contractor); the carrier receives "
	    "the address label." },
	[INV_TO_DEALER] = {
	    "お客様が選んだ販売店のみ",
	    "Only the dealer you chose" },
};

static const char *const inv_norm_text[][LANG_COUNT] = {
	[INV_NORM_EXACT] = { "そのまま（選択肢の値）", "Taken as sent (a value from the list)" },
	[INV_NORM_NFC_LINE] = {
	    "Unicode正規化（NFC）。連続する空白は1つにまとめ、前後の空白を除きます",
	    "Unicode NFC; runs of spaces become one space; trimmed" },
	[INV_NORM_NFC_TEXT] = {
	    "Unicode正規化（NFC）。改行はそのまま、前後の空白を除きます",
	    "Unicode NFC; line breaks kept; trimmed" },
	[INV_NORM_NFKC_POSTAL] = {
	    "Unicode正規化（NFKC。全角数字は半角に）。NNN-NNNN の形にそろえます",
	    "Unicode NFKC (full-width digits become ASCII); stored as NNN-NNNN" },
	[INV_NORM_NFKC_PHONE] = {
	    "Unicode正規化（NFKC。全角数字は半角に）。ハイフン・空白・括弧を除き数字だけにします",
	    "Unicode NFKC (full-width digits become ASCII); hyphens, spaces and "
	    "parentheses removed; +81 becomes 0" },
	[INV_NORM_NFC_EMAIL] = {
	    "Unicode正規化（NFC）。全角の英数字・記号は半角に、ドメインは小文字にします",
	    "Unicode NFC; full-width letters and symbols become ASCII; domain lowercased" },
	[INV_NORM_PREFECTURE] = { "JIS X 0401 の2桁のコード", "Two-digit JIS X 0401 code" },
};

static const char *const inv_check_text[INV_CHECKS][LANG_COUNT] = {
	[INV_CHECK_MODELS] = { "掲載中の車種から1〜3つ（重複なし）",
	    "1 to 3 different models from the current line-up" },
	[INV_CHECK_MODEL] = { "掲載中の車種", "A model from the current line-up" },
	[INV_CHECK_DEALER] = { "その車種の試乗車を置いている販売店",
	    "A dealer holding a demonstration car of the model" },
	[INV_CHECK_SLOT] = { "実在する日時（YYYY-MM-DDTHH:MM）。空きは別に確認します",
	    "A real local date and time (YYYY-MM-DDTHH:MM); availability is checked "
	    "separately" },
	[INV_CHECK_NAME] = { "文字・数字・空白と ' - . , / # & ( ) のみ",
	    "Letters, digits, spaces and ' - . , / # & ( ) only" },
	[INV_CHECK_ADDRESS] = { "文字・数字・空白と ' - . , / # & ( ) のみ",
	    "Letters, digits, spaces and ' - . , / # & ( ) only" },
	[INV_CHECK_POSTAL] = { "7桁の数字（NNN-NNNN。ハイフンは省略可）",
	    "7 digits (NNN-NNNN; the hyphen is optional)" },
	[INV_CHECK_PREFECTURE] = { "47都道府県のいずれか", "One of the 47 prefectures" },
	[INV_CHECK_PHONE] = { "0から始まる10桁または11桁の国内の電話番号",
	    "A Japanese number of 10 or 11 digits starting with 0" },
	[INV_CHECK_EMAIL] = { "メールアドレスの形式（254文字まで）",
	    "E-mail address syntax, at most 254 characters" },
	[INV_CHECK_NOTE] = { "自由記述（< と > は使えません）", "Free text (no < or >)" },
	[INV_CHECK_YES] = { "「yes」（有効な運転免許を持っていることの申告）",
	    "\"yes\": you declare that you hold a valid driving licence" },
};

static const char *const inv_input_type[INV_CHECKS] = {
	[INV_CHECK_MODELS] = "checkboxes", [INV_CHECK_MODEL] = "select",
	[INV_CHECK_DEALER] = "select", [INV_CHECK_SLOT] = "slot",
	[INV_CHECK_NAME] = "text", [INV_CHECK_ADDRESS] = "text",
	[INV_CHECK_POSTAL] = "text", [INV_CHECK_PREFECTURE] = "select",
	[INV_CHECK_PHONE] = "tel", [INV_CHECK_EMAIL] = "email",
	[INV_CHECK_NOTE] = "textarea", [INV_CHECK_YES] = "checkbox",
};

/*
 * Messages. Placeholders: {L} the field's label, {F} the field name as sent, {C} the
 * offending character, {M} the limit, {N} the count. Never a value.
 */
static const char *const inv_messages[INV_MSGS][LANG_COUNT] = {
	[INV_MSG_REQUIRED] = { "「{L}」は必須です。", "{L} is required." },
	[INV_MSG_TOO_LONG] = {
	    "「{L}」は{M}文字以内で入力してください（現在{N}文字）。",
	    "{L} must be at most {M} characters (now {N})." },
	[INV_MSG_BAD_CHAR] = {
	    "「{L}」に使えない文字（{C}）が含まれています。",
	    "{L} contains a character that cannot be used here: {C}." },
	[INV_MSG_POSTAL] = {
	    "郵便番号は7桁の数字で入力してください（例: 100-0001）",
	    "Enter the postal code as 7 digits, e.g. 100-0001" },
	[INV_MSG_PREFECTURE] = { "都道府県を選んでください。", "Choose a prefecture." },
	[INV_MSG_PHONE] = {
	    "電話番号は0から始まる10桁または11桁の数字で入力してください（例: 03-1234-5678）",
	    "Enter a Japanese phone number of 10 or 11 digits starting with 0, "
	    "e.g. 03-1234-5678" },
	[INV_MSG_EMAIL] = {
	    "メールアドレスを正しい形式で入力してください（例: taro@example.jp）",
	    "Enter a valid e-mail address, e.g. taro@example.com" },
	[INV_MSG_CONTACT] = {
	    "電話番号かメールアドレスの少なくとも一方を入力してください。",
	    "Enter a phone number or an e-mail address (at least one)." },
	[INV_MSG_SLOT] = { "希望日時を正しく選んでください。",
	    "Choose a valid date and time." },
	[INV_MSG_LICENCE] = {
	    "有効な運転免許をお持ちであることを確認してください。",
	    "Please confirm that you hold a valid driving licence." },
	[INV_MSG_MODEL_UNKNOWN] = { "選ばれた車種は取り扱っていません。",
	    "The chosen model is not in the line-up." },
	[INV_MSG_MODELS_COUNT] = { "車種は1つから3つまで選んでください。",
	    "Choose from 1 to 3 models." },
	[INV_MSG_MODELS_DUP] = { "同じ車種が2回以上選ばれています。",
	    "The same model was chosen more than once." },
	[INV_MSG_DEALER_UNKNOWN] = { "選ばれた販売店は見つかりません。",
	    "The chosen dealer does not exist." },
	[INV_MSG_DEALER_NO_MODEL] = {
	    "この販売店にはご希望の車種の試乗車がありません。",
	    "This dealer has no demonstration car of the chosen model." },
	[INV_MSG_UNKNOWN_FIELD] = {
	    "不明な項目「{F}」が送信されました。この項目は受け付けていません。",
	    "Unknown field \"{F}\": this form does not accept it." },
	[INV_MSG_DUPLICATE_FIELD] = { "項目「{F}」が2回以上送信されました。",
	    "Field \"{F}\" was sent more than once." },
	[INV_MSG_IDEM] = {
	    "フォームの情報が不足しています。ページを再読み込みして、もう一度送信してください。",
	    "The form is incomplete or has expired. Reload the page and send it again." },
};

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

/* ---- Errors ----------------------------------------------------------------- */

/* A length at most o that does not end inside a UTF-8 sequence. */
static size_t
inv_utf8_cut(const char *s, size_t o)
{
	size_t lead = o, need;
	unsigned char c;

	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0)
		return 0;
	c = (unsigned char)s[lead - 1];
	need = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return o - (lead - 1) >= need ? o : lead - 1;
}

/* Writes TMPL with placeholders expanded into dst, always NUL-terminated. */
static void
inv_expand(char *dst, size_t sz, const char *tmpl, const char *label,
    const char *field, const char *ch, size_t max, size_t count)
{
	char num[24];
	const char *sub;
	size_t o = 0, k;

	while (*tmpl != '\0' && o + 1 < sz) {
		sub = NULL;
		if (tmpl[0] == '{' && tmpl[1] != '\0' && tmpl[2] == '}') {
			switch (tmpl[1]) {
			case 'L':
				sub = label;
				break;
			case 'F':
				sub = field;
				break;
			case 'C':
				sub = ch;
				break;
			case 'M':
				snprintf(num, sizeof(num), "%zu", max);
				sub = num;
				break;
			case 'N':
				snprintf(num, sizeof(num), "%zu", count);
				sub = num;
				break;
			default:
				break;
			}
		}
		if (sub == NULL) {
			dst[o++] = *tmpl++;
			continue;
		}
		k = strlen(sub);
		if (k > sz - 1 - o)
			k = sz - 1 - o;
		memcpy(dst + o, sub, k);
		o += k;
		tmpl += 3;
	}
	if (o + 1 == sz)	/* full: maybe truncated */
		o = inv_utf8_cut(dst, o);
	dst[o] = '\0';
}

static struct inventory_error *
inv_add_error(struct inventory_errors *errs, int row, const char *name,
    enum inventory_msg msg, const char *ch, size_t max, size_t count)
{
	struct inventory_error *e;
	int l;

	if (errs->n == INVENTORY_MAX_ERRORS)
		return NULL;
	e = &errs->v[errs->n++];
	memset(e, 0, sizeof(*e));
	e->field = row;
	e->msg = msg;
	snprintf(e->name, sizeof(e->name), "%s", name);
	for (l = 0; l < LANG_COUNT; l++)
		inv_expand(e->text[l], sizeof(e->text[l]), inv_messages[msg][l],
		    row >= 0 ? inventory_fields[row].label[l] : "", name,
		    ch ? ch : "", max, count);
	return e;
}

static void
inv_field_error(struct inventory_errors *errs, int row, enum inventory_msg msg)
{
	inv_add_error(errs, row, inventory_fields[row].name, msg, NULL,
	    inventory_fields[row].max_chars, 0);
}

const char *
inventory_error_for(const struct inventory_errors *errs, int field, enum lang lang)
{
	size_t i;

	if (errs == NULL || (unsigned)lang >= LANG_COUNT)
		return NULL;
	for (i = 0; i < errs->n; i++)
		if (errs->v[i].field == field)
			return errs->v[i].text[lang];
	return NULL;
}

/* ---- Unicode helpers ------------------------------------------------------- */

/*
 * NFC (or NFKC with compat) of s[0..len) into a fresh buffer that out takes over;
 * release it with buf_wipe. Returns 0, -1 when memory runs out, -2 for invalid UTF-8.
 */
static int
inv_normalize(const char *s, size_t len, int compat, struct buf *out)
{
	utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	    (compat ? UTF8PROC_COMPAT : 0);
	utf8proc_int32_t *cp;
	utf8proc_ssize_t n, cap = (utf8proc_ssize_t)len + 8;
	size_t bytes;

	for (;;) {
		bytes = ((size_t)cap + 1) * sizeof(*cp);
		if ((cp = malloc(bytes)) == NULL)
			return -1;
		n = utf8proc_decompose((const utf8proc_uint8_t *)s,
		    (utf8proc_ssize_t)len, cp, cap, opt);
		if (n >= 0 && n <= cap)
			break;
		sodium_memzero(cp, bytes);
		free(cp);
		if (n < 0)
			return n == UTF8PROC_ERROR_NOMEM ? -1 : -2;
		cap = n;	/* too small: utf8proc said how much it needs */
	}
	/* Re-encodes in place, NUL-terminated: the +1 slot above leaves room. */
	if ((n = utf8proc_reencode(cp, n, opt)) < 0) {
		sodium_memzero(cp, bytes);
		free(cp);
		return -2;
	}
	out->data = (char *)cp;
	out->len = (size_t)n;
	out->cap = bytes;
	return 0;
}

/* Decodes the code point at s[*i] (known valid UTF-8) and advances *i. */
static utf8proc_int32_t
inv_next(const char *s, size_t len, size_t *i)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
	    (utf8proc_ssize_t)(len - *i), &cp);
	if (k <= 0) {
		*i = len;	/* cannot happen after normalization; stop safely */
		return -1;
	}
	*i += (size_t)k;
	return cp;
}

static size_t
inv_count_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Unicode White_Space. */
static int
inv_is_space(utf8proc_int32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

static int
inv_is_blank(const struct buf *b)
{
	size_t i = 0;

	while (i < b->len)
		if (!inv_is_space(inv_next(b->data, b->len, &i)))
			return 0;
	return 1;
}

/* Dashes and long vowel marks that people type for the hyphen in numbers. */
static int
inv_is_hyphen(utf8proc_int32_t cp)
{
	return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2043 ||
	    cp == 0x2212 || cp == 0x30fc || cp == 0xff70 || cp == 0xfe63 ||
	    cp == 0xff0d;
}

static int
inv_is_invisible(utf8proc_int32_t cp)
{
	/* ZWNJ and ZWJ shape scripts and emoji; other format characters only hide. */
	if (cp == 0x200c || cp == 0x200d)
		return 0;
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_CF;
}

/* Whether a text field admits cp. Whitespace has been handled by the caller. */
static int
inv_text_char_ok(utf8proc_int32_t cp, enum inventory_check check)
{
	if (cp < 0 || inv_is_invisible(cp))
		return 0;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return check == INV_CHECK_NOTE && (cp == '\n' || cp == '\t');
	if (check == INV_CHECK_NOTE)
		return cp != '<' && cp != '>';
	if (cp >= 0x80 || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= '0' && cp <= '9') || cp == ' ')
		return 1;
	return strchr("'-.,/#&()", (int)cp) != NULL;
}

/* How an offending character is shown: itself when printable ASCII, else U+XXXX. */
static void
inv_char_display(utf8proc_int32_t cp, char *dst, size_t sz)
{
	if (cp > 0x20 && cp < 0x7f)
		snprintf(dst, sz, "\"%c\"", (char)cp);
	else
		snprintf(dst, sz, "U+%04X", (unsigned)cp);
}

/* ---- Field normalizers ----------------------------------------------------- */

/*
 * Name, address and note, in place. One-line fields turn every whitespace run into one
 * space; the note keeps its line breaks and inner spacing. Both are trimmed. Returns
 * 0, or 1 with *bad set to the first character the field does not admit.
 */
static int
inv_clean_text(struct buf *b, enum inventory_check check, utf8proc_int32_t *bad)
{
	size_t r = 0, w = 0, start, end = 0;
	int multiline = check == INV_CHECK_NOTE, gap = 0, space;
	utf8proc_int32_t cp;

	while (r < b->len) {
		start = r;
		cp = inv_next(b->data, b->len, &r);
		/* Controls other than TAB and LF are refused, not taken for blanks. */
		space = inv_is_space(cp) &&
		    (cp >= 0x20 || cp == '\t' || cp == '\n') && cp != 0x85;
		if (!space && !inv_text_char_ok(cp, check)) {
			*bad = cp;
			return 1;
		}
		if (space && w == 0)
			continue;	/* leading */
		if (space && !multiline) {
			gap = 1;
			continue;
		}
		if (gap) {
			b->data[w++] = ' ';
			gap = 0;
		}
		memmove(b->data + w, b->data + start, r - start);
		w += r - start;
		if (!space)
			end = w;
	}
	b->len = end;	/* trailing blanks dropped */
	b->data[end] = '\0';
	return 0;
}

/*
 * Postal code and phone, in place, after NFKC: hyphen look-alikes become '-', the rest
 * must be ASCII. The phone also loses spaces, hyphens and parentheses. Returns 0, or 1
 * when something else is left.
 */
static int
inv_clean_number(struct buf *b, int phone)
{
	size_t r = 0, w = 0;
	utf8proc_int32_t cp;

	while (r < b->len) {
		cp = inv_next(b->data, b->len, &r);
		if (inv_is_hyphen(cp))
			cp = '-';
		if (inv_is_space(cp)) {
			if (phone || w == 0 || r == b->len)
				continue;	/* postal: only around it */
			cp = ' ';
		}
		if (!phone && cp == 0x3012 && w == 0)
			continue;	/* 〒, the postal mark */
		if (phone && (cp == '-' || cp == '(' || cp == ')'))
			continue;
		if (cp < 0x20 || cp >= 0x7f)
			return 1;
		b->data[w++] = (char)cp;
	}
	/* Postal: trailing blanks before the end were copied; drop them. */
	while (w > 0 && b->data[w - 1] == ' ')
		w--;
	b->len = w;
	b->data[w] = '\0';
	return 0;
}

static int
inv_all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* NNNNNNN or NNN-NNNN, rewritten as NNN-NNNN (the buffer has room: it held more). */
static int
inv_postal(struct buf *b)
{
	char *s = b->data;

	if (b->len == 8 && s[3] == '-' && inv_all_digits(s, 3) &&
	    inv_all_digits(s + 4, 4))
		return 0;
	if (b->len != 7 || !inv_all_digits(s, 7) || b->cap < 9)
		return 1;
	memmove(s + 4, s + 3, 4);
	s[3] = '-';
	b->len = 8;
	s[8] = '\0';
	return 0;
}

/* Digits only by now, save a leading "+81" that stands for the leading 0. */
static int
inv_phone(struct buf *b)
{
	char *s = b->data;

	if (b->len > 3 && memcmp(s, "+81", 3) == 0) {
		memmove(s + 1, s + 3, b->len - 3);
		s[0] = '0';
		b->len -= 2;
		s[b->len] = '\0';
	}
	if (b->len < 10 || b->len > 11 || !inv_all_digits(s, b->len))
		return 1;
	return s[0] != '0' || s[1] == '0';	/* 00 is the international prefix */
}

/*
 * E-mail after NFC, in place: full-width ASCII (which Japanese input methods produce)
 * becomes ASCII, and the ideographic space a space; anything else non-ASCII is refused,
 * as most mail systems between here and a dealer do not speak SMTPUTF8.
 * Returns 0, or 1 when a character is not ASCII.
 */
static int
inv_clean_email(struct buf *b)
{
	size_t r = 0, w = 0;
	utf8proc_int32_t cp;

	while (r < b->len) {
		cp = inv_next(b->data, b->len, &r);
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		else if (inv_is_space(cp))
			cp = ' ';
		if (cp < 0x20 || cp >= 0x7f)
			return 1;
		b->data[w++] = (char)cp;
	}
	while (w > 0 && b->data[w - 1] == ' ')
		w--;
	r = 0;
	while (r < w && b->data[r] == ' ')
		r++;
	memmove(b->data, b->data + r, w - r);
	b->len = w - r;
	b->data[b->len] = '\0';
	return 0;
}

static int
inv_is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int
inv_is_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* local@domain: dot-atom local part of at most 64; LDH labels, two or more. */
static int
inv_email(struct buf *b)
{
	char *s = b->data, *at, *label;
	size_t i, llen, dlen, n;
	int labels = 0, digits_only = 1;

	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 1;
	llen = (size_t)(at - s);
	dlen = b->len - llen - 1;
	if (llen == 0 || llen > 64 || dlen == 0 || dlen > 253)
		return 1;
	if (s[0] == '.' || s[llen - 1] == '.')
		return 1;
	for (i = 0; i < llen; i++)
		if (!(inv_is_atext(s[i]) || (s[i] == '.' && s[i + 1] != '.')))
			return 1;
	for (label = at + 1; ; label += n + 1) {
		n = strcspn(label, ".");
		if (n == 0 || n > 63 || label[0] == '-' || label[n - 1] == '-')
			return 1;
		digits_only = 1;
		for (i = 0; i < n; i++) {
			if (!inv_is_ldh(label[i]))
				return 1;
			if (label[i] >= 'A' && label[i] <= 'Z')
				label[i] += 'a' - 'A';
			if (label[i] < '0' || label[i] > '9')
				digits_only = 0;
		}
		labels++;
		if (label[n] == '\0')
			break;
	}
	return labels < 2 || digits_only;	/* a top-level domain is never numeric */
}

static int
inv_code_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > CODE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return 0;
	return 1;
}

static int
inv_num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "YYYY-MM-DDTHH:MM", a date and time that exists (years 2000..9999). */
static int
inv_slot_ok(const char *s, size_t n)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, dim;

	if (n != 16 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    !inv_all_digits(s, 4) || !inv_all_digits(s + 5, 2) ||
	    !inv_all_digits(s + 8, 2) || !inv_all_digits(s + 11, 2) ||
	    !inv_all_digits(s + 14, 2))
		return 0;
	y = inv_num(s, 4);
	m = inv_num(s + 5, 2);
	d = inv_num(s + 8, 2);
	if (y < 2000 || m < 1 || m > 12)
		return 0;
	dim = mdays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		dim = 29;
	return d >= 1 && d <= dim && inv_num(s + 11, 2) <= 23 &&
	    inv_num(s + 14, 2) <= 59;
}

/* "1".."47" or "01".."47"; returns the code or 0. */
static int
inv_prefecture_code(const char *s, size_t n)
{
	int v;

	if (n < 1 || n > 2 || !inv_all_digits(s, n))
		return 0;
	v = inv_num(s, n);
	return v >= 1 && v <= PREFECTURE_COUNT ? v : 0;
}

/* ---- Validation -------------------------------------------------------------- */

/*
 * Field checkers return a message id (0..INV_MSGS-1) for a problem the caller reports,
 * INV_GOOD when the value is fine (stored, or absent), INV_DONE when they reported the
 * problem themselves, or -1 when memory ran out.
 */
#define INV_GOOD	INV_MSGS
#define INV_DONE	(-2)

struct inv_ctx {
	const struct form		*form;
	const struct inventory_refs	*refs;
	struct inventory_values		*out;
	struct inventory_errors		*errs;
};

static int
inv_store(struct inventory_value *val, const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return -1;
	memcpy(p, s, n);
	p[n] = '\0';
	val->v[val->n++] = p;
	return 0;
}

static int
inv_ref(int (*fn)(void *, const char *), void *arg, const char *code)
{
	return fn != NULL && fn(arg, code);
}

/* Values of ROW as sent, skipping empty ones; returns how many (at most max). */
static size_t
inv_collect(const struct form *f, int row, const struct form_pair **v, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < f->n && n < max; i++)
		if (f->v[i].len > 0 &&
		    strcmp(f->v[i].name, inventory_fields[row].name) == 0)
			v[n++] = &f->v[i];
	return n;
}

static int
inv_models(struct inv_ctx *c, int row)
{
	const struct form_pair *v[FORM_MAX_PAIRS];
	struct inventory_value *val = &c->out->f[row];
	size_t n, i, j;

	n = inv_collect(c->form, row, v, FORM_MAX_PAIRS);
	if (n == 0) {
		inv_field_error(c->errs, row, INV_MSG_REQUIRED);
		return 0;
	}
	if (n > inventory_fields[row].max_count) {
		inv_field_error(c->errs, row, INV_MSG_MODELS_COUNT);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!inv_code_ok(v[i]->value, v[i]->len) ||
		    !inv_ref(c->refs->model_exists, c->refs->arg, v[i]->value)) {
			inv_field_error(c->errs, row, INV_MSG_MODEL_UNKNOWN);
			return 0;
		}
		for (j = 0; j < i; j++)
			if (strcmp(v[i]->value, v[j]->value) == 0) {
				inv_field_error(c->errs, row, INV_MSG_MODELS_DUP);
				return 0;
			}
	}
	for (i = 0; i < n; i++)
		if (inv_store(val, v[i]->value, v[i]->len) == -1)
			return -1;
	return 0;
}

/* Fields taken exactly as sent: codes, slot, prefecture, licence. */
static int
inv_exact(struct inv_ctx *c, int row, const struct form_pair *p)
{
	const struct inventory_field *f = &inventory_fields[row];
	const struct inventory_refs *r = c->refs;
	char two[3];
	int code;

	switch (f->check) {
	case INV_CHECK_MODEL:
		if (!inv_code_ok(p->value, p->len) ||
		    !inv_ref(r->model_exists, r->arg, p->value))
			return INV_MSG_MODEL_UNKNOWN;
		break;
	case INV_CHECK_DEALER:
		if (!inv_code_ok(p->value, p->len) ||
		    !inv_ref(r->dealer_exists, r->arg, p->value))
			return INV_MSG_DEALER_UNKNOWN;
		break;
	case INV_CHECK_SLOT:
		if (!inv_slot_ok(p->value, p->len))
			return INV_MSG_SLOT;
		break;
	case INV_CHECK_YES:
		if (p->len != 3 || memcmp(p->value, "yes", 3) != 0)
			return INV_MSG_LICENCE;
		break;
	case INV_CHECK_PREFECTURE:
		if ((code = inv_prefecture_code(p->value, p->len)) == 0 ||
		    !(r->prefecture_exists ? r->prefecture_exists(r->arg, code) :
		    prefecture_valid(code)))
			return INV_MSG_PREFECTURE;
		snprintf(two, sizeof(two), "%02d", code);
		return inv_store(&c->out->f[row], two, 2) == -1 ? -1 : INV_GOOD;
	default:
		return INV_MSG_REQUIRED;	/* a table error: refuse */
	}
	return inv_store(&c->out->f[row], p->value, p->len) == -1 ? -1 : INV_GOOD;
}

/* Fields that are normalized first; a value that normalizes to nothing is absent. */
static int
inv_normalized(struct inv_ctx *c, int row, const struct form_pair *p,
    utf8proc_int32_t *bad)
{
	const struct inventory_field *f = &inventory_fields[row];
	struct buf b = BUF_INIT;
	int rc, blank, compat = f->norm == INV_NORM_NFKC_POSTAL ||
	    f->norm == INV_NORM_NFKC_PHONE;
	size_t chars;

	if ((rc = inv_normalize(p->value, p->len, compat, &b)) != 0)
		return rc == -1 ? -1 : INV_MSG_BAD_CHAR;	/* decoder let it by */
	/* Numbers that clean down to nothing ("()", "-") were still typed: wrong. */
	blank = inv_is_blank(&b);
	switch (f->check) {
	case INV_CHECK_NAME:
	case INV_CHECK_ADDRESS:
	case INV_CHECK_NOTE:
		rc = inv_clean_text(&b, f->check, bad) ? INV_MSG_BAD_CHAR : INV_GOOD;
		break;
	case INV_CHECK_POSTAL:
		rc = inv_clean_number(&b, 0) || (b.len == 0 && !blank) ||
		    (b.len > 0 && inv_postal(&b)) ?
		    INV_MSG_POSTAL : INV_GOOD;
		break;
	case INV_CHECK_PHONE:
		rc = inv_clean_number(&b, 1) || (b.len == 0 && !blank) ||
		    (b.len > 0 && inv_phone(&b)) ?
		    INV_MSG_PHONE : INV_GOOD;
		break;
	case INV_CHECK_EMAIL:
		/* Too long is reported below, with the count, before the syntax. */
		rc = inv_clean_email(&b) || (b.len > 0 && b.len <= f->max_chars &&
		    inv_email(&b)) ? INV_MSG_EMAIL : INV_GOOD;
		break;
	default:
		rc = INV_MSG_REQUIRED;	/* a table error: refuse */
		break;
	}
	if (rc == INV_GOOD && (chars = inv_count_chars(b.data, b.len)) >
	    f->max_chars) {
		inv_add_error(c->errs, row, f->name, INV_MSG_TOO_LONG, NULL,
		    f->max_chars, chars);
		rc = INV_DONE;
	} else if (rc == INV_GOOD && b.len > 0 &&
	    inv_store(&c->out->f[row], b.data, b.len) == -1)
		rc = -1;
	buf_wipe(&b);
	return rc;
}

static int
inv_single(struct inv_ctx *c, int row)
{
	const struct inventory_field *f = &inventory_fields[row];
	const struct form_pair *p;
	utf8proc_int32_t bad = 0;
	char ch[16];
	int rc;

	if (inv_collect(c->form, row, &p, 1) == 0)
		rc = INV_GOOD;	/* absent: checked below */
	else if (f->norm == INV_NORM_EXACT || f->norm == INV_NORM_PREFECTURE)
		rc = inv_exact(c, row, p);
	else
		rc = inv_normalized(c, row, p, &bad);
	if (rc == -1)
		return -1;
	if (rc == INV_MSG_BAD_CHAR) {
		inv_char_display(bad, ch, sizeof(ch));
		inv_add_error(c->errs, row, f->name, INV_MSG_BAD_CHAR, ch, 0, 0);
	} else if (rc >= 0 && rc < INV_MSGS)
		inv_field_error(c->errs, row, (enum inventory_msg)rc);
	else if (rc == INV_GOOD && c->out->f[row].n == 0 && f->need == INV_REQUIRED)
		inv_field_error(c->errs, row, f->check == INV_CHECK_YES ?
		    INV_MSG_LICENCE : f->check == INV_CHECK_PREFECTURE ?
		    INV_MSG_PREFECTURE : INV_MSG_REQUIRED);
	return 0;
}

static int
inv_has_error(const struct inventory_errors *errs, int row)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		if (errs->v[i].field == row)
			return 1;
	return 0;
}

/* INV_ONE_OF groups: at least one member has a value, unless one was already wrong. */
static void
inv_groups(struct inv_ctx *c, enum form_kind kind)
{
	const struct inventory_field *f, *g;
	int i, j, first, any;

	for (i = 0; i < INVENTORY_NFIELDS; i++) {
		f = &inventory_fields[i];
		if (f->form != kind || f->need != INV_ONE_OF)
			continue;
		first = -1;
		any = 0;
		for (j = 0; j < INVENTORY_NFIELDS; j++) {
			g = &inventory_fields[j];
			if (g->form != kind || g->need != INV_ONE_OF ||
			    strcmp(g->group, f->group) != 0)
				continue;
			if (first == -1)
				first = j;
			if (c->out->f[j].n > 0 || inv_has_error(c->errs, j))
				any = 1;
		}
		if (first == i && !any)
			inv_field_error(c->errs, i, INV_MSG_CONTACT);
	}
}

/* The dealer must hold a demonstration car of the chosen model. */
static void
inv_dealer_model(struct inv_ctx *c)
{
	const char *dealer = c->out->f[INV_TD_DEALER].v[0];
	const char *model = c->out->f[INV_TD_MODEL].v[0];

	if (dealer == NULL || model == NULL)
		return;
	if (c->refs->dealer_has_model == NULL ||
	    !c->refs->dealer_has_model(c->refs->arg, dealer, model))
		inv_field_error(c->errs, INV_TD_DEALER, INV_MSG_DEALER_NO_MODEL);
}

/* Unknown names, and repeats of fields that do not repeat: the request is refused. */
static int
inv_structure(const struct form *f, enum form_kind kind, struct inventory_errors *errs)
{
	size_t i, j;
	int row, bad = 0, seen;

	for (i = 0; i < f->n; i++) {
		if (!inventory_accepts(kind, f->v[i].name)) {
			inv_add_error(errs, -1, f->v[i].name, INV_MSG_UNKNOWN_FIELD,
			    NULL, 0, 0);
			bad = 1;
			continue;
		}
		row = inventory_find(kind, f->v[i].name);
		if (row != -1 && inventory_fields[row].max_count > 1)
			continue;
		for (seen = 0, j = 0; j < i; j++)
			if (strcmp(f->v[j].name, f->v[i].name) == 0)
				seen++;
		if (seen == 1) {	/* report each name once */
			inv_add_error(errs, -1, f->v[i].name,
			    INV_MSG_DUPLICATE_FIELD, NULL, 0, 0);
			bad = 1;
		} else if (seen > 1)
			bad = 1;
	}
	return bad;
}

static int
inv_idem_ok(const char *s, size_t n)
{
	size_t i;

	if (s == NULL || n < INVENTORY_IDEM_MIN || n > INVENTORY_IDEM_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

enum inventory_result
inventory_validate(enum form_kind kind, const struct form *form,
    const struct inventory_refs *refs, struct inventory_values *out,
    struct inventory_errors *errs)
{
	struct inv_ctx c = { form, refs, out, errs };
	const char *hp, *idem;
	int row;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	errs->n = 0;
	if ((unsigned)kind >= FORM_KINDS || form == NULL || refs == NULL)
		return INVENTORY_ERROR;
	if (inv_structure(form, kind, errs))
		return INVENTORY_REJECT;
	if ((hp = form_get(form, INVENTORY_HONEYPOT_NAME)) != NULL && hp[0] != '\0')
		return INVENTORY_HONEYPOT;
	idem = form_get(form, INVENTORY_IDEM);
	if (!inv_idem_ok(idem, idem ? strlen(idem) : 0)) {
		inv_add_error(errs, -1, INVENTORY_IDEM, INV_MSG_IDEM, NULL, 0, 0);
		return INVENTORY_REJECT;
	}
	for (row = 0; row < INVENTORY_NFIELDS; row++) {
		if (inventory_fields[row].form != kind)
			continue;
		if ((inventory_fields[row].check == INV_CHECK_MODELS ?
		    inv_models(&c, row) : inv_single(&c, row)) == -1) {
			inventory_values_free(out);
			return INVENTORY_ERROR;
		}
	}
	inv_groups(&c, kind);
	if (kind == FORM_TEST_DRIVE)
		inv_dealer_model(&c);
	if (errs->n > 0) {
		inventory_values_free(out);
		return INVENTORY_INVALID;
	}
	snprintf(out->idem, sizeof(out->idem), "%s", idem);
	return INVENTORY_OK;
}

void
inventory_values_free(struct inventory_values *vals)
{
	enum form_kind kind = vals->kind;
	size_t i, j;

	for (i = 0; i < INVENTORY_NFIELDS; i++)
		for (j = 0; j < vals->f[i].n && j < INVENTORY_MAX_MODELS; j++) {
			if (vals->f[i].v[j] == NULL)
				continue;
			sodium_memzero(vals->f[i].v[j], strlen(vals->f[i].v[j]));
			free(vals->f[i].v[j]);
		}
	sodium_memzero(vals, sizeof(*vals));
	vals->kind = kind;
}

const char *
inventory_get(const struct inventory_values *vals, enum inventory_field_id row)
{
	if ((unsigned)row >= INVENTORY_NFIELDS || vals->f[row].n == 0)
		return NULL;
	return vals->f[row].v[0];
}

/* ---- The record ---------------------------------------------------------------- */

/* Writes into p when it is set; always counts. Two passes: measure, then write. */
struct inv_emit {
	char	*p;
	size_t	 n;
};

static void
inv_emit(struct inv_emit *e, const char *s, size_t n)
{
	if (e->p != NULL)
		memcpy(e->p + e->n, s, n);
	e->n += n;
}

static void
inv_emit_str(struct inv_emit *e, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6];
	unsigned char ch;

	inv_emit(e, "\"", 1);
	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			inv_emit(e, esc, 2);
		} else if (ch == '\n')
			inv_emit(e, "\\n", 2);
		else if (ch == '\t')
			inv_emit(e, "\\t", 2);
		else if (ch < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 0xf];
			inv_emit(e, esc, 6);
		} else
			inv_emit(e, s, 1);
	}
	inv_emit(e, "\"", 1);
}

struct inv_key {
	const char	*key;
	int		 row;	/* -1 "kind", -2 "v" */
};

static int
inv_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct inv_key *)a)->key,
	    ((const struct inv_key *)b)->key);
}

static void
inv_emit_record(struct inv_emit *e, const struct inventory_values *vals,
    const struct inv_key *keys, size_t nkeys)
{
	const struct inventory_value *val;
	size_t i, j;

	inv_emit(e, "{", 1);
	for (i = 0; i < nkeys; i++) {
		if (i > 0)
			inv_emit(e, ",", 1);
		inv_emit_str(e, keys[i].key);
		inv_emit(e, ":", 1);
		if (keys[i].row == -2) {
			inv_emit(e, "1", 1);
			continue;
		}
		if (keys[i].row == -1) {
			inv_emit_str(e, inv_kind_names[vals->kind]);
			continue;
		}
		val = &vals->f[keys[i].row];
		if (inventory_fields[keys[i].row].max_count == 1) {
			inv_emit_str(e, val->v[0]);
			continue;
		}
		inv_emit(e, "[", 1);
		for (j = 0; j < val->n; j++) {
			if (j > 0)
				inv_emit(e, ",", 1);
			inv_emit_str(e, val->v[j]);
		}
		inv_emit(e, "]", 1);
	}
	inv_emit(e, "}", 1);
}

int
inventory_record_json(enum form_kind kind, const struct inventory_values *vals,
    struct buf *out)
{
	struct inv_key keys[INVENTORY_NFIELDS + 2];
	struct inv_emit e = { NULL, 0 };
	size_t nkeys = 0, padded;
	int row;

	if ((unsigned)kind >= FORM_KINDS || vals->kind != kind)
		return -1;
	keys[nkeys++] = (struct inv_key){ "kind", -1 };
	keys[nkeys++] = (struct inv_key){ "v", -2 };
	for (row = 0; row < INVENTORY_NFIELDS; row++)
		if (inventory_fields[row].form == kind && vals->f[row].n > 0)
			keys[nkeys++] = (struct inv_key){ inventory_fields[row].name,
			    row };
	qsort(keys, nkeys, sizeof(keys[0]), inv_key_cmp);

	inv_emit_record(&e, vals, keys, nkeys);
	padded = (e.n + 255) / 256 * 256;
	if (buf_reserve(out, padded) == -1)
		return -1;
	e.p = out->data + out->len;
	e.n = 0;
	inv_emit_record(&e, vals, keys, nkeys);
	memset(e.p + e.n, ' ', padded - e.n);
	out->len += padded;
	out->data[out->len] = '\0';
	return 0;
}

/* ---- Views ----------------------------------------------------------------- */

static json_t *
inv_privacy_field(const struct inventory_field *f, enum lang l)
{
	static const char *const need_text[][LANG_COUNT] = {
		[INV_OPTIONAL] = { "任意", "Optional" },
		[INV_REQUIRED] = { "必須", "Required" },
		[INV_ONE_OF] = { "電話番号かメールアドレスのどちらかが必須",
		    "A phone number or an e-mail address is required" },
	};
	static const char *const clear_text[LANG_COUNT] = {
		"予約枠（販売店・車種・日時）として、お名前などと結び付けずに暗号化せず保存します",
		"Also kept unencrypted as the booking slot (dealer, model, time), "
		"without your name or contact details",
	};

	return json_pack("{s:s, s:s, s:b, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, "
	    "s:b, s:s?}",
	    "name", f->name,
	    "label", f->label[l],
	    "required", f->need == INV_REQUIRED,
	    "required_text", need_text[f->need][l],
	    "max_chars", (json_int_t)f->max_chars,
	    "normalization", inv_norm_text[f->norm][l],
	    "validation", inv_check_text[f->check][l],
	    "purpose", f->purpose[l],
	    "recipient", inv_recipient_text[f->recipient][l],
	    "retention", f->retention[l],
	    "max_age_days", (json_int_t)f->max_age_days,
	    "in_clear", f->in_clear,
	    "in_clear_text", f->in_clear ? clear_text[l] : NULL);
}

static json_t *
inv_privacy_form(enum form_kind kind, enum lang l)
{
	const struct inventory_field *first = NULL;
	json_t *fields, *o;
	int i;

	if ((fields = json_array()) == NULL)
		return NULL;
	for (i = 0; i < INVENTORY_NFIELDS; i++) {
		if (inventory_fields[i].form != kind)
			continue;
		if (first == NULL)
			first = &inventory_fields[i];
		if (json_array_append_new(fields,
		    inv_privacy_field(&inventory_fields[i], l)) == -1) {
			json_decref(fields);
			return NULL;
		}
	}
	if (first == NULL) {
		json_decref(fields);
		return NULL;
	}
	/* json_pack's "o" takes the reference even when packing fails. */
	o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}",
	    "kind", inv_kind_names[kind],
	    "title", inv_form_titles[kind][l],
	    "recipient", inv_recipient_text[first->recipient][l],
	    "retention", first->retention[l],
	    "max_age_days", (json_int_t)first->max_age_days,
	    "fields", fields);
	return o;
}

json_t *
inventory_privacy_view(enum lang l)
{
	json_t *forms = NULL, *tech = NULL;
	int k;
	size_t i;

	if ((unsigned)l >= LANG_COUNT)
		return NULL;
	if ((forms = json_array()) == NULL || (tech = json_array()) == NULL)
		goto fail;
	for (k = 0; k < FORM_KINDS; k++)
		if (json_array_append_new(forms, inv_privacy_form(k, l)) == -1)
			goto fail;
	for (i = 0; i < INVENTORY_NTECH; i++)
		if (json_array_append_new(tech, json_pack("{s:s, s:s}",
		    "name", inventory_tech_fields[i].name,
		    "purpose", inventory_tech_fields[i].purpose[l])) == -1)
			goto fail;
	return json_pack("{s:s, s:o, s:o}", "lang", lang_code(l),
	    "forms", forms, "technical", tech);
fail:
	json_decref(forms);
	json_decref(tech);
	return NULL;
}

/* One field of the form view; the visitor's input as sent, when there is a form. */
static json_t *
inv_form_field(int row, enum lang l, const struct form *form,
    const struct inventory_errors *errs)
{
	const struct inventory_field *f = &inventory_fields[row];
	json_t *values, *o;
	const char *first = NULL;
	size_t i;

	if ((values = json_array()) == NULL)
		return NULL;
	for (i = 0; form != NULL && i < form->n; i++) {
		if (strcmp(form->v[i].name, f->name) != 0)
			continue;
		if (first == NULL)
			first = form->v[i].value;
		if (json_array_append_new(values, json_stringn(form->v[i].value,
		    form->v[i].len)) == -1) {
			json_decref(values);
			return NULL;
		}
	}
	o = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:s?, s:s, s:o, s:s?}",
	    "name", f->name,
	    "label", f->label[l],
	    "input", inv_input_type[f->check],
	    "required", f->need == INV_REQUIRED,
	    "max_chars", (json_int_t)f->max_chars,
	    /* what may be typed: hyphens, spaces and 〒 go before the stored limit applies */
	    "input_chars", (json_int_t)(f->input_chars > f->max_chars ? f->input_chars :
	    f->max_chars),
	    "autocomplete", f->autocomplete,
	    "value", first ? first : "",
	    "values", values,
	    "error", inventory_error_for(errs, row, l));
	return o;
}

json_t *
inventory_form_view(enum form_kind kind, enum lang l, const struct form *form,
    const struct inventory_errors *errs)
{
	json_t *fields = NULL, *msgs = NULL;
	const char *idem = form ? form_get(form, INVENTORY_IDEM) : NULL;
	size_t i;
	int row;

	if ((unsigned)kind >= FORM_KINDS || (unsigned)l >= LANG_COUNT)
		return NULL;
	if ((fields = json_array()) == NULL || (msgs = json_array()) == NULL)
		goto fail;
	for (row = 0; row < INVENTORY_NFIELDS; row++)
		if (inventory_fields[row].form == kind &&
		    json_array_append_new(fields,
		    inv_form_field(row, l, form, errs)) == -1)
			goto fail;
	for (i = 0; errs != NULL && i < errs->n; i++)
		if (errs->v[i].field == -1 && json_array_append_new(msgs,
		    json_string(errs->v[i].text[l])) == -1)
			goto fail;
	if (idem != NULL && !inv_idem_ok(idem, strlen(idem)))
		idem = NULL;
	return json_pack("{s:s, s:s, s:o, s:o, s:s?}",
	    "kind", inv_kind_names[kind], "title", inv_form_titles[kind][l],
	    "fields", fields, "errors", msgs, "idem", idem);
fail:
	json_decref(fields);
	json_decref(msgs);
	return NULL;
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
	return NULL;
}

/* Every message, with every label and the longest field name, fits its buffer. */
static int
inv_messages_fit(void)
{
	struct inventory_error e;
	char longest[FORM_MAX_NAME + 1];
	int r, m, l;

	memset(longest, 'x', FORM_MAX_NAME);
	longest[FORM_MAX_NAME] = '\0';
	for (r = 0; r < INVENTORY_NFIELDS; r++)
		for (m = 0; m < INV_MSGS; m++)
			for (l = 0; l < LANG_COUNT; l++) {
				inv_expand(e.text[l], sizeof(e.text[l]),
				    inv_messages[m][l], inventory_fields[r].label[l],
				    longest, "U+10FFFF", FORM_MAX_VALUE, FORM_MAX_VALUE);
				if (strlen(e.text[l]) + 1 >= sizeof(e.text[l]))
					return 0;
			}
	return 1;
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
		    !inv_texts_ok(inventory_tech_fields[i].purpose)) {
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

json_t *
inventory_policy_view(enum form_kind kind, enum lang l)
{
	json_t *view = inventory_privacy_view(l), *forms, *f, *out = NULL;
	const char *name = inventory_kind_name(kind);
	size_t i;

	forms = json_object_get(view, "forms");
	json_array_foreach(forms, i, f)
		if (strcmp(json_string_value(json_object_get(f, "kind")), name) == 0) {
			out = json_incref(f);
			break;
		}
	json_decref(view);
	return out;
}
