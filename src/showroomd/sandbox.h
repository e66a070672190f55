/*
 * Least privilege for the web tier, applied once start-up is done: drop root for an
 * unprivileged user, confine the file system with Landlock (read-only: the site, the
 * keyring, the root public key; read-write: the data directory; nothing else), then a
 * seccomp allow-list of the system calls showroomd uses. exec is not on it.
 */
#ifndef SHOWROOMD_SANDBOX_H
#define SHOWROOMD_SANDBOX_H

#include <stddef.h>

struct sandbox_paths {
	const char	*ro[4];		/* read-only trees or files; NULL-terminated */
	const char	*rfiles;	/* a directory whose files may be read, not listed: where
					 * a keyring replaced by rename is read again, or NULL */
	const char	*rw;		/* the data directory, or NULL */
	int		 net;		/* a database over the network (PostgreSQL), or
					 * notices (SMTP, HTTPS) */
};

/* Before the drop: makes the data directory (0700) and gives it to USER, so the store
 * can be opened after. */
int	sandbox_prepare_data(const char *user, const char *rw, char *err, size_t errlen);
/* Drops to USER (a no-op with NULL). As root without a user, it refuses unless
 * allow_root, which only warns. */
int	sandbox_drop(const char *user, int allow_root, char *err, size_t errlen);
/* Landlock in two steps: the rules are made while the paths can still be opened (before
 * dropping root), and enforced after. prepare returns a ruleset, -2 when the kernel has
 * no Landlock (warned; apply then does nothing), or -1 on error. */
int	sandbox_landlock_prepare(const struct sandbox_paths *, char *err, size_t errlen);
int	sandbox_landlock_apply(int ruleset, char *err, size_t errlen);
/* NET adds what a database client or the notice sender needs: new sockets and connect. */
int	sandbox_seccomp(int net, char *err, size_t errlen);
/* Tries what the sandbox forbids and logs the outcome, for tests and operators. */
void	sandbox_selftest(void);

#endif
