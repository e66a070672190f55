/*
 * Booking output: the day list, CSV (read back with an RFC 4180 reader) and iCalendar
 * (parsed back with libical). Every booking here is fictional: 見本 (sample) names,
 * 090-0000-000x numbers and example.jp addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>
#include <utf8proc.h>

#include "showroom/office/bookings_fmt.h"

#define DAY	"2026-12-01"
#define NOTE1	"午後希望, 子供同伴; 駐車場\n必要\\です"
#define EVIL	"=HYPERLINK(\"http://evil.example\",\"x\")"

static const struct booking fx[] = {
	{ "R001", "test_drive", "D001", "見本モーターズ 渋谷", "M01", "Aurora EV",
	  DAY "T14:00", 30, "見本 花子", "090-0000-0000", "hanako@example.jp", NOTE1, NULL },
	{ "R002", "test_drive", "D001", "見本モーターズ 渋谷", "M02", "Breeze",
	  DAY "T10:00", 60, "試験 太郎", "", "taro@example.jp", EVIL, NULL },
	{ "R003", "test_drive", "D001", "見本モーターズ 渋谷", "M01", "Aurora EV",
	  DAY "T11:30", 30, "サンプル 次郎", "+81 90-0000-0001", "", "\x1b[31mred\x1b[0m",
	  NULL },
	/* cancels R003, which is here: folded into it */
	{ "C001", "cancellation", "D001", "見本モーターズ 渋谷", "M01", "Aurora EV",
	  DAY "T11:30", 30, "", "", "", "", "R003" },
	/* cancels R000, pulled and deleted earlier: stands for it */
	{ "C002", "cancellation", "D001", "見本モーターズ 渋谷", "M02", "Breeze",
	  DAY "T16:00", 30, "見本 一郎", "090-0000-0002", "", "", "R000" },
	/* another day, late, past midnight */
	{ "R004", "test_drive", "D001", "見本モーターズ 渋谷", "M02", "Breeze",
	  "2026-12-02T23:30", 60, "@見本 三郎", "-0000", "", "\tTAB", NULL },
};
#define NFX	(sizeof(fx) / sizeof(fx[0]))

struct out {
	char	*data;
	size_t	 len;
};

/* Runs FN into memory. */
static int
run(int (*fn)(FILE *, const struct booking *, size_t, const char *, enum lang, char *,
    size_t), const struct booking *b, size_t n, const char *date, enum lang l,
    struct out *o, char *err)
{
	FILE *fp;
	int rc;

	o->data = NULL;
	o->len = 0;
	assert_non_null(fp = open_memstream(&o->data, &o->len));
	rc = fn(fp, b, n, date, l, err, 256);
	assert_int_equal(fclose(fp), 0);
	return rc;
}

static int
ics_fixed(FILE *fp, const struct booking *b, size_t n, const char *date, enum lang l,
    char *err, size_t errlen)
{
	return bookings_ics(fp, b, n, date, l, 1795000000, err, errlen);
}

/* The line of S holding NEEDLE, copied into LINE. */
static const char *
line_of(const char *s, const char *needle, char *line, size_t sz)
{
	const char *p = strstr(s, needle), *a, *b;

	if (p == NULL)
		fail_msg("no \"%s\" in output", needle);
	for (a = p; a > s && a[-1] != '\n'; a--)
		;
	b = strchr(p, '\n');
	snprintf(line, sz, "%.*s", (int)(b ? b - a : (long)strlen(a)), a);
	return p;
}

