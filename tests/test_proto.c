/* test_proto.c - codecs of proto/: roundtrips, known-answer vectors (the same
 * hex as proto/PROTOCOL.md, section "Test vectors"), and every decoder's
 * rejection of truncated, trailing, wrong-version and oversize input.
 * Run with --print-vectors to print the vectors (to regenerate PROTOCOL.md). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "../proto/cbuf.h"
#include "../proto/entry.h"
#include "../proto/kinds.h"
#include "../proto/msg.h"

/* ---- fixtures: everything derives from fixed seeds (PROTOCOL.md) ---- */

static uint8_t org_pk[32], org_sk[64], prov_pk[32], prov_sk[64];
static uint8_t salt[16], case_id[CH_CASE_LEN];

#define T0 UINT64_C(1700000000000)
#define NOTE_TEXT "Mevr. Jansen slept well; no pain."

static void
fixtures(void)
{
	uint8_t seed[32];
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	crypto_sign_seed_keypair(org_pk, org_sk, seed);
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(0x80 + i);
	crypto_sign_seed_keypair(prov_pk, prov_sk, seed);
	for (int i = 0; i < 16; i++)
		salt[i] = (uint8_t)(0xa0 + i);
	ch_case_id(org_pk, salt, case_id);
}

static void
golden_env(ch_env_t *e)
{
	memset(e, 0, sizeof(*e));
	e->version = 1;
	memcpy(e->case_id, case_id, CH_CASE_LEN);
	memcpy(e->org, org_pk, 32);
	e->seq = 1;
	e->epoch = 1;
	e->audience = CH_AUD_CARE;
	e->time_ms = T0;
	e->body_len = 1234;
	memset(e->body_hash, 0x5a, CH_HASH_LEN);
	ch_env_sign(e, org_sk);
}

static const uint8_t golden_cert[4] = { 0xc0, 0xc1, 0xc2, 0xc3 };

/* Encodes the golden note body; *out malloc'd. */
static int
golden_plain(ch_plain_t *p, uint8_t **out, size_t *len)
{
	uint8_t *f;
	size_t fl;
	int rc = ch_note_encode(NOTE_TEXT, &f, &fl);
	if (rc)
		return rc;
	memset(p, 0, sizeof(*p));
	p->version = 1;
	p->kind = CH_KIND_NOTE;
	p->cert = golden_cert;
	p->certlen = sizeof(golden_cert);
	p->hlc = T0 << 16 | 1;
	p->fields = f;
	p->fieldslen = fl;
	rc = ch_plain_encode(p, case_id, CH_AUD_CARE, prov_sk, out, len);
	free(f);
	p->fields = NULL;
	return rc;
}

/* The golden read request's fields, unsigned. */
static void
golden_readreq_fields(ch_readreq_t *r)
{
	memset(r, 0, sizeof(*r));
	r->action = CH_ACT_READ;
	r->purpose = CH_PURPOSE_TREATMENT;
	memcpy(r->case_id, case_id, CH_CASE_LEN);
	r->time_ms = T0;
	for (int i = 0; i < 16; i++)
		r->nonce[i] = (uint8_t)(0x10 + i);
	r->kinds = (UINT64_C(1) << CH_KIND_NOTE) | (UINT64_C(1) << CH_KIND_TASK);
	r->last = 50;
	strcpy(r->search, "Jansen");
}

/* Signs the golden read request; *out malloc'd. */
static int
golden_readreq(ch_readreq_t *r, uint8_t **out, size_t *len)
{
	golden_readreq_fields(r);
	return ch_readreq_sign(r, prov_sk, out, len);
}

static char *
hex(const uint8_t *p, size_t n)
{
	static char buf[2 * 4096 + 1];
	if (n > 4096)
		n = 4096;
	sodium_bin2hex(buf, sizeof(buf), p, n);
	return buf;
}

/* ---- known-answer vectors (PROTOCOL.md, "Test vectors") ---- */

static const char *kat_org_pk =
    "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
static const char *kat_prov_pk =
    "cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa";
static const char *kat_case_id =
    "271f03077bc70a12a1523c9aa6a21a81";
static const char *kat_env =
    "4348454e01271f03077bc70a12a1523c9aa6a21a8103a107bff3ce10be1d70dd"
    "18e74bc09967e4d6309ba50d5f1ddc8664125531b80000000000000001000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "01020000018bcfe56800000004d25a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a663e2f311170d518b43494a71300d7e5fe05"
    "d828037ef74996f14df16bce06816415394e5c67b3d560e4cc6b282082ffd1f1"
    "db4345279d41f0261893248bdd03";
static const char *kat_env_id =
    "d12e5560284d438b5ffacfe4ab2d3a2e1e0c5e634687b350399e25bc52fa4a45";
static const char *kat_plain =
    "43484244010100000004c0c1c2c3018bcfe56800000100000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000025000000214d65"
    "76722e204a616e73656e20736c6570742077656c6c3b206e6f207061696e2ea5"
    "f957bd43099a8f3ce270dc47bf37a98c3b1a9dd974e64b84a185b17d714b9848"
    "0c00fd06b71a2c11db728916f39d681e19b09bdebae6d623572e4382016c0d";
static const char *kat_readreq =
    "4348525102020100000000271f03077bc70a12a1523c9aa6a21a810000018bcf"
    "e56800101112131415161718191a1b1c1d1e1fcd14b37f956e953194ff7fb73b"
    "3d81dcc561d61a7538094b7c3e1a643ee5f3aa000000000000000a0000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000003200000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "000000064a616e73656ef3a25f784919778b9888e6f61045dc529069750e5204"
    "fb51d14c6e8729742ba97d8e02754bd19d2b32d5b94b9e35464f27b0817ed892"
    "8e67504c6af75bd1e909";
static const char *kat_erasure_proof =
    "8e338e89f46424458f5168e8cb0499bcd9be672f63587aa1c08fbb7c8073dc4c"
    "489d80d804fed1ca99317b0ef4eccf83a13baf75abf9915532e9f6c07dc4d503";
static const char *kat_erased =
    "4348454e01271f03077bc70a12a1523c9aa6a21a8103a107bff3ce10be1d70dd"
    "18e74bc09967e4d6309ba50d5f1ddc8664125531b80000000000000001000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "01020000018bcfe56800000004d25a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a663e2f311170d518b43494a71300d7e5fe05"
    "d828037ef74996f14df16bce06816415394e5c67b3d560e4cc6b282082ffd1f1"
    "db4345279d41f0261893248bdd03434845528e338e89f46424458f5168e8cb04"
    "99bcd9be672f63587aa1c08fbb7c8073dc4c489d80d804fed1ca99317b0ef4ec"
    "cf83a13baf75abf9915532e9f6c07dc4d503";
/* The version 1 read request of the same inputs (kind filter 0): now
 * refused with CH_ERR_VERSION. */
static const char *v1_readreq =
    "4348525101020100000000271f03077bc70a12a1523c9aa6a21a810000018bcf"
    "e56800101112131415161718191a1b1c1d1e1fcd14b37f956e953194ff7fb73b"
    "3d81dcc561d61a7538094b7c3e1a643ee5f3aa7578df79a846becb92bfd5f22d"
    "d4f7ced042c746ca5d769bb90f1f607090d53cc64a1ff74824464d0ce57a7cc8"
    "f2db0e4bf3549075cbd583a6b4505bc6a1490a";

/* ---- generic decoder checks ---- */

typedef int (*dec_fn)(const uint8_t *p, size_t n);

/* Every proper prefix must fail, and so must the message plus one byte
 * (with CH_ERR_TRAILING). Each input is a fresh heap copy of exactly that
 * length, so ASan catches any read past it. */
static int
check_framing(dec_fn dec, const uint8_t *p, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t *q = malloc(i ? i : 1);
		memcpy(q, p, i);
		if (dec(q, i) == 0) {
			printf("# prefix of %zu/%zu bytes decoded\n", i, n);
			bad = 1;
		}
		free(q);
	}
	uint8_t *q = malloc(n + 1);
	memcpy(q, p, n);
	q[n] = 0;
	int rc = dec(q, n + 1);
	if (rc != CH_ERR_TRAILING) {
		printf("# trailing byte gave %d\n", rc);
		bad = 1;
	}
	rc = dec(p, n);
	if (rc != 0) {
		printf("# the message itself gave %d\n", rc);
		bad = 1;
	}
	free(q);
	return !bad;
}

/* Decodes p after setting byte off to v (a copy). */
static int
dec_patched(dec_fn dec, const uint8_t *p, size_t n, size_t off, uint8_t v)
{
	uint8_t *q = malloc(n);
	memcpy(q, p, n);
	q[off] = v;
	int rc = dec(q, n);
	free(q);
	return rc;
}

static const uint8_t zero32[32];

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Decodes p after writing v big-endian over the width bytes at off (a
 * copy). */
