/* member.c - the entries this daemon writes about membership, and joining
 * a case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "derr.h"
#include "feed.h"
#include "log.h"
#include "member.h"
#include "state.h"

#define NAUD 6

int
member_new_epoch(ingest_t *in, scase_t *c, const ch_epoch_t *ep,
    uint8_t **entry, size_t *entrylen, uint8_t id[32])
{
	uint32_t e = ep->why == CH_WHY_CREATE ? 0 : state_epoch(c) + 1;
	uint8_t (*keys)[32] = sodium_malloc(NAUD * 32);
	uint8_t *fields = NULL, *plain = NULL;
	size_t fl = 0, pl = 0, ns = 0;
	ch_slot_t *slots = calloc(CH_SLOTS_MAX, sizeof(*slots));
	int rc = CH_ERR_NOMEM;

	if (!keys || !slots)
		goto out;
	randombytes_buf(keys, NAUD * 32);
	for (size_t i = 0; i < ep->charter.norgs; i++) {
		const ch_corg_t *m = &ep->charter.orgs[i];
		keys_card_t card;
		if ((rc = keys_card_parse(m->card, m->cardlen, &card)) != 0)
			goto out;
		for (uint8_t a = 1; a <= NAUD; a++) {
			if (!state_org_in_audience(&ep->charter, m->org, a))
				continue;
			if (ns == CH_SLOTS_MAX) {
				keys_card_clear(&card);
				rc = CH_ERR_TOOBIG;
				goto out;
			}
			memcpy(slots[ns].org, m->org, 32);
			slots[ns].epoch = e;
			slots[ns].audience = a;
			crypto_box_seal(slots[ns].sealed, keys[a - 1], 32, card.box_pk);
			ns++;
		}
		/* A joining org gets the membership keys of the earlier epochs:
		 * who was in the case and when, never what was written. */
		if (ep->why == CH_WHY_ADD && memcmp(m->org, ep->subject, 32) == 0) {
			for (uint32_t k = 0; k < e && ns < CH_SLOTS_MAX; k++) {
				uint8_t mk[32];
				if (store_key_get(c, k, CH_AUD_MEMBERSHIP, mk) != 0)
					continue;
				memcpy(slots[ns].org, m->org, 32);
				slots[ns].epoch = k;
				slots[ns].audience = CH_AUD_MEMBERSHIP;
				crypto_box_seal(slots[ns].sealed, mk, 32, card.box_pk);
				sodium_memzero(mk, sizeof(mk));
				ns++;
			}
		}
		keys_card_clear(&card);
	}
	if ((rc = ch_epoch_encode(ep, &fields, &fl)) != 0 ||
	    (rc = feed_org_plain(store_case_id(c), ep->why == CH_WHY_CREATE ?
	    CH_KIND_CASE_CREATE : CH_KIND_EPOCH, CH_AUD_MEMBERSHIP, fields, fl,
	    &plain, &pl)) != 0)
		goto out;
	rc = feed_append(in, c, e, CH_AUD_MEMBERSHIP, slots, ns,
	    keys[CH_AUD_MEMBERSHIP - 1], plain, pl, entry, entrylen, id);
out:
	if (keys)
		sodium_free(keys);
	free(slots);
	if (plain) {
		sodium_memzero(plain, pl);
		free(plain);
	}
	if (fields) {
		sodium_memzero(fields, fl);
		free(fields);
	}
	return rc;
}

