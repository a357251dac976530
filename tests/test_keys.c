/* test_keys.c - known answers and tampering tests for keys/ (vectors shared
 * with docs/KEYS-FORMAT.md). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "../keys/keys.h"
#include "../proto/cbuf.h"
#include "tap.h"

/* ---- golden vectors (docs/KEYS-FORMAT.md) ---- */

/* Org seed 00 01 .. 1f, provider seed 20 21 .. 3f. */
#define ORG_SIGN_PK "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
#define ORG_BOX_SK "1c4c3ca80f9748ff1e498cfb4d0542cf75772f5c669742acec7258716959a5c5"
#define ORG_BOX_PK "181284f5257cf09f883bd9d7a8838d893a421f0ff645a397a8f4dab089cff528"
#define ORG_CURVE_SK "8027f6936adcad5dd453a80b9f791d236d4d52ec047461fb5875e3499be9c718"
#define ORG_CURVE_PK "16f2854a60dc957372dc9d1c8094fd2083b5a438f96d2fb564cfb14c5c884f51"
#define ORG_STORAGE "a489803270a4360fe08fa2d400cdbe8a73e591d42bd4d888e45375faf65760cd"
#define PROV_SIGN_PK "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7"
#define PROV_CURVE_PK "5aafec1f849af2c920bbdbb41b7624437172abd1f7d147184637000d68e13c65"
#define ORG_FPR "26174 98717 68756 10943 68596 93486"
#define ORG_KEYID "03a107bff3ce10be"

/* keys_card_make(org, "Thuisverpleging Zuid", "tcp://127.0.0.1:7101",
 * 1700000000) */
static const char card_hex[] =
	"43484f430103a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc86"
	"64125531b8000000145468756973766572706c6567696e67205a756964000000"
	"147463703a2f2f3132372e302e302e313a37313031181284f5257cf09f883bd9"
	"d7a8838d893a421f0ff645a397a8f4dab089cff52816f2854a60dc957372dc9d"
	"1c8094fd2083b5a438f96d2fb564cfb14c5c884f51000000006553f100a1b499"
	"bf2fbf42a9b1271f66549fb427a7aeeb9dcbeab728af1bcecca55a820b9c5e16"
	"10dbc05d3b738b91d8c7ff8879613947f1524518f85455be960a050b02";

static const char card_armored[] =
	"# Thuisverpleging Zuid - fingerprint 26174 98717 68756 10943 68596 93486\n"
	"-----BEGIN CAHIER ORG CARD-----\n"
	"Q0hPQwEDoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuAAAABRUaHVpc3Zl\n"
	"cnBsZWdpbmcgWnVpZAAAABR0Y3A6Ly8xMjcuMC4wLjE6NzEwMRgShPUlfPCfiDvZ\n"
	"16iDjYk6Qh8P9kWjl6j02rCJz/UoFvKFSmDclXNy3J0cgJT9IIO1pDj5bS+1ZM+x\n"
	"TFyIT1EAAAAAZVPxAKG0mb8vv0KpsScfZlSftCenruudy+q3KK8bzsylWoILnF4W\n"
	"ENvAXTtzi5HYx/+IeWE5R/FSRRj4VFW+lgoFCwI=\n"
	"-----END CAHIER ORG CARD-----\n";

/* keys_cert_make(org, prov.sign_pk, prov.curve_pk, "An Peeters",
 * "home-nurse", 1700000000, 1731536000) */
static const char cert_hex[] =
	"434850430129acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc"
	"9322966dd75aafec1f849af2c920bbdbb41b7624437172abd1f7d14718463700"
	"0d68e13c6503a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc86"
	"64125531b80000000a416e20506565746572730000000a686f6d652d6e757273"
	"65000000006553f100000000006735248092da12a6a3a5fc7471eb1f99013476"
	"0db8a082125017ce3de5709f5bc3c5cf27381b3b837bd54522b97278b1264db1"
	"5f1f95d2a897a17524b8236f7da5211a0e";

/* keys_request_make(prov) */
static const char request_hex[] =
	"434850520129acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc"
	"9322966dd75aafec1f849af2c920bbdbb41b7624437172abd1f7d14718463700"
	"0d68e13c6508a4c7cf682c27940cfce5ce4f40f9d912071cdd4e7a206abd0ef0"
	"ec632e1a984557f08f0a1552da41f479a56bcab7e804a14c1d614ea15bcc3ee8"
	"2e7079c20e";

/* The org seed sealed under "correct horse", opslimit 1, memlimit 8192
 * (random salt and nonce, so only opening is reproducible). */
static const char keyfile_hex[] =
	"4348534b010101000000000000000100000000000020008cc0f54712e038397c"
	"93edce1f8a0e1bad29f57439231c5ed7eaf0b4de22fa35f892cddf9405930300"
	"0000305a0c1b7a7a5973a1a2b305239f9d93b648f68fb5de37cf54c5ea98b63e"
	"173bf92f14ac7ae50228fd5e1e1444d76f5735";

static const char keyfile_armored[] =
	"# cahier org secret key\n"
	"-----BEGIN CAHIER SECRET KEY-----\n"
	"Q0hTSwEBAQAAAAAAAAABAAAAAAAAIACMwPVHEuA4OXyT7c4fig4brSn1dDkjHF7X\n"
	"6vC03iL6NfiSzd+UBZMDAAAAMFoMG3p6WXOhorMFI5+dk7ZI9o+13jfPVMXqmLY+\n"
	"Fzv5LxSseuUCKP1eHhRE129XNQ==\n"
	"-----END CAHIER SECRET KEY-----\n";

#define PASS "correct horse"
#define PASSLEN (sizeof(PASS) - 1)
#define FAST_OPS 1
#define FAST_MEM 8192

#define NAME_NL "Thuisverpleging Zuid \xe2\x80\x94 CPAS d'Anderlecht"
#define NAME_RU "\xd0\x90\xd1\x85\xd0\xbc\xd0\xb5\xd0\xb4" /* Ахмед */

static uint8_t org_seed[32], prov_seed[32];

static void
seeds(void)
{
	for (int i = 0; i < 32; i++) {
		org_seed[i] = (uint8_t)i;
		prov_seed[i] = (uint8_t)(0x20 + i);
	}
}

static keys_secret_t *
org_key(void)
{
	return keys_secret_from_seed(KEYS_KIND_ORG, org_seed);
}

static keys_secret_t *
prov_key(void)
{
	return keys_secret_from_seed(KEYS_KIND_PROVIDER, prov_seed);
}

