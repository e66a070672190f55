/*
 * Fuzz target for the mustache engine. The first line of the input is a JSON
 * context (any JSON value; when it does not parse the context is null), the
 * rest is the template. Partials come from the context's "partials" object;
 * the partial "self" is the template itself, so that recursion gets fuzzed.
 * The template is rendered twice and both renderings must agree.
 *
 * Build (small limits keep each input fast; the code paths are the same):
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -DTMPL_MAX_STEPS=200000 -DTMPL_MAX_OUTPUT='(4UL << 20)' -Isrc \
 *     fuzz/fuzz_tmpl.c src/lib/tmpl.c src/lib/buf.c \
 *     $(pkg-config --cflags --libs jansson libsodium) -o build-fuzz/fuzz_tmpl
 *   build-fuzz/fuzz_tmpl -max_len=4096 fuzz/corpus/tmpl
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tmpl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_arg {
	const json_t	*partials;
	const char	*self;
	size_t		 selflen;
};

static const char *
fuzz_partial(void *arg, const char *name, size_t *lenp)
{
	struct fuzz_arg *fa = arg;
	const json_t *v;

	if ((v = json_object_get(fa->partials, name)) != NULL &&
	    json_is_string(v)) {
		*lenp = json_string_length(v);
		return json_string_value(v);
	}
	if (strcmp(name, "self") == 0) {
		*lenp = fa->selflen;
		return fa->self;
	}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl;
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct tmpl_error err;
	struct fuzz_arg fa;
	struct tmpl *t;
	json_t *ctx;
	size_t jlen;
	int ra, rb;

	nl = memchr(s, '\n', size);
	jlen = nl ? (size_t)(nl - s) : 0;
	ctx = json_loadb(s, jlen, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	fa.partials = json_object_get(ctx, "partials");
	fa.self = nl ? nl + 1 : s;
	fa.selflen = size - (size_t)(fa.self - s);

	if ((t = tmpl_parse(fa.self, fa.selflen, &err)) != NULL) {
		ra = tmpl_render(t, ctx, fuzz_partial, &fa, &a, &err);
		rb = tmpl_render(t, ctx, fuzz_partial, &fa, &b, &err);
		if (ra != rb || a.len != b.len ||
		    (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
			abort();
		tmpl_free(t);
	} else if (err.msg[0] == '\0' || err.line == 0)
		abort();	/* every parse error says what and where */
	buf_free(&a);
	buf_free(&b);
	json_decref(ctx);
	return 0;
}
