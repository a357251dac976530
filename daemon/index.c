/* index.c - the timeline of a case (index.h). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/kinds.h"
#include "../proto/names.h"
#include "index.h"

#define KEYS_MAX 64              /* (epoch, audience) keys met in one pass */
#define ID_HASH(x, id) ((uint32_t)ix_hash((x), (id)))

enum { REF_SUP = 1, REF_TARGET = 2, REF_REPLY = 3 };

typedef struct {
	uint64_t time, seq;
	uint64_t due;            /* task due, appointment time, 0 none */
	uint64_t every_ms;       /* keep-an-eye: the check-in interval */
	uint64_t checkin;        /* keep-an-eye: newest check-in */
	uint64_t hidden_at;
	uint32_t feed;           /* index in x->feeds */
	uint32_t epoch;
	uint32_t root;           /* first version */
	uint32_t latest;         /* on a root: its latest valid version */
	uint32_t hide;           /* on a root: the hide entry, INDEX_NONE none */
	uint32_t nrefs;
	uint32_t orgs;           /* index in x->lists (addressed, owner...) */
	uint32_t acks;           /* on an alert root: index in x->ackv */
	uint32_t ref0;           /* its references: x->refs[ref0 .. ref0+nref) */
	uint8_t nref;
	uint16_t versions;
	uint8_t aud, kind, state, status;
	uint8_t id[32];
	uint8_t author[32];
} ixrec_t;

typedef struct {
	uint32_t rec;
	uint8_t what;            /* REF_* */
	uint8_t id[32];
} ixref_t;

typedef struct {
	size_t n;
	uint8_t (*org)[32];
} ixlist_t;

typedef struct {
	size_t n;
	struct { uint32_t feed; uint64_t time; } v[CH_ACKS_MAX];
} ixacks_t;

typedef struct {
	uint8_t org[32];
	uint64_t seq;            /* indexed up to */
	uint8_t id[32];          /* the id of entry seq, zeros for 0 */
	uint64_t seen;           /* the catch-up that last found its head */
} ixfeed_t;

struct ixcase {
	uint8_t case_id[16];
	uint64_t instance;       /* random, non-zero: this build of the timeline */
	uint64_t used;
	ixrec_t *rec;
	size_t n, cap;
	uint32_t *order;         /* record indices by (time, org, seq) */
	int sorted;
	uint32_t *slots;         /* id hash table: record index + 1, 0 empty */
	size_t nslots;
	uint8_t hkey[crypto_shorthash_KEYBYTES];
	ixfeed_t *feeds;
	size_t nfeeds;
	ixref_t *refs;
	size_t nrefs, refcap;
	ixlist_t *lists;
	size_t nlists, listcap;
	ixacks_t *ackv;
	size_t nackv, ackcap;
	int unresolved;          /* references whose entry was not held */
	int dirty;               /* references added since the last resolve */
	struct { uint32_t epoch; uint8_t aud; } missing[KEYS_MAX];
	size_t nmissing;         /* keys this daemon did not hold */
	uint64_t tmax;
	uint64_t pass;           /* catch-ups so far */
};

/* What the index read is no longer what the store holds: a round whose
 * entries a catch-up saw was aborted (store_abort) and the feeds went back,
 * maybe on to other entries at the same seqs. The case is built anew. */
#define IX_STALE 1

struct index {
	ixcase_t *c[INDEX_CASES];
	uint64_t tick;
	uint64_t opens;          /* bodies decrypted to build timelines */
};

/* ---- memory ---- */

static void
case_free(ixcase_t *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nlists; i++)
		free(x->lists[i].org);
	free(x->rec);
	free(x->order);
	free(x->slots);
	free(x->feeds);
	free(x->refs);
	free(x->lists);
	free(x->ackv);
	sodium_memzero(x, sizeof(*x));
	free(x);
}

int
index_new(index_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CH_ERR_NOMEM;
}

void
index_destroy(index_t **ix)
{
	if (!*ix)
		return;
	for (size_t i = 0; i < INDEX_CASES; i++)
		case_free((*ix)->c[i]);
	free(*ix);
	*ix = NULL;
}

void
index_forget(index_t *ix, const uint8_t case_id[16])
{
	for (size_t i = 0; i < INDEX_CASES; i++)
		if (ix->c[i] && memcmp(ix->c[i]->case_id, case_id, 16) == 0) {
			case_free(ix->c[i]);
			ix->c[i] = NULL;
		}
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return CH_ERR_NOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* ---- the id table: keyed hashing, so that no writer can grind entry ids
 * that pile up in one run of slots. ---- */

static uint64_t
ix_hash(const ixcase_t *x, const uint8_t id[32])
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v = 0;
	crypto_shorthash(h, id, 32, x->hkey);
	memcpy(&v, h, sizeof(v));
	return v;
}

