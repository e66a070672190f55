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

#define ACK_MAX_IDS	1000	/* STORE_ACK_MAX on the server */
/* Requests stay this far under the server's body limit: headroom should the encoding
 * ever differ from what ack_plan measures (spacing, escapes). */
#define ACK_MARGIN	1024
#define ACK_MAX_BODY	(CLIENT_MAX_BODY - ACK_MARGIN)
#define ACK_BODY_FIXED	(sizeof("{\"ids\":[]}") - 1)

/* How one ack request ended. */
enum ack_outcome {
	ACK_DONE,	/* the server deleted the records and the store marks them */
	ACK_REFUSED,	/* the server answered an error: it deleted nothing */
	ACK_UNKNOWN,	/* no answer, or one we cannot read: it may have deleted them */
	ACK_UNMARKED	/* the server deleted them, the store could not mark them */
};

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
	    "Sends as many requests as it takes, each under the server's body limit; if\n"
	    "one fails, says which requests went through. Running ack again is safe.\n"
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

/* The encoded length of ID as a JSON string, or 0 when it cannot be encoded. */
static size_t
ack_id_len(const char *id)
{
	json_t *v = json_string(id);
	char *enc = v != NULL ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	size_t n = enc != NULL ? strlen(enc) : 0;

	free(enc);
	json_decref(v);
	return n;
}

/*
 * Splits IDS[0..n) into requests of at most ACK_MAX_IDS ids whose body, as ack_body
 * encodes it, is at most ACK_MAX_BODY bytes: the count alone is no bound, a request
 * of 1000 ids is some 29 KB. (*endsp)[k] is one past the last id of request k.
 */
