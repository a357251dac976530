/* api.c - requests from providers' clients. The provider is known by the
 * CURVE key of the connection (admitted by ZAP, bound here to a certificate
 * this org issued); every post and read request is also signed by that
 * provider, and checked. Replies are queued and sent only after the round's
 * writes are committed: no plaintext leaves before its access record is on
 * disk. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/info.h"
#include "daemon.h"
#include "log.h"

#define READ_SKEW_MS (5 * 60 * 1000)

static void
reply(cahierd_t *d, zsock_t *sock, zframe_t *route, uint8_t type,
    uint8_t status, const uint8_t *body, size_t n)
{
	uint8_t *out;
	size_t len;
	if (ch_msg_encode(CH_MAGIC_REP, type, status, body, n, &out, &len) != 0) {
		static const char msg[] = "reply too large";
		if (ch_msg_encode(CH_MAGIC_REP, type, CH_ST_INTERNAL,
		    (const uint8_t *)msg, sizeof(msg) - 1, &out, &len) != 0) {
			zframe_destroy(&route);
			return;
		}
	}
	out_queue(d, sock, route, out, len, type);
}

static void
reply_err(cahierd_t *d, zsock_t *sock, zframe_t *route, uint8_t type,
    uint8_t status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply(d, sock, route, type, status, (const uint8_t *)msg, strlen(msg));
}

static provider_t *
provider_by_curve(cahierd_t *d, const char *z85)
{
	for (size_t i = 0; z85 && i < d->nprovs; i++)
		if (strcmp(d->provs[i].curve_z85, z85) == 0)
			return &d->provs[i];
	return NULL;
}

/* Queues a freshly appended entry for every member peer of the case. */
static void
push_after_commit(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n)
{
	sync_push(d, c, entry, n);
}

