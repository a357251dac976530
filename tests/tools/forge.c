/* forge.c - a member organization turned malicious: builds forged entries
 * of its own feed, or raw peer messages, and sends them to a peer daemon
 * through its peer socket, authenticated with the org's own CURVE key.
 * The org's daemon must be stopped (we read its store, never write it).
 * forge never reads what the daemon answers (a peer that never reads: its
 * receive queue holds one message and a small kernel buffer, so the
 * daemon's queues towards it fill up and stay full), except for the kind
 * unheld, which counts the answers.
 *
 * forge -d ORGDIR --passphrase-file F --case CASEHEX --to ENDPOINT
 *       --to-card CARDFILE --kind KIND [--count N] [--bytes N] [--conns K]
 *       [--vectors empty|mixed] [--wait MS]
 *       [--provider-key FILE --provider-pass F] [--provider-cert FILE]
 * KIND, one ENTRIES message of one forged entry:
 *   valid orgsig provsig prev gap epoch fork garbage
 * KIND, raw peer messages:
 *   chain       one ENTRIES message of --count valid entries, chained from
 *               our feed's head (seq head+1 .. head+N)
 *   entryflood  --count ENTRIES messages, each one entry with a bad
 *               organization signature
 *   syncflood   --count SYNC messages for the case, over --conns
 *               connections; --vectors empty (default): each claims to hold
 *               nothing, so each asks for the whole case; mixed: empty, every
 *               feed at seq 0, our real heads, heads minus a random step, in
 *               turn
 *   bigframe    one SYNC frame of --bytes bytes (default CH_MSG_MAX): a valid
 *               header, then zeros
 *   frames      a valid SYNC (claiming nothing) followed by two extra frames
 *               in one multi-part message
 *   status      a valid SYNC (claiming nothing) with status byte 1
 *   pullflood   --count PULL messages, each asking for every change of a
 *               run the daemon never had (so: every case), over --conns
 *               connections
 *   changesflood --count CHANGES messages nobody asked for, each of
 *               CH_CHANGES_MAX vectors of made-up cases that claim many
 *               entries, over --conns connections
 * KIND access: one ENTRIES message of --count valid access records (kind
 * 32, action list: the certificate of our provider, no request, no
 * entries), chained from our feed's head: records that pass every rule,
 * as many as a batch holds, to load what the records of a case cost
 * their readers (the access hook, notify.h).
 * KIND care: one ENTRIES message of valid entries (signatures, chain,
 * epoch all right) whose care references break the rules the posting
 * daemon applies and every daemon's index applies at display (PROTOCOL.md
 * "Care entries: references"), chained from our feed's head, in this
 * order, each given by the hex id of its target:
 *   --edit HEX  a note (network) that supersedes the entry HEX, another
 *               organization's note
 *   --ack HEX   an acknowledgement of the alert HEX, from an organization
 *               it is not addressed to
 *   --hide HEX  a hide of the entry HEX, written by another organization
 * KIND unheld: --count ENTRIES messages, each a whole batch (more = 0) of
 * one valid entry of --case, a case of ours the daemon does not hold and
 * cannot join from them. forge reads what the daemon answers on that
 * connection during --wait and reports on stderr
 *   "forge: answers: N SYNC(s) asking for the case, M other message(s)"
 * (a daemon asks a peer for a case it does not hold at most once in
 * SYNC_WAIT_MS, however many batches of it come: daemon/sync.c).
 * KIND erasure --erase HEX: one ENTRIES message holding the erased form of
 * the entry HEX of another organization's feed, held in our store, with a
 * proof that we sign (a forged erasure: not the writer's).
 * Before it closes, forge waits --wait ms (default 300) and reports on
 * stderr whether the daemon dropped its first connection:
 *   "forge: the peer dropped the connection" or "forge: the connection
 *   stayed open". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <sodium.h>

#include "../../daemon/state.h"
#include "../../daemon/store.h"
#include "../../keys/keys.h"
#include "../../proto/entry.h"
#include "../../proto/kinds.h"
#include "../../proto/msg.h"

static const char *dir, *passf, *casehex, *to, *tocard, *kind;
static const char *provkey, *provpass, *provcert;
static const char *vectors = "empty";
static const char *care_edit, *care_ack, *care_hide, *erase_hex;
static long count = 1, conns = 1, waitms = 300;
static size_t frame_bytes = CH_MSG_MAX;

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
	    "--to ENDPOINT --to-card CARD --kind valid|orgsig|provsig|prev|gap|epoch|fork|garbage|"
	    "chain|entryflood|syncflood|pullflood|changesflood|bigframe|frames|status|care|erasure|access|"
	    "unheld "
	    "[--edit HEX] [--ack HEX] [--hide HEX] [--erase HEX] "
	    "[--count N] [--bytes N] [--conns K] [--vectors empty|mixed] [--wait MS] "
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

static void
case_id_parse(uint8_t case_id[16])
{
	size_t cl;
	if (sodium_hex2bin(case_id, 16, casehex, strlen(casehex), NULL, &cl, NULL) != 0 || cl != 16)
		die("--case needs 32 hex digits", 0);
}

/* What forging needs from the org's own store, read once: the head of our
 * feed, the current epoch and its network key, a provider certificate and
 * key, and the case's feed heads. */
