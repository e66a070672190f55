#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *log_prog = "showroom";

void
log_set_prog(const char *p)
{
	log_prog = p;
}

static void log_emit(const char *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
log_emit(const char *level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One fprintf per line so threads never interleave within a line. */
	fprintf(stderr, "%s: %s%s\n", log_prog, level, line);
}

#define LOG_FN(name, level)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	log_emit(level, fmt, ap);			\
	va_end(ap);					\
}

LOG_FN(log_info, "")
LOG_FN(log_warn, "warning: ")
LOG_FN(log_error, "error: ")
