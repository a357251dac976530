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

/* People around the patient (their certificate says so) read and write
 * only while the current charter lists their key, and until its date.
 * Returns why not, or NULL. */
static const char *
person_refusal(const provider_t *pv, const ch_charter_t *ch)
{
	static const char *const people_roles[] = { "patient", "trusted-person",
		"representative", "informal-carer", "contact-point", "deputy-contact-point" };
	int person = 0;
	for (size_t i = 0; i < sizeof(people_roles) / sizeof(people_roles[0]); i++)
		if (strcmp(pv->cert.role, people_roles[i]) == 0)
			person = 1;
	if (!person)
		return NULL;
	const char *refusal = "you are not listed among the people of this case";
	for (size_t j = 0; ch && j < ch->npeople; j++) {
		const ch_person_t *ps = &ch->people[j];
		if (memcmp(ps->provider, pv->cert.provider, 32) != 0)
			continue;
		if (ps->valid_until && (uint64_t)now_ms() / 1000 > ps->valid_until)
			refusal = "your access to this case has ended";
		else
			return NULL;
	}
	return refusal;
}

static const char *const aud_names[] = { "?", "network", "care", "medical",
	"social", "coordination", "membership" };

/* A charter built from another one: its arrays are our own, their contents
 * are borrowed from the old charter (or from the request). */
typedef struct {
	ch_charter_t ch;
	ch_corg_t *orgs;
	ch_person_t *people;
	ch_removed_t *removed;
} newch_t;

static int
newch_init(newch_t *n, const ch_charter_t *old, size_t extra)
{
	memset(n, 0, sizeof(*n));
	n->ch = *old;
	n->orgs = calloc(old->norgs + extra + 1, sizeof(*n->orgs));
	n->people = calloc(old->npeople + extra + 1, sizeof(*n->people));
	n->removed = calloc(old->nremoved + extra + 1, sizeof(*n->removed));
	if (!n->orgs || !n->people || !n->removed)
		return CH_ERR_NOMEM;
	if (old->norgs)
		memcpy(n->orgs, old->orgs, old->norgs * sizeof(*n->orgs));
	if (old->npeople)
		memcpy(n->people, old->people, old->npeople * sizeof(*n->people));
	if (old->nremoved)
		memcpy(n->removed, old->removed, old->nremoved * sizeof(*n->removed));
	n->ch.orgs = n->orgs;
	n->ch.people = n->people;
	n->ch.removed = n->removed;
	return 0;
}

static void
newch_free(newch_t *n)
{
	free(n->orgs);
	free(n->people);
	free(n->removed);
}

static void
post_ok(cahierd_t *d, zsock_t *sock, zframe_t *route, scase_t *c,
    uint8_t *entry, size_t entrylen, const uint8_t id[32])
{
	ch_postrep_t rep;
	ch_env_t env;
	const uint8_t *b;
	size_t bl, outlen = 0;
	uint8_t *out = NULL;

	memcpy(rep.case_id, store_case_id(c), 16);
	memcpy(rep.id, id, 32);
	rep.seq = ch_entry_split(entry, entrylen, &env, &b, &bl) == 0 ? env.seq : 0;
	push_after_commit(d, c, entry, entrylen);
	free(entry);
	if (ch_postrep_encode(&rep, &out, &outlen) != 0) {
		reply_err(d, sock, route, CH_CQ_POST, CH_ST_INTERNAL, "internal error");
		return;
	}
	reply(d, sock, route, CH_CQ_POST, CH_ST_OK, out, outlen);
	free(out);
}

/* A membership request by a provider of the coordinator: the new charter,
 * then a new epoch. */
