/* json.c - jansson's allocator for the client: everything jansson frees is
 * wiped first, since --json copies decrypted notes, names and charters into
 * jansson's own strings and buffers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "cli.h"

/* Each block starts with its size, padded so that the caller's part keeps
 * malloc's alignment. */
#define HDR sizeof(max_align_t)

static void *
wiping_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - HDR || !(p = malloc(HDR + n)))
		return NULL;
	memcpy(p, &n, sizeof(n));
	return p + HDR;
}

static void
wiping_free(void *q)
{
	unsigned char *p;
	size_t n;

	if (!q)
		return;
	p = (unsigned char *)q - HDR;
	memcpy(&n, p, sizeof(n));
	sodium_memzero(p, HDR + n);
	free(p);
}

void
cli_json_init(void)
{
	json_set_alloc_funcs(wiping_malloc, wiping_free);
}
