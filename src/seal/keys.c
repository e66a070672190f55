/*
 * Key-holder identities, their files, and the signed keyring. The formats are described in
 * keys.h. Parsers take a buffer and a length, touch no global state, and refuse anything they
 * do not fully understand: a keyring decides who may read personal data.
 *
 * This file holds the public half, which showroomd links: public key files and verifying
 * keyrings. Generating, saving and opening secret keys and signing keyrings live in
 * src/showroom/keys_secret.c, for the back office only; keys_internal.h is what they share.
 */
#include "seal/keys.h"
#include "seal/keys_int.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"
#include "lib/text.h"

#define PUBLIC_FORMAT	"showroom-public-key"
#define KEYRING_FORMAT	"showroom-keyring"
#define ID_HEX_BYTES	8

enum pub_mode {
	PUB_FILE,	/* PREFIX.public: with format, version and created */
	PUB_ENTRY	/* an entry of a keyring's "keys" */
};

int
keys_i_err(struct keys_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Puts "FILE: " in front of the message, so that errors name the file they are about. */
void
keys_i_err_file(struct keys_error *err, const char *file)
{
	size_t flen = strlen(file), mlen, room;

	if (err == NULL || flen + 3 >= sizeof(err->msg))
		return;
	room = sizeof(err->msg) - flen - 2;
	mlen = strnlen(err->msg, sizeof(err->msg) - 1);
	if (mlen >= room)
		mlen = room - 1;
	memmove(err->msg + flen + 2, err->msg, mlen);
	err->msg[flen + 2 + mlen] = '\0';
	memcpy(err->msg, file, flen);
	err->msg[flen] = ':';
	err->msg[flen + 1] = ' ';
}

int
keys_i_sodium(struct keys_error *err)
{
	if (sodium_init() < 0)
		return KEYS_FAIL(err, KEYS_E_SYSTEM, "libsodium could not be initialised");
	return KEYS_OK;
}

/* Untrusted text for a message: at most 40 bytes, anything but printable ASCII as '?', so
 * that a crafted file cannot write escape sequences to the terminal. */
const char *
keys_i_safe(const char *s, char out[48])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 40; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i] != '\0' && i == 40) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

const char *
keys_strerror(int code)
{
	static const char *const msgs[] = {
		[KEYS_OK] = "success",
		[KEYS_E_SYSTEM] = "system error",
		[KEYS_E_NOMEM] = "out of memory",
		[KEYS_E_INVALID] = "invalid argument",
		[KEYS_E_EXISTS] = "file exists",
		[KEYS_E_MALFORMED] = "malformed file",
		[KEYS_E_FORMAT] = "unsupported format",
		[KEYS_E_KEYID] = "key id does not match the keys",
		[KEYS_E_ROLE] = "wrong role",
		[KEYS_E_NOPASS] = "no passphrase available",
		[KEYS_E_PASSPHRASE] = "wrong passphrase or damaged key file",
		[KEYS_E_MISMATCH] = "secret and public files do not match",
		[KEYS_E_UNSIGNED] = "keyring not signed",
		[KEYS_E_BADSIG] = "bad keyring signature",
		[KEYS_E_WRONGROOT] = "keyring signed by another root",
		[KEYS_E_EXPIRED] = "keyring expired",
		[KEYS_E_DUPLICATE] = "duplicate key in keyring",
	};

	if (code < 0 || (size_t)code >= sizeof(msgs) / sizeof(msgs[0]) || msgs[code] == NULL)
		return "unknown error";
	return msgs[code];
}

const char *
keys_role_name(enum keys_role role)
{
	switch (role) {
	case KEYS_ROLE_ROOT:
		return "root";
	case KEYS_ROLE_HQ:
		return "hq";
	case KEYS_ROLE_DEALER:
		return "dealer";
	case KEYS_ROLE_PRIVACY:
		return "privacy";
	}
	return "?";
}

