/* health.h - what the running daemon tells its administrator: the file
 * DIR/status.json, written by the loop at the start, every HEALTH_MS and
 * at the stop (first to a temporary file, then renamed: a reader sees a
 * whole one), which `cahierd status` reads beside what the store holds.
 * It holds the daemon's version, process id, when it started and when the
 * file was written, whether it is stopping, the cases it holds, a restore
 * under way, and per peer: its name, key id and endpoint, whether it is
 * connected, when it was last heard from, a catch-up in flight, and how
 * far its clock runs from ours (sync.c: note_clock). No case name, no
 * entry, no key. Mode 0600. */
#ifndef CAHIER_HEALTH_H
#define CAHIER_HEALTH_H

#include <stdint.h>
#include "daemon.h"

#define HEALTH_MS 5000

/* Writes DIR/status.json; started_ms: when this run began; stopping: the
 * loop is ending. 0, or -1 (logged). */
int health_write(cahierd_t *d, int64_t started_ms, int stopping);
/* This daemon's version (VERSION, as make stamped it), a static string:
 * what status.json and the STATUS reply to a client say. */
const char *health_version(void);

#endif
