#include "showroomd/ratelimit.h"

#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RL_PROBE	8	/* a client lives in one of 8 neighbouring buckets */
#define RL_LOCKS	64

struct rl_bucket {
	uint64_t	key;	/* 0: free */
	double		tokens;
	double		last;
};

struct ratelimit {
	double			 rate;	/* tokens per second */
	double			 burst;
	size_t			 mask;
	struct rl_bucket	*b;
	unsigned char		 hkey[crypto_shorthash_KEYBYTES];
	pthread_mutex_t		 locks[RL_LOCKS];
};

struct ratelimit *
ratelimit_new(double rate_per_min, double burst, unsigned slots)
{
	struct ratelimit *rl;
	size_t n = 64;
	int i;

	while (n < slots)
		n *= 2;
	if ((rl = calloc(1, sizeof(*rl))) == NULL ||
	    (rl->b = calloc(n, sizeof(*rl->b))) == NULL) {
		free(rl);
		return NULL;
	}
	rl->rate = rate_per_min / 60.0;
	rl->burst = burst;
	rl->mask = n - 1;
	crypto_shorthash_keygen(rl->hkey);
	for (i = 0; i < RL_LOCKS; i++)
		pthread_mutex_init(&rl->locks[i], NULL);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	int i;

	if (rl == NULL)
		return;
	for (i = 0; i < RL_LOCKS; i++)
		pthread_mutex_destroy(&rl->locks[i]);
	sodium_memzero(rl->hkey, sizeof(rl->hkey));
	free(rl->b);
	free(rl);
}

/* IPv4: the address; IPv6: its /64, since one host holds a whole /64. */
static uint64_t
rl_key(const struct ratelimit *rl, const struct sockaddr *sa)
{
	unsigned char in[17], h[crypto_shorthash_BYTES];
	size_t n = 0;
	uint64_t k;

	memset(in, 0, sizeof(in));
	if (sa != NULL && sa->sa_family == AF_INET) {
		in[0] = 4;
		memcpy(in + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		n = 5;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		in[0] = 6;
		memcpy(in + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr, 8);
		n = 9;
	}
	crypto_shorthash(h, in, n ? n : 1, rl->hkey);
	memcpy(&k, h, sizeof(k));
	return k ? k : 1;
}

int
ratelimit_take(struct ratelimit *rl, const struct sockaddr *sa, double now,
    unsigned *retry_after)
{
	uint64_t key = rl_key(rl, sa);
	size_t home = key & rl->mask, i, idx, victim;
	pthread_mutex_t *lock = &rl->locks[(home / RL_PROBE) % RL_LOCKS];
	struct rl_bucket *b = NULL;
	int ok;

	/* a probe run never crosses into another lock's region */
	home &= ~(size_t)(RL_PROBE - 1);
	victim = home;
	pthread_mutex_lock(lock);
	for (i = 0; i < RL_PROBE; i++) {
		idx = (home + i) & rl->mask;
		if (rl->b[idx].key == key) {
			b = &rl->b[idx];
			break;
		}
		if (rl->b[idx].key == 0 || rl->b[idx].last < rl->b[victim].last)
			victim = idx;
	}
	if (b == NULL) {	/* new client: take a free or the stalest bucket */
		b = &rl->b[victim];
		b->key = key;
		b->tokens = rl->burst;
		b->last = now;
	}
	b->tokens = fmin(rl->burst, b->tokens + (now - b->last) * rl->rate);
	b->last = now;
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	else if (retry_after != NULL)
		*retry_after = (unsigned)ceil((1.0 - b->tokens) / rl->rate);
	pthread_mutex_unlock(lock);
	return ok;
}
