/* housekeeping.c - announcing revocations and rotating keys on schedule. */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "housekeeping.h"
#include "log.h"
#include "member.h"
#include "state.h"
#include "sync.h"

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

void
housekeeping_run(cahierd_t *d)
{
	uint8_t (*ids)[16] = NULL;
	size_t n = 0;
	if (store_case_list(d->store, &ids, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		hk_t h = { d, NULL };
		if (store_case_get(d->store, ids[i], 0, &h.c) != 0 ||
		    !state_is_member(h.c, keyring_org(d->kr)))
			continue;
		if (store_revocations_each(d->store, announce_revocation, &h) != 0)
			log_err("could not read the revoked providers");
		rotate_if_due(d, h.c);
	}
	free(ids);
}
