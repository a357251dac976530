/* post.c - posts from providers: notes, new cases, membership requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/msg.h"
#include "../proto/names.h"
#include "change.h"
#include "clock.h"
#include "derr.h"
#include "feed.h"
#include "log.h"
#include "member.h"
#include "post.h"
#include "state.h"
#include "sync.h"

/* The name of a provider's audience, for a message. */
static const char *
aud_name(uint8_t aud)
{
	const char *n = ch_aud_name(aud);
	return n ? n : "?";
}

/* The entry is in this round's transaction: queue it for the members and
 * answer with its id and seq (both sent after the commit). Takes entry. */
static void
post_ok(cahierd_t *d, scase_t *c, uint8_t *entry, size_t entrylen,
    const uint8_t id[32], cahierd_reply_t *rep)
{
	ch_postrep_t rp;
	ch_env_t env;
	const uint8_t *b;
	size_t bl, outlen = 0;
	uint8_t *out = NULL;

	memcpy(rp.case_id, store_case_id(c), 16);
	memcpy(rp.id, id, 32);
	rp.seq = ch_entry_split(entry, entrylen, &env, &b, &bl) == 0 ? env.seq : 0;
	sync_push(d, c, entry, entrylen);
	free(entry);
	if (ch_postrep_encode(&rp, &out, &outlen) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "internal error");
		return;
	}
	cahierd_reply_ok(rep, out, outlen);
}

/* The head of org's feed here: where a removal cuts it. */
static void
head_of(void *arg, const uint8_t org[32], uint64_t *seq, uint8_t id[32])
{
	if (store_head(arg, org, seq, id) != 0) {
		*seq = 0;
		memset(id, 0, 32);
	}
}

/* A history grant asked for by a provider of the coordinator. */
static void
grant_history(cahierd_t *d, scase_t *c, const ch_postreq_t *rq, const ch_plain_t *p,
    cahierd_reply_t *rep)
{
	uint8_t org[32], *entry = NULL, id[32];
	size_t entrylen = 0;
	int rc;

	if (ch_orgref_decode(p->fields, p->fieldslen, org) != 0 || !state_is_member(c, org)) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "history goes to a member of the case");
		return;
	}
	if ((rc = member_grant_history(d->in, c, org, rq->plain.p, rq->plain.n, &entry,
	    &entrylen, id)) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot grant history: %s",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	post_ok(d, c, entry, entrylen, id, rep);
}

/* 1 if the org a change adds is a peer of ours with that very card. */
static int
imported(cahierd_t *d, const change_t *ch)
{
	peer_t *p = peers_by_org(d->peers, ch->ep.subject);
	uint8_t *card = NULL;
	size_t n = 0;
	int same = p && store_peer_get(d->store, ch->ep.subject, &card, &n) == 0 &&
	    n == ch->m.cardlen && memcmp(card, ch->m.card, n) == 0;
	free(card);
	return same;
}

/* A membership request by a provider of the coordinator: the new charter
 * (change.h), then a new epoch. */
