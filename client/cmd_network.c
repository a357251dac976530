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
#include "casearg.h"
#include "cli.h"
#include "escape.h"

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

/* An organization of the case. */
typedef struct {
	uint8_t org[32];
	char hex[65];                     /* its org id */
	char name[KEYS_NAME_MAX + 1];     /* from its card, "?" if that fails */
	const char *role;                 /* its role in the case */
	int coordinator;
	char audiences[128];              /* the audiences it holds keys for */
} org_view_t;

/* A person around the person. */
typedef struct {
	const char *role, *name, *basis;
	char until[16];                   /* YYYY-MM-DD, or "" for no end */
	uint64_t until_s;                 /* unix seconds, 0 for no end */
	int reads;                        /* reads in cahier with a provider key */
} person_view_t;

/* An organization removed from the case. */
typedef struct {
	char hex[65];
	char kid[17];
	char name[KEYS_NAME_MAX + 1];     /* from the daemon's names; "" unknown */
	uint64_t last_seq;
} removed_view_t;

/* An audience and the roles in it. */
typedef struct {
	const char *name;
	size_t nroles;
	char *const *roles;
} aud_view_t;

/* The care network as cahier network shows it: filled by describe(),
 * printed by print_text() or to_json(), released by network_clear().
 * Strings borrow from ep, which it owns. */
typedef struct {
	ch_epoch_t ep;                    /* the charter of the highest epoch read */
	uint32_t epoch;
	char coordinator[KEYS_NAME_MAX + 1];
	size_t norgs, npeople, nremoved, nauthors;
	org_view_t *orgs;
	person_view_t *people;
	removed_view_t *removed;
	aud_view_t aud[4];                /* care, medical, social, coordination */
	author_t *authors;                /* every provider seen writing, any org */
} network_t;

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		cli_die(EXIT_ERR, _("out of memory"));
	return p;
}

static void
author_add(network_t *nw, size_t max, const ch_readitem_t *it)
{
	cli_author_t au;
	author_t *a = nw->authors;
	if (cli_author_get(&it->env, it->plain.p, it->plain.n, &au) != 0 || !au.found)
		return;
	const keys_cert_t *kc = &au.cert;
	for (size_t i = 0; i < nw->nauthors; i++)
		if (memcmp(a[i].org, kc->org_id, 32) == 0 && strcmp(a[i].name, kc->name) == 0 &&
		    strcmp(a[i].role, kc->role) == 0) {
			cli_author_clear(&au);
			return;
		}
	if (nw->nauthors < max) {
		author_t *n = &a[nw->nauthors++];
		memcpy(n->org, kc->org_id, 32);
		snprintf(n->name, sizeof(n->name), "%s", kc->name);
		snprintf(n->role, sizeof(n->role), "%s", kc->role);
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
audiences_of(const ch_charter_t *ch, size_t i, char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	int coord = memcmp(ch->orgs[i].org, ch->coordinator, 32) == 0;
	for (uint8_t a = 1; a <= CH_AUD_COORDINATION; a++)
		if (coord || ch_charter_role_in(ch, ch->orgs[i].role, a))
			k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", k ? " " : "",
			    aud_name(a));
}

static void
describe_orgs(network_t *nw)
{
	const ch_charter_t *ch = &nw->ep.charter;
	nw->orgs = xcalloc(ch->norgs, sizeof(*nw->orgs));
	nw->norgs = ch->norgs;
	snprintf(nw->coordinator, sizeof(nw->coordinator), "?");
	for (size_t i = 0; i < ch->norgs; i++) {
		org_view_t *o = &nw->orgs[i];
		keys_card_t kc;
		memcpy(o->org, ch->orgs[i].org, 32);
		sodium_bin2hex(o->hex, sizeof(o->hex), o->org, 32);
		int ok = keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &kc) == 0;
		snprintf(o->name, sizeof(o->name), "%s", ok ? kc.name : "?");
		if (ok)
			keys_card_clear(&kc);
		o->role = ch->orgs[i].role;
		o->coordinator = memcmp(o->org, ch->coordinator, 32) == 0;
		if (o->coordinator)
			snprintf(nw->coordinator, sizeof(nw->coordinator), "%s", o->name);
		audiences_of(ch, i, o->audiences, sizeof(o->audiences));
	}
}

