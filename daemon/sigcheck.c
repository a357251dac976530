/* sigcheck.c - the signature checks of a batch on all cores (sigcheck.h).
 * Jobs are taken in order from a shared counter, so the first entries of a
 * batch are checked first and a thread that is slowed down leaves its
 * share to the others. sigcheck_threads() - 1 threads are started; the
 * caller is the last checker: when it waits for a job that is not done,
 * it takes the next ones itself, and sleeps only when none is left (on a
 * condition variable that a checker signals only when someone waits). A
 * job's done flag is set after its result. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "sigcheck.h"

struct sigcheck {
	sigjob_t *jobs;
	size_t n;
	atomic_size_t next;
	atomic_uchar *done;
	atomic_int waiters;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th[SIGCHECK_THREADS_MAX];
	int nth;
};

static void
job_do(sigjob_t *j)
{
	switch (j->kind) {
	case SIGJOB_ENV:
		j->ok = ch_env_verify(j->env) == 0;
		break;
	case SIGJOB_PLAIN:
		j->ok = ch_plain_verify(j->plain, j->plainlen, j->case_id, j->audience,
		    j->provider) == 0;
		break;
	default:
		j->ok = 0;
	}
}

/* Takes the next job and does it: 1, or 0 when none is left. */
static int
take_one(sigcheck_t *s)
{
	size_t i = atomic_fetch_add(&s->next, 1);
	if (i >= s->n)
		return 0;
	job_do(&s->jobs[i]);
	atomic_store(&s->done[i], 1);
	if (atomic_load(&s->waiters)) {
		pthread_mutex_lock(&s->mu);
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	return 1;
}

static void *
worker(void *arg)
{
	sigcheck_t *s = arg;
	while (take_one(s))
		;
	return NULL;
}

int
sigcheck_threads(void)
{
	static atomic_int cached;
	int t = atomic_load(&cached);
	if (t > 0)
		return t;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	t = cpus < 1 ? 1 : cpus > SIGCHECK_THREADS_MAX ? SIGCHECK_THREADS_MAX : (int)cpus;
	atomic_store(&cached, t);
	return t;
}

sigcheck_t *
sigcheck_start(sigjob_t *jobs, size_t n)
{
	sigcheck_t *s = NULL;
	if (n >= SIGCHECK_MIN_PARALLEL && (s = calloc(1, sizeof(*s))) != NULL &&
	    (s->done = calloc(n, sizeof(*s->done))) != NULL) {
		s->jobs = jobs;
		s->n = n;
		atomic_init(&s->next, 0);
		atomic_init(&s->waiters, 0);
		for (size_t i = 0; i < n; i++)
			atomic_init(&s->done[i], 0);
		if (pthread_mutex_init(&s->mu, NULL) == 0) {
			if (pthread_cond_init(&s->cv, NULL) == 0) {
				/* The caller is the last of them: it takes jobs
				 * whenever it waits for one. */
				int want = sigcheck_threads() - 1;
				for (; s->nth < want; s->nth++)
					if (pthread_create(&s->th[s->nth], NULL, worker, s) != 0)
						break;
				if (s->nth)
					return s;
				pthread_cond_destroy(&s->cv);
			}
			pthread_mutex_destroy(&s->mu);
		}
	}
	if (s) {
		free(s->done);
		free(s);
	}
	for (size_t i = 0; i < n; i++)
		job_do(&jobs[i]);
	return NULL;
}

void
sigcheck_wait(sigcheck_t *s, size_t j)
{
	if (!s || j >= s->n)
		return;
	/* Rather than sleep, the caller checks the next jobs itself while
	 * there are any left. */
	while (!atomic_load(&s->done[j]))
		if (!take_one(s))
			break;
	if (atomic_load(&s->done[j]))
		return;
	pthread_mutex_lock(&s->mu);
	atomic_fetch_add(&s->waiters, 1);
	while (!atomic_load(&s->done[j]))
		pthread_cond_wait(&s->cv, &s->mu);
	atomic_fetch_sub(&s->waiters, 1);
	pthread_mutex_unlock(&s->mu);
}

void
sigcheck_finish(sigcheck_t **sp)
{
	sigcheck_t *s = *sp;
	if (!s)
		return;
	while (take_one(s))
		;
	for (int i = 0; i < s->nth; i++)
		pthread_join(s->th[i], NULL);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->done);
	free(s);
	*sp = NULL;
}

void
sigcheck_run(sigjob_t *jobs, size_t n)
{
	sigcheck_t *s = sigcheck_start(jobs, n);
	sigcheck_finish(&s);
}
