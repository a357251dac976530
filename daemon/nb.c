/* nb.c - the notebook rules: what makes an entry acceptable, for entries
 * received from peers and for our own (which go through the same checks),
 * and the membership that follows from the coordinator's epoch entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/cbuf.h"
#include "daemon.h"
#include "log.h"

#define FUTURE_SLACK_MS (10 * 60 * 1000)
#define NAUD 6

static void
short_id(const uint8_t *p, char out[17])
{
	keys_keyid(p, out);
}

static void
be32(uint8_t p[4], uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
pending_put(cahierd_t *d, const uint8_t case_id[16], uint32_t epoch,
    const uint8_t key[32])
{
	size_t free_slot = NB_PENDING;
	if (!d->pending) {
		if (!(d->pending = sodium_allocarray(NB_PENDING, sizeof(*d->pending))))
			return;
		sodium_memzero(d->pending, NB_PENDING * sizeof(*d->pending));
	}
	for (size_t i = 0; i < NB_PENDING; i++) {
		struct nb_pending *p = &d->pending[i];
		if (p->used == 1 && memcmp(p->case_id, case_id, 16) == 0 && p->epoch == epoch) {
			memcpy(p->key, key, 32); /* the latest welcome wins, until checked */
			return;
		}
		if (p->used != 1 && free_slot == NB_PENDING)
			free_slot = i;
	}
	if (free_slot == NB_PENDING)
		return;
	memcpy(d->pending[free_slot].case_id, case_id, 16);
	d->pending[free_slot].epoch = epoch;
	memcpy(d->pending[free_slot].key, key, 32);
	d->pending[free_slot].used = 1;
}

static int
pending_get(cahierd_t *d, const uint8_t case_id[16], uint32_t epoch, uint8_t key[32])
{
	for (size_t i = 0; d->pending && i < NB_PENDING; i++) {
		struct nb_pending *p = &d->pending[i];
		if (p->used == 1 && memcmp(p->case_id, case_id, 16) == 0 && p->epoch == epoch) {
			memcpy(key, p->key, 32);
			return 0;
		}
	}
	return -1;
}

void
nb_free(cahierd_t *d)
{
	if (d->pending)
		sodium_free(d->pending); /* wipes */
	d->pending = NULL;
}

int
nb_coordinator(scase_t *c, uint8_t org[32])
{
	uint8_t *v = NULL;
	size_t n = 0;
	int rc = store_case_rec_get(c, "meta", (const uint8_t *)"coord", 5, &v, &n);
	if (rc)
		return rc;
	if (n != 32)
		rc = ST_ERR_DB;
	else
		memcpy(org, v, 32);
	free(v);
	return rc;
}

uint32_t
nb_epoch(scase_t *c)
{
	uint8_t *v = NULL;
	size_t n = 0;
	uint32_t e = 0;
	if (store_case_rec_get(c, "meta", (const uint8_t *)"epoch", 5, &v, &n) == 0 && n == 4)
		e = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	free(v);
	return e;
}

/* The derived record of an epoch (table "epochs", key = epoch u32):
 * start_ms u64 | org 32 | seq u64 (the epoch entry) | entries u64 (in the
 * case when the epoch started) | the charter with the
 * case name and people's names replaced by "-": names stay in encrypted
 * entries only. */
