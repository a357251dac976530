/* view.c - describing and showing the entries of a read reply (view.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "author.h"
#include "cli.h"
#include "escape.h"
#include "ref.h"
#include "render.h"
#include "view.h"

static const char *
purpose_name(uint8_t p)
{
	const char *s = ch_purpose_name(p);
	return s ? s : "unknown";
}

/* Names of the organizations met in the charters, in reading order: an
 * entry about an org removed later still shows its name. */
typedef struct {
	struct {
		uint8_t org[32];
		char name[KEYS_NAME_MAX + 1];
	} v[CH_CHARTER_ORGS_MAX * 4];
	size_t n;
} orgnames_t;

static void
names_learn(orgnames_t *nm, const ch_charter_t *ch)
{
	for (size_t i = 0; i < ch->norgs; i++) {
		keys_card_t kc;
		size_t j;
		for (j = 0; j < nm->n; j++)
			if (memcmp(nm->v[j].org, ch->orgs[i].org, 32) == 0)
				break;
		if (j < nm->n || nm->n == sizeof(nm->v) / sizeof(nm->v[0]) ||
		    keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &kc) != 0)
			continue;
		memcpy(nm->v[nm->n].org, ch->orgs[i].org, 32);
		snprintf(nm->v[nm->n].name, sizeof(nm->v[nm->n].name), "%s", kc.name);
		nm->n++;
		keys_card_clear(&kc);
	}
}

/* Copies the name of org into out: its name in a charter read so far, else
 * "org <key id>". */
static void
names_get(const orgnames_t *nm, const uint8_t org[32], char out[KEYS_NAME_MAX + 1])
{
	char kid[17];
	for (size_t j = 0; j < nm->n; j++)
		if (memcmp(nm->v[j].org, org, 32) == 0) {
			snprintf(out, KEYS_NAME_MAX + 1, "%s", nm->v[j].name);
			return;
		}
	keys_keyid(org, kid);
	snprintf(out, KEYS_NAME_MAX + 1, "org %s", kid);
}

/* ---- describing an entry ---- */

/* What an entry shows. */
enum {
	SHOW_CLOSED,   /* the reader cannot open it: state says why */
	SHOW_NOTE,
	SHOW_CARE,     /* a care kind other than the note */
	SHOW_EPOCH,    /* a case creation or a new epoch */
	SHOW_HISTORY,
	SHOW_REVOKE,
	SHOW_FORK,     /* an organization reports another's forked feed */
	SHOW_ERASE,    /* an organization erased the content of one of its entries */
	SHOW_ACCESS,
	SHOW_OTHER,    /* a kind this version cannot show */
	SHOW_BROKEN,   /* a known kind whose fields do not decode: no text */
};

/* Fields of an epoch entry: the reason, and the member it is about. */
typedef struct {
	ch_epoch_t ep;                    /* the case name and roles borrow from it */
	char member[KEYS_NAME_MAX + 1];   /* the org the change is about */
	const char *role;                 /* its role in the new charter, or "" */
} epoch_view_t;

/* Fields of an access record: who read what, why, and how it went. */
typedef struct {
	uint64_t time_ms;
	int have_reader;
	keys_cert_t reader;               /* the reader's certificate, if it parses */
	const char *action, *purpose, *outcome;   /* static names */
	const char *scope;                /* "the notebook", "the audit", "the care
	                                   * network", "one entry" */
	char kinds[160];                  /* the kinds a notebook read asked for,
	                                   * by name ("task, keep-an-eye"), or "" */
	char kinds_words[480];            /* the same as words of the reader's
	                                   * language (render_kind_word) */
	int for_person;                   /* the reader acts for the person */
	int ok;                           /* outcome is ok */
	uint64_t count;                   /* entries shown */
} access_view_t;

/* One entry as the commands show it. Filled by view_describe(), printed by
 * view_print() or put by view_json(). Strings borrow from the read reply,
 * which outlives it. */
struct ventry {
	int shape;                        /* SHOW_* */
	char id[65];                      /* entry id, hex */
	char ref[CLI_REF_CHARS + 1];      /* short reference of its first version */
	char *org;                        /* the feed's organization (malloc'd) */
	uint64_t seq, time_ms;
	uint32_t epoch;
	uint8_t kind, audience, state;
	uint16_t versions;
	char hidden_by[KEYS_NAME_MAX + 1];
	uint64_t hidden_at, last_checkin;
	uint32_t nrefs;
	const ch_readitem_t *it;          /* the acks */
	cli_author_t author;
	uint8_t reply_to[32], supersedes[32];
	ch_fields_t f;                    /* SHOW_CARE (and SHOW_NOTE) */
	uint8_t to[2][32];                /* a handover's contact point and deputy */
	ch_orgs_t handover_to;
	epoch_view_t epv;                 /* SHOW_EPOCH */
	char grantee[KEYS_NAME_MAX + 1];  /* SHOW_HISTORY */
	char revoked[17];                 /* SHOW_REVOKE: the key id */
	char forked[KEYS_NAME_MAX + 1];   /* SHOW_FORK: the org whose feed forked */
	uint8_t forked_id[32];
	uint64_t forked_seq;
	ch_erase_t erase;                 /* SHOW_ERASE */
	access_view_t acc;                /* SHOW_ACCESS */
};
typedef struct ventry entry_t;

