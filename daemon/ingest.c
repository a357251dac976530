/* ingest.c - the notebook rules: what makes an entry acceptable, for
 * entries received from peers and for our own, and the membership that
 * follows from the coordinator's epoch entries.
 *
 * An entry goes through three stages: the envelope (framing, case, fork,
 * duplicate, signature, chain, time, epoch and membership of its feed),
 * the body (key slots, decryption), then the check of its kind (the table
 * 'kinds' below). Only when every check passed are its keys, its effects
 * on the case and the entry itself written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/msg.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "certs.h"
#include "change.h"
#include "derr.h"
#include "clock.h"
#include "ingest.h"
#include "log.h"
#include "sigcheck.h"
#include "state.h"

#define FUTURE_SLACK_MS (10 * 60 * 1000)

/* What ingest_batch's pre-check of a batch learnt about one of its entries
 * before the rules run (see precheck_batch, and PROTOCOL.md "Receiving
 * ENTRIES"). Facts about the bytes alone, so they hold in both passes. */
enum {
	SIG_UNKNOWN = 0,  /* not checked: the rules check it themselves */
	SIG_OWN = 1,      /* its own signature verified */
	SIG_CHAIN = 2,    /* its envelope is covered by a later verified
	                   * signature of the same feed through the chain */
	SIG_BAD = 3,      /* its own signature checked, and it does not verify
	                   * (nor is it covered through the chain) */
};
typedef struct {
	int formed;               /* ch_entry_form took it: what follows is set */
	ch_env_t env;
	uint8_t id[32];
	const uint8_t *body;
	size_t bodylen;
	int form;
	const uint8_t *proof;
	uint8_t org;              /* SIG_*: the organization's signature */
	uint8_t psig;             /* SIG_OWN or SIG_BAD: the provider signature
	                           * over plain, for provider; else SIG_UNKNOWN */
	uint8_t provider[32];
	uint8_t *plain;           /* the body opened under a key held before the
	                           * batch (an entry without key slots), or NULL */
	size_t plainlen;
} pre_t;

struct ingest {
	keyring_t *kr;
	certs_t *certs;
	ingest_erased_fn erased;   /* told when a held body is erased */
	void *erased_arg;
	ingest_append_fn append;   /* asked before our own feed grows */
	void *append_arg;
	/* The last entry of the batch under way that its organization signed
	 * but that does not follow the entry we hold before it (ingest.h,
	 * ingest_tally_t.branched). */
	int branched;
	uint8_t branch_org[32];
	uint64_t branch_seq;
};

void
ingest_on_append(ingest_t *in, ingest_append_fn fn, void *arg)
{
	in->append = fn;
	in->append_arg = arg;
}

int
ingest_may_append(ingest_t *in, scase_t *c, uint64_t head)
{
	return in->append ? in->append(in->append_arg, c, head) : 0;
}

void
ingest_on_erase(ingest_t *in, ingest_erased_fn fn, void *arg)
{
	in->erased = fn;
	in->erased_arg = arg;
}

int
ingest_new(keyring_t *kr, ingest_t **out)
{
	ingest_t *in = calloc(1, sizeof(*in));
	*out = NULL;
	if (!in)
		return CH_ERR_NOMEM;
	in->kr = kr;
	if (certs_new(&in->certs) != 0) {
		free(in);
		return CH_ERR_NOMEM;
	}
	*out = in;
	return 0;
}

void
ingest_destroy(ingest_t **inp)
{
	ingest_t *in = *inp;
	if (!in)
		return;
	certs_destroy(&in->certs);
	free(in);
	*inp = NULL;
}

keyring_t *
ingest_keyring(ingest_t *in)
{
	return in->kr;
}

void
ingest_charter_free(uint8_t *buf, size_t buflen)
{
	if (!buf)
		return;
	sodium_memzero(buf, buflen);
	free(buf);
}

int
ingest_charter(ingest_t *in, scase_t *c, uint32_t epoch, uint8_t **buf,
    size_t *buflen, ch_epoch_t *ep)
{
	state_epoch_t r;
	uint8_t *e = NULL, key[32], *plain = NULL;
	size_t el = 0, pl = 0, bl;
	ch_env_t env;
	const uint8_t *body;
	ch_plain_t p;
	int rc;

	*buf = NULL;
	*buflen = 0;
	if ((rc = state_epoch_get(c, epoch, &r)) != 0)
		return rc;
	rc = store_entry_get(c, r.rec.org, r.rec.seq, &e, &el);
	state_epoch_free(&r);
	if (rc)
		return rc;
	if ((rc = ch_entry_split(e, el, &env, &body, &bl)) == 0 && !body)
		rc = CH_ERR_NOKEY;
	if (rc == 0 && store_key_get(c, env.epoch, CH_AUD_MEMBERSHIP, key) != 0 &&
	    keyring_welcome_get(in->kr, env.case_id, env.epoch, key) != 0)
		rc = CH_ERR_NOKEY;
	if (rc == 0)
		rc = ch_body_open(&env, body, bl, key, &plain, &pl);
	sodium_memzero(key, sizeof(key));
	free(e);
	if (rc == 0 && (rc = ch_plain_decode(plain, pl, &p)) == 0)
		rc = ch_epoch_decode(p.fields, p.fieldslen, ep);
	if (rc) {
		ingest_charter_free(plain, pl);
		return rc;
	}
	*buf = plain; /* ep borrows from it */
	*buflen = pl;
	return 0;
}

/* What the checks of one entry know and decide. */
typedef struct {
	ingest_t *in;
	scase_t *c;
	const char *from;
	const ch_env_t *env;
	const uint8_t *plain;
	size_t plainlen;
	ch_plain_t p;
	int has_coord;
	uint8_t coord[32];
	const keyring_opened_t *o;
	const pre_t *pre;       /* the batch's pre-check of this entry, or NULL */
	const char *why;        /* set by a check that refuses */
	/* what a check of an epoch entry decoded, kept for its effect */
	ch_epoch_t ep;
	int have_ep;
	/* what a check of a revocation decoded, kept for its effect */
	ch_revoke_t rv;
	/* what a check of an erasure decoded and built, kept for its effect */
	ch_erase_t er;
	uint8_t erased[CH_ERASED_LEN];
	int er_held;            /* the target is held erased already */
} check_t;

/* The one log line of a refusal. */
static int
refuse(const ch_env_t *env, const char *from, const char *why)
{
	char oid[17], key[LOG_KEY_LEN];
	keys_keyid(env->org, oid);
	/* One budget of lines per peer and reason: a flood of one refusal is
	 * counted, a different refusal still gets its line. */
	snprintf(key, sizeof(key), "%s|%s", why ? why : "invalid", from);
	/* the reason in the daemon's language when it is one of the rules'
	 * (marked N_ where it is set); a library's text stays as it is */
	log_limited(LOG_LVL_WARN, key, "rejected entry %s#%llu from %s: %s", oid,
	    (unsigned long long)env->seq, from, why ? gettext(why) : _("invalid"));
	return INGEST_REFUSED;
}

/* A provider's signed request embedded in an epoch or history entry: it
 * must be a plain body of kind want, by a provider certified by the
 * entry's org (the coordinator), valid at the entry's time, whose role is
 * not one of the people's (they never change membership), signed for this
 * case. On success *out (if not NULL) is the decoded request, borrowing
 * from req. */
static int
check_request(check_t *x, const uint8_t *req, size_t reqlen, uint8_t want,
    ch_plain_t *out)
{
	ch_plain_t p;
	uint8_t provider[32];
	const char *role = NULL;
	int rc;

	if ((rc = ch_plain_decode(req, reqlen, &p)) != 0)
		return rc;
	if (p.kind != want)
		return CH_ERR_VALUE;
	if ((rc = certs_check(x->in->certs, p.cert, p.certlen, x->env->org,
	    x->env->time_ms, provider, &role)) != 0)
		return rc;
	if (ch_role_is_person(role))
		return CH_ERR_VALUE;
	/* Not by a provider its organization revoked before this entry. */
	uint64_t rseq = state_revoked_at(x->c, x->env->org, provider);
	if (rseq && x->env->seq > rseq)
		return CH_ERR_VALUE;
	/* A request is for the next change, not one of the past: it was signed
	 * after the current epoch started (with the clock skew a future entry
	 * may have), so a request an earlier epoch used cannot be replayed. */
	state_epoch_t cur;
	if (x->has_coord && state_epoch_current(x->c, &cur) == 0) {
		int stale = (p.hlc >> 16) + FUTURE_SLACK_MS < cur.rec.start_ms;
		state_epoch_free(&cur);
		if (stale)
			return CH_ERR_EXPIRED;
	}
	if ((rc = ch_plain_verify(req, reqlen, x->env->case_id, CH_AUD_NETWORK, provider)) != 0)
		return rc;
	if (out)
		*out = p;
	return 0;
}

