/* fhir_map.c - the entries of an export's read as FHIR R4 resources
 * (fhir_map.h; README.md, "FHIR export").
 *
 * Codes come from FHIR's and HL7's own code systems where one fits (task,
 * goal, appointment and consent statuses, the alert category, request
 * priorities, purposes of use, audit event types, actions and outcomes),
 * and from the project's own, under FHIR_BASE/CodeSystem/, where none does
 * (roles, kinds of entry, audiences, purposes as cahier names them, the
 * basis of a designation). Where both exist a CodeableConcept carries
 * both codings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/kinds.h"
#include "../proto/names.h"
#include "author.h"
#include "cli.h"
#include "fhir_map.h"

#define CS(x) FHIR_BASE "/CodeSystem/" x
#define SID(x) FHIR_BASE "/sid/" x
#define EXT_WORKER FHIR_BASE "/StructureDefinition/goal-worker"
#define HL7(x) "http://terminology.hl7.org/CodeSystem/" x
#define ACTREASON HL7("v3-ActReason")
#define DCM "http://dicom.nema.org/resources/ontology/DCM"

/* The Bundle's entries, by resource type, in this order. */
enum {
	G_PATIENT, G_CARETEAM, G_CAREPLAN, G_ORG, G_PRACT, G_RELATED, G_GOAL, G_TASK,
	G_APPT, G_COMM, G_CONSENT, G_BASIC, G_AUDIT, G_N
};

/* One entry of the read. */
typedef struct {
	const ch_readitem_t *it;
	uint8_t id[32];             /* this version's id */
	int open;                   /* its plain body decodes */
	uint8_t kind;
	ch_plain_t p;               /* borrows from the reply */
	cli_author_t au;
	int fok;                    /* f decoded (a care kind) */
	ch_fields_t f;
	int aok;                    /* acc decoded (an access record) */
	ch_access_t acc;
	int rok;                    /* reader parsed */
	keys_cert_t reader;
	const char *rtype;          /* the resource it becomes; NULL: a part of one */
	char uuid[37];
	json_t *activity;           /* a keep-an-eye: its CarePlan.activity (borrowed) */
} item_t;

typedef struct {
	uint8_t org[32];
	char name[KEYS_NAME_MAX + 1];
} orgname_t;

/* An entry by its id or its first version's: the index the entries'
 * references are looked up in. */
typedef struct {
	const uint8_t *id;
	item_t *e;
} byid_t;

typedef struct {
	const fhir_in_t *in;
	item_t *items;
	size_t n;
	byid_t *byid;               /* 2n: each entry by its id and its root */
	orgname_t *names;
	size_t nnames, capnames;
	json_t *grp[G_N];
	json_t *made;               /* uuid -> resource, every one made */
	json_t *team;               /* member uuid -> CareTeam.participant */
	json_t *participants, *goals, *activities;
	char patient[37], careteam[37], careplan[37];
	json_t *patient_res;
	const char *patient_name;
	const item_t *handover;     /* the newest handover: the contact point */
	size_t entries;
} fx_t;

/* ---- jansson, dying when out of memory ---- */

static json_t *
must(json_t *j)
{
	if (!j)
		cli_die(EXIT_ERR, _("out of memory"));
	return j;
}

static json_t *
obj(void)
{
	return must(json_object());
}

static json_t *
arr(void)
{
	return must(json_array());
}

/* A JSON string of s, which may be text someone else wrote. Every text of
 * an entry is UTF-8 (the decoders check); anything else is shown as one
 * U+FFFD rather than lost silently. */
static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
	return j ? j : must(json_string("\xef\xbf\xbd"));
}

static void
put(json_t *o, const char *k, json_t *v)
{
	if (json_object_set_new(o, k, must(v)) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
}

static void
add(json_t *a, json_t *v)
{
	if (json_array_append_new(a, must(v)) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
}

static void
puts_(json_t *o, const char *k, const char *s)
{
	put(o, k, jstr(s));
}

/* A JSON string from a format; the formatted text (it may hold decrypted
 * text) is wiped. */
static json_t *
jfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *
jfmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		cli_die(EXIT_ERR, _("out of memory"));
	json_t *j = jstr(s);
	sodium_memzero(s, (size_t)n);
	free(s);
	return j;
}

static json_t *
coding(const char *system, const char *code, const char *display)
{
	json_t *c = obj();
	puts_(c, "system", system);
	puts_(c, "code", code);
	if (display)
		puts_(c, "display", display);
	return c;
}

/* A CodeableConcept of one coding (system NULL: text only). */
static json_t *
cc(const char *system, const char *code, const char *display)
{
	json_t *c = obj(), *a = arr();
	if (system) {
		add(a, coding(system, code, display));
		put(c, "coding", a);
	} else
		json_decref(a);
	if (display && !system)
		puts_(c, "text", display);
	return c;
}

static json_t *
one(json_t *v)
{
	json_t *a = arr();
	add(a, v);
	return a;
}

static json_t *
ident(const char *system, const uint8_t *key, size_t n)
{
	char hex[65];
	json_t *i = obj();
	sodium_bin2hex(hex, sizeof(hex), key, n);
	puts_(i, "system", system);
	puts_(i, "value", hex);
	return i;
}

/* ---- times ---- */

static json_t *
jtime(uint64_t ms)
{
	char iso[32];
	cli_time_iso(ms, iso);
	return jstr(iso);
}

/* A date as people mean it: the local day. */
static void
day(uint64_t ms, char out[16])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static json_t *
jday(uint64_t ms)
{
	char d[16];
	day(ms, d);
	return jstr(d);
}

/* ---- ids ---- */

/* A UUID (RFC 9562, version 8: its bits are ours) from BLAKE2b-128 of
 * "cahier-fhir-id-v1", what it names and the key of that thing (k1, then
 * k2 when there is one). */
static void
uuid_parts(const char *what, const void *k1, size_t n1, const void *k2, size_t n2,
    char out[37])
{
	static const char tag[] = "cahier-fhir-id-v1";
	uint8_t h[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)tag, sizeof(tag));
	crypto_generichash_update(&st, (const uint8_t *)what, strlen(what) + 1);
	crypto_generichash_update(&st, k1, n1);
	if (k2)
		crypto_generichash_update(&st, k2, n2);
	crypto_generichash_final(&st, h, sizeof(h));
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x80);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12],
	    h[13], h[14], h[15]);
}

static void
uuid_of(const char *what, const void *key, size_t n, char out[37])
{
	uuid_parts(what, key, n, NULL, 0, out);
}

/* The id of a person known by role and name only: role, NUL, name. */
static void
uuid_named(const char *what, const char *role, const char *name, char out[37])
{
	uuid_parts(what, role, strlen(role) + 1, name, strlen(name), out);
}

