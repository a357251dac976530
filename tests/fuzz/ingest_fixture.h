/* ingest_fixture.h - the fixed organizations and case of fuzz_ingest,
 * shared with mkseeds.c, so that the checked-in seeds are signed by the very
 * keys the target builds its daemons from. */
#ifndef CAHIER_INGEST_FIXTURE_H
#define CAHIER_INGEST_FIXTURE_H

#include <stdint.h>
#include <string.h>
#include <sodium.h>

#include "../../keys/keys.h"
#include "../../proto/entry.h"

/* Seed bytes of the organizations: A coordinates the case, B is a member,
 * C an outsider. */
enum { FI_ORG_A = 0xa1, FI_ORG_B = 0xb2, FI_ORG_C = 0xc3 };
/* Seed bytes of the providers: A's social worker (network notes and every
 * request), A's GP (the medical note), a provider A revokes, B's nurse. */
enum { FI_PROV_SW = 0x61, FI_PROV_GP = 0x62, FI_PROV_OLD = 0x63, FI_PROV_B = 0x64 };
#define FI_SALT 0x5a
/* The time of mkseeds' envelopes, and where the target's clock starts: its
 * entries follow a second apart, and its "now" stays there. */
#define FI_TIME_MS UINT64_C(1700000000000)

/* The identity of kind (KEYS_KIND_*) derived from a seed of one repeated
 * byte; NULL when out of memory. Free with keys_secret_destroy(). */
static inline keys_secret_t *
fi_identity(uint8_t kind, uint8_t byte)
{
	uint8_t seed[KEYS_SEED_LEN];
	keys_secret_t *k;

	memset(seed, byte, sizeof(seed));
	k = keys_secret_from_seed(kind, seed);
	sodium_memzero(seed, sizeof(seed));
	return k;
}

/* The case A opens: the salt, and the id it makes with A's org id. */
static inline void
fi_case(const uint8_t org_a[32], uint8_t salt[16], uint8_t case_id[CH_CASE_LEN])
{
	memset(salt, FI_SALT, 16);
	ch_case_id(org_a, salt, case_id);
}

#endif
