/*
 * The audit log: entries appended and verified, and every kind of tampering found at the
 * right line; trace finds the export that carried a seed. Fictional key ids and seeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/sha256file.h"
#include "showroom/office/audit.h"
#include "testsrv.h"

#define T0	1795000000	/* 2026-11-18T11:06:40Z, fixed so that runs compare */

struct fx {
	char	dir[256];
	char	log[128];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (testsrv_tmpname(f->dir, sizeof(f->dir), "test-audit") == -1 ||
	    mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->log, sizeof(f->log), "%s/audit.log", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fs_remove_tree(f->dir);
	free(f);
	return 0;
}

static void
append(const char *log, const char *action, int64_t records, time_t t)
{
	struct audit_count c[] = { { "records", records }, { "bytes", records * 512 } };
	struct audit_entry e = { t, "hq-0123456789abcdef", action, c, 2, NULL, NULL, NULL,
	    NULL , NULL, NULL};
	char err[256] = "";

	if (audit_append(log, &e, err, sizeof(err)) != 0)
		fail_msg("append: %s", err);
}

/* pull, open, export, ack, purge */
static void
five(const char *log)
{
	static const char *const acts[] = { "pull", "open", "export", "ack", "purge" };
	int i;

	for (i = 0; i < 5; i++)
		append(log, acts[i], 10 + i, T0 + i * 60);
}

static void
slurp(const char *path, char **data, size_t *len)
{
	if (fs_read_file(path, data, len) == -1)
		fail_msg("%s: cannot read", path);
}

static void
spit(const char *path, const char *data, size_t len)
{
	assert_int_equal(fs_write_file(path, data, len, 0600), 0);
}

/* Offsets of the starts of the first 16 lines. */
static size_t
lines(const char *data, size_t len, size_t start[16])
{
	size_t i, n = 0;

	for (i = 0; i < len && n < 16; i++)
		if (i == 0 || data[i - 1] == '\n')
			start[n++] = i;
	return n;
}

static void
expect(const char *log, enum audit_status s, size_t line)
{
	struct audit_report r;

	assert_int_equal(audit_verify(log, &r), s == AUDIT_OK ? 0 : -1);
	if (r.status != s || r.line != line)
		fail_msg("want %s at %zu, got %s at %zu: %s", audit_status_str(s), line,
		    audit_status_str(r.status), r.line, r.detail);
}

static void
test_append_verify(void **state)
{
	struct fx *f = *state;
	struct audit_report r;
	size_t len, st[16];
	char *data, want[AUDIT_HASHLEN + 1];
	const char *h;

	five(f->log);
	assert_int_equal(audit_verify(f->log, &r), 0);
	assert_int_equal(r.status, AUDIT_OK);
	assert_int_equal(r.entries, 5);
	slurp(f->log, &data, &len);
	assert_int_equal(lines(data, len, st), 5);
	assert_non_null(strstr(data, "\"seq\":1,\"time\":\"2026-11-18T"));
	assert_non_null(strstr(data, "\"prev\":\"0000000000000000000000000000000000000000"
	    "000000000000000000000000\",\"seq\":1,"));
	assert_non_null(strstr(data, "\"counts\":{\"bytes\":7168,\"records\":14}"));
	assert_non_null(strstr(data, "\"file\":null,\"file_sha256\":null,\"format\":null"));
	/* the head is the last line's hash */
	h = strstr(data + st[4], "\"hash\":\"");
	assert_non_null(h);
	memcpy(want, h + 8, AUDIT_HASHLEN);
	want[AUDIT_HASHLEN] = '\0';
	assert_string_equal(r.head, want);
	/* and each prev is the hash of the line before */
	h = strstr(data + st[3], "\"hash\":\"");
	assert_non_null(strstr(data + st[4], "\"prev\":\""));
	assert_memory_equal(strstr(data + st[4], "\"prev\":\"") + 8, h + 8, AUDIT_HASHLEN);
	free(data);
}

static void
test_edit_byte(void **state)
{
	struct fx *f = *state;
	size_t len, st[16];
	char *data, *p;

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	/* one digit of entry 3's record count: still valid JSON, still canonical */
	p = strstr(data + st[2], "\"records\":12");
	assert_non_null(p);
	assert_true(p < data + st[3]);
	p[11] = '3';
	spit(f->log, data, len);
	expect(f->log, AUDIT_EDITED, 3);
	free(data);
}

/* A space the JSON parser would not care about is still an edit. */
static void
test_edit_whitespace(void **state)
{
	struct fx *f = *state;
	size_t len, st[16], at;
	char *data, *out;

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	at = (size_t)(strchr(data + st[1], ',') - data) + 1;
	assert_non_null(out = malloc(len + 1));
	memcpy(out, data, at);
	out[at] = ' ';
	memcpy(out + at + 1, data + at, len - at);
	spit(f->log, out, len + 1);
	expect(f->log, AUDIT_EDITED, 2);
	free(out);
	free(data);
}

static void
test_delete_line(void **state)
{
	struct fx *f = *state;
	size_t len, st[16];
	char *data;

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	memmove(data + st[1], data + st[2], len - st[2]);
	spit(f->log, data, len - (st[2] - st[1]));
	expect(f->log, AUDIT_DELETED, 2);
	free(data);
}

static void
test_delete_first(void **state)
{
	struct fx *f = *state;
	size_t len, st[16];
	char *data;

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	spit(f->log, data + st[1], len - st[1]);
	expect(f->log, AUDIT_DELETED, 1);
	free(data);
}

static void
test_swap_lines(void **state)
{
	struct fx *f = *state;
	size_t len, st[16], l2, l3;
	char *data, *out;

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	l2 = st[2] - st[1];
	l3 = st[3] - st[2];
	assert_non_null(out = malloc(len));
	memcpy(out, data, st[1]);
	memcpy(out + st[1], data + st[2], l3);
	memcpy(out + st[1] + l3, data + st[1], l2);
	memcpy(out + st[3], data + st[3], len - st[3]);
	spit(f->log, out, len);
	expect(f->log, AUDIT_REORDERED, 2);
	free(out);
	free(data);
}

/* Moving the first entry to the end: seq goes back at the last line. */
static void
test_move_to_end(void **state)
{
	struct fx *f = *state;
	size_t len, st[16];
	char *data, *out;

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	assert_non_null(out = malloc(len));
	memcpy(out, data + st[1], len - st[1]);
	memcpy(out + len - st[1], data, st[1]);
	spit(f->log, out, len);
	/* line 1 now has seq 2; seq 1 turns up later: reordered, not deleted */
	expect(f->log, AUDIT_REORDERED, 1);
	free(out);
	free(data);
}

static void
test_truncate_last(void **state)
{
	struct fx *f = *state;
	struct audit_count c = { "records", 1 };
	struct audit_entry e = { T0, "hq-0123456789abcdef", "ack", &c, 1, NULL, NULL, NULL,
	    NULL , NULL, NULL};
	size_t len;
	char *data, err[256];

	five(f->log);
	slurp(f->log, &data, &len);
	spit(f->log, data, len - 20);
	expect(f->log, AUDIT_TRUNCATED, 5);
	/* no appending on top of a damaged log */
	assert_int_equal(audit_append(f->log, &e, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cut short"));
	/* only the final newline missing: still cut short */
	spit(f->log, data, len - 1);
	expect(f->log, AUDIT_TRUNCATED, 5);
	free(data);
}

/* What a hash chain cannot see, as audit.h says: whole entries cut from the end. The
 * count and head it reports are what the caller compares with a copy kept elsewhere. */
static void
test_tail_cut_needs_anchor(void **state)
{
	struct fx *f = *state;
	struct audit_report r5, r4;
	size_t len, st[16];
	char *data;

	five(f->log);
	assert_int_equal(audit_verify(f->log, &r5), 0);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	spit(f->log, data, st[4]);
	assert_int_equal(audit_verify(f->log, &r4), 0);
	assert_int_equal(r4.entries, 4);
	assert_string_not_equal(r4.head, r5.head);
	free(data);
}

/* An entry rewritten with a recomputed hash is caught by the next entry's prev. */
static void
test_rewritten_entry(void **state)
{
	struct fx *f = *state;
	struct audit_count c = { "records", 999 };
	struct audit_entry e = { T0, "hq-0123456789abcdef", "export", &c, 1, NULL, NULL,
	    NULL, NULL , NULL, NULL};
	size_t len, st[16], flen, outlen;
	char *data, *forged, *out, prev[AUDIT_HASHLEN + 1], err[256];

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	memcpy(prev, strstr(data + st[2], "\"prev\":\"") + 8, AUDIT_HASHLEN);
	prev[AUDIT_HASHLEN] = '\0';
	assert_int_equal(audit_format(&e, 3, prev, &forged, &flen, err, sizeof(err)), 0);
	outlen = st[2] + flen + (len - st[3]);
	assert_non_null(out = malloc(outlen));
	memcpy(out, data, st[2]);
	memcpy(out + st[2], forged, flen);
	memcpy(out + st[2] + flen, data + st[3], len - st[3]);
	spit(f->log, out, outlen);
	expect(f->log, AUDIT_CHAIN, 4);
	free(out);
	free(forged);
	free(data);
}

static void
test_malformed(void **state)
{
	struct fx *f = *state;
	struct audit_report r;
	size_t len, st[16];
	char *data;

	five(f->log);
	slurp(f->log, &data, &len);
	lines(data, len, st);
	data[st[3] + 1] = '\'';		/* entry 4: {'action"... */
	spit(f->log, data, len);
	expect(f->log, AUDIT_MALFORMED, 4);
	free(data);
	assert_int_equal(audit_verify_buf("\n", 1, &r), -1);
	assert_int_equal(r.status, AUDIT_MALFORMED);
	assert_int_equal(audit_verify_buf("[1]\n", 4, &r), -1);
	assert_int_equal(r.status, AUDIT_MALFORMED);
	assert_int_equal(audit_verify_buf("", 0, &r), 0);
	assert_int_equal(r.entries, 0);
	assert_string_equal(r.head, "");
	assert_int_equal(audit_verify("/nonexistent/audit.log", &r), -1);
	assert_int_equal(r.status, AUDIT_IO);
}

static void
test_mode_0600(void **state)
{
	struct fx *f = *state;
	struct stat st;
	mode_t old;

	old = umask(0);
	append(f->log, "pull", 3, T0);
	umask(old);
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* widened by hand: the next append narrows it again */
	assert_int_equal(chmod(f->log, 0644), 0);
	append(f->log, "open", 3, T0 + 1);
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	expect(f->log, AUDIT_OK, 0);
}

static void
test_refuses_symlink(void **state)
{
	struct fx *f = *state;
	struct audit_entry e = { T0, "hq-01", "pull", NULL, 0, NULL, NULL, NULL, NULL , NULL, NULL};
	char link[160], err[256];

	append(f->log, "pull", 1, T0);
	snprintf(link, sizeof(link), "%s/link.log", f->dir);
	assert_int_equal(symlink(f->log, link), 0);
	assert_int_equal(audit_append(link, &e, err, sizeof(err)), -1);
}

static void
test_bad_entries(void **state)
{
	struct fx *f = *state;
	struct audit_count dup[] = { { "records", 1 }, { "records", 2 } };
	struct audit_count neg = { "records", -1 };
	struct audit_entry e = { T0, "hq-01", "pull", NULL, 0, NULL, NULL, NULL, NULL , NULL, NULL}, b;
	char err[256];

	b = e;
	b.key_id = "hq 01";
	assert_int_equal(audit_append(f->log, &b, err, sizeof(err)), -1);
	b = e;
	b.action = "Pull!";
	assert_int_equal(audit_append(f->log, &b, err, sizeof(err)), -1);
	b = e;
	b.counts = dup;
	b.ncounts = 2;
	assert_int_equal(audit_append(f->log, &b, err, sizeof(err)), -1);
	b = e;
	b.counts = &neg;
	b.ncounts = 1;
	assert_int_equal(audit_append(f->log, &b, err, sizeof(err)), -1);
	b = e;
	b.file_sha256 = "ABC";
	b.file = "x.csv";
	assert_int_equal(audit_append(f->log, &b, err, sizeof(err)), -1);
	/* nothing was written by any of them */
	assert_int_equal(audit_append(f->log, &e, err, sizeof(err)), 0);
	expect(f->log, AUDIT_OK, 0);
}

/* Given a file and no hash, append hashes the file. */
static void
test_file_hash(void **state)
{
	struct fx *f = *state;
	struct audit_entry e = { T0, "hq-01", "export", NULL, 0, NULL, NULL, "clickpost",
	    NULL , NULL, NULL};
	char path[160], *data;
	size_t len;

	snprintf(path, sizeof(path), "%s/2026-11-18-clickpost.csv", f->dir);
	spit(path, "abc", 3);
	e.file = path;
	assert_int_equal(audit_append(f->log, &e, NULL, 0), 0);
	slurp(f->log, &data, &len);
	assert_non_null(strstr(data, "\"file_sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361"
	    "a396177a9cb410ff61f20015ad\",\"format\":\"clickpost\""));
	free(data);
}

static void
export_seed(const char *log, const char *file, const char *fmt, const char *id,
    const char *text, time_t t)
{
	struct audit_count c = { "records", 40 };
	struct audit_seed s = { id, text };
	struct audit_entry e = { t, "hq-0123456789abcdef", "export", &c, 1, file,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", fmt, &s , NULL, NULL};
	char err[256];

	if (audit_append(log, &e, err, sizeof(err)) != 0)
		fail_msg("append: %s", err);
}

static void
test_trace(void **state)
{
	struct fx *f = *state;
	struct audit_hits hs;
	char err[256];

	append(f->log, "pull", 120, T0);
	export_seed(f->log, "out/2026-11-18-clickpost.csv", "clickpost", "seed-01",
	    "〒100-0001 東京都千代田区見本町1-2-3 見本ハイツ101 試験 一郎", T0 + 60);
	export_seed(f->log, "out/2026-11-18-yamato.csv", "yamato", "seed-02",
	    "〒530-0001 大阪府大阪市北区架空町4-5-6 見本 花子", T0 + 120);
	export_seed(f->log, "out/2026-11-18-labels.pdf", "labels_pdf", "seed-03",
	    "〒460-0001 愛知県名古屋市中区仮町7-8-9 サンプル 次郎", T0 + 180);
	append(f->log, "ack", 120, T0 + 240);

	/* exact */
	assert_int_equal(audit_trace(f->log, "〒530-0001 大阪府大阪市北区架空町4-5-6 見本 花子",
	    &hs, err, sizeof(err)), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.v[0].match, AUDIT_MATCH_EXACT);
	assert_int_equal(hs.v[0].line, 3);
	assert_int_equal(hs.v[0].seq, 3);
	assert_string_equal(hs.v[0].time, "2026-11-18T11:08:40Z");
	assert_string_equal(hs.v[0].key_id, "hq-0123456789abcdef");
	assert_string_equal(hs.v[0].action, "export");
	assert_string_equal(hs.v[0].format, "yamato");
	assert_string_equal(hs.v[0].file, "out/2026-11-18-yamato.csv");
	assert_string_equal(hs.v[0].file_sha256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(hs.v[0].seed_id, "seed-02");
	audit_hits_free(&hs);

	/* as a leak might print it: full-width digits and dash, other spacing */
	assert_int_equal(audit_trace(f->log, "大阪市北区架空町４－５－６　見本花子", &hs, err,
	    sizeof(err)), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.v[0].match, AUDIT_MATCH_IN_SEED);
	assert_string_equal(hs.v[0].seed_id, "seed-02");
	audit_hits_free(&hs);

	/* a leaked CSV line with the fields in another order is no whole match (trace a
	 * fragment instead); a printed line around the whole seed is, with "ー" for "-" */
	assert_int_equal(audit_trace(f->log, "\"1\",\"愛知県名古屋市中区仮町7ー8ー9\","
	    "\"サンプル 次郎\",\"460-0001\"", &hs, err, sizeof(err)), 0);
	assert_int_equal(hs.n, 0);
	audit_hits_free(&hs);
	assert_int_equal(audit_trace(f->log, "PRINTED 〒460-0001 愛知県名古屋市中区仮町7ー8ー9 "
	    "サンプル 次郎 (page 3)", &hs, err, sizeof(err)), 0);
	assert_int_equal(hs.n, 1);
	assert_int_equal(hs.v[0].match, AUDIT_MATCH_SEED_IN);
	assert_string_equal(hs.v[0].format, "labels_pdf");
	audit_hits_free(&hs);

	/* a fragment common to none, and one common to all three */
	assert_int_equal(audit_trace(f->log, "北海道札幌市", &hs, err, sizeof(err)), 0);
	assert_int_equal(hs.n, 0);
	audit_hits_free(&hs);
	assert_int_equal(audit_trace(f->log, "-0001", &hs, err, sizeof(err)), 0);
	assert_int_equal(hs.n, 3);
	assert_string_equal(hs.v[0].seed_id, "seed-01");
	assert_string_equal(hs.v[2].seed_id, "seed-03");
	audit_hits_free(&hs);

	/* too short to mean anything, or not UTF-8 */
	assert_int_equal(audit_trace(f->log, " 1 2 ", &hs, err, sizeof(err)), -1);
	assert_int_equal(audit_trace(f->log, "\xff\xfe 東京都", &hs, err, sizeof(err)), -1);
	expect(f->log, AUDIT_OK, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_whitespace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_to_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncate_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail_cut_needs_anchor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewritten_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
