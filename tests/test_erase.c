/* test_erase.c - erasing a body, in process (invariant 8): only the
 * organization that wrote an entry erases its body, by a signed erasure
 * (its erased form, and an ERASE entry, kind 15, in its own feed); no
 * relayer can make a receiver lose a body, and every chain still verifies.
 *
 * The erased forms and the ERASE entries the attacks send are built by
 * hand here (bytes, not the daemon's helpers), so that the attacks read
 * the same before and after the daemon learnt erasure. */
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
#include "../daemon/log.h"
#include "../daemon/member.h"
#include "../daemon/state.h"

#define KIND_ERASE 15
#define ERASE_CTX "cahier-erase-v1"
#define ERASED_LEN (CH_ENV_LEN + 4 + 64)

static org_t A, B, C, X;         /* coordinator, two members, an outsider */
static org_t *const everyone[4] = { &A, &B, &C, &X };
static keys_secret_t *provA, *provB;
static uint8_t *certA, *certB;
static size_t certAlen, certBlen;
static uint8_t case_id[16];
static uint8_t *L[64];           /* every entry of the case, in order written */
static size_t Ln[64];
static int nL;
static int verbose;
static char logged[16384];

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

static int
keep(uint8_t *e, size_t n)
{
	if (nL == 64)
		abort();
	L[nL] = e;
	Ln[nL] = n;
	return nL++;
}

/* ingest_entry at o, the daemon's log lines kept in logged[]. */
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
	log_init("test_erase", LOG_LVL_DEBUG);
	rc = ingest_entry(o->d->in, cs(o), e, n, "peer");
	fflush(stderr);
	if (dup2(saved, 2) < 0)
		abort();
	close(saved);
	log_init("test_erase", verbose ? LOG_LVL_DEBUG : -1);
	rewind(t);
	k = fread(logged, 1, sizeof(logged) - 1, t);
	logged[k] = '\0';
	fclose(t);
	if (verbose)
		fputs(logged, stderr);
	return rc;
}

static void
id_of(const uint8_t *e, uint8_t id[32])
{
	ch_env_t env;
	if (ch_env_decode(e, CH_ENV_LEN, &env) != 0)
		abort();
	ch_env_id(&env, id);
}

static uint64_t
seq_of(const uint8_t *e)
{
	ch_env_t env;
	if (ch_env_decode(e, CH_ENV_LEN, &env) != 0)
		abort();
	return env.seq;
}

/* The proof, by hand: Ed25519 by sk over "cahier-erase-v1" || case || id. */
static void
proof_by(const keys_secret_t *k, const uint8_t cid[16], const uint8_t id[32],
    uint8_t sig[64])
{
	uint8_t m[sizeof(ERASE_CTX) - 1 + 16 + 32];
	memcpy(m, ERASE_CTX, sizeof(ERASE_CTX) - 1);
	memcpy(m + sizeof(ERASE_CTX) - 1, cid, 16);
	memcpy(m + sizeof(ERASE_CTX) - 1 + 16, id, 32);
	crypto_sign_detached(sig, NULL, m, sizeof(m), k->sign_sk);
}

/* The erased form of entry e, by hand: envelope || "CHER" || proof. */
static void
erased_of(const uint8_t *e, const uint8_t proof[64], uint8_t out[ERASED_LEN])
{
	memcpy(out, e, CH_ENV_LEN);
	memcpy(out + CH_ENV_LEN, "CHER", 4);
	memcpy(out + CH_ENV_LEN + 4, proof, 64);
}

/* What o holds at (org, seq): 1 if exactly these bytes. */
static int
holds(org_t *o, const uint8_t *org, uint64_t seq, const uint8_t *e, size_t n)
{
	uint8_t *h = NULL;
	size_t hl = 0;
	int same = store_entry_get(cs(o), org, seq, &h, &hl) == 0 && hl == n &&
	    memcmp(h, e, n) == 0;
	free(h);
	return same;
}

static uint64_t
head(org_t *o, const org_t *feed, uint8_t id[32])
{
	uint64_t seq;
	uint8_t tmp[32];
	if (store_head(cs(o), oid_of(feed), &seq, id ? id : tmp) != 0)
		abort();
	return seq;
}

