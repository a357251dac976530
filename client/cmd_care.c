/* cmd_care.c - the commands that write care entries (proto/kinds.h): note,
 * goal, task, appointment, alert, ack, handover, consent, consult, answer,
 * decide, keep-an-eye, check-in, hide, erase, and edit; and show, one entry by its
 * reference, as the daemons show it now. Each builds the kind's
 * fields from its arguments (an organization by its name among the case's
 * members: orgarg.h; an earlier entry by its short reference: ref.h),
 * posts them signed (post.h) and says what was posted, its reference and
 * which organizations hold it. The daemon checks every rule again: the
 * client only makes the common mistakes clear before anything is sent. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "care.h"
#include "casearg.h"
#include "cli.h"
#include "orgarg.h"
#include "post.h"
#include "ref.h"
#include "render.h"
#include "escape.h"

/* ---- arguments ---- */

#define POS_MAX 4
#define OPTS_MAX 96

/* The arguments of one command: positionals, then options by name (without
 * the dashes), in the order given. */
typedef struct {
	const char *pos[POS_MAX];
	size_t npos;
	struct { const char *name, *val; } o[OPTS_MAX];
	size_t no;
} args_t;

/* Parses argv[first..argc) against spec: space-separated option names, a
 * name ending in '=' takes a value, in '*' a value and may be repeated;
 * any other is a flag. --help prints help and exits 0. Refuses unknown
 * options, a missing value, an option given twice, more than maxpos
 * positionals. */
static void
parse(const char *cmd, const char *spec, const char *const *help, size_t maxpos, int argc,
    char **argv, int first, args_t *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = first; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			cli_help(stdout, help);
			exit(0);
		}
		if (strncmp(s, "--", 2) != 0 || !s[2]) {
			if (a->npos == maxpos || a->npos == POS_MAX)
				cli_die(EXIT_ERR, _("too many arguments for cahier %s (quote a text "
				    "of several words; see cahier %s --help)"), cmd, cmd);
			a->pos[a->npos++] = s;
			continue;
		}
		const char *name = s + 2, *p = spec;
		size_t nl = strlen(name);
		char kind = 0;
		while ((p = strstr(p, name)) != NULL) {
			if ((p == spec || p[-1] == ' ') && (p[nl] == ' ' || p[nl] == '\0' ||
			    p[nl] == '=' || p[nl] == '*')) {
				kind = p[nl] == '=' || p[nl] == '*' ? p[nl] : 'f';
				break;
			}
			p += nl;
		}
		if (!kind)
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier %s --help)"), s, cmd);
		if (kind != '*')
			for (size_t k = 0; k < a->no; k++)
				if (strcmp(a->o[k].name, name) == 0)
					cli_die(EXIT_ERR, _("%s is given twice"), s);
		if (a->no == OPTS_MAX)
			cli_die(EXIT_ERR, _("too many options"));
		const char *val = "";
		if (kind != 'f') {
			if (i + 1 >= argc)
				cli_die(EXIT_ERR, _("%s needs a value (see cahier %s --help)"), s, cmd);
			val = argv[++i];
		}
		a->o[a->no].name = name;
		a->o[a->no++].val = val;
	}
}

/* The value of option name, or NULL when not given. */
static const char *
opt(const args_t *a, const char *name)
{
	for (size_t k = 0; k < a->no; k++)
		if (strcmp(a->o[k].name, name) == 0)
			return a->o[k].val;
	return NULL;
}

/* ---- values ---- */

/* DATE (YYYY-MM-DD) or TIME (YYYY-MM-DD HH:MM), local, as ms since 1970. */
static uint64_t
parse_time(const char *s, int with_clock, const char *what)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, n = 0;
	memset(&tm, 0, sizeof(tm));
	int ok = with_clock ?
	    sscanf(s, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &n) == 5 :
	    sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3;
	if (ok && s[n] == '\0') {
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		/* mktime normalises 2026-02-31: such a date is refused */
		if (t > 0 && tm.tm_year == y - 1900 && tm.tm_mon == mo - 1 && tm.tm_mday == d &&
		    tm.tm_hour == h && tm.tm_min == mi)
			return (uint64_t)t * 1000;
	}
	if (with_clock)
		cli_die(EXIT_ERR, _("%s '%s' is not a local time \"YYYY-MM-DD HH:MM\""), what, s);
	cli_die(EXIT_ERR, _("%s '%s' is not a date YYYY-MM-DD"), what, s);
}

static uint32_t
parse_uint(const char *s, uint32_t min, uint32_t max, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || s[0] == '-' || v < min || v > max)
		cli_die(EXIT_ERR, _("%s '%s' is not a number from %u to %u"), what, s, min, max);
	return (uint32_t)v;
}

/* A value of set by its name (names.h); short words too where given. */
static uint8_t
parse_value(uint8_t set, const char *s, const char *what, const char *names)
{
	uint8_t v;
	static const struct { uint8_t set; const char *word, *name; } alias[] = {
		{ CH_SET_BASIS, "consent", "own-consent" },
		{ CH_SET_BASIS, "mandate", "written-mandate" },
		{ CH_SET_BASIS, "order", "legal-order" },
		{ CH_SET_HIDE_REASON, "asked", "person-asked" },
		{ CH_SET_HIDE_REASON, "error", "posted-in-error" },
	};
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (alias[i].set == set && strcmp(alias[i].word, s) == 0)
			s = alias[i].name;
	if (ch_value_parse(set, s, &v) != 0)
		cli_die(EXIT_ERR, _("%s '%s' is not one of: %s"), what, s, names);
	return v;
}

static uint8_t
parse_audience(const char *s)
{
	uint8_t a;
	if (ch_aud_parse(s, &a) != 0 || a == CH_AUD_MEMBERSHIP)
		cli_die(EXIT_ERR, _("unknown audience '%s' (network, care, medical, social, coordination)"), s);
	return a;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		cli_die(EXIT_ERR, _("out of memory"));
	return p;
}

/* Replaces the malloc'd text *dst (wiped) with a copy of s. */
static void
set_text(char **dst, const char *s)
{
	if (*dst) {
		sodium_memzero(*dst, strlen(*dst));
		free(*dst);
	}
	*dst = xstrdup(s);
}

/* A text argument: "-" reads stdin. malloc'd. */
static char *
text_arg(const char *s, const char *what)
{
	char *t = cli_read_text(s);
	size_t n = strlen(t);
	/* A refused text is freed first: the exit leaks nothing. */
	if (!*t) {
		free(t);
		cli_die(EXIT_ERR, _("empty %s: nothing posted"), what);
	}
	if (strspn(t, " \t\r\n\v\f") == n) {
		free(t);
		cli_die(EXIT_ERR, _("a %s of only spaces or blank lines says nothing: nothing posted"),
		    what);
	}
	if (n > CH_TEXT_MAX) {
		free(t);
		cli_die(EXIT_ERR, _("a %s holds at most %u bytes (64 KiB) of text, this one %zu: "
		    "nothing posted"), what, CH_TEXT_MAX, n);
	}
	return t;
}

/* ---- the case, its members, its entries ---- */

typedef struct {
	cli_t *c;
	const char *cmd;
	uint8_t case_id[16];
	int person;                 /* our role is one of the people's */
	int have_members;
	cli_members_t ms;
} ctx_t;

