/*
 * HTTP Message Signatures (RFC 9421), ed25519 only, and Content-Digest (RFC 9530).
 *
 * The "@signature-params" line is not copied from the header but serialized again from
 * what was parsed, as RFC 9421 2.3 defines it; extra spaces or leading zeros in the header
 * therefore do not reach the base. Component values are checked for control characters
 * after they are written, so that no value can add a line to the base and make two
 * different requests share one.
 */
#include "seal/sig.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "seal/sfv.h"

#define SIG_MAX_FIELD_LINES	64	/* field lines joined into one value */
#define SIG_SF_INT_MAX		999999999999999LL	/* RFC 8941 Integer range */
#define SIG_DIGEST_BYTES	32	/* crypto_hash_sha256_BYTES */

static const char *const sig_reasons[] = {
	[SIG_OK] = "ok",
	[SIG_ENOMEM] = "out of memory",
	[SIG_ETOOLONG] = "header too long",
	[SIG_ESYNTAX] = "malformed structured field",
	[SIG_ETYPE] = "structured field member of the wrong type",
	[SIG_EDUPKEY] = "duplicate label or parameter",
	[SIG_ELIMIT] = "name, value or count over limit",
	[SIG_ELABEL] = "label not found",
	[SIG_ECOMPONENT] = "unknown or invalid component",
	[SIG_EDUPCOMP] = "duplicate component",
	[SIG_ECOMPPARAM] =
	    "component parameters (sf, key, bs, req, tr, name) not supported",
	[SIG_ETOOMANY] = "too many components",
	[SIG_EPARAM] = "unknown or mistyped signature parameter",
	[SIG_EBASE64] = "bad base64",
	[SIG_ESIGLEN] = "wrong signature length",
	[SIG_EREQUEST] = "incomplete or malformed request",
	[SIG_ENOHEADER] = "covered header field missing",
	[SIG_EVALUE] = "control character in component value",
	[SIG_ENOINPUT] = "no Signature-Input header",
	[SIG_ENOSIG] = "no Signature header",
	[SIG_EALG] = "alg not ed25519",
	[SIG_ENOKEYID] = "keyid missing",
	[SIG_ENOCREATED] = "created missing",
	[SIG_EOLD] = "created too old",
	[SIG_EFUTURE] = "created in the future",
	[SIG_EEXPIRED] = "signature expired",
	[SIG_ENONONCE] = "nonce missing",
	[SIG_ENOTCOVERED] = "required component not covered",
	[SIG_EKEYID] = "unknown keyid",
	[SIG_EBADSIG] = "signature does not verify",
	[SIG_ENODIGEST] = "body without Content-Digest",
	[SIG_EDIGESTALG] = "Content-Digest lacks sha-256",
	[SIG_EDIGESTLEN] = "sha-256 digest of wrong length",
	[SIG_EDIGEST] = "Content-Digest does not match body",
	[SIG_EARG] = "invalid argument"
};

static const char *const sig_derived[] = {
	"@method", "@authority", "@path", "@query", "@target-uri", "@scheme",
	"@request-target"
};

static const char *const sig_required_default[] = {
	"@method", "@authority", "@path", "@query"
};

#define SIG_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

const char *
sig_strerror(int code)
{
	if (code < 0 || (size_t)code >= SIG_NELEM(sig_reasons) ||
	    sig_reasons[code] == NULL)
		return "unknown error";
	return sig_reasons[code];
}

static int
sig_from_sfv(enum sfv_status st)
{
	switch (st) {
	case SFV_OK:
		return SIG_OK;
	case SFV_ELIMIT:
		return SIG_ELIMIT;
	case SFV_EDUPKEY:
		return SIG_EDUPKEY;
	case SFV_ESYNTAX:
		break;
	}
	return SIG_ESYNTAX;
}

/* Cuts b back to len, as if nothing had been appended since. */
static void
sig_truncate(struct buf *b, size_t len)
{
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}

