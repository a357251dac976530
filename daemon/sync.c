/* sync.c - daemon-to-daemon sync: version vectors, batches of missing
 * entries, pushes of new entries. Any member relays any member's feed; every
 * entry is checked by ingest_entry whoever relays it. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "clock.h"
#include "daemon.h"
#include "derr.h"
#include "log.h"
#include "member.h"
#include "state.h"
#include "sync.h"

/* A batch holds at most CH_BATCH_MAX entries and BATCH_BYTES (one entry
 * with the largest body always fits); the peer sockets refuse frames
 * larger than SYNC_FRAME_MAX (server.c). */
#define BATCH_BYTES SYNC_BATCH_BYTES

static void
send_peer(cahierd_t *d, zsock_t *sock, zframe_t *route, uint8_t type,
    const uint8_t *body, size_t n)
{
	uint8_t *out;
	size_t len;
	if (ch_msg_encode(CH_MAGIC_PEER, type, 0, body, n, &out, &len) != 0) {
		log_err("sync: message too large to send");
		zframe_destroy(&route);
		return;
	}
	outbox_queue(d->out, sock, route, out, len, 0);
}

typedef struct { ch_vec_t v; size_t cap; } vecb_t;

static int
vec_add(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	vecb_t *b = arg;
	(void)id;
	if (b->v.n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8;
		void *o = realloc(b->v.org, cap * 32);
		if (!o)
			return CH_ERR_NOMEM;
		b->v.org = o;
		void *s = realloc(b->v.seq, cap * sizeof(uint64_t));
		if (!s)
			return CH_ERR_NOMEM;
		b->v.seq = s;
		b->cap = cap;
	}
	memcpy(b->v.org[b->v.n], org, 32);
	b->v.seq[b->v.n++] = seq;
	return 0;
}

static int
our_vector(scase_t *c, ch_vec_t *v)
{
	vecb_t b;
	memset(&b, 0, sizeof(b));
	memcpy(b.v.case_id, store_case_id(c), 16);
	int rc = store_heads_each(c, vec_add, &b);
	if (rc) {
		ch_vec_clear(&b.v);
		return rc;
	}
	*v = b.v;
	return 0;
}

static void
send_sync(cahierd_t *d, zsock_t *sock, zframe_t *route, const ch_vec_t *v)
{
	uint8_t *body;
	size_t n;
	if (ch_vec_encode(v, &body, &n) != 0) {
		zframe_destroy(&route);
		return;
	}
	send_peer(d, sock, route, CH_PM_SYNC, body, n);
	free(body);
}

static uint64_t
vec_get(const ch_vec_t *v, const uint8_t org[32])
{
	for (size_t i = 0; i < v->n; i++)
		if (memcmp(v->org[i], org, 32) == 0)
			return v->seq[i];
	return 0;
}

/* Gathering the entries a peer lacks, straight into the ENTRIES frame
 * that carries them (ch_batchw_t): one copy of each entry, from the store
 * into the frame. */
typedef struct {
	ch_batchw_t b;
	int full;
} gather_t;

static void
gather_init(gather_t *g)
{
	/* Room for the most a batch holds, taken at the first entry (an
	 * answer with nothing to send allocates nothing): one allocation,
	 * of which only what is written is touched. */
	ch_batchw_init(&g->b, BATCH_BYTES + (size_t)CH_BATCH_MAX * 4);
	g->full = 0;
}

static int
gather_entry(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	gather_t *g = arg;
	(void)org; (void)seq;
	if (g->b.n == CH_BATCH_MAX || g->b.bytes + n > BATCH_BYTES) {
		g->full = 1;
		return 1;
	}
	int rc = ch_batchw_add(&g->b, e, n);
	if (rc == CH_ERR_TOOBIG) {
		g->full = 1;
		return 1;
	}
	return rc;
}

/* Sends what g gathered as one ENTRIES of the case (nothing when it is
 * empty), and empties g. Returns the bytes sent. */
static size_t
gather_send(cahierd_t *d, zsock_t *sock, zframe_t *route, gather_t *g,
    const uint8_t case_id[16], uint8_t more)
{
	uint8_t *out;
	size_t len = 0;
	if (g->b.n == 0) {
		ch_batchw_free(&g->b);
		zframe_destroy(&route);
		return 0;
	}
	if (ch_batchw_finish(&g->b, CH_MAGIC_PEER, CH_PM_ENTRIES, case_id, more, &out, &len) != 0) {
		log_err("sync: could not build a batch to send");
		zframe_destroy(&route);
		return 0;
	}
	outbox_queue(d->out, sock, route, out, len, 0);
	return len;
}

/* The last entry holding a membership-key slot for one org. */
typedef struct {
	uint8_t org[32];
	uint8_t *entry;
	size_t len;
} welcome_t;

