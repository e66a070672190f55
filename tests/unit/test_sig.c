/*
 * HTTP Message Signatures and Content-Digest: the RFC 9421 B.2.6 vector, the server's
 * verification rules one by one, tampering, several labels, malformed headers, and
 * sign/verify round trips with random keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "lib/buf.h"
#include "seal/sig.h"
#include "vectors.h"

#define VECTOR_FILE	"tests/vectors/rfc9421-b26.txt"
#define T0		1700000000	/* "now" in the rule tests */
#define MAXHDR		16

/* Ran and passed: checked last, so that a vector file that vanished can never pass. */
static int	vector_checked;

struct key {
	const char	*keyid;
	unsigned char	 pk[SIG_PUBLICKEYBYTES];
	unsigned char	 sk[SIG_SECRETKEYBYTES];
};

struct keyring {
	const struct key	*keys;
	size_t			 n;
};

/* A request under test, with room for the headers a signature adds. */
struct treq {
	struct sig_request	r;
	struct sig_header	h[MAXHDR];
	struct buf		si, sg, cd;
};

static int
ring_lookup(void *arg, const char *keyid, unsigned char pk[SIG_PUBLICKEYBYTES])
{
	const struct keyring *kr = arg;
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (strcmp(kr->keys[i].keyid, keyid) == 0) {
			memcpy(pk, kr->keys[i].pk, SIG_PUBLICKEYBYTES);
			return 0;
		}
	return -1;
}

static void
key_new(struct key *k, const char *keyid)
{
	k->keyid = keyid;
	crypto_sign_ed25519_keypair(k->pk, k->sk);
}

static void
treq_add(struct treq *t, const char *name, const char *value)
{
	assert_true(t->r.nheaders < MAXHDR);
	t->h[t->r.nheaders].name = name;
	t->h[t->r.nheaders].value = value;
	t->h[t->r.nheaders].valuelen = 0;
	t->r.nheaders++;
}

/* Replaces the value of the first header named name. */
static void
treq_set(struct treq *t, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < t->r.nheaders; i++)
		if (strcasecmp(t->h[i].name, name) == 0) {
			t->h[i].value = value;
			return;
		}
	fail_msg("no header %s", name);
}

static void
treq_init(struct treq *t)
{
	memset(t, 0, sizeof(*t));
	t->r.headers = t->h;
	t->r.scheme = "https";
	t->r.authority = "api.example.com";
}

static void
treq_get(struct treq *t)
{
	treq_init(t);
	t->r.method = "GET";
	t->r.path = "/api/v1/inbox";
	t->r.query = "after=abc&limit=10";
	treq_add(t, "Host", "api.example.com");
	treq_add(t, "Date", "Tue, 14 Nov 2023 22:13:20 GMT");
	treq_add(t, "Accept", "application/json");
}

static void
treq_post(struct treq *t, const char *body)
{
	treq_init(t);
	t->r.method = "POST";
	t->r.path = "/api/v1/ack";
	t->r.body = body;
	t->r.bodylen = strlen(body);
	assert_int_equal(content_digest_compute(body, strlen(body), &t->cd),
	    SIG_OK);
	treq_add(t, "Host", "api.example.com");
	treq_add(t, "Content-Type", "application/json");
	treq_add(t, "Content-Digest", t->cd.data);
}

static void
treq_free(struct treq *t)
{
	buf_free(&t->si);
	buf_free(&t->sg);
	buf_free(&t->cd);
}

