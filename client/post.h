/* post.h - building and sending signed entries from the client. */
#ifndef CAHIER_POST_H
#define CAHIER_POST_H

#include "../proto/info.h"
#include "cli.h"

/* Builds the plain body of kind with fields, signs it with our key, posts it
 * and waits for the daemon's commit; exits on error. */
void cli_post(cli_t *c, const uint8_t case_id[16], uint8_t audience, uint8_t kind,
    const uint8_t *fields, size_t fieldslen, ch_postrep_t *rep);
void cli_print_posted(const cli_t *c, const ch_postrep_t *rep, const char *what);

#endif
