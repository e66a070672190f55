/*
 * The breach report's text (see breach.h): the APPI report items, prefilled from the design,
 * the counts and the audit log, in Japanese or English. Every sentence that states a fact
 * comes from one of those; everything else is a marked blank.
 */
#include "showroom/office/breach.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/jtime.h"
#include "showroom/office/counts.h"
#include "showroom/office/invdoc.h"

/* A text in the report's language; both literals, so format strings stay checked. */
#define T(ja, en)	(in->lang == LANG_JA ? (ja) : (en))

struct breach_out {
	const struct breach_in	*in;
	struct buf		*b;
	int			 bad;
};

static void bo_line(struct breach_out *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
bo_line(struct breach_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	o->bad |= buf_vprintf(o->b, fmt, ap);
	va_end(ap);
	o->bad |= buf_putc(o->b, '\n');
}

/* A marked blank that only a person can fill, with what belongs there. */
static void
bo_blank(struct breach_out *o, const char *label, const char *what)
{
	const struct breach_in *in = o->in;

	bo_line(o, T("- %s: ［要記入：%s］", "- %s: [TO FILL: %s]"), label, what);
}

const char *
breach_blank_mark(enum lang l)
{
	return l == LANG_JA ? "［要記入" : "[TO FILL";
}

int
breach_scope_parse(const char *s, enum breach_scope *scope, const char **arg)
{
	*arg = NULL;
	if (strcmp(s, "web-tier") == 0)
		*scope = BREACH_WEB_TIER;
	else if (strcmp(s, "hq-key") == 0)
		*scope = BREACH_HQ_KEY;
	else if (strncmp(s, "dealer:", 7) == 0 && s[7] != '\0' &&
	    strspn(s + 7, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s + 7) &&
	    strlen(s + 7) <= 32) {
		*scope = BREACH_DEALER;
		*arg = s + 7;
	} else if (strncmp(s, "export:", 7) == 0 && s[7] != '\0') {
		*scope = BREACH_EXPORT;
		*arg = s + 7;
	} else
		return -1;
	return 0;
}

/* ---- Numbers --------------------------------------------------------------------------- */

/* The sum of the daily count NAME (a prefix) from FROM ("YYYY-MM-DD") to TO, both in. */
static json_int_t
bo_window(const json_t *counts, const char *name, const char *from, const char *to)
{
	const char *day;
	json_int_t n = 0;
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(counts, "days"), i, d) {
		day = json_string_value(json_object_get(d, "day"));
		if (day != NULL && strcmp(day, from) >= 0 && strcmp(day, to) <= 0)
			n += counts_sum(json_object_get(d, "counts"), name, NULL);
	}
	return n;
}

/* Whether the counts reach back to FROM. */
static int
bo_window_covered(const json_t *counts, const char *from)
{
	const char *first = json_string_value(json_object_get(json_array_get(
	    json_object_get(counts, "days"), 0), "day"));

	return first != NULL && strcmp(first, from) <= 0;
}

static json_int_t
bo_export_records(const json_t *exports)
{
	json_int_t n = 0;
	json_t *e;
	size_t i;

	json_array_foreach(exports, i, e)
		n += json_integer_value(json_object_get(json_object_get(e, "counts"),
		    "records"));
	return n;
}

/*
 * The records that this scope can expose: an upper bound of the persons (one person may
 * have sent several). -1 when it cannot be counted here.
 */
static json_int_t
bo_upper_bound(const struct breach_in *in)
{
	const json_t *c = in->counts;

	switch (in->scope) {
	case BREACH_WEB_TIER:
		return c != NULL ? json_integer_value(json_object_get(c, "records_held")) : -1;
	case BREACH_HQ_KEY:
		return c != NULL ? counts_held(c, "catalog_request", "hq", NULL) +
		    bo_export_records(in->exports) : -1;
	case BREACH_DEALER:
		return c != NULL ? counts_held(c, NULL, "dealer", in->scope_arg) : -1;
	case BREACH_EXPORT:
		return in->exports != NULL && json_array_size(in->exports) > 0 ?
		    bo_export_records(in->exports) : -1;
	}
	return -1;
}