static void
change_membership(cahierd_t *d, scase_t *c, const ch_postreq_t *rq, const ch_plain_t *p,
    cahierd_reply_t *rep)
{
	uint8_t coord[32], *buf = NULL, *entry = NULL, id[32];
	size_t buflen = 0, entrylen = 0;
	ch_epoch_t cur;
	change_t ch;
	why_t why;
	int rc;

	if (state_coordinator(c, coord) != 0 || memcmp(coord, keyring_org(d->kr), 32) != 0) {
		char name[256];
		if (state_coordinator(c, coord) == 0) {
			cahierd_org_name(d, c, coord, name, sizeof(name));
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "only the coordinator of the case (%s) changes its membership", name);
		} else
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "only the coordinator of the case changes its membership");
		return;
	}
	if (rq->audience != CH_AUD_NETWORK) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "membership requests go to the network audience");
		return;
	}
	if (p->kind == CH_REQ_HISTORY) {
		grant_history(d, c, rq, p, rep);
		return;
	}
	if ((rc = ingest_charter(d->in, c, state_epoch(c), &buf, &buflen, &cur)) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot read the case charter: %s",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	rc = change_make(&cur.charter, keyring_org(d->kr), rq->plain.p, rq->plain.n, p,
	    (uint64_t)clock_now_ms() / 1000, head_of, c, &ch, &why);
	/* An organization joins only with the card this one imported, its
	 * fingerprint checked by phone (cahierd peer add). */
	if (rc == 0 && ch.ep.why == CH_WHY_ADD && !imported(d, &ch)) {
		why_set(&why, "%s has not imported that organization's card: "
		    "check its fingerprint by phone, then 'cahierd peer add CARD --fingerprint "
		    "\"DIGITS\"' there first", d->cfg.name);
		rc = DERR_REFUSED;
	}
	if (rc == 0 && (rc = member_new_epoch(d->in, c, &ch.ep, &entry, &entrylen, id)) != 0) {
		why_set(&why, "the new epoch was refused: %s", WHY_REASON(derr_str(rc)));
		rc = DERR_REFUSED;
	}
	if (rc == 0)
		post_ok(d, c, entry, entrylen, id, rep);
	else if (rc == DERR_REFUSED)
		cahierd_reply_why(rep, CH_ST_BADREQ, &why);
	else
		cahierd_reply_err(rep, CH_ST_INTERNAL, "internal error: %s", WHY_REASON(derr_str(rc)));
	change_free(&ch);
	ch_epoch_clear(&cur);
	ingest_charter_free(buf, buflen);
}

static void
free_audiences(ch_charter_t *ch)
{
	for (int i = 0; i < 4; i++) {
		for (size_t j = 0; j < ch->aud[i].nroles; j++)
			free(ch->aud[i].roles[j]);
		free(ch->aud[i].roles);
		ch->aud[i].roles = NULL;
		ch->aud[i].nroles = 0;
	}
}

/* A new case, coordinated by this organization: its genesis entry. */
static void
create_case(cahierd_t *d, const ch_postreq_t *rq, const ch_plain_t *p,
    cahierd_reply_t *rep)
{
	ch_create_t cr;
	ch_epoch_t ep;
	ch_corg_t me;
	scase_t *c = NULL;
	uint8_t id[16], eid[32], *entry = NULL;
	size_t entrylen = 0;
	int rc;

	if (rq->audience != CH_AUD_NETWORK || ch_create_decode(p->fields, p->fieldslen, &cr) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "malformed case creation");
		return;
	}
	ch_case_id(keyring_org(d->kr), cr.salt, id);
	if (memcmp(id, rq->case_id, 16) != 0) {
		ch_create_clear(&cr);
		cahierd_reply_err(rep, CH_ST_BADREQ,
		    "case id is not derived from this organization's key");
		return;
	}
	if (store_case_exists(d->store, id)) {
		ch_create_clear(&cr);
		cahierd_reply_err(rep, CH_ST_BADREQ, "case exists already");
		return;
	}
	memset(&ep, 0, sizeof(ep));
	ep.why = CH_WHY_CREATE;
	memcpy(ep.salt, cr.salt, 16);
	ep.request = rq->plain.p;
	ep.requestlen = rq->plain.n;
	ep.charter.name = cr.name;
	memcpy(ep.charter.coordinator, keyring_org(d->kr), 32);
	memcpy(me.org, keyring_org(d->kr), 32);
	me.card = d->card;
	me.cardlen = d->cardlen;
	me.role = (char *)(uintptr_t)"coordination";
	ep.charter.orgs = &me;
	ep.charter.norgs = 1;
	rc = ch_charter_default_audiences(&ep.charter);
	if (rc == 0)
		rc = store_case_get(d->store, id, 1, &c);
	if (rc == 0 && (rc = member_new_epoch(d->in, c, &ep, &entry, &entrylen, eid)) != 0 &&
	    store_case_forget(d->store, &c) != 0)
		log_err("could not forget a case whose genesis was refused");
	free_audiences(&ep.charter);
	ch_create_clear(&cr);
	if (rc) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot open the case: %s",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	post_ok(d, c, entry, entrylen, eid, rep);
}

/* The kinds a provider with a people's role may post: a note, their own
 * goal, an agenda item. The rest is the professionals' work. */
