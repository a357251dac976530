/* cmd_case.c - cahier case new | add | remove | rotate | handover | grant |
 * person | list | close | reopen. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/info.h"
#include "../proto/charter.h"
#include "../proto/names.h"
#include "casearg.h"
#include "cli.h"
#include "escape.h"
#include "post.h"

/* TRANSLATORS: in the lines of cahier case --help that describe a
 * subcommand, keep its name (new, add...) as typed and the description's
 * column (the 11th) */
static const char *const help_case[] = {
	N_("usage: cahier case new NAME\n"
	    "       cahier case add CASE CARDFILE --role ROLE\n"
	    "       cahier case remove CASE ORG\n"
	    "       cahier case rotate CASE\n"
	    "       cahier case handover CASE ORG\n"
	    "       cahier case grant CASE ORG\n"
	    "       cahier case person CASE --role ROLE --name NAME [--key REQUESTFILE]\n"
	    "                          [--basis BASIS] [--until DATE] [--remove]\n"
	    "       cahier case list [--all] [--verbose] [--no-names]\n"
	    "       cahier case close CASE\n"
	    "       cahier case reopen CASE\n"),
	N_("new       opens a case coordinated by your organization (the name is encrypted).\n"),
	N_("add       adds an organization, from its card, with its role in the case (ROLE\n"
	    "          below: gp, home-nursing, social-service, psychiatric-home-care, ...).\n"
	    "          The case moves to a new epoch: the new member reads nothing written\n"
	    "          before.\n"),
	N_("remove    removes an organization: new keys for everyone else; it keeps what\n"
	    "          it had and reads nothing written after; its later posts are refused.\n"),
	N_("rotate    new keys for every member now.\n"),
	N_("handover  hands coordination to another member organization.\n"),
	N_("grant     gives a member the keys of the epochs before it joined (history).\n"),
	N_("person    records a person around the patient, with a person's role: patient,\n"
	    "          trusted-person, representative, informal-carer, contact-point,\n"
	    "          deputy-contact-point; --key gives their provider key (a request made\n"
	    "          by 'cahier init') so they can read; --basis (e.g. written-mandate,\n"
	    "          legal-order) and --until (YYYY-MM-DD: through that day, UTC; or\n"
	    "          YYYY-MM-DDTHH:MM:SSZ) bound a trusted person's or representative's\n"
	    "          access; a date already past is refused (--remove ends an access).\n"),
	N_("list      the cases you may see here, by name: coordinator, organizations, last\n"
	    "          activity, and (closed), (removed from this case), (same name as another\n"
	    "          case), (FORK). Cases closed here are left out unless --all; --verbose\n"
	    "          adds the id's first digits, the epoch and the entries held. Your\n"
	    "          daemon records that it showed you a case's name (once a day per case);\n"
	    "          --no-names lists ids and counts only, and nothing is recorded.\n"),
	N_("close     closes a case at your organization: kept and readable ('cahier log'),\n"
	    "          out of the daily list, no posts from here; the others still write.\n"),
	N_("reopen    undoes close.\n"),
	N_("CASE is a case's name as 'case list' shows it (when no other case has it), its\n"
	    "          id, or the first digits of its id ('case list --verbose').\n"
	    "ORG is an organization's card file or its 64-digit hex id (cahier network --json).\n"),
	NULL
};

static void
case_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	const char *const *h = help_case;
	/* The first paragraph, then the subcommands' lines without blank
	 * lines between them, as a table. */
	fputs(_(h[0]), f);
	fputc('\n', f);
	for (size_t i = 1; h[i]; i++)
		fputs(_(h[i]), f);
	fprintf(f, _("ROLE (of an organization) is one of: %s.\n"), ch_roles_text());
	fputs(_("Only providers of the coordinating organization change membership.\n"), f);
	exit(code);
}

static int
case_new(cli_t *c, const char *name)
{
	keys_card_t card;
	uint8_t salt[16], id[16], *fields = NULL;
	size_t fl = 0;
	ch_postrep_t rep;

	cli_open(c);
	if (keys_card_parse(c->card, c->cardlen, &card) != 0)
		cli_die(EXIT_ERR, _("the org card does not verify"));
	randombytes_buf(salt, sizeof(salt));
	ch_case_id(card.org_id, salt, id);
	keys_card_clear(&card);
	if (ch_create_encode(salt, name, &fields, &fl) != 0)
		cli_die(EXIT_ERR, _("the case name must be 1 to 256 bytes of UTF-8 text"));
	cli_post(c, id, CH_AUD_NETWORK, CH_REQ_CASE_NEW, fields, fl, &rep);
	free(fields);
	if (c->json)
		cli_print_posted(c, &rep, "created");
	else {
		char hex[33];
		cli_shown_t sh = { { NULL }, 0 };
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		/* The id on stdout, for scripts; people use the name. */
		printf("%s\n", hex);
		fprintf(stderr, _("opened the case \"%s\", coordinated by your organization: "
		    "give its name to the other commands\n"), cli_show(&sh, name));
		cli_shown_clear(&sh);
	}
	return 0;
}

