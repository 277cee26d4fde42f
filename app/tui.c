#include "app/tui.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/replay.h"
#include "app/runner.h"
#include "app/runs.h"
#include "strategies/strategy.h"
#include "tutor/export.h"
#include "tutor/prompt.h"
#include "tutor/game24.h"
#include "ui/clip.h"
#include "ui/curses.h"          /* KEY_* codes only */
#include "ui/files.h"
#include "ui/input.h"
#include "ui/keymap.h"
#include "ui/screen.h"
#include "ui/term.h"
#include "ui/text.h"
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
    replay *rp;             /* `ponder replay`: the saved run being shown */
    char replay_line[320];  /* its status-line segment */
    int replay_ended;       /* the end of the replay has been announced */
} tui;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- small helpers ---- */

static void note(tui *t, ui_role role, const char *fmt, const char *arg)
{
    view_message(&t->v, role, now_s(), MSG_S, fmt, arg);
    t->dirty = 1;
}

static const strategy_info *current_strategy(const tui *t)
{
    return strategy_find(t->cfg->strategy);
}

static int effective_n(const tui *t)
{
    const strategy_info *si = current_strategy(t);
    if (t->cfg->strat.n > 0) return t->cfg->strat.n;
    return si ? si->default_n : 1;
}

static double effective_t(const tui *t)
{
    const strategy_info *si = current_strategy(t);
    if (t->cfg->strat.temperature >= 0) return t->cfg->strat.temperature;
    return si ? si->default_t : -1;
}

/* The status line shows the next solve's settings from here. */
static void sync_settings(tui *t)
{
    t->scr.model = t->cfg->model;
    t->scr.strategy = t->cfg->strategy;
    t->scr.strategy_traits = current_strategy(t) ? current_strategy(t)->traits : 0;
    t->scr.n = effective_n(t);
    t->scr.temperature = effective_t(t);
    t->scr.task = t->cfg->strat.task == TASK_24;
    t->scr.think_setting = t->cfg->strat.think == THINK_DEFAULT ? NULL
                 : think_name(t->cfg->strat.think, t->cfg->strat.think_budget,
                              t->think_buf, sizeof t->think_buf);
    t->scr.insecure = t->cfg->insecure;
    t->dirty = 1;
}

/* The side pane always exists today: votes for sc, the run's nodes
 * otherwise. A toggle would go here. */
static int want_side(void) { return 1; }

/* ---- actions ---- */

static void replay_key(tui *t, ui_action a);

static void start_solve(void *ud, const char *line)
{
    tui *t = ud;
    char err[512], msg[512] = "";
    double now = now_s();
    while (*line == ' ') line++;
    if (t->rp) {
        note(t, ROLE_STATUS_ERROR, "%s", "A replay has no model: quit (Ctrl-D) and run "
             "ponder to solve a new problem.");
        return;
    }
    if (!*line) {
        note(t, ROLE_STATUS, "%s", t->cfg->strat.task == TASK_24
             ? "Type four numbers, such as 4 9 10 13, then press Enter."
             : "Type a word problem first, then press Enter.");
        return;
    }
    g24_state g;
    if (t->cfg->strat.task == TASK_24 && g24_parse(line, &g) < 0) {
        note(t, ROLE_STATUS_ERROR, "%s", "A Game of 24 puzzle is 1 to 4 whole numbers, such as "
             "4 9 10 13 (Ctrl-G goes back to word problems).");
        return;
    }
    if (input_history_add(line, msg, sizeof msg) < 0 && msg[0])
        note(t, ROLE_STATUS_ERROR, "%s", msg);
    view_reset(&t->v, now);
    screen_new_run(&t->scr);
    t->cfg->strat.name = t->cfg->strategy;
    if (runner_start(t->run, t->cfg, line, err, sizeof err) < 0) {
        /* shown like any failed run: the answer pane says why */
        event e = event_make(EV_RUN_START);
        e.text = (char *)line;
        e.strategy = t->cfg->strategy;
        e.model = t->cfg->model;
        e.n = effective_n(t);
        e.temperature = effective_t(t);
        e.has_traits = 1;
        e.strategy_traits = current_strategy(t) ? current_strategy(t)->traits : 0;
        e.model_caps = model_spec_caps(t->cfg->model);
        view_apply(&t->v, &e, now);
        e = event_make(EV_ERROR);
        e.text = err;
        view_apply(&t->v, &e, now);
        e = event_make(EV_DONE);
        e.run = RUN_FAILED;
        view_apply(&t->v, &e, now);
        note(t, ROLE_STATUS_ERROR, "%s", "could not start the run; the Thinking pane says why");
    }
    t->next_spin = now + SPIN_S;
    t->dirty = 1;
}

static void cancel_run(tui *t)
{
    if (!runner_busy(t->run)) return;
    runner_cancel(t->run);
    note(t, ROLE_STATUS, "%s", "cancelling...");
}

