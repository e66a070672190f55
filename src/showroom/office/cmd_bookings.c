/*
 * showroom bookings: a dealer's test-drive bookings from the back-office store, opened
 * in memory: a day list on the terminal, or a CSV or iCalendar file (bookings_fmt).
 * Cancellations are shown as cancellations. All or nothing: a record that does not open
 * is named and nothing is written. A file written is an export: its records count as
 * exported (ack acknowledges them) and purge removes it after the retention period.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "lib/sha256file.h"
#include "seal/record.h"
#include "showroom/office/bo.h"
#include "showroom/office/bookings_fmt.h"
#include "showroom/office/client.h"
#include "showroom/commands.h"

#define BOOKINGS_DEFAULT_MINUTES	60


static void
bookings_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom bookings --identity PREFIX --keyring FILE --root-pub FILE\n"
	    "                         [--date YYYY-MM-DD | --all-days] [--format list|csv|ics]\n"
	    "                         [--out PATH] [--lang ja|en] [--server URL] [--store DIR]\n"
	    "                         [--config FILE]\n"
	    "       showroom bookings confirm ID... --identity PREFIX --server URL [...]\n"
	    "       showroom bookings decline ID... --reason CODE --identity PREFIX\n"
	    "                         --server URL [...]\n"
	    "\n"
	    "Shows the test drives booked at the identity's dealer, as pulled into the\n"
	    "back-office store: a day list (default: today in Japan), or with --format csv\n"
	    "or ics a CSV or iCalendar (RFC 5545) file. Cancelled bookings are shown as\n"
	    "cancelled. Dealer and model names come from the server's public catalog when\n"
	    "--server is reachable, else their codes are shown. A file is mode 0600; its\n"
	    "records then count as exported (ack acknowledges them). Appends \"open\" (and\n"
	    "\"export\" for a file) entries to the audit log.\n"
	    "\n"
	    "  --date D         the day to show (default: today, JST)\n"
	    "  --all-days       every day in the store\n"
	    "  --format F       list (default), csv or ics\n"
	    "  --out PATH       write the CSV or calendar to PATH (default: standard output)\n"
	    "  --lang L         ja (default) or en labels\n"
	    "\n");
	decide_usage(f);
	fprintf(f, BO_COMMON_HELP "\n" BO_EXIT_HELP);
}

static const char *
bk_str(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The public catalog: {"models":[{code,name{ja,en}}], "dealers":[{code,name,slot_minutes}]} */
json_t *
bo_catalog_fetch(struct bo *b)
{
	struct client_reply rep;
	struct client *c = NULL;
	json_error_t je;
	json_t *cat = NULL;
	char err[512];

	if (b->server == NULL || client_new(b->server, NULL, &c, err, sizeof(err)) != CLIENT_OK)
		return NULL;
	if (client_get(c, "/api/v1/catalog.json", NULL, &rep, err, sizeof(err)) == CLIENT_OK) {
		cat = json_loadb(rep.body.data, rep.body.len, 0, &je);
		client_reply_free(&rep);
	} else
		log_warn("no dealer and model names: %s", err);
	client_free(c);
	return cat;
}

static json_t *
bk_find(const json_t *catalog, const char *list, const char *code)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(catalog, list), i, e)
		if (code != NULL && bk_str(e, "code") != NULL &&
		    strcmp(bk_str(e, "code"), code) == 0)
			return e;
	return NULL;
}

