/* Spec and price formatting shared by the web pages and the PDF catalogs, so both always
 * say the same thing in the same words. */
#ifndef SHOWROOM_SPECFMT_H
#define SHOWROOM_SPECFMT_H

#include <stddef.h>

#include "content/content.h"

#define SPECFMT_MAX_ROWS	8
#define SPECFMT_GROUPS		3

struct specfmt_row {
	const char	*key;		/* stable, for code: "power", "range", ... */
	const char	*label;
	char		 value[128];
};

struct specfmt_group {
	const char		*title;
	struct specfmt_row	 rows[SPECFMT_MAX_ROWS];
	int			 nrows;
};

/* Fills the three groups (powertrain, dimensions, efficiency); returns how many. */
int		 specfmt_groups(const struct model *, enum lang, struct specfmt_group *out);
/* The row with KEY in the first N groups, or NULL: engine (or motor), power, torque,
 * transmission, drive, size, wheelbase, weight, seats, fuel, electricity, range,
 * battery. */
const struct specfmt_row *specfmt_row(const struct specfmt_group *, int n,
		    const char *key);
/* "2,980,000円〜4,200,000円" or "¥2,980,000 – ¥4,200,000". */
void		 specfmt_price(const struct model *, enum lang, char *out, size_t outsz);
/* One amount: "2,980,000円" or "¥2,980,000". */
void		 specfmt_yen(long, enum lang, char *out, size_t outsz);
/* 1234567 -> "1,234,567" */
void		 specfmt_thousands(long, char *out, size_t outsz);
const char	*specfmt_body(const char *body, enum lang);
const char	*specfmt_drive(const char *drive, enum lang);
/* Minutes after midnight as a time of day, as shops print it: 570 -> "9:30". */
void		 specfmt_time(int min, char *out, size_t outsz);
/* "1.2 MB" */
void		 specfmt_size(size_t bytes, enum lang, char *out, size_t outsz);

#endif
