/* notify.c - the person's notification of reads (notify.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* posix_spawn_file_actions_addclosefrom_np */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "../keys/keys.h"
#include "../proto/charter.h"
#include "../proto/entry.h"
#include "../proto/names.h"
#include "clock.h"
#include "ingest.h"
#include "log.h"
#include "notify.h"
#include "state.h"

#define CHANGED_MAX 256        /* changed cases taken in per round */
#define ENV_MAX 20             /* strings of a report's environment, NULL included */
#define VALUE_MAX 256          /* bytes of one value, at most */

/* How far the reports of a case have gone in one feed. */
typedef struct {
	uint8_t org[32];
	uint64_t seq;
} mark_t;

/* One wish: a case, and the provider to tell. */
typedef struct {
	uint8_t case_id[16], provider[32];
	mark_t *marks;
	size_t nmarks;
	int primed;             /* marks set: later entries are new */
	int dirty;              /* the case changed since the marks were set */
	uint64_t missed;        /* reports that found the queue full */
} sub_t;

/* A report: the hook's environment, "KEY=value" strings (malloc'd), NULL
 * terminated. */
typedef struct {
	char *env[ENV_MAX];
} report_t;

struct notify {
	uint64_t since;         /* the store's change number reached */
	sub_t *subs, *next;     /* NOTIFY_MAX each, in the store's order */
	size_t nsubs;
	report_t q[NOTIFY_QUEUE_MAX];
	size_t qhead, qn;
	pid_t child;
	int64_t child_start;
	int killed;
	size_t budget;          /* entries still to look at this round */
	notify_stats_t st;
};

int
notify_new(notify_t **out)
{
	notify_t *n = calloc(1, sizeof(*n));
	if (!n || !(n->subs = calloc(NOTIFY_MAX, sizeof(sub_t))) ||
	    !(n->next = calloc(NOTIFY_MAX, sizeof(sub_t)))) {
		if (n)
			free(n->subs);
		free(n);
		return CH_ERR_NOMEM;
	}
	*out = n;
	return 0;
}

static void
report_free(report_t *r)
{
	for (size_t i = 0; i < ENV_MAX && r->env[i]; i++) {
		sodium_memzero(r->env[i], strlen(r->env[i]));
		free(r->env[i]);
		r->env[i] = NULL;
	}
}

void
notify_destroy(notify_t **np)
{
	notify_t *n = *np;
	if (!n)
		return;
	for (size_t i = 0; i < n->nsubs; i++)
		free(n->subs[i].marks);
	while (n->qn) {
		report_free(&n->q[n->qhead]);
		n->qhead = (n->qhead + 1) % NOTIFY_QUEUE_MAX;
		n->qn--;
	}
	free(n->subs);
	free(n->next);
	free(n);
	*np = NULL;
}

void
notify_stats(const notify_t *n, notify_stats_t *out)
{
	*out = n->st;
}

/* ---- the hook ---- */

static void
reap(notify_t *n)
{
	int status;
	if (!n->child)
		return;
	pid_t r = waitpid(n->child, &status, WNOHANG);
	if (r == n->child) {
		if (n->killed || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			char why[160];
			if (n->killed)
				snprintf(why, sizeof(why), _("was killed after %d s"), NOTIFY_HOOK_MS / 1000);
			else if (WIFEXITED(status))
				snprintf(why, sizeof(why), _("exited with status %d"), WEXITSTATUS(status));
			else
				snprintf(why, sizeof(why), _("was ended by signal %d"), WTERMSIG(status));
			n->st.failed++;
			log_limited(LOG_LVL_WARN, "hook", "access_hook %s: its report is not sent "
			    "again (cahier audit holds the record)", why);
		}
		n->child = 0;
		n->killed = 0;
		return;
	}
	if (r < 0 && errno != EINTR) {
		n->child = 0;   /* not ours any more (ECHILD) */
		return;
	}
	if (!n->killed && clock_now_ms() - n->child_start > NOTIFY_HOOK_MS) {
		kill(-n->child, SIGKILL);   /* its process group: what it started too */
		n->killed = 1;
	}
}

/* Starts the hook for the oldest report, if none runs. */
static void
start_hook(cahierd_t *d, notify_t *n)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	pid_t pid;

	if (n->child || !n->qn)
		return;
	report_t *r = &n->q[n->qhead];
	char *argv[] = { d->cfg.access_hook, NULL };
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	/* stderr stays the daemon's (its log); no other descriptor follows */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETPGROUP);
	int rc = posix_spawn(&pid, d->cfg.access_hook, &fa, &at, argv, r->env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	report_free(r);
	n->qhead = (n->qhead + 1) % NOTIFY_QUEUE_MAX;
	n->qn--;
	if (rc != 0) {
		n->st.failed++;
		log_limited(LOG_LVL_WARN, "hook", "cannot run access_hook %s: %s",
		    d->cfg.access_hook, strerror(rc));
		return;
	}
	n->st.ran++;
	n->child = pid;
	n->child_start = clock_now_ms();
	n->killed = 0;
}

