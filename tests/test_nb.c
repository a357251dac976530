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
#include "../daemon/daemon.h"
#include "../daemon/log.h"

typedef struct {
	cahierd_t d;
	char dir[64];
} org_t;

static org_t A, B, C;            /* coordinator, member, outsider */
static keys_secret_t *prov;      /* a provider of A */
static uint8_t *cert;            /* its certificate */
static size_t certlen;
static keys_secret_t *provC;     /* a provider of C */
static uint8_t *certC;
static size_t certClen;
static uint8_t case_id[16];

static void
org_init(org_t *o, uint8_t seedbyte, const char *name)
{
	uint8_t seed[32];
	memset(seed, seedbyte, sizeof(seed));
	memset(&o->d, 0, sizeof(o->d));
	if (!tap_tmpdir(o->dir, sizeof(o->dir), "test-nb"))
		abort();
	o->d.dir = o->dir;
	o->d.cfg.name = strdup(name);
	o->d.keys = keys_secret_from_seed(KEYS_KIND_ORG, seed);
	if (keys_card_make(o->d.keys, name, "tcp://127.0.0.1:1", 1795000000,
	    &o->d.card, &o->d.cardlen) != 0 ||
	    store_open(o->dir, o->d.keys->storage, 8, &o->d.store) != 0)
		abort();
}

static void
org_free(org_t *o)
{
	char cmd[128];
	store_destroy(&o->d.store);
	keys_secret_destroy(&o->d.keys);
	free(o->d.card);
	free(o->d.cfg.name);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", o->dir);
	if (system(cmd) != 0)
		abort();
}

/* A provider-signed plain body of kind with fields. */
static uint8_t *
plain(keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t kind,
    const uint8_t *fields, size_t fl, size_t *n)
{
	ch_plain_t p;
	uint8_t *out;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.cert = ct;
	p.certlen = ctl;
	p.hlc = (uint64_t)now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fl;
	if (ch_plain_encode(&p, case_id, CH_AUD_NETWORK, pk->sign_sk, &out, n) != 0)
		abort();
	return out;
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
	int rc = nb_append(&A.d, c, nb_epoch(c), CH_AUD_NETWORK, NULL, 0, ckey, pl, pln,
	    &ent[nent], &entlen[nent], id);
	free(pl);
	if (rc == 0)
		nent++;
	return rc;
}

/* An epoch entry of A (the coordinator), asked for by A's provider. */
static int
a_epoch(scase_t *c, uint8_t why, const uint8_t subject[32], const uint8_t *salt,
    uint8_t reqkind, const uint8_t *reqf, size_t reqfl, ch_corg_t *orgs, size_t norgs,
    uint8_t **out, size_t *outlen)
{
	ch_epoch_t ep;
	uint8_t *req, id[32];
	size_t rl;
	int rc;

	memset(&ep, 0, sizeof(ep));
	ep.why = why;
	if (subject)
		memcpy(ep.subject, subject, 32);
	if (salt)
		memcpy(ep.salt, salt, 16);
	req = plain(prov, cert, certlen, reqkind, reqf, reqfl, &rl);
	ep.request = req;
	ep.requestlen = rl;
	ep.charter.name = (char *)(uintptr_t)"Mevrouw Peeters";
	memcpy(ep.charter.coordinator, A.d.keys->sign_pk, 32);
	ep.charter.orgs = orgs;
	ep.charter.norgs = norgs;
	if (ch_charter_default_audiences(&ep.charter) != 0)
		abort();
	rc = nb_new_epoch(&A.d, c, &ep, out, outlen, id);
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < ep.charter.aud[i].nroles; j++)
			free(ep.charter.aud[i].roles[j]);
		free(ep.charter.aud[i].roles);
	}
	free(req);
	if (rc == 0 && store_key_get(c, nb_epoch(c), CH_AUD_NETWORK, ckey) != 0)
		rc = -1;
	return rc;
}

static ch_corg_t orgs3[3];

