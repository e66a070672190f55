/*
 * Generated PDF catalogs: a fictional brand built in memory, written in both languages
 * and checked with poppler's pdfinfo and pdftotext.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <cairo.h>

#include "content/content.h"
#include "lib/buf.h"
#include "showroom/site/catalog_pdf.h"
#include "showroom/site/pdf_lang.h"
#include "testsrv.h"

#define ERRLEN 256

struct fixture {
	char		dir[256];
	struct content	c;
};

static const char car_svg[] =
	"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 400 160' "
	"width='400' height='160'>"
	"<path d='M20 120 L60 70 L150 55 L260 55 L330 85 L380 95 L385 120 Z' "
	"fill='#1d3557'/>"
	"<path d='M160 62 L250 62 L300 85 L140 85 Z' fill='#a8dadc'/>"
	"<circle cx='100' cy='122' r='24' fill='#222'/>"
	"<circle cx='310' cy='122' r='24' fill='#222'/>"
	"<circle cx='100' cy='122' r='10' fill='#ccc'/>"
	"<circle cx='310' cy='122' r='10' fill='#ccc'/></svg>\n";

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static struct text
tx(const char *ja, const char *en)
{
	struct text t;

	t.s[LANG_JA] = xstrdup(ja);
	t.s[LANG_EN] = xstrdup(en);
	return t;
}

static void
write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(data, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static const char desc_ja[] =
	"エグザンプル・アーバンは、街での毎日を軽やかにするために生まれたコンパクトSUVです。"
	"見晴らしのよい着座位置と取り回しのよいボディサイズが、狭い路地や立体駐車場でも"
	"安心感をもたらします。\n\n"
	"新開発のハイブリッドシステムは、発進から中速域までをモーターで静かに走り、"
	"高速道路ではエンジンが効率よく力を添えます。\n"
	"荷室は後席を倒せば自転車も積める広さです。\n\n"
	"先進の安全装備を全車に標準装備。長い旅も、毎日の買い物も、もっと自由に。";

static const char desc_en[] =
	"The Example Urban is a compact SUV made to make everyday city driving feel "
	"lighter. A commanding seating position and a body that is easy to place give "
	"confidence in narrow streets and multi-storey car parks.\n\n"
	"The newly developed hybrid system moves off and cruises on electric power alone,\n"
	"and the engine joins in efficiently on the motorway.\n\n"
	"With the rear seats folded, the boot takes a bicycle. Advanced safety features "
	"come as standard on every version.";

static void
set_hours(struct dealer *d, int open, int close, int closed_day)
{
	int i;

	for (i = 0; i < WEEKDAYS; i++) {
		d->hours[i].open_min = i == closed_day ? -1 : open;
		d->hours[i].close_min = i == closed_day ? -1 : close;
	}
	/* Shorter hours at the weekend. */
	if (closed_day != SAT)
		d->hours[SAT].close_min = 18 * 60;
	if (closed_day != SUN)
		d->hours[SUN].close_min = 18 * 60;
}

static void
add_dealer(struct content *c, const char *code, struct text name, int pref,
    const char *postal, struct text addr, const char *phone, const char *demo_model,
    int count)
{
	struct dealer *d = &c->dealers[c->ndealers++];

	memset(d, 0, sizeof(*d));
	d->code = xstrdup(code);
	d->name = name;
	d->prefecture = pref;
	d->postal_code = xstrdup(postal);
	d->address = addr;
	d->phone = xstrdup(phone);
	set_hours(d, 10 * 60, 19 * 60, WED);
	d->slot_minutes = 60;
	if (demo_model != NULL) {
		d->cars = calloc(1, sizeof(*d->cars));
		assert_non_null(d->cars);
		d->cars[0].model = xstrdup(demo_model);
		d->cars[0].count = count;
		d->ncars = 1;
	}
}

static void
fill_brand(struct brand *b)
{
	b->name = tx("エグザンプル・モーターズ", "Example Motors");
	b->tagline = tx("走る歓びを、すべての人に。", "Driving joy for everyone.");
	b->address = tx("東京都千代田区架空町1-2-3 エグザンプルビル",
	    "Example Bldg., 1-2-3 Kakucho, Chiyoda-ku, Tokyo");
	b->email = xstrdup("info@example.com");
	b->phone = xstrdup("0120-000-000");
	b->url = xstrdup("https://www.example.com");
	b->colour_primary = xstrdup("#1d3557");
	b->colour_accent = xstrdup("#e63946");
	b->colour_text = xstrdup("#1f2328");
	b->colour_background = xstrdup("#ffffff");
	b->langs = 1 << LANG_JA | 1 << LANG_EN;
}

