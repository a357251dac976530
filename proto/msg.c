/* msg.c - message frames, signed read requests, version vectors, entry
 * batches and read replies (see msg.h, and PROTOCOL.md for every byte). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cbuf.h"
#include "msg.h"

#define FRAME_HDR_LEN (4 + 1 + 1 + 1 + 4)
#define READREQ_MAGIC "CHRQ"
#define VEC_ITEM_LEN (32 + 8)
#define ENTRY_MAX ((size_t)CH_ENV_LEN + CH_BODY_MAX)
#define ORGNAME_MAX 256

/* ---- frame ---- */

int
ch_msg_encode(const char magic[4], uint8_t type, uint8_t status,
    const uint8_t *body, size_t n, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	cwr_init(&w, FRAME_HDR_LEN + CH_MSG_MAX);
	cwr_put(&w, magic, 4);
	cwr_u8(&w, CH_MSG_VERSION);
	cwr_u8(&w, type);
	cwr_u8(&w, status);
	cwr_var(&w, body, n, CH_MSG_MAX);
	return cwr_finish(&w, out, len);
}

int
ch_msg_decode(const uint8_t *p, size_t n, const char magic[4],
    uint8_t *type, uint8_t *status, const uint8_t **body, size_t *bodylen)
{
	crd_t r;
	uint8_t m[4];

	*type = *status = 0;
	*body = NULL;
	*bodylen = 0;
	crd_init(&r, p, n);
	crd_copy(&r, m, 4);
	if (!r.err && memcmp(m, magic, 4) != 0)
		return CH_ERR_MAGIC;
	uint8_t version = crd_u8(&r);
	if (!r.err && version != CH_MSG_VERSION)
		return CH_ERR_VERSION;
	uint8_t t = crd_u8(&r);
	uint8_t s = crd_u8(&r);
	size_t bl;
	const uint8_t *b = crd_var(&r, CH_MSG_MAX, &bl);
	int rc = crd_end(&r);
	if (rc)
		return rc;
	*type = t;
	*status = s;
	*body = b;
	*bodylen = bl;
	return CH_OK;
}

/* ---- read request ---- */


static int
readreq_values_ok(const ch_readreq_t *r)
{
	static const uint8_t zero[32];
	if (r->action < CH_ACT_CREATE || r->action > CH_ACT_PRINT || r->action == CH_ACT_LIST ||
	    r->purpose < CH_PURPOSE_TREATMENT || r->purpose > CH_PURPOSE_AUDIT ||
	    (r->flags & ~CH_RQ_FLAGS_ALL) || r->last > CH_PAGE_MAX ||
	    (r->audiences & 0x81) || (r->kinds & 1))
		return 0;
	if (r->until && r->since >= r->until)
		return 0;
	/* A cursor names a place; the zero cursor is none. A cursor with a
	 * zero org or seq 0 is neither. */
	if (r->flags & CH_RQ_ARRIVAL) {
		/* (instance, count seen): no org; not with AFTER. */
		if (memcmp(r->cursor.org, zero, 32) != 0 || (r->flags & CH_RQ_AFTER))
			return 0;
	} else if (!ch_cursor_none(&r->cursor) &&
	    (r->cursor.seq == 0 || memcmp(r->cursor.org, zero, 32) == 0))
		return 0;
	if ((r->flags & (CH_RQ_VERSIONS | CH_RQ_REFS | CH_RQ_PREFIX)) &&
	    sodium_is_zero(r->entry, 32))
		return 0;
	if ((r->flags & CH_RQ_PREFIX) &&
	    !sodium_is_zero(r->entry + CH_REF_LEN, 32 - CH_REF_LEN))
		return 0;
	return 1;
}

int
ch_cursor_none(const ch_cursor_t *c)
{
	return c->time == 0 && c->seq == 0 && sodium_is_zero(c->org, 32);
}

