/* keys.c - identity secrets, sealed key files, org cards, provider certificates,
 * provider requests and fingerprints (byte layouts in docs/KEYS-FORMAT.md). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/cbuf.h"
#include "../proto/names.h"
#include "keys.h"

#define KDF_CTX "cahierk1"
#define KDF_ID_BOX 1
#define KDF_ID_CURVE 2
#define KDF_ID_STORAGE 3

#define FORMAT_VERSION 1

/* Key file. */
#define SK_ALG_ARGON2ID13 1
#define SK_SALT_LEN 16
#define SK_NONCE_LEN 24
#define SK_CT_LEN (KEYS_SEED_LEN + 16)
#define SK_HDR_LEN (4 + 1 + 1 + 1 + 8 + 8 + SK_SALT_LEN + SK_NONCE_LEN)
#define SK_LEN (SK_HDR_LEN + 4 + SK_CT_LEN)
/* Bounds on KDF parameters read from a file: a crafted file must not make us
 * spin for an hour or allocate 64 GiB before the passphrase is even tried. */
#define SK_OPS_MAX 16
#define SK_MEM_MIN (8u * 1024)
#define SK_MEM_MAX (1024u * 1024 * 1024)

#define CARD_MAX (4 + 1 + 32 + 4 + KEYS_NAME_MAX + 4 + KEYS_ENDPOINT_MAX + \
	32 + 32 + 8 + KEYS_SIG_LEN)
#define CERT_MAX (4 + 1 + 32 + 32 + 32 + 4 + KEYS_NAME_MAX + 4 + KEYS_ROLE_MAX + \
	8 + 8 + KEYS_SIG_LEN)
#define REQ_LEN (4 + 1 + 32 + 32 + KEYS_SIG_LEN)

/* libsodium must be initialised before sodium_malloc or randombytes; the call
 * is idempotent and thread-safe, so every entry point that needs it makes it. */
static int
init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

static int
kind_valid(uint8_t kind)
{
	return kind == KEYS_KIND_ORG || kind == KEYS_KIND_PROVIDER;
}

/* Fills every derived field of k from k->seed. */
static void
derive(keys_secret_t *k)
{
	/* Derived straight into locked memory: no stack copies to wipe. */
	crypto_sign_seed_keypair(k->sign_pk, k->sign_sk, k->seed);
	crypto_kdf_derive_from_key(k->box_sk, sizeof(k->box_sk), KDF_ID_BOX,
	    KDF_CTX, k->seed);
	crypto_kdf_derive_from_key(k->curve_sk, sizeof(k->curve_sk), KDF_ID_CURVE,
	    KDF_CTX, k->seed);
	crypto_kdf_derive_from_key(k->storage, sizeof(k->storage), KDF_ID_STORAGE,
	    KDF_CTX, k->seed);
	crypto_scalarmult_base(k->box_pk, k->box_sk);
	crypto_scalarmult_base(k->curve_pk, k->curve_sk);
}

static keys_secret_t *
secret_alloc(uint8_t kind)
{
	keys_secret_t *k;

	assert(kind_valid(kind));
	if (init() < 0)
		return NULL;
	if ((k = sodium_malloc(sizeof(*k))) == NULL)
		return NULL;
	sodium_memzero(k, sizeof(*k));
	k->kind = kind;
	return k;
}

keys_secret_t *
keys_secret_new(uint8_t kind)
{
	keys_secret_t *k = secret_alloc(kind);

	if (k == NULL)
		return NULL;
	randombytes_buf(k->seed, sizeof(k->seed));
	derive(k);
	return k;
}

keys_secret_t *
keys_secret_from_seed(uint8_t kind, const uint8_t seed[KEYS_SEED_LEN])
{
	keys_secret_t *k = secret_alloc(kind);

	if (k == NULL)
		return NULL;
	memcpy(k->seed, seed, KEYS_SEED_LEN);
	derive(k);
	return k;
}

void
keys_secret_destroy(keys_secret_t **k)
{
	if (k == NULL || *k == NULL)
		return;
	sodium_memzero(*k, sizeof(**k));
	sodium_free(*k);
	*k = NULL;
}

