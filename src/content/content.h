/*
 * The content model: what a brand's web team edits, as a directory of JSON files.
 *
 *   DIR/brand.json           the brand (one object)
 *   DIR/models/CODE.json     one model per file
 *   DIR/dealers/CODE.json    one dealer per file
 *   DIR/images/...           illustrations referenced by models (SVG, PNG, JPEG, WebP)
 *   DIR/catalogs/...         optional PDF catalogs supplied by the brand
 *
 * docs/CONTENT.md describes every field. Parsers are pure functions over a buffer;
 * content_load() reads the files and calls them. Every problem found is reported as a
 * diagnostic naming the file and the JSON path (e.g. "$.specs.power_kw").
 */
#ifndef SHOWROOM_CONTENT_H
#define SHOWROOM_CONTENT_H

#include <stddef.h>

#include "lib/i18n.h"

#define CONTENT_CODE_MAX	32	/* model and dealer codes: [a-z0-9-], 1..32 */
#define CONTENT_MAX_MODELS	200
#define CONTENT_MAX_DEALERS	2000

enum powertrain {
	PT_PETROL,
	PT_DIESEL,
	PT_HYBRID,
	PT_PHEV,
	PT_EV
};

/* Days closed every year, "MM-DD" to "MM-DD" both included, as month * 100 + day;
 * from > to runs over the new year (12-29 to 01-03). */
struct closed_range {
	int	from_md;
	int	to_md;
};
#define CONTENT_MAX_CLOSED	50	/* ranges per brand or dealer */

struct brand {
	struct text	 name;
	struct text	 tagline;
	struct text	 address;	/* the brand's customer centre, public */
	char		*email;		/* public contact address */
	char		*phone;		/* public contact number */
	char		*url;		/* canonical base URL, no trailing slash */
	char		*colour_primary;	/* "#rrggbb" */
	char		*colour_accent;
	char		*colour_text;
	char		*colour_background;
	int		 langs;		/* bit (1 << LANG_*) per language offered */
	struct closed_range *closed;	/* every dealer's fixed closed days */
	size_t		 nclosed;
	int		 booking_confirmation;	/* a dealer confirms each booking */
};

struct model_specs {
	struct text	 engine;	/* engine, or motor for an EV */
	int		 power_kw;
	int		 torque_nm;
	struct text	 transmission;
	char		*drive;		/* "FWD", "RWD", "AWD", "4WD" */
	int		 length_mm;
	int		 width_mm;
	int		 height_mm;
	int		 wheelbase_mm;
	int		 weight_kg;
	int		 seats;
	double		 wltc_km_per_l;	/* fuel-burning models: WLTC km/L */
	int		 wltc_wh_per_km;	/* EV and PHEV: WLTC Wh/km */
	int		 range_km;	/* EV (required) and PHEV: WLTC electric range */
	double		 battery_kwh;	/* EV and PHEV */
};

struct model {
	char			*code;
	int			 order;		/* listing order; ties by code */
	struct text		 name;
	struct text		 tagline;
	struct text		 description;	/* paragraphs separated by blank lines */
	char			*body;		/* "suv", "sedan", "hatchback", ... */
	enum powertrain		 powertrain;
	long			 price_min;	/* yen, consumption tax included */
	long			 price_max;
	char			*image;		/* relative to the content directory */
	char			*catalog[LANG_COUNT];	/* supplied PDF, or NULL: generated */
	struct model_specs	 specs;
};

enum weekday { MON, TUE, WED, THU, FRI, SAT, SUN, WEEKDAYS };

struct opening {
	int	open_min;	/* minutes after midnight; -1 when closed that day */
	int	close_min;
};

struct demo_car {
	char	*model;		/* a model code */
	int	 count;		/* cars available at once: the capacity of each slot */
};

struct dealer {
	char		*code;
	struct text	 name;
	int		 prefecture;	/* JIS X 0401, 1..47 */
	char		*postal_code;	/* "NNN-NNNN" */
	struct text	 address;
	char		*phone;
	struct opening	 hours[WEEKDAYS];
	int		 slot_minutes;	/* length of one test drive, 15..240 */
	struct demo_car	*cars;
	size_t		 ncars;
	struct closed_range *closed;	/* this dealer's own fixed closed days */
	size_t		 nclosed;
};

struct content {
	char		*dir;
	struct brand	 brand;
	struct model	*models;	/* sorted by order, then code */
	size_t		 nmodels;
	struct dealer	*dealers;	/* sorted by prefecture, then code */
	size_t		 ndealers;
};

struct content_diag {
	char	*file;		/* relative to the content directory */
	char	*path;		/* JSON path, "$" for the whole document */
	char	*msg;
};

struct content_diags {
	struct content_diag	*v;
	size_t			 n;
};

/* Loads and checks DIR. Returns 0 when there is no diagnostic, -1 otherwise (c is then
 * still freeable). Diagnostics are appended to d. */
int	content_load(const char *dir, struct content *c, struct content_diags *d);
void	content_free(struct content *);

/* Pure parsers over one file's bytes; FILE only labels diagnostics. 0 when clean.
 * The struct is always initialised, even on error: free it with content_*_free. */
int	content_parse_brand(const char *buf, size_t len, const char *file,
	    struct brand *, struct content_diags *);
int	content_parse_model(const char *buf, size_t len, const char *file,
	    struct model *, struct content_diags *);
int	content_parse_dealer(const char *buf, size_t len, const char *file,
	    struct dealer *, struct content_diags *);
void	content_brand_free(struct brand *);
void	content_model_free(struct model *);
void	content_dealer_free(struct dealer *);

const struct model	*content_find_model(const struct content *, const char *code);
const struct dealer	*content_find_dealer(const struct content *, const char *code);

void	content_diags_add(struct content_diags *, const char *file, const char *path,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	content_diags_free(struct content_diags *);

/* "" for a value out of range. */
const char	*powertrain_name(enum powertrain, enum lang);
const char	*weekday_name(enum weekday, enum lang);

#endif
