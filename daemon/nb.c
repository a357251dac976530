/* nb.c - the notebook rules: what makes an entry acceptable, for entries
 * received from peers and for our own (which go through the same checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/cbuf.h"
#include "daemon.h"
#include "log.h"

#define FUTURE_SLACK_MS (10 * 60 * 1000)

static void
short_id(const uint8_t *p, char out[17])
{
	keys_keyid(p, out);
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

int
nb_is_member(scase_t *c, const uint8_t org[32])
{
	uint8_t coord[32];
	if (nb_coordinator(c, coord) == 0 && memcmp(coord, org, 32) == 0)
		return 1;
	return store_case_rec_get(c, "members", org, 32, NULL, NULL) == 0;
}

typedef struct { uint8_t (*orgs)[32]; size_t n, cap; } orglist_t;

static int
orglist_add(orglist_t *l, const uint8_t org[32])
{
	for (size_t i = 0; i < l->n; i++)
		if (memcmp(l->orgs[i], org, 32) == 0)
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		void *p = realloc(l->orgs, cap * 32);
		if (!p)
			return CH_ERR_NOMEM;
		l->orgs = p;
		l->cap = cap;
	}
	memcpy(l->orgs[l->n++], org, 32);
	return 0;
}

static int
member_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	(void)v; (void)vlen;
	return klen == 32 ? orglist_add(arg, k) : 0;
}

int
nb_members(scase_t *c, uint8_t (**orgs)[32], size_t *n)
{
	orglist_t l = { NULL, 0, 0 };
	uint8_t coord[32];
	int rc = 0;
	if (nb_coordinator(c, coord) == 0)
		rc = orglist_add(&l, coord);
	if (!rc)
		rc = store_case_rec_each(c, "members", member_step, &l);
	if (rc) {
		free(l.orgs);
		return rc;
	}
	*orgs = l.orgs;
	*n = l.n;
	return 0;
}

/* Member record: role var | card var (the card may be empty). */
static int
member_get(scase_t *c, const uint8_t org[32], char **role, keys_card_t *card,
    int *hascard)
{
	uint8_t *v = NULL;
	size_t n = 0, cl;
	crd_t r;
	int rc;

	*hascard = 0;
	if ((rc = store_case_rec_get(c, "members", org, 32, &v, &n)) != 0)
		return rc;
	crd_init(&r, v, n);
	char *ro = crd_text(&r, KEYS_ROLE_MAX);
	const uint8_t *cp = crd_var(&r, 4096, &cl);
	if ((rc = crd_end(&r)) == 0 && cl > 0) {
		rc = keys_card_parse(cp, cl, card);
		*hascard = rc == 0;
	}
	free(v);
	if (rc == 0 && role)
		*role = ro;
	else
		free(ro);
	return rc;
}

static int
member_put(scase_t *c, const uint8_t org[32], const char *role,
    const uint8_t *card, size_t cardlen)
{
	cwr_t w;
	size_t n;
	uint8_t *v;
	int rc;

	cwr_init(&w, 8192);
	cwr_text(&w, role, KEYS_ROLE_MAX);
	cwr_var(&w, card, cardlen, 4096);
	if (!(v = cwr_take(&w, &n)))
		return CH_ERR_NOMEM;
	rc = store_case_rec_put(c, "members", org, 32, v, n);
	free(v);
	return rc;
}

void
nb_org_name(cahierd_t *d, scase_t *c, const uint8_t org[32], char *out, size_t n)
{
	keys_card_t card;
	int has = 0;

	if (memcmp(org, d->keys->sign_pk, 32) == 0) {
		snprintf(out, n, "%s", d->cfg.name);
		return;
	}
	peer_t *p = sync_peer_by_org(d, org);
	if (p) {
		snprintf(out, n, "%s", p->card.name);
		return;
	}
	if (c && member_get(c, org, NULL, &card, &has) == 0 && has) {
		snprintf(out, n, "%s", card.name);
		keys_card_clear(&card);
		return;
	}
	char id[17];
	short_id(org, id);
	snprintf(out, n, "org %s", id);
}