/* Every member card verifies and names its org. */
static int
charter_cards_ok(const ch_charter_t *ch)
{
	for (size_t i = 0; i < ch->norgs; i++) {
		keys_card_t card;
		if (keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &card) != 0)
			return 0;
		int same = memcmp(card.org_id, ch->orgs[i].org, 32) == 0;
		keys_card_clear(&card);
		if (!same)
			return 0;
	}
	return 1;
}

/* The slots an epoch entry may carry: keys of its epoch for the members of
 * its charter by their audiences, and, for the org that joins, the
 * membership keys of earlier epochs (its membership history, never
 * content). */
static int
epoch_slots_ok(const ch_env_t *env, const ch_epoch_t *ep, const keyring_opened_t *o)
{
	for (size_t i = 0; i < o->nall; i++) {
		const ch_slot_t *s = &o->all[i];
		int in = ch_charter_find_org(&ep->charter, s->org) >= 0;
		if (!in || s->epoch > env->epoch ||
		    !state_org_in_audience(&ep->charter, s->org, s->audience))
			return 0;
		if (s->epoch < env->epoch && (ep->why != CH_WHY_ADD ||
		    s->audience != CH_AUD_MEMBERSHIP || memcmp(s->org, ep->subject, 32) != 0))
			return 0;
	}
	return 1;
}

/* A history grant's slots: earlier epochs' keys, all for its grantee. */
static int
history_slots_ok(const ch_env_t *env, const ch_history_t *hi, const keyring_opened_t *o)
{
	for (size_t i = 0; i < o->nall; i++)
		if (memcmp(o->all[i].org, hi->grantee, 32) != 0 ||
		    o->all[i].epoch >= env->epoch)
			return 0;
	return 1;
}

static const uint8_t want_req[] = {
	[CH_WHY_CREATE] = CH_REQ_CASE_NEW, [CH_WHY_ADD] = CH_REQ_ADD_ORG,
	[CH_WHY_REMOVE] = CH_REQ_REMOVE_ORG, [CH_WHY_ROTATE] = CH_REQ_ROTATE,
	[CH_WHY_HANDOVER] = CH_REQ_HANDOVER, [CH_WHY_PEOPLE] = CH_REQ_PERSON,
};

/* 1 if two charters encode to the same bytes. */
static int
charter_same(const ch_charter_t *a, const ch_charter_t *b)
{
	uint8_t *x = NULL, *y = NULL;
	size_t xl = 0, yl = 0;
	int same = ch_charter_encode(a, &x, &xl) == 0 && ch_charter_encode(b, &y, &yl) == 0 &&
	    xl == yl && memcmp(x, y, xl) == 0;
	if (x)
		sodium_memzero(x, xl);
	if (y)
		sodium_memzero(y, yl);
	free(x);
	free(y);
	return same;
}

/* The genesis (kind 16): binds the case id to its coordinator, and its
 * charter is exactly what the request to open the case asks for: the
 * request's name, the coordinator alone with the role "coordination", the
 * default audience map, nobody else. */
static int
check_genesis(check_t *x)
{
	const ch_env_t *env = x->env;
	const ch_charter_t *ch = &x->ep.charter;
	ch_plain_t rq;
	ch_create_t cr;
	ch_charter_t want;
	ch_corg_t me;
	uint8_t id[16];

	ch_case_id(env->org, x->ep.salt, id);
	if (x->ep.why != CH_WHY_CREATE || env->seq != 1 || env->epoch != 0 ||
	    memcmp(id, env->case_id, 16) != 0 || x->has_coord ||
	    memcmp(ch->coordinator, env->org, 32) != 0) {
		x->why = N_("case creation not bound to its organization");
		return INGEST_REFUSED;
	}
	if (check_request(x, x->ep.request, x->ep.requestlen, CH_REQ_CASE_NEW, &rq) != 0) {
		x->why = N_("the embedded request does not verify");
		return INGEST_REFUSED;
	}
	if (ch_create_decode(rq.fields, rq.fieldslen, &cr) != 0) {
		x->why = N_("the embedded request is malformed");
		return INGEST_REFUSED;
	}
	memset(&want, 0, sizeof(want));
	want.name = cr.name;
	memcpy(want.coordinator, env->org, 32);
	memcpy(me.org, env->org, 32);
	me.card = ch->norgs == 1 ? ch->orgs[0].card : NULL;
	me.cardlen = ch->norgs == 1 ? ch->orgs[0].cardlen : 0;
	me.role = (char *)(uintptr_t)"coordination";
	want.orgs = &me;
	want.norgs = 1;
	int ok = memcmp(cr.salt, x->ep.salt, 16) == 0 &&
	    ch_charter_default_audiences(&want) == 0 && charter_same(&want, ch);
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < want.aud[i].nroles; j++)
			free(want.aud[i].roles[j]);
		free(want.aud[i].roles);
	}
	ch_create_clear(&cr);
	if (!ok) {
		x->why = N_("the new charter is not the one its request asks for");
		return INGEST_REFUSED;
	}
	return 0;
}

/* A later epoch entry: only the coordinator, and only the next epoch. */
static int
check_next_epoch(check_t *x)
{
	const ch_env_t *env = x->env;

	if (!x->has_coord || memcmp(env->org, x->coord, 32) != 0) {
		x->why = N_("only the coordinator changes membership");
		return INGEST_REFUSED;
	}
	if (env->epoch != state_epoch(x->c) + 1) {
		x->why = N_("that epoch has started already");
		return INGEST_REFUSED;
	}
	if (x->ep.why == CH_WHY_CREATE) {
		x->why = N_("malformed membership entry");
		return INGEST_REFUSED;
	}
	return 0;
}

/* The cut of a removed org, as the entry under check claims it: the
 * coordinator's own head of that feed when it removed it, which no other
 * daemon can recompute. */
static void
claimed_cut(void *arg, const uint8_t org[32], uint64_t *seq, uint8_t id[32])
{
	const ch_charter_t *ch = arg;
	*seq = 0;
	memset(id, 0, 32);
	for (size_t i = 0; i < ch->nremoved; i++)
		if (memcmp(ch->removed[i].org, org, 32) == 0) {
			*seq = ch->removed[i].last_seq;
			memcpy(id, ch->removed[i].last_id, 32);
		}
}

/* A later epoch's charter is exactly the current charter plus the one
 * change its embedded request asks for (change.c, the very function the
 * coordinator used), or, for a scheduled rotation without a request, the
 * current charter unchanged. */
static int
check_change(check_t *x)
{
	const ch_epoch_t *ep = &x->ep;
	uint8_t *buf = NULL;
	size_t buflen = 0;
	ch_epoch_t cur;
	ch_plain_t rq;
	change_t chg;
	char why[300];
	int ok, rc;

	if ((rc = ingest_charter(x->in, x->c, state_epoch(x->c), &buf, &buflen, &cur)) != 0) {
		x->why = N_("the current charter cannot be read here");
		return rc < 0 && rc != CH_ERR_NOKEY && rc != ST_ERR_NOTFOUND ? rc : INGEST_NOTYET;
	}
	if (ep->requestlen == 0) {
		ok = ep->why == CH_WHY_ROTATE && sodium_is_zero(ep->subject, 32) &&
		    charter_same(&cur.charter, &ep->charter);
	} else if (ch_plain_decode(ep->request, ep->requestlen, &rq) != 0) {
		ok = 0;
	} else {
		rc = change_make(&cur.charter, x->env->org, ep->request, ep->requestlen, &rq,
		    x->env->time_ms / 1000, claimed_cut, (void *)(uintptr_t)&ep->charter, &chg, why, sizeof(why));
		ok = rc == 0 && chg.ep.why == ep->why &&
		    memcmp(chg.ep.subject, ep->subject, 32) == 0 &&
		    charter_same(&chg.ep.charter, &ep->charter);
		change_free(&chg);
		if (rc != 0 && rc != DERR_REFUSED) {
			ch_epoch_clear(&cur);
			ingest_charter_free(buf, buflen);
			return rc;
		}
	}
	ch_epoch_clear(&cur);
	ingest_charter_free(buf, buflen);
	if (!ok) {
		x->why = N_("the new charter is not the current one plus the change its request asks for");
		return INGEST_REFUSED;
	}
	return 0;
}

