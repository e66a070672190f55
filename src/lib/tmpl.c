/*
 * Logic-less mustache templates.
 *
 * The parser turns a private copy of the source into a flat array of nodes. A
 * section node records the index one past its last child, so parsing needs no
 * recursion and the tree costs one allocation. Rendering recurses once per
 * section or partial level, bounded by TMPL_MAX_DEPTH.
 *
 * Indentation of standalone partials: the spec indents every line of the
 * partial. Rather than copying and re-parsing an indented source per call
 * site, the parser leaves an N_INDENT node at each line start that survives
 * standalone-line removal, and the renderer emits there the indentation of
 * every enclosing standalone partial (empty at the top level).
 */
#include "lib/tmpl.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tmpl_ntype {
	N_TEXT,		/* literal source bytes */
	N_INDENT,	/* a line start: emit the partial indentation */
	N_VAR,		/* {{name}}, HTML-escaped */
	N_RAW,		/* {{{name}}} or {{&name}} */
	N_SECTION,	/* {{#name}} */
	N_INVERTED,	/* {{^name}} */
	N_PARTIAL	/* {{>name}} */
};

struct tmpl_node {
	enum tmpl_ntype	 type;
	size_t		 off, len;	/* text or name, in tmpl->src */
	size_t		 ioff, ilen;	/* partial: indentation of a standalone tag */
	size_t		 end;		/* section: index one past its last child */
	size_t		 line;
};

struct tmpl {
	char			*src;
	size_t			 len;
	struct tmpl_node	*nodes;
	size_t			 nnodes, cap;
};

struct tmpl_parser {
	struct tmpl		*t;
	const char		*s;
	size_t			 len;
	const char		*otag, *ctag;	/* current delimiters */
	size_t			 olen, clen;
	size_t			 line, lpos;	/* lpos is on line `line` */
	size_t			 open[TMPL_MAX_DEPTH];	/* open section nodes */
	size_t			 depth;
	struct tmpl_error	*err;
};

struct tmpl_tag {
	char	 sigil;		/* '#', '^', '/', '>', '!', '=', '&', '{' or 0 */
	size_t	 start, end;	/* the whole tag, delimiters included */
	size_t	 off, len;	/* its content, trimmed */
	size_t	 line;
};

/* One level of the context stack; frames live on the C stack. */
struct tmpl_frame {
	const json_t		*v;
	const struct tmpl_frame	*up;
};

struct tmpl_partial {
	char		*name;
	struct tmpl	*t;		/* NULL when there is no such partial */
};

struct tmpl_render {
	tmpl_partial_fn		 fn;
	void			*arg;
	struct buf		*out;
	size_t			 base;		/* out->len on entry */
	struct buf		 indent;
	struct tmpl_partial	*partials;
	size_t			 npartials, pcap;
	size_t			 steps;
	size_t			 line;		/* of the node being rendered */
	struct tmpl_error	*err;
};

#define TMPL_NAME_SHOWN	40	/* bytes of a name quoted in a message */

