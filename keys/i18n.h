/* i18n.h - the words of both programs in Dutch, French or English,
 * following the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), through GNU
 * gettext: one text domain, "cahier", whose catalogues are po/nl.po and
 * po/fr.po, compiled by make into BUILD/locale and installed under
 * PREFIX/share/locale. English is the source text. Here because cahier
 * and cahierd both link the library of proto/ and keys/, and keys/ has
 * words of its own (the passphrase prompts and reasons, pass.c).
 * Never translated: --json, status.json, the lines scripts read, what goes
 * on the wire. */
#ifndef CAHIER_KEYS_I18N_H
#define CAHIER_KEYS_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the catalogues of the text domain "cahier" for the messages of
 * this process: from $CAHIER_LOCALEDIR when set and not empty (the tests, a
 * build not installed), else from the installed LOCALEDIR; translations
 * come as UTF-8 whatever the locale's character set. Only LC_MESSAGES is
 * taken from the environment: numbers, times and the character classes
 * the escaping of others' text relies on stay as in the C locale. Call
 * once, from main, before any other thread starts. */
void i18n_bind(void);

#endif
