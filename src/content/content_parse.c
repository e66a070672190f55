/*
 * The schemas of brand.json, models/CODE.json and dealers/CODE.json (docs/CONTENT.md).
 * Pure functions over a buffer: no file access and no global state, so they can be
 * fuzzed. Rules that need other files (codes, references, files) are in content.c.
 */
#include "content/content_int.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_NAME	80	/* characters */
#define TEXT_TAGLINE	200
#define TEXT_ADDRESS	200
#define TEXT_SPEC	80
#define TEXT_DESCRIPTION 4000

/* Fixed closed days, in brand.json (every dealer) and dealers/CODE.json. */

static const char *const closed_keys[] = { "from", "to", NULL };

/* One {"from":"MM-DD","to":"MM-DD"}; 0 when valid. */
static int
closed_one(struct cparse *cp, json_t *e, struct closed_range *r)
{
	const char *const ends[2] = { "from", "to" };
	int *md[2] = { &r->from_md, &r->to_md };
	const char *why;
	json_t *v;
	int i, bad = 0;

	if (!cparse_is_object(cp, e))
		return -1;
	for (i = 0; i < 2; i++) {
		if ((v = cparse_member(cp, e, ends[i], 1)) == NULL) {
			bad = 1;
		} else if (!json_is_string(v)) {
			cparse_error_at(cp, ends[i], "must be a string \"MM-DD\", not %s",
			    cparse_type_name(v));
			bad = 1;
		} else if ((why = content_format_monthday(json_string_value(v),
		    md[i])) != NULL) {
			cparse_error_at(cp, ends[i], "%s", why);
			bad = 1;
		}
	}
	cparse_unknown_keys(cp, e, closed_keys);
	return bad ? -1 : 0;
}

void
cparse_closed(struct cparse *cp, json_t *o, struct closed_range **out, size_t *np)
{
	size_t i, n, mark;
	json_t *v, *e;

	if ((v = cparse_member(cp, o, "closed", 0)) == NULL)
		return;
	if (!json_is_array(v)) {
		cparse_error_at(cp, "closed", "must be an array of {\"from\": \"MM-DD\", "
		    "\"to\": \"MM-DD\"}, not %s", cparse_type_name(v));
		return;
	}
	if ((n = json_array_size(v)) > CONTENT_MAX_CLOSED) {
		cparse_error_at(cp, "closed", "too many ranges: %zu (at most %d)", n,
		    CONTENT_MAX_CLOSED);
		return;
	}
	if (n == 0)
		return;
	if ((*out = calloc(n, sizeof(**out))) == NULL) {
		cparse_oom(cp);
		return;
	}
	mark = cparse_push_key(cp, "closed");
	json_array_foreach(v, i, e) {
		size_t m = cparse_push_index(cp, i);

		if (closed_one(cp, e, &(*out)[*np]) == 0)
			(*np)++;
		cparse_pop(cp, m);
	}
	cparse_pop(cp, mark);
}

/* brand.json */

static const char *const brand_keys[] = {
	"name", "tagline", "url", "contact", "colours", "languages", "closed",
	"booking_confirmation", NULL
};
static const char *const brand_contact_keys[] = { "email", "phone", "address", NULL };
static const char *const brand_colour_keys[] = {
	"primary", "accent", "text", "background", NULL
};

static void
brand_contact(struct cparse *cp, json_t *o, void *arg)
{
	struct brand *b = arg;

	cparse_string(cp, o, "email", 1, content_format_email, &b->email);
	cparse_string(cp, o, "phone", 1, content_format_phone, &b->phone);
	cparse_text(cp, o, "address", TEXT_ADDRESS, CTEXT_LINE, &b->address);
	cparse_unknown_keys(cp, o, brand_contact_keys);
}

static void
brand_colours(struct cparse *cp, json_t *o, void *arg)
{
	struct brand *b = arg;
	char **out[] = {
		&b->colour_primary, &b->colour_accent, &b->colour_text,
		&b->colour_background
	};
	size_t i;

	for (i = 0; brand_colour_keys[i] != NULL; i++)
		cparse_string(cp, o, brand_colour_keys[i], 1, content_format_colour,
		    out[i]);
	cparse_unknown_keys(cp, o, brand_colour_keys);
}