static void cycle_strategy(tui *t)
{
    const strategy_info *cur = current_strategy(t), *next = NULL;
    int i = 0;
    for (const strategy_info *si; (si = strategy_at(i)); i++)
        if (si == cur) { next = strategy_at(i + 1); break; }
    if (!next) next = strategy_at(0);
    if (!next) return;
    snprintf(t->cfg->strategy, sizeof t->cfg->strategy, "%s", next->name);
    t->cfg->strat.name = t->cfg->strategy;
    t->cfg->strat.n = next->default_n;
    t->cfg->strat.temperature = next->default_t;
    sync_settings(t);
    view_message(&t->v, ROLE_STATUS, now_s(), MSG_S, "strategy %s: %s%s", next->name,
                 next->summary ? next->summary : "",
                 runner_busy(t->run) ? " (from the next solve)" : "");
    t->resized = 1;
}

/* Word problems or Game of 24: the task decides the prompts and the
 * checker, and any strategy runs on it; tot is the one to watch. */
static void toggle_task(tui *t)
{
    int on = t->cfg->strat.task != TASK_24;
    t->cfg->strat.task = on ? TASK_24 : TASK_MATH;
    input_set_task24(on);
    sync_settings(t);
    if (on)
        view_message(&t->v, ROLE_STATUS, now_s(), MSG_S,
                     "Game of 24: type four numbers such as 4 9 10 13; %s%s",
                     (t->scr.strategy_traits & STRAT_TREE) ? "the search tree grows in the side pane"
                     : "Ctrl-S to a tree search (tot) shows the search tree",
                     runner_busy(t->run) ? " (from the next solve)" : "");
    else
        view_message(&t->v, ROLE_STATUS, now_s(), MSG_S, "word problems%s",
                     runner_busy(t->run) ? " (from the next solve)" : "");
    t->resized = 1;
}

/* --think from the keyboard: default, off, on, low, medium, high, and a
 * 256-token budget, round again. The backend says (a notice) when it cannot
 * do what is asked. */
static void cycle_think(tui *t)
{
    static const think_mode order[] = { THINK_DEFAULT, THINK_OFF, THINK_ON, THINK_LOW,
                                        THINK_MEDIUM, THINK_HIGH, THINK_BUDGET };
    size_t i = 0, n = sizeof order / sizeof order[0];
    while (i < n && order[i] != t->cfg->strat.think) i++;
    t->cfg->strat.think = order[(i + 1) % n];
    if (t->cfg->strat.think == THINK_BUDGET) t->cfg->strat.think_budget = 256;
    sync_settings(t);
    char buf[32];
    view_message(&t->v, ROLE_STATUS, now_s(), MSG_S, "thinking: %s%s",
                 think_name(t->cfg->strat.think, t->cfg->strat.think_budget, buf, sizeof buf),
                 runner_busy(t->run) ? " (from the next solve)" : "");
}

static void change_n(tui *t, int delta)
{
    int n = effective_n(t) + delta;
    if (n < 1) n = 1;
    if (n > 64) n = 64;
    t->cfg->strat.n = n;
    sync_settings(t);
    const strategy_info *si = current_strategy(t);
    int used = si && (si->traits & STRAT_USES_N);
    view_message(&t->v, ROLE_STATUS, now_s(), MSG_S, "%s=%d%s",
                 si && si->n_label ? si->n_label : "samples n", n,
                 used ? "" : " (not used by this strategy; Ctrl-S switches strategy)");
}

static void change_t(tui *t, double delta)
{
    double v = effective_t(t);
    if (v < 0) v = 0.8;
    v += delta;
    if (v < 0) v = 0;
    if (v > 2) v = 2;
    v = (double)(long)(v * 10 + 0.5) / 10;
    t->cfg->strat.temperature = v;
    sync_settings(t);
    view_message(&t->v, ROLE_STATUS, now_s(), MSG_S, "temperature T=%.1f", v);
}

static void copy_answer(tui *t)
{
    const char *ans = t->v.tr.answer && *t->v.tr.answer ? t->v.tr.answer : NULL;
    char path[1200], err[512], body[600];
    if (!ans) {
        const trace_node *n = trace_cget(&t->v.tr, view_focus(&t->v));
        if (n && n->answer && *n->answer) ans = n->answer;
    }
    if (!ans) { note(t, ROLE_STATUS, "%s", "No answer to copy yet."); return; }
    fflush(stdout);
    clip_osc52(STDOUT_FILENO, ans);
    snprintf(body, sizeof body, "%s\n", ans);
    if (!t->state_dir[0]) {
        note(t, ROLE_STATUS, "copied %s to the terminal clipboard", ans);
        return;
    }
    snprintf(path, sizeof path, "%s/last-answer", t->state_dir);
    if (files_write_atomic(path, body, strlen(body), err, sizeof err) < 0)
        view_message(&t->v, ROLE_STATUS_ERROR, now_s(), MSG_S,
                     "copied %s to the terminal clipboard; %s", ans, err);
    else {
        const char *home = getenv("HOME");
        size_t hl = home ? strlen(home) : 0;
        int tilde = hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/';
        view_message(&t->v, ROLE_STATUS, now_s(), MSG_S, "copied %s (terminal clipboard and %s%s)",
                     ans, tilde ? "~" : "", path + (tilde ? hl : 0));
    }
    t->dirty = 1;
}

