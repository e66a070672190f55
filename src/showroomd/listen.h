/* The listening socket, made before anything else so privileges can be dropped after. */
#ifndef SHOWROOMD_LISTEN_H
#define SHOWROOMD_LISTEN_H

#include <stddef.h>

/* HOST:PORT, [V6]:PORT. Returns a listening fd, or -1 with err. *port gets the real port
 * (useful with port 0). */
int	listen_open(const char *spec, int *port, char *err, size_t errlen);

#endif
