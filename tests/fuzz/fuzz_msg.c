/* fuzz_msg.c - ch_msg_decode under each magic: a frame re-encodes to the
 * input, and only its own magic accepts it. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *magics[] = { CH_MAGIC_REQ, CH_MAGIC_REP, CH_MAGIC_PEER };
	uint8_t t, s, *out;
	const uint8_t *b;
	size_t bl, n;
	int ok = 0;

	fuzz_init();
	for (size_t i = 0; i < 3; i++) {
		if (ch_msg_decode(data, size, magics[i], &t, &s, &b, &bl) != 0)
			continue;
		ok++;
		FUZZ_CHECK(b >= data && bl <= size && b + bl == data + size);
		int rc = ch_msg_encode(magics[i], t, s, b, bl, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	FUZZ_CHECK(ok <= 1);
	return 0;
}
