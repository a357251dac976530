/* cmd_log.c - cahier log (the notebook of a case) and cahier audit (who read
 * what). Both are reads: the daemon records each one before answering. */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "author.h"
#include "cli.h"
#include "escape.h"

static uint8_t
purpose_code(const char *s)
{
	uint8_t p;
	if (ch_purpose_parse(s, &p) == 0)
		return p;
	cli_die(EXIT_ERR, "unknown purpose '%s' (treatment, emergency, coordination, own-request, audit)", s);
}

static const char *
purpose_name(uint8_t p)
{
	const char *s = ch_purpose_name(p);
	return s ? s : "unknown";
}

static char *
slice_str(ch_slice_t s)
{
	char *p = malloc(s.n + 1);
	if (!p)
		cli_die(EXIT_ERR, "out of memory");
	memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return p;
}

/* Names of the organizations met in the charters, in reading order: an
 * entry about an org removed later still shows its name. */
typedef struct {
	struct {
		uint8_t org[32];
		char name[KEYS_NAME_MAX + 1];
	} v[CH_CHARTER_ORGS_MAX * 4];
	size_t n;
} orgnames_t;

static void
names_learn(orgnames_t *nm, const ch_charter_t *ch)
{
	for (size_t i = 0; i < ch->norgs; i++) {
		keys_card_t kc;
		size_t j;
		for (j = 0; j < nm->n; j++)
			if (memcmp(nm->v[j].org, ch->orgs[i].org, 32) == 0)
				break;
		if (j < nm->n || nm->n == sizeof(nm->v) / sizeof(nm->v[0]) ||
		    keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &kc) != 0)
			continue;
		memcpy(nm->v[nm->n].org, ch->orgs[i].org, 32);
		snprintf(nm->v[nm->n].name, sizeof(nm->v[nm->n].name), "%s", kc.name);
		nm->n++;
		keys_card_clear(&kc);
	}
}

/* Copies the name of org into out: its name in a charter read so far, else
 * "org <key id>". */
static void
names_get(const orgnames_t *nm, const uint8_t org[32], char out[KEYS_NAME_MAX + 1])
{
	char kid[17];
	for (size_t j = 0; j < nm->n; j++)
		if (memcmp(nm->v[j].org, org, 32) == 0) {
			snprintf(out, KEYS_NAME_MAX + 1, "%s", nm->v[j].name);
			return;
		}
	keys_keyid(org, kid);
	snprintf(out, KEYS_NAME_MAX + 1, "org %s", kid);
}

/* ---- describing an entry ---- */

/* What an entry shows. */
enum {
	SHOW_HIDDEN,   /* for an audience this organization is not in */
	SHOW_NOTE,
	SHOW_EPOCH,    /* a case creation or a new epoch */
	SHOW_HISTORY,
	SHOW_REVOKE,
	SHOW_ACCESS,
	SHOW_OTHER,    /* a kind this version cannot show */
	SHOW_BROKEN,   /* a known kind whose fields do not decode: no text */
};

/* Fields of an epoch entry: the reason, and the member it is about. */
typedef struct {
	ch_epoch_t ep;                    /* the case name and roles borrow from it */
	char member[KEYS_NAME_MAX + 1];   /* the org the change is about */
	const char *role;                 /* its role in the new charter, or "" */
} epoch_view_t;

/* Fields of an access record: who read what, why, and how it went. */
typedef struct {
	uint64_t time_ms;
	int have_reader;
	keys_cert_t reader;               /* the reader's certificate, if it parses */
	const char *action, *purpose, *outcome;   /* static names */
	const char *scope;                /* "the notebook" or "the audit" */
	int ok;                           /* outcome is ok */
	uint64_t count;                   /* entries held then */
} access_view_t;

/* One entry as cahier log shows it. Filled by describe(), printed by
 * print_text() or put by to_json(), released by entry_clear(). Strings
 * borrow from the read reply, which outlives it. */
