/*
 * The free-slots computation: opening hours cut into slots, the content's fixed closed
 * days (over the new year too), and the dealer's calendar (a closed day, demo cars per
 * day) on top. Pure functions: the time is fixed here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "lib/jtime.h"
#include "showroomd/slots.h"

/* 2026-12-01 00:00 JST: Tuesday. */
#define NOW	((time_t)1796050800)

static json_t *
dealer(void)
{
	json_error_t je;
	json_t *d = json_loads("{\"code\":\"d1\",\"slot_minutes\":60,"
	    "\"hours\":{\"mon\":[\"10:00\",\"13:00\"],\"tue\":[\"10:00\",\"13:00\"],\"wed\":null,"
	    "\"thu\":[\"10:00\",\"13:00\"],\"fri\":[\"10:00\",\"13:00\"],"
	    "\"sat\":[\"10:00\",\"13:00\"],\"sun\":[\"10:00\",\"13:00\"]},"
	    "\"demo_cars\":{\"m1\":2},"
	    "\"closed\":[{\"from\":\"12-29\",\"to\":\"01-03\"},{\"from\":\"08-13\",\"to\":\"08-16\"}]}",
	    0, &je);

	assert_non_null(d);
	return d;
}

static void
test_now(void **state)
{
	char d[11];

	jtime_date(NOW, 0, d);
	assert_string_equal(d, "2026-12-01");
	assert_int_equal(jtime_wday(d), 2);
}

static void
test_fixed_closed(void **state)
{
	json_t *d = dealer();

	assert_int_equal(slots_fixed_closed(d, "2026-12-28"), 0);
	assert_int_equal(slots_fixed_closed(d, "2026-12-29"), 1);
	assert_int_equal(slots_fixed_closed(d, "2026-12-31"), 1);
	assert_int_equal(slots_fixed_closed(d, "2027-01-01"), 1);
	assert_int_equal(slots_fixed_closed(d, "2027-01-03"), 1);
	assert_int_equal(slots_fixed_closed(d, "2027-01-04"), 0);
	assert_int_equal(slots_fixed_closed(d, "2027-08-12"), 0);
	assert_int_equal(slots_fixed_closed(d, "2027-08-13"), 1);
	assert_int_equal(slots_fixed_closed(d, "2027-08-16"), 1);
	assert_int_equal(slots_fixed_closed(d, "2027-08-17"), 0);
	json_decref(d);
}

static void
test_for_day(void **state)
{
	struct slot s[SLOTS_MAX_PER_DAY];
	struct slot_booked b[1] = { { "2026-12-03T11:00", 1 } };
	struct slot_day day = { 0, -1 };
	json_t *d = dealer();

	/* Thursday: three slots of two places, one taken */
	assert_int_equal(slots_for_day(d, "m1", "2026-12-03", NOW, NULL, b, 1, s,
	    SLOTS_MAX_PER_DAY), 3);
	assert_string_equal(s[0].start, "2026-12-03T10:00");
	assert_int_equal(s[0].capacity, 2);
	assert_int_equal(s[1].free, 1);
	/* Wednesday is closed every week; the 30th by the content's fixed days */
	assert_int_equal(slots_for_day(d, "m1", "2026-12-02", NOW, NULL, NULL, 0, s,
	    SLOTS_MAX_PER_DAY), 0);
	assert_int_equal(slots_for_day(d, "m1", "2026-12-30", NOW, NULL, NULL, 0, s,
	    SLOTS_MAX_PER_DAY), 0);
	/* the dealer's calendar: closed */
	day.closed = 1;
	assert_int_equal(slots_for_day(d, "m1", "2026-12-03", NOW, &day, b, 1, s,
	    SLOTS_MAX_PER_DAY), 0);
	/* one car that day: the taken slot is full */
	day.closed = 0;
	day.cars = 1;
	assert_int_equal(slots_for_day(d, "m1", "2026-12-03", NOW, &day, b, 1, s,
	    SLOTS_MAX_PER_DAY), 3);
	assert_int_equal(s[0].capacity, 1);
	assert_int_equal(s[1].free, 0);
	/* no car that day: no slot */
	day.cars = 0;
	assert_int_equal(slots_for_day(d, "m1", "2026-12-03", NOW, &day, b, 1, s,
	    SLOTS_MAX_PER_DAY), 0);
	/* a model the dealer does not keep gets no cars from the calendar */
	day.cars = 3;
	assert_int_equal(slots_for_day(d, "m2", "2026-12-03", NOW, &day, NULL, 0, s,
	    SLOTS_MAX_PER_DAY), 0);
	/* a malformed day */
	assert_int_equal(slots_for_day(d, "m1", "2026-02-30", NOW, NULL, NULL, 0, s,
	    SLOTS_MAX_PER_DAY), -1);
	json_decref(d);
}

static void
test_free_and_check(void **state)
{
	struct slot s[SLOTS_MAX_PER_DAY];
	json_t *d = dealer();
	unsigned cap = 0;

	/* without a store: the content alone */
	assert_int_equal(slots_free(NULL, d, "d1", "m1", "2026-12-03", NOW, s,
	    SLOTS_MAX_PER_DAY), 3);
	assert_int_equal(slots_free(NULL, d, "d1", "m1", "2026-13-03", NOW, s,
	    SLOTS_MAX_PER_DAY), SLOTS_BAD_DATE);
	assert_int_equal(slots_check(NULL, d, "d1", "m1", "2026-12-03T11:00", NOW, &cap), 0);
	assert_int_equal(cap, 2);
	assert_int_equal(slots_check(NULL, d, "d1", "m1", "2026-12-03T11:30", NOW, &cap), -1);
	assert_int_equal(slots_check(NULL, d, "d1", "m1", "2026-12-31T11:00", NOW, &cap), -1);
	assert_int_equal(slots_check(NULL, d, "d1", "m1", "2026-12-03", NOW, &cap), -1);
	json_decref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_fixed_closed),
		cmocka_unit_test(test_for_day),
		cmocka_unit_test(test_free_and_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
