/* bench_sigs.c - the all-core baseline of a catch-up: how many Ed25519
 * verifications per second this machine does on all its cores, with
 * nothing else. One thread per online CPU (as cahierd's sigcheck.c, capped
 * the same way), each verifying its own signed message of the size of a
 * plain body's signed part, for SECONDS seconds; prints the total rate.
 * With "1" as THREADS, the one-core figure.
 *
 *   bench_sigs [SECONDS [THREADS]] */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sodium.h>

#include "../../daemon/sigcheck.h"

#define MSG_LEN 600

static atomic_int stop;

typedef struct {
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sig[crypto_sign_BYTES];
	unsigned char msg[MSG_LEN];
	unsigned long count;
	int bad;
} job_t;

static void *
run(void *arg)
{
	job_t *j = arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (crypto_sign_verify_detached(j->sig, j->msg, sizeof(j->msg), j->pk) != 0)
			j->bad = 1;
		j->count++;
	}
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	job_t jobs[SIGCHECK_THREADS_MAX];
	pthread_t th[SIGCHECK_THREADS_MAX];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char *end;
	double secs = 3;
	int n = sigcheck_threads();

	if (argc > 3) {
		fprintf(stderr, "usage: bench_sigs [SECONDS [THREADS]]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	errno = 0;
	if (argc > 1 && ((secs = strtod(argv[1], &end)) <= 0 || *end || errno || secs > 600)) {
		fprintf(stderr, "bench_sigs: bad SECONDS\n");
		return 2;
	}
	if (argc > 2 && ((n = (int)strtol(argv[2], &end, 10)) < 1 || *end ||
	    n > SIGCHECK_THREADS_MAX)) {
		fprintf(stderr, "bench_sigs: THREADS is 1..%d\n", SIGCHECK_THREADS_MAX);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		crypto_sign_keypair(jobs[i].pk, sk);
		randombytes_buf(jobs[i].msg, sizeof(jobs[i].msg));
		crypto_sign_detached(jobs[i].sig, NULL, jobs[i].msg, sizeof(jobs[i].msg), sk);
		jobs[i].count = 0;
		jobs[i].bad = 0;
	}
	sodium_memzero(sk, sizeof(sk));
	double t0 = now_s();
	int started = 0;
	for (; started < n; started++)
		if (pthread_create(&th[started], NULL, run, &jobs[started]) != 0)
			break;
	struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	atomic_store(&stop, 1);
	unsigned long total = 0;
	int bad = 0;
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		total += jobs[i].count;
		bad |= jobs[i].bad;
	}
	double dt = now_s() - t0;
	if (!started || bad) {
		fprintf(stderr, "bench_sigs: %s\n", bad ? "a signature did not verify" :
		    "no thread started");
		return 1;
	}
	fprintf(stderr, "bench_sigs: %d threads, %lu verifications in %.2f s\n", started, total, dt);
	printf("BENCH verify_allcore_sigs_per_s %.0f sigs/s\n", (double)total / dt);
	return 0;
}