enum keys_role
keys_role_parse(const char *s)
{
	if (strcmp(s, "root") == 0)
		return KEYS_ROLE_ROOT;
	if (strcmp(s, "hq") == 0)
		return KEYS_ROLE_HQ;
	if (strcmp(s, "dealer") == 0)
		return KEYS_ROLE_DEALER;
	if (strcmp(s, "privacy") == 0)
		return KEYS_ROLE_PRIVACY;
	return 0;
}

int
keys_dealer_code_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-') || i == KEYS_DEALER_MAX)
			return 0;
	return i > 0;
}

/*
 * A display name: 1..KEYS_NAME_MAX bytes of well-formed UTF-8 without control characters
 * (C0, DEL, C1), because names are printed on terminals and in logs.
 */
static int
keys_name_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i, n;
	uint32_t cp;

	if (len == 0 || len > KEYS_NAME_MAX)
		return 0;
	for (i = 0; i < len; i += n) {
		if ((n = text_utf8_decode(p + i, len - i, &cp)) == 0)
			return 0;
		/* no C0 or C1 control characters, nor DEL */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return 0;
	}
	return 1;
}

/* Key ids are built from roles, dealer codes and hex digits only. */
int
keys_i_id_chars_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-') || i + 1 == KEYS_ID_MAX)
			return 0;
	return i > 0;
}

/* Exactly n ASCII digits. */
static int
keys_digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long
keys_days(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153LL * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
keys_mdays(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/* "YYYY-MM-DD", years 2000..9999, a day that exists. */
static int
keys_parse_date(const char *s, long long *daysp)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || keys_digits(s, 4, &y) ||
	    keys_digits(s + 5, 2, &m) || keys_digits(s + 8, 2, &d))
		return -1;
	if (y < 2000 || m < 1 || m > 12 || d < 1 || d > keys_mdays(y, m))
		return -1;
	*daysp = keys_days(y, m, d);
	return 0;
}

int
keys_date_end(const char *date, time_t *endp)
{
	long long days;

	if (keys_parse_date(date, &days) == -1)
		return -1;
	*endp = (time_t)((days + 1) * 86400);
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ": the one RFC 3339 form this project writes. */
static int
keys_parse_time(const char *s)
{
	long long days;
	char date[KEYS_DATE_MAX];
	int h, mi, sec;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (keys_parse_date(date, &days) == -1 || keys_digits(s + 11, 2, &h) ||
	    keys_digits(s + 14, 2, &mi) || keys_digits(s + 17, 2, &sec))
		return -1;
	return h < 24 && mi < 60 && sec < 60 ? 0 : -1;
}

int
keys_i_format_time(time_t t, char out[KEYS_TIME_MAX])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, KEYS_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) != KEYS_TIME_MAX - 1)
		return -1;
	return 0;
}

void
keys_fingerprint(const struct keys_public *pub, unsigned char fpr[KEYS_FPR_BYTES])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, KEYS_FPR_BYTES);
	if (pub->role != KEYS_ROLE_ROOT)
		crypto_generichash_update(&st, pub->x25519, sizeof(pub->x25519));
	crypto_generichash_update(&st, pub->ed25519, sizeof(pub->ed25519));
	crypto_generichash_final(&st, fpr, KEYS_FPR_BYTES);
}

void
keys_fingerprint_text(const struct keys_public *pub, char out[80])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char fpr[KEYS_FPR_BYTES];
	size_t i, o = 0;

	keys_fingerprint(pub, fpr);
	for (i = 0; i < KEYS_FPR_BYTES; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = ' ';
		out[o++] = hex[fpr[i] >> 4];
		out[o++] = hex[fpr[i] & 0xf];
	}
	out[o] = '\0';
}