static void	tmpl_seterr(struct tmpl_error *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
tmpl_seterr(struct tmpl_error *err, size_t line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/*
 * Copies a name into dst for an error message: names come from untrusted
 * templates, so control bytes become '?', and a long name is cut on a UTF-8
 * character boundary.
 */
static void
tmpl_shown(char *dst, const char *s, size_t n)
{
	size_t i;

	if (n > TMPL_NAME_SHOWN) {
		n = TMPL_NAME_SHOWN;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
}

static int
tmpl_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* Spaces and tabs are what may surround a standalone tag on its line. */
static int
tmpl_isblank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parsing.
 */

/*
 * Line number of offset off. Offsets asked for move mostly forward, and back
 * only over the text before the current tag, so counting stays near linear.
 */
static size_t
tmpl_line_at(struct tmpl_parser *p, size_t off)
{
	for (; p->lpos > off; p->lpos--)
		if (p->s[p->lpos - 1] == '\n')
			p->line--;
	for (; p->lpos < off; p->lpos++)
		if (p->s[p->lpos] == '\n')
			p->line++;
	return p->line;
}

static int
tmpl_add(struct tmpl_parser *p, enum tmpl_ntype type, size_t off, size_t len,
    size_t line)
{
	struct tmpl *t = p->t;
	struct tmpl_node *n;
	size_t ncap;

	if (t->nnodes == t->cap) {
		ncap = t->cap ? t->cap * 2 : 32;
		if ((n = reallocarray(t->nodes, ncap, sizeof(*n))) == NULL) {
			tmpl_seterr(p->err, line, "out of memory");
			return -1;
		}
		t->nodes = n;
		t->cap = ncap;
	}
	n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->off = off;
	n->len = len;
	n->line = line;
	return 0;
}

/*
 * Emits the literal text [a, b), one node per line, with an N_INDENT node at
 * each line start. A line start at b itself gets one only when more (a tag
 * that is not standalone) follows on that line: a standalone line was cut
 * off, and the end of the source starts no line.
 */
static int
tmpl_flush(struct tmpl_parser *p, size_t a, size_t b, int bol, int more)
{
	const char *nl;
	size_t e;

	for (;;) {
		if (bol && (a < b || more) &&
		    tmpl_add(p, N_INDENT, a, 0, tmpl_line_at(p, a)) == -1)
			return -1;
		if (a >= b)
			return 0;
		nl = memchr(p->s + a, '\n', b - a);
		e = nl ? (size_t)(nl - p->s) + 1 : b;
		if (tmpl_add(p, N_TEXT, a, e - a, tmpl_line_at(p, a)) == -1)
			return -1;
		a = e;
		bol = nl != NULL;
	}
}

/* Finds the tag's closing delimiter, which for '{' and '=' carries one more byte. */
static int
tmpl_find_close(struct tmpl_parser *p, size_t from, char pre, size_t *atp)
{
	const char *hit;
	size_t at = from;

	for (;;) {
		if (at > p->len || (hit = memmem(p->s + at, p->len - at,
		    p->ctag, p->clen)) == NULL)
			return -1;
		at = (size_t)(hit - p->s);
		if (pre == 0 || (at > from && p->s[at - 1] == pre)) {
			*atp = at;
			return 0;
		}
		at++;
	}
}

/* A name is non-empty and has no blank or control bytes. */
static int
tmpl_valid_name(const char *s, size_t n, int dotted)
{
	size_t i, seg = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			return 0;
	}
	if (!dotted || (n == 1 && s[0] == '.'))
		return 1;
	/* Dotted names need every part: "a.b", not ".a", "a." or "a..b". */
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == seg)
				return 0;
			seg = i + 1;
		}
	}
	return 1;
}

/* Reads the tag whose opening delimiter is at offset at. */
static int
tmpl_read_tag(struct tmpl_parser *p, size_t at, struct tmpl_tag *tag)
{
	char ctag[TMPL_NAME_SHOWN + 1], pre = 0;
	size_t q, close;

	memset(tag, 0, sizeof(*tag));
	tag->start = at;
	tag->line = tmpl_line_at(p, at);
	q = at + p->olen;
	while (q < p->len && tmpl_isspace(p->s[q]))
		q++;
	if (q < p->len && p->s[q] != '\0' && strchr("#^/>!=&{", p->s[q]) != NULL)
		tag->sigil = p->s[q++];
	if (tag->sigil == '{')
		pre = '}';
	else if (tag->sigil == '=')
		pre = '=';
	if (tmpl_find_close(p, q, pre, &close) == -1) {
		tmpl_shown(ctag, p->ctag, p->clen);
		tmpl_seterr(p->err, tag->line, "unclosed tag: no '%s%s' after it",
		    pre == '}' ? "}" : pre == '=' ? "=" : "", ctag);
		return -1;
	}
	tag->end = close + p->clen;
	if (pre != 0)
		close--;
	while (q < close && tmpl_isspace(p->s[q]))
		q++;
	while (close > q && tmpl_isspace(p->s[close - 1]))
		close--;
	tag->off = q;
	tag->len = close - q;
	return 0;
}

/* {{=<% %>=}}: two delimiters, split by blanks, without blanks or '='. */
static int
tmpl_set_delims(struct tmpl_parser *p, const struct tmpl_tag *tag)
{
	const char *s = p->s + tag->off;
	size_t n = tag->len, i = 0, olen, c;

	while (i < n && !tmpl_isspace(s[i]) && s[i] != '=')
		i++;
	olen = i;
	while (i < n && tmpl_isspace(s[i]))
		i++;
	c = i;
	while (i < n && !tmpl_isspace(s[i]) && s[i] != '=')
		i++;
	if (olen == 0 || c == i || i != n) {
		tmpl_seterr(p->err, tag->line, "bad set-delimiter tag: want two "
		    "delimiters without blanks or '='");
		return -1;
	}
	p->otag = s;
	p->olen = olen;
	p->ctag = s + c;
	p->clen = i - c;
	return 0;
}

