/* fuzz_postrep.c - ch_postrep_decode: a decoded body re-encodes to the input. */
#include "fuzz.h"
#include "../../proto/info.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_postrep_t x;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_postrep_decode(data, size, &x) == 0) {
		int rc = ch_postrep_encode(&x, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	return 0;
}
