/* index_fixture.h - a case of three organizations for the tests of the
 * timeline (test_index, fuzz_index, bench_log): A opens the case through
 * its own post path and adds B (home-nursing: network, care, medical) and
 * C (gp); B joins from A's feed. Every care entry is then made by hand
 * (any org, any time, any reference) and stored at B with store_entry_put,
 * as if a peer's entry had passed the rules: the index reads the store and
 * checks nothing, so what a hostile member can write is exactly what these
 * helpers can write. The reader is B: a home nurse (medical) and a social
 * worker (not medical) of B read through reads_handle.
 *
 * Header-only (static inline). The includer links the daemon's modules and
 * brings clock_now_ms (daemon/clock.c or its own). */
#ifndef CAHIER_INDEX_FIXTURE_H
#define CAHIER_INDEX_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "fixture.h"
#include "../daemon/clock.h"
#include "../daemon/daemon.h"
#include "../daemon/index.h"
#include "../daemon/member.h"
#include "../daemon/post.h"
#include "../daemon/reads.h"
#include "../daemon/state.h"
#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/msg.h"

#define IXF_NEED(c) do { if (!(c)) { \
	fprintf(stderr, "index fixture: %s:%d: %s\n", __FILE__, __LINE__, #c); \
	abort(); } } while (0)

/* A provider: its keys and its certificate, as a daemon holds them. */
typedef struct {
	keys_secret_t *k;
	provider_t pv;
} ixf_prov_t;

typedef struct {
	cahierd_t *d[3];              /* A, B, C */
	ixf_prov_t coord;             /* A's social worker: opens the case */
	ixf_prov_t nurse, social;     /* B's home nurse and social worker */
	ixf_prov_t gp;                /* C's gp */
	ixf_prov_t anote;             /* A's social worker who writes */
	uint8_t case_id[16];
	uint64_t nonce;               /* of the read requests */
	/* With chain set, ixf_put_raw makes each org's entries after the last
	 * one it made (chain_seq, chain_id), not after the store's head: made
	 * now, stored later, in another order than made. */
	int chain;
	uint64_t chain_seq[3];
	uint8_t chain_id[3][32];
} ixf_t;

enum { IXF_A = 0, IXF_B = 1, IXF_C = 2 };

static inline const uint8_t *
ixf_org(const ixf_t *f, int o)
{
	return f->d[o]->keys->sign_pk;
}

static inline void
ixf_prov(ixf_prov_t *p, cahierd_t *d, uint8_t seedbyte, const char *name,
    const char *role, uint64_t now_s)
{
	uint8_t seed[32];
	memset(p, 0, sizeof(*p));
	memset(seed, seedbyte, sizeof(seed));
	IXF_NEED((p->k = keys_secret_from_seed(KEYS_KIND_PROVIDER, seed)) != NULL);
	IXF_NEED(keys_cert_make(d->keys, p->k->sign_pk, p->k->curve_pk, name, role,
	    now_s - 3600, now_s + 365 * 86400, &p->pv.certbuf, &p->pv.certlen) == 0);
	IXF_NEED(keys_cert_parse(p->pv.certbuf, p->pv.certlen, &p->pv.cert) == 0);
}

static inline void
ixf_prov_free(ixf_prov_t *p)
{
	keys_cert_clear(&p->pv.cert);
	free(p->pv.certbuf);
	keys_secret_destroy(&p->k);
}

static inline scase_t *
ixf_case(ixf_t *f, int o)
{
	scase_t *c;
	IXF_NEED(store_case_get(f->d[o]->store, f->case_id, 0, &c) == 0);
	return c;
}

