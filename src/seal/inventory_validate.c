/*
 * Validation of a decoded form against the inventory table, and its error messages.
 * See inventory.h.
 *
 * Personal data passes through here, so every working copy lives in an allocation
 * this file owns and wipes (sodium_memzero) before freeing.
 */
#include "seal/inventory.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/prefecture.h"
#include "seal/inventory_int.h"

/*
 * Messages. Placeholders: {L} the field's label, {F} the field name as sent, {C} the
 * offending character ("<" or U+XXXX), {G} that character itself, {M} the limit, {N}
 * the count. Never a value.
 */
static const char *const inv_messages[INV_MSGS][LANG_COUNT] = {
	[INV_MSG_REQUIRED] = { "「{L}」は必須です。", "{L} is required." },
	[INV_MSG_TOO_LONG] = {
	    "「{L}」は{M}文字以内で入力してください（現在{N}文字）。",
	    "{L} must be at most {M} characters (now {N})." },
	[INV_MSG_BAD_CHAR] = {
	    "「{L}」に使えない文字（{C}）が含まれています。",
	    "{L} contains a character that cannot be used here: {C}." },
	[INV_MSG_LABEL_CHAR] = {
	    "「{L}」の「{G}」({C})は配送ラベルに印刷できないため使えません。"
	    "別の文字で入力してください。",
	    "{L}: {G} ({C}) cannot be printed on a shipping label. "
	    "Please write it another way." },
	[INV_MSG_LABEL_CODE] = {
	    "「{L}」に配送ラベルに印刷できない文字（{C}）が含まれています。"
	    "取り除いてください。",
	    "{L} contains a character that cannot be printed on a shipping label: {C}. "
	    "Please remove it." },
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
    const char *field, const char *ch, const char *glyph, size_t max, size_t count)
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
			case 'G':
				sub = glyph;
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
    enum inventory_msg msg, const char *ch, const char *glyph, size_t max, size_t count)
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
		    ch ? ch : "", glyph ? glyph : "", max, count);
	return e;
}

static void
inv_field_error(struct inventory_errors *errs, int row, enum inventory_msg msg)
{
	inv_add_error(errs, row, inventory_fields[row].name, msg, NULL, NULL,
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

/* Every message, with every label and the longest field name, fits its buffer. */
int
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
				    longest, "U+10FFFF", "\U0010FFFF", FORM_MAX_VALUE,
				    FORM_MAX_VALUE);
				if (strlen(e.text[l]) + 1 >= sizeof(e.text[l]))
					return 0;
			}
	return 1;
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
	int rc, label, blank, compat = f->norm == INV_NORM_NFKC_POSTAL ||
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
		/* After NFC: what composes into a CP932 character is fine. -1: the
		 * CP932 table could not be built, and nothing can be checked. */
		if (rc == INV_GOOD && f->on_label)
			rc = (label = inv_label_text(&b, bad)) == 0 ? INV_GOOD :
			    label == 1 ? INV_MSG_LABEL_CHAR : -1;
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
		inv_add_error(c->errs, row, f->name, INV_MSG_TOO_LONG, NULL, NULL,
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
	char ch[16], glyph[8];
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
		inv_add_error(c->errs, row, f->name, INV_MSG_BAD_CHAR, ch, NULL, 0, 0);
	} else if (rc == INV_MSG_LABEL_CHAR) {
		/* U+XXXX always, and the character too when it can be seen alone */
		snprintf(ch, sizeof(ch), "U+%04X", (unsigned)bad);
		inv_add_error(c->errs, row, f->name, inv_char_glyph(bad, glyph,
		    sizeof(glyph)) ? INV_MSG_LABEL_CHAR : INV_MSG_LABEL_CODE, ch, glyph,
		    0, 0);
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
			    NULL, NULL, 0, 0);
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
			    INV_MSG_DUPLICATE_FIELD, NULL, NULL, 0, 0);
			bad = 1;
		} else if (seen > 1)
			bad = 1;
	}
	return bad;
}

int
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
		inv_add_error(errs, -1, INVENTORY_IDEM, INV_MSG_IDEM, NULL, NULL, 0, 0);
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

_Static_assert(INVENTORY_NFIELDS <= 32, "a row is a bit of inventory_given's answer");

unsigned
inventory_given(const struct inventory_values *vals)
{
	unsigned bits = 0;
	int row;

	for (row = 0; row < INVENTORY_NFIELDS; row++)
		if (vals->f[row].n > 0)
			bits |= 1u << row;
	return bits;
}
