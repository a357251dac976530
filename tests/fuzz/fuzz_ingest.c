/* fuzz_ingest.c - the rules a peer reaches: each input is taken as the body
 * of a peer's ENTRIES message and goes where sync.c's take_entries sends
 * it (adoption of the case, then ingest_batch: its signatures pre-checked,
 * then two passes of the rules), against real
 * LMDB stores in a temporary directory.
 *
 * LLVMFuzzerInitialize builds three organizations from fixed seeds
 * (ingest_fixture.h): A opens a case, adds B and writes notes, a history
 * grant, a revocation and a rotation; B adopts the case from A's first two
 * entries (the genesis and its addition) and commits that once, so most
 * inputs reach the checks of entries B lacks; C is an outsider. Each input
 * then runs at B and at C, invariants are checked, and both stores abort:
 * every input starts from the same committed state (no fsync per input).
 *
 * Every run builds the same case, byte for byte: the target brings its own
 * clock (daemon/clock.c is not linked; clock_now_ms below) and a fixed
 * stream of "random" bytes (libsodium's randombytes, before sodium_init).
 * So a crash file replays in a new process, and the real batches of a run
 * are seeds for every later run. Given a corpus directory (the first
 * argument that is an existing directory), Initialize writes them there
 * ("real-*": the whole case, the case without its genesis, single pushes,
 * duplicates, a fork, an outsider's entry, erased bodies); the checked-in
 * ones in tests/fuzz/seeds/fuzz_ingest were written so, the others there
 * by mkseeds.c.
 *
 * FUZZ_INGEST_LOG=1 turns the daemon's log on (stderr). Every input also
 * checks that every entry B accepts from A's feed has had its effect
 * (effects_ok: an envelope without its body is refused, so none skips
 * it). */
#define _XOPEN_SOURCE 700      /* nftw */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "ingest_fixture.h"
#include "../fixture.h"
#include "../../daemon/clock.h"
#include "../../daemon/daemon.h"
#include "../../daemon/derr.h"
#include "../../daemon/feed.h"
#include "../../daemon/log.h"
#include "../../daemon/member.h"
#include "../../daemon/state.h"
#include "../../proto/charter.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Setup that must work, and invariants: name the failed condition, then
 * abort so libFuzzer keeps the input. */
#define NEED(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_ingest: %s:%d: %s\n", __FILE__, __LINE__, #c); \
	abort(); } } while (0)

typedef struct {
	cahierd_t *d;
	char dir[PATH_MAX];
} org_t;

static char root[PATH_MAX];      /* the temporary directory */
static org_t A, B, C;            /* coordinator, member, outsider */
static keys_secret_t *prov_sw, *prov_gp, *prov_old, *prov_b;
static uint8_t *cert_sw, *cert_gp, *cert_b;
static size_t cert_swlen, cert_gplen, cert_blen;
static uint8_t case_id[CH_CASE_LEN], salt[16];

/* A's feed as A wrote it: seq i + 1 is ent[i]. */
enum { E_GENESIS, E_ADD, E_NOTE, E_MEDICAL, E_HISTORY, E_REVOKE, E_ROTATE,
	E_NOTE2, NENT };
static uint8_t *ent[NENT], eid[NENT][32];
static size_t entlen[NENT];
static uint8_t *fork3, fork3id[32];  /* a second seq 3, validly signed by A */
static size_t fork3len;
static uint8_t *bnote;               /* B's own note, seq 1 of B's feed */
static size_t bnotelen;
static uint8_t *outsider;            /* C's entry in the case */
static size_t outsiderlen;
static uint8_t *real_batch;          /* the whole case as one batch */
static size_t real_batchlen;

/* The keys A holds, to compare B's with: epochs 0..2, audiences 1..6. */
#define NEPOCH 3
#define NAUD 6
static uint8_t akey[NEPOCH][NAUD][32];
static int ahas[NEPOCH][NAUD];

/* B's committed state, which every input must leave as it found it. */
#define MAXHEADS 8
typedef struct {
	size_t n;
	struct { uint8_t org[32]; uint64_t seq; uint8_t id[32]; } h[MAXHEADS];
} heads_t;
static heads_t b_heads;
static uint32_t b_epoch;


