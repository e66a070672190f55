/*
 * Structured Field Values (RFC 8941), parsing only, following the algorithms of its
 * section 4.2 step by step. The parser walks the buffer once, never recurses (inner lists
 * do not nest), and stores what it finds in the caller's fixed arrays.
 */
#include "seal/sfv.h"

#include <string.h>

struct sfv_parser {
	const char	*s;
	size_t		 len, pos;
	struct sfv_dict	*d;
};

static int
sfv_is_lcalpha(int c)
{
	return c >= 'a' && c <= 'z';
}

static int
sfv_is_alpha(int c)
{
	return sfv_is_lcalpha(c) || (c >= 'A' && c <= 'Z');
}

static int
sfv_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* tchar of RFC 9110 5.6.2. */
static int
sfv_is_tchar(int c)
{
	return sfv_is_alpha(c) || sfv_is_digit(c) ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
sfv_is_keychar(int c)
{
	return sfv_is_lcalpha(c) || sfv_is_digit(c) || c == '_' || c == '-' ||
	    c == '.' || c == '*';
}

static int
sfv_is_b64char(int c)
{
	return sfv_is_alpha(c) || sfv_is_digit(c) || c == '+' || c == '/' ||
	    c == '=';
}

/* The next byte, or -1 at the end: keeps every look-ahead in bounds. */
static int
sfv_peek(const struct sfv_parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void
sfv_skip_sp(struct sfv_parser *p)
{
	while (sfv_peek(p) == ' ')
		p->pos++;
}

/* OWS of RFC 9110: around the commas between dictionary members. */
static void
sfv_skip_ows(struct sfv_parser *p)
{
	while (sfv_peek(p) == ' ' || sfv_peek(p) == '\t')
		p->pos++;
}

int
sfv_is_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (!sfv_is_lcalpha((unsigned char)s[0]) && s[0] != '*'))
		return 0;
	for (i = 1; i < n; i++)
		if (!sfv_is_keychar((unsigned char)s[i]))
			return 0;
	return 1;
}

static enum sfv_status
sfv_parse_key(struct sfv_parser *p, const char **key, size_t *keylen)
{
	int c = sfv_peek(p);

	if (c == -1 || (!sfv_is_lcalpha(c) && c != '*'))
		return SFV_ESYNTAX;
	*key = p->s + p->pos;
	while ((c = sfv_peek(p)) != -1 && sfv_is_keychar(c))
		p->pos++;
	*keylen = (size_t)(p->s + p->pos - *key);
	return SFV_OK;
}

/* RFC 8941 4.2.4: at most 15 integer digits, or 12 + '.' + 3 for a Decimal. */
static enum sfv_status
sfv_parse_number(struct sfv_parser *p, struct sfv_item *it)
{
	size_t start = p->pos, ndigits = 0, dot = 0;
	int64_t v = 0, sign = 1;
	int c;

	if (sfv_peek(p) == '-') {
		sign = -1;
		p->pos++;
	}
	if (!sfv_is_digit(sfv_peek(p)))
		return SFV_ESYNTAX;
	it->type = SFV_INTEGER;
	while ((c = sfv_peek(p)) != -1) {
		if (sfv_is_digit(c)) {
			if (it->type == SFV_INTEGER)
				v = v * 10 + (c - '0');
			ndigits++;
		} else if (c == '.' && it->type == SFV_INTEGER) {
			if (ndigits > 12)
				return SFV_ESYNTAX;
			it->type = SFV_DECIMAL;
			dot = ndigits;
		} else
			break;
		/* 15 digits either way: 15 for an Integer, 12 + 3 otherwise */
		if (ndigits > 15)
			return SFV_ESYNTAX;
		p->pos++;
	}
	if (it->type == SFV_DECIMAL && (ndigits == dot || ndigits - dot > 3))
		return SFV_ESYNTAX;
	it->integer = sign * v;
	it->raw = p->s + start;
	it->rawlen = p->pos - start;
	return SFV_OK;
}