/*
 * Decodes RFC 8941 Byte Sequence text, with or without padding (8941 4.2.7 asks parsers to
 * accept both). libsodium also refuses non-zero bits after the last byte.
 */
static int
sig_b64_decode(const char *s, size_t n, unsigned char *out, size_t outsz,
    size_t *outlen)
{
	int variant = n % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL :
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING;

	if (sodium_base642bin(out, outsz, s, n, NULL, outlen, NULL,
	    variant) != 0)
		return SIG_EBASE64;
	return SIG_OK;
}

/* A header field name as a component: lowercase tchar only (RFC 9421 2.1). */
static int
sig_is_field_name(const char *s, size_t n)
{
	size_t i;
	int c;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL)))
			return 0;
	}
	return 1;
}

static int
sig_check_component(const char *name, size_t n)
{
	size_t i;

	if (name[0] != '@')
		return sig_is_field_name(name, n) ? SIG_OK : SIG_ECOMPONENT;
	for (i = 0; i < SIG_NELEM(sig_derived); i++)
		if (strcmp(name, sig_derived[i]) == 0)
			return SIG_OK;
	return SIG_ECOMPONENT;
}

static int
sig_input_put(struct sig_input *in, const char *s, size_t n)
{
	if (n > SIG_HEADER_MAX - in->paramslen)
		return SIG_ELIMIT;
	memcpy(in->params + in->paramslen, s, n);
	in->paramslen += n;
	in->params[in->paramslen] = '\0';
	return SIG_OK;
}

/* Copies a String parameter into dst (SIG_PARAM_MAX + 1 bytes). */
static int
sig_param_string(const struct sfv_item *v, char *dst, int *has)
{
	if (v->type != SFV_STRING)
		return SIG_EPARAM;
	if (sfv_string_copy(v, dst, SIG_PARAM_MAX + 1) < 0)
		return SIG_ELIMIT;
	*has = 1;
	return SIG_OK;
}

static int
sig_param_integer(const struct sfv_item *v, int64_t *dst, int *has)
{
	if (v->type != SFV_INTEGER)
		return SIG_EPARAM;
	*dst = v->integer;
	*has = 1;
	return SIG_OK;
}

/* One signature parameter into in, and its canonical serialization into in->params. */
static int
sig_input_param(struct sig_input *in, const struct sfv_param *p)
{
	const struct sfv_item *v = &p->value;
	char num[32];
	int st = SIG_EPARAM, n;

#define SIG_IS(k)	(p->keylen == sizeof(k) - 1 && memcmp(p->key, k, p->keylen) == 0)
	if (SIG_IS("created"))
		st = sig_param_integer(v, &in->created, &in->has_created);
	else if (SIG_IS("expires"))
		st = sig_param_integer(v, &in->expires, &in->has_expires);
	else if (SIG_IS("nonce"))
		st = sig_param_string(v, in->nonce, &in->has_nonce);
	else if (SIG_IS("keyid"))
		st = sig_param_string(v, in->keyid, &in->has_keyid);
	else if (SIG_IS("alg"))
		st = sig_param_string(v, in->alg, &in->has_alg);
	else if (SIG_IS("tag"))
		st = sig_param_string(v, in->tag, &in->has_tag);
#undef SIG_IS
	if (st != SIG_OK)
		return st;
	if ((st = sig_input_put(in, ";", 1)) != SIG_OK ||
	    (st = sig_input_put(in, p->key, p->keylen)) != SIG_OK ||
	    (st = sig_input_put(in, "=", 1)) != SIG_OK)
		return st;
	if (v->type == SFV_INTEGER) {
		/* Re-serialized, not copied: "created=01" signs as "created=1". */
		n = snprintf(num, sizeof(num), "%lld", (long long)v->integer);
		return sig_input_put(in, num, (size_t)n);
	}
	/* A String's escaped text is already its canonical form (only \" and \\). */
	if ((st = sig_input_put(in, "\"", 1)) != SIG_OK ||
	    (st = sig_input_put(in, v->raw, v->rawlen)) != SIG_OK)
		return st;
	return sig_input_put(in, "\"", 1);
}

