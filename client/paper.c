/* paper.c - cahier export CASE --booklet | --yellow-box | --missing-person:
 * the notebook on paper for the person's home, and the two one-page sheets
 * of the yellow box, the emergency sheet and the missing-person sheet
 * (export.h). Each is HTML with print CSS, or PDF (pdf.h).
 *
 * Each is made of a few reads, each with action print (CH_ACT_PRINT), so
 * the daemon records every one of them (access records list exactly the
 * entries each read returned) before it answers; and every entry a read
 * returns is on the page: in full when the reader may open it, else as a
 * line saying it is there and why it is not shown (hidden, for an audience
 * the reader's role is not in, ...). So the records list exactly what the
 * paper holds. The daemon applies the audience rules as to any read.
 *
 * Every text others wrote goes through html.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "author.h"
#include "casearg.h"
#include "cli.h"
#include "export.h"
#include "html.h"
#include "pdf.h"
#include "render.h"
#include "view.h"

/* The booklet's timeline, when --since is not given: the last 30 days. */
#define BOOKLET_DAYS 30

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- options ---- */

enum { LANG_NONE, LANG_NL, LANG_FR };

/* What is printed: the booklet, or one of the yellow box's sheets. */
enum { SHEET_NONE, SHEET_YELLOW, SHEET_MISSING };

typedef struct {
	const char *what;         /* "export --booklet" */
	const char *casearg, *out;
	const char *words;        /* the booklet's --lang (nl, fr, en), or NULL: the locale's */
	int pdf, lang, sheet;
	uint8_t purpose;
	uint64_t since;           /* ms; 0: the default period */
} opts_t;

static void
booklet_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fprintf(f, _("usage: cahier export CASE --booklet [--since DATE] [--lang nl|fr|en]\n"
	    "                     [--out FILE] [--pdf] [--purpose PURPOSE]\n\n"
	    "The notebook as a booklet to print and keep in the person's home, for the\n"
	    "visitors who do not use cahier: the person and their own goals first, the\n"
	    "care network (coordinator, contact point and deputy, trusted person), the\n"
	    "open tasks and appointments, the alerts not yet acknowledged, then the\n"
	    "timeline of the last %d days (--since DATE for more); each entry with its\n"
	    "author, role, organization and time. HTML with print CSS (A4), or PDF.\n"
	    "It holds only what your role may read; a hidden entry is marked as hidden.\n"
	    "Each read it makes is recorded, as a print, with the entries it holds\n"
	    "(cahier audit CASE --action print).\n\n"
	    "  --since DATE   the timeline from DATE on (YYYY-MM-DD, local time)\n"
	    "  --lang nl|fr|en\n"
	    "                 the booklet in Dutch, French or English (default: as\n"
	    "                 your locale says, LANGUAGE or LANG)\n"
	    "  --out FILE     write to FILE (made mode 0600) instead of stdout\n"
	    "  --pdf          PDF, rendered by headless chromium with no network; needs\n"
	    "                 --out (a PDF is never written to a terminal)\n"
	    "  --purpose P    the purpose of the reads (default: by your role)\n"), BOOKLET_DAYS);
	exit(code);
}

static void
yellow_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fputs(_("usage: cahier export CASE --yellow-box --lang nl|fr [--out FILE] [--pdf]\n"
	    "                     [--purpose PURPOSE]\n\n"
	    "The one-page emergency sheet of the yellow box (gele doos, bo\xc3\xaete jaune):\n"
	    "identity, main conditions, medication, allergies, who to call (contact\n"
	    "point, deputy, trusted person, GP), where the notebook is, and the date it\n"
	    "was printed; in the person's language (--lang nl or fr), with the other's\n"
	    "headings beside. Exactly one A4 page, in large type.\n\n"
	    "Conditions, medication and allergies come from the newest note you may\n"
	    "read that holds the words 'Gele doos', 'Bo\xc3\xaete jaune' or 'Yellow box' (any\n"
	    "case of ASCII letters), in the lines after them that start with a label;\n"
	    "a label's text runs on to the next label or an empty line:\n"
	    "    Gele doos\n"
	    "    Aandoeningen: diabetes type 2, hartfalen\n"
	    "    Medicatie: metformine 850 mg 2x/dag\n"
	    "    Allergie\xc3\xabn: penicilline\n"
	    "    Telefoon: An Peeters (dochter) 0470 12 34 56\n"
	    "Nothing else is guessed: what the notebook does not hold, or you may not\n"
	    "read, is printed as not stated. The contacts come from the care network\n"
	    "and the newest handover. Each read is recorded, as a print (cahier audit\n"
	    "CASE --action print).\n\n"
	    "  --lang nl|fr   the person's language (required)\n"
	    "  --out FILE     write to FILE (made mode 0600) instead of stdout\n"
	    "  --pdf          PDF, rendered by headless chromium with no network; needs\n"
	    "                 --out (a PDF is never written to a terminal)\n"
	    "  --purpose P    the purpose of the reads (default: by your role)\n\n"
	    "Labels, each followed by a colon:\n"
	    "  date of birth  Date of birth, Born, Geboortedatum, Geboren,\n"
	    "                 Date de naissance, N\xc3\xa9 le, N\xc3\xa9" "e le\n"
	    "  conditions     Conditions, Aandoeningen, Affections, Pathologies\n"
	    "  medication     Medication, Medicatie, M\xc3\xa9" "dicaments, M\xc3\xa9" "dication, Traitement\n"
	    "  allergies      Allergies, Allergie\xc3\xabn, Allergie\n"
	    "  blood group    Blood group, Bloedgroep, Groupe sanguin\n"
	    "  directives     Advance directives, Wilsverklaring(en),\n"
	    "                 Directives anticip\xc3\xa9" "es, D\xc3\xa9" "clarations anticip\xc3\xa9" "es\n"
	    "  phone          Phone, Telephone, Telefoon, Tel, T\xc3\xa9l\xc3\xa9phone, T\xc3\xa9l\n"
	    "  booklet        Booklet, Boekje, Carnet: where the paper booklet is kept\n"
	    "The labels of the missing-person sheet (description, habits, places, photo:\n"
	    "cahier export --missing-person --help) are left out of this sheet.\n"), f);
	exit(code);
}

static void
missing_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fputs(_("usage: cahier export CASE --missing-person --lang nl|fr [--out FILE] [--pdf]\n"
	    "                     [--purpose PURPOSE]\n\n"
	    "The missing-person sheet of the yellow box (gele doos, bo\xc3\xaete jaune), for\n"
	    "the police and the search when the person has wandered off: name, date of\n"
	    "birth, physical description, habits, places the person may go, where a\n"
	    "recent photo is, who to call (contact point, deputy, trusted person, GP),\n"
	    "where the notebook is, and the date it was printed; in the person's\n"
	    "language (--lang nl or fr), with the other's headings beside. Exactly one\n"
	    "A4 page, in large type.\n\n"
	    "It comes from the note the yellow-box sheet comes from (cahier export\n"
	    "--yellow-box --help): the newest note you may read that holds the words\n"
	    "'Gele doos', 'Bo\xc3\xaete jaune' or 'Yellow box', in the lines after them that\n"
	    "start with a label; a label's text runs on to the next label or an empty\n"
	    "line:\n"
	    "    Gele doos\n"
	    "    Geboren: 14/05/1946\n"
	    "    Beschrijving: 1,60 m, slank, kort grijs haar, bril, blauwe jas\n"
	    "    Gewoonten: wandelt elke ochtend naar de bakker\n"
	    "    Plaatsen: de kerk van Kuregem, haar vroegere woning in Anderlecht\n"
	    "Nothing else is guessed: what the notebook does not hold, or you may not\n"
	    "read, is printed as not stated. The contacts come from the care network\n"
	    "and the newest handover. Each read is recorded, as a print (cahier audit\n"
	    "CASE --action print).\n\n"
	    "  --lang nl|fr   the person's language (required)\n"
	    "  --out FILE     write to FILE (made mode 0600) instead of stdout\n"
	    "  --pdf          PDF, rendered by headless chromium with no network; needs\n"
	    "                 --out (a PDF is never written to a terminal)\n"
	    "  --purpose P    the purpose of the reads (default: by your role)\n\n"
	    "Labels, each followed by a colon (date of birth, phone and booklet as for\n"
	    "the yellow box):\n"
	    "  description    Physical description, Description physique, Description,\n"
	    "                 Signalement, Persoonsbeschrijving, Beschrijving, Uiterlijk\n"
	    "  habits         Habits, Gewoonten, Gewoontes, Habitudes\n"
	    "  places         Places, Plaatsen, Lieux\n"
	    "  photo          Photo, Foto: where a recent photo is\n"), f);
	exit(code);
}

/* Each export's option, its name in messages, its usage. */
static const struct {
	const char *opt, *what;
	void (*usage)(int);
} sheets[] = {
	[SHEET_NONE] = { "--booklet", "export --booklet", booklet_usage },
	[SHEET_YELLOW] = { "--yellow-box", "export --yellow-box", yellow_usage },
	[SHEET_MISSING] = { "--missing-person", "export --missing-person", missing_usage },
};