/* Connects, resolves the case and learns our role. */
static void
ctx_open(ctx_t *x, cli_t *c, const char *cmd, const char *casearg)
{
	keys_cert_t kc;
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->cmd = cmd;
	cli_open(c);
	cli_case_arg(c, casearg, x->case_id);
	if (keys_cert_parse(c->cert, c->certlen, &kc) == 0) {
		x->person = ch_role_is_person(kc.role);
		keys_cert_clear(&kc);
	}
}

static void
ctx_close(ctx_t *x)
{
	if (x->have_members)
		cli_members_clear(&x->ms);
}

/* The default audience of a new entry: care for a professional (network
 * is too wide for clinical content), network for the people around the
 * person (they are in network only); --audience overrides. */
static uint8_t
audience_of(const ctx_t *x, const args_t *a)
{
	const char *s = opt(a, "audience");
	if (s)
		return parse_audience(s);
	return x->person ? CH_AUD_NETWORK : CH_AUD_CARE;
}

static void
org_arg(ctx_t *x, const char *name, const char *opt_name, uint8_t org[32])
{
	if (!x->have_members) {
		cli_members_load(x->c, x->case_id, x->person, &x->ms);
		x->have_members = 1;
	}
	cli_org_resolve(&x->ms, name, opt_name, org);
}

/* Every value of the repeatable option name, as a list of organizations
 * (malloc'd: free l->id). */
static void
orgs_arg(ctx_t *x, const args_t *a, const char *name, ch_orgs_t *l)
{
	char flag[40];
	snprintf(flag, sizeof(flag), "--%s", name);
	memset(l, 0, sizeof(*l));
	for (size_t k = 0; k < a->no; k++) {
		if (strcmp(a->o[k].name, name) != 0)
			continue;
		if (l->n == CH_ORGS_MAX)
			cli_die(EXIT_ERR, _("at most %d organizations with %s"), CH_ORGS_MAX, flag);
		if (!l->id && !(l->id = calloc(CH_ORGS_MAX, 32)))
			cli_die(EXIT_ERR, _("out of memory"));
		org_arg(x, a->o[k].val, flag, l->id[l->n]);
		for (size_t j = 0; j < l->n; j++)
			if (memcmp(l->id[j], l->id[l->n], 32) == 0)
				cli_die(EXIT_ERR, _("%s '%s' names an organization already given"), flag,
				    a->o[k].val);
		l->n++;
	}
}

/* An earlier entry found by its short reference: its latest version. */
typedef struct {
	cli_reply_t rep;
	ch_readrep_t rr;
	const ch_readitem_t *it;
	uint8_t id[32];             /* the latest version's id */
	uint8_t root[32];           /* the first version's id */
	uint8_t kind;
	ch_fields_t f;              /* its fields, decoded */
} found_t;

static void
ref_find(ctx_t *x, const char *ref, found_t *fd)
{
	ch_readreq_t rq;
	ch_plain_t p;
	int rc;

	memset(fd, 0, sizeof(*fd));
	cli_readreq_init(&rq, x->case_id, CH_ACT_READ, 0);
	if (cli_ref_parse(ref, rq.entry) != 0)
		cli_die(EXIT_ERR, _("'%s' is not a reference to an entry (8 letters and digits, "
		    "as cahier log shows them)"), ref);
	rq.flags = CH_RQ_PREFIX;
	rq.last = 2;
	cli_read(x->c, &rq, &fd->rep, &fd->rr);
	if (fd->rr.n == 0)
		cli_die(EXIT_NO, _("no entry %s in this case"), ref);
	if (fd->rr.n > 1)
		cli_die(EXIT_ERR, _("the reference %s is ambiguous: two entries of this case share it "
		    "(give the entry some other way, e.g. from cahier log --json)"), ref);
	fd->it = &fd->rr.items[0];
	ch_env_id(&fd->it->env, fd->id);
	memcpy(fd->root, fd->it->root, 32);
	switch (fd->it->state) {
	case CH_IT_OPEN:
		break;
	case CH_IT_HIDDEN:
		cli_die(EXIT_ERR, _("entry %s was hidden by its organization"), ref);
	case CH_IT_ERASED:
		cli_die(EXIT_ERR, _("entry %s was erased"), ref);
	default:
		cli_die(EXIT_ERR, _("entry %s is not readable with your role or at your organization"), ref);
	}
	if (ch_plain_decode(fd->it->plain.p, fd->it->plain.n, &p) != 0)
		cli_die(EXIT_ERR, _("entry %s does not decode"), ref);
	fd->kind = p.kind;
	if (!ch_kind_is_care(p.kind))
		cli_die(EXIT_ERR, _("entry %s is not a care entry (it is a %s)"), ref,
		    ch_kind_name(p.kind) ? ch_kind_name(p.kind) : _("kind this version does not know"));
	if ((rc = ch_fields_decode(p.kind, p.fields, p.fieldslen, &fd->f)) != 0)
		cli_die(EXIT_ERR, _("the fields of entry %s do not decode: %s"), ref, ch_strerror(rc));
}

/* The entry must be of kind (the message names the command's use). */
static void
ref_kind(const found_t *fd, const char *ref, uint8_t kind)
{
	if (fd->kind != kind)
		cli_die(EXIT_ERR, _("entry %s is a %s, not the %s this command takes"), ref,
		    ch_kind_name(fd->kind), ch_kind_name(kind));
}

static void
found_clear(found_t *fd)
{
	ch_fields_clear(&fd->f);
	ch_readrep_clear(&fd->rr);
	cli_reply_free(&fd->rep);
}

/* Encodes f, posts it and reports (what: the words after "posted"). */
static void
post_fields(ctx_t *x, uint8_t audience, const ch_fields_t *f, const uint8_t *reply_to,
    const uint8_t *supersedes, const uint8_t *ref_id, const char *what)
{
	uint8_t *fields = NULL;
	size_t fl = 0;
	ch_postrep_t rep;
	int rc = f->kind == CH_KIND_NOTE ? ch_note_encode(f->u.note.text, &fields, &fl) :
	    ch_fields_encode(f, &fields, &fl);
	if (rc == CH_ERR_TOOBIG)
		cli_die(EXIT_ERR, _("a text or a list of this %s is too long"), ch_kind_name(f->kind));
	if (rc)
		cli_die(EXIT_ERR, _("this %s is not valid: a text is empty or not UTF-8, or a value "
		    "is out of range (%s)"), ch_kind_name(f->kind), ch_strerror(rc));
	cli_post_ex(x->c, x->case_id, audience, f->kind, fields, fl, reply_to, supersedes, &rep);
	sodium_memzero(fields, fl);
	free(fields);
	cli_report_posted(x->c, &rep, what, ref_id);
}

/* ---- the commands ---- */

static const char *const help_note[] = {
	N_("usage: cahier note CASE TEXT [--audience A] [--reply REF]\n"
	    "       cahier note CASE - [--audience A] [--reply REF] < file\n"),
	N_("Posts a note to the case, signed with your key. AUDIENCE is network\n"
	    "(everyone in the case, the person included), care (the professionals:\n"
	    "the default for a professional), medical, social or coordination; the\n"
	    "people around the person post to network (their default). --reply REF\n"
	    "answers an earlier entry. 'cahier post' is the same command, with\n"
	    "network as its default audience (as it always had). A note holds 1 byte\n"
	    "to 64 KiB (65,536 bytes) of UTF-8 text, not only spaces.\n"),
	NULL
};

