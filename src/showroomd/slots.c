#include "showroomd/slots.h"

#include <stdio.h>
#include <string.h>

static const char *const slots_days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int
slots_num(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* "YYYY-MM-DD" -> midnight JST as epoch seconds; -1 when not a real date. */
static time_t
slots_midnight(const char *date)
{
	struct tm tm, back;
	time_t t;
	int y, m, d;

	if (strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
	    slots_num(date, 4, &y) || slots_num(date + 5, 2, &m) || slots_num(date + 8, 2, &d))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	gmtime_r(&t, &back);
	if (y < 2000 || y > 2200 || back.tm_mday != d || back.tm_mon != m - 1)
		return -1;	/* 2026-02-30 and the like */
	return t - SLOTS_JST_OFFSET;
}

time_t
slots_epoch(const char *start)
{
	char date[11];
	time_t mid;
	int h, mi;

	if (strlen(start) != 16 || start[10] != 'T' || start[13] != ':')
		return -1;
	memcpy(date, start, 10);
	date[10] = '\0';
	if ((mid = slots_midnight(date)) == -1 || slots_num(start + 11, 2, &h) ||
	    slots_num(start + 14, 2, &mi) || h > 23 || mi > 59)
		return -1;
	return mid + h * 3600 + mi * 60;
}

void
slots_date(time_t now, int days, char out[11])
{
	struct tm tm;
	time_t t = now + SLOTS_JST_OFFSET + (time_t)days * 86400;

	gmtime_r(&t, &tm);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000,
	    (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100);
}

/* "HH:MM" -> minutes after midnight */
static int
slots_hhmm(const json_t *j)
{
	const char *s = json_string_value(j);
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':' || slots_num(s, 2, &h) ||
	    slots_num(s + 3, 2, &m))
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
	time_t mid, t;
	struct tm tm;
	int open, close, len, cap, m, wd;
	unsigned used;
	size_t n = 0;

	if ((mid = slots_midnight(date)) == -1)
		return -1;
	cap = (int)json_integer_value(json_object_get(json_object_get(dealer, "demo_cars"),
	    model ? model : ""));
	len = (int)json_integer_value(json_object_get(dealer, "slot_minutes"));
	if (cap <= 0 || len <= 0 || mid > now + (time_t)SLOTS_HORIZON_DAYS * 86400)
		return 0;
	t = mid + SLOTS_JST_OFFSET;
	gmtime_r(&t, &tm);
	wd = (tm.tm_wday + 6) % 7;	/* Monday first, as in the content */
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

	if (start == NULL || slots_epoch(start) == -1)
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

static const char *const slots_ja_wd[7] = { "日", "月", "火", "水", "木", "金", "土" };
static const char *const slots_en_wd[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const slots_en_mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

void
slots_day_label(const char *date, int en, char *out, size_t outsz)
{
	time_t t = slots_midnight(date);
	struct tm tm;

	if (t == -1) {
		snprintf(out, outsz, "%s", date);
		return;
	}
	t += SLOTS_JST_OFFSET;
	gmtime_r(&t, &tm);
	if (en)
		snprintf(out, outsz, "%s %d %s %d", slots_en_wd[tm.tm_wday], tm.tm_mday,
		    slots_en_mon[tm.tm_mon], tm.tm_year + 1900);
	else
		snprintf(out, outsz, "%d年%d月%d日（%s）", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, slots_ja_wd[tm.tm_wday]);
}

void
slots_label(const char *start, int en, char *out, size_t outsz)
{
	time_t t = slots_epoch(start);
	struct tm tm;

	if (t == -1) {
		snprintf(out, outsz, "%s", start);
		return;
	}
	t += SLOTS_JST_OFFSET;
	gmtime_r(&t, &tm);
	if (en)
		snprintf(out, outsz, "%s %d %s %d, %02d:%02d", slots_en_wd[tm.tm_wday], tm.tm_mday,
		    slots_en_mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(out, outsz, "%d年%d月%d日（%s）%02d:%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, slots_ja_wd[tm.tm_wday], tm.tm_hour, tm.tm_min);
}
