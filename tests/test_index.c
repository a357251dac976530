/* test_index.c - the timeline of a case and its display rules, in process
 * (index_fixture.h: real stores, entries of three organizations made by
 * hand and stored at B). For each rule, the attack first: a member
 * organization writes an entry that breaks it, and the timeline shows it
 * had no effect; then the honest entry has its effect. Then the queries
 * (paging, filters, search by role), the read path end to end (reads_handle:
 * the reply encodes, the access record lists exactly what was shown), the
 * hybrid logical clock of feed_time, and the cost of a second look. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "tap.h"
#include "index_fixture.h"
#include "../daemon/feed.h"
#include "../daemon/log.h"

static ixf_t F;
static char dirs[3][64];
static uint64_t T0;              /* the case's first care entry, ms */
static uint64_t tick;            /* minutes after T0 of the next entry */

/* Every entry put by a test: where it is and what it is. */
typedef struct {
	int org;
	uint64_t seq, time;
	uint8_t id[32];
	uint8_t kind, aud;
	const ixf_prov_t *p;
} ent_t;
static ent_t E[256];
static int nE;

static uint64_t
next_time(void)
{
	return T0 + ++tick * 60000;
}

static scase_t *
cB(void)
{
	return ixf_case(&F, IXF_B);
}

/* Puts fd (written by p of org o, at time t) at B and commits; returns its
 * number in E. */
static int
put_at(int o, const ixf_prov_t *p, ch_fields_t fd, uint8_t aud, uint64_t t,
    const uint8_t *sup)
{
	ent_t *e = &E[nE];
	uint8_t hid[32];
	if (nE == 256)
		abort();
	ixf_put(&F, o, p, &fd, aud, t, sup, e->id);
	IXF_NEED(store_head(cB(), ixf_org(&F, o), &e->seq, hid) == 0);
	IXF_NEED(store_commit(F.d[IXF_B]->store) == 0);
	e->org = o;
	e->time = t;
	e->kind = fd.kind;
	e->aud = aud;
	e->p = p;
	return nE++;
}

static int
put(int o, const ixf_prov_t *p, ch_fields_t fd, uint8_t aud, const uint8_t *sup)
{
	return put_at(o, p, fd, aud, next_time(), sup);
}

static const ixf_prov_t *
prov_of(int o)
{
	return o == IXF_A ? &F.anote : o == IXF_B ? &F.nurse : &F.gp;
}

static int
note(int o, uint8_t aud, const char *text, const uint8_t *sup)
{
	return put(o, prov_of(o), ixf_note(text), aud, sup);
}

static uint8_t orgsbuf[8][3][32];
static int norgsbuf;

static ch_orgs_t
orgs(int a, int b)
{
	ch_orgs_t l;
	uint8_t (*v)[32] = orgsbuf[norgsbuf++ % 8];
	l.n = 0;
	l.id = v;
	if (a >= 0)
		memcpy(v[l.n++], ixf_org(&F, a), 32);
	if (b >= 0)
		memcpy(v[l.n++], ixf_org(&F, b), 32);
	return l;
}

static ch_fields_t
task(const char *text, int owner, uint8_t status)
{
	ch_fields_t fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = CH_KIND_TASK;
	fd.u.task.status = status;
	memcpy(fd.u.task.owner, ixf_org(&F, owner), 32);
	fd.u.task.text = (char *)(uintptr_t)text;
	return fd;
}

static ch_fields_t
alert(const char *text, int to1, int to2)
{
	ch_fields_t fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = CH_KIND_ALERT;
	fd.u.alert.priority = CH_PRIO_HIGH;
	fd.u.alert.text = (char *)(uintptr_t)text;
	fd.u.alert.addressed = orgs(to1, to2);
	return fd;
}

static ch_fields_t
ack(const uint8_t id[32])
{
	ch_fields_t fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = CH_KIND_ACK;
	memcpy(fd.u.ack.alert, id, 32);
	fd.u.ack.text = (char *)(uintptr_t)"gezien";
	return fd;
}

static ch_fields_t
hide(const uint8_t id[32])
{
	ch_fields_t fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = CH_KIND_HIDE;
	memcpy(fd.u.hide.target, id, 32);
	fd.u.hide.reason = CH_HIDE_ERROR;
	return fd;
}

static ch_fields_t
keepeye(const char *text)
{
	ch_fields_t fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = CH_KIND_KEEP;
	fd.u.keep.active = 1;
	fd.u.keep.every_days = 2;
	fd.u.keep.text = (char *)(uintptr_t)text;
	return fd;
}

static ch_fields_t
checkin(const uint8_t id[32])
{
	ch_fields_t fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = CH_KIND_CHECKIN;
	memcpy(fd.u.checkin.keep, id, 32);
	fd.u.checkin.text = (char *)(uintptr_t)"alles goed";
	return fd;
}

/* ---- queries straight on the index ---- */

static ixhit_t H[CH_PAGE_MAX];
static size_t nH;
static int more;

