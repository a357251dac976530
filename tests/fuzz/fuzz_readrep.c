/* fuzz_readrep.c - ch_readrep_decode: items re-encode to the same bytes. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t aid[32], *out;
	ch_readitem_t *it;
	size_t ni, n;

	fuzz_init();
	if (ch_readrep_decode(data, size, aid, &it, &ni) == 0) {
		int rc = ch_readrep_encode(aid, it, ni, &out, &n);
		fuzz_same(rc, out, n, data, size);
		free(it);
	}
	return 0;
}
