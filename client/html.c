/* html.c - printable pages: a wiped buffer and the escapes (html.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "escape.h"
#include "html.h"

void
html_raw(html_t *h, const char *s)
{
	wbuf_put(h, s, strlen(s));
}

void
html_rawf(html_t *h, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		/* only the program's own short markup comes here */
		h->err = 1;
		return;
	}
	wbuf_put(h, buf, (size_t)n);
}

/* The entity of c, or NULL if c stands as it is. */
static const char *
entity(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void
html_text(html_t *h, const char *s, int flat)
{
	if (!s || h->err)
		return;
	char *e = cli_escape_dup(s, strlen(s), flat ? 0 : CLI_ESC_LINES);
	if (!e) {
		html_clear(h);
		h->err = 1;
		return;
	}
	const char *run = e;
	for (const char *q = e; *q; q++) {
		const char *ent = entity(*q);
		if (!ent)
			continue;
		wbuf_put(h, run, (size_t)(q - run));
		html_raw(h, ent);
		run = q + 1;
	}
	html_raw(h, run);
	cli_escape_free(&e);
}

void
html_css_string(html_t *h, const char *s)
{
	if (!s || h->err)
		return;
	char *e = cli_escape_dup(s, strlen(s), 0);
	if (!e) {
		html_clear(h);
		h->err = 1;
		return;
	}
	const unsigned char *u = (const unsigned char *)e;
	size_t n = strlen(e);
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == ' ') {
			wbuf_put(h, e + i, 1);
			i++;
			continue;
		}
		/* One code point of valid UTF-8 (cli_escape left no other). */
		uint32_t cp = c;
		size_t k = 1;
		if (c >= 0xf0 && i + 3 < n) {
			cp = (c & 0x07u) << 18 | (u[i + 1] & 0x3fu) << 12 | (u[i + 2] & 0x3fu) << 6 |
			    (u[i + 3] & 0x3fu);
			k = 4;
		} else if (c >= 0xe0 && i + 2 < n) {
			cp = (c & 0x0fu) << 12 | (u[i + 1] & 0x3fu) << 6 | (u[i + 2] & 0x3fu);
			k = 3;
		} else if (c >= 0xc0 && i + 1 < n) {
			cp = (c & 0x1fu) << 6 | (u[i + 1] & 0x3fu);
			k = 2;
		} else if (c >= 0x80)
			cp = 0xfffd;
		html_rawf(h, "\\%06x ", (unsigned)cp);
		i += k;
	}
	cli_escape_free(&e);
}

char *
html_take(html_t *h, size_t *len)
{
	if (h->err || !h->p) {
		html_clear(h);
		*len = 0;
		return NULL;
	}
	char *p = h->p;
	*len = h->len;
	memset(h, 0, sizeof(*h));
	return p;
}

void
html_clear(html_t *h)
{
	wbuf_clear(h);
}

void
html_free_buf(char **p, size_t n)
{
	if (*p) {
		sodium_memzero(*p, n);
		free(*p);
		*p = NULL;
	}
}

const char *
html_base_css(void)
{
	return "body { font: 11pt/1.4 \"DejaVu Sans\", \"Noto Sans\", Arial, sans-serif; "
	    "color: #000; background: #fff; margin: 2em; }\n"
	    "@media print { body { margin: 0; } }\n"
	    "bdi, [dir=auto] { unicode-bidi: isolate; }\n";
}

void
html_fput_n(FILE *f, const char *s, size_t n)
{
	char *t = malloc(n + 1);
	if (!t)
		return;
	memcpy(t, s, n);
	t[n] = '\0';
	html_fput(f, t);
	free(t);
}

void
html_fput(FILE *f, const char *s)
{
	html_t h;
	memset(&h, 0, sizeof(h));
	html_text(&h, s, 1);
	if (h.p)
		fputs(h.p, f);
	html_clear(&h);
}
