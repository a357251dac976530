/* certs.h - provider certificates met in entries, each verified once per
 * daemon run: the same bytes come back in every entry its holder writes. */
#ifndef CAHIER_CERTS_H
#define CAHIER_CERTS_H

#include <stddef.h>
#include <stdint.h>
#include "../keys/keys.h"

typedef struct certs certs_t;

/* A memo of CERTS_MEMO verified certificates (the oldest is dropped). */
#define CERTS_MEMO 32
int certs_new(certs_t **out) CH_WUR;
void certs_destroy(certs_t **cs);

/* Checks a provider certificate: the org's signature (once per distinct
 * certificate, by the BLAKE2b-256 of its bytes), that it was issued by org,
 * and that it was valid at time_ms. Writes the provider's key and, if role
 * is not NULL, its role. WARNING: *role points into the memo and lives
 * only until the next call. Returns 0, CH_ERR_EXPIRED outside its validity,
 * CH_ERR_VALUE for another org's, or the parse error. */
int certs_check(certs_t *cs, const uint8_t *cert, size_t certlen,
    const uint8_t org[32], uint64_t time_ms, uint8_t provider[32],
    const char **role) CH_WUR;

#endif