static int
find_welcome(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	welcome_t *w = arg;
	ch_env_t env;
	const uint8_t *body;
	size_t bl, ns = 0;
	ch_slot_t *slots = NULL;
	(void)org; (void)seq;
	if (n <= CH_ENV_LEN || (e[CH_ENV_LEN] == 0 && e[CH_ENV_LEN + 1] == 0))
		return 0; /* no key slots: not an epoch entry */
	if (ch_entry_split(e, n, &env, &body, &bl) != 0 || !body ||
	    env.audience != CH_AUD_MEMBERSHIP || ch_body_slots(body, bl, &slots, &ns) != 0)
		return 0;
	for (size_t i = 0; i < ns; i++) {
		if (memcmp(slots[i].org, w->org, 32) == 0 &&
		    slots[i].audience == CH_AUD_MEMBERSHIP && slots[i].epoch == env.epoch) {
			uint8_t *copy = malloc(n);
			if (copy) {
				memcpy(copy, e, n);
				free(w->entry);
				w->entry = copy;
				w->len = n;
			}
			break;
		}
	}
	free(slots);
	return 0;
}

typedef struct {
	uint8_t org[32];
	uint64_t seq;   /* its removal entry: (org, seq) */
	int found;
} removal_t;

/* Finds the epoch entry whose charter first lists org as removed. */
static int
find_removal(scase_t *c, const uint8_t org[32], removal_t *out)
{
	uint32_t e = state_epoch(c);
	out->found = 0;
	for (uint32_t k = e + 1; k-- > 0;) {
		state_epoch_t r;
		int listed = 0;
		if (state_epoch_get(c, k, &r) != 0)
			break;
		for (size_t i = 0; i < r.ch.nremoved; i++)
			if (memcmp(r.ch.removed[i].org, org, 32) == 0)
				listed = 1;
		if (listed) {
			memcpy(out->org, r.rec.org, 32);
			out->seq = r.rec.seq;
			out->found = 1;
		}
		state_epoch_free(&r);
		if (!listed)
			break;
	}
	return out->found ? 0 : -1;
}

static void
tell_removed(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p, scase_t *c,
    const ch_vec_t *theirs)
{
	removal_t rm;
	gather_t g;
	if (find_removal(c, p->org, &rm) != 0)
		return;
	uint64_t have = vec_get(theirs, rm.org);
	if (have < rm.seq) {
		gather_init(&g);
		if (store_feed_each(c, rm.org, have + 1, rm.seq, gather_entry, &g) < 0)
			log_debug("sync: could not gather a removal for %s", p->card.name);
		if (gather_send(d, sock, route ? zframe_dup(route) : NULL, &g, theirs->case_id, 0))
			log_info("sync: told %s it was removed from a case", p->card.name);
	}
	p->busy_until = clock_now_ms() + SYNC_REMOVED_MS;
}

/* Answers peer p's vector of a case: the entries it lacks, and our own
 * vector when it holds entries we lack. Returns 1 when we are behind it on
 * that case (or do not hold it, or cannot answer now), else 0. from_pull:
 * the vector came in a CHANGES we asked for: ask for what we lack at once,
 * whatever chain is running (the PULL is the flow control). */