static int
describe_care(entry_t *e, const ch_plain_t *p)
{
	if (ch_fields_decode(p->kind, p->fields, p->fieldslen, &e->f) != 0)
		return SHOW_BROKEN;
	return p->kind == CH_KIND_NOTE ? SHOW_NOTE : SHOW_CARE;
}

static int
describe_epoch(entry_t *e, const ch_plain_t *p, orgnames_t *nm)
{
	epoch_view_t *v = &e->epv;
	if (ch_epoch_decode(p->fields, p->fieldslen, &v->ep) != 0)
		return SHOW_BROKEN;
	names_learn(nm, &v->ep.charter);
	names_get(nm, v->ep.subject, v->member);
	int k = ch_charter_find_org(&v->ep.charter, v->ep.subject);
	v->role = k >= 0 ? v->ep.charter.orgs[k].role : "";
	return SHOW_EPOCH;
}

static int
describe_history(entry_t *e, const ch_plain_t *p, const orgnames_t *nm)
{
	ch_history_t hi;
	if (ch_history_decode(p->fields, p->fieldslen, &hi) != 0)
		return SHOW_BROKEN;
	names_get(nm, hi.grantee, e->grantee);
	return SHOW_HISTORY;
}

static int
describe_erase(entry_t *e, const ch_plain_t *p)
{
	return ch_erase_decode(p->fields, p->fieldslen, &e->erase) == 0 ? SHOW_ERASE : SHOW_BROKEN;
}

static const char *
erase_reason(uint8_t r)
{
	switch (r) {
	case CH_ERASE_ASKED: return "person-asked";
	case CH_ERASE_RETENTION: return "retention";
	case CH_ERASE_ERROR: return "error";
	default: return "unknown";
	}
}

static int
describe_revoke(entry_t *e, const ch_plain_t *p)
{
	ch_revoke_t rv;
	if (ch_revoke_decode(p->fields, p->fieldslen, &rv) != 0)
		return SHOW_BROKEN;
	keys_keyid(rv.provider, e->revoked);
	return SHOW_REVOKE;
}

static int
describe_fork(entry_t *e, const ch_plain_t *p, const orgnames_t *nm)
{
	ch_fork_t f;
	if (ch_fork_decode(p->fields, p->fieldslen, &f) != 0)
		return SHOW_BROKEN;
	names_get(nm, f.org, e->forked);
	memcpy(e->forked_id, f.org, 32);
	e->forked_seq = f.seq;
	return SHOW_FORK;
}

static int
describe_access(entry_t *e, const ch_plain_t *p)
{
	access_view_t *v = &e->acc;
	ch_access_t a;
	ch_readreq_t rq;

	if (ch_access_decode(p->fields, p->fieldslen, &a) != 0)
		return SHOW_BROKEN;
	v->time_ms = a.time_ms;
	for (size_t k = 0; k < a.nranges; k++)
		v->count += a.ranges[k].to - a.ranges[k].from + 1;
	v->have_reader = keys_cert_parse(a.cert, a.certlen, &v->reader) == 0;
	/* The ranges are the feeds as they stood when read; the signed
	 * request inside the record says what was asked for. */
	v->scope = "the notebook";
	v->kinds[0] = '\0';
	v->kinds_words[0] = '\0';
	if (ch_readreq_decode(a.request, a.requestlen, &rq) == 0) {
		const uint64_t membership = (uint64_t)1 << CH_KIND_CASE_CREATE |
		    (uint64_t)1 << CH_KIND_EPOCH;
		if (rq.kinds == (uint64_t)1 << CH_KIND_ACCESS)
			v->scope = "the audit";
		else if (rq.kinds && (rq.kinds & ~membership) == 0)
			v->scope = "the care network";
		else if (!sodium_is_zero(rq.entry, 32))
			v->scope = "one entry";
		else
			for (unsigned k = 0; k < 64; k++) {
				const char *kn = (rq.kinds >> k) & 1 ? ch_kind_name((uint8_t)k) : NULL;
				size_t l = strlen(v->kinds);
				if (kn && l + strlen(kn) + 3 < sizeof(v->kinds)) {
					snprintf(v->kinds + l, sizeof(v->kinds) - l, "%s%s",
					    l ? ", " : "", kn);
					size_t w = strlen(v->kinds_words);
					snprintf(v->kinds_words + w, sizeof(v->kinds_words) - w,
					    "%s%s", w ? ", " : "", render_kind_word((uint8_t)k));
				}
			}
	}
	v->for_person = v->have_reader && ch_role_acts_for_person(v->reader.role);
	v->action = ch_action_name(a.action);
	v->purpose = purpose_name(a.purpose);
	v->ok = a.outcome == CH_OUT_OK;
	v->outcome = a.outcome == CH_OUT_OK ? "ok" :
	    a.outcome == CH_OUT_REFUSED ? "refused" : "failed";
	ch_access_clear(&a);
	return SHOW_ACCESS;
}


static int
has_part(const char *s, const char *part)
{
	size_t n = strlen(part), m = strlen(s);
	for (size_t i = 0; i + n <= m; i++)
		if (strncasecmp(s + i, part, n) == 0)
			return 1;
	return 0;
}

