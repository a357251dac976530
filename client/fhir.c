/* fhir.c - cahier export CASE --fhir: the notebook as a FHIR R4 Bundle
 * (JSON) for hospital and GP systems. The resources are made in
 * fhir_map.c; this file reads and writes.
 *
 * The export is a read like any other, and recorded like one. It asks the
 * daemon for the care entries and the access records of the case, oldest
 * first, page after page: each page is a read with action export, which
 * the daemon records with exactly the entries it holds. Then, for a
 * professional, one more read for the newest charter (one entry: the care
 * network, the people around the person); the people around the person do
 * not read the charter, and get the member organizations by name from the
 * daemon's WHERE answer, which reads nothing. The reads ask for entries
 * the reader can open only (a filter on the kinds): an entry of an
 * audience the reader's role or organization is not in, or written before
 * the organization joined, is neither read, nor recorded, nor exported. A
 * hidden entry is not read either: its hide entry (who hid it, when, why)
 * stands in the export for it. The daemon decides what opens; nothing
 * here asks for more.
 *
 * The bundle is printed as cli_json_print prints: the characters a
 * terminal or a text renderer acts on (C1, bidirectional and line
 * separator controls) written as \u escapes, and here also < > & ', so
 * that the file is inert inside HTML too. With --out it is written to a
 * file of mode 0600 next to FILE, then renamed: FILE is never half
 * written. Everything decrypted is wiped before it is freed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "casearg.h"
#include "cli.h"
#include "escape.h"
#include "export.h"
#include "fhir_map.h"
#include "orgarg.h"

static void
usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fputs(_("usage: cahier export CASE --fhir [--out FILE] [--since DATE]\n\n"
	    "The case's notebook as a FHIR R4 Bundle (JSON, type collection) for\n"
	    "hospital and GP systems: the person (Patient), the care network (CareTeam,\n"
	    "with its Organizations, Practitioners and RelatedPersons), the care plan\n"
	    "(CarePlan) with its Goals, Tasks, Appointments and keep-an-eyes, the notes,\n"
	    "alerts, handovers and consultations (Communication), consents and\n"
	    "designations (Consent), and who read the notebook (AuditEvent). It holds\n"
	    "what your role may read, nothing more; a hidden entry is marked hidden,\n"
	    "without its content.\n"
	    "The export is a read, recorded as an export with exactly the entries it\n"
	    "holds, one record per page of 1000 entries ('cahier audit CASE --action\n"
	    "export' lists them).\n"
	    "  --out FILE    write the bundle to FILE (mode 0600), not to stdout\n"
	    "  --since DATE  the entries and access records from DATE on (YYYY-MM-DD,\n"
	    "                local time); the person and the care network always\n"
	    "Exit codes: 0 the bundle was written, 2 an error.\n"), f);
	exit(code);
}

/* The replies of the export's reads, kept until the bundle is made: the
 * items borrow from them. */
typedef struct {
	cli_reply_t *rep;
	ch_readrep_t *rr;
	size_t n, cap;
	size_t records;             /* reads that left an access record */
} pages_t;

static void
pages_read(cli_t *c, pages_t *pg, ch_readreq_t *rq, int all)
{
	for (;;) {
		if (pg->n == pg->cap) {
			size_t cap = pg->cap ? pg->cap * 2 : 4;
			cli_reply_t *rep = realloc(pg->rep, cap * sizeof(*rep));
			if (rep)
				pg->rep = rep;
			ch_readrep_t *rr = rep ? realloc(pg->rr, cap * sizeof(*rr)) : NULL;
			if (!rep || !rr)
				cli_die(EXIT_ERR, _("out of memory"));
			pg->rr = rr;
			pg->cap = cap;
		}
		ch_readrep_t *rr = &pg->rr[pg->n];
		cli_read(c, rq, &pg->rep[pg->n], rr);
		pg->n++;
		if (!sodium_is_zero(rr->access_id, 32))
			pg->records++;
		if (!all || !rr->more || !rr->n)
			break;
		/* the next page: after the last entry of this one */
		const ch_env_t *last = &rr->items[rr->n - 1].env;
		rq->cursor.time = last->time_ms;
		memcpy(rq->cursor.org, last->org, 32);
		rq->cursor.seq = last->seq;
	}
}

