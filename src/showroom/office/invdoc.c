/* The data inventory in both languages, from the privacy page's view; see invdoc.h. */
#include "showroom/office/invdoc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "seal/inventory.h"

/* The keys of the privacy view whose values are prose in the page's language. */
static const char *const invdoc_text_keys[] = {
	"title", "recipient", "retention", "label", "required_text", "normalization",
	"validation", "purpose", "in_clear_text",
};

static int
invdoc_is_text_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(invdoc_text_keys) / sizeof(invdoc_text_keys[0]); i++)
		if (strcmp(key, invdoc_text_keys[i]) == 0)
			return 1;
	return 0;
}

static json_t *invdoc_merge(const json_t *ja, const json_t *en);

/* Prose becomes {"ja","en"}; everything else is the same in both views. */
static json_t *
invdoc_merge_object(const json_t *ja, const json_t *en)
{
	const char *key;
	json_t *out, *v, *m;

	if ((out = json_object()) == NULL)
		return NULL;
	json_object_foreach((json_t *)(uintptr_t)ja, key, v) {
		if (invdoc_is_text_key(key) && (json_is_string(v) || json_is_null(v)))
			m = json_is_null(v) ? json_null() : json_pack("{s:O, s:O}", "ja", v,
			    "en", json_object_get(en, key));
		else
			m = invdoc_merge(v, json_object_get(en, key));
		if (json_object_set_new(out, key, m) == -1) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static json_t *
invdoc_merge(const json_t *ja, const json_t *en)
{
	json_t *out;
	size_t i;

	if (json_is_object(ja))
		return invdoc_merge_object(ja, en);
	if (!json_is_array(ja))
		return json_deep_copy(ja);
	if ((out = json_array()) == NULL)
		return NULL;
	for (i = 0; i < json_array_size(ja); i++)
		if (json_array_append_new(out, invdoc_merge(json_array_get(ja, i),
		    json_array_get(en, i))) == -1) {
			json_decref(out);
			return NULL;
		}
	return out;
}

json_t *
invdoc_new(void)
{
	json_t *ja = inventory_privacy_view(LANG_JA), *en = inventory_privacy_view(LANG_EN);
	json_t *doc = NULL;

	if (ja != NULL && en != NULL)
		doc = json_pack("{s:s, s:i, s:o, s:o}", "format", "showroom-inventory",
		    "version", 1,
		    "forms", invdoc_merge(json_object_get(ja, "forms"),
		    json_object_get(en, "forms")),
		    "technical", invdoc_merge(json_object_get(ja, "technical"),
		    json_object_get(en, "technical")));
	json_decref(ja);
	json_decref(en);
	return doc;
}

json_t *
invdoc_form(const json_t *doc, const char *kind)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(doc, "forms"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "kind")), kind) == 0)
			return f;
	return NULL;
}

const char *
invdoc_text(const json_t *v, enum lang l)
{
	const char *s = json_string_value(json_object_get(v, lang_code(l)));

	return s != NULL ? s : "";
}

void
invdoc_limits(const json_t *field, enum lang l, char *out, size_t outsz)
{
	long long chars = json_integer_value(json_object_get(field, "max_chars"));
	long long count = json_integer_value(json_object_get(field, "max_count"));

	if (count > 1)
		snprintf(out, outsz, l == LANG_JA ? "1〜%lld個（各%lld文字まで）" :
		    "1 to %lld values of at most %lld characters", count, chars);
	else
		snprintf(out, outsz, l == LANG_JA ? "%lld文字まで" : "at most %lld characters",
		    chars);
}

int
invdoc_md_cell(struct buf *out, const char *text)
{
	const char *p;
	int rc = 0;

	for (p = text; *p != '\0' && rc == 0; p++) {
		if (*p == '|')
			rc = buf_puts(out, "\\|");
		else if (*p == '\n' || *p == '\r')
			rc = buf_putc(out, ' ');
		else
			rc = buf_putc(out, *p);
	}
	return rc;
}

