/* fuzz.h - shared by the libFuzzer targets and mkseeds.c: the fixed key and
 * envelope that fuzz_body opens with, and a check that aborts (so libFuzzer
 * reports it) when a decoder's output does not re-encode to its input. */
#ifndef CAHIER_FUZZ_H
#define CAHIER_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../../proto/entry.h"
#include "../../proto/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static inline void
fuzz_init(void)
{
	static int done;
	if (!done) {
		FUZZ_CHECK(sodium_init() >= 0);
		done = 1;
	}
}

/* The body key and envelope of fuzz_body (mkseeds seals its seeds to them). */
static inline void
fuzz_body_fixture(ch_env_t *e, uint8_t key[32])
{
	memset(e, 0, sizeof(*e));
	e->version = 1;
	memset(e->case_id, 0xca, CH_CASE_LEN);
	memset(e->org, 0x0a, 32);
	e->seq = 3;
	memset(e->prev, 0x77, CH_HASH_LEN);
	e->epoch = 2;
	e->audience = CH_AUD_MEDICAL;
	e->time_ms = UINT64_C(1700000000000);
	memset(key, 0x42, 32);
}

/* Fixed case, audience and provider key for ch_plain_verify. */
static inline void
fuzz_provider(uint8_t case_id[CH_CASE_LEN], uint8_t pk[32], uint8_t sk[64])
{
	uint8_t seed[32];
	memset(case_id, 0xca, CH_CASE_LEN);
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(0x80 + i);
	crypto_sign_seed_keypair(pk, sk, seed);
}

/* Aborts unless out[0..outlen) equals in[0..inlen); frees out. */
static inline void
fuzz_same(int rc, uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(outlen == inlen && memcmp(out, in, inlen) == 0);
	free(out);
}

#endif