int
member_grant_history(ingest_t *in, scase_t *c, const uint8_t grantee[32],
    const uint8_t *req, size_t reqlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32])
{
	state_epoch_t cur;
	uint32_t e = state_epoch(c);
	ch_slot_t *slots = calloc(CH_SLOTS_MAX, sizeof(*slots));
	size_t ns = 0, fl = 0, pl = 0;
	uint8_t *fields = NULL, *plain = NULL, key[32];
	ch_history_t hi;
	keys_card_t card;
	int rc;

	if (!slots)
		return CH_ERR_NOMEM;
	if ((rc = state_epoch_current(c, &cur)) != 0) {
		free(slots);
		return rc;
	}
	int i = ch_charter_find_org(&cur.ch, grantee);
	if (i < 0 || (rc = keys_card_parse(cur.ch.orgs[i].card, cur.ch.orgs[i].cardlen, &card)) != 0) {
		state_epoch_free(&cur);
		free(slots);
		return i < 0 ? CH_ERR_VALUE : rc;
	}
	/* Every earlier key of the audiences its role is in now. */
	for (uint32_t k = 0; k < e; k++) {
		for (uint8_t a = 1; a <= CH_AUD_COORDINATION; a++) {
			if (!state_org_in_audience(&cur.ch, grantee, a) || ns == CH_SLOTS_MAX)
				continue;
			if (store_key_get(c, k, a, key) != 0)
				continue;
			memcpy(slots[ns].org, grantee, 32);
			slots[ns].epoch = k;
			slots[ns].audience = a;
			crypto_box_seal(slots[ns].sealed, key, 32, card.box_pk);
			sodium_memzero(key, sizeof(key));
			ns++;
		}
	}
	keys_card_clear(&card);
	state_epoch_free(&cur);
	memcpy(hi.grantee, grantee, 32);
	hi.request = req;
	hi.requestlen = reqlen;
	if ((rc = ch_history_encode(&hi, &fields, &fl)) == 0 &&
	    (rc = feed_org_plain(store_case_id(c), CH_KIND_HISTORY, CH_AUD_NETWORK, fields,
	    fl, &plain, &pl)) == 0 &&
	    (rc = store_key_get(c, e, CH_AUD_NETWORK, key)) == 0)
		rc = feed_append(in, c, e, CH_AUD_NETWORK, slots, ns, key, plain, pl, entry,
		    entrylen, id);
	sodium_memzero(key, sizeof(key));
	free(fields);
	free(plain);
	free(slots);
	return rc;
}

int
member_revoke(ingest_t *in, scase_t *c, const uint8_t provider[32], uint64_t when,
    uint8_t **entry, size_t *entrylen, uint8_t id[32])
{
	ch_revoke_t rv;
	uint8_t *fields = NULL, *plain = NULL, key[32];
	size_t fl = 0, pl = 0;
	uint32_t e = state_epoch(c);
	int rc;

	memcpy(rv.provider, provider, 32);
	rv.revoked_at = when;
	if ((rc = ch_revoke_encode(&rv, &fields, &fl)) == 0 &&
	    (rc = feed_org_plain(store_case_id(c), CH_KIND_REVOKE, CH_AUD_NETWORK, fields,
	    fl, &plain, &pl)) == 0 &&
	    (rc = store_key_get(c, e, CH_AUD_NETWORK, key)) == 0)
		rc = feed_append(in, c, e, CH_AUD_NETWORK, NULL, 0, key, plain, pl, entry,
		    entrylen, id);
	sodium_memzero(key, sizeof(key));
	free(fields);
	free(plain);
	return rc;
}

int
member_revoked(scase_t *c, const uint8_t org[32], const uint8_t provider[32])
{
	return state_revoked_at(c, org, provider) != 0;
}

/* What an unknown case may cost before it has shown this daemon a genesis
 * and a welcome: signature checks and slot opens per batch. */
typedef struct {
	unsigned sigs;
	unsigned opens;
} budget_t;

/* The envelope of item i if it is a full entry of the case with audience
 * (0: any), signed by its org within the budget; else 0. */
static int
signed_entry(const ch_slice_t *it, const uint8_t case_id[16], uint8_t audience,
    budget_t *b, ch_env_t *env, const uint8_t **body, size_t *bl)
{
	if (ch_entry_split(it->p, it->n, env, body, bl) != 0 || !*body ||
	    memcmp(env->case_id, case_id, 16) != 0 ||
	    (audience && env->audience != audience) || b->sigs == MEMBER_ADOPT_SIGS)
		return 0;
	b->sigs++;
	return ch_env_verify(env) == 0;
}

