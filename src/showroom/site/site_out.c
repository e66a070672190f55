#include "showroom/site/site_out.h"

#include <brotli/encode.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/fsutil.h"

static const char *const so_compressible[] = {
	".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".ics"
};

static int
so_is_compressible(const char *rel)
{
	size_t i, lr = strlen(rel), le;

	if (rel[0] == '.')	/* SITE/.app: read by showroomd, never sent */
		return 0;
	for (i = 0; i < sizeof(so_compressible) / sizeof(so_compressible[0]); i++) {
		le = strlen(so_compressible[i]);
		if (lr >= le && strcmp(rel + lr - le, so_compressible[i]) == 0)
			return 1;
	}
	return 0;
}

int
site_out_gzip(const void *in, size_t len, unsigned char **out, size_t *outlen)
{
	z_stream zs;
	unsigned char *buf;
	size_t cap;
	int rc;

	memset(&zs, 0, sizeof(zs));
	/* 15 + 16: a gzip wrapper, as nginx's gzip_static and browsers expect */
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	cap = deflateBound(&zs, len) + 32;
	if ((buf = malloc(cap)) == NULL) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	rc = deflate(&zs, Z_FINISH);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

int
site_out_brotli(const void *in, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char *buf;
	size_t cap = BrotliEncoderMaxCompressedSize(len);

	if (cap == 0 || (buf = malloc(cap)) == NULL)
		return -1;
	*outlen = cap;
	if (!BrotliEncoderCompress(BROTLI_MAX_QUALITY, BROTLI_DEFAULT_WINDOW,
	    BROTLI_MODE_TEXT, len, in, outlen, buf)) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

static int
so_write_raw(struct site_out *so, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX], *slash;

	if (snprintf(path, sizeof(path), "%s/%s", so->root, rel) >= (int)sizeof(path)) {
		snprintf(so->err, sizeof(so->err), "%s: path too long", rel);
		return -1;
	}
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		if (fs_mkdirs(path, 0755) == -1) {
			snprintf(so->err, sizeof(so->err), "%s: %s", path, strerror(errno));
			return -1;
		}
		*slash = '/';
	}
	if (fs_write_file(path, data, len, 0644) == -1) {
		snprintf(so->err, sizeof(so->err), "%s: %s", path, strerror(errno));
		return -1;
	}
	so->files++;
	so->bytes += len;
	return 0;
}

/* Writes REL+SUFFIX when the compressed form is smaller than the original. */
static int
so_write_variant(struct site_out *so, const char *rel, const char *suffix,
    int (*compress)(const void *, size_t, unsigned char **, size_t *),
    const void *data, size_t len)
{
	unsigned char *z = NULL;
	char vrel[PATH_MAX];
	size_t zlen;
	int rc = 0;

	if (compress(data, len, &z, &zlen) == -1) {
		snprintf(so->err, sizeof(so->err), "%s: compression failed", rel);
		return -1;
	}
	if (zlen < len) {
		snprintf(vrel, sizeof(vrel), "%s%s", rel, suffix);
		rc = so_write_raw(so, vrel, z, zlen);
	}
	free(z);
	return rc;
}

int
site_out_write(struct site_out *so, const char *rel, const void *data, size_t len)
{
	if (so_write_raw(so, rel, data, len) == -1)
		return -1;
	if (!so_is_compressible(rel) || len < 256)
		return 0;
	if (so_write_variant(so, rel, ".gz", site_out_gzip, data, len) == -1 ||
	    so_write_variant(so, rel, ".br", site_out_brotli, data, len) == -1)
		return -1;
	return 0;
}

int
site_out_asset(struct site_out *so, const char *dir, const char *name, const char *ext,
    const void *data, size_t len, char *url, size_t urlsz)
{
	unsigned char h[16];
	char hex[33], rel[PATH_MAX];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (snprintf(rel, sizeof(rel), "%s/%s.%.12s%s", dir, name, hex, ext) >=
	    (int)sizeof(rel) || snprintf(url, urlsz, "/%s", rel) >= (int)urlsz) {
		snprintf(so->err, sizeof(so->err), "%s/%s: name too long", dir, name);
		return -1;
	}
	return site_out_write(so, rel, data, len);
}