static int
dec_patched_be(dec_fn dec, const uint8_t *p, size_t n, size_t off, size_t width,
    uint64_t v)
{
	uint8_t *q = malloc(n);
	memcpy(q, p, n);
	for (size_t i = 0; i < width; i++)
		q[off + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	int rc = dec(q, n);
	free(q);
	return rc;
}

/* Decodes p after copying k bytes of v over off (a copy). */
static int
dec_patched_mem(dec_fn dec, const uint8_t *p, size_t n, size_t off,
    const void *v, size_t k)
{
	uint8_t *q = malloc(n);
	memcpy(q, p, n);
	memcpy(q + off, v, k);
	int rc = dec(q, n);
	free(q);
	return rc;
}

static int dec_env(const uint8_t *p, size_t n) { ch_env_t e; return ch_env_decode(p, n, &e); }
static int dec_plain(const uint8_t *p, size_t n) { ch_plain_t x; return ch_plain_decode(p, n, &x); }
static int dec_readreq(const uint8_t *p, size_t n) { ch_readreq_t r; return ch_readreq_decode(p, n, &r); }

static int
dec_entry(const uint8_t *p, size_t n)
{
	ch_env_t e;
	const uint8_t *b;
	size_t bl;
	return ch_entry_split(p, n, &e, &b, &bl);
}

static int
dec_slots(const uint8_t *p, size_t n)
{
	ch_slot_t *s;
	size_t ns;
	int rc = ch_body_slots(p, n, &s, &ns);
	free(s);
	return rc;
}

static int
dec_note(const uint8_t *p, size_t n)
{
	ch_note_t x;
	int rc = ch_note_decode(p, n, &x);
	ch_note_clear(&x);
	return rc;
}

static int
dec_create(const uint8_t *p, size_t n)
{
	ch_create_t x;
	int rc = ch_create_decode(p, n, &x);
	ch_create_clear(&x);
	return rc;
}

static int
dec_member(const uint8_t *p, size_t n)
{
	ch_member_t x;
	int rc = ch_member_decode(p, n, &x);
	ch_member_clear(&x);
	return rc;
}

static int
dec_access(const uint8_t *p, size_t n)
{
	ch_access_t x;
	int rc = ch_access_decode(p, n, &x);
	ch_access_clear(&x);
	return rc;
}

static int
dec_msg(const uint8_t *p, size_t n)
{
	uint8_t t, s;
	const uint8_t *b;
	size_t bl;
	return ch_msg_decode(p, n, CH_MAGIC_PEER, &t, &s, &b, &bl);
}

static int
dec_vec(const uint8_t *p, size_t n)
{
	ch_vec_t v;
	int rc = ch_vec_decode(p, n, &v);
	ch_vec_clear(&v);
	return rc;
}

static int
dec_batch(const uint8_t *p, size_t n)
{
	uint8_t cid[CH_CASE_LEN], more;
	ch_slice_t *s;
	size_t ns;
	int rc = ch_batch_decode(p, n, cid, &more, &s, &ns);
	free(s);
	return rc;
}

static int
dec_mark(const uint8_t *p, size_t n)
{
	ch_mark_t m;
	return ch_mark_decode(p, n, &m);
}

static int
dec_changes(const uint8_t *p, size_t n)
{
	uint8_t run[CH_RUN_LEN], more;
	uint64_t upto;
	ch_changed_t *it;
	size_t ni;
	int rc = ch_changes_decode(p, n, run, &upto, &more, &it, &ni);
	free(it);
	return rc;
}

/* The vectors of PROTOCOL.md: a mark {run 16 x 0x11, change 258}; changes
 * {run 16 x 0x22, upto 9, more 1, {5, vec {16 x 0x33: 32 x 0x44 at 7}},
 * {9, vec {16 x 0x55: empty}}}. */
static void
golden_mark(uint8_t out[CH_MARK_LEN])
{
	ch_mark_t m;
	memset(m.run, 0x11, CH_RUN_LEN);
	m.change = 258;
	ch_mark_encode(&m, out);
}

static int
golden_changes(uint8_t **out, size_t *n)
{
	ch_vec_t v[2];
	uint8_t org[1][32], run[CH_RUN_LEN], *b[2] = { NULL, NULL };
	uint64_t seq[1] = { 7 };
	ch_changed_t it[2];
	int rc;
	memset(v, 0, sizeof(v));
	memset(org, 0x44, sizeof(org));
	memset(run, 0x22, sizeof(run));
	memset(v[0].case_id, 0x33, CH_CASE_LEN);
	v[0].n = 1;
	v[0].org = org;
	v[0].seq = seq;
	memset(v[1].case_id, 0x55, CH_CASE_LEN);
	if ((rc = ch_vec_encode(&v[0], &b[0], &it[0].vec.n)) == 0 &&
	    (rc = ch_vec_encode(&v[1], &b[1], &it[1].vec.n)) == 0) {
		it[0].vec.p = b[0];
		it[0].change = 5;
		it[1].vec.p = b[1];
		it[1].change = 9;
		rc = ch_changes_encode(run, 9, 1, it, 2, out, n);
	}
	free(b[0]);
	free(b[1]);
	return rc;
}

#define KAT_MARK "111111111111111111111111111111110000000000000102"
#define KAT_CHANGES "22222222222222222222222222222222000000000000000901000200000000" \
    "000000050000003a333333333333333333333333333333330001444444444444" \
    "444444444444444444444444444444444444444444444444444400000000000000" \
    "0700000000000000090000001255555555555555555555555555555555" "0000"

static int
dec_readrep(const uint8_t *p, size_t n)
{
	ch_readrep_t r;
	int rc = ch_readrep_decode(p, n, &r);
	ch_readrep_clear(&r);
	return rc;
}

/* ---- envelope ---- */

TEST(env_golden)
{
	ch_env_t e;
	uint8_t buf[CH_ENV_LEN], id[CH_HASH_LEN];

	golden_env(&e);
	ch_env_encode(&e, buf);
	check_str(hex(org_pk, 32), kat_org_pk);
	check_str(hex(prov_pk, 32), kat_prov_pk);
	check_str(hex(case_id, CH_CASE_LEN), kat_case_id);
	check_str(hex(buf, CH_ENV_LEN), kat_env);
	ch_env_id(&e, id);
	check_str(hex(id, CH_HASH_LEN), kat_env_id);
	check_int(ch_env_verify(&e), ==, 0);

	/* Forgeries: any header byte changed, or the signature itself. */
	ch_env_t f = e;
	f.seq = 2;
	check_int(ch_env_verify(&f), ==, CH_ERR_SIG);
	f = e;
	f.body_hash[0] ^= 1;
	check_int(ch_env_verify(&f), ==, CH_ERR_SIG);
	f = e;
	f.sig[10] ^= 0x40;
	check_int(ch_env_verify(&f), ==, CH_ERR_SIG);
	f = e;
	f.org[0] ^= 1;
	check_int(ch_env_verify(&f), ==, CH_ERR_SIG);
}

/* The erased form (PROTOCOL.md, "Entry"): the proof by the org over
 * "cahier-erase-v1" || case || id, the 274 bytes, and forgeries. */
TEST(erasure_golden)
{
	ch_env_t e, g;
	uint8_t id[CH_HASH_LEN], proof[CH_SIG_LEN], er[CH_ERASED_LEN], other[64], opk[32];
	const uint8_t *body, *pr;
	size_t bl;
	int form;

	golden_env(&e);
	ch_env_id(&e, id);
	ch_erasure_sign(e.case_id, id, org_sk, proof);
	check_str(hex(proof, sizeof(proof)), kat_erasure_proof);
	ch_entry_erased(&e, proof, er);
	check_str(hex(er, sizeof(er)), kat_erased);
	check_int(ch_entry_form(er, sizeof(er), &g, &body, &bl, &form, &pr), ==, 0);
	check_int(form, ==, CH_FORM_ERASED);
	check(body == NULL && bl == 0 && pr == er + CH_ENV_LEN + 4);
	check_int(ch_erasure_verify(&g, pr), ==, 0);
	check_int(ch_entry_split(er, sizeof(er), &g, &body, &bl), ==, 0);
	check(body == NULL);
	/* The envelope alone: the bare form. */
	check_int(ch_entry_form(er, CH_ENV_LEN, &g, &body, &bl, &form, &pr), ==, 0);
	check_int(form, ==, CH_FORM_BARE);
	check(pr == NULL);
	/* Another magic, one byte more or less: not the erased form (and not
	 * a full entry either: body_len is 1234). */
	er[CH_ENV_LEN + 3] = 'X';
	check_int(ch_entry_form(er, sizeof(er), &g, &body, &bl, &form, &pr), ==, CH_ERR_TRUNCATED);
	er[CH_ENV_LEN + 3] = 'R';
	check_int(ch_entry_form(er, sizeof(er) - 1, &g, &body, &bl, &form, &pr), ==, CH_ERR_TRUNCATED);
	/* Forged proofs: another key, another id, another case. */
	uint8_t seed[32];
	memset(seed, 0x77, sizeof(seed));
	crypto_sign_seed_keypair(opk, other, seed);
	ch_erasure_sign(e.case_id, id, other, proof);
	check_int(ch_erasure_verify(&e, proof), ==, CH_ERR_SIG);
	uint8_t id2[CH_HASH_LEN], case2[CH_CASE_LEN];
	memcpy(id2, id, sizeof(id2));
	id2[0] ^= 1;
	ch_erasure_sign(e.case_id, id2, org_sk, proof);
	check_int(ch_erasure_verify(&e, proof), ==, CH_ERR_SIG);
	memcpy(case2, e.case_id, sizeof(case2));
	case2[15] ^= 1;
	ch_erasure_sign(case2, id, org_sk, proof);
	check_int(ch_erasure_verify(&e, proof), ==, CH_ERR_SIG);
	/* The ERASE fields and request. */
	ch_erase_t x, y;
	uint8_t *f = NULL, rid[CH_HASH_LEN], reason;
	size_t fl = 0;
	memset(&x, 0, sizeof(x));
	x.seq = 7;
	memcpy(x.id, id, 32);
	x.reason = CH_ERASE_RETENTION;
	memcpy(x.by, prov_pk, 32);
	ch_erasure_sign(e.case_id, id, org_sk, x.proof);
	check_int(ch_erase_encode(&x, &f, &fl), ==, 0);
	check_int(fl, ==, CH_ERASE_LEN);
	check_int(ch_erase_decode(f, fl, &y), ==, 0);
	check(memcmp(&x, &y, sizeof(x)) == 0);
	f[40] = 4;
	check_int(ch_erase_decode(f, fl, &y), ==, CH_ERR_VALUE);
	check_int(ch_erase_decode(f, fl - 1, &y), !=, 0);
	free(f);
	check_int(ch_erasereq_encode(id, CH_ERASE_ERROR, &f, &fl), ==, 0);
	check_int(fl, ==, CH_ERASEREQ_LEN);
	check_int(ch_erasereq_decode(f, fl, rid, &reason), ==, 0);
	check_mem(rid, id, 32);
	check_int(reason, ==, CH_ERASE_ERROR);
	f[32] = 0;
	check_int(ch_erasereq_decode(f, fl, rid, &reason), ==, CH_ERR_VALUE);
	free(f);
}

TEST(env_roundtrip)
{
	ch_env_t e, d;
	uint8_t buf[CH_ENV_LEN], hdr[CH_ENV_HDR_LEN], buf2[CH_ENV_LEN];

	golden_env(&e);
	e.seq = 7;
	memset(e.prev, 0x33, CH_HASH_LEN);
	e.epoch = 0xdeadbeef;
	e.audience = CH_AUD_COORDINATION;
	e.body_len = CH_BODY_MAX;
	ch_env_sign(&e, org_sk);
	ch_env_encode(&e, buf);
	check_int(ch_env_decode(buf, sizeof(buf), &d), ==, 0);
	ch_env_encode(&d, buf2);
	check_mem(buf, buf2, CH_ENV_LEN);
	check_int(d.seq, ==, 7);
	check_int(d.epoch, ==, 0xdeadbeef);
	check_int(ch_env_verify(&d), ==, 0);
	ch_env_header(&e, hdr);
	check_mem(hdr, buf, CH_ENV_HDR_LEN);
}

TEST(env_reject)
{
	ch_env_t e;
	uint8_t buf[CH_ENV_LEN];

	golden_env(&e);
	ch_env_encode(&e, buf);
	check(check_framing(dec_env, buf, sizeof(buf)));
	check_int(dec_patched(dec_env, buf, sizeof(buf), 0, 'X'), ==, CH_ERR_MAGIC);
	check_int(dec_patched(dec_env, buf, sizeof(buf), 4, 2), ==, CH_ERR_VERSION);
	check_int(dec_patched(dec_env, buf, sizeof(buf), 4, 0), ==, CH_ERR_VERSION);
	/* seq = 0: its last byte is at 4+1+16+32+7 = 60. */
	check_int(dec_patched(dec_env, buf, sizeof(buf), 60, 0), ==, CH_ERR_VALUE);
	/* seq = 1 with a non-zero prev (prev starts at 61). */
	check_int(dec_patched(dec_env, buf, sizeof(buf), 61, 1), ==, CH_ERR_VALUE);
	/* audience at 97: 0 and 7 are not audiences (6 is the membership key). */
	check_int(dec_patched(dec_env, buf, sizeof(buf), 97, 0), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_env, buf, sizeof(buf), 97, 7), ==, CH_ERR_VALUE);
	/* body_len at 106..109 above CH_BODY_MAX. */
	uint8_t big[CH_ENV_LEN];
	memcpy(big, buf, sizeof(big));
	put_be32(big + 106, CH_BODY_MAX + 1);
	check_int(dec_env(big, sizeof(big)), ==, CH_ERR_TOOBIG);
	put_be32(big + 106, CH_BODY_MAX);
	check_int(dec_env(big, sizeof(big)), ==, 0);
}

/* ---- sealed body and whole entries ---- */

/* Builds a full entry the way the daemon will: seal, then fill body_len and
 * body_hash from the sealed body, then sign. */
static int
make_entry(ch_env_t *e, const uint8_t key[32], const uint8_t *plain,
    size_t plainlen, uint8_t **entry, size_t *entrylen)
{
	ch_slot_t slots[2];
	uint8_t *body;
	size_t bl;

	memset(slots, 0, sizeof(slots));
	memcpy(slots[0].org, org_pk, 32);
	slots[0].epoch = 1;
	slots[0].audience = CH_AUD_CARE;
	memset(slots[0].sealed, 0xaa, CH_SEALED_KEY_LEN);
	memcpy(slots[1].org, prov_pk, 32);
	slots[1].epoch = 1;
	slots[1].audience = CH_AUD_CARE;
	memset(slots[1].sealed, 0xbb, CH_SEALED_KEY_LEN);
	int rc = ch_body_seal(e, slots, 2, key, plain, plainlen, &body, &bl);
	if (rc)
		return rc;
	e->body_len = (uint32_t)bl;
	crypto_generichash(e->body_hash, CH_HASH_LEN, body, bl, NULL, 0);
	ch_env_sign(e, org_sk);
	*entrylen = CH_ENV_LEN + bl;
	*entry = malloc(*entrylen);
	ch_env_encode(e, *entry);
	memcpy(*entry + CH_ENV_LEN, body, bl);
	free(body);
	return 0;
}