/* Kinds 16 and 18: the genesis and later epoch entries. */
static int
check_epoch(check_t *x)
{
	const ch_env_t *env = x->env;
	int rc;

	if (x->p.certlen != 0 || sodium_is_zero(x->p.sig, 64) != 1 ||
	    ch_epoch_decode(x->p.fields, x->p.fieldslen, &x->ep) != 0) {
		x->why = N_("malformed membership entry");
		return INGEST_REFUSED;
	}
	x->have_ep = 1;
	if (x->ep.why > CH_WHY_PEOPLE) {
		x->why = N_("malformed membership entry");
		return INGEST_REFUSED;
	}
	rc = x->p.kind == CH_KIND_CASE_CREATE ? check_genesis(x) : check_next_epoch(x);
	if (rc)
		return rc;
	if (!charter_cards_ok(&x->ep.charter) || !epoch_slots_ok(env, &x->ep, x->o)) {
		x->why = N_("a member card does not verify, or a key slot is not for a member");
		return INGEST_REFUSED;
	}
	/* The request that asked for it, by a provider of the coordinator (a
	 * scheduled rotation has none), and the change it asks for. */
	if (x->p.kind == CH_KIND_EPOCH) {
		if (x->ep.requestlen != 0 &&
		    check_request(x, x->ep.request, x->ep.requestlen, want_req[x->ep.why],
		    NULL) != 0) {
			x->why = N_("the embedded request does not verify");
			return INGEST_REFUSED;
		}
		if ((rc = check_change(x)) != 0)
			return rc;
	}
	/* A member of the new epoch must have received its keys. */
	if (ch_charter_find_org(&x->ep.charter, keyring_org(x->in->kr)) >= 0 &&
	    !keyring_opened_key(x->o, env->epoch, CH_AUD_NETWORK)) {
		x->why = N_("no key for this organization in the new epoch (sealed to the wrong member?)");
		return INGEST_REFUSED;
	}
	return 0;
}

static int
keep_epoch(check_t *x)
{
	const ch_env_t *env = x->env;
	int rc = state_epoch_start(x->c, env->epoch, env->time_ms, env->org, env->seq,
	    &x->ep.charter);
	if (rc == 0 && x->p.kind == CH_KIND_EPOCH)
		log_info("case epoch %u started: %s", env->epoch, ch_why_text(x->ep.why));
	return rc;
}

/* Kind 20: a history grant, by the coordinator, to a member. */
static int
check_history(check_t *x)
{
	ch_history_t hi;
	state_epoch_t cur;

	ch_plain_t rq;
	uint8_t asked[32];

	if (x->p.certlen != 0 || ch_history_decode(x->p.fields, x->p.fieldslen, &hi) != 0) {
		x->why = N_("malformed history grant");
		return INGEST_REFUSED;
	}
	if (!x->has_coord || memcmp(x->env->org, x->coord, 32) != 0 ||
	    x->env->audience != CH_AUD_NETWORK) {
		x->why = N_("only the coordinator grants history");
		return INGEST_REFUSED;
	}
	if (state_epoch_get(x->c, x->env->epoch, &cur) != 0)
		return INGEST_NOTYET;
	int ok = ch_charter_find_org(&cur.ch, hi.grantee) >= 0 &&
	    history_slots_ok(x->env, &hi, x->o) &&
	    check_request(x, hi.request, hi.requestlen, CH_REQ_HISTORY, &rq) == 0 &&
	    ch_orgref_decode(rq.fields, rq.fieldslen, asked) == 0 &&
	    memcmp(asked, hi.grantee, 32) == 0;
	state_epoch_free(&cur);
	if (!ok) {
		x->why = N_("history grant for a non-member, with foreign slots, or not the one its signed request asks for");
		return INGEST_REFUSED;
	}
	return 0;
}

/* Kind 21: an org revokes one of its providers. */
static int
check_revoke(check_t *x)
{
	if (x->p.certlen != 0 || sodium_is_zero(x->p.sig, 64) != 1 ||
	    ch_revoke_decode(x->p.fields, x->p.fieldslen, &x->rv) != 0) {
		x->why = N_("malformed revocation");
		return INGEST_REFUSED;
	}
	return 0;
}

static int
keep_revoke(check_t *x)
{
	if (state_revoked_at(x->c, x->env->org, x->rv.provider) != 0)
		return 0; /* revoked already: the first one stands */
	return store_revoked_put(x->c, x->env->org, x->rv.provider, x->env->seq);
}

/* Kind 22: an org reports a fork of another org's feed, with the two
 * envelopes as its evidence: both signed by that org for this case at one
 * seq, different; that org a member (or removed) in the entry's epoch. */
static int
check_fork(check_t *x)
{
	ch_fork_t f;
	state_epoch_t r;

	if (x->p.certlen != 0 || sodium_is_zero(x->p.sig, 64) != 1 ||
	    x->env->audience != CH_AUD_NETWORK ||
	    ch_fork_decode(x->p.fields, x->p.fieldslen, &f) != 0) {
		x->why = N_("malformed fork report");
		return INGEST_REFUSED;
	}
	if (memcmp(f.a.case_id, x->env->case_id, 16) != 0 ||
	    ch_env_verify(&f.a) != 0 || ch_env_verify(&f.b) != 0) {
		x->why = N_("a fork report whose evidence does not verify");
		return INGEST_REFUSED;
	}
	if (state_epoch_get(x->c, x->env->epoch, &r) != 0)
		return INGEST_NOTYET;
	int known = ch_charter_find_org(&r.ch, f.org) >= 0;
	for (size_t i = 0; !known && i < r.ch.nremoved; i++)
		known = memcmp(r.ch.removed[i].org, f.org, 32) == 0;
	state_epoch_free(&r);
	if (!known) {
		x->why = N_("a fork report about an organization that is not a member of the case");
		return INGEST_REFUSED;
	}
	return 0;
}

/* A fork report's evidence, kept here too: each of its two envelopes
 * that is not the entry held at that seq is kept as a fork of that feed
 * (bare: the envelope carries the signature), and the feed is marked
 * forked, and reported (housekeeping.c reports a fork only once in the
 * case). So every member, the organization whose feed forked included,
 * learns of the fork from the report, not only those that received both
 * entries. */
static int
keep_fork(check_t *x)
{
	ch_fork_t f;
	uint8_t held[32], id[32];
	uint64_t hseq;
	int rc;

	if (ch_fork_decode(x->p.fields, x->p.fieldslen, &f) != 0)
		return CH_ERR_VALUE; /* checked by check_fork: cannot happen */
	if ((rc = store_head(x->c, f.org, &hseq, held)) != 0)
		return rc;
	int have = 0;
	if (f.a.seq <= hseq) {
		uint8_t *e = NULL;
		size_t el = 0;
		ch_env_t env;
		if ((rc = store_entry_get(x->c, f.org, f.a.seq, &e, &el)) == 0 && el >= CH_ENV_LEN &&
		    ch_env_decode(e, CH_ENV_LEN, &env) == 0) {
			ch_env_id(&env, held);
			have = 1;
		}
		free(e);
		if (rc && rc != ST_ERR_NOTFOUND)
			return rc;
	}
	const ch_env_t *ev[2] = { &f.a, &f.b };
	for (int i = 0; i < 2; i++) {
		uint8_t buf[CH_ENV_LEN];
		ch_env_id(ev[i], id);
		if (have && memcmp(id, held, 32) == 0)
			continue;
		ch_env_encode(ev[i], buf);
		if ((rc = store_fork_put(x->c, f.org, ev[i]->seq, buf, sizeof(buf))) != 0)
			return rc;
	}
	/* Reported in the case: this daemon's housekeeping reports it no
	 * more (one report is enough for every member). */
	ch_env_id(x->env, id);
	if ((rc = store_fork_reported_get(x->c, f.org)) < 0 ||
	    (rc == 0 && (rc = store_fork_reported_put(x->c, f.org, id)) != 0))
		return rc;
	return store_forked_put(x->c, f.org);
}

/* Kind 32: an access record, with the reader's certificate and signed
 * request; a list record (action 7) with the certificate alone. */