/* One covered component: a String without parameters, valid and not seen before. */
static int
sig_input_component(struct sig_input *in, const struct sfv_item *it)
{
	char *name = in->components[in->ncomponents];
	size_t i;
	int n, st;

	if (it->type != SFV_STRING)
		return SIG_ETYPE;
	if (it->nparams > 0)
		return SIG_ECOMPPARAM;
	if ((n = sfv_string_copy(it, name, SIG_NAME_MAX + 1)) < 0)
		return SIG_ELIMIT;
	if (n == 0 || sig_check_component(name, (size_t)n) != SIG_OK)
		return SIG_ECOMPONENT;
	for (i = 0; i < in->ncomponents; i++)
		if (strcmp(in->components[i], name) == 0)
			return SIG_EDUPCOMP;
	if (in->ncomponents > 0 && (st = sig_input_put(in, " ", 1)) != SIG_OK)
		return st;
	if ((st = sig_input_put(in, "\"", 1)) != SIG_OK ||
	    (st = sig_input_put(in, name, (size_t)n)) != SIG_OK ||
	    (st = sig_input_put(in, "\"", 1)) != SIG_OK)
		return st;
	in->ncomponents++;
	return SIG_OK;
}

static int
sig_input_member(const struct sfv_dict *d, const struct sfv_member *m,
    struct sig_input *in)
{
	size_t i;
	int st;

	if (m->keylen > SIG_NAME_MAX)
		return SIG_ELIMIT;
	if (!m->inner)
		return SIG_ETYPE;
	if (m->nitems > SIG_MAX_COMPONENTS)
		return SIG_ETOOMANY;
	memcpy(in->label, m->key, m->keylen);
	in->label[m->keylen] = '\0';
	if ((st = sig_input_put(in, "(", 1)) != SIG_OK)
		return st;
	for (i = 0; i < m->nitems; i++)
		if ((st = sig_input_component(in, &d->items[m->item + i])) !=
		    SIG_OK)
			return st;
	if ((st = sig_input_put(in, ")", 1)) != SIG_OK)
		return st;
	for (i = 0; i < m->nparams; i++)
		if ((st = sig_input_param(in, &d->params[m->param + i])) !=
		    SIG_OK)
			return st;
	return SIG_OK;
}

/* The member label, or the first one when label is NULL. */
static const struct sfv_member *
sig_pick(const struct sfv_dict *d, const char *label)
{
	if (label != NULL)
		return sfv_dict_get(d, label, strlen(label));
	return d->nmembers > 0 ? &d->members[0] : NULL;
}

int
sig_parse_input(const char *hdr, size_t len, const char *label,
    struct sig_input *in)
{
	struct sfv_dict d;
	const struct sfv_member *m;
	int st;

	memset(in, 0, sizeof(*in));
	if (len > SIG_HEADER_MAX)
		return SIG_ETOOLONG;
	if ((st = sig_from_sfv(sfv_parse_dict(hdr, len, &d))) != SIG_OK)
		return st;
	if ((m = sig_pick(&d, label)) == NULL)
		return SIG_ELABEL;
	if ((st = sig_input_member(&d, m, in)) != SIG_OK)
		memset(in, 0, sizeof(*in));
	return st;
}

int
sig_parse_signature(const char *hdr, size_t len, const char *label,
    unsigned char sig[SIG_BYTES])
{
	struct sfv_dict d;
	const struct sfv_member *m;
	const struct sfv_item *it;
	unsigned char tmp[SIG_HEADER_MAX];
	size_t n;
	int st;

	if (len > SIG_HEADER_MAX)
		return SIG_ETOOLONG;
	if ((st = sig_from_sfv(sfv_parse_dict(hdr, len, &d))) != SIG_OK)
		return st;
	if ((m = sig_pick(&d, label)) == NULL)
		return SIG_ELABEL;
	/* An inner list may be empty: look at its items only after this. */
	if (m->inner)
		return SIG_ETYPE;
	it = &d.items[m->item];
	if (it->type != SFV_BYTES)
		return SIG_ETYPE;
	if ((st = sig_b64_decode(it->raw, it->rawlen, tmp, sizeof(tmp), &n)) !=
	    SIG_OK)
		return st;
	if (n != SIG_BYTES)
		return SIG_ESIGLEN;
	memcpy(sig, tmp, SIG_BYTES);
	return SIG_OK;
}

