#include "showroom/site/site_view.h"

#include <stdio.h>
#include <string.h>

#include "lib/prefecture.h"
#include "showroom/site/specfmt.h"

static const char *
sv_str(const struct site_view *v, enum lang l, const char *key)
{
	const char *s = json_string_value(json_object_get(v->strings[l], key));

	return s ? s : key;
}

static int
sv_set_str(json_t *o, const char *key, const char *val)
{
	return json_object_set_new(o, key, json_string(val ? val : ""));
}

static json_t *
sv_brand(const struct brand *b, enum lang l)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "name", b->name.s[l], "tagline", b->tagline.s[l], "url", b->url,
	    "phone", b->phone, "email", b->email, "address", b->address.s[l]);
}

json_t *
site_view_page(const struct site_view *v, enum lang l, const char *page, const char *title,
    const char *description)
{
	enum lang o = l == LANG_JA ? LANG_EN : LANG_JA;
	char path[512], other[512], ja[512], en[512];
	json_t *ctx;

	snprintf(path, sizeof(path), "%s%s", lang_prefix(l), page);
	snprintf(other, sizeof(other), "%s%s", lang_prefix(o), page);
	snprintf(ja, sizeof(ja), "%s%s", lang_prefix(LANG_JA), page);
	snprintf(en, sizeof(en), "%s%s", lang_prefix(LANG_EN), page);
	ctx = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:o, s:s, s:s, s:s, s:s, "
	    "s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]}",
	    "lang", lang_code(l), "base", lang_prefix(l), "path", path,
	    "other_lang", lang_code(o), "other_href", other,
	    "t", v->strings[l], "brand", sv_brand(&v->c->brand, l),
	    "css", v->css_url, "logo", v->logo_url, "title", title,
	    "description", description ? description : v->c->brand.tagline.s[l],
	    "alternates", "hreflang", "ja", "href", ja, "hreflang", "en", "href", en,
	    "hreflang", "x-default", "href", ja);
	if (v->postal_base[0] != '\0')
		json_object_set_new(ctx, "postal_base", json_string(v->postal_base));
	return ctx;
}

static json_t *
sv_model_card(const struct site_view *v, enum lang l, size_t i)
{
	const struct model *m = &v->c->models[i];
	char href[256], price[128];

	snprintf(href, sizeof(href), "%smodels/%s/", lang_prefix(l), m->code);
	specfmt_price(m, l, price, sizeof(price));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "code", m->code, "href", href, "name", m->name.s[l], "tagline", m->tagline.s[l],
	    "body_name", specfmt_body(m->body, l),
	    "powertrain_name", powertrain_name(m->powertrain, l),
	    "price", price, "image", v->image_url[i]);
}

static json_t *
sv_model_cards(const struct site_view *v, enum lang l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < v->c->nmodels; i++)
		json_array_append_new(a, sv_model_card(v, l, i));
	return a;
}

json_t *
site_view_home(const struct site_view *v, enum lang l)
{
	json_t *ctx = site_view_page(v, l, "", v->c->brand.tagline.s[l], NULL);

	json_object_set_new(ctx, "models", sv_model_cards(v, l));
	return ctx;
}

/* One comparison row: the spec row KEY of every model, labelled as specfmt labels it. */
static void
sv_compare_row(json_t *rows, const char *key, const struct site_view *v, enum lang l)
{
	struct specfmt_group g[SPECFMT_GROUPS];
	const struct specfmt_row *r;
	const char *label = NULL;
	json_t *cells = json_array();
	size_t i;

	for (i = 0; i < v->c->nmodels; i++) {
		specfmt_groups(&v->c->models[i], l, g);
		r = specfmt_row(g, SPECFMT_GROUPS, key);
		if (r != NULL && label == NULL)
			label = r->label;
		json_array_append_new(cells, json_pack("{s:s}", "v", r ? r->value : "—"));
	}
	if (label == NULL) {	/* no model has it (say, no EV): no row */
		json_decref(cells);
		return;
	}
	json_array_append_new(rows, json_pack("{s:s, s:o}", "label", label, "cells", cells));
}

