/*
 * Japanese postal codes, one place for the site builder that writes the postal data and
 * the web tier that reads it back: the code as typed, and the shard files. The data is
 * sharded by the first three digits, so that a browser fetches one small file and the
 * server never learns a full code from the autofill:
 *
 *   SITE/assets/postal/HASH/NNN.json  { "1000001": [13, "千代田区", "千代田"],
 *                                       "10060":   [13, "千代田区", "霞が関霞が関ビル"] }
 *
 * A key has seven digits, or five for every code of that prefix not listed itself. The
 * value is the prefecture (JIS X 0401), the city and the town ("" when the code covers
 * several towns, or none in particular).
 */
#ifndef SHOWROOM_POSTCODE_H
#define SHOWROOM_POSTCODE_H

#include <jansson.h>
#include <stddef.h>

/*
 * The seven digits of a postal code as people type it: "100-0001", "〒100 0001",
 * "１００ー０００１" (full-width digits, any hyphen or dash, spaces). 0 with the digits in
 * out, or -1 when it is not seven digits.
 */
int	postcode_digits(const char *typed, size_t len, char out[8]);
/* The entry of CODE (seven digits) in SHARD: 0 with its parts, or -1 when none. */
int	postcode_find(const json_t *shard, const char *code, int *pref, const char **city,
	    const char **town);

#endif
