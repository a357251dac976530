/* report.c - who read the notebook, for the person (report.h). Every text
 * of others (names, roles, organizations, the case's name) is escaped:
 * for a terminal by cli_show (escape.h), for HTML by html_fput (html.h), each
 * name also isolated (<bdi>) so that a right-to-left name cannot reorder
 * what follows it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "escape.h"
#include "html.h"
#include "report.h"

/* A role as words: "home-nurse" -> "home nurse". */
static void
role_words(const char *role, char *out, size_t n)
{
	snprintf(out, n, "%s", role);
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = ' ';
}

static const char *
why_words(const view_access_t *a)
{
	if (strcmp(a->purpose, "treatment") == 0)
		return "for your care";
	if (strcmp(a->purpose, "emergency") == 0)
		return "in an emergency";
	if (strcmp(a->purpose, "coordination") == 0)
		return "to coordinate your care";
	if (strcmp(a->purpose, "own-request") == 0)
		return a->for_person ? "for you, on your behalf" : "at your own request";
	if (strcmp(a->purpose, "audit") == 0)
		return "to check who read your notebook";
	return "for a reason not known to this version of cahier";
}

/* What was done, in words; a refused or failed one with why it was asked. */
static void
what_words(const view_access_t *a, char *out, size_t n)
{
	const char *tried = strcmp(a->outcome, "ok") == 0 ? NULL :
	    strcmp(a->outcome, "refused") == 0 ? ", and was refused" : ", and it failed";
	unsigned long long k = (unsigned long long)a->count;
	if (strcmp(a->action, "list") == 0)
		snprintf(out, n, "saw your name in a list of cases");
	else if (tried && strcmp(a->scope, "the audit") == 0)
		snprintf(out, n, "tried to read who read your notebook, %s%s", why_words(a), tried);
	else if (tried)
		snprintf(out, n, "tried to %s your notebook, %s%s",
		    strcmp(a->action, "search") == 0 ? "search" : "read", why_words(a), tried);
	else if (strcmp(a->action, "search") == 0)
		snprintf(out, n, "searched your notebook and saw %llu entr%s", k, k == 1 ? "y" : "ies");
	else if (strcmp(a->action, "export") == 0)
		snprintf(out, n, "exported %llu entr%s of your notebook", k, k == 1 ? "y" : "ies");
	else if (strcmp(a->action, "print") == 0)
		snprintf(out, n, "printed %llu entr%s of your notebook", k, k == 1 ? "y" : "ies");
	else if (strcmp(a->scope, "the audit") == 0)
		snprintf(out, n, "read who read your notebook (%llu record%s)", k, k == 1 ? "" : "s");
	else if (strcmp(a->scope, "the care network") == 0)
		snprintf(out, n, "looked at who is in your care network");
	else if (strcmp(a->scope, "one entry") == 0)
		snprintf(out, n, "read one entry of your notebook%s", k > 1 ? ", with its earlier versions" : "");
	else if (a->kinds[0])
		snprintf(out, n, "read %llu entr%s of your notebook (%s)", k, k == 1 ? "y" : "ies", a->kinds);
	else
		snprintf(out, n, "read %llu entr%s of your notebook", k, k == 1 ? "y" : "ies");
}

static void
when_words(uint64_t ms, char out[32])
{
	cli_time(ms, out);
}

void
report_begin(report_t *r, FILE *f, int as_html, const char *casename)
{
	char now[32];
	when_words((uint64_t)time(NULL) * 1000, now);
	r->f = f;
	r->html = as_html;
	r->n = 0;
	if (!as_html) {
		cli_shown_t sh = { { NULL }, 0 };
		fprintf(f, "Who read the notebook of %s\n(printed %s; oldest first)\n\n",
		    cli_show(&sh, casename), now);
		cli_shown_clear(&sh);
		return;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>Who read the notebook</title>\n<style>\n"
	    "body { font: 12pt/1.45 \"DejaVu Serif\", Georgia, serif; margin: 2em; color: #000; }\n"
	    "h1 { font-size: 18pt; margin: 0 0 .2em; }\n"
	    "p.meta { margin: 0 0 1.2em; color: #333; }\n"
	    "table { border-collapse: collapse; width: 100%; }\n"
	    "th, td { text-align: left; vertical-align: top; padding: .35em .5em; border-bottom: 1px solid #999; }\n"
	    "th { border-bottom: 2px solid #000; }\n"
	    "td.when { white-space: nowrap; }\n"
	    "tr.refused td { font-style: italic; }\n"
	    "@media print { @page { size: A4; margin: 15mm; } body { margin: 0; }\n"
	    "  thead { display: table-header-group; } tr { page-break-inside: avoid; } }\n"
	    "</style>\n</head>\n<body>\n<h1>Who read the notebook of <bdi>", f);
	html_fput(f, casename);
	fputs("</bdi></h1>\n<p class=\"meta\">Printed ", f);
	html_fput(f, now);
	fputs(". Every time someone read the notebook, their organization's computer "
	    "wrote it down; this is that list, oldest first.</p>\n"
	    "<table>\n<thead><tr><th>When</th><th>Who</th><th>What</th><th>Why</th></tr></thead>\n"
	    "<tbody>\n", f);
}

void
report_line(report_t *r, const view_access_t *a)
{
	char when[32], role[96], what[320];
	int ok = strcmp(a->outcome, "ok") == 0;
	when_words(a->time_ms, when);
	role_words(a->role, role, sizeof(role));
	what_words(a, what, sizeof(what));
	r->n++;
	if (!r->html) {
		cli_shown_t sh = { { NULL }, 0 };
		fprintf(r->f, "%s  %s, %s at %s,\n                  %s%s%s.\n", when,
		    cli_show(&sh, a->reader), cli_show(&sh, role), cli_show(&sh, a->org),
		    cli_show(&sh, what), ok ? ", " : "", ok ? why_words(a) : "");
		cli_shown_clear(&sh);
		return;
	}
	fprintf(r->f, "<tr%s><td class=\"when\">", strcmp(a->outcome, "ok") ? " class=\"refused\"" : "");
	html_fput(r->f, when);
	fputs("</td><td><bdi>", r->f);
	html_fput(r->f, a->reader);
	fputs("</bdi>, ", r->f);
	html_fput(r->f, role);
	fputs(" at <bdi>", r->f);
	html_fput(r->f, a->org);
	fputs("</bdi></td><td>", r->f);
	html_fput(r->f, what);
	fputs("</td><td>", r->f);
	html_fput(r->f, ok ? why_words(a) : "");
	fputs("</td></tr>\n", r->f);
}

void
report_end(report_t *r)
{
	if (!r->html) {
		fprintf(r->f, "\n%zu time%s in all.\n", r->n, r->n == 1 ? "" : "s");
		return;
	}
	fprintf(r->f, "</tbody>\n</table>\n<p class=\"meta\">%zu time%s in all.</p>\n</body>\n</html>\n",
	    r->n, r->n == 1 ? "" : "s");
}
