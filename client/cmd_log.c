/* cmd_log.c - cahier log (the notebook of a case) and cahier audit (who read
 * what). Both are reads: the daemon records each one before answering. */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/names.h"
#include "author.h"
#include "cli.h"

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

static int
by_time(const void *a, const void *b)
{
	const ch_readitem_t *x = a, *y = b;
	if (x->env.time_ms != y->env.time_ms)
		return x->env.time_ms < y->env.time_ms ? -1 : 1;
	int o = memcmp(x->env.org, y->env.org, 32);
	if (o)
		return o;
	return x->env.seq < y->env.seq ? -1 : x->env.seq > y->env.seq;
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

static void
print_indented(const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		printf("    %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

/* Names of the organizations met in the charters, in reading order: an
 * entry about an org removed later still shows its name. */
static struct { uint8_t org[32]; char name[KEYS_NAME_MAX + 1]; } names[CH_CHARTER_ORGS_MAX * 4];
static size_t nnames;

static void
names_learn(const ch_charter_t *ch)
{
	for (size_t i = 0; i < ch->norgs; i++) {
		keys_card_t kc;
		size_t j;
		for (j = 0; j < nnames; j++)
			if (memcmp(names[j].org, ch->orgs[i].org, 32) == 0)
				break;
		if (j < nnames || nnames == sizeof(names) / sizeof(names[0]) ||
		    keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &kc) != 0)
			continue;
		memcpy(names[nnames].org, ch->orgs[i].org, 32);
		snprintf(names[nnames].name, sizeof(names[nnames].name), "%s", kc.name);
		nnames++;
		keys_card_clear(&kc);
	}
}

static const char *
names_get(const uint8_t org[32])
{
	static char unknown[32];
	char kid[17];
	for (size_t j = 0; j < nnames; j++)
		if (memcmp(names[j].org, org, 32) == 0)
			return names[j].name;
	keys_keyid(org, kid);
	snprintf(unknown, sizeof(unknown), "org %s", kid);
	return unknown;
}

static void
log_usage(const char *cmd, int code)
{
	FILE *f = code ? stderr : stdout;
	if (strcmp(cmd, "log") == 0)
		fprintf(f, "usage: cahier log CASE [--purpose PURPOSE]\n\n"
		    "Shows every entry of the case, oldest first, with author, role,\n"
		    "organization and time. Your read is recorded (who, when, why, which\n"
		    "entries) before anything is shown; 'cahier audit CASE' lists those records.\n"
		    "PURPOSE: treatment (default), emergency, coordination, own-request.\n");
	else
		fprintf(f, "usage: cahier audit CASE\n\n"
		    "Lists who read what in the case, across all its organizations: time,\n"
		    "reader, role, organization, action, purpose and how many entries.\n"
		    "Reading the audit is itself recorded.\n");
	exit(code);
}

static int
run(cli_t *c, int argc, char **argv, int audit)
{
	const char *casearg = NULL;
	uint8_t purpose = audit ? CH_PURPOSE_AUDIT : CH_PURPOSE_TREATMENT;
	uint8_t id[16], access_id[32];
	cli_reply_t rep;
	ch_readitem_t *items = NULL;
	size_t n = 0, shown = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			log_usage(argv[0], 0);
		else if (strcmp(argv[i], "--purpose") == 0 && i + 1 < argc)
			purpose = purpose_code(argv[++i]);
		else if (argv[i][0] == '-')
			cli_die(EXIT_ERR, "unknown option '%s' (see cahier %s --help)", argv[i], argv[0]);
		else if (!casearg)
			casearg = argv[i];
		else
			log_usage(argv[0], EXIT_ERR);
	}
	if (!casearg)
		log_usage(argv[0], EXIT_ERR);
	cli_open(c);
	cli_case_id(c, casearg, id);
	cli_read(c, id, audit ? CH_KIND_ACCESS : 0, purpose, &rep, access_id, &items, &n);
	qsort(items, n, sizeof(*items), by_time);

	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		ch_readitem_t *it = &items[i];
		ch_plain_t p;
		cli_author_t au;
		char when[32], iso[32], eid[65], *org = slice_str(it->orgname);
		uint8_t eidb[32];

		ch_env_id(&it->env, eidb);
		sodium_bin2hex(eid, sizeof(eid), eidb, 32);
		cli_time(it->env.time_ms, when);
		cli_time_iso(it->env.time_ms, iso);
		if (it->plain.n == 0 || ch_plain_decode(it->plain.p, it->plain.n, &p) != 0) {
			/* An audience this organization is not in. */
			if (c->json)
				json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:b}",
				    "entry", eid, "org", org, "seq", (json_int_t)it->env.seq,
				    "time", iso, "readable", 0));
			else
				printf("%s  %s\n    (an entry for an audience you are not in)\n",
				    when, org);
			free(org);
			shown++;
			continue;
		}
		if (cli_author_get(&it->env, it->plain.p, it->plain.n, &au) != 0)
			cli_die(EXIT_ERR, "malformed entry in the daemon's reply");
		json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:b}", "entry", eid, "org", org,
		    "seq", (json_int_t)it->env.seq, "time", iso, "readable", 1);
		if (au.found) {
			json_object_set_new(o, "author", json_string(au.cert.name));
			json_object_set_new(o, "role", json_string(au.cert.role));
			json_object_set_new(o, "verified", json_boolean(au.verified));
		}
		char head[1024];
		if (au.found)
			snprintf(head, sizeof(head), "%s  %s (%s) · %s%s", when, au.cert.name,
			    au.cert.role, org, au.verified ? "" : "  [SIGNATURE DOES NOT VERIFY]");
		else /* written by the organization's daemon on its own */
			snprintf(head, sizeof(head), "%s  %s", when, org);
		switch (p.kind) {
		case CH_KIND_NOTE: {
			ch_note_t note;
			if (ch_note_decode(p.fields, p.fieldslen, &note) == 0) {
				json_object_set_new(o, "kind", json_string("note"));
				json_object_set_new(o, "text", json_string(note.text));
				if (!c->json) {
					printf("%s\n", head);
					print_indented(note.text);
				}
				ch_note_clear(&note);
			}
			break;
		}
		case CH_KIND_CASE_CREATE:
		case CH_KIND_EPOCH: {
			ch_epoch_t ep;
			if (ch_epoch_decode(p.fields, p.fieldslen, &ep) != 0)
				break;
			names_learn(&ep.charter);
			const char *sub = names_get(ep.subject);
			const char *role = "";
			int k = ch_charter_find_org(&ep.charter, ep.subject);
			if (k >= 0)
				role = ep.charter.orgs[k].role;
			json_object_set_new(o, "kind", json_string(ch_why_name(ep.why)));
			json_object_set_new(o, "epoch", json_integer(it->env.epoch));
			if (ep.why == CH_WHY_CREATE)
				json_object_set_new(o, "name", json_string(ep.charter.name));
			else if (ep.why != CH_WHY_ROTATE && ep.why != CH_WHY_PEOPLE)
				json_object_set_new(o, "member", json_string(sub));
			if (!c->json) {
				printf("%s\n", head);
				switch (ep.why) {
				case CH_WHY_CREATE:
					printf("    opened the case \"%s\"\n", ep.charter.name);
					break;
				case CH_WHY_ADD:
					printf("    added %s to the case as %s (epoch %u: new keys; it reads nothing older)\n",
					    sub, role, it->env.epoch);
					break;
				case CH_WHY_REMOVE:
					printf("    removed %s from the case (epoch %u: new keys for the others)\n",
					    sub, it->env.epoch);
					break;
				case CH_WHY_ROTATE:
					printf("    rotated the keys of the case (epoch %u)%s\n", it->env.epoch,
					    ep.requestlen ? "" : ", as scheduled");
					break;
				case CH_WHY_HANDOVER:
					printf("    handed coordination of the case to %s (epoch %u)\n", sub,
					    it->env.epoch);
					break;
				default:
					printf("    updated the people around the person (epoch %u)\n", it->env.epoch);
				}
			}
			ch_epoch_clear(&ep);
			break;
		}
		case CH_KIND_HISTORY: {
			ch_history_t hi;
			if (ch_history_decode(p.fields, p.fieldslen, &hi) != 0)
				break;
			json_object_set_new(o, "kind", json_string("history-granted"));
			json_object_set_new(o, "member", json_string(names_get(hi.grantee)));
			if (!c->json)
				printf("%s\n    granted %s the history of the epochs before it joined\n", head,
				    names_get(hi.grantee));
			break;
		}
		case CH_KIND_REVOKE: {
			ch_revoke_t rv;
			char kid[17];
			if (ch_revoke_decode(p.fields, p.fieldslen, &rv) != 0)
				break;
			keys_keyid(rv.provider, kid);
			json_object_set_new(o, "kind", json_string("provider-revoked"));
			json_object_set_new(o, "provider", json_string(kid));
			if (!c->json)
				printf("%s  %s\n    revoked the key %s of one of its providers: nothing it signs later counts\n",
				    when, org, kid);
			break;
		}
		case CH_KIND_ACCESS: {
			ch_access_t a;
			keys_cert_t rc;
			if (ch_access_decode(p.fields, p.fieldslen, &a) != 0)
				break;
			uint64_t count = 0;
			for (size_t k = 0; k < a.nranges; k++)
				count += a.ranges[k].to - a.ranges[k].from + 1;
			int hr = keys_cert_parse(a.cert, a.certlen, &rc) == 0;
			/* The ranges are the feeds as they stood when read; the signed
			 * request inside the record says which kinds were asked for. */
			ch_readreq_t rq;
			const char *scope = ch_readreq_decode(a.request, a.requestlen, &rq) == 0 &&
			    rq.kind == CH_KIND_ACCESS ? "the audit" : "the notebook";
			const char *outcome = a.outcome == CH_OUT_OK ? "ok" :
			    a.outcome == CH_OUT_REFUSED ? "refused" : "failed";
			char ewhen[32], eiso[32];
			cli_time(a.time_ms, ewhen);
			cli_time_iso(a.time_ms, eiso);
			json_object_set_new(o, "kind", json_string("access"));
			json_object_set_new(o, "time", json_string(eiso));
			json_object_set_new(o, "reader", json_string(hr ? rc.name : "?"));
			json_object_set_new(o, "reader_role", json_string(hr ? rc.role : "?"));
			json_object_set_new(o, "action", json_string(cli_action_name(a.action)));
			json_object_set_new(o, "purpose", json_string(purpose_name(a.purpose)));
			json_object_set_new(o, "outcome", json_string(outcome));
			json_object_set_new(o, "entries", json_integer((json_int_t)count));
			json_object_set_new(o, "scope", json_string(scope + 4));
			if (!c->json)
				printf("%s  %s (%s) · %s  %s %s (%llu entries held then)  purpose: %s%s%s\n",
				    ewhen, hr ? rc.name : "?", hr ? rc.role : "?", org,
				    cli_action_name(a.action), scope, (unsigned long long)count,
				    purpose_name(a.purpose),
				    a.outcome == CH_OUT_OK ? "" : "  outcome: ",
				    a.outcome == CH_OUT_OK ? "" : outcome);
			if (hr)
				keys_cert_clear(&rc);
			ch_access_clear(&a);
			break;
		}
		default:
			if (!c->json)
				printf("%s\n    (an entry of kind %u this version cannot show)\n", head, p.kind);
		}
		json_array_append_new(arr, o);
		cli_author_clear(&au);
		free(org);
		shown++;
	}
	char aid[65];
	sodium_bin2hex(aid, sizeof(aid), access_id, 32);
	if (c->json) {
		json_t *top = json_pack("{s:o, s:s}", audit ? "records" : "entries", arr,
		    "access_record", aid);
		json_dumpf(top, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(top);
	} else {
		json_decref(arr);
		fprintf(stderr, "%zu %s; this read is recorded as %.16s\n", shown,
		    audit ? "access records" : "entries", aid);
	}
	free(items);
	cli_reply_free(&rep);
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