/* ---- The scope, as the design describes it --------------------------------------------- */

static const char *
bo_scope_title(const struct breach_in *in)
{
	switch (in->scope) {
	case BREACH_WEB_TIER:
		return T("ウェブ層（showroomd のサーバー、そのディスク・データベース・"
		    "バックアップ・ログ、稼働中のプロセス）",
		    "the web tier (the server running showroomd, its disk, database, "
		    "backups and logs, the running process)");
	case BREACH_HQ_KEY:
		return T("本社の鍵（秘密鍵ファイルとそのパスフレーズ）",
		    "the HQ key (its secret key file and passphrase)");
	case BREACH_DEALER:
		return T("販売店の鍵（秘密鍵ファイルとそのパスフレーズ）",
		    "a dealer's key (its secret key file and passphrase)");
	case BREACH_EXPORT:
		return T("書き出したファイル（配送業者・印刷会社に渡したもの、または紛失したもの）",
		    "an export file (given to a carrier or printer, or lost)");
	}
	return "?";
}

static void
bo_exposes_web(struct breach_out *o)
{
	const struct breach_in *in = o->in;

	bo_line(o, "%s", T("  - 保存中の記録：すべて受付時に HPKE（RFC 9180、X25519・ChaCha20-Poly1305）で"
	    "受取人（本社または販売店）の公開鍵に封緘されています。開くための秘密鍵はウェブ層に"
	    "一切なく、ウェブ層のプログラムには記録を開くコードもありません。",
	    "  - Records at rest: each was sealed on arrival with HPKE (RFC 9180, X25519, "
	    "ChaCha20-Poly1305) to its recipient's (HQ's or a dealer's) public key. No key that "
	    "opens them is on the web tier, and its program has no code that opens a record."));
	bo_line(o, "%s", T("  - 平文で読めるもの：記録ごとの id・種類・受取人の鍵 id・作成時刻、"
	    "試乗予約の枠（販売店・車種・日時）とキャンセル用トークンのハッシュ、集計値。"
	    "氏名・住所・連絡先などはこれらに含まれません。",
	    "  - Readable in clear: each record's id, kind, recipient key id and creation time; a "
	    "booking's slot (dealer, model, time) and the hash of its cancel token; aggregate "
	    "counts. None of them holds a name, address or contact."));
	bo_line(o, "%s", T("  - 鍵が別に保管され漏えいしていなければ、保存中の記録は「高度な暗号化その他の"
	    "個人の権利利益を保護するために必要な措置」（施行規則第7条第1号かっこ書き）に当たる"
	    "可能性があります。",
	    "  - If the keys, kept elsewhere, did not leak, the records at rest may fall under "
	    "\"advanced encryption or other measures necessary to protect the rights and "
	    "interests of individuals\" (Enforcement Rules art. 7 no. 1), which needs no report."));
	bo_line(o, "%s", T("  - ただし稼働中のサーバーが乗っ取られていた場合、その間にフォームへ入力された"
	    "内容は封緘の前にサーバーを通るため、平文で取得されたおそれがあります。2024年4月から、"
	    "取得しようとしていた個人情報も報告の対象です（施行規則第7条第3号）。",
	    "  - But if the running server was taken over, what visitors typed into the forms "
	    "meanwhile passed through it before sealing, and may have been taken in clear. Since "
	    "April 2024 personal information being acquired is covered too (Enforcement Rules "
	    "art. 7 no. 3)."));
}

