/* fuzz_member.c - ch_member_decode: card and role re-encode to the input. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_member_t x;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_member_decode(data, size, &x) == 0) {
		int rc = ch_member_encode(x.card, x.cardlen, x.role, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_member_clear(&x);
	} else
		FUZZ_CHECK(x.role == NULL);
	return 0;
}
