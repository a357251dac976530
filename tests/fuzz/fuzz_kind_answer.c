/* fuzz_kind_answer.c - ch_fields_decode of kind CH_KIND_ANSWER (fuzz_kind.h). */
#include "fuzz_kind.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_kind(CH_KIND_ANSWER, data, size);
}
