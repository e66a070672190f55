/*
 * Notices: the configuration and the wording (see notify.h). Pure functions over buffers;
 * the sender thread and libcurl are in notify_send.c.
 */
#include "showroomd/notify.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/errbuf.h"
#include "lib/fsutil.h"
#include "lib/jtime.h"

#define NOTIFY_URL_MAX	512

/* ---- the configuration ---- */

static int
notify_printable(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || (unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return i > 0;
}

/* An address for a header and the envelope: local@domain, nothing that could start
 * another header or command (no space, CR, LF, <, >, comma, quote). */
static int
notify_addr_valid(const char *s)
{
	static const char local[] = "!#$%&'*+/=?^_`{|}~.-";
	const char *at = strchr(s, '@');
	size_t i;

	if (at == NULL || at == s || at[1] == '\0' || strlen(s) > 254 ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL)
		return 0;
	for (i = 0; s + i < at; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr(local, s[i]) != NULL))
			return 0;
	for (i = 1; at[i] != '\0'; i++)
		if (!((at[i] >= 'a' && at[i] <= 'z') || (at[i] >= 'A' && at[i] <= 'Z') ||
		    (at[i] >= '0' && at[i] <= '9') || at[i] == '.' || at[i] == '-'))
			return 0;
	return 1;
}

/* "scheme://HOST[:PORT][/...]": the scheme in scheme (lower case), whether HOST is a
 * loopback host; -1 when it is not such a URL. */
static int
notify_url(const char *url, char *scheme, size_t schemesz, int *loopback)
{
	const char *p = strstr(url, "://"), *h, *e;
	size_t n;

	if (p == NULL || (n = (size_t)(p - url)) == 0 || n >= schemesz ||
	    !notify_printable(url, NOTIFY_URL_MAX) || strchr(url, '@') != NULL)
		return -1;
	memcpy(scheme, url, n);
	scheme[n] = '\0';
	for (n = 0; scheme[n] != '\0'; n++)
		if (scheme[n] >= 'A' && scheme[n] <= 'Z')
			scheme[n] = (char)(scheme[n] - 'A' + 'a');
	h = p + 3;
	if (*h == '[')
		e = strchr(h, ']') ? strchr(h, ']') + 1 : NULL;
	else
		e = h + strcspn(h, ":/?#");
	if (e == NULL || e == h)
		return -1;
	n = (size_t)(e - h);
	*loopback = (n == 9 && strncmp(h, "127.0.0.1", 9) == 0) ||
	    (n == 5 && strncmp(h, "[::1]", 5) == 0) ||
	    (n == 9 && strncasecmp(h, "localhost", 9) == 0);
	return 0;
}

struct ncfg {
	char	*err;
	size_t	 errlen;
	int	 bad;
};

static int	ncfg_err(struct ncfg *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* The first problem is the one reported. */
static int
ncfg_err(struct ncfg *c, const char *path, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (!c->bad) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		errbuf_set(c->err, c->errlen, "%s: %s", path, msg);
	}
	c->bad = 1;
	return -1;
}

/* Every key of O must be in KNOWN. */
static int
ncfg_keys(struct ncfg *c, const char *path, json_t *o, const char *const *known)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(o, k, v) {
		for (i = 0; known[i] != NULL && strcmp(known[i], k) != 0; i++)
			;
		if (known[i] == NULL)
			return ncfg_err(c, path, "unknown key \"%.40s\"", k);
	}
	return 0;
}

/* An optional string member, printable ASCII (or NULL when absent). */
static int
ncfg_str(struct ncfg *c, const char *path, json_t *o, const char *key, int required,
    size_t max, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL)
		return required ? ncfg_err(c, path, "\"%s\" is required", key) : 0;
	if (!json_is_string(v) || !notify_printable(json_string_value(v), max))
		return ncfg_err(c, path, "\"%s\" must be a string of printable ASCII", key);
	if ((*out = strdup(json_string_value(v))) == NULL)
		return ncfg_err(c, path, "out of memory");
	return 0;
}

