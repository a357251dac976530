/* test_kinds.c - proto/kinds.h: the fields of the care kinds. Known-answer
 * vectors (the same hex as proto/PROTOCOL.md "Fields of the kinds" and
 * tests/vectors/kinds.txt), round trips, and for each kind: every prefix
 * and a trailing byte fail, every enum outside its range, every zero or
 * repeated org, a count above its maximum, bad UTF-8 and an empty required
 * text are refused, by the encoder and by the decoder alike.
 * Run with --print-vectors to print the vectors. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "kinds_fixture.h"
#include "../proto/cbuf.h"
#include "../proto/entry.h"
#include "../proto/kinds.h"
#include "../proto/names.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The vectors, kinds 1..14 (test_kinds --print-vectors). */
static const char *const kat[CH_KIND_CARE_LAST + 1] = {
	[1] =
	    "000000214d6576722e204a616e73656e20736c6570742077656c6c3b206e6f20"
	    "7061696e2e",
	[2] =
	    "01010000004ec2ab20526573746572206368657a206d6f69206a7573717527c3"
	    "a0206c612066696e206475206261696c2c2065742063686f69736972206d6f69"
	    "2d6dc3aa6d652071756920656e7472652e20c2bb0002a0a0a0a0a0a0a0a0a0a0"
	    "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a3a3a3a3a3a3a3a3a3a3"
	    "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3",
	[3] =
	    "0100a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"
	    "a0a0b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1"
	    "b1b1000001a2456e8280e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1"
	    "e1e1e1e1e1e1e1e1e1e100000030576f756e64206361726520636865636b3a20"
	    "6c656674206865656c2c206368616e676520746865206472657373696e67",
	[4] =
	    "01000001a2560fb6400000002d00000029436f6e73756c746174696f6e20656e"
	    "2070737963686961747269652c2044722e204c6566c3a87672650000002448c3"
	    "b4706974616c205361696e742d5069657272652c207275652048617574652033"
	    "32320000001c4d6576722e204a616e73656e20656e206861617220646f636874"
	    "65720002a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2"
	    "a2a2a2a2a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3"
	    "a3a3a3a3",
	[5] =
	    "030000005256616c20696e206465206261646b616d65722076616e6e61636874"
	    "3b20626c6175776520706c656b206f7020646520686575702e2057696c206e69"
	    "6574206e61617220686574207a69656b656e687569732e0002a0a0a0a0a0a0a0"
	    "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a1a1a1a1a1a1a1"
	    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
	[6] =
	    "e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2"
	    "000000605061737361676520c3a0203134682c2068616e636865206578616d69"
	    "6ec3a965203a20706173206465206672616374757265206170706172656e7465"
	    "2e204c65206dc3a9646563696e207472616974616e7420657374207072c3a976"
	    "656e752e",
	[7] =
	    "a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4"
	    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	    "0302020000002848c3b4706974616c205361696e742d5069657272652c206dc3"
	    "a9646563696e6520696e7465726e650000001a53616d75736f6369616c2c2063"
	    "656e747265206465206a6f75720000002bd985d8add985d8af2c20766961204d"
	    "6576722e20456c20416d72616e692028696e7465727072c3a874652900000050"
	    "496e73756c696e65736368656d612075697467656c656764206d657420746f6c"
	    "6b3b2068696a206b7265656720686574206d6565206f70207061706965722c20"
	    "696e206865742041726162697363682e0000009e536f72746965206c65203320"
	    "64c3a963656d6272652e2044696162c3a87465206465207479706520322064c3"
	    "a973c3a97175696c696272c3a9203b20696e73756c696e6520696e64697175c3"
	    "a965206d6169732070617320646520667269676f2e2052656e64657a2d766f75"
	    "7320c3a0206c27616d62617373616465206c652031302064c3a963656d627265"
	    "20706f75722073657320706170696572732e",
	[8] =
	    "03020000019bbef3b000000001a316a4dc000000000c4d6576722e204a616e73"
	    "656e000000134468722e205065657465727320287a6f6f6e290000000e726570"
	    "726573656e7461746976650000003753636872696674656c696a6b6520766f6c"
	    "6d616368743b2065656e206b6f706965206c69677420696e2064652067656c65"
	    "20646f6f732e",
	[9] =
	    "000001a26b327a8000000071312e2051756920657374206c6120706572736f6e"
	    "6e6520646520636f6e74616374203f0a322e2046696e206475206261696c2065"
	    "6e206a75696e203a206c6f67656d656e742e0a332e2048796769c3a86e65203a"
	    "20636520717565204d6576722e204a616e73656e20616363657074652e0003a0"
	    "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a1"
	    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a3"
	    "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3",
	[10] =
	    "e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3"
	    "0000005157696a206b756e6e656e2064726965206b6565722070657220776565"
	    "6b206c616e67736b6f6d656e3b20646f756368656e20616c6c65656e20616c73"
	    "207a696a20686574207a656c66207672616167742e",
	[11] =
	    "e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3"
	    "000001a3690a9c00000000464c6520435041532064657669656e74206c612070"
	    "6572736f6e6e6520646520636f6e74616374203b206c27c3a971756970652050"
	    "545a20726573746520656e2073756976692e0002a1a1a1a1a1a1a1a1a1a1a1a1"
	    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a3a3a3a3a3a3a3a3a3a3a3a3"
	    "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3",
	[12] =
	    "010000000e0000004d537461626c652073696e63652074686520636f6e73756c"
	    "746174696f6e3b20636865636b20696e2065766572792074776f207765656b73"
	    "20756e74696c20746865206c6561736520656e64732e",
	[13] =
	    "e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4"
	    "00000036417070656cc3a9206c652032302f3132203a20746f75742076612062"
	    "69656e2c2073612066696c6c65206573742070617373c3a9652e",
	[14] =
	    "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5"
	    "01",
};

