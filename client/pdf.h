/* pdf.h - a printable page of cahier (HTML, html.h) made into a PDF by
 * headless Chromium, without network and without leaving the page behind.
 *
 * The page is written to a file of its own (mode 0600) in a private
 * directory (mode 0700) made under $TMPDIR (else /tmp), with Chromium's
 * profile, cache and home directory beside it, so that nothing of it lands
 * in the user's Chromium profile. Chromium runs with a proxy that points
 * nowhere (127.0.0.1:9, loopback included), every host name resolving to
 * nothing, and no extension, sync, component update or crash reporter; the
 * page itself loads nothing from outside (inline CSS, no fonts, images or
 * scripts, and a Content-Security-Policy that forbids them). As root,
 * Chromium refuses to start with its sandbox: --no-sandbox is added then,
 * and only then. Its run is bounded (PDF_TIMEOUT_S seconds, then its whole
 * process group is killed); after it, the page and the PDF are overwritten
 * with zeros and removed, and the directory with them, also when the user
 * interrupts (SIGINT, SIGTERM, SIGHUP). */
#ifndef CAHIER_PDF_H
#define CAHIER_PDF_H

#include <stddef.h>

#define PDF_TIMEOUT_S 60

/* The Chromium to run: $CAHIER_CHROMIUM when set (an executable path),
 * else chromium or chromium-browser in $PATH. Exits (2) with "install the
 * chromium package" when there is none: call it before anything is read,
 * so that a missing renderer leaves no record of a print. what names the
 * command in the message ("export --booklet"). The path is malloc'd. */
char *pdf_renderer(const char *what);

/* Renders html[0..n) with renderer and writes the PDF to the open file
 * descriptor outfd. Exits (2) with a one-line reason when Chromium fails,
 * runs out of time or writes no PDF, after removing what it wrote. Says on
 * stderr how long it has been running when that passes a few seconds. */
void pdf_render(const char *renderer, const char *what, const char *html, size_t n, int outfd);

#endif