typedef struct {
	store_t *s;
	scase_t *c;
	uint8_t case_id[16];
	uint64_t hseq;
	uint8_t hid[32];
	uint32_t epoch;
	uint8_t key[32];
	buf_t cert;
	keys_secret_t *prov;
	ch_vec_t heads;
	size_t headcap;
} ctx_t;

static int
head_add(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	ctx_t *x = arg;
	(void)id;
	if (x->heads.n == x->headcap) {
		size_t cap = x->headcap ? 2 * x->headcap : 8;
		void *o = realloc(x->heads.org, cap * 32), *q;
		if (!o)
			return CH_ERR_NOMEM;
		x->heads.org = o;
		if (!(q = realloc(x->heads.seq, cap * sizeof(uint64_t))))
			return CH_ERR_NOMEM;
		x->heads.seq = q;
		x->headcap = cap;
	}
	memcpy(x->heads.org[x->heads.n], org, 32);
	x->heads.seq[x->heads.n++] = seq;
	return 0;
}

/* Opens the store and reads the case; with entries set, also the key, the
 * certificate and the provider's key that forging entries needs. */
static void
ctx_open(ctx_t *x, const keys_secret_t *org, int entries)
{
	int rc;
	memset(x, 0, sizeof(*x));
	case_id_parse(x->case_id);
	memcpy(x->heads.case_id, x->case_id, 16);
	if ((rc = store_open(dir, org->storage, 4, &x->s)) != 0)
		die(store_strerror(rc), 0);
	if ((rc = store_case_get(x->s, x->case_id, 0, &x->c)) != 0)
		die("this organization does not hold that case", 0);
	if ((rc = store_head(x->c, org->sign_pk, &x->hseq, x->hid)) != 0)
		die("cannot read the head of our feed", 0);
	if (store_heads_each(x->c, head_add, x) != 0)
		die("cannot read the heads of the case", 0);
	if (!entries)
		return;
	x->epoch = state_epoch(x->c);
	if ((rc = store_key_get(x->c, x->epoch, CH_AUD_NETWORK, x->key)) != 0)
		die("no key for the current epoch of that case", 0);
	/* provsig carries a real certificate from the org's providers table. */
	if (provcert && strcmp(kind, "provsig") != 0)
		read_armored(provcert, "PROVIDER CERT", &x->cert.p, &x->cert.n);
	else if (store_providers_each(x->s, first_cert, &x->cert) < 0 || !x->cert.p)
		die("no provider certificate in the store", 0);
	if (strcmp(kind, "provsig") == 0)
		x->prov = keys_secret_new(KEYS_KIND_PROVIDER);   /* not the cert's key */
	else if (provkey)
		x->prov = unlock(provkey, provpass ? provpass : passf, KEYS_KIND_PROVIDER);
	else
		die("--provider-key is needed for this kind", 0);
	if (!x->prov)
		die("out of memory", 0);
}