typedef struct {
	int shape;                        /* SHOW_* */
	char id[65];                      /* entry id, hex */
	char *org;                        /* the feed's organization (malloc'd) */
	uint64_t seq, time_ms;
	uint32_t epoch;
	uint8_t kind;
	cli_author_t author;
	ch_note_t note;                   /* SHOW_NOTE */
	epoch_view_t epv;                 /* SHOW_EPOCH */
	char grantee[KEYS_NAME_MAX + 1];  /* SHOW_HISTORY */
	char revoked[17];                 /* SHOW_REVOKE: the key id */
	access_view_t acc;                /* SHOW_ACCESS */
} entry_t;

static int
describe_note(entry_t *e, const ch_plain_t *p)
{
	return ch_note_decode(p->fields, p->fieldslen, &e->note) == 0 ? SHOW_NOTE : SHOW_BROKEN;
}

static int
describe_epoch(entry_t *e, const ch_plain_t *p, orgnames_t *nm)
{
	epoch_view_t *v = &e->epv;
	if (ch_epoch_decode(p->fields, p->fieldslen, &v->ep) != 0)
		return SHOW_BROKEN;
	names_learn(nm, &v->ep.charter);
	names_get(nm, v->ep.subject, v->member);
	int k = ch_charter_find_org(&v->ep.charter, v->ep.subject);
	v->role = k >= 0 ? v->ep.charter.orgs[k].role : "";
	return SHOW_EPOCH;
}

static int
describe_history(entry_t *e, const ch_plain_t *p, const orgnames_t *nm)
{
	ch_history_t hi;
	if (ch_history_decode(p->fields, p->fieldslen, &hi) != 0)
		return SHOW_BROKEN;
	names_get(nm, hi.grantee, e->grantee);
	return SHOW_HISTORY;
}

static int
describe_revoke(entry_t *e, const ch_plain_t *p)
{
	ch_revoke_t rv;
	if (ch_revoke_decode(p->fields, p->fieldslen, &rv) != 0)
		return SHOW_BROKEN;
	keys_keyid(rv.provider, e->revoked);
	return SHOW_REVOKE;
}

static int
describe_access(entry_t *e, const ch_plain_t *p)
{
	access_view_t *v = &e->acc;
	ch_access_t a;
	ch_readreq_t rq;

	if (ch_access_decode(p->fields, p->fieldslen, &a) != 0)
		return SHOW_BROKEN;
	v->time_ms = a.time_ms;
	for (size_t k = 0; k < a.nranges; k++)
		v->count += a.ranges[k].to - a.ranges[k].from + 1;
	v->have_reader = keys_cert_parse(a.cert, a.certlen, &v->reader) == 0;
	/* The ranges are the feeds as they stood when read; the signed
	 * request inside the record says which kinds were asked for. */
	v->scope = ch_readreq_decode(a.request, a.requestlen, &rq) == 0 &&
	    rq.kinds == (uint64_t)1 << CH_KIND_ACCESS ? "the audit" : "the notebook";
	v->action = cli_action_name(a.action);
	v->purpose = purpose_name(a.purpose);
	v->ok = a.outcome == CH_OUT_OK;
	v->outcome = a.outcome == CH_OUT_OK ? "ok" :
	    a.outcome == CH_OUT_REFUSED ? "refused" : "failed";
	ch_access_clear(&a);
	return SHOW_ACCESS;
}

/* Describes the read item it into *e (zeroed first); nm learns the names of
 * the organizations in the charters it meets, in reading order. */
