/* names.c - one table for each set of names cahier gives its codes, and the
 * role vocabulary. See names.h. */
#include <stddef.h>
#include <string.h>

#include "charter.h"
#include "entry.h"
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