static uint64_t
now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static void
parse_opts(opts_t *o, int argc, char **argv, int sheet)
{
	memset(o, 0, sizeof(*o));
	o->sheet = sheet;
	o->what = sheets[sheet].what;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			sheets[sheet].usage(0);
		else if (strcmp(a, sheets[sheet].opt) == 0)
			;
		else if (strcmp(a, "--out") == 0 && more)
			o->out = argv[++i];
		else if (strcmp(a, "--pdf") == 0)
			o->pdf = 1;
		else if (strcmp(a, "--purpose") == 0 && more) {
			if (ch_purpose_parse(argv[++i], &o->purpose) != 0)
				cli_die(EXIT_ERR, _("unknown purpose '%s' (treatment, emergency, "
				    "coordination, own-request)"), argv[i]);
		} else if (!sheet && strcmp(a, "--since") == 0 && more)
			o->since = cli_date(argv[++i]);
		else if (!sheet && strcmp(a, "--lang") == 0 && more) {
			o->words = argv[++i];
			if (strcmp(o->words, "nl") && strcmp(o->words, "fr") && strcmp(o->words, "en"))
				cli_die(EXIT_ERR, _("--lang takes nl, fr or en, not '%s'"), o->words);
		} else if (sheet && strcmp(a, "--lang") == 0 && more) {
			const char *l = argv[++i];
			if (strcmp(l, "nl") == 0)
				o->lang = LANG_NL;
			else if (strcmp(l, "fr") == 0)
				o->lang = LANG_FR;
			else
				cli_die(EXIT_ERR, _("--lang takes nl or fr (the person's language), not '%s'"), l);
		} else if (a[0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier %s --help)"), a, o->what);
		else if (!o->casearg)
			o->casearg = a;
		else
			sheets[sheet].usage(EXIT_ERR);
	}
	if (!o->casearg)
		sheets[sheet].usage(EXIT_ERR);
	if (sheet && o->lang == LANG_NONE)
		cli_die(EXIT_ERR, _("%s needs --lang nl or --lang fr: the person's language"), o->what);
	if (o->pdf && !o->out)
		cli_die(EXIT_ERR, _("%s --pdf needs --out FILE (a PDF is not written to a terminal)"),
		    o->what);
	if (!sheet && o->since > now_ms())
		cli_die(EXIT_ERR, _("--since is in the future"));
	if (o->words)
		cli_i18n_lang(o->words);
}

/* The output, opened before anything is read: a file that cannot be
 * written leaves no record of a print. */
static int
open_out(const opts_t *o)
{
	int fd = 1;
	if (o->out && strcmp(o->out, "-") != 0) {
		fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd < 0)
			cli_die(EXIT_ERR, _("%s: cannot write '%s': %s"), o->what, o->out, strerror(errno));
		/* it holds medical secrets: an existing file is made private too */
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) &&
		    fchmod(fd, 0600) != 0)
			cli_die(EXIT_ERR, _("%s: cannot make '%s' private (mode 0600): %s"), o->what,
			    o->out, strerror(errno));
	}
	if (o->pdf && isatty(fd))
		cli_die(EXIT_ERR, _("%s --pdf: will not write a PDF to a terminal: give --out FILE"),
		    o->what);
	return fd;
}

/* ---- the export's state ---- */

typedef struct {
	uint8_t org[32];
	char name[KEYS_NAME_MAX + 1];
} pname_t;

typedef struct {
	cli_t *c;
	const opts_t *o;
	uint8_t id[16];
	view_t *v;
	html_t h;
	size_t held;              /* entries the export holds: what the reads returned */
	size_t records;           /* reads the daemon recorded */
	int person;               /* the reader has a people's role */
	char reader[KEYS_NAME_MAX + 1], role[KEYS_ROLE_MAX + 1], usname[KEYS_NAME_MAX + 1];
	char casename[CH_CASE_NAME_MAX + 1];
	char printed[32];         /* local time of the print */
	/* The care network: the newest charter, for the professionals. */
	int have_charter;
	cli_reply_t crep;
	ch_readrep_t crr;
	ch_epoch_t ep;
	/* Organizations' names, from every reply (CH_READREP_ORGS_MAX). */
	pname_t *names;
	size_t nnames;
} paper_t;

static void
names_put(paper_t *p, const uint8_t org[32], const char *name, size_t n)
{
	for (size_t i = 0; i < p->nnames; i++)
		if (memcmp(p->names[i].org, org, 32) == 0)
			return;
	if (p->nnames == CH_READREP_ORGS_MAX)
		return;
	pname_t *e = &p->names[p->nnames++];
	memcpy(e->org, org, 32);
	if (n > KEYS_NAME_MAX)
		n = KEYS_NAME_MAX;
	memcpy(e->name, name, n);
	e->name[n] = '\0';
}

static const char *
org_name(void *arg, const uint8_t org[32])
{
	const paper_t *p = arg;
	for (size_t i = 0; i < p->nnames; i++)
		if (memcmp(p->names[i].org, org, 32) == 0)
			return p->names[i].name;
	return NULL;
}

static render_ctx_t
rctx(paper_t *p)
{
	render_ctx_t r = { org_name, NULL, NULL, p };
	return r;
}

static void
learn(paper_t *p, const ch_readrep_t *rr)
{
	for (size_t i = 0; i < rr->norgs; i++)
		names_put(p, rr->orgs[i].org, (const char *)rr->orgs[i].name.p, rr->orgs[i].name.n);
	view_learn(p->v, rr);
}

/* One page of a read: its reply, for the section that asked. */
typedef void (*page_fn)(paper_t *p, const ch_readrep_t *rr, void *arg);

/* Sends rq (action print) and hands each page to fn; with paged, page
 * after page (oldest first), each its own read and its own record. */
static void
paper_read(paper_t *p, ch_readreq_t *rq, int paged, page_fn fn, void *arg)
{
	if (paged) {
		rq->flags |= CH_RQ_AFTER;
		rq->last = CH_PAGE_MAX;
	}
	for (;;) {
		cli_reply_t rep;
		ch_readrep_t rr;
		cli_read(p->c, rq, &rep, &rr);
		if (!sodium_is_zero(rr.access_id, 32))
			p->records++;
		p->held += rr.n;
		learn(p, &rr);
		fn(p, &rr, arg);
		int again = paged && rr.more && rr.n;
		if (again) {
			const ch_env_t *last = &rr.items[rr.n - 1].env;
			rq->cursor.time = last->time_ms;
			memcpy(rq->cursor.org, last->org, 32);
			rq->cursor.seq = last->seq;
		}
		ch_readrep_clear(&rr);
		cli_reply_free(&rep);
		if (!again)
			break;
	}
}

static void
readreq(paper_t *p, ch_readreq_t *rq)
{
	cli_readreq_init(rq, p->id, CH_ACT_PRINT, p->o->purpose);
}

/* The newest charter: one entry, read (and recorded) for the
 * professionals; the people around the person do not read it (it lists
 * the people, their bases and dates): their booklet names the
 * organizations the daemon's replies name (network_html). */
static void
read_charter(paper_t *p)
{
	ch_readreq_t rq;
	ch_plain_t pl;
	if (p->person)
		return;
	readreq(p, &rq);
	rq.kinds = (uint64_t)1 << CH_KIND_CASE_CREATE | (uint64_t)1 << CH_KIND_EPOCH;
	rq.last = 1;
	cli_read(p->c, &rq, &p->crep, &p->crr);
	if (!sodium_is_zero(p->crr.access_id, 32))
		p->records++;
	p->held += p->crr.n;
	learn(p, &p->crr);
	const ch_readitem_t *best = NULL;
	for (size_t i = 0; i < p->crr.n; i++) {
		const ch_readitem_t *it = &p->crr.items[i];
		if (it->state == CH_IT_OPEN && it->plain.n &&
		    ch_plain_decode(it->plain.p, it->plain.n, &pl) == 0 &&
		    (pl.kind == CH_KIND_CASE_CREATE || pl.kind == CH_KIND_EPOCH) &&
		    (!best || it->env.epoch > best->env.epoch))
			best = it;
	}
	if (best && ch_plain_decode(best->plain.p, best->plain.n, &pl) == 0 &&
	    ch_epoch_decode(pl.fields, pl.fieldslen, &p->ep) == 0) {
		p->have_charter = 1;
		const ch_charter_t *ch = &p->ep.charter;
		for (size_t i = 0; i < ch->norgs; i++) {
			keys_card_t kc;
			if (keys_card_parse(ch->orgs[i].card, ch->orgs[i].cardlen, &kc) == 0) {
				names_put(p, ch->orgs[i].org, kc.name, strlen(kc.name));
				keys_card_clear(&kc);
			}
		}
	}
}

static void
paper_open(paper_t *p, cli_t *c, const opts_t *o)
{
	keys_cert_t kc;
	keys_card_t card;
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->o = o;
	if (!(p->names = calloc(CH_READREP_ORGS_MAX, sizeof(*p->names))))
		cli_die(EXIT_ERR, _("out of memory"));
	cli_open(c);
	cli_case_arg(c, o->casearg, p->id);
	cli_case_notice(c, p->id);
	if (keys_cert_parse(c->cert, c->certlen, &kc) != 0)
		cli_die(EXIT_ERR, _("your certificate does not parse"));
	snprintf(p->reader, sizeof(p->reader), "%s", kc.name);
	snprintf(p->role, sizeof(p->role), "%s", kc.role);
	p->person = ch_role_is_person(kc.role);
	keys_cert_clear(&kc);
	if (keys_card_parse(c->card, c->cardlen, &card) == 0) {
		snprintf(p->usname, sizeof(p->usname), "%s", card.name);
		names_put(p, card.org_id, card.name, strlen(card.name));
		keys_card_clear(&card);
	}
	cli_case_name(c, p->id, p->casename, sizeof(p->casename));
	cli_time(now_ms(), p->printed);
	p->v = view_new(c, 0);
	view_set_case(p->v, o->casearg, 0);
}

static void
paper_close(paper_t *p)
{
	view_free(&p->v);
	html_clear(&p->h);
	if (p->have_charter)
		ch_epoch_clear(&p->ep);
	if (p->crep.p) {
		ch_readrep_clear(&p->crr);
		cli_reply_free(&p->crep);
	}
	sodium_memzero(p->names, CH_READREP_ORGS_MAX * sizeof(*p->names));
	free(p->names);
	sodium_memzero(p, sizeof(*p));
}

/* The person's name: the patient the network lists, else the case's name. */
static const char *
person_name(const paper_t *p)
{
	if (p->have_charter)
		for (size_t i = 0; i < p->ep.charter.npeople; i++)
			if (strcmp(p->ep.charter.people[i].role, "patient") == 0)
				return p->ep.charter.people[i].name;
	return p->casename;
}

/* Writes the page to fd: the HTML as it is, or the PDF. */
static void
paper_write(paper_t *p, int fd, const char *renderer)
{
	size_t n;
	char *page = html_take(&p->h, &n);
	if (!page)
		cli_die(EXIT_ERR, _("out of memory"));
	if (renderer)
		pdf_render(renderer, p->o->what, page, n, fd);
	else
		for (size_t off = 0; off < n;) {
			ssize_t k = write(fd, page + off, n - off);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				html_free_buf(&page, n);
				cli_die(EXIT_ERR, _("%s: cannot write the page: %s"), p->o->what,
				    strerror(errno));
			}
			off += (size_t)k;
		}
	html_free_buf(&page, n);
	if (fd != 1 && close(fd) != 0)
		cli_die(EXIT_ERR, _("%s: cannot write '%s': %s"), p->o->what, p->o->out, strerror(errno));
}

