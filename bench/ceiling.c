/*
 * The load generator's ceiling for make bench: a server that does no work at all. It answers
 * every request on a connection with the same bytes, read once from a file (showroomd's own
 * response, headers and body, captured by the bench script), without parsing, routing, logging
 * or a clock. Whatever rate wrk reaches against it is the most that any server can show with this
 * client on this machine, so the bench can tell a server's limit from the load generator's.
 *
 *   build/bench/ceiling PORT RESPONSE_FILE      (listens on 127.0.0.1:PORT until killed)
 *
 * One thread, epoll edge-triggered, one send per response where the socket takes it, as
 * showroomd sends a buffered response. Requests are counted by their blank line, so pipelined
 * requests are answered too.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct ceiling_conn {
	int	 fd;
	size_t	 owed;		/* responses not yet completely sent */
	size_t	 off;		/* bytes of the current response already sent */
	int	 match;		/* bytes of "\r\n\r\n" seen at the end of the last read */
};

static const char	*resp;
static size_t		 resp_len;

static int
ceiling_load(const char *path)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		fprintf(stderr, "ceiling: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (st.st_size <= 0 || (buf = malloc((size_t)st.st_size)) == NULL) {
		fprintf(stderr, "ceiling: %s: empty or too large\n", path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		fprintf(stderr, "ceiling: %s: short read\n", path);
		free(buf);
		return -1;
	}
	resp = buf;
	resp_len = (size_t)n;
	return 0;
}

static int
ceiling_listen(const char *port_arg)
{
	struct sockaddr_in sa;
	char *end;
	long port = strtol(port_arg, &end, 10);
	int fd, one = 1;

	if (*end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "ceiling: bad port '%s'\n", port_arg);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(fd, 1024) == -1) {
		fprintf(stderr, "ceiling: listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* How many requests end in these bytes: a request ends at its first "\r\n\r\n". */
static size_t
ceiling_count_ends(struct ceiling_conn *c, const char *buf, size_t len)
{
	static const char end[4] = { '\r', '\n', '\r', '\n' };
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == end[c->match]) {
			if (++c->match == 4) {
				n++;
				c->match = 0;
			}
		} else
			c->match = buf[i] == '\r';
	}
	return n;
}

static void
ceiling_close(struct ceiling_conn *c)
{
	close(c->fd);	/* also leaves the epoll set */
	free(c);
}

/* Edge-triggered: work until the socket would block either way, or the peer is gone. */
static void
ceiling_serve(struct ceiling_conn *c)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		while (c->owed > 0) {
			n = send(c->fd, resp + c->off, resp_len - c->off, MSG_NOSIGNAL);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR)
					return;		/* the next EPOLLOUT edge resumes here */
				ceiling_close(c);
				return;
			}
			if ((c->off += (size_t)n) == resp_len) {
				c->off = 0;
				c->owed--;
			}
		}
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			ceiling_close(c);
			return;
		}
		c->owed += ceiling_count_ends(c, buf, (size_t)n);
	}
}

static void
ceiling_accept(int lfd, int ep)
{
	struct ceiling_conn *c;
	struct epoll_event ev;
	int fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		/* as libmicrohttpd does: a complete response goes out at once */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
		ev.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			ceiling_close(c);
	}
}

int
main(int argc, char **argv)
{
	struct epoll_event ev, evs[128];
	int lfd, ep, i, n;

	if (argc != 3) {
		fprintf(stderr, "usage: ceiling PORT RESPONSE_FILE\n");
		return 2;
	}
	if (ceiling_load(argv[2]) == -1 || (lfd = ceiling_listen(argv[1])) == -1)
		return 1;
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		perror("ceiling: epoll_create1");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;	/* NULL marks the listening socket */
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1) {
		perror("ceiling: epoll_ctl");
		return 1;
	}
	for (;;) {
		if ((n = epoll_wait(ep, evs, 128, -1)) == -1) {
			if (errno == EINTR)
				continue;
			perror("ceiling: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				ceiling_accept(lfd, ep);
			else
				ceiling_serve(evs[i].data.ptr);
		}
	}
}
