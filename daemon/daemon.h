/* daemon.h - the state of one running cahierd, shared by its modules:
 * nb (notebook rules), api (client requests), sync (peers), server (loop). */
#ifndef CAHIER_DAEMON_H
#define CAHIER_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <czmq.h>

#include "../keys/keys.h"
#include "../proto/entry.h"
#include "../proto/msg.h"
#include "../proto/charter.h"
#include "config.h"
#include "store.h"

typedef struct {
	uint8_t org[32];
	keys_card_t card;
	char curve_z85[41];
	zsock_t *dealer;        /* our connection to it (NULL if none) */
	int64_t last_heard;     /* ms, 0 = never since start */
	int64_t busy_until;     /* a catch-up batch is in flight until then */
} peer_t;

typedef struct {
	keys_cert_t cert;
	uint8_t *certbuf;
	size_t certlen;
	char curve_z85[41];
} provider_t;

/* A message to send once this round's writes are committed. */
typedef struct outmsg {
	struct outmsg *next;
	zsock_t *sock;
	zframe_t *route;        /* ROUTER routing id, or NULL for a DEALER */
	uint8_t *data;
	size_t len;
	uint8_t client_type;    /* client reply type, 0 for peer traffic */
} outmsg_t;

typedef struct {
	char *dir;
	config_t cfg;
	keys_secret_t *keys;
	uint8_t *card;          /* our signed card */
	size_t cardlen;
	store_t *store;
	peer_t *peers;
	size_t npeers;
	provider_t *provs;
	size_t nprovs;
	uint64_t gen;           /* org store generation last loaded */
	zcert_t *zcert;
	zactor_t *auth;
	zsock_t *client;
	zsock_t *client_tcp;
	zsock_t *peer_router;
	zloop_t *loop;
	outmsg_t *out_head, **out_tail;
	uint8_t nonces[1024][16];  /* recent read-request nonces (replay guard) */
	size_t nonce_pos;
	struct {                   /* certificates already verified, by hash */
		uint8_t hash[32];
		uint8_t provider[32];
		uint8_t org[32];
		char role[KEYS_ROLE_MAX + 1];
		uint64_t from, until;
	} certmemo[32];
	unsigned certmemo_next;
	/* Membership keys of a case being joined, taken from its welcome before
	 * the welcome itself is checked in its place: kept in memory only, so a
	 * forged welcome cannot leave a wrong key in the store. sodium_malloc'd
	 * (NB_PENDING entries), released by nb_free(). */
	struct nb_pending *pending;
	uint64_t hlc;
	int64_t last_housekeeping; /* ms */
	int lockfd;
} cahierd_t;

#define NB_PENDING 256
struct nb_pending {
	uint8_t case_id[16];
	uint32_t epoch;
	uint8_t used;
	uint8_t key[32];
};

/* now in ms since the Unix epoch */
int64_t now_ms(void);

/* nb.c - the notebook rules. */
enum {
	NB_STORED = 0,   /* appended to its feed */
	NB_DUP = 1,      /* already held, identical */
	NB_GAP = 2,      /* earlier entries of that feed are missing */
	NB_NOTYET = 3,   /* depends on membership not yet received */
	NB_REJECT = -1,  /* invalid: logged, not stored */
};
/* Checks and stores one entry of case c received from peer 'from' (a name
 * for the log). Returns an NB_* code. */
int nb_ingest(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n,
    const char *from);
/* Seals plain under key (the case's key for epoch and audience), signs it
 * as the next entry of our feed and stores it (through nb_ingest, so our
 * own entries pass the checks a peer would make). slots may be NULL. On
 * success *entry (malloc'd) holds the entry and id its id. */
int nb_append(cahierd_t *d, scase_t *c, uint32_t epoch, uint8_t audience,
    const ch_slot_t *slots, size_t nslots, const uint8_t key[32],
    const uint8_t *plain, size_t plainlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32]);
/* Starts an epoch (0 for CH_WHY_CREATE, else current + 1) with fresh keys
 * for every audience, sealed to each member of ep->charter for the
 * audiences its role is in (the coordinator gets all; a joining org also
 * gets the earlier membership keys), and appends the epoch entry. */