static int
ncfg_int(struct ncfg *c, json_t *o, const char *key, long long lo, long long hi,
    long long def, long long *out)
{
	json_t *v = json_object_get(o, key);

	*out = def;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return ncfg_err(c, "$", "\"%s\" must be a whole number of seconds in range", key);
	*out = json_integer_value(v);
	return 0;
}

/* An office URL: https://, or http:// (the office runs on the key holder's machine). */
static int
ncfg_office(struct ncfg *c, const char *path, json_t *o, char **out)
{
	char scheme[16];
	int loop;

	if (ncfg_str(c, path, o, "office_url", 0, NOTIFY_URL_MAX, out) == -1)
		return -1;
	if (*out != NULL && (notify_url(*out, scheme, sizeof(scheme), &loop) == -1 ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)))
		return ncfg_err(c, path, "\"office_url\" must be an http(s):// URL");
	return 0;
}

static int
ncfg_email(struct ncfg *c, const char *path, json_t *o, struct notify_email **out)
{
	static const char *const known[] = { "url", "from", "to", "username", "password",
	    "starttls", NULL };
	struct notify_email *e;
	char scheme[16];
	json_t *to, *v;
	size_t i;
	int loop;

	if (!json_is_object(o))
		return ncfg_err(c, path, "\"email\" must be an object");
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return ncfg_err(c, path, "out of memory");
	*out = e;
	e->starttls = 1;
	if (ncfg_keys(c, path, o, known) == -1 ||
	    ncfg_str(c, path, o, "url", 1, NOTIFY_URL_MAX, &e->url) == -1 ||
	    ncfg_str(c, path, o, "from", 1, 254, &e->from) == -1 ||
	    ncfg_str(c, path, o, "username", 0, 256, &e->username) == -1 ||
	    ncfg_str(c, path, o, "password", 0, 256, &e->password) == -1)
		return -1;
	if (notify_url(e->url, scheme, sizeof(scheme), &loop) == -1 ||
	    (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0))
		return ncfg_err(c, path, "\"url\" must be smtp://HOST[:PORT] or smtps://");
	if ((v = json_object_get(o, "starttls")) != NULL) {
		if (!json_is_boolean(v))
			return ncfg_err(c, path, "\"starttls\" must be true or false");
		e->starttls = json_is_true(v);
	}
	/* mail carries no personal data, but a password may go with it: plain text only
	 * where it never leaves the machine */
	if (!e->starttls && (strcmp(scheme, "smtp") != 0 || !loop))
		return ncfg_err(c, path, "\"starttls\": false only for smtp:// to a loopback "
		    "host (127.0.0.1, [::1], localhost)");
	if ((e->username == NULL) != (e->password == NULL))
		return ncfg_err(c, path, "\"username\" and \"password\" go together");
	if (!notify_addr_valid(e->from))
		return ncfg_err(c, path, "\"from\" must be an address local@domain");
	to = json_object_get(o, "to");
	if (!json_is_array(to) || json_array_size(to) == 0 ||
	    json_array_size(to) > NOTIFY_MAX_TO)
		return ncfg_err(c, path, "\"to\" must be an array of 1 to 10 addresses");
	json_array_foreach(to, i, v) {
		if (!json_is_string(v) || !notify_addr_valid(json_string_value(v)))
			return ncfg_err(c, path, "\"to\" must hold addresses local@domain");
		if ((e->to[e->nto] = strdup(json_string_value(v))) == NULL)
			return ncfg_err(c, path, "out of memory");
		e->nto++;
	}
	return 0;
}

static int
ncfg_webhook(struct ncfg *c, const char *path, json_t *o, struct notify_webhook **out)
{
	static const char *const known[] = { "url", "secret", NULL };
	struct notify_webhook *w;
	char scheme[16];
	int loop;

	if (!json_is_object(o))
		return ncfg_err(c, path, "\"webhook\" must be an object");
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return ncfg_err(c, path, "out of memory");
	*out = w;
	if (ncfg_keys(c, path, o, known) == -1 ||
	    ncfg_str(c, path, o, "url", 1, NOTIFY_URL_MAX, &w->url) == -1 ||
	    ncfg_str(c, path, o, "secret", 1, 1024, &w->secret) == -1)
		return -1;
	if (notify_url(w->url, scheme, sizeof(scheme), &loop) == -1 ||
	    !(strcmp(scheme, "https") == 0 || (strcmp(scheme, "http") == 0 && loop)))
		return ncfg_err(c, path, "\"url\" must be https:// (http:// for a loopback "
		    "host only)");
	if (strlen(w->secret) < NOTIFY_SECRET_MIN)
		return ncfg_err(c, path, "\"secret\" must be at least 16 characters");
	return 0;
}

