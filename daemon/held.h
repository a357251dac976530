/* held.h - what the peers hold of our own feed, per case, as their last
 * SYNC said: the answer to a provider's "where did my entry go?" (WHERE).
 *
 * In memory only, and bounded: HELD_SLOTS (peer, case) slots of
 * HELD_SLOT_BYTES each (about 4096 x 64 bytes = 256 KiB), the least
 * recently updated slot given to a new pair when the table is full. A
 * peer's SYNCs can only move its own slots (one per case it names), so a
 * peer that floods SYNCs for made-up cases evicts older slots: the answer
 * is then "not known to hold it yet" until that peer's next SYNC of the
 * case, never a wrong "held". Nothing of it survives a restart: after one,
 * every peer's next SYNC (one sync interval) fills it again. */
#ifndef CAHIER_HELD_H
#define CAHIER_HELD_H

#include <stdint.h>
#include "../proto/err.h"

#define HELD_SLOTS 4096
#define HELD_SLOT_BYTES 64

typedef struct held held_t;

int held_new(held_t **out) CH_WUR;
void held_destroy(held_t **h);
/* Peer org, in its SYNC of case_id, holds our feed up to seq. A lower seq
 * than the one remembered is kept too (the peer is what it says now). */
void held_note(held_t *h, const uint8_t org[32], const uint8_t case_id[16], uint64_t seq);
/* The seq of our feed of case_id that org last said it holds; 0 unknown. */
uint64_t held_get(const held_t *h, const uint8_t org[32], const uint8_t case_id[16]);

#endif
