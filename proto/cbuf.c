/* cbuf.c - the bounded reader and writer (see cbuf.h). */
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "cbuf.h"

const char *
ch_strerror(int err)
{
	switch (err) {
	case CH_OK: return N_("success");
	case CH_ERR_TRUNCATED: return N_("truncated input");
	case CH_ERR_TRAILING: return N_("trailing data after message");
	case CH_ERR_TOOBIG: return N_("length above limit");
	case CH_ERR_MAGIC: return N_("wrong magic (not this kind of data)");
	case CH_ERR_VERSION: return N_("unsupported format version");
	case CH_ERR_VALUE: return N_("invalid field value");
	case CH_ERR_SIG: return N_("bad signature");
	case CH_ERR_DECRYPT: return N_("decryption failed");
	case CH_ERR_PASS: return N_("wrong passphrase or damaged key file");
	case CH_ERR_NOMEM: return N_("out of memory");
	case CH_ERR_IO:
		/* the system's own words for what failed (the caller names the
		 * file): errno is still the failed call's when this is asked at once */
		return errno ? strerror(errno) : N_("input/output error");
	case CH_ERR_EXPIRED: return N_("certificate not valid at this time");
	case CH_ERR_HASH: return N_("hash mismatch");
	case CH_ERR_ENCODING: return N_("bad encoding");
	case CH_ERR_EXISTS: return N_("file exists");
	case CH_ERR_NOKEY: return N_("no key for this epoch and audience");
	case CH_ERR_MODE: return N_("the file may be read by others than its owner");
	default: return N_("unknown error");
	}
}

void
crd_init(crd_t *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
	r->err = 0;
}

size_t
crd_left(const crd_t *r)
{
	return r->len - r->off;
}

const uint8_t *
crd_ref(crd_t *r, size_t n)
{
	if (r->err)
		return NULL;
	if (n > crd_left(r)) {
		r->err = CH_ERR_TRUNCATED;
		r->off = r->len;
		return NULL;
	}
	const uint8_t *q = r->p + r->off;
	r->off += n;
	return q;
}

void
crd_copy(crd_t *r, void *out, size_t n)
{
	const uint8_t *q = crd_ref(r, n);
	if (q)
		memcpy(out, q, n);
	else if (n)
		memset(out, 0, n);
}

static uint64_t
rd_be(crd_t *r, size_t n)
{
	const uint8_t *q = crd_ref(r, n);
	uint64_t v = 0;
	if (!q)
		return 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | q[i];
	return v;
}

uint8_t crd_u8(crd_t *r) { return (uint8_t)rd_be(r, 1); }
uint16_t crd_u16(crd_t *r) { return (uint16_t)rd_be(r, 2); }
uint32_t crd_u32(crd_t *r) { return (uint32_t)rd_be(r, 4); }
uint64_t crd_u64(crd_t *r) { return rd_be(r, 8); }

const uint8_t *
crd_var(crd_t *r, size_t max, size_t *n)
{
	uint32_t l = crd_u32(r);
	*n = 0;
	if (r->err)
		return NULL;
	if (l > max) {
		r->err = CH_ERR_TOOBIG;
		return NULL;
	}
	const uint8_t *q = crd_ref(r, l);
	if (q)
		*n = l;
	return q;
}

char *
crd_text(crd_t *r, size_t max)
{
	size_t n;
	const uint8_t *q = crd_var(r, max, &n);
	if (!q)
		return NULL;
	if (!ch_utf8_valid(q, n)) {
		r->err = CH_ERR_VALUE;
		return NULL;
	}
	char *s = malloc(n + 1);
	if (!s) {
		r->err = CH_ERR_NOMEM;
		return NULL;
	}
	memcpy(s, q, n);
	s[n] = '\0';
	return s;
}

int
crd_end(const crd_t *r)
{
	if (r->err)
		return r->err;
	return r->off == r->len ? 0 : CH_ERR_TRAILING;
}

void
cwr_init(cwr_t *w, size_t max)
{
	w->p = NULL;
	w->len = w->cap = 0;
	w->max = max;
	w->err = 0;
}

/* Grows the buffer to hold at least need bytes (at most max). */
static int
wr_grow(cwr_t *w, size_t need)
{
	size_t cap = w->cap ? w->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > w->max)
		cap = w->max;
	uint8_t *q = malloc(cap);
	if (!q) {
		w->err = CH_ERR_NOMEM;
		return -1;
	}
	if (w->p) {
		memcpy(q, w->p, w->len);
		sodium_memzero(w->p, w->len); /* nothing is written past len */
		free(w->p);
	}
	w->p = q;
	w->cap = cap;
	return 0;
}

