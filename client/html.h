/* html.h - what the client's printable pages share (the person's report of
 * who read the notebook, the booklet, the yellow-box sheet): a page built
 * in memory that is wiped whenever it moves or is dropped (it holds
 * decrypted care text), and the escapes that keep text others wrote inert
 * in HTML and in a CSS string.
 *
 * Text others wrote goes through cli_escape (escape.h) first, with
 * CLI_ESC_LINES: the C0 and C1 controls (newlines apart), DEL, the
 * bidirectional controls, the line and paragraph separators and every byte
 * outside UTF-8 come out as visible escapes (\x1b, \u202e), as on a
 * terminal; then & < > " ' become entities. The result holds no markup and
 * no character that could reorder the page: a name is put between <bdi>
 * and </bdi> (or in an element with dir="auto") by the caller, so that a
 * right-to-left name keeps its own direction without reordering what
 * follows it. */
#ifndef CAHIER_HTML_H
#define CAHIER_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "wbuf.h"

/* A page being built, on a wiped buffer (wbuf.h). A failed allocation is
 * sticky: every later call does nothing, and html_take() reports it. Zero
 * it before first use. */
typedef wbuf_t html_t;

/* Appends s as it is: markup the program wrote itself. */
void html_raw(html_t *h, const char *s);
/* Appends printf-style markup the program wrote itself (numbers, dates). */
void html_rawf(html_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends text others wrote (NULL appends nothing), escaped as above;
 * newlines are kept as newlines (give the element white-space: pre-wrap
 * to show them), or with flat set shown as \n on one line. */
void html_text(html_t *h, const char *s, int flat);
/* Appends s as the inside of a CSS string ("..."): every character but
 * ASCII letters, digits and spaces as a CSS escape (\HHHHHH and a space,
 * which the escape consumes), after the same cli_escape as html_text, so
 * no quote, backslash, newline or "</style>" can end the string. */
void html_css_string(html_t *h, const char *s);
/* The page: its bytes (NUL-terminated) and length into *len; the caller
 * owns them and releases them with html_free_buf(). NULL when out of
 * memory (h is then empty). h is empty afterwards. */
char *html_take(html_t *h, size_t *len);
/* Wipes and frees what h holds and empties it. */
void html_clear(html_t *h);
/* Wipes the n bytes of *p, frees them and sets *p to NULL; safe on NULL. */
void html_free_buf(char **p, size_t n);

/* The <style> rules every printed page of cahier shares: the font (DejaVu,
 * which has Latin with accents, Greek, Cyrillic, Arabic and Hebrew), black
 * on white, A4. A static string. */
const char *html_base_css(void);

/* Writes text others wrote to f, escaped as html_text (flat); for pages
 * printed as they are made (the person's report). */
void html_fput(FILE *f, const char *s);
/* The same for the first n bytes of s. */
void html_fput_n(FILE *f, const char *s, size_t n);

#endif
