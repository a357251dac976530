/* audit.h - the access records the daemon writes in its own feed of a case:
 * for a read (reads.c) and for a case's name shown in a case list (api.c). */
#ifndef CAHIER_AUDIT_H
#define CAHIER_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include "daemon.h"

/* Appends an access record to our feed of c (kind 32, audience network,
 * current epoch: feed_org_plain, then feed_append, which passes it through
 * the rules) and queues it for the members (sync_push): a random event id,
 * action (CH_ACT_*), outcome (CH_OUT_*), purpose (CH_PURPOSE_*), now, pv's
 * certificate, the reader's signed request req verbatim (reqlen may be 0:
 * a list record carries none), and the entries touched (nranges may be 0).
 * Fills id with the record's entry id. 0, or a proto/store/daemon error
 * (nothing kept). */
int audit_record(cahierd_t *d, scase_t *c, const provider_t *pv,
    const uint8_t *req, size_t reqlen, uint8_t action, uint8_t purpose,
    uint8_t outcome, const ch_range_t *ranges, size_t nranges,
    uint8_t id[32]) CH_WUR;

#endif
