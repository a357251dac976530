/* bench_log.c - the cost of `cahier log`: reading the newest 50 entries of
 * a large case through the daemon's real read path (reads_handle: a signed
 * request, the index, the bodies opened, the reply, the access record
 * written and committed with its fsync), in one process, no socket.
 *
 *   bench_log [N [READS]]
 *
 * Builds (tests/index_fixture.h, in a temporary directory) a case of three
 * organizations holding N entries (default 100000) and one of 1000 (the
 * baseline): notes mostly, tasks, alerts with their acknowledgements,
 * edits, access records; written straight to the store (no network, no
 * signature: the read path checks none). Then for each: the index built
 * from scratch (index_case, cold), the first read, and READS (default 21)
 * reads of the last 50, warm; the median of those.
 *
 * Figures on stdout, "BENCH name value unit":
 *   log_index_build_ms_100k   building the index of the N-entry case
 *   log_first_read_ms_100k    the first read of it (builds the index too)
 *   log_last50_ms_100k        median warm read of the last 50, N entries
 *   log_last50_ms_1k          the same, 1000 entries (baseline)
 *   log_last50_ratio          the one over the other
 * (the names say 100k; with another N they are that N's.) */
#define _XOPEN_SOURCE 700      /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../index_fixture.h"
#include "../../daemon/log.h"

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static const ixf_prov_t *
prov_of(ixf_t *f, int o)
{
	return o == IXF_A ? &f->anote : o == IXF_B ? &f->nurse : &f->gp;
}

/* Puts fields fd at B; the id in id. */
static void
put(ixf_t *f, int o, const ixf_prov_t *p, const ch_fields_t *fd, uint64_t t,
    const uint8_t *sup, uint8_t id[32])
{
	uint8_t *fl;
	size_t fln;
	IXF_NEED(ch_fields_encode(fd, &fl, &fln) == 0);
	IXF_NEED(ixf_put_raw(f, o, p, fd->kind, CH_AUD_NETWORK, t, fl, fln, sup, 0, id, NULL,
	    NULL) == 0);
	free(fl);
}

/* The case of n entries, dated a second apart up to a minute ago. */
static void
fill(ixf_t *f, size_t n)
{
	uint64_t t0 = (uint64_t)clock_now_ms() - 60000 - (uint64_t)n * 1000;
	uint8_t lastnote[3][32], alert[32], id[32], ab[2][32];
	uint8_t *access = NULL, *req = NULL;
	size_t accesslen = 0, reqlen = 0;
	int have_note[3] = { 0, 0, 0 }, have_alert = 0;
	char text[200];
	ch_readreq_t rq;
	ch_access_t a;

	/* An access record's fields, as reads.c writes them. */
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.case_id, f->case_id, 16);
	rq.action = CH_ACT_READ;
	rq.purpose = CH_PURPOSE_TREATMENT;
	rq.time_ms = (uint64_t)clock_now_ms();
	IXF_NEED(ch_readreq_sign(&rq, f->nurse.k->sign_sk, &req, &reqlen) == 0);
	memset(&a, 0, sizeof(a));
	a.action = CH_ACT_READ;
	a.purpose = CH_PURPOSE_TREATMENT;
	a.time_ms = rq.time_ms;
	a.cert = f->nurse.pv.certbuf;
	a.certlen = f->nurse.pv.certlen;
	a.request = req;
	a.requestlen = reqlen;
	ch_range_t r = { { 0 }, 1, 50 };
	memcpy(r.org, ixf_org(f, IXF_A), 32);
	a.ranges = &r;
	a.nranges = 1;
	IXF_NEED(ch_access_encode(&a, &access, &accesslen) == 0);
	memcpy(ab[0], ixf_org(f, IXF_B), 32);
	memcpy(ab[1], ixf_org(f, IXF_C), 32);

	for (size_t i = 0; i < n; i++) {
		int o = (int)(i % 3);
		uint64_t t = t0 + (uint64_t)i * 1000;
		ch_fields_t fd;
		memset(&fd, 0, sizeof(fd));
		snprintf(text, sizeof(text), "Dagelijkse zorg %zu: wassen, medicatie, maaltijd, "
		    "bloeddruk gemeten, mevrouw was opgewekt.", i);
		if (i % 100 == 99) {
			/* A read's access record. */
			IXF_NEED(ixf_put_raw(f, IXF_B, NULL, CH_KIND_ACCESS, CH_AUD_NETWORK, t, access,
			    accesslen, NULL, 0, id, NULL, NULL) == 0);
		} else if (i % 50 == 10) {
			fd.kind = CH_KIND_ALERT;
			fd.u.alert.priority = CH_PRIO_HIGH;
			fd.u.alert.text = text;
			fd.u.alert.addressed.n = 2;
			fd.u.alert.addressed.id = ab;
			put(f, IXF_A, &f->anote, &fd, t, NULL, alert);
			have_alert = 1;
		} else if (i % 50 == 12 && have_alert) {
			fd.kind = CH_KIND_ACK;
			memcpy(fd.u.ack.alert, alert, 32);
			fd.u.ack.text = (char *)(uintptr_t)"gezien";
			put(f, IXF_B, &f->nurse, &fd, t, NULL, id);
		} else if (i % 20 == 5) {
			fd.kind = CH_KIND_TASK;
			fd.u.task.status = CH_TASK_OPEN;
			memcpy(fd.u.task.owner, ixf_org(f, (o + 1) % 3), 32);
			fd.u.task.text = text;
			put(f, o, prov_of(f, o), &fd, t, NULL, id);
		} else if (i % 30 == 7 && have_note[o]) {
			/* An edit of this org's last note. */
			fd = ixf_note(text);
			put(f, o, prov_of(f, o), &fd, t, lastnote[o], id);
		} else {
			fd = ixf_note(text);
			put(f, o, prov_of(f, o), &fd, t, NULL, lastnote[o]);
			have_note[o] = 1;
		}
		if (i % 10000 == 9999)
			IXF_NEED(store_commit(f->d[IXF_B]->store) == 0);
	}
	IXF_NEED(store_commit(f->d[IXF_B]->store) == 0);
	free(access);
	free(req);
}

