/* Small text helpers shared by the parsers; see text.h. */
#include "lib/text.h"

#include <stdio.h>
#include <string.h>

int
text_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int
text_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < len; i += n)
		if ((n = text_utf8_decode(s + i, len - i, &cp)) == 0)
			return 0;
	return 1;
}

/* Code points that move the cursor, start an escape sequence or reorder a line. */
int
text_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x061c || cp == 0x200e ||
	    cp == 0x200f || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

char *
text_printable(const char *s, size_t len, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n, plen, o = 0, keep = 0, cap;
	const char *piece;
	char esc[8];
	uint32_t cp;

	if (outlen == 0)
		return out;
	cap = outlen - 1;
	for (i = 0; i < len; i += n) {
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0 || (cp < 0x80 && text_unsafe(cp))) {
			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
			piece = esc;
			n = 1;
		} else if (text_unsafe(cp)) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			piece = esc;
		} else if (cp == '\\')
			piece = "\\\\";
		else
			piece = NULL;
		plen = piece != NULL ? strlen(piece) : n;
		if (plen > cap - o) {
			/* cut after the last piece that leaves room for the dots */
			if (cap >= 3) {
				memcpy(out + keep, "...", 3);
				o = keep + 3;
			}
			break;
		}
		memcpy(out + o, piece != NULL ? piece : s + i, plen);
		o += plen;
		if (o + 3 <= cap)
			keep = o;
	}
	out[o] = '\0';
	return out;
}
