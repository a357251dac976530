/* test_catchup.c - the pre-check of a batch (ingest.c: precheck_start,
 * sigcheck.c): one organization signature per run of a feed, the provider
 * signatures on all cores, and what a hostile relayer can and cannot do
 * with them. A coordinator A opens a case with a member B and a receiver
 * R; A and B write notes; R takes batches made of them, some altered, and
 * must store every valid entry and nothing else. Each case starts from the
 * same state of R (the round is aborted after it). Last, R takes batches
 * from A through sync_handle, as from A's daemon: the SYNC it asks ahead
 * of a batch's check (sync.c: ask_ahead), at most one per batch, and
 * every entry stored once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "tap.h"
#include "fixture.h"
#include "../daemon/clock.h"
#include "../daemon/daemon.h"
#include "../daemon/feed.h"
#include "../daemon/log.h"
#include "../daemon/member.h"
#include "../daemon/outbox.h"
#include "../daemon/sigcheck.h"
#include "../daemon/state.h"
#include "../daemon/sync.h"

static org_t A, B, R;            /* coordinator, member, receiver */
static keys_secret_t *provA, *provB;
static uint8_t *certA, *certB;
static size_t certAlen, certBlen;
static uint8_t case_id[16];
static uint8_t nkey[32];         /* the network key of the current epoch */

#define NE 64
static uint8_t *E[NE];           /* the membership entries, in order */
static size_t En[NE];
static int nE;
#define NA 8
static uint8_t *AE[NA], *BE[NA]; /* notes of A and of B, seq by seq */
static size_t AEn[NA], BEn[NA];

static scase_t *
cs(org_t *o)
{
	scase_t *c;
	if (store_case_get(o->d->store, case_id, 0, &c) != 0)
		abort();
	return c;
}

static const uint8_t *
oid(const org_t *o)
{
	return o->d->keys->sign_pk;
}

static uint8_t *
plain_of(keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t kind,
    const uint8_t *fields, size_t fl, size_t *n)
{
	ch_plain_t p;
	uint8_t *out;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.cert = ct;
	p.certlen = ctl;
	p.hlc = (uint64_t)clock_now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fl;
	if (ch_plain_encode(&p, case_id, CH_AUD_NETWORK, pk->sign_sk, &out, n) != 0)
		abort();
	return out;
}

static uint8_t *
note(keys_secret_t *pk, const uint8_t *ct, size_t ctl, const char *text, size_t *n)
{
	uint8_t *f, *p;
	size_t fl;
	if (ch_note_encode(text, &f, &fl) != 0)
		abort();
	p = plain_of(pk, ct, ctl, CH_KIND_NOTE, f, fl, n);
	free(f);
	return p;
}

static ch_corg_t orgs[3];

static void
corg(ch_corg_t *m, org_t *o, const char *role)
{
	memcpy(m->org, oid(o), 32);
	m->card = o->d->card;
	m->cardlen = o->d->cardlen;
	m->role = (char *)(uintptr_t)role;
}

/* An epoch entry of A, asked for by A's provider. */
static int
a_epoch(uint8_t why, const uint8_t subject[32], const uint8_t *salt, uint8_t reqkind,
    const uint8_t *reqf, size_t reqfl, size_t norgs)
{
	ch_epoch_t ep;
	uint8_t *req, id[32];
	size_t rl;
	scase_t *c = cs(&A);
	int rc;

	req = plain_of(provA, certA, certAlen, reqkind, reqf, reqfl, &rl);
	memset(&ep, 0, sizeof(ep));
	ep.why = why;
	if (subject)
		memcpy(ep.subject, subject, 32);
	if (salt)
		memcpy(ep.salt, salt, 16);
	ep.request = req;
	ep.requestlen = rl;
	ep.charter.name = (char *)(uintptr_t)"Mevrouw Claes";
	memcpy(ep.charter.coordinator, oid(&A), 32);
	ep.charter.orgs = orgs;
	ep.charter.norgs = norgs;
	if (ch_charter_default_audiences(&ep.charter) != 0)
		abort();
	rc = member_new_epoch(A.d->in, c, &ep, &E[nE], &En[nE], id);
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < ep.charter.aud[i].nroles; j++)
			free(ep.charter.aud[i].roles[j]);
		free(ep.charter.aud[i].roles);
	}
	free(req);
	if (rc == 0) {
		nE++;
		if (store_key_get(c, state_epoch(c), CH_AUD_NETWORK, nkey) != 0)
			rc = -1;
	}
	return rc;
}

/* o joins the case from the membership entries, through ingest_batch. */
static void
join(org_t *o)
{
	ch_slice_t items[NE];
	ingest_tally_t t;
	uint8_t coord[32];
	scase_t *c;
	for (int i = 0; i < nE; i++) {
		items[i].p = E[i];
		items[i].n = En[i];
	}
	check_int(member_join(o->d->in, o->d->store, case_id, items, (size_t)nE, "A", &c,
	    coord, &t), ==, 0);
	check_int(t.stored, ==, nE);
	check_int(store_commit(o->d->store), ==, 0);
}

