/* Test support: keys made with showroom keygen and a keyring signed by a test root. */
#ifndef TESTS_TESTKEYS_H
#define TESTS_TESTKEYS_H

#include <stddef.h>

#define TESTKEYS_PASS	"example-passphrase-1"

/* In DIR: root, hq and one key per dealer code in DEALERS (NULL-terminated), named
 * DIR/dealer-CODE, and DIR/keyring.json valid for 30 days. Sets SHOWROOM_PASSPHRASE.
 * 0 on success. */
int	testkeys_make(const char *dir, const char *const *dealers);

#endif