static const char *
person_may_not(const ch_fields_t *f)
{
	switch (f->kind) {
	case CH_KIND_NOTE:
		return NULL;
	case CH_KIND_GOAL:
		return f->u.goal.whose == CH_GOAL_OWN ? NULL :
		    N_("the people around the person post their own goals; shared goals are "
		    "the professionals'");
	case CH_KIND_TASK:
		return f->u.task.agenda ? NULL :
		    N_("the people around the person add agenda items (a task with --agenda), "
		    "not tasks for an organization");
	default:
		return N_("this kind is the professionals'");
	}
}

/* The references of a care entry, checked against what this daemon holds
 * of the case, by the rules every daemon applies when it shows them
 * (index.h): an edit keeps the kind and audience of the latest version
 * and comes from an organization that may edit it; a hide comes from the
 * organization that wrote the entry; an acknowledgement from an addressee
 * of the alert; the other references name an entry of the right kind.
 * Sets *why and returns -1 if one fails. */
static int
refs_refusal(cahierd_t *d, scase_t *c, const ch_postreq_t *rq, const ch_plain_t *p,
    const ch_fields_t *f, why_t *why)
{
	const uint8_t *me = keyring_org(d->kr);
	ixcase_t *x;
	ixinfo_t in;
	ch_ref_t refs[CH_REFS_MAX];

	if (sodium_is_zero(p->supersedes, 32) && sodium_is_zero(p->reply_to, 32) &&
	    ch_fields_refs(f, refs) == 0)
		return 0;
	if (index_case(d->ix, c, &x) != 0) {
		why_set(why, "cannot read the case's timeline (see the daemon's log)");
		return -1;
	}
	if (!sodium_is_zero(p->supersedes, 32)) {
		if (index_lookup(x, p->supersedes, &in) != 0 || in.kind == 0) {
			why_set(why, "the entry this edits is not in the case here");
			return -1;
		}
		if (in.kind != p->kind || in.audience != rq->audience) {
			why_set(why, "an edit keeps the kind (%s) and the audience (%s) of the entry",
			    ch_kind_name(in.kind), aud_name(in.audience));
			return -1;
		}
		if (!in.latest) {
			why_set(why, "that is an earlier version: edit the latest one");
			return -1;
		}
		if (!index_may_edit(x, p->supersedes, me)) {
			const char *kind = ch_kind_name(in.kind);
			if (p->kind == CH_KIND_TASK)
				why_set(why, "only the organization that wrote this %s or its owner "
				    "may edit it", kind);
			else if (p->kind == CH_KIND_GOAL)
				why_set(why, "only the organization that wrote this %s or the "
				    "organizations working on it may edit it", kind);
			else if (p->kind == CH_KIND_APPOINTMENT)
				why_set(why, "only the organization that wrote this %s or the "
				    "organizations it names may edit it", kind);
			else
				why_set(why, "only the organization that wrote this %s may edit it", kind);
			return -1;
		}
	}
	if (!sodium_is_zero(p->reply_to, 32) && index_lookup(x, p->reply_to, &in) != 0) {
		why_set(why, "the entry this replies to is not in the case here");
		return -1;
	}
	size_t n = ch_fields_refs(f, refs);
	for (size_t i = 0; i < n; i++) {
		if (index_lookup(x, refs[i].id, &in) != 0 || in.kind == 0) {
			why_set(why, "the entry this %s refers to is not in the case here",
			    ch_kind_name(p->kind));
			return -1;
		}
		if (refs[i].kind && in.kind != refs[i].kind) {
			why_set(why, "a %s refers to a %s, not to a %s", ch_kind_name(p->kind),
			    ch_kind_name(refs[i].kind), ch_kind_name(in.kind));
			return -1;
		}
		if (p->kind == CH_KIND_HIDE) {
			ixinfo_t root;
			if (index_lookup(x, in.root, &root) != 0 || memcmp(root.org, me, 32) != 0) {
				why_set(why, "only the organization that wrote an entry hides it");
				return -1;
			}
		}
		if (p->kind == CH_KIND_ACK && in.kind != CH_KIND_ALERT &&
		    in.kind != CH_KIND_HANDOVER) {
			why_set(why, "an acknowledgement is of an alert or a handover, not of a %s",
			    ch_kind_name(in.kind));
			return -1;
		}
		if (p->kind == CH_KIND_ACK && !index_names_org(x, refs[i].id, me)) {
			if (in.kind == CH_KIND_ALERT)
				why_set(why, "%s is not among the organizations this alert is "
				    "addressed to", d->cfg.name);
			else
				why_set(why, "%s is neither the contact point nor the deputy this "
				    "handover names", d->cfg.name);
			return -1;
		}
	}
	return 0;
}

