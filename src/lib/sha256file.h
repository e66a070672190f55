/* SHA-256 of whole files, streamed, and the lower-case hex form used in logs and manifests. */
#ifndef SHOWROOM_SHA256FILE_H
#define SHOWROOM_SHA256FILE_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32
#define SHA256_HEXLEN	64	/* without the NUL */

/* Hashes the file at PATH in 64 KiB reads, so size does not matter. -1 with errno set. */
int	sha256_file(const char *path, uint8_t out[SHA256_LEN]);
/* The same into 64 hex digits and a NUL. */
int	sha256_file_hex(const char *path, char hex[SHA256_HEXLEN + 1]);
/* SHA-256 of a buffer, as hex. */
void	sha256_buf_hex(const void *, size_t, char hex[SHA256_HEXLEN + 1]);
/* 1 when S is exactly 64 lower-case hex digits. */
int	sha256_is_hex(const char *s);

#endif