static void
check_hex(const uint8_t *p, size_t n, const char *hex)
{
	uint8_t want[512];
	int wn = tap_unhex(hex, want, sizeof(want));

	check_int(wn, ==, (int)n);
	if (wn == (int)n)
		check_mem(p, want, n);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Re-armors binary key-file bytes, so tampering happens below the armor. */
static int
open_bin(const uint8_t *p, size_t n, uint8_t kind, const char *pass,
    keys_secret_t **out)
{
	char *t = NULL;
	int rc;

	if ((rc = keys_armor("SECRET KEY", NULL, p, n, &t)) != 0)
		return rc;
	rc = keys_file_open(t, strlen(t), kind, pass, strlen(pass), out);
	free(t);
	return rc;
}

/* ---- derivation ---- */

/* The recovery key of the seed 00 01 02 .. 1f (KEYS-FORMAT.md). */
#define RECOVERY_GOLDEN "000013 005151 010292 015437 020572 025719\n" \
	"030855 035995 041134 046274 051418 056554\n" \
	"061699 066832 071970 077117 334300 026667"

TEST(derive_golden)
{
	keys_secret_t *o = org_key(), *p = prov_key();
	uint8_t sk[64];

	check(o != NULL && p != NULL);
	if (o == NULL || p == NULL)
		return;
	check_int(o->kind, ==, KEYS_KIND_ORG);
	check_int(p->kind, ==, KEYS_KIND_PROVIDER);
	check_mem(o->seed, org_seed, 32);
	check_hex(o->sign_pk, 32, ORG_SIGN_PK);
	check_hex(o->box_sk, 32, ORG_BOX_SK);
	check_hex(o->box_pk, 32, ORG_BOX_PK);
	check_hex(o->curve_sk, 32, ORG_CURVE_SK);
	check_hex(o->curve_pk, 32, ORG_CURVE_PK);
	check_hex(o->storage, 32, ORG_STORAGE);
	/* libsodium's Ed25519 secret key is seed || public key. */
	memcpy(sk, org_seed, 32);
	memcpy(sk + 32, o->sign_pk, 32);
	check_mem(o->sign_sk, sk, 64);
	check_hex(p->sign_pk, 32, PROV_SIGN_PK);
	check_hex(p->curve_pk, 32, PROV_CURVE_PK);
	keys_secret_destroy(&o);
	keys_secret_destroy(&p);
	check(o == NULL && p == NULL);
	keys_secret_destroy(&o); /* NULL-safe */
	keys_secret_destroy(NULL);
}

TEST(secret_new_random)
{
	keys_secret_t *a = keys_secret_new(KEYS_KIND_ORG);
	keys_secret_t *b = keys_secret_new(KEYS_KIND_PROVIDER);
	keys_secret_t *c;

	check(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	check(memcmp(a->seed, b->seed, 32) != 0);
	check_int(b->kind, ==, KEYS_KIND_PROVIDER);
	/* A fresh identity is the one its seed derives. */
	c = keys_secret_from_seed(KEYS_KIND_ORG, a->seed);
	check(c != NULL);
	if (c != NULL)
		check_mem(c, a, sizeof(*c));
	keys_secret_destroy(&a);
	keys_secret_destroy(&b);
	keys_secret_destroy(&c);
}

/* ---- key files ---- */

TEST(keyfile_roundtrip)
{
	keys_secret_t *o = org_key(), *p = prov_key(), *x = NULL;
	char *t = NULL;

	check_int(keys_file_seal(o, PASS, PASSLEN, FAST_OPS, FAST_MEM, &t), ==, 0);
	check(t != NULL && strncmp(t, "# cahier org secret key\n"
	    "-----BEGIN CAHIER SECRET KEY-----\n", 57) == 0);
	check_int(keys_file_open(t, strlen(t), KEYS_KIND_ORG, PASS, PASSLEN, &x),
	    ==, 0);
	check(x != NULL);
	if (x != NULL)
		check_mem(x, o, sizeof(*o));
	keys_secret_destroy(&x);
	free(t);

	check_int(keys_file_seal(p, PASS, PASSLEN, FAST_OPS, FAST_MEM, &t), ==, 0);
	check(t != NULL && strncmp(t, "# cahier provider secret key\n", 29) == 0);
	check_int(keys_file_open(t, strlen(t), KEYS_KIND_PROVIDER, PASS, PASSLEN,
	    &x), ==, 0);
	if (x != NULL)
		check_mem(x, p, sizeof(*p));
	keys_secret_destroy(&x);
	/* The other kind is refused before any KDF work. */
	check_int(keys_file_open(t, strlen(t), KEYS_KIND_ORG, PASS, PASSLEN, &x),
	    ==, CH_ERR_VALUE);
	check(x == NULL);
	free(t);
	keys_secret_destroy(&o);
	keys_secret_destroy(&p);
}

TEST(keyfile_golden)
{
	keys_secret_t *x = NULL;
	uint8_t *bin = NULL;
	size_t n;

	check_int(keys_dearmor("SECRET KEY", keyfile_armored,
	    strlen(keyfile_armored), &bin, &n), ==, 0);
	check_hex(bin, n, keyfile_hex);
	free(bin);
	check_int(keys_file_open(keyfile_armored, strlen(keyfile_armored),
	    KEYS_KIND_ORG, PASS, PASSLEN, &x), ==, 0);
	check(x != NULL);
	if (x != NULL) {
		check_mem(x->seed, org_seed, 32);
		check_hex(x->sign_pk, 32, ORG_SIGN_PK);
		check_int(x->kind, ==, KEYS_KIND_ORG);
	}
	keys_secret_destroy(&x);
	check_int(keys_file_open(keyfile_armored, strlen(keyfile_armored),
	    KEYS_KIND_ORG, "correct horsf", PASSLEN, &x), ==, CH_ERR_PASS);
	check_int(keys_file_open(keyfile_armored, strlen(keyfile_armored),
	    KEYS_KIND_ORG, PASS, PASSLEN - 1, &x), ==, CH_ERR_PASS);
	check_int(keys_file_open(keyfile_armored, strlen(keyfile_armored),
	    KEYS_KIND_PROVIDER, PASS, PASSLEN, &x), ==, CH_ERR_VALUE);
	check(x == NULL);
}

TEST(keyfile_tamper_every_byte)
{
	uint8_t bin[200];
	int n = tap_unhex(keyfile_hex, bin, sizeof(bin));
	keys_secret_t *x = NULL;
	int bad = 0;

	check_int(n, ==, 115);
	for (int i = 0; i < n; i++) {
		bin[i] ^= 0x01;
		if (open_bin(bin, (size_t)n, KEYS_KIND_ORG, PASS, &x) == 0 ||
		    x != NULL) {
			printf("# flipped byte %d accepted\n", i);
			bad++;
		}
		keys_secret_destroy(&x);
		bin[i] ^= 0x01;
	}
	check_int(bad, ==, 0);

	/* Specific answers: ciphertext, tag, salt and nonce all look like a
	 * wrong passphrase; framing errors are framing errors. */
	bin[114] ^= 0x80;
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_PASS);
	bin[114] ^= 0x80;
	bin[70] ^= 0x80;
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_PASS);
	bin[70] ^= 0x80;
	bin[23] ^= 0x80; /* salt */
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_PASS);
	bin[23] ^= 0x80;
	bin[50] ^= 0x80; /* nonce */
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_PASS);
	bin[50] ^= 0x80;
	bin[0] = 'X';
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_MAGIC);
	bin[0] = 'C';
	bin[4] = 2;
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VERSION);
	bin[4] = 1;
	bin[6] = 2; /* KDF algorithm */
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	bin[6] = 1;
	bin[5] = 3; /* unknown kind */
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	bin[5] = 1;
	check_int(open_bin(bin, 114, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_TRUNCATED);
	bin[115] = 0;
	check_int(open_bin(bin, 116, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_TRAILING);
	for (int k = 1; k < 115; k++)
		check(open_bin(bin, (size_t)k, KEYS_KIND_ORG, PASS, &x) != 0);
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, 0);
	keys_secret_destroy(&x);
}

