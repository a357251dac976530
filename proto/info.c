/* info.c - codecs of the small client request and reply bodies. */
#include <stdlib.h>
#include <string.h>

#include "cbuf.h"
#include "info.h"

#define LIST_MAX 100000u

int
ch_postreq_encode(const ch_postreq_t *r, uint8_t **out, size_t *len)
{
	cwr_t w;
	cwr_init(&w, CH_MSG_MAX);
	cwr_put(&w, r->case_id, CH_CASE_LEN);
	cwr_u8(&w, r->audience);
	cwr_var(&w, r->plain.p, r->plain.n, CH_BODY_MAX);
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_TOOBIG;
}

int
ch_postreq_decode(const uint8_t *p, size_t n, ch_postreq_t *r)
{
	crd_t rd;
	crd_init(&rd, p, n);
	crd_copy(&rd, r->case_id, CH_CASE_LEN);
	r->audience = crd_u8(&rd);
	r->plain.p = crd_var(&rd, CH_BODY_MAX, &r->plain.n);
	int rc = crd_end(&rd);
	if (rc == 0 && (r->audience < CH_AUD_NETWORK || r->audience > CH_AUD_COORDINATION))
		rc = CH_ERR_VALUE;
	return rc;
}

int
ch_postrep_encode(const ch_postrep_t *r, uint8_t **out, size_t *len)
{
	cwr_t w;
	cwr_init(&w, 64);
	cwr_put(&w, r->case_id, CH_CASE_LEN);
	cwr_put(&w, r->id, CH_HASH_LEN);
	cwr_u64(&w, r->seq);
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_NOMEM;
}

int
ch_postrep_decode(const uint8_t *p, size_t n, ch_postrep_t *r)
{
	crd_t rd;
	crd_init(&rd, p, n);
	crd_copy(&rd, r->case_id, CH_CASE_LEN);
	crd_copy(&rd, r->id, CH_HASH_LEN);
	r->seq = crd_u64(&rd);
	return crd_end(&rd);
}

/* A daemon's version: 1..CH_VERSION_MAX bytes, printable ASCII only (a
 * client prints it as it is). */
static int
version_ok(const ch_slice_t *v)
{
	if (v->n < 1 || v->n > CH_VERSION_MAX)
		return 0;
	for (size_t i = 0; i < v->n; i++)
		if (v->p[i] < 0x20 || v->p[i] > 0x7e)
			return 0;
	return 1;
}

int
ch_status_encode(const ch_status_t *s, uint8_t **out, size_t *len)
{
	cwr_t w;
	*out = NULL;
	if (s->version.n ? !version_ok(&s->version) : s->started_ms || s->uptime_s)
		return CH_ERR_VALUE;
	cwr_init(&w, 16384);
	cwr_var(&w, s->card.p, s->card.n, 4096);
	cwr_var(&w, s->cert.p, s->cert.n, 4096);
	cwr_u32(&w, s->ncases);
	cwr_u32(&w, s->npeers);
	cwr_u32(&w, s->nconnected);
	cwr_u32(&w, s->ownforks);
	cwr_u32(&w, s->restore_ready);
	cwr_u32(&w, s->restore_total);
	if (s->version.n) {
		cwr_var(&w, s->version.p, s->version.n, CH_VERSION_MAX);
		cwr_u64(&w, s->started_ms);
		cwr_u64(&w, s->uptime_s);
	}
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_TOOBIG;
}

int
ch_status_decode(const uint8_t *p, size_t n, ch_status_t *s)
{
	crd_t rd;
	crd_init(&rd, p, n);
	s->card.p = crd_var(&rd, 4096, &s->card.n);
	s->cert.p = crd_var(&rd, 4096, &s->cert.n);
	s->ncases = crd_u32(&rd);
	s->npeers = crd_u32(&rd);
	s->nconnected = crd_u32(&rd);
	s->ownforks = crd_u32(&rd);
	s->restore_ready = crd_u32(&rd);
	s->restore_total = crd_u32(&rd);
	s->version.p = NULL;
	s->version.n = 0;
	s->started_ms = s->uptime_s = 0;
	/* An older daemon's reply ends here. */
	if (crd_left(&rd) == 0)
		return crd_end(&rd);
	s->version.p = crd_var(&rd, CH_VERSION_MAX, &s->version.n);
	s->started_ms = crd_u64(&rd);
	s->uptime_s = crd_u64(&rd);
	int rc = crd_end(&rd);
	if (rc == 0 && !version_ok(&s->version))
		rc = CH_ERR_VALUE;
	return rc;
}

