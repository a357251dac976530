/* sigcheck.h - Ed25519 checks of a received batch, spread over the
 * machine's cores. A job is a pure byte check: an envelope's organization
 * signature, or a plain body's provider signature against a key the
 * caller found. The threads touch nothing else: no store, no key of the
 * case, no log, no state of the daemon; they are started by sigcheck_start
 * and joined by sigcheck_finish, so none outlives a batch. */
#ifndef CAHIER_SIGCHECK_H
#define CAHIER_SIGCHECK_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/entry.h"

enum {
	SIGJOB_ENV = 1,    /* ch_env_verify(env) */
	SIGJOB_PLAIN = 2,  /* ch_plain_verify(plain, case_id, audience, provider) */
};

typedef struct {
	uint8_t kind;                 /* SIGJOB_* */
	const ch_env_t *env;          /* SIGJOB_ENV */
	const uint8_t *plain;         /* SIGJOB_PLAIN: the decoded plain body */
	size_t plainlen;
	const uint8_t *case_id;       /* 16 bytes */
	uint8_t audience;
	const uint8_t *provider;      /* 32 bytes */
	int ok;                       /* out: 1 if the signature verifies; read
	                               * it once sigcheck_wait said it is done */
} sigjob_t;

/* The most threads a batch uses. */
#define SIGCHECK_THREADS_MAX 8
/* Below this many jobs, sigcheck_start does them in the calling thread. */
#define SIGCHECK_MIN_PARALLEL 8

typedef struct sigcheck sigcheck_t;

/* The threads that check a batch, the caller's included: the online CPUs,
 * 1..SIGCHECK_THREADS_MAX. */
int sigcheck_threads(void);
/* Starts checking jobs[0..n-1], taken in order, on sigcheck_threads() - 1
 * threads and the caller's: the caller goes on (it does the rules
 * meanwhile) and checks jobs itself whenever it waits (sigcheck_wait,
 * sigcheck_finish). The jobs (and what they point to) must stay put and
 * unchanged until sigcheck_finish. With fewer than SIGCHECK_MIN_PARALLEL
 * jobs, on one CPU, or when no memory or no thread can be had, the jobs
 * are done here before it returns. Returns the handle to wait on (NULL
 * when everything is done). */
sigcheck_t *sigcheck_start(sigjob_t *jobs, size_t n);
/* Waits until job j is done (its ok is then set). */
void sigcheck_wait(sigcheck_t *s, size_t j);
/* Waits for every job, joins the threads, frees s (NULL: nothing). */
void sigcheck_finish(sigcheck_t **s);
/* All of it, in one call. */
void sigcheck_run(sigjob_t *jobs, size_t n);

#endif
