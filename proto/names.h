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
/* The name of an access record's action (CH_ACT_*: create, read, update,
 * delete, export, search, list, print), or "unknown"; a static string. */
const char *ch_action_name(uint8_t action);
/* The name of an access record's outcome (CH_OUT_*: ok, refused, failed),
 * or "unknown". */
const char *ch_outcome_name(uint8_t outcome);
/* Copies the UTF-8 text s (n bytes) into out (outlen > 0, always
 * NUL-terminated), each character a terminal or a program reading it
 * might act on replaced by '?': C0 controls and DEL, C1 controls, the
 * bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), the line and paragraph separators (U+2028, U+2029),
 * and each byte that is not part of valid UTF-8. Cuts at a character
 * boundary when out is too small. Returns the bytes written. */
size_t ch_text_inert(const uint8_t *s, size_t n, char *out, size_t outlen);
/* Sets *purpose to the purpose called name and returns 0; returns
 * CH_ERR_VALUE (and leaves *purpose alone) for any other name. */
int ch_purpose_parse(const char *name, uint8_t *purpose) CH_WUR;

/* The purpose a read has when the reader names none, by the reader's role
 * and what is read (kinds: the read request's kind bits, 0 every kind):
 * the people around the person read at their own request (own-request);
 * a professional reads the access records for audit, the case's
 * membership (case create and epoch entries only) for coordination, and
 * anything else for coordination when their role coordinates
 * (coordinator, coordination, case-manager), else for treatment. */
uint8_t ch_purpose_default(const char *role, uint64_t kinds);
/* NULL if a reader of role may state purpose, else why not (a static
 * sentence): the people around the person read at their own request only,
 * and a professional never does (they read for the person's care). */
const char *ch_purpose_refusal(const char *role, uint8_t purpose);
/* 1 if a reader of role acts for the person (trusted-person,
 * representative): their reads are made on the person's behalf. */
int ch_role_acts_for_person(const char *role);

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

/* Kinds of entry: the care kinds (note, goal, task, appointment, alert,
 * ack, handover, consent, consultation, answer, decision, keep-an-eye,
 * check-in, hide: 1..14, kinds.h) and the kinds organizations and daemons
 * write (case-create 16, epoch 18, history 20, revocation 21, access 32).
 * Returns the name of kind, or NULL if it is none of these (requests,
 * 64..70, are never entries and have no name here). */
const char *ch_kind_name(uint8_t kind);
/* Sets *kind to the kind called name and returns 0; returns CH_ERR_VALUE
 * (and leaves *kind alone) for any other name, NULL included. */
int ch_kind_parse(const char *name, uint8_t *kind) CH_WUR;

/* The small enums of the care kinds' fields (kinds.h), one value set each,
 * so that the client, its JSON and the docs use the same words:
 *   CH_SET_WHOSE        goal: 1 own, 2 shared
 *   CH_SET_GOAL_STATUS  1 active, 2 reached, 3 dropped
 *   CH_SET_TASK_STATUS  1 open, 2 done, 3 cancelled
 *   CH_SET_APPT_STATUS  1 planned, 2 done, 3 cancelled
 *   CH_SET_PRIORITY     1 normal, 2 high, 3 urgent
 *   CH_SET_ISOLATION    0 not-assessed, 1 not-isolated, 2 partly-isolated,
 *                       3 isolated
 *   CH_SET_FRAGILITY    0 not-assessed, 1 none, 2 some, 3 marked
 *   CH_SET_NETWORK      0 not-assessed, 1 able, 2 partly-able, 3 unable
 *                       (the ability to mobilise a network)
 *   CH_SET_PURPOSE      the purposes above (ch_purpose_name)
 *   CH_SET_BASIS        1 own-consent, 2 written-mandate, 3 legal-order
 *   CH_SET_HIDE_REASON  1 person-asked, 2 posted-in-error */
enum {
	CH_SET_WHOSE = 1, CH_SET_GOAL_STATUS, CH_SET_TASK_STATUS,
	CH_SET_APPT_STATUS, CH_SET_PRIORITY, CH_SET_ISOLATION,
	CH_SET_FRAGILITY, CH_SET_NETWORK, CH_SET_PURPOSE, CH_SET_BASIS,
	CH_SET_HIDE_REASON,
	CH_SET_LAST = CH_SET_HIDE_REASON,
};
/* The name of value v in set, or NULL if set is no set or v is not in it. */
const char *ch_value_name(uint8_t set, uint8_t v);
/* Sets *v to the value of set called name and returns 0; CH_ERR_VALUE
 * (and *v left alone) for any other name or set. */
int ch_value_parse(uint8_t set, const char *name, uint8_t *v) CH_WUR;

#endif
