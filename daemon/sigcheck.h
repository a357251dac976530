/* sigcheck.h - Ed25519 checks of a received batch, spread over the
 * machine's cores. A job is a pure byte check: an envelope's organization
 * signature, or a plain body's provider signature against a key the
 * caller found. The threads touch nothing else: no store, no key of the
 * case, no log, no state of the daemon; they are started and joined within
 * sigcheck_run, so none outlives a call. */
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
	int ok;                       /* out: 1 if the signature verifies */
} sigjob_t;

/* The most threads a call uses. */
#define SIGCHECK_THREADS_MAX 8
/* Below this many jobs a call does them in the calling thread. */
#define SIGCHECK_MIN_PARALLEL 8

/* The threads a call uses: the online CPUs, 1..SIGCHECK_THREADS_MAX. */
int sigcheck_threads(void);
/* Checks every job, setting its ok; the calling thread takes its share.
 * If a thread cannot be started, the others (at least the caller) do its
 * share. */
void sigcheck_run(sigjob_t *jobs, size_t n);

#endif