static size_t
query(const char *role, const ch_readreq_t *rq)
{
	scase_t *c = cB();
	ixcase_t *x;
	state_epoch_t cur;
	ixhit_t *h;
	IXF_NEED(index_case(F.d[IXF_B]->ix, c, &x) == 0);
	IXF_NEED(state_epoch_current(c, &cur) == 0);
	IXF_NEED(index_query(x, c, rq, role, &cur.ch, &h, &nH, &more, NULL) == 0);
	state_epoch_free(&cur);
	memcpy(H, h, nH * sizeof(*h));
	free(h);
	return nH;
}

/* The one hit (latest version) of entry k, for a nurse; NULL if not one. */
static const ixhit_t *
hit_of(int k, uint8_t flags)
{
	ch_readreq_t rq;
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.entry, E[k].id, 32);
	rq.flags = flags;
	rq.last = CH_PAGE_MAX;
	if (query("home-nurse", &rq) != 1) {
		printf("# entry %d: %zu hits\n", k, nH);
		return NULL;
	}
	return &H[0];
}

static int
is(const ixhit_t *h, int k)
{
	return h && memcmp(h->org, ixf_org(&F, E[k].org), 32) == 0 && h->seq == E[k].seq;
}

static int
ent_of(const uint8_t org[32], uint64_t seq)
{
	for (int k = 0; k < nE; k++)
		if (memcmp(org, ixf_org(&F, E[k].org), 32) == 0 && E[k].seq == seq)
			return k;
	return -1;
}

static ixinfo_t
info(int k)
{
	ixcase_t *x;
	ixinfo_t in;
	memset(&in, 0, sizeof(in));
	IXF_NEED(index_case(F.d[IXF_B]->ix, cB(), &x) == 0);
	if (index_lookup(x, E[k].id, &in) != 0)
		in.kind = 0xff;
	return in;
}

/* ---- edits ---- */

TEST(edit_only_by_an_editor)
{
	int n1 = note(IXF_A, CH_AUD_NETWORK, "Huisbezoek maandag", NULL);
	/* Attack: C, not the author's organization, "edits" A's note. */
	int forged = note(IXF_C, CH_AUD_NETWORK, "Huisbezoek geschrapt", E[n1].id);
	const ixhit_t *h = hit_of(n1, 0);
	check(is(h, n1));
	check_int(h ? h->versions : 0, ==, 1);
	check_int(info(n1).latest, ==, 1);
	/* The forged edit is shown as written: an entry of its own. */
	check_mem(info(forged).root, E[forged].id, 32);
	/* Honest: A edits its note. */
	int e2 = note(IXF_A, CH_AUD_NETWORK, "Huisbezoek dinsdag", E[n1].id);
	h = hit_of(n1, 0);
	check(is(h, e2));
	check_int(h ? h->versions : 0, ==, 2);
	check_mem(h ? h->root : E[e2].id, E[n1].id, 32);
	check_int(info(n1).latest, ==, 0);
	check_int(info(e2).latest, ==, 1);
	/* Attack: an edit that changes the kind, or the audience. */
	put(IXF_A, &F.anote, task("Geen notitie", IXF_A, CH_TASK_OPEN), CH_AUD_NETWORK, E[e2].id);
	note(IXF_A, CH_AUD_CARE, "Andere doelgroep", E[e2].id);
	h = hit_of(n1, 0);
	check(is(h, e2));
	check_int(h ? h->versions : 0, ==, 2);
	/* An edit of the edit: the same root. */
	int e3 = note(IXF_A, CH_AUD_NETWORK, "Huisbezoek woensdag", E[e2].id);
	h = hit_of(n1, 0);
	check(is(h, e3));
	check_int(h ? h->versions : 0, ==, 3);
	check_mem(info(e3).root, E[n1].id, 32);
	/* VERSIONS: every version, oldest first. */
	ch_readreq_t rq;
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.entry, E[e3].id, 32);
	rq.flags = CH_RQ_VERSIONS;
	check_int(query("home-nurse", &rq), ==, 3);
	check(is(&H[0], n1) && is(&H[1], e2) && is(&H[2], e3));
}

TEST(edit_before_its_root_is_ignored)
{
	int n2 = note(IXF_A, CH_AUD_NETWORK, "Overleg om tien uur", NULL);
	/* Written after it in A's feed, but dated before it. */
	int back = put_at(IXF_A, &F.anote, ixf_note("Overleg om negen uur"), CH_AUD_NETWORK,
	    E[n2].time - 30000, E[n2].id);
	const ixhit_t *h = hit_of(n2, 0);
	check(is(h, n2));
	check_int(h ? h->versions : 0, ==, 1);
	check_mem(info(back).root, E[back].id, 32);
}

