/* The office's pages for both roles: home, pull, unlock and lock, language, the audit
 * log, the keyring, the status the script polls, and files to download. */
#include "showroom/office/office_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"
#include "lib/log.h"

#define OFFICE_AUDIT_SHOWN	200	/* the newest entries on the page */

static const char *
oa_next(struct office_req *rq)
{
	return office_local_path(form_get(&rq->f, "next"));
}

void
office_home(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	office_redirect(o, rp, o->b.id.pub.role == KEYS_ROLE_HQ ? "/inbox" : "/day", 0, NULL);
}

/* The outcome of a pull, for the page: how many came, or what went wrong. */
static void
oa_pull_flash(struct office *o, struct office_reply *rp, const char *next, int rc)
{
	if (rc == 0)
		office_redirect(o, rp, next, 0, "%s %s", office_str(o, "pulled_new"),
		    o->pull_msg);
	else
		office_redirect(o, rp, next, 1, "%s\n%s", office_str(o, rc == BO_EXIT_UNREACHABLE ?
		    "error_unreachable" : rc == BO_EXIT_REFUSED ? "error_refused" :
		    "error_pull"), o->pull_msg);
}

void
office_pull_post(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	int rc = office_pull(o);

	o->next_pull = office_now() + o->pull_s;
	oa_pull_flash(o, rp, oa_next(rq), rc);
}

void
office_unlock_page(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	json_t *ctx = json_object();
	const char *next = rq->post ? oa_next(rq) : rq->path;

	if (strcmp(next, "/unlock") == 0)
		next = "/";
	json_object_set_new(ctx, "title", json_string(office_str(o, "unlock_title")));
	json_object_set_new(ctx, "next", json_string(next));
	json_object_set_new(ctx, "identity", json_string(o->b.identity));
	office_page(o, rp, "unlock", ctx);
}

void
office_unlock_post(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *pass = form_get(&rq->f, "passphrase");
	struct buf msgs = BUF_INIT;
	int rc;

	if (pass == NULL || pass[0] == '\0') {
		office_redirect(o, rp, "/unlock", 1, "%s", office_str(o, "error_passphrase"));
		return;
	}
	o->b.msgs = &msgs;
	rc = bo_unlock(&o->b, pass);
	o->b.msgs = NULL;
	buf_free(&msgs);
	if (rc != 0) {
		log_warn("office: the key was not opened (exit code %d)", rc);
		buf_printf(&o->sess.flash, "%s", office_str(o, rc == BO_EXIT_PASSPHRASE ?
		    "error_passphrase" : "error_unlock"));
		o->sess.flash_error = 1;
		rp->status = 403;
		office_unlock_page(o, rq, rp);
		return;
	}
	log_info("office: the key is open again");
	o->next_pull = 0;
	office_redirect(o, rp, oa_next(rq), 0, NULL);
}

void
office_lock_post(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	bo_lock(&o->b);
	log_info("office: the key is wiped (locked from the page)");
	office_redirect(o, rp, "/unlock", 0, "%s", office_str(o, "locked_done"));
}

void
office_lang_post(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *l = form_get(&rq->f, "lang");

	if (l != NULL && strcmp(l, "en") == 0)
		o->sess.lang = LANG_EN;
	else if (l != NULL && strcmp(l, "ja") == 0)
		o->sess.lang = LANG_JA;
	office_redirect(o, rp, oa_next(rq), 0, NULL);
}

void
office_status(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	json_t *j = json_pack("{s:I, s:b}", "unread", (json_int_t)office_unread(o), "locked",
	    !o->b.have_secret);
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	rp->ctype = "application/json";
	rp->status = s != NULL ? 200 : 500;
	buf_puts(&rp->body, s != NULL ? s : "{}");
	free(s);
	json_decref(j);
}

void
office_send_file(struct office *o, struct office_reply *rp, const char *path,
    const char *name, const char *ctype)
{
	char *data = NULL;
	size_t len;

	if (fs_read_file(path, &data, &len) == -1) {
		log_error("office: %s: %s", path, strerror(errno));
		office_message(o, rp, 500, "error_title", "error_file");
		return;
	}
	buf_reset(&rp->body);
	buf_append(&rp->body, data, len);
	sodium_memzero(data, len);
	free(data);
	rp->status = 200;
	rp->ctype = ctype;
	snprintf(rp->filename, sizeof(rp->filename), "%s", name);
}

