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

/* Length of the valid UTF-8 character at s (n bytes left), or 0. */
static size_t
utf8_len(const uint8_t *s, size_t n)
{
	size_t k;
	uint32_t c;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (k == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return k;
}

size_t
ch_text_inert(const uint8_t *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0, i = 0;
	while (i < n) {
		size_t k = utf8_len(s + i, n - i);
		const uint8_t *q = s + i;
		int bad = k == 0 || (k == 1 && (q[0] < 0x20 || q[0] == 0x7f)) ||
		    (k == 2 && q[0] == 0xc2 && q[1] <= 0x9f) ||
		    (k == 2 && q[0] == 0xd8 && q[1] == 0x9c) ||
		    (k == 3 && q[0] == 0xe2 && q[1] == 0x80 && (q[2] == 0x8e || q[2] == 0x8f ||
		    (q[2] >= 0xa8 && q[2] <= 0xae))) ||
		    (k == 3 && q[0] == 0xe2 && q[1] == 0x81 && q[2] >= 0xa6 && q[2] <= 0xa9);
		size_t w = bad ? 1 : k;
		if (o + w >= outlen)
			break;
		if (bad)
			out[o] = '?';
		else
			memcpy(out + o, q, k);
		o += w;
		i += k ? k : 1;
	}
	out[o] = '\0';
	return o;
}

const char *
ch_action_name(uint8_t a)
{
	switch (a) {
	case CH_ACT_CREATE: return "create";
	case CH_ACT_READ: return "read";
	case CH_ACT_UPDATE: return "update";
	case CH_ACT_DELETE: return "delete";
	case CH_ACT_EXPORT: return "export";
	case CH_ACT_SEARCH: return "search";
	case CH_ACT_LIST: return "list";
	case CH_ACT_PRINT: return "print";
	default: return "unknown";
	}
}

const char *
ch_outcome_name(uint8_t o)
{
	switch (o) {
	case CH_OUT_OK: return "ok";
	case CH_OUT_REFUSED: return "refused";
	case CH_OUT_FAILED: return "failed";
	default: return "unknown";
	}
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
		return N_("that is not a purpose");
	if (ch_role_is_person(role) && purpose != CH_PURPOSE_OWN_REQUEST)
		return N_("the people around the person read at their own request (purpose own-request)");
	if (!ch_role_is_person(role) && purpose == CH_PURPOSE_OWN_REQUEST)
		return N_("a professional reads for the person's care, not at their own request");
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
