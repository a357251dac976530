/* fuzz_where.c - the WHERE request and reply (proto/info.h): whatever
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
		ch_wherereq_t r;
		if (ch_wherereq_decode(data + 1, size - 1, &r) == 0) {
			int rc = ch_wherereq_encode(&r, &out, &n);
			fuzz_same(rc, out, n, data + 1, size - 1);
		}
		return 0;
	}
	ch_whereorg_t *v;
	size_t count;
	if (ch_whererep_decode(data + 1, size - 1, &v, &count) == 0) {
		FUZZ_CHECK(count == 0 || v != NULL);
		for (size_t i = 0; i < count; i++)
			FUZZ_CHECK(v[i].held <= 1 && v[i].name.n <= CH_WHERE_NAME_MAX);
		int rc = ch_whererep_encode(v, count, &out, &n);
		fuzz_same(rc, out, n, data + 1, size - 1);
		free(v);
	} else
		FUZZ_CHECK(v == NULL && count == 0);
	return 0;
}