/* Checks a provider certificate: the org's signature (once per distinct
 * certificate: the same bytes come back in every entry its holder writes),
 * that it belongs to org, and that it was valid at time_ms. Writes the
 * provider's key. */
static int
cert_check(cahierd_t *d, const uint8_t *cert, size_t certlen,
    const uint8_t org[32], uint64_t time_ms, uint8_t provider[32])
{
	uint8_t h[32];
	size_t i, n = sizeof(d->certmemo) / sizeof(d->certmemo[0]);

	crypto_generichash(h, sizeof(h), cert, certlen, NULL, 0);
	for (i = 0; i < n; i++)
		if (memcmp(d->certmemo[i].hash, h, 32) == 0)
			break;
	if (i == n) {
		keys_cert_t c;
		int rc = keys_cert_parse(cert, certlen, &c);
		if (rc)
			return rc;
		i = d->certmemo_next++ % n;
		memcpy(d->certmemo[i].hash, h, 32);
		memcpy(d->certmemo[i].provider, c.provider, 32);
		memcpy(d->certmemo[i].org, c.org_id, 32);
		d->certmemo[i].from = c.valid_from;
		d->certmemo[i].until = c.valid_until;
		keys_cert_clear(&c);
	}
	if (memcmp(d->certmemo[i].org, org, 32) != 0)
		return CH_ERR_VALUE;
	if (time_ms / 1000 < d->certmemo[i].from || time_ms / 1000 > d->certmemo[i].until)
		return CH_ERR_EXPIRED;
	memcpy(provider, d->certmemo[i].provider, 32);
	return 0;
}

static void
set_meta32(scase_t *c, const char *name, const uint8_t *v, size_t n, int *rc)
{
	if (*rc == 0)
		*rc = store_case_rec_put(c, "meta", (const uint8_t *)name, strlen(name), v, n);
}

/* The checks on a decrypted body, and its effects on the case. Returns 0,
 * NB_NOTYET, or a negative code after logging why. */
