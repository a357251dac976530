/* cbuf.h - the bounded reader and writer under every encoder and decoder.
 *
 * All integers are big-endian. Variable byte strings are a u32 length and then
 * the bytes. Both sides carry a sticky error: after the first failure every
 * further get returns zeros and every put does nothing, so a codec reads or
 * writes all its fields and checks once, at the end, with crd_end()/cwr_err().
 * WARNING: a decoder must call crd_end() before trusting any field it read.
 */
#ifndef CAHIER_CBUF_H
#define CAHIER_CBUF_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

/* Reader over borrowed memory; never allocates, never reads past len. */
typedef struct {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err;
} crd_t;

void crd_init(crd_t *r, const void *p, size_t len);
uint8_t crd_u8(crd_t *r);
uint16_t crd_u16(crd_t *r);
uint32_t crd_u32(crd_t *r);
uint64_t crd_u64(crd_t *r);
/* Copies exactly n bytes into out (zeros on error). */
void crd_copy(crd_t *r, void *out, size_t n);
/* Returns a pointer to the next n bytes inside the input, or NULL on error.
 * The pointer lives as long as the input buffer. */
const uint8_t *crd_ref(crd_t *r, size_t n);
/* Reads a u32 length then that many bytes; fails with CH_ERR_TOOBIG above max.
 * Returns a pointer into the input (NULL on error, or a valid pointer with
 * *n == 0 for an empty string). */
const uint8_t *crd_var(crd_t *r, size_t max, size_t *n);
/* Like crd_var, but also rejects NUL bytes and invalid UTF-8 (text fields).
 * Copies into a fresh NUL-terminated malloc'd string owned by the caller;
 * returns NULL on error (and sets r->err). */
char *crd_text(crd_t *r, size_t max);
/* Bytes left to read. */
size_t crd_left(const crd_t *r);
/* Returns the sticky error, or CH_ERR_TRAILING if bytes are left, else 0. */
int crd_end(const crd_t *r) CH_WUR;

/* Writer into a growing heap buffer bounded by max bytes. */
typedef struct {
	uint8_t *p;
	size_t len;
	size_t cap;
	size_t max;
	int err;
} cwr_t;

void cwr_init(cwr_t *w, size_t max);
void cwr_u8(cwr_t *w, uint8_t v);
void cwr_u16(cwr_t *w, uint16_t v);
void cwr_u32(cwr_t *w, uint32_t v);
void cwr_u64(cwr_t *w, uint64_t v);
void cwr_put(cwr_t *w, const void *p, size_t n);
/* u32 length then bytes; fails with CH_ERR_TOOBIG above max. */
void cwr_var(cwr_t *w, const void *p, size_t n, size_t max);
/* Makes room for n more bytes at once (no more than max in all), so that
 * the puts after it neither copy nor move the buffer; the length is
 * unchanged. A failure is sticky, as a put's. */
void cwr_reserve(cwr_t *w, size_t n);
/* Writes v big-endian over the 4 bytes at off, already written. */
void cwr_u32_at(cwr_t *w, size_t off, uint32_t v);
/* A NUL-terminated string as a var (its length bounded by max). */
void cwr_text(cwr_t *w, const char *s, size_t max);
/* Returns the sticky error (0 when every put fitted). */
int cwr_err(const cwr_t *w) CH_WUR;
/* Hands the buffer to the caller (who frees it with free()) and resets w.
 * Returns NULL if an error occurred (the buffer is then freed). */
uint8_t *cwr_take(cwr_t *w, size_t *len);
/* Hands the buffer to the caller in *out (free() it), or, if a put failed,
 * frees it and returns that error (CH_ERR_NOMEM if the hand-over fails). */
int cwr_finish(cwr_t *w, uint8_t **out, size_t *len) CH_WUR;
/* Frees the buffer (wiping it first: writers may hold secrets). */
void cwr_free(cwr_t *w);

/* True if s[0..n) is valid UTF-8 with no NUL and no overlong forms. */
int ch_utf8_valid(const uint8_t *s, size_t n);
/* The length (1..4) of the character s[0..n) starts with, by the rules of
 * ch_utf8_valid; 0 when it is not one (a NUL, a stray or overlong byte, a
 * surrogate, a sequence cut short, or n == 0). */
size_t ch_utf8_char(const uint8_t *s, size_t n);

#endif