static const char *const comps_get[] = {
	"@method", "@authority", "@path", "@query", "date"
};
static const char *const comps_post[] = {
	"@method", "@authority", "@path", "@query", "content-type",
	"content-digest"
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Signs t as label with k and the server's parameters; returns what sig_sign returned. */
static int
treq_sign(struct treq *t, const char *label, const struct key *k,
    const char *const *comps, size_t ncomps, int64_t created, const char *nonce)
{
	struct sig_sign_params sp;

	memset(&sp, 0, sizeof(sp));
	sp.label = label;
	sp.components = comps;
	sp.ncomponents = ncomps;
	sp.created = created;
	sp.keyid = k->keyid;
	sp.nonce = nonce;
	sp.alg = "ed25519";
	return sig_sign(&t->r, &sp, k->sk, &t->si, &t->sg);
}

/* Adds the Signature-Input and Signature headers made by treq_sign. */
static void
treq_attach(struct treq *t)
{
	treq_add(t, "Signature-Input", t->si.data);
	treq_add(t, "Signature", t->sg.data);
}

static int
treq_verify(struct treq *t, const char *label, const struct key *k,
    int64_t now, struct sig_result *res)
{
	struct keyring kr = { k, 1 };

	return sig_verify(&t->r, label, ring_lookup, &kr, now, SIG_MAX_SKEW,
	    NULL, 0, res);
}

/* --- the RFC 9421 B.2.6 vector ------------------------------------------------------- */

static struct vec_section *
vsection(struct vec_file *f, const char *name)
{
	struct vec_section *s = vec_section(f, name);

	if (s == NULL)
		fail_msg("%s: no section [%s]", VECTOR_FILE, name);
	return s;
}

/* Header lines "Name: value", split in place in hdr. */
#define VEC_HDR_MAX	128

/* "https://example.com/foo?param=Value&Pet=dog" into the request's parts. */
static void
vector_request(struct vec_section *jreq, struct treq *t, char *uri,
    char hdr[][VEC_HDR_MAX])
{
	const char *line;
	char key[32], *p, *q;
	size_t i, n, len;

	treq_init(t);
	t->r.method = vec_str(jreq, "method", NULL);
	assert_non_null(p = strstr(uri, "://"));
	*p = '\0';
	t->r.scheme = uri;
	t->r.authority = p + 3;
	assert_non_null(q = strchr(p + 3, '/'));
	memmove(q + 1, q, strlen(q) + 1);	/* room for the authority's NUL */
	*q++ = '\0';
	t->r.path = q;
	if ((p = strchr(q, '?')) != NULL) {
		*p = '\0';
		t->r.query = p + 1;
	}
	for (n = 0;; n++) {
		snprintf(key, sizeof(key), "header_%zu", n + 1);
		if (!vec_has(jreq, key))
			break;
		assert_true(n < MAXHDR - 2);	/* room for the signature's two */
		line = vec_str(jreq, key, &len);
		assert_true(len < VEC_HDR_MAX);
		memcpy(hdr[n], line, len + 1);
		assert_non_null(p = strstr(hdr[n], ": "));
		*p = '\0';
		treq_add(t, hdr[n], p + 2);
	}
	assert_true(n > 0);
	t->r.body = vec_str(jreq, "body", &t->r.bodylen);
	/* The body is the one whose length the request states. */
	for (i = 0; i < n; i++)
		if (strcasecmp(t->h[i].name, "Content-Length") == 0)
			assert_int_equal(strtoul(t->h[i].value, NULL, 10),
			    t->r.bodylen);
}

static void
test_vector_b26(void **state)
{
	struct vec_file *v = vec_load(VECTOR_FILE);
	struct vec_section *jkey, *jreq, *jsig, *ex;
	const char *si, *sg, *base, *eq, *b64;
	struct sig_input in;
	struct sig_sign_params sp;
	struct treq t;
	struct buf b = BUF_INIT, osi = BUF_INIT, osg = BUF_INIT;
	struct key k;
	struct keyring kr = { &k, 1 };
	struct sig_result res;
	unsigned char sig[SIG_BYTES], seed[32], pk64[64];
	char uri[256], hdr[MAXHDR][VEC_HDR_MAX], name[32];
	const char *comps[SIG_MAX_COMPONENTS];
	size_t i, n;

	jkey = vsection(v, "key");
	jreq = vsection(v, "request");
	jsig = vsection(v, "signature");
	si = vec_str(jsig, "signature_input", NULL);
	sg = vec_str(jsig, "signature", NULL);
	base = vec_str(jsig, "signature_base", NULL);
	assert_true(strlen(vec_str(jreq, "target_uri", NULL)) < sizeof(uri) - 1);
	strcpy(uri, vec_str(jreq, "target_uri", NULL));
	vector_request(jreq, &t, uri, hdr);

	/* The base, byte for byte. */
	assert_int_equal(sig_parse_input(si, strlen(si), NULL, &in), SIG_OK);
	assert_string_equal(in.label, "sig-b26");
	assert_non_null(eq = strchr(si, '='));
	assert_string_equal(in.params, eq + 1);
	assert_int_equal(sig_base_build(&t.r, &in, &b), SIG_OK);
	assert_string_equal(b.data, base);

	/* The signature, with the given public key (hex and base64url agree). */
	assert_string_equal(vec_str(jkey, "alg", NULL), "ed25519");
	vec_hex_len(jkey, "public_hex", k.pk, sizeof(k.pk));
	b64 = vec_str(jkey, "public_base64url", NULL);
	assert_int_equal(sodium_base642bin(pk64, sizeof(pk64), b64, strlen(b64),
	    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(n, SIG_PUBLICKEYBYTES);
	assert_memory_equal(pk64, k.pk, SIG_PUBLICKEYBYTES);
	assert_int_equal(sig_parse_signature(sg, strlen(sg), "sig-b26", sig),
	    SIG_OK);
	assert_int_equal(crypto_sign_ed25519_verify_detached(sig,
	    (const unsigned char *)b.data, b.len, k.pk), 0);

	/* The same signature again by signing: Ed25519 is deterministic. */
	vec_hex_len(jkey, "private_seed_hex", seed, sizeof(seed));
	b64 = vec_str(jkey, "private_seed_base64url", NULL);
	assert_int_equal(sodium_base642bin(pk64, sizeof(pk64), b64, strlen(b64),
	    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(n, sizeof(seed));
	assert_memory_equal(pk64, seed, sizeof(seed));
	crypto_sign_ed25519_seed_keypair(pk64, k.sk, seed);
	assert_memory_equal(pk64, k.pk, SIG_PUBLICKEYBYTES);
	for (i = 0; i < in.ncomponents; i++)
		comps[i] = in.components[i];
	memset(&sp, 0, sizeof(sp));
	sp.label = "sig-b26";
	sp.components = comps;
	sp.ncomponents = in.ncomponents;
	sp.created = in.created;
	sp.keyid = vec_str(jkey, "keyid", NULL);
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &osi, &osg), SIG_OK);
	assert_string_equal(osi.data, si);
	assert_string_equal(osg.data, sg);

	/*
	 * Through sig_verify: everything up to our own rules holds, and the vector has no
	 * nonce, which our server requires.
	 */
	k.keyid = sp.keyid;
	treq_add(&t, "Signature-Input", si);
	treq_add(&t, "Signature", sg);
	assert_int_equal(sig_verify(&t.r, NULL, ring_lookup, &kr, in.created,
	    SIG_MAX_SKEW, comps, in.ncomponents, &res), SIG_ENONONCE);
	assert_string_equal(res.keyid, "test-key-ed25519");
	assert_int_equal(res.created, 1618884473);

	/* Content-Digest examples: "content digest 1", 2, ... */
	for (i = 0;; i++) {
		const char *body, *cd;
		size_t bodylen;

		snprintf(name, sizeof(name), "content digest %zu", i + 1);
		if ((ex = vec_section(v, name)) == NULL)
			break;
		body = vec_str(ex, "body", &bodylen);
		cd = vec_str(ex, "content_digest", NULL);
		buf_reset(&b);
		assert_int_equal(content_digest_compute(body, bodylen, &b),
		    SIG_OK);
		assert_string_equal(b.data, cd);
		assert_int_equal(content_digest_verify(cd, strlen(cd), body,
		    bodylen), SIG_OK);
		assert_int_equal(content_digest_verify(cd, strlen(cd), body,
		    bodylen - 1), SIG_EDIGEST);
	}
	assert_true(i > 0);
	print_message("rfc9421 B.2.6: base, signature and %zu content digest(s) "
	    "checked\n", i);
	buf_free(&b);
	buf_free(&osi);
	buf_free(&osg);
	treq_free(&t);
	/* Every value in the file was read: none was left unchecked. */
	vec_close(v);
	vector_checked = 1;
}

/* --- round trips ----------------------------------------------------------------------- */

static void
test_roundtrip_get(void **state)
{
	struct treq t;
	struct key k;
	struct sig_result res;
	char nonce[33];
	unsigned char rnd[16];

	key_new(&k, "hq-2024");
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(nonce, sizeof(nonce), rnd, sizeof(rnd));
	treq_get(&t);
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_get, NELEM(comps_get),
	    T0, nonce), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 + 10, &res), SIG_OK);
	assert_string_equal(res.label, "sig1");
	assert_string_equal(res.keyid, "hq-2024");
	assert_string_equal(res.nonce, nonce);
	assert_int_equal(res.created, T0);
	assert_false(res.has_expires);
	/* The host's case and a default port do not matter (RFC 9110 4.2.3). */
	t.r.authority = "API.Example.com:443";
	assert_int_equal(treq_verify(&t, "sig1", &k, T0, &res), SIG_OK);
	treq_free(&t);
}