static int
check_access(check_t *x)
{
	ch_access_t a;
	ch_readreq_t rq;
	uint8_t provider[32];
	int rc;

	if (x->p.certlen != 0 || sodium_is_zero(x->p.sig, 64) != 1 ||
	    ch_access_decode(x->p.fields, x->p.fieldslen, &a) != 0) {
		x->why = N_("malformed access record");
		return INGEST_REFUSED;
	}
	rc = certs_check(x->in->certs, a.cert, a.certlen, x->env->org, a.time_ms,
	    provider, NULL);
	if (a.action == CH_ACT_LIST) {
		/* A case's name shown in a case list: the provider's certificate
		 * only (the CASES request is not signed), no entry touched. */
		if (rc == 0 && (a.requestlen != 0 || a.nranges != 0))
			rc = CH_ERR_VALUE;
	} else if (rc == 0 && (rc = ch_readreq_decode(a.request, a.requestlen, &rq)) == 0 &&
	    (memcmp(rq.provider, provider, 32) != 0 ||
	    memcmp(rq.case_id, x->env->case_id, 16) != 0))
		rc = CH_ERR_VALUE;
	ch_access_clear(&a);
	if (rc) {
		x->why = N_("access record with a foreign request or certificate");
		return INGEST_REFUSED;
	}
	return 0;
}

/* 1 if the body of entry env (held with body, or not: body NULL) may be
 * erased: care content only. The membership of a case (its epoch entries)
 * is never erased; neither are access records, revocations, history grants
 * nor erasures: a daemon that can read the body checks its kind. One that
 * cannot (an audience it is not in, a key it lacks) takes the proof of the
 * entry's organization as it is. */
static int
erasable(scase_t *c, const ch_env_t *env, const uint8_t *body, size_t bl)
{
	uint8_t key[32], *plain = NULL;
	size_t pl = 0;
	ch_plain_t p;
	int yes = 1;

	if (env->audience == CH_AUD_MEMBERSHIP)
		return 0;
	if (!body || store_key_get(c, env->epoch, env->audience, key) != 0)
		return 1;
	if (ch_body_open(env, body, bl, key, &plain, &pl) == 0) {
		yes = ch_plain_decode(plain, pl, &p) == 0 && ch_kind_is_care(p.kind);
		sodium_memzero(plain, pl);
		free(plain);
	}
	sodium_memzero(key, sizeof(key));
	return yes;
}

#define WHY_PROOF N_("erasure proof does not verify: not its organization's erasure of that entry of this case")
#define WHY_NOT_CARE N_("an erasure of what is not care content (membership, access records, revocations, history grants and erasures stay)")

/* Replaces the entry held at (org, seq) by its erased form, and says so. */
static int
erase_held(ingest_t *in, scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t *erased, size_t n)
{
	int rc = store_entry_replace(c, org, seq, erased, n);
	if (rc == 0 && in->erased)
		in->erased(in->erased_arg, store_case_id(c));
	return rc;
}

/* Kind 15: an organization erases the body of an earlier entry of its own
 * feed. The target is the entry held at that seq, with that id; the proof
 * is the feed's organization's erasure of it; it is care content. */
static int
check_erase(check_t *x)
{
	const ch_env_t *env = x->env;
	uint8_t *held = NULL, tid[32];
	size_t hl = 0, tbl;
	const uint8_t *tbody, *tproof;
	ch_env_t tenv;
	int form, rc;

	if (x->p.certlen != 0 || sodium_is_zero(x->p.sig, 64) != 1 ||
	    ch_erase_decode(x->p.fields, x->p.fieldslen, &x->er) != 0) {
		x->why = N_("malformed erasure");
		return INGEST_REFUSED;
	}
	if (env->audience != CH_AUD_NETWORK) {
		x->why = N_("an erasure is written for the network audience");
		return INGEST_REFUSED;
	}
	if (x->er.seq >= env->seq) {
		x->why = N_("an erasure names an earlier entry of its own feed");
		return INGEST_REFUSED;
	}
	if ((rc = store_entry_get(x->c, env->org, x->er.seq, &held, &hl)) != 0)
		return rc == ST_ERR_NOTFOUND ? INGEST_GAP : rc;
	rc = ch_entry_form(held, hl, &tenv, &tbody, &tbl, &form, &tproof);
	if (rc == 0)
		ch_env_id(&tenv, tid);
	if (rc != 0 || memcmp(tid, x->er.id, 32) != 0) {
		free(held);
		x->why = N_("the entry an erasure names is not the one its feed holds at that seq");
		return INGEST_REFUSED;
	}
	if (ch_erasure_verify(&tenv, x->er.proof) != 0) {
		free(held);
		x->why = WHY_PROOF;
		return INGEST_REFUSED;
	}
	if (!erasable(x->c, &tenv, tbody, tbl)) {
		free(held);
		x->why = WHY_NOT_CARE;
		return INGEST_REFUSED;
	}
	x->er_held = form == CH_FORM_ERASED;
	ch_entry_erased(&tenv, x->er.proof, x->erased);
	free(held);
	return 0;
}

static int
keep_erase(check_t *x)
{
	if (x->er_held)
		return 0;
	return erase_held(x->in, x->c, x->env->org, x->er.seq, x->erased, sizeof(x->erased));
}

/* Kinds 1..14: a care entry (a note, a task, an alert, ...), signed by a
 * provider certified by the entry's org, valid then, not revoked before
 * it, whose role is in the entry's audience, with fields that decode; a
 * people's role writes notes, its own goals and agenda items only. */
static int
check_care(check_t *x)
{
	const ch_env_t *env = x->env;
	uint8_t provider[32];
	const char *role = NULL;
	ch_fields_t f;
	state_epoch_t r;
	int rc;

	if ((rc = certs_check(x->in->certs, x->p.cert, x->p.certlen, env->org, env->time_ms,
	    provider, &role)) != 0) {
		x->why = rc == CH_ERR_EXPIRED ? N_("provider certificate not valid at that time") :
		    N_("provider certificate does not verify");
		return INGEST_REFUSED;
	}
	/* Checked once: by the batch's pre-check when it opened this very
	 * plain text and found the same provider key, here otherwise. */
	const pre_t *pre = x->pre;
	int known = pre && pre->psig != SIG_UNKNOWN && pre->plain == x->plain &&
	    memcmp(pre->provider, provider, 32) == 0;
	if (known ? pre->psig != SIG_OWN :
	    ch_plain_verify(x->plain, x->plainlen, env->case_id, env->audience, provider) != 0) {
		x->why = N_("bad provider signature");
		return INGEST_REFUSED;
	}
	uint64_t rseq = state_revoked_at(x->c, env->org, provider);
	if (rseq && env->seq > rseq) {
		x->why = N_("signed by a provider its organization revoked");
		return INGEST_REFUSED;
	}
	if (state_epoch_get(x->c, env->epoch, &r) == 0) {
		int in = ch_charter_role_in(&r.ch, role, env->audience);
		state_epoch_free(&r);
		if (!in) {
			x->why = N_("the author's role is not in that audience");
			return INGEST_REFUSED;
		}
	}
	if ((rc = ch_fields_decode(x->p.kind, x->p.fields, x->p.fieldslen, &f)) != 0) {
		x->why = ch_strerror(rc);
		return INGEST_REFUSED;
	}
	/* The people around the person write notes, their own goals and
	 * agenda items; the rest is the professionals' (post.c refuses it
	 * first; a hostile organization that certified a person does not get
	 * it past its peers). */
	int person_ok = f.kind == CH_KIND_NOTE ||
	    (f.kind == CH_KIND_GOAL && f.u.goal.whose == CH_GOAL_OWN) ||
	    (f.kind == CH_KIND_TASK && f.u.task.agenda);
	ch_fields_clear(&f);
	if (ch_role_is_person(role) && !person_ok) {
		x->why = N_("a kind the people's roles do not write");
		return INGEST_REFUSED;
	}
	return 0;
}

/* One row per kind: may it carry key slots, is it sealed under the
 * membership key (and nothing else is), its check, and its effect on the
 * case once the entry is accepted. */
static const struct {
	uint8_t kind;
	uint8_t slots;
	uint8_t membership;
	int (*check)(check_t *x);
	int (*keep)(check_t *x);
} kinds[] = {
	{ CH_KIND_NOTE, 0, 0, check_care, NULL },
	{ CH_KIND_GOAL, 0, 0, check_care, NULL },
	{ CH_KIND_TASK, 0, 0, check_care, NULL },
	{ CH_KIND_APPOINTMENT, 0, 0, check_care, NULL },
	{ CH_KIND_ALERT, 0, 0, check_care, NULL },
	{ CH_KIND_ACK, 0, 0, check_care, NULL },
	{ CH_KIND_HANDOVER, 0, 0, check_care, NULL },
	{ CH_KIND_CONSENT, 0, 0, check_care, NULL },
	{ CH_KIND_CONSULTATION, 0, 0, check_care, NULL },
	{ CH_KIND_ANSWER, 0, 0, check_care, NULL },
	{ CH_KIND_DECISION, 0, 0, check_care, NULL },
	{ CH_KIND_KEEP, 0, 0, check_care, NULL },
	{ CH_KIND_CHECKIN, 0, 0, check_care, NULL },
	{ CH_KIND_HIDE, 0, 0, check_care, NULL },
	{ CH_KIND_ERASE, 0, 0, check_erase, keep_erase },
	{ CH_KIND_CASE_CREATE, 1, 1, check_epoch, keep_epoch },
	{ CH_KIND_EPOCH, 1, 1, check_epoch, keep_epoch },
	{ CH_KIND_HISTORY, 1, 0, check_history, NULL },
	{ CH_KIND_REVOKE, 0, 0, check_revoke, keep_revoke },
	{ CH_KIND_FORK, 0, 0, check_fork, keep_fork },
	{ CH_KIND_ACCESS, 0, 0, check_access, NULL },
};