static void
do_post(cahierd_t *d, zsock_t *sock, zframe_t *route, provider_t *pv,
    const uint8_t *body, size_t bodylen)
{
	ch_postreq_t rq;
	ch_plain_t p;
	scase_t *c = NULL;
	uint8_t key[32], coord[32], *entry = NULL, *out = NULL;
	size_t entrylen = 0, outlen = 0;
	ch_slot_t slot;
	size_t nslots = 0;
	ch_postrep_t rep;
	int rc;
	const uint8_t T = CH_CQ_POST;

	if (ch_postreq_decode(body, bodylen, &rq) != 0 ||
	    ch_plain_decode(rq.plain.p, rq.plain.n, &p) != 0) {
		reply_err(d, sock, route, T, CH_ST_BADREQ, "malformed post");
		return;
	}
	if (p.certlen != pv->certlen || memcmp(p.cert, pv->certbuf, p.certlen) != 0 ||
	    ch_plain_verify(rq.plain.p, rq.plain.n, rq.case_id, rq.audience,
	    pv->cert.provider) != 0) {
		log_warn("refused a post by %s: not signed with the key of this connection's certificate",
		    pv->cert.name);
		reply_err(d, sock, route, T, CH_ST_DENIED,
		    "post not signed by the certified key of this connection");
		return;
	}
	memset(&slot, 0, sizeof(slot));
	if (p.kind == CH_KIND_CASE_CREATE) {
		ch_create_t cr;
		uint8_t id[16];
		if (rq.audience != CH_AUD_NETWORK ||
		    ch_create_decode(p.fields, p.fieldslen, &cr) != 0) {
			reply_err(d, sock, route, T, CH_ST_BADREQ, "malformed case creation");
			return;
		}
		ch_case_id(d->keys->sign_pk, cr.salt, id);
		ch_create_clear(&cr);
		if (memcmp(id, rq.case_id, 16) != 0) {
			reply_err(d, sock, route, T, CH_ST_BADREQ,
			    "case id is not derived from this organization's key");
			return;
		}
		if (store_case_exists(d->store, id)) {
			reply_err(d, sock, route, T, CH_ST_BADREQ, "case exists already");
			return;
		}
		if ((rc = store_case_get(d->store, id, 1, &c)) != 0)
			goto internal;
		/* Epoch 0's key, sealed to ourselves in the genesis entry: a store
		 * restored from the feed alone can still open the case. */
		randombytes_buf(key, sizeof(key));
		memcpy(slot.org, d->keys->sign_pk, 32);
		slot.epoch = 0;
		slot.audience = CH_AUD_NETWORK;
		crypto_box_seal(slot.sealed, key, 32, d->keys->box_pk);
		nslots = 1;
	} else {
		if ((rc = store_case_get(d->store, rq.case_id, 0, &c)) == ST_ERR_NOTFOUND) {
			char hex[33];
			sodium_bin2hex(hex, sizeof(hex), rq.case_id, 16);
			reply_err(d, sock, route, T, CH_ST_NOCASE,
			    "no such case %s at %s (is this organization a member of it?)", hex, d->cfg.name);
			return;
		} else if (rc)
			goto internal;
		if (!nb_is_member(c, d->keys->sign_pk)) {
			reply_err(d, sock, route, T, CH_ST_DENIED,
			    "%s is not a member of this case", d->cfg.name);
			return;
		}
		if (store_key_get(c, nb_epoch(c), rq.audience, key) != 0) {
			reply_err(d, sock, route, T, CH_ST_DENIED,
			    "%s holds no key for that audience of this case", d->cfg.name);
			return;
		}
		if (p.kind == CH_KIND_MEMBER_ADD) {
			ch_member_t m;
			keys_card_t card;
			if (nb_coordinator(c, coord) != 0 || memcmp(coord, d->keys->sign_pk, 32) != 0) {
				sodium_memzero(key, sizeof(key));
				reply_err(d, sock, route, T, CH_ST_DENIED,
				    "only the coordinator of the case adds members");
				return;
			}
			if (rq.audience != CH_AUD_NETWORK ||
			    ch_member_decode(p.fields, p.fieldslen, &m) != 0) {
				sodium_memzero(key, sizeof(key));
				reply_err(d, sock, route, T, CH_ST_BADREQ, "malformed member addition");
				return;
			}
			rc = keys_card_parse(m.card, m.cardlen, &card);
			ch_member_clear(&m);
			if (rc) {
				sodium_memzero(key, sizeof(key));
				reply_err(d, sock, route, T, CH_ST_BADREQ, "the member's card does not verify");
				return;
			}
			if (nb_is_member(c, card.org_id)) {
				sodium_memzero(key, sizeof(key));
				reply_err(d, sock, route, T, CH_ST_BADREQ, "%s is a member already", card.name);
				keys_card_clear(&card);
				return;
			}
			memcpy(slot.org, card.org_id, 32);
			slot.epoch = nb_epoch(c);
			slot.audience = CH_AUD_NETWORK;
			crypto_box_seal(slot.sealed, key, 32, card.box_pk);
			nslots = 1;
			keys_card_clear(&card);
		} else if (p.kind != CH_KIND_NOTE) {
			sodium_memzero(key, sizeof(key));
			reply_err(d, sock, route, T, CH_ST_BADREQ, "providers cannot post entries of kind %u", p.kind);
			return;
		}
	}
	rc = nb_append(d, c, rq.audience, nslots ? &slot : NULL, nslots, key,
	    rq.plain.p, rq.plain.n, &entry, &entrylen, rep.id);
	sodium_memzero(key, sizeof(key));
	if (rc) {
		reply_err(d, sock, route, T, CH_ST_BADREQ, "entry refused: %s", ch_strerror(rc));
		return;
	}
	memcpy(rep.case_id, store_case_id(c), 16);
	{
		ch_env_t env;
		const uint8_t *b;
		size_t bl;
		rep.seq = ch_entry_split(entry, entrylen, &env, &b, &bl) == 0 ? env.seq : 0;
	}
	push_after_commit(d, c, entry, entrylen);
	free(entry);
	if (ch_postrep_encode(&rep, &out, &outlen) != 0)
		goto internal;
	reply(d, sock, route, T, CH_ST_OK, out, outlen);
	free(out);
	return;
internal:
	reply_err(d, sock, route, T, CH_ST_INTERNAL, "internal error (see the daemon's log)");
}

