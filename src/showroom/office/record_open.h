/* Opening sealed records, in the back office only. */
#ifndef SHOWROOM_RECORD_OPEN_H
#define SHOWROOM_RECORD_OPEN_H

#include "seal/record.h"

/* Opens CT with SK; *pt is a new sodium-wipeable buffer of ctlen - 16 bytes (NUL-terminated
 * after that). -1 when it does not open: wrong key, or a record moved or tampered with. */
int	record_open(const struct record_meta *, const uint8_t sk[32], const uint8_t enc[32],
	    const uint8_t *ct, size_t ctlen, char **pt, size_t *ptlen);

#endif