/* The n-th field line named name, from the callback or the array. */
static int
sig_lookup(const struct sig_request *req, const char *name, size_t n,
    const char **v, size_t *vlen)
{
	size_t i, seen = 0;

	if (req->header_fn != NULL)
		return req->header_fn(req->header_arg, name, n, v, vlen);
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i].name == NULL ||
		    strcasecmp(req->headers[i].name, name) != 0)
			continue;
		if (seen++ < n)
			continue;
		*v = req->headers[i].value ? req->headers[i].value : "";
		*vlen = req->headers[i].valuelen ? req->headers[i].valuelen :
		    strlen(*v);
		return 1;
	}
	return 0;
}

/*
 * A header field's component value (RFC 9421 2.1): every field line trimmed of
 * surrounding spaces and tabs, joined with ", ".
 */
static int
sig_field(const struct sig_request *req, const char *name, struct buf *out)
{
	const char *v;
	size_t n, vlen, start = out->len;

	for (n = 0; sig_lookup(req, name, n, &v, &vlen); n++) {
		if (n == SIG_MAX_FIELD_LINES)
			return SIG_ELIMIT;
		while (vlen > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			vlen--;
		}
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (vlen > SIG_VALUE_MAX || out->len - start > SIG_VALUE_MAX)
			return SIG_ELIMIT;
		if ((n > 0 && buf_append(out, ", ", 2) == -1) ||
		    buf_append(out, v, vlen) == -1)
			return SIG_ENOMEM;
	}
	return n == 0 ? SIG_ENOHEADER : SIG_OK;
}

static int
sig_put(struct buf *out, const char *s)
{
	return buf_puts(out, s) == -1 ? SIG_ENOMEM : SIG_OK;
}

static int
sig_put_lower(struct buf *out, const char *s, size_t n)
{
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (buf_putc(out, c) == -1)
			return SIG_ENOMEM;
	}
	return SIG_OK;
}

static int
sig_scheme(const struct sig_request *req, struct buf *out)
{
	if (req->scheme == NULL || req->scheme[0] == '\0')
		return SIG_EREQUEST;
	return sig_put_lower(out, req->scheme, strlen(req->scheme));
}

/*
 * @authority (RFC 9421 2.2.3, RFC 9110 4.2.3): host in lowercase, the port as a number,
 * left out when it is the scheme's default or empty.
 */
static int
sig_authority(const struct sig_request *req, struct buf *out)
{
	const char *a = req->authority, *end;
	size_t n, hostlen, i;
	unsigned long port = 0, defport = 0;
	int st;

	if (a == NULL || a[0] == '\0' || strchr(a, '@') != NULL)
		return SIG_EREQUEST;
	n = strlen(a);
	if (a[0] == '[') {
		if ((end = memchr(a, ']', n)) == NULL)
			return SIG_EREQUEST;
		hostlen = (size_t)(end - a) + 1;
	} else {
		end = memchr(a, ':', n);
		hostlen = end ? (size_t)(end - a) : n;
	}
	if (hostlen == 0 || (hostlen < n && a[hostlen] != ':'))
		return SIG_EREQUEST;
	for (i = hostlen + 1; i < n; i++) {
		if (a[i] < '0' || a[i] > '9' || port > 65535)
			return SIG_EREQUEST;
		port = port * 10 + (unsigned long)(a[i] - '0');
	}
	if (port > 65535)
		return SIG_EREQUEST;
	if (req->scheme != NULL && strcasecmp(req->scheme, "https") == 0)
		defport = 443;
	else if (req->scheme != NULL && strcasecmp(req->scheme, "http") == 0)
		defport = 80;
	if ((st = sig_put_lower(out, a, hostlen)) != SIG_OK)
		return st;
	if (hostlen + 1 < n && port != defport &&
	    buf_printf(out, ":%lu", port) == -1)
		return SIG_ENOMEM;
	return SIG_OK;
}

