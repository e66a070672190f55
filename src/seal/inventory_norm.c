/*
 * Normalization and character rules of the inventory's fields: the Unicode helpers and
 * the field normalizers. See inventory.h for the rules, inventory_int.h for the calls.
 *
 * Personal data passes through here, so every working copy lives in an allocation
 * the caller owns and wipes (sodium_memzero) before freeing: normalization runs
 * utf8proc's decompose/reencode into our own buffer rather than utf8proc_map, which
 * would leave unwiped copies behind.
 */
#include "seal/inventory.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/cp932.h"
#include "lib/prefecture.h"
#include "seal/inventory_int.h"

/* ---- Unicode helpers ------------------------------------------------------- */

/*
 * NFC (or NFKC with compat) of s[0..len) into a fresh buffer that out takes over;
 * release it with buf_wipe. Returns 0, -1 when memory runs out, -2 for invalid UTF-8.
 */
int
inv_normalize(const char *s, size_t len, int compat, struct buf *out)
{
	utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	    (compat ? UTF8PROC_COMPAT : 0);
	utf8proc_int32_t *cp;
	utf8proc_ssize_t n, cap = (utf8proc_ssize_t)len + 8;
	size_t bytes;

	for (;;) {
		bytes = ((size_t)cap + 1) * sizeof(*cp);
		if ((cp = malloc(bytes)) == NULL)
			return -1;
		n = utf8proc_decompose((const utf8proc_uint8_t *)s,
		    (utf8proc_ssize_t)len, cp, cap, opt);
		if (n >= 0 && n <= cap)
			break;
		sodium_memzero(cp, bytes);
		free(cp);
		if (n < 0)
			return n == UTF8PROC_ERROR_NOMEM ? -1 : -2;
		cap = n;	/* too small: utf8proc said how much it needs */
	}
	/* Re-encodes in place, NUL-terminated: the +1 slot above leaves room. */
	if ((n = utf8proc_reencode(cp, n, opt)) < 0) {
		sodium_memzero(cp, bytes);
		free(cp);
		return -2;
	}
	out->data = (char *)cp;
	out->len = (size_t)n;
	out->cap = bytes;
	return 0;
}

/* Decodes the code point at s[*i] (known valid UTF-8) and advances *i. */
static utf8proc_int32_t
inv_next(const char *s, size_t len, size_t *i)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
	    (utf8proc_ssize_t)(len - *i), &cp);
	if (k <= 0) {
		*i = len;	/* cannot happen after normalization; stop safely */
		return -1;
	}
	*i += (size_t)k;
	return cp;
}

size_t
inv_count_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Unicode White_Space. */
static int
inv_is_space(utf8proc_int32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

int
inv_is_blank(const struct buf *b)
{
	size_t i = 0;

	while (i < b->len)
		if (!inv_is_space(inv_next(b->data, b->len, &i)))
			return 0;
	return 1;
}

/* Dashes and long vowel marks that people type for the hyphen in numbers. */
static int
inv_is_hyphen(utf8proc_int32_t cp)
{
	return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2043 ||
	    cp == 0x2212 || cp == 0x30fc || cp == 0xff70 || cp == 0xfe63 ||
	    cp == 0xff0d;
}

static int
inv_is_invisible(utf8proc_int32_t cp)
{
	/* ZWNJ and ZWJ shape scripts and emoji; other format characters only hide. */
	if (cp == 0x200c || cp == 0x200d)
		return 0;
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_CF;
}

/* Whether a text field admits cp. Whitespace has been handled by the caller. */
static int
inv_text_char_ok(utf8proc_int32_t cp, enum inventory_check check)
{
	if (cp < 0 || inv_is_invisible(cp))
		return 0;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return check == INV_CHECK_NOTE && (cp == '\n' || cp == '\t');
	if (check == INV_CHECK_NOTE)
		return cp != '<' && cp != '>';
	if (cp >= 0x80 || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= '0' && cp <= '9') || cp == ' ')
		return 1;
	return strchr("'-.,/#&()", (int)cp) != NULL;
}

/* How an offending character is shown: itself when printable ASCII, else U+XXXX. */
void
inv_char_display(utf8proc_int32_t cp, char *dst, size_t sz)
{
	if (cp > 0x20 && cp < 0x7f)
		snprintf(dst, sz, "\"%c\"", (char)cp);
	else
		snprintf(dst, sz, "U+%04X", (unsigned)cp);
}

