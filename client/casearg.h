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

/* This organization's standing in case id, from the daemon's case list
 * (without names: nothing read, nothing recorded): CH_CASE_* flags into
 * *flags, the time it was closed here or removed into *since (0 unknown),
 * the coordinator's name into coord. Returns 0, or -1 if the daemon does
 * not list the case. */
int cli_case_standing(cli_t *c, const uint8_t id[CH_CASE_LEN], uint8_t *flags,
    uint64_t *since, char *coord, size_t coordlen);
/* The case's name as the daemon lists it to this provider (CASES with
 * names: the daemon records that it showed it, at most once a day), into
 * out; the id's first 8 hex digits when it lists no name. */
void cli_case_name(cli_t *c, const uint8_t id[CH_CASE_LEN], char *out, size_t outlen);
/* Prints on stderr, for a case this organization was removed from or
 * closed, what that means for what the provider sees; nothing otherwise. */
void cli_case_notice(cli_t *c, const uint8_t id[CH_CASE_LEN]);

#endif
