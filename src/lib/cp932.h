/*
 * CP932, Windows' Shift_JIS: what Japanese carriers' software reads (Click Post, Yamato
 * B2 Cloud). This is the one definition of what a carrier can print. The forms refuse
 * anything else in a name or an address, and the exports convert with the same
 * converter, so the two cannot disagree about a character.
 */
#ifndef SHOWROOM_CP932_H
#define SHOWROOM_CP932_H

#include <iconv.h>
#include <stdint.h>

/* glibc's converter from UTF-8 to CP932, strict: no //TRANSLIT (it would write "?")
 * and no //IGNORE (it would drop the character). (iconv_t)-1 and errno when glibc has
 * no such converter. */
iconv_t	cp932_open(void);

/*
 * Builds the table that cp932_printable reads, once, by converting every code point
 * with cp932_open. Returns 0, or -1 when there is no converter. Thread-safe. A process
 * that confines itself calls it first: showroomd's Landlock rules hide glibc's gconv
 * modules.
 */
int	cp932_init(void);

/*
 * Whether a shipping label can carry CP: 1 when CP932 has it and it is not a control
 * (C0, DEL) or a private-use character; 0 when not; -1 when the table cannot be built.
 * Not printable: what is beyond CP932 (emoji, 𠮷 U+20BB7, é, noncharacters such as
 * U+FFFF, combining marks, which NFC has not composed) and every private-use
 * character, including U+E000..U+E757, which glibc maps to CP932's user-defined area
 * (外字): each PC draws those its own way, or not at all.
 */
int	cp932_printable(uint32_t cp);

/* Unicode's private-use characters: U+E000..U+F8FF and planes 15 and 16. */
int	cp932_private_use(uint32_t cp);

#endif