/* ---- helpers ---- */

static void *
at(ch_fields_t *f, const ch_field_t *d)
{
	return (uint8_t *)f + d->off;
}

/* Writes f as the table says, without judging a single value: the inputs
 * the decoder must refuse. Text of any length, NULL as empty. */
static uint8_t *
raw_encode(ch_fields_t *f, size_t *len)
{
	const ch_field_t *t;
	size_t n;
	cwr_t w;

	t = ch_kind_fields(f->kind, &n);
	cwr_init(&w, 1u << 24);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *v = at(f, &t[i]);
		switch (t[i].type) {
		case CH_FT_ENUM:
		case CH_FT_FLAG:
			cwr_u8(&w, *v);
			break;
		case CH_FT_U32:
			cwr_u32(&w, *(const uint32_t *)(const void *)v);
			break;
		case CH_FT_TIME:
			cwr_u64(&w, *(const uint64_t *)(const void *)v);
			break;
		case CH_FT_TEXT:
		case CH_FT_ROLE: {
			const char *s = *(char *const *)(const void *)v;
			size_t l = s ? strlen(s) : 0;
			cwr_u32(&w, (uint32_t)l);
			cwr_put(&w, s, l);
			break;
		}
		case CH_FT_ORGS: {
			const ch_orgs_t *o = (const ch_orgs_t *)(const void *)v;
			cwr_u16(&w, (uint16_t)o->n);
			for (size_t j = 0; j < o->n; j++)
				cwr_put(&w, o->id[j], 32);
			break;
		}
		default:
			cwr_put(&w, v, 32);
		}
	}
	return cwr_take(&w, len);
}

/* Where field i starts in the encoding of f. */
static size_t
field_off(const ch_fields_t *f, size_t idx)
{
	const ch_field_t *t;
	size_t n, off = 0;

	t = ch_kind_fields(f->kind, &n);
	for (size_t i = 0; i < idx; i++) {
		const uint8_t *v = (const uint8_t *)f + t[i].off;
		switch (t[i].type) {
		case CH_FT_ENUM: case CH_FT_FLAG: off += 1; break;
		case CH_FT_U32: off += 4; break;
		case CH_FT_TIME: off += 8; break;
		case CH_FT_TEXT:
		case CH_FT_ROLE: {
			const char *s = *(char *const *)(const void *)v;
			off += 4 + (s ? strlen(s) : 0);
			break;
		}
		case CH_FT_ORGS:
			off += 2 + 32 * ((const ch_orgs_t *)(const void *)v)->n;
			break;
		default: off += 32;
		}
	}
	return off;
}

