/*
 * content_load: reads a content directory, parses every file, and checks the rules that
 * span files (codes, references, referenced files). Problems are collected, never
 * fatal, so that one `showroom check` run lists all of them.
 */
#include "content/content_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"

/* Loading one directory. The labels are the files' names relative to DIR. */
struct cload {
	struct content		*c;
	struct content_diags	*d;
	char			*root;		/* realpath of DIR */
	char			**mfiles;	/* parallel to c->models until sorted */
	size_t			 nmfiles;
	char			**dfiles;	/* parallel to c->dealers until sorted */
	size_t			 ndfiles;
	int			 mcut;		/* more model files than were read */
	size_t			 nerr;
};

struct cload_code {
	const char	*code;
	const char	*file;
};

static void cload_error(struct cload *, const char *file, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
cload_error(struct cload *l, const char *file, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	l->nerr++;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	content_diags_add(l->d, file, path, "%s", msg ? msg : "out of memory");
	free(msg);
}

/* Reads one JSON file of the directory; reports why not. */
static int
cload_read(struct cload *l, const char *rel, char **datap, size_t *lenp)
{
	char why[PATH_MAX + 128];

	if (content_fs_read(l->root, rel, datap, lenp, why, sizeof(why)) == 0)
		return 0;
	cload_error(l, rel, "$", "cannot read: %s", why);
	return -1;
}

/* "SUB/NAME" for each visible *.json file of SUB, sorted. Returns how many. */
static size_t
cload_list(struct cload *l, const char *sub, const char *what, size_t max,
    char ***labelsp, int *morep)
{
	char **names, **labels;
	size_t i, n;
	int more;

	*labelsp = NULL;
	*morep = 0;
	if (content_fs_list(l->root, sub, max, &names, &n, &more) == -1) {
		cload_error(l, sub, "$", "cannot read the directory (at least one %s "
		    "is required): %s", what, strerror(errno));
		return 0;
	}
	if ((*morep = more))
		cload_error(l, sub, "$", "more than %zu %s files; only %zu are checked",
		    max, what, max);
	if (n == 0)
		cload_error(l, sub, "$", "no %s: at least one is required", what);
	if ((labels = calloc(n ? n : 1, sizeof(*labels))) == NULL) {
		cload_error(l, sub, "$", "out of memory");
		content_fs_names_free(names, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((labels[i] = fs_join(sub, names[i])) == NULL) {
			cload_error(l, sub, "$", "out of memory");
			content_fs_names_free(labels, i);
			content_fs_names_free(names, n);
			return 0;
		}
	}
	content_fs_names_free(names, n);
	*labelsp = labels;
	return n;
}

static void
cload_brand(struct cload *l)
{
	char *data;
	size_t len;

	if (cload_read(l, "brand.json", &data, &len) == -1)
		return;
	if (content_parse_brand(data, len, "brand.json", &l->c->brand, l->d) == -1)
		l->nerr++;
	free(data);
}

static void
cload_models(struct cload *l)
{
	struct content *c = l->c;
	char *data;
	size_t i, n, len;

	if ((n = cload_list(l, "models", "model", CONTENT_MAX_MODELS, &l->mfiles,
	    &l->mcut)) == 0)
		return;
	l->nmfiles = n;
	if ((c->models = calloc(n, sizeof(*c->models))) == NULL) {
		cload_error(l, "models", "$", "out of memory");
		return;
	}
	c->nmodels = n;
	for (i = 0; i < n; i++) {
		if (cload_read(l, l->mfiles[i], &data, &len) == -1)
			continue;
		if (content_parse_model(data, len, l->mfiles[i], &c->models[i],
		    l->d) == -1)
			l->nerr++;
		free(data);
	}
}

static void
cload_dealers(struct cload *l)
{
	struct content *c = l->c;
	char *data;
	size_t i, n, len;
	int cut;

	if ((n = cload_list(l, "dealers", "dealer", CONTENT_MAX_DEALERS,
	    &l->dfiles, &cut)) == 0)
		return;
	l->ndfiles = n;
	if ((c->dealers = calloc(n, sizeof(*c->dealers))) == NULL) {
		cload_error(l, "dealers", "$", "out of memory");
		return;
	}
	c->ndealers = n;
	for (i = 0; i < n; i++) {
		if (cload_read(l, l->dfiles[i], &data, &len) == -1)
			continue;
		if (content_parse_dealer(data, len, l->dfiles[i], &c->dealers[i],
		    l->d) == -1)
			l->nerr++;
		free(data);
	}
}

/* Whether the label "SUB/CODE.json" names CODE. */
static int
cload_file_is(const char *label, const char *code)
{
	const char *name = strchr(label, '/') + 1;
	size_t n = strlen(code);

	return strncmp(name, code, n) == 0 && strcmp(name + n, ".json") == 0;
}

static int
cload_code_cmp(const void *a, const void *b)
{
	const struct cload_code *x = a, *y = b;
	int r = strcmp(x->code, y->code);

	return r != 0 ? r : strcmp(x->file, y->file);
}

/* Each code equals its file name and appears once. */
static void
cload_codes(struct cload *l, struct cload_code *v, size_t n, const char *what)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (v[i].code == NULL)
			continue;
		if (!cload_file_is(v[i].file, v[i].code))
			cload_error(l, v[i].file, "$.code", "\"%s\" must equal the file "
			    "name (%s.json), so that links and files agree", v[i].code,
			    v[i].code);
		v[m++] = v[i];
	}
	qsort(v, m, sizeof(*v), cload_code_cmp);
	for (i = 1; i < m; i++)
		if (strcmp(v[i].code, v[i - 1].code) == 0)
			cload_error(l, v[i].file, "$.code", "duplicate %s code \"%s\" "
			    "(also in %s)", what, v[i].code, v[i - 1].file);
}

