/* cmd_verify.c - cahier verify: every feed the daemon holds of a case,
 * checked (PROTOCOL.md, "Verifying a case"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/info.h"
#include "casearg.h"
#include "cli.h"
#include "escape.h"

static const char *const codes[] = {
	[CH_VF_GAP] = "gap", [CH_VF_MALFORMED] = "malformed", [CH_VF_PLACE] = "misplaced",
	[CH_VF_SIG] = "signature", [CH_VF_BODY] = "body", [CH_VF_CHAIN] = "chain",
	[CH_VF_ERASURE] = "erasure", [CH_VF_HEAD] = "head", [CH_VF_BEYOND] = "beyond-head",
	[CH_VF_FORK] = "fork", [CH_VF_BEHIND] = "behind", [CH_VF_MORE] = "more",
};

static const char *const help_verify[] = {
	N_("usage: cahier verify CASE\n"),
	N_("Checks every feed your organization's daemon holds of the case: each entry's\n"
	    "organization signature, each body against the hash that was signed, each\n"
	    "erasure proof, the hash chain, numbers contiguous from 1 to each feed's\n"
	    "head, the fork evidence kept, and whether another member holds more of\n"
	    "your organization's own feed than your daemon does (entries removed here).\n"
	    "It shows no entry's content: only which organization's feed and which\n"
	    "entry number is at fault, and what is wrong.\n"),
	N_("Exit codes: 0 nothing wrong found, 1 a problem found, 2 it could not be checked.\n"),
	NULL
};

static void
usage(int code)
{
	cli_help(code ? stderr : stdout, help_verify);
	exit(code);
}

static const char *
name_of(const ch_verifyrep_t *r, const uint8_t org[32], char *buf, size_t n)
{
	for (size_t i = 0; i < r->nnames; i++)
		if (memcmp(r->names[i].org, org, 32) == 0) {
			snprintf(buf, n, "%.*s", (int)r->names[i].name.n,
			    (const char *)r->names[i].name.p);
			return buf;
		}
	char id[17];
	keys_keyid(org, id);
	snprintf(buf, n, "org %s", id);
	return buf;
}

int
cmd_verify(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL;
	uint8_t id[CH_CASE_LEN];
	cli_reply_t rep;
	const uint8_t *body;
	size_t bl;
	ch_verifyrep_t r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			usage(0);
		else if (argv[i][0] == '-' && argv[i][1])
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier verify --help)"), argv[i]);
		else if (casearg)
			cli_die(EXIT_ERR, _("unexpected '%s' (see cahier verify --help)"), argv[i]);
		else
			casearg = argv[i];
	}
	if (!casearg)
		cli_die(EXIT_ERR, _("usage: cahier verify CASE (see cahier verify --help)"));
	cli_open(c);
	cli_case_arg(c, casearg, id);
	cli_call(c, CH_CQ_VERIFY, id, sizeof(id), &rep, &body, &bl);
	if (ch_verifyrep_decode(body, bl, &r) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	char hex[33], name[CH_VERIFY_NAME_MAX + 32];
	sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
	size_t problems = 0;
	for (size_t i = 0; i < r.n; i++)
		problems += r.f[i].code != CH_VF_MORE;
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < r.n; i++) {
			const ch_finding_t *f = &r.f[i];
			char fpr[KEYS_FPR_LEN];
			keys_fingerprint(f->org, fpr);
			json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s}", "code", codes[f->code],
			    "organization", name_of(&r, f->org, name, sizeof(name)),
			    "fingerprint", fpr, "seq", (json_int_t)f->seq, "what", ch_vf_str(f->code));
			if (f->code == CH_VF_GAP || f->code == CH_VF_BEYOND || f->code == CH_VF_BEHIND)
				json_object_set_new(o, "to", json_integer((json_int_t)f->other));
			json_array_append_new(arr, o);
		}
		json_t *top = json_pack("{s:s, s:I, s:I, s:I, s:b, s:o}", "case", hex,
		    "feeds", (json_int_t)r.feeds, "entries", (json_int_t)r.entries,
		    "signatures", (json_int_t)r.sigs, "ok", problems == 0, "findings", arr);
		if (!top)
			cli_die(EXIT_ERR, _("out of memory"));
		cli_json_print(top);
		json_decref(top);
	} else {
		cli_shown_t sh = { { NULL }, 0 };
		/* The mark of a problem line, its column as wide as the mark. */
		const char *mark = _("PROBLEM");
		size_t mw = cli_width(mark) + 2;
		for (size_t i = 0; i < r.n; i++) {
			const ch_finding_t *f = &r.f[i];
			const char *who = cli_show(&sh, name_of(&r, f->org, name, sizeof(name)));
			cli_pad(stdout, f->code == CH_VF_MORE ? "..." : mark, mw);
			if (f->code == CH_VF_MORE)
				fputs(_("more problems than one answer holds\n"), stdout);
			else if (f->code == CH_VF_BEHIND)
				printf(_("%s holds your organization's feed up to entry %llu; "
				    "your daemon only up to %llu: entries %llu..%llu are gone from here\n"),
				    who, (unsigned long long)f->other, (unsigned long long)f->seq,
				    (unsigned long long)f->seq + 1, (unsigned long long)f->other);
			else if ((f->code == CH_VF_GAP || f->code == CH_VF_BEYOND) && f->other != f->seq)
				printf(_("%s, entries %llu..%llu: %s\n"), who,
				    (unsigned long long)f->seq, (unsigned long long)f->other,
				    _(ch_vf_str(f->code)));
			else
				printf(_("%s, entry %llu: %s\n"), who,
				    (unsigned long long)f->seq, _(ch_vf_str(f->code)));
		}
		cli_shown_clear(&sh);
		/* "OK  case 0123abcd: 3 feeds, 14 entries, 14 signatures checked: ..." */
		if (!problems)
			fputs("OK  ", stdout);
		printf(_("case %.8s: "), hex);
		printf(ngettext("%u feed", "%u feeds", r.feeds), r.feeds);
		fputs(", ", stdout);
		printf(ngettext("%llu entry", "%llu entries", (unsigned long)r.entries),
		    (unsigned long long)r.entries);
		fputs(", ", stdout);
		printf(ngettext("%llu signature checked: ", "%llu signatures checked: ",
		    (unsigned long)r.sigs), (unsigned long long)r.sigs);
		if (problems)
			printf(ngettext("%zu problem found\n", "%zu problems found\n", problems), problems);
		else
			fputs(_("nothing wrong found\n"), stdout);
	}
	ch_verifyrep_clear(&r);
	cli_reply_free(&rep);
	return problems ? EXIT_NO : 0;
}