/* The encoder refuses f with want, and so does the decoder given the same
 * fields written raw. Returns 1 if both did. */
static int
refused(ch_fields_t *f, int want)
{
	uint8_t *p, *q;
	size_t n, qn;
	ch_fields_t d;
	int ok = 1;

	int rc = ch_fields_encode(f, &q, &qn);
	if (rc != want) {
		printf("# kind %u: encoder gave %d, want %d\n", f->kind, rc, want);
		ok = 0;
		if (rc == 0)
			free(q);
	}
	p = raw_encode(f, &n);
	rc = ch_fields_decode(f->kind, p, n, &d);
	if (rc != want) {
		printf("# kind %u: decoder gave %d, want %d\n", f->kind, rc, want);
		ok = 0;
		if (rc == 0)
			ch_fields_clear(&d);
	}
	free(p);
	return ok;
}

static int
dec_ok(uint8_t kind, const uint8_t *p, size_t n)
{
	ch_fields_t d;
	int rc = ch_fields_decode(kind, p, n, &d);
	if (rc == 0)
		ch_fields_clear(&d);
	else {
		/* A failed decode leaves nothing to free. */
		ch_fields_t z;
		memset(&z, 0, sizeof(z));
		z.kind = kind;
		if (memcmp(&z, &d, sizeof(d)) != 0)
			rc = 99;
	}
	return rc;
}

static int
dec_patched(uint8_t kind, const uint8_t *p, size_t n, size_t off, uint8_t v)
{
	uint8_t *q = malloc(n);
	memcpy(q, p, n);
	q[off] = v;
	int rc = dec_ok(kind, q, n);
	free(q);
	return rc;
}

static void
set_text(ch_fields_t *f, const ch_field_t *d, const char *s)
{
	char **t = at(f, d);
	free(*t);
	*t = s ? kfix_dup(s) : NULL;
}

static const char *
hex(const uint8_t *p, size_t n)
{
	static char buf[2 * CH_FIELDS_MAX + 1];
	sodium_bin2hex(buf, sizeof(buf), p, n);
	return buf;
}

/* ---- tests ---- */

TEST(care_kinds_and_tables)
{
	size_t n;

	for (unsigned k = 0; k < 256; k++) {
		check(ch_kind_is_care((uint8_t)k) == (k >= 1 && k <= 14));
		check((ch_kind_fields((uint8_t)k, &n) != NULL) == (k >= 1 && k <= 14));
		const char *name = ch_kind_name((uint8_t)k);
		if (k >= 1 && k <= 14)
			check(name != NULL);
	}
	check(ch_kind_fields(15, &n) == NULL && n == 0);
	/* The largest fields of every kind fit a plain body's fields var. */
	for (uint8_t k = 1; k <= CH_KIND_CARE_LAST; k++) {
		const ch_field_t *t = ch_kind_fields(k, &n);
		size_t max = 0, nref = 0;
		for (size_t i = 0; i < n; i++) {
			switch (t[i].type) {
			case CH_FT_ENUM: case CH_FT_FLAG: max += 1; break;
			case CH_FT_U32: max += 4; break;
			case CH_FT_TIME: max += 8; break;
			case CH_FT_TEXT: case CH_FT_ROLE: max += 4 + t[i].max; break;
			case CH_FT_ORGS: max += 2 + 32 * t[i].max; break;
			case CH_FT_ENTRY: nref++; max += 32; break;
			default: max += 32;
			}
			check(t[i].min <= t[i].max);
		}
		check_int(max, <=, CH_FIELDS_MAX);
		check_int(nref, <=, CH_REFS_MAX);
	}
	/* CH_FIELDS_MAX is the plain body's limit: that many bytes go in, one
	 * more does not. */
	uint8_t *fields = calloc(1, CH_FIELDS_MAX + 1), *out;
	size_t len;
	ch_plain_t p;
	uint8_t case_id[CH_CASE_LEN] = { 0 };
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = CH_KIND_GOAL;
	p.fields = fields;
	p.fieldslen = CH_FIELDS_MAX;
	check_int(ch_plain_encode(&p, case_id, CH_AUD_CARE, NULL, &out, &len), ==, 0);
	free(out);
	p.fieldslen = CH_FIELDS_MAX + 1;
	check_int(ch_plain_encode(&p, case_id, CH_AUD_CARE, NULL, &out, &len), ==,
	    CH_ERR_TOOBIG);
	free(fields);
}