static int
answer_sync(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    const ch_vec_t *theirs, int from_pull)
{
	scase_t *c;
	ch_vec_t ours;
	uint8_t coord[32];
	gather_t g;
	int behind = 0;

	if (store_case_get(d->store, theirs->case_id, 0, &c) != 0) {
		/* A case we do not hold: if the peer offers it (its vector is not
		 * empty), ask for all of it. The peer answers only if we are a
		 * member, and member_adopt checks what comes back. This catches a member
		 * whose first push was lost. One request per peer at a time, or
		 * one per vector of a CHANGES we asked for. */
		if (theirs->n && (from_pull || clock_now_ms() >= p->busy_until)) {
			ch_vec_t empty;
			memset(&empty, 0, sizeof(empty));
			memcpy(empty.case_id, theirs->case_id, 16);
			send_sync(d, sock, route ? zframe_dup(route) : NULL, &empty);
			if (!from_pull)
				p->busy_until = clock_now_ms() + SYNC_WAIT_MS;
		}
		zframe_destroy(&route);
		return theirs->n != 0;
	}
	if (!state_is_member(c, p->org)) {
		/* A removed organization still asking: tell it once in a while, by
		 * sending what it lacks of the coordinator's feed up to the entry
		 * that removed it (all of it written while it was a member). */
		if (clock_now_ms() >= p->busy_until)
			tell_removed(d, sock, route, p, c, theirs);
		log_debug("sync: %s asked for a case it is not (or no longer) a member of", p->card.name);
		zframe_destroy(&route);
		return 0;
	}
	/* What it holds of our feed, for WHERE (held.h: bounded). */
	held_note(d->held, p->org, theirs->case_id, vec_get(theirs, keyring_org(d->kr)));
	/* What a peer may make us queue: SYNC_ANSWER_BYTES per round. A flood
	 * of SYNCs costs a look at the vector each, no more; a catch-up chain
	 * (one batch per round trip) never meets the bound. */
	uint64_t round = outbox_round(d->out);
	if (p->answer_round != round) {
		p->answer_round = round;
		p->answer_bytes = 0;
	}
	if (p->answer_bytes >= SYNC_ANSWER_BYTES) {
		log_limited(LOG_LVL_INFO, p->card.name,
		    "sync: %s asked for more than %u MiB in one round: the rest waits for its next request",
		    p->card.name, SYNC_ANSWER_BYTES >> 20);
		zframe_destroy(&route);
		return 1;
	}
	if (our_vector(c, &ours) != 0) {
		zframe_destroy(&route);
		return 1;
	}
	gather_init(&g);
	/* After a restore: what this member holds of our own feed (restore.h). */
	restore_seen(d->run, theirs->case_id, p->org, vec_get(theirs, keyring_org(d->kr)),
	    vec_get(&ours, keyring_org(d->kr)));
	int has_coord = state_coordinator(c, coord) == 0;
	/* A peer that holds nothing of the case yet first gets the entry that
	 * welcomed it (its key slots), wherever it stands in the feeds. */
	if (theirs->n == 0) {
		welcome_t w;
		memset(&w, 0, sizeof(w));
		memcpy(w.org, p->org, 32);
		for (size_t i = 0; i < ours.n; i++)
			if (store_feed_each(c, ours.org[i], 1, ours.seq[i], find_welcome, &w) < 0)
				break;
		if (w.entry) {
			if (ch_batchw_add(&g.b, w.entry, w.len) != 0)
				g.full = 1;
			free(w.entry);
		}
	}
	/* The coordinator's feed first: it says who the members are. */
	for (int pass = 0; pass < 2 && !g.full; pass++) {
		for (size_t i = 0; i < ours.n && !g.full; i++) {
			int is_coord = has_coord && memcmp(ours.org[i], coord, 32) == 0;
			if (is_coord != (pass == 0))
				continue;
			uint64_t have = vec_get(theirs, ours.org[i]);
			if (have < ours.seq[i])
				if (store_feed_each(c, ours.org[i], have + 1, ours.seq[i],
				    gather_entry, &g) < 0)
					g.full = 1; /* send what was gathered */
		}
	}
	for (size_t i = 0; i < theirs->n; i++)
		if (theirs->seq[i] > vec_get(&ours, theirs->org[i]))
			behind = 1;
	size_t sent = g.b.n;
	p->answer_bytes += gather_send(d, sock, route ? zframe_dup(route) : NULL, &g,
	    theirs->case_id, (uint8_t)g.full);
	if (sent)
		log_debug("sync: sent %zu entries to %s", sent, p->card.name);
	/* The peer holds entries we lack: ask for them, unless a catch-up from
	 * it is already running (one chain of batches per peer, not one more
	 * for every round). */
	if (behind && from_pull && clock_now_ms() >= p->refused_until)
		send_sync(d, sock, route ? zframe_dup(route) : NULL, &ours);
	else if (behind && clock_now_ms() >= p->busy_until) {
		send_sync(d, sock, route ? zframe_dup(route) : NULL, &ours);
		p->busy_until = clock_now_ms() + SYNC_WAIT_MS;
	}
	ch_vec_clear(&ours);
	zframe_destroy(&route);
	return behind;
}

/* Joins a case offered in a batch (member_adopt). On success *c is the
 * case; on failure *c is left as it was. */
static int
adopt(cahierd_t *d, const uint8_t case_id[16], const ch_slice_t *items, size_t n,
    const char *from, scase_t **c)
{
	uint8_t coord[32];
	scase_t *nc;
	int rc = member_adopt(d->in, d->store, case_id, items, n, from, &nc, coord);
	if (rc == 0) {
		char name[256];
		cahierd_org_name(d, NULL, coord, name, sizeof(name));
		log_info("joined a case coordinated by %s", name);
		*c = nc;
	} else if (rc != DERR_NOTJOINED)
		log_err("sync: cannot join a case offered by %s: %s", from, derr_str(rc));
	return rc;
}

