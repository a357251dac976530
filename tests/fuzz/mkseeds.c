/* mkseeds.c - writes the checked-in seed inputs of the fuzz targets
 * (tests/fuzz/seeds/fuzz_<name>/). Run from the repository root:
 *   cc -std=c11 -D_DEFAULT_SOURCE -o /tmp/mkseeds tests/fuzz/mkseeds.c \
 *       proto/cbuf.c proto/entry.c proto/msg.c proto/info.c proto/charter.c \
 *       proto/kinds.c proto/names.c keys/armor.c keys/keys.c keys/pass.c -lsodium
 *   /tmp/mkseeds
 * Everything is derived from fixed seeds, except the body nonces and the key
 * file salts and nonces (random): rerunning rewrites the fuzz_body, fuzz_env,
 * fuzz_batch, fuzz_readrep and fuzz_keyfile seeds with new bytes. */
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "ingest_fixture.h"
#include "../kinds_fixture.h"
#include "../../keys/keys.h"
#include "../../proto/info.h"
#include "../../proto/charter.h"

static int failed;

static void
put(const char *target, const char *name, const uint8_t *p, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/fuzz/seeds/%s", target);
	mkdir("tests/fuzz/seeds", 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "tests/fuzz/seeds/%s/%s", target, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "mkseeds: cannot write %s\n", path);
		failed = 1;
	}
}

static void
ok(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "mkseeds: %s: error %d\n", what, rc);
		exit(2);
	}
}

static keys_secret_t *
identity(uint8_t kind, uint8_t first)
{
	uint8_t seed[KEYS_SEED_LEN];
	keys_secret_t *k;

	for (int i = 0; i < KEYS_SEED_LEN; i++)
		seed[i] = (uint8_t)(first + i);
	if ((k = keys_secret_from_seed(kind, seed)) == NULL)
		ok(CH_ERR_NOMEM, "identity");
	return k;
}

static void
put_text(const char *target, const char *name, const char *text)
{
	put(target, name, (const uint8_t *)text, strlen(text));
}

