/* tui_keys: what a key does. One switch over the keymap's actions; the
 * handlers change state and mark the screen dirty, never draw. */
#include "app/tui_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tutor/game24.h"
#include "ui/clip.h"
#include "ui/curses.h"          /* KEY_* codes only */
#include "ui/files.h"
#include "ui/input.h"
#include "ui/term.h"

void tui_start_solve(void *ud, const char *line)
{
    tui *t = ud;
    char err[512], msg[512] = "";
    double now = tui_now();
    while (*line == ' ') line++;
    if (t->rp) {
        tui_note(t, ROLE_STATUS_ERROR, "%s", "A replay has no model: quit (Ctrl-D) and run "
             "ponder to solve a new problem.");
        return;
    }
    if (!*line) {
        tui_note(t, ROLE_STATUS, "%s", t->cfg->strat.task == TASK_24
             ? "Type four numbers, such as 4 9 10 13, then press Enter."
             : "Type a word problem first, then press Enter.");
        return;
    }
    g24_state g;
    if (t->cfg->strat.task == TASK_24 && g24_parse(line, &g) < 0) {
        tui_note(t, ROLE_STATUS_ERROR, "%s", "A Game of 24 puzzle is 1 to 4 whole numbers, such as "
             "4 9 10 13 (Ctrl-G goes back to word problems).");
        return;
    }
    view_reset(&t->v, now);
    /* the last run's notice was about the last problem (the log keeps it) */
    t->v.msg[0] = 0;
    if (input_history_add(line, msg, sizeof msg) < 0 && msg[0])
        tui_note(t, ROLE_STATUS_ERROR, "%s", msg);
    screen_new_run(&t->scr);
    t->cfg->strat.name = t->cfg->strategy;
    if (runner_start(t->run, t->cfg, line, err, sizeof err) < 0) {
        /* shown like any failed run: the answer pane says why */
        event e = event_make(EV_RUN_START);
        e.text = line;
        e.strategy = t->cfg->strategy;
        e.model = t->cfg->model;
        e.n = tui_effective_n(t);
        e.temperature = tui_effective_t(t);
        e.has_traits = 1;
        e.strategy_traits = tui_strategy(t) ? tui_strategy(t)->traits : 0;
        e.model_caps = model_spec_caps(t->cfg->model);
        view_apply(&t->v, &e, now);
        e = event_make(EV_ERROR);
        e.text = err;
        view_apply(&t->v, &e, now);
        e = event_make(EV_DONE);
        e.run = RUN_FAILED;
        view_apply(&t->v, &e, now);
        tui_note(t, ROLE_STATUS_ERROR, "%s", "could not start the run; the Thinking pane says why");
    }
    t->next_spin = now + SPIN_S;
    t->dirty = 1;
}

static void cancel_run(tui *t)
{
    if (!runner_busy(t->run)) return;
    runner_cancel(t->run);
    tui_note(t, ROLE_STATUS, "%s", "cancelling...");
}

static void copy_answer(tui *t)
{
    const char *ans = t->v.tr.answer && *t->v.tr.answer ? t->v.tr.answer : NULL;
    char path[1200], err[512], body[600];
    if (!ans) {
        const trace_node *n = trace_cget(&t->v.tr, view_focus(&t->v));
        if (n && n->answer && *n->answer) ans = n->answer;
    }
    if (!ans) { tui_note(t, ROLE_STATUS, "%s", "No answer to copy yet."); return; }
    fflush(stdout);
    clip_osc52(STDOUT_FILENO, ans);
    snprintf(body, sizeof body, "%s\n", ans);
    if (!t->state_dir[0]) {
        tui_note(t, ROLE_STATUS, "copied %s to the terminal clipboard", ans);
        return;
    }
    snprintf(path, sizeof path, "%s/last-answer", t->state_dir);
    if (files_write_atomic(path, body, strlen(body), err, sizeof err) < 0)
        view_message(&t->v, ROLE_STATUS_ERROR, tui_now(), MSG_S,
                     "copied %s to the terminal clipboard; %s", ans, err);
    else {
        const char *home = getenv("HOME");
        size_t hl = home ? strlen(home) : 0;
        int tilde = hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/';
        view_message(&t->v, ROLE_STATUS, tui_now(), MSG_S, "copied %s (terminal clipboard and %s%s)",
                     ans, tilde ? "~" : "", path + (tilde ? hl : 0));
    }
    t->dirty = 1;
}

static void show_messages(tui *t)
{
    char title[64], *text = msglog_text(&t->msgs);
    if (!text) { tui_note(t, ROLE_STATUS_ERROR, "%s", "out of memory"); return; }
    snprintf(title, sizeof title, "Messages (%d), oldest first", msglog_count(&t->msgs));
    screen_overlay(&t->scr, OVERLAY_TEXT, title, text);
}

/* A replay shows a saved run: the keys that set up the next run have no
 * next run to set up, and would make the status line lie about this one. */
static int replay_refuses(tui *t, ui_action a)
{
    switch (a) {
    case ACT_STRATEGY: case ACT_N_DOWN: case ACT_N_UP: case ACT_T_DOWN: case ACT_T_UP:
    case ACT_TASK: case ACT_THINK:
        if (!t->rp) return 0;
        tui_note(t, ROLE_STATUS, "%s", "a replay shows a saved run: its settings stay as "
                 "recorded (run ponder to solve with other settings)");
        return 1;
    default:
        return 0;
    }
}