static void
describe(entry_t *e, const ch_readitem_t *it, orgnames_t *nm)
{
	ch_plain_t p;
	uint8_t id[32];

	memset(e, 0, sizeof(*e));
	ch_env_id(&it->env, id);
	sodium_bin2hex(e->id, sizeof(e->id), id, 32);
	e->org = slice_str(it->orgname);
	e->seq = it->env.seq;
	e->time_ms = it->env.time_ms;
	e->epoch = it->env.epoch;
	if (it->plain.n == 0 || ch_plain_decode(it->plain.p, it->plain.n, &p) != 0 ||
	    cli_author_get(&it->env, it->plain.p, it->plain.n, &e->author) != 0) {
		e->shape = SHOW_HIDDEN;
		return;
	}
	e->kind = p.kind;
	switch (p.kind) {
	case CH_KIND_NOTE:
		e->shape = describe_note(e, &p);
		break;
	case CH_KIND_CASE_CREATE:
	case CH_KIND_EPOCH:
		e->shape = describe_epoch(e, &p, nm);
		break;
	case CH_KIND_HISTORY:
		e->shape = describe_history(e, &p, nm);
		break;
	case CH_KIND_REVOKE:
		e->shape = describe_revoke(e, &p);
		break;
	case CH_KIND_ACCESS:
		e->shape = describe_access(e, &p);
		break;
	default:
		e->shape = SHOW_OTHER;
	}
}

static void
entry_clear(entry_t *e)
{
	if (e->org) {
		sodium_memzero(e->org, strlen(e->org));
		free(e->org);
	}
	cli_author_clear(&e->author);
	ch_note_clear(&e->note);
	ch_epoch_clear(&e->epv.ep);
	if (e->acc.have_reader)
		keys_cert_clear(&e->acc.reader);
	sodium_memzero(e, sizeof(*e));
}

/* ---- printing a description ---- */

/* Every text field printed below was written by others (a note, a case
 * name, a provider's or an organization's name, a role): each goes through
 * cli_show() or cli_print_lines(), which show the characters a terminal
 * acts on as escapes (escape.h). */

/* The first line of an entry: when, who (if a provider wrote it), where. */
static void
print_head(const entry_t *e, const char *when)
{
	cli_shown_t sh = { { NULL }, 0 };
	if (e->author.found)
		printf("%s  %s (%s) · %s%s\n", when, cli_show(&sh, e->author.cert.name),
		    cli_show(&sh, e->author.cert.role), cli_show(&sh, e->org),
		    e->author.verified ? "" : "  [SIGNATURE DOES NOT VERIFY]");
	else /* written by the organization's daemon on its own */
		printf("%s  %s\n", when, cli_show(&sh, e->org));
	cli_shown_clear(&sh);
}

static void
print_epoch(const entry_t *e)
{
	const epoch_view_t *v = &e->epv;
	cli_shown_t sh = { { NULL }, 0 };
	switch (v->ep.why) {
	case CH_WHY_CREATE:
		printf("    opened the case \"%s\"\n", cli_show(&sh, v->ep.charter.name));
		break;
	case CH_WHY_ADD:
		printf("    added %s to the case as %s (epoch %u: new keys; it reads nothing older)\n",
		    cli_show(&sh, v->member), cli_show(&sh, v->role), e->epoch);
		break;
	case CH_WHY_REMOVE:
		printf("    removed %s from the case (epoch %u: new keys for the others)\n",
		    cli_show(&sh, v->member), e->epoch);
		break;
	case CH_WHY_ROTATE:
		printf("    rotated the keys of the case (epoch %u)%s\n", e->epoch,
		    v->ep.requestlen ? "" : ", as scheduled");
		break;
	case CH_WHY_HANDOVER:
		printf("    handed coordination of the case to %s (epoch %u)\n",
		    cli_show(&sh, v->member), e->epoch);
		break;
	default:
		printf("    updated the people around the person (epoch %u)\n", e->epoch);
	}
	cli_shown_clear(&sh);
}

static void
print_access(const entry_t *e)
{
	const access_view_t *v = &e->acc;
	cli_shown_t sh = { { NULL }, 0 };
	char when[32];
	cli_time(v->time_ms, when);
	printf("%s  %s (%s) · %s  %s %s (%llu entries held then)  purpose: %s%s%s\n",
	    when, cli_show(&sh, v->have_reader ? v->reader.name : "?"),
	    cli_show(&sh, v->have_reader ? v->reader.role : "?"), cli_show(&sh, e->org),
	    v->action, v->scope, (unsigned long long)v->count, v->purpose,
	    v->ok ? "" : "  outcome: ", v->ok ? "" : v->outcome);
	cli_shown_clear(&sh);
}

