/* The privacy officer's counts from the server; see counts.h. */
#include "showroom/office/counts.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "showroom/office/client.h"

int
counts_fetch(struct bo *b, int days, json_t **docp)
{
	struct client_reply rep;
	struct client *c = NULL;
	json_error_t je;
	char err[512], query[32];
	int rc;

	*docp = NULL;
	if ((rc = client_new(b->server, &b->id, &c, err, sizeof(err))) != CLIENT_OK) {
		log_error("%s", err);
		return rc == CLIENT_E_USAGE ? EXIT_USAGE : BO_EXIT_FAIL;
	}
	snprintf(query, sizeof(query), "days=%d", days);
	rc = client_get(c, "/api/v1/counts", query, &rep, err, sizeof(err));
	client_free(c);
	if (rc != CLIENT_OK) {
		log_error("%s", err);
		return rc == CLIENT_E_CONNECT ? BO_EXIT_UNREACHABLE : BO_EXIT_FAIL;
	}
	*docp = json_loadb(rep.body.data, rep.body.len, JSON_REJECT_DUPLICATES, &je);
	client_reply_free(&rep);
	if (!json_is_array(json_object_get(*docp, "days")) ||
	    !json_is_array(json_object_get(*docp, "held"))) {
		json_decref(*docp);
		*docp = NULL;
		log_error("the server's counts are malformed");
		return BO_EXIT_FAIL;
	}
	return 0;
}

json_int_t
counts_sum(const json_t *counts, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = suffix != NULL ? strlen(suffix) : 0, kl;
	const char *k;
	json_t *v;
	json_int_t n = 0;

	json_object_foreach((json_t *)(uintptr_t)counts, k, v) {
		kl = strlen(k);
		if (strncmp(k, prefix, pl) == 0 && (suffix == NULL ||
		    (kl >= pl + sl && strcmp(k + kl - sl, suffix) == 0)))
			n += json_integer_value(v);
	}
	return n;
}

json_int_t
counts_total(const json_t *doc, const char *prefix, const char *suffix)
{
	json_int_t n = 0;
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(doc, "days"), i, d)
		n += counts_sum(json_object_get(d, "counts"), prefix, suffix);
	return n;
}

static int
counts_is(const json_t *o, const char *key, const char *want)
{
	const char *v = json_string_value(json_object_get(o, key));

	return want == NULL || (v != NULL && strcmp(v, want) == 0);
}

json_int_t
counts_held(const json_t *doc, const char *kind, const char *role, const char *dealer)
{
	json_int_t n = 0;
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(doc, "held"), i, h)
		if (counts_is(h, "kind", kind) && counts_is(h, "role", role) &&
		    counts_is(h, "dealer", dealer))
			n += json_integer_value(json_object_get(h, "records"));
	return n;
}

json_int_t
counts_ahead(const json_t *doc, const char *dealer)
{
	json_int_t n = 0;
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(doc, "bookings_ahead"), i, a)
		if (counts_is(a, "dealer", dealer))
			n += json_integer_value(json_object_get(a, "bookings"));
	return n;
}