/* ---- reports ---- */

typedef struct {
	report_t r;
	size_t k;
	int full;
} envb_t;

/* Adds KEY=value, value made inert (names.h: ch_text_inert). */
static void
env_add(envb_t *e, const char *key, const char *val)
{
	char v[VALUE_MAX + 1];
	if (e->full || e->k + 1 >= ENV_MAX) {
		e->full = 1;
		return;
	}
	ch_text_inert((const uint8_t *)val, strlen(val), v, sizeof(v));
	size_t len = strlen(key) + 1 + strlen(v) + 1;
	char *s = malloc(len);
	if (!s) {
		e->full = 1;
		return;
	}
	snprintf(s, len, "%s=%s", key, v);
	e->r.env[e->k++] = s;
}

static void
iso_time(uint64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "?");
}

/* What one scan knows of its case. */
typedef struct {
	cahierd_t *d;
	notify_t *n;
	sub_t *s;
	scase_t *c;
	char case_hex[33];
	char case_name[CH_NAME_MAX + 1];
	char to_name[CH_NAME_MAX + 1];
	char to_role[CH_ROLE_MAX + 1];
	char to_hex[65];
	uint32_t key_epoch;
	int have_key;
	uint8_t key[32];
	uint64_t seen;          /* entries looked at */
} scan_t;

/* The head of the report: what every report of this wish says. */
static void
env_head(envb_t *e, const scan_t *x, const char *event)
{
	env_add(e, "PATH", "/usr/local/bin:/usr/bin:/bin");
	env_add(e, "CAHIER_EVENT", event);
	env_add(e, "CAHIER_ORG", x->d->cfg.name);
	env_add(e, "CAHIER_CASE", x->case_hex);
	env_add(e, "CAHIER_CASE_NAME", x->case_name);
	env_add(e, "CAHIER_TO", x->to_name);
	env_add(e, "CAHIER_TO_ROLE", x->to_role);
	env_add(e, "CAHIER_TO_KEY", x->to_hex);
}

/* Queues e's report, or counts it as missed. */
static void
queue(notify_t *n, sub_t *s, envb_t *e)
{
	if (e->full || n->qn == NOTIFY_QUEUE_MAX) {
		report_free(&e->r);
		s->missed++;
		n->st.missed++;
		return;
	}
	n->q[(n->qhead + n->qn) % NOTIFY_QUEUE_MAX] = e->r;
	n->qn++;
	n->st.queued++;
}

/* One access record found: its report. */
static void
report_access(scan_t *x, const ch_env_t *env, const ch_access_t *a, const keys_cert_t *kc)
{
	envb_t e;
	char when[32], org[CH_NAME_MAX + 1], num[24], rec[64];
	uint64_t count = 0;

	memset(&e, 0, sizeof(e));
	for (size_t i = 0; i < a->nranges; i++)
		count += a->ranges[i].to >= a->ranges[i].from ?
		    a->ranges[i].to - a->ranges[i].from + 1 : 0;
	env_head(&e, x, "access");
	env_add(&e, "CAHIER_READER", kc->name);
	env_add(&e, "CAHIER_READER_ROLE", kc->role);
	cahierd_org_name(x->d, x->c, env->org, org, sizeof(org));
	env_add(&e, "CAHIER_READER_ORG", org);
	env_add(&e, "CAHIER_ACTION", ch_action_name(a->action));
	const char *p = ch_purpose_name(a->purpose);
	env_add(&e, "CAHIER_PURPOSE", p ? p : "unknown");
	env_add(&e, "CAHIER_OUTCOME", ch_outcome_name(a->outcome));
	iso_time(a->time_ms, when);
	env_add(&e, "CAHIER_TIME", when);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)count);
	env_add(&e, "CAHIER_ENTRIES", num);
	sodium_bin2hex(rec, 17, env->org, 8);
	snprintf(rec + 16, sizeof(rec) - 16, ":%llu", (unsigned long long)env->seq);
	env_add(&e, "CAHIER_RECORD", rec);
	queue(x->n, x->s, &e);
}

/* The report of reports that found the queue full. */
static void
report_missed(scan_t *x)
{
	envb_t e;
	char num[24];
	if (!x->s->missed || x->n->qn == NOTIFY_QUEUE_MAX)
		return;
	memset(&e, 0, sizeof(e));
	env_head(&e, x, "missed");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)x->s->missed);
	env_add(&e, "CAHIER_MISSED", num);
	if (!e.full) {
		x->s->missed = 0;
		queue(x->n, x->s, &e);
	} else
		report_free(&e.r);
}

