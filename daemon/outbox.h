/* outbox.h - messages to send once this round's writes are committed: a
 * reply that carries plaintext must never leave before its access record
 * is on disk, and a push never before its entry is. Owned by the loop
 * (server.c); the modules that answer queue into it. */
#ifndef CAHIER_OUTBOX_H
#define CAHIER_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <czmq.h>
#include "store.h"

typedef struct outbox outbox_t;

int outbox_new(outbox_t **out) CH_WUR;
/* Drops (wiping) every queued message; sets *o to NULL. */
void outbox_destroy(outbox_t **o);
/* Queues data (len bytes) for sock, with a ROUTER routing id (NULL for a
 * DEALER). Takes ownership of data and route, even when it fails.
 * client_type is the client request type of a reply (0 for peer traffic):
 * a reply turns into an error if the round's commit fails. */
void outbox_queue(outbox_t *o, zsock_t *sock, zframe_t *route, uint8_t *data,
    size_t len, uint8_t client_type);
/* Queues an entry of a case to push to a peer (sock, a DEALER). The
 * entries of one case for one peer queued in one round go as one ENTRIES
 * (more 0), in the order they were queued, at the place of the first:
 * the peer checks one organization signature for a run of one feed
 * instead of one per entry, and takes one message instead of one per
 * entry. A batch holds at most CH_BATCH_MAX entries and max_bytes of
 * them; the next entry starts another. Copies entry. At most
 * OUTBOX_OPEN_MAX batches stay open to more entries in a round; past that
 * an entry starts a batch of its own. */
#define OUTBOX_OPEN_MAX 64
void outbox_push_entry(outbox_t *o, zsock_t *sock, const uint8_t case_id[16],
    const uint8_t *entry, size_t n, size_t max_bytes);
/* Commits the round's writes in s and sends every queued message, never
 * blocking. If the commit failed, client replies turn into errors and peer
 * messages are dropped: nothing that depended on the lost writes goes out.
 * Returns the commit's result. */
int outbox_flush(outbox_t *o, store_t *s) CH_WUR;
/* Sends data (len bytes) on sock at once, with a ROUTER routing id (NULL
 * for a DEALER), never blocking (dropped when the queue is full), and
 * takes ownership of both. Only for a message that says nothing of what
 * the round writes, which therefore need not wait for its commit: a SYNC
 * asked ahead of a batch's check (sync.c: ask_ahead). */
void outbox_send_now(zsock_t *sock, zframe_t *route, uint8_t *data, size_t len);
/* The number of the current round (flushes so far): what a peer may cost
 * is counted per round (sync.h). */
uint64_t outbox_round(const outbox_t *o);

#endif
