#include "showroomd/pages.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"
#include "lib/tmpl.h"
#include "seal/inventory.h"

#define PAGES_MAX_TMPL	16

struct pages_tmpl {
	char		 name[48];	/* "request", "partials/head" */
	char		*src;
	size_t		 len;
	struct tmpl	*t;		/* parsed once; NULL for partials */
};

struct pages {
	struct pages_tmpl	 tmpl[PAGES_MAX_TMPL];
	int			 ntmpl;
	json_t			*ctx;		/* pages.json: { "ja": { name: ctx } } */
	json_t			*catalog;	/* api/v1/catalog.json */
};

static const char *const pages_files[] = {
	"request", "test_drive", "receipt", "message", "privacy",
	"partials/head", "partials/foot", "partials/field", "partials/errors",
	"partials/review", "partials/purpose",
};

static int
pages_read_tmpl(struct pages *p, const char *dir, const char *name, char *err, size_t errlen)
{
	struct pages_tmpl *t = &p->tmpl[p->ntmpl];
	struct tmpl_error te;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/.app/templates/%s.mustache", dir, name);
	snprintf(t->name, sizeof(t->name), "%s", name);
	if (fs_read_file(path, &t->src, &t->len) == -1) {
		snprintf(err, errlen, "%s: %m (rebuild the site with showroom build)", path);
		return -1;
	}
	p->ntmpl++;
	if (strncmp(name, "partials/", 9) == 0)
		return 0;
	if ((t->t = tmpl_parse(t->src, t->len, &te)) == NULL) {
		snprintf(err, errlen, "%s:%zu: %s", path, te.line, te.msg);
		return -1;
	}
	return 0;
}

static json_t *
pages_read_json(const char *dir, const char *rel, char *err, size_t errlen)
{
	char path[PATH_MAX];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((j = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL)
		snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
	return j;
}

struct pages *
pages_load(const char *dir, char *err, size_t errlen)
{
	struct pages *p;
	size_t i;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < sizeof(pages_files) / sizeof(pages_files[0]); i++)
		if (pages_read_tmpl(p, dir, pages_files[i], err, errlen) == -1)
			goto fail;
	if ((p->ctx = pages_read_json(dir, ".app/pages.json", err, errlen)) == NULL ||
	    (p->catalog = pages_read_json(dir, "api/v1/catalog.json", err, errlen)) == NULL)
		goto fail;
	return p;
fail:
	pages_free(p);
	return NULL;
}

void
pages_free(struct pages *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ntmpl; i++) {
		tmpl_free(p->tmpl[i].t);
		free(p->tmpl[i].src);
	}
	json_decref(p->ctx);
	json_decref(p->catalog);
	free(p);
}

json_t *
pages_context(const struct pages *p, const char *name, enum lang l)
{
	json_t *c = json_object_get(json_object_get(p->ctx, lang_code(l)), name);

	return c != NULL ? json_deep_copy(c) : json_object();
}

void
pages_set_page(json_t *ctx, enum lang l, const char *page, const char *query)
{
	enum lang o = l == LANG_JA ? LANG_EN : LANG_JA;
	char path[512], other[1024], ja[512], en[512];

	snprintf(path, sizeof(path), "%s%s", lang_prefix(l), page);
	snprintf(other, sizeof(other), "%s%s%s%s", lang_prefix(o), page,
	    query != NULL && *query != '\0' ? "?" : "", query != NULL ? query : "");
	snprintf(ja, sizeof(ja), "%s%s", lang_prefix(LANG_JA), page);
	snprintf(en, sizeof(en), "%s%s", lang_prefix(LANG_EN), page);
	json_object_set_new(ctx, "path", json_string(path));
	json_object_set_new(ctx, "other_href", json_string(other));
	json_object_set_new(ctx, "alternates", json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
	    "hreflang", "ja", "href", ja, "hreflang", "en", "href", en,
	    "hreflang", "x-default", "href", ja));
}

static const char *
pages_partial(void *arg, const char *name, size_t *lenp)
{
	const struct pages *p = arg;
	char full[64];
	int i;

	snprintf(full, sizeof(full), "partials/%s", name);
	for (i = 0; i < p->ntmpl; i++)
		if (strcmp(p->tmpl[i].name, full) == 0) {
			*lenp = p->tmpl[i].len;
			return p->tmpl[i].src;
		}
	return NULL;
}

int
pages_render(const struct pages *p, const char *name, const json_t *ctx, struct buf *out)
{
	struct tmpl_error te;
	int i;

	for (i = 0; i < p->ntmpl; i++)
		if (p->tmpl[i].t != NULL && strcmp(p->tmpl[i].name, name) == 0)
			return tmpl_render(p->tmpl[i].t, ctx, pages_partial, (void *)(uintptr_t)p,
			    out, &te);
	return -1;
}

static const char *
pages_fill_value(const char *name, size_t n, va_list ap)
{
	const char *k, *v;

	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (strlen(k) == n && strncmp(k, name, n) == 0)
			return v ? v : "";
	}
	return NULL;
}

