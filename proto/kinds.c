/* kinds.c - the fields of the care kinds, one table per kind (see kinds.h,
 * and PROTOCOL.md "Fields of the kinds" for every byte).
 *
 * A kind is a list of field descriptors. The decoder reads every field the
 * table lists, then checks the result with the same fields_ok() the encoder
 * runs before it writes anything: one set of rules, on both sides. Only the
 * count of an org list is judged while reading, because it bounds an
 * allocation. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cbuf.h"
#include "kinds.h"
#include "names.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define O(k, m) offsetof(ch_fields_t, u.k.m)

#define F_ENUM(n, k, m, set, lo, hi) { n, CH_FT_ENUM, set, 0, O(k, m), lo, hi }
#define F_FLAG(n, k, m) { n, CH_FT_FLAG, 0, 0, O(k, m), 0, 1 }
#define F_U32(n, k, m, lo, hi) { n, CH_FT_U32, 0, 0, O(k, m), lo, hi }
#define F_TIME(n, k, m, lo) { n, CH_FT_TIME, 0, 0, O(k, m), lo, UINT64_MAX }
#define F_ENTRY(n, k, m, lo, ref) { n, CH_FT_ENTRY, 0, ref, O(k, m), lo, 1 }
#define F_ORG(n, k, m, lo) { n, CH_FT_ORG, 0, 0, O(k, m), lo, 1 }
#define F_KEY(n, k, m) { n, CH_FT_KEY, 0, 0, O(k, m), 0, 1 }
#define F_TEXT(n, k, m, lo, hi) { n, CH_FT_TEXT, 0, 0, O(k, m), lo, hi }
#define F_ROLE(n, k, m) { n, CH_FT_ROLE, 0, 0, O(k, m), 1, CH_KROLE_MAX }
#define F_ORGS(n, k, m, lo) { n, CH_FT_ORGS, 0, 0, O(k, m), lo, CH_ORGS_MAX }

/* The note is encoded by ch_note_* (entry.c); this row only describes it,
 * for the renderer (test_kinds checks that both agree). */
static const ch_field_t note_f[] = {
	F_TEXT("text", note, text, 1, CH_TEXT_MAX),
};

static const ch_field_t goal_f[] = {
	F_ENUM("whose", goal, whose, CH_SET_WHOSE, 1, 2),
	F_ENUM("status", goal, status, CH_SET_GOAL_STATUS, 1, 3),
	F_TEXT("text", goal, text, 1, CH_KTEXT_MAX),
	F_ORGS("workers", goal, workers, 0),
};

static const ch_field_t task_f[] = {
	F_ENUM("status", task, status, CH_SET_TASK_STATUS, 1, 3),
	F_FLAG("agenda", task, agenda),
	F_ORG("owner", task, owner, 0),  /* non-zero unless agenda: task_ok */
	F_KEY("provider", task, provider),
	F_TIME("due", task, due, 0),
	F_ENTRY("goal", task, goal, 0, CH_KIND_GOAL),
	F_TEXT("text", task, text, 1, CH_KTEXT_MAX),
};

static const ch_field_t appt_f[] = {
	F_ENUM("status", appt, status, CH_SET_APPT_STATUS, 1, 3),
	F_TIME("at", appt, at, 1),
	F_U32("minutes", appt, minutes, 0, 7 * 24 * 60),
	F_TEXT("what", appt, what, 1, CH_KTEXT_MAX),
	F_TEXT("where", appt, where, 0, CH_KSHORT_MAX),
	F_TEXT("with", appt, with, 0, CH_KSHORT_MAX),
	F_ORGS("orgs", appt, orgs, 0),
};

static const ch_field_t alert_f[] = {
	F_ENUM("priority", alert, priority, CH_SET_PRIORITY, 1, 3),
	F_TEXT("text", alert, text, 1, CH_KTEXT_MAX),
	F_ORGS("addressed", alert, addressed, 1),
};

static const ch_field_t ack_f[] = {
	F_ENTRY("alert", ack, alert, 1, 0),   /* an alert or a handover (PROTOCOL.md) */
	F_TEXT("text", ack, text, 0, CH_KTEXT_MAX),
};

