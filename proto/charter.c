/* charter.c - the case charter, the epoch, history-grant and revocation
 * fields, and the membership requests (see charter.h, and PROTOCOL.md,
 * "Membership and the key schedule", for every byte). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cbuf.h"
#include "charter.h"
#include "names.h"

#define CARD_MAX 4096
#define BASIS_MAX 64

/* The least bytes one item of each list can take, to refuse a count that the
 * rest of the input cannot hold before allocating for it. */
#define ROLE_MIN (4 + 1)
#define CORG_MIN (32 + 4 + ROLE_MIN)
#define PERSON_MIN (ROLE_MIN + 4 + 1 + 32 + 4 + 8)
#define REMOVED_LEN (32 + 8 + 32)

/* The most bytes each part can take, for the writers' bounds. */
#define AUD_MAX (1 + 2 + CH_CHARTER_ROLES_MAX * (4 + CH_ROLE_MAX))
#define CORG_MAX (32 + 4 + CARD_MAX + 4 + CH_ROLE_MAX)
#define PERSON_MAX (4 + CH_ROLE_MAX + 4 + CH_NAME_MAX + 32 + 4 + BASIS_MAX + 8)
#define CHARTER_MAX (4 + CH_NAME_MAX + 32 + 4 + 4 + 4 * AUD_MAX + \
	2 + CH_CHARTER_ORGS_MAX * CORG_MAX + \
	2 + CH_CHARTER_PEOPLE_MAX * PERSON_MAX + \
	2 + CH_REMOVED_MAX * REMOVED_LEN)
#define EPOCH_MAX (1 + 32 + 16 + 4 + CH_REQUEST_MAX + CHARTER_MAX)

/* ---- helpers ---- */

static void
text_free(char **s)
{
	if (*s) {
		sodium_memzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

/* Bases are identifiers compared by software: [a-z0-9-]. */
static int
ident_ok(const char *s, size_t min, size_t max)
{
	size_t n = 0;
	if (!s)
		return min == 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '-'))
			return 0;
	return n >= min && n <= max;
}

/* A role in the charter: spelled as a role (names.h), within the field. */
static int
role_fits(const char *s)
{
	return ch_role_ok(s) && strlen(s) <= CH_ROLE_MAX;
}

static int
name_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	size_t n = strlen(s);
	return n <= CH_NAME_MAX && ch_utf8_valid((const uint8_t *)s, n);
}

static int
org_ok(const uint8_t org[32])
{
	return !sodium_is_zero(org, 32);
}

/* Reads a count and refuses it if it is above max (CH_ERR_TOOBIG) or if the
 * rest of the input cannot hold count items of at least min bytes
 * (CH_ERR_TRUNCATED). Returns the count, or 0 with r->err set. */
static size_t
rd_count(crd_t *r, size_t max, size_t min)
{
	uint16_t k = crd_u16(r);
	if (r->err)
		return 0;
	if (k > max) {
		r->err = CH_ERR_TOOBIG;
		return 0;
	}
	if ((size_t)k * min > crd_left(r)) {
		r->err = CH_ERR_TRUNCATED;
		r->off = r->len;
		return 0;
	}
	return k;
}

static void *
rd_alloc(crd_t *r, size_t k, size_t size)
{
	if (r->err || k == 0)
		return NULL;
	void *p = calloc(k, size);
	if (!p)
		r->err = CH_ERR_NOMEM;
	return p;
}

/* ---- person ---- */

static int
person_ok(const ch_person_t *p)
{
	return role_fits(p->role) && name_ok(p->name) &&
	    ident_ok(p->basis, 0, BASIS_MAX);
}

static void
person_put(cwr_t *w, const ch_person_t *p)
{
	cwr_text(w, p->role, CH_ROLE_MAX);
	cwr_text(w, p->name, CH_NAME_MAX);
	cwr_put(w, p->provider, 32);
	cwr_text(w, p->basis, BASIS_MAX);
	cwr_u64(w, p->valid_until);
}

