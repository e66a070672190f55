/*
 * The office's pages: mustache templates in templates/office/ (found as showroom build
 * finds its own: --templates, $SHOWROOM_TEMPLATES, else ./templates), its UI strings in
 * templates/office/i18n/{ja,en}.json, its style sheets and script. All read and parsed
 * once at start; every page gets the common context (language, strings, counts, the
 * CSRF token, the last pull, a message) on top of its own.
 */
#include "showroom/office/office_int.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"
#include "lib/jtime.h"
#include "lib/log.h"
#include "lib/tmpl.h"
#include "showroom/office/bookings_fmt.h"

static const char *const ov_pages[] = {
	"inbox", "record", "handled", "ack", "day", "week", "booking", "calendar", "audit",
	"keyring", "unlock", "message", "files",
};
static const char *const ov_partials[] = { "head", "foot", "nav" };
static const struct {
	const char	*name, *ctype;
} ov_assets[] = {
	{ "office.css", "text/css; charset=utf-8" },
	{ "print.css", "text/css; charset=utf-8" },
	{ "office.js", "text/javascript; charset=utf-8" },
	{ "favicon.svg", "image/svg+xml" },
};

#define OV_NPAGES	(sizeof(ov_pages) / sizeof(ov_pages[0]))
#define OV_NPARTIALS	(sizeof(ov_partials) / sizeof(ov_partials[0]))
#define OV_NASSETS	(sizeof(ov_assets) / sizeof(ov_assets[0]))

struct office_view {
	struct tmpl	*page[OV_NPAGES];
	char		*partial[OV_NPARTIALS];
	size_t		 partial_len[OV_NPARTIALS];
	char		*asset[OV_NASSETS];
	size_t		 asset_len[OV_NASSETS];
	json_t		*strings[LANG_COUNT];
};

static int
ov_read(const char *dir, const char *rel, char **data, size_t *len, char *err,
    size_t errlen)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/office/%s", dir, rel);
	if (fs_read_file(path, data, len) == -1)
		return errbuf_set(err, errlen, "%s: %s (templates: --templates DIR, "
		    "$SHOWROOM_TEMPLATES or ./templates)", path, strerror(errno));
	return 0;
}

struct office_view *
office_view_load(const char *dir, char *err, size_t errlen)
{
	struct office_view *v;
	struct tmpl_error te;
	char rel[128], *src = NULL;
	size_t i, len;
	json_error_t je;

	if ((v = calloc(1, sizeof(*v))) == NULL) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < OV_NPAGES; i++) {
		snprintf(rel, sizeof(rel), "%s.mustache", ov_pages[i]);
		if (ov_read(dir, rel, &src, &len, err, errlen) == -1)
			goto fail;
		v->page[i] = tmpl_parse(src, len, &te);
		free(src);
		if (v->page[i] == NULL) {
			errbuf_set(err, errlen, "%s/office/%s:%zu: %s", dir, rel, te.line, te.msg);
			goto fail;
		}
	}
	for (i = 0; i < OV_NPARTIALS; i++) {
		snprintf(rel, sizeof(rel), "partials/%s.mustache", ov_partials[i]);
		if (ov_read(dir, rel, &v->partial[i], &v->partial_len[i], err, errlen) == -1)
			goto fail;
	}
	for (i = 0; i < OV_NASSETS; i++) {
		snprintf(rel, sizeof(rel), "assets/%s", ov_assets[i].name);
		if (ov_read(dir, rel, &v->asset[i], &v->asset_len[i], err, errlen) == -1)
			goto fail;
	}
	for (i = 0; i < LANG_COUNT; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/office/i18n/%s.json", dir, lang_code(i));
		v->strings[i] = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(v->strings[i])) {
			errbuf_set(err, errlen, "%s:%d: %s", path, je.line, je.text);
			goto fail;
		}
	}
	return v;
fail:
	office_view_free(v);
	return NULL;
}

void
office_view_free(struct office_view *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < OV_NPAGES; i++)
		tmpl_free(v->page[i]);
	for (i = 0; i < OV_NPARTIALS; i++)
		free(v->partial[i]);
	for (i = 0; i < OV_NASSETS; i++)
		free(v->asset[i]);
	for (i = 0; i < LANG_COUNT; i++)
		json_decref(v->strings[i]);
	free(v);
}

const char *
office_view_asset(const struct office_view *v, const char *name, size_t *len,
    const char **ctype)
{
	size_t i;

	for (i = 0; i < OV_NASSETS; i++)
		if (strcmp(ov_assets[i].name, name) == 0) {
			*len = v->asset_len[i];
			*ctype = ov_assets[i].ctype;
			return v->asset[i];
		}
	return NULL;
}

static const char *
ov_partial(void *arg, const char *name, size_t *lenp)
{
	const struct office_view *v = arg;
	size_t i;

	for (i = 0; i < OV_NPARTIALS; i++)
		if (strcmp(ov_partials[i], name) == 0) {
			*lenp = v->partial_len[i];
			return v->partial[i];
		}
	return NULL;
}

const char *
office_str(const struct office *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o->view->strings[o->sess.lang], key));

	return s != NULL ? s : key;
}

json_t *
office_text(const char *s, int lines)
{
	char *c = bookings_text(s != NULL ? s : "", lines);
	json_t *j;

	if (c == NULL)
		return json_string("");
	j = json_string(c);
	sodium_memzero(c, strlen(c));
	free(c);
	return j != NULL ? j : json_string("");
}

json_t *
office_time(time_t t)
{
	char s[17];

	if (t == 0)
		return json_string("");
	jtime_datetime(t, s);
	return json_string(s);
}