void
pages_fill(char *out, size_t outsz, const char *tmpl, ...)
{
	const char *end, *v;
	size_t o = 0, k;
	va_list ap;

	if (outsz == 0)
		return;
	while (*tmpl != '\0' && o + 1 < outsz) {
		v = NULL;
		if (*tmpl == '{' && (end = strchr(tmpl, '}')) != NULL) {
			va_start(ap, tmpl);
			v = pages_fill_value(tmpl + 1, (size_t)(end - tmpl - 1), ap);
			va_end(ap);
		}
		if (v == NULL) {
			out[o++] = *tmpl++;
			continue;
		}
		k = strlen(v) < outsz - 1 - o ? strlen(v) : outsz - 1 - o;
		memcpy(out + o, v, k);
		o += k;
		tmpl = end + 1;
	}
	out[o] = '\0';
}

const char *
pages_postal_base(const struct pages *p)
{
	const char *s = json_string_value(json_object_get(json_object_get(json_object_get(
	    p->ctx, lang_code(LANG_JA)), "request"), "postal_base"));

	return s != NULL ? s : "";
}

const char *
pages_brand_url(const struct pages *p)
{
	const char *s = json_string_value(json_object_get(json_object_get(json_object_get(
	    json_object_get(p->ctx, lang_code(LANG_JA)), "message"), "brand"), "url"));

	return s != NULL ? s : "";
}

const char *
pages_string(const struct pages *p, enum lang l, const char *key)
{
	const json_t *t = json_object_get(json_object_get(json_object_get(p->ctx,
	    lang_code(l)), "message"), "t");
	const char *s = json_string_value(json_object_get(t, key));

	return s != NULL ? s : key;
}

int
pages_message(const struct pages *p, enum lang l, const char *heading_key,
    const char *const *para_keys, size_t npara, struct buf *out)
{
	json_t *ctx = pages_context(p, "message", l), *paras = json_array();
	size_t i;
	int rc;

	for (i = 0; i < npara; i++)
		json_array_append_new(paras, json_string(pages_string(p, l, para_keys[i])));
	json_object_set_new(ctx, "heading", json_string(pages_string(p, l, heading_key)));
	json_object_set_new(ctx, "title", json_string(pages_string(p, l, heading_key)));
	json_object_set_new(ctx, "paragraphs", paras);
	rc = pages_render(p, "message", ctx, out);
	json_decref(ctx);
	return rc;
}

static const json_t *
pages_find(const json_t *list, const char *code)
{
	const json_t *o;
	size_t i;

	if (code == NULL)
		return NULL;
	json_array_foreach(list, i, o)
		if (strcmp(json_string_value(json_object_get(o, "code")), code) == 0)
			return o;
	return NULL;
}

const json_t *
pages_models(const struct pages *p)
{
	return json_object_get(p->catalog, "models");
}

const json_t *
pages_dealers(const struct pages *p)
{
	return json_object_get(p->catalog, "dealers");
}

const json_t *
pages_model(const struct pages *p, const char *code)
{
	return pages_find(pages_models(p), code);
}

const json_t *
pages_dealer(const struct pages *p, const char *code)
{
	return pages_find(pages_dealers(p), code);
}

int
pages_booking_confirmation(const struct pages *p)
{
	return json_is_true(json_object_get(json_object_get(p->catalog, "brand"),
	    "booking_confirmation"));
}

int
pages_demo_cars(const struct pages *p, const char *dealer, const char *model)
{
	const json_t *d = pages_dealer(p, dealer);

	if (d == NULL || model == NULL)
		return 0;
	return (int)json_integer_value(json_object_get(json_object_get(d, "demo_cars"),
	    model));
}

void
pages_dealer_where(const json_t *d, enum lang l, char *out, size_t outsz)
{
	const char *pc = json_string_value(json_object_get(d, "postal_code"));
	const char *a = json_string_value(json_object_get(json_object_get(d, "address"),
	    lang_code(l)));

	if (l == LANG_JA)
		snprintf(out, outsz, "〒%s %s", pc ? pc : "", a ? a : "");
	else
		snprintf(out, outsz, "%s %s", a ? a : "", pc ? pc : "");
}

/* ---- the catalog checks the inventory's validation needs ---- */

static int
pages_ref_model(void *arg, const char *code)
{
	return pages_model(arg, code) != NULL;
}

static int
pages_ref_dealer(void *arg, const char *code)
{
	return pages_dealer(arg, code) != NULL;
}

static int
pages_ref_holds(void *arg, const char *dealer, const char *model)
{
	return pages_demo_cars(arg, dealer, model) > 0;
}

void
pages_refs(const struct pages *p, struct inventory_refs *r)
{
	memset(r, 0, sizeof(*r));
	r->model_exists = pages_ref_model;
	r->dealer_exists = pages_ref_dealer;
	r->dealer_has_model = pages_ref_holds;
	r->arg = (void *)(uintptr_t)p;
}