/* The next note of o by provider pk, through o's own checks. */
static void
append(org_t *o, keys_secret_t *pk, const uint8_t *ct, size_t ctl, const char *text,
    uint8_t **e, size_t *n)
{
	uint8_t *pl, id[32];
	size_t pln;
	pl = note(pk, ct, ctl, text, &pln);
	check_int(feed_append(o->d->in, cs(o), state_epoch(cs(o)), CH_AUD_NETWORK, NULL, 0,
	    nkey, pl, pln, e, n, id), ==, 0);
	free(pl);
	check_int(store_commit(o->d->store), ==, 0);
}

static void
id_of(const uint8_t *e, size_t n, uint8_t id[32])
{
	ch_env_t env;
	const uint8_t *b;
	size_t bl;
	if (ch_entry_split(e, n, &env, &b, &bl) != 0)
		abort();
	ch_env_id(&env, id);
}

TEST(a_case_with_two_writing_feeds)
{
	uint8_t salt[16], *f;
	size_t fl;
	scase_t *c;

	memset(salt, 0x3c, sizeof(salt));
	ch_case_id(oid(&A), salt, case_id);
	check_int(store_case_get(A.d->store, case_id, 1, &c), ==, 0);
	corg(&orgs[0], &A, "coordination");
	corg(&orgs[1], &B, "home-nursing");
	corg(&orgs[2], &R, "gp");
	check_int(ch_create_encode(salt, "Mevrouw Claes", &f, &fl), ==, 0);
	check_int(a_epoch(CH_WHY_CREATE, NULL, salt, CH_REQ_CASE_NEW, f, fl, 1), ==, 0);
	free(f);
	check_int(ch_member_encode(B.d->card, B.d->cardlen, "home-nursing", &f, &fl), ==, 0);
	check_int(a_epoch(CH_WHY_ADD, oid(&B), NULL, CH_REQ_ADD_ORG, f, fl, 2), ==, 0);
	free(f);
	check_int(ch_member_encode(R.d->card, R.d->cardlen, "gp", &f, &fl), ==, 0);
	check_int(a_epoch(CH_WHY_ADD, oid(&R), NULL, CH_REQ_ADD_ORG, f, fl, 3), ==, 0);
	free(f);
	check_int(store_commit(A.d->store), ==, 0);
	join(&B);
	join(&R);
	for (int i = 0; i < NA; i++) {
		char text[64];
		snprintf(text, sizeof(text), "Bezoek %d van de maatschappelijk werker", i + 1);
		append(&A, provA, certA, certAlen, text, &AE[i], &AEn[i]);
		snprintf(text, sizeof(text), "Wondzorg %d gedaan", i + 1);
		append(&B, provB, certB, certBlen, text, &BE[i], &BEn[i]);
	}
	uint64_t seq;
	uint8_t hid[32];
	check_int(store_head(cs(&R), oid(&A), &seq, hid), ==, 0);
	check_int(seq, ==, (uint64_t)nE);
}

/* A batch of up to 32 entries, and what R makes of it; the round is then
 * aborted, so that every case starts from the same R. */
typedef struct {
	const uint8_t *p[32];
	size_t n[32];
	size_t count;
} batch_t;

static void
add(batch_t *b, const uint8_t *p, size_t n)
{
	if (b->count == 32)
		abort();
	b->p[b->count] = p;
	b->n[b->count++] = n;
}

typedef struct {
	ingest_tally_t t;
	uint64_t seqA, seqB;
	uint8_t headA[32], headB[32];
	size_t forks;
	int forkedA;
} outcome_t;

static void
take(const batch_t *b, outcome_t *o)
{
	ch_slice_t items[32];
	scase_t *c = cs(&R);
	for (size_t i = 0; i < b->count; i++) {
		items[i].p = b->p[i];
		items[i].n = b->n[i];
	}
	memset(o, 0, sizeof(*o));
	check_int(ingest_batch(R.d->in, c, items, b->count, "relay", &o->t), ==, 0);
	check_int(store_head(c, oid(&A), &o->seqA, o->headA), ==, 0);
	check_int(store_head(c, oid(&B), &o->seqB, o->headB), ==, 0);
	check_int(store_fork_count(c, &o->forks), ==, 0);
	o->forkedA = store_forked_get(c, oid(&A));
	store_abort(R.d->store);
}

/* The head R holds for o's feed is the note at seq (nE + k for A). */
static int
head_is(const uint8_t head[32], uint8_t *const *notes, const size_t *lens, size_t k)
{
	uint8_t id[32];
	id_of(notes[k - 1], lens[k - 1], id);
	return memcmp(head, id, 32) == 0;
}

/* An entry of A by hand (A's key: the organization itself, or a test of
 * what its signature covers), the next after prev_entry, with body pl. */
static uint8_t *
a_after(const uint8_t *prev_entry, size_t prevn, const uint8_t *pl, size_t pln, size_t *n)
{
	ch_env_t env;
	const uint8_t *b;
	size_t bl;
	uint8_t prev[32];
	if (ch_entry_split(prev_entry, prevn, &env, &b, &bl) != 0)
		abort();
	ch_env_id(&env, prev);
	uint8_t *e = fix_entry(A.d->keys, case_id, env.seq + 1, prev, env.epoch, CH_AUD_NETWORK,
	    (uint64_t)clock_now_ms(), nkey, pl, pln, NULL, 0, n);
	if (!e)
		abort();
	return e;
}