static uint8_t *
wr_room(cwr_t *w, size_t n)
{
	if (w->err)
		return NULL;
	if (n > w->max - w->len) {
		w->err = CH_ERR_TOOBIG;
		return NULL;
	}
	if (w->len + n > w->cap && wr_grow(w, w->len + n) != 0)
		return NULL;
	uint8_t *q = w->p + w->len;
	w->len += n;
	return q;
}

void
cwr_reserve(cwr_t *w, size_t n)
{
	if (w->err)
		return;
	if (n > w->max - w->len) {
		w->err = CH_ERR_TOOBIG;
		return;
	}
	if (w->len + n > w->cap && w->p == NULL) {
		/* the first buffer: exactly what was asked */
		uint8_t *q = malloc(w->len + n ? w->len + n : 1);
		if (!q) {
			w->err = CH_ERR_NOMEM;
			return;
		}
		w->p = q;
		w->cap = w->len + n;
	} else if (w->len + n > w->cap)
		(void)wr_grow(w, w->len + n);
}

static void
wr_be(cwr_t *w, uint64_t v, size_t n)
{
	uint8_t *q = wr_room(w, n);
	if (!q)
		return;
	for (size_t i = n; i > 0; i--) {
		q[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

void cwr_u8(cwr_t *w, uint8_t v) { wr_be(w, v, 1); }
void cwr_u16(cwr_t *w, uint16_t v) { wr_be(w, v, 2); }
void cwr_u32(cwr_t *w, uint32_t v) { wr_be(w, v, 4); }
void cwr_u64(cwr_t *w, uint64_t v) { wr_be(w, v, 8); }

void
cwr_put(cwr_t *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	uint8_t *q = wr_room(w, n);
	if (q)
		memcpy(q, p, n);
}

void
cwr_u32_at(cwr_t *w, size_t off, uint32_t v)
{
	if (w->err)
		return;
	if (off > w->len || w->len - off < 4) {
		w->err = CH_ERR_VALUE;
		return;
	}
	w->p[off] = (uint8_t)(v >> 24);
	w->p[off + 1] = (uint8_t)(v >> 16);
	w->p[off + 2] = (uint8_t)(v >> 8);
	w->p[off + 3] = (uint8_t)v;
}

void
cwr_var(cwr_t *w, const void *p, size_t n, size_t max)
{
	if (w->err)
		return;
	if (n > max || n > UINT32_MAX) {
		w->err = CH_ERR_TOOBIG;
		return;
	}
	cwr_u32(w, (uint32_t)n);
	cwr_put(w, p, n);
}

void
cwr_text(cwr_t *w, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (!w->err && !ch_utf8_valid((const uint8_t *)s, n)) {
		w->err = CH_ERR_VALUE;
		return;
	}
	cwr_var(w, s, n, max);
}

int
cwr_err(const cwr_t *w)
{
	return w->err;
}

uint8_t *
cwr_take(cwr_t *w, size_t *len)
{
	uint8_t *p = NULL;
	*len = 0;
	if (w->err) {
		cwr_free(w);
		return NULL;
	}
	if (!w->p) {
		p = malloc(1); /* an empty message is still a message */
		if (!p)
			return NULL;
	} else {
		p = w->p;
		*len = w->len;
	}
	w->p = NULL;
	w->len = w->cap = 0;
	return p;
}

int
cwr_finish(cwr_t *w, uint8_t **out, size_t *len)
{
	int rc = cwr_err(w);
	if (rc) {
		cwr_free(w);
		return rc;
	}
	*out = cwr_take(w, len);
	return *out ? CH_OK : CH_ERR_NOMEM;
}

void
cwr_free(cwr_t *w)
{
	if (w->p) {
		/* Nothing is written past len: a buffer reserved large is not
		 * touched (nor made resident) beyond what was written. */
		sodium_memzero(w->p, w->len);
		free(w->p);
	}
	w->p = NULL;
	w->len = w->cap = 0;
}

size_t
ch_utf8_char(const uint8_t *s, size_t n)
{
	if (n == 0 || s[0] == 0)
		return 0;
	uint8_t c = s[0];
	size_t k;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	else if ((c & 0xe0) == 0xc0) {
		k = 1;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		k = 2;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		k = 3;
		cp = c & 0x07;
	} else
		return 0;
	if (n - 1 < k)
		return 0;
	for (size_t j = 1; j <= k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[j] & 0x3f);
	}
	if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
	    (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k + 1;
}

int
ch_utf8_valid(const uint8_t *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if ((k = ch_utf8_char(s + i, n - i)) == 0)
			return 0;
	return 1;
}
