#include "testsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"

const char *
testsrv_path(const char *name)
{
	static char path[4][512];
	static int slot;
	const char *b = getenv("SHOWROOM_BUILD");

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", b ? b : "build", name);
	return path[slot];
}

char *
testsrv_log(const struct testsrv *s)
{
	char *data = NULL;
	size_t len;

	if (fs_read_file(s->log, &data, &len) == -1)
		return strdup("");
	return data;
}

static void
testsrv_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Server logs made by this test program, removed when it exits. */
static char	**testsrv_logs;
static size_t	  testsrv_nlogs;

static void
testsrv_remove_logs(void)
{
	size_t i;

	for (i = 0; i < testsrv_nlogs; i++) {
		/* kept on request, to read after a failure */
		if (getenv("SHOWROOM_TEST_KEEP_LOGS") == NULL)
			unlink(testsrv_logs[i]);
		free(testsrv_logs[i]);
	}
	free(testsrv_logs);
	testsrv_logs = NULL;
	testsrv_nlogs = 0;
}

int
testsrv_tmpname(char *out, size_t outlen, const char *stem)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	n = snprintf(out, outlen, "%s/%s-XXXXXX", tmp != NULL && tmp[0] == '/' ? tmp : "/tmp",
	    stem);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* Creates s->log with a name nobody else can have chosen first (mkostemp, mode 0600), and
 * records it for removal at exit. Returns its descriptor, or -1. */
static int
testsrv_log_create(struct testsrv *s)
{
	char **grown, *copy;
	int fd;

	if (testsrv_tmpname(s->log, sizeof(s->log), "showroom-test") == -1 ||
	    (fd = mkostemp(s->log, O_CLOEXEC)) == -1)
		return -1;
	grown = realloc(testsrv_logs, (testsrv_nlogs + 1) * sizeof(*grown));
	copy = strdup(s->log);
	if (grown != NULL)
		testsrv_logs = grown;
	if (grown == NULL || copy == NULL) {
		free(copy);
		close(fd);
		unlink(s->log);
		return -1;
	}
	if (testsrv_nlogs == 0)
		atexit(testsrv_remove_logs);
	testsrv_logs[testsrv_nlogs++] = copy;
	return fd;
}

/* Starts showroomd with ARGS, --listen ADDR and, if URL, --public-url URL. */
static int
testsrv_spawn(struct testsrv *s, const char *const *args, const char *addr,
    const char *url)
{
	const char *argv[64];
	char *log, *p;
	int n = 0, i, fd;

	memset(s, 0, sizeof(*s));
	if ((fd = testsrv_log_create(s)) == -1)
		return -1;
	if (url != NULL)
		snprintf(s->url, sizeof(s->url), "%s", url);
	argv[n++] = testsrv_path("showroomd");
	for (i = 0; args[i] != NULL && n < 58; i++)
		argv[n++] = args[i];
	argv[n++] = "--listen";
	argv[n++] = addr;
	if (url != NULL) {
		argv[n++] = "--public-url";
		argv[n++] = url;
	}
	argv[n] = NULL;
	if ((s->pid = fork()) == -1) {
		close(fd);
		return -1;
	}
	if (s->pid == 0) {
		dup2(fd, STDERR_FILENO);
		/* never hold the test runner's pipe, and never outlive a test that died */
		dup2(fd, STDOUT_FILENO);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(fd);
	for (i = 0; i < 200; i++) {	/* 10 s */
		testsrv_sleep_ms(50);
		log = testsrv_log(s);
		p = strstr(log, "(port ");
		if (p != NULL)
			s->port = atoi(p + 6);
		free(log);
		if (s->port > 0)
			return 0;
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
	}
	testsrv_stop(s, SIGKILL);
	return -1;
}

int
testsrv_start(struct testsrv *s, const char *const *args)
{
	return testsrv_spawn(s, args, "127.0.0.1:0", NULL);
}

/* A loopback port that was free a moment ago, or -1. */
static int
testsrv_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

int
testsrv_start_public(struct testsrv *s, const char *const *args)
{
	char addr[32], url[64];
	int try, port;

	/* the port must be known before the start, for the URL; another program may take
	 * it in between, so a failed start tries another one, five times at most */
	for (try = 0; try < 5; try++) {
		if ((port = testsrv_free_port()) == -1)
			return -1;
		snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
		if (testsrv_spawn(s, args, addr, url) == 0)
			return 0;
	}
	return -1;
}

int
testsrv_stop(struct testsrv *s, int sig)
{
	int i, st;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, sig);
	for (i = 0; i < 200; i++) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		testsrv_sleep_ms(50);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	s->pid = 0;
	return -1;
}