/* Every org named in who ("ABCX") answers want to entry e, logs why (when
 * given), and keeps what it holds at (org, seq) (and its feed head). */
#define REFUSED(who, e, n, why) refused(who, e, n, why, __LINE__)
static void
refused(const char *who, const uint8_t *e, size_t n, const char *why, int line)
{
	ch_env_t env;
	if (ch_env_decode(e, CH_ENV_LEN, &env) != 0)
		abort();
	for (const char *w = who; *w; w++) {
		org_t *o = everyone[*w - 'A' < 3 ? *w - 'A' : 3];
		uint8_t *before = NULL, *after = NULL, h0[32], h1[32];
		size_t bl = 0, al = 0;
		uint64_t s0, s1;
		int r0 = store_entry_get(cs(o), env.org, env.seq, &before, &bl);
		if (store_head(cs(o), env.org, &s0, h0) != 0)
			abort();
		int rc = ingest(o, e, n);
		int r1 = store_entry_get(cs(o), env.org, env.seq, &after, &al);
		if (store_head(cs(o), env.org, &s1, h1) != 0)
			abort();
		int same = r0 == r1 && bl == al && (!bl || memcmp(before, after, bl) == 0) &&
		    s0 == s1 && memcmp(h0, h1, 32) == 0;
		if (rc != INGEST_REFUSED || (why && !strstr(logged, why)) || !same) {
			tap_cur_failed = 1;
			printf("# %s:%d: at %s: got %d (want refused%s%s), held %s; log: %s\n",
			    __FILE__, line, o->d->cfg.name, rc, why ? ", " : "", why ? why : "",
			    same ? "kept" : "CHANGED", logged);
		}
		free(before);
		free(after);
		store_abort(o->d->store);
	}
}

/* ---- the case: A coordinates, B and C are members ---- */

static uint8_t *
plain_of(keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t kind,
    uint8_t audience, const uint8_t *fields, size_t fl, size_t *n)
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
	if (ch_plain_encode(&p, case_id, audience, pk ? pk->sign_sk : NULL, &out, n) != 0)
		abort();
	return out;
}

static ch_corg_t orgs[3];

static void
corg(ch_corg_t *m, org_t *o, const char *role)
{
	memcpy(m->org, oid_of(o), 32);
	m->card = o->d->card;
	m->cardlen = o->d->cardlen;
	m->role = (char *)(uintptr_t)role;
}

static int
a_epoch(uint8_t why, const uint8_t subject[32], const uint8_t *salt, uint8_t reqkind,
    const uint8_t *reqf, size_t reqfl, size_t norgs)
{
	ch_epoch_t ep;
	uint8_t *req, id[32], *e;
	size_t rl, n;
	int rc;

	req = plain_of(provA, certA, certAlen, reqkind, CH_AUD_NETWORK, reqf, reqfl, &rl);
	memset(&ep, 0, sizeof(ep));
	ep.why = why;
	if (subject)
		memcpy(ep.subject, subject, 32);
	if (salt)
		memcpy(ep.salt, salt, 16);
	ep.request = req;
	ep.requestlen = rl;
	ep.charter.name = (char *)(uintptr_t)"Madame Lambert";
	memcpy(ep.charter.coordinator, oid_of(&A), 32);
	ep.charter.orgs = orgs;
	ep.charter.norgs = norgs;
	if (ch_charter_default_audiences(&ep.charter) != 0)
		abort();
	rc = member_new_epoch(A.d->in, cs(&A), &ep, &e, &n, id);
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < ep.charter.aud[i].nroles; j++)
			free(ep.charter.aud[i].roles[j]);
		free(ep.charter.aud[i].roles);
	}
	free(req);
	if (rc == 0)
		keep(e, n);
	return rc;
}

