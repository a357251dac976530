/* ref.h - the short reference a provider types for an entry: the first
 * CH_REF_LEN (5) bytes of its id (of its first version, for an edited
 * entry) in 8 letters and digits of the RFC 4648 base32 alphabet, lower
 * case ("k7qm2p3a"). The human output shows it where a provider may act on
 * an entry (acknowledge, edit, hide, answer); everything else says "an
 * entry", without ids. 40 bits: two entries of one case share a reference
 * once in about a trillion pairs, and the daemon then returns both (the
 * client says the reference is ambiguous). */
#ifndef CAHIER_REF_H
#define CAHIER_REF_H

#include <stdint.h>
#include "../proto/msg.h"

#define CLI_REF_CHARS 8
/* Writes the reference of id into out (NUL-terminated). */
void cli_ref_fmt(const uint8_t id[32], char out[CLI_REF_CHARS + 1]);
/* Parses a reference (8 characters, either case) into the first
 * CH_REF_LEN bytes of prefix (the rest zeroed). Returns 0, or -1 if s is
 * not one. */
int cli_ref_parse(const char *s, uint8_t prefix[32]);

#endif
