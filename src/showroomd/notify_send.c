/*
 * The notice sender: one thread that looks at the store's outbox at start and every
 * "poll" seconds, and sends each recipient's due notice by e-mail (libcurl SMTP,
 * STARTTLS required) and/or webhook (an HTTPS POST signed with HMAC-SHA256). The store
 * decides what is due and records the outcome (store_notice_next). Logs name the
 * recipient and the channel, never an address, a URL (chat hooks embed tokens) or a
 * secret; no notice holds personal data in the first place.
 */
#include "showroomd/notify.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "seal/keys.h"
#include "showroomd/trust.h"

#define NOTIFY_CONNECT_TIMEOUT	10	/* seconds */
#define NOTIFY_TIMEOUT		30
#define NOTIFY_BURST		64	/* notices per look, then the next look */

struct notify {
	struct store			*st;
	const struct notify_config	*cfg;
	CURL				*curl;
	pthread_t			 thread;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cond;
	int				 running;
};

/* libcurl's progress callback: a stop cuts a transfer short. */
static int
notify_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct notify *n = arg;
	int stop;

	pthread_mutex_lock(&n->mu);
	stop = !n->running;
	pthread_mutex_unlock(&n->mu);
	return stop;
}

static size_t
notify_discard(char *data, size_t size, size_t nmemb, void *arg)
{
	return size * nmemb;	/* a webhook's answer is of no interest */
}

