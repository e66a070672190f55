/* Small text helpers shared by the parsers. */
#ifndef SHOWROOM_TEXT_H
#define SHOWROOM_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The value of the hexadecimal digit C (either case), or -1. */
int	text_hexval(int c);

/* Decodes one UTF-8 character of s[0..len) into *cp: its length (1 to 4), or 0 when
 * the bytes are not UTF-8 (overlong forms, surrogates and values past U+10FFFF
 * included). */
size_t	text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Strict UTF-8 check of s[0..len): no overlongs, surrogates or values past U+10FFFF.
 * 1 when valid, else 0. */
int	text_utf8_valid(const unsigned char *s, size_t len);

#endif
