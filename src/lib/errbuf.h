/*
 * The one way to fill a caller's error buffer (char *err, size_t errlen), and the usage
 * exit code both programs share. Messages carry context, never personal data or secrets.
 */
#ifndef SHOWROOM_ERRBUF_H
#define SHOWROOM_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Both programs: 0 success, 1 failure (reported), 2 usage error. */
#define EXIT_USAGE	2

/* Formats into ERR (nothing when ERR is NULL or ERRLEN 0); returns -1, for "return errbuf_set(...)". */
int	errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	errbuf_setv(char *err, size_t errlen, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

#endif