static void
notify_common(struct notify *n, char *cerr)
{
	curl_easy_reset(n->curl);
	curl_easy_setopt(n->curl, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(n->curl, CURLOPT_CONNECTTIMEOUT, (long)NOTIFY_CONNECT_TIMEOUT);
	curl_easy_setopt(n->curl, CURLOPT_TIMEOUT, (long)NOTIFY_TIMEOUT);
	curl_easy_setopt(n->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(n->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(n->curl, CURLOPT_XFERINFOFUNCTION, notify_progress);
	curl_easy_setopt(n->curl, CURLOPT_XFERINFODATA, n);
	curl_easy_setopt(n->curl, CURLOPT_FOLLOWLOCATION, 0L);
}

struct notify_reader {
	const struct buf	*b;
	size_t			 off;
};

static size_t
notify_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct notify_reader *r = arg;
	size_t n = size * nmemb;

	if (n > r->b->len - r->off)
		n = r->b->len - r->off;
	memcpy(dst, r->b->data + r->off, n);
	r->off += n;
	return n;
}

static int
notify_email_send(struct notify *n, const struct notify_msg *m, const struct notify_email *e)
{
	struct curl_slist *rcpt = NULL, *l;
	struct notify_reader rd;
	struct buf msg = BUF_INIT;
	unsigned char rnd[16];
	char cerr[CURL_ERROR_SIZE], from[300], to[300], msgid[96], hex[33];
	CURLcode cc = CURLE_OUT_OF_MEMORY;
	size_t i;

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(msgid, sizeof(msgid), "%s.notice@%s", hex, strchr(e->from, '@') + 1);
	if (notify_mail(m, e, msgid, &msg) == -1)
		goto out;
	for (i = 0; i < e->nto; i++) {
		snprintf(to, sizeof(to), "<%s>", e->to[i]);
		if ((l = curl_slist_append(rcpt, to)) == NULL)
			goto out;
		rcpt = l;
	}
	snprintf(from, sizeof(from), "<%s>", e->from);
	cerr[0] = '\0';
	notify_common(n, cerr);
	rd.b = &msg;
	rd.off = 0;
	curl_easy_setopt(n->curl, CURLOPT_URL, e->url);
	curl_easy_setopt(n->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS required: no fallback to plain text unless configured for loopback */
	curl_easy_setopt(n->curl, CURLOPT_USE_SSL, (long)(e->starttls ? CURLUSESSL_ALL :
	    CURLUSESSL_NONE));
	curl_easy_setopt(n->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(n->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(n->curl, CURLOPT_READFUNCTION, notify_read);
	curl_easy_setopt(n->curl, CURLOPT_READDATA, &rd);
	curl_easy_setopt(n->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(n->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	if (e->username != NULL) {
		curl_easy_setopt(n->curl, CURLOPT_USERNAME, e->username);
		curl_easy_setopt(n->curl, CURLOPT_PASSWORD, e->password);
	}
	cc = curl_easy_perform(n->curl);
	if (cc != CURLE_OK)
		log_warn("notice: %s: e-mail not sent: %s", m->selector,
		    cerr[0] ? cerr : curl_easy_strerror(cc));
out:
	curl_easy_reset(n->curl);	/* it pointed at our buffers */
	curl_slist_free_all(rcpt);
	buf_free(&msg);
	return cc == CURLE_OK ? 0 : -1;
}

static int
notify_webhook_send(struct notify *n, const struct notify_msg *m,
    const struct notify_webhook *w)
{
	struct curl_slist *hdrs = NULL, *l;
	struct buf body = BUF_INIT;
	char cerr[CURL_ERROR_SIZE], sig[160], line[200];
	CURLcode cc = CURLE_OUT_OF_MEMORY;
	long status = 0;

	if (notify_webhook_body(m, &body) == -1)
		goto out;
	notify_signature(w->secret, m->now, body.data, body.len, sig, sizeof(sig));
	snprintf(line, sizeof(line), NOTIFY_SIG_HEADER ": %s", sig);
	if ((hdrs = curl_slist_append(NULL, "Content-Type: application/json")) == NULL ||
	    (l = curl_slist_append(hdrs, line)) == NULL)
		goto out;
	hdrs = l;
	cerr[0] = '\0';
	notify_common(n, cerr);
	curl_easy_setopt(n->curl, CURLOPT_URL, w->url);
	curl_easy_setopt(n->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(n->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(n->curl, CURLOPT_USERAGENT, "showroomd-notice/1");
	curl_easy_setopt(n->curl, CURLOPT_POSTFIELDS, body.data);
	curl_easy_setopt(n->curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(n->curl, CURLOPT_WRITEFUNCTION, notify_discard);
	if ((cc = curl_easy_perform(n->curl)) == CURLE_OK) {
		curl_easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status < 200 || status > 299) {
			log_warn("notice: %s: webhook answered %ld", m->selector, status);
			cc = CURLE_HTTP_RETURNED_ERROR;
		}
	} else
		log_warn("notice: %s: webhook not reached: %s", m->selector,
		    cerr[0] ? cerr : curl_easy_strerror(cc));
out:
	curl_easy_reset(n->curl);
	curl_slist_free_all(hdrs);
	buf_free(&body);
	return cc == CURLE_OK ? 0 : -1;
}

/* store_notice_fn: who the key is, by the keyring in use, then its channels. */
static enum store_notice_outcome
notify_send_one(const struct store_notice *sn, void *arg)
{
	struct notify *n = arg;
	const struct notify_recipient *r;
	const struct keys_public *k;
	struct notify_msg m;
	struct trust *t = trust_acquire(time(NULL));
	char who[128];
	int role = 0, bad = 0;

	snprintf(who, sizeof(who), "key %s", sn->key_id);
	if (t != NULL && (k = keys_keyring_find(&t->kr, sn->key_id)) != NULL) {
		role = (int)k->role;
		if (k->role == KEYS_ROLE_DEALER)
			snprintf(who, sizeof(who), "dealer %s (%s)", k->dealer, sn->key_id);
		else
			snprintf(who, sizeof(who), "hq (%s)", sn->key_id);
		r = notify_find(n->cfg, sn->key_id, role, k->dealer);
	} else
		r = notify_find(n->cfg, sn->key_id, 0, NULL);
	trust_release(t);
	if (r == NULL) {
		log_info("notice: no channel for key %s: dropped", sn->key_id);
		return STORE_NOTICE_SKIP;
	}
	memset(&m, 0, sizeof(m));
	m.who = who;
	m.selector = r->selector;
	m.office_url = r->office_url ? r->office_url : n->cfg->office_url;
	m.n = sn;
	m.now = (int64_t)time(NULL);
	/* every channel must have it; a retry sends on all of them again */
	if (r->email != NULL && notify_email_send(n, &m, r->email) == -1)
		bad++;
	if (r->webhook != NULL && notify_webhook_send(n, &m, r->webhook) == -1)
		bad++;
	if (bad == 0)
		log_info("notice: %s: delivered", r->selector);
	return bad ? STORE_NOTICE_FAILED : STORE_NOTICE_SENT;
}

static void *
notify_run(void *arg)
{
	struct notify *n = arg;
	enum store_notice_outcome out;
	struct store_err se;
	struct timespec ts;
	int i, rc;

	pthread_mutex_lock(&n->mu);
	while (n->running) {
		for (i = 0; i < NOTIFY_BURST && n->running; i++) {
			pthread_mutex_unlock(&n->mu);
			rc = store_notice_next(n->st, (int64_t)time(NULL), &n->cfg->policy,
			    notify_send_one, n, &out, &se);
			pthread_mutex_lock(&n->mu);
			if (rc == STORE_NOT_FOUND)
				break;
			if (rc != STORE_OK) {
				log_warn("notice: %s", se.msg);
				break;
			}
		}
		if (!n->running)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += n->cfg->poll;
		pthread_cond_timedwait(&n->cond, &n->mu, &ts);
	}
	pthread_mutex_unlock(&n->mu);
	return NULL;
}

struct notify *
notify_start(struct store *st, const struct notify_config *cfg, char *err, size_t errlen)
{
	struct notify *n;

	if ((n = calloc(1, sizeof(*n))) == NULL || (n->curl = curl_easy_init()) == NULL) {
		free(n);
		snprintf(err, errlen, "notices: out of memory");
		return NULL;
	}
	n->st = st;
	n->cfg = cfg;
	n->running = 1;
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cond, NULL);
	if (pthread_create(&n->thread, NULL, notify_run, n) != 0) {
		snprintf(err, errlen, "notices: cannot start the sender thread");
		curl_easy_cleanup(n->curl);
		pthread_mutex_destroy(&n->mu);
		pthread_cond_destroy(&n->cond);
		free(n);
		return NULL;
	}
	log_info("notices: %zu recipient%s, at most one each per %lld s", cfg->nr,
	    cfg->nr == 1 ? "" : "s", (long long)cfg->policy.interval);
	return n;
}

void
notify_stop(struct notify *n)
{
	if (n == NULL)
		return;
	pthread_mutex_lock(&n->mu);
	n->running = 0;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->mu);
	pthread_join(n->thread, NULL);
	curl_easy_cleanup(n->curl);
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cond);
	free(n);
}
