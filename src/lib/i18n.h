/* The site's two languages. Japanese is the default and lives at "/", English at "/en/". */
#ifndef SHOWROOM_I18N_H
#define SHOWROOM_I18N_H

enum lang {
	LANG_JA = 0,
	LANG_EN = 1,
	LANG_COUNT
};

/* A text in every language; each string is owned by the struct holding it. */
struct text {
	char	*s[LANG_COUNT];
};

const char	*lang_code(enum lang);		/* "ja", "en" */
const char	*lang_prefix(enum lang);	/* "/", "/en/" */
void		 text_free(struct text *);

#endif
