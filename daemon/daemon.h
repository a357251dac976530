/* daemon.h - one running cahierd: the modules it is made of, built and torn
 * down in one place (cahierd_new, cahierd_destroy). Each module keeps its
 * own state private behind its handle here; the loop's sockets stay in
 * server.c. Included by the modules that serve requests (sync, reads,
 * post, api, housekeeping, server) and by main. */
#ifndef CAHIER_DAEMON_H
#define CAHIER_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "../keys/keys.h"
#include "config.h"
#include "grants.h"
#include "held.h"
#include "index.h"
#include "ingest.h"
#include "keyring.h"
#include "outbox.h"
#include "peers.h"
#include "replay.h"
#include "restore.h"
#include "shown.h"
#include "store.h"
#include "why.h"

typedef struct {
	char *dir;              /* the data directory */
	config_t cfg;
	keys_secret_t *keys;    /* the org's secrets: the rules reach them only through kr */
	uint8_t *card;          /* our signed card */
	size_t cardlen;
	store_t *store;
	keyring_t *kr;
	ingest_t *in;           /* the rules, with their certificate memo */
	peers_t *peers;
	outbox_t *out;          /* owned by the loop; flushed at the end of each round */
	replay_t *replay;       /* read-request nonces */
	index_t *ix;            /* the timelines of the cases read lately */
	shown_t *shown;         /* case names shown in lists, recorded (audit.c) */
	held_t *held;           /* what the peers hold of our feed (WHERE) */
	grants_t *grants;       /* emergency access granted (grants.h) */
	restore_t *run;         /* this run's id; what a restore holds back */
	int64_t started_ms;     /* when the loop began serving (server.c); 0 before */
} cahierd_t;

/* Builds a daemon over data directory dir: opens the store (cfg's cache
 * size, keys' storage key) and makes every module. Takes ownership of *cfg
 * (zeroed), *keys and *card (set to NULL), even when it fails. Returns 0
 * and *out, or a store/proto error. */
int cahierd_new(const char *dir, config_t *cfg, keys_secret_t **keys,
    uint8_t **card, size_t cardlen, cahierd_t **out) CH_WUR;
/* Aborts uncommitted writes, tears every module down, wipes the secrets
 * and sets *d to NULL. */
void cahierd_destroy(cahierd_t **d);

/* The name of org as we know it: ours, an imported card's, the case's
 * charter's (c may be NULL), else "org <key id>". */
void cahierd_org_name(cahierd_t *d, scase_t *c, const uint8_t org[32], char *out,
    size_t n);

/* The answer to a client request, built by a handler and sent by api.c. */
typedef struct {
	uint8_t status;         /* CH_ST_* */
	uint8_t *body;          /* malloc'd; wiped and freed when sent */
	size_t len;
} cahierd_reply_t;
/* Sets an ok reply with body (taken; may be NULL for an empty one). */
void cahierd_reply_ok(cahierd_reply_t *r, uint8_t *body, size_t len);
/* Sets an error reply: status and a one-line refusal for the provider,
 * in words the client translates (why.h): an English format whose only
 * conversion is %s, then its arguments, every one a string (why_num()
 * formats a number; WHY_REASON(s) marks a reason the client translates):
 *     cahierd_reply_err(rep, CH_ST_DENIED, "your role (%s) does not open cases",
 *         pv->cert.role);
 * A sentence is written whole for each case, never glued from parts, so
 * that it can be translated. */
#define cahierd_reply_err(r, status, ...) \
	cahierd_reply_errv((r), (status), WHY_LIST(__VA_ARGS__))
void cahierd_reply_errv(cahierd_reply_t *r, uint8_t status, const char *const *v, size_t n);
/* Sets an error reply: status and the refusal w (copied). */
void cahierd_reply_why(cahierd_reply_t *r, uint8_t status, const why_t *w);

#endif