static uint8_t *
dup_entry(const uint8_t *e, size_t n)
{
	uint8_t *d = malloc(n);
	if (!d)
		abort();
	memcpy(d, e, n);
	return d;
}

TEST(a_valid_batch_of_two_feeds_is_kept_whole)
{
	batch_t b = { .count = 0 };
	outcome_t o;
	for (int i = 0; i < 4; i++)
		add(&b, AE[i], AEn[i]);
	for (int i = 0; i < 4; i++)
		add(&b, BE[i], BEn[i]);
	take(&b, &o);
	check_int(o.t.stored, ==, 8);
	check_int(o.t.refused, ==, 0);
	check_int(o.seqA, ==, (uint64_t)nE + 4);
	check_int(o.seqB, ==, 4);
	check(head_is(o.headA, AE, AEn, 4));
	check(head_is(o.headB, BE, BEn, 4));
}

/* A relayer alters the header of a middle entry (its time): that entry's
 * own signature fails, and the next entry's prev no longer names it, so
 * the last entry's good signature covers nothing of it. */
TEST(an_altered_middle_header_is_not_covered_by_the_last_signature)
{
	batch_t b = { .count = 0 };
	outcome_t o;
	uint8_t *x = dup_entry(AE[1], AEn[1]);
	x[98 + 7] ^= 1; /* time_ms, inside the signed header */
	add(&b, AE[0], AEn[0]);
	add(&b, x, AEn[1]);
	for (int i = 2; i < 6; i++)
		add(&b, AE[i], AEn[i]);
	take(&b, &o);
	check_int(o.t.stored, ==, 1);
	check_int(o.t.refused, ==, 1);
	check_int(o.t.waiting, ==, 4);
	check_int(o.seqA, ==, (uint64_t)nE + 1);
	check(head_is(o.headA, AE, AEn, 1));
	/* The same with the prev of the middle entry altered (it then chains
	 * to nothing held): refused, nothing after it kept. */
	memcpy(x, AE[1], AEn[1]);
	x[61] ^= 1;
	b.p[1] = x;
	take(&b, &o);
	check_int(o.t.stored, ==, 1);
	check_int(o.seqA, ==, (uint64_t)nE + 1);
	free(x);
	/* A relayer that holds the case's key seals the same plain text
	 * again (another nonce) and writes the new body's length and hash in
	 * the header, keeping the signature: the body decrypts, its provider
	 * signature verifies, only the organization's signature is wrong. */
	ch_env_t env;
	const uint8_t *bd;
	size_t bl, pln, nbl;
	uint8_t *pl, *nb;
	check_int(ch_entry_split(AE[1], AEn[1], &env, &bd, &bl), ==, 0);
	check_int(ch_body_open(&env, bd, bl, nkey, &pl, &pln), ==, 0);
	check_int(ch_body_seal(&env, NULL, 0, nkey, pl, pln, &nb, &nbl), ==, 0);
	env.body_len = (uint32_t)nbl;
	crypto_generichash(env.body_hash, 32, nb, nbl, NULL, 0);
	x = malloc(CH_ENV_LEN + nbl);
	ch_env_encode(&env, x);
	memcpy(x + CH_ENV_LEN, nb, nbl);
	b.p[1] = x;
	b.n[1] = CH_ENV_LEN + nbl;
	take(&b, &o);
	check_int(o.t.stored, ==, 1);
	check_int(o.t.refused, ==, 1);
	check_int(o.seqA, ==, (uint64_t)nE + 1);
	check(head_is(o.headA, AE, AEn, 1));
	sodium_memzero(pl, pln);
	free(pl);
	free(nb);
	free(x);
}

/* The last entry of a run carries a bad signature: the run is checked
 * entry by entry and its valid prefix is kept; the last one is refused. */
TEST(a_bad_last_signature_keeps_the_valid_prefix)
{
	batch_t b = { .count = 0 };
	outcome_t o;
	uint8_t *x = dup_entry(AE[4], AEn[4]);
	x[CH_ENV_HDR_LEN + 5] ^= 1; /* its signature */
	for (int i = 0; i < 4; i++)
		add(&b, AE[i], AEn[i]);
	add(&b, x, AEn[4]);
	for (int i = 0; i < 3; i++)
		add(&b, BE[i], BEn[i]);
	take(&b, &o);
	check_int(o.t.stored, ==, 7);
	check_int(o.t.refused, ==, 1);
	check_int(o.seqA, ==, (uint64_t)nE + 4);
	check(head_is(o.headA, AE, AEn, 4));
	check_int(o.seqB, ==, 3);
	/* A run of two after a valid run of the other feed, its last
	 * signature bad: its first entry is kept. */
	free(x);
	b.count = 0;
	for (int i = 0; i < 3; i++)
		add(&b, BE[i], BEn[i]);
	add(&b, AE[0], AEn[0]);
	x = dup_entry(AE[1], AEn[1]);
	x[CH_ENV_HDR_LEN] ^= 0x80;
	add(&b, x, AEn[1]);
	take(&b, &o);
	check_int(o.t.stored, ==, 4);
	check_int(o.t.refused, ==, 1);
	check_int(o.seqA, ==, (uint64_t)nE + 1);
	check_int(o.seqB, ==, 3);
	free(x);
}

