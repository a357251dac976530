/* cmd_notify.c - cahier notify: the person's wish to be told of every read
 * of their notebook (PROTOCOL.md, "Notification of reads"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/info.h"
#include "casearg.h"
#include "cli.h"

static const char *const help_notify[] = {
	N_("usage: cahier notify CASE [on | off]\n"),
	N_("When the person asks for it, each new access record of the case (each read,\n"
	    "export or print by anyone, at any organization, refused ones too) is reported\n"
	    "to you: your organization's daemon runs its access hook (cahierd.conf,\n"
	    "access_hook) for each, which sends it on, by mail or text message for\n"
	    "instance. Your own reads are not reported to you. Only the person, their\n"
	    "trusted person or representative, and the contact point, as the case lists\n"
	    "them, turn it on or off. Without on or off: whether it is on for you.\n"
	    "'cahier watch CASE --access' follows the same records on screen.\n"),
	NULL
};

static void
usage(int code)
{
	cli_help(code ? stderr : stdout, help_notify);
	exit(code);
}

int
cmd_notify(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL;
	ch_notifyreq_t rq;
	ch_notifyrep_t r;
	cli_reply_t rep;
	const uint8_t *body;
	size_t bl;
	uint8_t *req;
	size_t reqlen;

	memset(&rq, 0, sizeof(rq));
	rq.op = CH_NOTIFY_ASK;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			usage(0);
		else if (argv[i][0] == '-' && argv[i][1])
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier notify --help)"), argv[i]);
		else if (!casearg)
			casearg = argv[i];
		else if (rq.op == CH_NOTIFY_ASK && strcmp(argv[i], "on") == 0)
			rq.op = CH_NOTIFY_ON;
		else if (rq.op == CH_NOTIFY_ASK && strcmp(argv[i], "off") == 0)
			rq.op = CH_NOTIFY_OFF;
		else
			cli_die(EXIT_ERR, _("unexpected '%s': on or off (see cahier notify --help)"),
			    argv[i]);
	}
	if (!casearg)
		cli_die(EXIT_ERR, _("usage: cahier notify CASE [on | off] (see cahier notify --help)"));
	cli_open(c);
	cli_case_arg(c, casearg, rq.case_id);
	if (ch_notifyreq_encode(&rq, &req, &reqlen) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, CH_CQ_NOTIFY, req, reqlen, &rep, &body, &bl);
	free(req);
	if (ch_notifyrep_decode(body, bl, &r) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	cli_reply_free(&rep);
	char hex[33], when[32] = "";
	sodium_bin2hex(hex, sizeof(hex), rq.case_id, sizeof(rq.case_id));
	if (c->json) {
		json_t *j = json_object();
		if (r.on)
			cli_time_iso(r.since, when);
		json_object_set_new(j, "case", json_string(hex));
		json_object_set_new(j, "on", json_boolean(r.on));
		json_object_set_new(j, "since", r.on ? json_string(when) : json_null());
		json_object_set_new(j, "hook", json_boolean(r.hook));
		cli_json_print(j);
		json_decref(j);
		cli_close(c);
		return 0;
	}
	if (r.on) {
		cli_time(r.since, when);
		printf(_("Each read of this case is reported to you (asked %s).\n"), when);
		if (!r.hook)
			fputs(_("Your organization's daemon runs no access hook yet, so nothing is "
			    "sent: ask its administrator (cahierd.conf, access_hook).\n"), stdout);
	} else
		fputs(rq.op == CH_NOTIFY_OFF ? _("Reads of this case are not reported to you any "
		    "more.\n") : _("Reads of this case are not reported to you.\n"), stdout);
	cli_close(c);
	return 0;
}
