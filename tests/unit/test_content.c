/*
 * The content loader and `showroom check`. Each test builds a small, obviously
 * fictional content directory in a temporary directory, breaks one thing, and checks
 * that the problem is reported with the right file and JSON path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/content.h"
#include "lib/fsutil.h"
#include "showroom/commands.h"
#include "testsrv.h"

static const char BRAND[] =
    "{\"name\": {\"ja\": \"エグザンプル・モーターズ\", \"en\": \"Example Motors\"},"
    " \"tagline\": {\"ja\": \"架空のブランドです\", \"en\": \"A fictional brand\"},"
    " \"url\": \"https://showroom.example\","
    " \"contact\": {\"email\": \"info@example.com\", \"phone\": \"03-0000-0000\","
    "   \"address\": {\"ja\": \"東京都千代田区架空町1-2-3\","
    "     \"en\": \"1-2-3 Kaku-cho, Chiyoda-ku, Tokyo\"}},"
    " \"colours\": {\"primary\": \"#123456\", \"accent\": \"#abcdef\","
    "   \"text\": \"#111111\", \"background\": \"#FFFFFF\"},"
    " \"languages\": [\"ja\", \"en\"]}";

static const char ALPHA[] =
    "{\"code\": \"alpha\", \"order\": 20,"
    " \"name\": {\"ja\": \"アルファ\", \"en\": \"Alpha\"},"
    " \"tagline\": {\"ja\": \"架空の小型車\", \"en\": \"A fictional small car\"},"
    " \"description\": {\"ja\": \"第一段落。\\n\\n第二段落。\", \"en\": \"One.\\n\\nTwo.\"},"
    " \"body\": \"hatchback\", \"powertrain\": \"petrol\","
    " \"price\": {\"min\": 2000000, \"max\": 2500000},"
    " \"image\": \"images/alpha.svg\","
    " \"specs\": {"
    "   \"powertrain\": {\"engine\": {\"ja\": \"1.2L 直列3気筒\", \"en\": \"1.2 L inline-3\"},"
    "     \"power_kw\": 70, \"torque_nm\": 120,"
    "     \"transmission\": {\"ja\": \"CVT\", \"en\": \"CVT\"}, \"drive\": \"FWD\"},"
    "   \"dimensions\": {\"length_mm\": 3990, \"width_mm\": 1695, \"height_mm\": 1500,"
    "     \"wheelbase_mm\": 2550, \"weight_kg\": 1050, \"seats\": 5},"
    "   \"efficiency\": {\"wltc_km_per_l\": 20.5}}}";

static const char BETA[] =
    "{\"code\": \"beta\", \"order\": 10,"
    " \"name\": {\"ja\": \"ベータ\", \"en\": \"Beta\"},"
    " \"tagline\": {\"ja\": \"架空の電気自動車\", \"en\": \"A fictional EV\"},"
    " \"description\": {\"ja\": \"説明。\", \"en\": \"Description.\"},"
    " \"body\": \"suv\", \"powertrain\": \"ev\","
    " \"price\": {\"min\": 5000000, \"max\": 6000000},"
    " \"image\": \"images/beta.png\","
    " \"specs\": {"
    "   \"powertrain\": {\"engine\": {\"ja\": \"交流同期モーター\", \"en\": \"AC synchronous motor\"},"
    "     \"power_kw\": 150, \"torque_nm\": 310,"
    "     \"transmission\": {\"ja\": \"1速\", \"en\": \"Single speed\"}, \"drive\": \"AWD\"},"
    "   \"dimensions\": {\"length_mm\": 4600, \"width_mm\": 1850, \"height_mm\": 1650,"
    "     \"wheelbase_mm\": 2750, \"weight_kg\": 1950, \"seats\": 5},"
    "   \"efficiency\": {\"wltc_wh_per_km\": 140, \"range_km\": 450, \"battery_kwh\": 66.5}}}";

static const char DEALER[] =
    "{\"code\": \"minato\","
    " \"name\": {\"ja\": \"エグザンプル・モーターズ 港\", \"en\": \"Example Motors Minato\"},"
    " \"prefecture\": 13, \"postal_code\": \"100-0000\","
    " \"address\": {\"ja\": \"東京都港区架空1-1-1\", \"en\": \"1-1-1 Kaku, Minato-ku, Tokyo\"},"
    " \"phone\": \"03-0000-0000\","
    " \"hours\": {\"mon\": [\"10:00\", \"18:00\"], \"tue\": null,"
    "   \"wed\": [\"10:00\", \"18:00\"], \"thu\": [\"10:00\", \"18:00\"],"
    "   \"fri\": [\"10:00\", \"18:00\"], \"sat\": [\"09:30\", \"19:00\"],"
    "   \"sun\": [\"10:00\", \"17:00\"]},"
    " \"slot_minutes\": 60, \"demo_cars\": {\"alpha\": 2, \"beta\": 1}}";

struct fx {
	char	dir[256];
};

static void
fx_write(struct fx *fx, const char *rel, const char *text)
{
	char *path, *slash;

	path = fs_join(fx->dir, rel);
	assert_non_null(path);
	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(fs_mkdirs(path, 0755), 0);
	*slash = '/';
	assert_int_equal(fs_write_file(path, text, strlen(text), 0644), 0);
	free(path);
}

/* A copy of BASE with changes: ("a.b.c", value) pairs, NULL-terminated; a NULL value
 * deletes the key. Missing parent objects are created. */
