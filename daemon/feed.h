/* feed.h - this organization's own feed of a case: the next entry, sealed,
 * signed and passed through the rules a peer will apply (ingest.h). */
#ifndef CAHIER_FEED_H
#define CAHIER_FEED_H

#include <stddef.h>
#include <stdint.h>
#include "ingest.h"

/* Seals plain under key (the case's key for epoch and audience) with the
 * given key slots (slots may be NULL), signs it as the next entry of our
 * feed of c and stores it through the checks of ingest_entry (ingest_own:
 * the organization signature just made is not checked again). Returns 0 with the entry in
 * *entry (malloc'd, the caller frees it) and its id; DERR_REFUSED if our
 * own rules refuse it (logged); or a store or proto error. */
int feed_append(ingest_t *in, scase_t *c, uint32_t epoch, uint8_t audience,
    const ch_slot_t *slots, size_t nslots, const uint8_t key[32],
    const uint8_t *plain, size_t plainlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32]) CH_WUR;

/* feed_append, for a plain body whose provider signature the caller has
 * checked: checked (borrowed, or NULL) is the SIGJOB_PLAIN job that
 * verified plain for c's case, audience and the provider of the
 * certificate in plain, with ok = 1. The rules then do not verify that
 * signature again (ingest.h: ingest_own). Any other job, or a body that
 * differs from the job's plain text, is checked in full. */
int feed_append_checked(ingest_t *in, scase_t *c, uint32_t epoch, uint8_t audience,
    const ch_slot_t *slots, size_t nslots, const uint8_t key[32],
    const uint8_t *plain, size_t plainlen, const sigjob_t *checked, uint8_t **entry,
    size_t *entrylen, uint8_t id[32]) CH_WUR;

/* The time of the next entry we write in c: the wall clock, or just after
 * the newest entry held of c if that is later (a hybrid logical clock, at
 * most a minute ahead of the wall clock). */
uint64_t feed_time(scase_t *c);

/* Encodes a plain body written by the daemon itself (kinds 16, 18, 20, 21,
 * 32: no certificate, a zero signature) with fields for audience of case
 * case_id; *out is malloc'd. */
int feed_org_plain(const uint8_t case_id[16], uint8_t kind, uint8_t audience,
    const uint8_t *fields, size_t fl, uint8_t **out, size_t *len) CH_WUR;

#endif