TEST(entry_flow)
{
	ch_env_t e, d;
	ch_plain_t p, q;
	uint8_t key[32], *plain, *entry, *opened;
	size_t plainlen, entrylen, openedlen;
	const uint8_t *body;
	size_t bl;

	memset(key, 0x42, sizeof(key));
	plain = entry = NULL;
	plainlen = entrylen = 0;
	check_int(golden_plain(&p, &plain, &plainlen), ==, 0);
	golden_env(&e);
	if (!plain || make_entry(&e, key, plain, plainlen, &entry, &entrylen) != 0) {
		check(!"cannot build the entry");
		free(plain);
		return;
	}

	check_int(ch_entry_split(entry, entrylen, &d, &body, &bl), ==, 0);
	check_int(ch_env_verify(&d), ==, 0);
	check_int(bl, ==, d.body_len);
	check(body == entry + CH_ENV_LEN);

	ch_slot_t *slots;
	size_t ns;
	check_int(ch_body_slots(body, bl, &slots, &ns), ==, 0);
	check_int(ns, ==, 2);
	if (ns == 2) {
		check_mem(slots[1].org, prov_pk, 32);
		check_int(slots[1].audience, ==, CH_AUD_CARE);
		check_int(slots[0].sealed[79], ==, 0xaa);
	}
	free(slots);

	check_int(ch_body_open(&d, body, bl, key, &opened, &openedlen), ==, 0);
	check_int(openedlen, ==, plainlen);
	check_mem(opened, plain, plainlen);
	check_int(ch_plain_verify(opened, openedlen, d.case_id, d.audience, prov_pk), ==, 0);
	check_int(ch_plain_decode(opened, openedlen, &q), ==, 0);
	ch_note_t note;
	check_int(ch_note_decode(q.fields, q.fieldslen, &note), ==, 0);
	check_str(note.text, NOTE_TEXT);
	ch_note_clear(&note);
	free(opened);

	/* Wrong key, or any bound header field changed: no plaintext. */
	uint8_t bad[32];
	memset(bad, 0x43, sizeof(bad));
	opened = (uint8_t *)1;
	check_int(ch_body_open(&d, body, bl, bad, &opened, &openedlen), ==, CH_ERR_DECRYPT);
	check(opened == NULL);
	ch_env_t f = d;
	f.seq = 2;
	check_int(ch_body_open(&f, body, bl, key, &opened, &openedlen), ==, CH_ERR_DECRYPT);
	f = d;
	f.audience = CH_AUD_MEDICAL;
	check_int(ch_body_open(&f, body, bl, key, &opened, &openedlen), ==, CH_ERR_DECRYPT);
	f = d;
	f.case_id[3] ^= 1;
	check_int(ch_body_open(&f, body, bl, key, &opened, &openedlen), ==, CH_ERR_DECRYPT);
	/* body_len, body_hash and sig are not bound (they follow from the body). */
	f = d;
	f.body_len = 1;
	memset(f.sig, 0, CH_SIG_LEN);
	check_int(ch_body_open(&f, body, bl, key, &opened, &openedlen), ==, 0);
	free(opened);
	/* A flipped ciphertext byte. */
	uint8_t *b2 = malloc(bl);
	memcpy(b2, body, bl);
	b2[bl - 1] ^= 1;
	check_int(ch_body_open(&d, b2, bl, key, &opened, &openedlen), ==, CH_ERR_DECRYPT);

	/* Body framing: every prefix, a trailing byte. */
	check(check_framing(dec_slots, body, bl));
	free(b2);
	b2 = malloc(bl + 1);
	memcpy(b2, body, bl);
	b2[bl] = 0;
	check_int(ch_body_open(&d, b2, bl + 1, key, &opened, &openedlen), ==, CH_ERR_TRAILING);
	for (size_t i = 0; i < bl; i++)
		if (ch_body_open(&d, body, i, key, &opened, &openedlen) == 0) {
			check(!"a prefix of the body opened");
			free(opened);
		}
	free(b2);

	/* Entry framing: erased body, short or long body, changed body. */
	check_int(ch_entry_split(entry, CH_ENV_LEN, &d, &body, &bl), ==, 0);
	check(body == NULL);
	check_int(bl, ==, 0);
	check_int(ch_entry_split(entry, entrylen - 1, &d, &body, &bl), ==, CH_ERR_TRUNCATED);
	check_int(ch_entry_split(entry, CH_ENV_LEN + 1, &d, &body, &bl), ==, CH_ERR_TRUNCATED);
	for (size_t i = 0; i < CH_ENV_LEN; i++)
		check(ch_entry_split(entry, i, &d, &body, &bl) != 0);
	uint8_t *e2 = malloc(entrylen + 1);
	memcpy(e2, entry, entrylen);
	e2[entrylen] = 0;
	check_int(dec_entry(e2, entrylen + 1), ==, CH_ERR_TRAILING);
	e2[entrylen - 5] ^= 1;
	check_int(dec_entry(e2, entrylen), ==, CH_ERR_HASH);
	e2[4] = 9;
	check_int(dec_entry(e2, entrylen), ==, CH_ERR_VERSION);
	free(e2);

	free(entry);
	free(plain);
}

TEST(body_reject)
{
	ch_env_t e;
	uint8_t key[32] = { 1 }, *out;
	size_t outlen;
	ch_slot_t *slots = calloc(CH_SLOTS_MAX + 1, sizeof(*slots));

	golden_env(&e);
	for (int i = 0; i <= CH_SLOTS_MAX; i++)
		slots[i].audience = CH_AUD_NETWORK;
	check_int(ch_body_seal(&e, slots, CH_SLOTS_MAX + 1, key, (const uint8_t *)"x", 1,
	    &out, &outlen), ==, CH_ERR_TOOBIG);
	check_int(ch_body_seal(&e, slots, CH_SLOTS_MAX, key, (const uint8_t *)"x", 1,
	    &out, &outlen), ==, 0);
	check_int(outlen, ==, 2 + CH_SLOTS_MAX * 117 + 24 + 4 + 1 + 16);
	check_int(dec_slots(out, outlen), ==, 0);
	/* nslots above the limit on the wire. */
	put_be16(out, CH_SLOTS_MAX + 1);
	check_int(dec_slots(out, outlen), ==, CH_ERR_TOOBIG);
	free(out);
	slots[0].audience = 0;
	check_int(ch_body_seal(&e, slots, 1, key, (const uint8_t *)"x", 1,
	    &out, &outlen), ==, CH_ERR_VALUE);
	free(slots);
	check_int(ch_body_seal(&e, NULL, 0, key, NULL, CH_BODY_MAX, &out, &outlen), ==,
	    CH_ERR_TOOBIG);

	/* An empty plaintext is allowed (the tag alone); no slots. */
	check_int(ch_body_seal(&e, NULL, 0, key, NULL, 0, &out, &outlen), ==, 0);
	check_int(outlen, ==, 2 + 24 + 4 + 16);
	uint8_t *pl;
	size_t pll;
	check_int(ch_body_open(&e, out, outlen, key, &pl, &pll), ==, 0);
	check_int(pll, ==, 0);
	free(pl);
	/* Ciphertext shorter than a tag: 15 bytes. */
	uint8_t *o2 = malloc(outlen);
	memcpy(o2, out, outlen);
	put_be32(o2 + 26, 15);
	check_int(ch_body_open(&e, o2, outlen - 1, key, &pl, &pll), ==, CH_ERR_VALUE);
	/* Ciphertext length above CH_BODY_MAX. */
	put_be32(o2 + 26, CH_BODY_MAX + 1);
	check_int(ch_body_open(&e, o2, outlen, key, &pl, &pll), ==, CH_ERR_TOOBIG);
	free(o2);
	free(out);
}

/* ---- plain body ---- */

TEST(plain_golden)
{
	ch_plain_t p, d;
	uint8_t *buf;
	size_t n;

	check_int(golden_plain(&p, &buf, &n), ==, 0);
	check_str(hex(buf, n), kat_plain);
	check_mem(p.sig, buf + n - CH_SIG_LEN, CH_SIG_LEN);
	check_int(ch_plain_verify(buf, n, case_id, CH_AUD_CARE, prov_pk), ==, 0);
	/* Forgeries: a flipped byte anywhere, another case, another audience,
	 * another key. */
	for (size_t i = 0; i < n; i++) {
		buf[i] ^= 0x10;
		check(ch_plain_verify(buf, n, case_id, CH_AUD_CARE, prov_pk) != 0);
		buf[i] ^= 0x10;
	}
	buf[n - 1] ^= 1;
	check_int(ch_plain_verify(buf, n, case_id, CH_AUD_CARE, prov_pk), ==, CH_ERR_SIG);
	buf[n - 1] ^= 1;
	buf[30] ^= 1; /* inside hlc */
	check_int(ch_plain_verify(buf, n, case_id, CH_AUD_CARE, prov_pk), ==, CH_ERR_SIG);
	buf[30] ^= 1;
	uint8_t other[CH_CASE_LEN];
	memcpy(other, case_id, sizeof(other));
	other[0] ^= 1;
	check_int(ch_plain_verify(buf, n, other, CH_AUD_CARE, prov_pk), ==, CH_ERR_SIG);
	check_int(ch_plain_verify(buf, n, case_id, CH_AUD_MEDICAL, prov_pk), ==, CH_ERR_SIG);
	check_int(ch_plain_verify(buf, n, case_id, CH_AUD_CARE, org_pk), ==, CH_ERR_SIG);

	check_int(ch_plain_decode(buf, n, &d), ==, 0);
	check_int(d.kind, ==, CH_KIND_NOTE);
	check_int(d.hlc, ==, T0 << 16 | 1);
	check_int(d.certlen, ==, 4);
	check_mem(d.cert, golden_cert, 4);
	check(d.cert >= buf && d.cert < buf + n);
	free(buf);
}

TEST(plain_roundtrip_reject)
{
	ch_plain_t p, d;
	uint8_t *buf, *buf2;
	size_t n, n2;
	uint8_t fields[100];

	memset(&p, 0, sizeof(p));
	memset(fields, 'f', sizeof(fields));
	p.version = 1;
	p.kind = CH_KIND_ACCESS;
	p.hlc = 5;
	memset(p.reply_to, 1, CH_HASH_LEN);
	memset(p.supersedes, 2, CH_HASH_LEN);
	p.fields = fields;
	p.fieldslen = sizeof(fields);
	memset(p.sig, 0xee, CH_SIG_LEN);
	check_int(ch_plain_encode(&p, case_id, CH_AUD_NETWORK, NULL, &buf, &n), ==, 0);
	check(sodium_is_zero(p.sig, CH_SIG_LEN));
	check(sodium_is_zero(buf + n - CH_SIG_LEN, CH_SIG_LEN));
	check_int(n, ==, 4 + 1 + 1 + 4 + 8 + 32 + 32 + 4 + 100 + 64);
	check_int(ch_plain_decode(buf, n, &d), ==, 0);
	check_int(d.certlen, ==, 0);
	check_mem(d.reply_to, p.reply_to, CH_HASH_LEN);
	check_mem(d.supersedes, p.supersedes, CH_HASH_LEN);
	check_int(ch_plain_encode(&d, case_id, CH_AUD_NETWORK, NULL, &buf2, &n2), ==, 0);
	check_int(n2, ==, n);
	check_mem(buf2, buf, n);
	free(buf2);
	check_int(ch_plain_verify(buf, n, case_id, CH_AUD_NETWORK, prov_pk), ==, CH_ERR_SIG);

	check(check_framing(dec_plain, buf, n));
	check_int(dec_patched(dec_plain, buf, n, 0, 'x'), ==, CH_ERR_MAGIC);
	check_int(dec_patched(dec_plain, buf, n, 4, 2), ==, CH_ERR_VERSION);
	/* cert length (bytes 6..9) above 4096. */
	uint8_t *b = malloc(n);
	memcpy(b, buf, n);
	put_be32(b + 6, 4097);
	check_int(dec_plain(b, n), ==, CH_ERR_TOOBIG);
	/* fields length (after cert, hlc, refs: 10+8+64 = 82) above the limit. */
	memcpy(b, buf, n);
	put_be32(b + 82, CH_TEXT_MAX + 8192 + 1);
	check_int(dec_plain(b, n), ==, CH_ERR_TOOBIG);
	free(b);
	free(buf);

	/* The encoder refuses what the decoder would refuse. */
	p.version = 2;
	check_int(ch_plain_encode(&p, case_id, 1, NULL, &buf, &n), ==, CH_ERR_VERSION);
	p.version = 1;
	p.certlen = 4097;
	p.cert = fields;
	check_int(ch_plain_encode(&p, case_id, 1, NULL, &buf, &n), ==, CH_ERR_TOOBIG);
	check(buf == NULL);
}

/* ---- the kinds' fields ---- */