/* Seeds of the keys/ decoders and of proto/info.h. */
static void
keys(const uint8_t *plain, size_t plainlen)
{
	keys_secret_t *org = identity(KEYS_KIND_ORG, 0x20);
	keys_secret_t *org2 = identity(KEYS_KIND_ORG, 0x40);
	keys_secret_t *prov = identity(KEYS_KIND_PROVIDER, 0x60);
	uint8_t *card, *card2, *cert, *out;
	size_t cardlen, card2len, certlen, n;
	char *text;

	ok(keys_card_make(org, "Thuiszorg West", "tcp://127.0.0.1:7101",
	    UINT64_C(1700000000), &card, &cardlen), "card");
	put("fuzz_card", "card", card, cardlen);
	ok(keys_card_make(org2, "Huisarts \xc3\x89\xc3\xa9n \xe2\x82\xac", "",
	    UINT64_C(1800000000), &card2, &card2len), "card");
	put("fuzz_card", "utf8-no-endpoint", card2, card2len);

	ok(keys_cert_make(org, prov->sign_pk, prov->curve_pk, "A. de Vries",
	    "home-nurse", UINT64_C(1700000000), UINT64_C(1731536000), &cert,
	    &certlen), "cert");
	put("fuzz_cert", "nurse", cert, certlen);
	ok(keys_cert_make(org2, prov->sign_pk, prov->curve_pk,
	    "Dr. \xc3\x96zt\xc3\xbcrk", "gp", 0, UINT64_MAX, &out, &n), "cert");
	put("fuzz_cert", "gp-forever", out, n);
	free(out);

	ok(keys_request_make(prov, &out, &n), "request");
	put("fuzz_request", "request", out, n);
	free(out);
	keys_secret_t *prov2 = identity(KEYS_KIND_PROVIDER, 0x70);
	ok(keys_request_make(prov2, &out, &n), "request");
	put("fuzz_request", "request2", out, n);
	free(out);

	ok(keys_armor("ORG CARD", "Thuiszorg West", card, cardlen, &text), "armor");
	put_text("fuzz_armor", "card", text);
	free(text);
	ok(keys_armor("ORG CARD", NULL, card2, card2len, &text), "armor");
	put_text("fuzz_armor", "no-comment", text);
	free(text);
	put_text("fuzz_armor", "crlf-short",
	    "# pasted from mail\r\n\r\n-----BEGIN CAHIER ORG CARD-----\r\n"
	    "Q0hP Qw==\r\n-----END CAHIER ORG CARD-----\r\n");

	/* Opslimit 1 and memlimit 8192 are the least keys.c accepts. */
	ok(keys_file_seal(prov, "fuzz", 4, 1, 8192, &text), "seal");
	put_text("fuzz_keyfile", "provider", text);
	free(text);
	ok(keys_file_seal(prov2, "fuzz", 4, 3, 65536, &text), "seal");
	put_text("fuzz_keyfile", "provider-3-64k", text);
	free(text);
	ok(keys_file_seal(org, "fuzz", 4, 1, 8192, &text), "seal");
	put_text("fuzz_keyfile", "org", text);
	free(text);
	ok(keys_file_seal(prov, "other", 5, 1, 8192, &text), "seal");
	put_text("fuzz_keyfile", "wrong-pass", text);
	free(text);

	ch_postreq_t pq;
	memset(&pq, 0, sizeof(pq));
	memset(pq.case_id, 0xca, CH_CASE_LEN);
	pq.audience = CH_AUD_CARE;
	pq.plain.p = plain;
	pq.plain.n = plainlen;
	ok(ch_postreq_encode(&pq, &out, &n), "postreq");
	put("fuzz_postreq", "entry", out, n);
	free(out);
	pq.audience = CH_AUD_COORDINATION;
	pq.plain.p = NULL;
	pq.plain.n = 0;
	ok(ch_postreq_encode(&pq, &out, &n), "postreq");
	put("fuzz_postreq", "empty", out, n);
	free(out);

	ch_postrep_t pr;
	memset(pr.case_id, 0xca, CH_CASE_LEN);
	memset(pr.id, 0x1d, CH_HASH_LEN);
	pr.seq = 42;
	ok(ch_postrep_encode(&pr, &out, &n), "postrep");
	put("fuzz_postrep", "seq42", out, n);
	free(out);
	pr.seq = UINT64_MAX;
	memset(pr.id, 0xff, CH_HASH_LEN);
	ok(ch_postrep_encode(&pr, &out, &n), "postrep");
	put("fuzz_postrep", "max", out, n);
	free(out);

	ch_status_t st = { { card, cardlen }, { cert, certlen }, 3, 2, 1, 0, 0, 0,
		{ (const uint8_t *)"0.1.0", 5 }, 1795000000000ull, 3600 };
	ok(ch_status_encode(&st, &out, &n), "status");
	put("fuzz_status", "provider", out, n);
	free(out);
	/* the reply of a daemon from before the version and uptime */
	st.version.p = NULL;
	st.version.n = 0;
	st.started_ms = st.uptime_s = 0;
	ok(ch_status_encode(&st, &out, &n), "status");
	put("fuzz_status", "older", out, n);
	free(out);
	st.cert.p = NULL;
	st.cert.n = 0;
	st.ncases = st.npeers = st.nconnected = 0;
	ok(ch_status_encode(&st, &out, &n), "status");
	put("fuzz_status", "org", out, n);
	free(out);

	ch_caseinfo_t ci[2];
	memset(ci, 0, sizeof(ci));
	memset(ci[0].case_id, 0xca, CH_CASE_LEN);
	memcpy(ci[0].coordinator, org->sign_pk, 32);
	ci[0].members = 3;
	ci[0].entries = 120;
	ci[0].epoch = 2;
	ci[0].flags = CH_CASE_SAMENAME;
	ci[0].last_ms = 1795000000000ull;
	ci[0].name.p = (const uint8_t *)"Mevr. Jansen";
	ci[0].name.n = 12;
	ci[0].coord_name.p = (const uint8_t *)"Wijkzorg";
	ci[0].coord_name.n = 8;
	memset(ci[1].case_id, 0xcb, CH_CASE_LEN);
	memcpy(ci[1].coordinator, org2->sign_pk, 32);
	ci[1].members = 1;
	ci[1].entries = 1;
	ci[1].forks = 1;
	ci[1].flags = CH_CASE_REMOVED | CH_CASE_FORK;
	ci[1].since_ms = 1795000001000ull;
	ci[1].coord_name.p = (const uint8_t *)"CPAS Elsene";
	ci[1].coord_name.n = 11;
	ok(ch_caselist_encode(ci, 2, &out, &n), "caselist");
	put("fuzz_caselist", "two", out, n);
	free(out);
	ok(ch_caselist_encode(NULL, 0, &out, &n), "caselist");
	put("fuzz_caselist", "empty", out, n);
	free(out);

	ch_peerinfo_t pi[2] = {
		{ { card, cardlen }, 1, UINT64_C(1700000000000) },
		{ { card2, card2len }, 0, 0 },
	};
	ok(ch_peerlist_encode(pi, 2, &out, &n), "peerlist");
	put("fuzz_peerlist", "two", out, n);
	free(out);
	ok(ch_peerlist_encode(NULL, 0, &out, &n), "peerlist");
	put("fuzz_peerlist", "empty", out, n);
	free(out);

	free(card);
	free(card2);
	free(cert);
	keys_secret_destroy(&org);
	keys_secret_destroy(&org2);
	keys_secret_destroy(&prov);
	keys_secret_destroy(&prov2);
}

