/* Diagnostics on stderr. Never pass personal data, secrets or client addresses. */
#ifndef SHOWROOM_LOG_H
#define SHOWROOM_LOG_H

void	log_set_prog(const char *);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
