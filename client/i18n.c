/* i18n.c - binding the gettext catalogues (i18n.h). */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

void
cli_i18n_init(void)
{
	const char *dir = getenv("CAHIER_LOCALEDIR");
	/* Messages only: numbers, times and the character classes the
	 * escaping of others' text relies on stay as in the C locale. */
	setlocale(LC_MESSAGES, "");
	bindtextdomain("cahier", dir && dir[0] ? dir : LOCALEDIR);
	bind_textdomain_codeset("cahier", "UTF-8");
	textdomain("cahier");
}

void
cli_i18n_lang(const char *lang)
{
	setenv("LANGUAGE", lang, 1);
	/* gettext ignores LANGUAGE in the C locale: messages then take the
	 * C.UTF-8 one, which every glibc has. */
	const char *cur = setlocale(LC_MESSAGES, NULL);
	if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	textdomain("cahier");
}
