#include "seal/record.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "seal/hpke.h"

int
record_aad(const struct record_meta *m, struct buf *out)
{
	static const char tag[] = "showroom-record/1";

	/* NUL separators: none of the fields can hold a NUL, so the encoding is unambiguous */
	if (buf_append(out, tag, sizeof(tag)) == -1 ||
	    buf_append(out, m->id, strlen(m->id) + 1) == -1 ||
	    buf_append(out, m->kind, strlen(m->kind) + 1) == -1 ||
	    buf_append(out, m->key_id, strlen(m->key_id) + 1) == -1 ||
	    buf_printf(out, "%" PRId64, m->created) == -1)
		return -1;
	return 0;
}

int
record_seal(const struct record_meta *m, const uint8_t pk[32], const void *pt, size_t ptlen,
    uint8_t enc[32], uint8_t **ctp, size_t *ctlen)
{
	struct buf aad = BUF_INIT;
	uint8_t *ct;
	int rc = -1;

	*ctp = NULL;
	if ((ct = malloc(ptlen + HPKE_TAGLEN)) == NULL || record_aad(m, &aad) == -1)
		goto out;
	if (hpke_seal(pk, (const uint8_t *)RECORD_INFO, strlen(RECORD_INFO),
	    (const uint8_t *)aad.data, aad.len, pt, ptlen, enc, ct) == -1)
		goto out;
	*ctp = ct;
	*ctlen = ptlen + HPKE_TAGLEN;
	ct = NULL;
	rc = 0;
out:
	free(ct);
	buf_free(&aad);
	return rc;
}