/* Pipelining a catch-up (PROTOCOL.md "Receiving ENTRIES"): on a batch that
 * says more = 1 and whose every entry continues a feed as we hold it (its
 * case, and for its feed the seq after our head or after the entry before
 * it in the batch), ask for the next batch at once, before checking this
 * one, with our vector raised as if the batch were stored: the peer reads
 * and sends the next batch while we check this one. It replaces the SYNC
 * that would follow the batch's commit, so a batch still makes us ask at
 * most once (and a batch asked ahead that does not store whole, twice:
 * then no more asking ahead from that peer for SYNC_WAIT_MS). A request
 * says nothing of what the round writes: it goes out now, not after the
 * commit. Returns 1 when it asked. */
static int
ask_ahead(zsock_t *sock, zframe_t *route, peer_t *p, scase_t *c,
    const uint8_t case_id[16], const ch_slice_t *items, size_t n)
{
	vecb_t b;
	uint8_t *body, *out;
	size_t bl, len;
	int ok = n > 0;

	if (!ok || clock_now_ms() < p->ahead_until)
		return 0;
	memset(&b, 0, sizeof(b));
	memcpy(b.v.case_id, case_id, 16);
	if (store_heads_each(c, vec_add, &b) != 0)
		ok = 0;
	for (size_t i = 0; i < n && ok; i++) {
		ch_env_t env;
		size_t k = 0;
		if (items[i].n < CH_ENV_LEN ||
		    ch_env_decode(items[i].p, CH_ENV_LEN, &env) != 0 ||
		    memcmp(env.case_id, case_id, 16) != 0) {
			ok = 0;
			break;
		}
		while (k < b.v.n && memcmp(b.v.org[k], env.org, 32) != 0)
			k++;
		if (k == b.v.n && vec_add(&b, env.org, 0, NULL) != 0)
			ok = 0;
		else if (env.seq != b.v.seq[k] + 1)
			ok = 0;
		else
			b.v.seq[k] = env.seq;
	}
	if (ok && ch_vec_encode(&b.v, &body, &bl) == 0) {
		if (ch_msg_encode(CH_MAGIC_PEER, CH_PM_SYNC, 0, body, bl, &out, &len) == 0)
			outbox_send_now(sock, route ? zframe_dup(route) : NULL, out, len);
		else
			ok = 0;
		free(body);
	} else
		ok = 0;
	ch_vec_clear(&b.v);
	if (ok)
		p->busy_until = clock_now_ms() + SYNC_WAIT_MS;
	return ok;
}

/* How far p's clock runs from ours, for the administrator (health.h):
 * the least (our time - its entry's time) over the entries of p's own
 * feed stored from this batch, taken over ten minutes. An entry carries
 * its daemon's clock at the append; the delay of the push is added, so it
 * is an upper bound for a clock behind ours. Only entries every check has
 * passed count, and only those of the last hour (an old entry met in a
 * catch-up says nothing of the clock). */
static void
note_clock(peer_t *p, const ch_slice_t *items, size_t n, const int *outcome)
{
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < n; i++) {
		ch_env_t e;
		if (outcome[i] != INGEST_STORED || items[i].n < CH_ENV_LEN ||
		    ch_env_decode(items[i].p, CH_ENV_LEN, &e) != 0 || memcmp(e.org, p->org, 32) != 0)
			continue;
		int64_t lag = now - (int64_t)e.time_ms;
		if (lag > 3600000 || lag < -3600000)
			continue;
		if (!p->clock_at || lag < p->clock_lag || now - p->clock_at > 600000) {
			p->clock_lag = lag;
			p->clock_at = now;
		}
	}
}