/* ---- words ---- */

/* A role as words, in the booklet's language: "home-nurse" -> "home nurse". */
static void
role_words(const char *role, char *out, size_t n)
{
	render_role_words(role, out, n);
}

/* Appends fmt, words of the program in the booklet's language, with each
 * %s (or %N$s) replaced by the next (or the Nth) of args: 'b' in kinds
 * says text others wrote, escaped and isolated in <bdi>; 't' text of the
 * program (a date), escaped; 'r' markup the program made. */
static void
words_html(html_t *h, const char *fmt, const char *kinds, const char *const *args)
{
	size_t n = strlen(kinds), next = 0;
	const char *q = fmt;
	while (*q) {
		const char *pc = strchr(q, '%');
		char lit[512];
		size_t len = pc ? (size_t)(pc - q) : strlen(q);
		while (len) {
			size_t k = len < sizeof(lit) - 1 ? len : sizeof(lit) - 1;
			memcpy(lit, q, k);
			lit[k] = '\0';
			html_text(h, lit, 1);
			q += k;
			len -= k;
		}
		if (!pc)
			break;
		size_t at = next;
		const char *t = pc + 1;
		if (*t == '%') {
			html_raw(h, "%");
			q = t + 1;
			continue;
		}
		if (*t >= '1' && *t <= '9' && t[1] == '$') {
			at = (size_t)(*t - '1');
			t += 2;
		} else
			next++;
		if (*t != 's') {          /* nothing else is used: shown as it is */
			html_raw(h, "%");
			q = pc + 1;
			continue;
		}
		q = t + 1;
		if (at >= n)
			continue;
		if (kinds[at] == 'r')
			html_raw(h, args[at]);
		else {
			if (kinds[at] == 'b')
				html_raw(h, "<bdi>");
			html_text(h, args[at], 1);
			if (kinds[at] == 'b')
				html_raw(h, "</bdi>");
		}
	}
}

/* words_html with one argument: the markup frag holds (taken and freed
 * here, wiped), as kind 'r'. */
static void
words_frag(html_t *h, const char *fmt, html_t *frag)
{
	size_t n;
	char *m = html_take(frag, &n);
	if (!m)
		cli_die(EXIT_ERR, _("out of memory"));
	const char *args[] = { m };
	words_html(h, fmt, "r", args);
	html_free_buf(&m, n);
}

static const char *
json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* What an entry a provider's organization wrote on its own, or a
 * membership change, says (the kind view_json gives it). */
static const char *
event_words(const char *kind)
{
	static const struct { const char *kind, *words; } w[] = {
		{ "case-opened", N_("opened the case") },
		{ "org-added", N_("added an organization to the case:") },
		{ "org-removed", N_("removed an organization from the case:") },
		{ "keys-rotated", N_("renewed the keys of the case") },
		{ "coordination-handed-over", N_("handed coordination of the case to") },
		{ "people-changed", N_("updated the people around the person") },
		{ "history-granted", N_("granted the history of the case to") },
		{ "provider-revoked", N_("revoked the key of one of its providers") },
		{ "fork", N_("reported two different entries at one place of a feed (a fork) of") },
		{ "erase", N_("erased the content of one of its entries, at the person's request or "
		    "as posted in error; its trace stays") },
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(kind, w[i].kind) == 0)
			return _(w[i].words);
	return _("wrote an entry of a kind this version cannot show");
}

/* Why an entry is not shown, for a reader of role: a sentence. */
static void
closed_words(paper_t *p, const ch_readitem_t *it, char *out, size_t n)
{
	const char *aud = render_aud_word(it->env.audience);
	char role[KEYS_ROLE_MAX * 2 + 1];
	role_words(p->role, role, sizeof(role));
	switch (it->state) {
	case CH_IT_ERASED:
		snprintf(out, n, "%s", _("An entry whose content was erased."));
		break;
	case CH_IT_ROLE_AUD:
		snprintf(out, n, _("An entry for the %s audience, which the role of the person who "
		    "printed this (%s) is not in: not shown."), aud, role);
		break;
	case CH_IT_ORG_AUD:
		snprintf(out, n, _("An entry for the %s audience, which the organization that "
		    "printed this is not in: not shown."), aud);
		break;
	default:
		snprintf(out, n, "%s", _("An entry written before the organization that printed "
		    "this joined the case: not shown."));
	}
}

/* Who acknowledged an alert or a handover, and who not yet. */
static void
acks_html(paper_t *p, const ch_readitem_t *it, const ch_fields_t *f)
{
	const ch_orgs_t *o = NULL;
	ch_orgs_t ho;
	uint8_t to[2][32];
	if (f->kind == CH_KIND_ALERT)
		o = &f->u.alert.addressed;
	else if (f->kind == CH_KIND_HANDOVER) {
		memcpy(to[0], f->u.handover.contact, 32);
		ho.n = 1;
		if (!sodium_is_zero(f->u.handover.deputy, 32)) {
			memcpy(to[1], f->u.handover.deputy, 32);
			ho.n = 2;
		}
		ho.id = to;
		o = &ho;
	}
	if (!o)
		return;
	int waiting = 0, acked = 0;
	for (size_t i = 0; i < it->nacks; i++) {
		uint8_t org[32];
		uint64_t t;
		char when[32];
		const char *nm;
		ch_readitem_ack(it, i, org, &t);
		cli_time(t, when);
		nm = org_name(p, org);
		const char *args[] = { nm ? nm : render_unknown_org(), when };
		html_raw(&p->h, acked++ ? ", " : "<p class=\"acks\">");
		/* TRANSLATORS: the first of the organizations that acknowledged
		 * an alert, with the time; the others follow as "%s on %s" */
		words_html(&p->h, acked == 1 ? _("Acknowledged by %s on %s") : _("%s on %s"), "bt",
		    args);
	}
	if (acked)
		html_raw(&p->h, ".</p>\n");
	for (size_t i = 0; i < o->n; i++) {
		int done = 0;
		for (size_t k = 0; k < it->nacks && !done; k++) {
			uint8_t org[32];
			uint64_t t;
			ch_readitem_ack(it, k, org, &t);
			done = memcmp(org, o->id[i], 32) == 0;
		}
		if (done)
			continue;
		const char *nm = org_name(p, o->id[i]);
		if (!waiting++) {
			html_raw(&p->h, "<p class=\"waiting\">");
			html_text(&p->h, _("Not yet acknowledged by"), 1);
			html_raw(&p->h, " ");
		} else
			html_raw(&p->h, ", ");
		html_raw(&p->h, "<bdi>");
		html_text(&p->h, nm ? nm : render_unknown_org(), 1);
		html_raw(&p->h, "</bdi>");
	}
	if (waiting)
		html_raw(&p->h, ".</p>\n");
}

/* A care entry of another kind than the note: its main text first, as a
 * note's, then its other fields as render_lines() words them, but for
 * those it leaves empty. */
static void
care_html(paper_t *p, const ch_fields_t *f)
{
	html_t *h = &p->h;
	const char *text = render_main_text(f);
	if (text && *text) {
		html_raw(h, "<div class=\"text\" dir=\"auto\">");
		html_text(h, text, 0);
		html_raw(h, "</div>\n");
	}
	render_ctx_t rc = rctx(p);
	char *lines = render_lines_opt(f, &rc, "", RENDER_SKIP_EMPTY | RENDER_SKIP_MAIN);
	if (!lines)
		cli_die(EXIT_ERR, _("out of memory"));
	size_t n = strlen(lines);
	if (n && lines[n - 1] == '\n')
		lines[n - 1] = '\0';
	if (lines[0]) {
		/* render_lines escaped what others wrote; html_text escapes
		 * again only what HTML would read as markup */
		html_raw(h, "<div class=\"fields\" dir=\"auto\">");
		html_text(h, lines, 0);
		html_raw(h, "</div>\n");
	}
	render_free(&lines);
}

/* One entry of a reply, with its author, role, organization and time. */
static void
entry_html(paper_t *p, const ch_readitem_t *it, const ventry_t *e)
{
	html_t *h = &p->h;
	char when[32], role[KEYS_ROLE_MAX * 2 + 1];
	json_t *j = view_json(p->v, e);
	const char *state = json_str(j, "state");
	int hidden = strcmp(state, "hidden") == 0;
	int readable = json_is_true(json_object_get(j, "readable"));
	const char *aud = render_aud_word(it->env.audience);
	cli_time(it->env.time_ms, when);

	html_rawf(h, "<div class=\"entry%s\">\n<p class=\"head\"><span class=\"when\">", hidden ?
	    " hidden" : readable ? "" : " closed");
	html_text(h, when, 1);
	html_raw(h, "</span>");
	if (readable && json_object_get(j, "author")) {
		role_words(json_str(j, "role"), role, sizeof(role));
		html_raw(h, " · <b><bdi>");
		html_text(h, json_str(j, "author"), 1);
		html_raw(h, "</bdi></b> (");
		html_text(h, role, 1);
		html_raw(h, ")");
	}
	html_raw(h, " · <bdi>");
	html_text(h, json_str(j, "org"), 1);
	html_raw(h, "</bdi>");
	const ch_fields_t *f = view_fields(e);
	if (f) {
		html_raw(h, " · <span class=\"kind\">");
		html_text(h, render_kind_word(f->kind), 1);
		html_raw(h, "</span>");
	}
	html_raw(h, " · <span class=\"aud\">");
	/* TRANSLATORS: the audience of an entry in the booklet: "for care" */
	words_html(h, _("for %s"), "t", &aud);
	html_raw(h, "</span>");
	if (json_is_true(json_object_get(j, "edited"))) {
		html_raw(h, " · ");
		html_text(h, _("edited"), 1);
	}
	if (readable && json_object_get(j, "verified") && !json_is_true(json_object_get(j, "verified"))) {
		html_raw(h, " · <b>");
		html_text(h, _("SIGNATURE DOES NOT VERIFY"), 1);
		html_raw(h, "</b>");
	}
	html_raw(h, "</p>\n");

	if (hidden) {
		json_t *hj = json_object_get(j, "hidden");
		char at[32] = "?";
		if (it->hidden_at)
			cli_time(it->hidden_at, at);
		const char *args[] = { hj ? json_str(hj, "by") : "?", at };
		html_raw(h, "<p class=\"gone\">");
		words_html(h, _("Hidden by %s on %s, at the person's request or as posted in error: "
		    "what it said is not shown."), "bt", args);
		html_raw(h, "</p>\n");
	} else if (!readable) {
		char why[512];
		closed_words(p, it, why, sizeof(why));
		html_raw(h, "<p class=\"gone\">");
		html_text(h, why, 1);
		html_raw(h, "</p>\n");
	} else if (f && f->kind == CH_KIND_NOTE) {
		if (json_object_get(j, "reply_to"))
		{
			html_raw(h, "<p class=\"meta\">");
			html_text(h, _("(a reply)"), 1);
			html_raw(h, "</p>\n");
		}
		html_raw(h, "<div class=\"text\" dir=\"auto\">");
		html_text(h, f->u.note.text, 0);
		html_raw(h, "</div>\n");
	} else if (f) {
		care_html(p, f);
		acks_html(p, it, f);
	} else {
		const char *kind = json_str(j, "kind");
		html_raw(h, "<p>");
		html_text(h, event_words(kind), 1);
		const char *who = json_object_get(j, "member") ? json_str(j, "member") :
		    json_object_get(j, "fork_org") ? json_str(j, "fork_org") : NULL;
		if (strcmp(kind, "case-opened") == 0 && json_object_get(j, "name")) {
			html_raw(h, " “<bdi>");
			html_text(h, json_str(j, "name"), 1);
			html_raw(h, "</bdi>”");
		} else if (who) {
			html_raw(h, " <bdi>");
			html_text(h, who, 1);
			html_raw(h, "</bdi>");
		}
		html_raw(h, ".</p>\n");
	}
	html_raw(h, "</div>\n");
	json_decref(j);
}

