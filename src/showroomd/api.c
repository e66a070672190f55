/*
 * The key holders' API: every call signed with HTTP Message Signatures (RFC 9421,
 * ed25519) by a key of the signed keyring. A caller sees and deletes only the records
 * sealed to its own key. Failures answer 401 with a reason and no data, and are logged
 * with the key id and the reason only. The signed @authority must be the server's own
 * (--public-url): a request signed for another server, as a fake one would capture it,
 * is refused; without --public-url the API is off.
 */
#include <jansson.h>
#include <stdint.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seal/form.h"
#include "seal/keys.h"
#include "lib/log.h"
#include "seal/sig.h"
#include "store/store.h"
#include "showroomd/api.h"
#include "showroomd/handlers.h"
#include "showroomd/origin.h"
#include "showroomd/trust.h"

#define API_NONCE_TTL	(2 * SIG_MAX_SKEW)	/* a nonce is remembered while created is valid */

void
api_error(struct app_reply *rp, unsigned status, const char *reason)
{
	reply_json(rp, status, json_pack("{s:s}", "error", reason));
	if (status == 401)
		reply_header(rp, "WWW-Authenticate", "Signature");
}

static int
api_key(void *arg, const char *keyid, unsigned char pk[SIG_PUBLICKEYBYTES])
{
	const struct keys_public *k = keys_keyring_find(arg, keyid);

	if (k == NULL || k->role == KEYS_ROLE_ROOT)
		return -1;
	memcpy(pk, k->ed25519, SIG_PUBLICKEYBYTES);
	return 0;
}

static int
api_header(void *arg, const char *name, size_t n, const char **value, size_t *len)
{
	const struct app_request *rq = arg;

	if (n > 0)
		return 0;
	*value = rq->header(rq->header_arg, name, len);
	return *value != NULL;
}

/* Checks the signature, the key and the nonce: 0 with the caller, or a 401 sent. */
int
api_authenticate(struct app *app, const struct app_request *rq, int with_body,
    struct api_caller *who, struct app_reply *rp)
{
	struct sig_request req;
	struct sig_result res;
	struct store_err se;
	struct trust *t;
	const struct keys_public *k;
	const char *host;
	size_t alen;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (app->pub == NULL) {
		api_error(rp, 503, "the API is off: showroomd runs without --public-url");
		return -1;
	}
	/* the Host is the client's to choose: what is verified is the server's own
	 * authority, and a Host naming another is refused with that reason */
	host = rq->header(rq->header_arg, "Host", &alen);
	if (host == NULL || !origin_host_is(app->pub, host, alen)) {
		log_warn("api: 401 %s %s: Host %.80s is not the @authority of --public-url %s",
		    rq->method, rq->path, host != NULL ? host : "(none)", app->pub->origin);
		api_error(rp, 401, "signature: @authority is not this server's (--public-url)");
		return -1;
	}
	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	memset(who, 0, sizeof(*who));
	req.method = rq->method;
	req.scheme = app->pub->scheme;
	req.authority = app->pub->authority;
	req.path = rq->path;
	req.query = rq->query;
	req.header_fn = api_header;
	req.header_arg = (void *)(uintptr_t)rq;
	if (with_body) {
		req.body = rq->body;
		req.bodylen = rq->body_len;
	}
	if ((t = trust_acquire(time(NULL))) == NULL) {
		api_error(rp, 503, "no valid keyring");
		return -1;
	}
	rc = sig_verify(&req, NULL, api_key, &t->kr, now, SIG_MAX_SKEW, NULL, 0, &res);
	if (rc == SIG_OK && (k = keys_keyring_find(&t->kr, res.keyid)) != NULL) {
		who->role = k->role;
		snprintf(who->dealer, sizeof(who->dealer), "%s", k->dealer);
	}
	trust_release(t);
	if (rc == SIG_OK) {
		rc = store_nonce_use(app->store, res.nonce, res.keyid, now + API_NONCE_TTL, now,
		    &se);
		if (rc == STORE_REPLAY) {
			log_warn("api: 401 %s %s: nonce replayed", rq->method, rq->path);
			api_error(rp, 401, "signature: nonce already used");
			return -1;
		}
		if (rc != STORE_OK) {
			api_error(rp, 503, "store unavailable");
			return -1;
		}
		snprintf(who->key_id, sizeof(who->key_id), "%s", res.keyid);
		return 0;
	}
	/* the key id is public (it is in the keyring); reasons never hold secrets */
	log_warn("api: 401 %s %s keyid=%.64s: %s", rq->method, rq->path,
	    res.keyid[0] ? res.keyid : "-", sig_strerror(rc));
	api_error(rp, 401, sig_strerror(rc));
	return -1;
}