static void
do_membership(cahierd_t *d, zsock_t *sock, zframe_t *route, scase_t *c,
    const ch_postreq_t *rq, const ch_plain_t *p)
{
	const uint8_t T = CH_CQ_POST;
	uint8_t coord[32], *buf = NULL, *entry = NULL, id[32], org[32];
	size_t entrylen = 0;
	ch_epoch_t cur, ep;
	newch_t n;
	ch_member_t m;
	ch_personreq_t pr;
	keys_card_t card;
	int rc, have_m = 0, have_pr = 0, have_card = 0;
	char msg[300] = "";

	if (nb_coordinator(c, coord) != 0 || memcmp(coord, d->keys->sign_pk, 32) != 0) {
		char name[256];
		if (nb_coordinator(c, coord) == 0)
			nb_org_name(d, c, coord, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "unknown");
		reply_err(d, sock, route, T, CH_ST_DENIED,
		    "only the coordinator of the case (%s) changes its membership", name);
		return;
	}
	if (rq->audience != CH_AUD_NETWORK) {
		reply_err(d, sock, route, T, CH_ST_BADREQ, "membership requests go to the network audience");
		return;
	}
	if (p->kind == CH_REQ_HISTORY) {
		if (ch_orgref_decode(p->fields, p->fieldslen, org) != 0 || !nb_is_member(c, org)) {
			reply_err(d, sock, route, T, CH_ST_BADREQ, "history goes to a member of the case");
			return;
		}
		if ((rc = nb_grant_history(d, c, org, rq->plain.p, rq->plain.n, &entry,
		    &entrylen, id)) != 0) {
			reply_err(d, sock, route, T, CH_ST_INTERNAL, "cannot grant history: %s",
			    ch_strerror(rc));
			return;
		}
		post_ok(d, sock, route, c, entry, entrylen, id);
		return;
	}
	if ((rc = nb_charter_full(d, c, &buf, &cur)) != 0) {
		reply_err(d, sock, route, T, CH_ST_INTERNAL, "cannot read the case charter: %s",
		    store_strerror(rc));
		return;
	}
	if (newch_init(&n, &cur.charter, 1) != 0) {
		rc = CH_ERR_NOMEM;
		goto fail;
	}
	memset(&ep, 0, sizeof(ep));
	ep.request = rq->plain.p;
	ep.requestlen = rq->plain.n;
	switch (p->kind) {
	case CH_REQ_ADD_ORG:
		ep.why = CH_WHY_ADD;
		if (ch_member_decode(p->fields, p->fieldslen, &m) != 0) {
			snprintf(msg, sizeof(msg), "malformed member addition");
			goto bad;
		}
		have_m = 1;
		if (keys_card_parse(m.card, m.cardlen, &card) != 0) {
			snprintf(msg, sizeof(msg), "the member's card does not verify");
			goto bad;
		}
		have_card = 1;
		if (ch_charter_find_org(&n.ch, card.org_id) >= 0) {
			snprintf(msg, sizeof(msg), "%s is a member already", card.name);
			goto bad;
		}
		for (size_t i = 0; i < n.ch.nremoved; i++)
			if (memcmp(n.ch.removed[i].org, card.org_id, 32) == 0) {
				snprintf(msg, sizeof(msg), "%s was removed from this case; removals are final",
				    card.name);
				goto bad;
			}
		memcpy(ep.subject, card.org_id, 32);
		memcpy(n.orgs[n.ch.norgs].org, card.org_id, 32);
		n.orgs[n.ch.norgs].card = m.card;
		n.orgs[n.ch.norgs].cardlen = m.cardlen;
		n.orgs[n.ch.norgs].role = m.role;
		n.ch.norgs++;
		break;
	case CH_REQ_REMOVE_ORG:
	case CH_REQ_HANDOVER: {
		ep.why = p->kind == CH_REQ_REMOVE_ORG ? CH_WHY_REMOVE : CH_WHY_HANDOVER;
		if (ch_orgref_decode(p->fields, p->fieldslen, org) != 0) {
			snprintf(msg, sizeof(msg), "malformed request");
			goto bad;
		}
		int i = ch_charter_find_org(&n.ch, org);
		if (i < 0) {
			snprintf(msg, sizeof(msg), "that organization is not a member of the case");
			goto bad;
		}
		if (memcmp(org, d->keys->sign_pk, 32) == 0) {
			snprintf(msg, sizeof(msg), "%s", ep.why == CH_WHY_REMOVE ?
			    "the coordinator cannot remove itself: hand coordination over first" :
			    "this organization coordinates the case already");
			goto bad;
		}
		memcpy(ep.subject, org, 32);
		if (ep.why == CH_WHY_HANDOVER) {
			memcpy(n.ch.coordinator, org, 32);
			break;
		}
		uint8_t hid[32];
		uint64_t last = 0;
		if (store_head(c, org, &last, hid) != 0)
			last = 0;
		n.orgs[i] = n.orgs[--n.ch.norgs];
		memcpy(n.removed[n.ch.nremoved].org, org, 32);
		n.removed[n.ch.nremoved].last_seq = last;
		n.ch.nremoved++;
		break;
	}
	case CH_REQ_ROTATE:
		ep.why = CH_WHY_ROTATE;
		break;
	case CH_REQ_PERSON: {
		ep.why = CH_WHY_PEOPLE;
		if (ch_personreq_decode(p->fields, p->fieldslen, &pr) != 0) {
			snprintf(msg, sizeof(msg), "malformed person record");
			goto bad;
		}
		have_pr = 1;
		size_t j = 0;
		int found = 0;
		for (size_t i = 0; i < n.ch.npeople; i++) {
			int same = strcmp(n.people[i].role, pr.person.role) == 0 &&
			    strcmp(n.people[i].name, pr.person.name) == 0;
			if (same) {
				found = 1;
				if (pr.op == CH_PERSON_REMOVE)
					continue;
				n.people[j++] = pr.person;
				continue;
			}
			n.people[j++] = n.people[i];
		}
		if (!found && pr.op == CH_PERSON_REMOVE) {
			snprintf(msg, sizeof(msg), "no %s of that name in this case", pr.person.role);
			goto bad;
		}
		if (!found)
			n.people[j++] = pr.person;
		n.ch.npeople = j;
		break;
	}
	default:
		snprintf(msg, sizeof(msg), "providers cannot post requests of kind %u", p->kind);
		goto bad;
	}
	ep.charter = n.ch;
	rc = nb_new_epoch(d, c, &ep, &entry, &entrylen, id);
	if (rc) {
		snprintf(msg, sizeof(msg), "the new epoch was refused: %s", ch_strerror(rc));
		goto bad;
	}
	post_ok(d, sock, route, c, entry, entrylen, id);
	goto done;
bad:
	reply_err(d, sock, route, T, CH_ST_BADREQ, "%s", msg);
done:
	if (have_card)
		keys_card_clear(&card);
	if (have_m)
		ch_member_clear(&m);
	if (have_pr)
		ch_personreq_clear(&pr);
	newch_free(&n);
	ch_epoch_clear(&cur);
	free(buf);
	return;
fail:
	newch_free(&n);
	ch_epoch_clear(&cur);
	free(buf);
	reply_err(d, sock, route, T, CH_ST_INTERNAL, "internal error: %s", ch_strerror(rc));
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

static void
do_create(cahierd_t *d, zsock_t *sock, zframe_t *route, const ch_postreq_t *rq,
    const ch_plain_t *p)
{
	const uint8_t T = CH_CQ_POST;
	ch_create_t cr;
	ch_epoch_t ep;
	ch_corg_t me;
	scase_t *c = NULL;
	uint8_t id[16], eid[32], *entry = NULL;
	size_t entrylen = 0;
	int rc;

	if (rq->audience != CH_AUD_NETWORK || ch_create_decode(p->fields, p->fieldslen, &cr) != 0) {
		reply_err(d, sock, route, T, CH_ST_BADREQ, "malformed case creation");
		return;
	}
	ch_case_id(d->keys->sign_pk, cr.salt, id);
	if (memcmp(id, rq->case_id, 16) != 0) {
		ch_create_clear(&cr);
		reply_err(d, sock, route, T, CH_ST_BADREQ,
		    "case id is not derived from this organization's key");
		return;
	}
	if (store_case_exists(d->store, id)) {
		ch_create_clear(&cr);
		reply_err(d, sock, route, T, CH_ST_BADREQ, "case exists already");
		return;
	}
	memset(&ep, 0, sizeof(ep));
	ep.why = CH_WHY_CREATE;
	memcpy(ep.salt, cr.salt, 16);
	ep.request = rq->plain.p;
	ep.requestlen = rq->plain.n;
	ep.charter.name = cr.name;
	memcpy(ep.charter.coordinator, d->keys->sign_pk, 32);
	memcpy(me.org, d->keys->sign_pk, 32);
	me.card = d->card;
	me.cardlen = d->cardlen;
	me.role = (char *)(uintptr_t)"coordination";
	ep.charter.orgs = &me;
	ep.charter.norgs = 1;
	rc = ch_charter_default_audiences(&ep.charter);
	if (rc == 0)
		rc = store_case_get(d->store, id, 1, &c);
	if (rc == 0)
		rc = nb_new_epoch(d, c, &ep, &entry, &entrylen, eid);
	free_audiences(&ep.charter);
	ch_create_clear(&cr);
	if (rc) {
		reply_err(d, sock, route, T, CH_ST_INTERNAL, "cannot open the case: %s",
		    store_strerror(rc));
		return;
	}
	post_ok(d, sock, route, c, entry, entrylen, eid);
}

static void
do_post(cahierd_t *d, zsock_t *sock, zframe_t *route, provider_t *pv,
    const uint8_t *body, size_t bodylen)
{
	ch_postreq_t rq;
	ch_plain_t p;
	scase_t *c = NULL;
	uint8_t key[32], *entry = NULL, id[32];
	size_t entrylen = 0;
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
	if (p.kind == CH_REQ_CASE_NEW) {
		do_create(d, sock, route, &rq, &p);
		return;
	}
	if ((rc = store_case_get(d->store, rq.case_id, 0, &c)) == ST_ERR_NOTFOUND) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), rq.case_id, 16);
		reply_err(d, sock, route, T, CH_ST_NOCASE,
		    "no such case %s at %s (is this organization a member of it?)", hex, d->cfg.name);
		return;
	} else if (rc) {
		reply_err(d, sock, route, T, CH_ST_INTERNAL, "cannot open the case: %s",
		    store_strerror(rc));
		return;
	}
	uint32_t out_at = 0;
	if (!nb_is_member(c, d->keys->sign_pk) || nb_excluded(c, &out_at)) {
		if (out_at)
			reply_err(d, sock, route, T, CH_ST_DENIED,
			    "%s was removed from this case at epoch %u: it keeps what it had, "
			    "and nothing it writes there counts", d->cfg.name, out_at);
		else
			reply_err(d, sock, route, T, CH_ST_DENIED,
			    "%s is not a member of this case (any more)", d->cfg.name);
		return;
	}
	if (p.kind >= CH_REQ_ADD_ORG && p.kind <= CH_REQ_HISTORY) {
		do_membership(d, sock, route, c, &rq, &p);
		return;
	}
	if (p.kind != CH_KIND_NOTE) {
		reply_err(d, sock, route, T, CH_ST_BADREQ, "providers cannot post entries of kind %u", p.kind);
		return;
	}
	nb_rec_t r;
	if (nb_rec_current(c, &r) != 0) {
		reply_err(d, sock, route, T, CH_ST_INTERNAL, "cannot read the case charter");
		return;
	}
	int in = ch_charter_role_in(&r.ch, pv->cert.role, rq.audience);
	const char *refusal = person_refusal(pv, &r.ch);
	nb_rec_free(&r);
	if (refusal) {
		reply_err(d, sock, route, T, CH_ST_DENIED, "%s", refusal);
		return;
	}
	if (!in) {
		reply_err(d, sock, route, T, CH_ST_DENIED,
		    "your role (%s) is not in the %s audience of this case", pv->cert.role,
		    aud_names[rq.audience]);
		return;
	}
	uint32_t e = nb_epoch(c);
	if (store_key_get(c, e, rq.audience, key) != 0) {
		reply_err(d, sock, route, T, CH_ST_DENIED,
		    "%s holds no key for the %s audience of this case", d->cfg.name,
		    aud_names[rq.audience]);
		return;
	}
	rc = nb_append(d, c, e, rq.audience, NULL, 0, key, rq.plain.p, rq.plain.n,
	    &entry, &entrylen, id);
	sodium_memzero(key, sizeof(key));
	if (rc) {
		reply_err(d, sock, route, T, CH_ST_BADREQ, "entry refused: %s (see the daemon's log)",
		    ch_strerror(rc));
		return;
	}
	post_ok(d, sock, route, c, entry, entrylen, id);
}

