/*
 * showroom pull: downloads the records sealed to our key into the back-office store.
 * Each record's recipient key id is checked against our key and the verified keyring,
 * and each is opened once in memory (then wiped) so that a record that does not open is
 * refused now, loudly, rather than found at export time. Records are stored sealed.
 */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "seal/record.h"
#include "showroom/office/bo.h"
#include "showroom/office/client.h"
#include "lib/text.h"
#include "showroom/commands.h"
#include "showroom/office/inbox.h"

#define PULL_PAGE	500
#define PULL_KEY_SHOWN	160	/* bytes of a key id from the server shown, escaped */

static void
pull_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom pull --identity PREFIX --server URL --keyring FILE --root-pub FILE\n"
	    "                     [--max-pages N] [--store DIR] [--config FILE]\n"
	    "\n"
	    "Downloads new records sealed to the identity's key into the local back-office\n"
	    "store (DIR/backoffice.db). Records stay sealed at rest. Every record's recipient\n"
	    "key id is checked against our key and the keyring pinned by --root-pub: a\n"
	    "mismatch is reported as MISMATCH and the record is not stored; a record that\n"
	    "does not open is reported as REFUSED and not stored. A progress bar is shown\n"
	    "when stderr is a terminal. Appends a \"pull\" entry to the audit log.\n"
	    "Pull stops after --max-pages pages of 500, and at a page that adds nothing\n"
	    "new; the cursor is saved, so the next pull goes on from there.\n"
	    "\n"
	    "  --max-pages N    pages per run (default %d, at most %d)\n"
	    "\n" BO_COMMON_HELP "\n" BO_EXIT_HELP, BO_PULL_MAX_PAGES, BO_PULL_PAGES_CAP);
}

/* The recipient must be our key, and our key in the verified keyring. The key id is
 * the server's text: shown escaped. */
static int
pull_recipient_ok(struct bo *b, const struct bostore_rec *r)
{
	char key[PULL_KEY_SHOWN];

	if (strcmp(r->key_id, b->id.pub.key_id) != 0) {
		bo_error(b, "MISMATCH: record %s: recipient key id %s is not ours (%s); "
		    "not stored", r->id, text_printable(r->key_id, strlen(r->key_id), key,
		    sizeof(key)), b->id.pub.key_id);
		return 0;
	}
	if (keys_keyring_find(&b->kr, r->key_id) == NULL) {
		bo_error(b, "MISMATCH: record %s: recipient key id %s is not in the keyring; "
		    "not stored", r->id, text_printable(r->key_id, strlen(r->key_id), key,
		    sizeof(key)));
		return 0;
	}
	return 1;
}

/* Opens R once in memory: ours, intact, and (for a dealer) about our dealer only. A
 * cancellation comes without its slot in the clear: it takes its booking's, from inside,
 * so that the office finds it by day (the booking's slot is in the clear already). */
static int
pull_check_opens(struct bo *b, struct bostore_rec *r)
{
	char err[256];
	json_t *doc, *d;
	int ok = 1;

	if (bo_open_record(b, r, &doc, err, sizeof(err)) == -1) {
		bo_error(b, "REFUSED: %s; not stored", err);
		return 0;
	}
	if (b->id.pub.role == KEYS_ROLE_DEALER) {
		d = json_object_get(doc, RECORD_F_DEALER);
		if (!json_is_string(d) || strcmp(json_string_value(d), b->id.pub.dealer) != 0 ||
		    (r->slot_dealer[0] != '\0' && strcmp(r->slot_dealer, b->id.pub.dealer) != 0)) {
			bo_error(b, "MISMATCH: record %s is for another dealer than %s; not stored",
			    r->id, b->id.pub.dealer);
			ok = 0;
		}
		if (ok && strcmp(r->kind, "cancellation") == 0 && r->slot_start[0] == '\0')
			bo_slot_from(r, doc);
	} else if (strcmp(r->kind, "catalog_request") != 0) {
		bo_error(b, "MISMATCH: record %s: a %s sealed to an hq key; not stored", r->id,
		    r->kind);
		ok = 0;
	}
	json_decref(doc);
	return ok;
}

