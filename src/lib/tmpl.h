/*
 * Logic-less mustache templates (https://mustache.github.io/mustache.5.html), passing the
 * official spec suites: comments, delimiters, interpolation, inverted, partials, sections.
 * {{name}} is HTML-escaped; {{{name}}} and {{& name}} are not. Lambdas are not supported.
 * The context is a jansson value. Parsing is a pure function over a buffer.
 *
 * Falsey values (section skipped, inverted section rendered): a missing name, null, false,
 * an empty list and an empty string. Everything else, 0 and {} included, is truthy.
 * A list renders its section once per element; any other truthy value is pushed as the
 * context. Numbers interpolate as JSON writes them (85, 1.21); true and false as words;
 * objects and lists as nothing.
 */
#ifndef SHOWROOM_TMPL_H
#define SHOWROOM_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"

struct tmpl;

/*
 * Limits that keep a hostile or broken template from exhausting the stack, the CPU or memory.
 * Section nesting counts at parse time; sections and partials together count while rendering,
 * so recursive partials stop at TMPL_MAX_DEPTH. A step is one node or one list element.
 */
#ifndef TMPL_MAX_DEPTH
#define TMPL_MAX_DEPTH	64
#endif
#ifndef TMPL_MAX_STEPS
#define TMPL_MAX_STEPS	(16UL * 1024 * 1024)
#endif
#ifndef TMPL_MAX_OUTPUT
#define TMPL_MAX_OUTPUT	(64UL * 1024 * 1024)
#endif

struct tmpl_error {
	size_t	line;		/* 1-based line in the template, 0 if none */
	char	msg[160];
};

/* Returns the source of partial NAME, or NULL when there is none (renders as empty). */
typedef const char *(*tmpl_partial_fn)(void *arg, const char *name, size_t *lenp);

struct tmpl	*tmpl_parse(const char *src, size_t len, struct tmpl_error *);
void		 tmpl_free(struct tmpl *);
/*
 * Appends the rendering to out. Returns 0, or -1 with err filled (bad partial, a limit,
 * memory); out is then cut back to its length on entry. Partials are fetched and parsed
 * once per call. err may be NULL in every function.
 */
int		 tmpl_render(const struct tmpl *, const json_t *ctx, tmpl_partial_fn,
		    void *partial_arg, struct buf *out, struct tmpl_error *);
/* Parse and render in one call. */
int		 tmpl_render_string(const char *src, size_t len, const json_t *ctx,
		    tmpl_partial_fn, void *partial_arg, struct buf *out, struct tmpl_error *);

#endif