TEST(task_edit_by_its_owner)
{
	int t1 = put(IXF_A, &F.anote, task("Wondzorg plannen", IXF_B, CH_TASK_OPEN),
	    CH_AUD_NETWORK, NULL);
	/* Attack: C, neither author nor owner. */
	put(IXF_C, &F.gp, task("Wondzorg plannen", IXF_C, CH_TASK_CANCELLED), CH_AUD_NETWORK,
	    E[t1].id);
	const ixhit_t *h = hit_of(t1, 0);
	check(is(h, t1));
	check_int(h ? h->versions : 0, ==, 1);
	/* The owner hands it to C. */
	int t2 = put(IXF_B, &F.nurse, task("Wondzorg plannen", IXF_C, CH_TASK_OPEN),
	    CH_AUD_NETWORK, E[t1].id);
	h = hit_of(t1, 0);
	check(is(h, t2));
	check_int(h ? h->versions : 0, ==, 2);
	/* Now C is named by the latest version: it may edit. */
	int t3 = put(IXF_C, &F.gp, task("Wondzorg gedaan", IXF_C, CH_TASK_DONE),
	    CH_AUD_NETWORK, E[t2].id);
	h = hit_of(t1, 0);
	check(is(h, t3));
	check_int(h ? h->versions : 0, ==, 3);
	/* B is no longer named: its edit has no effect. */
	put(IXF_B, &F.nurse, task("Wondzorg heropend", IXF_B, CH_TASK_OPEN), CH_AUD_NETWORK,
	    E[t3].id);
	h = hit_of(t1, 0);
	check(is(h, t3));
}

/* ---- hiding ---- */

static int hidden_note, hidden_task;

TEST(hide_only_by_the_authors_org)
{
	int h1 = note(IXF_A, CH_AUD_NETWORK, "Geheimewoord in een fout dossier", NULL);
	int h2 = note(IXF_A, CH_AUD_NETWORK, "Geheimewoord, verbeterd", E[h1].id);
	int tk = put(IXF_A, &F.anote, task("Geheimewoord taak", IXF_A, CH_TASK_OPEN),
	    CH_AUD_NETWORK, NULL);
	/* Attack: C hides A's note. */
	put(IXF_C, &F.gp, hide(E[h1].id), CH_AUD_NETWORK, NULL);
	const ixhit_t *h = hit_of(h1, 0);
	check(is(h, h2));
	check_int(h ? h->state : 9, ==, CH_IT_OPEN);
	check(h && sodium_is_zero(h->hidden_by, 32));
	/* Honest: A hides it (through its latest version) and its task. */
	int hd = put(IXF_A, &F.anote, hide(E[h2].id), CH_AUD_NETWORK, NULL);
	put(IXF_A, &F.anote, hide(E[tk].id), CH_AUD_NETWORK, NULL);
	ch_readreq_t rq;
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.entry, E[h1].id, 32);
	rq.flags = CH_RQ_VERSIONS;
	check_int(query("home-nurse", &rq), ==, 2);
	for (size_t i = 0; i < nH; i++) {
		check_int(H[i].state, ==, CH_IT_HIDDEN);
		check_mem(H[i].hidden_by, ixf_org(&F, IXF_A), 32);
		check_int(H[i].hidden_at, ==, E[hd].time);
	}
	hidden_note = h2;
	hidden_task = tk;
}

TEST(hidden_is_not_filtered_on_content)
{
	ch_readreq_t rq;
	/* Kinds: the kind of a hidden entry does not leak. */
	memset(&rq, 0, sizeof(rq));
	rq.kinds = (1u << CH_KIND_NOTE) | (1u << CH_KIND_TASK);
	rq.last = CH_PAGE_MAX;
	query("home-nurse", &rq);
	for (size_t i = 0; i < nH; i++)
		check(!is(&H[i], hidden_note) && !is(&H[i], hidden_task));
	check_int(nH, >, 0);
	/* Search: the word is in all three; none is found. */
	memset(&rq, 0, sizeof(rq));
	snprintf(rq.search, sizeof(rq.search), "geheimewoord");
	check_int(query("home-nurse", &rq), ==, 0);
	/* Open tasks. */
	memset(&rq, 0, sizeof(rq));
	rq.flags = CH_RQ_OPEN;
	rq.last = CH_PAGE_MAX;
	query("home-nurse", &rq);
	check_int(nH, >, 0);
	for (size_t i = 0; i < nH; i++)
		check(!is(&H[i], hidden_task));
	/* The unfiltered timeline shows both, hidden. */
	memset(&rq, 0, sizeof(rq));
	rq.last = CH_PAGE_MAX;
	query("home-nurse", &rq);
	int seen = 0;
	for (size_t i = 0; i < nH; i++)
		if (is(&H[i], hidden_note) || is(&H[i], hidden_task)) {
			seen++;
			check_int(H[i].state, ==, CH_IT_HIDDEN);
		}
	check_int(seen, ==, 2);
}

/* ---- acknowledgements ---- */

static int
unacked_has(int k)
{
	ch_readreq_t rq;
	memset(&rq, 0, sizeof(rq));
	rq.flags = CH_RQ_UNACKED;
	rq.last = CH_PAGE_MAX;
	query("home-nurse", &rq);
	for (size_t i = 0; i < nH; i++)
		if (is(&H[i], k))
			return 1;
	return 0;
}