static void
ctx_close(ctx_t *x)
{
	sodium_memzero(x->key, sizeof(x->key));
	keys_secret_destroy(&x->prov);
	free(x->cert.p);
	ch_vec_clear(&x->heads);
	store_destroy(&x->s);   /* aborts: nothing written */
}

/* Builds one forged entry of kind k into *out: by default the next entry
 * of our feed (seq, prev); the kind decides what is wrong with it. */
static void
forge_entry(ctx_t *x, const keys_secret_t *org, const char *k, uint64_t seq,
    const uint8_t prev[32], uint8_t **out, size_t *outlen, uint8_t id[32])
{
	uint8_t *fields = NULL, *plain = NULL, *body = NULL;
	size_t fl = 0, pl = 0, bl = 0;
	ch_env_t env;
	ch_plain_t p;
	int rc;

	char text[128];
	snprintf(text, sizeof(text), "forged entry (%.40s)", k);
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = CH_KIND_NOTE;
	p.cert = x->cert.p;
	p.certlen = x->cert.n;
	p.hlc = (uint64_t)zclock_time() << 16;
	ch_fields_t cf;
	memset(&cf, 0, sizeof(cf));
	if (strncmp(k, "care-", 5) == 0) {
		/* "care-edit:HEX", "care-ack:HEX", "care-hide:HEX" */
		const char *hex = strchr(k, ':');
		uint8_t target[32];
		size_t tl = 0;
		if (!hex || sodium_hex2bin(target, 32, hex + 1, strlen(hex + 1), NULL, &tl, NULL) != 0 ||
		    tl != 32)
			die("--edit, --ack and --hide take an entry id (64 hex digits)", 0);
		if (strncmp(k, "care-edit", 9) == 0)
			memcpy(p.supersedes, target, 32);
		else if (strncmp(k, "care-ack", 8) == 0) {
			cf.kind = CH_KIND_ACK;
			memcpy(cf.u.ack.alert, target, 32);
			cf.u.ack.text = text;
		} else {
			cf.kind = CH_KIND_HIDE;
			memcpy(cf.u.hide.target, target, 32);
			cf.u.hide.reason = CH_HIDE_ERROR;
		}
	}
	const uint8_t *sk = x->prov->sign_sk;
	if (strcmp(k, "access") == 0) {
		ch_access_t a;
		memset(&a, 0, sizeof(a));
		randombytes_buf(a.event_id, sizeof(a.event_id));
		a.action = CH_ACT_LIST;
		a.outcome = CH_OUT_OK;
		a.purpose = CH_PURPOSE_COORDINATION;
		a.time_ms = (uint64_t)zclock_time();
		a.cert = x->cert.p;
		a.certlen = x->cert.n;
		p.kind = CH_KIND_ACCESS;
		p.cert = NULL;
		p.certlen = 0;
		sk = NULL;   /* an organization's record: no provider signature */
		rc = ch_access_encode(&a, &fields, &fl);
	} else if (cf.kind) {
		p.kind = cf.kind;
		rc = ch_fields_encode(&cf, &fields, &fl);
	} else
		rc = ch_note_encode(text, &fields, &fl);
	if (rc != 0 ||
	    (p.fields = fields, p.fieldslen = fl,
	    rc = ch_plain_encode(&p, x->case_id, CH_AUD_NETWORK, sk, &plain, &pl)) != 0)
		die("cannot encode the body", rc);

	memset(&env, 0, sizeof(env));
	env.version = 1;
	memcpy(env.case_id, x->case_id, 16);
	memcpy(env.org, org->sign_pk, 32);
	env.seq = seq;
	memcpy(env.prev, prev, 32);
	env.audience = CH_AUD_NETWORK;
	env.epoch = x->epoch;
	env.time_ms = (uint64_t)zclock_time();
	if (strcmp(k, "prev") == 0) {
		randombytes_buf(env.prev, 32);
	} else if (strcmp(k, "gap") == 0) {
		env.seq = x->hseq + 2;
		memset(env.prev, 0, 32);
	} else if (strcmp(k, "epoch") == 0) {
		env.epoch = x->epoch + 7;
	} else if (strcmp(k, "fork") == 0) {
		if (x->hseq == 0)
			die("our feed is empty: nothing to fork", 0);
		env.seq = x->hseq;
		entry_id(x->c, org->sign_pk, x->hseq - 1, env.prev);
	}
	rc = ch_body_seal(&env, NULL, 0, x->key, plain, pl, &body, &bl);
	sodium_memzero(plain, pl);
	if (rc)
		die("cannot seal the body", rc);
	env.body_len = (uint32_t)bl;
	crypto_generichash(env.body_hash, 32, body, bl, NULL, 0);
	ch_env_sign(&env, org->sign_sk);
	if (strcmp(k, "orgsig") == 0)
		env.sig[17] ^= 0x01;
	ch_env_id(&env, id);
	if (!(*out = malloc(CH_ENV_LEN + bl)))
		die("out of memory", 0);
	ch_env_encode(&env, *out);
	memcpy(*out + CH_ENV_LEN, body, bl);
	*outlen = CH_ENV_LEN + bl;
	fprintf(stderr, "forge: %s entry, seq %llu, %zu bytes\n", k,
	    (unsigned long long)env.seq, *outlen);
	free(body);
	free(plain);
	free(fields);
}

