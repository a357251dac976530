/* peers.h - the organizations this one trusts (peers, from their imported
 * cards) and the providers it certified, as loaded from the store: look-ups
 * by org id and by CURVE key, the ZAP allow-list, and one DEALER
 * connection to each peer. */
#ifndef CAHIER_PEERS_H
#define CAHIER_PEERS_H

#include <stddef.h>
#include <stdint.h>
#include <czmq.h>
#include "../keys/keys.h"
#include "store.h"

/* A stalled peer connection (our DEALERs and the peer ROUTER alike) is
 * closed by the kernel, not by ZeroMQ: TCP keepalive probes an idle
 * connection after PEERS_KEEPALIVE_IDLE_S, every PEERS_KEEPALIVE_INTVL_S,
 * and gives up after PEERS_KEEPALIVE_CNT unanswered (about 11 s); data
 * left unacknowledged for PEERS_TCP_MAXRT_MS (ZMQ_TCP_MAXRT, which libzmq
 * turns into TCP_USER_TIMEOUT on Linux) closes it too, instead of the
 * retransmission back-off that waits for minutes. The DEALER then
 * reconnects by itself (ZMQ_RECONNECT_IVL, 200 ms) and its new handshake
 * starts anti-entropy at once (server.c: on_monitor, sync_peer). The
 * cost: on an idle connection, one empty TCP segment each way per
 * PEERS_KEEPALIVE_IDLE_S, nothing on a busy one.
 *
 * Not ZeroMQ heartbeats (ZMQ_HEARTBEAT_IVL/TIMEOUT/TTL): with libzmq 4.3.4
 * (Debian 12), an engine whose input is stopped by a full receive queue
 * (SYNC_HWM, 8 messages) aborts the process when its heartbeat timer fires
 * after the connection failed ("Assertion failed: !_io_error
 * (src/stream_engine_base.cpp:331)", libzmq issues 4364, 3937, 4767; no
 * release fixes it). t57-heartbeat.sh met it on its first run, and any
 * peer that fills the queue and then drops the connection could do the
 * same on purpose. A side effect: a peer whose process is frozen while its
 * kernel still acknowledges (SIGSTOP) is not detected; a dead host or a
 * broken link is. */
#define PEERS_KEEPALIVE_IDLE_S 5
#define PEERS_KEEPALIVE_INTVL_S 2
#define PEERS_KEEPALIVE_CNT 3
#define PEERS_TCP_MAXRT_MS 10000

typedef struct {
	uint8_t org[32];
	keys_card_t card;
	char curve_z85[41];
	zsock_t *dealer;        /* our connection to it (NULL if none) */
	int64_t last_heard;     /* ms, 0 = never since start */
	int64_t busy_until;     /* a catch-up batch is in flight until then */
	int64_t clock_lag;      /* ms: our clock less its, at most (sync.c:
	                         * note_clock), measured at clock_at (0: never) */
	int64_t clock_at;
	uint64_t answer_round;  /* the round of answer_bytes (sync.h) */
	size_t answer_bytes;    /* ENTRIES queued for it in that round */
	int64_t dialed;         /* ms: when the DEALER was made, or last lost
	                         * its connection (redial waits from then) */
	int64_t redial_ms;      /* wait before the next redial (doubles) */
	zsock_t *monitor;       /* the DEALER's handshake and disconnect events */
	zframe_t *answer_route; /* the one connection to our ROUTER we answer it on
	                         * while our DEALER is down (sync.c) */
	int64_t route_heard;    /* ms: last message on that connection */
	int dealer_ok;          /* our DEALER's handshake succeeded and it has
	                         * not been disconnected since (peers_event): what
	                         * `cahier peers` calls connected (api.c) */
	/* Checkpoints (sync.c): what we have taken of its changes. */
	uint8_t done_run[16];   /* its run they belong to */
	uint64_t done;          /* every case it changed up to this number seen,
	                         * and we were not behind on any */
	int pulling;            /* PULLs of ours unanswered (at most SYNC_PULLS_OUT) */
	int in_sweep;           /* a pull stopped at cursor, to go on */
	uint64_t cursor;        /* where it goes on (its last CHANGES' upto) */
	int sweep_behind;       /* this pull met a case we are behind on */
	uint64_t behind_at;     /* the last pull that ended behind: done + 1 then (0: none) */
	int64_t refused_until;  /* ms: its last batch brought only refusals: no
	                         * ask from a pull before then */
	int64_t ahead_until;    /* ms: no SYNC asked ahead of a batch's check
	                         * before then: a batch asked ahead did not
	                         * store whole (sync.c: ask_ahead) */
	int64_t vec_window;     /* ms: the start of the second vec_count counts in */
	size_t vec_count;       /* vectors of its CHANGES taken in that second */
	int64_t pull_wait;      /* ms: no new PULL before then */
	uint64_t pull_round;    /* the loop round its last PULL was answered in */
} peer_t;

