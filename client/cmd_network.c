/* cmd_network.c - cahier network: the care network of a case as its current
 * charter states it (organizations and their roles and audiences, the
 * providers active in the case, the people around the person with their
 * basis and expiry, removed organizations, the audience map). It is a read
 * of the notebook: the daemon records it first. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/names.h"
#include "author.h"
#include "cli.h"

static const char *
aud_name(uint8_t a)
{
	const char *s = ch_aud_name(a);
	return s ? s : "?";
}

/* A provider seen writing in the case. */
typedef struct {
	uint8_t org[32];
	char name[KEYS_NAME_MAX + 1];
	char role[KEYS_ROLE_MAX + 1];
} author_t;

static void
author_add(author_t *a, size_t *n, size_t max, const ch_readitem_t *it)
{
	cli_author_t au;
	if (cli_author_get(&it->env, it->plain.p, it->plain.n, &au) != 0 || !au.found)
		return;
	const keys_cert_t *kc = &au.cert;
	for (size_t i = 0; i < *n; i++)
		if (memcmp(a[i].org, kc->org_id, 32) == 0 && strcmp(a[i].name, kc->name) == 0 &&
		    strcmp(a[i].role, kc->role) == 0) {
			cli_author_clear(&au);
			return;
		}
	if (*n < max) {
		memcpy(a[*n].org, kc->org_id, 32);
		snprintf(a[*n].name, sizeof(a[*n].name), "%s", kc->name);
		snprintf(a[*n].role, sizeof(a[*n].role), "%s", kc->role);
		(*n)++;
	}
	cli_author_clear(&au);
}

static void
day(uint64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static void
audiences_of(const ch_charter_t *ch, int i, char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	int coord = memcmp(ch->orgs[i].org, ch->coordinator, 32) == 0;
	for (uint8_t a = 1; a <= CH_AUD_COORDINATION; a++)
		if (coord || ch_charter_role_in(ch, ch->orgs[i].role, a))
			k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", k ? " " : "",
			    aud_name(a));
}