int
view_access_get(const ventry_t *e, view_access_t *out)
{
	const access_view_t *v = &e->acc;
	if (e->shape != SHOW_ACCESS)
		return -1;
	out->time_ms = v->time_ms;
	out->reader = v->have_reader ? v->reader.name : "?";
	out->role = v->have_reader ? v->reader.role : "?";
	out->org = e->org ? e->org : "?";
	out->action = v->action;
	out->purpose = v->purpose;
	out->outcome = v->outcome;
	out->scope = v->scope;
	out->kinds = v->kinds_words;
	out->count = v->count;
	out->for_person = v->for_person;
	return 0;
}

int
view_access_match(const ventry_t *e, const view_afilter_t *f)
{
	const access_view_t *v = &e->acc;
	if (e->shape != SHOW_ACCESS)
		return 0;
	return (!f->reader || (v->have_reader && has_part(v->reader.name, f->reader))) &&
	    (!f->action || strcmp(f->action, v->action) == 0) &&
	    (!f->purpose || strcmp(f->purpose, v->purpose) == 0) &&
	    (!f->outcome || strcmp(f->outcome, v->outcome) == 0);
}

/* ---- printing a description ---- */

/* Every text field printed below was written by others (a note, a case
 * name, a provider's or an organization's name, a role): each goes through
 * cli_show() or cli_print_lines(), which show the characters a terminal
 * acts on as escapes (escape.h). */

static const ch_orgs_t *orgs_of(const ventry_t *e);

/* The first line of an entry: when, who (if a provider wrote it), where. */
static void
print_head(const entry_t *e, const char *when)
{
	cli_shown_t sh = { { NULL }, 0 };
	/* Who may read it: the audience (the membership key's entries are the
	 * professionals'). An alert waiting for an acknowledgement stands out. */
	const char *aud = render_aud_word(e->audience);
	int waiting = e->shape == SHOW_CARE && ((e->kind == CH_KIND_ALERT &&
	    e->it->nacks < orgs_of(e)->n) || (e->kind == CH_KIND_HANDOVER && e->it->nacks == 0));
	/* A care entry's kind and its short reference: what to act on. */
	char what[64] = "";
	if (e->shape == SHOW_NOTE || e->shape == SHOW_CARE)
		snprintf(what, sizeof(what), "  %s %s", render_kind_word(e->kind), e->ref);
	if (e->author.found)
		printf("%s%s  %s (%s) · %s  [%s]%s%s%s\n", waiting ? "!! " : "", when,
		    cli_show(&sh, e->author.cert.name), cli_show(&sh, e->author.cert.role),
		    cli_show(&sh, e->org), aud, what,
		    e->versions > 1 ? _(" (edited)") : "",
		    e->author.verified ? "" : _("  [SIGNATURE DOES NOT VERIFY]"));
	else /* written by the organization's daemon on its own */
		printf("%s  %s  [%s]\n", when, cli_show(&sh, e->org), aud);
	cli_shown_clear(&sh);
}

/* The person a PERSON request (embedded in an epoch entry) sets or
 * removes: "set"/"removed", role and name into out; 0, or -1 if none. */
static int
person_change(const epoch_view_t *v, char *out, size_t n)
{
	ch_plain_t p;
	ch_personreq_t pr;
	if (!v->ep.request || ch_plain_decode(v->ep.request, v->ep.requestlen, &p) != 0 ||
	    p.kind != CH_REQ_PERSON || ch_personreq_decode(p.fields, p.fieldslen, &pr) != 0)
		return -1;
	cli_shown_t sh = { { NULL }, 0 };
	snprintf(out, n, pr.op == 2 ? _("    removed %s (%s) from the people around the person\n") :
	    _("    listed %s (%s) among the people around the person\n"),
	    cli_show(&sh, pr.person.name), cli_show(&sh, pr.person.role));
	cli_shown_clear(&sh);
	ch_personreq_clear(&pr);
	return 0;
}

/* A membership change, in words: who was added or removed. The epoch (a
 * key generation) is shown with --verbose only. */
static void
print_epoch(const entry_t *e, int verbose)
{
	const epoch_view_t *v = &e->epv;
	cli_shown_t sh = { { NULL }, 0 };
	char who[600];
	switch (v->ep.why) {
	case CH_WHY_CREATE:
		printf(_("    opened the case \"%s\"\n"), cli_show(&sh, v->ep.charter.name));
		break;
	case CH_WHY_ADD:
		printf(_("    added %s to the case as %s (it reads nothing written before, "
		    "unless granted the history)\n"),
		    cli_show(&sh, v->member), cli_show(&sh, v->role));
		break;
	case CH_WHY_REMOVE:
		printf(_("    removed %s from the case (new keys for the others: it reads "
		    "nothing written from now on)\n"), cli_show(&sh, v->member));
		break;
	case CH_WHY_ROTATE:
		fputs(v->ep.requestlen ? _("    renewed the keys of the case\n") :
		    _("    renewed the keys of the case, as scheduled\n"), stdout);
		break;
	case CH_WHY_HANDOVER:
		printf(_("    handed coordination of the case to %s\n"), cli_show(&sh, v->member));
		break;
	default:
		if (person_change(v, who, sizeof(who)) == 0)
			fputs(who, stdout);
		else
			fputs(_("    updated the people around the person\n"), stdout);
	}
	if (verbose)
		printf(_("    (epoch %u)\n"), e->epoch);
	cli_shown_clear(&sh);
}