/* --- A fixed clock and a fixed stream of random bytes --- */

/* The daemon's clock (daemon/clock.h): FI_TIME_MS, moved on by a second
 * for each plain body Initialize signs, then still while inputs run. */
static int64_t now_ms = (int64_t)FI_TIME_MS;

int64_t
clock_now_ms(void)
{
	return now_ms;
}

/* ChaCha20 under a fixed key, one nonce per call. */
static uint64_t rng_calls;

static void
rng_buf(void *const buf, const size_t n)
{
	static const uint8_t key[32] = "cahier fuzz_ingest fixed stream";
	uint8_t nonce[12] = { 0 };
	uint64_t k = rng_calls++;

	for (int i = 0; i < 8; i++)
		nonce[i] = (uint8_t)(k >> (8 * i));
	memset(buf, 0, n);
	crypto_stream_chacha20_ietf_xor(buf, buf, n, nonce, key);
}

static uint32_t
rng_u32(void)
{
	uint32_t r;
	rng_buf(&r, sizeof(r));
	return r;
}

static const char *
rng_name(void)
{
	return "fuzz_ingest";
}

static struct randombytes_implementation rng_fixed = {
	.implementation_name = rng_name,
	.random = rng_u32,
	.buf = rng_buf,
};

/* --- Building the case --- */

static void
org_init(org_t *o, uint8_t byte, const char *sub, const char *name)
{
	NEED((size_t)snprintf(o->dir, sizeof(o->dir), "%s/%s", root, sub) < sizeof(o->dir));
	NEED(mkdir(o->dir, 0700) == 0);
	NEED(fix_daemon(o->dir, fi_identity(KEYS_KIND_ORG, byte), name, 1700000000, &o->d) == 0);
}

static void
provider(keys_secret_t **k, uint8_t byte, org_t *o, const char *name,
    const char *role, uint8_t **cert, size_t *certlen)
{
	uint64_t now = FI_TIME_MS / 1000;
	NEED((*k = fi_identity(KEYS_KIND_PROVIDER, byte)) != NULL);
	NEED(keys_cert_make(o->d->keys, (*k)->sign_pk, (*k)->curve_pk, name, role,
	    now - 3600, now + 30 * 86400, cert, certlen) == 0);
}

/* A plain body of kind with fields for audience, signed by provider pk. */
static uint8_t *
plain(const keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t kind,
    uint8_t audience, const uint8_t *fields, size_t fl, size_t *n)
{
	ch_plain_t p;
	uint8_t *out;

	now_ms += 1000;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.cert = ct;
	p.certlen = ctl;
	p.hlc = (uint64_t)clock_now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fl;
	NEED(ch_plain_encode(&p, case_id, audience, pk->sign_sk, &out, n) == 0);
	return out;
}

static uint8_t *
note(const keys_secret_t *pk, const uint8_t *ct, size_t ctl, uint8_t audience,
    const char *text, size_t *n)
{
	uint8_t *f, *p;
	size_t fl;
	NEED(ch_note_encode(text, &f, &fl) == 0);
	p = plain(pk, ct, ctl, CH_KIND_NOTE, audience, f, fl, n);
	free(f);
	return p;
}

static scase_t *
case_at(org_t *o)
{
	scase_t *c;
	NEED(store_case_get(o->d->store, case_id, 0, &c) == 0);
	return c;
}

/* o's note in the current epoch of its case, through feed_append. */
static void
append_note(org_t *o, const keys_secret_t *pk, const uint8_t *ct, size_t ctl,
    uint8_t audience, const char *text, uint8_t **e, size_t *n, uint8_t id[32])
{
	scase_t *c = case_at(o);
	uint8_t key[32], *pl;
	size_t pln;

	NEED(store_key_get(c, state_epoch(c), audience, key) == 0);
	pl = note(pk, ct, ctl, audience, text, &pln);
	NEED(feed_append(o->d->in, c, state_epoch(c), audience, NULL, 0, key, pl, pln,
	    e, n, id) == 0);
	sodium_memzero(key, sizeof(key));
	free(pl);
}

