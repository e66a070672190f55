/*
 * Fuzz target for HTTP Message Signatures. The input up to the first newline is a
 * Signature-Input field, the rest a Signature field. Each is parsed (first label, and the
 * label "sig1"); a parsed Signature-Input gets a base built over a fixed request, and its
 * "@signature-params" serialization must parse back to the same member (serializing is
 * idempotent). Then the whole of sig_verify runs with both fields as request headers, and
 * the second part is tried as a Content-Digest. Last, a parsed member is signed again with
 * a fixed key and verified: that may break a server rule but must never fail to verify.
 *
 * Build:
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     fuzz/fuzz_sig.c src/seal/sig.c src/seal/sfv.c src/lib/buf.c \
 *     $(pkg-config --cflags --libs libsodium) -o build-fuzz/fuzz_sig
 *   build-fuzz/fuzz_sig -dict=fuzz/sig.dict -max_len=8192 fuzz/corpus/sig
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "seal/sig.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_body[] = "{\"ids\":[\"r1\"]}";

static unsigned char fuzz_pk[SIG_PUBLICKEYBYTES], fuzz_sk[SIG_SECRETKEYBYTES];

static int
fuzz_real_key(void *arg, const char *keyid, unsigned char pk[SIG_PUBLICKEYBYTES])
{
	memcpy(pk, fuzz_pk, SIG_PUBLICKEYBYTES);
	return 0;
}

static int
fuzz_key(void *arg, const char *keyid, unsigned char pk[SIG_PUBLICKEYBYTES])
{
	/* Any keyid but "unknown" has the all-zero key, so that verification runs. */
	if (strcmp(keyid, "unknown") == 0)
		return -1;
	memset(pk, 0, SIG_PUBLICKEYBYTES);
	return 0;
}

/* "@signature-params" must parse back to itself under the same label. */
static void
fuzz_reparse(const struct sig_input *in)
{
	static struct sig_input again;
	static char line[SIG_NAME_MAX + 1 + SIG_HEADER_MAX + 1];
	size_t n = strlen(in->label);

	memcpy(line, in->label, n);
	line[n++] = '=';
	memcpy(line + n, in->params, in->paramslen);
	n += in->paramslen;
	if (sig_parse_input(line, n, in->label, &again) != SIG_OK ||
	    again.paramslen != in->paramslen ||
	    memcmp(again.params, in->params, in->paramslen) != 0 ||
	    again.ncomponents != in->ncomponents ||
	    again.created != in->created || strcmp(again.keyid, in->keyid) != 0 ||
	    strcmp(again.nonce, in->nonce) != 0)
		abort();
}

static void
fuzz_input(const char *s, size_t n, const char *label,
    const struct sig_request *req)
{
	static struct sig_input in;
	struct buf base = BUF_INIT;
	int st;

	if (sig_parse_input(s, n, label, &in) != SIG_OK)
		return;
	if (in.paramslen > n || in.ncomponents > SIG_MAX_COMPONENTS)
		abort();
	fuzz_reparse(&in);
	st = sig_base_build(req, &in, &base);
	if (st == SIG_OK && (base.len < in.paramslen ||
	    memcmp(base.data + base.len - in.paramslen, in.params,
	    in.paramslen) != 0))
		abort();
	if (st != SIG_OK && base.len != 0)
		abort();	/* out must be left as it was */
	buf_free(&base);
}

/* Signs what in describes over req, then verifies it. */
static void
fuzz_resign(const struct sig_input *in, struct sig_request *req,
    struct sig_header *hsi, struct sig_header *hsg)
{
	const char *comps[SIG_MAX_COMPONENTS];
	struct sig_sign_params sp;
	struct sig_result res;
	struct buf si = BUF_INIT, sg = BUF_INIT;
	size_t i;
	int st;