/* Reads one person; the caller checks person_ok once the reader is clean. */
static void
person_get(crd_t *r, ch_person_t *p)
{
	p->role = crd_text(r, CH_ROLE_MAX);
	p->name = crd_text(r, CH_NAME_MAX);
	crd_copy(r, p->provider, 32);
	p->basis = crd_text(r, BASIS_MAX);
	p->valid_until = crd_u64(r);
}

static void
person_clear(ch_person_t *p)
{
	text_free(&p->role);
	text_free(&p->name);
	text_free(&p->basis);
	memset(p, 0, sizeof(*p));
}

/* ---- charter ---- */

/* What the decoder checks beyond framing: the values and the consistency of
 * the lists. */
static int
charter_check(const ch_charter_t *c)
{
	if (!name_ok(c->name))
		return CH_ERR_VALUE;
	if (c->norgs > CH_CHARTER_ORGS_MAX || c->npeople > CH_CHARTER_PEOPLE_MAX ||
	    c->nremoved > CH_REMOVED_MAX)
		return CH_ERR_TOOBIG;
	for (size_t a = 0; a < 4; a++) {
		const ch_audmap_t *m = &c->aud[a];
		if (m->audience != CH_AUD_CARE + a)
			return CH_ERR_VALUE;
		if (m->nroles > CH_CHARTER_ROLES_MAX)
			return CH_ERR_TOOBIG;
		for (size_t i = 0; i < m->nroles; i++)
			if (!role_fits(m->roles[i]))
				return CH_ERR_VALUE;
	}
	for (size_t i = 0; i < c->norgs; i++) {
		const ch_corg_t *o = &c->orgs[i];
		if (o->cardlen > CARD_MAX)
			return CH_ERR_TOOBIG;
		if (!org_ok(o->org) || !role_fits(o->role))
			return CH_ERR_VALUE;
		for (size_t j = 0; j < i; j++)
			if (memcmp(c->orgs[j].org, o->org, 32) == 0)
				return CH_ERR_VALUE;
	}
	if (ch_charter_find_org(c, c->coordinator) < 0)
		return CH_ERR_VALUE;
	for (size_t i = 0; i < c->npeople; i++)
		if (!person_ok(&c->people[i]))
			return CH_ERR_VALUE;
	for (size_t i = 0; i < c->nremoved; i++)
		if (!org_ok(c->removed[i].org) ||
		    ch_charter_find_org(c, c->removed[i].org) >= 0)
			return CH_ERR_VALUE;
	return CH_OK;
}

static void
charter_put(cwr_t *w, const ch_charter_t *c)
{
	cwr_text(w, c->name, CH_NAME_MAX);
	cwr_put(w, c->coordinator, 32);
	cwr_u32(w, c->rotate_days);
	cwr_u32(w, c->rotate_entries);
	for (size_t a = 0; a < 4; a++) {
		cwr_u8(w, c->aud[a].audience);
		cwr_u16(w, (uint16_t)c->aud[a].nroles);
		for (size_t i = 0; i < c->aud[a].nroles; i++)
			cwr_text(w, c->aud[a].roles[i], CH_ROLE_MAX);
	}
	cwr_u16(w, (uint16_t)c->norgs);
	for (size_t i = 0; i < c->norgs; i++) {
		cwr_put(w, c->orgs[i].org, 32);
		cwr_var(w, c->orgs[i].card, c->orgs[i].cardlen, CARD_MAX);
		cwr_text(w, c->orgs[i].role, CH_ROLE_MAX);
	}
	cwr_u16(w, (uint16_t)c->npeople);
	for (size_t i = 0; i < c->npeople; i++)
		person_put(w, &c->people[i]);
	cwr_u16(w, (uint16_t)c->nremoved);
	for (size_t i = 0; i < c->nremoved; i++) {
		cwr_put(w, c->removed[i].org, 32);
		cwr_u64(w, c->removed[i].last_seq);
		cwr_put(w, c->removed[i].last_id, 32);
	}
}

