/*
 * Test-drive bookings, once opened in the back office, as a dealer reads them: a day list
 * for the terminal, a CSV file, or an RFC 5545 calendar file (written with libical).
 *
 * One row per booking. A cancellation names the booking it cancels ("cancels"):
 *   - when that booking is in the input, the booking is shown as cancelled (取消 /
 *     CANCELLED) and the cancellation record is folded into it;
 *   - when it is not (the booking was pulled, acknowledged and deleted earlier), the
 *     cancellation stands for it: a cancelled row under the booking's id, with what the
 *     cancellation record holds.
 * Rows are sorted by day, dealer, time and booking id.
 *
 * Every text from a record is untrusted: invalid UTF-8 and control characters become
 * U+FFFD, and so do the bidirectional overrides (U+202A-U+202E, U+2066-U+2069) that
 * could make a terminal or a spreadsheet show something else than what is there. The
 * day list puts every text on one line; CSV and iCalendar keep line breaks (as LF).
 *
 * Personal data: our own buffers are wiped (sodium_memzero) before they are freed.
 * libical frees its copies of the texts without wiping them, and stdio may keep the
 * last buffer of the FILE; the caller should write to a file it then controls.
 */
#ifndef SHOWROOM_BOOKINGS_FMT_H
#define SHOWROOM_BOOKINGS_FMT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "lib/i18n.h"

#define BOOKINGS_TZID		"Asia/Tokyo"
#define BOOKINGS_MAX_MINUTES	720
#define BOOKINGS_ID_MAX		64

struct booking {
	const char	*record_id;	/* [A-Za-z0-9_-]{1,64} */
	const char	*kind;		/* "test_drive" or "cancellation" */
	const char	*dealer, *dealer_name, *model, *model_name;
	const char	*slot;		/* "YYYY-MM-DDTHH:MM", local time in Japan (JST) */
	int		 slot_minutes;	/* 1..BOOKINGS_MAX_MINUTES */
	const char	*name;
	const char	*phone, *email, *note;	/* may be "" (or NULL) */
	const char	*cancels;	/* for a cancellation: the booking id it cancels */
};

/* One row of output: a booking, or a cancellation standing for one that is gone. */
struct booking_row {
	const struct booking	*b;
	const struct booking	*cancel;	/* what cancelled it; NULL when active */
	const char		*id;		/* the booking's id */
};

/*
 * The rows of the days FROM to TO ("YYYY-MM-DD", both included; NULL: no bound), with
 * cancellations folded in as described above, sorted by day, dealer, time and id: what
 * the three formats below write, for a caller that shows them otherwise (the office's
 * pages). *rowsp points into BS; free it (only it) with free(). -1 as below.
 */
int	bookings_rows(const struct booking *, size_t n, const char *from, const char *to,
	    struct booking_row **rowsp, size_t *np, char *err, size_t errlen);

/* S as it may be shown: invalid UTF-8, control and bidirectional-override characters
 * as U+FFFD; line breaks kept (as LF) when LINES, else spaces. Wipe and free it. */
char	*bookings_text(const char *s, int lines);

/*
 * All three take the bookings (any order), DATE ("YYYY-MM-DD", or NULL for every day)
 * and the language of labels. 0 on success; -1 with errno (EINVAL: a record is not
 * well formed, or two share an id; EIO: writing failed; ENOMEM) and a message in err,
 * naming the record id but nothing personal. Nothing is written when a record is bad.
 */

/* A table per day and dealer, sorted by time, cancelled bookings marked "【取消】" /
 * "CANCELLED" (active ones "予約" / "booked"), then how many are booked and cancelled.
 * Columns are aligned in terminal cells (utf8proc widths: Japanese takes two). */
int	bookings_day_list(FILE *, const struct booking *, size_t n, const char *date,
	    enum lang, char *err, size_t errlen);

/*
 * CSV: UTF-8 with a BOM (so that Excel reads it as UTF-8), RFC 4180 (CRLF after every
 * record, a field quoted when it holds a comma, quote, CR or LF, quotes doubled), a
 * header row in LANG. Formula injection guard: a field from a record that starts with
 * = + - @ TAB CR or LF gets a leading apostrophe ("'=1+1", "'+81 90-..."), which
 * spreadsheets show as text and do not evaluate; the apostrophe is visible to other
 * readers, which is the price. Columns:
 *   booking_id, status (booked | cancelled; 予約 | 取消), date, start, end (HH:MM; past
 *   midnight as 24:15), minutes, dealer, dealer_name, model, model_name, name, phone,
 *   email, note, cancellation_id
 */
int	bookings_csv(FILE *, const struct booking *, size_t n, const char *date, enum lang,
	    char *err, size_t errlen);

/*
 * iCalendar (RFC 5545), built with libical: VERSION 2.0, PRODID, CALSCALE GREGORIAN, a
 * VTIMEZONE for Asia/Tokyo (JST, +0900, no daylight saving since 1951), and one VEVENT
 * per row:
 *   UID        BOOKING_ID@showroom (for a cancellation: the id of the booking it
 *              cancels, so the calendar updates the event it already has)
 *   DTSTAMP    NOW (UTC; 0: the current time)
 *   DTSTART, DTEND  local times with TZID=Asia/Tokyo
 *   SUMMARY    "試乗 MODEL / NAME" ("Test drive: ..."), prefixed "【取消】" /
 *              "[CANCELLED] " when cancelled, for calendars that do not show STATUS
 *   LOCATION   the dealer's name and code
 *   DESCRIPTION  name, phone, e-mail, note and booking id, one per line
 *   STATUS     CONFIRMED, or CANCELLED with SEQUENCE:1 so that it supersedes the
 *              earlier SEQUENCE:0 copy of the same UID
 * No METHOD: iTIP's METHOD:CANCEL needs ORGANIZER and ATTENDEE and one method per
 * object, and this is a plain calendar file to import, not a scheduling message.
 */
int	bookings_ics(FILE *, const struct booking *, size_t n, const char *date, enum lang,
	    time_t now, char *err, size_t errlen);

#endif
