/*
 * Mustache engine tests: every case of the official spec suites when they
 * are there (outside the repository), plus escaping, error reporting,
 * limits and repeatability.
 */
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/tmpl.h"

/* The official suites stay outside the repository: a fresh clone has no ../shared. */
#define SPEC_DIR	"../shared/vectors/mustache/"

static const char *const suites[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials",
	"sections"
};
#define NSUITES	(sizeof(suites) / sizeof(suites[0]))

/* Totals across the suite tests, checked last so the run can never pass empty. */
static size_t	cases_run;
static size_t	suites_read;

/* Whether SPEC_DIR exists; main says so when it does not. */
static int	spec_present;

/* Partials from a JSON object of name -> source. */
static const char *
json_partial(void *arg, const char *name, size_t *lenp)
{
	const json_t *v = json_object_get(arg, name);

	if (!json_is_string(v))
		return NULL;
	*lenp = json_string_length(v);
	return json_string_value(v);
}

/* Prints s as a JSON string, so that blanks and newlines show. */
static void
print_quoted(const char *label, const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	fprintf(stderr, "    %s %s\n", label, d ? d : "(unprintable)");
	free(d);
	json_decref(j);
}

/* Runs one spec case; returns 0 when it passes. */
static int
run_case(const char *suite, json_t *tc)
{
	struct tmpl_error err;
	struct buf out = BUF_INIT;
	const char *name = json_string_value(json_object_get(tc, "name"));
	json_t *tmpl = json_object_get(tc, "template");
	json_t *want = json_object_get(tc, "expected");
	json_t *partials = json_object_get(tc, "partials");
	int rc, ok;

	if (name == NULL || !json_is_string(tmpl) || !json_is_string(want)) {
		fprintf(stderr, "FAIL %s: malformed case\n", suite);
		return -1;
	}
	rc = tmpl_render_string(json_string_value(tmpl), json_string_length(tmpl),
	    json_object_get(tc, "data"), json_partial, partials, &out, &err);
	ok = rc == 0 && out.len == json_string_length(want) &&
	    memcmp(out.data ? out.data : "", json_string_value(want), out.len) == 0;
	if (!ok) {
		fprintf(stderr, "FAIL %s / %s\n", suite, name);
		if (rc == -1)
			fprintf(stderr, "    error: line %zu: %s\n", err.line, err.msg);
		print_quoted("template:", json_string_value(tmpl),
		    json_string_length(tmpl));
		print_quoted("expected:", json_string_value(want),
		    json_string_length(want));
		print_quoted("got:     ", out.data ? out.data : "", out.len);
	}
	buf_free(&out);
	return ok ? 0 : -1;
}

static void
test_spec_suite(void **state)
{
	const char *suite = *state;
	char path[256];
	json_error_t jerr;
	json_t *root, *tests, *tc;
	size_t i, failed = 0;

	if (!spec_present)
		skip();		/* main said why */

	snprintf(path, sizeof(path), SPEC_DIR "%s.json", suite);
	if ((root = json_load_file(path, 0, &jerr)) == NULL)
		fail_msg("cannot read %s: %s (run from the repository root)",
		    path, jerr.text);
	tests = json_object_get(root, "tests");
	if (!json_is_array(tests) || json_array_size(tests) == 0) {
		json_decref(root);
		fail_msg("%s: no tests array", path);
	}
	suites_read++;
	json_array_foreach(tests, i, tc) {
		cases_run++;
		if (run_case(suite, tc) == -1)
			failed++;
	}
	fprintf(stderr, "%s: %zu of %zu cases pass\n", suite,
	    json_array_size(tests) - failed, json_array_size(tests));
	json_decref(root);
	assert_int_equal(failed, 0);
}

static void
test_spec_total(void **state)
{
	if (!spec_present)
		skip();
	fprintf(stderr, "spec: %zu cases from %zu suites\n", cases_run,
	    suites_read);
	assert_int_equal(suites_read, NSUITES);
	assert_true(cases_run > 100);
}

/* Renders src against the JSON text ctx; returns the output or NULL with err. */
static char *
render(const char *src, const char *ctx, json_t *partials,
    struct tmpl_error *err)
{
	struct buf out = BUF_INIT;
	json_t *c = json_loads(ctx, JSON_DECODE_ANY, NULL);
	char *s = NULL;