/* A note by o's provider, appended by o's daemon; its index in L. */
static int
append_note(org_t *o, keys_secret_t *pk, const uint8_t *ct, size_t ctl, const char *text)
{
	uint8_t key[32], *f, *pl, *e, id[32];
	size_t fl, pln, n;
	if (store_key_get(cs(o), state_epoch(cs(o)), CH_AUD_NETWORK, key) != 0 ||
	    ch_note_encode(text, &f, &fl) != 0)
		abort();
	pl = plain_of(pk, ct, ctl, CH_KIND_NOTE, CH_AUD_NETWORK, f, fl, &pln);
	free(f);
	int rc = feed_append(o->d->in, cs(o), state_epoch(cs(o)), CH_AUD_NETWORK, NULL, 0, key,
	    pl, pln, &e, &n, id);
	free(pl);
	if (rc != 0 || store_commit(o->d->store) != 0)
		return -1;
	return keep(e, n);
}

/* The fields of an ERASE entry, by hand: target seq u64 | target id 32 |
 * reason u8 | by 32 | proof 64. */
static void
erase_fields(uint64_t seq, const uint8_t id[32], uint8_t reason, const uint8_t by[32],
    const uint8_t proof[64], uint8_t out[137])
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(seq >> (56 - 8 * i));
	memcpy(out + 8, id, 32);
	out[40] = reason;
	memcpy(out + 41, by, 32);
	memcpy(out + 73, proof, 64);
}

/* The next entry of o's feed made by hand (stored nowhere): an org-written
 * body of kind with fields, network audience, current epoch. */
static uint8_t *
org_entry(org_t *o, uint8_t kind, const uint8_t *fields, size_t fl, size_t *n)
{
	uint8_t key[32], prev[32], *pl, *e;
	size_t pln;
	uint64_t seq = head(o, o, prev);
	if (store_key_get(cs(o), state_epoch(cs(o)), CH_AUD_NETWORK, key) != 0)
		abort();
	pl = plain_of(NULL, NULL, 0, kind, CH_AUD_NETWORK, fields, fl, &pln);
	e = fix_entry(o->d->keys, case_id, seq + 1, prev, state_epoch(cs(o)), CH_AUD_NETWORK,
	    (uint64_t)clock_now_ms(), key, pl, pln, NULL, 0, n);
	free(pl);
	if (!e)
		abort();
	return e;
}

/* o takes entries [from, to) of L, every one stored (or held). */
static void
feed_to(org_t *o, int from, int to)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = from; i < to; i++) {
			int rc = ingest_entry(o->d->in, cs(o), L[i], Ln[i], "peer");
			if (pass == 1 && rc != INGEST_DUP && rc != INGEST_STORED) {
				tap_cur_failed = 1;
				printf("# %s: entry %d: %d\n", o->d->cfg.name, i, rc);
			}
		}
	check_int(store_commit(o->d->store), ==, 0);
}

static int n1, n2, n3, nb1;      /* notes in L: A's three, B's one */

TEST(a_case_of_three)
{
	uint8_t salt[16], *f;
	size_t fl;
	ch_slice_t items[3];
	scase_t *c;
	uint8_t coord[32];

	memset(salt, 0x3e, sizeof(salt));
	ch_case_id(oid_of(&A), salt, case_id);
	check_int(store_case_get(A.d->store, case_id, 1, &c), ==, 0);
	corg(&orgs[0], &A, "coordination");
	corg(&orgs[1], &B, "home-nursing");
	corg(&orgs[2], &C, "gp");
	check_int(ch_create_encode(salt, "Madame Lambert", &f, &fl), ==, 0);
	check_int(a_epoch(CH_WHY_CREATE, NULL, salt, CH_REQ_CASE_NEW, f, fl, 1), ==, 0);
	free(f);
	check_int(ch_member_encode(B.d->card, B.d->cardlen, "home-nursing", &f, &fl), ==, 0);
	check_int(a_epoch(CH_WHY_ADD, oid_of(&B), NULL, CH_REQ_ADD_ORG, f, fl, 2), ==, 0);
	free(f);
	check_int(ch_member_encode(C.d->card, C.d->cardlen, "gp", &f, &fl), ==, 0);
	check_int(a_epoch(CH_WHY_ADD, oid_of(&C), NULL, CH_REQ_ADD_ORG, f, fl, 3), ==, 0);
	free(f);
	check_int(store_commit(A.d->store), ==, 0);
	for (int i = 0; i < 3; i++) {
		items[i].p = L[i];
		items[i].n = Ln[i];
	}
	check_int(member_adopt(B.d->in, B.d->store, case_id, items, 3, "A", &c, coord), ==, 0);
	feed_to(&B, 0, 3);
	check_int(member_adopt(C.d->in, C.d->store, case_id, items, 3, "A", &c, coord), ==, 0);
	feed_to(&C, 0, 3);
	check((n1 = append_note(&A, provA, certA, certAlen, "ERASE-MARKER one")) >= 0);
	check((n2 = append_note(&A, provA, certA, certAlen, "second note")) >= 0);
	check((nb1 = append_note(&B, provB, certB, certBlen, "a note of B")) >= 0);
	/* B holds everything; C holds the membership only (it has not caught
	 * up on the notes). */
	feed_to(&B, 3, nL);
	check_int(state_epoch(cs(&B)), ==, 2);
	check_int(state_epoch(cs(&C)), ==, 2);
	check_int(head(&C, &A, NULL), ==, 3);
}