static void show_prompt(tui *t)
{
    const char *name = t->cfg->strategy, *problem = input_text();
    const strategy_info *si = current_strategy(t);
    prompt_style style = si ? si->first_prompt : PROMPT_COT;
    int raw = (model_spec_caps(t->cfg->model) & CAP_RAW_FORMAT) != 0;
    prompt p;
    char title[128], *text;
    if (!*problem) problem = t->v.tr.problem && *t->v.tr.problem ? t->v.tr.problem
                                                                 : "(your problem goes here)";
    int search = si && (si->traits & STRAT_STEPS);
    if (t->cfg->strat.task == TASK_24 && (search || raw))
        prompt_step(&p, 1, problem, NULL, raw);
    else if (t->cfg->strat.task == TASK_24)
        prompt_build24(&p, style, problem);
    else if (search)
        prompt_step(&p, 0, problem, NULL, raw);
    else
        prompt_build(&p, style, problem, raw);
    text = prompt_render(&p);
    prompt_free(&p);
    if (!text) { note(t, ROLE_STATUS_ERROR, "%s", "could not render the prompt"); return; }
    if (si && (si->traits & STRAT_VOTES))
        snprintf(title, sizeof title, "Prompt: %s sends this %d times at T=%.1f",
                 name, effective_n(t), effective_t(t));
    else if (search)
        snprintf(title, sizeof title, "Prompt: %s asks for one step at a time, first this", name);
    else snprintf(title, sizeof title, "Prompt: %s", name);
    screen_overlay(&t->scr, OVERLAY_PROMPT, title, text);
    t->dirty = 1;
}

static void scroll_thinking(tui *t, int delta)
{
    ui_screen *s = &t->scr;
    int top = (t->v.follow ? s->max_top : s->top) + delta;
    if (top < 0) top = 0;
    if (top >= s->max_top) {
        top = s->max_top;
        t->v.follow = delta > 0 || s->max_top == 0;
    } else t->v.follow = 0;
    t->v.scroll = top;
    t->dirty = 1;
}

/* ---- the tree pane ---- */

/* After the tree's cursor moved: the Thinking pane shows that node. */
static void tree_moved(tui *t)
{
    const trace_node *n = trace_cget(&t->v.tr, t->v.tree.cursor);
    t->v.focus = -1;
    t->v.path_node = -1;
    t->v.follow = n && n->status == NS_STREAMING;
    t->v.scroll = 0;
}

static void export_run(tui *t, const char *ext)
{
    char path[64], err[600], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    if (!t->v.started || t->v.tr.n == 0) { note(t, ROLE_STATUS, "%s", "No run to export yet."); return; }
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(path, sizeof path, "ponder-run-%s.%s", stamp, ext);
    if (export_file(path, &t->v.tr, &t->v.log, err, sizeof err) < 0)
        note(t, ROLE_STATUS_ERROR, "export failed: %s", err);
    else note(t, ROLE_STATUS, "wrote %s", path);
}

static void tree_focus(tui *t)
{
    tree_view *tv = &t->v.tree;
    if (tv->focus) { tv->focus = 0; return; }
    if (!t->v.started || !view_has_tree(&t->v)) {
        note(t, ROLE_STATUS, "%s", "This run has no tree to explore (tree searches grow one).");
        return;
    }
    tv->focus = 1;
    tree_sync(tv, &t->v.tr);
}