int
ch_charter_encode(const ch_charter_t *c, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	int rc = charter_check(c);
	if (rc)
		return rc;
	cwr_init(&w, CHARTER_MAX);
	charter_put(&w, c);
	return cwr_finish(&w, out, len);
}

/* Reads a charter from r, leaving r at its end; fills c (zeroed first). On
 * error r->err is set and c may hold partial allocations: the caller clears. */
static void
charter_get(crd_t *r, ch_charter_t *c)
{
	size_t k;

	c->name = crd_text(r, CH_NAME_MAX);
	crd_copy(r, c->coordinator, 32);
	c->rotate_days = crd_u32(r);
	c->rotate_entries = crd_u32(r);
	for (size_t a = 0; a < 4 && !r->err; a++) {
		ch_audmap_t *m = &c->aud[a];
		m->audience = crd_u8(r);
		if (!r->err && m->audience != CH_AUD_CARE + a) {
			r->err = CH_ERR_VALUE;
			return;
		}
		k = rd_count(r, CH_CHARTER_ROLES_MAX, ROLE_MIN);
		if ((m->roles = rd_alloc(r, k, sizeof(*m->roles))) != NULL)
			m->nroles = k;
		for (size_t i = 0; i < m->nroles && !r->err; i++)
			m->roles[i] = crd_text(r, CH_ROLE_MAX);
	}

	k = rd_count(r, CH_CHARTER_ORGS_MAX, CORG_MIN);
	if ((c->orgs = rd_alloc(r, k, sizeof(*c->orgs))) != NULL)
		c->norgs = k;
	for (size_t i = 0; i < c->norgs && !r->err; i++) {
		ch_corg_t *o = &c->orgs[i];
		crd_copy(r, o->org, 32);
		o->card = crd_var(r, CARD_MAX, &o->cardlen);
		o->role = crd_text(r, CH_ROLE_MAX);
	}

	k = rd_count(r, CH_CHARTER_PEOPLE_MAX, PERSON_MIN);
	if ((c->people = rd_alloc(r, k, sizeof(*c->people))) != NULL)
		c->npeople = k;
	for (size_t i = 0; i < c->npeople && !r->err; i++)
		person_get(r, &c->people[i]);

	k = rd_count(r, CH_REMOVED_MAX, REMOVED_LEN);
	if ((c->removed = rd_alloc(r, k, sizeof(*c->removed))) != NULL)
		c->nremoved = k;
	for (size_t i = 0; i < c->nremoved && !r->err; i++) {
		crd_copy(r, c->removed[i].org, 32);
		c->removed[i].last_seq = crd_u64(r);
		crd_copy(r, c->removed[i].last_id, 32);
	}
}

int
ch_charter_decode(const uint8_t *p, size_t n, ch_charter_t *c)
{
	crd_t r;

	memset(c, 0, sizeof(*c));
	crd_init(&r, p, n);
	charter_get(&r, c);
	int rc = crd_end(&r);
	if (!rc)
		rc = charter_check(c);
	if (rc)
		ch_charter_clear(c);
	return rc;
}

static void
audmap_clear(ch_audmap_t *m)
{
	if (m->roles)
		for (size_t i = 0; i < m->nroles; i++)
			text_free(&m->roles[i]);
	free(m->roles);
	memset(m, 0, sizeof(*m));
}

void
ch_charter_clear(ch_charter_t *c)
{
	text_free(&c->name);
	for (size_t a = 0; a < 4; a++)
		audmap_clear(&c->aud[a]);
	if (c->orgs)
		for (size_t i = 0; i < c->norgs; i++)
			text_free(&c->orgs[i].role);
	free(c->orgs);
	if (c->people)
		for (size_t i = 0; i < c->npeople; i++)
			person_clear(&c->people[i]);
	free(c->people);
	free(c->removed);
	memset(c, 0, sizeof(*c));
}

/* The default audience map: which roles (of organizations in the case and
 * of providers) belong to care, medical, social and coordination. */
