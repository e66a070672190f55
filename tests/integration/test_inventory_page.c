/*
 * showroom inventory against the privacy page that showroomd serves: every form, field,
 * label, requirement, check, normalization, purpose, recipient and retention that the
 * command prints is on the page in the same language, and every row of the page's tables
 * is a field the command prints. So the two can never disagree. Also the Markdown in both
 * languages, --out, and the usage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "testsrv.h"

static struct testsrv srv;
static char dir[256];
static json_t *inv;		/* showroom inventory --format json */
static char *page[2];		/* /privacy/ and /en/privacy/ */
static const char *const langs[2] = { "ja", "en" };

struct run {
	int	 status;
	char	*out;
	char	*err;
};

static void
run(struct run *r, const char *const *args)
{
	memset(r, 0, sizeof(*r));
	r->status = testsrv_showroom_capture(dir, args, &r->out, &r->err);
	assert_true(r->status >= 0);
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int
setup(void **state)
{
	const char *args[] = { "--site", testsrv_path("demo-site"), NULL };
	const char *inv_args[] = { "inventory", "--format", "json", NULL };
	struct http_reply r;
	json_error_t je;
	struct run ir;
	int i;

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-inv") == -1 || mkdtemp(dir) == NULL)
		return -1;
	ir.status = testsrv_showroom_capture(dir, inv_args, &ir.out, &ir.err);
	if (ir.status != 0 || (inv = json_loads(ir.out, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		fprintf(stderr, "inventory: exit %d: %s%s\n", ir.status, ir.err, je.text);
		run_free(&ir);
		return -1;
	}
	run_free(&ir);
	if (testsrv_start(&srv, args) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if (http_get(srv.port, i == 0 ? "/privacy/" : "/en/privacy/", NULL, &r) != 0 ||
		    r.status != 200)
			return -1;
		page[i] = strdup(r.body);
		http_reply_free(&r);
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	testsrv_stop(&srv, SIGTERM);
	json_decref(inv);
	free(page[0]);
	free(page[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* TEXT as the page's templates write it (mustache escaping). */
static char *
html(const char *text)
{
	struct buf b = BUF_INIT;
	const char *p;

	buf_puts(&b, "");
	for (p = text; *p != '\0'; p++) {
		switch (*p) {
		case '&': buf_puts(&b, "&amp;"); break;
		case '<': buf_puts(&b, "&lt;"); break;
		case '>': buf_puts(&b, "&gt;"); break;
		case '"': buf_puts(&b, "&quot;"); break;
		case '\'': buf_puts(&b, "&#39;"); break;
		default: buf_putc(&b, *p); break;
		}
	}
	return b.data;
}

static const char *
text(const json_t *o, const char *key, int l)
{
	const char *s = json_string_value(json_object_get(json_object_get(o, key), langs[l]));

	if (s == NULL || *s == '\0')
		fail_msg("inventory: %s has no %s text", key, langs[l]);
	return s;
}

static void
on_page(int l, const char *what, const char *s)
{
	char *h = html(s);

	if (strstr(page[l], h) == NULL)
		fail_msg("/%sprivacy/ lacks the %s \"%s\"", l ? "en/" : "", what, s);
	free(h);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Everything the command prints is on the page, in each language. */
static void
test_inventory_on_page(void **state)
{
	static const char *const field_texts[] = { "label", "required_text", "validation",
	    "normalization", "purpose" };
	json_t *form, *f, *t;
	size_t i, j, k, nfields = 0;
	int l;

	assert_string_equal(json_string_value(json_object_get(inv, "format")),
	    "showroom-inventory");
	assert_int_equal(json_array_size(json_object_get(inv, "forms")), 2);
	for (l = 0; l < 2; l++) {
		nfields = 0;
		json_array_foreach(json_object_get(inv, "forms"), i, form) {
			on_page(l, "form title", text(form, "title", l));
			on_page(l, "recipient", text(form, "recipient", l));
			on_page(l, "retention", text(form, "retention", l));
			json_array_foreach(json_object_get(form, "fields"), j, f) {
				for (k = 0; k < sizeof(field_texts) / sizeof(field_texts[0]); k++)
					on_page(l, field_texts[k], text(f, field_texts[k], l));
				/* a field's recipient and retention are its form's */
				assert_string_equal(text(f, "recipient", l),
				    text(form, "recipient", l));
				assert_string_equal(text(f, "retention", l),
				    text(form, "retention", l));
				assert_true(json_integer_value(json_object_get(f, "max_chars")) > 0);
				assert_true(json_integer_value(json_object_get(f, "max_count")) > 0);
				nfields++;
			}
		}
		json_array_foreach(json_object_get(inv, "technical"), i, t) {
			/* named for people in the page's language, not by the field's name */
			on_page(l, "technical label", text(t, "label", l));
			on_page(l, "technical purpose", text(t, "purpose", l));
		}
		/* one table row per field, and as many forms as sections */
		assert_int_equal(count(page[l], "<th scope=\"row\">"), nfields);
		assert_int_equal(count(page[l], "<section class=\"privacy-form\">"),
		    json_array_size(json_object_get(inv, "forms")));
	}
	assert_int_equal(nfields, 14);
}

/* Every row of the page's tables is a field the command prints, in order. */
static void
test_page_rows_are_inventory(void **state)
{
	const char *p, *e;
	json_t *form, *f;
	size_t i, j;
	int l;

	for (l = 0; l < 2; l++) {
		p = page[l];
		json_array_foreach(json_object_get(inv, "forms"), i, form) {
			json_array_foreach(json_object_get(form, "fields"), j, f) {
				char *h = html(text(f, "label", l));

				assert_non_null(p = strstr(p, "<th scope=\"row\">"));
				p += strlen("<th scope=\"row\">");
				assert_non_null(e = strstr(p, " <small>"));
				if ((size_t)(e - p) != strlen(h) || strncmp(p, h, strlen(h)) != 0)
					fail_msg("row \"%.*s\" where the inventory has \"%s\"",
					    (int)(e - p), p, h);
				free(h);
			}
		}
		assert_null(strstr(p, "<th scope=\"row\">"));
	}
}

/* The Markdown: every field with both labels, and the prose of its language. */
static void
test_markdown(void **state)
{
	json_t *form, *f;
	struct run r;
	size_t i, j;
	int l;

	for (l = 0; l < 2; l++) {
		const char *a[] = { "inventory", "--lang", langs[l], NULL };
		run(&r, a);
		assert_int_equal(r.status, 0);
		json_array_foreach(json_object_get(inv, "forms"), i, form) {
			assert_non_null(strstr(r.out, text(form, "title", l)));
			json_array_foreach(json_object_get(form, "fields"), j, f) {
				char name[64];

				snprintf(name, sizeof(name), "| `%s` |",
				    json_string_value(json_object_get(f, "name")));
				assert_non_null(strstr(r.out, name));
				assert_non_null(strstr(r.out, text(f, "label", 0)));
				assert_non_null(strstr(r.out, text(f, "label", 1)));
				assert_non_null(strstr(r.out, text(f, "purpose", l)));
				assert_non_null(strstr(r.out, text(f, "retention", l)));
			}
		}
		/* header, rule and one row per field: every table line has 10 bars */
		assert_int_equal(count(r.out, "\n| `"), 14);
		run_free(&r);
	}
}

static void
test_out_and_usage(void **state)
{
	char path[300], *data;
	size_t len;
	struct run r, s;

	snprintf(path, sizeof(path), "%s/inventory.md", dir);
	const char *a[] = { "inventory", "--out", path, NULL };
	run(&r, a);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	run_free(&r);
	const char *b[] = { "inventory", NULL };
	run(&s, b);
	assert_int_equal(fs_read_file(path, &data, &len), 0);
	assert_string_equal(data, s.out);
	free(data);
	run_free(&s);
	unlink(path);
	const char *c[] = { "inventory", "--format", "yaml", NULL };
	run(&r, c);
	assert_int_equal(r.status, 2);
	run_free(&r);
	const char *d[] = { "inventory", "--help", NULL };
	run(&r, d);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "Exit codes"));
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory_on_page),
		cmocka_unit_test(test_page_rows_are_inventory),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_out_and_usage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
