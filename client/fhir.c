/* fhir.c - the FHIR R4 export (being built). */
#include "cli.h"
#include "export.h"

int
export_fhir(cli_t *c, int argc, char **argv)
{
	(void)c, (void)argc, (void)argv;
	cli_die(EXIT_ERR, "export --fhir: not built yet");
}
