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
#include "escape.h"

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

/* The dumped text, in memory the client owns (wiped when freed). */
typedef struct {
	char *p;
	size_t len, cap;
	int err;
} dump_t;

static int
dump_add(const char *buf, size_t n, void *arg)
{
	dump_t *d = arg;
	if (d->err)
		return -1;
	if (n > SIZE_MAX / 2 - d->len - 1) {
		d->err = 1;
		return -1;
	}
	if (d->len + n + 1 > d->cap) {
		size_t cap = (d->len + n + 1) * 2;
		char *q = malloc(cap);
		if (!q) {
			d->err = 1;
			return -1;
		}
		if (d->p) {
			memcpy(q, d->p, d->len);
			sodium_memzero(d->p, d->cap);
			free(d->p);
		}
		d->p = q;
		d->cap = cap;
	}
	memcpy(d->p + d->len, buf, n);
	d->len += n;
	d->p[d->len] = '\0';
	return 0;
}

void
cli_json_print(json_t *j)
{
	dump_t d = { NULL, 0, 0, 0 };
	char *t = NULL;

	if (json_dump_callback(j, dump_add, &d, JSON_COMPACT) != 0 || d.err || !d.p ||
	    !(t = cli_escape_dup(d.p, d.len, CLI_ESC_JSON)))
		cli_die(EXIT_ERR, _("cannot write the JSON output (out of memory?)"));
	puts(t);
	cli_escape_free(&t);
	sodium_memzero(d.p, d.cap);
	free(d.p);
}