/* ---- key files ---- */

static const char *
sk_comment(uint8_t kind)
{
	return kind == KEYS_KIND_ORG ? "cahier org secret key" :
	    "cahier provider secret key";
}

static int
kdf_params_ok(uint64_t ops, uint64_t mem)
{
	return ops >= crypto_pwhash_OPSLIMIT_MIN && ops <= SK_OPS_MAX &&
	    mem >= SK_MEM_MIN && mem <= SK_MEM_MAX;
}

int
keys_file_seal(const keys_secret_t *k, const char *pass, size_t passlen,
    uint64_t opslimit, size_t memlimit, char **text)
{
	uint8_t salt[SK_SALT_LEN], nonce[SK_NONCE_LEN];
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t ct[SK_CT_LEN];
	cwr_t w;
	uint8_t *bin = NULL;
	size_t binlen;
	int rc;

	*text = NULL;
	if (init() < 0)
		return CH_ERR_NOMEM;
	if (!kind_valid(k->kind) || !kdf_params_ok(opslimit, memlimit))
		return CH_ERR_VALUE;
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));

	cwr_init(&w, SK_LEN);
	cwr_put(&w, "CHSK", 4);
	cwr_u8(&w, FORMAT_VERSION);
	cwr_u8(&w, k->kind);
	cwr_u8(&w, SK_ALG_ARGON2ID13);
	cwr_u64(&w, opslimit);
	cwr_u64(&w, memlimit);
	cwr_put(&w, salt, sizeof(salt));
	cwr_put(&w, nonce, sizeof(nonce));
	if ((rc = cwr_err(&w)) != 0)
		goto out;
	assert(w.len == SK_HDR_LEN);

	if (crypto_pwhash(key, sizeof(key), pass, passlen, salt, opslimit,
	    memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = CH_ERR_NOMEM; /* argon2 only fails to allocate here */
		goto out;
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, k->seed,
	    sizeof(k->seed), w.p, w.len, NULL, nonce, key);
	cwr_var(&w, ct, sizeof(ct), sizeof(ct));
	if ((bin = cwr_take(&w, &binlen)) == NULL) {
		rc = CH_ERR_NOMEM;
		goto out;
	}
	rc = keys_armor("SECRET KEY", sk_comment(k->kind), bin, binlen, text);
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(ct, sizeof(ct));
	cwr_free(&w);
	free(bin);
	return rc;
}

int
keys_file_open(const char *text, size_t n, uint8_t kind,
    const char *pass, size_t passlen, keys_secret_t **out)
{
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t seed[KEYS_SEED_LEN];
	uint8_t *bin = NULL;
	size_t binlen, ctlen;
	const uint8_t *magic, *salt, *nonce, *ct;
	uint8_t version, fkind, alg;
	uint64_t ops, mem;
	crd_t r;
	int rc;

	*out = NULL;
	if (init() < 0)
		return CH_ERR_NOMEM;
	if ((rc = keys_dearmor("SECRET KEY", text, n, &bin, &binlen)) != 0)
		return rc;

	crd_init(&r, bin, binlen);
	magic = crd_ref(&r, 4);
	if (magic == NULL || memcmp(magic, "CHSK", 4) != 0) {
		rc = magic == NULL ? CH_ERR_TRUNCATED : CH_ERR_MAGIC;
		goto out;
	}
	version = crd_u8(&r);
	if (r.err == 0 && version != FORMAT_VERSION) {
		rc = CH_ERR_VERSION;
		goto out;
	}
	fkind = crd_u8(&r);
	alg = crd_u8(&r);
	ops = crd_u64(&r);
	mem = crd_u64(&r);
	salt = crd_ref(&r, SK_SALT_LEN);
	nonce = crd_ref(&r, SK_NONCE_LEN);
	ct = crd_var(&r, SK_CT_LEN, &ctlen);
	if ((rc = crd_end(&r)) != 0)
		goto out;
	/* Everything below is checked before the KDF runs. */
	if (!kind_valid(fkind) || fkind != kind || alg != SK_ALG_ARGON2ID13 ||
	    !kdf_params_ok(ops, mem) || ctlen != SK_CT_LEN) {
		rc = CH_ERR_VALUE;
		goto out;
	}
	if (crypto_pwhash(key, sizeof(key), pass, passlen, salt, ops,
	    (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = CH_ERR_NOMEM;
		goto out;
	}
	/* The AAD is the header as read, so a changed kind, KDF parameter,
	 * salt or nonce fails exactly like a wrong passphrase. */
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL, ct,
	    ctlen, bin, SK_HDR_LEN, nonce, key) != 0) {
		rc = CH_ERR_PASS;
		goto out;
	}
	if ((*out = keys_secret_from_seed(kind, seed)) == NULL)
		rc = CH_ERR_NOMEM;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(seed, sizeof(seed));
	if (bin != NULL) {
		sodium_memzero(bin, binlen);
		free(bin);
	}
	return rc;
}

