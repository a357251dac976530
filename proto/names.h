/* names.h - the names cahier gives its codes (audiences, purposes of a read,
 * reasons of an epoch) and the role vocabulary, one table each, so that the
 * daemon, the client and the codecs say and accept the same words. Pure: no
 * I/O. Every name returned is a static string: never free it. */
#ifndef CAHIER_NAMES_H
#define CAHIER_NAMES_H

#include <stdint.h>
#include "err.h"

/* Audiences (CH_AUD_* in entry.h): network, care, medical, social,
 * coordination, membership. Returns the name of aud, or NULL if aud is not
 * an audience. */
const char *ch_aud_name(uint8_t aud);
/* Sets *aud to the audience called name and returns 0; returns CH_ERR_VALUE
 * (and leaves *aud alone) for any other name, NULL included. "membership"
 * is an audience too: a caller that takes a provider's audience refuses it
 * (providers never post to it). */
int ch_aud_parse(const char *name, uint8_t *aud) CH_WUR;

/* Purposes of a read (CH_PURPOSE_* in entry.h): treatment, emergency,
 * coordination, own-request, audit. Returns the name of purpose, or NULL
 * if it is not a purpose. */
const char *ch_purpose_name(uint8_t purpose);
/* Sets *purpose to the purpose called name and returns 0; returns
 * CH_ERR_VALUE (and leaves *purpose alone) for any other name. */
int ch_purpose_parse(const char *name, uint8_t *purpose) CH_WUR;

/* Reasons an epoch started (CH_WHY_* in charter.h). Each has a name, a
 * word for scripts (case-opened, org-added, org-removed, keys-rotated,
 * coordination-handed-over, people-changed: the "kind" of cahier log
 * --json), and a text for people and log lines (created, organization
 * added, organization removed, keys rotated, coordination handed over,
 * people changed). Both return NULL if why is not a reason. */
const char *ch_why_name(uint8_t why);
const char *ch_why_text(uint8_t why);
/* Sets *why to the reason whose name (not text) is name and returns 0;
 * returns CH_ERR_VALUE (and leaves *why alone) for any other name. */
int ch_why_parse(const char *name, uint8_t *why) CH_WUR;

/* 1 if role is spelled as a role: one or more of [a-z0-9-], nothing else
 * (roles are identifiers compared by software and shown on terminals);
 * 0 otherwise, NULL included. WARNING: it does not bound the length; each
 * format bounds its own text fields (CH_ROLE_MAX in charter.h,
 * KEYS_ROLE_MAX in keys.h), and callers check that too. */
int ch_role_ok(const char *role) CH_WUR;
/* 1 if role is one of the roles of the people around the person (patient,
 * trusted-person, representative, informal-carer, contact-point,
 * deputy-contact-point), whose access the charter's list of people bounds;
 * 0 for any other role (a professional's), NULL included. */
int ch_role_is_person(const char *role) CH_WUR;

/* The role vocabulary (DOMAIN.md): the roles of professionals and of
 * organizations (gp, home-nurse, home-nursing, social-worker, ...: every
 * role of the default audience map) and the people's roles above. 1 if
 * role is one of them, 0 otherwise (NULL included). Certificates, members
 * and people are given roles from this list only; an unknown role would
 * silently fall outside every audience. */
int ch_role_known(const char *role) CH_WUR;
/* The roles of the vocabulary, professionals' first, separated by ", ",
 * for a message that lists them (a static string). */
const char *ch_roles_text(void);
/* The people's roles only (those ch_role_is_person accepts), separated by
 * ", ", for a message that lists them (a static string). */
const char *ch_roles_person_text(void);

#endif
