/* server.h - running the event loop of cahierd. */
#ifndef CAHIER_SERVER_H
#define CAHIER_SERVER_H

#include "daemon.h"

/* Binds the sockets and serves until SIGINT or SIGTERM. Returns 0 on a clean
 * stop, -1 if it could not start (logged). */
int server_run(cahierd_t *d);
/* Reloads peers and providers from the store and rewrites the allow-list. */
int server_reload(cahierd_t *d);

#endif