int
keys_file_write(const char *path, const keys_secret_t *k,
    const char *pass, size_t passlen)
{
	char *text = NULL;
	int rc;

	rc = keys_file_seal(k, pass, passlen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, &text);
	if (rc != 0)
		return rc;
	rc = keys_write_new(path, text, strlen(text), 0600);
	free(text);
	return rc;
}

int
keys_file_read(const char *path, uint8_t kind, const char *pass,
    size_t passlen, keys_secret_t **out)
{
	char *text = NULL;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = keys_slurp(path, &text, &n)) != 0)
		return rc;
	rc = keys_file_open(text, n, kind, pass, passlen, out);
	free(text);
	return rc;
}

/* ---- signed public records ---- */

/* Names, endpoints and roles end up on terminals, in logs and in armor
 * comments: refuse control characters so a card or a certificate cannot
 * smuggle escape sequences or turn text around: C0 controls and DEL, C1
 * controls (U+0080..U+009F), the bidirectional controls (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and the line and
 * paragraph separators (U+2028, U+2029). The text is UTF-8 (the decoders
 * check), so these are fixed byte sequences. */
static int
text_ok(const char *s, int nonempty)
{
	const unsigned char *q;

	if (s == NULL)
		return !nonempty;
	if (nonempty && *s == '\0')
		return 0;
	for (q = (const unsigned char *)s; *q; q++) {
		if (*q < 0x20 || *q == 0x7f)
			return 0;
		if (q[0] == 0xc2 && q[1] >= 0x80 && q[1] <= 0x9f)
			return 0;
		if (q[0] == 0xd8 && q[1] == 0x9c)
			return 0;
		if (q[0] == 0xe2 && q[1] == 0x80 && (q[2] == 0x8e || q[2] == 0x8f ||
		    (q[2] >= 0xa8 && q[2] <= 0xae)))
			return 0;
		if (q[0] == 0xe2 && q[1] == 0x81 && q[2] >= 0xa6 && q[2] <= 0xa9)
			return 0;
	}
	return 1;
}

/* Signs every byte written so far with sk, appends the signature and hands
 * the buffer to the caller. Frees w on every path. */
static int
sign_take(cwr_t *w, const uint8_t sk[64], uint8_t **out, size_t *len)
{
	uint8_t sig[KEYS_SIG_LEN];
	int rc;

	if ((rc = cwr_err(w)) != 0) {
		cwr_free(w);
		return rc;
	}
	crypto_sign_detached(sig, NULL, w->p, w->len, sk);
	cwr_put(w, sig, sizeof(sig));
	if ((rc = cwr_err(w)) != 0) {
		cwr_free(w);
		return rc;
	}
	if ((*out = cwr_take(w, len)) == NULL)
		return CH_ERR_NOMEM;
	return 0;
}

/* Checks magic and version, then the signature in the last 64 bytes over
 * all the bytes before it, by the key found at pkoff. Run before any field
 * is decoded, so only signed bytes ever reach the decoder. */
