/* server.h - the event loop of cahierd: the ZAP allow-list (fail-closed),
 * the client and peer sockets, the timers, and the outbox flushed (with
 * the group commit) at the end of each round. */
#ifndef CAHIER_SERVER_H
#define CAHIER_SERVER_H

#include "daemon.h"

/* Binds the sockets and serves until SIGINT or SIGTERM. Returns 0 on a clean
 * stop, or DERR_START / DERR_ALLOW / a store error if it could not start or
 * had to stop (logged). */
int server_run(cahierd_t *d) CH_WUR;

#endif
