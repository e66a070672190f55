/*
 * One content file's parse context: the JSON path of the value at hand, typed access to
 * members, and the checks every text gets. Every problem becomes a diagnostic and
 * parsing goes on, so that one run reports everything.
 */
#include "content/content_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define CPARSE_KEY_SHOWN	64	/* bytes of a key quoted in a path */

static const char *const cparse_text_keys[] = { "ja", "en", NULL };

void
cparse_init(struct cparse *cp, const char *file, struct content_diags *d)
{
	memset(cp, 0, sizeof(*cp));
	cp->file = file;
	cp->d = d;
	if (buf_puts(&cp->path, "$") == -1)
		cparse_oom(cp);
}

int
cparse_end(struct cparse *cp)
{
	if (cp->oom)
		content_diags_add(cp->d, cp->file, "$", "out of memory");
	buf_free(&cp->path);
	return cp->nerr == 0 ? 0 : -1;
}

void
cparse_oom(struct cparse *cp)
{
	cp->oom = 1;
	cp->nerr++;
}

static const char *
cparse_path(const struct cparse *cp)
{
	return cp->path.data != NULL ? cp->path.data : "$";
}

/* Counts an error and records it at the current path, or at KEY below it. */
static void __attribute__((format(printf, 3, 0)))
cparse_verror(struct cparse *cp, const char *key, const char *fmt, va_list ap)
{
	size_t mark = 0;
	char *msg;

	cp->nerr++;
	if (vasprintf(&msg, fmt, ap) == -1) {
		cp->oom = 1;
		return;
	}
	if (key != NULL)
		mark = cparse_push_key(cp, key);
	content_diags_add(cp->d, cp->file, cparse_path(cp), "%s", msg);
	if (key != NULL)
		cparse_pop(cp, mark);
	free(msg);
}

void
cparse_error(struct cparse *cp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cparse_verror(cp, NULL, fmt, ap);
	va_end(ap);
}

void
cparse_error_at(struct cparse *cp, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cparse_verror(cp, key, fmt, ap);
	va_end(ap);
}

static int
cparse_ascii_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Keys of the schema read best as ".key"; anything else is quoted, escaped and cut. */
static int
cparse_quote_key(struct buf *b, const char *key)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)key;
	utf8proc_ssize_t n, left = (utf8proc_ssize_t)strlen(key);
	utf8proc_int32_t c;
	size_t start = b->len;
	int rc;

	rc = buf_puts(b, "[\"");
	while (left > 0 && rc == 0) {
		if (b->len - start > CPARSE_KEY_SHOWN) {
			rc = buf_puts(b, "…");
			break;
		}
		n = utf8proc_iterate(p, left, &c);
		if (n < 0) {
			rc = buf_printf(b, "\\x%02x", *p);
			n = 1;
		} else if (c == '"' || c == '\\')
			rc = buf_printf(b, "\\%c", (char)c);
		else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			rc = buf_printf(b, "\\u%04x", (unsigned)c);
		else
			rc = buf_append(b, p, (size_t)n);
		p += n;
		left -= n;
	}
	if (rc == 0)
		rc = buf_puts(b, "\"]");
	return rc;
}

size_t
cparse_push_key(struct cparse *cp, const char *key)
{
	size_t mark = cp->path.len, i;
	int plain = key[0] != '\0', rc;

	for (i = 0; key[i] != '\0' && plain; i++)
		if (i >= CPARSE_KEY_SHOWN || !cparse_ascii_word((unsigned char)key[i]))
			plain = 0;
	if (plain)
		rc = buf_printf(&cp->path, ".%s", key);
	else
		rc = cparse_quote_key(&cp->path, key);
	if (rc == -1)
		cparse_oom(cp);
	return mark;
}

size_t
cparse_push_index(struct cparse *cp, size_t i)
{
	size_t mark = cp->path.len;

	if (buf_printf(&cp->path, "[%zu]", i) == -1)
		cparse_oom(cp);
	return mark;
}

void
cparse_pop(struct cparse *cp, size_t mark)
{
	if (cp->path.data != NULL && mark <= cp->path.len) {
		cp->path.len = mark;
		cp->path.data[mark] = '\0';
	}
}

const char *
cparse_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a decimal number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	}
	return "an unknown value";
}

