/* escape.c - others' text made safe to show on a terminal. See escape.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cli.h"
#include "escape.h"

/* The length (1 to 4) of the valid UTF-8 sequence at s[0..n), with its
 * code point in *cp; 0 if s does not start one (a stray continuation byte,
 * a truncated sequence, an overlong form, a surrogate, beyond U+10FFFF). */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t k;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		k = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < k)
		return 0;
	for (size_t j = 1; j < k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[j] & 0x3f);
	}
	if ((k == 2 && c < 0x80) || (k == 3 && c < 0x800) || (k == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return k;
}

/* 1 if a terminal or a text renderer acts on the code point cp instead of
 * showing it: a C0 or C1 control, DEL, a bidirectional control, a line or
 * paragraph separator. */
static int
acts(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* The output so far: written up to cap, counted in full. */
typedef struct {
	char *p;
	size_t cap, len;
} out_t;

static void
put(out_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->cap)
			o->p[o->len] = s[i];
}

size_t
cli_escape(char *out, size_t outlen, const char *s, size_t n, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	out_t o = { out, outlen, 0 };
	char e[16];   /* "\\u" and up to 8 hex digits, as far as the compiler knows */
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_next(u + i, n - i, &cp);
		if (k && !acts(cp)) {
			put(&o, s + i, k);
			i += k;
			continue;
		}
		if (flags & CLI_ESC_LINES) {
			if (u[i] == '\n') {
				put(&o, "\n", 1);
				i++;
				continue;
			}
			if (u[i] == '\r' && i + 1 < n && u[i + 1] == '\n') {
				put(&o, "\n", 1);
				i += 2;
				continue;
			}
		}
		if (flags & CLI_ESC_JSON) {
			/* Only inside JSON strings: the structure is ASCII. */
			snprintf(e, sizeof(e), "\\u%04x", k ? (unsigned)cp : 0xfffdu);
		} else if (!k)
			snprintf(e, sizeof(e), "\\x%02x", u[i]);
		else if (cp == '\n' || cp == '\r' || cp == '\t')
			snprintf(e, sizeof(e), "\\%c", cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
		else if (cp < 0x80)
			snprintf(e, sizeof(e), "\\x%02x", (unsigned)cp);
		else
			snprintf(e, sizeof(e), "\\u%04x", (unsigned)cp);
		put(&o, e, strlen(e));
		i += k ? k : 1;
	}
	if (outlen)
		out[o.len < outlen ? o.len : outlen - 1] = '\0';
	return o.len;
}

char *
cli_escape_dup(const char *s, size_t n, unsigned flags)
{
	size_t len = cli_escape(NULL, 0, s, n, flags);
	char *p = len < SIZE_MAX ? malloc(len + 1) : NULL;
	if (p)
		cli_escape(p, len + 1, s, n, flags);
	return p;
}

void
cli_escape_free(char **p)
{
	if (*p) {
		sodium_memzero(*p, strlen(*p));
		free(*p);
	}
	*p = NULL;
}

const char *
cli_show(cli_shown_t *sh, const char *s)
{
	if (sh->n == CLI_SHOWN_MAX)
		cli_die(EXIT_ERR, "internal error: too many fields on one line of output");
	if (!s)
		s = "";
	if (!(sh->v[sh->n] = cli_escape_dup(s, strlen(s), 0)))
		cli_die(EXIT_ERR, "out of memory");
	return sh->v[sh->n++];
}

void
cli_shown_clear(cli_shown_t *sh)
{
	for (size_t i = 0; i < sh->n; i++)
		cli_escape_free(&sh->v[i]);
	sh->n = 0;
}

void
cli_print_lines(FILE *f, const char *indent, const char *text)
{
	char *t = cli_escape_dup(text, strlen(text), CLI_ESC_LINES);
	if (!t)
		cli_die(EXIT_ERR, "out of memory");
	for (const char *p = t; *p;) {
		size_t n = strcspn(p, "\n");
		fputs(indent, f);
		fwrite(p, 1, n, f);
		fputc('\n', f);
		p += n + (p[n] ? 1 : 0);
	}
	cli_escape_free(&t);
}
