/* fuzz_readreq.c - ch_readreq_decode: anything accepted is at most
 * CH_READREQ_MAX bytes, meets every rule, carries a valid signature by the
 * provider it names over every byte before the signature, and names no
 * signed byte that the decoder did not read (the bytes it holds encode back
 * to the input: re-signing needs the secret key, so the fields are
 * re-encoded here by hand from the decoded values and compared; a request
 * by the fixture's provider, as the seeds are, is re-signed with
 * ch_readreq_sign and must come back byte for byte). */
#include "fuzz.h"

static size_t
put_be(uint8_t *p, uint64_t v, size_t w)
{
	for (size_t i = 0; i < w; i++)
		p[i] = (uint8_t)(v >> (8 * (w - 1 - i)));
	return w;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[CH_READREQ_MAX];
	ch_readreq_t r;

	fuzz_init();
	if (ch_readreq_decode(data, size, &r) != 0)
		return 0;
	FUZZ_CHECK(size <= CH_READREQ_MAX);
	FUZZ_CHECK(size >= CH_SIG_LEN);
	FUZZ_CHECK(crypto_sign_verify_detached(data + size - CH_SIG_LEN, data,
	    size - CH_SIG_LEN, r.provider) == 0);
	FUZZ_CHECK(memcmp(r.sig, data + size - CH_SIG_LEN, CH_SIG_LEN) == 0);
	FUZZ_CHECK(r.action >= CH_ACT_CREATE && r.action <= CH_ACT_SEARCH);
	FUZZ_CHECK(r.purpose >= CH_PURPOSE_TREATMENT && r.purpose <= CH_PURPOSE_AUDIT);
	FUZZ_CHECK((r.flags & ~CH_RQ_FLAGS_ALL) == 0 && r.last <= CH_PAGE_MAX);
	FUZZ_CHECK((r.kinds & 1) == 0 && (r.audiences & 0x81) == 0);
	FUZZ_CHECK(r.until == 0 || r.since < r.until);
	size_t slen = strlen(r.search);
	FUZZ_CHECK(slen <= CH_SEARCH_MAX);

	/* The decoded fields written back in the wire order. */
	size_t o = 0;
	memcpy(buf, "CHRQ", 4);
	o = 4;
	buf[o++] = CH_READREQ_VERSION;
	buf[o++] = r.action;
	buf[o++] = r.purpose;
	buf[o++] = r.flags;
	o += put_be(buf + o, 0, 3);
	memcpy(buf + o, r.case_id, CH_CASE_LEN);
	o += CH_CASE_LEN;
	o += put_be(buf + o, r.time_ms, 8);
	memcpy(buf + o, r.nonce, 16);
	o += 16;
	memcpy(buf + o, r.provider, 32);
	o += 32;
	o += put_be(buf + o, r.kinds, 8);
	buf[o++] = r.audiences;
	memcpy(buf + o, r.org, 32);
	o += 32;
	memcpy(buf + o, r.author, 32);
	o += 32;
	o += put_be(buf + o, r.since, 8);
	o += put_be(buf + o, r.until, 8);
	o += put_be(buf + o, r.last, 4);
	o += put_be(buf + o, r.cursor.time, 8);
	memcpy(buf + o, r.cursor.org, 32);
	o += 32;
	o += put_be(buf + o, r.cursor.seq, 8);
	memcpy(buf + o, r.entry, 32);
	o += 32;
	o += put_be(buf + o, slen, 4);
	memcpy(buf + o, r.search, slen);
	o += slen;
	memcpy(buf + o, r.sig, CH_SIG_LEN);
	o += CH_SIG_LEN;
	FUZZ_CHECK(o == size && memcmp(buf, data, size) == 0);

	/* Signed by the fixture's provider (the seeds): the encoder itself,
	 * re-signing, gives the input back. */
	uint8_t cid[CH_CASE_LEN], pk[32], sk[64], *out;
	size_t n;
	fuzz_provider(cid, pk, sk);
	if (memcmp(r.provider, pk, 32) == 0) {
		int rc = ch_readreq_sign(&r, sk, &out, &n);
		fuzz_same(rc, out, n, data, size);
	}
	return 0;
}
