/* The server's inbox records, as the back office decodes them. */
#ifndef SHOWROOM_INBOX_H
#define SHOWROOM_INBOX_H

#include <jansson.h>

#include "showroom/office/bostore.h"

/* 0 catalog_request, 1 test_drive, 2 cancellation; -1 for anything else. */
int	inbox_kind_index(const char *kind);
/* Parses one inbox record object into R (R->ct is allocated, even on failure: free it).
 * -1 when malformed: a bad id, kind, key id, time, or base64. */
int	inbox_record_parse(json_t *o, struct bostore_rec *r);

#endif
