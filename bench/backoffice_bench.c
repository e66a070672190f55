/*
 * Back-office benchmark: N sealed catalog requests in a back-office store, opened in
 * memory (bostore_list + bo_open_record, as export does) and exported to Click Post CSV
 * and to the A4 label PDF, next to the X25519 bound measured in the same process (one
 * crypto_scalarmult per record is the floor of HPKE decapsulation).
 *
 *   backoffice_bench N DIR      prints one table; DIR is scratch space (emptied)
 *
 * The data is fictional: names and addresses vary over a few made-up values.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/fsutil.h"
#include "seal/record.h"
#include "showroom/office/bo.h"
#include "showroom/office/bostore.h"
#include "showroom/office/export.h"
#include "showroom/keys/keys_secret.h"
#include "store/store.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const bench_family[] = { "見本", "試験", "架空", "例題", "仮名", "模擬" };
static const char *const bench_given[] = { "太郎", "花子", "次郎", "美咲", "健一", "陽菜" };
static const char *const bench_town[] = { "架空市見本町", "試験市例題町", "模擬市仮名町",
    "見本郡架空村" };

static int
bench_fill(struct bostore *db, const struct keys_identity *id, size_t n)
{
	struct bostore_rec r;
	struct record_meta m;
	struct buf pt = BUF_INIT;
	char err[512];
	uint8_t *ct;
	size_t i, ctlen;
	int added;

	if (bostore_begin(db, err, sizeof(err)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		recid_new(r.id);
		snprintf(r.kind, sizeof(r.kind), "catalog_request");
		snprintf(r.key_id, sizeof(r.key_id), "%s", id->pub.key_id);
		r.created = (int64_t)time(NULL) - (int64_t)(n - i);
		r.pulled_at = r.created;
		r.seq = (int64_t)i + 1;
		buf_reset(&pt);
		buf_printf(&pt, "{\"address1\":\"%s%zu-%zu-%zu\",\"address2\":\"%s\",\"kind\":"
		    "\"catalog\",\"models\":[\"sorane\"],\"name\":\"%s %s\",\"postal_code\":"
		    "\"%03zu-%04zu\",\"prefecture\":\"%02zu\",\"v\":1}", bench_town[i % 4],
		    i % 9 + 1, i % 20 + 1, i % 30 + 1, i % 3 ? "" : "見本ハイツ101",
		    bench_family[i % 6], bench_given[(i / 6) % 6], 100 + i % 800, i % 10000,
		    i % 47 + 1);
		while (pt.len % 256 != 0)
			buf_putc(&pt, ' ');
		m.id = r.id;
		m.kind = r.kind;
		m.key_id = r.key_id;
		m.created = r.created;
		if (record_seal(&m, id->pub.x25519, pt.data, pt.len, r.enc, &ct, &ctlen) == -1)
			return -1;
		r.ct = ct;
		r.ct_len = ctlen;
		if (bostore_put(db, &r, &added, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		free(ct);
	}
	buf_wipe(&pt);
	return bostore_commit(db, err, sizeof(err));
}

/* X25519 operations per second, for about one second. */
static double
bench_x25519(void)
{
	unsigned char sk[32], pk[32], q[32];
	double t0 = now_s(), t;
	size_t ops = 0, i;

	randombytes_buf(sk, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	do {
		for (i = 0; i < 1000; i++) {
			if (crypto_scalarmult(q, sk, pk) != 0)
				abort();
			pk[0] ^= q[0] & 1;
			ops++;
		}
		t = now_s() - t0;
	} while (t < 1.0);
	return (double)ops / t;
}

static const char *
bench_s(json_t *d, const char *k)
{
	json_t *v = json_object_get(d, k);

	return json_is_string(v) ? json_string_value(v) : "";
}

int
main(int argc, char **argv)
{
	struct bostore_rec *recs = NULL;
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_addr *addrs;
	struct keys_error ke;
	struct bo b;
	json_t **docs;
	char err[512], *prefix, *pdf, **paths = NULL;
	size_t n, nrecs = 0, i, npaths = 0;
	double x, t0, t_open, t_cp, t_pdf, t_fill;

	if (argc != 3 || (n = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: backoffice_bench N DIR\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	bo_json_wipe_init();
	memset(&b, 0, sizeof(b));
	fs_remove_tree(argv[2]);
	if (keys_generate(KEYS_ROLE_HQ, NULL, "Bench HQ", time(NULL), &b.id, &ke) != KEYS_OK ||
	    bostore_open(argv[2], &b.db, err, sizeof(err)) == -1) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	b.have_secret = 1;
	t0 = now_s();
	if (bench_fill(b.db, &b.id, n) == -1)
		return 1;
	t_fill = now_s() - t0;
	x = bench_x25519();

	/* open: read from the store and open each record in memory, as export does */
	t0 = now_s();
	if (bostore_list(b.db, b.id.pub.key_id, "catalog_request", BOSTORE_NOT_EXPORTED, &recs,
	    &nrecs, err, sizeof(err)) == -1 || nrecs != n)
		return 1;
	docs = calloc(n, sizeof(*docs));
	addrs = calloc(n, sizeof(*addrs));
	for (i = 0; i < n; i++) {
		if (bo_open_record(&b, &recs[i], &docs[i], err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		addrs[i].record_id = recs[i].id;
		addrs[i].name = bench_s(docs[i], "name");
		addrs[i].postal_code = bench_s(docs[i], "postal_code");
		addrs[i].prefecture = atoi(bench_s(docs[i], "prefecture"));
		addrs[i].address1 = bench_s(docs[i], "address1");
		addrs[i].address2 = bench_s(docs[i], "address2");
		addrs[i].contents = "カタログ";
	}
	t_open = now_s() - t0;

	prefix = fs_join(argv[2], "clickpost");
	pdf = fs_join(argv[2], "labels.pdf");
	t0 = now_s();
	if (export_clickpost(addrs, n, prefix, &paths, &npaths, &probs, err, sizeof(err)) == -1) {
		fprintf(stderr, "clickpost: %s\n", err);
		return 1;
	}
	t_cp = now_s() - t0;
	t0 = now_s();
	if (labels_pdf(addrs, n, pdf, &probs, err, sizeof(err)) == -1) {
		fprintf(stderr, "labels: %s\n", err);
		return 1;
	}
	t_pdf = now_s() - t0;

	printf("records             %zu\n", n);
	printf("seal+store (setup)  %.2f s\n", t_fill);
	printf("x25519 ops/s        %.0f\n", x);
	printf("x25519 bound        %.2f s   (one scalar mult per record)\n", (double)n / x);
	printf("open                %.2f s   (%.0f records/s, %.2fx the bound)\n", t_open,
	    (double)n / t_open, t_open / ((double)n / x));
	printf("clickpost export    %.2f s   (%zu files)\n", t_cp, npaths);
	printf("labels-pdf export   %.2f s\n", t_pdf);
	printf("open+clickpost      %.2f s\n", t_open + t_cp);
	printf("open+labels-pdf     %.2f s\n", t_open + t_pdf);

	for (i = 0; i < n; i++)
		json_decref(docs[i]);
	free(docs);
	free(addrs);
	free(prefix);
	free(pdf);
	export_paths_free(paths, npaths);
	export_problems_free(&probs);
	bostore_recs_free(recs, nrecs);
	bo_done(&b);
	fs_remove_tree(argv[2]);
	return 0;
}
