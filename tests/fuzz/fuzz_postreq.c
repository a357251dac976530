/* fuzz_postreq.c - ch_postreq_decode: a decoded body re-encodes to the input. */
#include "fuzz.h"
#include "../../proto/info.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_postreq_t x;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_postreq_decode(data, size, &x) == 0) {
		int rc = ch_postreq_encode(&x, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	return 0;
}
