/* test_post.c - a provider's posts, in process (post_handle, no socket):
 * who may change a case's membership, and with what. The coordinator's
 * daemon refuses a membership request from the people around the person,
 * an organization whose card it never imported, and roles outside the
 * vocabulary or in the wrong place; it accepts the same requests done
 * right. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "tap.h"
#include "fixture.h"
#include "../daemon/audit.h"
#include "../daemon/clock.h"
#include "../daemon/derr.h"
#include "../daemon/feed.h"
#include "../daemon/daemon.h"
#include "../daemon/log.h"
#include "../daemon/post.h"
#include "../daemon/state.h"
#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"

static org_t A, B, C;           /* coordinator, imported peer, never imported */
static uint8_t case_id[16];

/* A provider of A with a role: its key and its certificate, as the daemon
 * holds them (peers.h). */
typedef struct {
	keys_secret_t *k;
	provider_t pv;
} prov_t;

static void
prov_init(prov_t *p, const char *name, const char *role)
{
	uint64_t now = (uint64_t)time(NULL);
	memset(p, 0, sizeof(*p));
	p->k = keys_secret_new(KEYS_KIND_PROVIDER);
	if (!p->k || keys_cert_make(A.d->keys, p->k->sign_pk, p->k->curve_pk, name, role,
	    now - 60, now + 86400, &p->pv.certbuf, &p->pv.certlen) != 0 ||
	    keys_cert_parse(p->pv.certbuf, p->pv.certlen, &p->pv.cert) != 0)
		abort();
}

static void
prov_free(prov_t *p)
{
	keys_cert_clear(&p->pv.cert);
	free(p->pv.certbuf);
	keys_secret_destroy(&p->k);
}

/* p posts a request of kind with fields to the case; returns the reply's
 * status and keeps its message in msg. */
static char msg[600];

static int
post(prov_t *p, uint8_t kind, const uint8_t *fields, size_t fl)
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
	if (ch_plain_encode(&pl, case_id, CH_AUD_NETWORK, p->k->sign_sk, &plain, &pln) != 0)
		abort();
	memcpy(rq.case_id, case_id, 16);
	rq.audience = CH_AUD_NETWORK;
	rq.plain.p = plain;
	rq.plain.n = pln;
	if (ch_postreq_encode(&rq, &req, &rl) != 0)
		abort();
	memset(&rep, 0, sizeof(rep));
	post_handle(A.d, &p->pv, req, rl, &rep);
	msg[0] = '\0';
	if (rep.status != CH_ST_OK && ch_refusal_text(rep.body, rep.len, msg, sizeof(msg)) != 0)
		snprintf(msg, sizeof(msg), "(a refusal that does not decode)");
	if (rep.status != CH_ST_OK)
		printf("# reply %u: %s\n", rep.status, msg);
	free(rep.body);
	free(plain);
	free(req);
	if (store_commit(A.d->store) != 0)
		abort();
	return rep.status;
}

static int
add_org(prov_t *p, org_t *o, const char *role)
{
	uint8_t *f;
	size_t fl;
	if (ch_member_encode(o->d->card, o->d->cardlen, role, &f, &fl) != 0)
		abort();
	int st = post(p, CH_REQ_ADD_ORG, f, fl);
	free(f);
	return st;
}

static int
set_person(prov_t *p, const char *role, uint64_t until)
{
	ch_personreq_t pr;
	uint8_t *f;
	size_t fl;
	memset(&pr, 0, sizeof(pr));
	pr.op = CH_PERSON_SET;
	pr.person.role = (char *)(uintptr_t)role;
	pr.person.name = (char *)(uintptr_t)"Marc Peeters";
	pr.person.basis = (char *)(uintptr_t)"written-mandate";
	pr.person.valid_until = until;
	if (ch_personreq_encode(&pr, &f, &fl) != 0)
		abort();
	int st = post(p, CH_REQ_PERSON, f, fl);
	free(f);
	return st;
}

