/* escape.h - what the client shows of text others wrote (notes, case
 * names, people's, providers' and organizations' names, roles, the
 * daemon's messages): every character a terminal would act on is shown as
 * a visible escape instead, so that text can never move the cursor, erase
 * a line, change colours or the window title, or reorder what follows it.
 *
 * Shown escaped: the C0 controls and DEL (\n \r \t, else \xHH), the C1
 * controls U+0080..U+009F (\u0085), the bidirectional controls U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069 and the line and
 * paragraph separators U+2028, U+2029 (\u202e), and every byte that is not
 * part of valid UTF-8 (\xHH). Any other character, of any script, is
 * written as it is. A backslash is written as it is: an escape shown is
 * therefore not told apart from the same characters typed, which is
 * harmless (neither does anything on a terminal).
 *
 * Newlines in a note: with CLI_ESC_LINES they are kept, and the caller
 * prints every line of the note indented (cli_print_lines), so that no
 * line of a note can start at column 0, where only entry headers start;
 * "\r\n" counts as a newline there. Everywhere else a newline is shown as
 * \n and the text stays on one line. */
#ifndef CAHIER_ESCAPE_H
#define CAHIER_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum {
	CLI_ESC_LINES = 1 << 0,  /* keep newlines (the caller indents each line) */
	CLI_ESC_JSON = 1 << 1,   /* for a JSON text jansson dumped: the same
	                          * characters as \uXXXX (and an invalid byte as
	                          * \ufffd); nothing else changes */
};

/* Escapes s[0..n) (which may hold NUL bytes: shown as \x00) as described
 * above, per flags (CLI_ESC_*). Writes at most outlen bytes to out,
 * NUL-terminated when outlen > 0 (out may be NULL when outlen is 0), like
 * snprintf. Returns the length of the whole escaped text, without the NUL:
 * the output was cut short if that is >= outlen. Pure: no I/O. */
size_t cli_escape(char *out, size_t outlen, const char *s, size_t n, unsigned flags);

/* The escaped text of s[0..n) in malloc'd memory, NUL-terminated; the
 * caller releases it with cli_escape_free(). NULL when out of memory. */
char *cli_escape_dup(const char *s, size_t n, unsigned flags);
/* Wipes (the text may be a decrypted note) and frees *p, sets it to NULL;
 * safe on NULL. */
void cli_escape_free(char **p);

/* The escaped copies of the fields of one line of output, released
 * together: cli_show() returns the single-line escaped text of s (NULL
 * shows as ""), owned by *sh and valid until cli_shown_clear(*sh). Exits
 * (cli_die) when out of memory or after CLI_SHOWN_MAX fields: a line of
 * output shows fewer. Zero the struct before first use. */
#define CLI_SHOWN_MAX 16
typedef struct {
	char *v[CLI_SHOWN_MAX];
	size_t n;
} cli_shown_t;
const char *cli_show(cli_shown_t *sh, const char *s);
/* Wipes and frees every copy held by *sh and empties it. */
void cli_shown_clear(cli_shown_t *sh);

/* Prints text, escaped with CLI_ESC_LINES, to f: every line, the first
 * included, after indent, each ending with a newline. */
void cli_print_lines(FILE *f, const char *indent, const char *text);

#endif