static int
slots_put(ixcase_t *x, uint32_t *slots, size_t nslots, uint32_t r)
{
	size_t m = nslots - 1, i = ID_HASH(x, x->rec[r].id) & m;
	while (slots[i]) {
		if (memcmp(x->rec[slots[i] - 1].id, x->rec[r].id, 32) == 0)
			return 0;  /* the same entry twice (a fork's evidence) */
		i = (i + 1) & m;
	}
	slots[i] = r + 1;
	return 0;
}

static int
slots_grow(ixcase_t *x)
{
	if (x->nslots && (x->n + 1) * 2 <= x->nslots)
		return 0;
	size_t ns = x->nslots ? x->nslots * 2 : 1024;
	while (ns < (x->n + 1) * 2)
		ns *= 2;
	uint32_t *s = calloc(ns, sizeof(*s));
	if (!s)
		return CH_ERR_NOMEM;
	for (size_t r = 0; r < x->n; r++)
		slots_put(x, s, ns, (uint32_t)r);
	free(x->slots);
	x->slots = s;
	x->nslots = ns;
	return 0;
}

static uint32_t
find(const ixcase_t *x, const uint8_t id[32])
{
	if (!x->nslots)
		return INDEX_NONE;
	size_t m = x->nslots - 1, i = ID_HASH(x, id) & m;
	while (x->slots[i]) {
		if (memcmp(x->rec[x->slots[i] - 1].id, id, 32) == 0)
			return x->slots[i] - 1;
		i = (i + 1) & m;
	}
	return INDEX_NONE;
}

/* ---- building ---- */

typedef struct {
	ixcase_t *x;
	scase_t *c;
	uint64_t *opens;
	uint32_t feed;
	uint64_t from;           /* the first seq of this feed read in this pass */
	int stale;               /* IX_STALE met: the walk stopped for it */
	store_keys_t keys;
	int err;
} build_t;

static int
ref_add(ixcase_t *x, uint32_t rec, uint8_t what, const uint8_t id[32])
{
	if (sodium_is_zero(id, 32))
		return 0;
	if (grow((void **)&x->refs, &x->refcap, x->nrefs + 1, sizeof(*x->refs)))
		return CH_ERR_NOMEM;
	x->refs[x->nrefs].rec = rec;
	x->refs[x->nrefs].what = what;
	memcpy(x->refs[x->nrefs].id, id, 32);
	x->nrefs++;
	x->dirty = 1;
	return 0;
}

static uint32_t
list_add(ixcase_t *x, const uint8_t (*orgs)[32], size_t n)
{
	if (grow((void **)&x->lists, &x->listcap, x->nlists + 1, sizeof(*x->lists)))
		return INDEX_NONE;
	ixlist_t *l = &x->lists[x->nlists];
	l->n = n;
	l->org = NULL;
	if (n && !(l->org = malloc(n * 32)))
		return INDEX_NONE;
	if (n)
		memcpy(l->org, orgs, n * 32);
	return (uint32_t)x->nlists++;
}

/* What the index keeps of a body it could open: kind, author, status,
 * references. The body's text is not kept. */
static int
learn(ixcase_t *x, uint32_t r, const uint8_t *plain, size_t pl)
{
	ixrec_t *e = &x->rec[r];
	ch_plain_t p;
	ch_fields_t f;
	int rc;

	e->ref0 = (uint32_t)x->nrefs;
	if (ch_plain_decode(plain, pl, &p) != 0)
		return 0;
	e->kind = p.kind;
	/* The provider key opens the certificate ("CHPC" version key ...);
	 * the certificate was checked when the entry was stored. */
	if (p.certlen >= 5 + 32)
		memcpy(e->author, p.cert + 5, 32);
	if ((rc = ref_add(x, r, REF_SUP, p.supersedes)) != 0 ||
	    (rc = ref_add(x, r, REF_REPLY, p.reply_to)) != 0)
		return rc;
	e->nref = (uint8_t)(x->nrefs - e->ref0);
	if (!ch_kind_is_care(p.kind) || ch_fields_decode(p.kind, p.fields, p.fieldslen, &f) != 0)
		return 0;
	const ch_orgs_t *orgs = NULL;
	ch_ref_t refs[CH_REFS_MAX];
	size_t nr = ch_fields_refs(&f, refs);
	rc = 0;
	for (size_t i = 0; i < nr && !rc; i++)
		rc = ref_add(x, r, REF_TARGET, refs[i].id);
	e->nref = (uint8_t)(x->nrefs - e->ref0);
	switch (p.kind) {
	case CH_KIND_GOAL:
		e->status = f.u.goal.status;
		orgs = &f.u.goal.workers;
		break;
	case CH_KIND_TASK:
		e->status = f.u.task.status;
		e->due = f.u.task.due;
		if (!sodium_is_zero(f.u.task.owner, 32))
			e->orgs = list_add(x, (const uint8_t (*)[32])f.u.task.owner, 1);
		break;
	case CH_KIND_APPOINTMENT:
		e->status = f.u.appt.status;
		e->due = f.u.appt.at;
		orgs = &f.u.appt.orgs;
		break;
	case CH_KIND_ALERT:
		e->status = f.u.alert.priority;
		orgs = &f.u.alert.addressed;
		break;
	case CH_KIND_HANDOVER: {
		/* Addressed to the network's contact point, and its deputy. */
		uint8_t to[2][32];
		size_t nto = 0;
		memcpy(to[nto++], f.u.handover.contact, 32);
		if (!sodium_is_zero(f.u.handover.deputy, 32))
			memcpy(to[nto++], f.u.handover.deputy, 32);
		e->orgs = list_add(x, (const uint8_t (*)[32])to, nto);
		break;
	}
	case CH_KIND_KEEP:
		e->status = f.u.keep.active;
		e->every_ms = (uint64_t)f.u.keep.every_days * 86400000u;
		break;
	case CH_KIND_CONSULTATION:
		e->due = f.u.consult.answer_by;
		break;
	case CH_KIND_DECISION:
		e->due = f.u.decision.due;
		break;
	default:
		break;
	}
	if (orgs && orgs->n)
		e->orgs = list_add(x, (const uint8_t (*)[32])orgs->id, orgs->n);
	ch_fields_clear(&f);
	return rc;
}