static prov_t social, trusted;

TEST(the_coordinator_opens_a_case)
{
	uint8_t salt[32], *f;
	size_t fl;

	randombytes_buf(salt, sizeof(salt));
	ch_case_id(A.d->keys->sign_pk, salt, case_id);
	check_int(ch_create_encode(salt, "Mevrouw Maria Peeters", &f, &fl), ==, 0);
	check_int(post(&social, CH_REQ_CASE_NEW, f, fl), ==, CH_ST_OK);
	free(f);
	scase_t *c;
	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(state_coordinator(c, salt), ==, 0);
	check_int(state_epoch(c), ==, 0);
}

TEST(people_open_no_case)
{
	uint8_t salt[32], id[16], *f;
	uint8_t (*ids)[16] = NULL;
	size_t fl, n0 = 0, n1 = 0;
	uint8_t saved[16];

	check_int(store_case_list(A.d->store, &ids, &n0), ==, 0);
	free(ids);
	memcpy(saved, case_id, 16);
	randombytes_buf(salt, sizeof(salt));
	ch_case_id(A.d->keys->sign_pk, salt, id);
	memcpy(case_id, id, 16);
	check_int(ch_create_encode(salt, "Zijn eigen dossier", &f, &fl), ==, 0);
	check_int(post(&trusted, CH_REQ_CASE_NEW, f, fl), ==, CH_ST_DENIED);
	free(f);
	memcpy(case_id, saved, 16);
	check_int(store_case_list(A.d->store, &ids, &n1), ==, 0);
	free(ids);
	check_int(n1, ==, n0);
	check_int(store_case_exists(A.d->store, id), ==, 0);
}

TEST(people_never_change_membership)
{
	uint32_t before;
	scase_t *c;
	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	before = state_epoch(c);
	/* A trusted person of the coordinator, not even listed. */
	check_int(add_org(&trusted, &B, "home-nursing"), ==, CH_ST_DENIED);
	check(strstr(msg, "does not change the membership") != NULL);
	check_int(set_person(&trusted, "trusted-person", 0), ==, CH_ST_DENIED);
	check_int(post(&trusted, CH_REQ_ROTATE, NULL, 0), ==, CH_ST_DENIED);
	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(state_epoch(c), ==, before);
}

TEST(only_imported_cards_join)
{
	scase_t *c;
	/* C's card was never imported at A: its fingerprint was never checked. */
	check_int(add_org(&social, &C, "gp"), ==, CH_ST_BADREQ);
	check(strstr(msg, "peer add") != NULL);
	/* B's was. */
	check_int(add_org(&social, &B, "home-nursing"), ==, CH_ST_OK);
	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(state_is_member(c, B.d->keys->sign_pk), ==, 1);
	check_int(state_is_member(c, C.d->keys->sign_pk), ==, 0);
}

TEST(roles_come_from_the_vocabulary)
{
	uint64_t now = (uint64_t)time(NULL);
	scase_t *c;
	uint32_t before;
	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	before = state_epoch(c);
	/* Unknown roles, and a people's role given to an organization. */
	check_int(add_org(&social, &C, "doctor"), ==, CH_ST_BADREQ);
	check(strstr(msg, "unknown role 'doctor'") != NULL && strstr(msg, "home-nurse") != NULL);
	check_int(add_org(&social, &C, "trusted-person"), ==, CH_ST_BADREQ);
	/* A person with a professional's role, an unknown one, or an end date
	 * already past. */
	check_int(set_person(&social, "gp", 0), ==, CH_ST_BADREQ);
	check_int(set_person(&social, "family", 0), ==, CH_ST_BADREQ);
	check_int(set_person(&social, "trusted-person", now - 86400), ==, CH_ST_BADREQ);
	check(strstr(msg, "already past") != NULL);
	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(state_epoch(c), ==, before);
	/* Done right. */
	check_int(set_person(&social, "trusted-person", now + 86400), ==, CH_ST_OK);
	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(state_epoch(c), ==, before + 1);
}