/* A file of our export folder by its name: only names the office gives. */
void
office_file_get(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const char *n = rq->arg;
	char *path;
	size_t i;

	for (i = 0; n[i] != '\0'; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') ||
		    n[i] == '-' || n[i] == '.') || i > 100)
			break;
	if (n[i] != '\0' || n[0] == '.' || (path = fs_join(o->exports_dir, n)) == NULL) {
		office_message(o, rp, 404, "notfound_title", "notfound_text");
		return;
	}
	office_send_file(o, rp, path, n, strstr(n, ".pdf") ? "application/pdf" :
	    strstr(n, ".ics") ? "text/calendar; charset=utf-8" : "text/csv");
	free(path);
}

/* "records 3, files 1" */
static json_t *
oa_counts(json_t *counts)
{
	struct buf b = BUF_INIT;
	const char *k;
	json_t *v, *s;

	json_object_foreach(counts, k, v)
		buf_printf(&b, "%s%s %lld", b.len ? ", " : "", k,
		    (long long)json_integer_value(v));
	s = json_string(b.data ? b.data : "");
	buf_free(&b);
	return s;
}

static json_t *
oa_entry(json_t *e)
{
	json_t *row = json_object(), *v;
	static const char *const copy[] = { "seq", "time", "action", "key_id", "format",
	    "file", "reason", "record" };
	size_t i;

	for (i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
		if ((v = json_object_get(e, copy[i])) != NULL && !json_is_null(v))
			json_object_set(row, copy[i], v);
	json_object_set_new(row, "counts", oa_counts(json_object_get(e, "counts")));
	if (json_object_get(e, "seed") != NULL)
		json_object_set_new(row, "seed", json_true());
	return row;
}

void
office_audit_page(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	struct audit_report rep;
	json_t *ctx = json_object(), *rows = json_array(), *e;
	char *data = NULL, *line, *save = NULL;
	size_t len, n = 0;
	json_error_t je;
	int ok;

	ok = audit_verify(o->b.audit_path, &rep) == 0;
	json_object_set_new(ctx, "title", json_string(office_str(o, "audit_title")));
	json_object_set_new(ctx, "nav_audit", json_true());
	json_object_set_new(ctx, "verified", json_boolean(ok));
	json_object_set_new(ctx, "entries", json_integer((json_int_t)rep.entries));
	json_object_set_new(ctx, "head", json_string(rep.head));
	json_object_set_new(ctx, "status", json_string(audit_status_str(rep.status)));
	json_object_set_new(ctx, "detail", json_string(rep.detail));
	json_object_set_new(ctx, "path", json_string(o->b.audit_path));
	/* the newest first: the lines are read whole, then walked backwards */
	if (fs_read_file(o->b.audit_path, &data, &len) == 0) {
		json_t *all = json_array();

		for (line = strtok_r(data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if ((e = json_loads(line, 0, &je)) != NULL)
				json_array_append_new(all, e);
		for (n = json_array_size(all); n > 0 &&
		    json_array_size(rows) < OFFICE_AUDIT_SHOWN; n--)
			json_array_append_new(rows, oa_entry(json_array_get(all, n - 1)));
		json_decref(all);
		free(data);
	}
	json_object_set_new(ctx, "rows", rows);
	office_page(o, rp, "audit", ctx);
}

void
office_keyring_page(struct office *o, struct office_req *rq, struct office_reply *rp)
{
	const struct keys_keyring *kr = &o->b.kr;
	json_t *ctx = json_object(), *keys = json_array(), *k;
	int64_t left = (int64_t)kr->expires_at - (int64_t)time(NULL);
	size_t i;

	json_object_set_new(ctx, "title", json_string(office_str(o, "keyring_title")));
	json_object_set_new(ctx, "nav_keyring", json_true());
	json_object_set_new(ctx, "issued", json_string(kr->issued));
	json_object_set_new(ctx, "expires", json_string(kr->expires));
	json_object_set_new(ctx, "days_left", json_integer(left > 0 ? left / 86400 : 0));
	json_object_set_new(ctx, "expiring", json_boolean(left < OFFICE_KEYRING_WARN));
	json_object_set_new(ctx, "root_key_id", json_string(kr->root_key_id));
	json_object_set_new(ctx, "path", json_string(o->b.keyring_path));
	for (i = 0; i < kr->nkeys; i++) {
		k = json_object();
		json_object_set_new(k, "role", json_string(keys_role_name(kr->keys[i].role)));
		json_object_set_new(k, "dealer", json_string(kr->keys[i].dealer));
		json_object_set_new(k, "name", office_text(kr->keys[i].name, 0));
		json_object_set_new(k, "key_id", json_string(kr->keys[i].key_id));
		json_object_set_new(k, "ours", json_boolean(strcmp(kr->keys[i].key_id,
		    o->b.id.pub.key_id) == 0));
		json_array_append_new(keys, k);
	}
	json_object_set_new(ctx, "keys", keys);
	office_page(o, rp, "keyring", ctx);
}
