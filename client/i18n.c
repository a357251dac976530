/* i18n.c - the client's language: the catalogues bound as cahierd binds
 * them (keys/i18n.c), and --lang (i18n.h). */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

void
cli_i18n_init(void)
{
	i18n_bind();
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