/* A care entry (a note, a goal, a task, ...): by a member organization,
 * from a provider whose role is in the entry's audience (and, for people,
 * listed, within their date, and of a kind people post), with fields that
 * decode and references that hold. */
static void
post_care(cahierd_t *d, provider_t *pv, scase_t *c, const ch_postreq_t *rq,
    const ch_plain_t *p, const sigjob_t *checked, cahierd_reply_t *rep)
{
	uint8_t key[32], *entry = NULL, id[32];
	size_t entrylen = 0;
	state_epoch_t r;
	ch_fields_t f;
	why_t why;
	int rc;

	if ((rc = ch_fields_decode(p->kind, p->fields, p->fieldslen, &f)) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "the fields of this %s do not decode: %s",
		    ch_kind_name(p->kind), WHY_REASON(ch_strerror(rc)));
		return;
	}
	if (state_epoch_current(c, &r) != 0) {
		ch_fields_clear(&f);
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot read the case charter");
		return;
	}
	int in = ch_charter_role_in(&r.ch, pv->cert.role, rq->audience);
	const char *refusal = state_person_refusal(&r.ch, pv->cert.role, pv->cert.provider,
	    (uint64_t)clock_now_ms() / 1000);
	state_epoch_free(&r);
	if (!refusal && ch_role_is_person(pv->cert.role))
		refusal = person_may_not(&f);
	if (refusal) {
		ch_fields_clear(&f);
		cahierd_reply_err(rep, CH_ST_DENIED, refusal);
		return;
	}
	if (!in) {
		ch_fields_clear(&f);
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "your role (%s) is not in the %s audience of this case", pv->cert.role,
		    aud_name(rq->audience));
		return;
	}
	rc = refs_refusal(d, c, rq, p, &f, &why);
	ch_fields_clear(&f);
	if (rc) {
		cahierd_reply_why(rep, CH_ST_BADREQ, &why);
		return;
	}
	uint32_t e = state_epoch(c);
	if (store_key_get(c, e, rq->audience, key) != 0) {
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "%s holds no key for the %s audience of this case", d->cfg.name,
		    aud_name(rq->audience));
		return;
	}
	rc = feed_append_checked(d->in, c, e, rq->audience, NULL, 0, key, rq->plain.p,
	    rq->plain.n, checked, &entry, &entrylen, id);
	sodium_memzero(key, sizeof(key));
	if (rc == DERR_RESTORING) {
		cahierd_reply_err(rep, CH_ST_DENIED, "not posted: %s", WHY_REASON(derr_str(rc)));
		return;
	}
	if (rc) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "entry refused: %s (see the daemon's log)",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	post_ok(d, c, entry, entrylen, id, rep);
}

/* Finding the entry of our feed with a given id. */
typedef struct {
	const uint8_t *id;
	uint64_t seq;
} seek_t;

static int
seek_id(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	seek_t *k = arg;
	ch_env_t env;
	uint8_t id[32];
	(void)org;
	if (n < CH_ENV_LEN || ch_env_decode(e, CH_ENV_LEN, &env) != 0)
		return 0;
	ch_env_id(&env, id);
	if (memcmp(id, k->id, 32) != 0)
		return 0;
	k->seq = seq;
	return 1;
}

/* An erasure asked for by a provider of ours (not one of the people's): the
 * target is care content of our own feed, held with its body; we sign the
 * proof and append an ERASE entry (kind 15), whose own check (ingest.c)
 * replaces the target by its erased form in this very transaction. */