void
keys_i_make_id(const struct keys_public *pub, char out[KEYS_ID_MAX])
{
	unsigned char fpr[KEYS_FPR_BYTES];
	char hex[ID_HEX_BYTES * 2 + 1];

	keys_fingerprint(pub, fpr);
	sodium_bin2hex(hex, sizeof(hex), fpr, ID_HEX_BYTES);
	memset(out, 0, KEYS_ID_MAX);	/* whole structs get compared and copied */
	if (pub->role == KEYS_ROLE_DEALER)
		snprintf(out, KEYS_ID_MAX, "dealer-%s-%s", pub->dealer, hex);
	else
		snprintf(out, KEYS_ID_MAX, "%s-%s", keys_role_name(pub->role), hex);
}

/* Base64 (standard alphabet, padded) of at most 96 bytes, as a JSON string. */
json_t *
keys_i_b64_json(const unsigned char *bin, size_t len)
{
	char s[sodium_base64_ENCODED_LEN(96, sodium_base64_VARIANT_ORIGINAL)];

	if (len > 96)
		return NULL;
	sodium_bin2base64(s, sizeof(s), bin, len, sodium_base64_VARIANT_ORIGINAL);
	return json_string(s);
}

/* Decodes base64 that must hold exactly want bytes, with nothing left over. */
int
keys_i_b64_exact(const char *s, unsigned char *out, size_t want)
{
	size_t slen = strlen(s), got;
	const char *end;

	if (sodium_base642bin(out, want, s, slen, NULL, &got, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return end == s + slen && got == want ? 0 : -1;
}

/* Refuses members of O other than those listed: an unknown field may be a misunderstanding. */
int
keys_i_json_only(json_t *o, const char *const *allowed, const char *ctx, struct keys_error *err)
{
	const char *key;
	json_t *v;
	size_t i;
	char safe[48];

	json_object_foreach(o, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return KEYS_FAIL(err, KEYS_E_MALFORMED, "%sunknown field \"%s\"", ctx,
			    keys_i_safe(key, safe));
	}
	return KEYS_OK;
}

/* The string member KEY of O, or NULL when it is absent and not required. */
int
keys_i_json_str(const json_t *o, const char *key, int required, const char **sp,
    const char *ctx, struct keys_error *err)
{
	const json_t *v = json_object_get(o, key);

	*sp = NULL;
	if (v == NULL)
		return required ? KEYS_FAIL(err, KEYS_E_MALFORMED, "%s\"%s\" is missing", ctx,
		    key) : KEYS_OK;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "%s\"%s\" must be a string", ctx, key);
	*sp = json_string_value(v);
	return KEYS_OK;
}

/* "format" and "version" of a file of kind FORMAT. */
int
keys_i_json_format(const json_t *o, const char *format, const char *what,
    struct keys_error *err)
{
	const json_t *v = json_object_get(o, "version");
	const char *f;
	char safe[48];
	int rc;

	if ((rc = keys_i_json_str(o, "format", 1, &f, "", err)) != KEYS_OK)
		return rc;
	if (strcmp(f, format) != 0)
		return KEYS_FAIL(err, KEYS_E_FORMAT, "not a %s (format is \"%s\", expected "
		    "\"%s\")", what, keys_i_safe(f, safe), format);
	if (!json_is_integer(v))
		return KEYS_FAIL(err, KEYS_E_FORMAT, "\"version\" is missing or not an integer");
	if (json_integer_value(v) != KEYS_I_FORMAT_VERSION)
		return KEYS_FAIL(err, KEYS_E_FORMAT, "%s version %lld is not supported (this "
		    "program reads version %d)", what, (long long)json_integer_value(v),
		    KEYS_I_FORMAT_VERSION);
	return KEYS_OK;
}

/* Parses a JSON object, refusing duplicate members (two readers could disagree on them). */
int
keys_i_json_parse(const char *buf, size_t len, json_t **op, struct keys_error *err)
{
	json_error_t jerr;
	char safe[48];

	if ((*op = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "not valid JSON (line %d, column %d): %s",
		    jerr.line, jerr.column, keys_i_safe(jerr.text, safe));
	if (!json_is_object(*op)) {
		json_decref(*op);
		*op = NULL;
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "not a JSON object");
	}
	return KEYS_OK;
}

/* An X25519 public key that is not of small order: sealing to it would fail, or worse. */
static int
keys_x25519_valid(const unsigned char pk[KEYS_X25519_BYTES])
{
	static const unsigned char probe[crypto_scalarmult_SCALARBYTES] = {
		0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
		0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
		0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
		0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a
	};
	unsigned char out[crypto_scalarmult_BYTES];
	int ok;

	/* libsodium refuses, with -1, a product that is the identity: a small-order point. */
	ok = crypto_scalarmult(out, probe, pk) == 0;
	sodium_memzero(out, sizeof(out));
	return ok;
}

/* role, dealer, name: the same rules for new keys and for keys read from files. */
int
keys_i_check_holder(enum keys_role role, const char *dealer, const char *name,
    const char *ctx, struct keys_error *err)
{
	if (role == KEYS_ROLE_DEALER && (dealer == NULL || dealer[0] == '\0'))
		return KEYS_FAIL(err, KEYS_E_ROLE, "%sa dealer key needs a dealer code", ctx);
	if (role != KEYS_ROLE_DEALER && dealer != NULL)
		return KEYS_FAIL(err, KEYS_E_ROLE, "%sonly dealer keys have a dealer code", ctx);
	if (dealer != NULL && !keys_dealer_code_valid(dealer))
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "%sdealer code must be 1 to %d of a-z, "
		    "0-9 and '-'", ctx, KEYS_DEALER_MAX);
	if (!keys_name_valid(name))
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "%sname must be 1 to %d bytes of UTF-8 "
		    "without control characters", ctx, KEYS_NAME_MAX);
	return KEYS_OK;
}