static const char *const help_post[] = {
	N_("usage: cahier post CASE TEXT [--audience A] [--reply REF]\n"
	    "       cahier post CASE - [--audience A] [--reply REF] < file\n"),
	N_("Posts a note to the case, signed with your key: 'cahier note', with\n"
	    "network (everyone in the case, the person included) as its default\n"
	    "audience, as it always had. AUDIENCE is network, care, medical, social\n"
	    "or coordination; 'cahier network CASE' shows which roles each holds.\n"
	    "Only organizations in the audience can decrypt the note. The daemon\n"
	    "answers once the entry is on disk; then cahier says which other\n"
	    "organizations of the case hold it (it waits up to 3 s for them).\n"),
	NULL
};

static int
do_note(cli_t *c, int argc, char **argv, int post)
{
	args_t a;
	ctx_t x;
	found_t fd;
	ch_fields_t f;
	const char *const *help = post ? help_post : help_note;

	parse(argv[0], "audience= reply=", help, 2, argc, argv, 1, &a);
	if (a.npos < 1)
		cli_die(EXIT_ERR, _("usage: cahier %s CASE TEXT"), argv[0]);
	char *text = text_arg(a.npos > 1 ? a.pos[1] : NULL, "note");
	ctx_open(&x, c, argv[0], a.pos[0]);
	uint8_t aud = opt(&a, "audience") ? parse_audience(opt(&a, "audience")) :
	    post || x.person ? CH_AUD_NETWORK : CH_AUD_CARE;
	const uint8_t *reply = NULL;
	if (opt(&a, "reply")) {
		ref_find(&x, opt(&a, "reply"), &fd);
		reply = fd.root;
	}
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_NOTE;
	f.u.note.text = text;
	post_fields(&x, aud, &f, reply, NULL, NULL, reply ? "reply" : "note");
	if (reply)
		found_clear(&fd);
	sodium_memzero(text, strlen(text));
	free(text);
	ctx_close(&x);
	return 0;
}

int
cmd_note(cli_t *c, int argc, char **argv)
{
	return do_note(c, argc, argv, 0);
}

int
cmd_post(cli_t *c, int argc, char **argv)
{
	return do_note(c, argc, argv, 1);
}

static const char *const help_goal[] = {
	N_("usage: cahier goal CASE TEXT [--own | --shared] [--worker ORG]... [--audience A]\n"),
	N_("Posts a goal: by default the person's own goal, in their words (--own);\n"
	    "--shared for a goal the network agreed on. Each --worker names an\n"
	    "organization of the case working on it (by its name, or the start of\n"
	    "it, any case). The organizations working on a goal may edit it.\n"),
	NULL
};

int
cmd_goal(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;

	parse("goal", "own shared worker* audience=", help_goal, 2, argc, argv, 1, &a);
	if (a.npos < 2)
		cli_die(EXIT_ERR, _("usage: cahier goal CASE TEXT [--own | --shared]"));
	if (opt(&a, "own") && opt(&a, "shared"))
		cli_die(EXIT_ERR, _("a goal is either --own or --shared, not both"));
	char *text = text_arg(a.pos[1], "goal");
	ctx_open(&x, c, "goal", a.pos[0]);
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_GOAL;
	f.u.goal.whose = opt(&a, "shared") ? CH_GOAL_SHARED : CH_GOAL_OWN;
	f.u.goal.status = CH_GOAL_ACTIVE;
	f.u.goal.text = text;
	orgs_arg(&x, &a, "worker", &f.u.goal.workers);
	post_fields(&x, audience_of(&x, &a), &f, NULL, NULL, NULL,
	    f.u.goal.whose == CH_GOAL_OWN ? "goal (the person's own)" : "goal (shared)");
	free(f.u.goal.workers.id);
	free(text);
	ctx_close(&x);
	return 0;
}

/* An edit: the fields fd holds, changed by the caller, posted as the next
 * version (same kind and audience, supersedes the latest version). */
static void
post_edit(ctx_t *x, found_t *fd, const char *what)
{
	char w[128];
	snprintf(w, sizeof(w), "%s", what);
	post_fields(x, fd->it->env.audience, &fd->f, NULL, fd->id, fd->root, w);
}

/* task|appointment|keep-an-eye ACTION CASE REF: a status change. */
static int
status_change(cli_t *c, int argc, char **argv, const char *cmd, uint8_t kind,
    const char *const *help)
{
	args_t a;
	ctx_t x;
	found_t fd;
	const char *action = argv[1];
	char what[64];

	parse(cmd, "", help, 2, argc, argv, 2, &a);
	if (a.npos < 2)
		cli_die(EXIT_ERR, _("usage: cahier %s %s CASE REF"), cmd, action);
	ctx_open(&x, c, cmd, a.pos[0]);
	ref_find(&x, a.pos[1], &fd);
	ref_kind(&fd, a.pos[1], kind);
	uint8_t *st = kind == CH_KIND_TASK ? &fd.f.u.task.status :
	    kind == CH_KIND_APPOINTMENT ? &fd.f.u.appt.status : &fd.f.u.keep.active;
	uint8_t want = strcmp(action, "done") == 0 ? 2 : strcmp(action, "cancel") == 0 ? 3 :
	    strcmp(action, "stop") == 0 ? 0 : 1;
	if (*st == want && kind == CH_KIND_KEEP)
		cli_die(EXIT_NO, _("%s %s is stopped already"), ch_kind_name(kind), a.pos[1]);
	if (*st == want)
		cli_die(EXIT_NO, _("%s %s is %s already"), ch_kind_name(kind), a.pos[1],
		    ch_value_name(kind == CH_KIND_TASK ? CH_SET_TASK_STATUS : CH_SET_APPT_STATUS,
		    want));
	*st = want;
	snprintf(what, sizeof(what), "%s (%s)", ch_kind_name(kind),
	    kind == CH_KIND_KEEP ? "stopped" : ch_value_name(kind == CH_KIND_TASK ?
	    CH_SET_TASK_STATUS : CH_SET_APPT_STATUS, want));
	post_edit(&x, &fd, what);
	found_clear(&fd);
	ctx_close(&x);
	return 0;
}

static const char *const help_task[] = {
	N_("usage: cahier task CASE TEXT (--owner ORG | --agenda) [--due DATE] [--goal REF]\n"
	    "                  [--audience A]\n"
	    "       cahier task done|cancel|reopen CASE REF\n"),
	N_("Posts a task owned by an organization of the case (--owner, by its name\n"
	    "or the start of it), or an agenda item the person or their family raise\n"
	    "(--agenda: no owner). DATE is YYYY-MM-DD (local); --goal REF links the\n"
	    "goal it serves. 'task done', 'cancel' and 'reopen' post the next version\n"
	    "with that status; the organization that wrote the task or its owner may.\n"),
	NULL
};

