/* test_charter.c - proto/charter.h: golden vectors (also in proto/PROTOCOL.md,
 * "Membership and the key schedule"), round trips, truncation, trailing
 * bytes, the decoder's consistency checks, lying counts, the default
 * audience map. Run with --print-vectors to print the vectors. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "../proto/cbuf.h"
#include "../proto/charter.h"

static char *
hex(const uint8_t *p, size_t n)
{
	static char buf[8192];
	if (2 * n + 1 > sizeof(buf))
		abort();
	sodium_bin2hex(buf, sizeof(buf), p, n);
	return buf;
}

static char *
xstrdup(const char *s)
{
	char *t = strdup(s);
	if (!t)
		abort();
	return t;
}

static void
ok(int rc)
{
	if (rc != 0) {
		printf("# unexpected error %d\n", rc);
		abort();
	}
}

/* Fixed fake cards: the codec does not verify them. */
static const uint8_t card_a[] = "CHOC card of Thuiszorg West";
static const uint8_t card_b[] = "CHOC card of Huisartsenpraktijk Oost";
static const uint8_t req_add[] = "CHBD add-org request";
static const uint8_t req_history[] = "CHBD history request";

#define ORG_A 0xa1  /* coordinator, home-nursing */
#define ORG_B 0xb2  /* gp */
#define ORG_C 0xc3  /* removed */

/* The golden charter: 2 orgs, 2 people, 1 removed org, default audiences. */
static void
golden_charter(ch_charter_t *c)
{
	memset(c, 0, sizeof(*c));
	c->name = xstrdup("Mw. Zo\xc3\xab Jansen");
	memset(c->coordinator, ORG_A, 32);
	c->rotate_days = 90;
	c->rotate_entries = 0;
	ok(ch_charter_default_audiences(c));
	c->norgs = 2;
	c->orgs = calloc(2, sizeof(*c->orgs));
	if (!c->orgs)
		abort();
	memset(c->orgs[0].org, ORG_A, 32);
	c->orgs[0].card = card_a;
	c->orgs[0].cardlen = sizeof(card_a) - 1;
	c->orgs[0].role = xstrdup("home-nursing");
	memset(c->orgs[1].org, ORG_B, 32);
	c->orgs[1].card = card_b;
	c->orgs[1].cardlen = sizeof(card_b) - 1;
	c->orgs[1].role = xstrdup("gp");
	c->npeople = 2;
	c->people = calloc(2, sizeof(*c->people));
	if (!c->people)
		abort();
	c->people[0].role = xstrdup("informal-carer");
	c->people[0].name = xstrdup("Maria Peeters");
	memset(c->people[0].provider, 0xd4, 32);
	c->people[0].basis = xstrdup("own-choice");
	c->people[0].valid_until = 0;
	c->people[1].role = xstrdup("representative");
	c->people[1].name = xstrdup("Fatima El Amrani");
	c->people[1].basis = xstrdup("written-mandate");
	c->people[1].valid_until = UINT64_C(1830297600);
	c->nremoved = 1;
	c->removed = calloc(1, sizeof(*c->removed));
	if (!c->removed)
		abort();
	memset(c->removed[0].org, ORG_C, 32);
	c->removed[0].last_seq = 17;
	memset(c->removed[0].last_id, 0xe7, 32);
}

static void
make_charter(uint8_t **out, size_t *n)
{
	ch_charter_t c;
	golden_charter(&c);
	ok(ch_charter_encode(&c, out, n));
	ch_charter_clear(&c);
}

/* Epoch 1 of the golden case: org B was added. */
static void
golden_epoch(ch_epoch_t *e)
{
	memset(e, 0, sizeof(*e));
	e->why = CH_WHY_ADD;
	memset(e->subject, ORG_B, 32);
	e->request = req_add;
	e->requestlen = sizeof(req_add) - 1;
	golden_charter(&e->charter);
}

static void
make_epoch(uint8_t **out, size_t *n)
{
	ch_epoch_t e;
	golden_epoch(&e);
	ok(ch_epoch_encode(&e, out, n));
	ch_epoch_clear(&e);
}

static void
make_history(uint8_t **out, size_t *n)
{
	ch_history_t h;
	memset(h.grantee, ORG_B, 32);
	h.request = req_history;
	h.requestlen = sizeof(req_history) - 1;
	ok(ch_history_encode(&h, out, n));
}

static void
make_revoke(uint8_t **out, size_t *n)
{
	ch_revoke_t r;
	memset(r.provider, 0xe5, 32);
	r.revoked_at = UINT64_C(1700000000);
	ok(ch_revoke_encode(&r, out, n));
}

static void
make_orgref(uint8_t **out, size_t *n)
{
	uint8_t org[32];
	memset(org, ORG_B, 32);
	ok(ch_orgref_encode(org, out, n));
}

static void
make_personreq(uint8_t **out, size_t *n)
{
	ch_personreq_t q;
	memset(&q, 0, sizeof(q));
	q.op = CH_PERSON_SET;
	q.person.role = xstrdup("representative");
	q.person.name = xstrdup("Fatima El Amrani");
	q.person.basis = xstrdup("written-mandate");
	q.person.valid_until = UINT64_C(1830297600);
	ok(ch_personreq_encode(&q, out, n));
	ch_personreq_clear(&q);
}

