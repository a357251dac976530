/* api.c - the client API: who is asking, and which handler answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/msg.h"
#include "../proto/cbuf.h"
#include "../proto/names.h"
#include "api.h"
#include "audit.h"
#include "clock.h"
#include "derr.h"
#include "health.h"
#include "log.h"
#include "notify.h"
#include "post.h"
#include "reads.h"
#include "state.h"
#include "verify.h"

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
		/* a refusal without arguments (proto/refusal.h) */
		const char *msg = N_("reply too large");
		if (ch_msg_encode(CH_MAGIC_REP, type, CH_ST_INTERNAL,
		    (const uint8_t *)msg, strlen(msg), &out, &len) != 0) {
			zframe_destroy(&route);
			return;
		}
	}
	outbox_queue(d->out, sock, route, out, len, type);
}

/* The peers' connection state, as the clients see it: our DEALER's CURVE
 * handshake succeeded and the connection has not been lost since (closed,
 * or stalled: peers.h), whether or not a case is shared. A peer we
 * cannot dial (no endpoint, or not reachable from here) is connected while
 * it is heard from on its own connections to our ROUTER, within 3 sync
 * intervals: the ROUTER's events do not say whose connection they are. */
static int
connected(const cahierd_t *d, const peer_t *p, int64_t now)
{
	if (p->dealer_ok)
		return 1;
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
	st.ownforks = 0;
	st.restore_ready = st.restore_total = 0;
	if (!person && restore_active(d->run)) {
		size_t ready, total;
		restore_progress(d->run, &ready, &total);
		st.restore_ready = (uint32_t)ready;
		st.restore_total = (uint32_t)total;
	}
	for (size_t i = 0; i < n; i++) {
		scase_t *c;
		if (store_case_get(d->store, ids[i], 0, &c) != 0)
			continue;
		if (person && !listed(c, pv))
			continue;
		k++;
		if (!person && store_forked_get(c, keyring_org(d->kr)) == 1)
			st.ownforks++;
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
	/* What `cahierd status` tells the administrator, for the provider too. */
	st.version.p = (const uint8_t *)health_version();
	st.version.n = strnlen(health_version(), CH_VERSION_MAX);
	st.started_ms = st.version.n && d->started_ms > 0 ? (uint64_t)d->started_ms : 0;
	st.uptime_s = st.started_ms && now > d->started_ms ?
	    (uint64_t)(now - d->started_ms) / 1000 : 0;
	if (ch_status_encode(&st, &out, &outlen) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "status too large");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

/* Entries looked at per feed, newest first, for the last activity of a
 * case: access records (a read, a list) are not activity. */
#define LAST_WALK 8

typedef struct {
	scase_t *c;
	uint64_t last;
} lastctx_t;

/* 1 if the entry is an access record: only the network audience holds
 * them, and we hold every network key of the epochs we were in. */
static int
is_access(scase_t *c, const ch_env_t *env, const uint8_t *body, size_t bl)
{
	uint8_t key[32], *plain = NULL;
	size_t pl = 0;
	ch_plain_t p;
	int yes = 0;

	if (env->audience != CH_AUD_NETWORK || !body ||
	    store_key_get(c, env->epoch, CH_AUD_NETWORK, key) != 0)
		return 0;
	if (ch_body_open(env, body, bl, key, &plain, &pl) == 0) {
		yes = ch_plain_decode(plain, pl, &p) == 0 && p.kind == CH_KIND_ACCESS;
		sodium_memzero(plain, pl);
		free(plain);
	}
	sodium_memzero(key, sizeof(key));
	return yes;
}

static int
last_of_feed(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	lastctx_t *x = arg;
	(void)id;
	for (uint64_t s = seq, k = 0; s >= 1 && k < LAST_WALK; s--, k++) {
		uint8_t *e = NULL;
		size_t el = 0;
		ch_env_t env;
		const uint8_t *body;
		size_t bl;
		int stop = 1;
		if (store_entry_get(x->c, org, s, &e, &el) != 0)
			break;
		if (ch_entry_split(e, el, &env, &body, &bl) == 0 && env.time_ms > x->last) {
			if (is_access(x->c, &env, body, bl))
				stop = 0;
			else
				x->last = env.time_ms;
		}
		free(e);
		if (stop)
			break;
	}
	return 0;
}

/* The newest time_ms among the last LAST_WALK entries of each feed that
 * are not access records; 0 if none. */
static uint64_t
last_activity(scase_t *c)
{
	lastctx_t x = { c, 0 };
	if (store_heads_each(c, last_of_feed, &x) != 0)
		return 0;
	return x.last;
}

/* Cuts s to the longest prefix that is UTF-8 (a name cut by snprintf). */
static size_t
fit_text(char *s)
{
	size_t n = strlen(s);
	while (n && !ch_utf8_valid((const uint8_t *)s, n))
		s[--n] = '\0';
	return n;
}

/* One case of the list, with room for its two texts. */
typedef struct {
	char name[CH_CASE_NAME_MAX + 1];
	char coord[CH_CASE_NAME_MAX + 1];
} casetext_t;

/* The case's name from its current charter (decrypted), or "". */
static void
case_name(cahierd_t *d, scase_t *c, char *out, size_t n)
{
	uint8_t *buf = NULL;
	size_t bl = 0;
	ch_epoch_t ep;
	out[0] = '\0';
	if (ingest_charter(d->in, c, state_epoch(c), &buf, &bl, &ep) != 0)
		return;
	if (ep.charter.name)
		snprintf(out, n, "%s", ep.charter.name);
	ch_epoch_clear(&ep);
	ingest_charter_free(buf, bl);
	fit_text(out);
}

/* The name of a case is shown only with an access record in that case
 * (action list, no request, no ranges), at most once per provider and case
 * per SHOWN_WINDOW_MS (shown.h). 0 when the name may be shown. */
static int
record_list(cahierd_t *d, scase_t *c, provider_t *pv, int person)
{
	int64_t now = clock_now_ms();
	uint8_t id[32];
	if (shown_recent(d->shown, pv->cert.provider, store_case_id(c), now))
		return 0;
	int rc = audit_record(d, c, pv, NULL, 0, CH_ACT_LIST,
	    person ? CH_PURPOSE_OWN_REQUEST : CH_PURPOSE_COORDINATION, CH_OUT_OK, NULL, 0, id);
	if (rc) {
		log_err("could not record a case list for %s: %s", pv->cert.name, derr_str(rc));
		return rc;
	}
	/* Remembered before the round commits: if the commit fails, the
	 * provider gets an error, not the list, and the name was not shown. */
	shown_mark(d->shown, pv->cert.provider, store_case_id(c), now);
	return 0;
}

static void
do_cases(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	uint8_t (*ids)[16] = NULL, *out = NULL, flags = 0;
	size_t n = 0, outlen = 0, k = 0;
	ch_caseinfo_t *v = NULL;
	casetext_t *t = NULL;
	uint8_t *keep = NULL;

	if (ch_casesreq_decode(body, bodylen, &flags) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ,
		    "malformed case list request (one byte: bit 0 every case, bit 1 no names)");
		return;
	}
	int all = flags & CH_CASES_ALL, names = !(flags & CH_CASES_NONAMES);
	if (store_case_list(d->store, &ids, &n) != 0 || (n && (!(v = calloc(n, sizeof(*v))) ||
	    !(t = calloc(n, sizeof(*t))) || !(keep = calloc(n, 1))))) {
		free(ids);
		free(v);
		free(t);
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot list cases");
		return;
	}
	int person = ch_role_is_person(pv->cert.role);
	for (size_t i = 0; i < n; i++) {
		scase_t *c;
		uint8_t (*m)[32] = NULL;
		size_t nm = 0, nf = 0;
		uint64_t closed_ms = 0;
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
		v[k].flags = nf ? CH_CASE_FORK : 0;
		if (store_forked_get(c, keyring_org(d->kr)) == 1)
			v[k].flags |= CH_CASE_FORK | CH_CASE_OWNFORK;
		if (store_closed_get(d->store, ids[i], &closed_ms, NULL) == 0) {
			v[k].flags |= CH_CASE_CLOSED;
			v[k].since_ms = closed_ms;
		}
		if (state_excluded(c, NULL)) {
			uint64_t when = 0;
			v[k].flags |= CH_CASE_REMOVED;
			if (store_excluded_when(c, &when) == 0 && !(v[k].flags & CH_CASE_CLOSED))
				v[k].since_ms = when;
		}
		v[k].last_ms = last_activity(c);
		cahierd_org_name(d, c, v[k].coordinator, t[k].coord, sizeof(t[k].coord));
		v[k].coord_name.p = (const uint8_t *)t[k].coord;
		v[k].coord_name.n = fit_text(t[k].coord);
		/* A case closed here is out of the daily list; a case this
		 * organization was removed from stays in it until closed here. */
		keep[k] = all || !(v[k].flags & CH_CASE_CLOSED);
		if (keep[k] && names) {
			case_name(d, c, t[k].name, sizeof(t[k].name));
			if (t[k].name[0] && record_list(d, c, pv, person) != 0)
				t[k].name[0] = '\0'; /* no record, no name */
		}
		v[k].name.p = (const uint8_t *)t[k].name;
		v[k].name.n = strlen(t[k].name);
		k++;
	}
	free(ids);
	/* Names the provider sees twice (the hidden closed ones are not
	 * compared: their names are not read). */
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			if (ch_casename_same(&v[i].name, &v[j].name)) {
				v[i].flags |= CH_CASE_SAMENAME;
				v[j].flags |= CH_CASE_SAMENAME;
			}
	size_t w = 0;
	for (size_t i = 0; i < k; i++)
		if (keep[i]) {
			if (w != i) {
				v[w] = v[i];
				/* the slices point into t[i], which stays where it is */
			}
			w++;
		}
	int rc = ch_caselist_encode(v, w, &out, &outlen);
	if (t) {
		sodium_memzero(t, n * sizeof(*t));
		free(t);
	}
	free(v);
	free(keep);
	if (rc != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "list too large");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

/* CLOSE and REOPEN: a decision of this organization about a case it holds,
 * by a professional (not one of the people's roles). */
static int
closing_case(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep, uint8_t id[16], int reopen)
{
	if (ch_caseref_decode(body, bodylen, id) != 0) {
		if (reopen)
			cahierd_reply_err(rep, CH_ST_BADREQ, "malformed reopen request");
		else
			cahierd_reply_err(rep, CH_ST_BADREQ, "malformed close request");
		return -1;
	}
	if (ch_role_is_person(pv->cert.role)) {
		if (reopen)
			cahierd_reply_err(rep, CH_ST_DENIED, "your role (%s) does not reopen cases",
			    pv->cert.role);
		else
			cahierd_reply_err(rep, CH_ST_DENIED, "your role (%s) does not close cases",
			    pv->cert.role);
		return -1;
	}
	if (!store_case_exists(d->store, id)) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		cahierd_reply_err(rep, CH_ST_NOCASE, "no such case %s at %s", hex, d->cfg.name);
		return -1;
	}
	return 0;
}

static void
do_close(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	uint8_t id[16];
	int rc;
	if (closing_case(d, pv, body, bodylen, rep, id, 0) != 0)
		return;
	if ((rc = store_closed_get(d->store, id, NULL, NULL)) == 0) {
		cahierd_reply_ok(rep, NULL, 0); /* closed already: the first close stands */
		return;
	}
	if (rc != ST_ERR_NOTFOUND ||
	    (rc = store_closed_put(d->store, id, (uint64_t)clock_now_ms(), pv->cert.provider)) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot close the case: %s",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	log_info("%s (%s) closed a case at %s", pv->cert.name, pv->cert.role, d->cfg.name);
	cahierd_reply_ok(rep, NULL, 0);
}

static void
do_reopen(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	uint8_t id[16];
	int rc;
	if (closing_case(d, pv, body, bodylen, rep, id, 1) != 0)
		return;
	if ((rc = store_closed_del(d->store, id)) != 0 && rc != ST_ERR_NOTFOUND) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot reopen the case: %s",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	if (rc == 0)
		log_info("%s (%s) reopened a case at %s", pv->cert.name, pv->cert.role, d->cfg.name);
	cahierd_reply_ok(rep, NULL, 0);
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

/* VERIFY: every feed this daemon holds of a case, checked (verify.h).
 * Asked by a provider of a member organization, or by one of the people
 * the charter lists; it shows no entry's content, only which feed and
 * seq is at fault. */
static void
do_verify(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	scase_t *c;
	ch_verifyrep_t r;
	uint8_t *out = NULL;
	size_t outlen = 0;
	int rc;

	if (bodylen != CH_CASE_LEN) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "malformed verify request");
		return;
	}
	if ((rc = store_case_get(d->store, body, 0, &c)) != 0) {
		if (rc == ST_ERR_NOTFOUND)
			cahierd_reply_err(rep, CH_ST_NOCASE, "no such case at %s", d->cfg.name);
		else
			cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot open the case at %s", d->cfg.name);
		return;
	}
	if (ch_role_is_person(pv->cert.role) && !listed(c, pv)) {
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "your role (%s) is not listed among the people of this case", pv->cert.role);
		return;
	}
	if ((rc = verify_case(d, c, &r)) != 0) {
		log_err("verify: cannot read the case: %s", derr_str(rc));
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot read the case: %s",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	if (r.n)
		log_warn(ngettext("verify by %s: %zu finding in a case (first: %s)",
		    "verify by %s: %zu findings in a case (first: %s)", r.n), pv->cert.name,
		    r.n, ch_vf_str(r.f[0].code));
	rc = ch_verifyrep_encode(&r, &out, &outlen);
	verify_free(&r);
	if (rc) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot encode the answer");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

/* EMERGENCY: a provider breaks the glass. The alert they signed (why,
 * addressed to the coordinator, in the network audience: every member
 * and the people around the person see it) is posted as any post, and
 * once it is written they may read the case beyond their role's
 * audiences for the minutes asked (the daemon's default when 0, never
 * more than emergency_max_minutes), every such read recorded with the
 * purpose emergency (reads.c). */
static void
do_emergency(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	ch_postreq_t rq;
	ch_plain_t p;
	ch_fields_t f;
	scase_t *c;
	uint8_t coord[32];

	if (ch_role_is_person(pv->cert.role)) {
		cahierd_reply_err(rep, CH_ST_DENIED, "your role (%s) does not break the glass: "
		    "the people around the person read what the charter gives them", pv->cert.role);
		return;
	}
	if (bodylen < 4 || ch_postreq_decode(body + 4, bodylen - 4, &rq) != 0 ||
	    ch_plain_decode(rq.plain.p, rq.plain.n, &p) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "malformed emergency request");
		return;
	}
	uint32_t minutes = (uint32_t)body[0] << 24 | (uint32_t)body[1] << 16 |
	    (uint32_t)body[2] << 8 | body[3];
	if (minutes == 0)
		minutes = (uint32_t)d->cfg.emergency_minutes;
	if (minutes > (uint32_t)d->cfg.emergency_max_minutes) {
		char most[WHY_NUM_LEN];
		cahierd_reply_err(rep, CH_ST_BADREQ, "an emergency access lasts at most %s minutes at %s",
		    why_num(most, (uint64_t)d->cfg.emergency_max_minutes), d->cfg.name);
		return;
	}
	if (store_case_get(d->store, rq.case_id, 0, &c) != 0 || state_coordinator(c, coord) != 0) {
		cahierd_reply_err(rep, CH_ST_NOCASE, "no such case at %s", d->cfg.name);
		return;
	}
	int addressed = 0;
	if (p.kind == CH_KIND_ALERT && rq.audience == CH_AUD_NETWORK &&
	    ch_fields_decode(p.kind, p.fields, p.fieldslen, &f) == 0) {
		for (size_t i = 0; i < f.u.alert.addressed.n; i++)
			addressed |= memcmp(f.u.alert.addressed.id[i], coord, 32) == 0;
		addressed = addressed && f.u.alert.text[0];
		ch_fields_clear(&f);
	}
	if (!addressed) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "an emergency access is an alert for the "
		    "network audience, addressed to the coordinator, that says why");
		return;
	}
	post_handle(d, pv, body + 4, bodylen - 4, rep);
	if (rep->status != CH_ST_OK)
		return;
	uint64_t until = (uint64_t)clock_now_ms() + (uint64_t)minutes * 60000u;
	grants_give(d->grants, pv->cert.provider, rq.case_id, until);
	log_warn("EMERGENCY ACCESS: %s (%s) broke the glass in a case for %u minutes; the alert "
	    "is posted to the coordinator and every read is recorded as emergency",
	    pv->cert.name, pv->cert.role, minutes);
}

