/* main.c - cahier, the providers' client: a table of subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "agent.h"
#include "care.h"
#include "cli.h"
#include "i18n.h"

static const struct {
	const char *name;
	int (*fn)(cli_t *, int, char **);
	const char *help;
} cmds[] = {
	{ "init", cmd_init, N_("create your key and a certificate request") },
	{ "enroll", cmd_enroll, N_("install the certificate your organization issued") },
	{ "status", cmd_status, N_("who you are, your organization, its daemon") },
	{ "unlock", cmd_unlock, N_("keep your key unlocked for a session: unlock [--for 8h]") },
	{ "lock", cmd_lock, N_("end the session 'unlock' began: the key is wiped") },
	{ "case", cmd_case, N_("new, add, remove, rotate, handover, grant, person, list, close, reopen") },
	{ "post", cmd_post, N_("post a note: post [--audience A] CASE TEXT (or - for stdin)") },
	{ "note", cmd_note, N_("post a note (default audience care; the people's: network)") },
	{ "goal", cmd_goal, N_("the person's own goal, or a shared one") },
	{ "task", cmd_task, N_("a task for an organization, or an agenda item; done, cancel, reopen") },
	{ "appointment", cmd_appointment, N_("an appointment; done, cancel") },
	{ "alert", cmd_alert, N_("an alert addressed to organizations of the case") },
	{ "emergency", cmd_emergency, N_("break the glass: read beyond your role, with a reason, for a while") },
	{ "ack", cmd_ack, N_("acknowledge an alert addressed to your organization") },
	{ "handover", cmd_handover, N_("a handover to the network's contact point, with the screen") },
	{ "consent", cmd_consent, N_("a consent or designation under patient-rights law") },
	{ "consult", cmd_consult, N_("open an asynchronous consultation") },
	{ "answer", cmd_answer, N_("answer a consultation") },
	{ "decide", cmd_decide, N_("record a decision of a consultation") },
	{ "keep-an-eye", cmd_keep, N_("follow a case at low intensity; stop") },
	{ "check-in", cmd_checkin, N_("check in on a case you keep an eye on") },
	{ "hide", cmd_hide, N_("hide an entry your organization wrote (cannot be undone)") },
	{ "erase", cmd_erase, N_("erase the content of an entry your organization wrote (cannot be undone)") },
	{ "edit", cmd_edit, N_("post the next version of an entry: text, dates, status") },
	{ "log", cmd_log, N_("show a case's notebook (each read is recorded)") },
	{ "tasks", cmd_tasks, N_("open tasks and check-ins due, in all your cases") },
	{ "alerts", cmd_alerts, N_("alerts waiting for an acknowledgement, in all your cases") },
	{ "show", cmd_show, N_("one entry: its versions and what refers to it") },
	{ "watch", cmd_watch, N_("new entries of a case as they arrive, like tail -f") },
	{ "audit", cmd_audit, N_("who read what in a case, across all organizations") },
	{ "notify", cmd_notify, N_("have each read of a case reported to you, if the person asks") },
	{ "export", cmd_export, N_("the notebook as a booklet, a yellow-box or missing-person sheet, or FHIR") },
	{ "verify", cmd_verify, N_("check every feed of a case: signatures, chains, gaps, forks") },
	{ "network", cmd_network, N_("the care network of a case: organizations, people, audiences") },
	{ "peers", cmd_peers, N_("the organizations your daemon syncs with") },
};

static void
usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fputs(_("usage: cahier [--home DIR] [--json] [--passphrase-file F | --passphrase-fd N]\n"
	    "              [--timeout SECONDS] <command> [<args>]\n"
	    "       cahier --version | --help\n\ncommands:\n"), f);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-11s %s\n", cmds[i].name, _(cmds[i].help));
	fputs(_("\nThe home directory is --home, else $CAHIER_HOME, else ~/.cahier.\n"
	    "Passphrases never come from the command line.\n"
	    "Exit codes: 0 ok, 1 a negative answer (nothing found), 2 usage or operational error.\n"
	    "'cahier <command> --help' describes a command.\n"), f);
	exit(code);
}

int
main(int argc, char **argv)
{
	cli_t c;
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n = 0;

	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		free(args);
		return printf("cahier %s\n", CAHIER_VERSION) < 0 || fflush(stdout) != 0 ?
		    EXIT_ERR : 0;
	}
	memset(&c, 0, sizeof(c));
	c.pass_fd = -1;
	c.timeout_ms = 15000;
	if (!args || sodium_init() < 0)
		cli_die(EXIT_ERR, _("cannot start"));
	cli_json_init();
	cli_i18n_init();
	/* Global options may stand anywhere; the rest goes to the subcommand. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0)
			c.json = 1;
		else if (strcmp(a, "--home") == 0 && i + 1 < argc)
			c.home = argv[++i];
		else if (strcmp(a, "--passphrase-file") == 0 && i + 1 < argc)
			c.pass_file = argv[++i];
		else if (strcmp(a, "--passphrase-fd") == 0 && i + 1 < argc)
			c.pass_fd = atoi(argv[++i]);
		else if (strcmp(a, "--timeout") == 0 && i + 1 < argc)
			c.timeout_ms = atoi(argv[++i]) * 1000;
		else if (n == 0 && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 ||
		    strcmp(a, "help") == 0))
			usage(0);
		else if (n == 0 && a[0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier --help)"), a);
		else
			args[n++] = argv[i];
	}
	if (n == 0)
		usage(EXIT_ERR);
	if (c.timeout_ms <= 0)
		cli_die(EXIT_ERR, _("--timeout must be a positive number of seconds"));
	char *homebuf = NULL;
	if (!c.home)
		c.home = getenv("CAHIER_HOME");
	if (!c.home) {
		const char *h = getenv("HOME");
		if (!h || asprintf(&homebuf, "%s/.cahier", h) < 0)
			cli_die(EXIT_ERR, _("no home directory: give --home DIR"));
		c.home = homebuf;
	}
	if (!c.pass_file)
		c.pass_file = getenv("CAHIER_PASSPHRASE_FILE");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(args[0], cmds[i].name) == 0) {
			int rc = cmds[i].fn(&c, n, args);
			cli_close(&c);
			free(args);
			free(homebuf);
			return rc;
		}
	}
	cli_die(EXIT_ERR, _("unknown command '%s' (see cahier --help)"), args[0]);
}
