/* keyring.c - the organization's secret keys, behind a narrow interface. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "keyring.h"

struct welcome {
	uint8_t case_id[16];
	uint32_t epoch;
	uint8_t used;
	uint8_t key[32];
	uint64_t at;              /* when put (keyring_t.welcome_tick) */
};

struct keyring {
	const keys_secret_t *k;
	struct welcome *welcome;  /* sodium_malloc'd, KEYRING_WELCOME_MAX */
	uint64_t welcome_tick;    /* puts so far */
	uint64_t opens;           /* slots opened so far */
};

int
keyring_new(const keys_secret_t *k, keyring_t **out)
{
	keyring_t *kr = calloc(1, sizeof(*kr));
	*out = NULL;
	if (!kr)
		return CH_ERR_NOMEM;
	kr->k = k;
	*out = kr;
	return 0;
}

void
keyring_destroy(keyring_t **krp)
{
	keyring_t *kr = *krp;
	if (!kr)
		return;
	if (kr->welcome)
		sodium_free(kr->welcome); /* wipes */
	free(kr);
	*krp = NULL;
}

const uint8_t *
keyring_org(const keyring_t *kr)
{
	return kr->k->sign_pk;
}

void
keyring_sign(const keyring_t *kr, ch_env_t *env)
{
	ch_env_sign(env, kr->k->sign_sk);
}

void
keyring_erasure_sign(const keyring_t *kr, const uint8_t case_id[16],
    const uint8_t id[32], uint8_t proof[64])
{
	ch_erasure_sign(case_id, id, kr->k->sign_sk, proof);
}

int
keyring_list_slots(const uint8_t *body, size_t n, keyring_opened_t *o)
{
	return ch_body_slots(body, n, &o->all, &o->nall);
}

uint64_t
keyring_opens(const keyring_t *kr)
{
	return kr->opens;
}

int
keyring_open_slots(keyring_t *kr, keyring_opened_t *o)
{
	for (size_t i = 0; i < o->nall; i++) {
		if (memcmp(o->all[i].org, kr->k->sign_pk, 32) != 0)
			continue;
		kr->opens++;
		if (crypto_box_seal_open(o->k[o->n].key, o->all[i].sealed, CH_SEALED_KEY_LEN,
		    kr->k->box_pk, kr->k->box_sk) != 0)
			return CH_ERR_DECRYPT; /* sealed to the wrong member */
		o->k[o->n].epoch = o->all[i].epoch;
		o->k[o->n].audience = o->all[i].audience;
		o->n++;
	}
	return 0;
}

const uint8_t *
keyring_opened_key(const keyring_opened_t *o, uint32_t epoch, uint8_t audience)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->k[i].epoch == epoch && o->k[i].audience == audience)
			return o->k[i].key;
	return NULL;
}

void
keyring_opened_free(keyring_opened_t *o)
{
	sodium_memzero(o->k, sizeof(o->k[0]) * o->n);
	free(o->all);
	o->all = NULL;
	o->n = o->nall = 0;
}

void
keyring_welcome_put(keyring_t *kr, const uint8_t case_id[16], uint32_t epoch,
    const uint8_t key[32])
{
	size_t free_slot = KEYRING_WELCOME_MAX, oldest = 0;
	if (!kr->welcome) {
		if (!(kr->welcome = sodium_allocarray(KEYRING_WELCOME_MAX, sizeof(*kr->welcome))))
			return;
		sodium_memzero(kr->welcome, KEYRING_WELCOME_MAX * sizeof(*kr->welcome));
	}
	for (size_t i = 0; i < KEYRING_WELCOME_MAX; i++) {
		struct welcome *w = &kr->welcome[i];
		if (w->used == 1 && memcmp(w->case_id, case_id, 16) == 0 && w->epoch == epoch) {
			memcpy(w->key, key, 32); /* the latest welcome wins, until checked */
			w->at = ++kr->welcome_tick;
			return;
		}
		if (w->used != 1 && free_slot == KEYRING_WELCOME_MAX)
			free_slot = i;
		if (w->at < kr->welcome[oldest].at)
			oldest = i;
	}
	/* Nothing takes a slot back once its welcome is checked and the keys
	 * are in the store: when the table is full, the oldest put makes room.
	 * (Without it a daemon joined at most KEYRING_WELCOME_MAX epochs' worth
	 * of cases in its life, about 128 cases, then none until a restart.) A
	 * welcome pushed out before it was checked is adopted again from the
	 * next batch of its case. */
	if (free_slot == KEYRING_WELCOME_MAX)
		free_slot = oldest;
	memcpy(kr->welcome[free_slot].case_id, case_id, 16);
	kr->welcome[free_slot].epoch = epoch;
	memcpy(kr->welcome[free_slot].key, key, 32);
	kr->welcome[free_slot].used = 1;
	kr->welcome[free_slot].at = ++kr->welcome_tick;
}

int
keyring_welcome_get(const keyring_t *kr, const uint8_t case_id[16], uint32_t epoch,
    uint8_t key[32])
{
	for (size_t i = 0; kr->welcome && i < KEYRING_WELCOME_MAX; i++) {
		const struct welcome *w = &kr->welcome[i];
		if (w->used == 1 && memcmp(w->case_id, case_id, 16) == 0 && w->epoch == epoch) {
			memcpy(key, w->key, 32);
			return 0;
		}
	}
	return CH_ERR_NOKEY;
}
