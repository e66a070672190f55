/*
 * libFuzzer target for the content parsers. The first byte picks the parser (mod 3:
 * '0' brand, '1' model, '2' dealer, so seeds stay readable), the rest is the file.
 * Besides memory errors it checks the parsers' promises: 0 exactly when no diagnostic
 * was added, every diagnostic complete, and a clean parse fills every required field.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_content.c \
 *       src/content/content*.c src/lib/{buf,fsutil,log,i18n,prefecture}.c \
 *       $(pkg-config --cflags --libs jansson libsodium libutf8proc)
 *   ./a.out -dict=fuzz/content.dict NEWDIR fuzz/corpus/content
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "content/content.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_text(const struct text *t)
{
	if (t->s[LANG_JA] == NULL || t->s[LANG_EN] == NULL ||
	    t->s[LANG_JA][0] == '\0' || t->s[LANG_EN][0] == '\0')
		abort();
}

static int
fuzz_brand(const char *buf, size_t len, struct content_diags *d)
{
	struct brand b;
	int rc;

	if ((rc = content_parse_brand(buf, len, "brand.json", &b, d)) == 0) {
		fuzz_text(&b.name);
		fuzz_text(&b.address);
		if (b.url == NULL || b.email == NULL || b.phone == NULL ||
		    b.colour_background == NULL || b.langs != 3)
			abort();
	}
	content_brand_free(&b);
	return rc;
}

static int
fuzz_model(const char *buf, size_t len, struct content_diags *d)
{
	struct model m;
	int rc;

	if ((rc = content_parse_model(buf, len, "models/x.json", &m, d)) == 0) {
		fuzz_text(&m.name);
		fuzz_text(&m.description);
		fuzz_text(&m.specs.engine);
		if (m.code == NULL || m.image == NULL || m.body == NULL ||
		    m.specs.drive == NULL || m.price_min > m.price_max ||
		    m.specs.seats < 1 || m.specs.seats > 9)
			abort();
		if (m.powertrain == PT_EV && (m.specs.range_km < 50 ||
		    m.specs.wltc_km_per_l != 0))
			abort();
	}
	content_model_free(&m);
	return rc;
}

static int
fuzz_dealer(const char *buf, size_t len, struct content_diags *d)
{
	struct dealer dl;
	int day, open = 0, rc;
	size_t i;

	if ((rc = content_parse_dealer(buf, len, "dealers/x.json", &dl, d)) == 0) {
		fuzz_text(&dl.name);
		if (dl.code == NULL || dl.phone == NULL || dl.postal_code == NULL ||
		    dl.prefecture < 1 || dl.prefecture > 47 || dl.ncars == 0)
			abort();
		for (day = 0; day < WEEKDAYS; day++) {
			if (dl.hours[day].open_min < 0)
				continue;
			open++;
			if (dl.hours[day].close_min - dl.hours[day].open_min <
			    dl.slot_minutes)
				abort();
		}
		for (i = 0; i < dl.ncars; i++)
			if (dl.cars[i].model == NULL || dl.cars[i].count < 1)
				abort();
		if (open == 0)
			abort();
	}
	content_dealer_free(&dl);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct content_diags d = { NULL, 0 };
	const char *buf = (const char *)data + 1;
	size_t i, len = size - 1;
	int rc;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		rc = fuzz_brand(buf, len, &d);
		break;
	case 1:
		rc = fuzz_model(buf, len, &d);
		break;
	default:
		rc = fuzz_dealer(buf, len, &d);
		break;
	}
	/* Memory does not run out here, so a failure always says why. */
	if ((rc == 0) != (d.n == 0))
		abort();
	for (i = 0; i < d.n; i++)
		if (d.v[i].file == NULL || d.v[i].path == NULL || d.v[i].msg == NULL ||
		    d.v[i].path[0] != '$' || d.v[i].msg[0] == '\0')
			abort();
	content_diags_free(&d);
	return 0;
}
