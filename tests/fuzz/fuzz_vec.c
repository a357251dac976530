/* fuzz_vec.c - ch_vec_decode: an accepted vector is canonical (re-encodes to
 * the same bytes). */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_vec_t v;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_vec_decode(data, size, &v) == 0) {
		int rc = ch_vec_encode(&v, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_vec_clear(&v);
	}
	return 0;
}
