/*
 * showroom office: the back office as a local web application, beside the secret key.
 * What its files share (see docs/BACKOFFICE.md):
 *
 *   cmd_office.c      options, the passphrase, the loop: requests, idle lock, timed pull
 *   office_auth.c     pure checks: the listen address (loopback only), Host, tokens
 *   office_http.c     libmicrohttpd glue: Host, session cookie, CSRF, routes, replies
 *   office_view.c     templates (templates/office/), UI strings, the common context
 *   office_hq.c       the clerk: inbox, record, export, handled, keep longer, ack
 *   office_dealer.c   the dealer: day list, week, booking, confirm or decline, files
 *   office_calendar.c the dealer's calendar on the server: close, reopen, demo cars
 *   office_admin.c    for both: pull, unlock, language, audit log, keyring, status
 *
 * One thread does everything (libmicrohttpd's external loop): the store, the key and
 * the session are never touched by two requests at once.
 */
#ifndef SHOWROOM_OFFICE_INT_H
#define SHOWROOM_OFFICE_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/i18n.h"
#include "seal/form.h"
#include "showroom/office/bo.h"

#define OFFICE_PAGE		50		/* inbox rows a page */
#define OFFICE_IDLE_DEFAULT	(15 * 60)	/* seconds without a request: key wiped */
#define OFFICE_PULL_DEFAULT	120		/* seconds between pulls */
#define OFFICE_HEX		64		/* tokens: 32 random bytes in hex */
#define OFFICE_COOKIE		"showroom_office"
#define OFFICE_MAX_BODY		(16 * 1024)
#define OFFICE_KEYRING_WARN	(30 * 86400)	/* warn a month before the keyring expires */

/* ---- office_auth.c: pure functions ---- */

/*
 * Parses "ADDR:PORT" ("127.0.0.1:8470", "[::1]:0") into SA. -1 with a reason when it is
 * malformed or not a loopback address (127.0.0.0/8, ::1): the office never listens on
 * a network.
 */
int	office_listen_parse(const char *s, struct sockaddr_storage *sa, socklen_t *len,
	    char *err, size_t errlen);
/* "127.0.0.1:PORT" or "[::1]:PORT" for a bound address: the one Host header allowed. */
void	office_host_string(const struct sockaddr_storage *sa, char *out, size_t outlen);
/* 1 when the Host header H (may be NULL) names exactly WANT (case-insensitive). */
int	office_host_ok(const char *h, const char *want);
/* 1 when GIVEN equals the token WANT (OFFICE_HEX hex digits), in constant time; an
 * empty WANT (used up) matches nothing. */
int	office_token_ok(const char *given, const char *want);
/* A fresh random token of OFFICE_HEX hex digits. */
void	office_token_new(char out[OFFICE_HEX + 1]);
/* A local path to go back to after a form ("/inbox?page=2"), else "/". */
const char	*office_local_path(const char *s);

/* ---- the state ---- */

struct office_sess {
	int		 active;
	char		 id[OFFICE_HEX + 1];	/* the cookie */
	char		 csrf[OFFICE_HEX + 1];	/* in every form */
	enum lang	 lang;
	int64_t		 visit_mark;	/* the last visit before this one: newer is new */
	struct buf	 flash;		/* a message for the next page */
	int		 flash_error;
};

struct office_view;

struct office {
	struct bo		 b;
	struct office_view	*view;
	char			 host[80];	/* the Host header allowed */
	char			 origin[96];	/* "http://" host */
	char			 token[OFFICE_HEX + 1];	/* "" once used */
	struct office_sess	 sess;
	enum lang		 lang0;		/* the configured language */
	unsigned		 idle_s, pull_s;
	int64_t			 last_active;	/* monotonic seconds */
	int64_t			 next_pull;	/* monotonic seconds; 0: now */
	time_t			 pulled_at;	/* the last pull, wall clock; 0: none */
	int			 pull_failed;
	char			 pull_msg[512];	/* its outcome, free of personal data */
	json_t			*catalog;	/* dealer and model names; may be NULL */
	char			*exports_dir;	/* STORE/exports/KEY_ID */
	char			 here[640];	/* this request's path and query: "next" */
};

int64_t	office_now(void);			/* monotonic seconds */
/* Pulls now (when the key is open): status in pull_msg; an exit code. */
int	office_pull(struct office *);

/* ---- requests and replies ---- */