json_t *
cparse_load(struct cparse *cp, const char *buf, size_t len)
{
	json_error_t err;
	json_t *root;

	if (buf == NULL || len == 0) {
		cparse_error(cp, "empty file: expected a JSON object");
		return NULL;
	}
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err)) == NULL) {
		switch (json_error_code(&err)) {
		case json_error_invalid_utf8:
			cparse_error(cp, "not valid UTF-8 (line %d, column %d): %s",
			    err.line, err.column, err.text);
			break;
		case json_error_duplicate_key:
			cparse_error(cp, "duplicate key (line %d, column %d): %s",
			    err.line, err.column, err.text);
			break;
		case json_error_out_of_memory:
			cparse_oom(cp);
			break;
		default:
			cparse_error(cp, "invalid JSON (line %d, column %d): %s",
			    err.line, err.column, err.text);
			break;
		}
		return NULL;
	}
	if (!cparse_is_object(cp, root)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

json_t *
cparse_member(struct cparse *cp, json_t *o, const char *key, int required)
{
	json_t *v;

	if ((v = json_object_get(o, key)) == NULL && required)
		cparse_error_at(cp, key, "missing (required)");
	return v;
}

int
cparse_is_object(struct cparse *cp, const json_t *v)
{
	if (json_is_object(v))
		return 1;
	cparse_error(cp, "must be an object, not %s", cparse_type_name(v));
	return 0;
}

/* Levenshtein distance, capped: enough to spot a typo in a key. */
static size_t
cparse_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, up;
	size_t row[CPARSE_KEY_SHOWN + 1];

	if (la > CPARSE_KEY_SHOWN || lb > CPARSE_KEY_SHOWN)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cur = prev + (a[i - 1] != b[j - 1]);
			if (up + 1 < cur)
				cur = up + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			row[j] = cur;
			prev = up;
		}
	}
	return row[lb];
}

static const char *
cparse_suggest(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t i, dist, bestdist = 3;

	for (i = 0; known[i] != NULL; i++) {
		dist = cparse_distance(key, known[i]);
		if (dist < bestdist) {
			bestdist = dist;
			best = known[i];
		}
	}
	return best;
}

void
cparse_unknown_keys(struct cparse *cp, json_t *o, const char *const *known)
{
	const char *key, *hint;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] != NULL)
			continue;
		if ((hint = cparse_suggest(key, known)) != NULL)
			cparse_error_at(cp, key, "unknown key (did you mean \"%s\"?)", hint);
		else
			cparse_error_at(cp, key, "unknown key");
	}
}

int
cparse_object(struct cparse *cp, json_t *o, const char *key, int required,
    cparse_object_fn fn, void *arg)
{
	json_t *v;
	size_t mark;
	int rc = 0;

	if ((v = cparse_member(cp, o, key, required)) == NULL)
		return required ? -1 : 1;
	mark = cparse_push_key(cp, key);
	if (cparse_is_object(cp, v))
		fn(cp, v, arg);
	else
		rc = -1;
	cparse_pop(cp, mark);
	return rc;
}

static int
cparse_blank(utf8proc_int32_t c)
{
	return c == ' ' || c == '\n' || c == 0x3000;	/* ideographic space */
}

int
cparse_text_check(const char *s, int flags, size_t *ncharsp, char *why, size_t whylen)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t n, left = (utf8proc_ssize_t)strlen(s);
	utf8proc_int32_t c;
	size_t nchars = 0;
	int blank = 1;

	for (; left > 0; p += n, left -= n, nchars++) {
		if ((n = utf8proc_iterate(p, left, &c)) < 0) {
			snprintf(why, whylen, "not valid UTF-8 (byte %zu)",
			    (size_t)(p - (const utf8proc_uint8_t *)s));
			return -1;
		}
		if (c == '\n' && !(flags & CTEXT_PARAS)) {
			snprintf(why, whylen, "must be one line (contains a line break)");
			return -1;
		}
		/* Control characters render as nothing or as garbage in HTML and PDF. */
		if ((c < 0x20 && c != '\n') || (c >= 0x7f && c < 0xa0)) {
			snprintf(why, whylen, "contains the control character U+%04X",
			    (unsigned)c);
			return -1;
		}
		if (!cparse_blank(c))
			blank = 0;
	}
	if (blank) {
		snprintf(why, whylen, "must not be empty");
		return -1;
	}
	*ncharsp = nchars;
	return 0;
}