static int
verify_signed(const uint8_t *p, size_t n, const char magic[4], size_t pkoff)
{
	if (n < 4)
		return CH_ERR_TRUNCATED;
	if (memcmp(p, magic, 4) != 0)
		return CH_ERR_MAGIC;
	if (n < 5)
		return CH_ERR_TRUNCATED;
	if (p[4] != FORMAT_VERSION)
		return CH_ERR_VERSION;
	if (n < pkoff + 32 + KEYS_SIG_LEN)
		return CH_ERR_TRUNCATED;
	if (crypto_sign_verify_detached(p + n - KEYS_SIG_LEN, p,
	    n - KEYS_SIG_LEN, p + pkoff) != 0)
		return CH_ERR_SIG;
	return 0;
}

int
keys_card_make(const keys_secret_t *org, const char *name,
    const char *endpoint, uint64_t issued, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (org->kind != KEYS_KIND_ORG || !text_ok(name, 1) ||
	    !text_ok(endpoint, 0))
		return CH_ERR_VALUE;
	cwr_init(&w, CARD_MAX);
	cwr_put(&w, "CHOC", 4);
	cwr_u8(&w, FORMAT_VERSION);
	cwr_put(&w, org->sign_pk, 32);
	cwr_text(&w, name, KEYS_NAME_MAX);
	cwr_text(&w, endpoint, KEYS_ENDPOINT_MAX);
	cwr_put(&w, org->box_pk, 32);
	cwr_put(&w, org->curve_pk, 32);
	cwr_u64(&w, issued);
	return sign_take(&w, org->sign_sk, out, len);
}

int
keys_card_parse(const uint8_t *p, size_t n, keys_card_t *out)
{
	keys_card_t c;
	crd_t r;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > CARD_MAX)
		return CH_ERR_TOOBIG;
	if ((rc = verify_signed(p, n, "CHOC", 5)) != 0)
		return rc;
	memset(&c, 0, sizeof(c));
	crd_init(&r, p, n);
	(void)crd_ref(&r, 5);
	crd_copy(&r, c.org_id, 32);
	c.name = crd_text(&r, KEYS_NAME_MAX);
	c.endpoint = crd_text(&r, KEYS_ENDPOINT_MAX);
	crd_copy(&r, c.box_pk, 32);
	crd_copy(&r, c.curve_pk, 32);
	c.issued = crd_u64(&r);
	crd_copy(&r, c.sig, KEYS_SIG_LEN);
	if ((rc = crd_end(&r)) == 0 &&
	    (!text_ok(c.name, 1) || !text_ok(c.endpoint, 0)))
		rc = CH_ERR_VALUE;
	if (rc != 0) {
		keys_card_clear(&c);
		return rc;
	}
	*out = c;
	return 0;
}

/* Cards and certificates come out of decrypted entries too (the charter,
 * an author's certificate): their strings are wiped like the rest of an
 * entry's text before they are freed. */