struct office_req {
	const char	*method;
	const char	*path;		/* without the query */
	const char	*arg;		/* the path after the route's prefix */
	struct form	 q;		/* the query string */
	struct form	 f;		/* the POST body */
	int		 post;
};

struct office_reply {
	unsigned	 status;
	struct buf	 body;		/* wiped once sent: it may hold personal data */
	const char	*ctype;
	char		 location[512];
	char		 filename[128];	/* set: an attachment */
	char		 cookie[160];
	int		 cacheable;	/* assets; else no-store */
};

typedef void	(*office_fn)(struct office *, struct office_req *, struct office_reply *);

/* ---- office_view.c ---- */

struct office_view	*office_view_load(const char *dir, char *err, size_t errlen);
void			 office_view_free(struct office_view *);
/* An asset (office.css, print.css, office.js), or NULL. */
const char	*office_view_asset(const struct office_view *, const char *name, size_t *len,
		    const char **ctype);
/* A UI string of templates/office/i18n/L.json (the key itself when missing). */
const char	*office_str(const struct office *, const char *key);
/* Renders page NAME with CTX (taken over) and the common context: 200 into RP. */
void		 office_page(struct office *, struct office_reply *, const char *name,
		    json_t *ctx);
/* The message page: a heading and a sentence (keys of the strings), STATUS. */
void		 office_message(struct office *, struct office_reply *, unsigned status,
		    const char *heading, const char *text);
/* 303 to PATH, with a message for the next page (NULL: none). */
void		 office_redirect(struct office *, struct office_reply *, const char *path,
		    int error, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* How many new items the title counts: unread requests (HQ), new bookings (dealer). */
size_t		 office_unread(struct office *);
/* A string for a page: cleaned of control and bidi characters (bookings_text). */
json_t		*office_text(const char *s, int lines);
/* "2026-12-01 09:30" in Japan time, or "" for 0. */
json_t		*office_time(time_t t);

/* ---- pages ---- */

void	office_hq_inbox(struct office *, struct office_req *, struct office_reply *);
void	office_hq_record(struct office *, struct office_req *, struct office_reply *);
void	office_hq_handled(struct office *, struct office_req *, struct office_reply *);
void	office_hq_export(struct office *, struct office_req *, struct office_reply *);
void	office_hq_keep(struct office *, struct office_req *, struct office_reply *);
void	office_ack_page(struct office *, struct office_req *, struct office_reply *);
void	office_ack_post(struct office *, struct office_req *, struct office_reply *);
void	office_dealer_day(struct office *, struct office_req *, struct office_reply *);
void	office_dealer_week(struct office *, struct office_req *, struct office_reply *);
void	office_dealer_booking(struct office *, struct office_req *, struct office_reply *);
void	office_dealer_decide(struct office *, struct office_req *, struct office_reply *);
void	office_dealer_calendar(struct office *, struct office_req *, struct office_reply *);
void	office_dealer_calendar_post(struct office *, struct office_req *,
	    struct office_reply *);
/* The decline reasons for a select: [{code, label, selected}], SEL selected. */
json_t	*office_reasons(struct office *, const char *sel);
void	office_dealer_file(struct office *, struct office_req *, struct office_reply *);
void	office_home(struct office *, struct office_req *, struct office_reply *);
void	office_pull_post(struct office *, struct office_req *, struct office_reply *);
void	office_unlock_page(struct office *, struct office_req *, struct office_reply *);
void	office_unlock_post(struct office *, struct office_req *, struct office_reply *);
void	office_lang_post(struct office *, struct office_req *, struct office_reply *);
void	office_audit_page(struct office *, struct office_req *, struct office_reply *);
void	office_keyring_page(struct office *, struct office_req *, struct office_reply *);
void	office_status(struct office *, struct office_req *, struct office_reply *);
void	office_lock_post(struct office *, struct office_req *, struct office_reply *);
void	office_file_get(struct office *, struct office_req *, struct office_reply *);
/* A file of STORE/exports as an attachment named NAME; 500 page when unreadable. */
void	office_send_file(struct office *, struct office_reply *, const char *path,
	    const char *name, const char *ctype);

/* ---- office_http.c ---- */

struct office_http;

struct office_http	*office_http_start(struct office *, int listen_fd, char *err,
			    size_t errlen);
/* Serves for up to MS milliseconds. */
void			 office_http_run(struct office_http *, int ms);
void			 office_http_stop(struct office_http *);

#endif
