/*
 * Notices: when records wait for a key holder, showroomd tells them so, by e-mail (SMTP
 * with STARTTLS, libcurl) or a signed webhook, at most once per interval. A notice says
 * who it is for, how many new records of which kind wait, and where the office is:
 * never a name, contact, note, model or slot. The store's outbox (store_notice_next)
 * makes it durable and sent once across nodes; this module reads the configuration,
 * words the messages (pure functions, fuzzed) and runs the sender thread.
 *
 * Configuration (--notify FILE, JSON; docs/OPERATIONS.md):
 *   {"interval": 300, "retry": 60, "retry_max": 3600, "give_up": 86400, "poll": 5,
 *    "office_url": "https://office.example.jp/",
 *    "recipients": {
 *      "dealer:CODE" | "hq" | "key:KEY_ID": {
 *        "email": {"url": "smtp://mail.example.jp:587", "from": ADDR, "to": [ADDR, ...],
 *                  "username": U, "password": P, "starttls": true},
 *        "webhook": {"url": "https://chat.example.jp/hook/...", "secret": S},
 *        "office_url": URL}}}
 * smtp:// always requires STARTTLS (smtps:// is TLS from the start); "starttls": false is
 * accepted for a loopback host only (tests). A webhook URL is https://, or http:// for a
 * loopback host only.
 */
#ifndef SHOWROOMD_NOTIFY_H
#define SHOWROOMD_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/buf.h"
#include "store/store.h"

#define NOTIFY_MAX_FILE		(256 * 1024)
#define NOTIFY_MAX_RECIPIENTS	4096
#define NOTIFY_MAX_TO		10
#define NOTIFY_SECRET_MIN	16	/* bytes of a webhook secret */
#define NOTIFY_SIG_HEADER	"Showroom-Signature"

struct notify_email {
	char		*url;		/* smtp://HOST[:PORT] or smtps://... */
	char		*from;
	char		*to[NOTIFY_MAX_TO];
	size_t		 nto;
	char		*username;	/* NULL: no authentication */
	char		*password;
	int		 starttls;	/* required; 0 only for a loopback host */
};

struct notify_webhook {
	char		*url;
	char		*secret;
};

struct notify_recipient {
	char			*selector;	/* "hq", "dealer:CODE" or "key:KEY_ID" */
	char			*office_url;	/* NULL: the configuration's */
	struct notify_email	*email;
	struct notify_webhook	*webhook;
};

struct notify_config {
	struct store_notice_policy	 policy;
	unsigned int			 poll;		/* seconds between looks */
	char				*office_url;	/* may be NULL */
	struct notify_recipient		*r;
	size_t				 nr;
};

/* Parses a configuration; 0, or -1 with the reason (file path and JSON path) in err. */
int	notify_config_parse(const char *buf, size_t len, struct notify_config *,
	    char *err, size_t errlen);
int	notify_config_read(const char *path, struct notify_config *, char *err,
	    size_t errlen);
/* Wipes the secrets and frees; a zeroed struct is fine. */
void	notify_config_free(struct notify_config *);

/* The recipient a key's notices go to: "key:ID", else "dealer:CODE" (role DEALER) or
 * "hq" (HQ); NULL when none. ROLE is an enum keys_role, 0 when the key is unknown. */
const struct notify_recipient *notify_find(const struct notify_config *, const char *key_id,
	    int role, const char *dealer);

/* What a notice says, by kind: "hq" or "dealer CODE" as WHO. */
struct notify_msg {
	const char		*who;		/* "dealer tokyo-setagaya", "hq", or the key */
	const char		*selector;	/* the recipient's selector */
	const char		*office_url;	/* NULL: none */
	const struct store_notice *n;
	int64_t			 now;
};

/* The e-mail (headers and a base64 text/plain body, CRLF lines) and the webhook's JSON
 * body. Both carry only the counts, the recipient and the office's URL. 0 or -1. */
int	notify_mail(const struct notify_msg *, const struct notify_email *,
	    const char *msgid, struct buf *out);
int	notify_webhook_body(const struct notify_msg *, struct buf *out);
/* The text both say, in both languages (also the webhook's "text"). */
int	notify_text(const struct notify_msg *, struct buf *out);
/* "t=T, v1=HEX(HMAC-SHA256(secret, T "." body))" into out (at least 96 bytes). */
void	notify_signature(const char *secret, int64_t t, const char *body, size_t len,
	    char *out, size_t outsz);

struct notify;

/* Starts the sender thread over ST with CFG (which must outlive it). NULL with err. */
struct notify	*notify_start(struct store *, const struct notify_config *, char *err,
		    size_t errlen);
/* Stops it (a transfer under way is cut short) and frees it; NULL is fine. */
void		 notify_stop(struct notify *);

#endif