/* Where a read looked, in words (v->scope names it in English). */
static const char *
scope_words(const char *scope)
{
	if (strcmp(scope, "the audit") == 0)
		return _("the audit");
	if (strcmp(scope, "the care network") == 0)
		return _("the care network");
	if (strcmp(scope, "one entry") == 0)
		return _("one entry");
	return _("the notebook");
}

/* An access record on one line: when, who (role, organization), what was
 * done to what, how many entries, why, and how it went when not ok. The
 * codes as words of the reader's language; --json keeps the names. */
static void
print_access(const entry_t *e)
{
	const access_view_t *v = &e->acc;
	cli_shown_t sh = { { NULL }, 0 };
	char when[32], count[64], purpose[160], outcome[160] = "";
	unsigned long long n = (unsigned long long)v->count;
	cli_time(v->time_ms, when);
	snprintf(count, sizeof(count), ngettext("(%llu entry)", "(%llu entries)",
	    (unsigned long)(n > 1000000 ? 1000000 : n)), n);
	snprintf(purpose, sizeof(purpose), _("purpose: %s"), render_purpose_word(v->purpose));
	if (!v->ok)
		snprintf(outcome, sizeof(outcome), _("  outcome: %s"), render_outcome_word(v->outcome));
	printf("%s  %s (%s%s) · %s  %s %s%s%s %s  %s%s\n",
	    when, cli_show(&sh, v->have_reader ? v->reader.name : "?"),
	    cli_show(&sh, v->have_reader ? v->reader.role : "?"),
	    v->for_person ? _(", for the person") : "", cli_show(&sh, e->org),
	    render_action_word(v->action), scope_words(v->scope), v->kinds[0] ? ": " : "",
	    v->kinds_words, count, purpose, outcome);
	cli_shown_clear(&sh);
}


struct view {
	cli_t *c;
	int verbose;
	int in_show;                      /* cahier show: no "see cahier show" hints */
	char casearg[CH_CASE_NAME_MAX + 1]; /* the case as the provider named it */
	uint8_t us[32];                   /* our organization */
	uint8_t me[32];                   /* our provider key */
	char usname[KEYS_NAME_MAX + 1];
	char role[KEYS_ROLE_MAX + 1];
	orgnames_t nm;                    /* charters read so far, and replies */
	char refbuf[CLI_REF_CHARS + 1];
};

static void
names_put(orgnames_t *nm, const uint8_t org[32], const char *name, size_t n)
{
	for (size_t j = 0; j < nm->n; j++)
		if (memcmp(nm->v[j].org, org, 32) == 0)
			return;
	if (nm->n == sizeof(nm->v) / sizeof(nm->v[0]))
		return;
	memcpy(nm->v[nm->n].org, org, 32);
	if (n > KEYS_NAME_MAX)
		n = KEYS_NAME_MAX;
	memcpy(nm->v[nm->n].name, name, n);
	nm->v[nm->n].name[n] = '\0';
	nm->n++;
}

view_t *
view_new(cli_t *c, int verbose)
{
	view_t *v = calloc(1, sizeof(*v));
	keys_cert_t kc;
	if (!v)
		cli_die(EXIT_ERR, _("out of memory"));
	v->c = c;
	v->verbose = verbose;
	if (c->cert && keys_cert_parse(c->cert, c->certlen, &kc) == 0) {
		memcpy(v->us, kc.org_id, 32);
		memcpy(v->me, kc.provider, 32);
		snprintf(v->role, sizeof(v->role), "%s", kc.role);
		keys_cert_clear(&kc);
	}
	keys_card_t card;
	if (c->card && keys_card_parse(c->card, c->cardlen, &card) == 0) {
		snprintf(v->casearg, sizeof(v->casearg), "CASE");
	snprintf(v->usname, sizeof(v->usname), "%s", card.name);
		names_put(&v->nm, card.org_id, card.name, strlen(card.name));
		keys_card_clear(&card);
	} else
		snprintf(v->usname, sizeof(v->usname), "%s", _("your organization"));
	return v;
}

void
view_set_case(view_t *v, const char *casearg, int in_show)
{
	/* A name with a space is quoted, so the hint can be typed as shown. */
	snprintf(v->casearg, sizeof(v->casearg), strchr(casearg, ' ') ? "\"%s\"" : "%s",
	    casearg);
	v->in_show = in_show;
}

void
view_free(view_t **v)
{
	if (*v) {
		sodium_memzero(*v, sizeof(**v));
		free(*v);
		*v = NULL;
	}
}

void
view_learn(view_t *v, const ch_readrep_t *rr)
{
	for (size_t i = 0; i < rr->norgs; i++)
		names_put(&v->nm, rr->orgs[i].org, (const char *)rr->orgs[i].name.p,
		    rr->orgs[i].name.n);
}

