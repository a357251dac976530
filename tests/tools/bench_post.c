/* bench_post.c - latency of a provider's post, of a bare fsync, and the
 * duration of a catch-up, measured in one process so that unlocking keys
 * (Argon2) and connecting are not counted. Used by tests/bench.sh.
 *
 *   bench_post post HOME PASSFILE CASE N
 *       N posts of a note through the client code (client/cmd_post.c: sign,
 *       send, wait for the daemon's reply after its fsync'ed commit).
 *   bench_post clients HOME PASSFILE CASE CLIENTS N RUNS
 *       CLIENTS connections of the same provider (its key unlocked once),
 *       each in a thread of its own posting N notes to the case one after
 *       the other, as fast as the replies come (each reply follows the
 *       daemon's fsync'ed commit of its round: the posts that arrive in one
 *       round share one commit). RUNS times; prints the posts per second of
 *       each run on stderr and their median as
 *       "BENCH posts_per_s_<CLIENTS>_clients".
 *   bench_post fsync DIR N
 *       N times: write 512 bytes to a file in DIR and fsync it; also the
 *       fsyncs per second of the whole loop ("BENCH fsyncs_per_s").
 *   bench_post catchup HOME_SRC HOME_DST PASSFILE CASE TIMEOUT_S
 *       Posts one note at the source org (its push makes the destination
 *       daemon, which does not hold the case yet, ask for all of it), then
 *       asks the destination daemon for its count of the case's entries
 *       every 50 ms until it holds as many as the source.
 *
 * Figures go to stdout as "BENCH name value unit" (post, fsync) or as
 * "CATCHUP seconds entries" (catchup); progress and errors on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <czmq.h>
#include <sodium.h>

#include "../../client/cli.h"
#include "../../client/post.h"
#include "../../proto/info.h"

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of v[0..n-1], sorted in place; nearest rank. */
static double
quantile(double *v, size_t n, double q)
{
	qsort(v, n, sizeof(*v), cmp_double);
	if (q == 0.5 && n % 2 == 0)
		return (v[n / 2 - 1] + v[n / 2]) / 2;
	size_t i = (size_t)(q * (double)n);
	return v[i < n ? i : n - 1];
}

static long
parse_count(const char *s, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > max) {
		fprintf(stderr, "bench_post: bad count '%s' (1..%ld)\n", s, max);
		exit(2);
	}
	return v;
}

static void
open_client(cli_t *c, const char *home, const char *passfile)
{
	memset(c, 0, sizeof(*c));
	c->home = home;
	c->pass_file = passfile;
	c->pass_fd = -1;
	c->timeout_ms = 60000;
	cli_open(c);
}

/* The number of entries the daemon holds for the case (0 if it lacks it). */
static uint64_t
case_entries(cli_t *c, const uint8_t id[16])
{
	cli_reply_t rep;
	const uint8_t *body;
	size_t bl, n;
	ch_caseinfo_t *v;
	uint64_t total = 0;

	cli_call(c, CH_CQ_CASES, NULL, 0, &rep, &body, &bl);
	if (ch_caselist_decode(body, bl, &v, &n) != 0)
		cli_die(EXIT_ERR, "malformed case list");
	for (size_t i = 0; i < n; i++)
		if (memcmp(v[i].case_id, id, 16) == 0)
			total = v[i].entries;
	free(v);
	cli_reply_free(&rep);
	return total;
}

static void
post_note(cli_t *c, const uint8_t id[16], long i, ch_postrep_t *rep)
{
	char text[128];
	uint8_t *fields = NULL;
	size_t fl = 0;

	snprintf(text, sizeof(text), "bench note %ld: Wondzorg linkervoet; pijn 3/10.", i);
	if (ch_note_encode(text, &fields, &fl) != 0)
		cli_die(EXIT_ERR, "cannot encode a note");
	cli_post(c, id, CH_AUD_NETWORK, CH_KIND_NOTE, fields, fl, rep);
	free(fields);
}

static int
bench_posts(const char *home, const char *passfile, const char *casearg, long n)
{
	cli_t c;
	uint8_t id[16];
	ch_postrep_t rep;
	double *lat = calloc((size_t)n, sizeof(double));

	if (!lat)
		return 1;
	open_client(&c, home, passfile);
	cli_case_id(&c, casearg, id);
	/* One post first, not counted: the CURVE handshake happens here. */
	post_note(&c, id, 0, &rep);
	for (long i = 0; i < n; i++) {
		double t0 = now_s();
		post_note(&c, id, i + 1, &rep);
		lat[i] = (now_s() - t0) * 1000;
	}
	double p50 = quantile(lat, (size_t)n, 0.5), p90 = quantile(lat, (size_t)n, 0.9);
	printf("BENCH post_p50_ms %.3f ms\n", p50);
	printf("BENCH post_p90_ms %.3f ms\n", p90);
	fprintf(stderr, "bench: %ld posts, min %.3f ms, max %.3f ms, last seq %llu\n", n,
	    lat[0], lat[n - 1], (unsigned long long)rep.seq);
	free(lat);
	cli_close(&c);
	return 0;
}