static const ch_field_t handover_f[] = {
	F_ORG("contact", handover, contact, 1),
	F_ORG("deputy", handover, deputy, 0),
	F_ENUM("isolation", handover, isolation, CH_SET_ISOLATION, 0, 3),
	F_ENUM("fragility", handover, fragility, CH_SET_FRAGILITY, 0, 3),
	F_ENUM("network", handover, network, CH_SET_NETWORK, 0, 3),
	F_TEXT("from", handover, from, 1, CH_KSHORT_MAX),
	F_TEXT("to", handover, to, 1, CH_KSHORT_MAX),
	F_TEXT("contact_person", handover, person, 0, CH_KSHORT_MAX),
	F_TEXT("told", handover, told, 0, CH_KTEXT_MAX),
	F_TEXT("text", handover, text, 1, CH_KLONG_MAX),
};

static const ch_field_t consent_f[] = {
	F_ENUM("purpose", consent, purpose, CH_SET_PURPOSE, 1, 5),
	F_ENUM("basis", consent, basis, CH_SET_BASIS, 1, 3),
	F_TIME("from", consent, from, 1),
	F_TIME("until", consent, until, 0),  /* 0, or after from: consent_ok */
	F_TEXT("grantor", consent, grantor, 1, CH_KSHORT_MAX),
	F_TEXT("grantee", consent, grantee, 1, CH_KSHORT_MAX),
	F_ROLE("role", consent, role),
	F_TEXT("text", consent, text, 0, CH_KTEXT_MAX),
};

static const ch_field_t consult_f[] = {
	F_TIME("answer_by", consult, answer_by, 0),
	F_TEXT("agenda", consult, agenda, 1, CH_KLONG_MAX),
	F_ORGS("invited", consult, invited, 0),
};

static const ch_field_t answer_f[] = {
	F_ENTRY("consultation", answer, consultation, 1, CH_KIND_CONSULTATION),
	F_TEXT("text", answer, text, 1, CH_KLONG_MAX),
};

static const ch_field_t decision_f[] = {
	F_ENTRY("consultation", decision, consultation, 1, CH_KIND_CONSULTATION),
	F_TIME("due", decision, due, 0),
	F_TEXT("text", decision, text, 1, CH_KLONG_MAX),
	F_ORGS("carriers", decision, carriers, 0),
};

static const ch_field_t keep_f[] = {
	F_FLAG("active", keep, active),
	F_U32("every_days", keep, every_days, 1, 365),
	F_TEXT("text", keep, text, 0, CH_KTEXT_MAX),
};

static const ch_field_t checkin_f[] = {
	F_ENTRY("keep", checkin, keep, 1, CH_KIND_KEEP),
	F_TEXT("text", checkin, text, 0, CH_KTEXT_MAX),
};

/* No text: readers see that something was hidden, never what. */
static const ch_field_t hide_f[] = {
	F_ENTRY("target", hide, target, 1, 0),
	F_ENUM("reason", hide, reason, CH_SET_HIDE_REASON, 1, 2),
};

/* Rules across fields, which a descriptor cannot say. */
static int
task_ok(const ch_fields_t *f)
{
	/* Only the person's or family's agenda item may have no owner yet. */
	if (!f->u.task.agenda && sodium_is_zero(f->u.task.owner, 32))
		return CH_ERR_VALUE;
	return CH_OK;
}

static int
consent_ok(const ch_fields_t *f)
{
	const ch_consent_t *c = &f->u.consent;
	if (c->until != 0 && c->until <= c->from)
		return CH_ERR_VALUE;
	return CH_OK;
}

#define K(t, rule) { t, NELEM(t), rule }
static const struct {
	const ch_field_t *f;
	size_t n;
	int (*rule)(const ch_fields_t *);
} kinds[CH_KIND_CARE_LAST + 1] = {
	[CH_KIND_NOTE] = K(note_f, NULL),
	[CH_KIND_GOAL] = K(goal_f, NULL),
	[CH_KIND_TASK] = K(task_f, task_ok),
	[CH_KIND_APPOINTMENT] = K(appt_f, NULL),
	[CH_KIND_ALERT] = K(alert_f, NULL),
	[CH_KIND_ACK] = K(ack_f, NULL),
	[CH_KIND_HANDOVER] = K(handover_f, NULL),
	[CH_KIND_CONSENT] = K(consent_f, consent_ok),
	[CH_KIND_CONSULTATION] = K(consult_f, NULL),
	[CH_KIND_ANSWER] = K(answer_f, NULL),
	[CH_KIND_DECISION] = K(decision_f, NULL),
	[CH_KIND_KEEP] = K(keep_f, NULL),
	[CH_KIND_CHECKIN] = K(checkin_f, NULL),
	[CH_KIND_HIDE] = K(hide_f, NULL),
};

