/* kinds.h - the fields of the care kinds (1..14): notes, goals, tasks,
 * appointments, alerts and their acknowledgements, handovers, consents,
 * consultations with their answers and decisions, keeping an eye with its
 * check-ins, and hiding an entry. Pure: no I/O. See PROTOCOL.md, "Fields
 * of the kinds", for every byte.
 *
 * One tagged struct, ch_fields_t, holds the fields of any care kind, and
 * one table per kind (ch_kind_fields) describes them: type, range, where
 * they live in the struct. The encoder, the decoder and the check they
 * share walk that table, so a rule is written once and the encoder refuses
 * exactly what the decoder refuses. The client's renderer walks the same
 * table. The note (kind 1) goes through the existing ch_note codec.
 *
 * Ownership: ch_fields_decode() mallocs every text and org list; release
 * them with ch_fields_clear(), which wipes the text (it is decrypted care
 * data). To encode, fill the struct yourself; ch_fields_encode() only reads
 * it, and ch_fields_clear() on it frees what it points to, so point it at
 * malloc'd memory or do not call clear. */
#ifndef CAHIER_KINDS_H
#define CAHIER_KINDS_H

#include <stddef.h>
#include <stdint.h>
#include "entry.h"
#include "err.h"

/* The care kinds. CH_KIND_NOTE (1) is in entry.h. */
enum {
	CH_KIND_GOAL = 2,
	CH_KIND_TASK = 3,
	CH_KIND_APPOINTMENT = 4,
	CH_KIND_ALERT = 5,
	CH_KIND_ACK = 6,
	CH_KIND_HANDOVER = 7,
	CH_KIND_CONSENT = 8,
	CH_KIND_CONSULTATION = 9,
	CH_KIND_ANSWER = 10,
	CH_KIND_DECISION = 11,
	CH_KIND_KEEP = 12,          /* keep an eye */
	CH_KIND_CHECKIN = 13,
	CH_KIND_HIDE = 14,
	CH_KIND_CARE_LAST = 14,
};

/* The whole fields of any kind fit a plain body's fields var; this is the
 * FIELDS_MAX of entry.c (tests/test_kinds.c checks that they agree). */
#define CH_FIELDS_MAX (CH_TEXT_MAX + 8192)
#define CH_ORGS_MAX 64          /* orgs in one list of a kind's fields */
#define CH_KTEXT_MAX 4096       /* most texts of the kinds, bytes */
#define CH_KLONG_MAX 16384      /* a handover's, an agenda's, an answer's */
#define CH_KSHORT_MAX 256       /* names, places, people */
#define CH_KROLE_MAX 64

/* The values of the small enums; their names are in names.h
 * (ch_value_name). */
enum { CH_GOAL_OWN = 1, CH_GOAL_SHARED = 2 };                  /* whose */
enum { CH_GOAL_ACTIVE = 1, CH_GOAL_REACHED = 2, CH_GOAL_DROPPED = 3 };
enum { CH_TASK_OPEN = 1, CH_TASK_DONE = 2, CH_TASK_CANCELLED = 3 };
enum { CH_APPT_PLANNED = 1, CH_APPT_DONE = 2, CH_APPT_CANCELLED = 3 };
enum { CH_PRIO_NORMAL = 1, CH_PRIO_HIGH = 2, CH_PRIO_URGENT = 3 };
/* The screen of a handover: 0 is "not assessed" for each of the three. */
enum { CH_SCREEN_NONE = 0 };
enum { CH_BASIS_CONSENT = 1, CH_BASIS_MANDATE = 2, CH_BASIS_ORDER = 3 };
enum { CH_HIDE_ASKED = 1, CH_HIDE_ERROR = 2 };

/* A list of organizations (org ids: Ed25519 public keys of the feeds); no
 * zero id, no id twice. */
typedef struct {
	size_t n;
	uint8_t (*id)[32];
} ch_orgs_t;

typedef struct {
	uint8_t whose, status;
	char *text;
	ch_orgs_t workers;
} ch_goal_t;

typedef struct {
	uint8_t status;
	uint8_t agenda;             /* 1: an agenda item of the person or family */
	uint8_t owner[32];          /* org; zeros only for an agenda item */
	uint8_t provider[32];       /* Ed25519 key of the provider, zeros none */
	uint64_t due;               /* ms since 1970, 0 none */
	uint8_t goal[32];           /* entry id of a goal, zeros none */
	char *text;
} ch_task_t;

typedef struct {
	uint8_t status;
	uint64_t at;                /* ms, > 0 */
	uint32_t minutes;
	char *what, *where, *with;
	ch_orgs_t orgs;
} ch_appt_t;

typedef struct {
	uint8_t priority;
	char *text;
	ch_orgs_t addressed;
} ch_alert_t;

typedef struct {
	uint8_t alert[32];
	char *text;
} ch_ack_t;

