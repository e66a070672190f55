#include "lib/postcode.h"

#include <string.h>

#include "lib/text.h"

/* Characters that separate digits as people type them: hyphens, dashes, long vowel marks,
 * spaces, and the postal mark. */
static int
postcode_separator(uint32_t cp)
{
	return cp == ' ' || cp == '-' || cp == 0x3000 || (cp >= 0x2010 && cp <= 0x2015) ||
	    cp == 0x2212 || cp == 0x30fc || cp == 0xff0d || cp == 0xff70 || cp == 0x3012;
}

int
postcode_digits(const char *typed, size_t len, char out[8])
{
	const unsigned char *s = (const unsigned char *)typed;
	size_t i = 0, k, n = 0;
	uint32_t cp;

	while (i < len) {
		if ((k = text_utf8_decode(s + i, len - i, &cp)) == 0)
			return -1;
		i += k;
		if (cp >= 0xff10 && cp <= 0xff19)	/* full-width digits */
			cp = '0' + (cp - 0xff10);
		if (cp >= '0' && cp <= '9') {
			if (n == 7)
				return -1;
			out[n++] = (char)cp;
		} else if (!postcode_separator(cp))
			return -1;
	}
	out[n] = '\0';
	return n == 7 ? 0 : -1;
}

int
postcode_find(const json_t *shard, const char *code, int *pref, const char **city,
    const char **town)
{
	const json_t *e = json_object_get(shard, code);
	char five[6];

	if (strlen(code) != 7)
		return -1;
	if (e == NULL) {
		memcpy(five, code, 5);
		five[5] = '\0';
		e = json_object_get(shard, five);
	}
	if (!json_is_array(e) || json_array_size(e) != 3 ||
	    !json_is_integer(json_array_get(e, 0)) || !json_is_string(json_array_get(e, 1)) ||
	    !json_is_string(json_array_get(e, 2)))
		return -1;
	*pref = (int)json_integer_value(json_array_get(e, 0));
	*city = json_string_value(json_array_get(e, 1));
	*town = json_string_value(json_array_get(e, 2));
	return 0;
}
