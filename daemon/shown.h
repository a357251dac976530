/* shown.h - which provider was shown which case's name in a case list, and
 * when: the daemon records a list once per (provider, case) per
 * SHOWN_WINDOW_MS, not at every list (the audit is not flooded). In memory
 * only, bounded: at most SHOWN_MAX pairs; a new pair in a full table
 * pushes out the oldest, whose next list is then recorded again (a record
 * too many, never one too few); a restart forgets them all the same way. */
#ifndef CAHIER_SHOWN_H
#define CAHIER_SHOWN_H

#include <stdint.h>
#include "../proto/err.h"

#define SHOWN_MAX 4096
#define SHOWN_WINDOW_MS (24LL * 3600 * 1000)

typedef struct shown shown_t;

int shown_new(shown_t **out) CH_WUR;
void shown_destroy(shown_t **s);
/* 1 if provider was shown case_id's name less than SHOWN_WINDOW_MS before
 * now_ms (by shown_mark), else 0. */
int shown_recent(const shown_t *s, const uint8_t provider[32],
    const uint8_t case_id[16], int64_t now_ms);
/* Remembers that provider was shown case_id's name at now_ms. */
void shown_mark(shown_t *s, const uint8_t provider[32],
    const uint8_t case_id[16], int64_t now_ms);

#endif
