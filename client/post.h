/* post.h - building and sending signed entries from the client, and saying
 * where a posted entry went. */
#ifndef CAHIER_POST_H
#define CAHIER_POST_H

#include "../proto/info.h"
#include "cli.h"

/* Builds the plain body of kind with fields, signs it with our key, posts it
 * and waits for the daemon's commit; exits on error. */
void cli_post(cli_t *c, const uint8_t case_id[16], uint8_t audience, uint8_t kind,
    const uint8_t *fields, size_t fieldslen, ch_postrep_t *rep);
/* The same, with the plain body's reply_to and supersedes (each NULL for
 * none): an edit supersedes the id of the latest version of the entry. */
void cli_post_ex(cli_t *c, const uint8_t case_id[16], uint8_t audience, uint8_t kind,
    const uint8_t *fields, size_t fieldslen, const uint8_t *reply_to,
    const uint8_t *supersedes, ch_postrep_t *rep);
/* Breaks the glass (EMERGENCY): posts the alert whose fields are given,
 * for the network audience, asking for minutes of emergency access (0:
 * the daemon's default). */
void cli_post_emergency(cli_t *c, const uint8_t case_id[16], uint32_t minutes,
    const uint8_t *fields, size_t fieldslen, ch_postrep_t *rep);
void cli_print_posted(const cli_t *c, const ch_postrep_t *rep, const char *what);

/* Says what was posted and where it went: asks the daemon (WHERE) every
 * CLI_WHERE_POLL_MS, for at most CLI_WHERE_WAIT_MS or until every other
 * member organization holds the entry, then prints, for people,
 *   "posted WHAT REF"  and  "held by: A, B (not yet: C)"
 * (names escaped; ref_id is the id whose short reference is shown: the
 * new entry's, or an edited entry's first version), or for --json
 *   {entry, ref, case, seq, held_by: [names], not_yet: [names]}. */
#define CLI_WHERE_POLL_MS 200
#define CLI_WHERE_WAIT_MS 3000
void cli_report_posted(cli_t *c, const ch_postrep_t *rep, const char *what,
    const uint8_t ref_id[32]);

#endif