int
ch_kind_is_care(uint8_t kind)
{
	return kind >= CH_KIND_NOTE && kind <= CH_KIND_CARE_LAST;
}

const ch_field_t *
ch_kind_fields(uint8_t kind, size_t *n)
{
	if (!ch_kind_is_care(kind)) {
		*n = 0;
		return NULL;
	}
	*n = kinds[kind].n;
	return kinds[kind].f;
}

#define AT(f, d) ((const uint8_t *)(f) + (d)->off)
#define AT_W(f, d) ((uint8_t *)(f) + (d)->off)

static int
orgs_ok(const ch_field_t *d, const ch_orgs_t *o)
{
	if (o->n > d->max)
		return CH_ERR_TOOBIG;
	if (o->n < d->min || (o->n && !o->id))
		return CH_ERR_VALUE;
	/* n <= 64: the quadratic search costs nothing, and a list is a set. */
	for (size_t i = 0; i < o->n; i++) {
		if (sodium_is_zero(o->id[i], 32))
			return CH_ERR_VALUE;
		for (size_t j = 0; j < i; j++)
			if (memcmp(o->id[i], o->id[j], 32) == 0)
				return CH_ERR_VALUE;
	}
	return CH_OK;
}

static int
field_ok(const ch_field_t *d, const uint8_t *v)
{
	uint64_t x;

	switch (d->type) {
	case CH_FT_ENUM:
	case CH_FT_FLAG:
		x = *v;
		break;
	case CH_FT_U32:
		x = *(const uint32_t *)(const void *)v;
		break;
	case CH_FT_TIME:
		x = *(const uint64_t *)(const void *)v;
		break;
	case CH_FT_ENTRY:
	case CH_FT_ORG:
	case CH_FT_KEY:
		return d->min && sodium_is_zero(v, 32) ? CH_ERR_VALUE : CH_OK;
	case CH_FT_TEXT:
	case CH_FT_ROLE: {
		const char *s = *(char *const *)(const void *)v;
		size_t n = s ? strlen(s) : 0;
		if (n > d->max)
			return CH_ERR_TOOBIG;
		if (n < d->min || !ch_utf8_valid((const uint8_t *)s, n))
			return CH_ERR_VALUE;
		if (d->type == CH_FT_ROLE && !ch_role_ok(s))
			return CH_ERR_VALUE;
		return CH_OK;
	}
	case CH_FT_ORGS:
		return orgs_ok(d, (const ch_orgs_t *)(const void *)v);
	default:
		return CH_ERR_VALUE;
	}
	return x < d->min || x > d->max ? CH_ERR_VALUE : CH_OK;
}

/* The first rule f breaks, in wire order, then the kind's own rule. */
static int
fields_ok(const ch_fields_t *f)
{
	int rc;

	for (size_t i = 0; i < kinds[f->kind].n; i++)
		if ((rc = field_ok(&kinds[f->kind].f[i],
		    AT(f, &kinds[f->kind].f[i]))) != 0)
			return rc;
	return kinds[f->kind].rule ? kinds[f->kind].rule(f) : CH_OK;
}

static void
put_field(cwr_t *w, const ch_field_t *d, const uint8_t *v)
{
	switch (d->type) {
	case CH_FT_ENUM:
	case CH_FT_FLAG:
		cwr_u8(w, *v);
		break;
	case CH_FT_U32:
		cwr_u32(w, *(const uint32_t *)(const void *)v);
		break;
	case CH_FT_TIME:
		cwr_u64(w, *(const uint64_t *)(const void *)v);
		break;
	case CH_FT_ENTRY:
	case CH_FT_ORG:
	case CH_FT_KEY:
		cwr_put(w, v, 32);
		break;
	case CH_FT_TEXT:
	case CH_FT_ROLE:
		cwr_text(w, *(char *const *)(const void *)v, d->max);
		break;
	case CH_FT_ORGS: {
		const ch_orgs_t *o = (const ch_orgs_t *)(const void *)v;
		cwr_u16(w, (uint16_t)o->n);
		for (size_t i = 0; i < o->n; i++)
			cwr_put(w, o->id[i], 32);
		break;
	}
	}
}