/* Writes a 64-bit big-endian value at p. */
static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

TEST(keyfile_absurd_kdf_params)
{
	uint8_t bin[200];
	int n = tap_unhex(keyfile_hex, bin, sizeof(bin));
	keys_secret_t *o = org_key(), *x = NULL;
	char *t = NULL;
	double t0;

	check_int(n, ==, 115);
	t0 = now();
	put64(bin + 15, 64ull << 30); /* memlimit 64 GiB */
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	put64(bin + 15, (1ull << 30) + 1);
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	put64(bin + 15, UINT64_MAX);
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	put64(bin + 15, 8191);
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	put64(bin + 15, FAST_MEM);
	put64(bin + 7, 1000000); /* opslimit */
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	put64(bin + 7, 17);
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	put64(bin + 7, 0);
	check_int(open_bin(bin, 115, KEYS_KIND_ORG, PASS, &x), ==, CH_ERR_VALUE);
	check(now() - t0 < 1.0);
	check(x == NULL);

	check_int(keys_file_seal(o, PASS, PASSLEN, 17, FAST_MEM, &t), ==,
	    CH_ERR_VALUE);
	check_int(keys_file_seal(o, PASS, PASSLEN, 1, 4096, &t), ==, CH_ERR_VALUE);
	check(t == NULL);
	keys_secret_destroy(&o);
}

/* A fresh private directory for file tests; removed by rmtmp(). */
static char tmpdir[64];

static void
mktmp(void)
{
	if (tap_tmpdir(tmpdir, sizeof(tmpdir), "test-keys") == NULL)
		abort();
}

static void
rmtmp(const char *const *names)
{
	char path[128];

	for (; *names; names++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, *names);
		unlink(path);
	}
	rmdir(tmpdir);
}

TEST(keyfile_write_read)
{
	static const char *const names[] = { "org.key", NULL };
	keys_secret_t *o = org_key(), *x = NULL;
	char path[128];
	struct stat st;
	mode_t old = umask(022);

	mktmp();
	snprintf(path, sizeof(path), "%s/org.key", tmpdir);
	check_int(keys_file_write(path, o, PASS, PASSLEN), ==, 0);
	check_int(stat(path, &st), ==, 0);
	check_int(st.st_mode & 07777, ==, 0600);
	check_int(keys_file_write(path, o, PASS, PASSLEN), ==, CH_ERR_EXISTS);
	check_int(keys_file_read(path, KEYS_KIND_ORG, PASS, PASSLEN, &x), ==, 0);
	if (x != NULL)
		check_mem(x, o, sizeof(*o));
	keys_secret_destroy(&x);
	check_int(keys_file_read(path, KEYS_KIND_ORG, "nope", 4, &x), ==,
	    CH_ERR_PASS);
	check_int(keys_file_read(path, KEYS_KIND_PROVIDER, PASS, PASSLEN, &x), ==,
	    CH_ERR_VALUE);
	snprintf(path, sizeof(path), "%s/no/such/dir", tmpdir);
	check_int(keys_file_write(path, o, PASS, PASSLEN), ==, CH_ERR_IO);
	check_int(keys_file_read(path, KEYS_KIND_ORG, PASS, PASSLEN, &x), ==,
	    CH_ERR_IO);
	check(x == NULL);
	rmtmp(names);
	umask(old);
	keys_secret_destroy(&o);
}

/* ---- org cards ---- */

TEST(card_golden)
{
	keys_secret_t *o = org_key();
	uint8_t *b = NULL, want[512];
	size_t n;
	int wn = tap_unhex(card_hex, want, sizeof(want));
	char fpr[KEYS_FPR_LEN], comment[300], *t = NULL;
	keys_card_t c;

	check_int(keys_card_make(o, "Thuisverpleging Zuid",
	    "tcp://127.0.0.1:7101", 1700000000, &b, &n), ==, 0);
	check_hex(b, n, card_hex);
	keys_fingerprint(o->sign_pk, fpr);
	snprintf(comment, sizeof(comment), "%s - fingerprint %s",
	    "Thuisverpleging Zuid", fpr);
	check_int(keys_armor("ORG CARD", comment, b, n, &t), ==, 0);
	check_str(t, card_armored);
	free(t);
	free(b);

	check_int(keys_card_parse(want, (size_t)wn, &c), ==, 0);
	check_hex(c.org_id, 32, ORG_SIGN_PK);
	check_str(c.name, "Thuisverpleging Zuid");
	check_str(c.endpoint, "tcp://127.0.0.1:7101");
	check_hex(c.box_pk, 32, ORG_BOX_PK);
	check_hex(c.curve_pk, 32, ORG_CURVE_PK);
	check_int(c.issued, ==, 1700000000);
	check_mem(c.sig, want + wn - 64, 64);
	keys_card_clear(&c);
	check(c.name == NULL && c.endpoint == NULL);
	keys_secret_destroy(&o);
}

