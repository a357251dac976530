/* member.h - membership over time, as this daemon writes it: epoch entries
 * (a new case, a change of its charter, a rotation), history grants and
 * revocations in our own feed; the full charter of a case; and the
 * adoption of a case a peer offers us. The rules that check these entries
 * are in ingest.c; the change a request asks for is change.h's. */
#ifndef CAHIER_MEMBER_H
#define CAHIER_MEMBER_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/charter.h"
#include "../proto/msg.h"
#include "ingest.h"
#include "store.h"

/* Starts an epoch (0 for CH_WHY_CREATE, else current + 1) with fresh keys
 * for every audience, sealed to each member of ep->charter for the
 * audiences its role is in (the coordinator gets all; a joining org also
 * gets the earlier membership keys), and appends the epoch entry (see
 * feed_append for the result). */
int member_new_epoch(ingest_t *in, scase_t *c, const ch_epoch_t *ep,
    uint8_t **entry, size_t *entrylen, uint8_t id[32]) CH_WUR;
/* Appends a HISTORY entry sealing the earlier epochs' keys (of the
 * audiences its role is in now) to member grantee, for the signed request
 * req. */
int member_grant_history(ingest_t *in, scase_t *c, const uint8_t grantee[32],
    const uint8_t *req, size_t reqlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32]) CH_WUR;
/* Appends a REVOKE entry for one of our providers, revoked at 'when'
 * (s since the Unix epoch). */
int member_revoke(ingest_t *in, scase_t *c, const uint8_t provider[32],
    uint64_t when, uint8_t **entry, size_t *entrylen, uint8_t id[32]) CH_WUR;
/* 1 if org's REVOKE of provider is in the case. */
int member_revoked(scase_t *c, const uint8_t org[32], const uint8_t provider[32]) CH_WUR;

/* What a batch of an unknown case may cost before it is proven to belong
 * to a case that welcomes us: signature checks and key-slot opens. */
#define MEMBER_ADOPT_SIGS 16
#define MEMBER_ADOPT_OPENS CH_SLOTS_MAX

/* A case we do not hold (or hold without being in it yet), offered by peer
 * 'from' in a batch: accepted only if the batch holds the coordinator's
 * genesis and a welcome (membership-key slots sealed to us). The genesis
 * is looked for first (no slot is opened without one), then the welcome,
 * highest epoch first; the batch costs at most MEMBER_ADOPT_SIGS signature
 * checks and MEMBER_ADOPT_OPENS slot opens. The welcome's
 * membership keys stay in memory (keyring_welcome_put) until the welcome
 * itself is accepted by ingest_entry. Returns 0 with the case in *out (its
 * environment is created) and its coordinator in coord, DERR_NOTJOINED
 * (logged), or a store error. */
int member_adopt(ingest_t *in, store_t *s, const uint8_t case_id[16],
    const ch_slice_t *items, size_t n, const char *from, scase_t **out,
    uint8_t coord[32]) CH_WUR;

/* Joins a case this daemon does not hold from a peer's batch: adoption
 * (member_adopt), then the batch through the rules (ingest_batch). If not
 * even the genesis was stored, the case made for it is forgotten again
 * (store_case_forget): a refused welcome leaves nothing behind. Returns 0
 * with the case in *out, its coordinator and the tally; DERR_NOTJOINED; or
 * a store error. */
int member_join(ingest_t *in, store_t *s, const uint8_t case_id[16],
    const ch_slice_t *items, size_t n, const char *from, scase_t **out,
    uint8_t coord[32], ingest_tally_t *t) CH_WUR;

#endif