static void
corg(ch_corg_t *m, org_t *o, const char *role)
{
	memcpy(m->org, o->d->keys->sign_pk, 32);
	m->card = o->d->card;
	m->cardlen = o->d->cardlen;
	m->role = (char *)(uintptr_t)role;
}

/* A's epoch entry for why, asked for by A's social worker with a request of
 * kind reqkind and fields f. */
static void
a_epoch(uint8_t why, const uint8_t *subject, uint8_t reqkind, const uint8_t *f,
    size_t fl, ch_corg_t *orgs, size_t norgs, int slot)
{
	ch_epoch_t ep;
	uint8_t *req;
	size_t rl;

	req = plain(prov_sw, cert_sw, cert_swlen, reqkind, CH_AUD_NETWORK, f, fl, &rl);
	memset(&ep, 0, sizeof(ep));
	ep.why = why;
	if (subject)
		memcpy(ep.subject, subject, 32);
	if (why == CH_WHY_CREATE)
		memcpy(ep.salt, salt, 16);
	ep.request = req;
	ep.requestlen = rl;
	ep.charter.name = (char *)(uintptr_t)"Mevrouw Peeters";
	memcpy(ep.charter.coordinator, A.d->keys->sign_pk, 32);
	ep.charter.orgs = orgs;
	ep.charter.norgs = norgs;
	NEED(ch_charter_default_audiences(&ep.charter) == 0);
	NEED(member_new_epoch(A.d->in, case_at(&A), &ep, &ent[slot], &entlen[slot],
	    eid[slot]) == 0);
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < ep.charter.aud[i].nroles; j++)
			free(ep.charter.aud[i].roles[j]);
		free(ep.charter.aud[i].roles);
	}
	free(req);
}

/* An entry of org made by hand (the daemon would not write it): seq and
 * prev as given (NULL: zeros), sealed under key, signed by org. */
static uint8_t *
build_entry(const keys_secret_t *org, uint64_t seq, const uint8_t *prev,
    uint32_t epoch, uint8_t audience, const uint8_t key[32], const uint8_t *pl,
    size_t pln, size_t *n)
{
	uint8_t *e = fix_entry(org, case_id, seq, prev, epoch, audience,
	    (uint64_t)clock_now_ms(), key, pl, pln, NULL, 0, n);
	NEED(e != NULL);
	return e;
}

