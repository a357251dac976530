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

/* post_handle, with pre (or NULL) a SIGJOB_PLAIN job over the same body
 * and provider (post_batch_start makes them), done (its ok read after sigcheck_wait). The job's
 * result is used only if it is the check of this very signature (the
 * same bytes, case, audience and key); else the signature is checked
 * here. A post whose signature does not verify is refused either way. */
void post_handle_checked(cahierd_t *d, provider_t *pv, const uint8_t *body,
    size_t bodylen, const sigjob_t *pre, cahierd_reply_t *rep);

/* The provider signatures of the posts a round of the loop drained,
 * checked on all cores (sigcheck.h) while the posts are handled in order.
 * Post i is body bodies[i] (lens[i] bytes) by pvs[i] (NULL: not a post, or
 * not to be checked ahead); the bodies and providers must stay put until
 * post_batch_end. Returns the batch, or NULL (no memory: each post is then
 * checked when it is handled). */
typedef struct post_batch post_batch_t;
post_batch_t *post_batch_start(provider_t *const *pvs, const uint8_t *const *bodies,
    const size_t *lens, size_t n);
/* Handles post i of batch b (NULL: as post_handle) once its signature is
 * checked: post_handle_checked with that check. */
void post_batch_handle(cahierd_t *d, post_batch_t *b, size_t i, provider_t *pv,
    const uint8_t *body, size_t bodylen, cahierd_reply_t *rep);
/* Waits for every check, ends the threads, frees *b and sets it to NULL. */
void post_batch_end(post_batch_t **b);

#endif
