/* housekeeping.h - work that follows from this organization's own
 * decisions, done by the loop from time to time: revocations to announce
 * in every case, forks this daemon found to report in the case (a FORK
 * entry, once per forked feed), and key rotations that cahierd.conf's schedule makes due
 * in the cases we coordinate. */
#ifndef CAHIER_HOUSEKEEPING_H
#define CAHIER_HOUSEKEEPING_H

#include "daemon.h"

/* One pass over every case we are a member of; new entries are pushed to
 * the members after the round's commit. */
void housekeeping_run(cahierd_t *d);

#endif