#define KAT_CHARTER \
	"0000000f4d772e205a6fc3ab204a616e73656ea1a1a1a1a1a1a1a1a1a1a1a1a1" \
	"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a10000005a000000000200110000" \
	"000267700000000970687973696369616e0000000a686f6d652d6e7572736500" \
	"0000056e757273650000000c686f6d652d6e757273696e670000001570737963" \
	"686961747269632d686f6d652d63617265000000117073796368696174726963" \
	"2d6e757273650000000c70737963686f6c6f676973740000000a706861726d61" \
	"636973740000000d736f6369616c2d776f726b65720000000e736f6369616c2d" \
	"7365727669636500000017686f73706974616c2d736f6369616c2d7365727669" \
	"636500000009686f6d652d68656c700000000b66616d696c792d68656c700000" \
	"000b636f6f7264696e61746f720000000c636f6f7264696e6174696f6e000000" \
	"0c636173652d6d616e6167657203000900000002677000000009706879736963" \
	"69616e0000000a686f6d652d6e75727365000000056e757273650000000c686f" \
	"6d652d6e757273696e670000001570737963686961747269632d686f6d652d63" \
	"6172650000001170737963686961747269632d6e757273650000000c70737963" \
	"686f6c6f676973740000000a706861726d61636973740400080000000d736f63" \
	"69616c2d776f726b65720000000e736f6369616c2d7365727669636500000017" \
	"686f73706974616c2d736f6369616c2d7365727669636500000009686f6d652d" \
	"68656c700000000b66616d696c792d68656c700000000b636f6f7264696e6174" \
	"6f720000000c636f6f7264696e6174696f6e0000000c636173652d6d616e6167" \
	"65720500030000000b636f6f7264696e61746f720000000c636f6f7264696e61" \
	"74696f6e0000000c636173652d6d616e616765720002a1a1a1a1a1a1a1a1a1a1" \
	"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a10000001b43484f432063" \
	"617264206f662054687569737a6f726720576573740000000c686f6d652d6e75" \
	"7273696e67b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2" \
	"b2b2b2b2b20000002443484f432063617264206f66204875697361727473656e" \
	"7072616b74696a6b204f6f737400000002677000020000000e696e666f726d61" \
	"6c2d63617265720000000d4d617269612050656574657273d4d4d4d4d4d4d4d4" \
	"d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d40000000a6f776e2d" \
	"63686f69636500000000000000000000000e726570726573656e746174697665" \
	"00000010466174696d6120456c20416d72616e69000000000000000000000000" \
	"00000000000000000000000000000000000000000000000f7772697474656e2d" \
	"6d616e64617465000000006d1820000001c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3" \
	"c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c30000000000000011" \
	"e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7"
#define KAT_EPOCH \
	"01b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2" \
	"b2000000000000000000000000000000000000001443484244206164642d6f72" \
	"6720726571756573740000000f4d772e205a6fc3ab204a616e73656ea1a1a1a1" \
	"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a10000005a" \
	"000000000200110000000267700000000970687973696369616e0000000a686f" \
	"6d652d6e75727365000000056e757273650000000c686f6d652d6e757273696e" \
	"670000001570737963686961747269632d686f6d652d63617265000000117073" \
	"7963686961747269632d6e757273650000000c70737963686f6c6f6769737400" \
	"00000a706861726d61636973740000000d736f6369616c2d776f726b65720000" \
	"000e736f6369616c2d7365727669636500000017686f73706974616c2d736f63" \
	"69616c2d7365727669636500000009686f6d652d68656c700000000b66616d69" \
	"6c792d68656c700000000b636f6f7264696e61746f720000000c636f6f726469" \
	"6e6174696f6e0000000c636173652d6d616e6167657203000900000002677000" \
	"00000970687973696369616e0000000a686f6d652d6e75727365000000056e75" \
	"7273650000000c686f6d652d6e757273696e6700000015707379636869617472" \
	"69632d686f6d652d636172650000001170737963686961747269632d6e757273" \
	"650000000c70737963686f6c6f676973740000000a706861726d616369737404" \
	"00080000000d736f6369616c2d776f726b65720000000e736f6369616c2d7365" \
	"727669636500000017686f73706974616c2d736f6369616c2d73657276696365" \
	"00000009686f6d652d68656c700000000b66616d696c792d68656c700000000b" \
	"636f6f7264696e61746f720000000c636f6f7264696e6174696f6e0000000c63" \
	"6173652d6d616e616765720500030000000b636f6f7264696e61746f72000000" \
	"0c636f6f7264696e6174696f6e0000000c636173652d6d616e616765720002a1" \
	"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a100" \
	"00001b43484f432063617264206f662054687569737a6f726720576573740000" \
	"000c686f6d652d6e757273696e67b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2" \
	"b2b2b2b2b2b2b2b2b2b2b2b2b2b20000002443484f432063617264206f662048" \
	"75697361727473656e7072616b74696a6b204f6f737400000002677000020000" \
	"000e696e666f726d616c2d63617265720000000d4d6172696120506565746572" \
	"73d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4" \
	"d40000000a6f776e2d63686f69636500000000000000000000000e7265707265" \
	"73656e74617469766500000010466174696d6120456c20416d72616e69000000" \
	"0000000000000000000000000000000000000000000000000000000000000000" \
	"0f7772697474656e2d6d616e64617465000000006d1820000001c3c3c3c3c3c3" \
	"c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3000000000000" \
	"0011e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7"
