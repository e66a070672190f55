/*
 * showroom list: the open items in the back-office store (pulled, not yet acknowledged),
 * opened in memory and shown as a table. This is the operator's own view of the data on
 * their own machine; nothing is written anywhere else.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/log.h"
#include "lib/prefecture.h"
#include "seal/record.h"
#include "showroom/office/bo.h"
#include "showroom/commands.h"

static void
list_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom list --identity PREFIX --keyring FILE --root-pub FILE\n"
	    "                     [--kind catalog|test_drive|all] [--set-aside] [--store DIR]\n"
	    "                     [--config FILE]\n"
	    "\n"
	    "Shows the open items of the identity (pulled and not yet acknowledged) as a\n"
	    "table: catalog requests (id, received, status new, exported or set aside,\n"
	    "models, prefecture, name) or test drives and cancellations (id, slot, dealer,\n"
	    "model, status, name). Records are opened in memory only. A record that does\n"
	    "not open is reported (REFUSED) with its id. Appends an \"open\" entry to the\n"
	    "audit log.\n"
	    "\n"
	    "  --kind KIND      catalog, test_drive or all (default: all)\n"
	    "  --set-aside      only the catalog requests an export set aside\n"
	    BO_COMMON_HELP "\n" BO_EXIT_HELP);
}

static const char *
list_str(json_t *doc, const char *name)
{
	json_t *v = json_object_get(doc, name);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void
list_catalog_row(const struct bostore_rec *r, json_t *doc)
{
	char when[17], models[256];
	json_t *m;
	size_t i;
	int pref;
	const char *pn;

	jtime_datetime((time_t)r->created, when);
	models[0] = '\0';
	json_array_foreach(json_object_get(doc, RECORD_F_MODELS), i, m)
		snprintf(models + strlen(models), sizeof(models) - strlen(models), "%s%s",
		    i ? "," : "", json_is_string(m) ? json_string_value(m) : "?");
	pref = atoi(list_str(doc, RECORD_F_PREFECTURE));
	pn = prefecture_name(pref, LANG_JA);
	bo_cell(stdout, r->id, 28);
	bo_cell(stdout, when, 18);
	bo_cell(stdout, r->exported_at ? "exported" : r->aside_at ? "set aside" : "new", 10);
	bo_cell(stdout, models, 24);
	bo_cell(stdout, pn != NULL ? pn : "?", 10);
	bo_cell(stdout, list_str(doc, RECORD_F_NAME), 24);
	fputc('\n', stdout);
}

static void
list_booking_row(const struct bostore_rec *r, json_t *doc)
{
	int cancel = strcmp(r->kind, "cancellation") == 0;

	bo_cell(stdout, r->id, 28);
	bo_cell(stdout, list_str(doc, RECORD_F_SLOT), 18);
	bo_cell(stdout, list_str(doc, RECORD_F_DEALER), 20);
	bo_cell(stdout, list_str(doc, RECORD_F_MODEL), 12);
	bo_cell(stdout, cancel ? "CANCELLATION" : (r->exported_at ? "exported" : "booked"), 13);
	if (cancel) {
		fputs("cancels ", stdout);
		bo_cell(stdout, list_str(doc, RECORD_F_BOOKING), 28);
	} else
		bo_cell(stdout, list_str(doc, RECORD_F_NAME), 24);
	fputc('\n', stdout);
}

int
cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "kind", required_argument, NULL, 'k' },
		{ "set-aside", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bostore_rec *recs = NULL;
	struct bo_opts o;
	struct bo b;
	const char *kind = "all";
	char err[512];
	size_t n = 0, i, ncat = 0, nbook = 0, naside = 0, refused = 0;
	json_t *doc;
	int ch, rc, header_cat = 0, header_book = 0, aside = 0;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) != -1) {
		if (ch == 'k') {
			kind = optarg;
			continue;
		}
		if (ch == 'A') {
			aside = 1;	/* only catalog requests ever are */
			continue;
		}
		return bo_usage(list_usage, ch);
	}
	if (optind != argc || (strcmp(kind, "all") != 0 && strcmp(kind, "catalog") != 0 &&
	    strcmp(kind, "test_drive") != 0)) {
		list_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) != 0)
		goto out;
	if (bostore_list(b.db, b.id.pub.key_id, NULL, aside ? BOSTORE_SET_ASIDE : BOSTORE_OPEN,
	    &recs, &n, err, sizeof(err)) == -1) {
		log_error("%s", err);
		rc = BO_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		int cat = strcmp(recs[i].kind, "catalog_request") == 0;

		if ((cat && strcmp(kind, "test_drive") == 0) ||
		    (!cat && strcmp(kind, "catalog") == 0))
			continue;
		if (bo_open_record(&b, &recs[i], &doc, err, sizeof(err)) == -1) {
			log_error("REFUSED: %s", err);
			refused++;
			continue;
		}
		if (cat && !header_cat++)
			printf("%-28s%-18s%-10s%-24s%-10s%s\n", "ID", "RECEIVED (JST)", "STATUS",
			    "MODELS", "PREF", "NAME");
		if (!cat && !header_book++)
			printf("%-28s%-18s%-20s%-12s%-13s%s\n", "ID", "SLOT (JST)", "DEALER",
			    "MODEL", "STATUS", "NAME");
		if (cat) {
			list_catalog_row(&recs[i], doc);
			ncat++;
			if (!recs[i].exported_at && recs[i].aside_at)
				naside++;
		} else {
			list_booking_row(&recs[i], doc);
			nbook++;
		}
		json_decref(doc);
	}
	printf("%zu open catalog request%s, %zu open booking record%s\n", ncat,
	    ncat == 1 ? "" : "s", nbook, nbook == 1 ? "" : "s");
	if (naside > 0)
		printf("%zu set aside by an export that could not carry %s: export %s with "
		    "--set-aside --format csv\n", naside, naside == 1 ? "it" : "them",
		    naside == 1 ? "it" : "them");
	{
		const struct audit_count cnt[] = {
			{ "opened", (int64_t)(ncat + nbook) }, { "refused", (int64_t)refused },
		};
		if (bo_audit(&b, "open", cnt, 2, NULL, "list", NULL) == -1)
			rc = BO_EXIT_FAIL;
	}
	if (refused > 0) {
		log_error("%zu record%s REFUSED: tampered with or undecryptable (ids above)",
		    refused, refused == 1 ? "" : "s");
		rc = BO_EXIT_REFUSED;
	}
out:
	bostore_recs_free(recs, n);
	bo_done(&b);
	return rc;
}