int
ch_casesreq_encode(uint8_t flags, uint8_t **out, size_t *len)
{
	cwr_t w;
	if (flags & ~(CH_CASES_ALL | CH_CASES_NONAMES))
		return CH_ERR_VALUE;
	cwr_init(&w, 1);
	cwr_u8(&w, flags);
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_NOMEM;
}

int
ch_casesreq_decode(const uint8_t *p, size_t n, uint8_t *flags)
{
	crd_t rd;
	*flags = CH_CASES_ALL | CH_CASES_NONAMES;
	if (n == 0)
		return 0;
	crd_init(&rd, p, n);
	uint8_t v = crd_u8(&rd);
	int rc = crd_end(&rd);
	if (rc == 0 && (v & ~(CH_CASES_ALL | CH_CASES_NONAMES)))
		rc = CH_ERR_VALUE;
	if (rc == 0)
		*flags = v;
	return rc;
}

int
ch_caseref_encode(const uint8_t case_id[CH_CASE_LEN], uint8_t **out, size_t *len)
{
	cwr_t w;
	cwr_init(&w, CH_CASE_LEN);
	cwr_put(&w, case_id, CH_CASE_LEN);
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_NOMEM;
}

int
ch_caseref_decode(const uint8_t *p, size_t n, uint8_t case_id[CH_CASE_LEN])
{
	crd_t rd;
	crd_init(&rd, p, n);
	crd_copy(&rd, case_id, CH_CASE_LEN);
	return crd_end(&rd);
}

/* A text field of the case list: <= max bytes of UTF-8 without NUL. */
static int
text_ok(const ch_slice_t *s, size_t max)
{
	return s->n <= max && (s->n == 0 || (s->p && !memchr(s->p, 0, s->n) &&
	    ch_utf8_valid(s->p, s->n)));
}

/* Fixed part of a case record (91 bytes) and the two text lengths. */
#define CASEINFO_MIN (16 + 32 + 2 + 8 + 4 + 4 + 1 + 8 + 8 + 4 + 4)

int
ch_caselist_encode(const ch_caseinfo_t *v, size_t n, uint8_t **out, size_t *len)
{
	cwr_t w;
	if (n > LIST_MAX)
		return CH_ERR_TOOBIG;
	for (size_t i = 0; i < n; i++)
		if ((v[i].flags & ~CH_CASE_FLAGS) || !text_ok(&v[i].name, CH_CASE_NAME_MAX) ||
		    !text_ok(&v[i].coord_name, CH_CASE_NAME_MAX))
			return CH_ERR_VALUE;
	cwr_init(&w, CH_MSG_MAX);
	cwr_u32(&w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		cwr_put(&w, v[i].case_id, CH_CASE_LEN);
		cwr_put(&w, v[i].coordinator, 32);
		cwr_u16(&w, v[i].members);
		cwr_u64(&w, v[i].entries);
		cwr_u32(&w, v[i].epoch);
		cwr_u32(&w, v[i].forks);
		cwr_u8(&w, v[i].flags);
		cwr_u64(&w, v[i].last_ms);
		cwr_u64(&w, v[i].since_ms);
		cwr_var(&w, v[i].name.p, v[i].name.n, CH_CASE_NAME_MAX);
		cwr_var(&w, v[i].coord_name.p, v[i].coord_name.n, CH_CASE_NAME_MAX);
	}
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_TOOBIG;
}