TEST(vectors)
{
	for (uint8_t k = 1; k <= CH_KIND_CARE_LAST; k++) {
		ch_fields_t f, d;
		uint8_t *out, *again, want[CH_FIELDS_MAX];
		size_t n, n2;

		kfix_golden(k, &f);
		check_int(ch_fields_encode(&f, &out, &n), ==, 0);
		int wl = kat[k] ? tap_unhex(kat[k], want, sizeof(want)) : -1;
		check_int(wl, ==, (long long)n);
		if (wl == (int)n)
			check_mem(out, want, n);
		/* Decoded, it encodes to the same bytes. */
		check_int(ch_fields_decode(k, out, n, &d), ==, 0);
		check_int(d.kind, ==, k);
		check_int(ch_fields_encode(&d, &again, &n2), ==, 0);
		check(n2 == n && memcmp(again, out, n) == 0);
		free(again);
		ch_fields_clear(&d);
		ch_fields_clear(&d);  /* twice is harmless */
		free(out);
		ch_fields_clear(&f);
	}
}

TEST(roundtrip_fields)
{
	ch_fields_t f, d;
	uint8_t *out;
	size_t n;

	kfix_golden(CH_KIND_HANDOVER, &f);
	check_int(ch_fields_encode(&f, &out, &n), ==, 0);
	check_int(ch_fields_decode(CH_KIND_HANDOVER, out, n, &d), ==, 0);
	check_str(d.u.handover.person, "محمد, via Mevr. El Amrani (interprète)");
	check_str(d.u.handover.to, "Samusocial, centre de jour");
	check_int(d.u.handover.isolation, ==, 3);
	check_mem(d.u.handover.contact, f.u.handover.contact, 32);
	ch_fields_clear(&d);
	free(out);
	ch_fields_clear(&f);

	kfix_golden(CH_KIND_CONSULTATION, &f);
	check_int(ch_fields_encode(&f, &out, &n), ==, 0);
	check_int(ch_fields_decode(CH_KIND_CONSULTATION, out, n, &d), ==, 0);
	check_int(d.u.consult.invited.n, ==, 3);
	check_mem(d.u.consult.invited.id, f.u.consult.invited.id, 3 * 32);
	check_int(d.u.consult.answer_by, ==, KFIX_T_ANSWER);
	check(strchr(d.u.consult.agenda, '\n') != NULL);
	ch_fields_clear(&d);
	free(out);
	ch_fields_clear(&f);

	/* Optional texts come back as "", never NULL. */
	kfix_golden(CH_KIND_ACK, &f);
	set_text(&f, &ch_kind_fields(CH_KIND_ACK, &n)[1], NULL);
	check_int(ch_fields_encode(&f, &out, &n), ==, 0);
	check_int(n, ==, 36);
	check_int(ch_fields_decode(CH_KIND_ACK, out, n, &d), ==, 0);
	check_str(d.u.ack.text, "");
	ch_fields_clear(&d);
	free(out);
	ch_fields_clear(&f);

	/* Not a care kind: nothing to encode or decode. */
	memset(&f, 0, sizeof(f));
	for (unsigned k = 0; k < 256; k += (k == 0 ? 15 : 1)) {
		f.kind = (uint8_t)k;
		check_int(ch_fields_encode(&f, &out, &n), ==, CH_ERR_VALUE);
		check_int(ch_fields_decode((uint8_t)k, (const uint8_t *)"", 0, &d), ==,
		    CH_ERR_VALUE);
	}
}

