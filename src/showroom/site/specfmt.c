#include "showroom/site/specfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
specfmt_thousands(long v, char *out, size_t outsz)
{
	char digits[32], tmp[48];
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	size_t n, i, j = 0;

	snprintf(digits, sizeof(digits), "%lu", u);
	n = strlen(digits);
	if (v < 0)
		tmp[j++] = '-';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			tmp[j++] = ',';
		tmp[j++] = digits[i];
	}
	tmp[j] = '\0';
	snprintf(out, outsz, "%s", tmp);
}

/* One decimal place; with TRIM, a whole number drops its ".0" (62 kWh, 62.4 kWh). */
static void
specfmt_decimal(double v, int trim, char *out, size_t outsz)
{
	size_t n;

	snprintf(out, outsz, "%.1f", v);
	n = strlen(out);
	if (trim && n > 2 && strcmp(out + n - 2, ".0") == 0)
		out[n - 2] = '\0';
}

void
specfmt_yen(long v, enum lang l, char *out, size_t outsz)
{
	char n[32];

	specfmt_thousands(v, n, sizeof(n));
	snprintf(out, outsz, l == LANG_JA ? "%s円" : "¥%s", n);
}

void
specfmt_price(const struct model *m, enum lang l, char *out, size_t outsz)
{
	char a[48], b[48];

	specfmt_yen(m->price_min, l, a, sizeof(a));
	if (m->price_min == m->price_max) {
		snprintf(out, outsz, "%s", a);
		return;
	}
	specfmt_yen(m->price_max, l, b, sizeof(b));
	snprintf(out, outsz, l == LANG_JA ? "%s〜%s" : "%s – %s", a, b);
}

static const char *const specfmt_bodies[][3] = {
	{ "sedan", "セダン", "Sedan" },
	{ "hatchback", "ハッチバック", "Hatchback" },
	{ "suv", "SUV", "SUV" },
	{ "wagon", "ステーションワゴン", "Estate" },
	{ "minivan", "ミニバン", "Minivan" },
	{ "kei", "軽自動車", "Kei car" },
	{ "coupe", "クーペ", "Coupé" },
	{ "pickup", "ピックアップ", "Pick-up" },
};

const char *
specfmt_body(const char *body, enum lang l)
{
	size_t i;

	for (i = 0; i < sizeof(specfmt_bodies) / sizeof(specfmt_bodies[0]); i++)
		if (body != NULL && strcmp(body, specfmt_bodies[i][0]) == 0)
			return specfmt_bodies[i][1 + l];
	return body ? body : "";
}

static const char *const specfmt_drives[][3] = {
	{ "FWD", "前輪駆動（FF）", "Front-wheel drive" },
	{ "RWD", "後輪駆動（FR）", "Rear-wheel drive" },
	{ "AWD", "全輪駆動（AWD）", "All-wheel drive" },
	{ "4WD", "四輪駆動（4WD）", "Four-wheel drive" },
};

const char *
specfmt_drive(const char *drive, enum lang l)
{
	size_t i;

	for (i = 0; i < sizeof(specfmt_drives) / sizeof(specfmt_drives[0]); i++)
		if (drive != NULL && strcmp(drive, specfmt_drives[i][0]) == 0)
			return specfmt_drives[i][1 + l];
	return drive ? drive : "";
}

void
specfmt_time(int min, char *out, size_t outsz)
{
	snprintf(out, outsz, "%d:%02d", min / 60, min % 60);
}

