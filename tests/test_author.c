/* test_author.c - client/author.h: who wrote an entry and whether it
 * verifies, for a provider's own note, for the entries a daemon writes at a
 * provider's request (epochs, history grants), and for the entries an
 * organization writes on its own; and every way a verification can fail. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "../client/author.h"
#include "../proto/charter.h"

static keys_secret_t *org, *other_org, *prov, *other_prov;
static uint8_t case_id[CH_CASE_LEN];
static uint8_t *cert, *foreign_cert;   /* prov's certificate by org, by other_org */
static size_t certlen, foreign_certlen;

static void
ok_or_abort(int rc)
{
	if (rc != 0)
		abort();
}

static keys_secret_t *
secret(uint8_t kind, uint8_t fill)
{
	uint8_t seed[KEYS_SEED_LEN];
	memset(seed, fill, sizeof(seed));
	keys_secret_t *k = keys_secret_from_seed(kind, seed);
	if (!k)
		abort();
	return k;
}

static void
fixtures(void)
{
	org = secret(KEYS_KIND_ORG, 1);
	other_org = secret(KEYS_KIND_ORG, 2);
	prov = secret(KEYS_KIND_PROVIDER, 3);
	other_prov = secret(KEYS_KIND_PROVIDER, 4);
	memset(case_id, 0xca, sizeof(case_id));
	ok_or_abort(keys_cert_make(org, prov->sign_pk, prov->curve_pk, "Sophie Lambert",
	    "home-nurse", 0, UINT64_MAX, &cert, &certlen));
	ok_or_abort(keys_cert_make(other_org, prov->sign_pk, prov->curve_pk, "Sophie Lambert",
	    "home-nurse", 0, UINT64_MAX, &foreign_cert, &foreign_certlen));
}

/* An envelope of org's feed for audience, signed by signer. */
static void
envelope(ch_env_t *e, uint8_t audience, const keys_secret_t *signer)
{
	memset(e, 0, sizeof(*e));
	e->version = 1;
	memcpy(e->case_id, case_id, CH_CASE_LEN);
	memcpy(e->org, org->sign_pk, 32);
	e->seq = 3;
	e->epoch = 1;
	e->audience = audience;
	e->time_ms = UINT64_C(1700000000000);
	e->body_len = 100;
	memset(e->body_hash, 0x5a, CH_HASH_LEN);
	ch_env_sign(e, signer->sign_sk);
}

/* A plain body of kind with the given certificate and fields, signed by
 * signer (NULL: unsigned) for audience; malloc'd. */
static uint8_t *
plain(uint8_t kind, const uint8_t *c, size_t cl, const uint8_t *fields, size_t fl,
    uint8_t audience, const keys_secret_t *signer, size_t *n)
{
	ch_plain_t p;
	uint8_t *out = NULL;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.cert = c;
	p.certlen = cl;
	p.hlc = UINT64_C(1700000000000) << 16;
	p.fields = fields;
	p.fieldslen = fl;
	ok_or_abort(ch_plain_encode(&p, case_id, audience, signer ? signer->sign_sk : NULL,
	    &out, n));
	return out;
}

static uint8_t *
note(const uint8_t *c, size_t cl, uint8_t audience, const keys_secret_t *signer, size_t *n)
{
	uint8_t *f, *out;
	size_t fl;
	ok_or_abort(ch_note_encode("Wondzorg linkervoet.", &f, &fl));
	out = plain(CH_KIND_NOTE, c, cl, f, fl, audience, signer, n);
	free(f);
	return out;
}

/* An epoch entry's plain body (org-written: no certificate, no signature)
 * embedding request (NULL: a scheduled rotation). */
