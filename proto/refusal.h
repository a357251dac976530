/* refusal.h - the words of a refusal, as the daemon sends them to a client
 * (the body of a reply whose status is not 0): an English format whose
 * only conversions are %s and %%, then each argument after a separator
 * byte, so that the client can put the sentence in its provider's
 * language (PROTOCOL.md, "Refusals"). Pure: no I/O, no allocation.
 *
 * WARNING: a format that came from the daemon, or a translation of one,
 * is never given to printf: ch_refusal_render() is the one place that
 * substitutes arguments, and it understands %s, %N$s and %% only. */
#ifndef CAHIER_REFUSAL_H
#define CAHIER_REFUSAL_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define CH_REFUSAL_FMT_MAX 512       /* bytes of the format */
#define CH_REFUSAL_ARGS 8            /* arguments */
#define CH_REFUSAL_ARG_MAX 512       /* bytes of one argument */
/* A whole body: every part at its largest, so an encoder never runs out. */
#define CH_REFUSAL_MAX (CH_REFUSAL_FMT_MAX + CH_REFUSAL_ARGS * (1 + CH_REFUSAL_ARG_MAX))

/* The separator before an argument says what it is. */
#define CH_REFUSAL_TEXT 0x1f         /* text shown as it is (a name, a role) */
#define CH_REFUSAL_MSG 0x1e          /* an English message the client translates */

/* One argument: bytes borrowed from the caller (a body, a string). */
typedef struct {
	const char *p;
	size_t n;
	uint8_t msg;                 /* 1: CH_REFUSAL_MSG, 0: CH_REFUSAL_TEXT */
} ch_refarg_t;

/* A refusal: its English format and arguments, borrowed. */
typedef struct {
	const char *fmt;
	size_t fmtlen;
	size_t n;
	ch_refarg_t arg[CH_REFUSAL_ARGS];
} ch_refusal_t;

/* Encodes r into out (CH_REFUSAL_MAX bytes), its length in *len. The
 * format must be one the decoder takes (1..CH_REFUSAL_FMT_MAX bytes of
 * UTF-8 without control characters, conversions %s and %% only, as many
 * %s as r->n <= CH_REFUSAL_ARGS): else CH_ERR_VALUE (CH_ERR_TOOBIG above
 * the bounds) and nothing is written. Arguments always fit: in each, a
 * byte that is not part of valid UTF-8 (NUL included) and the two
 * separator bytes are written as the four characters \xHH, what the
 * client shows for such a byte anyway; one longer than CH_REFUSAL_ARG_MAX
 * bytes is cut there, between characters; an argument marked msg that is
 * not a message the decoder takes (it holds a control character or a
 * conversion) goes as text. */
int ch_refusal_encode(const ch_refusal_t *r, uint8_t out[CH_REFUSAL_MAX], size_t *len) CH_WUR;

/* Decodes body p[0..n) into *r, its format and arguments borrowed from p
 * (not NUL-terminated). Refuses (CH_ERR_TOOBIG, CH_ERR_VALUE) a body over
 * CH_REFUSAL_MAX, an empty format, more than CH_REFUSAL_ARGS arguments,
 * a part over its bound, a format or argument that is not UTF-8, a NUL
 * in an argument, a control character in the format, a conversion other
 * than %s and %% in it, a count of %s other than the arguments', and an
 * argument marked msg that holds a control character or any % but %%. */
int ch_refusal_decode(const uint8_t *p, size_t n, ch_refusal_t *r) CH_WUR;

/* Substitutes args into fmt[0..fmtlen): "%s" takes the next argument,
 * "%N$s" the N-th (N 1..CH_REFUSAL_ARGS, one digit, so that a translation
 * may reorder them), "%%" writes '%'. A format uses either %s or %N$s, not
 * both, and every argument exactly once; anything else (another
 * conversion, a lone % at the end, an argument used twice or not at all)
 * is CH_ERR_VALUE. The arguments are copied as they are, never read as a
 * format. Like snprintf: writes at most outsize bytes to out,
 * NUL-terminated when outsize > 0 (out may be NULL when outsize is 0), and
 * sets *len to the length of the whole text, without the NUL: it was cut
 * short if *len >= outsize. Returns 0 or CH_ERR_VALUE (then *len is 0 and
 * out holds ""). */
int ch_refusal_render(const char *fmt, size_t fmtlen, const ch_refarg_t *args, size_t n,
    char *out, size_t outsize, size_t *len) CH_WUR;

/* The English text of body p[0..n) (its format with its arguments, as
 * they are) into out, like ch_refusal_render; CH_ERR_* if it does not
 * decode. For the daemon's own log and for tests. */
int ch_refusal_text(const uint8_t *p, size_t n, char *out, size_t outsize);

#endif