/* One client of bench_clients: its connection, its share of the posts. */
typedef struct {
	cli_t c;
	const uint8_t *id;
	long n;
	long done;
	pthread_barrier_t *go;
} poster_t;

static void *
poster_run(void *arg)
{
	poster_t *p = arg;
	ch_postrep_t rep;

	pthread_barrier_wait(p->go);
	for (long i = 0; i < p->n; i++) {
		post_note(&p->c, p->id, i + 1, &rep);
		p->done++;
	}
	return NULL;
}

static int
bench_clients(const char *home, const char *passfile, const char *casearg, long clients,
    long n, long runs)
{
	cli_t c;
	uint8_t id[16];
	ch_postrep_t rep;
	poster_t *ps = calloc((size_t)clients, sizeof(*ps));
	pthread_t *th = calloc((size_t)clients, sizeof(*th));
	double *rate = calloc((size_t)runs, sizeof(*rate));
	pthread_barrier_t go;

	if (!ps || !th || !rate)
		return 1;
	open_client(&c, home, passfile);
	cli_case_id(&c, casearg, id);
	/* Every connection made, and its CURVE handshake done by one post not
	 * counted, before any run: the sockets are made here and each is then
	 * used by its thread alone. */
	for (long k = 0; k < clients; k++) {
		ps[k].c = c;
		ps[k].c.sock = NULL;
		ps[k].c.monitor = NULL;
		cli_connect(&ps[k].c);
		post_note(&ps[k].c, id, 0, &rep);
		ps[k].id = id;
		ps[k].n = n;
		ps[k].go = &go;
	}
	for (long r = 0; r < runs; r++) {
		if (pthread_barrier_init(&go, NULL, (unsigned)clients + 1) != 0)
			return 1;
		for (long k = 0; k < clients; k++) {
			ps[k].done = 0;
			if (pthread_create(&th[k], NULL, poster_run, &ps[k]) != 0) {
				fprintf(stderr, "bench_post: cannot start a thread\n");
				return 1;
			}
		}
		pthread_barrier_wait(&go);
		double t0 = now_s();
		long total = 0;
		for (long k = 0; k < clients; k++) {
			pthread_join(th[k], NULL);
			total += ps[k].done;
		}
		double secs = now_s() - t0;
		pthread_barrier_destroy(&go);
		rate[r] = (double)total / secs;
		fprintf(stderr, "bench: run %ld of %ld: %ld clients, %ld posts in %.3f s: %.0f posts/s\n",
		    r + 1, runs, clients, total, secs, rate[r]);
	}
	printf("BENCH posts_per_s_%ld_client%s %.0f posts/s\n", clients, clients == 1 ? "" : "s",
	    quantile(rate, (size_t)runs, 0.5));
	for (long k = 0; k < clients; k++)
		cli_disconnect(&ps[k].c);
	cli_close(&c);
	free(rate);
	free(th);
	free(ps);
	return 0;
}

static int
bench_fsync(const char *dir, long n)
{
	char path[4096], buf[512];
	double *lat = calloc((size_t)n, sizeof(double));

	if (!lat)
		return 1;
	snprintf(path, sizeof(path), "%s/bench-fsync.dat", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "bench_post: %s: %s\n", path, strerror(errno));
		free(lat);
		return 1;
	}
	double start = now_s();
	for (long i = 0; i < n; i++) {
		randombytes_buf(buf, sizeof(buf));
		double t0 = now_s();
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || fsync(fd) != 0) {
			fprintf(stderr, "bench_post: %s: %s\n", path, strerror(errno));
			close(fd);
			free(lat);
			return 1;
		}
		lat[i] = (now_s() - t0) * 1000;
	}
	double all = now_s() - start;
	close(fd);
	unlink(path);
	printf("BENCH fsyncs_per_s %.0f fsyncs/s\n", (double)n / all);
	printf("BENCH fsync_p50_ms %.3f ms\n", quantile(lat, (size_t)n, 0.5));
	printf("BENCH fsync_p90_ms %.3f ms\n", quantile(lat, (size_t)n, 0.9));
	free(lat);
	return 0;
}