int
cmd_task(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	found_t fd;
	ch_fields_t f;

	if (argc > 1 && (strcmp(argv[1], "done") == 0 || strcmp(argv[1], "cancel") == 0 ||
	    strcmp(argv[1], "reopen") == 0))
		return status_change(c, argc, argv, "task", CH_KIND_TASK, help_task);
	parse("task", "owner= agenda due= goal= audience=", help_task, 2, argc, argv, 1, &a);
	if (a.npos < 2)
		cli_die(EXIT_ERR, _("usage: cahier task CASE TEXT (--owner ORG | --agenda)"));
	if (!!opt(&a, "owner") == !!opt(&a, "agenda"))
		cli_die(EXIT_ERR, _("a task has an owner (--owner ORG) or is an agenda item (--agenda): give one"));
	uint64_t due = opt(&a, "due") ? parse_time(opt(&a, "due"), 0, "--due") : 0;
	char *text = text_arg(a.pos[1], "task");
	ctx_open(&x, c, "task", a.pos[0]);
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_TASK;
	f.u.task.status = CH_TASK_OPEN;
	f.u.task.agenda = opt(&a, "agenda") != NULL;
	f.u.task.due = due;
	f.u.task.text = text;
	if (opt(&a, "owner"))
		org_arg(&x, opt(&a, "owner"), "--owner", f.u.task.owner);
	int have_goal = opt(&a, "goal") != NULL;
	if (have_goal) {
		ref_find(&x, opt(&a, "goal"), &fd);
		ref_kind(&fd, opt(&a, "goal"), CH_KIND_GOAL);
		memcpy(f.u.task.goal, fd.root, 32);
	}
	post_fields(&x, audience_of(&x, &a), &f, NULL, NULL, NULL,
	    f.u.task.agenda ? "agenda item" : "task");
	if (have_goal)
		found_clear(&fd);
	free(text);
	ctx_close(&x);
	return 0;
}

static const char *const help_appt[] = {
	N_("usage: cahier appointment CASE WHAT --at \"YYYY-MM-DD HH:MM\" [--minutes N]\n"
	    "                  [--where TEXT] [--with TEXT] [--org ORG]... [--audience A]\n"
	    "       cahier appointment done|cancel CASE REF\n"),
	N_("Posts an appointment at a local time, lasting N minutes (up to a week),\n"
	    "where and with whom (free text), and the organizations taking part\n"
	    "(--org, by name). 'done' and 'cancel' post the next version with that\n"
	    "status.\n"),
	NULL
};

int
cmd_appointment(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;

	if (argc > 1 && (strcmp(argv[1], "done") == 0 || strcmp(argv[1], "cancel") == 0))
		return status_change(c, argc, argv, "appointment", CH_KIND_APPOINTMENT, help_appt);
	parse("appointment", "at= minutes= where= with= org* audience=", help_appt, 2, argc,
	    argv, 1, &a);
	if (a.npos < 2 || !opt(&a, "at"))
		cli_die(EXIT_ERR, _("usage: cahier appointment CASE WHAT --at \"YYYY-MM-DD HH:MM\""));
	uint64_t at = parse_time(opt(&a, "at"), 1, "--at");
	uint32_t minutes = opt(&a, "minutes") ?
	    parse_uint(opt(&a, "minutes"), 0, 10080, "--minutes") : 0;
	char *what = text_arg(a.pos[1], "appointment");
	ctx_open(&x, c, "appointment", a.pos[0]);
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_APPOINTMENT;
	f.u.appt.status = CH_APPT_PLANNED;
	f.u.appt.at = at;
	f.u.appt.minutes = minutes;
	f.u.appt.what = what;
	f.u.appt.where = (char *)(uintptr_t)(opt(&a, "where") ? opt(&a, "where") : "");
	f.u.appt.with = (char *)(uintptr_t)(opt(&a, "with") ? opt(&a, "with") : "");
	orgs_arg(&x, &a, "org", &f.u.appt.orgs);
	post_fields(&x, audience_of(&x, &a), &f, NULL, NULL, NULL, "appointment");
	free(f.u.appt.orgs.id);
	free(what);
	ctx_close(&x);
	return 0;
}

static const char *const help_alert[] = {
	N_("usage: cahier alert CASE TEXT --to ORG [--to ORG]... [--priority normal|high|urgent]\n"
	    "                  [--audience A]\n"),
	N_("Posts an alert (a fall, a deterioration) addressed to organizations of\n"
	    "the case (by name); each answers with 'cahier ack'. The audience is care\n"
	    "unless --audience says otherwise.\n"),
	NULL
};

int
cmd_alert(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;

	parse("alert", "to* priority= audience=", help_alert, 2, argc, argv, 1, &a);
	if (a.npos < 2 || !opt(&a, "to"))
		cli_die(EXIT_ERR, _("usage: cahier alert CASE TEXT --to ORG [--to ORG]..."));
	uint8_t prio = opt(&a, "priority") ? parse_value(CH_SET_PRIORITY, opt(&a, "priority"),
	    "--priority", "normal, high, urgent") : CH_PRIO_NORMAL;
	char *text = text_arg(a.pos[1], "alert");
	ctx_open(&x, c, "alert", a.pos[0]);
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_ALERT;
	f.u.alert.priority = prio;
	f.u.alert.text = text;
	orgs_arg(&x, &a, "to", &f.u.alert.addressed);
	uint8_t aud = opt(&a, "audience") ? parse_audience(opt(&a, "audience")) : CH_AUD_CARE;
	post_fields(&x, aud, &f, NULL, NULL, NULL, "alert");
	free(f.u.alert.addressed.id);
	free(text);
	ctx_close(&x);
	return 0;
}

static const char *const help_emergency[] = {
	N_("usage: cahier emergency CASE --reason TEXT [--for MINUTES]\n"),
	N_("Breaks the glass: in an emergency, lets you read what your role would not\n"
	    "(every audience your organization holds the keys of) for a while: the\n"
	    "daemon's default (60 minutes unless set otherwise), or MINUTES, at most its\n"
	    "maximum (240). It first posts an urgent alert, for everyone in the case\n"
	    "(the person's contact point included), addressed to the coordinator,\n"
	    "saying who you are and why; then read with --purpose emergency\n"
	    "(cahier log CASE --purpose emergency): each such read is recorded as an\n"
	    "emergency, and shown as one in every audit. The people around the person\n"
	    "do not break the glass.\n"),
	NULL
};

