/* fuzz_card.c - keys_card_parse: an accepted card has a non-empty UTF-8 name
 * and an endpoint (re-encoding needs the org secret, so check invariants). */
#include "fuzz.h"
#include "../../keys/keys.h"
#include "../../proto/cbuf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	keys_card_t c;

	fuzz_init();
	if (keys_card_parse(data, size, &c) == 0) {
		FUZZ_CHECK(c.name != NULL && c.name[0] != '\0');
		FUZZ_CHECK(ch_utf8_valid((const uint8_t *)c.name, strlen(c.name)));
		FUZZ_CHECK(strlen(c.name) <= KEYS_NAME_MAX);
		FUZZ_CHECK(c.endpoint != NULL);
		FUZZ_CHECK(ch_utf8_valid((const uint8_t *)c.endpoint,
		    strlen(c.endpoint)));
		FUZZ_CHECK(strlen(c.endpoint) <= KEYS_ENDPOINT_MAX);
		FUZZ_CHECK(memcmp(c.sig, data + size - KEYS_SIG_LEN,
		    KEYS_SIG_LEN) == 0);
		keys_card_clear(&c);
		FUZZ_CHECK(c.name == NULL && c.endpoint == NULL);
	} else
		FUZZ_CHECK(c.name == NULL && c.endpoint == NULL);
	return 0;
}
