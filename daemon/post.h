/* post.h - a provider's post: a note, the creation of a case, or a
 * membership request (add, remove, rotate, hand over, people, history),
 * each checked against the provider and the case, then written to our feed
 * and pushed to the members after the round's commit. */
#ifndef CAHIER_POST_H
#define CAHIER_POST_H

#include <stddef.h>
#include <stdint.h>
#include "daemon.h"
#include "sigcheck.h"

/* Handles a POST request (body, bodylen) by provider pv; fills rep. */
void post_handle(cahierd_t *d, provider_t *pv, const uint8_t *body,
    size_t bodylen, cahierd_reply_t *rep);

/* The check of a post's provider signature, to run before the post is
 * handled (api.c checks those of a round on all cores, sigcheck.h): 1 and
 * *job set when body is a POST whose plain body carries pv's certificate,
 * 0 otherwise (post_handle then refuses or checks it itself). job points
 * into body and into case_id and provider, which it fills: all must stay
 * put until the post is handled. */
int post_precheck(const provider_t *pv, const uint8_t *body, size_t bodylen, sigjob_t *job,
    uint8_t case_id[16], uint8_t provider[32]) CH_WUR;
/* post_handle, with pre (or NULL) a job of post_precheck over the same
 * body and provider, done (its ok read after sigcheck_wait). The job's
 * result is used only if it is the check of this very signature (the
 * same bytes, case, audience and key); else the signature is checked
 * here. A post whose signature does not verify is refused either way. */
void post_handle_checked(cahierd_t *d, provider_t *pv, const uint8_t *body,
    size_t bodylen, const sigjob_t *pre, cahierd_reply_t *rep);

#endif
