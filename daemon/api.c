/* api.c - the client API: who is asking, and which handler answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/info.h"
#include "../proto/msg.h"
#include "../proto/names.h"
#include "api.h"
#include "clock.h"
#include "log.h"
#include "post.h"
#include "reads.h"
#include "state.h"

/* Encodes rep for request type and queues it for sock (takes route; wipes
 * and frees rep's body). */
static void
send_reply(cahierd_t *d, zsock_t *sock, zframe_t *route, uint8_t type,
    cahierd_reply_t *rep)
{
	uint8_t *out;
	size_t len;
	int rc = ch_msg_encode(CH_MAGIC_REP, type, rep->status, rep->body, rep->len,
	    &out, &len);
	if (rep->body) {
		sodium_memzero(rep->body, rep->len);
		free(rep->body);
	}
	rep->body = NULL;
	if (rc != 0) {
		static const char msg[] = "reply too large";
		if (ch_msg_encode(CH_MAGIC_REP, type, CH_ST_INTERNAL,
		    (const uint8_t *)msg, sizeof(msg) - 1, &out, &len) != 0) {
			zframe_destroy(&route);
			return;
		}
	}
	outbox_queue(d->out, sock, route, out, len, type);
}

/* The peers' connection state, as the clients see it. */
static int
connected(const cahierd_t *d, const peer_t *p, int64_t now)
{
	return p->last_heard && now - p->last_heard < 3 * d->cfg.sync_interval_ms + 2000;
}

/* 1 if the current charter of c lists pv among its people, within its
 * date. */
static int
listed(scase_t *c, const provider_t *pv)
{
	state_epoch_t r;
	if (state_epoch_current(c, &r) != 0)
		return 0;
	int ok = state_person_refusal(&r.ch, pv->cert.role, pv->cert.provider,
	    (uint64_t)clock_now_ms() / 1000) == NULL;
	state_epoch_free(&r);
	return ok;
}

static void
do_status(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	ch_status_t st;
	uint8_t (*ids)[16] = NULL, *out = NULL;
	size_t n = 0, outlen = 0;
	int64_t now = clock_now_ms();
	(void)body; (void)bodylen;

	int person = ch_role_is_person(pv->cert.role);
	size_t k = 0;
	if (store_case_list(d->store, &ids, &n) != 0)
		n = 0;
	/* The people around the person count the cases that list them, and
	 * see nothing of the organizations this one works with. */
	for (size_t i = 0; i < n; i++) {
		scase_t *c;
		if (!person || (store_case_get(d->store, ids[i], 0, &c) == 0 && listed(c, pv)))
			k++;
	}
	free(ids);
	st.card.p = d->card;
	st.card.n = d->cardlen;
	st.cert.p = pv->certbuf;
	st.cert.n = pv->certlen;
	st.ncases = (uint32_t)k;
	st.npeers = person ? 0 : (uint32_t)peers_count(d->peers);
	st.nconnected = 0;
	for (size_t i = 0; !person && i < peers_count(d->peers); i++)
		if (connected(d, peers_at(d->peers, i), now))
			st.nconnected++;
	if (ch_status_encode(&st, &out, &outlen) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "status too large");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

static void
do_cases(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	uint8_t (*ids)[16] = NULL, *out = NULL;
	size_t n = 0, outlen = 0, k = 0;
	ch_caseinfo_t *v = NULL;
	(void)body; (void)bodylen;

	if (store_case_list(d->store, &ids, &n) != 0 || (n && !(v = calloc(n, sizeof(*v))))) {
		free(ids);
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot list cases");
		return;
	}
	int person = ch_role_is_person(pv->cert.role);
	for (size_t i = 0; i < n; i++) {
		scase_t *c;
		uint8_t (*m)[32] = NULL;
		size_t nm = 0, nf = 0;
		if (store_case_get(d->store, ids[i], 0, &c) != 0)
			continue;
		memcpy(v[k].case_id, ids[i], 16);
		if (state_coordinator(c, v[k].coordinator) != 0)
			continue; /* not joined yet */
		if (person && !listed(c, pv))
			continue; /* the people see the cases that list them, while they do */
		if (state_members(c, &m, &nm) == 0)
			free(m);
		if (store_fork_count(c, &nf) != 0)
			nf = 0;
		v[k].members = (uint16_t)nm;
		v[k].entries = state_entries(c);
		v[k].epoch = state_epoch(c);
		v[k].forks = (uint32_t)nf;
		k++;
	}
	free(ids);
	int rc = ch_caselist_encode(v, k, &out, &outlen);
	free(v);
	if (rc != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "list too large");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

static void
do_peers(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	size_t np = peers_count(d->peers);
	ch_peerinfo_t *v = calloc(np ? np : 1, sizeof(*v));
	uint8_t **cards = calloc(np ? np : 1, sizeof(*cards));
	uint8_t *out = NULL;
	size_t outlen = 0, k = 0;
	int64_t now = clock_now_ms();
	(void)body; (void)bodylen;

	if (ch_role_is_person(pv->cert.role)) {
		free(v);
		free(cards);
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "your role (%s) does not list the organizations %s works with", pv->cert.role,
		    d->cfg.name);
		return;
	}
	if (!v || !cards) {
		free(v);
		free(cards);
		cahierd_reply_err(rep, CH_ST_INTERNAL, "out of memory");
		return;
	}
	for (size_t i = 0; i < np; i++) {
		peer_t *p = peers_at(d->peers, i);
		size_t cl = 0;
		if (store_peer_get(d->store, p->org, &cards[k], &cl) != 0)
			continue;
		v[k].card.p = cards[k];
		v[k].card.n = cl;
		v[k].last_heard_ms = (uint64_t)p->last_heard;
		v[k].connected = connected(d, p, now);
		k++;
	}
	int rc = ch_peerlist_encode(v, k, &out, &outlen);
	for (size_t i = 0; i < k; i++)
		free(cards[i]);
	free(cards);
	free(v);
	if (rc) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "list too large");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

/* WHERE: which member organizations hold our entry seq of a case, as
 * their last SYNC said (held.h). Answered about a case the provider could
 * post to: this organization is a member, and a people's role is listed
 * (a person may ask where their own post went). seq 0 asks for the
 * members only (each held 0): how the people's client, which cannot read
 * the charter, names the organizations of the case. */
static void
do_where(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	ch_wherereq_t rq;
	scase_t *c;
	uint8_t (*m)[32] = NULL, *out = NULL;
	size_t nm = 0, k = 0, outlen = 0;
	const uint8_t *me = keyring_org(d->kr);

	if (ch_wherereq_decode(body, bodylen, &rq) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "malformed where request");
		return;
	}
	uint32_t out_at = 0;
	if (store_case_get(d->store, rq.case_id, 0, &c) != 0 || !state_is_member(c, me) ||
	    state_excluded(c, &out_at)) {
		cahierd_reply_err(rep, CH_ST_NOCASE, "%s does not post to that case", d->cfg.name);
		return;
	}
	if (ch_role_is_person(pv->cert.role) && !listed(c, pv)) {
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "your role (%s) is not listed among the people of this case", pv->cert.role);
		return;
	}
	if (state_members(c, &m, &nm) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot read the members of the case");
		return;
	}
	ch_whereorg_t *v = calloc(nm ? nm : 1, sizeof(*v));
	char (*names)[CH_WHERE_NAME_MAX + 1] = calloc(nm ? nm : 1, sizeof(*names));
	if (!v || !names) {
		free(v);
		free(names);
		free(m);
		cahierd_reply_err(rep, CH_ST_INTERNAL, "out of memory");
		return;
	}
	for (size_t i = 0; i < nm && k < CH_WHERE_MAX; i++) {
		if (memcmp(m[i], me, 32) == 0)
			continue;
		memcpy(v[k].org, m[i], 32);
		v[k].held = rq.seq && held_get(d->held, m[i], rq.case_id) >= rq.seq;
		cahierd_org_name(d, c, m[i], names[k], sizeof(names[k]));
		v[k].name.p = (const uint8_t *)names[k];
		v[k].name.n = strlen(names[k]);
		k++;
	}
	int rc = ch_whererep_encode(v, k, &out, &outlen);
	free(v);
	free(names);
	free(m);
	if (rc) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot encode the answer");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

