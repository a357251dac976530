/* housekeeping.c - announcing revocations and rotating keys on schedule. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "feed.h"
#include "housekeeping.h"
#include "log.h"
#include "member.h"
#include "state.h"
#include "sync.h"

/* Forks reported in one case per run, at most. */
#define FORKS_PER_RUN 16

typedef struct {
	cahierd_t *d;
	scase_t *c;
} hk_t;

/* Announces a revoked provider in a case, once. */
static int
announce_revocation(void *arg, const uint8_t provider[32], uint64_t when)
{
	hk_t *h = arg;
	uint8_t *entry = NULL, id[32];
	size_t n = 0;
	char kid[17];

	if (member_revoked(h->c, keyring_org(h->d->kr), provider))
		return 0;
	if (member_revoke(h->d->in, h->c, provider, when, &entry, &n, id) != 0) {
		log_err("could not announce a revoked provider in a case");
		return 0;
	}
	keys_keyid(provider, kid);
	log_info("announced the revocation of provider key %s in a case", kid);
	sync_push(h->d, h->c, entry, n);
	free(entry);
	return 0;
}

/* The forks a case holds evidence of, copied out of the store's walk. */
typedef struct {
	uint8_t org[32];
	uint64_t seq;
	uint8_t env_b[CH_ENV_LEN];
} seen_fork_t;

typedef struct {
	seen_fork_t v[FORKS_PER_RUN];
	size_t n;
	const uint8_t *us;
	scase_t *c;
} forks_t;

static int
fork_seen(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	forks_t *f = arg;
	if (n < CH_ENV_LEN || memcmp(org, f->us, 32) == 0)
		return 0; /* our own feed: said in the log and the case list */
	for (size_t i = 0; i < f->n; i++)
		if (memcmp(f->v[i].org, org, 32) == 0)
			return 0;
	if (store_fork_reported_get(f->c, org) != 0)
		return 0;
	if (f->n == FORKS_PER_RUN)
		return 1; /* the rest at the next run */
	memcpy(f->v[f->n].org, org, 32);
	f->v[f->n].seq = seq;
	memcpy(f->v[f->n].env_b, e, CH_ENV_LEN);
	f->n++;
	return 0;
}

/* Reports one fork in our feed of c: the envelope held at that seq and the
 * one kept as evidence. 0, or an error (tried again at the next run). */
static int
report_fork(cahierd_t *d, scase_t *c, const seen_fork_t *s)
{
	ch_fork_t f;
	uint8_t *held = NULL, *fields = NULL, *plain = NULL, *entry = NULL, key[32], id[32];
	size_t hl = 0, fl = 0, pl = 0, el = 0;
	uint32_t e = state_epoch(c);
	int rc;

	memset(&f, 0, sizeof(f));
	memcpy(f.org, s->org, 32);
	f.seq = s->seq;
	if ((rc = store_entry_get(c, s->org, s->seq, &held, &hl)) != 0)
		return rc;
	if (hl < CH_ENV_LEN) {
		free(held);
		return CH_ERR_VALUE;
	}
	memcpy(f.env_a, held, CH_ENV_LEN);
	memcpy(f.env_b, s->env_b, CH_ENV_LEN);
	free(held);
	if ((rc = ch_fork_encode(&f, &fields, &fl)) != 0)
		return rc;
	rc = feed_org_plain(store_case_id(c), CH_KIND_FORK, CH_AUD_NETWORK, fields, fl,
	    &plain, &pl);
	free(fields);
	if (rc)
		return rc;
	if ((rc = store_key_get(c, e, CH_AUD_NETWORK, key)) == 0)
		rc = feed_append(d->in, c, e, CH_AUD_NETWORK, NULL, 0, key, plain, pl,
		    &entry, &el, id);
	sodium_memzero(key, sizeof(key));
	free(plain);
	if (rc == 0 && (rc = store_fork_reported_put(c, s->org, id)) != 0)
		log_err("could not record that a fork was reported");
	if (rc == 0) {
		char kid[17];
		keys_keyid(s->org, kid);
		log_warn("reported the fork of the feed of %s at seq %llu in a case: every member sees it",
		    kid, (unsigned long long)s->seq);
		sync_push(d, c, entry, el);
	}
	free(entry);
	return rc;
}

/* Every fork this daemon kept as evidence (committed by an earlier round)
 * and has not reported yet: one FORK entry per forked feed, never more. */
static void
report_forks(cahierd_t *d, scase_t *c)
{
	forks_t f;
	memset(&f, 0, sizeof(f));
	f.us = keyring_org(d->kr);
	f.c = c;
	/* Out of the case, or our own feed forked: we write nothing there. */
	if (state_excluded(c, NULL) || store_forked_get(c, f.us) != 0 ||
	    store_forks_each(c, fork_seen, &f) < 0)
		return;
	for (size_t i = 0; i < f.n; i++)
		if (report_fork(d, c, &f.v[i]) != 0)
			log_err("could not report a fork in a case (tried again later)");
}

/* Keys rotated on the schedule of cahierd.conf, in the cases we coordinate. */
static void
rotate_if_due(cahierd_t *d, scase_t *c)
{
	uint8_t coord[32], *buf = NULL, *entry = NULL, id[32];
	size_t n = 0, buflen = 0;
	state_epoch_t r;
	ch_epoch_t cur, ep;

	if ((!d->cfg.rotate_days && !d->cfg.rotate_entries) ||
	    state_coordinator(c, coord) != 0 || memcmp(coord, keyring_org(d->kr), 32) != 0 ||
	    state_epoch_current(c, &r) != 0)
		return;
	uint64_t total = state_entries(c);
	int due = (d->cfg.rotate_days &&
	    (uint64_t)clock_now_ms() - r.rec.start_ms >= (uint64_t)d->cfg.rotate_days * 86400000u) ||
	    (d->cfg.rotate_entries &&
	    total - r.rec.entries_at_start >= (uint64_t)d->cfg.rotate_entries);
	state_epoch_free(&r);
	if (!due || ingest_charter(d->in, c, state_epoch(c), &buf, &buflen, &cur) != 0)
		return;
	memset(&ep, 0, sizeof(ep));
	ep.why = CH_WHY_ROTATE;
	ep.charter = cur.charter;
	if (member_new_epoch(d->in, c, &ep, &entry, &n, id) == 0) {
		log_info("rotated the keys of a case on schedule (epoch %u)", state_epoch(c));
		sync_push(d, c, entry, n);
		free(entry);
	} else
		log_err("a scheduled rotation failed");
	ch_epoch_clear(&cur);
	ingest_charter_free(buf, buflen);
}

int
housekeeping_run(cahierd_t *d, size_t *cursor, size_t max)
{
	uint8_t (*ids)[16] = NULL;
	size_t n = 0, i;
	if (store_case_list(d->store, &ids, &n) != 0)
		return 0;
	for (i = *cursor; i < n && i - *cursor < max; i++) {
		hk_t h = { d, NULL };
		if (store_case_get(d->store, ids[i], 0, &h.c) != 0 ||
		    !state_is_member(h.c, keyring_org(d->kr)))
			continue;
		if (store_revocations_each(d->store, announce_revocation, &h) != 0)
			log_err("could not read the revoked providers");
		report_forks(d, h.c);
		rotate_if_due(d, h.c);
	}
	free(ids);
	*cursor = i < n ? i : 0;
	return i >= n;
}