static void
take_entries(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    const uint8_t *body, size_t bodylen)
{
	uint8_t case_id[16], more;
	ch_slice_t *items = NULL;
	size_t n = 0, stored = 0, waiting = 0;
	scase_t *c;

	if (ch_batch_decode(body, bodylen, case_id, &more, &items, &n) != 0) {
		log_limited(LOG_LVL_WARN, p->card.name, "sync: malformed batch from %s refused",
		    p->card.name);
		zframe_destroy(&route);
		return;
	}

	int held = store_case_get(d->store, case_id, 0, &c) == 0;
	/* A case's entries come only from its current members (a removed
	 * organization's own daemon included among the refused): what it
	 * wrote up to its cut reaches us through the others. */
	if (held && state_is_member(c, keyring_org(d->kr)) && !state_is_member(c, p->org)) {
		log_limited(LOG_LVL_WARN, p->card.name,
		    ngettext("sync: refused %zu entry of a case from %s, which is not a member of it",
		    "sync: refused %zu entries of a case from %s, which is not a member of it", n),
		    n, p->card.name);
		free(items);
		zframe_destroy(&route);
		return;
	}
	if (held && !state_is_member(c, keyring_org(d->kr)) &&
	    adopt(d, case_id, items, n, p->card.name, &c) != 0 &&
	    clock_now_ms() >= p->busy_until) {
		/* A case we are joining but not in yet (a restart lost the
		 * membership keys of its welcome, kept in memory only): ask for all
		 * of it again, welcome first. One request per peer at a time. */
		ch_vec_t empty;
		memset(&empty, 0, sizeof(empty));
		memcpy(empty.case_id, case_id, 16);
		send_sync(d, sock, route ? zframe_dup(route) : NULL, &empty);
		p->busy_until = clock_now_ms() + SYNC_WAIT_MS;
	}
	ingest_tally_t t;
	int ahead = 0;
	if (!held) {
		uint8_t coord[32];
		int rc = member_join(d->in, d->store, case_id, items, n, p->card.name, &c, coord, &t);
		if (rc != 0) {
			if (rc != DERR_NOTJOINED)
				log_err("sync: cannot join a case offered by %s: %s", p->card.name,
				    derr_str(rc));
			/* A push (or the last batch) of a case we do not hold:
			 * ask for all of it, welcome first. One request per peer
			 * at a time. */
			if (!more && clock_now_ms() >= p->busy_until) {
				ch_vec_t empty;
				memset(&empty, 0, sizeof(empty));
				memcpy(empty.case_id, case_id, 16);
				send_sync(d, sock, route ? zframe_dup(route) : NULL, &empty);
				p->busy_until = clock_now_ms() + SYNC_WAIT_MS;
			}
			free(items);
			zframe_destroy(&route);
			return;
		}
		char name[256];
		cahierd_org_name(d, NULL, coord, name, sizeof(name));
		log_info("joined a case coordinated by %s", name);
	} else {
		if (more && state_is_member(c, keyring_org(d->kr)))
			ahead = ask_ahead(sock, route, p, c, case_id, items, n);
		int *outcome = malloc((n ? n : 1) * sizeof(*outcome));
		if (!outcome || ingest_batch_outcomes(d->in, c, items, n, p->card.name, &t,
		    outcome) != 0) {
			log_err("sync: could not take a batch from %s", p->card.name);
			free(outcome);
			free(items);
			zframe_destroy(&route);
			return;
		}
		note_clock(p, items, n, outcome);
		free(outcome);
	}
	if (t.branched && t.branch_seq) {
		/* Ask the sender for its entry at branch_seq: our vector, with
		 * that feed one lower (one SYNC per batch at most). It arrives as
		 * a second entry for a seq we hold, and is kept as evidence of
		 * the fork (ingest.c, held_or_fork). */
		ch_vec_t ours;
		if (our_vector(c, &ours) == 0) {
			for (size_t i = 0; i < ours.n; i++)
				if (memcmp(ours.org[i], t.branch_org, 32) == 0)
					ours.seq[i] = t.branch_seq - 1;
			send_sync(d, sock, route ? zframe_dup(route) : NULL, &ours);
			ch_vec_clear(&ours);
		}
	}
	stored = t.stored;
	waiting = t.waiting;
	size_t gaps = t.gaps;
	if (gaps)
		log_info(ngettext("sync: held back %zu entry from %s: earlier entries of its feed are "
		    "missing; asking for them", "sync: held back %zu entries from %s: earlier entries "
		    "of their feeds are missing; asking for them", gaps), gaps, p->card.name);
	free(items);
	if (stored)
		log_info(ngettext("sync: stored %zu entry from %s", "sync: stored %zu entries from %s",
		    stored), stored, p->card.name);
	/* Continue the chain while it brings something new; a batch of nothing
	 * but duplicates ends it (another chain, or a push, got there first). While
	 * a chain runs, the periodic round leaves this peer alone: one batch in
	 * flight per peer is the flow control. A batch that brought nothing
	 * leaves the wait as it was, and one that brought only refusals starts
	 * it: two daemons that each hold an entry the other refuses meet again
	 * after SYNC_WAIT_MS, not at once nor at every round. */
	/* Asked ahead (ask_ahead): the chain goes on from that SYNC when the
	 * batch stored whole; else as below, and no asking ahead from p for
	 * SYNC_WAIT_MS. */
	int whole = ahead && stored == n && !waiting && !t.refused;
	if (ahead && !whole)
		p->ahead_until = clock_now_ms() + SYNC_WAIT_MS;
	int ask = !whole && (more || waiting) && stored;
	if (!ask && waiting && clock_now_ms() >= p->busy_until)
		ask = 1; /* a push that shows a gap: fetch what is missing now */
	if (whole)
		; /* asked ahead: busy_until runs from then */
	else if (ask) {
		ch_vec_t ours;
		if (our_vector(c, &ours) == 0) {
			send_sync(d, sock, route ? zframe_dup(route) : NULL, &ours);
			ch_vec_clear(&ours);
		}
		p->busy_until = clock_now_ms() + SYNC_WAIT_MS;
	} else if (stored) {
		p->busy_until = 0;
		/* A catch-up ended: a pull that left us behind looks again. */
		if (!p->pulling)
			p->pull_wait = 0;
	}
	else if (t.refused) {
		/* It offers what we refuse: not every round, nor every pull. */
		p->busy_until = clock_now_ms() + SYNC_WAIT_MS;
		p->refused_until = p->busy_until;
	}
	zframe_destroy(&route);
}