static void
bo_exposes(struct breach_out *o)
{
	const struct breach_in *in = o->in;

	switch (in->scope) {
	case BREACH_WEB_TIER:
		bo_exposes_web(o);
		break;
	case BREACH_HQ_KEY:
		bo_line(o, "%s", T("  - 本社の鍵に封緘され、まだ受領確認（ack）されていないカタログ請求。"
		    "サーバーは受領確認で記録を削除するため、それより前のものは残っていません。",
		    "  - The catalog requests sealed to the HQ key and not yet acknowledged: the server "
		    "deletes a record when it is acknowledged, so older ones are gone from it."));
		bo_line(o, "%s", T("  - 本社の端末に残っている、まだ削除（purge）されていない書き出しファイル。",
		    "  - Export files on HQ's machine that were not yet purged."));
		bo_line(o, "%s", T("  - 販売店の試乗予約は販売店ごとの鍵に封緘されており、本社の鍵では開けません。",
		    "  - Test-drive bookings are sealed to each dealer's own key: the HQ key opens none."));
		bo_line(o, "%s", T("  - 秘密鍵ファイルはパスフレーズ（Argon2id、XChaCha20-Poly1305）で"
		    "封緘されています。ファイルだけが漏れパスフレーズが漏れていない場合の評価は、人が"
		    "判断してください。",
		    "  - The secret key file is sealed under its passphrase (Argon2id, XChaCha20-Poly1305). "
		    "Whether a file taken without its passphrase counts as leaked is for a person to "
		    "judge."));
		break;
	case BREACH_DEALER:
		bo_line(o, T("  - 販売店 %s の鍵に封緘され、まだ受領確認されていない試乗予約（と"
		    "そのキャンセル）。ほかの販売店と本社の記録は、それぞれ別の鍵に封緘されており"
		    "開けません。", "  - The bookings (and their cancellations) sealed to dealer %s's "
		    "key and not yet acknowledged. Other dealers' and HQ's records are sealed to other "
		    "keys and do not open with it."), in->scope_arg);
		bo_line(o, "%s", T("  - 秘密鍵ファイルはパスフレーズ（Argon2id、XChaCha20-Poly1305）で"
		    "封緘されています。", "  - The secret key file is sealed under its passphrase "
		    "(Argon2id, XChaCha20-Poly1305)."));
		break;
	case BREACH_EXPORT:
		bo_line(o, "%s", T("  - そのファイルに書き出された記録のすべて（平文）。暗号化されていないため、"
		    "高度な暗号化による例外には当たりません。",
		    "  - Every record written to that file, in clear: it is not encrypted, so the "
		    "advanced-encryption exception does not apply."));
		bo_line(o, "%s", T("  - 書き出しに種住所（シード）が入っていれば、流出した写しがどの書き出しの"
		    "ものかを showroom trace で確かめられます。",
		    "  - If the export carried a seed address, showroom trace tells which export a "
		    "leaked copy came from."));
		break;
	}
}

/* ---- Sections --------------------------------------------------------------------------- */

