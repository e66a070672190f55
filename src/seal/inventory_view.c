/*
 * The views of the inventory table: the privacy page, one form's policy and the form
 * to render. See inventory.h.
 */
#include "seal/inventory.h"

#include <string.h>

#include "seal/inventory_int.h"

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
	    "文字の表記をそろえ、続けて入力された空白は1つに、前後の空白は取り除きます",
	    "Unicode NFC; runs of spaces become one space; trimmed" },
	[INV_NORM_NFC_TEXT] = {
	    "文字の表記をそろえ、前後の空白を取り除きます（改行はそのまま）",
	    "Unicode NFC; line breaks kept; trimmed" },
	[INV_NORM_NFKC_POSTAL] = {
	    "全角の数字は半角に直し、「123-4567」の形にそろえます",
	    "Unicode NFKC (full-width digits become ASCII); stored as NNN-NNNN" },
	[INV_NORM_NFKC_PHONE] = {
	    "全角の数字は半角に直し、ハイフン・空白・かっこを除いて数字だけにします（+81 は 0 に）",
	    "Unicode NFKC (full-width digits become ASCII); hyphens, spaces and "
	    "parentheses removed; +81 becomes 0" },
	[INV_NORM_NFC_EMAIL] = {
	    "全角の英数字・記号は半角に直し、@より後ろは小文字にそろえます",
	    "Unicode NFC; full-width letters and symbols become ASCII; domain lowercased" },
	[INV_NORM_PREFECTURE] = { "都道府県の番号（01〜47）で保存します",
	    "Stored as the prefecture's two-digit code (JIS X 0401)" },
};

static const char *const inv_check_text[INV_CHECKS][LANG_COUNT] = {
	[INV_CHECK_MODELS] = { "掲載中の車種から1〜3つ（重複なし）",
	    "1 to 3 different models from the current line-up" },
	[INV_CHECK_MODEL] = { "掲載中の車種", "A model from the current line-up" },
	[INV_CHECK_DEALER] = { "その車種の試乗車を置いている販売店",
	    "A dealer holding a demonstration car of the model" },
	[INV_CHECK_SLOT] = { "実在する日時（例: 2026-12-10T10:00）。空きは別に確認します",
	    "A real local date and time (YYYY-MM-DDTHH:MM); availability is checked "
	    "separately" },
	[INV_CHECK_NAME] = { "文字・数字・空白と ' - . , / # & ( ) のみ",
	    "Letters, digits, spaces and ' - . , / # & ( ) only" },
	[INV_CHECK_ADDRESS] = { "文字・数字・空白と ' - . , / # & ( ) のみ",
	    "Letters, digits, spaces and ' - . , / # & ( ) only" },
	[INV_CHECK_POSTAL] = { "7桁の数字（例: 100-0001。ハイフンは省略可）",
	    "7 digits (NNN-NNNN; the hyphen is optional)" },
	[INV_CHECK_PREFECTURE] = { "47都道府県のいずれか", "One of the 47 prefectures" },
	[INV_CHECK_PHONE] = { "0から始まる10桁または11桁の国内の電話番号",
	    "A Japanese number of 10 or 11 digits starting with 0" },
	[INV_CHECK_EMAIL] = { "メールアドレスの形式（254文字まで）",
	    "E-mail address syntax, at most 254 characters" },
	[INV_CHECK_NOTE] = { "自由記述（< と > は使えません）", "Free text (no < or >)" },
	[INV_CHECK_YES] = { "チェックあり（有効な運転免許を持っていることの申告）",
	    "\"yes\": you declare that you hold a valid driving licence" },
};

/* The same for a field printed on a carrier's label (on_label). */
static const char *const inv_check_label_text[INV_CHECKS][LANG_COUNT] = {
	[INV_CHECK_NAME] = {
	    "文字・数字・空白と ' - . , / # & ( ) のみ。配送ラベルに印刷できる文字"
	    "（CP932 の文字。絵文字や𠮷などは使えません）に限ります",
	    "Letters, digits, spaces and ' - . , / # & ( ) only, and only characters a "
	    "shipping label can print (those of CP932, Japanese Shift_JIS: no emoji)" },
	[INV_CHECK_ADDRESS] = {
	    "文字・数字・空白と ' - . , / # & ( ) のみ。配送ラベルに印刷できる文字"
	    "（CP932 の文字。絵文字や𠮷などは使えません）に限ります",
	    "Letters, digits, spaces and ' - . , / # & ( ) only, and only characters a "
	    "shipping label can print (those of CP932, Japanese Shift_JIS: no emoji)" },
};

static const char *const inv_input_type[INV_CHECKS] = {
	[INV_CHECK_MODELS] = "checkboxes", [INV_CHECK_MODEL] = "select",
	[INV_CHECK_DEALER] = "select", [INV_CHECK_SLOT] = "slot",
	[INV_CHECK_NAME] = "text", [INV_CHECK_ADDRESS] = "text",
	[INV_CHECK_POSTAL] = "text", [INV_CHECK_PREFECTURE] = "select",
	[INV_CHECK_PHONE] = "tel", [INV_CHECK_EMAIL] = "email",
	[INV_CHECK_NOTE] = "textarea", [INV_CHECK_YES] = "checkbox",
};

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

	return json_pack("{s:s, s:s, s:b, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, "
	    "s:I, s:b, s:s?}",
	    "name", f->name,
	    "label", f->label[l],
	    "required", f->need == INV_REQUIRED,
	    "required_text", need_text[f->need][l],
	    "max_chars", (json_int_t)f->max_chars,
	    "max_count", (json_int_t)f->max_count,
	    "normalization", inv_norm_text[f->norm][l],
	    "validation", f->on_label ? inv_check_label_text[f->check][l] :
	    inv_check_text[f->check][l],
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
	    "kind", inventory_kind_name(kind),
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
		if (json_array_append_new(tech, json_pack("{s:s, s:s, s:s}",
		    "name", inventory_tech_fields[i].name,
		    "label", inventory_tech_fields[i].label[l],
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
	o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:s?, s:s, s:o, s:s?}",
	    "name", f->name,
	    "label", f->label[l],
	    "input", inv_input_type[f->check],
	    "required", f->need == INV_REQUIRED,
	    "one_of", f->need == INV_ONE_OF,
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
	    "kind", inventory_kind_name(kind), "title", inv_form_titles[kind][l],
	    "fields", fields, "errors", msgs, "idem", idem);
fail:
	json_decref(fields);
	json_decref(msgs);
	return NULL;
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