int
cmd_network(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL;
	uint8_t id[16], access_id[32];
	cli_reply_t rep;
	ch_readitem_t *items = NULL;
	size_t n = 0, nauthors = 0;
	author_t *authors = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: cahier network CASE\n\n"
			    "Shows the care network of the case: each organization with its role,\n"
			    "the audiences it holds keys for and its providers active in the case;\n"
			    "the coordinator; the people around the person (patient, trusted\n"
			    "person, representative, informal carers, contact point and deputy)\n"
			    "with their basis and expiry; removed organizations; and which roles\n"
			    "belong to each audience. It reads the notebook, so it is recorded.\n");
			return 0;
		} else if (argv[i][0] == '-')
			cli_die(EXIT_ERR, "unknown option '%s' (see cahier network --help)", argv[i]);
		else if (!casearg)
			casearg = argv[i];
		else
			cli_die(EXIT_ERR, "usage: cahier network CASE");
	}
	if (!casearg)
		cli_die(EXIT_ERR, "usage: cahier network CASE");
	cli_open(c);
	cli_case_id(c, casearg, id);
	cli_read(c, id, 0, CH_PURPOSE_COORDINATION, &rep, access_id, &items, &n);

	/* The charter of the highest epoch we can read, and every author. */
	const ch_readitem_t *best = NULL;
	size_t maxauthors = n + 1;
	if (!(authors = calloc(maxauthors, sizeof(*authors))))
		cli_die(EXIT_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		ch_plain_t p;
		if (!items[i].plain.n || ch_plain_decode(items[i].plain.p, items[i].plain.n, &p) != 0)
			continue;
		if ((p.kind == CH_KIND_CASE_CREATE || p.kind == CH_KIND_EPOCH) &&
		    (!best || items[i].env.epoch > best->env.epoch))
			best = &items[i];
		author_add(authors, &nauthors, maxauthors, &items[i]);
	}
	if (!best)
		cli_die(EXIT_NO, "no charter of this case is readable here yet");
	ch_plain_t p;
	ch_epoch_t ep;
	if (ch_plain_decode(best->plain.p, best->plain.n, &p) != 0 ||
	    ch_epoch_decode(p.fields, p.fieldslen, &ep) != 0)
		cli_die(EXIT_ERR, "the case charter does not decode");
	const ch_charter_t *ch = &ep.charter;
	char coordname[KEYS_NAME_MAX + 1] = "?";

	json_t *jorgs = json_array(), *jpeople = json_array(), *jremoved = json_array(),
	    *jaud = json_object();
	for (size_t i = 0; i < ch->norgs; i++) {
		keys_card_t kc;
		char hex[65], auds[128];
		sodium_bin2hex(hex, sizeof(hex), ch->orgs[i].org, 32);
		int ok = keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &kc) == 0;
		const char *name = ok ? kc.name : "?";
		int coord = memcmp(ch->orgs[i].org, ch->coordinator, 32) == 0;
		if (coord)
			snprintf(coordname, sizeof(coordname), "%s", name);
		audiences_of(ch, (int)i, auds, sizeof(auds));
		json_t *jprov = json_array();
		for (size_t j = 0; j < nauthors; j++)
			if (memcmp(authors[j].org, ch->orgs[i].org, 32) == 0)
				json_array_append_new(jprov, json_pack("{s:s, s:s}", "name",
				    authors[j].name, "role", authors[j].role));
		json_array_append_new(jorgs, json_pack("{s:s, s:s, s:s, s:b, s:s, s:o}", "org", hex,
		    "name", name, "role", ch->orgs[i].role, "coordinator", coord,
		    "audiences", auds, "providers", jprov));
		if (ok)
			keys_card_clear(&kc);
	}
	for (size_t i = 0; i < ch->npeople; i++) {
		char until[16] = "";
		if (ch->people[i].valid_until)
			day(ch->people[i].valid_until, until);
		json_array_append_new(jpeople, json_pack("{s:s, s:s, s:s, s:s, s:b}",
		    "role", ch->people[i].role, "name", ch->people[i].name,
		    "basis", ch->people[i].basis, "until", until,
		    "reads", sodium_is_zero(ch->people[i].provider, 32) != 1));
	}
	for (size_t i = 0; i < ch->nremoved; i++) {
		char hex[65];
		sodium_bin2hex(hex, sizeof(hex), ch->removed[i].org, 32);
		json_array_append_new(jremoved, json_pack("{s:s, s:I}", "org", hex, "last_seq",
		    (json_int_t)ch->removed[i].last_seq));
	}
	for (int a = 0; a < 4; a++) {
		json_t *r = json_array();
		for (size_t j = 0; j < ch->aud[a].nroles; j++)
			json_array_append_new(r, json_string(ch->aud[a].roles[j]));
		json_object_set_new(jaud, aud_name(ch->aud[a].audience), r);
	}

	if (c->json) {
		json_t *top = json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, s:o}", "case", ch->name,
		    "epoch", (int)best->env.epoch, "coordinator", coordname, "organizations", jorgs,
		    "people", jpeople, "removed", jremoved, "audiences", jaud);
		json_dumpf(top, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(top);
	} else {
		printf("Case \"%s\" (epoch %u), coordinated by %s\n\nOrganizations\n", ch->name,
		    best->env.epoch, coordname);
		size_t k;
		json_t *o;
		json_array_foreach(jorgs, k, o) {
			printf("  %-40s %-22s %s%s\n", json_string_value(json_object_get(o, "name")),
			    json_string_value(json_object_get(o, "role")),
			    json_is_true(json_object_get(o, "coordinator")) ? "coordinator; " : "",
			    json_string_value(json_object_get(o, "audiences")));
			size_t m;
			json_t *pv;
			json_array_foreach(json_object_get(o, "providers"), m, pv)
				printf("      %s (%s)\n", json_string_value(json_object_get(pv, "name")),
				    json_string_value(json_object_get(pv, "role")));
		}
		printf("\nPeople around the person\n");
		if (!ch->npeople)
			printf("  (none recorded: 'cahier case person' records them)\n");
		json_array_foreach(jpeople, k, o) {
			const char *basis = json_string_value(json_object_get(o, "basis"));
			const char *until = json_string_value(json_object_get(o, "until"));
			printf("  %-22s %s%s%s%s%s%s\n", json_string_value(json_object_get(o, "role")),
			    json_string_value(json_object_get(o, "name")),
			    *basis ? "  basis: " : "", basis, *until ? "  until " : "", until,
			    json_is_true(json_object_get(o, "reads")) ? "  (reads in cahier)" : "");
		}
		if (ch->nremoved) {
			printf("\nRemoved organizations\n");
			for (size_t i = 0; i < ch->nremoved; i++) {
				char kid[17];
				keys_keyid(ch->removed[i].org, kid);
				printf("  org %s: its feed ends at entry %llu\n", kid,
				    (unsigned long long)ch->removed[i].last_seq);
			}
		}
		printf("\nAudiences (network: everyone in the case)\n");
		for (int a = 0; a < 4; a++) {
			printf("  %-13s", aud_name(ch->aud[a].audience));
			for (size_t j = 0; j < ch->aud[a].nroles; j++)
				printf("%s%s", j ? ", " : " ", ch->aud[a].roles[j]);
			putchar('\n');
		}
		json_decref(jorgs);
		json_decref(jpeople);
		json_decref(jremoved);
		json_decref(jaud);
		char aid[65];
		sodium_bin2hex(aid, sizeof(aid), access_id, 32);
		fprintf(stderr, "this read is recorded as %.16s\n", aid);
	}
	ch_epoch_clear(&ep);
	free(authors);
	free(items);
	cli_reply_free(&rep);
	return 0;
}
