/* test_nb.c - the notebook rules, in process: a coordinator opens a case and
 * adds a member; the member adopts the case from a batch, accepts valid
 * entries once, and rejects forged, out-of-order, out-of-epoch, forked and
 * non-member input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "tap.h"
#include "fixture.h"
#include "../daemon/clock.h"
#include "../daemon/daemon.h"
#include "../daemon/derr.h"
#include "../daemon/feed.h"
#include "../daemon/housekeeping.h"
#include "../daemon/log.h"
#include "../daemon/member.h"
#include "../daemon/state.h"

/* One whole pass of housekeeping. */
static void
hk_all(cahierd_t *d)
{
	size_t cur = 0;
	while (!housekeeping_run(d, &cur, HOUSEKEEPING_SLICE))
		;
}

static org_t A, B, C;            /* coordinator, member, outsider */
static keys_secret_t *prov;      /* a provider of A */
static uint8_t *cert;            /* its certificate */
static size_t certlen;
static keys_secret_t *provC;     /* a provider of C */
static uint8_t *certC;
static size_t certClen;
static uint8_t case_id[16];

/* o joins the case from a batch (member_adopt). */
static int
adopt(org_t *o, const ch_slice_t *items, size_t n, const char *from, scase_t **c)
{
	uint8_t coord[32];
	return member_adopt(o->d->in, o->d->store, case_id, items, n, from, c, coord);
}

/* The full current charter of c, as A reads it. */
static int
charter_full(scase_t *c, uint8_t **buf, ch_epoch_t *ep)
{
	size_t buflen;
	return ingest_charter(A.d->in, c, state_epoch(c), buf, &buflen, ep);
}

/* Added to the clock of the provider-signed bodies the tests make (a
 * request signed in the past). */
static int64_t plain_shift_ms;

/* A provider-signed plain body of kind with fields, for audience. */
static uint8_t *
plain_aud(keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t kind,
    uint8_t audience, const uint8_t *fields, size_t fl, size_t *n)
{
	ch_plain_t p;
	uint8_t *out;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.cert = ct;
	p.certlen = ctl;
	p.hlc = (uint64_t)(clock_now_ms() + plain_shift_ms) << 16;
	p.fields = fields;
	p.fieldslen = fl;
	if (ch_plain_encode(&p, case_id, audience, pk->sign_sk, &out, n) != 0)
		abort();
	return out;
}

/* A provider-signed plain body of kind with fields (network audience). */
static uint8_t *
plain(keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t kind,
    const uint8_t *fields, size_t fl, size_t *n)
{
	return plain_aud(pk, ct, ctl, kind, CH_AUD_NETWORK, fields, fl, n);
}

static uint8_t *
note(const char *text, size_t *n)
{
	uint8_t *f, *p;
	size_t fl;
	if (ch_note_encode(text, &f, &fl) != 0)
		abort();
	p = plain(prov, cert, certlen, CH_KIND_NOTE, f, fl, n);
	free(f);
	return p;
}

/* Entries A wrote, kept for B to receive. */
static uint8_t *ent[16];
static size_t entlen[16];
static int nent;

static uint8_t ckey[32];   /* the network key of the current epoch */

static int
a_append(scase_t *c, uint8_t *pl, size_t pln)
{
	uint8_t id[32];
	int rc = feed_append(A.d->in, c, state_epoch(c), CH_AUD_NETWORK, NULL, 0, ckey, pl, pln,
	    &ent[nent], &entlen[nent], id);
	free(pl);
	if (rc == 0)
		nent++;
	return rc;
}

/* The fields of an epoch of a case A coordinates (default audiences);
 * release the audiences with ep_done(). */
static void
ep_make(ch_epoch_t *ep, uint8_t why, const uint8_t subject[32], const uint8_t *salt,
    const uint8_t *req, size_t rl, ch_corg_t *orgs, size_t norgs,
    ch_removed_t *removed, size_t nremoved)
{
	memset(ep, 0, sizeof(*ep));
	ep->why = why;
	if (subject)
		memcpy(ep->subject, subject, 32);
	if (salt)
		memcpy(ep->salt, salt, 16);
	ep->request = req;
	ep->requestlen = rl;
	ep->charter.name = (char *)(uintptr_t)"Mevrouw Peeters";
	memcpy(ep->charter.coordinator, A.d->keys->sign_pk, 32);
	ep->charter.orgs = orgs;
	ep->charter.norgs = norgs;
	ep->charter.removed = removed;
	ep->charter.nremoved = nremoved;
	if (ch_charter_default_audiences(&ep->charter) != 0)
		abort();
}

static void
ep_done(ch_epoch_t *ep)
{
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < ep->charter.aud[i].nroles; j++)
			free(ep->charter.aud[i].roles[j]);
		free(ep->charter.aud[i].roles);
	}
}

/* An epoch entry of A (the coordinator), asked for by A's provider, with
 * the removed organizations of its charter. */
static int
a_epoch_r(scase_t *c, uint8_t why, const uint8_t subject[32], const uint8_t *salt,
    uint8_t reqkind, const uint8_t *reqf, size_t reqfl, ch_corg_t *orgs, size_t norgs,
    ch_removed_t *removed, size_t nremoved, uint8_t **out, size_t *outlen)
{
	ch_epoch_t ep;
	uint8_t *req, id[32];
	size_t rl;
	int rc;

	req = plain(prov, cert, certlen, reqkind, reqf, reqfl, &rl);
	ep_make(&ep, why, subject, salt, req, rl, orgs, norgs, removed, nremoved);
	rc = member_new_epoch(A.d->in, c, &ep, out, outlen, id);
	ep_done(&ep);
	free(req);
	if (rc == 0 && store_key_get(c, state_epoch(c), CH_AUD_NETWORK, ckey) != 0)
		rc = -1;
	return rc;
}

/* An epoch entry of A (the coordinator), asked for by A's provider. */
static int
a_epoch(scase_t *c, uint8_t why, const uint8_t subject[32], const uint8_t *salt,
    uint8_t reqkind, const uint8_t *reqf, size_t reqfl, ch_corg_t *orgs, size_t norgs,
    uint8_t **out, size_t *outlen)
{
	return a_epoch_r(c, why, subject, salt, reqkind, reqf, reqfl, orgs, norgs,
	    NULL, 0, out, outlen);
}

static ch_corg_t orgs3[3];

static void
corg(ch_corg_t *m, org_t *o, const char *role)
{
	memcpy(m->org, o->d->keys->sign_pk, 32);
	m->card = o->d->card;
	m->cardlen = o->d->cardlen;
	m->role = (char *)(uintptr_t)role;
}

TEST(coordinator_opens_and_adds)
{
	scase_t *c;
	uint8_t salt[16], *f, *pl;
	size_t fl, pln;

	memset(salt, 0x5a, sizeof(salt));
	ch_case_id(A.d->keys->sign_pk, salt, case_id);
	check_int(store_case_get(A.d->store, case_id, 1, &c), ==, 0);
	corg(&orgs3[0], &A, "coordination");
	corg(&orgs3[1], &B, "home-nursing");
	check_int(ch_create_encode(salt, "Mevrouw Peeters", &f, &fl), ==, 0);
	check_int(a_epoch(c, CH_WHY_CREATE, NULL, salt, CH_REQ_CASE_NEW, f, fl, orgs3, 1,
	    &ent[nent], &entlen[nent]), ==, 0);
	nent++;
	free(f);
	uint8_t coord[32];
	check_int(state_coordinator(c, coord), ==, 0);
	check_mem(coord, A.d->keys->sign_pk, 32);
	check_int(state_epoch(c), ==, 0);

	check_int(ch_member_encode(B.d->card, B.d->cardlen, "home-nursing", &f, &fl), ==, 0);
	check_int(a_epoch(c, CH_WHY_ADD, B.d->keys->sign_pk, NULL, CH_REQ_ADD_ORG, f, fl,
	    orgs3, 2, &ent[nent], &entlen[nent]), ==, 0);
	nent++;
	free(f);
	check_int(state_epoch(c), ==, 1);
	check_int(state_is_member(c, B.d->keys->sign_pk), ==, 1);
	check_int(state_is_member(c, C.d->keys->sign_pk), ==, 0);

	pl = note("Huisbezoek maandag", &pln);
	check_int(a_append(c, pl, pln), ==, 0);
	check_int(store_commit(A.d->store), ==, 0);
	check_int(nent, ==, 3);
}

TEST(member_adopts_and_accepts_once)
{
	ch_slice_t items[3];
	scase_t *c;
	for (int i = 0; i < 3; i++) {
		items[i].p = ent[i];
		items[i].n = entlen[i];
	}
	/* An outsider holds no key in the batch: it cannot adopt the case. */
	check_int(adopt(&C, items, 3, "A", &c), ==, DERR_NOTJOINED);
	check_int(store_case_exists(C.d->store, case_id), ==, 0);
	/* Without the genesis there is nothing to adopt. */
	check_int(adopt(&B, items + 1, 2, "A", &c), ==, DERR_NOTJOINED);
	check_int(adopt(&B, items, 3, "A", &c), ==, 0);
	for (int i = 0; i < 3; i++)
		check_int(ingest_entry(B.d->in, c, ent[i], entlen[i], "A"), ==, INGEST_STORED);
	for (int i = 0; i < 3; i++)
		check_int(ingest_entry(B.d->in, c, ent[i], entlen[i], "A"), ==, INGEST_DUP);
	check_int(store_commit(B.d->store), ==, 0);
	uint64_t seq;
	uint8_t hid[32];
	check_int(store_head(c, A.d->keys->sign_pk, &seq, hid), ==, 0);
	check_int(seq, ==, 3);
}

/* Re-signs an entry of A after mutate() changed its envelope or body. */
static uint8_t *
resign(const uint8_t *e, size_t n, void (*mutate)(ch_env_t *, uint8_t *, size_t),
    size_t *outn)
{
	ch_env_t env;
	const uint8_t *body;
	size_t bl;
	uint8_t *out = malloc(n);
	if (ch_entry_split(e, n, &env, &body, &bl) != 0)
		abort();
	memcpy(out, e, n);
	mutate(&env, out + CH_ENV_LEN, bl);
	crypto_generichash(env.body_hash, 32, out + CH_ENV_LEN, bl, NULL, 0);
	ch_env_sign(&env, A.d->keys->sign_sk);
	ch_env_encode(&env, out);
	*outn = n;
	return out;
}

/* An entry of the case by hand: seq and prev as given (prev NULL: zeros),
 * sealed under key with slots, signed by org. Stored nowhere. */
static uint8_t *
build_entry(const keys_secret_t *org, uint64_t seq, const uint8_t *prev,
    uint32_t epoch, uint8_t audience, const uint8_t key[32], const uint8_t *pl,
    size_t pln, const ch_slot_t *slots, size_t ns, size_t *n)
{
	uint8_t *e = fix_entry(org, case_id, seq, prev, epoch, audience,
	    (uint64_t)clock_now_ms(), key, pl, pln, slots, ns, n);
	if (!e)
		abort();
	return e;
}

/* Builds A's next entry (seq 4) properly, without storing it at A. */
static uint8_t *
next_of_a(uint32_t epoch, size_t *n, const char *text)
{
	uint8_t *pl, *e, prev[32];
	size_t pln;
	ch_env_t last;
	const uint8_t *b;
	size_t l;
	if (ch_entry_split(ent[nent - 1], entlen[nent - 1], &last, &b, &l) != 0)
		abort();
	ch_env_id(&last, prev);
	pl = note(text, &pln);
	e = build_entry(A.d->keys, last.seq + 1, prev, epoch, CH_AUD_NETWORK, ckey, pl, pln,
	    NULL, 0, n);
	free(pl);
	return e;
}

