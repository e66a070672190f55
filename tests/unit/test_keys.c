/*
 * Key-holder identities, secret key files, the signed keyring, and the keygen and keyring
 * commands. Every key and name here is made up for the test ("Example Dealer Tokyo").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "seal/keys.h"
#include "showroom/commands.h"
#include "showroom/keys/keys_secret.h"
#include "testsrv.h"

#define PASS		"correct horse battery staple (test only)"
#define FAR_FUTURE	"2099-12-31"

static char			tdir[256];
static struct keys_identity	root, root2, hq, hq2, tky, osk;

/* DIR/NAME, in one of a few rotating buffers. */
static const char *
tpath(const char *name)
{
	static char bufs[8][512];
	static int n;
	char *p = bufs[n++ % 8];

	snprintf(p, sizeof(bufs[0]), "%s/%s", tdir, name);
	return p;
}

static char *
slurp(const char *path, size_t *lenp)
{
	char *data;
	size_t len;

	assert_int_equal(fs_read_file(path, &data, &len), 0);
	if (lenp != NULL)
		*lenp = len;
	return data;
}

static void
spit(const char *path, const char *text)
{
	assert_int_equal(fs_write_file(path, text, strlen(text), 0600), 0);
}

static void
gen(struct keys_identity *id, enum keys_role role, const char *dealer, const char *name)
{
	struct keys_error err;

	assert_int_equal(keys_generate(role, dealer, name, time(NULL), id, &err), KEYS_OK);
}

static int
setup(void **state)
{
	if (testsrv_tmpname(tdir, sizeof(tdir), "test-keys") == -1 || mkdtemp(tdir) == NULL)
		return -1;
	setenv(KEYS_PASS_ENV, PASS, 1);
	gen(&root, KEYS_ROLE_ROOT, NULL, "Example Brand Root");
	gen(&root2, KEYS_ROLE_ROOT, NULL, "Example Other Root");
	gen(&hq, KEYS_ROLE_HQ, NULL, "Example HQ Fulfilment");
	gen(&hq2, KEYS_ROLE_HQ, NULL, "Example HQ Backup");
	gen(&tky, KEYS_ROLE_DEALER, "tky01", "Example Dealer Tokyo");
	gen(&osk, KEYS_ROLE_DEALER, "osk02", "Example Dealer Ōsaka");
	return 0;
}

static int
teardown(void **state)
{
	keys_identity_free(&root);
	keys_identity_free(&root2);
	keys_identity_free(&hq);
	keys_identity_free(&hq2);
	keys_identity_free(&tky);
	keys_identity_free(&osk);
	return fs_remove_tree(tdir);
}

/* The JSON object in FILE with member KEY set to V (NULL: removed), written to OUT. */
static void
edit_json(const char *file, const char *out, const char *key, json_t *v)
{
	json_t *o = json_load_file(file, 0, NULL);
	char *s;

	assert_non_null(o);
	if (v == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, v);
	s = json_dumps(o, JSON_INDENT(2));
	spit(out, s);
	free(s);
	json_decref(o);
}