void
specfmt_size(size_t bytes, enum lang l, char *out, size_t outsz)
{
	if (bytes >= 1024 * 1024)
		snprintf(out, outsz, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(out, outsz, "%zu KB", (bytes + 1023) / 1024);
}

static void
specfmt_add(struct specfmt_group *, const char *key, const char *ja, const char *en,
    enum lang, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
specfmt_add(struct specfmt_group *g, const char *key, const char *ja, const char *en,
    enum lang l, const char *fmt, ...)
{
	struct specfmt_row *r = &g->rows[g->nrows++];
	va_list ap;

	r->key = key;
	r->label = l == LANG_JA ? ja : en;
	va_start(ap, fmt);
	vsnprintf(r->value, sizeof(r->value), fmt, ap);
	va_end(ap);
}

/* A whole number with thousands separators, then its unit: "1,480 kg". */
static void
specfmt_amount(struct specfmt_group *g, const char *key, const char *ja, const char *en,
    enum lang l, long v, const char *unit)
{
	char n[32];

	specfmt_thousands(v, n, sizeof(n));
	specfmt_add(g, key, ja, en, l, "%s %s", n, unit);
}

static void
specfmt_powertrain(const struct model *m, enum lang l, struct specfmt_group *g)
{
	const struct model_specs *s = &m->specs;
	int ev = m->powertrain == PT_EV;

	g->title = l == LANG_JA ? "パワートレイン" : "Powertrain";
	specfmt_add(g, "engine", ev ? "モーター" : "エンジン", ev ? "Motor" : "Engine", l,
	    "%s", s->engine.s[l] ? s->engine.s[l] : "");
	specfmt_amount(g, "power", "最高出力", "Maximum power", l, s->power_kw, "kW");
	specfmt_amount(g, "torque", "最大トルク", "Maximum torque", l, s->torque_nm,
	    "N·m");
	specfmt_add(g, "transmission", "トランスミッション", "Transmission", l, "%s",
	    s->transmission.s[l] ? s->transmission.s[l] : "");
	specfmt_add(g, "drive", "駆動方式", "Drive", l, "%s", specfmt_drive(s->drive, l));
}

static void
specfmt_dimensions(const struct model *m, enum lang l, struct specfmt_group *g)
{
	const struct model_specs *s = &m->specs;
	char a[16], b[16], c[16];

	g->title = l == LANG_JA ? "寸法・重量" : "Dimensions and weight";
	specfmt_thousands(s->length_mm, a, sizeof(a));
	specfmt_thousands(s->width_mm, b, sizeof(b));
	specfmt_thousands(s->height_mm, c, sizeof(c));
	specfmt_add(g, "size", "全長×全幅×全高", "Length × width × height", l,
	    "%s × %s × %s mm", a, b, c);
	specfmt_amount(g, "wheelbase", "ホイールベース", "Wheelbase", l, s->wheelbase_mm,
	    "mm");
	specfmt_amount(g, "weight", "車両重量", "Kerb weight", l, s->weight_kg, "kg");
	specfmt_add(g, "seats", "乗車定員", "Seats", l, l == LANG_JA ? "%d名" : "%d",
	    s->seats);
}

/* Fuel figures only for what burns fuel, electric ones only for what plugs in. */
static void
specfmt_efficiency(const struct model *m, enum lang l, struct specfmt_group *g)
{
	const struct model_specs *s = &m->specs;
	int ev = m->powertrain == PT_EV;
	char n[32];

	g->title = l == LANG_JA ? "燃費・電費（WLTCモード）" : "Efficiency (WLTC)";
	if (!ev) {
		specfmt_decimal(s->wltc_km_per_l, 0, n, sizeof(n));
		specfmt_add(g, "fuel", "燃料消費率", "Fuel consumption", l, "%s km/L", n);
	}
	if (ev || m->powertrain == PT_PHEV) {
		specfmt_amount(g, "electricity", "交流電力量消費率",
		    "Electricity consumption", l, s->wltc_wh_per_km, "Wh/km");
		specfmt_amount(g, "range", ev ? "一充電走行距離" : "EV走行換算距離",
		    ev ? "Range" : "Electric range", l, s->range_km, "km");
		specfmt_decimal(s->battery_kwh, 1, n, sizeof(n));
		specfmt_add(g, "battery", "駆動用バッテリー総電力量", "Battery capacity", l,
		    "%s kWh", n);
	}
}

int
specfmt_groups(const struct model *m, enum lang l, struct specfmt_group *out)
{
	memset(out, 0, sizeof(*out) * SPECFMT_GROUPS);
	specfmt_powertrain(m, l, &out[0]);
	specfmt_dimensions(m, l, &out[1]);
	specfmt_efficiency(m, l, &out[2]);
	return SPECFMT_GROUPS;
}

const struct specfmt_row *
specfmt_row(const struct specfmt_group *g, int n, const char *key)
{
	int i, r;

	for (i = 0; i < n; i++)
		for (r = 0; r < g[i].nrows; r++)
			if (strcmp(g[i].rows[r].key, key) == 0)
				return &g[i].rows[r];
	return NULL;
}
