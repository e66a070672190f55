/*
 * Nothing typed into a form stays in the server's memory once it has answered. After each kind
 * of reply to a form (303, 409, 422, 400, 429) the live, idle showroomd is dumped with gcore
 * and the dump searched for every value typed so far in this run: as typed (UTF-8), as sent
 * (form-urlencoded), as echoed (HTML-escaped), as normalized for sealing, and for the random
 * token inside each value, so that a fragment counts too. Zero hits.
 *
 * Every value carries ten random letters, so a value typed in an earlier run cannot match.
 * gcore needs ptrace: without permission the test says so and skips. Cores are hundreds of
 * megabytes: each is searched and deleted before the next.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/fsutil.h"
#include "testkeys.h"
#include "testsrv.h"

#define DEALER		"tokyo-setagaya"
#define MAX_MARKERS	96

/* One value typed into a form. */
struct marker {
	char	what[64];	/* the submission and the field */
	char	typed[160];	/* as typed, UTF-8 */
	char	stored[160];	/* as normalized for the sealed record, when not as typed */
	char	token[11];	/* the random letters inside typed; "" for none */
};

static struct marker markers[MAX_MARKERS];
static size_t nmarkers;
static char dir[256], site[300], data[300], keyring[300], rootpub[300], model[64];
static struct testsrv srv;
static int no_ptrace;

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
idem(char out[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

static void
token(char out[11])
{
	unsigned char r[10];
	size_t i;

	randombytes_buf(r, sizeof(r));
	for (i = 0; i < 10; i++)
		out[i] = (char)('a' + r[i] % 26);
	out[10] = '\0';
}

/* A new value for WHAT: PREFIX, a fresh token, SUFFIX. */
static const char *
mark(const char *step, const char *field, const char *prefix, const char *suffix)
{
	struct marker *m;
	char tok[11];

	assert_true(nmarkers < MAX_MARKERS);
	m = &markers[nmarkers++];
	token(tok);
	memcpy(m->token, tok, sizeof(tok));
	snprintf(m->what, sizeof(m->what), "%s: %s", step, field);
	snprintf(m->typed, sizeof(m->typed), "%s%s%s", prefix, tok, suffix);
	m->stored[0] = '\0';
	return m->typed;
}

/* A phone number as typed with hyphens; stored as digits. No token: digits are common. */
static const char *
mark_phone(const char *step)
{
	struct marker *m;
	unsigned char r[8];
	char d[9];
	size_t i;

	assert_true(nmarkers < MAX_MARKERS);
	m = &markers[nmarkers++];
	randombytes_buf(r, sizeof(r));
	for (i = 0; i < 8; i++)
		d[i] = (char)('0' + r[i] % 10);
	d[8] = '\0';
	snprintf(m->what, sizeof(m->what), "%s: phone", step);
	snprintf(m->typed, sizeof(m->typed), "090-%.4s-%.4s", d, d + 4);
	snprintf(m->stored, sizeof(m->stored), "090%s", d);
	m->token[0] = '\0';
	return m->typed;
}

/* application/x-www-form-urlencoded, as a browser sends it. */
static void
form_encode(const char *s, struct buf *out)
{
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_')
			buf_putc(out, (char)c);
		else if (c == ' ')
			buf_putc(out, '+');
		else
			buf_printf(out, "%%%02X", c);
	}
}

/* As the templates escape it (src/lib/tmpl.c). */
static void
html_escape(const char *s, struct buf *out)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_putc(out, *s); break;
		}
	}
}

static void
field(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_putc(b, '&');
	buf_printf(b, "%s=", name);
	form_encode(value, b);
}

/* ---- searching a core ---- */

struct needle {
	struct buf	 b;
	const char	*how;		/* "as typed", "form-encoded", ... */
	int		 marker;	/* index in markers, -1 for the control */
	size_t		 hits;
	int		 next;		/* same first two bytes */
};

struct search {
	struct needle	*v;
	size_t		 n;
	int		 head[65536];
};