static void
fx_put(struct fx *fx, const char *rel, const char *base, ...)
{
	json_t *root, *o, *next, *value;
	char *path, *p, *dot, *text;
	json_error_t err;
	va_list ap;

	root = json_loads(base, 0, &err);
	if (root == NULL)
		fail_msg("fixture JSON: %s (line %d)", err.text, err.line);
	va_start(ap, base);
	while ((p = va_arg(ap, char *)) != NULL) {
		value = va_arg(ap, json_t *);
		path = strdup(p);
		o = root;
		for (p = path; (dot = strchr(p, '.')) != NULL; p = dot + 1) {
			*dot = '\0';
			if ((next = json_object_get(o, p)) == NULL) {
				next = json_object();
				json_object_set_new(o, p, next);
			}
			o = next;
		}
		if (value != NULL)
			json_object_set_new(o, p, value);
		else
			json_object_del(o, p);
		free(path);
	}
	va_end(ap);
	text = json_dumps(root, JSON_INDENT(2));
	fx_write(fx, rel, text);
	free(text);
	json_decref(root);
}

static int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	if (testsrv_tmpname(fx->dir, sizeof(fx->dir), "showroom-content") == -1 ||
	    mkdtemp(fx->dir) == NULL)
		return -1;
	fx_write(fx, "brand.json", BRAND);
	fx_write(fx, "models/alpha.json", ALPHA);
	fx_write(fx, "models/beta.json", BETA);
	fx_write(fx, "dealers/minato.json", DEALER);
	fx_write(fx, "images/alpha.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
	fx_write(fx, "images/beta.png", "\x89PNG\r\n\x1a\n");
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	fs_remove_tree(fx->dir);
	free(fx);
	return 0;
}

struct loaded {
	struct content		c;
	struct content_diags	d;
	int			rc;
};

static void
fx_load(struct fx *fx, struct loaded *l)
{
	memset(l, 0, sizeof(*l));
	l->rc = content_load(fx->dir, &l->c, &l->d);
}

static void
loaded_free(struct loaded *l)
{
	content_free(&l->c);
	content_diags_free(&l->d);
}

static void
diags_print(const struct content_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		print_message("  %s: %s: %s\n", d->v[i].file, d->v[i].path, d->v[i].msg);
}

static const struct content_diag *
diag_find(const struct content_diags *d, const char *file, const char *path,
    const char *msgpart)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].file, file) == 0 && strcmp(d->v[i].path, path) == 0 &&
		    (msgpart == NULL || strstr(d->v[i].msg, msgpart) != NULL))
			return &d->v[i];
	return NULL;
}

#define expect_diag(d, file, path, msgpart) \
	expect_diag_((d), (file), (path), (msgpart), __LINE__)

static void
expect_diag_(const struct content_diags *d, const char *file, const char *path,
    const char *msgpart, int line)
{
	if (diag_find(d, file, path, msgpart) != NULL)
		return;
	print_message("line %d: no diagnostic %s: %s: ...%s...; got:\n", line, file,
	    path, msgpart ? msgpart : "");
	diags_print(d);
	fail();
}

/* Loads, expects a failure with exactly N diagnostics (0: any number). */
static void
fx_load_bad(struct fx *fx, struct loaded *l, size_t n)
{
	fx_load(fx, l);
	assert_int_equal(l->rc, -1);
	if (n != 0 && l->d.n != n) {
		print_message("expected %zu diagnostics, got %zu:\n", n, l->d.n);
		diags_print(&l->d);
		fail();
	}
}

static void
test_valid_loads(void **state)
{
	struct fx *fx = *state;
	const struct dealer *dl;
	const struct model *m;
	struct loaded l;

	fx_load(fx, &l);
	if (l.rc != 0)
		diags_print(&l.d);
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.d.n, 0);
	assert_string_equal(l.c.dir, fx->dir);
	assert_string_equal(l.c.brand.name.s[LANG_EN], "Example Motors");
	assert_string_equal(l.c.brand.url, "https://showroom.example");
	assert_string_equal(l.c.brand.colour_background, "#FFFFFF");
	assert_int_equal(l.c.brand.langs, (1 << LANG_JA) | (1 << LANG_EN));
	assert_int_equal(l.c.nmodels, 2);
	assert_string_equal(l.c.models[0].code, "beta");	/* order 10 */
	assert_string_equal(l.c.models[1].code, "alpha");	/* order 20 */

	m = content_find_model(&l.c, "alpha");
	assert_non_null(m);
	assert_int_equal(m->powertrain, PT_PETROL);
	assert_string_equal(m->body, "hatchback");
	assert_int_equal(m->price_min, 2000000);
	assert_int_equal(m->price_max, 2500000);
	assert_string_equal(m->image, "images/alpha.svg");
	assert_null(m->catalog[LANG_JA]);
	assert_string_equal(m->description.s[LANG_EN], "One.\n\nTwo.");
	assert_int_equal(m->specs.seats, 5);
	assert_int_equal(m->specs.wheelbase_mm, 2550);
	assert_string_equal(m->specs.drive, "FWD");
	assert_true(m->specs.wltc_km_per_l > 20.4 && m->specs.wltc_km_per_l < 20.6);
	m = content_find_model(&l.c, "beta");
	assert_non_null(m);
	assert_int_equal(m->powertrain, PT_EV);
	assert_int_equal(m->specs.range_km, 450);
	assert_int_equal(m->specs.wltc_wh_per_km, 140);
	assert_null(content_find_model(&l.c, "gamma"));

	assert_int_equal(l.c.ndealers, 1);
	dl = content_find_dealer(&l.c, "minato");
	assert_non_null(dl);
	assert_null(content_find_dealer(&l.c, "alpha"));
	assert_int_equal(dl->prefecture, 13);
	assert_string_equal(dl->postal_code, "100-0000");
	assert_int_equal(dl->hours[MON].open_min, 600);
	assert_int_equal(dl->hours[MON].close_min, 1080);
	assert_int_equal(dl->hours[TUE].open_min, -1);
	assert_int_equal(dl->hours[SAT].open_min, 570);
	assert_int_equal(dl->slot_minutes, 60);
	assert_int_equal(dl->ncars, 2);
	assert_string_equal(dl->cars[0].model, "alpha");
	assert_int_equal(dl->cars[0].count, 2);
	assert_string_equal(dl->cars[1].model, "beta");
	loaded_free(&l);
}

