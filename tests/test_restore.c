/* test_restore.c - knowing that a store was put back from a copy, holding
 * our own feed back until a member confirms it (daemon/restore.h), and the
 * change numbers peers pull by (daemon/store.h: store_change). In process,
 * on real stores in a temporary directory, with the clock given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "tap.h"
#include "../daemon/log.h"
#include "../daemon/derr.h"
#include "../daemon/restore.h"
#include "../daemon/store.h"

static char dir[256];
static uint8_t storage[32];
static const uint8_t self[32] = { 0x5e };
static const uint8_t liar[32] = { 0x11 }, honest[32] = { 0x22 };

static void
rm_dir(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		abort();
}

/* A store of n cases (ids {1}, {2}, ...), our feed of each at seq 3. */
static void
fresh_store(int n)
{
	store_t *s;
	if (!tap_tmpdir(dir, sizeof(dir), "test-restore") || store_open(dir, storage, 4, &s) != 0)
		abort();
	for (int i = 1; i <= n; i++) {
		uint8_t id[16] = { (uint8_t)i }, eid[32] = { 0 }, e[8] = { 0 };
		scase_t *c;
		if (store_case_get(s, id, 1, &c) != 0)
			abort();
		for (uint64_t q = 1; q <= 3; q++)
			if (store_entry_put(c, self, q, eid, e, sizeof(e)) != 0)
				abort();
	}
	if (store_commit(s) != 0)
		abort();
	store_destroy(&s);
}

/* Starts a run over the store; *s and *r stay open. */
static void
run(store_t **s, restore_t **r)
{
	if (store_open(dir, storage, 4, s) != 0 || restore_new(*s, r) != 0)
		abort();
}

static void
end(store_t **s, restore_t **r)
{
	restore_destroy(r);
	store_destroy(s);
}

static void
put_run_file(const char *text)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/run", dir);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

TEST(a_plain_restart_holds_nothing_back)
{
	store_t *s;
	restore_t *r;
	uint8_t id[16] = { 1 }, first[16];

	fresh_store(1);
	run(&s, &r);
	/* A store that never ran (made before the run was kept): not restored. */
	check_int(restore_active(r), ==, 0);
	memcpy(first, restore_run(r), 16);
	end(&s, &r);
	run(&s, &r);
	check_int(restore_active(r), ==, 0);
	check(memcmp(first, restore_run(r), 16) != 0); /* a new run id each start */
	check_int(restore_may_append(r, id, 3, 1000), ==, 0);
	end(&s, &r);
	rm_dir();
}

TEST(a_store_put_back_is_known)
{
	store_t *s;
	restore_t *r;
	char copy[300], cmd[2048];

	/* Run once, copy org/ and cases/, run again: putting the copy back
	 * leaves the run file naming the later run. */
	fresh_store(1);
	run(&s, &r);
	end(&s, &r);
	snprintf(copy, sizeof(copy), "%s.copy", dir);
	snprintf(cmd, sizeof(cmd), "mkdir %s && cp -a %s/org %s/cases %s/", copy, dir, dir, copy);
	check_int(system(cmd), ==, 0);
	run(&s, &r);
	check_int(restore_active(r), ==, 0);
	end(&s, &r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/org %s/cases && cp -a %s/org %s/cases %s/ && rm -rf %s",
	    dir, dir, copy, copy, dir, copy);
	check_int(system(cmd), ==, 0);
	run(&s, &r);
	check_int(restore_active(r), ==, 1);
	check_int(store_restored(s), ==, 1);
	end(&s, &r);
	/* Restarted before it learnt anything: still restored (the mark is
	 * in the store, not only in memory). */
	run(&s, &r);
	check_int(restore_active(r), ==, 1);
	end(&s, &r);
	rm_dir();

	/* A run file missing, or not a run id: restored too. */
	fresh_store(1);
	run(&s, &r);
	end(&s, &r);
	snprintf(cmd, sizeof(cmd), "%s/run", dir);
	check_int(unlink(cmd), ==, 0);
	run(&s, &r);
	check_int(restore_active(r), ==, 1);
	end(&s, &r);
	rm_dir();
	fresh_store(1);
	run(&s, &r);
	end(&s, &r);
	put_run_file("not a run id\n");
	run(&s, &r);
	check_int(restore_active(r), ==, 1);
	end(&s, &r);
	rm_dir();
}

/* A restored store of n cases, running. */
static void
restored(int n, store_t **s, restore_t **r)
{
	fresh_store(n);
	run(s, r);
	end(s, r);
	put_run_file("00000000000000000000000000000000\n");
	run(s, r);
}