int
ch_fields_encode(const ch_fields_t *f, uint8_t **out, size_t *len)
{
	cwr_t w;
	int rc;

	*out = NULL;
	*len = 0;
	if (!ch_kind_is_care(f->kind))
		return CH_ERR_VALUE;
	if (f->kind == CH_KIND_NOTE)
		return ch_note_encode(f->u.note.text, out, len);
	if ((rc = fields_ok(f)) != 0)
		return rc;
	cwr_init(&w, CH_FIELDS_MAX);
	for (size_t i = 0; i < kinds[f->kind].n; i++)
		put_field(&w, &kinds[f->kind].f[i], AT(f, &kinds[f->kind].f[i]));
	return cwr_finish(&w, out, len);
}

static void
get_field(crd_t *r, const ch_field_t *d, uint8_t *v)
{
	switch (d->type) {
	case CH_FT_ENUM:
	case CH_FT_FLAG:
		*v = crd_u8(r);
		break;
	case CH_FT_U32:
		*(uint32_t *)(void *)v = crd_u32(r);
		break;
	case CH_FT_TIME:
		*(uint64_t *)(void *)v = crd_u64(r);
		break;
	case CH_FT_ENTRY:
	case CH_FT_ORG:
	case CH_FT_KEY:
		crd_copy(r, v, 32);
		break;
	case CH_FT_TEXT:
	case CH_FT_ROLE:
		*(char **)(void *)v = crd_text(r, d->max);
		break;
	case CH_FT_ORGS: {
		ch_orgs_t *o = (ch_orgs_t *)(void *)v;
		uint16_t c = crd_u16(r);
		if (r->err || c == 0)
			break;
		/* Judge the count before allocating for it. */
		if (c > d->max) {
			r->err = CH_ERR_TOOBIG;
			break;
		}
		if ((size_t)c * 32 > crd_left(r)) {
			r->err = CH_ERR_TRUNCATED;
			break;
		}
		if (!(o->id = malloc((size_t)c * 32))) {
			r->err = CH_ERR_NOMEM;
			break;
		}
		o->n = c;
		crd_copy(r, o->id, (size_t)c * 32);
		break;
	}
	}
}

int
ch_fields_decode(uint8_t kind, const uint8_t *p, size_t n, ch_fields_t *out)
{
	crd_t r;
	int rc;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	if (!ch_kind_is_care(kind))
		return CH_ERR_VALUE;
	if (kind == CH_KIND_NOTE)
		return ch_note_decode(p, n, &out->u.note);
	crd_init(&r, p, n);
	for (size_t i = 0; i < kinds[kind].n && !r.err; i++)
		get_field(&r, &kinds[kind].f[i], AT_W(out, &kinds[kind].f[i]));
	rc = crd_end(&r);
	if (!rc)
		rc = fields_ok(out);
	if (rc)
		ch_fields_clear(out);
	return rc;
}

void
ch_fields_clear(ch_fields_t *f)
{
	if (f->kind == CH_KIND_NOTE)
		ch_note_clear(&f->u.note);
	else if (ch_kind_is_care(f->kind)) {
		for (size_t i = 0; i < kinds[f->kind].n; i++) {
			const ch_field_t *d = &kinds[f->kind].f[i];
			uint8_t *v = AT_W(f, d);
			if (d->type == CH_FT_TEXT || d->type == CH_FT_ROLE) {
				char **s = (char **)(void *)v;
				if (*s) {
					sodium_memzero(*s, strlen(*s));
					free(*s);
				}
			} else if (d->type == CH_FT_ORGS) {
				ch_orgs_t *o = (ch_orgs_t *)(void *)v;
				if (o->id) {
					/* Who works on a case is care data too. */
					sodium_memzero(o->id, o->n * 32);
					free(o->id);
				}
			}
		}
	}
	sodium_memzero(&f->u, sizeof(f->u));
}

size_t
ch_fields_refs(const ch_fields_t *f, ch_ref_t refs[CH_REFS_MAX])
{
	size_t k = 0;

	if (!ch_kind_is_care(f->kind))
		return 0;
	for (size_t i = 0; i < kinds[f->kind].n && k < CH_REFS_MAX; i++) {
		const ch_field_t *d = &kinds[f->kind].f[i];
		if (d->type != CH_FT_ENTRY || sodium_is_zero(AT(f, d), 32))
			continue;
		refs[k].id = AT(f, d);
		refs[k].kind = d->ref;
		k++;
	}
	return k;
}