static void
pages_clear(pages_t *pg)
{
	for (size_t i = 0; i < pg->n; i++) {
		ch_readrep_clear(&pg->rr[i]);
		cli_reply_free(&pg->rep[i]);
	}
	free(pg->rep);
	free(pg->rr);
	memset(pg, 0, sizeof(*pg));
}

/* The newest charter among the items of rr, decoded into *ep (borrowing
 * from rr); 0, or -1 if none is readable. */
static int
charter_of(const ch_readrep_t *rr, ch_epoch_t *ep)
{
	const ch_readitem_t *best = NULL;
	ch_plain_t p;
	for (size_t i = 0; i < rr->n; i++) {
		const ch_readitem_t *it = &rr->items[i];
		if (it->state == CH_IT_OPEN && it->plain.n &&
		    ch_plain_decode(it->plain.p, it->plain.n, &p) == 0 &&
		    (p.kind == CH_KIND_CASE_CREATE || p.kind == CH_KIND_EPOCH) &&
		    (!best || it->env.epoch > best->env.epoch))
			best = it;
	}
	if (!best || ch_plain_decode(best->plain.p, best->plain.n, &p) != 0 ||
	    ch_epoch_decode(p.fields, p.fieldslen, ep) != 0)
		return -1;
	return 0;
}

/* The bundle as text: indented JSON, its texts escaped as cli_json_print
 * escapes them (CLI_ESC_JSON; the indentation's newlines kept), and < > &
 * ' as \u escapes, which JSON allows inside strings, the only place they
 * can be. malloc'd; the caller wipes and frees it. */
static char *
bundle_text(json_t *b, size_t *len)
{
	json_free_t jfree;
	char *d = json_dumps(b, JSON_INDENT(1));
	char *t, *out;
	size_t n = 0;

	if (!d)
		cli_die(EXIT_ERR, _("cannot write the bundle (out of memory?)"));
	t = cli_escape_dup(d, strlen(d), CLI_ESC_JSON | CLI_ESC_LINES);
	/* jansson's blocks are freed by its free function, which wipes */
	json_get_alloc_funcs(NULL, &jfree);
	jfree(d);
	if (!t)
		cli_die(EXIT_ERR, _("out of memory"));
	for (const char *p = t; *p; p++)
		n += strchr("<>&'", *p) ? 6 : 1;
	if (!(out = malloc(n + 2)))
		cli_die(EXIT_ERR, _("out of memory"));
	n = 0;
	for (const char *p = t; *p; p++) {
		if (strchr("<>&'", *p)) {
			snprintf(out + n, 7, "\\u%04x", (unsigned)(unsigned char)*p);
			n += 6;
		} else
			out[n++] = *p;
	}
	out[n++] = '\n';
	out[n] = '\0';
	cli_escape_free(&t);
	*len = n;
	return out;
}

/* Writes t to path through a new file of mode 0600 beside it, renamed over
 * path once it is complete; to stdout when path is NULL or "-". */
static void
write_text(const char *path, const char *t, size_t n)
{
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(t, 1, n, stdout) != n || fflush(stdout) != 0)
			cli_die(EXIT_ERR, _("cannot write the bundle: %s"), strerror(errno));
		return;
	}
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		cli_die(EXIT_ERR, _("out of memory"));
	int fd = mkstemp(tmp);   /* mode 0600 */
	if (fd < 0)
		cli_die(EXIT_ERR, _("cannot write %s: %s"), path, strerror(errno));
	const char *why = NULL;
	for (size_t off = 0; off < n && !why;) {
		ssize_t w = write(fd, t + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			why = strerror(errno);
		else
			off += (size_t)w;
	}
	if (!why && fsync(fd) != 0)
		why = strerror(errno);
	if (close(fd) != 0 && !why)
		why = strerror(errno);
	if (!why && rename(tmp, path) != 0)
		why = strerror(errno);
	if (why) {
		unlink(tmp);
		free(tmp);
		cli_die(EXIT_ERR, _("cannot write %s: %s"), path, why);
	}
	free(tmp);
}