#define KAT_HISTORY \
	"b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2" \
	"000000144348424420686973746f72792072657175657374"
#define KAT_REVOKE \
	"e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5" \
	"000000006553f100"
#define KAT_ORGREF "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define KAT_PERSONREQ \
	"010000000e726570726573656e74617469766500000010466174696d6120456c" \
	"20416d72616e6900000000000000000000000000000000000000000000000000" \
	"000000000000000000000f7772697474656e2d6d616e64617465000000006d18" \
	"2000"

typedef void (*make_fn)(uint8_t **, size_t *);

static const struct {
	const char *name;
	make_fn make;
	const char *kat;
} vectors[] = {
	{ "charter", make_charter, KAT_CHARTER },
	{ "epoch (why 1, add)", make_epoch, KAT_EPOCH },
	{ "history", make_history, KAT_HISTORY },
	{ "revoke", make_revoke, KAT_REVOKE },
	{ "orgref", make_orgref, KAT_ORGREF },
	{ "person request (set)", make_personreq, KAT_PERSONREQ },
};
#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

TEST(golden_vectors)
{
	for (size_t i = 0; i < NVECTORS; i++) {
		uint8_t *b;
		size_t n;
		vectors[i].make(&b, &n);
		check_str(hex(b, n), vectors[i].kat);
		free(b);
	}
}

/* Decoders with the same shape, so framing() can run them all. */
typedef int (*dec_fn)(const uint8_t *, size_t);

static int
dec_charter(const uint8_t *p, size_t n)
{
	ch_charter_t c;
	int rc = ch_charter_decode(p, n, &c);
	ch_charter_clear(&c);
	return rc;
}

static int
dec_epoch(const uint8_t *p, size_t n)
{
	ch_epoch_t e;
	int rc = ch_epoch_decode(p, n, &e);
	ch_epoch_clear(&e);
	return rc;
}

static int dec_history(const uint8_t *p, size_t n) { ch_history_t h; return ch_history_decode(p, n, &h); }
static int dec_revoke(const uint8_t *p, size_t n) { ch_revoke_t r; return ch_revoke_decode(p, n, &r); }
static int dec_orgref(const uint8_t *p, size_t n) { uint8_t o[32]; return ch_orgref_decode(p, n, o); }

static int
dec_personreq(const uint8_t *p, size_t n)
{
	ch_personreq_t q;
	int rc = ch_personreq_decode(p, n, &q);
	ch_personreq_clear(&q);
	return rc;
}

static const dec_fn decoders[] = {
	dec_charter, dec_epoch, dec_history, dec_revoke, dec_orgref, dec_personreq,
};

/* Every proper prefix fails, the whole decodes, one more byte is trailing. */
TEST(framing_of_every_body)
{
	for (size_t v = 0; v < NVECTORS; v++) {
		uint8_t *b, *c;
		size_t n;
		vectors[v].make(&b, &n);
		check_int(decoders[v](b, n), ==, 0);
		for (size_t i = 0; i < n; i++) {
			c = malloc(i ? i : 1);
			memcpy(c, b, i);
			int rc = decoders[v](c, i);
			if (rc == 0)
				printf("# %s: prefix of %zu bytes decodes\n",
				    vectors[v].name, i);
			check(rc != 0);
			free(c);
		}
		c = malloc(n + 1);
		memcpy(c, b, n);
		c[n] = 0;
		check_int(decoders[v](c, n + 1), ==, CH_ERR_TRAILING);
		free(c);
		free(b);
	}
}

