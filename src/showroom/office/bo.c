/* The back-office commands' shared context; see bo.h. */
#include "showroom/office/bo.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "lib/text.h"
#include "lib/fsutil.h"
#include "lib/log.h"
#include "seal/record.h"
#include "showroom/keys/keys_secret.h"
#include "showroom/office/record_open.h"

#define BO_PURGE_DAYS	14

static void *
bo_json_malloc(size_t n)
{
	return malloc(n);
}

static void
bo_json_free(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

void
bo_json_wipe_init(void)
{
	json_set_alloc_funcs(bo_json_malloc, bo_json_free);
}

int
bo_option(struct bo_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case BO_O_CONFIG: o->config = arg; return 1;
	case BO_O_IDENTITY: o->identity = arg; return 1;
	case BO_O_SERVER: o->server = arg; return 1;
	case BO_O_STORE: o->store = arg; return 1;
	case BO_O_KEYRING: o->keyring = arg; return 1;
	case BO_O_ROOTPUB: o->root_pub = arg; return 1;
	default: return 0;
	}
}

int
bo_getopt(struct bo_opts *o, int argc, char **argv, const char *optstring,
    const struct option *longopts)
{
	int ch;

	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1 &&
	    bo_option(o, ch, optarg))
		;
	return ch;
}

int
bo_usage(void (*usage)(FILE *), int ch)
{
	usage(ch == 'h' ? stdout : stderr);
	return ch == 'h' ? 0 : EXIT_USAGE;
}

const char *
bo_conf_str(const struct bo *b, const char *name)
{
	json_t *v = json_object_get(b->conf, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* $XDG_x_HOME/showroom[/FILE] or $HOME/FALLBACK/showroom[/FILE]; NULL without either. */
static char *
bo_xdg(const char *var, const char *fallback, const char *file)
{
	const char *base = getenv(var), *home = getenv("HOME");
	char *p = NULL;
	int n;

	if (base != NULL && *base == '/')
		n = asprintf(&p, "%s/showroom%s%s", base, file ? "/" : "", file ? file : "");
	else if (home != NULL && *home != '\0')
		n = asprintf(&p, "%s/%s/showroom%s%s", home, fallback, file ? "/" : "",
		    file ? file : "");
	else
		return NULL;
	return n == -1 ? NULL : p;
}

static int
bo_config_load(struct bo *b, const char *path)
{
	char *def = NULL;
	json_error_t je;
	json_t *v;
	struct stat st;

	if (path == NULL) {
		def = bo_xdg("XDG_CONFIG_HOME", ".config", "config.json");
		if (def == NULL || stat(def, &st) == -1) {
			free(def);
			b->conf = json_object();
			return b->conf != NULL ? 0 : -1;
		}
		path = def;
	}
	b->conf = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (b->conf == NULL || !json_is_object(b->conf)) {
		log_error("%s: line %d: %s", path, je.line, b->conf ? "not a JSON object" :
		    je.text);
		free(def);
		return -1;
	}
	v = json_object_get(b->conf, "purge_days");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 3650)) {
		log_error("%s: purge_days must be a number of days, 0 to 3650", path);
		free(def);
		return -1;
	}
	free(def);
	return 0;
}

static int
bo_keyring(struct bo *b)
{
	struct keys_public root;
	struct keys_error ke;

	if (b->keyring_path == NULL || b->root_pub == NULL) {
		log_error("the keyring and the pinned root key are needed: --keyring FILE and "
		    "--root-pub FILE (or \"keyring\" and \"root_pub\" in the config)");
		return EXIT_USAGE;
	}
	if (keys_public_read(b->root_pub, &root, &ke) != KEYS_OK) {
		log_error("%s", ke.msg);
		return BO_EXIT_KEYRING;
	}
	if (root.role != KEYS_ROLE_ROOT) {
		log_error("%s: not a root key", b->root_pub);
		return BO_EXIT_KEYRING;
	}
	if (keys_keyring_read(b->keyring_path, &root, time(NULL), &b->kr, &ke) != KEYS_OK) {
		log_error("keyring refused: %s", ke.msg);
		return BO_EXIT_KEYRING;
	}
	b->have_kr = 1;
	return 0;
}

/* Our key must be in the keyring with the very same public keys. */
static int
bo_key_in_keyring(struct bo *b)
{
	const struct keys_public *k = keys_keyring_find(&b->kr, b->id.pub.key_id);

	if (k == NULL) {
		log_error("key %s (%s.public) is not in the keyring %s: ask for a keyring that "
		    "lists it", b->id.pub.key_id, b->identity, b->keyring_path);
		return BO_EXIT_KEYRING;
	}
	if (sodium_memcmp(k->x25519, b->id.pub.x25519, KEYS_X25519_BYTES) != 0 ||
	    sodium_memcmp(k->ed25519, b->id.pub.ed25519, KEYS_ED25519_PK_BYTES) != 0) {
		log_error("MISMATCH: the keyring holds other public keys for %s than %s.public",
		    b->id.pub.key_id, b->identity);
		return BO_EXIT_KEYRING;
	}
	return 0;
}

