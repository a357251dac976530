/* fuzz_index.c - the rules a peer reaches through the timeline (index.c):
 * each input is a small case of care entries of three organizations
 * (tests/index_fixture.h: A coordinates, B reads, C), with the kinds,
 * fields, references (to earlier entries, to versions, to entries of other
 * feeds stored later, to no entry), times and audiences the input chooses;
 * they are stored at B feed by feed in an order the input chooses, the
 * index caught up between, then a few queries the input chooses run on the
 * index and through reads_handle. Invariants, for every hit set:
 *   - every hit is an entry of the store;
 *   - no hit is an earlier version unless CH_RQ_VERSIONS asked for them;
 *   - hidden_by is set exactly when hidden, and is the root's organization;
 *   - every acknowledging organization is addressed by the alert;
 *   - hits are in (time, org, seq) order, and a cursor's next page (before
 *     or after it) never repeats one;
 *   - the read reply encodes (reads_handle answers ok).
 * Each input ends with store_abort and index_forget: every input starts
 * from the same committed case.
 *
 * Deterministic: the target brings its own clock (daemon/clock.c is not
 * linked) and a fixed stream of "random" bytes, as fuzz_ingest does.
 *
 * Input: byte 0: entries (mod 65); byte 1: the order the feeds are stored
 * in; then per entry 8 bytes (org, kind, audience, time step, reference,
 * supersedes, orgs mask, status), then queries of 12 bytes each (at most
 * 4). Seeds in tests/fuzz/seeds/fuzz_index. FUZZ_INDEX_TRACE=1 prints the
 * hits and the entries whose fields do not encode. */
#define _XOPEN_SOURCE 700      /* nftw */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "../index_fixture.h"
#include "../../daemon/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

#define NEED(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_index: %s:%d: %s\n", __FILE__, __LINE__, #c); \
	abort(); } } while (0)

#define FX_TIME_MS UINT64_C(1700000000000)
#define MAXE 64

static int64_t now_ms = (int64_t)FX_TIME_MS;

int64_t
clock_now_ms(void)
{
	return now_ms;
}

static uint64_t rng_calls;

static void
rng_buf(void *const buf, const size_t n)
{
	static const uint8_t key[32] = "cahier fuzz_index fixed stream.";
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
	return "fuzz_index";
}

static struct randombytes_implementation rng_fixed = {
	.implementation_name = rng_name,
	.random = rng_u32,
	.buf = rng_buf,
};

static char root[PATH_MAX], sub[3][PATH_MAX];
static ixf_t F;

/* ---- the input ---- */

typedef struct {
	const uint8_t *p;
	size_t n;
} in_t;

