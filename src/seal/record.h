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

/*
 * The keys of a record's plaintext, defined once: the inventory table's rows
 * (src/seal/inventory.c) and the record writer use them, and so does the back office
 * that reads records back. Every record holds "kind" (catalog, test_drive,
 * cancellation) and "v" (1).
 */
#define RECORD_F_KIND		"kind"
#define RECORD_F_VERSION	"v"
/* A catalog request. */
#define RECORD_F_MODELS		"models"	/* an array of model codes */
#define RECORD_F_NAME		"name"		/* also in a test drive */
#define RECORD_F_POSTAL_CODE	"postal_code"
#define RECORD_F_PREFECTURE	"prefecture"
#define RECORD_F_ADDRESS1	"address1"
#define RECORD_F_ADDRESS2	"address2"
/* A test drive; a cancellation holds dealer, model and slot too. */
#define RECORD_F_MODEL		"model"
#define RECORD_F_DEALER		"dealer"
#define RECORD_F_SLOT		"slot"
#define RECORD_F_PHONE		"phone"
#define RECORD_F_EMAIL		"email"
#define RECORD_F_NOTE		"note"
#define RECORD_F_LICENCE	"licence"
/* A cancellation: the id of the booking it cancels. */
#define RECORD_F_BOOKING	"booking"

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
