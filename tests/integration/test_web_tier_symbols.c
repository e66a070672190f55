/*
 * Each binary holds only its own side, checked on the binaries themselves. The web tier
 * holds no code that opens a record: showroomd must not contain the receiving half of HPKE,
 * nor anything that unseals a key holder's secret key. The back office holds no store
 * backend: showroom must not contain the store or its backends, nor link libpq.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testsrv.h"

static const char *const opening[] = {
	"hpke_open", "hpke_ctx_open", "hpke_decap", "hpke_setup_base_r", "hpke_setup_psk_r",
	"hpke_setup_auth_r", "hpke_setup_authpsk_r", "keys_secret_open", "record_open",
	"keys_generate", "keys_identity_save", "keys_keyring_sign", "keys_passphrase",
	NULL
};

/* The store's whole interface (src/store/store.h) and libpq's entry points. */
static const char *const storing[] = {
	"store_open", "store_close", "store_put", "store_book", "store_inbox", "store_ack",
	"store_cancel", "store_expire", "store_nonce_use", "store_counters", "store_backend",
	"store_slot_counts", "store_booking_find", "PQconnectdb", "PQexec", "PQexecParams",
	NULL
};

static int
forbidden_name(const char *const *forbidden, const char *name)
{
	size_t i;

	for (i = 0; forbidden[i] != NULL; i++)
		if (strcmp(name, forbidden[i]) == 0)
			return 1;
	return 0;
}

/* Counts the symbols of BIN, defined or wanted from a shared library, named in FORBIDDEN. */
static int
count_forbidden(const char *bin, const char *const *forbidden, int *total)
{
	char cmd[512], line[512], type, name[400];
	unsigned long addr;
	FILE *p;
	int hits = 0;

	snprintf(cmd, sizeof(cmd), "nm %s", bin);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	*total = 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		/* "ADDR T name" when defined, "U name@VERSION" when taken from a library */
		if (sscanf(line, "%lx %c %399s", &addr, &type, name) != 3 &&
		    sscanf(line, " %c %399s", &type, name) != 2)
			continue;
		name[strcspn(name, "@")] = '\0';
		(*total)++;
		if (forbidden_name(forbidden, name)) {
			fprintf(stderr, "%s contains %s\n", bin, name);
			hits++;
		}
	}
	return pclose(p) == 0 ? hits : -1;
}

static void
test_showroomd_cannot_open(void **state)
{
	int total = 0;

	assert_int_equal(count_forbidden(testsrv_path("showroomd"), opening, &total), 0);
	assert_true(total > 50);	/* nm really read a symbol table */
}

/* 1 when the dynamic section of BIN needs a library whose name starts with LIB. */
static int
needs_library(const char *bin, const char *lib)
{
	char cmd[512], line[512];
	FILE *p;
	int found = 0;

	snprintf(cmd, sizeof(cmd), "readelf -d %s", bin);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL)
		if (strstr(line, "(NEEDED)") != NULL && strstr(line, lib) != NULL)
			found = 1;
	return pclose(p) == 0 ? found : -1;
}

static void
test_showroom_has_no_store(void **state)
{
	int total = 0;

	assert_int_equal(count_forbidden(testsrv_path("showroom"), storing, &total), 0);
	assert_true(total > 50);
	assert_int_equal(needs_library(testsrv_path("showroom"), "[libpq.so"), 0);
	/* and the check can see it where it is */
	assert_int_equal(needs_library(testsrv_path("showroomd"), "[libpq.so"), 1);
	assert_true(count_forbidden(testsrv_path("showroomd"), storing, &total) >= 1);
}

/* The check above must be able to fail: the HPKE test program does link the opening code. */
static void
test_check_sees_showroom_open(void **state)
{
	int total = 0;

	assert_true(count_forbidden(testsrv_path("tests/test_hpke"), opening, &total) >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_showroomd_cannot_open),
		cmocka_unit_test(test_check_sees_showroom_open),
		cmocka_unit_test(test_showroom_has_no_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
