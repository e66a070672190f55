/*
 * The privacy officer's counts: GET /api/v1/counts signed by a privacy (or hq) key, and the
 * sums the desk's commands (stats, breach-report) make of its daily counts. Counts only:
 * the server sends no id, ciphertext or value, so nothing here is personal data.
 */
#ifndef SHOWROOM_COUNTS_H
#define SHOWROOM_COUNTS_H

#include <jansson.h>

#include "showroom/office/bo.h"

#define COUNTS_DAYS_MAX	400

/* The counts of the last DAYS days from the server: 0 with *docp, or a BO_EXIT_ code (or
 * EXIT_USAGE) after saying why. */
int		 counts_fetch(struct bo *, int days, json_t **docp);
/* The sum over a day's "counts" object of the names that begin with PREFIX and end with
 * SUFFIX (NULL: any end). */
json_int_t	 counts_sum(const json_t *counts, const char *prefix, const char *suffix);
/* The same over every day of DOC's "days". */
json_int_t	 counts_total(const json_t *doc, const char *prefix, const char *suffix);
/* Records held of KIND ("catalog_request", NULL: any) for recipients of ROLE ("hq",
 * "dealer", NULL: any) and, for dealers, DEALER (NULL: any). */
json_int_t	 counts_held(const json_t *doc, const char *kind, const char *role,
		    const char *dealer);
/* Bookings ahead at DEALER (NULL: all). */
json_int_t	 counts_ahead(const json_t *doc, const char *dealer);

#endif