void
bo_error(struct bo *b, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_error("%s", line);
	if (b != NULL && b->msgs != NULL)
		buf_printf(b->msgs, "%s\n", line);
}

void
bo_warn(struct bo *b, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_warn("%s", line);
	if (b != NULL && b->msgs != NULL)
		buf_printf(b->msgs, "%s\n", line);
}

int
bo_unlock(struct bo *b, const char *given)
{
	struct keys_identity id;
	struct keys_error ke;
	char file[4096], *pass = NULL;
	int rc;

	snprintf(file, sizeof(file), "%s.secret", b->identity);
	if (given == NULL && keys_passphrase(file, 0, &pass, &ke) != KEYS_OK) {
		bo_error(b, "%s", ke.msg);
		return ke.code == KEYS_E_NOPASS ? BO_EXIT_PASSPHRASE : BO_EXIT_FAIL;
	}
	rc = keys_secret_open(b->identity, given != NULL ? given : pass, &id, &ke);
	if (pass != NULL)
		keys_passphrase_free(pass);
	if (rc != KEYS_OK) {
		if (ke.code == KEYS_E_PASSPHRASE) {
			bo_error(b, "wrong passphrase for %s (or the file is damaged)", file);
			return BO_EXIT_PASSPHRASE;
		}
		bo_error(b, "%s", ke.msg);
		return BO_EXIT_FAIL;
	}
	if (strcmp(id.pub.key_id, b->id.pub.key_id) != 0) {
		keys_identity_free(&id);
		bo_error(b, "%s: the secret key is not the one of %s.public", file, b->identity);
		return BO_EXIT_FAIL;
	}
	bo_lock(b);
	b->id = id;
	b->have_secret = 1;
	return 0;
}

void
bo_lock(struct bo *b)
{
	if (b->id.sec != NULL)
		sodium_free(b->id.sec);	/* wipes it */
	b->id.sec = NULL;
	b->have_secret = 0;
}

static int
bo_identity(struct bo *b, unsigned need)
{
	struct keys_error ke;
	char file[4096];
	int rc;

	if (b->identity == NULL) {
		log_error("no identity: --identity PREFIX (or \"identity\" in the config)");
		return EXIT_USAGE;
	}
	snprintf(file, sizeof(file), "%s.public", b->identity);
	if (keys_public_read(file, &b->id.pub, &ke) != KEYS_OK) {
		log_error("%s", ke.msg);
		return BO_EXIT_FAIL;
	}
	if (b->id.pub.role == KEYS_ROLE_ROOT) {
		log_error("%s: a root key opens nothing; use an hq or dealer key", file);
		return EXIT_USAGE;
	}
	/* the keyring first: a key it lacks is reported before a passphrase is typed */
	if ((need & BO_NEED_KEYRING) && (rc = bo_key_in_keyring(b)) != 0)
		return rc;
	if (need & BO_NEED_SECRET)
		return bo_unlock(b, NULL);
	return 0;
}

