/* fuzz_personreq.c - ch_personreq_decode (and ch_orgref_decode): a request's
 * fields re-encode to the input. */
#include "fuzz.h"
#include "../../proto/charter.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_personreq_t x;
	uint8_t org[32], *out;
	size_t n;

	fuzz_init();
	if (ch_personreq_decode(data, size, &x) == 0) {
		FUZZ_CHECK(x.op == CH_PERSON_SET || x.op == CH_PERSON_REMOVE);
		int rc = ch_personreq_encode(&x, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_personreq_clear(&x);
	} else
		FUZZ_CHECK(x.person.role == NULL && x.person.name == NULL &&
		    x.person.basis == NULL);
	if (ch_orgref_decode(data, size, org) == 0) {
		int rc = ch_orgref_encode(org, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	return 0;
}