typedef struct {
	keys_cert_t cert;
	uint8_t *certbuf;       /* the certificate as issued */
	size_t certlen;
	char curve_z85[41];
} provider_t;

typedef struct peers peers_t;

int peers_new(peers_t **out) CH_WUR;
/* Closes every DEALER and frees the tables; sets *p to NULL. */
void peers_destroy(peers_t **p);

/* Replaces the tables with the peers and providers of store s (providers
 * of org self only; damaged records are skipped with a warning). Every
 * DEALER of the old table is closed: WARNING: every peer_t and provider_t
 * pointer from before is invalid after a reload, and so is a socket taken
 * from one; a caller that registered the DEALERs with a loop must end those
 * readers first. */
int peers_load(peers_t *p, store_t *s, const uint8_t self[32]) CH_WUR;
/* Opens a DEALER (CURVE client with certificate zc) to every peer whose
 * card has an endpoint, holding at most hwm messages each way and refusing
 * frames over maxmsg bytes, with a monitor socket for its events; a peer
 * that cannot be reached is logged and left without one. */
int peers_connect(peers_t *p, zcert_t *zc, int hwm, int64_t maxmsg) CH_WUR;
/* Closes p's DEALER and opens a new one (as peers_connect). WARNING: the
 * old socket is destroyed: a caller that registered it with a loop ends
 * that reader first. */
int peers_redial(peers_t *ps, peer_t *p, zcert_t *zc, int hwm, int64_t maxmsg) CH_WUR;
/* Rewrites <dir>/allow with one public certificate per peer and provider:
 * the ZAP handler admits exactly these CURVE keys. */
int peers_write_allow(const peers_t *p, const char *dir) CH_WUR;

/* Look-ups; NULL when none. The pointers live until the next peers_load. */
size_t peers_count(const peers_t *p);
size_t peers_providers(const peers_t *p);
peer_t *peers_at(peers_t *p, size_t i);
peer_t *peers_by_org(peers_t *p, const uint8_t org[32]);
peer_t *peers_by_curve(peers_t *p, const char *z85);
peer_t *peers_by_dealer(peers_t *p, const zsock_t *dealer);
peer_t *peers_by_monitor(peers_t *p, const zsock_t *monitor);
/* Sets the options that close a stalled connection (PEERS_KEEPALIVE_*,
 * PEERS_TCP_MAXRT_MS) on a peer socket. */
void peers_stall_opts(zsock_t *s);
/* Reads one event of p's DEALER from its monitor socket (a handshake that
 * succeeded, a disconnection, a stalled connection closed among them) and sets
 * p->dealer_ok. Returns PEERS_UP when a handshake has just succeeded (the
 * caller starts anti-entropy with p), PEERS_DOWN when a connection that
 * was up has just been lost, else 0. */
#define PEERS_UP 1
#define PEERS_DOWN 2
int peers_event(peer_t *p);
provider_t *peers_provider_by_curve(peers_t *p, const char *z85);

#endif
