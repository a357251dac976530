/* fuzz_armor.c - keys_dearmor("ORG CARD"): the bytes of an accepted block
 * armor again into a block that dearmors to the same bytes. */
#include "fuzz.h"
#include "../../keys/keys.h"

#define LABEL "ORG CARD"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *bin, *bin2;
	size_t len, len2;
	char *text;

	fuzz_init();
	if (keys_dearmor(LABEL, (const char *)data, size, &bin, &len) == 0) {
		FUZZ_CHECK(bin != NULL && len > 0);
		FUZZ_CHECK(keys_armor(LABEL, NULL, bin, len, &text) == 0);
		FUZZ_CHECK(keys_dearmor(LABEL, text, strlen(text), &bin2,
		    &len2) == 0);
		FUZZ_CHECK(len2 == len && memcmp(bin2, bin, len) == 0);
		free(text);
		free(bin2);
		free(bin);
	} else
		FUZZ_CHECK(bin == NULL && len == 0);
	return 0;
}