static void
test_roundtrip_post(void **state)
{
	struct treq t;
	struct key k;
	struct sig_result res;
	static const char *const nocd[] = {
		"@method", "@authority", "@path", "@query", "content-type"
	};

	key_new(&k, "dealer-0042");
	treq_post(&t, "{\"ids\":[\"r1\",\"r2\"]}");
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_post,
	    NELEM(comps_post), T0, "n-post-1"), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_OK);
	assert_string_equal(res.nonce, "n-post-1");

	/* A different body under the same headers. */
	t.r.body = "{\"ids\":[\"r1\",\"r3\"]}";
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EDIGEST);
	t.r.bodylen--;
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EDIGEST);
	treq_free(&t);

	/* A body whose digest the signature does not cover. */
	treq_post(&t, "{\"ids\":[]}");
	assert_int_equal(treq_sign(&t, "sig1", &k, nocd, NELEM(nocd), T0, "n2"),
	    SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENOTCOVERED);
	treq_free(&t);

	/* Covered, but the header is gone: signing and verifying both refuse. */
	treq_post(&t, "{}");
	t.h[2].name = "X-Other";	/* was Content-Digest */
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_post,
	    NELEM(comps_post), T0, "n3"), SIG_ENOHEADER);
	assert_null(t.si.data);
	assert_null(t.sg.data);
	treq_free(&t);
}

/* --- tampering ------------------------------------------------------------------------- */

static void
test_tamper(void **state)
{
	struct treq t;
	struct key k;
	struct sig_result res;

	key_new(&k, "hq");
	treq_get(&t);
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_get, NELEM(comps_get),
	    T0, "n1"), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_OK);

	t.r.method = "DELETE";
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.method = "get";
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.method = "GET";

	t.r.path = "/api/v1/inbox/";
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.path = "/api/v1/inbox";

	t.r.query = "after=abc&limit=1000";
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.query = NULL;
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.query = "after=abc&limit=10";

	t.r.authority = "evil.example.com";
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.authority = "api.example.com:8443";
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.authority = "api.example.com";

	treq_set(&t, "Date", "Tue, 14 Nov 2023 22:13:21 GMT");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	/* Surrounding whitespace is not part of a field value. */
	treq_set(&t, "Date", "  Tue, 14 Nov 2023 22:13:20 GMT\t");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_OK);
	/* A second Date line changes the value. */
	treq_add(&t, "date", "x");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	t.r.nheaders--;
	/* A line break smuggled into a value never reaches the base. */
	treq_set(&t, "Date", "Tue\n\"@method\": GET");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EVALUE);
	treq_set(&t, "Date", "Tue, 14 Nov 2023 22:13:20 GMT");

	/* An uncovered header may change. */
	treq_set(&t, "Accept", "text/html");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_OK);

	/* Another key cannot have made it. */
	key_new(&k, "hq");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EBADSIG);
	treq_free(&t);
}

/* --- the server's rules ---------------------------------------------------------------- */

static void
test_created_window(void **state)
{
	struct treq t;
	struct key k;
	struct sig_result res;
	struct sig_sign_params sp;

	key_new(&k, "hq");
	treq_get(&t);
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_get, NELEM(comps_get),
	    T0, "n1"), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 + 300, &res), SIG_OK);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 - 300, &res), SIG_OK);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 + 301, &res), SIG_EOLD);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 + 86400, &res), SIG_EOLD);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 - 301, &res), SIG_EFUTURE);
	assert_string_equal(sig_strerror(SIG_EOLD), "created too old");
	treq_free(&t);

	/* expires in the past, and expires before created */
	treq_get(&t);
	memset(&sp, 0, sizeof(sp));
	sp.label = "sig1";
	sp.components = comps_get;
	sp.ncomponents = NELEM(comps_get);
	sp.created = T0;
	sp.expires = T0 + 60;
	sp.has_expires = 1;
	sp.keyid = "hq";
	sp.nonce = "n2";
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_OK);
	assert_non_null(strstr(t.si.data, ";created=1700000000;expires=1700000060;"));
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 + 60, &res), SIG_OK);
	assert_true(res.has_expires);
	assert_int_equal(res.expires, T0 + 60);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 + 61, &res),
	    SIG_EEXPIRED);
	treq_free(&t);

	treq_get(&t);
	sp.expires = T0 - 1;
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0 - 2, &res), SIG_EEXPIRED);
	treq_free(&t);

	/* no created at all */
	treq_get(&t);
	treq_add(&t, "Signature-Input",
	    "sig1=(\"@method\" \"@authority\" \"@path\" \"@query\");keyid=\"hq\";nonce=\"n\"");
	treq_add(&t, "Signature", "sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==:");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENOCREATED);
	treq_free(&t);
}

