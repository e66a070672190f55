/*
 * The inventory's self-check: the table's invariants, its texts, and that no row bears a
 * name of the data the 2018 leak held. Above the table and the validation messages, so
 * that neither imports the other.
 */
#include "seal/inventory.h"

#include <stdio.h>
#include <string.h>

#include "seal/inventory_int.h"

/*
 * Names that must never appear in the table: the data the 2018 leak held that no job
 * here needs. Short words match exactly; stems match anywhere in a name.
 */
static const char *const inv_forbidden_exact[] = {
	"age", "sex", "dob", "job", "income", "salary", "gender", "birthday",
	"occupation", "nationality", "religion", "employer", "spouse",
};
static const char *const inv_forbidden_stem[] = {
	"income", "salary", "birth", "occupation", "gender", "nationality",
	"marital", "religion", "employer", "licence_number", "license_number",
	"my_number", "mynumber", "owned_car", "current_car", "annual",
};

static int
inv_forbidden(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(inv_forbidden_exact) / sizeof(inv_forbidden_exact[0]); i++)
		if (strcmp(name, inv_forbidden_exact[i]) == 0)
			return 1;
	for (i = 0; i < sizeof(inv_forbidden_stem) / sizeof(inv_forbidden_stem[0]); i++)
		if (strstr(name, inv_forbidden_stem[i]) != NULL)
			return 1;
	return 0;
}

static int
inv_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0, i;

	if (n == 0 || n > FORM_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

static int
inv_texts_ok(const char *const t[LANG_COUNT])
{
	int l;

	for (l = 0; l < LANG_COUNT; l++)
		if (t[l] == NULL || t[l][0] == '\0')
			return 0;
	return 1;
}

static const char *
inv_row_problem(int i)
{
	const struct inventory_field *f = &inventory_fields[i];

	if ((unsigned)f->form >= FORM_KINDS)
		return "bad form";
	if (!inv_name_ok(f->name))
		return "name is not [a-z0-9_]{1,32}";
	if (inv_forbidden(f->name))
		return "forbidden name";
	if (inv_is_tech(f->name))
		return "name taken by a technical field";
	if (inventory_find(f->form, f->name) != i)
		return "name repeated in its form";
	if (!inv_texts_ok(f->label) || !inv_texts_ok(f->purpose) ||
	    !inv_texts_ok(f->retention))
		return "a label, purpose or retention text is missing";
	if (f->max_count < 1 || f->max_count > INVENTORY_MAX_MODELS ||
	    (f->max_count > 1 && f->check != INV_CHECK_MODELS))
		return "bad max_count";
	if (f->max_chars < 1 || f->max_chars > FORM_MAX_VALUE)
		return "bad max_chars";
	if (f->max_age_days < 1 || f->max_age_days > 366)
		return "bad max_age_days";
	if ((f->need == INV_ONE_OF) != (f->group != NULL))
		return "one-of fields, and only they, name a group";
	if ((unsigned)f->check >= INV_CHECKS)
		return "bad check";
	if (f->on_label && f->check != INV_CHECK_NAME && f->check != INV_CHECK_ADDRESS)
		return "only a name or an address goes on a label";
	return NULL;
}

int
inventory_self_check(char *why, size_t whysz)
{
	const char *p;
	size_t i;
	int r;

	for (r = 0; r < INVENTORY_NFIELDS; r++)
		if ((p = inv_row_problem(r)) != NULL) {
			snprintf(why, whysz, "row %d (%s): %s", r,
			    inventory_fields[r].name ? inventory_fields[r].name : "?", p);
			return -1;
		}
	for (i = 0; i < INVENTORY_NTECH; i++)
		if (!inv_name_ok(inventory_tech_fields[i].name) ||
		    inv_forbidden(inventory_tech_fields[i].name) ||
		    !inv_texts_ok(inventory_tech_fields[i].purpose) ||
		    !inv_texts_ok(inventory_tech_fields[i].label)) {
			snprintf(why, whysz, "technical field %zu is malformed", i);
			return -1;
		}
	if (!inv_messages_fit()) {
		snprintf(why, whysz, "a message does not fit its buffer");
		return -1;
	}
	if (whysz > 0)
		why[0] = '\0';
	return 0;
}
