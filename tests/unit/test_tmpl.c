/*
 * Mustache engine tests: every case of the official spec suites when they
 * are there (outside the repository), our own cases for every feature the
 * spec covers and our templates use, then escaping, error reporting, limits
 * and repeatability.
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

#include "lib/tmpl.h"

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

/*
 * Our own cases, always run: each feature the spec suites cover, in cases of
 * our own, then the constructs our templates in templates/ rely on.  Data is
 * JSON text; partials are name, source pairs.  Lambdas are not supported, so
 * there are none.
 */
struct own_case {
	const char	*feature;
	const char	*name;
	const char	*tmpl;
	const char	*data;
	const char	*partials[7];
	const char	*want;
};

static const struct own_case own_cases[] = {
	/* Interpolation. */
	{ "interpolation", "names are replaced by their values",
	    "Model {{name}} costs {{price}} yen.",
	    "{\"name\": \"K1\", \"price\": 2990000}", { NULL },
	    "Model K1 costs 2990000 yen." },
	{ "interpolation", "a missing name is empty",
	    "[{{nothing}}]", "{}", { NULL }, "[]" },
	{ "interpolation", "null is empty",
	    "[{{n}}]", "{\"n\": null}", { NULL }, "[]" },
	{ "interpolation", "numbers as JSON writes them",
	    "{{a}} {{b}} {{c}}", "{\"a\": 85, \"b\": 1.5, \"c\": -3}", { NULL },
	    "85 1.5 -3" },
	{ "interpolation", "booleans as words",
	    "{{t}}/{{f}}", "{\"t\": true, \"f\": false}", { NULL },
	    "true/false" },
	{ "interpolation", "blanks inside the tag do not count",
	    "{{ name }}|{{{ name }}}|{{& name }}", "{\"name\": \"a&b\"}",
	    { NULL }, "a&amp;b|a&b|a&b" },
	{ "interpolation", "text without tags is copied",
	    "<p>No tags here: { } }} {</p>\n", "{}", { NULL },
	    "<p>No tags here: { } }} {</p>\n" },
	{ "interpolation", "an object or a list interpolates as nothing",
	    "[{{o}}][{{l}}]", "{\"o\": {\"a\": 1}, \"l\": [1, 2]}", { NULL },
	    "[][]" },

	/* HTML escaping. */
	{ "escaping", "the five characters HTML needs escaped",
	    "{{s}}", "{\"s\": \"& < > \\\" '\"}", { NULL },
	    "&amp; &lt; &gt; &quot; &#39;" },
	{ "escaping", "a value cannot leave its attribute",
	    "<input value=\"{{v}}\">", "{\"v\": \"\\\"><script>x</script>\"}",
	    { NULL }, "<input value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">" },
	{ "escaping", "an entity already written is escaped again",
	    "{{s}}", "{\"s\": \"&amp;\"}", { NULL }, "&amp;amp;" },
	{ "escaping", "text outside tags is not escaped",
	    "<b>&</b>{{s}}", "{\"s\": \"<\"}", { NULL }, "<b>&</b>&lt;" },
	{ "escaping", "multibyte text passes through",
	    "{{s}}", "{\"s\": \"\\u3012100-0001 \\u6771\\u4eac\"}", { NULL },
	    "\xe3\x80\x92" "100-0001 \xe6\x9d\xb1\xe4\xba\xac" },

	/* Triple mustache and {{& }}: no escaping. */
	{ "unescaped", "triple mustache",
	    "{{{html}}}", "{\"html\": \"<em>new</em> & 'improved'\"}",
	    { NULL }, "<em>new</em> & 'improved'" },
	{ "unescaped", "ampersand",
	    "{{&html}}", "{\"html\": \"<em>\\\"x\\\"</em>\"}", { NULL },
	    "<em>\"x\"</em>" },
	{ "unescaped", "a missing name is empty unescaped too",
	    "[{{{x}}}][{{&x}}]", "{}", { NULL }, "[][]" },
	{ "unescaped", "numbers unescaped",
	    "{{{n}}}", "{\"n\": 7}", { NULL }, "7" },

	/* Dotted names. */
	{ "dotted", "a path into nested objects",
	    "{{brand.name}} / {{brand.address.city}}",
	    "{\"brand\": {\"name\": \"Kumo\", \"address\": "
	    "{\"city\": \"Nagoya\"}}}", { NULL }, "Kumo / Nagoya" },
	{ "dotted", "a broken path is empty",
	    "[{{brand.phone}}][{{nope.x}}][{{brand.name.x}}]",
	    "{\"brand\": {\"name\": \"Kumo\"}}", { NULL }, "[][][]" },
	{ "dotted", "the first part is found up the stack",
	    "{{#model}}{{t.price}}: {{name}}{{/model}}",
	    "{\"t\": {\"price\": \"Price\"}, \"model\": {\"name\": \"K1\"}}",
	    { NULL }, "Price: K1" },
	{ "dotted", "the rest is looked up only where the first part was found",
	    "{{#a}}[{{b.c}}]{{/a}}",
	    "{\"a\": {\"b\": {}}, \"b\": {\"c\": \"outer\"}}", { NULL }, "[]" },
	{ "dotted", "unescaped dotted names",
	    "{{{a.b}}}{{&a.b}}", "{\"a\": {\"b\": \"<i>\"}}", { NULL },
	    "<i><i>" },
	{ "dotted", "a dotted section",
	    "{{#receipt.booking}}{{slot}}{{/receipt.booking}}",
	    "{\"receipt\": {\"booking\": {\"slot\": \"10:00\"}}}", { NULL },
	    "10:00" },
	{ "dotted", "a dotted inverted section",
	    "{{^receipt.cancelled}}active{{/receipt.cancelled}}",
	    "{\"receipt\": {\"cancelled\": false}}", { NULL }, "active" },

	/* The implicit iterator. */
	{ "implicit", "each string of a list",
	    "{{#paragraphs}}<p>{{.}}</p>{{/paragraphs}}",
	    "{\"paragraphs\": [\"One & two\", \"Three\"]}", { NULL },
	    "<p>One &amp; two</p><p>Three</p>" },
	{ "implicit", "numbers and booleans",
	    "{{#l}}{{.}},{{/l}}", "{\"l\": [1, 2.5, true]}", { NULL },
	    "1,2.5,true," },
	{ "implicit", "unescaped",
	    "{{#l}}{{{.}}}{{&.}}{{/l}}", "{\"l\": [\"<b>\"]}", { NULL },
	    "<b><b>" },
	{ "implicit", "the whole context at the top",
	    "[{{.}}]", "\"just text\"", { NULL }, "[just text]" },

	/* Sections. */
	{ "sections", "false skips",
	    "a{{#f}}X{{/f}}b", "{\"f\": false}", { NULL }, "ab" },
	{ "sections", "a missing name skips",
	    "a{{#m}}X{{/m}}b", "{}", { NULL }, "ab" },
	{ "sections", "null skips",
	    "a{{#n}}X{{/n}}b", "{\"n\": null}", { NULL }, "ab" },
	{ "sections", "an empty list skips",
	    "a{{#l}}X{{/l}}b", "{\"l\": []}", { NULL }, "ab" },
	{ "sections", "an empty string skips (our rule)",
	    "a{{#s}}X{{/s}}b", "{\"s\": \"\"}", { NULL }, "ab" },
	{ "sections", "true renders once",
	    "{{#t}}yes{{/t}}", "{\"t\": true}", { NULL }, "yes" },
	{ "sections", "0 and {} are true (our rule)",
	    "{{#n}}[{{n}}]{{/n}}{{#o}}yes{{/o}}", "{\"n\": 0, \"o\": {}}",
	    { NULL }, "[0]yes" },
	{ "sections", "a list renders once per element",
	    "{{#models}}[{{name}}]{{/models}}",
	    "{\"models\": [{\"name\": \"K1\"}, {\"name\": \"K2\"}]}",
	    { NULL }, "[K1][K2]" },
	{ "sections", "an object becomes the context",
	    "{{#brand}}{{name}} ({{city}}){{/brand}}",
	    "{\"brand\": {\"name\": \"Kumo\", \"city\": \"Nagoya\"}}",
	    { NULL }, "Kumo (Nagoya)" },
	{ "sections", "names not in the element are found further out",
	    "{{#models}}{{name}}:{{currency}} {{/models}}",
	    "{\"currency\": \"JPY\", \"models\": [{\"name\": \"K1\"}, "
	    "{\"name\": \"K2\"}]}", { NULL }, "K1:JPY K2:JPY " },
	{ "sections", "an inner name hides an outer one",
	    "{{name}}{{#m}}{{name}}{{/m}}{{name}}",
	    "{\"name\": \"out\", \"m\": {\"name\": \"in\"}}", { NULL },
	    "outinout" },
	{ "sections", "nested lists",
	    "{{#p}}{{code}}:{{#d}}{{name}}{{/d}};{{/p}}",
	    "{\"p\": [{\"code\": \"13\", \"d\": [{\"name\": \"A\"}, "
	    "{\"name\": \"B\"}]}, {\"code\": \"23\", \"d\": "
	    "[{\"name\": \"C\"}]}]}", { NULL }, "13:AB;23:C;" },
	{ "sections", "a string becomes the context; its name is found outside",
	    "{{#error}}<p>{{error}}</p>{{/error}}",
	    "{\"error\": \"Required\"}", { NULL }, "<p>Required</p>" },
	{ "sections", "the same section twice",
	    "{{#t}}a{{/t}}-{{#t}}b{{/t}}", "{\"t\": true}", { NULL }, "a-b" },
	{ "sections", "a list of lists",
	    "{{#rows}}[{{#.}}{{.}}{{/.}}]{{/rows}}",
	    "{\"rows\": [[1, 2], [3]]}", { NULL }, "[12][3]" },

	/* Inverted sections. */
	{ "inverted", "an empty list renders",
	    "{{^l}}none{{/l}}", "{\"l\": []}", { NULL }, "none" },
	{ "inverted", "a list with elements does not",
	    "[{{^l}}none{{/l}}]", "{\"l\": [1]}", { NULL }, "[]" },
	{ "inverted", "false, missing, null and \"\" render",
	    "{{^f}}1{{/f}}{{^m}}2{{/m}}{{^n}}3{{/n}}{{^s}}4{{/s}}",
	    "{\"f\": false, \"n\": null, \"s\": \"\"}", { NULL }, "1234" },
	{ "inverted", "true and a string do not",
	    "[{{^t}}1{{/t}}{{^s}}2{{/s}}]", "{\"t\": true, \"s\": \"x\"}",
	    { NULL }, "[]" },
	{ "inverted", "a section and its inverse side by side",
	    "{{#hours}}{{#open}}{{open}}-{{close}}{{/open}}"
	    "{{^open}}closed{{/open}}|{{/hours}}",
	    "{\"hours\": [{\"open\": \"10:00\", \"close\": \"18:00\"}, "
	    "{\"open\": \"\"}]}", { NULL }, "10:00-18:00|closed|" },
	{ "inverted", "the context does not change inside",
	    "{{^l}}{{name}}{{/l}}", "{\"l\": [], \"name\": \"x\"}", { NULL },
	    "x" },

	/* Partials. */
	{ "partials", "a partial is rendered in place",
	    "<ul>{{>card}}</ul>", "{\"name\": \"K1\"}",
	    { "card", "<li>{{name}}</li>", NULL }, "<ul><li>K1</li></ul>" },
	{ "partials", "a partial in a list sees each element",
	    "{{#models}}{{> card}}{{/models}}",
	    "{\"models\": [{\"name\": \"K1\"}, {\"name\": \"K2\"}]}",
	    { "card", "<li>{{name}}</li>", NULL }, "<li>K1</li><li>K2</li>" },
	{ "partials", "a missing partial is empty",
	    "[{{>nope}}]", "{}", { NULL }, "[]" },
	{ "partials", "a partial sees the whole context stack",
	    "{{#model}}{{>price}}{{/model}}",
	    "{\"t\": {\"price\": \"Price\"}, \"model\": {\"price\": 100}}",
	    { "price", "{{t.price}}: {{price}}", NULL }, "Price: 100" },
	{ "partials", "partials within partials",
	    "{{>outer}}", "{\"x\": \"X\"}",
	    { "outer", "<{{>inner}}>", "inner", "{{x}}", NULL }, "<X>" },
	{ "partials", "a recursive partial ends where the data ends",
	    "{{>node}}",
	    "{\"name\": \"a\", \"kids\": [{\"name\": \"b\", \"kids\": []}]}",
	    { "node", "{{name}}{{#kids}}({{>node}}){{/kids}}", NULL },
	    "a(b)" },
	{ "partials", "a partial inline is not indented",
	    "x {{>p}} y", "{}", { "p", "1\n2", NULL }, "x 1\n2 y" },
	{ "partials", "a partial keeps the default delimiters",
	    "{{=<% %>=}}<%>p%>", "{\"x\": \"ok\"}", { "p", "{{x}}", NULL },
	    "ok" },

	/* Standalone partials are indented line by line. */
	{ "partial-indent", "every line of a standalone partial is indented",
	    "<ul>\n  {{>items}}\n</ul>\n", "{}",
	    { "items", "<li>a</li>\n<li>b</li>\n", NULL },
	    "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n" },
	{ "partial-indent", "a standalone partial line without a newline",
	    "a\n  {{>p}}", "{}", { "p", "x\ny\n", NULL }, "a\n  x\n  y\n" },
	{ "partial-indent", "values are not indented, lines of the partial are",
	    "  {{>p}}\n", "{\"v\": \"1\\n2\"}", { "p", "[{{v}}]\n", NULL },
	    "  [1\n2]\n" },
	{ "partial-indent", "indentation adds up through nested partials",
	    "{{>a}}", "{}",
	    { "a", "<a>\n  {{>b}}\n</a>\n", "b", "<b>\n  x\n</b>\n", NULL },
	    "<a>\n  <b>\n    x\n  </b>\n</a>\n" },

	/* Comments. */
	{ "comments", "an inline comment is dropped",
	    "Price{{! in yen }}: 1", "{}", { NULL }, "Price: 1" },
	{ "comments", "a standalone comment takes its line with it",
	    "a\n  {{! note }}\nb\n", "{}", { NULL }, "a\nb\n" },
	{ "comments", "a comment over several lines",
	    "a{{! one\ntwo }}b", "{}", { NULL }, "ab" },
	{ "comments", "a standalone comment over several lines",
	    "a\n{{!\n  x\n}}\nb\n", "{}", { NULL }, "a\nb\n" },
	{ "comments", "a comment ends at its first }}, whatever it holds",
	    "{{! { {{x }}ok }}", "{\"x\": \"no\"}", { NULL }, "ok }}" },

	/* Set delimiter. */
	{ "delimiters", "new delimiters, and the old ones become text",
	    "{{=<% %>=}}<% name %> {{name}}", "{\"name\": \"K1\"}", { NULL },
	    "K1 {{name}}" },
	{ "delimiters", "a standalone delimiter change takes its line",
	    "a\n{{=| |=}}\n|name|\n", "{\"name\": \"K1\"}", { NULL },
	    "a\nK1\n" },
	{ "delimiters", "and back again",
	    "{{=[ ]=}}[name][={{ }}=]{{name}}", "{\"name\": \"K1\"}",
	    { NULL }, "K1K1" },
	{ "delimiters", "sections, inverted and unescaped with new ones",
	    "{{=<% %>=}}<%#l%><%.%><%/l%><%^m%>-<%/m%><%&h%>",
	    "{\"l\": [1, 2], \"h\": \"<\"}", { NULL }, "12-<" },
	{ "delimiters", "a change inside a section holds after it",
	    "{{#t}}{{=| |=}}|/t||x|", "{\"t\": true, \"x\": \"X\"}", { NULL },
	    "X" },

	/* Standalone lines and indentation. */
	{ "standalone", "standalone section tags take their lines",
	    "<ul>\n{{#l}}\n<li>{{.}}</li>\n{{/l}}\n</ul>\n",
	    "{\"l\": [\"a\", \"b\"]}", { NULL },
	    "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n" },
	{ "standalone", "blanks before and after a standalone tag go too",
	    "  {{#t}}  \nyes\n\t{{/t}}\n", "{\"t\": true}", { NULL }, "yes\n" },
	{ "standalone", "standalone inverted tags",
	    "a\n {{^f}}\nno\n {{/f}}\nb\n", "{\"f\": false}", { NULL },
	    "a\nno\nb\n" },
	{ "standalone", "a tag with text on its line is not standalone",
	    "a {{#t}}\nx\n{{/t}} b", "{\"t\": true}", { NULL },
	    "a \nx\n b" },
	{ "standalone", "the last line needs no newline",
	    "x\n{{#t}}\ny\n{{/t}}", "{\"t\": true}", { NULL }, "x\ny\n" },
	{ "standalone", "the first line",
	    "{{#t}}\nfirst\n{{/t}}\n", "{\"t\": true}", { NULL }, "first\n" },
	{ "standalone", "CRLF line ends",
	    "a\r\n{{#t}}\r\nb\r\n{{/t}}\r\n", "{\"t\": true}", { NULL },
	    "a\r\nb\r\n" },
	{ "standalone", "interpolation is never standalone",
	    "  {{name}}\n", "{\"name\": \"K1\"}", { NULL }, "  K1\n" },
	{ "standalone", "a skipped standalone section leaves nothing",
	    "a\n{{#f}}\nhidden\n{{/f}}\nb\n", "{\"f\": false}", { NULL },
	    "a\nb\n" },
	{ "standalone", "blanks around inline tags stay",
	    " | {{#t}} {{/t}} | ", "{\"t\": true}", { NULL }, " |   | " },

	/* What our templates in templates/ rely on. */
	{ "site", "a page inside {{#model}} reaches the outer t. and base",
	    "{{#model}}<h1>{{name}}</h1><a href=\"{{base}}request\">"
	    "{{t.nav_request}}</a>{{/model}}",
	    "{\"base\": \"/\", \"t\": {\"nav_request\": \"Request\"}, "
	    "\"model\": {\"name\": \"K1\"}}", { NULL },
	    "<h1>K1</h1><a href=\"/request\">Request</a>" },
	{ "site", "head and foot partials around a page",
	    "{{> head}}\n<main>{{body}}</main>\n{{> foot}}\n",
	    "{\"title\": \"T & U\", \"body\": \"B\"}",
	    { "head", "<!doctype html>\n<title>{{title}}</title>\n",
	    "foot", "</html>\n", NULL },
	    "<!doctype html>\n<title>T &amp; U</title>\n<main>B</main>\n"
	    "</html>\n" },
	{ "site", "an indented card partial per model",
	    "  <ul>\n    {{#models}}\n    {{> model_card}}\n    {{/models}}\n"
	    "  </ul>\n",
	    "{\"models\": [{\"name\": \"K1\"}, {\"name\": \"K2\"}]}",
	    { "model_card", "<li>\n  {{name}}\n</li>\n", NULL },
	    "  <ul>\n    <li>\n      K1\n    </li>\n    <li>\n      K2\n"
	    "    </li>\n  </ul>\n" },
	{ "site", "a comma between items but not after the last",
	    "{{#cars}}<a href=\"{{href}}\">{{name}}</a>{{^last}}, {{/last}}"
	    "{{/cars}}",
	    "{\"cars\": [{\"href\": \"/m/k1/\", \"name\": \"K1\"}, "
	    "{\"href\": \"/m/k2/\", \"name\": \"K2\", \"last\": true}]}",
	    { NULL }, "<a href=\"/m/k1/\">K1</a>, <a href=\"/m/k2/\">K2</a>" },
	{ "site", "attributes switched on by flags",
	    "<input{{#required}} required{{/required}}{{#error}} "
	    "aria-invalid=\"true\"{{/error}} maxlength=\"{{input_chars}}\">",
	    "{\"required\": true, \"error\": \"\", \"input_chars\": 200}",
	    { NULL }, "<input required maxlength=\"200\">" },
	{ "site", "the selected option",
	    "{{#options}}<option value=\"{{value}}\"{{#selected}} selected"
	    "{{/selected}}>{{label}}</option>{{/options}}",
	    "{\"options\": [{\"value\": \"k1\", \"label\": \"K1\"}, "
	    "{\"value\": \"k2\", \"label\": \"K2\", \"selected\": true}]}",
	    { NULL }, "<option value=\"k1\">K1</option><option value=\"k2\" "
	    "selected>K2</option>" },
	{ "site", "a field error, escaped",
	    "{{#error}}<p class=\"error\" id=\"e-{{name}}\">{{error}}</p>"
	    "{{/error}}", "{\"name\": \"email\", \"error\": \"Not <valid>\"}",
	    { NULL }, "<p class=\"error\" id=\"e-email\">Not &lt;valid&gt;</p>" },
	{ "site", "form errors through a dotted list",
	    "{{#has_errors}}<div>{{#form.errors}}<p>{{.}}</p>{{/form.errors}}"
	    "</div>{{/has_errors}}",
	    "{\"has_errors\": true, \"form\": {\"errors\": [\"a\", \"b<\"]}}",
	    { NULL }, "<div><p>a</p><p>b&lt;</p></div>" },
	{ "site", "an empty list says so",
	    "{{#options}}<label>{{label}}</label>{{/options}}"
	    "{{^options}}<p>{{slot_hint}}</p>{{/options}}",
	    "{\"options\": [], \"slot_hint\": \"Pick a date\"}", { NULL },
	    "<p>Pick a date</p>" },
	{ "site", "alternate links in a standalone section of the head partial",
	    "{{> head}}\n<body></body>\n",
	    "{\"brand\": {\"url\": \"https://example.com\"}, \"alternates\": "
	    "[{\"hreflang\": \"en\", \"href\": \"/en/\"}]}",
	    { "head", "<head>\n{{#alternates}}\n<link hreflang=\"{{hreflang}}\" "
	    "href=\"{{brand.url}}{{href}}\">\n{{/alternates}}\n</head>\n",
	    NULL },
	    "<head>\n<link hreflang=\"en\" href=\"https://example.com/en/\">\n"
	    "</head>\n<body></body>\n" },
	{ "site", "non-ASCII template text",
	    "\xe3\x80\x92{{zip}} {{open}}\xe2\x80\x93{{close}}",
	    "{\"zip\": \"100-0001\", \"open\": \"10:00\", \"close\": \"18:00\"}",
	    { NULL }, "\xe3\x80\x92" "100-0001 10:00\xe2\x80\x93" "18:00" },
};
#define NOWN	(sizeof(own_cases) / sizeof(own_cases[0]))

/* Every feature must keep at least one case, so the table cannot thin out unseen. */
static const char *const own_features[] = {
	"interpolation", "escaping", "unescaped", "dotted", "implicit",
	"sections", "inverted", "partials", "partial-indent", "comments",
	"delimiters", "standalone", "site"
};
#define NFEATURES	(sizeof(own_features) / sizeof(own_features[0]))

/* Runs one of our cases; returns 0 when it passes. */
static int
run_own(const struct own_case *c)
{
	struct tmpl_error err;
	struct buf out = BUF_INIT;
	json_t *data, *partials;
	size_t i;
	int rc, ok;

	if ((data = json_loads(c->data, JSON_DECODE_ANY, NULL)) == NULL ||
	    (partials = json_object()) == NULL) {
		fprintf(stderr, "FAIL own %s / %s: bad data\n", c->feature,
		    c->name);
		json_decref(data);
		return -1;
	}
	for (i = 0; c->partials[i] != NULL; i += 2)
		json_object_set_new(partials, c->partials[i],
		    json_string(c->partials[i + 1]));
	rc = tmpl_render_string(c->tmpl, strlen(c->tmpl), data, json_partial,
	    partials, &out, &err);
	ok = rc == 0 && out.len == strlen(c->want) &&
	    memcmp(out.data ? out.data : "", c->want, out.len) == 0;
	if (!ok) {
		fprintf(stderr, "FAIL own %s / %s\n", c->feature, c->name);
		if (rc == -1)
			fprintf(stderr, "    error: line %zu: %s\n", err.line,
			    err.msg);
		print_quoted("template:", c->tmpl, strlen(c->tmpl));
		print_quoted("expected:", c->want, strlen(c->want));
		print_quoted("got:     ", out.data ? out.data : "", out.len);
	}
	buf_free(&out);
	json_decref(partials);
	json_decref(data);
	return ok ? 0 : -1;
}

static void
test_own_cases(void **state)
{
	size_t i, j, run = 0, failed = 0, per[NFEATURES];

	memset(per, 0, sizeof(per));
	for (i = 0; i < NOWN; i++) {
		for (j = 0; j < NFEATURES; j++)
			if (strcmp(own_cases[i].feature, own_features[j]) == 0)
				break;
		if (j == NFEATURES)
			fail_msg("own case \"%s\": unknown feature %s",
			    own_cases[i].name, own_cases[i].feature);
		per[j]++;
		run++;
		if (run_own(&own_cases[i]) == -1)
			failed++;
	}
	fprintf(stderr, "own: %zu of %zu cases pass, %zu features:", run - failed,
	    run, NFEATURES);
	for (j = 0; j < NFEATURES; j++)
		fprintf(stderr, " %s %zu", own_features[j], per[j]);
	fprintf(stderr, "\n");
	assert_int_equal(failed, 0);
	assert_int_equal(run, NOWN);
	assert_true(run >= 80);
	for (j = 0; j < NFEATURES; j++)
		if (per[j] == 0)
			fail_msg("no own case for %s", own_features[j]);
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
		cmocka_unit_test(test_own_cases),
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
		    "repository; CI has it). Our own cases still run.\n",
		    SPEC_DIR);
	else
		spec_present = 1;
	return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