int
cmd_emergency(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;
	ch_postrep_t rep;
	keys_cert_t kc;
	uint32_t minutes = 0;
	uint8_t *fields = NULL;
	size_t fl = 0;

	parse("emergency", "reason= for=", help_emergency, 1, argc, argv, 1, &a);
	if (a.npos < 1 || !opt(&a, "reason") || !opt(&a, "reason")[0])
		cli_die(EXIT_ERR, _("usage: cahier emergency CASE --reason TEXT [--for MINUTES]"));
	if (opt(&a, "for")) {
		char *end;
		unsigned long m = strtoul(opt(&a, "for"), &end, 10);
		if (*end || m < 1 || m > 1440 || !isdigit((unsigned char)opt(&a, "for")[0]))
			cli_die(EXIT_ERR, _("--for takes minutes, 1 to 1440 (the daemon may allow fewer)"));
		minutes = (uint32_t)m;
	}
	ctx_open(&x, c, "emergency", a.pos[0]);
	if (x.person)
		cli_die(EXIT_ERR, _("the people around the person do not break the glass: they "
		    "read what the charter gives them"));
	if (keys_cert_parse(c->cert, c->certlen, &kc) != 0)
		cli_die(EXIT_ERR, _("your certificate does not parse"));
	char text[CH_TEXT_MAX + 1];
	snprintf(text, sizeof(text), "EMERGENCY ACCESS (break the glass) by %s (%s): %s",
	    kc.name, kc.role, opt(&a, "reason"));
	keys_cert_clear(&kc);
	if (!x.have_members) {
		cli_members_load(c, x.case_id, 0, &x.ms);
		x.have_members = 1;
	}
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_ALERT;
	f.u.alert.priority = CH_PRIO_URGENT;
	f.u.alert.text = text;
	uint8_t to[1][32];
	memcpy(to[0], x.ms.coordinator, 32);
	f.u.alert.addressed.n = 1;
	f.u.alert.addressed.id = to;
	int rc = ch_fields_encode(&f, &fields, &fl);
	if (rc)
		cli_die(EXIT_ERR, _("the reason is too long or not text (%s)"), ch_strerror(rc));
	cli_post_emergency(c, x.case_id, minutes, fields, fl, &rep);
	sodium_memzero(fields, fl);
	free(fields);
	if (!c->json)
	{
		if (minutes)
			printf(ngettext("emergency access open for %u minute; the coordinator is "
			    "alerted. Read with: cahier log %s --purpose emergency\n",
			    "emergency access open for %u minutes; the coordinator is alerted. "
			    "Read with: cahier log %s --purpose emergency\n", minutes), minutes,
			    a.pos[0]);
		else
			printf(_("emergency access open; the coordinator is alerted. Read with: "
			    "cahier log %s --purpose emergency\n"), a.pos[0]);
	}
	else
		cli_print_posted(c, &rep, "emergency alert");
	ctx_close(&x);
	return 0;
}

/* ack, answer, check-in: an entry that refers to an earlier one of kind,
 * in that entry's audience. */
static int
refer(cli_t *c, int argc, char **argv, const char *cmd, uint8_t kind, uint8_t target,
    int text_required, const char *const *help)
{
	args_t a;
	ctx_t x;
	found_t fd;
	ch_fields_t f;

	parse(cmd, "", help, 3, argc, argv, 1, &a);
	if (a.npos < 2 + (size_t)text_required)
		cli_die(EXIT_ERR, text_required ? _("usage: cahier %s CASE REF TEXT") :
		    _("usage: cahier %s CASE REF [TEXT]"), cmd);
	char *text = a.npos > 2 ? text_arg(a.pos[2], cmd) : xstrdup("");
	ctx_open(&x, c, cmd, a.pos[0]);
	ref_find(&x, a.pos[1], &fd);
	if (!(kind == CH_KIND_ACK && fd.kind == CH_KIND_HANDOVER))
		ref_kind(&fd, a.pos[1], target);
	memset(&f, 0, sizeof(f));
	f.kind = kind;
	switch (kind) {
	case CH_KIND_ACK:
		memcpy(f.u.ack.alert, fd.root, 32);
		f.u.ack.text = text;
		break;
	case CH_KIND_ANSWER:
		memcpy(f.u.answer.consultation, fd.root, 32);
		f.u.answer.text = text;
		break;
	default:
		memcpy(f.u.checkin.keep, fd.root, 32);
		f.u.checkin.text = text;
		break;
	}
	post_fields(&x, fd.it->env.audience, &f, NULL, NULL, NULL,
	    kind == CH_KIND_ACK ? "acknowledgement" : ch_kind_name(kind));
	found_clear(&fd);
	sodium_memzero(text, strlen(text));
	free(text);
	ctx_close(&x);
	return 0;
}

static const char *const help_ack[] = {
	N_("usage: cahier ack CASE REF [TEXT]\n"),
	N_("Acknowledges the alert REF for your organization (it must be among the\n"
	    "organizations the alert is addressed to), or the handover REF (your\n"
	    "organization is the contact point or the deputy it names), with an\n"
	    "optional follow-up.\n"),
	NULL
};

int
cmd_ack(cli_t *c, int argc, char **argv)
{
	return refer(c, argc, argv, "ack", CH_KIND_ACK, CH_KIND_ALERT, 0, help_ack);
}

static const char *const help_answer[] = {
	N_("usage: cahier answer CASE REF TEXT\n"),
	N_("Answers the consultation REF, in its audience.\n"),
	NULL
};

int
cmd_answer(cli_t *c, int argc, char **argv)
{
	return refer(c, argc, argv, "answer", CH_KIND_ANSWER, CH_KIND_CONSULTATION, 1,
	    help_answer);
}

static const char *const help_checkin[] = {
	N_("usage: cahier check-in CASE REF [TEXT]\n"),
	N_("Records a check-in on the keep-an-eye entry REF: how it goes, in a word.\n"),
	NULL
};

int
cmd_checkin(cli_t *c, int argc, char **argv)
{
	return refer(c, argc, argv, "check-in", CH_KIND_CHECKIN, CH_KIND_KEEP, 0, help_checkin);
}

static const char *const help_handover[] = {
	N_("usage: cahier handover CASE TEXT --from TEXT --to TEXT --contact ORG\n"
	    "                  [--deputy ORG] [--contact-person NAME] [--told TEXT]\n"
	    "                  [--isolation V] [--fragility V] [--network V] [--audience A]\n"),
	N_("Posts a handover (at discharge, or a change of setting): where the person\n"
	    "leaves and goes, the network's contact point and deputy (organizations\n"
	    "of the case, by name), who to call there, what the person was told, and\n"
	    "the vulnerability screen, each not-assessed unless given:\n"
	    "  --isolation  not-isolated, partly-isolated, isolated\n"
	    "  --fragility  none, some, marked (psychosocial fragility)\n"
	    "  --network    able, partly-able, unable (to mobilise a network)\n"),
	NULL
};

int
cmd_handover(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;

	parse("handover", "from= to= contact= deputy= contact-person= isolation= fragility= "
	    "network= told= audience=", help_handover, 2, argc, argv, 1, &a);
	if (a.npos < 2 || !opt(&a, "from") || !opt(&a, "to") || !opt(&a, "contact"))
		cli_die(EXIT_ERR, _("usage: cahier handover CASE TEXT --from TEXT --to TEXT --contact ORG"));
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_HANDOVER;
	ch_handover_t *h = &f.u.handover;
	if (opt(&a, "isolation"))
		h->isolation = parse_value(CH_SET_ISOLATION, opt(&a, "isolation"), "--isolation",
		    "not-assessed, not-isolated, partly-isolated, isolated");
	if (opt(&a, "fragility"))
		h->fragility = parse_value(CH_SET_FRAGILITY, opt(&a, "fragility"), "--fragility",
		    "not-assessed, none, some, marked");
	if (opt(&a, "network"))
		h->network = parse_value(CH_SET_NETWORK, opt(&a, "network"), "--network",
		    "not-assessed, able, partly-able, unable");
	char *text = text_arg(a.pos[1], "handover");
	ctx_open(&x, c, "handover", a.pos[0]);
	org_arg(&x, opt(&a, "contact"), "--contact", h->contact);
	if (opt(&a, "deputy"))
		org_arg(&x, opt(&a, "deputy"), "--deputy", h->deputy);
	h->from = (char *)(uintptr_t)opt(&a, "from");
	h->to = (char *)(uintptr_t)opt(&a, "to");
	h->person = (char *)(uintptr_t)(opt(&a, "contact-person") ? opt(&a, "contact-person") : "");
	h->told = (char *)(uintptr_t)(opt(&a, "told") ? opt(&a, "told") : "");
	h->text = text;
	post_fields(&x, audience_of(&x, &a), &f, NULL, NULL, NULL, "handover");
	free(text);
	ctx_close(&x);
	return 0;
}