static const char *const medical_roles[] = {
	"gp", "physician", "home-nurse", "nurse", "home-nursing",
	"psychiatric-home-care", "psychiatric-nurse", "psychologist",
	"pharmacist",
};
static const char *const social_roles[] = {
	"social-worker", "social-service", "hospital-social-service",
	"home-help", "family-help", "coordinator", "coordination",
	"case-manager",
};
static const char *const coordination_roles[] = {
	"coordinator", "coordination", "case-manager",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
audmap_add(ch_audmap_t *m, const char *const *roles, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((m->roles[m->nroles] = strdup(roles[i])) == NULL)
			return CH_ERR_NOMEM;
		m->nroles++;
	}
	return CH_OK;
}

int
ch_charter_default_audiences(ch_charter_t *c)
{
	static const struct {
		const char *const *a;
		size_t na;
		const char *const *b;
		size_t nb;
	} def[4] = {
		{ medical_roles, NELEM(medical_roles), social_roles, NELEM(social_roles) },
		{ medical_roles, NELEM(medical_roles), NULL, 0 },
		{ social_roles, NELEM(social_roles), NULL, 0 },
		{ coordination_roles, NELEM(coordination_roles), NULL, 0 },
	};
	int rc = CH_OK;

	memset(c->aud, 0, sizeof(c->aud));
	for (size_t i = 0; i < 4 && !rc; i++) {
		ch_audmap_t *m = &c->aud[i];
		m->audience = (uint8_t)(CH_AUD_CARE + i);
		m->roles = calloc(def[i].na + def[i].nb, sizeof(*m->roles));
		if (!m->roles)
			rc = CH_ERR_NOMEM;
		if (!rc)
			rc = audmap_add(m, def[i].a, def[i].na);
		if (!rc)
			rc = audmap_add(m, def[i].b, def[i].nb);
	}
	if (rc)
		for (size_t i = 0; i < 4; i++)
			audmap_clear(&c->aud[i]);
	return rc;
}

int
ch_charter_role_in(const ch_charter_t *c, const char *role, uint8_t audience)
{
	if (audience == CH_AUD_NETWORK)
		return 1;
	if (audience < CH_AUD_CARE || audience > CH_AUD_COORDINATION || !role)
		return 0;
	const ch_audmap_t *m = &c->aud[audience - CH_AUD_CARE];
	if (m->audience != audience)
		return 0;
	for (size_t i = 0; i < m->nroles; i++)
		if (m->roles[i] && strcmp(m->roles[i], role) == 0)
			return 1;
	return 0;
}

int
ch_charter_find_org(const ch_charter_t *c, const uint8_t org[32])
{
	for (size_t i = 0; i < c->norgs; i++)
		if (memcmp(c->orgs[i].org, org, 32) == 0)
			return (int)i;
	return -1;
}

/* ---- epoch (kinds 16 and 18) ---- */

/* The fields' own consistency: why is known; salt only for a create;
 * subject names the org the change is about (and nothing otherwise), as the
 * charter shows it; only a scheduled rotation has no request. */
static int
epoch_check(const ch_epoch_t *e)
{
	const ch_charter_t *c = &e->charter;
	int zsub = sodium_is_zero(e->subject, 32);

	if (e->why > CH_WHY_PEOPLE)
		return CH_ERR_VALUE;
	if (e->requestlen > CH_REQUEST_MAX)
		return CH_ERR_TOOBIG;
	if (e->why != CH_WHY_CREATE && !sodium_is_zero(e->salt, 16))
		return CH_ERR_VALUE;
	if (e->requestlen == 0 && e->why != CH_WHY_ROTATE)
		return CH_ERR_VALUE;
	switch (e->why) {
	case CH_WHY_CREATE:
	case CH_WHY_ROTATE:
	case CH_WHY_PEOPLE:
		return zsub ? CH_OK : CH_ERR_VALUE;
	case CH_WHY_ADD:
		return ch_charter_find_org(c, e->subject) >= 0 ? CH_OK : CH_ERR_VALUE;
	case CH_WHY_HANDOVER:
		return memcmp(e->subject, c->coordinator, 32) == 0 ? CH_OK :
		    CH_ERR_VALUE;
	case CH_WHY_REMOVE:
		for (size_t i = 0; i < c->nremoved; i++)
			if (memcmp(c->removed[i].org, e->subject, 32) == 0)
				return CH_OK;
		return CH_ERR_VALUE;
	default:
		return CH_ERR_VALUE;
	}
}

