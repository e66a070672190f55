#include "showroomd/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/log.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZED 1
#endif

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif

/* With --db or --notify: libpq's and libcurl's calls. socket is allowed apart, for the
 * families they use only. */
static const int sandbox_net[] = {
	SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(socketpair),
};

/* TCP to the server (v4 or v6), or its Unix socket; the resolver uses the same. */
static const int sandbox_net_families[] = { AF_UNIX, AF_INET, AF_INET6 };

/* Files a database client or the notice sender reads to resolve a host and set up TLS
 * (with the CA certificates /etc/ssl/certs links to). */
static const char *const sandbox_net_files[] = {
	"/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/gai.conf",
	"/etc/host.conf", "/etc/services", "/etc/ssl", "/usr/lib/ssl", "/etc/postgresql-common",
	"/usr/share/ca-certificates",
};

int
sandbox_prepare_data(const char *user, const char *rw, char *err, size_t errlen)
{
	struct passwd *pw;
	char path[4096];
	static const char *const files[] = { "", "/showroom.db", "/showroom.db-wal",
	    "/showroom.db-shm" };
	size_t i;

	if (rw == NULL || strchr(rw, ':') != NULL)	/* no directory: nothing to prepare */
		return 0;
	if (fs_mkdirs(rw, 0700) == -1) {
		snprintf(err, errlen, "%s: %s", rw, strerror(errno));
		return -1;
	}
	if (user == NULL || getuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", rw, files[i]);
		if (chown(path, pw->pw_uid, pw->pw_gid) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
sandbox_drop(const char *user, int allow_root, char *err, size_t errlen)
{
	struct passwd *pw;

	if (getuid() != 0 && geteuid() != 0)
		return 0;
	if (user == NULL) {
		if (!allow_root) {
			snprintf(err, errlen, "running as root: give --user NAME to drop to");
			return -1;
		}
		log_warn("running as root: give --user NAME to drop root after binding");
		return 0;
	}
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "--user %s: that is root", user);
		return -1;
	}
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "dropping to %s: %s", user, strerror(errno));
		return -1;
	}
	/* a process that can get root back has not dropped it */
	if (setuid(0) != -1 || setgid(0) != -1) {
		snprintf(err, errlen, "dropping to %s: root could be regained", user);
		return -1;
	}
	log_info("running as %s (uid %u)", user, (unsigned)pw->pw_uid);
	return 0;
}

static int
ll_add(int ruleset, const char *path, uint64_t access, char *err, size_t errlen)
{
	struct landlock_path_beneath_attr pb;
	struct stat st;
	int fd, rc;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "landlock: %s: %s", path, strerror(errno));
		return -1;
	}
	/* a file takes only file rights; a directory takes them for everything beneath */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_TRUNCATE;
	pb.allowed_access = access;
	pb.parent_fd = fd;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(fd);
	if (rc == -1) {
		snprintf(err, errlen, "landlock: %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
sandbox_landlock_prepare(const struct sandbox_paths *p, char *err, size_t errlen)
{
	struct landlock_ruleset_attr ra;
	uint64_t ro = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	uint64_t rw = ro | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_TRUNCATE;
	int abi, ruleset, i;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		log_warn("landlock is not available in this kernel: the file system is not "
		    "confined (seccomp still applies)");
		return -2;
	}
	memset(&ra, 0, sizeof(ra));
	/* everything the kernel knows how to restrict is handled, so denied unless granted */
	ra.handled_access_fs = (1ULL << 13) - 1;	/* ABI 1 rights */
	if (abi >= 2)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	else
		rw &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
	if ((ruleset = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0)) == -1) {
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 4 && p->ro[i] != NULL; i++)
		if (ll_add(ruleset, p->ro[i], ro, err, errlen) == -1)
			goto fail;
	if (p->rfiles != NULL && ll_add(ruleset, p->rfiles, LANDLOCK_ACCESS_FS_READ_FILE, err,
	    errlen) == -1)
		goto fail;
	if (p->rw != NULL && ll_add(ruleset, p->rw, rw, err, errlen) == -1)
		goto fail;
	for (i = 0; p->net && i < (int)(sizeof(sandbox_net_files) / sizeof(sandbox_net_files[0]));
	    i++)
		if (access(sandbox_net_files[i], F_OK) == 0 &&
		    ll_add(ruleset, sandbox_net_files[i], ro, err, errlen) == -1)
			goto fail;
#ifdef SANDBOX_SANITIZED
	/* LeakSanitizer reads /proc/self/task at exit; test builds only */
	if (ll_add(ruleset, "/proc", ro, err, errlen) == -1)
		goto fail;
#endif
	return ruleset;
fail:
	close(ruleset);
	return -1;
}

int
sandbox_landlock_apply(int ruleset, char *err, size_t errlen)
{
	int rc = 0;

	if (ruleset == -2)
		return 0;	/* no Landlock in this kernel: warned when preparing */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) == -1) {
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		rc = -1;
	}
	close(ruleset);
	return rc;
}