static void
cload_check_codes(struct cload *l)
{
	struct content *c = l->c;
	struct cload_code *v;
	size_t i, n = c->nmodels > c->ndealers ? c->nmodels : c->ndealers;

	if (n == 0)
		return;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		cload_error(l, ".", "$", "out of memory");
		return;
	}
	for (i = 0; i < c->nmodels; i++) {
		v[i].code = c->models[i].code;
		v[i].file = l->mfiles[i];
	}
	cload_codes(l, v, c->nmodels, "model");
	for (i = 0; i < c->ndealers; i++) {
		v[i].code = c->dealers[i].code;
		v[i].file = l->dfiles[i];
	}
	cload_codes(l, v, c->ndealers, "dealer");
	free(v);
}

/* A model that exists, or whose file exists but is broken: that one is reported
 * already, and every dealer naming it need not be. */
static int
cload_model_known(const struct cload *l, const char *code)
{
	size_t i;

	if (content_find_model(l->c, code) != NULL)
		return 1;
	for (i = 0; i < l->nmfiles; i++)
		if (cload_file_is(l->mfiles[i], code))
			return 1;
	return 0;
}

static void
cload_check_refs(struct cload *l)
{
	const struct dealer *dl;
	struct cparse cp;
	size_t i, j, mark;

	/* Which models exist is not known when there were too many to read. */
	if (l->mcut)
		return;
	for (i = 0; i < l->c->ndealers; i++) {
		dl = &l->c->dealers[i];
		cparse_init(&cp, l->dfiles[i], l->d);
		mark = cparse_push_key(&cp, "demo_cars");
		for (j = 0; j < dl->ncars; j++)
			if (!cload_model_known(l, dl->cars[j].model))
				cparse_error_at(&cp, dl->cars[j].model, "no such model "
				    "(there is no models/%s.json)", dl->cars[j].model);
		cparse_pop(&cp, mark);
		if (cparse_end(&cp) == -1)
			l->nerr++;
	}
}

static void
cload_check_file(struct cload *l, const char *file, const char *path, const char *rel,
    const char *magic)
{
	char why[PATH_MAX + 128];

	if (rel != NULL && content_fs_check(l->root, rel, magic, why, sizeof(why)) == -1)
		cload_error(l, file, path, "%s", why);
}