int
ch_epoch_encode(const ch_epoch_t *e, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	int rc = charter_check(&e->charter);
	if (!rc)
		rc = epoch_check(e);
	if (rc)
		return rc;
	cwr_init(&w, EPOCH_MAX);
	cwr_u8(&w, e->why);
	cwr_put(&w, e->subject, 32);
	cwr_put(&w, e->salt, 16);
	cwr_var(&w, e->request, e->requestlen, CH_REQUEST_MAX);
	charter_put(&w, &e->charter);
	return cwr_finish(&w, out, len);
}

int
ch_epoch_decode(const uint8_t *p, size_t n, ch_epoch_t *e)
{
	crd_t r;

	memset(e, 0, sizeof(*e));
	crd_init(&r, p, n);
	e->why = crd_u8(&r);
	if (!r.err && e->why > CH_WHY_PEOPLE)
		return CH_ERR_VALUE;
	crd_copy(&r, e->subject, 32);
	crd_copy(&r, e->salt, 16);
	e->request = crd_var(&r, CH_REQUEST_MAX, &e->requestlen);
	charter_get(&r, &e->charter);
	int rc = crd_end(&r);
	if (!rc)
		rc = charter_check(&e->charter);
	if (!rc)
		rc = epoch_check(e);
	if (rc)
		ch_epoch_clear(e);
	return rc;
}

void
ch_epoch_clear(ch_epoch_t *e)
{
	ch_charter_clear(&e->charter);
	sodium_memzero(e->salt, sizeof(e->salt));
	memset(e, 0, sizeof(*e));
}

/* ---- history (20) ---- */

int
ch_history_encode(const ch_history_t *h, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (!org_ok(h->grantee))
		return CH_ERR_VALUE;
	cwr_init(&w, 32 + 4 + CH_REQUEST_MAX);
	cwr_put(&w, h->grantee, 32);
	cwr_var(&w, h->request, h->requestlen, CH_REQUEST_MAX);
	return cwr_finish(&w, out, len);
}

int
ch_history_decode(const uint8_t *p, size_t n, ch_history_t *h)
{
	crd_t r;

	memset(h, 0, sizeof(*h));
	crd_init(&r, p, n);
	crd_copy(&r, h->grantee, 32);
	h->request = crd_var(&r, CH_REQUEST_MAX, &h->requestlen);
	int rc = crd_end(&r);
	if (!rc && !org_ok(h->grantee))
		rc = CH_ERR_VALUE;
	if (rc)
		memset(h, 0, sizeof(*h));
	return rc;
}

/* ---- revoke (21) ---- */

int
ch_revoke_encode(const ch_revoke_t *rv, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (!org_ok(rv->provider))
		return CH_ERR_VALUE;
	cwr_init(&w, 32 + 8);
	cwr_put(&w, rv->provider, 32);
	cwr_u64(&w, rv->revoked_at);
	return cwr_finish(&w, out, len);
}

int
ch_revoke_decode(const uint8_t *p, size_t n, ch_revoke_t *rv)
{
	crd_t r;

	memset(rv, 0, sizeof(*rv));
	crd_init(&r, p, n);
	crd_copy(&r, rv->provider, 32);
	rv->revoked_at = crd_u64(&r);
	int rc = crd_end(&r);
	if (!rc && !org_ok(rv->provider))
		rc = CH_ERR_VALUE;
	if (rc)
		memset(rv, 0, sizeof(*rv));
	return rc;
}

/* ---- fork (22) ---- */

/* The form of a fork's evidence: two envelopes of org at seq, of one case,
 * that differ. */
