#include "showroomd/reply.h"

#include <stdio.h>
#include <stdlib.h>

#include "showroomd/pages.h"

void
reply_header(struct app_reply *rp, const char *name, const char *value)
{
	if (rp->nextra >= APP_MAX_EXTRA)
		return;
	snprintf(rp->extra_name[rp->nextra], sizeof(rp->extra_name[0]), "%s", name);
	snprintf(rp->extra_value[rp->nextra], sizeof(rp->extra_value[0]), "%s", value);
	rp->nextra++;
}

void
reply_free(struct app_reply *rp)
{
	/* replies to forms echo what the visitor typed */
	buf_wipe(&rp->body);
}

void
reply_page(struct app_reply *rp, unsigned status, const struct pages *p, const char *tmpl,
    json_t *ctx)
{
	rp->ctype = "text/html; charset=utf-8";
	rp->no_store = 1;
	rp->status = status;
	if (ctx == NULL || pages_render(p, tmpl, ctx, &rp->body) == -1) {
		buf_reset(&rp->body);
		buf_puts(&rp->body, "<!doctype html><title>500</title><p>Internal error.</p>\n");
		rp->status = 500;
	}
	json_decref(ctx);
}

void
reply_message(struct app_reply *rp, unsigned status, const struct pages *p, enum lang l,
    const char *heading_key, const char *para_key)
{
	rp->ctype = "text/html; charset=utf-8";
	rp->no_store = 1;
	rp->status = status;
	if (pages_message(p, l, heading_key, &para_key, para_key ? 1 : 0, &rp->body) == -1) {
		buf_reset(&rp->body);
		buf_puts(&rp->body, "<!doctype html><title>500</title><p>Internal error.</p>\n");
		rp->status = 500;
	}
}

void
reply_redirect(struct app_reply *rp, const char *path)
{
	rp->status = 303;
	rp->no_store = 1;
	rp->ctype = "text/plain; charset=utf-8";
	reply_header(rp, "Location", path);
}

void
reply_json(struct app_reply *rp, unsigned status, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);

	rp->status = status;
	rp->ctype = "application/json";
	rp->no_store = 1;
	buf_puts(&rp->body, text ? text : "{}");
	buf_putc(&rp->body, '\n');
	free(text);
	json_decref(doc);
}

void
reply_json_error(struct app_reply *rp, unsigned status, const char *msg)
{
	rp->status = status;
	rp->ctype = "application/json";
	rp->no_store = 1;
	buf_printf(&rp->body, "{\"error\":\"%s\"}\n", msg);
}
