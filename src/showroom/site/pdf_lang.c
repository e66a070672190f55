#include "showroom/site/pdf_lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errbuf.h"

/* The last occurrence of NEEDLE in HAY[0..n). */
static const char *
pdf_rfind(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	const char *p;

	if (k == 0 || n < k)
		return NULL;
	for (p = hay + n - k;; p--) {
		if (memcmp(p, needle, k) == 0)
			return p;
		if (p == hay)
			return NULL;
	}
}

/* The dictionary "<< ... >>" that starts at P (within END): where it ends, past ">>". */
static const char *
pdf_dict_end(const char *p, const char *end)
{
	int depth = 0;

	for (; p + 1 < end; p++) {
		if (p[0] == '<' && p[1] == '<') {
			depth++;
			p++;
		} else if (p[0] == '>' && p[1] == '>') {
			p++;
			if (--depth == 0)
				return p + 1;
		} else if (*p == '(' || *p == '%')	/* strings and comments: not cairo's */
			return NULL;
	}
	return NULL;
}

static const char *
pdf_skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* A non-negative decimal at *P; -1 when there is none. */
static long
pdf_number(const char **p, const char *end)
{
	long v = 0;
	int digits = 0;

	*p = pdf_skip_space(*p, end);
	while (*p < end && **p >= '0' && **p <= '9' && digits < 10) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits > 0 ? v : -1;
}

struct pdf_tail {
	long		 prev;		/* the last xref's offset */
	const char	*trailer;	/* the trailer dictionary */
	size_t		 trailer_len;
	long		 root;		/* the catalog's object number and generation */
	long		 gen;
};

static int
pdf_trailer(const char *pdf, size_t len, struct pdf_tail *t)
{
	const char *end = pdf + len, *sx, *tr, *p, *de;

	if ((sx = pdf_rfind(pdf, len, "startxref")) == NULL)
		return -1;
	p = sx + 9;
	if ((t->prev = pdf_number(&p, end)) < 0 || (size_t)t->prev >= len)
		return -1;
	if ((tr = pdf_rfind(pdf, (size_t)(sx - pdf), "trailer")) == NULL)
		return -1;
	p = pdf_skip_space(tr + 7, sx);
	if ((de = pdf_dict_end(p, sx)) == NULL)
		return -1;
	t->trailer = p;
	t->trailer_len = (size_t)(de - p);
	if ((p = pdf_rfind(t->trailer, t->trailer_len, "/Root")) == NULL)
		return -1;
	p += 5;
	if ((t->root = pdf_number(&p, de)) < 0 || (t->gen = pdf_number(&p, de)) < 0)
		return -1;
	p = pdf_skip_space(p, de);
	return p < de && *p == 'R' ? 0 : -1;
}

/* The catalog's dictionary: the last "N G obj" before the trailer. */
static const char *
pdf_catalog(const char *pdf, const struct pdf_tail *t, const char **dend)
{
	char head[48];
	const char *o, *p;

	snprintf(head, sizeof(head), "\n%ld %ld obj", t->root, t->gen);
	if ((o = pdf_rfind(pdf, (size_t)(t->trailer - pdf), head)) == NULL)
		return NULL;
	p = pdf_skip_space(o + strlen(head), t->trailer);
	if (p + 1 >= t->trailer || p[0] != '<' || p[1] != '<')
		return NULL;
	*dend = pdf_dict_end(p, t->trailer);
	return *dend != NULL ? p : NULL;
}

int
pdf_lang_update(const char *pdf, size_t len, const char *lang, struct buf *out, char *err,
    size_t errlen)
{
	struct pdf_tail t;
	const char *dict, *dend;
	size_t start = out->len, obj, xref;

	if (lang == NULL || *lang == '\0' || strlen(lang) > 35 ||
	    strspn(lang, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") !=
	    strlen(lang))
		return errbuf_set(err, errlen, "\"%.40s\" is not a language tag", lang);
	if (len < 8 || memcmp(pdf, "%PDF-", 5) != 0)
		return errbuf_set(err, errlen, "not a PDF");
	if (pdf_trailer(pdf, len, &t) == -1)
		return errbuf_set(err, errlen, "no trailer with a /Root and startxref");
	if (memmem(t.trailer, t.trailer_len, "/Prev", 5) != NULL)
		return errbuf_set(err, errlen, "updated before: not cairo's own file");
	if ((dict = pdf_catalog(pdf, &t, &dend)) == NULL)
		return errbuf_set(err, errlen, "catalog %ld %ld not found", t.root, t.gen);
	if (memmem(dict, (size_t)(dend - dict), "/Type /Catalog", 14) == NULL ||
	    memmem(dict, (size_t)(dend - dict), "/Lang", 5) != NULL)
		return errbuf_set(err, errlen, "object %ld is no catalog without /Lang", t.root);
	/* the new catalog: the old one's entries and ours; then its xref and trailer */
	if (pdf[len - 1] != '\n')
		buf_putc(out, '\n');
	obj = len + (out->len - start);
	buf_printf(out, "%ld %ld obj\n%.*s   /Lang (%s)\n   /ViewerPreferences "
	    "<< /DisplayDocTitle true >>\n>>\nendobj\n", t.root, t.gen,
	    (int)(dend - 2 - dict), dict, lang);
	xref = len + (out->len - start);
	buf_printf(out, "xref\n%ld 1\n%010zu %05ld n \ntrailer\n%.*s /Prev %ld >>\n"
	    "startxref\n%zu\n%%%%EOF\n", t.root, obj, t.gen, (int)(t.trailer_len - 2),
	    t.trailer, t.prev, xref);
	return out->data != NULL ? 0 : errbuf_set(err, errlen, "out of memory");
}
