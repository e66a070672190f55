/*
 * showroom bookings confirm|decline: a dealer's decision on its bookings, through the
 * signed API. The visitor's receipt then shows it; a decline carries a reason code from
 * a short fixed list (no free text: nothing personal goes back to the web tier) and
 * frees the place. Appends a "decide" entry to the audit log.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "showroom/office/bo.h"
#include "showroom/office/client.h"
#include "showroom/commands.h"

/* The server's list (store_reasons); it refuses any other. */
#define DECIDE_REASONS	"closed, car_unavailable, staff_unavailable, other"

void
decide_usage(FILE *f)
{
	fprintf(f,
	    "confirm and decline tell the server the dealer's decision on bookings (record\n"
	    "ids, as list and slots show them; a dealer key, its own bookings only). The\n"
	    "visitor's receipt shows it; a decline frees the place and shows the reason:\n"
	    "\n"
	    "  --reason CODE    " DECIDE_REASONS "\n"
	    "\n");
}

static json_t *
decide_body(const struct bo *b, char **ids, int nids, const char *reason)
{
	json_t *doc, *arr = json_array();
	int i;

	for (i = 0; arr != NULL && i < nids; i++)
		json_array_append_new(arr, json_string(ids[i]));
	doc = json_pack("{s:s, s:o}", "dealer", b->id.pub.dealer, "ids", arr);
	if (doc != NULL && reason != NULL)
		json_object_set_new(doc, "reason", json_string(reason));
	return doc;
}

/* Prints each result; the number that failed. */
static int
decide_print(json_t *doc)
{
	json_t *r, *e;
	size_t i;
	int bad = 0;

	json_array_foreach(json_object_get(doc, "results"), i, r) {
		e = json_object_get(r, "error");
		if (e != NULL) {
			log_error("booking %s: %s", json_string_value(json_object_get(r, "id")),
			    json_string_value(e));
			bad++;
			continue;
		}
		printf("%s  %s%s%s\n", json_string_value(json_object_get(r, "id")),
		    json_string_value(json_object_get(r, "status")),
		    json_object_get(r, "reason") ? "  " : "",
		    json_object_get(r, "reason") ?
		    json_string_value(json_object_get(r, "reason")) : "");
	}
	return bad;
}

int
bo_decide(struct bo *b, const char *op, char **ids, int nids, const char *reason,
    json_t **results)
{
	struct client_reply rep;
	struct client *c = NULL;
	json_error_t je;
	json_t *doc, *r;
	char err[512], path[64], *text;
	size_t i;
	int rc, bad = 0;

	*results = NULL;
	if (b->id.pub.role != KEYS_ROLE_DEALER) {
		bo_error(b, "bookings %s: %s is not a dealer key", op, b->id.pub.key_id);
		return EXIT_USAGE;
	}
	doc = decide_body(b, ids, nids, reason);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL) {
		bo_error(b, "out of memory");
		return BO_EXIT_FAIL;
	}
	if ((rc = client_new(b->server, &b->id, &c, err, sizeof(err))) != CLIENT_OK) {
		bo_error(b, "%s", err);
		free(text);
		return rc == CLIENT_E_USAGE ? EXIT_USAGE : BO_EXIT_FAIL;
	}
	snprintf(path, sizeof(path), "/api/v1/bookings/%s", op);
	rc = client_post_json(c, path, text, strlen(text), &rep, err, sizeof(err));
	free(text);
	client_free(c);
	if (rc != CLIENT_OK) {
		bo_error(b, "%s", err);
		return rc == CLIENT_E_CONNECT ? BO_EXIT_UNREACHABLE : BO_EXIT_FAIL;
	}
	doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
	client_reply_free(&rep);
	if (!json_is_array(json_object_get(doc, "results"))) {
		json_decref(doc);
		bo_error(b, "the server's reply is malformed");
		return BO_EXIT_FAIL;
	}
	/* what the server accepted, for the office's pages (the server keeps the truth) */
	json_array_foreach(json_object_get(doc, "results"), i, r) {
		const char *id = json_string_value(json_object_get(r, "id"));
		const char *st = json_string_value(json_object_get(r, "status"));

		if (json_object_get(r, "error") != NULL || id == NULL || st == NULL) {
			bad++;
			continue;
		}
		if (b->db != NULL && bostore_decide(b->db, id, st, json_string_value(
		    json_object_get(r, "reason")), err, sizeof(err)) == -1)
			bo_warn(b, "%s", err);
	}
	*results = doc;
	{
		const struct audit_count cnt[] = {
			{ strcmp(op, "confirm") == 0 ? "confirmed" : "declined",
			    (int64_t)(nids - bad) },
			{ "refused", (int64_t)bad },
		};
		if (bo_audit(b, "decide", cnt, 2, NULL, NULL, NULL) == -1)
			return BO_EXIT_FAIL;
	}
	return bad > 0 ? BO_EXIT_FAIL : 0;
}

static int
decide_run(struct bo *b, const char *op, char **ids, int nids, const char *reason)
{
	json_t *doc = NULL;
	int rc = bo_decide(b, op, ids, nids, reason, &doc);

	if (doc != NULL)
		decide_print(doc);
	json_decref(doc);
	return rc;
}

int
cmd_bookings_decide(int argc, char **argv, void (*usage)(FILE *))
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *op = argv[0], *reason = NULL;
	struct bo_opts o;
	struct bo b;
	int ch, rc, decline = strcmp(op, "decline") == 0;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) != -1) {
		if (ch == 'r') {
			reason = optarg;
			continue;
		}
		return bo_usage(usage, ch);
	}
	if (optind >= argc || (reason != NULL) != decline) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) == 0)
		rc = decide_run(&b, op, argv + optind, argc - optind, reason);
	bo_done(&b);
	return rc;
}