static void mut_prev(ch_env_t *e, uint8_t *b, size_t n) { (void)b; (void)n; e->prev[0] ^= 1; }

TEST(forgeries_are_rejected)
{
	scase_t *c;
	uint8_t *e, *f;
	size_t n, fn;
	uint64_t seq;
	uint8_t hid[32];

	check_int(store_case_get(B.d->store, case_id, 0, &c), ==, 0);
	e = next_of_a(1, &n, "Wondzorg gedaan");
	/* A flipped bit in the org signature. */
	f = malloc(n);
	memcpy(f, e, n);
	f[CH_ENV_HDR_LEN + 3] ^= 1;
	check_int(ingest_entry(B.d->in, c, f, n, "A"), ==, INGEST_REFUSED);
	/* A flipped bit in the body: its hash no longer matches. */
	memcpy(f, e, n);
	f[n - 1] ^= 1;
	check_int(ingest_entry(B.d->in, c, f, n, "A"), ==, INGEST_REFUSED);
	free(f);
	/* Wrong prev hash, validly signed. */
	f = resign(e, n, mut_prev, &fn);
	check_int(ingest_entry(B.d->in, c, f, fn, "A"), ==, INGEST_REFUSED);
	free(f);
	/* A future epoch the coordinator never started. */
	f = next_of_a(7, &fn, "epoch seven");
	check_int(ingest_entry(B.d->in, c, f, fn, "A"), ==, INGEST_REFUSED);
	free(f);
	check_int(store_head(c, A.d->keys->sign_pk, &seq, hid), ==, 0);
	check_int(seq, ==, 3);
	/* The genuine one is still welcome. */
	check_int(ingest_entry(B.d->in, c, e, n, "A"), ==, INGEST_STORED);
	ent[nent] = e;
	entlen[nent++] = n;
	/* A gap: seq 6 before 5 is held back, not stored. */
	uint8_t *e5 = next_of_a(1, &n, "five");
	ent[nent] = e5;
	entlen[nent++] = n;
	uint8_t *e6 = next_of_a(1, &fn, "six");
	ent[--nent] = NULL;
	check_int(ingest_entry(B.d->in, c, e6, fn, "A"), ==, INGEST_GAP);
	check_int(ingest_entry(B.d->in, c, e5, n, "A"), ==, INGEST_STORED);
	check_int(ingest_entry(B.d->in, c, e6, fn, "A"), ==, INGEST_STORED);
	free(e5);
	free(e6);
	check_int(store_commit(B.d->store), ==, 0);
}

TEST(expired_certificate_is_rejected)
{
	scase_t *c;
	keys_secret_t *old = keys_secret_new(KEYS_KIND_PROVIDER);
	uint8_t *oc, *f, *pl, *e, hid[32];
	size_t ocl, fl, pln, n;
	uint64_t now = (uint64_t)time(NULL), seq, after;

	check_int(store_case_get(B.d->store, case_id, 0, &c), ==, 0);
	/* A certificate that ended yesterday signs a note today, as A's next
	 * entry: everything else about it is right. */
	check_int(keys_cert_make(A.d->keys, old->sign_pk, old->curve_pk, "Oud Account",
	    "social-worker", now - 3 * 86400, now - 86400, &oc, &ocl), ==, 0);
	check_int(ch_note_encode("signed with an expired certificate", &f, &fl), ==, 0);
	pl = plain(old, oc, ocl, CH_KIND_NOTE, f, fl, &pln);
	free(f);
	check_int(store_head(c, A.d->keys->sign_pk, &seq, hid), ==, 0);
	e = build_entry(A.d->keys, seq + 1, hid, state_epoch(c), CH_AUD_NETWORK, ckey, pl, pln,
	    NULL, 0, &n);
	check_int(ingest_entry(B.d->in, c, e, n, "A"), ==, INGEST_REFUSED);
	check_int(store_head(c, A.d->keys->sign_pk, &after, hid), ==, 0);
	check_int(after, ==, seq);
	store_abort(B.d->store);
	free(e);
	free(pl);
	free(oc);
	keys_secret_destroy(&old);
}

TEST(bad_provider_signature_is_rejected)
{
	scase_t *c;
	check_int(store_case_get(B.d->store, case_id, 0, &c), ==, 0);
	/* The provider signature made by another key than the certificate's. */
	keys_secret_t *mallory = keys_secret_new(KEYS_KIND_PROVIDER);
	uint8_t *f, *pl, *e;
	size_t fl, pln, n;
	uint64_t seq;
	uint8_t hid[32];
	check_int(ch_note_encode("forged", &f, &fl), ==, 0);
	pl = plain(mallory, cert, certlen, CH_KIND_NOTE, f, fl, &pln);
	free(f);
	check_int(store_head(c, A.d->keys->sign_pk, &seq, hid), ==, 0);
	e = build_entry(A.d->keys, seq + 1, hid, state_epoch(c), CH_AUD_NETWORK, ckey, pl, pln,
	    NULL, 0, &n);
	check_int(ingest_entry(B.d->in, c, e, n, "A"), ==, INGEST_REFUSED);
	free(e);
	free(pl);
	keys_secret_destroy(&mallory);
	store_abort(B.d->store);
}

TEST(outsider_feed_and_fork)
{
	scase_t *c, *cc;
	uint8_t *pl, *e, id[32];
	size_t pln, n;

	check_int(store_case_get(B.d->store, case_id, 0, &c), ==, 0);
	/* C writes into the case without being a member: held back at B. */
	check_int(store_case_get(C.d->store, case_id, 1, &cc), ==, 0);
	{
		uint8_t *f;
		size_t fl;
		check_int(ch_note_encode("not a member", &f, &fl), ==, 0);
		pl = plain(provC, certC, certClen, CH_KIND_NOTE, f, fl, &pln);
		free(f);
		e = build_entry(C.d->keys, 1, NULL, 0, CH_AUD_NETWORK, ckey, pl, pln, NULL, 0, &n);
		free(pl);
	}
	check_int(ingest_entry(B.d->in, c, e, n, "C"), ==, INGEST_REFUSED);
	free(e);
	(void)id;
	store_abort(C.d->store);

	/* A second, different, validly signed entry at A's seq 3: a fork. */
	uint64_t seq;
	uint8_t hid[32];
	check_int(store_head(c, A.d->keys->sign_pk, &seq, hid), ==, 0);
	nent = 2; /* build on top of seq 2 */
	e = next_of_a(1, &n, "a different seq 3");
	check_int(ingest_entry(B.d->in, c, e, n, "A"), ==, INGEST_REFUSED);
	check_int(store_commit(B.d->store), ==, 0);
	size_t forks = 0;
	check_int(store_fork_count(c, &forks), ==, 0);
	check_int(forks, ==, 1);
	/* The forked feed is no longer accepted, not even its genuine entries. */
	check_int(ingest_entry(B.d->in, c, ent[0], entlen[0], "A"), ==, INGEST_REFUSED);
	free(e);
}

/* The plain body of entry e, opened with the network key ckey. */
static int
open_plain(const uint8_t *e, size_t n, uint8_t **pl, size_t *pln, ch_plain_t *p)
{
	ch_env_t env;
	const uint8_t *b;
	size_t bl;
	if (ch_entry_split(e, n, &env, &b, &bl) != 0 || !b ||
	    ch_body_open(&env, b, bl, ckey, pl, pln) != 0)
		return -1;
	return ch_plain_decode(*pl, *pln, p);
}

/* A FORK entry as B's next entry at A, with the given fields. */
static int
fork_report_at_a(scase_t *ca, const uint8_t *fields, size_t fl)
{
	uint8_t *pl, *e, hid[32];
	size_t pln, n;
	uint64_t hseq, after;
	if (store_head(ca, B.d->keys->sign_pk, &hseq, hid) != 0 ||
	    feed_org_plain(case_id, CH_KIND_FORK, CH_AUD_NETWORK, fields, fl, &pl, &pln) != 0)
		abort();
	e = build_entry(B.d->keys, hseq + 1, hseq ? hid : NULL, state_epoch(ca), CH_AUD_NETWORK,
	    ckey, pl, pln, NULL, 0, &n);
	free(pl);
	int rc = ingest_entry(A.d->in, ca, e, n, "B");
	free(e);
	if (store_head(ca, B.d->keys->sign_pk, &after, hid) != 0 ||
	    (rc == INGEST_REFUSED && after != hseq))
		abort();
	return rc;
}

/* Two envelopes of org o at seq 1 of the case, different. */
static void
two_envelopes(const keys_secret_t *o, uint8_t a[CH_ENV_LEN], uint8_t b[CH_ENV_LEN])
{
	size_t n;
	uint8_t pl[8] = "whatever", *e1, *e2;
	e1 = fix_entry(o, case_id, 1, NULL, 0, CH_AUD_NETWORK, 1000, ckey, pl, 4, NULL, 0, &n);
	e2 = fix_entry(o, case_id, 1, NULL, 0, CH_AUD_NETWORK, 2000, ckey, pl, 4, NULL, 0, &n);
	if (!e1 || !e2)
		abort();
	memcpy(a, e1, CH_ENV_LEN);
	memcpy(b, e2, CH_ENV_LEN);
	free(e1);
	free(e2);
}

/* B kept A's fork as evidence (outsider_feed_and_fork, committed): its
 * housekeeping reports it once in B's feed, a FORK entry every member
 * checks; a second run, or a second fork of that feed, adds nothing; a
 * forged report is refused. */
TEST(a_fork_is_reported_once)
{
	scase_t *cb, *ca;
	uint64_t s0, s1;
	uint8_t h[32], *e, *pl = NULL, *fields;
	size_t n, pln = 0, fl;
	ch_plain_t p;
	ch_fork_t f;

	check_int(store_case_get(B.d->store, case_id, 0, &cb), ==, 0);
	check_int(store_case_get(A.d->store, case_id, 0, &ca), ==, 0);
	check_int(store_head(cb, B.d->keys->sign_pk, &s0, h), ==, 0);
	hk_all(B.d);
	check_int(store_head(cb, B.d->keys->sign_pk, &s1, h), ==, 0);
	check_int(s1, ==, s0 + 1);
	check_int(store_entry_get(cb, B.d->keys->sign_pk, s1, &e, &n), ==, 0);
	check_int(open_plain(e, n, &pl, &pln, &p), ==, 0);
	check_int(p.kind, ==, CH_KIND_FORK);
	check_int(ch_fork_decode(p.fields, p.fieldslen, &f), ==, 0);
	check(memcmp(f.org, A.d->keys->sign_pk, 32) == 0);
	check_int(f.seq, ==, 3);
	/* Every member takes it: A, the forked org itself, too. */
	check_int(ingest_entry(A.d->in, ca, e, n, "B"), ==, INGEST_STORED);
	free(e);
	free(pl);
	store_abort(A.d->store);
	/* Once per feed: a second run, another fork of A's feed, add nothing. */
	hk_all(B.d);
	check_int(store_head(cb, B.d->keys->sign_pk, &s1, h), ==, 0);
	check_int(s1, ==, s0 + 1);
	uint8_t *e2 = next_of_a(1, &n, "yet another seq 3");
	check_int(store_fork_put(cb, A.d->keys->sign_pk, 3, e2, n), ==, 0);
	free(e2);
	hk_all(B.d);
	check_int(store_head(cb, B.d->keys->sign_pk, &s1, h), ==, 0);
	check_int(s1, ==, s0 + 1);
	store_abort(B.d->store);

	/* Forged reports, as B's next entry at A: each refused. */
	ch_fork_t g;
	memset(&g, 0, sizeof(g));
	memcpy(g.org, A.d->keys->sign_pk, 32);
	g.seq = 1;
	two_envelopes(A.d->keys, g.env_a, g.env_b);
	check_int(ch_fork_encode(&g, &fields, &fl), ==, 0);
	check_int(fork_report_at_a(ca, fields, fl - 1), ==, INGEST_REFUSED);   /* short */
	fields[32 + 8 + CH_ENV_LEN + 100] ^= 1;                           /* env_b's signature */
	check_int(fork_report_at_a(ca, fields, fl), ==, INGEST_REFUSED);
	memcpy(fields + 32 + 8 + CH_ENV_LEN, fields + 32 + 8, CH_ENV_LEN); /* the same twice */
	check_int(fork_report_at_a(ca, fields, fl), ==, INGEST_REFUSED);
	memset(fields + 32, 0, 8);                                        /* seq 0 */
	check_int(fork_report_at_a(ca, fields, fl), ==, INGEST_REFUSED);
	free(fields);
	/* A fork of an outsider's feed (C signs two envelopes): not a member. */
	memcpy(g.org, C.d->keys->sign_pk, 32);
	two_envelopes(C.d->keys, g.env_a, g.env_b);
	check_int(ch_fork_encode(&g, &fields, &fl), ==, 0);
	check_int(fork_report_at_a(ca, fields, fl), ==, INGEST_REFUSED);
	free(fields);
	/* The control: a real fork of A's envelopes, reported by B, is taken. */
	memcpy(g.org, A.d->keys->sign_pk, 32);
	two_envelopes(A.d->keys, g.env_a, g.env_b);
	check_int(ch_fork_encode(&g, &fields, &fl), ==, 0);
	check_int(fork_report_at_a(ca, fields, fl), ==, INGEST_STORED);
	free(fields);
	store_abort(A.d->store);
}