static void
build_case(void)
{
	ch_corg_t orgs[2];
	uint8_t *f, *req, key[32];
	size_t fl, rl;
	scase_t *c;

	fi_case(A.d->keys->sign_pk, salt, case_id);
	NEED(store_case_get(A.d->store, case_id, 1, &c) == 0);
	corg(&orgs[0], &A, "coordination");
	corg(&orgs[1], &B, "home-nursing");
	NEED(ch_create_encode(salt, "Mevrouw Peeters", &f, &fl) == 0);
	a_epoch(CH_WHY_CREATE, NULL, CH_REQ_CASE_NEW, f, fl, orgs, 1, E_GENESIS);
	free(f);
	NEED(ch_member_encode(B.d->card, B.d->cardlen, "home-nursing", &f, &fl) == 0);
	a_epoch(CH_WHY_ADD, B.d->keys->sign_pk, CH_REQ_ADD_ORG, f, fl, orgs, 2, E_ADD);
	free(f);
	append_note(&A, prov_sw, cert_sw, cert_swlen, CH_AUD_NETWORK, "Huisbezoek maandag",
	    &ent[E_NOTE], &entlen[E_NOTE], eid[E_NOTE]);
	append_note(&A, prov_gp, cert_gp, cert_gplen, CH_AUD_MEDICAL, "Medicatie aangepast",
	    &ent[E_MEDICAL], &entlen[E_MEDICAL], eid[E_MEDICAL]);
	NEED(ch_orgref_encode(B.d->keys->sign_pk, &f, &fl) == 0);
	req = plain(prov_sw, cert_sw, cert_swlen, CH_REQ_HISTORY, CH_AUD_NETWORK, f, fl, &rl);
	free(f);
	NEED(member_grant_history(A.d->in, case_at(&A), B.d->keys->sign_pk, req, rl,
	    &ent[E_HISTORY], &entlen[E_HISTORY], eid[E_HISTORY]) == 0);
	free(req);
	NEED(member_revoke(A.d->in, case_at(&A), prov_old->sign_pk, (uint64_t)now_ms / 1000,
	    &ent[E_REVOKE], &entlen[E_REVOKE], eid[E_REVOKE]) == 0);
	a_epoch(CH_WHY_ROTATE, NULL, CH_REQ_ROTATE, NULL, 0, orgs, 2, E_ROTATE);
	append_note(&A, prov_sw, cert_sw, cert_swlen, CH_AUD_NETWORK, "Overleg gepland",
	    &ent[E_NOTE2], &entlen[E_NOTE2], eid[E_NOTE2]);
	NEED(state_epoch(case_at(&A)) == 2);
	NEED(store_commit(A.d->store) == 0);

	c = case_at(&A);
	for (uint32_t e = 0; e < NEPOCH; e++)
		for (uint8_t a = 1; a <= NAUD; a++)
			ahas[e][a - 1] = store_key_get(c, e, a, akey[e][a - 1]) == 0;
	NEED(ahas[2][CH_AUD_NETWORK - 1] && ahas[1][CH_AUD_NETWORK - 1]);

	/* A second seq 3 signed by A: a fork of A's feed. */
	uint8_t *pl;
	size_t pln;
	memcpy(key, akey[1][CH_AUD_NETWORK - 1], 32);
	pl = note(prov_sw, cert_sw, cert_swlen, CH_AUD_NETWORK, "Andere versie", &pln);
	fork3 = build_entry(A.d->keys, 3, eid[E_ADD], 1, CH_AUD_NETWORK, key, pl, pln, &fork3len);
	free(pl);
	ch_env_t env;
	const uint8_t *b;
	size_t bl;
	NEED(ch_entry_split(fork3, fork3len, &env, &b, &bl) == 0);
	ch_env_id(&env, fork3id);
	/* C, not a member, writes into the case anyway. */
	pl = note(prov_sw, cert_sw, cert_swlen, CH_AUD_NETWORK, "Ik ben geen lid", &pln);
	outsider = build_entry(C.d->keys, 1, NULL, 1, CH_AUD_NETWORK, key, pl, pln, &outsiderlen);
	free(pl);
	sodium_memzero(key, sizeof(key));
}

/* --- What sync.c's take_entries does with a batch --- */

/* Adopts the case of the batch if o does not hold it or is not in it yet,
 * then ingests its items (ingest_batch: two passes, an entry can depend on
 * a membership entry later in the batch), outcomes in res[]. Returns 0, or the adoption's
 * error when o does not hold the case and cannot join it. */
static int
take_entries(org_t *o, const uint8_t cid[16], const ch_slice_t *items, size_t n,
    int *res)
{
	uint8_t coord[32];
	scase_t *c, *nc;
	ingest_tally_t t;

	int held = store_case_get(o->d->store, cid, 0, &c) == 0;
	if (held && !state_is_member(c, keyring_org(o->d->kr)) &&
	    member_adopt(o->d->in, o->d->store, cid, items, n, "peer", &nc, coord) == 0)
		c = nc;
	if (!held) {
		/* sync.c joins a case it does not hold with member_join. */
		int rc = member_join(o->d->in, o->d->store, cid, items, n, "peer", &c, coord, &t);
		NEED(rc != 0 || c != NULL);
		return rc;
	}
	/* As sync.c: the batch's signatures pre-checked on all cores, then the
	 * rules in two passes (ingest_batch). */
	NEED(ingest_batch_outcomes(o->d->in, c, items, n, "peer", &t, res) == 0);
	return 0;
}

/* --- Invariants --- */