static void
check_golden_charter(const ch_charter_t *c, const uint8_t *in, size_t inlen)
{
	uint8_t a[32], b[32], x[32];
	memset(a, ORG_A, 32);
	memset(b, ORG_B, 32);
	memset(x, ORG_C, 32);

	check_str(c->name, "Mw. Zo\xc3\xab Jansen");
	check_mem(c->coordinator, a, 32);
	check_int(c->rotate_days, ==, 90);
	check_int(c->rotate_entries, ==, 0);
	check_int(c->aud[0].nroles, ==, 17);
	check_int(c->norgs, ==, 2);
	check_int(c->orgs[1].cardlen, ==, sizeof(card_b) - 1);
	check_mem(c->orgs[1].card, card_b, sizeof(card_b) - 1);
	/* cards borrow from the input */
	check(c->orgs[0].card >= in && c->orgs[0].card < in + inlen);
	check_str(c->orgs[0].role, "home-nursing");
	check_str(c->orgs[1].role, "gp");
	check_int(ch_charter_find_org(c, a), ==, 0);
	check_int(ch_charter_find_org(c, b), ==, 1);
	check_int(ch_charter_find_org(c, x), ==, -1);
	check_int(c->npeople, ==, 2);
	check_str(c->people[0].name, "Maria Peeters");
	check_str(c->people[0].basis, "own-choice");
	check_str(c->people[1].name, "Fatima El Amrani");
	check_str(c->people[1].role, "representative");
	check(sodium_is_zero(c->people[1].provider, 32));
	check_int(c->people[1].valid_until, ==, 1830297600);
	check_int(c->nremoved, ==, 1);
	check_mem(c->removed[0].org, x, 32);
	check_int(c->removed[0].last_seq, ==, 17);
	uint8_t lid[32];
	memset(lid, 0xe7, sizeof(lid));
	check_mem(c->removed[0].last_id, lid, 32);
}

TEST(roundtrip_values)
{
	uint8_t *b, *b2;
	size_t n, n2;
	ch_charter_t c;
	ch_epoch_t e;
	ch_history_t h;
	ch_revoke_t r;
	ch_personreq_t q;
	uint8_t org[32], want[32];

	make_charter(&b, &n);
	check_int(ch_charter_decode(b, n, &c), ==, 0);
	check_golden_charter(&c, b, n);
	check_int(ch_charter_encode(&c, &b2, &n2), ==, 0);
	check(n2 == n && memcmp(b, b2, n) == 0);
	free(b2);
	ch_charter_clear(&c);
	check(c.name == NULL && c.orgs == NULL && c.norgs == 0);
	free(b);

	make_epoch(&b, &n);
	check_int(ch_epoch_decode(b, n, &e), ==, 0);
	check_int(e.why, ==, CH_WHY_ADD);
	memset(want, ORG_B, 32);
	check_mem(e.subject, want, 32);
	check(sodium_is_zero(e.salt, 16));
	check_int(e.requestlen, ==, sizeof(req_add) - 1);
	check_mem(e.request, req_add, sizeof(req_add) - 1);
	check_golden_charter(&e.charter, b, n);
	check_int(ch_epoch_encode(&e, &b2, &n2), ==, 0);
	check(n2 == n && memcmp(b, b2, n) == 0);
	free(b2);
	ch_epoch_clear(&e);
	free(b);

	make_history(&b, &n);
	check_int(ch_history_decode(b, n, &h), ==, 0);
	check_mem(h.grantee, want, 32);
	check_int(h.requestlen, ==, sizeof(req_history) - 1);
	check_mem(h.request, req_history, sizeof(req_history) - 1);
	free(b);

	make_revoke(&b, &n);
	check_int(ch_revoke_decode(b, n, &r), ==, 0);
	check_int(r.revoked_at, ==, 1700000000);
	check_int(r.provider[31], ==, 0xe5);
	free(b);

	make_orgref(&b, &n);
	check_int(n, ==, 32);
	check_int(ch_orgref_decode(b, n, org), ==, 0);
	check_mem(org, want, 32);
	free(b);

	make_personreq(&b, &n);
	check_int(ch_personreq_decode(b, n, &q), ==, 0);
	check_int(q.op, ==, CH_PERSON_SET);
	check_str(q.person.role, "representative");
	check_str(q.person.name, "Fatima El Amrani");
	check_str(q.person.basis, "written-mandate");
	check_int(q.person.valid_until, ==, 1830297600);
	check_int(ch_personreq_encode(&q, &b2, &n2), ==, 0);
	check(n2 == n && memcmp(b, b2, n) == 0);
	free(b2);
	ch_personreq_clear(&q);
	check(q.person.name == NULL);
	free(b);
}

/* Replaces the last occurrence of old in b[0..n) by new; returns a fresh
 * buffer (and its length in *m). */
static uint8_t *
splice(const uint8_t *b, size_t n, const void *old, size_t oldlen,
    const void *new, size_t newlen, size_t *m)
{
	size_t at = SIZE_MAX;
	for (size_t i = 0; i + oldlen <= n; i++)
		if (memcmp(b + i, old, oldlen) == 0)
			at = i;
	if (at == SIZE_MAX)
		abort();
	*m = n - oldlen + newlen;
	uint8_t *c = malloc(*m);
	if (!c)
		abort();
	memcpy(c, b, at);
	memcpy(c + at, new, newlen);
	memcpy(c + at + newlen, b + at + oldlen, n - at - oldlen);
	return c;
}

/* Decodes golden charter bytes with old replaced by new. */
static int
dec_spliced(const void *old, size_t oldlen, const void *new, size_t newlen)
{
	uint8_t *b, *c;
	size_t n, m;
	make_charter(&b, &n);
	c = splice(b, n, old, oldlen, new, newlen, &m);
	int rc = dec_charter(c, m);
	free(c);
	free(b);
	return rc;
}

#define TXT(s) "\0\0\0" s  /* a text of fewer than 256 bytes: u32 length, bytes */