static uint8_t
take(in_t *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

typedef struct {
	int org;
	uint8_t kind, aud;
	uint64_t time;
	uint8_t *e;
	size_t n;
	uint8_t id[32];
	uint64_t seq;
	uint8_t addressed;       /* an alert's addressees: bit per org */
} fent_t;

static fent_t ents[MAXE];
static size_t nents;
static const ixf_prov_t *
prov_of(int o)
{
	return o == IXF_A ? &F.anote : o == IXF_B ? &F.nurse : &F.gp;
}

static const uint8_t kinds[] = {
	CH_KIND_NOTE, CH_KIND_GOAL, CH_KIND_TASK, CH_KIND_APPOINTMENT, CH_KIND_ALERT,
	CH_KIND_ACK, CH_KIND_KEEP, CH_KIND_CHECKIN, CH_KIND_HIDE, CH_KIND_NOTE,
	CH_KIND_ALERT, CH_KIND_ACK, CH_KIND_HIDE, CH_KIND_TASK,
};

/* A reference chosen by b: an earlier entry (of any feed), a random id
 * (no entry), or none. */
static const uint8_t *
ref_of(uint8_t b, uint8_t none[32])
{
	if (b < 0x10 || nents == 0) {
		memset(none, 0, 32);
		if (b >= 0x08)
			none[0] = b, none[31] = 0x77;   /* no such entry */
		return none;
	}
	return ents[(b - 0x10) % nents].id;
}

static void
orgs_of(uint8_t mask, uint8_t v[3][32], ch_orgs_t *l)
{
	l->n = 0;
	l->id = v;
	for (int i = 0; i < 3; i++)
		if (mask & (1 << i))
			memcpy(v[l->n++], ixf_org(&F, i), 32);
}

/* Makes entry i from 8 bytes of the input; returns 0 if its fields do not
 * encode (then it is not made). */
static int
make_entry(in_t *in, uint64_t *t)
{
	fent_t *e = &ents[nents];
	uint8_t b[8], none[32], none2[32], v[3][32];
	ch_fields_t f;
	uint8_t *fl = NULL;
	size_t fln = 0;
	for (int i = 0; i < 8; i++)
		b[i] = take(in);
	e->org = b[0] % 3;
	e->addressed = 0;
	e->kind = kinds[b[1] % sizeof(kinds)];
	e->aud = (uint8_t)(CH_AUD_NETWORK + b[2] % 3);   /* network, care, medical */
	/* Forwards mostly, sometimes back: signed steps of seconds. */
	*t += (uint64_t)(int64_t)((int8_t)b[3]) * 1000 + 60000;
	e->time = *t;
	const uint8_t *ref = ref_of(b[4], none);
	const uint8_t *sup = b[5] & 1 ? ref_of(b[5] >> 1, none2) : NULL;
	memset(&f, 0, sizeof(f));
	f.kind = e->kind;
	char text[8];
	snprintf(text, sizeof(text), "t%02x%02x", b[6], b[7]);
	uint8_t mask = b[6] & 7;
	switch (e->kind) {
	case CH_KIND_NOTE:
		f.u.note.text = text;
		break;
	case CH_KIND_GOAL:
		f.u.goal.whose = CH_GOAL_SHARED;
		f.u.goal.status = (uint8_t)(1 + b[7] % 3);
		f.u.goal.text = text;
		orgs_of(mask, v, &f.u.goal.workers);
		break;
	case CH_KIND_TASK:
		f.u.task.status = (uint8_t)(1 + b[7] % 3);
		memcpy(f.u.task.owner, ixf_org(&F, (b[6] >> 3) % 3), 32);
		f.u.task.text = text;
		if (b[4] & 0x80)
			memcpy(f.u.task.goal, ref, 32);
		break;
	case CH_KIND_APPOINTMENT:
		f.u.appt.status = (uint8_t)(1 + b[7] % 3);
		f.u.appt.at = *t + 86400000;
		f.u.appt.what = text;
		f.u.appt.where = (char *)(uintptr_t)"";
		f.u.appt.with = (char *)(uintptr_t)"";
		orgs_of(mask, v, &f.u.appt.orgs);
		break;
	case CH_KIND_ALERT:
		f.u.alert.priority = (uint8_t)(1 + b[7] % 3);
		f.u.alert.text = text;
		orgs_of(mask ? mask : 2, v, &f.u.alert.addressed);
		e->addressed = mask ? mask : 2;
		break;
	case CH_KIND_ACK:
		memcpy(f.u.ack.alert, ref, 32);
		f.u.ack.text = (char *)(uintptr_t)"";
		break;
	case CH_KIND_KEEP:
		f.u.keep.active = (uint8_t)(b[7] & 1);
		f.u.keep.every_days = 1 + b[7] % 7;
		f.u.keep.text = text;
		break;
	case CH_KIND_CHECKIN:
		memcpy(f.u.checkin.keep, ref, 32);
		f.u.checkin.text = text;
		break;
	case CH_KIND_HIDE:
		memcpy(f.u.hide.target, ref, 32);
		f.u.hide.reason = CH_HIDE_ERROR;
		break;
	}
	if (ch_fields_encode(&f, &fl, &fln) != 0) {
		if (getenv("FUZZ_INDEX_TRACE"))
			fprintf(stderr, "entry of kind %u does not encode\n", e->kind);
		return 0;
	}
	/* Made now (its id known to the entries after it), stored later. */
	NEED(ixf_put_raw(&F, e->org, prov_of(e->org), e->kind, e->aud, e->time, fl, fln, sup,
	    0, e->id, &e->e, &e->n) == 0);
	free(fl);
	e->seq = F.chain_seq[e->org];
	return 1;
}

/* ---- storing ---- */

static void
store_one(const fent_t *e)
{
	NEED(store_entry_put(ixf_case(&F, IXF_B), ixf_org(&F, e->org), e->seq, e->id, e->e,
	    e->n) == 0);
}

/* ---- invariants ---- */

static scase_t *
cB(void)
{
	return ixf_case(&F, IXF_B);
}

static void
env_of(const uint8_t org[32], uint64_t seq, ch_env_t *env)
{
	uint8_t *e = NULL;
	size_t n = 0, bl;
	const uint8_t *b;
	NEED(store_entry_get(cB(), org, seq, &e, &n) == 0);  /* the hit exists */
	NEED(ch_entry_split(e, n, env, &b, &bl) == 0);
	free(e);
}

static int
cmp_env(const ch_env_t *a, const ch_env_t *b)
{
	if (a->time_ms != b->time_ms)
		return a->time_ms < b->time_ms ? -1 : 1;
	int o = memcmp(a->org, b->org, 32);
	if (o)
		return o;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static ixhit_t *run_query(const ch_readreq_t *rq, const char *role, size_t *n, int *more);

/* The organizations some version of the alert root addresses. An ack is
 * counted when the version latest at its place in the order addresses its
 * org; a later version may address others (the ack still shows, while
 * CH_RQ_UNACKED counts the latest version's addressees only). */
static uint8_t
addressed_ever(const uint8_t root[32])
{
	ch_readreq_t rq;
	size_t n;
	int more;
	uint8_t m = 0;
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.entry, root, 32);
	rq.flags = CH_RQ_VERSIONS;
	rq.last = CH_PAGE_MAX;
	ixhit_t *h = run_query(&rq, "home-nurse", &n, &more);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nents; k++)
			if (ents[k].seq == h[i].seq && memcmp(ixf_org(&F, ents[k].org), h[i].org, 32) == 0)
				m |= ents[k].addressed;
	free(h);
	return m;
}