static int
head_add(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	heads_t *h = arg;
	NEED(h->n < MAXHEADS);
	memcpy(h->h[h->n].org, org, 32);
	h->h[h->n].seq = seq;
	memcpy(h->h[h->n].id, id, 32);
	h->n++;
	return 0;
}

static void
heads_of(org_t *o, heads_t *h)
{
	memset(h, 0, sizeof(*h));
	NEED(store_heads_each(case_at(o), head_add, h) == 0);
}

/* ingest_entry's contract: an outcome, or a store or proto error. */
static int
outcome_ok(int rc)
{
	return (rc >= INGEST_STORED && rc <= INGEST_REFUSED) ||
	    (rc >= ST_ERR_FULL && rc <= ST_ERR_NOTFOUND) ||
	    (rc >= CH_ERR_NOKEY && rc <= CH_ERR_TRUNCATED);
}

/* An entry B stored is one that A or B signed in Initialize (the fuzzer
 * cannot sign; C is not a member), whole: an envelope without its body is
 * never stored. */
static int
known_entry(const uint8_t *p, size_t n)
{
	const uint8_t *all[NENT + 2];
	size_t len[NENT + 2], k = 0;

	for (int i = 0; i < NENT; i++) {
		all[k] = ent[i];
		len[k++] = entlen[i];
	}
	all[k] = fork3;
	len[k++] = fork3len;
	all[k] = bnote;
	len[k++] = bnotelen;
	for (size_t i = 0; i < k; i++)
		if (n == len[i] && memcmp(p, all[i], n) == 0)
			return 1;
	return 0;
}

/* Every key B holds of epochs 0..2 is A's key for that slot; none later. */
static void
keys_ok(scase_t *c)
{
	uint8_t k[32];
	for (uint32_t e = 0; e <= NEPOCH; e++) {
		for (uint8_t a = 1; a <= NAUD; a++) {
			int rc = store_key_get(c, e, a, k);
			NEED(rc == 0 || rc == ST_ERR_NOTFOUND);
			if (rc == 0) {
				NEED(e < NEPOCH && ahas[e][a - 1]);
				NEED(sodium_memcmp(k, akey[e][a - 1], 32) == 0);
			}
		}
	}
	sodium_memzero(k, sizeof(k));
}

/* What B holds of A's feed is A's feed (or the fork at seq 3, which ends
 * it): the head is one of the entries A signed at that seq. */
static void
a_head_ok(scase_t *c)
{
	uint64_t seq;
	uint8_t id[32];
	NEED(store_head(c, A.d->keys->sign_pk, &seq, id) == 0);
	NEED(seq <= NENT);
	if (seq)
		NEED(memcmp(id, eid[seq - 1], 32) == 0 ||
		    (seq == 3 && memcmp(id, fork3id, 32) == 0));
}

/* Strict: every entry B holds of A's feed has had its effect. The epoch
 * entries started their epochs, the history grant left B the keys of epoch
 * 0, the revocation is recorded. An entry accepted with its body erased
 * does none of that (see the report of this target). */
static void
effects_ok(scase_t *c)
{
	uint64_t seq;
	uint8_t id[32], k[32];
	NEED(store_head(c, A.d->keys->sign_pk, &seq, id) == 0);
	if (seq > E_ADD && memcmp(id, eid[seq - 1], 32) == 0) {
		NEED(state_epoch(c) >= (seq > E_ROTATE ? 2u : 1u));
		if (seq > E_HISTORY)
			NEED(store_key_get(c, 0, CH_AUD_NETWORK, k) == 0);
		if (seq > E_REVOKE)
			NEED(state_revoked_at(c, A.d->keys->sign_pk, prov_old->sign_pk) ==
			    E_REVOKE + 1);
	}
	sodium_memzero(k, sizeof(k));
}

static void
b_state_ok(scase_t *c)
{
	uint8_t coord[32];
	NEED(state_coordinator(c, coord) == 0);
	NEED(memcmp(coord, A.d->keys->sign_pk, 32) == 0);
	NEED(state_epoch(c) >= b_epoch && state_epoch(c) < NEPOCH);
	NEED(state_is_member(c, B.d->keys->sign_pk));
	keys_ok(c);
	a_head_ok(c);
	effects_ok(c);
}