/* Reading: collect every entry of the case, decrypted where we hold the key. */
typedef struct {
	cahierd_t *d;
	scase_t *c;
	uint8_t kind;
	const char *role;        /* the reader's role: which audiences it sees */
	nb_rec_t *cur;           /* the current charter: the audience map */
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
	/* The daemon holds keys for its organization; each provider sees only
	 * the audiences its role is in (epoch entries: everyone). */
	int sees = env.audience == CH_AUD_MEMBERSHIP || !r->cur ||
	    ch_charter_role_in(&r->cur->ch, r->role, env.audience);
	const uint8_t *key = body && sees ? read_key(r, env.epoch, env.audience) : NULL;
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
		rc = nb_append(d, c, nb_epoch(c), CH_AUD_NETWORK, NULL, 0, key, plain, pl,
		    &entry, &el, id);
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
	nb_rec_t cur;
	int have_cur = nb_rec_current(c, &cur) == 0;
	{
		const char *refusal = person_refusal(pv, have_cur ? &cur.ch : NULL);
		if (refusal) {
			if (have_cur)
				nb_rec_free(&cur);
			log_warn("refused a read by %s (%s): %s", pv->cert.name, pv->cert.role, refusal);
			if (record_access(d, c, pv, body, bodylen, &rq, CH_OUT_REFUSED, NULL, 0,
			    access_id) != 0)
				log_err("could not record a refused read");
			reply_err(d, sock, route, T, CH_ST_DENIED, "%s", refusal);
			return;
		}
	}
	memset(&r, 0, sizeof(r));
	r.d = d;
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
	if (have_cur)
		nb_rec_free(&cur);
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
	if (have_cur)
		nb_rec_free(&cur);
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
		if (store_case_get(d->store, ids[i], 0, &c) != 0)
			continue;
		memcpy(v[k].case_id, ids[i], 16);
		if (nb_coordinator(c, v[k].coordinator) != 0)
			continue; /* not joined yet */
		if (nb_members(c, &m, &nm) == 0)
			free(m);
		if (store_fork_count(c, &nf) != 0)
			nf = 0;
		v[k].members = (uint16_t)nm;
		v[k].entries = nb_entries(c);
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
