/* fuzz_epoch.c - ch_epoch_decode (and the history, revoke and fork fields): an
 * epoch re-encodes to the input. */
#include "fuzz.h"
#include "../../proto/charter.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_epoch_t x;
	ch_history_t h;
	ch_revoke_t r;
	ch_fork_t fk;
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (ch_epoch_decode(data, size, &x) == 0) {
		FUZZ_CHECK(x.why <= CH_WHY_PEOPLE);
		int rc = ch_epoch_encode(&x, &out, &n);
		fuzz_same(rc, out, n, data, size);
		ch_epoch_clear(&x);
	} else
		FUZZ_CHECK(x.charter.name == NULL && x.charter.orgs == NULL &&
		    x.request == NULL);
	if (ch_history_decode(data, size, &h) == 0) {
		int rc = ch_history_encode(&h, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	if (ch_revoke_decode(data, size, &r) == 0) {
		int rc = ch_revoke_encode(&r, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	if (ch_fork_decode(data, size, &fk) == 0) {
		FUZZ_CHECK(fk.seq >= 1 && fk.a.seq == fk.seq && fk.b.seq == fk.seq);
		int rc = ch_fork_encode(&fk, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	return 0;
}
