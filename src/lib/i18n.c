#include "lib/i18n.h"

#include <stdlib.h>

const char *
lang_code(enum lang l)
{
	return l == LANG_EN ? "en" : "ja";
}

const char *
lang_prefix(enum lang l)
{
	return l == LANG_EN ? "/en/" : "/";
}

void
text_free(struct text *t)
{
	int i;

	for (i = 0; i < LANG_COUNT; i++) {
		free(t->s[i]);
		t->s[i] = NULL;
	}
}