static void
describe_people(network_t *nw)
{
	const ch_charter_t *ch = &nw->ep.charter;
	nw->people = xcalloc(ch->npeople, sizeof(*nw->people));
	nw->npeople = ch->npeople;
	for (size_t i = 0; i < ch->npeople; i++) {
		const ch_person_t *ps = &ch->people[i];
		person_view_t *v = &nw->people[i];
		v->role = ps->role;
		v->name = ps->name;
		v->basis = ps->basis;
		if (ps->valid_until)
			day(ps->valid_until, v->until);
		v->until_s = ps->valid_until;
		v->reads = sodium_is_zero(ps->provider, 32) != 1;
	}
}

static void
describe_removed(network_t *nw)
{
	const ch_charter_t *ch = &nw->ep.charter;
	nw->removed = xcalloc(ch->nremoved, sizeof(*nw->removed));
	nw->nremoved = ch->nremoved;
	for (size_t i = 0; i < ch->nremoved; i++) {
		removed_view_t *v = &nw->removed[i];
		sodium_bin2hex(v->hex, sizeof(v->hex), ch->removed[i].org, 32);
		keys_keyid(ch->removed[i].org, v->kid);
		v->last_seq = ch->removed[i].last_seq;
	}
}

static void
describe_audiences(network_t *nw)
{
	const ch_charter_t *ch = &nw->ep.charter;
	for (size_t a = 0; a < 4; a++) {
		nw->aud[a].name = aud_name(ch->aud[a].audience);
		nw->aud[a].nroles = ch->aud[a].nroles;
		nw->aud[a].roles = ch->aud[a].roles;
	}
}

/* Describes the network from the read items: the charter of the highest
 * epoch this organization can read, and every author. Exits if there is
 * none. */
static void
describe(network_t *nw, const ch_readitem_t *items, size_t n)
{
	const ch_readitem_t *best = NULL;
	size_t maxauthors = n + 1;
	ch_plain_t p;

	memset(nw, 0, sizeof(*nw));
	nw->authors = xcalloc(maxauthors, sizeof(*nw->authors));
	for (size_t i = 0; i < n; i++) {
		if (!items[i].plain.n || ch_plain_decode(items[i].plain.p, items[i].plain.n, &p) != 0)
			continue;
		if ((p.kind == CH_KIND_CASE_CREATE || p.kind == CH_KIND_EPOCH) &&
		    (!best || items[i].env.epoch > best->env.epoch))
			best = &items[i];
		author_add(nw, maxauthors, &items[i]);
	}
	if (!best)
		cli_die(EXIT_NO, _("no charter of this case is readable here yet"));
	if (ch_plain_decode(best->plain.p, best->plain.n, &p) != 0 ||
	    ch_epoch_decode(p.fields, p.fieldslen, &nw->ep) != 0)
		cli_die(EXIT_ERR, _("the case charter does not decode"));
	nw->epoch = best->env.epoch;
	describe_orgs(nw);
	describe_people(nw);
	describe_removed(nw);
	describe_audiences(nw);
}

static void
network_clear(network_t *nw)
{
	ch_epoch_clear(&nw->ep);
	if (nw->orgs)
		sodium_memzero(nw->orgs, nw->norgs * sizeof(*nw->orgs));
	if (nw->authors)
		sodium_memzero(nw->authors, nw->nauthors * sizeof(*nw->authors));
	free(nw->orgs);
	free(nw->people);
	free(nw->removed);
	free(nw->authors);
	sodium_memzero(nw, sizeof(*nw));
}

/* Every name and role below was written by others: each goes through
 * cli_show() (escape.h). */