static void do_action(tui *t, ui_action a, int key)
{
    if (replay_refuses(t, a)) return;
    switch (a) {
    case ACT_NONE: {
        char msg[256] = "";
        if (input_key(key, msg, sizeof msg)) t->dirty = 1;
        if (msg[0]) tui_note(t, ROLE_STATUS_ERROR, "%s", msg);
        break;
    }
    case ACT_HELP: screen_overlay(&t->scr, OVERLAY_HELP, "Keys", NULL); break;
    case ACT_SUBMIT:
        if (runner_busy(t->run))
            tui_note(t, ROLE_STATUS, "%s", "A solve is running; Esc cancels it.");
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
    /* the next frame settles these (layout_scroll) */
    case ACT_PAGE_UP: view_scroll(&t->v, 0, -1); break;
    case ACT_PAGE_DOWN: view_scroll(&t->v, 0, 1); break;
    case ACT_LINE_UP: view_scroll(&t->v, -1, 0); break;
    case ACT_LINE_DOWN: view_scroll(&t->v, 1, 0); break;
    case ACT_STRATEGY: tui_cycle_strategy(t); break;
    case ACT_N_DOWN: tui_change_n(t, -1); break;
    case ACT_N_UP: tui_change_n(t, 1); break;
    case ACT_T_DOWN: tui_change_t(t, -0.1); break;
    case ACT_T_UP: tui_change_t(t, 0.1); break;
    case ACT_COPY: copy_answer(t); break;
    case ACT_PROMPT: tui_show_prompt(t); break;
    case ACT_NEXT_TAB:
        t->scr.tab = screen_next_tab(&t->scr);
        t->resized = 1;
        break;
    case ACT_REDRAW: term_redraw_all(); break;
    case ACT_TREE_FOCUS: tui_tree_focus(t); break;
    case ACT_TASK: tui_toggle_task(t); break;
    case ACT_THINK: tui_cycle_think(t); break;
    case ACT_THINK_OPEN:
        t->v.think_open = !t->v.think_open;
        tui_note(t, ROLE_STATUS, "%s", t->v.think_open ? "thinking opened" : "thinking folded once the answer starts");
        break;
    case ACT_SUSPEND: t->suspend = 1; break;
    case ACT_TREE_DOWN: case ACT_TREE_UP: case ACT_TREE_PARENT: case ACT_TREE_CHILD:
    case ACT_TREE_PREV_SIBLING: case ACT_TREE_NEXT_SIBLING: case ACT_TREE_PAGE_UP:
    case ACT_TREE_PAGE_DOWN: case ACT_TREE_HOME: case ACT_TREE_END: case ACT_TREE_PATH:
    case ACT_TREE_COLLAPSE: case ACT_TREE_SEARCH: case ACT_TREE_COMPACT: case ACT_TREE_VOTES:
    case ACT_TREE_EXPORT_DOT: case ACT_TREE_EXPORT_JSON: case ACT_TREE_LEAVE:
    case ACT_TREE_EXPORT_MD:
        tui_tree_action(t, a);
        break;
    case ACT_EXPORT_MD: tui_export(t, "md"); break;
    case ACT_MESSAGES: show_messages(t); break;
    case ACT_REPLAY_STEP: case ACT_REPLAY_NODE: case ACT_REPLAY_PAUSE:
        tui_replay_key(t, a);
        break;
    case ACT__COUNT: break;
    }
    t->dirty = 1;
}

/* Keys while a window (help, prompt) is open: scroll or close it. */
static void overlay_key(tui *t, int key)
{
    ui_screen *s = &t->scr;
    ui_action a = keymap_lookup(key, 1);
    if (key == KM_FN(KEY_UP) || a == ACT_LINE_UP) screen_scroll_overlay(s, -1, 0);
    else if (key == KM_FN(KEY_DOWN) || a == ACT_LINE_DOWN) screen_scroll_overlay(s, 1, 0);
    else if (a == ACT_PAGE_UP) screen_scroll_overlay(s, 0, -1);
    else if (a == ACT_PAGE_DOWN || key == ' ') screen_scroll_overlay(s, 0, 1);
    else if (a == ACT_INTERRUPT) { screen_overlay(s, OVERLAY_NONE, NULL, NULL); do_action(t, a, key); }
    else if (a == ACT_CANCEL || a == ACT_HELP || a == ACT_SUBMIT || a == ACT_PROMPT ||
             a == ACT_MESSAGES || key == 'q')
        screen_overlay(s, OVERLAY_NONE, NULL, NULL);
    t->dirty = 1;
}

void tui_key(tui *t, int key)
{
    if (t->overwrite[0]) { tui_export_answer(t, key); return; }
    if (t->scr.quit_prompt) {
        t->scr.quit_prompt = 0;
        if (key == 'y' || key == 'Y' || key == KM_CTRL('c')) t->quit = 1;
        t->dirty = 1;
        return;
    }
    if (t->scr.overlay != OVERLAY_NONE) { overlay_key(t, key); return; }
    if (t->v.tree.focus && !view_has_tree(&t->v)) t->v.tree.focus = 0;
    if (t->v.tree.searching) {
        tui_tree_search_key(t, key);
        if (key != KM_CTRL('c')) return;
    }
    do_action(t, keymap_lookup_mode(key, input_empty(), t->v.tree.focus, t->rp != NULL), key);
}
