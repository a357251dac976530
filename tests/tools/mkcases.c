/* mkcases.c - many cases shared by two organizations, written straight into
 * both stores with their daemons stopped, as the daemons' own post path and
 * sync would leave them, so that the two daemons can then be started over
 * them and sync with each other. Used by tests/bench.sh (rss_mib_10k_cases,
 * idle_round_bytes_10k_cases).
 *
 *   mkcases DIR_A HOME_A DIR_B HOME_B ORGPASSFILE PROVPASSFILE CASES PER_CASE
 *
 * DIR_A and DIR_B are data directories made by `cahierd init`, each with
 * the other's card imported (`cahierd peer add`); HOME_A and HOME_B are the
 * homes of a provider enrolled at each (`cahier enroll`), their keys under
 * PROVPASSFILE, the organizations' under ORGPASSFILE. For each case:
 *
 *   - A's provider opens it and adds B (role home-nursing) through A's post
 *     path (post_handle: the genesis and the epoch entry, keys sealed to
 *     each member);
 *   - B joins it from A's feed as from a peer's batch (member_join: every
 *     check of the rules);
 *   - PER_CASE - 2 notes follow, one feed after the other (A, B, A, ...),
 *     each a provider-signed plain body with the provider's real
 *     certificate, sealed under the case's network key and signed as its
 *     organization's next entry: stored in both stores. The notes of the
 *     first case, and of every 1000th, pass through ingest_entry in both
 *     stores (every check of a post and of a peer's entry); the others are
 *     stored with store_entry_put, which is what ingest_entry ends with for
 *     a note that passes (the same records: entries and heads).
 *
 * So each case holds PER_CASE entries in each store, byte-identical feeds.
 * The writes of MKCASES_BATCH (16) cases are committed together, one commit
 * per environment. Progress on stderr; on stdout the case ids, one a line
 * (hex). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "../../daemon/clock.h"
#include "../../daemon/daemon.h"
#include "../../daemon/derr.h"
#include "../../daemon/ingest.h"
#include "../../daemon/log.h"
#include "../../daemon/member.h"
#include "../../daemon/peers.h"
#include "../../daemon/post.h"
#include "../../daemon/state.h"
#include "../../proto/entry.h"
#include "../../proto/info.h"

#define MKCASES_BATCH 16
#define CHECK_EVERY 1000

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;
	fputs("mkcases: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
path_in(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		die("out of memory");
	return p;
}

static keys_secret_t *
unlock(const char *keyfile, uint8_t kind, const char *passfile)
{
	char *pass = NULL;
	size_t plen = 0;
	keys_secret_t *k = NULL;
	int rc = keys_pass_read(NULL, passfile, -1, 0, &pass, &plen);
	if (rc)
		die("cannot read the passphrase in %s: %s", passfile, ch_strerror(rc));
	rc = keys_file_read(keyfile, kind, pass, plen, &k);
	keys_pass_free(&pass);
	if (rc)
		die("cannot open %s: %s", keyfile, ch_strerror(rc));
	return k;
}

static uint8_t *
read_armored(const char *dir, const char *name, const char *label, size_t *n)
{
	char *path = path_in(dir, name), *text = NULL;
	size_t tl = 0;
	uint8_t *out = NULL;
	int rc = keys_slurp(path, &text, &tl);
	if (rc)
		die("cannot read %s: %s", path, ch_strerror(rc));
	if ((rc = keys_dearmor(label, text, tl, &out, n)) != 0)
		die("%s: %s", path, ch_strerror(rc));
	free(text);
	free(path);
	return out;
}

/* One organization: its daemon's modules over its directory (locked), and
 * its provider. */
typedef struct {
	cahierd_t *d;
	int lockfd;
	keys_secret_t *prov;
	provider_t pv;
} org_t;

static void
org_open(org_t *o, const char *dir, const char *home, const char *orgpass,
    const char *provpass)
{
	config_t cfg;
	char err[512], *p;
	uint8_t *card;
	size_t cardlen = 0;
	keys_secret_t *keys;
	int rc;

	memset(o, 0, sizeof(*o));
	if (config_load(dir, &cfg, err, sizeof(err)) != 0)
		die("%s", err);
	p = path_in(dir, "cahierd.lock");
	o->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (o->lockfd < 0 || flock(o->lockfd, LOCK_EX | LOCK_NB) != 0)
		die("cannot lock %s (is cahierd running?)", p);
	free(p);
	p = path_in(dir, "org.key");
	keys = unlock(p, KEYS_KIND_ORG, orgpass);
	free(p);
	card = read_armored(dir, "org.card", "ORG CARD", &cardlen);
	if ((rc = cahierd_new(dir, &cfg, &keys, &card, cardlen, &o->d)) != 0)
		die("cannot open the store of %s: %s", dir, derr_str(rc));
	/* The other organization's card, imported by `cahierd peer add`: the
	 * post path adds a member from the peers it knows. */
	if ((rc = peers_load(o->d->peers, o->d->store, o->d->keys->sign_pk)) != 0)
		die("cannot load the peers of %s: %s", dir, derr_str(rc));
	p = path_in(home, "provider.key");
	o->prov = unlock(p, KEYS_KIND_PROVIDER, provpass);
	free(p);
	o->pv.certbuf = read_armored(home, "provider.cert", "PROVIDER CERT", &o->pv.certlen);
	if (keys_cert_parse(o->pv.certbuf, o->pv.certlen, &o->pv.cert) != 0)
		die("the certificate in %s does not parse", home);
}

