/* cmd_log.c - cahier log (the timeline of a case), cahier audit (who read
 * what), cahier show (one entry, its versions and what refers to it) and
 * cahier watch (new entries as they come). All are reads: the daemon
 * records each one that shows an entry before answering. */
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "author.h"
#include "casearg.h"
#include "orgarg.h"
#include "cli.h"
#include "i18n.h"
#include "escape.h"
#include "ref.h"
#include "report.h"
#include "view.h"

static uint8_t
purpose_code(const char *s)
{
	uint8_t p;
	if (ch_purpose_parse(s, &p) == 0)
		return p;
	cli_die(EXIT_ERR, _("unknown purpose '%s' (treatment, emergency, coordination, own-request, audit)"), s);
}

/* Shows the items of a reply, as text or into arr; with a filter (cahier
 * audit), only the access records it matches. Returns how many were shown. */
static size_t
show_items(cli_t *c, view_t *v, const ch_readrep_t *rr, json_t *arr,
    const view_afilter_t *f, report_t *rp)
{
	size_t shown = 0;
	view_learn(v, rr);
	for (size_t i = 0; i < rr->n; i++) {
		ventry_t *e = view_describe(v, &rr->items[i]);
		if (f && !view_access_match(e, f)) {
			view_entry_free(&e);
			continue;
		}
		shown++;
		view_access_t acc;
		if (rp) {
			/* the person's report: access records only, as words */
			if (view_access_get(e, &acc) == 0)
				report_line(rp, &acc);
			else
				shown--;
			view_entry_free(&e);
			continue;
		}
		if (c->json)
			json_array_append_new(arr, view_json(v, e));
		else
			view_print(v, e);
		view_entry_free(&e);
		/* A run of entries the reader cannot open, for one reason and
		 * one audience (a member that joined late sees many: the
		 * others' earlier entries, their read records among them), is
		 * one line of text after the first. */
		const ch_readitem_t *a = &rr->items[i];
		size_t j = i + 1;
		while (!c->json && j < rr->n && a->state != CH_IT_OPEN && a->state != CH_IT_HIDDEN &&
		    rr->items[j].state == a->state &&
		    rr->items[j].env.audience == a->env.audience)
			j++;
		if (j - i > 2) {
			char when[32];
			cli_time(rr->items[j - 1].env.time_ms, when);
			printf(_("    (and %zu more entries like it, the last on %s)\n"), j - i - 1, when);
			shown += j - i - 1;
			i = j - 1;
		}
	}
	return shown;
}

static void
log_usage(const char *cmd, int code)
{
	FILE *f = code ? stderr : stdout;
	if (strcmp(cmd, "log") == 0)
		fputs(_("usage: cahier log CASE [--last N | --all] [--since DATE] [--until DATE]\n"
		    "                 [--kind KIND]... [--search TEXT] [--open] [--unacked]\n"
		    "                 [--org ORG] [--audience A]... [--mine]\n"
		    "                 [--purpose PURPOSE] [--verbose]\n\n"
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
		    "  --org ORG      only what this organization wrote (a member's name)\n"
		    "  --audience A   only entries for this audience (network, care, medical,\n"
		    "                 social, coordination)\n"
		    "  --mine         only what you wrote\n"
		    "  --verbose      also each entry's id, seq and epoch\n"
		    "Exit codes: 0 entries shown, 1 none matched, 2 an error.\n"
		    "PURPOSE: treatment, emergency, coordination, own-request, audit; without\n"
		    "--purpose, the one your role and the read give (cahier(1)).\n"), f);
	else
		fputs(_("usage: cahier audit CASE [--last N | --all] [--since DATE] [--until DATE]\n"
		    "                   [--org ORG] [--reader NAME] [--action ACTION]\n"
		    "                   [--why PURPOSE] [--outcome OUTCOME] [--purpose PURPOSE]\n\n"
		    "Lists who read what in the case, across all its organizations: time,\n"
		    "reader, role, organization, action, what was read, how many entries,\n"
		    "purpose, and the outcome of a read that was refused or failed.\n"
		    "  --org ORG          records of this organization's readers (a member's name)\n"
		    "  --reader NAME      readers whose name holds NAME (ASCII letters in any case)\n"
		    "  --action ACTION    read, search, list, export, print, create, update, delete\n"
		    "  --why PURPOSE      reads made for PURPOSE (treatment, emergency,\n"
		    "                     coordination, own-request, audit)\n"
		    "  --outcome OUTCOME  ok, refused, failed\n"
		    "  --purpose PURPOSE  the purpose of this read of the audit (default: audit;\n"
		    "                     own-request for the people around the person)\n"
		    "  --for-person       the report the person or their trusted person is\n"
		    "                     entitled to: every record, oldest first, in words\n"
		    "                     (who, organization and role, what, why)\n"
		    "  --html             that report as a page to print (HTML, A4)\n"
		    "  --lang nl|fr|en    that report in Dutch, French or English (default: as\n"
		    "                     your locale says, LANGUAGE or LANG)\n"
		    "--since and --until select by the time of the record. Reading the audit\n"
		    "is itself recorded, with every record the page held, filtered or not.\n"
		    "Exit codes: 0 records shown, 1 none matched, 2 an error.\n"), f);
	exit(code);
}