/* A new resource of type with id uuid, listed in group g of the Bundle. */
static json_t *
resource(fx_t *x, int g, const char *type, const char *uuid)
{
	json_t *r = obj(), *e = obj();
	puts_(r, "resourceType", type);
	puts_(r, "id", uuid);
	put(e, "fullUrl", jfmt("urn:uuid:%s", uuid));
	put(e, "resource", r);
	add(x->grp[g], e);
	/* r stays alive in the Bundle; made keeps a reference of its own */
	if (json_object_set(x->made, uuid, r) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	return r;
}

static json_t *
made(const fx_t *x, const char *uuid)
{
	return json_object_get(x->made, uuid);
}

/* A reference to a resource of the Bundle. */
static json_t *
ref(const char *type, const char *uuid, const char *display)
{
	json_t *r = obj();
	put(r, "reference", jfmt("urn:uuid:%s", uuid));
	puts_(r, "type", type);
	if (display && *display)
		puts_(r, "display", display);
	return r;
}

static json_t *
patient_ref(const fx_t *x)
{
	return ref("Patient", x->patient, x->patient_name);
}

/* ---- names and codes ---- */

static const char *
org_name(const fx_t *x, const uint8_t org[32])
{
	for (size_t i = 0; i < x->nnames; i++)
		if (memcmp(x->names[i].org, org, 32) == 0)
			return x->names[i].name;
	return NULL;
}

static void
name_add(fx_t *x, const uint8_t org[32], const char *name, size_t n)
{
	if (org_name(x, org))
		return;
	if (x->nnames == x->capnames) {
		size_t cap = x->capnames ? x->capnames * 2 : 16;
		orgname_t *v = realloc(x->names, cap * sizeof(*v));
		if (!v)
			cli_die(EXIT_ERR, _("out of memory"));
		x->names = v;
		x->capnames = cap;
	}
	orgname_t *o = &x->names[x->nnames++];
	memcpy(o->org, org, 32);
	if (n > KEYS_NAME_MAX)
		n = KEYS_NAME_MAX;
	memcpy(o->name, name, n);
	o->name[n] = '\0';
}

/* A role as words, "home-nurse" -> "home nurse", for a display. */
static json_t *
role_cc(const char *role)
{
	char words[KEYS_ROLE_MAX + 1];
	snprintf(words, sizeof(words), "%s", role ? role : "");
	for (char *p = words; *p; p++)
		if (*p == '-')
			*p = ' ';
	return ch_role_ok(role) ? cc(CS("role"), role, words) : cc(NULL, NULL, words);
}

static json_t *
kind_cc(const char *code, const char *display)
{
	return cc(CS("entry-kind"), code, display);
}

/* HL7's purpose of use (v3 ActReason) for cahier's purposes. */
static const char *
purpose_v3(uint8_t p, const char **display)
{
	switch (p) {
	case CH_PURPOSE_TREATMENT: *display = "treatment"; return "TREAT";
	case CH_PURPOSE_EMERGENCY: *display = "emergency treatment"; return "ETREAT";
	case CH_PURPOSE_COORDINATION: *display = "care management"; return "CAREMGT";
	case CH_PURPOSE_OWN_REQUEST: *display = "patient requested"; return "PATRQT";
	case CH_PURPOSE_AUDIT: *display = "healthcare operations"; return "HOPERAT";
	default: return NULL;
	}
}

/* Both codings of a purpose, into array a. */
static void
purpose_codings(json_t *a, uint8_t p)
{
	const char *d = NULL, *v3 = purpose_v3(p, &d), *name = ch_purpose_name(p);
	if (v3)
		add(a, coding(ACTREASON, v3, d));
	if (name)
		add(a, coding(CS("purpose"), name, NULL));
}

static const char *
value(uint8_t set, uint8_t v)
{
	const char *s = ch_value_name(set, v);
	return s ? s : "unknown";
}

/* ---- organizations and people ---- */

static json_t *
org_ref(fx_t *x, const uint8_t org[32])
{
	char uuid[37];
	const char *name = org_name(x, org);
	uuid_of("Organization", org, 32, uuid);
	if (!made(x, uuid)) {
		json_t *r = resource(x, G_ORG, "Organization", uuid);
		put(r, "identifier", one(ident(SID("organization"), org, 32)));
		if (name)
			puts_(r, "name", name);
	}
	return ref("Organization", uuid, name);
}

/* An organization where FHIR takes no Organization (an Appointment's
 * participant): by its key and name. */
static json_t *
org_logical(fx_t *x, const uint8_t org[32])
{
	json_t *r = obj();
	const char *name = org_name(x, org);
	put(r, "identifier", ident(SID("organization"), org, 32));
	if (name)
		puts_(r, "display", name);
	return r;
}

/* The CareTeam's participant for member uuid, made on first use. */
static json_t *
participant(fx_t *x, json_t *member, const char *uuid)
{
	json_t *p = json_object_get(x->team, uuid);
	if (p) {
		json_decref(member);
		return p;
	}
	p = obj();
	put(p, "role", arr());
	put(p, "member", member);
	add(x->participants, json_incref(p));
	if (json_object_set_new(x->team, uuid, p) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	return p;
}

/* Adds role (a CodeableConcept) to the participant p, once. */
static void
participant_role(json_t *p, json_t *role)
{
	json_t *roles = json_object_get(p, "role");
	size_t i;
	json_t *r;
	json_array_foreach(roles, i, r)
		if (json_equal(r, role)) {
			json_decref(role);
			return;
		}
	add(roles, role);
}

static const char *
ref_uuid(const json_t *r)
{
	const char *s = json_string_value(json_object_get(r, "reference"));
	return s && strncmp(s, "urn:uuid:", 9) == 0 ? s + 9 : "";
}

/* A person around the person, from the charter or a certificate: a
 * RelatedPerson, made once (its id from the provider key when there is
 * one, else from its role and name). */
static json_t *
related_ref(fx_t *x, const char *role, const char *name, const uint8_t key[32],
    uint64_t until_s)
{
	char uuid[37];
	if (key && !sodium_is_zero(key, 32))
		uuid_of("RelatedPerson", key, 32, uuid);
	else
		uuid_named("RelatedPerson", role, name, uuid);
	if (!made(x, uuid)) {
		json_t *r = resource(x, G_RELATED, "RelatedPerson", uuid);
		if (key && !sodium_is_zero(key, 32))
			put(r, "identifier", one(ident(SID("provider"), key, 32)));
		put(r, "patient", patient_ref(x));
		put(r, "relationship", one(role_cc(role)));
		json_t *hn = obj();
		puts_(hn, "text", name);
		put(r, "name", one(hn));
		if (until_s) {
			json_t *per = obj();
			put(per, "end", jtime(until_s * 1000));
			put(r, "period", per);
		}
	}
	return ref("RelatedPerson", uuid, name);
}

/* Who a certificate names: the Patient for the patient, a RelatedPerson
 * for the other people around the person, else a Practitioner (made once,
 * its id from the provider key). Those who wrote in the case are in the
 * CareTeam (with team set). */
static json_t *
who_ref(fx_t *x, const keys_cert_t *kc, int team)
{
	json_t *r;
	char uuid[37];
	if (strcmp(kc->role, "patient") == 0)
		return patient_ref(x);
	if (ch_role_is_person(kc->role)) {
		r = related_ref(x, kc->role, kc->name, kc->provider, 0);
		if (team)
			participant_role(participant(x, json_deep_copy(r), ref_uuid(r)),
			    role_cc(kc->role));
		return r;
	}
	uuid_of("Practitioner", kc->provider, 32, uuid);
	if (!made(x, uuid)) {
		json_t *p = resource(x, G_PRACT, "Practitioner", uuid);
		put(p, "identifier", one(ident(SID("provider"), kc->provider, 32)));
		json_t *hn = obj();
		puts_(hn, "text", kc->name);
		put(p, "name", one(hn));
	}
	r = ref("Practitioner", uuid, kc->name);
	if (team) {
		json_t *p = participant(x, json_deep_copy(r), uuid);
		participant_role(p, role_cc(kc->role));
		if (!json_object_get(p, "onBehalfOf"))
			put(p, "onBehalfOf", org_ref(x, kc->org_id));
	}
	return r;
}

/* ---- the entries ---- */

static int
byid_cmp(const void *a, const void *b)
{
	return memcmp(((const byid_t *)a)->id, ((const byid_t *)b)->id, 32);
}

static void
index_items(fx_t *x)
{
	if (!(x->byid = calloc(x->n ? 2 * x->n : 1, sizeof(*x->byid))))
		cli_die(EXIT_ERR, _("out of memory"));
	for (size_t i = 0; i < x->n; i++) {
		x->byid[2 * i].id = x->items[i].id;
		x->byid[2 * i].e = &x->items[i];
		x->byid[2 * i + 1].id = x->items[i].it->root;
		x->byid[2 * i + 1].e = &x->items[i];
	}
	qsort(x->byid, 2 * x->n, sizeof(*x->byid), byid_cmp);
}

/* The entry of this export whose id, or whose first version's id, is id. */
static item_t *
find(fx_t *x, const uint8_t id[32])
{
	byid_t key = { id, NULL }, *hit;
	if (sodium_is_zero(id, 32) || !x->n)
		return NULL;
	hit = bsearch(&key, x->byid, 2 * x->n, sizeof(*x->byid), byid_cmp);
	return hit ? hit->e : NULL;
}

/* A reference to the resource an entry the fields name became; when it is
 * not in this export, a reference by the entry's id (type must be the
 * resource it would be). NULL when it would not be of that type. */
static json_t *
entry_ref(fx_t *x, const uint8_t id[32], const char *type)
{
	if (sodium_is_zero(id, 32))
		return NULL;
	item_t *e = find(x, id);
	if (e && e->rtype && strcmp(e->rtype, type) == 0)
		return ref(type, e->uuid, NULL);
	if (e)
		return NULL;
	json_t *r = obj();
	put(r, "type", jstr(type));
	put(r, "identifier", ident(SID("entry"), id, 32));
	return r;
}

/* Who wrote the entry: its author, else its organization. */
static json_t *
author_ref(fx_t *x, item_t *e, int team)
{
	return e->au.found ? who_ref(x, &e->au.cert, team) : org_ref(x, e->it->env.org);
}

/* A resource for entry e, with what every one holds: its id, its
 * version count and time, its audience (as a security label), and its
 * entry id as identifier. */
static json_t *
entry_resource(fx_t *x, item_t *e, int g, int identifier)
{
	json_t *r = resource(x, g, e->rtype, e->uuid), *meta = obj();
	const char *aud = ch_aud_name(e->it->env.audience);
	put(meta, "versionId", jfmt("%u", (unsigned)(e->it->versions ? e->it->versions : 1)));
	put(meta, "lastUpdated", jtime(e->it->env.time_ms));
	if (aud)
		put(meta, "security", one(coding(CS("audience"), aud, NULL)));
	if (e->au.found && !e->au.verified)
		put(meta, "tag", one(coding(CS("entry-kind"), "signature-not-verified",
		    "the author's signature does not verify")));
	put(r, "meta", meta);
	if (identifier)
		put(r, "identifier", one(ident(SID("entry"), e->it->root, 32)));
	return r;
}

static int
edited(const item_t *e)
{
	return e->it->versions > 1;
}

static void
orgs_into(fx_t *x, json_t *a, const ch_orgs_t *o)
{
	for (size_t i = 0; i < o->n; i++)
		add(a, org_ref(x, o->id[i]));
}

static void
payload(json_t *a, json_t *s)
{
	json_t *p = obj();
	put(p, "contentString", s);
	add(a, p);
}

/* note, alert, ack, handover, consultation, answer, decision, and a
 * check-in whose keep-an-eye is not in the export. */
static void
make_communication(fx_t *x, item_t *e)
{
	const ch_fields_t *f = &e->f;
	json_t *r = entry_resource(x, e, G_COMM, 1);
	json_t *cat = obj(), *codings = arr(), *pl = arr(), *to = arr(), *resp = arr();
	const char *kind = ch_kind_name(e->kind);
	char d[16];

	puts_(r, "status", "completed");
	if (e->kind == CH_KIND_ALERT)
		add(codings, coding(HL7("communication-category"), "alert", "Alert"));
	add(codings, coding(CS("entry-kind"), kind, NULL));
	put(cat, "coding", codings);
	put(r, "category", one(cat));
	switch (e->kind) {
	case CH_KIND_NOTE: {
		payload(pl, jstr(f->u.note.text));
		/* a reply: to a Communication of this export only (what it
		 * answers may be of any kind) */
		json_t *t = entry_ref(x, e->p.reply_to, "Communication");
		if (t && json_object_get(t, "reference"))
			add(resp, t);
		else
			json_decref(t);
		break;
	}
	case CH_KIND_ALERT:
		puts_(r, "priority", f->u.alert.priority == CH_PRIO_URGENT ? "asap" :
		    f->u.alert.priority == CH_PRIO_HIGH ? "urgent" : "routine");
		payload(pl, jstr(f->u.alert.text));
		orgs_into(x, to, &f->u.alert.addressed);
		break;
	case CH_KIND_ACK: {
		if (*f->u.ack.text)
			payload(pl, jstr(f->u.ack.text));
		json_t *t = entry_ref(x, f->u.ack.alert, "Communication");
		if (t)
			add(resp, t);
		break;
	}
	case CH_KIND_HANDOVER: {
		const ch_handover_t *h = &f->u.handover;
		payload(pl, jstr(h->text));
		payload(pl, jfmt("From: %s", h->from));
		payload(pl, jfmt("To: %s", h->to));
		if (*h->person)
			payload(pl, jfmt("Contact person: %s", h->person));
		if (*h->told)
			payload(pl, jfmt("What the person was told: %s", h->told));
		payload(pl, jfmt("Vulnerability screen: isolation %s; psychosocial fragility %s; "
		    "ability to mobilise a network %s", value(CH_SET_ISOLATION, h->isolation),
		    value(CH_SET_FRAGILITY, h->fragility), value(CH_SET_NETWORK, h->network)));
		add(to, org_ref(x, h->contact));
		if (!sodium_is_zero(h->deputy, 32))
			add(to, org_ref(x, h->deputy));
		x->handover = e;
		break;
	}
	case CH_KIND_CONSULTATION:
		payload(pl, jstr(f->u.consult.agenda));
		if (f->u.consult.answer_by) {
			day(f->u.consult.answer_by, d);
			payload(pl, jfmt("Answers by %s", d));
		}
		orgs_into(x, to, &f->u.consult.invited);
		break;
	case CH_KIND_ANSWER: {
		payload(pl, jstr(f->u.answer.text));
		json_t *t = entry_ref(x, f->u.answer.consultation, "Communication");
		if (t)
			add(resp, t);
		break;
	}
	case CH_KIND_DECISION: {
		payload(pl, jstr(f->u.decision.text));
		if (f->u.decision.due) {
			day(f->u.decision.due, d);
			payload(pl, jfmt("To be carried out by %s", d));
		}
		orgs_into(x, to, &f->u.decision.carriers);
		json_t *t = entry_ref(x, f->u.decision.consultation, "Communication");
		if (t)
			add(resp, t);
		break;
	}
	case CH_KIND_CHECKIN: {
		if (*f->u.checkin.text)
			payload(pl, jstr(f->u.checkin.text));
		json_t *about = obj();
		put(about, "identifier", ident(SID("entry"), f->u.checkin.keep, 32));
		puts_(about, "display", "a keep-an-eye of this case");
		put(r, "about", one(about));
		break;
	}
	default:
		break;
	}
	if (json_array_size(resp))
		put(r, "inResponseTo", resp);
	else
		json_decref(resp);
	put(r, "subject", patient_ref(x));
	put(r, "sent", jtime(e->it->env.time_ms));
	if (json_array_size(to))
		put(r, "recipient", to);
	else
		json_decref(to);
	put(r, "sender", author_ref(x, e, 1));
	if (json_array_size(pl))
		put(r, "payload", pl);
	else
		json_decref(pl);
}

static void
make_goal(fx_t *x, item_t *e)
{
	const ch_goal_t *g = &e->f.u.goal;
	json_t *r = entry_resource(x, e, G_GOAL, 1);
	if (g->workers.n) {
		json_t *ext = arr();
		for (size_t i = 0; i < g->workers.n; i++) {
			json_t *w = obj();
			puts_(w, "url", EXT_WORKER);
			put(w, "valueReference", org_ref(x, g->workers.id[i]));
			add(ext, w);
		}
		put(r, "extension", ext);
	}
	puts_(r, "lifecycleStatus", g->status == CH_GOAL_REACHED ? "completed" :
	    g->status == CH_GOAL_DROPPED ? "cancelled" : "active");
	if (g->status == CH_GOAL_REACHED)
		put(r, "achievementStatus", cc(HL7("goal-achievement"), "achieved", "Achieved"));
	put(r, "category", one(cc(CS("goal-kind"), g->whose == CH_GOAL_OWN ? "own" : "shared",
	    g->whose == CH_GOAL_OWN ? "the person's own goal" : "a shared goal")));
	json_t *desc = obj();
	puts_(desc, "text", g->text);
	put(r, "description", desc);
	put(r, "subject", patient_ref(x));
	if (!edited(e))
		put(r, "startDate", jday(e->it->env.time_ms));
	put(r, "statusDate", jday(e->it->env.time_ms));
	put(r, "expressedBy", g->whose == CH_GOAL_OWN ? patient_ref(x) : author_ref(x, e, 1));
	add(x->goals, ref("Goal", e->uuid, NULL));
}

static void
make_task(fx_t *x, item_t *e)
{
	const ch_task_t *t = &e->f.u.task;
	json_t *r = entry_resource(x, e, G_TASK, 1);
	put(r, "basedOn", one(ref("CarePlan", x->careplan, NULL)));
	puts_(r, "status", t->status == CH_TASK_DONE ? "completed" :
	    t->status == CH_TASK_CANCELLED ? "cancelled" : "ready");
	puts_(r, "intent", "plan");
	put(r, "code", t->agenda ? kind_cc("agenda-item", "an agenda item of the person or family") :
	    kind_cc("task", NULL));
	puts_(r, "description", t->text);
	put(r, "for", patient_ref(x));
	if (!edited(e))
		put(r, "authoredOn", jtime(e->it->env.time_ms));
	put(r, "lastModified", jtime(e->it->env.time_ms));
	/* The author of an edited task's latest version is who edited it. */
	if (!edited(e))
		put(r, "requester", author_ref(x, e, 1));
	if (!sodium_is_zero(t->owner, 32))
		put(r, "owner", org_ref(x, t->owner));
	json_t *goal = sodium_is_zero(t->goal, 32) ? NULL : entry_ref(x, t->goal, "Goal");
	if (goal)
		put(r, "reasonReference", goal);
	if (t->due) {
		json_t *rs = obj(), *per = obj();
		put(per, "end", jtime(t->due));
		put(rs, "period", per);
		put(r, "restriction", rs);
	}
	json_t *act = obj();
	put(act, "reference", ref("Task", e->uuid, NULL));
	add(x->activities, act);
}

static void
make_appointment(fx_t *x, item_t *e)
{
	const ch_appt_t *a = &e->f.u.appt;
	json_t *r = entry_resource(x, e, G_APPT, 1), *ps = arr(), *p;
	puts_(r, "status", a->status == CH_APPT_DONE ? "fulfilled" :
	    a->status == CH_APPT_CANCELLED ? "cancelled" : "booked");
	puts_(r, "description", a->what);
	put(r, "start", jtime(a->at));
	/* FHIR asks for both ends of a booked appointment: no duration, no
	 * length. */
	put(r, "end", jtime(a->at + (uint64_t)a->minutes * 60000));
	if (a->minutes)
		put(r, "minutesDuration", must(json_integer(a->minutes)));
	if (!edited(e))
		put(r, "created", jtime(e->it->env.time_ms));
	p = obj();
	put(p, "actor", patient_ref(x));
	puts_(p, "status", "accepted");
	add(ps, p);
	for (size_t i = 0; i < a->orgs.n; i++) {
		p = obj();
		put(p, "actor", org_logical(x, a->orgs.id[i]));
		puts_(p, "status", "accepted");
		add(ps, p);
	}
	if (*a->with) {
		json_t *w = obj();
		puts_(w, "display", a->with);
		p = obj();
		put(p, "actor", w);
		puts_(p, "status", "accepted");
		add(ps, p);
	}
	if (*a->where) {
		json_t *w = obj();
		puts_(w, "type", "Location");
		puts_(w, "display", a->where);
		p = obj();
		put(p, "actor", w);
		puts_(p, "status", "accepted");
		add(ps, p);
	}
	put(r, "participant", ps);
	json_t *act = obj();
	put(act, "reference", ref("Appointment", e->uuid, NULL));
	add(x->activities, act);
}

/* A keep-an-eye: an activity of the CarePlan, at low intensity. */
static void
make_keep(fx_t *x, item_t *e)
{
	const ch_keep_t *k = &e->f.u.keep;
	json_t *act = obj(), *det = obj(), *tm = obj(), *rep = obj();
	puts_(act, "id", e->uuid);
	put(det, "code", kind_cc("keep-an-eye", "keep an eye: the case followed at low intensity"));
	puts_(det, "status", k->active ? "in-progress" : "stopped");
	put(rep, "frequency", must(json_integer(1)));
	put(rep, "period", must(json_integer(k->every_days)));
	puts_(rep, "periodUnit", "d");
	put(tm, "repeat", rep);
	put(det, "scheduledTiming", tm);
	put(det, "performer", one(author_ref(x, e, 1)));
	if (*k->text)
		puts_(det, "description", k->text);
	put(act, "detail", det);
	e->activity = act;
	add(x->activities, act);
}

/* A check-in: a progress note of its keep-an-eye, when that is exported. */
static void
make_checkin(fx_t *x, item_t *e)
{
	item_t *k = find(x, e->f.u.checkin.keep);
	if (!k || !k->activity) {
		e->rtype = "Communication";
		uuid_of("Communication", e->it->root, 32, e->uuid);
		make_communication(x, e);
		return;
	}
	json_t *prog = json_object_get(k->activity, "progress"), *n = obj();
	if (!prog) {
		prog = arr();
		put(k->activity, "progress", prog);
	}
	puts_(n, "id", e->uuid);
	put(n, "authorReference", author_ref(x, e, 1));
	put(n, "time", jtime(e->it->env.time_ms));
	puts_(n, "text", *e->f.u.checkin.text ? e->f.u.checkin.text : "Checked in.");
	add(prog, n);
}

static const char *
basis_display(const char *basis)
{
	uint8_t v;
	if (ch_value_parse(CH_SET_BASIS, basis, &v) != 0)
		return NULL;
	return v == CH_BASIS_CONSENT ? "the person's own consent" :
	    v == CH_BASIS_MANDATE ? "a written mandate" : "a legal order";
}

/* What every Consent holds: status, scope, category, the person. */
static void
consent_common(fx_t *x, json_t *r, uint64_t until_ms)
{
	puts_(r, "status", until_ms && until_ms <= x->in->now_ms ? "inactive" : "active");
	put(r, "scope", cc(HL7("consentscope"), "patient-privacy", "Privacy Consent"));
	put(r, "category", one(cc("http://loinc.org", "59284-0", "Patient Consent")));
	put(r, "patient", patient_ref(x));
}

static json_t *
basis_cc(const char *basis)
{
	const char *d = basis_display(basis);
	if (d)
		return cc(CS("basis"), basis, d);
	return cc(NULL, NULL, *basis ? basis : "no basis recorded");
}

/* A consent entry: who grants what to whom, why, for how long. */
static void
make_consent(fx_t *x, item_t *e)
{
	const ch_consent_t *k = &e->f.u.consent;
	json_t *r = entry_resource(x, e, G_CONSENT, 1), *prov = obj(), *per = obj(),
	    *actor = obj(), *who = obj(), *purp = arr();
	consent_common(x, r, k->until);
	put(r, "dateTime", jtime(e->it->env.time_ms));
	json_t *grantor = obj();
	if (x->patient_name && strcmp(x->patient_name, k->grantor) == 0) {
		json_decref(grantor);
		grantor = patient_ref(x);
	} else
		puts_(grantor, "display", k->grantor);
	put(r, "performer", one(grantor));
	put(r, "organization", one(org_ref(x, e->it->env.org)));
	if (*k->text) {
		/* The consent's own words, as written down: the source it was
		 * taken from. */
		const size_t tl = strlen(k->text);
		const size_t bl = sodium_base64_ENCODED_LEN(tl, sodium_base64_VARIANT_ORIGINAL);
		char *b = malloc(bl);
		json_t *att = obj();
		if (!b)
			cli_die(EXIT_ERR, _("out of memory"));
		sodium_bin2base64(b, bl, (const unsigned char *)k->text, tl,
		    sodium_base64_VARIANT_ORIGINAL);
		puts_(att, "contentType", "text/plain; charset=utf-8");
		puts_(att, "data", b);
		sodium_memzero(b, bl);
		free(b);
		put(r, "sourceAttachment", att);
	}
	const char *basis = value(CH_SET_BASIS, k->basis);
	put(r, "policyRule", basis_cc(basis));
	puts_(prov, "type", "permit");
	put(per, "start", jtime(k->from));
	if (k->until)
		put(per, "end", jtime(k->until));
	put(prov, "period", per);
	put(actor, "role", role_cc(k->role));
	puts_(who, "display", k->grantee);
	put(actor, "reference", who);
	put(prov, "actor", one(actor));
	purpose_codings(purp, k->purpose);
	if (json_array_size(purp))
		put(prov, "purpose", purp);
	else
		json_decref(purp);
	put(r, "provision", prov);
}

/* A designation of the charter (a trusted person, a representative): a
 * Consent whose actor is the RelatedPerson. */
static void
make_designation(fx_t *x, const ch_person_t *ps, json_t *who)
{
	char uuid[37];
	uuid_named("Consent", ps->role, ps->name, uuid);
	if (made(x, uuid)) {
		json_decref(who);
		return;
	}
	json_t *r = resource(x, G_CONSENT, "Consent", uuid), *prov = obj(), *actor = obj();
	consent_common(x, r, ps->valid_until * 1000);
	put(r, "policyRule", basis_cc(ps->basis));
	puts_(prov, "type", "permit");
	if (ps->valid_until) {
		json_t *per = obj();
		put(per, "end", jtime(ps->valid_until * 1000));
		put(prov, "period", per);
	}
	put(actor, "role", role_cc(ps->role));
	put(actor, "reference", who);
	put(prov, "actor", one(actor));
	put(r, "provision", prov);
}

/* An entry shown without its content: hidden (its hide entry), erased (its
 * erase entry), or one whose content does not decode. */
static void
make_marker(fx_t *x, item_t *e, const char *code, const char *text, const uint8_t target[32],
    json_t *author)
{
	if (made(x, e->uuid)) {
		json_decref(author);
		return;
	}
	json_t *r = resource(x, G_BASIC, "Basic", e->uuid), *meta = obj(), *code_cc;
	put(meta, "lastUpdated", jtime(e->it->env.time_ms));
	if (strcmp(code, "unreadable") != 0)
		put(meta, "security", one(coding(HL7("v3-ObservationValue"), "REDACTED",
		    "redacted")));
	put(r, "meta", meta);
	put(r, "identifier", one(ident(SID("entry"), target, 32)));
	code_cc = kind_cc(code, NULL);
	puts_(code_cc, "text", text);
	put(r, "code", code_cc);
	put(r, "subject", patient_ref(x));
	put(r, "created", jday(e->it->env.time_ms));
	put(r, "author", author);
}

static void
make_hidden(fx_t *x, item_t *e)
{
	make_marker(x, e, "hidden", e->f.u.hide.reason == CH_HIDE_ASKED ?
	    "an entry hidden at the person's request: who wrote it and what it says are not exported" :
	    "an entry hidden as posted in error: who wrote it and what it says are not exported",
	    e->f.u.hide.target, author_ref(x, e, 0));
}

static void
make_erased(fx_t *x, item_t *e, const ch_erase_t *er)
{
	make_marker(x, e, "erased", er->reason == CH_ERASE_ASKED ?
	    "an entry whose content was erased at the person's request" :
	    er->reason == CH_ERASE_RETENTION ?
	    "an entry whose content was erased at the end of its retention" :
	    "an entry whose content was erased as posted in error", er->id,
	    org_ref(x, e->it->env.org));
}

/* ---- access records ---- */

static const char *
fhir_action(uint8_t a)
{
	switch (a) {
	case CH_ACT_CREATE: return "C";
	case CH_ACT_UPDATE: return "U";
	case CH_ACT_DELETE: return "D";
	case CH_ACT_SEARCH: return "E";
	default: return "R";
	}
}

/* What the signed request inside the record asked for, in words. */
static const char *
scope_words(const ch_access_t *a)
{
	ch_readreq_t rq;
	const uint64_t membership = (uint64_t)1 << CH_KIND_CASE_CREATE |
	    (uint64_t)1 << CH_KIND_EPOCH;
	if (a->action == CH_ACT_LIST)
		return "the case's name, in a list of cases";
	if (!a->requestlen || ch_readreq_decode(a->request, a->requestlen, &rq) != 0)
		return "the notebook";
	if (rq.kinds == (uint64_t)1 << CH_KIND_ACCESS)
		return "the audit: who read the notebook";
	if (rq.kinds && (rq.kinds & ~membership) == 0)
		return "the care network";
	if (!sodium_is_zero(rq.entry, 32))
		return "one entry";
	return "the notebook";
}

static void
make_audit(fx_t *x, item_t *e)
{
	const ch_access_t *a = &e->acc;
	json_t *r = resource(x, G_AUDIT, "AuditEvent", e->uuid), *meta = obj(), *ag, *src,
	    *ents = arr(), *en, *pc = obj(), *pca = arr();
	const char *action = ch_action_name(a->action);
	int export = a->action == CH_ACT_EXPORT || a->action == CH_ACT_PRINT;

	put(meta, "lastUpdated", jtime(e->it->env.time_ms));
	put(r, "meta", meta);
	put(r, "type", export ? coding(DCM, "110106", "Export") :
	    coding(DCM, "110110", "Patient Record"));
	put(r, "subtype", one(coding(CS("access-action"), action, NULL)));
	puts_(r, "action", fhir_action(a->action));
	put(r, "recorded", jtime(a->time_ms));
	puts_(r, "outcome", a->outcome == CH_OUT_OK ? "0" : a->outcome == CH_OUT_REFUSED ? "4" : "8");
	if (a->outcome != CH_OUT_OK)
		puts_(r, "outcomeDesc", a->outcome == CH_OUT_REFUSED ? "refused" : "failed");
	purpose_codings(pca, a->purpose);
	if (json_array_size(pca)) {
		put(pc, "coding", pca);
		put(r, "purposeOfEvent", one(pc));
	} else {
		/* a purpose this version does not know */
		json_decref(pca);
		json_decref(pc);
	}

	json_t *agents = arr();
	ag = obj();
	put(ag, "type", cc(HL7("extra-security-role-type"), "humanuser", "human user"));
	if (e->rok) {
		put(ag, "role", one(role_cc(e->reader.role)));
		put(ag, "who", who_ref(x, &e->reader, 0));
		puts_(ag, "name", e->reader.name);
	} else
		puts_(ag, "name", "a reader whose certificate does not parse");
	put(ag, "requestor", json_true());
	add(agents, ag);
	ag = obj();
	put(ag, "who", org_ref(x, e->it->env.org));
	put(ag, "requestor", json_false());
	add(agents, ag);
	put(r, "agent", agents);

	src = obj();
	if (org_name(x, e->it->env.org))
		puts_(src, "site", org_name(x, e->it->env.org));
	put(src, "observer", org_ref(x, e->it->env.org));
	put(src, "type", one(coding(HL7("security-source-type"), "4", "Application Server")));
	put(r, "source", src);

	en = obj();
	put(en, "what", patient_ref(x));
	put(en, "type", coding(HL7("audit-entity-type"), "1", "Person"));
	put(en, "role", coding(HL7("object-role"), "1", "Patient"));
	puts_(en, "description", scope_words(a));
	add(ents, en);
	/* The entries read: per organization's feed, a range of entry numbers. */
	for (size_t i = 0; i < a->nranges; i++) {
		const ch_range_t *rg = &a->ranges[i];
		const char *on = org_name(x, rg->org);
		char hex[65];
		json_t *det = arr(), *d;
		sodium_bin2hex(hex, sizeof(hex), rg->org, 32);
		en = obj();
		put(en, "type", coding(HL7("audit-entity-type"), "2", "System Object"));
		if (on)
			puts_(en, "name", on);
		put(en, "description", rg->from == rg->to ?
		    jfmt("entry %llu of the feed of %s", (unsigned long long)rg->from, on ? on : hex) :
		    jfmt("entries %llu to %llu of the feed of %s", (unsigned long long)rg->from,
		    (unsigned long long)rg->to, on ? on : hex));
		d = obj();
		puts_(d, "type", "feed");
		puts_(d, "valueString", hex);
		add(det, d);
		d = obj();
		puts_(d, "type", "entries");
		put(d, "valueString", jfmt("%llu-%llu", (unsigned long long)rg->from,
		    (unsigned long long)rg->to));
		add(det, d);
		put(en, "detail", det);
		add(ents, en);
	}
	put(r, "entity", ents);
}

/* ---- the whole ---- */

/* What each entry becomes, and its resource's id, before any is made:
 * the entries refer to each other. */
static void
classify(item_t *e)
{
	const char *t = NULL;
	const uint8_t *key = e->it->root;
	const char *what;
	if (!e->open)
		t = "Basic";
	else if (ch_kind_is_care(e->kind) && !e->fok)
		t = "Basic";
	else if (e->kind == CH_KIND_ACCESS)
		t = e->aok ? "AuditEvent" : "Basic";
	else
		switch (e->kind) {
		case CH_KIND_GOAL: t = "Goal"; break;
		case CH_KIND_TASK: t = "Task"; break;
		case CH_KIND_APPOINTMENT: t = "Appointment"; break;
		case CH_KIND_CONSENT: t = "Consent"; break;
		case CH_KIND_KEEP: case CH_KIND_CHECKIN: t = NULL; break;
		case CH_KIND_HIDE: t = "Basic"; key = e->f.u.hide.target; break;
		case CH_KIND_NOTE: case CH_KIND_ALERT: case CH_KIND_ACK: case CH_KIND_HANDOVER:
		case CH_KIND_CONSULTATION: case CH_KIND_ANSWER: case CH_KIND_DECISION:
			t = "Communication";
			break;
		default: t = "Basic"; break;
		}
	e->rtype = t;
	/* A marker is named after the entry it stands for. */
	what = !t ? (e->kind == CH_KIND_KEEP ? "keep-an-eye" : "check-in") :
	    e->kind == CH_KIND_HIDE && e->fok ? "hidden" : t;
	if (e->kind == CH_KIND_ACCESS)
		key = e->id;
	if (e->kind == CH_KIND_ERASE && e->open) {
		ch_erase_t er;
		if (ch_erase_decode(e->p.fields, e->p.fieldslen, &er) == 0) {
			uuid_of("erased", er.id, 32, e->uuid);
			return;
		}
	}
	uuid_of(what, key, 32, e->uuid);
}

static void
decode_item(item_t *e, const ch_readitem_t *it)
{
	e->it = it;
	ch_env_id(&it->env, e->id);
	if (it->state != CH_IT_OPEN || !it->plain.n ||
	    ch_plain_decode(it->plain.p, it->plain.n, &e->p) != 0)
		return;
	e->open = 1;
	e->kind = e->p.kind;
	if (cli_author_get(&it->env, it->plain.p, it->plain.n, &e->au) != 0)
		memset(&e->au, 0, sizeof(e->au));
	if (ch_kind_is_care(e->kind))
		e->fok = ch_fields_decode(e->kind, e->p.fields, e->p.fieldslen, &e->f) == 0;
	else if (e->kind == CH_KIND_ACCESS &&
	    ch_access_decode(e->p.fields, e->p.fieldslen, &e->acc) == 0) {
		e->aok = 1;
		e->rok = keys_cert_parse(e->acc.cert, e->acc.certlen, &e->reader) == 0;
	}
}

static void
item_clear(item_t *e)
{
	cli_author_clear(&e->au);
	if (e->fok)
		ch_fields_clear(&e->f);
	if (e->aok)
		ch_access_clear(&e->acc);
	if (e->rok)
		keys_cert_clear(&e->reader);
	sodium_memzero(e, sizeof(*e));
}

static void
make_item(fx_t *x, item_t *e)
{
	if (!e->rtype && e->kind == CH_KIND_CHECKIN) {
		make_checkin(x, e);
		return;
	}
	if (e->rtype && strcmp(e->rtype, "Basic") == 0) {
		ch_erase_t er;
		if (e->open && e->kind == CH_KIND_HIDE && e->fok)
			make_hidden(x, e);
		else if (e->open && e->kind == CH_KIND_ERASE &&
		    ch_erase_decode(e->p.fields, e->p.fieldslen, &er) == 0)
			make_erased(x, e, &er);
		else
			make_marker(x, e, "unreadable", "an entry whose content this export could not read",
			    e->it->root, org_ref(x, e->it->env.org));
		return;
	}
	switch (e->kind) {
	case CH_KIND_TASK: make_task(x, e); break;
	case CH_KIND_APPOINTMENT: make_appointment(x, e); break;
	case CH_KIND_CONSENT: make_consent(x, e); break;
	case CH_KIND_ACCESS: make_audit(x, e); break;
	case CH_KIND_GOAL: case CH_KIND_KEEP: break;  /* made first */
	default: make_communication(x, e); break;
	}
}

/* The people of the charter: the person's name, the RelatedPersons and
 * their designations, all in the CareTeam. */
static void
people(fx_t *x, const ch_charter_t *ch)
{
	for (size_t i = 0; i < ch->npeople; i++) {
		const ch_person_t *ps = &ch->people[i];
		json_t *r, *per;
		if (strcmp(ps->role, "patient") == 0) {
			r = patient_ref(x);
			participant_role(participant(x, r, x->patient), role_cc(ps->role));
			continue;
		}
		r = related_ref(x, ps->role, ps->name, ps->provider, ps->valid_until);
		json_t *p = participant(x, json_deep_copy(r), ref_uuid(r));
		participant_role(p, role_cc(ps->role));
		if (ps->valid_until && !json_object_get(p, "period")) {
			per = obj();
			put(per, "end", jtime(ps->valid_until * 1000));
			put(p, "period", per);
		}
		if (strcmp(ps->role, "trusted-person") == 0 || strcmp(ps->role, "representative") == 0)
			make_designation(x, ps, r);
		else
			json_decref(r);
	}
}

/* The member organizations, with their roles in the case. */
static void
members(fx_t *x, json_t *ct)
{
	const ch_charter_t *ch = x->in->charter ? &x->in->charter->charter : NULL;
	if (ch) {
		for (size_t i = 0; i < ch->norgs; i++) {
			json_t *r = org_ref(x, ch->orgs[i].org);
			participant_role(participant(x, r, ref_uuid(r)), role_cc(ch->orgs[i].role));
		}
		put(ct, "managingOrganization", one(org_ref(x, ch->coordinator)));
	} else if (x->in->members)
		for (size_t i = 0; i < x->in->members->n; i++) {
			json_t *r = org_ref(x, x->in->members->m[i].org);
			participant(x, r, ref_uuid(r));
		}
}

/* The newest handover names the network's contact point and deputy. */
static void
contact_point(fx_t *x)
{
	const ch_handover_t *h;
	if (!x->handover)
		return;
	h = &x->handover->f.u.handover;
	json_t *r = org_ref(x, h->contact);
	participant_role(participant(x, r, ref_uuid(r)), role_cc("contact-point"));
	if (!sodium_is_zero(h->deputy, 32)) {
		r = org_ref(x, h->deputy);
		participant_role(participant(x, r, ref_uuid(r)), role_cc("deputy-contact-point"));
	}
}

static void
learn_names(fx_t *x)
{
	const fhir_in_t *in = x->in;
	if (in->charter)
		for (size_t i = 0; i < in->charter->charter.norgs; i++) {
			const ch_corg_t *o = &in->charter->charter.orgs[i];
			keys_card_t kc;
			if (keys_card_parse(o->card, o->cardlen, &kc) == 0) {
				name_add(x, o->org, kc.name, strlen(kc.name));
				keys_card_clear(&kc);
			}
		}
	if (in->members)
		for (size_t i = 0; i < in->members->n; i++)
			name_add(x, in->members->m[i].org, in->members->m[i].name,
			    strlen(in->members->m[i].name));
	for (size_t k = 0; k < in->npages; k++)
		for (size_t i = 0; i < in->pages[k].norgs; i++)
			name_add(x, in->pages[k].orgs[i].org, (const char *)in->pages[k].orgs[i].name.p,
			    in->pages[k].orgs[i].name.n);
}

json_t *
fhir_bundle(const fhir_in_t *in, size_t *entries)
{
	fx_t fx, *x = &fx;
	char bid[37];
	uint8_t rnd[16];

	memset(x, 0, sizeof(*x));
	x->in = in;
	for (int g = 0; g < G_N; g++)
		x->grp[g] = arr();
	x->made = obj();
	x->team = obj();
	x->participants = arr();
	x->goals = arr();
	x->activities = arr();
	for (size_t k = 0; k < in->npages; k++)
		x->n += in->pages[k].n;
	if (!(x->items = calloc(x->n ? x->n : 1, sizeof(*x->items))))
		cli_die(EXIT_ERR, _("out of memory"));
	x->n = 0;
	for (size_t k = 0; k < in->npages; k++)
		for (size_t i = 0; i < in->pages[k].n; i++)
			decode_item(&x->items[x->n++], &in->pages[k].items[i]);
	for (size_t i = 0; i < x->n; i++)
		classify(&x->items[i]);
	index_items(x);
	learn_names(x);

	/* The person, the care team and the care plan: one each. */
	uuid_of("Patient", in->case_id, 16, x->patient);
	uuid_of("CareTeam", in->case_id, 16, x->careteam);
	uuid_of("CarePlan", in->case_id, 16, x->careplan);
	if (in->charter)
		for (size_t i = 0; i < in->charter->charter.npeople && !x->patient_name; i++)
			if (strcmp(in->charter->charter.people[i].role, "patient") == 0)
				x->patient_name = in->charter->charter.people[i].name;
	if (!x->patient_name && strcmp(in->reader->role, "patient") == 0)
		x->patient_name = in->reader->name;
	x->patient_res = resource(x, G_PATIENT, "Patient", x->patient);
	put(x->patient_res, "identifier", one(ident(SID("case"), in->case_id, 16)));
	put(x->patient_res, "active", json_true());
	if (x->patient_name) {
		json_t *hn = obj();
		puts_(hn, "text", x->patient_name);
		put(x->patient_res, "name", one(hn));
	}
	json_t *ct = resource(x, G_CARETEAM, "CareTeam", x->careteam);
	json_t *cp = resource(x, G_CAREPLAN, "CarePlan", x->careplan);
	put(ct, "identifier", one(ident(SID("case"), in->case_id, 16)));
	puts_(ct, "status", "active");
	if (in->casename)
		puts_(ct, "name", in->casename);
	put(ct, "subject", patient_ref(x));
	if (in->charter) {
		x->entries++;
		people(x, &in->charter->charter);
	} else if (strcmp(in->reader->role, "patient") != 0 && ch_role_is_person(in->reader->role))
		json_decref(who_ref(x, in->reader, 1));
	if (x->patient_name && !json_object_get(x->team, x->patient))
		participant_role(participant(x, patient_ref(x), x->patient), role_cc("patient"));
	members(x, ct);

	/* Goals and keep-an-eyes first: tasks and check-ins refer to them. */
	for (size_t i = 0; i < x->n; i++) {
		item_t *e = &x->items[i];
		if (e->rtype && strcmp(e->rtype, "Goal") == 0)
			make_goal(x, e);
		else if (!e->rtype && e->kind == CH_KIND_KEEP)
			make_keep(x, e);
	}
	for (size_t i = 0; i < x->n; i++) {
		item_t *e = &x->items[i];
		/* whoever wrote in the case is in its CareTeam */
		if (e->open && ch_kind_is_care(e->kind) && e->au.found)
			json_decref(who_ref(x, &e->au.cert, 1));
		make_item(x, e);
	}
	x->entries += x->n;
	contact_point(x);

	/* FHIR has no empty arrays: a member known by name only has no role. */
	size_t k;
	json_t *pt;
	json_array_foreach(x->participants, k, pt)
		if (!json_array_size(json_object_get(pt, "role")))
			json_object_del(pt, "role");
	if (json_array_size(x->participants))
		put(ct, "participant", x->participants);
	else
		json_decref(x->participants);
	x->participants = NULL;
	put(cp, "identifier", one(ident(SID("case"), in->case_id, 16)));
	puts_(cp, "status", "active");
	puts_(cp, "intent", "plan");
	if (in->casename)
		puts_(cp, "title", in->casename);
	put(cp, "subject", patient_ref(x));
	if (in->charter)
		put(cp, "author", org_ref(x, in->charter->charter.coordinator));
	put(cp, "careTeam", one(ref("CareTeam", x->careteam, in->casename)));
	if (json_array_size(x->goals))
		put(cp, "goal", x->goals);
	else
		json_decref(x->goals);
	x->goals = NULL;
	if (json_array_size(x->activities))
		put(cp, "activity", x->activities);
	else
		json_decref(x->activities);
	x->activities = NULL;

	/* The Bundle: a collection, dated, its id new each time. */
	json_t *b = obj(), *all = arr(), *meta = obj();
	randombytes_buf(rnd, sizeof(rnd));
	rnd[6] = (uint8_t)((rnd[6] & 0x0f) | 0x40);
	rnd[8] = (uint8_t)((rnd[8] & 0x3f) | 0x80);
	snprintf(bid, sizeof(bid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9],
	    rnd[10], rnd[11], rnd[12], rnd[13], rnd[14], rnd[15]);
	puts_(b, "resourceType", "Bundle");
	puts_(b, "id", bid);
	put(meta, "lastUpdated", jtime(in->now_ms));
	put(b, "meta", meta);
	puts_(b, "type", "collection");
	put(b, "timestamp", jtime(in->now_ms));
	for (int g = 0; g < G_N; g++) {
		if (json_array_extend(all, x->grp[g]) != 0)
			cli_die(EXIT_ERR, _("out of memory"));
		json_decref(x->grp[g]);
	}
	put(b, "entry", all);

	*entries = x->entries;
	json_decref(x->made);
	json_decref(x->team);
	for (size_t i = 0; i < x->n; i++)
		item_clear(&x->items[i]);
	free(x->byid);
	free(x->items);
	if (x->names)
		sodium_memzero(x->names, x->capnames * sizeof(*x->names));
	free(x->names);
	return b;
}
