/* fuzz_charter.c - ch_charter_decode: a charter re-encodes to the input. */
#include "fuzz.h"
#include "../../proto/charter.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_charter_t x;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_charter_decode(data, size, &x) == 0) {
		FUZZ_CHECK(x.norgs <= CH_CHARTER_ORGS_MAX &&
		    ch_charter_find_org(&x, x.coordinator) >= 0);
		int rc = ch_charter_encode(&x, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_charter_clear(&x);
	} else
		FUZZ_CHECK(x.name == NULL && x.orgs == NULL && x.people == NULL &&
		    x.removed == NULL && x.aud[0].roles == NULL);
	return 0;
}