static int
tmpl_close_section(struct tmpl_parser *p, const struct tmpl_tag *tag)
{
	char want[TMPL_NAME_SHOWN + 1], got[TMPL_NAME_SHOWN + 1];
	struct tmpl_node *open;

	tmpl_shown(got, p->s + tag->off, tag->len);
	if (p->depth == 0) {
		tmpl_seterr(p->err, tag->line, "close tag '/%s' without an open "
		    "section", got);
		return -1;
	}
	open = &p->t->nodes[p->open[p->depth - 1]];
	if (open->len != tag->len ||
	    memcmp(p->s + open->off, p->s + tag->off, tag->len) != 0) {
		tmpl_shown(want, p->s + open->off, open->len);
		tmpl_seterr(p->err, tag->line, "close tag '/%s' does not match "
		    "section '%s' opened on line %zu", got, want, open->line);
		return -1;
	}
	open->end = p->t->nnodes;
	p->depth--;
	return 0;
}

/* Turns a tag into nodes; indent is the blank run before a standalone tag. */
static int
tmpl_emit_tag(struct tmpl_parser *p, const struct tmpl_tag *tag, size_t ioff,
    size_t ilen)
{
	struct tmpl_node *n;
	enum tmpl_ntype type;

	if (tag->sigil == '!')
		return 0;
	if (tag->sigil == '=')
		return tmpl_set_delims(p, tag);
	if (!tmpl_valid_name(p->s + tag->off, tag->len, tag->sigil != '>')) {
		tmpl_seterr(p->err, tag->line, "bad name in tag: empty, or "
		    "with blanks, control bytes or empty dotted parts");
		return -1;
	}
	switch (tag->sigil) {
	case '/':
		return tmpl_close_section(p, tag);
	case '#':
	case '^':
		if (p->depth == TMPL_MAX_DEPTH) {
			tmpl_seterr(p->err, tag->line, "sections nested deeper "
			    "than %d levels", TMPL_MAX_DEPTH);
			return -1;
		}
		type = tag->sigil == '#' ? N_SECTION : N_INVERTED;
		if (tmpl_add(p, type, tag->off, tag->len, tag->line) == -1)
			return -1;
		p->open[p->depth++] = p->t->nnodes - 1;
		return 0;
	case '>':
		if (tmpl_add(p, N_PARTIAL, tag->off, tag->len, tag->line) == -1)
			return -1;
		n = &p->t->nodes[p->t->nnodes - 1];
		n->ioff = ioff;
		n->ilen = ilen;
		return 0;
	case '&':
	case '{':
		return tmpl_add(p, N_RAW, tag->off, tag->len, tag->line);
	default:
		return tmpl_add(p, N_VAR, tag->off, tag->len, tag->line);
	}
}

/*
 * A tag other than an interpolation is standalone when only blanks share its
 * line; the line is then cut out whole. The line must start inside the
 * pending text [text, tag) or, when bol, at text itself: otherwise another tag
 * sits before it on the line. Returns the line start and the offset past the
 * line end.
 */
static int
tmpl_standalone(struct tmpl_parser *p, const struct tmpl_tag *tag, size_t text,
    int bol, size_t *lsp, size_t *nextp)
{
	const char *s = p->s;
	size_t ls, q;

	if (tag->sigil == 0 || tag->sigil == '&' || tag->sigil == '{')
		return 0;
	ls = tag->start;
	while (ls > text && s[ls - 1] != '\n')
		ls--;
	if (ls == text && !bol)
		return 0;
	for (q = ls; q < tag->start; q++)
		if (!tmpl_isblank(s[q]))
			return 0;
	q = tag->end;
	while (q < p->len && tmpl_isblank(s[q]))
		q++;
	if (q < p->len && s[q] == '\n')
		q++;
	else if (q + 1 < p->len && s[q] == '\r' && s[q + 1] == '\n')
		q += 2;
	else if (q != p->len)
		return 0;
	*lsp = ls;
	*nextp = q;
	return 1;
}