/* Both languages, Japanese first: the site is built for exactly these two. */
static void
brand_languages(struct cparse *cp, json_t *o, struct brand *b)
{
	json_t *v;

	if ((v = cparse_member(cp, o, "languages", 1)) == NULL)
		return;
	if (!json_is_array(v)) {
		cparse_error_at(cp, "languages", "must be an array, not %s",
		    cparse_type_name(v));
		return;
	}
	if (json_array_size(v) != 2 ||
	    !json_is_string(json_array_get(v, 0)) ||
	    !json_is_string(json_array_get(v, 1)) ||
	    strcmp(json_string_value(json_array_get(v, 0)), "ja") != 0 ||
	    strcmp(json_string_value(json_array_get(v, 1)), "en") != 0) {
		cparse_error_at(cp, "languages",
		    "must be [\"ja\", \"en\"] (both languages, Japanese first)");
		return;
	}
	b->langs = (1 << LANG_JA) | (1 << LANG_EN);
}

/* Bookings final on arrival (false, the default) or confirmed by the dealer (true). */
static void
brand_confirmation(struct cparse *cp, json_t *o, struct brand *b)
{
	json_t *v;

	if ((v = cparse_member(cp, o, "booking_confirmation", 0)) == NULL)
		return;
	if (!json_is_boolean(v)) {
		cparse_error_at(cp, "booking_confirmation", "must be true or false, not %s",
		    cparse_type_name(v));
		return;
	}
	b->booking_confirmation = json_is_true(v);
}

static void
brand_fields(struct cparse *cp, json_t *o, struct brand *b)
{
	cparse_text(cp, o, "name", TEXT_NAME, CTEXT_LINE, &b->name);
	cparse_text(cp, o, "tagline", TEXT_TAGLINE, CTEXT_LINE, &b->tagline);
	cparse_string(cp, o, "url", 1, content_format_url, &b->url);
	cparse_object(cp, o, "contact", 1, brand_contact, b);
	cparse_object(cp, o, "colours", 1, brand_colours, b);
	brand_languages(cp, o, b);
	cparse_closed(cp, o, &b->closed, &b->nclosed);
	brand_confirmation(cp, o, b);
	cparse_unknown_keys(cp, o, brand_keys);
}

int
content_parse_brand(const char *buf, size_t len, const char *file, struct brand *b,
    struct content_diags *d)
{
	struct cparse cp;
	json_t *root;

	memset(b, 0, sizeof(*b));
	cparse_init(&cp, file, d);
	if ((root = cparse_load(&cp, buf, len)) != NULL) {
		brand_fields(&cp, root, b);
		json_decref(root);
	}
	return cparse_end(&cp);
}

void
content_brand_free(struct brand *b)
{
	text_free(&b->name);
	text_free(&b->tagline);
	text_free(&b->address);
	free(b->email);
	free(b->phone);
	free(b->url);
	free(b->colour_primary);
	free(b->colour_accent);
	free(b->colour_text);
	free(b->colour_background);
	free(b->closed);
	memset(b, 0, sizeof(*b));
}

/* models/CODE.json */

static const char *const model_keys[] = {
	"code", "order", "name", "tagline", "description", "body", "powertrain", "price",
	"image", "catalog", "specs", NULL
};
static const char *const model_bodies[] = {
	"sedan", "hatchback", "suv", "wagon", "minivan", "kei", "coupe", "pickup", NULL
};
/* In the order of enum powertrain. */
static const char *const model_powertrains[] = {
	"petrol", "diesel", "hybrid", "phev", "ev", NULL
};
static const char *const model_price_keys[] = { "min", "max", NULL };
static const char *const model_catalog_keys[] = { "ja", "en", NULL };
static const char *const model_spec_keys[] = {
	"powertrain", "dimensions", "efficiency", NULL
};
static const char *const model_drives[] = { "FWD", "RWD", "AWD", "4WD", NULL };
static const char *const model_pt_keys[] = {
	"engine", "power_kw", "torque_nm", "transmission", "drive", NULL
};
static const char *const model_dim_keys[] = {
	"length_mm", "width_mm", "height_mm", "wheelbase_mm", "weight_kg", "seats", NULL
};

