/* i18n.h - the client's words in Dutch, French or English, following the
 * locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), through GNU gettext: the
 * catalogues are po/nl.po and po/fr.po, compiled by make into
 * BUILD/locale and installed under PREFIX/share/locale. English is the
 * source text. The person's report (report.c), every error message,
 * the usage text and the everyday confirmations speak all three; what is
 * still English only is listed in docs/ARCHITECTURE.md, "Not built yet".
 * Never translated: --json, the lines scripts read (the case id, "posted
 * KIND REF"), and what goes to the daemon. */
#ifndef CAHIER_I18N_H
#define CAHIER_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the catalogues: from $CAHIER_LOCALEDIR when set (the tests, a
 * build not installed), else from the installed LOCALEDIR; translations
 * are taken as UTF-8 whatever the locale's character set. */
void cli_i18n_init(void);
/* Speaks lang (nl, fr or en) from now on, whatever the locale says. */
void cli_i18n_lang(const char *lang);

#endif
