/* author.h - who wrote an entry, and whether that verifies: one answer for
 * every command that shows an author (cahier log, cahier network). */
#ifndef CAHIER_AUTHOR_H
#define CAHIER_AUTHOR_H

#include <stddef.h>
#include <stdint.h>
#include "../keys/keys.h"
#include "../proto/entry.h"

typedef struct {
	int found;          /* 1 if the entry names an author whose certificate parses */
	int verified;       /* 1 if the org's signature on the envelope verifies,
	                     * the certificate is that org's, and the author's
	                     * provider key signed the body (or the request the
	                     * body embeds); meaningful only when found */
	keys_cert_t cert;   /* the author's certificate (name, role, provider
	                     * key, org) when found; owned by the caller */
} cli_author_t;

/* Finds who wrote the entry with envelope env and plain body plain[0..n):
 * the provider whose certificate the body carries (a note), or, for an
 * entry a daemon writes at a provider's request (a case creation, an epoch,
 * a history grant), the provider who signed the request it embeds. An
 * entry its organization writes on its own (an access record, a
 * revocation, a scheduled rotation) has no author: found is 0. Pure: no
 * I/O. Returns 0 with *a filled, to release with cli_author_clear(); or
 * the error of ch_plain_decode if plain is not a plain body, *a then empty
 * (found 0). */
int cli_author_get(const ch_env_t *env, const uint8_t *plain, size_t n,
    cli_author_t *a) CH_WUR;
/* Wipes and frees what *a holds and empties it; safe on an empty one. */
void cli_author_clear(cli_author_t *a);

#endif
