/* replay.h - the nonces of recent signed read requests: a request seen
 * once is refused the second time (with the 5-minute freshness window of
 * reads.c, a bounded guard). */
#ifndef CAHIER_REPLAY_H
#define CAHIER_REPLAY_H

#include <stdint.h>
#include "../proto/err.h"

#define REPLAY_NONCES 1024

typedef struct replay replay_t;

int replay_new(replay_t **out) CH_WUR;
void replay_destroy(replay_t **r);
/* 1 if nonce is among the last REPLAY_NONCES seen; else remembers it and
 * returns 0. */
int replay_seen(replay_t *r, const uint8_t nonce[16]) CH_WUR;

#endif