static void
test_nonce_required(void **state)
{
	struct treq t;
	struct key k;
	struct sig_result res;

	key_new(&k, "hq");
	treq_get(&t);
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_get, NELEM(comps_get),
	    T0, NULL), SIG_OK);
	assert_null(strstr(t.si.data, "nonce"));
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENONONCE);
	assert_string_equal(sig_strerror(SIG_ENONONCE), "nonce missing");
	treq_free(&t);

	treq_get(&t);
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_get, NELEM(comps_get),
	    T0, ""), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENONONCE);
	treq_free(&t);
}

static void
test_keyid(void **state)
{
	struct treq t;
	struct key k, other;
	struct sig_result res;

	key_new(&k, "dealer-7");
	key_new(&other, "dealer-8");
	treq_get(&t);
	assert_int_equal(treq_sign(&t, "sig1", &k, comps_get, NELEM(comps_get),
	    T0, "n1"), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &other, T0, &res), SIG_EKEYID);
	/* keyid is known even on failure, for the log line */
	assert_string_equal(res.keyid, "dealer-7");
	treq_free(&t);

	/* no keyid at all */
	treq_get(&t);
	treq_add(&t, "Signature-Input",
	    "sig1=(\"@method\" \"@authority\" \"@path\" \"@query\");created=1700000000;nonce=\"n\"");
	treq_add(&t, "Signature", "sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==:");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENOKEYID);
	treq_free(&t);
}

static void
test_required_components(void **state)
{
	static const char *const noquery[] = {
		"@method", "@authority", "@path", "date"
	};
	static const char *const needdate[] = {
		"@method", "@authority", "@path", "@query", "date"
	};
	static const char *const needaccept[] = { "@method", "accept" };
	struct treq t;
	struct key k;
	struct keyring kr = { &k, 1 };
	struct sig_result res;

	key_new(&k, "hq");
	treq_get(&t);
	assert_int_equal(treq_sign(&t, "sig1", &k, noquery, NELEM(noquery),
	    T0, "n1"), SIG_OK);
	treq_attach(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENOTCOVERED);
	/* with the caller's own list */
	assert_int_equal(sig_verify(&t.r, NULL, ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, noquery, NELEM(noquery), &res), SIG_OK);
	assert_int_equal(sig_verify(&t.r, NULL, ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, needdate, NELEM(needdate), &res), SIG_ENOTCOVERED);
	assert_int_equal(sig_verify(&t.r, NULL, ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, needaccept, NELEM(needaccept), &res),
	    SIG_ENOTCOVERED);
	/* a body makes content-digest required whatever the list says */
	t.r.body = "";
	assert_int_equal(sig_verify(&t.r, NULL, ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, noquery, NELEM(noquery), &res), SIG_ENOTCOVERED);
	treq_free(&t);
}

static void
test_alg(void **state)
{
	static const char *const bad[] = {
		"sig1=(\"@method\" \"@authority\" \"@path\" \"@query\");created=1700000000;keyid=\"hq\";nonce=\"n\";alg=\"rsa-pss-sha512\"",
		"sig1=(\"@method\" \"@authority\" \"@path\" \"@query\");created=1700000000;keyid=\"hq\";nonce=\"n\";alg=\"hmac-sha256\"",
		"sig1=(\"@method\" \"@authority\" \"@path\" \"@query\");created=1700000000;keyid=\"hq\";nonce=\"n\";alg=\"ED25519\"",
		"sig1=(\"@method\" \"@authority\" \"@path\" \"@query\");created=1700000000;keyid=\"hq\";nonce=\"n\";alg=\"\""
	};
	struct treq t;
	struct key k;
	struct sig_result res;
	struct sig_sign_params sp;
	size_t i;

	key_new(&k, "hq");
	for (i = 0; i < NELEM(bad); i++) {
		treq_get(&t);
		treq_add(&t, "Signature-Input", bad[i]);
		treq_add(&t, "Signature", "sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==:");
		assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_EALG);
		treq_free(&t);
	}
	/* and we never sign with another */
	treq_get(&t);
	memset(&sp, 0, sizeof(sp));
	sp.label = "sig1";
	sp.components = comps_get;
	sp.ncomponents = NELEM(comps_get);
	sp.keyid = "hq";
	sp.alg = "rsa-v1_5-sha256";
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_EARG);
	treq_free(&t);
}

/* --- several labels -------------------------------------------------------------------- */

static void
test_multiple_labels(void **state)
{
	struct treq t;
	struct key k[2];
	struct keyring kr = { k, 2 };
	struct sig_result res;
	char *si, *comma;

	key_new(&k[0], "hq");
	key_new(&k[1], "proxy");
	treq_get(&t);
	assert_int_equal(treq_sign(&t, "hq-sig", &k[0], comps_get,
	    NELEM(comps_get), T0, "n-hq"), SIG_OK);
	assert_int_equal(treq_sign(&t, "proxy", &k[1], comps_get, 4, T0 + 1,
	    "n-proxy"), SIG_OK);
	assert_non_null(strstr(t.si.data, "\", proxy=(\"@method\""));
	treq_attach(&t);

	assert_int_equal(sig_verify(&t.r, "hq-sig", ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, NULL, 0, &res), SIG_OK);
	assert_string_equal(res.keyid, "hq");
	assert_int_equal(sig_verify(&t.r, "proxy", ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, NULL, 0, &res), SIG_OK);
	assert_string_equal(res.keyid, "proxy");
	assert_string_equal(res.nonce, "n-proxy");
	assert_int_equal(sig_verify(&t.r, NULL, ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, NULL, 0, &res), SIG_OK);
	assert_string_equal(res.label, "hq-sig");
	assert_int_equal(sig_verify(&t.r, "other", ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, NULL, 0, &res), SIG_ELABEL);
	/* With only the proxy's key known, the hq signature names an unknown key. */
	kr.keys = &k[1];
	kr.n = 1;
	assert_int_equal(sig_verify(&t.r, "hq-sig", ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, NULL, 0, &res), SIG_EKEYID);
	kr.keys = k;
	kr.n = 2;

	/* The same Signature-Input as two field lines is one dictionary. */
	t.r.nheaders -= 2;
	assert_non_null(si = strdup(t.si.data));
	assert_non_null(comma = strstr(si, ", proxy="));
	*comma = '\0';
	treq_add(&t, "Signature-Input", si);
	treq_add(&t, "Signature", t.sg.data);
	treq_add(&t, "signature-input", comma + 2);
	assert_int_equal(sig_verify(&t.r, "proxy", ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, NULL, 0, &res), SIG_OK);

	/* Signature without the label that Signature-Input has. */
	t.h[t.r.nheaders - 2].value = "hq-sig=:AAAA:";
	assert_int_equal(sig_verify(&t.r, "proxy", ring_lookup, &kr, T0,
	    SIG_MAX_SKEW, NULL, 0, &res), SIG_ELABEL);
	free(si);
	treq_free(&t);
}