int
sig_authority_value(const char *scheme, const char *authority, struct buf *out)
{
	struct sig_request req;
	size_t mark = out->len;
	int st;

	memset(&req, 0, sizeof(req));
	req.scheme = scheme;
	req.authority = authority;
	if ((st = sig_authority(&req, out)) != SIG_OK && out->data != NULL) {
		out->len = mark;
		out->data[mark] = '\0';
	}
	return st;
}

/* @path: the encoded path, "/" when empty (RFC 9421 2.2.6). */
static int
sig_path(const struct sig_request *req, struct buf *out)
{
	const char *p = req->path;

	if (p == NULL || p[0] == '\0')
		p = "/";
	if (p[0] != '/' || strpbrk(p, "?#") != NULL)
		return SIG_EREQUEST;
	return sig_put(out, p);
}

/* The request target's "?query", if it had a '?'. */
static int
sig_query_part(const struct sig_request *req, struct buf *out)
{
	if (req->query == NULL)
		return SIG_OK;
	if (strchr(req->query, '#') != NULL)
		return SIG_EREQUEST;
	if (buf_putc(out, '?') == -1)
		return SIG_ENOMEM;
	return sig_put(out, req->query);
}

static int
sig_derived_value(const struct sig_request *req, const char *name,
    struct buf *out)
{
	int st;

	if (strcmp(name, "@method") == 0) {
		if (req->method == NULL || req->method[0] == '\0')
			return SIG_EREQUEST;
		return sig_put(out, req->method);
	}
	if (strcmp(name, "@authority") == 0)
		return sig_authority(req, out);
	if (strcmp(name, "@scheme") == 0)
		return sig_scheme(req, out);
	if (strcmp(name, "@path") == 0)
		return sig_path(req, out);
	if (strcmp(name, "@query") == 0) {
		/* "?" alone both with no query and with an empty one (2.2.7) */
		if (req->query == NULL)
			return sig_put(out, "?");
		return sig_query_part(req, out);
	}
	if (strcmp(name, "@request-target") == 0) {
		if ((st = sig_path(req, out)) != SIG_OK)
			return st;
		return sig_query_part(req, out);
	}
	if (strcmp(name, "@target-uri") == 0) {
		if ((st = sig_scheme(req, out)) != SIG_OK ||
		    (st = sig_put(out, "://")) != SIG_OK ||
		    (st = sig_authority(req, out)) != SIG_OK ||
		    (st = sig_path(req, out)) != SIG_OK)
			return st;
		return sig_query_part(req, out);
	}
	return SIG_ECOMPONENT;
}

/* No CR, LF or other control byte may reach the base: see the top of the file. */
static int
sig_check_value(const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	if (n > SIG_VALUE_MAX)
		return SIG_ELIMIT;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return SIG_EVALUE;
	}
	return SIG_OK;
}

static int
sig_base_line(const struct sig_request *req, const char *name,
    struct buf *out)
{
	size_t vstart;
	int st;

	if (buf_printf(out, "\"%s\": ", name) == -1)
		return SIG_ENOMEM;
	vstart = out->len;
	if (name[0] == '@')
		st = sig_derived_value(req, name, out);
	else
		st = sig_field(req, name, out);
	if (st == SIG_OK)
		st = sig_check_value(out->data + vstart, out->len - vstart);
	if (st == SIG_OK && buf_putc(out, '\n') == -1)
		st = SIG_ENOMEM;
	return st;
}

