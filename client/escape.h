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
 * \n and the text stays on one line.
 *
 * Right-to-left text: with CLI_ESC_ISOLATE (cli_show, cli_print_lines), a
 * line of the escaped text that holds a strong right-to-left character
 * (Hebrew, Arabic, Syriac, Thaana, NKo...: bidirectional class R or AL) is
 * written between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL
 * ISOLATE, on that line. A terminal that implements the Unicode
 * bidirectional algorithm shows the text in its own direction (from its
 * first strong character) and lays out what follows the isolate (the next
 * columns of a table, a closing quote, digits) as if the text were one
 * neutral character: a name can never reorder what follows it. Bidi
 * controls of the text itself are escaped (above), so the isolate the
 * client adds is the only one in the output and is always closed on the
 * line it opens. Text without right-to-left characters comes out without
 * one. JSON (CLI_ESC_JSON) never gets an isolate: it carries the text as
 * it is.
 *
 * Display width: cli_width() counts the columns a terminal gives escaped
 * text (combining marks and format characters, the isolates included, 0;
 * East Asian wide and fullwidth characters, emoji among them, 2; any other
 * character 1), from fixed tables (escape.c tells why not wcwidth(3)), so
 * that tables line up whatever the locale. cli_pad() and cli_fit() pad and
 * cut escaped text by that width, never by bytes. */
#ifndef CAHIER_ESCAPE_H
#define CAHIER_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum {
	CLI_ESC_LINES = 1 << 0,  /* keep newlines (the caller indents each line) */
	CLI_ESC_JSON = 1 << 1,   /* for a JSON text jansson dumped: the same
	                          * characters as \uXXXX (and an invalid byte as
	                          * \ufffd); nothing else changes */
	CLI_ESC_ISOLATE = 1 << 2, /* each line holding right-to-left text
	                          * between FSI and PDI (above); ignored with
	                          * CLI_ESC_JSON */
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
/* Says "cahier: WHY" (a fixed message of ours, translated) on stderr and
 * ends the process at once with EXIT_ERR: for what fails below cli_die
 * (conn.c), which escapes its message with this file and so cannot be
 * called from here. _exit, so that czmq's exit handler does not wait for
 * the sockets cli_die would have closed. */
void cli_fail(const char *why) __attribute__((noreturn));
/* Wipes (the text may be a decrypted note) and frees *p, sets it to NULL;
 * safe on NULL. */
void cli_escape_free(char **p);

/* The escaped copies of the fields of one line of output, released
 * together: cli_show() returns the single-line escaped text of s (NULL
 * shows as ""), isolated when right-to-left (CLI_ESC_ISOLATE), owned by *sh
 * and valid until cli_shown_clear(*sh). Exits
 * (cli_die) when out of memory or after CLI_SHOWN_MAX fields: a line of
 * output shows fewer. Zero the struct before first use. */
#define CLI_SHOWN_MAX 16
typedef struct {
	char *v[CLI_SHOWN_MAX];
	size_t n;
} cli_shown_t;
const char *cli_show(cli_shown_t *sh, const char *s);
/* cli_show(), cut to at most width columns by cli_fit(); one field of sh. */
const char *cli_show_fit(cli_shown_t *sh, const char *s, size_t width);
/* Wipes and frees every copy held by *sh and empties it. */
void cli_shown_clear(cli_shown_t *sh);

/* Prints text, escaped with CLI_ESC_LINES and CLI_ESC_ISOLATE, to f: every
 * line, the first included, after indent, each ending with a newline (a
 * right-to-left line isolated on its own). */
void cli_print_lines(FILE *f, const char *indent, const char *text);

/* The columns escaped text s (NUL-terminated, as cli_show() returns it)
 * takes on a terminal: the sum of its characters' widths (above); a byte
 * outside UTF-8 counts 1. Pure. */
size_t cli_width(const char *s);

/* Prints escaped text s to f, then spaces up to width columns: a field of
 * a table, where printf's %-20s would pad by bytes ("Müller" is 7 bytes
 * for 6 columns, "محمد" 8 for 4). Text wider than width is printed whole,
 * as %-20s does; cut it first with cli_fit() to keep the columns. */
void cli_pad(FILE *f, const char *s, size_t width);

/* A copy of escaped text s that takes at most width columns: s itself when
 * it fits, else its longest beginning that fits with "…" (U+2026, 1 column)
 * after it, "" when width is 0. The cut falls between clusters, never
 * inside a UTF-8 sequence nor between a character and the combining marks,
 * variation selectors or ZWJ sequence that go with it; an isolate opened
 * before the cut is closed (PDI) after the "…". In malloc'd memory, which
 * the caller releases with cli_escape_free(); NULL when out of memory. */
char *cli_fit(const char *s, size_t width);

#endif