static double
wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A member daemon started at wall-clock time 'started' joins the case by
 * itself (the source's periodic round offers it): time until it holds
 * everything the source holds. */
static int
bench_join(const char *src_home, const char *dst_home, const char *passfile,
    const char *casearg, long timeout_s, double started)
{
	cli_t src, dst;
	uint8_t id[16];
	uint64_t target, held = 0;

	open_client(&src, src_home, passfile);
	open_client(&dst, dst_home, passfile);
	cli_case_id(&src, casearg, id);
	target = case_entries(&src, id);
	fprintf(stderr, "bench: catch-up of %llu entries started\n", (unsigned long long)target);
	while ((held = case_entries(&dst, id)) < target) {
		if (wall_s() - started > (double)timeout_s) {
			fprintf(stderr, "bench_post: catch-up timed out after %ld s (%llu of %llu entries)\n",
			    timeout_s, (unsigned long long)held, (unsigned long long)target);
			cli_close(&src);
			cli_close(&dst);
			return 1;
		}
		sleep_ms(50);
	}
	printf("CATCHUP %.3f %llu\n", wall_s() - started, (unsigned long long)held);
	cli_close(&src);
	cli_close(&dst);
	return 0;
}

static int
bench_catchup(const char *src_home, const char *dst_home, const char *passfile,
    const char *casearg, long timeout_s)
{
	cli_t src, dst;
	uint8_t id[16];
	ch_postrep_t rep;
	uint64_t target, held = 0, last = 0;

	open_client(&src, src_home, passfile);
	open_client(&dst, dst_home, passfile);
	cli_case_id(&src, casearg, id);
	/* The destination answers before anything starts (it is up). */
	if (case_entries(&dst, id) != 0)
		cli_die(EXIT_ERR, "the destination daemon holds entries of the case already");
	double t0 = now_s(), next_report = t0 + 5;
	int triggers = 1;
	post_note(&src, id, -1, &rep);
	target = case_entries(&src, id);
	fprintf(stderr, "bench: catch-up of %llu entries started\n", (unsigned long long)target);
	while ((held = case_entries(&dst, id)) < target) {
		double t = now_s();
		if (held == 0 && t - t0 > 3 && triggers < 3) {
			/* The source drops a push to a peer it is not connected to
			 * (yet), and a daemon ignores vectors of cases it does not
			 * hold: nothing would start. Start again, counting from here. */
			fprintf(stderr, "bench: nothing arrived within 3 s: the push was lost; posting again\n");
			post_note(&src, id, -1 - triggers++, &rep);
			target = case_entries(&src, id);
			t0 = now_s();
			next_report = t0 + 5;
			continue;
		}
		if (t - t0 > (double)timeout_s) {
			fprintf(stderr, "bench_post: catch-up timed out after %ld s (%llu of %llu entries)\n",
			    timeout_s, (unsigned long long)held, (unsigned long long)target);
			cli_close(&src);
			cli_close(&dst);
			return 1;
		}
		if (t >= next_report) {
			fprintf(stderr, "bench:   %.0f s: %llu of %llu entries (+%llu)\n", t - t0,
			    (unsigned long long)held, (unsigned long long)target,
			    (unsigned long long)(held - last));
			last = held;
			next_report += 5;
		}
		sleep_ms(50);
	}
	double secs = now_s() - t0;
	printf("CATCHUP %.3f %llu\n", secs, (unsigned long long)held);
	cli_close(&src);
	cli_close(&dst);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc == 6 && strcmp(argv[1], "post") == 0)
		return bench_posts(argv[2], argv[3], argv[4], parse_count(argv[5], 1000000));
	if (argc == 8 && strcmp(argv[1], "clients") == 0)
		return bench_clients(argv[2], argv[3], argv[4], parse_count(argv[5], 256),
		    parse_count(argv[6], 1000000), parse_count(argv[7], 100));
	if (argc == 4 && strcmp(argv[1], "fsync") == 0)
		return bench_fsync(argv[2], parse_count(argv[3], 1000000));
	if (argc == 7 && strcmp(argv[1], "catchup") == 0)
		return bench_catchup(argv[2], argv[3], argv[4], argv[5],
		    parse_count(argv[6], 86400));
	if (argc == 8 && strcmp(argv[1], "join") == 0)
		return bench_join(argv[2], argv[3], argv[4], argv[5],
		    parse_count(argv[6], 86400), strtod(argv[7], NULL));
	fprintf(stderr, "usage: bench_post post HOME PASSFILE CASE N\n"
	    "       bench_post clients HOME PASSFILE CASE CLIENTS N RUNS\n"
	    "       bench_post fsync DIR N\n"
	    "       bench_post catchup HOME_SRC HOME_DST PASSFILE CASE TIMEOUT_S\n"
	    "       bench_post join HOME_SRC HOME_DST PASSFILE CASE TIMEOUT_S STARTED\n");
	return 2;
}
