/* bench_gen.c - appends N notes to a case straight into an organization's
 * store, with its daemon stopped: each note is a provider-signed plain body
 * carrying the provider's real certificate, sealed, signed as the org's next
 * entry and stored through feed_append (so through ingest_entry's checks, as a
 * post would be). Writes are committed every 1000 entries. Used by
 * tests/bench.sh to build a large case without one fsync per entry.
 *
 *   bench_gen DIR ORGPASSFILE HOME PROVPASSFILE CASE N */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <sodium.h>

#include "../../daemon/clock.h"
#include "../../daemon/daemon.h"
#include "../../daemon/derr.h"
#include "../../daemon/feed.h"
#include "../../daemon/state.h"
#include "../../daemon/log.h"

#define COMMIT_EVERY 1000

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;
	fputs("bench_gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
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
read_armored(const char *path, const char *label, size_t *n)
{
	char *text = NULL;
	size_t tl = 0;
	uint8_t *out = NULL;
	int rc = keys_slurp(path, &text, &tl);
	if (rc)
		die("cannot read %s: %s", path, ch_strerror(rc));
	if ((rc = keys_dearmor(label, text, tl, &out, n)) != 0)
		die("%s: %s", path, ch_strerror(rc));
	free(text);
	return out;
}

int
main(int argc, char **argv)
{
	cahierd_t *d;
	config_t cfg;
	keys_secret_t *keys;
	uint8_t *card;
	size_t cardlen = 0;
	char err[512], *p;
	uint8_t case_id[16], key[32], *cert, id[32];
	size_t certlen, bl = 0;
	long n;
	scase_t *c;
	int rc;

	if (argc != 7) {
		fprintf(stderr, "usage: bench_gen DIR ORGPASSFILE HOME PROVPASSFILE CASE N\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	errno = 0;
	n = strtol(argv[6], &p, 10);
	if (errno || *p || n < 1 || n > 10000000)
		die("bad count '%s'", argv[6]);
	if (strlen(argv[5]) != 32 ||
	    sodium_hex2bin(case_id, 16, argv[5], 32, NULL, &bl, NULL) != 0 || bl != 16)
		die("'%s' is not a full case id", argv[5]);
	log_init("bench_gen", LOG_LVL_WARN);

	const char *dir = argv[1];
	if (config_load(dir, &cfg, err, sizeof(err)) != 0)
		die("%s", err);
	/* The daemon must not run on this directory meanwhile. */
	char *lockpath = path_in(dir, "cahierd.lock");
	int lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0)
		die("cannot lock %s (is cahierd running?)", lockpath);
	free(lockpath);
	p = path_in(dir, "org.key");
	keys = unlock(p, KEYS_KIND_ORG, argv[2]);
	free(p);
	p = path_in(dir, "org.card");
	card = read_armored(p, "ORG CARD", &cardlen);
	free(p);

	p = path_in(argv[3], "provider.key");
	keys_secret_t *prov = unlock(p, KEYS_KIND_PROVIDER, argv[4]);
	free(p);
	p = path_in(argv[3], "provider.cert");
	cert = read_armored(p, "PROVIDER CERT", &certlen);
	free(p);

	if ((rc = cahierd_new(dir, &cfg, &keys, &card, cardlen, &d)) != 0)
		die("cannot open the store: %s", derr_str(rc));
	if ((rc = store_case_get(d->store, case_id, 0, &c)) != 0)
		die("no case %s here: %s", argv[5], store_strerror(rc));
	if ((rc = store_key_get(c, state_epoch(c), CH_AUD_NETWORK, key)) != 0)
		die("no network key for case %s: %s", argv[5], store_strerror(rc));

	uint64_t hlc0 = (uint64_t)clock_now_ms() << 16;
	for (long i = 0; i < n; i++) {
		char text[160];
		uint8_t *fields = NULL, *plain = NULL, *entry = NULL;
		size_t fl = 0, pl = 0, el = 0;
		ch_plain_t pb;

		snprintf(text, sizeof(text),
		    "bench note %ld of %ld: Wondzorg linkervoet; pijn 3/10. Insuline aangepast.",
		    i + 1, n);
		if (ch_note_encode(text, &fields, &fl) != 0)
			die("cannot encode a note");
		memset(&pb, 0, sizeof(pb));
		pb.version = 1;
		pb.kind = CH_KIND_NOTE;
		pb.cert = cert;
		pb.certlen = certlen;
		pb.hlc = hlc0 + (uint64_t)i;
		pb.fields = fields;
		pb.fieldslen = fl;
		if (ch_plain_encode(&pb, case_id, CH_AUD_NETWORK, prov->sign_sk, &plain, &pl) != 0)
			die("cannot encode a plain body");
		/* feed_append needs a fresh case handle after a commit: store_case_get
		 * may evict only handles without pending writes, and it returns the
		 * cached one. */
		if ((rc = store_case_get(d->store, case_id, 0, &c)) != 0)
			die("case lost: %s", store_strerror(rc));
		rc = feed_append(d->in, c, state_epoch(c), CH_AUD_NETWORK, NULL, 0, key, plain, pl,
		    &entry, &el, id);
		if (rc)
			die("feed_append refused an entry: %s", derr_str(rc));
		free(entry);
		free(plain);
		free(fields);
		if ((i + 1) % COMMIT_EVERY == 0 || i + 1 == n) {
			if ((rc = store_commit(d->store)) != 0)
				die("commit failed: %s", store_strerror(rc));
			if ((i + 1) % 10000 == 0 || i + 1 == n)
				fprintf(stderr, "bench:   %ld of %ld entries appended\n", i + 1, n);
		}
	}
	sodium_memzero(key, sizeof(key));
	cahierd_destroy(&d);
	keys_secret_destroy(&prov);
	free(cert);
	close(lockfd);
	return 0;
}
