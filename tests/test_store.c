/* test_store.c - the LMDB store: feeds, heads, wrapped keys, forks, group
 * commit and abort, the bounded cache of open cases. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "tap.h"
#include "../daemon/log.h"
#include "../daemon/store.h"

static char dir[256];
static uint8_t storage[32];

static void
fresh_dir(void)
{
	if (!tap_tmpdir(dir, sizeof(dir), "test-store"))
		abort();
}

static void
rm_dir(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		abort();
}

TEST(feed_roundtrip)
{
	store_t *s;
	scase_t *c;
	uint8_t id[16] = { 1 }, org[32] = { 7 }, eid[32], hid[32], *e;
	uint64_t seq;
	size_t n;

	fresh_dir();
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	check_int(store_case_exists(s, id), ==, 0);
	check_int(store_case_get(s, id, 0, &c), ==, ST_ERR_NOTFOUND);
	check_int(store_case_get(s, id, 1, &c), ==, 0);
	check_int(store_head(c, org, &seq, hid), ==, 0);
	check_int(seq, ==, 0);
	for (uint64_t i = 1; i <= 5; i++) {
		uint8_t entry[300];
		memset(entry, (int)i, sizeof(entry));
		memset(eid, (int)i, sizeof(eid));
		check_int(store_entry_put(c, org, i, eid, entry, sizeof(entry)), ==, 0);
	}
	check_int(store_commit(s), ==, 0);
	store_destroy(&s);
	check(s == NULL);

	/* Reopened: the commit is durable. */
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	check_int(store_case_exists(s, id), ==, 1);
	check_int(store_case_get(s, id, 0, &c), ==, 0);
	check_int(store_head(c, org, &seq, hid), ==, 0);
	check_int(seq, ==, 5);
	memset(eid, 5, sizeof(eid));
	check_mem(hid, eid, 32);
	check_int(store_entry_get(c, org, 3, &e, &n), ==, 0);
	check_int(n, ==, 300);
	check_int(e[0], ==, 3);
	free(e);
	check_int(store_entry_get(c, org, 6, &e, &n), ==, ST_ERR_NOTFOUND);
	store_destroy(&s);
	rm_dir();
}

static int
count_cb(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	uint64_t *acc = arg;
	(void)org; (void)e; (void)n;
	acc[0]++;
	acc[1] += seq;
	return 0;
}

TEST(feed_ranges_do_not_cross_feeds)
{
	store_t *s;
	scase_t *c;
	uint8_t id[16] = { 2 }, a[32] = { 1 }, b[32] = { 2 }, eid[32] = { 0 };
	uint8_t x[8] = { 0 };

	fresh_dir();
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	check_int(store_case_get(s, id, 1, &c), ==, 0);
	for (uint64_t i = 1; i <= 10; i++) {
		check_int(store_entry_put(c, a, i, eid, x, sizeof(x)), ==, 0);
		check_int(store_entry_put(c, b, i, eid, x, sizeof(x)), ==, 0);
	}
	uint64_t acc[2] = { 0, 0 };
	/* Reads inside the round see the round's writes. */
	check_int(store_feed_each(c, a, 3, 7, count_cb, acc), ==, 0);
	check_int(acc[0], ==, 5);
	check_int(acc[1], ==, 3 + 4 + 5 + 6 + 7);
	acc[0] = acc[1] = 0;
	check_int(store_feed_each(c, b, 9, 100, count_cb, acc), ==, 0);
	check_int(acc[0], ==, 2);
	store_destroy(&s);
	rm_dir();
}

TEST(abort_discards_the_round)
{
	store_t *s;
	scase_t *c;
	uint8_t id[16] = { 3 }, org[32] = { 9 }, eid[32] = { 0 }, hid[32], x[4] = { 0 };
	uint64_t seq;

	fresh_dir();
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	check_int(store_case_get(s, id, 1, &c), ==, 0);
	check_int(store_commit(s), ==, 0);
	check_int(store_entry_put(c, org, 1, eid, x, sizeof(x)), ==, 0);
	store_abort(s);
	check_int(store_head(c, org, &seq, hid), ==, 0);
	check_int(seq, ==, 0);
	store_destroy(&s);
	rm_dir();
}

