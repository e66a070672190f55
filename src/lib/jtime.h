/*
 * Japan time, one place for the whole project: dates and slot times are local Japan time
 * (JST, UTC+9, no daylight saving), written "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM". Pure
 * functions of their arguments; nothing reads TZ.
 */
#ifndef SHOWROOM_JTIME_H
#define SHOWROOM_JTIME_H

#include <stddef.h>
#include <time.h>

#include "lib/i18n.h"

#define JTIME_OFFSET	(9 * 3600)

/* N digits at S as a number; -1 when they are not all digits. */
int		 jtime_num(const char *s, int n);
/* Midnight JST of DATE ("YYYY-MM-DD", a real day, 2000..2200) as epoch seconds; -1 when not. */
time_t		 jtime_midnight(const char *date);
/* Epoch seconds of a local "YYYY-MM-DDTHH:MM"; -1 when malformed. */
time_t		 jtime_epoch(const char *start);
/* The JST date of T, and with DAYS added: "YYYY-MM-DD". */
void		 jtime_date(time_t t, int days, char out[11]);
/* The JST date and time of T: "YYYY-MM-DD HH:MM". */
void		 jtime_datetime(time_t t, char out[17]);
/* The weekday of DATE (its first 10 characters), 0 for Sunday; -1 when not a real day. */
int		 jtime_wday(const char *date);
/* "日".."土" or "Sun".."Sat" for WDAY 0..6. */
const char	*jtime_wday_name(int wday, enum lang);
/* "2026年12月3日（木）" or "Thu 3 Dec 2026" for a date; the text itself when malformed. */
void		 jtime_day_label(const char *date, enum lang, char *out, size_t outsz);
/* "2026年12月3日（木）10:00" or "Thu 3 Dec 2026, 10:00" for a slot start. */
void		 jtime_label(const char *start, enum lang, char *out, size_t outsz);

#endif
