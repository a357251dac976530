/* state.c - the derived state of a case, read from and written to the store. */
#include <stdlib.h>
#include <string.h>

#include "../proto/names.h"
#include "state.h"

/* Decoded charters, by their exact bytes: the rules look at the charter of
 * an entry's epoch several times per entry (membership, roles), and a
 * charter's decoding (its audience map of role names) costs more than
 * the rest of those checks. The record is read from the store each time
 * and only its decoding is skipped when the bytes are the same, so what
 * a round wrote or aborted is always what is seen. A slot lent to a
 * state_epoch_t (refs) is not reused until state_epoch_free gives it
 * back; with every slot lent, a charter is decoded for its caller alone
 * (from the record's bytes, which it points into, as before).
 * One memo per thread. */
#define CHARTER_MEMO 4
typedef struct {
	uint8_t *bytes;
	size_t n;
	ch_charter_t ch;
	int refs;
	uint64_t used;
} charter_memo_t;
static _Thread_local charter_memo_t memo[CHARTER_MEMO];
static _Thread_local uint64_t memo_clock;

/* Decodes bytes into *ch, from the memo when it holds them: returns the
 * slot lent (1..CHARTER_MEMO), 0 for a charter decoded for the caller
 * alone, or -1 when it does not decode. */
static int
charter_memo_get(const uint8_t *bytes, size_t n, ch_charter_t *ch)
{
	charter_memo_t *free_slot = NULL;
	for (int i = 0; i < CHARTER_MEMO; i++) {
		charter_memo_t *m = &memo[i];
		if (m->bytes && m->n == n && memcmp(m->bytes, bytes, n) == 0) {
			m->refs++;
			m->used = ++memo_clock;
			*ch = m->ch;
			return i + 1;
		}
		if (!m->refs && (!free_slot || m->used < free_slot->used))
			free_slot = m;
	}
	/* A decoded charter points into its bytes (the cards): the memo's
	 * charter is decoded from the memo's own copy. */
	uint8_t *copy = free_slot ? malloc(n ? n : 1) : NULL;
	if (!copy)
		return ch_charter_decode(bytes, n, ch) != 0 ? -1 : 0;
	memcpy(copy, bytes, n);
	if (ch_charter_decode(copy, n, ch) != 0) {
		free(copy);
		return -1;
	}
	if (free_slot->bytes) {
		ch_charter_clear(&free_slot->ch);
		free(free_slot->bytes);
	}
	free_slot->bytes = copy;
	free_slot->n = n;
	free_slot->ch = *ch;
	free_slot->refs = 1;
	free_slot->used = ++memo_clock;
	return (int)(free_slot - memo) + 1;
}

void
state_epoch_free(state_epoch_t *r)
{
	if (r->ok && r->memo)
		memo[r->memo - 1].refs--;
	else if (r->ok)
		ch_charter_clear(&r->ch);
	store_epochrec_clear(&r->rec);
	memset(r, 0, sizeof(*r));
}

int
state_epoch_get(scase_t *c, uint32_t epoch, state_epoch_t *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = store_epochrec_get(c, epoch, &r->rec)) != 0)
		return rc;
	if ((rc = charter_memo_get(r->rec.charter, r->rec.charterlen, &r->ch)) < 0) {
		state_epoch_free(r);
		return ST_ERR_DB;
	}
	r->memo = rc;
	r->ok = 1;
	r->epoch = epoch;
	return 0;
}

int
state_epoch_current(scase_t *c, state_epoch_t *r)
{
	return state_epoch_get(c, state_epoch(c), r);
}

int
state_epoch_start(scase_t *c, uint32_t epoch, uint64_t start_ms,
    const uint8_t org[32], uint64_t seq, const ch_charter_t *ch)
{
	ch_charter_t s = *ch;
	ch_person_t *people = NULL;
	store_epochrec_t r;
	int rc;

	static char dash[] = "-";
	s.name = dash;
	if (s.npeople) {
		if (!(people = calloc(s.npeople, sizeof(*people))))
			return CH_ERR_NOMEM;
		for (size_t i = 0; i < s.npeople; i++) {
			people[i] = ch->people[i];
			people[i].name = dash;
		}
		s.people = people;
	}
	memset(&r, 0, sizeof(r));
	rc = ch_charter_encode(&s, &r.charter, &r.charterlen);
	free(people);
	if (rc)
		return rc;
	r.start_ms = start_ms;
	memcpy(r.org, org, 32);
	r.seq = seq;
	if ((rc = store_entries_count(c, &r.entries_at_start)) == 0 &&
	    (rc = store_coord_put(c, ch->coordinator)) == 0 &&
	    (rc = store_epoch_put(c, epoch)) == 0)
		rc = store_epochrec_put(c, epoch, &r);
	store_epochrec_clear(&r);
	return rc;
}

int
state_coordinator(scase_t *c, uint8_t org[32])
{
	return store_coord_get(c, org);
}

uint32_t
state_epoch(scase_t *c)
{
	uint32_t e = 0;
	if (store_epoch_get(c, &e) != 0)
		e = 0;
	return e;
}

uint64_t
state_entries(scase_t *c)
{
	uint64_t n = 0;
	if (store_entries_count(c, &n) != 0)
		n = 0;
	return n;
}

int
state_excluded(scase_t *c, uint32_t *epoch)
{
	uint32_t e = 0;
	if (store_excluded_get(c, &e) != 0)
		return 0;
	if (epoch)
		*epoch = e;
	return 1;
}

int
state_is_member(scase_t *c, const uint8_t org[32])
{
	state_epoch_t r;
	if (state_epoch_current(c, &r) != 0)
		return 0;
	int in = ch_charter_find_org(&r.ch, org) >= 0;
	state_epoch_free(&r);
	return in;
}

int
state_members(scase_t *c, uint8_t (**orgs)[32], size_t *n)
{
	state_epoch_t r;
	int rc = state_epoch_current(c, &r);

	*orgs = NULL;
	*n = 0;
	if (rc == ST_ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (r.ch.norgs && !(*orgs = malloc(r.ch.norgs * 32))) {
		state_epoch_free(&r);
		return CH_ERR_NOMEM;
	}
	for (size_t i = 0; i < r.ch.norgs; i++)
		memcpy((*orgs)[i], r.ch.orgs[i].org, 32);
	*n = r.ch.norgs;
	state_epoch_free(&r);
	return 0;
}

uint64_t
state_revoked_at(scase_t *c, const uint8_t org[32], const uint8_t provider[32])
{
	uint64_t seq = 0;
	if (store_revoked_get(c, org, provider, &seq) != 0)
		seq = 0;
	return seq;
}

int
state_org_in_audience(const ch_charter_t *ch, const uint8_t org[32], uint8_t audience)
{
	int i = ch_charter_find_org(ch, org);
	if (i < 0)
		return 0;
	if (memcmp(org, ch->coordinator, 32) == 0 || audience == CH_AUD_MEMBERSHIP)
		return 1;
	return ch_charter_role_in(ch, ch->orgs[i].role, audience);
}

const char *
state_person_refusal(const ch_charter_t *ch, const char *role,
    const uint8_t provider[32], uint64_t now_s)
{
	if (!ch_role_is_person(role))
		return NULL;
	const char *refusal = N_("you are not listed among the people of this case");
	for (size_t j = 0; ch && j < ch->npeople; j++) {
		const ch_person_t *ps = &ch->people[j];
		if (memcmp(ps->provider, provider, 32) != 0)
			continue;
		if (ps->valid_until && now_s > ps->valid_until)
			refusal = N_("your access to this case has ended");
		else
			return NULL;
	}
	return refusal;
}
