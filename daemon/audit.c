/* audit.c - writing an access record to our feed of a case. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "audit.h"
#include "clock.h"
#include "feed.h"
#include "state.h"
#include "sync.h"

int
audit_record(cahierd_t *d, scase_t *c, const provider_t *pv,
    const uint8_t *req, size_t reqlen, uint8_t action, uint8_t purpose,
    uint8_t outcome, const ch_range_t *ranges, size_t nranges, uint8_t id[32])
{
	ch_access_t a;
	uint8_t *fields = NULL, *plain = NULL, *entry = NULL, key[32];
	size_t fl = 0, pl = 0, el = 0;
	uint32_t e = state_epoch(c);
	int rc;

	memset(&a, 0, sizeof(a));
	randombytes_buf(a.event_id, sizeof(a.event_id));
	a.action = action;
	a.outcome = outcome;
	a.purpose = purpose;
	a.time_ms = (uint64_t)clock_now_ms();
	a.cert = pv->certbuf;
	a.certlen = pv->certlen;
	a.request = req;
	a.requestlen = reqlen;
	a.ranges = (ch_range_t *)(uintptr_t)ranges;
	a.nranges = nranges;
	if ((rc = ch_access_encode(&a, &fields, &fl)) != 0)
		return rc;
	rc = feed_org_plain(store_case_id(c), CH_KIND_ACCESS, CH_AUD_NETWORK, fields, fl,
	    &plain, &pl);
	free(fields);
	if (rc)
		return rc;
	if ((rc = store_key_get(c, e, CH_AUD_NETWORK, key)) == 0)
		rc = feed_append(d->in, c, e, CH_AUD_NETWORK, NULL, 0, key, plain, pl,
		    &entry, &el, id);
	sodium_memzero(key, sizeof(key));
	if (plain) {
		sodium_memzero(plain, pl);
		free(plain);
	}
	if (rc == 0) {
		sync_push(d, c, entry, el);
		free(entry);
	}
	return rc;
}