static uint8_t *
epoch_body(const uint8_t *request, size_t requestlen, size_t *n)
{
	static const uint8_t card[] = "card of the org";
	ch_epoch_t e;
	uint8_t *f, *out;
	size_t fl;

	memset(&e, 0, sizeof(e));
	e.why = CH_WHY_ROTATE;
	e.request = request;
	e.requestlen = requestlen;
	e.charter.name = (char *)(uintptr_t)"Mevrouw Peeters";
	memcpy(e.charter.coordinator, org->sign_pk, 32);
	ok_or_abort(ch_charter_default_audiences(&e.charter));
	ch_corg_t o;
	memcpy(o.org, org->sign_pk, 32);
	o.card = card;
	o.cardlen = sizeof(card) - 1;
	o.role = (char *)(uintptr_t)"coordination";
	e.charter.norgs = 1;
	e.charter.orgs = &o;
	ok_or_abort(ch_epoch_encode(&e, &f, &fl));
	e.charter.name = NULL;
	e.charter.norgs = 0;
	e.charter.orgs = NULL;
	ch_charter_clear(&e.charter);
	out = plain(CH_KIND_EPOCH, NULL, 0, f, fl, CH_AUD_MEMBERSHIP, NULL, n);
	free(f);
	return out;
}

static uint8_t *
rotate_request(uint8_t audience, const keys_secret_t *signer, size_t *n)
{
	return plain(CH_REQ_ROTATE, cert, certlen, NULL, 0, audience, signer, n);
}

/* Runs cli_author_get and returns found * 10 + verified (-1 on an error). */
static int
who(const ch_env_t *e, const uint8_t *p, size_t n, cli_author_t *a)
{
	if (cli_author_get(e, p, n, a) != 0)
		return -1;
	return a->found * 10 + a->verified;
}

TEST(a_note_names_its_author)
{
	ch_env_t e;
	cli_author_t a;
	size_t n;
	uint8_t *p = note(cert, certlen, CH_AUD_CARE, prov, &n);

	envelope(&e, CH_AUD_CARE, org);
	check_int(who(&e, p, n, &a), ==, 11);
	check_str(a.cert.name, "Sophie Lambert");
	check_str(a.cert.role, "home-nurse");
	check_mem(a.cert.provider, prov->sign_pk, 32);
	cli_author_clear(&a);
	check(a.found == 0 && a.cert.name == NULL);
	cli_author_clear(&a); /* twice is fine */
	free(p);
}

TEST(a_note_that_does_not_verify)
{
	ch_env_t e;
	cli_author_t a;
	size_t n;
	uint8_t *p;

	/* the org's signature on the envelope is another key's */
	p = note(cert, certlen, CH_AUD_CARE, prov, &n);
	envelope(&e, CH_AUD_CARE, other_org);
	check_int(who(&e, p, n, &a), ==, 10);
	cli_author_clear(&a);
	/* a tampered envelope */
	envelope(&e, CH_AUD_CARE, org);
	e.seq++;
	check_int(who(&e, p, n, &a), ==, 10);
	cli_author_clear(&a);
	/* signed for another audience than the envelope's */
	envelope(&e, CH_AUD_MEDICAL, org);
	check_int(who(&e, p, n, &a), ==, 10);
	cli_author_clear(&a);
	free(p);
	/* signed by another provider than the certificate's */
	p = note(cert, certlen, CH_AUD_CARE, other_prov, &n);
	envelope(&e, CH_AUD_CARE, org);
	check_int(who(&e, p, n, &a), ==, 10);
	check_str(a.cert.name, "Sophie Lambert");
	cli_author_clear(&a);
	free(p);
	/* a certificate of another organization than the feed's */
	p = note(foreign_cert, foreign_certlen, CH_AUD_CARE, prov, &n);
	check_int(who(&e, p, n, &a), ==, 10);
	cli_author_clear(&a);
	free(p);
}