TEST(card_roundtrip_utf8)
{
	static const char *const names[] = { NAME_NL, NAME_RU, "x", NULL };
	keys_secret_t *o = keys_secret_new(KEYS_KIND_ORG);
	uint8_t *b = NULL, *d = NULL;
	size_t n, dn;
	char *t = NULL;
	keys_card_t c;

	for (const char *const *nm = names; *nm; nm++) {
		check_int(keys_card_make(o, *nm, "tcp://[::1]:7101", 42, &b, &n),
		    ==, 0);
		check_int(keys_armor("ORG CARD", *nm, b, n, &t), ==, 0);
		check_int(keys_dearmor("ORG CARD", t, strlen(t), &d, &dn), ==, 0);
		check_int(dn, ==, n);
		check_int(keys_card_parse(d, dn, &c), ==, 0);
		check_str(c.name, *nm);
		check_str(c.endpoint, "tcp://[::1]:7101");
		check_mem(c.org_id, o->sign_pk, 32);
		check_mem(c.box_pk, o->box_pk, 32);
		check_mem(c.curve_pk, o->curve_pk, 32);
		check_int(c.issued, ==, 42);
		keys_card_clear(&c);
		free(t);
		free(b);
		free(d);
	}
	/* An empty endpoint is allowed (an org reached through others). */
	check_int(keys_card_make(o, "x", "", 0, &b, &n), ==, 0);
	check_int(keys_card_parse(b, n, &c), ==, 0);
	check_str(c.endpoint, "");
	keys_card_clear(&c);
	free(b);
	keys_secret_destroy(&o);
}

TEST(card_tamper)
{
	uint8_t want[512], buf[600];
	int n = tap_unhex(card_hex, want, sizeof(want));
	keys_card_t c;
	int bad = 0;

	check_int(n, ==, 221);
	for (int i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			want[i] ^= (uint8_t)(1u << bit);
			if (keys_card_parse(want, (size_t)n, &c) == 0) {
				printf("# flipped card byte %d accepted\n", i);
				bad++;
				keys_card_clear(&c);
			}
			check(c.name == NULL && c.endpoint == NULL);
			want[i] ^= (uint8_t)(1u << bit);
		}
	}
	check_int(bad, ==, 0);
	for (int k = 0; k < n; k++)
		check(keys_card_parse(want, (size_t)k, &c) != 0);
	memcpy(buf, want, (size_t)n);
	buf[n] = 0;
	check(keys_card_parse(buf, (size_t)n + 1, &c) != 0);
	check(keys_card_parse(want, (size_t)n, &c) == 0);
	keys_card_clear(&c);
	/* Wrong magic, wrong version, bad signature: specific codes. */
	want[0] = 'D';
	check_int(keys_card_parse(want, (size_t)n, &c), ==, CH_ERR_MAGIC);
	want[0] = 'C';
	want[4] = 2;
	check_int(keys_card_parse(want, (size_t)n, &c), ==, CH_ERR_VERSION);
	want[4] = 1;
	want[100] ^= 1;
	check_int(keys_card_parse(want, (size_t)n, &c), ==, CH_ERR_SIG);
}

/* Builds a card body by hand, signed by org, to reach checks that sit
 * behind the signature. */
static size_t
forge_card(const keys_secret_t *o, uint8_t version, const char *name,
    size_t namelen, int extra, uint8_t *out)
{
	cwr_t w;
	uint8_t *p;
	size_t n;

	cwr_init(&w, 2000);
	cwr_put(&w, "CHOC", 4);
	cwr_u8(&w, version);
	cwr_put(&w, o->sign_pk, 32);
	cwr_u32(&w, (uint32_t)namelen);
	cwr_put(&w, name, namelen);
	cwr_text(&w, "tcp://x", 100);
	cwr_put(&w, o->box_pk, 32);
	cwr_put(&w, o->curve_pk, 32);
	cwr_u64(&w, 1);
	if (extra)
		cwr_u8(&w, 0);
	p = cwr_take(&w, &n);
	if (p == NULL)
		abort();
	memcpy(out, p, n);
	free(p);
	crypto_sign_detached(out + n, NULL, out, n, o->sign_sk);
	return n + 64;
}

TEST(card_signed_but_invalid)
{
	keys_secret_t *o = org_key(), *p = prov_key();
	uint8_t buf[2000], *b = NULL;
	char longname[KEYS_NAME_MAX + 2];
	size_t n;
	keys_card_t c;

	n = forge_card(o, 1, "ok", 2, 0, buf);
	check_int(keys_card_parse(buf, n, &c), ==, 0);
	keys_card_clear(&c);
	n = forge_card(o, 1, "", 0, 0, buf);
	check_int(keys_card_parse(buf, n, &c), ==, CH_ERR_VALUE);
	n = forge_card(o, 1, "a\033[2Jb", 6, 0, buf);
	check_int(keys_card_parse(buf, n, &c), ==, CH_ERR_VALUE);
	n = forge_card(o, 1, "\xc3\x28", 2, 0, buf); /* invalid UTF-8 */
	check_int(keys_card_parse(buf, n, &c), ==, CH_ERR_VALUE);
	/* C1 and bidirectional controls turn a name around on a terminal or in
	 * a log: U+009B (CSI), U+202E, U+2066, U+200F, U+061C, U+2028. */
	static const char *const turned[] = { "a\xc2\x9b" "2Jb", "Zuid \xe2\x80\xaetsoO",
		"x\xe2\x81\xa6y", "x\xe2\x80\x8fy", "x\xd8\x9cy", "x\xe2\x80\xa8y" };
	for (size_t i = 0; i < sizeof(turned) / sizeof(turned[0]); i++) {
		n = forge_card(o, 1, turned[i], strlen(turned[i]), 0, buf);
		check_int(keys_card_parse(buf, n, &c), ==, CH_ERR_VALUE);
		check_int(keys_card_make(o, turned[i], "tcp://x", 0, &b, &n), ==, CH_ERR_VALUE);
	}
	/* Text of any script stays: Arabic, accents, a right-to-left name. */
	n = forge_card(o, 1, "\xd9\x85\xd8\xb1\xd9\x83\xd8\xb2 \xc3\xa9", 11, 0, buf);
	check_int(keys_card_parse(buf, n, &c), ==, 0);
	keys_card_clear(&c);
	n = forge_card(o, 1, "ok", 2, 1, buf); /* signed trailing byte */
	check_int(keys_card_parse(buf, n, &c), ==, CH_ERR_TRAILING);
	n = forge_card(o, 2, "ok", 2, 0, buf);
	check_int(keys_card_parse(buf, n, &c), ==, CH_ERR_VERSION);
	memset(longname, 'a', sizeof(longname));
	n = forge_card(o, 1, longname, KEYS_NAME_MAX + 1, 0, buf);
	check_int(keys_card_parse(buf, n, &c), ==, CH_ERR_TOOBIG);
	check(c.name == NULL);

	/* The maker refuses the same things. */
	check_int(keys_card_make(o, "", "tcp://x", 0, &b, &n), ==, CH_ERR_VALUE);
	check_int(keys_card_make(o, "a\nb", "tcp://x", 0, &b, &n), ==,
	    CH_ERR_VALUE);
	check_int(keys_card_make(o, "\xc3\x28", "tcp://x", 0, &b, &n), ==,
	    CH_ERR_VALUE);
	longname[KEYS_NAME_MAX] = '\0';
	check_int(keys_card_make(o, longname, "tcp://x", 0, &b, &n), ==, 0);
	free(b);
	longname[KEYS_NAME_MAX] = 'a';
	longname[KEYS_NAME_MAX + 1] = '\0';
	check_int(keys_card_make(o, longname, "tcp://x", 0, &b, &n), ==,
	    CH_ERR_TOOBIG);
	check_int(keys_card_make(p, "prov", "tcp://x", 0, &b, &n), ==,
	    CH_ERR_VALUE);
	check(b == NULL);
	keys_secret_destroy(&o);
	keys_secret_destroy(&p);
}