static void
fill_hybrid(struct model *m)
{
	m->code = xstrdup("urban");
	m->name = tx("エグザンプル・アーバン", "Example Urban");
	m->tagline = tx("街を、もっと軽やかに。", "The city, made lighter.");
	m->description = tx(desc_ja, desc_en);
	m->body = xstrdup("suv");
	m->powertrain = PT_HYBRID;
	m->price_min = 2980000;
	m->price_max = 4200000;
	m->image = xstrdup("images/urban.svg");
	m->specs.engine = tx("1.5L 直列3気筒 + モーター", "1.5 L inline-3 + motor");
	m->specs.power_kw = 110;
	m->specs.torque_nm = 250;
	m->specs.transmission = tx("電気式無段変速機", "e-CVT");
	m->specs.drive = xstrdup("FWD");
	m->specs.length_mm = 4450;
	m->specs.width_mm = 1820;
	m->specs.height_mm = 1650;
	m->specs.wheelbase_mm = 2640;
	m->specs.weight_kg = 1480;
	m->specs.seats = 5;
	m->specs.wltc_km_per_l = 21.3;
}

static void
fill_ev(struct model *m)
{
	m->code = xstrdup("volt-e");
	m->name = tx("エグザンプル・ヴォルトE", "Example Volt E");
	m->tagline = tx("静けさが、新しい速さになる。", "Quiet is the new fast.");
	m->description = tx("完全電動のクロスオーバー。", "A fully electric crossover.");
	m->body = xstrdup("hatchback");
	m->powertrain = PT_EV;
	m->price_min = 4500000;
	m->price_max = 4500000;
	m->image = xstrdup("images/missing.svg");	/* not there: a band instead */
	m->specs.engine = tx("交流同期電動機", "AC synchronous motor");
	m->specs.power_kw = 150;
	m->specs.torque_nm = 310;
	m->specs.transmission = tx("1段減速機", "Single-speed reduction gear");
	m->specs.drive = xstrdup("RWD");
	m->specs.length_mm = 4300;
	m->specs.width_mm = 1800;
	m->specs.height_mm = 1560;
	m->specs.wheelbase_mm = 2700;
	m->specs.weight_kg = 1720;
	m->specs.seats = 5;
	m->specs.wltc_wh_per_km = 145;
	m->specs.range_km = 450;
	m->specs.battery_kwh = 62;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[128];

	assert_non_null(f);
	assert_int_equal(testsrv_tmpname(f->dir, sizeof(f->dir), "test-catalog-pdf"), 0);
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/images", f->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/images/urban.svg", f->dir);
	write_file(path, car_svg);

	f->c.dir = xstrdup(f->dir);
	fill_brand(&f->c.brand);
	f->c.models = calloc(2, sizeof(*f->c.models));
	assert_non_null(f->c.models);
	fill_hybrid(&f->c.models[0]);
	fill_ev(&f->c.models[1]);
	f->c.nmodels = 2;
	f->c.dealers = calloc(100, sizeof(*f->c.dealers));
	assert_non_null(f->c.dealers);
	add_dealer(&f->c, "sapporo-kita", tx("エグザンプル札幌北", "Example Sapporo Kita"),
	    1, "060-0001", tx("札幌市北区架空1条1丁目1-1", "1-1-1 Kakuu 1-jo, Kita-ku, Sapporo"),
	    "011-000-0001", "volt-e", 1);
	add_dealer(&f->c, "chiyoda", tx("エグザンプル千代田", "Example Chiyoda"), 13,
	    "100-0001", tx("千代田区架空町1-1-1", "1-1-1 Kakucho, Chiyoda-ku"),
	    "03-0000-0001", "urban", 2);
	add_dealer(&f->c, "shibuya", tx("エグザンプル渋谷", "Example Shibuya"), 13,
	    "150-0001", tx("渋谷区架空2-2-2", "2-2-2 Kakuu, Shibuya-ku"),
	    "03-0000-0002", NULL, 0);
	add_dealer(&f->c, "yokohama", tx("エグザンプル横浜みなと", "Example Yokohama Minato"),
	    14, "220-0001", tx("横浜市西区架空3-3-3", "3-3-3 Kakuu, Nishi-ku, Yokohama"),
	    "045-000-0003", "urban", 1);
	add_dealer(&f->c, "umeda", tx("エグザンプル梅田", "Example Umeda"), 27,
	    "530-0001", tx("大阪市北区架空4-4-4", "4-4-4 Kakuu, Kita-ku, Osaka"),
	    "06-0000-0004", NULL, 0);
	*state = f;
	return 0;
}