static void
hits_ok(ixcase_t *x, const ch_readreq_t *rq, const ixhit_t *h, size_t n)
{
	ch_env_t prev, env;
	for (size_t i = 0; i < n; i++) {
		uint8_t id[32];
		ixinfo_t in, rin;
		env_of(h[i].org, h[i].seq, &env);
		ch_env_id(&env, id);
		NEED(index_lookup(x, id, &in) == 0);
		NEED(memcmp(in.root, h[i].root, 32) == 0);
		if (!(rq->flags & CH_RQ_VERSIONS))
			NEED(in.latest);
		NEED(h[i].versions >= 1);
		NEED(index_lookup(x, h[i].root, &rin) == 0);
		NEED((h[i].state == CH_IT_HIDDEN) == !sodium_is_zero(h[i].hidden_by, 32));
		if (h[i].state == CH_IT_HIDDEN)
			NEED(memcmp(h[i].hidden_by, rin.org, 32) == 0);
		NEED(h[i].nacks <= CH_ACKS_MAX);
		uint8_t ever = h[i].nacks ? addressed_ever(h[i].root) : 0;
		for (size_t k = 0; k < h[i].nacks; k++) {
			NEED(rin.kind == CH_KIND_ALERT);
			int o;
			for (o = 0; o < 3; o++)
				if (memcmp(h[i].acks[k].org, ixf_org(&F, o), 32) == 0)
					break;
			NEED(o < 3 && (ever & (1 << o)));
			for (size_t j = 0; j < k; j++)
				NEED(memcmp(h[i].acks[j].org, h[i].acks[k].org, 32) != 0);
		}
		if (i)
			NEED(cmp_env(&prev, &env) < 0);
		prev = env;
	}
}

