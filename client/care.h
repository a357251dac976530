/* care.h - the commands that write care entries (cmd_care.c). Each is
 * cmd_<name>(c, argc, argv) with argv[0] = the command's name. cmd_post
 * (cli.h) is the note command with its historical default audience. */
#ifndef CAHIER_CARE_H
#define CAHIER_CARE_H

#include "cli.h"

int cmd_note(cli_t *c, int argc, char **argv);
int cmd_goal(cli_t *c, int argc, char **argv);
int cmd_task(cli_t *c, int argc, char **argv);
int cmd_appointment(cli_t *c, int argc, char **argv);
int cmd_alert(cli_t *c, int argc, char **argv);
int cmd_emergency(cli_t *c, int argc, char **argv);
int cmd_ack(cli_t *c, int argc, char **argv);
int cmd_handover(cli_t *c, int argc, char **argv);
int cmd_consent(cli_t *c, int argc, char **argv);
int cmd_consult(cli_t *c, int argc, char **argv);
int cmd_answer(cli_t *c, int argc, char **argv);
int cmd_decide(cli_t *c, int argc, char **argv);
int cmd_keep(cli_t *c, int argc, char **argv);
int cmd_checkin(cli_t *c, int argc, char **argv);
int cmd_hide(cli_t *c, int argc, char **argv);
int cmd_erase(cli_t *c, int argc, char **argv);
int cmd_edit(cli_t *c, int argc, char **argv);

#endif