int nb_new_epoch(cahierd_t *d, scase_t *c, const ch_epoch_t *ep,
    uint8_t **entry, size_t *entrylen, uint8_t id[32]);
/* Appends a HISTORY entry sealing the earlier epochs' keys (of the
 * audiences its role is in now) to member grantee. */
int nb_grant_history(cahierd_t *d, scase_t *c, const uint8_t grantee[32],
    const uint8_t *req, size_t reqlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32]);
/* Appends a REVOKE entry for one of our providers. */
int nb_revoke(cahierd_t *d, scase_t *c, const uint8_t provider[32], uint64_t when,
    uint8_t **entry, size_t *entrylen, uint8_t id[32]);
/* 1 if org's REVOKE of provider is in the case. */
int nb_revoked(scase_t *c, const uint8_t org[32], const uint8_t provider[32]);

/* The derived record of an epoch: when it started, its epoch entry, and the
 * charter without names (they stay in encrypted entries). */
typedef struct {
	uint8_t *buf;
	size_t len;
	int ok;
	uint32_t epoch;
	uint64_t start_ms;
	uint8_t org[32];        /* the epoch entry's feed and seq */
	uint64_t seq;
	uint64_t entries_at_start;
	ch_charter_t ch;
} nb_rec_t;
int nb_rec_get(scase_t *c, uint32_t epoch, nb_rec_t *r);
int nb_rec_current(scase_t *c, nb_rec_t *r);
void nb_rec_free(nb_rec_t *r);
/* The full current charter, names included, decrypted from the current epoch
 * entry: *buf must be freed (after ch_epoch_clear(ep)) by the caller. */
int nb_charter_full(cahierd_t *d, scase_t *c, uint8_t **buf, ch_epoch_t *ep);
/* 1 if org holds the key of audience in a case with this charter. */
int nb_org_in_audience(const ch_charter_t *ch, const uint8_t org[32], uint8_t audience);
/* A case we do not hold yet, offered by peer 'from': accepted only if the
 * batch holds the coordinator's genesis and a key sealed to us. Returns 0 and
 * the new case in *out, or -1 (logged). */
int nb_adopt(cahierd_t *d, const uint8_t case_id[16], const ch_slice_t *items,
    size_t n, const char *from, scase_t **out);
/* Releases what the notebook rules hold in memory (wiped). */
void nb_free(cahierd_t *d);
/* The coordinator of c (0), or ST_ERR_NOTFOUND. */
int nb_coordinator(scase_t *c, uint8_t org[32]);
/* 1 if the coordinator started an epoch without a key for this
 * organization (removed, or left out): *epoch says which. */
int nb_excluded(scase_t *c, uint32_t *epoch);
/* 1 if org is the coordinator or a member of c. */
int nb_is_member(scase_t *c, const uint8_t org[32]);
/* The name of org as we know it (card in the case or imported), or its key id. */
void nb_org_name(cahierd_t *d, scase_t *c, const uint8_t org[32], char *out, size_t n);
/* How many entries c holds (the sum of its feeds' heads). */
uint64_t nb_entries(scase_t *c);
/* Current epoch of c. */
uint32_t nb_epoch(scase_t *c);
/* Member org ids of c (coordinator included), malloc'd. */
int nb_members(scase_t *c, uint8_t (**orgs)[32], size_t *n);

/* api.c - client requests: fills the outbox with the reply. */
void api_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, zframe_t *frame);

/* sync.c - peers. */
void sync_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    zframe_t *frame);
/* Sends our vector of every shared case to every connected member peer. */
void sync_round(cahierd_t *d);
/* Pushes a freshly appended entry of case c to its member peers. */
void sync_push(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n);
peer_t *sync_peer_by_org(cahierd_t *d, const uint8_t org[32]);

/* server.c - outbox. Takes ownership of data and route. */
void out_queue(cahierd_t *d, zsock_t *sock, zframe_t *route, uint8_t *data,
    size_t len, uint8_t client_type);
/* Commits the round and sends the outbox (client replies turn into errors
 * if the commit failed). */
void out_flush(cahierd_t *d);

#endif