/* What showroomd does after start-up: serve, read and write its files, keep time,
 * manage memory and threads, and reload on SIGHUP. */
static const int sandbox_allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(sendfile), SCMP_SYS(sendto),
	SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(recvmsg), SCMP_SYS(accept),
	SCMP_SYS(accept4), SCMP_SYS(shutdown), SCMP_SYS(close), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
	SCMP_SYS(pselect6), SCMP_SYS(eventfd2), SCMP_SYS(pipe2), SCMP_SYS(ioctl),
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(fcntl),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate), SCMP_SYS(unlink),
	SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(getdents64),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlink),
	SCMP_SYS(getcwd), SCMP_SYS(flock), SCMP_SYS(fchown),
	SCMP_SYS(fchmod), SCMP_SYS(umask), SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(mkdir),
	SCMP_SYS(mkdirat), SCMP_SYS(chmod), SCMP_SYS(fchmodat),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
	SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(futex), SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(tgkill),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigtimedwait), SCMP_SYS(sigaltstack), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(prctl), SCMP_SYS(sysinfo), SCMP_SYS(uname),
	SCMP_SYS(restart_syscall), SCMP_SYS(membarrier), SCMP_SYS(getrusage),
	SCMP_SYS(prlimit64), SCMP_SYS(pread64),
};


#ifdef SANDBOX_SANITIZED
/* LeakSanitizer stops the world with ptrace at exit; test builds only. */
static const int sandbox_sanitizer[] = {
	SCMP_SYS(ptrace), SCMP_SYS(wait4), SCMP_SYS(waitid), SCMP_SYS(getppid),
	SCMP_SYS(kill), SCMP_SYS(process_vm_readv), SCMP_SYS(sched_setaffinity),
	SCMP_SYS(getdents),
};
#endif

int
sandbox_seccomp(int net, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	/* anything not listed fails with EPERM: exec, ptrace, new sockets, mounts, ... */
	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		snprintf(err, errlen, "seccomp: cannot initialise");
		return -1;
	}
	for (i = 0; i < sizeof(sandbox_allowed) / sizeof(sandbox_allowed[0]); i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_allowed[i], 0)) < 0 &&
		    rc != -EEXIST) {
			snprintf(err, errlen, "seccomp: rule %zu: %s", i, strerror(-rc));
			seccomp_release(ctx);
			return -1;
		}
	for (i = 0; net && i < sizeof(sandbox_net) / sizeof(sandbox_net[0]); i++)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_net[i], 0);
	for (i = 0; net && i < sizeof(sandbox_net_families) / sizeof(sandbox_net_families[0]);
	    i++) {
		/* spelt out: SCMP_A0 leaves datum_b out, which clang's -Wextra refuses */
		struct scmp_arg_cmp family = { .arg = 0, .op = SCMP_CMP_EQ,
		    .datum_a = (scmp_datum_t)sandbox_net_families[i], .datum_b = 0 };

		if ((rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    &family)) < 0) {
			snprintf(err, errlen, "seccomp: socket rule: %s", strerror(-rc));
			seccomp_release(ctx);
			return -1;
		}
	}
#ifdef SANDBOX_SANITIZED
	for (i = 0; i < sizeof(sandbox_sanitizer) / sizeof(sandbox_sanitizer[0]); i++)
		seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_sanitizer[i], 0);
#endif
	if ((rc = seccomp_load(ctx)) < 0) {
		snprintf(err, errlen, "seccomp: %s", strerror(-rc));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
}

/* Logs whether a new socket of FAMILY may be made: only with --db, and only libpq's. */
static void
sandbox_selftest_socket(const char *name, int family, int type)
{
	int fd;

	if ((fd = socket(family, type | SOCK_CLOEXEC, 0)) == -1) {
		log_info("sandbox self-test: socket %s refused (%s)", name, strerror(errno));
		return;
	}
	log_info("sandbox self-test: socket %s allowed", name);
	close(fd);
}

void
sandbox_selftest(void)
{
	static char *const argv[] = { (char *)(uintptr_t)"/bin/true", NULL };
	int fd;

	if ((fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC)) == -1)
		log_info("sandbox self-test: open /etc/passwd refused (%s)", strerror(errno));
	else {
		log_warn("sandbox self-test: open /etc/passwd ALLOWED");
		close(fd);
	}
	execv(argv[0], argv);
	log_info("sandbox self-test: exec refused (%s)", strerror(errno));
	sandbox_selftest_socket("AF_PACKET", AF_PACKET, SOCK_RAW);
	sandbox_selftest_socket("AF_NETLINK", AF_NETLINK, SOCK_RAW);
	sandbox_selftest_socket("AF_INET", AF_INET, SOCK_STREAM);
}