static void
post_erase(cahierd_t *d, provider_t *pv, scase_t *c, const ch_postreq_t *rq,
    const ch_plain_t *p, cahierd_reply_t *rep)
{
	const uint8_t *me = keyring_org(d->kr);
	uint8_t id[32], key[32], oid32[32], *held = NULL, *plain = NULL, *fields = NULL;
	uint8_t *pl = NULL, *entry = NULL, eid[32];
	size_t hl = 0, bl, pll = 0, fl = 0, pln = 0, entrylen = 0;
	const uint8_t *body, *proof;
	ch_env_t env;
	ch_plain_t tp;
	ch_erase_t er;
	uint64_t hseq;
	int form, rc, kind = -1;

	if (rq->audience != CH_AUD_NETWORK ||
	    ch_erasereq_decode(p->fields, p->fieldslen, id, &er.reason) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "malformed erasure request");
		return;
	}
	seek_t k = { id, 0 };
	if (store_head(c, me, &hseq, oid32) != 0 ||
	    store_feed_each(c, me, 1, hseq, seek_id, &k) != 0) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot read this organization's feed");
		return;
	}
	if (k.seq == 0) {
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "that entry is not in %s's feed of this case: only the organization that wrote "
		    "an entry erases it", d->cfg.name);
		return;
	}
	if ((rc = store_entry_get(c, me, k.seq, &held, &hl)) != 0 ||
	    (rc = ch_entry_form(held, hl, &env, &body, &bl, &form, &proof)) != 0) {
		free(held);
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot read that entry: %s",
		    WHY_REASON(store_strerror(rc)));
		return;
	}
	if (form == CH_FORM_ERASED) {
		free(held);
		cahierd_reply_err(rep, CH_ST_BADREQ, "that entry was erased already");
		return;
	}
	if (body && env.audience != CH_AUD_MEMBERSHIP &&
	    store_key_get(c, env.epoch, env.audience, key) == 0) {
		if (ch_body_open(&env, body, bl, key, &plain, &pll) == 0) {
			if (ch_plain_decode(plain, pll, &tp) == 0)
				kind = tp.kind;
			sodium_memzero(plain, pll);
			free(plain);
		}
		sodium_memzero(key, sizeof(key));
	}
	free(held);
	if (kind < 0 || !ch_kind_is_care((uint8_t)kind)) {
		cahierd_reply_err(rep, CH_ST_BADREQ,
		    "only care content is erased (a note, a task, ...): the membership, access "
		    "records, revocations and erasures of a case stay");
		return;
	}
	er.seq = k.seq;
	memcpy(er.id, id, 32);
	memcpy(er.by, pv->cert.provider, 32);
	keyring_erasure_sign(d->kr, store_case_id(c), id, er.proof);
	uint32_t e = state_epoch(c);
	if ((rc = ch_erase_encode(&er, &fields, &fl)) != 0 ||
	    (rc = feed_org_plain(store_case_id(c), CH_KIND_ERASE, CH_AUD_NETWORK, fields, fl,
	    &pl, &pln)) != 0 || (rc = store_key_get(c, e, CH_AUD_NETWORK, key)) != 0) {
		free(fields);
		free(pl);
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot write the erasure: %s",
		    WHY_REASON(store_strerror(rc)));
		return;
	}
	rc = feed_append(d->in, c, e, CH_AUD_NETWORK, NULL, 0, key, pl, pln, &entry, &entrylen,
	    eid);
	sodium_memzero(key, sizeof(key));
	free(fields);
	free(pl);
	if (rc) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "erasure refused: %s (see the daemon's log)",
		    WHY_REASON(derr_str(rc)));
		return;
	}
	log_info("erased the body of entry %llu of this organization's feed, at the request of %s",
	    (unsigned long long)k.seq, pv->cert.name);
	post_ok(d, c, entry, entrylen, eid, rep);
}

/* The check of a post's provider signature, to run before the post is
 * handled: 1 and *job set when body is a POST whose plain body carries
 * pv's certificate, 0 otherwise (post_handle then refuses it). job points
 * into body, case_id and provider, which it fills. */