static void
print_text(const entry_t *e)
{
	cli_shown_t sh = { { NULL }, 0 };
	char when[32];
	cli_time(e->time_ms, when);
	switch (e->shape) {
	case SHOW_HIDDEN:
		printf("%s  %s\n    (an entry for an audience you are not in)\n", when,
		    cli_show(&sh, e->org));
		break;
	case SHOW_NOTE:
		/* Every line of the note indented: none can pass for a header. */
		print_head(e, when);
		cli_print_lines(stdout, "    ", e->note.text);
		break;
	case SHOW_EPOCH:
		print_head(e, when);
		print_epoch(e);
		break;
	case SHOW_HISTORY:
		print_head(e, when);
		printf("    granted %s the history of the epochs before it joined\n",
		    cli_show(&sh, e->grantee));
		break;
	case SHOW_REVOKE:
		printf("%s  %s\n    revoked the key %s of one of its providers: nothing it signs "
		    "later counts\n", when, cli_show(&sh, e->org), e->revoked);
		break;
	case SHOW_ACCESS:
		print_access(e);
		break;
	case SHOW_OTHER:
		print_head(e, when);
		printf("    (an entry of kind %u this version cannot show)\n", e->kind);
		break;
	default: /* SHOW_BROKEN: nothing to show but that it exists (--json) */
		break;
	}
	cli_shown_clear(&sh);
}

static json_t *
to_json(const entry_t *e)
{
	char iso[32];
	cli_time_iso(e->time_ms, iso);
	json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:b}", "entry", e->id, "org", e->org,
	    "seq", (json_int_t)e->seq, "time", iso, "readable", e->shape != SHOW_HIDDEN);
	if (e->shape == SHOW_HIDDEN)
		return o;
	if (e->author.found) {
		json_object_set_new(o, "author", json_string(e->author.cert.name));
		json_object_set_new(o, "role", json_string(e->author.cert.role));
		json_object_set_new(o, "verified", json_boolean(e->author.verified));
	}
	switch (e->shape) {
	case SHOW_NOTE:
		json_object_set_new(o, "kind", json_string("note"));
		json_object_set_new(o, "text", json_string(e->note.text));
		break;
	case SHOW_EPOCH: {
		const epoch_view_t *v = &e->epv;
		json_object_set_new(o, "kind", json_string(ch_why_name(v->ep.why)));
		json_object_set_new(o, "epoch", json_integer(e->epoch));
		if (v->ep.why == CH_WHY_CREATE)
			json_object_set_new(o, "name", json_string(v->ep.charter.name));
		else if (v->ep.why != CH_WHY_ROTATE && v->ep.why != CH_WHY_PEOPLE)
			json_object_set_new(o, "member", json_string(v->member));
		break;
	}
	case SHOW_HISTORY:
		json_object_set_new(o, "kind", json_string("history-granted"));
		json_object_set_new(o, "member", json_string(e->grantee));
		break;
	case SHOW_REVOKE:
		json_object_set_new(o, "kind", json_string("provider-revoked"));
		json_object_set_new(o, "provider", json_string(e->revoked));
		break;
	case SHOW_ACCESS: {
		const access_view_t *v = &e->acc;
		cli_time_iso(v->time_ms, iso);
		json_object_set_new(o, "kind", json_string("access"));
		json_object_set_new(o, "time", json_string(iso));
		json_object_set_new(o, "reader", json_string(v->have_reader ? v->reader.name : "?"));
		json_object_set_new(o, "reader_role",
		    json_string(v->have_reader ? v->reader.role : "?"));
		json_object_set_new(o, "action", json_string(v->action));
		json_object_set_new(o, "purpose", json_string(v->purpose));
		json_object_set_new(o, "outcome", json_string(v->outcome));
		json_object_set_new(o, "entries", json_integer((json_int_t)v->count));
		json_object_set_new(o, "scope", json_string(v->scope + 4));
		break;
	}
	default: /* SHOW_OTHER, SHOW_BROKEN: the envelope and the author only */
		break;
	}
	return o;
}