/* The roles the person's notification may go to: the person, and those
 * who act for them or are their network's contact point (the charter must
 * list them too). */
static int
may_be_told(const char *role)
{
	static const char *const roles[] = { "patient", "trusted-person", "representative",
		"contact-point", "deputy-contact-point" };
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(role, roles[i]) == 0)
			return 1;
	return 0;
}

typedef struct { size_t n; } notifycount_t;

static int
count_notify(void *arg, const uint8_t id[16], const uint8_t provider[32], uint64_t since)
{
	(void)id; (void)provider; (void)since;
	((notifycount_t *)arg)->n++;
	return 0;
}

/* NOTIFY: the person asks to be told of every new access record of a
 * case, through the provider who asks (the person, their trusted person
 * or representative, or the contact point, as the charter lists them):
 * this daemon then runs its access_hook for each (notify.h). Asking
 * whether it is on is open to every provider of this organization about
 * themselves. Turning it on or off is recorded in the journal. */
static void
do_notify(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	ch_notifyreq_t rq;
	ch_notifyrep_t r;
	scase_t *c;
	uint8_t *out = NULL;
	size_t outlen = 0;
	uint32_t out_at = 0;
	int rc;

	if (ch_notifyreq_decode(body, bodylen, &rq) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "malformed notify request");
		return;
	}
	if (store_case_get(d->store, rq.case_id, 0, &c) != 0 ||
	    !state_is_member(c, keyring_org(d->kr)) || state_excluded(c, &out_at)) {
		cahierd_reply_err(rep, CH_ST_NOCASE, "no such case at %s", d->cfg.name);
		return;
	}
	if (rq.op != CH_NOTIFY_ASK) {
		if (!may_be_told(pv->cert.role)) {
			cahierd_reply_err(rep, CH_ST_DENIED, "your role (%s) does not receive the "
			    "person's notification: it goes to the person, their trusted person or "
			    "representative, or the contact point ('cahier watch CASE --access' "
			    "follows the audit)", pv->cert.role);
			return;
		}
		if (!listed(c, pv)) {
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "your role (%s) is not listed among the people of this case", pv->cert.role);
			return;
		}
	}
	rc = store_notify_get(d->store, rq.case_id, pv->cert.provider, &r.since);
	if (rc != 0 && rc != ST_ERR_NOTFOUND) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot read the notification: %s",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	r.on = rc == 0;
	if (!r.on)
		r.since = 0;
	if ((rq.op == CH_NOTIFY_ON && !r.on) || (rq.op == CH_NOTIFY_OFF && r.on)) {
		char text[STORE_JOURNAL_TEXT_MAX], hex[17];
		notifycount_t nc = { 0 };
		uint64_t now = (uint64_t)clock_now_ms();
		sodium_bin2hex(hex, sizeof(hex), rq.case_id, 8);
		if (rq.op == CH_NOTIFY_ON) {
			if ((rc = store_notify_each(d->store, count_notify, &nc)) == 0 &&
			    nc.n >= NOTIFY_MAX) {
				char most[WHY_NUM_LEN];
				cahierd_reply_err(rep, CH_ST_DENIED, "%s already reports the reads of %s "
				    "cases to their people, its most", d->cfg.name, why_num(most, NOTIFY_MAX));
				return;
			}
			if (rc == 0)
				rc = store_notify_put(d->store, rq.case_id, pv->cert.provider, now);
		} else
			rc = store_notify_del(d->store, rq.case_id, pv->cert.provider);
		snprintf(text, sizeof(text), "%s (%s): %s of each read of case %s", pv->cert.name,
		    pv->cert.role, rq.op == CH_NOTIFY_ON ? "to be told" : "no longer told", hex);
		if (rc == 0)
			rc = store_journal_add(d->store, now, rq.op == CH_NOTIFY_ON ?
			    STORE_J_NOTIFY_ON : STORE_J_NOTIFY_OFF, text);
		if (rc != 0) {
			cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot keep the notification: %s",
			    WHY_REASON(derr_str(rc)));
			return;
		}
		if (rq.op == CH_NOTIFY_ON)
			log_info("%s (%s): to be told of each read of case %s", pv->cert.name,
			    pv->cert.role, hex);
		else
			log_info("%s (%s): no longer told of each read of case %s", pv->cert.name,
			    pv->cert.role, hex);
		r.on = rq.op == CH_NOTIFY_ON;
		r.since = r.on ? now : 0;
	}
	r.hook = d->cfg.access_hook != NULL;
	if (ch_notifyrep_encode(&r, &out, &outlen) != 0) {
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
	{ CH_CQ_CLOSE, do_close },
	{ CH_CQ_REOPEN, do_reopen },
	{ CH_CQ_WHERE, do_where },
	{ CH_CQ_VERIFY, do_verify },
	{ CH_CQ_EMERGENCY, do_emergency },
	{ CH_CQ_NOTIFY, do_notify },
};

