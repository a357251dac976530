/* post.h - a provider's post: a note, the creation of a case, or a
 * membership request (add, remove, rotate, hand over, people, history),
 * each checked against the provider and the case, then written to our feed
 * and pushed to the members after the round's commit. */
#ifndef CAHIER_POST_H
#define CAHIER_POST_H

#include <stddef.h>
#include <stdint.h>
#include "daemon.h"

/* Handles a POST request (body, bodylen) by provider pv; fills rep. */
void post_handle(cahierd_t *d, provider_t *pv, const uint8_t *body,
    size_t bodylen, cahierd_reply_t *rep);

#endif
