/*
 * Sealed records: what a submission becomes the moment it arrives. The plaintext (the
 * inventory's canonical JSON, padded) is sealed with HPKE base mode to the recipient's
 * X25519 key; the AAD binds the record to its metadata, so a ciphertext moved to another
 * row, kind, recipient or time does not open.
 *
 *   info = "showroom record v1"
 *   aad  = "showroom-record/1" NUL id NUL kind NUL key_id NUL created (decimal)
 *
 * Sealing is here, shared; opening is in the back office (src/showroom/record_open.c).
 */
#ifndef SHOWROOM_RECORD_H
#define SHOWROOM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define RECORD_INFO	"showroom record v1"

struct record_meta {
	const char	*id;
	const char	*kind;		/* "catalog_request", "test_drive", "cancellation" */
	const char	*key_id;	/* the recipient's, from the keyring */
	int64_t		 created;	/* unix seconds */
};

/* The AAD for META, appended to out. */
int	record_aad(const struct record_meta *, struct buf *out);
/* Seals PT to PK; enc gets 32 bytes, *ct a new buffer of ptlen + 16 bytes. */
int	record_seal(const struct record_meta *, const uint8_t pk[32], const void *pt,
	    size_t ptlen, uint8_t enc[32], uint8_t **ct, size_t *ctlen);

#endif
