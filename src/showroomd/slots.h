/*
 * Test-drive slots, from the content: a dealer's opening hours cut into slots of its
 * slot length; each slot's capacity is the number of demo cars of the model the dealer
 * keeps. Times are local Japan time (JST, UTC+9, no daylight saving), as "YYYY-MM-DDTHH:MM".
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
#define SLOTS_JST_OFFSET	(9 * 3600)

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
/* Today's date in Japan, and the date DAYS later: "YYYY-MM-DD". */
void	slots_date(time_t now, int days, char out[11]);
/* "2026年12月3日（木）10:00" or "Thu 3 Dec 2026, 10:00" for a slot start. */
void	slots_label(const char *start, int lang_en, char *out, size_t outsz);
/* "2026年12月3日（木）" or "Thu 3 Dec 2026" for a date "YYYY-MM-DD". */
void	slots_day_label(const char *date, int lang_en, char *out, size_t outsz);
/* Epoch seconds of a local slot start, -1 when malformed. */
time_t	slots_epoch(const char *start);

#endif