static uint32_t
parse_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 1 || v > CH_PAGE_MAX)
		cli_die(EXIT_ERR, _("--last takes a number from 1 to %d, not '%s'"), CH_PAGE_MAX, s);
	return (uint32_t)v;
}

static int
run(cli_t *c, int argc, char **argv, int audit)
{
	const char *casearg = NULL;
	uint8_t purpose = 0; /* by role and what is read (cli_read) */
	uint8_t id[16] = { 0 };
	ch_readreq_t rq;
	int all = 0, verbose = 0, mine = 0, filtered = 0, for_person = 0, as_html = 0;
	const char *lang = NULL;
	report_t rp;
	const char *orgarg = NULL;
	view_afilter_t af;
	memset(&af, 0, sizeof(af));

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
		else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0)
			verbose = 1;
		else if (strcmp(a, "--since") == 0 && more)
			rq.since = cli_date(argv[++i]);
		else if (strcmp(a, "--until") == 0 && more)
			rq.until = cli_date(argv[++i]);
		else if (!audit && strcmp(a, "--kind") == 0 && more) {
			uint8_t k;
			if (ch_kind_parse(argv[++i], &k) != 0 || !ch_kind_is_care(k))
				cli_die(EXIT_ERR, _("unknown kind '%s' (see cahier log --help)"), argv[i]);
			rq.kinds |= (uint64_t)1 << k;
		} else if (!audit && strcmp(a, "--search") == 0 && more) {
			if (strlen(argv[++i]) > CH_SEARCH_MAX || argv[i][0] == '\0')
				cli_die(EXIT_ERR, _("--search takes 1 to %d bytes of text"), CH_SEARCH_MAX);
			snprintf(rq.search, sizeof(rq.search), "%s", argv[i]);
			rq.action = CH_ACT_SEARCH;
		} else if (!audit && strcmp(a, "--open") == 0)
			rq.flags |= CH_RQ_OPEN;
		else if (!audit && strcmp(a, "--mine") == 0)
			mine = 1;
		else if (strcmp(a, "--org") == 0 && more)
			orgarg = argv[++i];
		else if (audit && strcmp(a, "--for-person") == 0)
			for_person = all = 1;
		else if (audit && strcmp(a, "--html") == 0)
			as_html = 1;
		else if (audit && strcmp(a, "--lang") == 0 && more) {
			lang = argv[++i];
			if (strcmp(lang, "nl") && strcmp(lang, "fr") && strcmp(lang, "en"))
				cli_die(EXIT_ERR, _("--lang takes nl, fr or en, not '%s'"), lang);
		}
		else if (audit && strcmp(a, "--reader") == 0 && more) {
			af.reader = argv[++i];
			filtered = 1;
			if (!af.reader[0])
				cli_die(EXIT_ERR, _("--reader takes part of a name"));
		} else if (audit && strcmp(a, "--action") == 0 && more) {
			static const char *const acts[] = { "create", "read", "update", "delete",
			    "export", "search", "list", "print" };
			af.action = argv[++i];
			filtered = 1;
			size_t k;
			for (k = 0; k < sizeof(acts) / sizeof(acts[0]) && strcmp(acts[k], af.action); k++)
				;
			if (k == sizeof(acts) / sizeof(acts[0]))
				cli_die(EXIT_ERR, _("unknown action '%s' (read, search, list, export, "
				    "print, create, update, delete)"), af.action);
		} else if (audit && strcmp(a, "--why") == 0 && more) {
			af.purpose = ch_purpose_name(purpose_code(argv[++i]));
			filtered = 1;
		} else if (audit && strcmp(a, "--outcome") == 0 && more) {
			af.outcome = argv[++i];
			filtered = 1;
			if (strcmp(af.outcome, "ok") && strcmp(af.outcome, "refused") &&
			    strcmp(af.outcome, "failed"))
				cli_die(EXIT_ERR, _("unknown outcome '%s' (ok, refused, failed)"), af.outcome);
		}
		else if (!audit && strcmp(a, "--audience") == 0 && more) {
			uint8_t au;
			if (ch_aud_parse(argv[++i], &au) != 0 || au == CH_AUD_MEMBERSHIP)
				cli_die(EXIT_ERR, _("unknown audience '%s' (network, care, medical, "
				    "social, coordination)"), argv[i]);
			rq.audiences |= (uint8_t)(1u << au);
		}
		else if (!audit && strcmp(a, "--unacked") == 0)
			rq.flags |= CH_RQ_UNACKED;
		else if (a[0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier %s --help)"), a, argv[0]);
		else if (!casearg)
			casearg = a;
		else
			log_usage(argv[0], EXIT_ERR);
	}
	if (!casearg)
		log_usage(argv[0], EXIT_ERR);
	if (as_html && !for_person)
		cli_die(EXIT_ERR, _("--html goes with --for-person (the person's report)"));
	if (lang && !for_person)
		cli_die(EXIT_ERR, _("--lang goes with --for-person (the person's report)"));
	if (lang)
		cli_i18n_lang(lang);
	if (for_person && c->json)
		cli_die(EXIT_ERR, _("--for-person prints a report for people; --json lists the records"));
	if (rq.until && rq.since >= rq.until)
		cli_die(EXIT_ERR, _("--since must come before --until"));
	rq.purpose = purpose;
	if (audit)
		rq.kinds = (uint64_t)1 << CH_KIND_ACCESS;
	cli_open(c);
	cli_case_arg(c, casearg, id);
	memcpy(rq.case_id, id, 16);
	cli_case_notice(c, id);
	if (mine || orgarg) {
		keys_cert_t kc;
		if (keys_cert_parse(c->cert, c->certlen, &kc) != 0)
			cli_die(EXIT_ERR, _("your certificate does not parse"));
		/* What you wrote: the key your certificate names. */
		if (mine)
			memcpy(rq.author, kc.provider, 32);
		if (orgarg) {
			cli_members_t ms;
			cli_members_load(c, id, ch_role_is_person(kc.role), &ms);
			cli_org_resolve(&ms, orgarg, "--org", rq.org);
			cli_members_clear(&ms);
		}
		keys_cert_clear(&kc);
	}
	if (all) {
		/* Oldest first, page after page: each page is its own read. */
		rq.flags |= CH_RQ_AFTER;
		rq.last = CH_PAGE_MAX;
	}

	view_t *v = view_new(c, verbose);
	view_set_case(v, casearg, 0);
	if (for_person) {
		char name[CH_CASE_NAME_MAX + 1];
		cli_case_name(c, id, name, sizeof(name));
		report_begin(&rp, stdout, as_html, name);
	}
	json_t *arr = json_array();
	size_t total = 0, reads = 0;
	char aid[65] = "";
	if (!arr)
		cli_die(EXIT_ERR, _("out of memory"));
	for (;;) {
		cli_reply_t rep;
		ch_readrep_t rr;
		cli_read(c, &rq, &rep, &rr);
		reads++;
		if (!sodium_is_zero(rr.access_id, 32))
			sodium_bin2hex(aid, sizeof(aid), rr.access_id, 32);
		total += show_items(c, v, &rr, arr, filtered ? &af : NULL, for_person ? &rp : NULL);
		int again = all && rr.more && rr.n;
		if (again) {
			const ch_env_t *last = &rr.items[rr.n - 1].env;
			rq.cursor.time = last->time_ms;
			memcpy(rq.cursor.org, last->org, 32);
			rq.cursor.seq = last->seq;
		} else if (!c->json && rr.more && !all)
			fputs(_("(older entries not shown: --last N, --since DATE or --all)\n"), stderr);
		ch_readrep_clear(&rr);
		cli_reply_free(&rep);
		if (!again)
			break;
	}
	view_free(&v);
	if (for_person) {
		report_end(&rp);
		json_decref(arr);
		return total ? 0 : EXIT_NO;
	}
	if (c->json) {
		json_t *top = json_pack("{s:o, s:s?}", audit ? "records" : "entries", arr,
		    "access_record", aid[0] ? aid : NULL);
		cli_json_print(top);
		json_decref(top);
	} else {
		json_decref(arr);
		if (audit)
			fprintf(stderr, ngettext("%zu access record shown", "%zu access records shown",
			    total), total);
		else
			fprintf(stderr, ngettext("%zu entry shown", "%zu entries shown", total), total);
		if (total)
			fputs(reads == 1 ? _("; your read is recorded") :
			    _("; your reads are recorded, one record per page"), stderr);
		fputc('\n', stderr);
	}
	return total ? 0 : EXIT_NO;
}