static void
print_text(const network_t *nw)
{
	cli_shown_t sh = { { NULL }, 0 };
	printf(_("Case \"%s\", coordinated by %s\n"), cli_show(&sh, nw->ep.charter.name),
	    cli_show(&sh, nw->coordinator));
	printf("\n%s\n", _("Organizations"));
	cli_shown_clear(&sh);
	for (size_t i = 0; i < nw->norgs; i++) {
		const org_view_t *o = &nw->orgs[i];
		/* Padded by display width, not bytes (escape.h). */
		fputs("  ", stdout);
		cli_pad(stdout, cli_show(&sh, o->name), 40);
		putchar(' ');
		cli_pad(stdout, cli_show(&sh, o->role), 22);
		/* The audiences stay as typed (--audience). */
		printf(" %s%s\n", o->coordinator ? _("coordinator; ") : "", o->audiences);
		cli_shown_clear(&sh);
		for (size_t j = 0; j < nw->nauthors; j++)
			if (memcmp(nw->authors[j].org, o->org, 32) == 0) {
				printf("      %s (%s)\n", cli_show(&sh, nw->authors[j].name),
				    cli_show(&sh, nw->authors[j].role));
				cli_shown_clear(&sh);
			}
	}
	printf("\n%s\n", _("People around the person"));
	if (!nw->npeople)
		fputs(_("  (none recorded: 'cahier case person' records them)\n"), stdout);
	for (size_t i = 0; i < nw->npeople; i++) {
		const person_view_t *v = &nw->people[i];
		fputs("  ", stdout);
		cli_pad(stdout, cli_show(&sh, v->role), 22);
		printf(" %s", cli_show(&sh, v->name));
		if (*v->basis)
			/* TRANSLATORS: the legal basis of a person's access, as typed */
			printf(_("  basis: %s"), cli_show(&sh, v->basis));
		if (*v->until)
			printf(_("  until %s"), v->until);
		printf("%s\n", v->reads ? _("  (reads in cahier)") : "");
		cli_shown_clear(&sh);
	}
	if (nw->nremoved) {
		cli_shown_t sh = { { NULL }, 0 };
		printf("\n%s\n", _("Removed organizations (they keep what they had, and read nothing "
		    "written since)"));
		for (size_t i = 0; i < nw->nremoved; i++) {
			if (nw->removed[i].name[0])
				printf("  %s\n", cli_show(&sh, nw->removed[i].name));
			else
				printf(_("  an organization this one has no card of (key %s)\n"),
				    nw->removed[i].kid);
		}
		cli_shown_clear(&sh);
	}
	printf("\n%s\n", _("Audiences (network: everyone in the case)"));
	for (size_t a = 0; a < 4; a++) {
		printf("  %-13s", nw->aud[a].name);
		for (size_t j = 0; j < nw->aud[a].nroles; j++) {
			printf("%s%s", j ? ", " : " ", cli_show(&sh, nw->aud[a].roles[j]));
			cli_shown_clear(&sh);
		}
		putchar('\n');
	}
}