static int
ack_plan(struct bo *b, char **ids, size_t n, size_t **endsp, size_t *nreqp)
{
	size_t *ends, i, k = 0, start = 0, len = 0, idlen;

	if ((ends = calloc(n, sizeof(*ends))) == NULL) {
		bo_error(b, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((idlen = ack_id_len(ids[i])) == 0 || ACK_BODY_FIXED + idlen > ACK_MAX_BODY) {
			bo_error(b, "record id %.64s cannot be sent to the server", ids[i]);
			free(ends);
			return -1;
		}
		if (i > start && (len + 1 + idlen > ACK_MAX_BODY || i - start == ACK_MAX_IDS)) {
			ends[k++] = i;
			start = i;
		}
		len = i == start ? ACK_BODY_FIXED + idlen : len + 1 + idlen;
	}
	ends[k++] = n;
	*endsp = ends;
	*nreqp = k;
	return 0;
}

/* {"ids":[...]} for IDS[0..n), checked against the server's limit. */
static char *
ack_body(char **ids, size_t n, char *err, size_t errlen)
{
	json_t *body, *arr;
	char *text;
	size_t i;

	if ((arr = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < n; i++)
		if (json_array_append_new(arr, json_string(ids[i])) == -1) {
			json_decref(arr);
			goto nomem;
		}
	body = json_pack("{s:o}", "ids", arr);
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		goto nomem;
	if (strlen(text) > ACK_MAX_BODY) {	/* ack_plan measured otherwise: a bug */
		snprintf(err, errlen, "an ack request of %zu bytes would pass the server's "
		    "limit", strlen(text));
		free(text);
		return NULL;
	}
	return text;
nomem:
	snprintf(err, errlen, "out of memory");
	return NULL;
}

/*
 * POSTs IDS[0..n); once the server has deleted them, marks them acknowledged in one
 * transaction, so that the store never holds half a request. *deleted gets the server's
 * count, *rc the exit code for a failure, err its reason.
 */
static enum ack_outcome
ack_request(struct bo *b, struct client *c, char **ids, size_t n, int64_t *deleted,
    int *rc, char *err, size_t errlen)
{
	struct client_reply rep;
	json_error_t je;
	json_t *doc, *d;
	char *text;
	size_t i;
	int st;

	*rc = BO_EXIT_FAIL;
	if ((text = ack_body(ids, n, err, errlen)) == NULL)
		return ACK_REFUSED;
	st = client_post_json(c, "/api/v1/ack", text, strlen(text), &rep, err, errlen);
	free(text);
	if (st != CLIENT_OK) {
		if (st == CLIENT_E_CONNECT)
			*rc = BO_EXIT_UNREACHABLE;
		/* an error status comes only from a server that deleted nothing */
		return st == CLIENT_E_HTTP || st == CLIENT_E_AUTH ? ACK_REFUSED : ACK_UNKNOWN;
	}
	doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
	client_reply_free(&rep);
	d = json_object_get(doc, "deleted");
	if (!json_is_integer(d)) {
		json_decref(doc);
		snprintf(err, errlen, "the server's ack reply is malformed");
		return ACK_UNKNOWN;
	}
	*deleted += json_integer_value(d);
	json_decref(doc);
	if (bostore_begin(b->db, err, errlen) == -1)
		return ACK_UNMARKED;
	for (i = 0; i < n; i++)
		if (bostore_mark_acked(b->db, b->id.pub.key_id, ids[i], (int64_t)time(NULL), err,
		    errlen) == -1)
			goto fail_tx;
	if (bostore_exports_settle(b->db, (int64_t)time(NULL), err, errlen) == -1 ||
	    bostore_commit(b->db, err, errlen) == -1)
		goto fail_tx;
	*rc = 0;
	return ACK_DONE;
fail_tx:
	bostore_rollback(b->db);
	return ACK_UNMARKED;
}

/* "request 2" or "requests 2-4" (1-based FROM to TO). */
static void
ack_span(char *out, size_t outlen, size_t from, size_t to)
{
	if (from == to)
		snprintf(out, outlen, "request %zu", from);
	else
		snprintf(out, outlen, "requests %zu-%zu", from, to);
}

/*
 * Says which requests went through when request K (0-based) of NREQ ended in OUT: the
 * first DONE of NIDS records are acknowledged, request K held KN records.
 */
static void
ack_report(struct bo *b, size_t k, size_t nreq, size_t done, size_t nids, size_t kn,
    enum ack_outcome out, const char *err)
{
	char ok[64], failed[64], rest[64];

	bo_error(b, "ack request %zu of %zu failed: %s", k + 1, nreq, err);
	ack_span(ok, sizeof(ok), 1, k);
	ack_span(failed, sizeof(failed), k + 1, nreq);
	ack_span(rest, sizeof(rest), k + 2, nreq);
	if (k == 0)
		bo_error(b, "nothing was acknowledged");
	else
		bo_error(b, "%s of %zu (%zu record%s) %s acknowledged: the server deleted them and "
		    "the store marks them", ok, nreq, done, done == 1 ? "" : "s",
		    k == 1 ? "was" : "were");
	switch (out) {
	case ACK_REFUSED:
		bo_error(b, "%s (%zu record%s) %s not: the server still holds them; acknowledge "
		    "again", failed, nids - done, nids - done == 1 ? "" : "s",
		    k + 1 == nreq ? "was" : "were");
		break;
	case ACK_UNKNOWN:
		bo_error(b, "request %zu (%zu record%s) may or may not have been deleted by the "
		    "server, and is not marked in the store; acknowledge again (ids the server no "
		    "longer holds are ignored)", k + 1, kn, kn == 1 ? "" : "s");
		break;
	default:
		bo_error(b, "request %zu (%zu record%s) was deleted by the server but could not be "
		    "marked in the store; acknowledge again to mark %s", k + 1, kn,
		    kn == 1 ? "" : "s", kn == 1 ? "it" : "them");
		break;
	}
	if (out != ACK_REFUSED && k + 1 < nreq)
		bo_error(b, "%s (%zu record%s) %s not sent", rest, nids - done - kn,
		    nids - done - kn == 1 ? "" : "s", k + 2 == nreq ? "was" : "were");
}

int
bo_ack(struct bo *b, char **ids, size_t nids, struct bo_ack_result *res)
{
	enum ack_outcome out;
	struct client *c = NULL;
	char err[512];
	size_t *ends = NULL, nreq = 0, k;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (nids == 0)
		return 0;
	if (ack_plan(b, ids, nids, &ends, &nreq) == -1)
		return BO_EXIT_FAIL;
	if ((rc = client_new(b->server, &b->id, &c, err, sizeof(err))) != CLIENT_OK) {
		bo_error(b, "%s", err);
		free(ends);
		return rc == CLIENT_E_USAGE ? EXIT_USAGE : BO_EXIT_FAIL;
	}
	res->nreq = nreq;
	for (k = 0; k < nreq; k++) {
		if ((out = ack_request(b, c, ids + res->done, ends[k] - res->done,
		    &res->deleted, &rc, err, sizeof(err))) != ACK_DONE) {
			ack_report(b, k, nreq, res->done, nids, ends[k] - res->done, out, err);
			break;
		}
		res->done = ends[k];
	}
	res->nreq_done = k;
	client_free(c);
	free(ends);
	if (res->done > 0) {
		const struct audit_count cnt[] = {
			{ "acked", (int64_t)res->done }, { "deleted", res->deleted },
		};
		if (bo_audit(b, "ack", cnt, 2, NULL, NULL, NULL) == -1 && rc == 0)
			rc = BO_EXIT_FAIL;
	}
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
	struct bo_ack_result res;
	struct bo_opts o;
	struct bo b;
	const char *list = NULL;
	char err[512], **ids = NULL;
	size_t n = 0, nids = 0, i;
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
	rc = bo_ack(&b, ids, nids, &res);
	if (res.nreq > 0) {	/* requests were sent */
		printf("acknowledged %zu record%s; the server deleted %lld", res.done,
		    res.done == 1 ? "" : "s", (long long)res.deleted);
		if (res.nreq > 1)
			printf(" (%zu of %zu requests done)", res.nreq_done, res.nreq);
		printf("\n");
	}
out:
	free(ids);
	bostore_recs_free(recs, n);
	bo_done(&b);
	return rc;
}
