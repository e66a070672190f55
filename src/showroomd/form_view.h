/*
 * What a form page shows, from the data inventory's form view: each field's widget, the
 * errors listed and linked at the top, the purpose of what is asked, the booking flow's
 * step for a test drive, and the review (確認画面) of values that passed validation.
 * forms.c decides which page to show; this file only builds it.
 */
#ifndef SHOWROOMD_FORM_VIEW_H
#define SHOWROOMD_FORM_VIEW_H

#include <jansson.h>

#include "seal/inventory.h"
#include "showroomd/booking.h"

struct app;
struct app_request;

struct formview_state {
	enum form_kind			 kind;
	const struct form		*posted;	/* what was sent, or NULL */
	const struct inventory_errors	*errs;		/* NULL: none */
	const struct inventory_values	*review;	/* non-NULL: show these for review */
	struct booking_pick		 pick;		/* test drive: the choices so far */
	const char			*notice;	/* a UI string to say first, or NULL */
	const json_t			*fill;		/* fields to fill: { name: value } */
	const char			*fill_note;	/* what the filling says, or NULL */
	const char			*focus;		/* the field to focus, or NULL */
};

/* The page's context, ready for the template of its kind; NULL when memory runs out. */
json_t	*formview_context(struct app *, const struct app_request *,
	    const struct formview_state *);
/* The template of form KIND: "request" or "test_drive". */
const char *formview_template(enum form_kind);

#endif