static int
ncfg_selector(const char *s)
{
	size_t i;

	if (strcmp(s, "hq") == 0)
		return 1;
	if (strncmp(s, "dealer:", 7) == 0)
		s += 7;
	else if (strncmp(s, "key:", 4) == 0)
		s += 4;
	else
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= 64 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.' || s[i] == ':' ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return i > 0;
}

static int
ncfg_recipient(struct ncfg *c, const char *sel, json_t *o, struct notify_recipient *r)
{
	static const char *const known[] = { "email", "webhook", "office_url", NULL };
	char path[128];
	json_t *v;

	snprintf(path, sizeof(path), "$.recipients[\"%.64s\"]", sel);
	if (!ncfg_selector(sel))
		return ncfg_err(c, path, "a recipient is \"hq\", \"dealer:CODE\" or "
		    "\"key:KEY_ID\"");
	if ((r->selector = strdup(sel)) == NULL)
		return ncfg_err(c, path, "out of memory");
	if (!json_is_object(o))
		return ncfg_err(c, path, "must be an object");
	if (ncfg_keys(c, path, o, known) == -1 || ncfg_office(c, path, o, &r->office_url) == -1)
		return -1;
	if ((v = json_object_get(o, "email")) != NULL && ncfg_email(c, path, v, &r->email) == -1)
		return -1;
	if ((v = json_object_get(o, "webhook")) != NULL &&
	    ncfg_webhook(c, path, v, &r->webhook) == -1)
		return -1;
	if (r->email == NULL && r->webhook == NULL)
		return ncfg_err(c, path, "needs \"email\", \"webhook\" or both");
	return 0;
}

static int
ncfg_top(struct ncfg *c, json_t *doc, struct notify_config *cfg)
{
	static const char *const known[] = { "interval", "retry", "retry_max", "give_up",
	    "poll", "office_url", "recipients", NULL };
	long long v[5];
	json_t *rs, *o;
	const char *sel;

	if (!json_is_object(doc))
		return ncfg_err(c, "$", "must be an object");
	if (ncfg_keys(c, "$", doc, known) == -1 ||
	    ncfg_int(c, doc, "interval", 0, 86400, 300, &v[0]) == -1 ||
	    ncfg_int(c, doc, "retry", 1, 86400, 60, &v[1]) == -1 ||
	    ncfg_int(c, doc, "retry_max", 1, 7 * 86400, 3600, &v[2]) == -1 ||
	    ncfg_int(c, doc, "give_up", 1, 30 * 86400, 86400, &v[3]) == -1 ||
	    ncfg_int(c, doc, "poll", 1, 3600, 5, &v[4]) == -1 ||
	    ncfg_office(c, "$", doc, &cfg->office_url) == -1)
		return -1;
	if (v[2] < v[1])
		return ncfg_err(c, "$", "\"retry_max\" must not be below \"retry\"");
	cfg->policy.interval = v[0];
	cfg->policy.retry = v[1];
	cfg->policy.retry_max = v[2];
	cfg->policy.give_up = v[3];
	cfg->poll = (unsigned int)v[4];
	rs = json_object_get(doc, "recipients");
	if (!json_is_object(rs) || json_object_size(rs) == 0 ||
	    json_object_size(rs) > NOTIFY_MAX_RECIPIENTS)
		return ncfg_err(c, "$.recipients", "must be an object of 1 to 4096 "
		    "recipients");
	if ((cfg->r = calloc(json_object_size(rs), sizeof(*cfg->r))) == NULL)
		return ncfg_err(c, "$", "out of memory");
	json_object_foreach(rs, sel, o) {
		cfg->nr++;
		if (ncfg_recipient(c, sel, o, &cfg->r[cfg->nr - 1]) == -1)
			return -1;
	}
	return 0;
}

