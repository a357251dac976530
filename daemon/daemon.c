/* daemon.c - building and tearing down one cahierd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/msg.h"
#include "clock.h"
#include "daemon.h"
#include "state.h"

/* A body was erased: the timeline built from it is built again. */
static void
forget_timeline(void *arg, const uint8_t case_id[16])
{
	index_forget(arg, case_id);
}

/* Before our own feed of c grows: after a restore, not until it is known. */
static int
may_append(void *arg, scase_t *c, uint64_t head)
{
	cahierd_t *d = arg;
	return restore_may_append(d->run, store_case_id(c), head, clock_now_ms());
}

/* A restored store: the cases no other organization is a member of have
 * no peer to learn from, and are ready at once. */
static void
ready_alone(cahierd_t *d)
{
	uint8_t (*ids)[16] = NULL;
	size_t n = 0;
	if (!restore_active(d->run) || store_case_list(d->store, &ids, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		scase_t *c;
		uint8_t (*m)[32] = NULL;
		size_t nm = 0, others = 0;
		if (store_case_get(d->store, ids[i], 0, &c) != 0 || state_members(c, &m, &nm) != 0)
			continue;
		for (size_t j = 0; j < nm; j++)
			if (memcmp(m[j], keyring_org(d->kr), 32) != 0)
				others++;
		free(m);
		if (!others)
			restore_alone(d->run, ids[i]);
	}
	free(ids);
}

/* The last cahierd.conf the journal knows of (its record's text). */
static int
last_config(void *arg, uint64_t seq, uint64_t time_ms, uint8_t action, const char *text, int ok)
{
	(void)seq; (void)time_ms; (void)ok;
	if (action == STORE_J_CONFIG)
		snprintf(arg, 128, "%s", text);
	return 0;
}

/* A journal record when cahierd.conf differs from the one the last start
 * saw: configuration changes are administrative actions (the record names
 * the file's BLAKE2b-256, not its content). */
static int
journal_config(cahierd_t *d)
{
	char path[4096], was[128] = "", now[128], hex[65];
	uint8_t h[32], buf[4096];
	crypto_generichash_state st;
	size_t n;
	int intact;
	snprintf(path, sizeof(path), "%s/cahierd.conf", d->dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0; /* config_load read it: gone since, nothing to say */
	crypto_generichash_init(&st, NULL, 0, 32);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&st, buf, n);
	fclose(f);
	crypto_generichash_final(&st, h, 32);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	snprintf(now, sizeof(now), "cahierd.conf is now BLAKE2b-256 %s", hex);
	int rc = store_journal_each(d->store, last_config, was, &intact);
	if (rc || strcmp(was, now) == 0)
		return rc;
	return store_journal_add(d->store, (uint64_t)clock_now_ms(), STORE_J_CONFIG, now);
}

int
cahierd_new(const char *dir, config_t *cfg, keys_secret_t **keys, uint8_t **card,
    size_t cardlen, cahierd_t **out)
{
	cahierd_t *d = calloc(1, sizeof(*d));
	int rc = CH_ERR_NOMEM;

	*out = NULL;
	if (!d) {
		config_clear(cfg);
		keys_secret_destroy(keys);
		free(*card);
		*card = NULL;
		return rc;
	}
	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	d->keys = *keys;
	*keys = NULL;
	d->card = *card;
	*card = NULL;
	d->cardlen = cardlen;
	if (!(d->dir = strdup(dir)))
		goto fail;
	if ((rc = store_open(dir, d->keys->storage, d->cfg.max_open_cases, &d->store)) != 0 ||
	    (rc = keyring_new(d->keys, &d->kr)) != 0 ||
	    (rc = ingest_new(d->kr, &d->in)) != 0 ||
	    (rc = peers_new(&d->peers)) != 0 ||
	    (rc = outbox_new(&d->out)) != 0 ||
	    (rc = replay_new(&d->replay)) != 0 ||
	    (rc = index_new(&d->ix)) != 0 ||
	    (rc = shown_new(&d->shown)) != 0 ||
	    (rc = held_new(&d->held)) != 0 || (rc = grants_new(&d->grants)) != 0 ||
	    (rc = restore_new(d->store, &d->run)) != 0)
		goto fail;
	if ((rc = journal_config(d)) != 0)
		goto fail;
	ingest_on_erase(d->in, forget_timeline, d->ix);
	ingest_on_append(d->in, may_append, d);
	ready_alone(d);
	*out = d;
	return 0;
fail:
	cahierd_destroy(&d);
	return rc;
}

void
cahierd_destroy(cahierd_t **dp)
{
	cahierd_t *d = *dp;
	if (!d)
		return;
	if (d->store)
		store_abort(d->store);
	outbox_destroy(&d->out);
	peers_destroy(&d->peers);
	replay_destroy(&d->replay);
	index_destroy(&d->ix);
	shown_destroy(&d->shown);
	held_destroy(&d->held);
	grants_destroy(&d->grants);
	restore_destroy(&d->run);
	ingest_destroy(&d->in);
	keyring_destroy(&d->kr);
	store_destroy(&d->store);
	keys_secret_destroy(&d->keys);
	free(d->card);
	config_clear(&d->cfg);
	free(d->dir);
	free(d);
	*dp = NULL;
}

void
cahierd_org_name(cahierd_t *d, scase_t *c, const uint8_t org[32], char *out, size_t n)
{
	if (memcmp(org, d->keys->sign_pk, 32) == 0) {
		snprintf(out, n, "%s", d->cfg.name);
		return;
	}
	peer_t *p = peers_by_org(d->peers, org);
	if (p) {
		snprintf(out, n, "%s", p->card.name);
		return;
	}
	state_epoch_t r;
	if (c && state_epoch_current(c, &r) == 0) {
		int i = ch_charter_find_org(&r.ch, org);
		keys_card_t card;
		if (i >= 0 && keys_card_parse(r.ch.orgs[i].card, r.ch.orgs[i].cardlen, &card) == 0) {
			snprintf(out, n, "%s", card.name);
			keys_card_clear(&card);
			state_epoch_free(&r);
			return;
		}
		state_epoch_free(&r);
	}
	char id[17];
	keys_keyid(org, id);
	snprintf(out, n, "org %s", id);
}

void
cahierd_reply_ok(cahierd_reply_t *r, uint8_t *body, size_t len)
{
	r->status = CH_ST_OK;
	r->body = body;
	r->len = len;
}

void
cahierd_reply_why(cahierd_reply_t *r, uint8_t status, const why_t *w)
{
	r->status = status;
	r->len = w->len;
	r->body = malloc(r->len ? r->len : 1);
	if (r->body)
		memcpy(r->body, w->body, r->len);
	else
		r->len = 0;
}

void
cahierd_reply_errv(cahierd_reply_t *r, uint8_t status, const char *const *v, size_t n)
{
	why_t w;
	why_setv(&w, v, n);
	cahierd_reply_why(r, status, &w);
}