static char *
dup(const char *s)
{
	char *t = strdup(s);
	if (!t)
		ok(CH_ERR_NOMEM, "strdup");
	return t;
}

/* Seeds of proto/charter.h: charters, epochs (create, add, scheduled
 * rotation, handover, removal), history and revoke fields, person requests
 * and org references. The cards are real ones (the codec does not check
 * them, the daemon does). */
static void
charter(void)
{
	keys_secret_t *org[3] = {
		identity(KEYS_KIND_ORG, 0x20), identity(KEYS_KIND_ORG, 0x40),
		identity(KEYS_KIND_ORG, 0x50),
	};
	const char *names[3] = { "Thuiszorg West", "Huisarts Oost",
		"Maatschappelijk Werk \xc3\x89\xc3\xa9n" };
	const char *roles[3] = { "home-nursing", "gp", "social-worker" };
	uint8_t *card[3], *out, req[64];
	size_t cardlen[3], n;
	ch_epoch_t e;
	ch_charter_t *c = &e.charter;

	for (int i = 0; i < 3; i++)
		ok(keys_card_make(org[i], names[i], "", UINT64_C(1700000000),
		    &card[i], &cardlen[i]), "card");
	memset(req, 0xb0, sizeof(req));

	/* Epoch 0: the coordinator alone, default audiences. */
	memset(&e, 0, sizeof(e));
	e.why = CH_WHY_CREATE;
	memset(e.salt, 0xa0, sizeof(e.salt));
	e.request = req;
	e.requestlen = sizeof(req);
	c->name = dup("Mevr. Jansen");
	memcpy(c->coordinator, org[0]->sign_pk, 32);
	ok(ch_charter_default_audiences(c), "audiences");
	c->orgs = calloc(3, sizeof(*c->orgs));
	c->people = calloc(2, sizeof(*c->people));
	c->removed = calloc(1, sizeof(*c->removed));
	if (!c->orgs || !c->people || !c->removed)
		ok(CH_ERR_NOMEM, "calloc");
	for (int i = 0; i < 3; i++) {
		memcpy(c->orgs[i].org, org[i]->sign_pk, 32);
		c->orgs[i].card = card[i];
		c->orgs[i].cardlen = cardlen[i];
		c->orgs[i].role = dup(roles[i]);
	}
	c->norgs = 1;
	ok(ch_charter_encode(c, &out, &n), "charter");
	put("fuzz_charter", "create", out, n);
	free(out);
	ok(ch_epoch_encode(&e, &out, &n), "epoch");
	put("fuzz_epoch", "create", out, n);
	free(out);

	/* Epoch 1: two orgs added, two people around the patient. */
	memset(e.salt, 0, sizeof(e.salt));
	e.why = CH_WHY_ADD;
	memcpy(e.subject, org[2]->sign_pk, 32);
	c->norgs = 3;
	c->rotate_days = 90;
	c->rotate_entries = 10000;
	c->people[0].role = dup("informal-carer");
	c->people[0].name = dup("Maria Peeters");
	memset(c->people[0].provider, 0xd4, 32);
	c->people[0].basis = dup("own-choice");
	c->people[1].role = dup("representative");
	c->people[1].name = dup("Fatima El Amrani");
	c->people[1].basis = dup("written-mandate");
	c->people[1].valid_until = UINT64_C(1830297600);
	c->npeople = 2;
	ok(ch_charter_encode(c, &out, &n), "charter");
	put("fuzz_charter", "three-orgs-two-people", out, n);
	free(out);
	ok(ch_epoch_encode(&e, &out, &n), "epoch");
	put("fuzz_epoch", "add", out, n);
	free(out);

	/* Epoch 2: a scheduled rotation (no request). */
	e.why = CH_WHY_ROTATE;
	memset(e.subject, 0, 32);
	e.request = NULL;
	e.requestlen = 0;
	ok(ch_epoch_encode(&e, &out, &n), "epoch");
	put("fuzz_epoch", "rotate", out, n);
	free(out);

	/* Epoch 3: handover to the gp. */
	e.why = CH_WHY_HANDOVER;
	e.request = req;
	e.requestlen = 8;
	memcpy(e.subject, org[1]->sign_pk, 32);
	memcpy(c->coordinator, org[1]->sign_pk, 32);
	ok(ch_epoch_encode(&e, &out, &n), "epoch");
	put("fuzz_epoch", "handover", out, n);
	free(out);

	/* Epoch 4: the home-nursing org removed after seq 41 of its feed. */
	e.why = CH_WHY_REMOVE;
	memcpy(e.subject, org[0]->sign_pk, 32);
	memcpy(c->removed[0].org, org[0]->sign_pk, 32);
	c->removed[0].last_seq = 41;
	c->nremoved = 1;
	ch_corg_t first = c->orgs[0];
	c->orgs[0] = c->orgs[2];
	c->orgs[2] = first;
	c->norgs = 2;
	ok(ch_epoch_encode(&e, &out, &n), "epoch");
	put("fuzz_epoch", "remove", out, n);
	free(out);
	ok(ch_charter_encode(c, &out, &n), "charter");
	put("fuzz_charter", "removed", out, n);
	free(out);
	c->norgs = 3;
	ch_epoch_clear(&e);

	/* History and revoke fields share fuzz_epoch. */
	ch_history_t h;
	memcpy(h.grantee, org[2]->sign_pk, 32);
	h.request = req;
	h.requestlen = sizeof(req);
	ok(ch_history_encode(&h, &out, &n), "history");
	put("fuzz_epoch", "history", out, n);
	free(out);
	ch_revoke_t rv;
	memset(rv.provider, 0xe5, 32);
	rv.revoked_at = UINT64_C(1700000000);
	ok(ch_revoke_encode(&rv, &out, &n), "revoke");
	put("fuzz_epoch", "revoke", out, n);
	free(out);

	/* Person requests and org references share fuzz_personreq. */
	ch_personreq_t q;
	memset(&q, 0, sizeof(q));
	q.op = CH_PERSON_SET;
	q.person.role = dup("contact-point");
	q.person.name = dup("Fatima El Amrani");
	memset(q.person.provider, 0xd5, 32);
	q.person.basis = dup("legal-order");
	q.person.valid_until = UINT64_C(1830297600);
	ok(ch_personreq_encode(&q, &out, &n), "personreq");
	put("fuzz_personreq", "set", out, n);
	free(out);
	ch_personreq_clear(&q);
	q.op = CH_PERSON_REMOVE;
	q.person.role = dup("trusted-person");
	q.person.name = dup("Jos \xc3\x96zt\xc3\xbcrk");
	ok(ch_personreq_encode(&q, &out, &n), "personreq");
	put("fuzz_personreq", "remove", out, n);
	free(out);
	ch_personreq_clear(&q);
	ok(ch_orgref_encode(org[1]->sign_pk, &out, &n), "orgref");
	put("fuzz_personreq", "orgref", out, n);
	free(out);

	for (int i = 0; i < 3; i++) {
		free(card[i]);
		keys_secret_destroy(&org[i]);
	}
}

