/* keyring.h - the only way the daemon's rules reach the organization's
 * secret keys: open the key slots of a body sealed to us, sign our own
 * envelopes, and hold the membership keys of a welcome in memory until the
 * welcome itself is accepted. The secrets never leave this module. */
#ifndef CAHIER_KEYRING_H
#define CAHIER_KEYRING_H

#include <stddef.h>
#include <stdint.h>
#include "../keys/keys.h"
#include "../proto/entry.h"

typedef struct keyring keyring_t;

/* A keyring over the org's secret keys k, borrowed: k must outlive it. */
int keyring_new(const keys_secret_t *k, keyring_t **out) CH_WUR;
/* Wipes the welcome keys and frees the keyring; sets *kr to NULL. */
void keyring_destroy(keyring_t **kr);
/* This organization's id (its Ed25519 public key); lives with the keyring. */
const uint8_t *keyring_org(const keyring_t *kr);

/* Signs env's header with the org key (fills env->sig). */
void keyring_sign(const keyring_t *kr, ch_env_t *env);
/* The org's erasure proof of entry id of case case_id (ch_erasure_sign). */
void keyring_erasure_sign(const keyring_t *kr, const uint8_t case_id[16],
    const uint8_t id[32], uint8_t proof[64]);

/* The key slots of one body, and the keys of those sealed to us, opened in
 * memory only. Filled by keyring_open_slots; release with
 * keyring_opened_free(), which wipes the keys. */
typedef struct {
	ch_slot_t *all;         /* every slot of the body (its clear part) */
	size_t nall;
	size_t n;               /* keys opened (slots sealed to us) */
	struct { uint32_t epoch; uint8_t audience; uint8_t key[32]; } k[CH_SLOTS_MAX];
} keyring_opened_t;

/* Lists the slots of body into o->all (no key opened yet). Returns 0 or a
 * proto error for a malformed body. */
int keyring_list_slots(const uint8_t *body, size_t n, keyring_opened_t *o) CH_WUR;
/* Opens the slots of o->all addressed to this org. Returns 0, or
 * CH_ERR_DECRYPT when a slot addressed to us does not open (sealed to
 * another key). Each open is one X25519 operation: callers bound how many
 * slots they let through (see keyring_opens). */
int keyring_open_slots(keyring_t *kr, keyring_opened_t *o) CH_WUR;
/* How many slots this keyring has opened since it was made (a cost
 * counter, for tests and the log). */
uint64_t keyring_opens(const keyring_t *kr);
/* The opened key of (epoch, audience), or NULL; points into o. */
const uint8_t *keyring_opened_key(const keyring_opened_t *o, uint32_t epoch,
    uint8_t audience);
void keyring_opened_free(keyring_opened_t *o);

/* Membership keys of a case being joined, taken from its welcome before
 * the welcome itself is checked in its place: kept in memory only
 * (sodium_malloc'd, at most KEYRING_WELCOME_MAX), so a forged welcome cannot
 * leave a wrong key in the store. The latest welcome wins until checked;
 * a full table makes room by dropping the oldest put. */
#define KEYRING_WELCOME_MAX 256
void keyring_welcome_put(keyring_t *kr, const uint8_t case_id[16], uint32_t epoch,
    const uint8_t key[32]);
/* 0 and the key, or CH_ERR_NOKEY when none is held. */
int keyring_welcome_get(const keyring_t *kr, const uint8_t case_id[16],
    uint32_t epoch, uint8_t key[32]) CH_WUR;

#endif
