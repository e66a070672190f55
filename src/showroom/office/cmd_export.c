/*
 * showroom export: opens every open catalog request of the HQ identity in memory and
 * writes them for a carrier (Click Post, Yamato B2 Cloud), as plain CSV or as an A4
 * label sheet. All or nothing: if one record does not open, or one value cannot be
 * written in the format, nothing is written and every culprit is named by record id.
 * With --seed, one synthetic seed address from the brand's pool goes into the export
 * at a random place, and the audit log says which, so that `showroom trace` can tell
 * which export a leaked copy came from.
 */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/jtime.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/prefecture.h"
#include "lib/sha256file.h"
#include "showroom/office/bo.h"
#include "showroom/commands.h"
#include "showroom/office/export.h"
#include "seal/recid.h"
#include "seal/record.h"

#define EXPORT_CONTENTS	"カタログ"


static void
export_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom export --format clickpost|yamato-b2|csv|labels-pdf --out PATH\n"
	    "                       --identity PREFIX --keyring FILE --root-pub FILE [--seed]\n"
	    "                       [--again] [--ship-date YYYY/MM/DD] [--store DIR]\n"
	    "                       [--config FILE]\n"
	    "\n"
	    "Opens every catalog request pulled by the (hq) identity and not yet exported,\n"
	    "and writes them in one of the formats (docs/EXPORTS.md); files are mode 0600.\n"
	    "clickpost writes PATH-001.csv, PATH-002.csv, ... (40 a file; a final .csv in\n"
	    "PATH is dropped). All or nothing: a record that does not open, or a character\n"
	    "the format cannot hold, is reported with its record id and nothing is written.\n"
	    "The records are then marked exported (ack acknowledges them). Appends \"open\"\n"
	    "and \"export\" entries to the audit log, with each file's SHA-256.\n"
	    "\n"
	    "  --format FMT     clickpost, yamato-b2, csv or labels-pdf\n"
	    "  --out PATH       the file (for clickpost: the prefix)\n"
	    "  --seed           add one seed address from the configured pool (\"seeds\")\n"
	    "  --again          also export records exported before and not acknowledged\n"
	    "  --ship-date D    yamato-b2's ship date (default: today in Japan)\n"
	    BO_COMMON_HELP "\n" BO_EXIT_HELP);
}

