/*
 * `make install DESTDIR=... PREFIX=/usr/local` puts the binaries, the templates, the
 * documentation, the manual pages and the systemd unit where packagers and docs/OPERATIONS.md
 * expect them, and the unit names the installed paths. Runs make on the tree already built
 * (SHOWROOM_BUILD), so it only copies; skipped where make is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "testsrv.h"

static char work[256], dest[300];	/* DESTDIR is WORK/root */

static const char *
build_dir(void)
{
	const char *b = getenv("SHOWROOM_BUILD");

	return b != NULL ? b : "build";
}

static void
assert_file(const char *rel, mode_t mode)
{
	char path[600];
	struct stat sb;

	snprintf(path, sizeof(path), "%s%s", dest, rel);
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
		fail_msg("not installed: %s", rel);
	if ((sb.st_mode & 07777) != mode)
		fail_msg("%s: mode %04o, want %04o", rel, (unsigned)(sb.st_mode & 07777),
		    (unsigned)mode);
}

static void
test_make_install(void **state)
{
	char cmd[1024], path[600], *unit;
	size_t len;
	int rc;

	if (system("command -v make >/dev/null 2>&1") != 0 || access("Makefile", R_OK) != 0) {
		print_message("install test skipped: needs make and the source tree as cwd\n");
		skip();
	}
	assert_int_equal(testsrv_tmpname(work, sizeof(work), "showroom-install"), 0);
	assert_non_null(mkdtemp(work));
	snprintf(dest, sizeof(dest), "%s/root", work);
	/* BUILD: the tree this suite runs on (make test has just built it: nothing to do) */
	snprintf(cmd, sizeof(cmd), "make -s --no-print-directory install "
	    "BUILD=%s DESTDIR=%s PREFIX=/usr/local >%s/install.log 2>&1", build_dir(), dest, work);
	rc = system(cmd);
	if (rc != 0) {
		snprintf(path, sizeof(path), "%s/install.log", work);
		if (fs_read_file(path, &unit, &len) == 0) {
			fprintf(stderr, "%s", unit);
			free(unit);
		}
		fail_msg("make install: status %d", rc);
	}
	assert_file("/usr/local/bin/showroom", 0755);
	assert_file("/usr/local/bin/showroomd", 0755);
	assert_file("/usr/local/share/doc/showroom/OPERATIONS.md", 0644);
	assert_file("/usr/local/lib/systemd/system/showroomd.service", 0644);
	assert_file("/usr/local/share/man/man1/showroom.1", 0644);
	assert_file("/usr/local/share/man/man8/showroomd.8", 0644);
	/* every template, as in the source tree */
	snprintf(cmd, sizeof(cmd), "diff -r templates %s/usr/local/share/showroom/templates "
	    ">/dev/null", dest);
	assert_int_equal(system(cmd), 0);

	snprintf(path, sizeof(path), "%s/usr/local/lib/systemd/system/showroomd.service", dest);
	assert_int_equal(fs_read_file(path, &unit, &len), 0);
	assert_non_null(strstr(unit, "\nExecStart=/usr/local/bin/showroomd --site "
	    "/usr/local/share/showroom/site"));
	assert_non_null(strstr(unit, "\nExecReload=/bin/kill -HUP $MAINPID\n"));
	assert_non_null(strstr(unit, "\nDynamicUser=yes\n"));
	assert_non_null(strstr(unit, "\nStateDirectory=showroom\n"));
	assert_non_null(strstr(unit, "\nNoNewPrivileges=yes\n"));
	assert_non_null(strstr(unit, "\nProtectSystem=strict\n"));
	assert_non_null(strstr(unit, "\nSystemCallFilter=@system-service\n"));
	/* showroomd's own sandbox needs these past the service filter */
	assert_non_null(strstr(unit, "landlock_restrict_self"));
	free(unit);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", work);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