int
export_fhir(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL, *out = NULL;
	uint64_t since = 0;
	uint8_t id[CH_CASE_LEN];
	keys_cert_t me;
	pages_t nb, net;
	ch_readreq_t rq;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			usage(0);
		else if (strcmp(a, "--fhir") == 0)
			continue;
		else if (strcmp(a, "--out") == 0 && more) {
			out = argv[++i];
			if (!*out)
				cli_die(EXIT_ERR, _("--out takes a file name"));
		} else if (strcmp(a, "--since") == 0 && more)
			since = cli_date(argv[++i]);
		else if (a[0] == '-')
			cli_die(EXIT_ERR, _("unknown option '%s' (see cahier export --fhir --help)"), a);
		else if (!casearg)
			casearg = a;
		else
			usage(EXIT_ERR);
	}
	if (!casearg)
		usage(EXIT_ERR);
	cli_open(c);
	cli_case_arg(c, casearg, id);
	cli_case_notice(c, id);
	if (keys_cert_parse(c->cert, c->certlen, &me) != 0)
		cli_die(EXIT_ERR, _("your certificate does not parse"));
	int person = ch_role_is_person(me.role);
	memset(&nb, 0, sizeof(nb));
	memset(&net, 0, sizeof(net));

	/* The notebook and its access records, oldest first, every page. Each
	 * kind is asked for by name: the daemon then answers only the entries
	 * this reader opens. First, so that the record of the charter's read
	 * below is not among them. */
	cli_readreq_init(&rq, id, CH_ACT_EXPORT, 0);
	for (uint8_t k = CH_KIND_NOTE; k <= CH_KIND_CARE_LAST; k++)
		rq.kinds |= (uint64_t)1 << k;
	rq.kinds |= (uint64_t)1 << CH_KIND_ERASE | (uint64_t)1 << CH_KIND_ACCESS;
	rq.flags = CH_RQ_AFTER;
	rq.last = CH_PAGE_MAX;
	rq.since = since;
	pages_read(c, &nb, &rq, 1);

	/* The care network: the newest charter, one entry. */
	ch_epoch_t ep;
	int have_charter = 0;
	cli_members_t ms;
	char casename[CH_CASE_NAME_MAX + 1];
	memset(&ms, 0, sizeof(ms));
	memset(&ep, 0, sizeof(ep));
	casename[0] = '\0';
	if (!person) {
		cli_readreq_init(&rq, id, CH_ACT_EXPORT, 0);
		rq.kinds = (uint64_t)1 << CH_KIND_CASE_CREATE | (uint64_t)1 << CH_KIND_EPOCH;
		rq.last = 1;
		pages_read(c, &net, &rq, 0);
		have_charter = charter_of(&net.rr[0], &ep) == 0;
		if (have_charter)
			snprintf(casename, sizeof(casename), "%s", ep.charter.name);
	}
	if (!have_charter) {
		cli_members_load(c, id, 1, &ms);
		cli_case_name(c, id, casename, sizeof(casename));
	}

	struct timeval tv;
	gettimeofday(&tv, NULL);
	fhir_in_t in;
	memset(&in, 0, sizeof(in));
	in.case_id = id;
	in.casename = casename[0] ? casename : NULL;
	in.reader = &me;
	in.pages = nb.rr;
	in.npages = nb.n;
	in.charter = have_charter ? &ep : NULL;
	in.members = have_charter ? NULL : &ms;
	in.now_ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
	size_t entries = 0;
	json_t *bundle = fhir_bundle(&in, &entries);
	size_t nres = json_array_size(json_object_get(bundle, "entry"));

	size_t len = 0;
	char *text = bundle_text(bundle, &len);
	json_decref(bundle);
	write_text(out, text, len);
	sodium_memzero(text, len);
	free(text);

	size_t records = nb.records + net.records;
	cli_shown_t sh = { { NULL }, 0 };
	fprintf(stderr, ngettext("exported %zu entry of the notebook as %zu FHIR resources",
	    "exported %zu entries of the notebook as %zu FHIR resources", entries), entries, nres);
	if (out)
		fprintf(stderr, _(" to %s"), cli_show(&sh, out));
	fputs(records > 1 ? _("; your export is recorded, one record per read\n") :
	    _("; your export is recorded\n"), stderr);
	cli_shown_clear(&sh);
	if (have_charter)
		ch_epoch_clear(&ep);
	cli_members_clear(&ms);
	keys_cert_clear(&me);
	pages_clear(&nb);
	pages_clear(&net);
	sodium_memzero(casename, sizeof(casename));
	return 0;
}