/* Every entry of a run signed by its organization, one of them with a bad
 * provider signature: the organization's signature does not vouch for the
 * provider's, which is checked for each entry. */
TEST(a_bad_provider_signature_inside_a_good_run_is_refused)
{
	batch_t b = { .count = 0 };
	outcome_t o;
	uint8_t *pl, *e[4];
	size_t pln, n[4];

	pl = note(provA, certA, certAlen, "Eerste", &pln);
	e[0] = a_after(E[nE - 1], En[nE - 1], pl, pln, &n[0]);
	free(pl);
	pl = note(provA, certA, certAlen, "Tweede, met een valse handtekening", &pln);
	pl[pln - 1] ^= 1; /* the provider signature */
	e[1] = a_after(e[0], n[0], pl, pln, &n[1]);
	free(pl);
	for (int i = 2; i < 4; i++) {
		pl = note(provA, certA, certAlen, "Verder", &pln);
		e[i] = a_after(e[i - 1], n[i - 1], pl, pln, &n[i]);
		free(pl);
	}
	for (int i = 0; i < 4; i++)
		add(&b, e[i], n[i]);
	take(&b, &o);
	check_int(o.t.stored, ==, 1);
	check_int(o.t.refused, ==, 1);
	check_int(o.t.waiting, ==, 2);
	check_int(o.seqA, ==, (uint64_t)nE + 1);
	for (int i = 0; i < 4; i++)
		free(e[i]);
}

/* A run may not cross from one feed to another: an envelope of B whose
 * signature is bad is not covered by an entry of A that names it as its
 * prev and has the next seq, even though A signed that entry. */
TEST(a_run_does_not_span_two_feeds)
{
	batch_t b = { .count = 0 };
	outcome_t o;
	uint8_t *x = dup_entry(BE[2], BEn[2]), *pl, *a;
	size_t pln, an;
	x[CH_ENV_HDR_LEN + 1] ^= 1; /* B's signature of its seq 3, broken */
	pl = note(provA, certA, certAlen, "Na een envelop van een ander", &pln);
	a = a_after(x, BEn[2], pl, pln, &an); /* seq 4 of A, prev: that envelope */
	free(pl);
	add(&b, BE[0], BEn[0]);
	add(&b, BE[1], BEn[1]);
	add(&b, x, BEn[2]);
	add(&b, a, an);
	take(&b, &o);
	check_int(o.t.stored, ==, 2);
	check_int(o.t.refused, ==, 2);
	check_int(o.seqB, ==, 2);
	check(head_is(o.headB, BE, BEn, 2));
	check_int(o.seqA, ==, (uint64_t)nE);
	check_int(o.forks, ==, 0);
	/* A's valid run, then B's: two runs (B's seq 1 names no prev), both
	 * kept. */
	b.count = 0;
	for (int i = 0; i < 3; i++)
		add(&b, AE[i], AEn[i]);
	for (int i = 0; i < 3; i++)
		add(&b, BE[i], BEn[i]);
	take(&b, &o);
	check_int(o.t.stored, ==, 6);
	free(x);
	free(a);
}

/* Two entries for one seq in one batch, each heading a valid run: a fork,
 * kept as evidence once both own signatures verified. One whose own
 * signature is bad but that a later entry signed by A names is A's too:
 * no evidence, but the feed is frozen. */
