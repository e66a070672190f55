/*
 * The daily counts go from memory to the store every few seconds (--counts-flush), and once
 * more when showroomd stops: each flush adds what changed since the last one that
 * succeeded, on today's (Japan time) counters, so every node's counts add up. A failed
 * flush is retried with the next one; a crash loses at most one interval.
 */
#include "showroomd/metrics_flush.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "showroomd/metrics.h"
#include "store/store.h"

static pthread_t	 flush_thread;
static pthread_mutex_t	 flush_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 flush_cond = PTHREAD_COND_INITIALIZER;
static int		 flush_run;
static unsigned		 flush_every;
static struct store	*flush_store;
static _Atomic uint64_t	 flush_count, flush_errors;
static _Atomic int64_t	 flush_last;

/* One flush; only the flushing thread (or the last call at stop) runs it. */
static void
metrics_flush_once(void)
{
	static struct metrics_totals t;
	static struct store_count v[STORE_COUNTS_MAX];
	struct store_err se;
	char day[STORE_DATE_LEN + 1];
	time_t now = time(NULL);
	size_t n;

	metrics_sum(&t);
	jtime_date(now, 0, day);
	n = metrics_delta(&t, day, v, STORE_COUNTS_MAX);
	if (n > 0 && store_counts_add(flush_store, v, n, &se) != STORE_OK) {
		atomic_fetch_add(&flush_errors, 1);
		log_warn("counts: not flushed, kept for the next try: %s", se.msg);
		return;
	}
	metrics_flushed(&t);
	atomic_fetch_add(&flush_count, 1);
	atomic_store(&flush_last, (int64_t)now);
}

static void *
metrics_flusher(void *arg)
{
	struct timespec ts;

	pthread_mutex_lock(&flush_lock);
	while (flush_run) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += flush_every;
		pthread_cond_timedwait(&flush_cond, &flush_lock, &ts);
		if (!flush_run)
			break;
		pthread_mutex_unlock(&flush_lock);
		metrics_flush_once();
		pthread_mutex_lock(&flush_lock);
	}
	pthread_mutex_unlock(&flush_lock);
	return NULL;
}

int
metrics_flusher_start(struct store *st, unsigned every_s)
{
	flush_store = st;
	flush_every = every_s > 0 ? every_s : METRICS_FLUSH_S;
	flush_run = 1;
	if (pthread_create(&flush_thread, NULL, metrics_flusher, NULL) != 0) {
		flush_run = 0;
		return -1;
	}
	return 0;
}

void
metrics_flusher_stop(void)
{
	if (!flush_run)
		return;
	pthread_mutex_lock(&flush_lock);
	flush_run = 0;
	pthread_cond_signal(&flush_cond);
	pthread_mutex_unlock(&flush_lock);
	pthread_join(flush_thread, NULL);
	metrics_flush_once();
}

void
metrics_flush_stats(uint64_t *flushes, uint64_t *errors, int64_t *last)
{
	*flushes = atomic_load(&flush_count);
	*errors = atomic_load(&flush_errors);
	*last = atomic_load(&flush_last);
}