static void
bo_deadlines(struct breach_out *o, json_int_t upper)
{
	const struct breach_in *in = o->in;
	time_t t = jtime_midnight(in->discovered);
	char d3[11], d5[11], d30[11], d60[11];
	int attack = in->scope != BREACH_EXPORT;

	jtime_date(t, 3, d3);
	jtime_date(t, 5, d5);
	jtime_date(t, 30, d30);
	jtime_date(t, 60, d60);
	bo_line(o, T("- 発覚日（事態を知った日）: %s", "- Discovered (the day the business knew): %s"),
	    in->discovered);
	bo_line(o, T("- 範囲: %s", "- Scope: %s"), bo_scope_title(in));
	if (upper < 0)
		bo_blank(o, T("1,000人超か（施行規則第7条第4号）", "More than 1,000 persons "
		    "(Enforcement Rules art. 7 no. 4)"), T("件数を数えられませんでした（第3節）",
		    "the records could not be counted here (section 3)"));
	else
		bo_line(o, T("- 1,000人超か（施行規則第7条第4号）: 記録の件数の上限は %lld 件で、"
		    "1,000 を%s（件数は人数の上限です）", "- More than 1,000 persons (Enforcement "
		    "Rules art. 7 no. 4): at most %lld records, %s 1,000 (records are an upper bound "
		    "of persons)"), (long long)upper, upper > BREACH_THRESHOLD ?
		    T("超えます", "more than") : T("超えません", "not more than"));
	bo_line(o, T("- 不正の目的によるおそれ（同第3号）: %s", "- Possibly by wrongful intent "
	    "(art. 7 no. 3): %s"), attack ? T("この範囲は攻撃による侵害を前提とします。該当すれば"
	    "1人からでも報告の対象です", "this scope assumes an attack; if so, a report is due "
	    "from even one person") : T("書き出しファイルの流出は過失によることもあります",
	    "an export may also leak by mistake"));
	bo_blank(o, T("不正の目的によるおそれの判断", "Wrongful intent, as judged"),
	    T("はい／いいえ、その根拠", "yes or no, and why"));
	bo_line(o, "%s", T("- 要配慮個人情報（同第1号）・財産的被害のおそれ（同第2号）: データの棚卸し"
	    "（第2節）にそのような項目はありません（病歴・信条・カード番号などは受け付けません）",
	    "- Sensitive data (art. 7 no. 1) or a risk of financial damage (no. 2): the data "
	    "inventory (section 2) has no such item (no health, creed or card numbers are "
	    "accepted)"));
	bo_line(o, T("- 速報: 速やかに（目安は事態を知ってから3〜5日、%s〜%s）",
	    "- Preliminary report (速報): promptly (as a guide, 3 to 5 days after knowing: "
	    "%s to %s)"), d3, d5);
	bo_line(o, T("- 確報: 事態を知った日から30日以内（%s）、不正の目的によるおそれがあれば60日"
	    "以内（%s）。初日は数えません（民法第140条）", "- Confirmed report (確報): within 30 "
	    "days of knowing (%s), or 60 days (%s) when by wrongful intent; the first day is not "
	    "counted (Civil Code art. 140)"), d30, d60);
	if (attack)
		bo_line(o, T("- この範囲での目安: 確報は60日以内（%s）", "- For this scope, most "
		    "likely: the confirmed report within 60 days (%s)"), d60);
	else
		bo_line(o, T("- この範囲での目安: 確報は30日以内（%s）。不正の目的なら60日以内（%s）",
		    "- For this scope, most likely: the confirmed report within 30 days (%s); 60 "
		    "days (%s) if by wrongful intent"), d30, d60);
	bo_line(o, "%s", T("- 本人への通知: 事態に応じて速やかに（施行規則第10条）",
	    "- Notice to the persons: promptly, as the situation allows (Enforcement Rules art. "
	    "10)"));
}

static void
bo_overview(struct breach_out *o)
{
	const struct breach_in *in = o->in;

	bo_line(o, T("- 侵害された部分: %s", "- What was compromised: %s"), bo_scope_title(in));
	if (in->scope == BREACH_DEALER || in->scope == BREACH_EXPORT)
		bo_line(o, T("- 対象: %s", "- Which: %s"), in->scope_arg);
	bo_line(o, T("- 発覚日: %s", "- Discovered: %s"), in->discovered);
	if (in->since != NULL)
		bo_line(o, T("- 発生したおそれのある最初の日: %s", "- First day it may have begun: %s"),
		    in->since);
	else
		bo_blank(o, T("発生した時期", "When it began"), T("分かっている最初の日",
		    "the earliest day known"));
	bo_blank(o, T("発覚の経緯", "How it was found"), T("誰が、何を見て、いつ",
	    "who noticed what, and when"));
	bo_blank(o, T("封じ込めの状況", "Containment"), T("止めた時刻と方法",
	    "when and how it was stopped"));
	bo_line(o, "%s", T("- 設計上、この部分が漏らしうるもの:", "- What this part can expose, "
	    "by design:"));
	bo_exposes(o);
}