static void tree_action(tui *t, ui_action a)
{
    tree_view *tv = &t->v.tree;
    const trace *tr = &t->v.tr;
    int page = tv->page > 2 ? tv->page - 1 : 1, moved = 0;
    if (tv->compact) page *= t->scr.lay.side.w > 2 ? t->scr.lay.side.w - 2 : 1;
    switch (a) {
    case ACT_TREE_DOWN: moved = tree_move_rows(tv, tr, 1); break;
    case ACT_TREE_UP: moved = tree_move_rows(tv, tr, -1); break;
    case ACT_TREE_PARENT: moved = tree_move_parent(tv, tr); break;
    case ACT_TREE_CHILD: moved = tree_move_child(tv, tr); break;
    case ACT_TREE_PREV_SIBLING: moved = tree_move_sibling(tv, tr, -1); break;
    case ACT_TREE_NEXT_SIBLING: moved = tree_move_sibling(tv, tr, 1); break;
    case ACT_TREE_PAGE_UP: moved = tree_move_rows(tv, tr, -page); break;
    case ACT_TREE_PAGE_DOWN: moved = tree_move_rows(tv, tr, page); break;
    case ACT_TREE_HOME: moved = tree_move_home(tv, tr); break;
    case ACT_TREE_END: moved = tree_move_end(tv, tr); break;
    case ACT_TREE_PATH:
        tree_sync(tv, tr);
        t->v.path_node = tv->cursor;
        t->v.follow = 0;
        t->v.scroll = 0;
        break;
    case ACT_TREE_COLLAPSE: tree_toggle(tv, tr); break;
    case ACT_TREE_SEARCH:
        tv->searching = 1;
        tv->search[0] = 0;
        break;
    case ACT_TREE_COMPACT: tv->compact = !tv->compact; tv->top = 0; break;
    case ACT_TREE_VOTES: tv->show_votes = !tv->show_votes; break;
    case ACT_TREE_EXPORT_DOT: export_run(t, "dot"); break;
    case ACT_TREE_EXPORT_JSON: export_run(t, "jsonl"); break;
    case ACT_TREE_EXPORT_MD: export_run(t, "md"); break;
    case ACT_TREE_LEAVE: tv->focus = 0; break;
    default: break;
    }
    if (moved) tree_moved(t);
    t->dirty = 1;
}

/* Keys while a tree search is typed on the status line. */
static void search_key(tui *t, int key)
{
    tree_view *tv = &t->v.tree;
    size_t len = strlen(tv->search);
    t->dirty = 1;
    if (key == 27 || key == KM_CTRL('c') || key == KM_CTRL('g')) { tv->searching = 0; return; }
    if (key == '\r' || key == '\n' || key == KM_FN(KEY_ENTER)) {
        if (!tv->search[0]) { tv->searching = 0; return; }
        if (tree_find_next(tv, &t->v.tr)) {
            tree_moved(t);
            t->v.msg[0] = 0;
        } else note(t, ROLE_STATUS_ERROR, "not found: %s", tv->search);
        return;
    }
    if (key == KM_FN(KEY_BACKSPACE) || key == 127 || key == 8) {
        while (len > 0 && ((unsigned char)tv->search[len - 1] & 0xc0) == 0x80) len--;
        if (len > 0) len--;
        tv->search[len] = 0;
        return;
    }
    if (key >= 0x20 && key < 0x110000 && key != 0x7f) {
        char mb[8];
        unsigned c = (unsigned)key;
        int n = 0;
        if (c < 0x80) mb[n++] = (char)c;
        else if (c < 0x800) { mb[n++] = (char)(0xc0 | c >> 6); mb[n++] = (char)(0x80 | (c & 0x3f)); }
        else if (c < 0x10000) { mb[n++] = (char)(0xe0 | c >> 12); mb[n++] = (char)(0x80 | (c >> 6 & 0x3f)); mb[n++] = (char)(0x80 | (c & 0x3f)); }
        else { mb[n++] = (char)(0xf0 | c >> 18); mb[n++] = (char)(0x80 | (c >> 12 & 0x3f)); mb[n++] = (char)(0x80 | (c >> 6 & 0x3f)); mb[n++] = (char)(0x80 | (c & 0x3f)); }
        if (len + (size_t)n < sizeof tv->search) {
            memcpy(tv->search + len, mb, (size_t)n);
            tv->search[len + (size_t)n] = 0;
        }
    }
}

