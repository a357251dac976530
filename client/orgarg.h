/* orgarg.h - an organization given on the command line by its name: one of
 * the members of a case, as its current charter lists them (a read of the
 * newest case-create or epoch entry this organization can open, purpose
 * coordination, recorded like every read). */
#ifndef CAHIER_ORGARG_H
#define CAHIER_ORGARG_H

#include <stddef.h>
#include <stdint.h>
#include "../keys/keys.h"
#include "cli.h"

typedef struct {
	uint8_t org[32];
	char name[KEYS_NAME_MAX + 1];     /* from its card; "?" if it does not parse */
} cli_member_t;

typedef struct {
	size_t n;
	cli_member_t *m;
	uint8_t coordinator[32];
} cli_members_t;

/* Reads the current charter of case_id and fills *ms with its member
 * organizations. Exits (1) when no charter is readable here. The people
 * around the person cannot read the charter (it lists the people, their
 * bases and dates): with person set, the members come from the daemon's
 * WHERE answer (seq 0: names only, no read recorded) and our own card,
 * and coordinator stays zero. */
void cli_members_load(cli_t *c, const uint8_t case_id[16], int person, cli_members_t *ms);
/* The member called arg: its name, compared without regard to ASCII case,
 * or a prefix of exactly one member's name (an exact name wins over
 * prefixes). Exits (2) for an unknown or ambiguous name, listing the
 * members. what names the option in the message ("--owner"). */
void cli_org_resolve(const cli_members_t *ms, const char *arg, const char *what,
    uint8_t org[32]);
/* The name of member org, or NULL if it is not one. */
const char *cli_members_name(const cli_members_t *ms, const uint8_t org[32]);
void cli_members_clear(cli_members_t *ms);

#endif