void
nb_rec_free(nb_rec_t *r)
{
	if (r->ok)
		ch_charter_clear(&r->ch);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

int
nb_rec_get(scase_t *c, uint32_t epoch, nb_rec_t *r)
{
	uint8_t k[4];
	crd_t rd;
	int rc;

	memset(r, 0, sizeof(*r));
	be32(k, epoch);
	if ((rc = store_case_rec_get(c, "epochs", k, 4, &r->buf, &r->len)) != 0)
		return rc;
	crd_init(&rd, r->buf, r->len);
	r->start_ms = crd_u64(&rd);
	crd_copy(&rd, r->org, 32);
	r->seq = crd_u64(&rd);
	r->entries_at_start = crd_u64(&rd);
	if (rd.err || ch_charter_decode(r->buf + rd.off, r->len - rd.off, &r->ch) != 0) {
		nb_rec_free(r);
		return ST_ERR_DB;
	}
	r->ok = 1;
	r->epoch = epoch;
	return 0;
}

int
nb_rec_current(scase_t *c, nb_rec_t *r)
{
	return nb_rec_get(c, nb_epoch(c), r);
}

static int
sum_heads(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	(void)org; (void)id;
	*(uint64_t *)arg += seq;
	return 0;
}

uint64_t
nb_entries(scase_t *c)
{
	uint64_t total = 0;
	(void)store_heads_each(c, sum_heads, &total);
	return total;
}

static int
rec_put(scase_t *c, uint32_t epoch, uint64_t start_ms, const uint8_t org[32],
    uint64_t seq, const ch_charter_t *ch)
{
	ch_charter_t s = *ch;
	ch_person_t *people = NULL;
	uint8_t *cb = NULL, *v, k[4];
	size_t cl = 0, n;
	cwr_t w;
	int rc;

	static char dash[] = "-";
	s.name = dash;
	if (s.npeople) {
		if (!(people = calloc(s.npeople, sizeof(*people))))
			return CH_ERR_NOMEM;
		for (size_t i = 0; i < s.npeople; i++) {
			people[i] = ch->people[i];
			people[i].name = dash;
		}
		s.people = people;
	}
	rc = ch_charter_encode(&s, &cb, &cl);
	free(people);
	if (rc)
		return rc;
	uint64_t total = nb_entries(c);
	cwr_init(&w, cl + 64);
	cwr_u64(&w, start_ms);
	cwr_put(&w, org, 32);
	cwr_u64(&w, seq);
	cwr_u64(&w, total);
	cwr_put(&w, cb, cl);
	free(cb);
	if (!(v = cwr_take(&w, &n)))
		return CH_ERR_NOMEM;
	be32(k, epoch);
	rc = store_case_rec_put(c, "epochs", k, 4, v, n);
	free(v);
	return rc;
}

int
nb_excluded(scase_t *c, uint32_t *epoch)
{
	uint8_t *v = NULL;
	size_t n = 0;
	int rc = store_case_rec_get(c, "meta", (const uint8_t *)"excluded", 8, &v, &n);
	if (rc == 0 && n == 4 && epoch)
		*epoch = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	free(v);
	return rc == 0;
}

int
nb_is_member(scase_t *c, const uint8_t org[32])
{
	nb_rec_t r;
	if (nb_rec_current(c, &r) != 0)
		return 0;
	int in = ch_charter_find_org(&r.ch, org) >= 0;
	nb_rec_free(&r);
	return in;
}

int
nb_members(scase_t *c, uint8_t (**orgs)[32], size_t *n)
{
	nb_rec_t r;
	int rc = nb_rec_current(c, &r);

	*orgs = NULL;
	*n = 0;
	if (rc == ST_ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (r.ch.norgs && !(*orgs = malloc(r.ch.norgs * 32))) {
		nb_rec_free(&r);
		return CH_ERR_NOMEM;
	}
	for (size_t i = 0; i < r.ch.norgs; i++)
		memcpy((*orgs)[i], r.ch.orgs[i].org, 32);
	*n = r.ch.norgs;
	nb_rec_free(&r);
	return 0;
}

int
nb_org_in_audience(const ch_charter_t *ch, const uint8_t org[32], uint8_t audience)
{
	int i = ch_charter_find_org(ch, org);
	if (i < 0)
		return 0;
	/* The coordinator holds every key: it must re-key the case and grant
	 * history. Its daemon still shows each audience only to the providers
	 * whose role belongs to it. */
	if (memcmp(org, ch->coordinator, 32) == 0 || audience == CH_AUD_MEMBERSHIP)
		return 1;
	return ch_charter_role_in(ch, ch->orgs[i].role, audience);
}

void
nb_org_name(cahierd_t *d, scase_t *c, const uint8_t org[32], char *out, size_t n)
{
	if (memcmp(org, d->keys->sign_pk, 32) == 0) {
		snprintf(out, n, "%s", d->cfg.name);
		return;
	}
	peer_t *p = sync_peer_by_org(d, org);
	if (p) {
		snprintf(out, n, "%s", p->card.name);
		return;
	}
	nb_rec_t r;
	if (c && nb_rec_current(c, &r) == 0) {
		int i = ch_charter_find_org(&r.ch, org);
		keys_card_t card;
		if (i >= 0 && keys_card_parse(r.ch.orgs[i].card, r.ch.orgs[i].cardlen, &card) == 0) {
			snprintf(out, n, "%s", card.name);
			keys_card_clear(&card);
			nb_rec_free(&r);
			return;
		}
		nb_rec_free(&r);
	}
	char id[17];
	short_id(org, id);
	snprintf(out, n, "org %s", id);
}

/* Checks a provider certificate: the org's signature (once per distinct
 * certificate: the same bytes come back in every entry its holder writes),
 * that it belongs to org, and that it was valid at time_ms. Writes the
 * provider's key and role (role points into the memo; valid until the next
 * call). */
static int
cert_check(cahierd_t *d, const uint8_t *cert, size_t certlen,
    const uint8_t org[32], uint64_t time_ms, uint8_t provider[32],
    const char **role)
{
	uint8_t h[32];
	size_t i, n = sizeof(d->certmemo) / sizeof(d->certmemo[0]);

	crypto_generichash(h, sizeof(h), cert, certlen, NULL, 0);
	for (i = 0; i < n; i++)
		if (memcmp(d->certmemo[i].hash, h, 32) == 0)
			break;
	if (i == n) {
		keys_cert_t kc;
		int rc = keys_cert_parse(cert, certlen, &kc);
		if (rc)
			return rc;
		i = d->certmemo_next++ % n;
		memcpy(d->certmemo[i].hash, h, 32);
		memcpy(d->certmemo[i].provider, kc.provider, 32);
		memcpy(d->certmemo[i].org, kc.org_id, 32);
		snprintf(d->certmemo[i].role, sizeof(d->certmemo[i].role), "%s", kc.role);
		d->certmemo[i].from = kc.valid_from;
		d->certmemo[i].until = kc.valid_until;
		keys_cert_clear(&kc);
	}
	if (memcmp(d->certmemo[i].org, org, 32) != 0)
		return CH_ERR_VALUE;
	if (time_ms / 1000 < d->certmemo[i].from || time_ms / 1000 > d->certmemo[i].until)
		return CH_ERR_EXPIRED;
	memcpy(provider, d->certmemo[i].provider, 32);
	if (role)
		*role = d->certmemo[i].role;
	return 0;
}

/* Seq of the REVOKE entry of provider in org's feed, or 0. */
static uint64_t
revoked_at(scase_t *c, const uint8_t org[32], const uint8_t provider[32])
{
	uint8_t k[64], *v = NULL;
	size_t n = 0;
	uint64_t seq = 0;
	memcpy(k, org, 32);
	memcpy(k + 32, provider, 32);
	if (store_case_rec_get(c, "revoked", k, 64, &v, &n) == 0 && n == 8)
		for (int i = 0; i < 8; i++)
			seq = (seq << 8) | v[i];
	free(v);
	return seq;
}

/* A provider's signed request embedded in an epoch or history entry: it
 * must be a plain body of kind want, by a provider certified by org (the
 * coordinator), valid at time_ms, signed for this case. */
static int
check_request(cahierd_t *d, const ch_env_t *env, const uint8_t *req, size_t reqlen,
    uint8_t want, ch_plain_t *out)
{
	ch_plain_t p;
	uint8_t provider[32];
	int rc;

	if ((rc = ch_plain_decode(req, reqlen, &p)) != 0)
		return rc;
	if (p.kind != want)
		return CH_ERR_VALUE;
	if ((rc = cert_check(d, p.cert, p.certlen, env->org, env->time_ms, provider, NULL)) != 0)
		return rc;
	if ((rc = ch_plain_verify(req, reqlen, env->case_id, CH_AUD_NETWORK, provider)) != 0)
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

static const uint8_t want_req[] = {
	[CH_WHY_CREATE] = CH_REQ_CASE_NEW, [CH_WHY_ADD] = CH_REQ_ADD_ORG,
	[CH_WHY_REMOVE] = CH_REQ_REMOVE_ORG, [CH_WHY_ROTATE] = CH_REQ_ROTATE,
	[CH_WHY_HANDOVER] = CH_REQ_HANDOVER, [CH_WHY_PEOPLE] = CH_REQ_PERSON,
};

/* Opened key slots of one entry, kept in memory until the entry is
 * accepted (a rejected entry leaves no key behind). */
typedef struct {
	size_t n;
	ch_slot_t *all;         /* every slot of the entry (clear part) */
	size_t nall;
	struct { uint32_t epoch; uint8_t audience; uint8_t key[32]; } k[CH_SLOTS_MAX];
} opened_t;

static void
opened_free(opened_t *o)
{
	sodium_memzero(o->k, sizeof(o->k[0]) * o->n);
	free(o->all);
	o->all = NULL;
	o->n = o->nall = 0;
}

static const uint8_t *
opened_key(const opened_t *o, uint32_t epoch, uint8_t audience)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->k[i].epoch == epoch && o->k[i].audience == audience)
			return o->k[i].key;
	return NULL;
}

static int
open_slots(cahierd_t *d, const uint8_t *body, size_t bodylen, opened_t *o)
{
	int rc = ch_body_slots(body, bodylen, &o->all, &o->nall);
	if (rc)
		return rc;
	for (size_t i = 0; i < o->nall; i++) {
		if (memcmp(o->all[i].org, d->keys->sign_pk, 32) != 0)
			continue;
		if (crypto_box_seal_open(o->k[o->n].key, o->all[i].sealed, CH_SEALED_KEY_LEN,
		    d->keys->box_pk, d->keys->box_sk) != 0)
			return CH_ERR_DECRYPT; /* sealed to the wrong member */
		o->k[o->n].epoch = o->all[i].epoch;
		o->k[o->n].audience = o->all[i].audience;
		o->n++;
	}
	return 0;
}

/* The slots an entry of this kind may carry. */
static int
slots_ok(const ch_env_t *env, uint8_t kind, const ch_epoch_t *ep,
    const ch_history_t *hi, const opened_t *o)
{
	for (size_t i = 0; i < o->nall; i++) {
		const ch_slot_t *s = &o->all[i];
		if (kind == CH_KIND_CASE_CREATE || kind == CH_KIND_EPOCH) {
			int in = ch_charter_find_org(&ep->charter, s->org) >= 0;
			if (!in || s->epoch > env->epoch ||
			    !nb_org_in_audience(&ep->charter, s->org, s->audience))
				return 0;
			/* Older epochs: only the membership keys, only for the org
			 * that joins (its membership history, never content). */
			if (s->epoch < env->epoch && (ep->why != CH_WHY_ADD ||
			    s->audience != CH_AUD_MEMBERSHIP || memcmp(s->org, ep->subject, 32) != 0))
				return 0;
		} else if (kind == CH_KIND_HISTORY) {
			if (memcmp(s->org, hi->grantee, 32) != 0 || s->epoch >= env->epoch)
				return 0;
		} else
			return 0;
	}
	return 1;
}

/* The checks on a decrypted body, and its effects on the case (done only
 * when every check passed). Returns 0, NB_NOTYET, or NB_REJECT after logging
 * why. */
static int
check_plain(cahierd_t *d, scase_t *c, const ch_env_t *env, const uint8_t *plain,
    size_t plainlen, const char *from, int has_coord, const uint8_t coord[32],
    const opened_t *o)
{
	ch_plain_t p;
	uint8_t provider[32];
	const char *role = NULL;
	char oid[17];
	const char *why = NULL;
	int rc;

	short_id(env->org, oid);
	if ((rc = ch_plain_decode(plain, plainlen, &p)) != 0) {
		why = ch_strerror(rc);
		goto reject;
	}
	if (!has_coord && p.kind != CH_KIND_CASE_CREATE)
		return NB_NOTYET;
	if (o->nall && p.kind != CH_KIND_CASE_CREATE && p.kind != CH_KIND_EPOCH &&
	    p.kind != CH_KIND_HISTORY) {
		why = "key slots in an entry that may not carry any";
		goto reject;
	}
	if ((env->audience == CH_AUD_MEMBERSHIP) !=
	    (p.kind == CH_KIND_CASE_CREATE || p.kind == CH_KIND_EPOCH)) {
		why = "membership key used for another kind, or the other way round";
		goto reject;
	}

	switch (p.kind) {
	case CH_KIND_CASE_CREATE:
	case CH_KIND_EPOCH: {
		ch_epoch_t ep;
		nb_rec_t cur;
		uint8_t id[16];
		int is_create = p.kind == CH_KIND_CASE_CREATE;
		if (p.certlen != 0 || sodium_is_zero(p.sig, 64) != 1 ||
		    ch_epoch_decode(p.fields, p.fieldslen, &ep) != 0 || ep.why > CH_WHY_PEOPLE) {
			why = "malformed membership entry";
			goto reject;
		}
		memset(&cur, 0, sizeof(cur));
		if (is_create) {
			ch_case_id(env->org, ep.salt, id);
			if (ep.why != CH_WHY_CREATE || env->seq != 1 || env->epoch != 0 ||
			    memcmp(id, env->case_id, 16) != 0 || has_coord ||
			    memcmp(ep.charter.coordinator, env->org, 32) != 0) {
				ch_epoch_clear(&ep);
				why = "case creation not bound to its organization";
				goto reject;
			}
		} else {
			if (!has_coord || memcmp(env->org, coord, 32) != 0) {
				ch_epoch_clear(&ep);
				why = "only the coordinator changes membership";
				goto reject;
			}
			if (env->epoch != nb_epoch(c) + 1) {
				ch_epoch_clear(&ep);
				why = "that epoch has started already";
				goto reject;
			}
			if (ep.why == CH_WHY_CREATE || nb_rec_current(c, &cur) != 0) {
				ch_epoch_clear(&ep);
				why = "malformed membership entry";
				goto reject;
			}
		}
		int ok = charter_cards_ok(&ep.charter) && slots_ok(env, p.kind, &ep, NULL, o);
		if (!ok)
			why = "a member card does not verify, or a key slot is not for a member";
		/* The request that asked for it, by a provider of the coordinator
		 * (a scheduled rotation has none). */
		if (ok && !(ep.why == CH_WHY_ROTATE && ep.requestlen == 0) &&
		    check_request(d, env, ep.request, ep.requestlen, want_req[ep.why], NULL) != 0) {
			ok = 0;
			why = "the embedded request does not verify";
		}
		if (ok && !is_create) {
			int was = ch_charter_find_org(&cur.ch, ep.subject) >= 0;
			int is = ch_charter_find_org(&ep.charter, ep.subject) >= 0;
			switch (ep.why) {
			case CH_WHY_ADD: ok = !was && is; break;
			case CH_WHY_REMOVE: {
				ok = was && !is;
				int listed = 0;
				for (size_t i = 0; i < ep.charter.nremoved; i++)
					if (memcmp(ep.charter.removed[i].org, ep.subject, 32) == 0)
						listed = 1;
				ok = ok && listed;
				break;
			}
			case CH_WHY_HANDOVER:
				ok = was && is && memcmp(ep.charter.coordinator, ep.subject, 32) == 0;
				break;
			default: ok = 1;
			}
			if (ep.why != CH_WHY_HANDOVER &&
			    memcmp(ep.charter.coordinator, env->org, 32) != 0)
				ok = 0;
			/* Removals are never undone by a later charter. */
			for (size_t i = 0; ok && i < cur.ch.nremoved; i++) {
				int kept = 0;
				for (size_t j = 0; j < ep.charter.nremoved; j++)
					if (memcmp(ep.charter.removed[j].org, cur.ch.removed[i].org, 32) == 0 &&
					    ep.charter.removed[j].last_seq == cur.ch.removed[i].last_seq)
						kept = 1;
				ok = kept;
			}
			if (!ok && !why)
				why = "the new charter does not match the change it claims";
		}
		nb_rec_free(&cur);
		/* A member of the new epoch must have received its keys. */
		if (ok && ch_charter_find_org(&ep.charter, d->keys->sign_pk) >= 0 &&
		    !opened_key(o, env->epoch, CH_AUD_NETWORK)) {
			ok = 0;
			why = "no key for this organization in the new epoch (sealed to the wrong member?)";
		}
		if (!ok) {
			ch_epoch_clear(&ep);
			if (!why)
				why = "the new charter does not match the change it claims";
			goto reject;
		}
		uint8_t e4[4];
		be32(e4, env->epoch);
		rc = store_case_rec_put(c, "meta", (const uint8_t *)"coord", 5,
		    ep.charter.coordinator, 32);
		if (!rc)
			rc = store_case_rec_put(c, "meta", (const uint8_t *)"epoch", 5, e4, 4);
		if (!rc)
			rc = rec_put(c, env->epoch, env->time_ms, env->org, env->seq, &ep.charter);
		if (!rc && !is_create) {
			static const char *const whys[] = { "created", "organization added",
				"organization removed", "keys rotated", "coordination handed over",
				"people changed" };
			log_info("case epoch %u started: %s", env->epoch, whys[ep.why]);
		}
		ch_epoch_clear(&ep);
		return rc ? NB_REJECT : 0;
	}
	case CH_KIND_HISTORY: {
		ch_history_t hi;
		nb_rec_t cur;
		if (p.certlen != 0 || ch_history_decode(p.fields, p.fieldslen, &hi) != 0) {
			why = "malformed history grant";
			goto reject;
		}
		if (!has_coord || memcmp(env->org, coord, 32) != 0 ||
		    env->audience != CH_AUD_NETWORK) {
			why = "only the coordinator grants history";
			goto reject;
		}
		if (nb_rec_get(c, env->epoch, &cur) != 0)
			return NB_NOTYET;
		int ok = ch_charter_find_org(&cur.ch, hi.grantee) >= 0 &&
		    slots_ok(env, p.kind, NULL, &hi, o) &&
		    check_request(d, env, hi.request, hi.requestlen, CH_REQ_HISTORY, NULL) == 0;
		nb_rec_free(&cur);
		if (!ok) {
			why = "history grant for a non-member, with foreign slots, or an unsigned request";
			goto reject;
		}
		return 0;
	}
	case CH_KIND_REVOKE: {
		ch_revoke_t rv;
		if (p.certlen != 0 || ch_revoke_decode(p.fields, p.fieldslen, &rv) != 0) {
			why = "malformed revocation";
			goto reject;
		}
		uint8_t k[64], v[8];
		uint64_t s = env->seq;
		memcpy(k, env->org, 32);
		memcpy(k + 32, rv.provider, 32);
		for (int i = 7; i >= 0; i--) {
			v[i] = (uint8_t)s;
			s >>= 8;
		}
		if (revoked_at(c, env->org, rv.provider) != 0)
			return 0; /* revoked already: the first one stands */
		rc = store_case_rec_put(c, "revoked", k, 64, v, 8);
		return rc ? NB_REJECT : 0;
	}
	case CH_KIND_ACCESS: {
		ch_access_t a;
		ch_readreq_t rq;
		if (p.certlen != 0 || sodium_is_zero(p.sig, 64) != 1 ||
		    ch_access_decode(p.fields, p.fieldslen, &a) != 0) {
			why = "malformed access record";
			goto reject;
		}
		rc = cert_check(d, a.cert, a.certlen, env->org, a.time_ms, provider, NULL);
		if (rc == 0 && (rc = ch_readreq_decode(a.request, a.requestlen, &rq)) == 0 &&
		    (memcmp(rq.provider, provider, 32) != 0 ||
		    memcmp(rq.case_id, env->case_id, 16) != 0))
			rc = CH_ERR_VALUE;
		ch_access_clear(&a);
		if (rc) {
			why = "access record with a foreign request or certificate";
			goto reject;
		}
		return 0;
	}
	case CH_KIND_NOTE: {
		ch_note_t note;
		if ((rc = cert_check(d, p.cert, p.certlen, env->org, env->time_ms, provider,
		    &role)) != 0) {
			why = rc == CH_ERR_EXPIRED ? "provider certificate not valid at that time" :
			    "provider certificate does not verify";
			goto reject;
		}
		if (ch_plain_verify(plain, plainlen, env->case_id, env->audience, provider) != 0) {
			why = "bad provider signature";
			goto reject;
		}
		uint64_t rseq = revoked_at(c, env->org, provider);
		if (rseq && env->seq > rseq) {
			why = "signed by a provider its organization revoked";
			goto reject;
		}
		nb_rec_t r;
		if (nb_rec_get(c, env->epoch, &r) == 0) {
			int in = ch_charter_role_in(&r.ch, role, env->audience);
			nb_rec_free(&r);
			if (!in) {
				why = "the author's role is not in that audience";
				goto reject;
			}
		}
		if ((rc = ch_note_decode(p.fields, p.fieldslen, &note)) != 0) {
			why = ch_strerror(rc);
			goto reject;
		}
		ch_note_clear(&note);
		return 0;
	}
	default:
		why = "unknown kind";
		goto reject;
	}
reject:
	log_warn("rejected entry %s#%llu from %s: %s", oid,
	    (unsigned long long)env->seq, from, why ? why : "invalid");
	return NB_REJECT;
}

int
nb_ingest(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n,
    const char *from)
{
	ch_env_t env;
	const uint8_t *body;
	size_t bodylen;
	uint8_t id[32], hid[32], coord[32];
	uint64_t hseq;
	char oid[17];
	int rc, has_coord;
	opened_t *o = NULL;

	if ((rc = ch_entry_split(entry, n, &env, &body, &bodylen)) != 0) {
		log_warn("rejected entry from %s: %s", from, ch_strerror(rc));
		return NB_REJECT;
	}
	short_id(env.org, oid);
	if (memcmp(env.case_id, store_case_id(c), 16) != 0) {
		log_warn("rejected entry %s#%llu from %s: sent for another case", oid,
		    (unsigned long long)env.seq, from);
		return NB_REJECT;
	}
	ch_env_id(&env, id);
	{
		uint8_t *forked = NULL;
		size_t fl = 0;
		if (store_case_rec_get(c, "meta", (const uint8_t *)"fork", 4, &forked, &fl) == 0 &&
		    fl == 32 && memcmp(forked, env.org, 32) == 0) {
			free(forked);
			log_info("ignored entry %s#%llu from %s: that feed forked and is no longer accepted",
			    oid, (unsigned long long)env.seq, from);
			return NB_REJECT;
		}
		free(forked);
	}
	if ((rc = store_head(c, env.org, &hseq, hid)) != 0)
		return NB_REJECT;
	if (env.seq <= hseq) {
		uint8_t *old = NULL;
		size_t ol = 0;
		ch_env_t oenv;
		uint8_t oid32[32];
		const uint8_t *ob;
		size_t obl;
		if (store_entry_get(c, env.org, env.seq, &old, &ol) != 0)
			return NB_REJECT;
		int same = ch_entry_split(old, ol, &oenv, &ob, &obl) == 0 &&
		    (ch_env_id(&oenv, oid32), memcmp(oid32, id, 32) == 0);
		free(old);
		/* An entry we hold already costs one read, not a signature check. */
		if (same)
			return NB_DUP;
		if (ch_env_verify(&env) != 0) {
			log_warn("rejected entry %s#%llu from %s: bad organization signature",
			    oid, (unsigned long long)env.seq, from);
			return NB_REJECT;
		}
		log_err("fork in the feed of %s at seq %llu (received from %s): both entries kept as evidence, that feed is no longer accepted",
		    oid, (unsigned long long)env.seq, from);
		if (store_fork_put(c, env.org, env.seq, entry, n) != 0 ||
		    store_case_rec_put(c, "meta", (const uint8_t *)"fork", 4, env.org, 32) != 0)
			log_err("could not keep the evidence of that fork");
		return NB_REJECT;
	}
	if (ch_env_verify(&env) != 0) {
		log_warn("rejected entry %s#%llu from %s: bad organization signature",
		    oid, (unsigned long long)env.seq, from);
		return NB_REJECT;
	}
	if (env.seq > hseq + 1)
		return NB_GAP;
	if (memcmp(env.prev, hid, 32) != 0) {
		log_warn("rejected entry %s#%llu from %s: wrong prev hash", oid,
		    (unsigned long long)env.seq, from);
		return NB_REJECT;
	}
	if (env.time_ms > (uint64_t)now_ms() + FUTURE_SLACK_MS) {
		log_warn("rejected entry %s#%llu from %s: time in the future", oid,
		    (unsigned long long)env.seq, from);
		return NB_REJECT;
	}
	has_coord = nb_coordinator(c, coord) == 0;
	if (has_coord) {
		uint32_t cur = nb_epoch(c);
		nb_rec_t r;
		if (env.epoch > cur + 1) {
			log_warn("rejected entry %s#%llu from %s: unknown epoch %u", oid,
			    (unsigned long long)env.seq, from, env.epoch);
			return NB_REJECT;
		}
		if (env.epoch == cur + 1 && memcmp(env.org, coord, 32) != 0)
			return NB_NOTYET; /* that epoch's entry has not reached us yet */
		if (env.epoch <= cur) {
			if (nb_rec_get(c, env.epoch, &r) != 0)
				return NB_NOTYET; /* joined later: that epoch's charter unknown */
			int in = ch_charter_find_org(&r.ch, env.org) >= 0;
			nb_rec_free(&r);
			if (!in) {
				log_warn("rejected entry %s#%llu from %s: not a member of the case in epoch %u",
				    oid, (unsigned long long)env.seq, from, env.epoch);
				return NB_REJECT;
			}
		}
		if (nb_rec_current(c, &r) == 0) {
			for (size_t i = 0; i < r.ch.nremoved; i++) {
				if (memcmp(r.ch.removed[i].org, env.org, 32) == 0 &&
				    env.seq > r.ch.removed[i].last_seq) {
					nb_rec_free(&r);
					log_warn("rejected entry %s#%llu from %s: that organization was removed from the case",
					    oid, (unsigned long long)env.seq, from);
					return NB_REJECT;
				}
			}
			nb_rec_free(&r);
		}
	} else if (env.seq != 1 || env.epoch != 0) {
		return NB_NOTYET;
	}
	if (!body) {
		if (!has_coord)
			return NB_NOTYET;
		/* An erased body: the envelope still chains. */
		return store_entry_put(c, env.org, env.seq, id, entry, n) ? NB_REJECT : NB_STORED;
	}
	if (!(o = calloc(1, sizeof(*o))))
		return NB_REJECT;
	if ((rc = open_slots(d, body, bodylen, o)) != 0) {
		log_warn("rejected entry %s#%llu from %s: a key slot for this organization does not open (sealed to the wrong member?)",
		    oid, (unsigned long long)env.seq, from);
		rc = NB_REJECT;
		goto out;
	}
	/* A key once held is never replaced: refuse the entry before any effect. */
	for (size_t i = 0; i < o->n; i++) {
		uint8_t held[32];
		if (store_key_get(c, o->k[i].epoch, o->k[i].audience, held) == 0) {
			int same = sodium_memcmp(held, o->k[i].key, 32) == 0;
			sodium_memzero(held, sizeof(held));
			if (!same) {
				log_warn("rejected entry %s#%llu from %s: a key slot conflicts with a key held",
				    oid, (unsigned long long)env.seq, from);
				rc = NB_REJECT;
				goto out;
			}
		}
	}
	uint8_t key[32];
	const uint8_t *k = opened_key(o, env.epoch, env.audience);
	int have = k != NULL;
	if (k)
		memcpy(key, k, 32);
	else
		have = store_key_get(c, env.epoch, env.audience, key) == 0 ||
		    (env.audience == CH_AUD_MEMBERSHIP &&
		    pending_get(d, env.case_id, env.epoch, key) == 0);
	if (have) {
		uint8_t *plain = NULL;
		size_t plainlen = 0;
		rc = ch_body_open(&env, body, bodylen, key, &plain, &plainlen);
		sodium_memzero(key, sizeof(key));
		if (rc) {
			log_warn("rejected entry %s#%llu from %s: body does not decrypt under the case key",
			    oid, (unsigned long long)env.seq, from);
			rc = NB_REJECT;
			goto out;
		}
		rc = check_plain(d, c, &env, plain, plainlen, from, has_coord, coord, o);
		sodium_memzero(plain, plainlen);
		free(plain);
		if (rc)
			goto out;
	} else if (!has_coord) {
		rc = NB_NOTYET;
		goto out;
	} else if (env.audience == CH_AUD_MEMBERSHIP) {
		/* An epoch entry we cannot open: no membership key was sealed to us.
		 * We cannot tell a removal from an omission (the charter is sealed
		 * under that key), and we cannot check the entry: hold it back, and
		 * with it the rest of that feed. This organization stops following
		 * the case from here; its operator sees why. */
		log_warn("held back epoch %u of a case from %s: no key for this organization in it (removed, or left out by the coordinator)",
		    env.epoch, from);
		if (has_coord && memcmp(env.org, coord, 32) == 0 && env.epoch == nb_epoch(c) + 1) {
			/* The coordinator moved on without us: no post of ours can
			 * count from here (nb_excluded). */
			uint8_t e4[4];
			be32(e4, env.epoch);
			if (store_case_rec_put(c, "meta", (const uint8_t *)"excluded", 8, e4, 4) != 0)
				log_err("could not record that this organization is out of a case");
		}
		rc = NB_NOTYET;
		goto out;
	}
	/* else: an audience we are not in; we store and relay it. */
	for (size_t i = 0; i < o->n; i++)
		if ((rc = store_key_put(c, o->k[i].epoch, o->k[i].audience, o->k[i].key)) != 0) {
			rc = NB_REJECT;
			goto out;
		}
	rc = store_entry_put(c, env.org, env.seq, id, entry, n) ? NB_REJECT : NB_STORED;
out:
	if (o) {
		opened_free(o);
		free(o);
	}
	return rc;
}

int
nb_append(cahierd_t *d, scase_t *c, uint32_t epoch, uint8_t audience,
    const ch_slot_t *slots, size_t nslots, const uint8_t key[32],
    const uint8_t *plain, size_t plainlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32])
{
	ch_env_t env;
	uint8_t *body = NULL, *e;
	size_t bodylen = 0;
	int rc;

	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, store_case_id(c), 16);
	memcpy(env.org, d->keys->sign_pk, 32);
	if ((rc = store_head(c, env.org, &env.seq, env.prev)) != 0)
		return rc;
	env.seq++;
	env.epoch = epoch;
	env.audience = audience;
	env.time_ms = (uint64_t)now_ms();
	if ((rc = ch_body_seal(&env, slots, nslots, key, plain, plainlen, &body,
	    &bodylen)) != 0)
		return rc;
	env.body_len = (uint32_t)bodylen;
	crypto_generichash(env.body_hash, 32, body, bodylen, NULL, 0);
	ch_env_sign(&env, d->keys->sign_sk);
	if (!(e = malloc(CH_ENV_LEN + bodylen))) {
		free(body);
		return CH_ERR_NOMEM;
	}
	ch_env_encode(&env, e);
	memcpy(e + CH_ENV_LEN, body, bodylen);
	free(body);
	rc = nb_ingest(d, c, e, CH_ENV_LEN + bodylen, "this daemon");
	if (rc != NB_STORED) {
		free(e);
		return CH_ERR_VALUE;
	}
	ch_env_id(&env, id);
	*entry = e;
	*entrylen = CH_ENV_LEN + bodylen;
	return 0;
}