/* The checks on a decrypted body. Returns 0 (x->p decoded, every check of
 * its kind passed; *row says which kind), INGEST_NOTYET or INGEST_REFUSED
 * (x->why set). */
static int
check_plain(check_t *x, size_t *row)
{
	int rc;

	if ((rc = ch_plain_decode(x->plain, x->plainlen, &x->p)) != 0) {
		x->why = ch_strerror(rc);
		return INGEST_REFUSED;
	}
	if (!x->has_coord && x->p.kind != CH_KIND_CASE_CREATE)
		return INGEST_NOTYET;
	for (*row = 0; *row < sizeof(kinds) / sizeof(kinds[0]); (*row)++)
		if (kinds[*row].kind == x->p.kind)
			break;
	if (*row == sizeof(kinds) / sizeof(kinds[0])) {
		x->why = N_("unknown kind");
		return INGEST_REFUSED;
	}
	if (x->o->nall && !kinds[*row].slots) {
		x->why = N_("key slots in an entry that may not carry any");
		return INGEST_REFUSED;
	}
	if ((x->env->audience == CH_AUD_MEMBERSHIP) != kinds[*row].membership) {
		x->why = N_("membership key used for another kind, or the other way round");
		return INGEST_REFUSED;
	}
	return kinds[*row].check(x);
}

/* The envelope of an entry at or below its feed's head: a duplicate, a
 * form of it that replaces the one held, or a fork (kept as evidence). */
static int
held_or_fork(ingest_t *in, scase_t *c, const ch_env_t *env, const uint8_t id[32],
    const uint8_t *entry, size_t n, int form, const uint8_t *proof, const char *from,
    const pre_t *pre)
{
	uint8_t *old = NULL, oid32[32];
	size_t ol = 0, obl;
	ch_env_t oenv;
	const uint8_t *ob, *oproof;
	char oid[17];
	int oform, rc;

	if ((rc = store_entry_get(c, env->org, env->seq, &old, &ol)) != 0)
		return rc;
	int oformed = ch_entry_form(old, ol, &oenv, &ob, &obl, &oform, &oproof) == 0;
	int same = oformed && (ch_env_id(&oenv, oid32), memcmp(oid32, id, 32) == 0);
	if (same) {
		/* An entry we hold already costs one read, not a signature
		 * check. The other forms of the same id:
		 * - an erased form replaces a body (or an envelope held alone)
		 *   only with its organization's proof, and only care content;
		 *   once held, a full entry does not bring the body back;
		 * - a full entry replaces an envelope held alone (kept by an
		 *   earlier version): the same id, and ch_entry_form checked
		 *   its body against the signed hash. */
		if (form == CH_FORM_ERASED && (oform != CH_FORM_ERASED ||
		    ol != n || memcmp(old, entry, n) != 0)) {
			if (ch_erasure_verify(env, proof) != 0)
				rc = refuse(env, from, WHY_PROOF);
			else if (oform == CH_FORM_ERASED)
				rc = INGEST_DUP;
			else if (!erasable(c, &oenv, ob, obl))
				rc = refuse(env, from, WHY_NOT_CARE);
			else if ((rc = erase_held(in, c, env->org, env->seq, entry, n)) == 0)
				rc = INGEST_STORED;
		} else if (form == CH_FORM_FULL && oform == CH_FORM_BARE) {
			if ((rc = store_entry_replace(c, env->org, env->seq, entry, n)) == 0)
				rc = INGEST_STORED;
		} else
			rc = INGEST_DUP;
		free(old);
		return rc;
	}
	free(old);
	/* Evidence of a fork is two envelopes whose own signatures verify: the
	 * one received, and the one held (which may have been taken through
	 * the chain of a later entry, its own signature unchecked). */
	int own = pre && pre->org == SIG_OWN ? 1 : pre && pre->org == SIG_BAD ? 0 :
	    ch_env_verify(env) == 0;
	int chained = pre && pre->org == SIG_CHAIN;
	if (!own && !chained)
		return refuse(env, from, "bad organization signature");
	keys_keyid(env->org, oid);
	if (!own || !oformed || ch_env_verify(&oenv) != 0) {
		/* Both are the organization's (one of them only through the
		 * chain of a later entry it signed): it signed two entries at
		 * one seq. The feed is frozen as for a fork, but there is no
		 * evidence a fork report could carry (PROTOCOL.md, "Checking a
		 * batch's signatures"). */
		log_err("the organization %s signed two entries at seq %llu of its feed of a case, one of them only through the chain of a later entry (received from %s): that feed is no longer accepted; no fork report can be written",
		    oid, (unsigned long long)env->seq, from);
		if (store_forked_put(c, env->org) != 0)
			log_err("could not mark that feed");
		return INGEST_REFUSED;
	}
	log_err("fork in the feed of %s at seq %llu (received from %s): both entries kept as evidence, that feed is no longer accepted",
	    oid, (unsigned long long)env->seq, from);
	if (memcmp(env->org, keyring_org(in->kr), 32) == 0)
		log_err("FORK of this organization's own feed of a case at seq %llu: another daemon with this "
		    "organization's key (a restored backup, or a copy of this data directory) wrote there too. "
		    "This daemon can no longer write in that case. Stop every other copy, restore this daemon "
		    "from its newest backup, or contact the other members' administrators "
		    "('cahier case list' marks the case)",
		    (unsigned long long)env->seq);
	if (store_fork_put(c, env->org, env->seq, entry, n) != 0 ||
	    store_forked_put(c, env->org) != 0)
		log_err("could not keep the evidence of that fork");
	return INGEST_REFUSED;
}

/* The epoch of an entry against the case's membership: a known epoch in
 * which its org was a member and not removed before this seq; at the cut
 * of a removed org, only the entry the removal kept. */
static int
check_membership(scase_t *c, const ch_env_t *env, const uint8_t id[32],
    const uint8_t coord[32], const char *from)
{
	uint32_t cur = state_epoch(c);
	state_epoch_t r;
	char why[96];

	if (env->epoch > cur + 1) {
		snprintf(why, sizeof(why), _("unknown epoch %u"), env->epoch);
		return refuse(env, from, why);
	}
	if (env->epoch == cur + 1 && memcmp(env->org, coord, 32) != 0)
		return INGEST_NOTYET; /* that epoch's entry has not reached us yet */
	if (env->epoch <= cur) {
		if (state_epoch_get(c, env->epoch, &r) != 0)
			return INGEST_NOTYET; /* joined later: that epoch's charter unknown */
		int in = ch_charter_find_org(&r.ch, env->org) >= 0;
		state_epoch_free(&r);
		if (!in) {
			snprintf(why, sizeof(why), _("not a member of the case in epoch %u"), env->epoch);
			return refuse(env, from, why);
		}
	}
	if (state_epoch_current(c, &r) == 0) {
		int removed = 0, cut = 0;
		for (size_t i = 0; i < r.ch.nremoved; i++) {
			if (memcmp(r.ch.removed[i].org, env->org, 32) != 0)
				continue;
			if (env->seq > r.ch.removed[i].last_seq)
				removed = 1;
			else if (env->seq == r.ch.removed[i].last_seq &&
			    memcmp(id, r.ch.removed[i].last_id, 32) != 0)
				cut = 1;
		}
		state_epoch_free(&r);
		if (removed)
			return refuse(env, from, "that organization was removed from the case");
		if (cut)
			return refuse(env, from, "not the entry its removal kept at that seq (a removed organization's rewrite)");
	}
	return 0;
}

/* An epoch entry we cannot open: no membership key was sealed to us. We
 * cannot tell a removal from an omission (the charter is sealed under that
 * key), and we cannot check the entry: hold it back, and with it the rest
 * of that feed. This organization stops following the case from here; its
 * operator sees why. */
