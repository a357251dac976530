/* bench_verify.c - the baseline of a catch-up: how fast this machine checks
 * entries in memory, single-threaded, with nothing else. Reads every entry
 * of a case out of an organization's store (its daemon stopped), then, timed,
 * for each: ch_entry_split (framing, body hash), ch_env_verify (the org's
 * signature), ch_body_open (decryption), ch_plain_decode, ch_plain_verify
 * (the provider's signature), and keys_cert_parse (the org's signature on
 * the provider certificate) once per distinct certificate per pass: the
 * signatures and the decryption ingest_entry does.
 * Runs PASSES passes and prints the median rate.
 *
 *   bench_verify DIR ORGPASSFILE CASE PASSES */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "../../daemon/store.h"
#include "../../keys/keys.h"
#include "../../proto/msg.h"
#include "../../daemon/log.h"

typedef struct {
	uint8_t **e;
	size_t *n;
	size_t count, cap;
} entries_t;

static int
take(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	entries_t *l = arg;
	(void)org; (void)seq;
	if (l->count == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		void *a = realloc(l->e, cap * sizeof(*l->e));
		if (!a)
			return CH_ERR_NOMEM;
		l->e = a;
		void *b = realloc(l->n, cap * sizeof(*l->n));
		if (!b)
			return CH_ERR_NOMEM;
		l->n = b;
		l->cap = cap;
	}
	if (!(l->e[l->count] = malloc(n)))
		return CH_ERR_NOMEM;
	memcpy(l->e[l->count], e, n);
	l->n[l->count++] = n;
	return 0;
}

typedef struct { scase_t *c; entries_t *l; } feeds_t;