static void
search_add(struct search *s, int marker, const char *how, const struct buf *b)
{
	struct needle *nd;
	size_t i;
	unsigned k;

	if (b->len < 2)
		return;
	for (i = 0; i < s->n; i++)	/* the same bytes under two names: count once */
		if (s->v[i].b.len == b->len && memcmp(s->v[i].b.data, b->data, b->len) == 0)
			return;
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	assert_non_null(s->v);
	nd = &s->v[s->n];
	memset(nd, 0, sizeof(*nd));
	buf_append(&nd->b, b->data, b->len);
	nd->how = how;
	nd->marker = marker;
	k = (unsigned)(unsigned char)b->data[0] << 8 | (unsigned char)b->data[1];
	nd->next = s->head[k];
	s->head[k] = (int)s->n++;
}

static void
search_add_str(struct search *s, int marker, const char *how, const char *str)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, str);
	search_add(s, marker, how, &b);
	buf_free(&b);
}

/* Every marker so far in every form it may have taken in memory, and the control. */
static void
search_init(struct search *s, const char *control)
{
	struct buf b = BUF_INIT;
	size_t i;

	memset(s, 0, sizeof(*s));
	memset(s->head, 0xff, sizeof(s->head));
	search_add_str(s, -1, "control", control);
	for (i = 0; i < nmarkers; i++) {
		search_add_str(s, (int)i, "as typed", markers[i].typed);
		buf_reset(&b);
		form_encode(markers[i].typed, &b);
		search_add(s, (int)i, "form-encoded, as sent", &b);
		buf_reset(&b);
		html_escape(markers[i].typed, &b);
		search_add(s, (int)i, "HTML-escaped, as echoed", &b);
		if (markers[i].stored[0] != '\0')
			search_add_str(s, (int)i, "normalized, as sealed", markers[i].stored);
		if (markers[i].token[0] != '\0')
			search_add_str(s, (int)i, "its token (a fragment)", markers[i].token);
	}
	buf_free(&b);
}

static void
search_free(struct search *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		buf_free(&s->v[i].b);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* A mapping of the server, from /proc/PID/maps, named for the report. */
struct region {
	uint64_t	start, end;
	char		name[128];
};

struct regions {
	struct region	*v;
	size_t		 n;
};

/* The mappings, with the stacks of the threads (found by their stack pointers) named. */
static void
regions_read(pid_t pid, struct regions *rs)
{
	char path[64], line[512], name[128], *p;
	unsigned long long a, b, sp;
	struct dirent *de;
	FILE *f;
	DIR *d;
	size_t i;

	memset(rs, 0, sizeof(*rs));
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		name[0] = '\0';
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %127[^\n]", &a, &b, name) < 2)
			continue;
		rs->v = realloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
		rs->v[rs->n].start = a;
		rs->v[rs->n].end = b;
		snprintf(rs->v[rs->n].name, sizeof(rs->v[0].name), "%s",
		    name[0] != '\0' ? name : "anonymous: malloc arena or pool");
		rs->n++;
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/syscall", (int)pid, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		/* "NR ARG1 .. ARG6 SP PC" while blocked in a system call: SP is next to last */
		if (fgets(line, sizeof(line), f) != NULL && (p = strrchr(line, ' ')) != NULL) {
			*p = '\0';
			if ((p = strrchr(line, ' ')) != NULL &&
			    sscanf(p + 1, "%llx", &sp) == 1)
				for (i = 0; i < rs->n; i++)
					if (sp >= rs->v[i].start && sp < rs->v[i].end &&
					    strncmp(rs->v[i].name, "anonymous", 9) == 0)
						snprintf(rs->v[i].name, sizeof(rs->v[i].name),
						    "stack of thread %s", de->d_name);
		}
		fclose(f);
	}
	closedir(d);
}

static const char *
region_name(const struct regions *rs, uint64_t addr)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (addr >= rs->v[i].start && addr < rs->v[i].end)
			return rs->v[i].name;
	return "?";
}