/* One entry of a feed above the mark: an access record of the network
 * audience is opened and reported (unless the reader is the provider to
 * tell); every other entry is passed over unopened. */
static int
scan_entry(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t *entry, size_t n)
{
	scan_t *x = arg;
	ch_env_t env;
	const uint8_t *body;
	size_t bl, pl = 0;
	uint8_t *plain = NULL;
	ch_plain_t p;
	ch_access_t a;
	keys_cert_t kc;
	(void)org; (void)seq;

	x->seen++;
	if (ch_entry_split(entry, n, &env, &body, &bl) != 0 || !body ||
	    env.audience != CH_AUD_NETWORK)
		return 0;
	if (!x->have_key || x->key_epoch != env.epoch) {
		x->have_key = store_key_get(x->c, env.epoch, CH_AUD_NETWORK, x->key) == 0;
		x->key_epoch = env.epoch;
		if (!x->have_key)
			return 0;
	}
	if (ch_body_open(&env, body, bl, x->key, &plain, &pl) != 0)
		return 0;
	memset(&a, 0, sizeof(a));
	if (ch_plain_decode(plain, pl, &p) == 0 && p.kind == CH_KIND_ACCESS &&
	    ch_access_decode(p.fields, p.fieldslen, &a) == 0) {
		if (keys_cert_parse(a.cert, a.certlen, &kc) == 0) {
			if (memcmp(kc.provider, x->s->provider, 32) != 0)
				report_access(x, &env, &a, &kc);
			keys_cert_clear(&kc);
		}
		ch_access_clear(&a);
	}
	sodium_memzero(plain, pl);
	free(plain);
	return 0;
}

/* The feeds' heads of a case. */
typedef struct {
	mark_t h[CH_FEEDS_MAX];
	size_t n;
} heads_t;

static int
head_step(void *arg, const uint8_t org[32], uint64_t seq, const uint8_t id[32])
{
	heads_t *h = arg;
	(void)id;
	if (h->n == CH_FEEDS_MAX)
		return 0;
	memcpy(h->h[h->n].org, org, 32);
	h->h[h->n].seq = seq;
	h->n++;
	return 0;
}

static mark_t *
mark_of(sub_t *s, const uint8_t org[32])
{
	for (size_t i = 0; i < s->nmarks; i++)
		if (memcmp(s->marks[i].org, org, 32) == 0)
			return &s->marks[i];
	mark_t *m = realloc(s->marks, (s->nmarks + 1) * sizeof(*m));
	if (!m)
		return NULL;
	s->marks = m;
	m = &s->marks[s->nmarks++];
	memcpy(m->org, org, 32);
	m->seq = 0;
	return m;
}

/* The names a report gives: the case's, and the provider's to tell, from
 * the current charter (decrypted). */
static void
scan_names(scan_t *x)
{
	uint8_t *buf = NULL;
	size_t bl = 0;
	ch_epoch_t ep;
	snprintf(x->case_name, sizeof(x->case_name), "?");
	snprintf(x->to_name, sizeof(x->to_name), "?");
	snprintf(x->to_role, sizeof(x->to_role), "?");
	if (ingest_charter(x->d->in, x->c, state_epoch(x->c), &buf, &bl, &ep) != 0)
		return;
	if (ep.charter.name)
		snprintf(x->case_name, sizeof(x->case_name), "%s", ep.charter.name);
	for (size_t i = 0; i < ep.charter.npeople; i++) {
		const ch_person_t *pp = &ep.charter.people[i];
		if (memcmp(pp->provider, x->s->provider, 32) == 0) {
			snprintf(x->to_name, sizeof(x->to_name), "%s", pp->name);
			snprintf(x->to_role, sizeof(x->to_role), "%s", pp->role);
			break;
		}
	}
	ch_epoch_clear(&ep);
	ingest_charter_free(buf, bl);
}

/* Sets the marks of s at the heads its case holds now (prime), or reads
 * the entries above them (within the round's budget). */
