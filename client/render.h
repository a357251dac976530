/* render.h - how the client shows the decoded fields of an entry of any
 * care kind (proto/kinds.h): a one-line summary and detail lines for
 * people, and a JSON object for scripts (docs/JSON.md, "Entry fields by
 * kind"). Pure: no daemon calls, no I/O; names come from the caller's
 * resolvers.
 *
 * The human forms escape every text others wrote (the fields' texts and
 * every name a resolver returns) with cli_escape (escape.h), so they are
 * safe to print as they are. They show no hex ids, seqs or epochs: an org
 * is shown by its name, a provider by theirs, an earlier entry by what the
 * caller says of it. Times are local (cli_time). The JSON holds the raw
 * text: print it with cli_json_print, which escapes. */
#ifndef CAHIER_RENDER_H
#define CAHIER_RENDER_H

#include <stdint.h>
#include <jansson.h>
#include "../proto/kinds.h"

typedef struct {
	/* The name of an org in the network, or NULL for one that is not
	 * (shown as "an organization not in the network"). Required. */
	const char *(*org_name)(void *arg, const uint8_t org[32]);
	/* The name of a provider from their Ed25519 key, or NULL (shown as
	 * "a provider"). May be NULL itself. */
	const char *(*provider_name)(void *arg, const uint8_t key[32]);
	/* A few words about an earlier entry of the case (its summary, say),
	 * or NULL (shown as "an earlier alert", "an earlier entry", ...). May
	 * be NULL itself. */
	const char *(*entry_name)(void *arg, const uint8_t id[32]);
	void *arg;
} render_ctx_t;

#define RENDER_UNKNOWN_ORG "an organization not in the network"
/* The longest stretch of a text a summary shows, in bytes (then "..."). */
#define RENDER_SUMMARY_TEXT 72

/* One line, no newline: "task · open · due 2026-12-05 · owner
 * Thuisverpleging Brussel: Wound care check". The kind, its status-like
 * values, the times and orgs that matter, then the start of its main text
 * (up to its first line break and RENDER_SUMMARY_TEXT bytes). malloc'd;
 * release with render_free(). NULL when out of memory or f is not a care
 * kind. */
char *render_summary(const ch_fields_t *f, const render_ctx_t *c);

/* Every field, one "label: value" line each, every line starting with
 * indent and ending with '\n'. A text of several lines follows its label
 * on lines of its own, indented two more spaces, so no line of it starts
 * where a label does. Empty optional fields say "none". malloc'd; release
 * with render_free(). NULL when out of memory or f is not a care kind. */
char *render_lines(const ch_fields_t *f, const render_ctx_t *c, const char *indent);

/* Wipes (it holds decrypted care text) and frees *s; sets it to NULL. */
void render_free(char **s);

/* {"kind": "task", "status": "open", ...}: every field under its
 * ch_field_t name (snake_case). Enums as their names (names.h), flags as
 * booleans, times as ISO 8601 UTC (cli_time_iso) or null, entry ids as
 * hex or null, orgs and providers as {"id": hex, "name": string or null}
 * or null, org lists as arrays of those. A new reference; NULL when out
 * of memory or f is not a care kind. */
json_t *render_json(const ch_fields_t *f, const render_ctx_t *c);

#endif
