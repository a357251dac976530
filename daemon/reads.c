/* reads.c - reading a case, and the access record every read leaves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/msg.h"
#include "../proto/names.h"
#include "audit.h"
#include "clock.h"
#include "derr.h"
#include "index.h"
#include "log.h"
#include "reads.h"
#include "state.h"

#define READ_SKEW_MS (5 * 60 * 1000)

/* The entries a read shows: the hits of the index, each opened when the
 * reader may read it, with the names of the organizations they mention. */
typedef struct {
	scase_t *c;
	ch_readitem_t *items;
	size_t n;
	ch_orgname_t *orgs;
	size_t norgs;
	char (*names)[256];
	store_keys_t keys;
	ch_range_t *ranges;
	size_t nranges;
} readctx_t;

static void
plain_free(uint8_t *plain, size_t pl)
{
	if (plain) {
		sodium_memzero(plain, pl);
		free(plain);
	}
}

static void
read_free(readctx_t *r)
{
	for (size_t i = 0; i < r->n; i++)
		plain_free((uint8_t *)(uintptr_t)r->items[i].plain.p, r->items[i].plain.n);
	for (size_t i = 0; i < r->n; i++)
		free((void *)(uintptr_t)r->items[i].acks.p);
	store_keys_wipe(&r->keys);
	free(r->items);
	free(r->orgs);
	free(r->names);
	free(r->ranges);
}

/* Adds org to the reply's table of names (once). */
static int
name_org(cahierd_t *d, readctx_t *r, const uint8_t org[32])
{
	for (size_t i = 0; i < r->norgs; i++)
		if (memcmp(r->orgs[i].org, org, 32) == 0)
			return 0;
	memcpy(r->orgs[r->norgs].org, org, 32);
	cahierd_org_name(d, r->c, org, r->names[r->norgs], 256);
	r->orgs[r->norgs].name.p = (const uint8_t *)r->names[r->norgs];
	r->orgs[r->norgs].name.n = strlen(r->names[r->norgs]);
	r->norgs++;
	return 0;
}

static int
range_cmp(const void *a, const void *b)
{
	const ch_range_t *x = a, *y = b;
	int o = memcmp(x->org, y->org, 32);
	if (o)
		return o;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* The entries shown, as ranges of seqs per feed: exactly those, no more. */
static int
shown_ranges(readctx_t *r, const ixhit_t *h, size_t n)
{
	if (n == 0)
		return 0;
	if (!(r->ranges = calloc(n, sizeof(*r->ranges))))
		return CH_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		memcpy(r->ranges[i].org, h[i].org, 32);
		r->ranges[i].from = r->ranges[i].to = h[i].seq;
	}
	qsort(r->ranges, n, sizeof(*r->ranges), range_cmp);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && memcmp(r->ranges[k - 1].org, r->ranges[i].org, 32) == 0 &&
		    r->ranges[k - 1].to + 1 >= r->ranges[i].from) {
			if (r->ranges[i].to > r->ranges[k - 1].to)
				r->ranges[k - 1].to = r->ranges[i].to;
			continue;
		}
		r->ranges[k++] = r->ranges[i];
	}
	r->nranges = k;
	return 0;
}

/* Fills the reply's items from the hits: the envelope always, the plain
 * body when the reader may open it. */