/* One batch at B and at C, checked, then forgotten. Returns how many
 * entries B stored. */
static size_t
run_batch(const uint8_t *data, size_t size)
{
	uint8_t cid[CH_CASE_LEN], more;
	ch_slice_t *items = NULL;
	size_t n = 0, stored = 0;
	int *res, rc;

	if (ch_batch_decode(data, size, cid, &more, &items, &n) != 0)
		return 0;
	NEED((res = calloc(n ? n : 1, sizeof(*res))) != NULL);
	int ours = memcmp(cid, case_id, 16) == 0;

	rc = take_entries(&B, cid, items, n, res);
	if (ours) {
		/* B holds the case and is in it: no adoption to fail. */
		NEED(rc == 0);
		for (size_t i = 0; i < n; i++) {
			NEED(outcome_ok(res[i]));
			if (res[i] == INGEST_STORED) {
				NEED(known_entry(items[i].p, items[i].n));
				stored++;
			}
		}
		b_state_ok(case_at(&B));
	} else {
		/* No entry anyone signed welcomes B to another case. */
		NEED(rc == DERR_NOTJOINED);
	}
	/* C is welcomed by none of the entries: it never joins. */
	memset(res, 0, (n ? n : 1) * sizeof(*res));
	NEED(take_entries(&C, cid, items, n, res) == DERR_NOTJOINED);

	store_abort(B.d->store);
	store_abort(C.d->store);
	free(res);
	free(items);

	/* Back where Initialize left them. */
	heads_t h;
	heads_of(&B, &h);
	NEED(h.n == b_heads.n && memcmp(&h, &b_heads, sizeof(h)) == 0);
	NEED(state_epoch(case_at(&B)) == b_epoch);
	NEED(store_forked_get(case_at(&B), A.d->keys->sign_pk) == 0);
	NEED(store_forked_get(case_at(&B), B.d->keys->sign_pk) == 0);
	NEED(!store_case_exists(C.d->store, case_id));
	return stored;
}

/* --- Seeds: real batches of this run --- */

static uint8_t *
batch_of(const int *idx, size_t n, uint8_t more, size_t *len)
{
	ch_slice_t items[32];
	uint8_t *out;

	NEED(n <= 32);
	for (size_t i = 0; i < n; i++) {
		switch (idx[i]) {
		case -1: items[i].p = fork3; items[i].n = fork3len; break;
		case -2: items[i].p = bnote; items[i].n = bnotelen; break;
		case -3: items[i].p = outsider; items[i].n = outsiderlen; break;
		default:
			if (idx[i] >= 100) { /* the body erased */
				items[i].p = ent[idx[i] - 100];
				items[i].n = CH_ENV_LEN;
			} else {
				items[i].p = ent[idx[i]];
				items[i].n = entlen[idx[i]];
			}
		}
	}
	NEED(ch_batch_encode(case_id, more, items, n, &out, len) == 0);
	return out;
}

static void
seed_put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[PATH_MAX];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		fprintf(stderr, "fuzz_ingest: cannot write seed %s\n", path);
}

static void
seeds_write(const char *dir)
{
	static const struct {
		const char *name;
		int idx[16];
		size_t n;
	} s[] = {
		{ "real-whole", { 0, 1, 2, 3, 4, 5, 6, 7, -2 }, 9 },
		{ "real-no-genesis", { 1, 2, 3, 4, 5, 6, 7 }, 7 },
		{ "real-push-note", { E_NOTE }, 1 },
		{ "real-push-medical", { E_MEDICAL }, 1 },
		{ "real-push-rotation", { E_ROTATE }, 1 },
		{ "real-duplicate", { E_NOTE, E_NOTE, E_GENESIS, -2 }, 4 },
		{ "real-reversed", { 7, 6, 5, 4, 3, 2, 1, 0 }, 8 },
		{ "real-tail", { E_HISTORY, E_REVOKE, E_ROTATE, E_NOTE2 }, 4 },
		{ "real-fork", { E_NOTE, -1, E_MEDICAL }, 3 },
		{ "real-fork-first", { -1, E_NOTE }, 2 },
		{ "real-outsider", { -3, E_NOTE }, 2 },
		{ "real-erased-note", { E_NOTE + 100, E_MEDICAL }, 2 },
		/* The rotation erased, then whole: see effects_ok. */
		{ "real-erased-rotation", { 2, 3, 4, 5, E_ROTATE + 100, 7, E_ROTATE }, 7 },
	};
	uint8_t *b;
	size_t n;

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		b = batch_of(s[i].idx, s[i].n, 0, &n);
		seed_put(dir, s[i].name, b, n);
		free(b);
	}
}

