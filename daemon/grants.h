/* grants.h - emergency access ("break the glass"): a provider who stated a
 * reason may read a case beyond their role's audiences, until a time.
 *
 * In memory only, and bounded: GRANTS_MAX (provider, case) slots of 56
 * bytes; a new grant takes the slot of the same pair, else a free or
 * expired one, else the one that ends first. A restart ends every grant
 * (the provider states the reason again). Only a provider of this
 * organization, by a signed alert it posts (api.c), makes one. */
#ifndef CAHIER_GRANTS_H
#define CAHIER_GRANTS_H

#include <stdint.h>
#include "../proto/err.h"

#define GRANTS_MAX 256

typedef struct grants grants_t;

int grants_new(grants_t **out) CH_WUR;
void grants_destroy(grants_t **g);
/* provider may read case_id as in an emergency until until_ms. */
void grants_give(grants_t *g, const uint8_t provider[32], const uint8_t case_id[16],
    uint64_t until_ms);
/* The end of provider's grant for case_id if it runs at now_ms, else 0. */
uint64_t grants_until(const grants_t *g, const uint8_t provider[32],
    const uint8_t case_id[16], uint64_t now_ms);

#endif
