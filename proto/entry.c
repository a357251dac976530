/* entry.c - envelopes, sealed bodies, plain bodies and the kinds' fields
 * (see entry.h, and PROTOCOL.md for every byte). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cbuf.h"
#include "entry.h"
#include "names.h"

#define ENV_MAGIC "CHEN"
#define PLAIN_MAGIC "CHBD"
#define PLAIN_SIG_MAGIC "CHPS"
#define CASE_ID_CONTEXT "cahier-case-v1"
#define ERASED_MAGIC "CHER"
#define ERASE_CONTEXT "cahier-erase-v1"
#define ERASE_MSG_LEN (15 + CH_CASE_LEN + CH_HASH_LEN)
#define FORMAT_VERSION 1

#define CERT_MAX 4096
#define FIELDS_MAX (CH_TEXT_MAX + 8192)
#define PLAIN_MAX (4 + 1 + 1 + 4 + CERT_MAX + 8 + 2 * CH_HASH_LEN + \
	4 + FIELDS_MAX + CH_SIG_LEN)
#define NAME_MAX_LEN 256
#define ROLE_MAX 64
#define CARD_MAX 4096
#define REQUEST_MAX 1024
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SLOT_LEN (32 + 4 + 1 + CH_SEALED_KEY_LEN)

/* The fixed-size encoders return void, so they must not allocate: this writer
 * runs over the caller's array, and since cap == max it never grows. */
static void
cwr_fixed(cwr_t *w, uint8_t *out, size_t n)
{
	w->p = out;
	w->len = 0;
	w->cap = n;
	w->max = n;
	w->err = 0;
}

static int
audience_ok(uint8_t a)
{
	return a >= CH_AUD_NETWORK && a <= CH_AUD_MEMBERSHIP;
}

/* ---- envelope ---- */

static void
env_put_header(cwr_t *w, const ch_env_t *e)
{
	cwr_put(w, ENV_MAGIC, 4);
	cwr_u8(w, e->version);
	cwr_put(w, e->case_id, CH_CASE_LEN);
	cwr_put(w, e->org, 32);
	cwr_u64(w, e->seq);
	cwr_put(w, e->prev, CH_HASH_LEN);
	cwr_u32(w, e->epoch);
	cwr_u8(w, e->audience);
	cwr_u64(w, e->time_ms);
	cwr_u32(w, e->body_len);
	cwr_put(w, e->body_hash, CH_HASH_LEN);
}

void
ch_env_header(const ch_env_t *e, uint8_t out[CH_ENV_HDR_LEN])
{
	cwr_t w;
	cwr_fixed(&w, out, CH_ENV_HDR_LEN);
	env_put_header(&w, e);
	assert(w.err == 0 && w.len == CH_ENV_HDR_LEN);
}

void
ch_env_encode(const ch_env_t *e, uint8_t out[CH_ENV_LEN])
{
	cwr_t w;
	cwr_fixed(&w, out, CH_ENV_LEN);
	env_put_header(&w, e);
	cwr_put(&w, e->sig, CH_SIG_LEN);
	assert(w.err == 0 && w.len == CH_ENV_LEN);
}

int
ch_env_decode(const uint8_t *p, size_t n, ch_env_t *e)
{
	crd_t r;
	uint8_t magic[4];

	memset(e, 0, sizeof(*e));
	crd_init(&r, p, n);
	crd_copy(&r, magic, 4);
	if (!r.err && memcmp(magic, ENV_MAGIC, 4) != 0)
		return CH_ERR_MAGIC;
	e->version = crd_u8(&r);
	if (!r.err && e->version != FORMAT_VERSION)
		return CH_ERR_VERSION;
	crd_copy(&r, e->case_id, CH_CASE_LEN);
	crd_copy(&r, e->org, 32);
	e->seq = crd_u64(&r);
	crd_copy(&r, e->prev, CH_HASH_LEN);
	e->epoch = crd_u32(&r);
	e->audience = crd_u8(&r);
	e->time_ms = crd_u64(&r);
	e->body_len = crd_u32(&r);
	crd_copy(&r, e->body_hash, CH_HASH_LEN);
	crd_copy(&r, e->sig, CH_SIG_LEN);
	int rc = crd_end(&r);
	if (rc)
		return rc;
	if (e->body_len > CH_BODY_MAX)
		return CH_ERR_TOOBIG;
	if (e->seq == 0 || !audience_ok(e->audience))
		return CH_ERR_VALUE;
	/* The first entry of a feed has no predecessor: one encoding only. */
	if (e->seq == 1 && !sodium_is_zero(e->prev, CH_HASH_LEN))
		return CH_ERR_VALUE;
	return CH_OK;
}

