/*
 * Form decoder tests: the urlencoded grammar, every limit at its boundary, and the
 * hostile inputs it must refuse (bad escapes, NUL and controls, invalid UTF-8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "seal/form.h"

/* Decodes a NUL-terminated body; returns form_decode's result. */
static int
decode(const char *body, struct form *f, struct form_error *err)
{
	return form_decode(body, strlen(body), f, err);
}

/* Expects body to fail with code; checks the form was left empty. */
static void
want_error(const char *body, size_t len, enum form_errcode code)
{
	struct form f;
	struct form_error err;

	if (form_decode(body, len, &f, &err) != -1 || err.code != code) {
		fprintf(stderr, "body %.60s: code %d, want %d\n", body,
		    (int)err.code, (int)code);
		fail();
	}
	assert_int_equal(f.n, 0);
	assert_null(f.arena);
	assert_string_not_equal(err.msg[LANG_JA], "");
	assert_string_not_equal(err.msg[LANG_EN], "");
	form_free(&f);
}

static void
want_value(const char *body, const char *name, const char *want, size_t wantlen)
{
	struct form f;
	struct form_error err;
	size_t i;

	assert_int_equal(decode(body, &f, &err), 0);
	for (i = 0; i < f.n; i++)
		if (strcmp(f.v[i].name, name) == 0)
			break;
	assert_true(i < f.n);
	assert_int_equal(f.v[i].len, wantlen);
	assert_memory_equal(f.v[i].value, want, wantlen);
	assert_int_equal(f.v[i].value[wantlen], '\0');
	form_free(&f);
}

static void
test_basic(void **state)
{
	struct form f;
	struct form_error err;

	assert_int_equal(decode("name=taro&phone=0312345678", &f, &err), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].name, "name");
	assert_string_equal(f.v[0].value, "taro");
	assert_int_equal(f.v[0].len, 4);
	assert_string_equal(f.v[1].name, "phone");
	assert_string_equal(f.v[1].value, "0312345678");
	assert_string_equal(form_get(&f, "phone"), "0312345678");
	assert_null(form_get(&f, "email"));
	assert_int_equal(form_count(&f, "name"), 1);
	assert_int_equal(form_count(&f, "email"), 0);
	form_free(&f);
	/* free is idempotent and leaves a reusable form */
	form_free(&f);
	assert_int_equal(f.n, 0);
}

static void
test_empty(void **state)
{
	struct form f;

	assert_int_equal(form_decode("", 0, &f, NULL), 0);
	assert_int_equal(f.n, 0);
	form_free(&f);
	assert_int_equal(decode("&&&", &f, NULL), 0);
	assert_int_equal(f.n, 0);
	form_free(&f);
}

static void
test_plus_and_escapes(void **state)
{
	want_value("name=Taro+Example", "name", "Taro Example", 12);
	want_value("name=Taro%20Example", "name", "Taro Example", 12);
	want_value("name=a%2Bb", "name", "a+b", 3);
	want_value("name=a%2bb", "name", "a+b", 3);
	/* 見本 太郎 as a browser sends it */
	want_value("name=%E8%A6%8B%E6%9C%AC+%E5%A4%AA%E9%83%8E", "name",
	    "見本 太郎", strlen("見本 太郎"));
	want_value("name=%e8%a6%8b", "name", "見", strlen("見"));
	/* '=' after the first belongs to the value; '%26' is an escaped '&' */
	want_value("note=a=b%26c", "note", "a=b&c", 5);
	/* raw UTF-8 is accepted too, then validated like decoded bytes */
	want_value("name=見本", "name", "見本", strlen("見本"));
}

static void
test_bad_escapes(void **state)
{
	static const char *const bodies[] = {
		"name=%", "name=%2", "name=%zz", "name=%g0", "name=%0g", "name=a%2",
		"name=%%41", "na%zme=x", "name=%-1", "name=% 41",
	};
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		want_error(bodies[i], strlen(bodies[i]), FORM_ERR_ESCAPE);
}

static void
test_segments(void **state)
{
	struct form f;

	/* empty segments are skipped; a segment without '=' has an empty value */
	assert_int_equal(decode("&&name=a&&licence&", &f, NULL), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[1].name, "licence");
	assert_string_equal(f.v[1].value, "");
	assert_int_equal(f.v[1].len, 0);
	form_free(&f);
	/* an empty value */
	assert_int_equal(decode("address2=", &f, NULL), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].value, "");
	form_free(&f);
}