static void do_action(tui *t, ui_action a, int key)
{
    int page = t->scr.page > 2 ? t->scr.page - 1 : 1;
    switch (a) {
    case ACT_NONE: {
        char msg[256] = "";
        if (input_key(key, msg, sizeof msg)) t->dirty = 1;
        if (msg[0]) note(t, ROLE_STATUS_ERROR, "%s", msg);
        break;
    }
    case ACT_HELP: screen_overlay(&t->scr, OVERLAY_HELP, "Keys", NULL); break;
    case ACT_SUBMIT:
        if (runner_busy(t->run))
            note(t, ROLE_STATUS, "%s", "A solve is running; Esc cancels it.");
        else input_submit();
        break;
    case ACT_CANCEL: cancel_run(t); break;
    case ACT_INTERRUPT:
        if (runner_busy(t->run)) cancel_run(t);
        else t->scr.quit_prompt = 1;
        break;
    case ACT_QUIT: t->quit = 1; break;
    case ACT_NEXT_SAMPLE: view_cycle(&t->v, 1); break;
    case ACT_PREV_SAMPLE: view_cycle(&t->v, -1); break;
    case ACT_PAGE_UP: scroll_thinking(t, -page); break;
    case ACT_PAGE_DOWN: scroll_thinking(t, page); break;
    case ACT_LINE_UP: scroll_thinking(t, -1); break;
    case ACT_LINE_DOWN: scroll_thinking(t, 1); break;
    case ACT_STRATEGY: cycle_strategy(t); break;
    case ACT_N_DOWN: change_n(t, -1); break;
    case ACT_N_UP: change_n(t, 1); break;
    case ACT_T_DOWN: change_t(t, -0.1); break;
    case ACT_T_UP: change_t(t, 0.1); break;
    case ACT_COPY: copy_answer(t); break;
    case ACT_PROMPT: show_prompt(t); break;
    case ACT_NEXT_TAB:
        t->scr.tab = screen_next_tab(&t->scr);
        t->resized = 1;
        break;
    case ACT_REDRAW: term_redraw_all(); break;
    case ACT_TREE_FOCUS: tree_focus(t); break;
    case ACT_TASK: toggle_task(t); break;
    case ACT_THINK: cycle_think(t); break;
    case ACT_THINK_OPEN:
        t->v.think_open = !t->v.think_open;
        note(t, ROLE_STATUS, "%s", t->v.think_open ? "thinking opened" : "thinking folded once the answer starts");
        break;
    case ACT_SUSPEND: t->suspend = 1; break;
    case ACT_TREE_DOWN: case ACT_TREE_UP: case ACT_TREE_PARENT: case ACT_TREE_CHILD:
    case ACT_TREE_PREV_SIBLING: case ACT_TREE_NEXT_SIBLING: case ACT_TREE_PAGE_UP:
    case ACT_TREE_PAGE_DOWN: case ACT_TREE_HOME: case ACT_TREE_END: case ACT_TREE_PATH:
    case ACT_TREE_COLLAPSE: case ACT_TREE_SEARCH: case ACT_TREE_COMPACT: case ACT_TREE_VOTES:
    case ACT_TREE_EXPORT_DOT: case ACT_TREE_EXPORT_JSON: case ACT_TREE_LEAVE:
    case ACT_TREE_EXPORT_MD:
        tree_action(t, a);
        break;
    case ACT_EXPORT_MD: export_run(t, "md"); break;
    case ACT_REPLAY_STEP: case ACT_REPLAY_NODE: case ACT_REPLAY_PAUSE:
        replay_key(t, a);
        break;
    case ACT__COUNT: break;
    }
    t->dirty = 1;
}

/* Keys while a window (help, prompt) is open: scroll or close it. */
static void overlay_key(tui *t, int key)
{
    ui_screen *s = &t->scr;
    int page = s->overlay_page > 2 ? s->overlay_page - 1 : 1;
    ui_action a = keymap_lookup(key, 1);
    if (key == KM_FN(KEY_UP) || a == ACT_LINE_UP) screen_scroll_overlay(s, -1);
    else if (key == KM_FN(KEY_DOWN) || a == ACT_LINE_DOWN) screen_scroll_overlay(s, 1);
    else if (a == ACT_PAGE_UP) screen_scroll_overlay(s, -page);
    else if (a == ACT_PAGE_DOWN || key == ' ') screen_scroll_overlay(s, page);
    else if (a == ACT_INTERRUPT) { screen_overlay(s, OVERLAY_NONE, NULL, NULL); do_action(t, a, key); }
    else if (a == ACT_CANCEL || a == ACT_HELP || a == ACT_SUBMIT || a == ACT_PROMPT || key == 'q')
        screen_overlay(s, OVERLAY_NONE, NULL, NULL);
    t->dirty = 1;
}

static void handle_key(tui *t, int key)
{
    if (t->scr.quit_prompt) {
        t->scr.quit_prompt = 0;
        if (key == 'y' || key == 'Y' || key == KM_CTRL('c')) t->quit = 1;
        t->dirty = 1;
        return;
    }
    if (t->scr.overlay != OVERLAY_NONE) { overlay_key(t, key); return; }
    if (t->v.tree.focus && !view_has_tree(&t->v)) t->v.tree.focus = 0;
    if (t->v.tree.searching) {
        search_key(t, key);
        if (key != KM_CTRL('c')) return;
    }
    do_action(t, keymap_lookup_mode(key, input_empty(), t->v.tree.focus, t->rp != NULL), key);
}

/* ---- bracketed paste ---- */

static void paste_char(tui *t, wint_t wc)
{
    char mb[8];
    int n = 0;
    unsigned c = (unsigned)wc;
    if (c < 0x80) mb[n++] = (char)c;
    else if (c < 0x800) { mb[n++] = (char)(0xc0 | c >> 6); mb[n++] = (char)(0x80 | (c & 0x3f)); }
    else if (c < 0x10000) { mb[n++] = (char)(0xe0 | c >> 12); mb[n++] = (char)(0x80 | (c >> 6 & 0x3f)); mb[n++] = (char)(0x80 | (c & 0x3f)); }
    else { mb[n++] = (char)(0xf0 | c >> 18); mb[n++] = (char)(0x80 | (c >> 12 & 0x3f)); mb[n++] = (char)(0x80 | (c >> 6 & 0x3f)); mb[n++] = (char)(0x80 | (c & 0x3f)); }
    t->paste_total += (size_t)n;
    if (!t->paste) t->paste = malloc(PASTE_CAP);
    if (t->paste && t->paste_len + (size_t)n <= PASTE_CAP) {
        memcpy(t->paste + t->paste_len, mb, (size_t)n);
        t->paste_len += (size_t)n;
    }
}