/* --- Set-up and clean-up --- */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	cahierd_destroy(&A.d);
	cahierd_destroy(&B.d);
	cahierd_destroy(&C.d);
	if (root[0])
		(void)nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	for (int i = 0; i < NENT; i++)
		free(ent[i]);
	free(fork3);
	free(bnote);
	free(outsider);
	free(real_batch);
	free(cert_sw);
	free(cert_gp);
	free(cert_b);
	keys_secret_destroy(&prov_sw);
	keys_secret_destroy(&prov_gp);
	keys_secret_destroy(&prov_old);
	keys_secret_destroy(&prov_b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	uint8_t bid[32];
	int res[2] = { 0, 0 };

	/* Before sodium_init: every "random" byte comes from rng_fixed. */
	NEED(randombytes_set_implementation(&rng_fixed) == 0);
	fuzz_init();
	log_init("fuzz_ingest", getenv("FUZZ_INGEST_LOG") ? LOG_LVL_DEBUG : -1);
	NEED((size_t)snprintf(root, sizeof(root), "%s/cahier-fuzz-ingest.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp") < sizeof(root));
	NEED(mkdtemp(root) != NULL);
	NEED(atexit(cleanup) == 0);

	org_init(&A, FI_ORG_A, "a", "CPAS d'Anderlecht");
	org_init(&B, FI_ORG_B, "b", "Thuisverpleging Zuid");
	org_init(&C, FI_ORG_C, "c", "Outsider");
	provider(&prov_sw, FI_PROV_SW, &A, "Ines Dubois", "social-worker", &cert_sw, &cert_swlen);
	provider(&prov_gp, FI_PROV_GP, &A, "Dr. Janssens", "gp", &cert_gp, &cert_gplen);
	NEED((prov_old = fi_identity(KEYS_KIND_PROVIDER, FI_PROV_OLD)) != NULL);
	provider(&prov_b, FI_PROV_B, &B, "Bart", "home-nurse", &cert_b, &cert_blen);
	build_case();

	/* B joins from A's first two entries, as from a peer, and writes a note. */
	ch_slice_t first[2] = { { ent[E_GENESIS], entlen[E_GENESIS] },
		{ ent[E_ADD], entlen[E_ADD] } };
	NEED(take_entries(&B, case_id, first, 2, res) == 0);
	NEED(res[0] == INGEST_STORED && res[1] == INGEST_STORED);
	append_note(&B, prov_b, cert_b, cert_blen, CH_AUD_NETWORK, "Wondzorg gedaan",
	    &bnote, &bnotelen, bid);
	NEED(store_commit(B.d->store) == 0);
	b_epoch = state_epoch(case_at(&B));
	NEED(b_epoch == 1);
	heads_of(&B, &b_heads);
	NEED(b_heads.n == 2);

	/* The whole case as one batch: B takes every entry it lacks, and the
	 * state goes back when the store aborts. */
	static const int whole[] = { 0, 1, 2, 3, 4, 5, 6, 7, -2 };
	real_batch = batch_of(whole, 9, 0, &real_batchlen);
	NEED(run_batch(real_batch, real_batchlen) == NENT - 2);

	for (int i = 1; i < *argc; i++) {
		struct stat st;
		const char *a = (*argv)[i];
		if (a[0] == '-' || stat(a, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		seeds_write(a);
		break;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)run_batch(data, size);
	return 0;
}