static int
tmpl_parse_all(struct tmpl_parser *p)
{
	struct tmpl_tag tag;
	const char *hit;
	char name[TMPL_NAME_SHOWN + 1];
	size_t text = 0, ls, next;
	int bol = 1;
	struct tmpl_node *open;

	for (;;) {
		hit = text < p->len ?
		    memmem(p->s + text, p->len - text, p->otag, p->olen) : NULL;
		if (hit == NULL)
			break;
		if (tmpl_read_tag(p, (size_t)(hit - p->s), &tag) == -1)
			return -1;
		if (tmpl_standalone(p, &tag, text, bol, &ls, &next)) {
			if (tmpl_flush(p, text, ls, bol, 0) == -1 ||
			    tmpl_emit_tag(p, &tag, ls, tag.start - ls) == -1)
				return -1;
			bol = 1;
		} else {
			if (tmpl_flush(p, text, tag.start, bol, 1) == -1 ||
			    tmpl_emit_tag(p, &tag, 0, 0) == -1)
				return -1;
			next = tag.end;
			bol = 0;
		}
		text = next;
	}
	if (tmpl_flush(p, text, p->len, bol, 0) == -1)
		return -1;
	if (p->depth > 0) {
		open = &p->t->nodes[p->open[p->depth - 1]];
		tmpl_shown(name, p->s + open->off, open->len);
		tmpl_seterr(p->err, open->line, "unclosed section '%s'", name);
		return -1;
	}
	return 0;
}

struct tmpl *
tmpl_parse(const char *src, size_t len, struct tmpl_error *err)
{
	struct tmpl_error dummy;
	struct tmpl_parser p;
	struct tmpl *t;

	if (err == NULL)
		err = &dummy;
	err->line = 0;
	err->msg[0] = '\0';
	if (len == SIZE_MAX || (t = calloc(1, sizeof(*t))) == NULL) {
		tmpl_seterr(err, 0, "out of memory");
		return NULL;
	}
	/* A private copy: nodes and delimiters point into it. */
	if ((t->src = malloc(len + 1)) == NULL) {
		free(t);
		tmpl_seterr(err, 0, "out of memory");
		return NULL;
	}
	if (len > 0)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	t->len = len;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.s = t->src;
	p.len = len;
	p.otag = "{{";
	p.olen = 2;
	p.ctag = "}}";
	p.clen = 2;
	p.line = 1;
	p.err = err;
	if (tmpl_parse_all(&p) == -1) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
	free(t->src);
	free(t);
}

/*
 * Rendering.
 */

static int tmpl_render_nodes(struct tmpl_render *, const struct tmpl *,
    size_t, size_t, const struct tmpl_frame *, size_t);

static int
tmpl_emit(struct tmpl_render *r, const char *s, size_t n)
{
	if (n > TMPL_MAX_OUTPUT - (r->out->len - r->base)) {
		tmpl_seterr(r->err, r->line, "output larger than %lu bytes",
		    (unsigned long)TMPL_MAX_OUTPUT);
		return -1;
	}
	if (buf_append(r->out, s, n) == -1) {
		tmpl_seterr(r->err, r->line, "out of memory");
		return -1;
	}
	return 0;
}

static int
tmpl_emit_escaped(struct tmpl_render *r, const char *s, size_t n)
{
	const char *ent;
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			continue;
		}
		if (tmpl_emit(r, s + run, i - run) == -1 ||
		    tmpl_emit(r, ent, strlen(ent)) == -1)
			return -1;
		run = i + 1;
	}
	return tmpl_emit(r, s + run, n - run);
}

/* The shortest %g form that reads back as the same double, as JSON writers do. */
static void
tmpl_fmt_real(double d, char *b, size_t bsz)
{
	int prec;

	if (!isfinite(d)) {
		b[0] = '\0';
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(b, bsz, "%.*g", prec, d);
		if (strtod(b, NULL) == d)
			break;
	}
}

static int
tmpl_emit_value(struct tmpl_render *r, const json_t *v, int escape)
{
	char num[64];

	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			return tmpl_emit_escaped(r, json_string_value(v),
			    json_string_length(v));
		return tmpl_emit(r, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		break;
	case JSON_REAL:
		tmpl_fmt_real(json_real_value(v), num, sizeof(num));
		break;
	case JSON_TRUE:
		return tmpl_emit(r, "true", 4);
	case JSON_FALSE:
		return tmpl_emit(r, "false", 5);
	default:
		/* null, and objects and lists, which have no text form. */
		return 0;
	}
	return tmpl_emit(r, num, strlen(num));
}