/* Counts every needle in P[0..N) (at ADDR in the server, 0 for notes); reports a few. */
static void
search_block(struct search *s, const unsigned char *p, size_t n, uint64_t addr,
    const char *where, const struct regions *rs, const char *step)
{
	struct needle *nd;
	size_t i;
	int j;

	for (i = 0; i + 1 < n; i++) {
		for (j = s->head[(unsigned)p[i] << 8 | p[i + 1]]; j != -1; j = nd->next) {
			nd = &s->v[j];
			if (nd->b.len > n - i || memcmp(p + i, nd->b.data, nd->b.len) != 0)
				continue;
			if (nd->marker >= 0 && nd->hits < 3)
				print_message("after %s: %s \"%s\" %s, at %#llx in %s\n", step,
				    markers[nd->marker].what, nd->b.data, nd->how,
				    (unsigned long long)(addr + i),
				    where != NULL ? where : region_name(rs, addr + i));
			nd->hits++;
		}
	}
}

/* Searches the ELF core at PATH: each memory segment, and the notes (registers). */
static int
search_core(struct search *s, const char *path, const struct regions *rs, const char *step)
{
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	const unsigned char *m;
	struct stat st;
	size_t i;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1)
		return -1;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	eh = (const Elf64_Ehdr *)m;
	if ((size_t)st.st_size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_CORE ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) > (uint64_t)st.st_size) {
		munmap((void *)(uintptr_t)m, (size_t)st.st_size);
		return -1;
	}
	for (i = 0; i < eh->e_phnum; i++) {
		ph = (const Elf64_Phdr *)(m + eh->e_phoff) + i;
		if (ph->p_offset + ph->p_filesz > (uint64_t)st.st_size)
			continue;
		if (ph->p_type == PT_LOAD)
			search_block(s, m + ph->p_offset, ph->p_filesz, ph->p_vaddr, NULL, rs,
			    step);
		else if (ph->p_type == PT_NOTE)
			search_block(s, m + ph->p_offset, ph->p_filesz, 0,
			    "core notes: thread registers", rs, step);
	}
	munmap((void *)(uintptr_t)m, (size_t)st.st_size);
	return 0;
}

/*
 * Dumps process PID with gcore into the test's directory. Returns 0 with the file's path in
 * CORE, 1 when ptrace is not permitted here, -1 on any other failure (said on stderr).
 */
static int
core_take(pid_t pid, char *core, size_t coresz)
{
	char prefix[300], out[300], pidarg[16], *text = NULL;
	size_t len;
	pid_t child;
	int st = 0, fd;

	snprintf(prefix, sizeof(prefix), "%s/core", dir);
	snprintf(out, sizeof(out), "%s/gcore.out", dir);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)pid);
	snprintf(core, coresz, "%s.%d", prefix, (int)pid);
	if ((child = fork()) == -1)
		return -1;
	if (child == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp("gcore", "gcore", "-o", prefix, pidarg, (char *)NULL);
		_exit(127);
	}
	if (waitpid(child, &st, 0) != child)
		return -1;
	if (fs_read_file(out, &text, &len) == -1)
		text = strdup("");
	unlink(out);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && access(core, R_OK) == 0) {
		free(text);
		return 0;
	}
	unlink(core);
	if (strstr(text, "not permitted") != NULL || strstr(text, "Permission denied") != NULL) {
		print_message("gcore: %s", text);
		free(text);
		return 1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		print_message("gcore not found: it comes with gdb (scripts/install-deps)\n");
	else
		print_message("gcore failed: %s", text);
	free(text);
	return -1;
}

static int
sanitizer_build(void)
{
	const char *b = getenv("SHOWROOM_BUILD");

	return b != NULL && strstr(b, "asan") != NULL;
}

/*
 * Waits for the server to go idle, dumps it, and searches the dump for every marker so far.
 * The control (a dealer code, in the site the server holds) must be found, or the dump or
 * the search is broken.
 */