TEST(ack_only_by_an_addressee)
{
	int al = put(IXF_A, &F.anote, alert("Valrisico", IXF_B, IXF_C), CH_AUD_NETWORK, NULL);
	check(unacked_has(al));
	/* Attack: A, the author but not addressed, acknowledges. */
	put(IXF_A, &F.anote, ack(E[al].id), CH_AUD_NETWORK, NULL);
	const ixhit_t *h = hit_of(al, 0);
	check_int(h ? h->nacks : 99, ==, 0);
	/* B acknowledges twice: once counted. */
	int b1 = put(IXF_B, &F.nurse, ack(E[al].id), CH_AUD_NETWORK, NULL);
	put(IXF_B, &F.nurse, ack(E[al].id), CH_AUD_NETWORK, NULL);
	h = hit_of(al, 0);
	check_int(h ? h->nacks : 99, ==, 1);
	if (h && h->nacks == 1) {
		check_mem(h->acks[0].org, ixf_org(&F, IXF_B), 32);
		check_int(h->acks[0].time, ==, E[b1].time);
	}
	check(unacked_has(al));
	/* C too: every addressee has. */
	put(IXF_C, &F.gp, ack(E[al].id), CH_AUD_NETWORK, NULL);
	h = hit_of(al, 0);
	check_int(h ? h->nacks : 99, ==, 2);
	check(!unacked_has(al));
}

/* ---- check-ins ---- */

TEST(checkin_only_on_a_keep)
{
	int n = note(IXF_A, CH_AUD_NETWORK, "Geen oogje", NULL);
	put(IXF_C, &F.gp, checkin(E[n].id), CH_AUD_NETWORK, NULL);
	const ixhit_t *h = hit_of(n, 0);
	check_int(h ? h->last_checkin : 1, ==, 0);
	int k = put(IXF_A, &F.anote, keepeye("Oogje in het zeil"), CH_AUD_NETWORK, NULL);
	int c1 = put(IXF_B, &F.nurse, checkin(E[k].id), CH_AUD_NETWORK, NULL);
	int c2 = put(IXF_C, &F.gp, checkin(E[k].id), CH_AUD_NETWORK, NULL);
	/* Written last, dated between: not the newest. */
	put_at(IXF_B, &F.nurse, checkin(E[k].id), CH_AUD_NETWORK, E[c1].time + 1000, NULL);
	h = hit_of(k, 0);
	check_int(h ? h->last_checkin : 0, ==, E[c2].time);
}

/* ---- a target that arrives after its reference ---- */

TEST(late_target_resolves)
{
	uint8_t id[32], *late;
	size_t latelen;
	ch_fields_t fd = alert("Koorts", IXF_C, -1);
	uint8_t *fl;
	size_t fln;
	uint64_t t = next_time();
	/* A's alert is made, not yet received at B; C (which got it) acks. */
	IXF_NEED(ch_fields_encode(&fd, &fl, &fln) == 0);
	IXF_NEED(ixf_put_raw(&F, IXF_A, &F.anote, CH_KIND_ALERT, CH_AUD_NETWORK, t, fl, fln,
	    NULL, 1, id, &late, &latelen) == 0);
	free(fl);
	int a = put(IXF_C, &F.gp, ack(id), CH_AUD_NETWORK, NULL);
	(void)a;
	ixcase_t *x;
	ixinfo_t in;
	IXF_NEED(index_case(F.d[IXF_B]->ix, cB(), &x) == 0);
	check_int(index_lookup(x, id, &in), ==, ST_ERR_NOTFOUND);
	/* Now it arrives. */
	uint64_t seq;
	uint8_t hid[32];
	IXF_NEED(store_head(cB(), ixf_org(&F, IXF_A), &seq, hid) == 0);
	IXF_NEED(store_entry_put(cB(), ixf_org(&F, IXF_A), seq + 1, id, late, latelen) == 0);
	IXF_NEED(store_commit(F.d[IXF_B]->store) == 0);
	free(late);
	E[nE].org = IXF_A;
	E[nE].seq = seq + 1;
	E[nE].time = t;
	E[nE].kind = CH_KIND_ALERT;
	E[nE].aud = CH_AUD_NETWORK;
	memcpy(E[nE].id, id, 32);
	int al = nE++;
	const ixhit_t *h = hit_of(al, 0);
	check_int(h ? h->nacks : 0, ==, 1);
	if (h && h->nacks == 1)
		check_mem(h->acks[0].org, ixf_org(&F, IXF_C), 32);
	check(!unacked_has(al));
}

/* ---- roles, search ---- */

static int medical, medical_hidden;

TEST(search_only_where_the_role_reads)
{
	medical = note(IXF_C, CH_AUD_MEDICAL, "Insulinedosis verhoogd", NULL);
	ch_readreq_t rq;
	memset(&rq, 0, sizeof(rq));
	snprintf(rq.search, sizeof(rq.search), "INSULINE");
	check_int(query("home-nurse", &rq), ==, 1);
	check(is(&H[0], medical));
	/* B holds the medical key; its social worker's role is not in it. */
	check_int(query("social-worker", &rq), ==, 0);
	/* Nor is the kind of a medical note a social worker cannot open. */
	memset(&rq, 0, sizeof(rq));
	rq.kinds = 1u << CH_KIND_NOTE;
	rq.last = CH_PAGE_MAX;
	query("social-worker", &rq);
	for (size_t i = 0; i < nH; i++)
		check(!is(&H[i], medical));
	/* Unfiltered: shown, without a way in. */
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.entry, E[medical].id, 32);
	check_int(query("social-worker", &rq), ==, 1);
	check_int(H[0].state, ==, CH_IT_ROLE_AUD);
}

