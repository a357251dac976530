/* help.c - what every subcommand says the same way in the provider's
 * language: its --help text, paragraph by paragraph, and a yes/no
 * question before what cannot be undone (cli.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "escape.h"

void
cli_help(FILE *f, const char *const *help)
{
	for (size_t i = 0; help[i]; i++) {
		if (i)
			fputc('\n', f);
		fputs(_(help[i]), f);
	}
}

/* 1 if word, cut at the first comma, is the first n bytes of list's item. */
static int
in_list(const char *word, size_t n, const char *list)
{
	const char *p = list;
	while (*p) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
cli_ask_yes(const char *question)
{
	char line[64];
	/* TRANSLATORS: the hint after a yes/no question; the default (no)
	 * in capitals, the letter of yes first. */
	fprintf(stderr, "%s %s ", question, _("[y/N]"));
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	char *s = line;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strcspn(s, " \t\r\n");
	for (size_t i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	if (n == 0)
		return 0;
	/* TRANSLATORS: the answers that mean yes to a question, lowercase,
	 * separated by commas; the English y and yes are always taken too. */
	return in_list(s, n, "y,yes") || in_list(s, n, _("y,yes"));
}

size_t
cli_label_width(const char *label)
{
	char buf[256];
	/* TRANSLATORS: a label before its value, as in "cases: 3"; French
	 * puts a space before the colon */
	snprintf(buf, sizeof(buf), _("%s:"), label);
	return cli_width(buf);
}

void
cli_label(FILE *f, const char *label, size_t width)
{
	char buf[256];
	snprintf(buf, sizeof(buf), _("%s:"), label);
	cli_pad(f, buf, width);
}
