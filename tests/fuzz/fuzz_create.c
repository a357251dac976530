/* fuzz_create.c - ch_create_decode: salt and name re-encode to the input. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_create_t x;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_create_decode(data, size, &x) == 0) {
		int rc = ch_create_encode(x.salt, x.name, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_create_clear(&x);
	} else
		FUZZ_CHECK(x.name == NULL);
	return 0;
}