TEST(role_aud_and_hidden_reads_end_to_end)
{
	medical_hidden = note(IXF_C, CH_AUD_MEDICAL, "Verkeerde patient", NULL);
	put(IXF_C, &F.gp, hide(E[medical_hidden].id), CH_AUD_MEDICAL, NULL);
	ch_readreq_t rq;
	ch_readrep_t rp;
	uint8_t *raw;
	/* The social worker: both medical notes, without plain, not hidden. */
	memset(&rq, 0, sizeof(rq));
	rq.last = 200;
	check_int(ixf_read(&F, &F.social, &rq, &rp, &raw), ==, CH_ST_OK);
	int seen = 0;
	for (size_t i = 0; i < rp.n; i++) {
		int k = ent_of(rp.items[i].env.org, rp.items[i].env.seq);
		if (k == medical || k == medical_hidden) {
			seen++;
			check_int(rp.items[i].state, ==, CH_IT_ROLE_AUD);
			check_int(rp.items[i].plain.n, ==, 0);
			check(sodium_is_zero(rp.items[i].hidden_by, 32));
		}
	}
	check_int(seen, ==, 2);
	ch_readrep_clear(&rp);
	free(raw);
	/* The nurse: the hidden one hidden by C. */
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.entry, E[medical_hidden].id, 32);
	check_int(ixf_read(&F, &F.nurse, &rq, &rp, &raw), ==, CH_ST_OK);
	check_int(rp.n, ==, 1);
	if (rp.n == 1) {
		check_int(rp.items[0].state, ==, CH_IT_HIDDEN);
		check_mem(rp.items[0].hidden_by, ixf_org(&F, IXF_C), 32);
		check_int(rp.items[0].plain.n, ==, 0);
	}
	ch_readrep_clear(&rp);
	free(raw);
}

/* ---- paging and filters ---- */

/* The whole timeline for a nurse (latest versions), oldest first. */
static ixhit_t all[CH_PAGE_MAX];
static size_t nall;

static int
same_hit(const ixhit_t *a, const ixhit_t *b)
{
	return memcmp(a->org, b->org, 32) == 0 && a->seq == b->seq;
}

static uint64_t
time_of_hit(const ixhit_t *h)
{
	uint8_t *e = NULL;
	size_t n = 0, bl;
	const uint8_t *b;
	ch_env_t env;
	IXF_NEED(store_entry_get(cB(), h->org, h->seq, &e, &n) == 0);
	IXF_NEED(ch_entry_split(e, n, &env, &b, &bl) == 0);
	free(e);
	return env.time_ms;
}

static void
cursor_of(const ixhit_t *h, ch_cursor_t *c)
{
	c->time = time_of_hit(h);
	memcpy(c->org, h->org, 32);
	c->seq = h->seq;
}

TEST(paging_gives_every_entry_once)
{
	ch_readreq_t rq;
	memset(&rq, 0, sizeof(rq));
	rq.last = CH_PAGE_MAX;
	nall = query("home-nurse", &rq);
	memcpy(all, H, nall * sizeof(*H));
	check_int(more, ==, 0);
	check_int(nall, >, 30);
	/* In (time, org, seq) order. */
	for (size_t i = 1; i < nall; i++) {
		uint64_t a = time_of_hit(&all[i - 1]), b = time_of_hit(&all[i]);
		int o = memcmp(all[i - 1].org, all[i].org, 32);
		check(a < b || (a == b && (o < 0 || (o == 0 && all[i - 1].seq < all[i].seq))));
	}
	/* last N: the newest N. */
	memset(&rq, 0, sizeof(rq));
	rq.last = 5;
	check_int(query("home-nurse", &rq), ==, 5);
	check_int(more, ==, 1);
	for (size_t i = 0; i < 5; i++)
		check(same_hit(&H[i], &all[nall - 5 + i]));
	/* Backwards, 7 a page, from the end. */
	size_t got = 0;
	ch_cursor_t cur;
	memset(&cur, 0, sizeof(cur));
	for (int page = 0; page < 100; page++) {
		memset(&rq, 0, sizeof(rq));
		rq.last = 7;
		rq.cursor = cur;
		size_t n = query("home-nurse", &rq);
		check_int(n, <=, nall - got);
		if (n > nall - got)
			break;
		for (size_t i = 0; i < n; i++)
			check(same_hit(&H[i], &all[nall - got - n + i]));
		got += n;
		if (!more)
			break;
		cursor_of(&H[0], &cur);
	}
	check_int(got, ==, nall);
	/* Forwards, 6 a page, from the start. */
	got = 0;
	memset(&cur, 0, sizeof(cur));
	for (int page = 0; page < 100; page++) {
		memset(&rq, 0, sizeof(rq));
		rq.last = 6;
		rq.flags = CH_RQ_AFTER;
		rq.cursor = cur;
		size_t n = query("home-nurse", &rq);
		check_int(n, <=, nall - got);
		if (n > nall - got)
			break;
		for (size_t i = 0; i < n; i++)
			check(same_hit(&H[i], &all[got + i]));
		got += n;
		if (!more || n == 0)
			break;
		cursor_of(&H[n - 1], &cur);
	}
	check_int(got, ==, nall);
}

