/*
 * The secret half of the keys (formats in common/keys.h): generating identities, sealing
 * them into PREFIX.secret under a passphrase and opening them again, and signing keyrings
 * with the root. It lives in the back office tree on purpose: showroomd is linked without
 * this file, so the web tier holds no code that unseals a secret key. Parsing public keys and
 * verifying keyrings is in src/common/keys.c.
 */
#include "seal/keys.h"
#include "seal/keys_int.h"
#include "showroom/keys/keys_secret.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/log.h"

#define SECRET_FORMAT	"showroom-secret-key"
#define KDF_NAME	"argon2id13"
#define CIPHER_NAME	"xchacha20poly1305-ietf"

#define SALT_BYTES	crypto_pwhash_SALTBYTES
#define NONCE_BYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AEAD_KEY_BYTES	crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define TAG_BYTES	crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEED_BYTES	crypto_sign_SEEDBYTES
#define PLAIN_MAX	(KEYS_X25519_BYTES + SEED_BYTES)

/* Bounds on the Argon2id cost read from a secret file, so that a crafted file cannot make
 * opening it take minutes or gigabytes. New files use the INTERACTIVE costs. */
#define OPSLIMIT_MAX	(crypto_pwhash_OPSLIMIT_SENSITIVE * 4)
#define MEMLIMIT_MAX	crypto_pwhash_MEMLIMIT_SENSITIVE

static struct keys_secret *
keys_secret_alloc(void)
{
	struct keys_secret *sec;

	if ((sec = sodium_malloc(sizeof(*sec))) != NULL)
		sodium_memzero(sec, sizeof(*sec));
	return sec;
}

int
keys_generate(enum keys_role role, const char *dealer, const char *name, time_t now,
    struct keys_identity *id, struct keys_error *err)
{
	struct keys_public *pub = &id->pub;
	int rc;

	memset(id, 0, sizeof(*id));
	if ((rc = keys_i_sodium(err)) != KEYS_OK)
		return rc;
	if (role != KEYS_ROLE_ROOT && role != KEYS_ROLE_HQ && role != KEYS_ROLE_DEALER &&
	    role != KEYS_ROLE_PRIVACY)
		return KEYS_FAIL(err, KEYS_E_INVALID, "role must be root, hq, dealer or privacy");
	/* the same checks as for files, but here it is the caller's argument that is wrong */
	if (keys_i_check_holder(role, dealer, name, "", err) != KEYS_OK) {
		if (err != NULL)
			err->code = KEYS_E_INVALID;
		return KEYS_E_INVALID;
	}
	pub->role = role;
	if (dealer != NULL)
		memcpy(pub->dealer, dealer, strlen(dealer) + 1);
	memcpy(pub->name, name, strlen(name) + 1);
	if (keys_i_format_time(now, pub->created) == -1)
		return KEYS_FAIL(err, KEYS_E_INVALID, "the clock is out of range");
	if ((id->sec = keys_secret_alloc()) == NULL)
		return KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory for secret keys");
	if (role != KEYS_ROLE_ROOT) {
		randombytes_buf(id->sec->x25519, sizeof(id->sec->x25519));
		if (crypto_scalarmult_base(pub->x25519, id->sec->x25519) != 0) {
			keys_identity_free(id);
			return KEYS_FAIL(err, KEYS_E_SYSTEM, "X25519 key generation failed");
		}
	}
	crypto_sign_keypair(pub->ed25519, id->sec->ed25519);
	keys_i_make_id(pub, pub->key_id);
	sodium_mprotect_readonly(id->sec);
	return KEYS_OK;
}

void
keys_identity_free(struct keys_identity *id)
{
	if (id == NULL)
		return;
	sodium_free(id->sec);	/* wipes it */
	memset(id, 0, sizeof(*id));
}

/* Everything the secret file says besides its ciphertext. */
struct secret_file {
	enum keys_role	role;
	char		dealer[KEYS_DEALER_MAX + 1];
	char		key_id[KEYS_ID_MAX];
	unsigned long long opslimit;
	size_t		memlimit;
	unsigned char	salt[SALT_BYTES];
	unsigned char	nonce[NONCE_BYTES];
	unsigned char	ct[PLAIN_MAX + TAG_BYTES];
	size_t		ctlen;
};

static size_t
keys_plain_len(enum keys_role role)
{
	return role == KEYS_ROLE_ROOT ? SEED_BYTES : KEYS_X25519_BYTES + SEED_BYTES;
}