/* A run of entries the reader cannot open for one reason and audience
 * (a member that joined late sees many) is one line after the first. */
static size_t
closed_run(const ch_readrep_t *rr, size_t i)
{
	const ch_readitem_t *a = &rr->items[i];
	size_t j = i + 1;
	if (a->state == CH_IT_OPEN || a->state == CH_IT_HIDDEN)
		return 1;
	while (j < rr->n && rr->items[j].state == a->state &&
	    rr->items[j].env.audience == a->env.audience)
		j++;
	return j - i;
}

/* Every item of a page, in order: a run of closed ones as its first and a
 * line for the others. */
static void
page_entries(paper_t *p, const ch_readrep_t *rr, void *arg)
{
	size_t *count = arg;
	for (size_t i = 0; i < rr->n;) {
		size_t run = closed_run(rr, i);
		ventry_t *e = view_describe(p->v, &rr->items[i]);
		entry_html(p, &rr->items[i], e);
		view_entry_free(&e);
		if (run > 1) {
			char last[32];
			cli_time(rr->items[i + run - 1].env.time_ms, last);
			char more[64];
			snprintf(more, sizeof(more), "%zu", run - 1);
			const char *args[] = { more, last };
			html_raw(&p->h, "<p class=\"more\">");
			words_html(&p->h, ngettext("(and %s more entry like it, the last on %s)",
			    "(and %s more entries like it, the last on %s)", (unsigned long)(run - 1)),
			    "tt", args);
			html_raw(&p->h, "</p>\n");
		}
		*count += run;
		i += run;
	}
}

/* ---- the booklet ---- */

static const char booklet_css[] =
    "h1 { font-size: 20pt; margin: 0 0 .2em; }\n"
    "h2 { font-size: 14pt; margin: 1.2em 0 .4em; border-bottom: 2px solid #000; "
    "break-after: avoid; page-break-after: avoid; }\n"
    "h3 { font-size: 12pt; margin: .8em 0 .3em; break-after: avoid; }\n"
    "p.meta, p.more, p.note { color: #333; margin: .2em 0; }\n"
    ".entry { border-left: 3px solid #000; padding: .2em .6em; margin: .5em 0; "
    "break-inside: avoid; page-break-inside: avoid; }\n"
    ".entry.hidden, .entry.closed { border-left-style: dashed; color: #333; }\n"
    ".entry p { margin: .15em 0; }\n"
    "p.head { font-size: 10pt; }\n"
    ".text, .fields { white-space: pre-wrap; overflow-wrap: anywhere; }\n"
    ".fields { font-size: 10pt; color: #222; }\n"
    "p.gone { font-style: italic; }\n"
    "p.waiting { font-weight: bold; }\n"
    "table { border-collapse: collapse; width: 100%; }\n"
    "th, td { text-align: left; vertical-align: top; padding: .25em .5em; "
    "border-bottom: 1px solid #999; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "tr.key td { font-weight: bold; }\n"
    "footer { margin-top: 1.5em; font-size: 9pt; color: #333; }\n";

static void
page_begin(paper_t *p, const char *title, const char *lang, const char *css, int header)
{
	html_t *h = &p->h;
	html_rawf(h, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\">\n<title>", lang);
	html_text(h, title, 1);
	html_raw(h, "</title>\n<style>\n");
	html_raw(h, html_base_css());
	html_raw(h, css);
	if (header) {
		/* The running header: the person's name and the print date on
		 * every page, the page number below. */
		html_raw(h, "@page { size: A4; margin: 18mm 15mm 16mm 15mm;\n"
		    "  @top-left { content: \"");
		html_css_string(h, person_name(p));
		char printed[128];
		snprintf(printed, sizeof(printed), _("printed %s"), p->printed);
		html_raw(h, "\"; font: 9pt \"DejaVu Sans\", sans-serif; }\n"
		    "  @top-right { content: \"");
		html_css_string(h, printed);
		html_raw(h, "\"; font: 9pt \"DejaVu Sans\", sans-serif; }\n"
		    "  @bottom-right { content: \"");
		/* "page %s of %s": the page number, then the number of pages */
		const char *pg = _("page %s of %s"), *a1 = strstr(pg, "%s");
		const char *a2 = a1 ? strstr(a1 + 2, "%s") : NULL;
		if (a1 && a2) {
			char part[128];
			snprintf(part, sizeof(part), "%.*s", (int)(a1 - pg), pg);
			html_css_string(h, part);
			html_raw(h, "\" counter(page) \"");
			snprintf(part, sizeof(part), "%.*s", (int)(a2 - a1 - 2), a1 + 2);
			html_css_string(h, part);
			html_raw(h, "\" counter(pages) \"");
			html_css_string(h, a2 + 2);
		} else
			html_raw(h, "\" counter(page) \"");
		html_raw(h, "\"; font: 9pt \"DejaVu Sans\", sans-serif; } }\n");
	}
	html_raw(h, "</style>\n</head>\n<body>\n");
}

/* The people around the person, the contact point and deputy and the
 * trusted person first. */
static const char *const people_order[] = {
	"contact-point", "deputy-contact-point", "trusted-person", "representative",
	"patient", "informal-carer",
};

static void
network_html(paper_t *p)
{
	html_t *h = &p->h;
	html_raw(h, "<section>\n<h2>");
	html_text(h, _("The care network"), 1);
	html_raw(h, "</h2>\n");
	if (!p->have_charter) {
		/* The organizations the daemon named in its replies: the
		 * members, and those removed. */
		html_t list = { 0 };
		for (size_t i = 0; i < p->nnames; i++) {
			html_raw(&list, i ? ", <bdi>" : "<bdi>");
			html_text(&list, p->names[i].name, 1);
			html_raw(&list, "</bdi>");
		}
		html_raw(h, "<p>");
		words_frag(h, p->nnames ? _("Organizations named in the notebook: %s.") :
		    _("Organizations named in the notebook: none known."), &list);
		html_raw(h, "</p>\n<p class=\"note\">");
		html_text(h, _("The list of the people around the person (contact point, deputy, "
		    "trusted person) is read by the professionals of the network: ask one of them "
		    "for the booklet with it."), 1);
		html_raw(h, "</p>\n</section>\n");
		return;
	}
	const ch_charter_t *ch = &p->ep.charter;
	const char *coord = org_name(p, ch->coordinator);
	char words[192];
	html_t b = { 0 };
	html_raw(&b, "<b><bdi>");
	html_text(&b, coord ? coord : render_unknown_org(), 1);
	html_raw(&b, "</bdi></b>");
	html_raw(h, "<p>");
	words_frag(h, _("Coordinated by %s."), &b);
	html_raw(h, "</p>\n<h3>");
	html_text(h, _("The people around the person"), 1);
	html_raw(h, "</h3>\n");
	if (!ch->npeople) {
		html_raw(h, "<p>");
		html_text(h, _("None recorded."), 1);
		html_raw(h, "</p>\n");
	} else {
		html_raw(h, "<table>\n<thead><tr><th>");
		html_text(h, _("Role"), 1);
		html_raw(h, "</th><th>");
		html_text(h, _("Name"), 1);
		html_raw(h, "</th><th>");
		html_text(h, _("On what basis"), 1);
		html_raw(h, "</th><th>");
		html_text(h, _("Until"), 1);
		html_raw(h, "</th></tr></thead>\n<tbody>\n");
	}
	for (size_t k = 0; k <= sizeof(people_order) / sizeof(people_order[0]); k++)
		for (size_t i = 0; i < ch->npeople; i++) {
			const ch_person_t *ps = &ch->people[i];
			size_t at = 0;
			while (at < sizeof(people_order) / sizeof(people_order[0]) &&
			    strcmp(people_order[at], ps->role) != 0)
				at++;
			if (at != k)
				continue;
			char until[32] = "";
			if (ps->valid_until)
				cli_time(ps->valid_until * 1000, until);
			role_words(ps->role, words, sizeof(words));
			html_raw(h, k < 3 ? "<tr class=\"key\"><td>" : "<tr><td>");
			html_text(h, words, 1);
			html_raw(h, "</td><td><bdi>");
			html_text(h, ps->name, 1);
			html_raw(h, "</bdi></td><td>");
			html_text(h, render_word("basis", ps->basis), 1);
			html_raw(h, "</td><td>");
			html_text(h, until[0] ? until : _("no end"), 1);
			html_raw(h, "</td></tr>\n");
		}
	if (ch->npeople)
		html_raw(h, "</tbody>\n</table>\n");
	html_raw(h, "<h3>");
	html_text(h, _("Organizations"), 1);
	html_raw(h, "</h3>\n<table>\n<thead><tr><th>");
	html_text(h, _("Organization"), 1);
	html_raw(h, "</th><th>");
	html_text(h, _("Role in the case"), 1);
	html_raw(h, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < ch->norgs; i++) {
		const char *nm = org_name(p, ch->orgs[i].org);
		role_words(ch->orgs[i].role, words, sizeof(words));
		html_raw(h, "<tr><td><bdi>");
		html_text(h, nm ? nm : "?", 1);
		html_raw(h, "</bdi></td><td>");
		html_text(h, words, 1);
		if (memcmp(ch->orgs[i].org, ch->coordinator, 32) == 0) {
			html_raw(h, ", ");
			/* TRANSLATORS: after an organization's role in the booklet's
			 * table: "home nursing service, coordinator" */
			html_text(h, CTX_("booklet", "coordinator"), 1);
		}
		html_raw(h, "</td></tr>\n");
	}
	html_raw(h, "</tbody>\n</table>\n</section>\n");
}

