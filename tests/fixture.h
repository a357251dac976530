/* fixture.h - what the in-process tests of the daemon (test_nb, test_post)
 * and the peer-rules fuzz target build alike: a whole daemon over a
 * directory, and an entry made by hand. Header-only (static inline): each
 * test program takes what it uses. */
#ifndef CAHIER_TEST_FIXTURE_H
#define CAHIER_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../daemon/daemon.h"
#include "../proto/entry.h"

/* A daemon named name over directory dir, for the org key k (taken: it
 * belongs to the daemon, even when this fails); its card is issued at
 * issued. Returns 0 and *d, or an error. */
static inline int
fix_daemon(const char *dir, keys_secret_t *k, const char *name, uint64_t issued,
    cahierd_t **d)
{
	uint8_t *card = NULL;
	size_t cardlen = 0;
	config_t cfg;

	memset(&cfg, 0, sizeof(cfg));
	if (!k || !(cfg.name = strdup(name)) ||
	    keys_card_make(k, name, "tcp://127.0.0.1:1", issued, &card, &cardlen) != 0) {
		free(cfg.name);
		keys_secret_destroy(&k);
		return CH_ERR_NOMEM;
	}
	cfg.max_open_cases = 8;
	return cahierd_new(dir, &cfg, &k, &card, cardlen, d);
}

/* An entry of case_id in org's feed made by hand (the daemon would not
 * write it): seq and prev as given (prev NULL: zeros), at time_ms, sealed
 * under key with slots (may be NULL), signed by org. Returns the entry
 * (malloc'd) and its length, or NULL. */
static inline uint8_t *
fix_entry(const keys_secret_t *org, const uint8_t case_id[16], uint64_t seq,
    const uint8_t *prev, uint32_t epoch, uint8_t audience, uint64_t time_ms,
    const uint8_t key[32], const uint8_t *pl, size_t pln, const ch_slot_t *slots,
    size_t ns, size_t *n)
{
	ch_env_t env;
	uint8_t *body, *e;
	size_t bl;

	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, case_id, 16);
	memcpy(env.org, org->sign_pk, 32);
	env.seq = seq;
	if (prev)
		memcpy(env.prev, prev, 32);
	env.epoch = epoch;
	env.audience = audience;
	env.time_ms = time_ms;
	if (ch_body_seal(&env, slots, ns, key, pl, pln, &body, &bl) != 0)
		return NULL;
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	ch_env_sign(&env, org->sign_sk);
	if (!(e = malloc(CH_ENV_LEN + bl))) {
		free(body);
		return NULL;
	}
	ch_env_encode(&env, e);
	memcpy(e + CH_ENV_LEN, body, bl);
	free(body);
	*n = CH_ENV_LEN + bl;
	return e;
}

#ifdef CAHIER_TAP_H
/* An organization of a unit test: its daemon over a fresh directory under
 * the test's temporary directory (tap.h), named name, its keys derived
 * from 32 bytes of seedbyte; org_free tears it down and removes the
 * directory. */
typedef struct {
	cahierd_t *d;
	char dir[64];
} org_t;

static inline void
org_init(org_t *o, uint8_t seedbyte, const char *name)
{
	uint8_t seed[32];
	memset(seed, seedbyte, sizeof(seed));
	if (!tap_tmpdir(o->dir, sizeof(o->dir), "org") ||
	    fix_daemon(o->dir, keys_secret_from_seed(KEYS_KIND_ORG, seed), name, 1795000000,
	    &o->d) != 0)
		abort();
}

static inline void
org_free(org_t *o)
{
	char cmd[128];
	cahierd_destroy(&o->d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", o->dir);
	if (system(cmd) != 0)
		abort();
}
#endif

#endif