static json_t *
sv_compare(const struct site_view *v, enum lang l)
{
	static const char *const keys[] = { "power", "torque", "drive", "size", "weight",
	    "seats", "fuel", "electricity", "range" };
	json_t *rows = json_array(), *cells = json_array();
	char price[128];
	size_t i;

	for (i = 0; i < v->c->nmodels; i++) {
		specfmt_price(&v->c->models[i], l, price, sizeof(price));
		json_array_append_new(cells, json_pack("{s:s}", "v", price));
	}
	json_array_append_new(rows, json_pack("{s:s, s:o}", "label",
	    l == LANG_JA ? "価格（税込）" : "Price (incl. tax)", "cells", cells));
	cells = json_array();
	for (i = 0; i < v->c->nmodels; i++)
		json_array_append_new(cells, json_pack("{s:s}", "v",
		    powertrain_name(v->c->models[i].powertrain, l)));
	json_array_append_new(rows, json_pack("{s:s, s:o}", "label",
	    l == LANG_JA ? "パワートレイン" : "Powertrain", "cells", cells));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		sv_compare_row(rows, keys[i], v, l);
	return rows;
}

json_t *
site_view_models(const struct site_view *v, enum lang l)
{
	json_t *ctx = site_view_page(v, l, "models/", sv_str(v, l, "models_title"), NULL);

	json_object_set_new(ctx, "models", sv_model_cards(v, l));
	json_object_set_new(ctx, "compare", sv_compare(v, l));
	json_object_set_new(ctx, "nav_models", json_true());
	return ctx;
}

static json_t *
sv_paragraphs(const char *text)
{
	json_t *a = json_array();
	const char *p = text, *e;

	while (p != NULL && *p != '\0') {
		while (*p == '\n' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strstr(p, "\n\n");
		json_array_append_new(a, json_pack("{s:s%}", "p", p,
		    e ? (size_t)(e - p) : strlen(p)));
		p = e;
	}
	return a;
}

static json_t *
sv_spec_groups(const struct model *m, enum lang l)
{
	struct specfmt_group g[SPECFMT_GROUPS];
	json_t *groups = json_array(), *rows;
	int i, r, n = specfmt_groups(m, l, g);

	for (i = 0; i < n; i++) {
		rows = json_array();
		for (r = 0; r < g[i].nrows; r++)
			json_array_append_new(rows, json_pack("{s:s, s:s}",
			    "label", g[i].rows[r].label, "value", g[i].rows[r].value));
		json_array_append_new(groups, json_pack("{s:s, s:o}", "title", g[i].title,
		    "rows", rows));
	}
	return groups;
}

static int
sv_dealer_holds(const struct dealer *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->ncars; i++)
		if (strcmp(d->cars[i].model, code) == 0)
			return 1;
	return 0;
}

static json_t *
sv_holders(const struct site_view *v, enum lang l, const struct model *m)
{
	json_t *a = json_array();
	const struct dealer *d;
	char href[256];
	size_t i;

	for (i = 0; i < v->c->ndealers; i++) {
		d = &v->c->dealers[i];
		if (!sv_dealer_holds(d, m->code))
			continue;
		snprintf(href, sizeof(href), "%stest-drive?model=%s&dealer=%s", lang_prefix(l),
		    m->code, d->code);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "code", d->code, "name", d->name.s[l],
		    "prefecture", prefecture_name(d->prefecture, l), "phone", d->phone,
		    "book_href", href));
	}
	return a;
}

json_t *
site_view_model(const struct site_view *v, enum lang l, size_t i)
{
	const struct model *m = &v->c->models[i];
	enum lang o = l == LANG_JA ? LANG_EN : LANG_JA;
	char page[128], size[32], osize[32];
	json_t *ctx, *mo;

	snprintf(page, sizeof(page), "models/%s/", m->code);
	ctx = site_view_page(v, l, page, m->name.s[l], m->tagline.s[l]);
	specfmt_size(v->pdf_size[l][i], l, size, sizeof(size));
	specfmt_size(v->pdf_size[o][i], l, osize, sizeof(osize));
	mo = sv_model_card(v, l, i);
	json_object_set_new(mo, "paragraphs", sv_paragraphs(m->description.s[l]));
	json_object_set_new(mo, "spec_groups", sv_spec_groups(m, l));
	json_object_set_new(mo, "dealers", sv_holders(v, l, m));
	sv_set_str(mo, "pdf_href", v->pdf_url[l][i]);
	sv_set_str(mo, "pdf_size", size);
	sv_set_str(mo, "pdf_other_href", v->pdf_url[o][i]);
	sv_set_str(mo, "pdf_other_size", osize);
	json_object_set_new(ctx, "model", mo);
	json_object_set_new(ctx, "nav_models", json_true());
	return ctx;
}

