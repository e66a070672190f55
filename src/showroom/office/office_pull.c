/*
 * The office's pull (on its timer and on demand) and its clock: shared by the loop in
 * cmd_office.c and the pages, below both so that neither imports the other.
 */
#include <stdio.h>
#include <time.h>

#include "lib/buf.h"
#include "showroom/office/office_int.h"

int64_t
office_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int
office_pull(struct office *o)
{
	struct bo_pull_stats ps;
	struct buf msgs = BUF_INIT;
	int rc;

	if (!o->b.have_secret)
		return BO_EXIT_PASSPHRASE;
	o->b.msgs = &msgs;
	rc = bo_pull(&o->b, BO_PULL_MAX_PAGES, &ps);
	o->b.msgs = NULL;
	o->pulled_at = time(NULL);
	o->pull_failed = rc != 0;
	if (rc == 0)	/* and why it stopped early, if it did: the next pull goes on */
		snprintf(o->pull_msg, sizeof(o->pull_msg), "%zu%s%s", ps.added,
		    msgs.len > 0 ? "\n" : "", msgs.len > 0 ? msgs.data : "");
	else
		snprintf(o->pull_msg, sizeof(o->pull_msg), "%s", msgs.data ? msgs.data : "");
	buf_free(&msgs);
	if (rc == 0 && o->catalog == NULL)
		o->catalog = bo_catalog_fetch(&o->b);
	return rc;
}