void
ch_env_sign(ch_env_t *e, const uint8_t sign_sk[64])
{
	uint8_t hdr[CH_ENV_HDR_LEN];
	ch_env_header(e, hdr);
	crypto_sign_detached(e->sig, NULL, hdr, sizeof(hdr), sign_sk);
}

int
ch_env_verify(const ch_env_t *e)
{
	uint8_t hdr[CH_ENV_HDR_LEN];
	ch_env_header(e, hdr);
	if (crypto_sign_verify_detached(e->sig, hdr, sizeof(hdr), e->org) != 0)
		return CH_ERR_SIG;
	return CH_OK;
}

void
ch_env_id(const ch_env_t *e, uint8_t id[CH_HASH_LEN])
{
	uint8_t buf[CH_ENV_LEN];
	ch_env_encode(e, buf);
	crypto_generichash(id, CH_HASH_LEN, buf, sizeof(buf), NULL, 0);
}

int
ch_entry_form(const uint8_t *p, size_t n, ch_env_t *e,
    const uint8_t **body, size_t *bodylen, int *form, const uint8_t **proof)
{
	uint8_t h[CH_HASH_LEN];

	*body = NULL;
	*bodylen = 0;
	*form = CH_FORM_FULL;
	*proof = NULL;
	int rc = ch_env_decode(p, n < CH_ENV_LEN ? n : CH_ENV_LEN, e);
	if (rc)
		return rc;
	if (n == CH_ENV_LEN) {
		*form = CH_FORM_BARE; /* the envelope alone still chains */
		return CH_OK;
	}
	if (n == CH_ERASED_LEN && memcmp(p + CH_ENV_LEN, ERASED_MAGIC, 4) == 0) {
		*form = CH_FORM_ERASED;
		*proof = p + CH_ENV_LEN + 4;
		return CH_OK;
	}
	size_t have = n - CH_ENV_LEN;
	if (have < e->body_len)
		return CH_ERR_TRUNCATED;
	if (have > e->body_len)
		return CH_ERR_TRAILING;
	crypto_generichash(h, sizeof(h), p + CH_ENV_LEN, have, NULL, 0);
	if (memcmp(h, e->body_hash, CH_HASH_LEN) != 0)
		return CH_ERR_HASH;
	*body = p + CH_ENV_LEN;
	*bodylen = have;
	return CH_OK;
}

int
ch_entry_split(const uint8_t *p, size_t n, ch_env_t *e,
    const uint8_t **body, size_t *bodylen)
{
	int form;
	const uint8_t *proof;
	return ch_entry_form(p, n, e, body, bodylen, &form, &proof);
}

static void
erasure_msg(const uint8_t case_id[CH_CASE_LEN], const uint8_t id[CH_HASH_LEN],
    uint8_t m[ERASE_MSG_LEN])
{
	memcpy(m, ERASE_CONTEXT, strlen(ERASE_CONTEXT));
	memcpy(m + strlen(ERASE_CONTEXT), case_id, CH_CASE_LEN);
	memcpy(m + strlen(ERASE_CONTEXT) + CH_CASE_LEN, id, CH_HASH_LEN);
}

void
ch_erasure_sign(const uint8_t case_id[CH_CASE_LEN], const uint8_t id[CH_HASH_LEN],
    const uint8_t sign_sk[64], uint8_t proof[CH_SIG_LEN])
{
	uint8_t m[ERASE_MSG_LEN];
	erasure_msg(case_id, id, m);
	crypto_sign_detached(proof, NULL, m, sizeof(m), sign_sk);
}