TEST(note)
{
	uint8_t *buf;
	size_t n;
	ch_note_t d;

	check_int(ch_note_encode("zorg \xc3\xa9\xc3\xa9n", &buf, &n), ==, 0);
	check_int(ch_note_decode(buf, n, &d), ==, 0);
	check_str(d.text, "zorg \xc3\xa9\xc3\xa9n");
	ch_note_clear(&d);
	check(d.text == NULL);
	check(check_framing(dec_note, buf, n));
	/* Invalid UTF-8 on the wire. */
	check_int(dec_patched(dec_note, buf, n, 9, 0xff), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_note, buf, n, 4, 0), ==, CH_ERR_VALUE);
	free(buf);

	check_int(ch_note_encode("", &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_note_encode(NULL, &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_note_encode("\xc3", &buf, &n), ==, CH_ERR_VALUE);
	uint8_t empty[4] = { 0, 0, 0, 0 };
	check_int(dec_note(empty, 4), ==, CH_ERR_VALUE);
	uint8_t big[4];
	put_be32(big, CH_TEXT_MAX + 1);
	check_int(dec_note(big, 4), ==, CH_ERR_TOOBIG);

	char *t = malloc(CH_TEXT_MAX + 2);
	memset(t, 'a', CH_TEXT_MAX + 1);
	t[CH_TEXT_MAX + 1] = 0;
	check_int(ch_note_encode(t, &buf, &n), ==, CH_ERR_TOOBIG);
	t[CH_TEXT_MAX] = 0;
	check_int(ch_note_encode(t, &buf, &n), ==, 0);
	check_int(dec_note(buf, n), ==, 0);
	free(buf);
	free(t);
}

TEST(create_and_case_id)
{
	uint8_t *buf;
	size_t n;
	ch_create_t d;

	check_int(ch_create_encode(salt, "Mevr. Jansen", &buf, &n), ==, 0);
	check_int(n, ==, 16 + 4 + 12);
	check_int(ch_create_decode(buf, n, &d), ==, 0);
	check_mem(d.salt, salt, 16);
	check_str(d.name, "Mevr. Jansen");
	uint8_t cid[CH_CASE_LEN];
	ch_case_id(org_pk, d.salt, cid);
	check_mem(cid, case_id, CH_CASE_LEN);
	ch_create_clear(&d);
	check(check_framing(dec_create, buf, n));
	free(buf);

	check_int(ch_create_encode(salt, "", &buf, &n), ==, CH_ERR_VALUE);
	char name[258];
	memset(name, 'n', 257);
	name[257] = 0;
	check_int(ch_create_encode(salt, name, &buf, &n), ==, CH_ERR_TOOBIG);
	name[256] = 0;
	check_int(ch_create_encode(salt, name, &buf, &n), ==, 0);
	free(buf);
	uint8_t w[20] = { 0 };
	check_int(dec_create(w, 20), ==, CH_ERR_VALUE);
	put_be32(w + 16, 257);
	check_int(dec_create(w, 20), ==, CH_ERR_TOOBIG);

	/* The case id also depends on the org and on every salt byte. */
	uint8_t s2[16], c2[CH_CASE_LEN];
	memcpy(s2, salt, 16);
	s2[15] ^= 1;
	ch_case_id(org_pk, s2, c2);
	check(memcmp(c2, case_id, CH_CASE_LEN) != 0);
	ch_case_id(prov_pk, salt, c2);
	check(memcmp(c2, case_id, CH_CASE_LEN) != 0);
}

TEST(member)
{
	uint8_t *buf;
	size_t n;
	ch_member_t d;
	uint8_t card[300];

	memset(card, 0xcd, sizeof(card));
	check_int(ch_member_encode(card, sizeof(card), "home-care-2", &buf, &n), ==, 0);
	check_int(ch_member_decode(buf, n, &d), ==, 0);
	check_int(d.cardlen, ==, sizeof(card));
	check_mem(d.card, card, sizeof(card));
	check_str(d.role, "home-care-2");
	ch_member_clear(&d);
	check(check_framing(dec_member, buf, n));
	/* An upper-case letter in the role on the wire. */
	check_int(dec_patched(dec_member, buf, n, n - 1, 'X'), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_member, buf, n, 0, 0xff), ==, CH_ERR_TOOBIG);
	free(buf);

	check_int(ch_member_encode(card, 10, "", &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_member_encode(card, 10, "GP", &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_member_encode(card, 10, "gp wijk", &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_member_encode(card, 4097, "gp", &buf, &n), ==, CH_ERR_TOOBIG);
	char role[66];
	memset(role, 'r', 65);
	role[65] = 0;
	check_int(ch_member_encode(card, 10, role, &buf, &n), ==, CH_ERR_TOOBIG);
	role[64] = 0;
	check_int(ch_member_encode(card, 10, role, &buf, &n), ==, 0);
	free(buf);
}

TEST(access)
{
	ch_access_t a, d;
	ch_range_t r[3];
	uint8_t *req, *buf;
	size_t n, reqlen;
	ch_readreq_t rr;

	if (golden_readreq(&rr, &req, &reqlen) != 0) {
		check(0);
		return;
	}
	memset(&a, 0, sizeof(a));
	memset(r, 0, sizeof(r));
	memset(a.event_id, 0xe1, 16);
	a.action = CH_ACT_READ;
	a.outcome = CH_OUT_OK;
	a.purpose = CH_PURPOSE_EMERGENCY;
	a.time_ms = T0;
	a.cert = golden_cert;
	a.certlen = sizeof(golden_cert);
	a.request = req;
	a.requestlen = reqlen;
	memcpy(r[0].org, org_pk, 32);
	r[0].from = 1;
	r[0].to = 10;
	memcpy(r[1].org, prov_pk, 32);
	r[1].from = 3;
	r[1].to = 3;
	a.ranges = r;
	a.nranges = 2;
	check_int(ch_access_encode(&a, &buf, &n), ==, 0);
	check_int(ch_access_decode(buf, n, &d), ==, 0);
	check_mem(d.event_id, a.event_id, 16);
	check_int(d.action, ==, CH_ACT_READ);
	check_int(d.purpose, ==, CH_PURPOSE_EMERGENCY);
	check_int(d.time_ms, ==, T0);
	check_int(d.requestlen, ==, reqlen);
	check_mem(d.request, req, reqlen);
	/* The request in the record is the reader's, verbatim: it verifies. */
	ch_readreq_t dr;
	check_int(ch_readreq_decode(d.request, d.requestlen, &dr), ==, 0);
	check_str(dr.search, "Jansen");
	check_int(d.nranges, ==, 2);
	if (d.nranges == 2) {
		check_mem(d.ranges[1].org, prov_pk, 32);
		check_int(d.ranges[0].to, ==, 10);
	}
	ch_access_clear(&d);
	check(check_framing(dec_access, buf, n));
	check_int(dec_patched(dec_access, buf, n, 16, 0), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_access, buf, n, 16, 8), ==, 0);            /* 8 is print */
	check_int(dec_patched(dec_access, buf, n, 16, 9), ==, CH_ERR_VALUE); /* past print */
	check_int(dec_patched(dec_access, buf, n, 17, 3), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_access, buf, n, 18, 6), ==, CH_ERR_VALUE);
	/* cert length at 27 above 4096, request length above 1024. */
	check_int(dec_patched(dec_access, buf, n, 27, 0x10), ==, CH_ERR_TOOBIG);
	size_t reqoff = 27 + 4 + 4;
	check_int(dec_patched(dec_access, buf, n, reqoff + 2, 0x04), ==, CH_ERR_TOOBIG);
	size_t nroff = reqoff + 4 + reqlen;
	/* nranges above CH_ACCESS_RANGES_MAX (1024): 0x0401. */
	check_int(dec_patched_be(dec_access, buf, n, nroff, 2, CH_ACCESS_RANGES_MAX + 1), ==,
	    CH_ERR_TOOBIG);
	/* At CH_ACCESS_RANGES_MAX (more than CH_FEEDS_MAX) but more than the
	 * input holds. */
	check_int(dec_patched_be(dec_access, buf, n, nroff, 2, CH_ACCESS_RANGES_MAX), ==,
	    CH_ERR_TRUNCATED);
	/* from > to in the first range: from's low byte is at nroff+2+32+7. */
	check_int(dec_patched(dec_access, buf, n, nroff + 2 + 32 + 7, 11), ==, CH_ERR_VALUE);
	free(buf);

	/* Encoder checks. */
	a.nranges = 0;
	a.ranges = NULL;
	check_int(ch_access_encode(&a, &buf, &n), ==, 0);
	check_int(dec_access(buf, n), ==, 0);
	free(buf);
	a.outcome = 3;
	check_int(ch_access_encode(&a, &buf, &n), ==, CH_ERR_VALUE);
	a.outcome = CH_OUT_REFUSED;
	a.requestlen = 1025;
	check_int(ch_access_encode(&a, &buf, &n), ==, CH_ERR_TOOBIG);
	a.requestlen = 0;
	a.ranges = r;
	a.nranges = 1;
	r[0].from = 11;
	check_int(ch_access_encode(&a, &buf, &n), ==, CH_ERR_VALUE);
	a.nranges = CH_ACCESS_RANGES_MAX + 1;
	check_int(ch_access_encode(&a, &buf, &n), ==, CH_ERR_TOOBIG);

	/* A page of CH_PAGE_MAX entries, each its own range: up to
	 * CH_ACCESS_RANGES_MAX ranges fit (no longer CH_FEEDS_MAX). */
	ch_range_t *many = calloc(CH_ACCESS_RANGES_MAX, sizeof(*many));
	for (size_t i = 0; i < CH_ACCESS_RANGES_MAX; i++) {
		memcpy(many[i].org, org_pk, 32);
		many[i].from = many[i].to = 2 * i + 1;
	}
	a.outcome = CH_OUT_OK;
	a.request = req;
	a.requestlen = reqlen;
	a.ranges = many;
	a.nranges = CH_ACCESS_RANGES_MAX;
	check_int(ch_access_encode(&a, &buf, &n), ==, 0);
	check_int(ch_access_decode(buf, n, &d), ==, 0);
	check_int(d.nranges, ==, CH_ACCESS_RANGES_MAX);
	ch_access_clear(&d);
	free(buf);
	free(many);
	free(req);
}

/* ---- messages ---- */

TEST(msg)
{
	uint8_t *buf;
	size_t n;
	uint8_t t, s;
	const uint8_t *b;
	size_t bl;

	check_int(ch_msg_encode(CH_MAGIC_PEER, CH_PM_SYNC, 0, (const uint8_t *)"abc", 3,
	    &buf, &n), ==, 0);
	check_int(n, ==, 11 + 3);
	check_int(ch_msg_decode(buf, n, CH_MAGIC_PEER, &t, &s, &b, &bl), ==, 0);
	check_int(t, ==, CH_PM_SYNC);
	check_int(s, ==, 0);
	check_int(bl, ==, 3);
	check_mem(b, "abc", 3);
	check_int(ch_msg_decode(buf, n, CH_MAGIC_REQ, &t, &s, &b, &bl), ==, CH_ERR_MAGIC);
	check(check_framing(dec_msg, buf, n));
	check_int(dec_patched(dec_msg, buf, n, 4, 2), ==, CH_ERR_VERSION);
	check_int(dec_patched(dec_msg, buf, n, 7, 0x04), ==, CH_ERR_TOOBIG);
	free(buf);

	check_int(ch_msg_encode(CH_MAGIC_REP, CH_CQ_STATUS, CH_ST_DENIED, NULL, 0,
	    &buf, &n), ==, 0);
	check_int(ch_msg_decode(buf, n, CH_MAGIC_REP, &t, &s, &b, &bl), ==, 0);
	check_int(s, ==, CH_ST_DENIED);
	check_int(bl, ==, 0);
	free(buf);
	check_int(ch_msg_encode(CH_MAGIC_REQ, 1, 0, (const uint8_t *)"", CH_MSG_MAX + 1,
	    &buf, &n), ==, CH_ERR_TOOBIG);
}

/* Offsets in a version 2 read request (PROTOCOL.md "Read request"). */
enum {
	RQ_VERSION = 4, RQ_ACTION = 5, RQ_PURPOSE = 6, RQ_FLAGS = 7, RQ_RESERVED = 8,
	RQ_CASE = 11, RQ_TIME = 27, RQ_NONCE = 35, RQ_PROVIDER = 51, RQ_KINDS = 83,
	RQ_AUDIENCES = 91, RQ_ORG = 92, RQ_AUTHOR = 124, RQ_SINCE = 156,
	RQ_UNTIL = 164, RQ_LAST = 172, RQ_CUR_TIME = 176, RQ_CUR_ORG = 184,
	RQ_CUR_SEQ = 216, RQ_ENTRY = 224, RQ_SEARCH = 256, RQ_FIXED = 260,
};

/* Signs r; returns the rc, and frees what it made. */
static int
sign_rc(ch_readreq_t *r)
{
	uint8_t *out = (uint8_t *)&out;
	size_t len = 1;
	int rc = ch_readreq_sign(r, prov_sk, &out, &len);
	if (rc)
		return out != NULL || len != 0 ? -1000 : rc; /* nothing left behind */
	free(out);
	return 0;
}

TEST(readreq)
{
	ch_readreq_t r, d;
	uint8_t *buf, *buf2;
	size_t n, n2;

	if (golden_readreq(&r, &buf, &n) != 0) {
		check(0);
		return;
	}
	check_int(n, ==, RQ_FIXED + 6 + CH_SIG_LEN);
	check_str(hex(buf, n), kat_readreq);
	check_mem(r.provider, prov_pk, 32);
	check_int(ch_readreq_decode(buf, n, &d), ==, 0);
	check_int(d.action, ==, CH_ACT_READ);
	check_int(d.purpose, ==, CH_PURPOSE_TREATMENT);
	check_int(d.flags, ==, 0);
	check(d.kinds == ((UINT64_C(1) << CH_KIND_NOTE) | (UINT64_C(1) << CH_KIND_TASK)));
	check_int(d.kinds, ==, 0x0a);
	check_int(d.audiences, ==, 0);
	check_int(d.last, ==, 50);
	check_str(d.search, "Jansen");
	check(ch_cursor_none(&d.cursor));
	check(sodium_is_zero(d.org, 32) && sodium_is_zero(d.author, 32) &&
	    sodium_is_zero(d.entry, 32));
	check(d.since == 0 && d.until == 0);
	check_mem(d.case_id, case_id, CH_CASE_LEN);
	check_int(d.time_ms, ==, T0);
	check_mem(d.nonce, r.nonce, 16);
	check_mem(d.provider, prov_pk, 32);
	check_mem(d.sig, r.sig, CH_SIG_LEN);
	/* Re-signing what was decoded gives the same bytes (Ed25519 is
	 * deterministic): the encoding is canonical. */
	check_int(ch_readreq_sign(&d, prov_sk, &buf2, &n2), ==, 0);
	check_int(n2, ==, n);
	check_mem(buf2, buf, n);
	free(buf2);

	/* Forgeries: every byte flipped fails. The magic and version bytes say
	 * so, the search length frames otherwise; every other signed byte is
	 * CH_ERR_SIG, or CH_ERR_VALUE where the flip breaks a rule. */
	size_t nsig = 0;
	for (size_t i = 0; i < n; i++) {
		int rc = dec_patched(dec_readreq, buf, n, i, buf[i] ^ 0x01);
		if (i < RQ_VERSION)
			check_int(rc, ==, CH_ERR_MAGIC);
		else if (i == RQ_VERSION)
			check_int(rc, ==, CH_ERR_VERSION);
		else if (i >= RQ_SEARCH && i < RQ_FIXED)
			check(rc == CH_ERR_TRUNCATED || rc == CH_ERR_TRAILING ||
			    rc == CH_ERR_TOOBIG);
		else {
			if (rc != CH_ERR_SIG && rc != CH_ERR_VALUE)
				printf("# byte %zu flipped gave %d\n", i, rc);
			check(rc == CH_ERR_SIG || rc == CH_ERR_VALUE);
			nsig += rc == CH_ERR_SIG;
		}
		/* And with every bit of the byte flipped. */
		rc = dec_patched(dec_readreq, buf, n, i, (uint8_t)~buf[i]);
		check(rc != 0);
	}
	/* The rules one flip of bit 0 breaks: purpose 1 -> 0, the 3 reserved
	 * bytes, the kinds' bit 0, the audiences' bit 0, last's two high bytes
	 * (above CH_PAGE_MAX), and any of the 48 cursor bytes (a cursor with a
	 * zero org or seq 0). */
	check_int(nsig, ==, n - 4 - 1 - 4 - (1 + 3 + 1 + 1 + 2 + 48));
	check(check_framing(dec_readreq, buf, n));
	check_int(dec_patched(dec_readreq, buf, n, 0, 'c'), ==, CH_ERR_MAGIC);
	/* Version 1 (the 147-byte request) and anything but 2 are refused. */
	check_int(dec_patched(dec_readreq, buf, n, RQ_VERSION, 1), ==, CH_ERR_VERSION);
	check_int(dec_patched(dec_readreq, buf, n, RQ_VERSION, 3), ==, CH_ERR_VERSION);
	check_int(dec_patched(dec_readreq, buf, n, RQ_VERSION, 0), ==, CH_ERR_VERSION);
	uint8_t v1[147];
	check_int(tap_unhex(v1_readreq, v1, sizeof(v1)), ==, 147);
	check_int(dec_readreq(v1, sizeof(v1)), ==, CH_ERR_VERSION);
	/* Magic and version are named even when the rest is short. */
	check_int(dec_readreq(v1, 5), ==, CH_ERR_VERSION);

	/* Values (checked before the signature: CH_ERR_VALUE, not SIG). */
	check_int(dec_patched(dec_readreq, buf, n, RQ_ACTION, 0), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_ACTION, 7), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_ACTION, CH_ACT_SEARCH), ==, CH_ERR_SIG);
	check_int(dec_patched(dec_readreq, buf, n, RQ_PURPOSE, 0), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_PURPOSE, 6), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_PURPOSE, CH_PURPOSE_AUDIT), ==, CH_ERR_SIG);
	/* Flags: each unknown bit; the known ones that need nothing else. */
	check_int(dec_patched(dec_readreq, buf, n, RQ_FLAGS, 0x80), ==, CH_ERR_VALUE);
	/* A prefix needs an entry; arrival order with no cursor is "from the
	 * first", valid, but not with AFTER. */
	check_int(dec_patched(dec_readreq, buf, n, RQ_FLAGS, CH_RQ_PREFIX), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_FLAGS, CH_RQ_ARRIVAL), ==, CH_ERR_SIG);
	check_int(dec_patched(dec_readreq, buf, n, RQ_FLAGS, CH_RQ_ARRIVAL | CH_RQ_AFTER), ==,
	    CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_FLAGS,
	    CH_RQ_OPEN | CH_RQ_UNACKED | CH_RQ_AFTER), ==, CH_ERR_SIG);
	/* Reserved bytes. */
	for (size_t i = RQ_RESERVED; i < RQ_CASE; i++) {
		check_int(dec_patched(dec_readreq, buf, n, i, 0x01), ==, CH_ERR_VALUE);
		check_int(dec_patched(dec_readreq, buf, n, i, 0x80), ==, CH_ERR_VALUE);
	}
	/* kinds: bit 0 is no kind; bit 63 and the access records' bit are. */
	check_int(dec_patched(dec_readreq, buf, n, RQ_KINDS + 7, 0x0b), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_KINDS, 0x80), ==, CH_ERR_SIG);
	check_int(dec_patched_be(dec_readreq, buf, n, RQ_KINDS, 8,
	    UINT64_C(1) << CH_KIND_ACCESS), ==, CH_ERR_SIG);
	/* audiences: bits 1..6 only. */
	check_int(dec_patched(dec_readreq, buf, n, RQ_AUDIENCES, 0x01), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_AUDIENCES, 0x80), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_AUDIENCES, 0x7f), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_AUDIENCES, 0x7e), ==, CH_ERR_SIG);
	/* last: up to CH_PAGE_MAX. */
	check_int(dec_patched_be(dec_readreq, buf, n, RQ_LAST, 4, CH_PAGE_MAX + 1), ==,
	    CH_ERR_VALUE);
	check_int(dec_patched_be(dec_readreq, buf, n, RQ_LAST, 4, UINT32_MAX), ==,
	    CH_ERR_VALUE);
	check_int(dec_patched_be(dec_readreq, buf, n, RQ_LAST, 4, CH_PAGE_MAX), ==, CH_ERR_SIG);
	check_int(dec_patched_be(dec_readreq, buf, n, RQ_LAST, 4, 0), ==, CH_ERR_SIG);
	/* since < until when until is set; until 0 is open. */
	{
		uint8_t *q = malloc(n);
		memcpy(q, buf, n);
		q[RQ_SINCE + 7] = 5;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);           /* until open */
		q[RQ_UNTIL + 7] = 5;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);         /* since == until */
		q[RQ_UNTIL + 7] = 4;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);         /* since > until */
		q[RQ_UNTIL + 7] = 6;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);
		q[RQ_SINCE + 7] = 0;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);           /* since open */
		free(q);
	}
	/* The cursor: all zeros (none), or a non-zero org and seq >= 1. */
	{
		uint8_t *q = malloc(n);
		memcpy(q, buf, n);
		q[RQ_CUR_TIME + 7] = 9;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);         /* time only */
		q[RQ_CUR_SEQ + 7] = 1;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);         /* zero org */
		q[RQ_CUR_ORG + 31] = 1;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);
		q[RQ_CUR_SEQ + 7] = 0;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);         /* seq 0 */
		q[RQ_CUR_TIME + 7] = 0;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);         /* org only */
		q[RQ_CUR_SEQ + 7] = 1;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);           /* time 0 is a time */
		free(q);
	}
	/* VERSIONS and REFS need an entry. */
	{
		uint8_t *q = malloc(n);
		memcpy(q, buf, n);
		q[RQ_FLAGS] = CH_RQ_VERSIONS;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);
		q[RQ_FLAGS] = CH_RQ_REFS;
		check_int(dec_readreq(q, n), ==, CH_ERR_VALUE);
		q[RQ_ENTRY + 31] = 0xee;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);
		q[RQ_FLAGS] = CH_RQ_VERSIONS;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);
		q[RQ_FLAGS] = 0;
		check_int(dec_readreq(q, n), ==, CH_ERR_SIG);           /* entry alone */
		free(q);
	}
	/* org and author: any 32 bytes. */
	check_int(dec_patched(dec_readreq, buf, n, RQ_ORG, 0x01), ==, CH_ERR_SIG);
	check_int(dec_patched(dec_readreq, buf, n, RQ_AUTHOR + 31, 0x01), ==, CH_ERR_SIG);
	/* The search text: UTF-8 without NUL. */
	check_int(dec_patched(dec_readreq, buf, n, RQ_FIXED, 0xff), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_FIXED + 2, 0x00), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readreq, buf, n, RQ_FIXED + 5, 0xc3), ==, CH_ERR_VALUE);
	check_int(dec_patched_mem(dec_readreq, buf, n, RQ_FIXED + 4, "\xc3\xa9", 2), ==,
	    CH_ERR_SIG);
	/* An overlong '/' and a UTF-16 surrogate. */
	check_int(dec_patched_mem(dec_readreq, buf, n, RQ_FIXED, "\xc0\xaf", 2), ==,
	    CH_ERR_VALUE);
	check_int(dec_patched_mem(dec_readreq, buf, n, RQ_FIXED, "\xed\xa0\x80", 3), ==,
	    CH_ERR_VALUE);
	free(buf);

	/* Search lengths: 0 and CH_SEARCH_MAX fit (the longest request,
	 * 580 bytes), CH_SEARCH_MAX + 1 does not. */
	golden_readreq_fields(&r);
	r.search[0] = '\0';
	check_int(ch_readreq_sign(&r, prov_sk, &buf, &n), ==, 0);
	check_int(n, ==, RQ_FIXED + CH_SIG_LEN);
	check_int(ch_readreq_decode(buf, n, &d), ==, 0);
	check_str(d.search, "");
	check(check_framing(dec_readreq, buf, n));
	free(buf);
	memset(r.search, 'a', CH_SEARCH_MAX);
	r.search[CH_SEARCH_MAX] = '\0';
	check_int(ch_readreq_sign(&r, prov_sk, &buf, &n), ==, 0);
	check_int(n, ==, RQ_FIXED + CH_SEARCH_MAX + CH_SIG_LEN);
	check(n <= CH_READREQ_MAX);
	check_int(ch_readreq_decode(buf, n, &d), ==, 0);
	check_int(strlen(d.search), ==, CH_SEARCH_MAX);
	/* A 257-byte search on the wire: its length is refused before it is
	 * read (the bytes are there, and signed). */
	{
		uint8_t *q = malloc(n + 1);
		memcpy(q, buf, RQ_FIXED + CH_SEARCH_MAX);
		q[RQ_FIXED + CH_SEARCH_MAX] = 'a';
		memcpy(q + RQ_FIXED + CH_SEARCH_MAX + 1, buf + RQ_FIXED + CH_SEARCH_MAX,
		    CH_SIG_LEN);
		put_be32(q + RQ_SEARCH, CH_SEARCH_MAX + 1);
		check_int(dec_readreq(q, n + 1), ==, CH_ERR_TOOBIG);
		free(q);
	}
	free(buf);
	memset(r.search, 'a', sizeof(r.search));        /* 257 bytes, no NUL */
	check_int(sign_rc(&r), ==, CH_ERR_TOOBIG);
	/* Whole input above CH_READREQ_MAX: refused before anything is read;
	 * at CH_READREQ_MAX it is only too long for what it holds. */
	{
		uint8_t *q = calloc(1, CH_READREQ_MAX + 1);
		golden_readreq(&r, &buf, &n);
		memcpy(q, buf, n);
		free(buf);
		check_int(dec_readreq(q, CH_READREQ_MAX), ==, CH_ERR_TRAILING);
		check_int(dec_readreq(q, CH_READREQ_MAX + 1), ==, CH_ERR_TOOBIG);
		memcpy(q, "XXXX", 4);
		check_int(dec_readreq(q, CH_READREQ_MAX + 1), ==, CH_ERR_TOOBIG);
		free(q);
	}

	/* The signer refuses what the decoder would (and writes nothing). */
	golden_readreq_fields(&r);
	check_int(sign_rc(&r), ==, 0);
	r.action = 0;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	golden_readreq_fields(&r);
	r.action = CH_ACT_LIST;        /* a list is never a read */
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	golden_readreq_fields(&r);
	r.action = CH_ACT_PRINT + 1;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	golden_readreq_fields(&r);
	r.action = CH_ACT_PRINT;       /* a printed export is a read */
	check_int(sign_rc(&r), ==, 0);
	golden_readreq_fields(&r);
	r.purpose = 0;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	golden_readreq_fields(&r);
	r.purpose = CH_PURPOSE_AUDIT + 1;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	golden_readreq_fields(&r);
	r.flags = 0x80;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	golden_readreq_fields(&r);
	r.flags = CH_RQ_FLAGS_ALL & ~(CH_RQ_VERSIONS | CH_RQ_REFS | CH_RQ_PREFIX | CH_RQ_ARRIVAL);
	check_int(sign_rc(&r), ==, 0);
	golden_readreq_fields(&r);
	r.last = CH_PAGE_MAX + 1;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	r.last = CH_PAGE_MAX;
	check_int(sign_rc(&r), ==, 0);
	golden_readreq_fields(&r);
	r.audiences = 1 << 0;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	r.audiences = 1 << 7;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	r.audiences = (1 << CH_AUD_CARE) | (1 << CH_AUD_MEMBERSHIP);
	check_int(sign_rc(&r), ==, 0);
	golden_readreq_fields(&r);
	r.kinds |= 1;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	golden_readreq_fields(&r);
	r.since = 10;
	r.until = 10;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	r.until = 9;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	r.until = 11;
	check_int(sign_rc(&r), ==, 0);
	r.until = 0;
	check_int(sign_rc(&r), ==, 0);
	golden_readreq_fields(&r);
	r.cursor.time = T0;
	r.cursor.seq = 3;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);       /* zero org */
	memcpy(r.cursor.org, org_pk, 32);
	check_int(sign_rc(&r), ==, 0);
	r.cursor.seq = 0;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);       /* seq 0 */
	golden_readreq_fields(&r);
	r.flags = CH_RQ_VERSIONS;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	r.flags = CH_RQ_REFS;
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	memset(r.entry, 0xee, 32);
	check_int(sign_rc(&r), ==, 0);
	r.flags = CH_RQ_VERSIONS | CH_RQ_REFS;
	check_int(sign_rc(&r), ==, 0);
	golden_readreq_fields(&r);
	strcpy(r.search, "\xff");
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	strcpy(r.search, "\xc3");
	check_int(sign_rc(&r), ==, CH_ERR_VALUE);
	strcpy(r.search, "Peeters-\xc3\x89lise");
	check_int(sign_rc(&r), ==, 0);

	/* Every filter set at once round-trips, and re-signs to the same
	 * bytes. */
	golden_readreq_fields(&r);
	r.action = CH_ACT_SEARCH;
	r.purpose = CH_PURPOSE_AUDIT;
	r.flags = CH_RQ_FLAGS_ALL & ~(CH_RQ_PREFIX | CH_RQ_ARRIVAL);
	r.kinds = UINT64_MAX & ~UINT64_C(1);
	r.audiences = 0x7e;
	memset(r.org, 0x0a, 32);
	memset(r.author, 0x0b, 32);
	r.since = 1;
	r.until = UINT64_MAX;
	r.last = CH_PAGE_MAX;
	r.cursor.time = UINT64_MAX;
	memset(r.cursor.org, 0xff, 32);
	r.cursor.seq = UINT64_MAX;
	memset(r.entry, 0xee, 32);
	check_int(ch_readreq_sign(&r, prov_sk, &buf, &n), ==, 0);
	check_int(ch_readreq_decode(buf, n, &d), ==, 0);
	check_int(d.flags, ==, CH_RQ_FLAGS_ALL & ~(CH_RQ_PREFIX | CH_RQ_ARRIVAL));
	check(d.kinds == (UINT64_MAX & ~UINT64_C(1)));
	check_int(d.audiences, ==, 0x7e);
	check(d.since == 1 && d.until == UINT64_MAX);
	check(d.cursor.time == UINT64_MAX && d.cursor.seq == UINT64_MAX);
	check_mem(d.cursor.org, r.cursor.org, 32);
	check_mem(d.org, r.org, 32);
	check_mem(d.author, r.author, 32);
	check_mem(d.entry, r.entry, 32);
	check_int(d.last, ==, CH_PAGE_MAX);
	check_int(ch_readreq_sign(&d, prov_sk, &buf2, &n2), ==, 0);
	check_int(n2, ==, n);
	check_mem(buf2, buf, n);
	free(buf2);
	/* Signed by another key than the one it names. */
	memcpy(buf + RQ_PROVIDER, org_pk, 32);
	check_int(dec_readreq(buf, n), ==, CH_ERR_SIG);
	free(buf);
}

