/*
 * libFuzzer target for the audit log verifier: the input is a whole log. Besides memory
 * errors it checks the verifier's promises (see showroom/audit.h):
 *   - a log that verifies, with one entry appended by audit_format after its head,
 *     verifies again with one entry more;
 *   - the same log with any one byte changed does not verify (every line must be its
 *     own canonical form and carry its own hash, so no single change can slip through);
 *   - trace over any input returns cleanly.
 * fuzz/corpus/audit holds intact logs (so the checks above run) and damaged ones.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_audit.c \
 *       src/showroom/office/audit.c src/lib/{buf,sha256file}.c \
 *       $(pkg-config --cflags --libs jansson libsodium libutf8proc)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "showroom/office/audit.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_zero[AUDIT_HASHLEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void
fuzz_append_one(const char *data, size_t size, const struct audit_report *r)
{
	static const struct audit_count c = { "records", 7 };
	static const struct audit_seed s = { "seed-fz", "〒100-0001 東京都千代田区見本町1-2-3" };
	static const struct audit_entry e = { 1795000000, "hq-fuzz", "export", &c, 1,
	    "out/fuzz.csv", NULL, "clickpost", &s , NULL, NULL};
	struct audit_report r2;
	char *line, *all;
	size_t len;

	if (audit_format(&e, (int64_t)r->entries + 1, r->entries ? r->head : fuzz_zero,
	    &line, &len, NULL, 0) == -1)
		abort();
	if ((all = malloc(size + len)) == NULL)
		abort();
	memcpy(all, data, size);
	memcpy(all + size, line, len);
	if (audit_verify_buf(all, size + len, &r2) != 0 || r2.entries != r->entries + 1)
		abort();
	free(all);
	free(line);
}

static void
fuzz_flip_one(const char *data, size_t size)
{
	struct audit_report r2;
	char *copy;
	size_t at;

	if (size == 0)
		return;
	/* a position and a change that the input picks, so the fuzzer explores both */
	at = ((size_t)(unsigned char)data[size / 2] * 65537u + size) % size;
	if ((copy = malloc(size)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[at] ^= (char)(1u << (size % 8));
	if (audit_verify_buf(copy, size, &r2) == 0)
		abort();
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *udata, size_t size)
{
	const char *data = (const char *)udata;
	struct audit_hits hs;
	struct audit_report r;

	if (sodium_init() < 0)
		abort();
	if (audit_verify_buf(data, size, &r) == 0) {
		if (r.status != AUDIT_OK || r.line != 0)
			abort();
		fuzz_append_one(data, size, &r);
		fuzz_flip_one(data, size);
	} else if (r.status == AUDIT_OK || r.line == 0 || r.entries != r.line - 1) {
		abort();
	}
	if (audit_trace_buf(data, size, "見本町1-2-3", &hs, NULL, 0) == 0)
		audit_hits_free(&hs);
	return 0;
}