/* The fields of form KIND, from the inventory. */
static void
bo_form_items(struct breach_out *o, const char *kind, const char *why)
{
	const struct breach_in *in = o->in;
	json_t *form = invdoc_form(in->inventory, kind), *f;
	struct buf names = BUF_INIT;
	size_t i;

	json_array_foreach(json_object_get(form, "fields"), i, f)
		o->bad |= buf_printf(&names, "%s%s (%s)", i ? T("、", ", ") : "",
		    invdoc_text(json_object_get(f, "label"), in->lang),
		    json_string_value(json_object_get(f, "name")));
	bo_line(o, T("- %s（%s）: %s", "- %s (%s): %s"), invdoc_text(json_object_get(form,
	    "title"), in->lang), why, names.data != NULL ? names.data : "");
	buf_free(&names);
}

/* The fields written by an export FORMAT, by whose key (hq: catalog requests). */
static const char *
bo_export_fields(const struct breach_in *in, const char *format, const char *key_id)
{
	int dealer = key_id != NULL && strncmp(key_id, "dealer-", 7) == 0;

	if (dealer)
		return T("お名前、電話番号、メールアドレス、ご要望、試乗する車種、販売店、希望日時",
		    "name, phone number, e-mail address, note, model, dealer, date and time");
	if (format != NULL && strcmp(format, "labels-pdf") == 0)
		return T("お名前、郵便番号、都道府県、市区町村・番地、建物名・部屋番号",
		    "name, postal code, prefecture, address, building and room");
	return T("お名前、郵便番号、都道府県、市区町村・番地、建物名・部屋番号、車種（内容品）",
	    "name, postal code, prefecture, address, building and room, models (as the contents)");
}

static void
bo_items(struct breach_out *o)
{
	const struct breach_in *in = o->in;
	json_t *e;
	size_t i;

	switch (in->scope) {
	case BREACH_WEB_TIER:
		bo_form_items(o, "catalog", T("暗号文、または稼働中に入力されたもの",
		    "as ciphertext, or as typed while the server was taken over"));
		bo_form_items(o, "test_drive", T("同上", "the same"));
		bo_line(o, "%s", T("- 平文のメタデータ: 記録の id・種類・受取人の鍵 id・作成時刻、"
		    "試乗の枠（販売店・車種・日時）、キャンセル用トークンの SHA-256",
		    "- Metadata in clear: record id, kind, recipient key id, creation time; a "
		    "booking's slot (dealer, model, time); the SHA-256 of its cancel token"));
		break;
	case BREACH_HQ_KEY:
		bo_form_items(o, "catalog", T("本社の鍵で開けるもの", "what the HQ key opens"));
		break;
	case BREACH_DEALER:
		bo_form_items(o, "test_drive", T("この販売店の鍵で開けるもの",
		    "what this dealer's key opens"));
		break;
	case BREACH_EXPORT:
		if (in->exports == NULL || json_array_size(in->exports) == 0) {
			bo_blank(o, T("項目", "Items"), T("監査ログにこのファイルの書き出しが"
			    "見つかりません。書き出した形式から項目を記入", "the audit log has no "
			    "export of this file: name the items from its format"));
			break;
		}
		json_array_foreach(in->exports, i, e)
			bo_line(o, T("- 書き出し（%s 形式）: %s", "- Export (%s): %s"),
			    json_string_value(json_object_get(e, "format")),
			    bo_export_fields(in, json_string_value(json_object_get(e, "format")),
			    json_string_value(json_object_get(e, "key_id"))));
		break;
	}
}

static void
bo_numbers_source(struct breach_out *o)
{
	const struct breach_in *in = o->in;
	char when[17];

	jtime_datetime((time_t)json_integer_value(json_object_get(in->counts,
	    "generated_at")), when);
	bo_line(o, T("- 出典: サーバーの集計（GET /api/v1/counts、%s 日本時間、ストア %s）。"
	    "記録の中身は読んでいません", "- Source: the server's counts (GET /api/v1/counts, "
	    "%s Japan time, store %s); no record was read"), when,
	    json_string_value(json_object_get(in->counts, "backend")));
}