TEST(vec)
{
	ch_vec_t v, d;
	uint8_t orgs[3][32];
	uint64_t seqs[3] = { 5, 0, UINT64_MAX };
	uint8_t *buf, *buf2;
	size_t n, n2;

	memset(orgs[0], 0x30, 32);
	memset(orgs[1], 0x10, 32);
	memset(orgs[2], 0x20, 32);
	memcpy(v.case_id, case_id, CH_CASE_LEN);
	v.n = 3;
	v.org = orgs;
	v.seq = seqs;
	check_int(ch_vec_encode(&v, &buf, &n), ==, 0);
	check_int(n, ==, 16 + 2 + 3 * 40);
	check_int(ch_vec_decode(buf, n, &d), ==, 0);
	check_int(d.n, ==, 3);
	if (d.n == 3) {
		/* Sorted by org on the wire. */
		check_int(d.org[0][0], ==, 0x10);
		check_int(d.seq[0], ==, 0);
		check_int(d.org[2][0], ==, 0x30);
		check_int(d.seq[2], ==, 5);
		check(d.seq[1] == UINT64_MAX);
	}
	check_int(ch_vec_encode(&d, &buf2, &n2), ==, 0);
	check_int(n2, ==, n);
	check_mem(buf2, buf, n);
	free(buf2);
	ch_vec_clear(&d);
	check(check_framing(dec_vec, buf, n));
	/* Unsorted and duplicate orgs on the wire. */
	check_int(dec_patched(dec_vec, buf, n, 18, 0x25), ==, CH_ERR_VALUE);
	uint8_t *dup = malloc(n);
	memcpy(dup, buf, n);
	memcpy(dup + 18 + 40, dup + 18, 32);
	check_int(dec_vec(dup, n), ==, CH_ERR_VALUE);
	free(dup);
	check_int(dec_patched(dec_vec, buf, n, 16, 0x01), ==, CH_ERR_TOOBIG);
	free(buf);

	memset(orgs[2], 0x30, 32);
	check_int(ch_vec_encode(&v, &buf, &n), ==, CH_ERR_VALUE);
	v.n = CH_FEEDS_MAX + 1;
	check_int(ch_vec_encode(&v, &buf, &n), ==, CH_ERR_TOOBIG);
	v.n = 0;
	check_int(ch_vec_encode(&v, &buf, &n), ==, 0);
	check_int(n, ==, 18);
	check_int(ch_vec_decode(buf, n, &d), ==, 0);
	check_int(d.n, ==, 0);
	ch_vec_clear(&d);
	free(buf);
}