TEST(filters)
{
	ch_readreq_t rq;
	/* since/until: exactly the entries dated in [since, until). */
	uint64_t since = T0 + 10 * 60000, until = T0 + 20 * 60000;
	size_t want = 0;
	for (size_t i = 0; i < nall; i++) {
		uint64_t t = time_of_hit(&all[i]);
		want += t >= since && t < until;
	}
	memset(&rq, 0, sizeof(rq));
	rq.since = since;
	rq.until = until;
	rq.last = CH_PAGE_MAX;
	check_int(query("home-nurse", &rq), ==, want);
	check_int(want, >, 0);
	for (size_t i = 0; i < nH; i++) {
		uint64_t t = time_of_hit(&H[i]);
		check(t >= since && t < until);
	}
	/* org: C's feed only. */
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.org, ixf_org(&F, IXF_C), 32);
	rq.last = CH_PAGE_MAX;
	query("home-nurse", &rq);
	check_int(nH, >, 0);
	want = 0;
	for (size_t i = 0; i < nall; i++)
		want += memcmp(all[i].org, ixf_org(&F, IXF_C), 32) == 0;
	check_int(nH, ==, want);
	for (size_t i = 0; i < nH; i++)
		check_mem(H[i].org, ixf_org(&F, IXF_C), 32);
	/* author: the gp's entries, open to a nurse. */
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.author, F.gp.k->sign_pk, 32);
	rq.last = CH_PAGE_MAX;
	query("home-nurse", &rq);
	check_int(nH, >, 0);
	for (size_t i = 0; i < nH; i++) {
		int k = ent_of(H[i].org, H[i].seq);
		check(k >= 0 && E[k].p == &F.gp);
		check_int(H[i].state, ==, CH_IT_OPEN);
	}
	/* audiences: medical only. */
	memset(&rq, 0, sizeof(rq));
	rq.audiences = 1u << CH_AUD_MEDICAL;
	rq.last = CH_PAGE_MAX;
	check_int(query("home-nurse", &rq), >=, 2);
	for (size_t i = 0; i < nH; i++) {
		int k = ent_of(H[i].org, H[i].seq);
		check(k >= 0 && E[k].aud == CH_AUD_MEDICAL);
	}
}

/* The kinds of the items of a read, from their plain bodies. */
static int
count_kind(const ch_readrep_t *rp, uint8_t kind)
{
	int n = 0;
	for (size_t i = 0; i < rp->n; i++) {
		ch_plain_t p;
		if (rp->items[i].plain.n &&
		    ch_plain_decode(rp->items[i].plain.p, rp->items[i].plain.n, &p) == 0 &&
		    p.kind == kind)
			n++;
	}
	return n;
}

TEST(access_records_only_when_asked)
{
	ch_readreq_t rq;
	ch_readrep_t rp;
	uint8_t *raw;
	memset(&rq, 0, sizeof(rq));
	rq.last = CH_PAGE_MAX;
	check_int(ixf_read(&F, &F.nurse, &rq, &rp, &raw), ==, CH_ST_OK);
	check_int(count_kind(&rp, CH_KIND_ACCESS), ==, 0);
	check_int(count_kind(&rp, CH_KIND_NOTE), >, 0);
	ch_readrep_clear(&rp);
	free(raw);
	memset(&rq, 0, sizeof(rq));
	rq.kinds = (uint64_t)1 << CH_KIND_ACCESS;
	rq.last = CH_PAGE_MAX;
	rq.purpose = CH_PURPOSE_AUDIT;
	check_int(ixf_read(&F, &F.nurse, &rq, &rp, &raw), ==, CH_ST_OK);
	check_int(count_kind(&rp, CH_KIND_ACCESS), >, 0);
	check_int(count_kind(&rp, CH_KIND_ACCESS), ==, rp.n);
	ch_readrep_clear(&rp);
	free(raw);
}

/* ---- the access record lists exactly what was shown ---- */

