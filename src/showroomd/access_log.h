/*
 * The access log on stderr: time, method, path, status, bytes. Never the client address and
 * never the query string (capability tokens and form values travel there). Lines are buffered
 * and written at least once a second, so logging costs no system call per request.
 */
#ifndef SHOWROOMD_ACCESS_LOG_H
#define SHOWROOMD_ACCESS_LOG_H

#include <stddef.h>

int	access_log_start(void);
void	access_log_line(const char *method, const char *path, unsigned status, size_t bytes);
void	access_log_stop(void);

#endif