static void
test_sorting(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	/* gamma ties beta on order; delta has no order (0). */
	fx_put(fx, "models/gamma.json", ALPHA, "code", json_string("gamma"),
	    "order", json_integer(10), NULL);
	fx_put(fx, "models/delta.json", ALPHA, "code", json_string("delta"),
	    "order", NULL, NULL);
	fx_put(fx, "dealers/sapporo.json", DEALER, "code", json_string("sapporo"),
	    "prefecture", json_integer(1), "postal_code", json_string("060-0000"),
	    "phone", json_string("011-000-0000"), NULL);
	fx_put(fx, "dealers/chuo.json", DEALER, "code", json_string("chuo"), NULL);
	fx_load(fx, &l);
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.c.nmodels, 4);
	assert_string_equal(l.c.models[0].code, "delta");
	assert_string_equal(l.c.models[1].code, "beta");
	assert_string_equal(l.c.models[2].code, "gamma");
	assert_string_equal(l.c.models[3].code, "alpha");
	assert_int_equal(l.c.ndealers, 3);
	assert_string_equal(l.c.dealers[0].code, "sapporo");
	assert_string_equal(l.c.dealers[1].code, "chuo");
	assert_string_equal(l.c.dealers[2].code, "minato");
	loaded_free(&l);
}

static void
test_names(void **state)
{
	assert_string_equal(powertrain_name(PT_PETROL, LANG_JA), "ガソリン");
	assert_string_equal(powertrain_name(PT_DIESEL, LANG_JA), "ディーゼル");
	assert_string_equal(powertrain_name(PT_HYBRID, LANG_JA), "ハイブリッド");
	assert_string_equal(powertrain_name(PT_PHEV, LANG_JA), "プラグインハイブリッド");
	assert_string_equal(powertrain_name(PT_EV, LANG_JA), "電気自動車（EV）");
	assert_string_equal(powertrain_name(PT_PETROL, LANG_EN), "Petrol");
	assert_string_equal(powertrain_name(PT_DIESEL, LANG_EN), "Diesel");
	assert_string_equal(powertrain_name(PT_HYBRID, LANG_EN), "Hybrid");
	assert_string_equal(powertrain_name(PT_PHEV, LANG_EN), "Plug-in hybrid");
	assert_string_equal(powertrain_name(PT_EV, LANG_EN), "Electric");
	assert_string_equal(powertrain_name((enum powertrain)99, LANG_EN), "");
	assert_string_equal(weekday_name(MON, LANG_JA), "月");
	assert_string_equal(weekday_name(SUN, LANG_JA), "日");
	assert_string_equal(weekday_name(WED, LANG_EN), "Wed");
	assert_string_equal(weekday_name(SUN, LANG_EN), "Sun");
	assert_string_equal(weekday_name(WEEKDAYS, LANG_EN), "");
}

static void
test_wrong_types(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/alpha.json", ALPHA,
	    "name", json_string("Alpha"),
	    "specs.dimensions.seats", json_string("5"),
	    "price.min", json_real(2000000.5),
	    "order", json_true(), NULL);
	fx_put(fx, "dealers/minato.json", DEALER,
	    "hours.mon", json_string("10:00-18:00"),
	    "prefecture", json_string("13"), NULL);
	fx_put(fx, "brand.json", BRAND, "colours", json_array(), NULL);
	fx_load_bad(fx, &l, 7);
	expect_diag(&l.d, "models/alpha.json", "$.name", "text object");
	expect_diag(&l.d, "models/alpha.json", "$.specs.dimensions.seats",
	    "must be an integer, not a string");
	expect_diag(&l.d, "models/alpha.json", "$.price.min", "not a decimal number");
	expect_diag(&l.d, "models/alpha.json", "$.order", "not true");
	expect_diag(&l.d, "dealers/minato.json", "$.hours.mon", "or null");
	expect_diag(&l.d, "dealers/minato.json", "$.prefecture", "not a string");
	expect_diag(&l.d, "brand.json", "$.colours", "must be an object, not an array");
	loaded_free(&l);
}

static void
test_missing_keys(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/alpha.json", ALPHA, "tagline", NULL,
	    "specs.dimensions.seats", NULL, "name.en", NULL, "specs.efficiency", NULL,
	    NULL);
	fx_put(fx, "dealers/minato.json", DEALER, "phone", NULL, NULL);
	fx_put(fx, "brand.json", BRAND, "contact.email", NULL, NULL);
	fx_load_bad(fx, &l, 6);
	expect_diag(&l.d, "models/alpha.json", "$.tagline", "missing");
	expect_diag(&l.d, "models/alpha.json", "$.specs.dimensions.seats", "missing");
	expect_diag(&l.d, "models/alpha.json", "$.name.en", "missing");
	expect_diag(&l.d, "models/alpha.json", "$.specs.efficiency", "missing");
	expect_diag(&l.d, "dealers/minato.json", "$.phone", "missing");
	expect_diag(&l.d, "brand.json", "$.contact.email", "missing");
	loaded_free(&l);
}

static void
test_unknown_keys(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/alpha.json", ALPHA, "colour", json_string("red"),
	    "specs.dimensions.doors", json_integer(5), "name.fr", json_string("Alpha"),
	    "nmae", json_integer(1), "a b\"c", json_null(), NULL);
	fx_put(fx, "dealers/minato.json", DEALER, "hours.holiday", json_null(), NULL);
	fx_put(fx, "brand.json", BRAND, "colours.link", json_string("#000000"), NULL);
	fx_load_bad(fx, &l, 7);
	expect_diag(&l.d, "models/alpha.json", "$.colour", "unknown key");
	expect_diag(&l.d, "models/alpha.json", "$.specs.dimensions.doors", "unknown key");
	expect_diag(&l.d, "models/alpha.json", "$.name.fr", "unknown key");
	expect_diag(&l.d, "models/alpha.json", "$.nmae", "did you mean \"name\"?");
	expect_diag(&l.d, "models/alpha.json", "$[\"a b\\\"c\"]", "unknown key");
	expect_diag(&l.d, "dealers/minato.json", "$.hours.holiday", "unknown key");
	expect_diag(&l.d, "brand.json", "$.colours.link", "unknown key");
	loaded_free(&l);
}