/* The goals: the person's own first, then the shared ones. */
static void
page_goals(paper_t *p, const ch_readrep_t *rr, void *arg)
{
	size_t *count = arg;
	for (int pass = 0; pass < 2; pass++) {
		int shown = 0;
		for (size_t i = 0; i < rr->n; i++) {
			ventry_t *e = view_describe(p->v, &rr->items[i]);
			const ch_fields_t *f = view_fields(e);
			int own = f && f->kind == CH_KIND_GOAL && f->u.goal.whose == CH_GOAL_OWN;
			if (own == (pass == 0)) {
				if (!shown++) {
					html_raw(&p->h, "<h3>");
					html_text(&p->h, pass == 0 ? _("Their own goals") :
					    _("Shared goals, and who works on each"), 1);
					html_raw(&p->h, "</h3>\n");
				}
				entry_html(p, &rr->items[i], e);
				(*count)++;
			}
			view_entry_free(&e);
		}
	}
}

static void
section(paper_t *p, const char *title, ch_readreq_t *rq, page_fn fn, const char *none)
{
	size_t count = 0;
	html_raw(&p->h, "<section>\n<h2>");
	html_text(&p->h, title, 1);
	html_raw(&p->h, "</h2>\n");
	paper_read(p, rq, 1, fn, &count);
	if (!count) {
		html_raw(&p->h, "<p>");
		html_text(&p->h, none, 1);
		html_raw(&p->h, "</p>\n");
	}
	html_raw(&p->h, "</section>\n");
}

/* What every export of paper does first: its options, the renderer for
 * --pdf, the output opened, the connection: all before any read, so that
 * a refusal leaves no record. Returns the output's descriptor. */
static int
paper_start(cli_t *c, int argc, char **argv, int sheet, opts_t *o, paper_t *p,
    char **renderer)
{
	parse_opts(o, argc, argv, sheet);
	*renderer = o->pdf ? pdf_renderer(o->what) : NULL;
	int fd = open_out(o);
	paper_open(p, c, o);
	return fd;
}

int
export_booklet(cli_t *c, int argc, char **argv)
{
	opts_t o;
	paper_t p;
	ch_readreq_t rq;
	char *renderer = NULL;

	int fd = paper_start(c, argc, argv, SHEET_NONE, &o, &p, &renderer);
	uint64_t since = o.since ? o.since : now_ms() - (uint64_t)BOOKLET_DAYS * 86400000u;
	char sincebuf[32];
	cli_time(since, sincebuf);
	sincebuf[10] = '\0';

	read_charter(&p);
	char title[CH_CASE_NAME_MAX * 2 + 128];
	snprintf(title, sizeof(title), _("Care notebook of %s"), person_name(&p));
	/* TRANSLATORS: the language code of the page (html lang): nl, fr */
	page_begin(&p, title, _("en"), booklet_css, 1);
	const char *name[] = { person_name(&p) };
	html_raw(&p.h, "<header>\n<h1>");
	words_html(&p.h, _("Care notebook of %s"), "b", name);
	html_raw(&p.h, "</h1>\n<p class=\"meta\">");
	char role[KEYS_ROLE_MAX * 2 + 1];
	role_words(p.role, role, sizeof(role));
	const char *by[] = { p.printed, p.reader, role, p.usname };
	words_html(&p.h, _("Printed %s by %s (%s), %s."), "tbtb", by);
	html_raw(&p.h, " ");
	html_text(&p.h, _("It holds what that role may read of the notebook; an entry hidden at "
	    "the person's request is marked as hidden, never shown. The notebook itself is kept "
	    "up to date in cahier by the care network; this paper is not."), 1);
	html_raw(&p.h, "</p>\n</header>\n");

	/* 1. the person and their own goals */
	html_raw(&p.h, "<section>\n<h2>");
	html_text(&p.h, _("The person"), 1);
	html_raw(&p.h, "</h2>\n<p class=\"person\"><b><bdi>");
	html_text(&p.h, person_name(&p), 1);
	html_raw(&p.h, "</bdi></b></p>\n");
	size_t goals = 0;
	readreq(&p, &rq);
	rq.kinds = (uint64_t)1 << CH_KIND_GOAL;
	rq.flags = CH_RQ_OPEN;
	paper_read(&p, &rq, 1, page_goals, &goals);
	if (!goals) {
		html_raw(&p.h, "<p>");
		html_text(&p.h, _("No active goal in the notebook."), 1);
		html_raw(&p.h, "</p>\n");
	}
	html_raw(&p.h, "</section>\n");

	/* 2. the care network */
	network_html(&p);

	/* 3. open tasks and planned appointments */
	readreq(&p, &rq);
	rq.kinds = (uint64_t)1 << CH_KIND_TASK | (uint64_t)1 << CH_KIND_APPOINTMENT;
	rq.flags = CH_RQ_OPEN;
	section(&p, _("Open tasks and appointments"), &rq, page_entries,
	    _("No open task, no planned appointment."));

	/* 4. alerts (and handovers) some addressee has not acknowledged */
	readreq(&p, &rq);
	rq.kinds = (uint64_t)1 << CH_KIND_ALERT | (uint64_t)1 << CH_KIND_HANDOVER;
	rq.flags = CH_RQ_UNACKED;
	section(&p, _("Alerts not yet acknowledged"), &rq, page_entries,
	    _("None: every alert has been acknowledged."));

	/* 5. the timeline of the period */
	readreq(&p, &rq);
	rq.since = since;
	char h2[160];
	snprintf(h2, sizeof(h2), _("The notebook since %s"), sincebuf);
	char none[320];
	snprintf(none, sizeof(none), _("Nothing written since %s (cahier export --booklet "
	    "--since DATE prints more)."), sincebuf);
	section(&p, h2, &rq, page_entries, none);

	char foot[640];
	unsigned long held = (unsigned long)(p.held > 1000000 ? 1000000 : p.held);
	unsigned long reads = (unsigned long)(p.records > 1000000 ? 1000000 : p.records);
	int k = snprintf(foot, sizeof(foot), ngettext("This booklet holds %zu entry of the notebook",
	    "This booklet holds %zu entries of the notebook", held), p.held);
	if (k > 0 && (size_t)k < sizeof(foot))
		k += snprintf(foot + k, sizeof(foot) - (size_t)k, ngettext(", read in %zu read",
		    ", read in %zu reads", reads), p.records);
	if (k > 0 && (size_t)k < sizeof(foot))
		snprintf(foot + k, sizeof(foot) - (size_t)k, "%s", _("; each read is recorded in "
		    "the notebook's access records, as a print, with the entries it returned "
		    "(cahier audit CASE --action print)."));
	html_raw(&p.h, "<footer>");
	html_text(&p.h, foot, 1);
	html_raw(&p.h, "</footer>\n</body>\n</html>\n");
	paper_write(&p, fd, renderer);
	fprintf(stderr, ngettext("%zu entry printed", "%zu entries printed", p.held), p.held);
	fputs(p.records == 1 ? _("; your read is recorded\n") : _("; your reads are recorded\n"),
	    stderr);
	paper_close(&p);
	free(renderer);
	return 0;
}

/* ---- the yellow box: the emergency sheet and the missing-person sheet ---- */

/* The fields of the sheets that come from the yellow-box note: the
 * emergency sheet's, then the missing-person sheet's (description, habits,
 * places, photo), which the emergency sheet leaves out; date of birth,
 * phone and booklet are on both. */
enum { F_BORN, F_COND, F_MED, F_ALLERGY, F_BLOOD, F_DIRECTIVES, F_PHONE, F_BOOKLET,
	F_DESC, F_HABITS, F_PLACES, F_PHOTO, F_OTHER, F_N };

/* Their labels, in English, Dutch and French (ASCII letters in any case,
 * other bytes exactly), longest first where one begins another. */
static const char *const labels[F_N][10] = {
	[F_BORN] = { "Date of birth", "Born", "Geboortedatum", "Geboren",
	    "Date de naissance", "N\xc3\xa9" "e le", "N\xc3\xa9 le", NULL },
	[F_COND] = { "Conditions", "Aandoeningen", "Affections", "Pathologies", NULL },
	[F_MED] = { "Medication", "Medicatie", "M\xc3\xa9" "dicaments", "M\xc3\xa9" "dication",
	    "Traitement", NULL },
	[F_ALLERGY] = { "Allergies", "Allergie\xc3\xab" "n", "Allergie", NULL },
	[F_BLOOD] = { "Blood group", "Bloedgroep", "Groupe sanguin", NULL },
	[F_DIRECTIVES] = { "Advance directives", "Wilsverklaringen", "Wilsverklaring",
	    "Directives anticip\xc3\xa9" "es", "D\xc3\xa9" "clarations anticip\xc3\xa9" "es", NULL },
	[F_PHONE] = { "Telephone", "Phone", "Telefoon", "T\xc3\xa9l\xc3\xa9phone", "Tel",
	    "T\xc3\xa9l", NULL },
	[F_BOOKLET] = { "Booklet", "Boekje", "Carnet", NULL },
	[F_DESC] = { "Physical description", "Description physique", "Description",
	    "Signalement", "Persoonsbeschrijving", "Beschrijving", "Uiterlijk", NULL },
	[F_HABITS] = { "Habits", "Gewoonten", "Gewoontes", "Habitudes", NULL },
	[F_PLACES] = { "Places", "Plaatsen", "Lieux", NULL },
	[F_PHOTO] = { "Photo", "Foto", NULL },
	[F_OTHER] = { NULL },
};