/* --- malformed input ------------------------------------------------------------------- */

struct bad {
	const char	*hdr;
	int		 want;
};

static void
test_malformed_input(void **state)
{
	static const struct bad bad[] = {
		{ "", SIG_ELABEL },
		{ "sig1", SIG_ETYPE },
		{ "sig1=", SIG_ESYNTAX },
		{ "sig1=(", SIG_ESYNTAX },
		{ "sig1=(\"@method\"", SIG_ESYNTAX },
		{ "sig1=(\"@method\"\"@path\")", SIG_ESYNTAX },
		{ "sig1=(\"@method\")created=1", SIG_ESYNTAX },
		{ "sig1=(\"@method\");created=1,", SIG_ESYNTAX },
		{ "sig1=(\"@method\");created=1;;", SIG_ESYNTAX },
		{ "Sig1=(\"@method\")", SIG_ESYNTAX },
		{ "1sig=(\"@method\")", SIG_ESYNTAX },
		{ "sig1=(@method)", SIG_ESYNTAX },
		{ "sig1=(method)", SIG_ETYPE },
		{ "sig1=(\"@method\" \"@method\")", SIG_EDUPCOMP },
		{ "sig1=(\"date\" \"@path\" \"date\")", SIG_EDUPCOMP },
		{ "sig1=(\"@unknown\")", SIG_ECOMPONENT },
		{ "sig1=(\"@signature-params\")", SIG_ECOMPONENT },
		{ "sig1=(\"@status\")", SIG_ECOMPONENT },
		{ "sig1=(\"Content-Type\")", SIG_ECOMPONENT },
		{ "sig1=(\"\")", SIG_ECOMPONENT },
		{ "sig1=(\"a b\")", SIG_ECOMPONENT },
		{ "sig1=(\"@query-param\";name=\"a\")", SIG_ECOMPPARAM },
		{ "sig1=(\"content-type\";sf)", SIG_ECOMPPARAM },
		{ "sig1=(\"example-dict\";key=\"a\")", SIG_ECOMPPARAM },
		{ "sig1=(\"x-bin\";bs)", SIG_ECOMPPARAM },
		{ "sig1=(\"@method\";req)", SIG_ECOMPPARAM },
		{ "sig1=(\"x-trailer\";tr)", SIG_ECOMPPARAM },
		{ "sig1=(\"@method\");created=\"1\"", SIG_EPARAM },
		{ "sig1=(\"@method\");created=1.5", SIG_EPARAM },
		{ "sig1=(\"@method\");created", SIG_EPARAM },
		{ "sig1=(\"@method\");keyid=hq", SIG_EPARAM },
		{ "sig1=(\"@method\");nonce=:AAAA:", SIG_EPARAM },
		{ "sig1=(\"@method\");foo=1", SIG_EPARAM },
		{ "sig1=(\"@method\");created=1;created=2", SIG_EDUPKEY },
		{ "sig1=(\"@method\"), sig1=(\"@path\")", SIG_EDUPKEY },
		{ "sig1=(\"@method\");created=1234567890123456", SIG_ESYNTAX },
		{ "sig1=(\"@method\");created=-", SIG_ESYNTAX },
		{ "sig1=(\"@method\");created=1.", SIG_ESYNTAX },
		{ "sig1=(\"@method\");created=?2", SIG_ESYNTAX },
		{ "sig1=(\"@method\");created=@1618884473", SIG_ESYNTAX },
		{ "sig1=(\"@method\");keyid=%\"x\"", SIG_ESYNTAX },
		{ "sig1=(\"a\\qb\")", SIG_ESYNTAX },
		{ "sig1=(\"@method\");keyid=\"caf\xc3\xa9\"", SIG_ESYNTAX },
		{ "sig1=(\"\x01\")", SIG_ESYNTAX },
		{ "sig1=(\"@method\");keyid=\"unterminated", SIG_ESYNTAX },
		{ "sig1=(\"@method\") , ", SIG_ESYNTAX },
		{ "sig1=(\"@method\") x", SIG_ESYNTAX },
		{ "sig1=(\"@method\"),,sig2=()", SIG_ESYNTAX },
		{ "sig1=:AAAA:", SIG_ETYPE },
		{ "sig1=\"@method\"", SIG_ETYPE },
		{ "sig1=((\"@method\"))", SIG_ESYNTAX },
		{ "sig1=(\"@method\");nonce=\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"", SIG_ELIMIT },
		{ "sig1=(\"x-0123456789012345678901234567890123456789012345678901234567890123456789\")", SIG_ELIMIT },
		{ "sig01234567890123456789012345678901234567890123456789012345678901234567890123456789=()", SIG_ELIMIT },
	};
	struct sig_input in;
	size_t i;
	int st;

	for (i = 0; i < NELEM(bad); i++) {
		st = sig_parse_input(bad[i].hdr, strlen(bad[i].hdr), NULL, &in);
		if (st != bad[i].want)
			fail_msg("case %zu \"%s\": got %d (%s), want %d (%s)", i,
			    bad[i].hdr, st, sig_strerror(st), bad[i].want,
			    sig_strerror(bad[i].want));
		assert_int_equal(in.ncomponents, 0);
		assert_int_equal(in.paramslen, 0);
	}
	/* A NUL byte inside the field. */
	assert_int_equal(sig_parse_input("sig1=(\"a\0\")", 11, NULL, &in),
	    SIG_ESYNTAX);
	/* The label asked for is not there. */
	assert_int_equal(sig_parse_input("sig1=()", 7, "sig2", &in),
	    SIG_ELABEL);
}

static void
test_malformed_signature(void **state)
{
	static const struct bad bad[] = {
		{ "", SIG_ELABEL },
		{ "sig1=:not base64!:", SIG_ESYNTAX },
		{ "sig1=:AAAA", SIG_ESYNTAX },
		{ "sig1=:AAA=A:", SIG_EBASE64 },
		{ "sig1=:A:", SIG_EBASE64 },
		{ "sig1=:AB==:", SIG_EBASE64 },		/* non-zero bits after the end */
		{ "sig1=:AAAA:", SIG_ESIGLEN },
		{ "sig1=::", SIG_ESIGLEN },
		{ "sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:", SIG_ESIGLEN },
		{ "sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB==:", SIG_EBASE64 },
		{ "sig1=(\"a\")", SIG_ETYPE },
		{ "sig1=()", SIG_ETYPE },
		{ "sig1=\"abc\"", SIG_ETYPE },
		{ "sig1", SIG_ETYPE },
		{ "sig1=:AAAA:, sig1=:AAAA:", SIG_EDUPKEY },
	};
	unsigned char sig[SIG_BYTES];
	size_t i;
	int st;

	for (i = 0; i < NELEM(bad); i++) {
		st = sig_parse_signature(bad[i].hdr, strlen(bad[i].hdr), NULL, sig);
		if (st != bad[i].want)
			fail_msg("case %zu \"%s\": got %d (%s), want %d (%s)", i,
			    bad[i].hdr, st, sig_strerror(st), bad[i].want,
			    sig_strerror(bad[i].want));
	}
	/* without padding is accepted (RFC 8941 4.2.7) */
	assert_int_equal(sig_parse_signature("sig1=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:", 93, "sig1", sig), SIG_OK);
}

static void
test_limits(void **state)
{
	struct buf b = BUF_INIT;
	struct sig_input in;
	unsigned char sig[SIG_BYTES];
	size_t i;

	/* 16 components are fine, 17 are not */
	assert_int_equal(buf_puts(&b, "sig1=(\"@method\""), 0);
	for (i = 1; i < 16; i++)
		assert_int_equal(buf_printf(&b, " \"x-h%zu\"", i), 0);
	assert_int_equal(buf_puts(&b, ")"), 0);
	assert_int_equal(sig_parse_input(b.data, b.len, NULL, &in), SIG_OK);
	assert_int_equal(in.ncomponents, 16);
	b.len--;
	assert_int_equal(buf_puts(&b, " \"x-h16\")"), 0);
	assert_int_equal(sig_parse_input(b.data, b.len, NULL, &in),
	    SIG_ETOOMANY);
	assert_string_equal(sig_strerror(SIG_ETOOMANY), "too many components");

	/* more than 4 KiB */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, "sig1=(\"@method\");nonce=\""), 0);
	while (b.len < SIG_HEADER_MAX)
		assert_int_equal(buf_putc(&b, 'a'), 0);
	assert_int_equal(buf_puts(&b, "\""), 0);
	assert_int_equal(sig_parse_input(b.data, b.len, NULL, &in),
	    SIG_ETOOLONG);
	assert_int_equal(sig_parse_signature(b.data, b.len, NULL, sig),
	    SIG_ETOOLONG);
	assert_int_equal(content_digest_verify(b.data, b.len, "", 0),
	    SIG_ETOOLONG);

	/* more members than the parser holds */
	buf_reset(&b);
	for (i = 0; i < 40; i++)
		assert_int_equal(buf_printf(&b, "%sm%zu=()", i ? "," : "", i), 0);
	assert_int_equal(sig_parse_input(b.data, b.len, NULL, &in), SIG_ELIMIT);
	buf_free(&b);
}