static void
scan(cahierd_t *d, notify_t *n, sub_t *s, int prime)
{
	heads_t *h = malloc(sizeof(*h));
	scan_t x;
	scase_t *c;

	if (!h)
		return;
	h->n = 0;
	if (store_case_get(d->store, s->case_id, 0, &c) != 0 ||
	    store_heads_each(c, head_step, h) != 0) {
		s->dirty = 0;   /* the case is gone or damaged: nothing to report */
		free(h);
		return;
	}
	if (prime) {
		for (size_t i = 0; i < h->n; i++) {
			mark_t *m = mark_of(s, h->h[i].org);
			if (m)
				m->seq = h->h[i].seq;
		}
		s->primed = 1;
		s->dirty = 0;
		free(h);
		return;
	}
	memset(&x, 0, sizeof(x));
	x.d = d;
	x.n = n;
	x.s = s;
	x.c = c;
	sodium_bin2hex(x.case_hex, sizeof(x.case_hex), s->case_id, 16);
	sodium_bin2hex(x.to_hex, sizeof(x.to_hex), s->provider, 32);
	scan_names(&x);
	int done = 1;
	for (size_t i = 0; i < h->n; i++) {
		mark_t *m = mark_of(s, h->h[i].org);
		if (!m)
			break;
		if (h->h[i].seq < m->seq)
			m->seq = h->h[i].seq;   /* the feed went back (a restore): from there on */
		if (h->h[i].seq == m->seq)
			continue;
		if (n->budget == 0) {
			done = 0;
			break;
		}
		uint64_t to = h->h[i].seq;
		if (to - m->seq > n->budget)
			to = m->seq + n->budget;
		x.seen = 0;
		if (store_feed_each(c, h->h[i].org, m->seq + 1, to, scan_entry, &x) != 0) {
			done = 0;
			break;
		}
		n->budget -= x.seen < n->budget ? x.seen : n->budget;
		m->seq = to;
		if (to < h->h[i].seq)
			done = 0;
	}
	report_missed(&x);
	sodium_memzero(x.key, sizeof(x.key));
	if (done)
		s->dirty = 0;
	free(h);
}

/* ---- the wishes ---- */

static int
sub_cmp(const sub_t *s, const uint8_t id[16], const uint8_t provider[32])
{
	int r = memcmp(s->case_id, id, 16);
	return r ? r : memcmp(s->provider, provider, 32);
}

typedef struct {
	notify_t *n;
	size_t nn, old;
} reload_t;

static int
reload_step(void *arg, const uint8_t id[16], const uint8_t provider[32], uint64_t since)
{
	reload_t *r = arg;
	notify_t *n = r->n;
	(void)since;
	if (r->nn == NOTIFY_MAX)
		return 1;
	while (r->old < n->nsubs && sub_cmp(&n->subs[r->old], id, provider) < 0) {
		free(n->subs[r->old].marks);
		r->old++;
	}
	sub_t *s = &n->next[r->nn++];
	if (r->old < n->nsubs && sub_cmp(&n->subs[r->old], id, provider) == 0) {
		*s = n->subs[r->old++];
		return 0;
	}
	memset(s, 0, sizeof(*s));
	memcpy(s->case_id, id, 16);
	memcpy(s->provider, provider, 32);
	return 0;
}

/* Takes in the wishes as the store holds them now: a new one starts
 * unprimed, one no longer there is dropped. */
static void
reload(cahierd_t *d, notify_t *n)
{
	reload_t r = { n, 0, 0 };
	int rc = store_notify_each(d->store, reload_step, &r);
	if (rc < 0)
		log_limited(LOG_LVL_WARN, "notify", "cannot read the notification wishes: %s",
		    store_strerror(rc));
	for (; r.old < n->nsubs; r.old++)
		free(n->subs[r.old].marks);
	sub_t *t = n->subs;
	n->subs = n->next;
	n->next = t;
	n->nsubs = r.nn;
}

/* The first wish of case id, or n->nsubs. */
static size_t
first_of(const notify_t *n, const uint8_t id[16])
{
	size_t lo = 0, hi = n->nsubs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(n->subs[mid].case_id, id, 16) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
notify_pump(cahierd_t *d, notify_t *n)
{
	reap(n);
	if (d->cfg.access_hook)
		start_hook(d, n);
}

int
notify_busy(const notify_t *n)
{
	return n->child != 0 || n->qn != 0;
}

void
notify_run(cahierd_t *d, notify_t *n)
{
	uint8_t (*ids)[16];
	uint64_t *chg;
	size_t k = 0;

	reap(n);
	if (!d->cfg.access_hook)
		return;
	reload(d, n);
	ids = malloc(CHANGED_MAX * sizeof(*ids));
	chg = malloc(CHANGED_MAX * sizeof(*chg));
	if (ids && chg && store_changed_since(d->store, n->since, CHANGED_MAX, ids, chg, &k) == 0) {
		for (size_t i = 0; i < k; i++) {
			if (chg[i] > n->since)
				n->since = chg[i];
			for (size_t j = first_of(n, ids[i]);
			    j < n->nsubs && memcmp(n->subs[j].case_id, ids[i], 16) == 0; j++)
				n->subs[j].dirty = 1;
		}
	}
	free(ids);
	free(chg);
	n->budget = NOTIFY_OPEN_MAX;
	for (size_t i = 0; i < n->nsubs; i++) {
		sub_t *s = &n->subs[i];
		if (!s->primed)
			scan(d, n, s, 1);
		else if (s->dirty || s->missed)
			scan(d, n, s, 0);
	}
	start_hook(d, n);
}
