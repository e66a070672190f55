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

/* 1 for a code point that must never reach a terminal as is: it moves the cursor, starts
 * an escape sequence or reorders a line (controls, DEL, bidirectional overrides, isolates
 * and marks, line and paragraph separators). */
int	text_unsafe(uint32_t cp);

/*
 * S[0..len), text from elsewhere (a server's error reason, a key id it sent), as one
 * printable line in OUT (OUTLEN bytes, always NUL-terminated) that cannot drive a
 * terminal: C0 controls, DEL and bytes that are not UTF-8 become "\xHH"; C1 controls,
 * bidirectional overrides, isolates and marks, and line and paragraph separators
 * "\uHHHH"; a backslash "\\". Longer text is cut at a character and ends in "...".
 * NUL bytes in S are shown, not taken as its end. Returns OUT.
 */
char	*text_printable(const char *s, size_t len, char *out, size_t outlen);

#endif