	assert_non_null(c);
	if (tmpl_render_string(src, strlen(src), c, json_partial, partials,
	    &out, err) == 0)
		s = buf_steal(&out, NULL);
	buf_free(&out);
	json_decref(c);
	return s;
}

static void
expect(const char *src, const char *ctx, const char *want)
{
	struct tmpl_error err;
	char *got = render(src, ctx, NULL, &err);

	if (got == NULL)
		fail_msg("%s: error line %zu: %s", src, err.line, err.msg);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_error(const char *src, size_t line, const char *part)
{
	struct tmpl_error err;
	struct tmpl *t = tmpl_parse(src, strlen(src), &err);

	assert_null(t);
	if (err.line != line || strstr(err.msg, part) == NULL)
		fail_msg("%s: got line %zu \"%s\", want line %zu \"%s\"",
		    src, err.line, err.msg, line, part);
}

static void
test_escaping(void **state)
{
	expect("{{x}}", "{\"x\": \"<a href=\\\"/m?a=1&b=2\\\">O'Neil</a>\"}",
	    "&lt;a href=&quot;/m?a=1&amp;b=2&quot;&gt;O&#39;Neil&lt;/a&gt;");
	expect("{{{x}}}|{{&x}}", "{\"x\": \"<b>&'\\\"\"}",
	    "<b>&'\"|<b>&'\"");
	/* Multibyte text passes through untouched. */
	expect("{{x}}", "{\"x\": \"試乗 & カタログ\"}", "試乗 &amp; カタログ");
	expect("{{#s}}[{{s}}]{{/s}}{{^s}}empty{{/s}}", "{\"s\": \"\"}", "empty");
	expect("{{#n}}{{n}}{{/n}} {{t}} {{f}} {{r}}",
	    "{\"n\": 0, \"t\": true, \"f\": false, \"r\": 0.1}", "0 true false 0.1");
}

static void
test_errors(void **state)
{
	expect_error("one\n{{#models}}\nthree\n", 2, "unclosed section 'models'");
	expect_error("{{#a}}\n{{#b}}\n{{/a}}\n", 3, "does not match section 'b'");
	expect_error("a\n{{/a}}", 2, "without an open section");
	expect_error("a\n\nb {{name", 3, "unclosed tag");
	expect_error("{{{name}}", 1, "unclosed tag");
	expect_error("x\n{{=<% %>=}}\n<%name", 3, "unclosed tag");
	expect_error("{{= a =}}", 1, "set-delimiter");
	expect_error("{{#}}{{/}}", 1, "bad name");
	expect_error("{{a..b}}", 1, "bad name");
	expect_error("{{a b}}", 1, "bad name");
}

static void
test_depth_limit(void **state)
{
	struct buf src = BUF_INIT, out = BUF_INIT;
	struct tmpl_error err;
	struct tmpl *t;
	json_t *partials, *ctx;
	char *got;
	int i;

	/* Exactly the limit of nested sections parses and renders. */
	for (i = 0; i < TMPL_MAX_DEPTH; i++)
		assert_int_equal(buf_puts(&src, "{{#a}}"), 0);
	assert_int_equal(buf_puts(&src, "x"), 0);
	for (i = 0; i < TMPL_MAX_DEPTH; i++)
		assert_int_equal(buf_puts(&src, "{{/a}}"), 0);
	ctx = json_pack("{s:b}", "a", 1);
	assert_int_equal(tmpl_render_string(src.data, src.len, ctx, NULL, NULL,
	    &out, &err), 0);
	assert_string_equal(out.data, "x");
	json_decref(ctx);
	buf_free(&out);
	buf_reset(&src);

	/* One more level is a parse error. */
	for (i = 0; i <= TMPL_MAX_DEPTH; i++)
		assert_int_equal(buf_puts(&src, "{{#a}}\n"), 0);
	t = tmpl_parse(src.data, src.len, &err);
	assert_null(t);
	assert_int_equal(err.line, TMPL_MAX_DEPTH + 1);
	assert_non_null(strstr(err.msg, "deeper than"));
	buf_free(&src);

	/* A partial that includes itself stops with an error, not a crash. */
	partials = json_pack("{s:s}", "loop", "x{{>loop}}");
	got = render("before\n{{>loop}}", "{}", partials, &err);
	assert_null(got);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "partial 'loop'"));
	assert_non_null(strstr(err.msg, "deeper than"));
	json_decref(partials);

	/* So does a partial that fans out, before its 2^64 calls could start. */
	partials = json_pack("{s:s}", "f", "{{>f}}{{>f}}");
	got = render("{{>f}}", "{}", partials, &err);
	assert_null(got);
	assert_non_null(strstr(err.msg, "deeper than"));
	json_decref(partials);

	/* A partial with a syntax error is reported with its own line. */
	partials = json_pack("{s:s}", "bad", "ok\n{{#x}}");
	got = render("{{>bad}}", "{}", partials, &err);
	assert_null(got);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "partial 'bad' line 2"));
	json_decref(partials);
}