/* The note is the note codec, spelled through the table. */
TEST(note_is_ch_note)
{
	ch_fields_t f, d;
	uint8_t *a, *b;
	size_t an, bn, n;

	kfix_golden(CH_KIND_NOTE, &f);
	check_int(ch_fields_encode(&f, &a, &an), ==, 0);
	check_int(ch_note_encode(f.u.note.text, &b, &bn), ==, 0);
	check(an == bn && memcmp(a, b, an) == 0);
	check_int(ch_fields_decode(CH_KIND_NOTE, a, an, &d), ==, 0);
	check_str(d.u.note.text, f.u.note.text);
	ch_fields_clear(&d);
	const ch_field_t *t = ch_kind_fields(CH_KIND_NOTE, &n);
	check(n == 1 && t[0].type == CH_FT_TEXT && t[0].min == 1 &&
	    t[0].max == CH_TEXT_MAX);
	check(*(char **)at(&f, &t[0]) == f.u.note.text);
	free(a);
	free(b);
	ch_fields_clear(&f);
	f.kind = CH_KIND_NOTE;
	check_int(ch_fields_encode(&f, &a, &an), ==, CH_ERR_VALUE);
}

TEST(framing)
{
	for (uint8_t k = 1; k <= CH_KIND_CARE_LAST; k++) {
		ch_fields_t f;
		uint8_t *p, *q;
		size_t n;
		int bad = 0;

		kfix_golden(k, &f);
		check_int(ch_fields_encode(&f, &p, &n), ==, 0);
		/* Each prefix is a heap copy of exactly that length (ASan). */
		for (size_t i = 0; i < n; i++) {
			q = malloc(i ? i : 1);
			memcpy(q, p, i);
			int rc = dec_ok(k, q, i);
			if (rc != CH_ERR_TRUNCATED) {
				printf("# kind %u: prefix %zu/%zu gave %d\n", k, i, n, rc);
				bad = 1;
			}
			free(q);
		}
		q = malloc(n + 1);
		memcpy(q, p, n);
		q[n] = 0;
		check_int(dec_ok(k, q, n + 1), ==, CH_ERR_TRAILING);
		check_int(dec_ok(k, p, n), ==, 0);
		check(!bad);
		free(q);
		free(p);
		ch_fields_clear(&f);
	}
}

/* Every enum, flag and bounded number: the values in range pass, the
 * others are CH_ERR_VALUE, on both sides. */
TEST(ranges)
{
	for (uint8_t k = 2; k <= CH_KIND_CARE_LAST; k++) {
		size_t nf;
		const ch_field_t *t = ch_kind_fields(k, &nf);
		for (size_t i = 0; i < nf; i++) {
			const ch_field_t *d = &t[i];
			ch_fields_t f;
			uint8_t *p;
			size_t n;

			kfix_golden(k, &f);
			if (d->type == CH_FT_ENUM || d->type == CH_FT_FLAG) {
				check_int(ch_fields_encode(&f, &p, &n), ==, 0);
				size_t off = field_off(&f, i);
				for (unsigned v = 0; v < 256; v++) {
					int in = v >= d->min && v <= d->max;
					/* An enum's values are the named ones. */
					if (d->type == CH_FT_ENUM)
						check(in == (ch_value_name(d->set, (uint8_t)v) != NULL));
					int rc = dec_patched(k, p, n, off, (uint8_t)v);
					if (!(in ? rc == 0 : rc == CH_ERR_VALUE)) {
						printf("# kind %u %s = %u gave %d\n", k, d->name, v, rc);
						check(0);
					}
					uint8_t save = *(uint8_t *)at(&f, d);
					*(uint8_t *)at(&f, d) = (uint8_t)v;
					if (!in)
						check(refused(&f, CH_ERR_VALUE));
					*(uint8_t *)at(&f, d) = save;
				}
				free(p);
			} else if (d->type == CH_FT_U32) {
				uint32_t *v = at(&f, d);
				if (d->min > 0) {
					*v = (uint32_t)d->min - 1;
					check(refused(&f, CH_ERR_VALUE));
				}
				*v = (uint32_t)d->max + 1;
				check(refused(&f, CH_ERR_VALUE));
				*v = (uint32_t)d->max;
				check_int(ch_fields_encode(&f, &p, &n), ==, 0);
				free(p);
				*v = UINT32_MAX;
				check(refused(&f, CH_ERR_VALUE));
			} else if (d->type == CH_FT_TIME && d->min) {
				*(uint64_t *)at(&f, d) = 0;
				check(refused(&f, CH_ERR_VALUE));
			}
			ch_fields_clear(&f);
		}
	}
}

