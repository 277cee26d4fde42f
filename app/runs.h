/* runs: where transcripts live, and `ponder runs`.
 *
 * Every run is saved as $XDG_DATA_HOME/ponder/runs/YYYYmmdd-HHMMSS-ID.jsonl
 * (default ~/.local/share/ponder/runs, made with mode 0700), written by
 * tutor/transcript.c. This module picks the names, lists the saved runs
 * (reading only each file's first and last lines) and finds a run by the
 * name `ponder runs` shows. */
#ifndef PONDER_RUNS_H
#define PONDER_RUNS_H
#include <stdio.h>
#include "tutor/transcript.h"

/* The runs directory; created (0700) when create is set. Returns 0, or -1
 * (no HOME / XDG_DATA_HOME, or mkdir failed: errno). */
int runs_dir(char *buf, size_t cap, int create);

/* Starts a transcript for a run that begins now: a new file in the runs
 * directory. Returns the writer, or NULL with a message in err. */
transcript_writer *runs_create(char *err, size_t errlen);

/* One line of `ponder runs`. */
typedef struct {
    char file[256];         /* the base name */
    char when[32];          /* "2025-03-01 14:03:22" */
    char strategy[32];
    char model[128];
    char outcome[64];       /* the answer, or failed / cancelled / no answer / cut off */
    char problem[256];      /* the first 50 characters, on one line */
} run_summary;

/* Fills s from a transcript's first and last lines. Returns 0, or -1 when
 * the file cannot be read or its first line is not a run_start. */
int runs_summarize(const char *path, run_summary *s);
/* Prints a table (a header, then one row a run, in the order given). */
void runs_print(FILE *f, const run_summary *rows, int n);
/* `ponder runs`: every saved run, newest first. Returns the exit status. */
int runs_command(FILE *out, FILE *err);
/* A run named on the command line: a path that exists, else a name from
 * `ponder runs` (".jsonl" may be left off) in the runs directory. Returns
 * 0, or -1 with a message in err. */
int runs_resolve(const char *name, char *path, size_t cap, char *err, size_t errlen);

#endif
