/* wbuf.h - a growing buffer for the client's output (a printable page, an
 * entry rendered for a terminal) that is wiped whenever it moves or is
 * dropped: it holds decrypted care text. html.h builds pages on it, and
 * render.c the lines of an entry. */
#ifndef CAHIER_WBUF_H
#define CAHIER_WBUF_H

#include <stddef.h>

/* The bytes (NUL-terminated once anything is put), their length and the
 * room. A failed allocation, or a size of SIZE_MAX / 2 or more, is
 * sticky: what was put is wiped and freed, err is set, and every later
 * call does nothing. Zero it before first use. */
typedef struct {
	char *p;
	size_t len, cap;
	int err;
} wbuf_t;

/* Room for n more bytes and a NUL at b->p + b->len, or NULL (b failed).
 * The caller writes them, then adds what it wrote to b->len. */
char *wbuf_room(wbuf_t *b, size_t n);
/* Appends the n bytes of s. */
void wbuf_put(wbuf_t *b, const char *s, size_t n);
/* Wipes and frees what b holds and empties it (err cleared too). */
void wbuf_clear(wbuf_t *b);

#endif