static void
bo_numbers_web(struct breach_out *o)
{
	const struct breach_in *in = o->in;
	const json_t *c = in->counts;

	bo_line(o, T("- 保存中の記録（暗号文）: %lld 件（カタログ請求 %lld、試乗予約 %lld、"
	    "キャンセル %lld）", "- Records at rest (ciphertext): %lld (catalog requests %lld, "
	    "test drives %lld, cancellations %lld)"),
	    (long long)json_integer_value(json_object_get(c, "records_held")),
	    (long long)counts_held(c, "catalog_request", NULL, NULL),
	    (long long)counts_held(c, "test_drive", NULL, NULL),
	    (long long)counts_held(c, "cancellation", NULL, NULL));
	if (in->since != NULL && bo_window_covered(c, in->since))
		bo_line(o, T("- %s から %s までに受け付けた送信（稼働中の乗っ取りなら平文で"
		    "取得されたおそれ）: %lld 件（カタログ請求 %lld、試乗予約 %lld）",
		    "- Submissions stored from %s to %s (taken in clear if the running server "
		    "was taken over): %lld (catalog requests %lld, test drives %lld)"),
		    in->since, in->discovered,
		    (long long)(bo_window(c, "stored.catalog_request", in->since,
		    in->discovered) + bo_window(c, "stored.test_drive", in->since, in->discovered)),
		    (long long)bo_window(c, "stored.catalog_request", in->since, in->discovered),
		    (long long)bo_window(c, "stored.test_drive", in->since, in->discovered));
	else
		bo_blank(o, T("乗っ取られていた間に受け付けた送信", "Submissions stored while the "
		    "server was taken over"), T("--since で始まりの日を与えると日ごとの集計から"
		    "数えます", "give the first day with --since to count them from the daily "
		    "counts"));
}

static void
bo_numbers(struct breach_out *o, json_int_t upper)
{
	const struct breach_in *in = o->in;

	if (upper >= 0)
		bo_line(o, T("- 記録の件数（上限）: %lld 件。人数ではなく記録の件数です。同じ方が"
		    "複数回送信していれば人数はこれより少なくなります", "- Records (upper bound): "
		    "%lld. These are records, not persons: a person who sent several is counted "
		    "several times"), (long long)upper);
	else
		bo_blank(o, T("本人の数", "Number of persons"), in->counts_why != NULL ?
		    in->counts_why : T("数えられませんでした", "it could not be counted here"));
	if (in->scope == BREACH_WEB_TIER && in->counts != NULL)
		bo_numbers_web(o);
	else if (in->scope == BREACH_HQ_KEY && in->counts != NULL)
		bo_line(o, T("- 内訳: サーバー上の未受領確認のカタログ請求 %lld 件、本社の端末に残る"
		    "書き出し %zu ファイルに %lld 件", "- Of which: catalog requests on the server not "
		    "yet acknowledged %lld; %zu export files still on HQ's machine with %lld records"),
		    (long long)counts_held(in->counts, "catalog_request", "hq", NULL),
		    json_array_size(in->exports), (long long)bo_export_records(in->exports));
	else if (in->scope == BREACH_DEALER && in->counts != NULL)
		bo_line(o, T("- 内訳: 試乗予約 %lld 件、キャンセル %lld 件。今日以降の予約枠 %lld 件"
		    "（枠の数は平文の集計で、個人は特定できません）", "- Of which: test drives %lld, "
		    "cancellations %lld. Bookings from today on at this dealer: %lld (slot counts in "
		    "clear, which identify no one)"),
		    (long long)counts_held(in->counts, "test_drive", "dealer", in->scope_arg),
		    (long long)counts_held(in->counts, "cancellation", "dealer", in->scope_arg),
		    (long long)counts_ahead(in->counts, in->scope_arg));
	if (in->counts != NULL)
		bo_numbers_source(o);
	bo_blank(o, T("報告する人数", "Persons to report"), T("上限をもとに確認した人数",
	    "the number confirmed, from the upper bound"));
}