static void
test_bad_code(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/Gamma_1.json", ALPHA, "code", json_string("Gamma_1"), NULL);
	fx_put(fx, "dealers/-x.json", DEALER, "code", json_string("-x"), NULL);
	fx_put(fx, "dealers/long.json", DEALER,
	    "code", json_string("a-code-that-is-longer-than-thirty-two"), NULL);
	fx_load_bad(fx, &l, 3);
	expect_diag(&l.d, "models/Gamma_1.json", "$.code", "a-z, 0-9");
	expect_diag(&l.d, "dealers/-x.json", "$.code", "start with a letter");
	expect_diag(&l.d, "dealers/long.json", "$.code", "too long");
	loaded_free(&l);
}

static void
test_code_not_filename(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/gamma.json", ALPHA, "code", json_string("delta"), NULL);
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "models/gamma.json", "$.code", "file name");
	loaded_free(&l);
}

static void
test_duplicate_code(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/alpha2.json", ALPHA, NULL);
	fx_load_bad(fx, &l, 2);
	expect_diag(&l.d, "models/alpha2.json", "$.code", "file name");
	expect_diag(&l.d, "models/alpha2.json", "$.code",
	    "duplicate model code \"alpha\" (also in models/alpha.json)");
	loaded_free(&l);
}

static void
test_bad_prefecture(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "dealers/minato.json", DEALER, "prefecture", json_integer(48), NULL);
	fx_put(fx, "dealers/zero.json", DEALER, "code", json_string("zero"),
	    "prefecture", json_integer(0), NULL);
	fx_load_bad(fx, &l, 2);
	expect_diag(&l.d, "dealers/minato.json", "$.prefecture", "between 1 and 47");
	expect_diag(&l.d, "dealers/zero.json", "$.prefecture", "not 0");
	loaded_free(&l);
}

static void
test_bad_postal_code(void **state)
{
	static const char *const bad[] = {
		"1000000", "100-000", "100-00000", "１００-００００", "10a-0000", ""
	};
	struct fx *fx = *state;
	char file[64], code[16];
	struct loaded l;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(code, sizeof(code), "p%zu", i);
		snprintf(file, sizeof(file), "dealers/%s.json", code);
		fx_put(fx, file, DEALER, "code", json_string(code),
		    "postal_code", json_string(bad[i]), NULL);
	}
	fx_load_bad(fx, &l, sizeof(bad) / sizeof(bad[0]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(file, sizeof(file), "dealers/p%zu.json", i);
		expect_diag(&l.d, file, "$.postal_code", "NNN-NNNN");
	}
	loaded_free(&l);
}

static void
test_bad_phone(void **state)
{
	static const struct {
		const char	*phone;
		const char	*why;
	} bad[] = {
		{ "03-0000-000", "10 or 11 digits" },
		{ "03-0000-00000-0", "10 or 11 digits" },
		{ "3-0000-00000", "start with 0" },
		{ "03--0000-0000", "between digits" },
		{ "-03-0000-0000", "between digits" },
		{ "+81-3-0000-0000", "digits and hyphens" },
		{ "03 0000 0000", "digits and hyphens" },
		{ "０３-００００-００００", "digits and hyphens" },
	};
	struct fx *fx = *state;
	char file[64], code[16];
	struct loaded l;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(code, sizeof(code), "t%zu", i);
		snprintf(file, sizeof(file), "dealers/%s.json", code);
		fx_put(fx, file, DEALER, "code", json_string(code),
		    "phone", json_string(bad[i].phone), NULL);
	}
	fx_put(fx, "brand.json", BRAND, "contact.phone", json_string("0120-00-00"), NULL);
	fx_load_bad(fx, &l, sizeof(bad) / sizeof(bad[0]) + 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(file, sizeof(file), "dealers/t%zu.json", i);
		expect_diag(&l.d, file, "$.phone", bad[i].why);
	}
	expect_diag(&l.d, "brand.json", "$.contact.phone", "10 or 11 digits");
	loaded_free(&l);
}

static json_t *
hours(const char *open, const char *close)
{
	return json_pack("[ss]", open, close);
}

static void
test_bad_hours(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "dealers/minato.json", DEALER,
	    "hours.mon", hours("25:00", "18:00"),
	    "hours.tue", hours("18:00", "10:00"),
	    "hours.wed", json_pack("[s]", "10:00"),
	    "hours.thu", hours("10:00", "9:00"),
	    "hours.fri", json_pack("[si]", "10:00", 1800),
	    "hours.sun", NULL, NULL);
	fx_put(fx, "dealers/closed.json", DEALER, "code", json_string("closed"),
	    "hours", json_pack("{snsnsnsnsnsnsn}", "mon", "tue", "wed", "thu", "fri",
	    "sat", "sun"), NULL);
	fx_put(fx, "dealers/short.json", DEALER, "code", json_string("short"),
	    "hours.sat", hours("10:00", "10:30"), NULL);
	fx_load_bad(fx, &l, 8);
	expect_diag(&l.d, "dealers/minato.json", "$.hours.mon[0]", "23:59");
	expect_diag(&l.d, "dealers/minato.json", "$.hours.tue", "before closing");
	expect_diag(&l.d, "dealers/minato.json", "$.hours.wed", "(open, close)");
	expect_diag(&l.d, "dealers/minato.json", "$.hours.thu[1]", "HH:MM");
	expect_diag(&l.d, "dealers/minato.json", "$.hours.fri[1]", "not an integer");
	expect_diag(&l.d, "dealers/minato.json", "$.hours.sun", "missing");
	expect_diag(&l.d, "dealers/closed.json", "$.hours", "no open day");
	expect_diag(&l.d, "dealers/short.json", "$.hours.sat", "slot_minutes 60");
	loaded_free(&l);
}