TEST(charter_decoder_refuses)
{
	uint8_t a[32], b[32], x[32], z[32];
	memset(a, ORG_A, 32);
	memset(b, ORG_B, 32);
	memset(x, ORG_C, 32);
	memset(z, 0xee, 32);

	/* the coordinator's bytes come first: the last copy of b is in orgs */
	check_int(dec_spliced(b, 32, a, 32), ==, CH_ERR_VALUE);   /* org twice */
	/* the first copy of a is the coordinator: make orgs A, B -> Z, B */
	{
		uint8_t *g, *c;
		size_t n, m;
		make_charter(&g, &n);
		c = splice(g, n, b, 32, b, 32, &m);
		/* coordinator at offset 4 + 15 (name "Mw. Zoë Jansen") */
		check_mem(c + 19, a, 32);
		memcpy(c + 19, z, 32);
		check_int(dec_charter(c, m), ==, CH_ERR_VALUE); /* not among orgs */
		memcpy(c + 19, b, 32);
		check_int(dec_charter(c, m), ==, 0);            /* b is an org */
		free(c);
		free(g);
	}
	check_int(dec_spliced(x, 32, b, 32), ==, CH_ERR_VALUE);   /* removed is a member */
	check_int(dec_spliced(x, 32, z, 32), ==, 0);
	check_int(dec_spliced(TXT("\x02") "gp", 6, TXT("\x02") "GP", 6), ==, CH_ERR_VALUE);
	check_int(dec_spliced(TXT("\x02") "gp", 6, TXT("\x03") "g p", 7), ==, CH_ERR_VALUE);
	check_int(dec_spliced(TXT("\x02") "gp", 6, TXT("\x00"), 4), ==, CH_ERR_VALUE);
	check_int(dec_spliced("psychologist", 12, "psycholog_st", 12), ==, CH_ERR_VALUE);
	check_int(dec_spliced("representative", 14, "Representative", 14), ==, CH_ERR_VALUE);
	check_int(dec_spliced("written-mandate", 15, "written mandate", 15), ==, CH_ERR_VALUE);
	check_int(dec_spliced(TXT("\x0f") "written-mandate", 19, TXT("\x00"), 4), ==, 0);
	check_int(dec_spliced(TXT("\x0d") "Maria Peeters", 17, TXT("\x00"), 4), ==, CH_ERR_VALUE);
	check_int(dec_spliced(TXT("\x0f") "Mw. Zo\xc3\xab Jansen", 19, TXT("\x00"), 4), ==, CH_ERR_VALUE);
	check_int(dec_spliced("Zo\xc3\xab", 4, "Zo\xc3\x00", 4), ==, CH_ERR_VALUE); /* bad UTF-8 */
	/* audiences are 2, 3, 4, 5 in that order */
	check_int(dec_spliced("\x03\x00\x09" TXT("\x02") "gp", 9, "\x04\x00\x09" TXT("\x02") "gp", 9), ==, CH_ERR_VALUE);
	/* a role above 64 bytes */
	{
		char big[4 + 65];
		memcpy(big, "\0\0\0\x41", 4);
		memset(big + 4, 'a', 65);
		check_int(dec_spliced(TXT("\x02") "gp", 6, big, sizeof(big)), ==, CH_ERR_TOOBIG);
		memcpy(big, "\0\0\0\x40", 4);
		check_int(dec_spliced(TXT("\x02") "gp", 6, big, 4 + 64), ==, 0);
	}
	/* no org id may be zeros */
	memset(z, 0, 32);
	check_int(dec_spliced(x, 32, z, 32), ==, CH_ERR_VALUE);
}

TEST(charter_encoder_refuses)
{
	ch_charter_t c;
	uint8_t *b;
	size_t n;
	char *s;

	golden_charter(&c);
	memcpy(c.orgs[1].org, c.orgs[0].org, 32);
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	check(b == NULL && n == 0);
	memset(c.orgs[1].org, ORG_B, 32);
	check_int(ch_charter_encode(&c, &b, &n), ==, 0);
	free(b);

	memset(c.coordinator, ORG_C, 32);
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	memset(c.coordinator, ORG_B, 32);
	check_int(ch_charter_encode(&c, &b, &n), ==, 0);
	free(b);

	memset(c.removed[0].org, ORG_B, 32);
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	memset(c.removed[0].org, ORG_C, 32);

	s = c.orgs[1].role;
	c.orgs[1].role = (char *)(uintptr_t)"General-Practitioner";
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	c.orgs[1].role = (char *)(uintptr_t)"";
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	c.orgs[1].role = s;
	s = c.aud[2].roles[0];
	c.aud[2].roles[0] = (char *)(uintptr_t)"social worker";
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	c.aud[2].roles[0] = s;
	c.aud[3].audience = CH_AUD_NETWORK;
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	c.aud[3].audience = CH_AUD_COORDINATION;

	s = c.name;
	c.name = (char *)(uintptr_t)"";
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	c.name = NULL;
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	c.name = s;
	s = c.people[0].name;
	c.people[0].name = (char *)(uintptr_t)"";
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_VALUE);
	c.people[0].name = s;

	/* counts over the limits */
	c.norgs = CH_CHARTER_ORGS_MAX + 1;
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_TOOBIG);
	c.norgs = 2;
	c.npeople = CH_CHARTER_PEOPLE_MAX + 1;
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_TOOBIG);
	c.npeople = 2;
	c.nremoved = CH_REMOVED_MAX + 1;
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_TOOBIG);
	c.nremoved = 1;
	size_t k = c.aud[1].nroles;
	c.aud[1].nroles = CH_CHARTER_ROLES_MAX + 1;
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_TOOBIG);
	c.aud[1].nroles = k;
	c.orgs[0].cardlen = 4097;
	check_int(ch_charter_encode(&c, &b, &n), ==, CH_ERR_TOOBIG);
	c.orgs[0].cardlen = sizeof(card_a) - 1;
	check_int(ch_charter_encode(&c, &b, &n), ==, 0);
	free(b);
	ch_charter_clear(&c);
}