/* p posts a request of kind with fields to A (post_handle), committed. */
static inline int
ixf_post_a(ixf_t *f, ixf_prov_t *p, uint8_t kind, const uint8_t *fields, size_t fl)
{
	ch_plain_t pl;
	ch_postreq_t rq;
	uint8_t *plain, *req;
	size_t pln, rl;
	cahierd_reply_t rep;

	memset(&pl, 0, sizeof(pl));
	pl.version = 1;
	pl.kind = kind;
	pl.cert = p->pv.certbuf;
	pl.certlen = p->pv.certlen;
	pl.hlc = (uint64_t)clock_now_ms() << 16;
	pl.fields = fields;
	pl.fieldslen = fl;
	IXF_NEED(ch_plain_encode(&pl, f->case_id, CH_AUD_NETWORK, p->k->sign_sk, &plain, &pln) == 0);
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.case_id, f->case_id, 16);
	rq.audience = CH_AUD_NETWORK;
	rq.plain.p = plain;
	rq.plain.n = pln;
	IXF_NEED(ch_postreq_encode(&rq, &req, &rl) == 0);
	memset(&rep, 0, sizeof(rep));
	post_handle(f->d[IXF_A], &p->pv, req, rl, &rep);
	if (rep.status != CH_ST_OK) {
		char why[CH_REFUSAL_MAX];
		(void)ch_refusal_text(rep.body, rep.len, why, sizeof(why));
		fprintf(stderr, "index fixture: post refused: %s\n", why);
	}
	free(rep.body);
	free(plain);
	free(req);
	IXF_NEED(store_commit(f->d[IXF_A]->store) == 0);
	return rep.status;
}

typedef struct {
	ch_slice_t items[16];
	uint8_t *own[16];
	size_t n;
} ixf_batch_t;

static inline int
ixf_collect(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	ixf_batch_t *b = arg;
	(void)org; (void)seq;
	IXF_NEED(b->n < 16 && (b->own[b->n] = malloc(n)) != NULL);
	memcpy(b->own[b->n], e, n);
	b->items[b->n].p = b->own[b->n];
	b->items[b->n].n = n;
	b->n++;
	return 0;
}

/* Builds the three daemons in dirs[0..2] (existing, empty) and the case;
 * now_s is the providers' certificates' clock. */
static inline void
ixf_init(ixf_t *f, char *const dirs[3], uint64_t now_s)
{
	static const char *const names[3] = { "CPAS d'Anderlecht", "Thuisverpleging Zuid",
		"Huisartsenpraktijk Noord" };
	uint8_t seed[32], salt[16], *fl;
	size_t fln;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 3; i++) {
		memset(seed, 0xa1 + 0x11 * i, sizeof(seed));
		IXF_NEED(fix_daemon(dirs[i], keys_secret_from_seed(KEYS_KIND_ORG, seed), names[i],
		    now_s - 86400, &f->d[i]) == 0);
	}
	cahierd_t *A = f->d[IXF_A];
	for (int i = 1; i < 3; i++)
		IXF_NEED(store_peer_put(A->store, ixf_org(f, i), f->d[i]->card, f->d[i]->cardlen) == 0);
	IXF_NEED(store_commit(A->store) == 0);
	IXF_NEED(peers_load(A->peers, A->store, ixf_org(f, IXF_A)) == 0);
	ixf_prov(&f->coord, A, 0x61, "Ines Dubois", "social-worker", now_s);
	ixf_prov(&f->anote, A, 0x62, "Luc Martin", "social-worker", now_s);
	ixf_prov(&f->nurse, f->d[IXF_B], 0x63, "Sophie Peeters", "home-nurse", now_s);
	ixf_prov(&f->social, f->d[IXF_B], 0x64, "Marc Janssens", "social-worker", now_s);
	ixf_prov(&f->gp, f->d[IXF_C], 0x65, "Dr. Willems", "gp", now_s);

	memset(salt, 0x5a, sizeof(salt));
	ch_case_id(ixf_org(f, IXF_A), salt, f->case_id);
	IXF_NEED(ch_create_encode(salt, "Mevrouw Maria Peeters", &fl, &fln) == 0);
	IXF_NEED(ixf_post_a(f, &f->coord, CH_REQ_CASE_NEW, fl, fln) == CH_ST_OK);
	free(fl);
	static const char *const roles[3] = { NULL, "home-nursing", "gp" };
	for (int i = 1; i < 3; i++) {
		IXF_NEED(ch_member_encode(f->d[i]->card, f->d[i]->cardlen, roles[i], &fl, &fln) == 0);
		IXF_NEED(ixf_post_a(f, &f->coord, CH_REQ_ADD_ORG, fl, fln) == CH_ST_OK);
		free(fl);
	}
	/* B joins from A's feed, as from a peer. */
	ixf_batch_t b;
	uint64_t head;
	uint8_t hid[32], coord[32];
	scase_t *c;
	ingest_tally_t t;
	memset(&b, 0, sizeof(b));
	IXF_NEED(store_head(ixf_case(f, IXF_A), ixf_org(f, IXF_A), &head, hid) == 0);
	IXF_NEED(store_feed_each(ixf_case(f, IXF_A), ixf_org(f, IXF_A), 1, head, ixf_collect, &b) == 0);
	IXF_NEED(member_join(f->d[IXF_B]->in, f->d[IXF_B]->store, f->case_id, b.items, b.n, "A",
	    &c, coord, &t) == 0);
	IXF_NEED(store_commit(f->d[IXF_B]->store) == 0);
	for (size_t i = 0; i < b.n; i++)
		free(b.own[i]);
	uint8_t key[32];
	c = ixf_case(f, IXF_B);
	IXF_NEED(store_head(c, ixf_org(f, IXF_A), &head, hid) == 0 && head == 3);
	IXF_NEED(store_key_get(c, state_epoch(c), CH_AUD_MEDICAL, key) == 0);
	sodium_memzero(key, sizeof(key));
}

