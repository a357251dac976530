/* test_info.c - the small client bodies of proto/info.h: golden vectors
 * (also in proto/PROTOCOL.md), round trips, truncation, trailing bytes,
 * lying counts. Run with --print-vectors to print the vectors. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "../proto/info.h"

static char *
hex(const uint8_t *p, size_t n)
{
	static char buf[4096];
	sodium_bin2hex(buf, sizeof(buf), p, n);
	return buf;
}

static const uint8_t plain_bytes[] = { 'C', 'H', 'B', 'D', 1, 1 };
static const uint8_t card_bytes[] = { 'c', 'a', 'r', 'd' };
static const uint8_t cert_bytes[] = { 'c', 'e', 'r', 't' };

static void
make_postreq(uint8_t **out, size_t *n)
{
	ch_postreq_t r;
	memset(r.case_id, 0x11, 16);
	r.audience = CH_AUD_MEDICAL;
	r.plain.p = plain_bytes;
	r.plain.n = sizeof(plain_bytes);
	if (ch_postreq_encode(&r, out, n) != 0)
		abort();
}

static void
make_postrep(uint8_t **out, size_t *n)
{
	ch_postrep_t r;
	memset(r.case_id, 0x22, 16);
	memset(r.id, 0x33, 32);
	r.seq = 258;
	if (ch_postrep_encode(&r, out, n) != 0)
		abort();
}

static void
make_status(uint8_t **out, size_t *n)
{
	static const uint8_t version[] = "0.1.0";
	ch_status_t s = { { card_bytes, 4 }, { cert_bytes, 4 }, 3, 2, 1, 0, 5, 9,
		{ version, 5 }, 1795000000000ull, 3600 };
	if (ch_status_encode(&s, out, n) != 0)
		abort();
}

/* The status reply of a daemon from before the version and times. */
static void
make_status_old(uint8_t **out, size_t *n)
{
	ch_status_t s = { { card_bytes, 4 }, { cert_bytes, 4 }, 3, 2, 1, 0, 5, 9,
		{ NULL, 0 }, 0, 0 };
	if (ch_status_encode(&s, out, n) != 0)
		abort();
}

static void
make_caselist(uint8_t **out, size_t *n)
{
	ch_caseinfo_t v[2];
	memset(v, 0, sizeof(v));
	memset(v[0].case_id, 0x44, 16);
	memset(v[0].coordinator, 0x55, 32);
	v[0].members = 3;
	v[0].entries = 1000;
	v[0].epoch = 0;
	v[0].forks = 0;
	v[0].flags = CH_CASE_CLOSED | CH_CASE_SAMENAME;
	v[0].last_ms = 1795000000000ull;
	v[0].since_ms = 1795000001000ull;
	v[0].name.p = (const uint8_t *)"Mevr. Jansen";
	v[0].name.n = 12;
	v[0].coord_name.p = (const uint8_t *)"Wijkzorg";
	v[0].coord_name.n = 8;
	memset(v[1].case_id, 0x66, 16);
	memset(v[1].coordinator, 0x77, 32);
	v[1].members = 2;
	v[1].entries = 7;
	v[1].epoch = 1;
	v[1].forks = 1;
	v[1].flags = CH_CASE_REMOVED | CH_CASE_FORK;
	v[1].last_ms = 0;
	v[1].since_ms = 1700000000000ull;
	v[1].coord_name.p = (const uint8_t *)"CPAS Elsene";
	v[1].coord_name.n = 11;
	if (ch_caselist_encode(v, 2, out, n) != 0)
		abort();
}

static void
make_casesreq(uint8_t **out, size_t *n)
{
	if (ch_casesreq_encode(CH_CASES_DAILY, out, n) != 0)
		abort();
}

static void
make_caseref(uint8_t **out, size_t *n)
{
	uint8_t id[16];
	memset(id, 0x88, 16);
	if (ch_caseref_encode(id, out, n) != 0)
		abort();
}

static void
make_peerlist(uint8_t **out, size_t *n)
{
	ch_peerinfo_t v[1] = { { { card_bytes, 4 }, 1, 1795000000000ull } };
	if (ch_peerlist_encode(v, 1, out, n) != 0)
		abort();
}

