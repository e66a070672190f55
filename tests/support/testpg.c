#include "testpg.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TESTPG_SCHEMA_OPT	"options=-csearch_path%3D"

static void
testpg_notice(void *arg, const char *msg)
{
	/* "drop cascades to ...": expected */
}

static int
testpg_exec(const char *sql)
{
	const char *base = getenv(TESTPG_ENV);
	PGresult *res;
	PGconn *pc;
	int rc = -1;

	if (base == NULL)
		return -1;
	pc = PQconnectdb(base);
	if (PQstatus(pc) != CONNECTION_OK) {
		fprintf(stderr, "%s is set but unusable: %s", TESTPG_ENV, PQerrorMessage(pc));
		PQfinish(pc);
		return -1;
	}
	PQsetNoticeProcessor(pc, testpg_notice, NULL);
	res = PQexec(pc, sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK)
		rc = 0;
	else
		fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(pc);
	return rc;
}

int
testpg_wanted(void)
{
	return getenv(TESTPG_ENV) != NULL;
}

int
testpg_fresh(struct testpg *pg, const char *stem)
{
	const char *base = getenv(TESTPG_ENV);
	unsigned char rnd[8];
	char sql[128];
	size_t i;

	memset(pg, 0, sizeof(*pg));
	if (base == NULL || sodium_init() < 0)
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	i = (size_t)snprintf(pg->schema, sizeof(pg->schema), "%.30s_", stem);
	sodium_bin2hex(pg->schema + i, sizeof(pg->schema) - i, rnd, sizeof(rnd));
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", pg->schema);
	if (testpg_exec(sql) == -1) {
		pg->schema[0] = '\0';
		return -1;
	}
	if (asprintf(&pg->url, "%s%s%s%s", base, strchr(base, '?') ? "&" : "?",
	    TESTPG_SCHEMA_OPT, pg->schema) == -1) {
		pg->url = NULL;
		testpg_drop(pg);
		return -1;
	}
	return 0;
}

void
testpg_drop(struct testpg *pg)
{
	char sql[128];

	if (pg->schema[0] != '\0') {
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", pg->schema);
		testpg_exec(sql);
	}
	free(pg->url);
	memset(pg, 0, sizeof(*pg));
}