/* ---- provider certificates ---- */

TEST(cert_golden)
{
	keys_secret_t *o = org_key(), *p = prov_key();
	uint8_t *b = NULL, want[512];
	int wn = tap_unhex(cert_hex, want, sizeof(want));
	size_t n;
	keys_cert_t c;

	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, "An Peeters",
	    "home-nurse", 1700000000, 1731536000, &b, &n), ==, 0);
	check_hex(b, n, cert_hex);
	free(b);
	check_int(keys_cert_parse(want, (size_t)wn, &c), ==, 0);
	check_hex(c.provider, 32, PROV_SIGN_PK);
	check_hex(c.curve_pk, 32, PROV_CURVE_PK);
	check_hex(c.org_id, 32, ORG_SIGN_PK);
	check_str(c.name, "An Peeters");
	check_str(c.role, "home-nurse");
	check_int(c.valid_from, ==, 1700000000);
	check_int(c.valid_until, ==, 1731536000);
	check_int(keys_cert_check_time(&c, 1699999999), ==, CH_ERR_EXPIRED);
	check_int(keys_cert_check_time(&c, 1700000000), ==, 0);
	check_int(keys_cert_check_time(&c, 1731536000), ==, 0);
	check_int(keys_cert_check_time(&c, 1731536001), ==, CH_ERR_EXPIRED);
	check_int(keys_cert_check_time(&c, 0), ==, CH_ERR_EXPIRED);
	keys_cert_clear(&c);
	check(c.name == NULL && c.role == NULL);
	keys_secret_destroy(&o);
	keys_secret_destroy(&p);
}

TEST(cert_roundtrip_and_forgery)
{
	keys_secret_t *o = org_key(), *p = prov_key(), *evil;
	uint8_t *b = NULL, *f = NULL;
	size_t n, fn;
	keys_cert_t c;
	int bad = 0;

	evil = keys_secret_new(KEYS_KIND_ORG);
	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, NAME_RU, "gp",
	    5, 5, &b, &n), ==, 0);
	check_int(keys_cert_parse(b, n, &c), ==, 0);
	check_str(c.name, NAME_RU);
	check_str(c.role, "gp");
	check_int(keys_cert_check_time(&c, 5), ==, 0);
	check_int(keys_cert_check_time(&c, 6), ==, CH_ERR_EXPIRED);
	keys_cert_clear(&c);

	for (size_t i = 0; i < n; i++) {
		b[i] ^= 0x01;
		if (keys_cert_parse(b, n, &c) == 0) {
			printf("# flipped cert byte %zu accepted\n", i);
			bad++;
			keys_cert_clear(&c);
		}
		b[i] ^= 0x01;
	}
	check_int(bad, ==, 0);
	for (size_t k = 0; k < n; k++)
		check(keys_cert_parse(b, k, &c) != 0);

	/* Another org signs a certificate naming our org as issuer. */
	check_int(keys_cert_make(evil, p->sign_pk, p->curve_pk, "Mallory",
	    "gp", 0, 10, &f, &fn), ==, 0);
	memcpy(f + 5 + 64, o->sign_pk, 32);
	check_int(keys_cert_parse(f, fn, &c), ==, CH_ERR_SIG);
	/* Our signature moved onto a certificate for someone else. */
	memcpy(f + fn - 64, b + n - 64, 64);
	check_int(keys_cert_parse(f, fn, &c), ==, CH_ERR_SIG);
	free(f);

	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, "x", "gp", 6, 5,
	    &f, &fn), ==, CH_ERR_VALUE);
	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, "x", "", 0, 5,
	    &f, &fn), ==, CH_ERR_VALUE);
	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, "x", "Home-Nurse",
	    0, 5, &f, &fn), ==, CH_ERR_VALUE);
	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, "x", "gp nurse",
	    0, 5, &f, &fn), ==, CH_ERR_VALUE);
	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, "", "gp", 0, 5,
	    &f, &fn), ==, CH_ERR_VALUE);
	check_int(keys_cert_make(p, p->sign_pk, p->curve_pk, "x", "gp", 0, 5,
	    &f, &fn), ==, CH_ERR_VALUE);
	check(f == NULL);
	check_int(keys_cert_make(o, p->sign_pk, p->curve_pk, NAME_NL,
	    "social-worker-2", 0, UINT64_MAX, &f, &fn), ==, 0);
	check_int(keys_cert_parse(f, fn, &c), ==, 0);
	check_str(c.name, NAME_NL);
	check_str(c.role, "social-worker-2");
	check_int(keys_cert_check_time(&c, UINT64_MAX), ==, 0);
	keys_cert_clear(&c);
	free(f);
	free(b);
	keys_secret_destroy(&o);
	keys_secret_destroy(&p);
	keys_secret_destroy(&evil);
}

/* ---- provider requests ---- */

