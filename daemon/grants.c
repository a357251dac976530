/* grants.c - emergency access grants (grants.h): a fixed table. */
#include <stdlib.h>
#include <string.h>

#include "grants.h"

typedef struct {
	uint8_t provider[32];
	uint8_t case_id[16];
	uint64_t until;           /* 0: free */
} slot_t;

struct grants {
	slot_t slot[GRANTS_MAX];
};

int
grants_new(grants_t **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return CH_ERR_NOMEM;
	return 0;
}

void
grants_destroy(grants_t **g)
{
	free(*g);
	*g = NULL;
}

void
grants_give(grants_t *g, const uint8_t provider[32], const uint8_t case_id[16],
    uint64_t until_ms)
{
	slot_t *best = &g->slot[0];
	for (size_t i = 0; i < GRANTS_MAX; i++) {
		slot_t *s = &g->slot[i];
		if (s->until && memcmp(s->provider, provider, 32) == 0 &&
		    memcmp(s->case_id, case_id, 16) == 0) {
			best = s;
			break;
		}
		if (s->until < best->until)
			best = s;
	}
	memcpy(best->provider, provider, 32);
	memcpy(best->case_id, case_id, 16);
	best->until = until_ms;
}

uint64_t
grants_until(const grants_t *g, const uint8_t provider[32], const uint8_t case_id[16],
    uint64_t now_ms)
{
	for (size_t i = 0; i < GRANTS_MAX; i++) {
		const slot_t *s = &g->slot[i];
		if (s->until > now_ms && memcmp(s->provider, provider, 32) == 0 &&
		    memcmp(s->case_id, case_id, 16) == 0)
			return s->until;
	}
	return 0;
}