/* Seq 1 of org o's feed, carrying a key slot for the org of card tc. */
static uint8_t *
entry_with_slot(org_t *o, keys_secret_t *pk, const uint8_t *ct, size_t ctl,
    const uint8_t *tc, size_t tcl, const uint8_t fake[32], size_t *n)
{
	ch_slot_t slot;
	keys_card_t cb;
	uint8_t *f, *pl, *e;
	size_t fl, pln;

	if (keys_card_parse(tc, tcl, &cb) != 0 ||
	    ch_note_encode("a key for you", &f, &fl) != 0)
		abort();
	memset(&slot, 0, sizeof(slot));
	memcpy(slot.org, cb.org_id, 32);
	slot.audience = CH_AUD_NETWORK;
	crypto_box_seal(slot.sealed, fake, 32, cb.box_pk);
	keys_card_clear(&cb);
	pl = plain(pk, ct, ctl, CH_KIND_NOTE, f, fl, &pln);
	free(f);
	e = build_entry(o->d->keys, 1, NULL, 0, CH_AUD_NETWORK, fake, pl, pln, &slot, 1, n);
	free(pl);
	return e;
}

TEST(key_slots_only_from_the_coordinator)
{
	/* A member (B) turned malicious tries to give a joining org (D) a fake
	 * case key, relaying its own seq-1 entry before the genesis. */
	org_t D;
	scase_t *ca, *cd;
	uint8_t fake[32], got[32], *evil, *addD, *f;
	size_t en, an, fl;
	keys_secret_t *provB = keys_secret_new(KEYS_KIND_PROVIDER);
	uint8_t *certB;
	size_t certBlen;
	uint64_t now = (uint64_t)time(NULL);

	org_init(&D, 0xd4, "Wijkgezondheidscentrum");
	check_int(keys_cert_make(B.d->keys, provB->sign_pk, provB->curve_pk, "Bart",
	    "home-nurse", now - 60, now + 86400, &certB, &certBlen), ==, 0);
	/* The coordinator adds D: a new epoch. */
	check_int(store_case_get(A.d->store, case_id, 0, &ca), ==, 0);
	check_int(ch_member_encode(D.d->card, D.d->cardlen, "gp", &f, &fl), ==, 0);
	corg(&orgs3[2], &D, "gp");
	check_int(a_epoch(ca, CH_WHY_ADD, D.d->keys->sign_pk, NULL, CH_REQ_ADD_ORG, f, fl,
	    orgs3, 3, &addD, &an), ==, 0);
	free(f);
	check_int(store_commit(A.d->store), ==, 0);

	randombytes_buf(fake, sizeof(fake));
	evil = entry_with_slot(&B, provB, certB, certBlen, D.d->card, D.d->cardlen, fake, &en);
	/* The relay's order: D's membership, the evil entry, then the rest. */
	ch_slice_t items[8] = { { addD, an }, { evil, en }, { ent[0], entlen[0] },
		{ ent[1], entlen[1] }, { ent[2], entlen[2] } };
	size_t ni = 5;
	check_int(adopt(&D, items, ni, "relay", &cd), ==, 0);
	int res[8];
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < ni; i++)
			if (pass == 0 || res[i] == INGEST_GAP || res[i] == INGEST_NOTYET)
				res[i] = ingest_entry(D.d->in, cd, items[i].p, items[i].n, "relay");
	check_int(res[1], ==, INGEST_REFUSED);   /* slots from a non-coordinator */
	check_int(res[2], ==, INGEST_STORED);   /* the genesis still opens */
	check_int(res[0], ==, INGEST_STORED);
	/* D joined at epoch 2: it holds that epoch's key (the real one), and
	 * no key of the epochs before it joined. */
	check_int(store_key_get(cd, 2, CH_AUD_NETWORK, got), ==, 0);
	check_mem(got, ckey, 32);
	check_int(store_key_get(cd, 0, CH_AUD_NETWORK, got), ==, ST_ERR_NOTFOUND);
	check_int(store_key_get(cd, 0, CH_AUD_MEMBERSHIP, got), ==, 0);
	uint8_t coord[32];
	check_int(state_coordinator(cd, coord), ==, 0);
	check_mem(coord, A.d->keys->sign_pk, 32);
	check_int(store_commit(D.d->store), ==, 0);
	free(evil);
	free(addD);
	free(certB);
	keys_secret_destroy(&provB);
	org_free(&D);
}

/* ---- A second case, where conflicting input is refused alike by every
 * daemon: A coordinates, B (home-nursing) joins at epoch 1, D (gp) at
 * epoch 2; E (psychologist) joins after B was removed; C stays outside. */

#define NAUD 6
#define EMAX 8                   /* epochs whose keys a snapshot compares */

static org_t D2, E2;
static org_t *const everyone[5] = { &A, &B, &C, &D2, &E2 };
static keys_secret_t *provB, *provB2;   /* two home nurses of B */
static uint8_t *certB, *certB2;
static size_t certBlen, certB2len;
static ch_corg_t orgs5[4];
static uint8_t *L[64];           /* every entry of the case, in order written */
static size_t Ln[64];
static int nL;
static int verbose;
static char logged[16384];       /* what the daemon logged during ingest() */

static scase_t *
cs(org_t *o)
{
	scase_t *c;
	if (store_case_get(o->d->store, case_id, 0, &c) != 0)
		abort();
	return c;
}

static const uint8_t *
oid_of(const org_t *o)
{
	return o->d->keys->sign_pk;
}

static void
keep(uint8_t *e, size_t n)
{
	if (nL == 64)
		abort();
	L[nL] = e;
	Ln[nL++] = n;
}

static void
key_of(org_t *o, uint32_t epoch, uint8_t audience, uint8_t key[32])
{
	if (store_key_get(cs(o), epoch, audience, key) != 0)
		abort();
}

/* nb_ingest at o, with the daemon's log lines kept in logged[]. */
static int
ingest(org_t *o, const uint8_t *e, size_t n)
{
	FILE *t = tmpfile();
	int saved, rc;
	size_t k;

	if (!t)
		abort();
	fflush(stderr);
	if ((saved = dup(2)) < 0 || dup2(fileno(t), 2) < 0)
		abort();
	log_init("test_nb", LOG_LVL_DEBUG);
	rc = ingest_entry(o->d->in, cs(o), e, n, "peer");
	fflush(stderr);
	if (dup2(saved, 2) < 0)
		abort();
	close(saved);
	log_init("test_nb", verbose ? LOG_LVL_DEBUG : -1);
	rewind(t);
	k = fread(logged, 1, sizeof(logged) - 1, t);
	logged[k] = '\0';
	fclose(t);
	if (verbose)
		fputs(logged, stderr);
	return rc;
}

/* What a daemon holds of the case: epoch, coordinator, every feed head,
 * every key of the first EMAX epochs. */
typedef struct {
	uint32_t epoch;
	int crc;
	uint8_t coord[32];
	uint64_t seq[5];
	uint8_t head[5][32];
	int krc[EMAX][NAUD];
	uint8_t key[EMAX][NAUD][32];
} snap_t;

static void
snap(org_t *o, snap_t *s)
{
	scase_t *c = cs(o);
	memset(s, 0, sizeof(*s));
	s->epoch = state_epoch(c);
	s->crc = state_coordinator(c, s->coord);
	for (int i = 0; i < 5; i++)
		if (store_head(c, oid_of(everyone[i]), &s->seq[i], s->head[i]) != 0)
			abort();
	for (uint32_t e = 0; e < EMAX; e++)
		for (int a = 0; a < NAUD; a++)
			s->krc[e][a] = store_key_get(c, e, (uint8_t)(a + 1), s->key[e][a]);
}

static int
snap_same(const snap_t *x, const snap_t *y)
{
	if (x->epoch != y->epoch || x->crc != y->crc || memcmp(x->coord, y->coord, 32) != 0 ||
	    memcmp(x->seq, y->seq, sizeof(x->seq)) != 0 ||
	    memcmp(x->head, y->head, sizeof(x->head)) != 0)
		return 0;
	for (int e = 0; e < EMAX; e++)
		for (int a = 0; a < NAUD; a++)
			if (x->krc[e][a] != y->krc[e][a] ||
			    (x->krc[e][a] == 0 && memcmp(x->key[e][a], y->key[e][a], 32) != 0))
				return 0;
	return 1;
}

/* Every org named in who ("ABCDE") answers want (INGEST_REFUSED or INGEST_NOTYET) to
 * entry e, logs why (when given), and keeps its state. */
#define REFUSED(who, e, n, want, why) refused(who, e, n, want, why, __LINE__)
static void
refused(const char *who, const uint8_t *e, size_t n, int want, const char *why, int line)
{
	for (const char *w = who; *w; w++) {
		org_t *o = everyone[*w - 'A'];
		snap_t before, after;
		snap(o, &before);
		int rc = ingest(o, e, n);
		snap(o, &after);
		int same = snap_same(&before, &after);
		if (rc != want || (why && !strstr(logged, why)) || !same) {
			tap_cur_failed = 1;
			printf("# %s:%d: at %s: got %d (want %d%s%s), state %s; log: %s\n",
			    __FILE__, line, o->d->cfg.name, rc, want, why ? ", " : "",
			    why ? why : "", same ? "kept" : "CHANGED", logged);
		}
		store_abort(o->d->store);
	}
}

/* Brings o up to date with the case: the coordinator's feed first, then
 * the others; every entry must be stored (or held already). */