/* Writes every field but the signature. */
static void
readreq_put(cwr_t *w, const ch_readreq_t *r, size_t slen)
{
	cwr_put(w, READREQ_MAGIC, 4);
	cwr_u8(w, CH_READREQ_VERSION);
	cwr_u8(w, r->action);
	cwr_u8(w, r->purpose);
	cwr_u8(w, r->flags);
	cwr_u8(w, 0);
	cwr_u16(w, 0);
	cwr_put(w, r->case_id, CH_CASE_LEN);
	cwr_u64(w, r->time_ms);
	cwr_put(w, r->nonce, 16);
	cwr_put(w, r->provider, 32);
	cwr_u64(w, r->kinds);
	cwr_u8(w, r->audiences);
	cwr_put(w, r->org, 32);
	cwr_put(w, r->author, 32);
	cwr_u64(w, r->since);
	cwr_u64(w, r->until);
	cwr_u32(w, r->last);
	cwr_u64(w, r->cursor.time);
	cwr_put(w, r->cursor.org, 32);
	cwr_u64(w, r->cursor.seq);
	cwr_put(w, r->entry, 32);
	cwr_var(w, r->search, slen, CH_SEARCH_MAX);
}

int
ch_readreq_sign(ch_readreq_t *r, const uint8_t sign_sk[64], uint8_t **out,
    size_t *len)
{
	cwr_t w;
	size_t slen = strnlen(r->search, sizeof(r->search));

	*out = NULL;
	*len = 0;
	crypto_sign_ed25519_sk_to_pk(r->provider, sign_sk);
	if (slen > CH_SEARCH_MAX)
		return CH_ERR_TOOBIG;
	if (!readreq_values_ok(r) || !ch_utf8_valid((const uint8_t *)r->search, slen))
		return CH_ERR_VALUE;
	cwr_init(&w, CH_READREQ_MAX);
	readreq_put(&w, r, slen);
	if (cwr_err(&w) == 0)
		crypto_sign_detached(r->sig, NULL, w.p, w.len, sign_sk);
	cwr_put(&w, r->sig, CH_SIG_LEN);
	return cwr_finish(&w, out, len);
}

int
ch_readreq_decode(const uint8_t *p, size_t n, ch_readreq_t *r)
{
	crd_t rd;
	uint8_t m[4];

	memset(r, 0, sizeof(*r));
	if (n > CH_READREQ_MAX)
		return CH_ERR_TOOBIG;
	crd_init(&rd, p, n);
	crd_copy(&rd, m, 4);
	if (!rd.err && memcmp(m, READREQ_MAGIC, 4) != 0)
		return CH_ERR_MAGIC;
	uint8_t version = crd_u8(&rd);
	if (!rd.err && version != CH_READREQ_VERSION)
		return CH_ERR_VERSION;
	r->action = crd_u8(&rd);
	r->purpose = crd_u8(&rd);
	r->flags = crd_u8(&rd);
	int reserved = crd_u8(&rd) != 0;
	reserved |= crd_u16(&rd) != 0;
	crd_copy(&rd, r->case_id, CH_CASE_LEN);
	r->time_ms = crd_u64(&rd);
	crd_copy(&rd, r->nonce, 16);
	crd_copy(&rd, r->provider, 32);
	r->kinds = crd_u64(&rd);
	r->audiences = crd_u8(&rd);
	crd_copy(&rd, r->org, 32);
	crd_copy(&rd, r->author, 32);
	r->since = crd_u64(&rd);
	r->until = crd_u64(&rd);
	r->last = crd_u32(&rd);
	r->cursor.time = crd_u64(&rd);
	crd_copy(&rd, r->cursor.org, 32);
	r->cursor.seq = crd_u64(&rd);
	crd_copy(&rd, r->entry, 32);
	size_t slen = 0;
	const uint8_t *s = crd_var(&rd, CH_SEARCH_MAX, &slen);
	size_t signed_len = rd.off;
	crd_copy(&rd, r->sig, CH_SIG_LEN);
	int rc = crd_end(&rd);
	if (!rc && !ch_utf8_valid(s, slen))
		rc = CH_ERR_VALUE;
	if (!rc) {
		memcpy(r->search, s, slen);
		r->search[slen] = '\0';
		if (reserved || !readreq_values_ok(r))
			rc = CH_ERR_VALUE;
	}
	if (!rc && crypto_sign_verify_detached(r->sig, p, signed_len, r->provider) != 0)
		rc = CH_ERR_SIG;
	if (rc)
		memset(r, 0, sizeof(*r));
	return rc;
}