TEST(forks_inside_a_batch_are_evidence_with_their_own_signatures)
{
	batch_t b = { .count = 0 };
	outcome_t o;
	uint8_t *pl, *f[2];
	size_t pln, fn[2];

	pl = note(provA, certA, certAlen, "Een andere eerste", &pln);
	f[0] = a_after(E[nE - 1], En[nE - 1], pl, pln, &fn[0]);
	free(pl);
	pl = note(provA, certA, certAlen, "Een andere tweede", &pln);
	f[1] = a_after(f[0], fn[0], pl, pln, &fn[1]);
	free(pl);
	add(&b, AE[0], AEn[0]);
	add(&b, AE[1], AEn[1]);
	add(&b, f[0], fn[0]);
	add(&b, f[1], fn[1]);
	take(&b, &o);
	check_int(o.t.stored, ==, 2);
	check_int(o.forks, ==, 1);
	check_int(o.forkedA, ==, 1);
	/* The other first entry's own signature broken, the next one (signed
	 * by A) naming it: A signed two entries at seq nE + 1, one of them
	 * only through the chain. No evidence a fork report could carry is
	 * kept, but the feed is frozen all the same. */
	f[0][CH_ENV_HDR_LEN + 7] ^= 1;
	free(f[1]);
	pl = note(provA, certA, certAlen, "Een andere tweede", &pln);
	f[1] = a_after(f[0], fn[0], pl, pln, &fn[1]);
	free(pl);
	b.count = 0;
	add(&b, AE[0], AEn[0]);
	add(&b, f[0], fn[0]);
	add(&b, f[1], fn[1]);
	take(&b, &o);
	check_int(o.t.stored, ==, 1);
	check_int(o.t.refused, ==, 2);
	check_int(o.forks, ==, 0);
	check_int(o.forkedA, ==, 1);
	check_int(o.seqA, ==, (uint64_t)nE + 1);
	/* The other way round: the pair first (taken, the first through the
	 * chain), then the entry with a good signature of its own at that
	 * seq: frozen, no evidence. */
	b.count = 0;
	add(&b, f[0], fn[0]);
	add(&b, f[1], fn[1]);
	add(&b, AE[0], AEn[0]);
	take(&b, &o);
	check_int(o.t.stored, ==, 2);
	check_int(o.forks, ==, 0);
	check_int(o.forkedA, ==, 1);
	/* The entry with a good signature held before the batch, then the
	 * pair in a batch of its own: the held seq is covered by the run of
	 * the next entry (no signature check more), and the feed is frozen. */
	{
		ch_slice_t one = { AE[0], AEn[0] }, two[2] = { { f[0], fn[0] }, { f[1], fn[1] } };
		ingest_tally_t t;
		scase_t *c = cs(&R);
		check_int(ingest_batch(R.d->in, c, &one, 1, "relay", &t), ==, 0);
		check_int(t.stored, ==, 1);
		check_int(ingest_batch(R.d->in, c, two, 2, "relay", &t), ==, 0);
		check_int(t.stored, ==, 0);
		check_int(t.refused, ==, 2);
		check_int(store_forked_get(c, oid(&A)), ==, 1);
		size_t nf = 9;
		check_int(store_fork_count(c, &nf), ==, 0);
		check_int(nf, ==, 0);
		store_abort(R.d->store);
	}
	free(f[0]);
	free(f[1]);
}

/* The valid prefix of a run whose last signature fails is kept even when
 * an earlier entry of it was damaged: a relayer cannot make valid entries
 * wait by damaging the one after them. */
TEST(a_hostile_relayer_cannot_block_valid_entries)
{
	batch_t b = { .count = 0 };
	outcome_t o;
	uint8_t *x = dup_entry(AE[NA - 1], AEn[NA - 1]);
	x[CH_ENV_HDR_LEN + 2] ^= 1;
	for (int i = 0; i < NA - 1; i++)
		add(&b, AE[i], AEn[i]);
	add(&b, x, AEn[NA - 1]);
	take(&b, &o);
	check_int(o.t.stored, ==, NA - 1);
	check_int(o.seqA, ==, (uint64_t)nE + NA - 1);
	free(x);
}

/* sigcheck.c: many jobs on every thread, a bad one among them found. */
TEST(sigcheck_checks_every_job)
{
	enum { NJ = 300 };
	static ch_env_t env[NJ];
	static sigjob_t jobs[NJ];
	ch_env_t good;
	const uint8_t *bd;
	size_t bl;
	check_int(ch_entry_split(AE[0], AEn[0], &good, &bd, &bl), ==, 0);
	for (int i = 0; i < NJ; i++) {
		env[i] = good;
		if (i % 37 == 5)
			env[i].sig[3] ^= 1;
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].kind = SIGJOB_ENV;
		jobs[i].env = &env[i];
	}
	sigcheck_t *s = sigcheck_start(jobs, NJ);
	sigcheck_wait(s, NJ - 1);
	check_int(jobs[NJ - 1].ok, ==, 1);
	sigcheck_finish(&s);
	int bad = 0, wrong = 0;
	for (int i = 0; i < NJ; i++) {
		bad += !jobs[i].ok;
		wrong += jobs[i].ok != (i % 37 != 5);
	}
	check_int(bad, ==, (NJ - 5 + 36) / 37);
	check_int(wrong, ==, 0);
	check(sigcheck_threads() >= 1 && sigcheck_threads() <= SIGCHECK_THREADS_MAX);
}

/* --- Asking ahead (sync.c: ask_ahead), through sync_handle --- */

static zsock_t *ours, *theirs;   /* R's connection to A, and A's end */
static peer_t *pa;               /* A, as R's peer */

/* The SYNCs R has sent to A so far (read from A's end); *seqA: A's seq
 * in the last one. */
static int
syncs_on(zsock_t *end, uint64_t *seqA)
{
	int k = 0;
	zframe_t *f;
	while ((f = zframe_recv(end)) != NULL) {
		uint8_t type, st;
		const uint8_t *body;
		size_t n;
		ch_vec_t v;
		if (ch_msg_decode(zframe_data(f), zframe_size(f), CH_MAGIC_PEER, &type, &st,
		    &body, &n) == 0 && type == CH_PM_SYNC && ch_vec_decode(body, n, &v) == 0) {
			k++;
			for (size_t i = 0; i < v.n; i++)
				if (memcmp(v.org[i], oid(&A), 32) == 0)
					*seqA = v.seq[i];
			ch_vec_clear(&v);
		}
		zframe_destroy(&f);
	}
	return k;
}

static int
syncs_sent(uint64_t *seqA)
{
	return syncs_on(theirs, seqA);
}

/* A peer sends R, on R's socket on, a batch (more as given) of entries of
 * case cid; R handles it (its round not ended). */