static inline void
ixf_free(ixf_t *f)
{
	ixf_prov_free(&f->coord);
	ixf_prov_free(&f->anote);
	ixf_prov_free(&f->nurse);
	ixf_prov_free(&f->social);
	ixf_prov_free(&f->gp);
	for (int i = 0; i < 3; i++)
		cahierd_destroy(&f->d[i]);
}

/* An entry of org o's feed, stored at B as the next of that feed (not
 * committed): kind with fields (encoded by the caller), for audience, at
 * time_ms, superseding sup (NULL: none), written by provider p (NULL: no
 * certificate, as the daemon writes). sign: sign the plain body and the
 * envelope (0: zero signatures, for speed; the index checks none). With
 * keep, the entry is only made: *keep (malloc'd) and *keeplen. Returns 0
 * and the id, or the store's error. */
static inline int
ixf_put_raw(ixf_t *f, int o, const ixf_prov_t *p, uint8_t kind, uint8_t audience,
    uint64_t time_ms, const uint8_t *fields, size_t fl, const uint8_t *sup, int sign,
    uint8_t id[32], uint8_t **keep, size_t *keeplen)
{
	scase_t *c = ixf_case(f, IXF_B);
	const keys_secret_t *org = f->d[o]->keys;
	ch_plain_t pl;
	ch_env_t env;
	uint8_t key[32], *plain, *body, *e, hid[32];
	size_t pln, bl;
	uint64_t head;
	int rc;

	memset(&pl, 0, sizeof(pl));
	pl.version = 1;
	pl.kind = kind;
	if (p) {
		pl.cert = p->pv.certbuf;
		pl.certlen = p->pv.certlen;
	}
	pl.hlc = time_ms << 16;
	pl.fields = fields;
	pl.fieldslen = fl;
	if (sup)
		memcpy(pl.supersedes, sup, 32);
	IXF_NEED(ch_plain_encode(&pl, f->case_id, audience, p && sign ? p->k->sign_sk : NULL,
	    &plain, &pln) == 0);
	if (f->chain) {
		head = f->chain_seq[o];
		memcpy(hid, f->chain_id[o], 32);
	} else
		IXF_NEED(store_head(c, org->sign_pk, &head, hid) == 0);
	IXF_NEED(store_key_get(c, state_epoch(c), audience, key) == 0);
	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, f->case_id, 16);
	memcpy(env.org, org->sign_pk, 32);
	env.seq = head + 1;
	memcpy(env.prev, hid, 32);
	env.epoch = state_epoch(c);
	env.audience = audience;
	env.time_ms = time_ms;
	IXF_NEED(ch_body_seal(&env, NULL, 0, key, plain, pln, &body, &bl) == 0);
	sodium_memzero(key, sizeof(key));
	free(plain);
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	if (sign)
		ch_env_sign(&env, org->sign_sk);
	IXF_NEED((e = malloc(CH_ENV_LEN + bl)) != NULL);
	ch_env_encode(&env, e);
	memcpy(e + CH_ENV_LEN, body, bl);
	free(body);
	ch_env_id(&env, id);
	if (f->chain) {
		f->chain_seq[o] = env.seq;
		memcpy(f->chain_id[o], id, 32);
	}
	if (keep) {
		/* Made, not stored: the caller stores it later (a late arrival). */
		*keep = e;
		*keeplen = CH_ENV_LEN + bl;
		return 0;
	}
	rc = store_entry_put(c, org->sign_pk, env.seq, id, e, CH_ENV_LEN + bl);
	free(e);
	return rc;
}