TEST(our_feed_waits_for_a_member)
{
	store_t *s;
	restore_t *r;
	uint8_t a[16] = { 1 }, b[16] = { 2 }, alone[16] = { 3 }, fresh[16] = { 9 };
	size_t ready, total;

	restored(3, &s, &r);
	check_int(restore_active(r), ==, 1);
	restore_progress(r, &ready, &total);
	check_int(ready, ==, 0);
	check_int(total, ==, 3);
	/* Nobody heard from yet: nothing of ours is written. */
	check_int(restore_may_append(r, a, 3, 1000), ==, DERR_RESTORING);
	/* A member holds our feed of a up to 5: still not, until we do. */
	restore_seen(r, a, honest, 5, 3);
	check_int(restore_may_append(r, a, 3, 1000), ==, DERR_RESTORING);
	check_int(restore_may_append(r, a, 4, 1000), ==, DERR_RESTORING);
	check_int(restore_may_append(r, a, 5, 1000), ==, 0);
	/* A member that holds no more of b than we do. */
	restore_seen(r, b, honest, 2, 3);
	check_int(restore_may_append(r, b, 3, 1000), ==, 0);
	/* A case of ours alone; a case made after the start. */
	check_int(restore_may_append(r, alone, 3, 1000), ==, DERR_RESTORING);
	restore_alone(r, alone);
	check_int(restore_may_append(r, alone, 3, 1000), ==, 0);
	check_int(restore_may_append(r, fresh, 0, 1000), ==, 0);
	restore_progress(r, &ready, &total);
	check_int(ready, ==, 3);
	/* All ready: the mark is cleared with the round's commit. */
	check_int(restore_tick(r, s, self, 2000), ==, 1);
	check_int(restore_active(r), ==, 0);
	check_int(store_commit(s), ==, 0);
	check_int(store_restored(s), ==, 0);
	end(&s, &r);
	run(&s, &r);
	check_int(restore_active(r), ==, 0);
	end(&s, &r);
	rm_dir();
}

TEST(a_lying_member_holds_us_back_for_a_bounded_time)
{
	store_t *s;
	restore_t *r;
	uint8_t a[16] = { 1 };
	int64_t t0 = 1000000;

	restored(1, &s, &r);
	/* A member claims our feed of a up to 1000 and never sends it. */
	restore_seen(r, a, liar, 1000, 3);
	check_int(restore_may_append(r, a, 3, t0), ==, DERR_RESTORING);
	check_int(restore_tick(r, s, self, t0), ==, 0);
	check_int(restore_tick(r, s, self, t0 + RESTORE_CLAIM_MS - 1), ==, 0);
	check_int(restore_may_append(r, a, 3, t0 + RESTORE_CLAIM_MS - 1), ==, DERR_RESTORING);
	/* Past RESTORE_CLAIM_MS the claim is dropped: we write again. */
	check_int(restore_tick(r, s, self, t0 + RESTORE_CLAIM_MS), ==, 1);
	check_int(restore_may_append(r, a, 3, t0 + RESTORE_CLAIM_MS), ==, 0);
	end(&s, &r);
	rm_dir();

	/* The claim is dropped once; the same member's next claim on the case
	 * is not counted, another member's is. */
	restored(1, &s, &r);
	restore_seen(r, a, liar, 1000, 3);
	check_int(restore_tick(r, s, self, t0), ==, 0);
	check_int(restore_tick(r, s, self, t0 + RESTORE_CLAIM_MS), ==, 1);
	end(&s, &r);
	rm_dir();
	restored(2, &s, &r);
	uint8_t b[16] = { 2 };
	restore_seen(r, a, liar, 1000, 3);
	restore_seen(r, b, honest, 3, 3);
	(void)restore_tick(r, s, self, t0);
	(void)restore_tick(r, s, self, t0 + RESTORE_CLAIM_MS);
	check_int(restore_may_append(r, a, 3, t0 + RESTORE_CLAIM_MS), ==, 0);
	end(&s, &r);
	rm_dir();
}

TEST(a_claim_met_by_entries_that_came_makes_the_case_ready)
{
	store_t *s;
	restore_t *r;
	uint8_t a[16] = { 1 }, eid[32] = { 0 }, e[8] = { 0 };
	scase_t *c;

	restored(1, &s, &r);
	restore_seen(r, a, honest, 4, 3);
	check_int(restore_tick(r, s, self, 1000), ==, 0);
	/* The entry arrives (ingest stores it): the next tick sees our head. */
	check_int(store_case_get(s, a, 0, &c), ==, 0);
	check_int(store_entry_put(c, self, 4, eid, e, sizeof(e)), ==, 0);
	check_int(store_commit(s), ==, 0);
	check_int(restore_tick(r, s, self, 2000), ==, 1);
	end(&s, &r);
	rm_dir();
}

