/* refusal.c - the words of a refusal: encode, decode, render (see refusal.h). */
#include <string.h>

#include "cbuf.h"
#include "refusal.h"

/* 0 if f[0..n) is an English text the format rules allow, with exactly
 * nargs %s: 1..max bytes of UTF-8, no C0 control nor DEL, every % followed
 * by s or %. CH_ERR_TOOBIG over max, CH_ERR_VALUE otherwise. A message
 * argument is such a text with no %s. */
static int
english_ok(const char *f, size_t n, size_t max, size_t nargs)
{
	const uint8_t *u = (const uint8_t *)f;
	size_t count = 0;
	if (n > max)
		return CH_ERR_TOOBIG;
	if (n == 0 || !ch_utf8_valid(u, n))
		return CH_ERR_VALUE;
	for (size_t i = 0; i < n; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return CH_ERR_VALUE;
		if (u[i] != '%')
			continue;
		if (i + 1 == n || (u[i + 1] != 's' && u[i + 1] != '%'))
			return CH_ERR_VALUE;
		count += u[i + 1] == 's';
		i++;
	}
	return count == nargs ? 0 : CH_ERR_VALUE;
}

static int
is_sep(uint8_t c)
{
	return c == CH_REFUSAL_TEXT || c == CH_REFUSAL_MSG;
}

/* Appends argument a to out at *w (its separator first), as refusal.h
 * says: bad bytes as \xHH, cut at CH_REFUSAL_ARG_MAX between characters. */
static void
put_arg(const ch_refarg_t *a, uint8_t *out, size_t *w)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *s = (const uint8_t *)a->p;
	size_t n = a->p ? a->n : 0, used = 0;
	int msg = a->msg && english_ok(a->p, n, CH_REFUSAL_ARG_MAX, 0) == 0;

	out[(*w)++] = msg ? CH_REFUSAL_MSG : CH_REFUSAL_TEXT;
	for (size_t i = 0; i < n;) {
		size_t k = ch_utf8_char(s + i, n - i);
		if (k && !is_sep(s[i])) {
			if (used + k > CH_REFUSAL_ARG_MAX)
				break;
			memcpy(out + *w + used, s + i, k);
			used += k;
			i += k;
			continue;
		}
		if (used + 4 > CH_REFUSAL_ARG_MAX)
			break;
		out[*w + used] = '\\';
		out[*w + used + 1] = 'x';
		out[*w + used + 2] = (uint8_t)hex[s[i] >> 4];
		out[*w + used + 3] = (uint8_t)hex[s[i] & 15];
		used += 4;
		i++;
	}
	*w += used;
}

int
ch_refusal_encode(const ch_refusal_t *r, uint8_t out[CH_REFUSAL_MAX], size_t *len)
{
	int rc;
	*len = 0;
	if (r->n > CH_REFUSAL_ARGS)
		return CH_ERR_TOOBIG;
	if (!r->fmt)
		return CH_ERR_VALUE;
	if ((rc = english_ok(r->fmt, r->fmtlen, CH_REFUSAL_FMT_MAX, r->n)) != 0)
		return rc;
	size_t w = r->fmtlen;
	memcpy(out, r->fmt, w);
	for (size_t i = 0; i < r->n; i++)
		put_arg(&r->arg[i], out, &w);
	*len = w;
	return 0;
}

int
ch_refusal_decode(const uint8_t *p, size_t n, ch_refusal_t *r)
{
	size_t i = 0, start;
	int rc;

	memset(r, 0, sizeof(*r));
	if (n > CH_REFUSAL_MAX)
		return CH_ERR_TOOBIG;
	while (i < n && !is_sep(p[i]))
		i++;
	r->fmt = (const char *)p;
	r->fmtlen = i;
	while (i < n) {
		if (r->n == CH_REFUSAL_ARGS)
			return CH_ERR_TOOBIG;
		ch_refarg_t *a = &r->arg[r->n++];
		a->msg = p[i] == CH_REFUSAL_MSG;
		start = ++i;
		while (i < n && !is_sep(p[i]))
			i++;
		a->p = (const char *)p + start;
		a->n = i - start;
		if (a->n > CH_REFUSAL_ARG_MAX)
			return CH_ERR_TOOBIG;
		if (!ch_utf8_valid((const uint8_t *)a->p, a->n))
			return CH_ERR_VALUE;
		if (a->msg && (rc = english_ok(a->p, a->n, CH_REFUSAL_ARG_MAX, 0)) != 0)
			return rc;
	}
	return english_ok(r->fmt, r->fmtlen, CH_REFUSAL_FMT_MAX, r->n);
}

/* Appends s[0..n) to out (room for outsize bytes, the NUL included) at *w,
 * counting what does not fit. */
static void
emit(char *out, size_t outsize, size_t *w, const char *s, size_t n)
{
	if (*w < outsize) {
		size_t room = outsize - 1 - *w;
		memcpy(out + *w, s, n < room ? n : room);
	}
	*w += n;
}

int
ch_refusal_render(const char *fmt, size_t fmtlen, const ch_refarg_t *args, size_t n,
    char *out, size_t outsize, size_t *len)
{
	size_t w = 0, next = 0;
	unsigned used = 0;
	int seq = 0, pos = 0;

	*len = 0;
	if (outsize)
		out[0] = '\0';
	if (n > CH_REFUSAL_ARGS)
		return CH_ERR_VALUE;
	for (size_t i = 0; i < fmtlen; i++) {
		size_t k;
		if (fmt[i] != '%') {
			emit(out, outsize, &w, fmt + i, 1);
			continue;
		}
		if (i + 1 < fmtlen && fmt[i + 1] == '%') {
			emit(out, outsize, &w, "%", 1);
			i++;
			continue;
		}
		if (i + 1 < fmtlen && fmt[i + 1] == 's') {
			seq = 1;
			k = next++;
			i++;
		} else if (i + 3 < fmtlen && fmt[i + 1] >= '1' &&
		    fmt[i + 1] <= '0' + CH_REFUSAL_ARGS && fmt[i + 2] == '$' && fmt[i + 3] == 's') {
			pos = 1;
			k = (size_t)(fmt[i + 1] - '1');
			i += 3;
		} else
			goto bad;
		if ((seq && pos) || k >= n || (used & 1u << k))
			goto bad;
		used |= 1u << k;
		emit(out, outsize, &w, args[k].p, args[k].p ? args[k].n : 0);
	}
	if (used != (1u << n) - 1)
		goto bad;
	if (outsize)
		out[w < outsize ? w : outsize - 1] = '\0';
	*len = w;
	return 0;
bad:
	if (outsize)
		out[0] = '\0';
	return CH_ERR_VALUE;
}

int
ch_refusal_text(const uint8_t *p, size_t n, char *out, size_t outsize)
{
	ch_refusal_t r;
	size_t len;
	int rc;
	if (outsize)
		out[0] = '\0';
	if ((rc = ch_refusal_decode(p, n, &r)) != 0)
		return rc;
	return ch_refusal_render(r.fmt, r.fmtlen, r.arg, r.n, out, outsize, &len);
}
