#include "ui/view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tutor/mem.h"

void view_init(view *v)
{
    memset(v, 0, sizeof *v);
    trace_init(&v->tr);
    v->focus = -1;
    v->path_node = -1;
    v->follow = 1;
    tree_init(&v->tree);
    event_log_init(&v->log);
    v->confidence = -1;
}

void view_done(view *v)
{
    trace_done(&v->tr);
    tree_done(&v->tree);
    event_log_done(&v->log);
    free(v->t_think);
    free(v->t_answer);
    v->t_think = v->t_answer = NULL;
    v->t_cap = 0;
}

void view_reset(view *v, double now)
{
    char msg[sizeof v->msg];
    ui_role role = v->msg_role;
    double until = v->msg_until;
    int compact = v->tree.compact, think_open = v->think_open;
    msglog *msgs = v->msgs;
    memcpy(msg, v->msg, sizeof msg);
    view_done(v);
    view_init(v);
    v->tree.compact = compact;
    v->think_open = think_open;
    v->msgs = msgs;
    memcpy(v->msg, msg, sizeof msg);
    v->msg_role = role;
    v->msg_until = until;
    v->started = 1;
    v->running = 1;
    v->t_start = now;
}

static int apply(view *v, const event *ev, double now);

int view_apply(view *v, const event *ev, double now)
{
    event_log_push(&v->log, ev);
    return apply(v, ev, now);
}

int view_apply_owned(view *v, event *ev, double now)
{
    int r = apply(v, ev, now);
    event_log_adopt(&v->log, ev);      /* no second copy of every delta */
    return r;
}

static int apply(view *v, const event *ev, double now)
{
    int ok = trace_apply(&v->tr, ev) == 0;
    switch (ev->kind) {
    case EV_NODE_ADD:
        if (ok) tree_node_added(&v->tree, &v->tr, ev->node, now);
        break;
    case EV_STATUS:
        if (ok && ev->status == NS_STREAMING) tree_node_active(&v->tree, &v->tr, ev->node);
        break;
    case EV_RUN_START:
        snprintf(v->strategy, sizeof v->strategy, "%s", ev->strategy ? ev->strategy : "");
        snprintf(v->model, sizeof v->model, "%s", ev->model ? ev->model : "");
        v->n = ev->n;
        v->temperature = ev->temperature;
        v->task = ev->task;
        v->strategy_traits = ev->strategy_traits;
        v->model_caps = ev->model_caps;
        v->running = 1;
        v->started = 1;
        if (v->t_start == 0) v->t_start = now;
        break;
    case EV_TEXT:
        if (ev->tokens > 0) v->live_tokens += ev->tokens;
        if (ok && ev->node >= 0) {
            if (ev->node >= v->t_cap) {
                int cap = v->t_cap ? v->t_cap : 64;
                while (cap <= ev->node) cap *= 2;
                v->t_think = mem_realloc(v->t_think, (size_t)cap * sizeof *v->t_think);
                v->t_answer = mem_realloc(v->t_answer, (size_t)cap * sizeof *v->t_answer);
                for (int i = v->t_cap; i < cap; i++) v->t_think[i] = v->t_answer[i] = 0;
                v->t_cap = cap;
            }
            double *t = ev->ch == CH_THINKING ? v->t_think : v->t_answer;
            if (t[ev->node] == 0) t[ev->node] = now;
        }
        v->retry[0] = 0;
        break;
    case EV_ERROR:
        if (ev->retryable)
            snprintf(v->retry, sizeof v->retry, "%s", ev->text ? ev->text : "retrying");
        else if (ev->node < 0)
            v->run_failed_msg = 1;
        break;
    case EV_NOTICE: {
        /* Keep them all: the first (say, "outside what the model knows")
         * matters more than a later tie. */
        size_t have = strlen(v->notice);
        if (ev->text && have + 2 < sizeof v->notice)
            snprintf(v->notice + have, sizeof v->notice - have, "%s%s", have ? "\n" : "", ev->text);
        break;
    }
    case EV_DONE:
        v->running = 0;
        v->t_end = now;
        v->elapsed_ms = ev->elapsed_ms;
        v->confidence = ev->confidence;
        v->saved = ev->saved;
        v->retry[0] = 0;
        /* A search ends on its chosen path: the cursor goes to the
         * end of the chosen path (unless the user has moved it), and the
         * Thinking pane shows the whole path to it. */
        if (tree_wanted(&v->tr) && !v->tree.user_moved) {
            int leaf = trace_chosen_leaf(&v->tr);
            if (leaf > 0) {
                tree_node_active(&v->tree, &v->tr, leaf);
                v->path_node = leaf;
            }
        }
        break;
    default:
        break;
    }
    return 1;
}