static void
corg(ch_corg_t *m, org_t *o, const char *role)
{
	memcpy(m->org, o->d.keys->sign_pk, 32);
	m->card = o->d.card;
	m->cardlen = o->d.cardlen;
	m->role = (char *)(uintptr_t)role;
}

TEST(coordinator_opens_and_adds)
{
	scase_t *c;
	uint8_t salt[16], *f, *pl;
	size_t fl, pln;

	memset(salt, 0x5a, sizeof(salt));
	ch_case_id(A.d.keys->sign_pk, salt, case_id);
	check_int(store_case_get(A.d.store, case_id, 1, &c), ==, 0);
	corg(&orgs3[0], &A, "coordination");
	corg(&orgs3[1], &B, "home-nursing");
	check_int(ch_create_encode(salt, "Mevrouw Peeters", &f, &fl), ==, 0);
	check_int(a_epoch(c, CH_WHY_CREATE, NULL, salt, CH_REQ_CASE_NEW, f, fl, orgs3, 1,
	    &ent[nent], &entlen[nent]), ==, 0);
	nent++;
	free(f);
	uint8_t coord[32];
	check_int(nb_coordinator(c, coord), ==, 0);
	check_mem(coord, A.d.keys->sign_pk, 32);
	check_int(nb_epoch(c), ==, 0);

	check_int(ch_member_encode(B.d.card, B.d.cardlen, "home-nursing", &f, &fl), ==, 0);
	check_int(a_epoch(c, CH_WHY_ADD, B.d.keys->sign_pk, NULL, CH_REQ_ADD_ORG, f, fl,
	    orgs3, 2, &ent[nent], &entlen[nent]), ==, 0);
	nent++;
	free(f);
	check_int(nb_epoch(c), ==, 1);
	check_int(nb_is_member(c, B.d.keys->sign_pk), ==, 1);
	check_int(nb_is_member(c, C.d.keys->sign_pk), ==, 0);

	pl = note("Huisbezoek maandag", &pln);
	check_int(a_append(c, pl, pln), ==, 0);
	check_int(store_commit(A.d.store), ==, 0);
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
	check_int(nb_adopt(&C.d, case_id, items, 3, "A", &c), ==, -1);
	check_int(store_case_exists(C.d.store, case_id), ==, 0);
	/* Without the genesis there is nothing to adopt. */
	check_int(nb_adopt(&B.d, case_id, items + 1, 2, "A", &c), ==, -1);
	check_int(nb_adopt(&B.d, case_id, items, 3, "A", &c), ==, 0);
	for (int i = 0; i < 3; i++)
		check_int(nb_ingest(&B.d, c, ent[i], entlen[i], "A"), ==, NB_STORED);
	for (int i = 0; i < 3; i++)
		check_int(nb_ingest(&B.d, c, ent[i], entlen[i], "A"), ==, NB_DUP);
	check_int(store_commit(B.d.store), ==, 0);
	uint64_t seq;
	uint8_t hid[32];
	check_int(store_head(c, A.d.keys->sign_pk, &seq, hid), ==, 0);
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
	ch_env_sign(&env, A.d.keys->sign_sk);
	ch_env_encode(&env, out);
	*outn = n;
	return out;
}

