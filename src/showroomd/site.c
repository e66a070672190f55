#include "showroomd/site.h"
#include "lib/errbuf.h"

#include <dirent.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "showroomd/headers.h"
#include "showroomd/pages.h"

#define SITE_MAX_FILES	100000
#define SITE_MAX_BYTES	(1024ul * 1024 * 1024)
#define SITE_MAX_DEPTH	16

struct site_loader {
	struct site	*s;
	size_t		 cap;
	char		*err;
	size_t		 errlen;
};

static const struct {
	const char	*ext;
	const char	*ctype;
	int		 compress;	/* the build writes .gz/.br variants */
} site_types[] = {
	{ ".html", "text/html; charset=utf-8", 1 },
	{ ".css", "text/css; charset=utf-8", 1 },
	{ ".js", "text/javascript; charset=utf-8", 1 },
	{ ".svg", "image/svg+xml", 1 },
	{ ".json", "application/json", 1 },
	{ ".xml", "application/xml; charset=utf-8", 1 },
	{ ".txt", "text/plain; charset=utf-8", 1 },
	{ ".ics", "text/calendar; charset=utf-8", 1 },
	{ ".pdf", "application/pdf", 0 },
	{ ".png", "image/png", 0 },
	{ ".jpg", "image/jpeg", 0 },
	{ ".jpeg", "image/jpeg", 0 },
	{ ".webp", "image/webp", 0 },
	{ ".ico", "image/x-icon", 0 },
	{ ".woff2", "font/woff2", 0 },
};

static int
site_has_suffix(const char *s, const char *suf)
{
	size_t ls = strlen(s), lf = strlen(suf);

	return ls >= lf && strcmp(s + ls - lf, suf) == 0;
}

static const char *
site_ctype(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(site_types) / sizeof(site_types[0]); i++)
		if (site_has_suffix(name, site_types[i].ext))
			return site_types[i].ctype;
	return "application/octet-stream";
}

static const char *
site_cache_control(const char *name)
{
	/* The build gives everything under assets/ a content-hashed name. */
	if (strncmp(name, "assets/", 7) == 0)
		return "public, max-age=31536000, immutable";
	if (site_has_suffix(name, ".pdf"))
		return "public, max-age=86400";
	return "public, max-age=60";
}

