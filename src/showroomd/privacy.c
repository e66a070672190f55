/*
 * The privacy page: the data inventory and the keyring, rendered at request time so that
 * it says what the running server takes and to whom it seals it.
 */
#include <time.h>

#include "seal/inventory.h"
#include "seal/keys.h"
#include "showroomd/handlers.h"
#include "showroomd/pages.h"
#include "showroomd/site.h"
#include "showroomd/trust.h"

/* Who holds a key, in the page's language: the key's own name is the holder's choice and
 * often in another language, so the page names the role (and the dealer) instead. */
static const char *
privacy_holder(const struct pages *p, enum lang l, const struct keys_public *k,
    char *out, size_t outsz)
{
	const char *role = keys_role_name(k->role), *name;
	char key[32];

	if (k->role == KEYS_ROLE_DEALER) {
		name = json_string_value(json_object_get(json_object_get(pages_dealer(p,
		    k->dealer), "name"), lang_code(l)));
		snprintf(out, outsz, "%s %s", pages_string(p, l, "privacy_key_dealer"),
		    name ? name : k->dealer);
		return out;
	}
	snprintf(key, sizeof(key), "privacy_key_%s", role);
	name = pages_string(p, l, key);
	return name != key ? name : role;
}

static json_t *
privacy_keyring_view(const struct pages *p, enum lang l, time_t now)
{
	struct trust *t = trust_acquire(now);
	json_t *keys, *o;
	char fpr[80], holder[256];
	size_t i;

	if (t == NULL)
		return json_null();
	keys = json_array();
	for (i = 0; i < t->kr.nkeys; i++) {
		/* the page lists the keys submissions are sealed to; a privacy key is not one */
		if (t->kr.keys[i].role == KEYS_ROLE_PRIVACY)
			continue;
		keys_fingerprint_text(&t->kr.keys[i], fpr);
		json_array_append_new(keys, json_pack("{s:s, s:s, s:s, s:s}",
		    "holder", privacy_holder(p, l, &t->kr.keys[i], holder, sizeof(holder)),
		    "role", keys_role_name(t->kr.keys[i].role),
		    "key_id", t->kr.keys[i].key_id, "fingerprint", fpr));
	}
	o = json_pack("{s:o, s:s}", "keys", keys, "expires", t->kr.expires);
	trust_release(t);
	return o;
}

void
privacy_get(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	const struct pages *p = rq->site->pages;
	json_t *ctx = pages_context(p, "privacy", rq->lang);

	json_object_set_new(ctx, "inventory", inventory_privacy_view(rq->lang));
	json_object_set_new(ctx, "keyring", privacy_keyring_view(p, rq->lang, time(NULL)));
	json_object_set_new(ctx, "nav_privacy", json_true());
	reply_page(rp, 200, p, "privacy", ctx);
	rp->no_store = 0;
}