static int
fork_check(ch_fork_t *f)
{
	uint8_t ia[CH_HASH_LEN], ib[CH_HASH_LEN];
	if (!org_ok(f->org) || f->seq < 1 ||
	    ch_env_decode(f->env_a, CH_ENV_LEN, &f->a) != 0 ||
	    ch_env_decode(f->env_b, CH_ENV_LEN, &f->b) != 0 ||
	    memcmp(f->a.org, f->org, 32) != 0 || memcmp(f->b.org, f->org, 32) != 0 ||
	    f->a.seq != f->seq || f->b.seq != f->seq ||
	    memcmp(f->a.case_id, f->b.case_id, CH_CASE_LEN) != 0)
		return CH_ERR_VALUE;
	ch_env_id(&f->a, ia);
	ch_env_id(&f->b, ib);
	return memcmp(ia, ib, CH_HASH_LEN) == 0 ? CH_ERR_VALUE : 0;
}

int
ch_fork_encode(const ch_fork_t *f, uint8_t **out, size_t *len)
{
	ch_fork_t t;
	cwr_t w;

	*out = NULL;
	*len = 0;
	memcpy(&t, f, sizeof(t));
	if (fork_check(&t) != 0)
		return CH_ERR_VALUE;
	cwr_init(&w, CH_FORK_LEN);
	cwr_put(&w, f->org, 32);
	cwr_u64(&w, f->seq);
	cwr_put(&w, f->env_a, CH_ENV_LEN);
	cwr_put(&w, f->env_b, CH_ENV_LEN);
	return cwr_finish(&w, out, len);
}

int
ch_fork_decode(const uint8_t *p, size_t n, ch_fork_t *f)
{
	crd_t r;

	memset(f, 0, sizeof(*f));
	crd_init(&r, p, n);
	crd_copy(&r, f->org, 32);
	f->seq = crd_u64(&r);
	crd_copy(&r, f->env_a, CH_ENV_LEN);
	crd_copy(&r, f->env_b, CH_ENV_LEN);
	int rc = crd_end(&r);
	if (!rc)
		rc = fork_check(f);
	if (rc)
		memset(f, 0, sizeof(*f));
	return rc;
}

/* ---- requests ---- */

int
ch_orgref_encode(const uint8_t org[32], uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (!org_ok(org))
		return CH_ERR_VALUE;
	cwr_init(&w, 32);
	cwr_put(&w, org, 32);
	return cwr_finish(&w, out, len);
}

int
ch_orgref_decode(const uint8_t *p, size_t n, uint8_t org[32])
{
	crd_t r;

	crd_init(&r, p, n);
	crd_copy(&r, org, 32);
	int rc = crd_end(&r);
	if (!rc && !org_ok(org))
		rc = CH_ERR_VALUE;
	if (rc)
		memset(org, 0, 32);
	return rc;
}

int
ch_personreq_encode(const ch_personreq_t *q, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if ((q->op != CH_PERSON_SET && q->op != CH_PERSON_REMOVE) ||
	    !person_ok(&q->person))
		return CH_ERR_VALUE;
	cwr_init(&w, 1 + PERSON_MAX);
	cwr_u8(&w, q->op);
	person_put(&w, &q->person);
	return cwr_finish(&w, out, len);
}

int
ch_personreq_decode(const uint8_t *p, size_t n, ch_personreq_t *q)
{
	crd_t r;

	memset(q, 0, sizeof(*q));
	crd_init(&r, p, n);
	q->op = crd_u8(&r);
	if (!r.err && q->op != CH_PERSON_SET && q->op != CH_PERSON_REMOVE)
		return CH_ERR_VALUE;
	person_get(&r, &q->person);
	int rc = crd_end(&r);
	if (!rc && !person_ok(&q->person))
		rc = CH_ERR_VALUE;
	if (rc)
		ch_personreq_clear(q);
	return rc;
}

void
ch_personreq_clear(ch_personreq_t *q)
{
	person_clear(&q->person);
	memset(q, 0, sizeof(*q));
}
