/* forge.c - a member organization turned malicious: builds one forged entry
 * of its own feed and sends it to a peer daemon as a CH_PM_ENTRIES message,
 * through the peer socket, authenticated with the org's own CURVE key.
 * The org's daemon must be stopped (we read its store, never write it).
 *
 * forge -d ORGDIR --passphrase-file F --case CASEHEX --to ENDPOINT
 *       --to-card CARDFILE --kind KIND
 *       [--provider-key FILE --provider-pass F] [--provider-cert FILE]
 * KIND: valid orgsig provsig prev gap epoch fork garbage */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <sodium.h>

#include "../../daemon/state.h"
#include "../../daemon/store.h"
#include "../../keys/keys.h"
#include "../../proto/entry.h"
#include "../../proto/msg.h"

static const char *dir, *passf, *casehex, *to, *tocard, *kind;
static const char *provkey, *provpass, *provcert;

static void
die(const char *what, int rc)
{
	fprintf(stderr, "forge: %s%s%s\n", what, rc ? ": " : "",
	    rc ? ch_strerror(rc) : "");
	exit(2);
}

static void
usage(void)
{
	fprintf(stderr, "usage: forge -d ORGDIR --passphrase-file F --case CASEHEX "
	    "--to ENDPOINT --to-card CARD --kind valid|orgsig|provsig|prev|gap|epoch|fork|garbage "
	    "[--provider-key FILE --provider-pass F] [--provider-cert FILE]\n");
	exit(2);
}

static keys_secret_t *
unlock(const char *path, const char *pf, uint8_t k)
{
	char *pass = NULL;
	size_t plen = 0;
	keys_secret_t *out = NULL;
	int rc = keys_pass_read("passphrase: ", pf, -1, 0, &pass, &plen);
	if (rc)
		die("cannot read the passphrase", rc);
	rc = keys_file_read(path, k, pass, plen, &out);
	keys_pass_free(&pass);
	if (rc)
		die(path, rc);
	return out;
}

static void
read_armored(const char *path, const char *label, uint8_t **out, size_t *n)
{
	char *text = NULL;
	size_t tl = 0;
	int rc = keys_slurp(path, &text, &tl);
	if (rc == 0)
		rc = keys_dearmor(label, text, tl, out, n);
	free(text);
	if (rc)
		die(path, rc);
}

typedef struct { uint8_t *p; size_t n; } buf_t;

static int
first_cert(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	buf_t *b = arg;
	(void)k;
	if (!(b->p = malloc(vlen)))
		return CH_ERR_NOMEM;
	memcpy(b->p, v, vlen);
	b->n = vlen;
	return 1;   /* stop at the first */
}

/* The id of entry seq of org's feed in c (zeros for seq 0). */
static void
entry_id(scase_t *c, const uint8_t org[32], uint64_t seq, uint8_t id[32])
{
	uint8_t *e = NULL;
	size_t n = 0, bl;
	const uint8_t *b;
	ch_env_t env;
	memset(id, 0, 32);
	if (seq == 0)
		return;
	if (store_entry_get(c, org, seq, &e, &n) != 0 || ch_entry_split(e, n, &env, &b, &bl) != 0)
		die("cannot read our own feed", 0);
	ch_env_id(&env, id);
	free(e);
}

/* Builds the forged entry of the chosen kind into *out. */
static void
build(const keys_secret_t *org, uint8_t **out, size_t *outlen)
{
	store_t *s = NULL;
	scase_t *c = NULL;
	uint8_t case_id[16], key[32], *fields = NULL, *plain = NULL, *body = NULL;
	size_t fl = 0, pl = 0, bl = 0, cl;
	uint64_t hseq;
	uint8_t hid[32];
	buf_t cert = { NULL, 0 };
	ch_env_t env;
	ch_plain_t p;
	keys_secret_t *prov = NULL;
	int rc;

	if (sodium_hex2bin(case_id, 16, casehex, strlen(casehex), NULL, &cl, NULL) != 0 || cl != 16)
		die("--case needs 32 hex digits", 0);
	if ((rc = store_open(dir, org->storage, 4, &s)) != 0)
		die(store_strerror(rc), 0);
	if ((rc = store_case_get(s, case_id, 0, &c)) != 0)
		die("this organization does not hold that case", 0);
	if ((rc = store_head(c, org->sign_pk, &hseq, hid)) != 0)
		die("cannot read the head of our feed", 0);
	uint32_t epoch = state_epoch(c);
	if ((rc = store_key_get(c, epoch, CH_AUD_NETWORK, key)) != 0)
		die("no key for the current epoch of that case", 0);
	/* provsig carries a real certificate from the org's providers table. */
	if (provcert && strcmp(kind, "provsig") != 0)
		read_armored(provcert, "PROVIDER CERT", &cert.p, &cert.n);
	else if (store_providers_each(s, first_cert, &cert) < 0 || !cert.p)
		die("no provider certificate in the store", 0);

	if (strcmp(kind, "provsig") == 0)
		prov = keys_secret_new(KEYS_KIND_PROVIDER);   /* not the cert's key */
	else if (provkey)
		prov = unlock(provkey, provpass ? provpass : passf, KEYS_KIND_PROVIDER);
	else
		die("--provider-key is needed for this kind", 0);
	if (!prov)
		die("out of memory", 0);

	char text[128];
	snprintf(text, sizeof(text), "forged entry (%s)", kind);
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = CH_KIND_NOTE;
	p.cert = cert.p;
	p.certlen = cert.n;
	p.hlc = (uint64_t)zclock_time() << 16;
	if ((rc = ch_note_encode(text, &fields, &fl)) != 0 ||
	    (p.fields = fields, p.fieldslen = fl,
	    rc = ch_plain_encode(&p, case_id, CH_AUD_NETWORK, prov->sign_sk, &plain, &pl)) != 0)
		die("cannot encode the body", rc);
	keys_secret_destroy(&prov);

	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, case_id, 16);
	memcpy(env.org, org->sign_pk, 32);
	env.seq = hseq + 1;
	memcpy(env.prev, hid, 32);
	env.audience = CH_AUD_NETWORK;
	env.epoch = epoch;
	env.time_ms = (uint64_t)zclock_time();
	if (strcmp(kind, "prev") == 0) {
		randombytes_buf(env.prev, 32);
	} else if (strcmp(kind, "gap") == 0) {
		env.seq = hseq + 2;
		memset(env.prev, 0, 32);
	} else if (strcmp(kind, "epoch") == 0) {
		env.epoch = epoch + 7;
	} else if (strcmp(kind, "fork") == 0) {
		if (hseq == 0)
			die("our feed is empty: nothing to fork", 0);
		env.seq = hseq;
		entry_id(c, org->sign_pk, hseq - 1, env.prev);
	}
	rc = ch_body_seal(&env, NULL, 0, key, plain, pl, &body, &bl);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(plain, pl);
	if (rc)
		die("cannot seal the body", rc);
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	ch_env_sign(&env, org->sign_sk);
	if (strcmp(kind, "orgsig") == 0)
		env.sig[17] ^= 0x01;
	if (!(*out = malloc(CH_ENV_LEN + bl)))
		die("out of memory", 0);
	ch_env_encode(&env, *out);
	memcpy(*out + CH_ENV_LEN, body, bl);
	*outlen = CH_ENV_LEN + bl;
	fprintf(stderr, "forge: %s entry, seq %llu, %zu bytes\n", kind,
	    (unsigned long long)env.seq, *outlen);
	free(body);
	free(plain);
	free(fields);
	free(cert.p);
	store_destroy(&s);   /* aborts: nothing written */
}