int
ch_caselist_decode(const uint8_t *p, size_t n, ch_caseinfo_t **v, size_t *count)
{
	crd_t rd;
	uint32_t k;
	ch_caseinfo_t *a = NULL;
	int rc;

	*v = NULL;
	*count = 0;
	crd_init(&rd, p, n);
	k = crd_u32(&rd);
	/* Each record takes at least 91 bytes: a count the input cannot hold
	 * is a lie. */
	if (rd.err || k > LIST_MAX || (size_t)k * CASEINFO_MIN > crd_left(&rd))
		return rd.err ? rd.err : CH_ERR_TOOBIG;
	if (k && !(a = calloc(k, sizeof(*a))))
		return CH_ERR_NOMEM;
	for (uint32_t i = 0; i < k && !rd.err; i++) {
		crd_copy(&rd, a[i].case_id, CH_CASE_LEN);
		crd_copy(&rd, a[i].coordinator, 32);
		a[i].members = crd_u16(&rd);
		a[i].entries = crd_u64(&rd);
		a[i].epoch = crd_u32(&rd);
		a[i].forks = crd_u32(&rd);
		a[i].flags = crd_u8(&rd);
		a[i].last_ms = crd_u64(&rd);
		a[i].since_ms = crd_u64(&rd);
		a[i].name.p = crd_var(&rd, CH_CASE_NAME_MAX, &a[i].name.n);
		a[i].coord_name.p = crd_var(&rd, CH_CASE_NAME_MAX, &a[i].coord_name.n);
		if (!rd.err && ((a[i].flags & ~CH_CASE_FLAGS) ||
		    !text_ok(&a[i].name, CH_CASE_NAME_MAX) ||
		    !text_ok(&a[i].coord_name, CH_CASE_NAME_MAX)))
			rd.err = CH_ERR_VALUE;
	}
	if ((rc = crd_end(&rd)) != 0) {
		free(a);
		return rc;
	}
	*v = a;
	*count = k;
	return 0;
}

int
ch_casename_same(const ch_slice_t *a, const ch_slice_t *b)
{
	if (a->n == 0 || a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		uint8_t x = a->p[i], y = b->p[i];
		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

int
ch_peerlist_encode(const ch_peerinfo_t *v, size_t n, uint8_t **out, size_t *len)
{
	cwr_t w;
	if (n > LIST_MAX)
		return CH_ERR_TOOBIG;
	cwr_init(&w, CH_MSG_MAX);
	cwr_u32(&w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		cwr_var(&w, v[i].card.p, v[i].card.n, 4096);
		cwr_u8(&w, v[i].connected);
		cwr_u64(&w, v[i].last_heard_ms);
	}
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_TOOBIG;
}

int
ch_peerlist_decode(const uint8_t *p, size_t n, ch_peerinfo_t **v, size_t *count)
{
	crd_t rd;
	uint32_t k;
	ch_peerinfo_t *a = NULL;
	int rc;

	*v = NULL;
	*count = 0;
	crd_init(&rd, p, n);
	k = crd_u32(&rd);
	if (rd.err || k > LIST_MAX || (size_t)k * 13 > crd_left(&rd))
		return rd.err ? rd.err : CH_ERR_TOOBIG;
	if (k && !(a = calloc(k, sizeof(*a))))
		return CH_ERR_NOMEM;
	for (uint32_t i = 0; i < k; i++) {
		a[i].card.p = crd_var(&rd, 4096, &a[i].card.n);
		a[i].connected = crd_u8(&rd);
		a[i].last_heard_ms = crd_u64(&rd);
		if (a[i].connected > 1)
			rd.err = rd.err ? rd.err : CH_ERR_VALUE;
	}
	if ((rc = crd_end(&rd)) != 0) {
		free(a);
		return rc;
	}
	*v = a;
	*count = k;
	return 0;
}

int
ch_wherereq_encode(const ch_wherereq_t *r, uint8_t **out, size_t *len)
{
	cwr_t w;
	cwr_init(&w, 64);
	cwr_put(&w, r->case_id, CH_CASE_LEN);
	cwr_u64(&w, r->seq);
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_NOMEM;
}

int
ch_wherereq_decode(const uint8_t *p, size_t n, ch_wherereq_t *r)
{
	crd_t rd;
	crd_init(&rd, p, n);
	crd_copy(&rd, r->case_id, CH_CASE_LEN);
	r->seq = crd_u64(&rd);
	return crd_end(&rd);
}

int
ch_notifyreq_encode(const ch_notifyreq_t *r, uint8_t **out, size_t *len)
{
	cwr_t w;
	if (r->op > CH_NOTIFY_OFF)
		return CH_ERR_VALUE;
	cwr_init(&w, 17);
	cwr_put(&w, r->case_id, CH_CASE_LEN);
	cwr_u8(&w, r->op);
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_NOMEM;
}

int
ch_notifyreq_decode(const uint8_t *p, size_t n, ch_notifyreq_t *r)
{
	crd_t rd;
	crd_init(&rd, p, n);
	crd_copy(&rd, r->case_id, CH_CASE_LEN);
	r->op = crd_u8(&rd);
	int rc = crd_end(&rd);
	return rc ? rc : r->op > CH_NOTIFY_OFF ? CH_ERR_VALUE : 0;
}

int
ch_notifyrep_encode(const ch_notifyrep_t *r, uint8_t **out, size_t *len)
{
	cwr_t w;
	if (r->on > 1 || r->hook > 1 || (!r->on && r->since))
		return CH_ERR_VALUE;
	cwr_init(&w, 10);
	cwr_u8(&w, r->on);
	cwr_u64(&w, r->since);
	cwr_u8(&w, r->hook);
	*out = cwr_take(&w, len);
	return *out ? 0 : CH_ERR_NOMEM;
}

int
ch_notifyrep_decode(const uint8_t *p, size_t n, ch_notifyrep_t *r)
{
	crd_t rd;
	crd_init(&rd, p, n);
	r->on = crd_u8(&rd);
	r->since = crd_u64(&rd);
	r->hook = crd_u8(&rd);
	int rc = crd_end(&rd);
	if (rc)
		return rc;
	return r->on > 1 || r->hook > 1 || (!r->on && r->since) ? CH_ERR_VALUE : 0;
}

int
ch_whererep_encode(const ch_whereorg_t *v, size_t n, uint8_t **out, size_t *len)
{
	cwr_t w;
	if (n > CH_WHERE_MAX)
		return CH_ERR_TOOBIG;
	cwr_init(&w, 2 + CH_WHERE_MAX * (37 + CH_WHERE_NAME_MAX));
	cwr_u16(&w, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].held > 1 || !ch_utf8_valid(v[i].name.p, v[i].name.n)) {
			cwr_free(&w);
			return CH_ERR_VALUE;
		}
		cwr_put(&w, v[i].org, 32);
		cwr_u8(&w, v[i].held);
		cwr_var(&w, v[i].name.p, v[i].name.n, CH_WHERE_NAME_MAX);
	}
	return cwr_finish(&w, out, len);
}

