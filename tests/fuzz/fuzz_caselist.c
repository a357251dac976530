/* fuzz_caselist.c - ch_caselist_decode: a decoded list re-encodes to the
 * input (names and flags included: what the decoder takes, the encoder
 * takes too); the duplicate-name comparison runs on every pair it decoded. */
#include "fuzz.h"
#include "../../proto/info.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_caseinfo_t *v;
	size_t count;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_caselist_decode(data, size, &v, &count) == 0) {
		FUZZ_CHECK(count == 0 || v != NULL);
		for (size_t i = 0; i + 1 < count && i < 64; i++) {
			FUZZ_CHECK((v[i].flags & ~CH_CASE_FLAGS) == 0);
			FUZZ_CHECK(ch_casename_same(&v[i].name, &v[i].name) == (v[i].name.n != 0));
			FUZZ_CHECK(ch_casename_same(&v[i].name, &v[i + 1].name) ==
			    ch_casename_same(&v[i + 1].name, &v[i].name));
		}
		int rc = ch_caselist_encode(v, count, &out, &n);
		fuzz_same(rc, out, n, data, size);
		free(v);
	} else
		FUZZ_CHECK(v == NULL && count == 0);
	return 0;
}