const uint8_t *
view_us(const view_t *v)
{
	return v->us;
}

const uint8_t *
view_me(const view_t *v)
{
	return v->me;
}

/* render.h's resolver: an org's name, from the charters and replies. */
static const char *
org_name_cb(void *arg, const uint8_t org[32])
{
	const view_t *v = arg;
	for (size_t j = 0; j < v->nm.n; j++)
		if (memcmp(v->nm.v[j].org, org, 32) == 0)
			return v->nm.v[j].name;
	return NULL;
}

/* render.h's resolver of an entry a field refers to: its short reference,
 * which cahier show takes. */
static const char *
entry_name_cb(void *arg, const uint8_t id[32])
{
	view_t *v = arg;
	cli_ref_fmt(id, v->refbuf);
	return v->refbuf;
}

static render_ctx_t
render_ctx(view_t *v)
{
	render_ctx_t r = { org_name_cb, NULL, entry_name_cb, v };
	return r;
}

ventry_t *
view_describe(view_t *v, const ch_readitem_t *it)
{
	entry_t *e = calloc(1, sizeof(*e));
	ch_plain_t p;
	uint8_t id[32];

	if (!e)
		cli_die(EXIT_ERR, _("out of memory"));
	ch_env_id(&it->env, id);
	sodium_bin2hex(e->id, sizeof(e->id), id, 32);
	cli_ref_fmt(it->root, e->ref);
	e->org = cli_slice_dup(it->orgname);
	e->seq = it->env.seq;
	e->time_ms = it->env.time_ms;
	e->epoch = it->env.epoch;
	e->audience = it->env.audience;
	e->state = it->state;
	e->versions = it->versions;
	e->hidden_at = it->hidden_at;
	e->last_checkin = it->last_checkin;
	e->nrefs = it->nrefs;
	e->it = it;
	if (it->state == CH_IT_HIDDEN)
		names_get(&v->nm, it->hidden_by, e->hidden_by);
	if (it->state != CH_IT_OPEN || it->plain.n == 0 ||
	    ch_plain_decode(it->plain.p, it->plain.n, &p) != 0 ||
	    cli_author_get(&it->env, it->plain.p, it->plain.n, &e->author) != 0) {
		e->shape = SHOW_CLOSED;
		if (e->state == CH_IT_OPEN)
			e->state = CH_IT_BEFORE_JOIN;
		return e;
	}
	e->kind = p.kind;
	memcpy(e->reply_to, p.reply_to, 32);
	memcpy(e->supersedes, p.supersedes, 32);
	if (ch_kind_is_care(p.kind)) {
		e->shape = describe_care(e, &p);
		if (e->shape == SHOW_CARE && p.kind == CH_KIND_HANDOVER) {
			memcpy(e->to[0], e->f.u.handover.contact, 32);
			e->handover_to.n = 1;
			if (!sodium_is_zero(e->f.u.handover.deputy, 32)) {
				memcpy(e->to[1], e->f.u.handover.deputy, 32);
				e->handover_to.n = 2;
			}
			e->handover_to.id = e->to;
		}
	}
	else switch (p.kind) {
	case CH_KIND_CASE_CREATE:
	case CH_KIND_EPOCH:
		e->shape = describe_epoch(e, &p, &v->nm);
		break;
	case CH_KIND_HISTORY:
		e->shape = describe_history(e, &p, &v->nm);
		break;
	case CH_KIND_REVOKE:
		e->shape = describe_revoke(e, &p);
		break;
	case CH_KIND_FORK:
		e->shape = describe_fork(e, &p, &v->nm);
		break;
	case CH_KIND_ERASE:
		e->shape = describe_erase(e, &p);
		break;
	case CH_KIND_ACCESS:
		e->shape = describe_access(e, &p);
		break;
	default:
		e->shape = SHOW_OTHER;
	}
	return e;
}

void
view_entry_free(ventry_t **ep)
{
	entry_t *e = *ep;
	if (!e)
		return;
	if (e->org) {
		sodium_memzero(e->org, strlen(e->org));
		free(e->org);
	}
	cli_author_clear(&e->author);
	ch_fields_clear(&e->f);
	ch_epoch_clear(&e->epv.ep);
	if (e->acc.have_reader)
		keys_cert_clear(&e->acc.reader);
	sodium_memzero(e, sizeof(*e));
	free(e);
	*ep = NULL;
}

uint8_t
view_kind(const ventry_t *e)
{
	return e->shape == SHOW_CLOSED ? 0 : e->kind;
}

const ch_fields_t *
view_fields(const ventry_t *e)
{
	return e->shape == SHOW_NOTE || e->shape == SHOW_CARE ? &e->f : NULL;
}

static const ch_orgs_t *
orgs_of(const ventry_t *e)
{
	if (e->shape != SHOW_CARE)
		return NULL;
	switch (e->kind) {
	case CH_KIND_GOAL: return &e->f.u.goal.workers;
	case CH_KIND_APPOINTMENT: return &e->f.u.appt.orgs;
	case CH_KIND_ALERT: return &e->f.u.alert.addressed;
	case CH_KIND_HANDOVER: return &e->handover_to;
	case CH_KIND_CONSULTATION: return &e->f.u.consult.invited;
	case CH_KIND_DECISION: return &e->f.u.decision.carriers;
	default: return NULL;
	}
}