void view_scroll(view *v, int lines, int pages)
{
    v->scroll_asked = 1;
    v->scroll_lines += lines;
    v->scroll_pages += pages;
}

int view_followable(const view *v, int *ids, int cap)
{
    int k = 0;
    for (int i = 0; i < v->tr.n; i++) {
        if (v->tr.nodes[i].kind == NODE_ROOT) continue;
        if (k < cap) ids[k] = i;
        k++;
    }
    return k;
}

int view_focus(const view *v)
{
    if (v->focus >= 0 && v->focus < v->tr.n) return v->focus;
    /* a tree's Thinking pane shows the node the tree's cursor is on */
    if (v->tree.cursor > 0 && v->tree.cursor < v->tr.n && view_has_tree(v))
        return v->tree.cursor;
    for (int i = 0; i < v->tr.n; i++)
        if (v->tr.nodes[i].kind != NODE_ROOT) return i;
    return v->tr.n > 0 ? 0 : -1;
}

int view_focus_index(const view *v, int *count)
{
    int f = view_focus(v), k = 0, at = -1;
    for (int i = 0; i < v->tr.n; i++) {
        if (v->tr.nodes[i].kind == NODE_ROOT) continue;
        if (i == f) at = k;
        k++;
    }
    if (count) *count = k;
    return at;
}

void view_cycle(view *v, int delta)
{
    int count = 0, at = view_focus_index(v, &count);
    if (count == 0) return;
    v->path_node = -1;
    at = at < 0 ? 0 : ((at + delta) % count + count) % count;
    for (int i = 0, k = 0; i < v->tr.n; i++) {
        if (v->tr.nodes[i].kind == NODE_ROOT) continue;
        if (k++ == at) { v->focus = i; break; }
    }
    /* a sample still streaming is followed; a finished one is read from the top */
    {
        const trace_node *n = trace_cget(&v->tr, v->focus);
        v->follow = n && n->status == NS_STREAMING;
        v->scroll = 0;
        v->scroll_asked = v->scroll_lines = v->scroll_pages = 0;
    }
}

int view_has_tree(const view *v)
{
    return tree_wanted(&v->tr);
}

const char *view_run_error(const view *v)
{
    /* a retry that later succeeded is not why anything failed */
    if (v->run_failed_msg && v->tr.error && *v->tr.error) return v->tr.error;
    for (int i = 0; i < v->tr.n; i++)
        if (v->tr.nodes[i].error && *v->tr.nodes[i].error) return v->tr.nodes[i].error;
    return NULL;
}

long view_tokens_out(const view *v)
{
    return v->tr.tokens_out > v->live_tokens ? v->tr.tokens_out : v->live_tokens;
}

double view_elapsed(const view *v, double now)
{
    if (!v->started) return 0;
    if (!v->running) {
        if (v->elapsed_ms > 0) return v->elapsed_ms / 1000.0;
        return v->t_end > v->t_start ? v->t_end - v->t_start : 0;
    }
    return now - v->t_start;
}

void view_message(view *v, ui_role role, double now, double secs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
    v->msg_role = role;
    v->msg_until = secs > 0 ? now + secs : 0;
    if (v->msgs)
        msglog_add(v->msgs, role, time(NULL), v->msg);
}

const char *view_current_message(const view *v, double now)
{
    if (!v->msg[0]) return NULL;
    if (v->msg_until > 0 && now >= v->msg_until) return NULL;
    return v->msg;
}
