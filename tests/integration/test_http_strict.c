/*
 * Header framing over real HTTP, as an outside penetration test tried it: obs-fold, field
 * names that are not tokens, Transfer-Encoding, two Host fields, a NUL in a value. Each
 * request goes raw on a connection of its own and must get one 400 and then a closed
 * connection (RFC 9112 5.2, 3.2, 6.1; RFC 9110 5.5), never an answer to bytes behind it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "testsrv.h"

static struct testsrv srv;

static int
setup(void **state)
{
	const char *args[] = { "--site", testsrv_path("demo-site"), NULL };

	return testsrv_start(&srv, args);
}

static int
teardown(void **state)
{
	testsrv_stop(&srv, SIGKILL);
	return 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * Sends REQ whole on a new connection, then reads until the server closes it (FIN or RST)
 * or 3 s pass. *closed tells which; what arrived is in *in.
 */
static void
exchange(const char *req, size_t len, struct buf *in, int *closed)
{
	struct pollfd pfd;
	long end = now_ms() + 3000, left;
	char chunk[65536];
	ssize_t n;
	int fd;

	*closed = 0;
	assert_true((fd = http_connect(srv.port, 0)) != -1);
	/* a server that refuses may close before reading it all: not a failure here */
	if (send(fd, req, len, MSG_NOSIGNAL) == -1 && errno != EPIPE && errno != ECONNRESET)
		fail_msg("send: %s", strerror(errno));
	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((left = end - now_ms()) > 0) {
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0 || (n == -1 && errno == ECONNRESET)) {
			*closed = 1;
			break;
		}
		if (n > 0)
			buf_append(in, chunk, (size_t)n);
	}
	close(fd);
}

/* The status of the reply at the start of [P, P + LEN) and its length (framed by its
 * Content-Length), or -1 when no whole reply is there. */
static int
first_reply(const char *p, size_t len, size_t *end)
{
	const char *hdr_end, *cl;

	if (len < 12 || strncmp(p, "HTTP/1.", 7) != 0 ||
	    (hdr_end = strstr(p, "\r\n\r\n")) == NULL)
		return -1;
	cl = strcasestr(p, "\r\nContent-Length:");
	*end = (size_t)(hdr_end - p) + 4;
	if (cl != NULL && cl < hdr_end)
		*end += (size_t)atol(cl + 17);
	if (*end > len)
		return -1;
	return atoi(p + 9);
}

/* Why REQ is not answered as it must be (one 400, then the connection closed), or NULL. */
static const char *
refusal_problem(const char *req, size_t len, char *why, size_t whylen)
{
	struct buf in = BUF_INIT;
	size_t end = 0, end2 = 0;
	int closed, status, next = -1;

	exchange(req, len, &in, &closed);
	status = first_reply(in.data, in.len, &end);
	if (status > 0 && end < in.len)
		next = first_reply(in.data + end, in.len - end, &end2);
	if (status == 400 && end == in.len && closed)
		why = NULL;
	else if (status == 400 && end == in.len)
		snprintf(why, whylen, "400, but the connection stayed open");
	else if (end < in.len && status > 0)
		snprintf(why, whylen, "answered %d, then %d (%zu bytes more)", status, next,
		    in.len - end);
	else
		snprintf(why, whylen, "answered %d, not 400", status);
	buf_free(&in);
	return why;
}

struct hostile {
	const char	*name;
	const char	*req;
	size_t		 len;
};

#define HOSTILE(name, req)	{ name, req, sizeof(req) - 1 }

/* Runs every request of the table and reports each that is not refused, then fails. */
static void
assert_all_refused(const struct hostile *t, size_t n)
{
	char why[160];
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		if (refusal_problem(t[i].req, t[i].len, why, sizeof(why)) == NULL)
			continue;
		print_message("  %s: %s\n", t[i].name, why);
		bad++;
	}
	if (bad > 0)
		fail_msg("%zu of %zu requests not refused", bad, n);
}

/* RFC 9112 5.2: a line starting with SP or HTAB is obs-fold; a server refuses it (or
 * replaces it with SP, which libmicrohttpd 0.9.75 does not: it glues the line to the name). */
