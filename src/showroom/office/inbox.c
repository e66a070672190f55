/* Decoding the server's inbox reply: one JSON record into a sealed local record. A pure
 * function over parsed JSON, fuzzed by fuzz/fuzz_inbox.c. */
#include "showroom/office/inbox.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
inbox_kind_index(const char *kind)
{
	if (strcmp(kind, "catalog_request") == 0)
		return 0;
	if (strcmp(kind, "test_drive") == 0)
		return 1;
	if (strcmp(kind, "cancellation") == 0)
		return 2;
	return -1;
}

static int
inbox_id_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return i > 0 && i < 64;
}

static int
inbox_b64(const char *s, unsigned char *out, size_t cap, size_t *len)
{
	return sodium_base642bin(out, cap, s, strlen(s), NULL, len, NULL,
	    sodium_base64_VARIANT_ORIGINAL);
}

static void
inbox_copy(char *dst, size_t dstlen, json_t *v)
{
	snprintf(dst, dstlen, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int
inbox_record_parse(json_t *o, struct bostore_rec *r)
{
	json_t *id = json_object_get(o, "id"), *kind = json_object_get(o, "kind");
	json_t *key = json_object_get(o, "key_id"), *cr = json_object_get(o, "created");
	json_t *enc = json_object_get(o, "enc"), *ct = json_object_get(o, "ct");
	json_t *slot = json_object_get(o, "slot");
	size_t n, cap;

	memset(r, 0, sizeof(*r));
	if (!json_is_string(id) || !inbox_id_valid(json_string_value(id)) ||
	    !json_is_string(kind) || inbox_kind_index(json_string_value(kind)) < 0 ||
	    !json_is_string(key) || strlen(json_string_value(key)) >= sizeof(r->key_id) ||
	    !json_is_integer(cr) || !json_is_string(enc) || !json_is_string(ct))
		return -1;
	snprintf(r->id, sizeof(r->id), "%s", json_string_value(id));
	snprintf(r->kind, sizeof(r->kind), "%s", json_string_value(kind));
	snprintf(r->key_id, sizeof(r->key_id), "%s", json_string_value(key));
	r->created = json_integer_value(cr);
	r->seq = json_integer_value(json_object_get(o, "seq"));
	if (inbox_b64(json_string_value(enc), r->enc, sizeof(r->enc), &n) != 0 ||
	    n != sizeof(r->enc))
		return -1;
	cap = strlen(json_string_value(ct)) / 4 * 3 + 3;
	if ((r->ct = malloc(cap)) == NULL ||
	    inbox_b64(json_string_value(ct), r->ct, cap, &r->ct_len) != 0 || r->ct_len < 16)
		return -1;
	if (json_is_object(slot)) {
		inbox_copy(r->slot_dealer, sizeof(r->slot_dealer), json_object_get(slot, "dealer"));
		inbox_copy(r->slot_model, sizeof(r->slot_model), json_object_get(slot, "model"));
		inbox_copy(r->slot_start, sizeof(r->slot_start), json_object_get(slot, "start"));
	}
	return 0;
}