/* Base64 text with one bit of its decoded bytes flipped. */
static json_t *
b64_flip(const char *b64)
{
	unsigned char bin[256];
	char out[400];
	size_t len;

	assert_int_equal(sodium_base642bin(bin, sizeof(bin), b64, strlen(b64), NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	bin[len / 2] ^= 0x10;
	sodium_bin2base64(out, sizeof(out), bin, len, sodium_base64_VARIANT_ORIGINAL);
	return json_string(out);
}

static void
test_keygen_roundtrip(void **state)
{
	struct keys_identity got;
	struct keys_public pub;
	struct keys_error err;
	unsigned char sig[crypto_sign_BYTES], x[32];
	struct stat st;
	const char *prefix = tpath("tky");

	assert_int_equal(keys_identity_save(prefix, &tky, PASS, 0, &err), KEYS_OK);
	assert_int_equal(stat(tpath("tky.secret"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(tpath("tky.public"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	assert_int_equal(keys_secret_open(prefix, PASS, &got, &err), KEYS_OK);
	assert_memory_equal(&got.pub, &tky.pub, sizeof(got.pub));
	assert_memory_equal(got.sec->x25519, tky.sec->x25519, 32);
	assert_memory_equal(got.sec->ed25519, tky.sec->ed25519, 64);
	assert_int_equal(crypto_scalarmult_base(x, got.sec->x25519), 0);
	assert_memory_equal(x, tky.pub.x25519, 32);
	crypto_sign_detached(sig, NULL, (const unsigned char *)"GET /api/v1/inbox", 17,
	    got.sec->ed25519);
	assert_int_equal(crypto_sign_verify_detached(sig,
	    (const unsigned char *)"GET /api/v1/inbox", 17, tky.pub.ed25519), 0);
	keys_identity_free(&got);
	assert_null(got.sec);

	assert_int_equal(keys_public_read(tpath("tky.public"), &pub, &err), KEYS_OK);
	assert_string_equal(pub.key_id, tky.pub.key_id);
	assert_string_equal(pub.dealer, "tky01");
	assert_string_equal(pub.name, "Example Dealer Tokyo");
	assert_true(strncmp(pub.key_id, "dealer-tky01-", 13) == 0);
	assert_int_equal(strlen(pub.key_id), 13 + 16);

	/* no silent overwrite */
	assert_int_equal(keys_identity_save(prefix, &hq, PASS, 0, &err), KEYS_E_EXISTS);
	assert_non_null(strstr(err.msg, "tky.secret"));
	assert_int_equal(keys_secret_open(prefix, PASS, &got, &err), KEYS_OK);
	assert_string_equal(got.pub.key_id, tky.pub.key_id);
	keys_identity_free(&got);

	/* the root has no X25519 key and still round-trips */
	assert_int_equal(keys_identity_save(tpath("root"), &root, PASS, 0, &err), KEYS_OK);
	assert_int_equal(keys_secret_open(tpath("root"), PASS, &got, &err), KEYS_OK);
	assert_memory_equal(got.sec->ed25519, root.sec->ed25519, 64);
	assert_true(strncmp(got.pub.key_id, "root-", 5) == 0);
	keys_identity_free(&got);
	assert_int_equal(keys_identity_save(tpath("hq"), &hq, PASS, 0, &err), KEYS_OK);
	assert_int_equal(keys_identity_save(tpath("hq2"), &hq2, PASS, 0, &err), KEYS_OK);
	/* the library refuses only an empty passphrase; the length policy is keygen's */
	assert_int_equal(keys_identity_save(tpath("short"), &hq2, "", 0, &err),
	    KEYS_E_INVALID);
}

static void
test_generate_invalid(void **state)
{
	struct keys_identity id;
	struct keys_error err;
	time_t now = time(NULL);

	assert_int_equal(keys_generate(KEYS_ROLE_DEALER, NULL, "Example", now, &id, &err),
	    KEYS_E_INVALID);
	assert_int_equal(keys_generate(KEYS_ROLE_HQ, "tky01", "Example", now, &id, &err),
	    KEYS_E_INVALID);
	assert_int_equal(keys_generate(KEYS_ROLE_DEALER, "TKY", "Example", now, &id, &err),
	    KEYS_E_INVALID);
	assert_int_equal(keys_generate(KEYS_ROLE_HQ, NULL, "", now, &id, &err),
	    KEYS_E_INVALID);
	assert_int_equal(keys_generate(KEYS_ROLE_HQ, NULL, "Example\x1b[31m", now, &id,
	    &err), KEYS_E_INVALID);
	assert_int_equal(keys_generate(KEYS_ROLE_HQ, NULL, "Example \xc3(", now, &id, &err),
	    KEYS_E_INVALID);
	assert_int_equal(keys_generate(0, NULL, "Example", now, &id, &err), KEYS_E_INVALID);
	assert_null(id.sec);
}

static void
test_passphrase(void **state)
{
	struct keys_error err;
	char *p;
	int fd;

	assert_int_equal(keys_passphrase("x.secret", 1, &p, &err), KEYS_OK);
	assert_string_equal(p, PASS);
	keys_passphrase_free(p);
	setenv(KEYS_PASS_ENV, "short", 1);
	assert_int_equal(keys_passphrase("x.secret", 1, &p, &err), KEYS_OK);
	keys_passphrase_free(p);
	assert_int_equal(keys_passphrase("x.secret", 0, &p, &err), KEYS_OK);
	keys_passphrase_free(p);
	setenv(KEYS_PASS_ENV, "", 1);
	assert_int_equal(keys_passphrase("x.secret", 0, &p, &err), KEYS_E_INVALID);
	unsetenv(KEYS_PASS_ENV);
	/* Without a terminal there is nothing to ask; with one, we would block: skip. */
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY)) == -1) {
		assert_int_equal(keys_passphrase("x.secret", 0, &p, &err), KEYS_E_NOPASS);
		assert_non_null(strstr(err.msg, KEYS_PASS_ENV));
		assert_non_null(strstr(err.msg, "x.secret"));
	} else
		close(fd);
	setenv(KEYS_PASS_ENV, PASS, 1);
}

static void
test_wrong_passphrase(void **state)
{
	struct keys_identity got;
	struct keys_error err;
	char want[600];

	assert_int_equal(keys_secret_open(tpath("hq"), "not the passphrase", &got, &err),
	    KEYS_E_PASSPHRASE);
	assert_int_equal(err.code, KEYS_E_PASSPHRASE);
	snprintf(want, sizeof(want), "wrong passphrase or damaged key file: %s",
	    tpath("hq.secret"));
	assert_string_equal(err.msg, want);
	assert_null(got.sec);
	assert_int_equal(keys_secret_open(tpath("nonexistent"), PASS, &got, &err),
	    KEYS_E_SYSTEM);
	assert_non_null(strstr(err.msg, "nonexistent.public"));
}

/* Copies hq.public and an edited hq.secret to t.*, and opens them. */
static int
open_edited_secret(const char *key, json_t *v, struct keys_error *err)
{
	struct keys_identity got;
	char *pub = slurp(tpath("hq.public"), NULL);
	int rc;

	spit(tpath("t.public"), pub);
	free(pub);
	edit_json(tpath("hq.secret"), tpath("t.secret"), key, v);
	rc = keys_secret_open(tpath("t"), PASS, &got, err);
	keys_identity_free(&got);
	return rc;
}

static void
test_tampered_secret(void **state)
{
	struct keys_error err;
	json_t *o = json_load_file(tpath("hq.secret"), 0, NULL);
	const char *ct = json_string_value(json_object_get(o, "ciphertext"));
	const char *nonce = json_string_value(json_object_get(o, "nonce"));
	const char *salt = json_string_value(json_object_get(o, "salt"));
	char *text;
	size_t len;

	assert_non_null(ct);
	assert_int_equal(open_edited_secret("ciphertext", b64_flip(ct), &err),
	    KEYS_E_PASSPHRASE);
	assert_non_null(strstr(err.msg, "t.secret"));
	assert_int_equal(open_edited_secret("nonce", b64_flip(nonce), &err),
	    KEYS_E_PASSPHRASE);
	assert_int_equal(open_edited_secret("salt", b64_flip(salt), &err), KEYS_E_PASSPHRASE);
	assert_int_equal(open_edited_secret("opslimit", json_integer(3), &err),
	    KEYS_E_PASSPHRASE);
	assert_int_equal(open_edited_secret("memlimit", json_integer(1LL << 40), &err),
	    KEYS_E_MALFORMED);
	assert_int_equal(open_edited_secret("opslimit", json_integer(1000000), &err),
	    KEYS_E_MALFORMED);
	assert_int_equal(open_edited_secret("ciphertext", json_string("AAAA"), &err),
	    KEYS_E_MALFORMED);
	assert_int_equal(open_edited_secret("kdf", json_string("scrypt"), &err),
	    KEYS_E_FORMAT);
	assert_int_equal(open_edited_secret("version", json_integer(2), &err),
	    KEYS_E_FORMAT);
	assert_int_equal(open_edited_secret("extra", json_true(), &err), KEYS_E_MALFORMED);
	assert_int_equal(open_edited_secret("key_id", json_string(hq2.pub.key_id), &err),
	    KEYS_E_MISMATCH);
	/* cut short */
	text = slurp(tpath("hq.secret"), &len);
	text[len / 2] = '\0';
	spit(tpath("t.secret"), text);
	free(text);
	assert_int_equal(keys_secret_open(tpath("t"), PASS, &(struct keys_identity){ 0 },
	    &err), KEYS_E_MALFORMED);
	assert_non_null(strstr(err.msg, "t.secret: not valid JSON"));
	json_decref(o);
}

static void
test_secret_public_mismatch(void **state)
{
	struct keys_identity got;
	struct keys_error err;
	char *text;

	/* hq2's public file next to hq's secret: same role, another key */
	text = slurp(tpath("hq2.public"), NULL);
	spit(tpath("mix.public"), text);
	free(text);
	text = slurp(tpath("hq.secret"), NULL);
	spit(tpath("mix.secret"), text);
	free(text);
	assert_int_equal(keys_secret_open(tpath("mix"), PASS, &got, &err), KEYS_E_MISMATCH);
	assert_non_null(strstr(err.msg, "does not belong"));
	assert_null(got.sec);

	/* a dealer's public file with hq's secret: another role */
	text = slurp(tpath("tky.public"), NULL);
	spit(tpath("mix.public"), text);
	free(text);
	assert_int_equal(keys_secret_open(tpath("mix"), PASS, &got, &err), KEYS_E_MISMATCH);

	/* the AAD binds the key id: relabelled to match, the secret no longer opens */
	edit_json(tpath("hq.secret"), tpath("mix.secret"), "key_id",
	    json_string(tky.pub.key_id));
	{
		json_t *o = json_load_file(tpath("mix.secret"), 0, NULL);

		json_object_set_new(o, "role", json_string("dealer"));
		json_object_set_new(o, "dealer", json_string("tky01"));
		json_dump_file(o, tpath("mix.secret"), 0);
		json_decref(o);
	}
	assert_int_equal(keys_secret_open(tpath("mix"), PASS, &got, &err), KEYS_E_PASSPHRASE);
}

static void
test_public_load(void **state)
{
	struct keys_public pub;
	struct keys_error err;
	char *text;
	size_t len;
	unsigned char zero[32] = { 0 };
	char zb64[64];

	text = slurp(tpath("hq.public"), &len);
	assert_int_equal(keys_public_load(text, len, &pub, &err), KEYS_OK);
	assert_memory_equal(&pub, &hq.pub, sizeof(pub));
	free(text);

#define EDIT(k, v, code) do {							\
	edit_json(tpath("hq.public"), tpath("t.public"), k, v);			\
	assert_int_equal(keys_public_read(tpath("t.public"), &pub, &err), code);\
	assert_true(err.msg[0] != '\0');					\
} while (0)
	EDIT("key_id", json_string(hq2.pub.key_id), KEYS_E_KEYID);
	assert_non_null(strstr(err.msg, "t.public: "));
	EDIT("key_id", json_string("hq-\x01"), KEYS_E_MALFORMED);
	EDIT("x25519", json_string("not base64!"), KEYS_E_MALFORMED);
	EDIT("x25519", NULL, KEYS_E_MALFORMED);
	sodium_bin2base64(zb64, sizeof(zb64), zero, 32, sodium_base64_VARIANT_ORIGINAL);
	EDIT("x25519", json_string(zb64), KEYS_E_MALFORMED);
	EDIT("ed25519", json_string(zb64), KEYS_E_MALFORMED);
	EDIT("dealer", json_string("tky01"), KEYS_E_ROLE);
	EDIT("role", json_string("dealer"), KEYS_E_ROLE);
	EDIT("role", json_string("admin"), KEYS_E_MALFORMED);
	EDIT("role", json_integer(1), KEYS_E_MALFORMED);
	EDIT("name", json_string("Example\nHQ"), KEYS_E_MALFORMED);
	EDIT("created", json_string("yesterday"), KEYS_E_MALFORMED);
	EDIT("version", json_integer(2), KEYS_E_FORMAT);
	EDIT("format", json_string("showroom-keyring"), KEYS_E_FORMAT);
	EDIT("comment", json_string("hello"), KEYS_E_MALFORMED);
	/* a root key with an X25519 key: roots do not receive data */
	sodium_bin2base64(zb64, sizeof(zb64), hq.pub.x25519, 32, sodium_base64_VARIANT_ORIGINAL);
	edit_json(tpath("root.public"), tpath("t.public"), "x25519", json_string(zb64));
	assert_int_equal(keys_public_read(tpath("t.public"), &pub, &err), KEYS_E_ROLE);
#undef EDIT

	assert_int_equal(keys_public_load("", 0, &pub, &err), KEYS_E_MALFORMED);
	assert_int_equal(keys_public_load("[1]", 3, &pub, &err), KEYS_E_MALFORMED);
	assert_int_equal(keys_public_load("{\"format\":\"showroom-public-key\",\"format\":1}",
	    43, &pub, &err), KEYS_E_MALFORMED);
}

/* A keyring of hq, hq2, tky, osk signed by root at now, until expires. */
static char *
make_keyring(const char *expires, time_t now)
{
	struct keys_public keys[4] = { hq.pub, tky.pub, osk.pub, hq2.pub };
	struct keys_error err;
	char *text;
	size_t len;

	assert_int_equal(keys_keyring_sign(&root, keys, 4, expires, now, &text, &len, &err),
	    KEYS_OK);
	assert_int_equal(strlen(text), len);
	return text;
}

static int
load(const char *text, const struct keys_public *r, time_t now, struct keys_error *err)
{
	struct keys_keyring kr;
	int rc;

	rc = keys_keyring_load(text, strlen(text), r, now, &kr, err);
	if (rc == KEYS_OK)
		assert_true(kr.nkeys > 0);
	else {
		assert_null(kr.keys);
		assert_int_equal(err->code, rc);
		assert_true(err->msg[0] != '\0');
	}
	keys_keyring_free(&kr);
	return rc;
}

static void
test_keyring_sign_verify(void **state)
{
	const struct keys_public *out[4];
	struct keys_keyring kr;
	struct keys_error err;
	time_t now = time(NULL);
	char *text = make_keyring(FAR_FUTURE, now);

	assert_int_equal(keys_keyring_load(text, strlen(text), &root.pub, now, &kr, &err),
	    KEYS_OK);
	assert_int_equal(kr.nkeys, 4);
	assert_string_equal(kr.expires, FAR_FUTURE);
	assert_string_equal(kr.root_key_id, root.pub.key_id);
	assert_false(keys_keyring_expired(&kr, now));
	assert_non_null(keys_keyring_find(&kr, tky.pub.key_id));
	assert_memory_equal(keys_keyring_find(&kr, tky.pub.key_id)->x25519, tky.pub.x25519, 32);
	assert_string_equal(keys_keyring_find(&kr, osk.pub.key_id)->name,
	    "Example Dealer Ōsaka");
	assert_null(keys_keyring_find(&kr, "hq-0000000000000000"));
	assert_null(keys_keyring_find(&kr, root.pub.key_id));
	assert_int_equal(keys_keyring_hq(&kr, out, 4), 2);
	assert_string_equal(out[0]->key_id, hq.pub.key_id);
	assert_string_equal(out[1]->key_id, hq2.pub.key_id);
	assert_int_equal(keys_keyring_hq(&kr, out, 1), 2);
	assert_int_equal(keys_keyring_dealer(&kr, "tky01", out, 4), 1);
	assert_string_equal(out[0]->key_id, tky.pub.key_id);
	assert_int_equal(keys_keyring_dealer(&kr, "osk02", out, 4), 1);
	assert_int_equal(keys_keyring_dealer(&kr, "ngo03", out, 4), 0);
	keys_keyring_free(&kr);
	assert_int_equal(keys_keyring_inspect(text, strlen(text), &kr, &err), KEYS_OK);
	assert_int_equal(kr.nkeys, 4);
	keys_keyring_free(&kr);
	free(text);
}

static void
test_keyring_sign_refuses(void **state)
{
	struct keys_public keys[3] = { hq.pub, tky.pub, hq.pub };
	struct keys_public withroot[2] = { hq.pub, root2.pub };
	struct keys_error err;
	time_t now = time(NULL);
	char *text;
	size_t len;

	assert_int_equal(keys_keyring_sign(&root, keys, 3, FAR_FUTURE, now, &text, &len, &err),
	    KEYS_E_DUPLICATE);
	assert_null(text);
	assert_int_equal(keys_keyring_sign(&root, withroot, 2, FAR_FUTURE, now, &text, &len,
	    &err), KEYS_E_ROLE);
	assert_int_equal(keys_keyring_sign(&root, keys, 0, FAR_FUTURE, now, &text, &len,
	    &err), KEYS_E_INVALID);
	assert_int_equal(keys_keyring_sign(&hq, keys, 2, FAR_FUTURE, now, &text, &len, &err),
	    KEYS_E_ROLE);
	assert_int_equal(keys_keyring_sign(&root, keys, 2, "2001-01-01", now, &text, &len,
	    &err), KEYS_E_INVALID);
	assert_int_equal(keys_keyring_sign(&root, keys, 2, "2099-02-30", now, &text, &len,
	    &err), KEYS_E_INVALID);
	assert_int_equal(keys_keyring_sign(&root, keys, 2, "2099-1-1", now, &text, &len,
	    &err), KEYS_E_INVALID);
}

/* TEXT with the first occurrence of FROM replaced by TO. */
static char *
replace(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t a, b = strlen(from), c = strlen(to);
	char *s;

	assert_non_null(p);
	a = (size_t)(p - text);
	s = malloc(strlen(text) - b + c + 1);
	assert_non_null(s);
	memcpy(s, text, a);
	memcpy(s + a, to, c);
	strcpy(s + a + c, p + b);
	return s;
}

static char *
json_edit_text(const char *text, const char *key, json_t *v)
{
	json_t *o = json_loads(text, 0, NULL);
	char *s;

	assert_non_null(o);
	if (v == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, v);
	s = json_dumps(o, JSON_INDENT(1));
	json_decref(o);
	return s;
}

static void
test_keyring_tampered(void **state)
{
	struct keys_error err;
	time_t now = time(NULL);
	char *text = make_keyring(FAR_FUTURE, now), *t, *b64, *other;
	struct keys_public keys[1] = { hq.pub };
	json_t *o;
	size_t len;

	/* one byte of a key */
	o = keys_public_dump(&tky.pub, &b64, &len, &err) == KEYS_OK ? json_loads(b64, 0, NULL)
	    : NULL;
	free(b64);
	assert_non_null(o);
	{
		char from[64], to[64];

		snprintf(from, sizeof(from), "%s", json_string_value(json_object_get(o,
		    "x25519")));
		memcpy(to, from, sizeof(to));
		to[5] = to[5] == 'A' ? 'B' : 'A';
		t = replace(text, from, to);
		assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_BADSIG);
		assert_non_null(strstr(err.msg, "changed after it was signed"));
		free(t);
	}
	json_decref(o);

	/* the expiry, a name, a role */
	t = replace(text, "\"" FAR_FUTURE "\"", "\"2099-12-30\"");
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_BADSIG);
	free(t);
	t = replace(text, "Example Dealer Tokyo", "Example Dealer Tokyp");
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_BADSIG);
	free(t);

	/* no signature, an empty one, a broken one */
	t = json_edit_text(text, "signature", NULL);
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_UNSIGNED);
	assert_non_null(strstr(err.msg, "not signed"));
	free(t);
	t = json_edit_text(text, "signature", json_string(""));
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_UNSIGNED);
	free(t);
	t = json_edit_text(text, "signature", json_string("AAAA"));
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_BADSIG);
	free(t);
	t = json_edit_text(text, "signature", json_integer(7));
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_MALFORMED);
	free(t);

	/* another root: named as such, or passed off as ours */
	assert_int_equal(load(text, &root2.pub, now, &err), KEYS_E_WRONGROOT);
	assert_non_null(strstr(err.msg, root.pub.key_id));
	assert_int_equal(load(text, &hq.pub, now, &err), KEYS_E_ROLE);
	assert_int_equal(keys_keyring_sign(&root2, keys, 1, FAR_FUTURE, now, &other, &len,
	    &err), KEYS_OK);
	t = json_edit_text(other, "root_key_id", json_string(root.pub.key_id));
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_BADSIG);
	free(t);
	free(other);

	/* an extra field is refused before anything else */
	t = json_edit_text(text, "note", json_string("hello"));
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_MALFORMED);
	free(t);

	/* re-formatting does not matter: the signature covers the canonical form */
	o = json_loads(text, 0, NULL);
	t = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_OK);
	free(t);
	json_decref(o);
	free(text);
}