int
sig_base_build(const struct sig_request *req, const struct sig_input *in,
    struct buf *out)
{
	size_t i, start = out->len;
	int st = SIG_OK;

	if (in->ncomponents > SIG_MAX_COMPONENTS)
		return SIG_ETOOMANY;
	for (i = 0; i < in->ncomponents && st == SIG_OK; i++)
		st = sig_base_line(req, in->components[i], out);
	if (st == SIG_OK && (buf_puts(out, "\"@signature-params\": ") == -1 ||
	    buf_append(out, in->params, in->paramslen) == -1))
		st = SIG_ENOMEM;
	if (st != SIG_OK)
		sig_truncate(out, start);
	return st;
}

/* The server's rules on the signature parameters, cheapest first. */
static int
sig_check_params(const struct sig_input *in, int64_t now, int64_t max_skew)
{
	if (in->has_alg && strcmp(in->alg, "ed25519") != 0)
		return SIG_EALG;
	if (!in->has_keyid || in->keyid[0] == '\0')
		return SIG_ENOKEYID;
	if (!in->has_created)
		return SIG_ENOCREATED;
	/* created, now and max_skew are all within +-10^15: no overflow here */
	if (in->created < now && now - in->created > max_skew)
		return SIG_EOLD;
	if (in->created > now && in->created - now > max_skew)
		return SIG_EFUTURE;
	if (in->has_expires && (in->expires < now || in->expires < in->created))
		return SIG_EEXPIRED;
	if (!in->has_nonce || in->nonce[0] == '\0')
		return SIG_ENONONCE;
	return SIG_OK;
}

static int
sig_covers(const struct sig_input *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->ncomponents; i++)
		if (strcmp(in->components[i], name) == 0)
			return 1;
	return 0;
}

static int
sig_check_coverage(const struct sig_input *in, const char *const *required,
    size_t nrequired, int has_body)
{
	size_t i;

	if (required == NULL) {
		required = sig_required_default;
		nrequired = SIG_NELEM(sig_required_default);
	}
	for (i = 0; i < nrequired; i++)
		if (required[i] == NULL || !sig_covers(in, required[i]))
			return SIG_ENOTCOVERED;
	if (has_body && !sig_covers(in, "content-digest"))
		return SIG_ENOTCOVERED;
	return SIG_OK;
}

/* A whole header for parsing: over SIG_HEADER_MAX is "too long", absent is absent. */
static int
sig_whole_field(const struct sig_request *req, const char *name,
    struct buf *out, int absent)
{
	int st;

	buf_reset(out);
	st = sig_field(req, name, out);
	if (st == SIG_ENOHEADER)
		return absent;
	if (st == SIG_ELIMIT || (st == SIG_OK && out->len > SIG_HEADER_MAX))
		return SIG_ETOOLONG;
	return st;
}

static void
sig_result_fill(struct sig_result *res, const struct sig_input *in)
{
	memcpy(res->label, in->label, sizeof(res->label));
	memcpy(res->keyid, in->keyid, sizeof(res->keyid));
	memcpy(res->nonce, in->nonce, sizeof(res->nonce));
	memcpy(res->tag, in->tag, sizeof(res->tag));
	res->created = in->created;
	res->expires = in->expires;
	res->has_expires = in->has_expires;
}

static int
sig_verify_body(const struct sig_request *req, struct buf *hv)
{
	int st;

	if ((st = sig_whole_field(req, "content-digest", hv, SIG_ENODIGEST)) !=
	    SIG_OK)
		return st;
	return content_digest_verify(hv->data, hv->len, req->body, req->bodylen);
}