static enum sfv_status
sfv_parse_string(struct sfv_parser *p, struct sfv_item *it)
{
	int c;

	p->pos++;			/* the opening quote */
	it->type = SFV_STRING;
	it->raw = p->s + p->pos;
	while ((c = sfv_peek(p)) != -1) {
		if (c == '"') {
			it->rawlen = (size_t)(p->s + p->pos - it->raw);
			p->pos++;
			return SFV_OK;
		}
		if (c == '\\') {
			p->pos++;
			c = sfv_peek(p);
			if (c != '"' && c != '\\')
				return SFV_ESYNTAX;
		} else if (c < 0x20 || c > 0x7e)
			return SFV_ESYNTAX;
		p->pos++;
	}
	return SFV_ESYNTAX;		/* no closing quote */
}

static enum sfv_status
sfv_parse_token(struct sfv_parser *p, struct sfv_item *it)
{
	int c;

	it->type = SFV_TOKEN;
	it->raw = p->s + p->pos;
	p->pos++;			/* ALPHA or '*', checked by the caller */
	while ((c = sfv_peek(p)) != -1 && (sfv_is_tchar(c) || c == ':' ||
	    c == '/'))
		p->pos++;
	it->rawlen = (size_t)(p->s + p->pos - it->raw);
	return SFV_OK;
}

static enum sfv_status
sfv_parse_bytes(struct sfv_parser *p, struct sfv_item *it)
{
	int c;

	p->pos++;			/* the opening colon */
	it->type = SFV_BYTES;
	it->raw = p->s + p->pos;
	while ((c = sfv_peek(p)) != -1 && c != ':') {
		if (!sfv_is_b64char(c))
			return SFV_ESYNTAX;
		p->pos++;
	}
	if (c != ':')
		return SFV_ESYNTAX;
	it->rawlen = (size_t)(p->s + p->pos - it->raw);
	p->pos++;
	return SFV_OK;
}

static enum sfv_status
sfv_parse_boolean(struct sfv_parser *p, struct sfv_item *it)
{
	int c;

	p->pos++;			/* '?' */
	c = sfv_peek(p);
	if (c != '0' && c != '1')
		return SFV_ESYNTAX;
	p->pos++;
	it->type = SFV_BOOLEAN;
	it->integer = c == '1';
	return SFV_OK;
}

static enum sfv_status
sfv_parse_bare_item(struct sfv_parser *p, struct sfv_item *it)
{
	int c = sfv_peek(p);

	memset(it, 0, sizeof(*it));
	if (c == '-' || sfv_is_digit(c))
		return sfv_parse_number(p, it);
	if (c == '"')
		return sfv_parse_string(p, it);
	if (c == '*' || sfv_is_alpha(c))
		return sfv_parse_token(p, it);
	if (c == ':')
		return sfv_parse_bytes(p, it);
	if (c == '?')
		return sfv_parse_boolean(p, it);
	return SFV_ESYNTAX;
}

/* Parameters: any number of ";key[=value]", stored from d->nparams on. */
static enum sfv_status
sfv_parse_params(struct sfv_parser *p, size_t *first, size_t *n)
{
	struct sfv_dict *d = p->d;
	struct sfv_param *pa;
	enum sfv_status st;
	size_t i;

	*first = d->nparams;
	*n = 0;
	while (sfv_peek(p) == ';') {
		p->pos++;
		sfv_skip_sp(p);
		if (d->nparams == SFV_MAX_PARAMS)
			return SFV_ELIMIT;
		pa = &d->params[d->nparams];
		if ((st = sfv_parse_key(p, &pa->key, &pa->keylen)) != SFV_OK)
			return st;
		if (sfv_peek(p) == '=') {
			p->pos++;
			if ((st = sfv_parse_bare_item(p, &pa->value)) != SFV_OK)
				return st;
		} else {
			memset(&pa->value, 0, sizeof(pa->value));
			pa->value.type = SFV_BOOLEAN;
			pa->value.integer = 1;
		}
		for (i = *first; i < d->nparams; i++)
			if (d->params[i].keylen == pa->keylen &&
			    memcmp(d->params[i].key, pa->key, pa->keylen) == 0)
				return SFV_EDUPKEY;
		d->nparams++;
		(*n)++;
	}
	return SFV_OK;
}

/* An Item: a bare item and its parameters, appended to d->items. */
static enum sfv_status
sfv_parse_item(struct sfv_parser *p)
{
	struct sfv_dict *d = p->d;
	struct sfv_item *it;
	size_t first, n;
	enum sfv_status st;

	if (d->nitems == SFV_MAX_ITEMS)
		return SFV_ELIMIT;
	it = &d->items[d->nitems];
	if ((st = sfv_parse_bare_item(p, it)) != SFV_OK)
		return st;
	if ((st = sfv_parse_params(p, &first, &n)) != SFV_OK)
		return st;
	it->param = first;
	it->nparams = n;
	d->nitems++;
	return SFV_OK;
}

