/*
 * application/x-www-form-urlencoded decoder; see form.h for the accepted language.
 *
 * Every decoded name and value is written into one arena, allocated once per call:
 * decoding never makes a string longer, so the body length plus two NULs per pair
 * is enough. One allocation means one wipe and one free, on every path.
 */
#include "seal/form.h"
#include "lib/text.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char *const form_messages[][LANG_COUNT] = {
	[FORM_OK] = { "", "" },
	[FORM_ERR_TOO_LARGE] = {
		"送信された内容が大きすぎます（16KiBまで）。",
		"The form is too large (at most 16 KiB)." },
	[FORM_ERR_TOO_MANY] = {
		"送信された項目が多すぎます。",
		"The form has too many fields." },
	[FORM_ERR_NAME] = {
		"項目名が正しくありません。",
		"A field name is not valid." },
	[FORM_ERR_ESCAPE] = {
		"送信データの符号化（%エスケープ）が正しくありません。",
		"The form data is badly encoded (invalid % escape)." },
	[FORM_ERR_VALUE_TOO_LONG] = {
		"入力が長すぎます（4096バイトまで）。",
		"The value is too long (at most 4096 bytes)." },
	[FORM_ERR_CONTROL] = {
		"制御文字は使えません。",
		"Control characters are not allowed." },
	[FORM_ERR_UTF8] = {
		"文字コードがUTF-8として正しくありません。",
		"The text is not valid UTF-8." },
	[FORM_ERR_NOMEM] = {
		"サーバーが混み合っています。しばらくしてからもう一度お試しください。",
		"The server is busy. Please try again later." },
};

const char *
form_strerror(enum form_errcode code, enum lang lang)
{
	if ((unsigned)code > FORM_ERR_NOMEM || (unsigned)lang >= LANG_COUNT)
		return "";
	return form_messages[code][lang];
}

static int
form_set_error(struct form_error *err, enum form_errcode code, size_t pair,
    size_t offset, const char *name)
{
	int l;

	if (err == NULL)
		return -1;
	memset(err, 0, sizeof(*err));
	err->code = code;
	err->pair = pair;
	err->offset = offset;
	if (name != NULL)
		snprintf(err->name, sizeof(err->name), "%s", name);
	for (l = 0; l < LANG_COUNT; l++) {
		if (err->name[0] == '\0')
			snprintf(err->msg[l], sizeof(err->msg[l]), "%s",
			    form_messages[code][l]);
		else
			snprintf(err->msg[l], sizeof(err->msg[l]),
			    l == LANG_JA ? "項目「%s」: %s" : "Field \"%s\": %s",
			    err->name, form_messages[code][l]);
	}
	return -1;
}

/*
 * Percent-decodes s[0..n) into dst (which has room for n bytes). Stops with
 * FORM_ERR_ESCAPE at a bad escape and with toolong once more than max bytes came out.
 */
static enum form_errcode
form_unescape(const char *s, size_t n, char *dst, size_t max,
    enum form_errcode toolong, size_t *outlen)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (o == max)
			return toolong;
		if (s[i] == '+')
			dst[o++] = ' ';
		else if (s[i] != '%')
			dst[o++] = s[i];
		else {
			if (n - i < 3 ||
			    (hi = text_hexval((unsigned char)s[i + 1])) == -1 ||
			    (lo = text_hexval((unsigned char)s[i + 2])) == -1)
				return FORM_ERR_ESCAPE;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	*outlen = o;
	return FORM_OK;
}

static enum form_errcode
form_check_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return FORM_ERR_NAME;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			return FORM_ERR_NAME;
	return FORM_OK;
}

/* Controls other than TAB, LF and CR: C0, DEL and C1. */
static int
form_is_bad_control(utf8proc_int32_t cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return 0;
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static enum form_errcode
form_check_value(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	size_t i = 0;

	while (i < n) {
		k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			return FORM_ERR_UTF8;
		if (form_is_bad_control(cp))
			return FORM_ERR_CONTROL;
		i += (size_t)k;
	}
	return FORM_OK;
}

/* CR LF and lone CR become LF, in place, so that limits count one byte per line break. */
static size_t
form_fold_newlines(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			s[o++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else
			s[o++] = s[i];
	}
	return o;
}

static void
form_init(struct form *f)
{
	memset(f, 0, sizeof(*f));
}

/* Decodes one "name=value" segment into the arena at *w and appends the pair. */
static enum form_errcode
form_add_pair(struct form *f, const char *seg, size_t n, size_t *w)
{
	const char *eq = memchr(seg, '=', n);
	size_t nraw = eq ? (size_t)(eq - seg) : n;
	char *name = f->arena + *w, *value;
	size_t nlen, vlen = 0;
	enum form_errcode rc;

	if ((rc = form_unescape(seg, nraw, name, FORM_MAX_NAME, FORM_ERR_NAME,
	    &nlen)) != FORM_OK)
		return rc;
	if ((rc = form_check_name(name, nlen)) != FORM_OK)
		return rc;
	name[nlen] = '\0';
	value = name + nlen + 1;
	f->v[f->n].name = name;
	if (eq != NULL) {
		/* The name is valid from here on, so errors may cite it. */
		if ((rc = form_unescape(eq + 1, n - nraw - 1, value, FORM_MAX_VALUE,
		    FORM_ERR_VALUE_TOO_LONG, &vlen)) != FORM_OK)
			return rc;
		if ((rc = form_check_value(value, vlen)) != FORM_OK)
			return rc;
		vlen = form_fold_newlines(value, vlen);
	}
	value[vlen] = '\0';
	f->v[f->n].value = value;
	f->v[f->n].len = vlen;
	f->n++;
	*w += nlen + 1 + vlen + 1;
	return FORM_OK;
}

int
form_decode(const char *body, size_t len, struct form *out, struct form_error *err)
{
	const char *seg, *amp;
	size_t p = 0, n, w = 0;
	enum form_errcode rc;

	form_init(out);
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (len > FORM_MAX_BODY)
		return form_set_error(err, FORM_ERR_TOO_LARGE, 0, 0, NULL);
	out->arenasz = len + 2 * FORM_MAX_PAIRS + 1;
	if ((out->arena = malloc(out->arenasz)) == NULL) {
		out->arenasz = 0;
		return form_set_error(err, FORM_ERR_NOMEM, 0, 0, NULL);
	}
	while (p < len) {
		seg = body + p;
		amp = memchr(seg, '&', len - p);
		n = amp ? (size_t)(amp - seg) : len - p;
		if (n > 0) {
			if (out->n == FORM_MAX_PAIRS) {
				form_set_error(err, FORM_ERR_TOO_MANY, out->n, p, NULL);
				goto fail;
			}
			/* name is set once it is known to be valid; cleared first. */
			out->v[out->n].name = NULL;
			if ((rc = form_add_pair(out, seg, n, &w)) != FORM_OK) {
				form_set_error(err, rc, out->n, p,
				    out->v[out->n].name);
				goto fail;
			}
		}
		p += n + 1;
	}
	return 0;
fail:
	form_free(out);
	return -1;
}

void
form_free(struct form *f)
{
	if (f->arena != NULL) {
		sodium_memzero(f->arena, f->arenasz);
		free(f->arena);
	}
	form_init(f);
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return f->v[i].value;
	return NULL;
}

size_t
form_count(const struct form *f, const char *name)
{
	size_t i, c = 0;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			c++;
	return c;
}
