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

#include <stddef.h>
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
/* RENDER_UNKNOWN_ORG in the reader's language (i18n.h). */
const char *render_unknown_org(void);

/* ---- the words a reader sees for the codes of the notebook ----
 *
 * Kinds, audiences, the values of the small enums, the actions, outcomes
 * and purposes of access records, field labels and roles are identifiers
 * in --json, on the command line and to the daemon; shown to a reader
 * they are words of the reader's language (i18n.h). The same English word
 * can take another translation by where it stands ("coordination" the
 * audience, the purpose, the role), so each is looked up with a gettext
 * context (msgctxt). */

/* Marks s, in context ctx, for xgettext (keyword NCTX_:1c,2), and is the
 * key render_word_key() looks up. */
#define NCTX_(ctx, s) (ctx "\004" s)
/* s in context ctx in the reader's language (keyword CTX_:1c,2). */
#define CTX_(ctx, s) render_word(ctx, s)
/* The translation of s under msgctxt ctx, or s itself when the catalogue
 * has none (s is then returned as it is). Static or s; never NULL unless s
 * is. */
const char *render_word(const char *ctx, const char *s);
/* The same for a key made by NCTX_: the translation, or the part of key
 * after the context. */
const char *render_word_key(const char *key);
/* A kind of entry as a word ("task", "taak", "tâche"); for a kind with no
 * name, "entry". */
const char *render_kind_word(uint8_t kind);
/* An audience as a word ("care", "zorg", "soins"), or "?". */
const char *render_aud_word(uint8_t aud);
/* Value v of the enum set (names.h, CH_SET_*) as a word, or "?". */
const char *render_value_word(uint8_t set, uint8_t v);
/* An access record's action, outcome or purpose, given by its name
 * (ch_action_name, ch_outcome_name, ch_purpose_name), as a word; a name
 * this version does not know comes back as it is. */
const char *render_action_word(const char *action);
const char *render_outcome_word(const char *outcome);
const char *render_purpose_word(const char *purpose);
/* A role as words into out ("home-nurse": "home nurse", "thuisverpleegkundige",
 * "infirmier·ère à domicile"; an unknown role with its '-' as spaces). */
void render_role_words(const char *role, char *out, size_t n);
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
/* render_lines with flags: RENDER_SKIP_EMPTY leaves out the empty
 * optional fields, RENDER_SKIP_MAIN the main text (a "text", an
 * appointment's "what", a consultation's "agenda"), for a caller that
 * shows it apart (render_main_text). */
#define RENDER_SKIP_EMPTY 1u
#define RENDER_SKIP_MAIN 2u
char *render_lines_opt(const ch_fields_t *f, const render_ctx_t *c, const char *indent,
    unsigned flags);
/* The main text of f (see RENDER_SKIP_MAIN), borrowed from f, or NULL. */
const char *render_main_text(const ch_fields_t *f);

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
