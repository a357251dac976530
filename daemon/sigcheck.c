/* sigcheck.c - the signature checks of a batch on all cores (sigcheck.h).
 * Jobs are taken one at a time from a shared counter, so a thread that is
 * slowed down (the other daemon of a test on the same machine, the event
 * loop of another program) leaves its share to the others. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "sigcheck.h"

typedef struct {
	sigjob_t *jobs;
	size_t n;
	atomic_size_t next;
} work_t;

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

static void *
worker(void *arg)
{
	work_t *w = arg;
	size_t i;
	while ((i = atomic_fetch_add(&w->next, 1)) < w->n)
		job_do(&w->jobs[i]);
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

void
sigcheck_run(sigjob_t *jobs, size_t n)
{
	pthread_t th[SIGCHECK_THREADS_MAX];
	int started = 0, want = sigcheck_threads();
	work_t w;

	w.jobs = jobs;
	w.n = n;
	atomic_init(&w.next, 0);
	if (n >= SIGCHECK_MIN_PARALLEL)
		for (int i = 1; i < want; i++) {
			if (pthread_create(&th[started], NULL, worker, &w) != 0)
				break;
			started++;
		}
	worker(&w);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}
