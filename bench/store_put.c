/*
 * store_put throughput: THREADS callers each storing COUNT catalog
 * requests with an idempotency key and a CTSIZE-byte ciphertext, every one
 * durable before its call returns. Prints puts per second.
 *
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -I/usr/include/postgresql \
 *       bench/store_put.c src/store/store.c src/store/store_sqlite.c \
 *       src/store/store_pg.c -lsqlite3 -lpq -lsodium -lpthread \
 *       -o build/store_put
 *   build/store_put sqlite:/tmp/bench 2 5000 1024
 *   build/store_put postgres://postgres@127.0.0.1:55432/showroom_bench 8 1000 1024
 *
 * The URL is any store URL (store_open). Add -DSQ_BATCH_MAX=1 to measure
 * one SQLite commit per record (no group commit), -DPG_POOL_MAX=N to size
 * the PostgreSQL connection pool (default 32 per handle).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

struct bench_arg {
	struct store	*st;
	long		 count;
	size_t		 ctsize;
	long		 failed;
};

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
bench_worker(void *arg)
{
	struct bench_arg *a = arg;
	struct store_record r;
	struct store_err e;
	unsigned char enc[32], idem[STORE_HASH_LEN], *ct;
	long i;

	if ((ct = malloc(a->ctsize)) == NULL) {
		a->failed = a->count;
		return NULL;
	}
	randombytes_buf(enc, sizeof(enc));
	randombytes_buf(ct, a->ctsize);
	for (i = 0; i < a->count; i++) {
		memset(&r, 0, sizeof(r));
		recid_new(r.id);
		r.kind = STORE_KIND_CATALOG_REQUEST;
		snprintf(r.key_id, sizeof(r.key_id), "hq-bench");
		r.created = (int64_t)time(NULL);
		r.enc = enc;
		r.enc_len = sizeof(enc);
		r.ct = ct;
		r.ct_len = a->ctsize;
		randombytes_buf(idem, sizeof(idem));
		if (store_put(a->st, &r, idem, NULL, &e) != STORE_OK) {
			if (a->failed++ == 0)
				fprintf(stderr, "store_put: %s\n", e.msg);
		}
	}
	free(ct);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct bench_arg *args;
	struct store_err e;
	struct store *st;
	pthread_t *th;
	double t0, dt;
	long nthreads, count, failed = 0, i;

	if (argc != 5) {
		fprintf(stderr, "usage: %s URL THREADS COUNT CTSIZE\n", argv[0]);
		return 2;
	}
	nthreads = strtol(argv[2], NULL, 10);
	count = strtol(argv[3], NULL, 10);
	if (nthreads < 1 || nthreads > 1024 || count < 1 ||
	    sodium_init() < 0)
		return 2;
	if (store_open(&st, argv[1], &e) != STORE_OK) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	th = calloc((size_t)nthreads, sizeof(*th));
	args = calloc((size_t)nthreads, sizeof(*args));
	if (th == NULL || args == NULL)
		return 1;
	t0 = bench_now();
	for (i = 0; i < nthreads; i++) {
		args[i].st = st;
		args[i].count = count;
		args[i].ctsize = (size_t)strtoul(argv[4], NULL, 10);
		pthread_create(&th[i], NULL, bench_worker, &args[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		failed += args[i].failed;
	}
	dt = bench_now() - t0;
	store_close(st);
	printf("threads %ld  puts %ld  failed %ld  %.2f s  %.0f puts/s\n",
	    nthreads, nthreads * count, failed, dt,
	    (double)(nthreads * count - failed) / dt);
	free(th);
	free(args);
	return failed != 0;
}