/* Who is asking by frame, and what: the provider behind the connection's
 * CURVE key if its certificate is valid now (else NULL), and the request's
 * type and body. 0, or -1 for a malformed request. */
static int
api_decode(cahierd_t *d, zframe_t *frame, provider_t **pv, uint8_t *type,
    const uint8_t **body, size_t *bodylen)
{
	uint8_t status;
	*pv = peers_provider_by_curve(d->peers, zframe_meta(frame, "User-Id"));
	if (*pv && keys_cert_check_time(&(*pv)->cert, (uint64_t)clock_now_ms() / 1000) != 0)
		*pv = NULL;
	return ch_msg_decode(zframe_data(frame), zframe_size(frame), CH_MAGIC_REQ, type,
	    &status, body, bodylen) == 0 ? 0 : -1;
}

/* api_handle, for request i of the round's batch of posts b (or NULL). */
static void
api_handle_one(cahierd_t *d, zsock_t *sock, zframe_t *route, zframe_t *frame,
    post_batch_t *b, size_t bi)
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
		if (i < sizeof(handlers) / sizeof(handlers[0]) && type == CH_CQ_POST && b)
			post_batch_handle(d, b, bi, pv, body, bodylen, &rep);
		else if (i < sizeof(handlers) / sizeof(handlers[0]))
			handlers[i].fn(d, pv, body, bodylen, &rep);
		else {
			char t[WHY_NUM_LEN];
			cahierd_reply_err(&rep, CH_ST_BADREQ, "unknown request type %s", why_num(t, type));
		}
	}
	send_reply(d, sock, route, type, &rep);
}

