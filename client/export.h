/* export.h - cahier export CASE: the notebook for paper and for other
 * systems. Every export is a read and is recorded like one (action export,
 * or print for what is meant for paper), listing the entries it holds; the
 * audience rules apply as to any read.
 *
 * cmd_export() picks the format from its one format option and hands the
 * whole argument vector to that format, which parses the rest itself
 * (--help included). */
#ifndef CAHIER_EXPORT_H
#define CAHIER_EXPORT_H

#include "cli.h"

/* --booklet: the printable booklet for the person's home (paper.c). */
int export_booklet(cli_t *c, int argc, char **argv);
/* --yellow-box: the one-page emergency sheet (paper.c). */
int export_yellow_box(cli_t *c, int argc, char **argv);
/* --missing-person: the yellow box's one-page missing-person sheet (paper.c). */
int export_missing_person(cli_t *c, int argc, char **argv);
/* --fhir: a FHIR R4 Bundle as JSON (fhir.c). */
int export_fhir(cli_t *c, int argc, char **argv);

#endif