/* --- the base -------------------------------------------------------------------------- */

static int
cb_headers(void *arg, const char *name, size_t n, const char **v, size_t *len)
{
	/* Two field lines of x-multi, one of host: as a server's header table would. */
	static const char *const multi[] = { " a,b ", "\tc" };

	(void)arg;
	if (strcmp(name, "x-multi") == 0 && n < 2) {
		*v = multi[n];
		*len = strlen(multi[n]);
		return 1;
	}
	if (strcmp(name, "x-empty") == 0 && n == 0) {
		*v = "";
		*len = 0;
		return 1;
	}
	return 0;
}

static void
check_base(const struct sig_request *r, const char *si, const char *want)
{
	struct sig_input in;
	struct buf b = BUF_INIT;

	assert_int_equal(sig_parse_input(si, strlen(si), NULL, &in), SIG_OK);
	assert_int_equal(sig_base_build(r, &in, &b), SIG_OK);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static int
base_error(const struct sig_request *r, const char *si)
{
	struct sig_input in;
	struct buf b = BUF_INIT;
	int st;

	assert_int_equal(sig_parse_input(si, strlen(si), NULL, &in), SIG_OK);
	assert_int_equal(buf_puts(&b, "kept"), 0);
	st = sig_base_build(r, &in, &b);
	assert_string_equal(b.data, "kept");	/* out untouched on error */
	buf_free(&b);
	return st;
}

static void
test_base_derived(void **state)
{
	struct sig_request r;

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.scheme = "HTTPS";
	r.authority = "WWW.Example.COM:443";
	r.path = "/a%20b/c";
	r.query = "x=1&y=%7E";
	check_base(&r, "s=(\"@method\" \"@scheme\" \"@authority\" \"@path\" \"@query\" \"@target-uri\" \"@request-target\");created=1",
	    "\"@method\": POST\n"
	    "\"@scheme\": https\n"
	    "\"@authority\": www.example.com\n"
	    "\"@path\": /a%20b/c\n"
	    "\"@query\": ?x=1&y=%7E\n"
	    "\"@target-uri\": https://www.example.com/a%20b/c?x=1&y=%7E\n"
	    "\"@request-target\": /a%20b/c?x=1&y=%7E\n"
	    "\"@signature-params\": (\"@method\" \"@scheme\" \"@authority\" \"@path\" \"@query\" \"@target-uri\" \"@request-target\");created=1");

	/* no query, an empty query; empty path; ports */
	r.scheme = "http";
	r.authority = "example.com:80";
	r.path = "";
	r.query = NULL;
	check_base(&r, "s=(\"@authority\" \"@path\" \"@query\" \"@target-uri\")",
	    "\"@authority\": example.com\n\"@path\": /\n\"@query\": ?\n"
	    "\"@target-uri\": http://example.com/\n"
	    "\"@signature-params\": (\"@authority\" \"@path\" \"@query\" \"@target-uri\")");
	r.query = "";
	r.authority = "Example.com:443";
	check_base(&r, "s=(\"@authority\" \"@query\" \"@request-target\")",
	    "\"@authority\": example.com:443\n\"@query\": ?\n"
	    "\"@request-target\": /?\n"
	    "\"@signature-params\": (\"@authority\" \"@query\" \"@request-target\")");
	r.authority = "[2001:DB8::1]:8080";
	check_base(&r, "s=(\"@authority\")",
	    "\"@authority\": [2001:db8::1]:8080\n"
	    "\"@signature-params\": (\"@authority\")");
	r.authority = "example.com:";
	check_base(&r, "s=(\"@authority\")",
	    "\"@authority\": example.com\n\"@signature-params\": (\"@authority\")");

	/* malformed request parts */
	r.authority = "example.com:http";
	assert_int_equal(base_error(&r, "s=(\"@authority\")"), SIG_EREQUEST);
	r.authority = "user@example.com";
	assert_int_equal(base_error(&r, "s=(\"@authority\")"), SIG_EREQUEST);
	r.authority = "example.com:99999";
	assert_int_equal(base_error(&r, "s=(\"@authority\")"), SIG_EREQUEST);
	r.authority = NULL;
	assert_int_equal(base_error(&r, "s=(\"@authority\")"), SIG_EREQUEST);
	r.path = "/a?b";
	assert_int_equal(base_error(&r, "s=(\"@path\")"), SIG_EREQUEST);
	r.path = "relative";
	assert_int_equal(base_error(&r, "s=(\"@path\")"), SIG_EREQUEST);
	r.method = NULL;
	assert_int_equal(base_error(&r, "s=(\"@method\")"), SIG_EREQUEST);
	r.method = "GET\r\nX: y";
	assert_int_equal(base_error(&r, "s=(\"@method\")"), SIG_EVALUE);
}

static void
test_base_fields(void **state)
{
	struct sig_request r;
	struct sig_header h[] = {
		{ "Host", "example.com", 0 },
		{ "X-List", "  one  ", 0 },
		{ "x-list", "two", 0 },
		{ "X-LIST", "", 0 },
		{ "X-Bin", "ab\0cd", 5 },
		{ "X-Tab", "a\tb", 0 },
	};

	memset(&r, 0, sizeof(r));
	r.headers = h;
	r.nheaders = NELEM(h);
	check_base(&r, "s=(\"host\" \"x-list\" \"x-tab\");keyid=\"k\"",
	    "\"host\": example.com\n\"x-list\": one, two, \n\"x-tab\": a\tb\n"
	    "\"@signature-params\": (\"host\" \"x-list\" \"x-tab\");keyid=\"k\"");
	assert_int_equal(base_error(&r, "s=(\"x-missing\")"), SIG_ENOHEADER);
	assert_int_equal(base_error(&r, "s=(\"x-bin\")"), SIG_EVALUE);
	assert_string_equal(sig_strerror(SIG_ENOHEADER),
	    "covered header field missing");

	/* The same through a lookup callback. */
	r.headers = NULL;
	r.nheaders = 0;
	r.header_fn = cb_headers;
	check_base(&r, "s=(\"x-multi\" \"x-empty\")",
	    "\"x-multi\": a,b, c\n\"x-empty\": \n"
	    "\"@signature-params\": (\"x-multi\" \"x-empty\")");
	assert_int_equal(base_error(&r, "s=(\"host\")"), SIG_ENOHEADER);
}

/* The @signature-params line is the canonical serialization, not the header's bytes. */
static void
test_params_canonical(void **state)
{
	static const char si[] =
	    "other=(\"x\"), sig1=(  \"@method\"   \"@path\" );created=0001618884473;"
	    "expires=-0;keyid=\"k\\\"\\\\x\";nonce=\"n n\";alg=\"ed25519\";tag=\"showroom\"";
	struct sig_input in;

	assert_int_equal(sig_parse_input(si, strlen(si), "sig1", &in), SIG_OK);
	assert_string_equal(in.params,
	    "(\"@method\" \"@path\");created=1618884473;expires=0;"
	    "keyid=\"k\\\"\\\\x\";nonce=\"n n\";alg=\"ed25519\";tag=\"showroom\"");
	assert_string_equal(in.keyid, "k\"\\x");
	assert_string_equal(in.nonce, "n n");
	assert_string_equal(in.tag, "showroom");
	assert_int_equal(in.created, 1618884473);
	assert_true(in.has_expires && in.has_alg && in.has_tag);
	assert_int_equal(in.ncomponents, 2);
	assert_string_equal(in.components[1], "@path");
	/* an empty inner list is a valid member with an empty base */
	assert_int_equal(sig_parse_input(si, strlen(si), "other", &in), SIG_OK);
	assert_string_equal(in.params, "(\"x\")");
}

/* --- Content-Digest -------------------------------------------------------------------- */

static void
test_content_digest(void **state)
{
	static const char body[] = "{\"hello\": \"world\"}\n";
	static const struct bad bad[] = {
		{ "sha-512=:AAAA:", SIG_EDIGESTALG },
		{ "", SIG_EDIGESTALG },
		{ "sha-256=:AAAA:", SIG_EDIGESTLEN },
		{ "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDh=:", SIG_EBASE64 },
		{ "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDA=:", SIG_EDIGEST },
		{ "sha-256=RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=", SIG_ESYNTAX },
		{ "sha-256=\"RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=\"", SIG_ETYPE },
		{ "sha-256=(:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:)", SIG_ETYPE },
		{ "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:, sha-256=:AAAA:", SIG_EDUPKEY },
		{ "SHA-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", SIG_ESYNTAX },
	};
	static const char *const good[] = {
		"sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:",
		"sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg:",
		"sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:, sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:",
		"unixsum=:AAAA:;x=1,  sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:;q",
	};
	struct buf b = BUF_INIT;
	size_t i;
	int st;

	for (i = 0; i < NELEM(good); i++)
		assert_int_equal(content_digest_verify(good[i], strlen(good[i]),
		    body, strlen(body)), SIG_OK);
	for (i = 0; i < NELEM(bad); i++) {
		st = content_digest_verify(bad[i].hdr, strlen(bad[i].hdr), body,
		    strlen(body));
		if (st != bad[i].want)
			fail_msg("case %zu \"%s\": got %d (%s), want %d (%s)", i,
			    bad[i].hdr, st, sig_strerror(st), bad[i].want,
			    sig_strerror(bad[i].want));
	}
	/* The empty body has a digest too, and compute appends. */
	assert_int_equal(buf_puts(&b, "Content-Digest: "), 0);
	assert_int_equal(content_digest_compute("", 0, &b), SIG_OK);
	assert_string_equal(b.data, "Content-Digest: "
	    "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
	assert_int_equal(content_digest_verify(b.data + 16, b.len - 16, NULL, 0),
	    SIG_OK);
	buf_free(&b);
}

/* --- misc ------------------------------------------------------------------------------ */

static void
test_sign_args(void **state)
{
	static const char *const badcomp[] = { "@method", "Content-Type" };
	static const char *const withnull[] = { "@method", NULL };
	struct treq t;
	struct key k;
	struct sig_sign_params sp;

	key_new(&k, "hq");
	treq_get(&t);
	memset(&sp, 0, sizeof(sp));
	sp.label = "sig1";
	sp.components = comps_get;
	sp.ncomponents = NELEM(comps_get);
	sp.keyid = "hq";
	sp.label = "Bad Label";
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_EARG);
	sp.label = "sig1";
	sp.keyid = NULL;
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_EARG);
	sp.keyid = "caf\xc3\xa9";
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_EARG);
	sp.keyid = "hq";
	sp.created = 1000000000000000LL;
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_EARG);
	sp.created = T0;
	sp.components = badcomp;
	sp.ncomponents = NELEM(badcomp);
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg),
	    SIG_ECOMPONENT);
	sp.components = withnull;
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_EARG);
	sp.components = comps_get;
	sp.ncomponents = SIG_MAX_COMPONENTS + 1;
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_EARG);
	assert_null(t.si.data);
	assert_null(t.sg.data);
	/* strings are escaped, and parse back to themselves */
	sp.ncomponents = NELEM(comps_get);
	sp.keyid = "a\"b\\c";
	sp.tag = "t";
	assert_int_equal(sig_sign(&t.r, &sp, k.sk, &t.si, &t.sg), SIG_OK);
	assert_non_null(strstr(t.si.data, ";keyid=\"a\\\"b\\\\c\";tag=\"t\""));
	treq_free(&t);
}

