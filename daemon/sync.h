/* sync.h - daemon-to-daemon sync: version vectors, batches of missing
 * entries, pushes of new entries. Any member relays any member's feed;
 * every entry is checked by ingest_entry whoever relays it. Messages go
 * out through the daemon's outbox, after the round's commit. */
#ifndef CAHIER_SYNC_H
#define CAHIER_SYNC_H

#include <czmq.h>
#include "daemon.h"

/* Handles one message from peer p on sock (route: the ROUTER routing id,
 * or NULL on our DEALER to p; taken). */
void sync_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    zframe_t *frame);
/* Sends our vector of every shared case to every connected member peer
 * that has no catch-up in flight. */
void sync_round(cahierd_t *d);
/* Queues a freshly appended entry of case c for every connected member
 * peer (sent after the round's commit). */
void sync_push(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n);

#endif