/* ---- cahier show ---- */

static void
show_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fputs(_("usage: cahier show CASE REF [--purpose PURPOSE] [--verbose]\n\n"
	    "Shows one entry of the case: its latest version, every earlier version\n"
	    "(an edit never rewrites one), and the entries that refer to it: the\n"
	    "acknowledgements of an alert, the answers and decisions of a\n"
	    "consultation, the check-ins of a keep-an-eye, the replies to a note.\n"
	    "REF is the entry's short reference, as cahier log, tasks and alerts\n"
	    "show it (8 letters and digits). The read is recorded.\n"), f);
	exit(code);
}

int
cmd_show(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL, *refarg = NULL;
	uint8_t purpose = 0, id[16] = { 0 }, prefix[32];
	int verbose = 0;
	ch_readreq_t rq;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			show_usage(0);
		else if (strcmp(a, "--purpose") == 0 && i + 1 < argc)
			purpose = purpose_code(argv[++i]);
		else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0)
			verbose = 1;
		else if (a[0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier show --help)"), a);
		else if (!casearg)
			casearg = a;
		else if (!refarg)
			refarg = a;
		else
			show_usage(EXIT_ERR);
	}
	if (!casearg || !refarg)
		show_usage(EXIT_ERR);
	if (cli_ref_parse(refarg, prefix) != 0)
		cli_die(EXIT_ERR, _("'%s' is not an entry reference (8 letters and digits, as "
		    "cahier log shows them)"), refarg);
	cli_open(c);
	cli_case_arg(c, casearg, id);
	cli_case_notice(c, id);
	cli_readreq_init(&rq, id, CH_ACT_READ, purpose);
	memcpy(rq.entry, prefix, 32);
	rq.flags = CH_RQ_PREFIX | CH_RQ_VERSIONS | CH_RQ_REFS;
	rq.last = CH_PAGE_MAX;

	cli_reply_t rep;
	ch_readrep_t rr;
	cli_read(c, &rq, &rep, &rr);
	/* The entry's versions share its first version's id (root); what
	 * refers to it has another. Several roots: an ambiguous reference. */
	const uint8_t *root = NULL;
	int ambiguous = 0;
	for (size_t i = 0; i < rr.n; i++)
		if (memcmp(rr.items[i].root, prefix, CH_REF_LEN) == 0) {
			if (root && memcmp(root, rr.items[i].root, 32) != 0)
				ambiguous = 1;
			root = rr.items[i].root;
		}
	if (!root) {
		ch_readrep_clear(&rr);
		cli_reply_free(&rep);
		cli_die(EXIT_NO, _("no entry %s in this case (or none you may see)"), refarg);
	}
	view_t *v = view_new(c, verbose);
	view_set_case(v, casearg, 1);
	view_learn(v, &rr);
	json_t *arr = json_array(), *versions = json_array(), *refs = json_array();
	if (!arr || !versions || !refs)
		cli_die(EXIT_ERR, _("out of memory"));
	if (ambiguous && !c->json)
		printf(_("The reference %s names several entries:\n"), refarg);
	/* The latest version first, then the earlier ones, then what refers
	 * to it (each group oldest first). */
	for (int pass = 0; pass < 3; pass++) {
		int printed = 0;
		for (size_t k = rr.n; k-- > 0;) {
			size_t i = pass == 0 ? k : rr.n - 1 - k;
			const ch_readitem_t *it = &rr.items[i];
			int mine = memcmp(it->root, prefix, CH_REF_LEN) == 0;
			uint8_t eid[32];
			ch_env_id(&it->env, eid);
			int latest = mine && (ambiguous || pass != 0 || !printed);
			if (pass == 0 && !(mine && latest))
				continue;
			if (pass == 1 && !(mine && !ambiguous))
				continue;
			if (pass == 2 && mine)
				continue;
			if (pass == 1) {
				/* Skip the latest, already shown: the newest of mine. */
				size_t newest = rr.n;
				for (size_t j = rr.n; j-- > 0;)
					if (memcmp(rr.items[j].root, prefix, CH_REF_LEN) == 0) {
						newest = j;
						break;
					}
				if (i == newest)
					continue;
			}
			ventry_t *e = view_describe(v, it);
			if (c->json)
				json_array_append_new(pass == 0 ? arr : pass == 1 ? versions : refs,
				    view_json(v, e));
			else {
				if (!printed && pass == 1)
					fputs(_("\nearlier versions:\n"), stdout);
				if (!printed && pass == 2)
					fputs(_("\nreferring to it:\n"), stdout);
				view_print(v, e);
			}
			view_entry_free(&e);
			printed++;
			if (pass == 0 && !ambiguous)
				break;
		}
	}
	if (c->json) {
		json_t *top = json_pack("{s:o, s:o, s:o, s:b}", ambiguous ? "entries" : "entry",
		    ambiguous ? arr : json_array_get(arr, 0) ? json_incref(json_array_get(arr, 0)) :
		    json_null(), "versions", versions, "refs", refs, "ambiguous", ambiguous);
		if (!ambiguous)
			json_decref(arr);
		cli_json_print(top);
		json_decref(top);
	} else {
		json_decref(arr);
		json_decref(versions);
		json_decref(refs);
	}
	view_free(&v);
	ch_readrep_clear(&rr);
	cli_reply_free(&rep);
	return ambiguous ? EXIT_ERR : 0;
}