TEST(wrapped_keys)
{
	store_t *s;
	scase_t *c;
	uint8_t id[16] = { 4 }, key[32], out[32], other[32];

	fresh_dir();
	randombytes_buf(key, sizeof(key));
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	check_int(store_case_get(s, id, 1, &c), ==, 0);
	check_int(store_key_put(c, 0, 1, key), ==, 0);
	check_int(store_key_get(c, 0, 1, out), ==, 0);
	check_mem(out, key, 32);
	check_int(store_key_get(c, 0, 2, out), ==, ST_ERR_NOTFOUND);
	/* Putting the same key again is harmless; a different one is refused. */
	check_int(store_key_put(c, 0, 1, key), ==, 0);
	memset(other, 0x33, sizeof(other));
	check_int(store_key_put(c, 0, 1, other), ==, CH_ERR_VALUE);
	check_int(store_key_get(c, 0, 1, out), ==, 0);
	check_mem(out, key, 32);
	check_int(store_key_get(c, 1, 1, out), ==, ST_ERR_NOTFOUND);
	check_int(store_commit(s), ==, 0);
	store_destroy(&s);
	/* The key is not in the file in clear. */
	{
		char path[400], *buf;
		FILE *f;
		long n;
		snprintf(path, sizeof(path), "%s/cases/04000000000000000000000000000000/data.mdb", dir);
		f = fopen(path, "rb");
		check(f != NULL);
		if (f) {
			fseek(f, 0, SEEK_END);
			n = ftell(f);
			fseek(f, 0, SEEK_SET);
			buf = malloc((size_t)n);
			check_int(fread(buf, 1, (size_t)n, f), ==, n);
			fclose(f);
			check(memmem(buf, (size_t)n, key, 32) == NULL);
			free(buf);
		}
	}
	/* Another org's storage key does not open it. */
	memset(other, 0x55, sizeof(other));
	check_int(store_open(dir, other, 4, &s), ==, 0);
	check_int(store_case_get(s, id, 0, &c), ==, 0);
	check_int(store_key_get(c, 0, 1, out), ==, CH_ERR_DECRYPT);
	store_destroy(&s);
	rm_dir();
}

TEST(forks_are_kept)
{
	store_t *s;
	scase_t *c;
	uint8_t id[16] = { 5 }, org[32] = { 1 }, a[206], b[206];
	size_t n;

	fresh_dir();
	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	check_int(store_case_get(s, id, 1, &c), ==, 0);
	check_int(store_fork_count(c, &n), ==, 0);
	check_int(n, ==, 0);
	check_int(store_fork_put(c, org, 3, a, sizeof(a)), ==, 0);
	check_int(store_fork_put(c, org, 3, b, sizeof(b)), ==, 0);
	check_int(store_fork_put(c, org, 3, b, sizeof(b)), ==, 0);
	check_int(store_fork_count(c, &n), ==, 0);
	check_int(n, ==, 2);
	store_destroy(&s);
	rm_dir();
}

TEST(bounded_cache_of_cases)
{
	store_t *s;
	scase_t *c;
	uint8_t org[32] = { 1 }, eid[32] = { 0 }, hid[32], x[4] = { 0 };
	uint64_t seq;

	fresh_dir();
	check_int(store_open(dir, storage, 2, &s), ==, 0);
	for (int i = 0; i < 5; i++) {
		uint8_t id[16] = { (uint8_t)(10 + i) };
		check_int(store_case_get(s, id, 1, &c), ==, 0);
		check_int(store_entry_put(c, org, 1, eid, x, sizeof(x)), ==, 0);
		check_int(store_commit(s), ==, 0);
	}
	uint8_t (*ids)[16] = NULL;
	size_t n = 0;
	check_int(store_case_list(s, &ids, &n), ==, 0);
	check_int(n, ==, 5);
	free(ids);
	for (int i = 0; i < 5; i++) {
		uint8_t id[16] = { (uint8_t)(10 + i) };
		check_int(store_case_get(s, id, 0, &c), ==, 0);
		check_int(store_head(c, org, &seq, hid), ==, 0);
		check_int(seq, ==, 1);
	}
	store_destroy(&s);
	rm_dir();
}