/* Encodes a daemon-written plain body (no certificate, zero signature). */
static int
org_plain(const uint8_t case_id[16], uint8_t kind, uint8_t audience,
    const uint8_t *fields, size_t fl, uint8_t **out, size_t *len)
{
	ch_plain_t p;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.hlc = (uint64_t)now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fl;
	return ch_plain_encode(&p, case_id, audience, NULL, out, len);
}

int
nb_new_epoch(cahierd_t *d, scase_t *c, const ch_epoch_t *ep,
    uint8_t **entry, size_t *entrylen, uint8_t id[32])
{
	uint32_t e = ep->why == CH_WHY_CREATE ? 0 : nb_epoch(c) + 1;
	uint8_t (*keys)[32] = sodium_malloc(NAUD * 32);
	uint8_t *fields = NULL, *plain = NULL;
	size_t fl = 0, pl = 0, ns = 0;
	ch_slot_t *slots = calloc(CH_SLOTS_MAX, sizeof(*slots));
	int rc = CH_ERR_NOMEM;

	if (!keys || !slots)
		goto out;
	randombytes_buf(keys, NAUD * 32);
	for (size_t i = 0; i < ep->charter.norgs; i++) {
		const ch_corg_t *m = &ep->charter.orgs[i];
		keys_card_t card;
		if ((rc = keys_card_parse(m->card, m->cardlen, &card)) != 0)
			goto out;
		for (uint8_t a = 1; a <= NAUD; a++) {
			if (!nb_org_in_audience(&ep->charter, m->org, a))
				continue;
			if (ns == CH_SLOTS_MAX) {
				keys_card_clear(&card);
				rc = CH_ERR_TOOBIG;
				goto out;
			}
			memcpy(slots[ns].org, m->org, 32);
			slots[ns].epoch = e;
			slots[ns].audience = a;
			crypto_box_seal(slots[ns].sealed, keys[a - 1], 32, card.box_pk);
			ns++;
		}
		/* A joining org gets the membership keys of the earlier epochs:
		 * who was in the case and when, never what was written. */
		if (ep->why == CH_WHY_ADD && memcmp(m->org, ep->subject, 32) == 0) {
			for (uint32_t k = 0; k < e && ns < CH_SLOTS_MAX; k++) {
				uint8_t mk[32];
				if (store_key_get(c, k, CH_AUD_MEMBERSHIP, mk) != 0)
					continue;
				memcpy(slots[ns].org, m->org, 32);
				slots[ns].epoch = k;
				slots[ns].audience = CH_AUD_MEMBERSHIP;
				crypto_box_seal(slots[ns].sealed, mk, 32, card.box_pk);
				sodium_memzero(mk, sizeof(mk));
				ns++;
			}
		}
		keys_card_clear(&card);
	}
	if ((rc = ch_epoch_encode(ep, &fields, &fl)) != 0 ||
	    (rc = org_plain(store_case_id(c), ep->why == CH_WHY_CREATE ?
	    CH_KIND_CASE_CREATE : CH_KIND_EPOCH, CH_AUD_MEMBERSHIP, fields, fl,
	    &plain, &pl)) != 0)
		goto out;
	rc = nb_append(d, c, e, CH_AUD_MEMBERSHIP, slots, ns,
	    keys[CH_AUD_MEMBERSHIP - 1], plain, pl, entry, entrylen, id);
out:
	if (keys)
		sodium_free(keys);
	free(slots);
	if (plain) {
		sodium_memzero(plain, pl);
		free(plain);
	}
	if (fields) {
		sodium_memzero(fields, fl);
		free(fields);
	}
	return rc;
}

