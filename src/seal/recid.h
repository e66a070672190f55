/*
 * Record ids: 26 characters of Crockford base32 (lower case), 48 bits of milliseconds
 * then 80 random bits. The web tier mints them for records and receipts, the back office
 * for seed records, and both check them; the AAD of a sealed record binds its id.
 */
#ifndef SHOWROOM_RECID_H
#define SHOWROOM_RECID_H

#define RECID_LEN	26

void	recid_new(char id[RECID_LEN + 1]);
/* 1 when ID is exactly RECID_LEN characters of the alphabet, else 0. */
int	recid_valid(const char *id);

#endif