/* Binds the ciphertext to the key it belongs to (see keys.h). */
static size_t
keys_secret_aad(enum keys_role role, const char *dealer, const char *key_id, char *aad,
    size_t size)
{
	int n;

	n = snprintf(aad, size, "%s/%d/%s/%s/%s", SECRET_FORMAT, KEYS_I_FORMAT_VERSION,
	    keys_role_name(role), dealer, key_id);
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

/* Argon2id of the passphrase into key (AEAD_KEY_BYTES of sodium_malloc'd memory). */
static int
keys_derive(unsigned char *key, const char *pass, const unsigned char *salt,
    unsigned long long ops, size_t mem, struct keys_error *err)
{
	if (crypto_pwhash(key, AEAD_KEY_BYTES, pass, strlen(pass), salt, ops, mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return KEYS_FAIL(err, KEYS_E_NOMEM, "Argon2id could not get %zu bytes of memory",
		    mem);
	return KEYS_OK;
}

static json_t *
keys_secret_json(const struct keys_public *pub, const struct secret_file *sf)
{
	json_t *o;
	int bad = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	bad |= keys_i_json_set(o, "format", json_string(SECRET_FORMAT));
	bad |= keys_i_json_set(o, "version", json_integer(KEYS_I_FORMAT_VERSION));
	bad |= keys_i_json_set(o, "role", json_string(keys_role_name(pub->role)));
	if (pub->role == KEYS_ROLE_DEALER)
		bad |= keys_i_json_set(o, "dealer", json_string(pub->dealer));
	bad |= keys_i_json_set(o, "key_id", json_string(pub->key_id));
	bad |= keys_i_json_set(o, "kdf", json_string(KDF_NAME));
	bad |= keys_i_json_set(o, "opslimit", json_integer((json_int_t)sf->opslimit));
	bad |= keys_i_json_set(o, "memlimit", json_integer((json_int_t)sf->memlimit));
	bad |= keys_i_json_set(o, "salt", keys_i_b64_json(sf->salt, sizeof(sf->salt)));
	bad |= keys_i_json_set(o, "cipher", json_string(CIPHER_NAME));
	bad |= keys_i_json_set(o, "nonce", keys_i_b64_json(sf->nonce, sizeof(sf->nonce)));
	bad |= keys_i_json_set(o, "ciphertext", keys_i_b64_json(sf->ct, sf->ctlen));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The PREFIX.secret text for ID under PASS. */
static int
keys_secret_seal(const struct keys_identity *id, const char *pass, char **outp,
    size_t *lenp, struct keys_error *err)
{
	struct secret_file sf;
	unsigned char *key, *plain;
	char aad[160];
	size_t plen = keys_plain_len(id->pub.role), aadlen, off = 0;
	json_t *o = NULL;
	int rc;

	*outp = NULL;
	memset(&sf, 0, sizeof(sf));
	key = sodium_malloc(AEAD_KEY_BYTES);
	plain = sodium_malloc(PLAIN_MAX);
	if (key == NULL || plain == NULL) {
		rc = KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory for secret keys");
		goto out;
	}
	sf.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	sf.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	randombytes_buf(sf.salt, sizeof(sf.salt));
	randombytes_buf(sf.nonce, sizeof(sf.nonce));
	aadlen = keys_secret_aad(id->pub.role, id->pub.dealer, id->pub.key_id, aad,
	    sizeof(aad));
	if ((rc = keys_derive(key, pass, sf.salt, sf.opslimit, sf.memlimit, err)) != KEYS_OK)
		goto out;
	if (id->pub.role != KEYS_ROLE_ROOT) {
		memcpy(plain, id->sec->x25519, KEYS_X25519_BYTES);
		off = KEYS_X25519_BYTES;
	}
	crypto_sign_ed25519_sk_to_seed(plain + off, id->sec->ed25519);
	crypto_aead_xchacha20poly1305_ietf_encrypt(sf.ct, NULL, plain, plen,
	    (const unsigned char *)aad, aadlen, NULL, sf.nonce, key);
	sf.ctlen = plen + TAG_BYTES;
	if ((o = keys_secret_json(&id->pub, &sf)) == NULL) {
		rc = KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
		goto out;
	}
	rc = keys_i_json_text(o, JSON_INDENT(2), 1, outp, lenp, err);
out:
	json_decref(o);
	sodium_free(plain);
	sodium_free(key);
	return rc;
}

/* A positive integer member within [min, max]. */
static int
keys_json_uint(const json_t *o, const char *key, unsigned long long min,
    unsigned long long max, unsigned long long *out, struct keys_error *err)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (unsigned long long)json_integer_value(v) < min ||
	    (unsigned long long)json_integer_value(v) > max)
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "\"%s\" is missing or not an integer "
		    "from %llu to %llu", key, min, max);
	*out = (unsigned long long)json_integer_value(v);
	return KEYS_OK;
}

/* Parses the text of a secret file, without opening it. */
static int
keys_secret_parse(const char *buf, size_t len, struct secret_file *sf, struct keys_error *err)
{
	static const char *const fields[] = { "format", "version", "role", "dealer", "key_id",
	    "kdf", "opslimit", "memlimit", "salt", "cipher", "nonce", "ciphertext", NULL };
	const char *role, *dealer, *id, *kdf, *cipher, *salt, *nonce, *ct;
	unsigned long long mem;
	json_t *o = NULL;
	int rc;

	memset(sf, 0, sizeof(*sf));
	if (len > KEYS_I_FILE_MAX_BYTES)
		return KEYS_FAIL(err, KEYS_E_MALFORMED, "too large for a secret key file");
	if ((rc = keys_i_json_parse(buf, len, &o, err)) != KEYS_OK)
		return rc;
	if ((rc = keys_i_json_format(o, SECRET_FORMAT, "secret key file", err)) ||
	    (rc = keys_i_json_only(o, fields, "", err)) ||
	    (rc = keys_i_json_str(o, "role", 1, &role, "", err)) ||
	    (rc = keys_i_json_str(o, "dealer", 0, &dealer, "", err)) ||
	    (rc = keys_i_json_str(o, "key_id", 1, &id, "", err)) ||
	    (rc = keys_i_json_str(o, "kdf", 1, &kdf, "", err)) ||
	    (rc = keys_i_json_str(o, "cipher", 1, &cipher, "", err)) ||
	    (rc = keys_i_json_str(o, "salt", 1, &salt, "", err)) ||
	    (rc = keys_i_json_str(o, "nonce", 1, &nonce, "", err)) ||
	    (rc = keys_i_json_str(o, "ciphertext", 1, &ct, "", err)) ||
	    (rc = keys_json_uint(o, "opslimit", crypto_pwhash_OPSLIMIT_MIN, OPSLIMIT_MAX,
	    &sf->opslimit, err)) ||
	    (rc = keys_json_uint(o, "memlimit", crypto_pwhash_MEMLIMIT_MIN, MEMLIMIT_MAX,
	    &mem, err)))
		goto out;
	sf->memlimit = (size_t)mem;
	if (strcmp(kdf, KDF_NAME) != 0 || strcmp(cipher, CIPHER_NAME) != 0) {
		rc = KEYS_FAIL(err, KEYS_E_FORMAT, "only kdf \"%s\" with cipher \"%s\" is "
		    "supported", KDF_NAME, CIPHER_NAME);
		goto out;
	}
	if ((sf->role = keys_role_parse(role)) == 0 ||
	    (sf->role == KEYS_ROLE_DEALER) != (dealer != NULL) ||
	    (dealer != NULL && !keys_dealer_code_valid(dealer)) || !keys_i_id_chars_valid(id)) {
		rc = KEYS_FAIL(err, KEYS_E_MALFORMED, "role, dealer or key_id is invalid");
		goto out;
	}
	if (dealer != NULL)
		memcpy(sf->dealer, dealer, strlen(dealer) + 1);
	memcpy(sf->key_id, id, strlen(id) + 1);
	sf->ctlen = keys_plain_len(sf->role) + TAG_BYTES;
	if (keys_i_b64_exact(salt, sf->salt, sizeof(sf->salt)) != 0 ||
	    keys_i_b64_exact(nonce, sf->nonce, sizeof(sf->nonce)) != 0 ||
	    keys_i_b64_exact(ct, sf->ct, sf->ctlen) != 0)
		rc = KEYS_FAIL(err, KEYS_E_MALFORMED, "salt, nonce or ciphertext has the wrong "
		    "length or is not base64");
out:
	json_decref(o);
	return rc;
}

/* Decrypts into a new identity for PUB, and checks the keys against PUB. */
static int
keys_secret_decrypt(const struct secret_file *sf, const struct keys_public *pub,
    const char *pass, const char *secpath, struct keys_identity *id, struct keys_error *err)
{
	unsigned char *key, *plain, x[KEYS_X25519_BYTES], ed[KEYS_ED25519_PK_BYTES];
	unsigned long long plen;
	char aad[160];
	size_t aadlen, off = 0;
	int rc;

	key = sodium_malloc(AEAD_KEY_BYTES);
	plain = sodium_malloc(PLAIN_MAX);
	id->sec = keys_secret_alloc();
	if (key == NULL || plain == NULL || id->sec == NULL) {
		rc = KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory for secret keys");
		goto out;
	}
	aadlen = keys_secret_aad(pub->role, pub->dealer, pub->key_id, aad, sizeof(aad));
	if ((rc = keys_derive(key, pass, sf->salt, sf->opslimit, sf->memlimit, err)) != KEYS_OK)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, sf->ct, sf->ctlen,
	    (const unsigned char *)aad, aadlen, sf->nonce, key) != 0 ||
	    plen != keys_plain_len(pub->role)) {
		rc = KEYS_FAIL(err, KEYS_E_PASSPHRASE, "wrong passphrase or damaged key file: %s",
		    secpath);
		goto out;
	}
	memset(x, 0, sizeof(x));
	if (pub->role != KEYS_ROLE_ROOT) {
		memcpy(id->sec->x25519, plain, KEYS_X25519_BYTES);
		off = KEYS_X25519_BYTES;
		if (crypto_scalarmult_base(x, id->sec->x25519) != 0)
			memset(x, 0xff, sizeof(x));
	}
	crypto_sign_seed_keypair(ed, id->sec->ed25519, plain + off);
	if (sodium_memcmp(x, pub->x25519, sizeof(x)) != 0 ||
	    sodium_memcmp(ed, pub->ed25519, sizeof(ed)) != 0) {
		rc = KEYS_FAIL(err, KEYS_E_MISMATCH, "%s holds other keys than its public file "
		    "says", secpath);
		goto out;
	}
	id->pub = *pub;
	sodium_mprotect_readonly(id->sec);
	rc = KEYS_OK;