static int
held_back_epoch(scase_t *c, const ch_env_t *env, const uint8_t coord[32],
    const char *from)
{
	log_warn("held back epoch %u of a case from %s: no key for this organization in it (removed, or left out by the coordinator)",
	    env->epoch, from);
	if (memcmp(env->org, coord, 32) == 0 && env->epoch == state_epoch(c) + 1 &&
	    store_excluded_put(c, env->epoch, env->time_ms) != 0)
		log_err("could not record that this organization is out of a case");
	return INGEST_NOTYET;
}

/* The body: its slots, its key, its plain text and the check of its kind;
 * then, when everything passed, what it keeps. */
static int
ingest_body(ingest_t *in, scase_t *c, const ch_env_t *env, const uint8_t id[32],
    const uint8_t *entry, size_t n, const uint8_t *body, size_t bodylen,
    int has_coord, const uint8_t coord[32], const char *from, const pre_t *pre)
{
	keyring_opened_t *o = calloc(1, sizeof(*o));
	uint8_t key[32];
	int rc;

	if (!o)
		return CH_ERR_NOMEM;
	if (keyring_list_slots(body, bodylen, o) != 0) {
		rc = refuse(env, from, "malformed sealed body");
		goto out;
	}
	/* Only the coordinator writes key slots (epoch entries, history
	 * grants): checked on the envelope, before any slot is opened, whether
	 * or not this daemon can open the body. */
	if (o->nall && has_coord && memcmp(env->org, coord, 32) != 0) {
		rc = refuse(env, from, "only the coordinator writes key slots (this organization does not coordinate the case)");
		goto out;
	}
	if (keyring_open_slots(in->kr, o) != 0) {
		rc = refuse(env, from, "a key slot for this organization does not open (sealed to the wrong member?)");
		goto out;
	}
	/* A key once held is never replaced: refuse the entry before any effect. */
	for (size_t i = 0; i < o->n; i++) {
		uint8_t held[32];
		if (store_key_get(c, o->k[i].epoch, o->k[i].audience, held) == 0) {
			int same = sodium_memcmp(held, o->k[i].key, 32) == 0;
			sodium_memzero(held, sizeof(held));
			if (!same) {
				rc = refuse(env, from, "a key slot conflicts with a key held");
				goto out;
			}
		}
	}
	const uint8_t *k = keyring_opened_key(o, env->epoch, env->audience);
	int have = k != NULL;
	if (k)
		memcpy(key, k, 32);
	else
		have = store_key_get(c, env->epoch, env->audience, key) == 0 ||
		    (env->audience == CH_AUD_MEMBERSHIP &&
		    keyring_welcome_get(in->kr, env->case_id, env->epoch, key) == 0);
	if (have) {
		check_t x;
		size_t row = 0;
		uint8_t *plain = NULL;
		size_t plainlen = 0;
		/* The pre-check opened an entry without slots under the key held
		 * for its epoch and audience: the key used here (a key once held
		 * is never replaced), so the same plain text. */
		int borrowed = pre && pre->plain && o->nall == 0;

		if (borrowed) {
			plain = pre->plain;
			plainlen = pre->plainlen;
			rc = 0;
		} else
			rc = ch_body_open(env, body, bodylen, key, &plain, &plainlen);
		sodium_memzero(key, sizeof(key));
		if (rc) {
			rc = refuse(env, from, "body does not decrypt under the case key");
			goto out;
		}
		memset(&x, 0, sizeof(x));
		x.in = in;
		x.c = c;
		x.from = from;
		x.env = env;
		x.plain = plain;
		x.plainlen = plainlen;
		x.has_coord = has_coord;
		if (has_coord)
			memcpy(x.coord, coord, 32);
		x.o = o;
		x.pre = borrowed ? pre : NULL;
		rc = check_plain(&x, &row);
		if (rc == INGEST_REFUSED)
			refuse(env, from, x.why);
		if (rc == 0 && kinds[row].keep)
			rc = kinds[row].keep(&x);
		if (x.have_ep)
			ch_epoch_clear(&x.ep);
		if (!borrowed) {
			sodium_memzero(plain, plainlen);
			free(plain);
		}
		if (rc)
			goto out;
	} else if (!has_coord) {
		rc = INGEST_NOTYET;
		goto out;
	} else if (env->audience == CH_AUD_MEMBERSHIP) {
		rc = held_back_epoch(c, env, coord, from);
		goto out;
	} else if (o->n) {
		/* Keys are taken only from an entry checked in full. */
		rc = refuse(env, from, "key slots for this organization in an entry it cannot open");
		goto out;
	}
	/* else: an audience we are not in; we store and relay it. */
	for (size_t i = 0; i < o->n; i++)
		if ((rc = store_key_put(c, o->k[i].epoch, o->k[i].audience, o->k[i].key)) != 0)
			goto out;
	rc = store_entry_put(c, env->org, env->seq, id, entry, n);
out:
	keyring_opened_free(o);
	free(o);
	return rc;
}

/* ingest_entry, with what the batch's pre-check learnt of this entry (pre,
 * or NULL: everything is checked here). */
static int
ingest_one(ingest_t *in, scase_t *c, const uint8_t *entry, size_t n,
    const char *from, const pre_t *pre)
{
	ch_env_t env;
	const uint8_t *body;
	size_t bodylen;
	uint8_t id[32], hid[32], coord[32];
	const uint8_t *proof;
	uint64_t hseq;
	int rc, has_coord, form;

	if (pre && pre->formed) {
		env = pre->env;
		body = pre->body;
		bodylen = pre->bodylen;
		form = pre->form;
		proof = pre->proof;
	} else if ((rc = ch_entry_form(entry, n, &env, &body, &bodylen, &form, &proof)) != 0) {
		log_limited(LOG_LVL_WARN, from, "rejected entry from %s: %s", from, ch_strerror(rc));
		return INGEST_REFUSED;
	}
	if (memcmp(env.case_id, store_case_id(c), 16) != 0)
		return refuse(&env, from, "sent for another case");
	if (form == CH_FORM_ERASED && env.audience == CH_AUD_MEMBERSHIP)
		return refuse(&env, from, "an erased form of a membership entry (the membership of a case is never erased)");
	if (pre && pre->formed)
		memcpy(id, pre->id, 32);
	else
		ch_env_id(&env, id);
	if ((rc = store_forked_get(c, env.org)) < 0)
		return rc;
	if (rc == 1) {
		char oid[17];
		keys_keyid(env.org, oid);
		char key[LOG_KEY_LEN];
		snprintf(key, sizeof(key), "forked|%s", from);
		log_limited(LOG_LVL_INFO, key, "ignored entry %s#%llu from %s: that feed forked and is no longer accepted",
		    oid, (unsigned long long)env.seq, from);
		return INGEST_REFUSED;
	}
	if ((rc = store_head(c, env.org, &hseq, hid)) != 0)
		return rc;
	if (env.seq <= hseq)
		return held_or_fork(in, c, &env, id, entry, n, form, proof, from, pre);
	/* Checked by the batch's pre-check (its own signature, or a later one
	 * of its feed through the chain), or here. */
	if (pre && pre->org != SIG_UNKNOWN ? pre->org == SIG_BAD : ch_env_verify(&env) != 0)
		return refuse(&env, from, "bad organization signature");
	if (env.seq > hseq + 1)
		return INGEST_GAP;
	if (memcmp(env.prev, hid, 32) != 0) {
		/* Signed by its organization (checked above), on top of another
		 * entry hseq than ours: the organization signed two entries at
		 * hseq. The sender holds the other one; sync asks for it, and
		 * held_or_fork keeps the pair as evidence. */
		in->branched = 1;
		memcpy(in->branch_org, env.org, 32);
		in->branch_seq = hseq;
		return refuse(&env, from, "wrong prev hash: its organization signed another entry before it than the one held here; asking for that one");
	}
	if (env.time_ms > (uint64_t)clock_now_ms() + FUTURE_SLACK_MS)
		return refuse(&env, from, "time in the future");
	has_coord = state_coordinator(c, coord) == 0;
	if (has_coord) {
		if ((rc = check_membership(c, &env, id, coord, from)) != 0)
			return rc;
	} else if (env.seq != 1 || env.epoch != 0) {
		return INGEST_NOTYET;
	}
	if (form == CH_FORM_BARE)
		return refuse(&env, from, "an entry without its body (a body is erased only by its organization's signed erasure)");
	if (form == CH_FORM_ERASED) {
		/* An entry we never held, erased by its organization: it
		 * chains like any other (its envelope is intact). */
		if (ch_erasure_verify(&env, proof) != 0)
			return refuse(&env, from, WHY_PROOF);
		return store_entry_put(c, env.org, env.seq, id, entry, n);
	}
	return ingest_body(in, c, &env, id, entry, n, body, bodylen, has_coord, coord, from, pre);
}

