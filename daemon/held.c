/* held.c - what the peers hold of our feed (held.h): a fixed table of
 * (peer, case) slots, found by a linear scan (4096 slots of 64 bytes: a
 * scan costs about as much as one SYNC's decoding), the least recently
 * updated slot reused when none matches. */
#include <stdlib.h>
#include <string.h>

#include "held.h"

typedef struct {
	uint8_t org[32];
	uint8_t case_id[16];
	uint64_t seq;
	uint64_t stamp;          /* 0: free; else the update counter at the last update */
} slot_t;

_Static_assert(sizeof(slot_t) <= HELD_SLOT_BYTES, "a slot fits HELD_SLOT_BYTES");

struct held {
	slot_t slot[HELD_SLOTS];
	uint64_t clock;
};

int
held_new(held_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CH_ERR_NOMEM;
}

void
held_destroy(held_t **h)
{
	free(*h);
	*h = NULL;
}

static slot_t *
find(const held_t *h, const uint8_t org[32], const uint8_t case_id[16])
{
	for (size_t i = 0; i < HELD_SLOTS; i++) {
		const slot_t *s = &h->slot[i];
		if (s->stamp && memcmp(s->org, org, 32) == 0 && memcmp(s->case_id, case_id, 16) == 0)
			return (slot_t *)(uintptr_t)s;
	}
	return NULL;
}

void
held_note(held_t *h, const uint8_t org[32], const uint8_t case_id[16], uint64_t seq)
{
	slot_t *s = find(h, org, case_id);
	if (!s) {
		s = &h->slot[0];
		for (size_t i = 0; i < HELD_SLOTS && s->stamp; i++)
			if (h->slot[i].stamp < s->stamp)
				s = &h->slot[i];
		memcpy(s->org, org, 32);
		memcpy(s->case_id, case_id, 16);
	}
	s->seq = seq;
	s->stamp = ++h->clock;
}

uint64_t
held_get(const held_t *h, const uint8_t org[32], const uint8_t case_id[16])
{
	const slot_t *s = find(h, org, case_id);
	return s ? s->seq : 0;
}
