/* fuzz_env.c - ch_entry_form, ch_entry_split and ch_env_decode: a decoded
 * envelope must re-encode to the same 206 bytes, a split body must hash as
 * signed, the bare form is 206 bytes, the erased form 274 with its magic,
 * and an erasure proof is checked without reading past it. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_env_t e;
	const uint8_t *body;
	size_t bl;
	uint8_t buf[CH_ENV_LEN], h[CH_HASH_LEN];

	fuzz_init();
	if (ch_env_decode(data, size, &e) == 0) {
		FUZZ_CHECK(size == CH_ENV_LEN);
		ch_env_encode(&e, buf);
		FUZZ_CHECK(memcmp(buf, data, CH_ENV_LEN) == 0);
		(void)ch_env_verify(&e);
	}
	if (ch_entry_split(data, size, &e, &body, &bl) == 0) {
		ch_env_encode(&e, buf);
		FUZZ_CHECK(memcmp(buf, data, CH_ENV_LEN) == 0);
		if (body) {
			FUZZ_CHECK(body == data + CH_ENV_LEN && bl == e.body_len);
			crypto_generichash(h, sizeof(h), body, bl, NULL, 0);
			FUZZ_CHECK(memcmp(h, e.body_hash, CH_HASH_LEN) == 0);
		} else
			FUZZ_CHECK((size == CH_ENV_LEN || size == CH_ERASED_LEN) && bl == 0);
	}
	int form;
	const uint8_t *proof;
	if (ch_entry_form(data, size, &e, &body, &bl, &form, &proof) == 0) {
		if (form == CH_FORM_BARE)
			FUZZ_CHECK(size == CH_ENV_LEN && !body && !proof);
		else if (form == CH_FORM_ERASED) {
			FUZZ_CHECK(size == CH_ERASED_LEN && !body && proof == data + CH_ENV_LEN + 4);
			FUZZ_CHECK(memcmp(data + CH_ENV_LEN, "CHER", 4) == 0);
			(void)ch_erasure_verify(&e, proof);
		} else
			FUZZ_CHECK(form == CH_FORM_FULL && body && !proof);
	}
	return 0;
}
