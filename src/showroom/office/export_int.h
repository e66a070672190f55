/* Internals shared by the export formats (export.c); not an API. */
#ifndef SHOWROOM_EXPORT_INT_H
#define SHOWROOM_EXPORT_INT_H

#include <iconv.h>
#include <stddef.h>

#include "lib/buf.h"
#include "showroom/office/export.h"

#define EXPORT_MODE		0600
#define EXPORT_FLUSH		(64u * 1024)	/* write out a buffer this full */
#define EXPORT_LINES_MAX	4

/* The state of one export: where problems go, the record being checked and, for the
 * carrier formats, the one converter to CP932 that every field goes through. */
struct export_ctx {
	struct export_problems	*probs;
	size_t			 nprobs0;	/* problems already there before */
	iconv_t			 cd;		/* UTF-8 to CP932, or (iconv_t)-1 */
	int			 allow_ctl;	/* plain CSV: control characters are data */
	size_t			 index;
	const char		*record_id;
	int			 nomem;		/* a problem could not be recorded */
};

/* A file being written: a temporary beside path until export_files_commit. */
struct export_file {
	char	*path;
	char	*tmp;
	int	 fd;
};

struct export_lines {
	size_t	off[EXPORT_LINES_MAX];
	size_t	len[EXPORT_LINES_MAX];
	size_t	n;
};

int	export_ctx_init(struct export_ctx *, struct export_problems *, int cp932,
	    char *err, size_t errlen);
void	export_ctx_free(struct export_ctx *);
void	export_ctx_record(struct export_ctx *, size_t index, const char *record_id);
void	export_problem(struct export_ctx *, const char *field, long cp, const char *msg);
size_t	export_nproblems(const struct export_ctx *);
/* After the records: -1 with err set when there were problems or memory ran out. */
int	export_ctx_verdict(struct export_ctx *, char *err, size_t errlen);

/* Valid UTF-8 and, unless allow_ctl, free of control characters; 0 or -1. */
int	export_check_text(struct export_ctx *, const char *field, const char *s);
/* Appends S, checked and converted (CP932 when the context has a converter), to OUT.
 * Returns 0, or -1 when a problem was recorded or memory ran out. */
int	export_convert(struct export_ctx *, const char *field, const char *s,
	    struct buf *out);
/* Checks that a converted value is there and at most MAX bytes long, counting the
 * apostrophe of the formula guard; MSG says the limit in words. */
int	export_check_len(struct export_ctx *, const char *field, const char *s,
	    size_t len, size_t max, const char *msg);
int	export_check_postal(struct export_ctx *, const char *field, const char *s);
const char *export_prefecture(struct export_ctx *, const char *field, int code);

/* Breaks CP932 text into lines of at most widths[i] bytes, the formula guard counted.
 * Text [0, alen) comes first; [bstart, len) starts a new line of its own, or follows on
 * the same line when JOIN (s[alen] is then the space between). -1: more than nlines. */
int	export_wrap(const char *s, size_t alen, size_t bstart, size_t len,
	    const size_t *widths, size_t nlines, int join, struct export_lines *);

/* buf_append that wipes what it leaves behind when it grows the buffer. */
int	export_put(struct buf *, const void *, size_t);

/* One CSV field: the formula guard, then RFC 4180 quoting where it is needed. */
int	export_csv_field(struct buf *, const char *s, size_t len, int first);
int	export_csv_eol(struct buf *);
int	export_guarded(const char *s, size_t len);

int	export_file_open(struct export_file *, const char *path, char *err,
	    size_t errlen);
int	export_file_write(struct export_file *, const void *, size_t, char *err,
	    size_t errlen);
/* How a file reaches the disk before it is renamed into place: by itself, or, for
 * the last of many, with everything else on its file system (one syncfs instead of
 * thousands of fsyncs); NONE for the files that a later SYNC_FS covers. */
enum export_sync {
	EXPORT_SYNC_NONE,
	EXPORT_SYNC_FILE,
	EXPORT_SYNC_FS
};

/* Syncs and closes: complete, but still under its temporary name. */
int	export_file_close(struct export_file *, enum export_sync, char *err,
	    size_t errlen);
/* Renames every file into place; when one fails, unlinks all of them. */
int	export_files_commit(struct export_file *, size_t n, char *err, size_t errlen);
/* Closes, unlinks the temporary file and frees. */
void	export_file_discard(struct export_file *);

/* Writes out and wipes a buffer of personal data. */
int	export_flush(struct export_file *, struct buf *, char *err, size_t errlen);

/* Formats one record into its format's buffer; problems go to the context. */
typedef int	export_row_fn(void *, const struct export_addr *);

/*
 * Writes the records v[0..n) of a one-file format: ROW(arg, ...) formats each into OUT,
 * written to F (open when *OPENED) as it fills. The temporary file goes at the first
 * problem; with none, F is synced and renamed into place. -1 with err set.
 */
int	export_rows(struct export_ctx *, export_row_fn *row, void *arg,
	    const struct export_addr *v, size_t n, struct buf *out, struct export_file *f,
	    int *opened, char *err, size_t errlen);

#endif