static int
take_feed(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	feeds_t *f = arg;
	(void)id;
	return store_feed_each(f->c, org, 1, seq, take, f->l);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Keys by (epoch, audience), fetched once. */
typedef struct { uint32_t epoch; uint8_t aud; int ok; uint8_t key[32]; } keyc_t;

static const uint8_t *
key_for(scase_t *c, keyc_t *kc, size_t *nk, uint32_t epoch, uint8_t aud)
{
	for (size_t i = 0; i < *nk; i++)
		if (kc[i].epoch == epoch && kc[i].aud == aud)
			return kc[i].ok ? kc[i].key : NULL;
	if (*nk == 16)
		return NULL;
	keyc_t *k = &kc[(*nk)++];
	k->epoch = epoch;
	k->aud = aud;
	k->ok = store_key_get(c, epoch, aud, k->key) == 0;
	return k->ok ? k->key : NULL;
}

/* Provider keys by certificate: the org's signature on a certificate is
 * checked once per distinct certificate (as cahierd does), not per entry. */
typedef struct { uint8_t hash[32]; uint8_t provider[32]; } certmemo_t;

static const uint8_t *
cert_for(certmemo_t *m, size_t *nm, const uint8_t *cert, size_t certlen)
{
	uint8_t h[32];
	keys_cert_t c;

	crypto_generichash(h, sizeof(h), cert, certlen, NULL, 0);
	for (size_t i = 0; i < *nm; i++)
		if (memcmp(m[i].hash, h, 32) == 0)
			return m[i].provider;
	if (*nm == 16 || keys_cert_parse(cert, certlen, &c) != 0)
		return NULL;
	memcpy(m[*nm].hash, h, 32);
	memcpy(m[*nm].provider, c.provider, 32);
	keys_cert_clear(&c);
	return m[(*nm)++].provider;
}

int
main(int argc, char **argv)
{
	char *pass = NULL, *keyfile = NULL, *end;
	size_t plen = 0, bl = 0, nk = 0;
	keys_secret_t *k = NULL;
	store_t *s = NULL;
	scase_t *c;
	uint8_t case_id[16];
	entries_t l;
	keyc_t kc[16];
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_verify DIR ORGPASSFILE CASE PASSES\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	errno = 0;
	long passes = strtol(argv[4], &end, 10);
	if (errno || *end || passes < 1 || passes > 100 ||
	    strlen(argv[3]) != 32 ||
	    sodium_hex2bin(case_id, 16, argv[3], 32, NULL, &bl, NULL) != 0 || bl != 16) {
		fprintf(stderr, "bench_verify: bad case id or pass count\n");
		return 2;
	}
	log_init("bench_verify", LOG_LVL_WARN);
	if (asprintf(&keyfile, "%s/org.key", argv[1]) < 0)
		return 1;
	if ((rc = keys_pass_read(NULL, argv[2], -1, 0, &pass, &plen)) != 0 ||
	    (rc = keys_file_read(keyfile, KEYS_KIND_ORG, pass, plen, &k)) != 0) {
		fprintf(stderr, "bench_verify: cannot open %s: %s\n", keyfile, ch_strerror(rc));
		return 1;
	}
	keys_pass_free(&pass);
	free(keyfile);
	if ((rc = store_open(argv[1], k->storage, 4, &s)) != 0 ||
	    (rc = store_case_get(s, case_id, 0, &c)) != 0) {
		fprintf(stderr, "bench_verify: cannot open case %s: %s\n", argv[3],
		    store_strerror(rc));
		return 1;
	}
	memset(&l, 0, sizeof(l));
	feeds_t f = { c, &l };
	if ((rc = store_heads_each(c, take_feed, &f)) != 0) {
		fprintf(stderr, "bench_verify: cannot read the case: %s\n", store_strerror(rc));
		return 1;
	}
	/* Keys first, outside the timed part (ingest_entry reads them from LMDB). */
	for (size_t i = 0; i < l.count; i++) {
		ch_env_t env;
		const uint8_t *body;
		size_t n;
		if (ch_entry_split(l.e[i], l.n[i], &env, &body, &n) == 0)
			(void)key_for(c, kc, &nk, env.epoch, env.audience);
	}

	double *rate = calloc((size_t)passes, sizeof(double));
	size_t bad = 0;
	if (!rate)
		return 1;
	for (long p = 0; p < passes; p++) {
		certmemo_t memo[16];
		size_t nmemo = 0;
		double t0 = now_s();
		for (size_t i = 0; i < l.count; i++) {
			ch_env_t env;
			const uint8_t *body, *key;
			size_t n, pl = 0;
			uint8_t *plain = NULL;
			ch_plain_t pb;
			const uint8_t *prov;
			if (ch_entry_split(l.e[i], l.n[i], &env, &body, &n) != 0 ||
			    ch_env_verify(&env) != 0 || !body ||
			    !(key = key_for(c, kc, &nk, env.epoch, env.audience)) ||
			    ch_body_open(&env, body, n, key, &plain, &pl) != 0) {
				bad++;
				continue;
			}
			if (ch_plain_decode(plain, pl, &pb) == 0 && pb.certlen == 0) {
				/* Written by the daemon itself (membership): the org's
				 * signature is all there is to check. */
				free(plain);
				continue;
			}
			if (ch_plain_decode(plain, pl, &pb) != 0 ||
			    !(prov = cert_for(memo, &nmemo, pb.cert, pb.certlen)) ||
			    ch_plain_verify(plain, pl, env.case_id, env.audience, prov) != 0)
				bad++;
			free(plain);
		}
		rate[p] = (double)l.count / (now_s() - t0);
		fprintf(stderr, "bench:   verify pass %ld: %zu entries, %.0f entries/s\n",
		    p + 1, l.count, rate[p]);
	}
	if (bad) {
		fprintf(stderr, "bench_verify: %zu entries did not verify\n", bad);
		return 1;
	}
	qsort(rate, (size_t)passes, sizeof(double), cmp_double);
	double med = passes % 2 ? rate[passes / 2] :
	    (rate[passes / 2 - 1] + rate[passes / 2]) / 2;
	printf("BENCH verify_entries_per_s %.0f entries/s\n", med);
	free(rate);
	for (size_t i = 0; i < l.count; i++)
		free(l.e[i]);
	free(l.e);
	free(l.n);
	sodium_memzero(kc, sizeof(kc));
	store_destroy(&s);
	keys_secret_destroy(&k);
	return 0;
}