static const char *const help_consent[] = {
	N_("usage: cahier consent CASE --grantor NAME --grantee NAME --role ROLE --purpose P\n"
	    "                  --basis consent|mandate|order --from DATE [--until DATE]\n"
	    "                  [--audience A] [TEXT]\n"),
	N_("Records a consent or a designation under patient-rights law: who grants\n"
	    "it to whom, the grantee's role (trusted-person, representative, ...), for\n"
	    "which purpose (treatment, emergency, coordination, own-request, audit),\n"
	    "on which basis (the person's own consent, a written mandate, a legal\n"
	    "order), from a date, until a date or open-ended.\n"),
	NULL
};

int
cmd_consent(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;

	parse("consent", "grantor= grantee= role= purpose= basis= from= until= audience=",
	    help_consent, 2, argc, argv, 1, &a);
	if (a.npos < 1 || !opt(&a, "grantor") || !opt(&a, "grantee") || !opt(&a, "role") ||
	    !opt(&a, "purpose") || !opt(&a, "basis") || !opt(&a, "from"))
		cli_die(EXIT_ERR, _("usage: cahier consent CASE --grantor NAME --grantee NAME --role ROLE "
		    "--purpose P --basis B --from DATE"));
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_CONSENT;
	ch_consent_t *k = &f.u.consent;
	if (ch_purpose_parse(opt(&a, "purpose"), &k->purpose) != 0)
		cli_die(EXIT_ERR, _("--purpose '%s' is not one of: treatment, emergency, coordination, "
		    "own-request, audit"), opt(&a, "purpose"));
	k->basis = parse_value(CH_SET_BASIS, opt(&a, "basis"), "--basis", "consent, mandate, order");
	k->from = parse_time(opt(&a, "from"), 0, "--from");
	k->until = opt(&a, "until") ? parse_time(opt(&a, "until"), 0, "--until") : 0;
	if (k->until && k->until <= k->from)
		cli_die(EXIT_ERR, _("--until must come after --from"));
	if (!ch_role_ok(opt(&a, "role")))
		cli_die(EXIT_ERR, _("--role '%s' is not a role (letters a-z, digits and '-', "
		    "e.g. trusted-person, representative)"), opt(&a, "role"));
	char *text = a.npos > 1 ? text_arg(a.pos[1], "consent") : xstrdup("");
	ctx_open(&x, c, "consent", a.pos[0]);
	k->grantor = (char *)(uintptr_t)opt(&a, "grantor");
	k->grantee = (char *)(uintptr_t)opt(&a, "grantee");
	k->role = (char *)(uintptr_t)opt(&a, "role");
	k->text = text;
	post_fields(&x, audience_of(&x, &a), &f, NULL, NULL, NULL, "consent");
	free(text);
	ctx_close(&x);
	return 0;
}

static const char *const help_consult[] = {
	N_("usage: cahier consult CASE AGENDA [--invite ORG]... [--answer-by DATE] [--audience A]\n"),
	N_("Opens a consultation on AGENDA, answered asynchronously ('cahier answer')\n"
	    "by the invited organizations (by name) before DATE, and closed by\n"
	    "decisions ('cahier decide').\n"),
	NULL
};

int
cmd_consult(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;

	parse("consult", "invite* answer-by= audience=", help_consult, 2, argc, argv, 1, &a);
	if (a.npos < 2)
		cli_die(EXIT_ERR, _("usage: cahier consult CASE AGENDA [--invite ORG]..."));
	uint64_t by = opt(&a, "answer-by") ? parse_time(opt(&a, "answer-by"), 0, "--answer-by") : 0;
	char *agenda = text_arg(a.pos[1], "agenda");
	ctx_open(&x, c, "consult", a.pos[0]);
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_CONSULTATION;
	f.u.consult.answer_by = by;
	f.u.consult.agenda = agenda;
	orgs_arg(&x, &a, "invite", &f.u.consult.invited);
	post_fields(&x, audience_of(&x, &a), &f, NULL, NULL, NULL, "consultation");
	free(f.u.consult.invited.id);
	free(agenda);
	ctx_close(&x);
	return 0;
}

static const char *const help_decide[] = {
	N_("usage: cahier decide CASE REF TEXT [--carrier ORG]... [--due DATE]\n"),
	N_("Records a decision of the consultation REF, in its audience: what was\n"
	    "decided, the organizations that carry it out (by name), and by when.\n"),
	NULL
};

int
cmd_decide(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	found_t fd;
	ch_fields_t f;

	parse("decide", "carrier* due=", help_decide, 3, argc, argv, 1, &a);
	if (a.npos < 3)
		cli_die(EXIT_ERR, _("usage: cahier decide CASE REF TEXT"));
	uint64_t due = opt(&a, "due") ? parse_time(opt(&a, "due"), 0, "--due") : 0;
	char *text = text_arg(a.pos[2], "decision");
	ctx_open(&x, c, "decide", a.pos[0]);
	ref_find(&x, a.pos[1], &fd);
	ref_kind(&fd, a.pos[1], CH_KIND_CONSULTATION);
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_DECISION;
	memcpy(f.u.decision.consultation, fd.root, 32);
	f.u.decision.due = due;
	f.u.decision.text = text;
	orgs_arg(&x, &a, "carrier", &f.u.decision.carriers);
	post_fields(&x, fd.it->env.audience, &f, NULL, NULL, NULL, "decision");
	free(f.u.decision.carriers.id);
	found_clear(&fd);
	free(text);
	ctx_close(&x);
	return 0;
}

static const char *const help_keep[] = {
	N_("usage: cahier keep-an-eye CASE --every DAYS [TEXT] [--audience A]\n"
	    "       cahier keep-an-eye stop CASE REF\n"),
	N_("Keeps an eye on the case: the network stays at low intensity and checks\n"
	    "in every DAYS days (1..365) with 'cahier check-in'; TEXT says why.\n"
	    "'stop' posts the next version, stopped.\n"),
	NULL
};