int
ingest_entry(ingest_t *in, scase_t *c, const uint8_t *entry, size_t n,
    const char *from)
{
	return ingest_one(in, c, entry, n, from, NULL);
}

/* --- Our own next entry ---
 *
 * ingest_own signs the envelope itself and hands the bytes it has just
 * encoded to ingest_one, with what it knows of them in a pre_t, as the
 * batch's pre-check does for a peer's entries:
 *
 * - the organization signature is SIG_OWN without a check: the signature
 *   was made here, a few lines above, over this very envelope, and the
 *   bytes never left this process (nor this call) between the signing and
 *   the rules. The function takes no signature and no signed bytes, so no
 *   bytes from a peer or a client can reach this path: whatever env->sig
 *   holds is overwritten, and an envelope of another organization is
 *   refused (CH_ERR_VALUE) before anything is signed;
 * - the provider signature of a care entry is SIG_OWN only when the
 *   caller says it checked it (checked: a SIGJOB_PLAIN job whose ok is 1,
 *   post.c: post_handle) for this case and audience, and the body, opened
 *   here under the key held for its epoch and audience, is exactly the
 *   plain text checked; check_care still requires the key of the
 *   certificate inside that plain text to be the key checked. Otherwise
 *   the rules check it as for any entry.
 *
 * Every other check of ingest_one runs: framing and body hash
 * (ch_entry_form), case, fork mark, seq and chain, time, membership of
 * our feed, slots, the check of its kind and its effects. */

/* Opens our own body under the key held for its epoch and audience and
 * takes the caller's check of its plain text if it is that very text. */
static void
own_plain(scase_t *c, pre_t *p, const sigjob_t *checked)
{
	const ch_env_t *env = &p->env;
	uint8_t key[32];

	if (!checked || checked->kind != SIGJOB_PLAIN || checked->ok != 1 ||
	    memcmp(checked->case_id, env->case_id, 16) != 0 ||
	    checked->audience != env->audience || env->audience == CH_AUD_MEMBERSHIP ||
	    p->bodylen < 2 || p->body[0] != 0 || p->body[1] != 0 ||
	    store_key_get(c, env->epoch, env->audience, key) != 0)
		return;
	if (ch_body_open(env, p->body, p->bodylen, key, &p->plain, &p->plainlen) != 0)
		p->plain = NULL;
	sodium_memzero(key, sizeof(key));
	if (!p->plain)
		return;
	if (p->plainlen == checked->plainlen &&
	    memcmp(p->plain, checked->plain, p->plainlen) == 0) {
		p->psig = SIG_OWN;
		memcpy(p->provider, checked->provider, 32);
	}
}

int
ingest_own(ingest_t *in, scase_t *c, ch_env_t *env, const uint8_t *body, size_t bodylen,
    const sigjob_t *checked, uint8_t **entry, size_t *entrylen)
{
	pre_t pre;
	uint8_t *e;
	size_t n = CH_ENV_LEN + bodylen;
	int rc;

	if (memcmp(env->org, keyring_org(in->kr), 32) != 0)
		return CH_ERR_VALUE;
	keyring_sign(in->kr, env);
	if (!(e = malloc(n)))
		return CH_ERR_NOMEM;
	ch_env_encode(env, e);
	memcpy(e + CH_ENV_LEN, body, bodylen);
	memset(&pre, 0, sizeof(pre));
	if (ch_entry_form(e, n, &pre.env, &pre.body, &pre.bodylen, &pre.form, &pre.proof) == 0) {
		pre.formed = 1;
		ch_env_id(&pre.env, pre.id);
		pre.org = SIG_OWN;
		if (pre.form == CH_FORM_FULL)
			own_plain(c, &pre, checked);
	}
	rc = ingest_one(in, c, e, n, "this daemon", &pre);
	if (pre.plain) {
		sodium_memzero(pre.plain, pre.plainlen);
		free(pre.plain);
	}
	if (rc != INGEST_STORED) {
		free(e);
		return rc;
	}
	*entry = e;
	*entrylen = n;
	return INGEST_STORED;
}

/* --- The pre-check of a batch ---
 *
 * Before the rules run, the signatures of a batch are checked on every
 * core (sigcheck.c), and the rules then use what was found: no signature
 * is checked twice. Only pure byte checks run on the threads; what needs
 * the store (heads, keys, certificates) is looked up here, in the calling
 * thread, before they start, and every rule and every write stays in
 * ingest_one, in order. The argument for checking one organization
 * signature per run of a feed is in PROTOCOL.md, "Receiving ENTRIES". */

/* Heads, forked marks and keys met in one batch, looked up once. */
#define PRE_MEMO 16
typedef struct {
	uint8_t org[32];
	uint64_t seq;
	int forked;
} pre_head_t;
typedef struct {
	uint32_t epoch;
	uint8_t audience;
	int have;
	uint8_t key[32];
} pre_key_t;
typedef struct {
	pre_head_t h[PRE_MEMO];
	size_t nh;
	pre_key_t k[PRE_MEMO];
	size_t nk;
} pre_memo_t;

/* 1 if the entry can be new to the feed: above its head, the feed not
 * forked (held entries, duplicates included, cost no signature check). */
static int
pre_new(scase_t *c, pre_memo_t *m, const ch_env_t *env)
{
	pre_head_t *h = NULL;
	uint8_t hid[32];
	for (size_t i = 0; i < m->nh && !h; i++)
		if (memcmp(m->h[i].org, env->org, 32) == 0)
			h = &m->h[i];
	if (!h) {
		if (m->nh == PRE_MEMO)
			return 0;
		h = &m->h[m->nh];
		memcpy(h->org, env->org, 32);
		h->forked = store_forked_get(c, env->org);
		if (h->forked == 0 && store_head(c, env->org, &h->seq, hid) != 0)
			h->forked = -1;
		m->nh++;
	}
	return h->forked == 0 && env->seq > h->seq;
}

/* The key held for (epoch, audience), or NULL. */
static const uint8_t *
pre_key(scase_t *c, pre_memo_t *m, uint32_t epoch, uint8_t audience)
{
	for (size_t i = 0; i < m->nk; i++)
		if (m->k[i].epoch == epoch && m->k[i].audience == audience)
			return m->k[i].have ? m->k[i].key : NULL;
	if (m->nk == PRE_MEMO)
		return NULL;
	pre_key_t *k = &m->k[m->nk++];
	k->epoch = epoch;
	k->audience = audience;
	k->have = store_key_get(c, epoch, audience, k->key) == 0;
	return k->have ? k->key : NULL;
}

/* Opens the body of a care entry without key slots under the key held for
 * its epoch and audience, and finds its author's key (certs_check, as
 * check_care will: the same memo, the same answer). Returns 1 when the
 * provider signature is to be checked. */
static int
pre_open(ingest_t *in, scase_t *c, pre_memo_t *m, pre_t *p)
{
	const ch_env_t *env = &p->env;
	ch_plain_t pl;

	if (p->form != CH_FORM_FULL || env->audience == CH_AUD_MEMBERSHIP ||
	    p->bodylen < 2 || p->body[0] != 0 || p->body[1] != 0)
		return 0;
	const uint8_t *key = pre_key(c, m, env->epoch, env->audience);
	if (!key || ch_body_open(env, p->body, p->bodylen, key, &p->plain, &p->plainlen) != 0) {
		p->plain = NULL;
		return 0;
	}
	return ch_plain_decode(p->plain, p->plainlen, &pl) == 0 && ch_kind_is_care(pl.kind) &&
	    certs_check(in->certs, pl.cert, pl.certlen, env->org, env->time_ms, p->provider,
	    NULL) == 0;
}

/* 1 if entry i continues entry i-1 of the batch in one feed: same case
 * and organization, the next seq, and its prev is the id of i-1. */
static int
pre_chains(const pre_t *pre, size_t i)
{
	const pre_t *a = &pre[i - 1], *b = &pre[i];
	return memcmp(a->env.case_id, b->env.case_id, 16) == 0 &&
	    memcmp(a->env.org, b->env.org, 32) == 0 && b->env.seq == a->env.seq + 1 &&
	    memcmp(b->env.prev, a->id, 32) == 0;
}