#define PRICE_MIN	100000L
#define PRICE_MAX	100000000L

/* A model while its file is parsed: the powertrain decides the efficiency rules. */
struct model_parse {
	struct model	*m;
	int		 pt;	/* enum powertrain, or -1 when unknown */
};

static void
model_price(struct cparse *cp, json_t *o, void *arg)
{
	struct model *m = arg;
	int okmin, okmax;

	okmin = cparse_int(cp, o, "min", 1, PRICE_MIN, PRICE_MAX, &m->price_min) == 0;
	okmax = cparse_int(cp, o, "max", 1, PRICE_MIN, PRICE_MAX, &m->price_max) == 0;
	if (okmin && okmax && m->price_min > m->price_max)
		cparse_error(cp, "min (%ld) is greater than max (%ld)", m->price_min,
		    m->price_max);
	cparse_unknown_keys(cp, o, model_price_keys);
}

static void
model_catalog(struct cparse *cp, json_t *o, void *arg)
{
	struct model *m = arg;
	int l;

	for (l = 0; l < LANG_COUNT; l++)
		cparse_string(cp, o, lang_code((enum lang)l), 0, content_format_catalog,
		    &m->catalog[l]);
	cparse_unknown_keys(cp, o, model_catalog_keys);
}

static void
model_spec_powertrain(struct cparse *cp, json_t *o, void *arg)
{
	struct model_specs *s = &((struct model *)arg)->specs;
	long v;
	int drive;

	cparse_text(cp, o, "engine", TEXT_SPEC, CTEXT_LINE, &s->engine);
	if (cparse_int(cp, o, "power_kw", 1, 1, 2000, &v) == 0)
		s->power_kw = (int)v;
	if (cparse_int(cp, o, "torque_nm", 1, 1, 5000, &v) == 0)
		s->torque_nm = (int)v;
	cparse_text(cp, o, "transmission", TEXT_SPEC, CTEXT_LINE, &s->transmission);
	if (cparse_enum(cp, o, "drive", model_drives, &drive) == 0 &&
	    (s->drive = strdup(model_drives[drive])) == NULL)
		cparse_oom(cp);
	cparse_unknown_keys(cp, o, model_pt_keys);
}

static void
model_spec_dimensions(struct cparse *cp, json_t *o, void *arg)
{
	struct model_specs *s = &((struct model *)arg)->specs;
	static const long range[][2] = {
		{ 2000, 7000 }, { 1000, 2600 }, { 1000, 3000 }, { 1500, 5000 },
		{ 400, 5000 }, { 1, 9 }
	};
	int *out[] = {
		&s->length_mm, &s->width_mm, &s->height_mm, &s->wheelbase_mm,
		&s->weight_kg, &s->seats
	};
	size_t i;
	long v;

	for (i = 0; model_dim_keys[i] != NULL; i++)
		if (cparse_int(cp, o, model_dim_keys[i], 1, range[i][0], range[i][1],
		    &v) == 0)
			*out[i] = (int)v;
	cparse_unknown_keys(cp, o, model_dim_keys);
}

/*
 * specs.efficiency: which figures a powertrain must have and which it must not.
 * A non-plug-in model has no electric range to state; an EV burns no fuel.
 */
enum { EFF_KM_PER_L, EFF_WH_PER_KM, EFF_RANGE, EFF_BATTERY, EFF_COUNT };