static int
check_plain(cahierd_t *d, scase_t *c, const ch_env_t *env, const uint8_t *plain,
    size_t plainlen, const char *from, int has_coord, const uint8_t coord[32])
{
	ch_plain_t p;
	uint8_t provider[32];
	char oid[17];
	int rc;

	short_id(env->org, oid);
	if ((rc = ch_plain_decode(plain, plainlen, &p)) != 0) {
		log_warn("rejected entry %s#%llu from %s: body: %s", oid,
		    (unsigned long long)env->seq, from, ch_strerror(rc));
		return NB_REJECT;
	}
	if (!has_coord && p.kind != CH_KIND_CASE_CREATE)
		return NB_NOTYET;
	if (p.kind == CH_KIND_ACCESS) {
		ch_access_t a;
		ch_readreq_t rq;
		if (p.certlen != 0 || sodium_is_zero(p.sig, 64) != 1 ||
		    (rc = ch_access_decode(p.fields, p.fieldslen, &a)) != 0) {
			log_warn("rejected access record %s#%llu from %s: malformed", oid,
			    (unsigned long long)env->seq, from);
			return NB_REJECT;
		}
		rc = cert_check(d, a.cert, a.certlen, env->org, a.time_ms, provider);
		if (rc == 0 && (rc = ch_readreq_decode(a.request, a.requestlen, &rq)) == 0 &&
		    (memcmp(rq.provider, provider, 32) != 0 ||
		    memcmp(rq.case_id, env->case_id, 16) != 0))
			rc = CH_ERR_VALUE;
		ch_access_clear(&a);
		if (rc) {
			log_warn("rejected access record %s#%llu from %s: %s", oid,
			    (unsigned long long)env->seq, from, ch_strerror(rc));
			return NB_REJECT;
		}
		return 0;
	}
	if ((rc = cert_check(d, p.cert, p.certlen, env->org, env->time_ms, provider)) != 0) {
		log_warn("rejected entry %s#%llu from %s: provider certificate: %s",
		    oid, (unsigned long long)env->seq, from, ch_strerror(rc));
		return NB_REJECT;
	}
	rc = ch_plain_verify(plain, plainlen, env->case_id, env->audience, provider);
	if (rc) {
		log_warn("rejected entry %s#%llu from %s: bad provider signature",
		    oid, (unsigned long long)env->seq, from);
		return NB_REJECT;
	}
	switch (p.kind) {
	case CH_KIND_NOTE: {
		ch_note_t note;
		if ((rc = ch_note_decode(p.fields, p.fieldslen, &note)) != 0)
			break;
		ch_note_clear(&note);
		return 0;
	}
	case CH_KIND_CASE_CREATE: {
		ch_create_t cr;
		uint8_t id[16];
		if ((rc = ch_create_decode(p.fields, p.fieldslen, &cr)) != 0)
			break;
		ch_case_id(env->org, cr.salt, id);
		ch_create_clear(&cr);
		if (env->seq != 1 || memcmp(id, env->case_id, 16) != 0 ||
		    (has_coord && memcmp(coord, env->org, 32) != 0)) {
			log_warn("rejected case creation %s#%llu from %s: case id not bound to this organization",
			    oid, (unsigned long long)env->seq, from);
			return NB_REJECT;
		}
		uint8_t e0[4] = { 0, 0, 0, 0 };
		rc = 0;
		set_meta32(c, "coord", env->org, 32, &rc);
		set_meta32(c, "epoch", e0, 4, &rc);
		if (rc == 0)
			rc = member_put(c, env->org, "coordinator",
			    memcmp(env->org, d->keys->sign_pk, 32) == 0 ? d->card : NULL,
			    memcmp(env->org, d->keys->sign_pk, 32) == 0 ? d->cardlen : 0);
		return rc ? NB_REJECT : 0;
	}
	case CH_KIND_MEMBER_ADD: {
		ch_member_t m;
		keys_card_t card;
		if ((rc = ch_member_decode(p.fields, p.fieldslen, &m)) != 0)
			break;
		if (memcmp(env->org, coord, 32) != 0) {
			ch_member_clear(&m);
			log_warn("rejected membership entry %s#%llu from %s: only the coordinator changes membership",
			    oid, (unsigned long long)env->seq, from);
			return NB_REJECT;
		}
		if ((rc = keys_card_parse(m.card, m.cardlen, &card)) != 0) {
			ch_member_clear(&m);
			break;
		}
		rc = member_put(c, card.org_id, m.role, m.card, m.cardlen);
		log_info("case member added: %s as %s", card.name, m.role);
		keys_card_clear(&card);
		ch_member_clear(&m);
		return rc ? NB_REJECT : 0;
	}
	default:
		log_warn("rejected entry %s#%llu from %s: unknown kind %u", oid,
		    (unsigned long long)env->seq, from, p.kind);
		return NB_REJECT;
	}
	log_warn("rejected entry %s#%llu from %s: fields: %s", oid,
	    (unsigned long long)env->seq, from, ch_strerror(rc));
	return NB_REJECT;
}

/* Opens the key slots of an entry sealed to us and keeps their keys. */
static int
take_slots(cahierd_t *d, scase_t *c, const uint8_t *body, size_t bodylen,
    int from_coord, const char *from)
{
	ch_slot_t *slots = NULL;
	size_t ns = 0;
	int rc = ch_body_slots(body, bodylen, &slots, &ns);
	if (rc)
		return rc;
	if (ns && !from_coord) {
		free(slots);
		log_warn("rejected entry from %s: key slots from an organization that is not the coordinator", from);
		return NB_REJECT;
	}
	for (size_t i = 0; i < ns; i++) {
		uint8_t key[32];
		if (memcmp(slots[i].org, d->keys->sign_pk, 32) != 0)
			continue;
		if (crypto_box_seal_open(key, slots[i].sealed, CH_SEALED_KEY_LEN,
		    d->keys->box_pk, d->keys->box_sk) != 0) {
			log_warn("entry from %s holds a key slot for us that does not open", from);
			continue;
		}
		rc = store_key_put(c, slots[i].epoch, slots[i].audience, key);
		sodium_memzero(key, sizeof(key));
		if (rc)
			break;
	}
	free(slots);
	return rc;
}

