/* Writing the built site: files, their precompressed .gz and .br twins, hashed asset names. */
#ifndef SHOWROOM_SITE_OUT_H
#define SHOWROOM_SITE_OUT_H

#include <stddef.h>

struct site_out {
	char	*root;		/* the directory being built */
	size_t	 files;
	size_t	 bytes;
	char	 err[512];
};

/* Writes REL (e.g. "models/x/index.html") with its compressed variants when they help. */
int	site_out_write(struct site_out *, const char *rel, const void *data, size_t len);
/* Writes DIR/NAME.HASH.EXT and puts its URL path ("/DIR/NAME.HASH.EXT") in url. */
int	site_out_asset(struct site_out *, const char *dir, const char *name, const char *ext,
	    const void *data, size_t len, char *url, size_t urlsz);
/* Compressed copies for gzip (-1 when it does not help or fails). For tests and the writer. */
int	site_out_gzip(const void *in, size_t len, unsigned char **out, size_t *outlen);
int	site_out_brotli(const void *in, size_t len, unsigned char **out, size_t *outlen);

#endif
