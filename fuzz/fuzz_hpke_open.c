/*
 * libFuzzer target: the input is enc || ct, opened with a fixed secret
 * key, as showroom opens what it pulls from an untrusted server: it must
 * never crash.  The same input is also sealed and opened again as a
 * plaintext, which must round-trip exactly.  fuzz/corpus/hpke_open holds
 * seeds sealed to the fixed key, so the successful path is covered too.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Isrc \
 *       fuzz/fuzz_hpke_open.c src/seal/hpke.c -lsodium
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "seal/hpke.h"
#include "showroom/office/hpke_open.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t info[] = "showroom fuzz";
static const uint8_t aad[] = "rec|catalog|hq|0";

static uint8_t pk[HPKE_PKLEN], sk[HPKE_SKLEN];

/* A fixed key pair keeps runs reproducible from a crash file alone. */
static void
init(void)
{
	static const uint8_t ikm[32] = "showroom hpke fuzz fixed ikm....";
	static int done;

	if (done)
		return;
	if (sodium_init() < 0 ||
	    hpke_derive_keypair(ikm, sizeof(ikm), pk, sk) != 0)
		abort();
	done = 1;
}

static void
open_input(const uint8_t *data, size_t size)
{
	uint8_t *pt;
	size_t ctlen;

	if (size < HPKE_ENCLEN)
		return;
	ctlen = size - HPKE_ENCLEN;
	/* At least one byte so that malloc(0) is never the question. */
	if ((pt = malloc(ctlen + 1)) == NULL)
		return;
	/* Either result is fine; only a crash or sanitizer report is not. */
	(void)hpke_open(sk, data, info, sizeof(info), aad, sizeof(aad),
	    data + HPKE_ENCLEN, ctlen, pt);
	free(pt);
}

static void
round_trip(const uint8_t *data, size_t size)
{
	uint8_t enc[HPKE_ENCLEN], *ct, *pt;

	ct = malloc(size + HPKE_TAGLEN);
	pt = malloc(size + 1);
	if (ct == NULL || pt == NULL)
		goto out;
	if (hpke_seal(pk, info, sizeof(info), aad, sizeof(aad), data, size,
	    enc, ct) != 0 ||
	    hpke_open(sk, enc, info, sizeof(info), aad, sizeof(aad), ct,
	    size + HPKE_TAGLEN, pt) != 0 ||
	    memcmp(pt, data, size) != 0)
		abort();
out:
	free(ct);
	free(pt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	open_input(data, size);
	round_trip(data, size);
	return 0;
}