/* A charter by hand, up to (not including) the org count: name "x",
 * coordinator ORG_A, no rotation, four empty audiences. */
static void
raw_head(cwr_t *w)
{
	uint8_t a[32];
	memset(a, ORG_A, 32);
	cwr_init(w, 1 << 20);
	cwr_text(w, "x", 16);
	cwr_put(w, a, 32);
	cwr_u32(w, 0);
	cwr_u32(w, 0);
	for (uint8_t i = CH_AUD_CARE; i <= CH_AUD_COORDINATION; i++) {
		cwr_u8(w, i);
		cwr_u16(w, 0);
	}
}

/* The org A with a one-byte card and role "gp". */
static void
raw_org_a(cwr_t *w)
{
	uint8_t a[32];
	memset(a, ORG_A, 32);
	cwr_u16(w, 1);
	cwr_put(w, a, 32);
	cwr_var(w, "c", 1, 16);
	cwr_text(w, "gp", 16);
}

static int
raw_decode(cwr_t *w, ch_charter_t *c)
{
	int rc = cwr_err(w);
	if (rc)
		return rc;
	rc = ch_charter_decode(w->p, w->len, c);
	cwr_free(w);
	return rc;
}

TEST(counts_over_the_limits_and_lying_counts)
{
	cwr_t w;
	ch_charter_t c;

	/* the smallest charter decodes */
	raw_head(&w);
	raw_org_a(&w);
	cwr_u16(&w, 0);
	cwr_u16(&w, 0);
	check_int(raw_decode(&w, &c), ==, 0);
	check_int(c.norgs, ==, 1);
	ch_charter_clear(&c);

	/* over the limits: refused on the count itself */
	raw_head(&w);
	cwr_u16(&w, CH_CHARTER_ORGS_MAX + 1);
	check_int(raw_decode(&w, &c), ==, CH_ERR_TOOBIG);
	check(c.orgs == NULL && c.norgs == 0 && c.name == NULL);
	raw_head(&w);
	raw_org_a(&w);
	cwr_u16(&w, CH_CHARTER_PEOPLE_MAX + 1);
	check_int(raw_decode(&w, &c), ==, CH_ERR_TOOBIG);
	raw_head(&w);
	raw_org_a(&w);
	cwr_u16(&w, 0);
	cwr_u16(&w, CH_REMOVED_MAX + 1);
	check_int(raw_decode(&w, &c), ==, CH_ERR_TOOBIG);
	{
		uint8_t *b;
		size_t n;
		make_charter(&b, &n);
		/* care's role count sits after name (4 + 15), coordinator,
		 * rotation (8) and the audience byte */
		size_t at = 19 + 32 + 8 + 1;
		check_int(b[at - 1], ==, CH_AUD_CARE);
		check_int(b[at + 1], ==, 17);
		b[at + 1] = CH_CHARTER_ROLES_MAX + 1;
		check_int(dec_charter(b, n), ==, CH_ERR_TOOBIG);
		free(b);
	}

	/* under the limits, but more than the rest of the input could hold:
	 * refused before anything is allocated for them */
	raw_head(&w);
	cwr_u16(&w, CH_CHARTER_ORGS_MAX);
	for (int i = 0; i < 63; i++)
		cwr_put(&w, "0123456789012345678901234567890123456789", 41);
	check_int(raw_decode(&w, &c), ==, CH_ERR_TRUNCATED);
	check(c.orgs == NULL && c.norgs == 0);
	raw_head(&w);
	raw_org_a(&w);
	cwr_u16(&w, CH_CHARTER_PEOPLE_MAX);
	check_int(raw_decode(&w, &c), ==, CH_ERR_TRUNCATED);
	check(c.people == NULL);
	raw_head(&w);
	raw_org_a(&w);
	cwr_u16(&w, 0);
	cwr_u16(&w, CH_REMOVED_MAX);
	for (int i = 0; i < CH_REMOVED_MAX - 1; i++)
		cwr_put(&w, "0123456789012345678901234567890123456789", 40);
	check_int(raw_decode(&w, &c), ==, CH_ERR_TRUNCATED);
	check(c.removed == NULL);
	{
		uint8_t *b;
		size_t n;
		make_charter(&b, &n);
		/* care claims 64 roles; cut the input where 64 roles of the
		 * least size (5 bytes) cannot fit */
		size_t at = 19 + 32 + 8 + 1;
		b[at + 1] = CH_CHARTER_ROLES_MAX;
		check_int(dec_charter(b, at + 2 + 5 * 63), ==, CH_ERR_TRUNCATED);
		free(b);
	}
}

