/*
 * showroom breach-report: the items of a report to the Personal Information Protection
 * Commission under the APPI (Enforcement Rules art. 8), prefilled from what the design says
 * the compromised part exposes, the live counts of the server and the audit log. What only a
 * person can know (how it was found, the cause, what was done) is left as a marked blank,
 * never invented. Numbers are counts of records, an upper bound of the persons concerned.
 *
 * The report is Markdown; breach_pdf renders the same text as an A4 PDF.
 */
#ifndef SHOWROOM_BREACH_H
#define SHOWROOM_BREACH_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/i18n.h"

enum breach_scope {
	BREACH_WEB_TIER = 0,	/* the server, its disk, database, backups or logs */
	BREACH_HQ_KEY,		/* the HQ key (secret file and passphrase) */
	BREACH_DEALER,		/* one dealer's key */
	BREACH_EXPORT		/* an export file given to a printer or carrier, or lost */
};

#define BREACH_THRESHOLD	1000	/* "more than 1,000 persons" (art. 7 no. 4) */

struct breach_in {
	enum lang		 lang;
	const char		*discovered;	/* "YYYY-MM-DD": when the business knew */
	const char		*since;		/* "YYYY-MM-DD" it may have begun, or NULL */
	enum breach_scope	 scope;
	const char		*scope_arg;	/* the dealer code, or the export file */
	/* GET /api/v1/counts (counts.h), days back to "since" at least; NULL: unavailable */
	const json_t		*counts;
	const char		*counts_why;	/* why there are no counts */
	const json_t		*inventory;	/* invdoc_new() */
	/* The audit log's export entries that matter: for an export, those of the file;
	 * for the HQ key, exports whose files are still on disk. NULL: not read. */
	const json_t		*exports;
	const char		*audit_state;	/* "intact, N entries, head H", or the damage */
	time_t			 now;
};

/* The report as Markdown into OUT. -1 when memory runs out. */
int	breach_markdown(const struct breach_in *, struct buf *out);
/* The same text as an A4 PDF at PATH (mode 0600: a report about a leak is confidential
 * until it is published). -1 with err. */
int	breach_pdf(const char *md, size_t len, enum lang, const char *path, char *err,
	    size_t errlen);
/* "web-tier", "hq-key", "dealer:CODE", "export:FILE" -> scope and argument; -1 when not. */
int	breach_scope_parse(const char *s, enum breach_scope *, const char **arg);
/* The report's blank marker in language L: "［要記入" or "[TO FILL". */
const char *breach_blank_mark(enum lang);

#endif