static void
bo_harm(struct breach_out *o)
{
	const struct breach_in *in = o->in;

	bo_blank(o, T("二次被害又はそのおそれの有無及びその内容", "Secondary harm, or its risk, "
	    "and what it is"), T("確認した事実", "the facts found"));
	if (in->scope != BREACH_DEALER)
		bo_line(o, "%s", T("- 事実: カタログ請求には郵送先（氏名・住所）が含まれ、郵便で"
		    "連絡が取れます", "- Fact: catalog requests hold a postal address (name and "
		    "address), by which the persons can be reached by post"));
	if (in->scope != BREACH_HQ_KEY)
		bo_line(o, "%s", T("- 事実: 試乗予約には電話番号かメールアドレスが含まれます",
		    "- Fact: bookings hold a phone number or an e-mail address"));
	bo_line(o, "%s", T("- 事実: 支払い情報・パスワード・生年月日・収入は受け付けていません"
	    "（データの棚卸し）", "- Fact: no payment data, password, birth date or income is "
	    "accepted (the data inventory)"));
}

static void
bo_measures(struct breach_out *o)
{
	const struct breach_in *in = o->in;

	bo_blank(o, T("実施した、又は予定の措置", "Measures taken or planned"),
	    T("内容と日付", "what, and when"));
	bo_line(o, "%s", T("- 設計にある選択肢（実施するかは人が決めます）:", "- What the design "
	    "offers (a person decides):"));
	switch (in->scope) {
	case BREACH_WEB_TIER:
		bo_line(o, "%s", T("  - 汚染のないイメージからサーバーを作り直し、鍵束（keyring）と"
		    "ルート公開鍵を差し替えられていないか指紋で確かめる（プライバシーページに表示）",
		    "  - rebuild the server from a clean image, and check by fingerprint that the "
		    "keyring and root key were not replaced (they are on the privacy page)"));
		bo_line(o, "%s", T("  - ブラウザー側での封緘（計画中）で、稼働中の乗っ取りの影響を狭める",
		    "  - sealing in the browser (planned) narrows what a running compromise sees"));
		break;
	case BREACH_HQ_KEY:
	case BREACH_DEALER:
		bo_line(o, "%s", T("  - 新しい鍵を作り（showroom keygen）、古い鍵を除いた鍵束に署名し"
		    "直し（keyring sign）、すべてのノードで読み直す（SIGHUP）",
		    "  - make a new key (showroom keygen), sign a keyring without the old one "
		    "(keyring sign), and reload it on every node (SIGHUP)"));
		bo_line(o, "%s", T("  - 残っている記録を取り込み（pull）、受領確認（ack）してサーバーから"
		    "消す；書き出しを削除する（purge）", "  - pull what is left, acknowledge it so "
		    "the server deletes it, and purge the exports"));
		break;
	case BREACH_EXPORT:
		bo_line(o, "%s", T("  - 渡した先に写しの削除を求め、書き出しを削除する（purge）。以後の"
		    "書き出しには --seed で種住所を入れる", "  - ask the recipient to delete every "
		    "copy, purge the export, and add a seed (--seed) to later exports"));
		break;
	}
}

static void
bo_export_entry(struct breach_out *o, const json_t *e)
{
	const struct breach_in *in = o->in;
	const json_t *seed = json_object_get(e, "seed");

	bo_line(o, T("- %s %s が %s 形式で %s に %lld 件（SHA-256 %s）%s%s%s",
	    "- %s by %s: %s to %s, %lld records (SHA-256 %s)%s%s%s"),
	    json_string_value(json_object_get(e, "time")),
	    json_string_value(json_object_get(e, "key_id")),
	    json_string_value(json_object_get(e, "format")),
	    json_string_value(json_object_get(e, "file")),
	    (long long)json_integer_value(json_object_get(json_object_get(e, "counts"),
	    "records")), json_string_value(json_object_get(e, "file_sha256")),
	    json_is_object(seed) ? T("。種住所 ", "; seed ") : T("。種住所なし", "; no seed"),
	    json_is_object(seed) ? json_string_value(json_object_get(seed, "id")) : "",
	    json_is_object(seed) ? T(" を含む", " in it") : "");
}