static void
sync_all(org_t *o)
{
	int res[64];
	for (int i = 0; i < nL; i++)
		res[i] = INGEST_NOTYET;
	for (int pass = 0; pass < 3; pass++)
		for (int i = 0; i < nL; i++) {
			if (pass == 0) {
				ch_env_t env;
				const uint8_t *b;
				size_t bl;
				if (ch_entry_split(L[i], Ln[i], &env, &b, &bl) != 0)
					abort();
				if (memcmp(env.org, oid_of(&A), 32) != 0)
					continue;
			}
			if (res[i] == INGEST_GAP || res[i] == INGEST_NOTYET)
				res[i] = ingest_entry(o->d->in, cs(o), L[i], Ln[i], "peer");
		}
	for (int i = 0; i < nL; i++)
		if (res[i] != INGEST_STORED && res[i] != INGEST_DUP) {
			tap_cur_failed = 1;
			printf("# %s: entry %d of the case: %d\n", o->d->cfg.name, i, res[i]);
		}
	check_int(store_commit(o->d->store), ==, 0);
}

/* o adopts the case from every entry written so far, then ingests them. */
static void
join(org_t *o)
{
	ch_slice_t items[64];
	scase_t *c;
	for (int i = 0; i < nL; i++) {
		items[i].p = L[i];
		items[i].n = Ln[i];
	}
	check_int(adopt(o, items, (size_t)nL, "A", &c), ==, 0);
	sync_all(o);
}

static uint8_t *
note_as(keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t audience,
    const char *text, size_t *n)
{
	uint8_t *f, *p;
	size_t fl;
	if (ch_note_encode(text, &f, &fl) != 0)
		abort();
	p = plain_aud(pk, ct, ctl, CH_KIND_NOTE, audience, f, fl, n);
	free(f);
	return p;
}

/* A daemon-written plain body (no certificate, zero signature). */
static uint8_t *
daemon_plain(uint8_t kind, uint8_t audience, const uint8_t *fields, size_t fl, size_t *n)
{
	ch_plain_t p;
	uint8_t *out;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.hlc = (uint64_t)clock_now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fl;
	if (ch_plain_encode(&p, case_id, audience, NULL, &out, n) != 0)
		abort();
	return out;
}

/* The next entry of o's feed (seq and prev from o's own store), sealed
 * under key with slots and signed by o: built by hand, stored nowhere. */
static uint8_t *
seal_entry(org_t *o, uint32_t epoch, uint8_t audience, const uint8_t key[32],
    const uint8_t *pl, size_t pln, const ch_slot_t *slots, size_t ns, size_t *n)
{
	uint64_t seq;
	uint8_t prev[32];
	if (store_head(cs(o), oid_of(o), &seq, prev) != 0)
		abort();
	return build_entry(o->d->keys, seq + 1, prev, epoch, audience, key, pl, pln,
	    slots, ns, n);
}

static void
slot_for(ch_slot_t *s, const org_t *label, const org_t *to, uint32_t epoch,
    uint8_t audience, const uint8_t key[32])
{
	memcpy(s->org, oid_of(label), 32);
	s->epoch = epoch;
	s->audience = audience;
	crypto_box_seal(s->sealed, key, 32, to->d->keys->box_pk);
}

static org_t *
org_by_id(const uint8_t id[32])
{
	for (int i = 0; i < 5; i++)
		if (memcmp(oid_of(everyone[i]), id, 32) == 0)
			return everyone[i];
	abort();
}

/* The key slots of a new epoch as member_new_epoch makes them (one per member
 * and audience its role is in), except that the slots labelled for
 * 'wrong' (if not NULL) are sealed to 'to' and those labelled for 'skip'
 * are left out. */
static size_t
epoch_slots(const ch_charter_t *ch, uint32_t epoch, uint8_t keys[NAUD][32],
    const org_t *wrong, const org_t *to, const org_t *skip, ch_slot_t *s)
{
	size_t ns = 0;
	for (size_t i = 0; i < ch->norgs; i++) {
		org_t *o = org_by_id(ch->orgs[i].org);
		if (o == skip)
			continue;
		for (uint8_t a = 1; a <= NAUD; a++)
			if (state_org_in_audience(ch, ch->orgs[i].org, a))
				slot_for(&s[ns++], o, o == wrong ? to : o, epoch, a, keys[a - 1]);
	}
	return ns;
}

/* The fields of a rotation of the three members' charter, asked for by
 * a provider (pk, ct) and made into a plain body of kind EPOCH. ep keeps
 * the charter until ep_done(). */
static uint8_t *
rotation(ch_epoch_t *ep, keys_secret_t *pk, const uint8_t *ct, size_t ctl,
    uint8_t **req, size_t *pln)
{
	uint8_t *f, *pl;
	size_t rl, fl;
	*req = plain(pk, ct, ctl, CH_REQ_ROTATE, NULL, 0, &rl);
	ep_make(ep, CH_WHY_ROTATE, NULL, NULL, *req, rl, orgs5, 3, NULL, 0);
	if (ch_epoch_encode(ep, &f, &fl) != 0)
		abort();
	pl = daemon_plain(CH_KIND_EPOCH, CH_AUD_MEMBERSHIP, f, fl, pln);
	free(f);
	return pl;
}

/* A note appended by o's daemon (through its own checks) in the current
 * epoch; kept for the others on success. */
static int
append_note(org_t *o, keys_secret_t *pk, const uint8_t *ct, size_t ctl,
    uint8_t audience, const char *text)
{
	scase_t *c = cs(o);
	uint8_t key[32], *pl, *e, id[32];
	size_t pln, n;
	int rc;
	key_of(o, state_epoch(c), audience, key);
	pl = note_as(pk, ct, ctl, audience, text, &pln);
	rc = feed_append(o->d->in, c, state_epoch(c), audience, NULL, 0, key, pl, pln, &e, &n, id);
	free(pl);
	if (rc == 0) {
		keep(e, n);
		if (store_commit(o->d->store) != 0)
			rc = -1;
	}
	return rc;
}

static void
check_state(org_t *o, uint32_t epoch)
{
	uint8_t coord[32];
	check_int(state_epoch(cs(o)), ==, epoch);
	check_int(state_coordinator(cs(o), coord), ==, 0);
	check_mem(coord, oid_of(&A), 32);
}

TEST(case2_members_join)
{
	uint8_t salt[16], *f, *e;
	size_t fl, n;
	scase_t *c;
	uint64_t now = (uint64_t)time(NULL);

	org_init(&D2, 0xd5, "Huisartsenpraktijk Noord");
	org_init(&E2, 0xe6, "Psychologenpraktijk Oost");
	provB = keys_secret_new(KEYS_KIND_PROVIDER);
	provB2 = keys_secret_new(KEYS_KIND_PROVIDER);
	check_int(keys_cert_make(B.d->keys, provB->sign_pk, provB->curve_pk, "Bart",
	    "home-nurse", now - 60, now + 86400, &certB, &certBlen), ==, 0);
	check_int(keys_cert_make(B.d->keys, provB2->sign_pk, provB2->curve_pk, "Bea",
	    "home-nurse", now - 60, now + 86400, &certB2, &certB2len), ==, 0);
	memset(salt, 0x6b, sizeof(salt));
	ch_case_id(oid_of(&A), salt, case_id);
	check_int(store_case_get(A.d->store, case_id, 1, &c), ==, 0);
	corg(&orgs5[0], &A, "coordination");
	corg(&orgs5[1], &B, "home-nursing");
	corg(&orgs5[2], &D2, "gp");
	corg(&orgs5[3], &E2, "psychologist");
	check_int(ch_create_encode(salt, "Mevrouw Peeters", &f, &fl), ==, 0);
	check_int(a_epoch(cs(&A), CH_WHY_CREATE, NULL, salt, CH_REQ_CASE_NEW, f, fl,
	    orgs5, 1, &e, &n), ==, 0);
	keep(e, n);
	free(f);
	check_int(ch_member_encode(B.d->card, B.d->cardlen, "home-nursing", &f, &fl), ==, 0);
	check_int(a_epoch(cs(&A), CH_WHY_ADD, oid_of(&B), NULL, CH_REQ_ADD_ORG, f, fl,
	    orgs5, 2, &e, &n), ==, 0);
	keep(e, n);
	free(f);
	check_int(ch_member_encode(D2.d->card, D2.d->cardlen, "gp", &f, &fl), ==, 0);
	check_int(a_epoch(cs(&A), CH_WHY_ADD, oid_of(&D2), NULL, CH_REQ_ADD_ORG, f, fl,
	    orgs5, 3, &e, &n), ==, 0);
	keep(e, n);
	free(f);
	check_int(store_commit(A.d->store), ==, 0);
	join(&B);
	join(&D2);
	check_int(append_note(&B, provB, certB, certBlen, CH_AUD_NETWORK, "Wondzorg gedaan"), ==, 0);
	sync_all(&A);
	sync_all(&D2);
	check_state(&A, 2);
	check_state(&B, 2);
	check_state(&D2, 2);
	check_int(nL, ==, 4);
}

/* 1. A membership entry written by a member that does not coordinate. */
TEST(membership_only_from_the_coordinator)
{
	ch_epoch_t ep;
	ch_slot_t s[32];
	uint8_t *req, *pl, *e, k6[32], keys[NAUD][32];
	size_t pln, n, ns;

	pl = rotation(&ep, provB, certB, certBlen, &req, &pln);
	/* In the current epoch, under its membership key: every member reads
	 * it, and refuses it. */
	key_of(&B, 2, CH_AUD_MEMBERSHIP, k6);
	e = seal_entry(&B, 2, CH_AUD_MEMBERSHIP, k6, pl, pln, NULL, 0, &n);
	REFUSED("ADB", e, n, INGEST_REFUSED, "only the coordinator changes membership");
	free(e);
	/* As epoch 3, with fresh keys sealed to every member: it waits for an
	 * epoch 3 from the coordinator, stored nowhere, its keys taken by none. */
	randombytes_buf(keys, sizeof(keys));
	ns = epoch_slots(&ep.charter, 3, keys, NULL, NULL, NULL, s);
	e = seal_entry(&B, 3, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1], pl, pln, s, ns, &n);
	REFUSED("ADB", e, n, INGEST_NOTYET, NULL);
	free(e);
	ep_done(&ep);
	free(req);
	free(pl);
}

/* 2. A second epoch entry of the coordinator for an epoch that started. */
TEST(an_epoch_starts_once)
{
	ch_env_t env;
	const uint8_t *body;
	ch_slot_t *sl = NULL;
	uint8_t *pl, *e, k6[32];
	size_t bl, pln, nsl = 0, n;

	/* The plain body of the real epoch 2 entry, re-sealed as A's next seq. */
	check_int(ch_entry_split(L[2], Ln[2], &env, &body, &bl), ==, 0);
	check_int(env.epoch, ==, 2);
	key_of(&A, 2, CH_AUD_MEMBERSHIP, k6);
	check_int(ch_body_open(&env, body, bl, k6, &pl, &pln), ==, 0);
	check_int(ch_body_slots(body, bl, &sl, &nsl), ==, 0);
	e = seal_entry(&A, 2, CH_AUD_MEMBERSHIP, k6, pl, pln, sl, nsl, &n);
	REFUSED("BDA", e, n, INGEST_REFUSED, "that epoch has started already");
	free(e);
	/* Without its key slots. */
	e = seal_entry(&A, 2, CH_AUD_MEMBERSHIP, k6, pl, pln, NULL, 0, &n);
	REFUSED("BDA", e, n, INGEST_REFUSED, "that epoch has started already");
	free(e);
	/* Claiming epoch 1 again, under epoch 1's membership key. */
	key_of(&A, 1, CH_AUD_MEMBERSHIP, k6);
	e = seal_entry(&A, 1, CH_AUD_MEMBERSHIP, k6, pl, pln, NULL, 0, &n);
	REFUSED("BDA", e, n, INGEST_REFUSED, "that epoch has started already");
	free(e);
	free(sl);
	free(pl);
}