static void
test_day_list(void **state)
{
	struct out o;
	char err[256], line[512];
	const char *p10, *p11, *p14, *p16;

	assert_int_equal(run(bookings_day_list, fx, NFX, DAY, LANG_JA, &o, err), 0);
	/* sorted by time */
	p10 = line_of(o.data, "10:00-11:00", line, sizeof(line));
	assert_non_null(strstr(line, "試験 太郎"));
	assert_null(strstr(line, "取消"));
	p11 = line_of(o.data, "11:30-12:00", line, sizeof(line));
	assert_non_null(strstr(line, "サンプル 次郎"));
	assert_non_null(strstr(line, "【取消】"));
	p14 = line_of(o.data, "14:00-14:30", line, sizeof(line));
	assert_non_null(strstr(line, "見本 花子"));
	assert_non_null(strstr(line, "予約"));
	assert_null(strstr(line, "取消"));
	/* the note's line break became a space */
	assert_non_null(strstr(line, "駐車場 必要"));
	p16 = line_of(o.data, "16:00-16:30", line, sizeof(line));
	assert_non_null(strstr(line, "見本 一郎"));
	assert_non_null(strstr(line, "【取消】"));
	assert_true(p10 < p11 && p11 < p14 && p14 < p16);
	/* heading and tally; the other day is not there; no escape reaches the terminal */
	assert_non_null(strstr(o.data, "2026-12-01 (火)  見本モーターズ 渋谷 [D001]\n時刻"));
	assert_non_null(strstr(o.data, "予約 2件 / 取消 2件\n"));
	assert_null(strstr(o.data, "三郎"));
	assert_null(strchr(o.data, '\x1b'));
	assert_non_null(strstr(o.data, "\xef\xbf\xbd[31mred"));
	/* the C001 record is folded: one row for R003, none of its own */
	assert_int_equal(strstr(o.data, "11:30") - o.data, p11 - o.data);
	assert_null(strstr(p11 + 1, "11:30"));
	free(o.data);

	assert_int_equal(run(bookings_day_list, fx, NFX, DAY, LANG_EN, &o, err), 0);
	assert_non_null(strstr(o.data, "2026-12-01 (Tue)"));
	line_of(o.data, "11:30-12:00", line, sizeof(line));
	assert_non_null(strstr(line, "CANCELLED"));
	assert_non_null(strstr(o.data, "2 booked, 2 cancelled\n"));
	free(o.data);

	/* all days: two groups, and 23:30 + 60 minutes reads 24:30 */
	assert_int_equal(run(bookings_day_list, fx, NFX, NULL, LANG_JA, &o, err), 0);
	assert_non_null(strstr(o.data, "\n\n2026-12-02 (水)"));
	assert_non_null(strstr(o.data, "23:30-24:30"));
	free(o.data);

	assert_int_equal(run(bookings_day_list, fx, NFX, "2026-12-03", LANG_JA, &o, err), 0);
	assert_string_equal(o.data, "予約はありません。\n");
	free(o.data);
}

/* Terminal cells from the start of the line holding NEEDLE to the start of AT in it. */
static size_t
cells_to(const char *out, const char *needle, const char *at)
{
	const utf8proc_uint8_t *p;
	utf8proc_int32_t c;
	char line[512];
	const char *end;
	size_t w = 0;

	line_of(out, needle, line, sizeof(line));
	assert_non_null(end = strstr(line, at));
	for (p = (const utf8proc_uint8_t *)line; p < (const utf8proc_uint8_t *)end; ) {
		p += utf8proc_iterate(p, -1, &c);
		w += (size_t)utf8proc_charwidth(c);
	}
	return w;
}

/* Columns line up in terminal cells, where Japanese takes two. */
static void
test_day_list_aligned(void **state)
{
	struct out o;
	char err[256];

	assert_int_equal(run(bookings_day_list, fx, NFX, DAY, LANG_JA, &o, err), 0);
	assert_int_equal(cells_to(o.data, "10:00-11:00", "taro@"),
	    cells_to(o.data, "14:00-14:30", "hanako@"));
	assert_int_equal(cells_to(o.data, "10:00-11:00", "試験"),
	    cells_to(o.data, "16:00-16:30", "見本 一郎"));
	assert_int_equal(cells_to(o.data, "時刻", "メール"),
	    cells_to(o.data, "14:00-14:30", "hanako@"));
	free(o.data);
}

/* An RFC 4180 reader: fields of each record, with quotes undone. */
struct csv {
	char	*f[16][16];
	int	 nf[16];
	int	 nr;
};