static int
case_add(cli_t *c, const char *caseid, const char *cardfile, const char *role)
{
	char *text = NULL;
	size_t tl = 0, cl = 0, fl = 0;
	uint8_t *card = NULL, *fields = NULL, id[16];
	keys_card_t kc;
	ch_postrep_t rep;
	char fpr[KEYS_FPR_LEN];

	/* A role outside the vocabulary would fall outside every audience;
	 * the people's roles are for 'case person' (the daemon refuses both). */
	if (!ch_role_known(role))
		cli_die(EXIT_ERR, _("unknown role '%s' (known roles: %s)"), role, ch_roles_text());
	if (ch_role_is_person(role))
		cli_die(EXIT_ERR, _("'%s' is a role of the people around the person, not of an "
		    "organization ('cahier case person' records people)"), role);
	int rc = keys_slurp(cardfile, &text, &tl);
	if (rc)
		cli_die(EXIT_ERR, _("cannot read %s: %s"), cardfile, ch_strerror(rc));
	if (keys_dearmor("ORG CARD", text, tl, &card, &cl) != 0 ||
	    keys_card_parse(card, cl, &kc) != 0)
		cli_die(EXIT_ERR, _("%s is not a valid org card"), cardfile);
	free(text);
	if (ch_member_encode(card, cl, role, &fields, &fl) != 0)
		cli_die(EXIT_ERR, _("bad role '%s': use lower-case letters, digits and '-'"), role);
	cli_open(c);
	cli_case_arg(c, caseid, id);
	cli_post(c, id, CH_AUD_NETWORK, CH_REQ_ADD_ORG, fields, fl, &rep);
	keys_fingerprint(kc.org_id, fpr);
	if (c->json)
		cli_print_posted(c, &rep, "added");
	else {
		cli_shown_t sh = { { NULL }, 0 };
		printf(_("added %s (fingerprint %s) as %s\n"), cli_show(&sh, kc.name), fpr,
		    cli_show(&sh, role));
		cli_shown_clear(&sh);
	}
	keys_card_clear(&kc);
	free(card);
	free(fields);
	return 0;
}

/* An organization given as a card file or a 64-digit hex id. */
static void
org_arg(const char *arg, uint8_t org[32], char *name, size_t namelen)
{
	size_t bl = 0;
	if (strlen(arg) == 64 && sodium_hex2bin(org, 32, arg, 64, NULL, &bl, NULL) == 0 &&
	    bl == 32) {
		char kid[17];
		keys_keyid(org, kid);
		snprintf(name, namelen, "org %s", kid);
		return;
	}
	char *text = NULL;
	size_t tl = 0, cl = 0;
	uint8_t *card = NULL;
	keys_card_t kc;
	if (keys_slurp(arg, &text, &tl) != 0 ||
	    keys_dearmor("ORG CARD", text, tl, &card, &cl) != 0 ||
	    keys_card_parse(card, cl, &kc) != 0)
		cli_die(EXIT_ERR, _("'%s' is neither an org card file nor a 64-digit org id"), arg);
	memcpy(org, kc.org_id, 32);
	snprintf(name, namelen, "%s", kc.name);
	keys_card_clear(&kc);
	free(card);
	free(text);
}