static void
log_usage(const char *cmd, int code)
{
	FILE *f = code ? stderr : stdout;
	if (strcmp(cmd, "log") == 0)
		fprintf(f, "usage: cahier log CASE [--last N | --all] [--since DATE] [--until DATE]\n"
		    "                 [--kind KIND]... [--search TEXT] [--open] [--unacked]\n"
		    "                 [--purpose PURPOSE]\n\n"
		    "Shows the case's timeline across every organization, oldest first, with\n"
		    "author, role, organization and time: the last 50 entries unless told\n"
		    "otherwise. An edited entry shows its latest version, marked edited.\n"
		    "Your read is recorded (who, when, why, exactly which entries) before\n"
		    "anything is shown; 'cahier audit CASE' lists those records.\n\n"
		    "  --last N       the last N entries (1..1000)\n"
		    "  --all          every entry, page by page\n"
		    "  --since DATE   from DATE on (YYYY-MM-DD, local time)\n"
		    "  --until DATE   before DATE\n"
		    "  --kind KIND    only this kind (note, goal, task, appointment, alert, ack,\n"
		    "                 handover, consent, consultation, answer, decision,\n"
		    "                 keep-an-eye, check-in); may be repeated\n"
		    "  --search TEXT  entries whose text holds TEXT (ASCII letters in any case)\n"
		    "  --open         open tasks, active goals and keep-an-eyes, planned appointments\n"
		    "  --unacked      alerts an addressed organization has not acknowledged\n"
		    "PURPOSE: treatment (default), emergency, coordination, own-request.\n");
	else
		fprintf(f, "usage: cahier audit CASE [--last N | --all] [--since DATE] [--until DATE]\n\n"
		    "Lists who read what in the case, across all its organizations: time,\n"
		    "reader, role, organization, action, purpose and how many entries.\n"
		    "Reading the audit is itself recorded.\n");
	exit(code);
}

/* A date as local midnight, in ms since 1970. */
static uint64_t
parse_date(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		cli_die(EXIT_ERR, "not a date: '%s' (give YYYY-MM-DD)", s);
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t < 0)
		cli_die(EXIT_ERR, "not a date: '%s' (give YYYY-MM-DD)", s);
	return (uint64_t)t * 1000;
}

static uint32_t
parse_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 1 || v > CH_PAGE_MAX)
		cli_die(EXIT_ERR, "--last takes a number from 1 to %d, not '%s'", CH_PAGE_MAX, s);
	return (uint32_t)v;
}

