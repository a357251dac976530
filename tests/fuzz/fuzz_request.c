/* fuzz_request.c - keys_request_parse: an accepted request is the fixed
 * layout, and its keys are the bytes at their offsets. */
#include "fuzz.h"
#include "../../keys/keys.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t prov[32], curve[32];

	fuzz_init();
	if (keys_request_parse(data, size, prov, curve) == 0) {
		FUZZ_CHECK(size == 4 + 1 + 32 + 32 + KEYS_SIG_LEN);
		FUZZ_CHECK(memcmp(data, "CHPR", 4) == 0);
		FUZZ_CHECK(memcmp(prov, data + 5, 32) == 0);
		FUZZ_CHECK(memcmp(curve, data + 37, 32) == 0);
	}
	return 0;
}
