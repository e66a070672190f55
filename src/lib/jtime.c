#include "lib/jtime.h"

#include <stdio.h>
#include <string.h>

static const char *const jtime_wd[LANG_COUNT][7] = {
	{ "日", "月", "火", "水", "木", "金", "土" },
	{ "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" },
};
static const char *const jtime_en_mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

int
jtime_num(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* DATE's first ten characters as a day, in UTC epoch seconds; -1 when not a real day. */
static time_t
jtime_day_utc(const char *date)
{
	struct tm tm, back;
	time_t t;
	int y, m, d;

	if (strnlen(date, 10) < 10 || date[4] != '-' || date[7] != '-' ||
	    (y = jtime_num(date, 4)) < 2000 || y > 2200 || (m = jtime_num(date + 5, 2)) < 1 ||
	    (d = jtime_num(date + 8, 2)) < 1)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	if (gmtime_r(&t, &back) == NULL || back.tm_mday != d || back.tm_mon != m - 1)
		return -1;	/* 2026-02-30 and the like */
	return t;
}

time_t
jtime_midnight(const char *date)
{
	time_t t;

	if (strlen(date) != 10 || (t = jtime_day_utc(date)) == -1)
		return -1;
	return t - JTIME_OFFSET;
}

time_t
jtime_epoch(const char *start)
{
	time_t day;
	int h, mi;

	if (strlen(start) != 16 || start[10] != 'T' || start[13] != ':' ||
	    (day = jtime_day_utc(start)) == -1 || (h = jtime_num(start + 11, 2)) < 0 ||
	    (mi = jtime_num(start + 14, 2)) < 0 || h > 23 || mi > 59)
		return -1;
	return day - JTIME_OFFSET + h * 3600 + mi * 60;
}

void
jtime_date(time_t t, int days, char out[11])
{
	struct tm tm;

	t += JTIME_OFFSET + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000,
	    (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100);
}

void
jtime_datetime(time_t t, char out[17])
{
	struct tm tm;

	t += JTIME_OFFSET;
	gmtime_r(&t, &tm);
	snprintf(out, 17, "%04u-%02u-%02u %02u:%02u", (unsigned)(tm.tm_year + 1900) % 10000,
	    (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100,
	    (unsigned)tm.tm_hour % 100, (unsigned)tm.tm_min % 100);
}

int
jtime_wday(const char *date)
{
	time_t t = jtime_day_utc(date);
	struct tm tm;

	if (t == -1 || gmtime_r(&t, &tm) == NULL)
		return -1;
	return tm.tm_wday;
}

const char *
jtime_wday_name(int wday, enum lang l)
{
	if (wday < 0 || wday > 6 || (unsigned)l >= LANG_COUNT)
		return "";
	return jtime_wd[l][wday];
}

/* T in JST as a label; with_time adds the hour and minute. */
static void
jtime_format(time_t t, int with_time, enum lang l, char *out, size_t outsz)
{
	struct tm tm;
	int n;

	t += JTIME_OFFSET;
	gmtime_r(&t, &tm);
	if (l == LANG_EN)
		n = snprintf(out, outsz, "%s %d %s %d", jtime_wd[LANG_EN][tm.tm_wday],
		    tm.tm_mday, jtime_en_mon[tm.tm_mon], tm.tm_year + 1900);
	else
		n = snprintf(out, outsz, "%d年%d月%d日（%s）", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, jtime_wd[LANG_JA][tm.tm_wday]);
	if (with_time && n > 0 && (size_t)n < outsz)
		snprintf(out + n, outsz - (size_t)n, "%s%02d:%02d", l == LANG_EN ? ", " : "",
		    tm.tm_hour, tm.tm_min);
}

void
jtime_day_label(const char *date, enum lang l, char *out, size_t outsz)
{
	time_t t = jtime_midnight(date);

	if (t == -1)
		snprintf(out, outsz, "%s", date);
	else
		jtime_format(t, 0, l, out, outsz);
}

void
jtime_label(const char *start, enum lang l, char *out, size_t outsz)
{
	time_t t = jtime_epoch(start);

	if (t == -1)
		snprintf(out, outsz, "%s", start);
	else
		jtime_format(t, 1, l, out, outsz);
}