static void paste_end(tui *t)
{
    char msg[256] = "";
    t->pasting = 0;
    if (t->paste_total > t->paste_len || t->paste_total > INPUT_MAX)
        view_message(&t->v, ROLE_STATUS_ERROR, now_s(), MSG_S,
                     "paste refused: %zu bytes; a problem can be at most %d bytes",
                     t->paste_total, INPUT_MAX);
    else if (t->paste_len && input_paste(t->paste, t->paste_len, msg, sizeof msg) < 0)
        note(t, ROLE_STATUS_ERROR, "%s", msg);
    t->paste_len = t->paste_total = 0;
    t->dirty = 1;
}

/* ---- the loop ---- */

static void read_keys(tui *t)
{
    int key;
    while (!t->quit && (key = term_read_key()) != TERM_NO_KEY) {
        if (key == TERM_RESIZE) { t->resized = 1; t->dirty = 1; continue; }
        if (key == TERM_PASTE_BEGIN) { t->pasting = 1; t->paste_len = t->paste_total = 0; continue; }
        if (key == TERM_PASTE_END) { paste_end(t); continue; }
        if (t->pasting) {
            if (key == KM_FN(KEY_ENTER) || key == '\r') paste_char(t, '\n');
            else if (key < 0x1000000) paste_char(t, (unsigned)key);
            continue;
        }
        handle_key(t, key);
    }
}

/* One event of the run (live or replayed) into the view, which keeps it. */
static void take_event(tui *t, event *ev, double now)
{
    view_apply_owned(&t->v, ev, now);      /* the view's log keeps ev */
    if (ev->kind == EV_DONE) {
        if (ev->run == RUN_CANCELLED)
            view_message(&t->v, ROLE_STATUS, now, MSG_S, "cancelled; what arrived is kept");
        else if (ev->run == RUN_FAILED)
            view_message(&t->v, ROLE_STATUS_ERROR, now, MSG_S,
                         "the run failed; the Answer pane says why");
    } else if (ev->kind == EV_ERROR && !ev->retryable && ev->node < 0 && ev->text) {
        view_message(&t->v, ROLE_STATUS_ERROR, now, MSG_S, "%s", ev->text);
    } else if (ev->kind == EV_NOTICE && ev->text && !strchr(t->v.notice, '\n')) {
        view_message(&t->v, ROLE_STATUS, now, MSG_S, "%s", ev->text);   /* the first one */
    }
    t->events++;
    t->dirty = 1;
}

static void read_events(tui *t)
{
    double now = now_s();
    event *ev;
    int n = 0;
    char warn[600];
    t->more_events = 0;
    while ((ev = runner_pop(t->run))) {
        take_event(t, ev, now);
        if (++n >= MAX_EVENTS_PER_PASS) { t->more_events = 1; break; }
    }
    if (runner_take_warning(t->run, warn, sizeof warn))   /* said once a run */
        view_message(&t->v, ROLE_STATUS_ERROR, now, MSG_S, "%s", warn);
}

/* ---- ponder replay ---- */

static void replay_sync(tui *t)
{
    replay_status(t->rp, t->replay_line, sizeof t->replay_line);
    t->scr.replay = t->replay_line;
    t->dirty = 1;
}

/* A replayed event: the status line shows the saved run's settings. */
static void replay_take(tui *t, event *ev, double now)
{
    int start = ev->kind == EV_RUN_START;
    take_event(t, ev, now);
    if (start) {
        t->scr.model = t->v.model;
        t->scr.strategy = t->v.strategy;
        t->scr.n = t->v.n;
        t->scr.temperature = t->v.temperature;
        t->scr.task = t->v.task;
    }
}

/* Once every event is out: a transcript without its done event is a run
 * that was cut off (killed, or still being written); the view stops. */
static void replay_end(tui *t, double now)
{
    const char *notes = replay_notes(t->rp);
    if (t->replay_ended || !replay_finished(t->rp)) return;
    t->replay_ended = 1;
    if (replay_cut_off(t->rp)) {
        t->v.running = 0;
        t->v.t_end = now;
        view_message(&t->v, ROLE_STATUS_ERROR, now, 0,
                     "replay: the run was cut off after %d events (it has no end)%s%s",
                     replay_count(t->rp), notes[0] ? "; " : "", notes);
    } else {
        view_message(&t->v, notes[0] ? ROLE_STATUS_ERROR : ROLE_STATUS, now, MSG_S,
                     "replay: end of the run%s%s", notes[0] ? "; " : "", notes);
    }
    replay_sync(t);
}

