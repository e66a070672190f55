/*
 * showroom export: opens every open catalog request of the HQ identity in memory and
 * writes them for a carrier (Click Post, Yamato B2 Cloud), as plain CSV or as an A4
 * label sheet. If one record does not open, nothing is written and every culprit is
 * named by record id. A record that opens but that the format cannot hold (a character
 * outside CP932, an address too long for the carrier) is set aside by record id, so
 * that it does not hold up the others: they are written, each file still whole or not
 * at all, and it stays unexported for the clerk (list shows it, --set-aside exports it
 * again, as plain CSV say). With --seed, one synthetic seed address from the brand's
 * pool goes into the export at a random place, and the audit log says which, so that
 * `showroom trace` can tell which export a leaked copy came from.
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
	    "                       [--again | --set-aside] [--ship-date YYYY/MM/DD]\n"
	    "                       [--store DIR] [--config FILE]\n"
	    "\n"
	    "Opens every catalog request pulled by the (hq) identity and not yet exported,\n"
	    "and writes them in one of the formats (docs/EXPORTS.md); files are mode 0600.\n"
	    "clickpost writes PATH-001.csv, PATH-002.csv, ... (40 a file; a final .csv in\n"
	    "PATH is dropped). A record that does not open is reported with its record id,\n"
	    "and nothing is written. A record the format cannot hold (a character outside\n"
	    "CP932, an address too long) is set aside: reported by record id, field and code\n"
	    "point, left unexported, and the others are written (exit code 7). The written\n"
	    "records are marked exported (ack acknowledges them). Appends \"open\" and\n"
	    "\"export\" entries to the audit log, with each file's SHA-256.\n"
	    "\n"
	    "  --format FMT     clickpost, yamato-b2, csv or labels-pdf\n"
	    "  --out PATH       the file (for clickpost: the prefix)\n"
	    "  --seed           add one seed address from the configured pool (\"seeds\")\n"
	    "  --again          also export records exported before and not acknowledged\n"
	    "  --set-aside      only the records an export set aside (csv takes any text)\n"
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

/*
 * Writes V[0..n) in the job's format. Returns 0, -1 (problems in PROBS, or a failure in
 * ERR; no file is left), or -2 for missing yamato settings. The paths written come back
 * in *paths.
 */
