/* fuzz_refusal.c - the words of a refusal (proto/refusal.h). An odd first
 * byte: the rest is a body; whatever decodes re-encodes to it and renders
 * in English. An even one: the rest is a format, as a catalogue might give
 * one, rendered with (first byte >> 1) % 4 fixed arguments (one of them a
 * conversion): never more than the room given, always NUL-terminated. */
#include "fuzz.h"
#include "../../proto/refusal.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[CH_REFUSAL_MAX];
	char text[CH_REFUSAL_MAX + 1];
	size_t len;
	ch_refusal_t r;

	fuzz_init();
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (ch_refusal_decode(data + 1, size - 1, &r) == 0) {
			FUZZ_CHECK(r.n <= CH_REFUSAL_ARGS);
			FUZZ_CHECK(ch_refusal_encode(&r, out, &len) == 0);
			FUZZ_CHECK(len == size - 1 && memcmp(out, data + 1, len) == 0);
			FUZZ_CHECK(ch_refusal_text(data + 1, size - 1, text, sizeof(text)) == 0);
		}
		return 0;
	}
	static const ch_refarg_t args[3] = {
		{ "Mevr. Jansen", 12, 0 }, { "%s%n", 4, 0 }, { "", 0, 1 },
	};
	size_t n = (size_t)(data[0] >> 1) % 4;
	char small[32];
	if (ch_refusal_render((const char *)data + 1, size - 1, args, n, small, sizeof(small),
	    &len) == 0)
		FUZZ_CHECK(small[len < sizeof(small) ? len : sizeof(small) - 1] == '\0');
	else
		FUZZ_CHECK(small[0] == '\0' && len == 0);
	return 0;
}