int
ch_whererep_decode(const uint8_t *p, size_t n, ch_whereorg_t **v, size_t *count)
{
	crd_t rd;
	uint16_t k;
	ch_whereorg_t *a = NULL;
	int rc;

	*v = NULL;
	*count = 0;
	crd_init(&rd, p, n);
	k = crd_u16(&rd);
	/* Each record takes at least 37 bytes: a count the input cannot hold
	 * is a lie. */
	if (rd.err || k > CH_WHERE_MAX || (size_t)k * 37 > crd_left(&rd))
		return rd.err ? rd.err : CH_ERR_TOOBIG;
	if (k && !(a = calloc(k, sizeof(*a))))
		return CH_ERR_NOMEM;
	for (uint16_t i = 0; i < k; i++) {
		crd_copy(&rd, a[i].org, 32);
		a[i].held = crd_u8(&rd);
		a[i].name.p = crd_var(&rd, CH_WHERE_NAME_MAX, &a[i].name.n);
		if (!rd.err && (a[i].held > 1 || (a[i].name.n &&
		    !ch_utf8_valid(a[i].name.p, a[i].name.n))))
			rd.err = CH_ERR_VALUE;
	}
	if ((rc = crd_end(&rd)) != 0) {
		free(a);
		return rc;
	}
	*v = a;
	*count = k;
	return 0;
}

/* VERIFY reply. Fixed parts: 20 bytes; a name at least 36, a finding 49. */
#define VF_FINDING_LEN 49
int
ch_verifyrep_encode(const ch_verifyrep_t *r, uint8_t **out, size_t *len)
{
	cwr_t w;
	if (r->n > CH_VERIFY_MAX || r->nnames > 2 * CH_VERIFY_MAX + 1)
		return CH_ERR_TOOBIG;
	cwr_init(&w, 22 + (2 * CH_VERIFY_MAX + 1) * (36 + CH_VERIFY_NAME_MAX) +
	    2 + CH_VERIFY_MAX * VF_FINDING_LEN);
	cwr_u32(&w, r->feeds);
	cwr_u64(&w, r->entries);
	cwr_u64(&w, r->sigs);
	cwr_u16(&w, (uint16_t)r->nnames);
	for (size_t i = 0; i < r->nnames; i++) {
		if (!ch_utf8_valid(r->names[i].name.p, r->names[i].name.n)) {
			cwr_free(&w);
			return CH_ERR_VALUE;
		}
		cwr_put(&w, r->names[i].org, 32);
		cwr_var(&w, r->names[i].name.p, r->names[i].name.n, CH_VERIFY_NAME_MAX);
	}
	cwr_u16(&w, (uint16_t)r->n);
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].code < 1 || r->f[i].code > CH_VF_LAST) {
			cwr_free(&w);
			return CH_ERR_VALUE;
		}
		cwr_put(&w, r->f[i].org, 32);
		cwr_u64(&w, r->f[i].seq);
		cwr_u8(&w, r->f[i].code);
		cwr_u64(&w, r->f[i].other);
	}
	return cwr_finish(&w, out, len);
}

