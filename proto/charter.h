/* charter.h - membership over time: the case charter that every epoch entry
 * carries in full, the epoch, history-grant and revocation entries, and the
 * provider requests that ask a daemon to write them. Pure: no I/O.
 * See PROTOCOL.md, "Membership and the key schedule". */
#ifndef CAHIER_CHARTER_H
#define CAHIER_CHARTER_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "entry.h"

#define CH_ROLE_MAX 64
#define CH_NAME_MAX 256
#define CH_REQUEST_MAX 8192       /* an embedded provider request (plain body) */
#define CH_CHARTER_ORGS_MAX 64
#define CH_CHARTER_PEOPLE_MAX 64
#define CH_CHARTER_ROLES_MAX 64   /* roles listed for one audience */
#define CH_REMOVED_MAX 1024

/* Stored kinds written by the coordinator's daemon (no provider signature on
 * the body itself: they embed the signed request that asked for them). */
enum {
	/* CH_KIND_CASE_CREATE (16, entry.h): epoch 0, fields = ch_epoch_t */
	CH_KIND_EPOCH = 18,      /* starts epoch e+1: fields = ch_epoch_t */
	CH_KIND_HISTORY = 20,    /* key slots of earlier epochs for one member */
	CH_KIND_REVOKE = 21,     /* written by an org in its own feed */
	CH_KIND_FORK = 22,       /* an org saw another org's feed fork */
};

/* Provider requests: kinds of a plain body that a client POSTs and the
 * daemon turns into entries. They are never stored as entries themselves;
 * the entry embeds the request verbatim. */
enum {
	CH_REQ_CASE_NEW = 64,    /* fields: ch_create (salt, name) */
	CH_REQ_ADD_ORG = 65,     /* fields: ch_member (card, role) */
	CH_REQ_REMOVE_ORG = 66,  /* fields: ch_orgref */
	CH_REQ_ROTATE = 67,      /* fields: empty */
	CH_REQ_HANDOVER = 68,    /* fields: ch_orgref (the new coordinator) */
	CH_REQ_PERSON = 69,      /* fields: ch_personreq */
	CH_REQ_HISTORY = 70,     /* fields: ch_orgref (the grantee) */
	CH_REQ_ERASE = 71,       /* fields: ch_erasereq (entry.h); becomes an
	                          * ERASE entry (15) of the provider's own org */
};

/* Why an epoch started. */
enum {
	CH_WHY_CREATE = 0, CH_WHY_ADD = 1, CH_WHY_REMOVE = 2, CH_WHY_ROTATE = 3,
	CH_WHY_HANDOVER = 4, CH_WHY_PEOPLE = 5,
};

/* A member organization: its org id, its card (borrowed on decode; the
 * daemon checks that it verifies and names the same org id) and its role in
 * the case (which decides its audiences). */
typedef struct {
	uint8_t org[32];
	const uint8_t *card;
	size_t cardlen;
	char *role;
} ch_corg_t;

/* A person around the patient: role is one of patient, trusted-person,
 * representative, informal-carer, contact-point, deputy-contact-point;
 * provider is the person's provider key when they read through cahier
 * (zeros otherwise); basis says on what ground (e.g. written-mandate,
 * legal-order, the person's own choice); valid_until 0 = no end. */
typedef struct {
	char *role;
	char *name;
	uint8_t provider[32];
	char *basis;
	uint64_t valid_until;    /* unix seconds */
} ch_person_t;

/* An organization removed from the case, and the cut of its feed: the
 * last entry that stays part of the case (its seq, and its id, so that no
 * other entry can take that place); anything it appends later is refused.
 * An empty feed is cut at seq 0 with a zero id. */
typedef struct {
	uint8_t org[32];
	uint64_t last_seq;
	uint8_t last_id[32];
} ch_removed_t;

/* Which roles belong to an audience (care, medical, social, coordination;
 * network is everyone and is not listed). The same role names serve for
 * organizations' roles in the case and for providers' roles. */
typedef struct {
	uint8_t audience;
	size_t nroles;
	char **roles;
} ch_audmap_t;

typedef struct {
	char *name;                     /* the case's name */
	uint8_t coordinator[32];        /* org id; must be one of orgs */
	uint32_t rotate_days;           /* scheduled rotation: 0 = none */
	uint32_t rotate_entries;        /* 0 = none */
	ch_audmap_t aud[4];             /* audiences 2..5, in that order */
	size_t norgs;
	ch_corg_t *orgs;
	size_t npeople;
	ch_person_t *people;
	size_t nremoved;
	ch_removed_t *removed;
} ch_charter_t;

