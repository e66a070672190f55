/*
 * A strict reader for the test vector files in tests/vectors/ (format in its
 * README.md).  The files are small: each is read whole and parsed in place.
 */
#include "vectors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define VEC_FILE_MAX	(1024 * 1024)
#define VEC_NAME_MAX	63

struct vec_entry {
	const char	*key;
	const char	*val;	/* quoted: unescaped; else the token */
	size_t		 vallen;
	size_t		 line;
	int		 quoted;
	int		 used;
};

struct vec_section {
	const struct vec_file	*file;
	const char		*name;
	const char		*source;
	size_t			 line;
	struct vec_entry	*ent;
	size_t			 nent, capent;
	int			 used;
};

struct vec_file {
	char			*path;
	char			*text;
	struct vec_section	*sec;
	size_t			 nsec, capsec;
};

static void	vec_fail(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* cmocka's fail_msg, with the message built first: reasons need formatting. */
static void
vec_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("%s", msg);
}

static int
is_hexdigit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static uint8_t
hexval(int c)
{
	return (uint8_t)(c <= '9' ? c - '0' : c - 'a' + 10);
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > VEC_NAME_MAX || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]) && strchr(" ._-", s[i]) == NULL)
			return 0;
	return 1;
}

/* A letter, then letters, digits or _. */
static int
valid_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > VEC_NAME_MAX || !is_alnum(s[0]) ||
	    (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* "..." unescaped in place; only \" \\ and \n exist.  The length, or -1. */
static long
unquote(char *s, const char **why)
{
	char *r = s + 1, *w = s;

	for (;;) {
		if (*r == '\0') {
			*why = "no closing quote";
			return -1;
		}
		if (*r == '"')
			break;
		if (*r == '\\') {
			r++;
			if (*r == '"' || *r == '\\')
				*w++ = *r++;
			else if (*r == 'n') {
				*w++ = '\n';
				r++;
			} else {
				*why = "unknown escape (only \\\" \\\\ \\n)";
				return -1;
			}
		} else
			*w++ = *r++;
	}
	if (r[1] != '\0') {
		*why = "text after the closing quote";
		return -1;
	}
	*w = '\0';
	return (long)(w - s);
}

static struct vec_section *
find_section(const struct vec_file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nsec; i++)
		if (strcmp(f->sec[i].name, name) == 0)
			return &f->sec[i];
	return NULL;
}

static struct vec_entry *
find_entry(const struct vec_section *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nent; i++)
		if (strcmp(s->ent[i].key, key) == 0)
			return &s->ent[i];
	return NULL;
}

/* The section just ended must say where its values come from. */
static const char *
close_section(struct vec_section *s)
{
	struct vec_entry *e;

	if ((e = find_entry(s, "source")) == NULL)
		return "section has no source";
	if (!e->quoted || strncmp(e->val, "RFC ", 4) != 0)
		return "source must be quoted and name an RFC (\"RFC ...\")";
	e->used = 1;
	s->source = e->val;
	return NULL;
}