TEST(batch)
{
	ch_slice_t it[3] = {
		{ (const uint8_t *)"first", 5 }, { NULL, 0 }, { (const uint8_t *)"third", 5 },
	};
	uint8_t *buf, cid[CH_CASE_LEN], more;
	size_t n, ns;
	ch_slice_t *s;

	check_int(ch_batch_encode(case_id, 1, it, 3, &buf, &n), ==, 0);
	check_int(n, ==, 16 + 1 + 4 + 4 + 5 + 4 + 4 + 5);
	check_int(ch_batch_decode(buf, n, cid, &more, &s, &ns), ==, 0);
	check_mem(cid, case_id, CH_CASE_LEN);
	check_int(more, ==, 1);
	check_int(ns, ==, 3);
	if (ns == 3) {
		check_int(s[0].n, ==, 5);
		check_mem(s[2].p, "third", 5);
		check_int(s[1].n, ==, 0);
	}
	free(s);
	check(check_framing(dec_batch, buf, n));
	check_int(dec_patched(dec_batch, buf, n, 16, 2), ==, CH_ERR_VALUE);
	/* n above CH_BATCH_MAX; an entry longer than an entry can be. */
	check_int(dec_patched(dec_batch, buf, n, 19, 0x02), ==, CH_ERR_TOOBIG);
	check_int(dec_patched(dec_batch, buf, n, 22, 0x20), ==, CH_ERR_TOOBIG);
	free(buf);

	check_int(ch_batch_encode(case_id, 2, it, 3, &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_batch_encode(case_id, 0, it, CH_BATCH_MAX + 1, &buf, &n), ==, CH_ERR_TOOBIG);
	check_int(ch_batch_encode(case_id, 0, NULL, 0, &buf, &n), ==, 0);
	check_int(ch_batch_decode(buf, n, cid, &more, &s, &ns), ==, 0);
	check_int(ns, ==, 0);
	check(s == NULL);
	free(buf);
}

/* A batch written in place (ch_batchw_t) is byte for byte the frame of
 * ch_msg_encode(ch_batch_encode(...)); its bounds are the batch's. */
TEST(batch_in_place)
{
	ch_slice_t it[3] = {
		{ (const uint8_t *)"first", 5 }, { (const uint8_t *)"", 0 }, { (const uint8_t *)"third", 5 },
	};
	uint8_t *body, *want, *got, cid[CH_CASE_LEN], more, type, st;
	size_t bl, wl, gl, ns, pl;
	const uint8_t *payload;
	ch_slice_t *s;
	ch_batchw_t b;

	for (int m = 0; m < 2; m++) {
		for (size_t k = 0; k <= 3; k++) {
			check_int(ch_batch_encode(case_id, (uint8_t)m, it, k, &body, &bl), ==, 0);
			check_int(ch_msg_encode(CH_MAGIC_PEER, CH_PM_ENTRIES, 0, body, bl, &want, &wl), ==, 0);
			/* with room reserved, and without; nothing allocated
			 * before the first entry */
			ch_batchw_init(&b, k == 2 ? 0 : 1 << 16);
			check(b.w.p == NULL);
			for (size_t i = 0; i < k; i++)
				check_int(ch_batchw_add(&b, it[i].p, it[i].n), ==, 0);
			check_int(b.n, ==, k);
			check_int(ch_batchw_finish(&b, CH_MAGIC_PEER, CH_PM_ENTRIES, case_id, (uint8_t)m,
			    &got, &gl), ==, 0);
			check_int(gl, ==, wl);
			if (gl == wl)
				check_mem(got, want, wl);
			check_int(ch_msg_decode(got, gl, CH_MAGIC_PEER, &type, &st, &payload, &pl), ==, 0);
			check_int(type, ==, CH_PM_ENTRIES);
			check_int(ch_batch_decode(payload, pl, cid, &more, &s, &ns), ==, 0);
			check_int(ns, ==, k);
			check_int(more, ==, m);
			free(s);
			free(body);
			free(want);
			free(got);
		}
	}
	/* CH_BATCH_MAX entries, then no more: the batch is still whole. */
	ch_batchw_init(&b, 0);
	for (size_t i = 0; i < CH_BATCH_MAX; i++)
		check_int(ch_batchw_add(&b, (const uint8_t *)"x", 1), ==, 0);
	check_int(ch_batchw_add(&b, (const uint8_t *)"x", 1), ==, CH_ERR_TOOBIG);
	check_int(b.n, ==, CH_BATCH_MAX);
	check_int(b.bytes, ==, CH_BATCH_MAX);
	check_int(ch_batchw_finish(&b, CH_MAGIC_PEER, CH_PM_ENTRIES, case_id, 1, &got, &gl), ==, 0);
	check_int(ch_msg_decode(got, gl, CH_MAGIC_PEER, &type, &st, &payload, &pl), ==, 0);
	check_int(ch_batch_decode(payload, pl, cid, &more, &s, &ns), ==, 0);
	check_int(ns, ==, CH_BATCH_MAX);
	free(s);
	free(got);
	/* An entry longer than an entry can be; a bad more. */
	ch_batchw_init(&b, 0);
	check_int(ch_batchw_add(&b, (const uint8_t *)"x", (size_t)CH_ENV_LEN + CH_BODY_MAX + 1), ==,
	    CH_ERR_TOOBIG);
	check_int(b.n, ==, 0);
	check_int(ch_batchw_finish(&b, CH_MAGIC_PEER, CH_PM_ENTRIES, case_id, 2, &got, &gl), ==,
	    CH_ERR_VALUE);
	check(got == NULL);
	ch_batchw_init(&b, 0);
	ch_batchw_free(&b);
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Offsets in the golden read reply below (PROTOCOL.md "Read reply"). */
#define RP_ORGS 35                              /* after access_id, more, norgs */
#define RP_ORG1 (RP_ORGS + 32 + 4 + 14)         /* the second org of the table */
#define RP_N (RP_ORG1 + 32 + 4 + 14)
#define RP_IT0 (RP_N + 4)
#define IT_STATE 206
#define IT_PLAIN 207
/* From the end of an item's plain var: */
#define IT_VERSIONS 0
#define IT_ROOT 2
#define IT_HIDDEN_BY 34
#define IT_HIDDEN_AT 66
#define IT_CHECKIN 74
#define IT_NREFS 82
#define IT_NACKS 86
#define IT_ACKS 88
#define RP_IT0_TAIL (RP_IT0 + IT_PLAIN + 4 + 11)
#define RP_IT1 (RP_IT0_TAIL + IT_ACKS + 2 * 40)
#define RP_IT1_TAIL (RP_IT1 + IT_PLAIN + 4)
#define RP_LEN (RP_IT1_TAIL + IT_ACKS + 16)  /* + instance, arrived */

/* Two items (an open note with 2 acks by org A, a hidden entry of org B),
 * the table naming A and B. */
static void
golden_readrep(ch_readrep_t *r, ch_readitem_t it[2], ch_orgname_t orgs[2],
    uint8_t acks[80])
{
	static const uint8_t orgb[32] = {
		0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2,
		0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2,
		0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2,
	};
	memset(r, 0, sizeof(*r));
	memset(it, 0, 2 * sizeof(*it));
	memset(orgs, 0, 2 * sizeof(*orgs));
	memset(r->access_id, 0xa1, 32);
	r->more = 1;
	memcpy(orgs[0].org, org_pk, 32);
	orgs[0].name.p = (const uint8_t *)"Thuiszorg West";
	orgs[0].name.n = 14;
	memcpy(orgs[1].org, orgb, 32);
	orgs[1].name.p = (const uint8_t *)"Wit-Gele Kruis";
	orgs[1].name.n = 14;
	r->orgs = orgs;
	r->norgs = 2;
	memcpy(acks, orgb, 32);
	put_be64(acks + 32, T0 + 1);
	memcpy(acks + 40, org_pk, 32);
	put_be64(acks + 72, T0 + 2);

	golden_env(&it[0].env);
	it[0].state = CH_IT_OPEN;
	it[0].plain.p = (const uint8_t *)"plain-bytes";
	it[0].plain.n = 11;
	it[0].versions = 2;
	memset(it[0].root, 0x11, 32);
	it[0].last_checkin = T0 + 7;
	it[0].nrefs = 3;
	it[0].nacks = 2;
	it[0].acks.p = acks;
	it[0].acks.n = 80;
	golden_env(&it[1].env);
	it[1].env.seq = 2;
	memcpy(it[1].env.org, orgb, 32);
	memset(it[1].env.prev, 9, CH_HASH_LEN);
	it[1].state = CH_IT_HIDDEN;
	it[1].versions = 1;
	memset(it[1].root, 0x22, 32);
	memcpy(it[1].hidden_by, orgb, 32);
	it[1].hidden_at = T0 + 5;
	r->items = it;
	r->n = 2;
}

static int
enc_rc(const ch_readrep_t *r)
{
	uint8_t *out = NULL;
	size_t len = 0;
	int rc = ch_readrep_encode(r, &out, &len);
	free(out);
	return rc;
}

TEST(readrep)
{
	ch_readrep_t r, d;
	ch_readitem_t it[2];
	ch_orgname_t orgs[2];
	uint8_t acks[80], *buf, *buf2, org[32];
	uint64_t t;
	size_t n, n2;

	golden_readrep(&r, it, orgs, acks);
	check_int(ch_readrep_encode(&r, &buf, &n), ==, 0);
	check_int(n, ==, RP_LEN);
	check_int(n, ==, 32 + 1 + 2 + 2 * (32 + 4 + 14) + 4 + 2 * 299 + 11 + 2 * 40 + 16);
	check_int(ch_readrep_decode(buf, n, &d), ==, 0);
	check_mem(d.access_id, r.access_id, 32);
	check_int(d.more, ==, 1);
	check_int(d.norgs, ==, 2);
	check_int(d.n, ==, 2);
	if (d.n == 2 && d.norgs == 2) {
		check(memcmp(&d.items[0].env, &it[0].env, sizeof(ch_env_t)) == 0);
		check(memcmp(&d.items[1].env, &it[1].env, sizeof(ch_env_t)) == 0);
		check_int(ch_env_verify(&d.items[0].env), ==, 0);
		check_mem(d.orgs[0].org, org_pk, 32);
		check_int(d.orgs[1].name.n, ==, 14);
		check_mem(d.orgs[1].name.p, "Wit-Gele Kruis", 14);
		/* Each item's orgname is its org's name in the table (the very
		 * bytes, not a copy). */
		check(d.items[0].orgname.p == d.orgs[0].name.p);
		check(d.items[1].orgname.p == d.orgs[1].name.p);
		check_int(d.items[0].orgname.n, ==, 14);
		check_mem(d.items[0].orgname.p, "Thuiszorg West", 14);
		check(ch_readrep_orgname(&d, org_pk) == &d.orgs[0].name);
		check(ch_readrep_orgname(&d, acks) == &d.orgs[1].name);
		check(ch_readrep_orgname(&d, r.access_id) == NULL);
		check_int(d.items[0].state, ==, CH_IT_OPEN);
		check_int(d.items[0].plain.n, ==, 11);
		check_mem(d.items[0].plain.p, "plain-bytes", 11);
		check_int(d.items[0].versions, ==, 2);
		check_mem(d.items[0].root, it[0].root, 32);
		check(sodium_is_zero(d.items[0].hidden_by, 32));
		check(d.items[0].last_checkin == T0 + 7);
		check_int(d.items[0].nrefs, ==, 3);
		check_int(d.items[0].nacks, ==, 2);
		ch_readitem_ack(&d.items[0], 0, org, &t);
		check_mem(org, acks, 32);
		check(t == T0 + 1);
		ch_readitem_ack(&d.items[0], 1, org, &t);
		check_mem(org, org_pk, 32);
		check(t == T0 + 2);
		check_int(d.items[1].state, ==, CH_IT_HIDDEN);
		check_int(d.items[1].plain.n, ==, 0);
		check_int(d.items[1].versions, ==, 1);
		check_mem(d.items[1].hidden_by, it[1].hidden_by, 32);
		check(d.items[1].hidden_at == T0 + 5);
		check_int(d.items[1].nacks, ==, 0);
		check_int(d.items[1].env.seq, ==, 2);
	}
	/* What was decoded re-encodes to the same bytes. */
	check_int(ch_readrep_encode(&d, &buf2, &n2), ==, 0);
	check_int(n2, ==, n);
	check_mem(buf2, buf, n);
	free(buf2);
	ch_readrep_clear(&d);
	check(d.items == NULL && d.orgs == NULL && d.n == 0);
	check(check_framing(dec_readrep, buf, n));

	/* more: 0 or 1. */
	check_int(dec_patched(dec_readrep, buf, n, 32, 0), ==, 0);
	check_int(dec_patched(dec_readrep, buf, n, 32, 2), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readrep, buf, n, 32, 0xff), ==, CH_ERR_VALUE);
	/* The table: counts above CH_READREP_ORGS_MAX, or more than the input
	 * holds, refused before anything is allocated. */
	check_int(dec_patched_be(dec_readrep, buf, n, 33, 2, CH_READREP_ORGS_MAX + 1), ==,
	    CH_ERR_TOOBIG);
	check_int(dec_patched_be(dec_readrep, buf, n, 33, 2, 0xffff), ==, CH_ERR_TOOBIG);
	check_int(dec_patched_be(dec_readrep, buf, n, 33, 2, CH_READREP_ORGS_MAX), ==,
	    CH_ERR_TRUNCATED);
	/* A duplicate org, a zero org, a name that is not UTF-8 or too long. */
	check_int(dec_patched_mem(dec_readrep, buf, n, RP_ORG1, org_pk, 32), ==, CH_ERR_VALUE);
	check_int(dec_patched_mem(dec_readrep, buf, n, RP_ORG1, zero32, 32), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readrep, buf, n, RP_ORGS + 36, 0xff), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readrep, buf, n, RP_ORGS + 36 + 13, 0x00), ==, CH_ERR_VALUE);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_ORGS + 32, 4, 257), ==, CH_ERR_TOOBIG);
	/* An org the items name missing from the table: item 1's org (and
	 * hidden_by, and item 0's first ack) is B; renaming B in the table
	 * leaves them unnamed. */
	check_int(dec_patched(dec_readrep, buf, n, RP_ORG1, 0xb3), ==, CH_ERR_VALUE);
	/* item 0's first ack by an org not in the table. */
	check_int(dec_patched(dec_readrep, buf, n, RP_IT0_TAIL + IT_ACKS, 0x00), ==,
	    CH_ERR_VALUE);
	/* ... by A instead (in the table): fine. */
	check_int(dec_patched_mem(dec_readrep, buf, n, RP_IT0_TAIL + IT_ACKS, org_pk, 32), ==, 0);
	/* item 1 hidden by A (in the table): fine; by an org not in it: not. */
	check_int(dec_patched_mem(dec_readrep, buf, n, RP_IT1_TAIL + IT_HIDDEN_BY, org_pk, 32),
	    ==, 0);
	check_int(dec_patched(dec_readrep, buf, n, RP_IT1_TAIL + IT_HIDDEN_BY, 0xcc), ==,
	    CH_ERR_VALUE);
	/* item 1's envelope by an org not in the table (its org at 5+16). */
	check_int(dec_patched(dec_readrep, buf, n, RP_IT1 + 21, 0xcc), ==, CH_ERR_VALUE);
	/* The item count: above CH_PAGE_MAX, or more than the input holds. */
	check_int(dec_patched_be(dec_readrep, buf, n, RP_N, 4, CH_PAGE_MAX + 1), ==,
	    CH_ERR_TOOBIG);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_N, 4, UINT32_MAX), ==, CH_ERR_TOOBIG);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_N, 4, CH_PAGE_MAX), ==,
	    CH_ERR_TRUNCATED);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_N, 4, 3), ==, CH_ERR_TRUNCATED);
	/* The first envelope's version byte. */
	check_int(dec_patched(dec_readrep, buf, n, RP_IT0 + 4, 2), ==, CH_ERR_VERSION);
	/* States: up to 5; plain only when open; hidden_by set iff hidden. */
	check_int(dec_patched(dec_readrep, buf, n, RP_IT0 + IT_STATE, 6), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readrep, buf, n, RP_IT0 + IT_STATE, 0xff), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_readrep, buf, n, RP_IT1 + IT_STATE, 6), ==, CH_ERR_VALUE);
	for (uint8_t st = CH_IT_BEFORE_JOIN; st <= CH_IT_HIDDEN; st++)
		check_int(dec_patched(dec_readrep, buf, n, RP_IT0 + IT_STATE, st), ==,
		    CH_ERR_VALUE);     /* item 0 has a plain body */
	for (uint8_t st = CH_IT_OPEN; st < CH_IT_HIDDEN; st++)
		check_int(dec_patched(dec_readrep, buf, n, RP_IT1 + IT_STATE, st), ==,
		    CH_ERR_VALUE);     /* item 1 has a hidden_by */
	check_int(dec_patched_mem(dec_readrep, buf, n, RP_IT1_TAIL + IT_HIDDEN_BY, zero32, 32),
	    ==, CH_ERR_VALUE);
	/* versions 0. */
	check_int(dec_patched_be(dec_readrep, buf, n, RP_IT0_TAIL + IT_VERSIONS, 2, 0), ==,
	    CH_ERR_VALUE);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_IT1_TAIL + IT_VERSIONS, 2, 0), ==,
	    CH_ERR_VALUE);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_IT1_TAIL + IT_VERSIONS, 2, 0xffff), ==,
	    0);
	/* nacks above CH_ACKS_MAX; more acks than the bytes there. */
	check_int(dec_patched_be(dec_readrep, buf, n, RP_IT0_TAIL + IT_NACKS, 2,
	    CH_ACKS_MAX + 1), ==, CH_ERR_TOOBIG);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_IT1_TAIL + IT_NACKS, 2,
	    CH_ACKS_MAX + 1), ==, CH_ERR_TOOBIG);
	check_int(dec_patched_be(dec_readrep, buf, n, RP_IT1_TAIL + IT_NACKS, 2, 1), ==,
	    CH_ERR_TRUNCATED);
	check(dec_patched_be(dec_readrep, buf, n, RP_IT0_TAIL + IT_NACKS, 2, 3) != 0);
	/* The plain var above CH_BODY_MAX. */
	check_int(dec_patched_be(dec_readrep, buf, n, RP_IT0 + IT_PLAIN, 4, CH_BODY_MAX + 1), ==,
	    CH_ERR_TOOBIG);
	free(buf);

	/* The encoder refuses what the decoder would. */
	golden_readrep(&r, it, orgs, acks);
	check_int(enc_rc(&r), ==, 0);
	r.more = 2;
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	golden_readrep(&r, it, orgs, acks);
	r.norgs = 1;                    /* B (item 1's org, an ack's) unnamed */
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	golden_readrep(&r, it, orgs, acks);
	r.n = 1;
	r.norgs = 1;                    /* item 0's ack by B unnamed */
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	it[0].nacks = 1;
	it[0].acks.p = acks + 40;       /* ... its ack by A only: fine */
	it[0].acks.n = 40;
	check_int(enc_rc(&r), ==, 0);
	golden_readrep(&r, it, orgs, acks);
	memset(it[1].hidden_by, 0xcc, 32);
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	memcpy(it[1].hidden_by, org_pk, 32);
	check_int(enc_rc(&r), ==, 0);
	golden_readrep(&r, it, orgs, acks);
	it[0].state = CH_IT_MAX + 1;
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	it[0].state = CH_IT_BEFORE_JOIN;        /* with a plain body */
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	it[0].plain.n = 0;
	check_int(enc_rc(&r), ==, 0);
	it[0].state = CH_IT_HIDDEN;             /* hidden by nobody */
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	it[1].state = CH_IT_ERASED;             /* not hidden, hidden_by set */
	it[0].state = CH_IT_ERASED;
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	memset(it[1].hidden_by, 0, 32);
	check_int(enc_rc(&r), ==, 0);
	golden_readrep(&r, it, orgs, acks);
	it[1].versions = 0;
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	golden_readrep(&r, it, orgs, acks);
	it[0].acks.n = 40;                      /* nacks 2, one ack's bytes */
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	{
		uint8_t *many = calloc(CH_ACKS_MAX + 1, 40);
		for (size_t i = 0; i <= CH_ACKS_MAX; i++)
			memcpy(many + 40 * i, org_pk, 32);
		it[0].acks.p = many;
		it[0].nacks = CH_ACKS_MAX;
		it[0].acks.n = 40 * CH_ACKS_MAX;
		check_int(enc_rc(&r), ==, 0);
		it[0].nacks = CH_ACKS_MAX + 1;
		it[0].acks.n = 40 * (CH_ACKS_MAX + 1);
		check_int(enc_rc(&r), ==, CH_ERR_VALUE);
		free(many);
	}
	golden_readrep(&r, it, orgs, acks);
	memcpy(orgs[1].org, org_pk, 32);        /* a duplicate org */
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	golden_readrep(&r, it, orgs, acks);
	memset(orgs[1].org, 0, 32);             /* a zero org */
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	golden_readrep(&r, it, orgs, acks);
	orgs[1].name.p = (const uint8_t *)"\xff";
	orgs[1].name.n = 1;
	check_int(enc_rc(&r), ==, CH_ERR_VALUE);
	{
		char name[258];
		memset(name, 'n', sizeof(name));
		orgs[1].name.p = (const uint8_t *)name;
		orgs[1].name.n = 256;
		check_int(enc_rc(&r), ==, 0);
		orgs[1].name.n = 257;
		check_int(enc_rc(&r), ==, CH_ERR_TOOBIG);
	}
	golden_readrep(&r, it, orgs, acks);
	r.n = CH_PAGE_MAX + 1;                  /* refused before any is read */
	check_int(enc_rc(&r), ==, CH_ERR_TOOBIG);
	golden_readrep(&r, it, orgs, acks);
	r.norgs = CH_READREP_ORGS_MAX + 1;
	check_int(enc_rc(&r), ==, CH_ERR_TOOBIG);

	/* An empty reply. */
	memset(&r, 0, sizeof(r));
	memset(r.access_id, 0xa1, 32);
	check_int(ch_readrep_encode(&r, &buf, &n), ==, 0);
	check_int(n, ==, 32 + 1 + 2 + 4 + 16);
	check_int(ch_readrep_decode(buf, n, &d), ==, 0);
	check_int(d.n, ==, 0);
	check_int(d.norgs, ==, 0);
	check(d.items == NULL && d.orgs == NULL);
	ch_readrep_clear(&d);
	check(check_framing(dec_readrep, buf, n));
	free(buf);
}

