/*
 * libFuzzer target for the notice configuration (showroomd --notify FILE). Besides memory
 * errors it checks what the parser promises (showroomd/notify.h):
 *   - a refused configuration says why and leaves nothing allocated;
 *   - an accepted one holds only what may go into mail headers and URLs: addresses
 *     without CR, LF, space, '<' or '>'; smtp:// without STARTTLS and http:// webhooks
 *     only to a loopback host; webhook secrets of 16 bytes or more;
 *   - the messages made from it, for any recipient, hold no CR or LF but the CRLFs
 *     they put there themselves (no header can be injected).
 * fuzz/corpus/notify holds valid and broken configurations.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_notify.c \
 *       src/showroomd/notify.c src/store/store.c src/lib/{buf,errbuf,fsutil,jtime}.c ... \
 *       $(pkg-config --cflags --libs jansson libsodium)   (make fuzz does it)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "showroomd/notify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_clean(const char *s)
{
	return s == NULL || strpbrk(s, "\r\n <>") == NULL;
}

/* Each header line of a mail ends in CRLF, and nothing else breaks a line. */
static void
fuzz_mail_lines(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if ((b->data[i] == '\r' && (i + 1 >= b->len || b->data[i + 1] != '\n')) ||
		    (b->data[i] == '\n' && (i == 0 || b->data[i - 1] != '\r')))
			abort();
}

static void
fuzz_messages(const struct notify_config *cfg, const struct notify_recipient *r)
{
	struct store_notice n;
	struct notify_msg m;
	struct buf b = BUF_INIT;

	memset(&n, 0, sizeof(n));
	memcpy(n.key_id, "hq-0011223344556677", 20);
	n.count[STORE_KIND_CATALOG_REQUEST] = 3;
	memset(&m, 0, sizeof(m));
	m.who = "hq (hq-0011223344556677)";
	m.selector = r->selector;
	m.office_url = r->office_url ? r->office_url : cfg->office_url;
	m.n = &n;
	m.now = 1796050800;
	if (r->email != NULL) {
		if (notify_mail(&m, r->email, "x.notice@example.jp", &b) == -1)
			abort();
		fuzz_mail_lines(&b);
		buf_free(&b);
	}
	if (notify_webhook_body(&m, &b) == -1 || memchr(b.data, '\n', b.len) != NULL)
		abort();
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notify_config cfg;
	const struct notify_recipient *r;
	char err[300];
	size_t i, j;

	err[0] = '\0';
	if (notify_config_parse((const char *)data, size, &cfg, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || cfg.nr != 0 || cfg.r != NULL)
			abort();
		return 0;
	}
	for (i = 0; i < cfg.nr; i++) {
		r = &cfg.r[i];
		if (r->email != NULL) {
			if (!fuzz_clean(r->email->from) || r->email->nto == 0 ||
			    (!r->email->starttls && strncasecmp(r->email->url, "smtp://", 7) != 0))
				abort();
			for (j = 0; j < r->email->nto; j++)
				if (!fuzz_clean(r->email->to[j]))
					abort();
		}
		if (r->webhook != NULL && strlen(r->webhook->secret) < NOTIFY_SECRET_MIN)
			abort();
		if (r->email == NULL && r->webhook == NULL)
			abort();
		fuzz_messages(&cfg, r);
	}
	notify_config_free(&cfg);
	return 0;
}
