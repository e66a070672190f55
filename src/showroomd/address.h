/*
 * The address of a postal code, for the catalog request's 住所検索 without JavaScript:
 * read from the same shard files a browser fetches (lib/postcode.h), in the site held in
 * memory. The server sees the code here because the visitor sends the form; the script's
 * lookup fetches only the shard of the first three digits.
 */
#ifndef SHOWROOMD_ADDRESS_H
#define SHOWROOMD_ADDRESS_H

#include <jansson.h>

struct site;

enum address_result {
	ADDRESS_FOUND = 0,
	ADDRESS_UNKNOWN,	/* seven digits, but no such code */
	ADDRESS_MALFORMED,	/* not seven digits */
	ADDRESS_NO_DATA		/* the site was built without postal data */
};

struct address {
	char	code[9];	/* "100-0001" */
	int	pref;		/* JIS X 0401 */
	char	line[512];	/* city and town: "千代田区千代田" */
};

enum address_result	address_lookup(const struct site *, const char *typed,
			    struct address *);

#endif
