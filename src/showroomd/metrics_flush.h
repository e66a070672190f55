/* The daily counts flushed from memory to the store (metrics.h), by a thread of their own. */
#ifndef SHOWROOMD_METRICS_FLUSH_H
#define SHOWROOMD_METRICS_FLUSH_H

#include <stdint.h>

#define METRICS_FLUSH_S	10	/* seconds between flushes, unless told otherwise */

struct store;

/* Starts flushing to ST every EVERY_S seconds (0: METRICS_FLUSH_S); -1 when it cannot. */
int	metrics_flusher_start(struct store *st, unsigned every_s);
/* Stops the thread, then flushes once more: nothing counted before is lost. */
void	metrics_flusher_stop(void);
/* Flushes done, flushes failed, and when the last one succeeded (unix seconds, 0: never). */
void	metrics_flush_stats(uint64_t *flushes, uint64_t *errors, int64_t *last);

#endif
