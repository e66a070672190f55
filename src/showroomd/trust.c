#include "showroomd/trust.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
trust_pin(const char *path, struct keys_public *root, char *err, size_t errlen)
{
	struct keys_error kerr;

	if (keys_public_read(path, root, &kerr) != KEYS_OK) {
		snprintf(err, errlen, "%s", kerr.msg);
		return -1;
	}
	if (root->role != KEYS_ROLE_ROOT) {
		snprintf(err, errlen, "%s: not the brand root's public key (role %s)", path,
		    keys_role_name(root->role));
		return -1;
	}
	return 0;
}

struct trust *
trust_load(const char *path, const struct keys_public *root, time_t now, char *err,
    size_t errlen)
{
	struct keys_error kerr;
	struct trust *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (keys_keyring_read(path, root, now, &t->kr, &kerr) != KEYS_OK) {
		snprintf(err, errlen, "%s", kerr.msg);
		free(t);
		return NULL;
	}
	atomic_store(&t->refs, 1);
	return t;
}

static pthread_mutex_t trust_lock = PTHREAD_MUTEX_INITIALIZER;
static struct trust *trust_current;

void
trust_install(struct trust *t)
{
	struct trust *old;

	pthread_mutex_lock(&trust_lock);
	old = trust_current;
	trust_current = t;
	pthread_mutex_unlock(&trust_lock);
	trust_release(old);
}

struct trust *
trust_acquire(time_t now)
{
	struct trust *t;

	/* The lock makes "read the pointer, take a reference" one step against a swap. */
	pthread_mutex_lock(&trust_lock);
	t = trust_current;
	if (t != NULL && keys_keyring_expired(&t->kr, now))
		t = NULL;
	if (t != NULL)
		atomic_fetch_add(&t->refs, 1);
	pthread_mutex_unlock(&trust_lock);
	return t;
}

void
trust_release(struct trust *t)
{
	if (t != NULL && atomic_fetch_sub(&t->refs, 1) == 1) {
		keys_keyring_free(&t->kr);
		free(t);
	}
}