static void
batch_to_r(zsock_t *on, const uint8_t cid[16], const ch_slice_t *items, size_t n, int more)
{
	uint8_t *body, *msg;
	size_t bl, ml;
	if (ch_batch_encode(cid, (uint8_t)more, items, n, &body, &bl) != 0 ||
	    ch_msg_encode(CH_MAGIC_PEER, CH_PM_ENTRIES, 0, body, bl, &msg, &ml) != 0)
		abort();
	free(body);
	zframe_t *f = zframe_new(msg, ml);
	free(msg);
	sync_handle(R.d, on, NULL, pa, f);
	zframe_destroy(&f);
}

/* A sends R a batch of entries (more as given) on R's connection; R
 * handles it, then ends its round (commit, then what waited for it).
 * *ahead: the SYNCs sent before the round ended; *after: those sent with
 * its end. */
static void
from_a(uint8_t *const *e, const size_t *en, size_t n, int more, int *ahead, int *after,
    uint64_t *seqA)
{
	ch_slice_t items[8];
	for (size_t i = 0; i < n; i++) {
		items[i].p = e[i];
		items[i].n = en[i];
	}
	batch_to_r(ours, case_id, items, n, more);
	*ahead = syncs_sent(seqA);
	check_int(outbox_flush(R.d->out, R.d->store), ==, 0);
	*after = syncs_sent(seqA);
}

TEST(a_batch_asks_for_the_next_before_its_check)
{
	uint64_t before, count, seqA = 0, seq;
	uint8_t hid[32];
	int ahead, after;
	check_int(store_peer_put(R.d->store, oid(&A), A.d->card, A.d->cardlen), ==, 0);
	check_int(store_commit(R.d->store), ==, 0);
	check_int(peers_load(R.d->peers, R.d->store, oid(&R)), ==, 0);
	pa = peers_by_org(R.d->peers, oid(&A));
	ours = zsock_new_pair("@inproc://test-catchup-ahead");
	theirs = zsock_new_pair(">inproc://test-catchup-ahead");
	check(pa && ours && theirs);
	if (!pa || !ours || !theirs)
		return;
	zsock_set_rcvtimeo(theirs, 100);
	check_int(store_entries_count(cs(&R), &before), ==, 0);
	/* Four entries that continue A's feed, more to come: the next batch
	 * is asked for at once, from the last one, and nothing after it. */
	from_a(AE, AEn, 4, 1, &ahead, &after, &seqA);
	check_int(ahead, ==, 1);
	check_int(seqA, ==, (uint64_t)nE + 4);
	check_int(after, ==, 0);
	check_int(store_head(cs(&R), oid(&A), &seq, hid), ==, 0);
	check_int(seq, ==, (uint64_t)nE + 4);
	/* The last batch of a chain (more = 0) asks nothing. */
	from_a(AE + 4, AEn + 4, 1, 0, &ahead, &after, &seqA);
	check_int(ahead + after, ==, 0);
	check_int(store_entries_count(cs(&R), &count), ==, 0);
	check_int(count, ==, before + 5);
}

TEST(batches_not_asked_for_make_r_ask_at_most_once_each)
{
	uint64_t before, count, seqA = 0, seq;
	uint8_t hid[32];
	int ahead, after;
	if (!pa)
		return;
	check_int(store_entries_count(cs(&R), &before), ==, 0);
	/* The same batch again (held: it continues nothing): no request. */
	from_a(AE, AEn, 4, 1, &ahead, &after, &seqA);
	check_int(ahead + after, ==, 0);
	/* A batch that continues the feed but fails its check: asked ahead
	 * once, then no asking ahead from A for SYNC_WAIT_MS. */
	uint8_t *x = dup_entry(AE[5], AEn[5]);
	x[CH_ENV_HDR_LEN + 2] ^= 1;
	uint8_t *bad[2] = { x, AE[6] };
	size_t badn[2] = { AEn[5], AEn[6] };
	from_a(bad, badn, 2, 1, &ahead, &after, &seqA);
	check_int(ahead, ==, 1);
	check_int(after, ==, 0);
	check_int(store_entries_count(cs(&R), &count), ==, 0);
	check_int(count, ==, before);
	/* The valid ones, more to come: asked after the commit, not ahead. */
	from_a(AE + 5, AEn + 5, 2, 1, &ahead, &after, &seqA);
	check_int(ahead, ==, 0);
	check_int(after, ==, 1);
	check_int(seqA, ==, (uint64_t)nE + 7);
	/* Ten times the last entry, unasked: held, no request. */
	for (int i = 0; i < 10; i++) {
		from_a(AE + NA - 1, AEn + NA - 1, 1, 1, &ahead, &after, &seqA);
		check_int(ahead + after, ==, i == 0);
	}
	check_int(store_head(cs(&R), oid(&A), &seq, hid), ==, 0);
	check_int(seq, ==, (uint64_t)nE + NA);
	check_int(store_entries_count(cs(&R), &count), ==, 0);
	check_int(count, ==, before + 3);
	free(x);
	zsock_destroy(&theirs);
	zsock_destroy(&ours);
}

