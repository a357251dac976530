/* cmd_export.c - cahier export CASE --booklet | --yellow-box | --missing-person
 * | --fhir. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"

static void
export_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fputs(_("usage: cahier export CASE --booklet | --yellow-box | --missing-person\n"
	    "                          | --fhir [options]\n\n"
	    "The case's notebook for paper and for other systems. Each export is a read:\n"
	    "it is recorded (as an export, or as a print for paper) with the entries it\n"
	    "holds, and shows only what your role may read.\n"
	    "  --booklet     the printable booklet for the person's home\n"
	    "  --yellow-box  the one-page emergency sheet of the yellow box\n"
	    "  --missing-person\n"
	    "                the yellow box's one-page sheet for when the person goes\n"
	    "                missing: description, habits, places the person may go\n"
	    "  --fhir        a FHIR R4 Bundle (JSON) for hospital and GP systems\n"
	    "'cahier export --booklet --help' (and so on) describes each one's options.\n"), f);
	exit(code);
}

int
cmd_export(cli_t *c, int argc, char **argv)
{
	int (*fn)(cli_t *, int, char **) = NULL;
	const char *chosen = NULL;

	for (int i = 1; i < argc; i++) {
		int (*f)(cli_t *, int, char **) = NULL;
		if (strcmp(argv[i], "--booklet") == 0)
			f = export_booklet;
		else if (strcmp(argv[i], "--yellow-box") == 0)
			f = export_yellow_box;
		else if (strcmp(argv[i], "--missing-person") == 0)
			f = export_missing_person;
		else if (strcmp(argv[i], "--fhir") == 0)
			f = export_fhir;
		if (!f)
			continue;
		if (fn)
			cli_die(EXIT_ERR, _("%s and %s: one export at a time"), chosen, argv[i]);
		fn = f;
		chosen = argv[i];
	}
	if (!fn) {
		for (int i = 1; i < argc; i++)
			if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
				export_usage(0);
		export_usage(EXIT_ERR);
	}
	return fn(c, argc, argv);
}
