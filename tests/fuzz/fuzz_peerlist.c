/* fuzz_peerlist.c - ch_peerlist_decode: a decoded list re-encodes to the input. */
#include "fuzz.h"
#include "../../proto/info.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_peerinfo_t *v;
	size_t count;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_peerlist_decode(data, size, &v, &count) == 0) {
		FUZZ_CHECK(count == 0 || v != NULL);
		int rc = ch_peerlist_encode(v, count, &out, &n);
		fuzz_same(rc, out, n, data, size);
		free(v);
	} else
		FUZZ_CHECK(v == NULL && count == 0);
	return 0;
}
