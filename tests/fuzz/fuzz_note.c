/* fuzz_note.c - ch_note_decode: decoded text re-encodes to the input. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_note_t x;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_note_decode(data, size, &x) == 0) {
		int rc = ch_note_encode(x.text, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_note_clear(&x);
	} else
		FUZZ_CHECK(x.text == NULL);
	return 0;
}
