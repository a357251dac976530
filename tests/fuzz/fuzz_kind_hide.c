/* fuzz_kind_hide.c - ch_fields_decode of kind CH_KIND_HIDE (fuzz_kind.h). */
#include "fuzz_kind.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_kind(CH_KIND_HIDE, data, size);
}
