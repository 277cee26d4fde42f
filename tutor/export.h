/* export: a run written out for other tools.
 *
 * A trace becomes a Graphviz DOT graph (the tree as the search grew it:
 * pruned branches dashed, the chosen path bold, wrong steps red); the
 * run's events become JSON Lines that event_from_json() reads back, so an
 * export can be replayed. Depends on nothing outside tutor/. */
#ifndef PONDER_EXPORT_H
#define PONDER_EXPORT_H
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include "tutor/trace.h"

/* Every event of a run, in order; each one an event_dup copy owned here. */
typedef struct {
    event **v;
    int n, cap;
} event_log;

void event_log_init(event_log *l);
/* Frees every event and the array; the log is empty (and reusable) after. */
void event_log_done(event_log *l);
/* Appends a copy of ev (the caller keeps ev). */
/* Takes ownership of a heap event (from event_dup): no copy. */
void event_log_adopt(event_log *l, event *ev);
void event_log_push(event_log *l, const event *ev);

/* How export_file may write. */
typedef struct {
    int force;                  /* an existing regular file may be replaced */
    const atomic_int *cancel;   /* set (a signal handler does): stop, write
                                 * nothing; NULL: never cancelled */
} export_opts;

/* The trace as a DOT digraph. Returns 0, or -1 when writing failed. */
int export_dot(const trace *t, FILE *f);
/* One event_to_json() object a line. Returns 0, or -1 when writing failed. */
int export_events(const event_log *log, FILE *f);
/* The same, stopping (-1) once *cancel is set (cancel may be NULL). */
int export_events_until(const event_log *log, FILE *f, const atomic_int *cancel);
/* Whether export_file could write path (tutor/atomicfile.h): a new name,
 * or a regular file when o->force (o may be NULL). Call it before the run
 * whose result goes there. Returns 0, or -1 with "path: reason"; errno is
 * EEXIST when only --force is missing. */
int export_check(const char *path, const export_opts *o, char *err, size_t errlen);
/* Writes DOT when path ends in ".dot" or ".gv", Markdown (tutor/markdown.h)
 * for ".md" or ".markdown", JSON Lines otherwise (log may be NULL for
 * none), through tutor/atomicfile.h: the file appears whole or not at all,
 * never onto a symlink, device, FIFO or directory, never over an existing
 * file unless o->force (then keeping its mode); new files get 0666 less
 * the umask. Returns 0, or -1 with "path: reason" in err (errno EEXIST as
 * in export_check). */
int export_file(const char *path, const trace *t, const event_log *log,
                const export_opts *o, char *err, size_t errlen);

#endif