/* The genesis candidate: the first signed seq 1 of epoch 0 under the
 * membership key; its index, or -1. */
static long
find_genesis(const uint8_t case_id[16], const ch_slice_t *items, size_t n,
    budget_t *b)
{
	for (size_t i = 0; i < n; i++) {
		ch_env_t env;
		const uint8_t *body;
		size_t bl;
		/* Cheap filters first: only a candidate costs a signature check. */
		if (items[i].n < CH_ENV_LEN)
			continue;
		if (ch_entry_split(items[i].p, items[i].n, &env, &body, &bl) != 0 ||
		    env.seq != 1 || env.epoch != 0)
			continue;
		if (signed_entry(&items[i], case_id, CH_AUD_MEMBERSHIP, b, &env, &body, &bl))
			return (long)i;
	}
	return -1;
}

/* The entry that welcomes us: an epoch entry with a membership-key slot
 * for our org at its own epoch and one of epoch 0, the highest epoch
 * first. Its slots hold every membership key; opened into *o. Slot opens
 * stop at the budget. */
static int
find_welcome(keyring_t *kr, const uint8_t case_id[16], const ch_slice_t *items,
    size_t n, budget_t *b, keyring_opened_t *o)
{
	uint32_t tried_below = UINT32_MAX;

	/* At most one candidate per pass, highest epoch first: a batch cannot
	 * make us open the slots of many entries. */
	for (;;) {
		long best = -1;
		uint32_t best_epoch = 0;
		for (size_t i = 0; i < n; i++) {
			ch_env_t env;
			const uint8_t *body;
			size_t bl;
			if (ch_entry_split(items[i].p, items[i].n, &env, &body, &bl) != 0 ||
			    !body || env.audience != CH_AUD_MEMBERSHIP ||
			    memcmp(env.case_id, case_id, 16) != 0 || env.epoch >= tried_below)
				continue;
			if (best < 0 || env.epoch > best_epoch) {
				best = (long)i;
				best_epoch = env.epoch;
			}
		}
		if (best < 0)
			return 0;
		tried_below = best_epoch;
		/* Every candidate of that epoch, in batch order. */
		for (size_t i = (size_t)best; i < n; i++) {
			ch_env_t env;
			const uint8_t *body;
			size_t bl, mine = 0;
			if (ch_entry_split(items[i].p, items[i].n, &env, &body, &bl) != 0 ||
			    env.epoch != best_epoch ||
			    !signed_entry(&items[i], case_id, CH_AUD_MEMBERSHIP, b, &env, &body, &bl))
				continue;
			keyring_opened_t *t = calloc(1, sizeof(*t));
			if (!t)
				return 0;
			if (keyring_list_slots(body, bl, t) == 0) {
				for (size_t k = 0; k < t->nall; k++)
					mine += memcmp(t->all[k].org, keyring_org(kr), 32) == 0;
			}
			if (mine && mine <= MEMBER_ADOPT_OPENS - b->opens) {
				b->opens += (unsigned)mine;
				if (keyring_open_slots(kr, t) == 0 &&
				    keyring_opened_key(t, env.epoch, CH_AUD_MEMBERSHIP) &&
				    keyring_opened_key(t, 0, CH_AUD_MEMBERSHIP)) {
					*o = *t;
					free(t);
					return 1;
				}
			}
			keyring_opened_free(t);
			free(t);
			if (b->sigs == MEMBER_ADOPT_SIGS || b->opens == MEMBER_ADOPT_OPENS)
				return 0;
		}
		if (best_epoch == 0)
			return 0;
	}
}

/* The genesis opens under the first membership key and its salt derives
 * the case id from its organization: 1 and its coordinator, else 0. */
