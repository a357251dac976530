/* notify.h - the person's notification of reads. When the person asks for
 * it (cahier notify CASE on, by the person, their trusted person or
 * representative, or the contact point: api.c), this daemon reports each
 * new access record of the case, written by any organization, to that
 * provider: it runs cahierd.conf's access_hook once per record, with what
 * the record says in the environment (docs/cahierd.1, "ACCESS HOOK").
 *
 * How it finds them: the loop calls notify_run once a round. It looks only
 * at the cases whose change number moved (store.h, "Change numbers"), and
 * in each feed of such a case only at the entries above the seq it
 * reached (in memory: a start, or a new wish, begins at the heads then
 * held, so nothing older is reported). An entry of another audience than
 * the network's is passed over unopened (access records are network
 * entries); the others are opened, and the access records reported.
 *
 * Bounds (what the organizations of a case can make it cost):
 *   NOTIFY_MAX wishes held (api.c refuses more);
 *   NOTIFY_OPEN_MAX entries opened per round, all cases together (the
 *   rest waits for the next rounds);
 *   NOTIFY_QUEUE_MAX reports waiting for the hook: beyond, a report is
 *   counted instead, and one report of kind "missed" with the count goes
 *   to that provider once there is room;
 *   one hook process at a time, killed after NOTIFY_HOOK_MS.
 * A report waiting when the daemon stops is not sent again (cahier audit
 * holds every record). Reporting is not itself a read: it sends no care
 * content, only the access record's own fields, to a provider entitled to
 * the case's audit, and recording it would report itself without end. */
#ifndef CAHIER_NOTIFY_H
#define CAHIER_NOTIFY_H

#include "daemon.h"

#define NOTIFY_MAX 1024
#define NOTIFY_OPEN_MAX 4096
#define NOTIFY_QUEUE_MAX 256
#define NOTIFY_HOOK_MS 10000

typedef struct notify notify_t;

int notify_new(notify_t **out) CH_WUR;
/* Frees the state; a hook still running is left to finish (it is not
 * waited for). */
void notify_destroy(notify_t **n);
/* One round: reaps or kills the hook, takes in the wishes, reads what the
 * changed cases brought, and starts the hook for the next report. Nothing
 * is written to the store. Does nothing but reap while cahierd.conf names
 * no access_hook. */
void notify_run(cahierd_t *d, notify_t *n);
/* Between rounds, while reports wait or a hook runs (notify_busy): reaps
 * or kills the hook and starts the next, so that a burst of reports goes
 * out at the hook's pace, not one a round. The loop calls it every
 * NOTIFY_PUMP_MS while notify_busy says so. */
#define NOTIFY_PUMP_MS 20
void notify_pump(cahierd_t *d, notify_t *n);
int notify_busy(const notify_t *n);
/* Reports queued, reports counted as missed, hooks run and hooks that
 * failed (exit status not 0, or killed) since the start: for tests and the
 * log. */
typedef struct {
	uint64_t queued, missed, ran, failed;
} notify_stats_t;
void notify_stats(const notify_t *n, notify_stats_t *out);

#endif