static void
test_ev_without_range(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/beta.json", BETA, "specs.efficiency.range_km", NULL, NULL);
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "models/beta.json", "$.specs.efficiency.range_km", "missing");
	loaded_free(&l);
}

static void
test_ev_with_km_per_l(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/beta.json", BETA, "specs.efficiency.wltc_km_per_l",
	    json_real(30.0), NULL);
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "models/beta.json", "$.specs.efficiency.wltc_km_per_l",
	    "not allowed for an ev");
	loaded_free(&l);
}

static void
test_efficiency_by_powertrain(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	/* petrol without fuel economy, and with an electric range */
	fx_put(fx, "models/alpha.json", ALPHA, "specs.efficiency.wltc_km_per_l", NULL,
	    "specs.efficiency.range_km", json_integer(40), NULL);
	/* phev needs all four figures */
	fx_put(fx, "models/gamma.json", BETA, "code", json_string("gamma"),
	    "powertrain", json_string("phev"), "specs.efficiency.wltc_km_per_l",
	    json_integer(22), "specs.efficiency.battery_kwh", NULL, NULL);
	/* ev ranges */
	fx_put(fx, "models/beta.json", BETA, "specs.efficiency.battery_kwh",
	    json_real(4.5), NULL);
	/* an unknown powertrain: still checks the figures that are there */
	fx_put(fx, "models/delta.json", BETA, "code", json_string("delta"),
	    "powertrain", json_string("steam"), "specs.efficiency.range_km",
	    json_integer(0), NULL);
	fx_load_bad(fx, &l, 6);
	expect_diag(&l.d, "models/alpha.json", "$.specs.efficiency.wltc_km_per_l",
	    "missing");
	expect_diag(&l.d, "models/alpha.json", "$.specs.efficiency.range_km",
	    "not allowed for a petrol model");
	expect_diag(&l.d, "models/gamma.json", "$.specs.efficiency.battery_kwh",
	    "missing");
	expect_diag(&l.d, "models/beta.json", "$.specs.efficiency.battery_kwh",
	    "between 5 and 250");
	expect_diag(&l.d, "models/delta.json", "$.powertrain", "\"steam\"");
	expect_diag(&l.d, "models/delta.json", "$.specs.efficiency.range_km", "not 0");
	loaded_free(&l);
}

static void
test_demo_car_unknown_model(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "dealers/minato.json", DEALER, "demo_cars.zeta", json_integer(1),
	    "demo_cars.alpha", json_integer(21), "demo_cars.Bad!", json_integer(1),
	    NULL);
	fx_put(fx, "dealers/empty.json", DEALER, "code", json_string("empty"),
	    "demo_cars", json_object(), NULL);
	fx_load_bad(fx, &l, 4);
	expect_diag(&l.d, "dealers/minato.json", "$.demo_cars.zeta", "no such model");
	expect_diag(&l.d, "dealers/minato.json", "$.demo_cars.alpha", "between 1 and 20");
	expect_diag(&l.d, "dealers/minato.json", "$.demo_cars[\"Bad!\"]",
	    "not a model code");
	expect_diag(&l.d, "dealers/empty.json", "$.demo_cars", "at least one");
	loaded_free(&l);
}

static void
test_broken_model_no_cascade(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	/* A model file that does not parse is reported once, not by every dealer. */
	fx_write(fx, "models/alpha.json", "{\"code\": ");
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "models/alpha.json", "$", "invalid JSON");
	loaded_free(&l);
}

static void
test_missing_image(void **state)
{
	struct fx *fx = *state;
	struct loaded l;
	char *p;

	fx_put(fx, "models/alpha.json", ALPHA, "image", json_string("images/none.svg"),
	    NULL);
	fx_put(fx, "models/beta.json", BETA, "image", json_string("images/dir.png"), NULL);
	p = fs_join(fx->dir, "images/dir.png");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	fx_load_bad(fx, &l, 2);
	expect_diag(&l.d, "models/alpha.json", "$.image", "images/none.svg: no such file");
	expect_diag(&l.d, "models/beta.json", "$.image", "not a regular file");
	loaded_free(&l);
}

static void
test_image_path_rules(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/alpha.json", ALPHA, "image",
	    json_string("images/../brand.json"), NULL);
	fx_put(fx, "models/gamma.json", ALPHA, "code", json_string("gamma"),
	    "image", json_string("/etc/passwd"), NULL);
	fx_put(fx, "models/delta.json", ALPHA, "code", json_string("delta"),
	    "image", json_string("pictures/alpha.svg"), NULL);
	fx_put(fx, "models/eta.json", ALPHA, "code", json_string("eta"),
	    "image", json_string("images/alpha.gif"), NULL);
	fx_put(fx, "models/theta.json", ALPHA, "code", json_string("theta"),
	    "image", json_string("images\\alpha.svg"), NULL);
	fx_load_bad(fx, &l, 5);
	expect_diag(&l.d, "models/alpha.json", "$.image", "\"..\"");
	expect_diag(&l.d, "models/gamma.json", "$.image", "relative");
	expect_diag(&l.d, "models/delta.json", "$.image", "under images/");
	expect_diag(&l.d, "models/eta.json", "$.image", ".webp");
	expect_diag(&l.d, "models/theta.json", "$.image", "may contain only");
	loaded_free(&l);
}

