/*
 * HTTP Message Signatures (RFC 9421) with alg "ed25519", for requests only, and
 * Content-Digest (RFC 9530) with sha-256.
 *
 * Supported: the derived components @method, @authority, @path, @query, @target-uri,
 * @scheme and @request-target, and header fields by their lowercase name. Refused with an
 * error: @query-param, @status, any other derived name, and every component parameter
 * (;sf ;key ;bs ;req ;tr ;name), since a verifier that ignored one would sign one thing and
 * check another.
 *
 * Signature parameters: created and expires (Integers); nonce, keyid, alg and tag (Strings).
 * Any other parameter, or one of the wrong type, is an error.
 *
 * Every parser takes a buffer and a length, touches no global state and allocates nothing;
 * building a base appends to a struct buf. Every function returns SIG_OK (0) or one of the
 * codes below; sig_strerror() turns it into a short reason for a log line. Reasons never
 * contain header contents, keys or signatures.
 */
#ifndef SHOWROOM_SIG_H
#define SHOWROOM_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define SIG_HEADER_MAX		4096	/* Signature-Input, Signature, Content-Digest */
#define SIG_MAX_COMPONENTS	16
#define SIG_NAME_MAX		64	/* a label or a component name */
#define SIG_PARAM_MAX		128	/* keyid, nonce, alg, tag */
#define SIG_VALUE_MAX		8192	/* one component value in the base */
#define SIG_MAX_SKEW		300	/* seconds, for created */

#define SIG_PUBLICKEYBYTES	32	/* crypto_sign_ed25519_PUBLICKEYBYTES */
#define SIG_SECRETKEYBYTES	64	/* crypto_sign_ed25519_SECRETKEYBYTES */
#define SIG_BYTES		64	/* crypto_sign_ed25519_BYTES */

enum sig_status {
	SIG_OK = 0,
	SIG_ENOMEM,		/* out of memory */
	SIG_ETOOLONG,		/* a header over SIG_HEADER_MAX bytes */
	SIG_ESYNTAX,		/* not a valid structured field */
	SIG_ETYPE,		/* a member or item of the wrong type */
	SIG_EDUPKEY,		/* a label or parameter given twice */
	SIG_ELIMIT,		/* a name, value or count over its limit */
	SIG_ELABEL,		/* no such label (or no member at all) */
	SIG_ECOMPONENT,		/* unknown or malformed component name */
	SIG_EDUPCOMP,		/* a component given twice */
	SIG_ECOMPPARAM,		/* a component parameter (;sf ;key ;bs ;req ;tr ;name) */
	SIG_ETOOMANY,		/* more than SIG_MAX_COMPONENTS components */
	SIG_EPARAM,		/* unknown signature parameter, or of the wrong type */
	SIG_EBASE64,		/* a byte sequence that is not base64 */
	SIG_ESIGLEN,		/* a signature that is not SIG_BYTES long */
	SIG_EREQUEST,		/* the request description lacks a part or is malformed */
	SIG_ENOHEADER,		/* a covered header field is absent from the request */
	SIG_EVALUE,		/* a component value with control characters */
	SIG_ENOINPUT,		/* no Signature-Input header */
	SIG_ENOSIG,		/* no Signature header */
	SIG_EALG,		/* alg present and not "ed25519" */
	SIG_ENOKEYID,		/* keyid missing */
	SIG_ENOCREATED,		/* created missing */
	SIG_EOLD,		/* created older than now - max_skew */
	SIG_EFUTURE,		/* created later than now + max_skew */
	SIG_EEXPIRED,		/* expires in the past, or before created */
	SIG_ENONONCE,		/* nonce missing or empty */
	SIG_ENOTCOVERED,	/* a required component is not covered */
	SIG_EKEYID,		/* the key lookup does not know the keyid */
	SIG_EBADSIG,		/* the signature does not verify */
	SIG_ENODIGEST,		/* a body without a Content-Digest header */
	SIG_EDIGESTALG,		/* Content-Digest without sha-256 */
	SIG_EDIGESTLEN,		/* a sha-256 digest that is not 32 bytes */
	SIG_EDIGEST,		/* Content-Digest does not match the body */
	SIG_EARG		/* a caller error: bad argument to sig_sign and such */
};

/* A short reason for a log line, e.g. "created too old". Never NULL. */
const char	*sig_strerror(int);

/*
 * One header field line of a request. Names are matched without regard to case; values are
 * as received (the library trims them).
 */
struct sig_header {
	const char	*name;
	const char	*value;
	size_t		 valuelen;	/* 0: strlen(value) */
};

/*
 * Header lookup: sets *value and *len to the n-th (from 0) field line named name (given in
 * lowercase) and returns 1, or returns 0 when there are no more.
 */
typedef int	(*sig_header_fn)(void *arg, const char *name, size_t n,
		    const char **value, size_t *len);