/* A relayer strips a body: the envelope alone is refused where the entry
 * is not held, and is a duplicate where it is. */
TEST(a_relayer_cannot_strip_a_body)
{
	REFUSED("C", L[n1], CH_ENV_LEN, "without its body");
	check_int(ingest(&B, L[n1], CH_ENV_LEN), ==, INGEST_DUP);
	check(holds(&B, oid_of(&A), seq_of(L[n1]), L[n1], Ln[n1]));
	store_abort(B.d->store);
}

/* Erased forms whose proof is not the writer's erasure of that very entry
 * of that very case: refused where the body is held (it stays) and where
 * it is not (nothing is stored). */
TEST(a_forged_erasure_is_refused)
{
	uint8_t id1[32], id2[32], proof[64], er[ERASED_LEN], other[16];

	id_of(L[n1], id1);
	id_of(L[n2], id2);
	/* By another organization (a member, and an outsider). */
	proof_by(B.d->keys, case_id, id1, proof);
	erased_of(L[n1], proof, er);
	REFUSED("BC", er, sizeof(er), "erasure");
	proof_by(X.d->keys, case_id, id1, proof);
	erased_of(L[n1], proof, er);
	REFUSED("BC", er, sizeof(er), "erasure");
	/* By the right organization, over another entry. */
	proof_by(A.d->keys, case_id, id2, proof);
	erased_of(L[n1], proof, er);
	REFUSED("BC", er, sizeof(er), "erasure");
	/* By the right organization, over the same id in another case. */
	memcpy(other, case_id, 16);
	other[0] ^= 1;
	proof_by(A.d->keys, other, id1, proof);
	erased_of(L[n1], proof, er);
	REFUSED("BC", er, sizeof(er), "erasure");
	/* A zero proof, and a wrong magic. */
	memset(proof, 0, sizeof(proof));
	erased_of(L[n1], proof, er);
	REFUSED("BC", er, sizeof(er), NULL);
	proof_by(A.d->keys, case_id, id1, proof);
	erased_of(L[n1], proof, er);
	memcpy(er + CH_ENV_LEN, "CHEX", 4);
	REFUSED("BC", er, sizeof(er), NULL);
	check(holds(&B, oid_of(&A), seq_of(L[n1]), L[n1], Ln[n1]));
}

/* The membership of a case is never erased: an erased form of an epoch
 * entry, even with the coordinator's genuine proof, is refused. And an
 * erasure of a kind that is not care content (a revocation: the trace of
 * a provider's end) is refused by a daemon that can read the entry. */
TEST(membership_and_traces_are_not_erased)
{
	uint8_t id[32], proof[64], er[ERASED_LEN], *e, rid[32];
	size_t n;

	id_of(L[0], id);
	proof_by(A.d->keys, case_id, id, proof);
	erased_of(L[0], proof, er);
	REFUSED("ABC", er, sizeof(er), NULL);
	check(holds(&B, oid_of(&A), 1, L[0], Ln[0]));
	/* B revokes a provider; A holds the revocation. */
	keys_secret_t *gone = keys_secret_new(KEYS_KIND_PROVIDER);
	check_int(member_revoke(B.d->in, cs(&B), gone->sign_pk, (uint64_t)time(NULL), &e, &n,
	    rid), ==, 0);
	keys_secret_destroy(&gone);
	check_int(store_commit(B.d->store), ==, 0);
	int r = keep(e, n);
	feed_to(&A, nb1, nL);
	proof_by(B.d->keys, case_id, rid, proof);
	erased_of(L[r], proof, er);
	REFUSED("AB", er, sizeof(er), "not care content");
	check(holds(&A, oid_of(&B), seq_of(L[r]), L[r], Ln[r]));
}