int
ch_erasure_verify(const ch_env_t *e, const uint8_t proof[CH_SIG_LEN])
{
	uint8_t m[ERASE_MSG_LEN], id[CH_HASH_LEN];
	ch_env_id(e, id);
	erasure_msg(e->case_id, id, m);
	if (crypto_sign_verify_detached(proof, m, sizeof(m), e->org) != 0)
		return CH_ERR_SIG;
	return CH_OK;
}

void
ch_entry_erased(const ch_env_t *e, const uint8_t proof[CH_SIG_LEN],
    uint8_t out[CH_ERASED_LEN])
{
	ch_env_encode(e, out);
	memcpy(out + CH_ENV_LEN, ERASED_MAGIC, 4);
	memcpy(out + CH_ENV_LEN + 4, proof, CH_SIG_LEN);
}

/* ---- sealed body ---- */

/* Parses a sealed body completely (so slots and open agree on what is
 * well-formed). slots may be NULL when the caller does not want them. */
static int
body_parse(const uint8_t *b, size_t n, ch_slot_t **slots, size_t *nslots,
    const uint8_t **nonce, const uint8_t **c, size_t *clen)
{
	crd_t r;
	ch_slot_t *s = NULL;
	int rc = CH_OK;

	crd_init(&r, b, n);
	uint16_t ns = crd_u16(&r);
	if (!r.err && ns > CH_SLOTS_MAX)
		return CH_ERR_TOOBIG;
	/* Allocate only once the input is long enough to hold every slot. */
	if (slots && ns && (size_t)ns * SLOT_LEN <= crd_left(&r)) {
		s = calloc(ns, sizeof(*s));
		if (!s)
			return CH_ERR_NOMEM;
	}
	for (size_t i = 0; i < ns && !r.err; i++) {
		ch_slot_t t;
		crd_copy(&r, t.org, 32);
		t.epoch = crd_u32(&r);
		t.audience = crd_u8(&r);
		crd_copy(&r, t.sealed, CH_SEALED_KEY_LEN);
		if (!r.err && !audience_ok(t.audience)) {
			rc = CH_ERR_VALUE;
			break;
		}
		if (s)
			s[i] = t;
	}
	*nonce = crd_ref(&r, NONCE_LEN);
	*c = crd_var(&r, CH_BODY_MAX, clen);
	if (!rc)
		rc = crd_end(&r);
	if (!rc && *clen < TAG_LEN)
		rc = CH_ERR_VALUE;
	if (rc) {
		free(s);
		return rc;
	}
	if (slots) {
		*slots = s;
		*nslots = ns;
	}
	return CH_OK;
}

int
ch_body_seal(const ch_env_t *env, const ch_slot_t *slots, size_t nslots,
    const uint8_t key[32], const uint8_t *plain, size_t plainlen,
    uint8_t **out, size_t *outlen)
{
	uint8_t hdr[CH_ENV_HDR_LEN];
	uint8_t nonce[NONCE_LEN];
	unsigned long long clen;
	cwr_t w;

	*out = NULL;
	*outlen = 0;
	if (nslots > CH_SLOTS_MAX || plainlen > CH_BODY_MAX - TAG_LEN)
		return CH_ERR_TOOBIG;
	for (size_t i = 0; i < nslots; i++)
		if (!audience_ok(slots[i].audience))
			return CH_ERR_VALUE;
	/* Only version..time are bound: body_len and body_hash depend on the
	 * result, and the signature comes last. */
	ch_env_header(env, hdr);
	randombytes_buf(nonce, sizeof(nonce));
	uint8_t *c = malloc(plainlen + TAG_LEN);
	if (!c)
		return CH_ERR_NOMEM;
	crypto_aead_xchacha20poly1305_ietf_encrypt(c, &clen, plain, plainlen,
	    hdr, CH_AAD_LEN, NULL, nonce, key);

	cwr_init(&w, CH_BODY_MAX);
	cwr_u16(&w, (uint16_t)nslots);
	for (size_t i = 0; i < nslots; i++) {
		cwr_put(&w, slots[i].org, 32);
		cwr_u32(&w, slots[i].epoch);
		cwr_u8(&w, slots[i].audience);
		cwr_put(&w, slots[i].sealed, CH_SEALED_KEY_LEN);
	}
	cwr_put(&w, nonce, sizeof(nonce));
	cwr_var(&w, c, (size_t)clen, CH_BODY_MAX);
	free(c);
	return cwr_finish(&w, out, outlen);
}