#define KAT_POSTREQ "111111111111111111111111111111110300000006434842440101"
#define KAT_POSTREP "2222222222222222222222222222222233333333333333333333333333333333" \
	"33333333333333333333333333333333" "0000000000000102"
static void
make_wherereq(uint8_t **out, size_t *n)
{
	ch_wherereq_t r;
	memset(r.case_id, 0x88, 16);
	r.seq = 258;
	if (ch_wherereq_encode(&r, out, n) != 0)
		abort();
}

static void
make_whererep(uint8_t **out, size_t *n)
{
	static const char name[] = "Thuisverpleging Zuid";
	ch_whereorg_t v[2];
	memset(v, 0, sizeof(v));
	memset(v[0].org, 0x99, 32);
	v[0].held = 1;
	v[0].name.p = (const uint8_t *)name;
	v[0].name.n = sizeof(name) - 1;
	memset(v[1].org, 0xaa, 32);
	v[1].held = 0;
	v[1].name.p = (const uint8_t *)"CPAS";
	v[1].name.n = 4;
	if (ch_whererep_encode(v, 2, out, n) != 0)
		abort();
}

static void
make_notifyreq(uint8_t **out, size_t *n)
{
	ch_notifyreq_t r;
	memset(r.case_id, 0x77, 16);
	r.op = CH_NOTIFY_ON;
	if (ch_notifyreq_encode(&r, out, n) != 0)
		abort();
}

static void
make_notifyrep(uint8_t **out, size_t *n)
{
	ch_notifyrep_t r = { 1, 1795000000000ull, 1 };
	if (ch_notifyrep_encode(&r, out, n) != 0)
		abort();
}

#define KAT_NOTIFYREQ "77777777777777777777777777777777" "01"
#define KAT_NOTIFYREP "01" "000001a1ee565e00" "01"
#define KAT_WHEREREQ "88888888888888888888888888888888" "0000000000000102"
#define KAT_WHEREREP "0002" \
	"9999999999999999999999999999999999999999999999999999999999999999" "01" \
	"00000014" "5468756973766572706c6567696e67205a756964" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "00" \
	"00000004" "43504153"
static void
make_verifyrep(uint8_t **out, size_t *n)
{
	static const char name[] = "Maison m\xc3\xa9" "dicale Nord";
	ch_vfname_t nm[1];
	ch_finding_t f[2];
	ch_verifyrep_t r;
	memset(&r, 0, sizeof(r));
	memset(nm, 0, sizeof(nm));
	memset(f, 0, sizeof(f));
	memset(nm[0].org, 0xbb, 32);
	nm[0].name.p = (const uint8_t *)name;
	nm[0].name.n = sizeof(name) - 1;
	memcpy(f[0].org, nm[0].org, 32);
	f[0].seq = 2;
	f[0].code = CH_VF_BODY;
	memcpy(f[1].org, nm[0].org, 32);
	f[1].seq = 3;
	f[1].code = CH_VF_GAP;
	f[1].other = 4;
	r.feeds = 3;
	r.entries = 14;
	r.sigs = 14;
	r.names = nm;
	r.nnames = 1;
	r.f = f;
	r.n = 2;
	if (ch_verifyrep_encode(&r, out, n) != 0)
		abort();
}

#define KAT_VERIFYREP "00000003" "000000000000000e" "000000000000000e" "0001" \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
	"00000015" "4d6169736f6e206dc3a9646963616c65204e6f7264" "0002" \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
	"0000000000000002" "05" "0000000000000000" \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
	"0000000000000003" "01" "0000000000000004"
#define KAT_STATUS_OLD "0000000463617264000000046365727400000003000000020000000" "1" "00000000" "00000005" "00000009"
#define KAT_STATUS KAT_STATUS_OLD "00000005" "302e312e30" "000001a1ee565e00" "0000000000000e10"
#define KAT_CASELIST "00000002" \
	"44444444444444444444444444444444" \
	"5555555555555555555555555555555555555555555555555555555555555555" \
	"0003" "00000000000003e8" "00000000" "00000000" \
	"05" "000001a1ee565e00" "000001a1ee5661e8" \
	"0000000c" "4d6576722e204a616e73656e" "00000008" "57696a6b7a6f7267" \
	"66666666666666666666666666666666" \
	"7777777777777777777777777777777777777777777777777777777777777777" \
	"0002" "0000000000000007" "00000001" "00000001" \
	"0a" "0000000000000000" "0000018bcfe56800" \
	"00000000" "0000000b" "4350415320456c73656e65"
