/*
 * showroom stats: the counts of the last days as a table and a chart. Pure functions of the
 * counts document (counts.h), which holds counts only.
 */
#ifndef SHOWROOM_STATS_H
#define SHOWROOM_STATS_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/i18n.h"

/* Downloads per model over DOC's days: [{"model","ja","en","total"}], most first. */
json_t	*stats_models(const json_t *doc);
/* The table: one line per day, then downloads per model, then what is held now. */
int	 stats_table(const json_t *doc, const json_t *models, enum lang, struct buf *out);
/* The chart, as SVG (png 0) or PNG, into OUT; -1 with err (no font, cairo failed). */
int	 stats_chart(const json_t *doc, const json_t *models, int days, enum lang, int png,
	    struct buf *out, char *err, size_t errlen);

#endif