/* Builds A's next entry (seq 4) properly, without storing it at A. */
static uint8_t *
next_of_a(uint32_t epoch, size_t *n, const char *text)
{
	ch_env_t env;
	uint8_t *pl, *body, *e;
	size_t pln, bl;
	ch_env_t last;
	const uint8_t *b;
	size_t l;
	if (ch_entry_split(ent[nent - 1], entlen[nent - 1], &last, &b, &l) != 0)
		abort();
	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, case_id, 16);
	memcpy(env.org, A.d.keys->sign_pk, 32);
	env.seq = last.seq + 1;
	ch_env_id(&last, env.prev);
	env.epoch = epoch;
	env.audience = CH_AUD_NETWORK;
	env.time_ms = (uint64_t)now_ms();
	pl = note(text, &pln);
	if (ch_body_seal(&env, NULL, 0, ckey, pl, pln, &body, &bl) != 0)
		abort();
	free(pl);
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	ch_env_sign(&env, A.d.keys->sign_sk);
	e = malloc(CH_ENV_LEN + bl);
	ch_env_encode(&env, e);
	memcpy(e + CH_ENV_LEN, body, bl);
	free(body);
	*n = CH_ENV_LEN + bl;
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

	check_int(store_case_get(B.d.store, case_id, 0, &c), ==, 0);
	e = next_of_a(1, &n, "Wondzorg gedaan");
	/* A flipped bit in the org signature. */
	f = malloc(n);
	memcpy(f, e, n);
	f[CH_ENV_HDR_LEN + 3] ^= 1;
	check_int(nb_ingest(&B.d, c, f, n, "A"), ==, NB_REJECT);
	/* A flipped bit in the body: its hash no longer matches. */
	memcpy(f, e, n);
	f[n - 1] ^= 1;
	check_int(nb_ingest(&B.d, c, f, n, "A"), ==, NB_REJECT);
	free(f);
	/* Wrong prev hash, validly signed. */
	f = resign(e, n, mut_prev, &fn);
	check_int(nb_ingest(&B.d, c, f, fn, "A"), ==, NB_REJECT);
	free(f);
	/* A future epoch the coordinator never started. */
	f = next_of_a(7, &fn, "epoch seven");
	check_int(nb_ingest(&B.d, c, f, fn, "A"), ==, NB_REJECT);
	free(f);
	check_int(store_head(c, A.d.keys->sign_pk, &seq, hid), ==, 0);
	check_int(seq, ==, 3);
	/* The genuine one is still welcome. */
	check_int(nb_ingest(&B.d, c, e, n, "A"), ==, NB_STORED);
	ent[nent] = e;
	entlen[nent++] = n;
	/* A gap: seq 6 before 5 is held back, not stored. */
	uint8_t *e5 = next_of_a(1, &n, "five");
	ent[nent] = e5;
	entlen[nent++] = n;
	uint8_t *e6 = next_of_a(1, &fn, "six");
	ent[--nent] = NULL;
	check_int(nb_ingest(&B.d, c, e6, fn, "A"), ==, NB_GAP);
	check_int(nb_ingest(&B.d, c, e5, n, "A"), ==, NB_STORED);
	check_int(nb_ingest(&B.d, c, e6, fn, "A"), ==, NB_STORED);
	free(e5);
	free(e6);
	check_int(store_commit(B.d.store), ==, 0);
}

TEST(bad_provider_signature_is_rejected)
{
	scase_t *c;
	check_int(store_case_get(B.d.store, case_id, 0, &c), ==, 0);
	/* The provider signature made by another key than the certificate's. */
	keys_secret_t *mallory = keys_secret_new(KEYS_KIND_PROVIDER);
	uint8_t *f, *pl, *body, *e;
	size_t fl, pln, bl;
	uint64_t seq;
	uint8_t hid[32];
	ch_env_t env;
	check_int(ch_note_encode("forged", &f, &fl), ==, 0);
	pl = plain(mallory, cert, certlen, CH_KIND_NOTE, f, fl, &pln);
	free(f);
	check_int(store_head(c, A.d.keys->sign_pk, &seq, hid), ==, 0);
	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, case_id, 16);
	memcpy(env.org, A.d.keys->sign_pk, 32);
	env.seq = seq + 1;
	memcpy(env.prev, hid, 32);
	env.audience = CH_AUD_NETWORK;
	env.epoch = nb_epoch(c);
	env.time_ms = (uint64_t)now_ms();
	check_int(ch_body_seal(&env, NULL, 0, ckey, pl, pln, &body, &bl), ==, 0);
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	ch_env_sign(&env, A.d.keys->sign_sk);
	e = malloc(CH_ENV_LEN + bl);
	ch_env_encode(&env, e);
	memcpy(e + CH_ENV_LEN, body, bl);
	check_int(nb_ingest(&B.d, c, e, CH_ENV_LEN + bl, "A"), ==, NB_REJECT);
	free(e);
	free(body);
	free(pl);
	keys_secret_destroy(&mallory);
	store_abort(B.d.store);
}

