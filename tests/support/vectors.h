/*
 * Test support: the project's own test vector files under tests/vectors/, in the
 * line-based format that tests/vectors/README.md describes ([section], key = value).
 *
 * Loading is strict: a malformed line, a duplicate, or a section without its
 * "source" fails.  Every section and value a test never reads fails vec_close(), so
 * a misspelt key or a leftover value cannot go unnoticed.  Every error fails the
 * running cmocka test with the file, the line and the reason; call these only from
 * inside a test.
 */
#ifndef TESTS_VECTORS_H
#define TESTS_VECTORS_H

#include <stddef.h>
#include <stdint.h>

struct vec_file;
struct vec_section;

struct vec_file		*vec_load(const char *path);
/* Checks that everything was read, then frees; f may be NULL. */
void			 vec_close(struct vec_file *f);
/* Frees without checking, for a test that fails on its own. */
void			 vec_free(struct vec_file *f);

/* The section called name, or NULL when there is none. */
struct vec_section	*vec_section(struct vec_file *, const char *name);
const char		*vec_name(const struct vec_section *);
/* Where the values come from, e.g. "RFC 9180 A.2.1 (...)". */
const char		*vec_source(const struct vec_section *);

int		 vec_has(const struct vec_section *, const char *key);
/* Hex decoded into out; returns its length. */
size_t		 vec_hex(struct vec_section *, const char *key, uint8_t *out,
		    size_t cap);
/* The same, and the value must be exactly len bytes. */
void		 vec_hex_len(struct vec_section *, const char *key, uint8_t *out,
		    size_t len);
long long	 vec_int(struct vec_section *, const char *key);
/* A quoted value, unescaped; lenp may be NULL. */
const char	*vec_str(struct vec_section *, const char *key, size_t *lenp);

#endif