static const char *const model_eff_keys[] = {
	"wltc_km_per_l", "wltc_wh_per_km", "range_km", "battery_kwh", NULL
};
static const char model_eff_need[][EFF_COUNT] = {
	[PT_PETROL] =	{ 1, 0, 0, 0 },
	[PT_DIESEL] =	{ 1, 0, 0, 0 },
	[PT_HYBRID] =	{ 1, 0, 0, 0 },
	[PT_PHEV] =	{ 1, 1, 1, 1 },
	[PT_EV] =	{ 0, 1, 1, 1 },
};

static void
model_eff_value(struct cparse *cp, json_t *o, int which, int pt, struct model_specs *s)
{
	const char *key = model_eff_keys[which];
	double x;
	long v;

	switch (which) {
	case EFF_KM_PER_L:
		if (cparse_number(cp, o, key, 1, 1, 100, &x) == 0)
			s->wltc_km_per_l = x;
		break;
	case EFF_WH_PER_KM:
		if (cparse_int(cp, o, key, 1, 50, 500, &v) == 0)
			s->wltc_wh_per_km = (int)v;
		break;
	case EFF_RANGE:
		/* A plug-in hybrid's electric range is short; an EV's is not. */
		if (cparse_int(cp, o, key, 1, pt == PT_EV ? 50 : 10, 1500, &v) == 0)
			s->range_km = (int)v;
		break;
	case EFF_BATTERY:
		if (cparse_number(cp, o, key, 1, pt == PT_EV ? 5 : 1, 250, &x) == 0)
			s->battery_kwh = x;
		break;
	}
}

static void
model_spec_efficiency(struct cparse *cp, json_t *o, void *arg)
{
	struct model_parse *mp = arg;
	const char *key;
	int which, need, present;

	for (which = 0; which < EFF_COUNT; which++) {
		key = model_eff_keys[which];
		present = json_object_get(o, key) != NULL;
		/* With the powertrain unknown, check what is there. */
		need = mp->pt < 0 ? present : model_eff_need[mp->pt][which];
		if (need)
			model_eff_value(cp, o, which, mp->pt, &mp->m->specs);
		else if (present && which == EFF_KM_PER_L)
			cparse_error_at(cp, key, "not allowed for an ev: an electric "
			    "model burns no fuel");
		else if (present)
			cparse_error_at(cp, key, "not allowed for a %s model: only phev "
			    "and ev models have it", model_powertrains[mp->pt]);
	}
	cparse_unknown_keys(cp, o, model_eff_keys);
}

static void
model_specs(struct cparse *cp, json_t *o, void *arg)
{
	struct model_parse *mp = arg;

	cparse_object(cp, o, "powertrain", 1, model_spec_powertrain, mp->m);
	cparse_object(cp, o, "dimensions", 1, model_spec_dimensions, mp->m);
	cparse_object(cp, o, "efficiency", 1, model_spec_efficiency, mp);
	cparse_unknown_keys(cp, o, model_spec_keys);
}

static void
model_fields(struct cparse *cp, json_t *o, struct model *m)
{
	struct model_parse mp = { m, -1 };
	int body, pt;
	long order;

	cparse_string(cp, o, "code", 1, content_format_code, &m->code);
	if (cparse_int(cp, o, "order", 0, 0, 9999, &order) == 0)
		m->order = (int)order;
	cparse_text(cp, o, "name", TEXT_NAME, CTEXT_LINE, &m->name);
	cparse_text(cp, o, "tagline", TEXT_TAGLINE, CTEXT_LINE, &m->tagline);
	cparse_text(cp, o, "description", TEXT_DESCRIPTION, CTEXT_PARAS,
	    &m->description);
	if (cparse_enum(cp, o, "body", model_bodies, &body) == 0 &&
	    (m->body = strdup(model_bodies[body])) == NULL)
		cparse_oom(cp);
	if (cparse_enum(cp, o, "powertrain", model_powertrains, &pt) == 0) {
		m->powertrain = (enum powertrain)pt;
		mp.pt = pt;
	}
	cparse_object(cp, o, "price", 1, model_price, m);
	cparse_string(cp, o, "image", 1, content_format_image, &m->image);
	cparse_object(cp, o, "catalog", 0, model_catalog, m);
	cparse_object(cp, o, "specs", 1, model_specs, &mp);
	cparse_unknown_keys(cp, o, model_keys);
}

