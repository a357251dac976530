/* reads.c - reading a case, and the access record every read leaves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/msg.h"
#include "../proto/names.h"
#include "audit.h"
#include "clock.h"
#include "feed.h"
#include "log.h"
#include "reads.h"
#include "state.h"
#include "sync.h"

#define READ_SKEW_MS (5 * 60 * 1000)
#define READ_KEYS 16

/* Reading: collect every entry of the case, decrypted where we hold the key. */
typedef struct {
	scase_t *c;
	uint8_t kind;
	const char *role;        /* the reader's role: which audiences it sees */
	state_epoch_t *cur;      /* the current charter: the audience map */
	ch_readitem_t *items;
	uint8_t **plains;
	size_t n, cap;
	struct { uint32_t epoch; uint8_t aud; int ok; uint8_t key[32]; } keys[READ_KEYS];
	size_t nkeys;
	ch_range_t *ranges;
	size_t nranges, rcap;
	int err;
} readctx_t;

static const uint8_t *
read_key(readctx_t *r, uint32_t epoch, uint8_t aud)
{
	for (size_t i = 0; i < r->nkeys; i++)
		if (r->keys[i].epoch == epoch && r->keys[i].aud == aud)
			return r->keys[i].ok ? r->keys[i].key : NULL;
	size_t i = r->nkeys < READ_KEYS ? r->nkeys++ : READ_KEYS - 1;
	r->keys[i].epoch = epoch;
	r->keys[i].aud = aud;
	r->keys[i].ok = store_key_get(r->c, epoch, aud, r->keys[i].key) == 0;
	return r->keys[i].ok ? r->keys[i].key : NULL;
}

static void
plain_free(uint8_t *plain, size_t pl)
{
	if (plain) {
		sodium_memzero(plain, pl);
		free(plain);
	}
}

static int
read_entry(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	readctx_t *r = arg;
	ch_env_t env;
	const uint8_t *body;
	size_t bl, pl = 0;
	uint8_t *plain = NULL;
	ch_plain_t p;
	(void)org; (void)seq;

	if (ch_entry_split(e, n, &env, &body, &bl) != 0)
		return 0;
	/* The daemon holds keys for its organization; each provider sees only
	 * the audiences its role is in. Epoch entries (the charter: every
	 * member, every person's name, basis and dates) are for the
	 * professionals: the people around the person read the network
	 * audience only. */
	int sees = env.audience == CH_AUD_MEMBERSHIP ? !ch_role_is_person(r->role) :
	    !r->cur || ch_charter_role_in(&r->cur->ch, r->role, env.audience);
	const uint8_t *key = body && sees ? read_key(r, env.epoch, env.audience) : NULL;
	if (key && ch_body_open(&env, body, bl, key, &plain, &pl) != 0) {
		plain = NULL;
		pl = 0;
	}
	uint8_t kind = plain && ch_plain_decode(plain, pl, &p) == 0 ? p.kind : 0;
	int want = r->kind == CH_KIND_ACCESS ? kind == CH_KIND_ACCESS : kind != CH_KIND_ACCESS;
	if (!want) {
		plain_free(plain, pl);
		return 0;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		void *a = realloc(r->items, cap * sizeof(*r->items));
		void *b = a ? realloc(r->plains, cap * sizeof(*r->plains)) : NULL;
		if (a)
			r->items = a;
		if (b)
			r->plains = b;
		if (!a || !b) {
			plain_free(plain, pl);
			r->err = CH_ERR_NOMEM;
			return CH_ERR_NOMEM;
		}
		r->cap = cap;
	}
	ch_readitem_t *it = &r->items[r->n];
	it->env = env;
	it->orgname.p = NULL;
	it->orgname.n = 0;
	it->plain.p = plain;
	it->plain.n = pl;
	r->plains[r->n++] = plain;
	return 0;
}

static int
read_feed(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	readctx_t *r = arg;
	(void)id;
	if (r->nranges == r->rcap) {
		size_t cap = r->rcap ? 2 * r->rcap : 8;
		void *a = realloc(r->ranges, cap * sizeof(*r->ranges));
		if (!a)
			return CH_ERR_NOMEM;
		r->ranges = a;
		r->rcap = cap;
	}
	memcpy(r->ranges[r->nranges].org, org, 32);
	r->ranges[r->nranges].from = 1;
	r->ranges[r->nranges].to = seq;
	r->nranges++;
	return 0;
}

static void
read_free(readctx_t *r)
{
	for (size_t i = 0; i < r->n; i++)
		plain_free(r->plains[i], r->items[i].plain.n);
	sodium_memzero(r->keys, sizeof(r->keys));
	free(r->items);
	free(r->plains);
	free(r->ranges);
}

/* A refused read is recorded too, then answered with why. */
static void
refuse_read(cahierd_t *d, scase_t *c, provider_t *pv, const uint8_t *body,
    size_t bodylen, const ch_readreq_t *rq, cahierd_reply_t *rep, const char *why)
{
	uint8_t access_id[32];
	if (audit_record(d, c, pv, body, bodylen, rq->action, rq->purpose, CH_OUT_REFUSED,
	    NULL, 0, access_id) != 0)
		log_err("could not record a refused read");
	cahierd_reply_err(rep, CH_ST_DENIED, "%s", why);
}