/* --- Checkpoints (PROTOCOL.md "Checkpoints") --- */

static void
send_mark(cahierd_t *d, zsock_t *sock, zframe_t *route, uint8_t type,
    const uint8_t run[CH_RUN_LEN], uint64_t change)
{
	ch_mark_t m;
	uint8_t body[CH_MARK_LEN];
	memcpy(m.run, run, CH_RUN_LEN);
	m.change = change;
	ch_mark_encode(&m, body);
	send_peer(d, sock, route, type, body, sizeof(body));
}

/* Our CHECK: this run, and our newest change number. */
static void
send_check(cahierd_t *d, zsock_t *sock, zframe_t *route)
{
	send_mark(d, sock, route, CH_PM_CHECK, restore_run(d->run), store_change(d->store));
}

/* Asks p for the cases it changed after what we have taken of its run
 * (all of them if we took nothing of that run), and starts a pull. */
static void
send_pull(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    const uint8_t run[CH_RUN_LEN], uint64_t since)
{
	send_mark(d, sock, route, CH_PM_PULL, run, since);
	if (p->pulling < SYNC_PULLS_OUT)
		p->pulling++;
	p->pull_wait = clock_now_ms() + SYNC_PULL_WAIT_MS;
}

/* CHECK: p's run and newest change. Nothing to do when we have taken all
 * of it (an idle round costs this message, each way); else a PULL, one at
 * a time. */
static void
take_check(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    const uint8_t *body, size_t n, int via_router)
{
	ch_mark_t m;
	if (ch_mark_decode(body, n, &m) != 0) {
		log_limited(LOG_LVL_WARN, p->card.name, "sync: malformed check from %s refused",
		    p->card.name);
		zframe_destroy(&route);
		return;
	}
	/* A peer we cannot dial learns our changes from our answer. */
	if (via_router)
		send_check(d, sock, route ? zframe_dup(route) : NULL);
	int same = memcmp(p->done_run, m.run, CH_RUN_LEN) == 0;
	int64_t now = clock_now_ms();
	if ((same && p->done >= m.change) || now < p->pull_wait) {
		zframe_destroy(&route);
		return;
	}
	if (!same) {
		/* A new run of p (a restart, a restore): all of it again. */
		memcpy(p->done_run, m.run, CH_RUN_LEN);
		p->done = 0;
		p->in_sweep = 0;
	}
	if (!p->in_sweep)
		p->sweep_behind = 0;
	send_pull(d, sock, route, p, m.run, p->in_sweep ? p->cursor : p->done);
}

/* PULL: the vectors of the cases we changed after since (all of them if
 * run is not this run), shared with p, lowest change first, at most
 * CH_CHANGES_MAX and SYNC_BATCH_BYTES in one CHANGES. One PULL per peer
 * per round of the loop is answered: what a peer's PULLs cost is at most
 * CH_CHANGES_MAX case look-ups and one CHANGES per round. */