/* ---- version vector ---- */

typedef struct { uint8_t org[32]; uint64_t seq; } vec_item_t;

static int
vec_item_cmp(const void *a, const void *b)
{
	return memcmp(((const vec_item_t *)a)->org, ((const vec_item_t *)b)->org, 32);
}

/* Sorts a copy, so callers may keep their vector in any order; the wire form
 * is canonical (strictly increasing orgs) so that equal vectors encode to
 * equal bytes. Two entries for the same org are CH_ERR_VALUE. */
int
ch_vec_encode(const ch_vec_t *v, uint8_t **out, size_t *len)
{
	cwr_t w;
	vec_item_t *it = NULL;
	int rc = CH_OK;

	*out = NULL;
	*len = 0;
	if (v->n > CH_FEEDS_MAX)
		return CH_ERR_TOOBIG;
	if (v->n) {
		it = malloc(v->n * sizeof(*it));
		if (!it)
			return CH_ERR_NOMEM;
		for (size_t i = 0; i < v->n; i++) {
			memcpy(it[i].org, v->org[i], 32);
			it[i].seq = v->seq[i];
		}
		qsort(it, v->n, sizeof(*it), vec_item_cmp);
		for (size_t i = 1; i < v->n; i++)
			if (memcmp(it[i - 1].org, it[i].org, 32) == 0)
				rc = CH_ERR_VALUE;
	}
	if (rc) {
		free(it);
		return rc;
	}
	cwr_init(&w, CH_CASE_LEN + 2 + CH_FEEDS_MAX * VEC_ITEM_LEN);
	cwr_put(&w, v->case_id, CH_CASE_LEN);
	cwr_u16(&w, (uint16_t)v->n);
	for (size_t i = 0; i < v->n; i++) {
		cwr_put(&w, it[i].org, 32);
		cwr_u64(&w, it[i].seq);
	}
	free(it);
	return cwr_finish(&w, out, len);
}

int
ch_vec_decode(const uint8_t *p, size_t n, ch_vec_t *v)
{
	crd_t r;
	int rc = CH_OK;

	memset(v, 0, sizeof(*v));
	crd_init(&r, p, n);
	crd_copy(&r, v->case_id, CH_CASE_LEN);
	uint16_t cnt = crd_u16(&r);
	if (!r.err && cnt > CH_FEEDS_MAX)
		return CH_ERR_TOOBIG;
	if (!r.err && cnt) {
		if ((size_t)cnt * VEC_ITEM_LEN > crd_left(&r))
			return CH_ERR_TRUNCATED;
		v->org = malloc(cnt * sizeof(*v->org));
		v->seq = malloc(cnt * sizeof(*v->seq));
		if (!v->org || !v->seq) {
			ch_vec_clear(v);
			return CH_ERR_NOMEM;
		}
		v->n = cnt;
	}
	for (size_t i = 0; i < v->n; i++) {
		crd_copy(&r, v->org[i], 32);
		v->seq[i] = crd_u64(&r);
		if (i > 0 && memcmp(v->org[i - 1], v->org[i], 32) >= 0)
			rc = CH_ERR_VALUE;
	}
	int end = crd_end(&r);
	if (end)
		rc = end;
	if (rc)
		ch_vec_clear(v);
	return rc;
}

void
ch_vec_clear(ch_vec_t *v)
{
	free(v->org);
	free(v->seq);
	memset(v, 0, sizeof(*v));
}

/* ---- Checkpoints: CHECK, PULL, CHANGES ---- */

void
ch_mark_encode(const ch_mark_t *m, uint8_t out[CH_MARK_LEN])
{
	memcpy(out, m->run, CH_RUN_LEN);
	for (int i = 0; i < 8; i++)
		out[CH_RUN_LEN + i] = (uint8_t)(m->change >> (56 - 8 * i));
}

