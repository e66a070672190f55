#include "showroomd/address.h"

#include <stdio.h>
#include <string.h>

#include "lib/postcode.h"
#include "showroomd/pages.h"
#include "showroomd/site.h"

enum address_result
address_lookup(const struct site *s, const char *typed, struct address *a)
{
	const struct site_file *f;
	const char *base = pages_postal_base(s->pages), *city, *town;
	char digits[8], path[256];
	json_error_t je;
	json_t *shard;
	int rc = ADDRESS_UNKNOWN;

	memset(a, 0, sizeof(*a));
	if (*base == '\0')
		return ADDRESS_NO_DATA;
	if (typed == NULL || postcode_digits(typed, strlen(typed), digits) == -1)
		return ADDRESS_MALFORMED;
	snprintf(a->code, sizeof(a->code), "%.3s-%.4s", digits, digits + 3);
	snprintf(path, sizeof(path), "%s%.3s.json", base, digits);
	if ((f = site_lookup(s, path)) == NULL)
		return ADDRESS_UNKNOWN;
	if ((shard = json_loadb(f->v[HTTP_ENC_IDENTITY].data, f->v[HTTP_ENC_IDENTITY].len, 0,
	    &je)) == NULL)
		return ADDRESS_UNKNOWN;
	if (postcode_find(shard, digits, &a->pref, &city, &town) == 0) {
		snprintf(a->line, sizeof(a->line), "%s%s", city, town);
		rc = ADDRESS_FOUND;
	}
	json_decref(shard);
	return rc;
}
