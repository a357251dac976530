/* fuzz_kind_ack.c - ch_fields_decode of kind CH_KIND_ACK (fuzz_kind.h). */
#include "fuzz_kind.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_kind(CH_KIND_ACK, data, size);
}