/* RFC 8941 4.2.1.2; the '(' is next. */
static enum sfv_status
sfv_parse_inner_list(struct sfv_parser *p, struct sfv_member *m)
{
	enum sfv_status st;
	int c;

	p->pos++;
	m->inner = 1;
	m->item = p->d->nitems;
	for (;;) {
		sfv_skip_sp(p);
		if ((c = sfv_peek(p)) == -1)
			return SFV_ESYNTAX;
		if (c == ')') {
			p->pos++;
			return sfv_parse_params(p, &m->param, &m->nparams);
		}
		if ((st = sfv_parse_item(p)) != SFV_OK)
			return st;
		m->nitems++;
		c = sfv_peek(p);
		if (c != ' ' && c != ')')
			return SFV_ESYNTAX;
	}
}

static enum sfv_status
sfv_parse_member(struct sfv_parser *p)
{
	struct sfv_dict *d = p->d;
	struct sfv_member *m;
	struct sfv_item *it;
	enum sfv_status st;
	const char *key;
	size_t keylen;

	if ((st = sfv_parse_key(p, &key, &keylen)) != SFV_OK)
		return st;
	if (sfv_dict_get(d, key, keylen) != NULL)
		return SFV_EDUPKEY;
	if (d->nmembers == SFV_MAX_MEMBERS)
		return SFV_ELIMIT;
	m = &d->members[d->nmembers];
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->keylen = keylen;
	m->param = d->nparams;
	if (sfv_peek(p) == '=') {
		p->pos++;
		if (sfv_peek(p) == '(')
			st = sfv_parse_inner_list(p, m);
		else {
			m->item = d->nitems;
			m->nitems = 1;
			st = sfv_parse_item(p);
		}
	} else {
		/* A bare key is the Boolean true, with parameters. */
		if (d->nitems == SFV_MAX_ITEMS)
			return SFV_ELIMIT;
		m->item = d->nitems;
		m->nitems = 1;
		it = &d->items[d->nitems];
		memset(it, 0, sizeof(*it));
		it->type = SFV_BOOLEAN;
		it->integer = 1;
		if ((st = sfv_parse_params(p, &it->param, &it->nparams)) ==
		    SFV_OK)
			d->nitems++;
	}
	if (st == SFV_OK)
		d->nmembers++;
	return st;
}

enum sfv_status
sfv_parse_dict(const char *s, size_t len, struct sfv_dict *d)
{
	struct sfv_parser p;
	enum sfv_status st = SFV_OK;

	d->nmembers = d->nitems = d->nparams = 0;
	p.s = s;
	p.len = len;
	p.pos = 0;
	p.d = d;
	sfv_skip_sp(&p);
	while (sfv_peek(&p) != -1) {
		if ((st = sfv_parse_member(&p)) != SFV_OK)
			break;
		sfv_skip_ows(&p);
		if (sfv_peek(&p) == -1)
			break;
		if (sfv_peek(&p) != ',') {
			st = SFV_ESYNTAX;
			break;
		}
		p.pos++;
		sfv_skip_ows(&p);
		if (sfv_peek(&p) == -1) {
			st = SFV_ESYNTAX;	/* a trailing comma */
			break;
		}
	}
	if (st != SFV_OK)
		d->nmembers = d->nitems = d->nparams = 0;
	return st;
}

const struct sfv_member *
sfv_dict_get(const struct sfv_dict *d, const char *key, size_t keylen)
{
	size_t i;

	for (i = 0; i < d->nmembers; i++)
		if (d->members[i].keylen == keylen &&
		    memcmp(d->members[i].key, key, keylen) == 0)
			return &d->members[i];
	return NULL;
}

int
sfv_string_copy(const struct sfv_item *it, char *out, size_t outsz)
{
	size_t i, n = 0;

	if (it->type != SFV_STRING || outsz == 0)
		return -1;
	for (i = 0; i < it->rawlen; i++) {
		if (it->raw[i] == '\\')
			i++;		/* the parser saw to it that one follows */
		if (n + 1 >= outsz)
			return -1;
		out[n++] = it->raw[i];
	}
	out[n] = '\0';
	return (int)n;
}