int
nb_grant_history(cahierd_t *d, scase_t *c, const uint8_t grantee[32],
    const uint8_t *req, size_t reqlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32])
{
	nb_rec_t cur;
	uint32_t e = nb_epoch(c);
	ch_slot_t *slots = calloc(CH_SLOTS_MAX, sizeof(*slots));
	size_t ns = 0, fl = 0, pl = 0;
	uint8_t *fields = NULL, *plain = NULL, key[32];
	ch_history_t hi;
	int rc;

	if (!slots)
		return CH_ERR_NOMEM;
	if ((rc = nb_rec_current(c, &cur)) != 0) {
		free(slots);
		return rc;
	}
	int i = ch_charter_find_org(&cur.ch, grantee);
	keys_card_t card;
	if (i < 0 || (rc = keys_card_parse(cur.ch.orgs[i].card, cur.ch.orgs[i].cardlen, &card)) != 0) {
		nb_rec_free(&cur);
		free(slots);
		return i < 0 ? CH_ERR_VALUE : rc;
	}
	/* Every earlier key of the audiences its role is in now. */
	for (uint32_t k = 0; k < e; k++) {
		for (uint8_t a = 1; a <= CH_AUD_COORDINATION; a++) {
			if (!nb_org_in_audience(&cur.ch, grantee, a) || ns == CH_SLOTS_MAX)
				continue;
			if (store_key_get(c, k, a, key) != 0)
				continue;
			memcpy(slots[ns].org, grantee, 32);
			slots[ns].epoch = k;
			slots[ns].audience = a;
			crypto_box_seal(slots[ns].sealed, key, 32, card.box_pk);
			sodium_memzero(key, sizeof(key));
			ns++;
		}
	}
	keys_card_clear(&card);
	nb_rec_free(&cur);
	memcpy(hi.grantee, grantee, 32);
	hi.request = req;
	hi.requestlen = reqlen;
	if ((rc = ch_history_encode(&hi, &fields, &fl)) == 0 &&
	    (rc = org_plain(store_case_id(c), CH_KIND_HISTORY, CH_AUD_NETWORK, fields, fl,
	    &plain, &pl)) == 0 &&
	    (rc = store_key_get(c, e, CH_AUD_NETWORK, key)) == 0)
		rc = nb_append(d, c, e, CH_AUD_NETWORK, slots, ns, key, plain, pl, entry,
		    entrylen, id);
	sodium_memzero(key, sizeof(key));
	free(fields);
	free(plain);
	free(slots);
	return rc;
}

