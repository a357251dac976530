/* housekeeping.h - work that follows from this organization's own
 * decisions, done by the loop from time to time: revocations to announce
 * in every case, forks this daemon found to report in the case (a FORK
 * entry, once per forked feed), and key rotations that cahierd.conf's schedule makes due
 * in the cases we coordinate. */
#ifndef CAHIER_HOUSEKEEPING_H
#define CAHIER_HOUSEKEEPING_H

#include "daemon.h"

/* The cases one call looks at, at most: a pass over 10,000 cases takes
 * about 160 calls (the loop makes one a sync round), so that no round
 * opens more than this many case environments for housekeeping. */
#define HOUSEKEEPING_SLICE 64

/* Part of a pass over every case we are a member of, in the store's order
 * of case ids: at most max cases from *cursor on (0 starts a pass), which
 * it moves. Returns 1 when the pass is over (*cursor back to 0), else 0.
 * New entries are pushed to the members after the round's commit. */
int housekeeping_run(cahierd_t *d, size_t *cursor, size_t max);

#endif
