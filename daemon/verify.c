/* verify.c - checking every feed of a case (verify.h). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "held.h"
#include "sigcheck.h"
#include "state.h"
#include "verify.h"

typedef struct {
	cahierd_t *d;
	scase_t *c;
	ch_verifyrep_t *r;
	size_t cap;               /* room for findings: CH_VERIFY_MAX */
	int more;                 /* a finding did not fit */
	/* the feed being walked */
	const uint8_t *org;
	uint64_t head;
	uint8_t head_id[32];
	uint64_t next;            /* the seq expected next */
	int chained;              /* prev_id is the id of seq next - 1 */
	uint8_t prev_id[32];
	uint64_t beyond_from, beyond_to;
	uint8_t last_id[32];      /* id of the last entry walked at or below the head */
	uint64_t last_seq;
	/* envelopes waiting for their signature check */
	ch_env_t *env;
	sigjob_t *job;
	size_t njob;
} vctx_t;

static void
find(vctx_t *v, const uint8_t org[32], uint64_t seq, uint8_t code, uint64_t other)
{
	ch_verifyrep_t *r = v->r;
	if (r->n >= v->cap - 1) {
		v->more = 1;
		return;
	}
	memcpy(r->f[r->n].org, org, 32);
	r->f[r->n].seq = seq;
	r->f[r->n].code = code;
	r->f[r->n].other = other;
	r->n++;
}

/* Checks the signatures waiting, on all cores, and reports those that
 * fail: in seq order, since the jobs are. */
static void
flush_sigs(vctx_t *v)
{
	if (!v->njob)
		return;
	sigcheck_run(v->job, v->njob);
	for (size_t i = 0; i < v->njob; i++)
		if (!v->job[i].ok)
			find(v, v->org, v->env[i].seq, CH_VF_SIG, 0);
	v->r->sigs += v->njob;
	v->njob = 0;
}

static int
entry_step(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	vctx_t *v = arg;
	ch_env_t env;
	const uint8_t *body, *proof;
	size_t bl;
	int form;
	uint8_t id[32];

	if (seq > v->head) {
		if (!v->beyond_from)
			v->beyond_from = seq;
		v->beyond_to = seq;
		return 0;
	}
	v->r->entries++;
	if (seq != v->next) {
		find(v, org, v->next, CH_VF_GAP, seq - 1);
		v->chained = 0;
	}
	v->next = seq + 1;
	int rc = ch_entry_form(e, n, &env, &body, &bl, &form, &proof);
	if (rc == CH_ERR_HASH) {
		/* The envelope decodes: its place, chain and signature are checked
		 * below all the same. */
		find(v, org, seq, CH_VF_BODY, 0);
	} else if (rc) {
		find(v, org, seq, CH_VF_MALFORMED, 0);
		v->chained = 0;
		return 0;
	}
	if (memcmp(env.org, org, 32) != 0 || env.seq != seq ||
	    memcmp(env.case_id, store_case_id(v->c), CH_CASE_LEN) != 0)
		find(v, org, seq, CH_VF_PLACE, 0);
	if (seq == 1 ? !sodium_is_zero(env.prev, 32) :
	    v->chained && memcmp(env.prev, v->prev_id, 32) != 0)
		find(v, org, seq, CH_VF_CHAIN, 0);
	if (form == CH_FORM_ERASED) {
		v->r->sigs++;
		if (ch_erasure_verify(&env, proof) != 0)
			find(v, org, seq, CH_VF_ERASURE, 0);
	}
	ch_env_id(&env, id);
	memcpy(v->prev_id, id, 32);
	memcpy(v->last_id, id, 32);
	v->last_seq = seq;
	v->chained = 1;
	/* The signature joins the chunk checked next (findings are sorted
	 * at the end). */
	v->env[v->njob] = env;
	memset(&v->job[v->njob], 0, sizeof(v->job[0]));
	v->job[v->njob].kind = SIGJOB_ENV;
	v->job[v->njob].env = &v->env[v->njob];
	if (++v->njob == VERIFY_CHUNK)
		flush_sigs(v);
	return 0;
}

typedef struct { uint8_t org[32]; uint64_t seq; uint8_t id[32]; } vhead_t;
typedef struct { vhead_t *h; size_t n, cap; } vheads_t;

static int
head_step(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	vheads_t *hs = arg;
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? 2 * hs->cap : 16;
		vhead_t *h = realloc(hs->h, cap * sizeof(*h));
		if (!h)
			return CH_ERR_NOMEM;
		hs->h = h;
		hs->cap = cap;
	}
	memcpy(hs->h[hs->n].org, org, 32);
	hs->h[hs->n].seq = seq;
	memcpy(hs->h[hs->n].id, id, 32);
	hs->n++;
	return 0;
}