static const char *
export_str(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "13" -> 13; 0 when it is not a prefecture code. */
static int
export_pref(json_t *v)
{
	const char *s;
	char *end;
	long n;

	if (json_is_integer(v))
		return prefecture_valid((int)json_integer_value(v)) ?
		    (int)json_integer_value(v) : 0;
	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	n = strtol(s, &end, 10);
	return *s != '\0' && *end == '\0' && prefecture_valid((int)n) ? (int)n : 0;
}

/* Fills A from an opened catalog request or a seed entry (which the config writes with
 * the record's field names); -1 when a field is missing. */
static int
export_addr_from(json_t *doc, const char *rid, struct export_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->record_id = rid;
	a->name = export_str(doc, RECORD_F_NAME);
	a->postal_code = export_str(doc, RECORD_F_POSTAL_CODE);
	a->prefecture = export_pref(json_object_get(doc, RECORD_F_PREFECTURE));
	a->address1 = export_str(doc, RECORD_F_ADDRESS1);
	a->address2 = export_str(doc, RECORD_F_ADDRESS2);
	if (a->address2 == NULL)
		a->address2 = "";
	a->contents = EXPORT_CONTENTS;
	return a->name && a->postal_code && a->address1 && a->prefecture ? 0 : -1;
}

/* Opens every record; all must open. Returns 0, or BO_EXIT_REFUSED after naming them. */
static int
export_open_all(struct bo *b, struct bo_export *j)
{
	char err[256];
	size_t i, refused = 0;

	if ((j->docs = calloc(j->nrecs + 1, sizeof(*j->docs))) == NULL) {
		bo_error(b, "out of memory");
		return BO_EXIT_FAIL;
	}
	for (i = 0; i < j->nrecs; i++) {
		bo_progress("opening", i, j->nrecs);
		if (bo_open_record(b, &j->recs[i], &j->docs[i], err, sizeof(err)) == -1) {
			bo_error(b, "REFUSED: %s", err);
			refused++;
		}
	}
	bo_progress("opening", j->nrecs, j->nrecs);
	{
		const struct audit_count cnt[] = {
			{ "opened", (int64_t)(j->nrecs - refused) }, { "refused", (int64_t)refused },
		};
		if (bo_audit(b, "open", cnt, 2, NULL, j->format, NULL) == -1)
			return BO_EXIT_FAIL;
	}
	if (refused > 0) {
		bo_error(b, "export refused: %zu record%s do%s not open (tampered with or "
		    "undecryptable); nothing was written", refused, refused == 1 ? "" : "s",
		    refused == 1 ? "es" : "");
		return BO_EXIT_REFUSED;
	}
	return 0;
}

/* The seed as one line for the audit log: postal code, prefecture, address, name. */
static int
export_seed_text(struct bo_export *j, const struct export_addr *a)
{
	const char *pn = prefecture_name(a->prefecture, LANG_JA);

	if (asprintf(&j->seed_text, "〒%s %s%s%s%s %s", a->postal_code, pn ? pn : "",
	    a->address1, *a->address2 ? " " : "", a->address2, a->name) == -1) {
		j->seed_text = NULL;
		return -1;
	}
	return 0;
}

/*
 * Where the seed goes and its record id. Record ids begin with their creation time, so a
 * fresh id would carry the export's time, later than every real row's: the one row to
 * delete before passing a file on. The seed takes the time of a real row picked at random
 * (10 of 26 characters: 48 time bits, 2 random) and sits beside it, on the side its random
 * part sorts to.
 */
static void
export_seed_place(struct bo_export *j)
{
	const char *near;
	size_t r;

	recid_new(j->seed_rid);
	if (j->naddrs == 0) {
		j->seed_at = 0;
		return;
	}
	r = randombytes_uniform((uint32_t)j->naddrs);
	near = j->addrs[r].record_id;
	if (near != NULL && strlen(near) == RECID_LEN)
		memcpy(j->seed_rid, near, 10);
	j->seed_at = near != NULL && strcmp(j->seed_rid, near) > 0 ? r + 1 : r;
}

/* Picks the next seed of the pool (in rotation) and puts it among the rows. */
static int
export_pick_seed(struct bo *b, struct bo_export *j)
{
	json_t *pool = json_object_get(b->conf, "seeds");
	struct export_addr a;
	char err[512];
	int64_t k;
	size_t i;

	if (!json_is_array(pool) || json_array_size(pool) == 0) {
		bo_error(b, "--seed needs a pool of seed addresses (\"seeds\" in the config)");
		return EXIT_USAGE;
	}
	if (bostore_meta_next(b->db, "seed_rotation", &k, err, sizeof(err)) == -1) {
		bo_error(b, "%s", err);
		return BO_EXIT_FAIL;
	}
	j->seed_entry = json_array_get(pool, (size_t)(k - 1) % json_array_size(pool));
	export_seed_place(j);	/* its id looks like any other record id */
	if (export_str(j->seed_entry, "id") == NULL ||
	    export_addr_from(j->seed_entry, j->seed_rid, &a) == -1) {
		bo_error(b, "seed %zu of the config: needs id, name, postal_code, prefecture and "
		    "address1", (size_t)(k - 1) % json_array_size(pool) + 1);
		return EXIT_USAGE;
	}
	if (export_seed_text(j, &a) == -1) {
		bo_error(b, "out of memory");
		return BO_EXIT_FAIL;
	}
	for (i = j->naddrs; i > j->seed_at; i--)
		j->addrs[i] = j->addrs[i - 1];
	j->addrs[j->seed_at] = a;
	j->naddrs++;
	return 0;
}

static int
export_yamato_conf(struct bo *b, struct bo_export *j, struct export_sender *s,
    struct export_yamato *y, char date[11])
{
	json_t *ya = json_object_get(b->conf, "yamato"), *se = json_object_get(ya, "sender");

	memset(s, 0, sizeof(*s));
	memset(y, 0, sizeof(*y));
	if (!json_is_object(se)) {
		bo_error(b, "yamato-b2 needs the sender: \"yamato\": {\"sender\": {...}} in the "
		    "config");
		return -1;
	}
	s->name = export_str(se, "name");
	s->postal_code = export_str(se, "postal_code");
	s->prefecture = export_pref(json_object_get(se, "prefecture"));
	s->address1 = export_str(se, "address1");
	s->address2 = export_str(se, "address2") ? export_str(se, "address2") : "";
	s->phone = export_str(se, "phone");
	if (!s->name || !s->postal_code || !s->address1 || !s->phone || !s->prefecture) {
		bo_error(b, "yamato.sender needs name, postal_code, prefecture, address1 and phone");
		return -1;
	}
	y->sender = s;
	y->service = export_str(ya, "service");
	y->billing_code = export_str(ya, "billing_code") ? export_str(ya, "billing_code") : "";
	y->billing_class = export_str(ya, "billing_class") ? export_str(ya, "billing_class") :
	    "";
	y->freight_no = export_str(ya, "freight_no") ? export_str(ya, "freight_no") : "";
	y->recipient_phone = export_str(ya, "recipient_phone");
	if (j->ship_date != NULL)
		y->ship_date = j->ship_date;
	else {
		jtime_date(time(NULL), 0, date);
		date[4] = date[7] = '/';
		y->ship_date = date;
	}
	return 0;
}

static int
export_write(struct bo *b, struct bo_export *j)
{
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_sender s;
	struct export_yamato y;
	char err[512], line[512], date[11], *prefix = NULL, **paths = NULL;
	size_t i, n, npaths = 0;
	int rc = -1;

	err[0] = '\0';
	if (strcmp(j->format, "clickpost") == 0) {
		n = strlen(j->out);
		if (n > 4 && strcmp(j->out + n - 4, ".csv") == 0)
			n -= 4;
		if ((prefix = strndup(j->out, n)) == NULL)
			goto out;
		/* into locals: a pointer into *j would let the callee seem to change all of it */
		rc = export_clickpost(j->addrs, j->naddrs, prefix, &paths, &npaths, &probs,
		    err, sizeof(err));
		j->paths = paths;
		j->npaths = npaths;
	} else {
		if ((j->paths = calloc(1, sizeof(char *))) == NULL ||
		    (j->paths[0] = strdup(j->out)) == NULL)
			goto out;
		j->npaths = 1;
		if (strcmp(j->format, "csv") == 0)
			rc = export_csv(j->addrs, j->naddrs, j->out, &probs, err, sizeof(err));
		else if (strcmp(j->format, "labels-pdf") == 0)
			rc = labels_pdf(j->addrs, j->naddrs, j->out, &probs, err, sizeof(err));
		else if (export_yamato_conf(b, j, &s, &y, date) == 0)
			rc = export_yamato_b2(j->addrs, j->naddrs, &y, j->out, &probs, err,
			    sizeof(err));
		else {
			rc = -2;
			goto out;
		}
	}
	for (i = 0; i < probs.n; i++) {
		export_problem_format(&probs.v[i], line, sizeof(line));
		bo_error(b, "%s", line);
	}
	if (rc == -1)
		bo_error(b, "export refused: %s; nothing was written", err[0] ? err : "failed");
out:
	if (rc == -1 && err[0] == '\0' && probs.n == 0)
		bo_error(b, "out of memory");
	export_problems_free(&probs);
	free(prefix);
	return rc;
}

/* Which file of a Click Post export holds the seed: 40 rows a file. */
static size_t
export_seed_file(const struct bo_export *j)
{
	return strcmp(j->format, "clickpost") == 0 ? j->seed_at / 40 : 0;
}

static int
export_record(struct bo *b, struct bo_export *j)
{
	char err[512], hex[SHA256_HEXLEN + 1];
	struct audit_seed seed;
	int64_t batch, now = (int64_t)time(NULL);
	size_t i;

	if (bostore_begin(b->db, err, sizeof(err)) == -1)
		goto fail;
	if (bostore_batch_new(b->db, &batch, err, sizeof(err)) == -1)
		goto fail_tx;
	for (i = 0; i < j->nrecs; i++)
		if (bostore_mark_exported(b->db, j->recs[i].id, batch, now, err, sizeof(err)) ==
		    -1)
			goto fail_tx;
	for (i = 0; i < j->npaths; i++) {
		if (sha256_file_hex(j->paths[i], hex) == -1) {
			snprintf(err, sizeof(err), "%s: cannot hash it", j->paths[i]);
			goto fail_tx;
		}
		if (bostore_export_add(b->db, batch, j->paths[i], j->format, hex, now, err,
		    sizeof(err)) == -1)
			goto fail_tx;
	}
	if (bostore_commit(b->db, err, sizeof(err)) == -1)
		goto fail_tx;
	for (i = 0; i < j->npaths; i++) {
		int has_seed = j->seed && export_seed_file(j) == i;
		const struct audit_count cnt[] = {
			{ "records", (int64_t)j->nrecs }, { "files", (int64_t)j->npaths },
			{ "seeds", has_seed ? 1 : 0 },
		};
		if (has_seed) {
			seed.id = export_str(j->seed_entry, "id");
			seed.text = j->seed_text;
		}
		if (bo_audit(b, "export", cnt, 3, j->paths[i], j->format,
		    has_seed ? &seed : NULL) == -1)
			return BO_EXIT_FAIL;
	}
	return 0;
fail_tx:
	bostore_rollback(b->db);
fail:
	bo_error(b, "%s", err);
	return BO_EXIT_FAIL;
}

int
bo_export(struct bo *b, struct bo_export *j)
{
	char err[512];
	size_t i;
	int rc;

	if (b->id.pub.role != KEYS_ROLE_HQ) {
		bo_error(b, "export is for catalog requests, which hq keys hold; %s is a %s key "
		    "(dealers: showroom bookings)", b->id.pub.key_id, keys_role_name(b->id.pub.role));
		return EXIT_USAGE;
	}
	if (bostore_list(b->db, b->id.pub.key_id, "catalog_request", j->again ? BOSTORE_OPEN :
	    BOSTORE_NOT_EXPORTED, &j->recs, &j->nrecs, err, sizeof(err)) == -1) {
		bo_error(b, "%s", err);
		return BO_EXIT_FAIL;
	}
	if (j->nrecs == 0)
		return 0;	/* nothing to export */
	if ((rc = export_open_all(b, j)) != 0)
		return rc;
	if ((j->addrs = calloc(j->nrecs + 1, sizeof(*j->addrs))) == NULL) {
		bo_error(b, "out of memory");
		return BO_EXIT_FAIL;
	}
	for (i = 0; i < j->nrecs; i++)
		if (export_addr_from(j->docs[i], j->recs[i].id, &j->addrs[i]) == -1) {
			bo_error(b, "REFUSED: record %s opens but lacks an address field; nothing "
			    "was written", j->recs[i].id);
			return BO_EXIT_REFUSED;
		}
	j->naddrs = j->nrecs;
	if (j->seed && (rc = export_pick_seed(b, j)) != 0)
		return rc;
	if ((rc = export_write(b, j)) != 0)
		return rc == -2 ? EXIT_USAGE : BO_EXIT_FAIL;
	return export_record(b, j);
}

void
bo_export_free(struct bo_export *j)
{
	size_t i;

	for (i = 0; j->docs != NULL && i < j->nrecs; i++)
		json_decref(j->docs[i]);
	free(j->docs);
	free(j->addrs);
	free(j->seed_text);
	bostore_recs_free(j->recs, j->nrecs);
	export_paths_free(j->paths, j->npaths);
}

int
bo_export_format_ok(const char *f)
{
	return f != NULL && (strcmp(f, "clickpost") == 0 || strcmp(f, "yamato-b2") == 0 ||
	    strcmp(f, "csv") == 0 || strcmp(f, "labels-pdf") == 0);
}

/* What was written, on standard output: each file's SHA-256, then a summary. */
static void
export_report(const struct bo_export *j)
{
	char hex[SHA256_HEXLEN + 1];
	size_t i;

	if (j->nrecs == 0) {
		printf("nothing to export: no open catalog requests (pull first)\n");
		return;
	}
	for (i = 0; i < j->npaths; i++)
		if (sha256_file_hex(j->paths[i], hex) == 0)
			printf("%s  %s\n", hex, j->paths[i]);
	printf("exported %zu catalog request%s as %s%s\n", j->nrecs, j->nrecs == 1 ? "" : "s",
	    j->format, j->seed ? " with one seed address" : "");
}

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", no_argument, NULL, 's' },
		{ "again", no_argument, NULL, 'a' },
		{ "ship-date", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bo_export j;
	struct bo_opts o;
	struct bo b;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	memset(&j, 0, sizeof(j));
	memset(&b, 0, sizeof(b));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "f:o:h", longopts)) != -1) {
		switch (ch) {
		case 'f': j.format = optarg; continue;
		case 'o': j.out = optarg; continue;
		case 's': j.seed = 1; continue;
		case 'a': j.again = 1; continue;
		case 'd': j.ship_date = optarg; continue;
		default: break;
		}
		return bo_usage(export_usage, ch);
	}
	if (optind != argc || !bo_export_format_ok(j.format) || j.out == NULL) {
		if (optind == argc)
			log_error("--format clickpost|yamato-b2|csv|labels-pdf and --out PATH are "
			    "required");
		export_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) == 0 &&
	    (rc = bo_export(&b, &j)) == 0)
		export_report(&j);
	bo_export_free(&j);
	bo_done(&b);
	return rc;
}
