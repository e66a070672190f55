#include "showroomd/access_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define AL_BUF		(64 * 1024)
#define AL_FLUSH_AT	(48 * 1024)
#define AL_PATH_MAX	200
#define AL_METHOD_MAX	15

static pthread_mutex_t al_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t al_cond = PTHREAD_COND_INITIALIZER;
static char al_buf[AL_BUF];
static size_t al_len;
static int al_running;
static pthread_t al_thread;
static time_t al_stamp_sec;
static char al_stamp[32];
static size_t al_stamp_len;

static void
al_write_locked(void)
{
	size_t off = 0;
	ssize_t n;

	while (off < al_len) {
		n = write(STDERR_FILENO, al_buf + off, al_len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* a closed stderr must not stop serving */
		off += (size_t)n;
	}
	al_len = 0;
}

static void *
al_flusher(void *arg)
{
	struct timespec ts;

	pthread_mutex_lock(&al_lock);
	while (al_running) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&al_cond, &al_lock, &ts);
		al_write_locked();
	}
	al_write_locked();
	pthread_mutex_unlock(&al_lock);
	return NULL;
}

int
access_log_start(void)
{
	al_running = 1;
	if (pthread_create(&al_thread, NULL, al_flusher, NULL) != 0) {
		al_running = 0;
		return -1;
	}
	return 0;
}

void
access_log_stop(void)
{
	if (!al_running)
		return;
	pthread_mutex_lock(&al_lock);
	al_running = 0;
	pthread_cond_signal(&al_cond);
	pthread_mutex_unlock(&al_lock);
	pthread_join(al_thread, NULL);
}

/* Appends at most MAX bytes of S as printable ASCII only, so a request cannot forge log
 * lines or smuggle bytes to a terminal; the caller holds the lock and made room. */
static void
al_put_clean(const char *s, size_t max)
{
	char *o = al_buf + al_len;
	size_t i;

	for (i = 0; s[i] != '\0' && i < max; i++)
		o[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	al_len += i;
}

/* Appends S (at most N bytes) to the line buffer; the caller holds the lock. */
static void
al_put(const char *s, size_t n)
{
	if (n > AL_BUF - al_len)
		n = AL_BUF - al_len;
	memcpy(al_buf + al_len, s, n);
	al_len += n;
}

/* Decimal without printf: this runs on every request. */
static void
al_put_uint(unsigned long long v)
{
	char d[24];
	size_t n = sizeof(d);

	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	al_put(d + n, sizeof(d) - n);
}

void
access_log_line(const char *method, const char *path, unsigned status, size_t bytes)
{
	struct tm tm;
	time_t now;

	if (!al_running)
		return;
	now = time(NULL);
	pthread_mutex_lock(&al_lock);
	if (now != al_stamp_sec) {
		gmtime_r(&now, &tm);
		al_stamp_len = strftime(al_stamp, sizeof(al_stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		al_stamp_sec = now;
	}
	/* the longest line: stamp, method, path, status, size and separators */
	if (AL_BUF - al_len < sizeof(al_stamp) + AL_METHOD_MAX + AL_PATH_MAX + 48)
		al_write_locked();
	al_put(al_stamp, al_stamp_len);
	al_put(" ", 1);
	al_put_clean(method, AL_METHOD_MAX);
	al_put(" ", 1);
	al_put_clean(path, AL_PATH_MAX);
	al_put(" ", 1);
	al_put_uint(status);
	al_put(" ", 1);
	al_put_uint(bytes);
	al_put("\n", 1);
	if (al_len > AL_FLUSH_AT)
		al_write_locked();
	pthread_mutex_unlock(&al_lock);
}
