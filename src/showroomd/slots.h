/*
 * Test-drive slots, from the content and the dealer's calendar: a dealer's opening hours
 * cut into slots of its slot length; each slot's capacity is the number of demo cars of
 * the model the dealer keeps. The content's fixed closed days ("closed": every year, e.g.
 * 12-29 to 01-03) and the calendar the dealer keeps in the store (days closed for the
 * store or one model, demo cars per day) take slots away or change their capacity.
 * Times are local Japan time (lib/jtime.h), as "YYYY-MM-DDTHH:MM".
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

/* What the dealer's calendar in the store says about one model on one day. */
struct slot_day {
	int		 closed;	/* the store or the model is closed */
	int		 cars;		/* demo cars that day; -1: the content's */
};

/* 1 when DATE ("YYYY-MM-DD") is one of DEALER's fixed closed days of the content. */
int	slots_fixed_closed(const json_t *dealer, const char *date);
/* The bookable slots of DEALER (a catalog dealer object) for MODEL on DATE ("YYYY-MM-DD"):
 * open, within the horizon, at least the lead time after NOW, not closed by the content
 * or by DAY (may be NULL). Returns how many were put in out (at most max), 0 when none,
 * -1 for a malformed date. Pure: the caller passes the time, calendar and booked counts. */
int	slots_for_day(const json_t *dealer, const char *model, const char *date, time_t now,
	    const struct slot_day *day, const struct slot_booked *booked, size_t nbooked,
	    struct slot *out, size_t max);
struct store;

#define SLOTS_BAD_DATE	(-1)
#define SLOTS_NO_STORE	(-2)
/* The one free-slots computation for the forms and the API: slots_for_day of DEALER
 * (code DEALER_CODE) with the calendar and booked counts read from ST (NULL: none). The
 * count, SLOTS_BAD_DATE when DATE is not a real day "YYYY-MM-DD" (checked before the
 * store is asked), or SLOTS_NO_STORE when the store fails. */
int	slots_free(struct store *st, const json_t *dealer, const char *dealer_code,
	    const char *model, const char *date, time_t now, struct slot *out, size_t max);
/* The slot START (e.g. from a form) if slots_free offers it; its capacity in *capacity.
 * 0 when it does (full or not: the store decides that), -1 when it is not bookable,
 * SLOTS_NO_STORE when the store fails (the booking then fails in the store too). */
int	slots_check(struct store *st, const json_t *dealer, const char *dealer_code,
	    const char *model, const char *start, time_t now, unsigned *capacity);

#endif