static int
post_precheck(const provider_t *pv, const uint8_t *body, size_t bodylen, sigjob_t *job,
    uint8_t case_id[16], uint8_t provider[32])
{
	ch_postreq_t rq;
	ch_plain_t p;

	if (ch_postreq_decode(body, bodylen, &rq) != 0 ||
	    ch_plain_decode(rq.plain.p, rq.plain.n, &p) != 0 ||
	    p.certlen != pv->certlen || memcmp(p.cert, pv->certbuf, p.certlen) != 0)
		return 0;
	memcpy(case_id, rq.case_id, 16);
	memcpy(provider, pv->cert.provider, 32);
	memset(job, 0, sizeof(*job));
	job->kind = SIGJOB_PLAIN;
	job->plain = rq.plain.p;
	job->plainlen = rq.plain.n;
	job->case_id = case_id;
	job->audience = rq.audience;
	job->provider = provider;
	return 1;
}

/* 1 if job is the check of this very post's signature: the same plain
 * bytes (the same place in the same request), case, audience and key. */
static int
post_job_is(const sigjob_t *job, const ch_postreq_t *rq, const provider_t *pv)
{
	return job && job->kind == SIGJOB_PLAIN && job->plain == rq->plain.p &&
	    job->plainlen == rq->plain.n && memcmp(job->case_id, rq->case_id, 16) == 0 &&
	    job->audience == rq->audience && memcmp(job->provider, pv->cert.provider, 32) == 0;
}

void
post_handle(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    cahierd_reply_t *rep)
{
	post_handle_checked(d, pv, body, bodylen, NULL, rep);
}

void
post_handle_checked(cahierd_t *d, provider_t *pv, const uint8_t *body, size_t bodylen,
    const sigjob_t *pre, cahierd_reply_t *rep)
{
	ch_postreq_t rq;
	ch_plain_t p;
	scase_t *c = NULL;
	sigjob_t chk;
	int rc;

	if (ch_postreq_decode(body, bodylen, &rq) != 0 ||
	    ch_plain_decode(rq.plain.p, rq.plain.n, &p) != 0) {
		cahierd_reply_err(rep, CH_ST_BADREQ, "malformed post");
		return;
	}
	/* The provider's signature: checked by the round's pre-check (api.c,
	 * on all cores) when pre is that very check, here otherwise. Either
	 * way a post goes on only once it verified (chk.ok), and chk is what
	 * the rules are told was checked (feed_append_checked). */
	memset(&chk, 0, sizeof(chk));
	chk.kind = SIGJOB_PLAIN;
	chk.plain = rq.plain.p;
	chk.plainlen = rq.plain.n;
	chk.case_id = rq.case_id;
	chk.audience = rq.audience;
	chk.provider = pv->cert.provider;
	if (p.certlen == pv->certlen && memcmp(p.cert, pv->certbuf, p.certlen) == 0)
		chk.ok = post_job_is(pre, &rq, pv) ? pre->ok == 1 :
		    ch_plain_verify(rq.plain.p, rq.plain.n, rq.case_id, rq.audience,
		    pv->cert.provider) == 0;
	if (!chk.ok) {
		log_warn("refused a post by %s: not signed with the key of this connection's certificate",
		    pv->cert.name);
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "post not signed by the certified key of this connection");
		return;
	}
	/* A case closed here is read-only here; the others still write. */
	if (store_closed_get(d->store, rq.case_id, NULL, NULL) == 0) {
		char hex[9];
		sodium_bin2hex(hex, sizeof(hex), rq.case_id, 4);
		cahierd_reply_err(rep, CH_ST_DENIED,
		    "this case is closed at %s: it is kept and can be read, not written; "
		    "'cahier case reopen %s' reopens it", d->cfg.name, hex);
		return;
	}
	if (p.kind == CH_REQ_CASE_NEW) {
		if (ch_role_is_person(pv->cert.role)) {
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "your role (%s) does not open cases", pv->cert.role);
			return;
		}
		create_case(d, &rq, &p, rep);
		return;
	}
	if ((rc = store_case_get(d->store, rq.case_id, 0, &c)) == ST_ERR_NOTFOUND) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), rq.case_id, 16);
		cahierd_reply_err(rep, CH_ST_NOCASE,
		    "no such case %s at %s (is this organization a member of it?)", hex, d->cfg.name);
		return;
	} else if (rc) {
		cahierd_reply_err(rep, CH_ST_INTERNAL, "cannot open the case: %s",
		    WHY_REASON(store_strerror(rc)));
		return;
	}
	uint32_t out_at = 0;
	if (!state_is_member(c, keyring_org(d->kr)) || state_excluded(c, &out_at)) {
		char epoch[WHY_NUM_LEN];
		if (out_at)
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "%s was removed from this case at epoch %s: it keeps what it had, "
			    "and nothing it writes there counts", d->cfg.name, why_num(epoch, out_at));
		else
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "%s is not a member of this case (any more)", d->cfg.name);
		return;
	}
	if (p.kind >= CH_REQ_ADD_ORG && p.kind <= CH_REQ_HISTORY) {
		/* The people around the person never change membership, listed or
		 * not (every daemon refuses an epoch entry whose request one of
		 * them signed). */
		if (ch_role_is_person(pv->cert.role)) {
			log_warn("refused a membership request by %s (%s): people do not change membership",
			    pv->cert.name, pv->cert.role);
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "your role (%s) does not change the membership of a case", pv->cert.role);
			return;
		}
		change_membership(d, c, &rq, &p, rep);
		return;
	}
	if (p.kind == CH_REQ_ERASE) {
		if (ch_role_is_person(pv->cert.role)) {
			cahierd_reply_err(rep, CH_ST_DENIED,
			    "your role (%s) does not erase entries: ask a professional of %s",
			    pv->cert.role, d->cfg.name);
			return;
		}
		post_erase(d, pv, c, &rq, &p, rep);
		return;
	}
	if (!ch_kind_is_care(p.kind)) {
		char kind[WHY_NUM_LEN];
		cahierd_reply_err(rep, CH_ST_BADREQ, "providers cannot post entries of kind %s",
		    why_num(kind, p.kind));
		return;
	}
	post_care(d, pv, c, &rq, &p, &chk, rep);
}

