/* ref.c - short references to entries (ref.h). */
#include <string.h>

#include "ref.h"

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

void
cli_ref_fmt(const uint8_t id[32], char out[CLI_REF_CHARS + 1])
{
	uint64_t v = 0;
	for (int i = 0; i < CH_REF_LEN; i++)
		v = v << 8 | id[i];
	for (int i = CLI_REF_CHARS - 1; i >= 0; i--) {
		out[i] = b32[v & 31];
		v >>= 5;
	}
	out[CLI_REF_CHARS] = '\0';
}

int
cli_ref_parse(const char *s, uint8_t prefix[32])
{
	uint64_t v = 0;
	if (strlen(s) != CLI_REF_CHARS)
		return -1;
	for (int i = 0; i < CLI_REF_CHARS; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		const char *p = ch ? strchr(b32, ch) : NULL;
		if (!p)
			return -1;
		v = v << 5 | (uint64_t)(p - b32);
	}
	memset(prefix, 0, 32);
	for (int i = CH_REF_LEN - 1; i >= 0; i--) {
		prefix[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
	return 0;
}