static void replay_feed(tui *t, double now)
{
    event *ev;
    int n = 0;
    while ((ev = replay_next(t->rp, now))) {
        replay_take(t, ev, now);
        if (++n >= MAX_EVENTS_PER_PASS) { t->more_events = 1; break; }
    }
    replay_end(t, now);
}

static void replay_key(tui *t, ui_action a)
{
    double now = now_s();
    event *ev;
    if (!t->rp) return;
    if (a == ACT_REPLAY_PAUSE) {
        replay_set_paused(t->rp, !replay_paused(t->rp), now);
    } else if (a == ACT_REPLAY_STEP) {
        if ((ev = replay_step(t->rp, now))) replay_take(t, ev, now);
    } else {
        /* on to the next new node: every event up to and including it */
        while ((ev = replay_step(t->rp, now))) {
            int added = ev->kind == EV_NODE_ADD;
            replay_take(t, ev, now);
            if (added) break;
        }
    }
    if (replay_finished(t->rp)) replay_end(t, now);
    else if (a != ACT_REPLAY_PAUSE && replay_peek(t->rp) >= 0)
        view_message(&t->v, ROLE_STATUS, now, MSG_S, "replay: paused at event %d of %d "
                     "(n next, N next node, p go on)",
                     t->v.log.n, replay_count(t->rp));
    replay_sync(t);
}

static void read_signals(tui *t)
{
    int sig;
    while ((sig = term_read_signal()) != TERM_SIG_NONE) {
        if (sig == TERM_SIG_INT) handle_key(t, KM_CTRL('c'));
        else if (sig == TERM_SIG_QUIT) t->quit = 1;
        else if (sig == TERM_SIG_TSTP) t->suspend = 1;
        else if (sig == TERM_SIG_CONT) {    /* also after our own suspend */
            term_resume();
            t->resized = t->dirty = 1;
        } else t->dirty = 1;    /* SIGWINCH: KEY_RESIZE follows */
    }
}

/* Stops the process with the terminal given back; the run thread stops
 * with it and goes on after fg. Everything is redrawn at once. */
static void suspend(tui *t)
{
    char err[256];
    t->suspend = 0;
    if (term_suspend(err, sizeof err) < 0) note(t, ROLE_STATUS_ERROR, "%s", err);
    t->resized = t->dirty = 1;
    t->last_draw = 0;
}

/* Milliseconds poll may sleep: until the next frame is allowed, the next
 * spinner step, or a message expiring; forever when nothing is pending. */
static int next_timeout(tui *t, double now)
{
    double wait = 1e9;     /* "forever" */
    if (t->more_events) return 0;
    if (t->rp && replay_wait(t->rp, now) >= 0 && replay_wait(t->rp, now) < wait)
        wait = replay_wait(t->rp, now);
    if (t->dirty) wait = t->last_draw + FRAME_S - now;
    if (t->v.running && t->next_spin - now < wait) wait = t->next_spin - now;
    if (t->next_fade > 0 && t->next_fade - now < wait) wait = t->next_fade - now;
    if (t->v.msg[0] && t->v.msg_until > 0) {
        double w = t->v.msg_until - now;
        if (w <= 0) { t->v.msg[0] = 0; t->dirty = 1; w = 0; }
        if (w + 0.01 < wait) wait = w + 0.01;
    }
    if (wait >= 1e9) return -1;
    if (wait <= 0) return 0;
    return (int)(wait * 1000 + 0.999);
}

static int setup(tui *t, char *err, size_t errlen)
{
    char msg[512] = "", hmsg[512] = "", imsg[512] = "";
    int utf8 = term_locale_utf8(), cols, rows;
    theme_load(&t->th, t->cfg->theme, msg, sizeof msg);
    if (config_state_dir(t->state_dir, sizeof t->state_dir) < 0) {
        snprintf(hmsg, sizeof hmsg, "no state directory (set XDG_STATE_HOME or HOME): history is off");
        t->state_dir[0] = 0;
    }
    t->run = runner_new();
    if (!t->run) { snprintf(err, errlen, "could not create the run queue"); return -1; }
    if (term_open(err, errlen) < 0) return -1;
    theme_apply(&t->th);
    text_set_utf8(utf8);
    screen_init(&t->scr, utf8 && !t->cfg->ascii);
    view_init(&t->v);
    input_init(t->state_dir[0] ? t->state_dir : NULL, start_solve, t, imsg, sizeof imsg);
    input_set_task24(t->cfg->strat.task == TASK_24);
    if (!hmsg[0]) snprintf(hmsg, sizeof hmsg, "%s", imsg);
    sync_settings(t);
    term_size(&cols, &rows);
    screen_layout(&t->scr, cols, rows, want_side());
    /* the first thing worth saying: config, theme, then history problems */
    if (t->cfg->warning[0]) view_message(&t->v, ROLE_STATUS_ERROR, now_s(), 10, "%s", t->cfg->warning);
    else if (msg[0]) view_message(&t->v, ROLE_STATUS_ERROR, now_s(), 10, "%s", msg);
    else if (hmsg[0]) view_message(&t->v, ROLE_STATUS_ERROR, now_s(), 10, "%s", hmsg);
    t->dirty = 1;
    return 0;
}

