/* change.h - a membership change as a pure function: from the current
 * charter and a provider's signed request to the new epoch (its reason,
 * subject, request and full charter), or a reason for refusal. No store,
 * no sockets, no keys: the caller seals and signs the result (member.c). */
#ifndef CAHIER_CHANGE_H
#define CAHIER_CHANGE_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/charter.h"
#include "../proto/entry.h"
#include "why.h"

/* The cut of org's feed for a removal: the seq and id of its last entry
 * that stays part of the case (0 and zeros for an empty feed). */
typedef void (*change_cut_fn)(void *arg, const uint8_t org[32], uint64_t *seq,
    uint8_t id[32]);

/* The new epoch. ep.charter's arrays are owned here; their contents borrow
 * from the current charter and from the request: both must outlive it. */
typedef struct {
	ch_epoch_t ep;
	ch_corg_t *orgs;
	ch_person_t *people;
	ch_removed_t *removed;
	ch_member_t m;
	int have_m;
	ch_personreq_t pr;
	int have_pr;
} change_t;

/* Applies request p (decoded from the signed plain body req, reqlen, of a
 * kind CH_REQ_ADD_ORG .. CH_REQ_PERSON) to charter cur, for the coordinator
 * self, at time now_s (s since the Unix epoch: the coordinator's clock when
 * it writes, the entry's time when a member checks). An org is added with
 * a known role that is not a person's; a person is set with a person's
 * role and an end date still to come. cut gives the cut of a removed
 * org's feed. The result is
 * canonical (an org added or a person set goes last, a removal keeps the
 * others' order), so that every daemon computes the same bytes: the
 * coordinator to write an epoch entry, the members to check it. Returns 0
 * and fills
 * *out (release with change_free), DERR_REFUSED with a one-line reason for
 * the provider in *why (why.h: in words the client translates), or
 * CH_ERR_NOMEM. */
int change_make(const ch_charter_t *cur, const uint8_t self[32],
    const uint8_t *req, size_t reqlen, const ch_plain_t *p, uint64_t now_s,
    change_cut_fn cut, void *arg, change_t *out, why_t *why) CH_WUR;
void change_free(change_t *c);

#endif
