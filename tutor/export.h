/* export: a run written out for other tools.
 *
 * A trace becomes a Graphviz DOT graph (the tree as the search grew it:
 * pruned branches dashed, the chosen path bold, wrong steps red); the
 * run's events become JSON Lines that event_from_json() reads back, so an
 * export can be replayed. Depends on nothing outside tutor/. */
#ifndef PONDER_EXPORT_H
#define PONDER_EXPORT_H
#include <stddef.h>
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

/* The trace as a DOT digraph. Returns 0, or -1 when writing failed. */
int export_dot(const trace *t, FILE *f);
/* One event_to_json() object a line. Returns 0, or -1 when writing failed. */
int export_events(const event_log *log, FILE *f);
/* Writes DOT when path ends in ".dot" or ".gv", Markdown (tutor/markdown.h)
 * for ".md" or ".markdown", JSON Lines otherwise (log may be NULL for none). The file appears whole or not at all:
 * a temporary file in the same directory, fsync, rename. Returns 0, or -1
 * with "path: reason" in err. */
int export_file(const char *path, const trace *t, const event_log *log,
                char *err, size_t errlen);

#endif