/* The words that open a yellow-box note; each is one search. */
static const char *const yb_headers[] = {
	"Gele doos", "Bo\xc3\xaete jaune", "Yellow box",
};

/* The page is fitted by counting lines: a line of a field holds at most
 * LINE_CHARS characters in the largest type (fewer than fit, since lines
 * break between words), and each field has a number of lines, beyond
 * which its text is cut, saying where the rest is. The sum of them all,
 * the contacts included, decides the type size (layout_scale): so the
 * sheet is one page whatever the notebook holds, in large type when it
 * holds little. The page's own box clips what would still overflow. */
#define LINE_CHARS 34
static const int field_lines[F_N] = {
	[F_BORN] = 1, [F_COND] = 3, [F_MED] = 8, [F_ALLERGY] = 2, [F_BLOOD] = 1,
	[F_DIRECTIVES] = 2, [F_PHONE] = 3, [F_BOOKLET] = 1, [F_DESC] = 6, [F_HABITS] = 5,
	[F_PLACES] = 7, [F_PHOTO] = 2, [F_OTHER] = 2,
};
#define CONTACTS_MAX 5         /* people and organizations to call */
#define CONTACT_LINES 3        /* each */

/* The sheet's words: [0] Dutch, [1] French. */
enum { W_TITLE, W_SUB, W_NAME, W_BORN, W_COND, W_MED, W_ALLERGY, W_BLOOD, W_DIRECTIVES,
	W_CALL, W_BOOKLET, W_OTHER, W_WHERE, W_PRINTED, W_NOT, W_MORE, W_CONTACT, W_DEPUTY,
	W_TRUSTED, W_REPR, W_GP, W_HANDOVER, W_ASK, W_NONOTE, W_OLDER, W_ONLY,
	W_NOTEBOOK, W_BY, W_MTITLE, W_MSUB, W_DESC, W_HABITS, W_PLACES, W_PHOTO, W_N };
static const char *const words[W_N][2] = {
	[W_TITLE] = { "GELE DOOS", "BO\xc3\x8eTE JAUNE" },
	[W_SUB] = { "medische fiche voor de hulpdiensten", "fiche m\xc3\xa9" "dicale pour les secours" },
	[W_NAME] = { "Naam", "Nom" },
	[W_BORN] = { "Geboren", "N\xc3\xa9(e) le" },
	[W_COND] = { "Belangrijkste aandoeningen", "Affections principales" },
	[W_MED] = { "Medicatie", "M\xc3\xa9" "dicaments" },
	[W_ALLERGY] = { "Allergie\xc3\xab" "n", "Allergies" },
	[W_BLOOD] = { "Bloedgroep", "Groupe sanguin" },
	[W_DIRECTIVES] = { "Wilsverklaringen", "D\xc3\xa9" "clarations anticip\xc3\xa9" "es" },
	[W_CALL] = { "Wie bellen", "Qui appeler" },
	[W_BOOKLET] = { "Boekje", "Carnet" },
	[W_OTHER] = { "Andere informatie", "Autres informations" },
	[W_WHERE] = { "Zorgschrift", "Cahier de soins" },
	[W_PRINTED] = { "Afgedrukt op", "Imprim\xc3\xa9 le" },
	[W_NOT] = { "niet vermeld", "non mentionn\xc3\xa9" },
	[W_MORE] = { "(vervolg in het zorgschrift)", "(suite dans le cahier)" },
	[W_CONTACT] = { "Aanspreekpunt", "Personne de contact" },
	[W_DEPUTY] = { "Vervanger aanspreekpunt", "Suppl\xc3\xa9" "ant(e)" },
	[W_TRUSTED] = { "Vertrouwenspersoon", "Personne de confiance" },
	[W_REPR] = { "Vertegenwoordiger", "Repr\xc3\xa9sentant(e)" },
	[W_GP] = { "Huisarts", "M\xc3\xa9" "decin g\xc3\xa9n\xc3\xa9raliste" },
	[W_HANDOVER] = { "Aanspreekpunt (overdracht)", "Personne de contact (transfert)" },
	[W_ASK] = { "vraag naar", "demander" },
	[W_NONOTE] = { "Geen gele-doosnota in het zorgschrift die de afdrukker mag lezen.",
	    "Pas de note \xc2\xab bo\xc3\xaete jaune \xc2\xbb dans le cahier que la personne qui "
	    "imprime peut lire." },
	[W_OLDER] = { "Ook in het zorgschrift: een oudere gele-doosnota van",
	    "Aussi dans le cahier : une note \xc2\xab bo\xc3\xaete jaune \xc2\xbb plus ancienne du" },
	[W_ONLY] = { "Alleen wat de afdrukker mag lezen staat op deze fiche.",
	    "Seul ce que la personne qui imprime peut lire figure sur cette fiche." },
	[W_NOTEBOOK] = { "digitaal zorgschrift (cahier), bijgehouden door het zorgnetwerk; "
	    "co\xc3\xb6rdinatie:", "cahier de soins num\xc3\xa9rique (cahier), tenu par le "
	    "r\xc3\xa9seau de soins ; coordination :" },
	[W_BY] = { "door", "par" },
	[W_MTITLE] = { "VERMISTE PERSOON", "PERSONNE DISPARUE" },
	[W_MSUB] = { "gele doos: fiche voor politie en hulpdiensten bij een vermissing",
	    "bo\xc3\xaete jaune : fiche pour la police et les secours en cas de disparition" },
	[W_DESC] = { "Persoonsbeschrijving", "Signalement" },
	[W_HABITS] = { "Gewoonten", "Habitudes" },
	[W_PLACES] = { "Waar de persoon heen kan gaan", "O\xc3\xb9 la personne peut aller" },
	[W_PHOTO] = { "Recente foto", "Photo r\xc3\xa9" "cente" },
};

/* A line of text to show, cut to its lines. */
typedef struct {
	html_t t;                /* raw text (escaped when written) */
	int cut;                 /* 1: cut short */
} ybtext_t;

typedef struct {
	ybtext_t f[F_N];
	uint64_t time;           /* the note's time; 0: none */
	char author[KEYS_NAME_MAX + 1];
	char org[KEYS_NAME_MAX + 1];
	/* the other yellow-box notes the searches found (each is on the sheet
	 * as a line: the records list them) */
	struct { uint64_t time; char author[KEYS_NAME_MAX + 1]; } older[4];
	size_t nolder;
	/* the newest handover's contact point */
	int have_handover;
	uint64_t ho_time;
	uint8_t ho_contact[32];
	char ho_person[CH_KSHORT_MAX + 1];
	/* who to call: the role in the person's language, the rest as text */
	struct { int w; ybtext_t t; } call[CONTACTS_MAX + 1];
	size_t ncall;
} yb_t;

/* The lines text takes: each of its lines, by LINE_CHARS characters. */
static int
text_lines(const char *s, size_t n, size_t line_chars)
{
	int lines = n ? 1 : 0;
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			lines++;
			col = 0;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80 && ++col > line_chars) {
			lines++;
			col = 1;
		}
	}
	return lines;
}

/* Appends a line s[0..n) to t, as long as it stays within max lines;
 * what does not fit is cut (t->cut). */
static void
text_add(ybtext_t *t, const char *s, size_t n, int max)
{
	if (t->cut)
		return;
	int used = text_lines(t->t.p, t->t.len, LINE_CHARS);
	if (used >= max) {
		t->cut = 1;
		return;
	}
	size_t room = (size_t)(max - used) * LINE_CHARS, chars = 0, i;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > room)
			break;
	char *tmp = malloc(i + 2);
	if (!tmp)
		cli_die(EXIT_ERR, _("out of memory"));
	tmp[0] = '\n';
	memcpy(tmp + 1, s, i);
	tmp[i + 1] = '\0';
	html_raw(&t->t, t->t.len ? tmp : tmp + 1);
	sodium_memzero(tmp, i + 1);
	free(tmp);
	if (i < n)
		t->cut = 1;
}

/* 1 if s[0..) starts with label, ASCII letters in any case, other bytes
 * exactly; then *rest points after it. */
static int
starts_with(const char *s, const char *label, const char **rest)
{
	size_t n = strlen(label);
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)label[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	*rest = s + n;
	return 1;
}

/* Where the header of a yellow-box note is in text, or NULL. */
static const char *
find_header(const char *text)
{
	for (const char *s = text; *s; s++)
		for (size_t k = 0; k < NELEM(yb_headers); k++) {
			const char *rest;
			if (starts_with(s, yb_headers[k], &rest))
				return s;
		}
	return NULL;
}

/* The field a line opens ("Medicatie: ..."), and the text after the
 * label's colon in *rest; -1 if the line opens none. */
static int
line_field(const char *line, const char **rest)
{
	while (*line == ' ' || *line == '\t' || *line == '-' || *line == '*')
		line++;
	for (int f = 0; f < F_N; f++)
		for (size_t k = 0; labels[f][k]; k++) {
			const char *r;
			if (!starts_with(line, labels[f][k], &r))
				continue;
			while (*r == ' ' || *r == '\t')
				r++;
			if (*r != ':')
				continue;
			r++;
			while (*r == ' ' || *r == '\t')
				r++;
			*rest = r;
			return f;
		}
	return -1;
}

/* Reads the fields out of a yellow-box note's text: the lines after the
 * line of its header; a label opens a field, the lines after it continue
 * it, an empty line ends it; text in no field is "other". */