/* One ENTRIES message holding n entries. */
static void
entries_msg(const uint8_t case_id[16], const ch_slice_t *items, size_t n,
    uint8_t **msg, size_t *ml)
{
	uint8_t *batch = NULL;
	size_t bl = 0;
	int rc;
	if ((rc = ch_batch_encode(case_id, 0, items, n, &batch, &bl)) != 0)
		die("cannot encode the batch", rc);
	if ((rc = ch_msg_encode(CH_MAGIC_PEER, CH_PM_ENTRIES, 0, batch, bl, msg, ml)) != 0)
		die("cannot encode the message", rc);
	free(batch);
}

/* Finding an entry of the case by its id. */
typedef struct {
	scase_t *c;
	uint8_t id[32];
	uint8_t *e;
	size_t n;
} find_t;

static int
find_step(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *e, size_t n)
{
	find_t *f = arg;
	ch_env_t env;
	uint8_t id[32];
	(void)org; (void)seq;
	if (n < CH_ENV_LEN || ch_env_decode(e, CH_ENV_LEN, &env) != 0)
		return 0;
	ch_env_id(&env, id);
	if (memcmp(id, f->id, 32) != 0)
		return 0;
	if (!(f->e = malloc(n)))
		return CH_ERR_NOMEM;
	memcpy(f->e, e, n);
	f->n = n;
	return 1;
}

static int
find_feed(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	find_t *f = arg;
	(void)id;
	if (f->e)
		return 0;
	return store_feed_each(f->c, org, 1, seq, find_step, f) < 0;
}

/* The erased form of the entry --erase names, with our own signature as
 * its proof. */
static void
forge_erasure(ctx_t *x, const keys_secret_t *org, uint8_t **msg, size_t *ml)
{
	find_t f;
	ch_env_t env;
	uint8_t proof[64], out[CH_ERASED_LEN];
	size_t l = 0;
	ch_slice_t it;

	memset(&f, 0, sizeof(f));
	f.c = x->c;
	if (!erase_hex || sodium_hex2bin(f.id, 32, erase_hex, strlen(erase_hex), NULL, &l, NULL) != 0 ||
	    l != 32)
		die("--kind erasure needs --erase HEX (an entry id, 64 hex digits)", 0);
	if (store_heads_each(x->c, find_feed, &f) != 0 || !f.e)
		die("that entry is not in our store", 0);
	if (ch_env_decode(f.e, CH_ENV_LEN, &env) != 0)
		die("cannot read that entry", 0);
	ch_erasure_sign(x->case_id, f.id, org->sign_sk, proof);
	ch_entry_erased(&env, proof, out);
	free(f.e);
	it.p = out;
	it.n = sizeof(out);
	entries_msg(x->case_id, &it, 1, msg, ml);
	fprintf(stderr, "forge: erased form of entry seq %llu, our proof\n",
	    (unsigned long long)env.seq);
}

