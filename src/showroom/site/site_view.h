/* The view models the templates render: plain JSON built from the content, per language. */
#ifndef SHOWROOM_SITE_VIEW_H
#define SHOWROOM_SITE_VIEW_H

#include <jansson.h>
#include <stddef.h>

#include "content/content.h"

struct site_view {
	const struct content	*c;
	json_t			*strings[LANG_COUNT];	/* templates/i18n/LANG.json */
	char			 css_url[256];
	char			 logo_url[256];
	char			 js_url[256];
	char			 js_sri[128];		/* "sha512-BASE64" */
	char			 postal_base[128];	/* "" without postal data */
	char			(*image_url)[256];	/* per model, same order */
	char			(*pdf_url[LANG_COUNT])[256];
	size_t			*pdf_size[LANG_COUNT];
};

/* The context every page shares. PAGE is the path below the language prefix ("models/"). */
json_t	*site_view_page(const struct site_view *, enum lang, const char *page,
	    const char *title, const char *description);
json_t	*site_view_home(const struct site_view *, enum lang);
json_t	*site_view_models(const struct site_view *, enum lang);
json_t	*site_view_model(const struct site_view *, enum lang, size_t model_index);
json_t	*site_view_dealers(const struct site_view *, enum lang);
json_t	*site_view_simple(const struct site_view *, enum lang, const char *page,
	    const char *title_key, const char *nav_flag);
/* Adds the page script to CTX: only the forms have one, the other pages need none. */
void	 site_view_script(const struct site_view *, json_t *ctx);
/* The public catalog API document (models and dealers; no personal data exists here). */
json_t	*site_view_api_catalog(const struct site_view *);

#endif