out:
	sodium_free(plain);
	sodium_free(key);
	if (rc != KEYS_OK)
		keys_identity_free(id);
	return rc;
}

/* PREFIX with a suffix, in new memory. */
static char *
keys_path(const char *prefix, const char *suffix)
{
	size_t a = strlen(prefix), b = strlen(suffix);
	char *p;

	if ((p = malloc(a + b + 1)) != NULL) {
		memcpy(p, prefix, a);
		memcpy(p + a, suffix, b + 1);
	}
	return p;
}

int
keys_secret_open(const char *prefix, const char *pass, struct keys_identity *id,
    struct keys_error *err)
{
	struct keys_public pub;
	struct secret_file sf;
	struct stat st;
	char *pubpath, *secpath, *data = NULL, sid[48], pid[48];
	size_t len;
	int rc;

	memset(id, 0, sizeof(*id));
	if ((rc = keys_i_sodium(err)) != KEYS_OK)
		return rc;
	pubpath = keys_path(prefix, ".public");
	secpath = keys_path(prefix, ".secret");
	if (pubpath == NULL || secpath == NULL) {
		rc = KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = keys_public_read(pubpath, &pub, err)) != KEYS_OK)
		goto out;
	if (fs_read_file(secpath, &data, &len) == -1) {
		rc = KEYS_FAIL(err, KEYS_E_SYSTEM, "%s: %s", secpath, strerror(errno));
		goto out;
	}
	if (stat(secpath, &st) == 0 && (st.st_mode & 077) != 0)
		log_warn("%s can be read by others (mode %04o): chmod 600 it", secpath,
		    (unsigned)(st.st_mode & 07777));
	if ((rc = keys_secret_parse(data, len, &sf, err)) != KEYS_OK) {
		keys_i_err_file(err, secpath);
		goto out;
	}
	if (sf.role != pub.role || strcmp(sf.dealer, pub.dealer) != 0 ||
	    strcmp(sf.key_id, pub.key_id) != 0) {
		rc = KEYS_FAIL(err, KEYS_E_MISMATCH, "%s does not belong to %s: the secret is "
		    "key %s, the public file key %s", secpath, pubpath,
		    keys_i_safe(sf.key_id, sid), keys_i_safe(pub.key_id, pid));
		goto out;
	}
	rc = keys_secret_decrypt(&sf, &pub, pass, secpath, id, err);
