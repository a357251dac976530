/* api.h - requests from providers' clients. The provider is known by the
 * CURVE key of the connection (admitted by ZAP, bound here to a certificate
 * this org issued and valid now); each request type has one handler
 * (api.c's table). Replies are queued in the outbox and sent only after
 * the round's writes are committed. */
#ifndef CAHIER_API_H
#define CAHIER_API_H

#include <czmq.h>
#include "daemon.h"

/* Handles one client request frame received on sock (route: the ROUTER
 * routing id, taken) and queues the reply. */
void api_handle(cahierd_t *d, zsock_t *sock, zframe_t *route, zframe_t *frame);
/* Handles the n requests a round drained from sock, in order, as
 * api_handle does each (routes[i] taken, frames[i] left to the caller),
 * with the provider signatures of the posts among them checked on all
 * cores first (post.h: post_batch_start). */
void api_handle_batch(cahierd_t *d, zsock_t *sock, zframe_t **routes, zframe_t **frames,
    size_t n);

#endif
