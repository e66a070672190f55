/*
 * What CP932 can carry, as a bit table over the BMP (CP932 has nothing beyond it). The
 * table comes from glibc's converter itself, not from a copy of its mapping, so it
 * agrees with the exports' conversion by construction. See cp932.h.
 */
#include "lib/cp932.h"

#include <pthread.h>
#include <stddef.h>

static pthread_once_t	cp932_once = PTHREAD_ONCE_INIT;
static uint8_t		cp932_bits[0x10000 / 8];
static int		cp932_ready;

iconv_t
cp932_open(void)
{
	return iconv_open("CP932", "UTF-8");
}

int
cp932_private_use(uint32_t cp)
{
	return (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xf0000 && cp <= 0x10fffd);
}

/* CP, a BMP code point that is not a surrogate, as UTF-8; returns its length. */
static size_t
cp932_utf8(uint32_t cp, char out[3])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | cp >> 12);
	out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

static void
cp932_build(void)
{
	iconv_t cd;
	char in[3], out[8], *ip, *op;
	size_t il, ol;
	uint32_t cp;

	if ((cd = cp932_open()) == (iconv_t)-1)
		return;
	for (cp = 0x20; cp < 0x10000; cp++) {
		/* DEL; surrogates are no characters; private use is 外字 at best */
		if (cp == 0x7f || (cp >= 0xd800 && cp <= 0xdfff) || cp932_private_use(cp))
			continue;
		il = cp932_utf8(cp, in);
		ip = in;
		op = out;
		ol = sizeof(out);
		/* Something must come out: a character converted to nothing is lost. */
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0 &&
		    ol < sizeof(out))
			cp932_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
	}
	iconv_close(cd);
	cp932_ready = 1;
}

int
cp932_init(void)
{
	if (pthread_once(&cp932_once, cp932_build) != 0 || !cp932_ready)
		return -1;
	return 0;
}

int
cp932_printable(uint32_t cp)
{
	if (cp932_init() == -1)
		return -1;
	if (cp >= 0x10000)
		return 0;
	return cp932_bits[cp >> 3] >> (cp & 7) & 1;
}
