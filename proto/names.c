/* names.c - one table for each set of names cahier gives its codes, and the
 * role vocabulary. See names.h. */
#include <stddef.h>
#include <string.h>

#include "charter.h"
#include "entry.h"
#include "kinds.h"
#include "names.h"

typedef struct {
	uint8_t code;
	const char *name;
} name_t;

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const name_t auds[] = {
	{ CH_AUD_NETWORK, "network" },
	{ CH_AUD_CARE, "care" },
	{ CH_AUD_MEDICAL, "medical" },
	{ CH_AUD_SOCIAL, "social" },
	{ CH_AUD_COORDINATION, "coordination" },
	{ CH_AUD_MEMBERSHIP, "membership" },
};

static const name_t purposes[] = {
	{ CH_PURPOSE_TREATMENT, "treatment" },
	{ CH_PURPOSE_EMERGENCY, "emergency" },
	{ CH_PURPOSE_COORDINATION, "coordination" },
	{ CH_PURPOSE_OWN_REQUEST, "own-request" },
	{ CH_PURPOSE_AUDIT, "audit" },
};

static const name_t kinds[] = {
	{ CH_KIND_NOTE, "note" },
	{ CH_KIND_GOAL, "goal" },
	{ CH_KIND_TASK, "task" },
	{ CH_KIND_APPOINTMENT, "appointment" },
	{ CH_KIND_ALERT, "alert" },
	{ CH_KIND_ACK, "ack" },
	{ CH_KIND_HANDOVER, "handover" },
	{ CH_KIND_CONSENT, "consent" },
	{ CH_KIND_CONSULTATION, "consultation" },
	{ CH_KIND_ANSWER, "answer" },
	{ CH_KIND_DECISION, "decision" },
	{ CH_KIND_KEEP, "keep-an-eye" },
	{ CH_KIND_CHECKIN, "check-in" },
	{ CH_KIND_HIDE, "hide" },
	{ CH_KIND_ERASE, "erase" },
	{ CH_KIND_CASE_CREATE, "case-create" },
	{ CH_KIND_EPOCH, "epoch" },
	{ CH_KIND_HISTORY, "history" },
	{ CH_KIND_REVOKE, "revocation" },
	{ CH_KIND_FORK, "fork" },
	{ CH_KIND_ACCESS, "access" },
};

/* The value sets of the care kinds' small enums (names.h, CH_SET_*). */
static const name_t whose[] = {
	{ CH_GOAL_OWN, "own" }, { CH_GOAL_SHARED, "shared" },
};
static const name_t goal_status[] = {
	{ CH_GOAL_ACTIVE, "active" }, { CH_GOAL_REACHED, "reached" },
	{ CH_GOAL_DROPPED, "dropped" },
};
static const name_t task_status[] = {
	{ CH_TASK_OPEN, "open" }, { CH_TASK_DONE, "done" },
	{ CH_TASK_CANCELLED, "cancelled" },
};
static const name_t appt_status[] = {
	{ CH_APPT_PLANNED, "planned" }, { CH_APPT_DONE, "done" },
	{ CH_APPT_CANCELLED, "cancelled" },
};
static const name_t priorities[] = {
	{ CH_PRIO_NORMAL, "normal" }, { CH_PRIO_HIGH, "high" },
	{ CH_PRIO_URGENT, "urgent" },
};
/* The vulnerability screen of a handover: 0 is a value, "not assessed",
 * so that a screen nobody did is never read as a good one. */
static const name_t isolation[] = {
	{ 0, "not-assessed" }, { 1, "not-isolated" }, { 2, "partly-isolated" },
	{ 3, "isolated" },
};
static const name_t fragility[] = {
	{ 0, "not-assessed" }, { 1, "none" }, { 2, "some" }, { 3, "marked" },
};
static const name_t network[] = {
	{ 0, "not-assessed" }, { 1, "able" }, { 2, "partly-able" }, { 3, "unable" },
};
static const name_t bases[] = {
	{ CH_BASIS_CONSENT, "own-consent" }, { CH_BASIS_MANDATE, "written-mandate" },
	{ CH_BASIS_ORDER, "legal-order" },
};
static const name_t hide_reasons[] = {
	{ CH_HIDE_ASKED, "person-asked" }, { CH_HIDE_ERROR, "posted-in-error" },
};

#define SET(a) { a, NELEM(a) }
static const struct {
	const name_t *t;
	size_t n;
} sets[CH_SET_LAST + 1] = {
	[CH_SET_WHOSE] = SET(whose),
	[CH_SET_GOAL_STATUS] = SET(goal_status),
	[CH_SET_TASK_STATUS] = SET(task_status),
	[CH_SET_APPT_STATUS] = SET(appt_status),
	[CH_SET_PRIORITY] = SET(priorities),
	[CH_SET_ISOLATION] = SET(isolation),
	[CH_SET_FRAGILITY] = SET(fragility),
	[CH_SET_NETWORK] = SET(network),
	[CH_SET_PURPOSE] = SET(purposes),
	[CH_SET_BASIS] = SET(bases),
	[CH_SET_HIDE_REASON] = SET(hide_reasons),
};

static const struct {
	uint8_t code;
	const char *name;
	const char *text;
} whys[] = {
	{ CH_WHY_CREATE, "case-opened", "created" },
	{ CH_WHY_ADD, "org-added", "organization added" },
	{ CH_WHY_REMOVE, "org-removed", "organization removed" },
	{ CH_WHY_ROTATE, "keys-rotated", "keys rotated" },
	{ CH_WHY_HANDOVER, "coordination-handed-over", "coordination handed over" },
	{ CH_WHY_PEOPLE, "people-changed", "people changed" },
};