int
content_parse_model(const char *buf, size_t len, const char *file, struct model *m,
    struct content_diags *d)
{
	struct cparse cp;
	json_t *root;

	memset(m, 0, sizeof(*m));
	cparse_init(&cp, file, d);
	if ((root = cparse_load(&cp, buf, len)) != NULL) {
		model_fields(&cp, root, m);
		json_decref(root);
	}
	return cparse_end(&cp);
}

void
content_model_free(struct model *m)
{
	int l;

	free(m->code);
	text_free(&m->name);
	text_free(&m->tagline);
	text_free(&m->description);
	free(m->body);
	free(m->image);
	for (l = 0; l < LANG_COUNT; l++)
		free(m->catalog[l]);
	text_free(&m->specs.engine);
	text_free(&m->specs.transmission);
	free(m->specs.drive);
	memset(m, 0, sizeof(*m));
}

/* dealers/CODE.json */

static const char *const dealer_keys[] = {
	"code", "name", "prefecture", "postal_code", "address", "phone", "hours",
	"slot_minutes", "demo_cars", "closed", NULL
};
/* In the order of enum weekday. */
static const char *const dealer_days[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL
};

struct dealer_parse {
	struct dealer	*dl;
	int		 hours_ok;	/* every day valid: the slot check can run */
};

/* One day: ["HH:MM", "HH:MM"] or null. 1 open, 0 closed, -1 after a diagnostic. */
static int
dealer_day(struct cparse *cp, json_t *v, struct opening *h)
{
	const char *why;
	int t[2], i, ok = 1;
	size_t mark;
	json_t *e;

	if (json_is_null(v))
		return 0;
	if (json_is_array(v) && json_array_size(v) != 2) {
		cparse_error(cp, "must be [\"HH:MM\", \"HH:MM\"] (open, close) or null "
		    "when closed, not an array of %zu", json_array_size(v));
		return -1;
	}
	if (!json_is_array(v)) {
		cparse_error(cp, "must be [\"HH:MM\", \"HH:MM\"] (open, close) or null "
		    "when closed, not %s", cparse_type_name(v));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		e = json_array_get(v, (size_t)i);
		mark = cparse_push_index(cp, (size_t)i);
		if (!json_is_string(e)) {
			cparse_error(cp, "must be a string \"HH:MM\", not %s",
			    cparse_type_name(e));
			ok = 0;
		} else if ((why = content_format_time(json_string_value(e), &t[i])) !=
		    NULL) {
			cparse_error(cp, "%s", why);
			ok = 0;
		}
		cparse_pop(cp, mark);
	}
	if (!ok)
		return -1;
	if (t[0] >= t[1]) {
		cparse_error(cp, "opening time must be before closing time");
		return -1;
	}
	h->open_min = t[0];
	h->close_min = t[1];
	return 1;
}

static void
dealer_hours(struct cparse *cp, json_t *o, void *arg)
{
	struct dealer_parse *dp = arg;
	int day, rc, open = 0, bad = 0;
	size_t mark;
	json_t *v;

	for (day = 0; day < WEEKDAYS; day++) {
		if ((v = cparse_member(cp, o, dealer_days[day], 1)) == NULL) {
			bad++;
			continue;
		}
		mark = cparse_push_key(cp, dealer_days[day]);
		rc = dealer_day(cp, v, &dp->dl->hours[day]);
		cparse_pop(cp, mark);
		if (rc == 1)
			open++;
		else if (rc == -1)
			bad++;
	}
	if (open == 0 && bad == 0)
		cparse_error(cp, "no open day: at least one day needs opening hours");
	dp->hours_ok = bad == 0;
	cparse_unknown_keys(cp, o, dealer_days);
}