static void
test_symlinks(void **state)
{
	struct fx *fx = *state;
	char *link, *target;
	struct loaded l;

	/* Out of DIR: refused. Inside DIR: fine. */
	link = fs_join(fx->dir, "images/alpha.svg");
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	free(link);
	link = fs_join(fx->dir, "images/beta.png");
	target = fs_join(fx->dir, "images/beta-real.png");
	assert_int_equal(rename(link, target), 0);
	assert_int_equal(symlink("beta-real.png", link), 0);
	free(link);
	free(target);
	link = fs_join(fx->dir, "dealers/outside.json");
	assert_int_equal(symlink("/etc/passwd", link), 0);
	free(link);
	fx_load_bad(fx, &l, 2);
	expect_diag(&l.d, "models/alpha.json", "$.image", "out of the content directory");
	expect_diag(&l.d, "dealers/outside.json", "$", "out of the content directory");
	loaded_free(&l);
}

static void
test_invalid_utf8(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_write(fx, "dealers/minato.json",
	    "{\"code\": \"minato\", \"name\": {\"ja\": \"\xe6\x9d\", \"en\": \"x\"}}");
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "dealers/minato.json", "$", "not valid UTF-8");
	loaded_free(&l);
}

static void
test_duplicate_json_key(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_write(fx, "models/alpha.json", "{\"code\": \"alpha\", \"code\": \"alpha\"}");
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "models/alpha.json", "$", "duplicate key");
	loaded_free(&l);
}

static void
test_multiple_problems(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/alpha.json", ALPHA, "body", json_string("limousine"),
	    "price.max", json_integer(1000), "specs.powertrain.drive", json_string("2WD"),
	    NULL);
	fx_put(fx, "dealers/minato.json", DEALER, "slot_minutes", json_integer(5),
	    "postal_code", json_string("100"), NULL);
	fx_put(fx, "brand.json", BRAND, "url", json_string("https://showroom.example/"),
	    NULL);
	fx_load_bad(fx, &l, 6);
	expect_diag(&l.d, "models/alpha.json", "$.body", "\"limousine\"");
	expect_diag(&l.d, "models/alpha.json", "$.price.max", "between 100000");
	expect_diag(&l.d, "models/alpha.json", "$.specs.powertrain.drive", "\"4WD\"");
	expect_diag(&l.d, "dealers/minato.json", "$.slot_minutes", "between 15 and 240");
	expect_diag(&l.d, "dealers/minato.json", "$.postal_code", NULL);
	expect_diag(&l.d, "brand.json", "$.url", "must not end with \"/\"");
	loaded_free(&l);
}

static void
test_text_rules(void **state)
{
	struct fx *fx = *state;
	char ja80[80 * 3 + 4], ja81[81 * 3 + 4];
	struct loaded l;
	size_t i;

	/* Limits count characters: 80 kana (240 bytes) fit in a name, 81 do not. */
	for (i = 0; i < 80; i++)
		memcpy(ja80 + i * 3, "ア", 3);
	ja80[240] = '\0';
	memcpy(ja81, ja80, 240);
	memcpy(ja81 + 240, "ア", 4);
	fx_put(fx, "models/alpha.json", ALPHA, "name.ja", json_string(ja80), NULL);
	fx_load(fx, &l);
	assert_int_equal(l.rc, 0);
	loaded_free(&l);

	fx_put(fx, "models/alpha.json", ALPHA, "name.ja", json_string(ja81),
	    "name.en", json_string(""), "tagline.ja", json_string(" \u3000"),
	    "tagline.en", json_string("two\nlines"),
	    "description.en", json_string("tab\there"), NULL);
	fx_load_bad(fx, &l, 5);
	expect_diag(&l.d, "models/alpha.json", "$.name.ja", "81 characters (at most 80)");
	expect_diag(&l.d, "models/alpha.json", "$.name.en", "must not be empty");
	expect_diag(&l.d, "models/alpha.json", "$.tagline.ja", "must not be empty");
	expect_diag(&l.d, "models/alpha.json", "$.tagline.en", "one line");
	expect_diag(&l.d, "models/alpha.json", "$.description.en", "U+0009");
	loaded_free(&l);
}

static void
test_catalogs(void **state)
{
	struct fx *fx = *state;
	const struct model *m;
	struct loaded l;

	fx_write(fx, "catalogs/alpha-ja.pdf", "%PDF-1.4\n%fictional\n");
	fx_put(fx, "models/alpha.json", ALPHA, "catalog.ja",
	    json_string("catalogs/alpha-ja.pdf"), NULL);
	fx_load(fx, &l);
	assert_int_equal(l.rc, 0);
	m = content_find_model(&l.c, "alpha");
	assert_string_equal(m->catalog[LANG_JA], "catalogs/alpha-ja.pdf");
	assert_null(m->catalog[LANG_EN]);
	loaded_free(&l);

	fx_write(fx, "catalogs/alpha-en.pdf", "<html>not a PDF</html>");
	fx_put(fx, "models/alpha.json", ALPHA,
	    "catalog.ja", json_string("catalogs/none.pdf"),
	    "catalog.en", json_string("catalogs/alpha-en.pdf"),
	    "catalog.fr", json_string("catalogs/alpha-ja.pdf"), NULL);
	fx_put(fx, "models/beta.json", BETA, "catalog.en",
	    json_string("catalogs/beta.doc"), NULL);
	fx_load_bad(fx, &l, 4);
	expect_diag(&l.d, "models/alpha.json", "$.catalog.ja", "no such file");
	expect_diag(&l.d, "models/alpha.json", "$.catalog.en", "%PDF-");
	expect_diag(&l.d, "models/alpha.json", "$.catalog.fr", "unknown key");
	expect_diag(&l.d, "models/beta.json", "$.catalog.en", ".pdf");
	loaded_free(&l);
}

static void
test_brand_rules(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "brand.json", BRAND, "url", json_string("http://showroom.example"),
	    "languages", json_pack("[ss]", "en", "ja"),
	    "colours.accent", json_string("#12345"),
	    "colours.text", json_string("red"),
	    "contact.email", json_string("info.example.com"), NULL);
	fx_load_bad(fx, &l, 5);
	expect_diag(&l.d, "brand.json", "$.url", "https://");
	expect_diag(&l.d, "brand.json", "$.languages", "Japanese first");
	expect_diag(&l.d, "brand.json", "$.colours.accent", "#rrggbb");
	expect_diag(&l.d, "brand.json", "$.colours.text", "#rrggbb");
	expect_diag(&l.d, "brand.json", "$.contact.email", "e-mail");
	loaded_free(&l);
}

