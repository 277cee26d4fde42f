/* cli: the command line of DESIGN.md §9, parsed into an app_config. */
#ifndef PONDER_CLI_H
#define PONDER_CLI_H
#include <stdio.h>
#include "app/config.h"

typedef enum { CMD_TUI, CMD_SOLVE, CMD_HELP, CMD_VERSION, CMD_RUNS, CMD_REPLAY,
               CMD_PRACTICE, CMD_PROGRESS } cli_command;

typedef struct {
    cli_command cmd;
    const char *problem;      /* solve: argv's PROBLEM ("-" = stdin) */
    const char *file;         /* replay: argv's FILE */
    double speed;             /* replay: --speed (1 = the run's own pace, 0 = instant) */
    const char *set;          /* practice: --set FILE, NULL = generated problems */
    int skill, tier;          /* practice: --skill, --tier; -1 = chosen by mastery */
    const char *student;      /* practice, progress: --student, NULL = $USER */
} cli_args;

/* Applies argv on top of cfg. Returns 0, or 2 (the usage exit status) with a
 * message in err. */
int cli_parse(int argc, char **argv, app_config *cfg, cli_args *out,
              char *err, size_t errlen);
void cli_usage(FILE *f);

#define PONDER_VERSION "0.1.0"

#endif