#define KAT_CASESREQ "00"
#define KAT_CASEREF "88888888888888888888888888888888"
#define KAT_PEERLIST "00000001" "0000000463617264" "01" "000001a1ee565e00"

TEST(golden_vectors)
{
	uint8_t *b;
	size_t n;

	make_postreq(&b, &n);
	check_str(hex(b, n), KAT_POSTREQ);
	free(b);
	make_postrep(&b, &n);
	check_str(hex(b, n), KAT_POSTREP);
	free(b);
	make_status(&b, &n);
	check_str(hex(b, n), KAT_STATUS);
	free(b);
	make_status_old(&b, &n);
	check_str(hex(b, n), KAT_STATUS_OLD);
	free(b);
	make_caselist(&b, &n);
	check_str(hex(b, n), KAT_CASELIST);
	free(b);
	make_peerlist(&b, &n);
	check_str(hex(b, n), KAT_PEERLIST);
	free(b);
	make_casesreq(&b, &n);
	check_str(hex(b, n), KAT_CASESREQ);
	free(b);
	make_caseref(&b, &n);
	check_str(hex(b, n), KAT_CASEREF);
	free(b);
	make_wherereq(&b, &n);
	check_str(hex(b, n), KAT_WHEREREQ);
	free(b);
	make_whererep(&b, &n);
	check_str(hex(b, n), KAT_WHEREREP);
	free(b);
	make_verifyrep(&b, &n);
	check_str(hex(b, n), KAT_VERIFYREP);
	free(b);
	make_notifyreq(&b, &n);
	check_str(hex(b, n), KAT_NOTIFYREQ);
	free(b);
	make_notifyrep(&b, &n);
	check_str(hex(b, n), KAT_NOTIFYREP);
	free(b);
}

typedef int (*dec_fn)(const uint8_t *, size_t);

static int dec_postreq(const uint8_t *p, size_t n) { ch_postreq_t r; return ch_postreq_decode(p, n, &r); }
static int dec_postrep(const uint8_t *p, size_t n) { ch_postrep_t r; return ch_postrep_decode(p, n, &r); }
static int dec_status(const uint8_t *p, size_t n) { ch_status_t s; return ch_status_decode(p, n, &s); }
static int
dec_caselist(const uint8_t *p, size_t n)
{
	ch_caseinfo_t *v = NULL;
	size_t k;
	int rc = ch_caselist_decode(p, n, &v, &k);
	free(v);
	return rc;
}
static int dec_caseref(const uint8_t *p, size_t n) { uint8_t id[16]; return ch_caseref_decode(p, n, id); }
static int
dec_peerlist(const uint8_t *p, size_t n)
{
	ch_peerinfo_t *v = NULL;
	size_t k;
	int rc = ch_peerlist_decode(p, n, &v, &k);
	free(v);
	return rc;
}

static int dec_wherereq(const uint8_t *p, size_t n) { ch_wherereq_t r; return ch_wherereq_decode(p, n, &r); }
static int
dec_whererep(const uint8_t *p, size_t n)
{
	ch_whereorg_t *v = NULL;
	size_t k;
	int rc = ch_whererep_decode(p, n, &v, &k);
	free(v);
	return rc;
}

static int dec_notifyreq(const uint8_t *p, size_t n) { ch_notifyreq_t r; return ch_notifyreq_decode(p, n, &r); }
static int dec_notifyrep(const uint8_t *p, size_t n) { ch_notifyrep_t r; return ch_notifyrep_decode(p, n, &r); }

static int
dec_verifyrep(const uint8_t *p, size_t n)
{
	ch_verifyrep_t r;
	int rc = ch_verifyrep_decode(p, n, &r);
	ch_verifyrep_clear(&r);
	return rc;
}

/* Every proper prefix fails (but one of length old, the form an older
 * peer sends, when old is not 0), the whole decodes, one more byte is
 * trailing. */