static void
answer_pull(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    const uint8_t *body, size_t n)
{
	ch_mark_t m;
	uint8_t (*ids)[16] = NULL, *out = NULL;
	uint64_t *chg = NULL, upto, now_change = store_change(d->store);
	ch_changed_t *items = NULL;
	uint8_t **bufs = NULL;
	size_t nids = 0, ni = 0, bytes = 0, used = 0, outlen;

	if (ch_mark_decode(body, n, &m) != 0) {
		log_limited(LOG_LVL_WARN, p->card.name, "sync: malformed pull from %s refused",
		    p->card.name);
		zframe_destroy(&route);
		return;
	}
	uint64_t round = outbox_round(d->out);
	if (p->pull_round == round) {
		log_limited(LOG_LVL_INFO, p->card.name,
		    "sync: %s asked for our changes twice in one round: the second waits", p->card.name);
		zframe_destroy(&route);
		return;
	}
	p->pull_round = round;
	uint64_t since = memcmp(m.run, restore_run(d->run), CH_RUN_LEN) == 0 ? m.change : 0;
	if (!(ids = malloc(CH_CHANGES_MAX * sizeof(*ids))) ||
	    !(chg = malloc(CH_CHANGES_MAX * sizeof(*chg))) ||
	    !(items = calloc(CH_CHANGES_MAX, sizeof(*items))) ||
	    !(bufs = calloc(CH_CHANGES_MAX, sizeof(*bufs))) ||
	    store_changed_since(d->store, since, CH_CHANGES_MAX, ids, chg, &nids) != 0)
		goto out;
	for (; used < nids && bytes + CH_VEC_MAX <= SYNC_BATCH_BYTES; used++) {
		scase_t *c;
		ch_vec_t v;
		size_t vl;
		if (store_case_get(d->store, ids[used], 0, &c) != 0)
			continue; /* a case made and forgotten in a round */
		if (!state_is_member(c, p->org)) {
			/* A removed organization learns it (tell_removed). */
			removal_t rm;
			if (clock_now_ms() >= p->busy_until && find_removal(c, p->org, &rm) == 0) {
				ch_vec_t none;
				memset(&none, 0, sizeof(none));
				memcpy(none.case_id, ids[used], 16);
				tell_removed(d, sock, route, p, c, &none);
			}
			continue;
		}
		if (our_vector(c, &v) != 0)
			break;
		int rc = ch_vec_encode(&v, &bufs[ni], &vl);
		ch_vec_clear(&v);
		if (rc != 0)
			break;
		items[ni].change = chg[used];
		items[ni].vec.p = bufs[ni];
		items[ni].vec.n = vl;
		bytes += vl + 12;
		ni++;
	}
	/* Up to the last case looked at; or, all looked at and fewer than a
	 * message's worth, up to our newest change. */
	upto = used == nids && nids < CH_CHANGES_MAX ? now_change : used ? chg[used - 1] : since;
	if (upto < since)
		upto = since;
	if (ch_changes_encode(restore_run(d->run), upto, upto < now_change, items, ni, &out,
	    &outlen) == 0) {
		send_peer(d, sock, route ? zframe_dup(route) : NULL, CH_PM_CHANGES, out, outlen);
		p->answer_bytes += outlen;
	}
out:
	for (size_t i = 0; bufs && i < ni; i++)
		free(bufs[i]);
	free(bufs);
	free(items);
	free(chg);
	free(ids);
	free(out);
	zframe_destroy(&route);
}

/* CHANGES: the answer to our PULL. Each vector is answered as a SYNC; what
 * we have taken of p's run moves up to just before the first case we are
 * behind on (we look at it again at the next pull), or to upto. */
static void
take_changes(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    const uint8_t *body, size_t n)
{
	uint8_t run[CH_RUN_LEN], more;
	uint64_t upto;
	ch_changed_t *items = NULL;
	size_t ni = 0;

	if (!p->pulling) {
		log_limited(LOG_LVL_WARN, p->card.name,
		    "sync: changes from %s that were not asked for refused", p->card.name);
		zframe_destroy(&route);
		return;
	}
	if (ch_changes_decode(body, n, run, &upto, &more, &items, &ni) != 0) {
		log_limited(LOG_LVL_WARN, p->card.name, "sync: malformed changes from %s refused",
		    p->card.name);
		zframe_destroy(&route);
		return;
	}
	p->pulling--;
	if (memcmp(run, p->done_run, CH_RUN_LEN) != 0) {
		/* p started again since our PULL: it answered with all of it. */
		memcpy(p->done_run, run, CH_RUN_LEN);
		p->done = 0;
		p->sweep_behind = 0;
	}
	int64_t now = clock_now_ms();
	if (now - p->vec_window >= 1000) {
		p->vec_window = now;
		p->vec_count = 0;
	}
	p->vec_count += ni;
	for (size_t i = 0; i < ni; i++) {
		ch_vec_t v;
		int behind = 1;
		if (ch_vec_decode(items[i].vec.p, items[i].vec.n, &v) == 0) {
			behind = answer_sync(d, sock, route ? zframe_dup(route) : NULL, p, &v, 1);
			ch_vec_clear(&v);
		} else
			log_limited(LOG_LVL_WARN, p->card.name,
			    "sync: malformed vector from %s refused", p->card.name);
		if (behind && !p->sweep_behind) {
			p->sweep_behind = 1;
			if (items[i].change - 1 > p->done)
				p->done = items[i].change - 1;
		}
	}
	if (!p->sweep_behind && upto > p->done)
		p->done = upto;
	free(items);
	p->in_sweep = more;
	p->cursor = upto;
	if (more && p->vec_count < SYNC_PULL_VECTORS)
		send_pull(d, sock, route, p, run, upto);
	else {
		/* Past this second's SYNC_PULL_VECTORS, the pull goes on at p's
		 * next CHECK (a round). A pull that left us behind somewhere is
		 * tried again after SYNC_BEHIND_WAIT_MS, once the entries asked
		 * for have come. */
		int64_t wait = SYNC_BEHIND_WAIT_MS;
		if (!more && p->sweep_behind) {
			/* Behind at the same place as the last pull that ended
			 * behind: what we lack is refused, or does not come; look
			 * again after SYNC_WAIT_MS only. */
			if (p->behind_at == p->done + 1)
				wait = SYNC_WAIT_MS;
			p->behind_at = p->done + 1;
		} else if (!more)
			p->behind_at = 0;
		p->pull_wait = !more && p->sweep_behind ? now + wait : 0;
		zframe_destroy(&route);
	}
}