static void
org_close(org_t *o)
{
	keys_cert_clear(&o->pv.cert);
	free(o->pv.certbuf);
	keys_secret_destroy(&o->prov);
	cahierd_destroy(&o->d);
	close(o->lockfd);
}

static scase_t *
case_of(org_t *o, const uint8_t id[16])
{
	scase_t *c;
	int rc;
	if ((rc = store_case_get(o->d->store, id, 0, &c)) != 0)
		die("case lost: %s", store_strerror(rc));
	return c;
}

/* A's provider posts kind with fields to case id through A's post path. */
static void
post_at(org_t *o, const uint8_t id[16], uint8_t kind, const uint8_t *fields, size_t fl)
{
	ch_plain_t pl;
	ch_postreq_t rq;
	uint8_t *plain, *req;
	size_t pln, rl;
	cahierd_reply_t rep;

	memset(&pl, 0, sizeof(pl));
	pl.version = 1;
	pl.kind = kind;
	pl.cert = o->pv.certbuf;
	pl.certlen = o->pv.certlen;
	pl.hlc = (uint64_t)clock_now_ms() << 16;
	pl.fields = fields;
	pl.fieldslen = fl;
	if (ch_plain_encode(&pl, id, CH_AUD_NETWORK, o->prov->sign_sk, &plain, &pln) != 0)
		die("cannot encode a plain body");
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.case_id, id, 16);
	rq.audience = CH_AUD_NETWORK;
	rq.plain.p = plain;
	rq.plain.n = pln;
	if (ch_postreq_encode(&rq, &req, &rl) != 0)
		die("cannot encode a post");
	memset(&rep, 0, sizeof(rep));
	post_handle(o->d, &o->pv, req, rl, &rep);
	if (rep.status != CH_ST_OK) {
		char why[CH_REFUSAL_MAX];
		(void)ch_refusal_text(rep.body, rep.len, why, sizeof(why));
		die("post of kind %u refused: %s", kind, why);
	}
	free(rep.body);
	free(plain);
	free(req);
}

/* A's feed of case id, from seq 1 to its head, as a peer's batch. */
typedef struct {
	ch_slice_t items[8];
	uint8_t *own[8];
	size_t n;
} batch_t;

static int
collect(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	batch_t *b = arg;
	(void)org; (void)seq;
	if (b->n == 8 || !(b->own[b->n] = malloc(n)))
		return -1;
	memcpy(b->own[b->n], e, n);
	b->items[b->n].p = b->own[b->n];
	b->items[b->n].n = n;
	b->n++;
	return 0;
}

/* Where each feed of the case is: its head (seq, id). */
typedef struct {
	uint64_t seq;
	uint8_t id[32];
} head_t;

/* The next note of org o's feed, made as feed_append makes an entry
 * (sealed, hashed, signed by the org), with a plain body signed by its
 * provider; stored at both organizations. */
static void
note(org_t *orgs, int o, const uint8_t id[16], head_t *h, uint64_t time_ms, long n,
    int check)
{
	org_t *w = &orgs[o];
	scase_t *c = case_of(w, id);
	char text[160];
	uint8_t *fields = NULL, *plain = NULL, *body = NULL, *e, key[32], eid[32];
	size_t fl = 0, pln = 0, bl = 0;
	ch_plain_t pl;
	ch_env_t env;
	int rc;

	snprintf(text, sizeof(text), "Dagelijkse zorg %ld: wassen, medicatie, maaltijd, "
	    "bloeddruk gemeten, mevrouw was opgewekt.", n);
	if (ch_note_encode(text, &fields, &fl) != 0)
		die("cannot encode a note");
	memset(&pl, 0, sizeof(pl));
	pl.version = 1;
	pl.kind = CH_KIND_NOTE;
	pl.cert = w->pv.certbuf;
	pl.certlen = w->pv.certlen;
	pl.hlc = time_ms << 16;
	pl.fields = fields;
	pl.fieldslen = fl;
	if (ch_plain_encode(&pl, id, CH_AUD_NETWORK, w->prov->sign_sk, &plain, &pln) != 0)
		die("cannot encode a plain body");
	if ((rc = store_key_get(c, state_epoch(c), CH_AUD_NETWORK, key)) != 0)
		die("no network key: %s", store_strerror(rc));
	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, id, 16);
	memcpy(env.org, w->d->keys->sign_pk, 32);
	env.seq = h->seq + 1;
	memcpy(env.prev, h->id, 32);
	env.epoch = state_epoch(c);
	env.audience = CH_AUD_NETWORK;
	env.time_ms = time_ms;
	if (ch_body_seal(&env, NULL, 0, key, plain, pln, &body, &bl) != 0)
		die("cannot seal a body");
	sodium_memzero(key, sizeof(key));
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	ch_env_sign(&env, w->d->keys->sign_sk);
	if (!(e = malloc(CH_ENV_LEN + bl)))
		die("out of memory");
	ch_env_encode(&env, e);
	memcpy(e + CH_ENV_LEN, body, bl);
	ch_env_id(&env, eid);
	for (int k = 0; k < 2; k++) {
		scase_t *at = case_of(&orgs[k], id);
		if (check)
			rc = ingest_entry(orgs[k].d->in, at, e, CH_ENV_LEN + bl, "mkcases");
		else
			rc = store_entry_put(at, env.org, env.seq, eid, e, CH_ENV_LEN + bl);
		if (rc != 0)
			die("note %ld refused at org %c: %s", n, 'A' + k, derr_str(rc));
	}
	h->seq = env.seq;
	memcpy(h->id, eid, 32);
	free(e);
	free(body);
	sodium_memzero(plain, pln);
	free(plain);
	free(fields);
}