int
view_names_org(const ventry_t *e, const uint8_t org[32])
{
	if (e->shape == SHOW_CARE && e->kind == CH_KIND_TASK)
		return memcmp(e->f.u.task.owner, org, 32) == 0;
	const ch_orgs_t *o = orgs_of(e);
	for (size_t i = 0; o && i < o->n; i++)
		if (memcmp(o->id[i], org, 32) == 0)
			return 1;
	return 0;
}

uint64_t
view_checkin_due(const ventry_t *e)
{
	if (e->shape != SHOW_CARE || e->kind != CH_KIND_KEEP || !e->f.u.keep.active)
		return 0;
	uint64_t from = e->last_checkin > e->time_ms ? e->last_checkin : e->time_ms;
	return from + (uint64_t)e->f.u.keep.every_days * 86400000u;
}

/* 1 if org acknowledged the alert e. */
static int
acked_by(const ventry_t *e, const uint8_t org[32], uint64_t *when)
{
	uint8_t o[32];
	uint64_t t;
	for (size_t i = 0; i < e->it->nacks; i++) {
		ch_readitem_ack(e->it, i, o, &t);
		if (memcmp(o, org, 32) == 0) {
			if (when)
				*when = t;
			return 1;
		}
	}
	return 0;
}

/* Why the reader cannot open an entry, in words. */
static void
print_closed(view_t *v, const entry_t *e, const char *when)
{
	cli_shown_t sh = { { NULL }, 0 };
	char at[32];
	const char *aud = render_aud_word(e->audience);
	printf("%s  %s  [%s]\n", when, cli_show(&sh, e->org), aud);
	switch (e->state) {
	case CH_IT_HIDDEN:
		cli_time(e->hidden_at, at);
		printf(_("    (hidden by %s on %s, at the person's request or as posted in error)\n"),
		    cli_show(&sh, e->hidden_by), at);
		break;
	case CH_IT_ERASED:
		fputs(_("    (its content was erased)\n"), stdout);
		break;
	case CH_IT_ROLE_AUD:
		printf(_("    (for the %s audience, which your role (%s) is not in)\n"), aud,
		    cli_show(&sh, v->role));
		break;
	case CH_IT_ORG_AUD:
		printf(_("    (for the %s audience, which %s is not in)\n"), aud,
		    cli_show(&sh, v->usname));
		break;
	default:
		printf(_("    (written while %s was not a member of the case, or before it "
		    "was granted the history)\n"), cli_show(&sh, v->usname));
	}
	cli_shown_clear(&sh);
}

/* An alert's acknowledgements, a keep-an-eye's check-ins, an edit. */
static void
print_status(view_t *v, const entry_t *e)
{
	cli_shown_t sh = { { NULL }, 0 };
	char at[32];
	if (e->shape == SHOW_CARE && (e->kind == CH_KIND_ALERT || e->kind == CH_KIND_HANDOVER)) {
		const ch_orgs_t *o = orgs_of(e);
		size_t waiting = 0;
		for (size_t i = 0; i < o->n; i++) {
			uint64_t t;
			const char *n = org_name_cb(v, o->id[i]);
			if (acked_by(e, o->id[i], &t)) {
				cli_time(t, at);
				printf(_("    acknowledged by %s on %s\n"),
				    cli_show(&sh, n ? n : render_unknown_org()), at);
			} else
				waiting++;
		}
		/* A handover waits for one of its contact point and deputy. */
		if (e->kind == CH_KIND_HANDOVER && waiting < o->n)
			waiting = 0;
		if (waiting) {
			fputs(e->kind == CH_KIND_HANDOVER ?
			    _("    NOT ACKNOWLEDGED yet by its contact point or deputy:") :
			    _("    NOT ACKNOWLEDGED by"), stdout);
			for (size_t i = 0, k = 0; i < o->n; i++)
				if (!acked_by(e, o->id[i], NULL)) {
					const char *n = org_name_cb(v, o->id[i]);
					printf("%s %s", k++ ? "," : "",
					    cli_show(&sh, n ? n : render_unknown_org()));
				}
			if (acked_by(e, v->us, NULL) || !view_names_org(e, v->us))
				printf("\n");
			else
				printf(_("  (yours to acknowledge: cahier ack %s %s)\n"),
				    cli_show(&sh, v->casearg), e->ref);
		}
	}
	uint64_t due = view_checkin_due(e);
	if (due) {
		struct timeval tv;
		gettimeofday(&tv, NULL);
		uint64_t now = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
		cli_time(due, at);
		printf(due <= now ? _("    CHECK-IN DUE since %s\n") : _("    next check-in by %s\n"), at);
	}
	/* What cahier show would add; not inside cahier show itself. */
	if (!v->in_show && e->versions > 1)
		printf(_("    (edited: %u versions; cahier show %s %s lists them)\n"), e->versions,
		    cli_show(&sh, v->casearg), e->ref);
	if (!v->in_show && e->nrefs)
		printf(ngettext("    (%u entry refers to it: cahier show %s %s)\n",
		    "    (%u entries refer to it: cahier show %s %s)\n", e->nrefs), e->nrefs,
		    cli_show(&sh, v->casearg), e->ref);
	cli_shown_clear(&sh);
}