void
sync_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, peer_t *p,
    zframe_t *frame)
{
	uint8_t type, status;
	const uint8_t *body;
	size_t n;

	p->last_heard = clock_now_ms();
	/* A peer that reaches us only on its own connections (we cannot dial
	 * it) gets our CHECK in answer to its own (take_check). */
	int via_router = route && !(p->dealer && p->dealer_ok);
	/* Everything we send back to p goes in one pipe, however many
	 * connections p opens to our ROUTER (each would hold SYNC_HWM answers
	 * of its own): our own connection to p while it is up (its handshake
	 * succeeded: peers_event); else, for a peer we cannot reach, one of its
	 * connections, kept while p uses it and given up for another after
	 * SYNC_WAIT_MS without a message on it. */
	if (route && p->dealer && p->dealer_ok) {
		zframe_destroy(&route);
		sock = p->dealer;
	} else if (route) {
		int64_t now = clock_now_ms();
		if (p->answer_route && zframe_eq(p->answer_route, route))
			p->route_heard = now;
		else if (!p->answer_route || now - p->route_heard > SYNC_WAIT_MS) {
			zframe_destroy(&p->answer_route);
			p->answer_route = zframe_dup(route);
			p->route_heard = now;
		}
		zframe_destroy(&route);
		route = p->answer_route ? zframe_dup(p->answer_route) : NULL;
		if (!route)
			return; /* out of memory: no answer */
	}
	if (ch_msg_decode(zframe_data(frame), zframe_size(frame), CH_MAGIC_PEER,
	    &type, &status, &body, &n) != 0 || status != 0) {
		log_limited(LOG_LVL_WARN, p->card.name,
		    "sync: malformed message (%zu bytes) from %s refused", zframe_size(frame),
		    p->card.name);
		zframe_destroy(&route);
		return;
	}
	if (type == CH_PM_SYNC) {
		ch_vec_t v;
		if (ch_vec_decode(body, n, &v) != 0) {
			log_limited(LOG_LVL_WARN, p->card.name, "sync: malformed vector from %s refused",
			    p->card.name);
			zframe_destroy(&route);
			return;
		}
		(void)answer_sync(d, sock, route, p, &v, 0);
		ch_vec_clear(&v);
	} else if (type == CH_PM_ENTRIES) {
		take_entries(d, sock, route, p, body, n);
	} else if (type == CH_PM_CHECK) {
		take_check(d, sock, route, p, body, n, via_router);
	} else if (type == CH_PM_PULL) {
		answer_pull(d, sock, route, p, body, n);
	} else if (type == CH_PM_CHANGES) {
		take_changes(d, sock, route, p, body, n);
	} else {
		log_limited(LOG_LVL_WARN, p->card.name, "sync: unknown message type %u from %s refused",
		    type, p->card.name);
		zframe_destroy(&route);
	}
}

void
sync_round(cahierd_t *d)
{
	/* One CHECK per peer we have a DEALER to: an idle round. */
	for (size_t i = 0; i < peers_count(d->peers); i++) {
		peer_t *p = peers_at(d->peers, i);
		if (p->dealer)
			send_check(d, p->dealer, NULL);
	}
	if (restore_active(d->run))
		(void)restore_tick(d->run, d->store, keyring_org(d->kr), clock_now_ms());
}

void
sync_peer(cahierd_t *d, peer_t *p)
{
	/* What was asked on the connection that was lost will not come. */
	p->busy_until = 0;
	p->pulling = 0;
	p->pull_wait = 0;
	if (p->dealer)
		send_check(d, p->dealer, NULL);
}

void
sync_push(cahierd_t *d, scase_t *c, const uint8_t *entry, size_t n)
{
	uint8_t (*m)[32] = NULL;
	size_t nm = 0;

	if (state_members(c, &m, &nm) != 0)
		return;
	/* Each member's entries of the case in this round go as one batch
	 * (outbox.h), sent after the round's commit. */
	for (size_t j = 0; j < nm; j++) {
		peer_t *p = peers_by_org(d->peers, m[j]);
		if (p && p->dealer)
			outbox_push_entry(d->out, p->dealer, store_case_id(c), entry, n, BATCH_BYTES);
	}
	free(m);
}