/* Required ids are non-zero; an optional one may be zeros. */
TEST(ids)
{
	for (uint8_t k = 2; k <= CH_KIND_CARE_LAST; k++) {
		size_t nf;
		const ch_field_t *t = ch_kind_fields(k, &nf);
		for (size_t i = 0; i < nf; i++) {
			ch_fields_t f;
			uint8_t *p;
			size_t n;

			if (t[i].type != CH_FT_ENTRY && t[i].type != CH_FT_ORG &&
			    t[i].type != CH_FT_KEY)
				continue;
			kfix_golden(k, &f);
			memset(at(&f, &t[i]), 0, 32);
			/* The task's owner: only an agenda item may lack one. */
			if (k == CH_KIND_TASK && strcmp(t[i].name, "owner") == 0) {
				check(refused(&f, CH_ERR_VALUE));
				f.u.task.agenda = 1;
				check_int(ch_fields_encode(&f, &p, &n), ==, 0);
				free(p);
			} else if (t[i].min)
				check(refused(&f, CH_ERR_VALUE));
			else {
				check_int(ch_fields_encode(&f, &p, &n), ==, 0);
				free(p);
			}
			ch_fields_clear(&f);
		}
	}
}

TEST(consent_period_and_role)
{
	ch_fields_t f;
	uint8_t *p;
	size_t n;

	kfix_golden(CH_KIND_CONSENT, &f);
	f.u.consent.until = f.u.consent.from;
	check(refused(&f, CH_ERR_VALUE));
	f.u.consent.until = f.u.consent.from - 1;
	check(refused(&f, CH_ERR_VALUE));
	f.u.consent.until = f.u.consent.from + 1;
	check_int(ch_fields_encode(&f, &p, &n), ==, 0);
	free(p);
	f.u.consent.until = 0;  /* open-ended */
	check_int(ch_fields_encode(&f, &p, &n), ==, 0);
	free(p);
	const ch_field_t *role = &ch_kind_fields(CH_KIND_CONSENT, &n)[6];
	check_str(role->name, "role");
	static const char *const bad[] = { "", "Representative", "trusted person",
	    "mandataire_", "représentant", "a\tb" };
	for (size_t i = 0; i < NELEM(bad); i++) {
		set_text(&f, role, bad[i]);
		check(refused(&f, CH_ERR_VALUE));
	}
	char long_role[CH_KROLE_MAX + 2];
	memset(long_role, 'a', sizeof(long_role) - 1);
	long_role[CH_KROLE_MAX + 1] = '\0';
	set_text(&f, role, long_role);
	check(refused(&f, CH_ERR_TOOBIG));
	long_role[CH_KROLE_MAX] = '\0';
	set_text(&f, role, long_role);
	check_int(ch_fields_encode(&f, &p, &n), ==, 0);
	free(p);
	set_text(&f, role, "trusted-person");
	check_int(ch_fields_encode(&f, &p, &n), ==, 0);
	free(p);
	ch_fields_clear(&f);
}

/* Org lists: no zero id, no id twice, at most 64, at least the minimum;
 * the count is judged before anything is allocated for it. */
