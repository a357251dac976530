/* fuzz_plain.c - ch_plain_decode and ch_plain_verify: a decoded body
 * re-encodes to the same bytes (its signature carried over). */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_plain_t p;
	uint8_t case_id[CH_CASE_LEN], pk[32], sk[64], sig[CH_SIG_LEN], *out;
	size_t n;

	fuzz_init();
	fuzz_provider(case_id, pk, sk);
	int rd = ch_plain_decode(data, size, &p);
	int rv = ch_plain_verify(data, size, case_id, CH_AUD_CARE, pk);
	FUZZ_CHECK(rv != 0 || rd == 0);
	if (rd == 0) {
		/* Re-encode unsigned, then put the decoded signature back. */
		memcpy(sig, p.sig, CH_SIG_LEN);
		FUZZ_CHECK(ch_plain_encode(&p, case_id, CH_AUD_CARE, NULL, &out, &n) == 0);
		FUZZ_CHECK(n == size && n >= CH_SIG_LEN);
		memcpy(out + n - CH_SIG_LEN, sig, CH_SIG_LEN);
		fuzz_same(0, out, n, data, size);
	}
	return 0;
}