/* 3. Entries of an epoch not started yet. */
TEST(future_epochs)
{
	uint8_t rnd[32], k[32], *pl, *e;
	size_t pln, n;

	randombytes_buf(rnd, sizeof(rnd));
	pl = note_as(provB, certB, certBlen, CH_AUD_NETWORK, "twee epochs vooruit", &pln);
	/* current + 2, from a member: refused. */
	e = seal_entry(&B, 4, CH_AUD_NETWORK, rnd, pl, pln, NULL, 0, &n);
	REFUSED("ADB", e, n, INGEST_REFUSED, "unknown epoch 4");
	free(e);
	/* current + 1, from a member: held back until the coordinator's epoch
	 * entry arrives; not stored. */
	e = seal_entry(&B, 3, CH_AUD_NETWORK, rnd, pl, pln, NULL, 0, &n);
	REFUSED("ADB", e, n, INGEST_NOTYET, NULL);
	free(e);
	free(pl);
	/* current + 2, from the coordinator: refused too. */
	pl = note_as(prov, cert, certlen, CH_AUD_NETWORK, "ook te vroeg", &pln);
	e = seal_entry(&A, 4, CH_AUD_NETWORK, rnd, pl, pln, NULL, 0, &n);
	REFUSED("BDA", e, n, INGEST_REFUSED, "unknown epoch 4");
	free(e);
	/* A note of the coordinator in the current epoch under a key that is
	 * not the epoch's. */
	key_of(&A, 2, CH_AUD_NETWORK, k);
	k[0] ^= 1;
	e = seal_entry(&A, 2, CH_AUD_NETWORK, k, pl, pln, NULL, 0, &n);
	REFUSED("BDA", e, n, INGEST_REFUSED, "does not decrypt");
	free(e);
	free(pl);
}

/* 4. An epoch entry whose key for a member is sealed to another org. */
TEST(key_sealed_to_the_wrong_member)
{
	ch_epoch_t ep;
	ch_slot_t s[32];
	uint8_t *req, *pl, *e, keys[NAUD][32], got[32];
	size_t pln, n, ns;

	pl = rotation(&ep, prov, cert, certlen, &req, &pln);
	randombytes_buf(keys, sizeof(keys));
	/* B's slots sealed to C's box key: B cannot open them. */
	ns = epoch_slots(&ep.charter, 3, keys, &B, &C, NULL, s);
	e = seal_entry(&A, 3, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1], pl, pln, s, ns, &n);
	REFUSED("B", e, n, INGEST_REFUSED, "a key slot for this organization does not open");
	free(e);
	/* No slot for B at all. */
	ns = epoch_slots(&ep.charter, 3, keys, NULL, NULL, &B, s);
	e = seal_entry(&A, 3, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1], pl, pln, s, ns, &n);
	/* B cannot tell an omission from a removal: it holds the entry back and
	 * says so, and changes nothing. */
	REFUSED("B", e, n, INGEST_NOTYET, "no key for this organization in it");
	free(e);
	/* A slot for C, which is not in the charter: refused by every member. */
	ns = epoch_slots(&ep.charter, 3, keys, NULL, NULL, NULL, s);
	slot_for(&s[ns++], &C, &C, 3, CH_AUD_NETWORK, keys[CH_AUD_NETWORK - 1]);
	e = seal_entry(&A, 3, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1], pl, pln, s, ns, &n);
	REFUSED("BDA", e, n, INGEST_REFUSED, "a key slot is not for a member");
	free(e);
	/* A slot of the current epoch, whose key B holds, with another key. */
	ns = epoch_slots(&ep.charter, 3, keys, NULL, NULL, NULL, s);
	slot_for(&s[ns++], &B, &B, 2, CH_AUD_NETWORK, keys[CH_AUD_NETWORK - 1]);
	e = seal_entry(&A, 3, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1], pl, pln, s, ns, &n);
	REFUSED("B", e, n, INGEST_REFUSED, "a key slot conflicts with a key held");
	free(e);
	/* The same rotation with every slot right is taken everywhere. */
	ns = epoch_slots(&ep.charter, 3, keys, NULL, NULL, NULL, s);
	e = seal_entry(&A, 3, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1], pl, pln, s, ns, &n);
	check_int(ingest(&A, e, n), ==, INGEST_STORED);
	check_int(store_commit(A.d->store), ==, 0);
	keep(e, n);
	sync_all(&B);
	sync_all(&D2);
	check_state(&A, 3);
	check_state(&B, 3);
	check_state(&D2, 3);
	check_int(store_key_get(cs(&B), 3, CH_AUD_NETWORK, got), ==, 0);
	check_mem(got, keys[CH_AUD_NETWORK - 1], 32);
	check_int(store_key_get(cs(&B), 3, CH_AUD_SOCIAL, got), ==, ST_ERR_NOTFOUND);
	ep_done(&ep);
	free(req);
	free(pl);
}

/* 7. An author whose role is not in the audience of the entry. */
TEST(author_role_outside_the_audience)
{
	uint8_t km[32], *pl, *e;
	size_t pln, n;

	/* A's social worker, writing to medical with the epoch's medical key. */
	key_of(&A, 3, CH_AUD_MEDICAL, km);
	pl = note_as(prov, cert, certlen, CH_AUD_MEDICAL, "Medicatie aangepast", &pln);
	e = seal_entry(&A, 3, CH_AUD_MEDICAL, km, pl, pln, NULL, 0, &n);
	REFUSED("BDA", e, n, INGEST_REFUSED, "the author's role is not in that audience");
	free(e);
	free(pl);
	check(append_note(&A, prov, cert, certlen, CH_AUD_MEDICAL, "Medicatie") != 0);
	/* Care is hers: accepted by every member. */
	check_int(append_note(&A, prov, cert, certlen, CH_AUD_CARE, "Overleg gepland"), ==, 0);
	sync_all(&B);
	sync_all(&D2);
}

/* 6. A provider revoked by its organization. */
TEST(revoked_provider)
{
	uint8_t k[32], *pl, *e, id[32];
	size_t pln, n;
	int earlier = nL;

	check_int(append_note(&B, provB2, certB2, certB2len, CH_AUD_NETWORK, "Bea: eerste bezoek"), ==, 0);
	sync_all(&A);
	sync_all(&D2);
	check_int(member_revoke(B.d->in, cs(&B), provB2->sign_pk, (uint64_t)time(NULL), &e, &n, id), ==, 0);
	check_int(store_commit(B.d->store), ==, 0);
	keep(e, n);
	sync_all(&A);
	sync_all(&D2);
	check_int(member_revoked(cs(&A), oid_of(&B), provB2->sign_pk), ==, 1);
	check_int(member_revoked(cs(&D2), oid_of(&B), provB2->sign_pk), ==, 1);
	/* A later note of hers: refused everywhere, B's own daemon included. */
	key_of(&B, 3, CH_AUD_NETWORK, k);
	pl = note_as(provB2, certB2, certB2len, CH_AUD_NETWORK, "Bea: na de intrekking", &pln);
	e = seal_entry(&B, 3, CH_AUD_NETWORK, k, pl, pln, NULL, 0, &n);
	REFUSED("ADB", e, n, INGEST_REFUSED, "signed by a provider its organization revoked");
	free(e);
	free(pl);
	check(append_note(&B, provB2, certB2, certB2len, CH_AUD_NETWORK, "Bea") != 0);
	/* Her earlier note stays part of the case. */
	check_int(ingest(&A, L[earlier], Ln[earlier]), ==, INGEST_DUP);
	check_int(ingest(&D2, L[earlier], Ln[earlier]), ==, INGEST_DUP);
	/* Her colleague writes on. */
	check_int(append_note(&B, provB, certB, certBlen, CH_AUD_NETWORK, "Bart: verband"), ==, 0);
	sync_all(&A);
	sync_all(&D2);
}

/* 8. History grants: from the coordinator only. */
TEST(history_from_the_coordinator_only)
{
	ch_history_t hi;
	ch_slot_t s;
	uint8_t got[32], want[32], k[32], *f, *req, *pl, *e, id[32];
	size_t fl, rl, pln, n;

	check_int(store_key_get(cs(&B), 0, CH_AUD_NETWORK, got), ==, ST_ERR_NOTFOUND);
	check_int(ch_orgref_encode(oid_of(&B), &f, &fl), ==, 0);
	req = plain(prov, cert, certlen, CH_REQ_HISTORY, f, fl, &rl);
	free(f);
	check_int(member_grant_history(A.d->in, cs(&A), oid_of(&B), req, rl, &e, &n, id), ==, 0);
	check_int(store_commit(A.d->store), ==, 0);
	keep(e, n);
	sync_all(&B);
	sync_all(&D2);
	/* B holds the keys of the epochs before it joined, for its audiences. */
	check_int(store_key_get(cs(&B), 0, CH_AUD_NETWORK, got), ==, 0);
	key_of(&A, 0, CH_AUD_NETWORK, want);
	check_mem(got, want, 32);
	check_int(store_key_get(cs(&B), 0, CH_AUD_MEDICAL, got), ==, 0);
	key_of(&A, 0, CH_AUD_MEDICAL, want);
	check_mem(got, want, 32);
	check_int(store_key_get(cs(&B), 0, CH_AUD_SOCIAL, got), ==, ST_ERR_NOTFOUND);
	check_int(store_key_get(cs(&D2), 0, CH_AUD_NETWORK, got), ==, ST_ERR_NOTFOUND);
	/* B passes epoch 0's network key on to D: refused everywhere, and D
	 * still holds no key of epoch 0. */
	memcpy(hi.grantee, oid_of(&D2), 32);
	hi.request = req;
	hi.requestlen = rl;
	check_int(ch_history_encode(&hi, &f, &fl), ==, 0);
	pl = daemon_plain(CH_KIND_HISTORY, CH_AUD_NETWORK, f, fl, &pln);
	free(f);
	key_of(&B, 0, CH_AUD_NETWORK, want);
	slot_for(&s, &D2, &D2, 0, CH_AUD_NETWORK, want);
	key_of(&B, 3, CH_AUD_NETWORK, k);
	e = seal_entry(&B, 3, CH_AUD_NETWORK, k, pl, pln, &s, 1, &n);
	/* Refused on its envelope already: only the coordinator writes key
	 * slots, and the rule holds before any slot is opened. */
	REFUSED("DAB", e, n, INGEST_REFUSED, "only the coordinator writes key slots");
	free(e);
	/* Without the slots it is still not B's to grant. */
	e = seal_entry(&B, 3, CH_AUD_NETWORK, k, pl, pln, NULL, 0, &n);
	REFUSED("DAB", e, n, INGEST_REFUSED, "only the coordinator grants history");
	free(e);
	check_int(store_key_get(cs(&D2), 0, CH_AUD_NETWORK, got), ==, ST_ERR_NOTFOUND);
	free(pl);
	free(req);
}