/* Reading: collect every entry of the case, decrypted where we hold the key. */
typedef struct {
	cahierd_t *d;
	scase_t *c;
	uint8_t kind;
	ch_readitem_t *items;
	uint8_t **plains;
	char **names;
	size_t n, cap;
	struct { uint32_t epoch; uint8_t aud; int ok; uint8_t key[32]; } keys[16];
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
	size_t i = r->nkeys < 16 ? r->nkeys++ : 15;
	r->keys[i].epoch = epoch;
	r->keys[i].aud = aud;
	r->keys[i].ok = store_key_get(r->c, epoch, aud, r->keys[i].key) == 0;
	return r->keys[i].ok ? r->keys[i].key : NULL;
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
	const uint8_t *key = body ? read_key(r, env.epoch, env.audience) : NULL;
	if (key && ch_body_open(&env, body, bl, key, &plain, &pl) != 0) {
		plain = NULL;
		pl = 0;
	}
	uint8_t kind = plain && ch_plain_decode(plain, pl, &p) == 0 ? p.kind : 0;
	int want = r->kind == CH_KIND_ACCESS ? kind == CH_KIND_ACCESS : kind != CH_KIND_ACCESS;
	if (!want) {
		if (plain) {
			sodium_memzero(plain, pl);
			free(plain);
		}
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
			free(plain);
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
	for (size_t i = 0; i < r->n; i++) {
		if (r->plains[i]) {
			sodium_memzero(r->plains[i], r->items[i].plain.n);
			free(r->plains[i]);
		}
	}
	for (size_t i = 0; i < r->nkeys; i++)
		sodium_memzero(r->keys[i].key, 32);
	free(r->items);
	free(r->plains);
	free(r->ranges);
}

/* Writes an access record to our feed of c. */
static int
record_access(cahierd_t *d, scase_t *c, provider_t *pv, const uint8_t *req,
    size_t reqlen, const ch_readreq_t *rq, uint8_t outcome,
    const ch_range_t *ranges, size_t nranges, uint8_t id[32])
{
	ch_access_t a;
	ch_plain_t p;
	uint8_t *fields = NULL, *plain = NULL, *entry = NULL, key[32];
	size_t fl = 0, pl = 0, el = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	randombytes_buf(a.event_id, sizeof(a.event_id));
	a.action = rq->action;
	a.outcome = outcome;
	a.purpose = rq->purpose;
	a.time_ms = (uint64_t)now_ms();
	a.cert = pv->certbuf;
	a.certlen = pv->certlen;
	a.request = req;
	a.requestlen = reqlen;
	a.ranges = (ch_range_t *)(uintptr_t)ranges;
	a.nranges = nranges;
	if ((rc = ch_access_encode(&a, &fields, &fl)) != 0)
		return rc;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = CH_KIND_ACCESS;
	p.hlc = (uint64_t)now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fl;
	rc = ch_plain_encode(&p, store_case_id(c), CH_AUD_NETWORK, NULL, &plain, &pl);
	free(fields);
	if (rc)
		return rc;
	if ((rc = store_key_get(c, nb_epoch(c), CH_AUD_NETWORK, key)) == 0)
		rc = nb_append(d, c, CH_AUD_NETWORK, NULL, 0, key, plain, pl, &entry, &el, id);
	sodium_memzero(key, sizeof(key));
	free(plain);
	if (rc == 0) {
		push_after_commit(d, c, entry, el);
		free(entry);
	}
	return rc;
}

static int
nonce_seen(cahierd_t *d, const uint8_t nonce[16])
{
	for (size_t i = 0; i < 1024; i++)
		if (memcmp(d->nonces[i], nonce, 16) == 0)
			return 1;
	memcpy(d->nonces[d->nonce_pos++ % 1024], nonce, 16);
	return 0;
}

static void
do_read(cahierd_t *d, zsock_t *sock, zframe_t *route, provider_t *pv,
    const uint8_t *body, size_t bodylen)
{
	ch_readreq_t rq;
	scase_t *c;
	readctx_t r;
	uint8_t access_id[32], *out = NULL;
	size_t outlen = 0;
	int rc;
	const uint8_t T = CH_CQ_READ;

	if (ch_readreq_decode(body, bodylen, &rq) != 0 ||
	    memcmp(rq.provider, pv->cert.provider, 32) != 0) {
		log_warn("refused a read by %s: request not signed by the certified key", pv->cert.name);
		reply_err(d, sock, route, T, CH_ST_DENIED,
		    "read request not signed by the certified key of this connection");
		return;
	}
	if ((rc = store_case_get(d->store, rq.case_id, 0, &c)) != 0) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), rq.case_id, 16);
		if (rc == ST_ERR_NOTFOUND)
			reply_err(d, sock, route, T, CH_ST_NOCASE,
			    "no such case %s at %s (is this organization a member of it?)",
			    hex, d->cfg.name);
		else
			reply_err(d, sock, route, T, CH_ST_INTERNAL,
			    "cannot open case %s: %s (see the daemon's log)", hex, store_strerror(rc));
		return;
	}
	int64_t skew = now_ms() - (int64_t)rq.time_ms;
	int stale = skew > READ_SKEW_MS || skew < -READ_SKEW_MS;
	if (stale || nonce_seen(d, rq.nonce)) {
		log_warn("refused a read by %s: %s request", pv->cert.name,
		    stale ? "stale" : "replayed");
		/* Refused attempts are recorded too. */
		if (record_access(d, c, pv, body, bodylen, &rq, CH_OUT_REFUSED, NULL, 0,
		    access_id) != 0)
			log_err("could not record a refused read");
		reply_err(d, sock, route, T, CH_ST_DENIED, "%s read request (check the clock)",
		    stale ? "stale" : "replayed");
		return;
	}
	memset(&r, 0, sizeof(r));
	r.d = d;
	r.c = c;
	r.kind = rq.kind;
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
		nb_org_name(d, c, r.ranges[i].org, names[i], 256);
	for (size_t i = 0; i < r.n; i++)
		for (size_t j = 0; j < r.nranges; j++)
			if (memcmp(r.items[i].env.org, r.ranges[j].org, 32) == 0) {
				r.items[i].orgname.p = (const uint8_t *)names[j];
				r.items[i].orgname.n = strlen(names[j]);
			}
	/* The record first, in this round's transaction; the reply is sent only
	 * after that transaction commits (out_flush). */
	if ((rc = record_access(d, c, pv, body, bodylen, &rq, CH_OUT_OK, r.ranges,
	    r.nranges, access_id)) != 0) {
		free(names);
		goto fail;
	}
	rc = ch_readrep_encode(access_id, r.items, r.n, &out, &outlen);
	free(names);
	read_free(&r);
	if (rc) {
		reply_err(d, sock, route, T, CH_ST_INTERNAL, "reply too large");
		return;
	}
	log_info("%s (%s) read %s of a case: access record written",
	    pv->cert.name, pv->cert.role, rq.kind == CH_KIND_ACCESS ? "the audit" : "the notebook");
	reply(d, sock, route, T, CH_ST_OK, out, outlen);
	sodium_memzero(out, outlen);
	free(out);
	return;