static void
bo_other(struct breach_out *o)
{
	const struct breach_in *in = o->in;
	json_t *e, *col;
	struct buf cols = BUF_INIT;
	size_t i;

	if (in->audit_state != NULL)
		bo_line(o, T("- 監査ログ: %s", "- Audit log: %s"), in->audit_state);
	if (in->exports != NULL && json_array_size(in->exports) > 0) {
		bo_line(o, "%s", T("- 監査ログにある書き出し:", "- Exports in the audit log:"));
		json_array_foreach(in->exports, i, e)
			bo_export_entry(o, e);
	}
	if (in->counts != NULL) {
		json_array_foreach(json_object_get(in->counts, "columns"), i, col)
			o->bad |= buf_printf(&cols, "%s%s", i ? ", " : "", json_string_value(col));
		bo_line(o, T("- サーバーのストアが保存する列（これ以外は保存しません）: %s",
		    "- What the server's store keeps, column by column (nothing else): %s"),
		    cols.data != NULL ? cols.data : "");
		buf_free(&cols);
	}
	bo_blank(o, T("その他参考となる事項", "Other matters"), T("警察・委託先への連絡など",
	    "police, contractors told, and so on"));
}

int
breach_markdown(const struct breach_in *in, struct buf *out)
{
	struct breach_out o = { in, out, 0 };
	json_int_t upper = bo_upper_bound(in);
	char made[17];

	jtime_datetime(in->now, made);
	bo_line(&o, "%s", T("# 個人データの漏えい等の報告（下書き）",
	    "# Report of a personal data breach (draft)"));
	bo_line(&o, "%s", "");
	bo_line(&o, T("> 個人情報保護法第26条・施行規則第8条の報告事項。showroom breach-report が %s"
	    "（日本時間）に作成しました。「［要記入」の箇所は担当者が記入してください。数値は記録の"
	    "件数で、人数の上限です。", "> The items of a report under APPI art. 26 and Enforcement "
	    "Rules art. 8, prefilled by showroom breach-report on %s (Japan time). Fill in every "
	    "\"[TO FILL\". Numbers count records: an upper bound of the persons."), made);
	bo_line(&o, "\n%s\n", T("## 報告の要否と期限", "## Whether to report, and by when"));
	bo_deadlines(&o, upper);
	bo_line(&o, "\n%s\n", T("## 1. 概要", "## 1. Overview"));
	bo_overview(&o);
	bo_line(&o, "\n%s\n", T("## 2. 漏えい等が発生し、又は発生したおそれがある個人データの項目",
	    "## 2. Personal data items concerned"));
	bo_items(&o);
	bo_line(&o, "\n%s\n", T("## 3. 本人の数", "## 3. Number of persons"));
	bo_numbers(&o, upper);
	bo_line(&o, "\n%s\n", T("## 4. 原因", "## 4. Cause"));
	bo_blank(&o, T("原因", "Cause"), T("どの弱点が、どう使われたか",
	    "which weakness was used, and how"));
	bo_line(&o, T("- 侵害された部分: %s", "- The part compromised: %s"), bo_scope_title(in));
	bo_line(&o, "\n%s\n", T("## 5. 二次被害又はそのおそれの有無及びその内容",
	    "## 5. Secondary harm, or its risk"));
	bo_harm(&o);
	bo_line(&o, "\n%s\n", T("## 6. 本人への対応の実施状況",
	    "## 6. Response to the persons concerned"));
	bo_blank(&o, T("本人への通知・問い合わせ窓口", "Notice to the persons, and the contact "
	    "point"), T("いつ、どの方法で、何人に", "when, how, to how many"));
	bo_line(&o, "\n%s\n", T("## 7. 公表の実施状況", "## 7. Publication"));
	bo_blank(&o, T("公表", "Publication"), T("いつ、どこで", "when and where"));
	bo_line(&o, "\n%s\n", T("## 8. 再発防止のための措置", "## 8. Measures against recurrence"));
	bo_measures(&o);
	bo_line(&o, "\n%s\n", T("## 9. その他参考となる事項", "## 9. Other matters"));
	bo_other(&o);
	return o.bad ? -1 : 0;
}
