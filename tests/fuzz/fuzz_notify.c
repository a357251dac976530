/* fuzz_notify.c - the NOTIFY request and reply (proto/info.h): whatever
 * decodes re-encodes to the input. The first byte chooses which. */
#include "fuzz.h"
#include "../../proto/info.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out;
	size_t n;

	fuzz_init();
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		ch_notifyreq_t r;
		if (ch_notifyreq_decode(data + 1, size - 1, &r) == 0) {
			FUZZ_CHECK(r.op <= CH_NOTIFY_OFF);
			int rc = ch_notifyreq_encode(&r, &out, &n);
			fuzz_same(rc, out, n, data + 1, size - 1);
		}
		return 0;
	}
	ch_notifyrep_t r;
	if (ch_notifyrep_decode(data + 1, size - 1, &r) == 0) {
		FUZZ_CHECK(r.on <= 1 && r.hook <= 1 && (r.on || !r.since));
		int rc = ch_notifyrep_encode(&r, &out, &n);
		fuzz_same(rc, out, n, data + 1, size - 1);
	}
	return 0;
}