static int
read_hits(cahierd_t *d, readctx_t *r, const ixhit_t *h, size_t n, const ch_charter_t *cur)
{
	size_t members = cur ? cur->norgs + cur->nremoved : 0;
	size_t maxorgs = n * (2 + CH_ACKS_MAX) + 1 + members;
	if (maxorgs > CH_READREP_ORGS_MAX)
		maxorgs = CH_READREP_ORGS_MAX;
	if (!(r->items = calloc(n ? n : 1, sizeof(*r->items))) ||
	    !(r->orgs = calloc(maxorgs, sizeof(*r->orgs))) ||
	    !(r->names = calloc(maxorgs, 256)))
		return CH_ERR_NOMEM;
	/* The members' names first (the fields of a task, an alert or a goal
	 * name organizations the client shows by name), and the removed
	 * organizations' (shown by name, not by key). */
	for (size_t i = 0; cur && i < cur->norgs; i++)
		name_org(d, r, cur->orgs[i].org);
	/* (at most half the table: the items keep room for their own names) */
	for (size_t i = 0; cur && i < cur->nremoved && r->norgs < maxorgs / 2; i++)
		name_org(d, r, cur->removed[i].org);
	for (size_t i = 0; i < n; i++) {
		ch_readitem_t *it = &r->items[i];
		uint8_t *entry = NULL, *plain = NULL;
		size_t el = 0, bl, pl = 0;
		const uint8_t *body;
		int rc;

		if ((rc = store_entry_get(r->c, h[i].org, h[i].seq, &entry, &el)) != 0)
			return rc;
		rc = ch_entry_split(entry, el, &it->env, &body, &bl);
		r->n = i + 1;
		it->state = h[i].state;
		if (rc == 0 && it->state == CH_IT_OPEN) {
			const uint8_t *key = body ? store_keys_get(&r->keys, it->env.epoch, it->env.audience) : NULL;
			if (key && ch_body_open(&it->env, body, bl, key, &plain, &pl) == 0) {
				it->plain.p = plain;
				it->plain.n = pl;
			} else
				it->state = CH_IT_BEFORE_JOIN;
		}
		free(entry);
		if (rc)
			return rc;
		it->versions = h[i].versions;
		memcpy(it->root, h[i].root, 32);
		memcpy(it->hidden_by, h[i].hidden_by, 32);
		it->hidden_at = h[i].hidden_at;
		it->last_checkin = h[i].last_checkin;
		it->nrefs = h[i].nrefs;
		it->nacks = h[i].nacks;
		if (h[i].nacks) {
			uint8_t *a = malloc(h[i].nacks * 40);
			if (!a)
				return CH_ERR_NOMEM;
			for (size_t k = 0; k < h[i].nacks; k++) {
				memcpy(a + 40 * k, h[i].acks[k].org, 32);
				for (int b = 0; b < 8; b++)
					a[40 * k + 32 + b] = (uint8_t)(h[i].acks[k].time >> (56 - 8 * b));
			}
			it->acks.p = a;
			it->acks.n = h[i].nacks * 40;
		}
		/* The table holds at most maxorgs names; a reply that would need
		 * more is cut (never happens below CH_READREP_ORGS_MAX / 66). */
		if (r->norgs + 2 + h[i].nacks > maxorgs)
			return CH_ERR_TOOBIG;
		name_org(d, r, it->env.org);
		if (it->state == CH_IT_HIDDEN)
			name_org(d, r, it->hidden_by);
		for (size_t k = 0; k < h[i].nacks; k++)
			name_org(d, r, h[i].acks[k].org);
	}
	return 0;
}

/* 1 if every item shown is a record, in our feed, of this same reader's
 * earlier read of the audit: showing a reader their own reads of the
 * audit tells nothing new, and recording it would make a watch of the
 * audit (cahier watch --access) record its own records forever. */