static time_t
day_start(const char *date)
{
	time_t end;

	assert_int_equal(keys_date_end(date, &end), 0);
	return end - 86400;
}

static void
test_keyring_expired(void **state)
{
	struct keys_error err;
	time_t signed_at = day_start("2030-06-01") + 9 * 3600;
	time_t end = day_start("2030-07-01");
	char *text = make_keyring("2030-06-30", signed_at);

	assert_int_equal(load(text, &root.pub, signed_at, &err), KEYS_OK);
	assert_int_equal(load(text, &root.pub, end - 1, &err), KEYS_OK);
	assert_int_equal(load(text, &root.pub, end, &err), KEYS_E_EXPIRED);
	assert_non_null(strstr(err.msg, "expired at the end of 2030-06-30"));
	assert_int_equal(load(text, &root.pub, time(NULL) + 10LL * 366 * 86400, &err),
	    KEYS_E_EXPIRED);
	free(text);

	/* the calendar: leap days, month ends */
	assert_int_equal(day_start("2028-03-01") - day_start("2028-02-28"), 2 * 86400);
	assert_int_equal(day_start("2100-03-01") - day_start("2100-02-28"), 86400);
	assert_int_equal(day_start("2000-01-01"), 946684800);
	assert_int_equal(keys_date_end("2027-02-29", &end), -1);
	assert_int_equal(keys_date_end("2027-13-01", &end), -1);
	assert_int_equal(keys_date_end("2027-12-01x", &end), -1);
}