static int
genesis_bound(const uint8_t case_id[16], const ch_slice_t *g, const uint8_t key0[32],
    uint8_t coord[32])
{
	ch_env_t env;
	const uint8_t *body;
	size_t bl, pl = 0;
	uint8_t *plain = NULL, id[16];
	ch_plain_t p;
	ch_epoch_t ep;
	int bound = 0;

	if (ch_entry_split(g->p, g->n, &env, &body, &bl) != 0 || !body ||
	    ch_body_open(&env, body, bl, key0, &plain, &pl) != 0)
		return 0;
	if (ch_plain_decode(plain, pl, &p) == 0 && p.kind == CH_KIND_CASE_CREATE &&
	    ch_epoch_decode(p.fields, p.fieldslen, &ep) == 0) {
		ch_case_id(env.org, ep.salt, id);
		if (memcmp(id, case_id, 16) == 0) {
			memcpy(coord, env.org, 32);
			bound = 1;
		}
		ch_epoch_clear(&ep);
	}
	sodium_memzero(plain, pl);
	free(plain);
	return bound;
}

int
member_adopt(ingest_t *in, store_t *s, const uint8_t case_id[16],
    const ch_slice_t *items, size_t n, const char *from, scase_t **out,
    uint8_t coord[32])
{
	keyring_t *kr = ingest_keyring(in);
	keyring_opened_t *o;
	budget_t b = { 0, 0 };
	scase_t *c;
	int rc;

	*out = NULL;
	/* The genesis first: without it nothing is opened at all. */
	long g = find_genesis(case_id, items, n, &b);
	if (g < 0) {
		log_debug("a new case from %s: waiting for its genesis", from);
		return DERR_NOTJOINED;
	}
	if (!(o = calloc(1, sizeof(*o))))
		return CH_ERR_NOMEM;
	if (!find_welcome(kr, case_id, items, n, &b, o)) {
		free(o);
		log_debug("entries of an unknown case from %s hold no key for us", from);
		return DERR_NOTJOINED;
	}
	if (!genesis_bound(case_id, &items[g], keyring_opened_key(o, 0, CH_AUD_MEMBERSHIP),
	    coord)) {
		keyring_opened_free(o);
		free(o);
		log_warn("refused a new case from %s: its genesis is not bound to its coordinator", from);
		return DERR_NOTJOINED;
	}
	/* Keep only the membership keys, and in memory only: they let every
	 * epoch entry of the case be checked in order from the genesis. Every
	 * key reaches the store with the welcome itself, when it is accepted in
	 * its place: a forged welcome leaves nothing behind. */
	if ((rc = store_case_get(s, case_id, 1, &c)) != 0) {
		keyring_opened_free(o);
		free(o);
		return rc;
	}
	for (size_t i = 0; i < o->n; i++)
		if (o->k[i].audience == CH_AUD_MEMBERSHIP)
			keyring_welcome_put(kr, case_id, o->k[i].epoch, o->k[i].key);
	keyring_opened_free(o);
	free(o);
	*out = c;
	return 0;
}

int
member_join(ingest_t *in, store_t *s, const uint8_t case_id[16],
    const ch_slice_t *items, size_t n, const char *from, scase_t **out,
    uint8_t coord[32], ingest_tally_t *t)
{
	uint8_t held[32];
	scase_t *c;
	int rc;

	*out = NULL;
	memset(t, 0, sizeof(*t));
	if ((rc = member_adopt(in, s, case_id, items, n, from, &c, coord)) != 0)
		return rc;
	if ((rc = ingest_batch(in, c, items, n, from, t)) != 0)
		return rc;
	if (state_coordinator(c, held) != 0) {
		log_warn("refused a new case from %s: its genesis does not pass the rules", from);
		if ((rc = store_case_forget(s, &c)) != 0)
			return rc;
		return DERR_NOTJOINED;
	}
	*out = c;
	return 0;
}