void
reads_handle(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	ch_readreq_t rq;
	scase_t *c;
	readctx_t r;
	uint8_t access_id[32], *out = NULL;
	size_t outlen = 0;
	int rc;

	if (ch_readreq_decode(body, bodylen, &rq) != 0 ||
	    memcmp(rq.provider, pv->cert.provider, 32) != 0) {
		log_warn("refused a read by %s: request not signed by the certified key", pv->cert.name);
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "read request not signed by the certified key of this connection");
		return;
	}
	if ((rc = store_case_get(d->store, rq.case_id, 0, &c)) != 0) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), rq.case_id, 16);
		if (rc == ST_ERR_NOTFOUND)
			cahierd_reply_err(rep, CH_ST_NOCASE,
			    "no such case %s at %s (is this organization a member of it?)",
			    hex, d->cfg.name);
		else
			cahierd_reply_err(rep, CH_ST_INTERNAL,
			    "cannot open case %s: %s (see the daemon's log)", hex, store_strerror(rc));
		return;
	}
	int64_t skew = clock_now_ms() - (int64_t)rq.time_ms;
	int stale = skew > READ_SKEW_MS || skew < -READ_SKEW_MS;
	if (stale || replay_seen(d->replay, rq.nonce)) {
		log_warn("refused a read by %s: %s request", pv->cert.name,
		    stale ? "stale" : "replayed");
		refuse_read(d, c, pv, body, bodylen, &rq, rep, stale ?
		    "stale read request (check the clock)" : "replayed read request (check the clock)");
		return;
	}
	state_epoch_t cur;
	int have_cur = state_epoch_current(c, &cur) == 0;
	const char *refusal = state_person_refusal(have_cur ? &cur.ch : NULL, pv->cert.role,
	    pv->cert.provider, (uint64_t)clock_now_ms() / 1000);
	if (refusal) {
		if (have_cur)
			state_epoch_free(&cur);
		log_warn("refused a read by %s (%s): %s", pv->cert.name, pv->cert.role, refusal);
		refuse_read(d, c, pv, body, bodylen, &rq, rep, refusal);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.kind = rq.kind;
	r.role = pv->cert.role;
	r.cur = have_cur ? &cur : NULL;
	if ((rc = store_heads_each(c, read_feed, &r)) != 0)
		goto fail;
	for (size_t i = 0; i < r.nranges && !r.err; i++)
		if ((rc = store_feed_each(c, r.ranges[i].org, 1, r.ranges[i].to, read_entry, &r)) != 0)
			goto fail;
	if (r.err) {
		rc = r.err;
		goto fail;
	}
	/* The names of the organizations, resolved once each. */
	char (*names)[256] = calloc(r.nranges ? r.nranges : 1, 256);
	if (!names) {
		rc = CH_ERR_NOMEM;
		goto fail;
	}
	for (size_t i = 0; i < r.nranges; i++)
		cahierd_org_name(d, c, r.ranges[i].org, names[i], 256);
	for (size_t i = 0; i < r.n; i++)
		for (size_t j = 0; j < r.nranges; j++)
			if (memcmp(r.items[i].env.org, r.ranges[j].org, 32) == 0) {
				r.items[i].orgname.p = (const uint8_t *)names[j];
				r.items[i].orgname.n = strlen(names[j]);
			}
	/* The reply is made first (with a zero record id, the reply's first 32
	 * bytes), so that a read that cannot be answered is recorded as failed,
	 * not as done. Then the record, in this round's transaction; the reply
	 * is sent only after that transaction commits (outbox_flush). */
	memset(access_id, 0, sizeof(access_id));
	rc = ch_readrep_encode(access_id, r.items, r.n, &out, &outlen);
	free(names);
	if (rc) {
		read_free(&r);
		if (have_cur)
			state_epoch_free(&cur);
		if (audit_record(d, c, pv, body, bodylen, rq.action, rq.purpose, CH_OUT_FAILED,
		    NULL, 0, access_id) != 0)
			log_err("could not record a failed read");
		cahierd_reply_err(rep, CH_ST_INTERNAL, "reply too large");
		return;
	}
	if ((rc = audit_record(d, c, pv, body, bodylen, rq.action, rq.purpose, CH_OUT_OK,
	    r.ranges, r.nranges, access_id)) != 0) {
		sodium_memzero(out, outlen);
		free(out);
		goto fail;
	}
	memcpy(out, access_id, 32);
	read_free(&r);
	if (have_cur)
		state_epoch_free(&cur);
	log_info("%s (%s) read %s of a case: access record written",
	    pv->cert.name, pv->cert.role, rq.kind == CH_KIND_ACCESS ? "the audit" : "the notebook");
	cahierd_reply_ok(rep, out, outlen);
	return;
fail:
	read_free(&r);
	if (have_cur)
		state_epoch_free(&cur);
	log_err("read failed: %s", store_strerror(rc));
	cahierd_reply_err(rep, CH_ST_INTERNAL, "read failed: %s", store_strerror(rc));
}
