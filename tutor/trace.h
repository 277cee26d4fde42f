/* trace: one tree for every strategy (DESIGN.md §3).
 *
 * A trace is only ever changed by trace_apply(), so a strategy's own trace
 * and the UI's view of it, fed the same events, are the same tree. */
#ifndef PONDER_TRACE_H
#define PONDER_TRACE_H
#include <stddef.h>
#include "tutor/event.h"

typedef struct {
    char *s;
    size_t len, cap;
} text_buf;

typedef struct {
    int id, parent, depth;
    node_kind kind;
    char *label;            /* short label, owned, may be NULL */
    text_buf thinking, answer_text;
    int tokens;
    int think_tokens;       /* of tokens, those on the thinking channel */
    node_status status;
    node_scores scores;
    char *answer;           /* extracted final answer, owned, may be NULL */
    char *error;            /* last error on this node, owned, may be NULL */
    char *mark;             /* the step checker's mark on a wrong or unsupported
                             * step ("5² = 10 ✗, 5² = 25"), owned, may be NULL */
    char *reason;           /* why the node was pruned ("merged with #65", the
                             * checker's mark), owned, may be NULL */
    int *children;
    int n_children, cap_children;
} trace_node;

typedef struct {
    trace_node *nodes;      /* indexed by id: ids are dense, 0 is the root */
    int n, cap;
    char *problem;
    tally votes;
    int has_votes;
    long tokens_in, tokens_out, thinking_tokens;
    int done;
    run_status run;
    char *answer;
    int guess;              /* EV_DONE said the answer is a guess */
    char *error;            /* last run-level error (node -1), owned, may be NULL */
} trace;

void trace_init(trace *t);
void trace_done(trace *t);
/* Applies one event. Events naming unknown nodes are ignored (returns -1). */
int trace_apply(trace *t, const event *ev);
trace_node *trace_get(trace *t, int id);
const trace_node *trace_cget(const trace *t, int id);
/* What a node says in one line, for the tree, DOT and the outline: a step
 * or thought is its own text ("13 - 9 = 4 (left: 4 4 10)"), leading space
 * dropped; the label ("thought", "step") only says what kind it is, so it
 * is the fallback. Other nodes: the label ("sample 3"), else their text.
 * Never NULL; may hold newlines (callers cut at the first). */
const char *trace_node_text(const trace_node *n);
/* 1 when the run grew a tree (a step or thought node, or any node deeper
 * than a sample): the one rule the tree pane, the exports and `solve` use. */
int trace_is_tree(const trace *t);
/* The end of the chosen path: from the root, each time the first chosen
 * child, until a node has none. -1 when the root has no chosen child. The
 * strategies mark one path from the root (search_mark_chosen), so this is
 * its last node; a crafted transcript with more gets one answer, in O(n). */
int trace_chosen_leaf(const trace *t);
/* Appends len bytes to a text buffer, keeping it NUL-terminated. */
void text_buf_append(text_buf *b, const char *s, size_t len);

#endif