/* 5. A removed organization's later entries. */
TEST(removed_org_writes_no_more)
{
	ch_removed_t rm;
	ch_corg_t left[3];
	uint8_t hid[32], k[32], got[32], *f, *pl, *e, *late;
	size_t fl, pln, n, latelen;
	uint64_t seq;

	/* A removes B, keeping B's feed up to what A holds. */
	memcpy(rm.org, oid_of(&B), 32);
	check_int(store_head(cs(&A), oid_of(&B), &rm.last_seq, hid), ==, 0);
	memcpy(rm.last_id, hid, 32);
	check_int(rm.last_seq, ==, 4);
	left[0] = orgs5[0];
	left[1] = orgs5[2];
	left[2] = orgs5[3];
	check_int(ch_orgref_encode(oid_of(&B), &f, &fl), ==, 0);
	check_int(a_epoch_r(cs(&A), CH_WHY_REMOVE, oid_of(&B), NULL, CH_REQ_REMOVE_ORG, f, fl,
	    left, 2, &rm, 1, &e, &n), ==, 0);
	free(f);
	check_int(store_commit(A.d->store), ==, 0);
	keep(e, n);
	sync_all(&D2);
	check_state(&A, 4);
	check_state(&D2, 4);
	/* B cannot open the removal: it holds it back and stays where it was. */
	check_int(ingest(&B, e, n), ==, INGEST_NOTYET);
	check_int(store_commit(B.d->store), ==, 0);
	check_state(&B, 3);
	check_int(store_key_get(cs(&B), 4, CH_AUD_NETWORK, got), ==, ST_ERR_NOTFOUND);

	/* B writes on, unaware: refused by the members. */
	key_of(&B, 3, CH_AUD_NETWORK, k);
	pl = note_as(provB, certB, certBlen, CH_AUD_NETWORK, "na de verwijdering", &pln);
	late = seal_entry(&B, 3, CH_AUD_NETWORK, k, pl, pln, NULL, 0, &latelen);
	free(pl);
	REFUSED("AD", late, latelen, INGEST_REFUSED, "that organization was removed");

	/* E joins after the removal (the removal stays in the charter): B's
	 * entries up to last_seq are part of the case, the later one is not. */
	check_int(ch_member_encode(E2.d->card, E2.d->cardlen, "psychologist", &f, &fl), ==, 0);
	check_int(a_epoch_r(cs(&A), CH_WHY_ADD, oid_of(&E2), NULL, CH_REQ_ADD_ORG, f, fl,
	    left, 3, &rm, 1, &e, &n), ==, 0);
	free(f);
	check_int(store_commit(A.d->store), ==, 0);
	keep(e, n);
	sync_all(&D2);
	join(&E2);
	check_state(&E2, 5);
	check_int(store_head(cs(&E2), oid_of(&B), &seq, hid), ==, 0);
	check_int(seq, ==, rm.last_seq);
	REFUSED("EAD", late, latelen, INGEST_REFUSED, "that organization was removed");
	free(late);
}

/* ---- Every membership change is exactly its signed request. At this point
 * the case is at epoch 5: A coordinates, D2 and E2 are members, B was
 * removed. A forged epoch entry of A's feed (A's org key, A's provider) is
 * refused by every member, A's own daemon included. */

/* An epoch entry of A for epoch 'epoch' with charter ch, reason why,
 * subject (may be NULL) and request (may be NULL), keys sealed to every
 * member of ch by its audiences: built by hand, stored nowhere. */
static uint8_t *
forged_epoch(uint32_t epoch, uint8_t why, const uint8_t *subject, const uint8_t *req,
    size_t rl, const ch_charter_t *ch, size_t *n)
{
	ch_epoch_t ep;
	ch_slot_t s[64];
	uint8_t keys[NAUD][32], *f, *pl, *e;
	size_t fl, pln, ns;

	memset(&ep, 0, sizeof(ep));
	ep.why = why;
	if (subject)
		memcpy(ep.subject, subject, 32);
	ep.request = req;
	ep.requestlen = rl;
	ep.charter = *ch;
	if (ch_epoch_encode(&ep, &f, &fl) != 0)
		abort();
	pl = daemon_plain(CH_KIND_EPOCH, CH_AUD_MEMBERSHIP, f, fl, &pln);
	free(f);
	randombytes_buf(keys, sizeof(keys));
	ns = epoch_slots(ch, epoch, keys, NULL, NULL, NULL, s);
	e = seal_entry(&A, epoch, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1], pl, pln,
	    s, ns, n);
	free(pl);
	return e;
}

TEST(epoch_is_exactly_its_request)
{
	uint8_t *buf = NULL, *f, *req, *e;
	size_t fl, rl, n;
	ch_epoch_t cur;
	ch_charter_t ch;
	ch_corg_t orgs[8];
	uint32_t next = state_epoch(cs(&A)) + 1;

	sync_all(&D2);
	sync_all(&E2);
	check_int(charter_full(cs(&A), &buf, &cur), ==, 0);
	check(cur.charter.norgs + 1 <= 8);

	/* A request to add E2's card, replayed in an epoch that adds C. */
	memcpy(orgs, cur.charter.orgs, cur.charter.norgs * sizeof(*orgs));
	corg(&orgs[cur.charter.norgs], &C, "gp");
	ch = cur.charter;
	ch.orgs = orgs;
	ch.norgs = cur.charter.norgs + 1;
	check_int(ch_member_encode(E2.d->card, E2.d->cardlen, "psychologist", &f, &fl), ==, 0);
	req = plain(prov, cert, certlen, CH_REQ_ADD_ORG, f, fl, &rl);
	free(f);
	e = forged_epoch(next, CH_WHY_ADD, oid_of(&C), req, rl, &ch, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "not the current one plus the change");
	free(e);
	free(req);

	/* A request to add C as a gp, in an epoch that adds C with the role
	 * "coordination": the role differs from the request. */
	check_int(ch_member_encode(C.d->card, C.d->cardlen, "gp", &f, &fl), ==, 0);
	req = plain(prov, cert, certlen, CH_REQ_ADD_ORG, f, fl, &rl);
	free(f);
	orgs[cur.charter.norgs].role = (char *)(uintptr_t)"coordination";
	e = forged_epoch(next, CH_WHY_ADD, oid_of(&C), req, rl, &ch, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "not the current one plus the change");
	free(e);
	free(req);

	/* A "scheduled rotation" (no request) that adds C. */
	orgs[cur.charter.norgs].role = (char *)(uintptr_t)"gp";
	e = forged_epoch(next, CH_WHY_ROTATE, NULL, NULL, 0, &ch, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "not the current one plus the change");
	free(e);

	/* A rotation without a request that puts the trusted person into the
	 * medical audience. */
	ch = cur.charter;
	char *med[64];
	size_t nmed = ch.aud[1].nroles;
	check(nmed < 63);
	memcpy(med, ch.aud[1].roles, nmed * sizeof(*med));
	med[nmed] = (char *)(uintptr_t)"trusted-person";
	ch.aud[1].roles = med;
	ch.aud[1].nroles = nmed + 1;
	e = forged_epoch(next, CH_WHY_ROTATE, NULL, NULL, 0, &ch, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "not the current one plus the change");
	free(e);
	/* The same with a genuine rotation request. */
	req = plain(prov, cert, certlen, CH_REQ_ROTATE, NULL, 0, &rl);
	e = forged_epoch(next, CH_WHY_ROTATE, NULL, req, rl, &ch, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "not the current one plus the change");
	free(e);
	free(req);

	/* A rotation asked for by a trusted person of A: people never change
	 * membership. */
	keys_secret_t *pt = keys_secret_new(KEYS_KIND_PROVIDER);
	uint8_t *ct;
	size_t ctl;
	uint64_t now = (uint64_t)time(NULL);
	check_int(keys_cert_make(A.d->keys, pt->sign_pk, pt->curve_pk, "Marc Peeters",
	    "trusted-person", now - 60, now + 86400, &ct, &ctl), ==, 0);
	req = plain(pt, ct, ctl, CH_REQ_ROTATE, NULL, 0, &rl);
	e = forged_epoch(next, CH_WHY_ROTATE, NULL, req, rl, &cur.charter, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "the embedded request does not verify");
	free(e);
	free(req);
	free(ct);
	keys_secret_destroy(&pt);

	/* A scheduled rotation that changes nothing but the keys is taken. */
	e = forged_epoch(next, CH_WHY_ROTATE, NULL, NULL, 0, &cur.charter, &n);
	check_int(ingest(&A, e, n), ==, INGEST_STORED);
	check_int(store_commit(A.d->store), ==, 0);
	keep(e, n);
	sync_all(&D2);
	sync_all(&E2);
	check_state(&D2, next);
	check_state(&E2, next);
	ch_epoch_clear(&cur);
	free(buf);
}

/* ---- Check, then keep: a relayer cannot erase a body, and keys come only
 * from entries of the coordinator checked in full. */
TEST(a_relayer_cannot_erase_a_body)
{
	uint8_t *stripped, *held = NULL;
	size_t heldlen = 0;
	ch_env_t env;
	const uint8_t *b;
	size_t bl;

	check_int(append_note(&A, prov, cert, certlen, CH_AUD_NETWORK, "Valpartij gisteren"), ==, 0);
	const uint8_t *full = L[nL - 1];
	size_t fulln = Ln[nL - 1];
	/* A relayer strips the body: refused, so the genuine entry is not a
	 * duplicate of an envelope held without its body. */
	stripped = malloc(CH_ENV_LEN);
	memcpy(stripped, full, CH_ENV_LEN);
	REFUSED("DE", stripped, CH_ENV_LEN, INGEST_REFUSED, "without its body");
	check_int(ingest(&D2, full, fulln), ==, INGEST_STORED);
	check_int(store_commit(D2.d->store), ==, 0);
	/* An envelope without its body kept by an earlier version is replaced by
	 * the full entry when it comes. */
	check_int(ch_entry_split(full, fulln, &env, &b, &bl), ==, 0);
	uint8_t id[32];
	ch_env_id(&env, id);
	check_int(store_entry_put(cs(&E2), env.org, env.seq, id, stripped, CH_ENV_LEN), ==, 0);
	check_int(ingest(&E2, full, fulln), ==, INGEST_STORED);
	check_int(store_entry_get(cs(&E2), env.org, env.seq, &held, &heldlen), ==, 0);
	check_int(heldlen, ==, fulln);
	check(held && memcmp(held, full, fulln) == 0);
	check_int(ingest(&E2, full, fulln), ==, INGEST_DUP);
	check_int(store_commit(E2.d->store), ==, 0);
	free(held);
	free(stripped);
}

TEST(keys_only_from_the_coordinator_checked_in_full)
{
	ch_slot_t s[2];
	uint8_t junk[32], planted[32], got[32], *pl, *e;
	size_t pln, n;
	uint32_t next = state_epoch(cs(&A)) + 1;

	randombytes_buf(junk, sizeof(junk));
	randombytes_buf(planted, sizeof(planted));
	/* D2 writes, in its own feed, a note for the coordination audience
	 * (E2 is not in it) under a made-up key, with slots that plant keys at
	 * E2: the next epoch's network key and a key of the current epoch for
	 * an audience E2 lacks. */
	pl = note_as(prov, cert, certlen, CH_AUD_COORDINATION, "geplante sleutels", &pln);
	slot_for(&s[0], &E2, &E2, next, CH_AUD_NETWORK, planted);
	slot_for(&s[1], &E2, &E2, next - 1, CH_AUD_SOCIAL, planted);
	e = seal_entry(&D2, next - 1, CH_AUD_COORDINATION, junk, pl, pln, s, 2, &n);
	REFUSED("EA", e, n, INGEST_REFUSED, "only the coordinator writes key slots");
	free(e);
	/* The coordinator itself, for an audience E2 cannot open: E2 keeps no
	 * key from an entry it cannot check. */
	e = seal_entry(&A, next - 1, CH_AUD_COORDINATION, junk, pl, pln, s, 2, &n);
	REFUSED("E", e, n, INGEST_REFUSED, "in an entry it cannot open");
	free(e);
	free(pl);
	check_int(store_key_get(cs(&E2), next, CH_AUD_NETWORK, got), ==, ST_ERR_NOTFOUND);
	check_int(store_key_get(cs(&E2), next - 1, CH_AUD_SOCIAL, got), ==, ST_ERR_NOTFOUND);
}