static int
build_entry(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	build_t *b = arg;
	ixcase_t *x = b->x;
	ch_env_t env;
	const uint8_t *body;
	size_t bl;
	(void)org;

	if (ch_entry_split(e, n, &env, &body, &bl) != 0)
		return 0;
	/* The entry after the last one indexed must follow it. */
	if (seq == b->from && seq > 1 &&
	    memcmp(env.prev, x->feeds[b->feed].id, 32) != 0)
		return b->stale = ST_ERR_DB;
	if (grow((void **)&x->rec, &x->cap, x->n + 1, sizeof(*x->rec)) || slots_grow(x))
		return b->err = CH_ERR_NOMEM;
	uint32_t r = (uint32_t)x->n;
	ixrec_t *rec = &x->rec[r];
	memset(rec, 0, sizeof(*rec));
	rec->time = env.time_ms;
	rec->seq = seq;
	rec->feed = b->feed;
	rec->epoch = env.epoch;
	rec->aud = env.audience;
	rec->root = rec->latest = r;
	rec->hide = rec->orgs = rec->acks = INDEX_NONE;
	rec->versions = 1;
	ch_env_id(&env, rec->id);
	x->n++;
	slots_put(x, x->slots, x->nslots, r);
	if (env.time_ms > x->tmax)
		x->tmax = env.time_ms;
	if (!body) {
		rec->state = CH_IT_ERASED;
		return 0;
	}
	const uint8_t *key = store_keys_get(&b->keys, env.epoch, env.audience);
	if (!key) {
		/* Before this organization joined, or an audience it is not
		 * in: the epoch's network key tells them apart. */
		rec->state = env.audience != CH_AUD_NETWORK &&
		    store_keys_get(&b->keys, env.epoch, CH_AUD_NETWORK) ? CH_IT_ORG_AUD : CH_IT_BEFORE_JOIN;
		if (x->nmissing < KEYS_MAX) {
			size_t i;
			for (i = 0; i < x->nmissing; i++)
				if (x->missing[i].epoch == env.epoch && x->missing[i].aud == env.audience)
					break;
			if (i == x->nmissing) {
				x->missing[i].epoch = env.epoch;
				x->missing[i].aud = env.audience;
				x->nmissing++;
			}
		}
		return 0;
	}
	uint8_t *plain = NULL;
	size_t pl = 0;
	(*b->opens)++;
	if (ch_body_open(&env, body, bl, key, &plain, &pl) != 0) {
		rec->state = CH_IT_BEFORE_JOIN;
		return 0;
	}
	rec->state = CH_IT_OPEN;
	int rc = learn(x, r, plain, pl);
	sodium_memzero(plain, pl);
	free(plain);
	if (rc)
		b->err = rc;
	return rc;
}

static int
build_head(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	build_t *b = arg;
	ixcase_t *x = b->x;
	size_t f;

	for (f = 0; f < x->nfeeds; f++)
		if (memcmp(x->feeds[f].org, org, 32) == 0)
			break;
	if (f == x->nfeeds) {
		void *p = realloc(x->feeds, (x->nfeeds + 1) * sizeof(*x->feeds));
		if (!p)
			return CH_ERR_NOMEM;
		x->feeds = p;
		memcpy(x->feeds[f].org, org, 32);
		x->feeds[f].seq = 0;
		memset(x->feeds[f].id, 0, 32);
		x->nfeeds++;
	}
	x->feeds[f].seen = x->pass;
	if (seq < x->feeds[f].seq ||
	    (seq == x->feeds[f].seq && memcmp(id, x->feeds[f].id, 32) != 0))
		return b->stale = ST_ERR_DB;
	if (seq == x->feeds[f].seq)
		return 0;
	b->feed = (uint32_t)f;
	b->from = x->feeds[f].seq + 1;
	int rc = store_feed_each(b->c, org, x->feeds[f].seq + 1, seq, build_entry, b);
	if (rc == 0 && b->err)
		rc = b->err;
	if (rc)
		return rc;
	x->feeds[f].seq = seq;
	memcpy(x->feeds[f].id, id, 32);
	return 0;
}

