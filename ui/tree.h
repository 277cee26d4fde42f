/* tree: the side pane's view of the run's search tree.
 *
 * The model part (no ncurses) flattens the trace into rows: depth first,
 * children in the order they were added, collapsed subtrees hidden. It
 * keeps the cursor, the scroll offset, the collapsed set, the compact
 * flag, the search string and when each node arrived (for the brief
 * highlight of new nodes). tree_draw() paints it with ui/paint.h.
 *
 * Invariant: after tree_sync(), rows[] is the flattening of the trace
 * under `collapsed`, and row_of[id] is id's row or -1 when hidden. The
 * rows are rebuilt only when the trace grew or a collapse changed, never
 * per frame. */
#ifndef PONDER_UI_TREE_H
#define PONDER_UI_TREE_H
#include "tutor/trace.h"
#include "ui/layout.h"

enum { TREE_NEW_S = 1 };    /* seconds a new node stays highlighted */

typedef struct {
    int cursor;             /* node id, or -1 before the first node */
    int top;                /* first row (detailed) or line (compact) shown */
    int compact;            /* one glyph per node */
    int user_moved;         /* the user moved the cursor since the run began:
                             * stop following the run */
    int focus;              /* the keyboard is on the tree */
    int searching;          /* a search is being typed on the status line */
    char search[128];
    int show_votes;         /* side pane too small for both: votes instead */

    /* per node, indexed by id; cap entries allocated */
    unsigned char *collapsed;
    double *added;          /* when the node arrived (view_apply's now) */
    int *row_of;
    int cap;
    /* the flattened rows: node ids */
    int *rows;
    int n_rows, cap_rows;
    int synced_n;           /* trace size the rows were built for, -1: rebuild */
    int page;               /* rows (or lines) the last frame showed */
} tree_view;

void tree_init(tree_view *tv);
void tree_done(tree_view *tv);
/* Forgets the last run's tree (a new run starts). Keeps compact and focus. */
void tree_reset(tree_view *tv);

/* A node arrived at time now: remember when, and follow it unless the
 * user has moved the cursor. */
void tree_node_added(tree_view *tv, const trace *t, int id, double now);
/* The run is working on id (it streams): follow it unless the user moved. */
void tree_node_active(tree_view *tv, const trace *t, int id);
/* Brings rows up to date with the trace (cheap when nothing changed). */
void tree_sync(tree_view *tv, const trace *t);

/* 1 when the trace is a tree worth drawing: deeper than root + children,
 * or made of thought or step nodes. */
int tree_wanted(const trace *t);
/* The row the cursor is on: its own, or its nearest shown ancestor's. */
int tree_cursor_row(const tree_view *tv, const trace *t);

/* Cursor moves; each marks user_moved. Return 1 when the cursor moved. */
int tree_move_rows(tree_view *tv, const trace *t, int delta);   /* j/k, PgUp/PgDn */
int tree_move_home(tree_view *tv, const trace *t);
int tree_move_end(tree_view *tv, const trace *t);
int tree_move_parent(tree_view *tv, const trace *t);
int tree_move_child(tree_view *tv, const trace *t);    /* first child; expands */
int tree_move_sibling(tree_view *tv, const trace *t, int delta);
/* Collapses or expands the cursor's subtree. Returns 1 if it changed. */
int tree_toggle(tree_view *tv, const trace *t);
/* Next node after the cursor, in depth-first order over the whole tree and
 * wrapping, whose label or text contains tv->search (ASCII case folded).
 * Expands its ancestors and moves the cursor there. Returns 1, or 0 when
 * nothing matches. */
int tree_find_next(tree_view *tv, const trace *t);
/* The earliest time after now a "new" highlight ends, or 0 when none. */
double tree_next_expiry(const tree_view *tv, const trace *t, double now);

/* The text a row shows: the label, else the node's own step text (answer
 * channel), else its thinking, else its kind. */
const char *tree_node_text(const trace_node *n);
/* The whole path to id, root first, as text the caller frees: the problem,
 * then "Step k: text" for each step with the checker's mark ("✓", or "✗"
 * and trace_node.mark), then the answer. utf8 picks the marks' glyphs. */
char *tree_path_text(const trace *t, int id, int utf8);

/* Draws the pane's rows inside r (no border) at time now; adjusts tv->top
 * so the cursor stays in view. */
void tree_draw(tree_view *tv, const trace *t, ui_rect r, int utf8, int spin, double now);

#endif