/*
 * The character itself, for a message, when it stands on its own: a letter, digit,
 * punctuation or symbol (an emoji, 𠮷). Not a mark, which would fall onto the quote
 * before it, nor a private-use, unassigned or noncharacter code point, which shows as a
 * box if at all. Returns 1 with dst set, else 0 with dst "".
 */
int
inv_char_glyph(utf8proc_int32_t cp, char *dst, size_t sz)
{
	utf8proc_category_t c = utf8proc_category(cp);
	utf8proc_uint8_t u[4];
	utf8proc_ssize_t n;

	dst[0] = '\0';
	/* utf8proc numbers the categories L*, M*, N*, P*, S*, Z*, C* in that order */
	if (!((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_SO)))
		return 0;
	if ((n = utf8proc_encode_char(cp, u)) <= 0 || (size_t)n >= sz)
		return 0;
	memcpy(dst, u, (size_t)n);
	dst[n] = '\0';
	return 1;
}

/*
 * Whether a carrier's label can carry every character of b, which is normalized: NFC
 * has made か and a combining dakuten the one が that CP932 has. Returns 0, or 1 with
 * *bad set to the first character it cannot, or -1 when the CP932 table is missing.
 */
int
inv_label_text(const struct buf *b, utf8proc_int32_t *bad)
{
	utf8proc_int32_t cp;
	size_t i = 0;
	int r;

	while (i < b->len) {
		cp = inv_next(b->data, b->len, &i);
		if ((r = cp932_printable((uint32_t)cp)) == 1)
			continue;
		if (r == -1)
			return -1;
		*bad = cp;
		return 1;
	}
	return 0;
}

/* ---- Field normalizers ----------------------------------------------------- */

/*
 * Name, address and note, in place. One-line fields turn every whitespace run into one
 * space; the note keeps its line breaks and inner spacing. Both are trimmed. Returns
 * 0, or 1 with *bad set to the first character the field does not admit.
 */
int
inv_clean_text(struct buf *b, enum inventory_check check, utf8proc_int32_t *bad)
{
	size_t r = 0, w = 0, start, end = 0;
	int multiline = check == INV_CHECK_NOTE, gap = 0, space;
	utf8proc_int32_t cp;

	while (r < b->len) {
		start = r;
		cp = inv_next(b->data, b->len, &r);
		/* Controls other than TAB and LF are refused, not taken for blanks. */
		space = inv_is_space(cp) &&
		    (cp >= 0x20 || cp == '\t' || cp == '\n') && cp != 0x85;
		if (!space && !inv_text_char_ok(cp, check)) {
			*bad = cp;
			return 1;
		}
		if (space && w == 0)
			continue;	/* leading */
		if (space && !multiline) {
			gap = 1;
			continue;
		}
		if (gap) {
			b->data[w++] = ' ';
			gap = 0;
		}
		memmove(b->data + w, b->data + start, r - start);
		w += r - start;
		if (!space)
			end = w;
	}
	b->len = end;	/* trailing blanks dropped */
	b->data[end] = '\0';
	return 0;
}

/*
 * Postal code and phone, in place, after NFKC: hyphen look-alikes become '-', the rest
 * must be ASCII. The phone also loses spaces, hyphens and parentheses. Returns 0, or 1
 * when something else is left.
 */
int
inv_clean_number(struct buf *b, int phone)
{
	size_t r = 0, w = 0;
	utf8proc_int32_t cp;

	while (r < b->len) {
		cp = inv_next(b->data, b->len, &r);
		if (inv_is_hyphen(cp))
			cp = '-';
		if (inv_is_space(cp)) {
			if (phone || w == 0 || r == b->len)
				continue;	/* postal: only around it */
			cp = ' ';
		}
		if (!phone && cp == 0x3012 && w == 0)
			continue;	/* 〒, the postal mark */
		if (phone && (cp == '-' || cp == '(' || cp == ')'))
			continue;
		if (cp < 0x20 || cp >= 0x7f)
			return 1;
		b->data[w++] = (char)cp;
	}
	/* Postal: trailing blanks before the end were copied; drop them. */
	while (w > 0 && b->data[w - 1] == ' ')
		w--;
	b->len = w;
	b->data[w] = '\0';
	return 0;
}

static int
inv_all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* NNNNNNN or NNN-NNNN, rewritten as NNN-NNNN (the buffer has room: it held more). */
int
inv_postal(struct buf *b)
{
	char *s = b->data;

	if (b->len == 8 && s[3] == '-' && inv_all_digits(s, 3) &&
	    inv_all_digits(s + 4, 4))
		return 0;
	if (b->len != 7 || !inv_all_digits(s, 7) || b->cap < 9)
		return 1;
	memmove(s + 4, s + 3, 4);
	s[3] = '-';
	b->len = 8;
	s[8] = '\0';
	return 0;
}