int
cmd_keep(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_fields_t f;

	if (argc > 1 && strcmp(argv[1], "stop") == 0)
		return status_change(c, argc, argv, "keep-an-eye", CH_KIND_KEEP, help_keep);
	parse("keep-an-eye", "every= audience=", help_keep, 2, argc, argv, 1, &a);
	if (a.npos < 1 || !opt(&a, "every"))
		cli_die(EXIT_ERR, _("usage: cahier keep-an-eye CASE --every DAYS [TEXT]"));
	uint32_t every = parse_uint(opt(&a, "every"), 1, 365, "--every");
	char *text = a.npos > 1 ? text_arg(a.pos[1], "text") : xstrdup("");
	ctx_open(&x, c, "keep-an-eye", a.pos[0]);
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_KEEP;
	f.u.keep.active = 1;
	f.u.keep.every_days = every;
	f.u.keep.text = text;
	post_fields(&x, audience_of(&x, &a), &f, NULL, NULL, NULL, "keep-an-eye");
	free(text);
	ctx_close(&x);
	return 0;
}

static const char *const help_hide[] = {
	N_("usage: cahier hide CASE REF [--reason asked|error] [--yes]\n"),
	N_("Hides the entry REF, written by your organization: every daemon then\n"
	    "shows that it was hidden, by whom and when, and no longer its content.\n"
	    "--reason: the person asked (asked, the default) or it was posted in\n"
	    "error. This cannot be undone: it asks first on a terminal; elsewhere it\n"
	    "needs --yes.\n"),
	NULL
};

int
cmd_hide(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	found_t fd;
	ch_fields_t f;

	parse("hide", "reason= yes", help_hide, 2, argc, argv, 1, &a);
	if (a.npos < 2)
		cli_die(EXIT_ERR, _("usage: cahier hide CASE REF [--reason asked|error]"));
	uint8_t reason = opt(&a, "reason") ? parse_value(CH_SET_HIDE_REASON, opt(&a, "reason"),
	    "--reason", "asked, error") : CH_HIDE_ASKED;
	ctx_open(&x, c, "hide", a.pos[0]);
	ref_find(&x, a.pos[1], &fd);
	if (fd.kind == CH_KIND_HIDE)
		cli_die(EXIT_ERR, _("entry %s is itself a hide: it cannot be hidden"), a.pos[1]);
	if (!opt(&a, "yes") && !isatty(0))
		cli_die(EXIT_ERR, _("hiding %s cannot be undone: give --yes to do it"), a.pos[1]);
	if (!opt(&a, "yes")) {
		char q[256];
		/* TRANSLATORS: the first %s is the kind of entry as typed (note, task...),
		 * the second its reference */
		snprintf(q, sizeof(q), _("Hide %s %s for everyone in the case? This cannot "
		    "be undone."), ch_kind_name(fd.kind), a.pos[1]);
		if (!cli_ask_yes(q))
			cli_die(EXIT_NO, _("nothing hidden"));
	}
	memset(&f, 0, sizeof(f));
	f.kind = CH_KIND_HIDE;
	memcpy(f.u.hide.target, fd.root, 32);
	f.u.hide.reason = reason;
	post_fields(&x, fd.it->env.audience, &f, NULL, NULL, NULL, "hide");
	found_clear(&fd);
	ctx_close(&x);
	return 0;
}

static const char *const help_erase[] = {
	N_("usage: cahier erase CASE REF [--reason person-asked|retention|error] [--yes]\n"),
	N_("Erases the content of the entry REF, written by your organization, and of\n"
	    "each of its versions your organization wrote: your daemon signs the\n"
	    "erasure and writes it in the notebook, and every daemon of the case then\n"
	    "drops the content and keeps the trace (who wrote it, when, and that it\n"
	    "was erased). --reason: the person asked (person-asked, the default), the\n"
	    "end of the retention period (retention), or it was posted in error\n"
	    "(error). This cannot be undone: it asks first on a terminal; elsewhere\n"
	    "it needs --yes. A hidden entry can be erased too.\n"),
	NULL
};

static uint8_t
erase_reason(const char *s)
{
	if (!s || strcmp(s, "person-asked") == 0)
		return CH_ERASE_ASKED;
	if (strcmp(s, "retention") == 0)
		return CH_ERASE_RETENTION;
	if (strcmp(s, "error") == 0)
		return CH_ERASE_ERROR;
	cli_die(EXIT_ERR, _("--reason is person-asked, retention or error, not '%s'"), s);
	return 0;
}

int
cmd_erase(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	ch_readreq_t rq;
	cli_reply_t rep;
	ch_readrep_t rr;
	keys_cert_t kc;
	uint8_t me[32], root[32];
	size_t mine = 0, others = 0;
	const char *kind = "entry";

	parse("erase", "reason= yes", help_erase, 2, argc, argv, 1, &a);
	if (a.npos < 2)
		cli_die(EXIT_ERR, _("usage: cahier erase CASE REF [--reason person-asked|retention|error]"));
	uint8_t reason = erase_reason(opt(&a, "reason"));
	ctx_open(&x, c, "erase", a.pos[0]);
	if (x.person)
		cli_die(EXIT_ERR, _("the people around the person do not erase entries: ask a "
		    "professional of the organization that wrote it"));
	if (keys_cert_parse(c->cert, c->certlen, &kc) != 0)
		cli_die(EXIT_ERR, _("your certificate does not parse"));
	memcpy(me, kc.org_id, 32);
	keys_cert_clear(&kc);
	cli_readreq_init(&rq, x.case_id, CH_ACT_READ, 0);
	if (cli_ref_parse(a.pos[1], rq.entry) != 0)
		cli_die(EXIT_ERR, _("'%s' is not a reference to an entry (8 letters and digits, "
		    "as cahier log shows them)"), a.pos[1]);
	rq.flags = CH_RQ_PREFIX | CH_RQ_VERSIONS;
	rq.last = CH_PAGE_MAX;
	cli_read(c, &rq, &rep, &rr);
	if (rr.n == 0)
		cli_die(EXIT_NO, _("no entry %s in this case"), a.pos[1]);
	memcpy(root, rr.items[0].root, 32);
	for (size_t i = 0; i < rr.n; i++) {
		const ch_readitem_t *it = &rr.items[i];
		if (memcmp(it->root, root, 32) != 0)
			cli_die(EXIT_ERR, _("the reference %s is ambiguous: two entries of this case "
			    "share it"), a.pos[1]);
		if (memcmp(it->env.org, me, 32) != 0)
			others++;
		else if (it->state != CH_IT_ERASED)
			mine++;
		ch_plain_t p;
		if (it->state == CH_IT_OPEN && ch_plain_decode(it->plain.p, it->plain.n, &p) == 0 &&
		    ch_kind_name(p.kind))
			kind = ch_kind_name(p.kind);
	}
	if (mine == 0)
		cli_die(EXIT_ERR, others == rr.n ? _("entry %s was written by another organization: "
		    "only the organization that wrote an entry erases it") :
		    _("entry %s was erased already"), a.pos[1]);
	if (!opt(&a, "yes") && !isatty(0))
		cli_die(EXIT_ERR, _("erasing %s cannot be undone: give --yes to do it"), a.pos[1]);
	if (!opt(&a, "yes")) {
		char q[256];
		/* TRANSLATORS: the first %s is the kind of entry as typed (note, task...),
		 * the second its reference, then the number of its versions */
		snprintf(q, sizeof(q), ngettext("Erase the content of %s %s (%zu version) "
		    "for everyone in the case? This cannot be undone.", "Erase the content of "
		    "%s %s (%zu versions) for everyone in the case? This cannot be undone.",
		    mine), kind, a.pos[1], mine);
		if (!cli_ask_yes(q))
			cli_die(EXIT_NO, _("nothing erased"));
	}
	size_t done = 0;
	for (size_t i = 0; i < rr.n; i++) {
		const ch_readitem_t *it = &rr.items[i];
		uint8_t id[32], *f = NULL;
		size_t fl = 0;
		ch_postrep_t pr;
		if (memcmp(it->env.org, me, 32) != 0 || it->state == CH_IT_ERASED)
			continue;
		ch_env_id(&it->env, id);
		if (ch_erasereq_encode(id, reason, &f, &fl) != 0)
			cli_die(EXIT_ERR, _("cannot encode the erasure"));
		cli_post(c, x.case_id, CH_AUD_NETWORK, CH_REQ_ERASE, f, fl, &pr);
		free(f);
		if (++done == mine)
			cli_report_posted(c, &pr, "erasure of", root);
		else if (!c->json) {
			char r[CLI_REF_CHARS + 1];
			cli_ref_fmt(id, r);
			printf(_("erased version %s\n"), r);
		}
	}
	if (others && !c->json)
		printf(ngettext("%zu version written by other organizations stays: only they "
		    "erase it\n", "%zu versions written by other organizations stay: only they "
		    "erase them\n", others), others);
	ch_readrep_clear(&rr);
	cli_reply_free(&rep);
	ctx_close(&x);
	return 0;
}