/* A peer sending batches (more = 0) of a case R does not hold and cannot
 * join from them: R asks for the whole case once per SYNC_WAIT_MS, not
 * once per batch. */
TEST(batches_of_a_case_not_held_make_r_ask_once_per_wait)
{
	uint8_t other[16], junk[64];
	uint64_t seqA = 0;
	int asked = 0;
	if (!pa)
		return;
	zsock_t *o1 = zsock_new_pair("@inproc://test-catchup-unheld");
	zsock_t *o2 = zsock_new_pair(">inproc://test-catchup-unheld");
	check(o1 && o2);
	if (!o1 || !o2)
		return;
	zsock_set_rcvtimeo(o2, 100);
	memset(other, 0x77, 16);
	memset(junk, 0x5a, sizeof(junk));
	pa->busy_until = 0;
	for (int k = 0; k < 20; k++) {
		ch_slice_t it[2] = { { junk, sizeof(junk) }, { junk, sizeof(junk) } };
		batch_to_r(o1, other, it, 1 + (size_t)(k % 2), 0);
		check_int(outbox_flush(R.d->out, R.d->store), ==, 0);
		asked += syncs_on(o2, &seqA);
	}
	check_int(asked, ==, 1);
	zsock_destroy(&o2);
	zsock_destroy(&o1);
}

/* --- Pushes of a round (outbox_push_entry) --- */

/* The ENTRIES messages waiting on sock, in order: case and entry count of
 * each (at most max), the entries' bytes joined into all. Returns their
 * number; a message that is not an ENTRIES counts as -1000. */
static int
batches_on(zsock_t *sock, uint8_t (*cases)[16], size_t *counts, int max, uint8_t *all,
    size_t *alln)
{
	int k = 0;
	zframe_t *f;
	*alln = 0;
	while ((f = zframe_recv(sock)) != NULL) {
		uint8_t type, st, cid[16], more = 9;
		const uint8_t *body;
		size_t n, ni = 0;
		ch_slice_t *it = NULL;
		if (ch_msg_decode(zframe_data(f), zframe_size(f), CH_MAGIC_PEER, &type, &st,
		    &body, &n) != 0 || type != CH_PM_ENTRIES ||
		    ch_batch_decode(body, n, cid, &more, &it, &ni) != 0 || more != 0)
			k -= 1000;
		else if (k < max) {
			memcpy(cases[k], cid, 16);
			counts[k] = ni;
			for (size_t i = 0; i < ni; i++) {
				memcpy(all + *alln, it[i].p, it[i].n);
				*alln += it[i].n;
			}
			k++;
		}
		free(it);
		zframe_destroy(&f);
	}
	return k;
}

