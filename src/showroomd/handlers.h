/*
 * Every handler of a route that is not a file of the built site, one file each. The router
 * (router.c) holds the table that maps method and path to them; ARG is the row's argument
 * (the form kind for the two forms).
 */
#ifndef SHOWROOMD_HANDLERS_H
#define SHOWROOMD_HANDLERS_H

#include "showroomd/app.h"
#include "showroomd/reply.h"

typedef void handler_fn(struct app *, int arg, const struct app_request *,
    struct app_reply *);

handler_fn	forms_get;		/* forms.c: GET /request, /test-drive */
handler_fn	forms_post;		/* forms.c: POST /request, /test-drive */
handler_fn	receipt_get;		/* receipt.c: GET /receipt/ID and /receipt/ID.ics */
handler_fn	receipt_cancel;		/* receipt.c: POST /cancel */
handler_fn	privacy_get;		/* privacy.c: GET /privacy/ */
handler_fn	api_slots;		/* api_slots.c: GET /api/v1/slots */
handler_fn	api_inbox;		/* api.c: GET /api/v1/inbox, signed */
handler_fn	api_ack;		/* api.c: POST /api/v1/ack, signed */
handler_fn	api_calendar_get;	/* api_calendar.c: GET /api/v1/calendar, signed */
handler_fn	api_calendar_set;	/* api_calendar.c: POST /api/v1/calendar/OP, signed */
handler_fn	api_bookings_decide;	/* api_bookings.c: POST /api/v1/bookings/OP, signed */
handler_fn	api_counts;		/* api_counts.c: GET /api/v1/counts, signed (privacy, hq) */

#endif