/* An envelope of org for case cid, its body erased (206 bytes). */
static void
erased(const keys_secret_t *org, const uint8_t cid[CH_CASE_LEN], uint64_t seq,
    uint32_t epoch, uint8_t audience, uint8_t out[CH_ENV_LEN])
{
	ch_env_t e;

	memset(&e, 0, sizeof(e));
	e.version = 1;
	memcpy(e.case_id, cid, CH_CASE_LEN);
	memcpy(e.org, org->sign_pk, 32);
	e.seq = seq;
	e.epoch = epoch;
	e.audience = audience;
	e.time_ms = FI_TIME_MS;
	e.body_len = 100;
	memset(e.body_hash, 0xb0, CH_HASH_LEN);
	ch_env_sign(&e, org->sign_sk);
	ch_env_encode(&e, out);
}

static void
put_batch(const char *name, const uint8_t cid[CH_CASE_LEN], uint8_t more,
    const uint8_t (*envs)[CH_ENV_LEN], size_t n)
{
	ch_slice_t items[8];
	uint8_t *out;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		items[i].p = envs[i];
		items[i].n = CH_ENV_LEN;
	}
	ok(ch_batch_encode(cid, more, items, n, &out, &len), "batch");
	put("fuzz_ingest", name, out, len);
	free(out);
}