TEST(outsider_feed_and_fork)
{
	scase_t *c, *cc;
	uint8_t *pl, *e, id[32];
	size_t pln, n;

	check_int(store_case_get(B.d.store, case_id, 0, &c), ==, 0);
	/* C writes into the case without being a member: held back at B. */
	check_int(store_case_get(C.d.store, case_id, 1, &cc), ==, 0);
	{
		uint8_t *f;
		size_t fl;
		check_int(ch_note_encode("not a member", &f, &fl), ==, 0);
		pl = plain(provC, certC, certClen, CH_KIND_NOTE, f, fl, &pln);
		free(f);
		ch_env_t env;
		uint8_t *body;
		size_t bl;
		memset(&env, 0, sizeof(env));
		env.version = 1;
		memcpy(env.case_id, case_id, 16);
		memcpy(env.org, C.d.keys->sign_pk, 32);
		env.seq = 1;
		env.audience = CH_AUD_NETWORK;
		env.time_ms = (uint64_t)now_ms();
		check_int(ch_body_seal(&env, NULL, 0, ckey, pl, pln, &body, &bl), ==, 0);
		free(pl);
		env.body_len = (uint32_t)bl;
		crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
		ch_env_sign(&env, C.d.keys->sign_sk);
		e = malloc(CH_ENV_LEN + bl);
		ch_env_encode(&env, e);
		memcpy(e + CH_ENV_LEN, body, bl);
		free(body);
		n = CH_ENV_LEN + bl;
	}
	check_int(nb_ingest(&B.d, c, e, n, "C"), ==, NB_REJECT);
	free(e);
	(void)id;
	store_abort(C.d.store);

	/* A second, different, validly signed entry at A's seq 3: a fork. */
	uint64_t seq;
	uint8_t hid[32];
	check_int(store_head(c, A.d.keys->sign_pk, &seq, hid), ==, 0);
	nent = 2; /* build on top of seq 2 */
	e = next_of_a(1, &n, "a different seq 3");
	check_int(nb_ingest(&B.d, c, e, n, "A"), ==, NB_REJECT);
	check_int(store_commit(B.d.store), ==, 0);
	size_t forks = 0;
	check_int(store_fork_count(c, &forks), ==, 0);
	check_int(forks, ==, 1);
	/* The forked feed is no longer accepted, not even its genuine entries. */
	check_int(nb_ingest(&B.d, c, ent[0], entlen[0], "A"), ==, NB_REJECT);
	free(e);
}

