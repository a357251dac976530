/* fuzz_access.c - ch_access_decode: a record re-encodes to the input. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_access_t x;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_access_decode(data, size, &x) == 0) {
		FUZZ_CHECK(x.nranges <= CH_FEEDS_MAX);
		int rc = ch_access_encode(&x, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_access_clear(&x);
	} else
		FUZZ_CHECK(x.ranges == NULL && x.nranges == 0);
	return 0;
}
