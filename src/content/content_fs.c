/*
 * Files of a content directory. Everything the site will publish must be a regular
 * file inside the directory: a symbolic link that leads out of it would publish
 * whatever it points at (say /etc or a key file), so every path is resolved with
 * realpath() and checked for containment.
 */
#include "content/content_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"

int
content_fs_root(const char *dir, char **rootp, char *why, size_t whylen)
{
	struct stat st;
	char *root;

	if ((root = realpath(dir, NULL)) == NULL) {
		snprintf(why, whylen, "cannot open the content directory: %s",
		    strerror(errno));
		return -1;
	}
	if (stat(root, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "not a directory");
		free(root);
		return -1;
	}
	*rootp = root;
	return 0;
}

static int
content_fs_inside(const char *root, const char *real)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return real[0] == '/' && real[1] != '\0';
	return strncmp(real, root, n) == 0 && real[n] == '/' && real[n + 1] != '\0';
}

/* The real path of ROOT/REL if it is a regular file inside ROOT. */
static char *
content_fs_resolve(const char *root, const char *rel, struct stat *st, char *why,
    size_t whylen)
{
	char *full, *real;

	if ((full = fs_join(root, rel)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	real = realpath(full, NULL);
	free(full);
	if (real == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			snprintf(why, whylen, "%s: no such file", rel);
		else
			snprintf(why, whylen, "%s: %s", rel, strerror(errno));
		return NULL;
	}
	if (!content_fs_inside(root, real)) {
		snprintf(why, whylen, "%s: leads out of the content directory "
		    "(a symbolic link?)", rel);
		free(real);
		return NULL;
	}
	if (stat(real, st) == -1 || !S_ISREG(st->st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", rel);
		free(real);
		return NULL;
	}
	return real;
}

int
content_fs_read(const char *root, const char *rel, char **datap, size_t *lenp,
    char *why, size_t whylen)
{
	struct stat st;
	char *real;
	int rc = -1;

	if ((real = content_fs_resolve(root, rel, &st, why, whylen)) == NULL)
		return -1;
	if (st.st_size > CONTENT_MAX_FILE)
		snprintf(why, whylen, "%s: too large (%lld bytes, at most %d)", rel,
		    (long long)st.st_size, CONTENT_MAX_FILE);
	else if (fs_read_file(real, datap, lenp) == -1)
		snprintf(why, whylen, "%s: %s", rel, strerror(errno));
	else
		rc = 0;
	free(real);
	return rc;
}

static int
content_fs_magic(const char *real, const char *magic)
{
	char head[16];
	size_t n = strlen(magic), off = 0;
	ssize_t r;
	int fd;

	if (n > sizeof(head) || (fd = open(real, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (off < n) {
		r = read(fd, head + off, n - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	return off == n && memcmp(head, magic, n) == 0 ? 0 : -1;
}

int
content_fs_check(const char *root, const char *rel, const char *magic, char *why,
    size_t whylen)
{
	struct stat st;
	char *real;
	int rc = 0;

	if ((real = content_fs_resolve(root, rel, &st, why, whylen)) == NULL)
		return -1;
	if (magic != NULL && content_fs_magic(real, magic) == -1) {
		snprintf(why, whylen, "%s: does not start with \"%s\"", rel, magic);
		rc = -1;
	}
	free(real);
	return rc;
}

static int
content_fs_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Content files: "*.json", not hidden (editors leave ".#x.json" and the like). */
static int
content_fs_wanted(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

int
content_fs_list(const char *root, const char *sub, size_t max, char ***namesp,
    size_t *np, int *morep)
{
	struct dirent *de;
	char **names = NULL, *path;
	size_t n = 0;
	DIR *dp;
	int saved;

	*morep = 0;
	if ((path = fs_join(root, sub)) == NULL)
		return -1;
	dp = opendir(path);
	free(path);
	if (dp == NULL)
		return -1;
	if ((names = calloc(max ? max : 1, sizeof(*names))) == NULL)
		goto fail;
	while ((de = readdir(dp)) != NULL) {
		if (!content_fs_wanted(de->d_name))
			continue;
		if (n == max) {
			*morep = 1;
			break;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), content_fs_cmp);
	*namesp = names;
	*np = n;
	return 0;
fail:
	saved = errno;
	content_fs_names_free(names, n);
	closedir(dp);
	errno = saved;
	return -1;
}

void
content_fs_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
}
