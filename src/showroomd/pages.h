/*
 * What showroomd needs from a built site to render pages at request time, loaded with the
 * site from SITE/.app/ (templates and each page's shared context) and SITE/api/v1/catalog
 * (models and dealers). Immutable once loaded; it lives and dies with its site.
 */
#ifndef SHOWROOMD_PAGES_H
#define SHOWROOMD_PAGES_H

#include <jansson.h>

#include "lib/buf.h"
#include "lib/i18n.h"

struct pages;

/* NULL with a reason in err when SITE has no .app bundle or it is broken. */
struct pages	*pages_load(const char *site_dir, char *err, size_t errlen);
void		 pages_free(struct pages *);

/* A fresh copy of page NAME's shared context ("request", "receipt", ...) in L. */
json_t		*pages_context(const struct pages *, const char *name, enum lang);
/*
 * Points CTX's canonical link and hreflang alternates at PAGE (the path below the language
 * prefix, e.g. "receipt/catalog/ID"), and its language switch at PAGE's twin with QUERY
 * (NULL: none) kept, so that a visitor who switches keeps what the page shows.
 */
void		 pages_set_page(json_t *ctx, enum lang, const char *page, const char *query);
/* Renders template NAME (e.g. "request") with CTX, appending to out. */
int		 pages_render(const struct pages *, const char *name, const json_t *ctx,
		    struct buf *out);
/* Renders the generic message page: heading and paragraphs, in L. */
int		 pages_message(const struct pages *, enum lang, const char *heading_key,
		    const char *const *para_keys, size_t npara, struct buf *out);
/* Where the site's postal code shards are ("/assets/postal/HASH/"), or "" without any. */
const char	*pages_postal_base(const struct pages *);
/* The site's canonical base URL, "https://host[/path]" (brand.json's url). */
const char	*pages_brand_url(const struct pages *);
/* TMPL with each "{NAME}" replaced by its value from the NULL-terminated list of NAME,
 * value pairs that follows; other braces stay. The page's script fills the same texts. */
void		 pages_fill(char *out, size_t outsz, const char *tmpl, ...);
/* A UI string of templates/i18n/L.json. */
const char	*pages_string(const struct pages *, enum lang, const char *key);

/* The catalog: models and dealers as in api/v1/catalog. */
const json_t	*pages_model(const struct pages *, const char *code);
const json_t	*pages_dealer(const struct pages *, const char *code);
const json_t	*pages_models(const struct pages *);
const json_t	*pages_dealers(const struct pages *);
/* Whether the brand has its dealers confirm each booking (else final on arrival). */
int		 pages_booking_confirmation(const struct pages *);
/* Whether the dealer keeps demo cars of the model, and how many (0: none). */
int		 pages_demo_cars(const struct pages *, const char *dealer, const char *model);

/* A dealer's postal code and address as one line, in L's order: "〒154-0000 東京都…" or
 * "…, Tokyo 154-0000". */
void		 pages_dealer_where(const json_t *dealer, enum lang, char *out, size_t outsz);

struct inventory_refs;
/* The catalog checks inventory_validate needs: models, dealers, demo cars. */
void		 pages_refs(const struct pages *, struct inventory_refs *);

#endif