int
nb_ingest(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n,
    const char *from)
{
	ch_env_t env;
	const uint8_t *body;
	size_t bodylen;
	uint8_t id[32], hid[32], coord[32], key[32];
	uint64_t hseq;
	char oid[17];
	int rc, has_coord;

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
	if (store_case_rec_get(c, "meta", (const uint8_t *)"fork", 4, NULL, NULL) == 0) {
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
		if (!nb_is_member(c, env.org)) {
			log_info("held back entry %s#%llu from %s: not a member of the case (yet)",
			    oid, (unsigned long long)env.seq, from);
			return NB_NOTYET;
		}
		if (env.epoch > nb_epoch(c)) {
			log_warn("rejected entry %s#%llu from %s: unknown epoch %u", oid,
			    (unsigned long long)env.seq, from, env.epoch);
			return NB_REJECT;
		}
	} else if (env.seq != 1 || env.epoch != 0 ||
	    memcmp(env.org, d->keys->sign_pk, 32) != 0) {
		/* Only our own genesis comes before the coordinator is known:
		 * nb_adopt records a remote coordinator before any ingest. */
		return NB_NOTYET;
	}
	if (body) {
		int from_coord = has_coord ? memcmp(env.org, coord, 32) == 0 : 1;
		if ((rc = take_slots(d, c, body, bodylen, from_coord, from)) != 0) {
			if (rc != NB_REJECT)
				log_warn("rejected entry %s#%llu from %s: key slots: %s", oid,
				    (unsigned long long)env.seq, from, ch_strerror(rc));
			return NB_REJECT;
		}
		rc = store_key_get(c, env.epoch, env.audience, key);
		if (rc == 0) {
			uint8_t *plain = NULL;
			size_t plainlen = 0;
			rc = ch_body_open(&env, body, bodylen, key, &plain, &plainlen);
			sodium_memzero(key, sizeof(key));
			if (rc) {
				log_warn("rejected entry %s#%llu from %s: body does not decrypt under the case key",
				    oid, (unsigned long long)env.seq, from);
				return NB_REJECT;
			}
			rc = check_plain(d, c, &env, plain, plainlen, from, has_coord, coord);
			sodium_memzero(plain, plainlen);
			free(plain);
			if (rc)
				return rc;
		} else if (!has_coord) {
			return NB_NOTYET;
		}
		/* else: an audience we are not in; we store and relay it. */
	} else if (!has_coord) {
		return NB_NOTYET;
	}
	if (store_entry_put(c, env.org, env.seq, id, entry, n) != 0)
		return NB_REJECT;
	return NB_STORED;
}

int
nb_append(cahierd_t *d, scase_t *c, uint8_t audience, const ch_slot_t *slots,
    size_t nslots, const uint8_t key[32], const uint8_t *plain, size_t plainlen,
    uint8_t **entry, size_t *entrylen, uint8_t id[32])
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
	env.epoch = nb_epoch(c);
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
		return rc == NB_NOTYET ? CH_ERR_VALUE : CH_ERR_VALUE;
	}
	ch_env_id(&env, id);
	*entry = e;
	*entrylen = CH_ENV_LEN + bodylen;
	return 0;
}

