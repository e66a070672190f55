/*
 * showroom slots: a dealer's calendar on the server, through the signed API: close days
 * (the whole store or one model), reopen them, set the demo cars of a model per day, and
 * list what is set. Only the dealer's own key can do it. A change never drops a booking:
 * the bookings left in a closed or overfull slot are listed (ids and slots) and stay
 * booked until the dealer declines them (showroom bookings decline).
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

static void
slots_usage(FILE *f)
{
	fprintf(f,
	    "usage: showroom slots close --from YYYY-MM-DD [--to YYYY-MM-DD] [--model CODE]\n"
	    "       showroom slots open  --from YYYY-MM-DD [--to YYYY-MM-DD] [--model CODE]\n"
	    "       showroom slots cars  --model CODE --cars N|default --from YYYY-MM-DD\n"
	    "                            [--to YYYY-MM-DD]\n"
	    "       showroom slots list  [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
	    "       (each with --identity PREFIX --server URL --keyring FILE --root-pub FILE\n"
	    "        [--config FILE])\n"
	    "\n"
	    "Keeps the identity's dealer calendar on the server (a dealer key only): close\n"
	    "closes the days from --from to --to (default: that one day) for the whole store,\n"
	    "or for one model with --model; open undoes a close of the same scope; cars sets\n"
	    "the demo cars of a model on those days (default: back to the content's number);\n"
	    "list shows what is set and the content's fixed closed days (default: the next\n"
	    "60 days). The change holds at once on every node. Bookings that sit in a slot\n"
	    "a change closes or overfills are listed, not dropped: they stay booked until\n"
	    "the dealer declines them (showroom bookings decline ID --reason closed).\n"
	    "\n"
	    "  --from D         the first day (JST)\n"
	    "  --to D           the last day, included (at most 366 days in all)\n"
	    "  --model CODE     one model instead of the whole store (cars: required)\n"
	    "  --cars N         demo cars of the model, 0 to 200, or \"default\"\n"
	    BO_COMMON_HELP "\n" BO_EXIT_HELP);
}

/* The request body of a change; NULL on a usage error (reported). */
static char *
slots_body(struct bo *b, const struct bo_slots *j)
{
	json_t *doc;
	char *text, *end;
	long n;

	doc = json_pack("{s:s, s:s, s:s}", "dealer", b->id.pub.dealer, "from", j->from, "to",
	    j->to ? j->to : j->from);
	if (doc == NULL)
		return NULL;
	if (j->model != NULL)
		json_object_set_new(doc, "model", json_string(j->model));
	if (strcmp(j->op, "cars") == 0 && j->cars != NULL) {
		if (strcmp(j->cars, "default") == 0)
			json_object_set_new(doc, "cars", json_null());
		else {
			n = strtol(j->cars, &end, 10);
			if (*j->cars == '\0' || *end != '\0' || n < 0 || n > 200) {
				bo_error(b, "--cars %s: expected 0 to 200, or default",
				    j->cars);
				json_decref(doc);
				return NULL;
			}
			json_object_set_new(doc, "cars", json_integer(n));
		}
	}
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

static void
slots_print_change(const struct bo_slots *j, json_t *doc)
{
	json_t *aff = json_object_get(doc, "affected"), *a, *cars;
	const char *dealer = json_string_value(json_object_get(doc, "dealer"));
	const char *from = json_string_value(json_object_get(doc, "from"));
	const char *to = json_string_value(json_object_get(doc, "to"));
	size_t i;

	if (strcmp(j->op, "cars") == 0) {
		cars = json_object_get(doc, "cars");
		if (json_is_integer(cars))
			printf("%s: %s: %lld demo car%s from %s to %s\n", dealer, j->model,
			    (long long)json_integer_value(cars),
			    json_integer_value(cars) == 1 ? "" : "s", from, to);
		else
			printf("%s: %s: the content's demo cars from %s to %s\n", dealer,
			    j->model, from, to);
	} else
		printf("%s: %s %s from %s to %s\n", dealer, j->model ? j->model :
		    "whole store", strcmp(j->op, "close") == 0 ? "closed" : "open", from, to);
	if (json_array_size(aff) == 0)
		return;
	printf("%zu booking%s in %s slots and stay%s booked; keep them, or decline each\n"
	    "with: showroom bookings decline ID --reason %s\n", json_array_size(aff),
	    json_array_size(aff) == 1 ? " sits" : "s sit",
	    strcmp(j->op, "close") == 0 ? "closed" : "overfull",
	    json_array_size(aff) == 1 ? "s" : "",
	    strcmp(j->op, "close") == 0 ? "closed" : "car_unavailable");
	json_array_foreach(aff, i, a)
		printf("  %s  %s  %s\n", json_string_value(json_object_get(a, "id")),
		    json_string_value(json_object_get(a, "start")),
		    json_string_value(json_object_get(a, "model")));
}

static void
slots_print_list(json_t *doc)
{
	json_t *days = json_object_get(doc, "days"), *fixed, *d, *cars;
	const char *model;
	size_t i;

	printf("%s: calendar from %s to %s\n",
	    json_string_value(json_object_get(doc, "dealer")),
	    json_string_value(json_object_get(doc, "from")),
	    json_string_value(json_object_get(doc, "to")));
	fixed = json_object_get(doc, "fixed_closed");
	printf("closed every year (content):");
	json_array_foreach(fixed, i, d)
		printf("%s %s to %s", i ? "," : "",
		    json_string_value(json_object_get(d, "from")),
		    json_string_value(json_object_get(d, "to")));
	printf("%s\n", json_array_size(fixed) == 0 ? " none" : "");
	if (json_array_size(days) == 0)
		printf("nothing set\n");
	json_array_foreach(days, i, d) {
		model = json_string_value(json_object_get(d, "model"));
		cars = json_object_get(d, "cars");
		printf("%s  %-16s", json_string_value(json_object_get(d, "date")),
		    model ? model : "whole store");
		if (json_is_true(json_object_get(d, "closed")))
			printf("  closed");
		if (json_is_integer(cars))
			printf("  %lld demo car%s", (long long)json_integer_value(cars),
			    json_integer_value(cars) == 1 ? "" : "s");
		printf("\n");
	}
}

int
bo_slots(struct bo *b, const struct bo_slots *j, json_t **reply)
{
	struct client_reply rep;
	struct client *c = NULL;
	char err[512], path[64], *body = NULL, query[160];
	json_error_t je;
	json_t *doc;
	int rc, list = strcmp(j->op, "list") == 0;

	*reply = NULL;
	if (b->id.pub.role != KEYS_ROLE_DEALER) {
		bo_error(b, "slots: %s is not a dealer key: only a dealer keeps a calendar",
		    b->id.pub.key_id);
		return EXIT_USAGE;
	}
	if (!list && (body = slots_body(b, j)) == NULL)
		return EXIT_USAGE;
	if ((rc = client_new(b->server, &b->id, &c, err, sizeof(err))) != CLIENT_OK) {
		bo_error(b, "%s", err);
		free(body);
		return rc == CLIENT_E_USAGE ? EXIT_USAGE : BO_EXIT_FAIL;
	}
	if (list) {
		snprintf(query, sizeof(query), "dealer=%s%s%s%s%s", b->id.pub.dealer,
		    j->from ? "&from=" : "", j->from ? j->from : "", j->to ? "&to=" : "",
		    j->to ? j->to : "");
		rc = client_get(c, "/api/v1/calendar", query, &rep, err, sizeof(err));
	} else {
		snprintf(path, sizeof(path), "/api/v1/calendar/%s", j->op);
		rc = client_post_json(c, path, body, strlen(body), &rep, err, sizeof(err));
	}
	free(body);
	client_free(c);
	if (rc != CLIENT_OK) {
		bo_error(b, "%s", err);
		return rc == CLIENT_E_CONNECT ? BO_EXIT_UNREACHABLE : BO_EXIT_FAIL;
	}
	doc = json_loadb(rep.body.data, rep.body.len, 0, &je);
	client_reply_free(&rep);
	if (!json_is_object(doc)) {
		json_decref(doc);
		bo_error(b, "the server's calendar reply is malformed");
		return BO_EXIT_FAIL;
	}
	*reply = doc;
	return 0;
}

static int
slots_run(struct bo *b, const struct bo_slots *j)
{
	json_t *doc;
	int rc;

	if ((rc = bo_slots(b, j, &doc)) != 0)
		return rc;
	if (strcmp(j->op, "list") == 0)
		slots_print_list(doc);
	else
		slots_print_change(j, doc);
	json_decref(doc);
	return 0;
}

int
cmd_slots(int argc, char **argv)
{
	static const struct option longopts[] = {
		BO_LONGOPTS,
		{ "model", required_argument, NULL, 'm' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "cars", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bo_slots j;
	struct bo_opts o;
	struct bo b;
	int ch, rc, change;

	memset(&o, 0, sizeof(o));
	memset(&j, 0, sizeof(j));
	optind = 0;
	while ((ch = bo_getopt(&o, argc, argv, "h", longopts)) != -1) {
		switch (ch) {
		case 'm': j.model = optarg; continue;
		case 'f': j.from = optarg; continue;
		case 't': j.to = optarg; continue;
		case 'c': j.cars = optarg; continue;
		default: return bo_usage(slots_usage, ch);
		}
	}
	if (optind + 1 != argc) {
		slots_usage(stderr);
		return EXIT_USAGE;
	}
	j.op = argv[optind];
	change = strcmp(j.op, "close") == 0 || strcmp(j.op, "open") == 0 ||
	    strcmp(j.op, "cars") == 0;
	if ((!change && strcmp(j.op, "list") != 0) || (change && j.from == NULL) ||
	    ((strcmp(j.op, "cars") == 0) != (j.cars != NULL)) ||
	    (strcmp(j.op, "cars") == 0 && j.model == NULL) ||
	    (strcmp(j.op, "list") == 0 && j.model != NULL)) {
		slots_usage(stderr);
		return EXIT_USAGE;
	}
	if ((rc = bo_init(&b, &o, BO_NEED_KEYRING | BO_NEED_SECRET)) == 0)
		rc = slots_run(&b, &j);
	bo_done(&b);
	return rc;
}
