/*
 * Shipping exports of catalog requests: pure functions from opened records to files
 * for the carriers' software or a label printer. No network, no keys, no global state.
 *
 *   export_clickpost	Japan Post Click Post bulk CSV, CP932, at most 40 rows a file
 *   export_yamato_b2	Yamato B2 Cloud 送り状発行データ CSV, CP932, one file
 *   export_csv		plain UTF-8 CSV with a BOM, one file
 *   labels_pdf		A4 sheet of 12 labels (A-ONE 72212), cairo + pango
 *
 * Every export is all-or-nothing. A value that the target cannot hold (a character
 * outside CP932, an address longer than the carrier's fields, a glyph no font has)
 * becomes an export_problem naming the record, the field and, where there is one, the
 * code point; the function then writes nothing and returns -1. Nothing is truncated,
 * transliterated or dropped to make a record fit.
 *
 * Files are created mode 0600 (they hold personal data) as temporary files beside the
 * target and renamed into place only when complete. docs/EXPORTS.md has the formats.
 */
#ifndef SHOWROOM_EXPORT_H
#define SHOWROOM_EXPORT_H

#include <stddef.h>

/* One recipient. All strings are UTF-8 and must be non-NULL. */
struct export_addr {
	const char	*record_id;
	const char	*name;		/* family and given name, e.g. "見本 太郎" */
	const char	*postal_code;	/* "NNN-NNNN" */
	int		 prefecture;	/* JIS X 0401, 1..47 */
	const char	*address1;	/* after the prefecture: city, town, block */
	const char	*address2;	/* building and room; may be "" */
	const char	*contents;	/* 内容品 / 品名, e.g. model names, already joined */
};

/* The brand as the sender on Yamato slips; from the configuration. */
struct export_sender {
	const char	*name;
	const char	*postal_code;	/* "NNN-NNNN" */
	int		 prefecture;
	const char	*address1;
	const char	*address2;	/* may be "" */
	const char	*phone;		/* digits and hyphens, e.g. "03-0000-0000" */
};

/* Yamato B2 Cloud settings; the codes come from the brand's contract with Yamato. */
struct export_yamato {
	const struct export_sender *sender;
	const char	*service;	/* 送り状種類; NULL: "3" (クロネコゆうメール, formerly DM便) */
	const char	*ship_date;	/* 出荷予定日, "YYYY/MM/DD" */
	const char	*billing_code;	/* ご請求先顧客コード, 12 digits; may be "" */
	const char	*billing_class;	/* ご請求先分類コード, 3 digits or "" */
	const char	*freight_no;	/* 運賃管理番号, 2 digits (e.g. "01"); may be "" */
	/* Written as every recipient's phone: B2 requires one and catalog requests do
	 * not collect it. NULL: the sender's phone. */
	const char	*recipient_phone;
};

#define EXPORT_SENDER	((size_t)-1)	/* export_problem.index of the sender */

struct export_problem {
	size_t		 index;		/* into the records, or EXPORT_SENDER */
	char		*record_id;	/* a copy; "(sender)" for the sender */
	const char	*field;		/* "name", "address1", ... */
	long		 codepoint;	/* the character at fault, or -1 */
	const char	*message;	/* English, one line, free of personal data */
};

struct export_problems {
	struct export_problem	*v;
	size_t			 n;
	size_t			 cap;
};

#define EXPORT_PROBLEMS_INIT	{ NULL, 0, 0 }

/* Frees the list and leaves it empty. */
void	export_problems_free(struct export_problems *);
/*
 * After an export refused for its records' problems, so that one record cannot hold up
 * all the others: every record of V[0..n) with a problem of its own among PROBS (from
 * index FROM on) is set aside, aside[i] = 1, and the others are copied in order to OUT
 * (room for n), *nout of them. Exporting OUT again then writes them, still all or
 * nothing. Returns how many were set aside, or -1 when a problem is the sender's
 * (EXPORT_SENDER): no record can be written before it is fixed.
 */
int	export_set_aside(const struct export_addr *v, size_t n,
	    const struct export_problems *probs, size_t from, unsigned char *aside,
	    struct export_addr *out, size_t *nout);
/* "record R1: address1: U+20BB7 is not in CP932 (Shift_JIS)"; returns like snprintf. */
int	export_problem_format(const struct export_problem *, char *buf, size_t len);
void	export_paths_free(char **paths, size_t n);

/*
 * The functions below return 0 when every file was written. Otherwise -1: problems
 * were appended to PROBS (and err says how many), or err has a one-line reason such as
 * a failed write; no file is left at any target path either way.
 */

/* Writes PREFIX-001.csv, PREFIX-002.csv, ... with at most 40 recipients each and
 * returns their paths in *paths (free with export_paths_free). No records, no files. */
int	export_clickpost(const struct export_addr *, size_t n, const char *prefix,
	    char ***paths, size_t *npaths, struct export_problems *probs,
	    char *err, size_t errlen);

int	export_yamato_b2(const struct export_addr *, size_t n,
	    const struct export_yamato *, const char *path,
	    struct export_problems *probs, char *err, size_t errlen);

int	export_csv(const struct export_addr *, size_t n, const char *path,
	    struct export_problems *probs, char *err, size_t errlen);

/* 12 labels a page, in record order, the last page partly filled. No records, no
 * file. */
int	labels_pdf(const struct export_addr *, size_t n, const char *path,
	    struct export_problems *probs, char *err, size_t errlen);

#endif