void
api_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, zframe_t *frame)
{
	api_handle_one(d, sock, route, frame, NULL, 0);
}

void
api_handle_batch(cahierd_t *d, zsock_t *sock, zframe_t **routes, zframe_t **frames,
    size_t n)
{
	provider_t **pvs = calloc(n ? n : 1, sizeof(*pvs));
	const uint8_t **bodies = calloc(n ? n : 1, sizeof(*bodies));
	size_t *lens = calloc(n ? n : 1, sizeof(*lens));
	post_batch_t *b = NULL;

	/* The posts' signatures first, on all cores, while the requests are
	 * handled in order (each post waits for its own check). A request
	 * that is not a post from a provider valid now is not checked ahead. */
	if (pvs && bodies && lens) {
		for (size_t i = 0; i < n; i++) {
			uint8_t type = 0;
			provider_t *pv;
			if (api_decode(d, frames[i], &pv, &type, &bodies[i], &lens[i]) == 0 &&
			    type == CH_CQ_POST)
				pvs[i] = pv;
		}
		b = post_batch_start(pvs, bodies, lens, n);
	}
	for (size_t i = 0; i < n; i++)
		api_handle_one(d, sock, routes[i], frames[i], b, i);
	post_batch_end(&b);
	free(pvs);
	free(bodies);
	free(lens);
}
