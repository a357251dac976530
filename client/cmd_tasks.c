/* cmd_tasks.c - cahier tasks (what is open: tasks, check-ins due) and
 * cahier alerts (what waits for an acknowledgement), across every case the
 * provider works in, or in one. Each case's answer is a read, recorded by
 * the daemon when it shows an entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "casearg.h"
#include "cli.h"
#include "escape.h"
#include "render.h"
#include "view.h"

enum { WHOSE_ALL, WHOSE_MINE, WHOSE_OURS };

typedef struct {
	int alerts;            /* cahier alerts, else cahier tasks */
	int whose;             /* tasks: WHOSE_* */
	int overdue;           /* tasks: only what is late */
	int all;               /* alerts: acknowledged ones too */
	uint8_t purpose;
	int verbose;
	uint64_t now;
	size_t shown;
	json_t *arr;
} tasks_t;

static uint64_t
now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

/* Does entry e of the reply belong in the list? */
static int
selected(const tasks_t *t, view_t *v, const ventry_t *e)
{
	const ch_fields_t *f = view_fields(e);
	if (t->alerts && view_kind(e) == CH_KIND_FORK)
		return 1;
	if (!f)
		return 0;
	if (t->alerts)
		return f->kind == CH_KIND_ALERT || f->kind == CH_KIND_HANDOVER;
	if (f->kind == CH_KIND_KEEP) {
		uint64_t due = view_checkin_due(e);
		/* A keep-an-eye is shown when its check-in is due (or with
		 * --ours/--mine never: it belongs to the case, not to one of us). */
		return due && due <= t->now && t->whose == WHOSE_ALL;
	}
	if (f->kind != CH_KIND_TASK || f->u.task.status != CH_TASK_OPEN)
		return 0;
	if (t->whose == WHOSE_MINE && memcmp(f->u.task.provider, view_me(v), 32) != 0)
		return 0;
	if (t->whose == WHOSE_OURS && memcmp(f->u.task.owner, view_us(v), 32) != 0)
		return 0;
	if (t->overdue && !(f->u.task.due && f->u.task.due < t->now))
		return 0;
	return 1;
}

/* Reads one case and lists what it has to show. */
static void
one_case(cli_t *c, tasks_t *t, const uint8_t id[16], const char *name)
{
	ch_readreq_t rq;
	cli_reply_t rep;
	ch_readrep_t rr;
	cli_shown_t sh = { { NULL }, 0 };
	int header = 0;

	cli_readreq_init(&rq, id, CH_ACT_READ, t->purpose);
	if (t->alerts) {
		rq.kinds = (uint64_t)1 << CH_KIND_ALERT | (uint64_t)1 << CH_KIND_HANDOVER |
		    (uint64_t)1 << CH_KIND_FORK;
		if (!t->all)
			rq.flags = CH_RQ_UNACKED;
	} else {
		rq.kinds = (uint64_t)1 << CH_KIND_TASK | (uint64_t)1 << CH_KIND_KEEP;
		rq.flags = CH_RQ_OPEN;
	}
	rq.last = CH_PAGE_MAX;
	cli_read(c, &rq, &rep, &rr);
	view_t *v = view_new(c, t->verbose);
	view_set_case(v, name[0] ? name : "CASE", 0);
	view_learn(v, &rr);
	for (size_t i = 0; i < rr.n; i++) {
		ventry_t *e = view_describe(v, &rr.items[i]);
		if (!selected(t, v, e)) {
			view_entry_free(&e);
			continue;
		}
		t->shown++;
		if (c->json) {
			json_t *j = view_json(v, e);
			char hex[33];
			sodium_bin2hex(hex, sizeof(hex), id, 16);
			json_object_set_new(j, "case", json_string(hex));
			json_object_set_new(j, "case_name", json_string(name));
			const ch_fields_t *f = view_fields(e);
			if (f && f->kind == CH_KIND_TASK)
				json_object_set_new(j, "overdue",
				    json_boolean(f->u.task.due && f->u.task.due < t->now));
			json_array_append_new(t->arr, j);
		} else {
			if (!header++)
				printf("\n%s\n", cli_show(&sh, name[0] ? name : _("(a case whose name "
				    "this organization cannot read)")));
			view_print(v, e);
		}
		view_entry_free(&e);
	}
	view_free(&v);
	ch_readrep_clear(&rr);
	cli_reply_free(&rep);
	cli_shown_clear(&sh);
}