static int
case_orgref(cli_t *c, const char *caseid, const char *orgarg, uint8_t kind,
    const char *done)
{
	uint8_t org[32], id[16], *fields = NULL;
	size_t fl = 0;
	char name[300];
	ch_postrep_t rep;

	org_arg(orgarg, org, name, sizeof(name));
	if (ch_orgref_encode(org, &fields, &fl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_open(c);
	cli_case_arg(c, caseid, id);
	cli_post(c, id, CH_AUD_NETWORK, kind, fields, fl, &rep);
	free(fields);
	if (c->json)
		cli_print_posted(c, &rep, done);
	else {
		cli_shown_t sh = { { NULL }, 0 };
		printf("%s: %s\n", _(done), cli_show(&sh, name));
		cli_shown_clear(&sh);
	}
	return 0;
}

static int
case_rotate(cli_t *c, const char *caseid)
{
	uint8_t id[16];
	ch_postrep_t rep;
	cli_open(c);
	cli_case_arg(c, caseid, id);
	cli_post(c, id, CH_AUD_NETWORK, CH_REQ_ROTATE, NULL, 0, &rep);
	if (c->json)
		cli_print_posted(c, &rep, "rotated");
	else
		fputs(_("rotated: every member has new keys from now on\n"), stdout);
	return 0;
}

static int
case_person(cli_t *c, const char *caseid, const char *role, const char *name,
    const char *keyfile, const char *basis, const char *until, int remove)
{
	ch_personreq_t pr;
	uint8_t id[16], *fields = NULL, curve[32];
	size_t fl = 0;
	ch_postrep_t rep;

	/* The charter bounds the access of the people's roles only. */
	if (!ch_role_is_person(role))
		cli_die(EXIT_ERR, _("role '%s' is not a role of a person around the patient "
		    "(people's roles: %s)"), role, ch_roles_person_text());
	memset(&pr, 0, sizeof(pr));
	pr.op = remove ? CH_PERSON_REMOVE : CH_PERSON_SET;
	pr.person.role = (char *)(uintptr_t)role;
	pr.person.name = (char *)(uintptr_t)name;
	pr.person.basis = (char *)(uintptr_t)(basis ? basis : "");
	if (keyfile) {
		char *text = NULL;
		size_t tl = 0, rl = 0;
		uint8_t *rb = NULL;
		if (keys_slurp(keyfile, &text, &tl) != 0 ||
		    keys_dearmor("PROVIDER REQUEST", text, tl, &rb, &rl) != 0 ||
		    keys_request_parse(rb, rl, pr.person.provider, curve) != 0)
			cli_die(EXIT_ERR, _("%s is not a provider request (made by 'cahier init')"), keyfile);
		free(text);
		free(rb);
	}
	if (until) {
		/* A date: through the end of that day (UTC); or an instant,
		 * YYYY-MM-DDTHH:MM:SSZ. */
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		char *end = strptime(until, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (!end || *end) {
			memset(&tm, 0, sizeof(tm));
			end = strptime(until, "%Y-%m-%d", &tm);
			if (!end || *end)
				cli_die(EXIT_ERR, _("--until takes a date as YYYY-MM-DD "
				    "(or an instant as YYYY-MM-DDTHH:MM:SSZ)"));
			tm.tm_hour = 23;
			tm.tm_min = 59;
			tm.tm_sec = 59;
		}
		/* Refused here as by the daemon: an access that has already
		 * ended is a mistyped date; --remove ends one now. */
		time_t last = timegm(&tm);
		if (!remove && (last == (time_t)-1 || last <= time(NULL)))
			cli_die(EXIT_ERR, _("--until %s is already past: give a later date "
			    "(--remove ends an access now)"), until);
		pr.person.valid_until = (uint64_t)last;
	}
	if (ch_personreq_encode(&pr, &fields, &fl) != 0)
		cli_die(EXIT_ERR, _("bad person record: roles and bases are lower-case words "
		    "(trusted-person, written-mandate), names 1 to 256 bytes"));
	cli_open(c);
	cli_case_arg(c, caseid, id);
	cli_post(c, id, CH_AUD_NETWORK, CH_REQ_PERSON, fields, fl, &rep);
	free(fields);
	if (c->json)
		cli_print_posted(c, &rep, remove ? "removed" : "recorded");
	else {
		cli_shown_t sh = { { NULL }, 0 };
		printf(remove ? _("removed %s as %s\n") : _("recorded %s as %s\n"),
		    cli_show(&sh, name), cli_show(&sh, role));
		cli_shown_clear(&sh);
	}
	return 0;
}

/* A text of the case list as a C string (the slice is UTF-8, no NUL). */
static const char *
slice_str(const ch_slice_t *sl, char buf[CH_CASE_NAME_MAX + 1])
{
	memcpy(buf, sl->p ? (const char *)sl->p : "", sl->n);
	buf[sl->n] = '\0';
	return buf;
}

static int
case_list(cli_t *c, int all, int verbose, int nonames)
{
	cli_reply_t rep;
	const uint8_t *body;
	uint8_t *req = NULL;
	size_t bl, n, rl = 0;
	ch_caseinfo_t *v;
	keys_card_t mine;

	cli_open(c);
	if (ch_casesreq_encode((all ? CH_CASES_ALL : CH_CASES_DAILY) |
	    (nonames ? CH_CASES_NONAMES : 0), &req, &rl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, CH_CQ_CASES, req, rl, &rep, &body, &bl);
	free(req);
	if (ch_caselist_decode(body, bl, &v, &n) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	if (keys_card_parse(c->card, c->cardlen, &mine) != 0)
		cli_die(EXIT_ERR, _("the org card does not verify"));
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char hex[33], coord[17], name[CH_CASE_NAME_MAX + 1], cname[CH_CASE_NAME_MAX + 1];
		char last[32] = "", since[32] = "";
		sodium_bin2hex(hex, sizeof(hex), v[i].case_id, 16);
		keys_keyid(v[i].coordinator, coord);
		slice_str(&v[i].name, name);
		slice_str(&v[i].coord_name, cname);
		int ours = memcmp(v[i].coordinator, mine.org_id, 32) == 0;
		int closed = !!(v[i].flags & CH_CASE_CLOSED), removed = !!(v[i].flags & CH_CASE_REMOVED);
		int same = !!(v[i].flags & CH_CASE_SAMENAME), fork = !!(v[i].flags & CH_CASE_FORK);
		int ownfork = !!(v[i].flags & CH_CASE_OWNFORK);
		if (c->json) {
			if (v[i].last_ms)
				cli_time_iso(v[i].last_ms, last);
			if (v[i].since_ms)
				cli_time_iso(v[i].since_ms, since);
			json_t *o = json_pack("{s:s, s:s%, s:s, s:s%, s:b, s:i, s:I, s:i, s:i, s:b, s:b, s:b, s:b}",
			    "case", hex, "name", name, v[i].name.n, "coordinator", coord,
			    "coordinator_name", cname, v[i].coord_name.n, "coordinated_here", ours,
			    "members", v[i].members, "entries", (json_int_t)v[i].entries,
			    "epoch", (int)v[i].epoch, "forks", (int)v[i].forks,
			    "closed", closed, "removed", removed, "same_name", same, "fork", fork);
			if (!o)
				cli_die(EXIT_ERR, _("out of memory"));
			json_object_set_new(o, "own_fork", json_boolean(ownfork));
			json_object_set_new(o, "last_activity", v[i].last_ms ? json_string(last) : json_null());
			/* Both keys always: the time is the one of what happened (closed
			 * here, or removed), the other null. */
			json_object_set_new(o, "closed_at",
			    v[i].since_ms && closed ? json_string(since) : json_null());
			json_object_set_new(o, "removed_at",
			    v[i].since_ms && removed && !closed ? json_string(since) : json_null());
			json_array_append_new(arr, o);
			continue;
		}
		cli_shown_t sh = { { NULL }, 0 };
		if (verbose || nonames)
			printf("%.8s  ", hex);
		if (!nonames)
			fputs(v[i].name.n ? cli_show(&sh, name) : _("(name not readable here)"), stdout);
		if (removed) {
			printf(_("  closed to us: removed by %s"), cli_show(&sh, cname));
			if (v[i].since_ms && !closed) {
				cli_time(v[i].since_ms, since);
				printf(_(" on %.10s"), since);
			}
		} else
			printf(_("  coordinator %s%s"), cli_show(&sh, cname), ours ? _(" (this organization)") : "");
		printf(ngettext(", %u organization", ", %u organizations", v[i].members), v[i].members);
		if (v[i].last_ms) {
			cli_time(v[i].last_ms, last);
			printf(_(", last activity %s"), last);
		}
		if (verbose)
			printf(_(", epoch %u, %llu entries held"), v[i].epoch,
			    (unsigned long long)v[i].entries);
		printf("%s%s%s%s\n", closed ? _("  (closed)") : "",
		    removed ? _("  (removed from this case)") : "",
		    same ? _("  (same name as another case)") : "", fork && !ownfork ? _("  (FORK)") : "");
		if (ownfork)
			fputs(_("    FORK of this organization's own feed: another daemon with its key "
			    "(a restored backup?) wrote there too; this daemon can no longer write "
			    "in this case. Stop every other copy, restore the newest backup, or "
			    "contact the other members' administrators\n"), stdout);
		cli_shown_clear(&sh);
	}
	if (c->json) {
		cli_json_print(arr);
	} else if (n == 0)
		fputs(all ? _("no cases yet ('cahier case new NAME' opens one)\n") :
		    _("no open cases ('cahier case list --all' shows the closed ones too)\n"), stderr);
	json_decref(arr);
	keys_card_clear(&mine);
	sodium_memzero(v, n * sizeof(*v));
	free(v);
	cli_reply_free(&rep);
	return 0;
}

/* close or reopen (type CH_CQ_CLOSE or CH_CQ_REOPEN). */
static int
case_close(cli_t *c, const char *caseid, uint8_t type)
{
	uint8_t id[16], *req = NULL;
	size_t rl = 0, bl;
	cli_reply_t rep;
	const uint8_t *body;

	cli_open(c);
	cli_case_arg(c, caseid, id);
	if (ch_caseref_encode(id, &req, &rl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, type, req, rl, &rep, &body, &bl);
	free(req);
	cli_reply_free(&rep);
	if (c->json) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		json_t *o = json_pack("{s:s, s:b}", "case", hex, "closed", type == CH_CQ_CLOSE);
		cli_json_print(o);
		json_decref(o);
	} else if (type == CH_CQ_CLOSE)
		fputs(_("closed at your organization: kept and readable, out of the daily list, "
		    "no posts from here ('cahier case reopen' undoes it)\n"), stdout);
	else
		fputs(_("reopened at your organization\n"), stdout);
	return 0;
}

int
cmd_case(cli_t *c, int argc, char **argv)
{
	const char *role = NULL, *name = NULL, *key = NULL, *basis = NULL, *until = NULL;
	int remove = 0, all = 0, verbose = 0, nonames = 0;
	char *pos[4];
	int np = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			case_usage(0);
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (strcmp(argv[i], "--basis") == 0 && i + 1 < argc)
			basis = argv[++i];
		else if (strcmp(argv[i], "--until") == 0 && i + 1 < argc)
			until = argv[++i];
		else if (strcmp(argv[i], "--remove") == 0)
			remove = 1;
		else if (strcmp(argv[i], "--all") == 0)
			all = 1;
		else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--no-names") == 0)
			nonames = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier case --help)"), argv[i]);
		else if (np < 4)
			pos[np++] = argv[i];
		else
			case_usage(EXIT_ERR);
	}
	if (np == 0)
		case_usage(EXIT_ERR);
	if (strcmp(pos[0], "new") == 0 && np == 2)
		return case_new(c, pos[1]);
	if (strcmp(pos[0], "add") == 0 && np == 3) {
		if (!role)
			cli_die(EXIT_ERR, _("case add needs --role ROLE (e.g. gp, home-nursing, social-service)"));
		return case_add(c, pos[1], pos[2], role);
	}
	if (strcmp(pos[0], "list") == 0 && np == 1)
		return case_list(c, all, verbose, nonames);
	if (strcmp(pos[0], "close") == 0 && np == 2)
		return case_close(c, pos[1], CH_CQ_CLOSE);
	if (strcmp(pos[0], "reopen") == 0 && np == 2)
		return case_close(c, pos[1], CH_CQ_REOPEN);
	if (strcmp(pos[0], "remove") == 0 && np == 3)
		return case_orgref(c, pos[1], pos[2], CH_REQ_REMOVE_ORG, N_("removed"));
	if (strcmp(pos[0], "handover") == 0 && np == 3)
		return case_orgref(c, pos[1], pos[2], CH_REQ_HANDOVER,
		    N_("coordination handed over to"));
	if (strcmp(pos[0], "grant") == 0 && np == 3)
		return case_orgref(c, pos[1], pos[2], CH_REQ_HISTORY, N_("history granted to"));
	if (strcmp(pos[0], "rotate") == 0 && np == 2)
		return case_rotate(c, pos[1]);
	if (strcmp(pos[0], "person") == 0 && np == 2) {
		if (!role || !name)
			cli_die(EXIT_ERR, _("case person needs --role ROLE and --name NAME"));
		return case_person(c, pos[1], role, name, key, basis, until, remove);
	}
	static const char *const subs[] = { "new", "add", "remove", "rotate", "handover", "grant",
		"person", "list", "close", "reopen" };
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(pos[0], subs[i]) == 0)
			cli_die(EXIT_ERR, _("case %s: wrong arguments (see cahier case --help)"), pos[0]);
	cli_die(EXIT_ERR, _("unknown case command '%s' (new, add, remove, rotate, handover, grant, "
	    "person, list, close, reopen; see cahier case --help)"), pos[0]);
}