/* The record of a case list (action 7) carries the certificate and no
 * request: it passes the rules that every member applies; a list record
 * with a request, or a read record without one, does not. */
TEST(list_records_pass_the_rules)
{
	scase_t *c;
	uint8_t id[32], junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint64_t before = 0, after = 0;

	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(store_entries_count(c, &before), ==, 0);
	check_int(audit_record(A.d, c, &social.pv, NULL, 0, CH_ACT_LIST,
	    CH_PURPOSE_COORDINATION, CH_OUT_OK, NULL, 0, id), ==, 0);
	check_int(audit_record(A.d, c, &social.pv, junk, sizeof(junk), CH_ACT_LIST,
	    CH_PURPOSE_COORDINATION, CH_OUT_OK, NULL, 0, id), ==, DERR_REFUSED);
	check_int(audit_record(A.d, c, &social.pv, NULL, 0, CH_ACT_READ,
	    CH_PURPOSE_TREATMENT, CH_OUT_OK, NULL, 0, id), ==, DERR_REFUSED);
	check_int(store_commit(A.d->store), ==, 0);
	check_int(store_entries_count(c, &after), ==, 0);
	check_int(after, ==, before + 1);
}

/* A note by p for the case, its plain body signed with signer's key (p's
 * own, or another: a bad signature); *plain and *req malloc'd. */
static void
note_req(prov_t *p, const keys_secret_t *signer, const char *text, uint8_t **plain,
    size_t *pln, uint8_t **req, size_t *rl)
{
	ch_plain_t pl;
	ch_postreq_t rq;
	uint8_t *f;
	size_t fl;

	if (ch_note_encode(text, &f, &fl) != 0)
		abort();
	memset(&pl, 0, sizeof(pl));
	pl.version = 1;
	pl.kind = CH_KIND_NOTE;
	pl.cert = p->pv.certbuf;
	pl.certlen = p->pv.certlen;
	pl.hlc = (uint64_t)clock_now_ms() << 16;
	pl.fields = f;
	pl.fieldslen = fl;
	if (ch_plain_encode(&pl, case_id, CH_AUD_NETWORK, signer->sign_sk, plain, pln) != 0)
		abort();
	free(f);
	memcpy(rq.case_id, case_id, 16);
	rq.audience = CH_AUD_NETWORK;
	rq.plain.p = *plain;
	rq.plain.n = *pln;
	if (ch_postreq_encode(&rq, req, rl) != 0)
		abort();
}

/* A round's posts have their signatures checked together, on all cores
 * (post_batch_start): a post whose signature does not verify is refused
 * as it is alone, and the good ones around it are kept. */