TEST(org_lists)
{
	for (uint8_t k = 2; k <= CH_KIND_CARE_LAST; k++) {
		size_t nf;
		const ch_field_t *t = ch_kind_fields(k, &nf);
		for (size_t i = 0; i < nf; i++) {
			ch_fields_t f;
			ch_orgs_t *o;
			uint8_t *p;
			size_t n;

			if (t[i].type != CH_FT_ORGS)
				continue;
			kfix_golden(k, &f);
			o = at(&f, &t[i]);
			check_int(o->n, >=, 2);
			check(t[i].max == CH_ORGS_MAX);
			/* A zero org, first or last. */
			uint8_t keep[32];
			memcpy(keep, o->id[0], 32);
			memset(o->id[0], 0, 32);
			check(refused(&f, CH_ERR_VALUE));
			memcpy(o->id[0], keep, 32);
			memset(o->id[o->n - 1], 0, 32);
			check(refused(&f, CH_ERR_VALUE));
			/* The same org twice. */
			memcpy(o->id[o->n - 1], o->id[0], 32);
			check(refused(&f, CH_ERR_VALUE));
			/* The largest list, then one more. */
			free(o->id);
			o->id = malloc((CH_ORGS_MAX + 1) * 32);
			for (size_t j = 0; j <= CH_ORGS_MAX; j++) {
				memset(o->id[j], 0x40, 32);
				o->id[j][0] = (uint8_t)(j + 1);
			}
			o->n = CH_ORGS_MAX;
			check_int(ch_fields_encode(&f, &p, &n), ==, 0);
			check_int(dec_ok(k, p, n), ==, 0);
			free(p);
			o->n = CH_ORGS_MAX + 1;
			check(refused(&f, CH_ERR_TOOBIG));
			/* Empty: allowed unless the kind needs addressees. */
			o->n = 0;
			if (t[i].min)
				check(refused(&f, CH_ERR_VALUE));
			else {
				check_int(ch_fields_encode(&f, &p, &n), ==, 0);
				free(p);
			}
			/* A count the input cannot hold is truncated, and a count
			 * above the maximum too big, whatever follows: the org
			 * list is the last field, so cut the input after its
			 * count and claim more. */
			o->n = 1;
			check(i == nf - 1);
			uint8_t *raw = raw_encode(&f, &n);
			size_t off = field_off(&f, i);
			check_int(n, ==, off + 2 + 32);
			raw[off] = 0;
			raw[off + 1] = 2;
			check_int(dec_ok(k, raw, n), ==, CH_ERR_TRUNCATED);
			raw[off + 1] = CH_ORGS_MAX;
			check_int(dec_ok(k, raw, n), ==, CH_ERR_TRUNCATED);
			raw[off + 1] = CH_ORGS_MAX + 1;
			check_int(dec_ok(k, raw, n), ==, CH_ERR_TOOBIG);
			raw[off] = 0xff;
			raw[off + 1] = 0xff;
			check_int(dec_ok(k, raw, off + 2), ==, CH_ERR_TOOBIG);
			free(raw);
			ch_fields_clear(&f);
		}
	}
}

/* Texts: bad UTF-8, a NUL, an empty required text, one byte too long. */
TEST(texts)
{
	for (uint8_t k = 2; k <= CH_KIND_CARE_LAST; k++) {
		size_t nf;
		const ch_field_t *t = ch_kind_fields(k, &nf);
		for (size_t i = 0; i < nf; i++) {
			const ch_field_t *d = &t[i];
			ch_fields_t f;
			uint8_t *p;
			size_t n;

			if (d->type != CH_FT_TEXT)
				continue;
			kfix_golden(k, &f);
			/* A NUL or a stray byte inside, by the decoder (a C
			 * string cannot hold the NUL). */
			check_int(ch_fields_encode(&f, &p, &n), ==, 0);
			size_t off = field_off(&f, i) + 4;
			check_int(dec_patched(k, p, n, off, 0x00), ==, CH_ERR_VALUE);
			check_int(dec_patched(k, p, n, off, 0xff), ==, CH_ERR_VALUE);
			check_int(dec_patched(k, p, n, off, 0x80), ==, CH_ERR_VALUE);
			free(p);
			static const char *const bad_utf8[] = {
				"caf\xc3", "\xc3\x28", "\xed\xa0\x80", "\xc0\xaf",
				"\xf4\x90\x80\x80", "\xfe",
			};
			for (size_t j = 0; j < NELEM(bad_utf8); j++) {
				set_text(&f, d, bad_utf8[j]);
				check(refused(&f, CH_ERR_VALUE));
			}
			/* Empty, and NULL (which encodes as empty). */
			set_text(&f, d, "");
			if (d->min)
				check(refused(&f, CH_ERR_VALUE));
			else {
				check_int(ch_fields_encode(&f, &p, &n), ==, 0);
				free(p);
			}
			set_text(&f, d, NULL);
			if (d->min)
				check(refused(&f, CH_ERR_VALUE));
			/* The longest text, then one byte more. */
			char *s = malloc(d->max + 2);
			memset(s, 'e', d->max + 1);
			s[d->max + 1] = '\0';
			set_text(&f, d, s);
			check(refused(&f, CH_ERR_TOOBIG));
			s[d->max] = '\0';
			set_text(&f, d, s);
			check_int(ch_fields_encode(&f, &p, &n), ==, 0);
			check_int(dec_ok(k, p, n), ==, 0);
			free(p);
			free(s);
			ch_fields_clear(&f);
		}
	}
}

