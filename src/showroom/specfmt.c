#include "showroom/specfmt.h"

#include <stdio.h>
#include <string.h>

void
specfmt_thousands(long v, char *out, size_t outsz)
{
	char digits[32], tmp[48];
	size_t n, i, j = 0;
	int neg = v < 0;

	snprintf(digits, sizeof(digits), "%ld", neg ? -v : v);
	n = strlen(digits);
	if (neg)
		tmp[j++] = '-';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			tmp[j++] = ',';
		tmp[j++] = digits[i];
	}
	tmp[j] = '\0';
	snprintf(out, outsz, "%s", tmp);
}

void
specfmt_price(const struct model *m, enum lang l, char *out, size_t outsz)
{
	char a[32], b[32];

	specfmt_thousands(m->price_min, a, sizeof(a));
	specfmt_thousands(m->price_max, b, sizeof(b));
	if (l == LANG_JA)
		snprintf(out, outsz, m->price_min == m->price_max ? "%s円" : "%s円〜%s円", a, b);
	else
		snprintf(out, outsz, m->price_min == m->price_max ? "¥%s" : "¥%s – ¥%s", a, b);
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
specfmt_size(size_t bytes, enum lang l, char *out, size_t outsz)
{
	if (bytes >= 1024 * 1024)
		snprintf(out, outsz, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(out, outsz, "%zu KB", (bytes + 1023) / 1024);
}

static struct specfmt_row *
specfmt_add(struct specfmt_group *g, const char *ja, const char *en, enum lang l)
{
	struct specfmt_row *r = &g->rows[g->nrows++];

	r->label = l == LANG_JA ? ja : en;
	r->value[0] = '\0';
	return r;
}

static void
specfmt_powertrain(const struct model *m, enum lang l, struct specfmt_group *g)
{
	const struct model_specs *s = &m->specs;
	struct specfmt_row *r;

	g->title = l == LANG_JA ? "パワートレイン" : "Powertrain";
	if (m->powertrain == PT_EV)
		r = specfmt_add(g, "モーター", "Motor", l);
	else
		r = specfmt_add(g, "エンジン", "Engine", l);
	snprintf(r->value, sizeof(r->value), "%s", s->engine.s[l] ? s->engine.s[l] : "");
	r = specfmt_add(g, "最高出力", "Maximum power", l);
	snprintf(r->value, sizeof(r->value), "%d kW", s->power_kw);
	r = specfmt_add(g, "最大トルク", "Maximum torque", l);
	snprintf(r->value, sizeof(r->value), "%d N·m", s->torque_nm);
	r = specfmt_add(g, "トランスミッション", "Transmission", l);
	snprintf(r->value, sizeof(r->value), "%s",
	    s->transmission.s[l] ? s->transmission.s[l] : "");
	r = specfmt_add(g, "駆動方式", "Drive", l);
	snprintf(r->value, sizeof(r->value), "%s", specfmt_drive(s->drive, l));
}

static void
specfmt_dimensions(const struct model *m, enum lang l, struct specfmt_group *g)
{
	const struct model_specs *s = &m->specs;
	struct specfmt_row *r;
	char a[16], b[16], c[16];

	g->title = l == LANG_JA ? "寸法・重量" : "Dimensions and weight";
	specfmt_thousands(s->length_mm, a, sizeof(a));
	specfmt_thousands(s->width_mm, b, sizeof(b));
	specfmt_thousands(s->height_mm, c, sizeof(c));
	r = specfmt_add(g, "全長×全幅×全高", "Length × width × height", l);
	snprintf(r->value, sizeof(r->value), "%s × %s × %s mm", a, b, c);
	specfmt_thousands(s->wheelbase_mm, a, sizeof(a));
	r = specfmt_add(g, "ホイールベース", "Wheelbase", l);
	snprintf(r->value, sizeof(r->value), "%s mm", a);
	specfmt_thousands(s->weight_kg, a, sizeof(a));
	r = specfmt_add(g, "車両重量", "Kerb weight", l);
	snprintf(r->value, sizeof(r->value), "%s kg", a);
	r = specfmt_add(g, "乗車定員", "Seats", l);
	snprintf(r->value, sizeof(r->value), l == LANG_JA ? "%d名" : "%d", s->seats);
}

static void
specfmt_efficiency(const struct model *m, enum lang l, struct specfmt_group *g)
{
	const struct model_specs *s = &m->specs;
	struct specfmt_row *r;

	g->title = l == LANG_JA ? "燃費・電費（WLTCモード）" : "Efficiency (WLTC)";
	if (m->powertrain != PT_EV) {
		r = specfmt_add(g, "燃料消費率", "Fuel consumption", l);
		snprintf(r->value, sizeof(r->value), "%.1f km/L", s->wltc_km_per_l);
	}
	if (m->powertrain == PT_EV || m->powertrain == PT_PHEV) {
		r = specfmt_add(g, "交流電力量消費率", "Electricity consumption", l);
		snprintf(r->value, sizeof(r->value), "%d Wh/km", s->wltc_wh_per_km);
		r = specfmt_add(g, m->powertrain == PT_EV ? "一充電走行距離" : "EV走行換算距離",
		    m->powertrain == PT_EV ? "Range" : "Electric range", l);
		snprintf(r->value, sizeof(r->value), "%d km", s->range_km);
		r = specfmt_add(g, "駆動用バッテリー容量", "Battery capacity", l);
		snprintf(r->value, sizeof(r->value), "%.1f kWh", s->battery_kwh);
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