static void
test_keyring_malformed(void **state)
{
	static const struct {
		const char	*text;
		int		 code;
	} cases[] = {
		{ "", KEYS_E_MALFORMED },
		{ "{", KEYS_E_MALFORMED },
		{ "not json", KEYS_E_MALFORMED },
		{ "[]", KEYS_E_MALFORMED },
		{ "null", KEYS_E_MALFORMED },
		{ "{}", KEYS_E_MALFORMED },
		{ "{\"format\":\"showroom-keyring\"}", KEYS_E_FORMAT },
		{ "{\"format\":\"showroom-keyring\",\"version\":2}", KEYS_E_FORMAT },
		{ "{\"format\":\"showroom-keyring\",\"version\":\"1\"}", KEYS_E_FORMAT },
		{ "{\"format\":\"showroom-public-key\",\"version\":1}", KEYS_E_FORMAT },
		{ "{\"format\":\"showroom-keyring\",\"version\":1}", KEYS_E_UNSIGNED },
		{ "{\"format\":\"showroom-keyring\",\"format\":\"showroom-keyring\","
		  "\"version\":1}", KEYS_E_MALFORMED },
		{ "{\"format\":\"showroom-keyring\",\"version\":1} trailing", KEYS_E_MALFORMED },
		{ "{\"format\":\"showroom-keyring\",\"version\":1,\"signature\":\"x\"}",
		  KEYS_E_BADSIG },
	};
	struct keys_keyring kr;
	struct keys_error err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(keys_keyring_load(cases[i].text, strlen(cases[i].text),
		    &root.pub, time(NULL), &kr, &err), cases[i].code);
		assert_true(err.msg[0] != '\0');
		assert_null(kr.keys);
	}
	assert_int_equal(keys_keyring_load("{", 1, &root.pub, 0, &kr, &err), KEYS_E_MALFORMED);
	assert_non_null(strstr(err.msg, "not valid JSON"));
	/* an embedded NUL ends nothing early */
	assert_int_equal(keys_keyring_load("{}\0{}", 5, &root.pub, 0, &kr, &err),
	    KEYS_E_MALFORMED);
}

