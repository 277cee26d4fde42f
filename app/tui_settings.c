/* tui_settings: the settings the next solve will use, changed by keys
 * (strategy, task, n, T, think), and the prompt the strategy would send. */
#include "app/tui.h"
#include "app/tui_state.h"

#include <stdio.h>
#include <string.h>

#include "tutor/prompt.h"
#include "ui/input.h"

void tui_help_init(void)
{
    char buf[256];
    size_t len = (size_t)snprintf(buf, sizeof buf, "switch strategy:");
    for (int i = 0; strategy_at(i) && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s %s", i ? "," : "",
                                strategy_at(i)->name);
    keymap_set_action_help(ACT_STRATEGY, buf);
}

const strategy_info *tui_strategy(const tui *t)
{
    return strategy_find(t->cfg->strategy);
}

int tui_effective_n(const tui *t)
{
    const strategy_info *si = tui_strategy(t);
    if (t->cfg->strat.n > 0) return t->cfg->strat.n;
    return si ? si->default_n : 1;
}

double tui_effective_t(const tui *t)
{
    const strategy_info *si = tui_strategy(t);
    if (t->cfg->strat.temperature >= 0) return t->cfg->strat.temperature;
    return si ? si->default_t : -1;
}

/* The status line shows the next solve's settings from here. */
void tui_sync_settings(tui *t)
{
    t->scr.model = t->cfg->model;
    t->scr.strategy = t->cfg->strategy;
    t->scr.strategy_traits = tui_strategy(t) ? tui_strategy(t)->traits : 0;
    t->scr.n = tui_effective_n(t);
    t->scr.temperature = tui_effective_t(t);
    t->scr.task = t->cfg->strat.task == TASK_24;
    t->scr.think_setting = t->cfg->strat.think == THINK_DEFAULT ? NULL
                 : think_name(t->cfg->strat.think, t->cfg->strat.think_budget,
                              t->think_buf, sizeof t->think_buf);
    t->scr.insecure = t->cfg->insecure;
    t->dirty = 1;
}

/* The side pane always exists today: votes for sc, the run's nodes
 * otherwise. A toggle would go here. */
int tui_want_side(void) { return 1; }


void tui_cycle_strategy(tui *t)
{
    const strategy_info *cur = tui_strategy(t), *next = NULL;
    int i = 0;
    for (const strategy_info *si; (si = strategy_at(i)); i++)
        if (si == cur) { next = strategy_at(i + 1); break; }
    if (!next) next = strategy_at(0);
    if (!next) return;
    snprintf(t->cfg->strategy, sizeof t->cfg->strategy, "%s", next->name);
    t->cfg->strat.name = t->cfg->strategy;
    t->cfg->strat.n = next->default_n;
    t->cfg->strat.temperature = next->default_t;
    tui_sync_settings(t);
    view_message(&t->v, ROLE_STATUS, tui_now(), MSG_S, "strategy %s: %s%s", next->name,
                 next->summary ? next->summary : "",
                 runner_busy(t->run) ? " (from the next solve)" : "");
    t->resized = 1;
}

/* Word problems or Game of 24: the task decides the prompts and the
 * checker, and any strategy runs on it; tot is the one to watch. */
void tui_toggle_task(tui *t)
{
    int on = t->cfg->strat.task != TASK_24;
    t->cfg->strat.task = on ? TASK_24 : TASK_MATH;
    input_set_task24(on);
    tui_sync_settings(t);
    if (on)
        view_message(&t->v, ROLE_STATUS, tui_now(), MSG_S,
                     "Game of 24: type four numbers such as 4 9 10 13; %s%s",
                     (t->scr.strategy_traits & STRAT_TREE) ? "the search tree grows in the side pane"
                     : "Ctrl-S to a tree search (tot) shows the search tree",
                     runner_busy(t->run) ? " (from the next solve)" : "");
    else
        view_message(&t->v, ROLE_STATUS, tui_now(), MSG_S, "word problems%s",
                     runner_busy(t->run) ? " (from the next solve)" : "");
    t->resized = 1;
}

/* --think from the keyboard: default, off, on, low, medium, high, and a
 * 256-token budget, round again. The backend says (a notice) when it cannot
 * do what is asked. */
void tui_cycle_think(tui *t)
{
    static const think_mode order[] = { THINK_DEFAULT, THINK_OFF, THINK_ON, THINK_LOW,
                                        THINK_MEDIUM, THINK_HIGH, THINK_BUDGET };
    size_t i = 0, n = sizeof order / sizeof order[0];
    while (i < n && order[i] != t->cfg->strat.think) i++;
    t->cfg->strat.think = order[(i + 1) % n];
    if (t->cfg->strat.think == THINK_BUDGET) t->cfg->strat.think_budget = 256;
    tui_sync_settings(t);
    char buf[32];
    view_message(&t->v, ROLE_STATUS, tui_now(), MSG_S, "thinking: %s%s",
                 think_name(t->cfg->strat.think, t->cfg->strat.think_budget, buf, sizeof buf),
                 runner_busy(t->run) ? " (from the next solve)" : "");
}

void tui_change_n(tui *t, int delta)
{
    int n = tui_effective_n(t) + delta;
    if (n < 1) n = 1;
    if (n > 64) n = 64;
    t->cfg->strat.n = n;
    tui_sync_settings(t);
    const strategy_info *si = tui_strategy(t);
    int used = si && (si->traits & STRAT_USES_N);
    view_message(&t->v, ROLE_STATUS, tui_now(), MSG_S, "%s=%d%s",
                 si && si->n_label ? si->n_label : "samples n", n,
                 used ? "" : " (not used by this strategy; Ctrl-S switches strategy)");
}

void tui_change_t(tui *t, double delta)
{
    double v = tui_effective_t(t);
    if (v < 0) v = 0.8;
    v += delta;
    if (v < 0) v = 0;
    if (v > 2) v = 2;
    v = (double)(long)(v * 10 + 0.5) / 10;
    t->cfg->strat.temperature = v;
    tui_sync_settings(t);
    view_message(&t->v, ROLE_STATUS, tui_now(), MSG_S, "temperature T=%.1f", v);
}

void tui_show_prompt(tui *t)
{
    const char *name = t->cfg->strategy, *problem = input_text();
    const strategy_info *si = tui_strategy(t);
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
    if (!text) { tui_note(t, ROLE_STATUS_ERROR, "%s", "could not render the prompt"); return; }
    if (si && (si->traits & STRAT_VOTES))
        snprintf(title, sizeof title, "Prompt: %s sends this %d times at T=%.1f",
                 name, tui_effective_n(t), tui_effective_t(t));
    else if (search)
        snprintf(title, sizeof title, "Prompt: %s asks for one step at a time, first this", name);
    else snprintf(title, sizeof title, "Prompt: %s", name);
    screen_overlay(&t->scr, OVERLAY_TEXT, title, text);
    t->dirty = 1;
}
