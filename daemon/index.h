/* index.h - the timeline of a case: every entry of every feed, in one
 * order, with what a read needs to select and show it (kind, author,
 * status, the latest version, hidden, acknowledgements) without opening
 * the whole case at each read.
 *
 * Where it lives, and why: in memory only, never in LMDB. What it holds
 * comes from decrypted bodies (kinds, authors, references, statuses), and
 * invariant 1 keeps every byte of a body out of the store; a persisted
 * index would have to be encrypted and kept in step with the feeds for a
 * gain only at the first read after a start. It is built at the first read
 * of a case (one body decryption per entry, no signature check: the
 * entries passed the rules when they were stored), then caught up at each
 * read with the entries stored since (per feed, from the seq it reached;
 * a feed whose head went back or moved to another entry, as after an
 * aborted round whose entries a read saw, has the case built anew).
 * An index per case is kept for at most INDEX_CASES cases (the least
 * recently read is dropped) and costs about INDEX_REC_BYTES per entry:
 * the bound on its memory is INDEX_CASES x the entries of those cases.
 *
 * Order: by (time_ms, org, seq) of the envelopes. time_ms is the writing
 * daemon's hybrid logical clock (feed.c: never behind an entry it already
 * held), so an entry written after another was seen sorts after it.
 *
 * Versions, hiding, acknowledgements and check-ins are the index's
 * reading of the references between entries, by the rules of PROTOCOL.md
 * "Care entries: references": a reference that breaks them (an edit by an
 * organization that may not edit, an acknowledgement by an organization
 * not addressed, a hide by another organization than the author's) has no
 * effect; its entry is shown as written. */
#ifndef CAHIER_INDEX_H
#define CAHIER_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/charter.h"
#include "../proto/msg.h"
#include "store.h"

#define INDEX_CASES 16
#define INDEX_REC_BYTES 160
#define INDEX_NONE UINT32_MAX

typedef struct index index_t;      /* the timelines of the cases read lately */
typedef struct ixcase ixcase_t;    /* the timeline of one case */

int index_new(index_t **out) CH_WUR;
void index_destroy(index_t **ix);

/* The timeline of c, built or caught up with what c holds now. The
 * returned pointer lives until the next index_case call or index_destroy.
 * WARNING: do not keep it across a round of the loop. */
int index_case(index_t *ix, scase_t *c, ixcase_t **out) CH_WUR;
/* Drops what is known of the case (it was forgotten, or an entry held
 * without its body got it). */
void index_forget(index_t *ix, const uint8_t case_id[16]);

/* One entry chosen by a query, with what the reply shows of it. */
typedef struct {
	uint8_t org[32];
	uint64_t seq;
	uint8_t state;            /* CH_IT_* for this reader */
	uint16_t versions;
	uint8_t root[32];
	uint8_t hidden_by[32];
	uint64_t hidden_at;
	uint64_t last_checkin;
	uint32_t nrefs;
	size_t nacks;
	struct { uint8_t org[32]; uint64_t time; } acks[CH_ACKS_MAX];
} ixhit_t;

/* Selects what rq asks for in the timeline, for a reader of role (the
 * charter cur says which audiences it is in; NULL: every one). Fills
 * *hits (malloc'd, oldest first, at most rq->last or CH_PAGE_DEFAULT) and
 * *more (1 if another entry matches beyond them). The search text, if any,
 * is looked for in the bodies the reader may open only. *resume (may be
 * NULL): where a CH_RQ_ARRIVAL read that stopped at a full page goes on
 * (the count of entries taken in, else). */
int index_query(ixcase_t *x, scase_t *c, const ch_readreq_t *rq, const char *role,
    const ch_charter_t *cur, ixhit_t **hits, size_t *nhits, int *more,
    uint64_t *resume) CH_WUR;

/* How many bodies index_case decrypted so far, all cases together (a
 * counter, for tests and the log: a call with nothing new opens none). */
uint64_t index_opens(const index_t *ix);

/* How many entries the timeline holds, and the newest envelope time. */
size_t index_count(const ixcase_t *x);
uint64_t index_time_max(const ixcase_t *x);
/* This build of the timeline (random, non-zero; a rebuild changes it):
 * with index_count, the place a watcher has reached (CH_RQ_ARRIVAL). */
uint64_t index_instance(const ixcase_t *x);

/* What the index knows of one entry, by id: its kind (0 when this daemon
 * cannot open it), its feed's org and whether it is the latest version of
 * its first version (root). Returns ST_ERR_NOTFOUND when it holds no such
 * entry. */
typedef struct {
	uint8_t kind;
	uint8_t audience;
	uint8_t org[32];
	uint8_t root[32];
	int latest;
} ixinfo_t;
int index_lookup(ixcase_t *x, const uint8_t id[32], ixinfo_t *info) CH_WUR;
/* 1 if the latest version of the entry id (any version of it) names org
 * among its organizations (an alert's addressees, a task's owner, a
 * goal's workers, an appointment's organizations); else 0. */
int index_names_org(ixcase_t *x, const uint8_t id[32], const uint8_t org[32]);
/* 1 if org may write a new version of the entry id: the organization
 * that wrote its first version, or one its latest version names, for a
 * task, a goal or an appointment. The rule every daemon applies when it
 * shows versions (index.c: may_edit). */
int index_may_edit(ixcase_t *x, const uint8_t id[32], const uint8_t org[32]);

#endif