static void
free_model(struct model *m)
{
	free(m->code);
	text_free(&m->name);
	text_free(&m->tagline);
	text_free(&m->description);
	free(m->body);
	free(m->image);
	text_free(&m->specs.engine);
	text_free(&m->specs.transmission);
	free(m->specs.drive);
}

static void
free_dealer(struct dealer *d)
{
	size_t i;

	free(d->code);
	text_free(&d->name);
	free(d->postal_code);
	text_free(&d->address);
	free(d->phone);
	for (i = 0; i < d->ncars; i++)
		free(d->cars[i].model);
	free(d->cars);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct brand *b = &f->c.brand;
	char cmd[128];
	size_t i;

	text_free(&b->name);
	text_free(&b->tagline);
	text_free(&b->address);
	free(b->email);
	free(b->phone);
	free(b->url);
	free(b->colour_primary);
	free(b->colour_accent);
	free(b->colour_text);
	free(b->colour_background);
	for (i = 0; i < f->c.nmodels; i++)
		free_model(&f->c.models[i]);
	free(f->c.models);
	for (i = 0; i < f->c.ndealers; i++)
		free_dealer(&f->c.dealers[i]);
	free(f->c.dealers);
	free(f->c.dir);
	if (getenv("KEEP_CATALOGS") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
		assert_int_equal(system(cmd), 0);
	} else
		fprintf(stderr, "catalogs kept in %s\n", f->dir);
	free(f);
	return 0;
}

/* The whole output of a command (paths here are our own mkdtemp names). */
static char	*run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
run(const char *fmt, ...)
{
	char cmd[512], *out = NULL;
	size_t len = 0, n;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	out = malloc(1);
	assert_non_null(out);
	for (;;) {
		out = realloc(out, len + 4097);
		assert_non_null(out);
		if ((n = fread(out + len, 1, 4096, p)) == 0)
			break;
		len += n;
	}
	out[len] = '\0';
	assert_int_equal(pclose(p), 0);
	return out;
}

static int
pdf_pages(const char *path)
{
	char *info = run("pdfinfo '%s'", path), *p;
	int n;

	p = strstr(info, "\nPages:");
	assert_non_null(p);
	n = atoi(p + strlen("\nPages:"));
	free(info);
	return n;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		fprintf(stderr, "missing \"%s\" in:\n%.3000s\n", needle, hay);
		fail();
	}
}

static void
assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL) {
		fprintf(stderr, "unexpected \"%s\"\n", needle);
		fail();
	}
}

/* Writes a catalog and checks what every catalog must be: a complete A4 PDF. */
static char *
write_catalog(struct fixture *f, size_t model, enum lang l, const char *name,
    char *path, size_t pathlen)
{
	char err[ERRLEN] = "", head[8] = "", pageno[32];
	char *info, *text;
	FILE *fp;
	int pages;

	snprintf(path, pathlen, "%s/%s", f->dir, name);
	if (catalog_pdf_write(&f->c, &f->c.models[model], l, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "catalog_pdf_write: %s\n", err);
		fail();
	}
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(head, 1, 5, fp), 5);
	fclose(fp);
	assert_memory_equal(head, "%PDF-", 5);

	info = run("pdfinfo '%s' 2>&1", path);
	assert_contains(info, "595.28 x 841.89 pts (A4)");
	assert_contains(info, "Creator:         showroom");
	assert_contains(info, l == LANG_JA ? "エグザンプル・モーターズ" : "Example Motors");
	/* tagged for screen readers: a structure of headings, paragraphs and tables, in the
	 * document's language, with no complaint from the parser about the update */
	assert_contains(info, "Tagged:          yes");
	assert_lacks(info, "Error");
	free(info);
	info = run("pdfinfo -struct '%s'", path);
	assert_contains(info, "Document\n");
	assert_contains(info, "  H1 (block)\n");
	assert_contains(info, "  H2 (block)\n");
	assert_contains(info, "  H3 (block)\n");
	assert_contains(info, "  P (block)\n");
	assert_contains(info, "  Table (block)\n    TR\n      TH\n      TD\n");
	free(info);
	info = run("tail -c 600 '%s' | tr -d '\\000'", path);
	assert_contains(info, l == LANG_JA ? "/Lang (ja)" : "/Lang (en)");
	assert_contains(info, "/DisplayDocTitle true");
	free(info);
	pages = pdf_pages(path);
	assert_true(pages >= 3);

	/* Footers number pages "n / N"; pdftotext may drop the spaces. */
	text = run("pdftotext -enc UTF-8 '%s' - | tr -d ' '", path);
	snprintf(pageno, sizeof(pageno), "\n1/%d\n", pages);
	assert_contains(text, pageno);
	snprintf(pageno, sizeof(pageno), "\n%d/%d\n", pages, pages);
	assert_contains(text, pageno);
	free(text);
	return run("pdftotext -enc UTF-8 '%s' -", path);
}