/*
 * A keyring made by hand the way keys.h documents it: jansson's sorted compact dump of
 * everything but "signature", signed with Ed25519. Also lets us sign what keyring sign
 * refuses to make, to check that the loader refuses it too.
 */
static char *
handmade(json_t *keys, const char *expires)
{
	unsigned char sig[crypto_sign_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:o}", "format", "showroom-keyring",
	    "version", 1, "issued", "2025-01-31T09:00:00Z", "expires", expires, "root_key_id",
	    root.pub.key_id, "keys", keys);
	char *canon, *text;

	assert_non_null(o);
	canon = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	crypto_sign_detached(sig, NULL, (unsigned char *)canon, strlen(canon),
	    root.sec->ed25519);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	json_object_set_new(o, "signature", json_string(b64));
	text = json_dumps(o, 0);
	free(canon);
	json_decref(o);
	return text;
}

/* The keyring entry for ID, parsed from its public file. */
static json_t *
entry(const struct keys_identity *id)
{
	struct keys_error err;
	char *text;
	size_t len;
	json_t *o;

	assert_int_equal(keys_public_dump(&id->pub, &text, &len, &err), KEYS_OK);
	o = json_loads(text, 0, NULL);
	free(text);
	json_object_del(o, "format");
	json_object_del(o, "version");
	json_object_del(o, "created");
	return o;
}