/*
 * The request as the server saw it. authority is the Host header (or :authority); path is
 * the path of the request target, still percent-encoded; query is what follows the '?',
 * NULL when there was no '?' at all and "" when there was one with nothing after it.
 * Header fields come from header_fn when it is set, otherwise from headers[0..nheaders).
 * body is NULL for a request without a body, and non-NULL (even when bodylen is 0) for one
 * with: then content-digest must be covered and match.
 */
struct sig_request {
	const char		*method;
	const char		*scheme;	/* "https" or "http" */
	const char		*authority;
	const char		*path;
	const char		*query;
	const struct sig_header	*headers;
	size_t			 nheaders;
	sig_header_fn		 header_fn;
	void			*header_arg;
	const void		*body;
	size_t			 bodylen;
};

/* One parsed member of Signature-Input. */
struct sig_input {
	char	 label[SIG_NAME_MAX + 1];
	char	 components[SIG_MAX_COMPONENTS][SIG_NAME_MAX + 1];
	size_t	 ncomponents;
	int64_t	 created, expires;
	int	 has_created, has_expires;
	int	 has_nonce, has_keyid, has_alg, has_tag;
	char	 nonce[SIG_PARAM_MAX + 1];
	char	 keyid[SIG_PARAM_MAX + 1];
	char	 alg[SIG_PARAM_MAX + 1];
	char	 tag[SIG_PARAM_MAX + 1];
	/* The member value in canonical serialization: the "@signature-params" value. */
	char	 params[SIG_HEADER_MAX + 1];
	size_t	 paramslen;
};

/*
 * Parses Signature-Input (all its field lines joined with ", ") and picks the member
 * label, or the first member when label is NULL. The whole field must be valid; only the
 * chosen member is checked against the rules above.
 */
int	sig_parse_input(const char *hdr, size_t len, const char *label,
	    struct sig_input *);
/* Parses Signature and decodes the member label into sig. */
int	sig_parse_signature(const char *hdr, size_t len, const char *label,
	    unsigned char sig[SIG_BYTES]);
/*
 * Appends the signature base (RFC 9421 2.5) of req for in, as sig_parse_input filled it,
 * to out; out is unchanged on error.
 */
int	sig_base_build(const struct sig_request *req, const struct sig_input *in,
	    struct buf *out);

/* Returns the public key for keyid in pk and 0, or -1 when the keyid is unknown. */
typedef int	(*sig_key_fn)(void *arg, const char *keyid,
		    unsigned char pk[SIG_PUBLICKEYBYTES]);

/* What a verification found; filled as far as parsing got, even on failure. */
struct sig_result {
	char	 label[SIG_NAME_MAX + 1];
	char	 keyid[SIG_PARAM_MAX + 1];
	char	 nonce[SIG_PARAM_MAX + 1];
	char	 tag[SIG_PARAM_MAX + 1];
	int64_t	 created, expires;
	int	 has_expires;
};

/*
 * Verifies the signature label (NULL: the first in Signature-Input) on req, with the
 * server's rules: alg "ed25519" if present; keyid, created and nonce required; created
 * within max_skew seconds of now either way; expires, if present, not past; every name in
 * required[0..nrequired) covered (required NULL: @method @authority @path @query); and when
 * req->body is set, content-digest covered and matching the body. The caller checks
 * result->nonce for replay, after SIG_OK only.
 */
int	sig_verify(const struct sig_request *req, const char *label, sig_key_fn,
	    void *key_arg, int64_t now, int64_t max_skew,
	    const char *const *required, size_t nrequired, struct sig_result *);

/* What to sign. Optional strings are NULL when absent; alg, if set, must be "ed25519". */
struct sig_sign_params {
	const char		*label;
	const char *const	*components;
	size_t			 ncomponents;
	int64_t			 created;
	int64_t			 expires;
	int			 has_expires;
	const char		*keyid;
	const char		*nonce;
	const char		*alg;
	const char		*tag;
};

/*
 * Signs req with the Ed25519 secret key sk (libsodium's 64 bytes) and appends the member
 * "label=(...);created=...;expires=...;keyid=...;nonce=...;alg=...;tag=..." to sig_input
 * and "label=:...:" to signature. Both buffers are unchanged on error.
 */
int	sig_sign(const struct sig_request *req, const struct sig_sign_params *,
	    const unsigned char sk[SIG_SECRETKEYBYTES], struct buf *sig_input,
	    struct buf *signature);

/*
 * Appends the value @authority has for AUTHORITY (a Host header: host[:port]) under SCHEME
 * (RFC 9421 2.2.3): the host in lowercase, the port left out when it is the scheme's
 * default. A server that pins its own authority compares these. out is unchanged on error.
 */
int	sig_authority_value(const char *scheme, const char *authority, struct buf *out);

/* Appends "sha-256=:BASE64:" for body to out. */
int	content_digest_compute(const void *body, size_t len, struct buf *out);
/*
 * Checks a Content-Digest header against body: the dictionary may name several
 * algorithms; sha-256 must be among them and match (constant-time). The others are ignored.
 */
int	content_digest_verify(const char *hdr, size_t hdrlen, const void *body,
	    size_t len);

#endif