TEST(access_record_is_what_was_shown)
{
	ch_readreq_t rq;
	ch_readrep_t rp;
	uint8_t *raw;
	memset(&rq, 0, sizeof(rq));
	rq.kinds = (1u << CH_KIND_NOTE) | (1u << CH_KIND_ALERT);
	rq.last = 9;
	check_int(ixf_read(&F, &F.nurse, &rq, &rp, &raw), ==, CH_ST_OK);
	check_int(rp.n, ==, 9);
	/* The record is B's newest entry; its id is the reply's access id. */
	scase_t *c = cB();
	uint64_t seq;
	uint8_t hid[32], *e = NULL, key[32], *plain = NULL;
	size_t n = 0, bl, pl = 0;
	const uint8_t *b;
	ch_env_t env;
	ch_plain_t p;
	ch_access_t a;
	IXF_NEED(store_head(c, ixf_org(&F, IXF_B), &seq, hid) == 0);
	check_mem(hid, rp.access_id, 32);
	IXF_NEED(store_entry_get(c, ixf_org(&F, IXF_B), seq, &e, &n) == 0);
	IXF_NEED(ch_entry_split(e, n, &env, &b, &bl) == 0);
	IXF_NEED(store_key_get(c, env.epoch, env.audience, key) == 0);
	IXF_NEED(ch_body_open(&env, b, bl, key, &plain, &pl) == 0);
	IXF_NEED(ch_plain_decode(plain, pl, &p) == 0);
	check_int(p.kind, ==, CH_KIND_ACCESS);
	IXF_NEED(ch_access_decode(p.fields, p.fieldslen, &a) == 0);
	/* Every (org, seq) in the ranges was shown, and every one shown is
	 * in them. */
	size_t inranges = 0;
	for (size_t r = 0; r < a.nranges; r++) {
		for (uint64_t s = a.ranges[r].from; s <= a.ranges[r].to; s++) {
			int shown = 0;
			for (size_t i = 0; i < rp.n; i++)
				shown |= memcmp(rp.items[i].env.org, a.ranges[r].org, 32) == 0 &&
				    rp.items[i].env.seq == s;
			check(shown);
			inranges++;
		}
	}
	check_int(inranges, ==, rp.n);
	check_int(a.outcome, ==, CH_OUT_OK);
	ch_access_clear(&a);
	sodium_memzero(plain, pl);
	free(plain);
	free(e);
	sodium_memzero(key, sizeof(key));
	ch_readrep_clear(&rp);
	free(raw);
}

/* ---- an aborted round ---- */

TEST(an_aborted_round_leaves_no_phantom)
{
	uint8_t ghost[32], real[32], *fl;
	size_t fln;
	ch_fields_t fd = ixf_note("Nooit vastgelegd");
	IXF_NEED(ch_fields_encode(&fd, &fl, &fln) == 0);
	/* An entry in this round's transaction, seen by a read... */
	IXF_NEED(ixf_put_raw(&F, IXF_C, &F.gp, CH_KIND_NOTE, CH_AUD_NETWORK, next_time(), fl,
	    fln, NULL, 1, ghost, NULL, NULL) == 0);
	ixcase_t *x;
	ixinfo_t in;
	IXF_NEED(index_case(F.d[IXF_B]->ix, cB(), &x) == 0);
	check_int(index_lookup(x, ghost, &in), ==, 0);
	/* ...then the round fails: it never was. Another entry takes its seq. */
	store_abort(F.d[IXF_B]->store);
	IXF_NEED(ixf_put_raw(&F, IXF_C, &F.gp, CH_KIND_NOTE, CH_AUD_NETWORK, next_time(), fl,
	    fln, NULL, 1, real, NULL, NULL) == 0);
	IXF_NEED(store_commit(F.d[IXF_B]->store) == 0);
	IXF_NEED(index_case(F.d[IXF_B]->ix, cB(), &x) == 0);
	check_int(index_lookup(x, ghost, &in), ==, ST_ERR_NOTFOUND);
	check_int(index_lookup(x, real, &in), ==, 0);
	uint64_t n = 0;
	IXF_NEED(store_entries_count(cB(), &n) == 0);
	check_int(index_count(x), ==, n);
	/* Again, in A's feed, and the feed moves on past the seq it had. */
	uint8_t real2[32];
	IXF_NEED(ixf_put_raw(&F, IXF_A, &F.anote, CH_KIND_NOTE, CH_AUD_NETWORK, next_time(), fl,
	    fln, NULL, 1, ghost, NULL, NULL) == 0);
	IXF_NEED(index_case(F.d[IXF_B]->ix, cB(), &x) == 0);
	check_int(index_lookup(x, ghost, &in), ==, 0);
	store_abort(F.d[IXF_B]->store);
	IXF_NEED(ixf_put_raw(&F, IXF_A, &F.anote, CH_KIND_NOTE, CH_AUD_NETWORK, next_time(), fl,
	    fln, NULL, 1, real, NULL, NULL) == 0);
	IXF_NEED(ixf_put_raw(&F, IXF_A, &F.anote, CH_KIND_NOTE, CH_AUD_NETWORK, next_time(), fl,
	    fln, NULL, 1, real2, NULL, NULL) == 0);
	IXF_NEED(store_commit(F.d[IXF_B]->store) == 0);
	IXF_NEED(index_case(F.d[IXF_B]->ix, cB(), &x) == 0);
	check_int(index_lookup(x, ghost, &in), ==, ST_ERR_NOTFOUND);
	check_int(index_lookup(x, real, &in), ==, 0);
	check_int(index_lookup(x, real2, &in), ==, 0);
	IXF_NEED(store_entries_count(cB(), &n) == 0);
	check_int(index_count(x), ==, n);
	free(fl);
}

/* ---- the hybrid logical clock ---- */

