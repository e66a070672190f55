#include "showroomd/slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jtime.h"
#include "store/store.h"

static const char *const slots_days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* "HH:MM" -> minutes after midnight */
static int
slots_hhmm(const json_t *j)
{
	const char *s = json_string_value(j);
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':' || (h = jtime_num(s, 2)) < 0 ||
	    (m = jtime_num(s + 3, 2)) < 0)
		return -1;
	return h * 60 + m;
}

static unsigned
slots_booked_at(const struct slot_booked *b, size_t n, const char *start)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(b[i].start, start) == 0)
			return b[i].booked;
	return 0;
}

/* "MM-DD" -> month * 100 + day; -1 when malformed. */
static int
slots_md(const json_t *j)
{
	const char *s = json_string_value(j);
	int m, d;

	if (s == NULL || strlen(s) != 5 || s[2] != '-' || (m = jtime_num(s, 2)) < 0 ||
	    (d = jtime_num(s + 3, 2)) < 0)
		return -1;
	return m * 100 + d;
}

int
slots_fixed_closed(const json_t *dealer, const char *date)
{
	const json_t *r;
	size_t i;
	int md, from, to;

	if (strlen(date) != 10)
		return 0;
	md = jtime_num(date + 5, 2) * 100 + jtime_num(date + 8, 2);
	json_array_foreach(json_object_get(dealer, "closed"), i, r) {
		from = slots_md(json_object_get(r, "from"));
		to = slots_md(json_object_get(r, "to"));
		if (from < 0 || to < 0)
			continue;
		/* from after to runs over the new year */
		if (from <= to ? md >= from && md <= to : md >= from || md <= to)
			return 1;
	}
	return 0;
}

int
slots_for_day(const json_t *dealer, const char *model, const char *date, time_t now,
    const struct slot_day *day, const struct slot_booked *booked, size_t nbooked,
    struct slot *out, size_t max)
{
	const json_t *hours;
	time_t mid;
	int open, close, len, cap, m, wd;
	unsigned used;
	size_t n = 0;

	if ((mid = jtime_midnight(date)) == -1)
		return -1;
	cap = (int)json_integer_value(json_object_get(json_object_get(dealer, "demo_cars"),
	    model ? model : ""));
	len = (int)json_integer_value(json_object_get(dealer, "slot_minutes"));
	/* cars the dealer set for that day replace the content's, for a model it keeps */
	if (cap > 0 && day != NULL && day->cars >= 0)
		cap = day->cars;
	if (cap <= 0 || len <= 0 || mid > now + (time_t)SLOTS_HORIZON_DAYS * 86400 ||
	    (day != NULL && day->closed) || slots_fixed_closed(dealer, date))
		return 0;
	wd = (jtime_wday(date) + 6) % 7;	/* Monday first, as in the content */
	hours = json_object_get(json_object_get(dealer, "hours"), slots_days[wd]);
	if (!json_is_array(hours) || (open = slots_hhmm(json_array_get(hours, 0))) < 0 ||
	    (close = slots_hhmm(json_array_get(hours, 1))) < 0)
		return 0;	/* closed that day */
	for (m = open; m + len <= close && n < max; m += len) {
		if (mid + m * 60 < now + SLOTS_LEAD_S)
			continue;
		snprintf(out[n].start, sizeof(out[n].start), "%.10sT%02u:%02u", date,
		    (unsigned)(m / 60) % 100, (unsigned)(m % 60));
		used = slots_booked_at(booked, nbooked, out[n].start);
		out[n].capacity = (unsigned)cap;
		out[n].free = used >= (unsigned)cap ? 0 : (unsigned)cap - used;
		n++;
	}
	return (int)n;
}

/* The dealer's calendar in the store for MODEL on DATE; -1 when the store fails. */
static int
slots_day(struct store *st, const char *dealer_code, const char *model, const char *date,
    struct slot_day *day)
{
	struct store_cal_day *rows = NULL;
	struct store_err se;
	size_t n = 0, i;

	day->closed = 0;
	day->cars = -1;
	if (st == NULL)
		return 0;
	if (store_calendar(st, dealer_code, date, date, &rows, &n, &se) != STORE_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (rows[i].model[0] == '\0' || strcmp(rows[i].model, model) == 0)
			day->closed |= rows[i].closed;
		if (strcmp(rows[i].model, model) == 0)
			day->cars = rows[i].cars;
	}
	free(rows);
	return 0;
}

int
slots_free(struct store *st, const json_t *dealer, const char *dealer_code,
    const char *model, const char *date, time_t now, struct slot *out, size_t max)
{
	struct slot_booked b[SLOTS_MAX_PER_DAY];
	struct store_slot_count *counts = NULL;
	struct store_err se;
	struct slot_day day;
	size_t n = 0, i;
	int ns;

	if (jtime_midnight(date) == -1)
		return SLOTS_BAD_DATE;
	if (model == NULL || slots_day(st, dealer_code, model, date, &day) == -1)
		return model == NULL ? 0 : SLOTS_NO_STORE;
	if (st != NULL && store_slot_counts(st, dealer_code, model, date, &counts, &n,
	    &se) != STORE_OK)
		return SLOTS_NO_STORE;
	for (i = 0; i < n && i < SLOTS_MAX_PER_DAY; i++) {
		b[i].start = counts[i].start;
		b[i].booked = counts[i].booked;
	}
	ns = slots_for_day(dealer, model, date, now, &day, b, i, out, max);
	free(counts);
	return ns;
}

int
slots_check(struct store *st, const json_t *dealer, const char *dealer_code,
    const char *model, const char *start, time_t now, unsigned *capacity)
{
	struct slot s[SLOTS_MAX_PER_DAY];
	char date[11];
	int i, n;

	if (start == NULL || dealer_code == NULL || jtime_epoch(start) == -1)
		return -1;
	memcpy(date, start, 10);
	date[10] = '\0';
	if ((n = slots_free(st, dealer, dealer_code, model, date, now, s,
	    SLOTS_MAX_PER_DAY)) == SLOTS_NO_STORE)
		return SLOTS_NO_STORE;
	for (i = 0; i < n; i++)
		if (strcmp(s[i].start, start) == 0) {
			*capacity = s[i].capacity;
			return 0;
		}
	return -1;
}
