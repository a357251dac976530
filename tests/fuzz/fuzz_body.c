/* fuzz_body.c - ch_body_slots and ch_body_open (with a fixed key and
 * envelope): both must agree on which bodies are well-formed. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_env_t e;
	uint8_t key[32], *plain;
	ch_slot_t *slots;
	size_t ns, pl;

	fuzz_init();
	fuzz_body_fixture(&e, key);
	int rs = ch_body_slots(data, size, &slots, &ns);
	if (rs == 0) {
		FUZZ_CHECK(ns <= CH_SLOTS_MAX && (ns == 0) == (slots == NULL));
		for (size_t i = 0; i < ns; i++)
			FUZZ_CHECK(slots[i].audience >= 1 && slots[i].audience <= CH_AUD_MEMBERSHIP);
		free(slots);
	}
	int ro = ch_body_open(&e, data, size, key, &plain, &pl);
	if (ro == 0) {
		FUZZ_CHECK(rs == 0);
		free(plain);
	} else {
		FUZZ_CHECK(plain == NULL);
		/* Framing errors are the same; a well-formed body may still fail
		 * to decrypt. */
		FUZZ_CHECK(rs == 0 ? ro == CH_ERR_DECRYPT : ro == rs);
	}
	return 0;
}