static void
core_check(const struct testsrv *s, const char *step)
{
	struct search *sr;
	struct regions rs;
	char core[400];
	size_t i, hits = 0, control = 0;
	int rc;

	if (sanitizer_build()) {
		/* the requests above still ran under the sanitizers */
		print_message("core not taken: an ASan build's core is tens of gigabytes (shadow "
		    "and allocator reservations); the normal build's is searched\n");
		skip();
	}
	if (no_ptrace) {
		print_message("skipped: ptrace is not permitted here, so no core can be taken "
		    "(run as root, or with CAP_SYS_PTRACE)\n");
		skip();
	}
	sleep_ms(500);	/* the last connection closed, its memory given back */
	regions_read(s->pid, &rs);
	rc = core_take(s->pid, core, sizeof(core));
	if (rc == 1) {
		no_ptrace = 1;
		free(rs.v);
		print_message("skipped: ptrace is not permitted here, so no core can be taken "
		    "(run as root, or with CAP_SYS_PTRACE)\n");
		skip();
	}
	assert_int_equal(rc, 0);
	sr = malloc(sizeof(*sr));
	assert_non_null(sr);
	search_init(sr, DEALER);
	rc = search_core(sr, core, &rs, step);
	unlink(core);
	free(rs.v);
	assert_int_equal(rc, 0);
	for (i = 0; i < sr->n; i++) {
		if (sr->v[i].marker == -1)
			control += sr->v[i].hits;
		else
			hits += sr->v[i].hits;
	}
	search_free(sr);
	free(sr);
	if (control == 0)
		fail_msg("after %s: the control \"%s\" is not in the core: the search is broken",
		    step, DEALER);
	if (hits > 0)
		fail_msg("after %s: %zu places in the server's memory hold what was typed "
		    "(%zu values so far)", step, hits, nmarkers);
}

/* ---- the server and the submissions ---- */

/*
 * glibc gives freed memory back to the kernel (trimming a heap's top, unmapping large
 * blocks), which erases it: whether a copy survives would depend on the heap's layout.
 * Without that, every copy left unwiped stays to be found.
 */
static int
start_server(struct testsrv *s, const char *rate)
{
	const char *args[] = { "--site", site, "--keyring", keyring, "--root-pub", rootpub,
	    "--data", data, "--rate", rate, "--burst", rate, "--threads", "4", NULL };

	setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=4294967295:"
	    "glibc.malloc.mmap_threshold=33554432", 1);
	return testsrv_start(s, args);
}

static int
setup(void **state)
{
	static const char *const dealers[] = { DEALER, NULL };
	char cmd[1024];
	json_t *cat, *d, *x, *v;
	json_error_t je;
	const char *k;
	size_t i;

	if (testsrv_tmpname(dir, sizeof(dir), "showroom-memory") == -1 || mkdtemp(dir) == NULL)
		return -1;
	snprintf(site, sizeof(site), "%s/site", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.json", dir);
	snprintf(rootpub, sizeof(rootpub), "%s/root.public", dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", testsrv_path("demo-site"), site);
	if (system(cmd) != 0 || testkeys_make(dir, dealers) == -1)
		return -1;
	/* a model the dealer keeps demo cars of */
	snprintf(cmd, sizeof(cmd), "%s/api/v1/catalog.json", site);
	if ((cat = json_load_file(cmd, 0, &je)) == NULL)
		return -1;
	d = NULL;
	json_array_foreach(json_object_get(cat, "dealers"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "code")), DEALER) == 0)
			d = x;
	json_object_foreach(json_object_get(d, "demo_cars"), k, v) {
		snprintf(model, sizeof(model), "%s", k);
		break;
	}
	json_decref(cat);
	if (model[0] == '\0')
		return -1;
	return start_server(&srv, "100000");
}