static void
dealer_demo_cars(struct cparse *cp, json_t *o, void *arg)
{
	struct dealer *dl = arg;
	const char *code, *why;
	size_t n = json_object_size(o);
	json_t *v;
	long count;

	if (n == 0) {
		cparse_error(cp, "at least one demo car is required: a dealer without "
		    "one cannot take test drives");
		return;
	}
	if (n > CONTENT_MAX_DEMO_CARS) {
		cparse_error(cp, "too many entries: %zu (at most %d)", n,
		    CONTENT_MAX_DEMO_CARS);
		return;
	}
	if ((dl->cars = calloc(n, sizeof(*dl->cars))) == NULL) {
		cparse_oom(cp);
		return;
	}
	json_object_foreach(o, code, v) {
		if ((why = content_format_code(code)) != NULL) {
			cparse_error_at(cp, code, "not a model code: %s", why);
			continue;
		}
		if (cparse_int(cp, o, code, 1, 1, 20, &count) != 0)
			continue;
		if ((dl->cars[dl->ncars].model = strdup(code)) == NULL) {
			cparse_oom(cp);
			continue;
		}
		dl->cars[dl->ncars++].count = (int)count;
	}
}

/* Each open day must fit at least one test drive. */
static void
dealer_slots_fit(struct cparse *cp, const struct dealer *dl)
{
	const struct opening *h;
	size_t mark;
	int day;

	mark = cparse_push_key(cp, "hours");
	for (day = 0; day < WEEKDAYS; day++) {
		h = &dl->hours[day];
		if (h->open_min >= 0 && h->close_min - h->open_min < dl->slot_minutes)
			cparse_error_at(cp, dealer_days[day], "open %d minutes, shorter "
			    "than one test drive (slot_minutes %d)",
			    h->close_min - h->open_min, dl->slot_minutes);
	}
	cparse_pop(cp, mark);
}

static void
dealer_fields(struct cparse *cp, json_t *o, struct dealer *dl)
{
	struct dealer_parse dp = { dl, 0 };
	int slot_ok;
	long v;

	cparse_string(cp, o, "code", 1, content_format_code, &dl->code);
	cparse_text(cp, o, "name", TEXT_NAME, CTEXT_LINE, &dl->name);
	if (cparse_int(cp, o, "prefecture", 1, 1, 47, &v) == 0)
		dl->prefecture = (int)v;
	cparse_string(cp, o, "postal_code", 1, content_format_postal, &dl->postal_code);
	cparse_text(cp, o, "address", TEXT_ADDRESS, CTEXT_LINE, &dl->address);
	cparse_string(cp, o, "phone", 1, content_format_phone, &dl->phone);
	cparse_object(cp, o, "hours", 1, dealer_hours, &dp);
	if ((slot_ok = cparse_int(cp, o, "slot_minutes", 1, 15, 240, &v) == 0))
		dl->slot_minutes = (int)v;
	if (dp.hours_ok && slot_ok)
		dealer_slots_fit(cp, dl);
	cparse_object(cp, o, "demo_cars", 1, dealer_demo_cars, dl);
	cparse_closed(cp, o, &dl->closed, &dl->nclosed);
	cparse_unknown_keys(cp, o, dealer_keys);
}

int
content_parse_dealer(const char *buf, size_t len, const char *file, struct dealer *dl,
    struct content_diags *d)
{
	struct cparse cp;
	json_t *root;
	int day;

	memset(dl, 0, sizeof(*dl));
	for (day = 0; day < WEEKDAYS; day++)
		dl->hours[day].open_min = dl->hours[day].close_min = -1;
	cparse_init(&cp, file, d);
	if ((root = cparse_load(&cp, buf, len)) != NULL) {
		dealer_fields(&cp, root, dl);
		json_decref(root);
	}
	return cparse_end(&cp);
}

void
content_dealer_free(struct dealer *dl)
{
	size_t i;

	free(dl->code);
	text_free(&dl->name);
	free(dl->postal_code);
	text_free(&dl->address);
	free(dl->phone);
	for (i = 0; i < dl->ncars; i++)
		free(dl->cars[i].model);
	free(dl->cars);
	free(dl->closed);
	memset(dl, 0, sizeof(*dl));
}
