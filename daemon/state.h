/* state.h - the derived state of a case, as the accepted epoch entries left
 * it in the store: coordinator, current epoch, the charter of each epoch
 * (without names), members, exclusion, revocations. Reads and the one
 * writer of an epoch's derived record; no rules (ingest.c decides what is
 * accepted). */
#ifndef CAHIER_STATE_H
#define CAHIER_STATE_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/charter.h"
#include "store.h"

/* The derived record of an epoch: when it started, its epoch entry, how
 * many entries the case held then, and the charter with the case name and
 * people's names replaced by "-" (names stay in encrypted entries). */
typedef struct {
	store_epochrec_t rec;
	int ok;                 /* ch is decoded (cleared by state_epoch_free) */
	int memo;               /* ch is lent by the memo of decoded charters
	                         * (state.c): its slot + 1, or 0 */
	uint32_t epoch;
	ch_charter_t ch;        /* read only: it may be shared (memo) */
} state_epoch_t;

/* Reads and decodes the record of epoch; free with state_epoch_free().
 * ST_ERR_NOTFOUND when that epoch is unknown here, ST_ERR_DB when damaged.
 * WARNING: r->ch may be shared with other state_epoch_t of the same
 * thread holding the same charter (a memo by the record's bytes): never
 * change it; it is valid until state_epoch_free(r). */
int state_epoch_get(scase_t *c, uint32_t epoch, state_epoch_t *r) CH_WUR;
/* The record of the current epoch. */
int state_epoch_current(scase_t *c, state_epoch_t *r) CH_WUR;
void state_epoch_free(state_epoch_t *r);
/* Writes the record of epoch, started at start_ms by the epoch entry (org,
 * seq) with charter ch (names are stripped here), and makes it current:
 * the coordinator and the epoch number follow ch. */
int state_epoch_start(scase_t *c, uint32_t epoch, uint64_t start_ms,
    const uint8_t org[32], uint64_t seq, const ch_charter_t *ch) CH_WUR;

/* The coordinator of c (0), or ST_ERR_NOTFOUND before the genesis. */
int state_coordinator(scase_t *c, uint8_t org[32]) CH_WUR;
/* The current epoch of c (0 before the genesis, or if unreadable). */
uint32_t state_epoch(scase_t *c);
/* How many entries c holds (the sum of its feeds' heads; 0 if unreadable). */
uint64_t state_entries(scase_t *c);
/* 1 if the coordinator started an epoch without a key for this
 * organization (removed, or left out): *epoch (may be NULL) says which. */
int state_excluded(scase_t *c, uint32_t *epoch) CH_WUR;
/* 1 if org is the coordinator or a member of c in the current epoch. */
int state_is_member(scase_t *c, const uint8_t org[32]) CH_WUR;
/* Member org ids of c in the current epoch (coordinator included), in a
 * malloc'd array; none before the genesis. */
int state_members(scase_t *c, uint8_t (**orgs)[32], size_t *n) CH_WUR;
/* Seq of org's REVOKE entry for provider in c, or 0. */
uint64_t state_revoked_at(scase_t *c, const uint8_t org[32],
    const uint8_t provider[32]);
/* 1 if org holds the key of audience in a case with this charter: every
 * member holds the membership key; the coordinator holds every key (it
 * re-keys the case and grants history); others by their role. */
int state_org_in_audience(const ch_charter_t *ch, const uint8_t org[32],
    uint8_t audience) CH_WUR;

/* People around the patient (their certificate's role is a person's role)
 * read and write only while charter ch (may be NULL: none) lists their
 * provider key, and until its date (now_s, s since the Unix epoch).
 * Returns why not, as a message for the provider, or NULL. */
const char *state_person_refusal(const ch_charter_t *ch, const char *role,
    const uint8_t provider[32], uint64_t now_s);

#endif