/* The people around the person (Belgian patient-rights law; PROTOCOL.md,
 * "the people" of the charter). */
/* Professionals and organizations: every role of the default audience
 * map (charter.c), in its order. */
static const char *const work_roles[] = {
	"gp", "physician", "home-nurse", "nurse", "home-nursing",
	"psychiatric-home-care", "psychiatric-nurse", "psychologist", "pharmacist",
	"social-worker", "social-service", "hospital-social-service", "home-help",
	"family-help", "coordinator", "coordination", "case-manager",
};

static const char *const person_roles[] = {
	"patient", "trusted-person", "representative", "informal-carer",
	"contact-point", "deputy-contact-point",
};

static const char *
name_of(const name_t *t, size_t n, uint8_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

static int
code_of(const name_t *t, size_t n, const char *name, uint8_t *code)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(t[i].name, name) == 0) {
			*code = t[i].code;
			return CH_OK;
		}
	return CH_ERR_VALUE;
}

const char *
ch_aud_name(uint8_t aud)
{
	return name_of(auds, NELEM(auds), aud);
}

int
ch_aud_parse(const char *name, uint8_t *aud)
{
	return code_of(auds, NELEM(auds), name, aud);
}

const char *
ch_purpose_name(uint8_t purpose)
{
	return name_of(purposes, NELEM(purposes), purpose);
}

int
ch_purpose_parse(const char *name, uint8_t *purpose)
{
	return code_of(purposes, NELEM(purposes), name, purpose);
}

static int
coordinates(const char *role)
{
	return role && (strcmp(role, "coordinator") == 0 || strcmp(role, "coordination") == 0 ||
	    strcmp(role, "case-manager") == 0);
}

uint8_t
ch_purpose_default(const char *role, uint64_t kinds)
{
	const uint64_t membership = (uint64_t)1 << CH_KIND_CASE_CREATE | (uint64_t)1 << CH_KIND_EPOCH;
	if (ch_role_is_person(role))
		return CH_PURPOSE_OWN_REQUEST;
	if (kinds == (uint64_t)1 << CH_KIND_ACCESS)
		return CH_PURPOSE_AUDIT;
	if ((kinds && (kinds & ~membership) == 0) || coordinates(role))
		return CH_PURPOSE_COORDINATION;
	return CH_PURPOSE_TREATMENT;
}

const char *
ch_purpose_refusal(const char *role, uint8_t purpose)
{
	if (!ch_purpose_name(purpose))
		return "that is not a purpose";
	if (ch_role_is_person(role) && purpose != CH_PURPOSE_OWN_REQUEST)
		return "the people around the person read at their own request (purpose own-request)";
	if (!ch_role_is_person(role) && purpose == CH_PURPOSE_OWN_REQUEST)
		return "a professional reads for the person's care, not at their own request";
	return NULL;
}

int
ch_role_acts_for_person(const char *role)
{
	return role && (strcmp(role, "trusted-person") == 0 || strcmp(role, "representative") == 0);
}

const char *
ch_why_name(uint8_t why)
{
	for (size_t i = 0; i < NELEM(whys); i++)
		if (whys[i].code == why)
			return whys[i].name;
	return NULL;
}

const char *
ch_why_text(uint8_t why)
{
	for (size_t i = 0; i < NELEM(whys); i++)
		if (whys[i].code == why)
			return whys[i].text;
	return NULL;
}

int
ch_why_parse(const char *name, uint8_t *why)
{
	for (size_t i = 0; name && i < NELEM(whys); i++)
		if (strcmp(whys[i].name, name) == 0) {
			*why = whys[i].code;
			return CH_OK;
		}
	return CH_ERR_VALUE;
}

int
ch_role_ok(const char *role)
{
	if (!role || !*role)
		return 0;
	for (; *role; role++)
		if (!((*role >= 'a' && *role <= 'z') || (*role >= '0' && *role <= '9') ||
		    *role == '-'))
			return 0;
	return 1;
}

int
ch_role_is_person(const char *role)
{
	for (size_t i = 0; role && i < NELEM(person_roles); i++)
		if (strcmp(person_roles[i], role) == 0)
			return 1;
	return 0;
}

int
ch_role_known(const char *role)
{
	for (size_t i = 0; role && i < NELEM(work_roles); i++)
		if (strcmp(work_roles[i], role) == 0)
			return 1;
	return ch_role_is_person(role);
}

const char *
ch_roles_text(void)
{
	return "gp, physician, home-nurse, nurse, home-nursing, psychiatric-home-care, "
	    "psychiatric-nurse, psychologist, pharmacist, social-worker, social-service, "
	    "hospital-social-service, home-help, family-help, coordinator, coordination, "
	    "case-manager, patient, trusted-person, representative, informal-carer, "
	    "contact-point, deputy-contact-point";
}

const char *
ch_roles_person_text(void)
{
	return "patient, trusted-person, representative, informal-carer, contact-point, "
	    "deputy-contact-point";
}

const char *
ch_kind_name(uint8_t kind)
{
	return name_of(kinds, NELEM(kinds), kind);
}

int
ch_kind_parse(const char *name, uint8_t *kind)
{
	return code_of(kinds, NELEM(kinds), name, kind);
}

const char *
ch_value_name(uint8_t set, uint8_t v)
{
	if (set > CH_SET_LAST || !sets[set].t)
		return NULL;
	return name_of(sets[set].t, sets[set].n, v);
}

int
ch_value_parse(uint8_t set, const char *name, uint8_t *v)
{
	if (set > CH_SET_LAST || !sets[set].t)
		return CH_ERR_VALUE;
	return code_of(sets[set].t, sets[set].n, name, v);
}