/* Seeds of fuzz_ingest: batches of its case (ingest_fixture.h), signed by
 * its organizations, with erased bodies (a run's own entries differ: the
 * target writes those into its corpus). At the member they are a second
 * genesis (a fork), a gap, a wrong prev hash, an outsider. */
static void
ingest(void)
{
	keys_secret_t *a = fi_identity(KEYS_KIND_ORG, FI_ORG_A);
	keys_secret_t *c = fi_identity(KEYS_KIND_ORG, FI_ORG_C);
	uint8_t salt[16], cid[CH_CASE_LEN], other[CH_CASE_LEN], env[4][CH_ENV_LEN];

	if (!a || !c)
		ok(CH_ERR_NOMEM, "identity");
	fi_case(a->sign_pk, salt, cid);
	salt[0] ^= 1;
	ch_case_id(a->sign_pk, salt, other);
	put_batch("empty", cid, 0, NULL, 0);
	erased(a, cid, 1, 0, CH_AUD_MEMBERSHIP, env[0]);
	put_batch("fork-genesis", cid, 0, env, 1);
	erased(a, cid, 3, 1, CH_AUD_NETWORK, env[0]);
	erased(a, cid, 9, 2, CH_AUD_NETWORK, env[1]);
	put_batch("wrong-prev-and-gap", cid, 1, env, 2);
	erased(c, cid, 1, 1, CH_AUD_NETWORK, env[0]);
	erased(c, cid, 2, 1, CH_AUD_NETWORK, env[1]);
	put_batch("outsider", cid, 0, env, 2);
	erased(a, other, 1, 0, CH_AUD_MEMBERSHIP, env[0]);
	put_batch("other-case", other, 0, env, 1);
	keys_secret_destroy(&a);
	keys_secret_destroy(&c);
}

/* The care kinds (fuzz_kind_<name>): the full fixture of test_kinds (the
 * vector of PROTOCOL.md), and a small one with every optional text empty
 * and every list as short as it may be. */
static void
kinds(void)
{
	static const char *const target[CH_KIND_CARE_LAST + 1] = {
		[CH_KIND_GOAL] = "goal", [CH_KIND_TASK] = "task",
		[CH_KIND_APPOINTMENT] = "appointment", [CH_KIND_ALERT] = "alert",
		[CH_KIND_ACK] = "ack", [CH_KIND_HANDOVER] = "handover",
		[CH_KIND_CONSENT] = "consent",
		[CH_KIND_CONSULTATION] = "consultation",
		[CH_KIND_ANSWER] = "answer", [CH_KIND_DECISION] = "decision",
		[CH_KIND_KEEP] = "keep", [CH_KIND_CHECKIN] = "checkin",
		[CH_KIND_HIDE] = "hide",
	};
	char name[64];
	uint8_t *out;
	size_t n, nf;

	for (uint8_t k = CH_KIND_GOAL; k <= CH_KIND_CARE_LAST; k++) {
		ch_fields_t f;
		const ch_field_t *t = ch_kind_fields(k, &nf);

		snprintf(name, sizeof(name), "fuzz_kind_%s", target[k]);
		kfix_golden(k, &f);
		ok(ch_fields_encode(&f, &out, &n), name);
		put(name, "full", out, n);
		free(out);
		for (size_t i = 0; i < nf; i++) {
			void *v = (uint8_t *)&f + t[i].off;
			if (t[i].type == CH_FT_TEXT && t[i].min == 0)
				**(char **)v = '\0';
			else if (t[i].type == CH_FT_ORGS)
				((ch_orgs_t *)v)->n = t[i].min;
		}
		ok(ch_fields_encode(&f, &out, &n), name);
		put(name, "small", out, n);
		free(out);
		ch_fields_clear(&f);
	}
}

