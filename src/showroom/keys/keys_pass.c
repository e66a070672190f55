/*
 * Passphrases for secret key files: from $SHOWROOM_PASSPHRASE (for scripts and tests), else
 * typed on the controlling terminal with echo off. The passphrase only ever lives in
 * sodium_malloc'd memory, which is wiped when freed.
 */
#include "seal/keys.h"
#include "showroom/keys/keys_secret.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASS_SIZE	(KEYS_PASS_MAX + 1)

/* The signals that would otherwise leave the terminal with echo off. */
static const int pass_signals[] = {
	SIGALRM, SIGHUP, SIGINT, SIGPIPE, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU
};
#define PASS_NSIGNALS	(sizeof(pass_signals) / sizeof(pass_signals[0]))

static volatile sig_atomic_t pass_signo;

static void
pass_catch(int sig)
{
	pass_signo = sig;
}

static int
pass_err(struct keys_error *err, int code, const char *msg)
{
	if (err != NULL) {
		err->code = code;
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
	}
	return code;
}

static void
pass_write(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* Reads a line from the terminal into buf. Returns 0, or -1 when a signal came (pass_signo),
 * -2 when the line was too long, -3 at end of input. */
static int
pass_read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char c;
	int toolong = 0, rc;

	for (;;) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR && pass_signo == 0)
			continue;
		if (n != 1 || c == '\n' || c == '\r')
			break;
		if (len + 1 < size)
			buf[len++] = c;
		else
			toolong = 1;
	}
	buf[len] = '\0';
	c = '\0';
	if (pass_signo != 0)
		rc = -1;
	else if (toolong)
		rc = -2;
	else if (n != 1 && len == 0)
		rc = -3;
	else
		rc = 0;
	return rc;
}

/*
 * Prompts on the terminal FD and reads a line with echo off. Signals are caught while echo is
 * off so that the terminal is always restored; the signal is then delivered again.
 */
static int
pass_tty(int fd, const char *prompt, char *buf, struct keys_error *err)
{
	struct sigaction sa, saved[PASS_NSIGNALS];
	struct termios old, quiet;
	size_t i;
	int restore = 0, rc;

	pass_signo = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_catch;	/* no SA_RESTART: read must return on a signal */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < PASS_NSIGNALS; i++)
		sigaction(pass_signals[i], &sa, &saved[i]);
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	pass_write(fd, prompt);
	rc = pass_read_line(fd, buf, PASS_SIZE);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	pass_write(fd, "\n");
	for (i = 0; i < PASS_NSIGNALS; i++)
		sigaction(pass_signals[i], &saved[i], NULL);
	if (rc != 0)
		sodium_memzero(buf, PASS_SIZE);
	if (rc == -1) {
		raise(pass_signo);
		return pass_err(err, KEYS_E_NOPASS, "interrupted while reading the passphrase");
	}
	if (rc == -2)
		return pass_err(err, KEYS_E_INVALID, "passphrase too long");
	if (rc == -3)
		return pass_err(err, KEYS_E_NOPASS, "no passphrase given (end of input)");
	return KEYS_OK;
}

/* Asks on /dev/tty, twice when confirming. */
static int
pass_ask(const char *file, int confirm, char *pass, struct keys_error *err)
{
	char prompt[512], *again = NULL;
	int fd, rc;

	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		if (err != NULL) {
			err->code = KEYS_E_NOPASS;
			snprintf(err->msg, sizeof(err->msg), "no passphrase for %s: set %s or run "
			    "this command from a terminal", file, KEYS_PASS_ENV);
		}
		return KEYS_E_NOPASS;
	}
	snprintf(prompt, sizeof(prompt), "%s for %s: ",
	    confirm ? "New passphrase" : "Passphrase", file);
	if ((rc = pass_tty(fd, prompt, pass, err)) != KEYS_OK || !confirm)
		goto out;
	if ((again = sodium_malloc(PASS_SIZE)) == NULL) {
		rc = pass_err(err, KEYS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = pass_tty(fd, "Type it again: ", again, err)) != KEYS_OK)
		goto out;
	if (strlen(pass) != strlen(again) ||
	    sodium_memcmp(pass, again, strlen(pass)) != 0)
		rc = pass_err(err, KEYS_E_INVALID, "the two passphrases differ");
out:
	sodium_free(again);
	close(fd);
	return rc;
}

int
keys_passphrase(const char *file, int confirm, char **passp, struct keys_error *err)
{
	const char *env = getenv(KEYS_PASS_ENV);
	char *pass;
	int rc = KEYS_OK;

	*passp = NULL;
	if (sodium_init() < 0)
		return pass_err(err, KEYS_E_SYSTEM, "libsodium could not be initialised");
	if ((pass = sodium_malloc(PASS_SIZE)) == NULL)
		return pass_err(err, KEYS_E_NOMEM, "out of memory");
	sodium_memzero(pass, PASS_SIZE);
	if (env != NULL) {
		if (env[0] == '\0')
			rc = pass_err(err, KEYS_E_INVALID, KEYS_PASS_ENV " is set but empty");
		else if (strlen(env) > KEYS_PASS_MAX)
			rc = pass_err(err, KEYS_E_INVALID, KEYS_PASS_ENV " is too long");
		else
			memcpy(pass, env, strlen(env) + 1);
	} else
		rc = pass_ask(file, confirm, pass, err);
	if (rc == KEYS_OK && pass[0] == '\0')
		rc = pass_err(err, KEYS_E_INVALID, "the passphrase is empty");
	if (rc != KEYS_OK) {
		sodium_free(pass);
		return rc;
	}
	*passp = pass;
	return KEYS_OK;
}

void
keys_passphrase_free(char *pass)
{
	sodium_free(pass);	/* wipes it */
}
