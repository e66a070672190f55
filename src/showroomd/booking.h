/*
 * The test-drive booking flow, one step after another, each a plain GET that carries the
 * choices so far: the model (among those with a demo car somewhere), the dealer (grouped by
 * prefecture, only those with that model's demo car), then a calendar of the next weeks with
 * each day's availability and the times of the chosen day beside the contact fields. What
 * the page shows is all the form can send: the choices travel as hidden fields, and an
 * earlier one is changed by its link. Free places come from slots_free, the one
 * computation.
 */
#ifndef SHOWROOMD_BOOKING_H
#define SHOWROOMD_BOOKING_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "lib/i18n.h"

#define BOOKING_DAYS	28	/* the calendar: today and the 27 days after it */

struct app;
struct pages;

/* What the visitor chose so far, as sent (NULL: not yet); checked here. */
struct booking_pick {
	const char	*model;
	const char	*dealer;
	const char	*date;
	/* A postal code to list the nearest dealers first by: as typed, and resolved by the
	 * caller from the site's postal data (near_pref 0: not found). */
	const char	*near;
	int		 near_pref;
	long		 near_code;
};

#define BOOKING_NEAREST	3	/* dealers listed first as the nearest */

/*
 * The flow's view: the step ("step_model", "step_dealer" or "step_when": true), the
 * progress, what was chosen with links to change it, the choices of the step, the calendar,
 * a notice when a choice made no sense (a dealer without the model), and "query", the
 * choices as a query string for the form's action. NOW is the time the calendar starts.
 */
json_t	*booking_view(struct app *, const struct pages *, enum lang,
	    const struct booking_pick *, time_t now);
/*
 * Fills the slot field F of the form view: "legend" (the day and the dealer), "options"
 * (the times, with their free places; CHOSEN selected) and "slot_hint" when there are none,
 * saying why (no day chosen, closed, full, no times left today).
 */
void	 booking_times(struct app *, const struct pages *, enum lang,
	    const struct booking_pick *, const char *chosen, time_t now, json_t *f);
/* The progress list with step N (0: model .. 3: review, 4: done) as the current one. */
json_t	*booking_progress(const struct pages *, enum lang, int n);
/* A slot at DEALER as people read it: "2026年12月10日（木） 10:00〜11:30". */
void	 booking_slot_label(const struct pages *, enum lang, const char *dealer,
	    const char *slot, char *out, size_t outsz);

#endif