static void
test_repeated_in_order(void **state)
{
	struct form f;

	assert_int_equal(decode("models=aoba&name=x&models=sora-ev&models=hikari",
	    &f, NULL), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(form_count(&f, "models"), 3);
	assert_string_equal(f.v[0].value, "aoba");
	assert_string_equal(f.v[2].value, "sora-ev");
	assert_string_equal(f.v[3].value, "hikari");
	assert_string_equal(form_get(&f, "models"), "aoba");
	form_free(&f);
}

static void
test_names(void **state)
{
	char body[128];
	struct form f;

	want_error("=x", 2, FORM_ERR_NAME);
	want_error("Name=x", 6, FORM_ERR_NAME);
	want_error("na-me=x", 7, FORM_ERR_NAME);
	want_error("na+me=x", 7, FORM_ERR_NAME);	/* '+' decodes to a space */
	want_error("n%C3%A4me=x", 11, FORM_ERR_NAME);
	want_error("name%00=x", 9, FORM_ERR_NAME);
	want_error("a=1&%3Cscript%3E=x", 18, FORM_ERR_NAME);
	/* escaped ASCII in a name is fine once decoded */
	want_value("n%61me=x", "name", "x", 1);
	/* 32 bytes pass, 33 do not */
	memset(body, 'a', 32);
	strcpy(body + 32, "=1");
	assert_int_equal(decode(body, &f, NULL), 0);
	assert_int_equal(strlen(f.v[0].name), 32);
	form_free(&f);
	memset(body, 'a', 33);
	strcpy(body + 33, "=1");
	want_error(body, strlen(body), FORM_ERR_NAME);
	want_value("address_2_x9=ok", "address_2_x9", "ok", 2);
}

static void
test_pair_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct form f;
	int i;

	for (i = 0; i < FORM_MAX_PAIRS; i++)
		assert_int_equal(buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i), 0);
	assert_int_equal(form_decode(b.data, b.len, &f, NULL), 0);
	assert_int_equal(f.n, FORM_MAX_PAIRS);
	assert_string_equal(f.v[31].name, "f31");
	form_free(&f);
	assert_int_equal(buf_puts(&b, "&x=1"), 0);
	want_error(b.data, b.len, FORM_ERR_TOO_MANY);
	buf_free(&b);
}

static void
test_body_limit(void **state)
{
	char *body = malloc(FORM_MAX_BODY + 2);
	struct form f;

	assert_non_null(body);
	/* "note=" and 16379 'a': exactly 16 KiB; the value limit is separate */
	memcpy(body, "note=", 5);
	memset(body + 5, 'a', FORM_MAX_BODY - 5);
	want_error(body, FORM_MAX_BODY, FORM_ERR_VALUE_TOO_LONG);
	/* spread over pairs, 16 KiB passes and one byte more does not */
	memset(body, '&', FORM_MAX_BODY + 1);
	memcpy(body, "a=1", 3);
	assert_int_equal(form_decode(body, FORM_MAX_BODY, &f, NULL), 0);
	assert_int_equal(f.n, 1);
	form_free(&f);
	want_error(body, FORM_MAX_BODY + 1, FORM_ERR_TOO_LARGE);
	free(body);
}

static void
test_value_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct form f;
	int i;

	/* 4096 decoded bytes pass, 4097 do not, counted after decoding */
	assert_int_equal(buf_puts(&b, "note="), 0);
	for (i = 0; i < FORM_MAX_VALUE; i++)
		assert_int_equal(buf_puts(&b, "%41"), 0);
	assert_int_equal(form_decode(b.data, b.len, &f, NULL), 0);
	assert_int_equal(f.v[0].len, FORM_MAX_VALUE);
	form_free(&f);
	assert_int_equal(buf_puts(&b, "%41"), 0);
	want_error(b.data, b.len, FORM_ERR_VALUE_TOO_LONG);
	buf_free(&b);
}

