/* Test support: run showroomd on a loopback port, and talk raw HTTP/1.1 to it. */
#ifndef TESTS_TESTSRV_H
#define TESTS_TESTSRV_H

#include <stddef.h>
#include <sys/types.h>

struct testsrv {
	pid_t	pid;
	int	port;
	char	log[256];	/* its stderr */
	char	url[64];	/* "http://127.0.0.1:PORT", its --public-url (testsrv_start_public) */
};

/* Starts BUILD/showroomd with ARGS (NULL-terminated; --listen is added) and waits until it
 * listens. BUILD comes from $SHOWROOM_BUILD (default "build"). Returns -1 if it did not
 * start within 10 s. */
int	testsrv_start(struct testsrv *, const char *const *args);
/* The same on a port chosen first, with --public-url http://127.0.0.1:PORT (s->url), so
 * that clients given that URL as their server sign what it pins. */
int	testsrv_start_public(struct testsrv *, const char *const *args);
/* Runs BUILD/showroom with ARGS (NULL-terminated); returns its exit status. */
int	testsrv_showroom(const char *const *args);
/* The same, with stdout and stderr captured into *out and *err (caller frees), through
 * files in DIR. Returns its exit status, or -1 when it could not run. */
int	testsrv_showroom_capture(const char *dir, const char *const *args, char **out,
	    char **err);
/* Sends SIG and waits (at most 10 s) for it to exit; returns its exit status or -1. */
int	testsrv_stop(struct testsrv *, int sig);
/* The server's stderr so far (caller frees). */
char	*testsrv_log(const struct testsrv *);
/* A template "$TMPDIR/STEM-XXXXXX" (/tmp when TMPDIR is unset) for mkdtemp or mkstemp, in OUT;
 * -1 if it does not fit. make test gives every test program a TMPDIR it must leave empty. */
int	testsrv_tmpname(char *out, size_t outlen, const char *stem);
/* Path of a built binary or site: "$SHOWROOM_BUILD/NAME". */
const char *testsrv_path(const char *name);

struct http_reply {
	int	 status;
	char	*head;		/* status line and headers, NUL-terminated */
	char	*body;
	size_t	 body_len;
};

/* A connected loopback socket to PORT (with SO_RCVBUF set when RCVBUF > 0), or -1. */
int	http_connect(int port, int rcvbuf);
/* Reads one reply from FD (the rest of it, if some was read already, is lost). */
int	http_reply_read(int fd, int is_head, struct http_reply *);
/* Sends REQ verbatim on a new connection; reads one reply. HEAD-aware when is_head. */
int	http_raw(int port, const char *req, size_t reqlen, int is_head, struct http_reply *);
/* GET PATH with extra header lines (each ending in \r\n, or NULL). */
int	http_get(int port, const char *path, const char *extra, struct http_reply *);
/* GETs each of PATHS in turn on one kept-alive connection; -1 if one reply is missing. */
int	http_get_keepalive(int port, const char *const *paths, size_t n, const char *extra,
	    struct http_reply *);
/* POST BODY (application/x-www-form-urlencoded) to PATH. */
int	http_post(int port, const char *path, const char *body, struct http_reply *);
/* Value of header NAME in the reply (case-insensitive), copied into out; NULL if absent. */
const char *http_header_get(const struct http_reply *, const char *name, char *out, size_t);
void	http_reply_free(struct http_reply *);

#endif
