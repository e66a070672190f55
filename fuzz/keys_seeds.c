/*
 * Writes the seed corpus of fuzz_keys into DIR: keyrings signed by the fuzz root (Ed25519
 * seed of 32 bytes 0x42, as in fuzz_keys.c), an unsigned one, and public key files. The
 * keys other than the root are fresh each run; the seeds are checked in, so this only needs
 * to run when the formats change.
 *   cc -std=c11 -D_GNU_SOURCE -Isrc fuzz/keys_seeds.c src/seal/keys.c \
 *     src/showroom/keys/keys_secret.c src/lib/fsutil.c src/lib/log.c \
 *     $(pkg-config --cflags --libs libsodium jansson) \
 *     -o build-fuzz/keys_seeds && build-fuzz/keys_seeds fuzz/corpus/keys
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/fsutil.h"
#include "seal/keys.h"
#include "showroom/keys/keys_secret.h"

#define SIGNED_AT	((time_t)1735635600)	/* 2024-12-31T09:00:00Z */

static const char *dir;

static void
seeds_die(const char *what, const struct keys_error *err)
{
	fprintf(stderr, "keys_seeds: %s: %s\n", what, err ? err->msg : "failed");
	exit(1);
}

static void
seeds_write(const char *name, const char *text, size_t len)
{
	char *path = fs_join(dir, name);

	if (path == NULL || fs_write_file(path, text, len, 0644) == -1)
		seeds_die(name, NULL);
	free(path);
}

static void
seeds_public(const char *name, const struct keys_public *pub)
{
	struct keys_error err;
	char *text;
	size_t len;

	if (keys_public_dump(pub, &text, &len, &err) != KEYS_OK)
		seeds_die(name, &err);
	seeds_write(name, text, len);
	free(text);
}

static void
seeds_root(struct keys_identity *root)
{
	unsigned char seed[crypto_sign_SEEDBYTES], fpr[KEYS_FPR_BYTES];
	char hex[17];

	memset(root, 0, sizeof(*root));
	memset(seed, 0x42, sizeof(seed));
	if ((root->sec = sodium_malloc(sizeof(*root->sec))) == NULL)
		seeds_die("root", NULL);
	memset(root->sec, 0, sizeof(*root->sec));
	crypto_sign_seed_keypair(root->pub.ed25519, root->sec->ed25519, seed);
	root->pub.role = KEYS_ROLE_ROOT;
	snprintf(root->pub.name, sizeof(root->pub.name), "Example Fuzz Root");
	snprintf(root->pub.created, sizeof(root->pub.created), "2024-12-31T09:00:00Z");
	keys_fingerprint(&root->pub, fpr);
	sodium_bin2hex(hex, sizeof(hex), fpr, 8);
	snprintf(root->pub.key_id, sizeof(root->pub.key_id), "root-%s", hex);
}

int
main(int argc, char **argv)
{
	static const char unsigned_ring[] = "{\"format\":\"showroom-keyring\",\"version\":1,"
	    "\"issued\":\"2024-12-31T09:00:00Z\",\"expires\":\"2099-12-31\","
	    "\"root_key_id\":\"root-0000000000000000\",\"keys\":[]}\n";
	struct keys_identity root, hq, tky, osk;
	struct keys_public keys[3];
	struct keys_error err;
	char *text;
	size_t len;

	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: keys_seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	if (fs_mkdirs(dir, 0755) == -1)
		seeds_die(dir, NULL);
	seeds_root(&root);
	if (keys_generate(KEYS_ROLE_HQ, NULL, "Example HQ", SIGNED_AT, &hq, &err) ||
	    keys_generate(KEYS_ROLE_DEALER, "tky01", "Example Dealer Tokyo", SIGNED_AT, &tky,
	    &err) ||
	    keys_generate(KEYS_ROLE_DEALER, "osk02", "Example Dealer Ōsaka", SIGNED_AT, &osk,
	    &err))
		seeds_die("keys", &err);
	keys[0] = hq.pub;
	keys[1] = tky.pub;
	keys[2] = osk.pub;

	if (keys_keyring_sign(&root, keys, 3, "2099-12-31", SIGNED_AT, &text, &len, &err))
		seeds_die("keyring", &err);
	seeds_write("keyring-valid.json", text, len);
	free(text);
	if (keys_keyring_sign(&root, keys, 1, "2029-12-31", SIGNED_AT, &text, &len, &err))
		seeds_die("keyring", &err);
	seeds_write("keyring-expired.json", text, len);	/* before the fuzzer's "now" */
	free(text);
	seeds_write("keyring-unsigned.json", unsigned_ring, strlen(unsigned_ring));
	seeds_public("public-root.json", &root.pub);
	seeds_public("public-hq.json", &hq.pub);
	seeds_public("public-dealer.json", &tky.pub);
	keys_identity_free(&root);
	keys_identity_free(&hq);
	keys_identity_free(&tky);
	keys_identity_free(&osk);
	return 0;
}
