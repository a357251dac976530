/* agent.h - the client agent: a `cahier` process forked into the background
 * by `cahier unlock`, holding the provider's unlocked key for a working
 * session and handing it to the provider's own commands over a Unix socket
 * in the home directory (docs/ARCHITECTURE.md, "The client agent").
 *
 * The protocol, one exchange per connection, fixed sizes both ways:
 *   request  AGENT_REQ_LEN (8) bytes: "CHAQ" | version 1 | op | 0 | 0
 *   reply    AGENT_REP_LEN (152) bytes: "CHAR" | version 1 | op | status |
 *            0 | until (u64, big-endian unix seconds) | pid (u32 BE) |
 *            0 0 0 0 | sign_sk 64 | curve_pk 32 | curve_sk 32
 * Only AGENT_OP_KEYS fills the key bytes; every other reply has them zero.
 * AGENT_OP_LOCK makes the agent remove its socket, wipe the key and exit
 * (it replies once the key is wiped). */
#ifndef CAHIER_AGENT_H
#define CAHIER_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include "cli.h"

#define AGENT_REQ_LEN 8
#define AGENT_REP_LEN 152
#define AGENT_SOCK "agent.sock"
#define AGENT_DEFAULT_SECS (8u * 3600u)
#define AGENT_MAX_SECS (24u * 3600u)
/* The bound on one exchange, either side: the agent never waits longer for
 * a slow client, a client never waits longer for a stuck agent. */
#define AGENT_IO_MS 1000

enum { AGENT_OP_STATUS = 1, AGENT_OP_KEYS = 2, AGENT_OP_LOCK = 3 };
enum { AGENT_ST_OK = 0, AGENT_ST_BAD = 1 };

/* What a reply carries. The keys are zero unless op is AGENT_OP_KEYS. */
typedef struct {
	uint8_t op;
	uint8_t status;
	uint64_t until;        /* unix seconds at which the agent ends */
	uint32_t pid;
	uint8_t sign_sk[64];
	uint8_t curve_pk[32];
	uint8_t curve_sk[32];
} agent_rep_t;

/* "30m", "8h", "90s", "1h30m": one or more <digits><unit> groups, units s,
 * m, h; 1 s to AGENT_MAX_SECS. 0 or -1 (anything else, a bare number, 0,
 * more than 24 h). */
int agent_parse_duration(const char *s, unsigned *secs);

void agent_req_encode(uint8_t op, uint8_t out[AGENT_REQ_LEN]);
/* 0 and *op for a well-formed request of a known op, else -1. */
int agent_req_decode(const uint8_t *p, size_t n, uint8_t *op);
void agent_rep_encode(const agent_rep_t *r, uint8_t out[AGENT_REP_LEN]);
/* 0 for a well-formed reply (keys only under AGENT_OP_KEYS), else -1. */
int agent_rep_decode(const uint8_t *p, size_t n, agent_rep_t *r);

/* Sends (sending != 0) or receives exactly n bytes on the non-blocking fd
 * within ms milliseconds: 0, or -1 on an error, an early end or the time. */
int agent_io(int fd, uint8_t *p, size_t n, int sending, int ms);
/* The agent's socket path in home (malloc'd), or NULL when it would not fit
 * in a sockaddr_un. */
char *agent_sock_path(const char *home);
/* Connects to the agent of home, sends op, reads its reply into *r (which
 * the caller wipes when it holds keys). The agent must run as our uid
 * (SO_PEERCRED). 0 on success, -1 when there is no agent or it does not
 * answer well within AGENT_IO_MS. */
int agent_ask(const char *home, uint8_t op, agent_rep_t *r);
/* Asks the agent of home for the key and checks it against the public keys
 * of cert (our certificate): 0 and a new *out (keys_secret_destroy it),
 * holding the signing and CURVE keys only (no seed), or -1 (no agent, or
 * one that holds another key). */
int agent_fetch(const char *home, const uint8_t *cert, size_t certlen,
    keys_secret_t **out);

/* cahier status's line about the key, after label in a column of width
 * (cli_label); nothing under --json. */
void agent_print_status(const cli_t *c, const char *label, size_t width);

/* cahier unlock [--for DURATION], cahier lock. */
int cmd_unlock(cli_t *c, int argc, char **argv);
int cmd_lock(cli_t *c, int argc, char **argv);

#endif