static ixhit_t *
run_query(const ch_readreq_t *rq, const char *role, size_t *n, int *more)
{
	scase_t *c = cB();
	ixcase_t *x;
	state_epoch_t cur;
	ixhit_t *h = NULL;
	NEED(index_case(F.d[IXF_B]->ix, c, &x) == 0);
	NEED(state_epoch_current(c, &cur) == 0);
	NEED(index_query(x, c, rq, role, &cur.ch, &h, n, more, NULL) == 0);
	state_epoch_free(&cur);
	static int inner;
	if (!inner) {
		inner = 1;       /* addressed_ever queries too */
		hits_ok(x, rq, h, *n);
		inner = 0;
	}
	if (getenv("FUZZ_INDEX_TRACE"))
		for (size_t i = 0; i < *n; i++)
			fprintf(stderr, "hit %02x#%llu state %u versions %u acks %zu\n", h[i].org[0],
			    (unsigned long long)h[i].seq, h[i].state, h[i].versions, h[i].nacks);
	return h;
}

/* The page next to h's (before its first hit, or after its last). */
static void
next_page_ok(const ch_readreq_t *rq, const char *role, const ixhit_t *h, size_t n)
{
	if (n == 0)
		return;
	ch_readreq_t q = *rq;
	int after = (rq->flags & CH_RQ_AFTER) != 0;
	const ixhit_t *edge = after ? &h[n - 1] : &h[0];
	ch_env_t env;
	env_of(edge->org, edge->seq, &env);
	q.cursor.time = env.time_ms;
	memcpy(q.cursor.org, edge->org, 32);
	q.cursor.seq = edge->seq;
	size_t m;
	int more;
	ixhit_t *g = run_query(&q, role, &m, &more);
	for (size_t i = 0; i < m; i++) {
		for (size_t j = 0; j < n; j++)
			NEED(memcmp(g[i].org, h[j].org, 32) != 0 || g[i].seq != h[j].seq);
		ch_env_t ge;
		env_of(g[i].org, g[i].seq, &ge);
		NEED(after ? cmp_env(&ge, &env) > 0 : cmp_env(&ge, &env) < 0);
	}
	free(g);
}

static uint64_t nonce;

/* The same request through the daemon's read path: it answers ok. */
static void
read_ok(ch_readreq_t *rq, ixf_prov_t *p)
{
	uint8_t *req;
	size_t rl;
	cahierd_reply_t rep;
	rq->time_ms = (uint64_t)clock_now_ms();
	nonce++;
	memset(rq->nonce, 0, 16);
	memcpy(rq->nonce, &nonce, sizeof(nonce));
	rq->nonce[15] = 0xf1;
	NEED(ch_readreq_sign(rq, p->k->sign_sk, &req, &rl) == 0);
	memset(&rep, 0, sizeof(rep));
	reads_handle(F.d[IXF_B], &p->pv, req, rl, &rep);
	if (rep.status != CH_ST_OK) {
		char why[CH_REFUSAL_MAX];
		(void)ch_refusal_text(rep.body, rep.len, why, sizeof(why));
		fprintf(stderr, "fuzz_index: read: %s\n", why);
	}
	NEED(rep.status == CH_ST_OK);
	ch_readrep_t rp;
	NEED(ch_readrep_decode(rep.body, rep.len, &rp) == 0);
	ch_readrep_clear(&rp);
	free(rep.body);
	free(req);
}