#define BATCH 12
TEST(a_bad_signature_is_refused_in_a_batch)
{
	uint8_t *plain[BATCH], *req[BATCH];
	size_t pln[BATCH], rl[BATCH];
	provider_t *pvs[BATCH];
	const uint8_t *bodies[BATCH];
	uint64_t before = 0, after = 0, seq;
	uint8_t hid[32];
	scase_t *c;
	int ok = 0, denied = 0;

	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(store_entries_count(c, &before), ==, 0);
	for (int i = 0; i < BATCH; i++) {
		/* Post 5 carries social's certificate, signed by another key. */
		note_req(&social, i == 5 ? trusted.k : social.k, "a note of the batch", &plain[i],
		    &pln[i], &req[i], &rl[i]);
		pvs[i] = &social.pv;
		bodies[i] = req[i];
	}
	post_batch_t *b = post_batch_start(pvs, bodies, rl, BATCH);
	check(b != NULL);
	for (int i = 0; i < BATCH; i++) {
		cahierd_reply_t rep;
		memset(&rep, 0, sizeof(rep));
		post_batch_handle(A.d, b, (size_t)i, &social.pv, req[i], rl[i], &rep);
		if (i == 5)
			denied += rep.status == CH_ST_DENIED;
		else
			ok += rep.status == CH_ST_OK;
		free(rep.body);
	}
	post_batch_end(&b);
	check(b == NULL);
	check_int(ok, ==, BATCH - 1);
	check_int(denied, ==, 1);
	check_int(store_commit(A.d->store), ==, 0);
	check_int(store_entries_count(c, &after), ==, 0);
	check_int(after, ==, before + BATCH - 1);

	/* A check done for one post says nothing of another: the bad post
	 * handed the good post's check (ok) is checked again, and refused. */
	sigjob_t job;
	memset(&job, 0, sizeof(job));
	job.kind = SIGJOB_PLAIN;
	job.plain = plain[0];
	job.plainlen = pln[0];
	job.case_id = case_id;
	job.audience = CH_AUD_NETWORK;
	job.provider = social.pv.cert.provider;
	job.ok = 1;
	cahierd_reply_t rep;
	memset(&rep, 0, sizeof(rep));
	post_handle_checked(A.d, &social.pv, req[5], rl[5], &job, &rep);
	check_int(rep.status, ==, CH_ST_DENIED);
	free(rep.body);
	check_int(store_head(c, A.d->keys->sign_pk, &seq, hid), ==, 0);
	store_abort(A.d->store);
	check_int(store_entries_count(c, &after), ==, 0);
	check_int(after, ==, before + BATCH - 1);
	for (int i = 0; i < BATCH; i++) {
		free(plain[i]);
		free(req[i]);
	}
}

/* The next envelope of A's feed of the case for plain, sealed under the
 * case key, unsigned (its sig is junk): what feed_append hands to
 * ingest_own. *body malloc'd. */
static void
own_env(scase_t *c, const uint8_t *plain, size_t pln, ch_env_t *env, uint8_t **body,
    size_t *bl)
{
	uint8_t key[32];
	memset(env, 0, sizeof(*env));
	env->version = 1;
	memcpy(env->case_id, case_id, 16);
	memcpy(env->org, A.d->keys->sign_pk, 32);
	if (store_head(c, env->org, &env->seq, env->prev) != 0)
		abort();
	env->seq++;
	env->epoch = state_epoch(c);
	env->audience = CH_AUD_NETWORK;
	env->time_ms = (uint64_t)clock_now_ms();
	if (store_key_get(c, env->epoch, CH_AUD_NETWORK, key) != 0 ||
	    ch_body_seal(env, NULL, 0, key, plain, pln, body, bl) != 0)
		abort();
	sodium_memzero(key, sizeof(key));
	env->body_len = (uint32_t)*bl;
	crypto_generichash(env->body_hash, 32, *body, *bl, NULL, 0);
	memset(env->sig, 0x5a, sizeof(env->sig));
}

/* The path of our own entries (ingest_own) skips the checks of the
 * signatures it made or was told were checked, and nothing else: it takes
 * no signed bytes (it signs itself, whatever the envelope held), refuses
 * another organization's envelope, and takes a caller's check of a plain
 * body only for those very bytes. The entries of others still have every
 * signature checked. */
