/*
 * showroom ack: tells the server that records were handled, so that it deletes them.
 * By default every record that was exported (export, or bookings --out) and is not yet
 * acknowledged; --all acknowledges every pulled record; --ids names them.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "showroom/office/bo.h"
#include "showroom/office/client.h"
#include "showroom/commands.h"

#define ACK_BATCH	1000	/* STORE_ACK_MAX on the server */

static void
ack_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom ack --identity PREFIX --server URL --keyring FILE --root-pub FILE\n"
	    "                    [--all | --ids ID,ID,...] [--store DIR] [--config FILE]\n"
	    "\n"
	    "Acknowledges records to the server (POST /api/v1/ack), which then deletes them,\n"
	    "and marks them acknowledged in the back-office store (purge removes them\n"
	    "later). By default: every record exported and not yet acknowledged.\n"
	    "Appends an \"ack\" entry to the audit log.\n"
	    "\n"
	    "  --all            every pulled record not yet acknowledged, exported or not\n"
	    "  --ids LIST       these records (comma-separated ids, pulled by this key)\n"
	    BO_COMMON_HELP "\n" BO_EXIT_HELP);
}

/* Keeps the records of RECS named in LIST (comma-separated); -1 when one is unknown. */
static int
ack_pick(struct bostore_rec *recs, size_t n, const char *list, char ***idsp, size_t *np)
{
	char *copy, *tok, *save = NULL, **ids;
	size_t i, k = 0;
	int rc = 0, found;

	if ((copy = strdup(list)) == NULL || (ids = calloc(n + 1, sizeof(*ids))) == NULL) {
		free(copy);
		log_error("out of memory");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		for (found = 0, i = 0; i < n && !found; i++)
			if (strcmp(recs[i].id, tok) == 0) {
				found = 1;
				if (k < n)
					ids[k++] = recs[i].id;
			}
		if (!found) {
			log_error("record %s is not an open record of this key in the store", tok);
			rc = -1;
		}
	}
	free(copy);
	if (rc == -1) {
		free(ids);
		return -1;
	}
	*idsp = ids;
	*np = k;
	return 0;
}

/* POSTs one batch; *deleted gets the server's count. */
static int
ack_batch(struct bo *b, struct client *c, char **ids, size_t n, int64_t *deleted)
{
	struct client_reply rep;
	json_error_t je;
	json_t *body, *arr, *doc, *d;
	char *text, err[512];
	size_t i;
	int rc;

	if ((arr = json_array()) == NULL)
		return BO_EXIT_FAIL;
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(ids[i]));
	body = json_pack("{s:o}", "ids", arr);
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL) {
		bo_error(b, "out of memory");
		return BO_EXIT_FAIL;
	}
	rc = client_post_json(c, "/api/v1/ack", text, strlen(text), &rep, err, sizeof(err));
	free(text);
	if (rc != CLIENT_OK) {
		bo_error(b, "%s", err);
		return rc == CLIENT_E_CONNECT ? BO_EXIT_UNREACHABLE : BO_EXIT_FAIL;
	}
	doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
	client_reply_free(&rep);
	d = json_object_get(doc, "deleted");
	if (!json_is_integer(d)) {
		json_decref(doc);
		bo_error(b, "the server's ack reply is malformed");
		return BO_EXIT_FAIL;
	}
	*deleted += json_integer_value(d);
	json_decref(doc);
	if (bostore_begin(b->db, err, sizeof(err)) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (bostore_mark_acked(b->db, b->id.pub.key_id, ids[i], (int64_t)time(NULL), err,
		    sizeof(err)) == -1)
			goto fail_tx;
	if (bostore_exports_settle(b->db, (int64_t)time(NULL), err, sizeof(err)) == -1 ||
	    bostore_commit(b->db, err, sizeof(err)) == -1)
		goto fail_tx;
	return 0;
fail_tx:
	bostore_rollback(b->db);
fail:
	bo_error(b, "%s (the server has deleted the records; acknowledge again)", err);
	return BO_EXIT_FAIL;
}

int
bo_ack(struct bo *b, char **ids, size_t nids, size_t *donep, int64_t *deleted)
{
	struct client *c = NULL;
	char err[512];
	size_t done = 0;
	int rc;

	*donep = 0;
	*deleted = 0;
	if ((rc = client_new(b->server, &b->id, &c, err, sizeof(err))) != CLIENT_OK) {
		bo_error(b, "%s", err);
		return rc == CLIENT_E_USAGE ? EXIT_USAGE : BO_EXIT_FAIL;
	}
	for (rc = 0; done < nids && rc == 0; ) {
		size_t k = nids - done < ACK_BATCH ? nids - done : ACK_BATCH;

		if ((rc = ack_batch(b, c, ids + done, k, deleted)) == 0)
			done += k;
	}
	client_free(c);
	if (done > 0) {
		const struct audit_count cnt[] = {
			{ "acked", (int64_t)done }, { "deleted", *deleted },
		};
		if (bo_audit(b, "ack", cnt, 2, NULL, NULL, NULL) == -1 && rc == 0)
			rc = BO_EXIT_FAIL;
	}
	*donep = done;
	return rc;
}

int
cmd_ack(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "all", no_argument, NULL, 'a' },
		{ "ids", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bostore_rec *recs = NULL;
	struct bo_opts o;
	struct bo b;
	const char *list = NULL;
	char err[512], **ids = NULL;
	size_t n = 0, nids = 0, i, done = 0;
	int64_t deleted = 0;
	int ch, rc, all = 0;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) != -1) {
		if (ch == 'a' || ch == 'i') {
			if (ch == 'a')
				all = 1;
			else
				list = optarg;
			continue;
		}
		return bo_usage(ack_usage, ch);
	}
	if (optind != argc || (all && list != NULL)) {
		ack_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) != 0)
		goto out;
	if (bostore_list(b.db, b.id.pub.key_id, NULL, all || list ? BOSTORE_OPEN :
	    BOSTORE_EXPORTED_UNACKED, &recs, &n, err, sizeof(err)) == -1) {
		log_error("%s", err);
		rc = BO_EXIT_FAIL;
		goto out;
	}
	if (list != NULL) {
		if (ack_pick(recs, n, list, &ids, &nids) == -1) {
			rc = EXIT_USAGE;
			goto out;
		}
	} else {
		if ((ids = calloc(n + 1, sizeof(*ids))) == NULL) {
			log_error("out of memory");
			rc = BO_EXIT_FAIL;
			goto out;
		}
		for (i = 0; i < n; i++)
			ids[nids++] = recs[i].id;
	}
	if (nids == 0) {
		printf("nothing to acknowledge%s\n", all ? "" : " (export first, or --all)");
		goto out;
	}
	rc = bo_ack(&b, ids, nids, &done, &deleted);
	printf("acknowledged %zu record%s; the server deleted %lld\n", done,
	    done == 1 ? "" : "s", (long long)deleted);
out:
	free(ids);
	bostore_recs_free(recs, n);
	bo_done(&b);
	return rc;
}