static void
test_strerror(void **state)
{
	int i, j;

	for (i = SIG_OK; i <= SIG_EARG; i++) {
		assert_true(strlen(sig_strerror(i)) > 0);
		assert_string_not_equal(sig_strerror(i), "unknown error");
		for (j = SIG_OK; j < i; j++)
			assert_string_not_equal(sig_strerror(i), sig_strerror(j));
	}
	assert_string_equal(sig_strerror(-1), "unknown error");
	assert_string_equal(sig_strerror(SIG_EARG + 1), "unknown error");
}

static void
test_verify_headers_absent(void **state)
{
	struct treq t;
	struct key k;
	struct sig_result res;
	struct buf big = BUF_INIT;

	key_new(&k, "hq");
	treq_get(&t);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENOINPUT);
	treq_add(&t, "Signature-Input", "sig1=(\"@method\");created=1;keyid=\"hq\"");
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ENOSIG);
	/* several field lines that together exceed the limit */
	while (big.len < SIG_HEADER_MAX / 2)
		assert_int_equal(buf_puts(&big, "x=:AAAA:, "), 0);
	assert_int_equal(buf_puts(&big, "y=:AAAA:"), 0);
	treq_add(&t, "Signature", big.data);
	treq_add(&t, "Signature", big.data);
	assert_int_equal(treq_verify(&t, NULL, &k, T0, &res), SIG_ETOOLONG);
	assert_int_equal(sig_verify(&t.r, NULL, NULL, NULL, T0, SIG_MAX_SKEW,
	    NULL, 0, &res), SIG_EARG);
	buf_free(&big);
	treq_free(&t);
}

static void
test_vector_was_checked(void **state)
{
	assert_true(vector_checked);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_b26),
		cmocka_unit_test(test_roundtrip_get),
		cmocka_unit_test(test_roundtrip_post),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_created_window),
		cmocka_unit_test(test_nonce_required),
		cmocka_unit_test(test_keyid),
		cmocka_unit_test(test_required_components),
		cmocka_unit_test(test_alg),
		cmocka_unit_test(test_multiple_labels),
		cmocka_unit_test(test_malformed_input),
		cmocka_unit_test(test_malformed_signature),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_base_derived),
		cmocka_unit_test(test_base_fields),
		cmocka_unit_test(test_params_canonical),
		cmocka_unit_test(test_content_digest),
		cmocka_unit_test(test_sign_args),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_verify_headers_absent),
		cmocka_unit_test(test_vector_was_checked),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
