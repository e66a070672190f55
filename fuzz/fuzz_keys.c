/*
 * Fuzz target for the parsers that take key material from outside: the keyring (which the
 * server loads at start and on SIGHUP) and public key files (ROOT.public, and every PUBLIC
 * given to keyring sign). Each input is tried three ways:
 *   - as a keyring verified against a fixed root (Ed25519 seed of 32 bytes 0x42) at a fixed
 *     time, 2030-01-01T00:00:00Z; fuzz/keys_seeds.c signs seeds with the same root;
 *   - as a keyring inspected without verification, so that the entries get parsed even when
 *     the fuzzer has broken the signature (it always has);
 *   - as a public key file.
 * Whatever is accepted must hold up: errors carry a message, accepted keyrings only list hq
 * and dealer keys with unique ids that the lookups find, public keys survive a round trip.
 *
 * Build and run:
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     fuzz/fuzz_keys.c src/seal/keys.c src/lib/fsutil.c src/lib/log.c \
 *     $(pkg-config --cflags --libs libsodium jansson) -o build-fuzz/fuzz_keys
 *   build-fuzz/fuzz_keys -max_len=8192 -dict=fuzz/keys.dict fuzz/corpus/keys
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seal/keys.h"

#define FUZZ_NOW	((time_t)1893456000)	/* 2030-01-01T00:00:00Z */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static struct keys_public fuzz_root;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned char seed[crypto_sign_SEEDBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char fpr[KEYS_FPR_BYTES];
	char hex[17];

	if (sodium_init() < 0)
		abort();
	memset(seed, 0x42, sizeof(seed));
	crypto_sign_seed_keypair(fuzz_root.ed25519, sk, seed);
	sodium_memzero(sk, sizeof(sk));
	fuzz_root.role = KEYS_ROLE_ROOT;
	snprintf(fuzz_root.name, sizeof(fuzz_root.name), "Example Fuzz Root");
	keys_fingerprint(&fuzz_root, fpr);
	sodium_bin2hex(hex, sizeof(hex), fpr, 8);
	snprintf(fuzz_root.key_id, sizeof(fuzz_root.key_id), "root-%s", hex);
	return 0;
}

static void
fuzz_check_keyring(const struct keys_keyring *kr)
{
	const struct keys_public *k, *out[2];
	size_t i, hq, dealer = 0;

	if (kr->nkeys == 0 || kr->nkeys > KEYS_KEYRING_MAX_KEYS || kr->keys == NULL)
		abort();
	hq = keys_keyring_hq(kr, out, 2);
	for (i = 0; i < kr->nkeys; i++) {
		k = &kr->keys[i];
		if (keys_keyring_find(kr, k->key_id) != k)
			abort();	/* ids are unique, so the lookup finds this one */
		if (k->role == KEYS_ROLE_DEALER) {
			if (k->dealer[0] == '\0' || !keys_dealer_code_valid(k->dealer) ||
			    keys_keyring_dealer(kr, k->dealer, out, 2) == 0)
				abort();
			dealer++;
		} else if (k->role != KEYS_ROLE_HQ || k->dealer[0] != '\0')
			abort();
	}
	if (hq + dealer != kr->nkeys || kr->expires_at <= 0)
		abort();
}

static void
fuzz_public(const char *s, size_t size)
{
	struct keys_public pub, again;
	struct keys_error err;
	char *text;
	size_t len;

	memset(&err, 0, sizeof(err));
	if (keys_public_load(s, size, &pub, &err) != KEYS_OK) {
		if (err.msg[0] == '\0' || err.code == KEYS_OK)
			abort();
		return;
	}
	if (keys_public_dump(&pub, &text, &len, &err) != KEYS_OK)
		abort();
	if (keys_public_load(text, len, &again, &err) != KEYS_OK ||
	    memcmp(&pub, &again, sizeof(pub)) != 0)
		abort();
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct keys_keyring kr;
	struct keys_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = keys_keyring_load(s, size, &fuzz_root, FUZZ_NOW, &kr, &err);
	if (rc == KEYS_OK) {
		fuzz_check_keyring(&kr);
		if (keys_keyring_expired(&kr, FUZZ_NOW))
			abort();
	} else if (err.msg[0] == '\0' || err.code != rc || kr.keys != NULL)
		abort();
	keys_keyring_free(&kr);

	memset(&err, 0, sizeof(err));
	rc = keys_keyring_inspect(s, size, &kr, &err);
	if (rc == KEYS_OK)
		fuzz_check_keyring(&kr);
	else if (err.msg[0] == '\0' || err.code != rc || kr.keys != NULL)
		abort();
	keys_keyring_free(&kr);

	fuzz_public(s, size);
	return 0;
}