int
nb_revoke(cahierd_t *d, scase_t *c, const uint8_t provider[32], uint64_t when,
    uint8_t **entry, size_t *entrylen, uint8_t id[32])
{
	ch_revoke_t rv;
	uint8_t *fields = NULL, *plain = NULL, key[32];
	size_t fl = 0, pl = 0;
	uint32_t e = nb_epoch(c);
	int rc;

	memcpy(rv.provider, provider, 32);
	rv.revoked_at = when;
	if ((rc = ch_revoke_encode(&rv, &fields, &fl)) == 0 &&
	    (rc = org_plain(store_case_id(c), CH_KIND_REVOKE, CH_AUD_NETWORK, fields, fl,
	    &plain, &pl)) == 0 &&
	    (rc = store_key_get(c, e, CH_AUD_NETWORK, key)) == 0)
		rc = nb_append(d, c, e, CH_AUD_NETWORK, NULL, 0, key, plain, pl, entry,
		    entrylen, id);
	sodium_memzero(key, sizeof(key));
	free(fields);
	free(plain);
	return rc;
}

int
nb_revoked(scase_t *c, const uint8_t org[32], const uint8_t provider[32])
{
	return revoked_at(c, org, provider) != 0;
}

int
nb_charter_full(cahierd_t *d, scase_t *c, uint8_t **buf, ch_epoch_t *ep)
{
	nb_rec_t r;
	uint8_t *e = NULL, key[32], *plain = NULL;
	size_t el = 0, pl = 0, bl;
	ch_env_t env;
	const uint8_t *body;
	ch_plain_t p;
	int rc;

	*buf = NULL;
	if ((rc = nb_rec_current(c, &r)) != 0)
		return rc;
	rc = store_entry_get(c, r.org, r.seq, &e, &el);
	nb_rec_free(&r);
	if (rc)
		return rc;
	if ((rc = ch_entry_split(e, el, &env, &body, &bl)) != 0 || !body ||
	    (rc = store_key_get(c, env.epoch, CH_AUD_MEMBERSHIP, key)) != 0 ||
	    (rc = ch_body_open(&env, body, bl, key, &plain, &pl)) != 0 ||
	    (rc = ch_plain_decode(plain, pl, &p)) != 0 ||
	    (rc = ch_epoch_decode(p.fields, p.fieldslen, ep)) != 0) {
		sodium_memzero(key, sizeof(key));
		free(e);
		if (plain) {
			sodium_memzero(plain, pl);
			free(plain);
		}
		return rc ? rc : CH_ERR_VALUE;
	}
	sodium_memzero(key, sizeof(key));
	free(e);
	(void)d;
	*buf = plain; /* ep borrows from it: free after ch_epoch_clear */
	return 0;
}