int
ch_mark_decode(const uint8_t *p, size_t n, ch_mark_t *m)
{
	crd_t r;
	crd_init(&r, p, n);
	crd_copy(&r, m->run, CH_RUN_LEN);
	m->change = crd_u64(&r);
	return crd_end(&r);
}

int
ch_changes_encode(const uint8_t run[CH_RUN_LEN], uint64_t upto, uint8_t more,
    const ch_changed_t *items, size_t n, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (more > 1)
		return CH_ERR_VALUE;
	if (n > CH_CHANGES_MAX)
		return CH_ERR_TOOBIG;
	for (size_t i = 1; i < n; i++)
		if (items[i].change <= items[i - 1].change)
			return CH_ERR_VALUE;
	if (n && items[n - 1].change > upto)
		return CH_ERR_VALUE;
	cwr_init(&w, CH_MSG_MAX);
	cwr_put(&w, run, CH_RUN_LEN);
	cwr_u64(&w, upto);
	cwr_u8(&w, more);
	cwr_u16(&w, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		cwr_u64(&w, items[i].change);
		cwr_var(&w, items[i].vec.p, items[i].vec.n, CH_VEC_MAX);
	}
	return cwr_finish(&w, out, len);
}

int
ch_changes_decode(const uint8_t *p, size_t n, uint8_t run[CH_RUN_LEN],
    uint64_t *upto, uint8_t *more, ch_changed_t **items, size_t *nitems)
{
	crd_t r;
	ch_changed_t *it = NULL;
	int rc;

	*items = NULL;
	*nitems = 0;
	crd_init(&r, p, n);
	crd_copy(&r, run, CH_RUN_LEN);
	*upto = crd_u64(&r);
	*more = crd_u8(&r);
	if (!r.err && *more > 1)
		return CH_ERR_VALUE;
	uint16_t cnt = crd_u16(&r);
	if (!r.err && cnt > CH_CHANGES_MAX)
		return CH_ERR_TOOBIG;
	if (!r.err && cnt) {
		if ((size_t)cnt * 12 > crd_left(&r))
			return CH_ERR_TRUNCATED;
		if (!(it = calloc(cnt, sizeof(*it))))
			return CH_ERR_NOMEM;
	}
	rc = 0;
	for (size_t i = 0; i < cnt && !r.err && !rc; i++) {
		it[i].change = crd_u64(&r);
		it[i].vec.p = crd_var(&r, CH_VEC_MAX, &it[i].vec.n);
		/* Lowest change first, none beyond upto. */
		if (!r.err && ((i > 0 && it[i].change <= it[i - 1].change) || it[i].change > *upto))
			rc = CH_ERR_VALUE;
	}
	int end = crd_end(&r);
	if (end)
		rc = end;
	if (rc) {
		free(it);
		return rc;
	}
	*items = it;
	*nitems = cnt;
	return 0;
}

/* ---- ENTRIES batch ---- */

/* The whole batch must fit one frame: a sender packs entries until the next
 * would not fit (CH_ERR_TOOBIG) and sets more = 1. */