static void
test_closed_days(void **state)
{
	struct fx *fx = *state;
	const struct dealer *d;
	struct loaded l;

	fx_put(fx, "brand.json", BRAND, "closed",
	    json_pack("[{ssss}]", "from", "12-29", "to", "01-03"), NULL);
	fx_put(fx, "dealers/minato.json", DEALER, "closed",
	    json_pack("[{ssss},{ssss}]", "from", "08-13", "to", "08-16", "from", "02-29",
	    "to", "02-29"), NULL);
	fx_load(fx, &l);
	if (l.rc != 0)
		diags_print(&l.d);
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.c.brand.nclosed, 1);
	assert_int_equal(l.c.brand.closed[0].from_md, 1229);
	assert_int_equal(l.c.brand.closed[0].to_md, 103);
	assert_non_null(d = content_find_dealer(&l.c, "minato"));
	assert_int_equal(d->nclosed, 2);
	assert_int_equal(d->closed[1].from_md, 229);
	loaded_free(&l);

	fx_put(fx, "brand.json", BRAND, "closed", json_string("12-29"), NULL);
	fx_put(fx, "dealers/minato.json", DEALER, "closed",
	    json_pack("[{ssss},{ss},{ssssss},i,{ssss}]", "from", "13-01", "to", "01-03",
	    "from", "12-29", "from", "04-01", "to", "04-31", "note", "x", 5,
	    "from", "1229", "to", "01-03"), NULL);
	fx_load_bad(fx, &l, 7);
	expect_diag(&l.d, "brand.json", "$.closed", "must be an array");
	expect_diag(&l.d, "dealers/minato.json", "$.closed[0].from", "real day");
	expect_diag(&l.d, "dealers/minato.json", "$.closed[1].to", "missing");
	expect_diag(&l.d, "dealers/minato.json", "$.closed[2].to", "real day");
	expect_diag(&l.d, "dealers/minato.json", "$.closed[2].note", "unknown key");
	expect_diag(&l.d, "dealers/minato.json", "$.closed[3]", "must be an object");
	expect_diag(&l.d, "dealers/minato.json", "$.closed[4].from", "MM-DD");
	loaded_free(&l);
}

static void
test_booking_confirmation(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_load(fx, &l);
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.c.brand.booking_confirmation, 0);	/* final on arrival */
	loaded_free(&l);
	fx_put(fx, "brand.json", BRAND, "booking_confirmation", json_true(), NULL);
	fx_load(fx, &l);
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.c.brand.booking_confirmation, 1);
	loaded_free(&l);
	fx_put(fx, "brand.json", BRAND, "booking_confirmation", json_string("yes"), NULL);
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "brand.json", "$.booking_confirmation", "true or false");
	loaded_free(&l);
}

static void
test_price(void **state)
{
	struct fx *fx = *state;
	struct loaded l;

	fx_put(fx, "models/alpha.json", ALPHA, "price.min", json_integer(3000000), NULL);
	fx_put(fx, "models/beta.json", BETA, "price.min", json_integer(99999),
	    "price.extra", json_integer(1), NULL);
	fx_load_bad(fx, &l, 3);
	expect_diag(&l.d, "models/alpha.json", "$.price", "greater than max");
	expect_diag(&l.d, "models/beta.json", "$.price.min", "not 99999");
	expect_diag(&l.d, "models/beta.json", "$.price.extra", "unknown key");
	loaded_free(&l);
}

