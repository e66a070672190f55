/*
 * Test support: receivers for notices on loopback, each in a thread of its own: a plain
 * SMTP server (no STARTTLS offered, no authentication) that keeps each message's envelope
 * and data, and an HTTP server that keeps each request whole and answers 200 (or a
 * failure status, when asked to). Every read and wait is bounded.
 */
#ifndef TESTS_TESTRECV_H
#define TESTS_TESTRECV_H

#include <stddef.h>

enum testrecv_kind {
	TESTRECV_SMTP,
	TESTRECV_HTTP
};

struct testrecv_msg {
	char	*data;		/* SMTP: the DATA, dots unstuffed; HTTP: head and body */
	size_t	 len;
	char	*from;		/* SMTP: MAIL FROM's argument, e.g. "<a@b.example>" */
	char	*rcpt;		/* SMTP: the RCPT TO arguments, one a line */
	double	 at;		/* when it arrived (CLOCK_MONOTONIC seconds) */
};

struct testrecv;

/* Listens on 127.0.0.1:PORT (0: any free port); NULL if it cannot. */
struct testrecv	*testrecv_start(enum testrecv_kind, int port);
int		 testrecv_port(const struct testrecv *);
/* HTTP: the next N requests are answered with STATUS (then 200 again). */
void		 testrecv_fail_next(struct testrecv *, int n, int status);
/* Waits at most TIMEOUT_MS until N messages have arrived; returns how many there are. */
size_t		 testrecv_wait(struct testrecv *, size_t n, int timeout_ms);
/* How many connections were accepted (also those that sent no message). */
size_t		 testrecv_connections(struct testrecv *);
/* A copy of message I (free with testrecv_msg_free); -1 when there is none. */
int		 testrecv_get(struct testrecv *, size_t i, struct testrecv_msg *);
void		 testrecv_msg_free(struct testrecv_msg *);
/* Stops listening, joins the thread and frees everything; NULL is fine. */
void		 testrecv_stop(struct testrecv *);
double		 testrecv_now(void);

#endif