/* ERASE entries that do not hold: a target in another feed, a bad proof,
 * a target at or after the entry itself. */
TEST(a_bad_erase_entry_is_refused)
{
	uint8_t f[137], idb[32], id1[32], proof[64], *e;
	size_t n;

	/* A names B's note (seq and id of B's feed). */
	id_of(L[nb1], idb);
	proof_by(A.d->keys, case_id, idb, proof);
	erase_fields(seq_of(L[nb1]), idb, 1, provA->sign_pk, proof, f);
	e = org_entry(&A, KIND_ERASE, f, sizeof(f), &n);
	REFUSED("AB", e, n, "not the one its feed holds");
	free(e);
	/* Its own note, with B's proof. */
	id_of(L[n1], id1);
	proof_by(B.d->keys, case_id, id1, proof);
	erase_fields(seq_of(L[n1]), id1, 1, provA->sign_pk, proof, f);
	e = org_entry(&A, KIND_ERASE, f, sizeof(f), &n);
	REFUSED("AB", e, n, "erasure proof does not verify");
	free(e);
	/* Its own note, the right proof, the wrong seq (the entry's own). */
	proof_by(A.d->keys, case_id, id1, proof);
	erase_fields(head(&A, &A, NULL) + 1, id1, 1, provA->sign_pk, proof, f);
	e = org_entry(&A, KIND_ERASE, f, sizeof(f), &n);
	REFUSED("AB", e, n, "an earlier entry of its own feed");
	free(e);
	/* The right proof, an unknown reason. */
	erase_fields(seq_of(L[n1]), id1, 9, provA->sign_pk, proof, f);
	e = org_entry(&A, KIND_ERASE, f, sizeof(f), &n);
	REFUSED("AB", e, n, "malformed erasure");
	free(e);
	check(holds(&B, oid_of(&A), seq_of(L[n1]), L[n1], Ln[n1]));
	check(holds(&A, oid_of(&A), seq_of(L[n1]), L[n1], Ln[n1]));
}

/* The genuine erased form: a member that never held the body takes it as
 * the entry at that seq and the chain goes on; a member that held the body
 * replaces it; the full entry does not come back. */
TEST(a_genuine_erased_form_is_taken)
{
	uint8_t id1[32], proof[64], er[ERASED_LEN];
	uint64_t s1 = seq_of(L[n1]);

	id_of(L[n1], id1);
	proof_by(A.d->keys, case_id, id1, proof);
	erased_of(L[n1], proof, er);
	/* C, which lacks it. */
	check_int(ingest(&C, er, sizeof(er)), ==, INGEST_STORED);
	check_int(ingest(&C, L[n2], Ln[n2]), ==, INGEST_STORED);
	check_int(store_commit(C.d->store), ==, 0);
	check(holds(&C, oid_of(&A), s1, er, sizeof(er)));
	check_int(head(&C, &A, NULL), ==, seq_of(L[n2]));
	/* B, which holds the body. */
	check_int(ingest(&B, er, sizeof(er)), ==, INGEST_STORED);
	check_int(store_commit(B.d->store), ==, 0);
	check(holds(&B, oid_of(&A), s1, er, sizeof(er)));
	/* The full entry again (a relayer that kept it): the erasure stands. */
	check_int(ingest(&B, L[n1], Ln[n1]), ==, INGEST_DUP);
	check_int(ingest(&C, L[n1], Ln[n1]), ==, INGEST_DUP);
	check_int(ingest(&B, er, sizeof(er)), ==, INGEST_DUP);
	check(holds(&B, oid_of(&A), s1, er, sizeof(er)));
	check(holds(&C, oid_of(&A), s1, er, sizeof(er)));
	/* The envelope alone is no form to take where the erased one is held. */
	check_int(ingest(&B, L[n1], CH_ENV_LEN), ==, INGEST_DUP);
	check(holds(&B, oid_of(&A), s1, er, sizeof(er)));
	store_abort(B.d->store);
	store_abort(C.d->store);
}

