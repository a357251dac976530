/* restore.c - the run id, and the cases a restored store holds back
 * (restore.h): a sorted array of the cases held at the start, found by
 * binary search. */
#include <stdlib.h>
#include <string.h>

#include "../keys/keys.h"
#include "clock.h"
#include "derr.h"
#include "log.h"
#include "restore.h"

typedef struct {
	uint8_t id[16];
	uint64_t claim;          /* highest seq of our feed a member said it holds */
	int64_t claim_at;        /* ms: when that claim was first made (0: none) */
	uint8_t claimant[32];    /* who made it */
	uint8_t ignored[32];     /* a member whose claim was dropped */
	uint8_t seen, ready, has_ignored;
} slot_t;

_Static_assert(sizeof(slot_t) <= RESTORE_SLOT_BYTES, "a slot fits RESTORE_SLOT_BYTES");

struct restore {
	uint8_t run[16];
	slot_t *slot;            /* sorted by id; NULL when not restored */
	size_t n, ready;
	int active;
};

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

int
restore_new(store_t *s, restore_t **out)
{
	restore_t *r = calloc(1, sizeof(*r));
	uint8_t (*ids)[16] = NULL;
	size_t n = 0;
	int restored, rc;

	*out = NULL;
	if (!r)
		return CH_ERR_NOMEM;
	if ((rc = store_run_begin(s, r->run, &restored)) != 0) {
		free(r);
		return rc;
	}
	if (restored) {
		if ((rc = store_journal_add(s, (uint64_t)clock_now_ms(), STORE_J_RESTORED,
		    "the store was found put back from a copy at the daemon's start; its own "
		    "feeds wait for the other members")) != 0) {
			free(r);
			return rc;
		}
		if ((rc = store_case_list(s, &ids, &n)) != 0 ||
		    (n && !(r->slot = calloc(n, sizeof(*r->slot))))) {
			free(ids);
			free(r);
			return rc ? rc : CH_ERR_NOMEM;
		}
		for (size_t i = 0; i < n; i++)
			memcpy(r->slot[i].id, ids[i], 16);
		free(ids);
		qsort(r->slot, n, sizeof(*r->slot), id_cmp);
		r->n = n;
		r->active = 1;
		log_warn(ngettext("this daemon's store was put back from a copy (a backup, or files "
		    "copied in): it writes nothing in the %zu case it holds until the other members' "
		    "daemons have told it what this organization wrote in each since ('cahier status' "
		    "shows how far it is)", "this daemon's store was put back from a copy (a backup, "
		    "or files copied in): it writes nothing in the %zu cases it holds until the other "
		    "members' daemons have told it what this organization wrote in each since "
		    "('cahier status' shows how far it is)", n), n);
	}
	*out = r;
	return 0;
}

void
restore_destroy(restore_t **r)
{
	if (!*r)
		return;
	free((*r)->slot);
	free(*r);
	*r = NULL;
}

const uint8_t *
restore_run(const restore_t *r)
{
	return r->run;
}

int
restore_active(const restore_t *r)
{
	return r->active;
}

void
restore_progress(const restore_t *r, size_t *ready, size_t *total)
{
	*ready = r->ready;
	*total = r->n;
}

static slot_t *
find(const restore_t *r, const uint8_t id[16])
{
	if (!r->active)
		return NULL;
	return bsearch(id, r->slot, r->n, sizeof(*r->slot), id_cmp);
}

static void
make_ready(restore_t *r, slot_t *sl)
{
	if (!sl->ready) {
		sl->ready = 1;
		r->ready++;
	}
}

void
restore_seen(restore_t *r, const uint8_t id[16], const uint8_t org[32],
    uint64_t claim, uint64_t head)
{
	slot_t *sl = find(r, id);
	if (!sl || sl->ready)
		return;
	if (sl->has_ignored && memcmp(sl->ignored, org, 32) == 0)
		claim = 0;
	sl->seen = 1;
	if (claim > sl->claim) {
		if (claim > head) {
			char kid[17];
			keys_keyid(org, kid);
			log_info("a member (%s) holds this organization's feed of a case up to seq %llu, "
			    "this daemon up to %llu: fetching the rest before writing there", kid,
			    (unsigned long long)claim, (unsigned long long)head);
		}
		sl->claim = claim;
		memcpy(sl->claimant, org, 32);
	}
	if (sl->claim <= head)
		make_ready(r, sl);
}

void
restore_alone(restore_t *r, const uint8_t id[16])
{
	slot_t *sl = find(r, id);
	if (sl)
		make_ready(r, sl);
}

int
restore_may_append(restore_t *r, const uint8_t id[16], uint64_t head, int64_t now)
{
	slot_t *sl = find(r, id);
	if (!sl || sl->ready)
		return 0;
	if (sl->seen && sl->claim <= head) {
		make_ready(r, sl);
		return 0;
	}
	if (sl->claim > head && !sl->claim_at)
		sl->claim_at = now;
	return DERR_RESTORING;
}

int
restore_tick(restore_t *r, store_t *s, const uint8_t self[32], int64_t now)
{
	if (!r->active)
		return 0;
	for (size_t i = 0; i < r->n; i++) {
		slot_t *sl = &r->slot[i];
		scase_t *c;
		uint64_t head;
		uint8_t hid[32];
		if (sl->ready || !sl->seen)
			continue;
		if (store_case_get(s, sl->id, 0, &c) != 0 || store_head(c, self, &head, hid) != 0)
			continue;
		if (sl->claim <= head) {
			make_ready(r, sl);
			continue;
		}
		if (!sl->claim_at)
			sl->claim_at = now;
		else if (now - sl->claim_at >= RESTORE_CLAIM_MS) {
			char kid[17];
			keys_keyid(sl->claimant, kid);
			log_warn("a member (%s) said it holds this organization's feed of a case up to "
			    "seq %llu but has not sent it in %d s: that claim is dropped, and this daemon "
			    "writes there again from seq %llu", kid, (unsigned long long)sl->claim,
			    RESTORE_CLAIM_MS / 1000, (unsigned long long)head + 1);
			memcpy(sl->ignored, sl->claimant, 32);
			sl->has_ignored = 1;
			sl->claim = head;
			sl->claim_at = 0;
			make_ready(r, sl);
		}
	}
	if (r->ready < r->n)
		return 0;
	if (store_restored_clear(s) != 0)
		return 0;
	r->active = 0;
	free(r->slot);
	r->slot = NULL;
	log_info(ngettext("learnt this organization's own feeds from the other members in the %zu "
	    "case: writing as usual again", "learnt this organization's own feeds from the other "
	    "members in all %zu cases: writing as usual again", r->n), r->n);
	return 1;
}