int
sig_verify(const struct sig_request *req, const char *label, sig_key_fn keyfn,
    void *key_arg, int64_t now, int64_t max_skew,
    const char *const *required, size_t nrequired, struct sig_result *res)
{
	struct sig_input in;
	struct buf hv = BUF_INIT, base = BUF_INIT;
	unsigned char sig[SIG_BYTES], pk[SIG_PUBLICKEYBYTES];
	int st;

	memset(res, 0, sizeof(*res));
	/* Bounds on now and max_skew keep the time arithmetic free of overflow. */
	if (keyfn == NULL || max_skew < 0 || max_skew > SIG_SF_INT_MAX ||
	    now < -SIG_SF_INT_MAX || now > SIG_SF_INT_MAX) {
		st = SIG_EARG;
		goto done;
	}
	if ((st = sig_whole_field(req, "signature-input", &hv, SIG_ENOINPUT)) !=
	    SIG_OK ||
	    (st = sig_parse_input(hv.data, hv.len, label, &in)) != SIG_OK)
		goto done;
	sig_result_fill(res, &in);
	if ((st = sig_whole_field(req, "signature", &hv, SIG_ENOSIG)) != SIG_OK ||
	    (st = sig_parse_signature(hv.data, hv.len, in.label, sig)) !=
	    SIG_OK)
		goto done;
	if ((st = sig_check_params(&in, now, max_skew)) != SIG_OK ||
	    (st = sig_check_coverage(&in, required, nrequired,
	    req->body != NULL)) != SIG_OK)
		goto done;
	if (keyfn(key_arg, in.keyid, pk) != 0) {
		st = SIG_EKEYID;
		goto done;
	}
	if ((st = sig_base_build(req, &in, &base)) != SIG_OK)
		goto done;
	if (crypto_sign_ed25519_verify_detached(sig,
	    (const unsigned char *)base.data, base.len, pk) != 0) {
		st = SIG_EBADSIG;
		goto done;
	}
	/* Only now is the Content-Digest header known to be the signer's. */
	if (req->body != NULL)
		st = sig_verify_body(req, &hv);
done:
	buf_free(&hv);
	buf_free(&base);
	return st;
}

/* A String as RFC 8941 4.1.6 serializes it; only printable ASCII can be one. */
static int
sig_put_string(struct buf *out, const char *s)
{
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c > 0x7e)
			return SIG_EARG;
		if ((*s == '"' || *s == '\\') && buf_putc(out, '\\') == -1)
			return SIG_ENOMEM;
		if (buf_putc(out, *s) == -1)
			return SIG_ENOMEM;
	}
	return SIG_OK;
}

static int
sig_put_sparam(struct buf *out, const char *key, const char *v)
{
	int st;

	if (v == NULL)
		return SIG_OK;
	if (buf_printf(out, ";%s=\"", key) == -1)
		return SIG_ENOMEM;
	if ((st = sig_put_string(out, v)) != SIG_OK)
		return st;
	return sig_put(out, "\"");
}

/* Serializes the Signature-Input member that sp describes. */
static int
sig_sign_member(const struct sig_sign_params *sp, struct buf *out)
{
	size_t i;
	int st;

	if (sp->label == NULL || !sfv_is_key(sp->label, strlen(sp->label)) ||
	    sp->keyid == NULL || sp->ncomponents > SIG_MAX_COMPONENTS ||
	    (sp->ncomponents > 0 && sp->components == NULL) ||
	    (sp->alg != NULL && strcmp(sp->alg, "ed25519") != 0) ||
	    sp->created < -SIG_SF_INT_MAX || sp->created > SIG_SF_INT_MAX ||
	    (sp->has_expires && (sp->expires < -SIG_SF_INT_MAX ||
	    sp->expires > SIG_SF_INT_MAX)))
		return SIG_EARG;
	if (buf_printf(out, "%s=(", sp->label) == -1)
		return SIG_ENOMEM;
	for (i = 0; i < sp->ncomponents; i++) {
		if (sp->components[i] == NULL)
			return SIG_EARG;
		if ((i > 0 && (st = sig_put(out, " ")) != SIG_OK) ||
		    (st = sig_put(out, "\"")) != SIG_OK ||
		    (st = sig_put_string(out, sp->components[i])) != SIG_OK ||
		    (st = sig_put(out, "\"")) != SIG_OK)
			return st;
	}
	if (buf_printf(out, ");created=%lld", (long long)sp->created) == -1 ||
	    (sp->has_expires &&
	    buf_printf(out, ";expires=%lld", (long long)sp->expires) == -1))
		return SIG_ENOMEM;
	if ((st = sig_put_sparam(out, "keyid", sp->keyid)) != SIG_OK ||
	    (st = sig_put_sparam(out, "nonce", sp->nonce)) != SIG_OK ||
	    (st = sig_put_sparam(out, "alg", sp->alg)) != SIG_OK)
		return st;
	return sig_put_sparam(out, "tag", sp->tag);
}