/* One line; on error, *where is the line to blame. */
static const char *
parse_line(struct vec_file *f, char *l, size_t lineno, size_t *where)
{
	struct vec_section *s;
	struct vec_entry *e;
	char *eq, *v;
	size_t n = strlen(l), i;
	const char *why = NULL;
	long len;

	for (i = 0; i < n; i++)
		if (l[i] < 0x20 || l[i] > 0x7e)
			return "a byte other than printable ASCII";
	if (n == 0 || l[0] == '#')
		return NULL;
	if (l[n - 1] == ' ')
		return "trailing blank";
	if (l[0] == '[') {
		if (l[n - 1] != ']')
			return "section line without its closing ]";
		l[n - 1] = '\0';
		if (!valid_name(l + 1))
			return "bad section name";
		if (find_section(f, l + 1) != NULL)
			return "section named twice";
		if (f->nsec > 0 &&
		    (why = close_section(&f->sec[f->nsec - 1])) != NULL) {
			*where = f->sec[f->nsec - 1].line;
			return why;
		}
		if (f->nsec == f->capsec) {
			f->capsec = f->capsec ? 2 * f->capsec : 16;
			if ((s = reallocarray(f->sec, f->capsec, sizeof(*s))) ==
			    NULL)
				return "out of memory";
			f->sec = s;
		}
		s = &f->sec[f->nsec++];
		memset(s, 0, sizeof(*s));
		s->file = f;
		s->name = l + 1;
		s->line = lineno;
		return NULL;
	}
	if (f->nsec == 0)
		return "a value before the first section";
	s = &f->sec[f->nsec - 1];
	if ((eq = strstr(l, " =")) == NULL)
		return "neither a section, a comment nor key = value";
	if (!valid_key(l, (size_t)(eq - l)))
		return "bad key";
	*eq = '\0';
	if (find_entry(s, l) != NULL)
		return "key given twice in the section";
	v = eq + 2;
	if (*v != '\0') {
		if (*v != ' ' || v[1] == '\0')
			return "want exactly one blank on each side of =";
		v++;
	}
	if (s->nent == s->capent) {
		s->capent = s->capent ? 2 * s->capent : 16;
		if ((e = reallocarray(s->ent, s->capent, sizeof(*e))) == NULL)
			return "out of memory";
		s->ent = e;
	}
	e = &s->ent[s->nent];
	memset(e, 0, sizeof(*e));
	e->key = l;
	e->line = lineno;
	if (*v == '"') {
		if ((len = unquote(v, &why)) == -1)
			return why;
		e->quoted = 1;
		e->vallen = (size_t)len;
	} else {
		for (i = 0; v[i] != '\0'; i++)
			if (!is_hexdigit(v[i]))
				return "unquoted values are lowercase hex or "
				    "decimal";
		e->vallen = i;
	}
	e->val = v;
	s->nent++;
	return NULL;
}

struct vec_file *
vec_load(const char *path)
{
	struct vec_file *f;
	FILE *fp;
	char *l, *nl;
	size_t n, lineno = 0, where = 0;
	const char *why = NULL;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(path)) == NULL ||
	    (f->text = malloc(VEC_FILE_MAX + 1)) == NULL) {
		vec_free(f);
		vec_fail("%s: out of memory", path);
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		vec_free(f);
		vec_fail("cannot open %s (run from the repository root)", path);
		return NULL;
	}
	n = fread(f->text, 1, VEC_FILE_MAX + 1, fp);
	if (ferror(fp))
		why = "read error";
	else if (n > VEC_FILE_MAX)
		why = "larger than 1 MiB";
	else if (n == 0 || f->text[n - 1] != '\n')
		why = "empty, or the last line has no newline";
	else if (memchr(f->text, '\0', n) != NULL)
		why = "a NUL byte";
	fclose(fp);
	if (why != NULL) {
		vec_free(f);
		vec_fail("%s: %s", path, why);
		return NULL;
	}
	f->text[n] = '\0';
	for (l = f->text; *l != '\0'; l = nl + 1) {
		nl = strchr(l, '\n');
		*nl = '\0';
		where = ++lineno;
		if ((why = parse_line(f, l, lineno, &where)) != NULL)
			break;
	}
	if (why == NULL && f->nsec == 0)
		why = "no sections";
	else if (why == NULL) {
		where = f->sec[f->nsec - 1].line;
		why = close_section(&f->sec[f->nsec - 1]);
	}
	if (why != NULL) {
		vec_free(f);
		vec_fail("%s:%zu: %s", path, where, why);
		return NULL;
	}
	return f;
}

void
vec_free(struct vec_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nsec; i++)
		free(f->sec[i].ent);
	free(f->sec);
	free(f->text);
	free(f->path);
	free(f);
}