typedef struct {
	uint8_t contact[32], deputy[32];
	uint8_t isolation, fragility, network;   /* 0 not assessed, 1..3 */
	char *from, *to, *person, *told, *text;
} ch_handover_t;

typedef struct {
	uint8_t purpose;            /* CH_PURPOSE_* (entry.h) */
	uint8_t basis;
	uint64_t from, until;       /* until 0: open-ended */
	char *grantor, *grantee, *role, *text;
} ch_consent_t;

typedef struct {
	uint64_t answer_by;
	char *agenda;
	ch_orgs_t invited;
} ch_consult_t;

typedef struct {
	uint8_t consultation[32];
	char *text;
} ch_answer_t;

typedef struct {
	uint8_t consultation[32];
	uint64_t due;
	char *text;
	ch_orgs_t carriers;
} ch_decision_t;

typedef struct {
	uint8_t active;
	uint32_t every_days;
	char *text;
} ch_keep_t;

typedef struct {
	uint8_t keep[32];
	char *text;
} ch_checkin_t;

typedef struct {
	uint8_t target[32];
	uint8_t reason;
} ch_hide_t;

typedef struct {
	uint8_t kind;               /* 1..14: selects the member of u */
	union {
		ch_note_t note;
		ch_goal_t goal;
		ch_task_t task;
		ch_appt_t appt;
		ch_alert_t alert;
		ch_ack_t ack;
		ch_handover_t handover;
		ch_consent_t consent;
		ch_consult_t consult;
		ch_answer_t answer;
		ch_decision_t decision;
		ch_keep_t keep;
		ch_checkin_t checkin;
		ch_hide_t hide;
	} u;
} ch_fields_t;

/* 1 if kind is a care kind (1..14), one of the kinds people write in the
 * notebook; 0 otherwise. */
int ch_kind_is_care(uint8_t kind);

/* Encodes f->u per f->kind into *out (malloc'd). CH_ERR_VALUE for a kind
 * that is not a care kind or a field the decoder would refuse;
 * CH_ERR_TOOBIG for a text or a list above its maximum. */
int ch_fields_encode(const ch_fields_t *f, uint8_t **out, size_t *len) CH_WUR;
/* Decodes the fields of kind from p[0..n). On error *out holds nothing to
 * free (kind set, every pointer NULL). Every text is NUL-terminated, the
 * optional ones included (then ""). */
int ch_fields_decode(uint8_t kind, const uint8_t *p, size_t n,
    ch_fields_t *out) CH_WUR;
/* Wipes and frees the texts and lists of f and zeroes f->u (not f->kind).
 * Safe on a zeroed struct and twice. */
void ch_fields_clear(ch_fields_t *f);

/* The entries the fields refer to: ack -> alert, answer and decision ->
 * consultation, check-in -> keep an eye, hide -> its target (of any
 * kind), task -> goal (when it has one). Fills refs (pointers into f) and
 * returns how many; a zero id (none) is not a reference. The daemon checks
 * that each exists in the case and, when kind is not 0, is of that kind. */
#define CH_REFS_MAX 1
typedef struct {
	const uint8_t *id;
	uint8_t kind;               /* the kind it must be; 0: any */
} ch_ref_t;
size_t ch_fields_refs(const ch_fields_t *f, ch_ref_t refs[CH_REFS_MAX]);

/* ---- the tables (for code that walks fields, like the renderer) ---- */

enum {
	CH_FT_ENUM = 1,   /* u8 in min..max, named by the value set `set` */
	CH_FT_FLAG,       /* u8, 0 or 1 */
	CH_FT_U32,        /* u32 in min..max */
	CH_FT_TIME,       /* u64, ms since 1970; 0 none unless min is 1 */
	CH_FT_ENTRY,      /* 32: entry id (zeros none unless min is 1); ref */
	CH_FT_ORG,        /* 32: org id (zeros none unless min is 1) */
	CH_FT_KEY,        /* 32: a provider's Ed25519 key, zeros none */
	CH_FT_TEXT,       /* text of min..max bytes: char * */
	CH_FT_ROLE,       /* text of min..max bytes of [a-z0-9-]: char * */
	CH_FT_ORGS,       /* u16 count in min..max, then count x org 32 */
};

typedef struct {
	const char *name;           /* snake_case: the JSON key (docs/JSON.md) */
	uint8_t type;               /* CH_FT_* */
	uint8_t set;                /* CH_FT_ENUM: the value set (names.h) */
	uint8_t ref;                /* CH_FT_ENTRY: the kind referred to, 0 any */
	size_t off;                 /* where the value lives in ch_fields_t */
	uint64_t min, max;          /* of the value, the text's bytes, the count */
} ch_field_t;

/* The fields of kind, in wire order, and their number in *n; NULL (and
 * *n = 0) if kind is not a care kind. The note has one: "text". */
const ch_field_t *ch_kind_fields(uint8_t kind, size_t *n);

#endif
