/* fuzz_readreq.c - ch_readreq_decode: anything accepted is exactly 147
 * bytes and carries a valid signature (which re-signing reproduces, since
 * Ed25519 is deterministic, only with the secret key: not checked here). */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_readreq_t r;

	fuzz_init();
	if (ch_readreq_decode(data, size, &r) == 0) {
		FUZZ_CHECK(size == CH_READREQ_LEN);
		FUZZ_CHECK(memcmp(r.provider, data + 51, 32) == 0);
		FUZZ_CHECK(memcmp(r.sig, data + 83, CH_SIG_LEN) == 0);
	}
	return 0;
}