int
main(int argc, char **argv)
{
	static const char *const kinds[] = { "valid", "orgsig", "provsig", "prev",
		"gap", "epoch", "fork", "garbage", NULL };
	uint8_t *entry = NULL, *batch = NULL, *msg = NULL, *card = NULL;
	size_t el = 0, bl = 0, ml = 0, cardlen = 0;
	keys_card_t tc;
	char z85[41];
	int rc, known = 0;

	for (int i = 1; i < argc; i++) {
		const char **dst = NULL;
		if (strcmp(argv[i], "-d") == 0) dst = &dir;
		else if (strcmp(argv[i], "--passphrase-file") == 0) dst = &passf;
		else if (strcmp(argv[i], "--case") == 0) dst = &casehex;
		else if (strcmp(argv[i], "--to") == 0) dst = &to;
		else if (strcmp(argv[i], "--to-card") == 0) dst = &tocard;
		else if (strcmp(argv[i], "--kind") == 0) dst = &kind;
		else if (strcmp(argv[i], "--provider-key") == 0) dst = &provkey;
		else if (strcmp(argv[i], "--provider-pass") == 0) dst = &provpass;
		else if (strcmp(argv[i], "--provider-cert") == 0) dst = &provcert;
		if (!dst || i + 1 >= argc)
			usage();
		*dst = argv[++i];
	}
	if (!dir || !passf || !casehex || !to || !tocard || !kind)
		usage();
	for (size_t i = 0; kinds[i]; i++)
		known |= strcmp(kinds[i], kind) == 0;
	if (!known)
		usage();
	if (sodium_init() < 0)
		die("libsodium did not start", 0);

	char path[4096];
	snprintf(path, sizeof(path), "%s/org.key", dir);
	keys_secret_t *org = unlock(path, passf, KEYS_KIND_ORG);
	read_armored(tocard, "ORG CARD", &card, &cardlen);
	if ((rc = keys_card_parse(card, cardlen, &tc)) != 0)
		die(tocard, rc);
	zmq_z85_encode(z85, tc.curve_pk, 32);
	keys_card_clear(&tc);
	free(card);

	if (strcmp(kind, "garbage") == 0) {
		bl = 64 + randombytes_uniform(512);
		if (!(batch = malloc(bl)))
			die("out of memory", 0);
		randombytes_buf(batch, bl);
	} else {
		uint8_t case_id[16];
		size_t cl;
		build(org, &entry, &el);
		ch_slice_t it = { entry, el };
		if (sodium_hex2bin(case_id, 16, casehex, strlen(casehex), NULL, &cl, NULL) != 0 ||
		    (rc = ch_batch_encode(case_id, 0, &it, 1, &batch, &bl)) != 0)
			die("cannot encode the batch", 0);
	}
	if ((rc = ch_msg_encode(CH_MAGIC_PEER, CH_PM_ENTRIES, 0, batch, bl, &msg, &ml)) != 0)
		die("cannot encode the message", rc);

	zcert_t *zc = zcert_new_from(org->curve_pk, org->curve_sk);
	zsock_t *sock = zsock_new(ZMQ_DEALER);
	if (!zc || !sock)
		die("cannot make the socket", 0);
	zcert_apply(zc, sock);
	zsock_set_curve_serverkey(sock, z85);
	zsock_set_linger(sock, 1000);
	if (zsock_connect(sock, "%s", to) != 0)
		die("cannot connect", 0);
	zframe_t *f = zframe_new(msg, ml);
	if (!f || zframe_send(&f, sock, 0) != 0)
		die("cannot send", 0);
	zclock_sleep(300);
	zsock_destroy(&sock);
	zcert_destroy(&zc);
	keys_secret_destroy(&org);
	free(entry);
	free(batch);
	free(msg);
	return 0;
}