TEST(epoch_rules)
{
	ch_epoch_t e;
	uint8_t *b;
	size_t n;

	golden_epoch(&e);
	e.why = CH_WHY_PEOPLE + 1;
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	e.why = CH_WHY_ADD;
	e.salt[3] = 1;  /* salt only for a create */
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	e.why = CH_WHY_CREATE;  /* ... whose subject is zeros */
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	memset(e.subject, 0, 32);
	check_int(ch_epoch_encode(&e, &b, &n), ==, 0);
	free(b);
	memset(e.salt, 0, 16);
	e.why = CH_WHY_ADD;  /* the org added is among orgs */
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	memset(e.subject, ORG_C, 32);
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	e.why = CH_WHY_REMOVE;  /* the org removed is among removed */
	check_int(ch_epoch_encode(&e, &b, &n), ==, 0);
	free(b);
	e.why = CH_WHY_HANDOVER;  /* the new coordinator is the coordinator */
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	memset(e.subject, ORG_A, 32);
	check_int(ch_epoch_encode(&e, &b, &n), ==, 0);
	free(b);
	e.why = CH_WHY_ROTATE;
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	memset(e.subject, 0, 32);
	e.requestlen = 0;  /* a scheduled rotation has no request */
	check_int(ch_epoch_encode(&e, &b, &n), ==, 0);
	ch_epoch_t d;
	check_int(ch_epoch_decode(b, n, &d), ==, 0);
	check_int(d.why, ==, CH_WHY_ROTATE);
	check_int(d.requestlen, ==, 0);
	ch_epoch_clear(&d);
	free(b);
	e.why = CH_WHY_PEOPLE;  /* ... every other epoch has one */
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	e.requestlen = CH_REQUEST_MAX + 1;
	check_int(ch_epoch_encode(&e, &b, &n), ==, CH_ERR_TOOBIG);
	e.requestlen = sizeof(req_add) - 1;
	ch_epoch_clear(&e);

	/* the decoder checks the same, on the bytes */
	make_epoch(&b, &n);
	b[0] = 6;
	check_int(dec_epoch(b, n), ==, CH_ERR_VALUE);
	b[0] = CH_WHY_HANDOVER;  /* subject B, coordinator A */
	check_int(dec_epoch(b, n), ==, CH_ERR_VALUE);
	b[0] = CH_WHY_ADD;
	b[1 + 32 + 5] = 0x55;  /* salt */
	check_int(dec_epoch(b, n), ==, CH_ERR_VALUE);
	b[1 + 32 + 5] = 0;
	check_int(dec_epoch(b, n), ==, 0);
	/* a request above CH_REQUEST_MAX */
	b[1 + 32 + 16 + 2] = 0x20;
	b[1 + 32 + 16 + 3] = 0x01;
	check_int(dec_epoch(b, n), ==, CH_ERR_TOOBIG);
	free(b);
}

TEST(small_bodies_refuse)
{
	uint8_t *b;
	size_t n;
	uint8_t zero[32] = { 0 }, o[32];
	ch_history_t h;
	ch_revoke_t r;
	ch_personreq_t q;

	check_int(ch_orgref_encode(zero, &b, &n), ==, CH_ERR_VALUE);
	check_int(ch_orgref_decode(zero, 32, o), ==, CH_ERR_VALUE);
	memset(&h, 0, sizeof(h));
	check_int(ch_history_encode(&h, &b, &n), ==, CH_ERR_VALUE);
	memset(h.grantee, ORG_B, 32);
	h.requestlen = CH_REQUEST_MAX + 1;
	h.request = calloc(1, h.requestlen);
	check_int(ch_history_encode(&h, &b, &n), ==, CH_ERR_TOOBIG);
	free((void *)(uintptr_t)h.request);
	memset(&r, 0, sizeof(r));
	check_int(ch_revoke_encode(&r, &b, &n), ==, CH_ERR_VALUE);

	make_personreq(&b, &n);
	b[0] = 3;
	check_int(dec_personreq(b, n), ==, CH_ERR_VALUE);
	b[0] = CH_PERSON_REMOVE;
	check_int(dec_personreq(b, n), ==, 0);
	free(b);
	memset(&q, 0, sizeof(q));
	q.op = CH_PERSON_SET;
	q.person.role = (char *)(uintptr_t)"patient";
	q.person.name = (char *)(uintptr_t)"Mw. Zo\xc3\xab Jansen";
	check_int(ch_personreq_encode(&q, &b, &n), ==, 0);  /* basis may be empty */
	free(b);
	q.person.basis = (char *)(uintptr_t)"Own choice";
	check_int(ch_personreq_encode(&q, &b, &n), ==, CH_ERR_VALUE);
	q.person.basis = NULL;
	q.person.name = (char *)(uintptr_t)"";
	check_int(ch_personreq_encode(&q, &b, &n), ==, CH_ERR_VALUE);
	q.person.name = (char *)(uintptr_t)"x";
	q.person.role = (char *)(uintptr_t)"trusted person";
	check_int(ch_personreq_encode(&q, &b, &n), ==, CH_ERR_VALUE);
	q.op = 0;
	q.person.role = (char *)(uintptr_t)"trusted-person";
	check_int(ch_personreq_encode(&q, &b, &n), ==, CH_ERR_VALUE);
}

