/* wbuf.c - a growing buffer wiped whenever it moves or is dropped (wbuf.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "wbuf.h"

#define WBUF_FIRST 256

/* Fails b for good: what it holds is wiped. */
static void
fail(wbuf_t *b)
{
	wbuf_clear(b);
	b->err = 1;
}

char *
wbuf_room(wbuf_t *b, size_t n)
{
	if (b->err)
		return NULL;
	if (n >= SIZE_MAX / 2 - b->len) {
		fail(b);
		return NULL;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : WBUF_FIRST;
		while (cap < b->len + n + 1)
			cap *= 2;
		/* not realloc: the old block is wiped before it is freed */
		char *q = malloc(cap);
		if (!q) {
			fail(b);
			return NULL;
		}
		if (b->p) {
			memcpy(q, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = q;
		b->cap = cap;
	}
	return b->p + b->len;
}

void
wbuf_put(wbuf_t *b, const char *s, size_t n)
{
	char *q = wbuf_room(b, n);
	if (q) {
		memcpy(q, s, n);
		b->len += n;
		b->p[b->len] = '\0';
	}
}

void
wbuf_clear(wbuf_t *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}