static void
make_case(org_t *orgs, long i, long per_case, const uint8_t *card_b, size_t cardlen_b,
    uint8_t id[16])
{
	uint8_t salt[16], *fl, coord[32];
	size_t fln;
	char name[64];
	batch_t b;
	scase_t *c;
	ingest_tally_t t;
	head_t h[2];
	int rc;

	randombytes_buf(salt, sizeof(salt));
	ch_case_id(orgs[0].d->keys->sign_pk, salt, id);
	snprintf(name, sizeof(name), "Bench case %ld", i + 1);
	if (ch_create_encode(salt, name, &fl, &fln) != 0)
		die("cannot encode a case creation");
	post_at(&orgs[0], id, CH_REQ_CASE_NEW, fl, fln);
	free(fl);
	if (ch_member_encode(card_b, cardlen_b, "home-nursing", &fl, &fln) != 0)
		die("cannot encode a membership request");
	post_at(&orgs[0], id, CH_REQ_ADD_ORG, fl, fln);
	free(fl);

	/* B joins from A's feed, as from a peer's batch. */
	memset(&b, 0, sizeof(b));
	memset(h, 0, sizeof(h));
	c = case_of(&orgs[0], id);
	if ((rc = store_head(c, orgs[0].d->keys->sign_pk, &h[0].seq, h[0].id)) != 0 ||
	    store_feed_each(c, orgs[0].d->keys->sign_pk, 1, h[0].seq, collect, &b) != 0)
		die("cannot read the feed of A");
	if ((rc = member_join(orgs[1].d->in, orgs[1].d->store, id, b.items, b.n, "A", &c,
	    coord, &t)) != 0 || t.stored != b.n)
		die("B could not join case %ld: %s (%zu of %zu stored)", i + 1, derr_str(rc),
		    t.stored, b.n);
	for (size_t k = 0; k < b.n; k++)
		free(b.own[k]);

	uint64_t t0 = (uint64_t)clock_now_ms();
	int check = i % CHECK_EVERY == 0;
	for (long j = 0; j + 2 < per_case; j++)
		note(orgs, (int)(j % 2), id, &h[j % 2], t0 + (uint64_t)j + 1, j + 1, check);
}

static long
count(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		die("bad count '%s' (%ld..%ld)", s, min, max);
	return v;
}

int
main(int argc, char **argv)
{
	org_t orgs[2];
	uint8_t *card_b, id[16];
	size_t cardlen_b = 0;
	char hex[33];
	int rc;

	if (argc != 9) {
		fprintf(stderr, "usage: mkcases DIR_A HOME_A DIR_B HOME_B ORGPASSFILE PROVPASSFILE "
		    "CASES PER_CASE\n");
		return 2;
	}
	long ncases = count(argv[7], 1, 1000000), per_case = count(argv[8], 2, 1000000);
	if (sodium_init() < 0)
		return 1;
	log_init("mkcases", LOG_LVL_WARN);
	org_open(&orgs[0], argv[1], argv[2], argv[5], argv[6]);
	org_open(&orgs[1], argv[3], argv[4], argv[5], argv[6]);
	card_b = read_armored(argv[3], "org.card", "ORG CARD", &cardlen_b);

	double t = now_s(), next = t + 10;
	for (long i = 0; i < ncases; i++) {
		make_case(orgs, i, per_case, card_b, cardlen_b, id);
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		printf("%s\n", hex);
		if ((i + 1) % MKCASES_BATCH == 0 || i + 1 == ncases) {
			for (int k = 0; k < 2; k++)
				if ((rc = store_commit(orgs[k].d->store)) != 0)
					die("commit failed at org %c: %s", 'A' + k, store_strerror(rc));
		}
		if (now_s() >= next || i + 1 == ncases) {
			fprintf(stderr, "mkcases: %ld of %ld cases (%ld entries each) in %.0f s\n",
			    i + 1, ncases, per_case, now_s() - t);
			next = now_s() + 10;
		}
	}
	free(card_b);
	org_close(&orgs[0]);
	org_close(&orgs[1]);
	return fflush(stdout) == 0 ? 0 : 1;
}
