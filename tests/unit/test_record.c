/* Sealed records: round trip, and a ciphertext moved to other metadata does not open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "seal/hpke.h"
#include "seal/record.h"
#include "showroom/office/record_open.h"

static void
test_round_trip_and_binding(void **state)
{
	struct record_meta m = { "01abcdefghjkmnpqrstvwxyz23", "catalog_request",
	    "hq-0123456789abcdef", 1700000000 }, moved;
	const char pt[] = "{\"kind\":\"catalog\",\"name\":\"見本 太郎\",\"v\":1}";
	uint8_t pk[32], sk[32], sk2[32], pk2[32], enc[32], *ct;
	size_t ctlen, ptlen;
	char *out;

	assert_int_equal(hpke_keypair(pk, sk), 0);
	assert_int_equal(hpke_keypair(pk2, sk2), 0);
	assert_int_equal(record_seal(&m, pk, pt, sizeof(pt) - 1, enc, &ct, &ctlen), 0);
	assert_int_equal(ctlen, sizeof(pt) - 1 + HPKE_TAGLEN);
	assert_null(memmem(ct, ctlen, "見本", strlen("見本")));
	assert_int_equal(record_open(&m, sk, enc, ct, ctlen, &out, &ptlen), 0);
	assert_int_equal(ptlen, sizeof(pt) - 1);
	assert_string_equal(out, pt);
	free(out);
	/* another key, id, kind, recipient or time: refused */
	assert_int_equal(record_open(&m, sk2, enc, ct, ctlen, &out, &ptlen), -1);
	/* and the right key again: the recipient's public key is cached per key, not once */
	assert_int_equal(record_open(&m, sk, enc, ct, ctlen, &out, &ptlen), 0);
	free(out);
	moved = m;
	moved.id = "01abcdefghjkmnpqrstvwxyz24";
	assert_int_equal(record_open(&moved, sk, enc, ct, ctlen, &out, &ptlen), -1);
	moved = m;
	moved.kind = "test_drive";
	assert_int_equal(record_open(&moved, sk, enc, ct, ctlen, &out, &ptlen), -1);
	moved = m;
	moved.key_id = "hq-ffffffffffffffff";
	assert_int_equal(record_open(&moved, sk, enc, ct, ctlen, &out, &ptlen), -1);
	moved = m;
	moved.created++;
	assert_int_equal(record_open(&moved, sk, enc, ct, ctlen, &out, &ptlen), -1);
	/* a flipped bit anywhere */
	ct[ctlen / 2] ^= 1;
	assert_int_equal(record_open(&m, sk, enc, ct, ctlen, &out, &ptlen), -1);
	assert_null(out);
	free(ct);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_binding),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