TEST(change_numbers)
{
	store_t *s;
	scase_t *c;
	uint8_t a[16] = { 1 }, b[16] = { 2 }, d[16] = { 4 }, ids[8][16], eid[32] = { 0 }, e[8] = { 0 };
	uint64_t chg[8];
	size_t n;

	fresh_store(2);
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	/* Every case held gets a number at the start. */
	check_int(store_change(s), ==, 2);
	check_int(store_changed_since(s, 0, 8, ids, chg, &n), ==, 0);
	check_int(n, ==, 2);
	check_int(store_changed_since(s, 2, 8, ids, chg, &n), ==, 0);
	check_int(n, ==, 0);
	/* An entry in a: a is the newest change; a new case d after it. */
	check_int(store_case_get(s, a, 0, &c), ==, 0);
	check_int(store_entry_put(c, self, 4, eid, e, sizeof(e)), ==, 0);
	check_int(store_case_get(s, d, 1, &c), ==, 0);
	check_int(store_change(s), ==, 4);
	check_int(store_changed_since(s, 2, 8, ids, chg, &n), ==, 0);
	check_int(n, ==, 2);
	if (n == 2) {
		check_mem(ids[0], a, 16);
		check_int(chg[0], ==, 3);
		check_mem(ids[1], d, 16);
		check_int(chg[1], ==, 4);
	}
	/* Lowest first, at most max. */
	check_int(store_changed_since(s, 0, 2, ids, chg, &n), ==, 0);
	check_int(n, ==, 2);
	if (n == 2) {
		check_mem(ids[0], b, 16);
		check_mem(ids[1], a, 16);
	}
	/* A body given, an entry replaced: a change too. */
	check_int(store_case_get(s, b, 0, &c), ==, 0);
	check_int(store_entry_replace(c, self, 1, e, sizeof(e)), ==, 0);
	check_int(store_changed_since(s, 4, 8, ids, chg, &n), ==, 0);
	check_int(n, ==, 1);
	check_mem(ids[0], b, 16);
	check_int(store_commit(s), ==, 0);
	store_destroy(&s);
	rm_dir();
}

TEST(many_cases)
{
	store_t *s;
	uint8_t (*ids)[16] = malloc(1000 * 16);
	uint64_t *chg = malloc(1000 * sizeof(*chg));
	size_t n;

	if (!tap_tmpdir(dir, sizeof(dir), "test-restore") || !ids || !chg)
		abort();
	check_int(store_open(dir, storage, 4, &s), ==, 0);
	for (int i = 0; i < 1000; i++) {
		uint8_t id[16] = { (uint8_t)i, (uint8_t)(i >> 8), 0xcc };
		scase_t *c;
		check_int(store_case_get(s, id, 1, &c), ==, 0);
		if (i % 50 == 49)
			check_int(store_commit(s), ==, 0);
	}
	check_int(store_commit(s), ==, 0);
	check_int(store_change(s), ==, 1000);
	check_int(store_changed_since(s, 0, 1000, ids, chg, &n), ==, 0);
	check_int(n, ==, 1000);
	int sorted = 1;
	for (size_t i = 1; i < n; i++)
		sorted &= chg[i] == chg[i - 1] + 1;
	check(sorted);
	check_int(store_changed_since(s, 990, 1000, ids, chg, &n), ==, 0);
	check_int(n, ==, 10);
	store_destroy(&s);
	rm_dir();
	free(ids);
	free(chg);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	/* the refusals the tests provoke are checked, not printed (VERBOSE=1 shows them) */
	log_init("test_restore", getenv("VERBOSE") ? LOG_LVL_DEBUG : -1);
	randombytes_buf(storage, sizeof(storage));
	TAP_RUN(a_plain_restart_holds_nothing_back);
	TAP_RUN(a_store_put_back_is_known);
	TAP_RUN(our_feed_waits_for_a_member);
	TAP_RUN(a_lying_member_holds_us_back_for_a_bounded_time);
	TAP_RUN(a_claim_met_by_entries_that_came_makes_the_case_ready);
	TAP_RUN(change_numbers);
	TAP_RUN(many_cases);
	return TAP_DONE();
}
