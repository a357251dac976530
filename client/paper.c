/* paper.c - the booklet and the yellow-box sheet (being built). */
#include "cli.h"
#include "export.h"

int
export_booklet(cli_t *c, int argc, char **argv)
{
	(void)c, (void)argc, (void)argv;
	cli_die(EXIT_ERR, "export --booklet: not built yet");
}

int
export_yellow_box(cli_t *c, int argc, char **argv)
{
	(void)c, (void)argc, (void)argv;
	cli_die(EXIT_ERR, "export --yellow-box: not built yet");
}