int
ch_body_slots(const uint8_t *body, size_t n, ch_slot_t **slots, size_t *nslots)
{
	const uint8_t *nonce, *c;
	size_t clen;

	*slots = NULL;
	*nslots = 0;
	return body_parse(body, n, slots, nslots, &nonce, &c, &clen);
}

int
ch_body_open(const ch_env_t *env, const uint8_t *body, size_t n,
    const uint8_t key[32], uint8_t **plain, size_t *plainlen)
{
	const uint8_t *nonce, *c;
	size_t clen;
	uint8_t hdr[CH_ENV_HDR_LEN];
	unsigned long long mlen;

	*plain = NULL;
	*plainlen = 0;
	int rc = body_parse(body, n, NULL, NULL, &nonce, &c, &clen);
	if (rc)
		return rc;
	ch_env_header(env, hdr);
	size_t cap = clen - TAG_LEN;
	uint8_t *m = malloc(cap ? cap : 1);
	if (!m)
		return CH_ERR_NOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, c, clen,
	    hdr, CH_AAD_LEN, nonce, key) != 0) {
		sodium_memzero(m, cap ? cap : 1);
		free(m);
		return CH_ERR_DECRYPT;
	}
	*plain = m;
	*plainlen = (size_t)mlen;
	return CH_OK;
}

/* ---- plain body ---- */

/* The provider signs a domain-separated message that also binds the case and
 * the audience, which live only in the envelope: a signed body cannot be
 * replayed into another case or widened to another audience. */
static int
plain_sig_msg(const uint8_t case_id[CH_CASE_LEN], uint8_t audience,
    const uint8_t *b, size_t n, uint8_t **m, size_t *mlen)
{
	cwr_t w;
	cwr_init(&w, 4 + CH_CASE_LEN + 1 + PLAIN_MAX);
	cwr_put(&w, PLAIN_SIG_MAGIC, 4);
	cwr_put(&w, case_id, CH_CASE_LEN);
	cwr_u8(&w, audience);
	cwr_put(&w, b, n);
	return cwr_finish(&w, m, mlen);
}

static void
wipe_free(uint8_t *p, size_t n)
{
	if (p) {
		sodium_memzero(p, n);
		free(p);
	}
}

int
ch_plain_encode(ch_plain_t *p, const uint8_t case_id[CH_CASE_LEN],
    uint8_t audience, const uint8_t *sign_sk, uint8_t **out, size_t *len)
{
	cwr_t w;
	int rc;

	*out = NULL;
	*len = 0;
	if (p->version != FORMAT_VERSION)
		return CH_ERR_VERSION;
	cwr_init(&w, PLAIN_MAX);
	cwr_put(&w, PLAIN_MAGIC, 4);
	cwr_u8(&w, p->version);
	cwr_u8(&w, p->kind);
	cwr_var(&w, p->cert, p->certlen, CERT_MAX);
	cwr_u64(&w, p->hlc);
	cwr_put(&w, p->reply_to, CH_HASH_LEN);
	cwr_put(&w, p->supersedes, CH_HASH_LEN);
	cwr_var(&w, p->fields, p->fieldslen, FIELDS_MAX);
	if ((rc = cwr_err(&w)) != 0) {
		cwr_free(&w);
		return rc;
	}
	if (sign_sk) {
		uint8_t *m;
		size_t mlen;
		if ((rc = plain_sig_msg(case_id, audience, w.p, w.len, &m, &mlen)) != 0) {
			cwr_free(&w);
			return rc;
		}
		crypto_sign_detached(p->sig, NULL, m, mlen, sign_sk);
		wipe_free(m, mlen);
	} else
		memset(p->sig, 0, CH_SIG_LEN);
	cwr_put(&w, p->sig, CH_SIG_LEN);
	return cwr_finish(&w, out, len);
}

