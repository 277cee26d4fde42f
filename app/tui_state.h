/* tui_state: the UI thread's state, shared by the files of the TUI.
 *
 *   tui.c           the loop: poll, read keys, events and signals, draw
 *   tui_keys.c      what a key does (the action switch, solve, cancel, scroll)
 *   tui_settings.c  the next run's settings: strategy, task, n, T, think
 *   tui_tree.c      the tree pane's keys and exports
 *   tui_paste.c     bracketed paste
 *   tui_replay.c    `ponder replay`: the saved run given out again
 *
 * Handlers change this state and set `dirty`; only the loop draws. They
 * read nothing the drawing wrote: scroll limits are settled by the layout
 * at draw time from the requests handlers leave in the view. */
#ifndef PONDER_APP_TUI_STATE_H
#define PONDER_APP_TUI_STATE_H
#include <wchar.h>

#include "app/config.h"
#include "app/replay.h"
#include "app/runner.h"
#include "strategies/strategy.h"
#include "ui/keymap.h"
#include "ui/screen.h"
#include "ui/theme.h"
#include "ui/view.h"

enum { MAX_EVENTS_PER_PASS = 4096, PASTE_CAP = 65536 };
static const double FRAME_S = 1.0 / 60, SPIN_S = 0.1, MSG_S = 6;

typedef struct {
    app_config *cfg;
    runner *run;
    view v;
    ui_screen scr;
    theme th;
    int quit;
    int dirty;              /* the screen needs a redraw */
    int resized;            /* recompute the layout before drawing */
    int suspend;            /* Ctrl-Z or SIGTSTP: stop at the end of this pass */
    int more_events;        /* the queue was not drained last pass */
    double last_draw, next_spin;
    double next_fade;       /* when a new node's highlight ends (0: none) */
    double t_open, t_first_frame;   /* for PONDER_TUI_STATS */
    long frames, events;
    int pasting;
    char *paste;            /* bracketed paste being collected */
    size_t paste_len, paste_total;
    char state_dir[1024];
    char think_buf[32];     /* the --think setting as shown */
    msglog msgs;            /* every status-line message, whole (Alt-L) */
    replay *rp;             /* `ponder replay`: the saved run being shown */
    char replay_line[320];  /* its status-line segment */
    int replay_ended;       /* the end of the replay has been announced */
    char overwrite[64];     /* an export waiting for y/n to replace this file */
} tui;

/* tui.c */
double tui_now(void);
/* A status-line message (printf fmt with one string argument). */
void tui_note(tui *t, ui_role role, const char *fmt, const char *arg);
/* One event of the run (live or replayed) into the view, which keeps it. */
void tui_take_event(tui *t, event *ev, double now);

/* tui_keys.c */
void tui_start_solve(void *ud, const char *line);
void tui_key(tui *t, int key);

/* tui_settings.c */
const strategy_info *tui_strategy(const tui *t);
int tui_effective_n(const tui *t);
double tui_effective_t(const tui *t);
void tui_sync_settings(tui *t);
int tui_want_side(void);
void tui_cycle_strategy(tui *t);
void tui_toggle_task(tui *t);
void tui_cycle_think(tui *t);
void tui_change_n(tui *t, int delta);
void tui_change_t(tui *t, double delta);
void tui_show_prompt(tui *t);

/* tui_tree.c */
void tui_export(tui *t, const char *ext);
void tui_export_answer(tui *t, int key);
void tui_tree_focus(tui *t);
void tui_tree_action(tui *t, ui_action a);
void tui_tree_search_key(tui *t, int key);

/* tui_paste.c */
void tui_paste_char(tui *t, wint_t wc);
void tui_paste_end(tui *t);

/* tui_replay.c */
void tui_replay_sync(tui *t);
void tui_replay_feed(tui *t, double now);
void tui_replay_key(tui *t, ui_action a);

#endif