int
sig_sign(const struct sig_request *req, const struct sig_sign_params *sp,
    const unsigned char sk[SIG_SECRETKEYBYTES], struct buf *sig_input,
    struct buf *signature)
{
	struct sig_input in;
	struct buf member = BUF_INIT, base = BUF_INIT;
	unsigned char sig[SIG_BYTES];
	char b64[sodium_base64_ENCODED_LEN(SIG_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t ilen = sig_input->len, slen = signature->len;
	int st;

	/* Parsing our own member back checks it against every rule a verifier applies. */
	if ((st = sig_sign_member(sp, &member)) != SIG_OK ||
	    (st = sig_parse_input(member.data, member.len, sp->label, &in)) !=
	    SIG_OK ||
	    (st = sig_base_build(req, &in, &base)) != SIG_OK)
		goto done;
	crypto_sign_ed25519_detached(sig, NULL, (const unsigned char *)base.data,
	    base.len, sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig),
	    sodium_base64_VARIANT_ORIGINAL);
	if ((ilen > 0 && buf_append(sig_input, ", ", 2) == -1) ||
	    buf_append(sig_input, member.data, member.len) == -1 ||
	    (slen > 0 && buf_append(signature, ", ", 2) == -1) ||
	    buf_printf(signature, "%s=:%s:", in.label, b64) == -1) {
		sig_truncate(sig_input, ilen);
		sig_truncate(signature, slen);
		st = SIG_ENOMEM;
	}
done:
	buf_free(&member);
	buf_free(&base);
	return st;
}

int
content_digest_compute(const void *body, size_t len, struct buf *out)
{
	unsigned char h[SIG_DIGEST_BYTES];
	char b64[sodium_base64_ENCODED_LEN(SIG_DIGEST_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];

	crypto_hash_sha256(h, body, len);
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
	    sodium_base64_VARIANT_ORIGINAL);
	return buf_printf(out, "sha-256=:%s:", b64) == -1 ? SIG_ENOMEM : SIG_OK;
}

int
content_digest_verify(const char *hdr, size_t hdrlen, const void *body,
    size_t len)
{
	struct sfv_dict d;
	const struct sfv_member *m;
	const struct sfv_item *it;
	unsigned char want[SIG_HEADER_MAX], got[SIG_DIGEST_BYTES];
	size_t n;
	int st;

	if (hdrlen > SIG_HEADER_MAX)
		return SIG_ETOOLONG;
	if ((st = sig_from_sfv(sfv_parse_dict(hdr, hdrlen, &d))) != SIG_OK)
		return st;
	if ((m = sfv_dict_get(&d, "sha-256", 7)) == NULL)
		return SIG_EDIGESTALG;
	/* An inner list may be empty: look at its items only after this. */
	if (m->inner)
		return SIG_ETYPE;
	it = &d.items[m->item];
	if (it->type != SFV_BYTES)
		return SIG_ETYPE;
	if ((st = sig_b64_decode(it->raw, it->rawlen, want, sizeof(want),
	    &n)) != SIG_OK)
		return st;
	if (n != SIG_DIGEST_BYTES)
		return SIG_EDIGESTLEN;
	crypto_hash_sha256(got, body, len);
	return sodium_memcmp(want, got, SIG_DIGEST_BYTES) == 0 ? SIG_OK :
	    SIG_EDIGEST;
}
