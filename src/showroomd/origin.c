#include "showroomd/origin.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "seal/sig.h"

static int
origin_err(char *err, size_t errlen, const char *url, const char *why)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "'%.200s': %s", url, why);
	return -1;
}

/* A host as a URL may name it: letters, digits, '-' and '.', or [IPv6]. */
static int
origin_host_ok(const char *h, size_t n)
{
	size_t i;
	char c;

	if (n == 0)
		return 0;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return 0;
		for (i = 1; i < n - 1; i++) {
			c = h[i];
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			    (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
				return 0;
		}
		return 1;
	}
	for (i = 0; i < n; i++) {
		c = h[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* The canonical @authority of AUTH under SCHEME into OUT; -1 if malformed or too long. */
static int
origin_canon(const char *scheme, const char *auth, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	int rc = -1;

	if (sig_authority_value(scheme, auth, &b) == SIG_OK && b.len > 0 && b.len < outsz) {
		memcpy(out, b.data, b.len + 1);
		rc = 0;
	}
	buf_free(&b);
	return rc;
}

int
origin_parse(const char *url, struct origin *o, char *err, size_t errlen)
{
	char auth[ORIGIN_MAX];
	const char *a, *end, *colon, *rb;
	size_t n, hostlen, i;
	unsigned long port = 0;

	memset(o, 0, sizeof(*o));
	if (strncasecmp(url, "https://", 8) == 0) {
		snprintf(o->scheme, sizeof(o->scheme), "https");
		a = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		snprintf(o->scheme, sizeof(o->scheme), "http");
		a = url + 7;
	} else
		return origin_err(err, errlen, url, "expected https://HOST[:PORT] (or http://)");
	n = strcspn(a, "/?#");
	end = a + n;
	if (strcmp(end, "") != 0 && strcmp(end, "/") != 0)
		return origin_err(err, errlen, url,
		    "an origin only, https://HOST[:PORT]: no path, query or fragment");
	if (n == 0 || n >= sizeof(auth) || memchr(a, '@', n) != NULL)
		return origin_err(err, errlen, url, "expected a host (and no user name)");
	memcpy(auth, a, n);
	auth[n] = '\0';
	if (auth[0] == '[') {
		rb = strchr(auth, ']');
		colon = rb != NULL && rb[1] == ':' ? rb + 1 : NULL;
		hostlen = rb != NULL ? (size_t)(rb - auth) + 1 : 0;
	} else {
		colon = strchr(auth, ':');
		hostlen = colon != NULL ? (size_t)(colon - auth) : n;
	}
	if ((colon == NULL && hostlen != n) || !origin_host_ok(auth, hostlen))
		return origin_err(err, errlen, url, "not a host name or address");
	if (colon != NULL) {
		for (i = 1; colon[i] != '\0' && i <= 5; i++) {
			if (colon[i] < '0' || colon[i] > '9')
				break;
			port = port * 10 + (unsigned long)(colon[i] - '0');
		}
		if (i == 1 || colon[i] != '\0' || port == 0 || port > 65535)
			return origin_err(err, errlen, url, "the port must be 1 to 65535");
	}
	if (origin_canon(o->scheme, auth, o->authority, sizeof(o->authority)) == -1)
		return origin_err(err, errlen, url, "not a host name or address");
	snprintf(o->origin, sizeof(o->origin), "%s://%s", o->scheme, o->authority);
	return 0;
}

/* A header's value as a string, if it fits. */
static int
origin_copy(const char *v, size_t len, char *out, size_t outsz)
{
	if (v == NULL || len >= outsz || memchr(v, '\0', len) != NULL)
		return -1;
	memcpy(out, v, len);
	out[len] = '\0';
	return 0;
}

int
origin_host_is(const struct origin *o, const char *host, size_t len)
{
	char h[ORIGIN_MAX], canon[ORIGIN_MAX];

	return origin_copy(host, len, h, sizeof(h)) == 0 &&
	    origin_canon(o->scheme, h, canon, sizeof(canon)) == 0 &&
	    strcmp(canon, o->authority) == 0;
}

int
origin_form_ok(const struct origin *pub, const struct app_request *rq)
{
	struct origin from;
	const char *v;
	char s[ORIGIN_MAX + 8];
	size_t len;

	/* same-site too: another host of the brand's domain (a campaign site, a blog, an
	 * agency's page) has no business posting these forms; they post to their own page */
	v = rq->header(rq->header_arg, "Sec-Fetch-Site", &len);
	if (v != NULL && ((len == 10 && strncasecmp(v, "cross-site", 10) == 0) ||
	    (len == 9 && strncasecmp(v, "same-site", 9) == 0)))
		return 0;
	/*
	 * "null" says nothing either way: browsers send it for the site's own posts, since
	 * its pages have Referrer-Policy: no-referrer, and also from a sandboxed frame or a
	 * page that hides its origin. Sec-Fetch-Site, checked above, tells those apart.
	 */
	if ((v = rq->header(rq->header_arg, "Origin", &len)) == NULL ||
	    (len == 4 && memcmp(v, "null", 4) == 0))
		return 1;
	if (origin_copy(v, len, s, sizeof(s)) == -1 || origin_parse(s, &from, NULL, 0) == -1 ||
	    (len > 0 && s[len - 1] == '/'))
		return 0;
	if (pub != NULL)
		return strcmp(from.origin, pub->origin) == 0;
	/* without --public-url: the host the browser was talking to, by either scheme, since
	 * TLS may end at a proxy in front */
	v = rq->header(rq->header_arg, "Host", &len);
	return v != NULL && origin_host_is(&from, v, len);
}