/* The main text of an entry of any kind (the one --text changes). */
static char **
main_text(ch_fields_t *f)
{
	switch (f->kind) {
	case CH_KIND_NOTE: return &f->u.note.text;
	case CH_KIND_GOAL: return &f->u.goal.text;
	case CH_KIND_TASK: return &f->u.task.text;
	case CH_KIND_APPOINTMENT: return &f->u.appt.what;
	case CH_KIND_ALERT: return &f->u.alert.text;
	case CH_KIND_ACK: return &f->u.ack.text;
	case CH_KIND_HANDOVER: return &f->u.handover.text;
	case CH_KIND_CONSENT: return &f->u.consent.text;
	case CH_KIND_CONSULTATION: return &f->u.consult.agenda;
	case CH_KIND_ANSWER: return &f->u.answer.text;
	case CH_KIND_DECISION: return &f->u.decision.text;
	case CH_KIND_KEEP: return &f->u.keep.text;
	case CH_KIND_CHECKIN: return &f->u.checkin.text;
	default: return NULL;
	}
}

static const char *const help_edit[] = {
	N_("usage: cahier edit CASE REF [--text TEXT] [--due DATE] [--at TIME] [--status S]\n"
	    "                  [--priority P] [--every DAYS] [--answer-by DATE] [--until DATE]\n"),
	N_("Posts the next version of the entry REF with what the options change;\n"
	    "everything else stays as the latest version has it (its kind and\n"
	    "audience too). --text is the entry's main text (a task's, an\n"
	    "appointment's what, a consultation's agenda, ...); --due a task's or a\n"
	    "decision's date; --at an appointment's time; --status a goal's (active,\n"
	    "reached, dropped), a task's (open, done, cancelled) or an appointment's\n"
	    "(planned, done, cancelled). The organization that wrote the entry may\n"
	    "edit it, and a task's owner, a goal's workers, an appointment's\n"
	    "organizations; the daemons show an edit by anyone else as if it were\n"
	    "not there. Every version stays in the notebook.\n"),
	NULL
};

int
cmd_edit(cli_t *c, int argc, char **argv)
{
	args_t a;
	ctx_t x;
	found_t fd;
	int changed = 0;

	parse("edit", "text= due= at= status= priority= every= answer-by= until=", help_edit, 2,
	    argc, argv, 1, &a);
	if (a.npos < 2)
		cli_die(EXIT_ERR, _("usage: cahier edit CASE REF [--text TEXT] [--due DATE] ..."));
	if (a.no == 0)
		cli_die(EXIT_ERR, _("nothing to change: give --text, --due, --status, ... (see cahier edit --help)"));
	ctx_open(&x, c, "edit", a.pos[0]);
	ref_find(&x, a.pos[1], &fd);
	ch_fields_t *f = &fd.f;
	const char *kn = ch_kind_name(fd.kind);
	if (fd.kind == CH_KIND_HIDE)
		cli_die(EXIT_ERR, _("a hide cannot be edited"));
	for (size_t k = 0; k < a.no; k++) {
		const char *o = a.o[k].name, *v = a.o[k].val;
		int ok = 1;
		if (strcmp(o, "text") == 0) {
			char **t = main_text(f);
			if (!*v && f->kind != CH_KIND_ACK && f->kind != CH_KIND_CONSENT &&
			    f->kind != CH_KIND_KEEP && f->kind != CH_KIND_CHECKIN)
				cli_die(EXIT_ERR, _("--text cannot be empty for a %s"), kn);
			set_text(t, v);
		} else if (strcmp(o, "due") == 0 && f->kind == CH_KIND_TASK)
			f->u.task.due = *v ? parse_time(v, 0, "--due") : 0;
		else if (strcmp(o, "due") == 0 && f->kind == CH_KIND_DECISION)
			f->u.decision.due = *v ? parse_time(v, 0, "--due") : 0;
		else if (strcmp(o, "at") == 0 && f->kind == CH_KIND_APPOINTMENT)
			f->u.appt.at = parse_time(v, 1, "--at");
		else if (strcmp(o, "status") == 0 && f->kind == CH_KIND_GOAL)
			f->u.goal.status = parse_value(CH_SET_GOAL_STATUS, v, "--status",
			    "active, reached, dropped");
		else if (strcmp(o, "status") == 0 && f->kind == CH_KIND_TASK)
			f->u.task.status = parse_value(CH_SET_TASK_STATUS, v, "--status",
			    "open, done, cancelled");
		else if (strcmp(o, "status") == 0 && f->kind == CH_KIND_APPOINTMENT)
			f->u.appt.status = parse_value(CH_SET_APPT_STATUS, v, "--status",
			    "planned, done, cancelled");
		else if (strcmp(o, "priority") == 0 && f->kind == CH_KIND_ALERT)
			f->u.alert.priority = parse_value(CH_SET_PRIORITY, v, "--priority",
			    "normal, high, urgent");
		else if (strcmp(o, "every") == 0 && f->kind == CH_KIND_KEEP)
			f->u.keep.every_days = parse_uint(v, 1, 365, "--every");
		else if (strcmp(o, "answer-by") == 0 && f->kind == CH_KIND_CONSULTATION)
			f->u.consult.answer_by = *v ? parse_time(v, 0, "--answer-by") : 0;
		else if (strcmp(o, "until") == 0 && f->kind == CH_KIND_CONSENT)
			f->u.consent.until = *v ? parse_time(v, 0, "--until") : 0;
		else
			ok = 0;
		if (!ok)
			cli_die(EXIT_ERR, _("--%s does not apply to a %s (see cahier edit --help)"), o, kn);
		changed++;
	}
	char what[64];
	snprintf(what, sizeof(what), "edit of %s", kn);
	post_edit(&x, &fd, what);
	found_clear(&fd);
	ctx_close(&x);
	return changed ? 0 : EXIT_ERR;
}