static int
bo_store(struct bo *b, const char *opt)
{
	char err[512];

	if (opt != NULL)
		b->store_dir = strdup(opt);
	else if (bo_conf_str(b, "store") != NULL)
		b->store_dir = strdup(bo_conf_str(b, "store"));
	else if ((b->store_dir = bo_xdg("XDG_DATA_HOME", ".local/share", NULL)) == NULL) {
		log_error("no store directory: --store DIR (or set $XDG_DATA_HOME or $HOME)");
		return EXIT_USAGE;
	}
	if (b->store_dir == NULL || (b->audit_path = fs_join(b->store_dir, "audit.log")) ==
	    NULL) {
		log_error("out of memory");
		return BO_EXIT_FAIL;
	}
	if (bostore_open(b->store_dir, &b->db, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return BO_EXIT_FAIL;
	}
	return 0;
}

#define BO_PICK(opt, name)	((opt) != NULL ? (opt) : bo_conf_str(b, (name)))

int
bo_init(struct bo *b, const struct bo_opts *o, unsigned need)
{
	json_t *v;
	int rc;

	memset(b, 0, sizeof(*b));
	bo_json_wipe_init();
	umask(077);	/* everything we write holds or points at personal data */
	if (bo_config_load(b, o->config) == -1)
		return EXIT_USAGE;
	b->identity = BO_PICK(o->identity, "identity");
	b->server = BO_PICK(o->server, "server");
	b->keyring_path = BO_PICK(o->keyring, "keyring");
	b->root_pub = BO_PICK(o->root_pub, "root_pub");
	v = json_object_get(b->conf, "purge_days");
	b->purge_days = v != NULL ? (int)json_integer_value(v) : BO_PURGE_DAYS;
	if ((need & BO_NEED_KEYRING) && (rc = bo_keyring(b)) != 0)
		return rc;
	if ((need & (BO_NEED_SECRET | BO_NEED_PUBLIC)) && (rc = bo_identity(b, need)) != 0)
		return rc;
	if ((need & BO_NEED_STORE) && (rc = bo_store(b, o->store)) != 0)
		return rc;
	return 0;
}

void
bo_done(struct bo *b)
{
	if (b->have_secret)
		keys_identity_free(&b->id);
	if (b->have_kr)
		keys_keyring_free(&b->kr);
	bostore_close(b->db);
	free(b->store_dir);
	free(b->audit_path);
	json_decref(b->conf);
	memset(b, 0, sizeof(*b));
}

int
bo_audit(struct bo *b, const char *action, const struct audit_count *c, size_t n,
    const char *file, const char *format, const struct audit_seed *seed)
{
	struct audit_entry e;
	char err[512];

	memset(&e, 0, sizeof(e));
	e.key_id = b->id.pub.key_id[0] != '\0' ? b->id.pub.key_id : "-";
	e.action = action;
	e.counts = c;
	e.ncounts = n;
	e.file = file;
	e.format = format;
	e.seed = seed;
	if (audit_append(b->audit_path, &e, err, sizeof(err)) == -1) {
		log_error("audit log %s: %s", b->audit_path, err);
		return -1;
	}
	return 0;
}

const char *
bo_plain_kind(const char *kind)
{
	if (strcmp(kind, "catalog_request") == 0)
		return "catalog";
	if (strcmp(kind, "test_drive") == 0 || strcmp(kind, "cancellation") == 0)
		return kind;
	return NULL;
}

int
bo_open_record(const struct bo *b, const struct bostore_rec *r, json_t **doc, char *err,
    size_t errlen)
{
	struct record_meta m;
	json_error_t je;
	const char *want;
	char *pt = NULL;
	size_t ptlen = 0;
	json_t *d, *k;

	*doc = NULL;
	if (strcmp(r->key_id, b->id.pub.key_id) != 0) {
		snprintf(err, errlen, "record %s: MISMATCH: sealed to %s, not to our key %s",
		    r->id, r->key_id, b->id.pub.key_id);
		return -1;
	}
	if ((want = bo_plain_kind(r->kind)) == NULL) {
		snprintf(err, errlen, "record %s: unknown kind", r->id);
		return -1;
	}
	m.id = r->id;
	m.kind = r->kind;
	m.key_id = r->key_id;
	m.created = r->created;
	if (record_open(&m, b->id.sec->x25519, r->enc, r->ct, r->ct_len, &pt, &ptlen) == -1) {
		snprintf(err, errlen, "record %s does not open: tampered with, moved, or sealed "
		    "to another key", r->id);
		return -1;
	}
	d = json_loadb(pt, ptlen, JSON_REJECT_DUPLICATES, &je);
	sodium_memzero(pt, ptlen);
	free(pt);
	k = json_object_get(d, RECORD_F_KIND);
	if (!json_is_object(d) || !json_is_string(k) || strcmp(json_string_value(k), want) != 0) {
		json_decref(d);
		snprintf(err, errlen, "record %s opens but is not a valid %s record", r->id, want);
		return -1;
	}
	*doc = d;
	return 0;
}

void
bo_progress(const char *what, size_t done, size_t total)
{
	char bar[21];
	size_t i, fill;

	if (!isatty(STDERR_FILENO))
		return;
	fill = total > 0 ? done * 20 / total : 20;
	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	fprintf(stderr, "\r%s %zu/%zu [%s]%s", what, done, total, bar,
	    done >= total ? "\n" : "");
	fflush(stderr);
}

void
bo_cell(FILE *f, const char *s, int width)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(s != NULL ? s : "");
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	int used = 0, w;

	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0) {
			cp = 0xfffd;
			n = 1;
		} else if (text_unsafe((uint32_t)cp))
			cp = 0xfffd;
		w = utf8proc_charwidth(cp);
		if (w < 0)
			w = 1;
		if (used + w > width - 1 && p[n] != '\0') {
			fputs("\xe2\x80\xa6", f);
			used++;
			break;
		}
		if (used + w > width)
			break;
		if (cp == 0xfffd)
			fputs("\xef\xbf\xbd", f);
		else
			fwrite(p, 1, (size_t)n, f);
		used += w;
		p += n;
	}
	for (; used < width; used++)
		fputc(' ', f);
}

void
bo_slot_from(struct bostore_rec *r, json_t *doc)
{
	json_t *d = json_object_get(doc, RECORD_F_DEALER), *m = json_object_get(doc,
	    RECORD_F_MODEL), *s = json_object_get(doc, RECORD_F_SLOT);

	/* "YYYY-MM-DDTHH:MM" only: it is compared as text */
	if (!json_is_string(d) || !json_is_string(m) || !json_is_string(s) ||
	    strlen(json_string_value(s)) != 16 || json_string_value(s)[10] != 'T')
		return;
	snprintf(r->slot_dealer, sizeof(r->slot_dealer), "%s", json_string_value(d));
	snprintf(r->slot_model, sizeof(r->slot_model), "%s", json_string_value(m));
	snprintf(r->slot_start, sizeof(r->slot_start), "%s", json_string_value(s));
}