/* The keys of a public entry, and the key id checked against them. */
static int
keys_pub_keys(const json_t *o, struct keys_public *pub, const char *ctx,
    struct keys_error *err)
{
	const char *x, *ed, *id;
	char want[KEYS_ID_MAX], safe[48];
	int rc;

	if ((rc = keys_i_json_str(o, "x25519", pub->role != KEYS_ROLE_ROOT, &x, ctx, err)) ||
	    (rc = keys_i_json_str(o, "ed25519", 1, &ed, ctx, err)) ||
	    (rc = keys_i_json_str(o, "key_id", 1, &id, ctx, err)))
		return rc;
	if (pub->role == KEYS_ROLE_ROOT && x != NULL)
		return KEYS_FAIL(err, KEYS_E_ROLE, "%sa root key has no x25519 key", ctx);
	if (x != NULL && (keys_i_b64_exact(x, pub->x25519, KEYS_X25519_BYTES) != 0 ||
	    !keys_x25519_valid(pub->x25519)))
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "%s\"x25519\" is not a base64 X25519 "
		    "public key", ctx);
	if (keys_i_b64_exact(ed, pub->ed25519, KEYS_ED25519_PK_BYTES) != 0 ||
	    !crypto_core_ed25519_is_valid_point(pub->ed25519))
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "%s\"ed25519\" is not a base64 Ed25519 "
		    "public key", ctx);
	if (!keys_i_id_chars_valid(id))
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "%s\"key_id\" is not a key id", ctx);
	keys_i_make_id(pub, want);
	if (strcmp(id, want) != 0)
		return KEYS_FAIL(err, KEYS_E_KEYID, "%skey_id %s does not match its keys "
		    "(they make %s)", ctx, keys_i_safe(id, safe), want);
	memcpy(pub->key_id, want, strlen(want) + 1);
	return KEYS_OK;
}

static int
keys_pub_from_json(json_t *o, enum pub_mode mode, struct keys_public *pub, const char *ctx,
    struct keys_error *err)
{
	static const char *const file_fields[] = { "format", "version", "role", "dealer",
	    "name", "key_id", "x25519", "ed25519", "created", NULL };
	static const char *const entry_fields[] = { "role", "dealer", "name", "key_id",
	    "x25519", "ed25519", NULL };
	const char *role, *dealer, *name, *created;
	char safe[48];
	int rc;

