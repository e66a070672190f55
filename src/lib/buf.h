/*
 * Growable byte buffer. Functions return 0 on success, -1 when memory runs out. Growing
 * never leaves a copy behind: the old block is wiped before it is freed.
 */
#ifndef SHOWROOM_BUF_H
#define SHOWROOM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated once anything was appended */
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

int	buf_reserve(struct buf *, size_t extra);
int	buf_append(struct buf *, const void *, size_t);
int	buf_puts(struct buf *, const char *);
int	buf_putc(struct buf *, char);
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	buf_reset(struct buf *);
void	buf_free(struct buf *);
/* Wipes the contents (sodium_memzero) before freeing: for personal data and secrets. */
void	buf_wipe(struct buf *);
/* Hands the allocation to the caller; the buffer is left empty. */
char	*buf_steal(struct buf *, size_t *lenp);

#endif