static void
yb_parse(yb_t *y, const char *text)
{
	const char *s = find_header(text);
	if (!s)
		return;
	s = strchr(s, '\n');
	int cur = -1;
	while (s && *s) {
		s++;
		const char *end = strchr(s, '\n');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		char *line = malloc(n + 1);
		if (!line)
			cli_die(EXIT_ERR, _("out of memory"));
		memcpy(line, s, n);
		line[n] = '\0';
		const char *rest;
		int f = line_field(line, &rest);
		if (n == 0)
			cur = -1;
		else if (f >= 0) {
			cur = f;
			if (*rest)
				text_add(&y->f[f], rest, strlen(rest), field_lines[f]);
		} else {
			const char *t = line;
			while (*t == ' ' || *t == '\t')
				t++;
			int to = cur >= 0 ? cur : F_OTHER;
			text_add(&y->f[to], t, strlen(t), field_lines[to]);
		}
		sodium_memzero(line, n);
		free(line);
		s = end;
	}
}

static void
yb_clear_fields(yb_t *y)
{
	for (int f = 0; f < F_N; f++) {
		html_clear(&y->f[f].t);
		y->f[f].cut = 0;
	}
}

/* A search page: the newest yellow-box note it found. */
static void
page_yb(paper_t *p, const ch_readrep_t *rr, void *arg)
{
	yb_t *y = arg;
	for (size_t i = 0; i < rr->n; i++) {
		const ch_readitem_t *it = &rr->items[i];
		cli_author_t au;
		ch_plain_t pl;
		ch_note_t note;
		memset(&note, 0, sizeof(note));
		if (it->state != CH_IT_OPEN || ch_plain_decode(it->plain.p, it->plain.n, &pl) != 0 ||
		    pl.kind != CH_KIND_NOTE || ch_note_decode(pl.fields, pl.fieldslen, &note) != 0)
			continue;
		char author[KEYS_NAME_MAX + 1] = "?";
		if (cli_author_get(&it->env, it->plain.p, it->plain.n, &au) == 0) {
			if (au.found)
				snprintf(author, sizeof(author), "%s", au.cert.name);
			cli_author_clear(&au);
		}
		const size_t maxold = sizeof(y->older) / sizeof(y->older[0]);
		if (it->env.time_ms > y->time) {
			/* the newer one is the sheet; the one it replaces is a line */
			if (y->time && y->nolder < maxold) {
				y->older[y->nolder].time = y->time;
				snprintf(y->older[y->nolder].author, KEYS_NAME_MAX + 1, "%s", y->author);
				y->nolder++;
			}
			yb_clear_fields(y);
			y->time = it->env.time_ms;
			snprintf(y->author, sizeof(y->author), "%s", author);
			const char *o = org_name(p, it->env.org);
			snprintf(y->org, sizeof(y->org), "%s", o ? o : "?");
			yb_parse(y, note.text);
		} else if (y->nolder < maxold) {
			y->older[y->nolder].time = it->env.time_ms;
			snprintf(y->older[y->nolder].author, KEYS_NAME_MAX + 1, "%s", author);
			y->nolder++;
		}
		ch_note_clear(&note);
	}
}

/* The newest handover: its contact point and who to ask for there. */
static void
page_handover(paper_t *p, const ch_readrep_t *rr, void *arg)
{
	yb_t *y = arg;
	(void)p;
	for (size_t i = 0; i < rr->n; i++) {
		const ch_readitem_t *it = &rr->items[i];
		ch_plain_t pl;
		ch_fields_t f;
		if (it->state != CH_IT_OPEN || ch_plain_decode(it->plain.p, it->plain.n, &pl) != 0 ||
		    pl.kind != CH_KIND_HANDOVER ||
		    ch_fields_decode(pl.kind, pl.fields, pl.fieldslen, &f) != 0)
			continue;
		y->have_handover = 1;
		y->ho_time = it->env.time_ms;
		memcpy(y->ho_contact, f.u.handover.contact, 32);
		snprintf(y->ho_person, sizeof(y->ho_person), "%s",
		    f.u.handover.person ? f.u.handover.person : "");
		ch_fields_clear(&f);
	}
}