/* ---- order ---- */

static const ixcase_t *sort_x;   /* qsort has no argument: one sort at a time */

static int
rec_cmp(const ixcase_t *x, uint32_t a, uint32_t b)
{
	const ixrec_t *p = &x->rec[a], *q = &x->rec[b];
	if (p->time != q->time)
		return p->time < q->time ? -1 : 1;
	int o = memcmp(x->feeds[p->feed].org, x->feeds[q->feed].org, 32);
	if (o)
		return o;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static int
order_cmp(const void *a, const void *b)
{
	return rec_cmp(sort_x, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Puts the records from old on into the order: appended when they all
 * sort after what was there (the usual case: new entries are newer), else
 * the whole order is sorted again. */
static int
order_catchup(ixcase_t *x, size_t old)
{
	if (x->n == old)
		return 0;
	uint32_t *o = realloc(x->order, x->n * sizeof(*o));
	if (!o)
		return CH_ERR_NOMEM;
	x->order = o;
	int inorder = 1;
	for (size_t i = old; i < x->n; i++) {
		o[i] = (uint32_t)i;
		if (i > 0 && rec_cmp(x, o[i - 1], o[i]) > 0)
			inorder = 0;
	}
	if (!inorder) {
		sort_x = x;
		qsort(o, x->n, sizeof(*o), order_cmp);
		sort_x = NULL;
	}
	return 0;
}

/* ---- references ---- */

static int
org_in(const ixcase_t *x, uint32_t list, const uint8_t org[32])
{
	if (list == INDEX_NONE)
		return 0;
	for (size_t i = 0; i < x->lists[list].n; i++)
		if (memcmp(x->lists[list].org[i], org, 32) == 0)
			return 1;
	return 0;
}

/* May org edit root r? Its author's organization always; for the kinds
 * several organizations work on, those its latest version names too (a
 * task's owner, a goal's workers, an appointment's organizations). */
static int
org_may_edit(const ixcase_t *x, const uint8_t org[32], const ixrec_t *r)
{
	if (memcmp(x->feeds[r->feed].org, org, 32) == 0)
		return 1;
	switch (r->kind) {
	case CH_KIND_TASK:
	case CH_KIND_GOAL:
	case CH_KIND_APPOINTMENT:
		return org_in(x, x->rec[r->latest].orgs, org);
	default:
		return 0;
	}
}

static int
may_edit(const ixcase_t *x, const ixrec_t *e, const ixrec_t *r)
{
	return org_may_edit(x, x->feeds[e->feed].org, r);
}

/* Reads every reference again, from scratch, in timeline order (so an
 * edit of an edit finds its root). Cost: one table lookup per reference. */
static int
resolve(ixcase_t *x)
{
	for (size_t i = 0; i < x->n; i++) {
		ixrec_t *e = &x->rec[i];
		e->root = e->latest = (uint32_t)i;
		e->versions = 1;
		e->hide = e->acks = INDEX_NONE;
		e->nrefs = 0;
		e->checkin = 0;
		e->hidden_at = 0;
	}
	x->nackv = 0;
	x->unresolved = 0;
	/* Each record's place in the order: an edit counts only after its
	 * root, and the latest version is the last in the order. */
	uint32_t *pos = malloc((x->n ? x->n : 1) * sizeof(*pos));
	if (!pos)
		return CH_ERR_NOMEM;
	for (size_t i = 0; i < x->n; i++)
		pos[x->order[i]] = (uint32_t)i;
	for (size_t i = 0; i < x->n; i++) {
		uint32_t r = x->order[i];
		for (uint32_t k = x->rec[r].ref0; k < x->rec[r].ref0 + x->rec[r].nref; k++) {
			const ixref_t *f = &x->refs[k];
			uint32_t t = find(x, f->id);
			if (t == INDEX_NONE) {
				x->unresolved++;
				continue;
			}
			ixrec_t *e = &x->rec[r];
			uint32_t root = x->rec[t].root;
			ixrec_t *R = &x->rec[root];
			switch (f->what) {
			case REF_SUP:
				/* A version of the same kind, audience and
				 * (earlier) root, by an org that may edit it. */
				if (root == r || R->kind != e->kind || R->aud != e->aud ||
				    R->state != CH_IT_OPEN || !may_edit(x, e, R) ||
				    pos[root] > pos[r])
					break;
				e->root = root;
				R->versions++;
				if (pos[r] > pos[R->latest])
					R->latest = r;
				break;
			case REF_REPLY:
				R->nrefs++;
				break;
			case REF_TARGET:
				switch (e->kind) {
				case CH_KIND_HIDE:
					if (e->feed == R->feed && R->hide == INDEX_NONE) {
						R->hide = r;
						R->hidden_at = e->time;
					}
					break;
				case CH_KIND_ACK:
					/* An alert's addressees; a handover's contact
					 * point and deputy. */
					if ((R->kind == CH_KIND_ALERT || R->kind == CH_KIND_HANDOVER) && org_in(x,
					    x->rec[R->latest].orgs, x->feeds[e->feed].org)) {
						if (R->acks == INDEX_NONE) {
							if (grow((void **)&x->ackv, &x->ackcap,
							    x->nackv + 1, sizeof(*x->ackv)))
								goto nomem;
							R->acks = (uint32_t)x->nackv++;
							x->ackv[R->acks].n = 0;
						}
						ixacks_t *a = &x->ackv[R->acks];
						size_t j;
						for (j = 0; j < a->n; j++)
							if (a->v[j].feed == e->feed)
								break;
						if (j == a->n && a->n < CH_ACKS_MAX) {
							a->v[a->n].feed = e->feed;
							a->v[a->n].time = e->time;
							a->n++;
						}
					}
					break;
				case CH_KIND_CHECKIN:
					if (R->kind == CH_KIND_KEEP && e->time > R->checkin)
						R->checkin = e->time;
					break;
				default:
					R->nrefs++;
					break;
				}
				break;
			}
		}
	}
	free(pos);
	x->dirty = 0;
	return 0;
nomem:
	free(pos);
	return CH_ERR_NOMEM;
}

/* ---- the case ---- */

/* Keys that were missing and are held now (a history grant came): the
 * entries sealed under them are read again, by building anew. */
static int
keys_arrived(ixcase_t *x, scase_t *c)
{
	uint8_t key[32];
	for (size_t i = 0; i < x->nmissing; i++) {
		int rc = store_key_get(c, x->missing[i].epoch, x->missing[i].aud, key);
		sodium_memzero(key, sizeof(key));
		if (rc == 0)
			return 1;
	}
	return 0;
}

static ixcase_t *
case_new(const uint8_t id[16])
{
	ixcase_t *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	memcpy(x->case_id, id, 16);
	randombytes_buf(x->hkey, sizeof(x->hkey));
	do
		randombytes_buf(&x->instance, sizeof(x->instance));
	while (x->instance == 0);
	return x;
}

int
index_case(index_t *ix, scase_t *c, ixcase_t **out)
{
	const uint8_t *id = store_case_id(c);
	ixcase_t *x = NULL;
	size_t slot = 0, oldest = 0;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < INDEX_CASES; i++) {
		if (ix->c[i] && memcmp(ix->c[i]->case_id, id, 16) == 0) {
			x = ix->c[i];
			slot = i;
			break;
		}
		if (!ix->c[i] || (ix->c[oldest] && ix->c[i]->used < ix->c[oldest]->used))
			oldest = i;
	}
	if (x && keys_arrived(x, c)) {
		case_free(x);
		ix->c[slot] = x = NULL;
	}
	if (!x) {
		slot = x ? slot : oldest;
		case_free(ix->c[slot]);
		ix->c[slot] = NULL;
		if (!(x = case_new(id)))
			return CH_ERR_NOMEM;
		ix->c[slot] = x;
	}
	x->used = ++ix->tick;
	build_t b;
	memset(&b, 0, sizeof(b));
	b.x = x;
	b.c = c;
	b.keys.c = c;
	b.opens = &ix->opens;
	size_t old = x->n;
	x->pass++;
	rc = store_heads_each(c, build_head, &b);
	if (b.stale)
		rc = IX_STALE;
	for (size_t f = 0; rc == 0 && f < x->nfeeds; f++)
		if (x->feeds[f].seq && x->feeds[f].seen != x->pass)
			rc = IX_STALE;     /* a feed we indexed is gone */
	if (rc == IX_STALE && old) {
		/* Once, from scratch. */
		store_keys_wipe(&b.keys);
		case_free(x);
		if (!(ix->c[slot] = x = case_new(id)))
			return CH_ERR_NOMEM;
		x->used = ix->tick;
		memset(&b, 0, sizeof(b));
		b.x = x;
		b.c = c;
		b.keys.c = c;
		b.opens = &ix->opens;
		old = 0;
		x->pass++;
		rc = store_heads_each(c, build_head, &b);
		if (b.stale)
			rc = IX_STALE;
	}
	if (rc == IX_STALE)
		rc = ST_ERR_DB;
	if (rc == 0)
		rc = order_catchup(x, old);
	if (rc == 0 && (x->dirty || (x->unresolved && x->n != old)))
		rc = resolve(x);
	store_keys_wipe(&b.keys);
	if (rc) {
		/* Half an index is no index: build it again next time. */
		case_free(x);
		ix->c[slot] = NULL;
		return rc;
	}
	*out = x;
	return 0;
}

uint64_t
index_opens(const index_t *ix)
{
	return ix->opens;
}

size_t
index_count(const ixcase_t *x)
{
	return x->n;
}

uint64_t
index_instance(const ixcase_t *x)
{
	return x->instance;
}

uint64_t
index_time_max(const ixcase_t *x)
{
	return x->tmax;
}

int
index_lookup(ixcase_t *x, const uint8_t id[32], ixinfo_t *info)
{
	uint32_t r = find(x, id);
	if (r == INDEX_NONE)
		return ST_ERR_NOTFOUND;
	const ixrec_t *e = &x->rec[r];
	info->kind = e->state == CH_IT_OPEN ? e->kind : 0;
	info->audience = e->aud;
	memcpy(info->org, x->feeds[e->feed].org, 32);
	memcpy(info->root, x->rec[e->root].id, 32);
	info->latest = x->rec[e->root].latest == r;
	return 0;
}

/* ---- queries ---- */

typedef struct {
	ixcase_t *x;
	scase_t *c;
	const ch_readreq_t *rq;
	const char *role;
	const ch_charter_t *cur;
	uint32_t entry_root;     /* rq->entry's root, or INDEX_NONE */
	int prefix;              /* rq->entry is a short reference */
	int content;             /* a filter that looks at content */
	store_keys_t keys;
	int err;
} query_t;

/* Does the reader's role see audience aud? Epoch entries (the charter)
 * are for the professionals only. */
static int
role_sees(const query_t *q, uint8_t aud)
{
	if (aud == CH_AUD_MEMBERSHIP)
		return !ch_role_is_person(q->role);
	return !q->cur || ch_charter_role_in(q->cur, q->role, aud);
}

/* What this reader gets of record r: CH_IT_*. */
static uint8_t
reader_state(const query_t *q, uint32_t r)
{
	const ixrec_t *e = &q->x->rec[r];
	if (e->state != CH_IT_OPEN)
		return e->state;
	if (!role_sees(q, e->aud))
		return CH_IT_ROLE_AUD;
	if (q->x->rec[e->root].hide != INDEX_NONE)
		return CH_IT_HIDDEN;
	return CH_IT_OPEN;
}

static int
unacked(const ixcase_t *x, const ixrec_t *root)
{
	const ixrec_t *l = &x->rec[root->latest];
	if (l->orgs == INDEX_NONE)
		return 0;
	/* A handover is taken over by its contact point or its deputy: one
	 * acknowledgement of either is enough. */
	if (root->kind == CH_KIND_HANDOVER)
		return root->acks == INDEX_NONE || x->ackv[root->acks].n == 0;
	size_t acked = 0;
	if (root->acks != INDEX_NONE)
		for (size_t i = 0; i < x->lists[l->orgs].n; i++)
			for (size_t j = 0; j < x->ackv[root->acks].n; j++)
				if (memcmp(x->feeds[x->ackv[root->acks].v[j].feed].org,
				    x->lists[l->orgs].org[i], 32) == 0) {
					acked++;
					break;
				}
	return acked < x->lists[l->orgs].n;
}

/* ASCII letters fold; every other byte (accents, any script) must match
 * exactly. A search is for a name or a word a provider types. */
static int
contains(const uint8_t *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);
	if (nn == 0)
		return 1;
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t j;
		for (j = 0; j < nn; j++) {
			uint8_t a = h[i + j], b = (uint8_t)needle[j];
			if (a >= 'A' && a <= 'Z')
				a = (uint8_t)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (uint8_t)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (j == nn)
			return 1;
	}
	return 0;
}

/* 1 if the body of r holds the search text. Opens it for that only, and
 * wipes what it decrypted. */
static int
body_matches(query_t *q, uint32_t r)
{
	const ixrec_t *e = &q->x->rec[r];
	uint8_t *entry = NULL, *plain = NULL;
	size_t n = 0, bl, pl = 0;
	const uint8_t *body;
	ch_env_t env;
	ch_plain_t p;
	int hit = 0;

	if (store_entry_get(q->c, q->x->feeds[e->feed].org, e->seq, &entry, &n) != 0)
		return 0;
	const uint8_t *key;
	if (ch_entry_split(entry, n, &env, &body, &bl) == 0 && body &&
	    (key = store_keys_get(&q->keys, env.epoch, env.audience)) &&
	    ch_body_open(&env, body, bl, key, &plain, &pl) == 0) {
		if (ch_plain_decode(plain, pl, &p) == 0)
			hit = contains(p.fields, p.fieldslen, q->rq->search);
		sodium_memzero(plain, pl);
		free(plain);
	}
	free(entry);
	return hit;
}

/* Does record r (a position in the order) answer the query? */
static int
wanted(query_t *q, uint32_t r)
{
	const ch_readreq_t *rq = q->rq;
	const ixcase_t *x = q->x;
	const ixrec_t *e = &x->rec[r];
	const ixrec_t *root = &x->rec[e->root];
	int versions = (rq->flags & CH_RQ_VERSIONS) != 0;

	if (!versions && root->latest != r)
		return 0;               /* an earlier version: its latest shows */
	if (q->prefix) {
		/* Every entry whose id, or whose first version's id, starts
		 * so: more than one hit is an ambiguous reference. */
		if (memcmp(e->id, rq->entry, CH_REF_LEN) != 0 &&
		    memcmp(root->id, rq->entry, CH_REF_LEN) != 0)
			return 0;
	} else if (q->entry_root != INDEX_NONE) {
		int mine = e->root == q->entry_root;
		if (!mine && (rq->flags & CH_RQ_REFS)) {
			for (uint32_t k = e->ref0; k < e->ref0 + e->nref && !mine; k++) {
				uint32_t t = find(x, x->refs[k].id);
				mine = t != INDEX_NONE && x->rec[t].root == q->entry_root &&
				    x->refs[k].what != REF_SUP;
			}
		}
		if (!mine)
			return 0;
	}
	if (e->state == CH_IT_OPEN && e->kind == CH_KIND_ACCESS) {
		if (!(rq->kinds & ((uint64_t)1 << CH_KIND_ACCESS)))
			return 0;
	}
	uint8_t st = reader_state(q, r);
	if (q->content && st != CH_IT_OPEN)
		return 0;
	if (rq->kinds && (st != CH_IT_OPEN || e->kind >= 64 ||
	    !(rq->kinds & ((uint64_t)1 << e->kind))))
		return 0;
	if (rq->audiences && !(rq->audiences & (1u << e->aud)))
		return 0;
	if (!sodium_is_zero(rq->org, 32) && memcmp(x->feeds[e->feed].org, rq->org, 32) != 0)
		return 0;
	if (!sodium_is_zero(rq->author, 32) && memcmp(e->author, rq->author, 32) != 0)
		return 0;
	if (rq->since && e->time < rq->since)
		return 0;
	if (rq->until && e->time >= rq->until)
		return 0;
	if (rq->flags & CH_RQ_OPEN) {
		switch (e->kind) {
		case CH_KIND_TASK: case CH_KIND_GOAL: case CH_KIND_APPOINTMENT:
		case CH_KIND_KEEP:
			if (e->status != 1)
				return 0;
			break;
		default:
			return 0;
		}
	}
	/* A fork report cannot be acknowledged: it is always listed. */
	if ((rq->flags & CH_RQ_UNACKED) && e->kind != CH_KIND_FORK &&
	    ((e->kind != CH_KIND_ALERT && e->kind != CH_KIND_HANDOVER) || !unacked(x, root)))
		return 0;
	if (rq->search[0] && !body_matches(q, r))
		return 0;
	return 1;
}

static void
hit_fill(query_t *q, uint32_t r, ixhit_t *h)
{
	const ixcase_t *x = q->x;
	const ixrec_t *e = &x->rec[r], *root = &x->rec[e->root];

	memset(h, 0, sizeof(*h));
	memcpy(h->org, x->feeds[e->feed].org, 32);
	h->seq = e->seq;
	h->state = reader_state(q, r);
	h->versions = root->versions;
	memcpy(h->root, root->id, 32);
	if (h->state == CH_IT_HIDDEN) {
		memcpy(h->hidden_by, x->feeds[x->rec[root->hide].feed].org, 32);
		h->hidden_at = root->hidden_at;
	}
	if (h->state == CH_IT_OPEN) {
		h->last_checkin = root->checkin;
		h->nrefs = root->nrefs;
		if (root->acks != INDEX_NONE) {
			const ixacks_t *a = &x->ackv[root->acks];
			for (size_t i = 0; i < a->n; i++) {
				memcpy(h->acks[i].org, x->feeds[a->v[i].feed].org, 32);
				h->acks[i].time = a->v[i].time;
			}
			h->nacks = a->n;
		}
	}
}

/* The first position in the order after (or at, when equal) the cursor. */
static size_t
order_seek(const ixcase_t *x, const ch_cursor_t *cur)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ixrec_t *e = &x->rec[x->order[mid]];
		int c = e->time != cur->time ? (e->time < cur->time ? -1 : 1) :
		    memcmp(x->feeds[e->feed].org, cur->org, 32);
		if (c == 0)
			c = e->seq < cur->seq ? -1 : e->seq > cur->seq;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
index_query(ixcase_t *x, scase_t *c, const ch_readreq_t *rq, const char *role,
    const ch_charter_t *cur, ixhit_t **hits, size_t *nhits, int *more, uint64_t *resume)
{
	query_t q;
	size_t want = rq->last ? rq->last : CH_PAGE_DEFAULT, n = 0;
	ixhit_t *h;

	*hits = NULL;
	*nhits = 0;
	*more = 0;
	if (resume)
		*resume = x->n;
	if (want > CH_PAGE_MAX)
		want = CH_PAGE_MAX;
	if (!(h = calloc(want, sizeof(*h))))
		return CH_ERR_NOMEM;
	memset(&q, 0, sizeof(q));
	q.x = x;
	q.c = c;
	q.keys.c = c;
	q.rq = rq;
	q.role = role;
	q.cur = cur;
	q.entry_root = INDEX_NONE;
	q.content = rq->kinds != 0 || rq->search[0] || !sodium_is_zero(rq->author, 32) ||
	    (rq->flags & (CH_RQ_OPEN | CH_RQ_UNACKED));
	q.prefix = (rq->flags & CH_RQ_PREFIX) != 0;
	if (q.prefix) {
		/* A short reference naming one entry (any of its versions) is
		 * that entry; naming several, each is shown, so the reader sees
		 * it is ambiguous. */
		uint32_t one = INDEX_NONE;
		int many = 0;
		for (size_t i = 0; i < x->n && !many; i++)
			if (memcmp(x->rec[i].id, rq->entry, CH_REF_LEN) == 0) {
				if (one != INDEX_NONE && x->rec[i].root != one)
					many = 1;
				one = x->rec[i].root;
			}
		if (one == INDEX_NONE) {
			free(h);
			return 0;
		}
		if (!many) {
			q.prefix = 0;
			q.entry_root = one;
		}
	} else if (!sodium_is_zero(rq->entry, 32)) {
		uint32_t t = find(x, rq->entry);
		if (t == INDEX_NONE) {
			free(h);
			return 0;           /* no such entry: nothing to show */
		}
		q.entry_root = x->rec[t].root;
	}
	if (rq->flags & CH_RQ_ARRIVAL) {
		/* In the order entries arrived (record order): what a watcher
		 * has not seen. A cursor of another build of the timeline
		 * matches nothing; the reply's instance tells the watcher to
		 * start again from the time it saw last. */
		if (rq->cursor.time == x->instance)
			for (size_t r = rq->cursor.seq; r < x->n; r++) {
				if (!wanted(&q, (uint32_t)r))
					continue;
				if (n == want) {
					*more = 1;
					if (resume)
						*resume = r;
					break;
				}
				hit_fill(&q, (uint32_t)r, &h[n++]);
			}
		store_keys_wipe(&q.keys);
		*hits = h;
		*nhits = n;
		return 0;
	}
	int after = (rq->flags & CH_RQ_AFTER) != 0;
	size_t start = ch_cursor_none(&rq->cursor) ? (after ? 0 : x->n) :
	    order_seek(x, &rq->cursor);
	if (after && start < x->n) {
		/* Strictly after the cursor. */
		const ixrec_t *e = &x->rec[x->order[start]];
		if (e->time == rq->cursor.time && e->seq == rq->cursor.seq &&
		    memcmp(x->feeds[e->feed].org, rq->cursor.org, 32) == 0)
			start++;
	}
	if (after) {
		for (size_t i = start; i < x->n; i++) {
			uint32_t r = x->order[i];
			if (!wanted(&q, r))
				continue;
			if (n == want) {
				*more = 1;
				break;
			}
			hit_fill(&q, r, &h[n++]);
		}
	} else {
		for (size_t i = start; i-- > 0;) {
			uint32_t r = x->order[i];
			if (!wanted(&q, r))
				continue;
			if (n == want) {
				*more = 1;
				break;
			}
			hit_fill(&q, r, &h[n++]);
		}
		/* Oldest first. */
		for (size_t i = 0; i < n / 2; i++) {
			ixhit_t t = h[i];
			h[i] = h[n - 1 - i];
			h[n - 1 - i] = t;
		}
	}
	store_keys_wipe(&q.keys);
	*hits = h;
	*nhits = n;
	return 0;
}

int
index_names_org(ixcase_t *x, const uint8_t id[32], const uint8_t org[32])
{
	uint32_t r = find(x, id);
	if (r == INDEX_NONE)
		return 0;
	return org_in(x, x->rec[x->rec[x->rec[r].root].latest].orgs, org);
}

int
index_may_edit(ixcase_t *x, const uint8_t id[32], const uint8_t org[32])
{
	uint32_t r = find(x, id);
	if (r == INDEX_NONE)
		return 0;
	return org_may_edit(x, org, &x->rec[x->rec[r].root]);
}