static const char *const invdoc_md_words[][LANG_COUNT] = {
#define MD_TITLE	0
	{ "データの棚卸し", "Data inventory" },
#define MD_INTRO	1
	{ "フォームが受け付ける個人情報のすべてです。この表（src/seal/inventory.c）から"
	    "フォーム・入力チェック・暗号化される記録・プライバシーページが作られ、"
	    "表にない項目は受け付けず保存もしません。",
	  "Every personal field the forms accept. The forms, validation, the sealed "
	    "record and the privacy page all derive from this table (src/seal/inventory.c); "
	    "a field not in it is refused and never stored." },
#define MD_HEAD		2
	{ "| 項目 | ラベル（日本語） | ラベル（英語） | 必須 | 制限 | 確認 | 利用目的 | "
	    "提供先 | 保存期間 |",
	  "| field | label (ja) | label (en) | required | limits | validation | "
	    "purpose (利用目的) | recipient | retention |" },
#define MD_RECIPIENT	3
	{ "提供先", "Recipient" },
#define MD_RETENTION	4
	{ "保存期間", "Retention" },
#define MD_MAXAGE	5
	{ "サーバーが必ず削除するまでの日数", "Days after which the server deletes a record "
	    "at the latest" },
#define MD_TECH		6
	{ "技術的な項目（個人情報ではありません）", "Technical fields (not personal data)" },
#define MD_CLEAR	7
	{ "暗号化せずにも保存", "also kept unencrypted" },
};

static int
invdoc_md_field(struct buf *out, const json_t *f, enum lang l)
{
	char limits[128];
	int rc;

	invdoc_limits(f, l, limits, sizeof(limits));
	rc = buf_printf(out, "| `%s` | ", json_string_value(json_object_get(f, "name")));
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(f, "label"), LANG_JA));
	rc |= buf_puts(out, " | ");
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(f, "label"), LANG_EN));
	rc |= buf_puts(out, " | ");
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(f, "required_text"), l));
	rc |= buf_printf(out, " | %s | ", limits);
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(f, "validation"), l));
	if (json_is_true(json_object_get(f, "in_clear")))
		rc |= buf_printf(out, l == LANG_JA ? "（%s）" : " (%s)",
		    invdoc_md_words[MD_CLEAR][l]);
	rc |= buf_puts(out, " | ");
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(f, "purpose"), l));
	rc |= buf_puts(out, " | ");
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(f, "recipient"), l));
	rc |= buf_puts(out, " | ");
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(f, "retention"), l));
	rc |= buf_puts(out, " |\n");
	return rc ? -1 : 0;
}

static int
invdoc_md_form(struct buf *out, const json_t *form, enum lang l)
{
	json_t *f;
	size_t i;
	int rc;

	rc = buf_printf(out, "\n## %s (`%s`)\n\n- %s: ",
	    invdoc_text(json_object_get(form, "title"), l),
	    json_string_value(json_object_get(form, "kind")), invdoc_md_words[MD_RECIPIENT][l]);
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(form, "recipient"), l));
	rc |= buf_printf(out, "\n- %s: ", invdoc_md_words[MD_RETENTION][l]);
	rc |= invdoc_md_cell(out, invdoc_text(json_object_get(form, "retention"), l));
	rc |= buf_printf(out, "\n- %s: %lld\n\n%s\n", invdoc_md_words[MD_MAXAGE][l],
	    json_integer_value(json_object_get(form, "max_age_days")),
	    invdoc_md_words[MD_HEAD][l]);
	rc |= buf_puts(out, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	json_array_foreach(json_object_get(form, "fields"), i, f)
		rc |= invdoc_md_field(out, f, l);
	return rc ? -1 : 0;
}

int
invdoc_markdown(const json_t *doc, enum lang l, struct buf *out)
{
	json_t *form, *t;
	size_t i;
	int rc;

	rc = buf_printf(out, "# %s\n\n%s\n", invdoc_md_words[MD_TITLE][l],
	    invdoc_md_words[MD_INTRO][l]);
	json_array_foreach(json_object_get(doc, "forms"), i, form)
		rc |= invdoc_md_form(out, form, l);
	rc |= buf_printf(out, "\n## %s\n\n", invdoc_md_words[MD_TECH][l]);
	json_array_foreach(json_object_get(doc, "technical"), i, t) {
		rc |= buf_printf(out, "- `%s`: ", json_string_value(json_object_get(t, "name")));
		rc |= invdoc_md_cell(out, invdoc_text(json_object_get(t, "purpose"), l));
		rc |= buf_putc(out, '\n');
	}
	return rc ? -1 : 0;
}
