/*
 * Internal to the data inventory (src/seal/inventory*.c): what its files share.
 * The public interface is inventory.h.
 *
 *   inventory.c		the table, its lookups and self-check
 *   inventory_norm.c	normalization and character rules
 *   inventory_validate.c	validation and its messages
 *   inventory_record.c	the sealed record's canonical plaintext
 *   inventory_view.c	the privacy, policy and form views
 */
#ifndef SHOWROOM_INVENTORY_INT_H
#define SHOWROOM_INVENTORY_INT_H

#include <stddef.h>
#include <utf8proc.h>

#include "lib/buf.h"
#include "seal/inventory.h"

#define INV_CODE_MAX	32	/* model and dealer codes: [a-z0-9-]{1,32} */

/* ---- inventory_norm.c: Unicode helpers ---- */

/*
 * NFC (or NFKC with compat) of s[0..len) into a fresh buffer that out takes over;
 * release it with buf_wipe. Returns 0, -1 when memory runs out, -2 for invalid UTF-8.
 */
int	inv_normalize(const char *s, size_t len, int compat, struct buf *out);
/* Code points in s[0..len), valid UTF-8. */
size_t	inv_count_chars(const char *s, size_t len);
/* Whether b holds nothing but Unicode White_Space. */
int	inv_is_blank(const struct buf *b);
/* How an offending character is shown: itself when printable ASCII, else U+XXXX. */
void	inv_char_display(utf8proc_int32_t cp, char *dst, size_t sz);
/* The character itself when it stands alone (letter, digit, punctuation, symbol): 1,
 * else 0 and "". */
int	inv_char_glyph(utf8proc_int32_t cp, char *dst, size_t sz);
/* Whether a carrier's label can carry all of b (normalized): 0, 1 with *bad set to the
 * first character it cannot, -1 when the CP932 table is missing. */
int	inv_label_text(const struct buf *b, utf8proc_int32_t *bad);

/* ---- inventory_norm.c: field normalizers, in place; 0 when good ---- */

/* Name, address and note; 1 with *bad set to the first character not admitted. */
int	inv_clean_text(struct buf *b, enum inventory_check check, utf8proc_int32_t *bad);
/* Postal code (phone 0) or phone (phone 1), after NFKC, to ASCII. */
int	inv_clean_number(struct buf *b, int phone);
/* NNNNNNN or NNN-NNNN, rewritten as NNN-NNNN. */
int	inv_postal(struct buf *b);
/* 10 or 11 digits, leading 0 (not 00); a leading "+81" becomes 0. */
int	inv_phone(struct buf *b);
/* E-mail after NFC: full-width ASCII to ASCII, trimmed; 1 when not ASCII. */
int	inv_clean_email(struct buf *b);
/* local@domain syntax; the domain is lowercased. */
int	inv_email(struct buf *b);

/* ---- inventory_norm.c: syntax of exact values; non-zero when good ---- */

/* A model or dealer code, [a-z0-9-]{1,INV_CODE_MAX}. */
int	inv_code_ok(const char *s, size_t n);
/* "YYYY-MM-DDTHH:MM", a date and time that exists (years 2000..9999). */
int	inv_slot_ok(const char *s, size_t n);
/* "1".."47" or "01".."47"; returns the code or 0. */
int	inv_prefecture_code(const char *s, size_t n);

/* ---- inventory_validate.c ---- */

/* An idempotency key: [A-Za-z0-9_-], INVENTORY_IDEM_MIN..INVENTORY_IDEM_MAX. */
int	inv_idem_ok(const char *s, size_t n);
/* Every message, with every label and the longest field name, fits its buffer. */
int	inv_messages_fit(void);

#endif