static int
run(cli_t *c, int argc, char **argv, int audit)
{
	const char *casearg = NULL;
	uint8_t purpose = audit ? CH_PURPOSE_AUDIT : CH_PURPOSE_TREATMENT;
	uint8_t id[16] = { 0 };
	ch_readreq_t rq;
	int all = 0;

	cli_readreq_init(&rq, id, CH_ACT_READ, purpose);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			log_usage(argv[0], 0);
		else if (strcmp(a, "--purpose") == 0 && more)
			purpose = purpose_code(argv[++i]);
		else if (strcmp(a, "--last") == 0 && more)
			rq.last = parse_count(argv[++i]);
		else if (strcmp(a, "--all") == 0)
			all = 1;
		else if (strcmp(a, "--since") == 0 && more)
			rq.since = parse_date(argv[++i]);
		else if (strcmp(a, "--until") == 0 && more)
			rq.until = parse_date(argv[++i]);
		else if (!audit && strcmp(a, "--kind") == 0 && more) {
			uint8_t k;
			if (ch_kind_parse(argv[++i], &k) != 0 || !ch_kind_is_care(k))
				cli_die(EXIT_ERR, "unknown kind '%s' (see cahier log --help)", argv[i]);
			rq.kinds |= (uint64_t)1 << k;
		} else if (!audit && strcmp(a, "--search") == 0 && more) {
			if (strlen(argv[++i]) > CH_SEARCH_MAX || argv[i][0] == '\0')
				cli_die(EXIT_ERR, "--search takes 1 to %d bytes of text", CH_SEARCH_MAX);
			snprintf(rq.search, sizeof(rq.search), "%s", argv[i]);
			rq.action = CH_ACT_SEARCH;
		} else if (!audit && strcmp(a, "--open") == 0)
			rq.flags |= CH_RQ_OPEN;
		else if (!audit && strcmp(a, "--unacked") == 0)
			rq.flags |= CH_RQ_UNACKED;
		else if (a[0] == '-')
			cli_die(EXIT_ERR, "unknown option '%s' (see cahier %s --help)", a, argv[0]);
		else if (!casearg)
			casearg = a;
		else
			log_usage(argv[0], EXIT_ERR);
	}
	if (!casearg)
		log_usage(argv[0], EXIT_ERR);
	if (rq.until && rq.since >= rq.until)
		cli_die(EXIT_ERR, "--since must come before --until");
	rq.purpose = purpose;
	if (audit)
		rq.kinds = (uint64_t)1 << CH_KIND_ACCESS;
	cli_open(c);
	cli_case_id(c, casearg, id);
	memcpy(rq.case_id, id, 16);
	if (all) {
		/* Oldest first, page after page: each page is its own read. */
		rq.flags |= CH_RQ_AFTER;
		rq.last = CH_PAGE_MAX;
	}

	orgnames_t *nm = calloc(1, sizeof(*nm));
	json_t *arr = json_array();
	size_t total = 0, reads = 0;
	char aid[65] = "";
	if (!nm || !arr)
		cli_die(EXIT_ERR, "out of memory");
	for (;;) {
		cli_reply_t rep;
		ch_readrep_t rr;
		cli_read(c, &rq, &rep, &rr);
		reads++;
		sodium_bin2hex(aid, sizeof(aid), rr.access_id, 32);
		for (size_t i = 0; i < rr.n; i++) {
			entry_t e;
			describe(&e, &rr.items[i], nm);
			if (c->json)
				json_array_append_new(arr, to_json(&e));
			else
				print_text(&e);
			entry_clear(&e);
		}
		total += rr.n;
		int again = all && rr.more && rr.n;
		if (again) {
			const ch_env_t *last = &rr.items[rr.n - 1].env;
			rq.cursor.time = last->time_ms;
			memcpy(rq.cursor.org, last->org, 32);
			rq.cursor.seq = last->seq;
		} else if (!c->json && rr.more && !all)
			fprintf(stderr, "(older entries not shown: --last N, --since DATE or --all)\n");
		ch_readrep_clear(&rr);
		cli_reply_free(&rep);
		if (!again)
			break;
	}
	sodium_memzero(nm, sizeof(*nm));
	free(nm);
	if (c->json) {
		json_t *top = json_pack("{s:o, s:s}", audit ? "records" : "entries", arr,
		    "access_record", aid);
		cli_json_print(top);
		json_decref(top);
	} else {
		json_decref(arr);
		fprintf(stderr, "%zu %s; %s recorded%s\n", total,
		    audit ? "access records" : "entries",
		    reads == 1 ? "this read is" : "these reads are",
		    reads == 1 ? "" : " (one record per page)");
	}
	return 0;
}

int
cmd_log(cli_t *c, int argc, char **argv)
{
	return run(c, argc, argv, 0);
}

int
cmd_audit(cli_t *c, int argc, char **argv)
{
	return run(c, argc, argv, 1);
}