	memset(pub, 0, sizeof(*pub));
	if (mode == PUB_FILE &&
	    (rc = keys_i_json_format(o, PUBLIC_FORMAT, "public key file", err)) != KEYS_OK)
		return rc;
	if ((rc = keys_i_json_only(o, mode == PUB_FILE ? file_fields : entry_fields, ctx,
	    err)) != KEYS_OK)
		return rc;
	if ((rc = keys_i_json_str(o, "role", 1, &role, ctx, err)) ||
	    (rc = keys_i_json_str(o, "dealer", 0, &dealer, ctx, err)) ||
	    (rc = keys_i_json_str(o, "name", 1, &name, ctx, err)) ||
	    (rc = keys_i_json_str(o, "created", mode == PUB_FILE, &created, ctx, err)))
		return rc;
	if ((pub->role = keys_role_parse(role)) == 0)
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "%sunknown role \"%s\" (expected root, "
		    "hq, dealer or privacy)", ctx, keys_i_safe(role, safe));
	if ((rc = keys_i_check_holder(pub->role, dealer, name, ctx, err)) != KEYS_OK)
		return rc;
	if (dealer != NULL)
		memcpy(pub->dealer, dealer, strlen(dealer) + 1);
	memcpy(pub->name, name, strlen(name) + 1);
	if (created != NULL) {
		if (keys_parse_time(created) != 0)
			return KEYS_FAIL(err, KEYS_E_MALFORMED, "%s\"created\" is not a time "
			    "like 2025-01-31T09:00:00Z", ctx);
		memcpy(pub->created, created, KEYS_TIME_MAX);
	}
	return keys_pub_keys(o, pub, ctx, err);
}

/* Adds a member, taking the reference; -1 when memory ran out (v NULL included). */
int
keys_i_json_set(json_t *o, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, key, v);
}

static json_t *
keys_pub_to_json(const struct keys_public *pub, enum pub_mode mode)
{
	json_t *o;
	int bad = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	if (mode == PUB_FILE) {
		bad |= keys_i_json_set(o, "format", json_string(PUBLIC_FORMAT));
		bad |= keys_i_json_set(o, "version", json_integer(KEYS_I_FORMAT_VERSION));
	}
	bad |= keys_i_json_set(o, "role", json_string(keys_role_name(pub->role)));
	if (pub->role == KEYS_ROLE_DEALER)
		bad |= keys_i_json_set(o, "dealer", json_string(pub->dealer));
	bad |= keys_i_json_set(o, "name", json_string(pub->name));
	bad |= keys_i_json_set(o, "key_id", json_string(pub->key_id));
	if (pub->role != KEYS_ROLE_ROOT)
		bad |= keys_i_json_set(o, "x25519", keys_i_b64_json(pub->x25519,
		    sizeof(pub->x25519)));
	bad |= keys_i_json_set(o, "ed25519", keys_i_b64_json(pub->ed25519, sizeof(pub->ed25519)));
	if (mode == PUB_FILE)
		bad |= keys_i_json_set(o, "created", json_string(pub->created));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Dumps O with flags, with a final newline when it is for a file. */
int
keys_i_json_text(const json_t *o, size_t flags, int newline, char **outp, size_t *lenp,
    struct keys_error *err)
{
	char *s, *t;
	size_t len;

	*outp = NULL;
	*lenp = 0;
	if ((s = json_dumps(o, flags)) == NULL)
		return KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
	len = strlen(s);
	if (newline) {
		if ((t = realloc(s, len + 2)) == NULL) {
			free(s);
			return KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
		}
		s = t;
		s[len++] = '\n';
		s[len] = '\0';
	}
	*outp = s;
	*lenp = len;
	return KEYS_OK;
}

int
keys_public_load(const char *buf, size_t len, struct keys_public *pub, struct keys_error *err)
{
	json_t *o = NULL;
	int rc;

	memset(pub, 0, sizeof(*pub));
	if ((rc = keys_i_sodium(err)) != KEYS_OK)
		return rc;
	if (len > KEYS_I_FILE_MAX_BYTES)
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "too large for a public key file");
	if ((rc = keys_i_json_parse(buf, len, &o, err)) == KEYS_OK)
		rc = keys_pub_from_json(o, PUB_FILE, pub, "", err);
	json_decref(o);
	if (rc != KEYS_OK)
		memset(pub, 0, sizeof(*pub));
	return rc;
}