static void
cload_check_files(struct cload *l)
{
	const struct model *m;
	char path[32];
	size_t i;
	int lang;

	for (i = 0; i < l->c->nmodels; i++) {
		m = &l->c->models[i];
		cload_check_file(l, l->mfiles[i], "$.image", m->image, NULL);
		for (lang = 0; lang < LANG_COUNT; lang++) {
			snprintf(path, sizeof(path), "$.catalog.%s",
			    lang_code((enum lang)lang));
			cload_check_file(l, l->mfiles[i], path, m->catalog[lang], "%PDF-");
		}
	}
}

/* NULL codes sort first: they only occur in content that failed to load. */
static int
content_code_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
content_model_cmp(const void *a, const void *b)
{
	const struct model *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return content_code_cmp(x->code, y->code);
}

static int
content_dealer_cmp(const void *a, const void *b)
{
	const struct dealer *x = a, *y = b;

	if (x->prefecture != y->prefecture)
		return x->prefecture < y->prefecture ? -1 : 1;
	return content_code_cmp(x->code, y->code);
}

static void
cload_end(struct cload *l)
{
	content_fs_names_free(l->mfiles, l->nmfiles);
	content_fs_names_free(l->dfiles, l->ndfiles);
	free(l->root);
}

int
content_load(const char *dir, struct content *c, struct content_diags *d)
{
	char why[PATH_MAX + 128];
	struct cload l;

	memset(c, 0, sizeof(*c));
	memset(&l, 0, sizeof(l));
	l.c = c;
	l.d = d;
	if ((c->dir = strdup(dir)) == NULL) {
		cload_error(&l, ".", "$", "out of memory");
		return -1;
	}
	if (content_fs_root(dir, &l.root, why, sizeof(why)) == -1) {
		cload_error(&l, ".", "$", "%s", why);
		return -1;
	}
	cload_brand(&l);
	cload_models(&l);
	cload_dealers(&l);
	cload_check_codes(&l);
	cload_check_refs(&l);
	cload_check_files(&l);
	cload_end(&l);
	if (c->nmodels > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(c->models, c->nmodels, sizeof(*c->models), content_model_cmp);
	if (c->ndealers > 0)
		qsort(c->dealers, c->ndealers, sizeof(*c->dealers),
		    content_dealer_cmp);
	return l.nerr == 0 ? 0 : -1;
}

void
content_free(struct content *c)
{
	size_t i;

	free(c->dir);
	content_brand_free(&c->brand);
	for (i = 0; i < c->nmodels; i++)
		content_model_free(&c->models[i]);
	free(c->models);
	for (i = 0; i < c->ndealers; i++)
		content_dealer_free(&c->dealers[i]);
	free(c->dealers);
	memset(c, 0, sizeof(*c));
}

const struct model *
content_find_model(const struct content *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->nmodels; i++)
		if (c->models[i].code != NULL && strcmp(c->models[i].code, code) == 0)
			return &c->models[i];
	return NULL;
}

const struct dealer *
content_find_dealer(const struct content *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->ndealers; i++)
		if (c->dealers[i].code != NULL && strcmp(c->dealers[i].code, code) == 0)
			return &c->dealers[i];
	return NULL;
}

const char *
powertrain_name(enum powertrain pt, enum lang l)
{
	static const char *const names[][LANG_COUNT] = {
		[PT_PETROL] =	{ "ガソリン", "Petrol" },
		[PT_DIESEL] =	{ "ディーゼル", "Diesel" },
		[PT_HYBRID] =	{ "ハイブリッド", "Hybrid" },
		[PT_PHEV] =	{ "プラグインハイブリッド", "Plug-in hybrid" },
		[PT_EV] =	{ "電気自動車（EV）", "Electric" },
	};

	if ((unsigned)pt >= sizeof(names) / sizeof(names[0]) ||
	    (unsigned)l >= LANG_COUNT)
		return "";
	return names[pt][l];
}

const char *
weekday_name(enum weekday day, enum lang l)
{
	static const char *const names[WEEKDAYS][LANG_COUNT] = {
		{ "月", "Mon" }, { "火", "Tue" }, { "水", "Wed" }, { "木", "Thu" },
		{ "金", "Fri" }, { "土", "Sat" }, { "日", "Sun" },
	};

	if ((unsigned)day >= WEEKDAYS || (unsigned)l >= LANG_COUNT)
		return "";
	return names[day][l];
}
