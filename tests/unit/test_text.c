/* text_printable: what a server sends is shown escaped, on one line, cut to length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/text.h"

static const char *
show(const char *s, size_t len, size_t outlen)
{
	static char out[512];

	assert_true(outlen <= sizeof(out));
	memset(out, 'Z', sizeof(out));
	text_printable(s, len, out, outlen);
	assert_true(strlen(out) < outlen);
	return out;
}

#define SHOW(lit, outlen)	show((lit), sizeof(lit) - 1, (outlen))

static void
test_escapes(void **state)
{
	/* C0, DEL and bytes that are not UTF-8 as \xHH; C1 and bidi controls as \uHHHH */
	assert_string_equal(SHOW("\x1b]0;t\x07\r\n\x7f", 100), "\\x1b]0;t\\x07\\x0d\\x0a\\x7f");
	assert_string_equal(SHOW("a\xff\xfe\x9b" "b", 100), "a\\xff\\xfe\\x9bb");
	assert_string_equal(SHOW("\xc2\x9b" "31m", 100), "\\u009b31m");
	assert_string_equal(SHOW("\xe2\x80\xae" "x\xe2\x81\xa6" "\xe2\x80\xa8", 100),
	    "\\u202ex\\u2066\\u2028");
	/* an overlong form and a surrogate are not UTF-8 */
	assert_string_equal(SHOW("\xc0\xaf\xed\xa0\x80", 100), "\\xc0\\xaf\\xed\\xa0\\x80");
	/* a NUL is shown, not taken as the end; a backslash is doubled */
	assert_string_equal(SHOW("a\0b\\x1b", 100), "a\\x00b\\\\x1b");
	/* ordinary text, Japanese included, is kept */
	assert_string_equal(SHOW("署名が古すぎます: created too old", 100),
	    "署名が古すぎます: created too old");
}

static void
test_cut(void **state)
{
	char in[300];

	memset(in, 'A', sizeof(in));
	assert_string_equal(show(in, 10, 11), "AAAAAAAAAA");	/* fits exactly */
	assert_string_equal(show(in, 11, 11), "AAAAAAA...");
	/* never inside a character or an escape */
	assert_string_equal(SHOW("AAAAAA\x1b", 11), "AAAAAA\\x1b");
	assert_string_equal(SHOW("AAAAAAA\x1b", 11), "AAAAAAA...");
	assert_string_equal(SHOW("AAAA日本X", 11), "AAAA日...");
	assert_string_equal(SHOW("AAAAA日本", 11), "AAAAA...");
	assert_string_equal(SHOW("AAAAAAAA日", 11), "AAAAAAA...");
	/* too small for the dots: cut, still terminated */
	assert_string_equal(show(in, 5, 3), "AA");
	assert_string_equal(show(in, 5, 1), "");
	assert_int_equal(strlen(show(in, sizeof(in), 200)), 199);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