int
nb_adopt(cahierd_t *d, const uint8_t case_id[16], const ch_slice_t *items,
    size_t n, const char *from, scase_t **out)
{
	opened_t *o = calloc(1, sizeof(*o));
	const uint8_t *genesis = NULL;
	uint8_t coord[32];
	int seen_genesis = 0, rc;

	*out = NULL;
	if (!o)
		return -1;
	/* The entry that welcomes us: the one with a membership-key slot for our
	 * org at the highest epoch. Its slots hold every membership key. */
	uint32_t best = 0;
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		ch_env_t env;
		const uint8_t *body;
		size_t bl;
		opened_t t;
		memset(&t, 0, sizeof(t));
		if (ch_entry_split(items[i].p, items[i].n, &env, &body, &bl) != 0 ||
		    !body || memcmp(env.case_id, case_id, 16) != 0 ||
		    ch_env_verify(&env) != 0 || open_slots(d, body, bl, &t) != 0 ||
		    !opened_key(&t, env.epoch, CH_AUD_MEMBERSHIP) ||
		    !opened_key(&t, 0, CH_AUD_MEMBERSHIP) || (found && env.epoch <= best)) {
			opened_free(&t);
			continue;
		}
		opened_free(o);
		*o = t;
		best = env.epoch;
		found = 1;
	}
	if (!found) {
		free(o);
		log_debug("entries of an unknown case from %s hold no key for us", from);
		return -1;
	}
	/* The genesis must be in the batch, open under the first membership key
	 * and bind the case id to its organization. */
	for (size_t i = 0; i < n && !genesis; i++) {
		ch_env_t env;
		const uint8_t *body;
		size_t bl, pl = 0;
		uint8_t *plain = NULL, id[16];
		ch_plain_t p;
		ch_epoch_t ep;
		if (ch_entry_split(items[i].p, items[i].n, &env, &body, &bl) != 0 ||
		    env.seq != 1 || env.epoch != 0 || !body || ch_env_verify(&env) != 0 ||
		    memcmp(env.case_id, case_id, 16) != 0)
			continue;
		seen_genesis = 1;
		if (ch_body_open(&env, body, bl, opened_key(o, 0, CH_AUD_MEMBERSHIP),
		    &plain, &pl) != 0)
			continue;
		if (ch_plain_decode(plain, pl, &p) == 0 && p.kind == CH_KIND_CASE_CREATE &&
		    ch_epoch_decode(p.fields, p.fieldslen, &ep) == 0) {
			ch_case_id(env.org, ep.salt, id);
			if (memcmp(id, case_id, 16) == 0) {
				genesis = items[i].p;
				memcpy(coord, env.org, 32);
			}
			ch_epoch_clear(&ep);
		}
		sodium_memzero(plain, pl);
		free(plain);
	}
	if (!genesis) {
		opened_free(o);
		free(o);
		if (seen_genesis)
			log_warn("refused a new case from %s: its genesis is not bound to its coordinator", from);
		else
			log_debug("a new case from %s: waiting for its genesis", from);
		return -1;
	}
	/* Keep only the membership keys, and in memory only: they let every
	 * epoch entry of the case be checked in order from the genesis. Every
	 * key reaches the store with the welcome itself, when it is accepted in
	 * its place: a forged welcome leaves nothing behind. */
	scase_t *c;
	if ((rc = store_case_get(d->store, case_id, 1, &c)) != 0) {
		opened_free(o);
		free(o);
		return -1;
	}
	for (size_t i = 0; i < o->n; i++)
		if (o->k[i].audience == CH_AUD_MEMBERSHIP)
			pending_put(d, case_id, o->k[i].epoch, o->k[i].key);
	opened_free(o);
	free(o);
	char name[256];
	nb_org_name(d, NULL, coord, name, sizeof(name));
	log_info("joined a case coordinated by %s", name);
	*out = c;
	return 0;
}