int
ch_batch_encode(const uint8_t case_id[CH_CASE_LEN], uint8_t more,
    const ch_slice_t *items, size_t n, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (more > 1)
		return CH_ERR_VALUE;
	if (n > CH_BATCH_MAX)
		return CH_ERR_TOOBIG;
	cwr_init(&w, CH_MSG_MAX);
	cwr_put(&w, case_id, CH_CASE_LEN);
	cwr_u8(&w, more);
	cwr_u32(&w, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		cwr_var(&w, items[i].p, items[i].n, ENTRY_MAX);
	return cwr_finish(&w, out, len);
}

/* The batch writer's frame: FRAME_HDR_LEN, then the case, more and count. */
#define BATCHW_HDR (FRAME_HDR_LEN + CH_CASE_LEN + 1 + 4)

void
ch_batchw_init(ch_batchw_t *b, size_t reserve)
{
	b->n = b->bytes = 0;
	b->reserve = reserve < CH_MSG_MAX - BATCHW_HDR ? reserve : CH_MSG_MAX - BATCHW_HDR;
	cwr_init(&b->w, FRAME_HDR_LEN + CH_MSG_MAX);
}

/* The frame's first bytes, written over at the finish; the room asked for
 * is taken with them, so that a batch that stays empty allocates nothing
 * until it is finished. */
static void
batchw_start(ch_batchw_t *b, size_t room)
{
	static const uint8_t zero[BATCHW_HDR];
	if (b->w.len == 0) {
		cwr_reserve(&b->w, BATCHW_HDR + room);
		cwr_put(&b->w, zero, sizeof(zero));
	}
}

int
ch_batchw_add(ch_batchw_t *b, const uint8_t *e, size_t n)
{
	int rc = cwr_err(&b->w);
	if (rc)
		return rc;
	if (b->n >= CH_BATCH_MAX || n > ENTRY_MAX ||
	    (b->w.len ? b->w.len : BATCHW_HDR) - FRAME_HDR_LEN + 4 + n > CH_MSG_MAX)
		return CH_ERR_TOOBIG;
	batchw_start(b, b->reserve > 4 + n ? b->reserve : 4 + n);
	cwr_var(&b->w, e, n, ENTRY_MAX);
	if ((rc = cwr_err(&b->w)) != 0)
		return rc;
	b->n++;
	b->bytes += n;
	return CH_OK;
}

int
ch_batchw_finish(ch_batchw_t *b, const char magic[4], uint8_t type,
    const uint8_t case_id[CH_CASE_LEN], uint8_t more, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (more > 1) {
		ch_batchw_free(b);
		return CH_ERR_VALUE;
	}
	batchw_start(b, 0);
	if (!cwr_err(&b->w)) {
		uint8_t *h = b->w.p;
		memcpy(h, magic, 4);
		h[4] = CH_MSG_VERSION;
		h[5] = type;
		h[6] = 0;
		cwr_u32_at(&b->w, 7, (uint32_t)(b->w.len - FRAME_HDR_LEN));
		memcpy(h + FRAME_HDR_LEN, case_id, CH_CASE_LEN);
		h[FRAME_HDR_LEN + CH_CASE_LEN] = more;
		cwr_u32_at(&b->w, FRAME_HDR_LEN + CH_CASE_LEN + 1, (uint32_t)b->n);
	}
	b->n = b->bytes = 0;
	return cwr_finish(&b->w, out, len);
}

void
ch_batchw_free(ch_batchw_t *b)
{
	cwr_free(&b->w);
	b->n = b->bytes = 0;
}

int
ch_batch_decode(const uint8_t *p, size_t n, uint8_t case_id[CH_CASE_LEN],
    uint8_t *more, ch_slice_t **items, size_t *nitems)
{
	crd_t r;
	ch_slice_t *s = NULL;

	*items = NULL;
	*nitems = 0;
	crd_init(&r, p, n);
	crd_copy(&r, case_id, CH_CASE_LEN);
	*more = crd_u8(&r);
	if (!r.err && *more > 1)
		return CH_ERR_VALUE;
	uint32_t cnt = crd_u32(&r);
	if (!r.err && cnt > CH_BATCH_MAX)
		return CH_ERR_TOOBIG;
	if (!r.err && cnt) {
		if ((size_t)cnt * 4 > crd_left(&r))
			return CH_ERR_TRUNCATED;
		s = calloc(cnt, sizeof(*s));
		if (!s)
			return CH_ERR_NOMEM;
	}
	for (size_t i = 0; i < cnt && !r.err; i++)
		s[i].p = crd_var(&r, ENTRY_MAX, &s[i].n);
	int rc = crd_end(&r);
	if (rc) {
		free(s);
		return rc;
	}
	*items = s;
	*nitems = cnt;
	return CH_OK;
}

/* ---- READ reply ---- */

#define ACK_LEN (32 + 8)
/* envelope, state, plain var, versions, root, hidden_by, hidden_at,
 * last_checkin, nrefs, nacks: an item's least size. */
#define READITEM_MIN (CH_ENV_LEN + 1 + 4 + 2 + 32 + 32 + 8 + 8 + 4 + 2)
#define ORGITEM_MIN (32 + 4)

const ch_slice_t *
ch_readrep_orgname(const ch_readrep_t *r, const uint8_t org[32])
{
	for (size_t i = 0; i < r->norgs; i++)
		if (memcmp(r->orgs[i].org, org, 32) == 0)
			return &r->orgs[i].name;
	return NULL;
}

void
ch_readitem_ack(const ch_readitem_t *it, size_t i, uint8_t org[32], uint64_t *time)
{
	crd_t r;
	crd_init(&r, it->acks.p + i * ACK_LEN, ACK_LEN);
	crd_copy(&r, org, 32);
	*time = crd_u64(&r);
}

/* 1 if every org an item names is in the table (zeros: none named). */
static int
item_orgs_named(const ch_readrep_t *r, const ch_readitem_t *it)
{
	uint8_t org[32];
	uint64_t t;
	if (!ch_readrep_orgname(r, it->env.org))
		return 0;
	if (!sodium_is_zero(it->hidden_by, 32) && !ch_readrep_orgname(r, it->hidden_by))
		return 0;
	for (size_t i = 0; i < it->nacks; i++) {
		ch_readitem_ack(it, i, org, &t);
		if (!ch_readrep_orgname(r, org))
			return 0;
	}
	return 1;
}

static int
item_values_ok(const ch_readitem_t *it)
{
	if (it->state > CH_IT_MAX || it->versions == 0 || it->nacks > CH_ACKS_MAX ||
	    it->acks.n != it->nacks * ACK_LEN)
		return 0;
	if (it->state != CH_IT_OPEN && it->plain.n != 0)
		return 0;
	/* Hidden by someone exactly when hidden. */
	if ((it->state == CH_IT_HIDDEN) != !sodium_is_zero(it->hidden_by, 32))
		return 0;
	return 1;
}

int
ch_readrep_encode(const ch_readrep_t *r, uint8_t **out, size_t *len)
{
	cwr_t w;
	uint8_t env[CH_ENV_LEN];

	*out = NULL;
	*len = 0;
	if (r->n > CH_PAGE_MAX || r->norgs > CH_READREP_ORGS_MAX)
		return CH_ERR_TOOBIG;
	if (r->more > 1)
		return CH_ERR_VALUE;
	for (size_t i = 0; i < r->norgs; i++) {
		if (!ch_utf8_valid(r->orgs[i].name.p, r->orgs[i].name.n) ||
		    sodium_is_zero(r->orgs[i].org, 32))
			return CH_ERR_VALUE;
		for (size_t j = 0; j < i; j++)
			if (memcmp(r->orgs[i].org, r->orgs[j].org, 32) == 0)
				return CH_ERR_VALUE;
	}
	for (size_t i = 0; i < r->n; i++)
		if (!item_values_ok(&r->items[i]) || !item_orgs_named(r, &r->items[i]))
			return CH_ERR_VALUE;
	cwr_init(&w, CH_MSG_MAX);
	cwr_put(&w, r->access_id, 32);
	cwr_u8(&w, r->more);
	cwr_u16(&w, (uint16_t)r->norgs);
	for (size_t i = 0; i < r->norgs; i++) {
		cwr_put(&w, r->orgs[i].org, 32);
		cwr_var(&w, r->orgs[i].name.p, r->orgs[i].name.n, ORGNAME_MAX);
	}
	cwr_u32(&w, (uint32_t)r->n);
	for (size_t i = 0; i < r->n; i++) {
		const ch_readitem_t *it = &r->items[i];
		ch_env_encode(&it->env, env);
		cwr_put(&w, env, sizeof(env));
		cwr_u8(&w, it->state);
		cwr_var(&w, it->plain.p, it->plain.n, CH_BODY_MAX);
		cwr_u16(&w, it->versions);
		cwr_put(&w, it->root, 32);
		cwr_put(&w, it->hidden_by, 32);
		cwr_u64(&w, it->hidden_at);
		cwr_u64(&w, it->last_checkin);
		cwr_u32(&w, it->nrefs);
		cwr_u16(&w, (uint16_t)it->nacks);
		cwr_put(&w, it->acks.p, it->acks.n);
	}
	cwr_u64(&w, r->instance);
	cwr_u64(&w, r->arrived);
	return cwr_finish(&w, out, len);
}

void
ch_readrep_clear(ch_readrep_t *r)
{
	free(r->orgs);
	free(r->items);
	memset(r, 0, sizeof(*r));
}

int
ch_readrep_decode(const uint8_t *p, size_t n, ch_readrep_t *r)
{
	crd_t rd;
	int rc = CH_OK;

	memset(r, 0, sizeof(*r));
	crd_init(&rd, p, n);
	crd_copy(&rd, r->access_id, 32);
	r->more = crd_u8(&rd);
	/* The encoder writes 0 or 1 only: anything else would not re-encode. */
	if (!rd.err && r->more > 1)
		return CH_ERR_VALUE;
	uint16_t no = crd_u16(&rd);
	if (!rd.err && no > CH_READREP_ORGS_MAX)
		return CH_ERR_TOOBIG;
	if (!rd.err && no) {
		if (no > crd_left(&rd) / ORGITEM_MIN)
			return CH_ERR_TRUNCATED;
		if (!(r->orgs = calloc(no, sizeof(*r->orgs))))
			return CH_ERR_NOMEM;
		r->norgs = no;
	}
	for (size_t i = 0; i < r->norgs && !rd.err; i++) {
		crd_copy(&rd, r->orgs[i].org, 32);
		r->orgs[i].name.p = crd_var(&rd, ORGNAME_MAX, &r->orgs[i].name.n);
	}
	uint32_t cnt = crd_u32(&rd);
	if (!rd.err && cnt > CH_PAGE_MAX)
		rc = CH_ERR_TOOBIG;
	else if (!rd.err && cnt) {
		if (cnt > crd_left(&rd) / READITEM_MIN)
			rc = CH_ERR_TRUNCATED;
		else if (!(r->items = calloc(cnt, sizeof(*r->items))))
			rc = CH_ERR_NOMEM;
		else
			r->n = cnt;
	}
	for (size_t i = 0; i < r->n && !rd.err && !rc; i++) {
		ch_readitem_t *it = &r->items[i];
		const uint8_t *e = crd_ref(&rd, CH_ENV_LEN);
		if (e)
			rc = ch_env_decode(e, CH_ENV_LEN, &it->env);
		it->state = crd_u8(&rd);
		it->plain.p = crd_var(&rd, CH_BODY_MAX, &it->plain.n);
		it->versions = crd_u16(&rd);
		crd_copy(&rd, it->root, 32);
		crd_copy(&rd, it->hidden_by, 32);
		it->hidden_at = crd_u64(&rd);
		it->last_checkin = crd_u64(&rd);
		it->nrefs = crd_u32(&rd);
		it->nacks = crd_u16(&rd);
		if (!rd.err && it->nacks > CH_ACKS_MAX) {
			rc = CH_ERR_TOOBIG;
			break;
		}
		it->acks.n = it->nacks * ACK_LEN;
		it->acks.p = crd_ref(&rd, it->acks.n);
	}
	r->instance = crd_u64(&rd);
	r->arrived = crd_u64(&rd);
	int end = crd_end(&rd);
	if (!rc)
		rc = end;
	for (size_t i = 0; i < r->norgs && !rc; i++) {
		if (!ch_utf8_valid(r->orgs[i].name.p, r->orgs[i].name.n) ||
		    sodium_is_zero(r->orgs[i].org, 32))
			rc = CH_ERR_VALUE;
		for (size_t j = 0; j < i && !rc; j++)
			if (memcmp(r->orgs[i].org, r->orgs[j].org, 32) == 0)
				rc = CH_ERR_VALUE;
	}
	for (size_t i = 0; i < r->n && !rc; i++) {
		ch_readitem_t *it = &r->items[i];
		if (!item_values_ok(it) || !item_orgs_named(r, it))
			rc = CH_ERR_VALUE;
		else
			it->orgname = *ch_readrep_orgname(r, it->env.org);
	}
	if (rc)
		ch_readrep_clear(r);
	return rc;
}