int
ch_plain_decode(const uint8_t *buf, size_t n, ch_plain_t *p)
{
	crd_t r;
	uint8_t magic[4];

	memset(p, 0, sizeof(*p));
	crd_init(&r, buf, n);
	crd_copy(&r, magic, 4);
	if (!r.err && memcmp(magic, PLAIN_MAGIC, 4) != 0)
		return CH_ERR_MAGIC;
	p->version = crd_u8(&r);
	if (!r.err && p->version != FORMAT_VERSION)
		return CH_ERR_VERSION;
	p->kind = crd_u8(&r);
	p->cert = crd_var(&r, CERT_MAX, &p->certlen);
	p->hlc = crd_u64(&r);
	crd_copy(&r, p->reply_to, CH_HASH_LEN);
	crd_copy(&r, p->supersedes, CH_HASH_LEN);
	p->fields = crd_var(&r, FIELDS_MAX, &p->fieldslen);
	crd_copy(&r, p->sig, CH_SIG_LEN);
	int rc = crd_end(&r);
	if (rc)
		memset(p, 0, sizeof(*p));
	return rc;
}

int
ch_plain_verify(const uint8_t *buf, size_t n, const uint8_t case_id[CH_CASE_LEN],
    uint8_t audience, const uint8_t provider[32])
{
	ch_plain_t p;
	uint8_t *m;
	size_t mlen;

	int rc = ch_plain_decode(buf, n, &p);
	if (rc)
		return rc;
	/* Decoded, so n >= CH_SIG_LEN and the signature is the last 64 bytes. */
	rc = plain_sig_msg(case_id, audience, buf, n - CH_SIG_LEN, &m, &mlen);
	if (rc)
		return rc;
	if (crypto_sign_verify_detached(buf + n - CH_SIG_LEN, m, mlen, provider) != 0)
		rc = CH_ERR_SIG;
	wipe_free(m, mlen);
	return rc;
}

/* ---- kinds' fields ---- */

static void
text_free(char **s)
{
	if (*s) {
		sodium_memzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

int
ch_note_encode(const char *text, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (!text || !*text)
		return CH_ERR_VALUE; /* an empty note says nothing */
	cwr_init(&w, 4 + CH_TEXT_MAX);
	cwr_text(&w, text, CH_TEXT_MAX);
	return cwr_finish(&w, out, len);
}

int
ch_note_decode(const uint8_t *p, size_t n, ch_note_t *out)
{
	crd_t r;

	out->text = NULL;
	crd_init(&r, p, n);
	char *t = crd_text(&r, CH_TEXT_MAX);
	int rc = crd_end(&r);
	if (!rc && !*t)
		rc = CH_ERR_VALUE;
	if (rc) {
		text_free(&t);
		return rc;
	}
	out->text = t;
	return CH_OK;
}

void
ch_note_clear(ch_note_t *n)
{
	text_free(&n->text);
}

void
ch_case_id(const uint8_t org[32], const uint8_t salt[16], uint8_t out[CH_CASE_LEN])
{
	crypto_generichash_state st;
	uint8_t h[32];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)CASE_ID_CONTEXT,
	    strlen(CASE_ID_CONTEXT));
	crypto_generichash_update(&st, org, 32);
	crypto_generichash_update(&st, salt, 16);
	crypto_generichash_final(&st, h, sizeof(h));
	memcpy(out, h, CH_CASE_LEN);
}

int
ch_create_encode(const uint8_t salt[16], const char *name, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (!name || !*name)
		return CH_ERR_VALUE;
	cwr_init(&w, 16 + 4 + NAME_MAX_LEN);
	cwr_put(&w, salt, 16);
	cwr_text(&w, name, NAME_MAX_LEN);
	return cwr_finish(&w, out, len);
}