int
main(void)
{
	ch_env_t e;
	ch_plain_t p;
	uint8_t key[32], case_id[CH_CASE_LEN], pk[32], sk[64];
	uint8_t org_pk[32], org_sk[64], seed[32], env[CH_ENV_LEN];
	uint8_t *note, *plain, *body, *out;
	size_t notelen, plainlen, bodylen, n;

	if (sodium_init() < 0)
		return 2;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	crypto_sign_seed_keypair(org_pk, org_sk, seed);
	fuzz_provider(case_id, pk, sk);

	/* Fields of each kind. */
	ok(ch_note_encode("Slept well; no pain.", &note, &notelen), "note");
	put("fuzz_note", "note", note, notelen);
	ok(ch_note_encode("zorg \xc3\xa9\xc3\xa9n \xe2\x82\xac \xf0\x9f\x98\x80", &out, &n), "note");
	put("fuzz_note", "utf8", out, n);
	free(out);
	kinds();
	uint8_t salt[16];
	memset(salt, 0xa0, sizeof(salt));
	ok(ch_create_encode(salt, "Mevr. Jansen", &out, &n), "create");
	put("fuzz_create", "create", out, n);
	free(out);
	uint8_t card[64];
	memset(card, 0xcd, sizeof(card));
	ok(ch_member_encode(card, sizeof(card), "home-care", &out, &n), "member");
	put("fuzz_member", "member", out, n);
	free(out);
	ok(ch_member_encode(NULL, 0, "gp", &out, &n), "member");
	put("fuzz_member", "empty-card", out, n);
	free(out);

	/* Read requests (version 2): every filter off; the timeline's notes
	 * and tasks with a search (as PROTOCOL.md's vector); every filter on;
	 * the audit. "read" is the one the access record below embeds. */
	uint8_t *req;
	size_t reqlen;
	ch_readreq_t rr;
	memset(&rr, 0, sizeof(rr));
	rr.action = CH_ACT_READ;
	rr.purpose = CH_PURPOSE_TREATMENT;
	memcpy(rr.case_id, case_id, CH_CASE_LEN);
	rr.time_ms = UINT64_C(1700000000000);
	memset(rr.nonce, 0x10, 16);
	ok(ch_readreq_sign(&rr, sk, &out, &n), "readreq");
	put("fuzz_readreq", "all", out, n);
	free(out);
	rr.kinds = (UINT64_C(1) << CH_KIND_NOTE) | (UINT64_C(1) << CH_KIND_TASK);
	rr.last = 50;
	strcpy(rr.search, "Jansen");
	ok(ch_readreq_sign(&rr, sk, &req, &reqlen), "readreq");
	put("fuzz_readreq", "read", req, reqlen);
	ch_readreq_t rf = rr;
	rf.flags = CH_RQ_FLAGS_ALL & ~(CH_RQ_PREFIX | CH_RQ_ARRIVAL);
	rf.audiences = (1 << CH_AUD_CARE) | (1 << CH_AUD_MEDICAL);
	memcpy(rf.org, org_pk, 32);
	memcpy(rf.author, pk, 32);
	rf.since = UINT64_C(1690000000000);
	rf.until = UINT64_C(1700000000001);
	rf.last = CH_PAGE_MAX;
	rf.cursor.time = UINT64_C(1699999999999);
	memcpy(rf.cursor.org, org_pk, 32);
	rf.cursor.seq = 7;
	memset(rf.entry, 0xee, 32);
	strcpy(rf.search, "zorg \xc3\xa9\xc3\xa9n \xe2\x82\xac");
	ok(ch_readreq_sign(&rf, sk, &out, &n), "readreq");
	put("fuzz_readreq", "filters", out, n);
	free(out);
	memset(&rf, 0, sizeof(rf));
	rf.action = CH_ACT_SEARCH;
	rf.purpose = CH_PURPOSE_AUDIT;
	memcpy(rf.case_id, case_id, CH_CASE_LEN);
	rf.time_ms = UINT64_C(1700000000000);
	memset(rf.nonce, 0x11, 16);
	rf.kinds = UINT64_C(1) << CH_KIND_ACCESS;
	rf.flags = CH_RQ_AFTER;
	ok(ch_readreq_sign(&rf, sk, &out, &n), "readreq");
	put("fuzz_readreq", "audit", out, n);
	free(out);

	ch_access_t a;
	ch_range_t rg[2];
	memset(&a, 0, sizeof(a));
	memset(rg, 0, sizeof(rg));
	memset(a.event_id, 0xe1, 16);
	a.action = CH_ACT_READ;
	a.purpose = CH_PURPOSE_EMERGENCY;
	a.time_ms = UINT64_C(1700000000000);
	a.cert = card;
	a.certlen = sizeof(card);
	a.request = req;
	a.requestlen = reqlen;
	memcpy(rg[0].org, org_pk, 32);
	rg[0].from = 1;
	rg[0].to = 9;
	memcpy(rg[1].org, pk, 32);
	rg[1].from = rg[1].to = 4;
	a.ranges = rg;
	a.nranges = 2;
	ok(ch_access_encode(&a, &out, &n), "access");
	put("fuzz_access", "read", out, n);
	free(out);
	a.nranges = 0;
	a.outcome = CH_OUT_REFUSED;
	a.requestlen = 0;
	ok(ch_access_encode(&a, &out, &n), "access");
	put("fuzz_access", "refused", out, n);
	free(out);

	/* Plain bodies: a signed note, an unsigned access record. */
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = CH_KIND_NOTE;
	p.cert = card;
	p.certlen = sizeof(card);
	p.hlc = UINT64_C(1700000000000) << 16;
	p.fields = note;
	p.fieldslen = notelen;
	ok(ch_plain_encode(&p, case_id, CH_AUD_CARE, sk, &plain, &plainlen), "plain");
	put("fuzz_plain", "signed-note", plain, plainlen);
	p.kind = CH_KIND_ACCESS;
	p.cert = NULL;
	p.certlen = 0;
	memset(p.reply_to, 0x11, CH_HASH_LEN);
	ok(ch_plain_encode(&p, case_id, CH_AUD_CARE, NULL, &out, &n), "plain");
	put("fuzz_plain", "unsigned", out, n);
	free(out);

	/* A sealed body that fuzz_body can open, and whole entries. */
	ch_slot_t slot;
	memset(&slot, 0, sizeof(slot));
	memcpy(slot.org, org_pk, 32);
	slot.epoch = 2;
	slot.audience = CH_AUD_MEDICAL;
	memset(slot.sealed, 0x5e, sizeof(slot.sealed));
	fuzz_body_fixture(&e, key);
	ok(ch_body_seal(&e, &slot, 1, key, plain, plainlen, &body, &bodylen), "seal");
	put("fuzz_body", "one-slot", body, bodylen);
	ok(ch_body_seal(&e, NULL, 0, key, (const uint8_t *)"x", 1, &out, &n), "seal");
	put("fuzz_body", "no-slots", out, n);
	free(out);

	memcpy(e.org, org_pk, 32);
	e.body_len = (uint32_t)bodylen;
	crypto_generichash(e.body_hash, CH_HASH_LEN, body, bodylen, NULL, 0);
	ch_env_sign(&e, org_sk);
	ch_env_encode(&e, env);
	uint8_t *entry = malloc(CH_ENV_LEN + bodylen);
	memcpy(entry, env, CH_ENV_LEN);
	memcpy(entry + CH_ENV_LEN, body, bodylen);
	put("fuzz_env", "entry", entry, CH_ENV_LEN + bodylen);
	put("fuzz_env", "erased", env, CH_ENV_LEN);

	/* Messages. */
	ok(ch_msg_encode(CH_MAGIC_REQ, CH_CQ_READ, 0, req, reqlen, &out, &n), "msg");
	put("fuzz_msg", "read", out, n);
	free(out);
	ok(ch_msg_encode(CH_MAGIC_REP, CH_CQ_STATUS, CH_ST_DENIED,
	    (const uint8_t *)"not a member", 12, &out, &n), "msg");
	put("fuzz_msg", "denied", out, n);
	free(out);

	ch_vec_t v;
	uint8_t orgs[2][32];
	uint64_t seqs[2] = { 12, 3 };
	memcpy(orgs[0], org_pk, 32);
	memcpy(orgs[1], pk, 32);
	memcpy(v.case_id, case_id, CH_CASE_LEN);
	v.n = 2;
	v.org = orgs;
	v.seq = seqs;
	ok(ch_vec_encode(&v, &out, &n), "vec");
	put("fuzz_vec", "two", out, n);
	free(out);
	v.n = 0;
	ok(ch_vec_encode(&v, &out, &n), "vec");
	put("fuzz_vec", "empty", out, n);
	free(out);

	ch_slice_t items[2] = { { entry, CH_ENV_LEN + bodylen }, { env, CH_ENV_LEN } };
	ok(ch_batch_encode(case_id, 1, items, 2, &out, &n), "batch");
	put("fuzz_batch", "two", out, n);
	free(out);
	ok(ch_batch_encode(case_id, 0, NULL, 0, &out, &n), "batch");
	put("fuzz_batch", "empty", out, n);
	free(out);

	/* Read replies: an open note acknowledged twice and a hidden entry,
	 * with the table naming their orgs; an empty last page. */
	ch_readrep_t rp;
	ch_readitem_t ri[2];
	ch_orgname_t on[2];
	uint8_t acks[80];
	memset(&rp, 0, sizeof(rp));
	memset(ri, 0, sizeof(ri));
	memset(on, 0, sizeof(on));
	memset(rp.access_id, 0xa1, 32);
	rp.more = 1;
	memcpy(on[0].org, e.org, 32);
	on[0].name.p = (const uint8_t *)"Thuiszorg West";
	on[0].name.n = 14;
	memset(on[1].org, 0xb2, 32);
	on[1].name.p = (const uint8_t *)"Wit-Gele Kruis";
	on[1].name.n = 14;
	rp.orgs = on;
	rp.norgs = 2;
	memcpy(acks, on[1].org, 32);
	memset(acks + 32, 0, 8);
	acks[38] = 0x01;
	memcpy(acks + 40, e.org, 32);
	memset(acks + 72, 0, 8);
	acks[78] = 0x02;
	ri[0].env = e;
	ri[0].state = CH_IT_OPEN;
	ri[0].plain.p = plain;
	ri[0].plain.n = plainlen;
	ri[0].versions = 2;
	memset(ri[0].root, 0x11, 32);
	ri[0].last_checkin = UINT64_C(1700000000007);
	ri[0].nrefs = 3;
	ri[0].nacks = 2;
	ri[0].acks.p = acks;
	ri[0].acks.n = sizeof(acks);
	ri[1].env = e;
	ri[1].state = CH_IT_HIDDEN;
	ri[1].versions = 1;
	memset(ri[1].root, 0x22, 32);
	memcpy(ri[1].hidden_by, e.org, 32);
	ri[1].hidden_at = UINT64_C(1700000000005);
	rp.items = ri;
	rp.n = 2;
	ok(ch_readrep_encode(&rp, &out, &n), "readrep");
	put("fuzz_readrep", "two", out, n);
	free(out);
	memset(&rp, 0, sizeof(rp));
	memset(rp.access_id, 0xa1, 32);
	ok(ch_readrep_encode(&rp, &out, &n), "readrep");
	put("fuzz_readrep", "empty", out, n);
	free(out);

	/* Identities, and the info bodies that carry their cards. */
	keys(entry, CH_ENV_LEN + bodylen);
	charter();
	ingest();

	free(entry);
	free(body);
	free(plain);
	free(req);
	free(note);
	return failed ? 2 : 0;
}