out:
	free(data);
	free(secpath);
	free(pubpath);
	return rc;
}

static int
keys_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

int
keys_identity_save(const char *prefix, const struct keys_identity *id, const char *pass,
    int force, struct keys_error *err)
{
	char *pubpath, *secpath, *sectext = NULL, *pubtext = NULL;
	size_t seclen, publen;
	int rc;

	if ((rc = keys_i_sodium(err)) != KEYS_OK)
		return rc;
	if (id->sec == NULL)
		return KEYS_FAIL(err, KEYS_E_INVALID, "no secret keys to save");
	if (pass[0] == '\0')
		return KEYS_FAIL(err, KEYS_E_INVALID, "the passphrase is empty");
	pubpath = keys_path(prefix, ".public");
	secpath = keys_path(prefix, ".secret");
	if (pubpath == NULL || secpath == NULL) {
		rc = KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
		goto out;
	}
	if (!force && (keys_exists(pubpath) || keys_exists(secpath))) {
		rc = KEYS_FAIL(err, KEYS_E_EXISTS, "%s already exists (--force replaces it)",
		    keys_exists(secpath) ? secpath : pubpath);
		goto out;
	}
	if ((rc = keys_secret_seal(id, pass, &sectext, &seclen, err)) != KEYS_OK ||
	    (rc = keys_public_dump(&id->pub, &pubtext, &publen, err)) != KEYS_OK)
		goto out;
	if (fs_write_file(secpath, sectext, seclen, 0600) == -1) {
		rc = KEYS_FAIL(err, KEYS_E_SYSTEM, "%s: %s", secpath, strerror(errno));
		goto out;
	}
	if (fs_write_file(pubpath, pubtext, publen, 0644) == -1) {
		rc = KEYS_FAIL(err, KEYS_E_SYSTEM, "%s: %s", pubpath, strerror(errno));
		/* a secret without its public file is of no use to anyone */
		unlink(secpath);
		goto out;
	}
	rc = KEYS_OK;
out:
	free(pubtext);
	free(sectext);
	free(secpath);
	free(pubpath);
	return rc;
}

