/* Whole-file reads and crash-safe writes. Errors set errno and return -1. */
#ifndef SHOWROOM_FSUTIL_H
#define SHOWROOM_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#define FS_MAX_FILE	(256u * 1024 * 1024)

/* Reads a whole file; *datap is NUL-terminated and must be freed. */
int	fs_read_file(const char *path, char **datap, size_t *lenp);
/* Writes to PATH.tmp, fsyncs, renames over PATH: readers see old or new, never half. */
int	fs_write_file(const char *path, const void *data, size_t len, mode_t mode);
/* mkdir -p */
int	fs_mkdirs(const char *path, mode_t mode);
/* rm -rf; refuses "", "/" and paths with "..". */
int	fs_remove_tree(const char *path);
/* Joins A/B into a new string; NULL when memory runs out. */
char	*fs_join(const char *a, const char *b);

#endif
