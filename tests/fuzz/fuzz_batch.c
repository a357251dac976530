/* fuzz_batch.c - ch_batch_decode: slices stay inside the input and the batch
 * re-encodes to the same bytes. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t cid[CH_CASE_LEN], more, *out;
	ch_slice_t *s;
	size_t ns, n;

	fuzz_init();
	if (ch_batch_decode(data, size, cid, &more, &s, &ns) == 0) {
		FUZZ_CHECK(ns <= CH_BATCH_MAX && more <= 1);
		for (size_t i = 0; i < ns; i++)
			FUZZ_CHECK(s[i].n == 0 ||
			    (s[i].p >= data && s[i].p + s[i].n <= data + size));
		int rc = ch_batch_encode(cid, more, s, ns, &out, &n);
		fuzz_same(rc, out, n, data, size);
		free(s);
	}
	return 0;
}