void
bo_booking_fill(const json_t *catalog, enum lang lang, const struct bostore_rec *r,
    json_t *doc, struct booking *v)
{
	json_t *d, *m, *mins;
	const char *lc = lang == LANG_EN ? "en" : "ja";

	memset(v, 0, sizeof(*v));
	v->record_id = r->id;
	v->kind = r->kind;
	v->dealer = bk_str(doc, RECORD_F_DEALER);
	v->model = bk_str(doc, RECORD_F_MODEL);
	v->slot = bk_str(doc, RECORD_F_SLOT);
	v->name = bk_str(doc, RECORD_F_NAME);
	v->phone = bk_str(doc, RECORD_F_PHONE);
	v->email = bk_str(doc, RECORD_F_EMAIL);
	v->note = bk_str(doc, RECORD_F_NOTE);
	v->cancels = bk_str(doc, RECORD_F_BOOKING);
	v->slot_minutes = BOOKINGS_DEFAULT_MINUTES;
	if ((d = bk_find(catalog, "dealers", v->dealer)) != NULL) {
		v->dealer_name = bk_str(json_object_get(d, "name"), lc);
		mins = json_object_get(d, "slot_minutes");
		if (json_is_integer(mins) && json_integer_value(mins) > 0 &&
		    json_integer_value(mins) <= BOOKINGS_MAX_MINUTES)
			v->slot_minutes = (int)json_integer_value(mins);
	}
	if ((m = bk_find(catalog, "models", v->model)) != NULL)
		v->model_name = bk_str(json_object_get(m, "name"), lc);
}

static int
bk_open_all(struct bo *b, struct bo_bookings *j, size_t *np)
{
	char err[256];
	size_t i, k = 0, refused = 0;

	if ((j->docs = calloc(j->nrecs + 1, sizeof(*j->docs))) == NULL ||
	    (j->v = calloc(j->nrecs + 1, sizeof(*j->v))) == NULL) {
		bo_error(b, "out of memory");
		return BO_EXIT_FAIL;
	}
	for (i = 0; i < j->nrecs; i++) {
		if (strcmp(j->recs[i].kind, "catalog_request") == 0)
			continue;
		if (bo_open_record(b, &j->recs[i], &j->docs[i], err, sizeof(err)) == -1) {
			bo_error(b, "REFUSED: %s", err);
			refused++;
			continue;
		}
		bo_booking_fill(j->catalog, j->lang, &j->recs[i], j->docs[i], &j->v[k++]);
	}
	{
		const struct audit_count cnt[] = {
			{ "opened", (int64_t)k }, { "refused", (int64_t)refused },
		};
		if (bo_audit(b, "open", cnt, 2, NULL, "bookings", NULL) == -1)
			return BO_EXIT_FAIL;
	}
	if (refused > 0) {
		bo_error(b, "bookings refused: %zu record%s do%s not open (tampered with or "
		    "undecryptable); nothing was written", refused, refused == 1 ? "" : "s",
		    refused == 1 ? "es" : "");
		return BO_EXIT_REFUSED;
	}
	*np = k;
	return 0;
}

static int
bk_emit(const struct bo_bookings *j, FILE *f, size_t n, char *err, size_t errlen)
{
	if (strcmp(j->format, "csv") == 0)
		return bookings_csv(f, j->v, n, j->date, j->lang, err, errlen);
	if (strcmp(j->format, "ics") == 0)
		return bookings_ics(f, j->v, n, j->date, j->lang, 0, err, errlen);
	return bookings_day_list(f, j->v, n, j->date, j->lang, err, errlen);
}

/* The file's records become exported, and the file an export to purge later. */
static int
bk_record_export(struct bo *b, struct bo_bookings *j)
{
	char err[512], hex[SHA256_HEXLEN + 1];
	int64_t batch, now = (int64_t)time(NULL);
	size_t i;

	if (sha256_file_hex(j->out, hex) == -1) {
		bo_error(b, "%s: %s", j->out, strerror(errno));
		return BO_EXIT_FAIL;
	}
	if (bostore_begin(b->db, err, sizeof(err)) == -1)
		goto fail;
	if (bostore_batch_new(b->db, &batch, err, sizeof(err)) == -1)
		goto fail_tx;
	for (i = 0; i < j->nrecs; i++) {
		if (j->docs[i] == NULL)
			continue;
		if (j->date != NULL && (bk_str(j->docs[i], RECORD_F_SLOT) == NULL ||
		    strncmp(bk_str(j->docs[i], RECORD_F_SLOT), j->date, 10) != 0))
			continue;
		if (bostore_mark_exported(b->db, j->recs[i].id, batch, now, err, sizeof(err)) ==
		    -1)
			goto fail_tx;
	}
	if (bostore_export_add(b->db, batch, j->out, j->format, hex, now, err, sizeof(err)) ==
	    -1 || bostore_commit(b->db, err, sizeof(err)) == -1)
		goto fail_tx;
	{
		const struct audit_count cnt[] = { { "records", (int64_t)j->nrecs } };
		if (bo_audit(b, "export", cnt, 1, j->out, j->format, NULL) == -1)
			return BO_EXIT_FAIL;
	}
	printf("%s  %s\n", hex, j->out);
	return 0;
fail_tx:
	bostore_rollback(b->db);
fail:
	bo_error(b, "%s", err);
	return BO_EXIT_FAIL;
}

