/* shown.c - a bounded table of (provider, case) -> when its name was last
 * shown with a record. */
#include <stdlib.h>
#include <string.h>

#include "shown.h"

struct shown {
	struct { uint8_t provider[32]; uint8_t case_id[16]; int64_t at; } e[SHOWN_MAX];
	size_t n;
};

int
shown_new(shown_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CH_ERR_NOMEM;
}

void
shown_destroy(shown_t **s)
{
	free(*s);
	*s = NULL;
}

static size_t
find(const shown_t *s, const uint8_t provider[32], const uint8_t case_id[16])
{
	for (size_t i = 0; i < s->n; i++)
		if (memcmp(s->e[i].case_id, case_id, 16) == 0 &&
		    memcmp(s->e[i].provider, provider, 32) == 0)
			return i;
	return s->n;
}

int
shown_recent(const shown_t *s, const uint8_t provider[32],
    const uint8_t case_id[16], int64_t now_ms)
{
	size_t i = find(s, provider, case_id);
	/* a time ahead of now (the clock went back) counts as recent */
	return i < s->n && now_ms - s->e[i].at < SHOWN_WINDOW_MS;
}

void
shown_mark(shown_t *s, const uint8_t provider[32], const uint8_t case_id[16],
    int64_t now_ms)
{
	size_t i = find(s, provider, case_id);
	if (i == s->n) {
		if (s->n < SHOWN_MAX)
			s->n++;
		else
			for (size_t j = i = 0; j < s->n; j++)
				if (s->e[j].at < s->e[i].at)
					i = j;
		memcpy(s->e[i].provider, provider, 32);
		memcpy(s->e[i].case_id, case_id, 16);
	}
	s->e[i].at = now_ms;
}