static int
only_own_audit_reads(cahierd_t *d, const readctx_t *r, const provider_t *pv)
{
	if (r->n == 0)
		return 0;
	for (size_t i = 0; i < r->n; i++) {
		const ch_readitem_t *it = &r->items[i];
		ch_plain_t p;
		ch_access_t a;
		ch_readreq_t rq;
		if (it->state != CH_IT_OPEN || !it->plain.p ||
		    memcmp(it->env.org, keyring_org(d->kr), 32) != 0 ||
		    ch_plain_decode(it->plain.p, it->plain.n, &p) != 0 || p.kind != CH_KIND_ACCESS ||
		    ch_access_decode(p.fields, p.fieldslen, &a) != 0)
			return 0;
		int own = a.certlen == pv->certlen && memcmp(a.cert, pv->certbuf, a.certlen) == 0 &&
		    ch_readreq_decode(a.request, a.requestlen, &rq) == 0 &&
		    rq.kinds == (uint64_t)1 << CH_KIND_ACCESS;
		ch_access_clear(&a);
		if (!own)
			return 0;
	}
	return 1;
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
		if (stale)
			log_warn("refused a read by %s: stale request", pv->cert.name);
		else
			log_warn("refused a read by %s: replayed request", pv->cert.name);
		refuse_read(d, c, pv, body, bodylen, &rq, rep, stale ?
		    "stale read request (check the clock)" : "replayed read request (check the clock)");
		return;
	}
	state_epoch_t cur;
	int have_cur = state_epoch_current(c, &cur) == 0;
	const char *refusal = state_person_refusal(have_cur ? &cur.ch : NULL, pv->cert.role,
	    pv->cert.provider, (uint64_t)clock_now_ms() / 1000);
	/* The purpose the reader states must fit their role: a read recorded
	 * as made for treatment by the person's trusted person would be a
	 * false record (proto/names.h). */
	char why[256];
	const char *bad = refusal ? NULL : ch_purpose_refusal(pv->cert.role, rq.purpose);
	if (bad) {
		snprintf(why, sizeof(why), "purpose %s refused for your role (%s): %s",
		    ch_purpose_name(rq.purpose) ? ch_purpose_name(rq.purpose) : "?",
		    pv->cert.role, bad);
		refusal = why;
	}
	/* An emergency read needs the glass broken first (api.c, grants.h):
	 * then the role's audiences do not bound it, every audience this
	 * organization holds keys for opens. */
	int emergency = !refusal && rq.purpose == CH_PURPOSE_EMERGENCY;
	if (emergency && !grants_until(d->grants, pv->cert.provider, rq.case_id,
	    (uint64_t)clock_now_ms()))
		refusal = "an emergency read needs the reason stated first: 'cahier emergency "
		    "CASE --reason TEXT' alerts the coordinator and opens the case for a while";
	if (refusal) {
		if (have_cur)
			state_epoch_free(&cur);
		log_warn("refused a read by %s (%s): %s", pv->cert.name, pv->cert.role, refusal);
		refuse_read(d, c, pv, body, bodylen, &rq, rep, refusal);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.keys.c = c;
	ixcase_t *x;
	ixhit_t *hits = NULL;
	size_t nhits = 0;
	int more = 0;
	uint64_t resume = 0;
	if ((rc = index_case(d->ix, c, &x)) != 0 ||
	    (rc = index_query(x, c, &rq, pv->cert.role, have_cur && !emergency ? &cur.ch : NULL,
	    &hits, &nhits, &more, &resume)) != 0)
		goto fail;
	rc = read_hits(d, &r, hits, nhits, have_cur ? &cur.ch : NULL);
	if (rc == 0)
		rc = shown_ranges(&r, hits, nhits);
	free(hits);
	if (rc)
		goto fail;
	/* The reply is made first (with a zero record id, the reply's first 32
	 * bytes), so that a read that cannot be answered is recorded as failed,
	 * not as done. Then the record, in this round's transaction; the reply
	 * is sent only after that transaction commits (outbox_flush). */
	ch_readrep_t rp;
	memset(&rp, 0, sizeof(rp));
	rp.more = (uint8_t)more;
	rp.orgs = r.orgs;
	rp.norgs = r.norgs;
	rp.items = r.items;
	rp.n = r.n;
	rp.instance = index_instance(x);
	rp.arrived = resume;
	rc = ch_readrep_encode(&rp, &out, &outlen);
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
	/* A read that shows nothing touched nothing: it leaves no record
	 * (cahier watch asks every few seconds), unless it searched for a
	 * text, which says something of what the reader looks for; nor does
	 * one that shows the reader only their own earlier reads of the
	 * audit. Its reply's record id stays zero. */
	if ((r.n > 0 || rq.search[0]) && !only_own_audit_reads(d, &r, pv) &&
	    (rc = audit_record(d, c, pv, body, bodylen, rq.action, rq.purpose, CH_OUT_OK,
	    r.ranges, r.nranges, access_id)) != 0) {
		sodium_memzero(out, outlen);
		free(out);
		goto fail;
	}
	memcpy(out, access_id, 32);
	size_t shown = r.n;
	read_free(&r);
	if (have_cur)
		state_epoch_free(&cur);
	if (shown || rq.search[0])
		log_info(ngettext("%s (%s) read %zu entry of a case: access record written",
		    "%s (%s) read %zu entries of a case: access record written", shown),
		    pv->cert.name, pv->cert.role, shown);
	cahierd_reply_ok(rep, out, outlen);
	return;
fail:
	read_free(&r);
	if (have_cur)
		state_epoch_free(&cur);
	if (rc == DERR_RESTORING) {
		/* Every read is recorded in our feed, which waits. */
		cahierd_reply_err(rep, CH_ST_DENIED, "not read: %s", derr_str(rc));
		return;
	}
	log_err("read failed: %s", derr_str(rc));
	cahierd_reply_err(rep, CH_ST_INTERNAL, "read failed: %s", derr_str(rc));
}