/* An ERASE entry that holds: written by A, it erases A's third note at A
 * (in the same transaction) and at every member that takes it. */
TEST(an_erase_entry_erases_everywhere)
{
	uint8_t f[137], id3[32], proof[64], er[ERASED_LEN], *e, id[32];
	size_t n;

	check((n3 = append_note(&A, provA, certA, certAlen, "ERASE-MARKER three")) >= 0);
	feed_to(&B, n3, n3 + 1);
	id_of(L[n3], id3);
	proof_by(A.d->keys, case_id, id3, proof);
	erased_of(L[n3], proof, er);
	erase_fields(seq_of(L[n3]), id3, 2, provA->sign_pk, proof, f);
	e = org_entry(&A, KIND_ERASE, f, sizeof(f), &n);
	check_int(ingest(&A, e, n), ==, INGEST_STORED);
	check_int(store_commit(A.d->store), ==, 0);
	check(holds(&A, oid_of(&A), seq_of(L[n3]), er, sizeof(er)));
	int k = keep(e, n);
	check_int(ingest(&B, L[k], Ln[k]), ==, INGEST_STORED);
	check_int(store_commit(B.d->store), ==, 0);
	check(holds(&B, oid_of(&A), seq_of(L[n3]), er, sizeof(er)));
	/* C, behind, gets the full note first, then the ERASE entry. */
	check_int(ingest(&C, L[n3], Ln[n3]), ==, INGEST_STORED);
	check_int(ingest(&C, L[k], Ln[k]), ==, INGEST_STORED);
	check_int(store_commit(C.d->store), ==, 0);
	check(holds(&C, oid_of(&A), seq_of(L[n3]), er, sizeof(er)));
	/* The chain goes on after it. */
	check(append_note(&A, provA, certA, certAlen, "after the erasure") >= 0);
	check_int(ingest(&B, L[nL - 1], Ln[nL - 1]), ==, INGEST_STORED);
	check_int(store_commit(B.d->store), ==, 0);
	id_of(L[nL - 1], id);
	uint8_t hid[32];
	check_int(head(&B, &A, hid), ==, seq_of(L[nL - 1]));
	check_mem(hid, id, 32);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	verbose = getenv("VERBOSE") != NULL;
	log_init("test_erase", verbose ? LOG_LVL_DEBUG : -1);
	org_init(&A, 0x1a, "CPAS de Forest");
	org_init(&B, 0x2b, "Soins à domicile Sud");
	org_init(&C, 0x3c, "Maison médicale Nord");
	org_init(&X, 0x4d, "Outsider");
	provA = keys_secret_new(KEYS_KIND_PROVIDER);
	provB = keys_secret_new(KEYS_KIND_PROVIDER);
	uint64_t now = (uint64_t)time(NULL);
	if (keys_cert_make(A.d->keys, provA->sign_pk, provA->curve_pk, "Inès",
	    "social-worker", now - 60, now + 86400, &certA, &certAlen) != 0 ||
	    keys_cert_make(B.d->keys, provB->sign_pk, provB->curve_pk, "Bart",
	    "home-nurse", now - 60, now + 86400, &certB, &certBlen) != 0)
		return 1;
	TAP_RUN(a_case_of_three);
	TAP_RUN(a_relayer_cannot_strip_a_body);
	TAP_RUN(a_forged_erasure_is_refused);
	TAP_RUN(membership_and_traces_are_not_erased);
	TAP_RUN(a_bad_erase_entry_is_refused);
	TAP_RUN(a_genuine_erased_form_is_taken);
	TAP_RUN(an_erase_entry_erases_everywhere);
	for (int i = 0; i < nL; i++)
		free(L[i]);
	free(certA);
	free(certB);
	keys_secret_destroy(&provA);
	keys_secret_destroy(&provB);
	org_free(&A);
	org_free(&B);
	org_free(&C);
	org_free(&X);
	return TAP_DONE();
}