static void
test_directory_problems(void **state)
{
	struct fx *fx = *state;
	struct content_diags d = { NULL, 0 };
	struct content c;
	struct loaded l;
	char *p;

	/* Files that are not content are ignored; a "*.json" that is no file is not. */
	fx_write(fx, "models/README.txt", "notes");
	fx_write(fx, "models/.#alpha.json", "editor lock");
	fx_write(fx, "models/alpha.json~", "backup");
	p = fs_join(fx->dir, "dealers/folder.json");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "dealers/folder.json", "$", "not a regular file");
	loaded_free(&l);

	/* no brand, no dealers directory, an empty models directory */
	p = fs_join(fx->dir, "brand.json");
	unlink(p);
	free(p);
	p = fs_join(fx->dir, "dealers");
	assert_int_equal(fs_remove_tree(p), 0);
	free(p);
	p = fs_join(fx->dir, "models");
	assert_int_equal(fs_remove_tree(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	fx_load_bad(fx, &l, 3);
	expect_diag(&l.d, "brand.json", "$", "no such file");
	expect_diag(&l.d, "dealers", "$", "at least one dealer");
	expect_diag(&l.d, "models", "$", "no model");
	loaded_free(&l);

	assert_int_equal(content_load("/nonexistent/showroom-content", &c, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, ".");
	content_free(&c);
	content_diags_free(&d);
}

static void
test_too_many_models(void **state)
{
	struct fx *fx = *state;
	char file[64], code[16];
	struct loaded l;
	int i;

	for (i = 0; i < CONTENT_MAX_MODELS; i++) {
		snprintf(code, sizeof(code), "m%03d", i);
		snprintf(file, sizeof(file), "models/%s.json", code);
		fx_put(fx, file, ALPHA, "code", json_string(code), NULL);
	}
	fx_load_bad(fx, &l, 1);
	expect_diag(&l.d, "models", "$", "more than 200");
	assert_int_equal(l.c.nmodels, CONTENT_MAX_MODELS);
	loaded_free(&l);
}

static void
test_parsers_on_garbage(void **state)
{
	static const char *const inputs[] = {
		"", "null", "[]", "{", "\"x\"", "{\"code\": 1}", "{}", "{\"a\":{\"b\":[",
	};
	struct content_diags d = { NULL, 0 };
	struct dealer dl;
	struct brand b;
	struct model m;
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_int_equal(content_parse_brand(inputs[i], strlen(inputs[i]),
		    "b.json", &b, &d), -1);
		content_brand_free(&b);
		assert_int_equal(content_parse_model(inputs[i], strlen(inputs[i]),
		    "m.json", &m, &d), -1);
		content_model_free(&m);
		assert_int_equal(content_parse_dealer(inputs[i], strlen(inputs[i]),
		    "d.json", &dl, &d), -1);
		content_dealer_free(&dl);
	}
	assert_true(d.n >= 3 * sizeof(inputs) / sizeof(inputs[0]));
	expect_diag(&d, "m.json", "$.code", "must be a string, not an integer");
	expect_diag(&d, "b.json", "$", "must be an object, not an array");
	expect_diag(&d, "d.json", "$", "empty file");
	content_diags_free(&d);

	/* Parsers take a buffer and a length: no NUL terminator is needed. */
	assert_int_equal(content_parse_model(ALPHA, sizeof(ALPHA) - 1, "m.json", &m, &d), 0);
	assert_string_equal(m.code, "alpha");
	content_model_free(&m);
	assert_int_equal(d.n, 0);
}

/* Runs cmd_check with stdout and stderr captured into OUT and ERR. */
static int
run_check(char **argv, int argc, char *out, size_t outlen, char *err, size_t errlen)
{
	char outpath[256], errpath[256];
	int ofd, efd, saved_out, saved_err, rc;
	ssize_t n;

	assert_int_equal(testsrv_tmpname(outpath, sizeof(outpath), "showroom-check-out"), 0);
	assert_int_equal(testsrv_tmpname(errpath, sizeof(errpath), "showroom-check-err"), 0);
	ofd = mkstemp(outpath);
	efd = mkstemp(errpath);
	assert_true(ofd != -1 && efd != -1);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(ofd, 1);
	dup2(efd, 2);
	rc = cmd_check(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	n = pread(ofd, out, outlen - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	n = pread(efd, err, errlen - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(ofd);
	close(efd);
	unlink(outpath);
	unlink(errpath);
	return rc;
}

static void
test_cmd_check(void **state)
{
	struct fx *fx = *state;
	char out[4096], err[4096], line[256];
	/* argv strings are writable in C; -Wwrite-strings wants arrays for them. */
	char a_check[] = "check", a_content[] = "--content", a_c[] = "-c";
	char a_help[] = "--help", a_contents[] = "--contents", a_more[] = "more";
	char *ok[] = { a_check, a_content, fx->dir, NULL };
	char *ok_short[] = { a_check, a_c, fx->dir, NULL };
	char *help[] = { a_check, a_help, NULL };
	char *unknown[] = { a_check, a_contents, fx->dir, NULL };
	char *none[] = { a_check, NULL };
	char *extra[] = { a_check, a_content, fx->dir, a_more, NULL };
	char *noarg[] = { a_check, a_content, NULL };

	assert_int_equal(run_check(ok, 3, out, sizeof(out), err, sizeof(err)), 0);
	snprintf(line, sizeof(line), "%s: 2 models, 1 dealer, no problems\n", fx->dir);
	assert_string_equal(out, line);
	assert_string_equal(err, "");
	assert_int_equal(run_check(ok_short, 3, out, sizeof(out), err, sizeof(err)), 0);

	assert_int_equal(run_check(help, 2, out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "usage: showroom check --content DIR"));
	assert_int_equal(run_check(unknown, 3, out, sizeof(out), err, sizeof(err)),
	    EXIT_USAGE);
	assert_non_null(strstr(err, "--contents"));
	assert_int_equal(run_check(none, 1, out, sizeof(out), err, sizeof(err)),
	    EXIT_USAGE);
	assert_int_equal(run_check(extra, 4, out, sizeof(out), err, sizeof(err)),
	    EXIT_USAGE);
	assert_int_equal(run_check(noarg, 2, out, sizeof(out), err, sizeof(err)),
	    EXIT_USAGE);

	fx_put(fx, "models/alpha.json", ALPHA, "specs.dimensions.seats",
	    json_integer(12), NULL);
	fx_put(fx, "dealers/minato.json", DEALER, "phone", json_string("03"), NULL);
	assert_int_equal(run_check(ok, 3, out, sizeof(out), err, sizeof(err)), 1);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "models/alpha.json: $.specs.dimensions.seats: "
	    "must be between 1 and 9, not 12\n"));
	assert_non_null(strstr(err, "dealers/minato.json: $.phone: "));
	snprintf(line, sizeof(line), "%s: 2 problems\n", fx->dir);
	assert_non_null(strstr(err, line));
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_valid_loads),
		T(test_sorting),
		cmocka_unit_test(test_names),
		T(test_wrong_types),
		T(test_missing_keys),
		T(test_unknown_keys),
		T(test_bad_code),
		T(test_code_not_filename),
		T(test_duplicate_code),
		T(test_bad_prefecture),
		T(test_bad_postal_code),
		T(test_bad_phone),
		T(test_bad_hours),
		T(test_ev_without_range),
		T(test_ev_with_km_per_l),
		T(test_efficiency_by_powertrain),
		T(test_demo_car_unknown_model),
		T(test_broken_model_no_cascade),
		T(test_missing_image),
		T(test_image_path_rules),
		T(test_symlinks),
		T(test_invalid_utf8),
		T(test_duplicate_json_key),
		T(test_multiple_problems),
		T(test_text_rules),
		T(test_catalogs),
		T(test_brand_rules),
		T(test_closed_days),
		T(test_booking_confirmation),
		T(test_price),
		T(test_directory_problems),
		T(test_too_many_models),
		cmocka_unit_test(test_parsers_on_garbage),
		T(test_cmd_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
