/* restore.h - this run of the daemon, and what it holds back after its
 * store was put back from a copy.
 *
 * Each start draws a run id (store_run_begin): peers tie what they have
 * taken of our changes to it (sync.c, PROTOCOL.md "Checkpoints"), so a
 * restart or a restore always gets a full exchange.
 *
 * A store that was restored (store.h: store_run_begin) may lack entries
 * this organization wrote after the copy was made, which the other members
 * hold. Writing the next entry of our feed then would fork it: the same
 * seq twice, both signed by us. So until it has learnt its own feeds'
 * heads from its peers, the daemon appends nothing to its feed of a case
 * it held at the start (a post, an access record, an epoch entry: every
 * write of ours goes through feed_append, which asks restore_may_append):
 *
 * - a case is ready once a member peer's vector of it has arrived
 *   (restore_seen) and we hold our feed up to the highest seq of it that a
 *   member said it holds (the entries come in the same exchange, each
 *   checked against our own signature, so only a true claim can be met);
 * - a claim not met within RESTORE_CLAIM_MS is dropped, logged with the
 *   member that made it, and that member's later claims on the case are
 *   ignored for the rest of the run: a member lying about our feed holds
 *   our writes in a case back for at most that long;
 * - a case with no member but us is ready at once;
 * - once every case held at the start is ready, the mark is cleared in the
 *   store (committed with the round) and the daemon writes as usual.
 *
 * In memory: one slot of RESTORE_SLOT_BYTES per case held at the start,
 * and only while restored. */
#ifndef CAHIER_RESTORE_H
#define CAHIER_RESTORE_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define RESTORE_CLAIM_MS (120 * 1000)
#define RESTORE_SLOT_BYTES 104

typedef struct restore restore_t;

/* Starts this run over store s: draws the run id, finds out whether s was
 * restored and, if so, lists every case it holds. */
int restore_new(store_t *s, restore_t **out) CH_WUR;
void restore_destroy(restore_t **r);

/* This run's id (16 bytes). */
const uint8_t *restore_run(const restore_t *r);
/* 1 while some case held at the start is not ready. */
int restore_active(const restore_t *r);
/* How many cases held at the start are ready, of how many. */
void restore_progress(const restore_t *r, size_t *ready, size_t *total);

/* Member peer org's vector of case id says it holds our feed up to claim;
 * we hold it up to head. */
void restore_seen(restore_t *r, const uint8_t id[16], const uint8_t org[32],
    uint64_t claim, uint64_t head);
/* Case id has no member but us. */
void restore_alone(restore_t *r, const uint8_t id[16]);
/* 0 if we may append the entry after head to our feed of case id, else
 * DERR_RESTORING. now: ms. */
int restore_may_append(restore_t *r, const uint8_t id[16], uint64_t head,
    int64_t now);
/* Looks again at every case not ready: one whose claims we now meet (the
 * entries arrived since) is ready, one waiting on a claim past
 * RESTORE_CLAIM_MS drops it (self: our org, to read our heads in s). Once
 * every case is ready, clears the store's mark (uncommitted: the round
 * commits it) and returns 1; else 0. */
int restore_tick(restore_t *r, store_t *s, const uint8_t self[32], int64_t now);

#endif
