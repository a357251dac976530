/* replay.c - a ring of recent read-request nonces. */
#include <stdlib.h>
#include <string.h>

#include "replay.h"

struct replay {
	uint8_t nonces[REPLAY_NONCES][16];
	size_t pos;
};

int
replay_new(replay_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CH_ERR_NOMEM;
}

void
replay_destroy(replay_t **r)
{
	free(*r);
	*r = NULL;
}

int
replay_seen(replay_t *r, const uint8_t nonce[16])
{
	for (size_t i = 0; i < REPLAY_NONCES; i++)
		if (memcmp(r->nonces[i], nonce, 16) == 0)
			return 1;
	memcpy(r->nonces[r->pos++ % REPLAY_NONCES], nonce, 16);
	return 0;
}