static void
csv_read(const char *s, size_t len, struct csv *c)
{
	char field[1024];
	size_t i = 0, k;
	int q;

	memset(c, 0, sizeof(*c));
	while (i < len) {
		k = 0;
		q = 0;
		if (s[i] == '"') {
			q = 1;
			i++;
		}
		for (; i < len; i++) {
			if (q && s[i] == '"' && i + 1 < len && s[i + 1] == '"')
				field[k++] = s[i++];
			else if (q && s[i] == '"')
				q = 0;
			else if (!q && (s[i] == ',' || s[i] == '\r'))
				break;
			else {
				/* outside quotes, a bare LF or quote is a reader error */
				assert_true(q || (s[i] != '\n' && s[i] != '"'));
				field[k++] = s[i];
			}
			assert_true(k < sizeof(field));
		}
		field[k] = '\0';
		assert_true(c->nr < 16 && c->nf[c->nr] < 16);
		c->f[c->nr][c->nf[c->nr]++] = strdup(field);
		if (i < len && s[i] == ',') {
			i++;
			continue;
		}
		/* a record ends with CRLF, the last one too */
		assert_true(i + 1 < len && s[i] == '\r' && s[i + 1] == '\n');
		i += 2;
		c->nr++;
	}
}

static void
csv_free(struct csv *c)
{
	int r, f;

	for (r = 0; r < 16; r++)
		for (f = 0; f < 16; f++)
			free(c->f[r][f]);
}

static void
test_csv(void **state)
{
	struct csv c;
	struct out o;
	char err[256];
	int r;

	assert_int_equal(run(bookings_csv, fx, NFX, DAY, LANG_EN, &o, err), 0);
	assert_memory_equal(o.data, "\xef\xbb\xbf" "booking_id,status,date,", 26);
	csv_read(o.data + 3, o.len - 3, &c);
	assert_int_equal(c.nr, 5);
	for (r = 0; r < c.nr; r++)
		assert_int_equal(c.nf[r], 15);
	assert_string_equal(c.f[0][14], "cancellation_id");
	/* sorted by time: R002 10:00, R003 11:30, R001 14:00, R000 16:00 */
	assert_string_equal(c.f[1][0], "R002");
	assert_string_equal(c.f[1][1], "booked");
	assert_string_equal(c.f[1][4], "11:00");
	assert_string_equal(c.f[1][5], "60");
	/* formula guard: the apostrophe keeps it text; the quotes survive */
	assert_string_equal(c.f[1][13], "'" EVIL);
	assert_string_equal(c.f[2][0], "R003");
	assert_string_equal(c.f[2][1], "cancelled");
	assert_string_equal(c.f[2][11], "'+81 90-0000-0001");
	assert_string_equal(c.f[2][13], "\xef\xbf\xbd[31mred\xef\xbf\xbd[0m");
	assert_string_equal(c.f[2][14], "C001");
	assert_string_equal(c.f[3][0], "R001");
	assert_string_equal(c.f[3][10], "見本 花子");
	assert_string_equal(c.f[3][13], NOTE1);	/* comma, semicolon, LF: quoted */
	assert_string_equal(c.f[4][0], "R000");
	assert_string_equal(c.f[4][1], "cancelled");
	assert_string_equal(c.f[4][14], "C002");
	/* what the raw bytes look like */
	assert_non_null(strstr(o.data, ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","));
	assert_non_null(strstr(o.data, ",\"午後希望, 子供同伴; 駐車場\n必要\\です\","));
	csv_free(&c);
	free(o.data);

	/* the other day: @, - and TAB guarded; Japanese headers */
	assert_int_equal(run(bookings_csv, fx, NFX, "2026-12-02", LANG_JA, &o, err), 0);
	csv_read(o.data + 3, o.len - 3, &c);
	assert_int_equal(c.nr, 2);
	assert_string_equal(c.f[0][0], "予約番号");
	assert_string_equal(c.f[1][1], "予約");
	assert_string_equal(c.f[1][4], "24:30");
	assert_string_equal(c.f[1][10], "'@見本 三郎");
	assert_string_equal(c.f[1][11], "'-0000");
	assert_string_equal(c.f[1][13], "'\tTAB");
	csv_free(&c);
	free(o.data);
}

