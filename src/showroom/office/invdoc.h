/*
 * The data inventory as the privacy officer reads it: the privacy page's own view of the
 * table (inventory_privacy_view), in Japanese and English, merged field by field. Nothing
 * here knows a field: `showroom inventory` and the breach report derive from the same view
 * as the page, so they can never say something else.
 *
 *   {"format":"showroom-inventory","version":1,
 *    "forms":[{"kind","title":{"ja","en"},"recipient":{..},"retention":{..},"max_age_days",
 *      "fields":[{"name","label":{..},"required","required_text":{..},"max_chars",
 *        "max_count","normalization":{..},"validation":{..},"purpose":{..},
 *        "recipient":{..},"retention":{..},"max_age_days","in_clear",
 *        "in_clear_text":{..}|null}]}],
 *    "technical":[{"name","purpose":{..}}]}
 */
#ifndef SHOWROOM_INVDOC_H
#define SHOWROOM_INVDOC_H

#include <jansson.h>

#include "lib/buf.h"
#include "lib/i18n.h"

/* A new reference, or NULL when memory runs out. */
json_t	*invdoc_new(void);
/* The form of kind KIND ("catalog", "test_drive") in DOC, or NULL. */
json_t	*invdoc_form(const json_t *doc, const char *kind);
/* The text of a merged value in language L ("" when missing). */
const char *invdoc_text(const json_t *v, enum lang l);
/* "50 characters", "1 to 3 values of 32 characters": a field's limits in language L. */
void	 invdoc_limits(const json_t *field, enum lang l, char *out, size_t outsz);
/* DOC as Markdown: one table per form, prose in language L, labels in both. */
int	 invdoc_markdown(const json_t *doc, enum lang l, struct buf *out);
/* TEXT made safe for one Markdown table cell: '|' escaped, line breaks as spaces. */
int	 invdoc_md_cell(struct buf *out, const char *text);

#endif