void
view_print(view_t *v, const ventry_t *e)
{
	cli_shown_t sh = { { NULL }, 0 };
	char when[32];
	cli_time(e->time_ms, when);
	if (v->verbose)
		printf(_("-- entry %s · seq %llu · epoch %u\n"), e->id, (unsigned long long)e->seq,
		    e->epoch);
	switch (e->shape) {
	case SHOW_CLOSED:
		print_closed(v, e, when);
		break;
	case SHOW_NOTE:
	case SHOW_CARE: {
		render_ctx_t rc = render_ctx(v);
		print_head(e, when);
		if (e->shape == SHOW_NOTE) {
			/* Every line of the note indented: none can pass for a header. */
			if (!sodium_is_zero(e->reply_to, 32))
				fputs(_("    (a reply)\n"), stdout);
			cli_print_lines(stdout, "    ", e->f.u.note.text);
		} else {
			char *lines = render_lines(&e->f, &rc, "    ");
			if (!lines)
				cli_die(EXIT_ERR, _("out of memory"));
			fputs(lines, stdout);
			render_free(&lines);
		}
		print_status(v, e);
		break;
	}
	case SHOW_EPOCH:
		print_head(e, when);
		print_epoch(e, v->verbose);
		break;
	case SHOW_HISTORY:
		print_head(e, when);
		printf(_("    granted %s the history of the epochs before it joined\n"),
		    cli_show(&sh, e->grantee));
		break;
	case SHOW_REVOKE:
		printf("%s  %s\n", when, cli_show(&sh, e->org));
		fputs(_("    revoked the key of one of its providers: nothing it signs later "
		    "counts\n"), stdout);
		if (v->verbose)
			printf(_("    (the key %s)\n"), e->revoked);
		break;
	case SHOW_FORK: {
		/* It cannot be acknowledged: it stands out like an alert waiting. */
		const char *who = cli_show(&sh, e->forked);
		printf("!! %s  %s\n", when, cli_show(&sh, e->org));
		printf(_("    FORK: %s wrote two different entries at the same place of its feed "
		    "(seq %llu): its entries from there on are refused; ask %s what happened "
		    "(a restored backup?)\n"), who, (unsigned long long)e->forked_seq, who);
		break;
	}
	case SHOW_ERASE: {
		char ref[CLI_REF_CHARS + 1];
		cli_ref_fmt(e->erase.id, ref);
		printf("%s  %s  [%s]\n", when, cli_show(&sh, e->org), render_aud_word(e->audience));
		printf(_("    erased the content of its entry %s (%s); its trace stays: who wrote "
		    "it and when\n"), ref,
		    e->erase.reason == CH_ERASE_ASKED ? _("at the person's request") :
		    e->erase.reason == CH_ERASE_RETENTION ? _("at the end of its retention") :
		    _("posted in error"));
		break;
	}
	case SHOW_ACCESS:
		print_access(e);
		break;
	case SHOW_OTHER:
		print_head(e, when);
		fputs(_("    (an entry of a kind this version cannot show)\n"), stdout);
		break;
	default: /* SHOW_BROKEN */
		print_head(e, when);
		fputs(_("    (an entry whose content does not decode)\n"), stdout);
		break;
	}
	cli_shown_clear(&sh);
}

static const char *
state_name(uint8_t s)
{
	switch (s) {
	case CH_IT_OPEN: return "open";
	case CH_IT_BEFORE_JOIN: return "before-joined";
	case CH_IT_ORG_AUD: return "audience-not-held";
	case CH_IT_ROLE_AUD: return "audience-not-for-role";
	case CH_IT_ERASED: return "erased";
	case CH_IT_HIDDEN: return "hidden";
	default: return "unknown";
	}
}