int
ch_create_decode(const uint8_t *p, size_t n, ch_create_t *out)
{
	crd_t r;

	memset(out, 0, sizeof(*out));
	crd_init(&r, p, n);
	crd_copy(&r, out->salt, 16);
	char *name = crd_text(&r, NAME_MAX_LEN);
	int rc = crd_end(&r);
	if (!rc && !*name)
		rc = CH_ERR_VALUE;
	if (rc) {
		text_free(&name);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->name = name;
	return CH_OK;
}

void
ch_create_clear(ch_create_t *c)
{
	text_free(&c->name);
	sodium_memzero(c->salt, sizeof(c->salt));
}

int
ch_member_encode(const uint8_t *card, size_t cardlen, const char *role,
    uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	/* A role too long for the field fails below, with CH_ERR_TOOBIG. */
	if (!ch_role_ok(role))
		return CH_ERR_VALUE;
	cwr_init(&w, 4 + CARD_MAX + 4 + ROLE_MAX);
	cwr_var(&w, card, cardlen, CARD_MAX);
	cwr_text(&w, role, ROLE_MAX);
	return cwr_finish(&w, out, len);
}

int
ch_member_decode(const uint8_t *p, size_t n, ch_member_t *out)
{
	crd_t r;

	memset(out, 0, sizeof(*out));
	crd_init(&r, p, n);
	const uint8_t *card = crd_var(&r, CARD_MAX, &out->cardlen);
	char *role = crd_text(&r, ROLE_MAX);
	int rc = crd_end(&r);
	if (!rc && !ch_role_ok(role))
		rc = CH_ERR_VALUE;
	if (rc) {
		text_free(&role);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->card = card;
	out->role = role;
	return CH_OK;
}

void
ch_member_clear(ch_member_t *m)
{
	text_free(&m->role);
	m->card = NULL;
	m->cardlen = 0;
}

static int
access_values_ok(uint8_t action, uint8_t outcome, uint8_t purpose)
{
	return action >= CH_ACT_CREATE && action <= CH_ACT_PRINT &&
	    outcome <= CH_OUT_FAILED &&
	    purpose >= CH_PURPOSE_TREATMENT && purpose <= CH_PURPOSE_AUDIT;
}

#define RANGE_LEN (32 + 8 + 8)
#define ACCESS_MAX (16 + 3 + 8 + 4 + CERT_MAX + 4 + REQUEST_MAX + 2 + \
	CH_ACCESS_RANGES_MAX * RANGE_LEN)

int
ch_access_encode(const ch_access_t *a, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (!access_values_ok(a->action, a->outcome, a->purpose))
		return CH_ERR_VALUE;
	if (a->nranges > CH_ACCESS_RANGES_MAX)
		return CH_ERR_TOOBIG;
	for (size_t i = 0; i < a->nranges; i++)
		if (a->ranges[i].from > a->ranges[i].to)
			return CH_ERR_VALUE;
	cwr_init(&w, ACCESS_MAX);
	cwr_put(&w, a->event_id, 16);
	cwr_u8(&w, a->action);
	cwr_u8(&w, a->outcome);
	cwr_u8(&w, a->purpose);
	cwr_u64(&w, a->time_ms);
	cwr_var(&w, a->cert, a->certlen, CERT_MAX);
	cwr_var(&w, a->request, a->requestlen, REQUEST_MAX);
	cwr_u16(&w, (uint16_t)a->nranges);
	for (size_t i = 0; i < a->nranges; i++) {
		cwr_put(&w, a->ranges[i].org, 32);
		cwr_u64(&w, a->ranges[i].from);
		cwr_u64(&w, a->ranges[i].to);
	}
	return cwr_finish(&w, out, len);
}

int
ch_access_decode(const uint8_t *p, size_t n, ch_access_t *out)
{
	crd_t r;
	int rc = CH_OK;

	memset(out, 0, sizeof(*out));
	crd_init(&r, p, n);
	crd_copy(&r, out->event_id, 16);
	out->action = crd_u8(&r);
	out->outcome = crd_u8(&r);
	out->purpose = crd_u8(&r);
	out->time_ms = crd_u64(&r);
	out->cert = crd_var(&r, CERT_MAX, &out->certlen);
	out->request = crd_var(&r, REQUEST_MAX, &out->requestlen);
	uint16_t nr = crd_u16(&r);
	if (!r.err && nr > CH_ACCESS_RANGES_MAX)
		rc = CH_ERR_TOOBIG;
	else if (!r.err && nr) {
		/* Allocate only for ranges the input can actually hold. */
		if ((size_t)nr * RANGE_LEN > crd_left(&r))
			rc = CH_ERR_TRUNCATED;
		else if (!(out->ranges = calloc(nr, sizeof(*out->ranges))))
			rc = CH_ERR_NOMEM;
		else
			out->nranges = nr;
	}
	if (rc) {
		ch_access_clear(out);
		return rc;
	}
	for (size_t i = 0; i < out->nranges; i++) {
		ch_range_t *g = &out->ranges[i];
		crd_copy(&r, g->org, 32);
		g->from = crd_u64(&r);
		g->to = crd_u64(&r);
		if (g->from > g->to)
			rc = CH_ERR_VALUE;
	}
	int end = crd_end(&r);
	if (end)
		rc = end;
	if (!rc && !access_values_ok(out->action, out->outcome, out->purpose))
		rc = CH_ERR_VALUE;
	if (rc)
		ch_access_clear(out);
	return rc;
}

void
ch_access_clear(ch_access_t *a)
{
	free(a->ranges);
	memset(a, 0, sizeof(*a));
}

/* ---- ERASE (kind 15) ---- */

static int
erase_reason_ok(uint8_t r)
{
	return r >= CH_ERASE_ASKED && r <= CH_ERASE_ERROR;
}

int
ch_erase_encode(const ch_erase_t *x, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (x->seq == 0 || !erase_reason_ok(x->reason) || sodium_is_zero(x->by, 32))
		return CH_ERR_VALUE;
	cwr_init(&w, CH_ERASE_LEN);
	cwr_u64(&w, x->seq);
	cwr_put(&w, x->id, CH_HASH_LEN);
	cwr_u8(&w, x->reason);
	cwr_put(&w, x->by, 32);
	cwr_put(&w, x->proof, CH_SIG_LEN);
	return cwr_finish(&w, out, len);
}

int
ch_erase_decode(const uint8_t *p, size_t n, ch_erase_t *out)
{
	crd_t r;

	memset(out, 0, sizeof(*out));
	crd_init(&r, p, n);
	out->seq = crd_u64(&r);
	crd_copy(&r, out->id, CH_HASH_LEN);
	out->reason = crd_u8(&r);
	crd_copy(&r, out->by, 32);
	crd_copy(&r, out->proof, CH_SIG_LEN);
	int rc = crd_end(&r);
	if (!rc && (out->seq == 0 || !erase_reason_ok(out->reason) ||
	    sodium_is_zero(out->by, 32)))
		rc = CH_ERR_VALUE;
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
ch_erasereq_encode(const uint8_t id[CH_HASH_LEN], uint8_t reason, uint8_t **out,
    size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (!erase_reason_ok(reason) || sodium_is_zero(id, CH_HASH_LEN))
		return CH_ERR_VALUE;
	cwr_init(&w, CH_ERASEREQ_LEN);
	cwr_put(&w, id, CH_HASH_LEN);
	cwr_u8(&w, reason);
	return cwr_finish(&w, out, len);
}

int
ch_erasereq_decode(const uint8_t *p, size_t n, uint8_t id[CH_HASH_LEN], uint8_t *reason)
{
	crd_t r;

	crd_init(&r, p, n);
	crd_copy(&r, id, CH_HASH_LEN);
	*reason = crd_u8(&r);
	int rc = crd_end(&r);
	if (!rc && (!erase_reason_ok(*reason) || sodium_is_zero(id, CH_HASH_LEN)))
		rc = CH_ERR_VALUE;
	if (rc) {
		memset(id, 0, CH_HASH_LEN);
		*reason = 0;
	}
	return rc;
}