int
notify_config_parse(const char *buf, size_t len, struct notify_config *cfg, char *err,
    size_t errlen)
{
	struct ncfg c = { err, errlen, 0 };
	json_error_t je;
	json_t *doc;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return errbuf_set(err, errlen, "line %d: %s", je.line, je.text);
	rc = ncfg_top(&c, doc, cfg);
	json_decref(doc);
	if (rc == -1)
		notify_config_free(cfg);
	return rc;
}

int
notify_config_read(const char *path, struct notify_config *cfg, char *err, size_t errlen)
{
	char *buf = NULL, why[400];
	size_t len = 0;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (fs_read_file(path, &buf, &len) == -1)
		return errbuf_set(err, errlen, "%s: %m", path);
	if (len > NOTIFY_MAX_FILE)
		rc = errbuf_set(err, errlen, "%s: larger than %d bytes", path, NOTIFY_MAX_FILE);
	else if ((rc = notify_config_parse(buf, len, cfg, why, sizeof(why))) == -1)
		errbuf_set(err, errlen, "%s: %s", path, why);
	sodium_memzero(buf, len);	/* it holds secrets */
	free(buf);
	return rc;
}

static void
notify_wipe_free(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

void
notify_config_free(struct notify_config *cfg)
{
	struct notify_recipient *r;
	size_t i, j;

	for (i = 0; i < cfg->nr; i++) {
		r = &cfg->r[i];
		free(r->selector);
		free(r->office_url);
		if (r->email != NULL) {
			free(r->email->url);
			free(r->email->from);
			for (j = 0; j < r->email->nto; j++)
				free(r->email->to[j]);
			notify_wipe_free(r->email->username);
			notify_wipe_free(r->email->password);
			free(r->email);
		}
		if (r->webhook != NULL) {
			notify_wipe_free(r->webhook->url);	/* chat hooks embed tokens */
			notify_wipe_free(r->webhook->secret);
			free(r->webhook);
		}
	}
	free(cfg->r);
	free(cfg->office_url);
	memset(cfg, 0, sizeof(*cfg));
}

const struct notify_recipient *
notify_find(const struct notify_config *cfg, const char *key_id, int role,
    const char *dealer)
{
	const struct notify_recipient *by_role = NULL;
	size_t i;

	for (i = 0; i < cfg->nr; i++) {
		const char *s = cfg->r[i].selector;

		if (strncmp(s, "key:", 4) == 0 && strcmp(s + 4, key_id) == 0)
			return &cfg->r[i];
		if ((role == 2 && strcmp(s, "hq") == 0) || (role == 3 && dealer != NULL &&
		    strncmp(s, "dealer:", 7) == 0 && strcmp(s + 7, dealer) == 0))
			by_role = &cfg->r[i];
	}
	return by_role;
}

/* ---- the wording ---- */

static const struct {
	enum store_kind	 kind;
	const char	*ja, *en, *en1;
} notify_kinds[] = {
	{ STORE_KIND_TEST_DRIVE, "試乗の予約", "test-drive bookings", "test-drive booking" },
	{ STORE_KIND_CANCELLATION, "予約の取り消し", "cancellations", "cancellation" },
	{ STORE_KIND_CATALOG_REQUEST, "カタログの請求", "catalog requests", "catalog request" },
};
#define NOTIFY_NKINDS	(sizeof(notify_kinds) / sizeof(notify_kinds[0]))

static uint64_t
notify_total(const struct store_notice *n)
{
	uint64_t t = 0;
	int k;

	for (k = 1; k <= STORE_KIND_MAX; k++)
		t += n->count[k];
	return t;
}

int
notify_text(const struct notify_msg *m, struct buf *out)
{
	uint64_t c;
	size_t i;
	int rc;

	rc = buf_printf(out, "showroom: 新しい記録が届いています / New records are waiting\r\n"
	    "\r\n宛先 / For: %s\r\n", m->who);
	for (i = 0; rc == 0 && i < NOTIFY_NKINDS; i++)
		if ((c = m->n->count[notify_kinds[i].kind]) > 0)
			rc = buf_printf(out, "%s / %s: %llu\r\n", notify_kinds[i].ja,
			    c == 1 ? notify_kinds[i].en1 : notify_kinds[i].en,
			    (unsigned long long)c);
	if (rc == 0)
		rc = buf_printf(out, "\r\nバックオフィスで開いてください / Open them in the "
		    "back office:\r\n%s\r\n", m->office_url ? m->office_url : "showroom office");
	return rc;
}

/* RFC 5322 date in Japan time. */
static void
notify_date(int64_t now, char *out, size_t outsz)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)now + JTIME_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d +0900", wd[tm.tm_wday % 7],
	    tm.tm_mday, mo[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

/* The body in base64, 76 characters a line (RFC 2045). */
static int
notify_base64(const struct buf *text, struct buf *out)
{
	char line[80];
	size_t off, n;

	for (off = 0; off < text->len; off += n) {
		n = text->len - off < 57 ? text->len - off : 57;
		sodium_bin2base64(line, sizeof(line), (const unsigned char *)text->data + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(out, "%s\r\n", line) == -1)
			return -1;
	}
	return 0;
}

int
notify_mail(const struct notify_msg *m, const struct notify_email *e, const char *msgid,
    struct buf *out)
{
	struct buf text = BUF_INIT;
	uint64_t total = notify_total(m->n);
	char date[64];
	size_t i;
	int rc;

	notify_date(m->now, date, sizeof(date));
	rc = buf_printf(out, "Date: %s\r\nFrom: <%s>\r\nTo: ", date, e->from);
	for (i = 0; rc == 0 && i < e->nto; i++)
		rc = buf_printf(out, "%s<%s>", i ? ", " : "", e->to[i]);
	if (rc == 0)
		rc = buf_printf(out, "\r\nSubject: [showroom] %llu new record%s waiting\r\n"
		    "Message-ID: <%s>\r\nMIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", (unsigned long long)total,
		    total == 1 ? "" : "s", msgid);
	if (rc == 0)
		rc = notify_text(m, &text);
	if (rc == 0)
		rc = notify_base64(&text, out);
	buf_free(&text);
	return rc;
}

int
notify_webhook_body(const struct notify_msg *m, struct buf *out)
{
	json_t *doc, *waiting = json_object();
	struct buf text = BUF_INIT;
	uint64_t total = notify_total(m->n);
	char *s;
	size_t i;
	int rc = -1;

	for (i = 0; i < NOTIFY_NKINDS; i++)
		if (m->n->count[notify_kinds[i].kind] > 0)
			json_object_set_new(waiting, store_kind_name(notify_kinds[i].kind),
			    json_integer((json_int_t)m->n->count[notify_kinds[i].kind]));
	/* chat tools show "text" as it is: one line */
	if (buf_printf(&text, "showroom: %llu new record%s waiting for %s", (unsigned long long)
	    total, total == 1 ? "" : "s", m->who) == -1 ||
	    (m->office_url != NULL && buf_printf(&text, " - %s", m->office_url) == -1)) {
		json_decref(waiting);
		buf_free(&text);
		return -1;
	}
	doc = json_pack("{s:s, s:s, s:s, s:o, s:s?, s:I, s:s}", "event", "records_waiting",
	    "recipient", m->selector, "key_id", m->n->key_id, "waiting", waiting,
	    "office", m->office_url, "sent_at", (json_int_t)m->now, "text", text.data);
	buf_free(&text);
	if (doc == NULL)
		return -1;
	if (json_object_get(doc, "office") == NULL)
		json_object_set_new(doc, "office", json_null());
	if ((s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS)) != NULL) {
		rc = buf_puts(out, s);
		free(s);
	}
	json_decref(doc);
	return rc;
}

void
notify_signature(const char *secret, int64_t t, const char *body, size_t len, char *out,
    size_t outsz)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * sizeof(mac) + 1];

	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, outsz, "t=%s, v1=%s", ts, hex);
	sodium_memzero(&st, sizeof(st));
}
