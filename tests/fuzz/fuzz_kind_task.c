/* fuzz_kind_task.c - ch_fields_decode of kind CH_KIND_TASK (fuzz_kind.h). */
#include "fuzz_kind.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_kind(CH_KIND_TASK, data, size);
}
