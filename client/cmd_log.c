/* cmd_log.c - cahier log (the timeline of a case), cahier audit (who read
 * what), cahier show (one entry, its versions and what refers to it) and
 * cahier watch (new entries as they come). All are reads: the daemon
 * records each one that shows an entry before answering. */
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
#include "ref.h"
#include "view.h"

static uint8_t
purpose_code(const char *s)
{
	uint8_t p;
	if (ch_purpose_parse(s, &p) == 0)
		return p;
	cli_die(EXIT_ERR, "unknown purpose '%s' (treatment, emergency, coordination, own-request, audit)", s);
}

/* Shows the items of a reply, as text or into arr. */
static void
show_items(cli_t *c, view_t *v, const ch_readrep_t *rr, json_t *arr)
{
	view_learn(v, rr);
	for (size_t i = 0; i < rr->n; i++) {
		ventry_t *e = view_describe(v, &rr->items[i]);
		if (c->json)
			json_array_append_new(arr, view_json(v, e));
		else
			view_print(v, e);
		view_entry_free(&e);
	}
}

static void
log_usage(const char *cmd, int code)
{
	FILE *f = code ? stderr : stdout;
	if (strcmp(cmd, "log") == 0)
		fprintf(f, "usage: cahier log CASE [--last N | --all] [--since DATE] [--until DATE]\n"
		    "                 [--kind KIND]... [--search TEXT] [--open] [--unacked]\n"
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
		    "  --verbose      also each entry's id, seq and epoch\n"
		    "Exit codes: 0 entries shown, 1 none matched, 2 an error.\n"
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
	int all = 0, verbose = 0;

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

	view_t *v = view_new(c, verbose);
	json_t *arr = json_array();
	size_t total = 0, reads = 0;
	char aid[65] = "";
	if (!arr)
		cli_die(EXIT_ERR, "out of memory");
	for (;;) {
		cli_reply_t rep;
		ch_readrep_t rr;
		cli_read(c, &rq, &rep, &rr);
		reads++;
		if (!sodium_is_zero(rr.access_id, 32))
			sodium_bin2hex(aid, sizeof(aid), rr.access_id, 32);
		show_items(c, v, &rr, arr);
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
	view_free(&v);
	if (c->json) {
		json_t *top = json_pack("{s:o, s:s?}", audit ? "records" : "entries", arr,
		    "access_record", aid[0] ? aid : NULL);
		cli_json_print(top);
		json_decref(top);
	} else {
		json_decref(arr);
		fprintf(stderr, "%zu %s shown%s\n", total,
		    audit ? (total == 1 ? "access record" : "access records") :
		    (total == 1 ? "entry" : "entries"),
		    total ? (reads == 1 ? "; your read is recorded" :
		    "; your reads are recorded, one record per page") : "");
	}
	return total ? 0 : EXIT_NO;
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