static void
test_japanese(void **state)
{
	char path[256], *text;

	text = write_catalog(*state, 0, LANG_JA, "urban-ja.pdf", path, sizeof(path));
	assert_contains(text, "エグザンプル・アーバン");
	assert_contains(text, "2,980,000円〜4,200,000円（税込）");
	assert_contains(text, "〒100-0001");
	assert_contains(text, "東京都");
	assert_contains(text, "110 kW");
	assert_contains(text, "250 N·m");
	assert_contains(text, "4,450 × 1,820 × 1,650 mm");
	assert_contains(text, "21.3 km/L");
	assert_contains(text, "5名");
	assert_contains(text, "パワートレイン");
	assert_contains(text, "寸法・重量");
	assert_contains(text, "燃費・電費");
	assert_contains(text, "試乗できる販売店");
	assert_contains(text, "月・火");
	assert_contains(text, "定休日：水");
	assert_contains(text, "試乗車 2台");
	assert_contains(text, "消費税込み");
	/* A hybrid has no electric figures. */
	assert_lacks(text, "Wh/km");
	free(text);
}

static void
test_english(void **state)
{
	char path[256], *text, *p, *q;

	text = write_catalog(*state, 0, LANG_EN, "urban-en.pdf", path, sizeof(path));
	assert_contains(text, "Example Urban");
	assert_contains(text, "¥2,980,000 – ¥4,200,000 incl. tax");
	/* an English address ends with its postal code, and has no 〒 */
	assert_contains(text, " 100-0001");
	assert_lacks(text, "〒");
	assert_contains(text, "Tokyo");
	assert_contains(text, "1,480 kg");
	assert_contains(text, "Seats");
	assert_contains(text, "Dimensions and weight");
	assert_contains(text, "Closed Wed");
	assert_contains(text, "10:00–19:00");
	/* Demo-car dealers come first, then the others. */
	p = strstr(text, "Test drives available at");
	q = strstr(text, "Other dealers");
	assert_non_null(p);
	assert_non_null(q);
	assert_true(p < q);
	assert_true(strstr(text, "Example Yokohama Minato") < q);
	assert_true(strstr(text, "Example Umeda") > q);
	assert_contains(text, "https://www.example.com");
	free(text);
}

/* An EV shows its motor and electric figures, never a fuel figure; a missing image
 * leaves a band, not an error. */
static void
test_ev_without_image(void **state)
{
	char path[256], *text;

	text = write_catalog(*state, 1, LANG_EN, "volt-en.pdf", path, sizeof(path));
	assert_contains(text, "Motor");
	assert_contains(text, "145 Wh/km");
	assert_contains(text, "450 km");
	assert_contains(text, "62 kWh");
	assert_contains(text, "¥4,500,000 incl. tax");
	assert_lacks(text, "km/L");
	assert_lacks(text, "Engine");
	free(text);
	text = write_catalog(*state, 1, LANG_JA, "volt-ja.pdf", path, sizeof(path));
	assert_contains(text, "モーター");
	assert_contains(text, "一充電走行距離");
	assert_lacks(text, "km/L");
	free(text);
}

