/* sync.h - daemon-to-daemon sync: version vectors, batches of missing
 * entries, pushes of new entries. Any member relays any member's feed;
 * every entry is checked by ingest_entry whoever relays it. Messages go
 * out through the daemon's outbox, after the round's commit. */
#ifndef CAHIER_SYNC_H
#define CAHIER_SYNC_H

#include <czmq.h>
#include "daemon.h"

/* The costs a peer can cause, bounded:
 * - a batch: at most CH_BATCH_MAX entries and SYNC_BATCH_BYTES (one entry
 *   with the largest body always fits); a frame on a peer socket at most
 *   SYNC_FRAME_MAX bytes (server.c sets ZMQ_MAXMSGSIZE: a larger one drops
 *   the connection);
 * - answers: at most SYNC_ANSWER_BYTES of ENTRIES queued for one peer in
 *   one round of the loop (outbox_round), whatever it asks, and sent on
 *   our own connection to it (its DEALER), not on the connection the
 *   request came in on: however many connections a peer opens to our
 *   ROUTER, its answers wait in one pipe. With the sockets' high-water
 *   marks (SYNC_HWM messages per connection and direction, server.c) what
 *   one peer makes this daemon hold stays under SYNC_ANSWER_BYTES +
 *   SYNC_FRAME_MAX in the outbox, 2 x SYNC_HWM x SYNC_FRAME_MAX in our
 *   connection to it, and SYNC_HWM x SYNC_FRAME_MAX of its frames not
 *   read yet per connection it opens (about 86 MiB with two connections;
 *   ZeroMQ does not limit the connections of one CURVE key), plus one
 *   batch being checked (the next one, asked ahead, waits in those
 *   queues);
 * - one catch-up chain per peer: while a batch it asked for is awaited
 *   (SYNC_WAIT_MS at most) the periodic round leaves that peer alone; a
 *   chain asks for one batch ahead of the one it checks (sync.c:
 *   ask_ahead), and a batch makes us ask at most once (twice when asked
 *   ahead and not stored whole, then no asking ahead from that peer for
 *   SYNC_WAIT_MS);
 * - a removed organization is told it was removed once per
 *   SYNC_REMOVED_MS;
 * - log lines: log_limited, per peer. */
#define SYNC_BATCH_BYTES (2u << 20)
#define SYNC_FRAME_MAX (SYNC_BATCH_BYTES + (64u << 10))
#define SYNC_ANSWER_BYTES (16u << 20)
#define SYNC_HWM 8
#define SYNC_WAIT_MS 10000
#define SYNC_REMOVED_MS 60000
/* Checkpoints: the vectors of a peer's CHANGES taken per second, at most
 * (each costs a look at one case, as a SYNC does); a longer pull goes on
 * at the peer's next CHECK. 10,000 shared cases take about 5 s. */
#define SYNC_PULL_VECTORS 2048
/* A PULL unanswered SYNC_PULL_WAIT_MS is sent again at the peer's next
 * CHECK (its answer was lost: a cut link, a full queue; a late answer
 * costs one more CHANGES); a pull that left us behind on some case is
 * made again once a batch from that peer has ended a catch-up (the
 * entries asked for have come), or SYNC_BEHIND_WAIT_MS after it ended
 * (the asks were lost). At most SYNC_PULLS_OUT answers are taken per
 * PULLs sent. */
#define SYNC_PULL_WAIT_MS 500
#define SYNC_BEHIND_WAIT_MS 1000
#define SYNC_PULLS_OUT 3

/* Handles one message from peer p on sock (route: the ROUTER routing id,
 * or NULL on our DEALER to p; taken). WARNING: p points into the peers
 * table and lives until the next peers_load (server.c reloads only from
 * its timer, never inside a handler): keep no peer pointer across
 * rounds. */
void sync_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    zframe_t *frame);
/* Sends our vector of every shared case to every connected member peer
 * that has no catch-up in flight. */
void sync_round(cahierd_t *d);
/* The same for peer p alone, at once, ending its wait (busy_until: a
 * batch asked for on a connection that was lost will not come): anti-
 * entropy when our DEALER's handshake has just succeeded (server.c). One
 * vector per shared case, as a round; ZeroMQ reconnects at most every
 * 200 ms, so this costs at most that many rounds' worth per peer. */
void sync_peer(cahierd_t *d, peer_t *p);
/* Queues a freshly appended entry of case c for every connected member
 * peer, sent after the round's commit: a round's entries of the case go
 * to each member as one batch (outbox_push_entry). */
void sync_push(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n);

#endif
