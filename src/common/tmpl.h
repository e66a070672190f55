/*
 * Logic-less mustache templates (https://mustache.github.io/mustache.5.html), passing the
 * official spec suites: comments, delimiters, interpolation, inverted, partials, sections.
 * {{name}} is HTML-escaped; {{{name}}} and {{& name}} are not. Lambdas are not supported.
 * The context is a jansson value. Parsing is a pure function over a buffer.
 */
#ifndef SHOWROOM_TMPL_H
#define SHOWROOM_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "common/buf.h"

struct tmpl;

struct tmpl_error {
	size_t	line;		/* 1-based line in the template, 0 if none */
	char	msg[160];
};

/* Returns the source of partial NAME, or NULL when there is none (renders as empty). */
typedef const char *(*tmpl_partial_fn)(void *arg, const char *name, size_t *lenp);

struct tmpl	*tmpl_parse(const char *src, size_t len, struct tmpl_error *);
void		 tmpl_free(struct tmpl *);
/* Appends the rendering to out. Returns 0, or -1 with err filled (bad partial, memory). */
int		 tmpl_render(const struct tmpl *, const json_t *ctx, tmpl_partial_fn,
		    void *partial_arg, struct buf *out, struct tmpl_error *);
/* Parse and render in one call. */
int		 tmpl_render_string(const char *src, size_t len, const json_t *ctx,
		    tmpl_partial_fn, void *partial_arg, struct buf *out, struct tmpl_error *);

#endif