/* One person or organization to call: role word w, then text. */
static void
call_add(yb_t *y, int w, const char *a, const char *b)
{
	if (y->ncall >= sizeof(y->call) / sizeof(y->call[0]))
		return;
	ybtext_t *t = &y->call[y->ncall].t;
	y->call[y->ncall++].w = w;
	size_t n = strlen(a) + (b && *b ? strlen(b) + 5 : 0) + 1;   /* " — " is 5 bytes */
	char *s = malloc(n);
	if (!s)
		cli_die(EXIT_ERR, _("out of memory"));
	snprintf(s, n, "%s%s%s", a, b && *b ? " \xe2\x80\x94 " : "", b && *b ? b : "");
	/* (a newline in a name is shown escaped: one line) */
	for (char *q = s; *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	text_add(t, s, strlen(s), CONTACT_LINES);
	sodium_memzero(s, n);
	free(s);
}

/* The contacts: the people of the network the sheet is about, the GP
 * practices, the newest handover's contact point. */
static void
yb_contacts(paper_t *p, yb_t *y)
{
	int l = p->o->lang == LANG_FR;
	if (p->have_charter) {
		static const struct { const char *role; int w; } who[] = {
			{ "contact-point", W_CONTACT }, { "deputy-contact-point", W_DEPUTY },
			{ "trusted-person", W_TRUSTED }, { "representative", W_REPR },
		};
		const ch_charter_t *ch = &p->ep.charter;
		for (size_t k = 0; k < sizeof(who) / sizeof(who[0]); k++)
			for (size_t i = 0; i < ch->npeople && y->ncall < CONTACTS_MAX; i++)
				if (strcmp(ch->people[i].role, who[k].role) == 0)
					call_add(y, who[k].w, ch->people[i].name, NULL);
		for (size_t i = 0; i < ch->norgs && y->ncall < CONTACTS_MAX; i++)
			if (strcmp(ch->orgs[i].role, "gp") == 0) {
				const char *nm = org_name(p, ch->orgs[i].org);
				call_add(y, W_GP, nm ? nm : "?", NULL);
			}
	}
	if (y->have_handover) {
		char when[32], extra[CH_KSHORT_MAX + 64] = "";
		const char *nm = org_name(p, y->ho_contact);
		cli_time(y->ho_time, when);
		when[10] = '\0';
		if (y->ho_person[0])
			snprintf(extra, sizeof(extra), "%s %s", words[W_ASK][l], y->ho_person);
		char a[KEYS_NAME_MAX + 48];
		snprintf(a, sizeof(a), "%s, %s", when, nm ? nm : "?");
		call_add(y, W_HANDOVER, a, extra);
	}
}

/* A row of a sheet that comes from the note: its heading, its field, the
 * class of its cell (NULL: none), and whether it is there when the note
 * does not give the field (as "not stated") or left out. */
typedef struct {
	int w, f;
	const char *cls;
	int always;
} sheetrow_t;

/* A sheet of the yellow box: its title and subtitle (words), the rows
 * between the name and who to call, and those after where the notebook
 * is. Who to call (with the phone field) and where the notebook is (with
 * the booklet field) are on both. */
typedef struct {
	int title, sub;
	const sheetrow_t *rows, *tail;
	size_t nrows, ntail;
} sheet_t;

static const sheetrow_t yellow_rows[] = {
	{ W_BORN, F_BORN, NULL, 1 }, { W_COND, F_COND, NULL, 1 },
	{ W_MED, F_MED, "key", 1 }, { W_ALLERGY, F_ALLERGY, "key", 1 },
	{ W_BLOOD, F_BLOOD, NULL, 0 }, { W_DIRECTIVES, F_DIRECTIVES, NULL, 0 },
};
static const sheetrow_t yellow_tail[] = {
	{ W_OTHER, F_OTHER, NULL, 0 },
};
static const sheetrow_t missing_rows[] = {
	{ W_BORN, F_BORN, NULL, 1 }, { W_DESC, F_DESC, "key", 1 },
	{ W_HABITS, F_HABITS, NULL, 1 }, { W_PLACES, F_PLACES, "key", 1 },
	{ W_PHOTO, F_PHOTO, NULL, 0 },
};
static const sheet_t sheet_defs[] = {
	[SHEET_YELLOW] = { W_TITLE, W_SUB, yellow_rows, yellow_tail, NELEM(yellow_rows),
	    NELEM(yellow_tail) },
	[SHEET_MISSING] = { W_MTITLE, W_MSUB, missing_rows, NULL, NELEM(missing_rows), 0 },
};

/* The lines field f takes on a sheet: its text's, and one for "(vervolg
 * ...)" when cut; one for "not stated" when absent and always shown. */
static int
field_used(const yb_t *y, int f, int always)
{
	const ybtext_t *t = &y->f[f];
	if (!t->t.len)
		return always;
	return text_lines(t->t.p, t->t.len, LINE_CHARS) + t->cut;
}

/* The type size the sheet needs (pt of the fields' text): the lines the
 * fields and contacts take, at most about 30 in 14 pt, about 34 in 12 pt,
 * 38 in 11 pt; 10 pt beyond (the most the fields and contacts can take on
 * either sheet, under 60, leaves room on the page in 10 pt). */
static int
layout_scale(paper_t *p, const yb_t *y, const sheet_t *sh)
{
	int lines = 2 * text_lines(person_name(p), strlen(person_name(p)), LINE_CHARS * 2 / 3);
	for (size_t i = 0; i < sh->nrows; i++)
		lines += field_used(y, sh->rows[i].f, sh->rows[i].always);
	for (size_t i = 0; i < sh->ntail; i++)
		lines += field_used(y, sh->tail[i].f, sh->tail[i].always);
	lines += field_used(y, F_PHONE, 0) + field_used(y, F_BOOKLET, 0);
	for (size_t i = 0; i < y->ncall; i++)
		lines += text_lines(y->call[i].t.t.p, y->call[i].t.t.len, LINE_CHARS);
	lines += 3 + (int)y->nolder;       /* where the notebook is, older notes */
	return lines <= 30 ? 14 : lines <= 34 ? 12 : lines <= 38 ? 11 : 10;
}

static const char yb_css[] =
    "@page { size: A4; margin: 0; }\n"
    "html, body { margin: 0; padding: 0; }\n"
    ".sheet { box-sizing: border-box; width: 210mm; height: 296mm; padding: 9mm 11mm; "
    "overflow: hidden; line-height: 1.25; }\n"
    "h1 { font-size: 24pt; margin: 0 0 3mm; padding: 2mm 4mm; border: 3px solid #000; "
    "background: #ffd500; -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "h1 .other, th .other { font-weight: normal; }\n"
    "h1 .other { font-size: 16pt; }\n"
    "h1 .sub { display: block; font-size: 12pt; font-weight: normal; }\n"
    "table { width: 100%; border-collapse: collapse; table-layout: fixed; }\n"
    "th { width: 31%; text-align: left; vertical-align: top; padding: 1.4mm 2mm; "
    "border-top: 2px solid #000; font-size: 13pt; }\n"
    "th .other { display: block; font-size: 10pt; }\n"
    "td { vertical-align: top; padding: 1.4mm 2mm; border-top: 2px solid #000; "
    "white-space: pre-wrap; overflow-wrap: anywhere; }\n"
    "td.key { font-weight: bold; }\n"
    ".none { font-style: italic; font-weight: normal; color: #333; }\n"
    ".cut { font-size: 10pt; font-weight: normal; }\n"
    "p.foot { font-size: 9pt; margin: 2mm 0 0; color: #222; }\n";

/* A heading cell: the person's language, the other's below it. */
static void
yb_th(paper_t *p, int w)
{
	int l = p->o->lang == LANG_FR;
	html_rawf(&p->h, "<tr><th>%s<span class=\"other\" lang=\"%s\">%s</span></th>",
	    words[w][l], l ? "nl" : "fr", words[w][!l]);
}

static void
yb_none(paper_t *p)
{
	int l = p->o->lang == LANG_FR;
	html_rawf(&p->h, "<span class=\"none\">%s</span>", words[W_NOT][l]);
}

static void
yb_text(paper_t *p, const ybtext_t *t)
{
	int l = p->o->lang == LANG_FR;
	html_text(&p->h, t->t.p, 0);
	if (t->cut)
		html_rawf(&p->h, " \xe2\x80\xa6 <span class=\"cut\">%s</span>", words[W_MORE][l]);
}

/* A field's row: its text, or "not stated"; a row not always shown is left
 * out when the note does not give its field. */
static void
yb_row(paper_t *p, const yb_t *y, const sheetrow_t *r)
{
	if (!r->always && !y->f[r->f].t.len)
		return;
	yb_th(p, r->w);
	html_rawf(&p->h, "<td%s%s%s dir=\"auto\">", r->cls ? " class=\"" : "",
	    r->cls ? r->cls : "", r->cls ? "\"" : "");
	if (y->f[r->f].t.len)
		yb_text(p, &y->f[r->f]);
	else
		yb_none(p);
	html_raw(&p->h, "</td></tr>\n");
}

/* The reads both sheets make: the care network (professionals), the
 * newest handover, and the newest yellow-box note of each header; then
 * who to call. */
static void
yb_read(paper_t *p, yb_t *y)
{
	ch_readreq_t rq;
	read_charter(p);
	readreq(p, &rq);
	rq.kinds = (uint64_t)1 << CH_KIND_HANDOVER;
	rq.last = 1;
	paper_read(p, &rq, 0, page_handover, y);
	for (size_t k = 0; k < NELEM(yb_headers); k++) {
		readreq(p, &rq);
		rq.kinds = (uint64_t)1 << CH_KIND_NOTE;
		rq.last = 1;
		snprintf(rq.search, sizeof(rq.search), "%s", yb_headers[k]);
		paper_read(p, &rq, 0, page_yb, y);
	}
	yb_contacts(p, y);
}

/* The title, in the person's language with the other's beside, and the
 * name. */
static void
yb_begin(paper_t *p, const sheet_t *sh, int pt)
{
	int l = p->o->lang == LANG_FR;
	char title[CH_CASE_NAME_MAX + 64];
	snprintf(title, sizeof(title), "%s \xe2\x80\x94 %s", words[sh->title][l], person_name(p));
	char css[sizeof(yb_css) + 128];
	snprintf(css, sizeof(css), "%std { font-size: %dpt; }\ntd.name { font-size: %dpt; "
	    "font-weight: bold; }\n", yb_css, pt, pt + 6);
	page_begin(p, title, l ? "fr" : "nl", css, 0);
	html_rawf(&p->h, "<div class=\"sheet\">\n<h1>%s <span class=\"other\" lang=\"%s\">\xc2\xb7 %s"
	    "</span><span class=\"sub\">%s</span></h1>\n<table>\n", words[sh->title][l],
	    l ? "nl" : "fr", words[sh->title][!l], words[sh->sub][l]);
	yb_th(p, W_NAME);
	html_raw(&p->h, "<td class=\"name\" dir=\"auto\">");
	html_text(&p->h, person_name(p), 1);
	html_raw(&p->h, "</td></tr>\n");
}

/* Who to call: the network's people and practices, the handover's
 * contact point, the phone numbers the note gives. */
static void
yb_calls(paper_t *p, const yb_t *y)
{
	int l = p->o->lang == LANG_FR;
	html_t *h = &p->h;
	yb_th(p, W_CALL);
	html_raw(h, "<td>");
	for (size_t i = 0; i < y->ncall; i++) {
		html_rawf(h, "%s<b>%s</b>: <bdi>", i ? "<br>" : "", words[y->call[i].w][l]);
		yb_text(p, &y->call[i].t);
		html_raw(h, "</bdi>");
	}
	if (y->f[F_PHONE].t.len) {
		html_raw(h, y->ncall ? "<br>" : "");
		html_raw(h, "\xe2\x98\x8e <span dir=\"auto\">");
		yb_text(p, &y->f[F_PHONE]);
		html_raw(h, "</span>");
	}
	if (!y->ncall && !y->f[F_PHONE].t.len)
		yb_none(p);
	html_raw(h, "</td></tr>\n");
}

/* Where the notebook is, and the paper booklet when the note says. */
static void
yb_where(paper_t *p, const yb_t *y)
{
	int l = p->o->lang == LANG_FR;
	html_t *h = &p->h;
	yb_th(p, W_WHERE);
	html_rawf(h, "<td>%s <bdi>", words[W_NOTEBOOK][l]);
	const char *coord = p->have_charter ? org_name(p, p->ep.charter.coordinator) : NULL;
	html_text(h, coord ? coord : p->usname, 1);
	html_raw(h, "</bdi>");
	if (y->f[F_BOOKLET].t.len) {
		html_rawf(h, "<br>%s: <span dir=\"auto\">", words[W_BOOKLET][l]);
		yb_text(p, &y->f[F_BOOKLET]);
		html_raw(h, "</span>");
	}
	html_raw(h, "</td></tr>\n");
}

/* The foot: the date and who printed, which note the sheet comes from,
 * the other notes found, and that only what the printer may read is on
 * it. */
static void
yb_foot(paper_t *p, const yb_t *y)
{
	int l = p->o->lang == LANG_FR;
	html_t *h = &p->h;
	html_raw(h, "</table>\n<p class=\"foot\">");
	html_rawf(h, "<b>%s ", words[W_PRINTED][l]);
	html_text(h, p->printed, 1);
	html_rawf(h, "</b> %s <bdi>", words[W_BY][l]);
	html_text(h, p->reader, 1);
	html_raw(h, "</bdi>, <bdi>");
	html_text(h, p->usname, 1);
	html_rawf(h, "</bdi> \xc2\xb7 <span lang=\"%s\">%s ", l ? "nl" : "fr", words[W_PRINTED][!l]);
	html_text(h, p->printed, 1);
	html_raw(h, "</span>. ");
	if (y->time) {
		char when[32];
		cli_time(y->time, when);
		html_raw(h, "Cahier: ");
		html_text(h, when, 1);
		html_raw(h, ", <bdi>");
		html_text(h, y->author, 1);
		html_raw(h, "</bdi> (<bdi>");
		html_text(h, y->org, 1);
		html_raw(h, "</bdi>). ");
	} else {
		html_raw(h, words[W_NONOTE][l]);
		html_raw(h, " ");
	}
	for (size_t i = 0; i < y->nolder; i++) {
		char when[32];
		cli_time(y->older[i].time, when);
		html_rawf(h, "%s ", words[W_OLDER][l]);
		html_text(h, when, 1);
		html_rawf(h, " (%s <bdi>", words[W_BY][l]);
		html_text(h, y->older[i].author, 1);
		html_raw(h, "</bdi>). ");
	}
	html_raw(h, words[W_ONLY][l]);
	html_raw(h, "</p>\n</div>\n</body>\n</html>\n");
}

static void
yb_clear(yb_t *y)
{
	yb_clear_fields(y);
	for (size_t i = 0; i < y->ncall; i++)
		html_clear(&y->call[i].t.t);
	sodium_memzero(y, sizeof(*y));
}

/* One sheet of the yellow box: the options, the output opened, the reads,
 * the page, written. */
static int
export_sheet(cli_t *c, int argc, char **argv, int sheet)
{
	const sheet_t *sh = &sheet_defs[sheet];
	opts_t o;
	paper_t p;
	yb_t y;
	char *renderer = NULL;

	int fd = paper_start(c, argc, argv, sheet, &o, &p, &renderer);
	memset(&y, 0, sizeof(y));
	yb_read(&p, &y);
	yb_begin(&p, sh, layout_scale(&p, &y, sh));
	for (size_t i = 0; i < sh->nrows; i++)
		yb_row(&p, &y, &sh->rows[i]);
	yb_calls(&p, &y);
	yb_where(&p, &y);
	for (size_t i = 0; i < sh->ntail; i++)
		yb_row(&p, &y, &sh->tail[i]);
	yb_foot(&p, &y);
	yb_clear(&y);

	paper_write(&p, fd, renderer);
	if (sheet == SHEET_MISSING)
		fprintf(stderr, ngettext("missing-person sheet printed (%zu entry)",
		    "missing-person sheet printed (%zu entries)", p.held), p.held);
	else
		fprintf(stderr, ngettext("yellow-box sheet printed (%zu entry)",
		    "yellow-box sheet printed (%zu entries)", p.held), p.held);
	fputs(p.records == 1 ? _("; your read is recorded\n") : _("; your reads are recorded\n"),
	    stderr);
	paper_close(&p);
	free(renderer);
	return 0;
}

int
export_yellow_box(cli_t *c, int argc, char **argv)
{
	return export_sheet(c, argc, argv, SHEET_YELLOW);
}

int
export_missing_person(cli_t *c, int argc, char **argv)
{
	return export_sheet(c, argc, argv, SHEET_MISSING);
}