int
nb_adopt(cahierd_t *d, const uint8_t case_id[16], const ch_slice_t *items,
    size_t n, const char *from, scase_t **out)
{
	uint8_t coord[32], key[32];
	ch_slot_t found;

	memset(&found, 0, sizeof(found));
	int have = 0, rc;
	const uint8_t *genesis = NULL;
	int seen_genesis = 0;

	*out = NULL;
	for (size_t i = 0; i < n && !have; i++) {
		ch_env_t env;
		const uint8_t *body;
		size_t bl, ns = 0;
		ch_slot_t *slots = NULL;
		if (ch_entry_split(items[i].p, items[i].n, &env, &body, &bl) != 0 ||
		    !body || memcmp(env.case_id, case_id, 16) != 0 ||
		    ch_env_verify(&env) != 0 || ch_body_slots(body, bl, &slots, &ns) != 0)
			continue;
		for (size_t j = 0; j < ns && !have; j++) {
			if (memcmp(slots[j].org, d->keys->sign_pk, 32) != 0 ||
			    crypto_box_seal_open(key, slots[j].sealed, CH_SEALED_KEY_LEN,
			    d->keys->box_pk, d->keys->box_sk) != 0)
				continue;
			found = slots[j];
			memcpy(coord, env.org, 32);
			have = 1;
		}
		free(slots);
	}
	if (!have) {
		log_debug("entries of an unknown case from %s hold no key for us", from);
		return -1;
	}
	/* The coordinator's genesis must be in the batch and bind the case id. */
	for (size_t i = 0; i < n && !genesis; i++) {
		ch_env_t env;
		const uint8_t *body;
		size_t bl;
		if (ch_entry_split(items[i].p, items[i].n, &env, &body, &bl) == 0 &&
		    env.seq == 1 && memcmp(env.org, coord, 32) == 0 && body &&
		    ch_env_verify(&env) == 0) {
			seen_genesis = 1;
			uint8_t *plain = NULL;
			size_t pl = 0;
			ch_plain_t p;
			ch_create_t cr;
			uint8_t id[16];
			if (found.epoch == 0 && found.audience == CH_AUD_NETWORK &&
			    ch_body_open(&env, body, bl, key, &plain, &pl) == 0) {
				if (ch_plain_decode(plain, pl, &p) == 0 &&
				    p.kind == CH_KIND_CASE_CREATE &&
				    ch_create_decode(p.fields, p.fieldslen, &cr) == 0) {
					ch_case_id(coord, cr.salt, id);
					if (memcmp(id, case_id, 16) == 0)
						genesis = items[i].p;
					ch_create_clear(&cr);
				}
				sodium_memzero(plain, pl);
				free(plain);
			}
		}
	}
	if (!genesis) {
		sodium_memzero(key, sizeof(key));
		/* A lone push of our membership comes before the rest of the case:
		 * the caller asks for the whole feed. Only a bad genesis is news. */
		if (seen_genesis)
			log_warn("refused a new case from %s: its genesis is not bound to its coordinator", from);
		else
			log_debug("a new case from %s: waiting for its genesis", from);
		return -1;
	}
	/* The coordinator is now verified (its genesis binds the case id to its
	 * key): record it before any entry is ingested, so that key slots are
	 * taken from its feed only, whatever order a relay sends them in. */
	scase_t *c;
	static const uint8_t e0[4];
	if ((rc = store_case_get(d->store, case_id, 1, &c)) != 0 ||
	    (rc = store_case_rec_put(c, "meta", (const uint8_t *)"coord", 5, coord, 32)) != 0 ||
	    (rc = store_case_rec_put(c, "meta", (const uint8_t *)"epoch", 5, e0, 4)) != 0 ||
	    (rc = member_put(c, coord, "coordinator", NULL, 0)) != 0 ||
	    (rc = store_key_put(c, found.epoch, found.audience, key)) != 0) {
		sodium_memzero(key, sizeof(key));
		return -1;
	}
	sodium_memzero(key, sizeof(key));
	char name[256];
	nb_org_name(d, NULL, coord, name, sizeof(name));
	log_info("joined a case coordinated by %s", name);
	*out = c;
	return 0;
}