static void
test_keyring_handmade(void **state)
{
	struct keys_error err;
	time_t now = time(NULL);
	json_t *e;
	char *t;

#define TRY(keys, code) do {							\
	t = handmade(keys, FAR_FUTURE);						\
	assert_int_equal(load(t, &root.pub, now, &err), code);			\
	free(t);								\
} while (0)
	TRY(json_pack("[o,o]", entry(&hq), entry(&tky)), KEYS_OK);
	TRY(json_pack("[o,o,o]", entry(&hq), entry(&tky), entry(&hq)), KEYS_E_DUPLICATE);
	assert_non_null(strstr(err.msg, hq.pub.key_id));
	TRY(json_pack("[]"), KEYS_E_MALFORMED);
	TRY(json_pack("{}"), KEYS_E_MALFORMED);
	TRY(json_pack("[o,i]", entry(&hq), 5), KEYS_E_MALFORMED);
	TRY(json_pack("[o,o]", entry(&hq), entry(&root2)), KEYS_E_ROLE);

	e = entry(&tky);
	json_object_del(e, "dealer");
	TRY(json_pack("[o]", e), KEYS_E_ROLE);
	assert_non_null(strstr(err.msg, "keys[0]: "));

	e = entry(&tky);
	json_object_set_new(e, "key_id", json_string(osk.pub.key_id));
	TRY(json_pack("[o]", e), KEYS_E_KEYID);

	e = entry(&tky);
	json_object_set_new(e, "created", json_string("2025-01-31T09:00:00Z"));
	TRY(json_pack("[o]", e), KEYS_E_MALFORMED);

	/* the same keys again as another dealer: other key id, same public keys */
	e = entry(&tky);
	json_object_set_new(e, "dealer", json_string("ngo03"));
	{
		char id[200];

		snprintf(id, sizeof(id), "dealer-ngo03-%s", tky.pub.key_id + 13);
		json_object_set_new(e, "key_id", json_string(id));
	}
	TRY(json_pack("[o,o]", entry(&tky), e), KEYS_E_DUPLICATE);

	/* a signed keyring can still be expired, or carry a nonsense date */
	t = handmade(json_pack("[o]", entry(&hq)), "2020-01-01");
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_EXPIRED);
	free(t);
	t = handmade(json_pack("[o]", entry(&hq)), "someday");
	assert_int_equal(load(t, &root.pub, now, &err), KEYS_E_MALFORMED);
	free(t);
#undef TRY
}

/*
 * The commands, called as main() would, with argv arrays.
 */
