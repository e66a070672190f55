/*
 * The seal-only bound for make bench: HPKE seals of a 256-byte record per second in one
 * process, one thread, as showroomd does them (record_seal: key schedule, AEAD, AAD).
 *
 *   build/bench/seal_bound [seconds]
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seal/hpke.h"
#include "seal/record.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct record_meta m = { "0123456789abcdefghjkmnpqrs", "catalog_request",
	    "hq-0123456789abcdef", 1700000000 };
	double secs = argc > 1 ? atof(argv[1]) : 3.0, t0, t;
	uint8_t pk[32], sk[32], enc[32], *ct;
	unsigned char pt[256];
	size_t ctlen;
	long n = 0;

	if (sodium_init() < 0 || hpke_keypair(pk, sk) == -1)
		return 1;
	randombytes_buf(pt, sizeof(pt));
	t0 = now_s();
	do {
		if (record_seal(&m, pk, pt, sizeof(pt), enc, &ct, &ctlen) == -1)
			return 1;
		free(ct);
		n++;
	} while (((n & 255) != 0) || (t = now_s()) - t0 < secs);
	printf("%.0f\n", (double)n / (t - t0));
	sodium_memzero(sk, sizeof(sk));
	return 0;
}