/* Encoding: name text | coordinator 32 | rotate_days u32 | rotate_entries u32
 * | 4 x { audience u8 (2,3,4,5 in order) | nroles u16 | nroles x role text }
 * | norgs u16 | norgs x { org 32 | card var (<= 4096) | role text }
 * | npeople u16 | npeople x { role text | name text | provider 32 | basis text
 *   | valid_until u64 }
 * | nremoved u16 | nremoved x { org 32 | last_seq u64 | last_id 32 }.
 * Roles are 1..64 bytes of [a-z0-9-]; names 1..256 bytes of UTF-8; basis
 * 0..64 bytes of [a-z0-9-]. Decode checks that no org appears twice among
 * orgs, that coordinator is among orgs, that no removed org is among orgs,
 * and the count limits above (it does not verify cards: keys/ does, in the
 * daemon). Decoded pointers: cards borrow from the input;
 * strings and arrays are malloc'd; release with ch_charter_clear(). */
int ch_charter_encode(const ch_charter_t *c, uint8_t **out, size_t *len) CH_WUR;
int ch_charter_decode(const uint8_t *p, size_t n, ch_charter_t *c) CH_WUR;
void ch_charter_clear(ch_charter_t *c);
/* The default audience map (see PROTOCOL.md); fills c->aud with malloc'd
 * copies. */
int ch_charter_default_audiences(ch_charter_t *c) CH_WUR;
/* 1 if role belongs to audience in c (network: always; unknown audience: 0). */
int ch_charter_role_in(const ch_charter_t *c, const char *role, uint8_t audience);
/* Index of org among c->orgs, or -1. */
int ch_charter_find_org(const ch_charter_t *c, const uint8_t org[32]);

/* Fields of CASE_CREATE (16) and EPOCH (18):
 * why u8 | subject 32 | salt 16 | request var (<= CH_REQUEST_MAX; empty only
 * for a scheduled rotation) | charter (the rest: ch_charter encoding).
 * salt is zeros unless why == CH_WHY_CREATE; subject is the org added,
 * removed or made coordinator (zeros for create, rotate, people). */
typedef struct {
	uint8_t why;
	uint8_t subject[32];
	uint8_t salt[16];
	const uint8_t *request;   /* borrowed */
	size_t requestlen;
	ch_charter_t charter;
} ch_epoch_t;
int ch_epoch_encode(const ch_epoch_t *e, uint8_t **out, size_t *len) CH_WUR;
int ch_epoch_decode(const uint8_t *p, size_t n, ch_epoch_t *e) CH_WUR;
void ch_epoch_clear(ch_epoch_t *e);

/* Fields of HISTORY (20): grantee 32 | request var (<= CH_REQUEST_MAX).
 * The keys travel in the entry's key slots. */
typedef struct {
	uint8_t grantee[32];
	const uint8_t *request;   /* borrowed */
	size_t requestlen;
} ch_history_t;
int ch_history_encode(const ch_history_t *h, uint8_t **out, size_t *len) CH_WUR;
int ch_history_decode(const uint8_t *p, size_t n, ch_history_t *h) CH_WUR;

/* Fields of REVOKE (21): provider 32 | revoked_at u64 (unix seconds). */
typedef struct {
	uint8_t provider[32];
	uint64_t revoked_at;
} ch_revoke_t;
int ch_revoke_encode(const ch_revoke_t *r, uint8_t **out, size_t *len) CH_WUR;
int ch_revoke_decode(const uint8_t *p, size_t n, ch_revoke_t *r) CH_WUR;

/* Fields of FORK (22): org 32 | seq u64 | env_a 206 | env_b 206: the two
 * envelopes org signed at seq of its feed (the evidence, without bodies).
 * The decoder checks the form: both envelopes decode, name org and seq,
 * the same case, and differ (their ids); seq >= 1. Their signatures and
 * case are the reader's to check (ch_env_verify). */
#define CH_FORK_LEN (32 + 8 + 2 * CH_ENV_LEN)
typedef struct {
	uint8_t org[32];
	uint64_t seq;
	uint8_t env_a[CH_ENV_LEN], env_b[CH_ENV_LEN];
	ch_env_t a, b;           /* decoded by ch_fork_decode */
} ch_fork_t;
int ch_fork_encode(const ch_fork_t *f, uint8_t **out, size_t *len) CH_WUR;
int ch_fork_decode(const uint8_t *p, size_t n, ch_fork_t *f) CH_WUR;

/* Fields of REMOVE_ORG, HANDOVER and HISTORY requests: org 32. */
int ch_orgref_encode(const uint8_t org[32], uint8_t **out, size_t *len) CH_WUR;
int ch_orgref_decode(const uint8_t *p, size_t n, uint8_t org[32]) CH_WUR;

/* Fields of a PERSON request: op u8 (1 set, 2 remove) | person (as in the
 * charter: role text | name text | provider 32 | basis text | valid_until
 * u64). "set" replaces the person with the same role and name, or adds it;
 * "remove" removes it. */
enum { CH_PERSON_SET = 1, CH_PERSON_REMOVE = 2 };
typedef struct {
	uint8_t op;
	ch_person_t person;
} ch_personreq_t;
int ch_personreq_encode(const ch_personreq_t *r, uint8_t **out, size_t *len) CH_WUR;
int ch_personreq_decode(const uint8_t *p, size_t n, ch_personreq_t *r) CH_WUR;
void ch_personreq_clear(ch_personreq_t *r);

#endif