static void
test_step_limit(void **state)
{
	struct tmpl_error err;
	struct buf out = BUF_INIT;
	const char *src;
	json_t *ctx, *list;
	int i;

	/* 1000^3 iterations: refused by the step budget, quickly. */
	list = json_array();
	for (i = 0; i < 1000; i++)
		json_array_append_new(list, json_integer(i));
	ctx = json_pack("{s:o}", "l", list);
	assert_int_equal(buf_puts(&out, "kept"), 0);
	src = "{{#l}}{{#l}}{{#l}}.{{/l}}{{/l}}{{/l}}";
	assert_int_equal(tmpl_render_string(src, strlen(src), ctx, NULL, NULL,
	    &out, &err), -1);
	assert_non_null(strstr(err.msg, "steps"));
	/* A failed render leaves the buffer as it was. */
	assert_int_equal(out.len, 4);
	assert_string_equal(out.data, "kept");
	buf_free(&out);
	json_decref(ctx);
}

static void
test_repeatable(void **state)
{
	const char *src =
	    "<h1>{{brand}}</h1>\n"
	    "{{#models}}\n"
	    "  {{> card}}\n"
	    "{{/models}}\n"
	    "{{^models}}none{{/models}}\n"
	    "end\n";
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	struct tmpl_error err;
	struct tmpl *t;
	json_t *ctx, *partials;

	ctx = json_loads("{\"brand\": \"Kumo & Co\", \"models\": ["
	    "{\"name\": \"K1\", \"price\": 2990000},"
	    "{\"name\": \"K2 <EV>\", \"price\": 4.5e6}]}", 0, NULL);
	partials = json_pack("{s:s}", "card",
	    "<li>{{name}}\n{{#price}}<b>{{price}}</b>\n{{/price}}</li>\n");
	assert_non_null(ctx);
	t = tmpl_parse(src, strlen(src), &err);
	assert_non_null(t);
	assert_int_equal(tmpl_render(t, ctx, json_partial, partials, &a, &err), 0);
	assert_int_equal(tmpl_render(t, ctx, json_partial, partials, &b, &err), 0);
	assert_int_equal(tmpl_render_string(src, strlen(src), ctx, json_partial,
	    partials, &c, &err), 0);
	assert_string_equal(a.data, b.data);
	assert_string_equal(a.data, c.data);
	assert_string_equal(a.data,
	    "<h1>Kumo &amp; Co</h1>\n"
	    "  <li>K1\n  <b>2990000</b>\n  </li>\n"
	    "  <li>K2 &lt;EV&gt;\n  <b>4500000</b>\n  </li>\n"
	    "\nend\n");
	tmpl_free(t);
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
	json_decref(ctx);
	json_decref(partials);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_spec_suite, (void *)suites[0]),
		cmocka_unit_test_prestate(test_spec_suite, (void *)suites[1]),
		cmocka_unit_test_prestate(test_spec_suite, (void *)suites[2]),
		cmocka_unit_test_prestate(test_spec_suite, (void *)suites[3]),
		cmocka_unit_test_prestate(test_spec_suite, (void *)suites[4]),
		cmocka_unit_test_prestate(test_spec_suite, (void *)suites[5]),
		cmocka_unit_test(test_spec_total),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_step_limit),
		cmocka_unit_test(test_repeatable),
	};
	struct stat st;

	/* Only a folder that is not there skips; one we cannot read fails. */
	if (stat(SPEC_DIR, &st) == -1 && errno == ENOENT)
		fprintf(stderr, "test_tmpl: the official mustache spec suite "
		    "was skipped: folder %s not found (it is kept outside the "
		    "repository; CI has it).\n", SPEC_DIR);
	else
		spec_present = 1;
	return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