static icalcomponent *
event(icalcomponent *cal, const char *uid)
{
	icalcomponent *e;

	for (e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e != NULL;
	    e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		if (strcmp(icalcomponent_get_uid(e), uid) == 0)
			return e;
	fail_msg("no event %s", uid);
	return NULL;
}

static const char *
tzid_of(icalcomponent *e, icalproperty_kind k)
{
	icalproperty *p = icalcomponent_get_first_property(e, k);
	icalparameter *t;

	assert_non_null(p);
	t = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	assert_non_null(t);
	return icalparameter_get_tzid(t);
}

/* RFC 5545 3.1: a CRLF followed by a space or TAB is a fold, to be taken out. */
static void
unfold(const char *s, char *out)
{
	while (*s != '\0') {
		if (s[0] == '\r' && s[1] == '\n' && (s[2] == ' ' || s[2] == '\t'))
			s += 3;
		else
			*out++ = *s++;
	}
	*out = '\0';
}

static void
test_ics(void **state)
{
	icalcomponent *cal, *e, *tz;
	struct icaltimetype t;
	struct out o;
	char err[256], unfolded[8192];
	const char *p, *nl;

	assert_int_equal(run(ics_fixed, fx, NFX, NULL, LANG_JA, &o, err), 0);
	/* CRLF lines of at most 75 octets */
	for (p = o.data; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		assert_true(nl > p && nl[-1] == '\r');
		assert_true(nl - p - 1 <= 75);
	}
	assert_non_null(strstr(o.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
	assert_null(strstr(o.data, "METHOD:"));
	/* libical escaped the note's comma, semicolon, line break and backslash */
	assert_true(o.len < sizeof(unfolded));
	unfold(o.data, unfolded);
	assert_non_null(strstr(unfolded, "備考: 午後希望\\, 子供同伴\\; 駐車場\\n必要\\\\です\\n"));

	assert_non_null(cal = icalparser_parse_string(o.data));
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 5);
	/* libical's own check of RFC 5545's property rules for each component */
	assert_true(icalrestriction_check(cal));
	tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	assert_non_null(tz);
	assert_string_equal(icalproperty_get_tzid(icalcomponent_get_first_property(tz,
	    ICAL_TZID_PROPERTY)), "Asia/Tokyo");
	assert_non_null(strstr(o.data, "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST"));

	e = event(cal, "R001@showroom");
	assert_string_equal(tzid_of(e, ICAL_DTSTART_PROPERTY), "Asia/Tokyo");
	assert_string_equal(tzid_of(e, ICAL_DTEND_PROPERTY), "Asia/Tokyo");
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CONFIRMED);
	assert_string_equal(icalcomponent_get_summary(e), "試乗 Aurora EV / 見本 花子");
	assert_string_equal(icalcomponent_get_location(e), "見本モーターズ 渋谷 [D001]");
	assert_string_equal(icalcomponent_get_description(e),
	    "お名前: 見本 花子\n電話: 090-0000-0000\nメール: hanako@example.jp\n"
	    "備考: " NOTE1 "\n予約番号: R001");
	t = icalproperty_get_dtstart(icalcomponent_get_first_property(e,
	    ICAL_DTSTART_PROPERTY));
	assert_int_equal(t.hour, 14);
	assert_int_equal(t.minute, 0);
	assert_non_null(strstr(o.data, "DTSTAMP:20261118T110640Z\r\n"));

	/* the folded cancellation and the one standing for a deleted booking */
	e = event(cal, "R003@showroom");
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CANCELLED);
	assert_int_equal(icalcomponent_get_sequence(e), 1);
	assert_string_equal(icalcomponent_get_summary(e),
	    "【取消】試乗 Aurora EV / サンプル 次郎");
	assert_non_null(strstr(icalcomponent_get_description(e), "取消番号: C001"));
	e = event(cal, "R000@showroom");
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CANCELLED);
	e = event(cal, "R002@showroom");
	assert_int_equal(icalcomponent_get_status(e), ICAL_STATUS_CONFIRMED);
	assert_int_equal(icalcomponent_get_sequence(e), 0);

	/* 23:30 for an hour ends on the next day */
	e = event(cal, "R004@showroom");
	t = icalproperty_get_dtend(icalcomponent_get_first_property(e, ICAL_DTEND_PROPERTY));
	assert_int_equal(t.day, 3);
	assert_int_equal(t.hour, 0);
	assert_int_equal(t.minute, 30);
	icalcomponent_free(cal);
	free(o.data);

	/* one day, English */
	assert_int_equal(run(ics_fixed, fx, NFX, DAY, LANG_EN, &o, err), 0);
	assert_non_null(cal = icalparser_parse_string(o.data));
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 4);
	e = event(cal, "R003@showroom");
	assert_string_equal(icalcomponent_get_summary(e),
	    "[CANCELLED] Test drive: Aurora EV / サンプル 次郎");
	icalcomponent_free(cal);
	free(o.data);
}