static void
str_free(char **s)
{
	if (*s) {
		sodium_memzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
keys_card_clear(keys_card_t *c)
{
	if (c == NULL)
		return;
	str_free(&c->name);
	str_free(&c->endpoint);
	sodium_memzero(c, sizeof(*c));
}

int
keys_cert_make(const keys_secret_t *org, const uint8_t provider[32],
    const uint8_t curve_pk[32], const char *name, const char *role,
    uint64_t valid_from, uint64_t valid_until, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (org->kind != KEYS_KIND_ORG || !text_ok(name, 1) || !ch_role_ok(role) ||
	    valid_until < valid_from)
		return CH_ERR_VALUE;
	cwr_init(&w, CERT_MAX);
	cwr_put(&w, "CHPC", 4);
	cwr_u8(&w, FORMAT_VERSION);
	cwr_put(&w, provider, 32);
	cwr_put(&w, curve_pk, 32);
	cwr_put(&w, org->sign_pk, 32);
	cwr_text(&w, name, KEYS_NAME_MAX);
	cwr_text(&w, role, KEYS_ROLE_MAX);
	cwr_u64(&w, valid_from);
	cwr_u64(&w, valid_until);
	return sign_take(&w, org->sign_sk, out, len);
}

int
keys_cert_parse(const uint8_t *p, size_t n, keys_cert_t *out)
{
	keys_cert_t c;
	crd_t r;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > CERT_MAX)
		return CH_ERR_TOOBIG;
	if ((rc = verify_signed(p, n, "CHPC", 5 + 32 + 32)) != 0)
		return rc;
	memset(&c, 0, sizeof(c));
	crd_init(&r, p, n);
	(void)crd_ref(&r, 5);
	crd_copy(&r, c.provider, 32);
	crd_copy(&r, c.curve_pk, 32);
	crd_copy(&r, c.org_id, 32);
	c.name = crd_text(&r, KEYS_NAME_MAX);
	c.role = crd_text(&r, KEYS_ROLE_MAX);
	c.valid_from = crd_u64(&r);
	c.valid_until = crd_u64(&r);
	crd_copy(&r, c.sig, KEYS_SIG_LEN);
	if ((rc = crd_end(&r)) == 0 && (!text_ok(c.name, 1) ||
	    !ch_role_ok(c.role) || c.valid_until < c.valid_from))
		rc = CH_ERR_VALUE;
	if (rc != 0) {
		keys_cert_clear(&c);
		return rc;
	}
	*out = c;
	return 0;
}

void
keys_cert_clear(keys_cert_t *c)
{
	if (c == NULL)
		return;
	str_free(&c->name);
	str_free(&c->role);
	sodium_memzero(c, sizeof(*c));
}

int
keys_cert_check_time(const keys_cert_t *c, uint64_t t)
{
	return t >= c->valid_from && t <= c->valid_until ? 0 : CH_ERR_EXPIRED;
}

int
keys_request_make(const keys_secret_t *prov, uint8_t **out, size_t *len)
{
	cwr_t w;

	*out = NULL;
	*len = 0;
	if (prov->kind != KEYS_KIND_PROVIDER)
		return CH_ERR_VALUE;
	cwr_init(&w, REQ_LEN);
	cwr_put(&w, "CHPR", 4);
	cwr_u8(&w, FORMAT_VERSION);
	cwr_put(&w, prov->sign_pk, 32);
	cwr_put(&w, prov->curve_pk, 32);
	return sign_take(&w, prov->sign_sk, out, len);
}

int
keys_request_parse(const uint8_t *p, size_t n, uint8_t provider[32],
    uint8_t curve_pk[32])
{
	uint8_t prov[32], curve[32], sig[KEYS_SIG_LEN];
	crd_t r;
	int rc;

	if (n > REQ_LEN)
		return CH_ERR_TRAILING;
	if ((rc = verify_signed(p, n, "CHPR", 5)) != 0)
		return rc;
	crd_init(&r, p, n);
	(void)crd_ref(&r, 5);
	crd_copy(&r, prov, 32);
	crd_copy(&r, curve, 32);
	crd_copy(&r, sig, sizeof(sig));
	if ((rc = crd_end(&r)) != 0)
		return rc;
	memcpy(provider, prov, 32);
	memcpy(curve_pk, curve, 32);
	return 0;
}

/* ---- fingerprints ---- */

void
keys_fingerprint(const uint8_t org_id[32], char out[KEYS_FPR_LEN])
{
	static const char dom[] = "cahier-fingerprint-v1";
	crypto_generichash_state st;
	uint8_t h[32];
	char *q = out;

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)dom, sizeof(dom) - 1);
	crypto_generichash_update(&st, org_id, 32);
	crypto_generichash_final(&st, h, sizeof(h));
	for (int i = 0; i < 6; i++) {
		uint64_t v = 0;
		for (int j = 0; j < 5; j++)
			v = (v << 8) | h[5 * i + j];
		/* 2^40 is not a multiple of 10^5: the bias is about 1e-7, fine
		 * for a number people compare by eye. */
		snprintf(q, 7, "%s%05u", i ? " " : "", (unsigned)(v % 100000));
		q += i ? 6 : 5;
	}
	out[KEYS_FPR_LEN - 1] = '\0';
}

void
keys_keyid(const uint8_t pk[32], char out[17])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 8; i++) {
		out[2 * i] = hex[pk[i] >> 4];
		out[2 * i + 1] = hex[pk[i] & 15];
	}
	out[16] = '\0';
}