/* Digits only by now, save a leading "+81" that stands for the leading 0. */
int
inv_phone(struct buf *b)
{
	char *s = b->data;

	if (b->len > 3 && memcmp(s, "+81", 3) == 0) {
		memmove(s + 1, s + 3, b->len - 3);
		s[0] = '0';
		b->len -= 2;
		s[b->len] = '\0';
	}
	if (b->len < 10 || b->len > 11 || !inv_all_digits(s, b->len))
		return 1;
	return s[0] != '0' || s[1] == '0';	/* 00 is the international prefix */
}

/*
 * E-mail after NFC, in place: full-width ASCII (which Japanese input methods produce)
 * becomes ASCII, and the ideographic space a space; anything else non-ASCII is refused,
 * as most mail systems between here and a dealer do not speak SMTPUTF8.
 * Returns 0, or 1 when a character is not ASCII.
 */
int
inv_clean_email(struct buf *b)
{
	size_t r = 0, w = 0;
	utf8proc_int32_t cp;

	while (r < b->len) {
		cp = inv_next(b->data, b->len, &r);
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		else if (inv_is_space(cp))
			cp = ' ';
		if (cp < 0x20 || cp >= 0x7f)
			return 1;
		b->data[w++] = (char)cp;
	}
	while (w > 0 && b->data[w - 1] == ' ')
		w--;
	r = 0;
	while (r < w && b->data[r] == ' ')
		r++;
	memmove(b->data, b->data + r, w - r);
	b->len = w - r;
	b->data[b->len] = '\0';
	return 0;
}

static int
inv_is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int
inv_is_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* local@domain: dot-atom local part of at most 64; LDH labels, two or more. */
int
inv_email(struct buf *b)
{
	char *s = b->data, *at, *label;
	size_t i, llen, dlen, n;
	int labels = 0, digits_only = 1;

	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 1;
	llen = (size_t)(at - s);
	dlen = b->len - llen - 1;
	if (llen == 0 || llen > 64 || dlen == 0 || dlen > 253)
		return 1;
	if (s[0] == '.' || s[llen - 1] == '.')
		return 1;
	for (i = 0; i < llen; i++)
		if (!(inv_is_atext(s[i]) || (s[i] == '.' && s[i + 1] != '.')))
			return 1;
	for (label = at + 1; ; label += n + 1) {
		n = strcspn(label, ".");
		if (n == 0 || n > 63 || label[0] == '-' || label[n - 1] == '-')
			return 1;
		digits_only = 1;
		for (i = 0; i < n; i++) {
			if (!inv_is_ldh(label[i]))
				return 1;
			if (label[i] >= 'A' && label[i] <= 'Z')
				label[i] += 'a' - 'A';
			if (label[i] < '0' || label[i] > '9')
				digits_only = 0;
		}
		labels++;
		if (label[n] == '\0')
			break;
	}
	return labels < 2 || digits_only;	/* a top-level domain is never numeric */
}

int
inv_code_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > INV_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return 0;
	return 1;
}

static int
inv_num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "YYYY-MM-DDTHH:MM", a date and time that exists (years 2000..9999). */
int
inv_slot_ok(const char *s, size_t n)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, dim;

	if (n != 16 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    !inv_all_digits(s, 4) || !inv_all_digits(s + 5, 2) ||
	    !inv_all_digits(s + 8, 2) || !inv_all_digits(s + 11, 2) ||
	    !inv_all_digits(s + 14, 2))
		return 0;
	y = inv_num(s, 4);
	m = inv_num(s + 5, 2);
	d = inv_num(s + 8, 2);
	if (y < 2000 || m < 1 || m > 12)
		return 0;
	dim = mdays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		dim = 29;
	return d >= 1 && d <= dim && inv_num(s + 11, 2) <= 23 &&
	    inv_num(s + 14, 2) <= 59;
}

/* "1".."47" or "01".."47"; returns the code or 0. */
int
inv_prefecture_code(const char *s, size_t n)
{
	int v;

	if (n < 1 || n > 2 || !inv_all_digits(s, n))
		return 0;
	v = inv_num(s, n);
	return v >= 1 && v <= PREFECTURE_COUNT ? v : 0;
}
