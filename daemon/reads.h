/* reads.h - the read path: a provider's signed read request, the access
 * record written to our feed before anything is shown, and the reply with
 * the entries the provider may see. The reply leaves only after the
 * round's commit (outbox.h): no record on disk, no plaintext. */
#ifndef CAHIER_READS_H
#define CAHIER_READS_H

#include <stddef.h>
#include <stdint.h>
#include "daemon.h"

/* Handles a READ request (body, bodylen) by provider pv; fills rep. */
void reads_handle(cahierd_t *d, provider_t *pv, const uint8_t *body,
    size_t bodylen, cahierd_reply_t *rep);

#endif
