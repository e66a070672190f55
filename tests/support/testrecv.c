#include "testrecv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RECV_MAX_MSGS	64
#define RECV_MAX_BYTES	(1024 * 1024)
#define RECV_IO_MS	5000	/* one read or write at most */

struct testrecv {
	enum testrecv_kind	 kind;
	int			 fd;
	int			 port;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cond;
	int			 stop;
	int			 fail_n;
	int			 fail_status;
	size_t			 nconn;
	struct testrecv_msg	 msgs[RECV_MAX_MSGS];
	size_t			 nmsgs;
};

/* One connection's input, line by line or by length. */
struct conn {
	int	 fd;
	char	 buf[8192];
	size_t	 len;
};

double
testrecv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
conn_fill(struct conn *c)
{
	struct pollfd p = { c->fd, POLLIN, 0 };
	ssize_t n;

	if (c->len == sizeof(c->buf) || poll(&p, 1, RECV_IO_MS) != 1)
		return -1;
	if ((n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len)) <= 0)
		return -1;
	c->len += (size_t)n;
	return 0;
}

/* The next line without its CRLF, into out; -1 on EOF, timeout or an overlong line. */
static int
conn_line(struct conn *c, char *out, size_t outsz)
{
	char *nl;
	size_t n;

	while ((nl = memchr(c->buf, '\n', c->len)) == NULL)
		if (conn_fill(c) == -1)
			return -1;
	n = (size_t)(nl - c->buf) + 1;
	if (n >= outsz)
		return -1;
	memcpy(out, c->buf, n);
	out[n] = '\0';
	if (n >= 2 && out[n - 2] == '\r')
		out[n - 2] = '\0';
	else
		out[n - 1] = '\0';
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	return 0;
}

