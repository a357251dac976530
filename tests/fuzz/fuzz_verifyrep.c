/* fuzz_verifyrep.c - the VERIFY reply (proto/info.h): whatever decodes
 * re-encodes to the input, within its bounds. */
#include "fuzz.h"
#include "../../proto/info.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out;
	size_t n;
	ch_verifyrep_t r;

	fuzz_init();
	if (ch_verifyrep_decode(data, size, &r) == 0) {
		FUZZ_CHECK(r.n <= CH_VERIFY_MAX && r.nnames <= 2 * CH_VERIFY_MAX + 1);
		for (size_t i = 0; i < r.n; i++)
			FUZZ_CHECK(r.f[i].code >= 1 && r.f[i].code <= CH_VF_LAST);
		for (size_t i = 0; i < r.nnames; i++)
			FUZZ_CHECK(r.names[i].name.n <= CH_VERIFY_NAME_MAX);
		int rc = ch_verifyrep_encode(&r, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_verifyrep_clear(&r);
	} else
		FUZZ_CHECK(r.f == NULL && r.names == NULL && r.n == 0);
	return 0;
}
