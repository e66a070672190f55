#include "lib/errbuf.h"

#include <stdio.h>

int
errbuf_setv(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err != NULL && errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	return -1;
}

int
errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_setv(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