/* The provider signatures of a round's posts, checked on all cores. */
struct post_batch {
	size_t n;
	sigjob_t *jobs;
	size_t *jobof;          /* per post: its job + 1, or 0 */
	uint8_t (*keys)[48];    /* per job: case id (16) | provider key (32) */
	sigcheck_t *sc;
};

post_batch_t *
post_batch_start(provider_t *const *pvs, const uint8_t *const *bodies, const size_t *lens,
    size_t n)
{
	post_batch_t *b = calloc(1, sizeof(*b));
	size_t nj = 0;

	if (!b)
		return NULL;
	b->n = n;
	b->jobs = calloc(n ? n : 1, sizeof(*b->jobs));
	b->jobof = calloc(n ? n : 1, sizeof(*b->jobof));
	b->keys = calloc(n ? n : 1, sizeof(*b->keys));
	if (!b->jobs || !b->jobof || !b->keys) {
		post_batch_end(&b);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (pvs[i] && post_precheck(pvs[i], bodies[i], lens[i], &b->jobs[nj],
		    b->keys[nj], b->keys[nj] + 16))
			b->jobof[i] = ++nj;
	b->sc = sigcheck_start(b->jobs, nj);
	return b;
}

void
post_batch_handle(cahierd_t *d, post_batch_t *b, size_t i, provider_t *pv,
    const uint8_t *body, size_t bodylen, cahierd_reply_t *rep)
{
	const sigjob_t *job = NULL;

	if (b && i < b->n && b->jobof[i]) {
		sigcheck_wait(b->sc, b->jobof[i] - 1);
		job = &b->jobs[b->jobof[i] - 1];
	}
	post_handle_checked(d, pv, body, bodylen, job, rep);
}

void
post_batch_end(post_batch_t **bp)
{
	post_batch_t *b = *bp;
	if (!b)
		return;
	sigcheck_finish(&b->sc);
	free(b->jobs);
	free(b->jobof);
	free(b->keys);
	free(b);
	*bp = NULL;
}