/* Seq 1 of org o's feed, carrying a key slot for the org of card tc. */
static uint8_t *
entry_with_slot(org_t *o, keys_secret_t *pk, const uint8_t *ct, size_t ctl,
    const uint8_t *tc, size_t tcl, const uint8_t fake[32], size_t *n)
{
	ch_env_t env;
	ch_slot_t slot;
	keys_card_t cb;
	uint8_t *f, *pl, *body, *e;
	size_t fl, pln, bl;

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
	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, case_id, 16);
	memcpy(env.org, o->d.keys->sign_pk, 32);
	env.seq = 1;
	env.audience = CH_AUD_NETWORK;
	env.time_ms = (uint64_t)now_ms();
	if (ch_body_seal(&env, &slot, 1, fake, pl, pln, &body, &bl) != 0)
		abort();
	free(pl);
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	ch_env_sign(&env, o->d.keys->sign_sk);
	e = malloc(CH_ENV_LEN + bl);
	ch_env_encode(&env, e);
	memcpy(e + CH_ENV_LEN, body, bl);
	free(body);
	*n = CH_ENV_LEN + bl;
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
	check_int(keys_cert_make(B.d.keys, provB->sign_pk, provB->curve_pk, "Bart",
	    "home-nurse", now - 60, now + 86400, &certB, &certBlen), ==, 0);
	/* The coordinator adds D: a new epoch. */
	check_int(store_case_get(A.d.store, case_id, 0, &ca), ==, 0);
	check_int(ch_member_encode(D.d.card, D.d.cardlen, "gp", &f, &fl), ==, 0);
	corg(&orgs3[2], &D, "gp");
	check_int(a_epoch(ca, CH_WHY_ADD, D.d.keys->sign_pk, NULL, CH_REQ_ADD_ORG, f, fl,
	    orgs3, 3, &addD, &an), ==, 0);
	free(f);
	check_int(store_commit(A.d.store), ==, 0);

	randombytes_buf(fake, sizeof(fake));
	evil = entry_with_slot(&B, provB, certB, certBlen, D.d.card, D.d.cardlen, fake, &en);
	/* The relay's order: D's membership, the evil entry, then the rest. */
	ch_slice_t items[8] = { { addD, an }, { evil, en }, { ent[0], entlen[0] },
		{ ent[1], entlen[1] }, { ent[2], entlen[2] } };
	size_t ni = 5;
	check_int(nb_adopt(&D.d, case_id, items, ni, "relay", &cd), ==, 0);
	int res[8];
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < ni; i++)
			if (pass == 0 || res[i] == NB_GAP || res[i] == NB_NOTYET)
				res[i] = nb_ingest(&D.d, cd, items[i].p, items[i].n, "relay");
	check_int(res[1], ==, NB_REJECT);   /* slots from a non-coordinator */
	check_int(res[2], ==, NB_STORED);   /* the genesis still opens */
	check_int(res[0], ==, NB_STORED);
	/* D joined at epoch 2: it holds that epoch's key (the real one), and
	 * no key of the epochs before it joined. */
	check_int(store_key_get(cd, 2, CH_AUD_NETWORK, got), ==, 0);
	check_mem(got, ckey, 32);
	check_int(store_key_get(cd, 0, CH_AUD_NETWORK, got), ==, ST_ERR_NOTFOUND);
	check_int(store_key_get(cd, 0, CH_AUD_MEMBERSHIP, got), ==, 0);
	uint8_t coord[32];
	check_int(nb_coordinator(cd, coord), ==, 0);
	check_mem(coord, A.d.keys->sign_pk, 32);
	check_int(store_commit(D.d.store), ==, 0);
	free(evil);
	free(addD);
	free(certB);
	keys_secret_destroy(&provB);
	org_free(&D);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_nb", getenv("VERBOSE") ? LOG_LVL_DEBUG : -1);
	org_init(&A, 0xa1, "CPAS d'Anderlecht");
	org_init(&B, 0xb2, "Thuisverpleging Zuid");
	org_init(&C, 0xc3, "Outsider");
	prov = keys_secret_new(KEYS_KIND_PROVIDER);
	provC = keys_secret_new(KEYS_KIND_PROVIDER);
	uint64_t now = (uint64_t)time(NULL);
	if (keys_cert_make(A.d.keys, prov->sign_pk, prov->curve_pk, "Inès Dubois",
	    "social-worker", now - 60, now + 86400, &cert, &certlen) != 0 ||
	    keys_cert_make(C.d.keys, provC->sign_pk, provC->curve_pk, "Eve",
	    "gp", now - 60, now + 86400, &certC, &certClen) != 0)
		return 1;
	TAP_RUN(coordinator_opens_and_adds);
	TAP_RUN(member_adopts_and_accepts_once);
	TAP_RUN(forgeries_are_rejected);
	TAP_RUN(bad_provider_signature_is_rejected);
	TAP_RUN(outsider_feed_and_fork);
	TAP_RUN(key_slots_only_from_the_coordinator);
	for (int i = 0; i < 16; i++)
		free(ent[i]);
	free(cert);
	free(certC);
	keys_secret_destroy(&prov);
	keys_secret_destroy(&provC);
	org_free(&A);
	org_free(&B);
	org_free(&C);
	return TAP_DONE();
}