/*
 * Resolves a name: its first part through the context stack, innermost
 * first; further parts only inside what the first part found, so that a
 * broken chain renders as nothing instead of reaching an outer context.
 */
static const json_t *
tmpl_lookup(const struct tmpl *t, const struct tmpl_node *n,
    const struct tmpl_frame *fr)
{
	const char *s = t->src + n->off, *dot;
	size_t len = n->len, part;
	const json_t *v = NULL;

	if (len == 1 && s[0] == '.')
		return fr->v;
	dot = memchr(s, '.', len);
	part = dot ? (size_t)(dot - s) : len;
	for (; fr != NULL; fr = fr->up) {
		if (json_is_object(fr->v) &&
		    (v = json_object_getn(fr->v, s, part)) != NULL)
			break;
	}
	while (v != NULL && part < len) {
		s += part + 1;
		len -= part + 1;
		dot = memchr(s, '.', len);
		part = dot ? (size_t)(dot - s) : len;
		v = json_is_object(v) ? json_object_getn(v, s, part) : NULL;
	}
	return v;
}

static int
tmpl_falsey(const json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 1;
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (json_is_string(v))
		return json_string_length(v) == 0;
	return 0;
}

static int
tmpl_step(struct tmpl_render *r)
{
	if (++r->steps > TMPL_MAX_STEPS) {
		tmpl_seterr(r->err, r->line, "template too costly to render "
		    "(over %lu steps)", (unsigned long)TMPL_MAX_STEPS);
		return -1;
	}
	return 0;
}

static int
tmpl_deeper(struct tmpl_render *r, size_t depth)
{
	if (depth >= TMPL_MAX_DEPTH) {
		tmpl_seterr(r->err, r->line, "sections and partials nested "
		    "deeper than %d levels", TMPL_MAX_DEPTH);
		return -1;
	}
	return 0;
}

/* Renders the children of section node i once per list element, or once. */
static int
tmpl_render_section(struct tmpl_render *r, const struct tmpl *t, size_t i,
    const json_t *v, const struct tmpl_frame *fr, size_t depth)
{
	const struct tmpl_node *n = &t->nodes[i];
	struct tmpl_frame f;
	size_t k;

	if (n->type == N_INVERTED) {
		if (!tmpl_falsey(v))
			return 0;
		if (tmpl_deeper(r, depth) == -1)
			return -1;
		return tmpl_render_nodes(r, t, i + 1, n->end, fr, depth + 1);
	}
	if (tmpl_falsey(v))
		return 0;
	if (tmpl_deeper(r, depth) == -1)
		return -1;
	f.up = fr;
	if (!json_is_array(v)) {
		f.v = v;
		return tmpl_render_nodes(r, t, i + 1, n->end, &f, depth + 1);
	}
	for (k = 0; k < json_array_size(v); k++) {
		f.v = json_array_get(v, k);
		if (tmpl_step(r) == -1 ||
		    tmpl_render_nodes(r, t, i + 1, n->end, &f, depth + 1) == -1)
			return -1;
	}
	return 0;
}

/* Fetches and parses a partial once per render call; *tp is NULL when it is missing. */
static int
tmpl_get_partial(struct tmpl_render *r, const char *name, size_t nlen,
    const struct tmpl **tp)
{
	struct tmpl_partial *pa;
	struct tmpl_error perr;
	const char *src;
	char shown[TMPL_NAME_SHOWN + 1];
	size_t i, len = 0, ncap;

	for (i = 0; i < r->npartials; i++) {
		pa = &r->partials[i];
		if (strlen(pa->name) == nlen && memcmp(pa->name, name, nlen) == 0) {
			*tp = pa->t;
			return 0;
		}
	}
	if (r->npartials == r->pcap) {
		ncap = r->pcap ? r->pcap * 2 : 8;
		if ((pa = reallocarray(r->partials, ncap, sizeof(*pa))) == NULL)
			goto oom;
		r->partials = pa;
		r->pcap = ncap;
	}
	pa = &r->partials[r->npartials];
	if ((pa->name = strndup(name, nlen)) == NULL)
		goto oom;
	pa->t = NULL;
	r->npartials++;
	src = r->fn ? r->fn(r->arg, pa->name, &len) : NULL;
	if (src != NULL && (pa->t = tmpl_parse(src, len, &perr)) == NULL) {
		tmpl_shown(shown, name, nlen);
		tmpl_seterr(r->err, r->line, "partial '%s' line %zu: %.100s",
		    shown, perr.line, perr.msg);
		return -1;
	}
	*tp = pa->t;
	return 0;
oom:
	tmpl_seterr(r->err, r->line, "out of memory");
	return -1;
}

