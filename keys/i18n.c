/* i18n.c - binding the gettext catalogues of both programs (i18n.h). */
#include <locale.h>
#include <stdlib.h>

#include "i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

void
i18n_bind(void)
{
	const char *dir = getenv("CAHIER_LOCALEDIR");
	setlocale(LC_MESSAGES, "");
	bindtextdomain("cahier", dir && dir[0] ? dir : LOCALEDIR);
	bind_textdomain_codeset("cahier", "UTF-8");
	textdomain("cahier");
}
