/* orgarg.c - organizations given by name (orgarg.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/info.h"
#include "orgarg.h"

static void
members_from_where(cli_t *c, const uint8_t case_id[16], cli_members_t *ms)
{
	ch_wherereq_t rq;
	ch_whereorg_t *v = NULL;
	cli_reply_t rep;
	keys_card_t kc;
	uint8_t *req = NULL;
	const uint8_t *body;
	size_t rl = 0, bl = 0, n = 0;

	memcpy(rq.case_id, case_id, 16);
	rq.seq = 0;
	if (ch_wherereq_encode(&rq, &req, &rl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, CH_CQ_WHERE, req, rl, &rep, &body, &bl);
	free(req);
	if (ch_whererep_decode(body, bl, &v, &n) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	if (!(ms->m = calloc(n + 1, sizeof(*ms->m))))
		cli_die(EXIT_ERR, _("out of memory"));
	if (keys_card_parse(c->card, c->cardlen, &kc) == 0) {
		memcpy(ms->m[0].org, kc.org_id, 32);
		snprintf(ms->m[0].name, sizeof(ms->m[0].name), "%s", kc.name);
		keys_card_clear(&kc);
		ms->n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		cli_member_t *m = &ms->m[ms->n++];
		size_t l = v[i].name.n < KEYS_NAME_MAX ? v[i].name.n : KEYS_NAME_MAX;
		memcpy(m->org, v[i].org, 32);
		memcpy(m->name, v[i].name.p, l);
		m->name[l] = '\0';
	}
	free(v);
	cli_reply_free(&rep);
}

void
cli_members_load(cli_t *c, const uint8_t case_id[16], int person, cli_members_t *ms)
{
	ch_readreq_t rq;
	ch_readrep_t rr;
	cli_reply_t rep;
	ch_plain_t p;
	ch_epoch_t ep;
	const ch_readitem_t *best = NULL;

	memset(ms, 0, sizeof(*ms));
	if (person) {
		members_from_where(c, case_id, ms);
		return;
	}
	cli_readreq_init(&rq, case_id, CH_ACT_READ, 0);
	rq.kinds = (uint64_t)1 << CH_KIND_CASE_CREATE | (uint64_t)1 << CH_KIND_EPOCH;
	rq.last = 1;
	cli_read(c, &rq, &rep, &rr);
	for (size_t i = 0; i < rr.n; i++) {
		const ch_readitem_t *it = &rr.items[i];
		if (it->plain.n && ch_plain_decode(it->plain.p, it->plain.n, &p) == 0 &&
		    (p.kind == CH_KIND_CASE_CREATE || p.kind == CH_KIND_EPOCH) &&
		    (!best || it->env.epoch > best->env.epoch))
			best = it;
	}
	if (!best)
		cli_die(EXIT_NO, _("no charter of this case is readable here yet"));
	if (ch_plain_decode(best->plain.p, best->plain.n, &p) != 0 ||
	    ch_epoch_decode(p.fields, p.fieldslen, &ep) != 0)
		cli_die(EXIT_ERR, _("the case charter does not decode"));
	const ch_charter_t *ch = &ep.charter;
	if (!(ms->m = calloc(ch->norgs ? ch->norgs : 1, sizeof(*ms->m))))
		cli_die(EXIT_ERR, _("out of memory"));
	ms->n = ch->norgs;
	memcpy(ms->coordinator, ch->coordinator, 32);
	for (size_t i = 0; i < ch->norgs; i++) {
		keys_card_t kc;
		memcpy(ms->m[i].org, ch->orgs[i].org, 32);
		if (keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &kc) == 0) {
			snprintf(ms->m[i].name, sizeof(ms->m[i].name), "%s", kc.name);
			keys_card_clear(&kc);
		} else
			snprintf(ms->m[i].name, sizeof(ms->m[i].name), "?");
	}
	ch_epoch_clear(&ep);
	ch_readrep_clear(&rr);
	cli_reply_free(&rep);
}

/* "A, B, C": the members' names for a message (malloc'd; cli_die escapes
 * what it prints). */
static char *
member_list(const cli_members_t *ms)
{
	size_t cap = 1;
	for (size_t i = 0; i < ms->n; i++)
		cap += strlen(ms->m[i].name) + 2;
	char *s = calloc(1, cap);
	if (!s)
		cli_die(EXIT_ERR, _("out of memory"));
	for (size_t i = 0; i < ms->n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, ms->m[i].name);
	}
	return s;
}

void
cli_org_resolve(const cli_members_t *ms, const char *arg, const char *what, uint8_t org[32])
{
	size_t n = strlen(arg), hits = 0;
	const cli_member_t *hit = NULL;

	for (size_t i = 0; i < ms->n; i++)
		if (strcasecmp(ms->m[i].name, arg) == 0) {
			memcpy(org, ms->m[i].org, 32);
			return;
		}
	for (size_t i = 0; n && i < ms->n; i++)
		if (strncasecmp(ms->m[i].name, arg, n) == 0) {
			hit = &ms->m[i];
			hits++;
		}
	if (hits == 1) {
		memcpy(org, hit->org, 32);
		return;
	}
	char *list = member_list(ms);
	if (hits)
		cli_die(EXIT_ERR, _("%s '%s' names more than one organization of this case: "
		    "give one of: %s"), what, arg, list);
	cli_die(EXIT_ERR, _("%s '%s' names no organization of this case: give one of: %s"),
	    what, arg, list);
}

const char *
cli_members_name(const cli_members_t *ms, const uint8_t org[32])
{
	for (size_t i = 0; i < ms->n; i++)
		if (memcmp(ms->m[i].org, org, 32) == 0)
			return ms->m[i].name;
	return NULL;
}

void
cli_members_clear(cli_members_t *ms)
{
	if (ms->m)
		sodium_memzero(ms->m, ms->n * sizeof(*ms->m));
	free(ms->m);
	memset(ms, 0, sizeof(*ms));
}