/* One read of the last 50 by the nurse: ms. */
static double
read_last50(ixf_t *f)
{
	ch_readreq_t rq;
	ch_readrep_t rp;
	uint8_t *raw;
	memset(&rq, 0, sizeof(rq));
	rq.last = 50;
	double t = now_ms();
	IXF_NEED(ixf_read(f, &f->nurse, &rq, &rp, &raw) == CH_ST_OK);
	t = now_ms() - t;
	IXF_NEED(rp.n == 50);
	ch_readrep_clear(&rp);
	free(raw);
	return t;
}

typedef struct {
	double build, first, median;
} figs_t;

static void
bench(size_t n, int reads, figs_t *out)
{
	char root[128], sub[3][160], *d[3];
	const char *tmp = getenv("TMPDIR");
	ixf_t f;

	snprintf(root, sizeof(root), "%s/cahier-bench-log.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	IXF_NEED(mkdtemp(root) != NULL);
	for (int i = 0; i < 3; i++) {
		snprintf(sub[i], sizeof(sub[i]), "%s/%c", root, 'a' + i);
		IXF_NEED(mkdir(sub[i], 0700) == 0);
		d[i] = sub[i];
	}
	ixf_init(&f, d, (uint64_t)clock_now_ms() / 1000);
	double t = now_ms();
	fill(&f, n);
	fprintf(stderr, "bench_log: %zu entries written in %.1f s\n", n, (now_ms() - t) / 1e3);

	/* The index alone, from scratch. */
	ixcase_t *x;
	t = now_ms();
	IXF_NEED(index_case(f.d[IXF_B]->ix, ixf_case(&f, IXF_B), &x) == 0);
	out->build = now_ms() - t;
	IXF_NEED(index_count(x) >= n);
	/* The first read after a start: builds it too. */
	index_forget(f.d[IXF_B]->ix, f.case_id);
	out->first = read_last50(&f);
	double *v = calloc((size_t)reads, sizeof(*v));
	IXF_NEED(v != NULL);
	for (int i = 0; i < reads; i++)
		v[i] = read_last50(&f);
	qsort(v, (size_t)reads, sizeof(*v), dcmp);
	out->median = reads % 2 ? v[reads / 2] : (v[reads / 2 - 1] + v[reads / 2]) / 2;
	free(v);
	ixf_free(&f);
	(void)nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
	int reads = argc > 2 ? atoi(argv[2]) : 21;
	figs_t big, small;

	if (n < 1000 || reads < 1) {
		fprintf(stderr, "usage: bench_log [N >= 1000 [READS >= 1]]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	log_init("bench_log", -1);
	bench(n, reads, &big);
	bench(1000, reads, &small);
	printf("BENCH log_index_build_ms_100k %.1f ms\n", big.build);
	printf("BENCH log_first_read_ms_100k %.1f ms\n", big.first);
	printf("BENCH log_last50_ms_100k %.2f ms\n", big.median);
	printf("BENCH log_last50_ms_1k %.2f ms\n", small.median);
	printf("BENCH log_last50_ratio %.2f x\n", big.median / small.median);
	return 0;
}