TEST(request)
{
	keys_secret_t *o = org_key(), *p = prov_key();
	uint8_t *b = NULL, prov[32], curve[32], buf[200];
	size_t n;
	int bad = 0;

	check_int(keys_request_make(p, &b, &n), ==, 0);
	check_hex(b, n, request_hex);
	check_int(keys_request_parse(b, n, prov, curve), ==, 0);
	check_mem(prov, p->sign_pk, 32);
	check_mem(curve, p->curve_pk, 32);
	for (size_t i = 0; i < n; i++) {
		b[i] ^= 0x20;
		if (keys_request_parse(b, n, prov, curve) == 0) {
			printf("# flipped request byte %zu accepted\n", i);
			bad++;
		}
		b[i] ^= 0x20;
	}
	check_int(bad, ==, 0);
	for (size_t k = 0; k < n; k++)
		check(keys_request_parse(b, k, prov, curve) != 0);
	memcpy(buf, b, n);
	buf[n] = 0;
	check(keys_request_parse(buf, n + 1, prov, curve) != 0);
	/* Someone else's curve key under the provider's id. */
	memcpy(b + 5 + 32, o->curve_pk, 32);
	check_int(keys_request_parse(b, n, prov, curve), ==, CH_ERR_SIG);
	free(b);
	b = NULL;
	check_int(keys_request_make(o, &b, &n), ==, CH_ERR_VALUE);
	check(b == NULL);
	keys_secret_destroy(&o);
	keys_secret_destroy(&p);
}

/* ---- armor ---- */

TEST(armor)
{
	uint8_t data[200], *d = NULL;
	size_t dn;
	char *t = NULL, crlf[2000], *q;
	const char *s;

	for (int i = 0; i < 200; i++)
		data[i] = (uint8_t)(i * 7);
	check_int(keys_armor("ORG CARD", "two\nlines\r", data, sizeof(data), &t),
	    ==, 0);
	check(strncmp(t, "# two lines \n-----BEGIN CAHIER ORG CARD-----\n", 45)
	    == 0);
	/* Lines of 64 base64 characters, the last one shorter. */
	s = strstr(t, "-----\n") + 6;
	check(strchr(s, '\n') - s == 64);
	check_int(strlen(t), ==, 13 + 32 + 4 * 65 + 12 + 1 + 30);
	check_int(keys_dearmor("ORG CARD", t, strlen(t), &d, &dn), ==, 0);
	check_int(dn, ==, sizeof(data));
	check_mem(d, data, sizeof(data));
	free(d);
	check_int(keys_dearmor("SECRET KEY", t, strlen(t), &d, &dn), ==,
	    CH_ERR_MAGIC);
	check(d == NULL);

	/* CRLF, extra comments and blank lines before BEGIN, no final newline. */
	q = crlf;
	q += sprintf(q, "\r\n# a\r\n#b\r\n\r\nsome mail text\r\n");
	for (s = t; *s; s++) {
		if (*s == '\n')
			*q++ = '\r';
		*q++ = *s;
	}
	q[-2] = '\0';
	check_int(keys_dearmor("ORG CARD", crlf, strlen(crlf), &d, &dn), ==, 0);
	check_int(dn, ==, sizeof(data));
	if (d != NULL)
		check_mem(d, data, sizeof(data));
	free(d);
	free(t);

	/* No comment; text is not NUL-terminated where the length says. */
	check_int(keys_armor("PROVIDER REQUEST", NULL, data, 3, &t), ==, 0);
	check_str(t, "-----BEGIN CAHIER PROVIDER REQUEST-----\nAAcO\n"
	    "-----END CAHIER PROVIDER REQUEST-----\n");
	check_int(keys_dearmor("PROVIDER REQUEST", t, strlen(t) - 2, &d, &dn),
	    ==, CH_ERR_ENCODING);
	free(t);

	check_int(keys_dearmor("ORG CARD", "", 0, &d, &dn), ==, CH_ERR_ENCODING);
	s = "-----BEGIN CAHIER ORG CARD-----\nAAcO\n";
	check_int(keys_dearmor("ORG CARD", s, strlen(s), &d, &dn), ==,
	    CH_ERR_ENCODING);
	s = "-----BEGIN CAHIER ORG CARD-----\nAA*O\n-----END CAHIER ORG CARD-----\n";
	check_int(keys_dearmor("ORG CARD", s, strlen(s), &d, &dn), ==,
	    CH_ERR_ENCODING);
	s = "-----BEGIN CAHIER ORG CARD-----\nAAc\n-----END CAHIER ORG CARD-----\n";
	check_int(keys_dearmor("ORG CARD", s, strlen(s), &d, &dn), ==,
	    CH_ERR_ENCODING);
	s = "-----BEGIN CAHIER ORG CARD-----\n\n-----END CAHIER ORG CARD-----\n";
	check_int(keys_dearmor("ORG CARD", s, strlen(s), &d, &dn), ==,
	    CH_ERR_ENCODING);
	s = "-----BEGIN CAHIER ORG CARD-----\nAAcO\n-----END CAHIER SECRET KEY-----\n";
	check_int(keys_dearmor("ORG CARD", s, strlen(s), &d, &dn), ==,
	    CH_ERR_ENCODING);
	s = "-----BEGIN CAHIER PROVIDER CERT-----\nAAcO\n"
	    "-----END CAHIER PROVIDER CERT-----\n";
	check_int(keys_dearmor("ORG CARD", s, strlen(s), &d, &dn), ==,
	    CH_ERR_MAGIC);
	check_int(keys_dearmor("PROVIDER CERT", s, strlen(s), &d, &dn), ==, 0);
	check_int(dn, ==, 3);
	free(d);
	check_int(keys_armor("lower", NULL, data, 3, &t), ==, CH_ERR_VALUE);
	check_int(keys_armor("ORG CARD", NULL, data, 0, &t), ==, CH_ERR_VALUE);
	check(t == NULL);

	/* Over 1 MiB of text is refused without being read. */
	q = malloc((1u << 20) + 2);
	check(q != NULL);
	if (q != NULL) {
		memset(q, '#', (1u << 20) + 1);
		check_int(keys_dearmor("ORG CARD", q, (1u << 20) + 1, &d, &dn), ==,
		    CH_ERR_TOOBIG);
		free(q);
	}
}

/* ---- fingerprints ---- */

