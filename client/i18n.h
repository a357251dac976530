/* i18n.h - the client's words in Dutch, French or English: _() and N_()
 * and the binding of the catalogues are shared with cahierd
 * (keys/i18n.h). Everything the client prints for a person goes through
 * the catalogue, the daemon's refusals included (refusal.c); how, and
 * what is never translated (--json, the lines scripts read: the case id,
 * "posted KIND REF"; the identifiers a user types; what goes to the
 * daemon), is in docs/ARCHITECTURE.md, "Languages". */
#ifndef CAHIER_I18N_H
#define CAHIER_I18N_H

#include "../keys/i18n.h"

/* Binds the catalogues (keys/i18n.h: i18n_bind). */
void cli_i18n_init(void);
/* Speaks lang (nl, fr or en) from now on, whatever the locale says. */
void cli_i18n_lang(const char *lang);

#endif
