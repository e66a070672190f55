/*
 * Fuzz target for the form decoder and the data inventory. Two kinds of input:
 *   - a request body: decoded, then validated as both forms;
 *   - 0xFF, a byte choosing a table row, then raw bytes: those bytes become that
 *     field's value in an otherwise valid form of the row's kind, so that the
 *     normalizers are reached on every run (0xFF never starts a decodable body).
 * Reference data is permissive (every well-formed code exists). Checked every time:
 *   - a decoded form keeps the decoder's promises (names, UTF-8, no controls, limits);
 *   - a failed decode leaves nothing behind and explains itself in both languages;
 *   - results agree with their errors: OK has none, INVALID keeps no value;
 *   - an accepted record is padded to a multiple of 256 bytes, parses as one JSON
 *     object and holds inventory fields only;
 *   - normalization is idempotent: the accepted values, sent again, are accepted
 *     and give the very same record.
 *
 * Build and run:
 *   mkdir -p build-fuzz
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     fuzz/fuzz_form.c src/seal/form.c src/seal/inventory*.c src/lib/buf.c \
 *     src/lib/prefecture.c src/lib/i18n.c \
 *     $(pkg-config --cflags --libs libutf8proc libsodium jansson) \
 *     -o build-fuzz/fuzz_form
 *   build-fuzz/fuzz_form -dict=fuzz/form.dict -max_len=17000 fuzz/corpus/form
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "seal/form.h"
#include "seal/inventory.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fz_yes(void *arg, const char *code)
{
	return 1;
}

static int
fz_prefecture(void *arg, int code)
{
	return code != 46;	/* one hole, so refusals by reference get exercised */
}

static int
fz_has(void *arg, const char *dealer, const char *model)
{
	return (dealer[0] ^ model[0]) & 1 ? 0 : 1;
}

static const struct inventory_refs fz_refs = {
	fz_yes, fz_yes, fz_prefecture, fz_has, NULL
};

static void
fz_check_form(const struct form *f)
{
	const utf8proc_uint8_t *p;
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	size_t i, j, n;

	if (f->n > FORM_MAX_PAIRS)
		abort();
	for (i = 0; i < f->n; i++) {
		n = strlen(f->v[i].name);
		if (n == 0 || n > FORM_MAX_NAME ||
		    strspn(f->v[i].name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
			abort();
		if (strlen(f->v[i].value) != f->v[i].len || f->v[i].len > FORM_MAX_VALUE)
			abort();
		p = (const utf8proc_uint8_t *)f->v[i].value;
		for (j = 0; j < f->v[i].len; j += (size_t)k) {
			k = utf8proc_iterate(p + j, (utf8proc_ssize_t)(f->v[i].len - j),
			    &cp);
			if (k <= 0 || cp == '\r' || (cp < 0x20 && cp != '\t' &&
			    cp != '\n') || (cp >= 0x7f && cp <= 0x9f))
				abort();
		}
	}
}

static void
fz_encode(struct buf *b, const char *name, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (b->len > 0 && buf_putc(b, '&') == -1)
		abort();
	if (buf_printf(b, "%s=", name) == -1)
		abort();
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]) == -1)
			abort();
}

/* Sends the accepted values again: they must pass unchanged. */
static void
fz_idempotent(enum form_kind kind, const struct inventory_values *vals,
    const struct buf *record)
{
	struct inventory_values again;
	struct inventory_errors errs;
	struct buf body = BUF_INIT, rec = BUF_INIT;
	struct form f;
	size_t i, j;

	fz_encode(&body, INVENTORY_IDEM, vals->idem);
	for (i = 0; i < INVENTORY_NFIELDS; i++)
		for (j = 0; j < vals->f[i].n; j++)
			fz_encode(&body, inventory_fields[i].name, vals->f[i].v[j]);
	if (form_decode(body.data, body.len, &f, NULL) != 0)
		abort();
	if (inventory_validate(kind, &f, &fz_refs, &again, &errs) != INVENTORY_OK)
		abort();
	if (inventory_record_json(kind, &again, &rec) != 0 ||
	    rec.len != record->len || memcmp(rec.data, record->data, rec.len) != 0)
		abort();
	inventory_values_free(&again);
	form_free(&f);
	buf_wipe(&rec);
	buf_wipe(&body);
}