TEST(fingerprint)
{
	uint8_t id[32];
	char fpr[KEYS_FPR_LEN], kid[17];

	tap_unhex(ORG_SIGN_PK, id, sizeof(id));
	memset(fpr, 'x', sizeof(fpr));
	keys_fingerprint(id, fpr);
	check_str(fpr, ORG_FPR);
	keys_keyid(id, kid);
	check_str(kid, ORG_KEYID);
	for (int r = 0; r < 50; r++) {
		randombytes_buf(id, sizeof(id));
		keys_fingerprint(id, fpr);
		check_int(strlen(fpr), ==, 35);
		for (int i = 0; i < 35; i++) {
			if (i % 6 == 5)
				check(fpr[i] == ' ');
			else
				check(fpr[i] >= '0' && fpr[i] <= '9');
		}
	}
	memset(id, 0, sizeof(id));
	keys_keyid(id, kid);
	check_str(kid, "0000000000000000");
	memset(id, 0xab, sizeof(id));
	keys_keyid(id, kid);
	check_str(kid, "abababababababab");
}

/* ---- passphrases and files ---- */

static int
pipe_with(const char *s, size_t n)
{
	int fds[2];

	if (pipe(fds) != 0 || write(fds[1], s, n) != (ssize_t)n)
		abort();
	close(fds[1]);
	return fds[0];
}

TEST(recovery_key)
{
	uint8_t seed[KEYS_SEED_LEN], back[KEYS_SEED_LEN];
	char t[KEYS_RECOVERY_TEXT], u[KEYS_RECOVERY_TEXT];
	int g;
	for (int i = 0; i < KEYS_SEED_LEN; i++)
		seed[i] = (uint8_t)i;
	keys_recovery_encode(seed, t);
	/* the golden text (KEYS-FORMAT.md, "Recovery key") */
	check_str(t, RECOVERY_GOLDEN);
	check_int(strlen(t), ==, KEYS_RECOVERY_TEXT - 1);
	check_int(keys_recovery_decode(t, back, &g), ==, 0);
	check_mem(back, seed, KEYS_SEED_LEN);
	/* typed back with other spacing, dashes and a CRLF */
	char loose[300];
	size_t k = 0;
	for (size_t i = 0; t[i]; i++) {
		if (t[i] == ' ')
			loose[k++] = '-';
		else if (t[i] == '\n') {
			loose[k++] = '\r';
			loose[k++] = '\n';
		} else
			loose[k++] = t[i];
	}
	loose[k] = '\0';
	memset(back, 0, sizeof(back));
	check_int(keys_recovery_decode(loose, back, &g), ==, 0);
	check_mem(back, seed, KEYS_SEED_LEN);
	/* every single wrong digit is found, in its group */
	for (size_t i = 0; t[i]; i++) {
		if (t[i] < '0' || t[i] > '9')
			continue;
		for (char d = '0'; d <= '9'; d++) {
			if (d == t[i])
				continue;
			memcpy(u, t, sizeof(u));
			u[i] = d;
			int want = (int)(i / 7) + 1;
			int rc = keys_recovery_decode(u, back, &g);
			if (rc != KEYS_RECOVERY_GROUP || g != want) {
				check_int(rc, ==, KEYS_RECOVERY_GROUP);
				check_int(g, ==, want);
			}
		}
	}
	/* every swap of two neighbouring digits that differ, too */
	for (size_t i = 0; t[i + 1]; i++) {
		if (t[i] < '0' || t[i] > '9' || t[i + 1] < '0' || t[i + 1] > '9' || t[i] == t[i + 1])
			continue;
		memcpy(u, t, sizeof(u));
		u[i] = t[i + 1];
		u[i + 1] = t[i];
		check_int(keys_recovery_decode(u, back, &g), ==, KEYS_RECOVERY_GROUP);
	}
	/* two groups typed in each other's place */
	memcpy(u, t, sizeof(u));
	memcpy(u, t + 7, 6);
	memcpy(u + 7, t, 6);
	check_int(keys_recovery_decode(u, back, &g), ==, KEYS_RECOVERY_GROUP);
	/* a group of another seed, with its right check digit: the checksum */
	uint8_t other[KEYS_SEED_LEN];
	char o[KEYS_RECOVERY_TEXT];
	memcpy(other, seed, sizeof(other));
	other[4] ^= 0x40;
	keys_recovery_encode(other, o);
	memcpy(u, t, sizeof(u));
	memcpy(u + 14, o + 14, 6);    /* group 3 holds seed bytes 4 and 5 */
	check_int(keys_recovery_decode(u, back, &g), ==, KEYS_RECOVERY_SUM);
	/* length and characters */
	check_int(keys_recovery_decode("123456", back, &g), ==, KEYS_RECOVERY_LENGTH);
	memcpy(u, t, sizeof(u));
	u[3] = 'O';
	check_int(keys_recovery_decode(u, back, &g), ==, KEYS_RECOVERY_CHAR);
	char longer[KEYS_RECOVERY_TEXT + 8];
	snprintf(longer, sizeof(longer), "%s 1", t);
	check_int(keys_recovery_decode(longer, back, &g), ==, KEYS_RECOVERY_LENGTH);
	check_int(keys_recovery_decode("", back, &g), ==, KEYS_RECOVERY_LENGTH);
	/* 65536 and more in five digits is no 16-bit value */
	memcpy(u, t, sizeof(u));
	memcpy(u, "99999", 5);
	check_int(keys_recovery_decode(u, back, &g), ==, KEYS_RECOVERY_GROUP);
	check_int(g, ==, 1);
}

TEST(pass_strength)
{
	/* zxcvbn's estimate: the tests' own passphrases pass, common ones do not */
	check(keys_pass_bits("org passphrase for tests", NULL) >= KEYS_PASS_MIN_BITS);
	check(keys_pass_bits("correct horse battery staple", NULL) >= KEYS_PASS_MIN_BITS);
	check(keys_pass_bits("ab", NULL) < KEYS_PASS_MIN_BITS);
	check(keys_pass_bits("password123", NULL) < KEYS_PASS_MIN_BITS);
	check(keys_pass_bits("Welkom2026!", NULL) < KEYS_PASS_MIN_BITS);
	check(keys_pass_bits("azertyuiop", NULL) < KEYS_PASS_MIN_BITS);
	/* the organization's own name is guessed first */
	const char *words[] = { "Thuisverpleging", "Elsene", NULL };
	check(keys_pass_bits("ThuisverplegingElsene", words) <
	    keys_pass_bits("ThuisverplegingElsene", NULL));
}