/* The same, with the fields given as a ch_fields_t (its kind). */
static inline void
ixf_put(ixf_t *f, int o, const ixf_prov_t *p, const ch_fields_t *fd, uint8_t audience,
    uint64_t time_ms, const uint8_t *sup, uint8_t id[32])
{
	uint8_t *fl;
	size_t fln;
	IXF_NEED(ch_fields_encode(fd, &fl, &fln) == 0);
	IXF_NEED(ixf_put_raw(f, o, p, fd->kind, audience, time_ms, fl, fln, sup, 1, id, NULL, NULL) == 0);
	free(fl);
}

/* Fields of the common kinds (the pointers are the caller's: no clear). */
static inline ch_fields_t
ixf_note(const char *text)
{
	ch_fields_t fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = CH_KIND_NOTE;
	fd.u.note.text = (char *)(uintptr_t)text;
	return fd;
}

/* p reads at B through reads_handle with rq (its case, time, nonce and
 * action filled here); returns the reply's status, the decoded reply in
 * *rp (release with ch_readrep_clear, and free *raw) when ok. */
static inline int
ixf_read(ixf_t *f, ixf_prov_t *p, ch_readreq_t *rq, ch_readrep_t *rp, uint8_t **raw)
{
	uint8_t *req;
	size_t rl;
	cahierd_reply_t rep;

	memcpy(rq->case_id, f->case_id, 16);
	if (!rq->action)
		rq->action = CH_ACT_READ;
	if (!rq->purpose)
		rq->purpose = CH_PURPOSE_TREATMENT;
	rq->time_ms = (uint64_t)clock_now_ms();
	f->nonce++;
	memset(rq->nonce, 0, 16);
	memcpy(rq->nonce, &f->nonce, sizeof(f->nonce));
	rq->nonce[15] = 0x1d;
	IXF_NEED(ch_readreq_sign(rq, p->k->sign_sk, &req, &rl) == 0);
	memset(&rep, 0, sizeof(rep));
	reads_handle(f->d[IXF_B], &p->pv, req, rl, &rep);
	free(req);
	/* The end of the daemon's round: the access record commits (fsync)
	 * before the reply leaves. */
	IXF_NEED(store_commit(f->d[IXF_B]->store) == 0);
	*raw = NULL;
	memset(rp, 0, sizeof(*rp));
	if (rep.status == CH_ST_OK) {
		IXF_NEED(ch_readrep_decode(rep.body, rep.len, rp) == 0);
		*raw = rep.body;
	} else {
		fprintf(stderr, "index fixture: read refused: %.*s\n", (int)rep.len,
		    rep.body ? (const char *)rep.body : "");
		free(rep.body);
	}
	return rep.status;
}

#endif