static json_t *
to_json(const network_t *nw)
{
	json_t *jorgs = json_array(), *jpeople = json_array(), *jremoved = json_array(),
	    *jaud = json_object();
	for (size_t i = 0; i < nw->norgs; i++) {
		const org_view_t *o = &nw->orgs[i];
		json_t *jprov = json_array();
		for (size_t j = 0; j < nw->nauthors; j++)
			if (memcmp(nw->authors[j].org, o->org, 32) == 0)
				json_array_append_new(jprov, json_pack("{s:s, s:s}", "name",
				    nw->authors[j].name, "role", nw->authors[j].role));
		json_t *jaudl = json_array();
		char auds[sizeof(o->audiences)], *save = NULL;
		snprintf(auds, sizeof(auds), "%s", o->audiences);
		for (char *a = strtok_r(auds, " ", &save); a; a = strtok_r(NULL, " ", &save))
			json_array_append_new(jaudl, json_string(a));
		json_array_append_new(jorgs, json_pack("{s:s, s:s, s:s, s:b, s:o, s:o}", "org",
		    o->hex, "name", o->name, "role", o->role, "coordinator", o->coordinator,
		    "audiences", jaudl, "providers", jprov));
	}
	for (size_t i = 0; i < nw->npeople; i++) {
		const person_view_t *v = &nw->people[i];
		char iso[32];
		if (v->until_s)
			cli_time_iso(v->until_s * 1000, iso);
		json_array_append_new(jpeople, json_pack("{s:s, s:s, s:s, s:s?, s:b}",
		    "role", v->role, "name", v->name, "basis", v->basis,
		    "until", v->until_s ? iso : NULL, "reads", v->reads));
	}
	for (size_t i = 0; i < nw->nremoved; i++)
		json_array_append_new(jremoved, json_pack("{s:s, s:s?, s:I}", "org", nw->removed[i].hex,
		    "name", nw->removed[i].name[0] ? nw->removed[i].name : NULL,
		    "last_seq", (json_int_t)nw->removed[i].last_seq));
	for (size_t a = 0; a < 4; a++) {
		json_t *r = json_array();
		for (size_t j = 0; j < nw->aud[a].nroles; j++)
			json_array_append_new(r, json_string(nw->aud[a].roles[j]));
		json_object_set_new(jaud, nw->aud[a].name, r);
	}
	return json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, s:o}", "case", nw->ep.charter.name,
	    "epoch", (int)nw->epoch, "coordinator", nw->coordinator, "organizations", jorgs,
	    "people", jpeople, "removed", jremoved, "audiences", jaud);
}

int
cmd_network(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL;
	uint8_t id[16];
	cli_reply_t rep;
	ch_readreq_t rq;
	ch_readrep_t rr;
	network_t nw;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			static const char *const help[] = {
				N_("usage: cahier network CASE\n"),
				N_("Shows the care network of the case: each organization with its role,\n"
				    "the audiences it holds keys for and its providers active in the case;\n"
				    "the coordinator; the people around the person (patient, trusted\n"
				    "person, representative, informal carers, contact point and deputy)\n"
				    "with their basis and expiry; removed organizations; and which roles\n"
				    "belong to each audience. It reads the notebook, so it is recorded.\n"),
				NULL
			};
			cli_help(stdout, help);
			return 0;
		} else if (argv[i][0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier network --help)"), argv[i]);
		else if (!casearg)
			casearg = argv[i];
		else
			cli_die(EXIT_ERR, _("usage: cahier network CASE"));
	}
	if (!casearg)
		cli_die(EXIT_ERR, _("usage: cahier network CASE"));
	cli_open(c);
	cli_case_arg(c, casearg, id);
	cli_case_notice(c, id);
	/* The network is the newest charter this organization can read: one
	 * entry, and the read records exactly that. */
	cli_readreq_init(&rq, id, CH_ACT_READ, 0);
	rq.kinds = (uint64_t)1 << CH_KIND_CASE_CREATE | (uint64_t)1 << CH_KIND_EPOCH;
	rq.last = 1;
	cli_read(c, &rq, &rep, &rr);

	describe(&nw, rr.items, rr.n);
	/* Removed organizations by name: the daemon names them in its reply. */
	for (size_t i = 0; i < nw.nremoved; i++) {
		const ch_slice_t *s = ch_readrep_orgname(&rr, nw.ep.charter.removed[i].org);
		if (s) {
			size_t n = s->n < KEYS_NAME_MAX ? s->n : KEYS_NAME_MAX;
			memcpy(nw.removed[i].name, s->p, n);
			nw.removed[i].name[n] = '\0';
		}
	}
	if (c->json) {
		json_t *top = to_json(&nw);
		cli_json_print(top);
		json_decref(top);
	} else {
		print_text(&nw);
		fputs(_("your read is recorded\n"), stderr);
	}
	network_clear(&nw);
	ch_readrep_clear(&rr);
	cli_reply_free(&rep);
	return 0;
}