int
ch_verifyrep_decode(const uint8_t *p, size_t n, ch_verifyrep_t *r)
{
	crd_t rd;
	uint16_t k;
	int rc;

	memset(r, 0, sizeof(*r));
	crd_init(&rd, p, n);
	r->feeds = crd_u32(&rd);
	r->entries = crd_u64(&rd);
	r->sigs = crd_u64(&rd);
	k = crd_u16(&rd);
	/* A count the input cannot hold is a lie: refused before any calloc. */
	if (rd.err || k > 2 * CH_VERIFY_MAX + 1 || (size_t)k * 36 > crd_left(&rd))
		return rd.err ? rd.err : CH_ERR_TOOBIG;
	if (k && !(r->names = calloc(k, sizeof(*r->names))))
		return CH_ERR_NOMEM;
	r->nnames = k;
	for (uint16_t i = 0; i < k && !rd.err; i++) {
		crd_copy(&rd, r->names[i].org, 32);
		r->names[i].name.p = crd_var(&rd, CH_VERIFY_NAME_MAX, &r->names[i].name.n);
		if (!rd.err && !ch_utf8_valid(r->names[i].name.p, r->names[i].name.n))
			rd.err = CH_ERR_VALUE;
	}
	k = crd_u16(&rd);
	if (!rd.err && (k > CH_VERIFY_MAX || (size_t)k * VF_FINDING_LEN > crd_left(&rd)))
		rd.err = CH_ERR_TOOBIG;
	if (!rd.err && k && !(r->f = calloc(k, sizeof(*r->f))))
		rd.err = CH_ERR_NOMEM;
	if (!rd.err)
		r->n = k;
	for (uint16_t i = 0; i < r->n && !rd.err; i++) {
		crd_copy(&rd, r->f[i].org, 32);
		r->f[i].seq = crd_u64(&rd);
		r->f[i].code = crd_u8(&rd);
		r->f[i].other = crd_u64(&rd);
		if (!rd.err && (r->f[i].code < 1 || r->f[i].code > CH_VF_LAST))
			rd.err = CH_ERR_VALUE;
	}
	if ((rc = crd_end(&rd)) != 0) {
		ch_verifyrep_clear(r);
		return rc;
	}
	return 0;
}

void
ch_verifyrep_clear(ch_verifyrep_t *r)
{
	free(r->names);
	free(r->f);
	r->names = NULL;
	r->f = NULL;
	r->nnames = r->n = 0;
}

/* The findings' words are marked for the client's catalogue (make pot), which
 * translates them for people (cahier verify); proto/ calls no gettext, and
 * --json and the daemon's log keep them as they are. */
#define N_(s) (s)

const char *
ch_vf_str(uint8_t code)
{
	switch (code) {
	case CH_VF_GAP: return N_("entries missing below the feed's head");
	case CH_VF_MALFORMED: return N_("the bytes held are not an entry");
	case CH_VF_PLACE: return N_("the entry names another case, feed or number than where it is kept");
	case CH_VF_SIG: return N_("the organization's signature does not verify");
	case CH_VF_BODY: return N_("the body does not match the hash its organization signed");
	case CH_VF_CHAIN: return N_("the entry does not follow the one before (hash chain broken)");
	case CH_VF_ERASURE: return N_("the erased body's proof does not verify");
	case CH_VF_HEAD: return N_("the feed's head record does not match its last entry");
	case CH_VF_BEYOND: return N_("entries held after the feed's head");
	case CH_VF_FORK: return N_("two signed entries for one number (fork): the feed is frozen");
	case CH_VF_BEHIND: return N_("a member holds more of this organization's own feed than this daemon");
	case CH_VF_MORE: return N_("more findings than one reply holds");
	}
	return N_("unknown finding");
}