/* The same, both entries new to the feed (cand). */
static int
pre_linked(const pre_t *pre, const uint8_t *cand, size_t i)
{
	return cand[i - 1] && cand[i] && pre_chains(pre, i);
}

/* The pre-check of one batch while it runs. */
typedef struct {
	pre_t *pre;
	size_t n;
	sigjob_t *jobs;
	size_t *pjob;      /* per entry: its provider job + 1, or 0 */
	sigcheck_t *sc;    /* the jobs in flight, or NULL */
} batchcheck_t;

/* Starts the signature checks of a batch: for each run of entries of one
 * feed (pre_linked), the organization signature of its last entry only,
 * and the provider signature of each care entry this daemon can open. The
 * runs' jobs come first, then the provider jobs in the batch's order, so
 * that the rules can take the entries in order while the threads check
 * the ones after them (precheck_wait). A run whose last signature fails
 * is checked entry by entry, here, so that its valid prefix is kept. What
 * is not pre-checked stays SIG_UNKNOWN and the rules check it as they
 * check a lone entry. For n entries this costs at most n organization and
 * n provider signature checks, as checking each entry would: a run of k
 * entries costs 1, or k when its last signature fails. */
static void
precheck_start(ingest_t *in, scase_t *c, const ch_slice_t *items, size_t n,
    pre_t *pre, batchcheck_t *bc)
{
	pre_memo_t m;
	uint8_t *cand = calloc(n + 1, 1);
	uint8_t *popen = calloc(n + 1, 1);
	size_t *rjob = calloc(n + 1, sizeof(*rjob));     /* at a run's end: its job + 1 */
	size_t *rstart = calloc(n + 1, sizeof(*rstart)); /* at a run's end: its start */
	size_t *rext = calloc(n + 1, sizeof(*rext));     /* ... and held entries before it */
	size_t nj = 0;

	memset(bc, 0, sizeof(*bc));
	memset(&m, 0, sizeof(m));
	bc->pre = pre;
	bc->n = n;
	bc->jobs = calloc(2 * n + 1, sizeof(*bc->jobs));
	bc->pjob = calloc(n + 1, sizeof(*bc->pjob));
	if (!bc->jobs || !bc->pjob || !cand || !popen || !rjob || !rstart || !rext) {
		free(bc->jobs);
		free(bc->pjob);
		bc->jobs = NULL;
		bc->pjob = NULL;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pre_t *p = &pre[i];
		if (ch_entry_form(items[i].p, items[i].n, &p->env, &p->body, &p->bodylen,
		    &p->form, &p->proof) != 0)
			continue;
		p->formed = 1;
		ch_env_id(&p->env, p->id);
		if (memcmp(p->env.case_id, store_case_id(c), 16) != 0 || !pre_new(c, &m, &p->env))
			continue;
		cand[i] = 1;
		popen[i] = (uint8_t)pre_open(in, c, &m, p);
	}
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (!cand[i])
			continue;
		if (i == 0 || !pre_linked(pre, cand, i))
			start = i;
		if (i + 1 < n && pre_linked(pre, cand, i + 1))
			continue;
		bc->jobs[nj].kind = SIGJOB_ENV;
		bc->jobs[nj].env = &pre[i].env;
		rjob[i] = ++nj;
		rstart[i] = start;
		/* Entries at or below the head that the run chains to are
		 * covered by the same signature, at no cost: one that is not
		 * held (another entry at its seq) is then known to be the
		 * organization's (held_or_fork). */
		size_t e = start;
		while (e > 0 && pre[e - 1].formed && !cand[e - 1] && pre_chains(pre, e))
			e--;
		rext[i] = e;
	}
	for (size_t i = 0; i < n; i++) {
		if (!popen[i])
			continue;
		sigjob_t *j = &bc->jobs[nj];
		j->kind = SIGJOB_PLAIN;
		j->plain = pre[i].plain;
		j->plainlen = pre[i].plainlen;
		j->case_id = pre[i].env.case_id;
		j->audience = pre[i].env.audience;
		j->provider = pre[i].provider;
		bc->pjob[i] = ++nj;
	}
	bc->sc = sigcheck_start(bc->jobs, nj);
	/* The runs: a good last signature covers its run. */
	for (size_t i = 0; i < n; i++) {
		if (!rjob[i])
			continue;
		sigcheck_wait(bc->sc, rjob[i] - 1);
		int ok = bc->jobs[rjob[i] - 1].ok;
		pre[i].org = ok ? SIG_OWN : SIG_BAD;
		for (size_t k = rext[i]; k < i; k++)
			pre[k].org = ok ? SIG_CHAIN : SIG_UNKNOWN;
	}
	/* A bad one: every other entry of its run is checked on its own (here,
	 * while the threads go on with the provider signatures). The last one
	 * whose own signature verifies covers the ones before it through the
	 * chain; the ones after it are bad. */
	for (size_t i = 0; i < n; i++) {
		if (!rjob[i] || pre[i].org != SIG_BAD)
			continue;
		size_t s = rstart[i], good = i;
		for (size_t k = s; k < i; k++)
			if (ch_env_verify(&pre[k].env) == 0) {
				pre[k].org = SIG_OWN;
				good = k;
			}
		for (size_t k = s; k < i; k++)
			if (pre[k].org != SIG_OWN)
				pre[k].org = good != i && k < good ? SIG_CHAIN : SIG_BAD;
	}
out:
	sodium_memzero(&m, sizeof(m));
	free(cand);
	free(popen);
	free(rjob);
	free(rstart);
	free(rext);
}

/* Waits for the provider signature check of entry i, if it has one. */
static void
precheck_wait(batchcheck_t *bc, size_t i)
{
	if (!bc->pjob || !bc->pjob[i] || bc->pre[i].psig != SIG_UNKNOWN)
		return;
	sigcheck_wait(bc->sc, bc->pjob[i] - 1);
	bc->pre[i].psig = bc->jobs[bc->pjob[i] - 1].ok ? SIG_OWN : SIG_BAD;
}

/* Waits for every check, and ends the threads. */
static void
precheck_end(batchcheck_t *bc)
{
	for (size_t i = 0; i < bc->n; i++)
		precheck_wait(bc, i);
	sigcheck_finish(&bc->sc);
	free(bc->jobs);
	free(bc->pjob);
	bc->jobs = NULL;
	bc->pjob = NULL;
}

static void
pre_free(pre_t *pre, size_t n)
{
	for (size_t i = 0; pre && i < n; i++)
		if (pre[i].plain) {
			sodium_memzero(pre[i].plain, pre[i].plainlen);
			free(pre[i].plain);
		}
	free(pre);
}

int
ingest_batch(ingest_t *in, scase_t *c, const ch_slice_t *items, size_t n,
    const char *from, ingest_tally_t *t)
{
	return ingest_batch_outcomes(in, c, items, n, from, t, NULL);
}

int
ingest_batch_outcomes(ingest_t *in, scase_t *c, const ch_slice_t *items, size_t n,
    const char *from, ingest_tally_t *t, int *out)
{
	int *res = calloc(n ? n : 1, sizeof(*res));
	pre_t *pre = calloc(n ? n : 1, sizeof(*pre));

	memset(t, 0, sizeof(*t));
	in->branched = 0;
	if (!res || !pre) {
		free(res);
		free(pre);
		return CH_ERR_NOMEM;
	}
	batchcheck_t bc;
	precheck_start(in, c, items, n, pre, &bc);
	for (int pass = 0; pass < 2; pass++) {
		size_t progress = 0;
		for (size_t i = 0; i < n; i++) {
			if (pass == 1 && res[i] != INGEST_NOTYET && res[i] != INGEST_GAP)
				continue;
			/* The rules take entry i once its signatures are checked,
			 * while the threads go on with the next ones. */
			precheck_wait(&bc, i);
			res[i] = ingest_one(in, c, items[i].p, items[i].n, from, &pre[i]);
			if (res[i] == INGEST_STORED)
				progress++;
		}
		if (pass == 0)
			precheck_end(&bc);
		t->stored += progress;
		if (pass == 0 && !progress)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		if (res[i] == INGEST_NOTYET || res[i] == INGEST_GAP)
			t->waiting++;
		if (res[i] == INGEST_GAP)
			t->gaps++;
		if (res[i] == INGEST_REFUSED)
			t->refused++;
	}
	if (in->branched) {
		t->branched = 1;
		memcpy(t->branch_org, in->branch_org, 32);
		t->branch_seq = in->branch_seq;
	}
	pre_free(pre, n);
	if (out)
		memcpy(out, res, n * sizeof(*res));
	free(res);
	return 0;
}