int
keys_public_read(const char *path, struct keys_public *pub, struct keys_error *err)
{
	char *data;
	size_t len;
	int rc;

	memset(pub, 0, sizeof(*pub));
	if (fs_read_file(path, &data, &len) == -1)
		return KEYS_FAIL(err, KEYS_E_SYSTEM, "%s: %s", path, strerror(errno));
	if ((rc = keys_public_load(data, len, pub, err)) != KEYS_OK)
		keys_i_err_file(err, path);
	free(data);
	return rc;
}

int
keys_public_dump(const struct keys_public *pub, char **outp, size_t *lenp,
    struct keys_error *err)
{
	json_t *o;
	int rc;

	*outp = NULL;
	if ((o = keys_pub_to_json(pub, PUB_FILE)) == NULL)
		return KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
	rc = keys_i_json_text(o, JSON_INDENT(2), 1, outp, lenp, err);
	json_decref(o);
	return rc;
}

/*
 * Keyrings.
 */

int
keys_i_keyring_dups(const struct keys_public *k, size_t n, const char *ctx,
    struct keys_error *err)
{
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = 0; j < i; j++) {
			if (strcmp(k[i].key_id, k[j].key_id) == 0)
				return KEYS_FAIL(err, KEYS_E_DUPLICATE, "%skey %s is listed "
				    "twice", ctx, k[i].key_id);
			if (memcmp(k[i].ed25519, k[j].ed25519, sizeof(k[i].ed25519)) == 0 ||
			    memcmp(k[i].x25519, k[j].x25519, sizeof(k[i].x25519)) == 0)
				return KEYS_FAIL(err, KEYS_E_DUPLICATE, "%skeys %s and %s share "
				    "a public key", ctx, k[j].key_id, k[i].key_id);
		}
	return KEYS_OK;
}

/*
 * A keyring lists the keys that may receive data (hq and dealer) and those that may ask
 * for counts (privacy), never the root.
 */
int
keys_i_keyring_role(const struct keys_public *k, const char *ctx, struct keys_error *err)
{
	if (k->role != KEYS_ROLE_HQ && k->role != KEYS_ROLE_DEALER &&
	    k->role != KEYS_ROLE_PRIVACY)
		return KEYS_FAIL(err, KEYS_E_ROLE, "%s%s is a %s key; a keyring lists hq, "
		    "dealer and privacy keys only", ctx, k->key_id, keys_role_name(k->role));
	return KEYS_OK;
}