static int
run(int (*fn)(int, char **), ...)
{
	char *argv[32];
	const char *a;
	va_list ap;
	int argc = 0, rc;

	va_start(ap, fn);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	rc = fn(argc, argv);
	fflush(stdout);
	while (argc > 0)
		free(argv[--argc]);
	return rc;
}

static void
test_cmd_keygen(void **state)
{
	struct keys_identity got;
	struct keys_error err;
	struct stat st;
	int fd;

	assert_int_equal(run(cmd_keygen, "keygen", "--help", NULL), 0);
	assert_int_equal(run(cmd_keygen, "keygen", NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "boss", "--name", "Example",
	    "--out", tpath("c-x"), NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "dealer", "--name", "Example",
	    "--out", tpath("c-x"), NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--dealer", "tky01",
	    "--name", "Example", "--out", tpath("c-x"), NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "dealer", "--dealer", "TKY 01",
	    "--name", "Example", "--out", tpath("c-x"), NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Bad\tName",
	    "--out", tpath("c-x"), NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example",
	    "--out", tpath("c-x"), "extra", NULL), EXIT_USAGE);
	assert_int_equal(stat(tpath("c-x.secret"), &st), -1);
	/* a short passphrase: refused, unless asked for explicitly (make demo's "demo") */
	setenv(KEYS_PASS_ENV, "demo", 1);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example",
	    "--out", tpath("c-weak"), NULL), 1);
	assert_int_equal(stat(tpath("c-weak.secret"), &st), -1);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example",
	    "--out", tpath("c-weak"), "--weak-passphrase-for-demo", NULL), 0);
	assert_int_equal(stat(tpath("c-weak.secret"), &st), 0);
	setenv(KEYS_PASS_ENV, PASS, 1);

	assert_int_equal(run(cmd_keygen, "keygen", "--role", "root", "--name",
	    "Example Brand Root", "--out", tpath("c-root"), NULL), 0);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example HQ",
	    "--out", tpath("c-hq"), NULL), 0);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "dealer", "--dealer", "tky01",
	    "--name", "Example Dealer Tokyo", "-o", tpath("c-tky"), NULL), 0);
	assert_int_equal(stat(tpath("c-tky.secret"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* existing files stay unless --force */
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example HQ",
	    "--out", tpath("c-hq"), NULL), 1);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example HQ 2",
	    "--out", tpath("c-hq2"), NULL), 0);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example HQ 2",
	    "--out", tpath("c-hq2"), "--force", NULL), 0);

	assert_int_equal(keys_secret_open(tpath("c-tky"), PASS, &got, &err), KEYS_OK);
	assert_string_equal(got.pub.dealer, "tky01");
	keys_identity_free(&got);

	setenv(KEYS_PASS_ENV, "short", 1);
	assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example",
	    "--out", tpath("c-short"), NULL), 1);
	unsetenv(KEYS_PASS_ENV);
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY)) == -1)
		assert_int_equal(run(cmd_keygen, "keygen", "--role", "hq", "--name", "Example",
		    "--out", tpath("c-notty"), NULL), 1);
	else
		close(fd);
	setenv(KEYS_PASS_ENV, PASS, 1);
	assert_int_equal(stat(tpath("c-short.secret"), &st), -1);
}