TEST(pass_fd)
{
	char *pw = NULL, rest[16];
	size_t n;
	int fd;

	fd = pipe_with("hunter2\nnext line\n", 18);
	check_int(keys_pass_read("unused", NULL, fd, 1, &pw, &n), ==, 0);
	check_str(pw, "hunter2");
	check_int(n, ==, 7);
	keys_pass_free(&pw);
	check(pw == NULL);
	keys_pass_free(&pw);
	/* Nothing past the newline was consumed. */
	check_int(read(fd, rest, sizeof(rest)), ==, 10);
	check(memcmp(rest, "next line\n", 10) == 0);
	close(fd);

	fd = pipe_with("p\xc3\xa4ss w\xc3\xb6rd\r\n", 13);
	check_int(keys_pass_read(NULL, NULL, fd, 0, &pw, &n), ==, 0);
	check_str(pw, "p\xc3\xa4ss w\xc3\xb6rd");
	check_int(n, ==, 11);
	keys_pass_free(&pw);
	close(fd);

	fd = pipe_with("no newline", 10);
	check_int(keys_pass_read(NULL, NULL, fd, 0, &pw, &n), ==, 0);
	check_str(pw, "no newline");
	keys_pass_free(&pw);
	close(fd);

	fd = pipe_with("\nsecret\n", 8);
	check_int(keys_pass_read(NULL, NULL, fd, 0, &pw, &n), ==, CH_ERR_VALUE);
	check(pw == NULL);
	close(fd);
	fd = pipe_with("\r\n", 2);
	check_int(keys_pass_read(NULL, NULL, fd, 0, &pw, &n), ==, CH_ERR_VALUE);
	close(fd);
	fd = pipe_with("", 0);
	check_int(keys_pass_read(NULL, NULL, fd, 0, &pw, &n), ==, CH_ERR_VALUE);
	close(fd);

	{
		char big[1100];
		memset(big, 'a', sizeof(big));
		fd = pipe_with(big, 1023);
		check_int(keys_pass_read(NULL, NULL, fd, 0, &pw, &n), ==, 0);
		check_int(n, ==, 1023);
		keys_pass_free(&pw);
		close(fd);
		fd = pipe_with(big, 1024);
		check_int(keys_pass_read(NULL, NULL, fd, 0, &pw, &n), ==,
		    CH_ERR_TOOBIG);
		check(pw == NULL);
		close(fd);
	}
}

TEST(pass_file_and_slurp)
{
	static const char *const names[] = { "pass", "big", "new", NULL };
	char path[128], *pw = NULL, *text = NULL, *big;
	size_t n;
	struct stat st;

	mktmp();
	snprintf(path, sizeof(path), "%s/pass", tmpdir);
	check_int(keys_write_new(path, "s3cret\r\nsecond\n", 15, 0600), ==, 0);
	check_int(keys_write_new(path, "x", 1, 0600), ==, CH_ERR_EXISTS);
	check_int(keys_pass_read(NULL, path, -1, 1, &pw, &n), ==, 0);
	check_str(pw, "s3cret");
	check_int(n, ==, 6);
	keys_pass_free(&pw);
	check_int(keys_slurp(path, &text, &n), ==, 0);
	check_int(n, ==, 15);
	check_str(text, "s3cret\r\nsecond\n");
	free(text);
	/* a passphrase file others may read is refused, naming the chmod */
	char why[600], want[600];
	for (int i = 0; i < 3; i++) {
		static const mode_t modes[] = { 0640, 0604, 0660 };
		check_int(chmod(path, modes[i]), ==, 0);
		check_int(keys_pass_read(NULL, path, -1, 0, &pw, &n), ==, CH_ERR_MODE);
		check(pw == NULL);
	}
	snprintf(want, sizeof(want), "%s may be read by others than its owner: chmod go-rwx %s",
	    path, path);
	check_str(keys_pass_why(CH_ERR_MODE, path, why, sizeof(why)), want);
	check_int(chmod(path, 0400), ==, 0);
	check_int(keys_pass_read(NULL, path, -1, 0, &pw, &n), ==, 0);
	keys_pass_free(&pw);
	check_int(chmod(path, 0600), ==, 0);

	snprintf(path, sizeof(path), "%s/new", tmpdir);
	check_int(keys_write_new(path, "", 0, 0640), ==, 0);
	check_int(stat(path, &st), ==, 0);
	check_int(st.st_mode & 0777, ==, 0640);
	check_int(keys_slurp(path, &text, &n), ==, 0);
	check_int(n, ==, 0);
	check_str(text, "");
	free(text);

	snprintf(path, sizeof(path), "%s/big", tmpdir);
	big = calloc(1, (1u << 20) + 1);
	check(big != NULL);
	if (big != NULL) {
		memset(big, 'a', 1u << 20);
		check_int(keys_write_new(path, big, 1u << 20, 0600), ==, 0);
		check_int(keys_slurp(path, &text, &n), ==, 0);
		check_int(n, ==, 1u << 20);
		free(text);
		unlink(path);
		check_int(keys_write_new(path, big, (1u << 20) + 1, 0600), ==, 0);
		check_int(keys_slurp(path, &text, &n), ==, CH_ERR_TOOBIG);
		check(text == NULL);
		free(big);
	}

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	check_int(keys_pass_read(NULL, path, -1, 0, &pw, &n), ==, CH_ERR_IO);
	check_int(keys_slurp(path, &text, &n), ==, CH_ERR_IO);
	check(pw == NULL && text == NULL);
	rmtmp(names);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 2;
	seeds();
	umask(022);
	TAP_RUN(derive_golden);
	TAP_RUN(secret_new_random);
	TAP_RUN(keyfile_roundtrip);
	TAP_RUN(keyfile_golden);
	TAP_RUN(keyfile_tamper_every_byte);
	TAP_RUN(keyfile_absurd_kdf_params);
	TAP_RUN(keyfile_write_read);
	TAP_RUN(card_golden);
	TAP_RUN(card_roundtrip_utf8);
	TAP_RUN(card_tamper);
	TAP_RUN(card_signed_but_invalid);
	TAP_RUN(cert_golden);
	TAP_RUN(cert_roundtrip_and_forgery);
	TAP_RUN(request);
	TAP_RUN(armor);
	TAP_RUN(fingerprint);
	TAP_RUN(recovery_key);
	TAP_RUN(pass_strength);
	TAP_RUN(pass_fd);
	TAP_RUN(pass_file_and_slurp);
	return TAP_DONE();
}