static int
export_format(struct bo *b, struct bo_export *j, const struct export_addr *v, size_t n,
    char ***paths, size_t *npaths, struct export_problems *probs, char *err, size_t errlen)
{
	struct export_sender s;
	struct export_yamato y;
	char date[11], *prefix, **one;
	size_t len;
	int rc;

	*paths = NULL;
	*npaths = 0;
	if (strcmp(j->format, "clickpost") == 0) {
		len = strlen(j->out);
		if (len > 4 && strcmp(j->out + len - 4, ".csv") == 0)
			len -= 4;
		if ((prefix = strndup(j->out, len)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		rc = export_clickpost(v, n, prefix, paths, npaths, probs, err, errlen);
		free(prefix);
		return rc;
	}
	/* the path first: once the file is in place, nothing may fail */
	if ((one = calloc(1, sizeof(*one))) == NULL || (one[0] = strdup(j->out)) == NULL) {
		free(one);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strcmp(j->format, "csv") == 0)
		rc = export_csv(v, n, j->out, probs, err, errlen);
	else if (strcmp(j->format, "labels-pdf") == 0)
		rc = labels_pdf(v, n, j->out, probs, err, errlen);
	else if (export_yamato_conf(b, j, &s, &y, date) == 0)
		rc = export_yamato_b2(v, n, &y, j->out, probs, err, errlen);
	else
		rc = -2;
	if (rc != 0) {
		export_paths_free(one, 1);
		return rc;
	}
	*paths = one;
	*npaths = 1;
	return 0;
}

/* A problem as one line, the seed named by its configured id rather than its fake
 * record id. */
static void
export_problem_line(const struct bo_export *j, const struct export_problem *p,
    char *line, size_t len)
{
	struct export_problem q = *p;
	char who[96];

	if (j->seed && strcmp(p->record_id, j->seed_rid) == 0) {
		snprintf(who, sizeof(who), "(seed %s)", export_str(j->seed_entry, "id"));
		q.record_id = who;
	}
	export_problem_format(&q, line, len);
}

static void
export_refused(struct bo *b, const struct bo_export *j, const struct export_problems *probs,
    const char *err)
{
	char line[512];
	size_t i;

	for (i = 0; i < probs->n; i++) {
		export_problem_line(j, &probs->v[i], line, sizeof(line));
		bo_error(b, "%s", line);
	}
	if (err[0] == '\0' && probs->n == 0)
		bo_error(b, "out of memory");
	else
		bo_error(b, "export refused: %s%s", err[0] ? err : "failed",
		    strstr(err, "nothing was written") ? "" : "; nothing was written");
}

/* Keeps, for the office, which record was set aside for which field: ids and field
 * names only, never a value or a character of it. */
static int
export_keep_why(struct bo_export *j, const struct export_problems *probs)
{
	struct bo_aside w;
	size_t i, k;

	if ((j->why = calloc(probs->n > 0 ? probs->n : 1, sizeof(*j->why))) == NULL)
		return -1;
	for (i = 0; i < probs->n; i++) {
		if (probs->v[i].index == EXPORT_SENDER)
			continue;
		snprintf(w.id, sizeof(w.id), "%s", probs->v[i].record_id);
		snprintf(w.field, sizeof(w.field), "%s", probs->v[i].field != NULL ?
		    probs->v[i].field : "");
		/* one line per record and field, however many characters are at fault */
		for (k = 0; k < j->nwhy; k++)
			if (strcmp(j->why[k].id, w.id) == 0 && strcmp(j->why[k].field, w.field) == 0)
				break;
		if (k == j->nwhy)
			j->why[j->nwhy++] = w;
	}
	return 0;
}

/*
 * Writes the addresses. When some records have problems of their own, those are set
 * aside and the others written: one visitor's emoji must not hold up every other
 * parcel. Problems of the sender or of the seed (both from the configuration) and
 * failures to write still stop everything.
 */
static int
export_write(struct bo *b, struct bo_export *j)
{
	struct export_problems probs = EXPORT_PROBLEMS_INIT;
	struct export_addr *rest = NULL;
	char err[512], line[512], **paths = NULL;
	size_t nrest, npaths = 0, i;
	int rc, naside;

	err[0] = '\0';
	/* into locals: a pointer into *j would let the callee seem to change all of it */
	rc = export_format(b, j, j->addrs, j->naddrs, &paths, &npaths, &probs, err,
	    sizeof(err));
	if (rc != -1 || probs.n == 0)
		goto out;
	if ((j->aside = calloc(j->naddrs, 1)) == NULL ||
	    (rest = calloc(j->naddrs, sizeof(*rest))) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	naside = export_set_aside(j->addrs, j->naddrs, &probs, 0, j->aside, rest, &nrest);
	if (naside <= 0 || (j->seed && j->aside[j->seed_at])) {
		if (naside > 0)
			bo_error(b, "the seed address \"%s\" cannot be written as %s: fix it in "
			    "the configuration, or export without --seed",
			    export_str(j->seed_entry, "id"), j->format);
		goto out;
	}
	/* Only ids, fields and code points: never a value. */
	for (i = 0; i < probs.n; i++) {
		export_problem_line(j, &probs.v[i], line, sizeof(line));
		log_warn("SET ASIDE: %s", line);
	}
	if (export_keep_why(j, &probs) == -1) {
		snprintf(err, sizeof(err), "out of memory");
		export_problems_free(&probs);
		rc = -1;
		goto out;
	}
	j->naside = (size_t)naside;
	log_warn("set aside %zu record%s that %s cannot carry: not marked exported, so ack "
	    "leaves %s; write %s with --set-aside --format csv (or labels-pdf)", j->naside,
	    j->naside == 1 ? "" : "s", j->format, j->naside == 1 ? "it" : "them",
	    j->naside == 1 ? "it" : "them");
	export_problems_free(&probs);
	if (nrest == (j->seed ? 1u : 0u)) {	/* no record left: not the seed alone */
		rc = 0;
		goto out;
	}
	err[0] = '\0';
	rc = export_format(b, j, rest, nrest, &paths, &npaths, &probs, err, sizeof(err));
out:
	j->paths = paths;
	j->npaths = npaths;
	if (rc == -1)
		export_refused(b, j, &probs, err);
	export_problems_free(&probs);
	free(rest);
	return rc;
}

/* Which file of a Click Post export holds the seed: 40 rows a file, counted without
 * the records set aside. */
static size_t
export_seed_file(const struct bo_export *j)
{
	size_t row = j->seed_at, i;

	for (i = 0; j->aside != NULL && i < j->seed_at; i++)
		row -= j->aside[i];
	return strcmp(j->format, "clickpost") == 0 ? row / 40 : 0;
}

/* The stored record behind addrs[i], or NULL for the seed. */
static const struct bostore_rec *
export_rec_at(const struct bo_export *j, size_t i)
{
	if (j->seed && i == j->seed_at)
		return NULL;
	return &j->recs[j->seed && i > j->seed_at ? i - 1 : i];
}

static int
export_record(struct bo *b, struct bo_export *j)
{
	char err[512], hex[SHA256_HEXLEN + 1];
	const struct bostore_rec *r;
	struct audit_seed seed;
	int64_t batch = 0, now = (int64_t)time(NULL);
	size_t i, nwritten = j->nrecs - j->naside;
	int rc;

	if (bostore_begin(b->db, err, sizeof(err)) == -1)
		goto fail;
	if (nwritten > 0 && bostore_batch_new(b->db, &batch, err, sizeof(err)) == -1)
		goto fail_tx;
	/* Set aside means not exported: ack, which takes the exported, leaves it. */
	for (i = 0; i < j->naddrs; i++) {
		if ((r = export_rec_at(j, i)) == NULL)
			continue;
		if (j->aside != NULL && j->aside[i])
			rc = bostore_mark_aside(b->db, r->id, now, err, sizeof(err));
		else
			rc = bostore_mark_exported(b->db, r->id, batch, now, err,
			    sizeof(err));
		if (rc == -1)
			goto fail_tx;
	}
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
			{ "records", (int64_t)nwritten }, { "files", (int64_t)j->npaths },
			{ "seeds", has_seed ? 1 : 0 }, { "set_aside", (int64_t)j->naside },
		};
		if (has_seed) {
			seed.id = export_str(j->seed_entry, "id");
			seed.text = j->seed_text;
		}
		if (bo_audit(b, "export", cnt, 4, j->paths[i], j->format,
		    has_seed ? &seed : NULL) == -1)
			return BO_EXIT_FAIL;
	}
	return j->naside > 0 ? BO_EXIT_SET_ASIDE : 0;
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
	if (j->again && j->set_aside) {
		bo_error(b, "--again and --set-aside do not go together");
		return EXIT_USAGE;
	}
	if (bostore_list(b->db, b->id.pub.key_id, "catalog_request", j->set_aside ?
	    BOSTORE_SET_ASIDE : j->again ? BOSTORE_OPEN : BOSTORE_NOT_EXPORTED, &j->recs,
	    &j->nrecs, err, sizeof(err)) == -1) {
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
	free(j->aside);
	free(j->why);
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
	size_t i, nwritten = j->nrecs - j->naside;

	if (j->nrecs == 0) {
		printf("nothing to export: %s\n", j->set_aside ?
		    "no catalog request is set aside" :
		    "no open catalog requests (pull first)");
		return;
	}
	for (i = 0; i < j->npaths; i++)
		if (sha256_file_hex(j->paths[i], hex) == 0)
			printf("%s  %s\n", hex, j->paths[i]);
	if (nwritten == 0)
		printf("nothing was written: the %zu catalog request%s %s set aside\n",
		    j->naside, j->naside == 1 ? "" : "s", j->naside == 1 ? "was" : "were");
	else
		printf("exported %zu catalog request%s as %s%s\n", nwritten,
		    nwritten == 1 ? "" : "s", j->format, j->seed ? " with one seed address" : "");
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
		{ "set-aside", no_argument, NULL, 'A' },
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
		case 'A': j.set_aside = 1; continue;
		case 'd': j.ship_date = optarg; continue;
		default: break;
		}
		return bo_usage(export_usage, ch);
	}
	if (optind != argc || !bo_export_format_ok(j.format) || j.out == NULL ||
	    (j.again && j.set_aside)) {
		if (j.again && j.set_aside)
			log_error("--again and --set-aside do not go together");
		else if (optind == argc)
			log_error("--format clickpost|yamato-b2|csv|labels-pdf and --out PATH are "
			    "required");
		export_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET | BO_NEED_STORE)) == 0 &&
	    ((rc = bo_export(&b, &j)) == 0 || rc == BO_EXIT_SET_ASIDE))
		export_report(&j);
	bo_export_free(&j);
	bo_done(&b);
	return rc;
}