TEST(no_author)
{
	ch_env_t e;
	cli_author_t a;
	size_t n;
	uint8_t *p, junk[3] = { 1, 2, 3 };

	/* a certificate that does not parse, and no request to fall back on */
	p = note(junk, sizeof(junk), CH_AUD_CARE, prov, &n);
	envelope(&e, CH_AUD_CARE, org);
	check_int(who(&e, p, n, &a), ==, 0);
	cli_author_clear(&a);
	free(p);
	/* an access record: written by the organization on its own */
	p = plain(CH_KIND_ACCESS, NULL, 0, junk, sizeof(junk), CH_AUD_NETWORK, NULL, &n);
	envelope(&e, CH_AUD_NETWORK, org);
	check_int(who(&e, p, n, &a), ==, 0);
	cli_author_clear(&a);
	free(p);
	/* a scheduled rotation: an epoch with no request */
	p = epoch_body(NULL, 0, &n);
	envelope(&e, CH_AUD_MEMBERSHIP, org);
	check_int(who(&e, p, n, &a), ==, 0);
	cli_author_clear(&a);
	free(p);
	/* not a plain body at all */
	check_int(cli_author_get(&e, junk, sizeof(junk), &a), !=, 0);
	check(a.found == 0 && a.verified == 0 && a.cert.name == NULL);
	check_int(cli_author_get(&e, NULL, 0, &a), !=, 0);
}

TEST(a_daemon_written_entry_names_the_requester)
{
	ch_env_t e;
	cli_author_t a;
	size_t n, rl;
	uint8_t *p, *rq;

	/* an epoch: the request is signed for the network audience, whatever
	 * audience the epoch entry itself is sealed under */
	rq = rotate_request(CH_AUD_NETWORK, prov, &rl);
	p = epoch_body(rq, rl, &n);
	envelope(&e, CH_AUD_MEMBERSHIP, org);
	check_int(who(&e, p, n, &a), ==, 11);
	check_str(a.cert.name, "Sophie Lambert");
	cli_author_clear(&a);
	envelope(&e, CH_AUD_MEMBERSHIP, other_org);
	check_int(who(&e, p, n, &a), ==, 10);
	cli_author_clear(&a);
	free(p);
	free(rq);
	/* a request signed for another audience, or by another key */
	rq = rotate_request(CH_AUD_CARE, prov, &rl);
	p = epoch_body(rq, rl, &n);
	envelope(&e, CH_AUD_MEMBERSHIP, org);
	check_int(who(&e, p, n, &a), ==, 10);
	cli_author_clear(&a);
	free(p);
	free(rq);
	rq = rotate_request(CH_AUD_NETWORK, other_prov, &rl);
	p = epoch_body(rq, rl, &n);
	check_int(who(&e, p, n, &a), ==, 10);
	cli_author_clear(&a);
	free(p);
	free(rq);

	/* a history grant */
	ch_history_t h;
	uint8_t *f;
	size_t fl;
	memset(&h, 0, sizeof(h));
	memset(h.grantee, 0xbb, 32);
	rq = plain(CH_REQ_HISTORY, cert, certlen, h.grantee, 32, CH_AUD_NETWORK, prov, &rl);
	h.request = rq;
	h.requestlen = rl;
	ok_or_abort(ch_history_encode(&h, &f, &fl));
	p = plain(CH_KIND_HISTORY, NULL, 0, f, fl, CH_AUD_NETWORK, NULL, &n);
	envelope(&e, CH_AUD_NETWORK, org);
	check_int(who(&e, p, n, &a), ==, 11);
	check_str(a.cert.role, "home-nurse");
	cli_author_clear(&a);
	free(p);
	free(f);
	free(rq);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 2;
	fixtures();
	TAP_RUN(a_note_names_its_author);
	TAP_RUN(a_note_that_does_not_verify);
	TAP_RUN(no_author);
	TAP_RUN(a_daemon_written_entry_names_the_requester);
	keys_secret_destroy(&org);
	keys_secret_destroy(&other_org);
	keys_secret_destroy(&prov);
	keys_secret_destroy(&other_prov);
	free(cert);
	free(foreign_cert);
	return TAP_DONE();
}