static void
cparse_text_lang(struct cparse *cp, json_t *t, const char *lang, size_t maxchars,
    int flags, char **out)
{
	char why[128];
	json_t *v;
	size_t nchars;

	if ((v = cparse_member(cp, t, lang, 1)) == NULL)
		return;
	if (!json_is_string(v))
		cparse_error_at(cp, lang, "must be a string, not %s", cparse_type_name(v));
	else if (cparse_text_check(json_string_value(v), flags, &nchars, why,
	    sizeof(why)) == -1)
		cparse_error_at(cp, lang, "%s", why);
	else if (nchars > maxchars)
		cparse_error_at(cp, lang, "too long: %zu characters (at most %zu)",
		    nchars, maxchars);
	else if ((*out = strdup(json_string_value(v))) == NULL)
		cparse_oom(cp);
}

int
cparse_text(struct cparse *cp, json_t *o, const char *key, size_t maxchars, int flags,
    struct text *out)
{
	struct text t = { { NULL } };
	size_t mark, nerr = cp->nerr;
	json_t *v;
	int l;

	if ((v = cparse_member(cp, o, key, 1)) == NULL)
		return -1;
	mark = cparse_push_key(cp, key);
	if (!json_is_object(v)) {
		cparse_error(cp, "must be a text object {\"ja\": \"…\", \"en\": \"…\"}, not %s",
		    cparse_type_name(v));
	} else {
		for (l = 0; l < LANG_COUNT; l++)
			cparse_text_lang(cp, v, lang_code((enum lang)l), maxchars, flags,
			    &t.s[l]);
		cparse_unknown_keys(cp, v, cparse_text_keys);
	}
	cparse_pop(cp, mark);
	if (cp->nerr != nerr) {
		text_free(&t);
		return -1;
	}
	*out = t;
	return 0;
}

int
cparse_int(struct cparse *cp, json_t *o, const char *key, int required, long lo,
    long hi, long *out)
{
	json_int_t x;
	json_t *v;

	if ((v = cparse_member(cp, o, key, required)) == NULL)
		return required ? -1 : 1;
	if (!json_is_integer(v)) {
		cparse_error_at(cp, key, "must be an integer, not %s", cparse_type_name(v));
		return -1;
	}
	x = json_integer_value(v);
	if (x < lo || x > hi) {
		cparse_error_at(cp, key, "must be between %ld and %ld, not %lld", lo, hi,
		    (long long)x);
		return -1;
	}
	*out = (long)x;
	return 0;
}

int
cparse_number(struct cparse *cp, json_t *o, const char *key, int required, double lo,
    double hi, double *out)
{
	json_t *v;
	double x;

	if ((v = cparse_member(cp, o, key, required)) == NULL)
		return required ? -1 : 1;
	if (!json_is_number(v)) {
		cparse_error_at(cp, key, "must be a number, not %s", cparse_type_name(v));
		return -1;
	}
	x = json_number_value(v);
	if (!(x >= lo && x <= hi)) {
		cparse_error_at(cp, key, "must be between %g and %g, not %g", lo, hi, x);
		return -1;
	}
	*out = x;
	return 0;
}

int
cparse_string(struct cparse *cp, json_t *o, const char *key, int required,
    content_format_fn check, char **out)
{
	const char *why;
	json_t *v;

	if ((v = cparse_member(cp, o, key, required)) == NULL)
		return required ? -1 : 1;
	if (!json_is_string(v)) {
		cparse_error_at(cp, key, "must be a string, not %s", cparse_type_name(v));
		return -1;
	}
	if ((why = check(json_string_value(v))) != NULL) {
		cparse_error_at(cp, key, "%s", why);
		return -1;
	}
	if ((*out = strdup(json_string_value(v))) == NULL) {
		cparse_oom(cp);
		return -1;
	}
	return 0;
}

static int
cparse_enum_list(struct buf *b, const char *const *names)
{
	size_t i;
	int rc = 0;

	for (i = 0; names[i] != NULL && rc == 0; i++)
		rc = buf_printf(b, "%s\"%s\"", i ? ", " : "", names[i]);
	return rc;
}

int
cparse_enum(struct cparse *cp, json_t *o, const char *key, const char *const *names,
    int *out)
{
	struct buf list = BUF_INIT;
	const char *s;
	json_t *v;
	int i;

	if ((v = cparse_member(cp, o, key, 1)) == NULL)
		return -1;
	if (!json_is_string(v)) {
		cparse_error_at(cp, key, "must be a string, not %s", cparse_type_name(v));
		return -1;
	}
	s = json_string_value(v);
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	if (cparse_enum_list(&list, names) == -1)
		cparse_oom(cp);
	else if (strlen(s) <= 40)
		cparse_error_at(cp, key, "unknown value \"%s\": must be one of %s", s,
		    list.data);
	else
		cparse_error_at(cp, key, "unknown value: must be one of %s", list.data);
	buf_free(&list);
	return -1;
}