static int
pull_page(struct bo *b, json_t *records, int64_t next, struct bo_pull_stats *ps, size_t page)
{
	struct bostore_rec r;
	char err[512], what[64];
	size_t i, n = json_array_size(records);
	int added;

	if (bostore_begin(b->db, err, sizeof(err)) == -1)
		goto fail;
	snprintf(what, sizeof(what), "pulling (page %zu)", page);
	for (i = 0; i < n; i++) {
		bo_progress(what, i, n);
		ps->received++;
		if (inbox_record_parse(json_array_get(records, i), &r) == -1) {
			bo_error(b, "REFUSED: record %zu of page %zu is malformed; not stored", i + 1,
			    page);
			ps->refused++;
			free(r.ct);
			continue;
		}
		if (!pull_recipient_ok(b, &r))
			ps->mismatch++;
		else if (!pull_check_opens(b, &r))
			ps->refused++;
		else {
			r.pulled_at = (int64_t)time(NULL);
			if (bostore_put(b->db, &r, &added, err, sizeof(err)) == -1) {
				free(r.ct);
				goto fail_tx;
			}
			if (added) {
				ps->added++;
				ps->kinds[inbox_kind_index(r.kind)]++;
			} else
				ps->duplicate++;
		}
		free(r.ct);
	}
	bo_progress(what, n, n);
	if (bostore_cursor_set(b->db, b->id.pub.key_id, next, err, sizeof(err)) == -1 ||
	    bostore_commit(b->db, err, sizeof(err)) == -1)
		goto fail_tx;
	return 0;
fail_tx:
	bostore_rollback(b->db);
fail:
	bo_error(b, "%s", err);
	return -1;
}

static int
pull_run(struct bo *b, struct client *c, struct bo_pull_stats *ps, size_t max_pages)
{
	struct client_reply rep;
	struct bo_pull_stats was;
	json_error_t je;
	json_t *doc, *recs, *next, *key;
	char err[512], query[96], shown[PULL_KEY_SHOWN];
	int64_t after;
	size_t page = 0;
	int rc, more = 1;

	if (bostore_cursor_get(b->db, b->id.pub.key_id, &after, err, sizeof(err)) == -1) {
		bo_error(b, "%s", err);
		return BO_EXIT_FAIL;
	}
	while (more) {
		snprintf(query, sizeof(query), "after=%lld&limit=%d", (long long)after, PULL_PAGE);
		if ((rc = client_get(c, "/api/v1/inbox", query, &rep, err, sizeof(err))) !=
		    CLIENT_OK) {
			bo_error(b, "%s", err);
			return rc == CLIENT_E_CONNECT ? BO_EXIT_UNREACHABLE : BO_EXIT_FAIL;
		}
		doc = json_loadb(rep.body.data, rep.body.len, JSON_REJECT_DUPLICATES, &je);
		client_reply_free(&rep);
		recs = json_object_get(doc, "records");
		next = json_object_get(doc, "next");
		key = json_object_get(doc, "key_id");
		if (!json_is_array(recs) || !json_is_integer(next) || !json_is_string(key) ||
		    json_integer_value(next) < after) {
			json_decref(doc);
			bo_error(b, "the server's inbox reply is malformed");
			return BO_EXIT_FAIL;
		}
		if (strcmp(json_string_value(key), b->id.pub.key_id) != 0) {
			bo_error(b, "MISMATCH: the server answered for key %s, we are %s",
			    text_printable(json_string_value(key), json_string_length(key), shown,
			    sizeof(shown)), b->id.pub.key_id);
			json_decref(doc);
			return BO_EXIT_REFUSED;
		}
		more = json_array_size(recs) == PULL_PAGE && json_integer_value(next) > after;
		was = *ps;
		rc = json_array_size(recs) > 0 ? pull_page(b, recs, json_integer_value(next), ps,
		    ++page) : 0;
		after = json_integer_value(next);
		json_decref(doc);
		if (rc == -1)
			return BO_EXIT_FAIL;
		if (more && ps->added == was.added) {
			/* the same records again and again, with a cursor that moves on */
			if (ps->duplicate - was.duplicate == ps->received - was.received) {
				bo_error(b, "page %zu of the server's inbox held only records "
				    "already pulled (%zu); stopped. The cursor is saved: pull "
				    "again to go on", page, ps->received - was.received);
				return BO_EXIT_FAIL;
			}
			/* all refused: reported, and the exit code says so */
			bo_warn(b, "page %zu of the server's inbox added nothing new; stopped. "
			    "The cursor is saved: pull again to go on", page);
			return 0;
		}
		if (more && page == max_pages) {
			bo_warn(b, "stopped after %zu pages (--max-pages); the cursor is saved: "
			    "pull again for the rest", page);
			return 0;
		}
	}
	return 0;
}

