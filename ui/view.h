/* view: what the screen shows, built only from events.
 *
 * The view owns a trace fed by trace_apply() (the same tree the run thread
 * grows) plus what only the screen cares about: which sample the Thinking
 * pane follows, how far it is scrolled, the clock, the last retry message
 * and a transient status-line message, the tree pane's state, and every
 * event of the run (for export). No ncurses here. */
#ifndef PONDER_UI_VIEW_H
#define PONDER_UI_VIEW_H
#include "tutor/export.h"
#include "tutor/trace.h"
#include "ui/msglog.h"
#include "ui/theme.h"
#include "ui/tree.h"

typedef struct {
    trace tr;
    int started;            /* a run has been started since launch */
    int running;            /* started, EV_DONE not yet seen */
    char strategy[32], model[256];
    int n;
    int task;               /* the run is a Game of 24 puzzle */
    unsigned strategy_traits, model_caps;   /* from run_start (tutor/traits.h) */
    double temperature;
    double t_start, t_end;  /* monotonic seconds; t_end 0 while running */
    long elapsed_ms;        /* from EV_DONE */
    long live_tokens;       /* sum of EV_TEXT token counts (before usage arrives) */
    double confidence;
    int saved;
    char retry[256];        /* the last retryable error, until text flows again */
    int run_failed_msg;     /* tr.error came from a non-retryable error */
    char notice[1024];      /* the run's notices, oldest first, one a line */

    /* When each node's thinking began and its answer began (monotonic s,
     * 0 = not yet), indexed by node: the collapsed summary says "thought
     * for 1,240 tokens, 6.2 s". */
    double *t_think, *t_answer;
    int t_cap;
    int think_open;         /* the user expanded collapsed thinking */

    /* The Thinking pane. focus -1 means "automatic": the first sample. */
    int focus;
    int follow;             /* stick to the bottom as text streams */
    int scroll;             /* first shown line when !follow */
    /* Scrolling asked for by keys since the last frame, which settles it
     * (layout_scroll) once the pane's lines are known. */
    int scroll_asked, scroll_lines, scroll_pages;
    int path_node;          /* >= 0: the Thinking pane shows the path to this
                             * node (Enter in the tree) instead of a sample */

    tree_view tree;         /* the side pane's tree (ui/tree.h) */
    event_log log;          /* every event of the current run, in order */

    /* One transient message for the status line; each is also kept
     * whole in msgs (borrowed, may be NULL), which outlives runs. */
    msglog *msgs;
    char msg[512];
    ui_role msg_role;
    double msg_until;       /* 0: until replaced */
} view;

void view_init(view *v);
void view_done(view *v);
/* Forgets the previous run; called when a new solve is started. */
void view_reset(view *v, double now);
/* Applies one event (the caller keeps ownership). Returns 1 when the
 * screen needs redrawing (always, today). */
int view_apply(view *v, const event *ev, double now);
/* The same for a heap event (event_dup): the view keeps it in its event
 * log instead of copying it, so the caller must not free it. */
int view_apply_owned(view *v, event *ev, double now);

/* The nodes the Thinking pane can follow, in order (samples for sc, the
 * answer node for cot). Returns the count; fills at most cap ids. */
int view_followable(const view *v, int *ids, int cap);
/* The node the Thinking pane shows, or -1 with nothing yet. */
int view_focus(const view *v);
/* Index (0-based) of the focused node among the followable ones, or -1. */
int view_focus_index(const view *v, int *count);
/* Moves the focus by delta (wraps around); leaves the path view. */
void view_cycle(view *v, int delta);
/* Asks the Thinking pane to scroll by lines plus pages; the next frame
 * settles it. */
void view_scroll(view *v, int lines, int pages);

/* 1 when the side pane should show the run's tree (tree_wanted). */
int view_has_tree(const view *v);

/* Why the run failed: the run-level error, else the first node's, else NULL. */
const char *view_run_error(const view *v);

/* Tokens out so far: the run's usage totals, or the live count before the
 * first usage event. */
long view_tokens_out(const view *v);
double view_elapsed(const view *v, double now);

void view_message(view *v, ui_role role, double now, double secs, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The message, or NULL when there is none (or it has expired). */
const char *view_current_message(const view *v, double now);

#endif
