/* markdown: a run written up for people to read.
 *
 * The problem, the strategy, model and settings (from the log's run_start),
 * then what the run produced: for sampling strategies each sample's
 * reasoning in full; for tree searches the chosen path in full, then an
 * outline of the whole tree with its scores, pruned nodes struck through;
 * the votes table or a tree summary; the answer and how the run ended.
 * The outline stops at a depth limit (said in the file), so the file grows
 * with the run, not with nodes times depth.
 * Model text goes in fenced blocks, so nothing it says is taken as
 * Markdown. Depends on nothing outside tutor/. */
#ifndef PONDER_MARKDOWN_H
#define PONDER_MARKDOWN_H
#include <stdio.h>
#include "tutor/export.h"

/* Writes the run as Markdown. log may be NULL (no settings then). Returns
 * 0, or -1 when writing failed. */
int export_markdown(const trace *t, const event_log *log, FILE *f);
/* The same, stopping (-1) once *cancel is set (cancel may be NULL). */
int export_markdown_until(const trace *t, const event_log *log, FILE *f,
                          const atomic_int *cancel);

#endif
