/* casearg.h - a CASE argument given by the case's name. */
#ifndef CAHIER_CASEARG_H
#define CAHIER_CASEARG_H

#include <stdint.h>
#include "cli.h"

/* Resolves arg into a case id: a full 32-digit hex id as it is; else the
 * name of one case among those the daemon lists to this provider (CASES,
 * every case, closed ones too; lower-case hex of 4 digits or more is
 * taken as an id prefix without asking for names), compared as the duplicate flag compares
 * (ch_casename_same: ASCII letters folded, other bytes exact), so that a
 * name two cases share by that rule is ambiguous; else a hex id prefix
 * (cli_case_id). Exits with a message when several cases bear that name
 * (their id prefixes, and 'cahier case list --all --verbose' to tell them
 * apart) or when nothing matches. Connects first (cli_open) if needed. The
 * daemon records the names it lists, at most once a day per case. */
void cli_case_arg(cli_t *c, const char *arg, uint8_t id[CH_CASE_LEN]);

#endif
