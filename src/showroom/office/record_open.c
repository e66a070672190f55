#include "showroom/office/record_open.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "showroom/office/hpke_open.h"

int
record_open(const struct record_meta *m, const uint8_t sk[32], const uint8_t enc[32],
    const uint8_t *ct, size_t ctlen, char **ptp, size_t *ptlen)
{
	struct buf aad = BUF_INIT;
	char *pt = NULL;
	int rc = -1;

	*ptp = NULL;
	if (ctlen < HPKE_TAGLEN || (pt = malloc(ctlen - HPKE_TAGLEN + 1)) == NULL ||
	    record_aad(m, &aad) == -1)
		goto out;
	if (hpke_open(sk, enc, (const uint8_t *)RECORD_INFO, strlen(RECORD_INFO),
	    (const uint8_t *)aad.data, aad.len, ct, ctlen, (uint8_t *)pt) == -1)
		goto out;
	pt[ctlen - HPKE_TAGLEN] = '\0';
	*ptp = pt;
	*ptlen = ctlen - HPKE_TAGLEN;
	pt = NULL;
	rc = 0;
out:
	if (pt != NULL) {
		sodium_memzero(pt, ctlen - HPKE_TAGLEN + 1);
		free(pt);
	}
	buf_free(&aad);
	return rc;
}
