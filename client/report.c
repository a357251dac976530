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
#include "i18n.h"
#include "render.h"
#include "report.h"

/* A role as words: "home-nurse" -> "home nurse" (translated when known). */
static void
role_words(const char *role, char *out, size_t n)
{
	render_role_words(role, out, n);
}

static const char *
why_words(const view_access_t *a)
{
	if (strcmp(a->purpose, "treatment") == 0)
		return _("for your care");
	if (strcmp(a->purpose, "emergency") == 0)
		return _("in an emergency");
	if (strcmp(a->purpose, "coordination") == 0)
		return _("to coordinate your care");
	if (strcmp(a->purpose, "own-request") == 0)
		return a->for_person ? _("for you, on your behalf") : _("at your own request");
	if (strcmp(a->purpose, "audit") == 0)
		return _("to check who read your notebook");
	return _("for a reason not known to this version of cahier");
}

/* What was done, in words; a refused or failed one with why it was asked. */
static void
what_words(const view_access_t *a, char *out, size_t n)
{
	int refused = strcmp(a->outcome, "refused") == 0, tried = strcmp(a->outcome, "ok") != 0;
	unsigned long long k = (unsigned long long)a->count;
	unsigned long kn = (unsigned long)(k > 1000000 ? 1000000 : k);
	if (strcmp(a->action, "list") == 0)
		snprintf(out, n, "%s", _("saw your name in a list of cases"));
	else if (tried && strcmp(a->scope, "the audit") == 0)
		snprintf(out, n, refused ? _("tried to read who read your notebook, %s, and was refused") :
		    _("tried to read who read your notebook, %s, and it failed"), why_words(a));
	else if (tried && strcmp(a->action, "search") == 0)
		snprintf(out, n, refused ? _("tried to search your notebook, %s, and was refused") :
		    _("tried to search your notebook, %s, and it failed"), why_words(a));
	else if (tried)
		snprintf(out, n, refused ? _("tried to read your notebook, %s, and was refused") :
		    _("tried to read your notebook, %s, and it failed"), why_words(a));
	else if (strcmp(a->action, "search") == 0)
		snprintf(out, n, ngettext("searched your notebook and saw %llu entry",
		    "searched your notebook and saw %llu entries", kn), k);
	else if (strcmp(a->action, "export") == 0)
		snprintf(out, n, ngettext("exported %llu entry of your notebook",
		    "exported %llu entries of your notebook", kn), k);
	else if (strcmp(a->action, "print") == 0)
		snprintf(out, n, ngettext("printed %llu entry of your notebook",
		    "printed %llu entries of your notebook", kn), k);
	else if (strcmp(a->scope, "the audit") == 0)
		snprintf(out, n, ngettext("read who read your notebook (%llu record)",
		    "read who read your notebook (%llu records)", kn), k);
	else if (strcmp(a->scope, "the care network") == 0)
		snprintf(out, n, "%s", _("looked at who is in your care network"));
	else if (strcmp(a->scope, "one entry") == 0)
		snprintf(out, n, "%s", k > 1 ? _("read one entry of your notebook, with its earlier versions") :
		    _("read one entry of your notebook"));
	else if (a->kinds[0])
		snprintf(out, n, ngettext("read %llu entry of your notebook (%s)",
		    "read %llu entries of your notebook (%s)", kn), k, a->kinds);
	else
		snprintf(out, n, ngettext("read %llu entry of your notebook",
		    "read %llu entries of your notebook", kn), k);
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
		fprintf(f, _("Who read the notebook of %s\n(printed %s; oldest first)\n\n"),
		    cli_show(&sh, casename), now);
		cli_shown_clear(&sh);
		return;
	}
	/* TRANSLATORS: the language code of the page (html lang): nl, fr */
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>", _("en"));
	html_fput(f, _("Who read the notebook"));
	/* not translated: markup and style */
	fputs("</title>\n<style>\n"
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
	    "</style>\n</head>\n<body>\n<h1>", f);
	/* the title, with the case's name isolated */
	const char *title = _("Who read the notebook of %s"), *at = strstr(title, "%s");
	html_fput_n(f, title, at ? (size_t)(at - title) : strlen(title));
	fputs("<bdi>", f);
	html_fput(f, casename);
	fputs("</bdi>", f);
	if (at)
		html_fput(f, at + 2);
	fputs("</h1>\n<p class=\"meta\">", f);
	char printed[128];
	snprintf(printed, sizeof(printed), _("Printed %s."), now);
	html_fput(f, printed);
	fputc(' ', f);
	html_fput(f, _("Every time someone read the notebook, their organization's computer "
	    "wrote it down; this is that list, oldest first."));
	fputs("</p>\n<table>\n<thead><tr><th>", f);
	html_fput(f, _("When"));
	fputs("</th><th>", f);
	html_fput(f, _("Who"));
	fputs("</th><th>", f);
	html_fput(f, _("What"));
	fputs("</th><th>", f);
	html_fput(f, _("Why"));
	fputs("</th></tr></thead>\n<tbody>\n", f);
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
		char who[1200];
		snprintf(who, sizeof(who), _("%s, %s at %s"), cli_show(&sh, a->reader),
		    cli_show(&sh, role), cli_show(&sh, a->org));
		fprintf(r->f, "%s  %s,\n                  %s%s%s.\n", when, who,
		    cli_show(&sh, what), ok ? ", " : "", ok ? why_words(a) : "");
		cli_shown_clear(&sh);
		return;
	}
	/* not translated: markup */
	fprintf(r->f, "<tr%s><td class=\"when\">", strcmp(a->outcome, "ok") ? " class=\"refused\"" : "");
	html_fput(r->f, when);
	fputs("</td><td>", r->f);
	/* "%s, %s at %s": the reader and the organization isolated */
	const char *fmt = _("%s, %s at %s"), *q = fmt;
	int arg = 0;
	while (*q) {
		const char *pc = strstr(q, "%s");
		html_fput_n(r->f, q, pc ? (size_t)(pc - q) : strlen(q));
		if (!pc)
			break;
		const char *v = arg == 0 ? a->reader : arg == 1 ? role : a->org;
		if (arg != 1)
			fputs("<bdi>", r->f);
		html_fput(r->f, v);
		if (arg != 1)
			fputs("</bdi>", r->f);
		arg++;
		q = pc + 2;
	}
	fputs("</td><td>", r->f);
	html_fput(r->f, what);
	fputs("</td><td>", r->f);
	html_fput(r->f, ok ? why_words(a) : "");
	fputs("</td></tr>\n", r->f);
}

void
report_end(report_t *r)
{
	if (!r->html) {
		fputc('\n', r->f);
		fprintf(r->f, ngettext("%zu time in all.\n", "%zu times in all.\n",
		    (unsigned long)r->n), r->n);
		return;
	}
	char total[96];
	snprintf(total, sizeof(total), ngettext("%zu time in all.", "%zu times in all.",
	    (unsigned long)r->n), r->n);
	fputs("</tbody>\n</table>\n<p class=\"meta\">", r->f);
	html_fput(r->f, total);
	fputs("</p>\n</body>\n</html>\n", r->f);
}