static json_t *
sv_hours(const struct dealer *d, enum lang l)
{
	json_t *a = json_array(), *h;
	char open[8], close[8];
	int w;

	for (w = 0; w < WEEKDAYS; w++) {
		h = json_pack("{s:s}", "day", weekday_name((enum weekday)w, l));
		if (d->hours[w].open_min >= 0) {
			specfmt_time(d->hours[w].open_min, open, sizeof(open));
			specfmt_time(d->hours[w].close_min, close, sizeof(close));
			sv_set_str(h, "open", open);
			sv_set_str(h, "close", close);
		}
		json_array_append_new(a, h);
	}
	return a;
}

static json_t *
sv_dealer(const struct site_view *v, enum lang l, const struct dealer *d)
{
	const struct model *m;
	json_t *cars = json_array(), *o;
	char href[256], tel[32];
	size_t i, j = 0;

	for (i = 0; i < d->ncars; i++) {
		if ((m = content_find_model(v->c, d->cars[i].model)) == NULL)
			continue;
		snprintf(href, sizeof(href), "%smodels/%s/", lang_prefix(l), m->code);
		json_array_append_new(cars, json_pack("{s:s, s:s, s:b}", "name", m->name.s[l],
		    "href", href, "last", i + 1 == d->ncars));
	}
	for (i = 0; d->phone[i] != '\0' && j + 1 < sizeof(tel); i++)
		if (d->phone[i] != '-')
			tel[j++] = d->phone[i];
	tel[j] = '\0';
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "code", d->code,
	    "name", d->name.s[l], "postal_code", d->postal_code, "address", d->address.s[l],
	    "phone", d->phone, "phone_tel", tel, "hours", sv_hours(d, l), "cars", cars);
	return o;
}

json_t *
site_view_dealers(const struct site_view *v, enum lang l)
{
	json_t *ctx, *prefs = json_array(), *cur = NULL;
	const struct dealer *d;
	int last = 0;
	size_t i;

	ctx = site_view_page(v, l, "dealers/", sv_str(v, l, "dealers_title"), NULL);
	/* dealers are sorted by prefecture: start a group at each change */
	for (i = 0; i < v->c->ndealers; i++) {
		d = &v->c->dealers[i];
		if (cur == NULL || d->prefecture != last) {
			cur = json_array();
			json_array_append_new(prefs, json_pack("{s:i, s:s, s:o}",
			    "code", d->prefecture, "name", prefecture_name(d->prefecture, l),
			    "dealers", cur));
			last = d->prefecture;
		}
		json_array_append_new(cur, sv_dealer(v, l, d));
	}
	json_object_set_new(ctx, "prefectures", prefs);
	json_object_set_new(ctx, "nav_dealers", json_true());
	return ctx;
}

void
site_view_script(const struct site_view *v, json_t *ctx)
{
	if (v->js_url[0] != '\0')
		json_object_set_new(ctx, "js", json_pack("{s:s, s:s}", "src", v->js_url,
		    "integrity", v->js_sri));
}

json_t *
site_view_simple(const struct site_view *v, enum lang l, const char *page,
    const char *title_key, const char *nav_flag)
{
	json_t *ctx = site_view_page(v, l, page, sv_str(v, l, title_key), NULL);

	if (nav_flag != NULL)
		json_object_set_new(ctx, nav_flag, json_true());
	return ctx;
}

static json_t *
sv_text(const struct text *t)
{
	return json_pack("{s:s, s:s}", "ja", t->s[LANG_JA], "en", t->s[LANG_EN]);
}