static uint64_t
site_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void site_err(struct site_loader *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Keeps the first error: later ones are usually its consequences. */
static void
site_err(struct site_loader *ld, const char *fmt, ...)
{
	va_list ap;

	if (ld->err[0] != '\0')
		return;
	va_start(ap, fmt);
	errbuf_setv(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
}

/* Reads NAME's variant with suffix SUF if present. 0 when absent or read, -1 on error. */
static int
site_read_variant(struct site_loader *ld, struct site_file *f, const char *path,
    const char *suf, enum http_enc enc)
{
	char vpath[4096];
	size_t len;

	if (snprintf(vpath, sizeof(vpath), "%s%s", path, suf) >= (int)sizeof(vpath))
		return 0;
	if (fs_read_file(vpath, &f->mem[enc], &len) == -1) {
		if (errno == ENOENT)
			return 0;
		site_err(ld, "%s: %s", vpath, strerror(errno));
		return -1;
	}
	f->v[enc].data = f->mem[enc];
	f->v[enc].len = len;
	f->available |= 1u << enc;
	ld->s->bytes += len;
	return 0;
}

static int
site_add_file(struct site_loader *ld, const char *path, const char *name,
    const struct stat *st)
{
	struct site *s = ld->s;
	struct site_file *f, *nf;
	unsigned char h[16];
	char hex[33];
	size_t len;

	if (s->nfiles >= SITE_MAX_FILES) {
		site_err(ld, "%s: more than %d files", path, SITE_MAX_FILES);
		return -1;
	}
	if (s->nfiles == ld->cap) {
		ld->cap = ld->cap ? ld->cap * 2 : 64;
		if ((nf = realloc(s->files, ld->cap * sizeof(*nf))) == NULL)
			return -1;
		s->files = nf;
	}
	f = &s->files[s->nfiles];
	memset(f, 0, sizeof(*f));
	if ((f->name = strdup(name)) == NULL)
		return -1;
	s->nfiles++;
	if (fs_read_file(path, &f->mem[HTTP_ENC_IDENTITY], &len) == -1) {
		site_err(ld, "%s: %s", path, strerror(errno));
		return -1;
	}
	f->v[HTTP_ENC_IDENTITY].data = f->mem[HTTP_ENC_IDENTITY];
	f->v[HTTP_ENC_IDENTITY].len = len;
	f->available = 1u << HTTP_ENC_IDENTITY;
	s->bytes += len;
	f->ctype = site_ctype(name);
	f->cache = site_cache_control(name);
	f->mtime = st->st_mtime;
	http_date_format(f->mtime, f->lastmod);
	crypto_generichash(h, sizeof(h), (const unsigned char *)f->v[0].data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(f->v[HTTP_ENC_IDENTITY].etag, sizeof(f->v[0].etag), "\"%.24s\"", hex);
	snprintf(f->v[HTTP_ENC_GZIP].etag, sizeof(f->v[0].etag), "\"%.24s-gz\"", hex);
	snprintf(f->v[HTTP_ENC_BR].etag, sizeof(f->v[0].etag), "\"%.24s-br\"", hex);
	if (site_read_variant(ld, f, path, ".gz", HTTP_ENC_GZIP) == -1 ||
	    site_read_variant(ld, f, path, ".br", HTTP_ENC_BR) == -1)
		return -1;
	if (s->bytes > SITE_MAX_BYTES) {
		site_err(ld, "%s: the site is larger than %lu bytes", path, SITE_MAX_BYTES);
		return -1;
	}
	return 0;
}

static int
site_is_variant(const char *name)
{
	return site_has_suffix(name, ".gz") || site_has_suffix(name, ".br");
}

static int
site_walk(struct site_loader *ld, const char *dir, const char *rel, int depth)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char path[4096], name[4096];
	int rc = 0;

	if (depth > SITE_MAX_DEPTH) {
		site_err(ld, "%s: directories nested deeper than %d", dir, SITE_MAX_DEPTH);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		site_err(ld, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')	/* ., .., and stamps such as .built */
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    snprintf(name, sizeof(name), "%s%s", rel, de->d_name) >= (int)sizeof(name)) {
			site_err(ld, "%s/%s: path too long", dir, de->d_name);
			rc = -1;
			break;
		}
		/* Symlinks are not followed: nothing outside SITE can be served. */
		if (lstat(path, &st) == -1) {
			site_err(ld, "%s: %s", path, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			strcat(name, "/");
			rc = site_walk(ld, path, name, depth + 1);
		} else if (S_ISREG(st.st_mode) && !site_is_variant(de->d_name))
			rc = site_add_file(ld, path, name, &st);
	}
	closedir(d);
	return rc;
}

static int
site_route_add(struct site *s, const char *path, struct site_file *f)
{
	size_t i = site_hash(path) & s->mask;

	while (s->routes[i].path != NULL) {
		if (strcmp(s->routes[i].path, path) == 0)
			return 0;	/* first one wins: "x/index.html" over an "x/" alias */
		i = (i + 1) & s->mask;
	}
	s->routes[i].path = path;
	s->routes[i].file = f;
	return 0;
}

static int
site_route_own(struct site *s, char *path, struct site_file *f)
{
	if (path == NULL)
		return -1;
	s->paths[s->npaths++] = path;
	return site_route_add(s, path, f);
}

/* Each file gets "/NAME"; "dir/index.html" also "/dir/"; "api/.../x.json" also without
 * its extension, which is how the API is addressed. */
static int
site_build_routes(struct site *s)
{
	size_t i, n, size = 16;
	struct site_file *f;
	char *p;
	int len;

	while (size < s->nfiles * 4)
		size *= 2;
	s->mask = size - 1;
	if ((s->routes = calloc(size, sizeof(*s->routes))) == NULL ||
	    (s->paths = calloc(s->nfiles * 2, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < s->nfiles; i++) {
		f = &s->files[i];
		n = strlen(f->name);
		if (asprintf(&p, "/%s", f->name) == -1 || site_route_own(s, p, f) == -1)
			return -1;
		if (site_has_suffix(f->name, "index.html")) {
			len = (int)(n - strlen("index.html"));
			if (asprintf(&p, "/%.*s", len, f->name) == -1 ||
			    site_route_own(s, p, f) == -1)
				return -1;
		} else if (strncmp(f->name, "api/", 4) == 0 && site_has_suffix(f->name, ".json")) {
			len = (int)(n - strlen(".json"));
			if (asprintf(&p, "/%.*s", len, f->name) == -1 ||
			    site_route_own(s, p, f) == -1)
				return -1;
		}
		if (strcmp(f->name, "404.html") == 0)
			s->notfound[LANG_JA] = f;
		else if (strcmp(f->name, "en/404.html") == 0)
			s->notfound[LANG_EN] = f;
	}
	return 0;
}

int
site_add_headers(struct MHD_Response *r, const struct site_file *f, enum http_enc enc, int full)
{
	static const char *enc_names[HTTP_ENC_COUNT] = { NULL, "gzip", "br" };
	const struct site_variant *v = &f->v[enc];
	int ok = 1;

	ok &= headers_add_security(r) == 0;
	ok &= MHD_add_response_header(r, "ETag", v->etag) == MHD_YES;
	ok &= MHD_add_response_header(r, "Cache-Control", f->cache) == MHD_YES;
	ok &= MHD_add_response_header(r, "Last-Modified", f->lastmod) == MHD_YES;
	if (f->available != (1u << HTTP_ENC_IDENTITY))
		ok &= MHD_add_response_header(r, "Vary", "Accept-Encoding") == MHD_YES;
	if (full) {
		ok &= MHD_add_response_header(r, "Content-Type", f->ctype) == MHD_YES;
		if (enc_names[enc] != NULL)
			ok &= MHD_add_response_header(r, "Content-Encoding",
			    enc_names[enc]) == MHD_YES;
		else
			ok &= MHD_add_response_header(r, "Accept-Ranges", "bytes") == MHD_YES;
	}
	return ok ? 0 : -1;
}

/* Built once per file and shared by every request: a 200 (FULL) or the 304. */
static struct MHD_Response *
site_make_response(const struct site_file *f, enum http_enc enc, int full)
{
	const struct site_variant *v = &f->v[enc];
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(full ? v->len : 0,
	    full ? (void *)(uintptr_t)v->data : NULL, MHD_RESPMEM_PERSISTENT);
	if (r != NULL && site_add_headers(r, f, enc, full) == -1) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return r;
}

static int
site_make_responses(struct site *s)
{
	struct site_variant *v;
	size_t i;
	int e;

	for (i = 0; i < s->nfiles; i++)
		for (e = 0; e < HTTP_ENC_COUNT; e++) {
			if (!(s->files[i].available & (1u << e)))
				continue;
			v = &s->files[i].v[e];
			/* a large body gets a response per request: http_stream_response */
			if (v->len < SITE_STREAM_MIN &&
			    (v->full = site_make_response(&s->files[i], e, 1)) == NULL)
				return -1;
			if ((v->not_modified = site_make_response(&s->files[i], e, 0)) == NULL)
				return -1;
		}
	return 0;
}

static void
site_free(struct site *s)
{
	size_t i;
	int e;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfiles; i++) {
		for (e = 0; e < HTTP_ENC_COUNT; e++) {
			if (s->files[i].v[e].full)
				MHD_destroy_response(s->files[i].v[e].full);
			if (s->files[i].v[e].not_modified)
				MHD_destroy_response(s->files[i].v[e].not_modified);
			free(s->files[i].mem[e]);
		}
		free(s->files[i].name);
	}
	for (i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->routes);
	pages_free(s->pages);
	free(s->files);
	free(s->dir);
	free(s);
}

struct site *
site_load(const char *dir, char *err, size_t errlen)
{
	struct site_loader ld;
	struct site *s;

	err[0] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->dir = strdup(dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(s);
		return NULL;
	}
	memset(&ld, 0, sizeof(ld));
	ld.s = s;
	ld.err = err;
	ld.errlen = errlen;
	if (site_walk(&ld, dir, "", 0) == -1 || site_build_routes(s) == -1 ||
	    site_make_responses(s) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: out of memory", dir);
		site_free(s);
		return NULL;
	}
	if (s->notfound[LANG_JA] == NULL || s->nfiles == 0) {
		snprintf(err, errlen, "%s: not a built site (no 404.html); run showroom build", dir);
		site_free(s);
		return NULL;
	}
	if (s->notfound[LANG_EN] == NULL)
		s->notfound[LANG_EN] = s->notfound[LANG_JA];
	if ((s->pages = pages_load(dir, err, errlen)) == NULL) {
		site_free(s);
		return NULL;
	}
	atomic_store(&s->refs, 1);
	return s;
}

const struct site_file *
site_lookup(const struct site *s, const char *path)
{
	size_t i = site_hash(path) & s->mask;

	while (s->routes[i].path != NULL) {
		if (strcmp(s->routes[i].path, path) == 0)
			return s->routes[i].file;
		i = (i + 1) & s->mask;
	}
	return NULL;
}

static pthread_mutex_t site_lock = PTHREAD_MUTEX_INITIALIZER;
static struct site *site_current;
static atomic_uint site_generation;	/* bumped by every install */

void
site_install(struct site *s)
{
	struct site *old;

	pthread_mutex_lock(&site_lock);
	old = site_current;
	site_current = s;
	atomic_fetch_add(&site_generation, 1);
	pthread_mutex_unlock(&site_lock);
	if (old != NULL)
		site_release(old);
}

struct site *
site_refresh(struct site *held, unsigned *gen)
{
	struct site *s;

	/* The common case, once per request: nothing was installed since. */
	if (held != NULL && atomic_load(&site_generation) == *gen)
		return held;
	/* The lock makes "read the pointer, take a reference" one step against a swap. */
	pthread_mutex_lock(&site_lock);
	s = site_current;
	if (s != NULL)
		atomic_fetch_add(&s->refs, 1);
	*gen = atomic_load(&site_generation);
	pthread_mutex_unlock(&site_lock);
	site_release(held);
	return s;
}

void
site_release(struct site *s)
{
	if (s != NULL && atomic_fetch_sub(&s->refs, 1) == 1)
		site_free(s);
}