fail:
	read_free(&r);
	log_err("read failed: %s", store_strerror(rc));
	reply_err(d, sock, route, T, CH_ST_INTERNAL, "read failed: %s", store_strerror(rc));
}

static void
do_status(cahierd_t *d, zsock_t *sock, zframe_t *route, provider_t *pv)
{
	ch_status_t st;
	uint8_t (*ids)[16] = NULL, *out = NULL;
	size_t n = 0, outlen = 0;

	if (store_case_list(d->store, &ids, &n) != 0)
		n = 0;
	free(ids);
	st.card.p = d->card;
	st.card.n = d->cardlen;
	st.cert.p = pv->certbuf;
	st.cert.n = pv->certlen;
	st.ncases = (uint32_t)n;
	st.npeers = (uint32_t)d->npeers;
	st.nconnected = 0;
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i].last_heard && now_ms() - d->peers[i].last_heard < 3 * d->cfg.sync_interval_ms + 2000)
			st.nconnected++;
	if (ch_status_encode(&st, &out, &outlen) != 0) {
		reply_err(d, sock, route, CH_CQ_STATUS, CH_ST_INTERNAL, "status too large");
		return;
	}
	reply(d, sock, route, CH_CQ_STATUS, CH_ST_OK, out, outlen);
	free(out);
}

typedef struct { uint64_t total; } count_t;

static int
count_head(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	(void)org; (void)id;
	((count_t *)arg)->total += seq;
	return 0;
}