static json_t *
api_record(const struct store_record *r)
{
	char enc[128], *ct;
	size_t ctsz = sodium_base64_ENCODED_LEN(r->ct_len, sodium_base64_VARIANT_ORIGINAL);
	json_t *o;

	if ((ct = malloc(ctsz)) == NULL)
		return NULL;
	sodium_bin2base64(enc, sizeof(enc), r->enc, r->enc_len, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(ct, ctsz, r->ct, r->ct_len, sodium_base64_VARIANT_ORIGINAL);
	o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I}", "id", r->id,
	    "kind", store_kind_name(r->kind), "key_id", r->key_id, "created",
	    (json_int_t)r->created, "enc", enc, "ct", ct, "seq", (json_int_t)r->seq);
	if (o != NULL && r->slot.start[0] != '\0')
		json_object_set_new(o, "slot", json_pack("{s:s, s:s, s:s}", "dealer",
		    r->slot.dealer, "model", r->slot.model, "start", r->slot.start));
	free(ct);
	return o;
}

static int
api_uint(const char *s, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL)
		return 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

void
api_inbox(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	struct store_record *recs = NULL;
	struct api_caller who;
	struct store_err se;
	const char *keys[1];
	long long after = 0, limit = 100;
	int64_t next;
	json_t *list;
	struct form q;
	size_t n = 0, i;

	if (app == NULL || app->store == NULL) {
		api_error(rp, 503, "no store");
		return;
	}
	if (api_authenticate(app, rq, 0, &who, rp) == -1)
		return;
	if (who.role == KEYS_ROLE_PRIVACY) {
		api_error(rp, 403, "a privacy key reads counts only");
		return;
	}
	if (form_decode(rq->query, strlen(rq->query), &q, NULL) == -1 ||
	    api_uint(form_get(&q, "after"), INT64_MAX / 2, &after) == -1 ||
	    api_uint(form_get(&q, "limit"), STORE_INBOX_MAX, &limit) == -1 || limit == 0) {
		form_free(&q);
		api_error(rp, 400, "after must be a cursor, limit 1..1000");
		return;
	}
	form_free(&q);
	keys[0] = who.key_id;
	if (store_inbox(app->store, keys, 1, after, (size_t)limit, &recs, &n, &next, &se) !=
	    STORE_OK) {
		log_error("api: inbox: %s", se.msg);
		api_error(rp, 503, "store unavailable");
		return;
	}
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, api_record(&recs[i]));
	store_records_free(recs, n);
	reply_json(rp, 200, json_pack("{s:o, s:I, s:s}", "records", list, "next",
	    (json_int_t)next, "key_id", who.key_id));
}

void
api_ack(struct app *app, int arg, const struct app_request *rq, struct app_reply *rp)
{
	const char *ids[STORE_ACK_MAX], *keys[1];
	struct api_caller who;
	struct store_err se;
	json_error_t je;
	json_t *doc, *arr, *v;
	uint64_t deleted = 0;
	size_t i, n = 0;

	if (app == NULL || app->store == NULL) {
		api_error(rp, 503, "no store");
		return;
	}
	if (api_authenticate(app, rq, 1, &who, rp) == -1)
		return;
	if (who.role == KEYS_ROLE_PRIVACY) {
		api_error(rp, 403, "a privacy key reads counts only");
		return;
	}
	doc = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
	arr = json_object_get(doc, "ids");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > STORE_ACK_MAX || json_object_size(doc) != 1) {
		json_decref(doc);
		api_error(rp, 400, "expected {\"ids\":[...]} with 1 to 1000 record ids");
		return;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || !recid_valid(json_string_value(v))) {
			json_decref(doc);
			api_error(rp, 400, "ids must be record ids");
			return;
		}
		ids[n++] = json_string_value(v);
	}
	keys[0] = who.key_id;
	/* durable before the reply: store_ack returns only once committed */
	if (store_ack(app->store, keys, 1, ids, n, &deleted, &se) != STORE_OK) {
		json_decref(doc);
		log_error("api: ack: %s", se.msg);
		api_error(rp, 503, "store unavailable");
		return;
	}
	json_decref(doc);
	reply_json(rp, 200, json_pack("{s:I}", "deleted", (json_int_t)deleted));
}