size_t
office_unread(struct office *o)
{
	struct bostore_q q;
	char err[256];
	size_t n = 0;

	memset(&q, 0, sizeof(q));
	q.key_id = o->b.id.pub.key_id;
	if (o->b.id.pub.role == KEYS_ROLE_HQ) {
		q.kind = "catalog_request";
		q.sel = BOSTORE_NOT_EXPORTED;
		q.unseen = 1;
	} else {
		q.sel = BOSTORE_ALL;
		q.kind = "test_drive";
		q.pulled_after = o->sess.visit_mark > 0 ? o->sess.visit_mark : 1;	/* > 0 */
	}
	if (bostore_count(o->b.db, &q, &n, err, sizeof(err)) == -1)
		log_warn("%s", err);
	return n;
}

/* The lines of the session's message, for the next page only. */
static json_t *
ov_flash(struct office *o)
{
	json_t *lines = json_array();
	char *s, *p, *save = NULL;

	if (o->sess.flash.len == 0)
		return lines;
	s = o->sess.flash.data;
	for (p = strtok_r(s, "\n", &save); p != NULL; p = strtok_r(NULL, "\n", &save))
		json_array_append_new(lines, json_string(p));
	buf_reset(&o->sess.flash);
	return lines;
}

static void
ov_common(struct office *o, json_t *ctx)
{
	const struct keys_public *p = &o->b.id.pub;
	json_t *flash = ov_flash(o);
	char title[512], keyring_left[32];
	const char *page_title = json_string_value(json_object_get(ctx, "title"));
	size_t unread = o->b.have_secret || o->sess.active ? office_unread(o) : 0;
	enum lang l = o->sess.lang;
	int64_t left;

	if (unread > 0)
		snprintf(title, sizeof(title), "(%zu) %s", unread, page_title ? page_title : "");
	else
		snprintf(title, sizeof(title), "%s", page_title ? page_title : "");
	json_object_set_new(ctx, "page_title", json_string(title));
	/* 0 is truthy in mustache: counts that guard a section are left out when 0 */
	if (unread > 0)
		json_object_set_new(ctx, "unread", json_integer((json_int_t)unread));
	json_object_set_new(ctx, "lang", json_string(lang_code(l)));
	json_object_set_new(ctx, "other_lang", json_string(lang_code(l == LANG_JA ? LANG_EN :
	    LANG_JA)));
	json_object_set(ctx, "t", o->view->strings[l]);
	json_object_set_new(ctx, "csrf", json_string(o->sess.csrf));
	json_object_set_new(ctx, "hq", json_boolean(p->role == KEYS_ROLE_HQ));
	json_object_set_new(ctx, "dealer", json_boolean(p->role == KEYS_ROLE_DEALER));
	json_object_set_new(ctx, "signed_in", json_boolean(o->sess.active));
	json_object_set_new(ctx, "key_id", json_string(p->key_id));
	json_object_set_new(ctx, "key_name", office_text(p->name, 0));
	json_object_set_new(ctx, "dealer_code", json_string(p->dealer));
	json_object_set_new(ctx, "locked", json_boolean(!o->b.have_secret));
	if (json_array_size(flash) > 0)
		json_object_set_new(ctx, "flash", json_pack("{s:o, s:b}", "lines", flash, "error",
		    o->sess.flash_error));
	else
		json_decref(flash);
	o->sess.flash_error = 0;
	json_object_set_new(ctx, "here", json_string(o->here));
	json_object_set_new(ctx, "pulled_at", office_time(o->pulled_at));
	json_object_set_new(ctx, "pull_msg", json_string(o->pull_msg));
	json_object_set_new(ctx, "pull_failed", json_boolean(o->pull_failed));
	left = (int64_t)o->b.kr.expires_at - (int64_t)time(NULL);
	if (o->b.have_kr && left < OFFICE_KEYRING_WARN) {
		snprintf(keyring_left, sizeof(keyring_left), "%s", o->b.kr.expires);
		json_object_set_new(ctx, "keyring_warn", json_string(keyring_left));
	}
}

void
office_page(struct office *o, struct office_reply *rp, const char *name, json_t *ctx)
{
	struct tmpl_error te;
	size_t i;

	if (ctx == NULL) {
		rp->status = 500;
		buf_puts(&rp->body, "out of memory\n");
		return;
	}
	ov_common(o, ctx);
	for (i = 0; i < OV_NPAGES; i++)
		if (strcmp(ov_pages[i], name) == 0)
			break;
	buf_reset(&rp->body);
	if (i == OV_NPAGES || tmpl_render(o->view->page[i], ctx, ov_partial,
	    (void *)(uintptr_t)o->view, &rp->body, &te) == -1) {
		log_error("office: page %s: %s", name, i == OV_NPAGES ? "no template" : te.msg);
		rp->status = 500;
		buf_puts(&rp->body, "internal error\n");
	} else if (rp->status == 0)
		rp->status = 200;
	json_decref(ctx);	/* it held opened records: jansson's allocator wipes them */
}

void
office_message(struct office *o, struct office_reply *rp, unsigned status,
    const char *heading, const char *text)
{
	json_t *ctx = json_object();

	json_object_set_new(ctx, "title", json_string(office_str(o, heading)));
	json_object_set_new(ctx, "heading", json_string(office_str(o, heading)));
	json_object_set_new(ctx, "text", json_string(office_str(o, text)));
	rp->status = status;
	office_page(o, rp, "message", ctx);
}

void
office_redirect(struct office *o, struct office_reply *rp, const char *path, int error,
    const char *fmt, ...)
{
	va_list ap;

	rp->status = 303;
	snprintf(rp->location, sizeof(rp->location), "%s", office_local_path(path));
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	buf_vprintf(&o->sess.flash, fmt, ap);
	va_end(ap);
	o->sess.flash_error = error;
}
