/*
 * Fills a back-office store with N sealed records for the office benchmark, as pull
 * would have left them: catalog requests sealed to an hq key, or test-drive bookings
 * (one in ten cancelled) sealed to a dealer key, their slots spread over the days around
 * today so that every week holds its share. Only public keys are needed.
 *
 *   office_fill hq|dealer N PREFIX STORE_DIR     PREFIX.public is the key holder's
 *
 * The data is fictional: names and addresses vary over a few made-up values.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/jtime.h"
#include "seal/keys.h"
#include "seal/recid.h"
#include "seal/record.h"
#include "showroom/office/bostore.h"

#define FILL_DAYS	120	/* bookings spread over today - 30 .. today + 90 */

static const char *const fill_family[] = { "見本", "試験", "架空", "例題", "仮名", "模擬" };
static const char *const fill_given[] = { "太郎", "花子", "次郎", "美咲", "健一", "陽菜" };

/* The plaintext of record I: a catalog request or a booking (or its cancellation). */
static void
fill_plain(struct buf *pt, int dealer, const char *code, size_t i, const char *slot,
    const char *cancels)
{
	buf_reset(pt);
	if (!dealer)
		buf_printf(pt, "{\"address1\":\"架空市見本町%zu-%zu\",\"address2\":\"\",\"kind\":"
		    "\"catalog\",\"models\":[\"sorane\"],\"name\":\"%s %s\",\"postal_code\":"
		    "\"%03zu-%04zu\",\"prefecture\":\"%02zu\",\"v\":1}", i % 9 + 1, i % 30 + 1,
		    fill_family[i % 6], fill_given[(i / 6) % 6], 100 + i % 800, i % 10000,
		    i % 47 + 1);
	else if (cancels != NULL)
		buf_printf(pt, "{\"booking\":\"%s\",\"dealer\":\"%s\",\"kind\":\"cancellation\","
		    "\"model\":\"sorane\",\"slot\":\"%s\",\"v\":1}", cancels, code, slot);
	else
		buf_printf(pt, "{\"dealer\":\"%s\",\"email\":\"\",\"kind\":\"test_drive\","
		    "\"licence\":\"yes\",\"model\":\"sorane\",\"name\":\"%s %s\",\"note\":\"\","
		    "\"phone\":\"0900000%04zu\",\"slot\":\"%s\",\"v\":1}", code, fill_family[i % 6],
		    fill_given[(i / 6) % 6], i % 10000, slot);
	while (pt->len % 256 != 0)
		buf_putc(pt, ' ');
}

static int
fill_one(struct bostore *db, const struct keys_public *k, struct buf *pt, size_t i,
    const char *kind, const char *slot, char *id_out)
{
	struct bostore_rec r;
	struct record_meta m;
	char err[512];
	uint8_t *ct;
	size_t ctlen;
	int added;

	memset(&r, 0, sizeof(r));
	recid_new(r.id);
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.key_id, sizeof(r.key_id), "%s", k->key_id);
	r.created = (int64_t)time(NULL) - 86400 * 30 + (int64_t)i;
	r.pulled_at = r.created + 60;
	r.seq = (int64_t)i + 1;
	if (slot != NULL) {
		snprintf(r.slot_dealer, sizeof(r.slot_dealer), "%s", k->dealer);
		snprintf(r.slot_model, sizeof(r.slot_model), "sorane");
		snprintf(r.slot_start, sizeof(r.slot_start), "%s", slot);
	}
	m.id = r.id;
	m.kind = r.kind;
	m.key_id = r.key_id;
	m.created = r.created;
	if (record_seal(&m, k->x25519, pt->data, pt->len, r.enc, &ct, &ctlen) == -1)
		return -1;
	r.ct = ct;
	r.ct_len = ctlen;
	if (bostore_put(db, &r, &added, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		free(ct);
		return -1;
	}
	free(ct);
	if (id_out != NULL)
		memcpy(id_out, r.id, RECID_LEN + 1);
	return 0;
}

int
main(int argc, char **argv)
{
	struct keys_public k;
	struct keys_error ke;
	struct bostore *db;
	struct buf pt = BUF_INIT;
	char file[4096], err[512], slot[17], day[11], bid[RECID_LEN + 1];
	size_t n, i;
	int dealer;

	if (argc != 5 || (n = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: office_fill hq|dealer N PREFIX STORE_DIR\n");
		return 2;
	}
	dealer = strcmp(argv[1], "dealer") == 0;
	if (sodium_init() < 0)
		return 1;
	snprintf(file, sizeof(file), "%s.public", argv[3]);
	if (keys_public_read(file, &k, &ke) != KEYS_OK) {
		fprintf(stderr, "%s\n", ke.msg);
		return 1;
	}
	if (bostore_open(argv[4], &db, err, sizeof(err)) == -1 ||
	    bostore_begin(db, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		/* day by day, ten slots a day from 09:00 */
		jtime_date(time(NULL), (int)(i / 10 % FILL_DAYS) - 30, day);
		snprintf(slot, sizeof(slot), "%sT%02zu:00", day, 9 + i % 10);
		fill_plain(&pt, dealer, k.dealer, i, slot, NULL);
		if (fill_one(db, &k, &pt, i, dealer ? "test_drive" : "catalog_request",
		    dealer ? slot : NULL, bid) == -1)
			return 1;
		if (dealer && i % 10 == 3 && ++i < n) {
			fill_plain(&pt, 1, k.dealer, i, slot, bid);
			if (fill_one(db, &k, &pt, i, "cancellation", slot, NULL) == -1)
				return 1;
		}
	}
	buf_wipe(&pt);
	if (bostore_commit(db, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	bostore_close(db);
	printf("%zu %s records in %s\n", n, dealer ? "booking" : "catalog request", argv[4]);
	return 0;
}
