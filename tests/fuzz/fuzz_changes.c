/* fuzz_changes.c - the checkpoint bodies (proto/msg.h): the mark of CHECK
 * and PULL, and CHANGES. Whatever decodes re-encodes to the input, and
 * every vector a CHANGES frames is then decoded as a peer's would be. The
 * first byte chooses which. */
#include "fuzz.h"
#include "../../proto/msg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out, run[CH_RUN_LEN], more;
	size_t n, ni;
	uint64_t upto;
	ch_changed_t *it;

	fuzz_init();
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		ch_mark_t m;
		uint8_t b[CH_MARK_LEN];
		if (ch_mark_decode(data + 1, size - 1, &m) == 0) {
			FUZZ_CHECK(size - 1 == CH_MARK_LEN);
			ch_mark_encode(&m, b);
			FUZZ_CHECK(memcmp(b, data + 1, CH_MARK_LEN) == 0);
		}
		return 0;
	}
	if (ch_changes_decode(data + 1, size - 1, run, &upto, &more, &it, &ni) == 0) {
		FUZZ_CHECK(ni <= CH_CHANGES_MAX && more <= 1 && (ni == 0 || it != NULL));
		for (size_t i = 0; i < ni; i++) {
			ch_vec_t v;
			FUZZ_CHECK(it[i].change <= upto && (i == 0 || it[i].change > it[i - 1].change));
			FUZZ_CHECK(it[i].vec.n <= CH_VEC_MAX);
			if (ch_vec_decode(it[i].vec.p, it[i].vec.n, &v) == 0)
				ch_vec_clear(&v);
		}
		int rc = ch_changes_encode(run, upto, more, it, ni, &out, &n);
		fuzz_same(rc, out, n, data + 1, size - 1);
		free(it);
	} else
		FUZZ_CHECK(it == NULL && ni == 0);
	return 0;
}