json_t *
keys_i_keyring_body(const struct keys_public *root, const struct keys_public *keys,
    size_t nkeys, const char *expires, const char *issued)
{
	json_t *o, *arr;
	size_t i;
	int bad = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	bad |= keys_i_json_set(o, "format", json_string(KEYRING_FORMAT));
	bad |= keys_i_json_set(o, "version", json_integer(KEYS_I_FORMAT_VERSION));
	bad |= keys_i_json_set(o, "issued", json_string(issued));
	bad |= keys_i_json_set(o, "expires", json_string(expires));
	bad |= keys_i_json_set(o, "root_key_id", json_string(root->key_id));
	bad |= keys_i_json_set(o, "keys", arr = json_array());
	for (i = 0; !bad && i < nkeys; i++)
		bad |= json_array_append_new(arr, keys_pub_to_json(&keys[i], PUB_ENTRY));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The bytes the root signs: see keys.h. */
int
keys_i_keyring_canon(const json_t *body, char **outp, size_t *lenp, struct keys_error *err)
{
	return keys_i_json_text(body, JSON_SORT_KEYS | JSON_COMPACT, 0, outp, lenp, err);
}

/* Takes "signature" out of O and checks it against the pinned root. */
static int
keys_keyring_verify(json_t *o, const struct keys_public *root, struct keys_error *err)
{
	unsigned char sig[KEYS_I_SIG_BYTES];
	const char *s, *rid;
	char *canon = NULL, safe[48];
	size_t canonlen;
	int rc;

	if ((rc = keys_i_json_str(o, "signature", 0, &s, "", err)) != KEYS_OK)
		return rc;
	if (s == NULL || s[0] == '\0')
		return KEYS_FAIL(err, KEYS_E_UNSIGNED, "the keyring is not signed (no "
		    "\"signature\"); sign it with showroom keyring sign");
	if (keys_i_b64_exact(s, sig, sizeof(sig)) != 0)
		return KEYS_FAIL(err, KEYS_E_BADSIG, "\"signature\" is not a base64 Ed25519 "
		    "signature");
	if ((rc = keys_i_json_str(o, "root_key_id", 1, &rid, "", err)) != KEYS_OK)
		return rc;
	if (strcmp(rid, root->key_id) != 0)
		return KEYS_FAIL(err, KEYS_E_WRONGROOT, "the keyring names root key %s, but the "
		    "pinned root is %s", keys_i_safe(rid, safe), root->key_id);
	json_object_del(o, "signature");
	if ((rc = keys_i_keyring_canon(o, &canon, &canonlen, err)) != KEYS_OK)
		return rc;
	if (crypto_sign_verify_detached(sig, (const unsigned char *)canon, canonlen,
	    root->ed25519) != 0)
		rc = KEYS_FAIL(err, KEYS_E_BADSIG, "bad signature: the keyring was changed after "
		    "it was signed, or signed by another key");
	free(canon);
	return rc;
}

/* The "keys" array, checked entry by entry and as a whole. */
static int
keys_keyring_entries(const json_t *arr, struct keys_keyring *kr, struct keys_error *err)
{
	char ctx[48];
	size_t i, n;
	int rc;

	if (!json_is_array(arr))
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "\"keys\" is missing or not an array");
	if ((n = json_array_size(arr)) == 0 || n > KEYS_KEYRING_MAX_KEYS)
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "\"keys\" must list 1 to %d keys",
		    KEYS_KEYRING_MAX_KEYS);
	if ((kr->keys = calloc(n, sizeof(*kr->keys))) == NULL)
		return KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		snprintf(ctx, sizeof(ctx), "keys[%zu]: ", i);
		if (!json_is_object(json_array_get(arr, i)))
			return KEYS_FAIL(err, KEYS_E_MALFORMED, "%snot an object", ctx);
		if ((rc = keys_pub_from_json(json_array_get(arr, i), PUB_ENTRY, &kr->keys[i],
		    ctx, err)) != KEYS_OK ||
		    (rc = keys_i_keyring_role(&kr->keys[i], ctx, err)) != KEYS_OK)
			return rc;
		kr->nkeys++;
	}
	return keys_i_keyring_dups(kr->keys, kr->nkeys, "", err);
}