static int
bk_write(struct bo *b, struct bo_bookings *j, size_t n)
{
	char err[512];
	FILE *f;
	int rc;

	if (j->out == NULL) {
		if (bk_emit(j, stdout, n, err, sizeof(err)) == -1) {
			bo_error(b, "bookings: %s", err);
			return BO_EXIT_FAIL;
		}
		return 0;
	}
	(void)unlink(j->out);	/* a fresh file, 0600 by our umask */
	if ((f = fopen(j->out, "wx")) == NULL) {
		bo_error(b, "%s: %s", j->out, strerror(errno));
		return BO_EXIT_FAIL;
	}
	rc = bk_emit(j, f, n, err, sizeof(err));
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == -1) {
		bo_error(b, "bookings: %s: %s; nothing was written", j->out, err);
		unlink(j->out);
		return BO_EXIT_FAIL;
	}
	return bk_record_export(b, j);
}

int
bo_bookings(struct bo *b, struct bo_bookings *j)
{
	char err[512], today[11];
	size_t n;
	int rc;

	if (j->date == NULL) {
		jtime_date(time(NULL), 0, today);
		j->date = today;
	} else if (strcmp(j->date, "all") == 0)
		j->date = NULL;
	if (bostore_list(b->db, b->id.pub.key_id, NULL, BOSTORE_ALL, &j->recs, &j->nrecs, err,
	    sizeof(err)) == -1) {
		bo_error(b, "%s", err);
		return BO_EXIT_FAIL;
	}
	if (j->catalog == NULL)
		j->catalog = bo_catalog_fetch(b);
	if ((rc = bk_open_all(b, j, &n)) != 0)
		return rc;
	return bk_write(b, j, n);
}

void
bo_bookings_free(struct bo_bookings *j)
{
	size_t i;

	for (i = 0; j->docs != NULL && i < j->nrecs; i++)
		json_decref(j->docs[i]);
	free(j->docs);
	free(j->v);
	json_decref(j->catalog);
	bostore_recs_free(j->recs, j->nrecs);
	j->docs = NULL;
	j->v = NULL;
	j->catalog = NULL;
	j->recs = NULL;
	j->nrecs = 0;
}

int
cmd_bookings(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "date", required_argument, NULL, 'd' },
		{ "all-days", no_argument, NULL, 'A' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bo_bookings j;
	struct bo_opts o;
	struct bo b;
	int ch, rc;

	if (argc > 1 && (strcmp(argv[1], "confirm") == 0 || strcmp(argv[1], "decline") == 0))
		return cmd_bookings_decide(argc - 1, argv + 1, bookings_usage);
	memset(&o, 0, sizeof(o));
	memset(&j, 0, sizeof(j));
	memset(&b, 0, sizeof(b));
	j.format = "list";
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "f:o:h", longopts)) != -1) {
		switch (ch) {
		case 'd': j.date = optarg; continue;
		case 'A': j.date = "all"; continue;
		case 'f': j.format = optarg; continue;
		case 'o': j.out = optarg; continue;
		case 'l':
			if (strcmp(optarg, "ja") == 0 || strcmp(optarg, "en") == 0) {
				j.lang = optarg[0] == 'e' ? LANG_EN : LANG_JA;
				continue;
			}
			break;
		default: break;
		}
		return bo_usage(bookings_usage, ch);
	}
	if (optind != argc || (strcmp(j.format, "list") != 0 && strcmp(j.format, "csv") != 0 &&
	    strcmp(j.format, "ics") != 0) || (j.out != NULL && strcmp(j.format, "list") == 0)) {
		bookings_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) == 0)
		rc = bo_bookings(&b, &j);
	bo_bookings_free(&j);
	bo_done(&b);
	return rc;
}