int
bo_pull(struct bo *b, size_t max_pages, struct bo_pull_stats *ps)
{
	struct client *c = NULL;
	char err[512];
	int rc;

	memset(ps, 0, sizeof(*ps));
	if ((rc = client_new(b->server, &b->id, &c, err, sizeof(err))) != CLIENT_OK) {
		bo_error(b, "%s", err);
		return rc == CLIENT_E_USAGE ? EXIT_USAGE : BO_EXIT_FAIL;
	}
	rc = pull_run(b, c, ps, max_pages > 0 ? max_pages : BO_PULL_MAX_PAGES);
	client_free(c);
	if (ps->received > 0 || rc == 0) {
		const struct audit_count cnt[] = {
			{ "received", (int64_t)ps->received }, { "stored", (int64_t)ps->added },
			{ "duplicate", (int64_t)ps->duplicate },
			{ "mismatch", (int64_t)ps->mismatch }, { "refused", (int64_t)ps->refused },
			{ "catalog_request", (int64_t)ps->kinds[0] },
			{ "test_drive", (int64_t)ps->kinds[1] },
			{ "cancellation", (int64_t)ps->kinds[2] },
		};
		if (bo_audit(b, "pull", cnt, sizeof(cnt) / sizeof(cnt[0]), NULL, NULL, NULL) ==
		    -1 && rc == 0)
			rc = BO_EXIT_FAIL;
	}
	if (ps->mismatch + ps->refused > 0) {
		bo_error(b, "%zu record%s REFUSED (%zu key id mismatch, %zu do not open or are "
		    "malformed)", ps->mismatch + ps->refused,
		    ps->mismatch + ps->refused == 1 ? "" : "s", ps->mismatch, ps->refused);
		if (rc == 0)
			rc = BO_EXIT_REFUSED;
	}
	return rc;
}

int
cmd_pull(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "max-pages", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bo_pull_stats ps;
	struct bo_opts o;
	struct bo b;
	char *end;
	size_t max_pages = BO_PULL_MAX_PAGES;
	long long v;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	memset(&ps, 0, sizeof(ps));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) == 'm') {
		v = strtoll(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || v < 1 || v > BO_PULL_PAGES_CAP) {
			log_error("--max-pages takes a number of pages, 1 to %d", BO_PULL_PAGES_CAP);
			return EXIT_USAGE;
		}
		max_pages = (size_t)v;
	}
	if (ch != -1)
		return bo_usage(pull_usage, ch);
	if (optind != argc)
		return bo_usage(pull_usage, 0);
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) != 0)
		goto out;
	rc = bo_pull(&b, max_pages, &ps);
	if (rc == 0 || ps.received > 0)
		printf("pulled %zu new record%s for %s (catalog requests %zu, test drives %zu, "
		    "cancellations %zu)\n", ps.added, ps.added == 1 ? "" : "s", b.id.pub.key_id,
		    ps.kinds[0], ps.kinds[1], ps.kinds[2]);
out:
	bo_done(&b);
	return rc;
}