/* One handler per request type. */
static const struct {
	uint8_t type;
	void (*fn)(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
	    cahierd_reply_t *rep);
} handlers[] = {
	{ CH_CQ_STATUS, do_status },
	{ CH_CQ_POST, post_handle },
	{ CH_CQ_READ, reads_handle },
	{ CH_CQ_CASES, do_cases },
	{ CH_CQ_PEERS, do_peers },
	{ CH_CQ_WHERE, do_where },
};

void
api_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, zframe_t *frame)
{
	const char *uid = zframe_meta(frame, "User-Id");
	provider_t *pv = peers_provider_by_curve(d->peers, uid);
	cahierd_reply_t rep;
	uint8_t type = 0, status;
	const uint8_t *body;
	size_t bodylen, i;

	memset(&rep, 0, sizeof(rep));
	if (ch_msg_decode(zframe_data(frame), zframe_size(frame), CH_MAGIC_REQ,
	    &type, &status, &body, &bodylen) != 0) {
		log_limited(LOG_LVL_WARN, "client", "malformed client request (%zu bytes) refused",
		    zframe_size(frame));
		cahierd_reply_err(&rep, CH_ST_BADREQ, "malformed request");
	} else if (!pv) {
		log_limited(LOG_LVL_WARN, "client",
		    "client request from a key with no certificate of %s refused", d->cfg.name);
		cahierd_reply_err(&rep, CH_ST_DENIED,
		    "this key holds no certificate of %s", d->cfg.name);
	} else if (keys_cert_check_time(&pv->cert, (uint64_t)clock_now_ms() / 1000) != 0) {
		log_warn("refused %s: certificate not valid now", pv->cert.name);
		cahierd_reply_err(&rep, CH_ST_DENIED,
		    "your certificate is not valid now (ask %s for a new one)", d->cfg.name);
	} else {
		for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
			if (handlers[i].type == type)
				break;
		if (i < sizeof(handlers) / sizeof(handlers[0]))
			handlers[i].fn(d, pv, body, bodylen, &rep);
		else
			cahierd_reply_err(&rep, CH_ST_BADREQ, "unknown request type %u", type);
	}
	send_reply(d, sock, route, type, &rep);
}
