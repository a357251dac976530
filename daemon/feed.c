/* feed.c - appending to this organization's own feed of a case. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "clock.h"
#include "derr.h"
#include "feed.h"

/* The time of an entry this daemon writes is a hybrid logical clock in
 * milliseconds: its wall clock, but never at or before the newest entry
 * it holds of the case (each feed's head), so that what is written after
 * an entry was seen sorts after it in every timeline. It runs ahead of the
 * wall clock by at most HLC_AHEAD_MS, however far ahead a peer's clock
 * is (a peer may be up to FUTURE_SLACK_MS ahead, ingest.c): far enough to
 * order what a slightly fast clock wrote, never so far that the others
 * would refuse our entries as from the future. */
#define HLC_AHEAD_MS 60000

static int
head_time(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	uint64_t *t = arg;
	ch_env_t env;
	(void)org; (void)seq;
	if (n >= CH_ENV_LEN && ch_env_decode(e, CH_ENV_LEN, &env) == 0 && env.time_ms > *t)
		*t = env.time_ms;
	return 0;
}

typedef struct { scase_t *c; uint64_t t; } hlc_t;

static int
head_each(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	hlc_t *h = arg;
	(void)id;
	return store_feed_each(h->c, org, seq, seq, head_time, &h->t);
}

uint64_t
feed_time(scase_t *c)
{
	uint64_t now = (uint64_t)clock_now_ms();
	hlc_t h = { c, 0 };
	if (store_heads_each(c, head_each, &h) != 0 || h.t < now)
		return now;
	return h.t + 1 < now + HLC_AHEAD_MS ? h.t + 1 : now + HLC_AHEAD_MS;
}

int
feed_append(ingest_t *in, scase_t *c, uint32_t epoch, uint8_t audience,
    const ch_slot_t *slots, size_t nslots, const uint8_t key[32],
    const uint8_t *plain, size_t plainlen, uint8_t **entry, size_t *entrylen,
    uint8_t id[32])
{
	return feed_append_checked(in, c, epoch, audience, slots, nslots, key, plain, plainlen,
	    NULL, entry, entrylen, id);
}

int
feed_append_checked(ingest_t *in, scase_t *c, uint32_t epoch, uint8_t audience,
    const ch_slot_t *slots, size_t nslots, const uint8_t key[32],
    const uint8_t *plain, size_t plainlen, const sigjob_t *checked, uint8_t **entry,
    size_t *entrylen, uint8_t id[32])
{
	keyring_t *kr = ingest_keyring(in);
	ch_env_t env;
	uint8_t *body = NULL, *e = NULL;
	size_t bodylen = 0, n = 0;
	int rc;

	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, store_case_id(c), 16);
	memcpy(env.org, keyring_org(kr), 32);
	if ((rc = store_head(c, env.org, &env.seq, env.prev)) != 0 ||
	    (rc = ingest_may_append(in, c, env.seq)) != 0)
		return rc;
	env.seq++;
	env.epoch = epoch;
	env.audience = audience;
	env.time_ms = feed_time(c);
	if ((rc = ch_body_seal(&env, slots, nslots, key, plain, plainlen, &body,
	    &bodylen)) != 0)
		return rc;
	env.body_len = (uint32_t)bodylen;
	crypto_generichash(env.body_hash, 32, body, bodylen, NULL, 0);
	/* Signed, encoded and checked in one call: the rules take the
	 * signature made there as ours (ingest.c, "Our own next entry"). */
	rc = ingest_own(in, c, &env, body, bodylen, checked, &e, &n);
	free(body);
	if (rc != INGEST_STORED)
		return rc < 0 ? rc : DERR_REFUSED;
	ch_env_id(&env, id);
	*entry = e;
	*entrylen = n;
	return 0;
}

int
feed_org_plain(const uint8_t case_id[16], uint8_t kind, uint8_t audience,
    const uint8_t *fields, size_t fl, uint8_t **out, size_t *len)
{
	ch_plain_t p;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.hlc = (uint64_t)clock_now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fl;
	return ch_plain_encode(&p, case_id, audience, NULL, out, len);
}