json_t *
view_json(view_t *v, const ventry_t *e)
{
	char iso[32];
	const char *aud = ch_aud_name(e->audience);
	cli_time_iso(e->time_ms, iso);
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:b, s:i, s:b}",
	    "entry", e->id, "ref", e->ref, "org", e->org, "seq", (json_int_t)e->seq,
	    "time", iso, "audience", aud ? aud : "?", "state", state_name(e->state),
	    "readable", e->shape != SHOW_CLOSED, "versions", (int)e->versions,
	    "edited", e->versions > 1);
	if (!o)
		cli_die(EXIT_ERR, _("out of memory"));
	json_object_set_new(o, "epoch", json_integer(e->epoch));
	char orghex[65];
	sodium_bin2hex(orghex, sizeof(orghex), e->it->env.org, 32);
	json_object_set_new(o, "org_id", json_string(orghex));
	if (e->state == CH_IT_HIDDEN) {
		cli_time_iso(e->hidden_at, iso);
		json_object_set_new(o, "hidden", json_pack("{s:s, s:s}", "by", e->hidden_by,
		    "at", iso));
	}
	if (e->shape == SHOW_CLOSED)
		return o;
	if (e->author.found) {
		json_object_set_new(o, "author", json_string(e->author.cert.name));
		json_object_set_new(o, "role", json_string(e->author.cert.role));
		json_object_set_new(o, "verified", json_boolean(e->author.verified));
	}
	if (!sodium_is_zero(e->reply_to, 32)) {
		char h[65];
		sodium_bin2hex(h, sizeof(h), e->reply_to, 32);
		json_object_set_new(o, "reply_to", json_string(h));
	}
	switch (e->shape) {
	case SHOW_NOTE:
	case SHOW_CARE: {
		render_ctx_t rc = render_ctx(v);
		json_t *f = render_json(&e->f, &rc);
		if (!f)
			cli_die(EXIT_ERR, _("out of memory"));
		json_object_set_new(o, "kind", json_string(ch_kind_name(e->kind)));
		if (e->shape == SHOW_NOTE)
			json_object_set_new(o, "text", json_string(e->f.u.note.text));
		json_object_set_new(o, "content", f);
		if (e->kind == CH_KIND_ALERT || e->kind == CH_KIND_HANDOVER) {
			json_t *acks = json_array();
			uint8_t org[32];
			uint64_t t;
			for (size_t i = 0; i < e->it->nacks; i++) {
				char h[65];
				const char *n;
				ch_readitem_ack(e->it, i, org, &t);
				sodium_bin2hex(h, sizeof(h), org, 32);
				cli_time_iso(t, iso);
				n = org_name_cb(v, org);
				json_array_append_new(acks, json_pack("{s:s, s:s?, s:s}", "id", h,
				    "name", n, "time", iso));
			}
			json_object_set_new(o, "acks", acks);
		}
		uint64_t due = view_checkin_due(e);
		if (due) {
			cli_time_iso(due, iso);
			json_object_set_new(o, "checkin_due", json_string(iso));
		}
		json_object_set_new(o, "refs", json_integer(e->nrefs));
		break;
	}
	case SHOW_EPOCH: {
		const epoch_view_t *ev = &e->epv;
		json_object_set_new(o, "kind", json_string(ch_why_name(ev->ep.why)));
		if (ev->ep.why == CH_WHY_CREATE)
			json_object_set_new(o, "name", json_string(ev->ep.charter.name));
		else if (ev->ep.why != CH_WHY_ROTATE && ev->ep.why != CH_WHY_PEOPLE)
			json_object_set_new(o, "member", json_string(ev->member));
		break;
	}
	case SHOW_HISTORY:
		json_object_set_new(o, "kind", json_string("history-granted"));
		json_object_set_new(o, "member", json_string(e->grantee));
		break;
	case SHOW_REVOKE:
		json_object_set_new(o, "kind", json_string("provider-revoked"));
		json_object_set_new(o, "provider", json_string(e->revoked));
		break;
	case SHOW_FORK: {
		char h[65];
		sodium_bin2hex(h, sizeof(h), e->forked_id, 32);
		json_object_set_new(o, "kind", json_string("fork"));
		json_object_set_new(o, "fork_org", json_string(e->forked));
		json_object_set_new(o, "fork_org_id", json_string(h));
		json_object_set_new(o, "fork_seq", json_integer((json_int_t)e->forked_seq));
		break;
	}
	case SHOW_ERASE: {
		char h[65], ref[CLI_REF_CHARS + 1];
		sodium_bin2hex(h, sizeof(h), e->erase.id, 32);
		cli_ref_fmt(e->erase.id, ref);
		json_object_set_new(o, "kind", json_string("erase"));
		json_object_set_new(o, "target", json_string(h));
		json_object_set_new(o, "target_ref", json_string(ref));
		json_object_set_new(o, "target_seq", json_integer((json_int_t)e->erase.seq));
		json_object_set_new(o, "reason", json_string(erase_reason(e->erase.reason)));
		break;
	}
	case SHOW_ACCESS: {
		const access_view_t *av = &e->acc;
		cli_time_iso(av->time_ms, iso);
		json_object_set_new(o, "kind", json_string("access"));
		json_object_set_new(o, "read_at", json_string(iso));
		json_object_set_new(o, "reader", json_string(av->have_reader ? av->reader.name : "?"));
		json_object_set_new(o, "reader_role",
		    json_string(av->have_reader ? av->reader.role : "?"));
		json_object_set_new(o, "action", json_string(av->action));
		json_object_set_new(o, "purpose", json_string(av->purpose));
		json_object_set_new(o, "outcome", json_string(av->outcome));
		json_object_set_new(o, "entries", json_integer((json_int_t)av->count));
		json_object_set_new(o, "scope", json_string(strcmp(av->scope, "the care network") == 0 ?
		    "network" : strcmp(av->scope, "one entry") == 0 ? "entry" : av->scope + 4));
		if (av->kinds[0]) {
			json_t *ks = json_array();
			uint8_t k;
			char buf[sizeof(av->kinds)], *save = NULL;
			snprintf(buf, sizeof(buf), "%s", av->kinds);
			for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
				if (ch_kind_parse(t, &k) == 0)
					json_array_append_new(ks, json_string(t));
			json_object_set_new(o, "kinds", ks);
		}
		json_object_set_new(o, "for_person", json_boolean(av->for_person));
		break;
	}
	default: /* SHOW_OTHER, SHOW_BROKEN: the envelope and the author only */
		break;
	}
	return o;
}
