/* ponder: a terminal tutor that shows how language models reason.
 * main only wires the command line to the TUI or the headless runner. */
#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>

#include "app/cli.h"
#include "app/config.h"
#include "app/headless.h"
#include "app/practice_session.h"
#include "app/runs.h"
#include "app/tui.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* API keys live in this process's memory: it makes no core dumps. */
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    app_config cfg;
    config_defaults(&cfg);
    config_load(&cfg, NULL);

    cli_args args;
    char err[512];
    int rc = cli_parse(argc, argv, &cfg, &args, err, sizeof err);
    if (rc) {
        fprintf(stderr, "ponder: %s\n", err);
        fprintf(stderr, "Try 'ponder --help'.\n");
        return rc;
    }
    switch (args.cmd) {
    case CMD_HELP:
        cli_usage(stdout);
        return 0;
    case CMD_VERSION:
        printf("ponder %s\n", PONDER_VERSION);
        return 0;
    case CMD_RUNS:
        return runs_command(stdout, stderr);
    case CMD_PRACTICE: {
        practice_opts po = { args.set, args.skill, args.tier, args.student };
        return practice_session_run(&cfg, &po);
    }
    case CMD_PROGRESS:
        return progress_command(&cfg, args.student, cfg.export_path);
    case CMD_REPLAY:
        return tui_replay(&cfg, args.file, args.speed);
    default:
        break;
    }
    return args.cmd == CMD_SOLVE ? headless_solve(&cfg, args.problem) : tui_main(&cfg);
}
