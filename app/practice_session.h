/* practice_session: `ponder practice`, line by line on stdin (issue 11).
 *
 * With --json it is the headless protocol: each input line is a step,
 * `hint` (or `?`), `answer N` (or `= N`, "The answer is N"), `show`, `skip`
 * or `next`, and every output line is one JSON object (problem, step,
 * hint, answer, solution followed by the run's events, mastery). Without
 * --json the same loop talks plain text with a `step>` prompt. The engine
 * is tutor/practice.c; the model is asked only for hints and solutions. */
#ifndef PONDER_PRACTICE_SESSION_H
#define PONDER_PRACTICE_SESSION_H
#include "app/config.h"

typedef struct {
    const char *set;          /* --set FILE, or NULL for generated problems */
    int skill;                /* --skill, -1: the weakest unmastered */
    int tier;                 /* --tier, -1: from mastery */
    const char *student;      /* --student, NULL: $USER */
} practice_opts;

/* Runs until stdin ends. Returns the exit status (0, or 1 with a message
 * on stderr when the session could not start). */
int practice_session_run(const app_config *cfg, const practice_opts *o);

/* `ponder progress [--student NAME] [--export FILE]`. */
int progress_command(const app_config *cfg, const char *student, const char *export_path);

#endif
