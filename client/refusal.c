/* refusal.c - a refusal of the daemon in the provider's language: the
 * daemon sends an English format and its arguments (proto/refusal.h);
 * the client translates the format and the reasons with its own
 * catalogue, and never gives any of them to printf. */
#include <stdlib.h>
#include <string.h>

#include "../proto/refusal.h"
#include "cli.h"
#include "escape.h"

/* fmt with args substituted (ch_refusal_render), in malloc'd memory; NULL
 * if fmt does not fit them. */
static char *
render_dup(const char *fmt, const ch_refarg_t *args, size_t n)
{
	size_t len;
	if (ch_refusal_render(fmt, strlen(fmt), args, n, NULL, 0, &len) != 0)
		return NULL;
	char *out = malloc(len + 1);
	if (!out || ch_refusal_render(fmt, strlen(fmt), args, n, out, len + 1, &len) != 0)
		cli_fail(_("out of memory"));
	return out;
}

/* p[0..n) as a string (malloc'd). */
static char *
dup_n(const char *p, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		cli_fail(_("out of memory"));
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* The translation of English text en (NUL-terminated) with args, when the
 * catalogue has one whose placeholders fit them; else en's own. */
static char *
translated(const char *en, const ch_refarg_t *args, size_t n, cli_tr_fn tr)
{
	const char *t = tr ? tr(en) : en;
	char *out = t && t != en ? render_dup(t, args, n) : NULL;
	return out ? out : render_dup(en, args, n);
}

char *
cli_refusal_words(const uint8_t *body, size_t n, cli_tr_fn tr)
{
	ch_refusal_t r;
	ch_refarg_t shown[CH_REFUSAL_ARGS];
	char *text[CH_REFUSAL_ARGS];

	if (ch_refusal_decode(body, n, &r) != 0)
		return NULL;
	for (size_t i = 0; i < r.n; i++) {
		char *raw = NULL;
		if (r.arg[i].msg) {
			/* a reason: English the decoder checked, translated like
			 * the format, with no arguments of its own */
			char *en = dup_n(r.arg[i].p, r.arg[i].n);
			raw = translated(en, NULL, 0, tr);
			free(en);
		}
		/* what is shown of it: every control escaped, as in any error */
		text[i] = raw ? cli_escape_dup(raw, strlen(raw), 0) :
		    cli_escape_dup(r.arg[i].p, r.arg[i].n, 0);
		free(raw);
		if (!text[i])
			cli_fail(_("out of memory"));
		shown[i].p = text[i];
		shown[i].n = strlen(text[i]);
		shown[i].msg = 0;
	}
	char *en = dup_n(r.fmt, r.fmtlen);
	char *out = translated(en, shown, r.n, tr);
	free(en);
	for (size_t i = 0; i < r.n; i++)
		cli_escape_free(&text[i]);
	return out;
}