TEST(org_tables)
{
	store_t *s;
	uint8_t k[32] = { 3 }, *v;
	size_t n;
	uint64_t g = 99;

	fresh_dir();
	check_int(store_open(dir, NULL, 2, &s), ==, 0);
	check_int(store_peer_put(s, k, (const uint8_t *)"card", 4), ==, 0);
	check_int(store_commit(s), ==, 0);
	check_int(store_peer_get(s, k, &v, &n), ==, 0);
	check_int(n, ==, 4);
	check_mem(v, "card", 4);
	free(v);
	check_int(store_peer_del(s, k), ==, 0);
	check_int(store_peer_get(s, k, &v, &n), ==, ST_ERR_NOTFOUND);
	check_int(store_peer_del(s, k), ==, ST_ERR_NOTFOUND);
	/* The generation starts at 0 and moves by one per bump. */
	check_int(store_gen_get(s, &g), ==, 0);
	check_int(g, ==, 0);
	check_int(store_gen_bump(s), ==, 0);
	check_int(store_gen_bump(s), ==, 0);
	check_int(store_gen_get(s, &g), ==, 0);
	check_int(g, ==, 2);
	store_destroy(&s);
	rm_dir();
}

static int
count_blob(void *arg, const uint8_t key[32], const uint8_t *v, size_t n)
{
	(void)v;
	*(size_t *)arg += key[0] + n;
	return 0;
}

static int
sum_revocation(void *arg, const uint8_t provider[32], uint64_t when)
{
	*(uint64_t *)arg += provider[0] + when;
	return 0;
}

TEST(org_providers_and_revocations)
{
	store_t *s;
	uint8_t a[32] = { 1 }, b[32] = { 2 };
	size_t acc = 0;
	uint64_t sum = 0;

	fresh_dir();
	check_int(store_open(dir, NULL, 2, &s), ==, 0);
	check_int(store_provider_put(s, a, (const uint8_t *)"xx", 2), ==, 0);
	check_int(store_provider_put(s, b, (const uint8_t *)"yyy", 3), ==, 0);
	check_int(store_providers_each(s, count_blob, &acc), ==, 0);
	check_int(acc, ==, 1 + 2 + 2 + 3);
	check_int(store_provider_del(s, a), ==, 0);
	acc = 0;
	check_int(store_providers_each(s, count_blob, &acc), ==, 0);
	check_int(acc, ==, 2 + 3);
	check_int(store_revocation_put(s, a, 1000), ==, 0);
	check_int(store_revocation_put(s, b, 20), ==, 0);
	check_int(store_revocations_each(s, sum_revocation, &sum), ==, 0);
	check_int(sum, ==, 1 + 1000 + 2 + 20);
	check_int(store_commit(s), ==, 0);
	store_destroy(&s);
	rm_dir();
}