static const char *const help_alerts[] = {
	N_("usage: cahier alerts [CASE] [--all] [--purpose PURPOSE] [--verbose]\n"),
	N_("Lists the alerts that some organization they address has not yet\n"
	    "acknowledged, and the handovers their contact point or deputy has not,\n"
	    "in every case you work in (or in CASE), with who has\n"
	    "acknowledged and who has not; 'yours to acknowledge' marks those\n"
	    "addressed to your organization (cahier ack CASE REF). --all: the\n"
	    "acknowledged ones too. A FORK (an organization wrote two different\n"
	    "entries at one place of its feed) is always listed. Each case read is\n"
	    "recorded.\n"),
	N_("Exit codes: 0 alerts listed, 1 none, 2 an error.\n"),
	NULL
};

static const char *const help_tasks[] = {
	N_("usage: cahier tasks [CASE] [--mine | --ours] [--overdue] [--purpose PURPOSE]\n"
	    "                   [--verbose]\n"),
	N_("Lists the open tasks and the check-ins due (cases kept at low\n"
	    "intensity) in every case you work in, or in CASE.\n"
	    "  --mine     tasks assigned to you\n"
	    "  --ours     tasks your organization owns\n"
	    "  --overdue  only tasks past their due date\n"),
	N_("Each case read is recorded. Exit codes: 0 something listed, 1 nothing,\n"
	    "2 an error.\n"),
	NULL
};

static void
usage(int alerts, int code)
{
	cli_help(code ? stderr : stdout, alerts ? help_alerts : help_tasks);
	exit(code);
}

static int
run(cli_t *c, int argc, char **argv, int alerts)
{
	tasks_t t;
	const char *casearg = NULL;

	memset(&t, 0, sizeof(t));
	t.alerts = alerts;
	t.purpose = 0; /* by role (cli_read) */
	t.now = now_ms();
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			usage(alerts, 0);
		else if (!alerts && strcmp(a, "--mine") == 0)
			t.whose = WHOSE_MINE;
		else if (!alerts && strcmp(a, "--ours") == 0)
			t.whose = WHOSE_OURS;
		else if (!alerts && strcmp(a, "--overdue") == 0)
			t.overdue = 1;
		else if (alerts && strcmp(a, "--all") == 0)
			t.all = 1;
		else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0)
			t.verbose = 1;
		else if (strcmp(a, "--purpose") == 0 && i + 1 < argc) {
			if (ch_purpose_parse(argv[++i], &t.purpose) != 0)
				cli_die(EXIT_ERR, _("unknown purpose '%s' (treatment, emergency, "
				    "coordination, own-request)"), argv[i]);
		} else if (a[0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier %s --help)"), a, argv[0]);
		else if (!casearg)
			casearg = a;
		else
			usage(alerts, EXIT_ERR);
	}
	if (!(t.arr = json_array()))
		cli_die(EXIT_ERR, _("out of memory"));
	cli_open(c);
	if (casearg) {
		uint8_t id[16];
		cli_case_arg(c, casearg, id);
		one_case(c, &t, id, casearg);
	} else {
		/* The daily list: closed cases and cases this organization was
		 * removed from are left out (nothing new can be done there). */
		uint8_t *req = NULL;
		size_t reqlen = 0, bl, n = 0;
		const uint8_t *body;
		cli_reply_t rep;
		ch_caseinfo_t *cs = NULL;
		if (ch_casesreq_encode(CH_CASES_DAILY, &req, &reqlen) != 0)
			cli_die(EXIT_ERR, _("out of memory"));
		cli_call(c, CH_CQ_CASES, req, reqlen, &rep, &body, &bl);
		free(req);
		if (ch_caselist_decode(body, bl, &cs, &n) != 0)
			cli_die(EXIT_ERR, _("malformed reply from the daemon"));
		for (size_t i = 0; i < n; i++) {
			if (cs[i].flags & (CH_CASE_CLOSED | CH_CASE_REMOVED))
				continue;
			char *name = malloc(cs[i].name.n + 1);
			if (!name)
				cli_die(EXIT_ERR, _("out of memory"));
			memcpy(name, cs[i].name.p, cs[i].name.n);
			name[cs[i].name.n] = '\0';
			one_case(c, &t, cs[i].case_id, name);
			sodium_memzero(name, cs[i].name.n);
			free(name);
		}
		free(cs);
		cli_reply_free(&rep);
	}
	if (c->json) {
		json_t *top = json_pack("{s:o}", alerts ? "alerts" : "tasks", t.arr);
		cli_json_print(top);
		json_decref(top);
	} else {
		json_decref(t.arr);
		if (!t.shown)
			printf("%s\n", alerts ? (t.all ? _("No alerts.") :
			    _("No alert waits for an acknowledgement.")) :
			    _("Nothing open."));
	}
	return t.shown ? 0 : EXIT_NO;
}

int
cmd_tasks(cli_t *c, int argc, char **argv)
{
	return run(c, argc, argv, 0);
}

int
cmd_alerts(cli_t *c, int argc, char **argv)
{
	return run(c, argc, argv, 1);
}