static void
fz_check_record(enum form_kind kind, const struct buf *rec)
{
	const char *key;
	json_t *j, *v;

	if (rec->len == 0 || rec->len % 256 != 0)
		abort();
	if ((j = json_loadb(rec->data, rec->len, 0, NULL)) == NULL ||
	    !json_is_object(j))
		abort();
	json_object_foreach(j, key, v) {
		if (strcmp(key, "v") != 0 && strcmp(key, "kind") != 0 &&
		    inventory_find(kind, key) == -1)
			abort();
	}
	json_decref(j);
}

static void
fz_validate(enum form_kind kind, const struct form *f)
{
	struct inventory_values vals;
	struct inventory_errors errs;
	struct buf rec = BUF_INIT;
	enum inventory_result r;
	json_t *view;
	size_t i;

	r = inventory_validate(kind, f, &fz_refs, &vals, &errs);
	switch (r) {
	case INVENTORY_OK:
		if (errs.n != 0 || inventory_record_json(kind, &vals, &rec) != 0)
			abort();
		fz_check_record(kind, &rec);
		fz_idempotent(kind, &vals, &rec);
		break;
	case INVENTORY_INVALID:
	case INVENTORY_REJECT:
	case INVENTORY_HONEYPOT:
		if ((r == INVENTORY_HONEYPOT) != (errs.n == 0))
			abort();
		for (i = 0; i < INVENTORY_NFIELDS; i++)
			if (vals.f[i].n != 0)
				abort();
		break;
	case INVENTORY_ERROR:
		break;		/* out of memory */
	}
	if ((view = inventory_form_view(kind, kind == FORM_CATALOG ? LANG_JA : LANG_EN,
	    f, &errs)) != NULL)
		json_decref(view);
	buf_wipe(&rec);
	inventory_values_free(&vals);
}

/* A valid form of the row's kind, with the row's value replaced by v[0..n). */
static void
fz_field_body(int row, const uint8_t *v, size_t n, struct buf *b)
{
	static const char *const base[FORM_KINDS] = {
		"idem=k7Qw-2xZ_p9LmN4r&models=aoba&name=Taro&postal_code=1000001"
		    "&prefecture=13&address1=x&address2=y",
		"idem=k7Qw-2xZ_p9LmN4r&model=aoba&dealer=cde&slot=2030-04-01T10:00"
		    "&name=Taro&phone=0312345678&email=t@example.jp&note=n&licence=yes",
	};
	static const char hex[] = "0123456789ABCDEF";
	const struct inventory_field *fld = &inventory_fields[row];
	const char *p = base[fld->form], *amp;
	size_t len, nlen = strlen(fld->name), i;

	while (*p != '\0') {
		amp = strchr(p, '&');
		len = amp ? (size_t)(amp - p) : strlen(p);
		if (b->len > 0 && buf_putc(b, '&') == -1)
			abort();
		if (len > nlen && p[nlen] == '=' && memcmp(p, fld->name, nlen) == 0) {
			if (buf_printf(b, "%s=", fld->name) == -1)
				abort();
			for (i = 0; i < n; i++)
				if (buf_printf(b, "%%%c%c", hex[v[i] >> 4],
				    hex[v[i] & 15]) == -1)
					abort();
		} else if (buf_append(b, p, len) == -1)
			abort();
		p += len + (amp != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf body = BUF_INIT;
	struct form f;
	struct form_error err;

	if (size >= 2 && data[0] == 0xff) {
		fz_field_body(data[1] % INVENTORY_NFIELDS, data + 2, size - 2, &body);
		data = (const uint8_t *)body.data;
		size = body.len;
	}
	if (form_decode((const char *)data, size, &f, &err) != 0) {
		if (f.n != 0 || f.arena != NULL || err.code == FORM_OK ||
		    err.msg[LANG_JA][0] == '\0' || err.msg[LANG_EN][0] == '\0')
			abort();
		buf_free(&body);
		return 0;
	}
	fz_check_form(&f);
	fz_validate(FORM_CATALOG, &f);
	fz_validate(FORM_TEST_DRIVE, &f);
	form_free(&f);
	buf_free(&body);
	return 0;
}