static void
test_controls(void **state)
{
	static const char *const bad[] = {
		"note=a%00b", "note=%01", "note=%08", "note=%0B", "note=%0C",
		"note=%1B%5B31m", "note=%7F", "note=%C2%80", "note=%C2%9F",
		"note=%C2%85",	/* NEL */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_error(bad[i], strlen(bad[i]), FORM_ERR_CONTROL);
	/* a raw NUL byte in the body */
	want_error("note=a\0b", 8, FORM_ERR_CONTROL);
	want_error("note=a\x01", 7, FORM_ERR_CONTROL);
	/* TAB, LF and CR are fine; CR LF and lone CR become LF */
	want_value("note=a%09b", "note", "a\tb", 3);
	want_value("note=a%0D%0Ab%0Dc%0A%0Ad", "note", "a\nb\nc\n\nd", 8);
	want_value("note=%0D%0D%0A", "note", "\n\n", 2);
	/* U+00A0 is not a control */
	want_value("note=%C2%A0", "note", "\xc2\xa0", 2);
}

static void
test_utf8(void **state)
{
	static const char *const bad[] = {
		"name=%FF", "name=%FE", "name=%80", "name=%C0%AF", "name=%C1%BF",
		"name=%E0%80%AF", "name=%F0%80%80%AF",	/* overlong '/' */
		"name=%ED%A0%80", "name=%ED%BF%BF",	/* surrogates */
		"name=%F4%90%80%80", "name=%F5%80%80%80",	/* above U+10FFFF */
		"name=%E6%97", "name=%E6", "name=%E6%97%A5%E6",	/* truncated */
		"name=%E6%41%A5",	/* bad continuation */
		"name=\xff",		/* raw */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		want_error(bad[i], strlen(bad[i]), FORM_ERR_UTF8);
	/* boundaries that are valid */
	want_value("name=%F4%8F%BF%BF", "name", "\xf4\x8f\xbf\xbf", 4);
	want_value("name=%EF%BF%BD", "name", "\xef\xbf\xbd", 3);
	want_value("name=%F0%9F%9A%97", "name", "🚗", 4);
}

static void
test_error_details(void **state)
{
	struct form f;
	struct form_error err;

	/* the field is named once its name is known, the value never */
	assert_int_equal(decode("idem=k&name=secret%00value", &f, &err), -1);
	assert_int_equal(err.code, FORM_ERR_CONTROL);
	assert_int_equal(err.pair, 1);
	assert_int_equal(err.offset, 7);
	assert_string_equal(err.name, "name");
	assert_non_null(strstr(err.msg[LANG_EN], "\"name\""));
	assert_non_null(strstr(err.msg[LANG_JA], "「name」"));
	assert_null(strstr(err.msg[LANG_EN], "secret"));
	assert_null(strstr(err.msg[LANG_JA], "secret"));
	form_free(&f);
	/* a bad name is not echoed */
	assert_int_equal(decode("%3Cb%3E=1", &f, &err), -1);
	assert_int_equal(err.code, FORM_ERR_NAME);
	assert_string_equal(err.name, "");
	assert_null(strstr(err.msg[LANG_EN], "<b>"));
	form_free(&f);
	/* NULL err is allowed */
	assert_int_equal(decode("name=%00", &f, NULL), -1);
	form_free(&f);
	assert_string_equal(form_strerror(FORM_ERR_UTF8, LANG_EN),
	    "The text is not valid UTF-8.");
	assert_string_equal(form_strerror((enum form_errcode)99, LANG_EN), "");
}

static void
test_hostile_text_passes_decoder(void **state)
{
	/* The decoder is not the place to judge text: the inventory is. */
	want_value("note=%27%3B+DROP+TABLE+bookings%3B--", "note",
	    "'; DROP TABLE bookings;--", 25);
	want_value("name=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "name",
	    "<script>alert(1)</script>", 25);
}

static void
test_query_string(void **state)
{
	struct form f;

	assert_int_equal(decode("dealer=tokyo-minato&model=aoba&date=2030-04-01",
	    &f, NULL), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "date"), "2030-04-01");
	form_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_plus_and_escapes),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_repeated_in_order),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_pair_limit),
		cmocka_unit_test(test_body_limit),
		cmocka_unit_test(test_value_limit),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_error_details),
		cmocka_unit_test(test_hostile_text_passes_decoder),
		cmocka_unit_test(test_query_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
