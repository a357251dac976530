/* ingest.h - the checks on an entry, received from a peer or written by
 * this daemon (our own entries pass the very checks a peer makes), and what
 * an accepted entry changes in its case. One check per kind (ingest.c's
 * table); one log line per refusal. */
#ifndef CAHIER_INGEST_H
#define CAHIER_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/charter.h"
#include "../proto/msg.h"
#include "keyring.h"
#include "sigcheck.h"
#include "store.h"

typedef struct ingest ingest_t;

/* Rules over keyring kr (borrowed: it must outlive the ingest), with a
 * memo of verified certificates of their own. */
int ingest_new(keyring_t *kr, ingest_t **out) CH_WUR;
void ingest_destroy(ingest_t **in);
/* The keyring the rules were made with. */
keyring_t *ingest_keyring(ingest_t *in);
/* fn(arg, case id) is called whenever a held entry is replaced by its
 * erased form (in this round's transaction): what was derived from its
 * body (the timeline) must be built again. */
typedef void (*ingest_erased_fn)(void *arg, const uint8_t case_id[16]);
void ingest_on_erase(ingest_t *in, ingest_erased_fn fn, void *arg);
/* fn(arg, c, head) is asked before our own feed of c gets the entry after
 * head (feed.c: feed_append): 0 to go on, or an error that refuses the
 * append (restore.h: after a restore, until our feed is known). */
typedef int (*ingest_append_fn)(void *arg, scase_t *c, uint64_t head);
void ingest_on_append(ingest_t *in, ingest_append_fn fn, void *arg);
/* The check set by ingest_on_append: 0 when none is set. */
int ingest_may_append(ingest_t *in, scase_t *c, uint64_t head) CH_WUR;

/* Outcomes of ingest_entry (>= 0). */
enum {
	INGEST_STORED = 0,   /* appended to its feed */
	INGEST_DUP = 1,      /* already held, identical */
	INGEST_GAP = 2,      /* earlier entries of that feed are missing */
	INGEST_NOTYET = 3,   /* depends on membership not yet received */
	INGEST_REFUSED = 4,  /* breaks a rule: logged once, nothing kept */
};
/* Checks one entry of case c received from 'from' (a name for the log) and
 * stores it if it passes. Returns an INGEST_* outcome, or a negative store
 * or proto error when it could not be checked or stored (a full disk, a
 * damaged record): not the sender's fault, and nothing of it is kept. */
int ingest_entry(ingest_t *in, scase_t *c, const uint8_t *entry, size_t n,
    const char *from) CH_WUR;

/* Our own next entry of c (feed.c: feed_append is its one caller): signs
 * env (its org must be this organization's; env->sig is overwritten) over
 * body (the sealed body, bodylen bytes, whose hash env holds), encodes the
 * entry and passes it through the checks of ingest_entry, but for the
 * organization signature just made here, and for the provider signature
 * of a care entry whose plain text the caller checked: checked (or NULL)
 * is a SIGJOB_PLAIN job done with ok = 1 for env's case and audience, and
 * the body must open to exactly its plain text (see ingest.c, "Our own
 * next entry", for why that is safe). Returns INGEST_STORED with the
 * entry in *entry (malloc'd, the caller frees it), another INGEST_*
 * outcome (nothing kept), CH_ERR_VALUE for an envelope of another
 * organization (nothing signed), or a store or proto error. */
int ingest_own(ingest_t *in, scase_t *c, ch_env_t *env, const uint8_t *body, size_t bodylen,
    const sigjob_t *checked, uint8_t **entry, size_t *entrylen) CH_WUR;

/* What a batch brought: entries stored, entries that wait (on a gap or on
 * membership not received yet), and of those the gaps; entries refused. */
typedef struct {
	size_t stored;
	size_t waiting;
	size_t gaps;
	size_t refused;
	/* An entry of the batch, signed by its organization, did not follow
	 * the entry we hold at branch_seq of branch_org's feed (its prev is
	 * another entry's id): that organization signed two entries at
	 * branch_seq, and the sender holds the other (the last such entry of
	 * the batch is named). */
	int branched;
	uint8_t branch_org[32];
	uint64_t branch_seq;
} ingest_tally_t;
/* Checks and stores the entries of a batch of case c, in two passes (an
 * entry can depend on an epoch entry later in the batch). Returns 0 and
 * the tally, or a store error (what was stored stays in this round). */
int ingest_batch(ingest_t *in, scase_t *c, const ch_slice_t *items, size_t n,
    const char *from, ingest_tally_t *t) CH_WUR;
/* ingest_batch, with the outcome of each entry (INGEST_* or a negative
 * error, from its last pass) in out[0..n-1] when out is not NULL.
 *
 * Before the rules run, the signatures of the batch are checked on all
 * cores (sigcheck.c): one organization signature per run of a feed whose
 * entries chain to each other (PROTOCOL.md, "Receiving ENTRIES"), and the
 * provider signature of each care entry whose key is held; the rules then
 * take each entry in order as soon as its checks are done, and check
 * nothing twice. */
int ingest_batch_outcomes(ingest_t *in, scase_t *c, const ch_slice_t *items, size_t n,
    const char *from, ingest_tally_t *t, int *out) CH_WUR;

/* The full charter of epoch (names included), decrypted from that epoch's
 * entry with the membership key held in the store or, for a case being
 * joined, in the keyring's welcome keys. ep borrows from *buf: release with
 * ch_epoch_clear(ep), then ingest_charter_free(buf, buflen), which wipes
 * it. ST_ERR_NOTFOUND or CH_ERR_NOKEY when that epoch is not readable
 * here. */
int ingest_charter(ingest_t *in, scase_t *c, uint32_t epoch, uint8_t **buf,
    size_t *buflen, ch_epoch_t *ep) CH_WUR;
void ingest_charter_free(uint8_t *buf, size_t buflen);

#endif
