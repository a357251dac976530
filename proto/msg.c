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
#define READREQ_RESERVED 3   /* see PROTOCOL.md: pads the request to 147 */
#define READREQ_SIGNED (CH_READREQ_LEN - CH_SIG_LEN)
#define VEC_ITEM_LEN (32 + 8)
#define ENTRY_MAX ((size_t)CH_ENV_LEN + CH_BODY_MAX)
#define ORGNAME_MAX 256
#define READITEM_MIN (CH_ENV_LEN + 4 + 4)

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
	return r->action >= CH_ACT_CREATE && r->action <= CH_ACT_SEARCH &&
	    r->purpose >= CH_PURPOSE_TREATMENT && r->purpose <= CH_PURPOSE_AUDIT;
}

void
ch_readreq_sign(ch_readreq_t *r, const uint8_t sign_sk[64],
    uint8_t out[CH_READREQ_LEN])
{
	static const uint8_t zero[READREQ_RESERVED];
	cwr_t w;

	crypto_sign_ed25519_sk_to_pk(r->provider, sign_sk);
	/* A writer over out (cap == max): this void function cannot allocate. */
	w.p = out;
	w.len = 0;
	w.cap = w.max = CH_READREQ_LEN;
	w.err = 0;
	cwr_put(&w, READREQ_MAGIC, 4);
	cwr_u8(&w, CH_MSG_VERSION);
	cwr_u8(&w, r->action);
	cwr_u8(&w, r->purpose);
	cwr_u8(&w, r->kind);
	cwr_put(&w, zero, sizeof(zero));
	cwr_put(&w, r->case_id, CH_CASE_LEN);
	cwr_u64(&w, r->time_ms);
	cwr_put(&w, r->nonce, 16);
	cwr_put(&w, r->provider, 32);
	assert(w.err == 0 && w.len == READREQ_SIGNED);
	crypto_sign_detached(r->sig, NULL, out, READREQ_SIGNED, sign_sk);
	cwr_put(&w, r->sig, CH_SIG_LEN);
	assert(w.err == 0 && w.len == CH_READREQ_LEN);
}

int
ch_readreq_decode(const uint8_t *p, size_t n, ch_readreq_t *r)
{
	crd_t rd;
	uint8_t m[4], pad[READREQ_RESERVED];

	memset(r, 0, sizeof(*r));
	crd_init(&rd, p, n);
	crd_copy(&rd, m, 4);
	if (!rd.err && memcmp(m, READREQ_MAGIC, 4) != 0)
		return CH_ERR_MAGIC;
	uint8_t version = crd_u8(&rd);
	if (!rd.err && version != CH_MSG_VERSION)
		return CH_ERR_VERSION;
	r->action = crd_u8(&rd);
	r->purpose = crd_u8(&rd);
	r->kind = crd_u8(&rd);
	crd_copy(&rd, pad, sizeof(pad));
	crd_copy(&rd, r->case_id, CH_CASE_LEN);
	r->time_ms = crd_u64(&rd);
	crd_copy(&rd, r->nonce, 16);
	crd_copy(&rd, r->provider, 32);
	crd_copy(&rd, r->sig, CH_SIG_LEN);
	int rc = crd_end(&rd);
	if (!rc && (!readreq_values_ok(r) || !sodium_is_zero(pad, sizeof(pad))))
		rc = CH_ERR_VALUE;
	/* Decoding succeeded, so n == CH_READREQ_LEN: sign exactly those bytes. */
	if (!rc && crypto_sign_verify_detached(r->sig, p, READREQ_SIGNED,
	    r->provider) != 0)
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

int
ch_readrep_encode(const uint8_t access_id[32], const ch_readitem_t *items,
    size_t n, uint8_t **out, size_t *len)
{
	cwr_t w;
	uint8_t env[CH_ENV_LEN];

	*out = NULL;
	*len = 0;
	if (n > UINT32_MAX)
		return CH_ERR_TOOBIG;
	for (size_t i = 0; i < n; i++)
		if (!ch_utf8_valid(items[i].orgname.p, items[i].orgname.n))
			return CH_ERR_VALUE;
	cwr_init(&w, CH_MSG_MAX);
	cwr_put(&w, access_id, 32);
	cwr_u32(&w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		ch_env_encode(&items[i].env, env);
		cwr_put(&w, env, sizeof(env));
		cwr_var(&w, items[i].orgname.p, items[i].orgname.n, ORGNAME_MAX);
		cwr_var(&w, items[i].plain.p, items[i].plain.n, CH_BODY_MAX);
	}
	return cwr_finish(&w, out, len);
}

int
ch_readrep_decode(const uint8_t *p, size_t n, uint8_t access_id[32],
    ch_readitem_t **items, size_t *nitems)
{
	crd_t r;
	ch_readitem_t *it = NULL;
	int rc = CH_OK;

	*items = NULL;
	*nitems = 0;
	crd_init(&r, p, n);
	crd_copy(&r, access_id, 32);
	uint32_t cnt = crd_u32(&r);
	if (!r.err && cnt) {
		/* Bound the allocation by what the input can hold. */
		if (cnt > crd_left(&r) / READITEM_MIN)
			return CH_ERR_TRUNCATED;
		it = calloc(cnt, sizeof(*it));
		if (!it)
			return CH_ERR_NOMEM;
	}
	for (size_t i = 0; i < cnt && !r.err && !rc; i++) {
		const uint8_t *e = crd_ref(&r, CH_ENV_LEN);
		if (e)
			rc = ch_env_decode(e, CH_ENV_LEN, &it[i].env);
		it[i].orgname.p = crd_var(&r, ORGNAME_MAX, &it[i].orgname.n);
		it[i].plain.p = crd_var(&r, CH_BODY_MAX, &it[i].plain.n);
		if (!rc && !r.err &&
		    !ch_utf8_valid(it[i].orgname.p, it[i].orgname.n))
			rc = CH_ERR_VALUE;
	}
	int end = crd_end(&r);
	if (!rc)
		rc = end;
	if (rc) {
		free(it);
		return rc;
	}
	*items = it;
	*nitems = cnt;
	return CH_OK;
}