static int
conn_say(struct conn *c, const char *s)
{
	size_t off = 0, len = strlen(s);
	ssize_t n;

	while (off < len) {
		if ((n = write(c->fd, s + off, len - off)) <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

static int
msg_append(char **p, size_t *len, const char *s, size_t n)
{
	char *q;

	if (*len + n > RECV_MAX_BYTES || (q = realloc(*p, *len + n + 1)) == NULL)
		return -1;
	memcpy(q + *len, s, n);
	*len += n;
	q[*len] = '\0';
	*p = q;
	return 0;
}

static void
recv_keep(struct testrecv *r, struct testrecv_msg *m)
{
	m->at = testrecv_now();
	pthread_mutex_lock(&r->mu);
	if (r->nmsgs < RECV_MAX_MSGS) {
		r->msgs[r->nmsgs++] = *m;
		memset(m, 0, sizeof(*m));
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
	testrecv_msg_free(m);
}

/* The DATA up to the line ".", dots unstuffed, CRLF kept. */
static int
smtp_data(struct conn *c, struct testrecv_msg *m)
{
	char line[2048];
	const char *l;

	while (conn_line(c, line, sizeof(line)) == 0) {
		if (strcmp(line, ".") == 0)
			return 0;
		l = line[0] == '.' ? line + 1 : line;
		if (msg_append(&m->data, &m->len, l, strlen(l)) == -1 ||
		    msg_append(&m->data, &m->len, "\r\n", 2) == -1)
			return -1;
	}
	return -1;
}

static void
smtp_session(struct testrecv *r, struct conn *c)
{
	struct testrecv_msg m;
	char line[2048];
	size_t dummy = 0;

	memset(&m, 0, sizeof(m));
	if (conn_say(c, "220 receiver.test ESMTP test receiver\r\n") == -1)
		return;
	while (conn_line(c, line, sizeof(line)) == 0) {
		if (strncasecmp(line, "EHLO", 4) == 0)
			conn_say(c, "250-receiver.test\r\n250 8BITMIME\r\n");
		else if (strncasecmp(line, "HELO", 4) == 0)
			conn_say(c, "250 receiver.test\r\n");
		else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			free(m.from);
			m.from = strdup(line + 10);
			conn_say(c, "250 ok\r\n");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			dummy = m.rcpt ? strlen(m.rcpt) : 0;
			msg_append(&m.rcpt, &dummy, line + 8, strlen(line + 8));
			msg_append(&m.rcpt, &dummy, "\n", 1);
			conn_say(c, "250 ok\r\n");
		} else if (strcasecmp(line, "DATA") == 0) {
			conn_say(c, "354 go ahead\r\n");
			if (smtp_data(c, &m) == -1)
				break;
			conn_say(c, "250 ok: queued\r\n");
			recv_keep(r, &m);
		} else if (strcasecmp(line, "QUIT") == 0) {
			conn_say(c, "221 bye\r\n");
			break;
		} else if (strcasecmp(line, "RSET") == 0 || strcasecmp(line, "NOOP") == 0)
			conn_say(c, "250 ok\r\n");
		else
			conn_say(c, "502 not here\r\n");	/* STARTTLS, AUTH, ... */
	}
	testrecv_msg_free(&m);
}

static void
http_session(struct testrecv *r, struct conn *c)
{
	struct testrecv_msg m;
	char line[4096], reply[128];
	size_t want = 0, n;
	int status = 200;

	memset(&m, 0, sizeof(m));
	for (;;) {
		if (conn_line(c, line, sizeof(line)) == -1)
			goto out;
		if (msg_append(&m.data, &m.len, line, strlen(line)) == -1 ||
		    msg_append(&m.data, &m.len, "\r\n", 2) == -1)
			goto out;
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			want = (size_t)strtoul(line + 15, NULL, 10);
		if (line[0] == '\0')
			break;
	}
	if (want > RECV_MAX_BYTES)
		goto out;
	while (c->len < want)
		if (conn_fill(c) == -1)
			goto out;
	n = want;
	if (msg_append(&m.data, &m.len, c->buf, n) == -1)
		goto out;
	pthread_mutex_lock(&r->mu);
	if (r->fail_n > 0) {
		r->fail_n--;
		status = r->fail_status;
	}
	pthread_mutex_unlock(&r->mu);
	snprintf(reply, sizeof(reply), "HTTP/1.1 %d %s\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n", status, status == 200 ? "OK" : "Failing");
	conn_say(c, reply);
	if (status == 200)
		recv_keep(r, &m);
out:
	testrecv_msg_free(&m);
}

static void *
recv_run(void *arg)
{
	struct testrecv *r = arg;
	struct pollfd p;
	struct conn c;
	int fd, stop;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		stop = r->stop;
		pthread_mutex_unlock(&r->mu);
		if (stop)
			break;
		p.fd = r->fd;
		p.events = POLLIN;
		if (poll(&p, 1, 100) != 1 || (fd = accept(r->fd, NULL, NULL)) == -1)
			continue;
		pthread_mutex_lock(&r->mu);
		r->nconn++;
		pthread_mutex_unlock(&r->mu);
		memset(&c, 0, sizeof(c));
		c.fd = fd;
		if (r->kind == TESTRECV_SMTP)
			smtp_session(r, &c);
		else
			http_session(r, &c);
		close(fd);
	}
	return NULL;
}

struct testrecv *
testrecv_start(enum testrecv_kind kind, int port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct testrecv *r;
	int one = 1;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->kind = kind;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((r->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(r->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(r->fd, 16) == -1 ||
	    getsockname(r->fd, (struct sockaddr *)&sa, &sl) == -1) {
		if (r->fd != -1)
			close(r->fd);
		free(r);
		return NULL;
	}
	r->port = ntohs(sa.sin_port);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cond, NULL);
	if (pthread_create(&r->thread, NULL, recv_run, r) != 0) {
		close(r->fd);
		free(r);
		return NULL;
	}
	return r;
}

int
testrecv_port(const struct testrecv *r)
{
	return r->port;
}

void
testrecv_fail_next(struct testrecv *r, int n, int status)
{
	pthread_mutex_lock(&r->mu);
	r->fail_n = n;
	r->fail_status = status;
	pthread_mutex_unlock(&r->mu);
}

size_t
testrecv_wait(struct testrecv *r, size_t n, int timeout_ms)
{
	struct timespec dl;
	size_t got;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&r->mu);
	while (r->nmsgs < n)
		if (pthread_cond_timedwait(&r->cond, &r->mu, &dl) == ETIMEDOUT)
			break;
	got = r->nmsgs;
	pthread_mutex_unlock(&r->mu);
	return got;
}

size_t
testrecv_connections(struct testrecv *r)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = r->nconn;
	pthread_mutex_unlock(&r->mu);
	return n;
}

static char *
dup_or_null(const char *s, size_t len)
{
	char *p;

	if (s == NULL || (p = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int
testrecv_get(struct testrecv *r, size_t i, struct testrecv_msg *out)
{
	const struct testrecv_msg *m;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&r->mu);
	if (i < r->nmsgs) {
		m = &r->msgs[i];
		out->data = dup_or_null(m->data, m->len);
		out->len = m->len;
		out->from = m->from ? dup_or_null(m->from, strlen(m->from)) : NULL;
		out->rcpt = m->rcpt ? dup_or_null(m->rcpt, strlen(m->rcpt)) : NULL;
		out->at = m->at;
		rc = out->data != NULL ? 0 : -1;
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

void
testrecv_msg_free(struct testrecv_msg *m)
{
	free(m->data);
	free(m->from);
	free(m->rcpt);
	memset(m, 0, sizeof(*m));
}

void
testrecv_stop(struct testrecv *r)
{
	size_t i;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	close(r->fd);
	for (i = 0; i < r->nmsgs; i++)
		testrecv_msg_free(&r->msgs[i]);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cond);
	free(r);
}