static void
framing_but(dec_fn dec, void (*make)(uint8_t **, size_t *), size_t old)
{
	uint8_t *b, *c;
	size_t n;
	make(&b, &n);
	check_int(dec(b, n), ==, 0);
	for (size_t i = 0; i < n; i++) {
		c = malloc(i ? i : 1);
		memcpy(c, b, i);
		if (old && i == old)
			check_int(dec(c, i), ==, 0);
		else
			check(dec(c, i) != 0);
		free(c);
	}
	c = malloc(n + 1);
	memcpy(c, b, n);
	c[n] = 0;
	check_int(dec(c, n + 1), ==, CH_ERR_TRAILING);
	free(c);
	free(b);
}

static void
framing(dec_fn dec, void (*make)(uint8_t **, size_t *))
{
	framing_but(dec, make, 0);
}

TEST(framing_of_every_body)
{
	framing(dec_postreq, make_postreq);
	framing(dec_postrep, make_postrep);
	/* 40 bytes: the reply of a daemon from before the version (below) */
	framing_but(dec_status, make_status, 40);
	framing(dec_caselist, make_caselist);
	framing(dec_peerlist, make_peerlist);
	framing(dec_caseref, make_caseref);
	framing(dec_wherereq, make_wherereq);
	framing(dec_whererep, make_whererep);
	framing(dec_verifyrep, make_verifyrep);
	framing(dec_notifyreq, make_notifyreq);
	framing(dec_notifyrep, make_notifyrep);
}