/*
 * Keyrings.
 */

int
keys_keyring_sign(const struct keys_identity *root, const struct keys_public *keys,
    size_t nkeys, const char *expires, time_t now, char **outp, size_t *lenp,
    struct keys_error *err)
{
	struct keys_keyring check;
	unsigned char sig[KEYS_I_SIG_BYTES];
	char issued[KEYS_TIME_MAX], ctx[48], *canon = NULL, want[KEYS_ID_MAX];
	size_t canonlen, i;
	time_t end;
	json_t *body = NULL;
	int rc;

	*outp = NULL;
	if ((rc = keys_i_sodium(err)) != KEYS_OK)
		return rc;
	if (root->pub.role != KEYS_ROLE_ROOT || root->sec == NULL)
		return KEYS_FAIL(err, KEYS_E_ROLE, "%s is not a root key: only the root signs "
		    "keyrings", root->pub.key_id);
	if (nkeys == 0 || nkeys > KEYS_KEYRING_MAX_KEYS)
		return KEYS_FAIL(err, KEYS_E_INVALID, "a keyring lists 1 to %d keys",
		    KEYS_KEYRING_MAX_KEYS);
	for (i = 0; i < nkeys; i++) {
		snprintf(ctx, sizeof(ctx), "key %zu: ", i + 1);
		if ((rc = keys_i_keyring_role(&keys[i], ctx, err)) != KEYS_OK)
			return rc;
		keys_i_make_id(&keys[i], want);
		if (strcmp(want, keys[i].key_id) != 0)
			return KEYS_FAIL(err, KEYS_E_KEYID, "%skey id does not match", ctx);
	}
	if ((rc = keys_i_keyring_dups(keys, nkeys, "", err)) != KEYS_OK)
		return rc;
	if (keys_date_end(expires, &end) == -1)
		return KEYS_FAIL(err, KEYS_E_INVALID, "expiry date must be a date like "
		    "2026-03-31");
	if (end <= now)
		return KEYS_FAIL(err, KEYS_E_INVALID, "expiry date %s has passed", expires);
	if (keys_i_format_time(now, issued) == -1)
		return KEYS_FAIL(err, KEYS_E_INVALID, "the clock is out of range");
	if ((body = keys_i_keyring_body(&root->pub, keys, nkeys, expires, issued)) == NULL) {
		rc = KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = keys_i_keyring_canon(body, &canon, &canonlen, err)) != KEYS_OK)
		goto out;
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, canonlen,
	    root->sec->ed25519);
	if (keys_i_json_set(body, "signature", keys_i_b64_json(sig, sizeof(sig))) != 0) {
		rc = KEYS_FAIL(err, KEYS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = keys_i_json_text(body, JSON_INDENT(2), 1, outp, lenp, err)) != KEYS_OK)
		goto out;
	/* What we hand out must be what the server accepts. */
	if ((rc = keys_keyring_load(*outp, *lenp, &root->pub, now, &check, err)) != KEYS_OK) {
		free(*outp);
		*outp = NULL;
		goto out;
	}
	keys_keyring_free(&check);
out:
	free(canon);
	json_decref(body);
	return rc;
}