TEST(the_own_path_takes_no_bytes_from_outside)
{
	uint8_t *good, *bad, *rg, *rb, *body, *e = NULL;
	size_t gl, bdl, rgl, rbl, bl, n = 0;
	uint64_t before = 0, after = 0;
	ch_env_t env;
	sigjob_t job;
	scase_t *c;

	check_int(store_case_get(A.d->store, case_id, 0, &c), ==, 0);
	check_int(store_entries_count(c, &before), ==, 0);
	note_req(&social, social.k, "signed by its author", &good, &gl, &rg, &rgl);
	note_req(&social, trusted.k, "not signed by its author", &bad, &bdl, &rb, &rbl);
	memset(&job, 0, sizeof(job));
	job.kind = SIGJOB_PLAIN;
	job.case_id = case_id;
	job.audience = CH_AUD_NETWORK;
	job.provider = social.pv.cert.provider;
	job.ok = 1;

	/* Another organization's envelope: nothing signed, nothing kept. */
	own_env(c, good, gl, &env, &body, &bl);
	memcpy(env.org, B.d->keys->sign_pk, 32);
	check_int(ingest_own(A.d->in, c, &env, body, bl, NULL, &e, &n), ==, CH_ERR_VALUE);
	free(body);

	/* A body whose signature is bad, with a check (ok) of other bytes, of
	 * the same bytes not done (ok = 0), or for another audience: the
	 * rules check the signature themselves, and refuse it. */
	const struct { const uint8_t *p; size_t n; int ok; uint8_t aud; } cases[] = {
		{ good, gl, 1, CH_AUD_NETWORK },
		{ bad, bdl, 0, CH_AUD_NETWORK },
		{ bad, bdl, 1, CH_AUD_CARE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		own_env(c, bad, bdl, &env, &body, &bl);
		job.plain = cases[i].p;
		job.plainlen = cases[i].n;
		job.ok = cases[i].ok;
		job.audience = cases[i].aud;
		check_int(ingest_own(A.d->in, c, &env, body, bl, &job, &e, &n), ==, INGEST_REFUSED);
		free(body);
	}
	store_abort(A.d->store);
	check_int(store_entries_count(c, &after), ==, 0);
	check_int(after, ==, before);

	/* The good one, with no check from the caller: its junk signature is
	 * replaced by the organization's, and it passes every rule. */
	own_env(c, good, gl, &env, &body, &bl);
	check_int(ingest_own(A.d->in, c, &env, body, bl, NULL, &e, &n), ==, INGEST_STORED);
	free(body);
	ch_env_t got;
	const uint8_t *gb;
	size_t gbl;
	check_int(ch_entry_split(e, n, &got, &gb, &gbl), ==, 0);
	check_int(ch_env_verify(&got), ==, 0);
	check_int(store_commit(A.d->store), ==, 0);

	/* The same bytes again from outside, its org signature broken: the
	 * rules a peer's entry meets check it (ingest_entry). */
	uint8_t *f = malloc(n);
	check(f != NULL);
	memcpy(f, e, n);
	f[CH_ENV_LEN - 1] ^= 1;
	check_int(ingest_entry(A.d->in, c, f, n, "outside"), ==, INGEST_REFUSED);
	store_abort(A.d->store);
	check_int(store_entries_count(c, &after), ==, 0);
	check_int(after, ==, before + 1);
	free(f);
	free(e);
	free(good);
	free(bad);
	free(rg);
	free(rb);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_post", getenv("VERBOSE") ? LOG_LVL_DEBUG : -1);
	org_init(&A, 0xa1, "CPAS d'Anderlecht");
	org_init(&B, 0xb2, "Thuisverpleging Zuid");
	org_init(&C, 0xc3, "Nooit Ingevoerd");
	/* A imports B's card (cahierd peer add), never C's. */
	if (store_peer_put(A.d->store, B.d->keys->sign_pk, B.d->card, B.d->cardlen) != 0 ||
	    store_commit(A.d->store) != 0 ||
	    peers_load(A.d->peers, A.d->store, A.d->keys->sign_pk) != 0)
		return 1;
	prov_init(&social, "Inès Dubois", "social-worker");
	prov_init(&trusted, "Marc Peeters", "trusted-person");
	TAP_RUN(the_coordinator_opens_a_case);
	TAP_RUN(people_open_no_case);
	TAP_RUN(people_never_change_membership);
	TAP_RUN(only_imported_cards_join);
	TAP_RUN(roles_come_from_the_vocabulary);
	TAP_RUN(list_records_pass_the_rules);
	TAP_RUN(a_bad_signature_is_refused_in_a_batch);
	TAP_RUN(the_own_path_takes_no_bytes_from_outside);
	prov_free(&social);
	prov_free(&trusted);
	org_free(&A);
	org_free(&B);
	org_free(&C);
	return TAP_DONE();
}