static void
test_long_description_adds_pages(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->c.models[0];
	char path[256], *text, *saved, *longer;
	size_t i, len = strlen(desc_ja);
	int short_pages, long_pages;

	free(write_catalog(f, 0, LANG_JA, "short.pdf", path, sizeof(path)));
	short_pages = pdf_pages(path);

	longer = malloc(25 * (len + 2) + 1);
	assert_non_null(longer);
	longer[0] = '\0';
	for (i = 0; i < 25; i++) {
		strcat(longer, desc_ja);
		strcat(longer, "\n\n");
	}
	saved = m->description.s[LANG_JA];
	m->description.s[LANG_JA] = longer;
	text = write_catalog(f, 0, LANG_JA, "long.pdf", path, sizeof(path));
	m->description.s[LANG_JA] = saved;
	free(longer);
	long_pages = pdf_pages(path);
	assert_true(long_pages > short_pages);
	assert_contains(text, "概要（続き）");
	free(text);
}

/* Bad colours fall back to defaults; dozens of dealers flow over pages. */
static void
test_bad_colours_many_dealers(void **state)
{
	struct fixture *f = *state;
	char path[256], code[32], postal[16], *text;
	int i, before, after;

	free(f->c.brand.colour_primary);
	f->c.brand.colour_primary = xstrdup("navy");
	free(f->c.brand.colour_accent);
	f->c.brand.colour_accent = NULL;
	free(write_catalog(f, 0, LANG_EN, "few.pdf", path, sizeof(path)));
	before = pdf_pages(path);
	for (i = 0; i < 40; i++) {
		snprintf(code, sizeof(code), "extra-%02d", i);
		snprintf(postal, sizeof(postal), "%03d-0001", 900 + i % 100);
		add_dealer(&f->c, code, tx("エグザンプル架空店", "Example Fictional"),
		    1 + i, postal, tx("架空町1-1", "1-1 Kakucho"), "099-000-0000",
		    i % 2 ? "urban" : NULL, 1);
	}
	text = write_catalog(f, 0, LANG_EN, "many.pdf", path, sizeof(path));
	after = pdf_pages(path);
	assert_true(after > before);
	assert_contains(text, "Dealers (continued)");
	assert_contains(text, "1-1 Kakucho 939-0001");
	free(text);
	/* Beyond the limit, others are only pointed to. */
	for (i = 40; i < 100 - 5; i++) {
		snprintf(code, sizeof(code), "extra-%02d", i);
		add_dealer(&f->c, code, tx("エグザンプル架空店", "Example Fictional"),
		    1 + i % 47, "999-0001", tx("架空町1-1", "1-1 Kakucho"),
		    "099-000-0000", NULL, 1);
	}
	text = write_catalog(f, 0, LANG_EN, "pointer.pdf", path, sizeof(path));
	assert_contains(text, "more dealers are listed at https://www.example.com");
	free(text);
}

/* A PNG illustration is drawn; a broken SVG costs the picture, not the catalog. */
static void
test_png_and_broken_svg(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->c.models[0];
	cairo_surface_t *img;
	cairo_t *cr;
	char path[256], *text, *list;

	snprintf(path, sizeof(path), "%s/images/urban.png", f->dir);
	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 32);
	cr = cairo_create(img);
	cairo_set_source_rgb(cr, 0.2, 0.4, 0.6);
	cairo_paint(cr);
	cairo_destroy(cr);
	assert_int_equal(cairo_surface_write_to_png(img, path), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(img);
	free(m->image);
	m->image = xstrdup("images/urban.png");
	free(write_catalog(f, 0, LANG_EN, "png.pdf", path, sizeof(path)));
	list = run("pdfimages -list '%s'", path);
	assert_contains(list, "64    32");
	free(list);

	snprintf(path, sizeof(path), "%s/images/broken.svg", f->dir);
	write_file(path, "<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0 L");
	free(m->image);
	m->image = xstrdup("images/broken.svg");
	text = write_catalog(f, 0, LANG_JA, "broken.pdf", path, sizeof(path));
	assert_contains(text, "エグザンプル・アーバン");
	free(text);
}

