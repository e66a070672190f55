/*
 * The back office's HTTP client for the key holders' API (libcurl). Every request is
 * signed with RFC 9421 (ed25519) by the identity's signing key: components @method,
 * @authority, @path, @query, and content-digest for a body; created = now, a fresh
 * 16-byte random nonce (hex) and keyid = the identity's key id.
 *
 * The server URL is https://HOST[:PORT][/PREFIX]. Plain http:// is accepted only for a
 * loopback host (127.0.0.1, ::1, localhost), for tests and a local demo: personal data
 * never crosses a network unencrypted.
 */
#ifndef SHOWROOM_CLIENT_H
#define SHOWROOM_CLIENT_H

#include <stddef.h>

#include "lib/buf.h"
#include "seal/keys.h"

#define CLIENT_TIMEOUT		60	/* seconds for a whole request */
#define CLIENT_CONNECT_TIMEOUT	10
#define CLIENT_MAX_REPLY	(64u * 1024 * 1024)	/* a larger reply is CLIENT_E_PROTO */
#define CLIENT_REASON_MAX	200	/* bytes of a server's reason shown, escaped */
/* The largest request body showroomd reads (APP_MAX_BODY in src/showroomd/app.h; the
 * back-office test checks that they agree): a longer one is answered 413 unread. */
#define CLIENT_MAX_BODY		(16u * 1024)

enum client_status {
	CLIENT_OK = 0,
	CLIENT_E_USAGE,		/* a malformed URL, or http:// to a host that is not loopback */
	CLIENT_E_CONNECT,	/* the server cannot be reached: "cannot reach server URL: ..." */
	CLIENT_E_AUTH,		/* 401: the server's reason is in the message (escaped) */
	CLIENT_E_HTTP,		/* any other status than 200 */
	CLIENT_E_PROTO,		/* a reply that is not what the API promises: too large */
	CLIENT_E_NOMEM
};

struct client;

struct client_reply {
	long		status;
	struct buf	body;		/* NUL-terminated */
};

/* ID may be NULL for unsigned requests to public endpoints. */
int	client_new(const char *url, const struct keys_identity *id, struct client **,
	    char *err, size_t errlen);
void	client_free(struct client *);
/* PATH starts with "/" and is appended to the URL's own path; QUERY is NULL or the
 * part after '?'. 200: CLIENT_OK with the body in R (free with client_reply_free). */
int	client_get(struct client *, const char *path, const char *query,
	    struct client_reply *r, char *err, size_t errlen);
/* POSTs BODY as application/json. */
int	client_post_json(struct client *, const char *path, const char *body, size_t len,
	    struct client_reply *r, char *err, size_t errlen);
void	client_reply_free(struct client_reply *);

#endif
