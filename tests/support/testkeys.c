#include "testkeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "testsrv.h"

int
testkeys_make(const char *dir, const char *const *dealers)
{
	char root[300], hq[300], kr[300], exp[16], name[64], pubs[16][310], prefix[300];
	const char *sign[32];
	time_t t = time(NULL) + 30 * 86400;
	struct tm tm;
	int i, n = 0, s = 0;

	setenv("SHOWROOM_PASSPHRASE", TESTKEYS_PASS, 1);
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(hq, sizeof(hq), "%s/hq", dir);
	snprintf(kr, sizeof(kr), "%s/keyring.json", dir);
	gmtime_r(&t, &tm);
	strftime(exp, sizeof(exp), "%Y-%m-%d", &tm);
	const char *a1[] = { "keygen", "--role", "root", "--name", "Example Root", "--out", root,
	    NULL };
	const char *a2[] = { "keygen", "--role", "hq", "--name", "Example HQ", "--out", hq, NULL };
	if (testsrv_showroom(a1) != 0 || testsrv_showroom(a2) != 0)
		return -1;
	snprintf(pubs[n++], sizeof(pubs[0]), "%s.public", hq);
	for (i = 0; dealers != NULL && dealers[i] != NULL && n < 16; i++) {
		snprintf(prefix, sizeof(prefix), "%s/dealer-%s", dir, dealers[i]);
		snprintf(name, sizeof(name), "Example Dealer %d", i + 1);
		const char *a3[] = { "keygen", "--role", "dealer", "--dealer", dealers[i], "--name",
		    name, "--out", prefix, NULL };
		if (testsrv_showroom(a3) != 0)
			return -1;
		snprintf(pubs[n++], sizeof(pubs[0]), "%s.public", prefix);
	}
	sign[s++] = "keyring";
	sign[s++] = "sign";
	sign[s++] = "--root";
	sign[s++] = root;
	sign[s++] = "--expires";
	sign[s++] = exp;
	sign[s++] = "-o";
	sign[s++] = kr;
	for (i = 0; i < n; i++)
		sign[s++] = pubs[i];
	sign[s] = NULL;
	return testsrv_showroom(sign) == 0 ? 0 : -1;
}