TEST(case_records)
{
	store_t *s;
	scase_t *c;
	uint8_t id[16] = { 7 }, org[32] = { 9 }, prov[32] = { 4 }, got[32];
	uint32_t e = 0;
	uint64_t seq = 5, n = 1;
	store_epochrec_t r, q;

	fresh_dir();
	check_int(store_open(dir, storage, 2, &s), ==, 0);
	check_int(store_case_get(s, id, 1, &c), ==, 0);
	/* Nothing before the genesis. */
	check_int(store_coord_get(c, got), ==, ST_ERR_NOTFOUND);
	check_int(store_epoch_get(c, &e), ==, ST_ERR_NOTFOUND);
	check_int(store_excluded_get(c, &e), ==, ST_ERR_NOTFOUND);
	check_int(store_forked_get(c, org), ==, 0);
	check_int(store_revoked_get(c, org, prov, &seq), ==, 0);
	check_int(seq, ==, 0);
	check_int(store_entries_count(c, &n), ==, 0);
	check_int(n, ==, 0);
	check_int(store_epochrec_get(c, 0, &r), ==, ST_ERR_NOTFOUND);

	check_int(store_coord_put(c, org), ==, 0);
	check_int(store_epoch_put(c, 3), ==, 0);
	check_int(store_excluded_put(c, 4, 1795000000999u), ==, 0);
	check_int(store_forked_put(c, org), ==, 0);
	check_int(store_revoked_put(c, org, prov, 12), ==, 0);
	memset(&r, 0, sizeof(r));
	r.start_ms = 1795000000123u;
	memcpy(r.org, org, 32);
	r.seq = 6;
	r.entries_at_start = 41;
	r.charter = (uint8_t *)(uintptr_t)"charter bytes";
	r.charterlen = 13;
	check_int(store_epochrec_put(c, 3, &r), ==, 0);
	check_int(store_commit(s), ==, 0);

	check_int(store_coord_get(c, got), ==, 0);
	check_mem(got, org, 32);
	check_int(store_epoch_get(c, &e), ==, 0);
	check_int(e, ==, 3);
	check_int(store_excluded_get(c, &e), ==, 0);
	check_int(e, ==, 4);
	check_int(store_excluded_when(c, &n), ==, 0);
	check_int(n, ==, 1795000000999u);
	check_int(store_forked_get(c, org), ==, 1);
	check_int(store_forked_get(c, prov), ==, 0);
	check_int(store_revoked_get(c, org, prov, &seq), ==, 0);
	check_int(seq, ==, 12);
	check_int(store_epochrec_get(c, 3, &q), ==, 0);
	check_int(q.start_ms, ==, 1795000000123u);
	check_mem(q.org, org, 32);
	check_int(q.seq, ==, 6);
	check_int(q.entries_at_start, ==, 41);
	check_int(q.charterlen, ==, 13);
	check_mem(q.charter, "charter bytes", 13);
	store_epochrec_clear(&q);
	check_int(store_epochrec_get(c, 2, &q), ==, ST_ERR_NOTFOUND);
	store_destroy(&s);
	rm_dir();
}

TEST(closed_cases)
{
	store_t *s;
	uint8_t id[16] = { 7 }, other[16] = { 8 }, prov[32] = { 4 }, got[32];
	uint64_t when = 0;

	fresh_dir();
	check_int(store_open(dir, storage, 2, &s), ==, 0);
	check_int(store_closed_get(s, id, &when, got), ==, ST_ERR_NOTFOUND);
	check_int(store_closed_del(s, id), ==, ST_ERR_NOTFOUND);
	check_int(store_closed_put(s, id, 1795000000123u, prov), ==, 0);
	check_int(store_commit(s), ==, 0);
	check_int(store_closed_get(s, id, &when, got), ==, 0);
	check_int(when, ==, 1795000000123u);
	check_mem(got, prov, 32);
	check_int(store_closed_get(s, other, NULL, NULL), ==, ST_ERR_NOTFOUND);
	/* kept across a reopening of the store, gone once deleted */
	store_destroy(&s);
	check_int(store_open(dir, storage, 2, &s), ==, 0);
	check_int(store_closed_get(s, id, NULL, NULL), ==, 0);
	check_int(store_closed_del(s, id), ==, 0);
	check_int(store_commit(s), ==, 0);
	check_int(store_closed_get(s, id, NULL, NULL), ==, ST_ERR_NOTFOUND);
	store_destroy(&s);
	rm_dir();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	/* the refusals the tests provoke are checked, not printed (VERBOSE=1 shows them) */
	log_init("test_store", getenv("VERBOSE") ? LOG_LVL_DEBUG : -1);
	randombytes_buf(storage, sizeof(storage));
	TAP_RUN(feed_roundtrip);
	TAP_RUN(feed_ranges_do_not_cross_feeds);
	TAP_RUN(abort_discards_the_round);
	TAP_RUN(wrapped_keys);
	TAP_RUN(forks_are_kept);
	TAP_RUN(bounded_cache_of_cases);
	TAP_RUN(org_tables);
	TAP_RUN(org_providers_and_revocations);
	TAP_RUN(case_records);
	TAP_RUN(closed_cases);
	return TAP_DONE();
}
