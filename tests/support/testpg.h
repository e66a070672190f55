/* Test support: a fresh PostgreSQL schema of its own for a test, in SHOWROOM_TEST_PG_URL. */
#ifndef TESTS_TESTPG_H
#define TESTS_TESTPG_H

#include <stddef.h>

#define TESTPG_ENV	"SHOWROOM_TEST_PG_URL"

struct testpg {
	char	schema[64];
	char	*url;		/* the database URL with the schema as search_path */
};

/* 1 when SHOWROOM_TEST_PG_URL is set (the tests that need it then must run). */
int	testpg_wanted(void);
/* Creates a schema STEM_RANDOM; 0 with its URL in pg->url, -1 (said on stderr) when the
 * server cannot be reached. */
int	testpg_fresh(struct testpg *, const char *stem);
/* Drops the schema and frees the URL; a zeroed struct is fine. */
void	testpg_drop(struct testpg *);

#endif
