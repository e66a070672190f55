/* The office's pure checks: loopback addresses, the Host header, one-time tokens. */
#include "showroom/office/office_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
office_port(const char *s, unsigned *port)
{
	unsigned long v = 0;
	size_t i;

	if (s[0] == '\0' || strlen(s) > 5)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

int
office_listen_parse(const char *s, struct sockaddr_storage *sa, socklen_t *len, char *err,
    size_t errlen)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
	char host[64];
	const char *colon, *h = s;
	size_t hl;
	unsigned port;

	memset(sa, 0, sizeof(*sa));
	if (s == NULL || (colon = strrchr(s, ':')) == NULL || office_port(colon + 1, &port))
		return errbuf_set(err, errlen, "--listen wants ADDRESS:PORT, e.g. 127.0.0.1:8470");
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		h = s + 1;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return errbuf_set(err, errlen, "--listen wants ADDRESS:PORT, e.g. 127.0.0.1:8470");
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127)
			goto not_loopback;
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr))
			goto not_loopback;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return 0;
	}
	return errbuf_set(err, errlen, "--listen %s: give a numeric loopback address "
	    "(127.0.0.1 or [::1])", s);
not_loopback:
	memset(sa, 0, sizeof(*sa));
	return errbuf_set(err, errlen, "--listen %s: the office listens on a loopback address "
	    "only (127.0.0.1 or [::1]), never on a network", s);
}

void
office_host_string(const struct sockaddr_storage *sa, char *out, size_t outlen)
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;
	char a[INET6_ADDRSTRLEN];

	if (sa->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &v6->sin6_addr, a, sizeof(a));
		snprintf(out, outlen, "[%s]:%u", a, ntohs(v6->sin6_port));
	} else {
		inet_ntop(AF_INET, &v4->sin_addr, a, sizeof(a));
		snprintf(out, outlen, "%s:%u", a, ntohs(v4->sin_port));
	}
}

/* A name that resolves to 127.0.0.1 (DNS rebinding) is another Host: refused. */
int
office_host_ok(const char *h, const char *want)
{
	return h != NULL && strcasecmp(h, want) == 0;
}

int
office_token_ok(const char *given, const char *want)
{
	if (given == NULL || want[0] == '\0' || strlen(given) != OFFICE_HEX ||
	    strlen(want) != OFFICE_HEX)
		return 0;
	return sodium_memcmp(given, want, OFFICE_HEX) == 0;
}

void
office_token_new(char out[OFFICE_HEX + 1])
{
	unsigned char r[OFFICE_HEX / 2];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, OFFICE_HEX + 1, r, sizeof(r));
	sodium_memzero(r, sizeof(r));
}

const char *
office_local_path(const char *s)
{
	size_t i;

	/* "/x" but not "//host" or "/\host", which browsers take for another origin */
	if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\' || strlen(s) > 400)
		return "/";
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x21 || s[i] == 0x7f || s[i] == '\\')
			return "/";
	return s;
}
