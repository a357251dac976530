/* fuzz_kind.h - the body of the fuzz_kind_<name> targets, one per care
 * kind: ch_fields_decode of that kind either fails leaving nothing to free,
 * or its result re-encodes to exactly the input (each value has one
 * encoding), and that decodes again to the same encoding and references. */
#ifndef CAHIER_FUZZ_KIND_H
#define CAHIER_FUZZ_KIND_H

#include "fuzz.h"
#include "../../proto/kinds.h"

static inline int
fuzz_kind(uint8_t kind, const uint8_t *data, size_t size)
{
	ch_fields_t x, y, z;
	ch_ref_t rx[CH_REFS_MAX], ry[CH_REFS_MAX];
	uint8_t *out, *again;
	size_t n, n2;

	fuzz_init();
	memset(&z, 0, sizeof(z));
	z.kind = kind;
	if (ch_fields_decode(kind, data, size, &x) != 0) {
		FUZZ_CHECK(memcmp(&x, &z, sizeof(x)) == 0);
		return 0;
	}
	FUZZ_CHECK(x.kind == kind);
	FUZZ_CHECK(ch_fields_encode(&x, &out, &n) == 0);
	FUZZ_CHECK(n == size && memcmp(out, data, size) == 0);
	FUZZ_CHECK(ch_fields_decode(kind, out, n, &y) == 0);
	FUZZ_CHECK(ch_fields_encode(&y, &again, &n2) == 0);
	fuzz_same(0, again, n2, out, n);
	size_t kx = ch_fields_refs(&x, rx), ky = ch_fields_refs(&y, ry);
	FUZZ_CHECK(kx == ky && kx <= CH_REFS_MAX);
	for (size_t i = 0; i < kx; i++)
		FUZZ_CHECK(rx[i].kind == ry[i].kind &&
		    memcmp(rx[i].id, ry[i].id, 32) == 0);
	free(out);
	ch_fields_clear(&x);
	ch_fields_clear(&y);
	return 0;
}

#endif
