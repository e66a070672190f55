#include "lib/sha256file.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHA256_CHUNK	(64u * 1024)

int
sha256_file(const char *path, uint8_t out[SHA256_LEN])
{
	crypto_hash_sha256_state st;
	unsigned char *chunk;
	ssize_t n;
	int fd, rc = -1, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* On the heap: 64 KiB is too much for the stacks of some callers' threads. */
	if ((chunk = malloc(SHA256_CHUNK)) == NULL)
		goto out;
	crypto_hash_sha256_init(&st);
	for (;;) {
		n = read(fd, chunk, SHA256_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto out;
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
	}
	crypto_hash_sha256_final(&st, out);
	rc = 0;
out:
	saved = errno;
	/* The file may be an export holding personal data: leave none of it behind. */
	if (chunk != NULL) {
		sodium_memzero(chunk, SHA256_CHUNK);
		free(chunk);
	}
	sodium_memzero(&st, sizeof(st));
	close(fd);
	errno = saved;
	return rc;
}

int
sha256_file_hex(const char *path, char hex[SHA256_HEXLEN + 1])
{
	uint8_t md[SHA256_LEN];

	if (sha256_file(path, md) == -1)
		return -1;
	sodium_bin2hex(hex, SHA256_HEXLEN + 1, md, sizeof(md));
	return 0;
}

void
sha256_buf_hex(const void *p, size_t len, char hex[SHA256_HEXLEN + 1])
{
	uint8_t md[SHA256_LEN];

	crypto_hash_sha256(md, p, len);
	sodium_bin2hex(hex, SHA256_HEXLEN + 1, md, sizeof(md));
}

int
sha256_is_hex(const char *s)
{
	size_t i;

	for (i = 0; i < SHA256_HEXLEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}