/* The next entry of o's feed after the entry e (same seq as a genuine
 * entry that follows e: a fork when both exist), a note by (pk, ct). */
static uint8_t *
fork_after(org_t *o, const uint8_t *e, size_t en, keys_secret_t *pk, const uint8_t *ct,
    size_t ctl, size_t *n)
{
	ch_env_t env;
	const uint8_t *b;
	size_t bl, pln;
	uint8_t prev[32], k[32], *pl, *out;

	if (ch_entry_split(e, en, &env, &b, &bl) != 0)
		abort();
	ch_env_id(&env, prev);
	key_of(o, env.epoch, CH_AUD_NETWORK, k);
	pl = note_as(pk, ct, ctl, CH_AUD_NETWORK, "een andere versie", &pln);
	out = build_entry(o->d->keys, env.seq + 1, prev, env.epoch, CH_AUD_NETWORK, k, pl, pln,
	    NULL, 0, n);
	free(pl);
	return out;
}

/* Two feeds fork at one daemon (E2): both stay frozen, one mark per feed. */
TEST(every_forked_feed_stays_frozen)
{
	keys_secret_t *pd = keys_secret_new(KEYS_KIND_PROVIDER);
	uint8_t *cd, *fd, *fa, *before_d, *before_a;
	size_t cdl, fdn, fan, bdn, ban;
	uint64_t now = (uint64_t)time(NULL);

	check_int(keys_cert_make(D2.d->keys, pd->sign_pk, pd->curve_pk, "Dr. Karim El Idrissi",
	    "gp", now - 60, now + 86400, &cd, &cdl), ==, 0);
	/* The entries each fork will follow: the current heads of D2 and A. */
	check_int(append_note(&D2, pd, cd, cdl, CH_AUD_NETWORK, "voor de vork"), ==, 0);
	before_d = L[nL - 1];
	bdn = Ln[nL - 1];
	check_int(append_note(&A, prov, cert, certlen, CH_AUD_NETWORK, "ook voor de vork"), ==, 0);
	before_a = L[nL - 1];
	ban = Ln[nL - 1];
	check_int(ingest(&E2, before_d, bdn), ==, INGEST_STORED);
	check_int(ingest(&E2, before_a, ban), ==, INGEST_STORED);
	/* D2 and A each write their next seq twice. */
	fd = fork_after(&D2, before_d, bdn, pd, cd, cdl, &fdn);
	fa = fork_after(&A, before_a, ban, prov, cert, certlen, &fan);
	check_int(append_note(&D2, pd, cd, cdl, CH_AUD_NETWORK, "na de vork"), ==, 0);
	const uint8_t *next_d = L[nL - 1];
	size_t ndn = Ln[nL - 1];
	check_int(append_note(&A, prov, cert, certlen, CH_AUD_NETWORK, "ook na de vork"), ==, 0);
	const uint8_t *next_a = L[nL - 1];
	size_t nan = Ln[nL - 1];
	check_int(ingest(&E2, fd, fdn), ==, INGEST_STORED);
	check_int(ingest(&E2, next_d, ndn), ==, INGEST_REFUSED);   /* D2 forked */
	check(strstr(logged, "fork in the feed") != NULL);
	check_int(ingest(&E2, fa, fan), ==, INGEST_STORED);
	check_int(ingest(&E2, next_a, nan), ==, INGEST_REFUSED);   /* A forked too */
	/* D2's mark holds after A's: an entry of D2 that chains onto what E2
	 * holds of its feed is still refused. */
	size_t ln;
	uint8_t *later = fork_after(&D2, fd, fdn, pd, cd, cdl, &ln);
	check_int(ingest(&E2, later, ln), ==, INGEST_REFUSED);
	check(strstr(logged, "that feed forked") != NULL);
	store_abort(E2.d->store);
	/* D2 itself receives the other entry at its own seq: its own feed
	 * forked. It says what to do, writes no more there, no fork report. */
	uint64_t h0, h1;
	uint8_t hid[32];
	check_int(store_head(cs(&D2), D2.d->keys->sign_pk, &h0, hid), ==, 0);
	check_int(ingest(&D2, fd, fdn), ==, INGEST_REFUSED);
	check(strstr(logged, "FORK of this organization's own feed") != NULL);
	check(strstr(logged, "restore this daemon from its newest backup") != NULL);
	check_int(store_forked_get(cs(&D2), D2.d->keys->sign_pk), ==, 1);
	hk_all(D2.d);
	check_int(store_head(cs(&D2), D2.d->keys->sign_pk, &h1, hid), ==, 0);
	check_int(h1, ==, h0);
	store_abort(D2.d->store);
	free(later);
	free(fd);
	free(fa);
	free(cd);
	keys_secret_destroy(&pd);
}

/* ---- An unknown case costs a peer a bounded amount: an imported peer
 * (C, not a member of anything here) floods a fresh daemon with entries of
 * a case nobody opened, each with many key slots sealed to it. */
TEST(an_unknown_case_costs_a_bounded_amount)
{
	enum { NE = 64, NS = 64 };
	org_t G;
	uint8_t saved[16], fake[16], k[32], *pl, *e[NE + 1];
	size_t pln, en[NE + 1];
	ch_slice_t items[NE + 1];
	ch_slot_t *s = calloc(NS, sizeof(*s));
	scase_t *c;
	uint8_t coord[32];

	org_init(&G, 0x97, "Nieuwe Dienst");
	memcpy(saved, case_id, 16);
	randombytes_buf(fake, sizeof(fake));
	memcpy(case_id, fake, 16);
	randombytes_buf(k, sizeof(k));
	pl = note_as(provC, certC, certClen, CH_AUD_MEMBERSHIP, "overstroming", &pln);
	for (int j = 0; j < NS; j++)
		slot_for(&s[j], &G, &G, (uint32_t)j, CH_AUD_MEMBERSHIP, k);
	for (int i = 0; i < NE; i++) {
		e[i] = build_entry(C.d->keys, (uint64_t)i + 2, NULL, 5, CH_AUD_MEMBERSHIP, k, pl, pln,
		    s, NS, &en[i]);
		items[i].p = e[i];
		items[i].n = en[i];
	}
	/* Without a genesis nothing is opened. */
	uint64_t before = keyring_opens(G.d->kr);
	check_int(member_adopt(G.d->in, G.d->store, fake, items, NE, "C", &c, coord), ==,
	    DERR_NOTJOINED);
	check_int(keyring_opens(G.d->kr) - before, ==, 0);
	/* With something that looks like a genesis, the slots opened stay
	 * within the budget, and nothing is kept. */
	e[NE] = build_entry(C.d->keys, 1, NULL, 0, CH_AUD_MEMBERSHIP, k, pl, pln, NULL, 0, &en[NE]);
	items[NE].p = e[NE];
	items[NE].n = en[NE];
	before = keyring_opens(G.d->kr);
	check_int(member_adopt(G.d->in, G.d->store, fake, items, NE + 1, "C", &c, coord), ==,
	    DERR_NOTJOINED);
	check(keyring_opens(G.d->kr) - before <= MEMBER_ADOPT_OPENS);
	check(keyring_opens(G.d->kr) - before < (uint64_t)NE * NS);
	check_int(store_case_exists(G.d->store, fake), ==, 0);
	memcpy(case_id, saved, 16);
	for (int i = 0; i <= NE; i++)
		free(e[i]);
	free(pl);
	free(s);
	org_free(&G);
}

/* The coordinator adds o with role, asked for by its provider: the epoch
 * entry is committed at A and kept for the others. */
static int
a_adds(org_t *o, const char *role)
{
	uint8_t *buf = NULL, *f, *req, *add, id[32];
	size_t fl, rl, an;
	ch_epoch_t cur, ep;
	int rc;

	if (charter_full(cs(&A), &buf, &cur) != 0)
		return -1;
	ch_corg_t *orgs = calloc(cur.charter.norgs + 1, sizeof(*orgs));
	memcpy(orgs, cur.charter.orgs, cur.charter.norgs * sizeof(*orgs));
	corg(&orgs[cur.charter.norgs], o, role);
	if (ch_member_encode(o->d->card, o->d->cardlen, role, &f, &fl) != 0)
		abort();
	req = plain(prov, cert, certlen, CH_REQ_ADD_ORG, f, fl, &rl);
	free(f);
	memset(&ep, 0, sizeof(ep));
	ep.why = CH_WHY_ADD;
	memcpy(ep.subject, oid_of(o), 32);
	ep.request = req;
	ep.requestlen = rl;
	ep.charter = cur.charter;
	ep.charter.orgs = orgs;
	ep.charter.norgs = cur.charter.norgs + 1;
	rc = member_new_epoch(A.d->in, cs(&A), &ep, &add, &an, id);
	if (rc == 0 && (rc = store_commit(A.d->store)) == 0)
		keep(add, an);
	free(orgs);
	free(req);
	ch_epoch_clear(&cur);
	free(buf);
	return rc;
}

/* ---- A removed organization cannot rewrite its feed up to the cut: a
 * member that joins later (H) lacks B's last entry when B, removed, offers
 * it another one at that seq. The removal kept the entry itself (its id),
 * not only its seq. */
TEST(a_removed_org_cannot_rewrite_its_cut)
{
	org_t H;
	uint8_t *buf = NULL, k[32], prev[32], *pl, *forged;
	size_t pln, fn;
	ch_epoch_t cur;
	ch_slice_t items[64];
	size_t ni = 0;
	long cut = -1;
	scase_t *c;
	uint8_t coord[32];

	org_init(&H, 0x8b, "Huisartsenwacht");
	check_int(a_adds(&H, "gp"), ==, 0);
	check_int(charter_full(cs(&A), &buf, &cur), ==, 0);
	/* The cut of B's feed, as the removal recorded it. */
	uint64_t last = 0;
	for (size_t i = 0; i < cur.charter.nremoved; i++)
		if (memcmp(cur.charter.removed[i].org, oid_of(&B), 32) == 0)
			last = cur.charter.removed[i].last_seq;
	check_int(last, ==, 4);
	/* H joins from everything but B's entry at the cut. */
	for (int i = 0; i < nL; i++) {
		ch_env_t env;
		const uint8_t *b;
		size_t bl;
		check_int(ch_entry_split(L[i], Ln[i], &env, &b, &bl), ==, 0);
		if (memcmp(env.org, oid_of(&B), 32) == 0 && env.seq == last) {
			cut = i;
			continue;
		}
		if (memcmp(env.org, oid_of(&B), 32) == 0 && env.seq == last - 1)
			ch_env_id(&env, prev);
		items[ni].p = L[i];
		items[ni++].n = Ln[i];
	}
	check(cut >= 0);
	check_int(member_adopt(H.d->in, H.d->store, case_id, items, ni, "A", &c, coord), ==, 0);
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < ni; i++)
			(void)!ingest_entry(H.d->in, cs(&H), items[i].p, items[i].n, "A");
	check_int(store_commit(H.d->store), ==, 0);
	/* B, removed, writes another entry at its cut and offers it to H. */
	key_of(&B, 3, CH_AUD_NETWORK, k);
	pl = note_as(provB, certB, certBlen, CH_AUD_NETWORK, "herschreven", &pln);
	forged = build_entry(B.d->keys, last, prev, 3, CH_AUD_NETWORK, k, pl, pln, NULL, 0, &fn);
	free(pl);
	check_int(ingest(&H, forged, fn), ==, INGEST_REFUSED);
	check(strstr(logged, "not the entry its removal kept") != NULL);
	/* The genuine one still takes its place. */
	check_int(ingest(&H, L[cut], Ln[cut]), ==, INGEST_STORED);
	check_int(store_commit(H.d->store), ==, 0);
	free(forged);
	ch_epoch_clear(&cur);
	free(buf);
	org_free(&H);
}

