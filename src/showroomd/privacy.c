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

static json_t *
privacy_keyring_view(time_t now)
{
	struct trust *t = trust_acquire(now);
	json_t *keys, *o;
	char fpr[80];
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
		    "name", t->kr.keys[i].name, "role", keys_role_name(t->kr.keys[i].role),
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
	json_object_set_new(ctx, "keyring", privacy_keyring_view(time(NULL)));
	json_object_set_new(ctx, "nav_privacy", json_true());
	reply_page(rp, 200, p, "privacy", ctx);
	rp->no_store = 0;
}