TEST(refs)
{
	static const struct { uint8_t kind, to; int entry; } want[] = {
		{ CH_KIND_TASK, CH_KIND_GOAL, 1 },
		{ CH_KIND_ACK, 0, 2 },         /* an alert or a handover */
		{ CH_KIND_ANSWER, CH_KIND_CONSULTATION, 3 },
		{ CH_KIND_DECISION, CH_KIND_CONSULTATION, 3 },
		{ CH_KIND_CHECKIN, CH_KIND_KEEP, 4 },
		{ CH_KIND_HIDE, 0, 5 },
	};
	ch_ref_t r[CH_REFS_MAX];
	ch_fields_t f;
	uint8_t id[32];
	size_t nrefs = 0;

	for (uint8_t k = 1; k <= CH_KIND_CARE_LAST; k++) {
		kfix_golden(k, &f);
		size_t n = ch_fields_refs(&f, r);
		int found = 0;
		for (size_t i = 0; i < NELEM(want); i++) {
			if (want[i].kind != k)
				continue;
			found = 1;
			kfix_entry(want[i].entry, id);
			check_int(n, ==, 1);
			if (n == 1) {
				check_mem(r[0].id, id, 32);
				check_int(r[0].kind, ==, want[i].to);
			}
		}
		if (!found)
			check_int(n, ==, 0);
		nrefs += n;
		ch_fields_clear(&f);
	}
	check_int(nrefs, ==, NELEM(want));
	/* A task without a goal refers to nothing. */
	kfix_golden(CH_KIND_TASK, &f);
	memset(f.u.task.goal, 0, 32);
	check_int(ch_fields_refs(&f, r), ==, 0);
	ch_fields_clear(&f);
	memset(&f, 0, sizeof(f));
	f.kind = 99;
	check_int(ch_fields_refs(&f, r), ==, 0);
}

static void
print_vectors(void)
{
	for (uint8_t k = 1; k <= CH_KIND_CARE_LAST; k++) {
		ch_fields_t f;
		uint8_t *p;
		size_t n;

		kfix_golden(k, &f);
		if (ch_fields_encode(&f, &p, &n) != 0) {
			printf("%s: does not encode\n", ch_kind_name(k));
			exit(1);
		}
		printf("%s (kind %u, %zu bytes):\n", ch_kind_name(k), k, n);
		for (size_t i = 0; i < n; i += 32)
			printf("    %s\n", hex(p + i, n - i < 32 ? n - i : 32));
		free(p);
		ch_fields_clear(&f);
	}
}

/* The vectors as one hex string each, for the table at the top. */
static void
print_kat(void)
{
	for (uint8_t k = 1; k <= CH_KIND_CARE_LAST; k++) {
		ch_fields_t f;
		uint8_t *p;
		size_t n;

		kfix_golden(k, &f);
		if (ch_fields_encode(&f, &p, &n) != 0)
			exit(1);
		printf("\t[%u] =", k);
		for (size_t i = 0; i < n; i += 32)
			printf("\n\t    \"%s\"", hex(p + i, n - i < 32 ? n - i : 32));
		printf(",\n");
		free(p);
		ch_fields_clear(&f);
	}
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 2;
	if (argc > 1 && strcmp(argv[1], "--print-vectors") == 0) {
		print_vectors();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--print-kat") == 0) {
		print_kat();
		return 0;
	}
	TAP_RUN(care_kinds_and_tables);
	TAP_RUN(vectors);
	TAP_RUN(roundtrip_fields);
	TAP_RUN(note_is_ch_note);
	TAP_RUN(framing);
	TAP_RUN(ranges);
	TAP_RUN(ids);
	TAP_RUN(consent_period_and_role);
	TAP_RUN(org_lists);
	TAP_RUN(texts);
	TAP_RUN(refs);
	return TAP_DONE();
}
