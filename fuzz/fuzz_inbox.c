/*
 * Fuzz target for sealed-record and JSON decoding in the back office: the input is an
 * inbox reply; every record in it is decoded (inbox_record_parse), then opened with a fixed
 * key (record_open), and any plaintext that opens is parsed as JSON. None of it may crash,
 * leak, or read outside its buffers.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "showroom/office/inbox.h"
#include "showroom/office/record_open.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t fuzz_sk[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static void
fuzz_one(json_t *o)
{
	struct bostore_rec r;
	struct record_meta m;
	json_error_t je;
	json_t *doc;
	char *pt = NULL;
	size_t ptlen;

	if (inbox_record_parse(o, &r) == 0) {
		m.id = r.id;
		m.kind = r.kind;
		m.key_id = r.key_id;
		m.created = r.created;
		if (record_open(&m, fuzz_sk, r.enc, r.ct, r.ct_len, &pt, &ptlen) == 0) {
			doc = json_loadb(pt, ptlen, JSON_REJECT_DUPLICATES, &je);
			json_decref(doc);
			sodium_memzero(pt, ptlen);
			free(pt);
		}
	}
	free(r.ct);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *doc, *recs, *o;
	size_t i;

	if (sodium_init() < 0)
		return 0;
	if ((doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return 0;
	recs = json_object_get(doc, "records");
	json_array_foreach(recs, i, o)
		fuzz_one(o);
	json_decref(doc);
	return 0;
}