/* Also undoes a setup() that failed half way. */
static void teardown(tui *t)
{
    if (t->run) runner_free(t->run);     /* cancels and joins a running solve */
    t->run = NULL;
    term_close();
    input_done();
    screen_done(&t->scr);
    view_done(&t->v);
    free(t->paste);
}

/* PONDER_TUI_STATS=FILE: one JSON line of frame figures at exit, for
 * `make bench` (redraw rate, time to first frame). */
static void write_stats(const tui *t)
{
    const char *path = getenv("PONDER_TUI_STATS");
    double up = now_s() - t->t_open;
    FILE *f;
    if (!path || !*path || !(f = fopen(path, "w"))) return;
    fprintf(f, "{\"frames\":%ld,\"seconds\":%.3f,\"fps\":%.1f,\"first_frame_ms\":%.1f,"
               "\"events\":%ld}\n",
            t->frames, up, up > 0 ? t->frames / up : 0,
            t->frames ? (t->t_first_frame - t->t_open) * 1000 : -1, t->events);
    fclose(f);
}

/* The loop, for a live session (rp NULL) or a replay (rp owned here). */
static int tui_run(app_config *cfg, replay *rp)
{
    tui t;
    char err[512] = "";
    memset(&t, 0, sizeof t);
    t.cfg = cfg;
    t.rp = rp;
    t.t_open = now_s();
    if (setup(&t, err, sizeof err) < 0) {
        teardown(&t);
        fprintf(stderr, "ponder: %s\n", err);
        return 1;
    }
    if (t.rp) {
        view_reset(&t.v, now_s());
        screen_new_run(&t.scr);
        replay_start(t.rp, now_s());
        replay_sync(&t);
    }
    while (!t.quit) {
        double now = now_s();
        /* A frame is already owed: let events pile up until it is due and
         * take them in one batch, rather than waking for every delta. */
        int hold = t.dirty && now < t.last_draw + FRAME_S;
        struct pollfd fds[3] = {
            { STDIN_FILENO, POLLIN, 0 },
            { hold ? -1 : runner_wake_fd(t.run), POLLIN, 0 },
            { term_signal_fd(), POLLIN, 0 },
        };
        int rc = poll(fds, 3, next_timeout(&t, now));
        if (rc < 0 && errno != EINTR) break;
        if (fds[2].revents) read_signals(&t);
        if (fds[0].revents & (POLLHUP | POLLERR)) t.quit = 1;
        read_keys(&t);      /* also after EINTR: a resize is waiting */
        if (fds[1].revents || t.more_events || hold) read_events(&t);
        if (t.rp && !hold) replay_feed(&t, now_s());
        if (t.suspend && !t.quit) suspend(&t);
        now = now_s();
        if (t.v.running && now >= t.next_spin) {
            t.scr.spin++;
            t.next_spin = now + SPIN_S;
            t.dirty = 1;
        }
        if (t.next_fade > 0 && now >= t.next_fade) {   /* a new node's highlight ends */
            t.next_fade = 0;
            t.dirty = 1;
        }
        if (t.resized) {
            int cols, rows;
            term_size(&cols, &rows);
            screen_layout(&t.scr, cols, rows, want_side());
            t.resized = 0;
        }
        if (t.dirty && now - t.last_draw >= FRAME_S && !t.quit) {
            screen_draw(&t.scr, &t.v, now);
            t.next_fade = tree_next_expiry(&t.v.tree, &t.v.tr, now);
            t.last_draw = now;
            if (t.frames++ == 0) t.t_first_frame = now;
            t.dirty = 0;
        }
    }
    teardown(&t);
    write_stats(&t);
    replay_free(t.rp);
    return 0;
}

int tui_main(app_config *cfg)
{
    return tui_run(cfg, NULL);
}

int tui_replay(app_config *cfg, const char *file, double speed)
{
    char path[1400], err[1600];
    replay *rp;
    if (runs_resolve(file, path, sizeof path, err, sizeof err) < 0 ||
        !(rp = replay_open(path, speed, err, sizeof err))) {
        fprintf(stderr, "ponder: %s\n", err);
        return 1;
    }
    return tui_run(cfg, rp);
}