void
vec_close(struct vec_file *f)
{
	char msg[256] = "";
	size_t i, j;

	if (f == NULL)
		return;
	for (i = 0; i < f->nsec && msg[0] == '\0'; i++) {
		if (!f->sec[i].used) {
			snprintf(msg, sizeof(msg),
			    "%s:%zu: section [%s] never read", f->path,
			    f->sec[i].line, f->sec[i].name);
			break;
		}
		for (j = 0; j < f->sec[i].nent; j++)
			if (!f->sec[i].ent[j].used) {
				snprintf(msg, sizeof(msg),
				    "%s:%zu: [%s] %s never read", f->path,
				    f->sec[i].ent[j].line, f->sec[i].name,
				    f->sec[i].ent[j].key);
				break;
			}
	}
	vec_free(f);
	if (msg[0] != '\0')
		vec_fail("%s", msg);
}

struct vec_section *
vec_section(struct vec_file *f, const char *name)
{
	struct vec_section *s;

	if ((s = find_section(f, name)) != NULL)
		s->used = 1;
	return s;
}

const char *
vec_name(const struct vec_section *s)
{
	return s->name;
}

const char *
vec_source(const struct vec_section *s)
{
	return s->source;
}

int
vec_has(const struct vec_section *s, const char *key)
{
	return find_entry(s, key) != NULL;
}

/* The entry for key, marked read; NULL (after failing the test) when absent. */
static struct vec_entry *
get(struct vec_section *s, const char *key, int quoted)
{
	struct vec_entry *e;

	if ((e = find_entry(s, key)) == NULL) {
		vec_fail("%s:%zu: [%s] has no %s", s->file->path, s->line,
		    s->name, key);
		return NULL;
	}
	if (e->quoted != quoted) {
		vec_fail("%s:%zu: [%s] %s: want %s", s->file->path, e->line,
		    s->name, key, quoted ? "a quoted string" :
		    "an unquoted number or hex");
		return NULL;
	}
	e->used = 1;
	return e;
}

size_t
vec_hex(struct vec_section *s, const char *key, uint8_t *out, size_t cap)
{
	struct vec_entry *e;
	size_t i;

	if ((e = get(s, key, 0)) == NULL)
		return 0;
	if (e->vallen % 2 != 0 || e->vallen / 2 > cap) {
		vec_fail("%s:%zu: [%s] %s: odd length, or more than %zu bytes",
		    s->file->path, e->line, s->name, key, cap);
		return 0;
	}
	for (i = 0; i < e->vallen / 2; i++)
		out[i] = (uint8_t)(hexval(e->val[2 * i]) << 4 |
		    hexval(e->val[2 * i + 1]));
	return e->vallen / 2;
}

void
vec_hex_len(struct vec_section *s, const char *key, uint8_t *out, size_t len)
{
	size_t n;

	n = vec_hex(s, key, out, len);
	if (n != len)
		vec_fail("%s: [%s] %s: %zu bytes, want %zu", s->file->path,
		    s->name, key, n, len);
}

long long
vec_int(struct vec_section *s, const char *key)
{
	struct vec_entry *e;
	long long v = 0;
	size_t i;

	if ((e = get(s, key, 0)) == NULL)
		return 0;
	/* Decimal without leading zeros, and small enough not to overflow. */
	if (e->vallen == 0 || e->vallen > 18 || (e->val[0] == '0' &&
	    e->vallen > 1) || strspn(e->val, "0123456789") != e->vallen) {
		vec_fail("%s:%zu: [%s] %s: not a decimal number", s->file->path,
		    e->line, s->name, key);
		return 0;
	}
	for (i = 0; i < e->vallen; i++)
		v = v * 10 + (e->val[i] - '0');
	return v;
}

const char *
vec_str(struct vec_section *s, const char *key, size_t *lenp)
{
	struct vec_entry *e;

	if ((e = get(s, key, 1)) == NULL)
		return NULL;
	if (lenp != NULL)
		*lenp = e->vallen;
	return e->val;
}