static void
test_bad_records(void **state)
{
	struct booking b[2];
	struct out o;
	char err[256];
	int (*fns[])(FILE *, const struct booking *, size_t, const char *, enum lang,
	    char *, size_t) = { bookings_day_list, bookings_csv, ics_fixed };
	size_t i;

	for (i = 0; i < 3; i++) {
		b[0] = fx[0];
		b[1] = fx[1];
		b[1].slot = "2026-02-29T10:00";		/* not a leap year */
		assert_int_equal(run(fns[i], b, 2, NULL, LANG_JA, &o, err), -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err, "record R002: bad slot");
		assert_int_equal(o.len, 0);		/* nothing written */
		free(o.data);

		b[1] = fx[0];				/* the same id twice */
		assert_int_equal(run(fns[i], b, 2, NULL, LANG_JA, &o, err), -1);
		free(o.data);

		b[1] = fx[3];
		b[1].cancels = NULL;
		assert_int_equal(run(fns[i], b, 2, NULL, LANG_JA, &o, err), -1);
		free(o.data);

		b[1] = fx[1];
		b[1].record_id = "R002\r\nX-INJECTED:1";
		assert_int_equal(run(fns[i], b, 2, NULL, LANG_JA, &o, err), -1);
		free(o.data);

		b[1] = fx[1];
		b[1].slot_minutes = 0;
		assert_int_equal(run(fns[i], b, 2, NULL, LANG_JA, &o, err), -1);
		free(o.data);

		assert_int_equal(run(fns[i], fx, 1, "2026-12-1", LANG_JA, &o, err), -1);
		free(o.data);
	}
}

/* Invalid UTF-8 and bidirectional overrides never reach the output as they are. */
static void
test_hostile_text(void **state)
{
	struct booking b = fx[0];
	icalcomponent *cal;
	struct out o;
	char err[256];

	b.name = "見本\xff\xfe 花子\xe2\x80\xae" "evil";
	b.note = "a\rb\r\nc";
	assert_int_equal(run(bookings_csv, &b, 1, NULL, LANG_JA, &o, err), 0);
	assert_null(strstr(o.data, "\xff"));
	assert_null(strstr(o.data, "\xe2\x80\xae"));
	assert_non_null(strstr(o.data, "見本\xef\xbf\xbd\xef\xbf\xbd 花子\xef\xbf\xbd" "evil"));
	assert_non_null(strstr(o.data, "\"a\nb\nc\""));
	free(o.data);
	assert_int_equal(run(ics_fixed, &b, 1, NULL, LANG_JA, &o, err), 0);
	assert_non_null(cal = icalparser_parse_string(o.data));
	assert_non_null(strstr(icalcomponent_get_description(icalcomponent_get_first_component(
	    cal, ICAL_VEVENT_COMPONENT)), "備考: a\nb\nc"));
	icalcomponent_free(cal);
	free(o.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_list),
		cmocka_unit_test(test_day_list_aligned),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_ics),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_hostile_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