/* Renders partial node n in the current context, its indentation added. */
static int
tmpl_render_partial(struct tmpl_render *r, const struct tmpl *t,
    const struct tmpl_node *n, const struct tmpl_frame *fr, size_t depth)
{
	const struct tmpl *pt;
	char shown[TMPL_NAME_SHOWN + 1], inner[sizeof(r->err->msg)];
	size_t line = n->line, ilen = r->indent.len;
	int rc;

	if (tmpl_get_partial(r, t->src + n->off, n->len, &pt) == -1)
		return -1;
	if (pt == NULL)
		return 0;
	if (tmpl_deeper(r, depth) == -1)
		return -1;
	if (n->ilen > 0 && buf_append(&r->indent, t->src + n->ioff, n->ilen) == -1) {
		tmpl_seterr(r->err, line, "out of memory");
		return -1;
	}
	rc = tmpl_render_nodes(r, pt, 0, pt->nnodes, fr, depth + 1);
	r->indent.len = ilen;
	if (rc == -1 && strncmp(r->err->msg, "partial '", 9) != 0) {
		/* Name the innermost partial once, and point at this tag. */
		memcpy(inner, r->err->msg, sizeof(inner));
		tmpl_shown(shown, t->src + n->off, n->len);
		tmpl_seterr(r->err, line, "partial '%s' line %zu: %.100s",
		    shown, r->err->line, inner);
	} else if (rc == -1)
		r->err->line = line;
	return rc;
}

static int
tmpl_render_nodes(struct tmpl_render *r, const struct tmpl *t, size_t from,
    size_t to, const struct tmpl_frame *fr, size_t depth)
{
	const struct tmpl_node *n;
	size_t i;
	int rc;

	for (i = from; i < to; i++) {
		n = &t->nodes[i];
		r->line = n->line;
		if (tmpl_step(r) == -1)
			return -1;
		switch (n->type) {
		case N_TEXT:
			rc = tmpl_emit(r, t->src + n->off, n->len);
			break;
		case N_INDENT:
			rc = tmpl_emit(r, r->indent.data, r->indent.len);
			break;
		case N_VAR:
		case N_RAW:
			rc = tmpl_emit_value(r, tmpl_lookup(t, n, fr),
			    n->type == N_VAR);
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = tmpl_render_section(r, t, i, tmpl_lookup(t, n, fr),
			    fr, depth);
			i = n->end - 1;
			break;
		case N_PARTIAL:
			rc = tmpl_render_partial(r, t, n, fr, depth);
			break;
		default:
			rc = 0;
			break;
		}
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
tmpl_render(const struct tmpl *t, const json_t *ctx, tmpl_partial_fn fn,
    void *arg, struct buf *out, struct tmpl_error *err)
{
	struct tmpl_error dummy;
	struct tmpl_render r;
	struct tmpl_frame root = { ctx, NULL };
	size_t i;
	int rc;

	if (err == NULL)
		err = &dummy;
	err->line = 0;
	err->msg[0] = '\0';
	memset(&r, 0, sizeof(r));
	r.fn = fn;
	r.arg = arg;
	r.out = out;
	r.base = out->len;
	r.err = err;
	rc = tmpl_render_nodes(&r, t, 0, t->nnodes, &root, 0);
	if (rc == -1) {
		out->len = r.base;
		if (out->data != NULL)
			out->data[out->len] = '\0';
	}
	for (i = 0; i < r.npartials; i++) {
		free(r.partials[i].name);
		tmpl_free(r.partials[i].t);
	}
	free(r.partials);
	buf_free(&r.indent);
	return rc;
}

int
tmpl_render_string(const char *src, size_t len, const json_t *ctx,
    tmpl_partial_fn fn, void *arg, struct buf *out, struct tmpl_error *err)
{
	struct tmpl *t;
	int rc;

	if ((t = tmpl_parse(src, len, err)) == NULL)
		return -1;
	rc = tmpl_render(t, ctx, fn, arg, out, err);
	tmpl_free(t);
	return rc;
}