TEST(status_version_and_older_daemons)
{
	uint8_t *b, *c;
	size_t n;
	ch_status_t s;

	make_status(&b, &n);
	check_int(ch_status_decode(b, n, &s), ==, 0);
	check_int(s.version.n, ==, 5);
	check_mem(s.version.p, "0.1.0", 5);
	check_int(s.started_ms, ==, 1795000000000ll);
	check_int(s.uptime_s, ==, 3600);
	/* a version of no byte, or with a control character, is refused */
	c = malloc(n);
	memcpy(c, b, n);
	c[44] = 0x1b;
	check_int(ch_status_decode(c, n, &s), ==, CH_ERR_VALUE);
	free(c);
	c = malloc(n);
	memcpy(c, b, 40);
	memcpy(c + 40, "\0\0\0\0", 4);
	memcpy(c + 44, b + 49, 16);
	check_int(ch_status_decode(c, 60, &s), ==, CH_ERR_VALUE);
	free(c);
	free(b);
	/* an older daemon's reply: no version, no times */
	make_status_old(&b, &n);
	check_int(n, ==, 40);
	check_int(ch_status_decode(b, n, &s), ==, 0);
	check_int(s.version.n, ==, 0);
	check_int(s.started_ms, ==, 0);
	check_int(s.uptime_s, ==, 0);
	/* ... and with a byte more, the start of a version cut short */
	c = malloc(n + 1);
	memcpy(c, b, n);
	c[n] = 0;
	check_int(ch_status_decode(c, n + 1, &s), ==, CH_ERR_TRUNCATED);
	free(c);
	free(b);
	/* the encoder refuses what the decoder would */
	static const uint8_t bad[] = "0.1\n";
	uint8_t v65[65];
	memset(v65, 'a', sizeof(v65));
	ch_status_t e = { { card_bytes, 4 }, { cert_bytes, 4 }, 0, 0, 0, 0, 0, 0,
		{ bad, 4 }, 1, 1 };
	check_int(ch_status_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	e.version.p = v65;
	e.version.n = 65;
	check_int(ch_status_encode(&e, &b, &n), ==, CH_ERR_VALUE);
	e.version.n = 64;
	check_int(ch_status_encode(&e, &b, &n), ==, 0);
	free(b);
	e.version.n = 0;
	check_int(ch_status_encode(&e, &b, &n), ==, CH_ERR_VALUE);
}

TEST(notify_refusals)
{
	ch_notifyreq_t q;
	ch_notifyrep_t r;
	uint8_t b[17], *out;
	size_t n;
	memset(b, 0x77, sizeof(b));
	/* op 3 and up: no such operation, either way */
	b[16] = 3;
	check_int(ch_notifyreq_decode(b, 17, &q), ==, CH_ERR_VALUE);
	memset(q.case_id, 1, 16);
	q.op = 3;
	check_int(ch_notifyreq_encode(&q, &out, &n), ==, CH_ERR_VALUE);
	b[16] = CH_NOTIFY_OFF;
	check_int(ch_notifyreq_decode(b, 17, &q), ==, 0);
	check_int(q.op, ==, CH_NOTIFY_OFF);
	/* on and hook are 0 or 1; off has no time */
	uint8_t rb[10] = { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	check_int(ch_notifyrep_decode(rb, 10, &r), ==, CH_ERR_VALUE);
	rb[0] = 0;
	rb[9] = 2;
	check_int(ch_notifyrep_decode(rb, 10, &r), ==, CH_ERR_VALUE);
	rb[9] = 0;
	rb[8] = 1;
	check_int(ch_notifyrep_decode(rb, 10, &r), ==, CH_ERR_VALUE);
	r.on = 0;
	r.since = 5;
	r.hook = 0;
	check_int(ch_notifyrep_encode(&r, &out, &n), ==, CH_ERR_VALUE);
}

TEST(verify_values_and_refusals)
{
	uint8_t *b, *n2;
	size_t n;
	ch_verifyrep_t r;

	make_verifyrep(&b, &n);
	check_int(ch_verifyrep_decode(b, n, &r), ==, 0);
	check_int(r.feeds, ==, 3);
	check_int(r.n, ==, 2);
	check_int(r.nnames, ==, 1);
	check_int(r.f[0].code, ==, CH_VF_BODY);
	check_int(r.f[1].other, ==, 4);
	check_mem(r.names[0].name.p, "Maison m", 8);
	ch_verifyrep_clear(&r);
	check(r.f == NULL && r.names == NULL && r.n == 0);
	/* an unknown code, either way */
	n2 = malloc(n);
	memcpy(n2, b, n);
	n2[n - 9] = CH_VF_LAST + 1;
	check_int(ch_verifyrep_decode(n2, n, &r), ==, CH_ERR_VALUE);
	check(r.f == NULL && r.names == NULL);
	n2[n - 9] = 0;
	check_int(ch_verifyrep_decode(n2, n, &r), ==, CH_ERR_VALUE);
	/* a name that is not UTF-8 */
	memcpy(n2, b, n);
	n2[20 + 2 + 32 + 4] = 0xff;
	check_int(ch_verifyrep_decode(n2, n, &r), ==, CH_ERR_VALUE);
	free(n2);
	free(b);
	/* counts the input cannot hold are refused before anything is allocated */
	uint8_t lie[22] = { 0 };
	lie[20] = 0x01;
	check(ch_verifyrep_decode(lie, sizeof(lie), &r) != 0);
	lie[20] = 0;
	uint8_t lie2[24] = { 0 };
	lie2[23] = 0x02;
	check(ch_verifyrep_decode(lie2, sizeof(lie2), &r) != 0);
	/* too many findings */
	ch_verifyrep_t big;
	memset(&big, 0, sizeof(big));
	big.n = CH_VERIFY_MAX + 1;
	check_int(ch_verifyrep_encode(&big, &b, &n), ==, CH_ERR_TOOBIG);
	for (uint8_t c = 1; c <= CH_VF_LAST; c++)
		check(strcmp(ch_vf_str(c), "unknown finding") != 0);
}

TEST(where_values_and_refusals)
{
	uint8_t *b, zero[2] = { 0, 0 }, lie[3] = { 0, 2, 0 };
	size_t n, k = 9;
	ch_whereorg_t *v = (ch_whereorg_t *)1;
	ch_wherereq_t r;

	make_wherereq(&b, &n);
	check_int(n, ==, 24);
	check_int(ch_wherereq_decode(b, n, &r), ==, 0);
	check_int(r.seq, ==, 258);
	free(b);
	make_whererep(&b, &n);
	check_int(ch_whererep_decode(b, n, &v, &k), ==, 0);
	check_int(k, ==, 2);
	check_int(v[0].held, ==, 1);
	check_int(v[1].held, ==, 0);
	check_mem(v[1].name.p, "CPAS", 4);
	free(v);
	b[34] = 2;                  /* held is 0 or 1 */
	check_int(ch_whererep_decode(b, n, &v, &k), ==, CH_ERR_VALUE);
	check(v == NULL && k == 0);
	b[34] = 1;
	b[39] = 0xff;               /* a name that is not UTF-8 */
	check_int(ch_whererep_decode(b, n, &v, &k), ==, CH_ERR_VALUE);
	free(b);
	check_int(ch_whererep_decode(zero, 2, &v, &k), ==, 0);
	check(v == NULL && k == 0);
	check(ch_whererep_decode(lie, 3, &v, &k) != 0);
	check(v == NULL && k == 0);
	/* more than CH_WHERE_MAX is refused both ways */
	ch_whereorg_t *many = calloc(CH_WHERE_MAX + 1, sizeof(*many));
	check_int(ch_whererep_encode(many, CH_WHERE_MAX + 1, &b, &n), ==, CH_ERR_TOOBIG);
	free(many);
	uint8_t big[2] = { 0x01, 0x01 };
	check(ch_whererep_decode(big, 2, &v, &k) != 0);
}

TEST(roundtrip_values)
{
	uint8_t *b;
	size_t n, k;
	ch_caseinfo_t *v;
	ch_peerinfo_t *pv;
	ch_postreq_t r;

	make_caselist(&b, &n);
	check_int(ch_caselist_decode(b, n, &v, &k), ==, 0);
	check_int(k, ==, 2);
	check_int(v[0].entries, ==, 1000);
	check_int(v[1].forks, ==, 1);
	free(v);
	free(b);
	make_peerlist(&b, &n);
	check_int(ch_peerlist_decode(b, n, &pv, &k), ==, 0);
	check_int(k, ==, 1);
	check_int(pv[0].connected, ==, 1);
	check_int(pv[0].card.n, ==, 4);
	check_mem(pv[0].card.p, "card", 4);
	free(pv);
	free(b);
	make_postreq(&b, &n);
	check_int(ch_postreq_decode(b, n, &r), ==, 0);
	check_int(r.audience, ==, CH_AUD_MEDICAL);
	b[16] = 9; /* no such audience */
	check_int(ch_postreq_decode(b, n, &r), ==, CH_ERR_VALUE);
	free(b);
}

TEST(lying_counts_are_refused_before_allocating)
{
	uint8_t big[4] = { 0xff, 0xff, 0xff, 0xff }, some[8] = { 0, 0, 0, 9 };
	ch_caseinfo_t *v = (ch_caseinfo_t *)1;
	ch_peerinfo_t *pv = (ch_peerinfo_t *)1;
	size_t k = 1;
	check(ch_caselist_decode(big, sizeof(big), &v, &k) != 0);
	check(v == NULL && k == 0);
	check(ch_peerlist_decode(some, sizeof(some), &pv, &k) != 0);
	check(pv == NULL);
	/* connected must be 0 or 1 */
	uint8_t *b;
	size_t n;
	make_peerlist(&b, &n);
	b[12] = 2;
	check_int(ch_peerlist_decode(b, n, &pv, &k), ==, CH_ERR_VALUE);
	free(b);
}

TEST(case_list_values)
{
	uint8_t *b;
	size_t n, k;
	ch_caseinfo_t *v;

	make_caselist(&b, &n);
	check_int(ch_caselist_decode(b, n, &v, &k), ==, 0);
	check_int(v[0].flags, ==, CH_CASE_CLOSED | CH_CASE_SAMENAME);
	check_int(v[0].name.n, ==, 12);
	check_mem(v[0].name.p, "Mevr. Jansen", 12);
	check_int(v[0].last_ms, ==, 1795000000000ull);
	check_int(v[1].name.n, ==, 0);
	check_int(v[1].since_ms, ==, 1700000000000ull);
	check_mem(v[1].coord_name.p, "CPAS Elsene", 11);
	free(v);
	/* an undefined flag bit is refused (offset of v[0].flags: 4 + 66) */
	b[70] = 0x25;
	check_int(ch_caselist_decode(b, n, &v, &k), ==, CH_ERR_VALUE);
	check(v == NULL && k == 0);
	b[70] = 0x05;
	/* a NUL in a name, or bytes that are not UTF-8, are refused */
	size_t name_at = 4 + 66 + 1 + 8 + 8 + 4;
	b[name_at + 4] = 0;
	check_int(ch_caselist_decode(b, n, &v, &k), ==, CH_ERR_VALUE);
	b[name_at + 4] = 0xff;
	check_int(ch_caselist_decode(b, n, &v, &k), ==, CH_ERR_VALUE);
	free(b);

	/* the encoder refuses what the decoder would */
	ch_caseinfo_t c;
	char big[300];
	memset(&c, 0, sizeof(c));
	memset(big, 'a', sizeof(big));
	c.name.p = (const uint8_t *)big;
	c.name.n = 257;
	check_int(ch_caselist_encode(&c, 1, &b, &n), ==, CH_ERR_VALUE);
	c.name.n = 256;
	check_int(ch_caselist_encode(&c, 1, &b, &n), ==, 0);
	free(b);
	c.flags = 0x20;
	check_int(ch_caselist_encode(&c, 1, &b, &n), ==, CH_ERR_VALUE);
}

TEST(cases_request_flag)
{
	uint8_t a = 9, one[1] = { 1 }, three[1] = { 3 }, four[1] = { 4 }, pair[2] = { 0, 0 };
	uint8_t *b;
	size_t n;
	/* empty: every case without names, as a client from before the flags */
	check_int(ch_casesreq_decode(NULL, 0, &a), ==, 0);
	check_int(a, ==, CH_CASES_ALL | CH_CASES_NONAMES);
	check_int(ch_casesreq_decode(one, 1, &a), ==, 0);
	check_int(a, ==, CH_CASES_ALL);
	check_int(ch_casesreq_decode(three, 1, &a), ==, 0);
	check_int(a, ==, CH_CASES_ALL | CH_CASES_NONAMES);
	make_casesreq(&b, &n);
	check_int(ch_casesreq_decode(b, n, &a), ==, 0);
	check_int(a, ==, CH_CASES_DAILY);
	free(b);
	check_int(ch_casesreq_decode(four, 1, &a), ==, CH_ERR_VALUE);
	check_int(ch_casesreq_decode(pair, 2, &a), ==, CH_ERR_TRAILING);
	check_int(ch_casesreq_encode(4, &b, &n), ==, CH_ERR_VALUE);
}

TEST(same_name_folds_ascii_only)
{
	ch_slice_t a = { (const uint8_t *)"Mevr. Jansen", 12 };
	ch_slice_t b = { (const uint8_t *)"MEVR. JANSEN", 12 };
	ch_slice_t c = { (const uint8_t *)"Mevr. Janssen", 13 };
	ch_slice_t e1 = { (const uint8_t *)"\xc3\x89lise", 6 }; /* Élise */
	ch_slice_t e2 = { (const uint8_t *)"\xc3\xa9lise", 6 }; /* élise */
	ch_slice_t none = { NULL, 0 };
	check(ch_casename_same(&a, &b));
	check(!ch_casename_same(&a, &c));
	check(ch_casename_same(&e1, &e1));
	check(!ch_casename_same(&e1, &e2));
	check(!ch_casename_same(&none, &none));
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--print-vectors") == 0) {
		void (*makers[])(uint8_t **, size_t *) = { make_postreq, make_postrep,
			make_status, make_caselist, make_peerlist, make_casesreq, make_caseref,
			make_wherereq, make_whererep };
		const char *names[] = { "post request", "post reply", "status",
			"case list", "peer list", "cases request", "case reference",
			"where request", "where reply" };
		for (int i = 0; i < 7; i++) {
			uint8_t *b;
			size_t n;
			makers[i](&b, &n);
			printf("%s:\n%s\n", names[i], hex(b, n));
			free(b);
		}
		return 0;
	}
	TAP_RUN(golden_vectors);
	TAP_RUN(framing_of_every_body);
	TAP_RUN(roundtrip_values);
	TAP_RUN(where_values_and_refusals);
	TAP_RUN(verify_values_and_refusals);
	TAP_RUN(status_version_and_older_daemons);
	TAP_RUN(notify_refusals);
	TAP_RUN(lying_counts_are_refused_before_allocating);
	TAP_RUN(case_list_values);
	TAP_RUN(cases_request_flag);
	TAP_RUN(same_name_folds_ascii_only);
	return TAP_DONE();
}
