/*
 * Fuzz target for the classification of a request for counting (showroomd/metrics.c): any
 * method and path give a class and a language in range, and a model name, the only string
 * that ever becomes a counter's name, is empty or a content code ([a-z0-9-], 1 to 32).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "showroomd/metrics.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char model[METRICS_MODEL_MAX + 1], *path;
	enum metrics_class c;
	enum metrics_lang l;
	size_t n;

	if (size < 1)
		return 0;
	/* a NUL-terminated copy: paths reach the counter decoded, as C strings */
	if ((path = malloc(size)) == NULL)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	metrics_classify(data[0] & 1 ? "POST" : "GET", path, &c, &l, model);
	n = strlen(model);
	if ((unsigned)c >= MC_COUNT || (unsigned)l >= ML_COUNT || n > METRICS_MODEL_MAX ||
	    strspn(model, "abcdefghijklmnopqrstuvwxyz0123456789-") != n ||
	    (n > 0) != (c == MC_CATALOG_PDF))
		abort();
	(void)metrics_outcome_of((unsigned)size);
	free(path);
	return 0;
}