static int
teardown(void **state)
{
	char cmd[512];

	testsrv_stop(&srv, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * POSTs BODY in two writes a moment apart, cut after the first personal value, as a slow
 * network delivers it: the server gets the body in two pieces and grows its buffer between
 * them. With ABORT the visitor goes away after the first piece. Returns the status, 0 after
 * an abort, or -1.
 */
static int
post_form(int port, const char *path, const char *body, int abort)
{
	struct http_reply r;
	struct buf req = BUF_INIT;
	const char *cut = strstr(body, "Zqx");
	size_t first;
	int fd, status = -1;

	if (cut != NULL)
		cut = strchr(cut, '&');	/* the whole first value in the first piece */
	buf_printf(&req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", path, port, strlen(body));
	first = req.len + (cut != NULL ? (size_t)(cut - body) : strlen(body) / 2);
	buf_puts(&req, body);
	if ((fd = http_connect(port, 0)) == -1)
		goto out;
	if (send(fd, req.data, first, MSG_NOSIGNAL) != (ssize_t)first)
		goto out;
	sleep_ms(30);
	if (abort) {
		status = 0;
		goto out;
	}
	if (send(fd, req.data + first, req.len - first, MSG_NOSIGNAL) !=
	    (ssize_t)(req.len - first) || http_reply_read(fd, 0, &r) == -1)
		goto out;
	status = r.status;
	if (status != 303 && status != 409 && status != 422 && status != 400 && status != 429)
		print_message("%s: %d %.300s\n", path, r.status, r.body);
	http_reply_free(&r);
out:
	if (fd != -1)
		close(fd);
	buf_free(&req);
	return status;
}

/* A catalog request from STEP, with every personal field a fresh marker; EXTRA_NAME, when
 * given, is a field no form has, with a marker as its value. */
static int
post_catalog(int port, const char *step, const char *extra_name, int abort)
{
	struct buf b = BUF_INIT;
	char id[33];
	int status;

	idem(id);
	field(&b, "idem", id);
	field(&b, "website", "");
	field(&b, "models", model);
	field(&b, "name", mark(step, "name", "Zqxmarker O'Hara & ", ""));
	field(&b, "postal_code", "100-0001");
	field(&b, "prefecture", "13");
	field(&b, "address1", mark(step, "address1", "Zqxstreet ", " 1-2-3"));
	if (extra_name != NULL)
		field(&b, extra_name, mark(step, extra_name, "Zqxvalue ", ""));
	status = post_form(port, "/request", b.data, abort);
	buf_free(&b);
	return status;
}

/* A booking of slot START from STEP; BAD_EMAIL makes the e-mail invalid (and only it). */
static int
post_booking(int port, const char *step, const char *start, int bad_email)
{
	struct buf b = BUF_INIT;
	char id[33];
	int status;

	idem(id);
	field(&b, "idem", id);
	field(&b, "website", "");
	field(&b, "model", model);
	field(&b, "dealer", DEALER);
	field(&b, "slot", start);
	field(&b, "name", mark(step, "name", "Zqxmarker O'Hara & ", ""));
	field(&b, "phone", mark_phone(step));
	field(&b, "email", mark(step, "email", "zqx.", bad_email ? "@@example.com" :
	    "@example.com"));
	field(&b, "note", mark(step, "note", "Zqxnote ", " \"drive\" & 'charge'"));
	field(&b, "licence", "yes");
	status = post_form(port, "/test-drive", b.data, 0);
	buf_free(&b);
	return status;
}

/* A slot of DEALER for the model with every place free: its start and its capacity. */
static int
find_slot(char start[17], int *capacity)
{
	struct http_reply r;
	json_error_t je;
	json_t *doc, *list, *s;
	char path[256], date[11];
	size_t i;
	int day;

	for (day = 1; day < 14; day++) {
		time_t t = time(NULL) + 9 * 3600 + day * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		snprintf(path, sizeof(path), "/api/v1/slots?dealer=%s&model=%s&date=%s", DEALER,
		    model, date);
		if (http_get(srv.port, path, NULL, &r) != 0 || r.status != 200)
			return -1;
		doc = json_loadb(r.body, r.body_len, 0, &je);
		http_reply_free(&r);
		list = json_object_get(doc, "slots");
		json_array_foreach(list, i, s) {
			if (json_integer_value(json_object_get(s, "free")) > 0 &&
			    json_integer_value(json_object_get(s, "free")) ==
			    json_integer_value(json_object_get(s, "capacity"))) {
				snprintf(start, 17, "%s", json_string_value(json_object_get(s,
				    "start")));
				*capacity = (int)json_integer_value(json_object_get(s, "free"));
				json_decref(doc);
				return 0;
			}
		}
		json_decref(doc);
	}
	return -1;
}

/* The search can fail: each form of a value is found where it was planted. */
static void
test_search_finds_planted_values(void **state)
{
	struct search *sr = malloc(sizeof(*sr));
	struct buf hay = BUF_INIT;
	size_t i, found = 0;

	assert_non_null(sr);
	assert_int_equal(nmarkers, 0);
	mark("plant", "name", "Zqxmarker O'Hara & ", "");
	mark_phone("plant");
	buf_puts(&hay, "..Zqxmarker+O%27Hara+%26+");
	buf_puts(&hay, markers[0].token);
	buf_puts(&hay, "..");
	buf_puts(&hay, markers[1].stored);
	search_init(sr, DEALER);
	search_block(sr, (const unsigned char *)hay.data, hay.len, 0, "the planted buffer", NULL,
	    "planting");
	for (i = 0; i < sr->n; i++)
		if (sr->v[i].marker >= 0 && sr->v[i].hits > 0)
			found++;
	/* the form-encoded name, its token, the normalized phone */
	assert_int_equal(found, 3);
	search_free(sr);
	free(sr);
	buf_free(&hay);
	nmarkers = 0;	/* planted here only: the server never saw them */
}

static void
test_after_303(void **state)
{
	char start[17];
	int capacity;

	assert_int_equal(post_catalog(srv.port, "303 catalog request", NULL, 0), 303);
	assert_int_equal(find_slot(start, &capacity), 0);
	assert_int_equal(post_booking(srv.port, "303 booking", start, 0), 303);
	core_check(&srv, "303 (a catalog request and a booking)");
}

static void
test_after_409(void **state)
{
	char start[17];
	int capacity, i;

	assert_int_equal(find_slot(start, &capacity), 0);
	for (i = 0; i < capacity; i++)
		assert_int_equal(post_booking(srv.port, "303 booking filling a slot", start, 0),
		    303);
	assert_int_equal(post_booking(srv.port, "409 booking of a full slot", start, 0), 409);
	core_check(&srv, "409 (a full slot, the form echoed)");
}

static void
test_after_422(void **state)
{
	char start[17];
	int capacity;

	assert_int_equal(find_slot(start, &capacity), 0);
	assert_int_equal(post_booking(srv.port, "422 booking with a bad e-mail", start, 1), 422);
	core_check(&srv, "422 (a bad e-mail, the form echoed)");
}

static void
test_after_400(void **state)
{
	assert_int_equal(post_catalog(srv.port, "400 catalog request with an unknown field",
	    "annual_income", 0), 400);
	core_check(&srv, "400 (an unknown field)");
}

/* The visitor goes away in the middle of the body: no reply, and nothing kept. */
static void
test_after_aborted_post(void **state)
{
	assert_int_equal(post_catalog(srv.port, "catalog request cut off midway", NULL, 1), 0);
	core_check(&srv, "an aborted post (no reply)");
}

/* A server of its own that allows one post: the second one gets 429. */
static void
test_after_429(void **state)
{
	testsrv_stop(&srv, SIGTERM);
	assert_int_equal(start_server(&srv, "1"), 0);
	assert_int_equal(post_catalog(srv.port, "303 catalog request (rate)", NULL, 0), 303);
	assert_int_equal(post_catalog(srv.port, "429 catalog request over the rate", NULL, 0),
	    429);
	core_check(&srv, "429 (over the rate limit)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_finds_planted_values),
		cmocka_unit_test(test_after_303),
		cmocka_unit_test(test_after_409),
		cmocka_unit_test(test_after_422),
		cmocka_unit_test(test_after_400),
		cmocka_unit_test(test_after_aborted_post),
		cmocka_unit_test(test_after_429),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
