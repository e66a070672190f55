#include "showroomd/app.h"

#include <stdio.h>
#include <string.h>

void
app_reply_header(struct app_reply *rp, const char *name, const char *value)
{
	if (rp->nextra >= APP_MAX_EXTRA)
		return;
	snprintf(rp->extra_name[rp->nextra], sizeof(rp->extra_name[0]), "%s", name);
	snprintf(rp->extra_value[rp->nextra], sizeof(rp->extra_value[0]), "%s", value);
	rp->nextra++;
}

void
app_reply_free(struct app_reply *rp)
{
	/* replies to forms echo what the visitor typed */
	buf_wipe(&rp->body);
}

enum app_route
app_route(const char *method, const char *path, enum lang *lang, int *body_ok)
{
	*lang = strncmp(path, "/en/", 4) == 0 ? LANG_EN : LANG_JA;
	*body_ok = 0;
	return APP_NONE;
}

void
app_handle(struct app *app, enum app_route route, const struct app_request *rq,
    struct app_reply *rp)
{
	rp->status = 404;
	rp->ctype = "text/plain; charset=utf-8";
	buf_puts(&rp->body, "not found\n");
}