static int
fork_step(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	(void)e; (void)n;
	find(arg, org, seq, CH_VF_FORK, 0);
	return 0;
}

static int
finding_cmp(const void *a, const void *b)
{
	const ch_finding_t *x = a, *y = b;
	int o = memcmp(x->org, y->org, 32);
	if (o)
		return o;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (x->code > y->code) - (x->code < y->code);
}

/* Each organization the findings name, once, with its name. */
static int
name_findings(vctx_t *v)
{
	ch_verifyrep_t *r = v->r;
	char (*names)[CH_VERIFY_NAME_MAX + 1];
	if (!r->n)
		return 0;
	if (!(r->names = calloc(r->n, sizeof(*r->names))) ||
	    !(names = calloc(r->n, sizeof(*names))))
		return CH_ERR_NOMEM;
	for (size_t i = 0; i < r->n; i++) {
		size_t k;
		for (k = 0; k < r->nnames; k++)
			if (memcmp(r->names[k].org, r->f[i].org, 32) == 0)
				break;
		if (k < r->nnames)
			continue;
		memcpy(r->names[k].org, r->f[i].org, 32);
		cahierd_org_name(v->d, v->c, r->f[i].org, names[k], sizeof(names[k]));
		r->names[k].name.p = (const uint8_t *)names[k];
		r->names[k].name.n = strlen(names[k]);
		r->nnames++;
	}
	/* The name buffer's address rides on the first name (verify_free). */
	return 0;
}

int
verify_case(cahierd_t *d, scase_t *c, ch_verifyrep_t *r)
{
	vctx_t v;
	vheads_t hs = { 0 };
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.d = d;
	v.c = c;
	v.r = r;
	v.cap = CH_VERIFY_MAX;
	if (!(r->f = calloc(CH_VERIFY_MAX, sizeof(*r->f))) ||
	    !(v.env = malloc(VERIFY_CHUNK * sizeof(*v.env))) ||
	    !(v.job = malloc(VERIFY_CHUNK * sizeof(*v.job)))) {
		rc = CH_ERR_NOMEM;
		goto out;
	}
	if ((rc = store_heads_each(c, head_step, &hs)) != 0)
		goto out;
	for (size_t i = 0; i < hs.n; i++) {
		vhead_t *h = &hs.h[i];
		v.org = h->org;
		v.head = h->seq;
		v.next = 1;
		v.chained = 0;
		v.beyond_from = v.beyond_to = 0;
		v.last_seq = 0;
		r->feeds++;
		if ((rc = store_feed_each(c, h->org, 1, UINT64_MAX, entry_step, &v)) != 0)
			goto out;
		flush_sigs(&v);
		if (v.next <= h->seq)
			find(&v, h->org, v.next, CH_VF_GAP, h->seq);
		if (v.beyond_from)
			find(&v, h->org, v.beyond_from, CH_VF_BEYOND, v.beyond_to);
		if (h->seq && (v.last_seq != h->seq || memcmp(v.last_id, h->id, 32) != 0))
			find(&v, h->org, h->seq, CH_VF_HEAD, 0);
	}
	if ((rc = store_forks_each(c, fork_step, &v)) != 0)
		goto out;
	/* What the members said they hold of our own feed (held.h): more than
	 * we hold means entries of ours are gone from here. */
	const uint8_t *me = keyring_org(d->kr);
	uint64_t mine = 0;
	uint8_t mid[32];
	uint8_t (*m)[32] = NULL;
	size_t nm = 0;
	if ((rc = store_head(c, me, &mine, mid)) != 0 || (rc = state_members(c, &m, &nm)) != 0)
		goto out;
	for (size_t i = 0; i < nm; i++) {
		uint64_t theirs = memcmp(m[i], me, 32) ? held_get(d->held, m[i], store_case_id(c)) : 0;
		if (theirs > mine)
			find(&v, m[i], mine, CH_VF_BEHIND, theirs);
	}
	free(m);
	qsort(r->f, r->n, sizeof(*r->f), finding_cmp);
	if (v.more) {
		memcpy(r->f[r->n].org, me, 32);
		r->f[r->n].code = CH_VF_MORE;
		r->n++;
	}
	rc = name_findings(&v);
out:
	free(hs.h);
	free(v.env);
	free(v.job);
	if (rc)
		verify_free(r);
	return rc;
}

void
verify_free(ch_verifyrep_t *r)
{
	if (r->nnames)
		free((void *)(uintptr_t)r->names[0].name.p);
	free(r->names);
	free(r->f);
	memset(r, 0, sizeof(*r));
}