/* One SYNC message for the case: vector number i of the --vectors choice. */
static void
sync_msg(const ctx_t *x, long i, uint8_t status, uint8_t **msg, size_t *ml)
{
	ch_vec_t v;
	uint64_t *seq = NULL;
	uint8_t *body = NULL;
	size_t bl = 0;
	int rc;
	memset(&v, 0, sizeof(v));
	memcpy(v.case_id, x->case_id, 16);
	if (strcmp(vectors, "mixed") == 0 && i % 4 != 0 && x->heads.n) {
		if (!(seq = calloc(x->heads.n, sizeof(*seq))))
			die("out of memory", 0);
		for (size_t j = 0; j < x->heads.n; j++) {
			uint64_t h = x->heads.seq[j];
			seq[j] = i % 4 == 1 ? 0 : i % 4 == 2 ? h : h - randombytes_uniform((uint32_t)h + 1);
		}
		v.n = x->heads.n;
		v.org = x->heads.org;
		v.seq = seq;
	}
	if ((rc = ch_vec_encode(&v, &body, &bl)) != 0 ||
	    (rc = ch_msg_encode(CH_MAGIC_PEER, CH_PM_SYNC, status, body, bl, msg, ml)) != 0)
		die("cannot encode a SYNC", rc);
	free(body);
	free(seq);
}

/* A PULL of every change of a run the daemon never had (pull), or a
 * CHANGES of CH_CHANGES_MAX vectors of made-up cases, each claiming a
 * feed of a made-up organization at seq 1000000. */
static void
checkpoint_msg(int pull, uint8_t **msg, size_t *ml)
{
	uint8_t *body = NULL, run[CH_RUN_LEN];
	size_t bl = 0;
	int rc;
	randombytes_buf(run, sizeof(run));
	if (pull) {
		ch_mark_t m;
		uint8_t b[CH_MARK_LEN];
		memcpy(m.run, run, sizeof(run));
		m.change = 0;
		ch_mark_encode(&m, b);
		if ((rc = ch_msg_encode(CH_MAGIC_PEER, CH_PM_PULL, 0, b, sizeof(b), msg, ml)) != 0)
			die("cannot encode a PULL", rc);
		return;
	}
	ch_changed_t items[CH_CHANGES_MAX];
	uint8_t *bufs[CH_CHANGES_MAX], org[1][32];
	uint64_t seq[1] = { 1000000 };
	randombytes_buf(org[0], 32);
	for (size_t i = 0; i < CH_CHANGES_MAX; i++) {
		ch_vec_t v;
		memset(&v, 0, sizeof(v));
		randombytes_buf(v.case_id, sizeof(v.case_id));
		v.n = 1;
		v.org = org;
		v.seq = seq;
		if ((rc = ch_vec_encode(&v, &bufs[i], &items[i].vec.n)) != 0)
			die("cannot encode a vector", rc);
		items[i].vec.p = bufs[i];
		items[i].change = i + 1;
	}
	if ((rc = ch_changes_encode(run, CH_CHANGES_MAX, 1, items, CH_CHANGES_MAX, &body, &bl)) != 0 ||
	    (rc = ch_msg_encode(CH_MAGIC_PEER, CH_PM_CHANGES, 0, body, bl, msg, ml)) != 0)
		die("cannot encode a CHANGES", rc);
	for (size_t i = 0; i < CH_CHANGES_MAX; i++)
		free(bufs[i]);
	free(body);
}