static void
do_cases(cahierd_t *d, zsock_t *sock, zframe_t *route)
{
	uint8_t (*ids)[16] = NULL, *out = NULL;
	size_t n = 0, outlen = 0, k = 0;
	ch_caseinfo_t *v = NULL;

	if (store_case_list(d->store, &ids, &n) != 0 || (n && !(v = calloc(n, sizeof(*v))))) {
		free(ids);
		reply_err(d, sock, route, CH_CQ_CASES, CH_ST_INTERNAL, "cannot list cases");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		scase_t *c;
		uint8_t (*m)[32] = NULL;
		size_t nm = 0, nf = 0;
		count_t cnt = { 0 };
		if (store_case_get(d->store, ids[i], 0, &c) != 0)
			continue;
		memcpy(v[k].case_id, ids[i], 16);
		if (nb_coordinator(c, v[k].coordinator) != 0)
			continue; /* not joined yet */
		if (nb_members(c, &m, &nm) == 0)
			free(m);
		(void)store_heads_each(c, count_head, &cnt);
		if (store_fork_count(c, &nf) != 0)
			nf = 0;
		v[k].members = (uint16_t)nm;
		v[k].entries = cnt.total;
		v[k].epoch = nb_epoch(c);
		v[k].forks = (uint32_t)nf;
		k++;
	}
	free(ids);
	if (ch_caselist_encode(v, k, &out, &outlen) != 0) {
		free(v);
		reply_err(d, sock, route, CH_CQ_CASES, CH_ST_INTERNAL, "list too large");
		return;
	}
	free(v);
	reply(d, sock, route, CH_CQ_CASES, CH_ST_OK, out, outlen);
	free(out);
}

static void
do_peers(cahierd_t *d, zsock_t *sock, zframe_t *route)
{
	ch_peerinfo_t *v = calloc(d->npeers ? d->npeers : 1, sizeof(*v));
	uint8_t **cards = calloc(d->npeers ? d->npeers : 1, sizeof(*cards));
	uint8_t *out = NULL;
	size_t outlen = 0, k = 0;
	int64_t now = now_ms();

	if (!v || !cards) {
		free(v);
		free(cards);
		reply_err(d, sock, route, CH_CQ_PEERS, CH_ST_INTERNAL, "out of memory");
		return;
	}
	for (size_t i = 0; i < d->npeers; i++) {
		size_t cl = 0;
		if (store_org_get(d->store, "peers", d->peers[i].org, 32, &cards[k], &cl) != 0)
			continue;
		v[k].card.p = cards[k];
		v[k].card.n = cl;
		v[k].last_heard_ms = (uint64_t)d->peers[i].last_heard;
		v[k].connected = d->peers[i].last_heard &&
		    now - d->peers[i].last_heard < 3 * d->cfg.sync_interval_ms + 2000;
		k++;
	}
	int rc = ch_peerlist_encode(v, k, &out, &outlen);
	for (size_t i = 0; i < k; i++)
		free(cards[i]);
	free(cards);
	free(v);
	if (rc) {
		reply_err(d, sock, route, CH_CQ_PEERS, CH_ST_INTERNAL, "list too large");
		return;
	}
	reply(d, sock, route, CH_CQ_PEERS, CH_ST_OK, out, outlen);
	free(out);
}

void
api_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, zframe_t *frame)
{
	const char *uid = zframe_meta(frame, "User-Id");
	provider_t *pv = provider_by_curve(d, uid);
	uint8_t type = 0, status;
	const uint8_t *body;
	size_t bodylen;

	if (ch_msg_decode(zframe_data(frame), zframe_size(frame), CH_MAGIC_REQ,
	    &type, &status, &body, &bodylen) != 0) {
		log_warn("malformed client request (%zu bytes) refused", zframe_size(frame));
		reply_err(d, sock, route, type, CH_ST_BADREQ, "malformed request");
		return;
	}
	if (!pv) {
		log_warn("client request from a key with no certificate of %s refused", d->cfg.name);
		reply_err(d, sock, route, type, CH_ST_DENIED,
		    "this key holds no certificate of %s", d->cfg.name);
		return;
	}
	if (keys_cert_check_time(&pv->cert, (uint64_t)now_ms() / 1000) != 0) {
		log_warn("refused %s: certificate not valid now", pv->cert.name);
		reply_err(d, sock, route, type, CH_ST_DENIED,
		    "your certificate is not valid now (ask %s for a new one)", d->cfg.name);
		return;
	}
	switch (type) {
	case CH_CQ_STATUS: do_status(d, sock, route, pv); break;
	case CH_CQ_POST: do_post(d, sock, route, pv, body, bodylen); break;
	case CH_CQ_READ: do_read(d, sock, route, pv, body, bodylen); break;
	case CH_CQ_CASES: do_cases(d, sock, route); break;
	case CH_CQ_PEERS: do_peers(d, sock, route); break;
	default:
		reply_err(d, sock, route, type, CH_ST_BADREQ, "unknown request type %u", type);
	}
}