/* ---- vector printer, for PROTOCOL.md ---- */

TEST(checkpoints)
{
	uint8_t mk[CH_MARK_LEN], *buf = NULL, run[CH_RUN_LEN], more;
	size_t n = 0, ni;
	uint64_t upto;
	ch_changed_t *it;
	ch_mark_t m;

	golden_mark(mk);
	check_str(hex(mk, sizeof(mk)), KAT_MARK);
	check_int(ch_mark_decode(mk, sizeof(mk), &m), ==, 0);
	check_int(m.change, ==, 258);
	check(check_framing(dec_mark, mk, sizeof(mk)));

	check_int(golden_changes(&buf, &n), ==, 0);
	check_str(hex(buf, n), KAT_CHANGES);
	check_int(ch_changes_decode(buf, n, run, &upto, &more, &it, &ni), ==, 0);
	check_int(upto, ==, 9);
	check_int(more, ==, 1);
	check_int(ni, ==, 2);
	if (ni == 2) {
		ch_vec_t v;
		check_int(it[0].change, ==, 5);
		check_int(it[1].change, ==, 9);
		check_int(ch_vec_decode(it[0].vec.p, it[0].vec.n, &v), ==, 0);
		check_int(v.n, ==, 1);
		check_int(v.n == 1 ? v.seq[0] : 0, ==, 7);
		ch_vec_clear(&v);
	}
	free(it);
	check(check_framing(dec_changes, buf, n));
	/* more above 1; n above CH_CHANGES_MAX; the second item's change at
	 * or below the first's; an item's change above upto (upto lowered to
	 * 8); a vector longer than a vector can be. */
	check_int(dec_patched(dec_changes, buf, n, 24, 2), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_changes, buf, n, 25, 0x01), ==, CH_ERR_TOOBIG);
	check_int(dec_patched(dec_changes, buf, n, 24 + 3 + 8 + 4 + 58 + 7, 5), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_changes, buf, n, 23, 8), ==, CH_ERR_VALUE);
	check_int(dec_patched(dec_changes, buf, n, 24 + 3 + 8, 0x01), ==, CH_ERR_TOOBIG);
	free(buf);

	/* The encoder refuses what the decoder refuses. */
	ch_changed_t two[2] = { { 5, { (const uint8_t *)"", 0 } }, { 5, { (const uint8_t *)"", 0 } } };
	memset(run, 0, sizeof(run));
	check_int(ch_changes_encode(run, 9, 0, two, 2, &buf, &n), ==, CH_ERR_VALUE);
	two[1].change = 10;
	check_int(ch_changes_encode(run, 9, 0, two, 2, &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_changes_encode(run, 10, 2, two, 2, &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_changes_encode(run, 10, 0, two, CH_CHANGES_MAX + 1, &buf, &n), ==, CH_ERR_TOOBIG);
	check_int(ch_changes_encode(run, 0, 0, NULL, 0, &buf, &n), ==, 0);
	check_int(ch_changes_decode(buf, n, run, &upto, &more, &it, &ni), ==, 0);
	check_int(ni, ==, 0);
	check(it == NULL);
	free(buf);
}

static void
print_hex(const char *name, const uint8_t *p, size_t n)
{
	printf("%s (%zu bytes):\n", name, n);
	for (size_t i = 0; i < n; i += 32) {
		size_t k = n - i < 32 ? n - i : 32;
		printf("    %s\n", hex(p + i, k));
	}
}

static void
print_vectors(void)
{
	ch_env_t e;
	ch_plain_t p;
	ch_readreq_t r;
	uint8_t env[CH_ENV_LEN], id[CH_HASH_LEN], *req, *plain;
	size_t plainlen, reqlen;

	golden_env(&e);
	ch_env_encode(&e, env);
	ch_env_id(&e, id);
	print_hex("org public key", org_pk, 32);
	print_hex("provider public key", prov_pk, 32);
	print_hex("case id", case_id, CH_CASE_LEN);
	print_hex("envelope", env, sizeof(env));
	print_hex("entry id", id, sizeof(id));
	if (golden_plain(&p, &plain, &plainlen) == 0) {
		print_hex("plain body", plain, plainlen);
		free(plain);
	}
	if (golden_readreq(&r, &req, &reqlen) == 0) {
		print_hex("read request", req, reqlen);
		free(req);
	}
	uint8_t proof[CH_SIG_LEN], er[CH_ERASED_LEN];
	ch_erasure_sign(e.case_id, id, org_sk, proof);
	ch_entry_erased(&e, proof, er);
	print_hex("erasure proof of that entry", proof, sizeof(proof));
	print_hex("erased form of that entry", er, sizeof(er));
	uint8_t mk[CH_MARK_LEN], *ch = NULL;
	size_t chn = 0;
	golden_mark(mk);
	print_hex("mark (CHECK, PULL)", mk, sizeof(mk));
	if (golden_changes(&ch, &chn) == 0)
		print_hex("changes (CHANGES)", ch, chn);
	free(ch);
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 2;
	fixtures();
	if (argc > 1 && strcmp(argv[1], "--print-vectors") == 0) {
		print_vectors();
		return 0;
	}
	TAP_RUN(env_golden);
	TAP_RUN(erasure_golden);
	TAP_RUN(env_roundtrip);
	TAP_RUN(env_reject);
	TAP_RUN(entry_flow);
	TAP_RUN(body_reject);
	TAP_RUN(plain_golden);
	TAP_RUN(plain_roundtrip_reject);
	TAP_RUN(note);
	TAP_RUN(create_and_case_id);
	TAP_RUN(member);
	TAP_RUN(access);
	TAP_RUN(msg);
	TAP_RUN(readreq);
	TAP_RUN(vec);
	TAP_RUN(batch);
	TAP_RUN(batch_in_place);
	TAP_RUN(checkpoints);
	TAP_RUN(readrep);
	return TAP_DONE();
}