static void
one_query(in_t *in)
{
	uint8_t b[12];
	ch_readreq_t rq;
	for (int i = 0; i < 12; i++)
		b[i] = take(in);
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.case_id, F.case_id, 16);
	rq.action = CH_ACT_READ;
	rq.purpose = CH_PURPOSE_TREATMENT;
	rq.flags = b[0] & (CH_RQ_OPEN | CH_RQ_UNACKED | CH_RQ_VERSIONS | CH_RQ_AFTER | CH_RQ_REFS);
	if (b[1] & 1)
		rq.kinds = (uint64_t)b[2] << 1 | (uint64_t)(b[1] & 0x80) << 5;
	if (b[1] & 2)
		rq.audiences = (uint8_t)((b[3] & 7) << 1);
	if (b[1] & 4)
		memcpy(rq.org, ixf_org(&F, b[4] % 3), 32);
	if (b[1] & 8)
		memcpy(rq.author, prov_of(b[4] % 3)->k->sign_pk, 32);
	if ((b[1] & 0x10) && nents) {
		const fent_t *e = &ents[b[5] % nents];
		memcpy(rq.entry, e->id, 32);
		if (b[0] & 0x40) {
			rq.flags |= CH_RQ_PREFIX;
			memset(rq.entry + CH_REF_LEN, 0, 32 - CH_REF_LEN);
		}
	}
	if (b[1] & 0x20)
		rq.since = FX_TIME_MS - 86400000 + (uint64_t)b[6] * 120000;
	if (b[1] & 0x40)
		rq.until = FX_TIME_MS - 86400000 + (uint64_t)b[7] * 240000;
	if (b[8] & 1)
		snprintf(rq.search, sizeof(rq.search), "t%02x", b[9]);
	rq.last = 1 + b[10] % 20;
	if ((b[11] & 1) && nents) {
		const fent_t *e = &ents[(b[11] >> 1) % nents];
		rq.cursor.time = e->time + (b[11] & 0x80 ? 1 : 0);
		memcpy(rq.cursor.org, ixf_org(&F, e->org), 32);
		rq.cursor.seq = e->seq;
	}
	const char *role = b[8] & 2 ? "social-worker" : "home-nurse";
	/* Only a request the daemon would decode reaches the index. */
	uint8_t *req;
	size_t rl;
	if (ch_readreq_sign(&rq, F.nurse.k->sign_sk, &req, &rl) != 0)
		return;
	free(req);
	size_t n;
	int more;
	ixhit_t *h = run_query(&rq, role, &n, &more);
	NEED(n <= rq.last);
	next_page_ok(&rq, role, h, n);
	free(h);
	read_ok(&rq, b[8] & 2 ? &F.social : &F.nurse);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in_t in = { data, size };
	size_t want = take(&in) % (MAXE + 1);
	uint8_t order = take(&in);
	uint64_t t = FX_TIME_MS - 86400000;
	scase_t *c = cB();

	nents = 0;
	F.chain = 1;
	for (int o = 0; o < 3; o++)
		NEED(store_head(c, ixf_org(&F, o), &F.chain_seq[o], F.chain_id[o]) == 0);
	for (size_t i = 0; i < want && in.n >= 8; i++)
		if (make_entry(&in, &t))
			nents++;
	/* Feed by feed, in the order the input says, the index caught up after
	 * each: a reference to another feed's entry may come before it. */
	static const int orders[6][3] = { {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0},
		{2, 0, 1}, {2, 1, 0} };
	const int *ord = orders[order % 6];
	ixcase_t *x;
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < nents; i++)
			if (ents[i].org == ord[k])
				store_one(&ents[i]);
		if (order & 0x80)
			NEED(index_case(F.d[IXF_B]->ix, c, &x) == 0);
	}
	NEED(index_case(F.d[IXF_B]->ix, cB(), &x) == 0);
	uint64_t count = 0;
	NEED(store_entries_count(cB(), &count) == 0);
	NEED(index_count(x) == count);
	F.chain = 0;
	for (int q = 0; q < 4 && in.n; q++)
		one_query(&in);
	for (size_t i = 0; i < nents; i++)
		free(ents[i].e);
	store_abort(F.d[IXF_B]->store);
	index_forget(F.d[IXF_B]->ix, F.case_id);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	ixf_free(&F);
	if (root[0])
		(void)nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char *d[3];
	(void)argc; (void)argv;

	NEED(randombytes_set_implementation(&rng_fixed) == 0);
	fuzz_init();
	log_init("fuzz_index", getenv("FUZZ_INDEX_LOG") ? LOG_LVL_DEBUG : -1);
	NEED((size_t)snprintf(root, sizeof(root), "%s/cahier-fuzz-index.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp") < sizeof(root));
	NEED(mkdtemp(root) != NULL);
	NEED(atexit(cleanup) == 0);
	for (int i = 0; i < 3; i++) {
		NEED((size_t)snprintf(sub[i], sizeof(sub[i]), "%s/%c", root, 'a' + i) < sizeof(sub[i]));
		NEED(mkdir(sub[i], 0700) == 0);
		d[i] = sub[i];
	}
	ixf_init(&F, d, FX_TIME_MS / 1000);
	return 0;
}