/* ---- A refused welcome leaves nothing behind: C (an imported peer) offers
 * G a case of its own whose genesis does not pass the rules (its charter
 * names G, which no genesis may). G adopts it (the genesis is bound, the
 * slots open) but stores nothing, and the case made for it is gone. */
TEST(a_refused_welcome_leaves_no_case)
{
	org_t G;
	uint8_t saved[16], salt[16], fake[16], keys[NAUD][32], *f, *req, *pl, *e, coord[32];
	size_t fl, rl, pln, n;
	ch_epoch_t ep;
	ch_corg_t orgs[2];
	ch_slot_t s[2];
	ch_slice_t item;
	scase_t *c;
	ingest_tally_t t;

	org_init(&G, 0x96, "Dienst G");
	memcpy(saved, case_id, 16);
	randombytes_buf(salt, sizeof(salt));
	ch_case_id(C.d->keys->sign_pk, salt, fake);
	memcpy(case_id, fake, 16);
	check_int(ch_create_encode(salt, "Dossier X", &f, &fl), ==, 0);
	req = plain(provC, certC, certClen, CH_REQ_CASE_NEW, f, fl, &rl);
	free(f);
	memset(&ep, 0, sizeof(ep));
	ep.why = CH_WHY_CREATE;
	memcpy(ep.salt, salt, 16);
	ep.request = req;
	ep.requestlen = rl;
	ep.charter.name = (char *)(uintptr_t)"Dossier X";
	memcpy(ep.charter.coordinator, C.d->keys->sign_pk, 32);
	corg(&orgs[0], &C, "coordination");
	corg(&orgs[1], &G, "gp");
	ep.charter.orgs = orgs;
	ep.charter.norgs = 2;
	check_int(ch_charter_default_audiences(&ep.charter), ==, 0);
	check_int(ch_epoch_encode(&ep, &f, &fl), ==, 0);
	pl = daemon_plain(CH_KIND_CASE_CREATE, CH_AUD_MEMBERSHIP, f, fl, &pln);
	free(f);
	randombytes_buf(keys, sizeof(keys));
	slot_for(&s[0], &C, &C, 0, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1]);
	slot_for(&s[1], &G, &G, 0, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1]);
	e = build_entry(C.d->keys, 1, NULL, 0, CH_AUD_MEMBERSHIP, keys[CH_AUD_MEMBERSHIP - 1],
	    pl, pln, s, 2, &n);
	item.p = e;
	item.n = n;
	/* The genesis is bound and the slot opens: adoption alone would take it. */
	check_int(member_join(G.d->in, G.d->store, fake, &item, 1, "C", &c, coord, &t), ==,
	    DERR_NOTJOINED);
	check_int(t.stored, ==, 0);
	check_int(store_commit(G.d->store), ==, 0);
	check_int(store_case_exists(G.d->store, fake), ==, 0);
	check_int(store_case_get(G.d->store, fake, 0, &c), ==, ST_ERR_NOTFOUND);
	char path[128], hex[33];
	sodium_bin2hex(hex, sizeof(hex), fake, 16);
	snprintf(path, sizeof(path), "%s/cases/%s", G.dir, hex);
	check_int(access(path, F_OK), ==, -1);
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < ep.charter.aud[i].nroles; j++)
			free(ep.charter.aud[i].roles[j]);
		free(ep.charter.aud[i].roles);
	}
	memcpy(case_id, saved, 16);
	free(e);
	free(pl);
	free(req);
	org_free(&G);
}

/* ---- A signed request is good for the change it asks, now: not a request
 * signed before the current epoch started (a replay), not one signed by a
 * provider its organization revoked, not a history grant to another org
 * than the request names. */
TEST(requests_are_for_this_change_only)
{
	uint8_t *buf = NULL, *req, *e, *f, *ct, id[32];
	size_t rl, n, fl, ctl;
	ch_epoch_t cur;
	uint32_t next = state_epoch(cs(&A)) + 1;
	uint64_t now = (uint64_t)time(NULL);

	check_int(charter_full(cs(&A), &buf, &cur), ==, 0);
	/* A rotation request signed an hour before the current epoch began. */
	plain_shift_ms = -3600 * 1000;
	req = plain(prov, cert, certlen, CH_REQ_ROTATE, NULL, 0, &rl);
	plain_shift_ms = 0;
	e = forged_epoch(next, CH_WHY_ROTATE, NULL, req, rl, &cur.charter, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "the embedded request does not verify");
	free(e);
	free(req);
	/* A provider of A that A revoked. */
	keys_secret_t *pr = keys_secret_new(KEYS_KIND_PROVIDER);
	check_int(keys_cert_make(A.d->keys, pr->sign_pk, pr->curve_pk, "Ex-collega",
	    "social-worker", now - 60, now + 86400, &ct, &ctl), ==, 0);
	check_int(member_revoke(A.d->in, cs(&A), pr->sign_pk, now, &e, &n, id), ==, 0);
	check_int(store_commit(A.d->store), ==, 0);
	keep(e, n);
	sync_all(&D2);
	sync_all(&E2);
	req = plain(pr, ct, ctl, CH_REQ_ROTATE, NULL, 0, &rl);
	e = forged_epoch(next, CH_WHY_ROTATE, NULL, req, rl, &cur.charter, &n);
	REFUSED("ADE", e, n, INGEST_REFUSED, "the embedded request does not verify");
	free(e);
	free(req);
	free(ct);
	keys_secret_destroy(&pr);
	/* A history grant to E2 on a request that asks one for D2: A's own
	 * rules refuse to write it. */
	check_int(ch_orgref_encode(oid_of(&D2), &f, &fl), ==, 0);
	req = plain(prov, cert, certlen, CH_REQ_HISTORY, f, fl, &rl);
	free(f);
	check_int(member_grant_history(A.d->in, cs(&A), oid_of(&E2), req, rl, &e, &n, id), ==,
	    DERR_REFUSED);
	store_abort(A.d->store);
	free(req);
	ch_epoch_clear(&cur);
	free(buf);
}

/* A member (B, removed by now but still holding the membership keys of the
 * epochs it was in) relays a forged welcome to F before the coordinator
 * adds F: genuine membership keys, and a made-up one for the epoch F will
 * join in. F adopts the case from it, but the made-up key never reaches its
 * store, and the coordinator's genuine welcome makes F a member. */
TEST(forged_welcome_delays_at_most)
{
	org_t F;
	ch_slot_t s[2];
	uint8_t k0[32], fake[32], got[32], *pl, *e;
	size_t pln, n;
	ch_slice_t items[2];
	scase_t *c;
	uint32_t joins_at = state_epoch(cs(&A)) + 1;

	org_init(&F, 0xf8, "Wijkgezondheidscentrum Zuid");
	key_of(&B, 0, CH_AUD_MEMBERSHIP, k0);
	randombytes_buf(fake, sizeof(fake));
	slot_for(&s[0], &F, &F, 0, CH_AUD_MEMBERSHIP, k0);
	slot_for(&s[1], &F, &F, joins_at, CH_AUD_MEMBERSHIP, fake);
	pl = note_as(provB, certB, certBlen, CH_AUD_NETWORK, "welkom", &pln);
	e = seal_entry(&B, 0, CH_AUD_MEMBERSHIP, k0, pl, pln, s, 2, &n);
	free(pl);
	items[0].p = L[0];
	items[0].n = Ln[0];
	items[1].p = e;
	items[1].n = n;
	check_int(adopt(&F, items, 2, "B", &c), ==, 0);
	check(ingest(&F, e, n) != INGEST_STORED);
	check_int(store_commit(F.d->store), ==, 0);
	check_int(store_key_get(cs(&F), joins_at, CH_AUD_MEMBERSHIP, got), ==, ST_ERR_NOTFOUND);
	free(e);

	/* The coordinator adds F: the genuine welcome. */
	check_int(a_adds(&F, "gp"), ==, 0);
	/* F, not a member yet, adopts again from what its peers send (the
	 * genuine welcome first): the genuine keys replace the forged one in
	 * memory, and the line of epochs is checked from the genesis. */
	join(&F);
	check_int(store_commit(F.d->store), ==, 0);
	check_int(state_epoch(cs(&F)), ==, joins_at);
	check_int(state_is_member(cs(&F), oid_of(&F)), ==, 1);
	uint8_t real[32];
	key_of(&A, joins_at, CH_AUD_MEMBERSHIP, real);
	check_int(store_key_get(cs(&F), joins_at, CH_AUD_MEMBERSHIP, got), ==, 0);
	check_mem(got, real, 32);
	org_free(&F);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	verbose = getenv("VERBOSE") != NULL;
	log_init("test_nb", verbose ? LOG_LVL_DEBUG : -1);
	org_init(&A, 0xa1, "CPAS d'Anderlecht");
	org_init(&B, 0xb2, "Thuisverpleging Zuid");
	org_init(&C, 0xc3, "Outsider");
	prov = keys_secret_new(KEYS_KIND_PROVIDER);
	provC = keys_secret_new(KEYS_KIND_PROVIDER);
	uint64_t now = (uint64_t)time(NULL);
	if (keys_cert_make(A.d->keys, prov->sign_pk, prov->curve_pk, "Inès Dubois",
	    "social-worker", now - 60, now + 86400, &cert, &certlen) != 0 ||
	    keys_cert_make(C.d->keys, provC->sign_pk, provC->curve_pk, "Eve",
	    "gp", now - 60, now + 86400, &certC, &certClen) != 0)
		return 1;
	TAP_RUN(coordinator_opens_and_adds);
	TAP_RUN(member_adopts_and_accepts_once);
	TAP_RUN(forgeries_are_rejected);
	TAP_RUN(bad_provider_signature_is_rejected);
	TAP_RUN(expired_certificate_is_rejected);
	TAP_RUN(outsider_feed_and_fork);
	TAP_RUN(a_fork_is_reported_once);
	TAP_RUN(key_slots_only_from_the_coordinator);
	TAP_RUN(case2_members_join);
	TAP_RUN(membership_only_from_the_coordinator);
	TAP_RUN(an_epoch_starts_once);
	TAP_RUN(future_epochs);
	TAP_RUN(key_sealed_to_the_wrong_member);
	TAP_RUN(author_role_outside_the_audience);
	TAP_RUN(revoked_provider);
	TAP_RUN(history_from_the_coordinator_only);
	TAP_RUN(removed_org_writes_no_more);
	TAP_RUN(epoch_is_exactly_its_request);
	TAP_RUN(requests_are_for_this_change_only);
	TAP_RUN(a_relayer_cannot_erase_a_body);
	TAP_RUN(keys_only_from_the_coordinator_checked_in_full);
	TAP_RUN(every_forked_feed_stays_frozen);
	TAP_RUN(an_unknown_case_costs_a_bounded_amount);
	TAP_RUN(a_removed_org_cannot_rewrite_its_cut);
	TAP_RUN(a_refused_welcome_leaves_no_case);
	TAP_RUN(forged_welcome_delays_at_most);
	for (int i = 0; i < 16; i++)
		free(ent[i]);
	for (int i = 0; i < nL; i++)
		free(L[i]);
	free(certB);
	free(certB2);
	keys_secret_destroy(&provB);
	keys_secret_destroy(&provB2);
	org_free(&D2);
	org_free(&E2);
	free(cert);
	free(certC);
	keys_secret_destroy(&prov);
	keys_secret_destroy(&provC);
	org_free(&A);
	org_free(&B);
	org_free(&C);
	return TAP_DONE();
}
