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

int
slots_for_day(const json_t *dealer, const char *model, const char *date, time_t now,
    const struct slot_booked *booked, size_t nbooked, struct slot *out, size_t max)
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
	if (cap <= 0 || len <= 0 || mid > now + (time_t)SLOTS_HORIZON_DAYS * 86400)
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

int
slots_check(const json_t *dealer, const char *model, const char *start, time_t now,
    unsigned *capacity)
{
	struct slot s[SLOTS_MAX_PER_DAY];
	char date[11];
	int i, n;

	if (start == NULL || jtime_epoch(start) == -1)
		return -1;
	memcpy(date, start, 10);
	date[10] = '\0';
	n = slots_for_day(dealer, model, date, now, NULL, 0, s, SLOTS_MAX_PER_DAY);
	for (i = 0; i < n; i++)
		if (strcmp(s[i].start, start) == 0) {
			*capacity = s[i].capacity;
			return 0;
		}
	return -1;
}

int
slots_free(struct store *st, const json_t *dealer, const char *dealer_code,
    const char *model, const char *date, time_t now, struct slot *out, size_t max)
{
	struct slot_booked b[SLOTS_MAX_PER_DAY];
	struct store_slot_count *counts = NULL;
	struct store_err se;
	size_t n = 0, i;
	int ns;

	if (jtime_midnight(date) == -1)
		return SLOTS_BAD_DATE;
	if (st != NULL && store_slot_counts(st, dealer_code, model, date, &counts, &n,
	    &se) != STORE_OK)
		return SLOTS_NO_STORE;
	for (i = 0; i < n && i < SLOTS_MAX_PER_DAY; i++) {
		b[i].start = counts[i].start;
		b[i].booked = counts[i].booked;
	}
	ns = slots_for_day(dealer, model, date, now, b, i, out, max);
	free(counts);
	return ns;
}
