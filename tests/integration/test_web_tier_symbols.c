/*
 * The web tier holds no code that opens a record: showroomd must not contain the receiving
 * half of HPKE, nor anything that unseals a key holder's secret key. Checked on the binary.
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

static const char *const forbidden[] = {
	"hpke_open", "hpke_ctx_open", "hpke_decap", "hpke_setup_base_r", "hpke_setup_psk_r",
	"hpke_setup_auth_r", "hpke_setup_authpsk_r", "keys_secret_open", "record_open",
	"keys_generate", "keys_identity_save", "keys_keyring_sign", "keys_passphrase",
};

/* Counts the defined text symbols of BIN whose name is exactly one of forbidden[]. */
static int
count_forbidden(const char *bin, int *total)
{
	char cmd[512], line[512], type, name[400];
	unsigned long addr;
	size_t i;
	FILE *p;
	int hits = 0;

	snprintf(cmd, sizeof(cmd), "nm --defined-only %s", bin);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	*total = 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (sscanf(line, "%lx %c %399s", &addr, &type, name) != 3)
			continue;
		(*total)++;
		for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
			if (strcmp(name, forbidden[i]) == 0) {
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

	assert_int_equal(count_forbidden(testsrv_path("showroomd"), &total), 0);
	assert_true(total > 50);	/* nm really read a symbol table */
}

/* The check above must be able to fail: the HPKE test program does link the opening code. */
static void
test_check_sees_showroom_open(void **state)
{
	int total = 0;

	assert_true(count_forbidden(testsrv_path("tests/test_hpke"), &total) >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_showroomd_cannot_open),
		cmocka_unit_test(test_check_sees_showroom_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
