/* fuzz_readrep.c - ch_readrep_decode: what it accepts re-encodes to the
 * same bytes, and every item's org name is the table's. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_readrep_t r;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_readrep_decode(data, size, &r) == 0) {
		FUZZ_CHECK(r.n <= CH_PAGE_MAX && r.norgs <= CH_READREP_ORGS_MAX);
		for (size_t i = 0; i < r.n; i++) {
			const ch_slice_t *name = ch_readrep_orgname(&r, r.items[i].env.org);
			FUZZ_CHECK(name && name->p == r.items[i].orgname.p &&
			    name->n == r.items[i].orgname.n);
		}
		int rc = ch_readrep_encode(&r, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_readrep_clear(&r);
	} else
		FUZZ_CHECK(r.items == NULL && r.orgs == NULL && r.n == 0);
	return 0;
}