int
http_connect(int port, int rcvbuf)
{
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* before connect(), so the window it offers is small from the start */
	if (rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == -1) {
		close(fd);
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads until the reply is complete (Content-Length), the peer closes, or 10 s pass. */
static int
http_read_reply(int fd, int is_head, struct buf *in, size_t *head_end)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char chunk[65536], *hdr_end, *cl;
	long want = -1;
	ssize_t n;
	int waited = 0;

	*head_end = 0;
	for (;;) {
		if (*head_end > 0 && (is_head || (want >= 0 && in->len >= *head_end + (size_t)want)))
			return 0;
		if (poll(&pfd, 1, 100) == 0) {
			if (++waited > 100)
				return -1;
			continue;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return in->len > 0 ? 0 : -1;
		buf_append(in, chunk, (size_t)n);
		if (*head_end == 0 && (hdr_end = strstr(in->data, "\r\n\r\n")) != NULL) {
			*head_end = (size_t)(hdr_end - in->data) + 4;
			cl = strcasestr(in->data, "\r\nContent-Length:");
			if (cl != NULL && cl < hdr_end)
				want = atol(cl + 17);
			else if (strncmp(in->data + 9, "304", 3) == 0 ||
			    strncmp(in->data + 9, "204", 3) == 0)
				want = 0;
		}
	}
}

int
http_reply_read(int fd, int is_head, struct http_reply *r)
{
	struct buf in = BUF_INIT;
	size_t head_end;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (http_read_reply(fd, is_head, &in, &head_end) == -1 || in.len < 12)
		goto out;
	if (head_end == 0)
		head_end = in.len;
	r->status = atoi(in.data + 9);
	r->head = strndup(in.data, head_end);
	r->body_len = in.len - head_end;
	r->body = malloc(r->body_len + 1);
	memcpy(r->body, in.data + head_end, r->body_len);
	r->body[r->body_len] = '\0';
	rc = 0;
out:
	buf_free(&in);
	return rc;
}

/* One request and its reply on an open connection. */
static int
http_exchange(int fd, const char *req, size_t reqlen, int is_head, struct http_reply *r)
{
	memset(r, 0, sizeof(*r));
	/* A server that refuses a request may close before reading all of it; what it
	 * answered is still there to read, so a short write is not a failure here. */
	if (send(fd, req, reqlen, MSG_NOSIGNAL) == -1 && errno != EPIPE &&
	    errno != ECONNRESET)
		return -1;
	return http_reply_read(fd, is_head, r);
}

int
http_raw(int port, const char *req, size_t reqlen, int is_head, struct http_reply *r)
{
	int fd, rc;

	memset(r, 0, sizeof(*r));
	if ((fd = http_connect(port, 0)) == -1)
		return -1;
	rc = http_exchange(fd, req, reqlen, is_head, r);
	close(fd);
	return rc;
}

int
http_get_keepalive(int port, const char *const *paths, size_t n, const char *extra,
    struct http_reply *rs)
{
	char req[8192];
	size_t i;
	int fd, len, rc = 0;

	for (i = 0; i < n; i++)
		memset(&rs[i], 0, sizeof(rs[i]));
	if ((fd = http_connect(port, 0)) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n",
		    paths[i], port, extra ? extra : "");
		rc = http_exchange(fd, req, (size_t)len, 0, &rs[i]);
	}
	close(fd);
	return rc;
}

int
http_get(int port, const char *path, const char *extra, struct http_reply *r)
{
	char req[8192];
	int n;

	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s"
	    "Connection: close\r\n\r\n", path, port, extra ? extra : "");
	return http_raw(port, req, (size_t)n, 0, r);
}

int
http_post(int port, const char *path, const char *body, struct http_reply *r)
{
	struct buf req = BUF_INIT;
	int rc;

	buf_printf(&req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", path, port, strlen(body), body);
	rc = http_raw(port, req.data, req.len, 0, r);
	buf_free(&req);
	return rc;
}

int
testsrv_showroom(const char *const *args)
{
	const char *argv[64];
	pid_t pid;
	int n = 0, i, st;

	argv[n++] = testsrv_path("showroom");
	for (i = 0; args[i] != NULL && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
testsrv_showroom_capture(const char *dir, const char *const *args, char **out, char **err)
{
	const char *argv[64];
	char outp[512], errp[512];
	size_t len;
	pid_t pid;
	int n = 0, i, st, fd;

	snprintf(outp, sizeof(outp), "%s/run.out", dir);
	snprintf(errp, sizeof(errp), "%s/run.err", dir);
	argv[n++] = testsrv_path("showroom");
	for (i = 0; args[i] != NULL && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDOUT_FILENO);
		fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDERR_FILENO);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (fs_read_file(outp, out, &len) == -1)
		*out = strdup("");
	if (fs_read_file(errp, err, &len) == -1)
		*err = strdup("");
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *
http_header_get(const struct http_reply *r, const char *name, char *out, size_t outsz)
{
	const char *p = r->head, *e;
	size_t nl = strlen(name);

	while (p != NULL && (p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ')
				p++;
			e = strstr(p, "\r\n");
			snprintf(out, outsz, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
			return out;
		}
	}
	return NULL;
}

void
http_reply_free(struct http_reply *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof(*r));
}
