/*
 * Per-client token buckets for form submissions, in memory only. A client is keyed by a
 * keyed hash (SipHash, random key per process) of its IPv4 address or IPv6 /64, so the
 * table never holds an address, and nothing about clients is ever written anywhere.
 */
#ifndef SHOWROOMD_RATELIMIT_H
#define SHOWROOMD_RATELIMIT_H

#include <sys/socket.h>

struct ratelimit;

/* RATE tokens per minute, up to BURST at once; SLOTS buckets (rounded up to a power of 2). */
struct ratelimit	*ratelimit_new(double rate_per_min, double burst, unsigned slots);
void			 ratelimit_free(struct ratelimit *);
/* Takes one token for the client at SA at time NOW (seconds). 1 when allowed; 0 when over
 * the limit, with the seconds until a token is back in *retry_after. */
int			 ratelimit_take(struct ratelimit *, const struct sockaddr *sa, double now,
			    unsigned *retry_after);

#endif