static void
test_obs_fold(void **state)
{
	static const struct hostile t[] = {
		HOSTILE("fold after X-A (SP)",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n b\r\n\r\n"),
		HOSTILE("fold after X-A (HTAB)",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\tb\r\n\r\n"),
		HOSTILE("fold after X-A, before Host",
		    "GET /robots.txt HTTP/1.1\r\nX-A: 1\r\n b\r\nHost: x\r\n\r\n"),
		HOSTILE("fold of a whole value",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A:\r\n 1\r\n\r\n"),
		HOSTILE("two folds",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n b\r\n c\r\n\r\n"),
		HOSTILE("a line of blanks after a field",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n \r\n\r\n"),
		HOSTILE("folded Range",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nRange:\r\n bytes=0-1\r\n\r\n"),
		HOSTILE("Range folded inside its value",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=\r\n 0-1\r\n\r\n"),
		HOSTILE("folded Transfer-Encoding on GET",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n"
		    "\r\n0\r\n\r\n"),
	};

	assert_all_refused(t, sizeof(t) / sizeof(t[0]));
}

/* The penetration test's smuggling: a folded Transfer-Encoding (chunked to a front end that
 * unfolds it) next to a Content-Length, and a second request hidden in the body. */
static void
test_folded_te_smuggling(void **state)
{
	static const char req[] =
	    "POST /request HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Transfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n\r\n"
	    "0\r\n\r\n"
	    "GET /smuggled-path HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_reply r;
	char why[160], *log = NULL;
	const char *problem;
	int i;

	problem = refusal_problem(req, sizeof(req) - 1, why, sizeof(why));
	/* a request after it reaches the access log: the smuggled one, had it run, came first */
	assert_int_equal(http_get(srv.port, "/after-smuggling", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	http_reply_free(&r);
	for (i = 0; i < 30; i++) {
		usleep(100000);
		log = testsrv_log(&srv);
		if (strstr(log, "/after-smuggling") != NULL)
			break;
		free(log);
		log = NULL;
	}
	assert_non_null(log);
	if (problem != NULL || strstr(log, "/smuggled-path") != NULL)
		fail_msg("folded Transfer-Encoding with Content-Length: %s; the smuggled "
		    "request %s", problem ? problem : "refused", strstr(log, "/smuggled-path") ?
		    "is in the access log" : "is not in the access log");
	free(log);
}

/* RFC 9110 5.1: a field name is a token, never empty; RFC 9112 5.1: no whitespace
 * between the name and the colon. */
static void
test_field_names(void **state)
{
	static const struct hostile t[] = {
		HOSTILE("space inside the name",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX A: 1\r\n\r\n"),
		HOSTILE("parentheses in the name",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n"),
		HOSTILE("slash in the name",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX/A: 1\r\n\r\n"),
		HOSTILE("space before the colon",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A : 1\r\n\r\n"),
		HOSTILE("HTAB before the colon",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A\t: 1\r\n\r\n"),
		HOSTILE("a byte above 0x7f in the name",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX\xc3\xa9: 1\r\n\r\n"),
		HOSTILE("empty name",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\n: x\r\n\r\n"),
		HOSTILE("empty name, empty value",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\n:\r\n\r\n"),
	};

	assert_all_refused(t, sizeof(t) / sizeof(t[0]));
}

/* No request here has a body framed other than by Content-Length: any Transfer-Encoding,
 * empty or not, on any method, is refused before the method or path is looked at. */
static void
test_transfer_encoding(void **state)
{
	static const struct hostile t[] = {
		HOSTILE("chunked on GET",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "0\r\n\r\n"),
		HOSTILE("chunked on OPTIONS",
		    "OPTIONS / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "0\r\n\r\n"),
		HOSTILE("chunked on POST, with Content-Length",
		    "POST /request HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		    "Content-Length: 5\r\n\r\n0\r\n\r\n"),
		HOSTILE("empty on GET",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n"),
		HOSTILE("empty on DELETE",
		    "DELETE / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n"),
		HOSTILE("identity on HTTP/1.0",
		    "GET / HTTP/1.0\r\nTransfer-Encoding: identity\r\n\r\n"),
	};

	assert_all_refused(t, sizeof(t) / sizeof(t[0]));
}

/* RFC 9112 3.2: a request with more than one Host field line gets 400. */
static void
test_two_hosts(void **state)
{
	static const struct hostile t[] = {
		HOSTILE("two Host, two values",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
		HOSTILE("two Host, one value",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nhost: x\r\n\r\n"),
		HOSTILE("two Host apart",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nHOST: y\r\n\r\n"),
		HOSTILE("two Host on HTTP/1.0",
		    "GET /robots.txt HTTP/1.0\r\nHost: x\r\nHost: y\r\n\r\n"),
	};

	assert_all_refused(t, sizeof(t) / sizeof(t[0]));
}

/* RFC 9110 5.5: a NUL in a field value is refused (or replaced with SP); libmicrohttpd 0.9.75
 * cuts the value at it, which is neither. Bare LF line ends go the same way: a line end
 * here is CRLF, so two parsers cannot disagree about where a line ends. */
static void
test_nul_and_bare_lf(void **state)
{
	static const struct hostile t[] = {
		HOSTILE("NUL inside Range",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\0junk\r\n\r\n"),
		HOSTILE("NUL inside a field before Host",
		    "GET /robots.txt HTTP/1.1\r\nX-A: a\0b\r\nHost: x\r\n\r\n"),
		HOSTILE("NUL ending the last value",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\0\r\n\r\n"),
		HOSTILE("NUL ending a value",
		    "GET /robots.txt HTTP/1.1\r\nRange: bytes=0-1\0\r\nHost: x\r\n\r\n"),
		HOSTILE("NUL opening a value",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A: \0b\r\n\r\n"),
		HOSTILE("NUL as a whole line",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\0\r\nHost: y\r\n\r\n"),
		HOSTILE("bare LF ends",
		    "GET /robots.txt HTTP/1.1\nHost: x\n\n"),
		HOSTILE("one bare LF among CRLF",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n"),
		HOSTILE("bare LF then a fold",
		    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A: 1\n b\r\n\r\n"),
	};

	assert_all_refused(t, sizeof(t) / sizeof(t[0]));
}

/* The request line is method SP target SP version CRLF (RFC 9112 3): a NUL in the target,
 * which libmicrohttpd 0.9.75 would cut the path at, or a second SP is refused too; so is
 * whitespace inside the target (3.2), which that release, told to be strict, answered by
 * closing the connection without a word. HTTP/1.1 without Host is 400 (3.2). */
static void
test_request_line(void **state)
{
	static const struct hostile t[] = {
		HOSTILE("NUL in the target",
		    "GET /robots.txt\0/../x HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("NUL in the query",
		    "GET /robots.txt?a\0b HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("two SP after the method",
		    "GET  /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("SP in the target",
		    "GET /robots.txt x HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("SP in the query",
		    "GET /robots.txt?a b HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("two SP before the version",
		    "GET /robots.txt  HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("SP in an absolute target",
		    "GET http://x/robots.txt x HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("HTAB in the query",
		    "GET /robots.txt?a\tb HTTP/1.1\r\nHost: x\r\n\r\n"),
		HOSTILE("HTTP/1.1 without Host",
		    "GET /robots.txt HTTP/1.1\r\nX-A: 1\r\n\r\n"),
	};

	assert_all_refused(t, sizeof(t) / sizeof(t[0]));
}

/* What the checks must let through, on a kept-alive connection: empty values, HTAB and
 * trailing blanks in values, every token character in a name, bytes above 0x7f in a value,
 * a query string, cookies; then a blank line before the request line, and pipelining. */
static void
test_clean_requests_pass(void **state)
{
	static const char a[] =
	    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Blank:   \r\n"
	    "X-Tabs:\t a\tb \t\r\nAccept-Encoding: gzip\r\nCookie: a=b; c=d\r\n"
	    "X-High: caf\xc3\xa9\r\n!#$%&'*+-.^_`|~09azAZ: ok\r\nRange: bytes=0-1\r\n\r\n";
	static const char b[] =
	    "GET /models/?q=a&b=%20c&=&d HTTP/1.1\r\nhost: x\r\nX-Colon: a:b: c\r\n\r\n";
	static const char c[] =
	    "\r\nGET /robots.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
	    "GET /healthz HTTP/1.0\r\n\r\n";
	struct http_reply r;
	struct buf in = BUF_INIT;
	size_t end1, end2;
	int fd, closed;

	assert_true((fd = http_connect(srv.port, 0)) != -1);
	assert_int_equal(send(fd, a, sizeof(a) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(a) - 1);
	assert_int_equal(http_reply_read(fd, 0, &r), 0);
	assert_int_equal(r.status, 206);
	http_reply_free(&r);
	assert_int_equal(send(fd, b, sizeof(b) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(b) - 1);
	assert_int_equal(http_reply_read(fd, 0, &r), 0);
	assert_int_equal(r.status, 200);
	http_reply_free(&r);
	close(fd);
	/* two requests in one write; the second, HTTP/1.0, ends the connection */
	exchange(c, sizeof(c) - 1, &in, &closed);
	assert_int_equal(first_reply(in.data, in.len, &end1), 200);
	assert_int_equal(first_reply(in.data + end1, in.len - end1, &end2), 200);
	assert_int_equal(end1 + end2, in.len);
	assert_true(closed);
	buf_free(&in);
}

/* A GET head of exactly SIZE bytes (request line to the empty line) with NFIELDS field
 * lines, Host, Connection: close and a padding field among them, into B. */
static void
head_of(struct buf *b, size_t size, unsigned nfields)
{
	unsigned i;
	size_t pad;

	buf_printf(b, "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
	for (i = 3; i < nfields; i++)
		buf_printf(b, "X-%u: 1\r\n", i);
	pad = size - b->len - strlen("X-Pad: \r\n\r\n");
	assert_true(pad < size);
	buf_printf(b, "X-Pad: ");
	for (i = 0; i < pad; i++)
		buf_append(b, "a", 1);
	buf_printf(b, "\r\n\r\n");
	assert_int_equal(b->len, size);
}

/* Host, Connection: close, and a Cookie field of N cookies of 70 bytes each. */
static void
head_cookies(struct buf *b, unsigned n)
{
	unsigned i;

	buf_printf(b, "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: ");
	for (i = 0; i < n; i++)
		buf_printf(b, "%sc%u=%064u", i ? "; " : "", i, 0);
	buf_printf(b, "\r\n\r\n");
}

static int
head_status(size_t size, unsigned nfields, size_t pipelined)
{
	struct buf b = BUF_INIT, in = BUF_INIT;
	size_t end = 0;
	int closed, status;

	head_of(&b, size, nfields);
	while (pipelined-- > 0)
		buf_append(&b, "G", 1);
	exchange(b.data, b.len, &in, &closed);
	status = first_reply(in.data, in.len, &end);
	buf_free(&b);
	buf_free(&in);
	return status;
}

/*
 * The documented limits: a head of 8 KiB (8,192 bytes from the method to the empty line)
 * with 100 field lines and cookies is served, one byte or one item more is 431; never a
 * connection closed without an answer, which 0.9.75's 8 KiB pool gave a head of 7,500 to
 * 8,100 bytes, and 431 from about 120 small fields on. A query of many arguments left the
 * connection hanging, unanswered.
 */
static void
test_head_limits(void **state)
{
	struct buf b = BUF_INIT, in = BUF_INIT;
	size_t end = 0;
	unsigned i;
	int closed;

	assert_int_equal(head_status(8192, 3, 0), 200);
	assert_int_equal(head_status(8000, 3, 0), 200);
	assert_int_equal(head_status(8193, 3, 0), 431);
	assert_int_equal(head_status(8192, 100, 0), 200);
	assert_int_equal(head_status(8192, 101, 0), 431);
	assert_int_equal(head_status(4096, 101, 0), 431);
	assert_int_equal(head_status(20000, 3, 0), 431);
	/* at the limits, whatever is pipelined behind still leaves room for the answer */
	assert_int_equal(head_status(8192, 100, 20000), 200);

	/* cookies count as items: 3 fields and 97 cookies, then one cookie more */
	for (i = 97; i <= 98; i++) {
		b.len = 0;
		head_cookies(&b, i);
		assert_true(b.len <= 8192);
		exchange(b.data, b.len, &in, &closed);
		assert_int_equal(first_reply(in.data, in.len, &end), i == 97 ? 200 : 431);
		buf_free(&in);
	}
	/* a query of 1,000 arguments (2 KiB, the most the handlers take) */
	b.len = 0;
	buf_printf(&b, "GET /robots.txt?");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%sa", i ? "&" : "");
	buf_printf(&b, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	exchange(b.data, b.len, &in, &closed);
	assert_int_equal(first_reply(in.data, in.len, &end), 200);
	buf_free(&in);
	buf_free(&b);
}

/* Expect: 100-continue on a request without a body, with another request right behind it:
 * 0.9.75 sends "100 Continue" (RFC 9110 10.1.1 lets it), then both answers follow on the
 * open connection. It used to close the connection after the 100. */
static void
test_expect_without_body(void **state)
{
	static const char req[] =
	    "GET /robots.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n"
	    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	struct buf in = BUF_INIT;
	size_t off = 0, end;
	int closed;

	exchange(req, sizeof(req) - 1, &in, &closed);
	if (in.len >= 25 && strncmp(in.data, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0)
		off = 25;
	assert_int_equal(first_reply(in.data + off, in.len - off, &end), 200);
	off += end;
	if (first_reply(in.data + off, in.len - off, &end) != 200)
		fail_msg("the request behind it: %s", closed ? "connection closed" : "no answer");
	assert_int_equal(off + end, in.len);
	assert_false(closed);
	buf_free(&in);
}

/* Sends HEAD, then the rest of REQ a byte every STEP ms; returns how long the server took
 * to close the connection (ms, at most LIMIT), and what it answered, in *in. */
static long
trickle(int port, const char *req, size_t head, long step, long limit, struct buf *in)
{
	struct pollfd pfd;
	long start = now_ms(), next;
	char chunk[4096];
	size_t sent;
	ssize_t n;
	int fd;

	assert_true((fd = http_connect(port, 0)) != -1);
	assert_int_equal(send(fd, req, head, MSG_NOSIGNAL), (ssize_t)head);
	sent = head;
	pfd.fd = fd;
	pfd.events = POLLIN;
	next = start + step;
	while (now_ms() - start < limit) {
		if (poll(&pfd, 1, (int)(next > now_ms() ? next - now_ms() : 0)) > 0) {
			n = read(fd, chunk, sizeof(chunk));
			if (n <= 0)
				break;
			buf_append(in, chunk, (size_t)n);
			continue;
		}
		if (now_ms() >= next) {
			if (sent < strlen(req) && send(fd, req + sent, 1, MSG_NOSIGNAL) == 1)
				sent++;
			next += step;
		}
	}
	close(fd);
	return now_ms() - start;
}

/*
 * --request-timeout: a whole request must arrive within it. libmicrohttpd's timeout is an
 * idle one that every byte restarts, so a body trickled in kept its connection for as long
 * as the client liked (6 bytes in 60 s in the outside test). Here with a 2 s deadline and a
 * 10 s idle timeout: a body at a byte every 300 ms, a body that stops, and a head that
 * comes in too slowly.
 */
static void
test_request_deadline(void **state)
{
	const char *args[] = { "--site", testsrv_path("demo-site"), "--request-timeout", "2",
	    "--timeout", "10", NULL };
	static const char post[] = "POST /request HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
	    "name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaa";
	static const char get[] = "GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-Slow: 1234567890"
	    "\r\n\r\n";
	struct testsrv slow;
	struct buf in = BUF_INIT;
	size_t head = strstr(post, "\r\n\r\n") + 4 - post, end;
	long took;

	assert_int_equal(testsrv_start(&slow, args), 0);
	/* a byte every 300 ms: the body would take 30 s */
	took = trickle(slow.port, post, head + 1, 300, 8000, &in);
	if (took < 1800 || took > 4000)
		fail_msg("a trickled body kept its connection %ld ms", took);
	assert_null(strstr(in.data ? in.data : "", "HTTP/1.1 2"));
	buf_free(&in);
	/* a body that stops: closed at the deadline, not after the idle timeout */
	took = trickle(slow.port, post, head + 1, 100000, 8000, &in);
	if (took < 1800 || took > 4000)
		fail_msg("a stalled body kept its connection %ld ms", took);
	buf_free(&in);
	/* a head that takes longer than the deadline is answered 408, and closed */
	took = trickle(slow.port, get, strstr(get, "X-Slow") - get, 250, 8000, &in);
	assert_true(took < 8000);
	assert_int_equal(first_reply(in.data, in.len, &end), 408);
	buf_free(&in);
	/* a request in time is served as ever */
	took = trickle(slow.port, get, sizeof(get) - 1, 100, 1000, &in);
	assert_int_equal(first_reply(in.data, in.len, &end), 200);
	buf_free(&in);
	testsrv_stop(&slow, SIGKILL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_obs_fold),
		cmocka_unit_test(test_folded_te_smuggling),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_transfer_encoding),
		cmocka_unit_test(test_two_hosts),
		cmocka_unit_test(test_nul_and_bare_lf),
		cmocka_unit_test(test_request_line),
		cmocka_unit_test(test_clean_requests_pass),
		cmocka_unit_test(test_head_limits),
		cmocka_unit_test(test_expect_without_body),
		cmocka_unit_test(test_request_deadline),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