/* A DEALER with our CURVE key for the daemon's peer socket, that holds at
 * most 16 messages to send, one received, and never reads; not connected
 * yet. */
static zsock_t *
dealer(zcert_t *zc, const char *serverkey)
{
	zsock_t *sock = zsock_new(ZMQ_DEALER);
	if (!sock)
		die("cannot make the socket", 0);
	zcert_apply(zc, sock);
	zsock_set_curve_serverkey(sock, serverkey);
	zsock_set_sndhwm(sock, 16);
	zsock_set_rcvhwm(sock, 1);
	zsock_set_rcvbuf(sock, 4096);
	zsock_set_reconnect_ivl(sock, -1);   /* a dropped connection stays dropped */
	zsock_set_linger(sock, 2000);
	return sock;
}

static void
send_bytes(zsock_t *sock, const uint8_t *m, size_t n, int more)
{
	zframe_t *f = zframe_new(m, n);
	if (!f || zframe_send(&f, sock, more ? ZFRAME_MORE : 0) != 0)
		die("cannot send", 0);
}

static long
parse_num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 1 || v > max)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	static const char *const kinds[] = { "valid", "orgsig", "provsig", "prev",
		"gap", "epoch", "fork", "garbage", "chain", "entryflood", "syncflood",
		"pullflood", "changesflood",
		"bigframe", "frames", "status", "care", "erasure", "access", "unheld", NULL };
	uint8_t *msg = NULL, *card = NULL;
	size_t ml = 0, cardlen = 0;
	const char *countarg = NULL, *bytesarg = NULL, *connsarg = NULL, *waitarg = NULL;
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
		else if (strcmp(argv[i], "--count") == 0) dst = &countarg;
		else if (strcmp(argv[i], "--bytes") == 0) dst = &bytesarg;
		else if (strcmp(argv[i], "--conns") == 0) dst = &connsarg;
		else if (strcmp(argv[i], "--vectors") == 0) dst = &vectors;
		else if (strcmp(argv[i], "--wait") == 0) dst = &waitarg;
		else if (strcmp(argv[i], "--edit") == 0) dst = &care_edit;
		else if (strcmp(argv[i], "--ack") == 0) dst = &care_ack;
		else if (strcmp(argv[i], "--hide") == 0) dst = &care_hide;
		else if (strcmp(argv[i], "--erase") == 0) dst = &erase_hex;
		if (!dst || i + 1 >= argc)
			usage();
		*dst = argv[++i];
	}
	if (!dir || !passf || !casehex || !to || !tocard || !kind)
		usage();
	for (size_t i = 0; kinds[i]; i++)
		known |= strcmp(kinds[i], kind) == 0;
	if (!known || (strcmp(vectors, "empty") != 0 && strcmp(vectors, "mixed") != 0))
		usage();
	if (countarg)
		count = parse_num(countarg, 1000000);
	if (bytesarg)
		frame_bytes = (size_t)parse_num(bytesarg, CH_MSG_MAX);
	if (connsarg)
		conns = parse_num(connsarg, 256);
	if (waitarg)
		waitms = parse_num(waitarg, 600000);
	if ((strcmp(kind, "chain") == 0 || strcmp(kind, "access") == 0) && count > CH_BATCH_MAX)
		die("--count: a chain fits in one batch (at most 512 entries)", 0);
	if (frame_bytes < 16)
		die("--bytes: at least 16", 0);
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

	/* Everything to send is built before the first connection. */
	int raw = strcmp(kind, "syncflood") == 0 || strcmp(kind, "bigframe") == 0 ||
	    strcmp(kind, "pullflood") == 0 || strcmp(kind, "changesflood") == 0 ||
	    strcmp(kind, "frames") == 0 || strcmp(kind, "status") == 0;
	ctx_t x;
	if (strcmp(kind, "garbage") == 0) {
		uint8_t batch[64 + 512];
		size_t bl = 64 + randombytes_uniform(512);
		randombytes_buf(batch, bl);
		if ((rc = ch_msg_encode(CH_MAGIC_PEER, CH_PM_ENTRIES, 0, batch, bl, &msg, &ml)) != 0)
			die("cannot encode the message", rc);
		memset(&x, 0, sizeof(x));
	} else if (strcmp(kind, "bigframe") == 0) {
		/* A valid header (magic, version, SYNC, status 0, body length),
		 * then zeros: the frame is refused for its size alone. */
		uint8_t *zeros = calloc(1, frame_bytes - 11);
		if (!zeros)
			die("out of memory", 0);
		if ((rc = ch_msg_encode(CH_MAGIC_PEER, CH_PM_SYNC, 0, zeros, frame_bytes - 11,
		    &msg, &ml)) != 0)
			die("cannot encode the big frame", rc);
		free(zeros);
		memset(&x, 0, sizeof(x));
	} else if (raw) {
		ctx_open(&x, org, 0);
	} else if (strcmp(kind, "erasure") == 0) {
		ctx_open(&x, org, 0);
		forge_erasure(&x, org, &msg, &ml);
	} else {
		ctx_open(&x, org, 1);
		/* care: one entry per reference given, in the order edit, ack, hide */
		char care[3][80];
		long ncare = 0;
		const char *cv[3] = { care_edit, care_ack, care_hide };
		const char *cn[3] = { "care-edit", "care-ack", "care-hide" };
		for (int j = 0; j < 3; j++)
			if (cv[j])
				snprintf(care[ncare++], sizeof(care[0]), "%s:%.64s", cn[j], cv[j]);
		if (strcmp(kind, "care") == 0 && ncare == 0)
			die("--kind care needs --edit, --ack or --hide", 0);
		long n = strcmp(kind, "chain") == 0 || strcmp(kind, "access") == 0 ? count :
		    strcmp(kind, "care") == 0 ? ncare : 1;
		ch_slice_t *items = calloc((size_t)n, sizeof(*items));
		uint8_t prev[32], id[32];
		if (!items)
			die("out of memory", 0);
		memcpy(prev, x.hid, 32);
		for (long i = 0; i < n; i++) {
			uint8_t *e = NULL;
			size_t el = 0;
			const char *k = strcmp(kind, "chain") == 0 || strcmp(kind, "unheld") == 0 ?
			    "valid" : strcmp(kind, "entryflood") == 0 ? "orgsig" :
			    strcmp(kind, "care") == 0 ? care[i] : kind;
			forge_entry(&x, org, k, x.hseq + 1 + (uint64_t)i, prev, &e, &el, id);
			memcpy(prev, id, 32);
			items[i].p = e;
			items[i].n = el;
		}
		entries_msg(x.case_id, items, (size_t)n, &msg, &ml);
		for (long i = 0; i < n; i++)
			free((void *)(uintptr_t)items[i].p);
		free(items);
	}

	zcert_t *zc = zcert_new_from(org->curve_pk, org->curve_sk);
	zsock_t **socks = calloc((size_t)conns, sizeof(*socks));
	if (!zc || !socks)
		die("cannot make the sockets", 0);
	int unheld = strcmp(kind, "unheld") == 0;
	for (long i = 0; i < conns; i++)
		socks[i] = dealer(zc, z85);
	/* unheld reads the answers: room for them all */
	if (unheld)
		zsock_set_rcvhwm(socks[0], 0);
	/* Whether the daemon drops our first connection: watched from before
	 * it is made. */
	zactor_t *mon = zactor_new(zmonitor, socks[0]);
	if (!mon)
		die("cannot watch the connection", 0);
	zstr_sendx(mon, "LISTEN", "CONNECTED", "DISCONNECTED", NULL);
	zstr_sendx(mon, "START", NULL);
	zsock_wait(mon);
	for (long i = 0; i < conns; i++)
		if (zsock_connect(socks[i], "%s", to) != 0)
			die("cannot connect", 0);

	int64_t t0 = zclock_mono();
	long sent = 0;
	if (strcmp(kind, "syncflood") == 0) {
		for (long i = 0; i < count; i++) {
			sync_msg(&x, i, 0, &msg, &ml);
			send_bytes(socks[i % conns], msg, ml, 0);
			free(msg);
			msg = NULL;
			sent++;
		}
	} else if (strcmp(kind, "pullflood") == 0 || strcmp(kind, "changesflood") == 0) {
		checkpoint_msg(strcmp(kind, "pullflood") == 0, &msg, &ml);
		for (long i = 0; i < count; i++, sent++)
			send_bytes(socks[i % conns], msg, ml, 0);
	} else if (strcmp(kind, "frames") == 0 || strcmp(kind, "status") == 0) {
		static const uint8_t extra[] = "an extra frame";
		int st = strcmp(kind, "status") == 0;
		sync_msg(&x, 0, st ? 1 : 0, &msg, &ml);
		send_bytes(socks[0], msg, ml, !st);
		if (!st) {
			send_bytes(socks[0], extra, sizeof(extra), 1);
			send_bytes(socks[0], extra, sizeof(extra), 0);
		}
		sent = 1;
	} else {
		long n = strcmp(kind, "entryflood") == 0 || unheld ? count : 1;
		for (long i = 0; i < n; i++, sent++)
			send_bytes(socks[i % conns], msg, ml, 0);
	}
	int64_t t1 = zclock_mono();

	/* Watch the first connection for waitms (unheld: and read it). */
	int connected = 0, dropped = 0;
	long asks = 0, others = 0;
	zpoller_t *poller = zpoller_new(mon, unheld ? socks[0] : NULL, NULL);
	int64_t until = zclock_mono() + waitms;
	while (poller && zclock_mono() < until) {
		void *which = zpoller_wait(poller, (int)(until - zclock_mono()));
		if (!which)
			break;
		if (which == socks[0]) {
			zframe_t *f = zframe_recv(socks[0]);
			const uint8_t *body;
			size_t bl;
			uint8_t type, status;
			ch_vec_t v;
			int ask = f && !zframe_more(f) &&
			    ch_msg_decode(zframe_data(f), zframe_size(f), CH_MAGIC_PEER, &type,
			    &status, &body, &bl) == 0 && type == CH_PM_SYNC &&
			    ch_vec_decode(body, bl, &v) == 0;
			if (ask) {
				ask = memcmp(v.case_id, x.case_id, 16) == 0;
				ch_vec_clear(&v);
			}
			if (ask)
				asks++;
			else
				others++;
			zframe_destroy(&f);
			continue;
		}
		char *ev = zstr_recv(mon);
		if (!ev)
			break;
		/* the rest of the event: its value and the address */
		char *val = zstr_recv(mon), *addr = zstr_recv(mon);
		connected |= strcmp(ev, "CONNECTED") == 0;
		dropped |= strcmp(ev, "DISCONNECTED") == 0;
		zstr_free(&ev);
		zstr_free(&val);
		zstr_free(&addr);
	}
	zpoller_destroy(&poller);
	zactor_destroy(&mon);
	fprintf(stderr, "forge: %s: sent %ld message(s) of %zu bytes over %ld connection(s) in %lld ms\n",
	    kind, sent, ml, conns, (long long)(t1 - t0));
	fprintf(stderr, "forge: %s\n", !connected && !dropped ? "never connected" :
	    dropped ? "the peer dropped the connection" : "the connection stayed open");
	if (unheld)
		fprintf(stderr, "forge: answers: %ld SYNC(s) asking for the case, %ld other message(s)\n",
		    asks, others);
	for (long i = 0; i < conns; i++)
		zsock_destroy(&socks[i]);
	free(socks);
	zcert_destroy(&zc);
	if (x.s)
		ctx_close(&x);
	keys_secret_destroy(&org);
	free(msg);
	return 0;
}
