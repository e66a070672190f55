/*
 * Fuzz target for showroomd's header parsers: the first byte picks the parser, the rest is
 * the header value. Each parser must stay inside its buffer and keep its promises (a range
 * is inside the entity, a decoded path has no ".." segment).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "showroomd/http_parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_path(const char *s, size_t n)
{
	char out[HTTP_PATH_MAX + 1];

	if (http_path_decode(s, n, out, sizeof(out)) == 0) {
		if (out[0] != '/' || strstr(out, "/../") || strstr(out, "/./") ||
		    strchr(out, '\\') || strlen(out) > n)
			abort();
	}
}

static void
fuzz_range(const char *s, size_t n)
{
	uint64_t first, last, size;

	for (size = 0; size < 3000; size += 997)
		if (http_range_parse(s, n, size, &first, &last) == HTTP_RANGE_OK &&
		    (first > last || last >= size))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	time_t t;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	/* a copy of exactly n bytes, so reading past it is caught */
	if ((s = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(s, data + 1, n);
	switch (data[0] % 5) {
	case 0:
		if (http_accept_encoding(s, n, 7) >= HTTP_ENC_COUNT)
			abort();
		break;
	case 1:
		http_etag_match(s, n, "\"0123456789abcdef\"");
		break;
	case 2:
		fuzz_range(s, n);
		break;
	case 3:
		fuzz_path(s, n);
		break;
	default:
		http_date_parse(s, n, &t);
		break;
	}
	free(s);
	return 0;
}