static const char *const want_care[] = {
	"gp", "physician", "home-nurse", "nurse", "home-nursing",
	"psychiatric-home-care", "psychiatric-nurse", "psychologist",
	"pharmacist", "social-worker", "social-service",
	"hospital-social-service", "home-help", "family-help", "coordinator",
	"coordination", "case-manager",
};

TEST(default_audiences)
{
	ch_charter_t c;
	memset(&c, 0, sizeof(c));
	check_int(ch_charter_default_audiences(&c), ==, 0);
	check_int(c.aud[0].audience, ==, CH_AUD_CARE);
	check_int(c.aud[1].audience, ==, CH_AUD_MEDICAL);
	check_int(c.aud[2].audience, ==, CH_AUD_SOCIAL);
	check_int(c.aud[3].audience, ==, CH_AUD_COORDINATION);
	check_int(c.aud[0].nroles, ==, 17);
	check_int(c.aud[1].nroles, ==, 9);
	check_int(c.aud[2].nroles, ==, 8);
	check_int(c.aud[3].nroles, ==, 3);
	for (size_t i = 0; i < 17 && i < c.aud[0].nroles; i++)
		check_str(c.aud[0].roles[i], want_care[i]);
	for (size_t i = 0; i < 9 && i < c.aud[1].nroles; i++)
		check_str(c.aud[1].roles[i], want_care[i]);
	for (size_t i = 0; i < 8 && i < c.aud[2].nroles; i++)
		check_str(c.aud[2].roles[i], want_care[9 + i]);
	for (size_t i = 0; i < 3 && i < c.aud[3].nroles; i++)
		check_str(c.aud[3].roles[i], want_care[14 + i]);

	check(ch_charter_role_in(&c, "patient", CH_AUD_NETWORK));
	check(ch_charter_role_in(&c, "anything", CH_AUD_NETWORK));
	check(ch_charter_role_in(&c, "gp", CH_AUD_MEDICAL));
	check(ch_charter_role_in(&c, "gp", CH_AUD_CARE));
	check(!ch_charter_role_in(&c, "gp", CH_AUD_SOCIAL));
	check(!ch_charter_role_in(&c, "social-worker", CH_AUD_MEDICAL));
	check(ch_charter_role_in(&c, "social-worker", CH_AUD_SOCIAL));
	check(ch_charter_role_in(&c, "coordinator", CH_AUD_COORDINATION));
	check(ch_charter_role_in(&c, "coordinator", CH_AUD_SOCIAL));
	check(!ch_charter_role_in(&c, "coordinator", CH_AUD_MEDICAL));
	check(!ch_charter_role_in(&c, "psychologist", CH_AUD_COORDINATION));
	check(!ch_charter_role_in(&c, "gp", 0));
	check(!ch_charter_role_in(&c, "gp", 6));
	check(!ch_charter_role_in(&c, "coordinator", 0));
	check(!ch_charter_role_in(&c, "patient", CH_AUD_CARE));
	check(!ch_charter_role_in(&c, "informal-carer", CH_AUD_CARE));
	check(!ch_charter_role_in(&c, "g", CH_AUD_MEDICAL));
	ch_charter_clear(&c);
	check(c.aud[0].roles == NULL && c.aud[0].nroles == 0);
}

static void
print_hex(const char *name, const uint8_t *p, size_t n)
{
	printf("%s (%zu bytes):\n", name, n);
	for (size_t i = 0; i < n; i += 32)
		printf("    %s\n", hex(p + i, n - i < 32 ? n - i : 32));
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--print-vectors") == 0) {
		for (size_t i = 0; i < NVECTORS; i++) {
			uint8_t *b;
			size_t n;
			vectors[i].make(&b, &n);
			print_hex(vectors[i].name, b, n);
			free(b);
		}
		return 0;
	}
	TAP_RUN(golden_vectors);
	TAP_RUN(framing_of_every_body);
	TAP_RUN(roundtrip_values);
	TAP_RUN(charter_decoder_refuses);
	TAP_RUN(charter_encoder_refuses);
	TAP_RUN(counts_over_the_limits_and_lying_counts);
	TAP_RUN(epoch_rules);
	TAP_RUN(small_bodies_refuse);
	TAP_RUN(default_audiences);
	return TAP_DONE();
}