static json_t *
sv_api_model(const struct site_view *v, size_t i)
{
	const struct model *m = &v->c->models[i];
	const struct model_specs *s = &m->specs;
	char ja[256], en[256];
	json_t *specs;

	snprintf(ja, sizeof(ja), "/models/%s/", m->code);
	snprintf(en, sizeof(en), "/en/models/%s/", m->code);
	specs = json_pack("{s:o, s:i, s:i, s:o, s:s, s:i, s:i, s:i, s:i, s:i, s:i}",
	    "engine", sv_text(&s->engine), "power_kw", s->power_kw, "torque_nm", s->torque_nm,
	    "transmission", sv_text(&s->transmission), "drive", s->drive,
	    "length_mm", s->length_mm, "width_mm", s->width_mm, "height_mm", s->height_mm,
	    "wheelbase_mm", s->wheelbase_mm, "weight_kg", s->weight_kg, "seats", s->seats);
	if (m->powertrain != PT_EV)
		json_object_set_new(specs, "wltc_km_per_l", json_real(s->wltc_km_per_l));
	if (m->powertrain == PT_EV || m->powertrain == PT_PHEV) {
		json_object_set_new(specs, "wltc_wh_per_km", json_integer(s->wltc_wh_per_km));
		json_object_set_new(specs, "range_km", json_integer(s->range_km));
		json_object_set_new(specs, "battery_kwh", json_real(s->battery_kwh));
	}
	return json_pack("{s:s, s:o, s:o, s:s, s:s, s:{s:I, s:I, s:s}, s:o, s:{s:s, s:s}, "
	    "s:{s:s, s:s}, s:s}",
	    "code", m->code, "name", sv_text(&m->name), "tagline", sv_text(&m->tagline),
	    "body", m->body, "powertrain", powertrain_name(m->powertrain, LANG_EN),
	    "price", "min", (json_int_t)m->price_min, "max", (json_int_t)m->price_max,
	    "currency", "JPY", "specs", specs, "pages", "ja", ja, "en", en,
	    "catalogs", "ja", v->pdf_url[LANG_JA][i], "en", v->pdf_url[LANG_EN][i],
	    "image", v->image_url[i]);
}

static void
sv_closed_add(json_t *list, const struct closed_range *r, size_t n)
{
	char a[8], b[8];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "%02d-%02d", r[i].from_md / 100, r[i].from_md % 100);
		snprintf(b, sizeof(b), "%02d-%02d", r[i].to_md / 100, r[i].to_md % 100);
		json_array_append_new(list, json_pack("{s:s, s:s}", "from", a, "to", b));
	}
}

/* The fixed closed days of a dealer: the brand's for every dealer, then its own. */
static json_t *
sv_closed(const struct brand *br, const struct dealer *d)
{
	json_t *list = json_array();

	sv_closed_add(list, br->closed, br->nclosed);
	sv_closed_add(list, d->closed, d->nclosed);
	return list;
}

static json_t *
sv_api_dealer(const struct brand *br, const struct dealer *d)
{
	static const char *days[WEEKDAYS] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	json_t *hours = json_object(), *cars = json_object();
	char a[8], b[8];
	size_t i;
	int w;

	for (w = 0; w < WEEKDAYS; w++) {
		if (d->hours[w].open_min < 0) {
			json_object_set_new(hours, days[w], json_null());
			continue;
		}
		snprintf(a, sizeof(a), "%02d:%02d", d->hours[w].open_min / 60,
		    d->hours[w].open_min % 60);
		snprintf(b, sizeof(b), "%02d:%02d", d->hours[w].close_min / 60,
		    d->hours[w].close_min % 60);
		json_object_set_new(hours, days[w], json_pack("[s, s]", a, b));
	}
	for (i = 0; i < d->ncars; i++)
		json_object_set_new(cars, d->cars[i].model, json_integer(d->cars[i].count));
	return json_pack("{s:s, s:o, s:i, s:{s:s, s:s}, s:s, s:o, s:s, s:o, s:i, s:o, s:o}",
	    "code", d->code, "name", sv_text(&d->name), "prefecture", d->prefecture,
	    "prefecture_name", "ja", prefecture_name(d->prefecture, LANG_JA),
	    "en", prefecture_name(d->prefecture, LANG_EN),
	    "postal_code", d->postal_code, "address", sv_text(&d->address),
	    "phone", d->phone, "hours", hours, "slot_minutes", d->slot_minutes,
	    "demo_cars", cars, "closed", sv_closed(br, d));
}

json_t *
site_view_api_catalog(const struct site_view *v)
{
	json_t *models = json_array(), *dealers = json_array();
	size_t i;

	for (i = 0; i < v->c->nmodels; i++)
		json_array_append_new(models, sv_api_model(v, i));
	for (i = 0; i < v->c->ndealers; i++)
		json_array_append_new(dealers, sv_api_dealer(&v->c->brand,
		    &v->c->dealers[i]));
	return json_pack("{s:{s:o, s:s, s:b}, s:o, s:o}", "brand", "name",
	    sv_text(&v->c->brand.name), "url", v->c->brand.url, "booking_confirmation",
	    v->c->brand.booking_confirmation, "models", models, "dealers", dealers);
}