TEST(the_pushes_of_a_round_go_as_one_batch_per_case_and_peer)
{
	zsock_t *a1 = zsock_new_pair("@inproc://test-push-1");
	zsock_t *b1 = zsock_new_pair(">inproc://test-push-1");
	zsock_t *a2 = zsock_new_pair("@inproc://test-push-2");
	zsock_t *b2 = zsock_new_pair(">inproc://test-push-2");
	static uint8_t cases[OUTBOX_OPEN_MAX + 2][16], got[OUTBOX_OPEN_MAX + 4][16];
	static uint8_t all[CH_BATCH_MAX * 8 + 4096];
	size_t counts[OUTBOX_OPEN_MAX + 4], alln;
	uint8_t e[8][100];
	outbox_t *o = R.d->out;

	check(a1 && b1 && a2 && b2);
	if (!a1 || !b1 || !a2 || !b2)
		return;
	zsock_set_rcvtimeo(b1, 100);
	zsock_set_rcvtimeo(b2, 100);
	for (int i = 0; i < OUTBOX_OPEN_MAX + 2; i++)
		memset(cases[i], 0x40 + i, 16);
	for (int i = 0; i < 8; i++)
		memset(e[i], 'a' + i, sizeof(e[i]));
	/* Three entries of case 0 to peer 1, one of case 1 between them, one
	 * of case 0 to peer 2: two batches for peer 1, in the order of their
	 * first entries, the entries in their order; one for peer 2. */
	outbox_push_entry(o, a1, cases[0], e[0], 100, 1 << 20);
	outbox_push_entry(o, a1, cases[1], e[1], 100, 1 << 20);
	outbox_push_entry(o, a1, cases[0], e[2], 100, 1 << 20);
	outbox_push_entry(o, a2, cases[0], e[3], 100, 1 << 20);
	outbox_push_entry(o, a1, cases[0], e[4], 100, 1 << 20);
	check_int(batches_on(b1, got, counts, 4, all, &alln), ==, 0);  /* nothing before the flush */
	check_int(outbox_flush(o, R.d->store), ==, 0);
	check_int(batches_on(b1, got, counts, 4, all, &alln), ==, 2);
	check_mem(got[0], cases[0], 16);
	check_int(counts[0], ==, 3);
	check_mem(got[1], cases[1], 16);
	check_int(counts[1], ==, 1);
	check_int(alln, ==, 400);
	check_mem(all, e[0], 100);
	check_mem(all + 100, e[2], 100);
	check_mem(all + 200, e[4], 100);
	check_mem(all + 300, e[1], 100);
	check_int(batches_on(b2, got, counts, 4, all, &alln), ==, 1);
	check_int(counts[0], ==, 1);
	/* The next round starts new batches. */
	outbox_push_entry(o, a1, cases[0], e[5], 100, 1 << 20);
	check_int(outbox_flush(o, R.d->store), ==, 0);
	check_int(batches_on(b1, got, counts, 4, all, &alln), ==, 1);
	check_int(counts[0], ==, 1);
	/* The bounds of a batch: its bytes (250: two entries of 100), then
	 * CH_BATCH_MAX entries. */
	for (int i = 0; i < 5; i++)
		outbox_push_entry(o, a1, cases[0], e[i], 100, 250);
	check_int(outbox_flush(o, R.d->store), ==, 0);
	check_int(batches_on(b1, got, counts, 4, all, &alln), ==, 3);
	check_int(counts[0], ==, 2);
	check_int(counts[1], ==, 2);
	check_int(counts[2], ==, 1);
	check_mem(all + 400, e[4], 100);
	for (int i = 0; i < CH_BATCH_MAX + 1; i++)
		outbox_push_entry(o, a1, cases[0], e[i % 8], 8, 1 << 20);
	check_int(outbox_flush(o, R.d->store), ==, 0);
	check_int(batches_on(b1, got, counts, 4, all, &alln), ==, 2);
	check_int(counts[0], ==, CH_BATCH_MAX);
	check_int(counts[1], ==, 1);
	/* At most OUTBOX_OPEN_MAX batches stay open in a round: the entry of
	 * one more case goes alone, and so does the next of that case; those
	 * of the open ones still join theirs. */
	for (int i = 0; i < OUTBOX_OPEN_MAX + 1; i++)
		outbox_push_entry(o, a1, cases[i], e[0], 10, 1 << 20);
	outbox_push_entry(o, a1, cases[OUTBOX_OPEN_MAX], e[1], 10, 1 << 20);
	outbox_push_entry(o, a1, cases[0], e[2], 10, 1 << 20);
	check_int(outbox_flush(o, R.d->store), ==, 0);
	check_int(batches_on(b1, got, counts, OUTBOX_OPEN_MAX + 4, all, &alln), ==,
	    OUTBOX_OPEN_MAX + 2);
	check_int(counts[0], ==, 2);
	check_int(counts[OUTBOX_OPEN_MAX], ==, 1);
	check_int(counts[OUTBOX_OPEN_MAX + 1], ==, 1);
	check_mem(got[OUTBOX_OPEN_MAX + 1], cases[OUTBOX_OPEN_MAX], 16);
	zsock_destroy(&b2);
	zsock_destroy(&a2);
	zsock_destroy(&b1);
	zsock_destroy(&a1);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_catchup", getenv("VERBOSE") ? LOG_LVL_DEBUG : -1);
	org_init(&A, 0x1a, "Zorgcoördinatie Brussel");
	org_init(&B, 0x2b, "Thuisverpleging Zuid");
	org_init(&R, 0x3c, "Huisartsenpraktijk Noord");
	provA = keys_secret_new(KEYS_KIND_PROVIDER);
	provB = keys_secret_new(KEYS_KIND_PROVIDER);
	uint64_t now = (uint64_t)time(NULL);
	if (keys_cert_make(A.d->keys, provA->sign_pk, provA->curve_pk, "Inès Dubois",
	    "social-worker", now - 60, now + 86400, &certA, &certAlen) != 0 ||
	    keys_cert_make(B.d->keys, provB->sign_pk, provB->curve_pk, "Bart Peeters",
	    "home-nurse", now - 60, now + 86400, &certB, &certBlen) != 0)
		return 1;
	TAP_RUN(a_case_with_two_writing_feeds);
	TAP_RUN(a_valid_batch_of_two_feeds_is_kept_whole);
	TAP_RUN(an_altered_middle_header_is_not_covered_by_the_last_signature);
	TAP_RUN(a_bad_last_signature_keeps_the_valid_prefix);
	TAP_RUN(a_bad_provider_signature_inside_a_good_run_is_refused);
	TAP_RUN(a_run_does_not_span_two_feeds);
	TAP_RUN(forks_inside_a_batch_are_evidence_with_their_own_signatures);
	TAP_RUN(a_hostile_relayer_cannot_block_valid_entries);
	TAP_RUN(sigcheck_checks_every_job);
	TAP_RUN(a_batch_asks_for_the_next_before_its_check);
	TAP_RUN(batches_not_asked_for_make_r_ask_at_most_once_each);
	TAP_RUN(batches_of_a_case_not_held_make_r_ask_once_per_wait);
	TAP_RUN(the_pushes_of_a_round_go_as_one_batch_per_case_and_peer);
	for (int i = 0; i < nE; i++)
		free(E[i]);
	for (int i = 0; i < NA; i++) {
		free(AE[i]);
		free(BE[i]);
	}
	free(certA);
	free(certB);
	keys_secret_destroy(&provA);
	keys_secret_destroy(&provB);
	org_free(&A);
	org_free(&B);
	org_free(&R);
	return TAP_DONE();
}
