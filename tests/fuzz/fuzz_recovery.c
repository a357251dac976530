/* fuzz_recovery.c - the paper recovery key typed back (keys.h:
 * keys_recovery_decode): whatever decodes encodes to a text that decodes
 * to the same seed; whatever does not says why, and a group only for a
 * group error. */
#include "fuzz.h"
#include "../../keys/keys.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[1024], again[KEYS_RECOVERY_TEXT];
	uint8_t seed[KEYS_SEED_LEN], seed2[KEYS_SEED_LEN];
	int g;

	fuzz_init();
	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int rc = keys_recovery_decode(text, seed, &g);
	if (rc == 0) {
		FUZZ_CHECK(g == -1);
		keys_recovery_encode(seed, again);
		FUZZ_CHECK(keys_recovery_decode(again, seed2, &g) == 0);
		FUZZ_CHECK(memcmp(seed, seed2, sizeof(seed)) == 0);
	} else {
		FUZZ_CHECK(rc >= KEYS_RECOVERY_CHAR && rc <= KEYS_RECOVERY_SUM);
		FUZZ_CHECK(rc == KEYS_RECOVERY_GROUP ? g >= 1 && g <= KEYS_RECOVERY_GROUPS : g == -1);
	}
	return 0;
}
