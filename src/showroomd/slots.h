/*
 * Test-drive slots, from the content: a dealer's opening hours cut into slots of its
 * slot length; each slot's capacity is the number of demo cars of the model the dealer
 * keeps. Times are local Japan time (lib/jtime.h), as "YYYY-MM-DDTHH:MM".
 * Pure functions: the caller passes the time and the booked counts.
 */
#ifndef SHOWROOMD_SLOTS_H
#define SHOWROOMD_SLOTS_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#define SLOTS_MAX_PER_DAY	96
#define SLOTS_LEAD_S		(2 * 3600)	/* book at least two hours ahead */
#define SLOTS_HORIZON_DAYS	60		/* and at most this far */

struct slot {
	char		start[17];	/* "YYYY-MM-DDTHH:MM" */
	unsigned	capacity;
	unsigned	free;
};

struct slot_booked {
	const char	*start;
	unsigned	 booked;
};

/* The bookable slots of DEALER (a catalog dealer object) for MODEL on DATE ("YYYY-MM-DD"):
 * open, within the horizon, at least the lead time after NOW. Returns how many were put
 * in out (at most max), 0 when none, -1 for a malformed date. */
int	slots_for_day(const json_t *dealer, const char *model, const char *date, time_t now,
	    const struct slot_booked *booked, size_t nbooked, struct slot *out, size_t max);
/* The slot START (e.g. from a form) if it is one of slots_for_day's; its capacity in
 * *capacity. 0 when it is, -1 when it is not bookable. */
int	slots_check(const json_t *dealer, const char *model, const char *start, time_t now,
	    unsigned *capacity);
struct store;

#define SLOTS_BAD_DATE	(-1)
#define SLOTS_NO_STORE	(-2)
/* The one free-slots computation for the forms and the API: slots_for_day of DEALER
 * (code DEALER_CODE) with the booked counts read from ST (NULL: none booked). The count,
 * SLOTS_BAD_DATE when DATE is not a real day "YYYY-MM-DD" (checked before the store is
 * asked), or SLOTS_NO_STORE when the store fails. */
int	slots_free(struct store *st, const json_t *dealer, const char *dealer_code,
	    const char *model, const char *date, time_t now, struct slot *out, size_t max);

#endif