/* ---- cahier watch ---- */

static void
watch_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fputs(_("usage: cahier watch CASE [--access] [--every SECONDS] [--for SECONDS]\n"
	    "                   [--last N] [--purpose PURPOSE]\n\n"
	    "Shows the case's last entries (--last, default 10), then every new entry\n"
	    "as it reaches your organization's daemon, from any organization, like\n"
	    "tail -f: asks every --every seconds (default 2), until interrupted or\n"
	    "--for seconds have passed. Every delivery is a read, and recorded; an\n"
	    "answer with nothing new leaves no record.\n"
	    "  --access  the access records instead: each read of the case, by anyone,\n"
	    "            as it becomes known here (the person, their trusted person or\n"
	    "            contact point can follow who reads the notebook). Showing you\n"
	    "            only your own reads of the audit leaves no record.\n"), f);
	exit(code);
}

static volatile sig_atomic_t watch_stop;

static void
watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

static int
seconds_arg(const char *s, const char *opt, int max)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 1 || v > max)
		cli_die(EXIT_ERR, _("%s takes a number of seconds from 1 to %d, not '%s'"), opt, max, s);
	return (int)v;
}

int
cmd_watch(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL;
	uint8_t purpose = 0, id[16] = { 0 };
	int every = 2, dur = 0, last = 10, access = 0;
	ch_readreq_t rq;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			watch_usage(0);
		else if (strcmp(a, "--purpose") == 0 && more)
			purpose = purpose_code(argv[++i]);
		else if (strcmp(a, "--access") == 0)
			access = 1;
		else if (strcmp(a, "--every") == 0 && more)
			every = seconds_arg(argv[++i], "--every", 3600);
		else if (strcmp(a, "--for") == 0 && more)
			dur = seconds_arg(argv[++i], "--for", 7 * 86400);
		else if (strcmp(a, "--last") == 0 && more)
			last = (int)parse_count(argv[++i]);
		else if (a[0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier watch --help)"), a);
		else if (!casearg)
			casearg = a;
		else
			watch_usage(EXIT_ERR);
	}
	if (!casearg)
		watch_usage(EXIT_ERR);
	cli_open(c);
	cli_case_arg(c, casearg, id);
	signal(SIGINT, watch_signal);
	signal(SIGTERM, watch_signal);
	view_t *v = view_new(c, 0);
	view_set_case(v, casearg, 0);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	time_t until = dur ? tv.tv_sec + dur : 0;
	uint64_t instance = 0, arrived = 0, seen_time = 0;
	int first = 1;
	while (!watch_stop) {
		cli_reply_t rep;
		ch_readrep_t rr;
		cli_readreq_init(&rq, id, CH_ACT_READ, purpose);
		if (access)
			rq.kinds = (uint64_t)1 << CH_KIND_ACCESS;
		if (first) {
			rq.last = (uint32_t)last;    /* the last few, newest last */
		} else {
			rq.flags = CH_RQ_ARRIVAL;
			rq.cursor.time = instance;
			rq.cursor.seq = arrived;
			rq.last = CH_PAGE_MAX;
		}
		cli_read(c, &rq, &rep, &rr);
		if (!first && rr.instance != instance && seen_time) {
			/* The daemon built its timeline anew (it restarted):
			 * what came since the newest entry seen, by time. */
			ch_readrep_clear(&rr);
			cli_reply_free(&rep);
			cli_readreq_init(&rq, id, CH_ACT_READ, purpose);
			if (access)
				rq.kinds = (uint64_t)1 << CH_KIND_ACCESS;
			rq.flags = CH_RQ_AFTER;
			rq.since = seen_time;
			rq.last = CH_PAGE_MAX;
			cli_read(c, &rq, &rep, &rr);
		}
		view_learn(v, &rr);
		for (size_t i = 0; i < rr.n; i++) {
			ventry_t *e = view_describe(v, &rr.items[i]);
			if (c->json) {
				json_t *j = view_json(v, e);
				cli_json_print(j);
				json_decref(j);
			} else
				view_print(v, e);
			view_entry_free(&e);
			if (rr.items[i].env.time_ms > seen_time)
				seen_time = rr.items[i].env.time_ms;
		}
		fflush(stdout);
		instance = rr.instance;
		arrived = rr.arrived;
		ch_readrep_clear(&rr);
		cli_reply_free(&rep);
		first = 0;
		gettimeofday(&tv, NULL);
		if (until && tv.tv_sec >= until)
			break;
		for (int s = 0; s < every * 10 && !watch_stop; s++) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	view_free(&v);
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
