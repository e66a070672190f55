/* The diagnostics list that content_load and the parsers fill. */
#include "content/content_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/*
 * Diagnostics end up on a terminal, and parts of them come from the files being
 * checked (file names, keys, jansson's quotes of the input). Make them valid UTF-8
 * without control characters so that a hostile file cannot forge output.
 */
static char *
content_diag_clean(const char *s)
{
	struct buf b = BUF_INIT;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t n, left = (utf8proc_ssize_t)strlen(s);
	utf8proc_int32_t c;
	int rc = 0;

	while (left > 0 && rc == 0) {
		n = utf8proc_iterate(p, left, &c);
		if (n < 0) {
			rc = buf_printf(&b, "\\x%02x", *p);
			n = 1;
		} else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			rc = buf_printf(&b, "\\u%04x", (unsigned)c);
		else
			rc = buf_append(&b, p, (size_t)n);
		p += n;
		left -= n;
	}
	if (rc == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

static int
content_diags_grow(struct content_diags *d)
{
	struct content_diag *v;
	size_t cap;

	/* The capacity is 16, then the next power of two: n alone tells it. */
	if (d->n == 0)
		cap = 16;
	else if (d->n >= 16 && (d->n & (d->n - 1)) == 0)
		cap = d->n * 2;
	else
		return 0;
	if ((v = reallocarray(d->v, cap, sizeof(*v))) == NULL)
		return -1;
	d->v = v;
	return 0;
}

static void
content_diags_push(struct content_diags *d, const char *file, const char *path,
    const char *msg)
{
	struct content_diag *g;

	if (content_diags_grow(d) == -1)
		return;
	g = &d->v[d->n];
	g->file = content_diag_clean(file);
	g->path = content_diag_clean(path);
	g->msg = content_diag_clean(msg);
	if (g->file == NULL || g->path == NULL || g->msg == NULL) {
		free(g->file);
		free(g->path);
		free(g->msg);
		return;
	}
	d->n++;
}

void
content_diags_add(struct content_diags *d, const char *file, const char *path,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	/* A pathological directory must not produce unbounded output. */
	if (file == NULL)
		file = "";
	if (d->n > CONTENT_MAX_DIAGS)
		return;
	if (d->n == CONTENT_MAX_DIAGS) {
		content_diags_push(d, file, "$", "too many problems; stopped reporting");
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	content_diags_push(d, file, path ? path : "$", msg);
	free(msg);
}

void
content_diags_free(struct content_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}
