/* fuzz_keyfile.c - keys_file_open(provider, "fuzz"). Inputs whose header asks
 * for more than 3 passes or 64 KiB of Argon2 are skipped before the call, so
 * the fuzzer never spends its time in the KDF. Header (docs/KEYS-FORMAT.md):
 * "CHSK" | version u8 | kind u8 | alg u8 | opslimit u64 | memlimit u64 | ... */
#include "fuzz.h"
#include "../../keys/keys.h"

#define PASS "fuzz"
#define OPS_OFF 7
#define MEM_OFF 15

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	keys_secret_t *k = NULL;
	uint8_t *bin;
	size_t len;
	int rc;

	fuzz_init();
	if (keys_dearmor("SECRET KEY", (const char *)data, size, &bin, &len) == 0) {
		int big = len >= MEM_OFF + 8 && (be64(bin + OPS_OFF) > 3 ||
		    be64(bin + MEM_OFF) > 65536);
		free(bin);
		if (big)
			return 0;
	}
	rc = keys_file_open((const char *)data, size, KEYS_KIND_PROVIDER,
	    PASS, strlen(PASS), &k);
	if (rc == 0) {
		FUZZ_CHECK(k != NULL && k->kind == KEYS_KIND_PROVIDER);
		keys_secret_t *k2 = keys_secret_from_seed(KEYS_KIND_PROVIDER,
		    k->seed);
		FUZZ_CHECK(k2 != NULL);
		FUZZ_CHECK(memcmp(k2->sign_pk, k->sign_pk, 32) == 0);
		keys_secret_destroy(&k2);
		keys_secret_destroy(&k);
		FUZZ_CHECK(k == NULL);
	} else
		FUZZ_CHECK(k == NULL);
	return 0;
}