static int
ingest_note_at(uint64_t t)
{
	uint8_t id[32], *e;
	size_t n;
	uint8_t *fl;
	size_t fln;
	ch_fields_t fd = ixf_note("Klok vooruit");
	IXF_NEED(ch_fields_encode(&fd, &fl, &fln) == 0);
	IXF_NEED(ixf_put_raw(&F, IXF_C, &F.gp, CH_KIND_NOTE, CH_AUD_NETWORK, t, fl, fln, NULL,
	    1, id, &e, &n) == 0);
	free(fl);
	int rc = ingest_entry(F.d[IXF_B]->in, cB(), e, n, "C");
	free(e);
	IXF_NEED(store_commit(F.d[IXF_B]->store) == 0);
	return rc;
}

TEST(hlc_orders_after_a_fast_peer_within_a_minute)
{
	uint64_t now = (uint64_t)clock_now_ms();
	check_int(feed_time(cB()), >=, now);
	check_int(feed_time(cB()), <, now + 60000);
	uint64_t ahead = now + 30000;
	check_int(ingest_note_at(ahead), ==, INGEST_STORED);
	check_int(feed_time(cB()), >, ahead);
	/* A peer 10 minutes ahead (just inside what ingest takes): capped. */
	now = (uint64_t)clock_now_ms();
	check_int(ingest_note_at(now + 10 * 60000 - 1000), ==, INGEST_STORED);
	uint64_t t = feed_time(cB());
	uint64_t after = (uint64_t)clock_now_ms();
	check_int(t, >=, now + 60000);
	check_int(t, <=, after + 60000);
}

/* ---- cost ---- */

TEST(a_second_look_decrypts_nothing)
{
	ixcase_t *x;
	index_t *ix = F.d[IXF_B]->ix;
	uint8_t id[32], *fl;
	size_t fln;
	IXF_NEED(index_case(ix, cB(), &x) == 0);
	size_t before = index_count(x);
	ch_fields_t fd = ixf_note("Dagelijkse zorg");
	IXF_NEED(ch_fields_encode(&fd, &fl, &fln) == 0);
	for (int i = 0; i < 20000; i++) {
		IXF_NEED(ixf_put_raw(&F, i % 3, prov_of(i % 3), CH_KIND_NOTE, CH_AUD_NETWORK,
		    T0 - 86400000 + (uint64_t)i * 1000, fl, fln, NULL, 0, id, NULL, NULL) == 0);
		if (i % 5000 == 4999)
			IXF_NEED(store_commit(F.d[IXF_B]->store) == 0);
	}
	free(fl);
	uint64_t o0 = index_opens(ix);
	IXF_NEED(index_case(ix, cB(), &x) == 0);
	check_int(index_count(x), ==, before + 20000);
	check_int(index_opens(ix) - o0, ==, 20000);
	uint64_t o1 = index_opens(ix);
	IXF_NEED(index_case(ix, cB(), &x) == 0);
	check_int(index_opens(ix), ==, o1);
	check_int(index_count(x), ==, before + 20000);
	/* From scratch: one decryption per entry. */
	index_forget(ix, F.case_id);
	IXF_NEED(index_case(ix, cB(), &x) == 0);
	check_int(index_opens(ix) - o1, ==, before + 20000);
	/* Still a page of the newest. */
	ch_readreq_t rq;
	memset(&rq, 0, sizeof(rq));
	check_int(query("home-nurse", &rq), ==, CH_PAGE_DEFAULT);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_index", getenv("VERBOSE") ? LOG_LVL_DEBUG : -1);
	char *d[3];
	for (int i = 0; i < 3; i++) {
		if (!tap_tmpdir(dirs[i], sizeof(dirs[i]), "index"))
			return 1;
		d[i] = dirs[i];
	}
	uint64_t now = (uint64_t)time(NULL);
	ixf_init(&F, d, now);
	T0 = now * 1000 - 3 * 86400000ull;
	TAP_RUN(edit_only_by_an_editor);
	TAP_RUN(edit_before_its_root_is_ignored);
	TAP_RUN(task_edit_by_its_owner);
	TAP_RUN(hide_only_by_the_authors_org);
	TAP_RUN(hidden_is_not_filtered_on_content);
	TAP_RUN(ack_only_by_an_addressee);
	TAP_RUN(checkin_only_on_a_keep);
	TAP_RUN(late_target_resolves);
	TAP_RUN(search_only_where_the_role_reads);
	TAP_RUN(role_aud_and_hidden_reads_end_to_end);
	TAP_RUN(paging_gives_every_entry_once);
	TAP_RUN(filters);
	TAP_RUN(access_records_only_when_asked);
	TAP_RUN(access_record_is_what_was_shown);
	TAP_RUN(an_aborted_round_leaves_no_phantom);
	TAP_RUN(hlc_orders_after_a_fast_peer_within_a_minute);
	TAP_RUN(a_second_look_decrypts_nothing);
	ixf_free(&F);
	for (int i = 0; i < 3; i++) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dirs[i]);
		if (system(cmd) != 0)
			return 1;
	}
	return TAP_DONE();
}