static void
test_cmd_keyring(void **state)
{
	struct keys_public rpub;
	struct keys_keyring kr;
	struct keys_error err;
	char *text, *t;

	assert_int_equal(run(cmd_keyring, "keyring", NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keyring, "keyring", "--help", NULL), 0);
	assert_int_equal(run(cmd_keyring, "keyring", "frobnicate", NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--help", NULL), 0);
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root.secret"),
	    "--expires", FAR_FUTURE, tpath("c-hq.public"), NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root.secret"),
	    "--expires", "2001-01-01", "-o", tpath("c-ring.json"), tpath("c-hq.public"), NULL),
	    EXIT_USAGE);
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root.secret"),
	    "--expires", FAR_FUTURE, "-o", tpath("c-ring.json"), NULL), EXIT_USAGE);

	/* the root key must not be listed; public files must be readable */
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root.secret"),
	    "--expires", FAR_FUTURE, "-o", tpath("c-ring.json"), tpath("c-hq.public"),
	    tpath("c-root.public"), NULL), 1);
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root.secret"),
	    "--expires", FAR_FUTURE, "-o", tpath("c-ring.json"), tpath("c-hq.public"),
	    tpath("missing.public"), NULL), 1);
	/* not the root, or the wrong passphrase */
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-hq.secret"),
	    "--expires", FAR_FUTURE, "-o", tpath("c-ring.json"), tpath("c-tky.public"), NULL),
	    1);
	setenv(KEYS_PASS_ENV, "not the passphrase", 1);
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root.secret"),
	    "--expires", FAR_FUTURE, "-o", tpath("c-ring.json"), tpath("c-hq.public"), NULL),
	    1);
	setenv(KEYS_PASS_ENV, PASS, 1);
	assert_int_equal(access(tpath("c-ring.json"), F_OK), -1);

	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root.secret"),
	    "--expires", FAR_FUTURE, "-o", tpath("c-ring.json"), tpath("c-hq.public"),
	    tpath("c-tky.public"), tpath("c-hq2.public"), NULL), 0);
	/* ROOT without .secret works too */
	assert_int_equal(run(cmd_keyring, "keyring", "sign", "--root", tpath("c-root"),
	    "--expires", FAR_FUTURE, "--out", tpath("c-ring2.json"), tpath("c-hq.public"),
	    NULL), 0);

	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("c-root.public"), tpath("c-ring.json"), NULL), 0);
	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("c-root.public"), "--at", "2099-12-31", tpath("c-ring.json"), NULL), 0);
	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("c-root.public"), "--at", "2100-01-01", tpath("c-ring.json"), NULL), 1);
	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("c-root.public"), "--at", "soon", tpath("c-ring.json"), NULL), EXIT_USAGE);
	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("c-hq.public"), tpath("c-ring.json"), NULL), 1);
	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("root.public"), tpath("c-ring.json"), NULL), 1);
	assert_int_equal(run(cmd_keyring, "keyring", "verify", tpath("c-ring.json"), NULL),
	    EXIT_USAGE);
	assert_int_equal(run(cmd_keyring, "keyring", "show", tpath("c-ring.json"), NULL), 0);
	assert_int_equal(run(cmd_keyring, "keyring", "show", NULL), EXIT_USAGE);

	/* what the command wrote is what the server will accept */
	assert_int_equal(keys_public_read(tpath("c-root.public"), &rpub, &err), KEYS_OK);
	assert_int_equal(keys_keyring_read(tpath("c-ring.json"), &rpub, time(NULL), &kr, &err),
	    KEYS_OK);
	assert_int_equal(kr.nkeys, 3);
	assert_int_equal(keys_keyring_hq(&kr, NULL, 0), 2);
	keys_keyring_free(&kr);

	/* tampered and malformed files */
	text = slurp(tpath("c-ring.json"), NULL);
	t = replace(text, "Example Dealer Tokyo", "Example Dealer Kyoto");
	spit(tpath("c-bad.json"), t);
	free(t);
	free(text);
	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("c-root.public"), tpath("c-bad.json"), NULL), 1);
	assert_int_equal(keys_keyring_read(tpath("c-bad.json"), &rpub, time(NULL), &kr, &err),
	    KEYS_E_BADSIG);
	assert_non_null(strstr(err.msg, "c-bad.json: "));
	assert_int_equal(run(cmd_keyring, "keyring", "show", tpath("c-bad.json"), NULL), 0);
	spit(tpath("c-bad.json"), "{\"format\":");
	assert_int_equal(run(cmd_keyring, "keyring", "verify", "--root-pub",
	    tpath("c-root.public"), tpath("c-bad.json"), NULL), 1);
	assert_int_equal(run(cmd_keyring, "keyring", "show", tpath("c-bad.json"), NULL), 1);
	assert_int_equal(run(cmd_keyring, "keyring", "show", tpath("nothing.json"), NULL), 1);
}

/* A privacy officer's key: in the keyring, signs requests, never a recipient. */
static void
test_privacy_role(void **state)
{
	struct keys_identity pv, got;
	struct keys_public keys[3] = { hq.pub, tky.pub };
	const struct keys_public *out[4];
	struct keys_keyring kr;
	struct keys_error err;
	time_t now = time(NULL);
	char *text, pfx[300];
	size_t len;

	assert_int_equal(keys_role_parse("privacy"), KEYS_ROLE_PRIVACY);
	assert_string_equal(keys_role_name(KEYS_ROLE_PRIVACY), "privacy");
	gen(&pv, KEYS_ROLE_PRIVACY, NULL, "Example Privacy Officer");
	assert_int_equal(strncmp(pv.pub.key_id, "privacy-", 8), 0);
	/* no dealer code on a privacy key */
	assert_int_equal(keys_generate(KEYS_ROLE_PRIVACY, "tky01", "Example", now, &got,
	    &err), KEYS_E_INVALID);
	/* saved, opened again with its passphrase */
	snprintf(pfx, sizeof(pfx), "%s", tpath("pv"));
	assert_int_equal(keys_identity_save(pfx, &pv, PASS, 0, &err), KEYS_OK);
	assert_int_equal(keys_secret_open(pfx, PASS, &got, &err), KEYS_OK);
	assert_int_equal(got.pub.role, KEYS_ROLE_PRIVACY);
	keys_identity_free(&got);
	/* a keyring may list it; it is neither an hq nor a dealer recipient */
	keys[2] = pv.pub;
	assert_int_equal(keys_keyring_sign(&root, keys, 3, FAR_FUTURE, now, &text, &len, &err),
	    KEYS_OK);
	assert_int_equal(keys_keyring_load(text, len, &root.pub, now, &kr, &err), KEYS_OK);
	assert_int_equal(kr.nkeys, 3);
	assert_int_equal(keys_keyring_find(&kr, pv.pub.key_id)->role, KEYS_ROLE_PRIVACY);
	assert_int_equal(keys_keyring_hq(&kr, out, 4), 1);
	assert_string_equal(out[0]->key_id, hq.pub.key_id);
	keys_keyring_free(&kr);
	free(text);
	keys_identity_free(&pv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keygen_roundtrip),
		cmocka_unit_test(test_generate_invalid),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_tampered_secret),
		cmocka_unit_test(test_secret_public_mismatch),
		cmocka_unit_test(test_public_load),
		cmocka_unit_test(test_keyring_sign_verify),
		cmocka_unit_test(test_keyring_sign_refuses),
		cmocka_unit_test(test_keyring_tampered),
		cmocka_unit_test(test_keyring_expired),
		cmocka_unit_test(test_keyring_malformed),
		cmocka_unit_test(test_keyring_handmade),
		cmocka_unit_test(test_cmd_keygen),
		cmocka_unit_test(test_cmd_keyring),
		cmocka_unit_test(test_privacy_role),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