/* A long name and tagline push the cover picture up rather than run into the price. */
static void
test_long_names(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->c.models[0];
	char path[256], *text;

	text_free(&m->name);
	text_free(&m->tagline);
	m->name = tx("エグザンプル・アーバン・クロスオーバー・グランドツーリング・ハイブリッド",
	    "Example Urban Crossover Grand Touring Hybrid Limited Edition");
	m->tagline = tx("街を、もっと軽やかに。週末は、もっと遠くへ。"
	    "家族も荷物も、全部のせて走り出そう。どこまでも、静かに、力強く。",
	    "The city, made lighter. The weekend, made longer. Bring everyone and "
	    "everything, and go further, quietly and with strength to spare.");
	text = write_catalog(f, 0, LANG_EN, "long-name-en.pdf", path, sizeof(path));
	assert_contains(text, "Limited Edition");
	free(text);
	text = write_catalog(f, 0, LANG_JA, "long-name-ja.pdf", path, sizeof(path));
	assert_contains(text, "ハイブリッド");
	free(text);
}

static int
dir_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_unwritable(void **state)
{
	struct fixture *f = *state;
	char path[256], file[128], err[ERRLEN];
	int before = dir_entries(f->dir);

	/* A regular file in place of a directory: unwritable even for root. */
	snprintf(file, sizeof(file), "%s/plain", f->dir);
	write_file(file, "x");
	snprintf(path, sizeof(path), "%s/catalog.pdf", file);
	err[0] = '\0';
	assert_int_equal(catalog_pdf_write(&f->c, &f->c.models[0], LANG_JA, path, err,
	    sizeof(err)), -1);
	assert_contains(err, "cannot create");
	assert_contains(err, path);
	assert_null(strchr(err, '\n'));
	assert_int_equal(access(path, F_OK), -1);

	snprintf(path, sizeof(path), "%s/no/such/dir/catalog.pdf", f->dir);
	err[0] = '\0';
	assert_int_equal(catalog_pdf_write(&f->c, &f->c.models[0], LANG_EN, path, err,
	    sizeof(err)), -1);
	assert_contains(err, "No such file or directory");
	/* Nothing left behind: only "plain" is new. */
	assert_int_equal(dir_entries(f->dir), before + 1);
}

/* Writing over an existing catalog replaces it whole and leaves no temporary file. */
static void
test_replaces_atomically(void **state)
{
	struct fixture *f = *state;
	char path[256];
	int before;

	snprintf(path, sizeof(path), "%s/urban.pdf", f->dir);
	write_file(path, "old");
	before = dir_entries(f->dir);
	free(write_catalog(f, 0, LANG_EN, "urban.pdf", path, sizeof(path)));
	assert_int_equal(dir_entries(f->dir), before);
}

/* The language update refuses what is not cairo's plain PDF, and appends nothing then. */
static void
test_lang_update_refuses(void **state)
{
	static const char *const bad[] = {
		"", "%PDF-1.5\n", "not a pdf at all",
		"%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Size 2 /Root 1 0 R "
		    ">>\nstartxref\n9\n%%EOF\n" /* no xref to point at: still fine */,
		"%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Lang (de) >>\nendobj\ntrailer\n<< /Size 2 "
		    "/Root 1 0 R >>\nstartxref\n9\n%%EOF\n",
		"%PDF-1.5\n1 0 obj\n<< /Type /Pages >>\nendobj\ntrailer\n<< /Size 2 /Root 1 0 R >>"
		    "\nstartxref\n9\n%%EOF\n",
		"%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Size 2 /Root 1 0 R "
		    "/Prev 3 >>\nstartxref\n9\n%%EOF\n",
		"%PDF-1.5\ntrailer\n<< /Size 2 /Root 7 0 R >>\nstartxref\n9\n%%EOF\n",
	};
	struct buf out = BUF_INIT;
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (pdf_lang_update(bad[i], strlen(bad[i]), "ja", &out, err, sizeof(err)) == 0) {
			assert_int_equal(i, 3);	/* the one good one */
			assert_contains(out.data, "/Lang (ja)");
			assert_contains(out.data, "/Prev 9 >>");
			buf_reset(&out);
			continue;
		}
		assert_true(err[0] != '\0');
		assert_int_equal(out.len, 0);
	}
	assert_int_equal(pdf_lang_update(bad[3], strlen(bad[3]), "ja) /JS (x", &out, err,
	    sizeof(err)), -1);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang_update_refuses),
		cmocka_unit_test_setup_teardown(test_japanese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_english, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ev_without_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_description_adds_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_colours_many_dealers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_png_and_broken_svg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaces_atomically, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
