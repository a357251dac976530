/* verify.h - checking every feed this daemon holds of a case, for
 * `cahier verify` (PROTOCOL.md, "Verifying a case"): the organization
 * signature of every entry, each body against its signed hash, each
 * erasure proof, the hash chain, seqs contiguous from 1 to the head, the
 * head record, the fork evidence kept, and whether a member holds more of
 * this organization's own feed than this daemon does (an entry removed
 * here, or a store put back from a copy).
 *
 * Cost: one pass over the case's entries (each read once from LMDB), one
 * Ed25519 check per entry and per erasure proof, on all cores (sigcheck.h)
 * in chunks of VERIFY_CHUNK envelopes (VERIFY_CHUNK x sizeof(ch_env_t),
 * about 0.5 MiB, is the memory it takes beyond the reply). It runs in the
 * daemon's loop: a case of 100,000 entries holds the loop for about as
 * long as 100,000 signature checks take on the machine's cores (2.5 s on
 * two cores). Only a provider of this organization can ask. */
#ifndef CAHIER_VERIFY_H
#define CAHIER_VERIFY_H

#include "../proto/info.h"
#include "daemon.h"

#define VERIFY_CHUNK 2048

/* Checks c and fills r (its findings and names malloc'd: free with
 * verify_free): the findings of every feed, the forks, and the members
 * that hold more of our own feed, sorted by (org, seq, code); at most CH_VERIFY_MAX, the last then CH_VF_MORE. Returns 0, or a
 * negative error when the store cannot be read (r is then empty). */
int verify_case(cahierd_t *d, scase_t *c, ch_verifyrep_t *r) CH_WUR;
void verify_free(ch_verifyrep_t *r);

#endif