	memset(&sp, 0, sizeof(sp));
	for (i = 0; i < in->ncomponents; i++)
		comps[i] = in->components[i];
	sp.label = in->label;
	sp.components = comps;
	sp.ncomponents = in->ncomponents;
	sp.created = in->created;
	sp.expires = in->expires;
	sp.has_expires = in->has_expires;
	sp.keyid = in->keyid;
	sp.nonce = in->has_nonce ? in->nonce : NULL;
	sp.alg = in->has_alg && strcmp(in->alg, "ed25519") == 0 ? in->alg : NULL;
	sp.tag = in->has_tag ? in->tag : NULL;
	st = sig_sign(req, &sp, fuzz_sk, &si, &sg);
	if (st == SIG_OK) {
		hsi->value = si.data;
		hsi->valuelen = si.len;
		hsg->value = sg.data;
		hsg->valuelen = sg.len;
		st = sig_verify(req, in->label, fuzz_real_key, NULL, in->created,
		    SIG_MAX_SKEW, NULL, 0, &res);
		if (st == SIG_EBADSIG || st == SIG_ESYNTAX || st == SIG_EDIGEST)
			abort();
		hsi->value = hsg->value = NULL;
	} else if (st != SIG_ENOHEADER && st != SIG_EVALUE && st != SIG_ELIMIT)
		abort();	/* anything that parsed can be signed */
	buf_free(&si);
	buf_free(&sg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl, *sg;
	struct sig_header h[] = {
		{ "Host", "api.example.com", 0 },
		{ "Date", "Tue, 20 Apr 2021 02:07:55 GMT", 0 },
		{ "Content-Type", "application/json", 0 },
		{ "Content-Digest",
		    "sha-256=:5C38PCtGQ3eM79kLrMZuwvijckmBbseWkG0IzhregG8=:", 0 },
		{ "X-Multi", " a ", 0 },
		{ "x-multi", "b", 0 },
		{ "Signature-Input", NULL, 0 },
		{ "Signature", NULL, 0 },
	};
	struct sig_request req;
	struct sig_result res;
	static struct sig_input in;
	static int init;
	unsigned char sig[SIG_BYTES];
	char *a, *b;
	size_t alen, slen;

	if (!init) {
		unsigned char seed[32] = { 1 };

		crypto_sign_ed25519_seed_keypair(fuzz_pk, fuzz_sk, seed);
		init = 1;
	}
	nl = memchr(s, '\n', size);
	alen = nl ? (size_t)(nl - s) : size;
	sg = nl ? nl + 1 : s + size;
	slen = size - (size_t)(sg - s);

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.scheme = "https";
	req.authority = "API.example.com:443";
	req.path = "/api/v1/ack";
	req.query = "a=1";
	req.headers = h;
	req.nheaders = sizeof(h) / sizeof(h[0]);
	req.body = fuzz_body;
	req.bodylen = sizeof(fuzz_body) - 1;

	fuzz_input(s, alen, NULL, &req);
	fuzz_input(s, alen, "sig1", &req);
	(void)sig_parse_signature(sg, slen, NULL, sig);
	(void)sig_parse_signature(sg, slen, "sig1", sig);
	(void)content_digest_verify(sg, slen, fuzz_body, req.bodylen);

	/* Copies with a length but no NUL inside, as a server's header table hands them. */
	if ((a = malloc(alen + 1)) == NULL || (b = malloc(slen + 1)) == NULL) {
		free(a);
		return 0;
	}
	memcpy(a, s, alen);
	a[alen] = '\0';
	memcpy(b, sg, slen);
	b[slen] = '\0';
	h[6].value = a;
	h[6].valuelen = alen;
	h[7].value = b;
	h[7].valuelen = slen;
	if (sig_verify(&req, NULL, fuzz_key, NULL, 1618884473, SIG_MAX_SKEW,
	    NULL, 0, &res) == SIG_OK)
		abort();	/* nobody knows the all-zero key's secret */
	h[6].value = h[7].value = NULL;
	h[6].valuelen = h[7].valuelen = 0;
	if (sig_parse_input(a, alen, NULL, &in) == SIG_OK && in.has_keyid)
		fuzz_resign(&in, &req, &h[6], &h[7]);
	free(a);
	free(b);
	return 0;
}