static int
keys_keyring_parse(const char *buf, size_t len, const struct keys_public *root, int verify,
    time_t now, struct keys_keyring *kr, struct keys_error *err)
{
	static const char *const fields[] = { "format", "version", "issued", "expires",
	    "root_key_id", "keys", "signature", NULL };
	const char *issued, *expires, *rid;
	json_t *o = NULL;
	int rc;

	memset(kr, 0, sizeof(*kr));
	if ((rc = keys_i_sodium(err)) != KEYS_OK)
		return rc;
	if (verify && (root == NULL || root->role != KEYS_ROLE_ROOT))
		return KEYS_FAIL(err, KEYS_E_ROLE, "the pinned key is not a root key");
	if (len > KEYS_KEYRING_MAX_BYTES)
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "too large for a keyring");
	if ((rc = keys_i_json_parse(buf, len, &o, err)) != KEYS_OK)
		return rc;
	if ((rc = keys_i_json_format(o, KEYRING_FORMAT, "keyring", err)) ||
	    (rc = keys_i_json_only(o, fields, "", err)))
		goto out;
	if (verify && (rc = keys_keyring_verify(o, root, err)) != KEYS_OK)
		goto out;
	if ((rc = keys_i_json_str(o, "issued", 1, &issued, "", err)) ||
	    (rc = keys_i_json_str(o, "expires", 1, &expires, "", err)) ||
	    (rc = keys_i_json_str(o, "root_key_id", 1, &rid, "", err)))
		goto out;
	if (keys_parse_time(issued) != 0 || keys_date_end(expires, &kr->expires_at) != 0 ||
	    !keys_i_id_chars_valid(rid) || strncmp(rid, "root-", 5) != 0) {
		rc = KEYS_FAIL(err, KEYS_E_MALFORMED, "\"issued\", \"expires\" or "
		    "\"root_key_id\" is invalid");
		goto out;
	}
	memcpy(kr->issued, issued, KEYS_TIME_MAX);
	memcpy(kr->expires, expires, KEYS_DATE_MAX);
	memcpy(kr->root_key_id, rid, strlen(rid) + 1);
	if ((rc = keys_keyring_entries(json_object_get(o, "keys"), kr, err)) != KEYS_OK)
		goto out;
	if (verify && keys_keyring_expired(kr, now))
		rc = KEYS_FAIL(err, KEYS_E_EXPIRED, "the keyring expired at the end of %s (UTC); "
		    "sign a new one with showroom keyring sign", kr->expires);
out:
	json_decref(o);
	if (rc != KEYS_OK)
		keys_keyring_free(kr);
	return rc;
}

int
keys_keyring_load(const char *buf, size_t len, const struct keys_public *root, time_t now,
    struct keys_keyring *kr, struct keys_error *err)
{
	return keys_keyring_parse(buf, len, root, 1, now, kr, err);
}

int
keys_keyring_inspect(const char *buf, size_t len, struct keys_keyring *kr,
    struct keys_error *err)
{
	return keys_keyring_parse(buf, len, NULL, 0, 0, kr, err);
}

int
keys_keyring_read(const char *path, const struct keys_public *root, time_t now,
    struct keys_keyring *kr, struct keys_error *err)
{
	char *data;
	size_t len;
	int rc;

	memset(kr, 0, sizeof(*kr));
	if (fs_read_file(path, &data, &len) == -1)
		return KEYS_FAIL(err, KEYS_E_SYSTEM, "%s: %s", path, strerror(errno));
	if ((rc = keys_keyring_load(data, len, root, now, kr, err)) != KEYS_OK)
		keys_i_err_file(err, path);
	free(data);
	return rc;
}

void
keys_keyring_free(struct keys_keyring *kr)
{
	if (kr == NULL)
		return;
	free(kr->keys);
	memset(kr, 0, sizeof(*kr));
}

int
keys_keyring_expired(const struct keys_keyring *kr, time_t now)
{
	return now >= kr->expires_at;
}

const struct keys_public *
keys_keyring_find(const struct keys_keyring *kr, const char *key_id)
{
	size_t i;

	for (i = 0; i < kr->nkeys; i++)
		if (strcmp(kr->keys[i].key_id, key_id) == 0)
			return &kr->keys[i];
	return NULL;
}

size_t
keys_keyring_hq(const struct keys_keyring *kr, const struct keys_public **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < kr->nkeys; i++)
		if (kr->keys[i].role == KEYS_ROLE_HQ) {
			if (n < max)
				out[n] = &kr->keys[i];
			n++;
		}
	return n;
}

size_t
keys_keyring_dealer(const struct keys_keyring *kr, const char *code,
    const struct keys_public **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < kr->nkeys; i++)
		if (kr->keys[i].role == KEYS_ROLE_DEALER &&
		    strcmp(kr->keys[i].dealer, code) == 0) {
			if (n < max)
				out[n] = &kr->keys[i];
			n++;
		}
	return n;
}
