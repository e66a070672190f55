/*
 * Replays a fuzz target's corpus and regressions as an ordinary test: the binary named
 * fuzz_X reads fuzz/corpus/X/ and fuzz/regressions/X/ (run from the repository root) and
 * calls the target on every file. It fails when it finds no input, so it cannot pass empty.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent *de;
	char *path, *data;
	size_t len;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((path = fs_join(dir, de->d_name)) == NULL)
			return -1;
		if (fs_read_file(path, &data, &len) == 0) {
			LLVMFuzzerTestOneInput((const uint8_t *)data, len);
			free(data);
			(*count)++;
		}
		free(path);
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char corpus[512], regress[512];
	size_t count = 0;

	if (strncmp(base, "fuzz_", 5) != 0) {
		fprintf(stderr, "replay: binary must be named fuzz_TARGET\n");
		return 1;
	}
	snprintf(corpus, sizeof(corpus), "fuzz/corpus/%s", base + 5);
	snprintf(regress, sizeof(regress), "fuzz/regressions/%s", base + 5);
	if (replay_dir(corpus, &count) == -1 || replay_dir(regress, &count) == -1)
		return 1;
	printf("%s: replayed %zu inputs\n", base, count);
	if (count == 0) {
		fprintf(stderr, "%s: no inputs in %s or %s\n", base, corpus, regress);
		return 1;
	}
	return 0;
}
